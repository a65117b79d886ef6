/* compress.c - gzip and zstd streams under the reader (a pull stage over
 * the original mapping or buffer) and over the writer's sink (a codec
 * stage). Damage inside a compressed stream is reported with the
 * compressed byte offset, so the reader's message says where it is. */
#include "io/compress.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <capkit/capkit.h>

/* Input fed to the decompressor per call (zlib counts in unsigned int). */
#define FEED_MAX ((size_t)1 << 20)
#define OUT_CHUNK ((size_t)1 << 18)

int capkit__codec_of_magic(const uint8_t *p, size_t n) {
  if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
    return CAPKIT__CODEC_GZIP;
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
    return CAPKIT__CODEC_ZSTD;
  return CAPKIT__CODEC_NONE;
}

static int ends_with(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n > k && strcmp(s + n - k, suf) == 0;
}

int capkit__codec_of_name(const char *path) {
  if (!path)
    return CAPKIT__CODEC_NONE;
  if (ends_with(path, ".gz"))
    return CAPKIT__CODEC_GZIP;
  if (ends_with(path, ".zst"))
    return CAPKIT__CODEC_ZSTD;
  return CAPKIT__CODEC_NONE;
}

const char *capkit__codec_name(int codec) {
  switch (codec) {
  case CAPKIT__CODEC_GZIP:
    return "gzip";
  case CAPKIT__CODEC_ZSTD:
    return "zstd";
  }
  return NULL;
}

int capkit__codec_by_name(const char *name) {
  if (!name || strcmp(name, "none") == 0 || !*name)
    return CAPKIT__CODEC_NONE;
  if (strcmp(name, "gzip") == 0 || strcmp(name, "gz") == 0)
    return CAPKIT__CODEC_GZIP;
  if (strcmp(name, "zstd") == 0 || strcmp(name, "zst") == 0)
    return CAPKIT__CODEC_ZSTD;
  return -1;
}

/* ---- reading ---- */

typedef struct dz {
  capkit__src in; /* the compressed bytes */
  int codec;
  uint64_t in_off; /* compressed bytes consumed */
  int member_end;  /* gzip: a member ended; another may follow */
  int done;
  int err; /* a failure held back until the bytes before it are used */
  z_stream z;
  ZSTD_DStream *zd;
  size_t zret; /* last ZSTD_decompressStream hint: 0 at a frame's end */
  char msg[256];
} dz;

static void dz_free(void *ctx) {
  dz *d = ctx;
  if (d->codec == CAPKIT__CODEC_GZIP)
    inflateEnd(&d->z);
  else
    ZSTD_freeDStream(d->zd);
  capkit__src_close(&d->in);
  free(d);
}

static const char *dz_msg(void *ctx) {
  dz *d = ctx;
  return d->msg[0] ? d->msg : NULL;
}

static long dz_fail(dz *d, int code, const char *what) {
  snprintf(d->msg, sizeof d->msg, "%s data %s at compressed byte %llu",
           capkit__codec_name(d->codec), what,
           (unsigned long long)d->in_off);
  d->err = code;
  return code;
}

/* One step of gzip: returns bytes produced or a negative code. */
static long gz_step(dz *d, const uint8_t *src, size_t avail, size_t *used,
                    uint8_t *dst, size_t cap) {
  if (d->member_end) {
    /* Concatenated members (as pigz and cat make) are one stream. */
    if (avail < 2 && !d->in.eof) {
      *used = 0;
      return 0;
    }
    if (capkit__codec_of_magic(src, avail) != CAPKIT__CODEC_GZIP)
      return dz_fail(d, CAPKIT_EBADREC, "followed by unknown bytes");
    inflateReset(&d->z);
    d->member_end = 0;
  }
  d->z.next_in = (Bytef *)(uintptr_t)src;
  d->z.avail_in = (uInt)avail;
  d->z.next_out = dst;
  d->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
  int zr = inflate(&d->z, Z_NO_FLUSH);
  *used = avail - d->z.avail_in;
  long got = (long)(cap - d->z.avail_out);
  if (zr == Z_STREAM_END) {
    d->member_end = 1;
  } else if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR) {
    char what[200];
    d->in_off += *used;
    snprintf(what, sizeof what, "damaged (%s)",
             d->z.msg ? d->z.msg : "invalid data");
    dz_fail(d, CAPKIT_EBADREC, what);
    d->in_off -= *used; /* added again by the caller */
    return got;
  } else if (zr == Z_MEM_ERROR) {
    return CAPKIT_ENOMEM;
  } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
    return dz_fail(d, CAPKIT_EBADREC, "damaged");
  }
  return got;
}

static long zs_step(dz *d, const uint8_t *src, size_t avail, size_t *used,
                    uint8_t *dst, size_t cap) {
  ZSTD_inBuffer ib = {src, avail, 0};
  ZSTD_outBuffer ob = {dst, cap, 0};
  size_t r = ZSTD_decompressStream(d->zd, &ob, &ib);
  *used = ib.pos;
  if (ZSTD_isError(r)) {
    char what[200];
    d->in_off += ib.pos;
    snprintf(what, sizeof what, "damaged (%s)", ZSTD_getErrorName(r));
    dz_fail(d, CAPKIT_EBADREC, what);
    d->in_off -= ib.pos; /* added again by the caller */
    return (long)ob.pos;
  }
  d->zret = r;
  return (long)ob.pos;
}

static long dz_pull(void *ctx, uint8_t *dst, size_t cap) {
  dz *d = ctx;
  if (cap > LONG_MAX)
    cap = LONG_MAX;
  size_t produced = 0;
  if (d->err)
    return d->err;
  while (produced == 0 && !d->done) {
    capkit__src_release(&d->in);
    int f = capkit__src_fill(&d->in, d->member_end ? 2 : 1);
    if (f < 0) {
      snprintf(d->msg, sizeof d->msg,
               "cannot read compressed input at byte %llu: %s",
               (unsigned long long)d->in_off,
               capkit__src_errtext(&d->in, f));
      return d->err = f;
    }
    size_t avail = (size_t)(d->in.end - d->in.cur);
    if (avail == 0) {
      int mid = d->codec == CAPKIT__CODEC_GZIP ? !d->member_end
                                               : d->zret != 0;
      if (mid)
        return dz_fail(d, CAPKIT_ETRUNC, "cut short");
      d->done = 1;
      break;
    }
    if (avail > FEED_MAX)
      avail = FEED_MAX;
    size_t used = 0;
    long got = d->codec == CAPKIT__CODEC_GZIP
                   ? gz_step(d, d->in.cur, avail, &used, dst + produced,
                             cap - produced)
                   : zs_step(d, d->in.cur, avail, &used, dst + produced,
                             cap - produced);
    if (got < 0)
      return got;
    d->in.cur += used;
    d->in_off += used;
    produced += (size_t)got;
    if (d->err && produced == 0)
      return d->err;
  }
  return (long)produced;
}

int capkit__src_decompress(capkit__src *s, int codec) {
  dz *d = calloc(1, sizeof *d);
  if (!d)
    return CAPKIT_ENOMEM;
  d->codec = codec;
  if (codec == CAPKIT__CODEC_GZIP) {
    if (inflateInit2(&d->z, 16 + MAX_WBITS) != Z_OK) {
      free(d);
      return CAPKIT_ENOMEM;
    }
  } else if (codec == CAPKIT__CODEC_ZSTD) {
    d->zd = ZSTD_createDStream();
    if (!d->zd) {
      free(d);
      return CAPKIT_ENOMEM;
    }
    ZSTD_initDStream(d->zd);
    d->zret = 1;
  } else {
    free(d);
    return CAPKIT_EINVAL;
  }
  /* The old source moves inside; s becomes a fresh buffered stream that
   * keeps the same window setting. */
  d->in = *s;
  size_t window = s->window;
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->window = window;
  int rc = capkit__src_open_pull(s, dz_pull, d, dz_free);
  if (rc) {
    *s = d->in;
    d->in.kind = CAPKIT__SRC_NONE;
    d->in.buf = NULL;
    d->in.own_fd = 0;
    d->in.fd = -1;
    dz_free(d);
    return rc;
  }
  s->pull_msg = dz_msg;
  s->size = 0; /* the decompressed size is not known in advance */
  return 0;
}

const capkit__src *capkit__src_inner(const capkit__src *s) {
  if (s->pull != dz_pull)
    return NULL;
  return &((const dz *)s->pull_ctx)->in;
}

/* ---- writing ---- */

typedef struct cz {
  capkit__sink *sink;
  int codec;
  z_stream z;
  ZSTD_CCtx *zc;
  uint8_t *out;
  size_t out_cap;
} cz;

static void cz_free(void *ctx) {
  cz *c = ctx;
  if (!c)
    return;
  if (c->codec == CAPKIT__CODEC_GZIP)
    deflateEnd(&c->z);
  else
    ZSTD_freeCCtx(c->zc);
  free(c->out);
  free(c);
}

static int gz_run(cz *c, const uint8_t *p, size_t n, int flush) {
  c->z.next_in = (Bytef *)(uintptr_t)p;
  c->z.avail_in = (uInt)n;
  for (;;) {
    c->z.next_out = c->out;
    c->z.avail_out = (uInt)c->out_cap;
    int zr = deflate(&c->z, flush);
    if (zr == Z_STREAM_ERROR)
      return CAPKIT_EIO;
    size_t have = c->out_cap - c->z.avail_out;
    if (have) {
      int rc = capkit__sink_raw_write(c->sink, c->out, have);
      if (rc)
        return rc;
    }
    if (flush == Z_FINISH ? zr == Z_STREAM_END
                          : c->z.avail_in == 0 && c->z.avail_out != 0)
      return 0;
  }
}

static int zs_run(cz *c, const uint8_t *p, size_t n, ZSTD_EndDirective end) {
  ZSTD_inBuffer ib = {p, n, 0};
  for (;;) {
    ZSTD_outBuffer ob = {c->out, c->out_cap, 0};
    size_t r = ZSTD_compressStream2(c->zc, &ob, &ib, end);
    if (ZSTD_isError(r))
      return CAPKIT_EIO;
    if (ob.pos) {
      int rc = capkit__sink_raw_write(c->sink, c->out, ob.pos);
      if (rc)
        return rc;
    }
    if (end == ZSTD_e_end ? r == 0 : ib.pos == ib.size)
      return 0;
  }
}

static int cz_write(void *ctx, const uint8_t *p, size_t n) {
  cz *c = ctx;
  while (n > 0) {
    size_t k = n > FEED_MAX ? FEED_MAX : n;
    int rc = c->codec == CAPKIT__CODEC_GZIP ? gz_run(c, p, k, Z_NO_FLUSH)
                                            : zs_run(c, p, k, ZSTD_e_continue);
    if (rc)
      return rc;
    p += k;
    n -= k;
  }
  return 0;
}

static int cz_finish(void *ctx) {
  cz *c = ctx;
  return c->codec == CAPKIT__CODEC_GZIP ? gz_run(c, NULL, 0, Z_FINISH)
                                        : zs_run(c, NULL, 0, ZSTD_e_end);
}

int capkit__sink_compress(capkit__sink *s, int codec, int level) {
  if (codec == CAPKIT__CODEC_NONE)
    return 0;
  cz *c = calloc(1, sizeof *c);
  if (!c)
    return CAPKIT_ENOMEM;
  c->sink = s;
  c->codec = codec;
  c->out_cap = OUT_CHUNK;
  c->out = malloc(c->out_cap);
  if (!c->out) {
    free(c);
    return CAPKIT_ENOMEM;
  }
  if (codec == CAPKIT__CODEC_GZIP) {
    if (deflateInit2(&c->z, level ? level : 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      free(c->out);
      free(c);
      return CAPKIT_EINVAL;
    }
  } else {
    c->zc = ZSTD_createCCtx();
    if (!c->zc) {
      free(c->out);
      free(c);
      return CAPKIT_ENOMEM;
    }
    if (ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel,
                                            level ? level : 3))) {
      cz_free(c);
      return CAPKIT_EINVAL;
    }
    /* Worker threads compress while the caller keeps producing; a
     * library built without them refuses, and one thread does it all. */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu > 1 &&
        !ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_nbWorkers,
                                             (int)(ncpu > 8 ? 8 : ncpu))))
      /* Small jobs keep the memory of the workers bounded. */
      (void)ZSTD_CCtx_setParameter(c->zc, ZSTD_c_jobSize, 1 << 20);
    (void)ZSTD_CCtx_setParameter(c->zc, ZSTD_c_checksumFlag, 1);
  }
  if (s->codec.free)
    s->codec.free(s->codec.ctx);
  s->codec.write = cz_write;
  s->codec.finish = cz_finish;
  s->codec.free = cz_free;
  s->codec.ctx = c;
  return 0;
}

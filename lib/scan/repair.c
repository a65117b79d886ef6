/* repair.c - repair of damaged pcap and pcapng captures: the file header
 * checked or rebuilt, then one walk over the records (blocks) that keeps
 * every record whose framing is confirmed by its successor, resynchronises
 * with the scanner after damage, and reports every byte it drops. FTP
 * ASCII-mode mangling is undone by a stage in front of the walk. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/decode.h>

#include "format/format.h"
#include "io/compress.h"
#include "io/sink.h"
#include "io/src.h"
#include "scan/scan_int.h"

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au
/* Bytes kept ready ahead of the walk: a chain of records must fit. */
#define LOOK ((size_t)8 << 20)
/* The look-ahead of the pcap walk over a record in doubt: room for a chain
 * of several of the largest records (and the window the resynchronising
 * scan searches before it drops what cannot start a chain). */
#define DOUBT ((size_t)2 << 20)
#define UNLF_COMMENT                                                           \
  "capkit repair: damaged record kept: it lost 0d bytes (FTP ASCII mode) "   \
  "whose places could not be decided; its bytes are a guess"

struct capkit_repair {
  capkit_repair_fn fn;
  void *user;
  int pad;
  int keep_damaged;
  capkit_writer *w; /* --keep-damaged on pcap: pcapng output with comments */
  int lt_set;
  uint32_t lt;
  uint64_t nrec, dropped_rec, dropped_bytes;
  int changed;
  capkit_scan_layout layout;
  int have_layout;
  char err[CAPKIT__MSG];
  /* A run */
  const char *name;
  capkit__src src;
  capkit__sink sink;
  int out;
  /* No codec on the output: unchanged input bytes are offered to the
   * sink as ranges of the input file (what convert does), which copies
   * them into its buffer for its output thread to write while the walk
   * reads on. */
  int direct;
  /* The pcap walk reads its input straight into the output's buffer (the
   * source is lent it) and keeps a record by committing it where it lies:
   * no copy of the intact bytes in this process. Records after dropped
   * bytes are moved down over them. */
  int lent;
  int lendable; /* lent at the next refill that finds the window small */
  capkit__src_loan loan; /* the source's own buffer meanwhile */
  uint64_t src_id;
  /* The reverse ASCII-mode stage in front of the walk, or NULL (owned by
   * the source). */
  capkit__unlf *unlf;
  capkit_scanner sc;
  /* The packets carry pcap record headers of the capture's own time (a
   * pcap stream sent over the network): short runs of records found
   * after damage may be such packets' payload. */
  int carries;
  /* Pending dropped bytes, merged into one event. */
  uint64_t gar_off, gar_len;
};

const char *capkit_repair_kind_name(int kind) {
  switch (kind) {
#define CAPKIT__RKNAME(name, val, msg)                                         \
  case val:                                                                    \
    return #name;
    CAPKIT_REPAIR_KINDS(CAPKIT__RKNAME)
#undef CAPKIT__RKNAME
  }
  return NULL;
}

capkit_repair *capkit_repair_new(void) {
  capkit_repair *rp = calloc(1, sizeof *rp);
  return rp;
}

void capkit_repair_free(capkit_repair *rp) { free(rp); }

void capkit_repair_set_event_fn(capkit_repair *rp, capkit_repair_fn fn,
                                void *user) {
  if (!rp)
    return;
  rp->fn = fn;
  rp->user = user;
}

int capkit_repair_set_pad(capkit_repair *rp, int pad) {
  if (!rp)
    return CAPKIT_EINVAL;
  rp->pad = pad != 0;
  return 0;
}

int capkit_repair_set_keep_damaged(capkit_repair *rp, int keep) {
  if (!rp)
    return CAPKIT_EINVAL;
  rp->keep_damaged = keep != 0;
  return 0;
}

int capkit_repair_set_linktype(capkit_repair *rp, uint32_t linktype) {
  if (!rp)
    return CAPKIT_EINVAL;
  rp->lt_set = linktype != (uint32_t)-1;
  rp->lt = linktype;
  return 0;
}

uint64_t capkit_repair_records(const capkit_repair *rp) {
  return rp ? rp->nrec : 0;
}
uint64_t capkit_repair_dropped_records(const capkit_repair *rp) {
  return rp ? rp->dropped_rec : 0;
}
uint64_t capkit_repair_dropped_bytes(const capkit_repair *rp) {
  return rp ? rp->dropped_bytes : 0;
}
const capkit_scan_layout *capkit_repair_layout(const capkit_repair *rp) {
  return rp && rp->have_layout ? &rp->layout : NULL;
}
const char *capkit_repair_error(const capkit_repair *rp) {
  return rp ? rp->err : "";
}

static int fail(capkit_repair *rp, int code, uint64_t off, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));
static int fail(capkit_repair *rp, int code, uint64_t off, const char *fmt,
                ...) {
  int n = snprintf(rp->err, sizeof rp->err, "%s: offset %llu: ", rp->name,
                   (unsigned long long)off);
  if (n < 0)
    n = 0;
  if ((size_t)n < sizeof rp->err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rp->err + n, sizeof rp->err - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return code;
}

static void event(capkit_repair *rp, int kind, uint64_t off, uint64_t len,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void event(capkit_repair *rp, int kind, uint64_t off, uint64_t len,
                  const char *fmt, ...) {
  rp->changed = 1;
  if (!rp->fn)
    return;
  char msg[CAPKIT__MSG];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  capkit_repair_event ev = {kind, off, len, rp->nrec + 1, msg};
  rp->fn(rp->user, &ev);
}

/* Dropped bytes: merged with those dropped just before. */
static void drop(capkit_repair *rp, uint64_t off, uint64_t len) {
  rp->dropped_bytes += len;
  if (rp->gar_len && rp->gar_off + rp->gar_len == off) {
    rp->gar_len += len;
    return;
  }
  if (rp->gar_len)
    event(rp, CAPKIT_REPAIR_GARBAGE, rp->gar_off, rp->gar_len,
          "%llu bytes dropped: no record of the capture starts there",
          (unsigned long long)rp->gar_len);
  rp->gar_off = off;
  rp->gar_len = len;
}
static void drop_flush(capkit_repair *rp) {
  if (rp->gar_len)
    event(rp, CAPKIT_REPAIR_GARBAGE, rp->gar_off, rp->gar_len,
          "%llu bytes dropped: no record of the capture starts there",
          (unsigned long long)rp->gar_len);
  rp->gar_len = 0;
}

/* Bytes at the cursor: *n of them ready, *at_end when they reach the end
 * of the input. 0 or a negative code. */
static int ready(capkit_repair *rp, size_t want, size_t *n, int *at_end) {
  capkit__src *s = &rp->src;
  /* A buffered source is topped up only when less than half of want is
   * left: each refill slides what is left to the front, so once per
   * half window, never once per record. */
  int f = 1;
  if (s->kind != CAPKIT__SRC_BUF || (size_t)(s->end - s->cur) < want / 2)
    f = capkit__src_fill(s, want);
  if (f < 0)
    return fail(rp, f, capkit__src_offset(s), "read error: %s",
                capkit__src_errtext(s, f));
  *n = (size_t)(s->end - s->cur);
  *at_end = s->kind != CAPKIT__SRC_BUF || s->eof;
  return 0;
}

/* Bytes at the cursor without reading (*n, *at_end); when fewer than
 * need are there and more follow, read: CHUNK at once (the source's
 * read_max), so that the walk over intact records reads in steps that are
 * still in the CPU's cache when it walks and copies them, and slides only
 * the few bytes of the record in hand to the front of the buffer. */
#define CHUNK ((size_t)256 << 10)
/* Reading into the output buffer (below): the buffer's size, the bytes
 * committed before they go out, the most the walk asks for at once. */
#define HAND ((size_t)1 << 20)
#define LENT_CAP (DOUBT + HAND + 2 * CHUNK)
#define LENT_NEED (DOUBT + CHUNK)
static int lent_more(capkit_repair *rp, size_t need);
static void lend(capkit_repair *rp);
static int have_more(capkit_repair *rp, size_t need) {
  capkit__src *s = &rp->src;
  if (rp->lendable && need <= LENT_NEED && (size_t)(s->end - s->cur) < CHUNK)
    lend(rp);
  if (rp->lent)
    return lent_more(rp, need);
  int f = capkit__src_fill(s, need);
  if (f < 0)
    return fail(rp, f, capkit__src_offset(s), "read error: %s",
                capkit__src_errtext(s, f));
  return 0;
}
static inline int have(capkit_repair *rp, size_t need, size_t *n,
                       int *at_end) {
  capkit__src *s = &rp->src;
  int rc;
  if ((size_t)(s->end - s->cur) < need && s->kind == CAPKIT__SRC_BUF &&
      !s->eof && (rc = have_more(rp, need)) != 0)
    return rc;
  *n = (size_t)(s->end - s->cur);
  *at_end = s->kind != CAPKIT__SRC_BUF || s->eof;
  return 0;
}

/* ---- reading into the output buffer (the pcap walk) ----
 * The output buffer holds, in order: the bytes committed for output, the
 * input bytes walked past and dropped (none while the records are
 * intact), and the window of unread input. When the window needs more
 * bytes and a HAND's worth is committed, or the room after it runs out,
 * the committed bytes go to the output thread and the window moves to the
 * front of the other buffer: a kept record's bytes are copied once out of
 * the kernel and once into it, none in this process. The buffers hold the
 * walk's look-ahead over a record in doubt; a record larger still (a link
 * type whose bound is above DOUBT) sends the walk back to the source's own
 * buffer, with copies, until the window is small again. */

static void lend(capkit_repair *rp) {
  capkit__src *s = &rp->src;
  capkit__sink *k = &rp->sink;
  if (!rp->out || rp->w || s->kind != CAPKIT__SRC_BUF) {
    rp->lendable = 0;
    return;
  }
  if (capkit__sink_grow(k, LENT_CAP) != 0 ||
      capkit__src_lend(s, k->buf + k->len, k->cap - k->len, &rp->loan) != 0)
    return; /* tried again at the next refill */
  rp->lendable = 0;
  rp->lent = 1;
  /* The header's look-ahead grew the source's buffer: give it back. */
  if (rp->loan.cap > CHUNK) {
    uint8_t *b = realloc(rp->loan.buf, CHUNK);
    if (b) {
      rp->loan.buf = b;
      rp->loan.cap = CHUNK;
    }
  }
}

/* The source back on its own buffer, with the unread bytes. */
static int unlend(capkit_repair *rp) {
  if (!rp->lent)
    return 0;
  rp->lent = 0;
  int rc = capkit__src_unlend(&rp->src, &rp->loan);
  return rc ? fail(rp, rc, capkit__src_offset(&rp->src), "out of memory") : 0;
}

static int lent_more(capkit_repair *rp, size_t need) {
  capkit__src *s = &rp->src;
  capkit__sink *k = &rp->sink;
  if (need > LENT_NEED) {
    int rc = unlend(rp);
    rp->lendable = 1;
    return rc ? rc : have_more(rp, need);
  }
  while ((size_t)(s->end - s->cur) < need && !s->eof) {
    size_t short_of = need - (size_t)(s->end - s->cur);
    size_t step = short_of > CHUNK ? short_of : CHUNK;
    if (k->len >= HAND || (size_t)(k->buf + k->cap - s->end) < step) {
      int rc = k->len ? capkit__sink_hand_over(k) : 0;
      if (rc)
        return fail(rp, rc, capkit__src_offset(s), "write failed: %s",
                    capkit_strerror(rc));
      capkit__src_slide(s, k->buf + k->len, k->cap - k->len);
    }
    long got = capkit__src_read_more(s, step);
    if (got < 0)
      return fail(rp, (int)got, capkit__src_offset(s), "read error: %s",
                  capkit__src_errtext(s, (int)got));
  }
  return 0;
}

/* Commit len bytes at p (in the window, at or after the committed end),
 * moving them down over dropped bytes when there are any. */
static int lent_write(capkit_repair *rp, const uint8_t *p, size_t len) {
  capkit__sink *k = &rp->sink;
  uint8_t *at = k->buf + k->len;
  if (p < at || p + len > rp->src.end)
    return fail(rp, CAPKIT_EMISUSE, capkit__src_offset(&rp->src),
                "internal error: output bytes outside the input window");
  if (p != at)
    memmove(at, p, len);
  capkit__sink_commit(k, len);
  return 0;
}

static int out_write(capkit_repair *rp, const uint8_t *p, size_t len) {
  if (!rp->out)
    return 0;
  if (rp->lent)
    return lent_write(rp, p, len);
  int rc;
  capkit__src *s = &rp->src;
  if (rp->direct && p >= s->start && p < s->end)
    rc = capkit__sink_write_run(&rp->sink, capkit__src_file_fd(s),
                                rp->src_id,
                                s->base + (uint64_t)(p - s->start), len, p);
  else
    rc = capkit__sink_write(&rp->sink, p, len);
  if (rc)
    return fail(rp, rc, capkit__src_offset(s), "write failed: %s",
                capkit_strerror(rc));
  return 0;
}

/* One pcap record out: raw, or through the pcapng writer (with comment,
 * or NULL) when damaged records are kept. caplen may be below the
 * header's (a padded tail). */
static int out_record(capkit_repair *rp, const uint8_t *p, uint32_t caplen,
                      const char *comment) {
  if (!rp->out)
    return 0;
  if (!rp->w) {
    uint8_t h[CAPKIT__RHDR];
    if (caplen == capkit__ld32(p + 8, rp->sc.swap))
      return out_write(rp, p, CAPKIT__RHDR + (size_t)caplen);
    if (rp->lent) { /* the header is the output's: corrected in place */
      capkit__st32(rp->sink.buf + (p - rp->sink.buf) + 8, caplen, rp->sc.swap);
      return out_write(rp, p, CAPKIT__RHDR + (size_t)caplen);
    }
    memcpy(h, p, CAPKIT__RHDR);
    capkit__st32(h + 8, caplen, rp->sc.swap);
    int rc = out_write(rp, h, CAPKIT__RHDR);
    return rc ? rc : out_write(rp, p + CAPKIT__RHDR, caplen);
  }
  capkit__rhdr h;
  capkit__scan_ld(&rp->sc, p, &h);
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint32_t lim = rp->sc.frac_limit, mult = lim == 1000000u ? 1000u : 1u;
  rec.ts_sec = (int64_t)h.sec + h.frac / lim;
  rec.ts_nsec = (h.frac % lim) * mult;
  rec.caplen = caplen;
  rec.origlen = h.orig;
  rec.data = p + CAPKIT__RHDR;
  rec.comment = comment;
  int rc = capkit_writer_write(rp->w, &rec);
  if (rc)
    return fail(rp, rc, capkit__src_offset(&rp->src), "%s",
                capkit_writer_error(rp->w));
  return 0;
}

static int emit(capkit_repair *rp, const uint8_t *p, size_t len) {
  drop_flush(rp);
  int rc = out_record(rp, p, (uint32_t)(len - CAPKIT__RHDR), NULL);
  if (rc)
    return rc;
  rp->nrec++;
  return 0;
}

/* ---- the file header ---- */

typedef struct hdrinfo {
  uint8_t hdr[24];
  uint64_t data_start;  /* where records begin */
  int rebuilt;          /* header written from the layout, not copied */
  int patch_snaplen;    /* snaplen set to the largest record at the end */
  uint32_t max_caplen;
  int ng;        /* pcapng: the walk goes block by block */
  int ng_swap;   /* byte order of the first section */
  int ng_shb;    /* a section header block must be written first */
  int ng_fix_type; /* the first block is the section header, type damaged */
} hdrinfo;

static void build_header(const capkit_repair *rp, hdrinfo *hi) {
  const capkit_scanner *s = &rp->sc;
  uint8_t *h = hi->hdr;
  capkit__st32(h, rp->layout.precision == 9 ? MAGIC_NS : MAGIC_US, s->swap);
  capkit__st16(h + 4, 2, s->swap);
  capkit__st16(h + 6, 4, s->swap);
  capkit__st32(h + 8, 0, s->swap);
  capkit__st32(h + 12, 0, s->swap);
  capkit__st32(h + 16, rp->layout.snaplen, s->swap);
  capkit__st32(h + 20, rp->layout.linktype, s->swap);
  hi->rebuilt = 1;
}

static const char *lt_name(uint32_t lt) {
  const char *n = capkit_linktype_name(lt);
  return n ? n : "unknown";
}

/* The link type when the header's cannot be used: the caller's, or the
 * content's, or the damaged header's field when it names a known type. */
static int pick_linktype(capkit_repair *rp, int64_t guessed, uint32_t field,
                         int field_usable, uint64_t off) {
  if (rp->lt_set) {
    rp->layout.linktype = rp->lt;
    event(rp, CAPKIT_REPAIR_HEADER_FIELD, off, 4,
          "link type set to %u (%s) as asked", rp->lt, lt_name(rp->lt));
    return 0;
  }
  if (guessed >= 0) {
    rp->layout.linktype = (uint32_t)guessed;
    event(rp, CAPKIT_REPAIR_LINKTYPE_INFERRED, off, 4,
          "link type inferred from packet content: %u (%s)",
          (uint32_t)guessed, lt_name((uint32_t)guessed));
    return 0;
  }
  if (field_usable) {
    rp->layout.linktype = field;
    event(rp, CAPKIT_REPAIR_LINKTYPE_INFERRED, off, 4,
          "link type %u (%s) kept from the damaged header: packet content "
          "did not tell",
          field, lt_name(field));
    return 0;
  }
  return fail(rp, CAPKIT_EBADHDR, off,
              "the link type cannot be inferred from the packets; give it "
              "with --linktype");
}

static int magic_of(const uint8_t *p, int *swap, int *ns) {
  uint32_t v = capkit__ld32(p, 0);
  for (int sw = 0; sw < 2; sw++) {
    uint32_t m = sw ? capkit__bswap32(v) : v;
    if (m == MAGIC_US || m == MAGIC_NS) {
      *swap = sw;
      *ns = m == MAGIC_NS;
      return 1;
    }
  }
  return 0;
}

static int is_other_format(const uint8_t *p, size_t n) {
  if (n < 4)
    return 0;
  uint32_t v = capkit__ld32(p, 0);
  static const uint32_t other[] = {0xa1b2cd34u, 0x1c0001abu, 0x1c0001acu};
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
    if (v == other[i] || capkit__bswap32(v) == other[i])
      return 1;
  return 0;
}

/* ---- pcapng ---- */

#define NG_SHB 0x0a0d0d0au
#define NG_IDB 1u
#define NG_EPB 6u
#define NG_SPB 3u
#define NG_BOM 0x1a2b3c4du
/* Blocks larger than this are not believed while scanning. */
#define NG_MAX_BLOCK ((uint32_t)16 << 20)

static int ng_type_known(uint32_t t) {
  switch (t) {
  case NG_SHB: case NG_IDB: case 2: case NG_SPB: case 4: case 5: case NG_EPB:
  case 7: case 8: case 9: case 0xa: case 0xbad: case 0x40000bad:
    return 1;
  }
  return 0;
}

/* A whole, plausible block at p (n bytes ready): its length when so, else
 * 0. Section headers must carry the byte-order magic; packet blocks must
 * hold their captured bytes. */
static int ng_body_ok(const uint8_t *p, uint32_t len, int swap);
static uint32_t ng_block(const uint8_t *p, size_t n, int swap) {
  if (n < 12)
    return 0;
  uint32_t t = capkit__ld32(p, swap), len = capkit__ld32(p + 4, swap);
  if (!ng_type_known(t) || len < 12 || len % 4 || len > NG_MAX_BLOCK ||
      len > n || capkit__ld32(p + len - 4, swap) != len)
    return 0;
  return ng_body_ok(p, len, swap) ? len : 0;
}

/* Does the body of the block of len bytes at p agree with that length? */
static int ng_body_ok(const uint8_t *p, uint32_t len, int swap) {
  uint32_t t = capkit__ld32(p, swap);
  if (t == NG_SHB)
    return len >= 28 && capkit__ld32(p + 8, swap) == NG_BOM &&
                   capkit__ld16(p + 12, swap) == 1;
  if (t == NG_EPB) {
    if (len < 32)
      return 0;
    uint32_t cap = capkit__ld32(p + 20, swap);
    /* An original length no capture has, as in a pcap record: damage. */
    return cap <= len - 32 && ((cap + 3u) & ~3u) <= len - 32 &&
           capkit__ld32(p + 24, swap) <= CAPKIT__MAX_ORIG;
  }
  if (t == NG_IDB)
    return len >= 20 && capkit_linktype_name(capkit__ld16(p + 8, swap));
  return 1;
}

/* The byte order of a section header at p (whose own type is
 * byte-order neutral): 0/1, or -1 when p is no section header. */
static int ng_shb_swap(const uint8_t *p, size_t n) {
  if (n < 12 || capkit__ld32(p, 0) != NG_SHB)
    return -1;
  uint32_t bom = capkit__ld32(p + 8, 0);
  return bom == NG_BOM ? 0 : capkit__bswap32(bom) == NG_BOM ? 1 : -1;
}

/* The whole block at q (a section header sets the byte order from
 * there on): its length, or 0. */
static uint32_t ng_next(const uint8_t *p, size_t n, size_t q, int *swap) {
  int sw = ng_shb_swap(p + q, n - q);
  uint32_t len = ng_block(p + q, n - q, sw >= 0 ? sw : *swap);
  if (len && sw >= 0)
    *swap = sw;
  return len;
}

/* A chain of blocks from o: 4 whole blocks, or blocks up to the exact
 * end of the input. */
static int ng_chain(const uint8_t *p, size_t n, size_t o, int swap) {
  size_t q = o;
  for (int k = 0; k < 4; k++) {
    if (q == n)
      return k >= 2 || (k == 1 && q - o >= 32);
    uint32_t len = ng_next(p, n, q, &swap);
    if (!len)
      return 0;
    q += len;
  }
  return 1;
}

/* A chain of whole blocks from o that reaches span bytes past it, or the
 * exact end of the input. */
static int ng_span(const uint8_t *p, size_t n, size_t o, int swap, size_t span,
                   int at_end) {
  size_t q = o;
  while (q - o < span) {
    if (q == n)
      return at_end;
    uint32_t len = ng_next(p, n, q, &swap);
    if (!len)
      return 0;
    q += len;
  }
  return 1;
}

/* The first block from `from` on where a chain starts: of span bytes (see
 * ng_span), or with span 0 of four blocks (ng_chain). */
static int ng_find(const uint8_t *p, size_t n, size_t from, int swap,
                   size_t span, int at_end, size_t *at) {
  for (size_t o = from; o + 12 <= n; o++) {
    uint32_t t = capkit__ld32(p + o, swap);
    if ((ng_type_known(t) || ng_shb_swap(p + o, n - o) >= 0) &&
        (span ? ng_span(p, n, o, swap, span, at_end)
              : ng_chain(p, n, o, swap))) {
      *at = o;
      return 1;
    }
  }
  return 0;
}

static void ng_layout(capkit_repair *rp, int swap) {
  capkit_scan_layout l = {swap == capkit__host_is_le() ? CAPKIT_BO_BIG
                                                      : CAPKIT_BO_LITTLE,
                          6, 0, 0, 0};
  rp->layout = l;
}

/* pcapng input? A section header at the start, or (header damaged) a
 * chain of blocks in the first bytes. Returns 1 when pcapng (hi set, or
 * an error set in rp->err), 0 otherwise. */
static int ng_header(capkit_repair *rp, hdrinfo *hi, const uint8_t *p,
                     size_t n, int at_end) {
  (void)at_end;
  if (n >= 12 && p[0] == 0x0a && p[1] == 0x0d && p[2] == 0x0a &&
      ng_shb_swap(p, n) < 0)
    /* The section header's magic 0a 0d 0d 0a with its 0d 0a written as
     * 0a: the magic exists to show this. Which other 0a bytes lost a 0d
     * cannot be told from the bytes alone. */
    event(rp, CAPKIT_REPAIR_ASCII_DETECTED, 0, 3,
          "reverse FTP ASCII-mode mangling: every 0d 0a was written as 0a "
          "(the section header's magic reads 0a 0d 0a); not undone, as "
          "which 0a bytes lost a 0d is ambiguous: only the blocks without "
          "0d 0a are recovered");
  int sw = ng_shb_swap(p, n);
  if (sw >= 0 && ng_block(p, n, sw)) {
    hi->ng = 1;
    hi->ng_swap = sw;
    ng_layout(rp, sw);
    return 1;
  }
  /* Only the block type of the section header damaged: the byte-order
   * magic, version and both lengths frame it. Keep it, type restored. */
  for (int o = 0; o < 2 && n >= 28; o++) {
    uint32_t len = capkit__ld32(p + 4, o);
    if (capkit__ld32(p + 8, o) == NG_BOM && capkit__ld16(p + 12, o) == 1 &&
        len >= 28 && len % 4 == 0 && len <= n &&
        capkit__ld32(p + len - 4, o) == len && ng_chain(p, n, len, o)) {
      hi->ng = 1;
      hi->ng_swap = o;
      hi->ng_fix_type = 1;
      ng_layout(rp, o);
      event(rp, CAPKIT_REPAIR_HEADER_FIELD, 0, 4,
            "pcapng section header block type damaged (%02x %02x %02x %02x): "
            "restored, the block and its options kept",
            p[0], p[1], p[2], p[3]);
      return 1;
    }
  }
  int swap, ns;
  if (n >= 4 && magic_of(p, &swap, &ns))
    return 0;
  /* No section header at 0: do pcapng blocks chain further on? The
   * byte order whose chain starts first wins. */
  size_t at = 0, at1 = 0;
  int f0 = ng_find(p, n, 0, 0, 0, 0, &at), f1 = ng_find(p, n, 0, 1, 0, 0, &at1);
  if (f1 && (!f0 || at1 < at)) {
    at = at1;
    f0 = 0;
  }
  for (int o = 0; o < 2; o++) {
    if (o == 0 ? f0 : f1 && !f0) {
      capkit_scan_layout l;
      size_t st;
      int known;
      /* a pcap chain found earlier wins */
      if (capkit_scan_infer(p, n, 0, at_end, &l, &st, &known) == 1 && st <= at)
        return 0;
      int shb = ng_shb_swap(p + at, n - at);
      hi->ng = 1;
      hi->ng_swap = shb >= 0 ? shb : o;
      hi->ng_shb = shb < 0;
      ng_layout(rp, hi->ng_swap);
      if (shb < 0)
        event(rp, CAPKIT_REPAIR_HEADER_REBUILT, 0, at,
              "pcapng section header missing or damaged: a new one written "
              "(%s-endian)",
              hi->ng_swap == capkit__host_is_le() ? "big" : "little");
      if (at)
        drop(rp, 0, at);
      rp->src.cur += at;
      return 1;
    }
  }
  return 0;
}

/* Write an Interface Description Block for interface id, whose packets
 * at p... tell the link type. */
static int ng_write_idb(capkit_repair *rp, int swap, uint32_t lt) {
  uint8_t b[20];
  capkit__st32(b, NG_IDB, swap);
  capkit__st32(b + 4, 20, swap);
  capkit__st16(b + 8, (uint16_t)lt, swap);
  capkit__st16(b + 10, 0, swap);
  capkit__st32(b + 12, 0, swap);
  capkit__st32(b + 16, 20, swap);
  return out_write(rp, b, sizeof b);
}

/* The link type of interface id from the packets of the next blocks. */
static int64_t ng_guess_lt(const uint8_t *p, size_t n, int swap, uint32_t id) {
  const uint8_t *data[64];
  uint32_t cl[64], ol[64];
  size_t k = 0, q = 0;
  while (k < 64 && q < n) {
    uint32_t len = ng_block(p + q, n - q, swap);
    if (!len)
      break;
    if (capkit__ld32(p + q, swap) == NG_EPB &&
        capkit__ld32(p + q + 8, swap) == id) {
      data[k] = p + q + 28;
      cl[k] = capkit__ld32(p + q + 20, swap);
      ol[k] = capkit__ld32(p + q + 24, swap);
      k++;
    }
    q += len;
  }
  return capkit_scan_guess_linktype(data, cl, ol, k);
}

/* A block at p whose leading or trailing length alone is damaged (*which
 * 0 or 1): the other length, the body and the blocks after it (or the end
 * of the input) agree on its length, returned; 0 when none does. Section
 * headers are left to the section logic. */
static uint32_t ng_relength(const uint8_t *p, size_t n, int swap, int at_end,
                            int *which) {
  if (n < 32)
    return 0;
  uint32_t t = capkit__ld32(p, swap);
  if (!ng_type_known(t) || t == NG_SHB)
    return 0;
  size_t lim = n < NG_MAX_BLOCK ? n : NG_MAX_BLOCK;
  /* Trailing length damaged: the leading one frames the block. */
  uint32_t len = capkit__ld32(p + 4, swap);
  if (len >= 12 && len % 4 == 0 && len <= lim &&
      capkit__ld32(p + len - 4, swap) != len && ng_body_ok(p, len, swap) &&
      ((len == n && at_end) || ng_chain(p, n, len, swap))) {
    *which = 1;
    return len;
  }
  /* Leading length damaged: the first place whose trailing length names
   * it, the blocks going on from there. */
  for (size_t l = 12; l <= lim; l += 4)
    if (capkit__ld32(p + l - 4, swap) == l && ng_body_ok(p, (uint32_t)l, swap) &&
        ((l == n && at_end) || ng_chain(p, n, l, swap))) {
      *which = 0;
      return (uint32_t)l;
    }
  return 0;
}

/* The 64-bit timestamp of a packet block. */
static uint64_t ng_ts(const uint8_t *b, int swap) {
  return (uint64_t)capkit__ld32(b + 12, swap) << 32 | capkit__ld32(b + 16, swap);
}
/* Packet times of neighbours lie within a day, in any resolution up to
 * nanoseconds; a garbled high word moves a time by far more. */
#define NG_TS_WIN ((uint64_t)86400 * 1000000000u)
static int ng_ts_near(uint64_t a, uint64_t b) {
  return (a > b ? a - b : b - a) <= NG_TS_WIN;
}

/* Options of a packet block body from opt (n bytes) that parse cleanly:
 * their length without the end-of-options, else 0 (then none are kept). */
static size_t ng_opts_len(const uint8_t *opt, size_t n, int swap) {
  size_t q = 0;
  while (q + 4 <= n) {
    uint16_t code = capkit__ld16(opt + q, swap),
             len = capkit__ld16(opt + q + 2, swap);
    if (code == 0)
      return q;
    size_t step = 4 + (((size_t)len + 3u) & ~(size_t)3u);
    if (step > n - q)
      return 0;
    q += step;
  }
  return q == n ? q : 0;
}

/* A damaged packet block of l0 bytes at p that can still be framed:
 * with --keep-damaged an enhanced packet block of a described interface
 * is written again whole (its fixed fields, the captured bytes that fit,
 * its options when they parse) with an opt_comment saying why; else, or
 * for other blocks, it is dropped. why completes "packet block dropped:"
 * and the comment. */
static int ng_damaged(capkit_repair *rp, const uint8_t *p, uint32_t l0,
                      int swap, uint32_t n_if, uint64_t off,
                      const char *why) {
  drop_flush(rp);
  if (rp->keep_damaged && l0 >= 32 && capkit__ld32(p, swap) == NG_EPB &&
      capkit__ld32(p + 8, swap) < n_if) {
    uint32_t cap = capkit__ld32(p + 20, swap), room = l0 - 32;
    uint32_t keep = cap <= room ? cap : room;
    size_t dl = (size_t)keep + (4 - keep % 4) % 4;
    size_t ol = dl <= room ? ng_opts_len(p + 28 + dl, room - dl, swap) : 0;
    char c[CAPKIT__MSG];
    int cn = snprintf(c, sizeof c, "capkit repair: damaged block kept: %s%s",
                      why, keep < cap ? " (caplen cut to the bytes it has)"
                                      : "");
    size_t cl = cn < 0 ? 0 : (size_t)cn < sizeof c ? (size_t)cn : sizeof c - 1;
    size_t bl = 28 + dl + ol + 4 + cl + (4 - cl % 4) % 4 + 4 + 4;
    uint8_t *b = calloc(1, bl); /* damaged blocks only: not per record */
    if (!b)
      return fail(rp, CAPKIT_ENOMEM, off, "out of memory");
    memcpy(b, p, 28);
    capkit__st32(b + 4, (uint32_t)bl, swap);
    capkit__st32(b + 20, keep, swap);
    memcpy(b + 28, p + 28, keep);
    memcpy(b + 28 + dl, p + 28 + dl, ol);
    uint8_t *o = b + 28 + dl + ol;
    capkit__st16(o, 1, swap); /* opt_comment; opt_endofopt: zeros after */
    capkit__st16(o + 2, (uint16_t)cl, swap);
    memcpy(o + 4, c, cl);
    capkit__st32(b + bl - 4, (uint32_t)bl, swap);
    event(rp, CAPKIT_REPAIR_RECORD_KEPT_DAMAGED, off, l0,
          "packet block kept with a comment: %s", why);
    int rc = out_write(rp, b, bl);
    free(b);
    if (rc)
      return rc;
    rp->nrec++;
    return 0;
  }
  rp->dropped_rec++;
  rp->dropped_bytes += l0;
  event(rp, CAPKIT_REPAIR_RECORD_DAMAGED, off, l0, "packet block dropped: %s",
        why);
  return 0;
}

/* A packet of link type lt (caplen of orig bytes) captured whole, no
 * checksum of it failing, and a transport checksum that holds over it up
 * to its last byte? */
/* The packet decoded into l (CAPKIT_DECODE_MAX_LAYERS of them) with its
 * checksums verified; how many layers. */
static size_t decode_sums(uint32_t lt, const uint8_t *d, uint32_t caplen,
                          uint32_t orig, capkit_layer *l) {
  capkit_packet pkt;
  capkit_packet_init(&pkt, l, CAPKIT_DECODE_MAX_LAYERS);
  return capkit_decode(&pkt, lt, d, caplen, orig, CAPKIT_DECODE_CHECKSUMS);
}

static int proven_pkt(uint32_t lt, const uint8_t *d, uint32_t caplen,
                      uint32_t orig) {
  if (caplen != orig || caplen == 0)
    return 0;
  capkit_layer l[CAPKIT_DECODE_MAX_LAYERS];
  size_t k = decode_sums(lt, d, caplen, orig, l);
  int whole = 0;
  for (size_t i = 0; i < k; i++) {
    if (l[i].csum == CAPKIT_CSUM_BAD)
      return 0;
    if (l[i].csum == CAPKIT_CSUM_GOOD && l[i].type != CAPKIT_LAYER_IPV4 &&
        (uint64_t)l[i].offset + l[i].len + l[i].payload_len == caplen)
      whole = 1;
  }
  return whole;
}

/* Do the first packet blocks (at most 256, past any damage) carry whole
 * packet blocks of about their own time in their packets, two of them or
 * more (a pcapng stream sent over the network)? *max_bl: the largest block
 * seen. */
static int ng_carries(const uint8_t *p, size_t n, int swap, uint32_t *max_bl) {
  size_t q = 0;
  int k = 0, hits = 0;
  while (k < 256 && q < n) {
    uint32_t len = ng_next(p, n, q, &swap);
    size_t at;
    if (!len) { /* damage: on from the next chain */
      if (!ng_find(p, n, q + 1, swap, 0, 0, &at))
        break;
      q = at;
      continue;
    }
    if (len > *max_bl)
      *max_bl = len;
    if (capkit__ld32(p + q, swap) == NG_EPB) {
      k++;
      uint32_t cap = capkit__ld32(p + q + 20, swap);
      const uint8_t *d = p + q + 28;
      uint64_t ts = ng_ts(p + q, swap);
      for (uint32_t i = 0; i + 32 <= cap; i++)
        if (capkit__ld32(d + i, swap) == NG_EPB &&
            ng_block(d + i, cap - i, swap) &&
            ng_ts_near(ng_ts(d + i, swap), ts)) {
          hits++;
          break;
        }
    }
    q += len;
  }
  return hits >= 2;
}

/* Interfaces whose link types the pcapng walk keeps, to check packets. */
#define NG_IFMAX 64

/* May the walk take the records up again at p + o, after damage at p,
 * although no chain of four blocks starts there? When a whole packet block
 * of a described interface starts there, its time near the last packet's,
 * and another whole block follows it (or the end of the input), or its
 * packet proves itself (captured whole, its checksums holding): an intact
 * run between two damaged blocks. Not when the blocks chained from it all
 * end inside fe, the frame the damaged block's own length gives it: they
 * are that block's payload. */
static int ng_resumes(const uint8_t *p, size_t n, size_t o, int at_end,
                      int swap, uint32_t n_if, const uint32_t *if_lt,
                      uint64_t prev_ts, int have_ts, size_t fe) {
  if (n - o < 32 || capkit__ld32(p + o, swap) != NG_EPB)
    return 0;
  uint32_t len = ng_block(p + o, n - o, swap);
  uint32_t id = len ? capkit__ld32(p + o + 8, swap) : n_if;
  if (id >= n_if || (have_ts && !ng_ts_near(ng_ts(p + o, swap), prev_ts)))
    return 0;
  size_t q = o + len;
  int more = 0;
  uint32_t l2;
  while (more < 4 && q < n && (l2 = ng_block(p + q, n - q, swap)) != 0) {
    q += l2;
    more++;
  }
  if (q <= fe)
    return 0;
  if (more > 0 || (q == n && at_end))
    return 1;
  return id < NG_IFMAX &&
         proven_pkt(if_lt[id], p + o + 28, capkit__ld32(p + o + 20, swap),
                    capkit__ld32(p + o + 24, swap));
}

static int walk_ng(capkit_repair *rp, hdrinfo *hi) {
  capkit__src *s = &rp->src;
  int swap = hi->ng_swap;
  uint32_t n_if = 0; /* interfaces of the current section */
  uint32_t if_lt[NG_IFMAX]; /* their link types */
  uint64_t prev_ts = 0;
  int have_ts = 0;
  int rc;
  if (hi->ng_shb) {
    uint8_t b[28];
    capkit__st32(b, NG_SHB, swap);
    capkit__st32(b + 4, 28, swap);
    capkit__st32(b + 8, NG_BOM, swap);
    capkit__st16(b + 12, 1, swap);
    capkit__st16(b + 14, 0, swap);
    capkit__st64(b + 16, UINT64_MAX, swap);
    capkit__st32(b + 24, 28, swap);
    if ((rc = out_write(rp, b, sizeof b)))
      return rc;
  }
  s->read_max = CHUNK;
  /* When the packets carry a pcapng stream, a chain found after damage
   * must reach past two of the largest blocks: one inside a packet ends
   * with it. */
  uint32_t max_bl = 0;
  {
    size_t n0;
    int e0;
    if ((rc = ready(rp, LOOK, &n0, &e0)))
      return rc;
    rp->carries = ng_carries(s->cur, n0, swap, &max_bl);
  }
  for (;;) {
    capkit__src_release(s);
    size_t n;
    int at_end;
    if (!hi->ng_fix_type && !rp->unlf) {
      /* The common case first, with no look-ahead: a whole packet block
       * of a described interface, its time near the last one's. */
      if ((rc = have(rp, 12, &n, &at_end)))
        return rc;
      const uint8_t *p = s->cur;
      uint32_t bl = n >= 12 ? capkit__ld32(p + 4, swap) : 0;
      if (n >= 12 && capkit__ld32(p, swap) == NG_EPB && bl >= 32 &&
          bl <= NG_MAX_BLOCK) {
        if ((rc = have(rp, bl, &n, &at_end)))
          return rc;
        p = s->cur;
        if (ng_block(p, n, swap) == bl && capkit__ld32(p + 8, swap) < n_if &&
            (!have_ts || ng_ts_near(ng_ts(p, swap), prev_ts))) {
          uint32_t cap = capkit__ld32(p + 20, swap);
          if (cap > hi->max_caplen)
            hi->max_caplen = cap;
          prev_ts = ng_ts(p, swap);
          have_ts = 1;
          if (bl > max_bl)
            max_bl = bl;
          drop_flush(rp);
          if ((rc = out_write(rp, p, bl)))
            return rc;
          rp->nrec++;
          s->cur += bl;
          continue;
        }
      }
    }
    if ((rc = ready(rp, LOOK, &n, &at_end)))
      return rc;
    const uint8_t *p = s->cur;
    uint64_t off = capkit__src_offset(s);
    if (n == 0)
      return 0;
    if (hi->ng_fix_type) {
      /* The section header whose type alone was damaged. */
      hi->ng_fix_type = 0;
      uint32_t hl = capkit__ld32(p + 4, swap);
      uint8_t ty[4];
      capkit__st32(ty, NG_SHB, swap);
      if ((rc = out_write(rp, ty, 4)) || (rc = out_write(rp, p + 4, hl - 4)))
        return rc;
      s->cur += hl;
      continue;
    }
    int sw = ng_shb_swap(p, n);
    int bswap = sw >= 0 ? sw : swap;
    uint32_t len = ng_block(p, n, bswap);
    uint64_t ul;
    if (rp->unlf && capkit__unlf_bad(rp->unlf, off, &ul) && ul <= n) {
      /* A block whose lost 0d bytes the stage could not place: its
       * framing is the stage's, its bytes a guess. */
      uint32_t t = capkit__ld32(p, bswap);
      if (t == NG_SHB && len == ul) {
        /* Kept: the file needs it; only its options can be off. */
        event(rp, CAPKIT_REPAIR_HEADER_FIELD, off, ul,
              "section header kept: where its lost 0d bytes go is not "
              "decided, its options may be off by a 0d byte");
      } else {
        if (t == NG_EPB && len == ul) {
          if ((rc = ng_damaged(rp, p, len, swap, n_if, off,
                               "where its lost 0d bytes go is not decided "
                               "by its length, the blocks after it or its "
                               "checksums")))
            return rc;
        } else {
          /* Any other block (a description block dropped: its packets
           * get one inferred again). */
          drop_flush(rp);
          rp->dropped_rec += t == NG_EPB || t == NG_SPB || t == 2;
          rp->dropped_bytes += ul;
          event(rp, CAPKIT_REPAIR_RECORD_DAMAGED, off, ul,
                "block dropped: where its lost 0d bytes go is not decided "
                "by its length, the blocks after it or its checksums");
        }
        s->cur += ul;
        continue;
      }
    }
    if (len) {
      uint32_t t = capkit__ld32(p, bswap);
      if (t == NG_SHB) {
        swap = sw;
        n_if = 0;
        have_ts = 0;
      } else if (t == NG_EPB && have_ts &&
                 !ng_ts_near(ng_ts(p, swap), prev_ts)) {
        /* A time far from the last packet's: damage, unless the next
         * packet block agrees with it (a jump of the clock). */
        uint32_t l2 = ng_block(p + len, n - len, swap);
        if (!(l2 && capkit__ld32(p + len, swap) == NG_EPB &&
              ng_ts_near(ng_ts(p + len, swap), ng_ts(p, swap)))) {
          if ((rc = ng_damaged(rp, p, len, swap, n_if, off,
                               "its time is far from its neighbours' "
                               "(timestamp damaged)")))
            return rc;
          s->cur += len;
          continue;
        }
      }
      if (t == NG_SHB) {
      } else if (t == NG_IDB) {
        if (n_if < NG_IFMAX)
          if_lt[n_if] = capkit__ld16(p + 8, swap);
        n_if++;
      } else if (t == NG_EPB) {
        uint32_t id = capkit__ld32(p + 8, swap);
        if (id >= n_if && id < n_if + 16) {
          /* Packets of interfaces never described: describe them. */
          while (n_if <= id) {
            int64_t lt = ng_guess_lt(p, n, swap, n_if);
            if (lt < 0 && rp->lt_set)
              lt = rp->lt;
            if (lt < 0) {
              drop_flush(rp);
              return fail(rp, CAPKIT_EBADHDR, off,
                          "interface %u is not described and its link type "
                          "cannot be inferred; give it with --linktype",
                          n_if);
            }
            drop_flush(rp);
            event(rp, CAPKIT_REPAIR_LINKTYPE_INFERRED, off, 0,
                  "interface %u has no description block: one written with "
                  "link type %u (%s) inferred from its packets",
                  n_if, (uint32_t)lt, lt_name((uint32_t)lt));
            if ((rc = ng_write_idb(rp, swap, (uint32_t)lt)))
              return rc;
            if (n_if < NG_IFMAX)
              if_lt[n_if] = (uint32_t)lt;
            n_if++;
          }
        } else if (id >= n_if) {
          len = 0; /* an interface number that is damage */
        }
        if (len && capkit__ld32(p + 20, swap) > hi->max_caplen)
          hi->max_caplen = capkit__ld32(p + 20, swap);
        if (len) {
          prev_ts = ng_ts(p, swap);
          have_ts = 1;
          if (len > max_bl)
            max_bl = len;
        }
      }
      if (len) {
        drop_flush(rp);
        if ((rc = out_write(rp, p, len)))
          return rc;
        rp->nrec += t == NG_EPB || t == NG_SPB || t == 2;
        s->cur += len;
        continue;
      }
    }
    int which;
    uint32_t fl = ng_relength(p, n, swap, at_end, &which);
    uint32_t ft = fl ? capkit__ld32(p, swap) : 0;
    if (fl && ft == NG_EPB && capkit__ld32(p + 8, swap) >= n_if)
      fl = 0; /* a packet of an interface never described: damage */
    if (fl) {
      /* One of the two lengths alone is damaged: the other, the body and
       * the blocks after it agree. */
      drop_flush(rp);
      event(rp, CAPKIT_REPAIR_LENGTH_REBUILT, off + (which ? fl - 4 : 4), 4,
            "block length rebuilt: its %s length read %u, its %s length, "
            "body and the blocks after it say %u",
            which ? "trailing" : "leading",
            capkit__ld32(p + (which ? fl - 4 : 4), swap),
            which ? "leading" : "trailing", fl);
      uint8_t v[4];
      capkit__st32(v, fl, swap);
      if ((rc = out_write(rp, p, 4)) || (rc = out_write(rp, v, 4)) ||
          (rc = out_write(rp, p + 8, fl - 12)) || (rc = out_write(rp, v, 4)))
        return rc;
      if (ft == NG_IDB) {
        if (n_if < NG_IFMAX)
          if_lt[n_if] = capkit__ld16(p + 8, swap);
        n_if++;
      } else if (ft == NG_EPB) {
        if (capkit__ld32(p + 20, swap) > hi->max_caplen)
          hi->max_caplen = capkit__ld32(p + 20, swap);
        prev_ts = ng_ts(p, swap);
        have_ts = 1;
      }
      rp->nrec += ft == NG_EPB || ft == NG_SPB || ft == 2;
      s->cur += fl;
      continue;
    }
    size_t at = 0;
    int found = ng_find(p, n, 1, swap, rp->carries ? 2 * (size_t)max_bl : 0,
                        at_end, &at);
    uint32_t t0 = capkit__ld32(p, swap), l0 = capkit__ld32(p + 4, swap);
    /* An intact run shorter than a chain before it: taken up again. */
    size_t fe =
        ng_type_known(t0) && l0 >= 12 && l0 % 4 == 0 && l0 <= NG_MAX_BLOCK ? l0
                                                                           : 0;
    for (size_t o = 1, lim = found ? at : n; !rp->carries && o < lim; o++)
      if (ng_resumes(p, n, o, at_end, swap, n_if, if_lt, prev_ts, have_ts,
                     fe)) {
        at = o;
        found = 1;
        break;
      }
    if (found) {
      /* A packet block whose leading length still frames it inside the
       * gap is a damaged record; the rest, bytes of no block. */
      if ((t0 == NG_EPB || t0 == NG_SPB) && l0 >= 16 && l0 % 4 == 0 &&
          l0 <= at) {
        if ((rc = ng_damaged(rp, p, l0, swap, n_if, off,
                             "its trailing length or contents do not match "
                             "its length (damaged)")))
          return rc;
        if (at > l0)
          drop(rp, off + l0, at - l0);
      } else {
        drop(rp, off, at);
      }
      s->cur += at;
      continue;
    }
    if (!at_end) {
      size_t keep = NG_MAX_BLOCK + 64;
      size_t skip = n > keep ? n - keep : 1;
      drop(rp, off, skip);
      s->cur += skip;
      continue;
    }
    /* Nothing whole follows: a truncated last block, or garbage. */
    drop_flush(rp);
    uint32_t t = n >= 8 ? capkit__ld32(p, swap) : 0;
    uint32_t bl = n >= 8 ? capkit__ld32(p + 4, swap) : 0;
    if (n >= 8 && ng_type_known(t) && bl > n && bl <= NG_MAX_BLOCK) {
      event(rp, CAPKIT_REPAIR_TAIL_CUT, off, n,
            "last block cut short (%zu of %u bytes): dropped", n, bl);
      rp->dropped_rec += t == NG_EPB || t == NG_SPB;
      rp->dropped_bytes += n;
    } else {
      drop(rp, off, n);
      drop_flush(rp);
    }
    s->cur += n;
    return 0;
  }
}

/* A pcap header's link-type field with reserved bits other than the FCS
 * ones set, or naming an unregistered type? */
static int lt_field_bad(uint32_t field) {
  return (field & 0x03ff0000u) != 0 ||
         capkit_linktype_name(field & 0xffff) == NULL;
}

static int header(capkit_repair *rp, hdrinfo *hi) {
  size_t n;
  int at_end;
  int swap, ns;
  /* A pcap file header whose magic and link type hold needs only the
   * first MiB for the checks of the first records; any other start is
   * looked at over LOOK bytes, to find the records and what they are. */
  int rc = ready(rp, (size_t)1 << 20, &n, &at_end);
  const uint8_t *p = rp->src.cur;
  if (!rc && !(n >= 24 && magic_of(p, &swap, &ns) &&
               !lt_field_bad(capkit__ld32(p + 20, swap))))
    rc = ready(rp, LOOK, &n, &at_end);
  if (rc)
    return rc;
  p = rp->src.cur;
  if (n == 0)
    return fail(rp, CAPKIT_EFORMAT, 0, "empty file: nothing to repair");
  if (is_other_format(p, n))
    return fail(rp, CAPKIT_EUNSUPPORTED, 0,
                "repair handles standard pcap (magic a1b2c3d4 or a1b23c4d) "
                "and pcapng; the rare pcap variants (modified, Ixia) are not "
                "supported");
  memset(hi, 0, sizeof *hi);
  if (ng_header(rp, hi, p, n, at_end))
    return rp->err[0] ? CAPKIT_EFORMAT : 0;
  if (n >= 24 && magic_of(p, &swap, &ns)) {
    /* The magic survived: the header decides, field by field. */
    uint16_t vmaj = capkit__ld16(p + 4, swap), vmin = capkit__ld16(p + 6, swap);
    uint32_t snap = capkit__ld32(p + 16, swap);
    uint32_t field = capkit__ld32(p + 20, swap);
    if (vmaj == 2 && vmin < 3)
      return fail(rp, CAPKIT_EUNSUPPORTED, 4,
                  "pcap version 2.%u (lengths swapped) is not supported by "
                  "repair",
                  vmin);
    capkit_scan_layout l = {swap == capkit__host_is_le() ? CAPKIT_BO_BIG
                                                          : CAPKIT_BO_LITTLE,
                            ns ? 9u : 6u, field & 0xffff, snap, 0};
    rp->layout = l;
    memcpy(hi->hdr, p, 24);
    hi->data_start = 24;
    if (vmaj != 2 || vmin > 4) {
      capkit__st16(hi->hdr + 4, 2, swap);
      capkit__st16(hi->hdr + 6, 4, swap);
      event(rp, CAPKIT_REPAIR_HEADER_FIELD, 4, 4,
            "version %u.%u is not a pcap version: set to 2.4", vmaj, vmin);
    }
    if (snap > (128u << 20)) {
      rp->layout.snaplen = 262144;
      capkit__st32(hi->hdr + 16, 262144, swap);
      event(rp, CAPKIT_REPAIR_HEADER_FIELD, 16, 4,
            "snaplen %u is beyond any capture: set to 262144", snap);
    }
    int lt_bad = lt_field_bad(field);
    if (rp->lt_set && rp->lt != (field & 0xffff)) {
      rc = pick_linktype(rp, -1, 0, 0, 20);
      if (rc)
        return rc;
      capkit__st32(hi->hdr + 20, rp->layout.linktype, swap);
    } else if (lt_bad && !rp->lt_set) {
      capkit__scan_setup(&rp->sc, &rp->layout);
      size_t at = 24;
      int64_t g = -1;
      if (capkit_scanner_find(&rp->sc, p, n, 24, at_end, &at) == 1)
        g = capkit__scan_guess_at(&rp->sc, p, n, at);
      event(rp, CAPKIT_REPAIR_HEADER_FIELD, 20, 4,
            "link-type field 0x%08x is not a registered link type", field);
      rc = pick_linktype(rp, g, 0, 0, 20);
      if (rc)
        return rc;
      capkit__st32(hi->hdr + 20, rp->layout.linktype, swap);
    }
    capkit__scan_setup(&rp->sc, &rp->layout);
    return 0;
  }
  /* No magic: find the records, infer their layout, rebuild the header. */
  size_t start;
  int lt_known;
  capkit_scan_layout l;
  rc = capkit_scan_infer(p, n, 0, at_end, &l, &start, &lt_known);
  if (rc <= 0)
    return fail(rp, CAPKIT_EFORMAT, 0,
                "not a pcap file: no magic and no chain of pcap records "
                "found in the first %zu bytes",
                n);
  rp->layout = l;
  capkit__scan_setup(&rp->sc, &rp->layout);
  int sw = rp->sc.swap;
  uint32_t field = 0, snap = 0;
  int field_usable = 0;
  if (start >= 24) {
    field = capkit__ld32(p + 20, sw);
    snap = capkit__ld32(p + 16, sw);
    field_usable = (field >> 16) == 0 && capkit_linktype_name(field) != NULL;
  }
  event(rp, CAPKIT_REPAIR_HEADER_REBUILT, 0, start >= 24 ? 24 : 0,
        "%s: rebuilt as %s-endian, %s, version 2.4",
        start >= 24 ? "file header damaged" : "file header missing",
        l.byte_order == CAPKIT_BO_LITTLE ? "little" : "big",
        l.precision == 9 ? "nanoseconds" : "microseconds");
  rc = pick_linktype(rp, lt_known ? (int64_t)l.linktype : -1, field,
                     field_usable, 20);
  if (rc)
    return rc;
  if (start >= 24 && snap >= 16 && snap <= (128u << 20)) {
    rp->layout.snaplen = snap;
  } else {
    rp->layout.snaplen = 262144;
    hi->patch_snaplen = 1;
  }
  capkit__scan_setup(&rp->sc, &rp->layout);
  build_header(rp, hi);
  hi->data_start = start >= 24 ? 24 : 0;
  if (start < 24 && start > 0)
    drop(rp, 0, start);
  return 0;
}

/* ---- the walk ---- */

/* Classify and drop [off, to): a record whose header survived (framed
 * inside the gap, time close to the last record) is a damaged record,
 * the rest bytes of no record. */
static int drop_gap(capkit_repair *rp, const uint8_t *p, uint64_t off,
                    uint64_t len, int have_prev, uint32_t prev) {
  capkit__rhdr h;
  if (len >= CAPKIT__RHDR) {
    capkit__scan_ld(&rp->sc, p, &h);
    if (h.incl <= rp->sc.bound && CAPKIT__RHDR + (uint64_t)h.incl <= len &&
        (!have_prev || capkit__near(h.sec, prev, CAPKIT__STEP_WIN))) {
      drop_flush(rp);
      uint64_t rl = CAPKIT__RHDR + (uint64_t)h.incl;
      if (rp->keep_damaged && rp->w) {
        event(rp, CAPKIT_REPAIR_RECORD_KEPT_DAMAGED, off, rl,
              "record kept with a comment (caplen %u): the bytes after it "
              "are not a record header, so its data or length is damaged",
              h.incl);
        int rc = out_record(rp, p, h.incl,
                            "capkit repair: damaged record kept: the bytes "
                            "after it are not a record header, so its data "
                            "or length is damaged");
        if (rc)
          return rc;
        rp->nrec++;
      } else {
        rp->dropped_rec++;
        rp->dropped_bytes += rl;
        event(rp, CAPKIT_REPAIR_RECORD_DAMAGED, off, rl,
              "record dropped (caplen %u): the bytes after it are not a "
              "record header, so its data or length is damaged",
              h.incl);
      }
      off += rl;
      len -= rl;
    }
  }
  if (len)
    drop(rp, off, len);
  return 0;
}

/* Is the record of rl bytes at p (n bytes ready) followed by what a
 * record would be followed by? The input's end, or a header whose time is
 * close to its own (a following header, even a damaged one, keeps its
 * first field), or a header whose lengths frame it up to such a header or
 * the end (only its time fields damaged). 1 yes, 0 no; -1 when the bytes
 * ready do not tell and more follow (*more: how many are needed). */
static int followed(const capkit_scanner *sc, const uint8_t *p, size_t n,
                    int at_end, size_t rl, uint32_t sec, size_t *more) {
  size_t left = n - rl;
  if (left < 4) {
    *more = rl + 4;
    return at_end ? 1 : -1; /* the end of the input */
  }
  const uint8_t *q = p + rl;
  if (capkit__near(capkit__ld32(q, sc->swap), sec, CAPKIT__STEP_WIN)) {
    if (!sc->fit || left < CAPKIT__RHDR)
      return 1;
    /* The next header is whole and plausible but its packet does not fit
     * the capture's link type: a damaged next record, a frame of an odd
     * kind, or a header-like pattern inside a payload (a pcap carried in
     * the packets) at the end of a record whose length is damaged. The
     * last only when the records go on from inside this one. */
    capkit__rhdr nh;
    capkit__scan_ld(sc, q, &nh);
    if (!capkit__scan_plausible(sc, &nh))
      return 1;
    size_t dl = left - CAPKIT__RHDR < nh.incl ? left - CAPKIT__RHDR : nh.incl;
    if (dl < nh.incl && !at_end) {
      /* Its packet is cut by the end of the bytes ready: read it whole
       * before judging it (not the whole look-ahead). */
      *more = rl + CAPKIT__RHDR + nh.incl;
      return -1;
    }
    if (sc->fit(q + CAPKIT__RHDR, (uint32_t)dl, nh.orig))
      return 1;
    if (!at_end && left < DOUBT / 2) {
      *more = rl + DOUBT / 2;
      return -1;
    }
    size_t at;
    return !(capkit_scanner_find(sc, p, n, CAPKIT__RHDR + 1, at_end, &at) ==
                 1 &&
             at < rl);
  }
  if (left < CAPKIT__RHDR) {
    *more = rl + CAPKIT__RHDR;
    return at_end ? 0 : -1;
  }
  uint32_t incl = capkit__ld32(q + 8, sc->swap);
  if (incl > sc->bound)
    return 0;
  if (left - CAPKIT__RHDR < incl + (size_t)4 && !at_end) {
    *more = rl + CAPKIT__RHDR + incl + 4;
    return -1;
  }
  if (left - CAPKIT__RHDR < incl)
    return 0;
  size_t after = left - CAPKIT__RHDR - incl;
  return after == 0 ||
         (after >= 4 &&
          capkit__near(capkit__ld32(q + CAPKIT__RHDR + incl, sc->swap), sec,
                       CAPKIT__STEP_WIN));
}

/* A record at p whose header is damaged in one length field: the other
 * length (caplen or original length) that frames it up to a chain of
 * records, or 0. */
static uint32_t framed_by(const capkit_scanner *t, const capkit__rhdr *h,
                          const uint8_t *p, size_t n, int at_end) {
  uint32_t cand[2] = {h->incl, h->orig};
  if (h->frac >= t->frac_limit)
    return 0;
  for (int i = 0; i < 2; i++) {
    uint32_t l = cand[i];
    if (l > t->bound || (i == 1 && l == h->incl) ||
        n - CAPKIT__RHDR < l)
      continue;
    size_t at = CAPKIT__RHDR + (size_t)l;
    if (at < n && capkit__scan_chain(t, p, n, at, at_end))
      return l;
  }
  return 0;
}

/* A damaged record of caplen l at p whose framing is known: kept with
 * comment (when damaged records are kept and keep allows) or dropped;
 * why says what is wrong, for the event. */
static int damaged(capkit_repair *rp, const uint8_t *p, uint64_t off,
                   uint32_t l, int keep, const char *why,
                   const char *comment) {
  drop_flush(rp);
  uint64_t rl = CAPKIT__RHDR + (uint64_t)l;
  if (rp->keep_damaged && rp->w && keep) {
    event(rp, CAPKIT_REPAIR_RECORD_KEPT_DAMAGED, off, rl,
          "record kept with a comment (caplen %u): %s", l, why);
    int rc = out_record(rp, p, l, comment);
    if (rc)
      return rc;
    rp->nrec++;
    return 0;
  }
  rp->dropped_rec++;
  rp->dropped_bytes += rl;
  event(rp, CAPKIT_REPAIR_RECORD_DAMAGED, off, rl,
        "record dropped (caplen %u): %s", l, why);
  return 0;
}

/* Drop (or keep, marked) the record of caplen l at p that framed_by
 * found. */
static int drop_framed(capkit_repair *rp, const uint8_t *p, uint64_t off,
                       uint32_t l, const capkit__rhdr *h) {
  char why[160];
  snprintf(why, sizeof why,
           "its header is damaged (caplen %u, original length %u), the "
           "records after it follow its length %u",
           h->incl, h->orig, l);
  return damaged(rp, p, off, l, l <= h->orig, why,
                 "capkit repair: damaged record kept: its header's lengths "
                 "disagree; framed by the records after it");
}

/* A record whose lost 0d bytes (reverse ASCII-mode mangling) could not
 * be placed: its framing is known, its bytes are not. */
static int drop_unlf(capkit_repair *rp, const uint8_t *p, uint64_t off,
                     uint32_t l) {
  return damaged(rp, p, off, l, 1,
                 "where its lost 0d bytes go is not decided by its length, "
                 "the records after it or its checksums",
                 UNLF_COMMENT);
}

/* Do the k records from c (walked already) all fit the link type by
 * content? A run of header-like patterns inside a payload rarely does. */
static int all_fit(const capkit_scanner *t, const uint8_t *p, size_t c,
                   unsigned k) {
  if (!t->fit)
    return 1;
  for (unsigned i = 0; i < k; i++) {
    capkit__rhdr h;
    capkit__scan_ld(t, p + c, &h);
    if (!t->fit(p + c + CAPKIT__RHDR, h.incl, h.orig))
      return 0;
    c += CAPKIT__RHDR + (size_t)h.incl;
  }
  return 1;
}

/* Does the whole record at p prove itself? Its packet captured whole, no
 * checksum of it failing, and a transport checksum that holds over the
 * packet up to its last byte: a true record even where the bytes around
 * it are damaged (or a packet carried whole inside another's payload,
 * which the callers rule out by where it lies). */
static int proven(const capkit_scanner *t, const uint8_t *p) {
  capkit__rhdr h;
  capkit__scan_ld(t, p, &h);
  return proven_pkt(t->layout.linktype, p + CAPKIT__RHDR, h.incl, h.orig);
}

static uint64_t ts_of(const capkit_scanner *t, const uint8_t *p) {
  return (uint64_t)capkit__ld32(p, t->swap) << 32 |
         capkit__ld32(p + 4, t->swap);
}

/* Do the times of the k records from c (as far as the n bytes hold them)
 * rise from the time from? */
static int rises(const capkit_scanner *t, const uint8_t *p, size_t n, size_t c,
                 unsigned k, uint64_t from) {
  for (unsigned i = 0; i < k && n - c >= CAPKIT__RHDR; i++) {
    uint64_t ts = ts_of(t, p + c);
    if (ts < from)
      return 0;
    from = ts;
    c += CAPKIT__RHDR + (size_t)capkit__ld32(p + c + 8, t->swap);
    if (c > n)
      break;
  }
  return 1;
}

/* Does an IPv4 packet whose header holds (its checksum) start in the
 * bytes [0, c) and run past c? Then c lies inside its payload: 1, with
 * *ts the time of the record that carries it when its header is seen
 * (an Ethernet frame's, else 0). */
static int in_packet(const capkit_scanner *t, const uint8_t *p, size_t c,
                     uint64_t *ts) {
  size_t lo = c > 65535 ? c - 65535 : 0;
  for (size_t y = c; y-- > lo;) {
    if (p[y] != 0x45 || c - y < 20)
      continue;
    uint32_t tot = capkit__be16(p + y + 2);
    if (y + tot <= c)
      continue;
    if (capkit_inet_sum(p + y, 20, 0) != 0xffff)
      continue;
    *ts = 0;
    size_t hl = CAPKIT__RHDR + 14;
    if (y >= hl) {
      capkit__rhdr h;
      capkit__scan_ld(t, p + y - hl, &h);
      if (capkit__scan_plausible(t, &h) && h.orig == tot + 14)
        *ts = ts_of(t, p + y - hl);
    }
    return 1;
  }
  return 0;
}

/* Is the header at p a record's own, by its packet: an IPv4 header whose
 * checksum holds and whose length is the record's original length? (The
 * record's other bytes may be damaged.) */
static int own_header(const capkit_scanner *t, const uint8_t *p, size_t n) {
  capkit__rhdr h;
  capkit__scan_ld(t, p, &h);
  if (n - CAPKIT__RHDR < h.incl)
    return 0;
  capkit_layer l[CAPKIT_DECODE_MAX_LAYERS];
  size_t k =
      decode_sums(t->layout.linktype, p + CAPKIT__RHDR, h.incl, h.orig, l);
  for (size_t i = 0; i < k; i++)
    if (l[i].type == CAPKIT_LAYER_IPV4)
      return l[i].csum == CAPKIT_CSUM_GOOD &&
             (uint64_t)l[i].offset + l[i].len + l[i].payload_len == h.orig;
  return 0;
}

/* Does the chain from c die (an implausible header) within span bytes?
 * A pcap stream carried in the packets dies where the packet that
 * carries it ends (its next record lies in the next packet, past that
 * packet's own headers); the capture's records go on to the next damage,
 * rarely that close. */
static int dies_within(const capkit_scanner *t, const uint8_t *p, size_t n,
                       size_t c, size_t span) {
  size_t end;
  int stop;
  size_t lim = n - c > span ? c + span : n;
  capkit__scan_walk(t, p, lim, c, UINT32_MAX, &end, &stop);
  return stop == CAPKIT__STOP_BAD;
}

/* Is the run of k records from c, which starts inside the bytes of the
 * damaged record at 0 ([0, inside)), that record's payload rather than
 * the records after it? So when it dies inside those bytes without
 * reaching past them, or when its times do not rise from the damaged
 * record's: the records after a record come later, while packets carried
 * in its payload (a pcap stream sent over the network) were captured
 * before it. */
static int in_payload(const capkit_scanner *t, const uint8_t *p, size_t n,
                      size_t c, unsigned k, size_t inside) {
  if (c >= inside)
    return 0;
  size_t end;
  int stop;
  capkit__scan_walk(t, p, n, c, UINT32_MAX, &end, &stop);
  return (stop == CAPKIT__STOP_BAD && end <= inside) ||
         !rises(t, p, n, c, k, ts_of(t, p));
}

/* After damage at p: where do the records go on? The first full chain,
 * unless a shorter run of records starts before it and either lands
 * exactly on it or ends at more damage without overlapping it (a few
 * intact records between two damaged spots: three or more, or one that
 * proves itself by its checksums before a damaged one). A run that starts
 * inside the bytes of the damaged record at p ([0, inside), 0 when p
 * holds none) and dies there is its payload, not records. *trust_end is
 * set after the records the chain confirmed. */
static int resync(const capkit_scanner *t, const uint8_t *p, size_t n,
                  int at_end, size_t inside, const uint64_t *prev_ts,
                  size_t carries, size_t *at, size_t *trust_end) {
  size_t full;
  size_t from = 1;
  int found;
  uint64_t cts;
  /* When the packets carry pcap, the records after damage come after the
   * last good record: a chain whose times do not rise from it is a
   * carried stream, and so is one that dies within two of the largest
   * records, or whose first record is older than the damaged record at p
   * (a stream carried in its payload that bytes inserted moved past its
   * own length, then merging into the capture's records), when its
   * packet shows the header is its own. */
  uint64_t ref = prev_ts ? *prev_ts : 0;
  int own = carries && inside && own_header(t, p, n);
  /* A full chain inside a packet whose carrying record's header is seen,
   * whose times do not rise from it, is that packet's payload too. */
  while ((found = capkit_scanner_find(t, p, n, from, at_end, &full) == 1) &&
         (in_payload(t, p, n, full, t->chain + 1, inside) ||
          (in_packet(t, p, full, &cts) && cts &&
           !rises(t, p, n, full, t->chain + 1, cts)) ||
          (carries && (!rises(t, p, n, full, t->chain + 1, ref) ||
                       dies_within(t, p, n, full, carries) ||
                       (own && ts_of(t, p + full) < ts_of(t, p))))))
    from = full + 1;
  size_t lim = found ? full : n;
  /* Before the full chain, the records of a run also come after the
   * damaged record at p: a damaged time there loses a few records of a
   * run, not the chain. */
  if (own && ts_of(t, p) > ref)
    ref = ts_of(t, p);
  for (size_t c = 1; c + CAPKIT__RHDR <= lim; c++) {
    if (capkit__ld32(p + c + 8, t->swap) > t->bound)
      continue;
    /* Records up to the full chain only: one that runs into it is damaged
     * (the run ends there as at any other damage). */
    size_t end;
    int stop;
    unsigned k = capkit__scan_walk(t, p, lim, c, t->chain + 1, &end, &stop);
    if (k == 0)
      continue;
    int lands = found && end == full && stop == CAPKIT__STOP_END;
    /* A run that ends at more damage: its last record is judged again
     * when the walk reaches it. */
    int cut = stop == CAPKIT__STOP_BAD || stop == CAPKIT__STOP_CUT;
    if ((lands && all_fit(t, p, c, k) && !in_payload(t, p, n, c, k, inside) &&
         !(carries && !rises(t, p, n, c, k, ref)) &&
         !(in_packet(t, p, c, &cts) && cts && !rises(t, p, n, c, k, cts))) ||
        (cut && k >= 2 && !carries && !in_payload(t, p, n, c, k, inside) &&
         (!prev_ts || rises(t, p, lim, c, k - 1, *prev_ts)) &&
         !in_packet(t, p, c, &cts) &&
         (k >= 3 ? all_fit(t, p, c, k - 1) : proven(t, p + c)))) {
      *at = c;
      *trust_end = lands ? end : c + 1;
      return 1;
    }
  }
  if (found) {
    *at = full;
    *trust_end = full + 1;
  }
  return found;
}

static int walk(capkit_repair *rp, hdrinfo *hi) {
  capkit__src *s = &rp->src;
  s->read_max = CHUNK;
  const capkit_scanner *sc = &rp->sc;
  uint32_t prev = 0, prev_frac = 0; /* the last good record's time */
  int have_prev = 0;
  /* Records starting before this input offset were confirmed by a chain. */
  uint64_t trusted = 0;
  /* Bytes wanted at the cursor: a record and its successor's header
   * normally; the full look-ahead once the record in hand is in doubt. */
  size_t want = CAPKIT__RHDR;
  for (;;) {
    capkit__src_release(s);
    size_t n = 0;
    int at_end = 1;
    int rc = have(rp, want, &n, &at_end);
    if (rc)
      return rc;
    const uint8_t *p = s->cur;
    uint64_t off = capkit__src_offset(s);
    if (n == 0)
      return 0;
    if (n < CAPKIT__RHDR && at_end) {
      drop_flush(rp);
      event(rp, CAPKIT_REPAIR_TAIL_CUT, off, n,
            "%zu bytes at the end dropped: a record header cut short", n);
      rp->dropped_bytes += n;
      s->cur += n;
      return 0;
    }
    capkit__rhdr h;
    capkit__scan_ld(sc, p, &h);
    uint64_t ul;
    if (rp->unlf && capkit__unlf_bad(rp->unlf, off, &ul) &&
        ul == CAPKIT__RHDR + (uint64_t)h.incl) {
      if (ul > n) {
        if (!at_end && want < ul) {
          want = (size_t)ul;
          continue;
        }
      } else {
        if ((rc = drop_unlf(rp, p, off, h.incl)))
          return rc;
        s->cur += ul;
        prev = h.sec;
        prev_frac = h.frac;
        have_prev = 1;
        trusted = off + ul + 1;
        want = CAPKIT__RHDR;
        continue;
      }
    }
    /* What libpcap accepts (any original length a capture can have). */
    int fits = h.incl <= sc->bound && h.orig <= CAPKIT__MAX_ORIG;
    int time_ok = !have_prev || capkit__near(h.sec, prev, CAPKIT__STEP_WIN);
    size_t rl = CAPKIT__RHDR + (size_t)h.incl;
    if (fits && rl > n && !at_end && want < rl + 4) {
      want = rl + 4;
      continue;
    }
    if (fits && rl <= n) {
      int ok = off < trusted;
      if (!ok && time_ok) {
        size_t more = 0;
        ok = followed(sc, p, n, at_end, rl, h.sec, &more);
        if (ok < 0) {
          want = more;
          continue;
        }
        /* Not followed by a record, but whole by its own checksums: the
         * damage starts after it (the next header destroyed, bytes
         * inserted between records). */
        if (!ok)
          ok = proven(sc, p);
        if (ok && sc->fit && !sc->fit(p + CAPKIT__RHDR, h.incl, h.orig)) {
          /* A packet that does not fit the capture's link type: a frame
           * of an odd kind when a chain of records goes on from it, else
           * a header-like pattern inside a payload (a pcap carried in the
           * packets) that the damage before it brought up. */
          if (!at_end && n < DOUBT / 2 && want < DOUBT) {
            want = DOUBT;
            continue;
          }
          capkit_scanner t = *sc;
          t.fit = NULL;
          ok = capkit__scan_chain(&t, p, n, 0, at_end);
        }
      }
      if (!ok && !time_ok) {
        if (!at_end && want < DOUBT) {
          want = DOUBT;
          continue;
        }
        /* A jump in time, but a whole chain follows it. */
        capkit_scanner t = *sc;
        t.have_ref = 0;
        ok = capkit__scan_chain(&t, p, n, 0, at_end);
      }
      if (ok) {
        if (h.incl > hi->max_caplen)
          hi->max_caplen = h.incl;
        rc = emit(rp, p, rl);
        if (rc)
          return rc;
        s->cur += rl;
        capkit__src_prefetch(s);
        prev = h.sec;
        prev_frac = h.frac;
        have_prev = 1;
        want = CAPKIT__RHDR;
        continue;
      }
    }
    if (!at_end && want < DOUBT) {
      want = DOUBT;
      continue;
    }
    want = CAPKIT__RHDR;
    /* Damage at off: find where the records go on. */
    capkit_scanner t = *sc;
    if (have_prev) {
      t.have_ref = 1;
      t.ref = prev;
    }
    size_t at = 0, tend = 0;
    /* The records go on where this one's own lengths say, when a chain
     * starts exactly there: the chain that continues from the last good
     * record, preferred to one found earlier inside its payload (a pcap
     * carried in the packets). */
    uint32_t fl = 0;
    if ((fl = framed_by(&t, &h, p, n, at_end)) != 0) {
      if ((rc = drop_framed(rp, p, off, fl, &h)))
        return rc;
      s->cur += CAPKIT__RHDR + (size_t)fl;
      trusted = off + CAPKIT__RHDR + fl + 1;
      continue;
    }
    /* A damaged record at p whose header survived: runs that die inside
     * its bytes are its payload. */
    size_t inside = fits && time_ok && rl <= n ? rl : 0;
    uint64_t prev_ts = (uint64_t)prev << 32 | prev_frac;
    int found =
        resync(&t, p, n, at_end, inside, have_prev ? &prev_ts : NULL,
               rp->carries ? 2 * (CAPKIT__RHDR + (size_t)hi->max_caplen) : 0,
               &at, &tend);
    if (!found && at_end && fits && rl > n && time_ok) {
      /* A plausible header whose data runs past the end: truncated. */
      drop_flush(rp);
      size_t have = n - CAPKIT__RHDR;
      if (rp->pad) {
        event(rp, CAPKIT_REPAIR_TAIL_PADDED, off, n,
              "last record cut short (%zu of %u bytes): kept with caplen "
              "%zu",
              have, h.incl, have);
        if (have > hi->max_caplen)
          hi->max_caplen = (uint32_t)have;
        if ((rc = out_record(rp, p, (uint32_t)have, NULL)))
          return rc;
        rp->nrec++;
      } else {
        event(rp, CAPKIT_REPAIR_TAIL_CUT, off, n,
              "last record cut short (%zu of %u bytes): dropped (--pad "
              "keeps it)",
              have, h.incl);
        rp->dropped_rec++;
        rp->dropped_bytes += n;
      }
      s->cur += n;
      return 0;
    }
    if (!found) {
      if (at_end) {
        rc = drop_gap(rp, p, off, n, have_prev, prev);
        s->cur += n;
        return rc;
      }
      /* Not in this window: drop what cannot start a chain any more. */
      size_t keep = sc->bound + 2 * CAPKIT__RHDR;
      size_t skip = n > keep ? n - keep : 1;
      drop(rp, off, skip);
      s->cur += skip;
      continue;
    }
    if ((rc = drop_gap(rp, p, off, at, have_prev, prev)))
      return rc;
    s->cur += at;
    trusted = off + tend;
  }
}

/* Do the first records' packets carry pcap record headers within a minute
 * of their own time, in two records or more (of at most 256)? */
static int carries_pcap(const capkit_scanner *sc, const uint8_t *p, size_t n,
                        size_t at) {
  unsigned seen = 0;
  for (unsigned i = 0; i < 256 && n - at >= CAPKIT__RHDR; i++) {
    capkit__rhdr h;
    capkit__scan_ld(sc, p + at, &h);
    if (!capkit__scan_plausible(sc, &h) || n - at - CAPKIT__RHDR < h.incl)
      break;
    const uint8_t *d = p + at + CAPKIT__RHDR;
    for (size_t j = 0; j + CAPKIT__RHDR <= h.incl; j++) {
      capkit__rhdr in;
      capkit__scan_ld(sc, d + j, &in);
      if (capkit__near(in.sec, h.sec, 60) && capkit__scan_plausible(sc, &in)) {
        if (++seen >= 2)
          return 1;
        break;
      }
    }
    at += CAPKIT__RHDR + (size_t)h.incl;
  }
  return 0;
}

/* Resynchronisation also asks the first record found to fit the link
 * type by content, when the file's own first records do; and it takes
 * more care when the packets carry pcap. */
static void content_check(capkit_repair *rp, const hdrinfo *hi) {
  capkit__fit_fn fit = capkit__fit_for(rp->layout.linktype);
  size_t n = (size_t)(rp->src.end - rp->src.cur), at;
  int at_end = rp->src.kind != CAPKIT__SRC_BUF || rp->src.eof;
  if (n >= hi->data_start)
    rp->carries = carries_pcap(&rp->sc, rp->src.cur, n, hi->data_start);
  if (!fit || n < hi->data_start)
    return;
  /* From a few places: the first chain found may lie inside the payload
   * of a first record whose header is damaged. */
  size_t from[3] = {hi->data_start, hi->data_start + (n - hi->data_start) / 4,
                    hi->data_start + (n - hi->data_start) / 2};
  for (int i = 0; i < 3; i++)
    if (capkit_scanner_find(&rp->sc, rp->src.cur, n, from[i], at_end, &at) ==
            1 &&
        capkit__scan_guess_at(&rp->sc, rp->src.cur, n, at) ==
            (int64_t)rp->layout.linktype) {
      rp->sc.fit = fit;
      return;
    }
}

static int open_input(capkit_repair *rp, const char *path) {
  capkit__src *s = &rp->src;
  memset(s, 0, sizeof *s);
  s->fd = -1;
  int fd = 0, own = 0;
  if (strcmp(path, "-") != 0) {
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return fail(rp, errno == ENOMEM ? CAPKIT_ENOMEM : CAPKIT_EOPEN, 0,
                  "cannot open: %s", strerror(errno));
    own = 1;
  }
  int rc = capkit__src_open_fd(s, fd, own, 0);
  if (rc) {
    if (own)
      close(fd);
    return fail(rp, rc, 0, "%s",
                s->sys_errno ? strerror(s->sys_errno) : capkit_strerror(rc));
  }
  if (s->regular) /* one pass from start to end: a larger read-ahead */
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  int f = capkit__src_fill(s, 4);
  if (f < 0)
    return fail(rp, f, 0, "read error: %s", capkit__src_errtext(s, f));
  int codec = capkit__codec_of_magic(s->cur, (size_t)(s->end - s->cur));
  if (codec != CAPKIT__CODEC_NONE) {
    rc = capkit__src_decompress(s, codec);
    if (rc)
      return fail(rp, rc, 0, "%s", capkit_strerror(rc));
  }
  rp->src_id = capkit__new_source_id();
  return 0;
}

/* ---- FTP ASCII-mode mangling ---- */

static int ng_shb_swap(const uint8_t *p, size_t n);
static uint32_t ng_block(const uint8_t *p, size_t n, int swap);

/* The input read with every 0d 0a turned back into 0a (a transfer in
 * ASCII mode wrote each 0a as 0d 0a; the inverse is exact). */
typedef struct crlf {
  capkit__src in;
  int pending; /* a 0d held until the next byte is known */
} crlf;

static long crlf_pull(void *ctx, uint8_t *dst, size_t cap) {
  crlf *c = ctx;
  size_t o = 0;
  while (o < cap) {
    capkit__src_release(&c->in);
    int f = capkit__src_fill(&c->in, 1);
    if (f < 0)
      return f;
    if (f == 0) {
      if (c->pending) {
        dst[o++] = 0x0d;
        c->pending = 0;
      }
      break;
    }
    const uint8_t *p = c->in.cur, *end = c->in.end;
    while (p < end && o < cap) {
      uint8_t b = *p;
      if (c->pending) {
        c->pending = 0;
        if (b == 0x0a) {
          dst[o++] = 0x0a;
          p++;
          continue;
        }
        dst[o++] = 0x0d;
        continue; /* b again, now without the pending 0d */
      }
      p++;
      if (b == 0x0d)
        c->pending = 1;
      else
        dst[o++] = b;
    }
    c->in.cur = p;
  }
  return (long)o;
}

static void crlf_free(void *ctx) {
  crlf *c = ctx;
  capkit__src_close(&c->in);
  free(c);
}

/* How many records chain from the first boundary found in b[0..n). */
static unsigned chain_len(const uint8_t *b, size_t n) {
  int sw = ng_shb_swap(b, n);
  if (sw >= 0) { /* pcapng: whole blocks from the section header */
    unsigned k = 0;
    size_t q = 0;
    uint32_t len;
    while (k < 4096 && (len = ng_block(b + q, n - q, sw)) != 0) {
      q += len;
      k++;
    }
    return k;
  }
  capkit_scan_layout l;
  size_t start, end;
  int known, stop;
  if (capkit_scan_infer(b, n, 0, 0, &l, &start, &known) != 1)
    return 0;
  capkit_scanner s;
  capkit__scan_setup(&s, &l);
  return capkit__scan_walk(&s, b, n, start, 4096, &end, &stop);
}

/* Read the input from now on through pull(ctx), a stage that has taken
 * the input source over (the crlf stage or ascii.c's), freed with fr; 0,
 * or an error with the source still the stage's, for the caller. */
static int wrap_src(capkit_repair *rp, capkit__pull_fn pull, void *ctx,
                    void (*fr)(void *)) {
  capkit__src *s = &rp->src;
  size_t window = s->window;
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->window = window;
  int rc = capkit__src_open_pull(s, pull, ctx, fr);
  if (!rc)
    return 0;
  memset(s, 0, sizeof *s);
  s->fd = -1;
  return fail(rp, rc, 0, "out of memory");
}

/* The reverse: hardly a 0d 0a in the first n bytes at p (each became 0a),
 * and the records chain further with the lost 0d bytes given back by the
 * stage of ascii.c? Then read the input through that stage. */
static int unlf_check(capkit_repair *rp, const uint8_t *p, size_t n) {
  int ng = n >= 4 && p[0] == 0x0a;
  size_t cap = n + n / 2 + 64;
  uint8_t *o = malloc(cap);
  capkit__src m;
  capkit__unlf *u = NULL;
  if (o) {
    capkit__src_open_mem(&m, p, n);
    u = capkit__unlf_new(&m, ng);
  }
  if (!u) {
    free(o);
    return fail(rp, CAPKIT_ENOMEM, 0, "out of memory");
  }
  long on = capkit__unlf_pull(u, o, cap);
  capkit__unlf_free(u);
  int better = on > 0 && chain_len(o, (size_t)on) > chain_len(p, n);
  free(o);
  if (on < 0)
    return fail(rp, (int)on, 0, "%s", capkit_strerror((int)on));
  if (!better)
    return 0;
  u = capkit__unlf_new(&rp->src, ng);
  if (!u)
    return fail(rp, CAPKIT_ENOMEM, 0, "out of memory");
  int rc = wrap_src(rp, capkit__unlf_pull, u, capkit__unlf_free);
  if (rc) {
    capkit__unlf_free(u); /* closes the input it took over */
    return rc;
  }
  rp->unlf = u;
  event(rp, CAPKIT_REPAIR_ASCII_UNDONE, 0, 0,
        "reverse FTP ASCII-mode mangling: every 0d 0a was written as 0a; "
        "the lost 0d bytes given back where the record lengths, the records "
        "after them and the checksums say, records where they do not are "
        "damaged (offsets from here count the bytes given back)");
  return 0;
}

/* Is the input mangled (every 0a of the first bytes after a 0d, and the
 * records chain further with the 0d removed)? Then read it undone. */
static int ascii_check(capkit_repair *rp) {
  size_t n;
  int at_end;
  int rc = ready(rp, (size_t)1 << 20, &n, &at_end);
  if (rc)
    return rc;
  if (n > ((size_t)1 << 20))
    n = (size_t)1 << 20;
  const uint8_t *p = rp->src.cur;
  size_t lf = 0, crlf_n = 0;
  for (const uint8_t *q = p, *e = p + n;
       (q = memchr(q, 0x0a, (size_t)(e - q))) != NULL; q++) {
    lf++;
    crlf_n += q > p && q[-1] == 0x0d;
  }
  if (lf && crlf_n <= 1 + lf / 1024)
    return unlf_check(rp, p, n);
  if (lf == 0 || crlf_n != lf)
    return 0;
  uint8_t *u = malloc(n);
  if (!u)
    return fail(rp, CAPKIT_ENOMEM, 0, "out of memory");
  size_t un = 0;
  for (size_t i = 0; i < n; i++)
    if (!(p[i] == 0x0d && i + 1 < n && p[i + 1] == 0x0a))
      u[un++] = p[i];
  int better = chain_len(u, un) > chain_len(p, n);
  free(u);
  if (!better)
    return 0;
  crlf *c = calloc(1, sizeof *c);
  if (!c)
    return fail(rp, CAPKIT_ENOMEM, 0, "out of memory");
  c->in = rp->src;
  if ((rc = wrap_src(rp, crlf_pull, c, crlf_free))) {
    rp->src = c->in;
    free(c);
    return rc;
  }
  event(rp, CAPKIT_REPAIR_ASCII_UNDONE, 0, 0,
        "FTP ASCII-mode mangling: every 0a was written as 0d 0a; undone for "
        "the whole file (offsets from here count the bytes undone)");
  return 0;
}

/* --keep-damaged on pcap input: pcapng output, so that a damaged record
 * can carry its comment. */
static int open_writer(capkit_repair *rp, const char *path) {
  capkit_writer *w = capkit_writer_new();
  if (!w)
    return fail(rp, CAPKIT_ENOMEM, 0, "out of memory");
  const capkit_scan_layout *l = &rp->layout;
  int rc = capkit_writer_set_format(w, "pcapng");
  if (!rc)
    rc = capkit_writer_set_byte_order(w, l->byte_order);
  if (!rc)
    rc = capkit_writer_set_precision(w, l->precision);
  if (!rc)
    rc = capkit_writer_set_linktype(w, l->linktype);
  if (!rc && rp->sc.bound > 262144)
    rc = capkit_writer_set_snaplen(w, rp->sc.bound);
  if (!rc)
    rc = capkit_writer_open_path(w, path);
  if (rc) {
    rc = fail(rp, rc, 0, "cannot open the output %s: %s", path,
              capkit_writer_error(w)[0] ? capkit_writer_error(w)
                                        : capkit_strerror(rc));
    capkit_writer_free(w);
    return rc;
  }
  rp->w = w;
  return 0;
}

static int finish_output(capkit_repair *rp, const hdrinfo *hi) {
  capkit__sink *k = &rp->sink;
  int rc = 0;
  if (hi->patch_snaplen && k->tmp && !k->codec.write) {
    /* The header went out first; its snaplen is the largest record's. */
    uint8_t v[4];
    uint32_t snap = hi->max_caplen ? hi->max_caplen : 262144;
    capkit__st32(v, snap, rp->sc.swap);
    rc = capkit__sink_flush(k);
    if (!rc && pwrite(k->fd, v, 4, 16) != 4)
      rc = CAPKIT_EIO;
    if (!rc)
      rp->layout.snaplen = snap;
  }
  if (!rc)
    rc = capkit__sink_close(k);
  else
    capkit__sink_abort(k);
  if (rc)
    return fail(rp, rc, 0, "cannot write the output: %s",
                capkit_strerror(rc));
  return 0;
}

int capkit_repair_run(capkit_repair *rp, const char *in_path,
                      const char *out_path) {
  if (!rp || !in_path)
    return CAPKIT_EINVAL;
  rp->nrec = rp->dropped_rec = rp->dropped_bytes = 0;
  rp->changed = 0;
  rp->have_layout = 0;
  rp->gar_len = 0;
  rp->err[0] = 0;
  rp->out = 0;
  rp->direct = 0;
  rp->lent = rp->lendable = 0;
  rp->unlf = NULL;
  rp->name = strcmp(in_path, "-") ? in_path : "stdin";
  int rc = open_input(rp, in_path);
  hdrinfo hi;
  if (!rc)
    rc = ascii_check(rp);
  if (!rc)
    rc = header(rp, &hi);
  if (!rc) {
    rp->have_layout = 1;
    if (!hi.ng)
      content_check(rp, &hi);
    if (hi.data_start)
      rp->src.cur += hi.data_start;
    if (out_path && rp->keep_damaged && !hi.ng) {
      rc = open_writer(rp, out_path);
      if (!rc)
        rp->out = 1;
    } else if (out_path) {
      memset(&rp->sink, 0, sizeof rp->sink);
      rc = capkit__sink_open_path(&rp->sink, out_path);
      if (!rc) {
        rp->out = 1;
        int codec = capkit__codec_of_name(out_path);
        if (codec != CAPKIT__CODEC_NONE)
          rc = capkit__sink_compress(&rp->sink, codec, 0);
      }
      if (!rc && !rp->sink.codec.write)
        rp->direct = 1;
      if (rc)
        rc = fail(rp, rc, 0, "cannot open the output %s: %s", out_path,
                  rp->sink.sys_errno ? strerror(rp->sink.sys_errno)
                                     : capkit_strerror(rc));
      else if (!hi.ng)
        rc = out_write(rp, hi.hdr, 24);
    }
  }
  /* Lent once the look-ahead read for the header is walked (through the
   * output buffer in the usual way): the output starts after its first
   * HAND bytes, not after the look-ahead. */
  rp->lendable = !rc && !hi.ng;
  if (!rc)
    rc = hi.ng ? walk_ng(rp, &hi) : walk(rp, &hi);
  int urc = unlend(rp);
  if (!rc)
    rc = urc;
  if (!rc)
    drop_flush(rp);
  if (rp->w) {
    if (!rc && capkit_writer_close(rp->w) < 0)
      rc = fail(rp, CAPKIT_EIO, 0, "%s", capkit_writer_error(rp->w));
    capkit_writer_free(rp->w); /* unclosed: its temporary file is removed */
    rp->w = NULL;
  } else if (!rc && rp->out) {
    rc = finish_output(rp, &hi);
  } else if (rp->out) {
    capkit__sink_abort(&rp->sink);
  }
  rp->out = 0;
  rp->direct = 0;
  capkit__src_close(&rp->src);
  if (rc)
    return rc;
  return rp->changed ? 1 : 0;
}

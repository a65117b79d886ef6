/* import.c - a hex dump read as a capture (build.h, text2pcap's job): the
 * text read in chunks, a dump of a whole capture file told from a dump of
 * packets by its first bytes, packets stamped, wrapped in headers and cut
 * to the snaplen. Memory stays constant for packets; a whole file needs
 * its whole text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "build/build_int.h"

#define CHUNK (1 << 16)

struct capkit_import {
  capkit_import_settings set;
  char *name;
  FILE *f;
  char *text; /* the head; a whole file: all of the text */
  size_t len, cap;
  capkit_hexparse *p;
  capkit_reader *whole; /* a whole file: the reader of its bytes */
  int opened, eof, ioerr, done;
  int own_f;    /* opened by capkit_import_open_path: closed by free */
  int written;  /* capkit_import_write was called */
  int64_t kept; /* records kept before damage; -1 none */
  uint64_t packets;
  unsigned precision; /* 9 when the first packet's time needs it */
  capkit_import_warn_fn warn;
  void *warn_user;
  char err[1024];
};

capkit_import *capkit_import_new(const capkit_import_settings *set) {
  if (!set || set->size < sizeof *set || set->mode < CAPKIT_IMPORT_DETECT ||
      set->mode > CAPKIT_IMPORT_PACKETS ||
      (set->wrap && set->mode == CAPKIT_IMPORT_WHOLE))
    return NULL;
  capkit_import *im = calloc(1, sizeof *im);
  if (!im)
    return NULL;
  im->set = *set;
  im->kept = -1;
  im->set.size = sizeof im->set;
  if (set->wrap && set->mode == CAPKIT_IMPORT_DETECT)
    im->set.mode = CAPKIT_IMPORT_PACKETS; /* wrapped bytes are packets */
  if (set->time_fmt && !(im->set.time_fmt = strdup(set->time_fmt))) {
    free(im);
    return NULL;
  }
  return im;
}

void capkit_import_free(capkit_import *im) {
  if (!im)
    return;
  capkit_reader_free(im->whole);
  capkit_hexparse_free(im->p);
  free(im->text);
  free(im->name);
  if (im->own_f)
    fclose(im->f);
  free((char *)im->set.time_fmt);
  free(im);
}

int capkit_import_set_warning_fn(capkit_import *im, capkit_import_warn_fn fn,
                                 void *user) {
  if (!im || im->opened)
    return CAPKIT_EMISUSE;
  im->warn = fn;
  im->warn_user = user;
  return 0;
}

static int fail(capkit_import *im, int code, const char *what) {
  snprintf(im->err, sizeof im->err, "%s: %s", im->name, what);
  return code;
}

static int fail_errno(capkit_import *im) {
  return fail(im, CAPKIT_EIO, strerror(errno));
}

/* Read up to WANT more bytes of the input after the text held: 1 some, 0
 * the end, -1 a read error or out of memory (errno). */
static int read_more(capkit_import *im, size_t want) {
  if (im->cap - im->len < want) {
    size_t nc = im->cap ? im->cap : CHUNK;
    while (nc - im->len < want)
      nc *= 2;
    char *nb = realloc(im->text, nc);
    if (!nb) {
      errno = ENOMEM;
      return -1;
    }
    im->text = nb;
    im->cap = nc;
  }
  size_t r = fread(im->text + im->len, 1, want, im->f);
  im->len += r;
  return ferror(im->f) ? -1 : (int)(r > 0);
}

/* The rest of the text, parsed as one byte stream, opened as a capture. */
static int open_whole(capkit_import *im, unsigned wflags) {
  int r;
  while ((r = read_more(im, 1 << 20)) > 0)
    ;
  if (r < 0)
    return fail_errno(im);
  capkit_hexparse *p = im->p = capkit_hexparse_new(NULL, wflags);
  if (!p)
    return fail(im, CAPKIT_ENOMEM, "out of memory");
  int rc = capkit_hexparse_feed(p, im->text, im->len);
  if (!rc)
    rc = capkit_hexparse_finish(p);
  size_t n = 0;
  const uint8_t *b = rc ? NULL : capkit_hexparse_bytes(p, &n);
  if (rc)
    return fail(im, rc, capkit_hexparse_error(p));
  if (!b || !n)
    return fail(im, CAPKIT_EFORMAT, "no hex bytes found");
  free(im->text); /* the bytes are the parser's now */
  im->text = NULL;
  im->len = im->cap = 0;
  capkit_reader *rd = im->whole = capkit_reader_new();
  if (!rd) {
    snprintf(im->err, sizeof im->err, "out of memory");
    return CAPKIT_ENOMEM;
  }
  if ((rc = capkit_reader_open_memory(rd, b, n, im->name)) < 0)
    snprintf(im->err, sizeof im->err, "%s", capkit_reader_error(rd));
  return rc < 0 ? rc : 0;
}

int capkit_import_open_file(capkit_import *im, FILE *f, const char *name) {
  if (!im || !f || im->opened)
    return CAPKIT_EMISUSE;
  im->opened = 1;
  im->f = f;
  if (!(im->name = strdup(name ? name : "-"))) {
    snprintf(im->err, sizeof im->err, "out of memory");
    return CAPKIT_ENOMEM;
  }
  /* The head of the text tells a dump of a whole file (its first bytes are
   * a capture magic); only that case needs the whole text at once. */
  if (read_more(im, CHUNK) < 0)
    return fail_errno(im);
  unsigned radix =
      im->set.flags & (CAPKIT_HEX_OFFSET_OCT | CAPKIT_HEX_OFFSET_DEC);
  if (im->set.mode != CAPKIT_IMPORT_PACKETS) {
    size_t head = im->len;
    if (im->set.mode == CAPKIT_IMPORT_DETECT) /* whole lines only */
      while (head > 0 && im->text[head - 1] != '\n' && !feof(f))
        head--;
    /* the offsets' radix counts for a whole file too */
    unsigned wflags = CAPKIT_HEX_WHOLE | radix;
    if (im->set.mode == CAPKIT_IMPORT_WHOLE ||
        capkit_hexparse_probe(im->text, head, wflags) == 1)
      return open_whole(im, wflags);
  }
  im->p = capkit_hexparse_new(im->set.time_fmt, im->set.flags);
  if (!im->p) {
    snprintf(im->err, sizeof im->err, "out of memory");
    return CAPKIT_ENOMEM;
  }
  int rc = capkit_hexparse_feed(im->p, im->text, im->len);
  /* from here on the text comes in chunks of the buffer's size */
  im->len = 0;
  return rc ? fail(im, rc, capkit_hexparse_error(im->p)) : 0;
}

int capkit_import_open_path(capkit_import *im, const char *path) {
  if (!im || !path || im->opened)
    return CAPKIT_EMISUSE;
  if (strcmp(path, "-") == 0)
    return capkit_import_open_file(im, stdin, path);
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(im->err, sizeof im->err, "%.900s: %s", path, strerror(errno));
    return CAPKIT_EOPEN;
  }
  int rc = capkit_import_open_file(im, f, path);
  im->own_f = im->f == f;
  if (!im->own_f)
    fclose(f);
  return rc;
}

const capkit_reader *capkit_import_whole_reader(const capkit_import *im) {
  return im ? im->whole : NULL;
}

/* The next packet of the parser, fetching text as needed: 1, 0 the end,
 * or a negative code with the message. */
static int next_packet(capkit_import *im, capkit_hex_packet *pk) {
  for (;;) {
    int got = capkit_hexparse_next(im->p, pk);
    if (got < 0)
      return fail(im, got, capkit_hexparse_error(im->p));
    if (got > 0)
      return 1;
    if (im->eof)
      break;
    size_t n = fread(im->text, 1, im->cap, im->f);
    int rc = 0;
    if (n)
      rc = capkit_hexparse_feed(im->p, im->text, n);
    else if (ferror(im->f))
      im->ioerr = errno ? errno : EIO, im->eof = 1;
    else
      im->eof = 1, rc = capkit_hexparse_finish(im->p);
    if (rc < 0)
      return fail(im, rc, capkit_hexparse_error(im->p));
  }
  if (im->ioerr) {
    errno = im->ioerr;
    return fail_errno(im);
  }
  if (!im->packets && im->warn) {
    char m[1100];
    snprintf(m, sizeof m, "%s: warning: no hex dump found", im->name);
    im->warn(im->warn_user, m);
  }
  return 0;
}

int capkit_import_next(capkit_import *im, capkit_record *rec) {
  if (!im || !rec || !im->opened || (!im->p && !im->whole))
    return CAPKIT_EMISUSE;
  if (im->done)
    return 0;
  if (im->whole) {
    int rc = capkit_reader_next(im->whole, rec);
    if (rc < 0)
      snprintf(im->err, sizeof im->err, "%s", capkit_reader_error(im->whole));
    im->done = rc <= 0;
    return rc;
  }
  capkit_hex_packet pk;
  int rc = next_packet(im, &pk);
  if (rc <= 0) {
    im->done = 1;
    return rc;
  }
  if (im->packets++ == 0 && pk.has_time && pk.ts_digits > 6)
    im->precision = 9;
  capkit_hexparse_record(im->p, &pk, rec);
  if (im->set.wrap) {
    const uint8_t *d;
    size_t n;
    if (capkit_gen_wrap(im->set.wrap, pk.data, pk.len, &d, &n)) {
      im->done = 1;
      snprintf(im->err, sizeof im->err,
               "%s: line %llu: the packet with its headers is too large",
               im->name, (unsigned long long)pk.line);
      return CAPKIT_ETOOBIG;
    }
    rec->data = d;
    rec->origlen += (uint32_t)(n - pk.len);
    rec->caplen = (uint32_t)n;
  }
  /* Longer than the snaplen: cut, as text2pcap does, rather than write
   * what readers refuse. */
  uint32_t snap = im->set.snaplen ? im->set.snaplen : 262144;
  if (rec->caplen > snap) {
    if (im->warn) {
      char m[1200];
      snprintf(m, sizeof m,
               "%s: line %llu: warning: packet of %u bytes cut to the "
               "snaplen of %llu",
               im->name, (unsigned long long)pk.line, rec->caplen,
               (unsigned long long)snap);
      im->warn(im->warn_user, m);
    }
    rec->caplen = snap;
  }
  return 1;
}

uint32_t capkit_import_linktype(const capkit_import *im) {
  if (!im)
    return 0;
  return im->set.wrap ? capkit_gen_linktype(im->set.wrap)
                      : CAPKIT_LINKTYPE_ETHERNET;
}

unsigned capkit_import_precision(const capkit_import *im) {
  return im ? im->precision : 0;
}

const char *capkit_import_error(const capkit_import *im) {
  return im ? im->err : "";
}

/* ---- the whole import, to a capture file ---- */

static int writer_fail(capkit_import *im, capkit_writer *w, int rc) {
  snprintf(im->err, sizeof im->err, "%s",
           *capkit_writer_error(w) ? capkit_writer_error(w)
                                   : capkit_strerror(rc));
  return rc;
}

/* A dump of a whole file: a copy of its reader's settings (the same bytes
 * back), then OUT's. */
static int write_whole(capkit_import *im, capkit_writer *w,
                       const capkit_build_output *out, const char *path,
                       int keep) {
  int rc = capkit_writer_copy_settings(w, im->whole);
  if (rc)
    return writer_fail(im, w, rc);
  if ((rc = capkit__build_open(w, out, path, im->err, sizeof im->err)))
    return rc;
  capkit_record rec = CAPKIT_RECORD_INIT;
  while ((rc = capkit_import_next(im, &rec)) > 0)
    if ((rc = capkit_writer_write(w, &rec)) < 0)
      return writer_fail(im, w, rc);
  if (rc < 0) {
    if (keep && capkit_writer_close(w) == 0)
      im->kept = (int64_t)capkit_writer_records(w);
    return rc;
  }
  return 0;
}

/* Packets, written as they come (constant memory whatever the size of
 * the dump); the output is opened with the first one, when its time tells
 * the precision needed. */
static int write_packets(capkit_import *im, capkit_writer *w,
                         const capkit_build_output *out, const char *path) {
  capkit_build_output o = *out;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int got, rc, open = 0;
  for (;;) {
    if ((got = capkit_import_next(im, &rec)) < 0)
      return got;
    if (!open) {
      if (!o.precision)
        o.precision = im->precision;
      if (o.linktype < 0)
        o.linktype = (int32_t)capkit_import_linktype(im);
      if ((rc = capkit__build_open(w, &o, path, im->err, sizeof im->err)))
        return rc;
      open = 1;
    }
    if (got == 0)
      return 0;
    if ((rc = capkit_writer_write(w, &rec)) < 0)
      return writer_fail(im, w, rc);
  }
}

int capkit_import_write(capkit_import *im, capkit_writer *w,
                        const capkit_build_output *out, const char *path,
                        int keep_partial) {
  if (!im || !w || !out || !path || out->size < sizeof *out || im->written ||
      (!im->p && !im->whole))
    return CAPKIT_EMISUSE;
  im->written = 1;
  int rc = im->whole ? write_whole(im, w, out, path, keep_partial)
                     : write_packets(im, w, out, path);
  if (rc)
    return rc;
  if ((rc = capkit_writer_close(w)) < 0)
    return writer_fail(im, w, rc);
  return 0;
}

int64_t capkit_import_kept(const capkit_import *im) {
  return im ? im->kept : -1;
}

/* test_scan.c - the record-boundary scanner, layout inference and repair
 * through the public API. Files are built here byte by byte from the pcap
 * specification (record boundaries known by construction), over seeded
 * ranges of byte orders, precisions, sizes, link types and damage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "seeded.h"
#include "tap.h"

/* ---- a pcap builder (the seeded generator is seeded.h's) ---- */

typedef struct fb {
  uint8_t *b;
  size_t n, cap;
  int be;
  size_t bound[4096]; /* record offsets */
  size_t nrec;
} fb;

SEEDED_PUTS(fb)

/* One record (its offset kept in bound while there is room). */
static void put_rec(fb *f, uint32_t sec, uint32_t frac, const uint8_t *p,
                    uint32_t len) {
  if (f->nrec < sizeof f->bound / sizeof f->bound[0])
    f->bound[f->nrec] = f->n;
  f->nrec++;
  put32(f, sec);
  put32(f, frac);
  put32(f, len);
  put32(f, len);
  put(f, p, len);
}

enum { L_ETH, L_RAW, L_SLL, L_NULL, N_L };
static const uint32_t l_type[N_L] = {1, 101, 113, 0};

/* One packet of link kind lk and about size bytes, into p (returns len).
 * IPv4 total length is the packet's (the specification's framing). */
static uint32_t packet(uint8_t *p, int lk, uint32_t size) {
  uint32_t link = lk == L_ETH ? 14 : lk == L_SLL ? 16 : lk == L_NULL ? 4 : 0;
  if (size < link + 28)
    size = link + 28;
  for (uint32_t i = 0; i < size; i++)
    p[i] = (uint8_t)rnd();
  if (lk == L_ETH) {
    p[12] = 0x08;
    p[13] = 0x00;
  } else if (lk == L_SLL) {
    p[0] = 0;
    p[1] = (uint8_t)rnd_in(0, 4);
    p[2] = 0;
    p[3] = 1;
    p[4] = 0;
    p[5] = 6;
    p[14] = 0x08;
    p[15] = 0x00;
  } else if (lk == L_NULL) {
    p[0] = 2; /* AF_INET, written little-endian */
    p[1] = p[2] = p[3] = 0;
  }
  uint8_t *ip = p + link;
  ip[0] = 0x45;
  uint32_t tot = size - link;
  ip[2] = (uint8_t)(tot >> 8);
  ip[3] = (uint8_t)tot;
  return size;
}

typedef struct spec {
  int be, ns, lk;
  int header; /* write the file header */
  uint32_t n;
  uint32_t maxsize;
} spec;

static uint8_t pkt[70000];

static void build(fb *f, const spec *s) {
  f->n = 0;
  f->nrec = 0;
  f->be = s->be;
  if (s->header) {
    put32(f, s->ns ? 0xa1b23c4du : 0xa1b2c3d4u);
    put16(f, 2);
    put16(f, 4);
    put32(f, 0);
    put32(f, 0);
    put32(f, 65535);
    put32(f, l_type[s->lk]);
  }
  uint32_t sec = 1600000000u + rnd() % 100000000u, frac = 0;
  uint32_t lim = s->ns ? 1000000000u : 1000000u;
  for (uint32_t i = 0; i < s->n; i++) {
    frac += rnd() % (lim / 20);
    sec += frac / lim;
    frac %= lim;
    uint32_t len = packet(pkt, s->lk, rnd_in(20, s->maxsize));
    put_rec(f, sec, frac, pkt, len);
  }
}

static capkit_scan_layout layout_of(const spec *s) {
  capkit_scan_layout l = {s->be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE,
                          s->ns ? 9u : 6u, l_type[s->lk], 65535, 0};
  return l;
}

/* The first true boundary at or after from, or (size_t)-1. */
static size_t true_next(const fb *f, size_t from) {
  for (size_t i = 0; i < f->nrec; i++)
    if (f->bound[i] >= from)
      return f->bound[i];
  return (size_t)-1;
}

/* ---- scanner ---- */

static void test_api(void) {
  capkit_scan_layout bad = {CAPKIT_BO_LITTLE, 7, 1, 0, 0};
  CHECK(capkit_scanner_new(&bad) == NULL);
  CHECK(capkit_scanner_new(NULL) == NULL);
  capkit_scan_layout l = {CAPKIT_BO_LITTLE, 6, 1, 0, 0};
  capkit_scanner *s = capkit_scanner_new(&l);
  CHECK(s != NULL);
  CHECK_EQ(capkit_scanner_bound(s), 262144u);
  CHECK_EQ(capkit_scanner_set_chain(s, 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_scanner_set_chain(s, 4), 0);
  size_t at;
  CHECK_EQ(capkit_scanner_find(s, NULL, 0, 0, 1, &at), 0);
  CHECK_EQ(capkit_scanner_find(s, NULL, 5, 0, 1, &at), CAPKIT_EINVAL);
  uint8_t zeros[4096] = {0};
  /* A run of zeros looks like headers of empty records: never a chain. */
  CHECK_EQ(capkit_scanner_find(s, zeros, sizeof zeros, 0, 1, &at), 0);
  capkit_scanner_free(s);
  capkit_scanner_free(NULL);
  capkit_scan_layout d = {CAPKIT_BO_LITTLE, 6, 231, 0, 0};
  s = capkit_scanner_new(&d);
  CHECK_EQ(capkit_scanner_bound(s), 128u << 20); /* D-Bus */
  capkit_scanner_free(s);
  CHECK(strcmp(capkit_repair_kind_name(CAPKIT_REPAIR_GARBAGE), "GARBAGE") ==
        0);
  CHECK(capkit_repair_kind_name(999) == NULL);
}

/* From any offset of an undamaged file, the scanner finds the first true
 * boundary at or after it, in every byte order, precision and size mix. */
static void test_find_property(void) {
  fb f = {0};
  int wrong = 0, tried = 0;
  for (int seed = 1; seed <= 40; seed++) {
    rng = 0x9e3779b97f4a7c15ull * (uint64_t)seed;
    spec s = {seed & 1, (seed >> 1) & 1, seed % N_L, 1, rnd_in(20, 200),
              seed % 3 ? 1514 : 9000};
    build(&f, &s);
    capkit_scan_layout l = layout_of(&s);
    capkit_scanner *sc = capkit_scanner_new(&l);
    for (int k = 0; k < 60; k++) {
      size_t from = rnd() % f.n;
      size_t at = 0, want = true_next(&f, from);
      int rc = capkit_scanner_find(sc, f.b, f.n, from, 1, &at);
      tried++;
      if (want == (size_t)-1 ? rc != 0 : (rc != 1 || at != want)) {
        if (wrong++ < 5)
          fprintf(stderr, "seed %d from %zu: rc %d at %zu want %zu\n", seed,
                  from, rc, at, want);
      }
    }
    capkit_scanner_free(sc);
  }
  CHECK_EQ(wrong, 0);
  CHECK(tried == 2400);
  free(f.b);
}

/* A time reference a year away refuses records that would chain, as a
 * pcap carried in a payload and recorded at another time would be. */
static void test_time_ref(void) {
  fb f = {0};
  rng = 77;
  spec s = {0, 0, L_ETH, 1, 50, 600};
  build(&f, &s);
  capkit_scan_layout l = layout_of(&s);
  capkit_scanner *sc = capkit_scanner_new(&l);
  size_t at = 0;
  uint32_t first = (uint32_t)f.b[24] | (uint32_t)f.b[25] << 8 |
                   (uint32_t)f.b[26] << 16 | (uint32_t)f.b[27] << 24;
  capkit_scanner_set_time_ref(sc, (int64_t)first - 365 * 86400);
  CHECK_EQ(capkit_scanner_find(sc, f.b, f.n, 0, 1, &at), 0);
  capkit_scanner_set_time_ref(sc, first);
  CHECK_EQ(capkit_scanner_find(sc, f.b, f.n, 0, 1, &at), 1);
  CHECK_EQ(at, 24u);
  capkit_scanner_set_time_ref(sc, -1);
  CHECK_EQ(capkit_scanner_find(sc, f.b, f.n, 25, 1, &at), 1);
  CHECK_EQ(at, f.bound[1]);
  capkit_scanner_free(sc);
  free(f.b);
}

/* Headerless records: byte order, precision, link type and the first
 * boundary inferred, for each link kind. */
static void test_infer(void) {
  fb f = {0};
  for (int seed = 1; seed <= 24; seed++) {
    rng = 1000003ull * (uint64_t)seed;
    spec s = {seed & 1, (seed >> 1) & 1, seed % N_L, 0, 60, 1514};
    build(&f, &s);
    /* garbage in front */
    size_t junk = rnd_in(0, 40);
    uint8_t *b = malloc(f.n + junk);
    for (size_t i = 0; i < junk; i++)
      b[i] = (uint8_t)rnd();
    memcpy(b + junk, f.b, f.n);
    capkit_scan_layout l;
    size_t start = 0;
    int known = 0;
    int rc = capkit_scan_infer(b, f.n + junk, 0, 1, &l, &start, &known);
    CHECK_EQ(rc, 1);
    CHECK_EQ(start, junk);
    CHECK_EQ(l.byte_order, s.be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE);
    CHECK_EQ(l.precision, s.ns ? 9u : 6u);
    CHECK_EQ(known, 1);
    CHECK_EQ(l.linktype, l_type[s.lk]);
    free(b);
  }
  /* Random bytes: no chain, no link type. */
  uint8_t r[8192];
  rng = 5;
  for (size_t i = 0; i < sizeof r; i++)
    r[i] = (uint8_t)rnd();
  capkit_scan_layout l;
  size_t start;
  int known;
  CHECK_EQ(capkit_scan_infer(r, sizeof r, 0, 1, &l, &start, &known), 0);
  const uint8_t *d[4] = {r, r + 100, r + 2000, r + 3000};
  uint32_t cl[4] = {80, 90, 100, 120}, ol[4] = {80, 90, 100, 120};
  CHECK_EQ(capkit_scan_guess_linktype(d, cl, ol, 4), -1);
  free(f.b);
}

/* ---- repair ---- */

/* Does the file at path hold exactly the n bytes at b? */
static int file_is(const char *path, const uint8_t *b, size_t n) {
  size_t got_n;
  uint8_t *got = tap_slurp(path, &got_n);
  int same = got && got_n == n && memcmp(got, b, n) == 0;
  free(got);
  return same;
}

/* A copy of f with len random bytes inserted at offset at (f->n + len
 * bytes; the caller frees). */
static uint8_t *with_garbage(const fb *f, size_t at, size_t len) {
  uint8_t *d = malloc(f->n + len);
  memcpy(d, f->b, at);
  for (size_t i = 0; i < len; i++)
    d[at + i] = (uint8_t)rnd();
  memcpy(d + at + len, f->b + at, f->n - at);
  return d;
}

typedef struct evlog {
  int n;
  int kinds[64];
  uint64_t off[64], len[64];
} evlog;

static void on_ev(void *u, const capkit_repair_event *ev) {
  evlog *l = u;
  if (l->n < 64) {
    l->kinds[l->n] = ev->kind;
    l->off[l->n] = ev->offset;
    l->len[l->n] = ev->length;
  }
  l->n++;
  CHECK(ev->message && ev->message[0]);
}

/* The records of a repaired file that carry a comment: their numbers,
 * caplens and first bytes (up to 4 of them); every comment must start with
 * prefix when set. Returns the number of records, -1 when unreadable. */
typedef struct commented {
  const char *prefix;
  int n, at[4];
  uint32_t caplen[4];
  uint8_t head[4][12];
  char format[16]; /* the reader's name of the file's format */
} commented;
static int read_commented(const char *path, commented *c) {
  capkit_reader *r = capkit_reader_new();
  capkit_record rec = CAPKIT_RECORD_INIT;
  int k = 0, rc = capkit_reader_open_path(r, path);
  if (rc == 0)
    snprintf(c->format, sizeof c->format, "%s", capkit_reader_info(r)->format);
  while (rc == 0 && (rc = capkit_reader_next(r, &rec)) > 0) {
    rc = 0;
    k++;
    if (!rec.comment)
      continue;
    if (c->prefix)
      CHECK(strncmp(rec.comment, c->prefix, strlen(c->prefix)) == 0);
    if (c->n < 4) {
      c->at[c->n] = k;
      c->caplen[c->n] = rec.caplen;
      memcpy(c->head[c->n], rec.data,
             rec.caplen < 12 ? rec.caplen : sizeof c->head[0]);
    }
    c->n++;
  }
  capkit_reader_free(r);
  return rc == 0 ? k : -1;
}

static int has_kind(const evlog *l, int kind) {
  for (int i = 0; i < l->n && i < 64; i++)
    if (l->kinds[i] == kind)
      return 1;
  return 0;
}

static void test_repair_clean_and_damaged(void) {
  fb f = {0};
  rng = 4242;
  spec s = {0, 0, L_ETH, 1, 120, 1514};
  build(&f, &s);
  const char *in = tmp("in.pcap"), *out = tmp("out.pcap");
  spit(in, f.b, f.n);
  capkit_repair *rp = capkit_repair_new();
  evlog log = {0};
  capkit_repair_set_event_fn(rp, on_ev, &log);
  /* Undamaged: exit 0, byte-identical, no event. */
  CHECK_EQ(capkit_repair_run(rp, in, out), 0);
  CHECK(file_is(out, f.b, f.n));
  CHECK_EQ(log.n, 0);
  CHECK_EQ(capkit_repair_records(rp), 120u);

  /* 200 garbage bytes inside record 40: that record is dropped, every
   * other one kept, and the event covers the damaged bytes. */
  size_t glen = 200;
  uint8_t *d = with_garbage(&f, f.bound[40] + 30, glen);
  spit(in, d, f.n + glen);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK_EQ(capkit_repair_records(rp), 119u);
  CHECK_EQ(capkit_repair_dropped_records(rp), 1u);
  CHECK(has_kind(&log, CAPKIT_REPAIR_RECORD_DAMAGED));
  CHECK_EQ(log.off[0], (uint64_t)f.bound[40]);
  size_t n;
  uint8_t *got = tap_slurp(out, &n);
  size_t r40 = f.bound[41] - f.bound[40];
  CHECK(got && n == f.n - r40);
  CHECK(got && memcmp(got, f.b, f.bound[40]) == 0);
  CHECK(got && memcmp(got + f.bound[40], f.b + f.bound[41],
                      f.n - f.bound[41]) == 0);
  free(got);

  /* --keep-damaged: record 40 kept in a pcapng output, with a comment. */
  capkit_repair_set_keep_damaged(rp, 1);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_RECORD_KEPT_DAMAGED));
  CHECK_EQ(capkit_repair_records(rp), 120u);
  {
    commented c = {0};
    CHECK_EQ(read_commented(out, &c), 120);
    CHECK(strcmp(c.format, "pcapng") == 0);
    CHECK_EQ(c.n, 1);
    CHECK_EQ(c.at[0], 41);
  }
  capkit_repair_set_keep_damaged(rp, 0);

  /* Dry run: the same report, nothing written. */
  unlink(out);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, NULL), 1);
  CHECK(access(out, F_OK) != 0);
  CHECK(log.n >= 1);

  /* Header destroyed: rebuilt, link type inferred, records all kept. */
  memcpy(d, f.b, f.n);
  memset(d, 0x5a, 24);
  spit(in, d, f.n);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_HEADER_REBUILT));
  CHECK(has_kind(&log, CAPKIT_REPAIR_LINKTYPE_INFERRED));
  const capkit_scan_layout *l = capkit_repair_layout(rp);
  CHECK(l && l->linktype == 1 && l->byte_order == CAPKIT_BO_LITTLE &&
        l->precision == 6);
  CHECK_EQ(capkit_repair_records(rp), 120u);
  /* The repaired file reads cleanly with the reader. */
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, out), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int cnt = 0, rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0)
    cnt++;
  CHECK_EQ(rc, 0);
  CHECK_EQ(cnt, 120);
  capkit_reader_free(r);

  /* Truncated tail: cut, or kept with --pad and caplen corrected. */
  spit(in, f.b, f.n - 7);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_TAIL_CUT));
  CHECK_EQ(capkit_repair_records(rp), 119u);
  capkit_repair_set_pad(rp, 1);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_TAIL_PADDED));
  CHECK_EQ(capkit_repair_records(rp), 120u);
  capkit_repair_set_pad(rp, 0);

  /* Not repairable here: the "modified" pcap variant, empty files,
   * missing files. */
  static const uint8_t mod[24] = {0x34, 0xcd, 0xb2, 0xa1, 2, 0, 4, 0};
  spit(in, mod, sizeof mod);
  CHECK_EQ(capkit_repair_run(rp, in, out), CAPKIT_EUNSUPPORTED);
  CHECK(strstr(capkit_repair_error(rp), "not supported") != NULL);
  spit(in, mod, 0);
  CHECK_EQ(capkit_repair_run(rp, in, out), CAPKIT_EFORMAT);
  CHECK_EQ(capkit_repair_run(rp, tmp("nonexistent"), out), CAPKIT_EOPEN);
  capkit_repair_free(rp);
  capkit_repair_free(NULL);
  free(d);
  free(f.b);
}

/* Seeded damage over many files: every record the damage did not touch
 * comes out byte-identical, and every record written is one of the
 * originals (none invented). */
static void test_repair_property(void) {
  fb f = {0};
  int missed = 0, invented = 0;
  capkit_repair *rp = capkit_repair_new();
  const char *in = tmp("p_in.pcap"), *out = tmp("p_out.pcap");
  for (int seed = 1; seed <= 80; seed++) {
    rng = 7777ull * (uint64_t)seed + 1;
    spec s = {seed & 1, (seed >> 1) & 1, seed % N_L, 1, 80, 1514};
    build(&f, &s);
    /* One damage: overwrite, delete or insert len bytes at pos. */
    size_t pos = rnd_in(24, (uint32_t)f.n - 100);
    size_t len = rnd_in(1, 300);
    int kind = seed % 3;
    uint8_t *d = malloc(f.n + len);
    size_t dn;
    memcpy(d, f.b, pos);
    if (kind == 0) { /* overwrite */
      memcpy(d, f.b, f.n);
      if (pos + len > f.n)
        len = f.n - pos;
      for (size_t i = 0; i < len; i++)
        d[pos + i] = (uint8_t)rnd();
      dn = f.n;
    } else if (kind == 1) { /* delete */
      if (pos + len > f.n)
        len = f.n - pos;
      memcpy(d + pos, f.b + pos + len, f.n - pos - len);
      dn = f.n - len;
    } else { /* insert */
      for (size_t i = 0; i < len; i++)
        d[pos + i] = (uint8_t)rnd();
      memcpy(d + pos + len, f.b + pos, f.n - pos);
      dn = f.n + len;
    }
    spit(in, d, dn);
    int rc = capkit_repair_run(rp, in, out);
    CHECK(rc == 0 || rc == 1);
    size_t on;
    uint8_t *o = tap_slurp(out, &on);
    /* Walk the output's records and look each up among the originals. */
    size_t q = 24;
    int be = s.be;
    while (o && q + 16 <= on) {
      uint32_t incl = be ? (uint32_t)o[q + 8] << 24 | (uint32_t)o[q + 9] << 16 |
                               (uint32_t)o[q + 10] << 8 | o[q + 11]
                         : (uint32_t)o[q + 11] << 24 |
                               (uint32_t)o[q + 10] << 16 |
                               (uint32_t)o[q + 9] << 8 | o[q + 8];
      int found = 0;
      for (size_t i = 0; i < f.nrec && !found; i++) {
        size_t rl = (i + 1 < f.nrec ? f.bound[i + 1] : f.n) - f.bound[i];
        found = rl == 16 + (size_t)incl && q + rl <= on &&
                memcmp(o + q, f.b + f.bound[i], rl) == 0;
      }
      /* an overwrite inside a payload is invisible: not an invention */
      if (!found && kind != 0)
        invented++;
      q += 16 + (size_t)incl;
    }
    /* Every original record the damage did not touch is in the output. */
    for (size_t i = 0; i < f.nrec && o; i++) {
      size_t b = f.bound[i];
      size_t rl = (i + 1 < f.nrec ? f.bound[i + 1] : f.n) - b;
      int touched = kind == 0   ? (pos < b + rl && b < pos + len)
                    : kind == 1 ? (pos < b + rl && b < pos + len)
                                : (b < pos && pos < b + rl);
      if (touched)
        continue;
      int found = 0;
      for (size_t x = 24; x + rl <= on && !found; x++)
        found = memcmp(o + x, f.b + b, rl) == 0;
      if (!found) {
        /* Ambiguous by design: damage starting in the first field (the
         * time) of the next record's header: the record cannot be told
         * from one whose own tail is damaged. */
        size_t next = b + rl;
        if (!(pos >= next && pos < next + 4)) {
          missed++;
          fprintf(stderr, "seed %d kind %d pos %zu len %zu: record %zu at %zu missed\n",
                  seed, kind, pos, len, i, b);
        }
      }
    }
    free(o);
    free(d);
  }
  CHECK_EQ(missed, 0);
  CHECK_EQ(invented, 0);
  capkit_repair_free(rp);
  free(f.b);
}

/* FTP ASCII-mode mangling (every 0a written as 0d 0a) is undone exactly,
 * from a plain and from a gzip-compressed input. */
static void test_ascii(void) {
  fb f = {0};
  rng = 99;
  spec s = {1, 1, L_ETH, 1, 150, 1514};
  build(&f, &s);
  uint8_t *m = malloc(2 * f.n);
  size_t mn = 0, lf = 0;
  for (size_t i = 0; i < f.n; i++) {
    if (f.b[i] == 0x0a) {
      m[mn++] = 0x0d;
      lf++;
    }
    m[mn++] = f.b[i];
  }
  CHECK(lf > 100);
  const char *in = tmp("ascii.pcap"), *out = tmp("ascii_out.pcap");
  spit(in, m, mn);
  capkit_repair *rp = capkit_repair_new();
  evlog log = {0};
  capkit_repair_set_event_fn(rp, on_ev, &log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_ASCII_UNDONE));
  CHECK(file_is(out, f.b, f.n));
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s.gz'", in, in);
  if (system(cmd) == 0) {
    snprintf(cmd, sizeof cmd, "%s.gz", in);
    CHECK_EQ(capkit_repair_run(rp, cmd, out), 1);
    CHECK(file_is(out, f.b, f.n));
  }
  /* The unmangled file is left alone. */
  memset(&log, 0, sizeof log);
  spit(in, f.b, f.n);
  CHECK_EQ(capkit_repair_run(rp, in, out), 0);
  CHECK(!has_kind(&log, CAPKIT_REPAIR_ASCII_UNDONE));
  capkit_repair_free(rp);
  free(m);
  free(f.b);
}

/* pcapng: blocks from the specification; clean copies byte-identical, an
 * inserted run of garbage dropped, a packet block whose interface was never
 * described gets a recreated description block, a section header whose
 * type alone is damaged is restored with its options. */
static void ngput(fb *f, uint32_t type, const uint8_t *body, uint32_t n) {
  uint32_t len = 12 + ((n + 3u) & ~3u);
  put32(f, type);
  put32(f, len);
  put(f, body, n);
  static const uint8_t z[4] = {0};
  put(f, z, ((n + 3u) & ~3u) - n);
  put32(f, len);
}

static void build_ng(fb *f, int with_idb, uint32_t npk) {
  f->n = 0;
  f->nrec = 0;
  f->be = 0;
  uint8_t b[2048];
  /* section header: magic, 1.0, length unknown, shb_userappl option */
  size_t k = 0;
  memcpy(b, "\x4d\x3c\x2b\x1a\x01\x00\x00\x00", 8);
  memset(b + 8, 0xff, 8);
  k = 16;
  memcpy(b + k, "\x04\x00\x04\x00test\x00\x00\x00\x00", 12);
  k += 12;
  ngput(f, 0x0a0d0d0a, b, (uint32_t)k);
  if (with_idb) {
    memcpy(b, "\x01\x00\x00\x00\x00\x00\x04\x00", 8); /* Ethernet */
    ngput(f, 1, b, 8);
  }
  uint64_t ts = 1700000000000000ull;
  for (uint32_t i = 0; i < npk; i++) {
    uint32_t len = packet(pkt, L_ETH, rnd_in(60, 1500));
    ts += rnd() % 100000;
    uint32_t v[5] = {0, (uint32_t)(ts >> 32), (uint32_t)ts, len, len};
    for (int j = 0; j < 5; j++)
      for (int y = 0; y < 4; y++)
        b[4 * j + y] = (uint8_t)(v[j] >> (8 * y));
    memcpy(b + 20, pkt, len);
    f->bound[f->nrec++] = f->n;
    ngput(f, 6, b, 20 + len);
  }
}

static void test_pcapng(void) {
  fb f = {0};
  rng = 31337;
  build_ng(&f, 1, 60);
  const char *in = tmp("ng.pcapng"), *out = tmp("ng_out.pcapng");
  spit(in, f.b, f.n);
  capkit_repair *rp = capkit_repair_new();
  evlog log = {0};
  capkit_repair_set_event_fn(rp, on_ev, &log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 0);
  CHECK(file_is(out, f.b, f.n));
  CHECK_EQ(capkit_repair_records(rp), 60u);

  /* 300 garbage bytes between packet blocks 20 and 21 */
  size_t at = f.bound[21];
  uint8_t *d = with_garbage(&f, at, 300);
  spit(in, d, f.n + 300);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_GARBAGE));
  CHECK_EQ(log.off[0], (uint64_t)at);
  CHECK_EQ(log.len[0], 300u);
  CHECK(file_is(out, f.b, f.n));

  /* one length of a packet block damaged, the leading or the trailing
   * one: rebuilt from the other (the body and the blocks after it agree),
   * the block kept; the output is the original again */
  for (int which = 0; which < 2; which++) {
    for (int k = 0; k < 6; k++) {
      size_t b = f.bound[rnd_in(0, 59)];
      uint32_t bl = (uint32_t)f.b[b + 4] | (uint32_t)f.b[b + 5] << 8 |
                    (uint32_t)f.b[b + 6] << 16 | (uint32_t)f.b[b + 7] << 24;
      size_t at_len = which ? b + bl - 4 : b + 4;
      memcpy(d, f.b, f.n);
      for (int i = 0; i < 4; i++)
        d[at_len + i] = (uint8_t)rnd();
      spit(in, d, f.n);
      memset(&log, 0, sizeof log);
      CHECK_EQ(capkit_repair_run(rp, in, out), 1);
      CHECK(has_kind(&log, CAPKIT_REPAIR_LENGTH_REBUILT));
      CHECK_EQ(log.off[0], (uint64_t)at_len);
      CHECK(file_is(out, f.b, f.n));
      CHECK_EQ(capkit_repair_records(rp), 60u);
    }
  }

  /* the reverse mangling (every 0d 0a written as 0a): undone block by
   * block where the lengths decide (test_repair_ascii.c has the rest);
   * every packet block without 0d 0a still comes out whole */
  {
    size_t rn = 0, whole = 0;
    for (size_t i = 0; i < f.n; i++)
      if (!(f.b[i] == 0x0d && i + 1 < f.n && f.b[i + 1] == 0x0a))
        d[rn++] = f.b[i];
    for (size_t k = 0; k < f.nrec; k++) {
      size_t e = k + 1 < f.nrec ? f.bound[k + 1] : f.n, pair = 0;
      for (size_t i = f.bound[k]; i + 1 < e + 1 && i + 1 < f.n; i++)
        pair |= f.b[i] == 0x0d && f.b[i + 1] == 0x0a;
      whole += !pair;
    }
    spit(in, d, rn);
    memset(&log, 0, sizeof log);
    CHECK_EQ(capkit_repair_run(rp, in, out), 1);
    CHECK(has_kind(&log, CAPKIT_REPAIR_ASCII_UNDONE));
    CHECK(capkit_repair_records(rp) >= whole);
  }

  /* --keep-damaged: a packet block with bytes inserted in its data (its
   * leading length still frames it, its trailing one is gone) and one
   * whose time is garbled are each written again whole with a comment;
   * without it both are dropped */
  {
    size_t b30 = f.bound[30], ins = 40, b10 = f.bound[10];
    memcpy(d, f.b, b30 + 40);
    for (size_t i = 0; i < ins; i++)
      d[b30 + 40 + i] = (uint8_t)rnd();
    memcpy(d + b30 + 40 + ins, f.b + b30 + 40, f.n - b30 - 40);
    d[b10 + 15] ^= 0x40; /* high word of the time: years away */
    spit(in, d, f.n + ins);
    for (int keep = 0; keep < 2; keep++) {
      capkit_repair_set_keep_damaged(rp, keep);
      memset(&log, 0, sizeof log);
      CHECK_EQ(capkit_repair_run(rp, in, out), 1);
      CHECK(has_kind(&log, keep ? CAPKIT_REPAIR_RECORD_KEPT_DAMAGED
                                : CAPKIT_REPAIR_RECORD_DAMAGED));
      CHECK(!has_kind(&log, keep ? CAPKIT_REPAIR_RECORD_DAMAGED
                                 : CAPKIT_REPAIR_RECORD_KEPT_DAMAGED));
      CHECK_EQ(capkit_repair_records(rp), keep ? 60u : 58u);
      CHECK_EQ(capkit_repair_dropped_records(rp), keep ? 0u : 2u);
      commented c = {0};
      c.prefix = "capkit repair: damaged block kept: ";
      CHECK_EQ(read_commented(out, &c), keep ? 60 : 58);
      CHECK_EQ(c.n, keep ? 2 : 0);
      if (keep) {
        CHECK(c.at[0] == 11 && c.at[1] == 31);
        /* the captured bytes its length holds */
        CHECK(c.caplen[1] > 40 &&
              memcmp(c.head[1], f.b + b30 + 28, sizeof c.head[1]) == 0);
      }
    }
    capkit_repair_set_keep_damaged(rp, 0);
  }

  /* section header type damaged: restored, options kept */
  memcpy(d, f.b, f.n);
  d[0] = 0x77;
  spit(in, d, f.n);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_HEADER_FIELD));
  CHECK(file_is(out, f.b, f.n));

  /* no interface description: recreated with Ethernet from the packets */
  build_ng(&f, 0, 40);
  spit(in, f.b, f.n);
  memset(&log, 0, sizeof log);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK(has_kind(&log, CAPKIT_REPAIR_LINKTYPE_INFERRED));
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, out), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int cnt = 0, rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0)
    cnt += rec.iface && rec.iface->linktype == 1;
  CHECK_EQ(rc, 0);
  CHECK_EQ(cnt, 40);
  capkit_reader_free(r);
  capkit_repair_free(rp);
  free(d);
  free(f.b);
}

/* ---- reading byte ranges (capkit_reader_open_at) ---- */

/* A capture whose payloads carry pcap themselves: Ethernet/IPv4 frames
 * whose payload is a live pcap stream (records of the capture's own time,
 * cut across frames, as a pcap sent over TCP), or, with gro, frames up to
 * 64 KiB (GRO-sized segments of that stream). Boundaries in f->bound. */
static void build_stream(fb *f, const spec *s, int gro) {
  f->n = 0;
  f->nrec = 0;
  f->be = s->be;
  put32(f, s->ns ? 0xa1b23c4du : 0xa1b2c3d4u);
  put16(f, 2);
  put16(f, 4);
  put32(f, 0);
  put32(f, 0);
  put32(f, gro ? 262144 : 65535);
  put32(f, 1);
  uint32_t sec = 1600000000u + rnd() % 100000000u, frac = 0;
  uint32_t lim = s->ns ? 1000000000u : 1000000u;
  fb st = {0}; /* the stream carried, produced ahead */
  st.be = s->be;
  size_t st_used = 0;
  for (uint32_t i = 0; i < s->n; i++) {
    frac += rnd() % (lim / 20);
    sec += frac / lim;
    frac %= lim;
    uint32_t len = packet(pkt, L_ETH, rnd_in(60, gro ? 65000 : 1514));
    uint32_t pl = len - 34;
    while (st.n - st_used < pl) {
      uint32_t k = rnd_in(40, 200);
      uint8_t d[200];
      for (uint32_t j = 0; j < k; j++)
        d[j] = (uint8_t)rnd();
      put_rec(&st, sec, rnd() % lim, d, k);
    }
    memcpy(pkt + 34, st.b + st_used, pl);
    st_used += pl;
    put_rec(f, sec, frac, pkt, len);
  }
  free(st.b);
}

/* Read [a, b) of the capture: offsets of its records into out (n of them
 * so far); the reader from memory, a file read with read(), or mapped. */
static int read_range(const fb *f, const char *path, int how, uint64_t a,
                      uint64_t b, size_t *out, size_t *n) {
  capkit_reader *r = capkit_reader_new();
  if (how == 2)
    capkit_reader_set_mmap(r, 1);
  int rc = how == 0 ? capkit_reader_open_memory(r, f->b, f->n, NULL)
                    : capkit_reader_open_path(r, path);
  if (rc == 0)
    rc = capkit_reader_open_at(r, a);
  if (rc == 1 && capkit_reader_offset(r) < a)
    rc = -100;
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (rc >= 0 && (rc = capkit_reader_next(r, &rec)) > 0 &&
         rec.offset < b) {
    if (*n < 4096)
      out[*n] = rec.offset;
    (*n)++;
  }
  capkit_reader_free(r);
  return rc;
}

/* Split into K byte ranges at seeded places and read each on its own:
 * together they give every record of the file once, in order, also when
 * the payloads carry pcap (a stream of the same time, GRO-sized). */
static void test_open_at(void) {
  static fb f;
  static size_t got[4096];
  const char *path = tmp("ranges.pcap");
  int bad = 0, runs = 0;
  for (int seed = 1; seed <= 36; seed++) {
    rng = 0x51ed27ull * (uint64_t)seed + 3;
    int kind = seed % 3; /* plain, stream, GRO-sized stream */
    spec s = {seed & 1, (seed >> 1) & 1, L_ETH, 1,
              kind == 2 ? rnd_in(40, 120) : rnd_in(200, 900), 1514};
    if (kind == 0)
      build(&f, &s);
    else
      build_stream(&f, &s, kind == 2);
    spit(path, f.b, f.n);
    for (int how = 0; how < 3; how++) {
      unsigned k = rnd_in(2, 16);
      uint64_t cut[18];
      cut[0] = 0;
      for (unsigned i = 1; i < k; i++)
        cut[i] = rnd() % f.n;
      cut[k] = f.n;
      for (unsigned i = 1; i < k; i++) /* sort */
        for (unsigned j = i; j > 1 && cut[j] < cut[j - 1]; j--) {
          uint64_t t = cut[j];
          cut[j] = cut[j - 1];
          cut[j - 1] = t;
        }
      size_t n = 0;
      int rc = 0;
      for (unsigned i = 0; i < k && rc >= 0; i++)
        rc = read_range(&f, path, how, cut[i], cut[i + 1], got, &n);
      runs++;
      int same = rc >= 0 && n == f.nrec;
      for (size_t i = 0; same && i < n; i++)
        same = got[i] == f.bound[i];
      if (!same && bad++ < 5)
        fprintf(stderr, "open_at: seed %d how %d k %u: rc %d, %zu records "
                "of %zu\n", seed, how, k, rc, n, f.nrec);
    }
  }
  CHECK_EQ(bad, 0);
  CHECK_EQ(runs, 108);

  /* The edges, the states, what is not supported. */
  rng = 4;
  spec s = {0, 0, L_ETH, 1, 30, 600};
  build(&f, &s);
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_at(r, 0), CAPKIT_EMISUSE); /* not open */
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, NULL), 0);
  CHECK_EQ(capkit_reader_open_at(r, f.n), 0);
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  capkit_reader_free(r);
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, NULL), 0);
  CHECK_EQ(capkit_reader_open_at(r, f.bound[7]), 1);
  CHECK_EQ(capkit_reader_offset(r), (uint64_t)f.bound[7]);
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(rec.offset, (uint64_t)f.bound[7]);
  CHECK_EQ(capkit_reader_open_at(r, 0), CAPKIT_EMISUSE); /* after a read */
  capkit_reader_free(r);
  build_ng(&f, 1, 5);
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, NULL), 0);
  /* pcapng is read from its start up to the offset (test_open_at) */
  CHECK_EQ(capkit_reader_open_at(r, 100), 1);
  CHECK(capkit_reader_offset(r) >= 100);
  capkit_reader_free(r);
  free(f.b);
  f.b = NULL;
}

/* Frames the content check does not know (an Ethernet type outside its
 * list, every eighth frame) are records like any other: an undamaged file
 * comes out byte-identical, and after garbage inside one of them every
 * other record is still written. */
static void test_odd_frames(void) {
  fb f = {0};
  capkit_repair *rp = capkit_repair_new();
  const char *in = tmp("odd_in.pcap"), *out = tmp("odd_out.pcap");
  for (int seed = 1; seed <= 12; seed++) {
    rng = 4099ull * (uint64_t)seed;
    spec s = {seed & 1, (seed >> 1) & 1, L_ETH, 1, 150, 1514};
    build(&f, &s);
    for (size_t i = 7; i < f.nrec; i += 8) {
      f.b[f.bound[i] + 16 + 12] = 0x88; /* PROFINET: not in the list */
      f.b[f.bound[i] + 16 + 13] = 0x92;
    }
    spit(in, f.b, f.n);
    CHECK_EQ(capkit_repair_run(rp, in, out), 0);
    CHECK(file_is(out, f.b, f.n));
    /* 100 bytes of garbage inside record 71 (an odd frame): the others
     * all come out, in order */
    uint8_t *d = with_garbage(&f, f.bound[71] + 40, 100);
    spit(in, d, f.n + 100);
    CHECK_EQ(capkit_repair_run(rp, in, out), 1);
    memcpy(d, f.b, f.bound[71]);
    memcpy(d + f.bound[71], f.b + f.bound[72], f.n - f.bound[72]);
    CHECK(file_is(out, d, f.n - (f.bound[72] - f.bound[71])));
    free(d);
  }
  capkit_repair_free(rp);
  free(f.b);
}

int main(void) {
  test_api();
  test_find_property();
  test_time_ref();
  test_infer();
  test_repair_clean_and_damaged();
  test_repair_property();
  test_ascii();
  test_pcapng();
  test_open_at();
  test_odd_frames();
  return tap_done();
}

/* test_pcapng.c - the pcapng backend through the public API: files built
 * byte by byte (the block layouts of the pcapng draft, both byte orders,
 * several sections), every kind of damage, and byte-identical copies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

/* ---- a byte-by-byte file builder ---- */

typedef struct bld {
  uint8_t b[1 << 16];
  size_t n;
  int be;
} bld;

static void u8(bld *b, unsigned v) { b->b[b->n++] = (uint8_t)v; }
static void u16(bld *b, unsigned v) {
  if (b->be) {
    u8(b, v >> 8);
    u8(b, v & 0xff);
  } else {
    u8(b, v & 0xff);
    u8(b, v >> 8);
  }
}
static void u32(bld *b, uint32_t v) {
  if (b->be) {
    u16(b, v >> 16);
    u16(b, v & 0xffff);
  } else {
    u16(b, v & 0xffff);
    u16(b, v >> 16);
  }
}
static void u64(bld *b, uint64_t v) {
  if (b->be) {
    u32(b, (uint32_t)(v >> 32));
    u32(b, (uint32_t)v);
  } else {
    u32(b, (uint32_t)v);
    u32(b, (uint32_t)(v >> 32));
  }
}
static void raw(bld *b, const void *p, size_t n) {
  memcpy(b->b + b->n, p, n);
  b->n += n;
}
static void pad(bld *b) {
  while (b->n & 3)
    u8(b, 0);
}
static size_t begin(bld *b, uint32_t type) {
  size_t at = b->n;
  u32(b, type);
  u32(b, 0);
  return at;
}
static void end(bld *b, size_t at) {
  uint32_t len = (uint32_t)(b->n - at + 4);
  size_t save = b->n;
  b->n = at + 4;
  u32(b, len);
  b->n = save;
  u32(b, len);
}
static void opt(bld *b, unsigned code, const void *v, size_t n) {
  u16(b, code);
  u16(b, (unsigned)n);
  raw(b, v, n);
  pad(b);
}
static void opt_str(bld *b, unsigned code, const char *s) {
  opt(b, code, s, strlen(s));
}
static void opt_end(bld *b) { u32(b, 0); }

static void shb(bld *b, const char *comment) {
  size_t at = begin(b, 0x0A0D0D0A);
  u32(b, 0x1A2B3C4D);
  u16(b, 1);
  u16(b, 0);
  u64(b, UINT64_MAX);
  if (comment) {
    opt_str(b, 1, comment);
    opt_str(b, 2, "test hardware");
    opt_str(b, 4, "test builder");
    opt_end(b);
  }
  end(b, at);
}

/* tsresol < 0: no option; fcs < 0: none. */
static void idb(bld *b, unsigned lt, uint32_t snap, int tsresol,
                int64_t tsoffset, int fcs, const char *name) {
  size_t at = begin(b, 1);
  u16(b, lt);
  u16(b, 0);
  u32(b, snap);
  int any = 0;
  if (name) {
    opt_str(b, 2, name);
    opt_str(b, 3, "a test interface");
    uint8_t filt[] = {0, 't', 'c', 'p'};
    opt(b, 11, filt, sizeof filt);
    opt_str(b, 12, "TestOS 1");
    any = 1;
  }
  if (tsresol >= 0) {
    uint8_t r = (uint8_t)tsresol;
    opt(b, 9, &r, 1);
    any = 1;
  }
  if (tsoffset) {
    bld t = {.be = b->be};
    u64(&t, (uint64_t)tsoffset);
    opt(b, 14, t.b, 8);
    any = 1;
  }
  if (fcs >= 0) {
    uint8_t f = (uint8_t)fcs;
    opt(b, 13, &f, 1);
    any = 1;
  }
  if (any)
    opt_end(b);
  end(b, at);
}

static const uint8_t pkt[64] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06, 0, 1,
    8, 0, 6, 4, 0, 1, 0, 1, 2, 3, 4, 5, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10,
    0, 0, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

static void epb(bld *b, uint32_t id, uint64_t ts, uint32_t caplen,
                uint32_t origlen, const char *comment, uint32_t flags) {
  size_t at = begin(b, 6);
  u32(b, id);
  u32(b, (uint32_t)(ts >> 32));
  u32(b, (uint32_t)ts);
  u32(b, caplen);
  u32(b, origlen);
  raw(b, pkt, caplen);
  pad(b);
  if (comment || flags) {
    if (comment)
      opt_str(b, 1, comment);
    if (flags) {
      bld t = {.be = b->be};
      u32(&t, flags);
      opt(b, 2, t.b, 4);
    }
    bld t = {.be = b->be};
    u64(&t, 7); /* epb_dropcount */
    opt(b, 4, t.b, 8);
    t.n = 0;
    u64(&t, 0x1234); /* epb_packetid */
    opt(b, 5, t.b, 8);
    uint8_t verdict[] = {0, 1, 2, 3}; /* epb_verdict: hardware type 0 */
    opt(b, 7, verdict, sizeof verdict);
    opt_str(b, 1, "second comment");
    opt_end(b);
  }
  end(b, at);
}

static void spb(bld *b, uint32_t origlen, uint32_t stored) {
  size_t at = begin(b, 3);
  u32(b, origlen);
  raw(b, pkt, stored);
  pad(b);
  end(b, at);
}

static void obsolete_pb(bld *b, unsigned id, uint64_t ts, uint32_t caplen) {
  size_t at = begin(b, 2);
  u16(b, id);
  u16(b, 0); /* drops */
  u32(b, (uint32_t)(ts >> 32));
  u32(b, (uint32_t)ts);
  u32(b, caplen);
  u32(b, caplen);
  raw(b, pkt, caplen);
  pad(b);
  end(b, at);
}

static void nrb(bld *b) {
  size_t at = begin(b, 4);
  u16(b, 1); /* nrb_record_ipv4 */
  u16(b, 4 + 10);
  uint8_t a[] = {10, 0, 0, 1};
  raw(b, a, 4);
  raw(b, "host.test", 10);
  pad(b);
  u16(b, 0);
  u16(b, 0);
  opt_str(b, 1, "names");
  opt_end(b);
  end(b, at);
}

static void isb(bld *b, uint32_t id) {
  size_t at = begin(b, 5);
  u32(b, id);
  u32(b, 0);
  u32(b, 5000000);
  bld t = {.be = b->be};
  u64(&t, 42); /* isb_ifrecv */
  opt(b, 4, t.b, 8);
  opt_end(b);
  end(b, at);
}

static void dsb(bld *b) {
  size_t at = begin(b, 10);
  u32(b, 0x544c534b); /* TLS key log */
  u32(b, 5);
  raw(b, "KEYS\n", 5);
  pad(b);
  end(b, at);
}

static void custom(bld *b, uint32_t type) {
  size_t at = begin(b, type);
  u32(b, 32473); /* the example PEN */
  raw(b, "custom data", 11);
  pad(b);
  end(b, at);
}

static void unknown(bld *b) {
  size_t at = begin(b, 0x00000777);
  raw(b, "????????", 8);
  end(b, at);
}

/* ---- reading helpers ---- */

typedef struct got {
  int n;
  int rc;
  int64_t sec[16];
  uint32_t nsec[16];
  uint32_t caplen[16], origlen[16], iface[16], flags[16];
  char comment[16][32];
  uint64_t err_rec, err_off;
  char err[512];
} got;

static int warns;
static void on_warn(void *u, int w, uint64_t off, uint64_t rec,
                    const char *msg) {
  (void)u;
  (void)w;
  (void)off;
  (void)rec;
  (void)msg;
  warns++;
}

static int read_all(const bld *b, got *g, capkit_reader **keep) {
  memset(g, 0, sizeof *g);
  capkit_reader *r = capkit_reader_new();
  capkit_reader_set_warning_fn(r, on_warn, NULL);
  int rc = capkit_reader_open_memory(r, b->b, b->n, "t.pcapng");
  if (rc) {
    g->rc = rc;
    snprintf(g->err, sizeof g->err, "%s", capkit_reader_error(r));
    capkit_reader_free(r);
    return rc;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  while ((rc = capkit_reader_next(r, &rec)) > 0 && g->n < 16) {
    int i = g->n++;
    g->sec[i] = rec.ts_sec;
    g->nsec[i] = rec.ts_nsec;
    g->caplen[i] = rec.caplen;
    g->origlen[i] = rec.origlen;
    g->iface[i] = rec.iface_id;
    g->flags[i] = rec.flags;
    if (rec.comment)
      snprintf(g->comment[i], sizeof g->comment[i], "%s", rec.comment);
    if (rec.caplen && memcmp(rec.data, pkt, rec.caplen) != 0)
      g->caplen[i] = 9999;
  }
  g->rc = rc;
  g->err_rec = capkit_reader_error_record(r);
  g->err_off = capkit_reader_error_offset(r);
  snprintf(g->err, sizeof g->err, "%s", capkit_reader_error(r));
  if (keep)
    *keep = r;
  else
    capkit_reader_free(r);
  return rc;
}

/* Copy through capkit_writer_copy_settings; 1 when byte-identical. */
static int copy_identical(const bld *b) {
  char path[512];
  snprintf(path, sizeof path, "%s/copy.pcapng", tap_tmpdir());
  capkit_reader *r = capkit_reader_new();
  if (capkit_reader_open_memory(r, b->b, b->n, "in"))
    return 0;
  capkit_writer *w = capkit_writer_new();
  int ok = capkit_writer_copy_settings(w, r) == 0 &&
           capkit_writer_open_path(w, path) == 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while (ok && (rc = capkit_reader_next(r, &rec)) > 0)
    ok = capkit_writer_write(w, &rec) == 0;
  ok = ok && capkit_writer_close(w) == 0;
  capkit_writer_free(w);
  capkit_reader_free(r);
  size_t n = 0;
  uint8_t *out = ok ? tap_slurp(path, &n) : NULL;
  ok = out && n == b->n && memcmp(out, b->b, n) == 0;
  if (!ok && out)
    fprintf(stderr, "copy differs: %zu vs %zu bytes\n", n, b->n);
  free(out);
  return ok;
}

/* ---- tests ---- */

/* The draft's smallest file: a section header and nothing else. */
static void test_only_shb(int be) {
  bld b = {.be = be};
  shb(&b, NULL);
  got g;
  capkit_reader *r = NULL;
  CHECK_EQ(read_all(&b, &g, &r), 0);
  CHECK_EQ(g.n, 0);
  const capkit_file_info *in = capkit_reader_info(r);
  CHECK(in && strcmp(in->format, "pcapng") == 0);
  CHECK(in && strcmp(in->variant, "1.0") == 0);
  CHECK(in && in->byte_order == (be ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE));
  CHECK_EQ(capkit_reader_section_count(r), 1u);
  CHECK_EQ(capkit_reader_iface_count(r), 0u);
  capkit_reader_free(r);
  CHECK(copy_identical(&b));
}

/* SHB | IDB | EPB | EPB, and a Simple Packet Block section. */
static void test_basic(int be) {
  bld b = {.be = be};
  shb(&b, "section one");
  idb(&b, 1, 65535, -1, 0, -1, "eth0");
  epb(&b, 0, 1700000000123456ull, 60, 60, NULL, 0);
  epb(&b, 0, 1700000001000001ull, 42, 1514, "hello", 0x1);
  got g;
  capkit_reader *r = NULL;
  CHECK_EQ(read_all(&b, &g, &r), 0);
  CHECK_EQ(g.n, 2);
  CHECK_EQ(g.sec[0], 1700000000);
  CHECK_EQ(g.nsec[0], 123456000u);
  CHECK_EQ(g.caplen[0], 60u);
  CHECK_EQ(g.origlen[1], 1514u);
  CHECK_EQ(g.caplen[1], 42u);
  CHECK(strcmp(g.comment[1], "hello") == 0);
  CHECK(g.comment[0][0] == 0);
  CHECK_EQ(g.flags[1], 1u);
  const capkit_file_info *in = capkit_reader_info(r);
  CHECK(in && in->snaplen == 65535 && in->linktype == 1 && in->tsresol == 6);
  const capkit_iface *f = capkit_reader_iface(r, 0);
  CHECK(f && f->name && strcmp(f->name, "eth0") == 0);
  CHECK(f && f->description && strcmp(f->description, "a test interface") ==
                                   0);
  CHECK(f && f->filter && strcmp(f->filter, "tcp") == 0);
  CHECK(f && f->os && strcmp(f->os, "TestOS 1") == 0);
  const capkit_section *s = capkit_reader_section(r, 0);
  CHECK(s && s->comment && strcmp(s->comment, "section one") == 0);
  CHECK(s && s->hardware && strcmp(s->hardware, "test hardware") == 0);
  CHECK(s && s->userappl && strcmp(s->userappl, "test builder") == 0);
  CHECK(s && s->length == -1 && s->n_ifaces == 1);
  capkit_reader_free(r);
  CHECK(copy_identical(&b));

  bld c = {.be = be};
  shb(&c, NULL);
  idb(&c, 1, 50, -1, 0, -1, NULL);
  spb(&c, 60, 52); /* cut to the snaplen: 50 bytes kept, padded to 52 */
  spb(&c, 30, 32);
  CHECK_EQ(read_all(&c, &g, NULL), 0);
  CHECK_EQ(g.n, 2);
  CHECK_EQ(g.caplen[0], 50u);
  CHECK_EQ(g.origlen[0], 60u);
  CHECK_EQ(g.caplen[1], 30u);
  CHECK(copy_identical(&c));
}

/* SHB | IDB | IDB | EPB | NRB | EPB | ISB, with every other block kind. */
static void test_many_blocks(int be) {
  bld b = {.be = be};
  shb(&b, NULL);
  idb(&b, 1, 262144, 9, 0, 4, "eth0");
  idb(&b, 105, 2048, 3, 100, -1, "wlan0"); /* ms, offset 100 s */
  epb(&b, 0, 1700000000123456789ull, 60, 60, NULL, 0);
  nrb(&b);
  dsb(&b);
  custom(&b, 0x00000BAD);
  custom(&b, 0x40000BAD);
  unknown(&b);
  epb(&b, 1, 1700000000123ull, 24, 24, "wifi", 0x2);
  obsolete_pb(&b, 1, 5, 10);
  isb(&b, 0);
  isb(&b, 1);
  warns = 0;
  got g;
  capkit_reader *r = NULL;
  CHECK_EQ(read_all(&b, &g, &r), 0);
  CHECK(warns >= 1); /* the unknown block */
  CHECK_EQ(g.n, 3);
  CHECK_EQ(g.sec[0], 1700000000);
  CHECK_EQ(g.nsec[0], 123456789u);
  CHECK_EQ(g.iface[1], 1u);
  CHECK_EQ(g.sec[1], 1700000100);
  CHECK_EQ(g.nsec[1], 123000000u);
  CHECK(strcmp(g.comment[1], "wifi") == 0);
  CHECK_EQ(g.flags[1], 2u);
  CHECK_EQ(g.sec[2], 100);
  CHECK_EQ(g.nsec[2], 5000000u);
  CHECK_EQ(capkit_reader_iface_count(r), 2u);
  const capkit_iface *f0 = capkit_reader_iface(r, 0);
  const capkit_iface *f1 = capkit_reader_iface(r, 1);
  CHECK(f0 && f0->fcs_len == 4 && f0->tsresol == 9 && f0->snaplen == 262144);
  CHECK(f1 && f1->linktype == 105 && f1->tsresol == 3 &&
        f1->tsoffset == 100 && f1->fcs_len == -1);
  capkit_reader_free(r);
  CHECK(copy_identical(&b));
}

/* if_tsresol in its binary form and finer than a nanosecond. */
static void test_tsresol(int be) {
  bld b = {.be = be};
  shb(&b, NULL);
  idb(&b, 1, 0, 0x80 | 10, 0, -1, NULL); /* 2^-10 s */
  idb(&b, 1, 0, 12, 0, -1, NULL);        /* picoseconds */
  idb(&b, 1, 0, 0x80 | 40, 0, -1, NULL); /* 2^-40 s */
  idb(&b, 1, 0, 0, 0, -1, NULL);         /* seconds */
  epb(&b, 0, (5ull << 10) | 512, 20, 20, NULL, 0);
  epb(&b, 1, 1700000000123456789ull, 20, 20, NULL, 0); /* ps */
  epb(&b, 2, (3ull << 40) | (1ull << 39), 20, 20, NULL, 0);
  epb(&b, 3, 77, 20, 20, NULL, 0);
  got g;
  CHECK_EQ(read_all(&b, &g, NULL), 0);
  CHECK_EQ(g.n, 4);
  CHECK_EQ(g.sec[0], 5);
  CHECK_EQ(g.nsec[0], 500000000u);
  CHECK_EQ(g.sec[1], 1700000);
  CHECK_EQ(g.nsec[1], 123456u); /* 0.000123456789 s, cut to ns */
  CHECK_EQ(g.sec[2], 3);
  CHECK_EQ(g.nsec[2], 500000000u);
  CHECK_EQ(g.sec[3], 77);
  CHECK(copy_identical(&b)); /* the picoseconds survive the copy */
}

/* Files of both byte orders concatenated: one section each. */
static void test_sections(void) {
  bld b = {.be = 0};
  shb(&b, "little");
  idb(&b, 1, 65535, -1, 0, -1, "le0");
  idb(&b, 1, 65535, -1, 0, -1, "le1");
  epb(&b, 1, 1000000, 20, 20, NULL, 0);
  b.be = 1;
  shb(&b, "big");
  idb(&b, 101, 1000, 9, 0, -1, "be0");
  epb(&b, 0, 2000000000, 30, 30, "from big", 0);
  b.be = 0;
  shb(&b, NULL); /* an empty third section */
  got g;
  capkit_reader *r = NULL;
  CHECK_EQ(read_all(&b, &g, &r), 0);
  CHECK_EQ(g.n, 2);
  CHECK_EQ(g.iface[0], 1u);
  CHECK_EQ(g.iface[1], 2u);
  CHECK_EQ(g.sec[1], 2);
  CHECK(strcmp(g.comment[1], "from big") == 0);
  CHECK_EQ(capkit_reader_section_count(r), 3u);
  const capkit_section *s1 = capkit_reader_section(r, 1);
  CHECK(s1 && s1->byte_order == CAPKIT_BO_BIG && s1->first_iface == 2 &&
        s1->n_ifaces == 1);
  const capkit_iface *f = capkit_reader_iface(r, 2);
  CHECK(f && f->section == 1 && f->linktype == 101);
  CHECK(capkit_reader_info(r)->byte_order == CAPKIT_BO_LITTLE);
  capkit_reader_free(r);
  CHECK(copy_identical(&b));
}

/* Damage: the packets before it are delivered, then a clear error. */
static void bad(const char *what, const bld *b, int good, int code,
                const char *needle) {
  got g;
  read_all(b, &g, NULL);
  int ok = g.n == good && g.rc == code && strstr(g.err, needle) &&
           strstr(g.err, "offset") &&
           (good == 0 || g.err_rec == (uint64_t)good + 1);
  if (!ok)
    fprintf(stderr, "%s: %d packets, rc %d, \"%s\"\n", what, g.n, g.rc,
            g.err);
  CHECK(ok);
}

static void good_start(bld *b, int be) {
  b->n = 0;
  b->be = be;
  shb(b, NULL);
  idb(b, 1, 65535, -1, 0, -1, NULL);
  epb(b, 0, 1, 20, 20, NULL, 0);
  epb(b, 0, 2, 20, 20, NULL, 0);
}

static void test_damage(int be) {
  bld b;
  good_start(&b, be);
  size_t full = b.n;
  epb(&b, 0, 3, 20, 20, NULL, 0);
  b.n -= 5; /* truncated block */
  bad("truncated", &b, 2, CAPKIT_ETRUNC, "truncated block");
  b.n = full + 3; /* truncated block header */
  bad("truncated header", &b, 2, CAPKIT_ETRUNC, "truncated block header");

  good_start(&b, be);
  full = b.n;
  epb(&b, 0, 3, 20, 20, NULL, 0);
  b.b[b.n - (be ? 1 : 4)] ^= 4; /* trailing length differs */
  bad("lengths differ", &b, 2, CAPKIT_EBADREC, "at the end");

  good_start(&b, be);
  full = b.n;
  epb(&b, 0, 3, 20, 20, NULL, 0);
  b.b[full + (be ? 7 : 4)] += 2; /* not a multiple of 4 */
  bad("not multiple of 4", &b, 2, CAPKIT_EBADREC, "not a multiple of 4");

  good_start(&b, be);
  epb(&b, 3, 3, 20, 20, NULL, 0); /* no interface 3 */
  bad("no such interface", &b, 2, CAPKIT_EBADREC, "interface 3 does not");

  good_start(&b, be);
  full = b.n;
  epb(&b, 0, 3, 20, 20, "comment", 0);
  /* the comment option claims 200 bytes */
  size_t optat = full + 28 + 20;
  b.b[optat + (be ? 3 : 2)] = 200;
  bad("option past block", &b, 2, CAPKIT_EBADREC, "runs past the end");

  good_start(&b, be);
  shb(&b, NULL); /* a new section without interfaces */
  epb(&b, 0, 3, 20, 20, NULL, 0);
  bad("no interfaces", &b, 2, CAPKIT_EBADREC, "has no interface");

  good_start(&b, be);
  full = b.n;
  epb(&b, 0, 3, 20, 20, NULL, 0);
  b.b[full + 20 + (be ? 3 : 0)] = 200; /* caplen beyond the block */
  bad("caplen past block", &b, 2, CAPKIT_EBADREC, "larger than the block");

  bld c = {.be = be};
  shb(&c, NULL);
  c.b[8 + (be ? 3 : 0)] ^= 0x10; /* byte-order magic */
  got g;
  CHECK(read_all(&c, &g, NULL) == CAPKIT_EFORMAT ||
        g.rc == CAPKIT_EBADHDR || g.rc == CAPKIT_EFORMAT);
}

/* A pcapng file written from records of two interfaces, read back. */
static void test_writer(capkit_byte_order bo, unsigned prec) {
  char path[512];
  snprintf(path, sizeof path, "%s/w.pcapng", tap_tmpdir());
  capkit_iface a = {.linktype = 1, .snaplen = 65535, .fcs_len = -1,
                    .tsresol = 6, .name = "eth0"};
  capkit_iface c = {.id = 1, .linktype = 105, .snaplen = 2048, .fcs_len = 4,
                    .tsresol = 6, .name = "wlan0", .filter = "port 80"};
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_format(w, "pcapng"), 0);
  CHECK_EQ(capkit_writer_set_byte_order(w, bo), 0);
  CHECK_EQ(capkit_writer_set_precision(w, prec), 0);
  CHECK_EQ(capkit_writer_set_comment(w, "made by a test"), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_record_init(&rec);
  for (int i = 0; i < 6; i++) {
    rec.ts_sec = 1700000000 + i;
    rec.ts_nsec = 123456789u;
    rec.caplen = rec.origlen = (uint32_t)(20 + i);
    rec.data = pkt;
    rec.iface = i % 2 ? &c : &a;
    rec.iface_id = rec.iface->id;
    rec.comment = i == 3 ? "third" : NULL;
    rec.flags = i == 4 ? 3u : 0u;
    CHECK_EQ(capkit_writer_write(w, &rec), 0);
  }
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  const capkit_file_info *in = capkit_reader_info(r);
  CHECK(in && in->byte_order == (bo == CAPKIT_BO_BIG ? CAPKIT_BO_BIG
                                                     : CAPKIT_BO_LITTLE));
  CHECK(in && in->tsresol == prec);
  int n = 0;
  while (capkit_reader_next(r, &rec) > 0) {
    CHECK_EQ(rec.ts_sec, 1700000000 + n);
    CHECK_EQ(rec.ts_nsec, prec == 9 ? 123456789u : 123456000u);
    CHECK_EQ(rec.caplen, (uint32_t)(20 + n));
    CHECK_EQ(rec.iface_id, (uint32_t)(n % 2));
    CHECK(memcmp(rec.data, pkt, rec.caplen) == 0);
    CHECK(n == 3 ? rec.comment && strcmp(rec.comment, "third") == 0
                 : rec.comment == NULL);
    CHECK_EQ(rec.flags, n == 4 ? 3u : 0u);
    n++;
  }
  CHECK_EQ(n, 6);
  const capkit_iface *f = capkit_reader_iface(r, 1);
  CHECK(f && f->linktype == 105 && f->fcs_len == 4 && f->snaplen == 2048 &&
        f->filter && strcmp(f->filter, "port 80") == 0 && f->name &&
        strcmp(f->name, "wlan0") == 0);
  const capkit_section *s = capkit_reader_section(r, 0);
  CHECK(s && s->comment && strcmp(s->comment, "made by a test") == 0);
  capkit_reader_free(r);
}

/* A copy with changed records: the blocks around them stay, the records
 * are written anew. */
static void test_edit_copy(void) {
  bld b = {.be = 1};
  shb(&b, "orig");
  idb(&b, 1, 65535, 9, 0, -1, "eth0");
  epb(&b, 0, 1000000001ull, 20, 20, "old", 0);
  nrb(&b);
  epb(&b, 0, 2000000002ull, 20, 20, NULL, 0);
  isb(&b, 0);
  char path[512];
  snprintf(path, sizeof path, "%s/edit.pcapng", tap_tmpdir());
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, b.b, b.n, "in"), 0);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_copy_settings(w, r), 0);
  CHECK_EQ(capkit_writer_set_comment(w, "new section comment"), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int i = 0;
  while (capkit_reader_next(r, &rec) > 0) {
    rec.comment = i++ == 0 ? NULL : "added";
    CHECK_EQ(capkit_writer_write(w, &rec), 0);
  }
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader_free(r);
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  CHECK(capkit_reader_info(r)->byte_order == CAPKIT_BO_BIG);
  i = 0;
  while (capkit_reader_next(r, &rec) > 0) {
    CHECK(i == 0 ? rec.comment == NULL
                 : rec.comment && strcmp(rec.comment, "added") == 0);
    CHECK_EQ(rec.ts_sec, i + 1);
    CHECK_EQ(rec.ts_nsec, (uint32_t)(i + 1));
    i++;
  }
  CHECK_EQ(i, 2);
  const capkit_section *s = capkit_reader_section(r, 0);
  CHECK(s && s->comment && strcmp(s->comment, "new section comment") == 0);
  CHECK(s && s->hardware && strcmp(s->hardware, "test hardware") == 0);
  capkit_reader_free(r);
}

/* pcapng -> pcap keeps one link type; several are refused. */
static void test_to_pcap(void) {
  bld b = {.be = 0};
  shb(&b, NULL);
  idb(&b, 1, 65535, -1, 0, -1, NULL);
  idb(&b, 105, 65535, -1, 0, -1, NULL);
  epb(&b, 0, 1, 20, 20, NULL, 0);
  epb(&b, 1, 2, 20, 20, NULL, 0);
  char path[512];
  snprintf(path, sizeof path, "%s/x.pcap", tap_tmpdir());
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, b.b, b.n, "in"), 0);
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_copy_settings(w, r), 0);
  CHECK_EQ(capkit_writer_set_format(w, "pcap"), 0);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(capkit_writer_write(w, &rec), 0);
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK_EQ(capkit_writer_write(w, &rec), CAPKIT_ELINKTYPE);
  capkit_writer_free(w);
  capkit_reader_free(r);
}

int main(void) {
  for (int be = 0; be < 2; be++) {
    test_only_shb(be);
    test_basic(be);
    test_many_blocks(be);
    test_tsresol(be);
    test_damage(be);
  }
  test_sections();
  test_writer(CAPKIT_BO_LITTLE, 6);
  test_writer(CAPKIT_BO_BIG, 9);
  test_edit_copy();
  test_to_pcap();
  return tap_done();
}

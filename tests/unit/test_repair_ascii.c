/* test_repair_ascii.c - repair of captures sent through FTP in ASCII mode,
 * both ways (every 0a written as 0d 0a; every 0d 0a written as 0a), pcap and
 * pcapng, over seeded byte orders, precisions, packet sizes and places of
 * the 0d 0a pairs. Files are built here from the pcap and pcapng
 * specifications, the packets' IPv4/TCP/UDP checksums from RFC 1071's
 * definition (RFC 768, RFC 793 pseudo-header), so the expected records are
 * known by construction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "inetsum.h"
#include "seeded.h"
#include "tap.h"

typedef struct buf {
  uint8_t *b;
  size_t n, cap;
} buf;

static void put(buf *x, const void *p, size_t n) {
  if (x->n + n > x->cap) {
    x->cap = (x->n + n) * 2 + 64;
    x->b = realloc(x->b, x->cap);
  }
  memcpy(x->b + x->n, p, n);
  x->n += n;
}
static void put32(buf *x, uint32_t v, int be) {
  uint8_t b[4];
  for (int i = 0; i < 4; i++)
    b[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
  put(x, b, 4);
}
static void put16(buf *x, uint16_t v, int be) {
  uint8_t b[2] = {(uint8_t)(be ? v >> 8 : v), (uint8_t)(be ? v : v >> 8)};
  put(x, b, 2);
}

/* Payload bytes: random without 0d and 0a, then some 0d 0a pairs and some
 * lone 0a and 0d bytes (no 0d 0d 0a). */
static void payload(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t b = (uint8_t)rnd();
    p[i] = b == 0x0a || b == 0x0d ? 0x41 : b;
  }
  unsigned pairs = rnd_in(0, 2), lf = rnd_in(0, 3), cr = rnd_in(0, 1);
  for (unsigned k = 0; k < pairs && n >= 4; k++) {
    size_t at = rnd_in(1, (uint32_t)n - 3);
    if (p[at - 1] != 0x0d && p[at + 2] != 0x0a) {
      p[at] = 0x0d;
      p[at + 1] = 0x0a;
    }
  }
  for (unsigned k = 0; k < lf + cr && n >= 4; k++) {
    size_t at = rnd_in(1, (uint32_t)n - 2);
    if (p[at - 1] != 0x0d && p[at] != 0x0d && p[at] != 0x0a &&
        p[at + 1] != 0x0a && p[at + 1] != 0x0d)
      p[at] = k < lf ? 0x0a : 0x0d;
  }
}

/* An Ethernet/IPv4 frame of n bytes (at least 54), TCP or UDP, with right
 * checksums (a UDP one may be 0: none sent). *l4 is set to 6 or 17, *ck
 * to whether a transport checksum covers the payload. */
static size_t frame(uint8_t *f, size_t n, int *l4, int *ck) {
  int tcp = rnd() % 2;
  size_t th = tcp ? 20 : 8, pl = n - 14 - 20 - th;
  static const uint8_t eth[14] = {0, 0x11, 0x22, 0x33, 0x44, 0x55, 0,
                                  0x66, 0x77, 0x88, 0x99, 0xaa, 8, 0};
  memcpy(f, eth, 14);
  uint8_t *ip = f + 14, *t = ip + 20;
  uint16_t tot = (uint16_t)(20 + th + pl);
  uint8_t iph[20] = {0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot,
                     (uint8_t)rnd(), (uint8_t)rnd(), 0x40, 0, 64,
                     tcp ? 6 : 17, 0, 0, 10, 0, 0, (uint8_t)rnd_in(1, 254),
                     192, 168, 1, (uint8_t)rnd_in(1, 254)};
  memcpy(ip, iph, 20);
  uint16_t c = inet_fold(inet_sum16(0, ip, 20));
  ip[10] = (uint8_t)(c >> 8);
  ip[11] = (uint8_t)c;
  for (size_t i = 0; i < th; i++)
    t[i] = (uint8_t)rnd();
  if (tcp) {
    t[12] = 0x50;
    t[13] = 0x18;
    t[16] = t[17] = 0;
  } else {
    t[4] = (uint8_t)((th + pl) >> 8);
    t[5] = (uint8_t)(th + pl);
    t[6] = t[7] = 0;
  }
  payload(t + th, pl);
  /* the pseudo-header: addresses, protocol, transport length */
  uint32_t s =
      inet_sum16(0, ip + 12, 8) + (tcp ? 6u : 17u) + (uint32_t)(th + pl);
  c = inet_fold(inet_sum16(s, t, th + pl));
  int none = !tcp && rnd() % 3 == 0;
  if (!tcp && c == 0)
    c = 0xffff;
  if (none)
    c = 0;
  t[tcp ? 16 : 6] = (uint8_t)(c >> 8);
  t[tcp ? 17 : 7] = (uint8_t)c;
  *l4 = tcp ? 6 : 17;
  *ck = !none;
  return n;
}

typedef struct cap {
  buf f;
  size_t nrec;
  size_t off[400], len[400];
  int ck[400]; /* a transport checksum covers the payload */
} cap;

/* A capture of n records: pcap (be, ns) or pcapng (be). */
static void build(cap *c, int ng, int be, int ns, size_t n) {
  c->f.n = 0;
  c->nrec = 0;
  if (ng) {
    put32(&c->f, 0x0a0d0d0a, be);
    put32(&c->f, 28, be);
    put32(&c->f, 0x1a2b3c4d, be);
    put16(&c->f, 1, be);
    put16(&c->f, 0, be);
    put32(&c->f, 0xffffffffu, be);
    put32(&c->f, 0xffffffffu, be);
    put32(&c->f, 28, be);
    put32(&c->f, 1, be);
    put32(&c->f, 20, be);
    put16(&c->f, 1, be);
    put16(&c->f, 0, be);
    put32(&c->f, 0, be);
    put32(&c->f, 20, be);
  } else {
    put32(&c->f, ns ? 0xa1b23c4du : 0xa1b2c3d4u, be);
    put16(&c->f, 2, be);
    put16(&c->f, 4, be);
    put32(&c->f, 0, be);
    put32(&c->f, 0, be);
    put32(&c->f, 65535, be);
    put32(&c->f, 1, be);
  }
  uint32_t sec = 1700000000u + rnd_in(0, 10000000), lim = ns ? 1000000000u
                                                               : 1000000u;
  uint32_t frac = 0;
  static uint8_t pk[1600];
  for (size_t i = 0; i < n; i++) {
    frac += rnd_in(0, lim / 40);
    sec += frac / lim;
    frac %= lim;
    static const uint32_t sizes[] = {60, 74, 98, 150, 300, 590, 1200, 1514};
    size_t len = sizes[rnd() % 8] + rnd_in(0, 20);
    if (len > 1514)
      len = 1514;
    int l4, ck;
    frame(pk, len, &l4, &ck);
    c->off[i] = c->f.n;
    c->ck[i] = ck;
    if (ng) {
      uint32_t pad = (uint32_t)((4 - len % 4) % 4), bl = 32 + (uint32_t)len + pad;
      uint64_t ts = (uint64_t)sec * 1000000u + frac;
      put32(&c->f, 6, be);
      put32(&c->f, bl, be);
      put32(&c->f, 0, be);
      put32(&c->f, (uint32_t)(ts >> 32), be);
      put32(&c->f, (uint32_t)ts, be);
      put32(&c->f, (uint32_t)len, be);
      put32(&c->f, (uint32_t)len, be);
      put(&c->f, pk, len);
      static const uint8_t zero[4];
      put(&c->f, zero, pad);
      put32(&c->f, bl, be);
    } else {
      put32(&c->f, sec, be);
      put32(&c->f, frac, be);
      put32(&c->f, (uint32_t)len, be);
      put32(&c->f, (uint32_t)len, be);
      put(&c->f, pk, len);
    }
    c->len[i] = c->f.n - c->off[i];
    c->nrec++;
  }
}

typedef struct evs {
  int undone, damaged;
} evs;
static void on_ev(void *u, const capkit_repair_event *ev) {
  evs *e = u;
  e->undone += ev->kind == CAPKIT_REPAIR_ASCII_UNDONE;
  e->damaged += ev->kind == CAPKIT_REPAIR_RECORD_DAMAGED;
}

/* Does [p, p + n) hold 0d 0a, counting the byte after it (a pair across
 * the boundary also loses a byte of this record)? */
static int has_pair(const uint8_t *p, size_t n, size_t avail) {
  for (size_t i = 0; i < n && i + 1 < avail; i++)
    if (p[i] == 0x0d && p[i + 1] == 0x0a)
      return 1;
  return 0;
}

static size_t stats_tcp_pairs, stats_restored;

/* Every 0d 0a written as 0a: the output's records are originals, in
 * order; every record without 0d 0a is there; records whose 0d bytes a
 * checksum places are there too. */
static void check_lf(const cap *c, int ng, const char *what) {
  buf m = {0};
  const uint8_t *b = c->f.b;
  for (size_t i = 0; i < c->f.n; i++)
    if (!(b[i] == 0x0d && i + 1 < c->f.n && b[i + 1] == 0x0a))
      put(&m, b + i, 1);
  const char *in = tmp("lf.in"), *out = tmp("lf.out");
  spit(in, m.b, m.n);
  capkit_repair *rp = capkit_repair_new();
  evs e = {0};
  capkit_repair_set_event_fn(rp, on_ev, &e);
  int rc = capkit_repair_run(rp, in, out);
  CHECK_EQ(rc, 1);
  CHECK_EQ(e.undone, 1);
  size_t on = 0;
  uint8_t *o = tap_slurp(out, &on);
  CHECK(o != NULL);
  if (!o) {
    capkit_repair_free(rp);
    free(m.b);
    return;
  }
  /* the file header (pcap) or section and interface (pcapng) as built */
  size_t head = c->off[0];
  CHECK(on >= head && memcmp(o, b, head) == 0);
  size_t q = head, k = 0, written = 0, missing = 0, invented = 0;
  while (q < on) {
    /* the next original with the same bytes at q */
    size_t j = k;
    while (j < c->nrec &&
           !(c->len[j] <= on - q && memcmp(o + q, b + c->off[j], c->len[j]) == 0))
      j++;
    if (j == c->nrec) {
      invented++;
      break;
    }
    for (size_t i = k; i < j; i++)
      missing += !has_pair(b + c->off[i], c->len[i], c->f.n - c->off[i]);
    if (has_pair(b + c->off[j], c->len[j], c->f.n - c->off[j]))
      stats_restored++;
    q += c->len[j];
    k = j + 1;
    written++;
  }
  for (size_t i = k; i < c->nrec; i++)
    missing += !has_pair(b + c->off[i], c->len[i], c->f.n - c->off[i]);
  for (size_t i = 0; i < c->nrec; i++)
    stats_tcp_pairs += c->ck[i] &&
                       has_pair(b + c->off[i], c->len[i], c->f.n - c->off[i]);
  if (invented || missing)
    fprintf(stderr, "# %s: %zu invented, %zu records without 0d 0a missing\n", what,
             invented, missing);
  CHECK_EQ(invented, 0u);
  CHECK_EQ(missing, 0u);
  CHECK_EQ(q, on);
  CHECK_EQ(capkit_repair_records(rp), (uint64_t)written);
  CHECK_EQ(capkit_repair_dropped_records(rp), (uint64_t)(c->nrec - written));
  CHECK_EQ((size_t)e.damaged, c->nrec - written);
  (void)ng;
  free(o);
  free(m.b);
  capkit_repair_free(rp);
}

/* Every 0a written as 0d 0a: undone exactly, the original again. */
static void check_crlf(const cap *c) {
  buf m = {0};
  const uint8_t *b = c->f.b;
  static const uint8_t cr = 0x0d;
  for (size_t i = 0; i < c->f.n; i++) {
    if (b[i] == 0x0a)
      put(&m, &cr, 1);
    put(&m, b + i, 1);
  }
  const char *in = tmp("crlf.in"), *out = tmp("crlf.out");
  spit(in, m.b, m.n);
  capkit_repair *rp = capkit_repair_new();
  evs e = {0};
  capkit_repair_set_event_fn(rp, on_ev, &e);
  CHECK_EQ(capkit_repair_run(rp, in, out), 1);
  CHECK_EQ(e.undone, 1);
  size_t on = 0;
  uint8_t *o = tap_slurp(out, &on);
  CHECK(o && on == c->f.n && memcmp(o, b, on) == 0);
  CHECK_EQ(capkit_repair_records(rp), (uint64_t)c->nrec);
  free(o);
  free(m.b);
  capkit_repair_free(rp);
}

static void test_both_ways(void) {
  cap c = {0};
  char what[96];
  for (unsigned seed = 1; seed <= 48; seed++) {
    rng = 0x9e3779b97f4a7c15ull * seed;
    int ng = seed % 2, be = (seed / 2) % 2, ns = !ng && (seed / 4) % 2;
    build(&c, ng, be, ns, rnd_in(20, 120));
    snprintf(what, sizeof what, "seed %u %s %s%s", seed, ng ? "pcapng" : "pcap",
             be ? "big-endian" : "little-endian", ns ? " ns" : "");
    check_lf(&c, ng, what);
    check_crlf(&c);
  }
  /* the checksums place the lost 0d bytes of most records that lost any:
   * of those whose transport checksum covers them, nearly all come back */
  fprintf(stderr, "# records with 0d 0a and a transport checksum: %zu; restored: %zu\n",
           stats_tcp_pairs, stats_restored);
  CHECK(stats_tcp_pairs >= 20);
  CHECK(stats_restored * 10 >= stats_tcp_pairs * 8);
  free(c.f.b);
}

/* An undamaged capture with lone 0a bytes and no 0d 0a is no mangled one:
 * copied byte for byte. */
static void test_clean_untouched(void) {
  cap c = {0};
  for (unsigned seed = 1; seed <= 8; seed++) {
    rng = 77 + seed;
    build(&c, seed % 2, 0, 0, 60);
    buf m = {0};
    /* no 0d 0a left: each pair's 0d made 0e (the checksums then fail, but
     * a clean file stays a clean file) */
    put(&m, c.f.b, c.f.n);
    for (size_t i = 0; i + 1 < m.n; i++)
      if (m.b[i] == 0x0d && m.b[i + 1] == 0x0a && i > 3)
        m.b[i] = 0x0e;
    const char *in = tmp("clean.in"), *out = tmp("clean.out");
    spit(in, m.b, m.n);
    capkit_repair *rp = capkit_repair_new();
    CHECK_EQ(capkit_repair_run(rp, in, out), 0);
    size_t on = 0;
    uint8_t *o = tap_slurp(out, &on);
    CHECK(o && on == m.n && memcmp(o, m.b, on) == 0);
    free(o);
    free(m.b);
    capkit_repair_free(rp);
  }
  free(c.f.b);
}

int main(void) {
  test_both_ways();
  test_clean_untouched();
  return tap_done();
}

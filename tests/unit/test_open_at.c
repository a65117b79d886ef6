/* test_open_at.c - capkit_reader_open_at on the inputs read from their start
 * (pcapng, gzip and zstd): seeded pcapng files of several sections in either
 * byte order with several interfaces, packets that carry pcap and pcapng
 * bytes, and compressed pcap and pcapng. For every offset, the records read
 * after open_at(offset) are exactly those of a plain full read whose block
 * starts at or after it, with the same interfaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "mkpkt.h"
#include "seeded.h"
#include "tap.h"
#include <capkit/capkit.h>

typedef mk_buf fb; /* be: byte order of what is put now */
SEEDED_PUTS(fb)

static void pad4(fb *f) {
  static const uint8_t z[4];
  put(f, z, (4 - f->n % 4) % 4);
}

/* Packet bytes: an IPv4 header, then random bytes, or (carry) a stretch of
 * a pcap or pcapng file of the same time, header-like patterns included. */
static void payload(uint8_t *d, uint32_t len, uint32_t sec, int carry) {
  for (uint32_t i = 0; i < len; i++)
    d[i] = (uint8_t)rnd();
  if (len >= 20) {
    d[0] = 0x45;
    d[2] = (uint8_t)(len >> 8);
    d[3] = (uint8_t)len;
  }
  if (!carry)
    return;
  fb in = {0};
  in.be = rnd() & 1;
  if (carry == 1) { /* pcap */
    mk_pcap_header(&in, 0, 65535, 1);
  }
  while (in.n < len) {
    uint32_t k = rnd_in(8, 60);
    uint8_t x[60];
    for (uint32_t j = 0; j < k; j++)
      x[j] = (uint8_t)rnd();
    if (carry == 1) {
      put32(&in, sec);
      put32(&in, rnd() % 1000000u);
      put32(&in, k);
      put32(&in, k);
      put(&in, x, k);
    } else { /* pcapng blocks */
      put32(&in, 6);
      put32(&in, 32 + ((k + 3) & ~3u));
      put32(&in, 0);
      put32(&in, 0);
      put32(&in, sec);
      put32(&in, k);
      put32(&in, k);
      put(&in, x, k);
      pad4(&in);
      put32(&in, 32 + ((k + 3) & ~3u));
    }
  }
  uint32_t at = len > 40 ? 20 : 0;
  memcpy(d + at, in.b + rnd() % 16, len - at);
  free(in.b);
}

/* A pcapng file: 1-3 sections, each in a byte order of its own, with 1-3
 * interfaces (some in nanoseconds), packets on any of them, an interface
 * added later and statistics blocks between the packets. */
static void build_ng(fb *f, unsigned npkt) {
  f->n = 0;
  unsigned nsec = rnd_in(1, 3);
  uint32_t sec = 1600000000u + rnd() % 100000000u;
  for (unsigned si = 0; si < nsec; si++) {
    f->be = rnd() & 1;
    uint32_t shl = rnd() & 1 ? 28 : 40;
    put32(f, 0x0a0d0d0au);
    put32(f, shl);
    put32(f, 0x1a2b3c4du);
    put16(f, 1);
    put16(f, 0);
    put32(f, 0xffffffffu);
    put32(f, 0xffffffffu);
    if (shl == 40) { /* shb_userappl "t", end of options */
      put16(f, 4);
      put16(f, 1);
      put32(f, 0x74);
      put32(f, 0);
    }
    put32(f, shl);
    unsigned nif = 0;
    unsigned want_if = rnd_in(1, 3);
    for (unsigned k = 0; k < npkt / nsec; k++) {
      if (nif < want_if && (nif == 0 || rnd() % 4 == 0)) {
        static const uint16_t lts[] = {1, 101, 113, 105};
        int ns = rnd() & 1;
        uint32_t il = ns ? 32 : 20;
        put32(f, 1);
        put32(f, il);
        put16(f, lts[rnd() % 4]);
        put16(f, 0);
        put32(f, rnd() & 1 ? 0 : 65535);
        if (ns) { /* if_tsresol 9, end of options */
          put16(f, 9);
          put16(f, 1);
          uint8_t r9[4] = {9, 0, 0, 0};
          put(f, r9, 4);
          put32(f, 0);
        }
        put32(f, il);
        nif++;
        continue;
      }
      uint32_t id = rnd() % nif;
      if (rnd() % 10 == 0) { /* interface statistics: no record */
        put32(f, 5);
        put32(f, 24);
        put32(f, id);
        put32(f, 0);
        put32(f, sec);
        put32(f, 24);
        continue;
      }
      uint32_t len = rnd_in(1, rnd() % 4 ? 120 : 600);
      uint8_t d[600];
      payload(d, len, sec, (int)(rnd() % 3));
      uint32_t bl = 32 + ((len + 3) & ~3u);
      sec += rnd() % 3;
      put32(f, 6);
      put32(f, bl);
      put32(f, id);
      put32(f, sec >> 12);
      put32(f, rnd());
      put32(f, len);
      put32(f, len + rnd() % 10);
      put(f, d, len);
      pad4(f);
      put32(f, bl);
    }
  }
}

/* A classic pcap file (either byte order), packets that carry pcap. */
static void build_pcap(fb *f, unsigned npkt) {
  f->n = 0;
  f->be = rnd() & 1;
  mk_pcap_header(f, 0, 65535, 101);
  uint32_t sec = 1600000000u + rnd() % 100000000u;
  for (unsigned k = 0; k < npkt; k++) {
    uint32_t len = rnd_in(1, 300);
    uint8_t d[300];
    payload(d, len, sec, (int)(rnd() % 3));
    put32(f, sec);
    put32(f, rnd() % 1000000u);
    put32(f, len);
    put32(f, len);
    put(f, d, len);
  }
}

/* What a full read gives, record by record. */
typedef struct seen {
  uint64_t off;
  int64_t sec;
  uint32_t nsec, caplen, linktype, sum;
} seen;

static uint32_t sum_of(const uint8_t *p, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static void take(seen *s, const capkit_record *rec) {
  s->off = rec->offset;
  s->sec = rec->ts_sec;
  s->nsec = rec->ts_nsec;
  s->caplen = rec->caplen;
  s->linktype = rec->iface ? rec->iface->linktype : 0xffffffffu;
  s->sum = sum_of(rec->data, rec->caplen);
}

static int same(const seen *a, const seen *b) {
  return a->off == b->off && a->sec == b->sec && a->nsec == b->nsec &&
         a->caplen == b->caplen && a->linktype == b->linktype &&
         a->sum == b->sum;
}

static capkit_reader *open_it(const fb *f, const char *path) {
  capkit_reader *r = capkit_reader_new();
  int rc = path ? capkit_reader_open_path(r, path)
                : capkit_reader_open_memory(r, f->b, f->n, NULL);
  if (rc != 0) {
    fprintf(stderr, "open: %s\n", capkit_reader_error(r));
    capkit_reader_free(r);
    return NULL;
  }
  return r;
}

#define MAXREC 512

/* Every offset 0..n (step apart) of the input (memory, or path): the
 * records after open_at(offset) against the full read's. Returns the
 * number of offsets that went wrong. */
static int every_offset(const fb *f, const char *path, size_t step,
                        const char *what) {
  static seen all[MAXREC], got;
  size_t n = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_reader *r = open_it(f, path);
  if (!r)
    return 1;
  int rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0 && n < MAXREC)
    take(&all[n++], &rec);
  capkit_reader_free(r);
  if (rc != 0 || n == 0 || n >= MAXREC) {
    fprintf(stderr, "%s: the full read: rc %d, %zu records\n", what, rc, n);
    return 1;
  }
  int bad = 0;
  for (size_t off = 0; off <= f->n; off += step) {
    size_t first = 0;
    while (first < n && all[first].off < off)
      first++;
    if (!(r = open_it(f, path)))
      return bad + 1;
    rc = capkit_reader_open_at(r, off);
    int ok = rc == (first < n ? 1 : 0);
    if (ok && rc == 1)
      ok = capkit_reader_offset(r) == all[first].off;
    size_t k = first;
    uint64_t num = 0;
    while (ok && (rc = capkit_reader_next(r, &rec)) > 0) {
      take(&got, &rec);
      ok = k < n && same(&got, &all[k]) && rec.number == ++num;
      k++;
    }
    ok = ok && rc == 0 && k == n;
    if (!ok && bad++ < 3)
      fprintf(stderr, "%s: offset %zu: rc %d, record %zu of %zu (%s)\n",
              what, off, rc, k, n, capkit_reader_error(r));
    capkit_reader_free(r);
  }
  return bad;
}

static void write_gzip(const char *path, const fb *f) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    abort();
  size_t cap = deflateBound(&z, (uLong)f->n) + 64;
  uint8_t *o = malloc(cap);
  z.next_in = f->b;
  z.avail_in = (uInt)f->n;
  z.next_out = o;
  z.avail_out = (uInt)cap;
  if (!o || deflate(&z, Z_FINISH) != Z_STREAM_END)
    abort();
  spit(path, o, cap - z.avail_out);
  deflateEnd(&z);
  free(o);
}

static void write_zstd(const char *path, const fb *f) {
  size_t cap = ZSTD_compressBound(f->n);
  uint8_t *o = malloc(cap);
  size_t k = o ? ZSTD_compress(o, cap, f->b, f->n, 3) : 0;
  if (!o || ZSTD_isError(k))
    abort();
  spit(path, o, k);
  free(o);
}

static void test_pcapng(void) {
  fb f = {0};
  int bad = 0;
  for (int seed = 1; seed <= 12; seed++) {
    rng = 0x9e3779b9ull * (uint64_t)seed;
    build_ng(&f, rnd_in(20, 60));
    char what[64];
    snprintf(what, sizeof what, "pcapng seed %d", seed);
    bad += every_offset(&f, NULL, 1, what);
    if (seed <= 4) { /* a file read through a buffer, too */
      const char *p = tmp("a.pcapng");
      spit(p, f.b, f.n);
      bad += every_offset(&f, p, 3, what);
    }
  }
  CHECK_EQ(bad, 0);
  free(f.b);
}

static void test_compressed(void) {
  fb f = {0};
  int bad = 0;
  for (int seed = 1; seed <= 8; seed++) {
    rng = 0x51ed2701ull * (uint64_t)seed;
    if (seed & 1)
      build_ng(&f, rnd_in(10, 30));
    else
      build_pcap(&f, rnd_in(10, 30));
    char what[64];
    const char *p = tmp(seed & 2 ? "c.zst" : "c.gz");
    if (seed & 2)
      write_zstd(p, &f);
    else
      write_gzip(p, &f);
    snprintf(what, sizeof what, "%s %s seed %d", seed & 1 ? "pcapng" : "pcap",
             seed & 2 ? "zstd" : "gzip", seed);
    bad += every_offset(&f, p, 1, what);
  }
  CHECK_EQ(bad, 0);
  free(f.b);
}

/* The states around it, and damage before the offset. */
static void test_edges(void) {
  fb f = {0};
  rng = 77;
  build_ng(&f, 30);
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_reader *r = open_it(&f, NULL);
  CHECK_EQ(capkit_reader_open_at(r, f.n), 0);
  CHECK_EQ(capkit_reader_next(r, &rec), 0);
  capkit_reader_free(r);
  r = open_it(&f, NULL);
  CHECK_EQ(capkit_reader_open_at(r, 200), 1);
  CHECK_EQ(capkit_reader_open_at(r, 300), CAPKIT_EMISUSE); /* twice */
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  CHECK(rec.offset >= 200);
  CHECK_EQ(rec.number, 1);
  CHECK_EQ(capkit_reader_open_at(r, 0), CAPKIT_EMISUSE); /* after a read */
  capkit_reader_free(r);
  /* A block length damaged before the offset: the error of a full read,
   * naming where. */
  r = open_it(&f, NULL);
  CHECK_EQ(capkit_reader_next(r, &rec), 1);
  uint64_t first = rec.offset;
  capkit_reader_free(r);
  f.b[first + 5] ^= 0x40; /* its length, in either byte order */
  f.b[first + 6] ^= 0x40;
  r = open_it(&f, NULL);
  int rc = r ? capkit_reader_open_at(r, f.n / 2) : -1;
  CHECK(rc < 0);
  CHECK(r && strstr(capkit_reader_error(r), "offset") != NULL);
  CHECK_EQ(r ? capkit_reader_next(r, &rec) : 0, rc);
  capkit_reader_free(r);
  free(f.b);
}

int main(void) {
  test_pcapng();
  test_compressed();
  test_edges();
  return tap_done();
}

/* test_batch_walk.c - the batch walk (capkit_reader_read_batch,
 * capkit_reader_view_batch and capkit_reader_fill_batch on classic pcap)
 * against capkit_reader_next on
 * seeded random files: lengths, both byte orders, both precisions, the
 * anomalies that warn (caplen above origlen or snaplen, fractions out of
 * range, time going backwards), damage at random offsets, random batch
 * sizes and byte bounds, and three sources (memory, read() through a
 * small window so that records straddle its end, a mapping). Records,
 * columns, bytes, warnings and the final error must be the same. And the
 * time-order check over batches (capkit_batch_order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/batch.h>
#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

#define MAXN 300
#define MAXW 4096

/* Warnings as the callback saw them. */
typedef struct warns {
  size_t n;
  int code[MAXW];
  uint64_t off[MAXW], rec[MAXW];
} warns;

static void on_warn(void *user, int code, uint64_t off, uint64_t rec,
                    const char *msg) {
  (void)msg;
  warns *w = user;
  if (w->n < MAXW) {
    w->code[w->n] = code;
    w->off[w->n] = off;
    w->rec[w->n] = rec;
  }
  w->n++;
}

static int same_warns(const warns *a, const warns *b) {
  if (a->n != b->n)
    return 0;
  size_t n = a->n < MAXW ? a->n : MAXW;
  for (size_t i = 0; i < n; i++)
    if (a->code[i] != b->code[i] || a->off[i] != b->off[i] ||
        a->rec[i] != b->rec[i])
      return 0;
  return 1;
}

/* One record as the columns (or the reader) give it. */
typedef struct row {
  int64_t ts_ns, ts_sec;
  uint32_t ts_nsec, caplen, origlen, iface, lt;
  uint64_t number, pos;
  const uint8_t *data;
} row;

static int same_row(const row *a, const row *b) {
  return a->ts_ns == b->ts_ns && a->ts_sec == b->ts_sec &&
         a->ts_nsec == b->ts_nsec && a->caplen == b->caplen &&
         a->origlen == b->origlen && a->iface == b->iface && a->lt == b->lt &&
         a->number == b->number && a->pos == b->pos &&
         (a->caplen == 0 || memcmp(a->data, b->data, a->caplen) == 0);
}

/* A random classic pcap file with every anomaly a reader warns about,
 * records from empty to larger than the read window, and (often) damage:
 * cut at a random offset, or four bytes overwritten somewhere. */
static uint8_t *random_file(uint64_t *s, size_t *len) {
  static uint8_t pkt[40000];
  mk_buf f = {0};
  f.be = (int)mk_below(s, 2);
  int nsec = (int)mk_below(s, 2);
  uint32_t limit = nsec ? 1000000000u : 1000000u;
  uint32_t snaplen = mk_below(s, 3) ? 65535 : 300;
  mk_pcap_header(&f, nsec, snaplen, mk_below(s, 4) ? 1 : 101);
  size_t n = mk_below(s, 400);
  uint32_t sec = 1000000 + mk_below(s, 1000);
  for (size_t i = 0; i < n; i++) {
    uint32_t kind = mk_below(s, 40);
    uint32_t cap = kind == 0 ? mk_below(s, 40000) : mk_below(s, 700);
    uint32_t orig = cap + mk_below(s, 3);
    if (kind == 1 && cap > 0)
      orig = cap - 1; /* caplen above origlen */
    uint32_t frac = mk_below(s, limit);
    if (kind == 2)
      frac = limit + mk_below(s, 3 * limit); /* fraction out of range */
    sec += mk_below(s, 2);
    if (kind == 3)
      sec -= 3; /* time going backwards */
    for (uint32_t k = 0; k < cap; k += 64)
      pkt[k] = (uint8_t)mk_rand(s);
    mk_pcap_record(&f, sec, frac, cap, orig, pkt);
  }
  uint32_t damage = mk_below(s, 3);
  if (damage == 1 && f.n > 24) {
    f.n = 24 + mk_below(s, (uint32_t)(f.n - 24)); /* cut */
  } else if (damage == 2 && f.n > 28) {
    size_t at = 24 + mk_below(s, (uint32_t)(f.n - 28));
    for (int k = 0; k < 4; k++)
      f.b[at + (size_t)k] = 0x7f;
  }
  *len = f.n;
  return f.b;
}

enum { SRC_MEM, SRC_READ, SRC_MAP };

/* Every source is named PATH, so that messages compare equal. */
static capkit_reader *open_src(int src, const uint8_t *buf, size_t len,
                               const char *path, warns *w) {
  capkit_reader *r = capkit_reader_new();
  if (w)
    capkit_reader_set_warning_fn(r, on_warn, w);
  if (src == SRC_MEM) {
    capkit_reader_open_memory(r, buf, len, path);
  } else {
    if (src == SRC_READ)
      capkit_reader_set_window(r, 16384); /* records straddle its end */
    else
      capkit_reader_set_mmap(r, 1);
    capkit_reader_open_path(r, path);
  }
  return r;
}

typedef struct cols {
  int64_t ts_ns[MAXN], ts_sec[MAXN];
  uint32_t ts_nsec[MAXN], caplen[MAXN], origlen[MAXN], iface[MAXN], lt[MAXN];
  uint64_t offset[MAXN], number[MAXN], pos[MAXN];
} cols;

enum { READ_BATCH, VIEW_BATCH, FILL_BATCH };

static int by_mode(capkit_reader *r, int mode, capkit_batch *b,
                   const uint8_t **at) {
  return mode == FILL_BATCH   ? capkit_reader_fill_batch(r, NULL, b, at)
         : mode == VIEW_BATCH ? capkit_reader_view_batch(r, NULL, b, at)
                              : capkit_reader_read_batch(r, NULL, b);
}

/* Read the whole input by batches (VIEW: capkit_reader_view_batch, or
 * capkit_reader_fill_batch, or capkit_reader_read_batch) of
 * random sizes and bounds, comparing each record with the next one of
 * the reference reader REF. 1 when everything agreed. */
static int by_batches(capkit_reader *r, capkit_reader *ref, int view,
                      uint64_t *s) {
  static cols c;
  static uint8_t data[1 << 17];
  capkit_batch b = CAPKIT_BATCH_INIT;
  b.data = data;
  b.ts_ns = c.ts_ns;
  b.ts_sec = c.ts_sec;
  b.ts_nsec = c.ts_nsec;
  b.caplen = c.caplen;
  b.origlen = c.origlen;
  b.offset = c.offset;
  b.iface = c.iface;
  b.linktype = c.lt;
  b.number = c.number;
  b.pos = c.pos;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int ok = 1, rr, rb;
  for (;;) {
    b.max = 1 + mk_below(s, MAXN);
    uint32_t pick = mk_below(s, 4);
    b.data_cap = pick == 0   ? 0
                 : pick == 1 ? 1 + mk_below(s, 2000)
                             : 1 + mk_below(s, sizeof data);
    const uint8_t *at = NULL;
    rb = by_mode(r, view, &b, &at);
    while (rb == CAPKIT_EINVAL && b.need) {
      /* a record larger than the buffer: held, and given with room */
      ok &= b.need > b.data_cap && b.need <= sizeof data;
      b.data_cap = b.need;
      rb = by_mode(r, view, &b, &at);
    }
    if (rb <= 0)
      break;
    ok &= (size_t)rb == b.count && b.count <= b.max;
    if (!view)
      at = data;
    /* within the bound, but for a first record larger than it */
    ok &= b.count == 1 || b.data_cap == 0 || b.data_len <= b.data_cap;
    for (size_t i = 0; i < b.count && ok; i++) {
      rr = capkit_reader_next(ref, &rec);
      ok &= rr == 1;
      if (!ok)
        break;
      row want = {capkit_record_time_ns(&rec),
                  rec.ts_sec,
                  rec.ts_nsec,
                  rec.caplen,
                  rec.origlen,
                  rec.iface_id,
                  rec.iface->linktype,
                  rec.number,
                  rec.offset,
                  rec.data};
      row got = {c.ts_ns[i],   c.ts_sec[i],     c.ts_nsec[i], c.caplen[i],
                 c.origlen[i], c.iface[i],      c.lt[i],      c.number[i],
                 c.pos[i],     at + c.offset[i]};
      ok &= c.offset[i] + c.caplen[i] <= b.data_len;
      ok &= same_row(&want, &got);
      /* copies are back to back */
      if (!view)
        ok &= i == 0 ? c.offset[0] == 0
                     : c.offset[i] == c.offset[i - 1] + c.caplen[i - 1];
    }
    if (!ok)
      return 0;
  }
  rr = capkit_reader_next(ref, &rec);
  ok &= rr == rb;
  if (rr < 0) {
    const uint8_t *at;
    ok &= capkit_reader_error_offset(ref) == capkit_reader_error_offset(r) &&
          capkit_reader_error_record(ref) == capkit_reader_error_record(r) &&
          strcmp(capkit_reader_error(ref), capkit_reader_error(r)) == 0;
    /* the reader stays dead: the error again */
    ok &= by_mode(r, view, &b, &at) == rr;
  }
  return ok;
}

static void write_file(const char *path, const uint8_t *buf, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    CHECK_EQ(fwrite(buf, 1, len, f), len);
    fclose(f);
  }
}

static warns wa, wb;

static void test_walk_equals_next(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/walk.pcap", tap_tmpdir());
  uint64_t s = 20261202;
  int bad = 0, errors = 0, warned = 0;
  for (int k = 0; k < 900; k++) {
    size_t len;
    uint8_t *buf = random_file(&s, &len);
    int src = (int)mk_below(&s, 3);
    if (src != SRC_MEM)
      write_file(path, buf, len);
    int warn = (int)mk_below(&s, 2);
    int view = (int)mk_below(&s, 3);
    memset(&wa, 0, sizeof wa);
    memset(&wb, 0, sizeof wb);
    capkit_reader *ref = open_src(SRC_MEM, buf, len, path, warn ? &wa : NULL);
    capkit_reader *r = open_src(src, buf, len, path, warn ? &wb : NULL);
    int ok = by_batches(r, ref, view, &s) && same_warns(&wa, &wb);
    if (!ok)
      fprintf(stderr, "# case %d differs (source %d, view %d, warn %d)\n", k,
              src, view, warn);
    bad += !ok;
    errors += capkit_reader_error_code(ref) < 0;
    warned += wa.n > 0;
    capkit_reader_free(ref);
    capkit_reader_free(r);
    free(buf);
  }
  CHECK_EQ(bad, 0);
  /* the property held on damage and on warnings, not only on clean files */
  CHECK(errors > 100);
  CHECK(warned > 100);
  remove(path);
}

/* capkit_reader_fill_batch on a file read with read(): every batch is read
 * into the buffer given (a new one each call, of a random size), the
 * records stay there after later calls, and all of them, kept to the end,
 * equal capkit_reader_next's; the bytes read past a batch go back to the
 * reader (its window is small: records straddle it and the buffers). */
static void test_fill_keeps(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/fill.pcap", tap_tmpdir());
  uint64_t s = 77;
  int bad = 0, in_place = 0, needed = 0;
  enum { MAXB = 4096 };
  static uint8_t *bufs[MAXB];
  static uint64_t off[MAXN];
  static uint32_t cap[MAXN];
  static const uint8_t *where[MAXN * 8];
  static uint32_t len_of[MAXN * 8];
  for (int k = 0; k < 150; k++) {
    size_t len;
    uint8_t *file = random_file(&s, &len);
    write_file(path, file, len);
    capkit_reader *ref = open_src(SRC_MEM, file, len, path, NULL);
    capkit_reader *r = open_src(SRC_READ, file, len, path, NULL);
    size_t nb = 0, nrec = 0;
    int rb, ok = 1;
    capkit_batch b = CAPKIT_BATCH_INIT;
    b.offset = off;
    b.caplen = cap;
    for (;;) {
      size_t room = 1 + mk_below(&s, 1 << 16);
      b.max = 1 + mk_below(&s, MAXN);
      b.data = bufs[nb] = malloc(room);
      b.data_cap = room;
      const uint8_t *at = NULL;
      while ((rb = capkit_reader_fill_batch(r, NULL, &b, &at)) ==
                 CAPKIT_EINVAL &&
             b.need) {
        ok &= b.need > b.data_cap;
        needed++;
        free(bufs[nb]);
        b.data = bufs[nb] = malloc(b.need);
        b.data_cap = b.need;
      }
      nb++;
      if (rb <= 0 || nb == MAXB)
        break;
      in_place += at == b.data;
      for (size_t i = 0; i < b.count && nrec < MAXN * 8; i++, nrec++) {
        where[nrec] = at + off[i];
        len_of[nrec] = cap[i];
      }
    }
    capkit_record rec = CAPKIT_RECORD_INIT;
    for (size_t i = 0; i < nrec && ok; i++)
      ok &= capkit_reader_next(ref, &rec) == 1 && rec.caplen == len_of[i] &&
            (rec.caplen == 0 || memcmp(rec.data, where[i], rec.caplen) == 0);
    if (nrec < MAXN * 8) {
      int rr = capkit_reader_next(ref, &rec);
      ok &= rr == rb;
      if (rr < 0)
        ok &= strcmp(capkit_reader_error(ref), capkit_reader_error(r)) == 0;
    }
    if (!ok)
      fprintf(stderr, "# fill case %d differs\n", k);
    bad += !ok;
    for (size_t i = 0; i < nb; i++)
      free(bufs[i]);
    capkit_reader_free(ref);
    capkit_reader_free(r);
    free(file);
  }
  CHECK_EQ(bad, 0);
  CHECK(in_place > 100); /* read into the buffers given, not copied */
  CHECK(needed > 10);    /* and records larger than the buffer given */
  remove(path);
}

/* In place: the offsets count from where *data points, inside the input
 * (memory given by the caller here), and b->data is not written. */
static void test_view_in_place(void) {
  mk_buf f = {0};
  mk_pcap_header(&f, 0, 65535, 1);
  uint8_t pkt[100];
  for (int i = 0; i < 100; i++)
    pkt[i] = (uint8_t)i;
  for (int i = 0; i < 5; i++)
    mk_pcap_record(&f, 10, (uint32_t)i, 20 + (uint32_t)i, 60, pkt);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "m"), 0);
  uint64_t off[8];
  uint32_t cap[8];
  capkit_batch b = CAPKIT_BATCH_INIT;
  b.max = 8;
  b.offset = off;
  b.caplen = cap;
  const uint8_t *at = NULL;
  CHECK_EQ(capkit_reader_view_batch(r, NULL, &b, &at), 5);
  CHECK(at == f.b + 24 + 16); /* the first record's bytes */
  CHECK_EQ(off[1], 20 + 16);  /* a header lies between two records */
  CHECK_EQ(b.data_len, f.n - 24 - 16);
  CHECK_EQ(memcmp(at + off[4], pkt, 24), 0);
  CHECK_EQ(capkit_reader_view_batch(r, NULL, &b, &at), 0);
  CHECK_EQ(capkit_reader_view_batch(r, NULL, &b, NULL), CAPKIT_EINVAL);
  capkit_reader_free(r);
  /* a bound of 50 bytes: the first record always, then what fits */
  r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, "m"), 0);
  uint8_t room[50];
  b.data = room;
  b.data_cap = sizeof room;
  CHECK_EQ(capkit_reader_view_batch(r, NULL, &b, &at), 1); /* 20+16+21 */
  CHECK(at == f.b + 24 + 16);
  b.data_cap = 10;
  CHECK_EQ(capkit_reader_view_batch(r, NULL, &b, &at), 1);
  CHECK_EQ(cap[0], 21);
  capkit_reader_free(r);
  free(f.b);
}

/* What the walk does not read goes the general way with the same result:
 * a filter (and pcapng is covered by test_batch through read_batch). */
static void test_view_falls_back(void) {
  uint64_t s = 5;
  int bad = 0;
  for (int k = 0; k < 50; k++) {
    size_t len;
    uint8_t *buf = random_file(&s, &len);
    capkit_reader *a = open_src(SRC_MEM, buf, len, "m", NULL);
    capkit_reader *b = open_src(SRC_MEM, buf, len, "m", NULL);
    capkit_filter *fa = capkit_filter_new("len > 300");
    capkit_filter *fb = capkit_filter_new("len > 300");
    capkit_filter_prepare(fa, 1);
    capkit_filter_prepare(fb, 1);
    static uint8_t data[1 << 17];
    static cols c;
    capkit_batch bt = CAPKIT_BATCH_INIT;
    bt.max = 7;
    bt.data = data;
    bt.data_cap = sizeof data;
    bt.caplen = c.caplen;
    bt.offset = c.offset;
    bt.number = c.number;
    capkit_record rec = CAPKIT_RECORD_INIT;
    const uint8_t *at;
    int rb, ra = 1, ok = 1;
    while ((rb = capkit_reader_view_batch(b, fb, &bt, &at)) > 0) {
      ok &= at == data; /* copied: the filter runs per record */
      for (size_t i = 0; i < bt.count; i++) {
        ra = capkit_reader_next_match(a, fa, &rec);
        ok &= ra == 1 && rec.number == c.number[i] &&
              rec.caplen == c.caplen[i] &&
              memcmp(rec.data, at + c.offset[i], rec.caplen) == 0;
      }
    }
    ok &= capkit_reader_next_match(a, fa, &rec) == rb;
    bad += !ok;
    capkit_filter_free(fa);
    capkit_filter_free(fb);
    capkit_reader_free(a);
    capkit_reader_free(b);
    free(buf);
  }
  CHECK_EQ(bad, 0);
}

/* capkit_batch_order over batches counts as capkit_order_add per record,
 * and its count is the definition's: records older than the one before. */
static void test_batch_order(void) {
  uint64_t s = 11;
  int bad = 0;
  for (int k = 0; k < 100; k++) {
    mk_buf f = {0};
    mk_pcap_header(&f, 1, 65535, 1);
    size_t n = mk_below(&s, 500);
    uint64_t late = 0, prev = 0;
    for (size_t i = 0; i < n; i++) {
      uint32_t sec = 100 + mk_below(&s, 4), ns = mk_below(&s, 3);
      uint64_t t = (uint64_t)sec * 1000000000u + ns;
      late += i > 0 && t < prev;
      prev = t;
      mk_pcap_record(&f, sec, ns, 0, 0, NULL);
    }
    capkit_reader *r = open_src(SRC_MEM, f.b, f.n, "m", NULL);
    capkit_order *o = capkit_order_new(1000);
    static cols c;
    capkit_batch b = CAPKIT_BATCH_INIT;
    b.max = 1 + mk_below(&s, MAXN);
    b.ts_sec = c.ts_sec;
    b.ts_nsec = c.ts_nsec;
    b.number = c.number;
    const uint8_t *at;
    while (capkit_reader_view_batch(r, NULL, &b, &at) > 0)
      bad += capkit_batch_order(o, &b) != (long)b.count;
    bad += capkit_order_records(o) != n || capkit_order_late(o) != late ||
           capkit_order_stretches(o) != (n ? late + 1 : 0);
    capkit_order_free(o);
    capkit_reader_free(r);
    free(f.b);
  }
  CHECK_EQ(bad, 0);
  capkit_batch none = CAPKIT_BATCH_INIT;
  none.count = 1;
  capkit_order *o = capkit_order_new(0);
  CHECK_EQ(capkit_batch_order(o, &none), CAPKIT_EINVAL); /* no times */
  CHECK_EQ(capkit_batch_order(NULL, &none), CAPKIT_EINVAL);
  capkit_order_free(o);
}

int main(void) {
  test_walk_equals_next();
  test_fill_keeps();
  test_view_in_place();
  test_view_falls_back();
  test_batch_order();
  return tap_done();
}

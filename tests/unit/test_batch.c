/* test_batch.c - columnar reading, writing, generation and 5-tuples
 * (batch.h) against the record-at-a-time API on seeded random files built
 * from the pcap specification (mkpkt.h), damaged ones included; and the
 * whole-file jobs of cut.h (merge, sort, dedup) against the orders and
 * windows their definitions give on such files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include <capkit/batch.h>
#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "mkpkt.h"
#include "tap.h"

#define MAXN 64

typedef struct cols {
  int64_t ts_ns[MAXN], ts_sec[MAXN];
  uint32_t ts_nsec[MAXN], caplen[MAXN], origlen[MAXN], iface[MAXN],
      lt[MAXN];
  uint64_t offset[MAXN], number[MAXN], pos[MAXN];
  uint8_t *data;
} cols;

static void wire(capkit_batch *b, cols *c, size_t max, size_t cap) {
  *b = (capkit_batch)CAPKIT_BATCH_INIT;
  b->max = max;
  b->data = c->data;
  b->data_cap = cap;
  b->ts_ns = c->ts_ns;
  b->ts_sec = c->ts_sec;
  b->ts_nsec = c->ts_nsec;
  b->caplen = c->caplen;
  b->origlen = c->origlen;
  b->offset = c->offset;
  b->iface = c->iface;
  b->linktype = c->lt;
  b->number = c->number;
  b->pos = c->pos;
}

/* A random classic pcap file: n records of 0..maxlen bytes. */
static uint8_t *random_pcap(uint64_t *s, size_t n, uint32_t maxlen,
                            size_t *len, uint32_t lt) {
  mk_buf f = {0};
  f.be = (int)mk_below(s, 2);
  int nsec = (int)mk_below(s, 2);
  mk_pcap_header(&f, nsec, 65535, lt);
  uint8_t pkt[2048];
  for (size_t i = 0; i < n; i++) {
    uint32_t cap = mk_below(s, maxlen + 1);
    for (uint32_t k = 0; k < cap; k++)
      pkt[k] = (uint8_t)mk_rand(s);
    mk_pcap_record(&f, (uint32_t)mk_rand(s), mk_below(s, nsec ? 1000000000u
                                                             : 1000000u),
                   cap, cap + mk_below(s, 3), pkt);
  }
  *len = f.n;
  return f.b;
}

/* Every record of buf through capkit_reader_next_match and through
 * batches of random sizes agree, column by column, then end the same way
 * (clean end or the same error, code and offset). */
static int same_as_records(const uint8_t *buf, size_t len, uint64_t *s,
                           const char *filter) {
  capkit_reader *a = capkit_reader_new(), *b = capkit_reader_new();
  capkit_reader_open_memory(a, buf, len, "m");
  capkit_reader_open_memory(b, buf, len, "m");
  capkit_filter *fa = NULL, *fb = NULL;
  if (filter) {
    fa = capkit_filter_new(filter);
    fb = capkit_filter_new(filter);
    capkit_filter_prepare(fa, capkit_reader_info(a)->linktype);
    capkit_filter_prepare(fb, capkit_reader_info(b)->linktype);
  }
  cols c;
  c.data = malloc(8192);
  capkit_batch bt;
  wire(&bt, &c, 1 + mk_below(s, MAXN), 1 + mk_below(s, 4096));
  capkit_record rec = CAPKIT_RECORD_INIT;
  int ok = 1, ra = 1, rb = 1;
  size_t i = 0, have = 0;
  while (ok) {
    if (i == have) {
      /* a new batch: sometimes with other limits */
      if (mk_below(s, 4) == 0) {
        bt.max = 1 + mk_below(s, MAXN);
        bt.data_cap = 1 + mk_below(s, 4096);
      }
      rb = capkit_reader_read_batch(b, fb, &bt);
      while (rb == CAPKIT_EINVAL && bt.need) {
        ok &= bt.need > bt.data_cap && bt.need <= 8192;
        bt.data_cap = bt.need;
        rb = capkit_reader_read_batch(b, fb, &bt);
      }
      ok &= rb <= 0 || (size_t)rb == bt.count;
      i = 0;
      have = rb > 0 ? (size_t)rb : 0;
    }
    ra = capkit_reader_next_match(a, fa, &rec);
    if (ra <= 0 || rb <= 0)
      break;
    ok &= c.ts_sec[i] == rec.ts_sec && c.ts_nsec[i] == rec.ts_nsec &&
          c.ts_ns[i] == capkit_record_time_ns(&rec) &&
          c.caplen[i] == rec.caplen && c.origlen[i] == rec.origlen &&
          c.number[i] == rec.number && c.pos[i] == rec.offset && c.iface[i] == rec.iface_id &&
          c.lt[i] == rec.iface->linktype &&
          (rec.caplen == 0 ||
           memcmp(c.data + c.offset[i], rec.data, rec.caplen) == 0);
    ok &= i == 0 ? c.offset[0] == 0
                 : c.offset[i] == c.offset[i - 1] + c.caplen[i - 1];
    i++;
  }
  ok &= ra == rb;
  if (ra < 0)
    ok &= capkit_reader_error_offset(a) == capkit_reader_error_offset(b) &&
          capkit_reader_error_record(a) == capkit_reader_error_record(b) &&
          strcmp(capkit_reader_error(a), capkit_reader_error(b)) == 0 &&
          capkit_reader_read_batch(b, fb, &bt) == ra;
  free(c.data);
  capkit_filter_free(fa);
  capkit_filter_free(fb);
  capkit_reader_free(a);
  capkit_reader_free(b);
  return ok;
}

static void test_random_files(void) {
  uint64_t s = 20240613;
  int bad = 0;
  for (int k = 0; k < 300; k++) {
    size_t len;
    uint8_t *buf = random_pcap(&s, mk_below(&s, 200), 1500, &len, 1);
    bad += !same_as_records(buf, len, &s, NULL);
    free(buf);
  }
  CHECK_EQ(bad, 0);
}

/* Cut or corrupt a file at random places: the batches deliver the same
 * good records and then the same error as the reader alone. */
static void test_damage(void) {
  uint64_t s = 77;
  int bad = 0, errors = 0;
  for (int k = 0; k < 300; k++) {
    size_t len;
    uint8_t *buf = random_pcap(&s, 5 + mk_below(&s, 100), 300, &len, 1);
    size_t cut = 24 + mk_below(&s, (uint32_t)(len - 24));
    if (mk_below(&s, 2)) {
      len = cut; /* truncated inside a record */
    } else if (cut + 4 <= len) {
      buf[cut] = buf[cut + 1] = buf[cut + 2] = buf[cut + 3] = 0x7f;
    }
    capkit_reader *r = capkit_reader_new();
    capkit_reader_open_memory(r, buf, len, "m");
    capkit_record rec = CAPKIT_RECORD_INIT;
    int rc;
    while ((rc = capkit_reader_next(r, &rec)) > 0)
      ;
    errors += rc < 0;
    capkit_reader_free(r);
    bad += !same_as_records(buf, len, &s, NULL);
    free(buf);
  }
  CHECK_EQ(bad, 0);
  CHECK(errors > 50); /* the property was tested on damage, not only on
                         clean ends */
}

/* A fixed case: the damage in record 4 of 6, batches of 10: one batch of 3
 * records, then the error with the reader's offset and record number. */
static void test_damage_mid_batch(void) {
  mk_buf f = {0};
  mk_pcap_header(&f, 0, 65535, 1);
  uint8_t pkt[100] = {0};
  for (int i = 0; i < 6; i++)
    mk_pcap_record(&f, 1000 + (uint32_t)i, 0, 60, 60, pkt);
  size_t len = 24 + 3 * 76 + 16 + 10; /* record 4 cut in its data */
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, len, "cut"), 0);
  cols c;
  c.data = malloc(4096);
  capkit_batch b;
  wire(&b, &c, 10, 4096);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), 3);
  CHECK_EQ(b.count, 3);
  CHECK_EQ(c.ts_sec[2], 1002);
  CHECK_EQ(b.data_len, 180);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), CAPKIT_ETRUNC);
  CHECK_EQ(b.count, 0);
  CHECK_EQ(capkit_reader_error_record(r), 4);
  CHECK_EQ(capkit_reader_error_offset(r), 24 + 3 * 76);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), CAPKIT_ETRUNC);
  capkit_reader_free(r);
  /* a record larger than the whole buffer: EINVAL and need, nothing lost */
  r = capkit_reader_new();
  capkit_reader_open_memory(r, f.b, f.n, "m");
  wire(&b, &c, 10, 100);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), 1);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), 1);
  b.data_cap = 50;
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), CAPKIT_EINVAL);
  CHECK_EQ(b.need, 60);
  b.data_cap = 4096;
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), 4);
  CHECK_EQ(c.number[0], 3);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &b), 0);
  /* a zeroed batch is refused */
  capkit_batch z;
  memset(&z, 0, sizeof z);
  CHECK_EQ(capkit_reader_read_batch(r, NULL, &z), CAPKIT_EINVAL);
  capkit_reader_free(r);
  free(c.data);
  free(f.b);
}

/* Filtered batches equal the filtered reader, on IP packets of several
 * link types, for several expressions. */
static void test_filter(void) {
  static const char *exprs[] = {"udp", "tcp port 80", "ip6", "src host 10.0.0.1",
                                "udp or port 443"};
  static const uint32_t lts[] = {1, 101, 0, 113};
  uint64_t s = 5;
  int bad = 0;
  for (int k = 0; k < 40; k++) {
    mk_buf f = {0};
    uint32_t lt = lts[k % 4];
    mk_pcap_header(&f, 0, 65535, lt);
    size_t n = mk_below(&s, 150);
    for (size_t i = 0; i < n; i++) {
      mk_buf p = {0};
      mk_packet(&p, &s, lt);
      mk_pcap_record(&f, (uint32_t)i, 0, (uint32_t)p.n, (uint32_t)p.n, p.b);
      free(p.b);
    }
    bad += !same_as_records(f.b, f.n, &s, exprs[k % 5]);
    free(f.b);
  }
  CHECK_EQ(bad, 0);
}

/* Columns read, written back with write_batch and read again: equal. */
static void test_write_batch(void) {
  uint64_t s = 9;
  size_t len;
  uint8_t *buf = random_pcap(&s, 500, 400, &len, 1);
  char path[512];
  snprintf(path, sizeof path, "%s/wb.pcap", tap_tmpdir());
  capkit_reader *r = capkit_reader_new();
  capkit_reader_open_memory(r, buf, len, "m");
  capkit_writer *w = capkit_writer_new();
  capkit_writer_set_precision(w, 9);
  CHECK_EQ(capkit_writer_open_path(w, path), 0);
  cols c;
  c.data = malloc(65536);
  capkit_batch b;
  wire(&b, &c, MAXN, 65536);
  int rc;
  long total = 0;
  while ((rc = capkit_reader_read_batch(r, NULL, &b)) > 0) {
    if (total == 0)
      b.ts_sec = NULL; /* the first batch by ts_ns alone */
    long n = capkit_writer_write_batch(w, &b, NULL);
    CHECK_EQ(n, rc);
    total += n;
    b.ts_sec = c.ts_sec;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(total, 500);
  CHECK_EQ(capkit_writer_close(w), 0);
  capkit_writer_free(w);
  capkit_reader_free(r);
  capkit_reader *a = capkit_reader_new(), *x = capkit_reader_new();
  capkit_reader_open_memory(a, buf, len, "m");
  CHECK_EQ(capkit_reader_open_path(x, path), 0);
  capkit_record ra = CAPKIT_RECORD_INIT, rx = CAPKIT_RECORD_INIT;
  int same = 1, n = 0;
  while (capkit_reader_next(a, &ra) > 0) {
    same &= capkit_reader_next(x, &rx) > 0 && ra.ts_sec == rx.ts_sec &&
            ra.ts_nsec == rx.ts_nsec && ra.caplen == rx.caplen &&
            ra.origlen == rx.origlen &&
            memcmp(ra.data, rx.data, ra.caplen) == 0;
    n++;
  }
  CHECK(same);
  CHECK_EQ(n, 500);
  CHECK_EQ(capkit_reader_next(x, &rx), 0);
  capkit_reader_free(a);
  capkit_reader_free(x);
  free(c.data);
  free(buf);
}

/* gen_fill gives capkit_gen_next's packets, at start + k * interval. */
static void test_gen_fill(void) {
  const char *spec = "eth()/ipv4(src=10.0.0.1+)/udp(dport={53,54})/"
                     "payload(len=0-300,rand)";
  capkit_gen *g1, *g2;
  CHECK_EQ(capkit_gen_new(spec, 3, &g1, NULL), 0);
  CHECK_EQ(capkit_gen_new(spec, 3, &g2, NULL), 0);
  capkit_time iv, t = {1700000000, 999999999}, t0 = t;
  CHECK_EQ(capkit_rate_interval(3, &iv), 0);
  CHECK(iv.sec == 0 && iv.nsec == 333333333);
  CHECK_EQ(capkit_rate_interval(0, &iv), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rate_interval(1e-300, &iv), CAPKIT_ERANGE);
  CHECK_EQ(capkit_rate_interval(1000, &iv), 0);
  CHECK(iv.sec == 0 && iv.nsec == 1000000);
  iv.nsec = 333333333;
  cols c;
  c.data = malloc(4096);
  capkit_batch b;
  wire(&b, &c, MAXN, 1000); /* small: packets held over between calls */
  uint64_t k = 0;
  int same = 1;
  while (k < 1000) {
    int n = capkit_gen_fill(g1, &b, 1000 - (size_t)k, &t, iv);
    CHECK(n > 0);
    if (n <= 0)
      break;
    for (int i = 0; i < n; i++, k++) {
      const uint8_t *d;
      size_t len;
      capkit_gen_next(g2, &d, &len);
      capkit_time want;
      capkit_time_scale_ratio(iv, (int64_t)k, 1, &want);
      capkit_time_add(t0, want, &want);
      same &= c.caplen[i] == len && c.origlen[i] == len &&
              memcmp(c.data + c.offset[i], d, len) == 0 &&
              c.ts_sec[i] == want.sec && c.ts_nsec[i] == want.nsec;
    }
  }
  CHECK(same);
  CHECK_EQ(k, 1000);
  /* the end of time: packets up to the last time, then ERANGE */
  capkit_time end = {INT64_MAX, 999999998};
  capkit_time one = {0, 1};
  wire(&b, &c, MAXN, 4096);
  CHECK_EQ(capkit_gen_fill(g1, &b, 10, &end, one), 2);
  CHECK_EQ(c.ts_nsec[1], 999999999);
  CHECK_EQ(capkit_gen_fill(g1, &b, 10, &end, one), CAPKIT_ERANGE);
  capkit_gen_free(g1);
  capkit_gen_free(g2);
  free(c.data);
}

/* 5-tuples against the header layout of the packets built (RFC 791, 8200,
 * 768, 793: fixed offsets), for raw IP and Ethernet link types. */
static void test_flows(void) {
  uint64_t s = 11;
  mk_buf f = {0};
  mk_pcap_header(&f, 0, 65535, 101);
  enum { N = 400 };
  uint8_t want_v[N], want_p[N], want_src[N][16], want_dst[N][16];
  uint16_t want_sp[N], want_dp[N];
  for (int i = 0; i < N; i++) {
    mk_buf p = {0};
    int v6 = (int)mk_below(&s, 2);
    mk_ip(&p, &s, v6);
    uint32_t cap = (uint32_t)p.n;
    if (i % 7 == 3) /* cut inside the ports: no ports, no error */
      cap = (v6 ? 40u : 20u) + 2;
    memset(want_src[i], 0, 16);
    memset(want_dst[i], 0, 16);
    want_v[i] = v6 ? 6 : 4;
    want_p[i] = p.b[v6 ? 6 : 9];
    memcpy(want_src[i], p.b + (v6 ? 8 : 12), v6 ? 16 : 4);
    memcpy(want_dst[i], p.b + (v6 ? 24 : 16), v6 ? 16 : 4);
    size_t l4 = v6 ? 40 : 20;
    want_sp[i] = cap > l4 + 4 ? (uint16_t)(p.b[l4] << 8 | p.b[l4 + 1]) : 0;
    want_dp[i] = cap > l4 + 4 ? (uint16_t)(p.b[l4 + 2] << 8 | p.b[l4 + 3]) : 0;
    if (i % 7 == 3)
      want_sp[i] = want_dp[i] = 0;
    mk_pcap_record(&f, (uint32_t)i, 0, cap, (uint32_t)p.n, p.b);
    free(p.b);
  }
  capkit_reader *r = capkit_reader_new();
  capkit_reader_open_memory(r, f.b, f.n, "m");
  cols c;
  c.data = malloc(1 << 16);
  capkit_batch b;
  wire(&b, &c, MAXN, 1 << 16);
  uint8_t v[MAXN], pr[MAXN], src[MAXN * 16], dst[MAXN * 16];
  uint16_t sp[MAXN], dp[MAXN];
  capkit_flow_columns fc = {sizeof fc, v, pr, src, dst, sp, dp, {0}};
  int i = 0, same = 1, rc;
  while ((rc = capkit_reader_read_batch(r, NULL, &b)) > 0) {
    CHECK_EQ(capkit_batch_flows(&b, 1, &fc), rc);
    for (int k = 0; k < rc; k++, i++)
      same &= v[k] == want_v[i] && pr[k] == want_p[i] &&
              memcmp(src + 16 * k, want_src[i], 16) == 0 &&
              memcmp(dst + 16 * k, want_dst[i], 16) == 0 &&
              sp[k] == want_sp[i] && dp[k] == want_dp[i];
  }
  CHECK(same);
  CHECK_EQ(i, N);
  /* no IP: zeros; a zeroed column set is refused */
  uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
                     0x08, 0x06};
  b.count = 1;
  b.data = arp;
  b.data_len = 42;
  b.linktype = NULL;
  c.offset[0] = 0;
  c.caplen[0] = 42;
  c.origlen[0] = 42;
  v[0] = 9;
  sp[0] = 9;
  CHECK_EQ(capkit_batch_flows(&b, 1, &fc), 1);
  CHECK(v[0] == 0 && sp[0] == 0);
  capkit_flow_columns zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ(capkit_batch_flows(&b, 1, &zero), CAPKIT_EINVAL);
  capkit_reader_free(r);
  free(c.data);
  free(f.b);
}

/* ---- whole-file jobs ---- */

typedef struct jrec {
  uint32_t sec, usec, len;
  uint8_t tag; /* first byte of the data: which record it is */
  uint8_t src; /* the input it came from */
} jrec;

/* A pcap file of the records v[0..n) (data: tag, then src, then zeros). */
static void write_jrecs(const char *path, const jrec *v, size_t n) {
  mk_buf f = {0};
  mk_pcap_header(&f, 0, 65535, 1);
  uint8_t pkt[200] = {0};
  for (size_t i = 0; i < n; i++) {
    pkt[0] = v[i].tag;
    pkt[1] = v[i].src;
    mk_pcap_record(&f, v[i].sec, v[i].usec, v[i].len, v[i].len, pkt);
  }
  FILE *o = fopen(path, "wb");
  fwrite(f.b, 1, f.n, o);
  fclose(o);
  free(f.b);
}

/* The records of a file as (sec, usec, len, tag, src). */
static size_t read_jrecs(const char *path, jrec *v, size_t max) {
  capkit_reader *r = capkit_reader_new();
  size_t n = 0;
  if (capkit_reader_open_path(r, path) == 0) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    while (n < max && capkit_reader_next(r, &rec) > 0) {
      v[n].sec = (uint32_t)rec.ts_sec;
      v[n].usec = rec.ts_nsec / 1000;
      v[n].len = rec.caplen;
      v[n].tag = rec.caplen ? rec.data[0] : 0;
      v[n].src = rec.caplen > 1 ? rec.data[1] : 0;
      n++;
    }
  }
  capkit_reader_free(r);
  return n;
}

static int before(const jrec *a, const jrec *b) {
  return a->sec != b->sec ? a->sec < b->sec : a->usec < b->usec;
}

/* Stable insertion sort by time: the definition of sort's order. */
static void stable_sort(jrec *v, size_t n) {
  for (size_t i = 1; i < n; i++) {
    jrec x = v[i];
    size_t k = i;
    while (k > 0 && before(&x, &v[k - 1])) {
      v[k] = v[k - 1];
      k--;
    }
    v[k] = x;
  }
}

static int same_jrecs(const jrec *a, const jrec *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i].sec != b[i].sec || a[i].usec != b[i].usec ||
        a[i].len != b[i].len || a[i].tag != b[i].tag || a[i].src != b[i].src)
      return 0;
  return 1;
}

enum { JN = 3000 };

static void test_job_merge(void) {
  static jrec a[JN], b[JN], want[2 * JN], got[2 * JN + 1];
  uint64_t s = 31;
  for (size_t i = 0; i < JN; i++) {
    /* times in steps, many equal across the two inputs */
    a[i] = (jrec){1000 + (uint32_t)(i / 3), (uint32_t)(i % 3) * 10,
                  20 + mk_below(&s, 100), (uint8_t)i, 1};
    b[i] = (jrec){1000 + (uint32_t)(i / 2), (uint32_t)(i % 2) * 10,
                  20 + mk_below(&s, 100), (uint8_t)i, 2};
  }
  char pa[600], pb[600], out[600];
  snprintf(pa, sizeof pa, "%s/ja.pcap", tap_tmpdir());
  snprintf(pb, sizeof pb, "%s/jb.pcap", tap_tmpdir());
  snprintf(out, sizeof out, "%s/jm.pcap", tap_tmpdir());
  write_jrecs(pa, a, JN);
  write_jrecs(pb, b, JN);
  const char *ins[] = {pa, pb};
  capkit_job *j = capkit_job_new();
  /* stable: a merge by time, equal times a's first */
  memcpy(want, a, sizeof a);
  memcpy(want + JN, b, sizeof b);
  stable_sort(want, 2 * JN);
  CHECK_EQ(capkit_job_merge(j, ins, 2, out), 0);
  CHECK_EQ(capkit_job_records_written(j), 2 * JN);
  CHECK_EQ(read_jrecs(out, got, 2 * JN + 1), 2 * JN);
  CHECK(same_jrecs(got, want, 2 * JN));
  /* ties last: equal times b's first */
  memcpy(want, b, sizeof b);
  memcpy(want + JN, a, sizeof a);
  stable_sort(want, 2 * JN);
  CHECK_EQ(capkit_job_set(j, "ties", "last"), 0);
  CHECK_EQ(capkit_job_merge(j, ins, 2, out), 0);
  CHECK_EQ(read_jrecs(out, got, 2 * JN + 1), 2 * JN);
  CHECK(same_jrecs(got, want, 2 * JN));
  /* append, with a snaplen cut */
  capkit_job_free(j);
  j = capkit_job_new();
  CHECK_EQ(capkit_job_set(j, "append", NULL), 0);
  CHECK_EQ(capkit_job_set(j, "snaplen", "50"), 0);
  CHECK_EQ(capkit_job_merge(j, ins, 2, out), 0);
  CHECK_EQ(read_jrecs(out, got, 2 * JN + 1), 2 * JN);
  memcpy(want, a, sizeof a);
  memcpy(want + JN, b, sizeof b);
  for (size_t i = 0; i < 2 * JN; i++)
    if (want[i].len > 50)
      want[i].len = 50;
  CHECK(same_jrecs(got, want, 2 * JN));
  /* a filter: only a's records (the second byte is 1) */
  capkit_job_free(j);
  j = capkit_job_new();
  CHECK_EQ(capkit_job_set(j, "filter", "ether[1] == 2"), 0); /* replaced */
  CHECK_EQ(capkit_job_set(j, "filter", "ether[1] == 1"), 0);
  CHECK_EQ(capkit_job_merge(j, ins, 2, out), 0);
  CHECK_EQ(capkit_job_records_read(j), JN);
  CHECK_EQ(read_jrecs(out, got, 2 * JN + 1), JN);
  CHECK(same_jrecs(got, a, JN));
  /* options the job does not know, values it refuses */
  CHECK_EQ(capkit_job_set(j, "no-such", "1"), CAPKIT_EINVAL);
  CHECK(strstr(capkit_job_error(j), "no-such") != NULL);
  CHECK_EQ(capkit_job_set(j, "ties", "middle"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_job_set(j, "memory", "1k"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_job_set(j, "format", "csv"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_job_set(j, "filter", NULL), CAPKIT_EINVAL);
  capkit_job_free(j);
}

static void test_job_damage(void) {
  static jrec a[100], got[101];
  for (size_t i = 0; i < 100; i++)
    a[i] = (jrec){2000 + (uint32_t)i, 0, 60, (uint8_t)i, 1};
  char pa[600], pbad[600], out[600];
  snprintf(pa, sizeof pa, "%s/dgood.pcap", tap_tmpdir());
  snprintf(pbad, sizeof pbad, "%s/dbad.pcap", tap_tmpdir());
  snprintf(out, sizeof out, "%s/dout.pcap", tap_tmpdir());
  write_jrecs(pa, a, 100);
  write_jrecs(pbad, a, 100);
  /* cut inside record 41's data */
  CHECK_EQ(truncate(pbad, 24 + 40 * 76 + 16 + 30), 0);
  for (int k = 0; k < 3; k++) { /* merge, sort, dedup */
    for (int keep = 0; keep < 2; keep++) {
      capkit_job *j = capkit_job_new();
      if (keep)
        capkit_job_set(j, "keep-partial", NULL);
      remove(out);
      const char *ins[] = {pbad};
      int rc = k == 0   ? capkit_job_merge(j, ins, 1, out)
               : k == 1 ? capkit_job_sort(j, pbad, out)
                        : capkit_job_dedup(j, pbad, out);
      CHECK_EQ(rc, CAPKIT_ETRUNC);
      CHECK_EQ(capkit_job_error_code(j), CAPKIT_ETRUNC);
      CHECK_EQ(capkit_job_error_record(j), 41);
      CHECK_EQ(capkit_job_error_offset(j), 24 + 40 * 76);
      CHECK(strcmp(capkit_job_error_file(j), pbad) == 0);
      CHECK_EQ(capkit_job_records_read(j), 40);
      struct stat st;
      CHECK_EQ(stat(out, &st) == 0, keep);
      CHECK_EQ(capkit_job_output_kept(j), keep);
      if (keep)
        CHECK_EQ(read_jrecs(out, got, 101), 40);
      capkit_job_free(j);
    }
  }
  capkit_job *j = capkit_job_new();
  char missing[600];
  snprintf(missing, sizeof missing, "%s/none.pcap", tap_tmpdir());
  CHECK_EQ(capkit_job_sort(j, missing, out), CAPKIT_EOPEN);
  CHECK(strstr(capkit_job_error(j), "none.pcap") != NULL);
  capkit_job_free(j);
}

static void test_job_sort(void) {
  static jrec v[JN], want[JN], got[JN + 1];
  uint64_t s = 8;
  /* local disorder (one pass), then disorder across the whole file
   * (temporary files with 64 KiB of memory) */
  for (int wide = 0; wide < 2; wide++) {
    for (size_t i = 0; i < JN; i++) {
      uint32_t t = (uint32_t)i + mk_below(&s, wide ? JN : 5);
      v[i] = (jrec){3000 + t / 4, (t % 4) * 250, 30 + mk_below(&s, 150),
                    (uint8_t)i, (uint8_t)(i >> 8)};
    }
    char in[600], out[600];
    snprintf(in, sizeof in, "%s/sin.pcap", tap_tmpdir());
    snprintf(out, sizeof out, "%s/sout.pcap", tap_tmpdir());
    write_jrecs(in, v, JN);
    memcpy(want, v, sizeof v);
    stable_sort(want, JN);
    capkit_job *j = capkit_job_new();
    CHECK_EQ(capkit_job_set(j, "memory", "64KiB"), 0);
    CHECK_EQ(capkit_job_set(j, "tmpdir", tap_tmpdir()), 0);
    CHECK_EQ(capkit_job_sort(j, in, out), 0);
    CHECK(strcmp(capkit_job_method(j), wide ? "external" : "one pass") == 0);
    CHECK_EQ(read_jrecs(out, got, JN + 1), JN);
    CHECK(same_jrecs(got, want, JN));
    capkit_job_free(j);
  }
}

static void test_job_dedup(void) {
  static jrec v[JN], want[JN], got[JN + 1];
  uint64_t s = 4;
  for (size_t i = 0; i < JN; i++) {
    /* a few distinct contents, so that repeats are common */
    v[i] = (jrec){4000 + (uint32_t)i, 0, 20 + mk_below(&s, 3),
                  (uint8_t)mk_below(&s, 6), 0};
  }
  char in[600], out[600];
  snprintf(in, sizeof in, "%s/din.pcap", tap_tmpdir());
  snprintf(out, sizeof out, "%s/dout2.pcap", tap_tmpdir());
  write_jrecs(in, v, JN);
  for (uint32_t w = 1; w <= 8; w *= 2) {
    /* the definition: a duplicate when one of the previous w records
     * (duplicates included) has the same length and bytes */
    size_t n = 0;
    for (size_t i = 0; i < JN; i++) {
      int dup = 0;
      for (size_t k = i > w ? i - w : 0; k < i; k++)
        dup |= v[k].len == v[i].len && v[k].tag == v[i].tag;
      if (!dup)
        want[n++] = v[i];
    }
    capkit_job *j = capkit_job_new();
    char num[8];
    snprintf(num, sizeof num, "%u", w);
    CHECK_EQ(capkit_job_set(j, "count", num), 0);
    CHECK_EQ(capkit_job_dedup(j, in, out), 0);
    CHECK_EQ(capkit_job_dropped(j), JN - n);
    CHECK_EQ(capkit_job_records_written(j), n);
    CHECK_EQ(read_jrecs(out, got, JN + 1), n);
    CHECK(same_jrecs(got, want, n));
    capkit_job_free(j);
  }
}

/* Sort's shortcuts: an input made of two sorted stretches (the second
 * older than the first) wider than the memory is merged from the input
 * ("stretches"), giving the stable sort; "check" counts the records out
 * of order (older than the one before: one here) and, on a sorted input,
 * writes nothing. */
static void test_job_sort_stretches(void) {
  static jrec v[JN], want[JN], got[JN + 1];
  uint64_t s = 12;
  for (size_t i = 0; i < JN; i++) {
    uint32_t t = (uint32_t)(i < JN / 2 ? JN + i : i - JN / 2);
    v[i] = (jrec){7000 + t / 3, (t % 3) * 100, 40 + mk_below(&s, 100),
                  (uint8_t)i, (uint8_t)(i >> 8)};
  }
  char in[600], out[600];
  snprintf(in, sizeof in, "%s/stin.pcap", tap_tmpdir());
  snprintf(out, sizeof out, "%s/stout.pcap", tap_tmpdir());
  write_jrecs(in, v, JN);
  memcpy(want, v, sizeof v);
  stable_sort(want, JN);
  for (int check = 0; check < 2; check++) {
    capkit_job *j = capkit_job_new();
    CHECK_EQ(capkit_job_set(j, "memory", "64KiB"), 0);
    if (check)
      CHECK_EQ(capkit_job_set(j, "check", NULL), 0);
    remove(out);
    CHECK_EQ(capkit_job_sort(j, in, out), 0);
    CHECK(strcmp(capkit_job_method(j), "stretches") == 0);
    CHECK_EQ(capkit_job_runs(j), 2);
    uint64_t n = 9, late = 9;
    CHECK_EQ(capkit_job_order(j, &n, &late), check);
    CHECK_EQ(n, check ? JN : 0);
    CHECK_EQ(late, check ? 1 : 0);
    CHECK_EQ(read_jrecs(out, got, JN + 1), JN);
    CHECK(same_jrecs(got, want, JN));
    capkit_job_free(j);
  }
  /* sorted: nothing to do */
  write_jrecs(in, want, JN);
  remove(out);
  capkit_job *j = capkit_job_new();
  CHECK_EQ(capkit_job_set(j, "check", NULL), 0);
  CHECK_EQ(capkit_job_sort(j, in, out), 0);
  CHECK(strcmp(capkit_job_method(j), "in order") == 0);
  uint64_t n = 0, late = 9;
  CHECK_EQ(capkit_job_order(j, &n, &late), 1);
  CHECK_EQ(n, JN);
  CHECK_EQ(late, 0);
  struct stat st;
  CHECK(stat(out, &st) != 0);
  capkit_job_free(j);
}

/* Progress of a job: every 1024 records read, bytes read so far rising
 * up to the input's size. */
typedef struct prog {
  uint64_t calls, last, total;
  int rising;
} prog;

static void on_progress(void *user, uint64_t done, uint64_t total) {
  prog *p = user;
  p->rising &= done >= p->last && done <= total;
  p->calls++;
  p->last = done;
  p->total = total;
}

static void test_job_hooks(void) {
  static jrec v[JN];
  for (size_t i = 0; i < JN; i++)
    v[i] = (jrec){5000 + (uint32_t)i, 0, 30, (uint8_t)i, 0};
  char in[600], out[600];
  snprintf(in, sizeof in, "%s/hin.pcap", tap_tmpdir());
  snprintf(out, sizeof out, "%s/hout.pcap", tap_tmpdir());
  write_jrecs(in, v, JN);
  struct stat st;
  CHECK_EQ(stat(in, &st), 0);
  for (int k = 0; k < 3; k++) { /* merge, sort, dedup */
    prog p = {0, 0, 0, 1};
    capkit_job *j = capkit_job_new();
    capkit_job_set_progress_fn(j, on_progress, &p);
    const char *ins[] = {in};
    int rc = k == 0   ? capkit_job_merge(j, ins, 1, out)
             : k == 1 ? capkit_job_sort(j, in, out)
                      : capkit_job_dedup(j, in, out);
    CHECK_EQ(rc, 0);
    CHECK_EQ(capkit_job_output_kept(j), 0);
    CHECK_EQ(p.calls, (JN + 1) / 1024);
    CHECK(p.rising);
    CHECK_EQ(p.total, (uint64_t)st.st_size);
    capkit_job_free(j);
  }
}

int main(void) {
  test_random_files();
  test_damage();
  test_damage_mid_batch();
  test_filter();
  test_write_batch();
  test_gen_fill();
  test_flows();
  test_job_merge();
  test_job_damage();
  test_job_sort();
  test_job_dedup();
  test_job_hooks();
  test_job_sort_stretches();
  return tap_done();
}

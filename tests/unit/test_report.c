/* test_report.c - the report library: settings and misuse, TCP health
 * counts on hand-made segments (expected values worked out from TCP's
 * sequence rules, RFC 9293), the I/O graph's bounds and totals over
 * seeded random times, escaping of hostile names, a failing sink, and
 * whole input files (seeded captures, whole, filtered and cut). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

typedef struct seg {
  const char *spec;
  int64_t ns; /* time */
} seg;

static capkit_record make(uint8_t *buf, size_t cap, const char *spec,
                          int64_t ns) {
  capkit_record r = CAPKIT_RECORD_INIT;
  long n = capkit_build(spec, buf, cap, NULL);
  CHECK(n > 0 && (size_t)n <= cap);
  r.data = buf;
  r.caplen = r.origlen = (uint32_t)n;
  r.ts_sec = ns / 1000000000;
  r.ts_nsec = (uint32_t)(ns % 1000000000);
  return r;
}

#define AB "eth()/ipv4(src=10.0.0.1,dst=10.0.0.2)/tcp(sport=1000,dport=80,"
#define BA "eth()/ipv4(src=10.0.0.2,dst=10.0.0.1)/tcp(sport=80,dport=1000,"

static void test_tcp_health(void) {
  /* A (isn 100) and B (isn 500). Times in ms. */
  static const seg segs[] = {
      {AB "seq=100,flags=S)", 0},
      {BA "seq=500,ack=101,flags=SA)", 1000000},
      {AB "seq=101,ack=501,flags=A)", 2000000},
      {AB "seq=101,ack=501,flags=A)/payload(len=100)", 10000000},
      /* 201..300 sent again 200 ms later: a retransmission */
      {AB "seq=101,ack=501,flags=A)/payload(len=100)", 210000000},
      /* 301..400 is skipped: 401 comes first (a lost segment), then
         301 within 1 ms (out of order) */
      {AB "seq=301,ack=501,flags=A)/payload(len=100)", 300000000},
      {AB "seq=201,ack=501,flags=A)/payload(len=100)", 300500000},
      /* a keep-alive: one byte below the next sequence, not counted */
      {AB "seq=400,ack=501,flags=A)/payload(len=1)", 900000000},
      /* B's window closes (a zero window), then resets */
      {BA "seq=501,ack=401,flags=A,window=0)", 950000000},
      {BA "seq=501,flags=R,window=0)", 960000000},
      /* another conversation from the same host */
      {"eth()/ipv4(src=10.0.0.1,dst=10.0.0.3)/tcp(sport=1001,dport=443,"
       "flags=S)",
       970000000},
      {"eth()/ipv4(src=10.0.0.1,dst=10.0.0.3)/tcp(sport=1001,dport=443,"
       "seq=1,flags=F)",
       980000000},
      /* not TCP: ignored */
      {"eth()/ipv4()/udp()/payload(len=8)", 990000000},
  };
  capkit_tcp_health *h = capkit_tcp_health_new(0);
  CHECK(h != NULL);
  uint8_t buf[256];
  for (size_t i = 0; i < sizeof segs / sizeof *segs; i++) {
    capkit_record r = make(buf, sizeof buf, segs[i].spec, segs[i].ns);
    CHECK_EQ(capkit_tcp_health_add(h, &r, NULL), 0);
  }
  capkit_tcp_counts t;
  uint64_t untracked = 99;
  capkit_tcp_health_totals(h, &t, &untracked);
  CHECK_EQ(t.packets, 12);
  CHECK_EQ(t.syn, 3);
  CHECK_EQ(t.fin, 1);
  CHECK_EQ(t.rst, 1);
  CHECK_EQ(t.zero_window, 1); /* the RST's window 0 does not count */
  CHECK_EQ(t.retransmissions, 1);
  CHECK_EQ(t.out_of_order, 1);
  CHECK_EQ(t.lost, 1);
  CHECK_EQ(untracked, 0);
  CHECK_EQ(capkit_tcp_health_count(h), 2);
  const capkit_tcp_conv_health *c = capkit_tcp_health_at(h, 0);
  CHECK(c && c->port_a == 1000 && c->port_b == 80 && c->addr_len == 4);
  CHECK(c && c->n.packets == 10 && c->n.retransmissions == 1);
  CHECK(capkit_tcp_health_at(h, 2) == NULL);
  capkit_tcp_health_free(h);

  /* a table of one conversation: the second is counted apart */
  h = capkit_tcp_health_new(1);
  for (size_t i = 9; i < 12; i++) {
    capkit_record r = make(buf, sizeof buf, segs[i].spec, segs[i].ns);
    capkit_tcp_health_add(h, &r, NULL);
  }
  capkit_tcp_health_totals(h, &t, &untracked);
  CHECK_EQ(t.packets, 3);
  CHECK_EQ(t.syn, 1);
  CHECK_EQ(untracked, 2);
  CHECK_EQ(capkit_tcp_health_count(h), 1);
  capkit_record bad = {0};
  CHECK_EQ(capkit_tcp_health_add(h, &bad, NULL), CAPKIT_EMISUSE);
  capkit_tcp_health_free(h);
  capkit_tcp_health_free(NULL);
}

typedef struct mem {
  char *p;
  size_t n;
  int fail;
} mem;

static int mem_sink(void *user, const void *buf, size_t n) {
  mem *m = user;
  if (m->fail)
    return -1;
  char *q = realloc(m->p, m->n + n + 1);
  if (!q)
    return -1;
  memcpy(q + m->n, buf, n);
  m->n += n;
  q[m->n] = 0;
  m->p = q;
  return 0;
}

/* The sum of data-X="N" attributes after FROM up to TO (or the end). */
static uint64_t sum_attr(const char *from, const char *to, const char *attr,
                         size_t *count) {
  uint64_t s = 0;
  size_t k = strlen(attr);
  *count = 0;
  for (const char *p = from; (p = strstr(p, attr)) && (!to || p < to); p += k) {
    s += strtoull(p + k, NULL, 10);
    (*count)++;
  }
  return s;
}

static void test_settings_and_misuse(void) {
  capkit_report_settings set = CAPKIT_REPORT_SETTINGS_INIT;
  set.max_bins = 5;
  CHECK(capkit_report_new(&set) == NULL);
  set.max_bins = 0;
  set.flags = 0x80;
  CHECK(capkit_report_new(&set) == NULL);
  set.flags = 0;
  set.size = 4;
  CHECK(capkit_report_new(&set) == NULL);
  capkit_report *rp = capkit_report_new(NULL);
  CHECK(rp != NULL);
  uint8_t buf[128];
  capkit_record r = make(buf, sizeof buf, "eth()/ipv4()/udp()", 0);
  CHECK_EQ(capkit_report_add(rp, &r), CAPKIT_EMISUSE); /* no file */
  CHECK_EQ(capkit_report_end(rp, NULL, 0), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_report_begin(rp, "a<b>", NULL), 0);
  CHECK_EQ(capkit_report_begin(rp, "again", NULL), CAPKIT_EMISUSE);
  capkit_record zero = {0};
  CHECK_EQ(capkit_report_add(rp, &zero), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_report_add(rp, &r), 0);
  mem m = {0};
  CHECK_EQ(capkit_report_write_fn(rp, mem_sink, &m), CAPKIT_EMISUSE);
  capkit_report_on_warning(rp, CAPKIT_W_TS_BACKWARDS, 40, 7,
                           "x: offset 40, record 7: <script>alert(1)</script>");
  CHECK_EQ(capkit_report_damage(rp, 100, 16, 8, "garbage & \"more\""), 0);
  CHECK_EQ(capkit_report_end(rp, NULL, CAPKIT_ETRUNC), 0);
  CHECK_EQ(capkit_report_file_count(rp), 1);
  CHECK(capkit_report_stats(rp, 0) != NULL);
  CHECK(capkit_report_stats(rp, 1) == NULL);
  CHECK(capkit_report_stats(rp, SIZE_MAX) == NULL); /* not combined */
  CHECK_EQ(capkit_report_write_fn(rp, mem_sink, &m), 0);
  CHECK(m.p && strstr(m.p, "<!DOCTYPE html>") == m.p);
  CHECK(m.p && !strstr(m.p, "a<b>") && strstr(m.p, "a&lt;b&gt;"));
  CHECK(m.p && !strstr(m.p, "<script>alert"));
  CHECK(m.p && strstr(m.p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(m.p && strstr(m.p, "garbage &amp; &quot;more&quot;"));
  CHECK(m.p && strstr(m.p, "data-kind=\"TS_BACKWARDS\" data-v=\"1\""));
  CHECK(m.p && strstr(m.p, "class=\"damage\" data-code=\"CAPKIT_ETRUNC\""));
  /* one script element only: the page's own */
  size_t scripts = 0;
  for (const char *p = m.p; p && (p = strstr(p, "<script")); p++)
    scripts++;
  CHECK_EQ(scripts, 1);
  free(m.p);
  mem f = {NULL, 0, 1};
  CHECK_EQ(capkit_report_write_fn(rp, mem_sink, &f), CAPKIT_EIO);
  CHECK_EQ(capkit_report_write(rp, NULL), CAPKIT_EMISUSE);
  capkit_report_free(rp);
  capkit_report_free(NULL);
}

static uint64_t rnd(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Seeded: spans from microseconds to decades, any order, automatic and
 * given intervals: the graph's bins hold every packet and byte, there are
 * at most max_bins of them, and an automatic width is a round one. */
static void test_series_property(void) {
  static const double round_widths[] = {
      1e-6, 2e-6, 1e-5, 2e-5, 1e-4,  2e-4,  1e-3, 2e-3, 1e-2,
      2e-2, 0.1,  0.2,  1,    2,     10,    20,   60,   120,
      600,  1200, 3600, 7200, 21600, 43200, 86400};
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  uint8_t buf[128];
  for (int round = 0; round < 60; round++) {
    capkit_report_settings set = CAPKIT_REPORT_SETTINGS_INIT;
    set.max_bins = 10 + rnd(&seed) % 300;
    int given = round % 3 == 0;
    if (given)
      set.interval_ns = 1 + rnd(&seed) % 1000000000;
    capkit_report *rp = capkit_report_new(&set);
    CHECK(rp != NULL);
    capkit_report_begin(rp, "r", NULL);
    static const int64_t unit[] = {1000, 1000000, 1000000000, 3600000000000,
                                   86400000000000};
    int64_t span = (int64_t)(1 + rnd(&seed) % 2000) * unit[round % 5];
    int n = 1 + (int)(rnd(&seed) % 400);
    uint64_t bytes = 0;
    for (int i = 0; i < n; i++) {
      int64_t t = 1700000000000000000 + (int64_t)(rnd(&seed) % (uint64_t)span);
      capkit_record r = make(buf, sizeof buf, "eth()/ipv4()/udp()", t);
      r.origlen += (uint32_t)(rnd(&seed) % 1000);
      bytes += r.origlen;
      CHECK_EQ(capkit_report_add(rp, &r), 0);
    }
    capkit_report_end(rp, NULL, 0);
    mem m = {0};
    CHECK_EQ(capkit_report_write_fn(rp, mem_sink, &m), 0);
    const char *pps = m.p ? strstr(m.p, "data-k=\"pps\"") : NULL;
    const char *bps = pps ? strstr(pps, "data-k=\"bps\"") : NULL;
    CHECK(pps && bps);
    if (pps && bps) {
      size_t bins, bins2;
      CHECK_EQ(sum_attr(pps, bps, "data-p=\"", &bins), (uint64_t)n);
      CHECK_EQ(sum_attr(pps, bps, "data-b=\"", &bins2), bytes);
      size_t total = strtoull(strstr(pps, "data-n=\"") + 8, NULL, 10);
      CHECK(bins >= 1 && bins <= total && total <= set.max_bins);
      double iv = strtod(strstr(pps, "data-iv=\"") + 9, NULL);
      int is_round = 0;
      for (size_t k = 0; k < sizeof round_widths / sizeof *round_widths; k++)
        is_round |=
            iv > round_widths[k] * 0.999999 && iv < round_widths[k] * 1.000001;
      if (given) {
        /* the given width, doubled some times */
        double q = iv / ((double)set.interval_ns / 1e9);
        while (q > 1.5)
          q /= 2;
        CHECK(q > 0.999999 && q < 1.000001);
      } else {
        CHECK(is_round || iv >= 86400);
        /* and the finest round width that fits: half of it would not
           (the span seen covers more than max_bins / 5 of the bins) */
        CHECK(iv <= 1e-6 * 1.01 || total * 5 + 10 > set.max_bins);
      }
    }
    free(m.p);
    capkit_report_free(rp);
  }
}

/* Whatever the input and the settings, the page stays under 2 MiB: many
 * files of scattered times with the finest graph and the longest lists,
 * and names of hostile length. */
static void test_page_bound(void) {
  capkit_report_settings set = CAPKIT_REPORT_SETTINGS_INIT;
  set.max_bins = 20000;
  set.top = 100;
  set.flags = CAPKIT_REPORT_COMBINED;
  capkit_report *rp = capkit_report_new(&set);
  CHECK(rp != NULL);
  uint64_t seed = 42;
  uint8_t buf[128];
  char name[20001];
  memset(name, '"', sizeof name - 1);
  name[sizeof name - 1] = 0;
  for (int f = 0; f < 400; f++) {
    name[0] = (char)('A' + f % 26);
    CHECK_EQ(capkit_report_begin(rp, name, NULL), 0);
    for (int i = 0; i < (f < 12 ? 3000 : 10); i++) {
      char spec[160];
      snprintf(spec, sizeof spec,
               "eth()/ipv4(src=10.%u.%u.%u,dst=10.0.0.1)/udp(sport=%u)",
               (unsigned)(rnd(&seed) % 256), (unsigned)(rnd(&seed) % 256),
               (unsigned)(rnd(&seed) % 256), (unsigned)(rnd(&seed) % 65536));
      int64_t t =
          1700000000000000000 + (int64_t)(rnd(&seed) % 31536000000000000ull);
      capkit_record r = make(buf, sizeof buf, spec, t);
      capkit_report_add(rp, &r);
      if (i % 10 == 0)
        capkit_report_on_warning(rp, CAPKIT_W_TS_BACKWARDS, 1, 2, name);
    }
    capkit_report_end(rp, NULL, 0);
  }
  mem m = {0};
  CHECK_EQ(capkit_report_write_fn(rp, mem_sink, &m), 0);
  CHECK(m.n > 0 && m.n < 2 * 1024 * 1024);
  CHECK(m.p && strstr(m.p, "data-left-out=\""));
  CHECK(m.p && strstr(m.p, "</html>"));
  /* the names are cut, not the page */
  CHECK(m.p && !strstr(m.p, "A\"") && strstr(m.p, "&quot;&quot;..."));
  free(m.p);
  capkit_report_free(rp);
}

/* ---- one input file: capkit_report_add_path ---- */

static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t part_packets(const capkit_report *rp, size_t i) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  const capkit_stats *st = capkit_report_stats(rp, i);
  CHECK(st != NULL);
  capkit_stats_get_summary(st, &sum);
  return sum.packets;
}

/* Seeded captures of UDP and TCP packets (a pcap file as
 * draft-ietf-opsawg-pcap lays it out), whole, filtered, and cut inside a
 * record: the part counts what a reader must see (the records before the
 * cut), the error is the reader's; a bad filter, a missing file, misuse. */
static void test_add_path(void) {
  static uint8_t file[24 + 64 * (16 + 128)];
  char path[512];
  snprintf(path, sizeof path, "%s/in.pcap", tap_tmpdir());
  uint64_t seed = 7;
  for (int round = 0; round < 40; round++) {
    memset(file, 0, 24);
    le32(file, 0xa1b2c3d4u);
    file[4] = 2;
    file[6] = 4;
    le32(file + 16, 65535);
    le32(file + 20, 1);
    size_t off = 24, n = 1 + rnd(&seed) % 64, udp = 0, starts[64];
    for (size_t i = 0; i < n; i++) {
      int is_udp = (int)(rnd(&seed) & 1);
      udp += (size_t)is_udp;
      uint8_t *h = file + off;
      long len = capkit_build(is_udp ? "eth()/ipv4()/udp()/payload(len=20)"
                                     : "eth()/ipv4()/tcp()/payload(len=30)",
                              h + 16, 128, NULL);
      CHECK(len > 0);
      le32(h, 1000 + (uint32_t)i);
      le32(h + 8, (uint32_t)len);
      le32(h + 12, (uint32_t)len);
      starts[i] = off;
      off += 16 + (size_t)len;
    }
    /* cut inside record CUT's data (its header whole), or not at all */
    size_t cut = (size_t)(rnd(&seed) % (n + 1)), size = off;
    if (cut < n)
      size = starts[cut] + 16 + 1 + rnd(&seed) % 10;
    FILE *o = fopen(path, "wb");
    CHECK(o != NULL && fwrite(file, 1, size, o) == size);
    fclose(o);
    capkit_report *rp = capkit_report_new(NULL);
    int rc = capkit_report_add_path(rp, path, NULL);
    size_t udp_before = 0;
    for (size_t i = 0; i < cut && i < n; i++)
      udp_before += file[starts[i] + 16 + 23] == 17; /* IPv4 protocol */
    if (cut < n) {
      CHECK_EQ(capkit_error_class_of(rc), CAPKIT_CLASS_DATA);
      CHECK(strstr(capkit_report_error(rp), path) == capkit_report_error(rp));
      CHECK_EQ(part_packets(rp, 0), cut);
    } else {
      CHECK_EQ(rc, 0);
      CHECK_EQ(*capkit_report_error(rp), '\0');
      CHECK_EQ(part_packets(rp, 0), n);
      udp_before = udp;
    }
    rc = capkit_report_add_path(rp, path, "udp");
    CHECK_EQ(rc == 0, cut >= n);
    CHECK_EQ(part_packets(rp, 1), udp_before);
    capkit_report_free(rp);
  }
  capkit_report *rp = capkit_report_new(NULL);
  CHECK_EQ(capkit_report_add_path(rp, path, "ip and and"), CAPKIT_EFILTER);
  CHECK(strncmp(capkit_report_error(rp), "bad filter 'ip and and': ", 25) == 0);
  CHECK_EQ(part_packets(rp, 0), 0u);
  char missing[600];
  snprintf(missing, sizeof missing, "%s/none.pcap", tap_tmpdir());
  int rc = capkit_report_add_path(rp, missing, NULL);
  CHECK_EQ(capkit_error_class_of(rc), CAPKIT_CLASS_SYSTEM);
  CHECK(strstr(capkit_report_error(rp), "none.pcap") != NULL);
  CHECK_EQ(capkit_report_file_count(rp), 2u);
  CHECK_EQ(capkit_report_add_path(rp, NULL, NULL), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_report_add_path(NULL, path, NULL), CAPKIT_EMISUSE);
  capkit_report_free(rp);
  remove(path);
}

int main(void) {
  test_page_bound();
  test_tcp_health();
  test_settings_and_misuse();
  test_series_property();
  test_add_path();
  return tap_done();
}

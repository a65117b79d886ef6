/* test_stats.c - the statistics accumulator through its public API: a
 * capture split at random points and merged gives exactly the one-pass
 * result (seeded property test over random packets, times, intervals and
 * bin caps), series bins against a 128-bit reference of tshark's io,stat
 * rule floor((t - origin) / interval), exact time spans over the whole
 * int64 range of seconds, the conversation cap, misuse, and the series of
 * several inputs (read once or again by name) on tshark's grid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/decode.h>
#include <capkit/stats.h>

#include "tap.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static uint32_t below(uint32_t n) { return (uint32_t)(rnd() % n); }

/* ---- random packets ---------------------------------------------------- */

#define MAXPKT 128
typedef struct rec_store {
  capkit_record rec;
  uint8_t data[MAXPKT];
} rec_store;

static void put16(uint8_t *p, unsigned v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* An Ethernet ARP request's EtherType and fixed fields at P. */
static void put_arp(uint8_t *p) {
  put16(p + 12, 0x0806);
  put16(p + 14, 1);
  put16(p + 16, 0x0800);
  p[18] = 6;
  p[19] = 4;
  put16(p + 20, 1);
}

/* Ethernet + IPv4/IPv6 + TCP/UDP (or ARP) between a few hosts and ports,
 * so that conversations repeat in both directions. */
static uint32_t make_packet(uint8_t *p) {
  memset(p, 0, MAXPKT);
  int kind = (int)below(5); /* 0-1 v4 tcp/udp, 2-3 v6 tcp/udp, 4 arp */
  int h1 = (int)below(4), h2 = (int)below(4);
  p[5] = (uint8_t)(1 + h1);
  p[11] = (uint8_t)(1 + h2);
  uint32_t n = 14;
  if (kind == 4) {
    put_arp(p);
    return 14 + 28;
  }
  int tcp = kind == 0 || kind == 2;
  uint32_t tl = tcp ? 20 : 8, pay = below(20);
  if (kind < 2) {
    put16(p + 12, 0x0800);
    uint8_t *ip = p + 14;
    ip[0] = 0x45;
    put16(ip + 2, 20 + tl + pay);
    ip[8] = 64;
    ip[9] = tcp ? 6 : 17;
    ip[12] = 10;
    ip[15] = (uint8_t)(1 + h1);
    ip[16] = 10;
    ip[19] = (uint8_t)(1 + h2);
    n += 20;
  } else {
    put16(p + 12, 0x86dd);
    uint8_t *ip = p + 14;
    ip[0] = 0x60;
    put16(ip + 4, tl + pay);
    ip[6] = tcp ? 6 : 17;
    ip[7] = 64;
    ip[8] = 0xfe;
    ip[9] = 0x80;
    ip[23] = (uint8_t)(1 + h1);
    ip[24] = 0xfe;
    ip[25] = 0x80;
    ip[39] = (uint8_t)(1 + h2);
    n += 40;
  }
  static const unsigned ports[] = {1000, 2000, 7777, 9999};
  put16(p + n, ports[below(4)]);
  put16(p + n + 2, ports[below(4)]);
  if (tcp) {
    p[n + 12] = 0x50;
    p[n + 13] = 0x10;
  } else {
    put16(p + n + 4, 8 + pay);
  }
  return n + tl + pay;
}

/* N random records; times advance with jumps back (an appended older
 * capture) and, when EXTREME, anywhere in a huge range of seconds. */
static rec_store *make_records(size_t n, int extreme) {
  rec_store *v = calloc(n, sizeof *v);
  int64_t sec = 1700000000 + (int64_t)below(1000);
  uint32_t nsec = below(1000000000);
  for (size_t i = 0; i < n; i++) {
    capkit_record_init(&v[i].rec);
    uint32_t len = make_packet(v[i].data);
    uint32_t r = below(100);
    if (extreme && r < 10)
      sec = (int64_t)(rnd() >> 1) * (below(2) ? 1 : -1) / (1 + below(3));
    else if (r < 5)
      sec -= below(50);
    else
      sec += below(2);
    nsec = below(1000000000);
    v[i].rec.ts_sec = sec;
    v[i].rec.ts_nsec = nsec;
    v[i].rec.caplen = below(8) ? len : len / 2; /* some snapped */
    v[i].rec.origlen = len + (below(4) ? 0 : below(1500));
    v[i].rec.data = v[i].data;
    v[i].rec.iface_id = below(3);
    v[i].rec.number = i + 1;
  }
  return v;
}

/* ---- comparing two accumulators ---------------------------------------- */

static int same_time(capkit_time a, capkit_time b) {
  return a.sec == b.sec && a.nsec == b.nsec;
}

static int same(const capkit_stats *x, const capkit_stats *y) {
  capkit_stats_summary a = CAPKIT_STATS_SUMMARY_INIT,
                       b = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(x, &a);
  capkit_stats_get_summary(y, &b);
  if (a.packets != b.packets || a.bytes != b.bytes ||
      a.captured_bytes != b.captured_bytes || a.min_len != b.min_len ||
      a.max_len != b.max_len || a.min_caplen != b.min_caplen ||
      a.max_caplen != b.max_caplen || !same_time(a.first, b.first) ||
      !same_time(a.last, b.last) || !same_time(a.earliest, b.earliest) ||
      !same_time(a.latest, b.latest) || a.out_of_order != b.out_of_order)
    return 0;
  if (capkit_stats_linktype_count(x) != capkit_stats_linktype_count(y))
    return 0;
  for (uint32_t i = 0; i < 4; i++)
    if (capkit_stats_iface_packets(x, i) != capkit_stats_iface_packets(y, i))
      return 0;
  size_t nn = capkit_stats_node_count(x);
  if (nn != capkit_stats_node_count(y))
    return 0;
  for (size_t i = 0; i < nn; i++) {
    const capkit_stats_node *p = capkit_stats_node_at(x, i),
                            *q = capkit_stats_node_at(y, i);
    if (strcmp(p->name, q->name) || p->parent != q->parent ||
        p->first_child != q->first_child ||
        p->next_sibling != q->next_sibling || p->packets != q->packets ||
        p->bytes != q->bytes)
      return 0;
  }
  for (int k = 0; k < CAPKIT_CONV_KINDS; k++) {
    size_t n = capkit_stats_conv_count(x, k);
    if (n != capkit_stats_conv_count(y, k))
      return 0;
    for (size_t i = 0; i < n; i++) {
      const capkit_stats_conv *p = capkit_stats_conv_at(x, k, i),
                              *q = capkit_stats_conv_at(y, k, i);
      if (memcmp(p->a, q->a, 16) || memcmp(p->b, q->b, 16) ||
          p->port_a != q->port_a || p->port_b != q->port_b ||
          p->packets_ab != q->packets_ab || p->bytes_ab != q->bytes_ab ||
          p->packets_ba != q->packets_ba || p->bytes_ba != q->bytes_ba ||
          !same_time(p->first, q->first) || !same_time(p->last, q->last) ||
          p->order != q->order)
        return 0;
    }
    uint64_t p1, b1, p2, b2;
    capkit_stats_conv_overflow(x, k, &p1, &b1);
    capkit_stats_conv_overflow(y, k, &p2, &b2);
    if (p1 != p2 || b1 != b2)
      return 0;
  }
  for (int i = 0; i < CAPKIT_STATS_SIZE_BINS; i++) {
    uint64_t p1, b1, p2, b2;
    capkit_stats_size_bin(x, i, NULL, NULL, &p1, &b1);
    capkit_stats_size_bin(y, i, NULL, NULL, &p2, &b2);
    if (p1 != p2 || b1 != b2)
      return 0;
  }
  capkit_span i1, i2;
  size_t nb = capkit_stats_series(x, &i1);
  if (nb != capkit_stats_series(y, &i2) || i1.sec != i2.sec ||
      i1.nsec != i2.nsec)
    return 0;
  for (size_t i = 0; i < nb; i++) {
    capkit_time s1, s2;
    uint64_t p1, b1, p2, b2;
    capkit_stats_bin(x, i, &s1, &p1, &b1);
    capkit_stats_bin(y, i, &s2, &p2, &b2);
    if (!same_time(s1, s2) || p1 != p2 || b1 != b2)
      return 0;
    size_t px = 0, py = 0;
    int lx, ly, rx, ry;
    do {
      rx = capkit_stats_bin_layer_next(x, i, &px, &lx, &p1, &b1);
      ry = capkit_stats_bin_layer_next(y, i, &py, &ly, &p2, &b2);
      if (rx != ry || (rx == 1 && (lx != ly || p1 != p2 || b1 != b2)))
        return 0;
    } while (rx == 1);
  }
  return 1;
}

/* The series modes the property tests run over. */
static const unsigned modes[] = {
    0, CAPKIT_STATS_SERIES_ROUND, CAPKIT_STATS_SERIES_LAYERS,
    CAPKIT_STATS_SERIES_ROUND | CAPKIT_STATS_SERIES_LAYERS};

/* A new accumulator in MODE. */
static capkit_stats *new_in(const capkit_stats_settings *set, unsigned mode) {
  capkit_stats *s = capkit_stats_new(set);
  if (s && capkit_stats_series_mode(s, mode) != 0) {
    capkit_stats_free(s);
    return NULL;
  }
  return s;
}

/* Split N records at random points into parts, count each part in its own
 * accumulator and merge them in order: the same as one pass. */
static void split_merge(int extreme, int rounds) {
  int bad = 0, merge_failed = 0;
  for (int round = 0; round < rounds; round++) {
    size_t n = 1 + below(400);
    rec_store *v = make_records(n, extreme);
    capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
    set.interval_ns = 1 + (uint64_t)below(3000000000u);
    set.has_origin = 1;
    set.origin =
        (capkit_time){v[0].rec.ts_sec - (int64_t)below(5), below(1000000000)};
    set.max_bins = 2 + below(64);
    set.max_conversations = below(3) ? 0 : 1 + below(20);
    unsigned mode = modes[round % 4];
    capkit_stats *whole = new_in(&set, mode);
    for (size_t i = 0; i < n; i++)
      capkit_stats_add(whole, &v[i].rec, NULL);
    capkit_stats *acc = new_in(&set, mode);
    size_t at = 0;
    while (at < n) {
      size_t len = below(3) ? 1 + below((uint32_t)(n - at)) : 0;
      capkit_stats *part = new_in(&set, mode);
      for (size_t i = at; i < at + len; i++)
        capkit_stats_add(part, &v[i].rec, NULL);
      if (capkit_stats_merge(acc, part) != 0)
        merge_failed++;
      capkit_stats_free(part);
      at += len;
    }
    /* with a table cap the merge is exact only when nothing overflowed */
    int over = 0;
    for (int k = 0; k < CAPKIT_CONV_KINDS; k++) {
      uint64_t p;
      capkit_stats_conv_overflow(whole, k, &p, NULL);
      over |= p != 0;
    }
    if (!over && !same(whole, acc))
      bad++;
    capkit_stats_free(whole);
    capkit_stats_free(acc);
    free(v);
  }
  CHECK_EQ(merge_failed, 0);
  CHECK_EQ(bad, 0);
}

/* ---- the series against a 128-bit reference ---------------------------- */

#ifdef __SIZEOF_INT128__
typedef __int128 i128;

static i128 ns_of(capkit_time t) { return (i128)t.sec * 1000000000 + t.nsec; }

static i128 floor_div(i128 a, i128 b) {
  i128 q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The lowest and highest bin of N records on the grid ORIGIN + k WIDTH. */
static void bin_range(const rec_store *v, size_t n, capkit_time origin,
                      i128 width, i128 *lo, i128 *hi) {
  for (size_t i = 0; i < n; i++) {
    capkit_time t = {v[i].rec.ts_sec, v[i].rec.ts_nsec};
    i128 b = floor_div(ns_of(t) - ns_of(origin), width);
    if (i == 0 || b < *lo)
      *lo = b;
    if (i == 0 || b > *hi)
      *hi = b;
  }
}

/* Round width K as stats.h defines it: 1 and 2 x 10^k from 1 us to 20 s,
 * then 1, 2, 10, 20 min, 1, 2, 6, 12 h, 1 day, doubling after. */
static i128 round_width(int k) {
  static const int64_t after[] = {60, 120, 600, 1200, 3600, 7200, 21600, 43200};
  if (k < 16) {
    i128 w = 1000;
    for (int i = 0; i < k / 2; i++)
      w *= 10;
    return k % 2 ? 2 * w : w;
  }
  if (k < 24)
    return (i128)after[k - 16] * 1000000000;
  return (i128)86400 * 1000000000 << (k - 24);
}

/* The top layer of a record by the definition: the outermost application
 * layer, else transport, else network, else the first; 0 with none (or a
 * type beyond the counted ones). */
static int top_layer_of(const capkit_record *rec) {
  capkit_layer l[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet p;
  capkit_packet_init(&p, l, CAPKIT_DECODE_MAX_LAYERS);
  capkit_decode_record(&p, rec, 0);
  int i = p.app >= 0 ? p.app : p.trans >= 0 ? p.trans : p.net;
  if (i < 0 && p.count)
    i = 0;
  int t = i >= 0 ? l[i].type : 0;
  return t < CAPKIT_STATS_BIN_LAYERS ? t : 0;
}

static void series_reference(int extreme, int rounds) {
  int bad = 0;
  for (int round = 0; round < rounds; round++) {
    size_t n = 1 + below(300);
    rec_store *v = make_records(n, extreme);
    capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
    set.what = CAPKIT_STATS_SERIES;
    set.interval_ns = 1 + (uint64_t)below(2000000000u);
    set.max_bins = 2 + below(1000);
    unsigned mode = modes[round % 4];
    int rnd_w = (mode & CAPKIT_STATS_SERIES_ROUND) != 0;
    int lays = (mode & CAPKIT_STATS_SERIES_LAYERS) != 0;
    if (rnd_w && below(2)) /* the report's start: the first round width */
      set.interval_ns = 1 + below(1000);
    capkit_stats *s = new_in(&set, mode);
    for (size_t i = 0; i < n; i++)
      capkit_stats_add(s, &v[i].rec, NULL);
    capkit_time origin;
    capkit_stats_origin(s, &origin);
    /* the grid's origin is the first record's time */
    bad += !same_time(origin, (capkit_time){v[0].rec.ts_sec, v[0].rec.ts_nsec});
    capkit_span iv;
    size_t nb = capkit_stats_series(s, &iv);
    i128 width = (i128)iv.sec * 1000000000 + iv.nsec;
    i128 lo, hi;
    bin_range(v, n, origin, width, &lo, &hi);
    bad += (i128)nb != hi - lo + 1 || nb > set.max_bins;
    if (!rnd_w && width > (i128)set.interval_ns) {
      /* the width is the setting doubled k times, k the least that fits:
       * half the width would not have fitted */
      i128 l2, h2;
      bin_range(v, n, origin, width / 2, &l2, &h2);
      bad += h2 - l2 + 1 <= (i128)set.max_bins && h2 - l2 + 1 < ((i128)1 << 62);
    }
    if (rnd_w) {
      /* a round width, the least at or above the setting that fits */
      int k = 0;
      while (round_width(k) < width && k < 120)
        k++;
      bad += round_width(k) != width || width < (i128)set.interval_ns;
      if (k > 0 && round_width(k - 1) >= (i128)set.interval_ns) {
        i128 l2, h2;
        bin_range(v, n, origin, round_width(k - 1), &l2, &h2);
        bad +=
            h2 - l2 + 1 <= (i128)set.max_bins && h2 - l2 + 1 < ((i128)1 << 62);
      }
      /* records in time order from the origin: the width of the span */
      int forward = 1;
      for (size_t i = 1; i < n; i++)
        forward &=
            ns_of((capkit_time){v[i].rec.ts_sec, v[i].rec.ts_nsec}) >=
            ns_of((capkit_time){v[i - 1].rec.ts_sec, v[i - 1].rec.ts_nsec});
      i128 span =
          ns_of((capkit_time){v[n - 1].rec.ts_sec, v[n - 1].rec.ts_nsec}) -
          ns_of(origin);
      if (forward && set.interval_ns <= 1000 && span < ((i128)1 << 64))
        bad += (i128)capkit_stats_series_round_step((uint64_t)span,
                                                    set.max_bins) != width;
    }
    uint64_t *pk = calloc(nb ? nb : 1, sizeof *pk);
    uint64_t *by = calloc(nb ? nb : 1, sizeof *by);
    uint64_t(*lp)[CAPKIT_STATS_BIN_LAYERS] = calloc(nb ? nb : 1, sizeof *lp);
    uint64_t(*lb)[CAPKIT_STATS_BIN_LAYERS] = calloc(nb ? nb : 1, sizeof *lb);
    for (size_t i = 0; i < n; i++) {
      capkit_time t = {v[i].rec.ts_sec, v[i].rec.ts_nsec};
      i128 b = floor_div(ns_of(t) - ns_of(origin), width) - lo;
      if (b >= 0 && b < (i128)nb) {
        int l = top_layer_of(&v[i].rec);
        pk[b]++;
        by[b] += v[i].rec.origlen;
        lp[b][l]++;
        lb[b][l] += v[i].rec.origlen;
      }
    }
    for (size_t i = 0; i < nb; i++) {
      capkit_time st;
      uint64_t p, b;
      capkit_stats_bin(s, i, &st, &p, &b);
      i128 want = ns_of(origin) + ((lo + (i128)i) * width);
      bad += p != pk[i] || b != by[i];
      /* starts are exact unless saturated at the ends of int64 */
      if (st.sec != INT64_MAX && st.sec != INT64_MIN)
        bad += ns_of(st) != want;
      /* the layer counts: every layer with packets, in increasing order */
      size_t pos = 0;
      int l, prev = -1, rc;
      uint64_t seen = 0;
      while ((rc = capkit_stats_bin_layer_next(s, i, &pos, &l, &p, &b)) == 1) {
        bad += !lays || l <= prev || p == 0 || p != lp[i][l] || b != lb[i][l];
        seen += p;
        prev = l;
      }
      bad += lays ? rc != 0 || seen != pk[i] : rc != CAPKIT_ENOTFOUND;
    }
    free(pk);
    free(by);
    free(lp);
    free(lb);
    capkit_stats_free(s);
    free(v);
  }
  CHECK_EQ(bad, 0);
}

static void time_sub_reference(void) {
  int bad = 0;
  for (int i = 0; i < 100000; i++) {
    capkit_time a = {(int64_t)rnd(), below(1000000000)};
    capkit_time b = {(int64_t)rnd(), below(1000000000)};
    if (i & 1)
      b.sec = a.sec + (int64_t)below(5) - 2;
    capkit_span d = capkit_time_span(a, b);
    i128 want = ns_of(a) - ns_of(b);
    i128 got = (i128)d.sec * 1000000000 + d.nsec;
    bad += (d.negative ? -got : got) != want || d.nsec > 999999999u ||
           (want == 0 && d.negative);
  }
  CHECK_EQ(bad, 0);
}
#endif

/* ---- fixed cases -------------------------------------------------------- */

/* One record of cap bytes at data (orig on the wire) into s. */
static void add_data(capkit_stats *s, int64_t sec, uint32_t nsec,
                     uint32_t cap, uint32_t orig, const uint8_t *data) {
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.ts_sec = sec;
  rec.ts_nsec = nsec;
  rec.caplen = cap;
  rec.origlen = orig;
  rec.data = data;
  CHECK_EQ(capkit_stats_add(s, &rec, NULL), 0);
}

static void add_at(capkit_stats *s, int64_t sec, uint32_t nsec, uint32_t cap,
                   uint32_t orig) {
  static uint8_t data[MAXPKT];
  memset(data, 0, sizeof data);
  add_data(s, sec, nsec, cap, orig, data);
}

static void summary_definitions(void) {
  capkit_stats *s = capkit_stats_new(NULL);
  /* an appended older capture: the duration runs earliest to latest */
  add_at(s, 100, 0, 60, 100);
  add_at(s, 104, 0, 60, 300);
  add_at(s, 98, 500000000, 20, 20);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  CHECK_EQ(capkit_stats_get_summary(s, &sum), 0);
  CHECK_EQ(sum.packets, 3u);
  CHECK_EQ(sum.bytes, 420u);
  CHECK_EQ(sum.captured_bytes, 140u);
  CHECK_EQ(sum.min_len, 20u);
  CHECK_EQ(sum.max_len, 300u);
  CHECK_EQ(sum.min_caplen, 20u);
  CHECK_EQ(sum.earliest.sec, 98);
  CHECK_EQ(sum.latest.sec, 104);
  CHECK_EQ(sum.first.sec, 100);
  CHECK_EQ(sum.last.sec, 98);
  CHECK_EQ(sum.out_of_order, 1u);
  CHECK(sum.duration == 5.5);
  CHECK(sum.byte_rate == 420 / 5.5);
  CHECK(sum.bit_rate == 420 * 8 / 5.5);
  CHECK(sum.mean_size == 140.0);
  /* the grid runs from the first record (100 s) both ways: bins 98..104 */
  capkit_span iv;
  CHECK_EQ(capkit_stats_series(s, &iv), 7u);
  capkit_time st;
  uint64_t p;
  CHECK_EQ(capkit_stats_bin(s, 0, &st, &p, NULL), 0);
  CHECK_EQ(st.sec, 98);
  CHECK_EQ(p, 1u);
  CHECK_EQ(capkit_stats_bin(s, 7, &st, &p, NULL), CAPKIT_ENOTFOUND);
  capkit_stats_free(s);

  /* one packet: no duration, no rates (capinfos' n/a) */
  s = capkit_stats_new(NULL);
  add_at(s, 5, 0, 10, 10);
  CHECK_EQ(capkit_stats_get_summary(s, &sum), 0);
  CHECK(sum.duration == 0 && sum.byte_rate == 0 && sum.packet_rate == 0);
  capkit_stats_free(s);
}

/* An Ethernet frame of KIND at SEC.NSEC: 0 IPv4/TCP, 1 IPv4/UDP (ports
 * no decoder claims), 2 ARP, 3 an EtherType nobody decodes. */
static void add_kind(capkit_stats *s, int64_t sec, uint32_t nsec, int kind,
                     uint32_t orig) {
  static uint8_t d[MAXPKT];
  memset(d, 0, sizeof d);
  uint32_t n = 60;
  if (kind == 2) {
    put_arp(d);
  } else if (kind == 3) {
    put16(d + 12, 0x88b5);
  } else {
    put16(d + 12, 0x0800);
    d[14] = 0x45;
    put16(d + 16, kind ? 28 : 40);
    d[22] = 64;
    d[23] = kind ? 17 : 6;
    d[26] = d[30] = 10;
    d[29] = 1;
    d[33] = 2;
    put16(d + 34, 40000);
    put16(d + 36, 40001);
    if (kind) {
      put16(d + 38, 8);
    } else {
      d[46] = 0x50;
      d[47] = 0x10;
    }
  }
  add_data(s, sec, nsec, n, orig, d);
}

/* One layer count of bin I: LAYER's packets and bytes (0 when absent). */
static void bin_layer(const capkit_stats *s, size_t i, int layer,
                      uint64_t *packets, uint64_t *bytes) {
  size_t pos = 0;
  int l;
  uint64_t p, b;
  *packets = *bytes = 0;
  while (capkit_stats_bin_layer_next(s, i, &pos, &l, &p, &b) == 1)
    if (l == layer) {
      *packets = p;
      *bytes = b;
    }
}

/* Round widths and layer counts worked out by hand. */
static void series_modes(void) {
  /* round_step: SPAN / width < MAX_BINS with the least round width */
  CHECK_EQ(capkit_stats_series_round_step(0, 300), 1000u);
  CHECK_EQ(capkit_stats_series_round_step(299999, 300), 1000u);
  CHECK_EQ(capkit_stats_series_round_step(300000, 300), 2000u);
  CHECK_EQ(capkit_stats_series_round_step(599999, 300), 2000u);
  CHECK_EQ(capkit_stats_series_round_step(600000, 300), 10000u);
  /* an hour in 300 bins: 10 s gives 360, 20 s gives 180 */
  CHECK_EQ(capkit_stats_series_round_step(3600000000000ull, 300),
           20000000000ull);
  /* 3 days: 10 min gives 432, 20 min 216 */
  CHECK_EQ(capkit_stats_series_round_step(259200000000000ull, 300),
           1200000000000ull);
  /* 10 days in 2 bins: 4 days gives 2 (10 / 4), 8 days 1 */
  CHECK_EQ(capkit_stats_series_round_step(864000000000000ull, 2),
           8 * 86400000000000ull);
  /* the whole range: a day doubled 17 times (2^64 / (86400e9 << 16) is 3) */
  CHECK_EQ(capkit_stats_series_round_step(UINT64_MAX, 2),
           86400000000000ull << 17);
  CHECK_EQ(capkit_stats_series_round_step(5, 0), 0u);

  /* 1 us bins would need 13 for 12 us: 2 us, bins 0, 2, 4 and 6 */
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.what = CAPKIT_STATS_SERIES;
  set.interval_ns = 1000;
  set.max_bins = 10;
  capkit_stats *s = capkit_stats_new(&set);
  CHECK_EQ(capkit_stats_series_mode(s, CAPKIT_STATS_SERIES_ROUND |
                                           CAPKIT_STATS_SERIES_LAYERS),
           0);
  add_kind(s, 100, 0, 0, 70);
  add_kind(s, 100, 4000, 1, 80);
  add_kind(s, 100, 5999, 1, 90);
  add_kind(s, 100, 9000, 2, 60);
  add_kind(s, 100, 12000, 3, 64);
  capkit_span iv;
  CHECK_EQ(capkit_stats_series(s, &iv), 7u);
  CHECK(iv.sec == 0 && iv.nsec == 2000);
  uint64_t p, b;
  bin_layer(s, 0, CAPKIT_LAYER_TCP, &p, &b);
  CHECK(p == 1 && b == 70);
  bin_layer(s, 2, CAPKIT_LAYER_UDP, &p, &b);
  CHECK(p == 2 && b == 170);
  bin_layer(s, 4, CAPKIT_LAYER_ARP, &p, &b);
  CHECK(p == 1 && b == 60);
  bin_layer(s, 6, CAPKIT_LAYER_ETH, &p, &b);
  CHECK(p == 1 && b == 64);
  size_t pos = 0;
  CHECK_EQ(capkit_stats_bin_layer_next(s, 1, &pos, NULL, NULL, NULL), 0);
  CHECK_EQ(capkit_stats_bin_layer_next(s, 7, &pos, NULL, NULL, NULL),
           CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_stats_bin_layer_next(s, 0, NULL, NULL, NULL, NULL),
           CAPKIT_ENOTFOUND);
  /* an older packet 2.5 us before the origin: bin -2 ([-4, -2) us) */
  add_kind(s, 99, 999997500, 1, 50);
  CHECK_EQ(capkit_stats_series(s, &iv), 9u);
  capkit_time st;
  CHECK_EQ(capkit_stats_bin(s, 0, &st, &p, NULL), 0);
  CHECK(st.sec == 99 && st.nsec == 999996000 && p == 1);
  /* too late for a mode */
  CHECK_EQ(capkit_stats_series_mode(s, 0), CAPKIT_EMISUSE);
  /* 50 us more: 63.5 us of 2 us bins is 33 > 10; 10 us bins: 8 */
  add_kind(s, 100, 60000, 0, 40);
  CHECK_EQ(capkit_stats_series(s, &iv), 8u);
  CHECK(iv.sec == 0 && iv.nsec == 10000);
  bin_layer(s, 0, CAPKIT_LAYER_UDP, &p, &b); /* [-10, 0) us */
  CHECK(p == 1 && b == 50);
  bin_layer(s, 1, CAPKIT_LAYER_UDP, &p, &b); /* [0, 10) us */
  CHECK(p == 2 && b == 170);
  bin_layer(s, 1, CAPKIT_LAYER_TCP, &p, &b);
  CHECK(p == 1 && b == 70);
  bin_layer(s, 7, CAPKIT_LAYER_TCP, &p, &b); /* [60, 70) us */
  CHECK(p == 1 && b == 40);
  /* a mode of the default series: the round widths from 1 s */
  capkit_stats *a = capkit_stats_new(NULL), *c = capkit_stats_new(NULL);
  CHECK_EQ(capkit_stats_series_mode(a, CAPKIT_STATS_SERIES_ROUND), 0);
  CHECK_EQ(capkit_stats_series_mode(a, 4), CAPKIT_EMISUSE);
  add_kind(a, 10, 0, 0, 60);
  add_kind(c, 10, 0, 0, 60);
  CHECK_EQ(capkit_stats_series(a, &iv), 1u);
  CHECK(iv.sec == 1 && iv.nsec == 0);
  CHECK_EQ(capkit_stats_merge(a, c), CAPKIT_EMISUSE); /* other mode */
  CHECK_EQ(capkit_stats_bin_layer_next(c, 0, &pos, NULL, NULL, NULL),
           CAPKIT_ENOTFOUND); /* layers not counted */
  capkit_stats_settings nos = CAPKIT_STATS_SETTINGS_INIT;
  nos.what = CAPKIT_STATS_SUMMARY;
  capkit_stats *d = capkit_stats_new(&nos);
  CHECK_EQ(capkit_stats_series_mode(d, CAPKIT_STATS_SERIES_LAYERS),
           CAPKIT_EMISUSE);
  CHECK_EQ(capkit_stats_series_mode(NULL, 0), CAPKIT_EMISUSE);
  capkit_stats_free(a);
  capkit_stats_free(c);
  capkit_stats_free(d);
  capkit_stats_free(s);
}

/* Records in time order over spans of every size: a ROUND series from
 * 1 us ends with capkit_stats_series_round_step() of its span. */
static void round_forward(int rounds) {
  int bad = 0;
  for (int round = 0; round < rounds; round++) {
    capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
    set.what = CAPKIT_STATS_SERIES;
    set.interval_ns = 1000;
    set.max_bins = 2 + below(500);
    capkit_stats *s = new_in(&set, CAPKIT_STATS_SERIES_ROUND);
    uint64_t scale = 1ull << below(60), t = 0, span = 0;
    int64_t sec0 = (int64_t)below(2000000000u) - 1000000000;
    size_t n = 1 + below(50);
    for (size_t i = 0; i < n; i++) {
      if (i)
        t += rnd() % (scale / n + 1);
      span = t;
      capkit_record rec = CAPKIT_RECORD_INIT;
      uint8_t d[60] = {0};
      rec.ts_sec = sec0 + (int64_t)(t / 1000000000u);
      rec.ts_nsec = (uint32_t)(t % 1000000000u);
      rec.caplen = rec.origlen = 60;
      rec.data = d;
      capkit_stats_add(s, &rec, NULL);
    }
    capkit_span iv;
    capkit_stats_series(s, &iv);
    uint64_t width = iv.sec * 1000000000u + iv.nsec; /* under 2^64 here */
    bad += width != capkit_stats_series_round_step(span, set.max_bins);
    capkit_stats_free(s);
  }
  CHECK_EQ(bad, 0);
}

static void extreme_times(void) {
  capkit_stats *s = capkit_stats_new(NULL);
  add_at(s, INT64_MAX, 999999999, 10, 10);
  add_at(s, INT64_MIN, 0, 10, 10);
  add_at(s, 0, 0, 10, 10);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(s, &sum);
  CHECK_EQ(sum.earliest.sec, INT64_MIN);
  CHECK_EQ(sum.latest.sec, INT64_MAX);
  capkit_span d = capkit_time_span(sum.latest, sum.earliest);
  CHECK_EQ(d.sec, UINT64_MAX);
  CHECK_EQ(d.nsec, 999999999u);
  CHECK(sum.duration > 1.8e19);
  capkit_span iv;
  size_t nb = capkit_stats_series(s, &iv);
  CHECK(nb >= 2 && nb <= 100000);
  uint64_t total = 0;
  for (size_t i = 0; i < nb; i++) {
    uint64_t p;
    capkit_stats_bin(s, i, NULL, &p, NULL);
    total += p;
  }
  CHECK_EQ(total, 3u);
  capkit_stats_free(s);
}

static void conversation_cap(void) {
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.max_conversations = 2;
  capkit_stats *s = capkit_stats_new(&set);
  for (int i = 0; i < 5; i++) {
    rec_store r;
    capkit_record_init(&r.rec);
    memset(r.data, 0, sizeof r.data);
    r.data[5] = (uint8_t)(1 + i); /* five destinations */
    r.data[11] = 9;
    r.data[12] = 0x88; /* an EtherType nobody decodes further */
    r.data[13] = 0xb5;
    r.rec.caplen = r.rec.origlen = 60;
    r.rec.data = r.data;
    CHECK_EQ(capkit_stats_add(s, &r.rec, NULL), 0);
  }
  CHECK_EQ(capkit_stats_conv_count(s, CAPKIT_CONV_ETH), 2u);
  /* without CAPKIT_STATS_ETHERNET no Ethernet pair is counted */
  capkit_stats_settings noeth = CAPKIT_STATS_SETTINGS_INIT;
  noeth.what = CAPKIT_STATS_ALL & ~CAPKIT_STATS_ETHERNET;
  capkit_stats *ne = capkit_stats_new(&noeth);
  rec_store one;
  capkit_record_init(&one.rec);
  memset(one.data, 0, sizeof one.data);
  one.data[5] = 1;
  one.rec.caplen = one.rec.origlen = 60;
  one.rec.data = one.data;
  CHECK_EQ(capkit_stats_add(ne, &one.rec, NULL), 0);
  CHECK_EQ(capkit_stats_conv_count(ne, CAPKIT_CONV_ETH), 0u);
  capkit_stats_free(ne);
  uint64_t p, b;
  capkit_stats_conv_overflow(s, CAPKIT_CONV_ETH, &p, &b);
  CHECK_EQ(p, 3u);
  CHECK_EQ(b, 180u);
  size_t n;
  capkit_stats_endpoint *e = capkit_stats_endpoints(
      s, CAPKIT_CONV_BIT(CAPKIT_CONV_ETH), CAPKIT_STATS_BY_PACKETS, &n);
  CHECK_EQ(n, 3u); /* the sender and two receivers */
  CHECK(e && e[0].addr[5] == 9 && e[0].packets_tx == 2 && e[0].packets_rx == 0);
  capkit_stats_list_free(e);
  capkit_stats_free(s);
}

static void misuse(void) {
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.max_bins = 1;
  CHECK(capkit_stats_new(&set) == NULL);
  set.max_bins = 0;
  set.what = 0x100;
  CHECK(capkit_stats_new(&set) == NULL);
  capkit_stats_settings small = {.size = 4};
  CHECK(capkit_stats_new(&small) == NULL);
  capkit_stats *a = capkit_stats_new(NULL);
  capkit_record zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ(capkit_stats_add(a, &zero, NULL), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_stats_merge(a, a), CAPKIT_EMISUSE);
  set.what = 0;
  set.interval_ns = 2000000000;
  capkit_stats *b = capkit_stats_new(&set);
  add_at(b, 1, 0, 10, 10);
  CHECK_EQ(capkit_stats_merge(a, b), CAPKIT_EMISUSE); /* other interval */
  capkit_stats_summary bad = {.size = 8};
  CHECK_EQ(capkit_stats_get_summary(a, &bad), CAPKIT_EMISUSE);
  /* default origins a fraction of an interval apart cannot line up */
  capkit_stats *c = capkit_stats_new(NULL), *d = capkit_stats_new(NULL);
  add_at(c, 10, 0, 10, 10);
  add_at(d, 11, 500, 10, 10);
  CHECK_EQ(capkit_stats_merge(c, d), CAPKIT_EMISUSE);
  capkit_stats_free(d);
  d = capkit_stats_new(NULL);
  add_at(d, 13, 0, 10, 10); /* whole intervals apart: fine */
  CHECK_EQ(capkit_stats_merge(c, d), 0);
  capkit_span iv;
  CHECK_EQ(capkit_stats_series(c, &iv), 4u);
  capkit_stats_free(a);
  capkit_stats_free(b);
  capkit_stats_free(c);
  capkit_stats_free(d);
  capkit_stats_free(NULL);
}

/* ---- reports (capkit_stats_write) -------------------------------------- */

typedef struct sink {
  char *p;
  size_t n, calls, biggest, fail_after;
} sink;

static int sink_fn(void *user, const void *data, size_t len) {
  sink *k = user;
  if (k->fail_after && k->calls >= k->fail_after)
    return -1;
  k->calls++;
  k->biggest = len > k->biggest ? len : k->biggest;
  k->p = realloc(k->p, k->n + len + 1);
  memcpy(k->p + k->n, data, len);
  k->n += len;
  k->p[k->n] = '\0';
  return 0;
}

static char *report_of(const capkit_stats *s, int format, const char *table,
                       int *rc) {
  capkit_stats_report rep = CAPKIT_STATS_REPORT_INIT;
  sink k = {0};
  rep.format = format;
  rep.table = table;
  *rc = capkit_stats_write(s, &rep, sink_fn, &k);
  return k.p;
}

/* The size bin of an original length by the rule stats.h states: 0-19,
 * 20-39, 40-79, ... doubling, 20480 and above in the last. */
static int size_bin_of(uint32_t len) {
  int i = 0;
  for (uint32_t hi = 20; i < CAPKIT_STATS_SIZE_BINS - 1 && len >= hi; hi *= 2)
    i++;
  return i;
}

/* Random captures: the text summary, the JSON head, the CSV size and
 * throughput tables against counts taken here from the records. */
static void reports(int rounds) {
  int all = 1;
  for (int round = 0; round < rounds; round++) {
    size_t n = 1 + below(300);
    rec_store *v = make_records(n, 0);
    capkit_stats *s = capkit_stats_new(NULL);
    uint64_t bytes = 0, bins[CAPKIT_STATS_SIZE_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
      capkit_stats_add(s, &v[i].rec, NULL);
      bytes += v[i].rec.origlen;
      bins[size_bin_of(v[i].rec.origlen)]++;
    }
    int rc, ok = 1;
    char head[96], *t = report_of(s, CAPKIT_STATS_TEXT, NULL, &rc);
    snprintf(head, sizeof head, "Packets: %zu\nBytes: %llu", n,
             (unsigned long long)bytes);
    ok &= rc == 0 && t && !strncmp(t, head, strlen(head));
    free(t);
    t = report_of(s, CAPKIT_STATS_JSON, NULL, &rc);
    snprintf(head, sizeof head, "{\"packets\":%zu,\"bytes\":%llu,", n,
             (unsigned long long)bytes);
    ok &= rc == 0 && t && !strncmp(t, head, strlen(head)) &&
          !strcmp(t + strlen(t) - 2, "}\n");
    free(t);
    t = report_of(s, CAPKIT_STATS_CSV, "sizes", &rc);
    char *line = t ? strchr(t, '\n') : NULL;
    ok &= rc == 0 && line && !strncmp(t, "range,packets,bytes\n", 20);
    for (int b = 0; line && b < CAPKIT_STATS_SIZE_BINS; b++) {
      unsigned long long p = 0;
      const char *c = strchr(line + 1, ',');
      ok &= c && sscanf(c + 1, "%llu", &p) == 1 && p == bins[b];
      line = strchr(line + 1, '\n');
    }
    free(t);
    t = report_of(s, CAPKIT_STATS_CSV, "throughput", &rc);
    unsigned long long sum = 0, p, b;
    line = t ? strchr(t, '\n') : NULL;
    while (line && line[1]) {
      const char *c = strchr(line + 1, ',');
      if (!c || sscanf(c + 1, "%llu,%llu", &p, &b) != 2)
        break;
      sum += p;
      line = strchr(line + 1, '\n');
    }
    ok &= rc == 0 && sum == n;
    free(t);
    all &= ok;
    capkit_stats_free(s);
    free(v);
  }
  CHECK(all);
}

/* A long report reaches the callback in blocks of about 64 KiB; a
 * callback's error ends the report with CAPKIT_EIO and no further call;
 * bad requests are refused. */
static void report_blocks_and_misuse(void) {
  capkit_stats *s = capkit_stats_new(NULL);
  static uint8_t d[MAXPKT];
  for (uint32_t i = 0; i < 5000; i++) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    memset(d, 0, sizeof d);
    d[12] = 0x08;
    d[14] = 0x45;
    d[17] = 28;
    d[22] = 64;
    d[23] = 17;
    d[26] = 10;
    d[27] = (uint8_t)(i >> 16);
    d[28] = (uint8_t)(i >> 8);
    d[29] = (uint8_t)i;
    d[30] = 10;
    d[33] = 1;
    rec.ts_sec = 1000 + i;
    rec.caplen = rec.origlen = 42;
    rec.data = d;
    capkit_stats_add(s, &rec, NULL);
  }
  CHECK_EQ(capkit_stats_conv_count(s, CAPKIT_CONV_IPV4), 5000u);
  capkit_stats_report rep = CAPKIT_STATS_REPORT_INIT;
  rep.format = CAPKIT_STATS_CSV;
  rep.table = "ip";
  sink k = {0};
  CHECK_EQ(capkit_stats_write(s, &rep, sink_fn, &k), 0);
  CHECK(k.calls > 1 && k.biggest < (1u << 16) + 4096);
  size_t lines = 0;
  for (size_t i = 0; i < k.n; i++)
    lines += k.p[i] == '\n';
  CHECK_EQ(lines, 5001u); /* header and every conversation */
  free(k.p);
  sink f = {0};
  f.fail_after = 1;
  CHECK_EQ(capkit_stats_write(s, &rep, sink_fn, &f), CAPKIT_EIO);
  CHECK_EQ(f.calls, 1u);
  free(f.p);
  rep.table = "nope";
  CHECK_EQ(capkit_stats_write(s, &rep, sink_fn, &k), CAPKIT_EMISUSE);
  CHECK(!capkit_stats_table_known("nope"));
  CHECK(capkit_stats_table_known("endpoints-udp"));
  CHECK(!capkit_stats_table_known(NULL));
  rep.format = 7;
  CHECK_EQ(capkit_stats_write(s, &rep, sink_fn, &k), CAPKIT_EMISUSE);
  rep.format = CAPKIT_STATS_TEXT;
  rep.size = 4;
  CHECK_EQ(capkit_stats_write(s, &rep, sink_fn, &k), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_stats_write(NULL, &rep, sink_fn, &k), CAPKIT_EMISUSE);
  /* in time order: the grid already starts at the earliest packet */
  capkit_time o = {0, 0};
  CHECK_EQ(capkit_stats_regrid(s, &o), 0);
  add_at(s, 999, 5, 42, 42); /* older than the first */
  CHECK_EQ(capkit_stats_regrid(s, &o), 1);
  CHECK(o.sec == 999 && o.nsec == 5);
  capkit_stats_free(s);
}

/* ---- several inputs: capkit_stats_run ---------------------------------- */

static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* A little-endian microsecond pcap (draft-ietf-opsawg-pcap) of N records of
 * 60 bytes at the times SEC[i] + USEC[i]; returns its length. */
static size_t pcap_of(uint8_t *f, size_t n, const uint32_t *sec,
                      const uint32_t *usec) {
  memset(f, 0, 24 + n * 76);
  le32(f, 0xa1b2c3d4u);
  f[4] = 2;
  f[6] = 4;
  le32(f + 16, 65535);
  le32(f + 20, 1);
  for (size_t i = 0; i < n; i++) {
    uint8_t *h = f + 24 + i * 76;
    le32(h, sec[i]);
    le32(h + 4, usec[i]);
    le32(h + 8, 60);
    le32(h + 12, 60);
  }
  return 24 + n * 76;
}

/* Random captures, read once from memory (their times kept) or again from
 * a file, several per run: the series after capkit_stats_run_finish is
 * tshark's io,stat grid, bin k holding the packets with
 * floor((t - earliest) / interval) == k, whatever the order. */
static void runs(int rounds) {
  static uint8_t f[24 + 64 * 76];
  char path[3][512];
  for (int k = 0; k < 3; k++)
    snprintf(path[k], sizeof path[k], "%s/run%d.pcap", tap_tmpdir(), k);
  for (int round = 0; round < rounds; round++) {
    capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
    set.what = CAPKIT_STATS_SUMMARY | CAPKIT_STATS_SERIES;
    set.interval_ns = 250000000u;
    capkit_stats_run *run = capkit_stats_run_new(&set, NULL);
    CHECK_EQ(*capkit_stats_run_error(run), '\0');
    int inputs = 1 + (int)below(3);
    uint64_t us[3 * 64];
    size_t total = 0;
    for (int k = 0; k < inputs; k++) {
      uint32_t sec[64], usec[64];
      size_t n = 1 + below(64);
      for (size_t i = 0; i < n; i++) {
        sec[i] = 1000 + below(20);
        usec[i] = below(1000000);
        us[total++] = (uint64_t)sec[i] * 1000000u + usec[i];
      }
      size_t len = pcap_of(f, n, sec, usec);
      int from_file = (int)below(2);
      capkit_reader *r = capkit_reader_new();
      if (from_file) {
        /* one file per input: each is read again by name at the finish */
        FILE *o = fopen(path[k], "wb");
        fwrite(f, 1, len, o);
        fclose(o);
        CHECK_EQ(capkit_reader_open_path(r, path[k]), 0);
      } else {
        CHECK_EQ(capkit_reader_open_memory(r, f, len, NULL), 0);
      }
      capkit_record rec = CAPKIT_RECORD_INIT;
      CHECK_EQ(capkit_stats_run_read(run, r, from_file ? path[k] : NULL, &rec),
               0);
      capkit_reader_free(r);
    }
    CHECK_EQ(capkit_stats_run_finish(run), 0);
    const capkit_stats *st = capkit_stats_run_stats(run);
    const capkit_stats *ser = capkit_stats_run_series(run);
    uint64_t lo = UINT64_MAX, hi = 0, first = us[0];
    for (size_t i = 0; i < total; i++) {
      lo = us[i] < lo ? us[i] : lo;
      hi = us[i] > hi ? us[i] : hi;
    }
    CHECK_EQ(ser != NULL, lo < first);
    if (!ser)
      ser = st;
    capkit_span iv;
    size_t nb = capkit_stats_series(ser, &iv);
    CHECK_EQ(iv.sec, 0u);
    CHECK_EQ(iv.nsec, 250000000u);
    CHECK_EQ(nb, (size_t)((hi - lo) / 250000u + 1));
    int ok = 1;
    for (size_t b = 0; b < nb; b++) {
      capkit_time start;
      uint64_t p, bytes, want = 0;
      capkit_stats_bin(ser, b, &start, &p, &bytes);
      for (size_t i = 0; i < total; i++)
        want += (us[i] - lo) / 250000u == b;
      ok &= p == want && bytes == 60 * want;
    }
    CHECK(ok);
    capkit_stats_run_free(run);
  }
  for (int k = 0; k < 3; k++)
    remove(path[k]);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_stats_run_read(NULL, NULL, NULL, &rec), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_stats_run_finish(NULL), CAPKIT_EMISUSE);
  CHECK(capkit_stats_run_stats(NULL) == NULL);
  capkit_stats_run_free(NULL);
}

int main(void) {
  split_merge(0, 300);
  split_merge(1, 150);
#ifdef __SIZEOF_INT128__
  series_reference(0, 200);
  series_reference(1, 200);
  time_sub_reference();
#endif
  summary_definitions();
  series_modes();
  round_forward(300);
  extreme_times();
  conversation_cap();
  misuse();
  reports(100);
  report_blocks_and_misuse();
  runs(200);
  return tap_done();
}

/* stats_int.h - the accumulator's private state, shared by the files of
 * lib/stats (summary and hierarchy, conversations, series). */
#ifndef CAPKIT_STATS_INT_H
#define CAPKIT_STATS_INT_H
#include <capkit/stats.h>

/* 128-bit unsigned arithmetic, portable C11 (no __int128), for times and
 * bin indexes that int64 nanoseconds cannot hold. */
typedef struct capkit__u128 {
  uint64_t hi, lo;
} capkit__u128;

capkit__u128 capkit__mul64(uint64_t a, uint64_t b);
/* n / d (d > 0) into *q; returns n % d. */
uint64_t capkit__div128(capkit__u128 n, uint64_t d, capkit__u128 *q);

typedef struct capkit__convtab {
  capkit_stats_conv *v;
  size_t n, cap;
  uint32_t *hash; /* index + 1; 0 is empty */
  size_t hcap;    /* power of two, at least 2 * n */
  uint64_t over_packets, over_bytes;
} capkit__convtab;

typedef struct capkit__bin {
  uint64_t packets, bytes;
} capkit__bin;

/* A bin's counts by top layer (CAPKIT_STATS_SERIES_LAYERS). */
typedef struct capkit__laybin {
  uint64_t packets[CAPKIT_STATS_BIN_LAYERS], bytes[CAPKIT_STATS_BIN_LAYERS];
} capkit__laybin;

#define CAPKIT__MAX_LINKTYPES 64

struct capkit_stats {
  capkit_stats_settings set;
  /* summary */
  capkit_stats_summary sum; /* the counted fields; rates are derived */
  uint32_t lt[CAPKIT__MAX_LINKTYPES];
  uint64_t lt_packets[CAPKIT__MAX_LINKTYPES];
  size_t nlt;
  uint64_t *iface; /* packets by interface id */
  size_t niface;
  /* sizes */
  uint64_t size_packets[CAPKIT_STATS_SIZE_BINS];
  uint64_t size_bytes[CAPKIT_STATS_SIZE_BINS];
  /* hierarchy */
  capkit_stats_node *node; /* CAPKIT_STATS_MAX_NODES of them */
  size_t nnode;
  /* conversations */
  capkit__convtab conv[CAPKIT_CONV_KINDS];
  uint64_t next_order;
  /* series: bins lo..lo+nbin-1 from origin, of width base * mul << shift
   * (level: how often the width grew; base is interval_ns, or 1 us with
   * CAPKIT_STATS_SERIES_ROUND, where level indexes the round steps) */
  int have_origin;
  capkit_time origin;
  unsigned mode; /* CAPKIT_STATS_SERIES_ROUND | _LAYERS */
  unsigned level, shift;
  uint64_t base, mul, unit; /* unit: base * mul */
  int64_t lo;
  capkit__bin *bin;
  capkit__laybin *lay; /* with CAPKIT_STATS_SERIES_LAYERS, beside bin */
  size_t nbin, cbin;
  /* decoding when the caller gives no decoded packet */
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
};

/* Count one decoded packet in the conversation tables. */
int capkit__stats_conv_packet(capkit_stats *s, const capkit_packet *p,
                              uint32_t len, capkit_time t);
int capkit__stats_conv_merge(capkit_stats *dst, const capkit_stats *src);
void capkit__stats_conv_free(capkit_stats *s);

/* Count a packet at time T whose top layer is LAYER in the series (sets
 * the origin at the first). */
int capkit__stats_series_add(capkit_stats *s, capkit_time t, uint32_t len,
                             int layer);
/* The series' starting width (capkit_stats_new). */
void capkit__stats_series_init(capkit_stats *s);
int capkit__stats_series_merge(capkit_stats *dst, const capkit_stats *src);

static inline int capkit__time_cmp(capkit_time a, capkit_time b) {
  if (a.sec != b.sec)
    return a.sec < b.sec ? -1 : 1;
  return a.nsec < b.nsec ? -1 : a.nsec > b.nsec;
}
#endif

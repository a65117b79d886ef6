/* series.c - packets and bytes (and optionally their top layers) per
 * interval on a grid anchored at an origin, indexed in both directions,
 * coarsened by doubling the interval (or to the next round width) when it
 * would exceed max_bins; exact for any int64 seconds (128-bit arithmetic
 * where int64 nanoseconds could wrap). */
#include <stdlib.h>
#include <string.h>

#include "stats/stats_int.h"

capkit__u128 capkit__mul64(uint64_t a, uint64_t b) {
  uint64_t al = a & 0xffffffffu, ah = a >> 32;
  uint64_t bl = b & 0xffffffffu, bh = b >> 32;
  uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
  capkit__u128 r;
  r.lo = (mid << 32) | (ll & 0xffffffffu);
  r.hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  return r;
}

uint64_t capkit__div128(capkit__u128 n, uint64_t d, capkit__u128 *q) {
  if (n.hi == 0) {
    q->hi = 0;
    q->lo = n.lo / d;
    return n.lo % d;
  }
  /* restoring division, one bit at a time: only for extreme values */
  capkit__u128 r = {0, 0};
  uint64_t rem = 0;
  for (int i = 127; i >= 0; i--) {
    uint64_t bit = i >= 64 ? (n.hi >> (i - 64)) & 1 : (n.lo >> i) & 1;
    int carry = (rem >> 63) != 0;
    rem = (rem << 1) | bit;
    if (carry || rem >= d) {
      rem -= d;
      if (i >= 64)
        r.hi |= 1ull << (i - 64);
      else
        r.lo |= 1ull << i;
    }
  }
  *q = r;
  return rem;
}

static capkit__u128 add64(capkit__u128 a, uint64_t b) {
  a.lo += b;
  a.hi += a.lo < b;
  return a;
}

static capkit__u128 shr(capkit__u128 a, unsigned k) {
  if (k == 0)
    return a;
  if (k >= 128)
    return (capkit__u128){0, 0};
  if (k >= 64)
    return (capkit__u128){0, a.hi >> (k - 64)};
  return (capkit__u128){a.hi >> k, (a.lo >> k) | (a.hi << (64 - k))};
}

static capkit__u128 shl(capkit__u128 a, unsigned k) {
  if (k == 0)
    return a;
  if (k >= 128)
    return (capkit__u128){0, 0};
  if (k >= 64)
    return (capkit__u128){a.lo << (k - 64), 0};
  return (capkit__u128){(a.hi << k) | (a.lo >> (64 - k)), a.lo << k};
}

static int low_bits_set(capkit__u128 a, unsigned k) {
  return !(shl(shr(a, k), k).hi == a.hi && shl(shr(a, k), k).lo == a.lo);
}

/* A signed wide value: -mag when neg. */
typedef struct wide {
  int neg;
  capkit__u128 mag;
} wide;

#define IDX_LIMIT (1ull << 62) /* bin indexes stay within +-2^62 */

/* The round widths in ns (CAPKIT_STATS_SERIES_ROUND): each divides the
 * next, so that every bin falls whole in one bin of the next width; after
 * the last one the width doubles. */
static const uint64_t steps[] = {
    1000ull,          2000ull,          10000ull,          20000ull,
    100000ull,        200000ull,        1000000ull,        2000000ull,
    10000000ull,      20000000ull,      100000000ull,      200000000ull,
    1000000000ull,    2000000000ull,    10000000000ull,    20000000000ull,
    60000000000ull,   120000000000ull,  600000000000ull,   1200000000000ull,
    3600000000000ull, 7200000000000ull, 21600000000000ull, 43200000000000ull,
    86400000000000ull};
#define NSTEPS (sizeof steps / sizeof *steps)

uint64_t capkit_stats_series_round_step(uint64_t span_ns, size_t max_bins) {
  if (max_bins == 0)
    return 0;
  uint64_t w = steps[0];
  for (size_t k = 1; span_ns / w >= max_bins; k++) /* ends once w > span */
    w = k < NSTEPS ? steps[k] : w * 2;
  return w;
}

/* Width LEVEL: base * mul << shift. */
static void set_level(capkit_stats *s, unsigned level) {
  s->level = level;
  if (!(s->mode & CAPKIT_STATS_SERIES_ROUND)) {
    s->mul = 1;
    s->shift = level;
  } else {
    s->mul = steps[level < NSTEPS ? level : NSTEPS - 1] / steps[0];
    s->shift = level < NSTEPS ? 0 : level - (unsigned)(NSTEPS - 1);
  }
  s->unit = s->base * s->mul; /* at most 1e18, or 1 us x 86400e6 */
}

void capkit__stats_series_init(capkit_stats *s) {
  s->base = s->set.interval_ns;
  unsigned level = 0;
  if (s->mode & CAPKIT_STATS_SERIES_ROUND) {
    /* the first round width at or above the setting */
    s->base = steps[0];
    while (level < NSTEPS - 1 && steps[level] < s->set.interval_ns)
      level++;
    uint64_t w = steps[level];
    while (w < s->set.interval_ns) {
      w *= 2;
      level++;
    }
  }
  set_level(s, level);
}

/* floor(v / (mul << shift)) as int64; 0 when it does not fit (*fits
 * cleared). */
static int64_t index_at(const capkit_stats *s, wide v, int *fits) {
  capkit__u128 q = v.mag;
  int inexact = 0;
  if (s->mul != 1)
    inexact = capkit__div128(v.mag, s->mul, &q) != 0;
  inexact |= low_bits_set(q, s->shift);
  q = shr(q, s->shift);
  if (v.neg && inexact)
    q = add64(q, 1);
  if (q.hi || q.lo >= IDX_LIMIT) {
    *fits = 0;
    return 0;
  }
  *fits = 1;
  return v.neg ? -(int64_t)q.lo : (int64_t)q.lo;
}

/* The level-0 index of time T: floor((t - origin) / base). */
static wide index0(const capkit_stats *s, capkit_time t) {
  capkit_span d = capkit_time_span(t, s->origin);
  uint64_t base = s->base;
  wide w;
  w.neg = d.negative;
  if (d.sec < 18000000000ull) { /* d in ns fits in uint64 */
    uint64_t ns = d.sec * 1000000000u + d.nsec;
    w.mag.hi = 0;
    w.mag.lo = ns / base + (d.negative && ns % base);
    return w;
  }
  capkit__u128 ns = add64(capkit__mul64(d.sec, 1000000000u), d.nsec);
  uint64_t rem = capkit__div128(ns, base, &w.mag);
  if (d.negative && rem)
    w.mag = add64(w.mag, 1);
  return w;
}

static int64_t fdiv(int64_t v, int64_t f) {
  int64_t q = v / f;
  return (v % f != 0 && v < 0) ? q - 1 : q;
}

static void add_layers(capkit__laybin *d, const capkit__laybin *x) {
  for (int c = 0; c < CAPKIT_STATS_BIN_LAYERS; c++) {
    d->packets[c] += x->packets[c];
    d->bytes[c] += x->bytes[c];
  }
}

/* Widen the bins to the next level: each group of old bins becomes one. */
static void coarsen(capkit_stats *s) {
  uint64_t om = s->mul;
  unsigned os = s->shift;
  set_level(s, s->level + 1);
  int64_t f = (int64_t)((s->mul / om) << (s->shift - os));
  int64_t nlo = fdiv(s->lo, f);
  size_t n = 0;
  for (size_t i = 0; i < s->nbin; i++) {
    size_t j = (size_t)(fdiv(s->lo + (int64_t)i, f) - nlo);
    if (j == n) {
      s->bin[j] = s->bin[i];
      if (s->lay && j != i)
        s->lay[j] = s->lay[i];
      n++;
    } else {
      s->bin[j].packets += s->bin[i].packets;
      s->bin[j].bytes += s->bin[i].bytes;
      if (s->lay)
        add_layers(&s->lay[j], &s->lay[i]);
    }
  }
  s->lo = nlo;
  s->nbin = n;
}

/* Room for N bins (N <= max_bins). */
static int room(capkit_stats *s, size_t n) {
  if (n <= s->cbin)
    return 0;
  size_t nc = s->cbin ? s->cbin : 64;
  while (nc < n)
    nc *= 2;
  if (nc > s->set.max_bins && n <= s->set.max_bins)
    nc = s->set.max_bins;
  capkit__bin *b = realloc(s->bin, nc * sizeof *b);
  if (!b)
    return CAPKIT_ENOMEM;
  s->bin = b;
  if (s->mode & CAPKIT_STATS_SERIES_LAYERS) {
    capkit__laybin *l = realloc(s->lay, nc * sizeof *l);
    if (!l)
      return CAPKIT_ENOMEM;
    s->lay = l;
  }
  s->cbin = nc;
  return 0;
}

/* Add PACKETS and BYTES to bin position AT, and to its layer counts: one
 * packet of layer LAYER, or the counts of LB. */
static void count(capkit_stats *s, size_t at, uint64_t packets, uint64_t bytes,
                  int layer, const capkit__laybin *lb) {
  s->bin[at].packets += packets;
  s->bin[at].bytes += bytes;
  if (!s->lay)
    return;
  if (lb) {
    add_layers(&s->lay[at], lb);
  } else {
    s->lay[at].packets[layer]++;
    s->lay[at].bytes[layer] += bytes;
  }
}

/* Empty bins at positions FROM..FROM+N-1. */
static void clear(capkit_stats *s, size_t from, size_t n) {
  memset(s->bin + from, 0, n * sizeof *s->bin);
  if (s->lay)
    memset(s->lay + from, 0, n * sizeof *s->lay);
}

/* Add packets and bytes at level-0 index V, coarsening as needed. */
static int put(capkit_stats *s, wide v, uint64_t packets, uint64_t bytes,
               int layer, const capkit__laybin *lb) {
  for (;;) {
    int fits;
    int64_t idx = index_at(s, v, &fits);
    if (!fits) {
      coarsen(s);
      continue;
    }
    if (s->nbin == 0) {
      if (room(s, 1) != 0)
        return CAPKIT_ENOMEM;
      s->lo = idx;
      s->nbin = 1;
      clear(s, 0, 1);
      count(s, 0, packets, bytes, layer, lb);
      return 0;
    }
    int64_t hi = s->lo + (int64_t)s->nbin - 1;
    if (idx >= s->lo && idx <= hi) {
      count(s, (size_t)(idx - s->lo), packets, bytes, layer, lb);
      return 0;
    }
    int64_t nlo = idx < s->lo ? idx : s->lo, nhi = idx > hi ? idx : hi;
    uint64_t span = (uint64_t)(nhi - nlo) + 1;
    if (span > s->set.max_bins) {
      coarsen(s);
      continue;
    }
    if (room(s, (size_t)span) != 0)
      return CAPKIT_ENOMEM;
    if (nlo < s->lo) { /* an older packet: shift up */
      size_t by = (size_t)(s->lo - nlo);
      memmove(s->bin + by, s->bin, s->nbin * sizeof *s->bin);
      if (s->lay)
        memmove(s->lay + by, s->lay, s->nbin * sizeof *s->lay);
      clear(s, 0, by);
      s->nbin += by;
      s->lo = nlo;
    }
    if (s->lo + (int64_t)s->nbin <= nhi) {
      size_t to = (size_t)(nhi - s->lo) + 1;
      clear(s, s->nbin, to - s->nbin);
      s->nbin = to;
    }
    count(s, (size_t)(idx - s->lo), packets, bytes, layer, lb);
    return 0;
  }
}

int capkit__stats_series_add(capkit_stats *s, capkit_time t, uint32_t len,
                             int layer) {
  if (!s->have_origin) {
    s->origin = t;
    s->have_origin = 1;
  }
  if (s->nbin) { /* the common case: the packet falls in the last bin */
    capkit_span d = capkit_time_span(t, s->origin);
    if (!d.negative && d.sec < 18000000000ull && s->shift < 64) {
      /* floor(floor(ns / base) / mul) in one division */
      uint64_t idx = (d.sec * 1000000000u + d.nsec) / s->unit >> s->shift;
      if (idx < IDX_LIMIT && (int64_t)idx >= s->lo &&
          (int64_t)idx < s->lo + (int64_t)s->nbin) {
        count(s, (size_t)((int64_t)idx - s->lo), 1, len, layer, NULL);
        return 0;
      }
    }
  }
  return put(s, index0(s, t), 1, len, layer, NULL);
}

/* a + b for signed wide values. */
static wide wadd(wide a, wide b) {
  if (a.neg == b.neg) {
    capkit__u128 m = add64(a.mag, b.mag.lo);
    m.hi += b.mag.hi;
    return (wide){a.neg, m};
  }
  /* different signs: subtract the smaller magnitude */
  int a_big =
      a.mag.hi > b.mag.hi || (a.mag.hi == b.mag.hi && a.mag.lo >= b.mag.lo);
  wide x = a_big ? a : b, y = a_big ? b : a;
  capkit__u128 m;
  m.lo = x.mag.lo - y.mag.lo;
  m.hi = x.mag.hi - y.mag.hi - (x.mag.lo < y.mag.lo);
  return (wide){x.neg && (m.hi || m.lo), m};
}

static wide from_int(int64_t v) {
  wide w;
  w.neg = v < 0;
  w.mag.hi = 0;
  w.mag.lo = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  return w;
}

/* V * (S's mul << shift): the first level-0 index of S's bin V. */
static wide first_index0(const capkit_stats *s, int64_t v) {
  wide w = from_int(v);
  w.mag = shl(capkit__mul64(w.mag.lo, s->mul), s->shift);
  return w;
}

int capkit__stats_series_merge(capkit_stats *dst, const capkit_stats *src) {
  if (!(dst->set.what & CAPKIT_STATS_SERIES) || src->nbin == 0)
    return 0;
  if (!dst->have_origin) {
    dst->origin = src->origin;
    dst->have_origin = 1;
  }
  /* SRC's grid in DST's level-0 indexes: an offset of whole intervals,
   * aligned to SRC's width, or the bins would straddle */
  capkit_span d = capkit_time_span(src->origin, dst->origin);
  capkit__u128 ns = add64(capkit__mul64(d.sec, 1000000000u), d.nsec);
  wide off;
  off.neg = d.negative;
  capkit__u128 q;
  if (capkit__div128(ns, dst->base, &off.mag) != 0 ||
      capkit__div128(off.mag, src->mul, &q) != 0 || low_bits_set(q, src->shift))
    return CAPKIT_EMISUSE;
  while (dst->level < src->level)
    coarsen(dst);
  for (size_t i = 0; i < src->nbin; i++) {
    if (!src->bin[i].packets)
      continue;
    wide v = wadd(first_index0(src, src->lo + (int64_t)i), off);
    int rc = put(dst, v, src->bin[i].packets, src->bin[i].bytes, 0,
                 src->lay ? &src->lay[i] : NULL);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* ---- getters ---------------------------------------------------------- */

/* A span of MAG nanoseconds. */
static capkit_span span_of(capkit__u128 mag, int neg) {
  capkit__u128 q;
  uint32_t nsec = (uint32_t)capkit__div128(mag, 1000000000u, &q);
  capkit_span sp = {q.hi ? UINT64_MAX : q.lo, nsec, (uint8_t)neg};
  return sp;
}

static capkit_time time_add(capkit_time t, capkit_span d) {
  /* in two's complement, saturated at the ends of int64 */
  uint64_t sec = (uint64_t)t.sec;
  uint32_t nsec = t.nsec;
  if (!d.negative) {
    nsec += d.nsec;
    uint64_t add = d.sec + (nsec >= 1000000000u);
    if (nsec >= 1000000000u)
      nsec -= 1000000000u;
    /* INT64_MAX - t.sec, exact in uint64 whatever the sign of t.sec */
    if (add > (uint64_t)INT64_MAX - sec)
      return (capkit_time){INT64_MAX, 999999999u};
    uint64_t r = sec + add;
    return (capkit_time){(int64_t)r, nsec};
  }
  uint64_t sub = d.sec;
  if (nsec < d.nsec) {
    nsec += 1000000000u;
    sub++;
  }
  nsec -= d.nsec;
  /* t.sec - sub >= INT64_MIN  <=>  sub <= t.sec - INT64_MIN */
  if (sub > sec + (uint64_t)1 + (uint64_t)INT64_MAX)
    return (capkit_time){INT64_MIN, 0};
  return (capkit_time){(int64_t)(sec - sub), nsec};
}

size_t capkit_stats_series(const capkit_stats *s, capkit_span *interval) {
  if (!s)
    return 0;
  if (interval)
    *interval = span_of(shl(capkit__mul64(s->base, s->mul), s->shift), 0);
  return s->nbin;
}

int capkit_stats_bin(const capkit_stats *s, size_t i, capkit_time *start,
                     uint64_t *packets, uint64_t *bytes) {
  if (!s || i >= s->nbin)
    return CAPKIT_ENOTFOUND;
  if (start) {
    wide k = first_index0(s, s->lo + (int64_t)i);
    /* k * base: k < 2^126 / ... kept in 128 bits */
    capkit__u128 m = capkit__mul64(k.mag.lo, s->base);
    m.hi += k.mag.hi * s->base;
    *start = time_add(s->origin, span_of(m, k.neg));
  }
  if (packets)
    *packets = s->bin[i].packets;
  if (bytes)
    *bytes = s->bin[i].bytes;
  return 0;
}

int capkit_stats_bin_layer_next(const capkit_stats *s, size_t i, size_t *pos,
                                int *layer, uint64_t *packets,
                                uint64_t *bytes) {
  if (!s || !pos || i >= s->nbin || !s->lay)
    return CAPKIT_ENOTFOUND;
  const capkit__laybin *b = &s->lay[i];
  for (size_t c = *pos; c < CAPKIT_STATS_BIN_LAYERS; c++)
    if (b->packets[c]) {
      *pos = c + 1;
      if (layer)
        *layer = (int)c;
      if (packets)
        *packets = b->packets[c];
      if (bytes)
        *bytes = b->bytes[c];
      return 1;
    }
  *pos = CAPKIT_STATS_BIN_LAYERS;
  return 0;
}

int capkit_stats_origin(const capkit_stats *s, capkit_time *out) {
  if (!s || !s->have_origin)
    return CAPKIT_ENOTFOUND;
  if (out)
    *out = s->origin;
  return 0;
}

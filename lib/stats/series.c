/* series.c - packets and bytes per interval on a grid anchored at an
 * origin, indexed in both directions, coarsened by doubling the interval
 * when it would exceed max_bins; exact for any int64 seconds (128-bit
 * arithmetic where int64 nanoseconds could wrap). */
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

/* floor(v / 2^k) as int64; 0 when it does not fit (*fits cleared). */
static int64_t index_at(wide v, unsigned k, int *fits) {
  capkit__u128 q = shr(v.mag, k);
  if (v.neg && low_bits_set(v.mag, k))
    q = add64(q, 1);
  if (q.hi || q.lo >= IDX_LIMIT) {
    *fits = 0;
    return 0;
  }
  *fits = 1;
  return v.neg ? -(int64_t)q.lo : (int64_t)q.lo;
}

/* The level-0 index of time T: floor((t - origin) / interval). */
static wide index0(const capkit_stats *s, capkit_time t) {
  capkit_span d = capkit_time_span(t, s->origin);
  uint64_t base = s->set.interval_ns;
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

static int64_t fdiv2(int64_t v) { return (v - (v < 0)) / 2; }

/* Double the interval once: pairs of bins become one. */
static void coarsen(capkit_stats *s) {
  int64_t nlo = fdiv2(s->lo);
  size_t n = 0;
  for (size_t i = 0; i < s->nbin; i++) {
    size_t j = (size_t)(fdiv2(s->lo + (int64_t)i) - nlo);
    if (j == n) {
      s->bin[j] = s->bin[i];
      n++;
    } else {
      s->bin[j].packets += s->bin[i].packets;
      s->bin[j].bytes += s->bin[i].bytes;
    }
  }
  s->lo = nlo;
  s->nbin = n;
  s->level++;
}

/* Add packets and bytes at level-0 index V, coarsening as needed. */
static int put(capkit_stats *s, wide v, uint64_t packets, uint64_t bytes) {
  for (;;) {
    int fits;
    int64_t idx = index_at(v, s->level, &fits);
    if (!fits) {
      coarsen(s);
      continue;
    }
    if (s->nbin == 0) {
      if (!s->cbin) {
        s->bin = malloc(64 * sizeof *s->bin);
        if (!s->bin)
          return CAPKIT_ENOMEM;
        s->cbin = 64;
      }
      s->lo = idx;
      s->nbin = 1;
      s->bin[0] = (capkit__bin){packets, bytes};
      return 0;
    }
    int64_t hi = s->lo + (int64_t)s->nbin - 1;
    if (idx >= s->lo && idx <= hi) {
      s->bin[idx - s->lo].packets += packets;
      s->bin[idx - s->lo].bytes += bytes;
      return 0;
    }
    int64_t nlo = idx < s->lo ? idx : s->lo, nhi = idx > hi ? idx : hi;
    uint64_t span = (uint64_t)(nhi - nlo) + 1;
    if (span > s->set.max_bins) {
      coarsen(s);
      continue;
    }
    if (span > s->cbin) {
      size_t nc = s->cbin;
      while (nc < span)
        nc *= 2;
      if (nc > s->set.max_bins)
        nc = s->set.max_bins;
      capkit__bin *b = realloc(s->bin, nc * sizeof *b);
      if (!b)
        return CAPKIT_ENOMEM;
      s->bin = b;
      s->cbin = nc;
    }
    if (nlo < s->lo) { /* an older packet: shift up */
      size_t by = (size_t)(s->lo - nlo);
      memmove(s->bin + by, s->bin, s->nbin * sizeof *s->bin);
      memset(s->bin, 0, by * sizeof *s->bin);
      s->nbin += by;
      s->lo = nlo;
    }
    while (s->lo + (int64_t)s->nbin <= nhi)
      s->bin[s->nbin++] = (capkit__bin){0, 0};
    s->bin[idx - s->lo].packets += packets;
    s->bin[idx - s->lo].bytes += bytes;
    return 0;
  }
}

int capkit__stats_series_add(capkit_stats *s, capkit_time t, uint32_t len) {
  if (!s->have_origin) {
    s->origin = t;
    s->have_origin = 1;
  }
  if (s->nbin) { /* the common case: the packet falls in the last bin */
    capkit_span d = capkit_time_span(t, s->origin);
    if (!d.negative && d.sec < 18000000000ull && s->level < 64) {
      uint64_t q = (d.sec * 1000000000u + d.nsec) / s->set.interval_ns;
      uint64_t idx = q >> s->level;
      if (idx < IDX_LIMIT && (int64_t)idx >= s->lo &&
          (int64_t)idx < s->lo + (int64_t)s->nbin) {
        s->bin[(int64_t)idx - s->lo].packets++;
        s->bin[(int64_t)idx - s->lo].bytes += len;
        return 0;
      }
    }
  }
  return put(s, index0(s, t), 1, len);
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

int capkit__stats_series_merge(capkit_stats *dst, const capkit_stats *src) {
  if (!(dst->set.what & CAPKIT_STATS_SERIES) || src->nbin == 0)
    return 0;
  if (!dst->have_origin) {
    dst->origin = src->origin;
    dst->have_origin = 1;
  }
  /* SRC's grid in DST's level-0 indexes: an offset of whole intervals,
   * aligned to SRC's level, or the bins would straddle */
  capkit_span d = capkit_time_span(src->origin, dst->origin);
  capkit__u128 ns = add64(capkit__mul64(d.sec, 1000000000u), d.nsec);
  wide off;
  off.neg = d.negative;
  if (capkit__div128(ns, dst->set.interval_ns, &off.mag) != 0 ||
      low_bits_set(off.mag, src->level))
    return CAPKIT_EMISUSE;
  while (dst->level < src->level)
    coarsen(dst);
  for (size_t i = 0; i < src->nbin; i++) {
    if (!src->bin[i].packets)
      continue;
    /* the bin's first level-0 index: (lo + i) * 2^level + off */
    wide v = from_int(src->lo + (int64_t)i);
    v.mag = shl(v.mag, src->level);
    v = wadd(v, off);
    int rc = put(dst, v, src->bin[i].packets, src->bin[i].bytes);
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
    *interval =
        span_of(shl((capkit__u128){0, s->set.interval_ns}, s->level), 0);
  return s->nbin;
}

int capkit_stats_bin(const capkit_stats *s, size_t i, capkit_time *start,
                     uint64_t *packets, uint64_t *bytes) {
  if (!s || i >= s->nbin)
    return CAPKIT_ENOTFOUND;
  if (start) {
    wide v = from_int(s->lo + (int64_t)i);
    capkit__u128 k = shl(v.mag, s->level);
    /* k * interval_ns: k < 2^126 / ... kept in 128 bits */
    capkit__u128 m = capkit__mul64(k.lo, s->set.interval_ns);
    m.hi += k.hi * s->set.interval_ns;
    *start = time_add(s->origin, span_of(m, v.neg));
  }
  if (packets)
    *packets = s->bin[i].packets;
  if (bytes)
    *bytes = s->bin[i].bytes;
  return 0;
}

int capkit_stats_origin(const capkit_stats *s, capkit_time *out) {
  if (!s || !s->have_origin)
    return CAPKIT_ENOTFOUND;
  if (out)
    *out = s->origin;
  return 0;
}

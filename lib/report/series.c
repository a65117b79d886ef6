/* series.c - the report's I/O graph: packets and bytes per time bin and
 * per protocol, in at most `max` bins; the interval grows by whole factors
 * (so every old bin falls in one new bin) when the capture outgrows it. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

/* Automatic intervals in ns; each divides the next. After the last one
 * they double. */
static const uint64_t steps[] = {
    1000ull,          2000ull,          10000ull,          20000ull,
    100000ull,        200000ull,        1000000ull,        2000000ull,
    10000000ull,      20000000ull,      100000000ull,      200000000ull,
    1000000000ull,    2000000000ull,    10000000000ull,    20000000000ull,
    60000000000ull,   120000000000ull,  600000000000ull,   1200000000000ull,
    3600000000000ull, 7200000000000ull, 21600000000000ull, 43200000000000ull,
    86400000000000ull};

int capkit__rp_series_init(rp_series *s, uint64_t interval, size_t max) {
  memset(s, 0, sizeof *s);
  s->auto_iv = interval == 0;
  s->interval = interval ? interval : RP_AUTO_START;
  s->max = max;
  s->cap = max < 64 ? max : 64;
  s->bins = malloc(s->cap * sizeof *s->bins);
  return s->bins ? 0 : CAPKIT_ENOMEM;
}

void capkit__rp_series_free(rp_series *s) {
  free(s->bins);
  s->bins = NULL;
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The factor to the next interval. */
static uint64_t next_factor(const rp_series *s) {
  if (s->auto_iv)
    for (size_t i = 0; i + 1 < sizeof steps / sizeof *steps; i++)
      if (steps[i] == s->interval)
        return steps[i + 1] / steps[i];
  return 2;
}

static void coarsen(rp_series *s) {
  uint64_t f = next_factor(s);
  if (s->interval > UINT64_MAX / f / 4)
    f = 1; /* cannot happen within the clamped time range; stay safe */
  int64_t nlo = floordiv(s->lo, (int64_t)f);
  size_t last = 0;
  for (size_t i = 0; i < s->n; i++) {
    size_t j = (size_t)(floordiv(s->lo + (int64_t)i, (int64_t)f) - nlo);
    if (j == i) {
      last = j;
      continue;
    }
    if (i == 0 || j != last) {
      s->bins[j] = s->bins[i];
    } else {
      for (int c = 0; c < RP_CATS; c++) {
        s->bins[j].packets[c] += s->bins[i].packets[c];
        s->bins[j].bytes[c] += s->bins[i].bytes[c];
      }
    }
    last = j;
  }
  s->n = last + 1;
  s->lo = nlo;
  s->interval *= f;
}

/* t - origin in ns, clamped to +-9e18. */
static int64_t since(capkit_time t, capkit_time origin) {
  capkit_span d = capkit_time_span(t, origin);
  if (d.sec > 9000000000ull)
    d.sec = 9000000000ull;
  int64_t ns = (int64_t)d.sec * 1000000000 + (int64_t)d.nsec;
  return d.negative ? -ns : ns;
}

/* Room for N bins (the array grows with the span seen, up to max). */
static int room(rp_series *s, size_t n) {
  if (n <= s->cap)
    return 0;
  size_t c = s->cap * 2;
  while (c < n)
    c *= 2;
  c = c > s->max ? s->max : c;
  rp_bin *b = realloc(s->bins, c * sizeof *b);
  if (!b)
    return CAPKIT_ENOMEM;
  s->bins = b;
  s->cap = c;
  return 0;
}

int capkit__rp_series_add(rp_series *s, capkit_time t, int cat, uint32_t len) {
  if (!s->have) {
    s->have = 1;
    s->origin = t;
    s->lo = 0;
    s->n = 1;
    memset(&s->bins[0], 0, sizeof s->bins[0]);
  }
  int64_t d = since(t, s->origin), k;
  for (;;) {
    k = floordiv(d, (int64_t)s->interval);
    int64_t hi = s->lo + (int64_t)s->n - 1;
    int64_t a = k < s->lo ? k : s->lo, b = k > hi ? k : hi;
    if ((uint64_t)(b - a) < s->max)
      break;
    uint64_t before = s->interval;
    coarsen(s);
    if (s->interval == before)
      return 0; /* no coarser grid: drop the point rather than overrun */
  }
  int64_t hi = s->lo + (int64_t)s->n - 1;
  if (room(s, (size_t)((k > hi ? k : hi) - (k < s->lo ? k : s->lo)) + 1))
    return CAPKIT_ENOMEM;
  if (k < s->lo) {
    size_t by = (size_t)(s->lo - k);
    memmove(&s->bins[by], &s->bins[0], s->n * sizeof *s->bins);
    memset(&s->bins[0], 0, by * sizeof *s->bins);
    s->n += by;
    s->lo = k;
  } else if (k >= s->lo + (int64_t)s->n) {
    size_t to = (size_t)(k - s->lo) + 1;
    memset(&s->bins[s->n], 0, (to - s->n) * sizeof *s->bins);
    s->n = to;
  }
  rp_bin *bin = &s->bins[k - s->lo];
  bin->packets[cat]++;
  bin->bytes[cat] += len;
  return 0;
}

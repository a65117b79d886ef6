/* test_slice.c - capkit_slicer (cut.h) through the public API: seeded
 * property tests of record ranges, the time window (absolute "@SECONDS",
 * RFC 3339 and "+DURATION" after the first record) and the first or last
 * N, against a direct reading of the definition (editcap -r, -A, -B: the
 * ranges, then the window, then the first or last N of what is left), and
 * the held copies outliving the input's buffer. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

#define MAXN 300

typedef struct trec {
  int64_t sec;
  uint32_t nsec, len;
  uint8_t fill;
} trec;

/* One selection, as options and as the reference reads it. */
typedef struct sel {
  uint64_t lo[4], hi[4];
  int n_ranges;
  int have_first, have_last;
  uint64_t first, last;
  int have_from, have_to, rel_from, rel_to;
  int64_t from_ns, to_ns; /* absolute, or an offset when relative */
} sel;

static int64_t ns_of(const trec *t) {
  return t->sec * 1000000000 + (int64_t)t->nsec;
}

static int in_sel(const sel *s, uint64_t num, int64_t t, int64_t t0) {
  int hit = s->n_ranges == 0;
  for (int i = 0; i < s->n_ranges; i++)
    if (num >= s->lo[i] && num <= s->hi[i])
      hit = 1;
  if (!hit)
    return 0;
  int64_t from = s->rel_from ? t0 + s->from_ns : s->from_ns;
  int64_t to = s->rel_to ? t0 + s->to_ns : s->to_ns;
  if (s->have_from && t < from)
    return 0;
  if (s->have_to && t >= to)
    return 0;
  return 1;
}

/* The definition: indexes (0-based) of the records kept, in order. */
static size_t reference(const sel *s, const trec *v, size_t n, size_t *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (in_sel(s, i + 1, ns_of(&v[i]), ns_of(&v[0])))
      out[k++] = i;
  if (s->have_last && k > s->last) {
    memmove(out, out + (k - s->last), (size_t)s->last * sizeof *out);
    k = (size_t)s->last;
  }
  if (s->have_first && k > s->first)
    k = (size_t)s->first;
  return k;
}

static void fmt_dur(char *b, size_t cap, int64_t ns) {
  snprintf(b, cap, "+%" PRId64 ".%09" PRId64 "s", ns / 1000000000,
           ns % 1000000000);
}

/* An absolute time as "@SECONDS.FRACTION" or RFC 3339 (times from 2023,
 * so the date is worked out here from the day count). */
static void fmt_abs(char *b, size_t cap, int64_t ns, int rfc) {
  int64_t sec = ns / 1000000000, frac = ns % 1000000000;
  if (!rfc) {
    snprintf(b, cap, "@%" PRId64 ".%09" PRId64, sec, frac);
    return;
  }
  /* 2023-11-14T00:00:00Z is 1699920000 */
  int64_t d = sec - 1699920000;
  snprintf(b, cap, "2023-11-%02dT%02d:%02d:%02d.%09" PRId64 "Z",
           (int)(14 + d / 86400), (int)(d % 86400 / 3600),
           (int)(d % 3600 / 60), (int)(d % 60), frac);
}

static int run_one(const sel *s, const trec *v, size_t n, size_t *got) {
  capkit_slicer *sl = capkit_slicer_new();
  char b[96];
  int ok = sl != NULL;
  for (int i = 0; ok && i < s->n_ranges; i++) {
    if (s->hi[i] == UINT64_MAX)
      snprintf(b, sizeof b, "%" PRIu64 "-", s->lo[i]);
    else
      snprintf(b, sizeof b, "%" PRIu64 "-%" PRIu64, s->lo[i], s->hi[i]);
    ok = capkit_slicer_option(sl, "records", b) == 0;
  }
  if (ok && s->have_first) {
    snprintf(b, sizeof b, "%" PRIu64, s->first);
    ok = capkit_slicer_option(sl, "first", b) == 0;
  }
  if (ok && s->have_last) {
    snprintf(b, sizeof b, "%" PRIu64, s->last);
    ok = capkit_slicer_option(sl, "last", b) == 0;
  }
  if (ok && s->have_from) {
    if (s->rel_from)
      fmt_dur(b, sizeof b, s->from_ns);
    else
      fmt_abs(b, sizeof b, s->from_ns, (int)(rnd() & 1));
    ok = capkit_slicer_option(sl, "from", b) == 0;
  }
  if (ok && s->have_to) {
    if (s->rel_to)
      fmt_dur(b, sizeof b, s->to_ns);
    else
      fmt_abs(b, sizeof b, s->to_ns, (int)(rnd() & 1));
    ok = capkit_slicer_option(sl, "to", b) == 0;
  }
  if (!ok) {
    capkit_slicer_free(sl);
    return -1;
  }
  /* One buffer for every record, overwritten as a reader's is. */
  uint8_t buf[64];
  char comment[32];
  int k = 0;
  size_t m = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (size_t i = 0; i < n; i++) {
    memset(buf, v[i].fill, sizeof buf);
    snprintf(comment, sizeof comment, "c%zu", i);
    rec.ts_sec = v[i].sec;
    rec.ts_nsec = v[i].nsec;
    rec.caplen = rec.origlen = v[i].len;
    rec.data = buf;
    rec.comment = comment;
    rec.number = i + 1;
    k = capkit_slicer_add(sl, &rec);
    if (k == 1)
      got[m++] = i;
    if (k == 2 || k < 0)
      break;
  }
  memset(buf, 0xEE, sizeof buf);
  strcpy(comment, "gone");
  while (k >= 0 && capkit_slicer_next_held(sl, &rec) > 0) {
    size_t i = (size_t)(rec.number - 1);
    char want[32];
    snprintf(want, sizeof want, "c%zu", i);
    int same = rec.caplen == v[i].len && rec.ts_sec == v[i].sec &&
               rec.ts_nsec == v[i].nsec && rec.comment &&
               strcmp(rec.comment, want) == 0;
    for (uint32_t j = 0; same && j < rec.caplen; j++)
      same = rec.data[j] == v[i].fill;
    if (!same)
      k = -1;
    got[m++] = i;
  }
  capkit_slicer_free(sl);
  return k < 0 ? -1 : (int)m;
}

static void properties(void) {
  static trec v[MAXN];
  static size_t want[MAXN], got[MAXN];
  int bad = 0, runs = 0, nonempty = 0;
  for (int iter = 0; iter < 3000; iter++) {
    size_t n = 1 + rnd() % MAXN;
    int64_t t = (int64_t)1699920000 * 1000000000 + (int64_t)(rnd() % 1000000000);
    for (size_t i = 0; i < n; i++) {
      /* mostly increasing, some steps back, some equal times */
      int64_t step = (int64_t)(rnd() % 20000000) - (rnd() % 8 == 0 ? 15000000 : 0);
      if (rnd() % 10 == 0)
        step = 0;
      t += step;
      v[i].sec = t / 1000000000;
      v[i].nsec = (uint32_t)(t % 1000000000);
      v[i].len = (uint32_t)(rnd() % 65);
      v[i].fill = (uint8_t)rnd();
    }
    sel s;
    memset(&s, 0, sizeof s);
    s.n_ranges = (int)(rnd() % 4);
    for (int i = 0; i < s.n_ranges; i++) {
      s.lo[i] = 1 + rnd() % (n + 5);
      s.hi[i] = rnd() % 5 == 0 ? UINT64_MAX : s.lo[i] + rnd() % 40;
    }
    int64_t t0 = ns_of(&v[0]), span = t - t0 + 1;
    if (span < 1)
      span = 1;
    if (rnd() % 2) {
      s.have_from = 1;
      s.rel_from = (int)(rnd() % 2);
      s.from_ns = (int64_t)(rnd() % (uint64_t)span) + (s.rel_from ? 0 : t0);
    }
    if (rnd() % 2) {
      s.have_to = 1;
      s.rel_to = (int)(rnd() % 2);
      s.to_ns = (int64_t)(rnd() % (uint64_t)(span + 1)) + (s.rel_to ? 0 : t0);
    }
    if (rnd() % 3 == 0) {
      s.have_first = 1;
      s.first = rnd() % (n + 3);
    }
    if (rnd() % 3 == 0) {
      s.have_last = 1;
      s.last = 1 + rnd() % (n + 3);
    }
    size_t k = reference(&s, v, n, want);
    int m = run_one(&s, v, n, got);
    runs++;
    nonempty += k > 0;
    if (m < 0 || (size_t)m != k || memcmp(want, got, k * sizeof *got) != 0) {
      if (!bad)
        fprintf(stderr, "# slicer differs at iteration %d (n %zu): %d vs %zu\n",
                iter, n, m, k);
      bad++;
    }
  }
  CHECK_EQ(bad, 0);
  CHECK(nonempty > runs / 4); /* the selections are not all empty */
}

static void options(void) {
  capkit_slicer *s = capkit_slicer_new();
  CHECK(s != NULL);
  CHECK_EQ(capkit_slicer_option(s, "records", "5-3"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "records", "0-3"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "records", "1-2;3"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "last", "0"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "last", "100000001"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "first", "1k"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "from", "2024-13-01"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "to", "+3parsecs"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_slicer_option(s, "middle", "1"), CAPKIT_ENOTFOUND);
  /* '+10000-01-01' is a date of an expanded year, not a duration */
  CHECK_EQ(capkit_slicer_option(s, "to", "+10000-01-01T00:00:00Z"), 0);
  CHECK_EQ(capkit_slicer_option(s, "records", "-3,7-"), 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.number = 4;
  CHECK_EQ(capkit_slicer_add(s, &rec), 0);
  rec.number = 2;
  CHECK_EQ(capkit_slicer_add(s, &rec), 1);
  CHECK_EQ(capkit_slicer_option(s, "first", "1"), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_slicer_next_held(s, &rec), 0);
  capkit_slicer_free(s);
  capkit_slicer_free(NULL);
  /* a closed range: the record after it ends the input */
  s = capkit_slicer_new();
  CHECK_EQ(capkit_slicer_option(s, "records", "2-3"), 0);
  rec.number = 4;
  CHECK_EQ(capkit_slicer_add(s, &rec), 2);
  capkit_slicer_free(s);
}

int main(void) {
  options();
  properties();
  return tap_done();
}

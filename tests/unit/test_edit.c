/* test_edit.c - record edits through edit.h: the retimer against a 128-bit
 * reference of its rule (new = base + offset * factor + shift, or base +
 * i * 10^9 / rate + shift; halves rounded away from zero) over seeded
 * random times, starts, shifts, factors and rates; out-of-range times
 * leaving the record unchanged; comments by record number (the later edit
 * of a record wins, deletions, clearing all, records past the end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/edit.h>

#include "mkpkt.h"
#include "tap.h"

typedef __int128 i128;

static uint64_t rng = 0x853c49e6748fea9bull;
static uint64_t rnd(void) { return mk_rand(&rng); }

static i128 ns_of(int64_t sec, uint32_t nsec) {
  return (i128)sec * 1000000000 + nsec;
}

/* q / d rounded to the nearest, halves away from zero (d > 0) */
static i128 div_round(i128 q, i128 d) {
  i128 a = q < 0 ? -q : q, r = (a + d / 2) / d;
  return q < 0 ? -r : r;
}

static void retimer_property(int rounds) {
  static const double rates[] = {1, 2, 4, 5, 8, 10, 1000};
  int ok = 1;
  for (int round = 0; round < rounds; round++) {
    capkit_retimer *t = capkit_retimer_new();
    int mode = (int)(rnd() % 3); /* 0 offsets, 1 scaled, 2 rate */
    int k = (int)(rnd() % 13);   /* factor k / 4: exact in binary */
    double rate = rates[rnd() % 7];
    int64_t shift_ns = (int64_t)(rnd() % 2000000000000000ull) -
                       1000000000000000ll;
    capkit_time shift = capkit_time_from_ns(shift_ns);
    int has_start = (int)(rnd() & 1);
    capkit_time start = {(int64_t)(rnd() % 4000000000u) - 2000000000,
                         (uint32_t)(rnd() % 1000000000u)};
    ok &= capkit_retimer_set_shift(t, shift) == 0;
    if (has_start)
      ok &= capkit_retimer_set_start(t, start) == 0;
    if (mode == 1)
      ok &= capkit_retimer_set_scale(t, k / 4.0) == 0;
    if (mode == 2)
      ok &= capkit_retimer_set_rate(t, rate) == 0;
    i128 t0 = 0;
    for (int i = 0; i < 20; i++) {
      capkit_record rec = CAPKIT_RECORD_INIT;
      rec.ts_sec = 1600000000 + (int64_t)(rnd() % 100000) - 50000;
      rec.ts_nsec = (uint32_t)(rnd() % 1000000000u);
      i128 now = ns_of(rec.ts_sec, rec.ts_nsec);
      if (i == 0)
        t0 = now;
      i128 off = mode == 2   ? (i128)i * (i128)(1e9 / rate)
                 : mode == 1 ? div_round((now - t0) * k, 4)
                             : now - t0;
      i128 want = (has_start ? ns_of(start.sec, start.nsec) : t0) + off +
                  shift_ns;
      ok &= capkit_retimer_apply(t, &rec) == 0;
      ok &= ns_of(rec.ts_sec, rec.ts_nsec) == want && rec.ts_nsec < 1000000000u;
    }
    ok &= capkit_retimer_set_shift(t, shift) == CAPKIT_EMISUSE;
    capkit_retimer_free(t);
  }
  CHECK(ok);
}

static void retimer_limits(void) {
  capkit_retimer *t = capkit_retimer_new();
  CHECK_EQ(capkit_retimer_set_scale(t, -1), CAPKIT_EINVAL);
  CHECK_EQ(capkit_retimer_set_rate(t, 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_retimer_set_scale(t, 1e300), 0);
  CHECK_EQ(capkit_retimer_set_rate(t, 5), CAPKIT_EINVAL); /* with scale */
  capkit_record a = CAPKIT_RECORD_INIT, b = CAPKIT_RECORD_INIT;
  a.ts_sec = 100;
  b.ts_sec = 101;
  b.ts_nsec = 7;
  CHECK_EQ(capkit_retimer_apply(t, &a), 0);
  CHECK(a.ts_sec == 100 && a.ts_nsec == 0);
  CHECK_EQ(capkit_retimer_apply(t, &b), CAPKIT_ERANGE);
  CHECK(b.ts_sec == 101 && b.ts_nsec == 7); /* unchanged */
  capkit_retimer_free(t);
  CHECK_EQ(capkit_retimer_apply(NULL, &a), CAPKIT_EINVAL);
  capkit_retimer_free(NULL);
}

static void comments(void) {
  capkit_comments *c = capkit_comments_new();
  CHECK_EQ(capkit_comments_set(c, 3, "three"), 0);
  CHECK_EQ(capkit_comments_set(c, 2, "two"), 0);
  CHECK_EQ(capkit_comments_set(c, 3, "THREE"), 0); /* later wins */
  CHECK_EQ(capkit_comments_set(c, 4, NULL), 0);     /* delete */
  CHECK_EQ(capkit_comments_set(c, 9, "past"), 0);
  CHECK_EQ(capkit_comments_set(c, 0, "x"), CAPKIT_EINVAL);
  char *big = malloc(CAPKIT_COMMENT_MAX + 2);
  memset(big, 'a', CAPKIT_COMMENT_MAX + 1);
  big[CAPKIT_COMMENT_MAX + 1] = '\0';
  CHECK_EQ(capkit_comments_set(c, 5, big), CAPKIT_EINVAL);
  big[CAPKIT_COMMENT_MAX] = '\0';
  CHECK_EQ(capkit_comments_set(c, 6, big), 0);
  free(big);
  const char *want[] = {"old", "two", "THREE", NULL, "old", NULL, "old"};
  int ok = 1;
  for (uint64_t n = 1; n <= 7; n++) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    rec.number = n;
    rec.comment = "old";
    int named = capkit_comments_apply(c, &rec);
    ok &= named == (n >= 2 && n <= 4) || (n == 6 && named == 1);
    if (n == 6)
      ok &= rec.comment && strlen(rec.comment) == CAPKIT_COMMENT_MAX;
    else
      ok &= want[n - 1] ? rec.comment && !strcmp(rec.comment, want[n - 1])
                        : rec.comment == NULL;
  }
  CHECK(ok);
  CHECK_EQ(capkit_comments_missing(c), 9u);
  CHECK_EQ(capkit_comments_set(c, 8, "late"), CAPKIT_EMISUSE);
  capkit_comments_free(c);
  /* every comment cleared, then the edits */
  c = capkit_comments_new();
  capkit_comments_clear_all(c, 1);
  capkit_comments_set(c, 2, "kept");
  capkit_record r1 = CAPKIT_RECORD_INIT, r2 = CAPKIT_RECORD_INIT;
  r1.number = 1;
  r1.comment = "old";
  r2.number = 2;
  CHECK_EQ(capkit_comments_apply(c, &r1), 0);
  CHECK(r1.comment == NULL);
  CHECK_EQ(capkit_comments_apply(c, &r2), 1);
  CHECK(r2.comment && !strcmp(r2.comment, "kept"));
  CHECK_EQ(capkit_comments_missing(c), 0u);
  capkit_comments_free(c);
  /* no record at all: the lowest edit is missing */
  c = capkit_comments_new();
  capkit_comments_set(c, 7, "x");
  capkit_comments_set(c, 5, NULL);
  CHECK_EQ(capkit_comments_missing(c), 5u);
  capkit_comments_free(c);
  capkit_comments_free(NULL);
}

int main(void) {
  retimer_property(400);
  retimer_limits();
  comments();
  return tap_done();
}

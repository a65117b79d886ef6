/* test_edit.c - capkit_editor through the public API: editcap's chop on
 * hand-worked cases from its manual (start, end, offsets from both ends,
 * two regions, more than the packet has), -L, the snap, -S (its three
 * rules), seeded errors (rate, repeatability, the input never written),
 * and the option parser. editcap itself is compared in
 * tests/interop/test_edit_editcap.sh. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint8_t in[64];

/* Apply the chops to a 20-byte packet 0..19 and compare with want. */
static int chopped(const char *const *opts, const char *want_hex) {
  capkit_editor *e = capkit_editor_new();
  for (size_t i = 0; opts[i]; i++)
    if (capkit_editor_option(e, "chop", opts[i]))
      return 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.data = in;
  rec.caplen = rec.origlen = 20;
  int rc = capkit_editor_apply(e, &rec);
  char got[128] = "";
  for (uint32_t i = 0; i < rec.caplen; i++)
    snprintf(got + strlen(got), sizeof got - strlen(got), "%02x", rec.data[i]);
  capkit_editor_free(e);
  int ok = rc == 0 && !strcmp(got, want_hex) && rec.origlen == 20;
  if (!ok)
    fprintf(stderr, "chop %s: got %s want %s\n", opts[0], got, want_hex);
  return ok;
}

int main(void) {
  for (int i = 0; i < 64; i++)
    in[i] = (uint8_t)i;
  uint8_t orig[64];
  memcpy(orig, in, sizeof in);
  /* 3: the first 3 bytes; -3 the last 3 */
  CHECK(chopped((const char *[]){"3", NULL}, "030405060708090a0b0c0d0e0f10111213"));
  CHECK(chopped((const char *[]){"-3", NULL}, "000102030405060708090a0b0c0d0e0f10"));
  /* 2:3 keeps 2 bytes, then chops 3; 2:-3 chops 3 ending 2 bytes in */
  CHECK(chopped((const char *[]){"2:3", NULL}, "000105060708090a0b0c0d0e0f10111213"));
  CHECK(chopped((const char *[]){"-2:-3", NULL}, "000102030405060708090a0b0c0d0e1213"));
  /* one region at each end */
  CHECK(chopped((const char *[]){"1", "-1", NULL}, "0102030405060708090a0b0c0d0e0f101112"));
  /* more than the packet has: it all goes, nothing beyond */
  CHECK(chopped((const char *[]){"100", NULL}, ""));
  CHECK(chopped((const char *[]){"3:100", NULL}, "000102"));
  /* an offset past the end of the packet chops nothing */
  CHECK(chopped((const char *[]){"25:3", NULL},
                "000102030405060708090a0b0c0d0e0f10111213"));
  CHECK(memcmp(in, orig, sizeof in) == 0); /* the input was never written */

  /* -L and the snap */
  capkit_editor *e = capkit_editor_new();
  CHECK_EQ(capkit_editor_active(e), 0);
  CHECK_EQ(capkit_editor_option(e, "chop", "4"), 0);
  CHECK_EQ(capkit_editor_option(e, "adjust-origlen", NULL), 0);
  CHECK_EQ(capkit_editor_set_snap(e, 10), 0);
  CHECK_EQ(capkit_editor_active(e), 1);
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.data = in;
  rec.caplen = 20;
  rec.origlen = 1500;
  CHECK_EQ(capkit_editor_apply(e, &rec), 0);
  CHECK_EQ(rec.caplen, 6);  /* snapped to 10, then 4 chopped */
  CHECK_EQ(rec.origlen, 6); /* origlen to 10 with the snap, then - 4 */
  CHECK_EQ(rec.data[0], 4);
  rec.data = in;
  rec.caplen = 2;
  rec.origlen = 2;
  CHECK_EQ(capkit_editor_apply(e, &rec), 0);
  CHECK_EQ(rec.caplen, 0);
  CHECK_EQ(rec.origlen, 0);
  capkit_editor_free(e);

  /* -S: older records move to the one before + adj; negative: all */
  static const int64_t t_in[] = {10, 12, 11, 11, 15, 9};
  static const int64_t pos[] = {10, 12, 14, 16, 18, 20}; /* -S 2 */
  static const int64_t zero[] = {10, 12, 12, 12, 15, 15}; /* -S 0 */
  static const int64_t neg[] = {10, 11, 12, 13, 14, 15}; /* -S -1 */
  const char *args[] = {"2", "0", "-1"};
  const int64_t *wants[] = {pos, zero, neg};
  for (int k = 0; k < 3; k++) {
    e = capkit_editor_new();
    CHECK_EQ(capkit_editor_option(e, "strict-time", args[k]), 0);
    int all = 1;
    for (int i = 0; i < 6; i++) {
      capkit_record r = CAPKIT_RECORD_INIT;
      r.ts_sec = t_in[i];
      r.ts_nsec = 0;
      CHECK_EQ(capkit_editor_apply(e, &r), 0);
      all &= r.ts_sec == wants[k][i] && r.ts_nsec == 0;
    }
    CHECK(all);
    capkit_editor_free(e);
  }
  /* fractions carry into the seconds */
  e = capkit_editor_new();
  CHECK_EQ(capkit_editor_option(e, "strict-time", "0.6"), 0);
  capkit_record r1 = CAPKIT_RECORD_INIT, r2 = CAPKIT_RECORD_INIT;
  r1.ts_sec = 5;
  r1.ts_nsec = 700000000;
  r2.ts_sec = 5;
  CHECK_EQ(capkit_editor_apply(e, &r1), 0);
  CHECK_EQ(capkit_editor_apply(e, &r2), 0);
  CHECK(r2.ts_sec == 6 && r2.ts_nsec == 300000000);
  capkit_editor_free(e);

  /* errors: the rate over many bytes, one bit per changed byte, the seed */
  static uint8_t big[1 << 16];
  for (size_t i = 0; i < sizeof big; i++)
    big[i] = (uint8_t)(i * 7);
  const double ps[] = {0.001, 0.02, 0.3, 1.0};
  for (int k = 0; k < 4; k++) {
    uint64_t changed = 0, n = 0, onebit = 1;
    uint8_t first[64] = {0};
    for (int seed = 0; seed < 2; seed++) {
      e = capkit_editor_new();
      CHECK_EQ(capkit_editor_set_errors(e, ps[k], 99, 0), 0);
      for (int rep = 0; rep < 16; rep++) {
        capkit_record r = CAPKIT_RECORD_INIT;
        r.data = big;
        r.caplen = r.origlen = sizeof big;
        CHECK_EQ(capkit_editor_apply(e, &r), 0);
        if (rep == 0 && seed == 0)
          memcpy(first, r.data, sizeof first);
        if (rep == 0 && seed == 1)
          CHECK(memcmp(first, r.data, sizeof first) == 0); /* same seed */
        for (size_t i = 0; seed == 0 && i < sizeof big; i++) {
          uint8_t x = r.data[i] ^ big[i];
          changed += x != 0;
          onebit &= x == 0 || (x & (x - 1)) == 0;
        }
        n += sizeof big;
      }
      capkit_editor_free(e);
    }
    n /= 2;
    double p = ps[k], sd = sqrt(n * p * (1 - p));
    CHECK(fabs((double)changed - n * p) <= 6 * sd + 1e-9);
    CHECK(onebit);
  }
  for (size_t i = 0; i < sizeof big; i++)
    if (big[i] != (uint8_t)(i * 7)) {
      CHECK(!"the input of -E was written");
      break;
    }
  /* another seed, another output; the offset protects the head */
  capkit_editor *a = capkit_editor_new(), *b = capkit_editor_new();
  capkit_editor_option(a, "error-prob", "0.5");
  capkit_editor_option(b, "seed", "2");
  capkit_editor_option(b, "error-prob", "0.5");
  capkit_editor_option(b, "error-offset", "100");
  capkit_record ra = CAPKIT_RECORD_INIT, rb = CAPKIT_RECORD_INIT;
  ra.data = rb.data = big;
  ra.caplen = rb.caplen = 1000;
  capkit_editor_apply(a, &ra);
  capkit_editor_apply(b, &rb);
  CHECK(memcmp(ra.data + 100, rb.data + 100, 900) != 0);
  CHECK(memcmp(rb.data, big, 100) == 0);
  capkit_editor_free(a);
  capkit_editor_free(b);

  /* a seed from the clock only for -E without --seed; the seed it names
   * repeats the output */
  uint64_t clock_seed = 0;
  char num[32];
  a = capkit_editor_new();
  b = capkit_editor_new();
  capkit_editor_option(a, "error-prob", "0.5");
  CHECK_EQ(capkit_editor_seed_from_clock(a, &clock_seed), 1);
  CHECK_EQ(capkit_editor_seed_from_clock(a, NULL), 0); /* chosen once */
  snprintf(num, sizeof num, "%llu", (unsigned long long)clock_seed);
  capkit_editor_option(b, "error-prob", "0.5");
  CHECK_EQ(capkit_editor_option(b, "seed", num), 0);
  CHECK_EQ(capkit_editor_seed_from_clock(b, NULL), 0); /* seed given */
  ra.data = rb.data = big;
  ra.caplen = rb.caplen = 1000;
  capkit_editor_apply(a, &ra);
  capkit_editor_apply(b, &rb);
  CHECK(memcmp(ra.data, rb.data, 1000) == 0);
  CHECK(memcmp(ra.data, big, 1000) != 0);
  capkit_editor_free(a);
  capkit_editor_free(b);
  a = capkit_editor_new(); /* no -E: nothing to seed */
  capkit_editor_option(a, "chop", "1");
  CHECK_EQ(capkit_editor_seed_from_clock(a, &clock_seed), 0);
  CHECK_EQ(capkit_editor_seed_from_clock(NULL, NULL), 0);
  capkit_editor_free(a);

  /* the parser */
  e = capkit_editor_new();
  CHECK_EQ(capkit_editor_option(e, "chop", "0"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "chop", "1:0"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "chop", "x"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "chop", ":3"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "chop", "3:"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "chop", "9999999999"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "error-prob", "1.5"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "error-prob", "nan"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "error-prob", "-0.1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "strict-time", "--1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "strict-time", "abc"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "seed", "-1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "snap", "0"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_option(e, "nosuch", "1"), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_editor_apply(e, NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_apply(NULL, &rec), CAPKIT_EINVAL);
  CHECK_EQ(capkit_editor_active(e), 0);
  capkit_editor_free(e);
  capkit_editor_free(NULL);
  return tap_done();
}

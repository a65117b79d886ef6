/* test_names.c - the plain decimals, byte-order and precision names every
 * front end parses through the library (build.h, writer.h). Expected
 * values: the decimal text printf makes of seeded 64-bit numbers, the
 * 2^64 boundary, and the names the tools document. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void test_decimal(void) {
  uint64_t seed = 7, v;
  char text[32];
  for (int i = 0; i < 20000; i++) {
    uint64_t want = mix(&seed) >> (mix(&seed) % 64);
    snprintf(text, sizeof text, "%" PRIu64, want);
    v = 0;
    CHECK(capkit_parse_decimal(text, &v) == 0 && v == want);
  }
  CHECK(capkit_parse_decimal("18446744073709551615", &v) == 0 &&
        v == UINT64_MAX);
  CHECK(capkit_parse_decimal("007", &v) == 0 && v == 7);
  const char *bad[] = {"18446744073709551616", "99999999999999999999", "",
                       "-1", "+1", " 1", "1 ", "1k", "0x10", "1.5", "1e3"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    v = 42;
    CHECK(capkit_parse_decimal(bad[i], &v) == CAPKIT_EINVAL && v == 42);
  }
  CHECK(capkit_parse_decimal(NULL, &v) == CAPKIT_EINVAL);
  CHECK(capkit_parse_decimal("1", NULL) == CAPKIT_EINVAL);
}

static void test_byte_order(void) {
  const struct {
    const char *name;
    capkit_byte_order bo;
  } ok[] = {{"little", CAPKIT_BO_LITTLE}, {"le", CAPKIT_BO_LITTLE},
            {"big", CAPKIT_BO_BIG},       {"be", CAPKIT_BO_BIG},
            {"native", CAPKIT_BO_NATIVE}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    capkit_byte_order bo = (capkit_byte_order)99;
    CHECK(capkit_parse_byte_order(ok[i].name, &bo) == 0 && bo == ok[i].bo);
  }
  const char *bad[] = {"", "Little", "LE", "network", "host", "l", "bigx"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    capkit_byte_order bo = CAPKIT_BO_BIG;
    CHECK(capkit_parse_byte_order(bad[i], &bo) == CAPKIT_EINVAL &&
          bo == CAPKIT_BO_BIG);
  }
  capkit_byte_order bo;
  CHECK(capkit_parse_byte_order(NULL, &bo) == CAPKIT_EINVAL);
}

static void test_precision(void) {
  const char *micro[] = {"us", "usec", "micro", "6"};
  const char *nano[] = {"ns", "nsec", "nano", "9"};
  for (size_t i = 0; i < 4; i++) {
    unsigned p = 0;
    CHECK(capkit_parse_precision(micro[i], &p) == 0 && p == 6);
    p = 0;
    CHECK(capkit_parse_precision(nano[i], &p) == 0 && p == 9);
  }
  const char *bad[] = {"", "ms", "3", "06", "NS", "nanos", "u"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    unsigned p = 1;
    CHECK(capkit_parse_precision(bad[i], &p) == CAPKIT_EINVAL && p == 1);
  }
  unsigned p;
  CHECK(capkit_parse_precision(NULL, &p) == CAPKIT_EINVAL);
}

int main(void) {
  test_decimal();
  test_byte_order();
  test_precision();
  return tap_done();
}

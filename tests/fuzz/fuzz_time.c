/* fuzz_time.c - libFuzzer target: any text as an RFC 3339 time and as a
 * duration. What parses must format and parse back to the same time, and
 * the checked arithmetic must undo itself whenever it succeeds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

static int same(capkit_time a, capkit_time b) {
  return a.sec == b.sec && a.nsec == b.nsec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 256)
    return 0;
  char s[257];
  memcpy(s, data, size);
  s[size] = 0;
  /* "TIME|DURATION": both halves parsed; either may fail */
  char *bar = strchr(s, '|');
  const char *dur = bar ? bar + 1 : s;
  if (bar)
    *bar = 0;
  capkit_time t = {0, 0}, d = {0, 0}, r, back;
  int have_t = capkit_time_parse(s, &t) == 0;
  int have_d = capkit_time_parse_duration(dur, &d) == 0;
  char b[CAPKIT_TIME_FMT_MAX];
  for (int i = 0; i < 2; i++) {
    capkit_time x = i ? d : t;
    if (!(i ? have_d : have_t))
      continue;
    if (x.nsec >= 1000000000u)
      abort();
    int n = capkit_time_format(b, sizeof b, x, 9, i);
    if (n <= 0 || n >= CAPKIT_TIME_FMT_MAX || capkit_time_parse(b, &back) ||
        !same(back, x))
      abort();
  }
  if (capkit_time_add(t, d, &r) == 0 &&
      (capkit_time_sub(r, d, &back) || !same(back, t)))
    abort();
  if (capkit_time_sub(t, d, &r) == 0 &&
      (capkit_time_add(r, d, &back) || !same(back, t)))
    abort();
  if (capkit_time_scale(t, 1.0, &r) || !same(r, t))
    abort();
  int c = capkit_time_cmp(t, d);
  if (capkit_time_sub(t, d, &r) == 0 && (c < 0) != (r.sec < 0))
    abort();
  capkit_time_scale(t, (double)d.sec / 7.0, &r);
  capkit_time_scale_ratio(t, d.sec, (int64_t)d.nsec - 500000000, &r);
  return 0;
}

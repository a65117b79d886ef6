/* test_pace.c - the replay pacer: deadlines from the first packet's clock
 * by packet rate (i / rate), bit rate (bits / rate) and recorded times
 * (offset / speed, never before the previous deadline, files following
 * each other without a gap), the packet limit, the duration, real waits
 * that keep to the schedule, and interruption. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capkit/capkit.h>

#include "tap.h"

static capkit_record at(int64_t sec, uint32_t nsec) {
  capkit_record r = CAPKIT_RECORD_INIT;
  r.ts_sec = sec;
  r.ts_nsec = nsec;
  return r;
}

static int64_t mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void deadlines(void) {
  capkit_record r = at(0, 0);
  /* 1000 packets a second: packet i at start + i ms */
  capkit_pacer *p = capkit_pacer_new(CAPKIT_PACE_PPS, 1000);
  int64_t start = capkit_pacer_due(p, &r), ok = 1;
  for (int i = 1; i < 50; i++) {
    capkit_pacer_sent(p, 60);
    ok &= capkit_pacer_due(p, &r) - start == (int64_t)i * 1000000;
  }
  CHECK(ok);
  capkit_pacer_free(p);
  /* 8 Mbit/s: a byte a microsecond */
  p = capkit_pacer_new(CAPKIT_PACE_MBPS, 8);
  start = capkit_pacer_due(p, &r);
  capkit_pacer_sent(p, 1000);
  CHECK_EQ(capkit_pacer_due(p, &r) - start, 1000000);
  capkit_pacer_sent(p, 500);
  CHECK_EQ(capkit_pacer_due(p, &r) - start, 1500000);
  capkit_pacer_free(p);
  /* recorded times at twice the speed; a time going back is due at once
   * (not before the one before); the next file follows the last */
  p = capkit_pacer_new(CAPKIT_PACE_TIMED, 2);
  capkit_record a = at(100, 0), b = at(101, 0), c = at(100, 500000000);
  start = capkit_pacer_due(p, &a);
  CHECK_EQ(capkit_pacer_due(p, &b) - start, 500000000);
  CHECK_EQ(capkit_pacer_due(p, &c) - start, 500000000);
  capkit_pacer_next_file(p);
  capkit_record d = at(5000, 0), e = at(5002, 0);
  CHECK_EQ(capkit_pacer_due(p, &d) - start, 500000000);
  CHECK_EQ(capkit_pacer_due(p, &e) - start, 1500000000);
  capkit_pacer_free(p);
  /* top speed: no deadline */
  p = capkit_pacer_new(CAPKIT_PACE_TOP, 0);
  CHECK_EQ(capkit_pacer_due(p, &r), 0);
  capkit_pacer_free(p);
  CHECK(capkit_pacer_new(CAPKIT_PACE_PPS, 0) == NULL);
  CHECK(capkit_pacer_new(CAPKIT_PACE_MBPS, -1) == NULL);
  CHECK(capkit_pacer_new(7, 1) == NULL);
  capkit_pacer_free(NULL);
}

static void waits(void) {
  capkit_record r = at(0, 0);
  /* the limit: two packets, then stop */
  capkit_pacer *p = capkit_pacer_new(CAPKIT_PACE_TOP, 0);
  CHECK_EQ(capkit_pacer_set_limits(p, 2, 0), 0);
  CHECK_EQ(capkit_pacer_set_limits(p, 2, -1), CAPKIT_EINVAL);
  int got[3];
  for (int i = 0; i < 3; i++) {
    got[i] = capkit_pacer_wait(p, &r);
    if (got[i] == 1)
      capkit_pacer_sent(p, 60);
  }
  CHECK(got[0] == 1 && got[1] == 1 && got[2] == 0);
  capkit_pacer_free(p);
  /* 200 packets a second: the fifth leaves 20 ms after the first */
  p = capkit_pacer_new(CAPKIT_PACE_PPS, 200);
  int64_t t0 = 0, t4 = 0;
  for (int i = 0; i < 5; i++) {
    CHECK_EQ(capkit_pacer_wait(p, &r), 1);
    if (i == 0)
      t0 = mono();
    t4 = mono();
    capkit_pacer_sent(p, 60);
  }
  CHECK(t4 - t0 >= 19000000 && t4 - t0 < 1000000000);
  capkit_pacer_free(p);
  /* a duration of 30 ms at 10 packets a second: the second packet would
   * leave after the end, so the wait ends at the end, with 0 */
  p = capkit_pacer_new(CAPKIT_PACE_PPS, 10);
  capkit_pacer_set_limits(p, 0, 30000000);
  CHECK_EQ(capkit_pacer_wait(p, &r), 1);
  capkit_pacer_sent(p, 60);
  CHECK_EQ(capkit_pacer_wait(p, &r), 0);
  int64_t el = capkit_pacer_elapsed(p);
  CHECK(el >= 30000000 && el < 1000000000);
  capkit_pacer_free(p);
  /* interrupted: every wait returns 2 at once */
  p = capkit_pacer_new(CAPKIT_PACE_PPS, 0.001);
  CHECK_EQ(capkit_pacer_wait(p, &r), 1);
  capkit_pacer_sent(p, 60);
  capkit_pacer_interrupt(p);
  CHECK_EQ(capkit_pacer_wait(p, &r), 2);
  capkit_pacer_free(p);
}

int main(void) {
  deadlines();
  waits();
  return tap_done();
}

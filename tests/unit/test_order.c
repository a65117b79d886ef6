/* test_order.c - the order tracker of cut.h against a reference computed
 * here over seeded random streams: records older than the one before
 * (reordercap -n's count: compared by seconds, then nanoseconds) and the
 * numbers of the records that start each sorted stretch, with the
 * stretch bound. */
#include <stdlib.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

static uint64_t rng = 0x2b992ddfa23249d6ull;
static uint64_t rnd(void) { return mk_rand(&rng); }

int main(void) {
  int ok = 1;
  for (int round = 0; round < 500; round++) {
    size_t max = rnd() % 6, n = rnd() % 40;
    capkit_order *o = capkit_order_new(max);
    uint64_t late = 0, starts[64];
    size_t ns = 0;
    int64_t ps = 0;
    uint32_t pn = 0;
    for (size_t i = 0; i < n; i++) {
      capkit_record rec = CAPKIT_RECORD_INIT;
      rec.ts_sec = (int64_t)(rnd() % 4) - 2;
      rec.ts_nsec = (uint32_t)(rnd() % 3);
      rec.number = 100 + i;
      int older = i && (rec.ts_sec < ps || (rec.ts_sec == ps && rec.ts_nsec < pn));
      late += (uint64_t)older;
      if (i == 0 || older)
        starts[ns++] = rec.number;
      ps = rec.ts_sec;
      pn = rec.ts_nsec;
      capkit_order_add(o, &rec);
    }
    ok &= capkit_order_records(o) == n && capkit_order_late(o) == late;
    size_t want = ns <= max ? ns : 0;
    ok &= capkit_order_stretches(o) == want;
    for (size_t i = 0; i < want; i++)
      ok &= capkit_order_stretch(o, i) == starts[i];
    ok &= capkit_order_stretch(o, want) == 0;
    capkit_order_free(o);
  }
  CHECK(ok);
  capkit_order_free(NULL);
  return tap_done();
}

/* seeded.h - what the repair and scanner tests share: a small seeded
 * generator (xorshift; set rng to seed it), paths in the test's scratch
 * directory and writing a file there. */
#ifndef CAPKIT_TEST_SEEDED_H
#define CAPKIT_TEST_SEEDED_H

#include <stdint.h>
#include <stdio.h>

#include "tap.h"

static uint64_t rng;
static inline uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}
static inline uint32_t rnd_in(uint32_t lo, uint32_t hi) {
  return lo + rnd() % (hi - lo + 1);
}

/* name in the scratch directory (one of four static buffers in turn) */
static inline const char *tmp(const char *name) {
  static char buf[4][512];
  static int i;
  i = (i + 1) % 4;
  snprintf(buf[i], sizeof buf[i], "%s/%s", tap_tmpdir(), name);
  return buf[i];
}

static inline void spit(const char *path, const uint8_t *b, size_t n) {
  FILE *fp = fopen(path, "wb");
  if (!fp)
    return;
  fwrite(b, 1, n, fp);
  fclose(fp);
}

#endif

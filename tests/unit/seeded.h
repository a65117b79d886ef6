/* seeded.h - what the repair and scanner tests share: a small seeded
 * generator (xorshift; set rng to seed it), paths in the test's scratch
 * directory and writing a file there. */
#ifndef CAPKIT_TEST_SEEDED_H
#define CAPKIT_TEST_SEEDED_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* put, put16 and put32 (in the byte order f->be: 1 big-endian) over a
 * builder struct T with fields uint8_t *b; size_t n, cap; int be. */
/* A test may use only some of the writers SEEDED_PUTS defines. */
#define SEEDED_UNUSED __attribute__((unused))
#define SEEDED_PUTS(T)                                                         \
  SEEDED_UNUSED static void put(T *f, const void *p, size_t n) {               \
    if (f->n + n > f->cap) {                                                   \
      f->cap = (f->n + n) * 2 + 4096;                                          \
      f->b = realloc(f->b, f->cap);                                            \
      if (!f->b)                                                               \
        abort();                                                               \
    }                                                                          \
    memcpy(f->b + f->n, p, n);                                                 \
    f->n += n;                                                                 \
  }                                                                            \
  SEEDED_UNUSED static void put32(T *f, uint32_t v) {                          \
    uint8_t b4[4];                                                             \
    for (int i = 0; i < 4; i++)                                                \
      b4[i] = (uint8_t)(f->be ? v >> (24 - 8 * i) : v >> (8 * i));             \
    put(f, b4, 4);                                                             \
  }                                                                            \
  SEEDED_UNUSED static void put16(T *f, uint16_t v) {                          \
    uint8_t b2[2] = {(uint8_t)(f->be ? v >> 8 : v),                            \
                     (uint8_t)(f->be ? v : v >> 8)};                           \
    put(f, b2, 2);                                                             \
  }

#endif

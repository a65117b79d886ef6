/* heap.h - the binary heap of indices that the merger and the sorter's
 * run merge pick their next input from. */
#ifndef CAPKIT_CUT_HEAP_H
#define CAPKIT_CUT_HEAP_H

#include <stddef.h>

/* 1 when index a goes before index b. */
typedef int (*capkit__before_fn)(const void *ctx, size_t a, size_t b);

/* Restore the order of h[0..n) below position i (earliest first). */
static inline void capkit__heap_down(size_t *h, size_t n, size_t i,
                                     capkit__before_fn before,
                                     const void *ctx) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && before(ctx, h[l], h[m]))
      m = l;
    if (l + 1 < n && before(ctx, h[l + 1], h[m]))
      m = l + 1;
    if (m == i)
      return;
    size_t t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

#endif

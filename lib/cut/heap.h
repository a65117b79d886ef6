/* heap.h - the binary heap of indices that the merger and the sorter's
 * run merge pick their next input from. A macro, so that the comparison
 * is compiled in place: it runs once or twice per record. */
#ifndef CAPKIT_CUT_HEAP_H
#define CAPKIT_CUT_HEAP_H

#include <stddef.h>

/* Restore the order of the size_t indices H[0..N) below position I,
 * earliest first; BEFORE(a, b) is an expression that is true when index a
 * goes before index b. */
#define CAPKIT__HEAP_DOWN(H, N, I, BEFORE)                                     \
  do {                                                                         \
    size_t *h_ = (H), n_ = (N), i_ = (I);                                      \
    for (;;) {                                                                 \
      size_t l_ = 2 * i_ + 1, m_ = i_;                                         \
      if (l_ < n_ && BEFORE(h_[l_], h_[m_]))                                   \
        m_ = l_;                                                               \
      if (l_ + 1 < n_ && BEFORE(h_[l_ + 1], h_[m_]))                           \
        m_ = l_ + 1;                                                           \
      if (m_ == i_)                                                            \
        break;                                                                 \
      size_t t_ = h_[i_];                                                      \
      h_[i_] = h_[m_];                                                         \
      h_[m_] = t_;                                                             \
      i_ = m_;                                                                 \
    }                                                                          \
  } while (0)

#endif

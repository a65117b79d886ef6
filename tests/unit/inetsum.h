/* inetsum.h - test helper: the Internet checksum of RFC 1071, written from
 * the RFC (not by capkit), for tests that build packets with right
 * checksums. */
#ifndef CAPKIT_TEST_INETSUM_H
#define CAPKIT_TEST_INETSUM_H

#include <stddef.h>
#include <stdint.h>

/* The ones' complement sum of the 16-bit big-endian words of p[0..n) (an
 * odd last byte padded with zero) added to s, not yet folded. */
static inline uint32_t inet_sum16(uint32_t s, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    s += (uint32_t)p[n - 1] << 8;
  return s;
}

/* The checksum: the ones' complement of the folded sum. */
static inline uint16_t inet_fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

#endif

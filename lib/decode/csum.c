/* csum.c - the Internet checksum (RFC 1071), summed in host order (64
 * bytes a step with AVX2 where the processor has it, 32 with SSE2, else
 * 16) and swapped once at the end. */
#include "decode_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CSUM_AVX2 1
#endif

static inline uint64_t add_c(uint64_t s, uint64_t v) {
  s += v;
  return s + (s < v);
}

#ifdef CSUM_AVX2
/* The 16-bit words of steps * 64 bytes at p, summed: the low and the high
 * 16 bits of each 32-bit lane into four lane sums, emptied every 2^14
 * steps (each lane is then below 2^30, so the four add up without
 * overflow). Built for AVX2 whatever the compiler's target; called only
 * where the processor has it. */
__attribute__((target("avx2"))) static uint64_t sum_avx2(const uint8_t *p,
                                                         size_t steps) {
  const __m256i lo16 = _mm256_set1_epi32(0xffff);
  const __m256i zero = _mm256_setzero_si256();
  uint64_t a = 0;
  while (steps) {
    size_t k = steps < 16384 ? steps : 16384;
    steps -= k;
    __m256i s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    for (; k; k--, p += 64) {
      __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
      __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
      s0 = _mm256_add_epi32(s0, _mm256_and_si256(v0, lo16));
      s1 = _mm256_add_epi32(s1, _mm256_srli_epi32(v0, 16));
      s2 = _mm256_add_epi32(s2, _mm256_and_si256(v1, lo16));
      s3 = _mm256_add_epi32(s3, _mm256_srli_epi32(v1, 16));
    }
    s0 = _mm256_add_epi32(_mm256_add_epi32(s0, s1), _mm256_add_epi32(s2, s3));
    s0 = _mm256_add_epi64(_mm256_unpacklo_epi32(s0, zero),
                          _mm256_unpackhi_epi32(s0, zero));
    uint64_t four[4];
    _mm256_storeu_si256((__m256i *)(void *)four, s0);
    a += four[0] + four[1] + four[2] + four[3];
  }
  return a;
}
#endif

uint32_t capkit__sum(const uint8_t *p, size_t n) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  uint32_t w0, w1, w2, w3;
#ifdef CSUM_AVX2
  if (n >= 64 && __builtin_cpu_supports("avx2")) {
    size_t steps = n / 64;
    a = sum_avx2(p, steps);
    p += steps * 64;
    n -= steps * 64;
  }
#endif
#ifdef __SSE2__
  /* As sum_avx2, 32 bytes a step, where AVX2 is not there and for what
   * it left (the compiler widens the scalar loop below only to 16 bytes a
   * step). */
  const __m128i lo16 = _mm_set1_epi32(0xffff), zero = _mm_setzero_si128();
  while (n >= 32) {
    size_t k = n / 32 < 16384 ? n / 32 : 16384;
    n -= k * 32;
    __m128i s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    for (; k; k--, p += 32) {
      __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
      __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
      s0 = _mm_add_epi32(s0, _mm_and_si128(v0, lo16));
      s1 = _mm_add_epi32(s1, _mm_srli_epi32(v0, 16));
      s2 = _mm_add_epi32(s2, _mm_and_si128(v1, lo16));
      s3 = _mm_add_epi32(s3, _mm_srli_epi32(v1, 16));
    }
    s0 = _mm_add_epi32(_mm_add_epi32(s0, s1), _mm_add_epi32(s2, s3));
    s0 = _mm_add_epi64(_mm_unpacklo_epi32(s0, zero),
                       _mm_unpackhi_epi32(s0, zero));
    uint64_t two[2];
    _mm_storeu_si128((__m128i *)(void *)two, s0);
    a += two[0] + two[1];
  }
#endif
  /* 32-bit words into four 64-bit accumulators: no carry to propagate
   * (2^32 additions would be needed to overflow), and four independent
   * chains instead of one add-with-carry chain. Folded at the end. */
  while (n >= 16) {
    memcpy(&w0, p, 4);
    memcpy(&w1, p + 4, 4);
    memcpy(&w2, p + 8, 4);
    memcpy(&w3, p + 12, 4);
    a += w0;
    b += w1;
    c += w2;
    d += w3;
    p += 16;
    n -= 16;
  }
  while (n >= 4) {
    memcpy(&w0, p, 4);
    a += w0;
    p += 4;
    n -= 4;
  }
  if (n) {
    /* zero padding after the last byte, as the checksum defines it */
    w0 = 0;
    memcpy(&w0, p, n);
    a += w0;
  }
  uint64_t s = add_c(add_c(a, b), add_c(c, d));
  /* fold 64 -> 16 */
  s = (s & 0xffffffffu) + (s >> 32);
  s = (s & 0xffffffffu) + (s >> 32);
  s = (s & 0xffffu) + (s >> 16);
  s = (s & 0xffffu) + (s >> 16);
  uint16_t r = (uint16_t)s;
  if (capkit__host_is_le())
    r = capkit__bswap16(r);
  return r;
}

uint16_t capkit_inet_sum(const uint8_t *p, size_t len, uint32_t sum) {
  uint64_t s = (uint64_t)sum + capkit__sum(p, len);
  while (s >> 16)
    s = (s & 0xffffu) + (s >> 16);
  return (uint16_t)s;
}

/* csum.c - the Internet checksum (RFC 1071), summed in host order 16
 * bytes per step and swapped once at the end. */
#include "decode_int.h"

static inline uint64_t add_c(uint64_t s, uint64_t v) {
  s += v;
  return s + (s < v);
}

uint32_t capkit__sum(const uint8_t *p, size_t n) {
  /* 32-bit words into four 64-bit accumulators: no carry to propagate
   * (2^32 additions would be needed to overflow), and four independent
   * chains instead of one add-with-carry chain. Folded at the end. */
  uint64_t a = 0, b = 0, c = 0, d = 0;
  uint32_t w0, w1, w2, w3;
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

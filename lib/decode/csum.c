/* csum.c - the Internet checksum (RFC 1071), 8 bytes per step with
 * end-around carry, summed in host order and swapped once at the end. */
#include "decode_int.h"

static inline uint64_t add_c(uint64_t s, uint64_t v) {
  s += v;
  return s + (s < v);
}

uint32_t capkit__sum(const uint8_t *p, size_t n) {
  uint64_t s = 0, w;
  while (n >= 32) {
    uint64_t a, b, c, d;
    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);
    memcpy(&c, p + 16, 8);
    memcpy(&d, p + 24, 8);
    s = add_c(s, a);
    s = add_c(s, b);
    s = add_c(s, c);
    s = add_c(s, d);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    memcpy(&w, p, 8);
    s = add_c(s, w);
    p += 8;
    n -= 8;
  }
  if (n) {
    /* zero padding after the last byte, as the checksum defines it */
    w = 0;
    memcpy(&w, p, n);
    s = add_c(s, w);
  }
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

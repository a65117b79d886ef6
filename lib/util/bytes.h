/* bytes.h - bounds-free byte loads/stores in a given byte order. Callers
 * check lengths first (or use a cursor); these never cast buffers. */
#ifndef CAPKIT_UTIL_BYTES_H
#define CAPKIT_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t capkit__bswap16(uint16_t v) {
  return (uint16_t)((v >> 8) | (v << 8));
}
static inline uint32_t capkit__bswap32(uint32_t v) {
  return __builtin_bswap32(v);
}
static inline uint64_t capkit__bswap64(uint64_t v) {
  return __builtin_bswap64(v);
}
static inline int capkit__host_is_le(void) {
  const uint16_t one = 1;
  uint8_t b;
  memcpy(&b, &one, 1);
  return b == 1;
}

static inline uint16_t capkit__ld16(const uint8_t *p, int swap) {
  uint16_t v;
  memcpy(&v, p, 2);
  return swap ? capkit__bswap16(v) : v;
}
static inline uint32_t capkit__ld32(const uint8_t *p, int swap) {
  uint32_t v;
  memcpy(&v, p, 4);
  return swap ? capkit__bswap32(v) : v;
}
static inline uint64_t capkit__ld64(const uint8_t *p, int swap) {
  uint64_t v;
  memcpy(&v, p, 8);
  return swap ? capkit__bswap64(v) : v;
}
static inline void capkit__st16(uint8_t *p, uint16_t v, int swap) {
  if (swap)
    v = capkit__bswap16(v);
  memcpy(p, &v, 2);
}
static inline void capkit__st32(uint8_t *p, uint32_t v, int swap) {
  if (swap)
    v = capkit__bswap32(v);
  memcpy(p, &v, 4);
}
static inline void capkit__st64(uint8_t *p, uint64_t v, int swap) {
  if (swap)
    v = capkit__bswap64(v);
  memcpy(p, &v, 8);
}

/* Big-endian (network order) helpers, for packet contents. */
static inline uint16_t capkit__be16(const uint8_t *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t capkit__be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

/* A read cursor over a bounded span: every get checks the remaining length
 * and fails (returns 0) instead of reading past the end. */
typedef struct capkit__cursor {
  const uint8_t *p;
  size_t left;
  int swap;
} capkit__cursor;

static inline int capkit__cur_skip(capkit__cursor *c, size_t n) {
  if (c->left < n)
    return 0;
  c->p += n;
  c->left -= n;
  return 1;
}
static inline int capkit__cur_u16(capkit__cursor *c, uint16_t *v) {
  if (c->left < 2)
    return 0;
  *v = capkit__ld16(c->p, c->swap);
  c->p += 2;
  c->left -= 2;
  return 1;
}
static inline int capkit__cur_u32(capkit__cursor *c, uint32_t *v) {
  if (c->left < 4)
    return 0;
  *v = capkit__ld32(c->p, c->swap);
  c->p += 4;
  c->left -= 4;
  return 1;
}
static inline int capkit__cur_u64(capkit__cursor *c, uint64_t *v) {
  if (c->left < 8)
    return 0;
  *v = capkit__ld64(c->p, c->swap);
  c->p += 8;
  c->left -= 8;
  return 1;
}
static inline int capkit__cur_ptr(capkit__cursor *c, size_t n,
                                  const uint8_t **out) {
  if (c->left < n)
    return 0;
  *out = c->p;
  c->p += n;
  c->left -= n;
  return 1;
}

#endif

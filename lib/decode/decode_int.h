/* decode_int.h - what the decoder's files share: the walk state, layer
 * allocation and big-endian loads. */
#ifndef CAPKIT_DECODE_INT_H
#define CAPKIT_DECODE_INT_H

#include <string.h>

#include <capkit/decode.h>

#include "util/bytes.h"

typedef struct dwalk {
  capkit_packet *pkt;
  const uint8_t *d;
  unsigned opt;
  uint8_t depth;
} dwalk;

/* A new zeroed layer at OFF, or NULL when the array is full. */
static inline capkit_layer *dw_push(dwalk *w, int type, uint32_t off) {
  capkit_packet *p = w->pkt;
  if (p->count >= p->cap) {
    p->more = 1;
    return NULL;
  }
  capkit_layer *l = &p->layers[p->count++];
  memset(l, 0, sizeof *l);
  l->type = (uint8_t)type;
  l->offset = off;
  l->depth = w->depth;
  return l;
}

/* Marks L truncated: LEN bytes of it were captured. */
static inline void dw_trunc(dwalk *w, capkit_layer *l, uint32_t have) {
  l->status |= CAPKIT_LAYER_TRUNCATED;
  l->len = have;
  w->pkt->status |= CAPKIT_LAYER_TRUNCATED;
}
static inline void dw_bad(dwalk *w, capkit_layer *l) {
  l->status |= CAPKIT_LAYER_MALFORMED;
  w->pkt->status |= CAPKIT_LAYER_MALFORMED;
}

/* Application layers (app.c): by port, on the payload [off, end). */
void capkit__decode_udp_app(dwalk *w, uint16_t sport, uint16_t dport,
                            uint32_t off, uint32_t end);
void capkit__decode_tcp_app(dwalk *w, uint16_t sport, uint16_t dport,
                            uint32_t off, uint32_t end);

/* Sum of LEN bytes as big-endian 16-bit words, not folded beyond 32 bits
 * (csum.c). */
uint32_t capkit__sum(const uint8_t *p, size_t len);

#endif

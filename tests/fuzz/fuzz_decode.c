/* fuzz_decode.c - libFuzzer target: the first byte picks a link type, the
 * rest is one packet, decoded with checksums into a buffer of exactly its
 * size (so any read past the captured bytes is caught), then every layer is
 * checked against the bounds and every DNS name is followed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

static const uint32_t linktypes[] = {1, 0, 108, 113, 276, 101, 228, 229};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint32_t lt = linktypes[data[0] % (sizeof linktypes / sizeof *linktypes)];
  size_t n = size - 1;
  uint8_t *pkt = malloc(n ? n : 1);
  if (!pkt)
    return 0;
  memcpy(pkt, data + 1, n);
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet p;
  capkit_packet_init(&p, layers, CAPKIT_DECODE_MAX_LAYERS);
  /* origlen: the same, or larger when the second byte is odd */
  uint32_t orig = (uint32_t)n + ((data[0] & 0x80) ? 100u : 0u);
  size_t k = capkit_decode(&p, lt, pkt, (uint32_t)n, orig,
                           CAPKIT_DECODE_CHECKSUMS);
  for (size_t i = 0; i < k; i++) {
    const capkit_layer *l = &p.layers[i];
    if (l->offset > n || l->len > n - l->offset)
      abort();
    if (l->type == CAPKIT_LAYER_DNS && l->u.dns.qname_off) {
      char name[300];
      capkit_dns_name(&p, l->u.dns.msg_off, l->u.dns.qname_off, name,
                      sizeof name);
      if (strlen(name) >= sizeof name)
        abort();
    }
  }
  /* a tiny layer array stops cleanly */
  capkit_layer two[2];
  capkit_packet q;
  capkit_packet_init(&q, two, 2);
  if (capkit_decode(&q, lt, pkt, (uint32_t)n, (uint32_t)n, 0) > 2)
    abort();
  free(pkt);
  return 0;
}

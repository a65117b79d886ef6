/* fuzz_rewrite.c - libFuzzer target: the first byte picks a rewriting
 * option set and a link type, the rest is one packet in a buffer of
 * exactly its size (so a read past it is caught); the result must keep
 * within its bounds, and where the option is idempotent (ttl, mtu-trunc,
 * fixcsum) a second pass must give the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

static const char *const sets[][2] = {
    {"pnat", "0.0.0.0/1:10.0.0.0/8,128.0.0.0/1:172.16.0.0/12"},
    {"pnat", "[::/1]:[2001:db8::/32],[8000::/1]:[fd00::/8]"},
    {"portmap", "0-32767:80,32768-65535:443"},
    {"enet-vlan", "del"},
    {"ttl", "64"},
    {"mtu-trunc", NULL},
    {"fixcsum", NULL},
    {"enet-smac", "02:00:00:00:00:01"},
};
static const uint32_t linktypes[] = {1, 101, 228, 229, 113, 276, 0, 108};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  size_t n = size - 1;
  uint8_t *pkt = malloc(n ? n : 1);
  if (!pkt)
    return 0;
  memcpy(pkt, data + 1, n);
  capkit_iface ifc;
  memset(&ifc, 0, sizeof ifc);
  ifc.linktype = linktypes[(data[0] >> 3) % 8];
  capkit_rewriter *a = capkit_rewriter_new(), *b = capkit_rewriter_new();
  if (!a || !b)
    abort();
  const char *const *set = sets[data[0] % 8];
  if (capkit_rewriter_set(a, set[0], set[1]) ||
      capkit_rewriter_set(b, set[0], set[1]) ||
      capkit_rewriter_set(a, "mtu", "300") ||
      capkit_rewriter_set(b, "mtu", "300"))
    abort();
  capkit_record in = CAPKIT_RECORD_INIT, out = CAPKIT_RECORD_INIT,
                again = CAPKIT_RECORD_INIT;
  in.data = pkt;
  in.caplen = (uint32_t)n;
  in.origlen = (uint32_t)n + ((data[0] & 0x40) ? 100u : 0u);
  in.iface = &ifc;
  if (capkit_rewriter_apply(a, &in, &out) < 0)
    abort();
  if (out.caplen > n + 8 || out.origlen < out.caplen)
    abort();
  uint8_t *copy = malloc(out.caplen ? out.caplen : 1);
  if (!copy)
    abort();
  memcpy(copy, out.data, out.caplen);
  in.data = copy;
  in.caplen = out.caplen;
  in.origlen = out.origlen;
  if (capkit_rewriter_apply(b, &in, &again) < 0)
    abort();
  if ((!strcmp(set[0], "ttl") || !strcmp(set[0], "mtu-trunc") ||
       !strcmp(set[0], "fixcsum")) &&
      (again.caplen != out.caplen || memcmp(again.data, copy, again.caplen)))
    abort();
  free(copy);
  free(pkt);
  capkit_rewriter_free(a);
  capkit_rewriter_free(b);
  return 0;
}

/* fuzz_import.c - libFuzzer target: any text through the hex dump parser,
 * fed in two pieces, in packet mode (with a time format) and whole mode. */
#include <stdint.h>
#include <stdlib.h>

#include <capkit/capkit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (unsigned mode = 0; mode < 2; mode++) {
    capkit_hexparse *p =
        capkit_hexparse_new(mode ? NULL : "%H:%M:%S.%f", mode);
    if (!p)
      return 0;
    size_t half = size / 2;
    int rc = capkit_hexparse_feed(p, (const char *)data, half);
    if (!rc)
      rc = capkit_hexparse_feed(p, (const char *)data + half, size - half);
    if (!rc)
      rc = capkit_hexparse_finish(p);
    capkit_hex_packet pk;
    unsigned sum = 0;
    while (!mode && capkit_hexparse_next(p, &pk) > 0)
      for (size_t i = 0; i < pk.len; i++)
        sum += pk.data[i];
    size_t n;
    const uint8_t *b = capkit_hexparse_bytes(p, &n);
    for (size_t i = 0; mode && b && i < n; i++)
      sum += b[i];
    (void)sum;
    (void)rc;
    capkit_hexparse_free(p);
  }
  return 0;
}

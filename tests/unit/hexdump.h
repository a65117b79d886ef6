/* hexdump.h - hex dump text as the tools write it, for the import tests:
 * od -Ax -tx1 (POSIX od: an offset in hex, then the bytes in hex, 16 a
 * line, the end offset alone). */
#ifndef CAPKIT_TEST_HEXDUMP_H
#define CAPKIT_TEST_HEXDUMP_H

#include <stdint.h>
#include <stdio.h>

/* od -Ax -tx1 output of n bytes (as one packet: offsets from 0). */
static inline void od_dump(FILE *f, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    fprintf(f, "%06zx", i);
    for (size_t k = i; k < n && k < i + 16; k++)
      fprintf(f, " %02x", b[k]);
    fputc('\n', f);
  }
  fprintf(f, "%06zx\n", n);
}

#endif

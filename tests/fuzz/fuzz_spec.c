/* fuzz_spec.c - libFuzzer target: any text as a gen spec; a spec that
 * compiles must build packets whose length stays within the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  char *s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = 0;
  capkit_gen *g;
  capkit_spec_error e;
  /* payload(file=...) would read files: not what this target is about */
  if (!strstr(s, "file") && capkit_gen_new(s, 1, &g, &e) == 0) {
    uint64_t per = capkit_gen_round_packets(g);
    unsigned sum = 0;
    for (uint64_t i = 0; i < 3 * per && i < 300; i++) {
      const uint8_t *d;
      size_t n;
      capkit_gen_next(g, &d, &n);
      for (size_t k = 0; k < n; k++)
        sum += d[k];
    }
    const uint8_t *d;
    size_t n;
    if (capkit_gen_wrap(g, data, size, &d, &n) == 0)
      for (size_t k = 0; k < n; k++)
        sum += d[k];
    (void)sum;
    capkit_gen_free(g);
  } else if (!strstr(s, "file")) {
    if (e.column > size + 1 || !e.message[0])
      abort(); /* an error always says where and what */
  }
  free(s);
  return 0;
}

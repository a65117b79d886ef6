/* test_digest.c - capkit_digest through the public API: the FIPS 180
 * example vectors, a file hashed by the background thread equal to the same
 * bytes fed by hand in random pieces (seeded), and the refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t rnd(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

int main(void) {
  /* FIPS 180-4 examples: "abc" and the empty message */
  capkit_digest *d = capkit_digest_new(CAPKIT_DIGEST_SHA256 | CAPKIT_DIGEST_SHA1);
  CHECK(d);
  CHECK_EQ(capkit_digest_update(d, "abc", 3), 0);
  CHECK_EQ(capkit_digest_hex(d, CAPKIT_DIGEST_SHA256), NULL);
  CHECK_EQ(capkit_digest_finish(d), 0);
  CHECK(!strcmp(capkit_digest_hex(d, CAPKIT_DIGEST_SHA256),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  CHECK(!strcmp(capkit_digest_hex(d, CAPKIT_DIGEST_SHA1),
                "a9993e364706816aba3e25717850c26c9cd0d89d"));
  CHECK_EQ(capkit_digest_bytes(d), 3);
  CHECK_EQ(capkit_digest_finish(d), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_digest_update(d, "x", 1), CAPKIT_EMISUSE);
  capkit_digest_free(d);

  d = capkit_digest_new(CAPKIT_DIGEST_SHA1);
  CHECK_EQ(capkit_digest_finish(d), 0);
  CHECK(!strcmp(capkit_digest_hex(d, CAPKIT_DIGEST_SHA1),
                "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
  CHECK_EQ(capkit_digest_hex(d, CAPKIT_DIGEST_SHA256), NULL);
  capkit_digest_free(d);
  CHECK_EQ(capkit_digest_new(0), NULL);
  CHECK_EQ(capkit_digest_new(8), NULL);
  capkit_digest_free(NULL);

  /* files of random sizes around the thread's 1 MiB reads: the thread's
   * hashes equal the same bytes fed in random pieces */
  uint64_t s = 0x5eed;
  char path[512];
  snprintf(path, sizeof path, "%s/f.bin", tap_tmpdir());
  size_t sizes[] = {0, 1, 63, 64, 65, (1u << 20) - 1, 1u << 20,
                    (1u << 20) + 1, 3u << 20, 0};
  sizes[9] = (size_t)(rnd(&s) % (5u << 20));
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = sizes[k];
    uint8_t *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
      b[i] = (uint8_t)rnd(&s);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(b, 1, n, f) == n);
    fclose(f);
    capkit_digest *t = capkit_digest_new(CAPKIT_DIGEST_SHA256 | CAPKIT_DIGEST_SHA1);
    capkit_digest *h = capkit_digest_new(CAPKIT_DIGEST_SHA256 | CAPKIT_DIGEST_SHA1);
    CHECK_EQ(capkit_digest_start_path(t, path), 0);
    CHECK_EQ(capkit_digest_start_path(t, path), CAPKIT_EMISUSE);
    CHECK_EQ(capkit_digest_update(t, "x", 1), CAPKIT_EMISUSE);
    for (size_t i = 0; i < n;) {
      size_t piece = (size_t)(rnd(&s) % 100000) + 1;
      if (piece > n - i)
        piece = n - i;
      CHECK_EQ(capkit_digest_update(h, b + i, piece), 0);
      i += piece;
    }
    CHECK_EQ(capkit_digest_finish(t), 0);
    CHECK_EQ(capkit_digest_finish(h), 0);
    CHECK_EQ(capkit_digest_bytes(t), n);
    CHECK(!strcmp(capkit_digest_hex(t, CAPKIT_DIGEST_SHA256),
                  capkit_digest_hex(h, CAPKIT_DIGEST_SHA256)));
    CHECK(!strcmp(capkit_digest_hex(t, CAPKIT_DIGEST_SHA1),
                  capkit_digest_hex(h, CAPKIT_DIGEST_SHA1)));
    capkit_digest_free(t);
    capkit_digest_free(h);
    free(b);
  }
  /* a thread still running when freed is stopped and joined */
  d = capkit_digest_new(CAPKIT_DIGEST_SHA256);
  CHECK_EQ(capkit_digest_start_path(d, path), 0);
  capkit_digest_free(d);
  /* refusals: missing file, a directory, bytes fed before */
  d = capkit_digest_new(CAPKIT_DIGEST_SHA256);
  CHECK_EQ(capkit_digest_start_path(d, "/nonexistent/x"), CAPKIT_EOPEN);
  CHECK(strstr(capkit_digest_error(d), "/nonexistent/x") != NULL);
  CHECK_EQ(capkit_digest_start_path(d, tap_tmpdir()), CAPKIT_EINVAL);
  capkit_digest_free(d);
  d = capkit_digest_new(CAPKIT_DIGEST_SHA256);
  CHECK_EQ(capkit_digest_update(d, "a", 1), 0);
  CHECK_EQ(capkit_digest_start_path(d, path), CAPKIT_EMISUSE);
  capkit_digest_free(d);
  remove(path);
  return tap_done();
}

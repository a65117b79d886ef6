/* tap.c - the tiny test harness behind tap.h. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tap_passed, tap_failed;

void tap_check(int ok, const char *expr, const char *file, int line) {
  if (ok) {
    tap_passed++;
  } else {
    tap_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
  }
}

int tap_done(void) {
  printf("%d passed, %d failed\n", tap_passed, tap_failed);
  return tap_failed ? 1 : (tap_passed ? 0 : 1);
}

const char *tap_data(const char *name) {
  static char buf[4096];
  const char *d = getenv("CAPKIT_TESTDATA");
  snprintf(buf, sizeof buf, "%s/%s", d ? d : "tests/data", name);
  return buf;
}

const char *tap_tmpdir(void) {
  static char buf[256];
  if (!buf[0]) {
    const char *t = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/capkit-test-XXXXXX", t ? t : "/tmp");
    if (!mkdtemp(buf)) {
      perror("mkdtemp");
      exit(1);
    }
  }
  return buf;
}

uint8_t *tap_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  uint8_t *b = malloc(cap);
  size_t got;
  while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *nb = realloc(b, cap *= 2);
      if (!nb) {
        free(b);
        b = NULL;
      }
      b = nb;
    }
  }
  fclose(f);
  *len = n;
  return b;
}

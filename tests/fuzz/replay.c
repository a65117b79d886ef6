/* replay.c - runs a fuzz target over every file of a corpus directory as a
 * plain test (no libFuzzer needed), so the corpus guards against regressions
 * in every build. A crash or a sanitizer report ends the process; beyond
 * that the run fails when the corpus is missing or empty, when a file
 * cannot be read whole, or when the target rejects an input (libFuzzer
 * targets return 0). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read path whole into a fresh buffer; NULL (with a message) on failure. */
static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  struct stat st;
  if (!f || fstat(fileno(f), &st) != 0) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    if (f)
      fclose(f);
    return NULL;
  }
  size_t want = (size_t)st.st_size;
  /* exactly the file's size, so ASan sees any read past the input */
  uint8_t *buf = malloc(want ? want : 1);
  size_t got = buf ? fread(buf, 1, want, f) : 0;
  int extra = fgetc(f) != EOF;
  int bad = ferror(f);
  fclose(f);
  if (!buf || got != want || extra || bad) {
    fprintf(stderr, "%s: read %zu of %zu bytes\n", path, got, want);
    free(buf);
    return NULL;
  }
  *len = got;
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  DIR *d = opendir(argv[1]);
  if (!d) {
    fprintf(stderr, "%s: %s (a missing corpus is a failure)\n", argv[1],
            strerror(errno));
    return 1;
  }
  struct dirent *e;
  unsigned long ran = 0, failed = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name) >=
        sizeof path) {
      fprintf(stderr, "%s/%s: path too long\n", argv[1], e->d_name);
      failed++;
      continue;
    }
    size_t len = 0;
    uint8_t *buf = slurp(path, &len);
    if (!buf) {
      failed++;
      continue;
    }
    if (LLVMFuzzerTestOneInput(buf, len) != 0) {
      fprintf(stderr, "%s: the target rejected the input\n", path);
      failed++;
    }
    free(buf);
    ran++;
  }
  closedir(d);
  printf("%lu inputs replayed, %lu failed\n", ran, failed);
  if (ran == 0)
    fprintf(stderr, "%s: no input in the corpus\n", argv[1]);
  return ran > 0 && failed == 0 ? 0 : 1;
}

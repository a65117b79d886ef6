/* test_sink.c - the output path of unchanged records through the public
 * API: a copy of a pcap file that keeps some records and drops others
 * holds exactly the file header and the kept records' bytes (the pcap
 * layout: a 16-byte header, then the captured bytes), whether the kept
 * runs of adjacent records are a few records or many MiB long (many full
 * buffers handed to the output thread). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

/* A pcap file of n random records (60 to 1514 bytes); 0 on success. */
static int make_input(const char *path, int n) {
  capkit_writer *w = capkit_writer_new();
  if (!w || capkit_writer_open_path(w, path))
    return -1;
  uint8_t data[1514];
  for (int i = 0; i < n; i++) {
    uint32_t len = 60 + rnd() % (1514 - 60 + 1);
    for (uint32_t k = 0; k < len; k++)
      data[k] = (uint8_t)rnd();
    capkit_record rec = CAPKIT_RECORD_INIT;
    rec.ts_sec = 1700000000 + i;
    rec.ts_nsec = (uint32_t)(rnd() % 1000000) * 1000;
    rec.caplen = rec.origlen = len;
    rec.data = data;
    if (capkit_writer_write(w, &rec))
      return -1;
  }
  int rc = capkit_writer_close(w);
  capkit_writer_free(w);
  return rc;
}

/* Copy in to out keeping record i (from 0) when keep(i, arg); the
 * expected bytes, built from the input's layout, in *want (*want_len). */
static int copy_some(const char *in, const char *out,
                     int (*keep)(uint64_t, void *), void *arg,
                     const uint8_t *src, uint8_t *want, size_t *want_len) {
  capkit_reader *r = capkit_reader_new();
  capkit_writer *w = capkit_writer_new();
  if (capkit_reader_open_path(r, in) || capkit_writer_copy_settings(w, r) ||
      capkit_writer_open_path(w, out))
    return -1;
  memcpy(want, src, 24);
  size_t at = 24;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  uint64_t i = 0;
  while ((rc = capkit_reader_next(r, &rec)) > 0) {
    if (keep(i++, arg)) {
      if (capkit_writer_write(w, &rec))
        return -1;
      memcpy(want + at, src + rec.offset, 16 + (size_t)rec.caplen);
      at += 16 + (size_t)rec.caplen;
    }
  }
  *want_len = at;
  if (rc < 0 || capkit_writer_close(w))
    return -1;
  capkit_writer_free(w);
  capkit_reader_free(r);
  return 0;
}

static int keep_all(uint64_t i, void *arg) {
  (void)i;
  (void)arg;
  return 1;
}

/* Runs of random length: up to *max records kept, then one to three
 * dropped. */
typedef struct runs {
  uint32_t max;
  uint64_t left; /* records left in the current kept run */
  uint64_t gap;  /* records left to drop */
} runs;

static int keep_runs(uint64_t i, void *arg) {
  runs *r = arg;
  (void)i;
  if (r->gap) {
    r->gap--;
    return 0;
  }
  if (!r->left) {
    r->left = 1 + rnd() % r->max;
    r->gap = 1 + rnd() % 3;
  }
  r->left--;
  return 1;
}

int main(void) {
  char in[512], out[512];
  snprintf(in, sizeof in, "%s/in.pcap", tap_tmpdir());
  snprintf(out, sizeof out, "%s/out.pcap", tap_tmpdir());
  /* about 30 MiB: many full buffers */
  CHECK_EQ(make_input(in, 40000), 0);
  size_t n = 0, got_n = 0, want_n = 0;
  uint8_t *src = tap_slurp(in, &n);
  CHECK(src != NULL && n > ((size_t)24 << 20));
  if (!src)
    return tap_done();
  uint8_t *want = malloc(n);
  CHECK(want != NULL);

  /* the whole file: byte for byte */
  CHECK_EQ(copy_some(in, out, keep_all, NULL, src, want, &want_n), 0);
  uint8_t *got = tap_slurp(out, &got_n);
  CHECK(got && got_n == n && memcmp(got, src, n) == 0);
  free(got);

  /* kept runs from a few records to the whole file */
  static const uint32_t maxes[] = {3, 200, 5000, 20000, 40000};
  for (size_t k = 0; k < sizeof maxes / sizeof maxes[0]; k++) {
    runs r = {maxes[k], 0, 0};
    CHECK_EQ(copy_some(in, out, keep_runs, &r, src, want, &want_n), 0);
    got = tap_slurp(out, &got_n);
    CHECK(got && got_n == want_n && memcmp(got, want, want_n) == 0);
    free(got);
  }
  free(want);
  free(src);
  remove(in);
  remove(out);
  return tap_done();
}

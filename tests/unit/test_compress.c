/* test_compress.c - gzip and zstd captures through the public API: written
 * by suffix or by setting, read back by magic from files, descriptors and
 * memory, equal to the uncompressed copy; damage and truncation inside the
 * compressed stream are errors with offsets, after the good records. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include <capkit/capkit.h>

#define NREC 3000

/* A capture of NREC records of varied, poorly compressible sizes. */
static void fill(uint8_t *buf, uint32_t n, uint32_t seed) {
  uint32_t x = seed * 2654435761u + 1;
  for (uint32_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (uint8_t)(i < 64 ? i : x);
  }
}

static int write_capture(const char *path, const char *format,
                         const char *codec) {
  capkit_writer *w = capkit_writer_new();
  int rc = capkit_writer_set_format(w, format);
  if (!rc && codec)
    rc = capkit_writer_set_compression(w, codec, 0);
  if (!rc)
    rc = capkit_writer_open_path(w, path);
  uint8_t data[1600];
  for (uint32_t i = 0; !rc && i < NREC; i++) {
    capkit_record r = CAPKIT_RECORD_INIT;
    r.ts_sec = 1700000000 + i / 10;
    r.ts_nsec = (i % 10) * 1000;
    r.caplen = r.origlen = 60 + (i * 37) % 1400;
    fill(data, r.caplen, i);
    r.data = data;
    rc = capkit_writer_write(w, &r);
  }
  if (!rc)
    rc = capkit_writer_close(w);
  capkit_writer_free(w);
  return rc;
}

/* Read every record and compare with the generator; returns the record
 * count, or the negative error code (the count before it in *n). */
static int compare = 1;
static int read_back(capkit_reader *r, uint64_t *n) {
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint8_t data[1600];
  int rc;
  *n = 0;
  while ((rc = capkit_reader_next(r, &rec)) > 0) {
    uint32_t i = (uint32_t)*n;
    fill(data, rec.caplen, i);
    if (compare && (rec.caplen != 60 + (i * 37) % 1400 ||
        memcmp(rec.data, data, rec.caplen) != 0 ||
        rec.ts_sec != 1700000000 + i / 10 || rec.ts_nsec != (i % 10) * 1000))
      return -1000;
    (*n)++;
  }
  return rc;
}

static void check_path(const char *path, const char *codec) {
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_path(r, path), 0);
  const char *c = capkit_reader_compression(r);
  CHECK(codec ? c && strcmp(c, codec) == 0 : c == NULL);
  uint64_t n;
  CHECK_EQ(read_back(r, &n), 0);
  CHECK_EQ(n, (uint64_t)NREC);
  uint64_t size, done = capkit_reader_input_offset(r, &size);
  CHECK(size > 0 && done == size);
  capkit_reader_free(r);
}

/* Open a copy of buf with byte i changed (or cut to len) from memory. */
static int read_damaged(const uint8_t *buf, size_t len, uint64_t *n,
                        char *msg, size_t cap) {
  capkit_reader *r = capkit_reader_new();
  int rc = capkit_reader_open_memory(r, buf, len, "mem");
  if (rc == 0)
    rc = read_back(r, n);
  snprintf(msg, cap, "%s", capkit_reader_error(r));
  capkit_reader_free(r);
  return rc;
}

int main(void) {
  const char *dir = tap_tmpdir();
  char plain[512], gz[512], zst[512], ngz[512], forced[512];
  snprintf(plain, sizeof plain, "%s/a.pcap", dir);
  snprintf(gz, sizeof gz, "%s/a.pcap.gz", dir);
  snprintf(zst, sizeof zst, "%s/a.pcap.zst", dir);
  snprintf(ngz, sizeof ngz, "%s/a.pcapng.gz", dir);
  snprintf(forced, sizeof forced, "%s/forced.cap", dir);
  CHECK_EQ(write_capture(plain, "pcap", NULL), 0);
  CHECK_EQ(write_capture(gz, "pcap", NULL), 0);
  CHECK_EQ(write_capture(zst, "pcap", NULL), 0);
  CHECK_EQ(write_capture(ngz, "pcapng", NULL), 0);
  CHECK_EQ(write_capture(forced, "pcap", "zstd"), 0);

  size_t lp, lg, lz, lf;
  uint8_t *bp = tap_slurp(plain, &lp);
  uint8_t *bg = tap_slurp(gz, &lg);
  uint8_t *bz = tap_slurp(zst, &lz);
  uint8_t *bf = tap_slurp(forced, &lf);
  CHECK(bp && bg && bz && bf);
  /* The suffix chose the codec; the data is really compressed. */
  CHECK(lg >= 2 && bg[0] == 0x1f && bg[1] == 0x8b);
  CHECK(lz >= 4 && bz[0] == 0x28 && bz[1] == 0xb5 && bz[2] == 0x2f);
  CHECK(lf >= 4 && bf[0] == 0x28 && bf[3] == 0xfd);
  CHECK(lg < lp && lz < lp);

  check_path(plain, NULL);
  check_path(gz, "gzip");
  check_path(zst, "zstd");
  check_path(ngz, "gzip");
  check_path(forced, "zstd");

  /* A descriptor (a pipe-like source, never mapped). */
  int fd = open(zst, O_RDONLY);
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_set_window(r, 1000), 0);
  CHECK_EQ(capkit_reader_open_fd(r, fd, NULL), 0);
  CHECK_EQ(capkit_reader_set_window(r, 1000), CAPKIT_EMISUSE);
  uint64_t n;
  CHECK_EQ(read_back(r, &n), 0);
  CHECK_EQ(n, (uint64_t)NREC);
  capkit_reader_free(r);
  close(fd);

  /* Bad settings. */
  capkit_writer *w = capkit_writer_new();
  CHECK_EQ(capkit_writer_set_compression(w, "lzma", 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_compression(w, "gzip", 12), CAPKIT_EINVAL);
  CHECK_EQ(capkit_writer_set_compression(w, "zstd", 19), 0);
  capkit_writer_free(w);

  /* A ".gz" name with compression turned off is written plain. */
  char off[512];
  snprintf(off, sizeof off, "%s/plain.pcap.gz", dir);
  CHECK_EQ(write_capture(off, "pcap", "none"), 0);
  size_t lo;
  uint8_t *bo = tap_slurp(off, &lo);
  CHECK(bo && lo == lp && memcmp(bo, bp, lp) == 0);
  free(bo);

  /* Truncated streams: the records before the cut, then ETRUNC with the
   * compressed offset in the message. */
  char msg[600];
  uint64_t got;
  int rc = read_damaged(bg, lg / 2, &got, msg, sizeof msg);
  CHECK_EQ(rc, CAPKIT_ETRUNC);
  CHECK(got > 100 && got < NREC);
  CHECK(strstr(msg, "gzip data cut short at compressed byte") != NULL);
  rc = read_damaged(bz, lz / 2, &got, msg, sizeof msg);
  CHECK_EQ(rc, CAPKIT_ETRUNC);
  CHECK(got > 100 && got < NREC);
  CHECK(strstr(msg, "zstd data cut short at compressed byte") != NULL);

  /* Damage inside the data: zstd's checksum or block checks catch it. */
  compare = 0; /* damaged data may decode to garbage before the check */
  bz[lz / 2] ^= 0x5a;
  rc = read_damaged(bz, lz, &got, msg, sizeof msg);
  CHECK(rc < 0);
  CHECK(got < NREC);
  CHECK(strncmp(msg, "mem: offset ", 12) == 0);
  CHECK(strstr(msg, "at compressed byte") != NULL || rc == CAPKIT_ETOOBIG ||
        rc == CAPKIT_EBADREC);
  /* gzip: a flipped bit in the header's flags or the data. */
  bg[lg / 3] ^= 0xff;
  rc = read_damaged(bg, lg, &got, msg, sizeof msg);
  CHECK(rc < 0); /* at the latest the member's CRC finds it */
  CHECK(got <= NREC);
  /* Unknown bytes after the last member. */
  uint8_t *tail = malloc(lp + 8);
  uint8_t *bg2 = tap_slurp(gz, &lg);
  memcpy(tail, bg2, lg);
  memcpy(tail + lg, "garbage!", 8);
  compare = 1;
  rc = read_damaged(tail, lg + 8, &got, msg, sizeof msg);
  CHECK_EQ(rc, CAPKIT_EBADREC);
  CHECK_EQ(got, (uint64_t)NREC);
  CHECK(strstr(msg, "followed by unknown bytes") != NULL);
  free(tail);
  const char *made[] = {plain, gz, zst, ngz, forced, off};
  for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
    unlink(made[i]);
  rmdir(dir);
  free(bg2);
  free(bp);
  free(bg);
  free(bz);
  free(bf);
  return tap_done();
}

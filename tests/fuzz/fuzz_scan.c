/* fuzz_scan.c - libFuzzer target: any bytes through the record-boundary
 * scanner (every layout, from several offsets, with and without a time
 * reference), layout inference, link-type guessing, a reader started at
 * an offset, and a dry-run repair of the bytes as a file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <capkit/capkit.h>

/* A file holding the input for the repair (which reads paths). */
static const char *spill(const uint8_t *data, size_t size) {
  static char path[64];
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/capkit-fuzz-scan-%ld", (long)getpid());
  }
  FILE *f = fopen(path, "wb");
  if (!f)
    return NULL;
  size_t w = fwrite(data, 1, size, f);
  fclose(f);
  return w == size ? path : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t sel = size ? data[0] : 0;
  capkit_scan_layout l = {(sel & 1) ? CAPKIT_BO_BIG : CAPKIT_BO_LITTLE,
                          (sel & 2) ? 9u : 6u, (sel & 4) ? 1u : 113u,
                          (sel & 8) ? 0u : 65535u, (sel & 16) ? 2048u : 0u};
  capkit_scanner *s = capkit_scanner_new(&l);
  if (s) {
    capkit_scanner_set_chain(s, 1 + (sel >> 5));
    if (size >= 8 && (sel & 32))
      capkit_scanner_set_time_ref(s, (int64_t)data[4] << 24 | data[5] << 16 |
                                         data[6] << 8 | data[7]);
    size_t at;
    for (size_t from = 0; from < size; from += 1 + size / 4)
      for (int end = 0; end < 2; end++)
        if (capkit_scanner_find(s, data, size, from, end, &at) == 1 &&
            (at < from || at >= size))
          abort();
    capkit_scanner_free(s);
  }
  capkit_scan_layout il;
  size_t start;
  int known;
  if (capkit_scan_infer(data, size, 0, 1, &il, &start, &known) == 1 &&
      start >= size)
    abort();
  const uint8_t *d[3] = {data, data, data};
  uint32_t cl[3] = {(uint32_t)size, (uint32_t)(size / 2), 0};
  uint32_t ol[3] = {(uint32_t)size, 0, 5};
  (void)capkit_scan_guess_linktype(d, cl, ol, 3);
  /* A reader started at an offset: on a boundary at or after it. */
  capkit_reader *r = capkit_reader_new();
  if (r && capkit_reader_open_memory(r, data, size, NULL) == 0) {
    uint64_t off = size > 1 ? (uint64_t)data[size - 1] * size / 256 : 0;
    int rc = capkit_reader_open_at(r, off);
    if (rc == 1 && (capkit_reader_offset(r) < off ||
                    capkit_reader_offset(r) > size))
      abort();
    capkit_record rec = CAPKIT_RECORD_INIT;
    for (int k = 0; rc >= 0 && k < 64 && capkit_reader_next(r, &rec) > 0; k++)
      if (rec.offset < off)
        abort();
  }
  capkit_reader_free(r);
  const char *path = spill(data, size);
  if (path) {
    capkit_repair *rp = capkit_repair_new();
    capkit_repair_set_pad(rp, sel & 64);
    int rc = capkit_repair_run(rp, path, NULL);
    if (rc > 1)
      abort();
    capkit_repair_free(rp);
    unlink(path);
  }
  return 0;
}

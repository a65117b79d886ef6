/* fuzz_reader.c - libFuzzer target: any bytes through the reader (every
 * backend), touching every delivered byte, and through a copy writer. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <capkit/capkit.h>

static void on_warning(void *u, int w, uint64_t off, uint64_t rec,
                       const char *msg) {
  (void)w;
  (void)off;
  (void)rec;
  *(size_t *)u += msg[0] != 0;
}

/* The writer's output: an open descriptor of the null device (a path
 * would be written under a temporary name and renamed). */
static int null_fd(void) {
  static int fd = -1;
  if (fd < 0)
    fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  capkit_reader *r = capkit_reader_new();
  size_t warnings = 0;
  capkit_reader_set_warning_fn(r, on_warning, &warnings);
  if (capkit_reader_open_memory(r, data, size, "fuzz") == 0) {
    capkit_writer *w = capkit_writer_new();
    capkit_writer_copy_settings(w, r);
    int wok = capkit_writer_open_fd(w, null_fd(), "null") == 0;
    capkit_record rec = CAPKIT_RECORD_INIT;
    unsigned sum = 0;
    int n = 0;
    while (capkit_reader_next(r, &rec) > 0 && n++ < 100000) {
      for (uint32_t i = 0; i < rec.caplen; i++)
        sum += rec.data[i];
      if (wok && capkit_writer_write(w, &rec) < 0)
        wok = 0;
    }
    if (wok)
      capkit_writer_close(w);
    capkit_writer_free(w);
    (void)sum;
  }
  capkit_reader_free(r);
  return 0;
}

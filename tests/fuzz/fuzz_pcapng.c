/* fuzz_pcapng.c - libFuzzer target for the pcapng backend: any bytes behind
 * a valid section header, through the reader and a copying pcapng writer,
 * and the sections and interfaces the reader describes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
  /* Inputs that do not start with a section header get one, so mutations
   * reach the blocks instead of dying at the magic. */
  static const uint8_t shb[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0,
                                  0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                  0xff, 28, 0, 0, 0};
  uint8_t *buf = NULL;
  const uint8_t *in = data;
  size_t n = size;
  if (size < 4 || memcmp(data, shb, 4) != 0) {
    buf = malloc(size + sizeof shb);
    if (!buf)
      return 0;
    memcpy(buf, shb, sizeof shb);
    if (size)
      memcpy(buf + sizeof shb, data, size);
    in = buf;
    n = size + sizeof shb;
  }
  capkit_reader *r = capkit_reader_new();
  size_t warnings = 0;
  capkit_reader_set_warning_fn(r, on_warning, &warnings);
  if (capkit_reader_open_memory(r, in, n, "fuzz") == 0) {
    capkit_writer *w = capkit_writer_new();
    capkit_writer_copy_settings(w, r);
    int wok = capkit_writer_open_fd(w, null_fd(), "null") == 0;
    capkit_record rec = CAPKIT_RECORD_INIT;
    unsigned sum = 0;
    int k = 0;
    while (capkit_reader_next(r, &rec) > 0 && k++ < 100000) {
      for (uint32_t i = 0; i < rec.caplen; i++)
        sum += rec.data[i];
      if (rec.comment)
        sum += (unsigned)strlen(rec.comment);
      if (wok && capkit_writer_write(w, &rec) < 0)
        wok = 0;
    }
    for (size_t i = 0; i < capkit_reader_section_count(r); i++) {
      const capkit_section *s = capkit_reader_section(r, i);
      if (s->comment)
        sum += (unsigned)strlen(s->comment);
    }
    for (size_t i = 0; i < capkit_reader_iface_count(r); i++) {
      const capkit_iface *f = capkit_reader_iface(r, i);
      if (f->name)
        sum += (unsigned)strlen(f->name);
    }
    if (wok)
      capkit_writer_close(w);
    capkit_writer_free(w);
    (void)sum;
  }
  capkit_reader_free(r);
  free(buf);
  return 0;
}

/* sink.h - where writers put bytes: a buffered descriptor; for paths a
 * temporary file in the same directory, renamed into place on success. */
#ifndef CAPKIT_IO_SINK_H
#define CAPKIT_IO_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A stream stage between the buffer and the descriptor (compression):
 * write takes n bytes, finish flushes what it holds; both return 0 or a
 * negative CAPKIT_E*. They write onward with capkit__sink_raw_write. */
typedef struct capkit__sink_codec {
  int (*write)(void *ctx, const uint8_t *p, size_t n);
  int (*finish)(void *ctx);
  void (*free)(void *ctx);
  void *ctx;
} capkit__sink_codec;

typedef struct capkit__sink {
  int fd;
  int own_fd;
  char *path; /* final name, NULL for descriptors */
  char *tmp;  /* temporary name while open */
  uint8_t *buf;
  size_t len;
  size_t cap;
  uint64_t total; /* bytes accepted (before any codec) */
  int sync;
  int sys_errno;
  capkit__sink_codec codec; /* write == NULL: none */
} capkit__sink;

/* Open path ("-" is standard output). 0 or a negative CAPKIT_E*. */
int capkit__sink_open_path(capkit__sink *s, const char *path);
int capkit__sink_open_fd(capkit__sink *s, int fd);
/* Write n bytes to the descriptor now, bypassing buffer and codec. */
int capkit__sink_raw_write(capkit__sink *s, const uint8_t *p, size_t n);
int capkit__sink_flush(capkit__sink *s);
int capkit__sink_write_slow(capkit__sink *s, const void *p, size_t n);
static inline int capkit__sink_write(capkit__sink *s, const void *p,
                                     size_t n) {
  if (s->cap - s->len >= n) {
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->total += n;
    return 0;
  }
  return capkit__sink_write_slow(s, p, n);
}
/* Flush, finish the codec, fsync if asked, close, rename into place. */
int capkit__sink_close(capkit__sink *s);
/* Drop everything: close and remove the temporary file. */
void capkit__sink_abort(capkit__sink *s);

#endif

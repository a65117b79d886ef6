/* sink.h - where writers put bytes: a buffered descriptor; for paths a
 * temporary file in the same directory, renamed into place on success. */
#ifndef CAPKIT_IO_SINK_H
#define CAPKIT_IO_SINK_H

#include <pthread.h>
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
  /* A full buffer handed to the sink's output thread (cp_buf, cp_len
   * bytes), so that the kernel writes while the caller fills the other
   * buffer, buf2. One at a time, in order: every other output waits for
   * it first. The thread starts with the first such buffer and lives until
   * the sink is closed; cp_lock guards cp_job, cp_quit and cp_rc. */
  pthread_t cp_thread;
  int cp_up;      /* the thread runs */
  int cp_running; /* a buffer was handed over and not waited for */
  int cp_job;     /* the thread has a buffer to write */
  int cp_quit;
  pthread_mutex_t cp_lock;
  pthread_cond_t cp_cond;
  uint64_t cp_len;
  int cp_rc;
  const uint8_t *cp_buf;
  uint8_t *buf2;
  /* This sink's entry in the list of temporary files to remove on a
   * signal (capkit__sink_unlink_all), or NULL. */
  struct capkit__tmpent *tmpent;
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
/* Room for n bytes at the end of the buffer, for a caller that builds
 * them in place instead of copying them in: a full buffer is handed to
 * the output thread first when they do not fit. 0 with *p pointing at the
 * room; 0 with *p NULL when n is more than an empty buffer holds; a
 * negative CAPKIT_E* when handing over failed. The bytes count once
 * capkit__sink_commit() accepts them; any other output call abandons the
 * room (and may overwrite it). */
int capkit__sink_reserve(capkit__sink *s, size_t n, uint8_t **p);
static inline void capkit__sink_commit(capkit__sink *s, size_t n) {
  s->len += n;
  s->total += n;
}
/* For a caller that reads its input straight into the buffer and commits
 * what it keeps in place (repair): make the buffers cap bytes (the bytes
 * in it kept), 0 or CAPKIT_ENOMEM. */
int capkit__sink_grow(capkit__sink *s, size_t cap);
/* Hand the buffer's committed bytes to the output thread now and go on in
 * the other buffer (len 0). The bytes after len in the old buffer stay
 * readable until the next hand-over or flush, which wait for the write. 0
 * or a negative CAPKIT_E* from the write before. */
int capkit__sink_hand_over(capkit__sink *s);
/* Whether capkit__sink_write_run may be given runs: a regular output file,
 * no codec. */
static inline int capkit__sink_takes_runs(const capkit__sink *s) {
  return s->tmp != NULL && s->codec.write == NULL;
}
/* Append a run of len unchanged input bytes: a buffered write of p, like
 * capkit__sink_write. Where they come from (file fd at offset off, src a
 * unique id of that input) is passed along but unused: measured on ext4's
 * page cache, the buffer and the output thread, which writes while the
 * caller reads on, beat having the kernel copy the runs (copy_file_range,
 * after the walk or beside it on the output thread) for dedup and convert
 * alike, and for repair: on a 200 MB capture with no other load, kernel
 * copies of 8 MiB pieces on the output thread beside the walk made repair
 * 122 ms against 77 ms through the buffer (best of 21); a single kernel
 * copy of the whole file (cp) takes 80 ms there, more than a read and a
 * write on two threads (61 ms). The backends keep offering their runs
 * here, so that a sink may copy them in place again where that pays (a
 * file system that shares blocks). */
int capkit__sink_write_run(capkit__sink *s, int fd, uint64_t src, uint64_t off,
                           uint64_t len, const void *p);
/* Flush, finish the codec, fsync if asked, close, rename into place. */
int capkit__sink_close(capkit__sink *s);
/* Drop everything: close and remove the temporary file. */
void capkit__sink_abort(capkit__sink *s);
/* Remove the temporary file of every sink of the process still open;
 * returns how many. Async-signal-safe. */
int capkit__sink_unlink_all(void);

#endif

/* src.h - byte sources for readers: a whole-file mapping, a buffered
 * descriptor (pipes, stdin) or caller memory, behind one window API. */
#ifndef CAPKIT_IO_SRC_H
#define CAPKIT_IO_SRC_H

#include <stddef.h>
#include <stdint.h>

enum { CAPKIT__SRC_NONE, CAPKIT__SRC_MAP, CAPKIT__SRC_BUF, CAPKIT__SRC_MEM };

/* Where a decompressing or other stream source gets its bytes: fills up to
 * cap bytes, returns the count, 0 at the end, or a negative CAPKIT_E*. */
typedef long (*capkit__pull_fn)(void *ctx, uint8_t *dst, size_t cap);

typedef struct capkit__src {
  const uint8_t *cur;   /* next unread byte */
  const uint8_t *end;   /* end of the bytes available now */
  const uint8_t *start; /* window start; its file offset is base */
  uint64_t base;
  int kind;
  int fd;
  int own_fd;
  int eof;
  uint64_t size; /* total size when known, else 0 */
  /* mapping */
  void *map;
  size_t map_len;
  const uint8_t *released; /* mapped bytes before this were dropped */
  const uint8_t *populated; /* page tables filled up to here */
  uintptr_t maint_at;       /* next window maintenance when cur passes */
  const uint8_t *pf;       /* prefetch point */
  /* buffer */
  uint8_t *buf;
  size_t cap;
  capkit__pull_fn pull; /* NULL: read(fd) */
  void *pull_ctx;
  void (*pull_free)(void *ctx);
  /* The stream's own account of its last failure ("gzip data damaged at
   * compressed byte N: ..."), or NULL. */
  const char *(*pull_msg)(void *ctx);
  int regular;   /* fd is a regular file read from base on (not a pipe) */
  int sys_errno; /* errno of the last failed system call */
  size_t window; /* read-ahead of mappings / buffer size; 0: default */
  /* Most bytes one read (or pull) asks for, 0: all the buffer's room. A
   * buffer grown large for a look-ahead is then still filled in steps
   * that stay in the CPU's cache until the caller has walked them. */
  size_t read_max;
} capkit__src;

/* Open sources. Return 0 or a negative CAPKIT_E* (errno in sys_errno).
 * A regular file is read through a buffer with read() unless map is set:
 * a mapping of a file that another process truncates kills the reader
 * with SIGBUS, where read() just sees the end of the file early. */
int capkit__src_open_fd(capkit__src *s, int fd, int own_fd, int map);
int capkit__src_open_mem(capkit__src *s, const void *p, size_t n);
/* Turn s into a stream over pull(ctx); buffered like a pipe. */
int capkit__src_open_pull(capkit__src *s, capkit__pull_fn pull, void *ctx,
                          void (*pull_free)(void *));
void capkit__src_close(capkit__src *s);
/* The descriptor of the regular file whose byte at offset N is the
 * source's byte at capkit__src_offset() N (for copies in the kernel), or
 * -1 (pipes, memory, decompressed streams). */
static inline int capkit__src_file_fd(const capkit__src *s) {
  return s->kind == CAPKIT__SRC_MAP || (s->regular && !s->pull) ? s->fd : -1;
}
/* Text for a failed fill: the stream's message, else the system error,
 * else the code's message. */
const char *capkit__src_errtext(const capkit__src *s, int code);

/* Make at least need bytes available at cur. 1 ok; 0 end of input with
 * fewer bytes available (end - cur tells how many); negative on error.
 * May move the window: pointers into it from before the call are invalid
 * (except for mappings and memory). */
int capkit__src_fill_slow(capkit__src *s, size_t need);
static inline int capkit__src_fill(capkit__src *s, size_t need) {
  if ((size_t)(s->end - s->cur) >= need)
    return 1;
  return capkit__src_fill_slow(s, need);
}
static inline uint64_t capkit__src_offset(const capkit__src *s) {
  return s->base + (uint64_t)(s->cur - s->start);
}
/* Keep a mapping's resident window small and ready: drop the pages behind
 * cur (a long walk keeps a constant resident set) and fill the page tables
 * of the next stretch in one call instead of one fault per 64 KiB. Called
 * before a record is parsed (the previous one is no longer in use). */
void capkit__src_maintain(capkit__src *s);
#define CAPKIT__WINDOW ((size_t)2 << 20)
static inline size_t capkit__src_window(const capkit__src *s) {
  return s->window ? s->window : CAPKIT__WINDOW;
}
static inline void capkit__src_release(capkit__src *s) {
  if ((uintptr_t)s->cur >= s->maint_at)
    capkit__src_maintain(s);
}
/* A buffered source may read into the caller's memory for a while (a
 * batch read in place, batch.c): the input lands where the caller keeps
 * it, with no copy. The source's own buffer waits in a loan. */
typedef struct capkit__src_loan {
  uint8_t *buf;
  size_t cap;
} capkit__src_loan;
/* Move the unread bytes to DST (CAP bytes) and make DST the window. 0, or
 * -1 (nothing changed) when S is not a buffered source or they do not
 * fit. Until capkit__src_unlend(), fill only with capkit__src_read_more
 * (capkit__src_fill() only for bytes already in the window, or after the
 * end of input was seen). */
int capkit__src_lend(capkit__src *s, uint8_t *dst, size_t cap,
                     capkit__src_loan *own);
/* Read once into the room after end, at most MAX bytes, never moving the
 * window: bytes read, 0 at the end of input (or no room), or a negative
 * CAPKIT_E* (errno in sys_errno). */
long capkit__src_read_more(capkit__src *s, size_t max);
/* While lent: move the unread bytes to DST (CAP bytes, DST may be the
 * window's own memory: they may overlap) and make DST the window. */
void capkit__src_slide(capkit__src *s, uint8_t *dst, size_t cap);
/* Back to the source's own buffer: the unread bytes move there (it grows
 * when they need it). 0, or CAPKIT_ENOMEM: the unread bytes are then
 * lost (the source is left empty; the caller fails the reader). */
int capkit__src_unlend(capkit__src *s, capkit__src_loan *own);
/* Software prefetch a page ahead of cur (mappings and memory). */
static inline void capkit__src_prefetch(capkit__src *s) {
  if (s->kind == CAPKIT__SRC_BUF)
    return;
  const uint8_t *want = s->cur + 4096;
  if (want > s->end)
    want = s->end;
  while (s->pf < want) {
    __builtin_prefetch(s->pf);
    s->pf += 64;
  }
}

#endif

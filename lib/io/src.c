/* src.c - byte sources: buffered read() for files, pipes and descriptors;
 * on request mmap for regular files (pages dropped behind the reader so
 * memory stays constant); caller memory. */
#include "io/src.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capkit/capkit.h>

#define BUF_INITIAL ((size_t)1 << 18)

static void reset(capkit__src *s) {
  size_t window = s->window;
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->window = window;
}

int capkit__src_open_mem(capkit__src *s, const void *p, size_t n) {
  reset(s);
  s->kind = CAPKIT__SRC_MEM;
  s->start = s->cur = s->pf = p ? p : (const uint8_t *)"";
  s->end = s->start + (p ? n : 0);
  s->maint_at = UINTPTR_MAX;
  s->size = n;
  s->eof = 1;
  return 0;
}

static int open_buffered(capkit__src *s) {
  s->kind = CAPKIT__SRC_BUF;
  size_t cap = BUF_INITIAL;
  if (s->window && s->window < cap)
    cap = s->window < 16384 ? 16384 : s->window;
  s->buf = malloc(cap);
  if (!s->buf)
    return CAPKIT_ENOMEM;
  s->cap = cap;
  s->start = s->cur = s->end = s->pf = s->buf;
  s->maint_at = UINTPTR_MAX;
  return 0;
}

int capkit__src_open_fd(capkit__src *s, int fd, int own_fd, int map) {
  reset(s);
  s->fd = fd;
  s->own_fd = own_fd;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    s->sys_errno = errno;
    return CAPKIT_EIO;
  }
  if (S_ISDIR(st.st_mode)) {
    s->sys_errno = EISDIR;
    return CAPKIT_EIO;
  }
  if (map && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size <= (uint64_t)SIZE_MAX) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos >= 0 && pos < st.st_size) {
      void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
        s->kind = CAPKIT__SRC_MAP;
        s->map = m;
        s->map_len = (size_t)st.st_size;
        s->start = m;
        s->cur = s->released = s->pf = s->populated = s->start + pos;
        s->maint_at = (uintptr_t)s->cur;
        s->base = 0;
        s->end = s->start + s->map_len;
        s->size = (uint64_t)st.st_size;
        s->eof = 1;
        return 0;
      }
    }
  }
  if (S_ISREG(st.st_mode)) {
    /* Offsets count from the file's start, as in a mapping. */
    off_t pos = lseek(fd, 0, SEEK_CUR);
    s->size = (uint64_t)st.st_size;
    s->regular = pos >= 0;
    s->base = pos > 0 ? (uint64_t)pos : 0;
  }
  return open_buffered(s);
}

int capkit__src_open_pull(capkit__src *s, capkit__pull_fn pull, void *ctx,
                          void (*pull_free)(void *)) {
  /* Keep the descriptor (owned or not) so close releases it. */
  int fd = s->fd, own = s->own_fd;
  if (s->kind == CAPKIT__SRC_MAP)
    munmap(s->map, s->map_len);
  free(s->buf);
  reset(s);
  s->fd = fd;
  s->own_fd = own;
  s->pull = pull;
  s->pull_ctx = ctx;
  s->pull_free = pull_free;
  return open_buffered(s);
}

const char *capkit__src_errtext(const capkit__src *s, int code) {
  const char *m = s->pull_msg ? s->pull_msg(s->pull_ctx) : NULL;
  if (m && *m)
    return m;
  if (s->sys_errno)
    return strerror(s->sys_errno);
  return capkit_strerror(code);
}

void capkit__src_close(capkit__src *s) {
  if (s->kind == CAPKIT__SRC_MAP && s->map)
    munmap(s->map, s->map_len);
  free(s->buf);
  if (s->pull_free)
    s->pull_free(s->pull_ctx);
  if (s->own_fd && s->fd >= 0)
    close(s->fd);
  reset(s);
}

void capkit__src_maintain(capkit__src *s) {
  if (s->kind != CAPKIT__SRC_MAP) {
    s->maint_at = UINTPTR_MAX;
    return;
  }
  uintptr_t mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
  uintptr_t from = (uintptr_t)s->released & ~mask;
  uintptr_t to = (uintptr_t)s->cur & ~mask;
  if (to > from) {
    madvise((void *)from, to - from, MADV_DONTNEED);
    s->released = (const uint8_t *)to;
  }
#ifdef MADV_POPULATE_READ
  if ((size_t)(s->end - s->populated) > 0 &&
      s->populated < s->cur + 2 * capkit__src_window(s)) {
    uintptr_t p0 = (uintptr_t)s->populated & ~mask;
    size_t len = (size_t)(s->end - s->populated);
    if (len > 2 * capkit__src_window(s))
      len = 2 * capkit__src_window(s);
    /* Only a hint: on kernels without it the faults do the same work. */
    madvise((void *)p0, (uintptr_t)s->populated + len - p0,
            MADV_POPULATE_READ);
    s->populated += len;
  }
#endif
  size_t step = capkit__src_window(s);
  s->maint_at = (size_t)(s->end - s->cur) > step ? (uintptr_t)(s->cur + step)
                                                : UINTPTR_MAX;
}

/* One read of up to ROOM bytes at end (a pull, or read() again after a
 * signal): the count, 0 at the end of input, or a negative CAPKIT_E*. */
static long read_once(capkit__src *s, size_t room) {
  if (s->pull)
    return s->pull(s->pull_ctx, (uint8_t *)s->end, room);
  for (;;) {
    ssize_t r = read(s->fd, (uint8_t *)s->end, room);
    if (r >= 0)
      return (long)r;
    if (errno != EINTR) {
      s->sys_errno = errno;
      return CAPKIT_EIO;
    }
  }
}

int capkit__src_fill_slow(capkit__src *s, size_t need) {
  if (s->kind != CAPKIT__SRC_BUF || s->eof)
    return 0;
  size_t have = (size_t)(s->end - s->cur);
  /* Slide the unread bytes to the front, growing when a record is larger
   * than the buffer (the caller bounds need). */
  if (s->cur != s->buf) {
    s->base += (uint64_t)(s->cur - s->start);
    memmove(s->buf, s->cur, have);
    s->start = s->cur = s->buf;
    s->end = s->buf + have;
  }
  if (need > s->cap) {
    size_t cap = s->cap;
    while (cap < need)
      cap *= 2;
    uint8_t *nb = realloc(s->buf, cap);
    if (!nb)
      return CAPKIT_ENOMEM;
    s->buf = nb;
    s->cap = cap;
    s->start = s->cur = nb;
    s->end = nb + have;
  }
  while ((size_t)(s->end - s->cur) < need) {
    size_t room = s->cap - (size_t)(s->end - s->buf);
    size_t short_of = need - (size_t)(s->end - s->cur);
    if (s->read_max && room > s->read_max)
      room = short_of > s->read_max ? short_of : s->read_max;
    long got = read_once(s, room);
    if (got < 0)
      return (int)got;
    if (got == 0) {
      s->eof = 1;
      return 0;
    }
    s->end += got;
  }
  return 1;
}

int capkit__src_lend(capkit__src *s, uint8_t *dst, size_t cap,
                     capkit__src_loan *own) {
  size_t have = (size_t)(s->end - s->cur);
  if (s->kind != CAPKIT__SRC_BUF || !dst || have > cap)
    return -1;
  own->buf = s->buf;
  own->cap = s->cap;
  s->base += (uint64_t)(s->cur - s->start);
  if (have)
    memcpy(dst, s->cur, have);
  s->buf = dst;
  s->cap = cap;
  s->start = s->cur = s->pf = dst;
  s->end = dst + have;
  return 0;
}

void capkit__src_slide(capkit__src *s, uint8_t *dst, size_t cap) {
  size_t have = (size_t)(s->end - s->cur);
  s->base += (uint64_t)(s->cur - s->start);
  if (have && dst != s->cur)
    memmove(dst, s->cur, have);
  s->buf = dst;
  s->cap = cap;
  s->start = s->cur = s->pf = dst;
  s->end = dst + have;
}

long capkit__src_read_more(capkit__src *s, size_t max) {
  size_t room = s->cap - (size_t)(s->end - s->buf);
  if (room > max)
    room = max;
  if (s->eof || room == 0)
    return 0;
  long got = read_once(s, room);
  if (got == 0)
    s->eof = 1;
  if (got > 0)
    s->end += got;
  return got;
}

int capkit__src_unlend(capkit__src *s, capkit__src_loan *own) {
  size_t have = (size_t)(s->end - s->cur);
  s->base += (uint64_t)(s->cur - s->start);
  int rc = 0;
  if (have > own->cap) {
    size_t cap = own->cap;
    while (cap < have)
      cap *= 2;
    uint8_t *nb = realloc(own->buf, cap);
    if (nb) {
      own->buf = nb;
      own->cap = cap;
    } else {
      have = 0;
      rc = CAPKIT_ENOMEM;
    }
  }
  if (have)
    memcpy(own->buf, s->cur, have);
  s->buf = own->buf;
  s->cap = own->cap;
  s->start = s->cur = s->pf = s->buf;
  s->end = s->buf + have;
  return rc;
}

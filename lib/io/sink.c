/* sink.c - buffered output; paths are written to a temporary name in the
 * same directory and renamed on close, so no half-written file remains. */
#include "io/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "util/buf.h"

#define SINK_BUF ((size_t)1 << 20)

static int err_of(int e) {
  if (e == ENOSPC || e == EDQUOT)
    return CAPKIT_ENOSPACE;
  if (e == EACCES || e == EPERM || e == EROFS)
    return CAPKIT_EOPEN;
  return CAPKIT_EIO;
}

/* ---- temporary files to remove on a signal ----
 * A list that only grows: entries are reused, never freed, so that a
 * signal handler can walk it at any moment without locks. An entry is
 * FREE, being CLAIMED by an opening sink (its path being written), or
 * LIVE (its path names a temporary file to remove). */
enum { ENT_FREE, ENT_CLAIMED, ENT_LIVE };
typedef struct capkit__tmpent {
  struct capkit__tmpent *next;
  atomic_int state;
  size_t cap;
  char *path;
} capkit__tmpent;
static _Atomic(capkit__tmpent *) tmp_list;

static capkit__tmpent *tmp_register(const char *path) {
  size_t n = strlen(path) + 1;
  for (capkit__tmpent *e = atomic_load(&tmp_list); e; e = e->next) {
    int want = ENT_FREE;
    if (e->cap >= n &&
        atomic_compare_exchange_strong(&e->state, &want, ENT_CLAIMED)) {
      memcpy(e->path, path, n);
      atomic_store(&e->state, ENT_LIVE);
      return e;
    }
  }
  capkit__tmpent *e = calloc(1, sizeof *e);
  char *p = e ? malloc(n) : NULL;
  if (!p) {
    free(e);
    return NULL;
  }
  memcpy(p, path, n);
  e->path = p;
  e->cap = n;
  atomic_init(&e->state, ENT_LIVE);
  e->next = atomic_load(&tmp_list);
  while (!atomic_compare_exchange_weak(&tmp_list, &e->next, e))
    ;
  return e;
}

static void tmp_unregister(capkit__sink *s) {
  if (s->tmpent)
    atomic_store(&s->tmpent->state, ENT_FREE);
  s->tmpent = NULL;
}

int capkit__sink_unlink_all(void) {
  int n = 0;
  for (capkit__tmpent *e = atomic_load(&tmp_list); e; e = e->next)
    if (atomic_load(&e->state) == ENT_LIVE && unlink(e->path) == 0)
      n++;
  return n;
}

/* Create path's temporary sibling ".NAME.XXXXXX" (X: random letters and
 * digits) in tmp, exclusively, with mode 0666 less the umask as for any
 * new file: the kernel applies the umask, the process's is never
 * changed. Returns the descriptor, or -1 with errno set. */
static int create_tmp(char *tmp) {
  static const char chars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static atomic_uint_fast64_t counter;
  char *x = tmp + strlen(tmp) - 6;
  for (int attempt = 0; attempt < 100; attempt++) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t v = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
                 ((uint64_t)getpid() << 40) ^
                 (atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15u);
    v ^= v >> 31; /* splitmix64's finalizer */
    v *= 0xBF58476D1CE4E5B9u;
    v ^= v >> 27;
    v *= 0x94D049BB133111EBu;
    v ^= v >> 31;
    for (int i = 0; i < 6; i++, v /= 62)
      x[i] = chars[v % 62];
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST)
      return fd;
  }
  errno = EEXIST;
  return -1;
}

static int init(capkit__sink *s) {
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->buf = malloc(SINK_BUF);
  if (!s->buf)
    return CAPKIT_ENOMEM;
  s->cap = SINK_BUF;
  return 0;
}

int capkit__sink_open_fd(capkit__sink *s, int fd) {
  int rc = init(s);
  if (rc)
    return rc;
  s->fd = fd;
  return 0;
}

int capkit__sink_open_path(capkit__sink *s, const char *path) {
  if (strcmp(path, "-") == 0)
    return capkit__sink_open_fd(s, 1);
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    /* A device or a pipe (/dev/null, a FIFO): written in place. A
     * temporary file renamed over it would replace the device itself. */
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      memset(s, 0, sizeof *s);
      s->fd = -1;
      s->sys_errno = e;
      return err_of(e);
    }
    int rc = capkit__sink_open_fd(s, fd);
    if (rc) {
      close(fd);
      return rc;
    }
    s->own_fd = 1;
    return 0;
  }
  int rc = init(s);
  if (rc)
    return rc;
  s->path = capkit__strdup(path);
  size_t n = strlen(path);
  s->tmp = malloc(n + 16);
  if (!s->path || !s->tmp) {
    capkit__sink_abort(s);
    return CAPKIT_ENOMEM;
  }
  /* Same directory as the target, so the rename cannot cross devices. */
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  memcpy(s->tmp, path, dirlen);
  snprintf(s->tmp + dirlen, n + 16 - dirlen, ".%s.XXXXXX", path + dirlen);
  s->fd = create_tmp(s->tmp);
  if (s->fd < 0) {
    int e = errno;
    free(s->tmp);
    s->tmp = NULL;
    capkit__sink_abort(s); /* clears the sink, errno kept apart */
    s->sys_errno = e;
    return err_of(e);
  }
  s->own_fd = 1;
  if (!(s->tmpent = tmp_register(s->tmp))) {
    capkit__sink_abort(s);
    return CAPKIT_ENOMEM;
  }
  return 0;
}

int capkit__sink_raw_write(capkit__sink *s, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(s->fd, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      s->sys_errno = errno;
      return err_of(errno);
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int out(capkit__sink *s, const uint8_t *p, size_t n) {
  if (s->codec.write)
    return s->codec.write(s->codec.ctx, p, n);
  return capkit__sink_raw_write(s, p, n);
}

/* The output thread: writes each buffer handed to it, until told to
 * quit. */
static void *copy_thread(void *arg) {
  capkit__sink *s = arg;
  pthread_mutex_lock(&s->cp_lock);
  for (;;) {
    while (!s->cp_job && !s->cp_quit)
      pthread_cond_wait(&s->cp_cond, &s->cp_lock);
    if (!s->cp_job)
      break;
    pthread_mutex_unlock(&s->cp_lock);
    int rc = out(s, s->cp_buf, (size_t)s->cp_len);
    pthread_mutex_lock(&s->cp_lock);
    s->cp_rc = rc;
    s->cp_job = 0;
    pthread_cond_broadcast(&s->cp_cond);
  }
  pthread_mutex_unlock(&s->cp_lock);
  return NULL;
}

/* Waits for the buffer handed to the output thread, if any; its
 * result. */
static int join_copy(capkit__sink *s) {
  if (!s->cp_running)
    return 0;
  pthread_mutex_lock(&s->cp_lock);
  while (s->cp_job)
    pthread_cond_wait(&s->cp_cond, &s->cp_lock);
  int rc = s->cp_rc;
  pthread_mutex_unlock(&s->cp_lock);
  s->cp_running = 0;
  return rc;
}

/* Ends the output thread (after its last buffer). */
static void stop_thread(capkit__sink *s) {
  join_copy(s);
  if (!s->cp_up)
    return;
  pthread_mutex_lock(&s->cp_lock);
  s->cp_quit = 1;
  pthread_cond_broadcast(&s->cp_cond);
  pthread_mutex_unlock(&s->cp_lock);
  pthread_join(s->cp_thread, NULL);
  pthread_cond_destroy(&s->cp_cond);
  pthread_mutex_destroy(&s->cp_lock);
  s->cp_up = 0;
}

/* Starts the output thread; 0 when it could not be (buffers are then
 * written at once). */
static int start_thread(capkit__sink *s) {
  if (pthread_mutex_init(&s->cp_lock, NULL) != 0)
    return 0;
  if (pthread_cond_init(&s->cp_cond, NULL) != 0) {
    pthread_mutex_destroy(&s->cp_lock);
    return 0;
  }
  s->cp_job = s->cp_quit = 0;
  if (pthread_create(&s->cp_thread, NULL, copy_thread, s) != 0) {
    pthread_cond_destroy(&s->cp_cond);
    pthread_mutex_destroy(&s->cp_lock);
    return 0;
  }
  s->cp_up = 1;
  return 1;
}

/* Hand the full buffer to the output thread and go on in the other one,
 * once the buffer before it is written. */
static int flush_async(capkit__sink *s) {
  int rc = join_copy(s);
  if (rc)
    return rc;
  if ((!s->buf2 && !(s->buf2 = malloc(s->cap))) ||
      (!s->cp_up && !start_thread(s))) {
    rc = out(s, s->buf, s->len); /* no second buffer: at once */
    s->len = 0;
    return rc;
  }
  uint8_t *full = s->buf;
  pthread_mutex_lock(&s->cp_lock);
  s->cp_buf = full;
  s->cp_len = s->len;
  s->cp_rc = 0;
  s->cp_job = 1;
  pthread_cond_broadcast(&s->cp_cond);
  pthread_mutex_unlock(&s->cp_lock);
  s->cp_running = 1;
  s->buf = s->buf2;
  s->buf2 = full;
  s->len = 0;
  return 0;
}

int capkit__sink_hand_over(capkit__sink *s) { return flush_async(s); }

int capkit__sink_grow(capkit__sink *s, size_t cap) {
  if (cap <= s->cap)
    return 0;
  int rc = join_copy(s); /* buf2 is free again */
  if (rc)
    return rc;
  uint8_t *nb = realloc(s->buf, cap);
  if (!nb)
    return CAPKIT_ENOMEM;
  s->buf = nb;
  s->cap = cap;
  free(s->buf2); /* allocated again at cap when first needed */
  s->buf2 = NULL;
  return 0;
}

int capkit__sink_flush(capkit__sink *s) {
  int rc = join_copy(s);
  if (rc || s->len == 0)
    return rc;
  rc = out(s, s->buf, s->len);
  s->len = 0;
  return rc;
}

int capkit__sink_write_run(capkit__sink *s, int fd, uint64_t src, uint64_t off,
                           uint64_t len, const void *p) {
  (void)fd;
  (void)src;
  (void)off;
  return capkit__sink_write(s, p, (size_t)len);
}

int capkit__sink_reserve(capkit__sink *s, size_t n, uint8_t **p) {
  *p = NULL;
  if (n > s->cap)
    return 0;
  if (s->cap - s->len < n) {
    int rc = flush_async(s);
    if (rc)
      return rc;
  }
  *p = s->buf + s->len;
  return 0;
}

int capkit__sink_write_slow(capkit__sink *s, const void *p, size_t n) {
  int rc = s->len ? flush_async(s) : 0;
  if (rc)
    return rc;
  s->total += n;
  if (n >= s->cap)
    return (rc = join_copy(s)) ? rc : out(s, p, n);
  memcpy(s->buf, p, n);
  s->len = n;
  return 0;
}

int capkit__sink_close(capkit__sink *s) {
  int rc = capkit__sink_flush(s);
  stop_thread(s);
  if (!rc && s->codec.finish)
    rc = s->codec.finish(s->codec.ctx);
  if (!rc && s->sync && s->tmp && fsync(s->fd) != 0) {
    s->sys_errno = errno;
    rc = err_of(errno);
  }
  if (s->own_fd && s->fd >= 0) {
    if (close(s->fd) != 0 && !rc) {
      s->sys_errno = errno;
      rc = err_of(errno);
    }
    s->own_fd = 0;
  }
  s->fd = -1;
  if (!rc && s->tmp) {
    if (rename(s->tmp, s->path) != 0) {
      s->sys_errno = errno;
      rc = err_of(errno);
    } else {
      tmp_unregister(s);
      free(s->tmp);
      s->tmp = NULL;
    }
  }
  if (rc) {
    int e = s->sys_errno;
    capkit__sink_abort(s);
    s->sys_errno = e;
    return rc;
  }
  if (s->codec.free)
    s->codec.free(s->codec.ctx);
  s->codec.free = NULL;
  free(s->buf);
  free(s->buf2);
  free(s->path);
  uint64_t total = s->total;
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->total = total;
  return 0;
}

void capkit__sink_abort(capkit__sink *s) {
  stop_thread(s);
  if (s->own_fd && s->fd >= 0)
    close(s->fd);
  if (s->tmp)
    unlink(s->tmp);
  tmp_unregister(s);
  if (s->codec.free)
    s->codec.free(s->codec.ctx);
  free(s->tmp);
  free(s->buf);
  free(s->buf2);
  free(s->path);
  memset(s, 0, sizeof *s);
  s->fd = -1;
}

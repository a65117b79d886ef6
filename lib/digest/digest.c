/* digest.c - SHA-256 and SHA-1 of bytes fed in or of a whole file read by a
 * background thread (OpenSSL's EVP interface does the hashing: its
 * assembly uses the CPU's SHA instructions where they exist). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <capkit/capkit.h>
#include <capkit/digest.h>

#define N_ALGOS 2
#define CHUNK ((size_t)1 << 20)

struct capkit_digest {
  unsigned algos;
  EVP_MD_CTX *ctx[N_ALGOS];
  char hex[N_ALGOS][2 * EVP_MAX_MD_SIZE + 1];
  int finished;
  unsigned long long bytes;
  /* background reading */
  int fd;
  int running;
  atomic_int stop; /* asks the thread to end (capkit_digest_free) */
  int thread_rc;
  pthread_t thread;
  char *path;
  char err[512];
};

static const EVP_MD *md_of(int i) {
  return i == 0 ? EVP_sha256() : EVP_sha1();
}

capkit_digest *capkit_digest_new(unsigned algos) {
  if (!algos || (algos & ~(CAPKIT_DIGEST_SHA256 | CAPKIT_DIGEST_SHA1)))
    return NULL;
  capkit_digest *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->algos = algos;
  d->fd = -1;
  for (int i = 0; i < N_ALGOS; i++) {
    if (!(algos & (1u << i)))
      continue;
    d->ctx[i] = EVP_MD_CTX_new();
    if (!d->ctx[i] || EVP_DigestInit_ex(d->ctx[i], md_of(i), NULL) != 1) {
      capkit_digest_free(d);
      return NULL;
    }
  }
  return d;
}

static void feed(capkit_digest *d, const void *p, size_t n) {
  for (int i = 0; i < N_ALGOS; i++)
    if (d->ctx[i])
      EVP_DigestUpdate(d->ctx[i], p, n);
  d->bytes += n;
}

int capkit_digest_update(capkit_digest *d, const void *p, size_t n) {
  if (!d || d->finished || d->running || (n && !p))
    return CAPKIT_EMISUSE;
  if (n)
    feed(d, p, n);
  return 0;
}

/* The thread: read the file chunk by chunk and hash it; the handle's
 * fields it writes (bytes, err, thread_rc) are read by others only after
 * the join. */
static void *reader_thread(void *arg) {
  capkit_digest *d = arg;
  uint8_t *buf = malloc(CHUNK);
  if (!buf) {
    d->thread_rc = CAPKIT_ENOMEM;
    snprintf(d->err, sizeof d->err, "%s: out of memory", d->path);
    return NULL;
  }
  while (!atomic_load(&d->stop)) {
    ssize_t r = read(d->fd, buf, CHUNK);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      d->thread_rc = CAPKIT_EIO;
      snprintf(d->err, sizeof d->err, "%s: offset %llu: %s", d->path,
               d->bytes, strerror(errno));
      break;
    }
    if (r == 0)
      break;
    feed(d, buf, (size_t)r);
  }
  free(buf);
  return NULL;
}

int capkit_digest_start_path(capkit_digest *d, const char *path) {
  if (!d || !path || d->finished || d->running || d->bytes)
    return CAPKIT_EMISUSE;
  free(d->path);
  d->path = strdup(path);
  if (!d->path)
    return CAPKIT_ENOMEM;
  /* O_NONBLOCK: a FIFO must not block here (it is refused below) */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    snprintf(d->err, sizeof d->err, "%s: %s", path, strerror(errno));
    return CAPKIT_EOPEN;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(d->err, sizeof d->err,
             "%s: not a regular file (hashes need a file that can be read "
             "a second time)", path);
    close(fd);
    return CAPKIT_EINVAL;
  }
#ifdef POSIX_FADV_SEQUENTIAL
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  d->fd = fd;
  atomic_store(&d->stop, 0);
  d->thread_rc = 0;
  if (pthread_create(&d->thread, NULL, reader_thread, d) != 0) {
    close(fd);
    d->fd = -1;
    snprintf(d->err, sizeof d->err, "%s: cannot start a thread", path);
    return CAPKIT_ENOMEM;
  }
  d->running = 1;
  return 0;
}

static void join(capkit_digest *d) {
  if (!d->running)
    return;
  pthread_join(d->thread, NULL);
  d->running = 0;
  close(d->fd);
  d->fd = -1;
}

int capkit_digest_finish(capkit_digest *d) {
  if (!d || d->finished)
    return CAPKIT_EMISUSE;
  join(d);
  d->finished = 1;
  if (d->thread_rc)
    return d->thread_rc;
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < N_ALGOS; i++) {
    if (!d->ctx[i])
      continue;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(d->ctx[i], md, &len) != 1)
      return CAPKIT_ENOMEM;
    for (unsigned k = 0; k < len; k++) {
      d->hex[i][2 * k] = digits[md[k] >> 4];
      d->hex[i][2 * k + 1] = digits[md[k] & 15];
    }
    d->hex[i][2 * len] = '\0';
  }
  return 0;
}

const char *capkit_digest_hex(const capkit_digest *d, unsigned algo) {
  if (!d || !d->finished || d->thread_rc)
    return NULL;
  int i = algo == CAPKIT_DIGEST_SHA256 ? 0 : algo == CAPKIT_DIGEST_SHA1 ? 1 : -1;
  if (i < 0 || !d->ctx[i] || !d->hex[i][0])
    return NULL;
  return d->hex[i];
}

unsigned long long capkit_digest_bytes(const capkit_digest *d) {
  return d && d->finished ? d->bytes : 0;
}

const char *capkit_digest_error(const capkit_digest *d) {
  return d ? d->err : "";
}

void capkit_digest_free(capkit_digest *d) {
  if (!d)
    return;
  if (d->running) {
    atomic_store(&d->stop, 1);
    join(d);
  }
  for (int i = 0; i < N_ALGOS; i++)
    EVP_MD_CTX_free(d->ctx[i]);
  free(d->path);
  free(d);
}

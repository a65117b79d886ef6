/* outfile.c - outputs written whole or not at all (outfile.h): a
 * temporary sibling created exclusively, renamed into place on close. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capkit/outfile.h>

enum { OF_NEW, OF_OPEN, OF_DONE };

struct capkit_outfile {
  FILE *f;
  char *tmp, *path; /* NULL for standard output; tmp NULL: written in place */
  int state;
  char msg[4096 + 128];
};

capkit_outfile *capkit_outfile_new(void) {
  return calloc(1, sizeof(capkit_outfile));
}

static int fail(capkit_outfile *of, int code, const char *what, int err) {
  snprintf(of->msg, sizeof of->msg, "%.4096s: %s: %s", of->path, what,
           strerror(err));
  return code;
}

static void forget(capkit_outfile *of) {
  free(of->tmp);
  free(of->path);
  of->tmp = of->path = NULL;
  of->f = NULL;
}

int capkit_outfile_open(capkit_outfile *of, const char *path) {
  if (!of || of->state != OF_NEW)
    return CAPKIT_EMISUSE;
  of->msg[0] = '\0';
  if (!path || !strcmp(path, "-")) {
    of->f = stdout;
    of->state = OF_OPEN;
    return 0;
  }
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  size_t n = strlen(path) + 32;
  of->path = strdup(path);
  if (!of->path)
    return CAPKIT_ENOMEM;
  /* A device or pipe (/dev/null, a FIFO) is written in place: a file
   * renamed over it would replace it. */
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    if (!(of->f = fopen(path, "w"))) {
      fail(of, 0, "cannot create", errno);
      forget(of);
      return CAPKIT_EOPEN;
    }
    of->state = OF_OPEN;
    return 0;
  }
  of->tmp = malloc(n);
  if (!of->tmp) {
    forget(of);
    return CAPKIT_ENOMEM;
  }
  uint64_t seed = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL) ^
                  (uint64_t)(uintptr_t)of;
  int fd = -1;
  for (int tries = 0; fd < 0 && tries < 100; tries++) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    snprintf(of->tmp, n, "%.*s.%s.%08x", (int)dirlen, path, path + dirlen,
             (unsigned)(seed >> 32));
    fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0 || !(of->f = fdopen(fd, "w"))) {
    int err = errno;
    if (fd >= 0) {
      close(fd);
      unlink(of->tmp);
    }
    fail(of, 0, "cannot create", err);
    forget(of);
    return CAPKIT_EOPEN;
  }
  of->state = OF_OPEN;
  return 0;
}

FILE *capkit_outfile_stream(capkit_outfile *of) {
  return of && of->state == OF_OPEN ? of->f : NULL;
}

int capkit_outfile_close(capkit_outfile *of, int keep) {
  if (!of || of->state != OF_OPEN)
    return CAPKIT_EMISUSE;
  of->state = OF_DONE;
  if (!of->path) { /* standard output */
    fflush(of->f);
    of->f = NULL;
    return 0;
  }
  int bad = fflush(of->f) != 0 || ferror(of->f);
  int err = errno;
  if (fclose(of->f) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  of->f = NULL;
  if (!bad && keep && of->tmp && rename(of->tmp, of->path) != 0) {
    bad = 1;
    err = errno;
  }
  if ((bad || !keep) && of->tmp)
    unlink(of->tmp);
  int rc = bad ? fail(of, CAPKIT_EIO, "cannot write", err) : 0;
  forget(of);
  return rc;
}

const char *capkit_outfile_error(const capkit_outfile *of) {
  return of ? of->msg : "";
}

void capkit_outfile_free(capkit_outfile *of) {
  if (!of)
    return;
  if (of->state == OF_OPEN)
    capkit_outfile_close(of, 0);
  free(of);
}

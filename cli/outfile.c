/* outfile.c - a text output that appears whole or not at all: written
 * under a temporary name in the same directory and renamed into place on
 * success; standard output when no name (or "-") is given. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_outfile_open(cli_outfile *of, const char *cmd, const char *path) {
  memset(of, 0, sizeof of[0]);
  if (!path || !strcmp(path, "-")) {
    of->f = stdout;
    return EXIT_OK;
  }
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  size_t n = strlen(path) + 32;
  of->tmp = malloc(n);
  of->path = strdup(path);
  if (!of->tmp || !of->path) {
    cli_err(cmd, "out of memory");
    return EXIT_IO;
  }
  /* O_EXCL on a fresh name: the mode follows the umask like any new file */
  unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
  int fd = -1;
  for (int tries = 0; fd < 0 && tries < 100; tries++) {
    seed = seed * 1103515245u + 12345u;
    snprintf(of->tmp, n, "%.*s.%s.%08x", (int)dirlen, path, path + dirlen,
             seed);
    fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0 || !(of->f = fdopen(fd, "w"))) {
    cli_err(cmd, "%s: cannot create: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(of->tmp);
    }
    free(of->tmp);
    free(of->path);
    of->tmp = of->path = NULL;
    return EXIT_IO;
  }
  return EXIT_OK;
}

int cli_outfile_close(cli_outfile *of, const char *cmd, int code) {
  if (!of->f)
    return code;
  if (!of->tmp) { /* standard output: main checks it after the command */
    fflush(of->f);
    return code;
  }
  int bad = fflush(of->f) != 0 || ferror(of->f);
  int err = errno;
  if (fclose(of->f) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  of->f = NULL;
  if (!bad && (code == EXIT_OK || code == EXIT_DATA) &&
      rename(of->tmp, of->path) != 0) {
    bad = 1;
    err = errno;
  }
  if (bad) {
    cli_err(cmd, "%s: cannot write: %s", of->path, strerror(err));
    code = EXIT_IO;
  }
  if (bad || (code != EXIT_OK && code != EXIT_DATA))
    unlink(of->tmp);
  free(of->tmp);
  free(of->path);
  of->tmp = of->path = NULL;
  return code;
}

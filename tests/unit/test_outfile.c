/* test_outfile.c - outputs written whole or not at all: nothing under the
 * final name until a kept close, one temporary sibling meanwhile, nothing
 * left after a discard, an existing file replaced only on a kept close,
 * a FIFO written in place (not replaced), errors that name the path, and
 * misuse. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capkit/capkit.h>
#include <capkit/outfile.h>

#include "tap.h"

static char dir[] = "/tmp/capkit_outfile_XXXXXX";

static int entries(void) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  if (d)
    closedir(d);
  return n;
}

static char *slurp(const char *path) {
  static char buf[256];
  FILE *f = fopen(path, "r");
  if (!f)
    return NULL;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

int main(void) {
  if (!mkdtemp(dir))
    return 1;
  char path[128], bad[160];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  snprintf(bad, sizeof bad, "%s/no/such/dir/out.txt", dir);

  /* kept: appears only at close, with what was written */
  capkit_outfile *of = capkit_outfile_new();
  CHECK(capkit_outfile_stream(of) == NULL);
  CHECK_EQ(capkit_outfile_open(of, path), 0);
  CHECK_EQ(capkit_outfile_open(of, path), CAPKIT_EMISUSE);
  fputs("first\n", capkit_outfile_stream(of));
  CHECK(slurp(path) == NULL);
  CHECK_EQ(entries(), 1); /* the temporary sibling */
  CHECK_EQ(capkit_outfile_close(of, 1), 0);
  CHECK(slurp(path) && !strcmp(slurp(path), "first\n"));
  CHECK_EQ(entries(), 1);
  CHECK_EQ(capkit_outfile_close(of, 1), CAPKIT_EMISUSE);
  capkit_outfile_free(of);

  /* discarded (by close or by free): the old file stays, no temp left */
  for (int how = 0; how < 2; how++) {
    of = capkit_outfile_new();
    CHECK_EQ(capkit_outfile_open(of, path), 0);
    fputs("second\n", capkit_outfile_stream(of));
    CHECK_EQ(entries(), 2);
    if (how == 0)
      CHECK_EQ(capkit_outfile_close(of, 0), 0);
    capkit_outfile_free(of);
    CHECK(!strcmp(slurp(path), "first\n"));
    CHECK_EQ(entries(), 1);
  }

  /* kept again: replaces the old file */
  of = capkit_outfile_new();
  CHECK_EQ(capkit_outfile_open(of, path), 0);
  fputs("third\n", capkit_outfile_stream(of));
  CHECK_EQ(capkit_outfile_close(of, 1), 0);
  CHECK(!strcmp(slurp(path), "third\n"));
  capkit_outfile_free(of);

  /* a directory that does not exist: the message names the path */
  of = capkit_outfile_new();
  CHECK_EQ(capkit_outfile_open(of, bad), CAPKIT_EOPEN);
  CHECK(strstr(capkit_outfile_error(of), bad) != NULL);
  CHECK(strstr(capkit_outfile_error(of), "cannot create") != NULL);
  CHECK(capkit_outfile_stream(of) == NULL);
  CHECK_EQ(capkit_outfile_close(of, 1), CAPKIT_EMISUSE);
  capkit_outfile_free(of);

  /* standard output: stays open */
  of = capkit_outfile_new();
  CHECK_EQ(capkit_outfile_open(of, "-"), 0);
  CHECK(capkit_outfile_stream(of) == stdout);
  CHECK_EQ(capkit_outfile_close(of, 1), 0);
  capkit_outfile_free(of);
  CHECK(fcntl(STDOUT_FILENO, F_GETFD) != -1); /* not closed */

  /* a FIFO is written in place, never replaced by a renamed file */
  char fifo[160];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  CHECK_EQ(mkfifo(fifo, 0600), 0);
  int rfd = open(fifo, O_RDONLY | O_NONBLOCK);
  of = capkit_outfile_new();
  CHECK_EQ(capkit_outfile_open(of, fifo), 0);
  fputs("through", capkit_outfile_stream(of));
  CHECK_EQ(capkit_outfile_close(of, 1), 0);
  capkit_outfile_free(of);
  struct stat st;
  CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
  char got[16] = "";
  CHECK(read(rfd, got, sizeof got - 1) == 7 && !strncmp(got, "through", 7));
  close(rfd);
  unlink(fifo);

  CHECK_EQ(capkit_outfile_open(NULL, path), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_outfile_close(NULL, 1), CAPKIT_EMISUSE);
  capkit_outfile_free(NULL);

  unlink(path);
  rmdir(dir);
  return tap_done();
}

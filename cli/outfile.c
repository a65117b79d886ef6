/* outfile.c - the commands' text outputs through capkit_outfile (written
 * whole or not at all), with their messages and exit codes. */
#include <capkit/outfile.h>

#include "cli.h"

int cli_outfile_open(cli_outfile *of, const char *cmd, const char *path) {
  of->f = NULL;
  of->h = capkit_outfile_new();
  int rc = of->h ? capkit_outfile_open(of->h, path) : CAPKIT_ENOMEM;
  if (rc == CAPKIT_ENOMEM)
    cli_err(cmd, "out of memory");
  else if (rc)
    cli_err(cmd, "%s", capkit_outfile_error(of->h));
  if (rc) {
    capkit_outfile_free(of->h);
    of->h = NULL;
    return EXIT_IO;
  }
  of->f = capkit_outfile_stream(of->h);
  return EXIT_OK;
}

int cli_outfile_close(cli_outfile *of, const char *cmd, int code) {
  if (!of->h)
    return code;
  if (capkit_outfile_close(of->h, code == EXIT_OK || code == EXIT_DATA)) {
    cli_err(cmd, "%s", capkit_outfile_error(of->h));
    code = EXIT_IO;
  }
  capkit_outfile_free(of->h);
  of->h = NULL;
  of->f = NULL;
  return code;
}

/* cmd_snap.c - capkit snap: cut every record to at most N bytes (the
 * original length is kept), like editcap -s. */
#include <stdio.h>
#include <string.h>

#include "cut.h"

static const char snap_usage[] =
    "usage: capkit snap N IN -o OUT [options]\n\n"
    "Truncate every record of IN to at most N bytes; the original length is\n"
    "kept (with -L it is cut to N too, as editcap -s N -L) and the output's\n"
    "snaplen becomes N.\n\n"
    "Record edits, as editcap's (after the snap):\n";

static int own(void *ctx, int opt, const char *arg) {
  int e = cli_edit_opt("snap", ctx, opt, arg);
  if (e == 0)
    cli_usage_error("snap", "invalid option");
  return e == 1 ? 0 : -1;
}

int cmd_snap(int argc, char **argv) {
  static const struct option opts[] = {CUT_COMMON_LONGOPTS, CLI_EDIT_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  capkit_editor *ed = NULL;
  char help[sizeof snap_usage + 2048];
  snprintf(help, sizeof help, "%s%s", snap_usage, cli_edit_help);
  int code = cut_parse("snap", argc, argv, opts,
                       CUT_COMMON_SHORT CLI_EDIT_SHORT, &c, help, own, &ed);
  uint64_t n = 0;
  if (code == CUT_GO && argc - optind != 2)
    code = cli_usage_error("snap", "expected N and one input file");
  else if (code == CUT_GO &&
           (cli_parse_size(argv[optind], &n) || n == 0 || n > UINT32_MAX))
    code = cli_usage_error("snap", "bad length '%s'", argv[optind]);
  if (code == CUT_GO) {
    /* With edits the editor snaps first (-L shortens the original length
     * too), then chops; without, the writer alone cuts to its snaplen N
     * (after --strip-fcs, as always). */
    if (ed)
      capkit_editor_set_snap(ed, (uint32_t)n);
    cli_edit_ready("snap", ed);
    code = cut_copy("snap", &c, argv[optind + 1], (uint32_t)n, NULL, NULL, ed,
                    NULL);
  }
  capkit_editor_free(ed);
  return code;
}

/* cmd_slice.c - capkit slice: keep records by number ranges, the first or
 * last N, or a time window (like editcap -r, -A, -B), in one pass; --last
 * keeps a ring of N records, nothing more. */
#include <string.h>

#include "cut.h"

static const char slice_usage[] =
    "usage: capkit slice IN -o OUT [RANGES...] [options]\n\n"
    "Keep part of a capture. Records are numbered from 1 in the input.\n"
    "Selections combine: -f first, then ranges, then the time window, then\n"
    "--first/--last among what is left.\n\n"
    "  RANGES, -r, --records RANGES\n"
    "                         record numbers: '1-100,250,1000-' (open ends\n"
    "                         allowed); several operands or -r add up\n"
    "      --first N          the first N records\n"
    "      --last N           the last N records (kept in memory: N records)\n"
    "      --from TIME        records at or after TIME\n"
    "      --to TIME          records before TIME (TIME itself excluded)\n"
    "                         TIME: RFC 3339 ('2024-05-01T10:00:00.5Z',\n"
    "                         '+02:00' offsets), '@SECONDS' since the epoch,\n"
    "                         or '+DURATION' after the first record\n"
    "                         ('+1.5s', '+250ms', '+2m')\n"
    "Record edits, as editcap's (on the records kept):\n";

typedef struct slice {
  capkit_slicer *sl;
  capkit_editor *ed; /* editcap's record edits, or NULL */
} slice;

static int own(void *ctx, int opt, const char *arg) {
  slice *s = ctx;
  int e = cli_edit_opt("slice", &s->ed, opt, arg);
  if (e)
    return e < 0 ? -1 : 0;
  const char *name = opt == 'r'               ? "records"
                     : opt == CUT_OPT_OWN     ? "first"
                     : opt == CUT_OPT_OWN + 1 ? "last"
                     : opt == CUT_OPT_OWN + 2 ? "from"
                     : opt == CUT_OPT_OWN + 3 ? "to"
                                              : NULL;
  if (!name)
    return cli_usage_error("slice", "invalid option"), -1;
  int rc = capkit_slicer_option(s->sl, name, arg);
  if (rc == CAPKIT_ENOMEM)
    return cli_err("slice", "out of memory"), -1;
  if (rc == 0)
    return 0;
  if (opt == 'r')
    cli_usage_error("slice", "bad record ranges '%s'", arg);
  else if (opt == CUT_OPT_OWN || opt == CUT_OPT_OWN + 1)
    cli_usage_error("slice", "bad --%s '%s'", name, arg);
  else
    cli_usage_error("slice", "bad time '%s'", arg);
  return -1;
}

int cmd_slice(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"records", required_argument, NULL, 'r'},
      {"first", required_argument, NULL, CUT_OPT_OWN},
      {"last", required_argument, NULL, CUT_OPT_OWN + 1},
      {"from", required_argument, NULL, CUT_OPT_OWN + 2},
      {"to", required_argument, NULL, CUT_OPT_OWN + 3},
      CLI_EDIT_LONGOPTS,
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  slice s = {capkit_slicer_new(), NULL};
  if (!s.sl) {
    cli_err("slice", "out of memory");
    return EXIT_IO;
  }
  char help[sizeof slice_usage + 2048];
  snprintf(help, sizeof help, "%s%s", slice_usage, cli_edit_help);
  int code = cut_parse("slice", argc, argv, opts,
                       CUT_COMMON_SHORT "r:" CLI_EDIT_SHORT, &c, help, own, &s);
  if (code == CUT_GO && optind >= argc)
    code = cli_usage_error("slice", "no input file");
  for (int i = optind + 1; code == CUT_GO && i < argc; i++)
    if (capkit_slicer_option(s.sl, "records", argv[i]))
      code = cli_usage_error("slice", "bad record ranges '%s'", argv[i]);
  if (code == CUT_GO) {
    cli_edit_ready("slice", s.ed);
    code = cut_copy("slice", &c, argv[optind], 0, s.sl, NULL, s.ed, NULL);
  }
  capkit_slicer_free(s.sl);
  capkit_editor_free(s.ed);
  return code;
}

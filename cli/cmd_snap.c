/* cmd_snap.c - capkit snap: cut every record to at most N bytes (the
 * original length is kept), like editcap -s. */
#include <string.h>

#include "cut.h"

static const char snap_usage[] =
    "usage: capkit snap N IN -o OUT [options]\n\n"
    "Truncate every record of IN to at most N bytes; the original length is\n"
    "kept and the output's snaplen becomes N.\n\n";

static int each(void *ctx, capkit_record *rec) {
  (void)ctx;
  (void)rec;
  return 1;
}

int cmd_snap(int argc, char **argv) {
  static const struct option opts[] = {CUT_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  int code = cut_parse("snap", argc, argv, opts, CUT_COMMON_SHORT, &c,
                       snap_usage, NULL, NULL);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 2)
    return cli_usage_error("snap", "expected N and one input file");
  uint64_t n;
  if (cli_parse_size(argv[optind], &n) || n == 0 || n > UINT32_MAX)
    return cli_usage_error("snap", "bad length '%s'", argv[optind]);
  cut_ops ops = {each, NULL, (uint32_t)n};
  return cut_run("snap", &c, argv[optind + 1], &ops, NULL);
}

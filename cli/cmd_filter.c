/* cmd_filter.c - capkit filter: copy the records that match a BPF
 * expression (the `tcpdump -r IN -w OUT EXPR` idiom). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cut.h"

static const char filter_usage[] =
    "usage: capkit filter EXPR IN -o OUT [options]\n\n"
    "Copy the records of IN that match EXPR, tcpdump's filter language,\n"
    "compiled by libpcap for each link type of the input. The output keeps\n"
    "the input's format and settings (an expression that matches everything\n"
    "gives a byte-identical copy). A compressed IN is read as is. -f EXPR2\n"
    "adds a second expression (both must match).\n\n";

int cmd_filter(int argc, char **argv) {
  static const struct option opts[] = {CUT_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  int code = cut_parse("filter", argc, argv, opts, CUT_COMMON_SHORT, &c,
                       filter_usage, NULL, NULL);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 2)
    return cli_usage_error("filter", "expected EXPR and one input file");
  const char *expr = argv[optind];
  struct stat st;
  /* 'capkit filter IN EXPR': the file named first, the expression second */
  if (strcmp(argv[optind + 1], "-") && stat(argv[optind + 1], &st) != 0 &&
      stat(expr, &st) == 0 && S_ISREG(st.st_mode))
    return cli_usage_error("filter",
                           "no file '%s', but '%s' is one: the expression "
                           "comes first (capkit filter EXPR IN -o OUT)",
                           argv[optind + 1], expr);
  char *both = NULL;
  if (c.filter) {
    size_t n = strlen(expr) + strlen(c.filter) + 16;
    both = malloc(n);
    if (!both) {
      cli_err("filter", "out of memory");
      return EXIT_IO;
    }
    snprintf(both, n, "(%s) and (%s)", expr, c.filter);
    expr = both;
  }
  c.filter = expr;
  code = cut_copy("filter", &c, argv[optind + 1], 0, NULL, NULL, NULL,
                  NULL);
  free(both);
  return code;
}

/* cmd_retime.c - capkit retime: shift all times, set the first record's
 * time, scale the intervals, or renumber to a fixed rate (editcap -t, -S
 * and more), exactly in nanoseconds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/edit.h>

#include "cut.h"

static const char retime_usage[] =
    "usage: capkit retime IN -o OUT [options]\n\n"
    "Change record times. --scale or --rate set the intervals from the\n"
    "first record; --shift or --start then move everything.\n\n"
    "  -s, --shift DURATION   add DURATION to every time ('+1.5s', '-2h',\n"
    "                         '250ms'; plain numbers are seconds)\n"
    "  -S, --start TIME       the first record gets TIME (RFC 3339 or\n"
    "                         '@SECONDS'); the others keep their offsets\n"
    "      --scale FACTOR     multiply every interval from the first record\n"
    "                         by FACTOR ('0.5' plays twice as fast)\n"
    "      --rate PPS         space the records evenly, PPS records a second\n"
    "                         from the first record's time\n"
    "Times are exact to the nanosecond in any year. A time the output cannot\n"
    "hold (classic pcap: 1970 to 2106) is an error naming the record (exit\n"
    "1); nothing wraps.\n";

typedef struct retime {
  capkit_retimer *t;
  double scale, rate;
  int have_scale, have_rate;
} retime;

static int own(void *ctx, int opt, const char *arg) {
  retime *r = ctx;
  capkit_time v;
  char *end;
  switch (opt) {
  case 's':
    if (capkit_time_parse_duration(arg, &v) || capkit_retimer_set_shift(r->t, v))
      return cli_usage_error("retime", "bad duration '%s'", arg), -1;
    return 0;
  case 'S':
    if (capkit_time_parse(arg, &v) || capkit_retimer_set_start(r->t, v))
      return cli_usage_error("retime", "bad time '%s'", arg), -1;
    return 0;
  case CUT_OPT_OWN:
    r->scale = strtod(arg, &end);
    if (end == arg || *end || !(r->scale >= 0) || !isfinite(r->scale))
      return cli_usage_error("retime", "bad factor '%s'", arg), -1;
    r->have_scale = 1;
    return 0;
  case CUT_OPT_OWN + 1:
    r->rate = strtod(arg, &end);
    if (end == arg || *end || !(r->rate > 0) || !isfinite(1e9 / r->rate))
      return cli_usage_error("retime", "bad rate '%s'", arg), -1;
    r->have_rate = 1;
    return 0;
  }
  return cli_usage_error("retime", "invalid option"), -1;
}

int cmd_retime(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"shift", required_argument, NULL, 's'},
      {"start", required_argument, NULL, 'S'},
      {"scale", required_argument, NULL, CUT_OPT_OWN},
      {"rate", required_argument, NULL, CUT_OPT_OWN + 1},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  retime r;
  memset(&r, 0, sizeof r);
  if (!(r.t = capkit_retimer_new())) {
    cli_err("retime", "out of memory");
    return EXIT_IO;
  }
  int code = cut_parse("retime", argc, argv, opts, CUT_COMMON_SHORT "s:S:", &c,
                       retime_usage, own, &r);
  if (code == CUT_GO && argc - optind != 1)
    code = cli_usage_error("retime", "expected one input file");
  if (code == CUT_GO && r.have_scale && r.have_rate)
    code = cli_usage_error("retime", "--scale and --rate exclude each other");
  if (code == CUT_GO) {
    if (r.have_scale)
      capkit_retimer_set_scale(r.t, r.scale);
    if (r.have_rate)
      capkit_retimer_set_rate(r.t, r.rate);
    code = cut_copy("retime", &c, argv[optind], 0, NULL, r.t, NULL, NULL);
  }
  capkit_retimer_free(r.t);
  return code;
}

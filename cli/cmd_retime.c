/* cmd_retime.c - capkit retime: shift all times, set the first record's
 * time, scale the intervals, or renumber to a fixed rate (editcap -t, -S
 * and more), exactly in nanoseconds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    "Times before 1970 or past 2106 do not fit classic pcap files.\n";

typedef struct retime {
  int64_t shift, start, t0;
  double scale, rate;
  int have_start, have_scale, have_rate, have_t0;
  uint64_t i;
} retime;

static int own(void *ctx, int opt, const char *arg) {
  retime *r = ctx;
  char *end;
  switch (opt) {
  case 's':
    if (cli_parse_duration(arg, &r->shift))
      return cli_usage_error("retime", "bad duration '%s'", arg), -1;
    return 0;
  case 'S':
    if (cli_parse_time(arg, &r->start))
      return cli_usage_error("retime", "bad time '%s'", arg), -1;
    r->have_start = 1;
    return 0;
  case CUT_OPT_OWN:
    r->scale = strtod(arg, &end);
    if (*end || !(r->scale >= 0) || !isfinite(r->scale))
      return cli_usage_error("retime", "bad factor '%s'", arg), -1;
    r->have_scale = 1;
    return 0;
  case CUT_OPT_OWN + 1:
    r->rate = strtod(arg, &end);
    if (*end || !(r->rate > 0) || !isfinite(r->rate))
      return cli_usage_error("retime", "bad rate '%s'", arg), -1;
    r->have_rate = 1;
    return 0;
  }
  return cli_usage_error("retime", "invalid option"), -1;
}

static int each(void *ctx, capkit_record *rec) {
  retime *r = ctx;
  int64_t t = capkit_record_time_ns(rec);
  if (!r->have_t0) {
    r->t0 = t;
    r->have_t0 = 1;
  }
  int64_t d = t - r->t0;
  if (r->have_rate)
    d = (int64_t)llround((double)r->i * 1e9 / r->rate);
  else if (r->have_scale)
    d = (int64_t)llround((double)d * r->scale);
  int64_t base = r->have_start ? r->start : r->t0;
  cut_set_time(rec, base + d + r->shift);
  r->i++;
  return 1;
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
  int code = cut_parse("retime", argc, argv, opts, CUT_COMMON_SHORT "s:S:", &c,
                       retime_usage, own, &r);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 1)
    return cli_usage_error("retime", "expected one input file");
  if (r.have_scale && r.have_rate)
    return cli_usage_error("retime", "--scale and --rate exclude each other");
  cut_ops ops = {each, NULL, 0};
  return cut_run("retime", &c, argv[optind], &ops, &r);
}

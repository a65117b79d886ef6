/* cmd_dedup.c - capkit dedup: drop records whose bytes repeat a record
 * seen shortly before (within N records or T seconds of capture time),
 * like editcap -D / -w: options, then the library's dedup job. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cut.h"

static const char dedup_usage[] =
    "usage: capkit dedup IN -o OUT [options]\n\n"
    "Drop duplicate records: a record is a duplicate when a record among\n"
    "the previous N (or within the previous T seconds) had the same\n"
    "captured length and the same bytes. Every record read enters the\n"
    "window, duplicates included (as editcap does).\n\n"
    "  -w, --window N         compare with the previous N records (default\n"
    "                         4; 'editcap -D N+1' does the same)\n"
    "  -t, --time T           compare with the records captured at most T\n"
    "                         seconds before or after instead ('1', '0.5',\n"
    "                         '250ms'; like editcap -w), by their capture\n"
    "                         times, whatever order they come in; memory\n"
    "                         stays bounded (at most a million distinct\n"
    "                         records in the window, the oldest go first)\n"
    "  -I, --ignore RANGES    byte offsets left out of the comparison, e.g.\n"
    "                         '0-13' (the Ethernet header), '22,24-25' (IPv4\n"
    "                         TTL and checksum after Ethernet)\n"
    "  -v, --verbose          report how many records were dropped\n";

/* The command's options, checked here with the tool's messages and
 * handed to the job in its own terms. */
typedef struct dedup {
  char window[32], time[48];
  const char *ignore;
  int verbose;
} dedup;

static int own(void *ctx, int opt, const char *arg) {
  dedup *d = ctx;
  uint64_t n;
  int64_t t;
  switch (opt) {
  case 'w':
    if (capkit_parse_decimal(arg, &n) || n > 100000000)
      return cli_usage_error("dedup", "bad window '%s'", arg), -1;
    snprintf(d->window, sizeof d->window, "%" PRIu64, n);
    d->time[0] = 0;
    return 0;
  case 't':
    if (cli_parse_duration(arg, &t) || t < 0)
      return cli_usage_error("dedup", "bad time window '%s'", arg), -1;
    snprintf(d->time, sizeof d->time, "%" PRId64 "ns", t);
    d->window[0] = 0;
    return 0;
  case 'I': {
    capkit_dedup *probe = capkit_dedup_new();
    int bad = !probe || capkit_dedup_set_ignore(probe, arg);
    capkit_dedup_free(probe);
    if (bad)
      return cli_usage_error("dedup", "bad byte ranges '%s'", arg), -1;
    d->ignore = arg;
    return 0;
  }
  case 'v':
    d->verbose = 1;
    return 0;
  }
  return cli_usage_error("dedup", "invalid option"), -1;
}

int cmd_dedup(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"window", required_argument, NULL, 'w'},
      {"time", required_argument, NULL, 't'},
      {"ignore", required_argument, NULL, 'I'},
      {"verbose", no_argument, NULL, 'v'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  dedup d;
  memset(&d, 0, sizeof d);
  int code = cut_parse("dedup", argc, argv, opts, CUT_COMMON_SHORT "w:t:I:v",
                       &c, dedup_usage, own, &d);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 1)
    return cli_usage_error("dedup", "expected one input file");
  uint64_t dropped = 0;
  if (!c.out) {
    code = cli_usage_error("dedup", "no output file (-o)");
  } else {
    progress *pg = progress_new("dedup");
    capkit_job *j = cut_job_new("dedup", &c, pg);
    code = j ? EXIT_OK : EXIT_IO;
    if (!code && d.window[0])
      code = cut_job_set("dedup", j, "count", d.window);
    if (!code && d.time[0])
      code = cut_job_set("dedup", j, "time", d.time);
    if (!code && d.ignore)
      code = cut_job_set("dedup", j, "ignore", d.ignore);
    if (!code)
      code = cut_job_report("dedup", j,
                            capkit_job_dedup(j, argv[optind], c.out), &c);
    progress_done(pg);
    dropped = j ? capkit_job_dropped(j) : 0;
    capkit_job_free(j);
  }
  if (d.verbose)
    fprintf(stderr, "capkit dedup: %" PRIu64 " duplicate records dropped\n",
            dropped);
  return code;
}

/* cmd_dedup.c - capkit dedup: drop records whose bytes repeat a record
 * seen shortly before (within N records or T seconds of capture time),
 * like editcap -D / -w, through the library's duplicate checker. */
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

typedef struct dedup {
  capkit_dedup *d;
  int verbose;
} dedup;

static int each(void *ctx, capkit_record *rec) {
  dedup *d = ctx;
  int dup = capkit_dedup_check(d->d, rec);
  if (dup < 0) {
    cli_err("dedup", "%s", capkit_strerror(dup));
    return -cli_exit_for(dup);
  }
  return !dup;
}

static int own(void *ctx, int opt, const char *arg) {
  dedup *d = ctx;
  uint64_t n;
  int64_t t;
  switch (opt) {
  case 'w':
    if (cli_parse_u64(arg, &n) || capkit_dedup_set_count(d->d, n))
      return cli_usage_error("dedup", "bad window '%s'", arg), -1;
    return 0;
  case 't':
    if (cli_parse_duration(arg, &t) || t < 0 ||
        capkit_dedup_set_time(d->d, t / 1000000000,
                              (uint32_t)(t % 1000000000), 0))
      return cli_usage_error("dedup", "bad time window '%s'", arg), -1;
    return 0;
  case 'I':
    if (capkit_dedup_set_ignore(d->d, arg))
      return cli_usage_error("dedup", "bad byte ranges '%s'", arg), -1;
    return 0;
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
  dedup d = {capkit_dedup_new(), 0};
  if (!d.d) {
    cli_err("dedup", "out of memory");
    return EXIT_IO;
  }
  int code = cut_parse("dedup", argc, argv, opts, CUT_COMMON_SHORT "w:t:I:v",
                       &c, dedup_usage, own, &d);
  if (code == CUT_GO && argc - optind != 1)
    code = cli_usage_error("dedup", "expected one input file");
  if (code == CUT_GO) {
    cut_ops ops = {each, NULL, 0};
    code = cut_run("dedup", &c, argv[optind], &ops, &d);
    if (d.verbose)
      fprintf(stderr, "capkit dedup: %" PRIu64 " duplicate records dropped\n",
              capkit_dedup_count(d.d));
  }
  capkit_dedup_free(d.d);
  return code;
}

/* cmd_verify.c - capkit verify: read every record of each file, list each
 * problem with its offset and record, and say whether the file is sound. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char verify_usage[] =
    "usage: capkit verify [--strict] [-q] [--max-warnings N] FILE...\n\n"
    "Check capture files: headers, every record's lengths and bounds, and\n"
    "anomalies that are not fatal (captured length above original length or\n"
    "snaplen, timestamp fractions out of range, time going backwards,\n"
    "reserved fields not zero). Each problem is listed with its byte offset\n"
    "and record number; a summary line follows for each file. Damage does\n"
    "not end the check of a pcap or pcapng file: the records are found again\n"
    "after it (as capkit repair finds them) and every damaged place through\n"
    "the file is listed, with the count of intact records.\n\n"
    "  -s, --strict          warnings make the exit status 1 too\n"
    "  -q, --quiet           print only the summary lines\n"
    "  -m, --max-warnings N  list at most N warnings per file (default 100;\n"
    "                        all are still counted)\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 clean, 1 damaged (or warnings with --strict), 2 usage,\n"
    "3 I/O error.\n";

#define N_WARN_KINDS 32

typedef struct vstate {
  uint64_t total;
  uint64_t by_kind[N_WARN_KINDS];
  uint64_t max_print;
  int quiet;
} vstate;

static void on_warning(void *user, int warning, uint64_t offset,
                       uint64_t record, const char *message) {
  (void)offset;
  (void)record;
  vstate *v = user;
  if (v->total < v->max_print && !v->quiet)
    printf("warning: %s\n", message);
  v->total++;
  if (warning > 0 && warning < N_WARN_KINDS)
    v->by_kind[warning]++;
}

typedef struct dstate {
  const char *name;
  int quiet;
  uint64_t n;
} dstate;

static void on_damage(void *user, const capkit_repair_event *ev) {
  dstate *d = user;
  if (!d->quiet)
    printf("damage: %s: offset %" PRIu64 ", length %" PRIu64 ": %s: %s\n",
           d->name, ev->offset, ev->length, capkit_repair_kind_name(ev->kind),
           ev->message);
  d->n++;
}

/* After fatal damage: every damaged place of the file, as a repair would
 * find them. Returns 1 and the intact records in *intact when the file
 * could be scanned (pcap or pcapng, not standard input). */
static int list_damage(const char *path, const char *name, int quiet,
                       uint64_t *intact, uint64_t *places) {
  if (strcmp(path, "-") == 0)
    return 0;
  capkit_repair *rp = capkit_repair_new();
  if (!rp)
    return 0;
  dstate d = {name, quiet, 0};
  capkit_repair_set_event_fn(rp, on_damage, &d);
  int rc = capkit_repair_run(rp, path, NULL);
  *intact = capkit_repair_records(rp);
  *places = d.n;
  capkit_repair_free(rp);
  return rc >= 0;
}

static int verify_one(const char *path, vstate *v, int strict) {
  /* The summary names the input as the reader's messages do. */
  const char *name = strcmp(path, "-") ? path : "stdin";
  memset(v->by_kind, 0, sizeof v->by_kind);
  v->total = 0;
  capkit_reader *r = capkit_reader_new();
  if (!r) {
    cli_err("verify", "out of memory");
    return EXIT_IO;
  }
  capkit_reader_set_warning_fn(r, on_warning, v);
  int rc = capkit_reader_open_path(r, path);
  uint64_t n = 0;
  if (rc == 0) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    while ((rc = capkit_reader_next(r, &rec)) > 0)
      n++;
  }
  if (v->total > v->max_print && !v->quiet)
    printf("(%" PRIu64 " more warnings not listed)\n", v->total - v->max_print);
  int code = EXIT_OK;
  if (rc < 0) {
    if (!v->quiet)
      printf("error: %s\n", capkit_reader_error(r));
    uint64_t intact, places;
    if (capkit_error_class_of(rc) == CAPKIT_CLASS_DATA &&
        list_damage(path, name, v->quiet, &intact, &places))
      printf("%s: DAMAGED: %" PRIu64
             " good record%s before the damage, %" PRIu64
             " intact record%s in all, %" PRIu64 " damaged place%s, %" PRIu64
             " warning%s\n",
             name, n, cli_s(n), intact, cli_s(intact), places, cli_s(places),
             v->total, cli_s(v->total));
    else if (capkit_error_class_of(rc) == CAPKIT_CLASS_DATA)
      printf("%s: DAMAGED: %" PRIu64
             " good record%s before the damage, %" PRIu64 " warning%s\n",
             name, n, cli_s(n), v->total, cli_s(v->total));
    else
      printf("%s: FAILED: %s\n", name, capkit_strerror(rc));
    code = cli_exit_for(rc);
  } else {
    printf("%s: %s: %" PRIu64 " record%s, %" PRIu64 " warning%s", name,
           v->total ? "WARNINGS" : "OK", n, cli_s(n), v->total,
           cli_s(v->total));
    const char *sep = " (";
    for (int k = 1; k < N_WARN_KINDS; k++)
      if (v->by_kind[k]) {
        printf("%s%s %" PRIu64, sep, capkit_warning_name(k), v->by_kind[k]);
        sep = ", ";
      }
    printf("%s\n", v->total ? ")" : "");
    if (strict && v->total)
      code = EXIT_DATA;
  }
  capkit_reader_free(r);
  return code;
}

int cmd_verify(int argc, char **argv) {
  static const struct option opts[] = {
      {"strict", no_argument, NULL, 's'},
      {"quiet", no_argument, NULL, 'q'},
      {"max-warnings", required_argument, NULL, 'm'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  vstate v;
  memset(&v, 0, sizeof v);
  v.max_print = 100;
  int strict = 0, c;
  while ((c = getopt_long(argc, argv, "sqm:h", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      strict = 1;
      break;
    case 'q':
      v.quiet = 1;
      break;
    case 'm':
      if (capkit_parse_decimal(optarg, &v.max_print))
        return cli_usage_error("verify", "bad number '%s'", optarg);
      break;
    case 'h':
      fputs(verify_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("verify", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("verify", "no file given");
  if (cli_stdin_once("verify", argc - optind, argv + optind))
    return EXIT_USAGE;
  int worst = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    int code = verify_one(argv[i], &v, strict);
    if (code > worst)
      worst = code;
  }
  return worst;
}

/* cmd_sort.c - capkit sort: records in time order (stable), in bounded
 * memory, by the library's sort job (one pass for local disorder, else the
 * input's sorted stretches merged or an external sort): options, one call,
 * and the messages. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cut.h"

static const char sort_usage[] =
    "usage: capkit sort IN -o OUT [options]\n\n"
    "Sort records by time; records with equal times keep their order (like\n"
    "reordercap). Memory stays bounded for any input: local disorder is\n"
    "sorted on the fly in one pass; otherwise the input is read again and\n"
    "sorted through temporary files (at once for pipes and standard input).\n\n"
    "  -m, --memory SIZE      memory for records (default 16MiB)\n"
    "  -T, --tmpdir DIR       temporary files there (default $TMPDIR or /tmp)\n"
    "  -n, --check            like reordercap -n: count the records out of\n"
    "                         order (\"N records, M out of order\" on standard\n"
    "                         error) and write no output when there are none\n"
    "  -v, --verbose          say which method was used\n";

typedef struct sorter {
  char memory[32];
  uint64_t bytes;
  const char *tmpdir;
  int verbose, check;
} sorter;

static int own(void *ctx, int opt, const char *arg) {
  sorter *s = ctx;
  switch (opt) {
  case 'm':
    if (cli_parse_size(arg, &s->bytes) || s->bytes < 65536)
      return cli_usage_error("sort", "bad memory size '%s' (at least 64KiB)",
                             arg),
             -1;
    snprintf(s->memory, sizeof s->memory, "%" PRIu64, s->bytes);
    return 0;
  case 'T':
    s->tmpdir = arg;
    return 0;
  case 'v':
    s->verbose = 1;
    return 0;
  case 'n':
    s->check = 1;
    return 0;
  }
  return cli_usage_error("sort", "invalid option"), -1;
}

/* -n: the count of records out of order, and when there are none. Returns
 * 1 when the input is in order and nothing was written. */
static int say_order(const capkit_job *j, const char *out) {
  uint64_t n, late;
  if (!capkit_job_order(j, &n, &late))
    return 0;
  fprintf(stderr, "capkit sort: %" PRIu64 " records, %" PRIu64
                  " out of order\n", n, late);
  if (strcmp(capkit_job_method(j), "in order") != 0)
    return 0;
  fprintf(stderr, "capkit sort: the input is in order: %s not written\n",
          out);
  return 1;
}

int cmd_sort(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"memory", required_argument, NULL, 'm'},
      {"tmpdir", required_argument, NULL, 'T'},
      {"verbose", no_argument, NULL, 'v'},
      {"check", no_argument, NULL, 'n'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  sorter s;
  memset(&s, 0, sizeof s);
  s.bytes = (uint64_t)16 << 20;
  int code = cut_parse("sort", argc, argv, opts, CUT_COMMON_SHORT "m:T:vn", &c,
                       sort_usage, own, &s);
  if (code != CUT_GO)
    return code;
  if (argc - optind != 1)
    return cli_usage_error("sort", "expected one input file");
  if (!c.out)
    return cli_usage_error("sort", "no output file (-o)");
  const char *path = argv[optind];
  progress *pg = progress_new("sort");
  capkit_job *j = cut_job_new("sort", &c, pg);
  code = j ? EXIT_OK : EXIT_IO;
  if (!code && s.memory[0])
    code = cut_job_set("sort", j, "memory", s.memory);
  if (!code && s.tmpdir)
    code = cut_job_set("sort", j, "tmpdir", s.tmpdir);
  if (!code && s.check)
    code = cut_job_set("sort", j, "check", NULL);
  if (code) {
    progress_done(pg);
    capkit_job_free(j);
    return code;
  }
  /* A regular file is sorted in one pass when it can be; pipes and
   * standard input go to the external sort at once. */
  struct stat st;
  int regular =
      strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
  int rc = capkit_job_sort(j, path, c.out);
  progress_done(pg);
  const char *method = capkit_job_method(j);
  /* The messages in the order the steps ran: a regular file is counted
   * (-n) before it is sorted; a pipe while it is read, before the output
   * is written. */
  int in_order = 0;
  if (regular) {
    in_order = say_order(j, c.out);
    if (s.verbose && strcmp(method, "stretches") == 0)
      fprintf(stderr, "capkit sort: disorder beyond %" PRIu64
                      " bytes: merging the input's sorted stretches\n",
              s.bytes);
    if (s.verbose && strcmp(method, "external") == 0)
      fprintf(stderr, "capkit sort: disorder beyond %" PRIu64
                      " bytes: sorting through temporary files\n",
              s.bytes);
    code = cut_job_report("sort", j, rc, &c);
  } else if (rc < 0 &&
             capkit_error_class_of(rc) == CAPKIT_CLASS_DATA) {
    code = cut_job_report("sort", j, rc, &c); /* damage while counting */
    in_order = say_order(j, c.out);
  } else {
    in_order = say_order(j, c.out);
    code = cut_job_report("sort", j, rc, &c);
  }
  if (s.verbose && code == 0 && !in_order) {
    size_t runs = capkit_job_runs(j);
    if (strcmp(method, "one pass") == 0)
      fprintf(stderr, "capkit sort: sorted in one pass\n");
    else if (strcmp(method, "stretches") == 0)
      fprintf(stderr,
              "capkit sort: merged %zu sorted stretches of the input\n", runs);
    else
      fprintf(stderr, "capkit sort: sorted through %zu temporary run%s\n",
              runs, runs == 1 ? "" : "s");
  }
  capkit_job_free(j);
  return code;
}

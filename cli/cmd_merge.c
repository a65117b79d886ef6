/* cmd_merge.c - capkit merge: captures merged by time (stable: equal
 * times keep the argument order), or --append one after the other, by the
 * library's merge job; hundreds of inputs at once in bounded memory. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cut.h"

static const char merge_usage[] =
    "usage: capkit merge -o OUT IN... [options]\n\n"
    "Merge captures into one, in time order (records with equal times keep\n"
    "the order of the inputs on the command line), like mergecap. Inputs\n"
    "may mix formats and be compressed. The output takes the first input's\n"
    "format; when the inputs have different link types it is pcapng with\n"
    "one interface each (-F pcap then fails with a clear message).\n\n"
    "  -a, --append           concatenate in argument order instead\n"
    "      --ties last        records with equal times from different inputs\n"
    "                         come from the last input first, as mergecap\n"
    "                         orders them (default: first, a stable merge)\n"
    "      --window SIZE      read buffer per input (default: 1 MiB for up to\n"
    "                         16 inputs, less beyond, 16 MiB in all)\n"
    "  -s, --snaplen N        cut records to N bytes (the original length is\n"
    "                         kept) and make N the output's snaplen, like\n"
    "                         mergecap -s\n";

typedef struct merge {
  int append;
  const char *ties;
  char window[32];
  char snaplen[16]; /* -s: records cut to it, the output's snaplen */
} merge;

static int own(void *ctx, int opt, const char *arg) {
  merge *m = ctx;
  uint64_t n;
  switch (opt) {
  case 'a':
    m->append = 1;
    return 0;
  case 's':
    if (cli_parse_size(arg, &n) || n == 0 || n > UINT32_MAX)
      return cli_usage_error("merge", "bad snaplen '%s'", arg), -1;
    snprintf(m->snaplen, sizeof m->snaplen, "%" PRIu64, n);
    return 0;
  case CUT_OPT_OWN:
    if (cli_parse_size(arg, &n) || n == 0)
      return cli_usage_error("merge", "bad window '%s'", arg), -1;
    snprintf(m->window, sizeof m->window, "%" PRIu64, n);
    return 0;
  case CUT_OPT_OWN + 1:
    if (strcmp(arg, "first") && strcmp(arg, "last"))
      return cli_usage_error("merge", "--ties takes first or last"), -1;
    m->ties = arg;
    return 0;
  }
  return cli_usage_error("merge", "invalid option"), -1;
}

static void raise_fd_limit(size_t need) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need + 64) {
    rl.rlim_cur = rl.rlim_max < need + 64 ? rl.rlim_max : need + 64;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int cmd_merge(int argc, char **argv) {
  static const struct option opts[] = {
      CUT_COMMON_LONGOPTS,
      {"append", no_argument, NULL, 'a'},
      {"window", required_argument, NULL, CUT_OPT_OWN},
      {"ties", required_argument, NULL, CUT_OPT_OWN + 1},
      {"snaplen", required_argument, NULL, 's'},
      {NULL, 0, NULL, 0}};
  cut_common c;
  memset(&c, 0, sizeof c);
  merge m;
  memset(&m, 0, sizeof m);
  int code = cut_parse("merge", argc, argv, opts, CUT_COMMON_SHORT "as:", &c,
                       merge_usage, own, &m);
  if (code != CUT_GO)
    return code;
  size_t n = (size_t)(argc - optind);
  if (n == 0)
    return cli_usage_error("merge", "no input files");
  if (!c.out)
    return cli_usage_error("merge", "no output file (-o)");
  if (cli_stdin_once("merge", argc - optind, argv + optind))
    return EXIT_USAGE;
  raise_fd_limit(n);
  progress *pg = progress_new("merge");
  capkit_job *j = cut_job_new("merge", &c, pg);
  code = j ? EXIT_OK : EXIT_IO;
  if (!code && m.append)
    code = cut_job_set("merge", j, "append", NULL);
  if (!code && m.ties)
    code = cut_job_set("merge", j, "ties", m.ties);
  if (!code && m.window[0])
    code = cut_job_set("merge", j, "window", m.window);
  if (!code && m.snaplen[0])
    code = cut_job_set("merge", j, "snaplen", m.snaplen);
  if (!code) {
    int rc = capkit_job_merge(j, (const char *const *)argv + optind, n, c.out);
    /* the inputs' link types conflict with -F pcap (before any record) */
    if (rc == CAPKIT_ELINKTYPE && capkit_job_records_read(j) == 0) {
      cli_err("merge", "%s; use -F pcapng", capkit_job_error(j));
      code = EXIT_USAGE;
    } else {
      code = cut_job_report("merge", j, rc, &c);
    }
  }
  progress_done(pg);
  capkit_job_free(j);
  return code;
}

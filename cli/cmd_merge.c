/* cmd_merge.c - capkit merge: k-way merge of captures by time through a
 * binary heap (stable: equal times keep the argument order), or --append
 * one after the other. Hundreds of inputs at once: each reader then keeps
 * a small read window, so memory stays bounded. */
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
  int ties_last;
  uint64_t window;
  uint64_t snaplen; /* -s: records cut to it, the output's snaplen */
} merge;

static int own(void *ctx, int opt, const char *arg) {
  merge *m = ctx;
  switch (opt) {
  case 'a':
    m->append = 1;
    return 0;
  case 's':
    if (cli_parse_size(arg, &m->snaplen) || m->snaplen == 0 ||
        m->snaplen > UINT32_MAX)
      return cli_usage_error("merge", "bad snaplen '%s'", arg), -1;
    return 0;
  case CUT_OPT_OWN:
    if (cli_parse_size(arg, &m->window) || m->window == 0)
      return cli_usage_error("merge", "bad window '%s'", arg), -1;
    return 0;
  case CUT_OPT_OWN + 1:
    if (strcmp(arg, "first") && strcmp(arg, "last"))
      return cli_usage_error("merge", "--ties takes first or last"), -1;
    m->ties_last = strcmp(arg, "last") == 0;
    return 0;
  }
  return cli_usage_error("merge", "invalid option"), -1;
}

typedef struct src {
  cut_in in;
} src;

/* The output, set up by the library from all inputs. Returns an exit
 * code. */
static int open_output(cut_out *o, const cut_common *c, capkit_merger *mg,
                       src *s, uint32_t cut) {
  memset(o, 0, sizeof *o);
  o->c = c;
  o->w = capkit_writer_new();
  size_t other = 0;
  uint32_t other_lt = 0;
  int rc = o->w ? capkit_merger_setup_writer(mg, o->w, c->format, cut,
                                             c->have_lt, &other, &other_lt)
                : CAPKIT_ENOMEM;
  if (rc == CAPKIT_ELINKTYPE) {
    cli_err("merge",
            "%s has link type %" PRIu32 " but %s has %" PRIu32
            ": a classic pcap file holds one link type; use -F pcapng",
            s[0].in.path, capkit_reader_info(s[0].in.r)->linktype,
            s[other].in.path, other_lt);
    capkit_writer_free(o->w);
    o->w = NULL;
    return EXIT_USAGE;
  }
  return cut_out_open_common("merge", o, c->out, c, rc);
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
  size_t window = (size_t)m.window;
  if (!window && n > 16)
    window = capkit_merger_window(n);
  src *s = calloc(n, sizeof *s);
  capkit_merger *mg = capkit_merger_new();
  if (!s || !mg) {
    free(s);
    capkit_merger_free(mg);
    cli_err("merge", "out of memory");
    return EXIT_IO;
  }
  capkit_merger_set_order(mg, m.append      ? CAPKIT_MERGE_APPEND
                              : m.ties_last ? CAPKIT_MERGE_TIES_LAST
                                            : CAPKIT_MERGE_STABLE);
  size_t opened = 0;
  for (; opened < n; opened++) {
    code = cut_in_open("merge", &s[opened].in, argv[optind + opened],
                       c.filter, window);
    if (code)
      break;
    if (capkit_merger_add(mg, s[opened].in.r, s[opened].in.f) < 0) {
      cli_err("merge", "out of memory");
      code = EXIT_IO;
      opened++;
      break;
    }
  }
  cut_out o;
  memset(&o, 0, sizeof o);
  if (!code)
    code = open_output(&o, &c, mg, s, (uint32_t)m.snaplen);
  progress *pg = code ? NULL : progress_new("merge");
  uint64_t ticks = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  while (!code && (rc = capkit_merger_next(mg, &rec, NULL)) > 0) {
    if ((code = cut_out_write("merge", &o, &rec)))
      break;
    if (pg && (++ticks & 4095) == 0) {
      uint64_t done = 0, total = 0;
      for (size_t k = 0; k < n; k++) {
        uint64_t sz;
        done += capkit_reader_input_offset(s[k].in.r, &sz);
        total += sz;
      }
      progress_update(pg, done, total);
    }
  }
  if (rc < 0 && !code) {
    cut_in *bad = &s[capkit_merger_failed(mg)].in;
    if (rc == CAPKIT_EFILTER)
      bad->filter_failed_at = rec.number;
    code = cut_in_report("merge", bad, rc);
  }
  progress_done(pg);
  code = cut_out_finish("merge", &o, code);
  capkit_merger_free(mg);
  for (size_t i = 0; i < opened; i++)
    cut_in_close(&s[i].in);
  free(s);
  return code;
}

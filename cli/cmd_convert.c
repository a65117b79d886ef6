/* cmd_convert.c - capkit convert: copy a capture to a new file, changing
 * format settings; with no options an exact, byte-identical copy. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cut.h"

static const char convert_usage[] =
    "usage: capkit convert IN -o OUT [options]\n\n"
    "Copy a capture. With no options the copy keeps every header field, byte\n"
    "order, precision and record layout: the output is byte-identical.\n\n"
    "  -o, --output FILE         output file ('-' for standard output);\n"
    "                            written under a temporary name and renamed\n"
    "                            into place only when complete\n"
    "  -f, --filter EXPR         copy only the records matching EXPR\n"
    "                            (tcpdump's filter language)\n"
    "  -F, --format FMT          output format: pcap or pcapng (default: as\n"
    "                            input). pcapng -> pcap needs one link type\n"
    "                            (or --split-by-interface)\n"
    "      --split-by-interface  one output per interface: OUT with the\n"
    "                            interface number before the extension\n"
    "                            (out.pcap -> out-0.pcap, out-1.pcap, ...)\n"
    "  -b, --byte-order ORDER    little, big or native\n"
    "  -p, --precision P         us or ns\n"
    "  -s, --snaplen N           snaplen; longer records are truncated\n"
    "  -l, --linktype TYPE       relabel the link type (name or number)\n"
    "      --fcs-len N           FCS bytes recorded in the header (-1: none)\n"
    "      --keep-partial        on damaged input, keep the records before\n"
    "                            the damage as a complete, valid output\n"
    "  -h, --help                this help\n"
    "Record edits, as editcap's (after the snaplen, in editcap's order):\n";
static const char convert_usage_end[] =
    "\nExit status: 0 ok, 1 damaged or invalid input, 2 usage, 3 I/O error.\n";

const char cli_edit_help[] =
    "  -C, --chop [OFFSET:]LEN  as editcap -C: remove LEN bytes from the\n"
    "                         start of each packet (LEN < 0: -LEN bytes from\n"
    "                         the end); OFFSET > 0 keeps OFFSET bytes before\n"
    "                         them, OFFSET < 0 counts from the end; repeat\n"
    "                         for a region at each end\n"
    "  -L, --adjust-origlen   the original length shrinks with -C and the\n"
    "                         snaplen (editcap -L)\n"
    "  -S, --strict-time SEC  editcap -S: a record older than the one before\n"
    "                         it gets that record's time + SEC; -SEC sets\n"
    "                         every record to the one before + SEC\n"
    "  -E, --error-prob P     editcap -E: each byte gets an error (one random\n"
    "                         bit flipped) with probability P\n"
    "      --seed N           the generator's seed for -E (xoshiro256**;\n"
    "                         default: from the clock, shown on stderr)\n"
    "      --error-offset N   leave the first N bytes of each packet alone\n"
    "                         (editcap -o)\n";

int cli_edit_opt(const char *cmd, capkit_editor **e, int opt,
                 const char *arg) {
  const char *name;
  switch (opt) {
  case 'C': name = "chop"; break;
  case 'L': name = "adjust-origlen"; break;
  case 'E': name = "error-prob"; break;
  case 'S': name = "strict-time"; break;
  case CLI_OPT_EDIT: name = "seed"; break;
  case CLI_OPT_EDIT + 1: name = "error-offset"; break;
  default: return 0;
  }
  if (!*e && !(*e = capkit_editor_new())) {
    cli_err(cmd, "out of memory");
    return -1;
  }
  if (capkit_editor_option(*e, name, arg)) {
    cli_usage_error(cmd, "bad --%s '%s'", name, arg ? arg : "");
    return -1;
  }
  return 1;
}

void cli_edit_ready(const char *cmd, capkit_editor *e) {
  uint64_t seed;
  if (capkit_editor_seed_from_clock(e, &seed) == 1)
    cli_err(cmd, "error seed %" PRIu64 " (--seed %" PRIu64
                 " repeats this output)",
            seed, seed);
}

/* The job's report, in convert's words. */
static int convert_report(capkit_job *j, int rc, const char *out,
                          int split) {
  if (rc >= 0)
    return EXIT_OK;
  cli_err("convert", "%s", capkit_job_error(j));
  if (rc == CAPKIT_ELINKTYPE)
    cli_err("convert", "hint: --format pcapng keeps every link type, "
                       "--split-by-interface writes one file each");
  if (capkit_job_output_kept(j) && !split)
    cli_err("convert", "kept %" PRIu64 " record%s before the damage in %s",
            capkit_job_records_written(j),
            cli_s(capkit_job_records_written(j)), out);
  return rc == CAPKIT_EFILTER ? EXIT_USAGE : cli_exit_for(rc);
}

int cmd_convert(int argc, char **argv) {
  enum { OPT_FCS = 256, OPT_KEEP, OPT_SPLIT };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"format", required_argument, NULL, 'F'},
      {"filter", required_argument, NULL, 'f'},
      {"byte-order", required_argument, NULL, 'b'},
      {"precision", required_argument, NULL, 'p'},
      {"snaplen", required_argument, NULL, 's'},
      {"linktype", required_argument, NULL, 'l'},
      {"fcs-len", required_argument, NULL, OPT_FCS},
      {"keep-partial", no_argument, NULL, OPT_KEEP},
      {"split-by-interface", no_argument, NULL, OPT_SPLIT},
      {"help", no_argument, NULL, 'h'},
      CLI_EDIT_LONGOPTS,
      {NULL, 0, NULL, 0}};
  const char *out = NULL;
  int split = 0, c, code = EXIT_OK;
  uint64_t snap = 0;
  capkit_editor *ed = NULL;
  capkit_job *j = capkit_job_new();
  if (!j) {
    cli_err("convert", "out of memory");
    return EXIT_IO;
  }
  while (!code && (c = getopt_long(argc, argv, "o:F:f:b:p:s:l:h" CLI_EDIT_SHORT,
                                   opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      capkit_job_set(j, "filter", optarg);
      break;
    case 'o':
      out = optarg;
      break;
    case 'F':
      if (capkit_job_set(j, "format", optarg)) {
        cli_err("convert", "cannot write format '%s'", optarg);
        code = EXIT_USAGE;
      }
      break;
    case 'b':
      if (capkit_job_set(j, "byte-order", optarg))
        code = cli_usage_error("convert", "bad byte order '%s'", optarg);
      break;
    case 'p':
      if (capkit_job_set(j, "precision", optarg))
        code = cli_usage_error("convert", "bad precision '%s'", optarg);
      break;
    case 's':
      if (capkit_parse_decimal(optarg, &snap) || snap == 0 || snap > UINT32_MAX ||
          capkit_job_set(j, "snaplen", optarg))
        code = cli_usage_error("convert", "bad snaplen '%s'", optarg);
      break;
    case 'l':
      if (capkit_job_set(j, "linktype", optarg))
        code = cli_usage_error("convert", "unknown link type '%s'", optarg);
      break;
    case OPT_FCS:
      if (capkit_job_set(j, "fcs-len", optarg))
        code = cli_usage_error("convert", "bad FCS length '%s'", optarg);
      break;
    case OPT_KEEP:
      capkit_job_set(j, "keep-partial", NULL);
      break;
    case OPT_SPLIT:
      split = 1;
      capkit_job_set(j, "split-by-interface", NULL);
      break;
    case 'h':
      fputs(convert_usage, stdout);
      fputs(cli_edit_help, stdout);
      fputs(convert_usage_end, stdout);
      code = -1;
      break;
    default: {
      int e = cli_edit_opt("convert", &ed, c, optarg);
      if (e != 1)
        code = e < 0 ? EXIT_USAGE : cli_usage_error("convert", "invalid option");
    }
    }
  }
  const char *bad = code                ? NULL
                    : optind != argc - 1 ? "expected exactly one input file"
                    : !out              ? "no output file (-o)"
                    : split && strcmp(out, "-") == 0
                        ? "--split-by-interface needs an output file name"
                        : NULL;
  if (bad)
    code = cli_usage_error("convert", "%s", bad);
  if (!code) {
    if (ed && snap)
      capkit_editor_set_snap(ed, (uint32_t)snap); /* before the chop */
    cli_edit_ready("convert", ed);
    capkit_job_set_editor(j, ed);
    capkit_job_set_warning_fn(j, cli_writer_warning, (void *)(uintptr_t)"convert");
    code = convert_report(j, capkit_job_copy(j, argv[optind], out), out, split);
  }
  capkit_job_free(j);
  capkit_editor_free(ed);
  return code < 0 ? EXIT_OK : code;
}

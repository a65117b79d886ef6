/* cmd_stats.c - capkit stats: options, one libcapkit statistics
 * accumulator over every input, and the text, JSON and CSV layouts of its
 * tables (the counting is the library's, include/capkit/stats.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/input.h>
#include <capkit/stats.h>

#include "cli.h"

static const char stats_usage[] =
    "usage: capkit stats [OPTIONS] FILE...\n\n"
    "Decode every packet and summarize the capture (several files are\n"
    "counted together): protocol hierarchy (packets, bytes and share per\n"
    "layer, as 'tshark -qz io,phs' counts them), IPv4/IPv6 and TCP/UDP\n"
    "conversations (packets and bytes each way, start, duration), top\n"
    "talkers, a packet-size histogram and throughput over time.\n\n"
    "  -i, --interval SEC  throughput bucket width in seconds (default 1;\n"
    "                      fractions allowed); doubled as often as needed\n"
    "                      to keep at most 100000 buckets\n"
    "  -n, --top N         rows of the conversation and talker tables\n"
    "                      (default 10, 0 for all)\n"
    "      --json          one JSON object with every table\n"
    "      --csv TABLE     one table as CSV with a header line: hierarchy,\n"
    "                      eth, ip, tcp, udp (conversations), talkers,\n"
    "                      endpoints-eth, endpoints-ip, endpoints-tcp,\n"
    "                      endpoints-udp, sizes or throughput (all rows)\n"
    "  -e, --eth           Ethernet conversations too (text and JSON)\n"
    "  -f, --filter EXPR   only packets matching the BPF expression\n"
    "  -h, --help          this help\n\n"
    "Bytes are original (on-the-wire) packet lengths. Conversations count\n"
    "every Ethernet, IP, TCP and UDP header that was captured whole, tunnels\n"
    "included (TCP and UDP of a fragmented datagram count in its first\n"
    "fragment, as tshark counts them without reassembly); each table keeps\n"
    "its first 1048576 conversations. Throughput buckets start at the\n"
    "earliest packet, as tshark's io,stat cuts time from its first packet\n"
    "(records older than the first one are counted at their own time).\n\n"
    "Exit status: 0 ok, 1 damaged or invalid capture data (packets before the\n"
    "damage are counted), 2 usage, 3 I/O error.\n";

/* Count every input into RUN; returns an exit code. */
static int count_inputs(capkit_stats_run *run, capkit_filter *flt,
                        char **files, int nfiles) {
  int code = EXIT_OK;
  capkit_input *in = capkit_input_new();
  if (!in) {
    cli_err("stats", "out of memory");
    return EXIT_IO;
  }
  for (int fi = 0; fi < nfiles; fi++) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    int rc = cli_input_open("stats", in, files[fi], flt, &code);
    if (rc == EXIT_USAGE)
      break;
    if (rc)
      continue;
    rc = capkit_stats_run_read(run, capkit_input_reader(in), files[fi], &rec);
    if (rc < 0) {
      if (*capkit_stats_run_error(run)) {
        cli_err("stats", "%s", capkit_stats_run_error(run));
        code = EXIT_IO;
      } else {
        int e = cli_input_fail("stats", in,
                               capkit_input_failed(in, rc, rec.number));
        if (!code || rc == CAPKIT_EFILTER)
          code = e;
      }
    }
    if (code == EXIT_USAGE || code == EXIT_IO)
      break;
  }
  capkit_input_free(in);
  return code;
}

int cmd_stats(int argc, char **argv) {
  static const struct option opts[] = {
      {"interval", required_argument, NULL, 'i'},
      {"top", required_argument, NULL, 'n'},
      {"json", no_argument, NULL, 'J'},
      {"csv", required_argument, NULL, 'C'},
      {"filter", required_argument, NULL, 'f'},
      {"eth", no_argument, NULL, 'e'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int json = 0, eth = 0, ch;
  const char *csv = NULL, *filter = NULL;
  uint64_t top = 10;
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "i:n:f:eh", opts, NULL)) != -1) {
    switch (ch) {
    case 'i':
      if (cli_parse_interval(optarg, &set.interval_ns) != 0)
        return cli_usage_error("stats", "bad interval '%s'", optarg);
      break;
    case 'n':
      if (capkit_parse_decimal(optarg, &top) != 0)
        return cli_usage_error("stats", "bad count '%s'", optarg);
      break;
    case 'J':
      json = 1;
      break;
    case 'e':
      eth = 1;
      break;
    case 'C':
      csv = optarg;
      break;
    case 'f':
      filter = optarg;
      break;
    case 'h':
      fputs(stats_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("stats", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("stats", "expected at least one FILE");
  if (cli_stdin_once("stats", argc - optind, argv + optind))
    return EXIT_USAGE;
  if (csv) {
    if (!capkit_stats_table_known(csv))
      return cli_usage_error("stats", "unknown table '%s'", csv);
    if (json)
      return cli_usage_error("stats", "--json and --csv do not mix");
    eth |= strstr(csv, "eth") != NULL;
  }
  /* Ethernet pairs cost one more table lookup per packet: on request */
  set.what = CAPKIT_STATS_ALL & ~(eth ? 0 : CAPKIT_STATS_ETHERNET);
  capkit_filter *flt = filter ? capkit_filter_new(filter) : NULL;
  capkit_stats_run *run =
      filter && !flt ? NULL : capkit_stats_run_new(&set, flt);
  int code = EXIT_OK;
  if (!run) {
    cli_err("stats", "out of memory");
    code = EXIT_IO;
  } else {
    code = count_inputs(run, flt, argv + optind, argc - optind);
  }
  /* The series is cut from the earliest packet (the library counts it
   * again when an older packet came later). */
  if (run && code != EXIT_USAGE && code != EXIT_IO &&
      capkit_stats_run_finish(run) == CAPKIT_ENOMEM)
    cli_err("stats", "out of memory");
  if (code != EXIT_USAGE && run) {
    capkit_stats_report rep = CAPKIT_STATS_REPORT_INIT;
    rep.format = csv ? CAPKIT_STATS_CSV
                 : json ? CAPKIT_STATS_JSON
                        : CAPKIT_STATS_TEXT;
    rep.table = csv;
    rep.top = (size_t)top;
    rep.ethernet = eth;
    rep.series = capkit_stats_run_series(run);
    const capkit_stats *st = capkit_stats_run_stats(run);
    int rc = capkit_stats_write(st, &rep, cli_write_stdout, NULL);
    if (rc == CAPKIT_ENOMEM)
      cli_err("stats", "out of memory");
    if (rc && !code)
      code = EXIT_IO;
  }
  capkit_stats_run_free(run);
  capkit_filter_free(flt);
  return code;
}

/* cmd_report.c - capkit report: options, every input through one
 * libcapkit report (include/capkit/report.h), the page written whole or
 * not at all. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/report.h>

#include "cli.h"

static const char report_usage[] =
    "usage: capkit report [OPTIONS] FILE... [-o REPORT.html]\n\n"
    "Make one self-contained HTML page that shows captures at a glance: the\n"
    "summary of each file (as capkit info), its problems (as capkit verify:\n"
    "damage with its offset and record, time going backwards, caplen over\n"
    "snaplen, ...), an I/O graph of packets/s and bits/s stacked by the top\n"
    "protocols with gaps marked, packet sizes, the protocol hierarchy, top\n"
    "conversations and endpoints (Ethernet, IPv4, IPv6, TCP, UDP) and TCP\n"
    "health (SYN/FIN/RST, zero windows, estimated retransmissions). Several\n"
    "files give one part per file and a combined view. The page needs no\n"
    "network, prints well and follows the reader's dark mode.\n\n"
    "  -o, --output FILE    the page (default standard output); written\n"
    "                       under a temporary name and renamed when done\n"
    "  -f, --filter EXPR    only packets matching the BPF expression\n"
    "  -i, --interval SEC   I/O graph bin width in seconds (fractions\n"
    "                       allowed; default: chosen to give at most 300\n"
    "                       bins); doubled as often as needed to stay within\n"
    "  -n, --top N          rows of each top list (default 10, at most 100)\n"
    "  -t, --title TEXT     the page's title\n"
    "  -h, --help           this help\n\n"
    "The numbers are those of capkit stats and capkit info (one engine).\n"
    "Memory stays bounded: each conversation table keeps its first 20000\n"
    "conversations (later ones are counted apart, and the page gives the\n"
    "bound on what a top list may miss).\n\n"
    "Exit status: 0 ok, 1 damaged or invalid capture data (the page shows\n"
    "what came before the damage, and the damage), 2 usage, 3 I/O error.\n";

/* One input into RP; returns its exit code. */
static int report_file(capkit_report *rp, const char *path, const char *expr) {
  int rc = capkit_report_add_path(rp, path, expr);
  if (rc)
    cli_err("report", "%s", capkit_report_error(rp));
  return cli_exit_for(rc);
}

int cmd_report(int argc, char **argv) {
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"filter", required_argument, NULL, 'f'},
      {"interval", required_argument, NULL, 'i'},
      {"top", required_argument, NULL, 'n'},
      {"title", required_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  capkit_report_settings set = CAPKIT_REPORT_SETTINGS_INIT;
  const char *out = NULL, *expr = NULL;
  uint64_t top;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:f:i:n:t:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      out = optarg;
      break;
    case 'f':
      expr = optarg;
      break;
    case 'i':
      if (cli_parse_interval(optarg, &set.interval_ns))
        return cli_usage_error("report", "bad interval '%s'", optarg);
      break;
    case 'n':
      if (capkit_parse_decimal(optarg, &top) || top < 1 || top > 100)
        return cli_usage_error("report", "bad count '%s' (1..100)", optarg);
      set.top = (size_t)top;
      break;
    case 't':
      set.title = optarg;
      break;
    case 'h':
      fputs(report_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("report", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("report", "no file given");
  if (cli_stdin_once("report", argc - optind, argv + optind))
    return EXIT_USAGE;
  if (argc - optind > 1)
    set.flags |= CAPKIT_REPORT_COMBINED;
  capkit_report *rp = capkit_report_new(&set);
  if (!rp) {
    cli_err("report", "out of memory");
    return EXIT_IO;
  }
  int worst = EXIT_OK;
  for (int i = optind; i < argc && worst != EXIT_USAGE && worst != EXIT_IO;
       i++) {
    int code = report_file(rp, argv[i], expr);
    worst = code > worst ? code : worst;
  }
  if (worst == EXIT_OK || worst == EXIT_DATA) {
    cli_outfile of;
    int oc = cli_outfile_open(&of, "report", out);
    if (oc) {
      worst = oc;
    } else {
      if (capkit_report_write(rp, of.f) != 0)
        worst = EXIT_IO; /* the file is then removed */
      worst = cli_outfile_close(&of, "report", worst);
    }
  }
  capkit_report_free(rp);
  return worst;
}

/* cmd_stats.c - capkit stats: options, one libcapkit statistics
 * accumulator over every input, and the text, JSON and CSV layouts of its
 * tables (the counting is the library's, include/capkit/stats.h). */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static int write_stdout(void *user, const void *p, size_t n) {
  (void)user;
  return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

/* A time and length kept from an input that cannot be read twice. */
typedef struct spooled {
  int64_t sec;
  uint32_t nsec, len;
} spooled;

static int rereadable(const char *path) {
  struct stat sb;
  return strcmp(path, "-") && !stat(path, &sb) && S_ISREG(sb.st_mode);
}

/* Count every input into S; returns an exit code. SPOOL (or NULL) keeps
 * the times and lengths of the inputs that cannot be read twice (stdin, a
 * pipe). AGAIN: a second pass over the regular files only, whose errors
 * the first pass reported. */
static int count_inputs(capkit_stats *s, capkit_filter *flt, char **files,
                        int nfiles, FILE *spool, int again) {
  int code = EXIT_OK;
  for (int fi = 0; fi < nfiles; fi++) {
    int regular = rereadable(files[fi]);
    if (again && !regular)
      continue;
    cli_input in;
    int oc = cli_input_open(&in, "stats", files[fi], flt);
    if (oc == EXIT_USAGE)
      return oc;
    if (oc) {
      code = code ? code : oc;
      continue;
    }
    capkit_record rec = CAPKIT_RECORD_INIT;
    int rc;
    while ((rc = cli_input_next(&in, &rec)) > 0) {
      if (capkit_stats_add(s, &rec, NULL) == CAPKIT_ENOMEM) {
        cli_err("stats", "out of memory");
        code = EXIT_IO;
        break;
      }
      spooled sp = {rec.ts_sec, rec.ts_nsec, rec.origlen};
      if (spool && !regular && fwrite(&sp, sizeof sp, 1, spool) != 1) {
        cli_err("stats", "temporary file: write error");
        code = EXIT_IO;
        break;
      }
    }
    if (rc < 0 && !again) {
      int e = cli_input_report(&in, &rec, rc);
      if (!code || rc == CAPKIT_EFILTER)
        code = e;
    }
    cli_input_close(&in);
    if (code == EXIT_USAGE || code == EXIT_IO)
      break;
  }
  return code;
}

/* Count the spooled times and lengths into S. */
static int count_spool(capkit_stats *s, FILE *spool) {
  spooled sp;
  capkit_record rec = CAPKIT_RECORD_INIT;
  rewind(spool);
  while (fread(&sp, sizeof sp, 1, spool) == 1) {
    rec.ts_sec = sp.sec;
    rec.ts_nsec = sp.nsec;
    rec.origlen = sp.len;
    if (capkit_stats_add(s, &rec, NULL) != 0)
      return EXIT_IO;
  }
  return ferror(spool) ? EXIT_IO : EXIT_OK;
}

static int parse_interval(const char *a, uint64_t *ns) {
  double v;
  if (cli_parse_positive(a, 1e9, &v))
    return -1;
  *ns = (uint64_t)llround(v * 1e9);
  return *ns > 0 ? 0 : -1;
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
      if (parse_interval(optarg, &set.interval_ns) != 0)
        return cli_usage_error("stats", "bad interval '%s'", optarg);
      break;
    case 'n':
      if (cli_parse_u64(optarg, &top) != 0)
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
  capkit_stats *s = capkit_stats_new(&set), *series = NULL;
  FILE *spool = NULL;
  int once = 0; /* an input that cannot be read twice */
  capkit_filter *flt = filter ? capkit_filter_new(filter) : NULL;
  int code = EXIT_OK;
  if (!s || (filter && !flt)) {
    cli_err("stats", "out of memory");
    code = EXIT_IO;
  } else {
    /* inputs that cannot be read twice keep their times in a spool */
    for (int i = optind; i < argc; i++)
      once |= !rereadable(argv[i]);
    spool = once ? tmpfile() : NULL;
    code = count_inputs(s, flt, argv + optind, argc - optind, spool, 0);
  }
  /* The series is cut from the earliest packet. One pass cuts it from the
   * first; when an older packet came later, the times are counted again on
   * a grid from the earliest: regular files read a second time, the other
   * inputs from the times kept in the spool (without a spool, their
   * buckets stay on the first packet's grid). */
  if (s && code != EXIT_USAGE && code != EXIT_IO &&
      capkit_stats_regrid(s, &set.origin) && (spool || !once)) {
    set.what = CAPKIT_STATS_SERIES;
    set.has_origin = 1;
    if ((series = capkit_stats_new(&set)) != NULL) {
      int c2 = count_inputs(series, flt, argv + optind, argc - optind, NULL, 1);
      if (c2 != EXIT_IO && c2 != EXIT_USAGE && spool)
        c2 = count_spool(series, spool);
      if (c2 == EXIT_IO || c2 == EXIT_USAGE) {
        capkit_stats_free(series);
        series = NULL;
      }
    }
  }
  if (code != EXIT_USAGE && s) {
    capkit_stats_report rep = CAPKIT_STATS_REPORT_INIT;
    rep.format = csv ? CAPKIT_STATS_CSV
                 : json ? CAPKIT_STATS_JSON
                        : CAPKIT_STATS_TEXT;
    rep.table = csv;
    rep.top = (size_t)top;
    rep.ethernet = eth;
    rep.series = series;
    int rc = capkit_stats_write(s, &rep, write_stdout, NULL);
    if (rc == CAPKIT_ENOMEM)
      cli_err("stats", "out of memory");
    if (rc && !code)
      code = EXIT_IO;
  }
  capkit_filter_free(flt);
  capkit_stats_free(series);
  capkit_stats_free(s);
  if (spool)
    fclose(spool);
  return code;
}

/* cmd_print.c - capkit print (alias show): options, then the library's
 * printer (capkit/printer.h) renders each packet: one tcpdump-like line,
 * optionally with link headers, every field of every layer, a hex dump, or
 * NDJSON. Output goes through a large buffer. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/printer.h>

#include "cli.h"

static const char print_usage[] =
    "usage: capkit print [OPTIONS] FILE...\n"
    "       capkit show  [OPTIONS] FILE...\n\n"
    "Decode every packet and print one line per packet, in the style of\n"
    "'tcpdump -nn' (times in UTC).\n\n"
    "  -e, --link          show link-layer headers (MAC addresses, VLAN tags,\n"
    "                      EtherType, SLL and loopback headers)\n"
    "  -S, --absolute      absolute TCP sequence numbers (by default, as in\n"
    "                      tcpdump, they are relative to the first packet of\n"
    "                      each connection, or its latest SYN)\n"
    "  -v, --verbose       add one indented line per layer with every field,\n"
    "                      checksums verified\n"
    "  -x, --hex           add a hex dump of each packet (all captured bytes,\n"
    "                      laid out as by tcpdump -xx)\n"
    "      --json          one JSON object per packet (NDJSON) with every\n"
    "                      decoded field instead of lines (strings always\n"
    "                      valid UTF-8: other bytes become \\u00XX)\n"
    "  -t, --time FMT      abs (HH:MM:SS.ffffff, the default), date (with the\n"
    "                      date), epoch (seconds.ffffff), rel (since the first\n"
    "                      packet), delta (since the previous packet), none\n"
    "                      (tcpdump: default, -tttt, -tt, -ttttt, -ttt, -t)\n"
    "      --nano          nanosecond time stamps (9 digits)\n"
    "  -c, --count N       stop after N packets\n"
    "  -f, --filter EXPR   only packets matching the BPF expression (tcpdump\n"
    "                      filter language)\n"
    "  -h, --help          this help\n\n"
    "A truncated header ends its line with [|proto]; a malformed one with\n"
    "[bad proto]. Link types that are not decoded are printed as their\n"
    "link type name and length.\n\n"
    "Exit status: 0 ok, 1 damaged or invalid capture data (packets before the\n"
    "damage are printed), 2 usage (also a filter that does not compile),\n"
    "3 I/O error.\n";

/* Writes the text the printer kept and empties it; *werr set on failure. */
static void flush_text(capkit_printer *pr, int *werr) {
  size_t n;
  const char *t = capkit_printer_text(pr, &n);
  if (n && fwrite(t, 1, n, stdout) != n)
    *werr = 1;
  capkit_printer_clear(pr);
}

/* tcpdump -t, -tt, ... as capkit's names */
static int time_format(const char *s) {
  static const struct {
    const char *name;
    int fmt;
  } t[] = {{"abs", CAPKIT_PRINT_TIME_ABS},     {"date", CAPKIT_PRINT_TIME_DATE},
           {"epoch", CAPKIT_PRINT_TIME_EPOCH}, {"rel", CAPKIT_PRINT_TIME_REL},
           {"delta", CAPKIT_PRINT_TIME_DELTA}, {"none", CAPKIT_PRINT_TIME_NONE}};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    if (!strcmp(s, t[i].name))
      return t[i].fmt;
  return -1;
}

int cmd_print(int argc, char **argv) {
  static const struct option opts[] = {
      {"link", no_argument, NULL, 'e'},
      {"absolute", no_argument, NULL, 'S'},
      {"verbose", no_argument, NULL, 'v'},
      {"hex", no_argument, NULL, 'x'},
      {"json", no_argument, NULL, 'J'},
      {"time", required_argument, NULL, 't'},
      {"nano", no_argument, NULL, 'N'},
      {"count", required_argument, NULL, 'c'},
      {"filter", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  unsigned flags = 0;
  int tfmt = CAPKIT_PRINT_TIME_ABS;
  uint64_t count = UINT64_MAX;
  const char *filter = NULL;
  int ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "eSvxt:c:f:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'S':
      flags |= CAPKIT_PRINT_ABSOLUTE;
      break;
    case 'e':
      flags |= CAPKIT_PRINT_LINK;
      break;
    case 'v':
      flags |= CAPKIT_PRINT_FIELDS;
      break;
    case 'x':
      flags |= CAPKIT_PRINT_HEX;
      break;
    case 'J':
      flags |= CAPKIT_PRINT_JSON;
      break;
    case 'N':
      flags |= CAPKIT_PRINT_NANO;
      break;
    case 't':
      if ((tfmt = time_format(optarg)) < 0)
        return cli_usage_error("print", "unknown time format '%s'", optarg);
      break;
    case 'c':
      if (cli_parse_u64(optarg, &count) != 0)
        return cli_usage_error("print", "bad count '%s'", optarg);
      break;
    case 'f':
      filter = optarg;
      break;
    case 'h':
      fputs(print_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("print", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("print", "expected at least one FILE");
  if (cli_stdin_once("print", argc - optind, argv + optind))
    return EXIT_USAGE;
  capkit_filter *flt = NULL;
  capkit_printer *pr = capkit_printer_new(flags);
  if (!pr || (filter && !(flt = capkit_filter_new(filter)))) {
    capkit_filter_free(flt);
    capkit_printer_free(pr);
    cli_err("print", "out of memory");
    return EXIT_IO;
  }
  capkit_printer_set_time(pr, tfmt);
  capkit_printer_set_ifname(pr, capkit_ifname_local, NULL);
  int code = EXIT_OK, werr = 0;
  uint64_t shown = 0;
  for (int fi = optind; fi < argc && shown < count; fi++) {
    flush_text(pr, &werr);
    cli_input in;
    int oc = cli_input_open(&in, "print", argv[fi], flt);
    if (oc == EXIT_USAGE) {
      code = oc;
      break;
    }
    if (oc) {
      code = code ? code : oc;
      continue;
    }
    capkit_record rec = CAPKIT_RECORD_INIT;
    int rc = 0;
    size_t kept;
    /* the printer keeps the text of many records; written by the MiB */
    while (shown < count && (rc = cli_input_next(&in, &rec)) > 0) {
      shown++;
      if (capkit_printer_append(pr, &rec) != 0) {
        cli_err("print", "out of memory");
        code = EXIT_IO;
        count = 0; /* stop */
        break;
      }
      if (capkit_printer_text(pr, &kept), kept >= (1u << 20))
        flush_text(pr, &werr);
    }
    if (rc < 0) {
      flush_text(pr, &werr);
      fflush(stdout);
      int e = cli_input_report(&in, &rec, rc);
      if (!code || rc == CAPKIT_EFILTER)
        code = e;
    }
    cli_input_close(&in);
    if (code == EXIT_USAGE)
      break;
  }
  flush_text(pr, &werr);
  if (werr && !code)
    code = EXIT_IO;
  capkit_filter_free(flt);
  capkit_printer_free(pr);
  return code;
}

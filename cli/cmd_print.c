/* cmd_print.c - capkit print (alias show): options, then the library's
 * printer (capkit/printer.h) renders each packet: one tcpdump-like line,
 * optionally with link headers, every field of every layer, a hex dump, or
 * NDJSON. Output goes through a large buffer. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/input.h>
#include <capkit/printer.h>

#include "cli.h"

static const char print_usage[] =
    "usage: capkit print [OPTIONS] FILE...\n"
    "       capkit show  [OPTIONS] FILE...\n\n"
    "Decode every packet and print one line per packet, in the style of\n"
    "'tcpdump -nn' (times in UTC). tcpdump's own spellings work too.\n\n"
    "  -e, --link          show link-layer headers (MAC addresses, VLAN tags,\n"
    "                      EtherType, SLL and loopback headers)\n"
    "  -S, --absolute      absolute TCP sequence numbers (by default, as in\n"
    "                      tcpdump, they are relative to the first packet of\n"
    "                      each connection, or its latest SYN)\n"
    "  -q, --quiet         less protocol detail, as tcpdump -q ('tcp 42';\n"
    "                      UDP payloads not decoded)\n"
    "  -v, --verbose       tcpdump's -v detail: IPv4 header and options, IPv6\n"
    "                      fields and extension header options, checksums\n"
    "                      verified, ICMP error payloads, ND options, GRE,\n"
    "                      NTP, DNS names and records, HTTP header lines, ARP\n"
    "                      formats; -vv (or -vvv) as tcpdump -vv; DHCP\n"
    "                      options print as without -v (see the man page)\n"
    "  -V, --fields        add one indented line per layer with every field,\n"
    "                      checksums verified (this was -v before tcpdump's\n"
    "                      -v took the letter)\n"
    "  -x                  hex dump of each packet from the network layer on\n"
    "                      (tcpdump -x: link header left out; before, -x was\n"
    "                      -xx)\n"
    "  -xx, --hex          hex dump of every captured byte (tcpdump -xx)\n"
    "  -X, -XX             as -x, -xx, with an ASCII column (tcpdump -X, -XX)\n"
    "  -A, -AA             the packet as ASCII text, from the network layer\n"
    "                      on or (-AA) with the link header (tcpdump -A)\n"
    "      --json          one JSON object per packet (NDJSON) with every\n"
    "                      decoded field instead of lines (strings always\n"
    "                      valid UTF-8: other bytes become \\u00XX)\n"
    "  -t, -tt, -ttt, -tttt, -ttttt\n"
    "                      as in tcpdump: no time, seconds since 1970, delta\n"
    "                      since the previous packet, date and time, since\n"
    "                      the first packet\n"
    "      --time FMT      the same by name: abs (HH:MM:SS.ffffff, the\n"
    "                      default), none, epoch, delta, date, rel ('-t FMT'\n"
    "                      with one of these names still works)\n"
    "      --nano          nanosecond time stamps (9 digits)\n"
    "  -r FILE             read FILE (as tcpdump -r; FILE operands work too)\n"
    "  -n, -nn             accepted and ignored: names are never resolved\n"
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

/* tcpdump's -t takes no value, capkit's took one: "-t NAME" with NAME a
 * time format name stays capkit's, every other -t is counted as tcpdump's.
 * Rewrites those pairs in ARGV (a copy) to "--time" NAME. Option values
 * (-c, -f, -r) are stepped over, and nothing after "--" is looked at. */
static void old_time_option(int argc, char **argv) {
  static char long_time[] = "--time";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--"))
      return;
    if (!strcmp(a, "--count") || !strcmp(a, "--filter") ||
        !strcmp(a, "--time")) {
      i++;
      continue;
    }
    if (a[0] != '-' || a[1] == '-' || !a[1])
      continue;
    if (!strcmp(a, "-t") && i + 1 < argc && capkit_printer_time_parse(argv[i + 1]) >= 0) {
      argv[i++] = long_time;
      continue;
    }
    for (const char *q = a + 1; *q; q++)
      if (strchr("cfr", *q)) { /* a value follows: here or next */
        i += !q[1];
        break;
      }
  }
}

int cmd_print(int argc, char **argv) {
  static const struct option opts[] = {
      {"link", no_argument, NULL, 'e'},
      {"absolute", no_argument, NULL, 'S'},
      {"quiet", no_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'},
      {"fields", no_argument, NULL, 'V'},
      {"hex", no_argument, NULL, 'H'},
      {"json", no_argument, NULL, 'J'},
      {"time", required_argument, NULL, 'T'},
      {"nano", no_argument, NULL, 'N'},
      {"count", required_argument, NULL, 'c'},
      {"filter", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  unsigned flags = 0;
  int tfmt = CAPKIT_PRINT_TIME_ABS, tcount = 0, nx = 0, nX = 0, nA = 0,
      nv = 0;
  uint64_t count = UINT64_MAX;
  const char *filter = NULL;
  int ch, npath = 0;
  /* the files: -r ones and operands; a copy of argv for the -t rewrite */
  char **av = malloc(2 * ((size_t)argc + 1) * sizeof *av);
  if (!av) {
    cli_err("print", "out of memory");
    return EXIT_IO;
  }
  char **paths = av + argc + 1;
  memcpy(av, argv, (size_t)argc * sizeof *av);
  av[argc] = NULL;
  old_time_option(argc, av);
  optind = 1;
  int code = EXIT_OK;
  while ((ch = getopt_long(argc, av, "eSqvVxXAntr:c:f:h", opts, NULL)) !=
         -1) {
    switch (ch) {
    case 'S':
      flags |= CAPKIT_PRINT_ABSOLUTE;
      break;
    case 'e':
      flags |= CAPKIT_PRINT_LINK;
      break;
    case 'q':
      flags |= CAPKIT_PRINT_QUIET;
      break;
    case 'v':
      nv++;
      break;
    case 'V':
      flags |= CAPKIT_PRINT_FIELDS;
      break;
    case 'x':
      nx++;
      break;
    case 'H':
      nx = 2;
      break;
    case 'X':
      nX++;
      break;
    case 'A':
      nA++;
      break;
    case 'n': /* names are never resolved */
      break;
    case 'J':
      flags |= CAPKIT_PRINT_JSON;
      break;
    case 'N':
      flags |= CAPKIT_PRINT_NANO;
      break;
    case 't':
      if (++tcount > 5)
        code = cli_usage_error("print", "-t given more than 5 times");
      break;
    case 'T':
      if ((tfmt = capkit_printer_time_parse(optarg)) < 0)
        code = cli_usage_error("print", "unknown time format '%s'", optarg);
      tcount = 0;
      break;
    case 'r':
      paths[npath++] = optarg;
      break;
    case 'c':
      if (capkit_parse_decimal(optarg, &count) != 0)
        code = cli_usage_error("print", "bad count '%s'", optarg);
      break;
    case 'f':
      filter = optarg;
      break;
    case 'h':
      fputs(print_usage, stdout);
      free(av);
      return EXIT_OK;
    default:
      code = cli_usage_error("print", "invalid option");
      break;
    }
    if (code) { /* the first problem only */
      free(av);
      return code;
    }
  }
  while (optind < argc)
    paths[npath++] = av[optind++];
  if (tcount)
    tfmt = capkit_printer_time_count((unsigned)tcount);
  flags |= capkit_printer_letter_flags((unsigned)nx, (unsigned)nX,
                                       (unsigned)nA, (unsigned)nv);
  if (!npath)
    code = cli_usage_error("print", "expected at least one FILE");
  else if (cli_stdin_once("print", npath, paths))
    code = EXIT_USAGE;
  if (code) {
    free(av);
    return code;
  }
  capkit_filter *flt = NULL;
  capkit_printer *pr = capkit_printer_new(flags);
  capkit_input *in = capkit_input_new();
  if (!pr || !in || (filter && !(flt = capkit_filter_new(filter)))) {
    capkit_input_free(in);
    capkit_filter_free(flt);
    capkit_printer_free(pr);
    free(av);
    cli_err("print", "out of memory");
    return EXIT_IO;
  }
  capkit_printer_set_time(pr, tfmt);
  capkit_printer_set_ifname(pr, capkit_ifname_local, NULL);
  int werr = 0;
  for (int fi = 0; fi < npath && count > 0; fi++) {
    int rc = cli_input_open("print", in, paths[fi], flt, &code);
    if (rc == EXIT_USAGE)
      break;
    if (rc)
      continue;
    rc = capkit_printer_print(pr, in, &count, cli_write_stdout, NULL, &werr);
    if (rc < 0 && !*capkit_input_error(in)) { /* the printer's */
      cli_err("print", "out of memory");
      code = EXIT_IO;
      break;
    }
    if (rc < 0) {
      fflush(stdout);
      int e = cli_input_fail("print", in, rc);
      if (!code || rc == CAPKIT_EFILTER)
        code = e;
    }
    if (code == EXIT_USAGE)
      break;
  }
  if (werr && !code)
    code = EXIT_IO;
  capkit_input_free(in);
  capkit_filter_free(flt);
  capkit_printer_free(pr);
  free(av);
  return code;
}

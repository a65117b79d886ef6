/* cmd_capture.c - capkit capture: record packets from an interface into
 * pcap or pcapng files, with size and time rotation (the library's
 * rotating writer, the one split uses) and a ring of files. Every file is
 * written through capkit_writer (temporary name, renamed when closed), so
 * a rotated-away or interrupted file is always complete. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <capkit/capture.h>
#include <unistd.h>

#include "cli.h"

static const char capture_usage[] =
    "usage: capkit capture -i IFACE -w FILE [options] [FILTER...]\n\n"
    "Capture packets from a network interface into a pcap or pcapng file.\n"
    "Needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities.\n\n"
    "  -i, --interface IFACE    interface to capture on; 'any' for all\n"
    "  -w, --write FILE         output file, or a name template with -C/-G\n"
    "                           (see Rotation)\n"
    "  -f, --filter EXPR        capture filter (tcpdump's language); the\n"
    "                           words after the options are a filter too\n"
    "  -s, --snaplen N          bytes kept of each packet (default 262144)\n"
    "  -c, --count N            stop after N packets\n"
    "      --duration SECONDS   stop after this long (fractions allowed)\n"
    "  -C, --file-size SIZE     start a new file before one would grow\n"
    "                           past SIZE: a plain number is millions of\n"
    "                           bytes (as tcpdump), or give a unit: 500k,\n"
    "                           64MiB, 4096B\n"
    "  -G, --rotate-seconds N   start a new file every N seconds\n"
    "  -W, --files N            keep only the N newest files (a ring)\n"
    "  -F, --format FMT         pcap or pcapng (default: pcapng when FILE\n"
    "                           ends in .pcapng, else pcap)\n"
    "      --linktype TYPE      link type to capture as; on 'any':\n"
    "                           LINUX_SLL (default) or LINUX_SLL2\n"
    "  -B, --buffer-size SIZE   kernel buffer (default 32MiB)\n"
    "      --immediate          hand each packet over as it arrives (by\n"
    "                           default packets come in blocks, at least\n"
    "                           every 100 ms: faster, and fewer drops)\n"
    "  -p, --no-promiscuous-mode\n"
    "                           do not put the interface in promiscuous "
    "mode\n"
    "      --precision P        timestamp precision written: ns (default\n"
    "                           when the system gives it) or us\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -h, --help               this help\n\n"
    "Rotation: -C and -G each start a new file when their limit is reached\n"
    "(whichever comes first when both are given). A file never grows past\n"
    "-C (a single larger packet gets a file of its own). -G intervals are\n"
    "counted from the start and judged by packet time stamps; an idle\n"
    "interval still gives a (valid, empty) file: file N is interval N.\n"
    "With rotation FILE is a template: strftime conversions (%Y%m%d-%H%M%S ...) take the local\n"
    "time the file was started, and %N the file's number (0, 1, 2 ...;\n"
    "with -W, the slot 0..N-1). A template without %N gets '-%N' before\n"
    "its extension (cap.pcap -> cap-0.pcap, cap-1.pcap ...), so no file is\n"
    "ever overwritten except by the ring. -W N keeps the N newest files\n"
    "whatever names they have (older ones are removed as newer ones are\n"
    "completed); it never stops the capture (unlike tcpdump's -G with -W):\n"
    "stop with -c or --duration.\n\n"
    "Stopping: -c, --duration, SIGINT or SIGTERM close the current file\n"
    "properly; a second signal ends the capture at once, even in a write\n"
    "that cannot finish (the temporary file stays). Files are written under a temporary name (.NAME.XXXXXX in\n"
    "the same directory) and renamed when complete; a capture killed\n"
    "without warning leaves that temporary file, whole up to at most its\n"
    "last record.\n\n"
    "On standard error: a 'listening on' line when the capture starts, a\n"
    "live packet/byte/drop counter when standard error is a terminal, and\n"
    "the kernel's counts at the end (received, dropped by the kernel,\n"
    "dropped by the interface). pcapng files name the interface, filter and\n"
    "system, and end with interface statistics.\n\n"
    "Exit status: 0 ok, 2 usage (including an unknown interface, link type\n"
    "or a filter that does not compile), 3 I/O or system error (including\n"
    "missing privileges).\n";

static volatile sig_atomic_t n_signals;
static capkit_capture *sig_cc;

/* The first signal stops the capture cleanly; a second one ends the
 * process at once, even in a stuck write or close (the temporary file then
 * stays, complete up to at most its last record). */
static void on_signal(int sig) {
  if (++n_signals >= 2) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  capkit_capture_stop(sig_cc);
}

static void on_msg(void *user, const char *msg) {
  (void)user;
  cli_err("capture", "%s", msg);
}

/* Print the capture's error; returns the exit code. */
static int cap_fail(capkit_capture *cc, int rc) {
  cli_err("capture", "%s", capkit_capture_error(cc));
  return cli_exit_for(rc);
}

static void show_counter(const capkit_capture *cc, int final) {
  capkit_capture_stats st = CAPKIT_CAPTURE_STATS_INIT;
  (void)capkit_capture_stats_get(cc, &st);
  fprintf(stderr, "\r%" PRIu64 " packet%s, %" PRIu64 " byte%s, %" PRIu64
          " dropped   %s",
          st.packets, cli_s(st.packets), st.bytes, cli_s(st.bytes),
          st.dropped + st.ifdropped, final ? "\n" : "");
  fflush(stderr);
}

static void on_progress(void *user, const capkit_capture *cc) {
  (void)user;
  show_counter(cc, 0);
}

static int run(capkit_capture *cc, const capkit_capture_source *src,
               const capkit_capture_settings *set, int quiet) {
  capkit_capture_set_msg_fn(cc, on_msg, NULL);
  /* Signals stop the loop; the current file is then closed properly. */
  sig_cc = cc;
  cli_catch_stop_signals(on_signal, 1);
  int rc, code = 0;
  if ((rc = capkit_capture_open(cc, src, set)) < 0)
    return cap_fail(cc, rc);
  int counter = !quiet && isatty(2);
  if (!quiet) {
    const capkit_iface *ifc = capkit_live_iface(capkit_capture_live(cc));
    const char *ln = capkit_linktype_name(ifc->linktype);
    const char *ld = capkit_linktype_description(ifc->linktype);
    fprintf(stderr,
            "capkit capture: listening on %s, link-type %s (%s), snapshot "
            "length %" PRIu32 " bytes, writing %s\n",
            src->iface, ln ? ln : "?", ld ? ld : "?", ifc->snaplen,
            capkit_capture_path(cc));
    fflush(stderr);
  }
  if ((rc = capkit_capture_run(cc, 250000000, counter ? on_progress : NULL,
                               NULL)) < 0)
    code = cap_fail(cc, rc);
  rc = capkit_capture_finish(cc, !code);
  if (rc < 0 && !code)
    code = cap_fail(cc, rc);
  if (counter)
    show_counter(cc, 1);
  capkit_capture_stats st = CAPKIT_CAPTURE_STATS_INIT;
  if (!quiet && capkit_capture_stats_get(cc, &st) == 0) {
    fprintf(stderr,
            "%" PRIu64 " packet%s captured\n"
            "%" PRIu64 " packet%s received by filter\n"
            "%" PRIu64 " packet%s dropped by kernel\n"
            "%" PRIu64 " packet%s dropped by interface\n",
            st.packets, cli_s(st.packets), st.received, cli_s(st.received),
            st.dropped, cli_s(st.dropped), st.ifdropped,
            cli_s(st.ifdropped));
    if (st.files > 1)
      fprintf(stderr, "%" PRIu64 " files written\n", st.files);
  }
  sig_cc = NULL;
  return code;
}

int cmd_capture(int argc, char **argv) {
  enum { OPT_DURATION = 256, OPT_LINKTYPE, OPT_PRECISION, OPT_IMMEDIATE };
  static const struct option opts[] = {
      {"interface", required_argument, NULL, 'i'},
      {"write", required_argument, NULL, 'w'},
      {"filter", required_argument, NULL, 'f'},
      {"snaplen", required_argument, NULL, 's'},
      {"count", required_argument, NULL, 'c'},
      {"duration", required_argument, NULL, OPT_DURATION},
      {"file-size", required_argument, NULL, 'C'},
      {"rotate-seconds", required_argument, NULL, 'G'},
      {"files", required_argument, NULL, 'W'},
      {"format", required_argument, NULL, 'F'},
      {"linktype", required_argument, NULL, OPT_LINKTYPE},
      {"buffer-size", required_argument, NULL, 'B'},
      {"no-promiscuous-mode", no_argument, NULL, 'p'},
      {"immediate", no_argument, NULL, OPT_IMMEDIATE},
      {"precision", required_argument, NULL, OPT_PRECISION},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  capkit_capture_source src = CAPKIT_CAPTURE_SOURCE_INIT;
  capkit_capture_settings set = CAPKIT_CAPTURE_SETTINGS_INIT;
  int quiet = 0;
  uint64_t v;
  double d;
  int ch;
  /* "+": options first, then the filter words (which may start with '-'
   * only after "--"). */
  while ((ch = getopt_long(argc, argv, "+i:w:f:s:c:C:G:W:F:B:pqh", opts,
                           NULL)) != -1) {
    switch (ch) {
    case 'i':
      src.iface = optarg;
      break;
    case 'w':
      set.path = optarg;
      break;
    case 'f':
      src.filter = optarg;
      break;
    case 's':
      if (capkit_parse_decimal(optarg, &v) || v == 0 || v > 262144)
        return cli_usage_error("capture", "bad snaplen '%s' (1..262144)",
                               optarg);
      src.snaplen = (uint32_t)v;
      break;
    case 'c':
      if (capkit_parse_decimal(optarg, &v) || v == 0)
        return cli_usage_error("capture", "bad count '%s'", optarg);
      set.count = v;
      break;
    case OPT_DURATION:
      if (cli_parse_positive(optarg, 1e9, &d))
        return cli_usage_error("capture", "bad duration '%s'", optarg);
      set.duration_ns = (int64_t)(d * 1e9);
      break;
    case 'C':
      if (capkit_capture_parse_file_size(optarg, &v))
        return cli_usage_error(
            "capture",
            "bad file size '%s': a whole number of millions of bytes (as "
            "tcpdump: -C 1 is 1000000 bytes), or a size with a unit: 200k, "
            "64MiB, 4096B",
            optarg);
      if (v < 256)
        return cli_usage_error("capture",
                               "file size '%s' is %" PRIu64
                               " bytes: at least 256 bytes",
                               optarg, v);
      set.file_size = v;
      break;
    case 'G':
      if (cli_parse_positive(optarg, 1e9, &d))
        return cli_usage_error("capture", "bad rotation interval '%s'",
                               optarg);
      set.rotate_ns = (int64_t)(d * 1e9);
      break;
    case 'W':
      if (capkit_parse_decimal(optarg, &v) || v == 0 || v > 1000000)
        return cli_usage_error("capture", "bad file count '%s'", optarg);
      set.ring = (uint32_t)v;
      break;
    case 'F':
      if (strcmp(optarg, "pcap") && strcmp(optarg, "pcapng"))
        return cli_usage_error("capture", "bad format '%s' (pcap or pcapng)",
                               optarg);
      set.format = optarg;
      break;
    case OPT_LINKTYPE:
      if (capkit_linktype_from_name(optarg, &src.linktype))
        return cli_usage_error("capture", "unknown link type '%s'", optarg);
      break;
    case 'B':
      if (cli_parse_size(optarg, &v) || v < 65536 || v > INT32_MAX)
        return cli_usage_error("capture", "bad buffer size '%s'", optarg);
      src.buffer_size = (size_t)v;
      break;
    case 'p':
      src.promisc = 0;
      break;
    case OPT_IMMEDIATE:
      src.immediate = 1;
      break;
    case OPT_PRECISION: {
      unsigned p;
      if (capkit_parse_precision(optarg, &p))
        return cli_usage_error("capture", "bad precision '%s'", optarg);
      set.precision = (int)p;
      break;
    }
    case 'q':
      quiet = 1;
      break;
    case 'h':
      fputs(capture_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("capture", "invalid option");
    }
  }
  if (!src.iface)
    return cli_usage_error("capture", "no interface (-i)");
  if (!set.path)
    return cli_usage_error("capture", "no output file (-w)");
  if (strcmp(set.path, "-") == 0 && (set.file_size || set.rotate_ns))
    return cli_usage_error("capture",
                           "-C and -G need a file name, not standard output");
  if (set.ring && !set.file_size && !set.rotate_ns)
    return cli_usage_error("capture", "-W needs -C or -G");
  if (src.filter && optind < argc)
    return cli_usage_error("capture",
                           "give the filter with -f or as words, not both");
  src.n_words = argc - optind;
  src.words = (const char *const *)argv + optind;
  capkit_capture *cc = capkit_capture_new();
  int code = cc ? run(cc, &src, &set, quiet) : EXIT_IO;
  if (!cc)
    cli_err("capture", "out of memory");
  capkit_capture_free(cc);
  return code;
}

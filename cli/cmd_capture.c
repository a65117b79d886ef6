/* cmd_capture.c - capkit capture: record packets from an interface into
 * pcap or pcapng files, with size and time rotation (the library's
 * rotating writer, the one split uses) and a ring of files. Every file is
 * written through capkit_writer (temporary name, renamed when closed), so
 * a rotated-away or interrupted file is always complete. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
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

typedef struct cap {
  /* options */
  const char *iface, *tmpl, *format, *filter;
  uint32_t snaplen, linktype;
  uint64_t count, size_limit, bufsize;
  double duration;
  int64_t rotate_ns; /* -G in ns, 0 none */
  uint32_t ring;     /* -W, 0 none */
  int quiet, promisc, precision, immediate;
  /* state */
  capkit_live *live;
  const capkit_iface *ifc;
  capkit_rotator *rot;
  int64_t start_ns;
  char **done;        /* -W: names of completed files, oldest first */
  size_t n_done;
  uint64_t packets, bytes;
  int err;            /* exit code of a failure in the callback */
  char hw[128], os[160];
} cap;

static volatile sig_atomic_t stop_signal, n_signals;
static capkit_live *sig_live;

/* The first signal stops the capture cleanly; a second one ends the
 * process at once, even in a stuck write or close (the temporary file then
 * stays, complete up to at most its last record). */
static void on_signal(int sig) {
  stop_signal = sig;
  if (++n_signals >= 2) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  capkit_live_break(sig_live);
}

/* The name of file number n: strftime, then %N. */
static char *file_name(void *user, uint64_t n, int64_t sec) {
  const cap *c = user;
  (void)sec; /* strftime takes the local time the file is started */
  const char *t = c->tmpl;
  int rotating = c->size_limit || c->rotate_ns;
  if (!rotating)
    return strdup(t);
  uint64_t slot = c->ring ? n % c->ring : n;
  /* Turn %N into the number first (strftime would not know it), keeping
   * %% pairs as they are. */
  size_t cap_len = strlen(t) * 2 + 64;
  char *a = malloc(cap_len);
  if (!a)
    return NULL;
  size_t o = 0;
  int had_n = 0;
  for (const char *p = t; *p && o + 24 < cap_len; p++) {
    if (p[0] == '%' && p[1] == 'N') {
      o += (size_t)snprintf(a + o, cap_len - o, "%" PRIu64, slot);
      p++;
      had_n = 1;
    } else if (p[0] == '%' && p[1] == '%') {
      a[o++] = '%';
      a[o++] = '%';
      p++;
    } else {
      a[o++] = *p;
    }
  }
  a[o] = 0;
  if (!had_n) {
    /* -N before the extension (the last '.' after the last '/'). */
    const char *slash = strrchr(a, '/');
    const char *dot = strrchr(a, '.');
    if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : a))
      dot = a + strlen(a);
    char *b = malloc(cap_len);
    if (!b) {
      free(a);
      return NULL;
    }
    snprintf(b, cap_len, "%.*s-%" PRIu64 "%s", (int)(dot - a), a, slot, dot);
    free(a);
    a = b;
  }
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  size_t out_cap = strlen(a) * 4 + 256;
  char *out = malloc(out_cap);
  if (!out) {
    free(a);
    return NULL;
  }
  if (strftime(out, out_cap, a, &tm) == 0)
    out[0] = 0;
  free(a);
  if (!out[0]) {
    free(out);
    return NULL;
  }
  return out;
}

/* The settings of each new file. */
static int setup(void *user, capkit_writer *w, uint64_t file_no) {
  cap *c = user;
  (void)file_no;
  int rc = capkit_writer_set_format(w, c->format);
  if (!rc)
    rc = capkit_writer_set_linktype(w, c->ifc->linktype);
  if (!rc)
    rc = capkit_writer_set_snaplen(w, c->ifc->snaplen ? c->ifc->snaplen
                                                      : c->snaplen);
  if (!rc)
    rc = capkit_writer_set_precision(w, (unsigned)c->precision);
  if (!rc)
    rc = capkit_writer_set_section_info(w, c->hw[0] ? c->hw : NULL,
                                        c->os[0] ? c->os : NULL, NULL);
  return rc;
}

/* pcapng: the counters so far, at the end of each file. */
static int write_stats(void *user, capkit_writer *w) {
  cap *c = user;
  capkit_live_stats st;
  if (capkit_live_stats_get(c->live, &st) != 0)
    return 0;
  capkit_iface_stats is;
  memset(&is, 0, sizeof is);
  int64_t t = cli_clock_ns(CLOCK_REALTIME);
  is.ts_sec = t / 1000000000;
  is.ts_nsec = (uint32_t)(t % 1000000000);
  is.present = CAPKIT_STAT_IFRECV | CAPKIT_STAT_IFDROP | CAPKIT_STAT_OSDROP |
               CAPKIT_STAT_USRDELIV;
  is.ifrecv = st.received;
  is.ifdrop = st.ifdropped;
  is.osdrop = st.dropped;
  is.usrdeliv = c->packets;
  return capkit_writer_write_stats(w, c->ifc, 0, &is);
}

/* -W: remember a completed file; remove the oldest beyond the ring. */
static void ring_add(void *user, const char *name, uint64_t file_no) {
  cap *c = user;
  (void)file_no;
  if (!c->ring)
    return;
  for (size_t i = 0; i < c->n_done; i++)
    if (strcmp(c->done[i], name) == 0) { /* replaced by the rename */
      free(c->done[i]);
      memmove(c->done + i, c->done + i + 1,
              (c->n_done - i - 1) * sizeof *c->done);
      c->n_done--;
      break;
    }
  char *n = strdup(name);
  if (!n)
    return;
  c->done[c->n_done++] = n;
  while (c->n_done > c->ring) {
    if (unlink(c->done[0]) != 0 && errno != ENOENT)
      cli_err("capture", "cannot remove %s: %s", c->done[0], strerror(errno));
    free(c->done[0]);
    memmove(c->done, c->done + 1, (c->n_done - 1) * sizeof *c->done);
    c->n_done--;
  }
}

/* Say what failed in the rotating writer; returns the exit code. */
/* Wait up to ms for packets: 1 ready, 0 not (time out, or a stop signal
 * arrived: see stop_signal), -1 error (errno). The stop signals are
 * blocked from the check of stop_signal until the wait has begun (ppoll
 * unblocks them atomically), so one that comes in between ends the wait
 * at once instead of being noticed only after it. */
static int wait_packets(capkit_live *l, int ms) {
  int fd = capkit_live_fd(l);
  if (fd < 0)
    return 1; /* capkit_live_dispatch waits itself */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &old);
  int r = 0;
  if (!stop_signal) {
    struct pollfd pfd = {fd, POLLIN, 0};
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    r = ppoll(&pfd, 1, &ts, &old);
    if (r < 0 && errno == EINTR)
      r = 0;
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return r < 0 ? -1 : r > 0;
}

static int rot_fail(cap *c, int rc) {
  cli_err("capture", "%s", capkit_rotator_error(c->rot));
  return cli_exit_for(rc);
}

static void on_packet(void *user, const capkit_record *rec) {
  cap *c = user;
  if (c->err || (c->count && c->packets >= c->count))
    return;
  int rc = capkit_rotator_write(c->rot, rec);
  if (rc < 0) {
    c->err = rot_fail(c, rc);
    capkit_live_break(c->live);
    return;
  }
  c->packets++;
  c->bytes += rec->caplen;
  if (c->count && c->packets >= c->count)
    capkit_live_break(c->live);
}

static void show_counter(cap *c, int final) {
  capkit_live_stats st;
  memset(&st, 0, sizeof st);
  (void)capkit_live_stats_get(c->live, &st);
  fprintf(stderr, "\r%" PRIu64 " packet%s, %" PRIu64 " byte%s, %" PRIu64
          " dropped   %s",
          c->packets, cli_s(c->packets), c->bytes, cli_s(c->bytes),
          st.dropped + st.ifdropped, final ? "\n" : "");
  fflush(stderr);
}

/* -C SIZE: a plain number is millions of bytes (tcpdump); "B" bytes. */
static int parse_file_size(const char *s, uint64_t *out) {
  size_t n = strlen(s);
  if (n > 1 && s[n - 1] == 'B' && s[n - 2] >= '0' && s[n - 2] <= '9') {
    char tmp[32];
    if (n >= sizeof tmp)
      return -1;
    memcpy(tmp, s, n - 1);
    tmp[n - 1] = 0;
    return cli_parse_u64(tmp, out);
  }
  uint64_t v;
  if (cli_parse_u64(s, &v) == 0) {
    if (v > UINT64_MAX / 1000000)
      return -1;
    *out = v * 1000000;
    return 0;
  }
  return cli_parse_size(s, out);
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Filter words joined with spaces (tcpdump style); NULL if none. */
static char *join_words(int n, char **words) {
  size_t len = 1;
  for (int i = 0; i < n; i++)
    len += strlen(words[i]) + 1;
  char *s = malloc(len);
  if (!s)
    return NULL;
  s[0] = 0;
  for (int i = 0; i < n; i++) {
    if (i)
      strcat(s, " ");
    strcat(s, words[i]);
  }
  return s;
}

static int run(cap *c) {
  int rc;
  capkit_live *l = c->live = capkit_live_new();
  if (!l) {
    cli_err("capture", "out of memory");
    return EXIT_IO;
  }
  capkit_live_set_snaplen(l, c->snaplen);
  capkit_live_set_buffer_size(l, (size_t)c->bufsize);
  capkit_live_set_promisc(l, c->promisc);
  capkit_live_set_immediate(l, c->immediate);
  capkit_live_set_timeout(l, 100);
  uint32_t lt = c->linktype;
  if (!lt && strcmp(c->iface, "any") == 0)
    lt = CAPKIT_LINKTYPE_LINUX_SLL;
  if (lt)
    capkit_live_set_linktype(l, lt);
  if ((rc = capkit_live_open(l, c->iface)) < 0) {
    cli_err("capture", "%s", capkit_live_error(l));
    return rc == CAPKIT_ENOTFOUND || rc == CAPKIT_ELINKTYPE
               ? EXIT_USAGE
               : cli_exit_for(rc);
  }
  if (c->filter && (rc = capkit_live_set_filter(l, c->filter)) < 0) {
    cli_err("capture", "%s", capkit_live_error(l));
    return EXIT_USAGE;
  }
  c->ifc = capkit_live_iface(l);
  if (c->precision == 0)
    c->precision = c->ifc->tsresol == 9 ? 9 : 6;
  struct utsname u;
  if (uname(&u) == 0) {
    snprintf(c->hw, sizeof c->hw, "%s", u.machine);
    snprintf(c->os, sizeof c->os, "%s %s", u.sysname, u.release);
  }
  capkit_rotator *o = c->rot = capkit_rotator_new();
  if (!o) {
    cli_err("capture", "out of memory");
    return EXIT_IO;
  }
  /* -C and -G together: whichever comes first. */
  if (c->rotate_ns)
    capkit_rotator_set_limit(o, CAPKIT_ROTATE_TIME, (uint64_t)c->rotate_ns);
  if (c->size_limit)
    capkit_rotator_set_limit(o, CAPKIT_ROTATE_BYTES, c->size_limit);
  if (strcmp(c->format, "pcapng") == 0) {
    /* an enhanced packet block, and room for the statistics block that
     * ends the file (76 bytes with its four counters) */
    capkit_rotator_set_overhead(o, 32, 4);
    capkit_rotator_set_reserve(o, 76);
  }
  capkit_rotator_set_name_fn(o, file_name, c);
  capkit_rotator_set_callbacks(o, setup, write_stats, ring_add, c);
  if (c->ring && !(c->done = calloc(c->ring + 2, sizeof *c->done))) {
    cli_err("capture", "out of memory");
    return EXIT_IO;
  }

  /* Signals stop the loop; the current file is then closed properly. */
  sig_live = l;
  cli_catch_stop_signals(on_signal, 1);

  c->start_ns = cli_clock_ns(CLOCK_REALTIME);
  capkit_rotator_set_origin(o, c->start_ns / 1000000000,
                            (uint32_t)(c->start_ns % 1000000000));
  int code = 0;
  rc = capkit_rotator_tick(o, c->start_ns / 1000000000,
                           (uint32_t)(c->start_ns % 1000000000));
  if (rc < 0)
    code = rot_fail(c, rc);
  int64_t mono0 = cli_clock_ns(CLOCK_MONOTONIC);
  int64_t stop_at = c->duration > 0 ? mono0 + (int64_t)(c->duration * 1e9)
                                    : INT64_MAX;
  int counter = !c->quiet && isatty(2);
  if (!code && !c->quiet) {
    const char *ln = capkit_linktype_name(c->ifc->linktype);
    const char *ld = capkit_linktype_description(c->ifc->linktype);
    fprintf(stderr,
            "capkit capture: listening on %s, link-type %s (%s), snapshot "
            "length %" PRIu32 " bytes, writing %s\n",
            c->iface, ln ? ln : "?", ld ? ld : "?", c->ifc->snaplen,
            capkit_rotator_path(o));
    fflush(stderr);
  }
  int64_t next_show = mono0;
  while (!code && !c->err && !(c->count && c->packets >= c->count)) {
    int ready = wait_packets(l, 100);
    if (ready < 0) {
      cli_err("capture", "%s: %s", c->iface, strerror(errno));
      code = EXIT_IO;
      break;
    }
    if (stop_signal)
      break;
    if (ready > 0 && capkit_live_dispatch(l, -1, on_packet, c) < 0) {
      cli_err("capture", "%s", capkit_live_error(l));
      code = EXIT_IO;
      break;
    }
    if (c->err)
      break;
    /* One write per batch: what was received is in the file. */
    if (capkit_writer_flush(capkit_rotator_writer(o)) < 0) {
      cli_err("capture", "%s", capkit_writer_error(capkit_rotator_writer(o)));
      code = EXIT_IO;
      break;
    }
    int64_t mono = cli_clock_ns(CLOCK_MONOTONIC);
    if (mono >= stop_at)
      break;
    /* Idle intervals end too (judged by the clock when no packet came). */
    int64_t t = cli_clock_ns(CLOCK_REALTIME);
    if (c->rotate_ns &&
        (rc = capkit_rotator_tick(o, t / 1000000000,
                                  (uint32_t)(t % 1000000000))) < 0)
      code = rot_fail(c, rc);
    if (counter && mono >= next_show) {
      show_counter(c, 0);
      next_show = mono + 250000000;
    }
  }
  /* Stopped by a signal or --duration: the kernel hands over a block of
   * the ring when it is full or the timeout has passed, so the packets it
   * had received at the stop are fetched before closing (a second of
   * waiting at most). */
  capkit_live_stats st0;
  if (!code && !c->err && !(c->count && c->packets >= c->count) &&
      capkit_live_stats_get(l, &st0) == 0) {
    uint64_t want = st0.received; /* what the kernel had at the stop */
    int64_t until = cli_clock_ns(CLOCK_MONOTONIC) + 1000000000;
    while (st0.delivered < want && !c->err &&
           !(c->count && c->packets >= c->count) &&
           cli_clock_ns(CLOCK_MONOTONIC) < until) {
      if (capkit_live_dispatch(l, -1, on_packet, c) < 0 ||
          capkit_live_stats_get(l, &st0) != 0)
        break;
    }
    if (capkit_writer_flush(capkit_rotator_writer(o)) < 0) {
      cli_err("capture", "%s", capkit_writer_error(capkit_rotator_writer(o)));
      code = EXIT_IO;
    }
  }
  if (!code)
    code = c->err;
  if (counter)
    show_counter(c, 1);
  int cc = c->err ? 0 : capkit_rotator_close(o);
  if (cc < 0 && !code)
    code = rot_fail(c, cc);
  capkit_live_stats st;
  if (!c->quiet && capkit_live_stats_get(l, &st) == 0) {
    fprintf(stderr,
            "%" PRIu64 " packet%s captured\n"
            "%" PRIu64 " packet%s received by filter\n"
            "%" PRIu64 " packet%s dropped by kernel\n"
            "%" PRIu64 " packet%s dropped by interface\n",
            c->packets, cli_s(c->packets), st.received, cli_s(st.received),
            st.dropped, cli_s(st.dropped), st.ifdropped,
            cli_s(st.ifdropped));
    if (capkit_rotator_files(o) > 1)
      fprintf(stderr, "%" PRIu64 " files written\n", capkit_rotator_files(o));
  }
  sig_live = NULL;
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
  cap c;
  memset(&c, 0, sizeof c);
  c.snaplen = 262144;
  c.bufsize = (uint64_t)32 << 20;
  c.promisc = 1;
  uint64_t v;
  double d;
  int ch;
  /* "+": options first, then the filter words (which may start with '-'
   * only after "--"). */
  while ((ch = getopt_long(argc, argv, "+i:w:f:s:c:C:G:W:F:B:pqh", opts,
                           NULL)) != -1) {
    switch (ch) {
    case 'i':
      c.iface = optarg;
      break;
    case 'w':
      c.tmpl = optarg;
      break;
    case 'f':
      c.filter = optarg;
      break;
    case 's':
      if (cli_parse_u64(optarg, &v) || v == 0 || v > 262144)
        return cli_usage_error("capture", "bad snaplen '%s' (1..262144)",
                               optarg);
      c.snaplen = (uint32_t)v;
      break;
    case 'c':
      if (cli_parse_u64(optarg, &v) || v == 0)
        return cli_usage_error("capture", "bad count '%s'", optarg);
      c.count = v;
      break;
    case OPT_DURATION:
      if (cli_parse_positive(optarg, 1e9, &d))
        return cli_usage_error("capture", "bad duration '%s'", optarg);
      c.duration = d;
      break;
    case 'C':
      if (parse_file_size(optarg, &v))
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
      c.size_limit = v;
      break;
    case 'G':
      if (cli_parse_positive(optarg, 1e9, &d))
        return cli_usage_error("capture", "bad rotation interval '%s'",
                               optarg);
      c.rotate_ns = (int64_t)(d * 1e9);
      break;
    case 'W':
      if (cli_parse_u64(optarg, &v) || v == 0 || v > 1000000)
        return cli_usage_error("capture", "bad file count '%s'", optarg);
      c.ring = (uint32_t)v;
      break;
    case 'F':
      if (strcmp(optarg, "pcap") && strcmp(optarg, "pcapng"))
        return cli_usage_error("capture", "bad format '%s' (pcap or pcapng)",
                               optarg);
      c.format = optarg;
      break;
    case OPT_LINKTYPE:
      if (capkit_linktype_from_name(optarg, &c.linktype))
        return cli_usage_error("capture", "unknown link type '%s'", optarg);
      break;
    case 'B':
      if (cli_parse_size(optarg, &v) || v < 65536 || v > INT32_MAX)
        return cli_usage_error("capture", "bad buffer size '%s'", optarg);
      c.bufsize = v;
      break;
    case 'p':
      c.promisc = 0;
      break;
    case OPT_IMMEDIATE:
      c.immediate = 1;
      break;
    case OPT_PRECISION: {
      unsigned p;
      if (cli_parse_precision(optarg, &p))
        return cli_usage_error("capture", "bad precision '%s'", optarg);
      c.precision = (int)p;
      break;
    }
    case 'q':
      c.quiet = 1;
      break;
    case 'h':
      fputs(capture_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("capture", "invalid option");
    }
  }
  if (!c.iface)
    return cli_usage_error("capture", "no interface (-i)");
  if (!c.tmpl)
    return cli_usage_error("capture", "no output file (-w)");
  if (strcmp(c.tmpl, "-") == 0 && (c.size_limit || c.rotate_ns))
    return cli_usage_error("capture",
                           "-C and -G need a file name, not standard output");
  if (c.ring && !c.size_limit && !c.rotate_ns)
    return cli_usage_error("capture", "-W needs -C or -G");
  if (c.filter && optind < argc)
    return cli_usage_error("capture",
                           "give the filter with -f or as words, not both");
  char *joined = NULL;
  if (optind < argc) {
    joined = join_words(argc - optind, argv + optind);
    if (!joined) {
      cli_err("capture", "out of memory");
      return EXIT_IO;
    }
    c.filter = joined;
  }
  if (!c.format)
    c.format = ends_with(c.tmpl, ".pcapng") ? "pcapng" : "pcap";
  int code = run(&c);
  capkit_rotator_free(c.rot);
  capkit_live_free(c.live);
  for (size_t i = 0; i < c.n_done; i++)
    free(c.done[i]);
  free(c.done);
  free(joined);
  return code;
}

/* cmd_replay.c - capkit replay: send the packets of capture files out of an
 * interface, with their original timing (scaled), at a fixed packet or bit
 * rate, or as fast as the interface takes them. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char replay_usage[] =
    "usage: capkit replay -i IFACE [options] FILE...\n\n"
    "Send the packets of pcap or pcapng files out of a network interface,\n"
    "in order. Needs root or the CAP_NET_RAW capability.\n\n"
    "  -i, --interface IFACE  interface to send on\n"
    "  -x, --speed X          original timing, X times faster (0.5: half\n"
    "                         speed); the default is X = 1\n"
    "  -p, --pps N            N packets per second, evenly spaced\n"
    "  -M, --mbps N           N megabits per second of frame bytes\n"
    "  -t, --topspeed         as fast as the interface takes them\n"
    "  -l, --loop N           send the files N times (0: until interrupted)\n"
    "  -R, --realtime         send at real-time priority (SCHED_FIFO): exact\n"
    "                         timing on a busy machine (root or\n"
    "                         CAP_SYS_NICE)\n"
    "  -L, --limit N          stop after N packets (all loops together)\n"
    "      --duration D       stop after D of sending (10s, 1.5m, 250ms)\n"
    "  -q, --quiet            no summary\n"
    "  -h, --help             this help\n\n"
    "Packets can be rewritten on the fly with the rewrite command's options\n"
    "(see capkit rewrite --help): --enet-smac, --enet-dmac, --pnat,\n"
    "--srcipmap, --dstipmap, --portmap, --enet-vlan, --ttl, --mtu-trunc,\n"
    "--seed, --fixcsum ...\n\n"
    "Timing: each packet is due at a deadline computed from the start (the\n"
    "file's time stamps, the packet rate or the bit rate), so delays do not\n"
    "add up. The sender sleeps until shortly before a deadline, then waits\n"
    "the last microseconds actively. Several files (and loops) follow each\n"
    "other without a gap. On an idle machine frames leave within tens of\n"
    "microseconds of their deadline; when other processes keep the CPUs\n"
    "busy the scheduler can delay single frames by milliseconds (the\n"
    "schedule does not drift), which --realtime avoids.\n\n"
    "The frames must be of the interface's link type (an Ethernet capture\n"
    "on an Ethernet interface, ...): other files are refused before\n"
    "anything is sent. Frames the interface rejects (too large, ...) are\n"
    "counted as failures; the others are still sent. A summary (packets,\n"
    "bytes, achieved rate, failures) goes to standard error.\n\n"
    "Exit status: 0 ok, 1 damaged input or frames that could not be sent,\n"
    "2 usage (including a link type the interface cannot carry), 3 I/O or\n"
    "system error (including missing privileges).\n";

typedef struct rp {
  capkit_live *tx;
  const capkit_iface *ifc;
  int mode;
  double speed, pps, mbps;
  capkit_pacer *pace;
  uint64_t sent, bytes, failed, truncated;
  uint64_t limit;      /* -L: packets to send at most, 0 no limit */
  int64_t duration;    /* --duration in ns, 0 none */
  int done;            /* the limit or the duration was reached */
  char lasterr[512];
  capkit_rewriter *rw; /* rewriting options, or NULL */
} rp;

static volatile sig_atomic_t stop_signal;
static capkit_pacer *sig_pace;
static void on_signal(int sig) {
  stop_signal = sig;
  capkit_pacer_interrupt(sig_pace);
}

static int linktype_ok(const rp *r, const char *path, uint32_t lt) {
  if (lt == r->ifc->linktype)
    return 1;
  const char *a = capkit_linktype_name(lt);
  const char *b = capkit_linktype_name(r->ifc->linktype);
  cli_err("replay",
          "%s: link type %s (%" PRIu32 ") cannot be sent on %s, which "
          "carries %s (%" PRIu32 ") frames",
          path, a ? a : "?", lt, r->ifc->name, b ? b : "?", r->ifc->linktype);
  return 0;
}

/* Before sending anything: every file opens and has the right link type
 * (the interfaces a pcapng file describes before its first packet; later
 * ones are checked as they come). */
static int check_files(rp *r, int n, char **paths) {
  for (int i = 0; i < n; i++) {
    int code;
    capkit_reader *rd = cli_open_reader("replay", paths[i], &code);
    if (!rd)
      return code;
    const capkit_file_info *in = capkit_reader_info(rd);
    size_t ni = capkit_reader_iface_count(rd);
    int ok = 1;
    if (strcmp(in->format, "pcapng") != 0)
      ok = linktype_ok(r, paths[i], in->linktype);
    /* pcapng: the interfaces are read with the first record. */
    capkit_record rec = CAPKIT_RECORD_INIT;
    if (ok && ni == 0 && capkit_reader_next(rd, &rec) > 0)
      ni = capkit_reader_iface_count(rd);
    for (size_t k = 0; ok && k < ni; k++)
      ok = linktype_ok(r, paths[i], capkit_reader_iface(rd, k)->linktype);
    capkit_reader_free(rd);
    if (!ok)
      return EXIT_USAGE;
  }
  return 0;
}

static int send_file(rp *r, const char *path) {
  int code;
  capkit_reader *rd = cli_open_reader("replay", path, &code);
  if (!rd)
    return code;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  const capkit_iface *checked = NULL;
  code = 0;
  while (!stop_signal && (rc = capkit_reader_next(rd, &rec)) > 0) {
    if (rec.iface && rec.iface != checked) {
      if (!linktype_ok(r, path, rec.iface->linktype)) {
        code = EXIT_USAGE;
        break;
      }
      checked = rec.iface;
    }
    int go = capkit_pacer_wait(r->pace, &rec);
    if (go != 1) {
      r->done = go == 0;
      break;
    }
    const capkit_record *send = &rec;
    capkit_record edited = CAPKIT_RECORD_INIT;
    if (r->rw) {
      int k = capkit_rewriter_apply(r->rw, &rec, &edited);
      if (k < 0) {
        cli_err("replay", "%s, record %" PRIu64 ": %s", path, rec.number,
                capkit_strerror(k));
        code = cli_exit_for(k);
        break;
      }
      send = &edited;
    }
    if (capkit_live_inject(r->tx, send->data, send->caplen) == 0) {
      r->sent++;
      r->bytes += send->caplen;
      r->truncated += send->caplen < send->origlen;
    } else {
      if (r->failed == 0)
        snprintf(r->lasterr, sizeof r->lasterr, "%s, record %" PRIu64 ": %s",
                 path, rec.number, capkit_live_error(r->tx));
      r->failed++;
    }
    capkit_pacer_sent(r->pace, send->caplen);
  }
  if (!code && rc < 0 && !stop_signal) {
    cli_err("replay", "%s", capkit_reader_error(rd));
    code = cli_exit_for(rc);
  }
  /* The next file (or loop) starts where this one ended. */
  capkit_pacer_next_file(r->pace);
  capkit_reader_free(rd);
  return code;
}

/* Everything after the options: checks, then the sending loop. */
static int replay_files(rp *r, const char *iface, int modes, int quiet,
                        int realtime, uint64_t loops, int argc, char **argv) {
  if (!iface)
    return cli_usage_error("replay", "no interface (-i)");
  if (optind >= argc)
    return cli_usage_error("replay", "no capture file");
  if (modes > 1)
    return cli_usage_error("replay",
                           "choose one of --pps, --mbps and --topspeed");
  if (modes && r->speed != 1)
    return cli_usage_error("replay", "--speed scales the original timing; "
                                     "it does not combine with --pps, "
                                     "--mbps or --topspeed");
  for (int i = optind; i < argc; i++)
    if (strcmp(argv[i], "-") == 0 && (loops != 1 || argc - optind > 1))
      return cli_usage_error("replay", "standard input can be sent only "
                                       "once, alone");
  r->tx = capkit_live_new();
  if (!r->tx) {
    cli_err("replay", "out of memory");
    return EXIT_IO;
  }
  int rc = capkit_live_open_inject(r->tx, iface);
  if (rc < 0) {
    cli_err("replay", "%s", capkit_live_error(r->tx));
    capkit_live_free(r->tx);
    return rc == CAPKIT_ENOTFOUND ? EXIT_USAGE : cli_exit_for(rc);
  }
  r->ifc = capkit_live_iface(r->tx);
  int code = 0;
  /* Standard input cannot be read twice: it is checked as it is sent. */
  if (!(argc - optind == 1 && strcmp(argv[optind], "-") == 0))
    code = check_files(r, argc - optind, argv + optind);
  if (code) {
    capkit_live_free(r->tx);
    return code;
  }
  if (realtime) {
    struct sched_param sp;
    memset(&sp, 0, sizeof sp);
    sp.sched_priority = 10;
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
      cli_err("replay",
              "--realtime: cannot use SCHED_FIFO (%s); timing may "
              "suffer on a busy machine",
              strerror(errno));
  }
  double rate[] = {r->speed, r->pps, r->mbps, 0};
  sig_pace = r->pace = capkit_pacer_new(r->mode, rate[r->mode]);
  if (!r->pace || capkit_pacer_set_limits(r->pace, r->limit, r->duration)) {
    cli_err("replay", "out of memory");
    capkit_live_free(r->tx);
    return EXIT_IO;
  }
  cli_catch_stop_signals(on_signal, 0);
  for (uint64_t l = 0;
       !code && !stop_signal && !r->done && (loops == 0 || l < loops); l++)
    for (int i = optind; !code && !stop_signal && !r->done && i < argc; i++)
      code = send_file(r, argv[i]);
  double secs = (double)capkit_pacer_elapsed(r->pace) / 1e9;
  if (!quiet) {
    fprintf(stderr,
            "sent %" PRIu64 " packet%s (%" PRIu64 " byte%s) in %.3f s: "
            "%.0f pps, %.2f Mbps; %" PRIu64 " failed\n",
            r->sent, cli_s(r->sent), r->bytes, cli_s(r->bytes), secs,
            secs > 0 ? (double)r->sent / secs : 0.0,
            secs > 0 ? (double)r->bytes * 8 / secs / 1e6 : 0.0, r->failed);
    /* tcpreplay's closing statistics, for the eyes used to them */
    fprintf(stderr,
            "Statistics for network device: %s\n"
            "\tSuccessful packets:        %" PRIu64 "\n"
            "\tFailed packets:            %" PRIu64 "\n"
            "\tTruncated packets:         %" PRIu64 "\n",
            iface, r->sent, r->failed, r->truncated);
  }
  if (r->failed) {
    cli_err("replay", "first failure: %s", r->lasterr);
    if (!code)
      code = EXIT_DATA;
  }
  if (!quiet)
    cli_rewrite_summary("replay", r->rw);
  capkit_live_free(r->tx);
  sig_pace = NULL;
  capkit_pacer_free(r->pace);
  return code;
}

int cmd_replay(int argc, char **argv) {
  static const struct option opts[] = {
      {"interface", required_argument, NULL, 'i'},
      {"speed", required_argument, NULL, 'x'},
      {"multiplier", required_argument, NULL, 'x'},
      {"pps", required_argument, NULL, 'p'},
      {"mbps", required_argument, NULL, 'M'},
      {"topspeed", no_argument, NULL, 't'},
      {"loop", required_argument, NULL, 'l'},
      {"realtime", no_argument, NULL, 'R'},
      {"quiet", no_argument, NULL, 'q'},
      {"limit", required_argument, NULL, 'L'},
      {"duration", required_argument, NULL, 1001},
      {"help", no_argument, NULL, 'h'},
      CLI_REWRITE_LONGOPTS{NULL, 0, NULL, 0}};
  rp r;
  memset(&r, 0, sizeof r);
  r.speed = 1;
  const char *iface = NULL;
  int modes = 0, quiet = 0, realtime = 0, c;
  uint64_t loops = 1;
  while ((c = getopt_long(argc, argv, "i:x:p:M:tl:L:Rqh" CLI_REWRITE_SHORT, opts,
                          NULL)) != -1) {
    switch (c) {
    case 'i':
      iface = optarg;
      break;
    case 'x':
      if (cli_parse_positive(optarg, 1e12, &r.speed))
        return cli_usage_error("replay", "bad speed '%s'", optarg);
      break;
    case 'p':
      if (cli_parse_positive(optarg, 1e12, &r.pps))
        return cli_usage_error("replay", "bad packet rate '%s'", optarg);
      r.mode = CAPKIT_PACE_PPS;
      modes++;
      break;
    case 'M':
      if (cli_parse_positive(optarg, 1e12, &r.mbps))
        return cli_usage_error("replay", "bad bit rate '%s'", optarg);
      r.mode = CAPKIT_PACE_MBPS;
      modes++;
      break;
    case 't':
      r.mode = CAPKIT_PACE_TOP;
      modes++;
      break;
    case 'l':
      if (cli_parse_u64(optarg, &loops))
        return cli_usage_error("replay", "bad loop count '%s'", optarg);
      break;
    case 'R':
      realtime = 1;
      break;
    case 'L':
      if (cli_parse_u64(optarg, &r.limit) || r.limit == 0)
        return cli_usage_error("replay", "bad packet limit '%s'", optarg);
      break;
    case 1001:
      if (cli_parse_duration(optarg, &r.duration) || r.duration <= 0)
        return cli_usage_error("replay", "bad duration '%s'", optarg);
      break;
    case 'q':
      quiet = 1;
      break;
    case 'h':
      fputs(replay_usage, stdout);
      fputs(cli_rewrite_help, stdout);
      capkit_rewriter_free(r.rw);
      return EXIT_OK;
    default: {
      int k = cli_rewrite_opt("replay", &r.rw, c, optarg);
      if (k <= 0) {
        capkit_rewriter_free(r.rw);
        return k < 0 ? EXIT_USAGE : cli_usage_error("replay", "invalid option");
      }
    }
    }
  }
  int code = replay_files(&r, iface, modes, quiet, realtime, loops, argc, argv);
  capkit_rewriter_free(r.rw);
  return code;
}

/* cmd_replay.c - capkit replay: send the packets of capture files out of an
 * interface, with their original timing (scaled), at a fixed packet or bit
 * rate, or as fast as the interface takes them. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  capkit_replay_settings set;
  capkit_rewriter *rw; /* rewriting options, or NULL */
  double speed;        /* -x, checked against the other modes */
} rp;

static capkit_replay *sig_rp;
static void on_signal(int sig) {
  (void)sig;
  capkit_replay_stop(sig_rp);
}

/* The real-time priority that could not be had. */
static void on_msg(void *user, const char *msg) {
  (void)user;
  cli_err("replay", "--realtime: %s", msg);
}

static void summary(const capkit_replay *p, const char *iface) {
  capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
  capkit_replay_stats_get(p, &st);
  double secs = (double)st.elapsed_ns / 1e9;
  fprintf(stderr,
          "sent %" PRIu64 " packet%s (%" PRIu64 " byte%s) in %.3f s: "
          "%.0f pps, %.2f Mbps; %" PRIu64 " failed\n",
          st.sent, cli_s(st.sent), st.bytes, cli_s(st.bytes), secs,
          secs > 0 ? (double)st.sent / secs : 0.0,
          secs > 0 ? (double)st.bytes * 8 / secs / 1e6 : 0.0, st.failed);
  /* tcpreplay's closing statistics, for the eyes used to them */
  fprintf(stderr,
          "Statistics for network device: %s\n"
          "\tSuccessful packets:        %" PRIu64 "\n"
          "\tFailed packets:            %" PRIu64 "\n"
          "\tTruncated packets:         %" PRIu64 "\n",
          iface, st.sent, st.failed, st.truncated);
}

/* Everything after the options: checks, then the replay. */
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
  r->set.rewriter = r->rw;
  capkit_replay *p = sig_rp = capkit_replay_new_iface(iface, &r->set);
  if (!p) {
    cli_err("replay", "out of memory");
    return EXIT_IO;
  }
  capkit_replay_set_msg_fn(p, on_msg, NULL);
  cli_catch_stop_signals(on_signal, 0);
  int code = 0, rc;
  if ((rc = capkit_replay_files(p, argc - optind,
                                (const char *const *)argv + optind, loops,
                                realtime ? CAPKIT_REPLAY_REALTIME : 0)) < 0) {
    cli_err("replay", "%s", capkit_replay_error(p));
    code = cli_exit_for(rc);
  }
  if (capkit_replay_started(p)) {
    capkit_replay_stats st = CAPKIT_REPLAY_STATS_INIT;
    capkit_replay_stats_get(p, &st);
    if (!quiet)
      summary(p, iface);
    if (st.failed) {
      cli_err("replay", "first failure: %s", capkit_replay_first_failure(p));
      if (!code)
        code = EXIT_DATA;
    }
    if (!quiet)
      cli_rewrite_summary("replay", r->rw);
  }
  sig_rp = NULL;
  capkit_replay_free(p);
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
  r.set = (capkit_replay_settings)CAPKIT_REPLAY_SETTINGS_INIT;
  double rate = 0;
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
      if (cli_parse_positive(optarg, 1e12, &rate))
        return cli_usage_error("replay", "bad packet rate '%s'", optarg);
      r.set.mode = CAPKIT_PACE_PPS;
      modes++;
      break;
    case 'M':
      if (cli_parse_positive(optarg, 1e12, &rate))
        return cli_usage_error("replay", "bad bit rate '%s'", optarg);
      r.set.mode = CAPKIT_PACE_MBPS;
      modes++;
      break;
    case 't':
      r.set.mode = CAPKIT_PACE_TOP;
      modes++;
      break;
    case 'l':
      if (capkit_parse_decimal(optarg, &loops))
        return cli_usage_error("replay", "bad loop count '%s'", optarg);
      break;
    case 'R':
      realtime = 1;
      break;
    case 'L':
      if (capkit_parse_decimal(optarg, &r.set.limit) || r.set.limit == 0)
        return cli_usage_error("replay", "bad packet limit '%s'", optarg);
      break;
    case 1001:
      if (cli_parse_duration(optarg, &r.set.duration_ns) ||
          r.set.duration_ns <= 0)
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
  r.set.rate = r.set.mode == CAPKIT_PACE_TIMED ? r.speed : rate;
  int code = replay_files(&r, iface, modes, quiet, realtime, loops, argc, argv);
  capkit_rewriter_free(r.rw);
  return code;
}

/* cmd_gen.c - capkit gen: write packets built from layered specs, one or
 * several streams interleaved by time, to any output format. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char gen_usage[] =
    "usage: capkit gen [options] -o OUT SPEC...\n"
    "       capkit gen [options] -o OUT -f SPECFILE\n\n"
    "Write packets built from a layered spec (like scapy's Ether()/IP()/UDP()).\n"
    "Lengths, checksums and next-protocol fields are computed unless the spec\n"
    "sets them, so exactly-wrong packets are easy too. Each SPEC is a stream;\n"
    "several streams are interleaved by time.\n\n"
    "  SPEC     layer(field=value,...)/layer(...)/...\n"
    "           layers: eth vlan qinq sll sll2 arp ipv4 ipv6 hbh rthdr frag6\n"
    "           dstopts icmp icmpv6 udp tcp payload tcp-session\n"
    "           values: 5  0x1f  10.0.0.1  2001:db8::1  02:00:00:00:00:01\n"
    "                   V+ (increment) V+STEP@COUNT (step, wrap after COUNT)\n"
    "                   A-B (range, in turn)  {a,b,c} (list, in turn)\n"
    "                   rand  rand(A-B) (seeded random)\n"
    "           payload(len=N, fill=B | hex=.. | text=\"..\" | pattern=.. |\n"
    "                   file=PATH | rand)\n"
    "           'capkit gen --help-spec' describes every layer and field.\n\n"
    "  -o, --output FILE      output file ('-' for standard output); written\n"
    "                         under a temporary name, nothing on error\n"
    "  -c, --count N          rounds per stream: packets, or conversations for\n"
    "                         tcp-session (default 1; 10k, 1M accepted)\n"
    "  -f, --spec-file FILE   streams, one per line: [count=N] [rate=R]\n"
    "                         [interval=D] [start=T] [jitter=D] SPEC;\n"
    "                         '#' starts a comment line. At most 16 MiB,\n"
    "                         lines of at most 1 MiB, 100000 streams\n"
    "  -r, --rate R           packets per second (10k, 2.5M) (default 1000)\n"
    "  -i, --interval D       time between packets: 1ms, 20us, 100ns, 0.5s,\n"
    "                         2m, 1h (exact to the nanosecond)\n"
    "      --start T          first timestamp: RFC 3339\n"
    "                         (2024-05-01T12:00:00.25Z, ...+02:00) or epoch\n"
    "                         seconds (1714564800.25); default 0 (the epoch)\n"
    "      --jitter D         add a random 0..D to each timestamp\n"
    "      --seed N           seed of rand values and random payloads\n"
    "                         (default 1): the same seed, the same output\n"
    "  -F, --format FMT       pcap (default) or pcapng; pcapng takes streams\n"
    "                         of several link types (an interface each)\n"
    "  -b, --byte-order ORDER little, big or native\n"
    "  -p, --precision P      us or ns (default: us, ns when the start or\n"
    "                         interval has a finer part)\n"
    "  -s, --snaplen N        snaplen; longer packets are cut\n"
    "  -l, --linktype TYPE    link type instead of the one the first layer\n"
    "                         implies (eth EN10MB, sll LINUX_SLL, sll2\n"
    "                         LINUX_SLL2, ipv4/ipv6 RAW)\n"
    "      --help-spec        the whole spec language with examples\n"
    "  -h, --help             this help\n\n"
    "Examples:\n"
    "  capkit gen -c 1000 --rate 10k -o out.pcap \\\n"
    "    'eth(dst=ff:ff:ff:ff:ff:ff)/ipv4(src=10.0.0.1+,dst=10.0.0.2)/"
    "udp(dport=53)/payload(len=64,fill=0xaa)'\n"
    "  capkit gen -o bad.pcap 'eth()/ipv4(chksum=0x1234)/udp()'\n"
    "  capkit gen -o s.pcap 'eth()/ipv4()/tcp-session(dport=80,"
    "req=\"GET / HTTP/1.0\\r\\n\\r\\n\",resplen=3000)'\n\n"
    "Errors in a spec name the column and what was expected there.\n"
    "Exit status: 0 ok, 2 usage or spec error (nothing written), 3 I/O error.\n";

static const char gen_spec_help[] =
    "capkit gen spec language\n"
    "========================\n\n"
    "SPEC   := LAYER ( '/' LAYER )*\n"
    "LAYER  := NAME [ '(' [ PARAM ( ',' PARAM )* ] ')' ]\n"
    "PARAM  := FIELD '=' VALUE | FLAG\n\n"
    "The first layer sets the link type: eth (EN10MB), sll (LINUX_SLL),\n"
    "sll2 (LINUX_SLL2), ipv4 or ipv6 (RAW). A field left out takes its\n"
    "default; fields marked (auto) are computed from the layers around them\n"
    "unless the spec sets them -- set them to build deliberately wrong\n"
    "packets (bad checksum, wrong length, wrong next protocol).\n\n"
    "Values\n"
    "  42  0x2a                  numbers (decimal or hex)\n"
    "  10.0.0.1  2001:db8::1     addresses; 02:00:00:00:00:01 MAC\n"
    "  V+                        V, V+1, V+2, ... for successive packets\n"
    "  V+STEP  V+STEP@COUNT      step; back to V after COUNT values\n"
    "  A-B                       A, A+1, ..., B, then A again\n"
    "  {a,b,c}                   a, b, c, a, ... in turn\n"
    "  rand  rand(A-B)           random (the whole field, or A..B), from --seed\n"
    "                            (IPv6: rand varies the low 64 bits of 2001:db8::)\n"
    "  IPv6 addresses vary in their low 64 bits. The TCP flags field also\n"
    "  takes letters: F S R P A U E C N (\"SA\", \"PA\", \"FA\", \"R\").\n\n"
    "Layers and fields (default)\n"
    "  eth      dst (02:00:00:00:00:02) src (02:00:00:00:00:01) type (auto)\n"
    "           pad[=N]: zero trailer up to an N-byte frame (60 without N),\n"
    "           outside every length and checksum\n"
    "  vlan     802.1Q tag: pcp (0) dei (0) id|vid (1) type (auto)\n"
    "  qinq     802.1ad tag (TPID 0x88a8), fields as vlan; alias dot1ad\n"
    "  sll      pkttype (0) hatype (1) halen (6) addr (02:00:00:00:00:01)\n"
    "           proto (auto)\n"
    "  sll2     proto (auto) reserved (0) ifindex (1) hatype (1) pkttype (0)\n"
    "           halen (6) addr (02:00:00:00:00:01)\n"
    "  arp      htype (1) ptype (0x800) hlen (6) plen (4) op (1)\n"
    "           sha (02:00:00:00:00:01) spa (192.0.2.1) tha (0) tpa (192.0.2.2)\n"
    "  ipv4     version (4) ihl (auto) tos (0) dscp ecn len (auto) id (1)\n"
    "           flags (3 bits) df mf frag (offset in 8-byte units) ttl (64)\n"
    "           proto (auto) chksum (auto) src (192.0.2.1) dst (192.0.2.2)\n"
    "           opts=HEX (options, padded to 4 bytes)\n"
    "  ipv6     version (6) tc (0) fl (0) plen (auto) nh (auto) hlim (64)\n"
    "           src (2001:db8::1) dst (2001:db8::2)\n"
    "  hbh      hop-by-hop options: nh (auto) len (auto) opts=HEX (padded\n"
    "           with Pad1/PadN to 8 bytes)\n"
    "  dstopts  destination options, as hbh\n"
    "  rthdr    routing header: nh len (auto) type (0) segleft (0)\n"
    "           reserved (0) addr=IPV6 (repeat for each address)\n"
    "  frag6    fragment header: nh (auto) res offset (8-byte units) res2 m\n"
    "           id (1)\n"
    "  icmp     type (8, echo request) code (0) chksum (auto) id seq rest\n"
    "  icmpv6   type (128, echo request) code chksum (auto) id seq rest\n"
    "  udp      sport (1024) dport (1024) len (auto) chksum (auto)\n"
    "  tcp      sport (1024) dport (1024) seq (0) ack (0) off (auto) res\n"
    "           flags (S) window (65535) chksum (auto) urgptr (0)\n"
    "           options: mss=N wscale=N sackok ts=TSVAL[:TSECR] opts=HEX\n"
    "  payload  len=N (variable: A-B, {..}, rand(A-B)) and one source:\n"
    "           fill=BYTE  hex=HEX  pattern=HEX (repeated)  text=\"..\" (C\n"
    "           escapes \\r \\n \\t \\xHH)  file=PATH  rand (random bytes\n"
    "           per packet). Without len, the source's own length.\n"
    "  tcp-session  a whole conversation after ipv4/ipv6: handshake, the\n"
    "           request and the response in segments (each acknowledged),\n"
    "           teardown. Fields: sport (40000) dport (7) isn (1000)\n"
    "           risn (5000) window (65535) mss (1460) segsize (mss);\n"
    "           req=\"..\" resp=\"..\" reqlen=N resplen=N close=fin|rst|none.\n"
    "           The lower layers' src/dst are swapped for the replies;\n"
    "           -c counts conversations (vary sport=40000+ to tell them\n"
    "           apart).\n\n"
    "Examples\n"
    "  eth()/ipv4(src=10.0.0.1+,dst=10.0.0.2)/udp(dport=53)/payload(len=64)\n"
    "  eth()/vlan(id=100)/qinq(id={1,2,3})/ipv6()/udp(sport=rand)\n"
    "  sll2()/ipv4(df=1,ttl=1-255)/icmp(seq=1+)/payload(text=\"ping\")\n"
    "  ipv4(mf=1,id=7)/udp()/payload(len=1000,rand)\n"
    "  ipv6()/hbh(opts=05020000)/frag6(m=1)/udp()/payload(pattern=0001)\n"
    "  eth()/ipv4()/tcp(flags=SA,mss=1460,wscale=7,sackok,ts=1:0)\n"
    "  eth()/ipv4()/udp(chksum=0x1234)        (a bad checksum on purpose)\n"
    "  eth()/ipv4(len=20)/udp()/payload(len=8) (a wrong IP length)\n"
    "  eth()/ipv4()/tcp-session(dport=80,req=\"GET /\\r\\n\",resplen=4000)\n";

/* Show the set's error, with a caret under the column of a wrong spec. */
static int gen_error(const capkit_genset *gs, int rc) {
  const char *spec = capkit_genset_error_spec(gs);
  size_t col = capkit_genset_error_column(gs);
  cli_err("gen", "%s", capkit_genset_error(gs));
  if (col && strlen(spec) < 300 && !strchr(spec, '\n'))
    fprintf(stderr, "  %s\n  %*s^\n", spec, (int)col - 1, "");
  return cli_exit_for(rc);
}

int cmd_gen(int argc, char **argv) {
  enum { OPT_START = 256, OPT_JITTER, OPT_SEED, OPT_HELPSPEC };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"count", required_argument, NULL, 'c'},
      {"spec-file", required_argument, NULL, 'f'},
      {"rate", required_argument, NULL, 'r'},
      {"interval", required_argument, NULL, 'i'},
      {"start", required_argument, NULL, OPT_START},
      {"jitter", required_argument, NULL, OPT_JITTER},
      {"seed", required_argument, NULL, OPT_SEED},
      {"format", required_argument, NULL, 'F'},
      {"byte-order", required_argument, NULL, 'b'},
      {"precision", required_argument, NULL, 'p'},
      {"snaplen", required_argument, NULL, 's'},
      {"linktype", required_argument, NULL, 'l'},
      {"help-spec", no_argument, NULL, OPT_HELPSPEC},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  capkit_gen_job job = CAPKIT_GEN_JOB_INIT;
  capkit_gen_stream *d = &job.stream;
  uint64_t seed = 1;
  cli_out_opts wo = {.bo = CAPKIT_BO_NATIVE, .prec = 6};
  int c;
  while ((c = getopt_long(argc, argv, "o:c:f:r:i:F:b:p:s:l:h", opts, NULL)) !=
         -1) {
    switch (c) {
    case 'o': job.path = optarg; break;
    case 'c':
      if (capkit_parse_count(optarg, &d->count))
        return cli_usage_error("gen", "bad count '%s'", optarg);
      break;
    case 'f': job.spec_file = optarg; break;
    case 'r':
      if ((c = capkit_gen_parse_rate(optarg, &d->interval)) == CAPKIT_ERANGE)
        return cli_usage_error("gen", "rate '%s' too low: the time between "
                               "packets does not fit", optarg);
      if (c)
        return cli_usage_error("gen", "bad rate '%s' (e.g. 1000, 10k, 2.5M)",
                               optarg);
      break;
    case 'i':
      if (capkit_gen_parse_interval(optarg, &d->interval))
        return cli_usage_error("gen", "bad interval '%s' (e.g. 1ms, 20us)",
                               optarg);
      break;
    case OPT_START:
      if (capkit_gen_parse_start(optarg, &d->start))
        return cli_usage_error("gen", "bad start time '%s' (RFC 3339 like "
                               "2024-05-01T12:00:00Z, or epoch seconds)",
                               optarg);
      break;
    case OPT_JITTER:
      if (capkit_gen_parse_interval(optarg, &d->jitter))
        return cli_usage_error("gen", "bad jitter '%s'", optarg);
      break;
    case OPT_SEED:
      if (capkit_parse_decimal(optarg, &seed))
        return cli_usage_error("gen", "bad seed '%s'", optarg);
      break;
    case 'F':
    case 'b':
    case 'p':
    case 's':
    case 'l':
      if (cli_out_opt("gen", &wo, c, optarg))
        return EXIT_USAGE;
      break;
    case OPT_HELPSPEC:
      fputs(gen_spec_help, stdout);
      return EXIT_OK;
    case 'h':
      fputs(gen_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("gen", "invalid option");
    }
  }
  if (!job.path)
    return cli_usage_error("gen", "no output file (-o)");
  if (!job.spec_file && optind == argc)
    return cli_usage_error("gen", "no spec given (a SPEC argument or -f)");
  if (job.spec_file && optind != argc)
    return cli_usage_error("gen", "give specs as arguments or with -f, "
                                  "not both");
  job.n_specs = argc - optind;
  job.specs = (const char *const *)argv + optind;
  job.out = cli_build_output(&wo);
  capkit_genset *gs = capkit_genset_new(seed);
  capkit_writer *w = gs ? capkit_writer_new() : NULL;
  int code = EXIT_OK, rc;
  if (!w) {
    cli_err("gen", "out of memory");
    code = EXIT_IO;
  } else {
    cli_writer_warnings("gen", w);
    if ((rc = capkit_gen_run(gs, &job, w)))
      code = gen_error(gs, rc);
  }
  capkit_writer_free(w);
  capkit_genset_free(gs);
  return code;
}

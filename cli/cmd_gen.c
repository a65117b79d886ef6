/* cmd_gen.c - capkit gen: write packets built from layered specs, one or
 * several streams interleaved by time, to any output format. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

typedef struct stream {
  capkit_gen *g;
  capkit_iface iface; /* pcapng with several link types: one each */
  uint64_t count, sent; /* packets */
  capkit_time start, interval;
  capkit_time base, next; /* packet `sent`: start + sent * interval, and
                             that plus its jitter */
  int64_t jitter_ns;
  int next_bad; /* the next time is past the end of time */
  uint64_t rng;
} stream;

/* Duration: NUMBER[ns|us|ms|s|m|h], seconds by default, never negative. */
static int parse_dur(const char *s, capkit_time *t) {
  if (!isdigit((unsigned char)*s))
    return -1;
  return capkit_time_parse_duration(s, t) ? -1 : 0;
}

/* Rate: packets per second with k/M/G, as the time between packets:
 * 0, -1 for bad text, -2 for a rate so low that the interval does not
 * fit. */
static int parse_rate(const char *s, capkit_time *t) {
  char *end;
  if (!isdigit((unsigned char)*s) && *s != '.')
    return -1;
  double v = strtod(s, &end);
  if (*end == 'k' || *end == 'K')
    v *= 1e3, end++;
  else if (*end == 'M')
    v *= 1e6, end++;
  else if (*end == 'G')
    v *= 1e9, end++;
  if (*end || !(v > 0) || v > 1e9) /* below 2^-1074 reads as 0 */
    return -1;
  capkit_time one_ns = {0, 1}; /* 10^9 / v ns rounded, or out of range */
  return capkit_time_scale(one_ns, 1e9 / v, t) ? -2 : 0;
}

/* RFC 3339, or epoch seconds with a fraction. */
static int parse_start(const char *s, capkit_time *t) {
  if (capkit_time_parse(s, t) == 0)
    return 0;
  if (!isdigit((unsigned char)*s) || s[strspn(s, "0123456789.")])
    return -1;
  return capkit_time_parse_duration(s, t) ? -1 : 0;
}

static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* The time of packet s->sent from its base: plus a random 0..jitter,
 * exactly; past the end of time it is flagged, to fail only when that
 * packet is written. */
static void set_next(stream *s) {
  if (s->jitter_ns <= 0) {
    s->next = s->base;
    return;
  }
  capkit_time j =
      capkit_time_from_ns((int64_t)(mix(&s->rng) % (uint64_t)s->jitter_ns));
  if (!s->next_bad)
    s->next_bad = capkit_time_add(s->base, j, &s->next) != 0;
}

/* On to the next packet: the base moves by one interval (exact: the same
 * as start + sent * interval). */
static void advance(stream *s) {
  s->sent++;
  if (!s->next_bad)
    s->next_bad = capkit_time_add(s->base, s->interval, &s->base) != 0;
  set_next(s);
}

/* Show a spec error with a caret under its column. */
static void spec_error(const char *where, const char *spec,
                       const capkit_spec_error *e) {
  if (e->column)
    cli_err("gen", "%s, column %zu: %s", where, e->column, e->message);
  else
    cli_err("gen", "%s: %s", where, e->message);
  if (e->column && strlen(spec) < 300 && !strchr(spec, '\n'))
    fprintf(stderr, "  %s\n  %*s^\n", spec, (int)e->column - 1, "");
}

typedef struct defaults {
  uint64_t count;
  capkit_time start, interval, jitter;
  uint64_t seed;
} defaults;

/* Bounds of a spec file, so that a wrong file (/dev/zero, a capture) is
 * refused early instead of filling memory; documented in --help. */
#define SPEC_FILE_MAX (16u << 20)
#define SPEC_LINE_MAX (1u << 20)
#define STREAMS_MAX 100000u

static int add_stream(stream **ss, size_t *n, const char *spec,
                      const char *where, const defaults *d, uint64_t count,
                      capkit_time start, capkit_time interval,
                      capkit_time jitter) {
  capkit_gen *g;
  capkit_spec_error e;
  int rc = capkit_gen_new(spec, d->seed + *n * 0x1000193ull, &g, &e);
  if (rc == CAPKIT_ESPEC) {
    spec_error(where, spec, &e);
    return EXIT_USAGE;
  }
  if (rc) {
    cli_err("gen", "%s: %s", where,
            rc == CAPKIT_EOPEN ? e.message : capkit_strerror(rc));
    return cli_exit_for(rc);
  }
  stream *ns = *ss;
  if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4, ...: room doubles */
    ns = realloc(*ss, (*n ? 2 * *n : 1) * sizeof *ns);
    if (!ns) {
      capkit_gen_free(g);
      cli_err("gen", "out of memory");
      return EXIT_IO;
    }
    *ss = ns;
  }
  stream *s = &ns[(*n)++];
  memset(s, 0, sizeof *s);
  s->g = g;
  uint64_t per = capkit_gen_round_packets(g);
  if (per && count > UINT64_MAX / per) {
    cli_err("gen", "%s: too many packets", where);
    return EXIT_USAGE;
  }
  s->count = count * per;
  s->start = start;
  s->interval = interval;
  if (capkit_time_to_ns(jitter, &s->jitter_ns)) {
    cli_err("gen", "%s: jitter too large (at most 292 years)", where);
    return EXIT_USAGE;
  }
  s->rng = d->seed ^ (0xa5a5a5a5ull + *n);
  s->base = start;
  set_next(s);
  return 0;
}

/* A spec file line: KEY=VALUE words, then the spec. */
static int file_line(stream **ss, size_t *n, char *line, const char *where,
                     const defaults *d) {
  uint64_t count = d->count;
  capkit_time start = d->start, interval = d->interval, jitter = d->jitter;
  char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t')
      p++;
    static const char *keys[] = {"count=", "rate=", "interval=", "start=",
                                 "jitter="};
    size_t k;
    for (k = 0; k < 5; k++)
      if (strncmp(p, keys[k], strlen(keys[k])) == 0)
        break;
    if (k == 5)
      break;
    char *v = p + strlen(keys[k]), *e = v;
    while (*e && *e != ' ' && *e != '\t')
      e++;
    char save = *e;
    *e = 0;
    int bad = 0;
    switch (k) {
    case 0: bad = cli_parse_size(v, &count); break;
    case 1: bad = parse_rate(v, &interval); break;
    case 2: bad = parse_dur(v, &interval); break;
    case 3: bad = parse_start(v, &start); break;
    default: bad = parse_dur(v, &jitter); break;
    }
    if (bad) {
      cli_err("gen", "%s: bad %.*s'%s'%s", where, (int)strlen(keys[k]) - 1,
              keys[k], v,
              bad == -2 ? ": too low, the time between packets does not fit"
                        : "");
      return EXIT_USAGE;
    }
    *e = save;
    p = e;
  }
  return add_stream(ss, n, p, where, d, count, start, interval, jitter);
}

/* The next line of f into *line (grown, at most SPEC_LINE_MAX bytes, NUL
 * terminated, without its newline): 1, 0 at the end, -1 read error, -2
 * too long, -3 a NUL byte (not a text file). *total counts the bytes. */
static int spec_line(FILE *f, char **line, size_t *cap, size_t *len,
                     size_t *total) {
  int c;
  *len = 0;
  while ((c = getc(f)) != EOF) {
    if (++*total > SPEC_FILE_MAX)
      return -2;
    if (c == '\n')
      break;
    if (c == 0)
      return -3;
    if (*len == SPEC_LINE_MAX)
      return -2;
    if (*len + 1 >= *cap) {
      size_t nc = *cap ? 2 * *cap : 256;
      if (nc > SPEC_LINE_MAX + 1)
        nc = SPEC_LINE_MAX + 1;
      char *nl = realloc(*line, nc);
      if (!nl)
        return -1;
      *line = nl;
      *cap = nc;
    }
    (*line)[(*len)++] = (char)c;
  }
  if (c == EOF && (ferror(f) || *len == 0))
    return ferror(f) ? -1 : 0;
  (*line)[*len] = 0;
  return 1;
}

static int read_spec_file(stream **ss, size_t *n, const char *path,
                          const defaults *d) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (!f) {
    cli_err("gen", "%s: %s", path, strerror(errno));
    return EXIT_IO;
  }
  char *line = NULL;
  size_t cap = 0, len, total = 0;
  int code = 0, got;
  unsigned long no = 0;
  while (!code && (got = spec_line(f, &line, &cap, &len, &total)) != 0) {
    no++;
    if (got == -2 || got == -3) {
      cli_err("gen", "%s line %lu: %s", path, no,
              got == -3 ? "a NUL byte: not a text file of specs"
              : total > SPEC_FILE_MAX
                  ? "the spec file is longer than 16 MiB"
                  : "longer than 1 MiB (a spec line is at most 1 MiB)");
      code = EXIT_USAGE;
      break;
    }
    if (got < 0) {
      cli_err("gen", "%s: %s", path,
              ferror(f) ? strerror(errno) : "out of memory");
      code = EXIT_IO;
      break;
    }
    while (len > 0 && line[len - 1] == '\r')
      line[--len] = 0;
    char *p = line;
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p || *p == '#')
      continue;
    char where[512];
    snprintf(where, sizeof where, "%s line %lu", path, no);
    if (*n == STREAMS_MAX) {
      cli_err("gen", "%s: more than %u streams", where, STREAMS_MAX);
      code = EXIT_USAGE;
      break;
    }
    code = file_line(ss, n, p, where, d);
  }
  free(line);
  if (f != stdin)
    fclose(f);
  if (!code && *n == 0) {
    cli_err("gen", "%s: no stream in the file", path);
    code = EXIT_USAGE;
  }
  return code;
}

static int run(stream *ss, size_t n, capkit_writer *w, int ifaces,
               const char *out) {
  capkit_record rec = CAPKIT_RECORD_INIT;
  capkit_record_init(&rec);
  uint64_t nrec = 0;
  for (;;) {
    stream *s = NULL;
    if (n == 1) {
      s = ss[0].sent < ss[0].count ? &ss[0] : NULL;
    } else {
      for (size_t i = 0; i < n; i++)
        if (ss[i].sent < ss[i].count &&
            (!s || (!ss[i].next_bad &&
                    (s->next_bad || capkit_time_cmp(ss[i].next, s->next) < 0))))
          s = &ss[i];
    }
    if (!s)
      return 0;
    if (s->next_bad) {
      cli_err("gen", "%s: record %llu: time out of range (past year "
                     "292277026596)",
              strcmp(out, "-") ? out : "stdout",
              (unsigned long long)(nrec + 1));
      return EXIT_DATA;
    }
    const uint8_t *data;
    size_t len;
    capkit_gen_next(s->g, &data, &len);
    capkit_record_set_time(&rec, s->next);
    rec.caplen = rec.origlen = (uint32_t)len;
    rec.data = data;
    if (ifaces) {
      rec.iface = &s->iface;
      rec.iface_id = s->iface.id;
    }
    int rc = capkit_writer_write(w, &rec);
    if (rc < 0) {
      cli_err("gen", "%s", capkit_writer_error(w));
      return cli_exit_for(rc);
    }
    nrec++;
    advance(s);
  }
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
  const char *out = NULL, *specfile = NULL;
  defaults d = {1, {0, 0}, {0, 1000000}, {0, 0}, 1};
  cli_out_opts wo = {.bo = CAPKIT_BO_NATIVE, .prec = 6};
  int c;
  while ((c = getopt_long(argc, argv, "o:c:f:r:i:F:b:p:s:l:h", opts, NULL)) !=
         -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 'c':
      if (cli_parse_size(optarg, &d.count))
        return cli_usage_error("gen", "bad count '%s'", optarg);
      break;
    case 'f': specfile = optarg; break;
    case 'r':
      if ((c = parse_rate(optarg, &d.interval)) == -2)
        return cli_usage_error("gen", "rate '%s' too low: the time between "
                               "packets does not fit", optarg);
      if (c)
        return cli_usage_error("gen", "bad rate '%s' (e.g. 1000, 10k, 2.5M)",
                               optarg);
      break;
    case 'i':
      if (parse_dur(optarg, &d.interval))
        return cli_usage_error("gen", "bad interval '%s' (e.g. 1ms, 20us)",
                               optarg);
      break;
    case OPT_START:
      if (parse_start(optarg, &d.start))
        return cli_usage_error("gen", "bad start time '%s' (RFC 3339 like "
                               "2024-05-01T12:00:00Z, or epoch seconds)",
                               optarg);
      break;
    case OPT_JITTER:
      if (parse_dur(optarg, &d.jitter))
        return cli_usage_error("gen", "bad jitter '%s'", optarg);
      break;
    case OPT_SEED:
      if (cli_parse_u64(optarg, &d.seed))
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
  if (!out)
    return cli_usage_error("gen", "no output file (-o)");
  if (!specfile && optind == argc)
    return cli_usage_error("gen", "no spec given (a SPEC argument or -f)");
  if (specfile && optind != argc)
    return cli_usage_error("gen", "give specs as arguments or with -f, "
                                  "not both");
  stream *ss = NULL;
  size_t n = 0;
  int code = 0;
  if (specfile) {
    code = read_spec_file(&ss, &n, specfile, &d);
  } else {
    for (int i = optind; i < argc && !code; i++) {
      char where[32];
      snprintf(where, sizeof where, n || argc - optind > 1 ? "spec %zu"
                                                           : "spec",
               n + 1);
      code = add_stream(&ss, &n, argv[i], where, &d, d.count, d.start,
                        d.interval, d.jitter);
    }
  }
  uint32_t link = n ? capkit_gen_linktype(ss[0].g) : 0;
  int ifaces = 0; /* pcapng: an interface per stream of its link type */
  for (size_t i = 1; i < n && !code && !wo.have_lt; i++)
    if (capkit_gen_linktype(ss[i].g) != link) {
      if (wo.format && strcmp(wo.format, "pcapng") == 0) {
        ifaces = 1;
        continue;
      }
      cli_err("gen", "stream %zu implies link type %s but stream 1 %s: a "
                     "pcap file has one link type (-F pcapng takes several)",
              i + 1, capkit_linktype_name(capkit_gen_linktype(ss[i].g)),
              capkit_linktype_name(link));
      code = EXIT_USAGE;
    }
  for (size_t i = 0; i < n && ifaces; i++) {
    ss[i].iface.id = (uint32_t)i;
    ss[i].iface.linktype = capkit_gen_linktype(ss[i].g);
    ss[i].iface.snaplen = wo.snap ? (uint32_t)wo.snap : 262144;
    ss[i].iface.fcs_len = -1;
    ss[i].iface.tsresol = wo.prec;
  }
  capkit_writer *w = NULL;
  if (!code) {
    w = capkit_writer_new();
    int rc = w ? 0 : CAPKIT_ENOMEM;
    /* times finer than microseconds need nanoseconds */
    for (size_t i = 0; i < n && !wo.have_prec; i++)
      if (ss[i].start.nsec % 1000 || ss[i].interval.nsec % 1000)
        wo.prec = 9;
    cli_out_opts set = wo;
    set.have_prec = 1;
    set.have_lt = !ifaces;
    set.lt = wo.have_lt ? wo.lt : link;
    if (!rc)
      rc = cli_out_open("gen", w, &set, out);
    if (rc)
      code = cli_exit_for(rc);
  }
  if (!code)
    code = run(ss, n, w, ifaces, out);
  if (!code && capkit_writer_close(w) < 0) {
    cli_err("gen", "%s", capkit_writer_error(w));
    code = EXIT_IO;
  }
  capkit_writer_free(w);
  for (size_t i = 0; i < n; i++)
    capkit_gen_free(ss[i].g);
  free(ss);
  return code;
}

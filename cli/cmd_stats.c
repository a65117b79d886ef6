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
#include "obuf.h"

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

/* A span as seconds with 6 decimals (truncated). */
static void put_span(obuf *o, capkit_span d) {
  if (d.negative)
    ob_c(o, '-');
  ob_u(o, d.sec);
  ob_c(o, '.');
  ob_uw(o, d.nsec / 1000, 6);
}

static void put_rel(obuf *o, capkit_time t, capkit_time from) {
  put_span(o, capkit_time_span(t, from));
}

static void put_addr(obuf *o, const uint8_t *a, int len) {
  if (len == 16)
    ob_ip6(o, a);
  else if (len == 4)
    ob_ip4(o, a);
  else
    ob_mac(o, a, (size_t)len);
}

static void put_pct(obuf *o, uint64_t part, uint64_t whole) {
  char t[32];
  snprintf(t, sizeof t, "%7.2f",
           whole ? 100.0 * (double)part / (double)whole : 0.0);
  ob_s(o, t);
}

static void pad_to(obuf *o, size_t start, size_t col) {
  for (size_t w = o->n - start; w < col; w++)
    ob_c(o, ' ');
}

/* Right-aligned unsigned in a field of w. */
static void put_ur(obuf *o, uint64_t v, int w) {
  char t[24];
  int n = snprintf(t, sizeof t, "%*" PRIu64, w, v);
  ob_mem(o, t, (size_t)n);
}

static void ph_path(const capkit_stats *s, obuf *o, int n) {
  const capkit_stats_node *x = capkit_stats_node_at(s, (size_t)n);
  if (x->parent >= 0) {
    ph_path(s, o, x->parent);
    ob_c(o, ':');
  }
  ob_s(o, x->name);
}

/* The hierarchy in pre-order (a node, its children, then its siblings), in
 * the text, JSON or CSV layout. */
enum { TEXT, JSON, CSV };
static void ph_out(const capkit_stats *s, obuf *o, int node, int depth,
                   uint64_t total_p, uint64_t total_b, int mode, int *first) {
  for (int c = node; c >= 0;) {
    const capkit_stats_node *x = capkit_stats_node_at(s, (size_t)c);
    ob_need(o, 256);
    size_t st = o->n;
    if (mode == TEXT) {
      for (int d = 0; d < depth; d++)
        ob_s(o, "  ");
      ob_s(o, x->name);
      pad_to(o, st, 28);
      put_ur(o, x->packets, 12);
      put_ur(o, x->bytes, 16);
      ob_s(o, "  ");
      put_pct(o, x->packets, total_p);
      ob_s(o, "  ");
      put_pct(o, x->bytes, total_b);
    } else {
      ob_s(o, mode == CSV ? "" : *first ? "{\"path\":\"" : ",{\"path\":\"");
      ph_path(s, o, c);
      ob_s(o, mode == CSV ? "," : "\",\"protocol\":\"");
      ob_s(o, x->name);
      if (mode == CSV) {
        ob_c(o, ',');
        ob_u(o, (uint64_t)depth);
      }
      ob_s(o, mode == CSV ? "," : "\",\"packets\":");
      ob_u(o, x->packets);
      ob_s(o, mode == CSV ? "," : ",\"bytes\":");
      ob_u(o, x->bytes);
    }
    ob_c(o, mode == JSON ? '}' : '\n');
    *first = 0;
    if (depth < 64)
      ph_out(s, o, x->first_child, depth + 1, total_p, total_b, mode, first);
    c = x->next_sibling;
  }
}

/* Packets and bytes each way: right-aligned columns, JSON keys or CSV. */
static void put_four(obuf *o, const uint64_t num[4], const char *const key[4],
                     int mode) {
  for (int k = 0; k < 4; k++) {
    if (mode == TEXT) {
      put_ur(o, num[k], k & 1 ? 14 : 11);
    } else {
      ob_s(o, mode == JSON ? key[k] : ",");
      ob_u(o, num[k]);
    }
  }
}

/* One side of a conversation: address, and port for TCP/UDP. */
static void conv_side(obuf *o, const capkit_stats_conv *c, int a, int mode) {
  int ports = c->kind == CAPKIT_CONV_TCP || c->kind == CAPKIT_CONV_UDP;
  if (mode == JSON)
    ob_c(o, '"');
  put_addr(o, a ? c->a : c->b, c->addr_len);
  if (mode == JSON)
    ob_c(o, '"');
  if (ports) {
    ob_s(o, mode == TEXT  ? (c->addr_len == 16 ? "." : ":")
            : mode == CSV ? ","
            : a           ? ",\"port_a\":"
                          : ",\"port_b\":");
    ob_u(o, a ? c->port_a : c->port_b);
  }
}

static const struct {
  const char *name, *title;
  unsigned kinds;
} tabs[] = {
    {"eth", "Ethernet", CAPKIT_CONV_BIT(CAPKIT_CONV_ETH)},
    {"ip", "IP",
     CAPKIT_CONV_BIT(CAPKIT_CONV_IPV4) | CAPKIT_CONV_BIT(CAPKIT_CONV_IPV6)},
    {"tcp", "TCP", CAPKIT_CONV_BIT(CAPKIT_CONV_TCP)},
    {"udp", "UDP", CAPKIT_CONV_BIT(CAPKIT_CONV_UDP)},
};

static void conv_out(const capkit_stats *s, obuf *o, int t, size_t top,
                     capkit_time t0, int mode) {
  size_t n;
  const capkit_stats_conv **v =
      capkit_stats_conversations(s, tabs[t].kinds, CAPKIT_STATS_BY_PACKETS, &n);
  int ports = tabs[t].kinds >= CAPKIT_CONV_BIT(CAPKIT_CONV_TCP);
  if (mode == TEXT) {
    ob_s(o, "\n");
    ob_s(o, tabs[t].title);
    ob_s(o, " conversations (");
    ob_u(o, n);
    ob_s(o, ")\nA");
    pad_to(o, o->n - 1, 43);
    ob_c(o, 'B');
    pad_to(o, o->n - 1, 41);
    ob_s(o, "  A->B pkts    A->B bytes  B->A pkts    B->A bytes  start s   "
            "  duration s\n");
  } else if (mode == JSON) {
    ob_s(o, ",\"conversations_");
    ob_s(o, tabs[t].name);
    ob_s(o, "\":{\"count\":");
    ob_u(o, n);
    ob_s(o, ",\"rows\":[");
  } else {
    ob_s(o, ports ? "a,port_a,b,port_b" : "a,b");
    ob_s(o, ",packets_ab,bytes_ab,packets_ba,bytes_ba,start,duration\n");
  }
  for (size_t i = 0; i < n && (!top || i < top); i++) {
    const capkit_stats_conv *c = v[i];
    uint64_t num[4] = {c->packets_ab, c->bytes_ab, c->packets_ba, c->bytes_ba};
    static const char *const key[4] = {",\"packets_ab\":", ",\"bytes_ab\":",
                                       ",\"packets_ba\":", ",\"bytes_ba\":"};
    ob_need(o, 512);
    size_t st = o->n;
    ob_s(o, mode == JSON ? (i ? ",{\"a\":" : "{\"a\":") : "");
    conv_side(o, c, 1, mode);
    if (mode == TEXT) {
      pad_to(o, st, 42);
      ob_c(o, ' ');
      st = o->n;
    }
    ob_s(o, mode == JSON ? ",\"b\":" : mode == CSV ? "," : "");
    conv_side(o, c, 0, mode);
    if (mode == TEXT)
      pad_to(o, st, 41);
    put_four(o, num, key, mode);
    ob_s(o, mode == TEXT ? "  " : mode == JSON ? ",\"start\":" : ",");
    st = o->n;
    put_rel(o, c->first, t0);
    if (mode == TEXT) {
      pad_to(o, st, 10);
      ob_s(o, "  ");
    } else {
      ob_s(o, mode == JSON ? ",\"duration\":" : ",");
    }
    put_rel(o, c->last, c->first);
    ob_s(o, mode == JSON ? "}" : "\n");
  }
  if (mode == TEXT && top && n > top) {
    ob_s(o, "... ");
    ob_u(o, n - top);
    ob_s(o, " more\n");
  }
  if (mode == JSON)
    ob_s(o, "]}");
  capkit_stats_list_free(v);
}

/* The endpoints of conversation table T (1, IP: the top talkers). */
static void talkers_out(const capkit_stats *s, obuf *o, size_t top, int mode,
                        int t) {
  size_t n;
  int ports = tabs[t].kinds >= CAPKIT_CONV_BIT(CAPKIT_CONV_TCP);
  capkit_stats_endpoint *v =
      capkit_stats_endpoints(s, tabs[t].kinds, CAPKIT_STATS_BY_BYTES, &n);
  if (mode == TEXT) {
    ob_s(o, "\nTop talkers (");
    ob_u(o, n);
    ob_s(o, " hosts)\nAddress");
    pad_to(o, o->n - 7, 40);
    ob_s(o, "    packets         bytes    tx pkts      tx bytes    rx pkts"
            "      rx bytes\n");
  } else {
    ob_s(o, mode == JSON ? ",\"talkers\":["
            : ports      ? "address,port"
                         : "address");
    if (mode == CSV)
      ob_s(o, ",packets_tx,bytes_tx,packets_rx,bytes_rx\n");
  }
  for (size_t i = 0; i < n && (mode == CSV || !top || i < top); i++) {
    const capkit_stats_endpoint *e = &v[i];
    uint64_t num[4] = {e->packets_tx, e->bytes_tx, e->packets_rx, e->bytes_rx};
    static const char *const key[4] = {"\",\"packets_tx\":", ",\"bytes_tx\":",
                                       ",\"packets_rx\":", ",\"bytes_rx\":"};
    ob_need(o, 512);
    size_t st = o->n;
    ob_s(o, mode == JSON ? (i ? ",{\"address\":\"" : "{\"address\":\"") : "");
    put_addr(o, e->addr, e->addr_len);
    if (ports) {
      ob_c(o, ',');
      ob_u(o, e->port);
    }
    if (mode == TEXT) {
      pad_to(o, st, 40);
      put_ur(o, e->packets_tx + e->packets_rx, 11);
      put_ur(o, e->bytes_tx + e->bytes_rx, 14);
    }
    put_four(o, num, key, mode);
    ob_s(o, mode == JSON ? "}" : "\n");
  }
  if (mode == JSON)
    ob_c(o, ']');
  capkit_stats_list_free(v);
}

/* The end of a JSON or CSV row: packets and bytes (JSON: after SEP). */
static void counts_tail(obuf *o, uint64_t p, uint64_t b, int mode,
                        const char *sep) {
  ob_s(o, mode == JSON ? sep : ",");
  ob_s(o, mode == JSON ? "\"packets\":" : "");
  ob_u(o, p);
  ob_s(o, mode == JSON ? ",\"bytes\":" : ",");
  ob_u(o, b);
  ob_s(o, mode == JSON ? "}" : "\n");
}

static void size_label(obuf *o, uint32_t lo, uint32_t hi) {
  ob_u(o, lo);
  if (hi == UINT32_MAX) {
    ob_c(o, '+');
  } else {
    ob_c(o, '-');
    ob_u(o, hi);
  }
}

static void sizes_out(const capkit_stats *s, obuf *o,
                      const capkit_stats_summary *sum, int mode) {
  ob_s(o, mode == TEXT   ? "\nPacket sizes (bytes)      packets        %"
                           "         bytes\n"
          : mode == JSON ? ",\"sizes\":["
                         : "range,packets,bytes\n");
  for (int i = 0, k = 0; i < CAPKIT_STATS_SIZE_BINS; i++) {
    uint32_t lo, hi;
    uint64_t p, b;
    capkit_stats_size_bin(s, i, &lo, &hi, &p, &b);
    if (!p && mode != CSV)
      continue;
    size_t st = o->n;
    ob_s(o, mode == JSON ? (k++ ? ",{\"range\":\"" : "{\"range\":\"") : "");
    size_label(o, lo, hi);
    if (mode == TEXT) {
      pad_to(o, st, 17);
      put_ur(o, p, 16);
      ob_s(o, "  ");
      put_pct(o, p, sum->packets);
      put_ur(o, b, 14);
      ob_c(o, '\n');
      continue;
    }
    counts_tail(o, p, b, mode, "\",");
  }
  if (mode == JSON)
    ob_c(o, ']');
  if (mode == TEXT && sum->packets) {
    char t[64];
    snprintf(t, sizeof t, "min %" PRIu32 ", max %" PRIu32 ", mean %.1f\n",
             sum->min_len, sum->max_len, sum->mean_size);
    ob_s(o, t);
  }
}

static void series_out(const capkit_stats *s, obuf *o, capkit_time t0,
                       int mode) {
  capkit_span iv;
  size_t n = capkit_stats_series(s, &iv);
  double secs = capkit_span_seconds(iv);
  if (mode == TEXT) {
    ob_s(o, "\nThroughput (interval ");
    put_span(o, iv);
    ob_s(o, " s)\nstart s        packets           bytes        bits/s\n");
  } else if (mode == JSON) {
    ob_s(o, ",\"interval\":");
    put_span(o, iv);
    ob_s(o, ",\"throughput\":[");
  } else {
    ob_s(o, "start,packets,bytes\n");
  }
  for (size_t i = 0; i < n; i++) {
    capkit_time start;
    uint64_t p, b;
    capkit_stats_bin(s, i, &start, &p, &b);
    ob_need(o, 128);
    size_t st = o->n;
    ob_s(o, mode == JSON ? (i ? ",{\"start\":" : "{\"start\":") : "");
    put_rel(o, start, t0);
    if (mode == TEXT) {
      char t[32];
      pad_to(o, st, 10);
      put_ur(o, p, 12);
      put_ur(o, b, 16);
      snprintf(t, sizeof t, "%13.0f\n", (double)b * 8 / secs);
      ob_s(o, t);
      continue;
    }
    counts_tail(o, p, b, mode, ",");
  }
  if (mode == JSON)
    ob_c(o, ']');
}

static void report(const capkit_stats *s, const capkit_stats *series, obuf *o,
                   size_t top, int mode, int eth) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(s, &sum);
  capkit_time zero = {0, 0};
  int first = 1;
  if (mode == TEXT) {
    char t[64];
    ob_s(o, "Packets: ");
    ob_u(o, sum.packets);
    ob_s(o, "\nBytes: ");
    ob_u(o, sum.bytes);
    if (sum.captured_bytes != sum.bytes) {
      ob_s(o, " (captured ");
      ob_u(o, sum.captured_bytes);
      ob_c(o, ')');
    }
    if (sum.packets) {
      cli_fmt_time(t, sizeof t, sum.earliest.sec, sum.earliest.nsec, 6);
      ob_s(o, "\nFirst: ");
      ob_s(o, t);
      cli_fmt_time(t, sizeof t, sum.latest.sec, sum.latest.nsec, 6);
      ob_s(o, "\nLast: ");
      ob_s(o, t);
      ob_s(o, "\nDuration: ");
      put_rel(o, sum.latest, sum.earliest);
      ob_s(o, " s");
    }
    ob_s(o, "\n\nProtocol hierarchy              packets           bytes"
            "  %packets   %bytes\n");
  } else {
    ob_s(o, "{\"packets\":");
    ob_u(o, sum.packets);
    ob_s(o, ",\"bytes\":");
    ob_u(o, sum.bytes);
    ob_s(o, ",\"captured_bytes\":");
    ob_u(o, sum.captured_bytes);
    if (sum.packets) {
      ob_s(o, ",\"first\":");
      put_rel(o, sum.earliest, zero);
      ob_s(o, ",\"last\":");
      put_rel(o, sum.latest, zero);
      ob_s(o, ",\"duration\":");
      put_rel(o, sum.latest, sum.earliest);
    }
    ob_s(o, ",\"hierarchy\":[");
  }
  if (capkit_stats_node_count(s))
    ph_out(s, o, 0, 0, sum.packets, sum.bytes, mode, &first);
  if (mode == JSON)
    ob_c(o, ']');
  for (int t = eth ? 0 : 1; t < 4; t++)
    conv_out(s, o, t, top, sum.earliest, mode);
  talkers_out(s, o, top, mode, 1);
  sizes_out(s, o, &sum, mode);
  series_out(series, o, sum.earliest, mode);
  if (mode == JSON)
    ob_s(o, "}\n");
}

static int csv_report(const capkit_stats *s, const capkit_stats *series,
                      obuf *o, const char *table) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(s, &sum);
  int first = 1;
  if (!strcmp(table, "hierarchy")) {
    ob_s(o, "path,protocol,depth,packets,bytes\n");
    if (capkit_stats_node_count(s))
      ph_out(s, o, 0, 0, sum.packets, sum.bytes, CSV, &first);
  } else if (!strcmp(table, "talkers")) {
    talkers_out(s, o, 0, CSV, 1);
  } else if (!strncmp(table, "endpoints-", 10)) {
    for (int t = 0; t < 4; t++)
      if (!strcmp(table + 10, tabs[t].name))
        talkers_out(s, o, 0, CSV, t);
  } else if (!strcmp(table, "sizes")) {
    sizes_out(s, o, &sum, CSV);
  } else if (!strcmp(table, "throughput")) {
    series_out(series, o, sum.earliest, CSV);
  } else {
    for (int t = 0; t < 4; t++)
      if (!strcmp(table, tabs[t].name))
        conv_out(s, o, t, 0, sum.earliest, CSV);
  }
  return 0;
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
  static const char *const tables[] = {
      "hierarchy",     "eth",          "ip",
      "tcp",           "udp",          "talkers",
      "endpoints-eth", "endpoints-ip", "endpoints-tcp",
      "endpoints-udp", "sizes",        "throughput"};
  if (csv) {
    size_t i = 0;
    while (i < sizeof tables / sizeof *tables && strcmp(tables[i], csv))
      i++;
    if (i == sizeof tables / sizeof *tables)
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
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_time origin;
  if (s && code != EXIT_USAGE && code != EXIT_IO &&
      !capkit_stats_get_summary(s, &sum) && !capkit_stats_origin(s, &origin) &&
      capkit_time_span(origin, sum.earliest).negative == 0 &&
      (origin.sec != sum.earliest.sec || origin.nsec != sum.earliest.nsec) &&
      (spool || !once)) {
    set.what = CAPKIT_STATS_SERIES;
    set.has_origin = 1;
    set.origin = sum.earliest;
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
    obuf o;
    if (ob_init(&o, stdout, 1 << 18) != 0) {
      cli_err("stats", "out of memory");
      code = EXIT_IO;
    } else {
      if (csv)
        csv_report(s, series ? series : s, &o, csv);
      else
        report(s, series ? series : s, &o, top, json ? JSON : TEXT, eth);
      if (ob_close(&o) != 0 && !code)
        code = EXIT_IO;
    }
  }
  capkit_filter_free(flt);
  capkit_stats_free(series);
  capkit_stats_free(s);
  if (spool)
    fclose(spool);
  return code;
}

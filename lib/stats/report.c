/* report.c - the text, JSON and CSV layouts of a statistics accumulator
 * (capkit_stats_write in stats.h): every front end prints the same tables
 * from the same numbers. Text is built in a buffer handed to the caller's
 * write function a block at a time. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/stats.h>

#include "../print/print_int.h"

/* The text being built and where it goes. */
typedef struct rout {
  tbuf b;
  capkit_stats_write_fn fn;
  void *ctx;
  int werr;
} rout;

#define FLUSH_AT (1u << 16)

static void rflush(rout *o) {
  if (o->b.n && !o->werr && o->fn(o->ctx, o->b.p, o->b.n) != 0)
    o->werr = 1;
  o->b.n = 0;
}

/* Between rows: hand a full block to the caller. */
static void ob_need(rout *o, size_t k) {
  (void)k;
  if (o->b.n >= FLUSH_AT)
    rflush(o);
}
#define ob_s(o, s) tb_s(&(o)->b, s)
#define ob_c(o, c) tb_c(&(o)->b, c)
#define ob_u(o, v) tb_u(&(o)->b, v)
#define ob_uw(o, v, w) tb_uw(&(o)->b, v, w)
#define ob_mem(o, s, k) tb_mem(&(o)->b, s, k)
typedef rout obuf;

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
    tb_ip6(&o->b, a);
  else if (len == 4)
    tb_ip4(&o->b, a);
  else
    tb_mac(&o->b, a, (size_t)len);
}

static void put_pct(obuf *o, uint64_t part, uint64_t whole) {
  char t[32];
  snprintf(t, sizeof t, "%7.2f",
           whole ? 100.0 * (double)part / (double)whole : 0.0);
  ob_s(o, t);
}

static void pad_to(obuf *o, size_t start, size_t col) {
  for (size_t w = o->b.n - start; w < col; w++)
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
    size_t st = o->b.n;
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
    pad_to(o, o->b.n - 1, 43);
    ob_c(o, 'B');
    pad_to(o, o->b.n - 1, 41);
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
    size_t st = o->b.n;
    ob_s(o, mode == JSON ? (i ? ",{\"a\":" : "{\"a\":") : "");
    conv_side(o, c, 1, mode);
    if (mode == TEXT) {
      pad_to(o, st, 42);
      ob_c(o, ' ');
      st = o->b.n;
    }
    ob_s(o, mode == JSON ? ",\"b\":" : mode == CSV ? "," : "");
    conv_side(o, c, 0, mode);
    if (mode == TEXT)
      pad_to(o, st, 41);
    put_four(o, num, key, mode);
    ob_s(o, mode == TEXT ? "  " : mode == JSON ? ",\"start\":" : ",");
    st = o->b.n;
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
    pad_to(o, o->b.n - 7, 40);
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
    size_t st = o->b.n;
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
    size_t st = o->b.n;
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
    size_t st = o->b.n;
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
      capkit_time_format(t, sizeof t, sum.earliest, 6, CAPKIT_TIME_FMT_SPACE);
      ob_s(o, "\nFirst: ");
      ob_s(o, t);
      capkit_time_format(t, sizeof t, sum.latest, 6, CAPKIT_TIME_FMT_SPACE);
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


static const char *const csv_tables[] = {
    "hierarchy",     "eth",          "ip",           "tcp",
    "udp",           "talkers",      "endpoints-eth", "endpoints-ip",
    "endpoints-tcp", "endpoints-udp", "sizes",        "throughput"};

int capkit_stats_table_known(const char *table) {
  for (size_t i = 0; table && i < sizeof csv_tables / sizeof *csv_tables; i++)
    if (!strcmp(csv_tables[i], table))
      return 1;
  return 0;
}

int capkit_stats_write(const capkit_stats *s, const capkit_stats_report *rep,
                       capkit_stats_write_fn fn, void *ctx) {
  if (!s || !rep || !fn || rep->size < sizeof(capkit_stats_report) ||
      rep->format < CAPKIT_STATS_TEXT || rep->format > CAPKIT_STATS_CSV ||
      (rep->format == CAPKIT_STATS_CSV && !capkit_stats_table_known(rep->table)))
    return CAPKIT_EMISUSE;
  rout o = {{NULL, 0, 0, 0, 0}, fn, ctx, 0};
  const capkit_stats *series = rep->series ? rep->series : s;
  if (rep->format == CAPKIT_STATS_CSV)
    csv_report(s, series, &o, rep->table);
  else
    report(s, series, &o, rep->top,
           rep->format == CAPKIT_STATS_JSON ? JSON : TEXT, rep->ethernet);
  int err = o.b.err;
  if (!err)
    rflush(&o);
  free(o.b.p);
  return err ? CAPKIT_ENOMEM : o.werr ? CAPKIT_EIO : 0;
}

int capkit_stats_regrid(const capkit_stats *s, capkit_time *origin) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_time o;
  if (!s || capkit_stats_get_summary(s, &sum) || capkit_stats_origin(s, &o))
    return 0;
  if (capkit_time_cmp(o, sum.earliest) <= 0)
    return 0;
  if (origin)
    *origin = sum.earliest;
  return 1;
}

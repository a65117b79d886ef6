/* cmd_stats.c - capkit stats: decode every packet once and summarize the
 * capture: protocol hierarchy, IP and TCP/UDP conversations, top talkers,
 * a packet-size histogram and throughput over time. Memory is bounded
 * except for the conversation tables (one entry per conversation). */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    "                      ip, tcp, udp, talkers, sizes or throughput (all\n"
    "                      rows)\n"
    "  -f, --filter EXPR   only packets matching the BPF expression\n"
    "  -h, --help          this help\n\n"
    "Bytes are original (on-the-wire) packet lengths. Conversations count\n"
    "every IP, TCP and UDP header that was captured whole, tunnels included\n"
    "(TCP and UDP of a fragmented datagram count in its first fragment, as\n"
    "tshark counts them without reassembly).\n\n"
    "Exit status: 0 ok, 1 damaged or invalid capture data (packets before the\n"
    "damage are counted), 2 usage, 3 I/O error.\n";

/* ---- protocol hierarchy: a small tree of names ------------------------ */

#define PH_MAX 4096
typedef struct phnode {
  const char *name;
  int parent, first_child, next_sibling;
  uint64_t pkts, bytes;
} phnode;

typedef struct stats {
  phnode ph[PH_MAX];
  int nph;
  uint64_t pkts, bytes, caplen_bytes;
  int64_t first_ns, last_ns;
  int have_time;
  /* conversations */
  struct conv *conv;
  size_t nconv, cconv;
  int32_t *hash;
  size_t hcap;
  /* histogram */
  uint64_t size_pkts[12], size_bytes[12];
  uint32_t size_min, size_max;
  /* throughput */
  int64_t interval_ns;
  uint64_t *tp_pkts, *tp_bytes;
  size_t ntp, ctp;
  int64_t tp_base;
} stats;

static int ph_child(stats *s, int parent, const char *name) {
  int c = parent < 0 ? (s->nph ? 0 : -1) : s->ph[parent].first_child;
  int last = -1;
  for (; c >= 0; c = s->ph[c].next_sibling) {
    if (s->ph[c].name == name || strcmp(s->ph[c].name, name) == 0)
      return c;
    last = c;
  }
  if (s->nph >= PH_MAX)
    return -1;
  int n = s->nph++;
  s->ph[n] = (phnode){name, parent, -1, -1, 0, 0};
  if (last >= 0)
    s->ph[last].next_sibling = n;
  else if (parent >= 0)
    s->ph[parent].first_child = n;
  return n;
}

/* The name tshark's protocol hierarchy uses for a layer; NULL to skip. */
static const char *ph_name(const capkit_layer *l) {
  switch (l->type) {
  case CAPKIT_LAYER_VLAN:
    return l->u.vlan.tpid == 0x88a8 ? "ieee8021ad" : "vlan";
  case CAPKIT_LAYER_SLL:
  case CAPKIT_LAYER_SLL2:
    return "sll";
  case CAPKIT_LAYER_IPV6_EXT:
    return NULL;
  default:
    return capkit_layer_name(l->type);
  }
}

/* ---- conversations ---------------------------------------------------- */

enum { C_IP = 0, C_TCP = 6, C_UDP = 17 };

typedef struct ckey {
  uint8_t kind, v6, pad[2];
  uint16_t port_lo, port_hi;
  uint8_t lo[16], hi[16];
} ckey;

typedef struct conv {
  ckey k;
  uint8_t a_is_lo; /* A (the first packet's source) is the lo side */
  uint64_t pkts_ab, bytes_ab, pkts_ba, bytes_ba;
  int64_t first_ns, last_ns;
  size_t order;
} conv;

static uint64_t ckey_hash(const ckey *k) {
  uint64_t h = 0xcbf29ce484222325ull;
  const uint8_t *p = (const uint8_t *)k;
  for (size_t i = 0; i < sizeof *k; i++)
    h = (h ^ p[i]) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

static int conv_grow(stats *s) {
  size_t ncap = s->hcap ? s->hcap * 2 : 1024;
  int32_t *h = malloc(ncap * sizeof *h);
  if (!h)
    return -1;
  for (size_t i = 0; i < ncap; i++)
    h[i] = -1;
  for (size_t i = 0; i < s->nconv; i++) {
    size_t j = ckey_hash(&s->conv[i].k) & (ncap - 1);
    while (h[j] >= 0)
      j = (j + 1) & (ncap - 1);
    h[j] = (int32_t)i;
  }
  free(s->hash);
  s->hash = h;
  s->hcap = ncap;
  return 0;
}

static int conv_add(stats *s, int kind, int v6, const uint8_t *src,
                    const uint8_t *dst, uint16_t sp, uint16_t dp,
                    uint32_t bytes, int64_t ns) {
  size_t al = v6 ? 16 : 4;
  ckey k;
  memset(&k, 0, sizeof k);
  k.kind = (uint8_t)kind;
  k.v6 = (uint8_t)v6;
  int c = memcmp(src, dst, al);
  int src_lo = c < 0 || (c == 0 && sp <= dp);
  memcpy(k.lo, src_lo ? src : dst, al);
  memcpy(k.hi, src_lo ? dst : src, al);
  k.port_lo = src_lo ? sp : dp;
  k.port_hi = src_lo ? dp : sp;
  if ((s->nconv + 1) * 2 > s->hcap && conv_grow(s) != 0)
    return -1;
  size_t j = ckey_hash(&k) & (s->hcap - 1);
  while (s->hash[j] >= 0) {
    conv *e = &s->conv[s->hash[j]];
    if (memcmp(&e->k, &k, sizeof k) == 0) {
      if (src_lo == e->a_is_lo) {
        e->pkts_ab++;
        e->bytes_ab += bytes;
      } else {
        e->pkts_ba++;
        e->bytes_ba += bytes;
      }
      if (ns < e->first_ns)
        e->first_ns = ns;
      if (ns > e->last_ns)
        e->last_ns = ns;
      return 0;
    }
    j = (j + 1) & (s->hcap - 1);
  }
  if (s->nconv == s->cconv) {
    size_t nc = s->cconv ? s->cconv * 2 : 1024;
    conv *v = realloc(s->conv, nc * sizeof *v);
    if (!v)
      return -1;
    s->conv = v;
    s->cconv = nc;
  }
  conv *e = &s->conv[s->nconv];
  memset(e, 0, sizeof *e);
  e->k = k;
  e->a_is_lo = (uint8_t)src_lo;
  e->pkts_ab = 1;
  e->bytes_ab = bytes;
  e->first_ns = e->last_ns = ns;
  e->order = s->nconv;
  s->hash[j] = (int32_t)s->nconv++;
  return 0;
}

/* ---- sizes and throughput --------------------------------------------- */

static const uint32_t size_edges[] = {20,  40,   80,   160,  320,   640,
                                      1280, 2560, 5120, 10240, 20480};
#define NSIZE 12

static int size_bucket(uint32_t len) {
  int i = 0;
  while (i < NSIZE - 1 && len >= size_edges[i])
    i++;
  return i;
}

static int tp_add(stats *s, int64_t ns, uint32_t bytes) {
  if (ns < s->tp_base) /* time went backwards past the start: first bucket */
    ns = s->tp_base;
  uint64_t b = (uint64_t)(ns - s->tp_base) / (uint64_t)s->interval_ns;
  while (b >= 100000) {
    /* too many buckets: double the interval, merging pairs */
    size_t n = 0;
    for (size_t i = 0; i < s->ntp; i += 2, n++) {
      s->tp_pkts[n] = s->tp_pkts[i] + (i + 1 < s->ntp ? s->tp_pkts[i + 1] : 0);
      s->tp_bytes[n] =
          s->tp_bytes[i] + (i + 1 < s->ntp ? s->tp_bytes[i + 1] : 0);
    }
    s->ntp = n;
    s->interval_ns *= 2;
    b = (uint64_t)(ns - s->tp_base) / (uint64_t)s->interval_ns;
  }
  if (b >= s->ctp) {
    size_t nc = s->ctp ? s->ctp : 64;
    while (nc <= b)
      nc *= 2;
    uint64_t *p = realloc(s->tp_pkts, nc * sizeof *p);
    if (!p)
      return -1;
    s->tp_pkts = p;
    p = realloc(s->tp_bytes, nc * sizeof *p);
    if (!p)
      return -1;
    s->tp_bytes = p;
    s->ctp = nc;
  }
  while (s->ntp <= b) {
    s->tp_pkts[s->ntp] = 0;
    s->tp_bytes[s->ntp] = 0;
    s->ntp++;
  }
  s->tp_pkts[b]++;
  s->tp_bytes[b] += bytes;
  return 0;
}

/* ---- one packet ------------------------------------------------------- */

/* Count a packet of len bytes in the hierarchy node name under parent;
 * returns the node, or -1 when the hierarchy is full (not counted). */
static int ph_count(stats *s, int parent, const char *name, uint32_t len) {
  int n = ph_child(s, parent, name);
  if (n >= 0) {
    s->ph[n].pkts++;
    s->ph[n].bytes += len;
  }
  return n;
}

static int count_packet(stats *s, const capkit_record *rec,
                        const capkit_packet *p) {
  int64_t ns = capkit_record_time_ns(rec);
  uint32_t len = rec->origlen;
  if (!s->have_time) {
    s->first_ns = s->last_ns = ns;
    s->tp_base = ns; /* buckets start at the first packet */
    s->have_time = 1;
  }
  if (ns < s->first_ns)
    s->first_ns = ns;
  if (ns > s->last_ns)
    s->last_ns = ns;
  s->pkts++;
  s->bytes += len;
  s->caplen_bytes += rec->caplen;
  if (s->pkts == 1 || len < s->size_min)
    s->size_min = len;
  if (len > s->size_max)
    s->size_max = len;
  int sb = size_bucket(len);
  s->size_pkts[sb]++;
  s->size_bytes[sb] += len;
  if (tp_add(s, ns, len) != 0)
    return -1;

  /* hierarchy */
  int node = -1;
  if (p->linktype == CAPKIT_LINKTYPE_RAW) {
    /* tshark shows raw IP under a "raw" node */
    node = ph_count(s, -1, "raw", len);
  }
  if (p->count == 0) {
    /* a link type the decoder does not know: undecoded bytes */
    node = ph_count(s, -1, "data", len);
  }
  const capkit_layer *net = NULL;
  int frag = 0;
  for (size_t i = 0; i < p->count; i++) {
    const capkit_layer *l = &p->layers[i];
    const char *name = ph_name(l);
    if (name) {
      int n = ph_count(s, node, name, len);
      if (n >= 0)
        node = n;
    }
    int whole = !(l->status & CAPKIT_LAYER_TRUNCATED);
    switch (l->type) {
    case CAPKIT_LAYER_IPV4:
    case CAPKIT_LAYER_IPV6:
      net = NULL;
      if (whole && !(l->status & CAPKIT_LAYER_MALFORMED)) {
        int v6 = l->type == CAPKIT_LAYER_IPV6;
        net = l;
        frag = (l->status & CAPKIT_LAYER_FRAGMENT) != 0;
        if (conv_add(s, C_IP, v6, v6 ? l->u.ipv6.src : l->u.ipv4.src,
                     v6 ? l->u.ipv6.dst : l->u.ipv4.dst, 0, 0, len, ns) != 0)
          return -1;
      }
      break;
    case CAPKIT_LAYER_TCP:
    case CAPKIT_LAYER_UDP:
      if (whole && net) {
        int v6 = net->type == CAPKIT_LAYER_IPV6;
        uint16_t sp = l->type == CAPKIT_LAYER_TCP ? l->u.tcp.sport
                                                   : l->u.udp.sport;
        uint16_t dp = l->type == CAPKIT_LAYER_TCP ? l->u.tcp.dport
                                                   : l->u.udp.dport;
        if (conv_add(s, l->type == CAPKIT_LAYER_TCP ? C_TCP : C_UDP, v6,
                     v6 ? net->u.ipv6.src : net->u.ipv4.src,
                     v6 ? net->u.ipv6.dst : net->u.ipv4.dst, sp, dp, len,
                     ns) != 0)
          return -1;
      }
      break;
    default:
      break;
    }
  }
  /* undecoded transport payload, and later IPv4 fragments, are tshark's
   * "data" (when it does not reassemble) */
  if (p->count) {
    const capkit_layer *l = &p->layers[p->count - 1];
    if (l->type == CAPKIT_LAYER_IPV4 && frag && l->u.ipv4.frag_off &&
        l->offset + l->len < p->caplen) {
      ph_count(s, node, "data", len);
    }
    if ((l->type == CAPKIT_LAYER_UDP || l->type == CAPKIT_LAYER_TCP) &&
        !(l->status & (CAPKIT_LAYER_TRUNCATED | CAPKIT_LAYER_MALFORMED)) &&
        l->offset + l->len < p->caplen && l->payload_len) {
      ph_count(s, node, "data", len);
    }
  }
  return 0;
}

/* ---- output ----------------------------------------------------------- */

static void put_addr(obuf *o, const uint8_t *a, int v6) {
  if (v6)
    ob_ip6(o, a);
  else
    ob_ip4(o, a);
}

/* Seconds with 6 decimals. */
static void put_secs(obuf *o, int64_t ns) {
  if (ns < 0) {
    ob_c(o, '-');
    ns = -ns;
  }
  ob_u(o, (uint64_t)(ns / 1000000000));
  ob_c(o, '.');
  ob_uw(o, (uint64_t)(ns % 1000000000 / 1000), 6);
}

static void put_pct(obuf *o, uint64_t part, uint64_t whole) {
  double v = whole ? 100.0 * (double)part / (double)whole : 0.0;
  char t[32];
  snprintf(t, sizeof t, "%7.2f", v);
  ob_s(o, t);
}

static void pad_to(obuf *o, size_t start, size_t col) {
  size_t w = o->n - start;
  while (w++ < col)
    ob_c(o, ' ');
}

/* Right-aligned unsigned in a field of w. */
static void put_ur(obuf *o, uint64_t v, int w) {
  char t[24];
  int n = snprintf(t, sizeof t, "%*" PRIu64, w, v);
  ob_mem(o, t, (size_t)n);
}

static void ph_text(stats *s, obuf *o, int node, int depth) {
  for (int c = node; c >= 0; c = s->ph[c].next_sibling) {
    ob_need(o, 256);
    size_t st = o->n;
    for (int d = 0; d < depth; d++)
      ob_s(o, "  ");
    ob_s(o, s->ph[c].name);
    pad_to(o, st, 28);
    put_ur(o, s->ph[c].pkts, 12);
    put_ur(o, s->ph[c].bytes, 16);
    ob_s(o, "  ");
    put_pct(o, s->ph[c].pkts, s->pkts);
    ob_s(o, "  ");
    put_pct(o, s->ph[c].bytes, s->bytes);
    ob_c(o, '\n');
    ph_text(s, o, s->ph[c].first_child, depth + 1);
  }
}

static void ph_path(stats *s, obuf *o, int n) {
  if (s->ph[n].parent >= 0) {
    ph_path(s, o, s->ph[n].parent);
    ob_c(o, ':');
  }
  ob_s(o, s->ph[n].name);
}

static int conv_cmp(const void *a, const void *b) {
  const conv *x = *(const conv *const *)a, *y = *(const conv *const *)b;
  uint64_t px = x->pkts_ab + x->pkts_ba, py = y->pkts_ab + y->pkts_ba;
  if (px != py)
    return px > py ? -1 : 1;
  uint64_t bx = x->bytes_ab + x->bytes_ba, by = y->bytes_ab + y->bytes_ba;
  if (bx != by)
    return bx > by ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The conversations of one kind, sorted; caller frees. */
static const conv **conv_list(stats *s, int kind, size_t *n) {
  const conv **v = malloc((s->nconv ? s->nconv : 1) * sizeof *v);
  size_t k = 0;
  if (!v) {
    *n = 0;
    return NULL;
  }
  for (size_t i = 0; i < s->nconv; i++)
    if (s->conv[i].k.kind == kind)
      v[k++] = &s->conv[i];
  qsort(v, k, sizeof *v, conv_cmp);
  *n = k;
  return v;
}

static void conv_side(obuf *o, const conv *c, int a, int ports) {
  int lo = a ? c->a_is_lo : !c->a_is_lo;
  put_addr(o, lo ? c->k.lo : c->k.hi, c->k.v6);
  if (ports) {
    ob_c(o, c->k.v6 ? '.' : ':');
    ob_u(o, lo ? c->k.port_lo : c->k.port_hi);
  }
}

typedef struct talker {
  uint8_t addr[16];
  uint8_t v6;
  uint64_t pkts_tx, bytes_tx, pkts_rx, bytes_rx;
} talker;

static int talker_cmp(const void *a, const void *b) {
  const talker *x = a, *y = b;
  uint64_t bx = x->bytes_tx + x->bytes_rx, by = y->bytes_tx + y->bytes_rx;
  if (bx != by)
    return bx > by ? -1 : 1;
  if (x->v6 != y->v6)
    return x->v6 - y->v6;
  return memcmp(x->addr, y->addr, 16);
}

/* Hosts from the IP conversations (sorted by bytes); caller frees. */
static talker *talkers(stats *s, size_t *n) {
  size_t cap = 2 * s->nconv + 1, k = 0, hc = 16;
  while (hc < cap * 2)
    hc *= 2;
  talker *v = calloc(cap, sizeof *v);
  int32_t *h = malloc(hc * sizeof *h);
  if (!v || !h) {
    free(v);
    free(h);
    *n = 0;
    return NULL;
  }
  for (size_t i = 0; i < hc; i++)
    h[i] = -1;
  for (size_t i = 0; i < s->nconv; i++) {
    const conv *c = &s->conv[i];
    if (c->k.kind != C_IP)
      continue;
    for (int side = 0; side < 2; side++) {
      const uint8_t *a = side ? c->k.hi : c->k.lo;
      uint64_t hv = 0xcbf29ce484222325ull;
      for (int j = 0; j < 16; j++)
        hv = (hv ^ a[j]) * 0x100000001b3ull;
      hv ^= c->k.v6;
      size_t j = (size_t)(hv ^ (hv >> 31)) & (hc - 1);
      while (h[j] >= 0 && !(v[h[j]].v6 == c->k.v6 &&
                             memcmp(v[h[j]].addr, a, 16) == 0))
        j = (j + 1) & (hc - 1);
      if (h[j] < 0) {
        h[j] = (int32_t)k;
        memcpy(v[k].addr, a, 16);
        v[k].v6 = c->k.v6;
        k++;
      }
      talker *t = &v[h[j]];
      /* lo side sends ab when A is lo */
      int is_a = side == 0 ? c->a_is_lo : !c->a_is_lo;
      t->pkts_tx += is_a ? c->pkts_ab : c->pkts_ba;
      t->bytes_tx += is_a ? c->bytes_ab : c->bytes_ba;
      t->pkts_rx += is_a ? c->pkts_ba : c->pkts_ab;
      t->bytes_rx += is_a ? c->bytes_ba : c->bytes_ab;
    }
  }
  free(h);
  qsort(v, k, sizeof *v, talker_cmp);
  *n = k;
  return v;
}

static void size_label(obuf *o, int i) {
  uint32_t lo = i ? size_edges[i - 1] : 0;
  ob_u(o, lo);
  if (i < NSIZE - 1) {
    ob_c(o, '-');
    ob_u(o, size_edges[i] - 1);
  } else {
    ob_s(o, "+");
  }
}

static const char *const kind_name[] = {[C_IP] = "ip", [C_TCP] = "tcp",
                                        [C_UDP] = "udp"};

static void text_report(stats *s, obuf *o, size_t top) {
  char t[64];
  ob_s(o, "Packets: ");
  ob_u(o, s->pkts);
  ob_s(o, "\nBytes: ");
  ob_u(o, s->bytes);
  if (s->caplen_bytes != s->bytes) {
    ob_s(o, " (captured ");
    ob_u(o, s->caplen_bytes);
    ob_c(o, ')');
  }
  if (s->have_time) {
    ob_s(o, "\nFirst: ");
    cli_fmt_time(t, sizeof t, s->first_ns / 1000000000,
                 (uint32_t)(s->first_ns % 1000000000), 6);
    ob_s(o, t);
    ob_s(o, "\nLast: ");
    cli_fmt_time(t, sizeof t, s->last_ns / 1000000000,
                 (uint32_t)(s->last_ns % 1000000000), 6);
    ob_s(o, t);
    ob_s(o, "\nDuration: ");
    put_secs(o, s->last_ns - s->first_ns);
    ob_s(o, " s");
  }
  ob_s(o, "\n\nProtocol hierarchy              packets           bytes"
          "  %packets   %bytes\n");
  if (s->nph)
    ph_text(s, o, 0, 0);
  for (int kind = 0; kind <= C_UDP; kind++) {
    if (kind != C_IP && kind != C_TCP && kind != C_UDP)
      continue;
    size_t n;
    const conv **v = conv_list(s, kind, &n);
    if (!v)
      continue;
    ob_s(o, kind == C_IP ? "\nIP conversations ("
                         : kind == C_TCP ? "\nTCP conversations ("
                                         : "\nUDP conversations (");
    ob_u(o, n);
    ob_s(o, ")\n");
    size_t h0 = o->n;
    ob_c(o, 'A');
    pad_to(o, h0, 43);
    h0 = o->n;
    ob_c(o, 'B');
    pad_to(o, h0, 41);
    ob_s(o, "  A->B pkts    A->B bytes  B->A pkts    B->A bytes  start s   "
            "  duration s\n");
    for (size_t i = 0; i < n && (!top || i < top); i++) {
      const conv *c = v[i];
      ob_need(o, 512);
      size_t st = o->n;
      conv_side(o, c, 1, kind != C_IP);
      pad_to(o, st, 42);
      ob_c(o, ' ');
      st = o->n;
      conv_side(o, c, 0, kind != C_IP);
      pad_to(o, st, 41);
      put_ur(o, c->pkts_ab, 11);
      put_ur(o, c->bytes_ab, 14);
      put_ur(o, c->pkts_ba, 11);
      put_ur(o, c->bytes_ba, 14);
      ob_s(o, "  ");
      st = o->n;
      put_secs(o, c->first_ns - s->first_ns);
      pad_to(o, st, 10);
      ob_s(o, "  ");
      put_secs(o, c->last_ns - c->first_ns);
      ob_c(o, '\n');
    }
    if (top && n > top) {
      ob_s(o, "... ");
      ob_u(o, n - top);
      ob_s(o, " more\n");
    }
    free(v);
  }
  size_t nt;
  talker *tv = talkers(s, &nt);
  ob_s(o, "\nTop talkers (");
  ob_u(o, nt);
  ob_s(o, " hosts)\n");
  {
    size_t h0 = o->n;
    ob_s(o, "Address");
    pad_to(o, h0, 40);
    snprintf(t, sizeof t, "%11s%14s", "packets", "bytes");
    ob_s(o, t);
    snprintf(t, sizeof t, "%11s%14s", "tx pkts", "tx bytes");
    ob_s(o, t);
    snprintf(t, sizeof t, "%11s%14s\n", "rx pkts", "rx bytes");
    ob_s(o, t);
  }
  for (size_t i = 0; i < nt && (!top || i < top); i++) {
    ob_need(o, 512);
    size_t st = o->n;
    put_addr(o, tv[i].addr, tv[i].v6);
    pad_to(o, st, 40);
    put_ur(o, tv[i].pkts_tx + tv[i].pkts_rx, 11);
    put_ur(o, tv[i].bytes_tx + tv[i].bytes_rx, 14);
    put_ur(o, tv[i].pkts_tx, 11);
    put_ur(o, tv[i].bytes_tx, 14);
    put_ur(o, tv[i].pkts_rx, 11);
    put_ur(o, tv[i].bytes_rx, 14);
    ob_c(o, '\n');
  }
  free(tv);
  ob_s(o, "\nPacket sizes (bytes)      packets        %         bytes\n");
  for (int i = 0; i < NSIZE; i++) {
    if (!s->size_pkts[i])
      continue;
    size_t st = o->n;
    size_label(o, i);
    pad_to(o, st, 17);
    put_ur(o, s->size_pkts[i], 16);
    ob_s(o, "  ");
    put_pct(o, s->size_pkts[i], s->pkts);
    put_ur(o, s->size_bytes[i], 14);
    ob_c(o, '\n');
  }
  if (s->pkts) {
    ob_s(o, "min ");
    ob_u(o, s->size_min);
    ob_s(o, ", max ");
    ob_u(o, s->size_max);
    ob_s(o, ", mean ");
    snprintf(t, sizeof t, "%.1f", (double)s->bytes / (double)s->pkts);
    ob_s(o, t);
    ob_c(o, '\n');
  }
  ob_s(o, "\nThroughput (interval ");
  put_secs(o, s->interval_ns);
  ob_s(o, " s)\nstart s        packets           bytes        bits/s\n");
  double secs = (double)s->interval_ns / 1e9;
  for (size_t i = 0; i < s->ntp; i++) {
    ob_need(o, 128);
    size_t st = o->n;
    put_secs(o, (int64_t)i * s->interval_ns + s->tp_base - s->first_ns);
    pad_to(o, st, 10);
    put_ur(o, s->tp_pkts[i], 12);
    put_ur(o, s->tp_bytes[i], 16);
    snprintf(t, sizeof t, "%13.0f", (double)s->tp_bytes[i] * 8 / secs);
    ob_s(o, t);
    ob_c(o, '\n');
  }
}

static void json_ph(stats *s, obuf *o, int node, int *first) {
  for (int c = node; c >= 0; c = s->ph[c].next_sibling) {
    ob_s(o, *first ? "{\"path\":\"" : ",{\"path\":\"");
    *first = 0;
    ph_path(s, o, c);
    ob_s(o, "\",\"protocol\":\"");
    ob_s(o, s->ph[c].name);
    ob_s(o, "\",\"packets\":");
    ob_u(o, s->ph[c].pkts);
    ob_s(o, ",\"bytes\":");
    ob_u(o, s->ph[c].bytes);
    ob_c(o, '}');
    json_ph(s, o, s->ph[c].first_child, first);
  }
}

static void json_conv_side(obuf *o, const conv *c, int a, int ports) {
  ob_c(o, '"');
  int lo = a ? c->a_is_lo : !c->a_is_lo;
  put_addr(o, lo ? c->k.lo : c->k.hi, c->k.v6);
  ob_c(o, '"');
  if (ports) {
    ob_s(o, a ? ",\"port_a\":" : ",\"port_b\":");
    ob_u(o, lo ? c->k.port_lo : c->k.port_hi);
  }
}

static void json_report(stats *s, obuf *o, size_t top) {
  ob_s(o, "{\"packets\":");
  ob_u(o, s->pkts);
  ob_s(o, ",\"bytes\":");
  ob_u(o, s->bytes);
  ob_s(o, ",\"captured_bytes\":");
  ob_u(o, s->caplen_bytes);
  if (s->have_time) {
    ob_s(o, ",\"first\":");
    put_secs(o, s->first_ns);
    ob_s(o, ",\"last\":");
    put_secs(o, s->last_ns);
    ob_s(o, ",\"duration\":");
    put_secs(o, s->last_ns - s->first_ns);
  }
  ob_s(o, ",\"hierarchy\":[");
  int first = 1;
  if (s->nph)
    json_ph(s, o, 0, &first);
  ob_c(o, ']');
  for (int kind = 0; kind <= C_UDP; kind++) {
    if (kind != C_IP && kind != C_TCP && kind != C_UDP)
      continue;
    size_t n;
    const conv **v = conv_list(s, kind, &n);
    if (!v)
      continue;
    ob_s(o, ",\"conversations_");
    ob_s(o, kind_name[kind]);
    ob_s(o, "\":{\"count\":");
    ob_u(o, n);
    ob_s(o, ",\"rows\":[");
    for (size_t i = 0; i < n && (!top || i < top); i++) {
      const conv *c = v[i];
      ob_s(o, i ? ",{\"a\":" : "{\"a\":");
      json_conv_side(o, c, 1, kind != C_IP);
      ob_s(o, ",\"b\":");
      json_conv_side(o, c, 0, kind != C_IP);
      ob_s(o, ",\"packets_ab\":");
      ob_u(o, c->pkts_ab);
      ob_s(o, ",\"bytes_ab\":");
      ob_u(o, c->bytes_ab);
      ob_s(o, ",\"packets_ba\":");
      ob_u(o, c->pkts_ba);
      ob_s(o, ",\"bytes_ba\":");
      ob_u(o, c->bytes_ba);
      ob_s(o, ",\"start\":");
      put_secs(o, c->first_ns - s->first_ns);
      ob_s(o, ",\"duration\":");
      put_secs(o, c->last_ns - c->first_ns);
      ob_c(o, '}');
    }
    ob_s(o, "]}");
    free(v);
  }
  size_t nt;
  talker *tv = talkers(s, &nt);
  ob_s(o, ",\"talkers\":[");
  for (size_t i = 0; i < nt && (!top || i < top); i++) {
    ob_s(o, i ? ",{\"address\":\"" : "{\"address\":\"");
    put_addr(o, tv[i].addr, tv[i].v6);
    ob_s(o, "\",\"packets_tx\":");
    ob_u(o, tv[i].pkts_tx);
    ob_s(o, ",\"bytes_tx\":");
    ob_u(o, tv[i].bytes_tx);
    ob_s(o, ",\"packets_rx\":");
    ob_u(o, tv[i].pkts_rx);
    ob_s(o, ",\"bytes_rx\":");
    ob_u(o, tv[i].bytes_rx);
    ob_c(o, '}');
  }
  free(tv);
  ob_s(o, "],\"sizes\":[");
  for (int i = 0, k = 0; i < NSIZE; i++) {
    if (!s->size_pkts[i])
      continue;
    ob_s(o, k++ ? ",{\"range\":\"" : "{\"range\":\"");
    size_label(o, i);
    ob_s(o, "\",\"packets\":");
    ob_u(o, s->size_pkts[i]);
    ob_s(o, ",\"bytes\":");
    ob_u(o, s->size_bytes[i]);
    ob_c(o, '}');
  }
  ob_s(o, "],\"interval\":");
  put_secs(o, s->interval_ns);
  ob_s(o, ",\"throughput\":[");
  for (size_t i = 0; i < s->ntp; i++) {
    ob_s(o, i ? ",{\"start\":" : "{\"start\":");
    put_secs(o, (int64_t)i * s->interval_ns + s->tp_base - s->first_ns);
    ob_s(o, ",\"packets\":");
    ob_u(o, s->tp_pkts[i]);
    ob_s(o, ",\"bytes\":");
    ob_u(o, s->tp_bytes[i]);
    ob_c(o, '}');
  }
  ob_s(o, "]}\n");
}

static int csv_report(stats *s, obuf *o, const char *table) {
  if (!strcmp(table, "hierarchy")) {
    ob_s(o, "path,protocol,depth,packets,bytes\n");
    /* pre-order, as in the text table */
    int stack[64], sp = 0, depth[64];
    if (s->nph) {
      stack[sp] = 0;
      depth[sp++] = 0;
    }
    while (sp) {
      int c = stack[--sp], d = depth[sp];
      ph_path(s, o, c);
      ob_c(o, ',');
      ob_s(o, s->ph[c].name);
      ob_c(o, ',');
      ob_u(o, (uint64_t)d);
      ob_c(o, ',');
      ob_u(o, s->ph[c].pkts);
      ob_c(o, ',');
      ob_u(o, s->ph[c].bytes);
      ob_c(o, '\n');
      /* push the sibling, then the child, so the child comes first */
      if (s->ph[c].next_sibling >= 0 && sp < 63) {
        stack[sp] = s->ph[c].next_sibling;
        depth[sp++] = d;
      }
      if (s->ph[c].first_child >= 0 && sp < 63) {
        stack[sp] = s->ph[c].first_child;
        depth[sp++] = d + 1;
      }
    }
    return 0;
  }
  int kind = !strcmp(table, "ip")    ? C_IP
             : !strcmp(table, "tcp") ? C_TCP
             : !strcmp(table, "udp") ? C_UDP
                                     : -1;
  if (kind >= 0) {
    size_t n;
    const conv **v = conv_list(s, kind, &n);
    ob_s(o, kind == C_IP ? "a,b,packets_ab,bytes_ab,packets_ba,bytes_ba,start,"
                           "duration\n"
                         : "a,port_a,b,port_b,packets_ab,bytes_ab,packets_ba,"
                           "bytes_ba,start,duration\n");
    for (size_t i = 0; v && i < n; i++) {
      const conv *c = v[i];
      int alo = c->a_is_lo;
      put_addr(o, alo ? c->k.lo : c->k.hi, c->k.v6);
      if (kind != C_IP) {
        ob_c(o, ',');
        ob_u(o, alo ? c->k.port_lo : c->k.port_hi);
      }
      ob_c(o, ',');
      put_addr(o, alo ? c->k.hi : c->k.lo, c->k.v6);
      if (kind != C_IP) {
        ob_c(o, ',');
        ob_u(o, alo ? c->k.port_hi : c->k.port_lo);
      }
      ob_c(o, ',');
      ob_u(o, c->pkts_ab);
      ob_c(o, ',');
      ob_u(o, c->bytes_ab);
      ob_c(o, ',');
      ob_u(o, c->pkts_ba);
      ob_c(o, ',');
      ob_u(o, c->bytes_ba);
      ob_c(o, ',');
      put_secs(o, c->first_ns - s->first_ns);
      ob_c(o, ',');
      put_secs(o, c->last_ns - c->first_ns);
      ob_c(o, '\n');
    }
    free(v);
    return 0;
  }
  if (!strcmp(table, "talkers")) {
    size_t nt;
    talker *tv = talkers(s, &nt);
    ob_s(o, "address,packets_tx,bytes_tx,packets_rx,bytes_rx\n");
    for (size_t i = 0; tv && i < nt; i++) {
      put_addr(o, tv[i].addr, tv[i].v6);
      ob_c(o, ',');
      ob_u(o, tv[i].pkts_tx);
      ob_c(o, ',');
      ob_u(o, tv[i].bytes_tx);
      ob_c(o, ',');
      ob_u(o, tv[i].pkts_rx);
      ob_c(o, ',');
      ob_u(o, tv[i].bytes_rx);
      ob_c(o, '\n');
    }
    free(tv);
    return 0;
  }
  if (!strcmp(table, "sizes")) {
    ob_s(o, "range,packets,bytes\n");
    for (int i = 0; i < NSIZE; i++) {
      size_label(o, i);
      ob_c(o, ',');
      ob_u(o, s->size_pkts[i]);
      ob_c(o, ',');
      ob_u(o, s->size_bytes[i]);
      ob_c(o, '\n');
    }
    return 0;
  }
  if (!strcmp(table, "throughput")) {
    ob_s(o, "start,packets,bytes\n");
    for (size_t i = 0; i < s->ntp; i++) {
      put_secs(o, (int64_t)i * s->interval_ns + s->tp_base - s->first_ns);
      ob_c(o, ',');
      ob_u(o, s->tp_pkts[i]);
      ob_c(o, ',');
      ob_u(o, s->tp_bytes[i]);
      ob_c(o, '\n');
    }
    return 0;
  }
  return -1;
}

static int parse_interval(const char *a, int64_t *ns) {
  double v;
  if (cli_parse_positive(a, 1e9, &v))
    return -1;
  *ns = (int64_t)llround(v * 1e9);
  return *ns > 0 ? 0 : -1;
}

int cmd_stats(int argc, char **argv) {
  static const struct option opts[] = {
      {"interval", required_argument, NULL, 'i'},
      {"top", required_argument, NULL, 'n'},
      {"json", no_argument, NULL, 'J'},
      {"csv", required_argument, NULL, 'C'},
      {"filter", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int json = 0, ch;
  const char *csv = NULL, *filter = NULL;
  uint64_t top = 10;
  int64_t interval = 1000000000;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "i:n:f:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'i':
      if (parse_interval(optarg, &interval) != 0)
        return cli_usage_error("stats", "bad interval '%s'", optarg);
      break;
    case 'n':
      if (cli_parse_u64(optarg, &top) != 0)
        return cli_usage_error("stats", "bad count '%s'", optarg);
      break;
    case 'J':
      json = 1;
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
  static const char *const tables[] = {"hierarchy", "ip",    "tcp",
                                       "udp",       "talkers", "sizes",
                                       "throughput"};
  if (csv) {
    size_t i = 0;
    while (i < sizeof tables / sizeof *tables && strcmp(tables[i], csv))
      i++;
    if (i == sizeof tables / sizeof *tables)
      return cli_usage_error("stats", "unknown table '%s'", csv);
    if (json)
      return cli_usage_error("stats", "--json and --csv do not mix");
  }
  stats *s = calloc(1, sizeof *s);
  if (!s) {
    cli_err("stats", "out of memory");
    return EXIT_IO;
  }
  s->interval_ns = interval;
  capkit_filter *flt = filter ? capkit_filter_new(filter) : NULL;
  if (filter && !flt) {
    free(s);
    cli_err("stats", "out of memory");
    return EXIT_IO;
  }
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  int code = EXIT_OK;
  for (int fi = optind; fi < argc; fi++) {
    cli_input in;
    int oc = cli_input_open(&in, "stats", argv[fi], flt);
    if (oc == EXIT_USAGE) {
      code = oc;
      break;
    }
    if (oc) {
      code = code ? code : oc;
      continue;
    }
    capkit_record rec = CAPKIT_RECORD_INIT;
    int rc;
    while ((rc = cli_input_next(&in, &rec)) > 0) {
      capkit_decode_record(&pkt, &rec, 0);
      if (count_packet(s, &rec, &pkt) != 0) {
        cli_err("stats", "out of memory");
        code = EXIT_IO;
        break;
      }
    }
    if (rc < 0) {
      int e = cli_input_report(&in, &rec, rc);
      if (!code || rc == CAPKIT_EFILTER)
        code = e;
    }
    cli_input_close(&in);
    if (code == EXIT_USAGE || code == EXIT_IO)
      break;
  }
  if (code != EXIT_USAGE) {
    obuf o;
    if (ob_init(&o, stdout, 1 << 18) != 0) {
      cli_err("stats", "out of memory");
      code = EXIT_IO;
    } else {
      if (csv)
        csv_report(s, &o, csv);
      else if (json)
        json_report(s, &o, top);
      else
        text_report(s, &o, top);
      if (ob_close(&o) != 0 && !code)
        code = EXIT_IO;
    }
  }
  capkit_filter_free(flt);
  free(s->conv);
  free(s->hash);
  free(s->tp_pkts);
  free(s->tp_bytes);
  free(s);
  return code;
}

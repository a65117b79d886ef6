/* stats.c - the statistics accumulator: settings, the per-record entry
 * point, the file summary, link types, the size histogram and the protocol
 * hierarchy, and merging. Conversations are in conv.c, the series in
 * series.c. */
#include <stdlib.h>
#include <string.h>

#include "stats/stats_int.h"

capkit_span capkit_time_span(capkit_time a, capkit_time b) {
  capkit_span d = {0, 0, 0};
  if (capkit__time_cmp(a, b) < 0) {
    capkit_time t = a;
    a = b;
    b = t;
    d.negative = 1;
  }
  /* a >= b: the difference of the seconds fits in uint64 */
  uint64_t sec = (uint64_t)a.sec - (uint64_t)b.sec;
  if (a.nsec >= b.nsec) {
    d.nsec = a.nsec - b.nsec;
  } else {
    d.nsec = a.nsec + 1000000000u - b.nsec;
    sec--;
  }
  d.sec = sec;
  return d;
}

double capkit_span_seconds(capkit_span d) {
  double v = (double)d.sec + (double)d.nsec / 1e9;
  return d.negative ? -v : v;
}

capkit_stats *capkit_stats_new(const capkit_stats_settings *set) {
  capkit_stats_settings def = CAPKIT_STATS_SETTINGS_INIT;
  if (!set)
    set = &def;
  if (set->size < sizeof(capkit_stats_settings) ||
      (set->what & ~CAPKIT_STATS_ALL) ||
      set->interval_ns > 1000000000000000000ull || set->max_bins == 1 ||
      (set->has_origin && set->origin.nsec > 999999999u))
    return NULL;
  capkit_stats *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->set = *set;
  s->set.size = sizeof s->set;
  if (!s->set.what)
    s->set.what = CAPKIT_STATS_ALL;
  s->set.what |= CAPKIT_STATS_SUMMARY;
  if (!s->set.interval_ns)
    s->set.interval_ns = 1000000000u;
  if (!s->set.max_conversations)
    s->set.max_conversations = 1u << 20;
  if (s->set.max_conversations > UINT32_MAX / 4)
    s->set.max_conversations = UINT32_MAX / 4;
  if (!s->set.max_bins)
    s->set.max_bins = 100000;
  if (s->set.has_origin) {
    s->have_origin = 1;
    s->origin = s->set.origin;
  }
  if (s->set.what & CAPKIT_STATS_HIERARCHY) {
    s->node = malloc(CAPKIT_STATS_MAX_NODES * sizeof *s->node);
    if (!s->node) {
      free(s);
      return NULL;
    }
  }
  capkit_packet_init(&s->pkt, s->layers, CAPKIT_DECODE_MAX_LAYERS);
  capkit__stats_series_init(s);
  return s;
}

int capkit_stats_series_mode(capkit_stats *s, unsigned mode) {
  if (!s ||
      (mode & ~(CAPKIT_STATS_SERIES_ROUND | CAPKIT_STATS_SERIES_LAYERS)) ||
      !(s->set.what & CAPKIT_STATS_SERIES) || s->sum.packets)
    return CAPKIT_EMISUSE;
  s->mode = mode;
  capkit__stats_series_init(s);
  return 0;
}

void capkit_stats_free(capkit_stats *s) {
  if (!s)
    return;
  capkit__stats_conv_free(s);
  free(s->node);
  free(s->iface);
  free(s->bin);
  free(s->lay);
  free(s);
}

/* ---- summary pieces --------------------------------------------------- */

static void count_linktype(capkit_stats *s, uint32_t lt, uint64_t packets) {
  for (size_t i = 0; i < s->nlt; i++)
    if (s->lt[i] == lt) {
      s->lt_packets[i] += packets;
      return;
    }
  if (s->nlt < CAPKIT__MAX_LINKTYPES) {
    s->lt[s->nlt] = lt;
    s->lt_packets[s->nlt++] = packets;
  }
}

static int count_iface(capkit_stats *s, uint32_t id, uint64_t packets) {
  if (id > 65535)
    return 0;
  if (id >= s->niface) {
    size_t n = s->niface ? s->niface : 4;
    while (n <= id)
      n *= 2;
    uint64_t *p = realloc(s->iface, n * sizeof *p);
    if (!p)
      return CAPKIT_ENOMEM;
    memset(p + s->niface, 0, (n - s->niface) * sizeof *p);
    s->iface = p;
    s->niface = n;
  }
  s->iface[id] += packets;
  return 0;
}

static int size_bin(uint32_t len) {
  /* edges 20, 40, 80, ... 20480 */
  int i = 0;
  for (uint32_t e = 20; i < CAPKIT_STATS_SIZE_BINS - 1 && len >= e; e *= 2)
    i++;
  return i;
}

/* ---- hierarchy -------------------------------------------------------- */

/* The child NAME of PARENT (-1: a root), made when missing; -1 when the
 * hierarchy is full. */
static int ph_child(capkit_stats *s, int parent, const char *name) {
  int c = parent < 0 ? (s->nnode ? 0 : -1) : s->node[parent].first_child;
  int last = -1;
  for (; c >= 0; c = s->node[c].next_sibling) {
    if (s->node[c].name == name || strcmp(s->node[c].name, name) == 0)
      return c;
    last = c;
  }
  if (s->nnode >= CAPKIT_STATS_MAX_NODES)
    return -1;
  int n = (int)s->nnode++;
  s->node[n] = (capkit_stats_node){name, parent, -1, -1, 0, 0};
  if (last >= 0)
    s->node[last].next_sibling = n;
  else if (parent >= 0)
    s->node[parent].first_child = n;
  return n;
}

static int ph_count(capkit_stats *s, int parent, const char *name,
                    uint32_t len) {
  int n = ph_child(s, parent, name);
  if (n >= 0) {
    s->node[n].packets++;
    s->node[n].bytes += len;
  }
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

static void ph_packet(capkit_stats *s, const capkit_packet *p, uint32_t len) {
  int node = -1;
  if (p->linktype == CAPKIT_LINKTYPE_RAW) /* tshark: a "raw" node */
    node = ph_count(s, -1, "raw", len);
  if (p->count == 0) /* a link type the decoder does not know */
    node = ph_count(s, -1, "data", len);
  int frag = 0;
  for (size_t i = 0; i < p->count; i++) {
    const capkit_layer *l = &p->layers[i];
    const char *name = ph_name(l);
    if (name) {
      int n = ph_count(s, node, name, len);
      if (n >= 0)
        node = n;
    }
    if ((l->type == CAPKIT_LAYER_IPV4 || l->type == CAPKIT_LAYER_IPV6) &&
        !(l->status & (CAPKIT_LAYER_TRUNCATED | CAPKIT_LAYER_MALFORMED)))
      frag = (l->status & CAPKIT_LAYER_FRAGMENT) != 0;
  }
  /* undecoded transport payload, and later IPv4 fragments, are tshark's
   * "data" (when it does not reassemble) */
  if (p->count) {
    const capkit_layer *l = &p->layers[p->count - 1];
    if (((l->type == CAPKIT_LAYER_IPV4 && frag && l->u.ipv4.frag_off) ||
         (l->type == CAPKIT_LAYER_IPV6_EXT && l->u.ipv6_ext.type == 44 &&
          l->u.ipv6_ext.frag_off)) &&
        l->offset + l->len < p->caplen)
      ph_count(s, node, "data", len);
    if ((l->type == CAPKIT_LAYER_UDP || l->type == CAPKIT_LAYER_TCP) &&
        !(l->status & (CAPKIT_LAYER_TRUNCATED | CAPKIT_LAYER_MALFORMED)) &&
        l->offset + l->len < p->caplen && l->payload_len)
      ph_count(s, node, "data", len);
  }
}

/* ---- one record ------------------------------------------------------- */

/* The packet's top layer (application, else transport, network, link):
 * 0 when the decoder placed none, or its type is beyond the bins' range. */
static int top_layer(const capkit_packet *p) {
  int i = p->app >= 0 ? p->app : p->trans >= 0 ? p->trans : p->net;
  if (i < 0)
    i = p->count ? 0 : -1;
  int t = i >= 0 ? p->layers[i].type : 0;
  return t > 0 && t < CAPKIT_STATS_BIN_LAYERS ? t : 0;
}

/* Widen D's length ranges to take in [lo, hi] and [clo, chi]. */
static inline void widen(capkit_stats_summary *d, uint32_t lo, uint32_t hi,
                         uint32_t clo, uint32_t chi) {
  if (lo < d->min_len)
    d->min_len = lo;
  if (hi > d->max_len)
    d->max_len = hi;
  if (clo < d->min_caplen)
    d->min_caplen = clo;
  if (chi > d->max_caplen)
    d->max_caplen = chi;
}

/* Add X's counted fields to D, X's records coming after D's. */
static void fold(capkit_stats_summary *d, const capkit_stats_summary *x) {
  if (d->packets == 0) {
    uint64_t ooo = d->out_of_order;
    *d = *x;
    d->out_of_order += ooo;
    return;
  }
  if (capkit__time_cmp(x->first, d->last) < 0)
    d->out_of_order++;
  if (capkit__time_cmp(x->earliest, d->earliest) < 0)
    d->earliest = x->earliest;
  if (capkit__time_cmp(x->latest, d->latest) > 0)
    d->latest = x->latest;
  widen(d, x->min_len, x->max_len, x->min_caplen, x->max_caplen);
  d->last = x->last;
  d->out_of_order += x->out_of_order;
  d->packets += x->packets;
  d->bytes += x->bytes;
  d->captured_bytes += x->captured_bytes;
}

/* Count one record of LEN (original) and CAP (captured) bytes at T. */
static inline void add_one(capkit_stats_summary *d, capkit_time t,
                           uint32_t len, uint32_t cap) {
  if (d->packets++ == 0) {
    d->first = d->last = d->earliest = d->latest = t;
    d->min_len = d->max_len = len;
    d->min_caplen = d->max_caplen = cap;
  } else {
    /* earliest <= last <= latest */
    if (capkit__time_cmp(t, d->last) < 0) {
      d->out_of_order++;
      if (capkit__time_cmp(t, d->earliest) < 0)
        d->earliest = t;
    } else if (capkit__time_cmp(t, d->latest) > 0) {
      d->latest = t;
    }
    d->last = t;
    widen(d, len, len, cap, cap);
  }
  d->bytes += len;
  d->captured_bytes += cap;
}

int capkit_stats_add(capkit_stats *s, const capkit_record *rec,
                     const capkit_packet *pkt) {
  if (!s || !rec ||
      rec->size < offsetof(capkit_record, extra) + sizeof rec->extra)
    return CAPKIT_EMISUSE;
  capkit_time t = {rec->ts_sec, rec->ts_nsec};
  uint32_t len = rec->origlen;
  add_one(&s->sum, t, len, rec->caplen);
  int rc = 0;
  uint32_t lt = rec->iface ? rec->iface->linktype
                : pkt      ? pkt->linktype
                           : CAPKIT_LINKTYPE_ETHERNET;
  if (s->nlt && s->lt[0] == lt)
    s->lt_packets[0]++;
  else
    count_linktype(s, lt, 1);
  if (rec->iface_id < s->niface)
    s->iface[rec->iface_id]++;
  else if (count_iface(s, rec->iface_id, 1) != 0)
    rc = CAPKIT_ENOMEM;
  if (s->set.what & CAPKIT_STATS_SIZES) {
    int b = size_bin(len);
    s->size_packets[b]++;
    s->size_bytes[b] += len;
  }
  int layer = 0;
  if ((s->set.what & (CAPKIT_STATS_HIERARCHY | CAPKIT_STATS_CONVERSATIONS)) ||
      (s->mode & CAPKIT_STATS_SERIES_LAYERS)) {
    if (!pkt) {
      capkit_decode_record(&s->pkt, rec, 0);
      pkt = &s->pkt;
    }
    if (s->set.what & CAPKIT_STATS_HIERARCHY)
      ph_packet(s, pkt, len);
    if ((s->set.what & CAPKIT_STATS_CONVERSATIONS) &&
        capkit__stats_conv_packet(s, pkt, len, t) != 0)
      rc = CAPKIT_ENOMEM;
    if (s->mode & CAPKIT_STATS_SERIES_LAYERS)
      layer = top_layer(pkt);
  }
  if ((s->set.what & CAPKIT_STATS_SERIES) &&
      capkit__stats_series_add(s, t, len, layer) != 0)
    rc = CAPKIT_ENOMEM;
  return rc;
}

/* ---- merging ---------------------------------------------------------- */

int capkit_stats_merge(capkit_stats *dst, const capkit_stats *src) {
  if (!dst || !src || dst == src || dst->set.what != src->set.what ||
      dst->mode != src->mode || dst->set.interval_ns != src->set.interval_ns ||
      dst->set.has_origin != src->set.has_origin ||
      dst->set.max_conversations != src->set.max_conversations ||
      dst->set.max_bins != src->set.max_bins ||
      (dst->set.has_origin &&
       capkit__time_cmp(dst->set.origin, src->set.origin) != 0))
    return CAPKIT_EMISUSE;
  if (src->sum.packets == 0)
    return 0;
  /* the series first: the one part that can refuse */
  int rc = capkit__stats_series_merge(dst, src);
  if (rc != 0)
    return rc;
  fold(&dst->sum, &src->sum);
  for (size_t i = 0; i < src->nlt; i++)
    count_linktype(dst, src->lt[i], src->lt_packets[i]);
  for (size_t i = src->niface; i-- > 0;)
    if (src->iface[i] && count_iface(dst, (uint32_t)i, src->iface[i]) != 0)
      return CAPKIT_ENOMEM;
  for (int i = 0; i < CAPKIT_STATS_SIZE_BINS; i++) {
    dst->size_packets[i] += src->size_packets[i];
    dst->size_bytes[i] += src->size_bytes[i];
  }
  if (dst->node) {
    /* parents come before their children in storage order */
    int map[CAPKIT_STATS_MAX_NODES];
    for (size_t i = 0; i < src->nnode; i++) {
      const capkit_stats_node *n = &src->node[i];
      int parent = n->parent >= 0 ? map[n->parent] : -1;
      map[i] =
          n->parent >= 0 && parent < 0 ? -1 : ph_child(dst, parent, n->name);
      if (map[i] >= 0) {
        dst->node[map[i]].packets += n->packets;
        dst->node[map[i]].bytes += n->bytes;
      }
    }
  }
  return capkit__stats_conv_merge(dst, src);
}

/* ---- getters ---------------------------------------------------------- */

int capkit_stats_get_summary(const capkit_stats *s, capkit_stats_summary *out) {
  if (!s || !out || out->size < sizeof(capkit_stats_summary))
    return CAPKIT_EMISUSE;
  capkit_stats_summary r = s->sum;
  r.duration =
      capkit_span_seconds(capkit_time_span(s->sum.latest, s->sum.earliest));
  if (r.duration > 0) {
    r.byte_rate = (double)s->sum.bytes / r.duration;
    r.bit_rate = (double)s->sum.bytes * 8 / r.duration;
    r.packet_rate = (double)s->sum.packets / r.duration;
  }
  if (s->sum.packets)
    r.mean_size = (double)s->sum.bytes / (double)s->sum.packets;
  r.size = out->size;
  *out = r;
  return 0;
}

size_t capkit_stats_linktype_count(const capkit_stats *s) {
  return s ? s->nlt : 0;
}

int capkit_stats_linktype(const capkit_stats *s, size_t i, uint32_t *lt,
                          uint64_t *packets) {
  if (!s || i >= s->nlt)
    return CAPKIT_ENOTFOUND;
  if (lt)
    *lt = s->lt[i];
  if (packets)
    *packets = s->lt_packets[i];
  return 0;
}

uint64_t capkit_stats_iface_packets(const capkit_stats *s, uint32_t id) {
  return s && id < s->niface ? s->iface[id] : 0;
}

size_t capkit_stats_node_count(const capkit_stats *s) {
  return s ? s->nnode : 0;
}

const capkit_stats_node *capkit_stats_node_at(const capkit_stats *s, size_t i) {
  return s && i < s->nnode ? &s->node[i] : NULL;
}

int capkit_stats_size_bin(const capkit_stats *s, int i, uint32_t *lo,
                          uint32_t *hi, uint64_t *packets, uint64_t *bytes) {
  if (!s || i < 0 || i >= CAPKIT_STATS_SIZE_BINS)
    return CAPKIT_ENOTFOUND;
  uint32_t l = i ? 10u << i : 0;
  if (lo)
    *lo = l;
  if (hi)
    *hi = i == CAPKIT_STATS_SIZE_BINS - 1 ? UINT32_MAX : (20u << i) - 1;
  if (packets)
    *packets = s->size_packets[i];
  if (bytes)
    *bytes = s->size_bytes[i];
  return 0;
}

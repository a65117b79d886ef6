/* tcp.c - TCP health per conversation: SYN/FIN/RST and zero-window counts,
 * and retransmission, out-of-order and lost-segment estimates from the
 * sequence numbers alone, in a fixed-size table (report.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

/* A segment arriving this soon after the one before it in its direction
 * is taken as reordered on the way rather than sent again (Wireshark's
 * tcp.analysis.out_of_order uses a similar short window). */
#define OOO_NS 3000000

typedef struct dir_state {
  uint32_t max_end; /* highest sequence end seen */
  uint8_t have;
  int64_t last_ns;
} dir_state;

typedef struct conv {
  capkit_tcp_conv_health pub;
  dir_state d[2];
} conv;

struct capkit_tcp_health {
  size_t max, n, mask;
  conv *v;
  uint32_t *slot; /* index + 1 into v, 0 empty */
  capkit_tcp_counts tot;
  uint64_t untracked;
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
};

capkit_tcp_health *capkit_tcp_health_new(size_t max) {
  if (max == 0)
    max = 20000;
  if (max > (1u << 30))
    return NULL;
  capkit_tcp_health *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  /* the index grows with the table (a small one stays in cache) */
  size_t cap = 1024;
  h->max = max;
  h->mask = cap - 1;
  h->v = calloc(max, sizeof *h->v);
  h->slot = calloc(cap, sizeof *h->slot);
  if (!h->v || !h->slot) {
    capkit_tcp_health_free(h);
    return NULL;
  }
  capkit_packet_init(&h->pkt, h->layers, CAPKIT_DECODE_MAX_LAYERS);
  return h;
}

void capkit_tcp_health_free(capkit_tcp_health *h) {
  if (!h)
    return;
  free(h->v);
  free(h->slot);
  free(h);
}

/* One side (address and port) as a number: words, not bytes, since this
 * runs for every TCP segment. */
static uint64_t side_hash(const uint8_t *a, size_t len, uint16_t port) {
  uint64_t x = port;
  for (size_t i = 0; i < len; i += 4) {
    uint32_t w;
    memcpy(&w, a + i, 4);
    x = (x ^ w) * 0x9e3779b97f4a7c15ull;
  }
  return x ^ (x >> 31);
}

static int same_side(const uint8_t *a, uint16_t pa, const uint8_t *b,
                     uint16_t pb, size_t len) {
  if (pa != pb)
    return 0;
  if (len == 4) {
    uint32_t x, y;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    return x == y;
  }
  return memcmp(a, b, len) == 0;
}

/* Double the index (at most half full after). 0 or -1 when out of memory
 * (the old index stays). */
static int grow(capkit_tcp_health *h) {
  size_t cap = (h->mask + 1) * 2;
  uint32_t *slot = calloc(cap, sizeof *slot);
  if (!slot)
    return -1;
  for (size_t k = 0; k < h->n; k++) {
    const capkit_tcp_conv_health *p = &h->v[k].pub;
    uint64_t hv = side_hash(p->a, p->addr_len, p->port_a) +
                  side_hash(p->b, p->addr_len, p->port_b);
    size_t i = (size_t)hv & (cap - 1);
    while (slot[i])
      i = (i + 1) & (cap - 1);
    slot[i] = (uint32_t)(k + 1);
  }
  free(h->slot);
  h->slot = slot;
  h->mask = cap - 1;
  return 0;
}

/* The conversation of src -> dst and the direction of this segment (0:
 * from A), made when new; NULL when the table is full. */
static conv *find(capkit_tcp_health *h, const uint8_t *src, uint16_t sp,
                  const uint8_t *dst, uint16_t dp, uint8_t len, int *dir) {
  if ((h->n + 1) * 2 > h->mask + 1 && h->n < h->max && grow(h) != 0)
    return NULL;
  /* symmetric, so both directions land on the same slot */
  uint64_t hv = side_hash(src, len, sp) + side_hash(dst, len, dp);
  for (size_t i = (size_t)hv & h->mask;; i = (i + 1) & h->mask) {
    uint32_t s = h->slot[i];
    if (!s) {
      if (h->n == h->max)
        return NULL;
      conv *c = &h->v[h->n];
      c->pub.addr_len = len;
      memcpy(c->pub.a, src, len);
      memcpy(c->pub.b, dst, len);
      c->pub.port_a = sp;
      c->pub.port_b = dp;
      h->slot[i] = (uint32_t)++h->n;
      *dir = 0;
      return c;
    }
    conv *c = &h->v[s - 1];
    if (c->pub.addr_len != len)
      continue;
    if (same_side(c->pub.a, c->pub.port_a, src, sp, len) &&
        same_side(c->pub.b, c->pub.port_b, dst, dp, len)) {
      *dir = 0;
      return c;
    }
    if (same_side(c->pub.a, c->pub.port_a, dst, dp, len) &&
        same_side(c->pub.b, c->pub.port_b, src, sp, len)) {
      *dir = 1;
      return c;
    }
  }
}

static void count_flags(capkit_tcp_counts *n, const capkit_tcp *t) {
  n->packets++;
  n->syn += (t->flags & CAPKIT_TCP_SYN) != 0;
  n->fin += (t->flags & CAPKIT_TCP_FIN) != 0;
  n->rst += (t->flags & CAPKIT_TCP_RST) != 0;
  n->zero_window +=
      t->window == 0 &&
      !(t->flags & (CAPKIT_TCP_SYN | CAPKIT_TCP_FIN | CAPKIT_TCP_RST));
}

/* The sequence estimates of one segment in direction D; WHICH: 0 none,
 * 1 retransmission, 2 out of order, 3 lost before it. */
static int sequence(dir_state *d, const capkit_tcp *t, uint32_t payload,
                    int64_t ns) {
  uint32_t len = payload + ((t->flags & CAPKIT_TCP_SYN) != 0) +
                 ((t->flags & CAPKIT_TCP_FIN) != 0);
  int which = 0;
  if (!d->have) {
    d->have = 1;
    d->max_end = t->seq + len;
  } else if (len > 0) {
    int32_t delta = (int32_t)(t->seq - d->max_end);
    int keepalive = len == 1 && delta == -1 &&
                    !(t->flags & (CAPKIT_TCP_SYN | CAPKIT_TCP_FIN));
    if (delta > 0)
      which = 3;
    else if (delta < 0 && !keepalive)
      which = ns >= d->last_ns && ns - d->last_ns < OOO_NS ? 2 : 1;
    if ((int32_t)(t->seq + len - d->max_end) > 0)
      d->max_end = t->seq + len;
  }
  d->last_ns = ns;
  return which;
}

static void add_which(capkit_tcp_counts *n, int which) {
  n->retransmissions += which == 1;
  n->out_of_order += which == 2;
  n->lost += which == 3;
}

int capkit_tcp_health_add(capkit_tcp_health *h, const capkit_record *rec,
                          const struct capkit_packet *pkt) {
  if (!h || !rec ||
      rec->size < offsetof(capkit_record, extra) + sizeof rec->extra)
    return CAPKIT_EMISUSE;
  if (!pkt) {
    capkit_decode_record(&h->pkt, rec, 0);
    pkt = &h->pkt;
  }
  int ti = -1, ni = -1;
  for (size_t i = 0; i < pkt->count; i++)
    if (pkt->layers[i].type == CAPKIT_LAYER_TCP) {
      ti = (int)i;
      break;
    }
  if (ti < 0 || (pkt->layers[ti].status & CAPKIT_LAYER_TRUNCATED))
    return 0;
  for (int i = ti - 1; i >= 0 && ni < 0; i--)
    if (pkt->layers[i].type == CAPKIT_LAYER_IPV4 ||
        pkt->layers[i].type == CAPKIT_LAYER_IPV6)
      ni = i;
  if (ni < 0)
    return 0;
  const capkit_layer *tl = &pkt->layers[ti], *nl = &pkt->layers[ni];
  const capkit_tcp *t = &tl->u.tcp;
  const uint8_t *src, *dst;
  uint8_t alen;
  if (nl->type == CAPKIT_LAYER_IPV4) {
    src = nl->u.ipv4.src;
    dst = nl->u.ipv4.dst;
    alen = 4;
  } else {
    src = nl->u.ipv6.src;
    dst = nl->u.ipv6.dst;
    alen = 16;
  }
  count_flags(&h->tot, t);
  int dir;
  conv *c = find(h, src, t->sport, dst, t->dport, alen, &dir);
  if (!c) {
    h->untracked++;
    return 0;
  }
  count_flags(&c->pub.n, t);
  int which =
      sequence(&c->d[dir], t, tl->payload_len, capkit_record_time_ns(rec));
  add_which(&c->pub.n, which);
  add_which(&h->tot, which);
  return 0;
}

void capkit_tcp_health_totals(const capkit_tcp_health *h,
                              capkit_tcp_counts *out, uint64_t *untracked) {
  if (out)
    *out = h->tot;
  if (untracked)
    *untracked = h->untracked;
}

size_t capkit_tcp_health_count(const capkit_tcp_health *h) { return h->n; }

const capkit_tcp_conv_health *capkit_tcp_health_at(const capkit_tcp_health *h,
                                                   size_t i) {
  return i < h->n ? &h->v[i].pub : NULL;
}

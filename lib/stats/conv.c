/* conv.c - conversation tables (Ethernet, IPv4, IPv6, TCP, UDP) with a cap
 * and overflow counters, and endpoints derived from them. */
#include <stdlib.h>
#include <string.h>

#include "stats/stats_int.h"

static uint64_t side_hash(const uint8_t *a, size_t n, uint16_t port) {
  uint64_t h = 0xcbf29ce484222325ull ^ port;
  for (size_t i = 0; i < n; i++)
    h = (h ^ a[i]) * 0x100000001b3ull;
  return h;
}

/* Symmetric: the same for both directions. */
static uint64_t conv_hash(const uint8_t *x, uint16_t xp, const uint8_t *y,
                          uint16_t yp, size_t n) {
  uint64_t h = side_hash(x, n, xp) + side_hash(y, n, yp);
  h *= 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 32);
}

static int tab_rehash(capkit__convtab *t) {
  size_t ncap = t->hcap ? t->hcap * 2 : 1024;
  uint32_t *h = calloc(ncap, sizeof *h);
  if (!h)
    return CAPKIT_ENOMEM;
  for (size_t i = 0; i < t->n; i++) {
    const capkit_stats_conv *c = &t->v[i];
    size_t j =
        conv_hash(c->a, c->port_a, c->b, c->port_b, c->addr_len) & (ncap - 1);
    while (h[j])
      j = (j + 1) & (ncap - 1);
    h[j] = (uint32_t)i + 1;
  }
  free(t->hash);
  t->hash = h;
  t->hcap = ncap;
  return 0;
}

/* Find the conversation of X:xp -> Y:yp; *ab tells the direction. Returns
 * its index, or -1 with *slot the free hash slot where it would go. */
static long tab_find(const capkit__convtab *t, const uint8_t *x, uint16_t xp,
                     const uint8_t *y, uint16_t yp, size_t n, int *ab,
                     size_t *slot) {
  size_t j = conv_hash(x, xp, y, yp, n) & (t->hcap - 1);
  for (; t->hash[j]; j = (j + 1) & (t->hcap - 1)) {
    const capkit_stats_conv *c = &t->v[t->hash[j] - 1];
    if (c->addr_len != n)
      continue;
    if (c->port_a == xp && c->port_b == yp && !memcmp(c->a, x, n) &&
        !memcmp(c->b, y, n)) {
      *ab = 1;
      return (long)t->hash[j] - 1;
    }
    if (c->port_a == yp && c->port_b == xp && !memcmp(c->a, y, n) &&
        !memcmp(c->b, x, n)) {
      *ab = 0;
      return (long)t->hash[j] - 1;
    }
  }
  *slot = j;
  return -1;
}

static void span_update(capkit_stats_conv *c, capkit_time first,
                        capkit_time last) {
  if (capkit__time_cmp(first, c->first) < 0)
    c->first = first;
  if (capkit__time_cmp(last, c->last) > 0)
    c->last = last;
}

/* Count pab/bab from X to Y and pba/bba back, over [first, last]. */
static int tab_add(capkit_stats *s, int kind, const uint8_t *x, uint16_t xp,
                   const uint8_t *y, uint16_t yp, size_t n, uint64_t pab,
                   uint64_t bab, uint64_t pba, uint64_t bba, capkit_time first,
                   capkit_time last) {
  capkit__convtab *t = &s->conv[kind];
  if ((t->n + 1) * 2 > t->hcap && t->n < s->set.max_conversations &&
      tab_rehash(t) != 0)
    return CAPKIT_ENOMEM;
  int ab = 1;
  size_t slot = 0;
  long i = t->hcap ? tab_find(t, x, xp, y, yp, n, &ab, &slot) : -1;
  if (i >= 0) {
    capkit_stats_conv *c = &t->v[i];
    c->packets_ab += ab ? pab : pba;
    c->bytes_ab += ab ? bab : bba;
    c->packets_ba += ab ? pba : pab;
    c->bytes_ba += ab ? bba : bab;
    span_update(c, first, last);
    return 0;
  }
  if (t->n >= s->set.max_conversations || !t->hcap) {
    t->over_packets += pab + pba;
    t->over_bytes += bab + bba;
    return 0;
  }
  if (t->n == t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 256;
    capkit_stats_conv *v = realloc(t->v, nc * sizeof *v);
    if (!v)
      return CAPKIT_ENOMEM;
    t->v = v;
    t->cap = nc;
  }
  capkit_stats_conv *c = &t->v[t->n];
  memset(c, 0, sizeof *c);
  c->kind = (uint8_t)kind;
  c->addr_len = (uint8_t)n;
  memcpy(c->a, x, n);
  memcpy(c->b, y, n);
  c->port_a = xp;
  c->port_b = yp;
  c->packets_ab = pab;
  c->bytes_ab = bab;
  c->packets_ba = pba;
  c->bytes_ba = bba;
  c->first = first;
  c->last = last;
  c->order = s->next_order++;
  t->hash[slot] = (uint32_t)++t->n;
  return 0;
}

/* What the IPv6 header at layer I leads to, as tshark sees it: whether
 * it is a later fragment (not counted in the IPv6 table), and the final
 * destination of a type 0 or 2 routing header with segments left (the
 * address TCP and UDP conversations use), or NULL. */
static int ipv6_ext(const capkit_packet *p, size_t i, const uint8_t **final) {
  int later_frag = 0;
  *final = NULL;
  for (size_t j = i + 1;
       j < p->count && p->layers[j].type == CAPKIT_LAYER_IPV6_EXT; j++) {
    const capkit_layer *e = &p->layers[j];
    if (e->status & CAPKIT_LAYER_TRUNCATED)
      break;
    if (e->u.ipv6_ext.type == 44 && e->u.ipv6_ext.frag_off)
      later_frag = 1;
    if (e->u.ipv6_ext.type == 43 && e->u.ipv6_ext.segleft &&
        (e->u.ipv6_ext.rt_type == 0 || e->u.ipv6_ext.rt_type == 2) &&
        e->len >= 24 && e->offset + e->len <= p->caplen)
      *final = p->data + e->offset + 8 + (e->len - 24) / 16 * 16;
  }
  return later_frag;
}

int capkit__stats_conv_packet(capkit_stats *s, const capkit_packet *p,
                              uint32_t len, capkit_time t) {
  const capkit_layer *net = NULL;
  const uint8_t *final = NULL;
  int rc = 0;
  for (size_t i = 0; i < p->count && rc == 0; i++) {
    const capkit_layer *l = &p->layers[i];
    int whole = !(l->status & (CAPKIT_LAYER_TRUNCATED));
    switch (l->type) {
    case CAPKIT_LAYER_ETH:
      if (whole && (s->set.what & CAPKIT_STATS_ETHERNET))
        rc = tab_add(s, CAPKIT_CONV_ETH, l->u.eth.src, 0, l->u.eth.dst, 0, 6, 1,
                     len, 0, 0, t, t);
      break;
    case CAPKIT_LAYER_IPV4:
    case CAPKIT_LAYER_IPV6:
      net = NULL;
      if (whole && !(l->status & CAPKIT_LAYER_MALFORMED)) {
        net = l;
        final = NULL;
        if (l->type == CAPKIT_LAYER_IPV4)
          rc = tab_add(s, CAPKIT_CONV_IPV4, l->u.ipv4.src, 0, l->u.ipv4.dst, 0,
                       4, 1, len, 0, 0, t, t);
        else if (!ipv6_ext(p, i, &final))
          rc = tab_add(s, CAPKIT_CONV_IPV6, l->u.ipv6.src, 0, l->u.ipv6.dst, 0,
                       16, 1, len, 0, 0, t, t);
      }
      break;
    case CAPKIT_LAYER_TCP:
    case CAPKIT_LAYER_UDP:
      if (whole && net) {
        int v6 = net->type == CAPKIT_LAYER_IPV6;
        int tcp = l->type == CAPKIT_LAYER_TCP;
        rc = tab_add(s, tcp ? CAPKIT_CONV_TCP : CAPKIT_CONV_UDP,
                     v6 ? net->u.ipv6.src : net->u.ipv4.src,
                     tcp ? l->u.tcp.sport : l->u.udp.sport,
                     !v6     ? net->u.ipv4.dst
                     : final ? final
                             : net->u.ipv6.dst,
                     tcp ? l->u.tcp.dport : l->u.udp.dport, v6 ? 16 : 4, 1, len,
                     0, 0, t, t);
      }
      break;
    default:
      break;
    }
  }
  return rc;
}

static int by_order(const void *x, const void *y) {
  const capkit_stats_conv *a = *(const capkit_stats_conv *const *)x;
  const capkit_stats_conv *b = *(const capkit_stats_conv *const *)y;
  return a->order < b->order ? -1 : a->order > b->order;
}

int capkit__stats_conv_merge(capkit_stats *dst, const capkit_stats *src) {
  size_t total = 0;
  for (int k = 0; k < CAPKIT_CONV_KINDS; k++) {
    total += src->conv[k].n;
    dst->conv[k].over_packets += src->conv[k].over_packets;
    dst->conv[k].over_bytes += src->conv[k].over_bytes;
  }
  if (!total)
    return 0;
  /* new conversations get their ranks in SRC's first-seen order */
  const capkit_stats_conv **v = malloc(total * sizeof *v);
  if (!v)
    return CAPKIT_ENOMEM;
  size_t n = 0;
  for (int k = 0; k < CAPKIT_CONV_KINDS; k++)
    for (size_t i = 0; i < src->conv[k].n; i++)
      v[n++] = &src->conv[k].v[i];
  qsort(v, n, sizeof *v, by_order);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    const capkit_stats_conv *c = v[i];
    rc = tab_add(dst, c->kind, c->a, c->port_a, c->b, c->port_b, c->addr_len,
                 c->packets_ab, c->bytes_ab, c->packets_ba, c->bytes_ba,
                 c->first, c->last);
  }
  free(v);
  return rc;
}

void capkit__stats_conv_free(capkit_stats *s) {
  for (int k = 0; k < CAPKIT_CONV_KINDS; k++) {
    free(s->conv[k].v);
    free(s->conv[k].hash);
  }
}

size_t capkit_stats_conv_count(const capkit_stats *s, int kind) {
  return s && kind >= 0 && kind < CAPKIT_CONV_KINDS ? s->conv[kind].n : 0;
}

const capkit_stats_conv *capkit_stats_conv_at(const capkit_stats *s, int kind,
                                              size_t i) {
  if (!s || kind < 0 || kind >= CAPKIT_CONV_KINDS || i >= s->conv[kind].n)
    return NULL;
  return &s->conv[kind].v[i];
}

void capkit_stats_conv_overflow(const capkit_stats *s, int kind,
                                uint64_t *packets, uint64_t *bytes) {
  int ok = s && kind >= 0 && kind < CAPKIT_CONV_KINDS;
  if (packets)
    *packets = ok ? s->conv[kind].over_packets : 0;
  if (bytes)
    *bytes = ok ? s->conv[kind].over_bytes : 0;
}

static int conv_by_packets(const void *x, const void *y) {
  const capkit_stats_conv *a = *(const capkit_stats_conv *const *)x;
  const capkit_stats_conv *b = *(const capkit_stats_conv *const *)y;
  uint64_t pa = a->packets_ab + a->packets_ba,
           pb = b->packets_ab + b->packets_ba;
  if (pa != pb)
    return pa > pb ? -1 : 1;
  uint64_t ba = a->bytes_ab + a->bytes_ba, bb = b->bytes_ab + b->bytes_ba;
  if (ba != bb)
    return ba > bb ? -1 : 1;
  return by_order(x, y);
}

static int conv_by_bytes(const void *x, const void *y) {
  const capkit_stats_conv *a = *(const capkit_stats_conv *const *)x;
  const capkit_stats_conv *b = *(const capkit_stats_conv *const *)y;
  uint64_t ba = a->bytes_ab + a->bytes_ba, bb = b->bytes_ab + b->bytes_ba;
  if (ba != bb)
    return ba > bb ? -1 : 1;
  return by_order(x, y);
}

/* Conversations in the tables of KINDS (0 for no accumulator). */
static size_t kinds_total(const capkit_stats *s, unsigned kinds) {
  size_t total = 0;
  for (int i = 0; s && i < CAPKIT_CONV_KINDS; i++)
    if (kinds & CAPKIT_CONV_BIT(i))
      total += s->conv[i].n;
  return total;
}

const capkit_stats_conv **capkit_stats_conversations(const capkit_stats *s,
                                                     unsigned kinds, int order,
                                                     size_t *n) {
  size_t total = kinds_total(s, kinds), k = 0;
  *n = 0;
  if (!total)
    return NULL;
  const capkit_stats_conv **v = malloc(total * sizeof *v);
  if (!v)
    return NULL;
  for (int i = 0; i < CAPKIT_CONV_KINDS; i++)
    if (kinds & CAPKIT_CONV_BIT(i))
      for (size_t j = 0; j < s->conv[i].n; j++)
        v[k++] = &s->conv[i].v[j];
  qsort(v, k, sizeof *v,
        order == CAPKIT_STATS_BY_BYTES ? conv_by_bytes : conv_by_packets);
  *n = k;
  return v;
}

/* ---- endpoints -------------------------------------------------------- */

typedef struct ep_build {
  capkit_stats_endpoint *v;
  size_t n;
  uint32_t *hash;
  size_t hcap;
} ep_build;

static void ep_count(ep_build *b, int kind, const uint8_t *addr, size_t alen,
                     uint16_t port, uint64_t ptx, uint64_t btx, uint64_t prx,
                     uint64_t brx) {
  size_t j = (side_hash(addr, alen, port) ^ (uint64_t)kind) & (b->hcap - 1);
  for (; b->hash[j]; j = (j + 1) & (b->hcap - 1)) {
    capkit_stats_endpoint *e = &b->v[b->hash[j] - 1];
    if (e->kind == kind && e->port == port && e->addr_len == alen &&
        !memcmp(e->addr, addr, alen))
      break;
  }
  if (!b->hash[j]) {
    capkit_stats_endpoint *e = &b->v[b->n];
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->addr_len = (uint8_t)alen;
    memcpy(e->addr, addr, alen);
    e->port = port;
    b->hash[j] = (uint32_t)++b->n;
  }
  capkit_stats_endpoint *e = &b->v[b->hash[j] - 1];
  e->packets_tx += ptx;
  e->bytes_tx += btx;
  e->packets_rx += prx;
  e->bytes_rx += brx;
}

static int ep_by_bytes(const void *x, const void *y) {
  const capkit_stats_endpoint *a = x, *b = y;
  uint64_t ba = a->bytes_tx + a->bytes_rx, bb = b->bytes_tx + b->bytes_rx;
  if (ba != bb)
    return ba > bb ? -1 : 1;
  if (a->addr_len != b->addr_len)
    return a->addr_len < b->addr_len ? -1 : 1;
  int c = memcmp(a->addr, b->addr, sizeof a->addr);
  if (c)
    return c;
  if (a->port != b->port)
    return a->port < b->port ? -1 : 1;
  return a->kind < b->kind ? -1 : a->kind > b->kind;
}

static int ep_by_packets(const void *x, const void *y) {
  const capkit_stats_endpoint *a = x, *b = y;
  uint64_t pa = a->packets_tx + a->packets_rx,
           pb = b->packets_tx + b->packets_rx;
  if (pa != pb)
    return pa > pb ? -1 : 1;
  return ep_by_bytes(x, y);
}

capkit_stats_endpoint *capkit_stats_endpoints(const capkit_stats *s,
                                              unsigned kinds, int order,
                                              size_t *n) {
  size_t total = kinds_total(s, kinds);
  *n = 0;
  if (!total)
    return NULL;
  ep_build b = {0};
  b.hcap = 16;
  while (b.hcap < total * 4)
    b.hcap *= 2;
  b.v = malloc(2 * total * sizeof *b.v);
  b.hash = calloc(b.hcap, sizeof *b.hash);
  if (!b.v || !b.hash) {
    free(b.v);
    free(b.hash);
    return NULL;
  }
  for (int i = 0; i < CAPKIT_CONV_KINDS; i++) {
    if (!(kinds & CAPKIT_CONV_BIT(i)))
      continue;
    for (size_t j = 0; j < s->conv[i].n; j++) {
      const capkit_stats_conv *c = &s->conv[i].v[j];
      ep_count(&b, i, c->a, c->addr_len, c->port_a, c->packets_ab, c->bytes_ab,
               c->packets_ba, c->bytes_ba);
      ep_count(&b, i, c->b, c->addr_len, c->port_b, c->packets_ba, c->bytes_ba,
               c->packets_ab, c->bytes_ab);
    }
  }
  free(b.hash);
  qsort(b.v, b.n, sizeof *b.v,
        order == CAPKIT_STATS_BY_BYTES ? ep_by_bytes : ep_by_packets);
  *n = b.n;
  return b.v;
}

void capkit_stats_list_free(void *list) { free(list); }

/* decode.c - the packet walk: link layer by link type, then EtherType,
 * IP protocol and tunnels, every header checked against the captured bytes
 * before it is read. Application labels are in app.c. */
#include "decode_int.h"

#define be16 capkit__be16
#define be32 capkit__be32

static const char *const layer_names[] = {
#define CAPKIT__LNAME(name, val, str) [val] = str,
    CAPKIT_LAYER_TYPES(CAPKIT__LNAME)
#undef CAPKIT__LNAME
};

const char *capkit_layer_name(int type) {
  if (type < 0 || (size_t)type >= sizeof layer_names / sizeof *layer_names ||
      !layer_names[type])
    return "?";
  return layer_names[type];
}

void capkit_packet_init(capkit_packet *pkt, capkit_layer *layers,
                        size_t cap) {
  memset(pkt, 0, sizeof *pkt);
  pkt->layers = layers;
  pkt->cap = cap;
  pkt->link = pkt->net = pkt->trans = pkt->app = -1;
}

int capkit_decode_supports(uint32_t lt) {
  switch (lt) {
  case 0:   /* NULL */
  case 1:   /* ETHERNET */
  case 101: /* RAW */
  case 108: /* LOOP */
  case 113: /* LINUX_SLL */
  case 228: /* IPV4 */
  case 229: /* IPV6 */
  case 276: /* LINUX_SLL2 */
    return 1;
  default:
    return 0;
  }
}

const capkit_layer *capkit_packet_find(const capkit_packet *pkt, int type) {
  for (size_t i = 0; i < pkt->count; i++)
    if (pkt->layers[i].type == type)
      return &pkt->layers[i];
  return NULL;
}

static void ethertype(dwalk *w, uint16_t type, uint32_t off, uint32_t end);
static void ipv4(dwalk *w, uint32_t off, uint32_t end);
static void ipv6(dwalk *w, uint32_t off, uint32_t end);

/* 1 when the bytes up to END are all there was: nothing was cut by the
 * snapshot length, so a length field reaching past END is wrong. */
static inline int frame_whole(const dwalk *w, uint32_t end) {
  return end == w->pkt->caplen && w->pkt->caplen >= w->pkt->origlen;
}

static inline void mark(dwalk *w, int8_t *slot) {
  if (*slot < 0)
    *slot = (int8_t)(w->pkt->count - 1);
}

/* ---- link layers ------------------------------------------------------ */

static void llc(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_LLC, off);
  if (!l)
    return;
  const uint8_t *d = w->d;
  if (end - off < 3) {
    dw_trunc(w, l, end - off);
    return;
  }
  capkit_llc *c = &l->u.llc;
  c->dsap = d[off];
  c->ssap = d[off + 1];
  uint32_t hl = 3;
  c->control = d[off + 2];
  if ((c->control & 3) != 3) { /* I or S format: 2 control bytes */
    if (end - off < 4) {
      dw_trunc(w, l, end - off);
      return;
    }
    c->control = be16(d + off + 2);
    hl = 4;
  }
  if (c->dsap == 0xaa && c->ssap == 0xaa && hl == 3) {
    c->has_snap = 1;
    if (end - off < 8) {
      dw_trunc(w, l, end - off);
      return;
    }
    c->oui = (uint32_t)d[off + 3] << 16 | (uint32_t)d[off + 4] << 8 | d[off + 5];
    c->pid = be16(d + off + 6);
    hl = 8;
  }
  l->len = hl;
  l->payload_len = end - off - hl;
  if (c->has_snap && c->oui == 0)
    ethertype(w, c->pid, off + hl, end);
}

static void eth(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_ETH, off);
  if (!l)
    return;
  mark(w, &w->pkt->link);
  if (end - off < 14) {
    dw_trunc(w, l, end - off);
    if (end - off >= 12) {
      memcpy(l->u.eth.dst, w->d + off, 6);
      memcpy(l->u.eth.src, w->d + off + 6, 6);
    }
    return;
  }
  const uint8_t *d = w->d + off;
  memcpy(l->u.eth.dst, d, 6);
  memcpy(l->u.eth.src, d + 6, 6);
  uint16_t type = be16(d + 12);
  l->u.eth.type = type;
  l->len = 14;
  l->payload_len = end - off - 14;
  if (type <= 1500) {
    /* 802.3: the length field bounds the frame (padding follows) */
    l->u.eth.is_8023 = 1;
    /* a shorter capture (or a bad length): decode what is there */
    uint32_t e2 = end;
    if (type < end - off - 14)
      e2 = off + 14 + type;
    l->payload_len = type;
    llc(w, off + 14, e2);
    return;
  }
  ethertype(w, type, off + 14, end);
}

static void vlan(dwalk *w, uint16_t tpid, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_VLAN, off);
  if (!l)
    return;
  if (end - off < 4) {
    dw_trunc(w, l, end - off);
    return;
  }
  const uint8_t *d = w->d + off;
  capkit_vlan *v = &l->u.vlan;
  uint16_t tci = be16(d);
  v->tpid = tpid;
  v->pcp = (uint8_t)(tci >> 13);
  v->dei = (uint8_t)((tci >> 12) & 1);
  v->vid = tci & 0xfff;
  v->type = be16(d + 2);
  l->len = 4;
  l->payload_len = end - off - 4;
  if (v->type <= 1500) {
    uint32_t e2 = end;
    if (v->type < end - off - 4)
      e2 = off + 4 + v->type;
    llc(w, off + 4, e2);
    return;
  }
  ethertype(w, v->type, off + 4, end);
}

static void arp(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_ARP, off);
  if (!l)
    return;
  mark(w, &w->pkt->net);
  const uint8_t *d = w->d + off;
  uint32_t have = end - off;
  if (have < 8) {
    dw_trunc(w, l, have);
    return;
  }
  capkit_arp *a = &l->u.arp;
  a->htype = be16(d);
  a->ptype = be16(d + 2);
  a->hlen = d[4];
  a->plen = d[5];
  a->op = be16(d + 6);
  uint32_t need = 8 + 2u * a->hlen + 2u * a->plen;
  if (have < need) {
    dw_trunc(w, l, have);
    return;
  }
  l->len = need;
  l->payload_len = have - need;
  if (a->hlen == 6 && a->plen == 4) {
    memcpy(a->sha, d + 8, 6);
    memcpy(a->spa, d + 14, 4);
    memcpy(a->tha, d + 18, 6);
    memcpy(a->tpa, d + 24, 4);
  }
}

/* Dispatch on an EtherType (also SLL protocols and GRE protocol types). */
static void ethertype(dwalk *w, uint16_t type, uint32_t off, uint32_t end) {
  switch (type) {
  case 0x0800:
    ipv4(w, off, end);
    break;
  case 0x86dd:
    ipv6(w, off, end);
    break;
  case 0x0806:
  case 0x8035:
    arp(w, off, end);
    break;
  case 0x8100:
  case 0x88a8:
  case 0x9100:
    vlan(w, type, off, end);
    break;
  case 0x6558: /* transparent Ethernet bridging (GRE) */
    eth(w, off, end);
    break;
  default:
    break;
  }
}

static void sll(dwalk *w, uint32_t off, uint32_t end, int v2) {
  capkit_layer *l = dw_push(w, v2 ? CAPKIT_LAYER_SLL2 : CAPKIT_LAYER_SLL, off);
  if (!l)
    return;
  mark(w, &w->pkt->link);
  uint32_t hl = v2 ? 20 : 16;
  if (end - off < hl) {
    dw_trunc(w, l, end - off);
    return;
  }
  const uint8_t *d = w->d + off;
  capkit_sll *s = &l->u.sll;
  if (v2) {
    s->protocol = be16(d);
    s->ifindex = be32(d + 4);
    s->hatype = be16(d + 8);
    s->pkttype = d[10];
    s->halen = d[11];
    memcpy(s->addr, d + 12, 8);
  } else {
    s->pkttype = be16(d);
    s->hatype = be16(d + 2);
    s->halen = be16(d + 4);
    memcpy(s->addr, d + 6, 8);
    s->protocol = be16(d + 14);
  }
  l->len = hl;
  l->payload_len = end - off - hl;
  if (s->protocol == 0x0004) /* Linux ETH_P_802_2: LLC follows */
    llc(w, off + hl, end);
  else if (s->protocol > 1500)
    ethertype(w, s->protocol, off + hl, end);
}

static void null_link(dwalk *w, uint32_t off, uint32_t end, int loop) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_NULL, off);
  if (!l)
    return;
  mark(w, &w->pkt->link);
  if (end - off < 4) {
    dw_trunc(w, l, end - off);
    return;
  }
  const uint8_t *d = w->d + off;
  uint32_t fam = be32(d);
  if (!loop) {
    /* host byte order of the capturing machine: the family is small, so
     * a value with the high bytes set was written little-endian */
    uint32_t le = capkit__ld32(d, !capkit__host_is_le());
    if ((fam & 0xffff0000u) && !(le & 0xffff0000u)) {
      fam = le;
      l->u.null.swapped = 1;
    }
  }
  l->u.null.family = fam;
  l->len = 4;
  l->payload_len = end - off - 4;
  switch (fam) {
  case 2:
    ipv4(w, off + 4, end);
    break;
  case 10:
  case 24:
  case 28:
  case 30:
    ipv6(w, off + 4, end);
    break;
  default:
    dw_bad(w, l);
    break;
  }
}

static void raw_ip(dwalk *w, uint32_t off, uint32_t end) {
  if (end - off >= 1 && (w->d[off] >> 4) == 6)
    ipv6(w, off, end);
  else
    ipv4(w, off, end);
}

/* ---- transport -------------------------------------------------------- */

/* Pseudo header context for checksums. */
typedef struct pseudo {
  uint32_t sum; /* addresses (+ protocol + length added per use) */
  uint8_t v6;
  uint8_t frag; /* payload is (part of) a fragment: cannot verify */
  uint32_t jumbo; /* IPv6 jumbogram: its payload after the extension
                     headers (a UDP length of 0 stands for it), else 0 */
} pseudo;

/* Verdict of a transport checksum over [off, off+len) plus pseudo header;
 * LEN is the length the headers claim, END what was captured. */
static uint8_t l4_csum(dwalk *w, const pseudo *ph, uint8_t proto,
                       uint32_t off, uint32_t len, uint32_t end) {
  if (ph->frag || end - off < len)
    return CAPKIT_CSUM_UNVERIFIED;
  uint32_t s = ph->sum + proto + len;
  return capkit_inet_sum(w->d + off, len, s) == 0xffff ? CAPKIT_CSUM_GOOD
                                                        : CAPKIT_CSUM_BAD;
}

static void udp(dwalk *w, const pseudo *ph, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_UDP, off);
  if (!l)
    return;
  mark(w, &w->pkt->trans);
  uint32_t have = end - off;
  if (have < 8) {
    dw_trunc(w, l, have);
    if (have >= 4) {
      l->u.udp.sport = be16(w->d + off);
      l->u.udp.dport = be16(w->d + off + 2);
    }
    return;
  }
  const uint8_t *d = w->d + off;
  capkit_udp *u = &l->u.udp;
  u->sport = be16(d);
  u->dport = be16(d + 2);
  u->len = be16(d + 4);
  u->checksum = be16(d + 6);
  l->len = 8;
  uint32_t ulen = u->len;
  if (ulen == 0 && ph->jumbo >= 8)
    ulen = ph->jumbo; /* RFC 2675 4: the length is the jumbogram's */
  if (ulen < 8) {
    dw_bad(w, l);
    l->payload_len = have - 8;
    return;
  }
  l->payload_len = ulen - 8;
  if (w->opt & CAPKIT_DECODE_CHECKSUMS) {
    if (u->checksum == 0 && !ph->v6)
      l->csum = CAPKIT_CSUM_NONE;
    else
      l->csum = l4_csum(w, ph, 17, off, ulen, end);
  }
  uint32_t pend = end;
  if (ulen <= have)
    pend = off + ulen;
  else if (!ph->frag && frame_whole(w, end))
    dw_bad(w, l);
  if (u->dport == 4789 || u->sport == 4789) {
    /* VXLAN: 8 bytes, then an Ethernet frame */
    capkit_layer *x = dw_push(w, CAPKIT_LAYER_VXLAN, off + 8);
    if (!x)
      return;
    if (pend - (off + 8) < 8) {
      dw_trunc(w, x, pend - (off + 8));
      return;
    }
    x->u.vxlan.flags = d[8];
    x->u.vxlan.vni = be32(d + 12) >> 8;
    x->len = 8;
    x->payload_len = pend - off - 16;
    if (!(x->u.vxlan.flags & 0x08))
      dw_bad(w, x);
    w->depth++;
    eth(w, off + 16, pend);
    return;
  }
  if (!(w->opt & CAPKIT_DECODE_NO_APP) && pend > off + 8)
    capkit__decode_udp_app(w, u->sport, u->dport, off + 8, pend);
}

static void tcp(dwalk *w, const pseudo *ph, uint32_t off, uint32_t end,
                uint32_t seglen) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_TCP, off);
  if (!l)
    return;
  mark(w, &w->pkt->trans);
  uint32_t have = end - off;
  const uint8_t *d = w->d + off;
  capkit_tcp *t = &l->u.tcp;
  if (have < 20) {
    dw_trunc(w, l, have);
    if (have >= 4) {
      t->sport = be16(d);
      t->dport = be16(d + 2);
    }
    if (have >= 8)
      t->seq = be32(d + 4);
    if (have >= 13) {
      t->doff = (uint8_t)((d[12] >> 4) * 4);
      l->payload_len = seglen > t->doff ? seglen - t->doff : 0;
    }
    return;
  }
  t->sport = be16(d);
  t->dport = be16(d + 2);
  t->seq = be32(d + 4);
  t->ack = be32(d + 8);
  t->doff = (uint8_t)((d[12] >> 4) * 4);
  t->flags = (uint16_t)(((d[12] & 1u) << 8) | d[13]);
  t->window = be16(d + 14);
  t->checksum = be16(d + 16);
  t->urg = be16(d + 18);
  if (t->doff < 20) {
    l->len = 20;
    dw_bad(w, l);
    l->payload_len = seglen > 20 ? seglen - 20 : 0;
    return;
  }
  if (have < t->doff) {
    dw_trunc(w, l, have);
    l->payload_len = seglen > t->doff ? seglen - t->doff : 0;
    return;
  }
  l->len = t->doff;
  l->payload_len = seglen >= t->doff ? seglen - t->doff : 0;
  if (seglen < t->doff)
    dw_bad(w, l);
  /* options */
  uint32_t i = 20;
  while (i < t->doff) {
    uint8_t kind = d[i];
    if (kind == 0)
      break;
    if (kind == 1) {
      i++;
      continue;
    }
    if (i + 1 >= t->doff || d[i + 1] < 2 || i + d[i + 1] > t->doff) {
      dw_bad(w, l);
      break;
    }
    uint8_t ol = d[i + 1];
    switch (kind) {
    case 2:
      if (ol == 4) {
        t->opts |= CAPKIT_TCPOPT_MSS;
        t->mss = be16(d + i + 2);
      }
      break;
    case 3:
      if (ol == 3) {
        t->opts |= CAPKIT_TCPOPT_WSCALE;
        t->wscale = d[i + 2];
      }
      break;
    case 4:
      t->opts |= CAPKIT_TCPOPT_SACK_PERM;
      break;
    case 5:
      t->opts |= CAPKIT_TCPOPT_SACK;
      for (uint32_t k = 2; k + 8 <= ol && t->sack_blocks < 4; k += 8) {
        t->sack[t->sack_blocks * 2] = be32(d + i + k);
        t->sack[t->sack_blocks * 2 + 1] = be32(d + i + k + 4);
        t->sack_blocks++;
      }
      break;
    case 8:
      if (ol == 10) {
        t->opts |= CAPKIT_TCPOPT_TS;
        t->ts_val = be32(d + i + 2);
        t->ts_ecr = be32(d + i + 6);
      }
      break;
    default:
      t->opts |= CAPKIT_TCPOPT_OTHER;
      break;
    }
    i += ol;
  }
  if (w->opt & CAPKIT_DECODE_CHECKSUMS)
    l->csum = seglen >= t->doff ? l4_csum(w, ph, 6, off, seglen, end)
                                : CAPKIT_CSUM_UNVERIFIED;
  uint32_t pend = end;
  if (seglen <= have)
    pend = off + seglen;
  if (!(w->opt & CAPKIT_DECODE_NO_APP) && pend > off + t->doff)
    capkit__decode_tcp_app(w, t->sport, t->dport, off + t->doff, pend);
}

static void icmp(dwalk *w, const pseudo *ph, int v6, uint32_t off,
                 uint32_t end, uint32_t len) {
  capkit_layer *l =
      dw_push(w, v6 ? CAPKIT_LAYER_ICMPV6 : CAPKIT_LAYER_ICMP, off);
  if (!l)
    return;
  mark(w, &w->pkt->trans);
  uint32_t have = end - off;
  const uint8_t *d = w->d + off;
  capkit_icmp *c = &l->u.icmp;
  if (have < 4) {
    dw_trunc(w, l, have);
    if (have >= 1)
      c->type = d[0];
    if (have >= 2)
      c->code = d[1];
    return;
  }
  c->type = d[0];
  c->code = d[1];
  c->checksum = be16(d + 2);
  uint32_t hl = 4;
  if (have >= 8) {
    hl = 8;
    c->id = be16(d + 4);
    c->seq = be16(d + 6);
    c->gateway = be32(d + 4);
  } else {
    dw_trunc(w, l, have);
  }
  if (v6 && (c->type == 135 || c->type == 136) && hl == 8) {
    /* neighbor solicitation / advertisement: target, then options */
    if (have < 24) {
      dw_trunc(w, l, have);
    } else {
      hl = 24;
      c->nd_flags = d[4];
      memcpy(c->target, d + 8, 16);
      uint32_t i = 24, lim = len < have ? len : have;
      while (i + 2 <= lim) {
        uint32_t ol = d[i + 1] * 8u;
        if (ol == 0 || i + ol > lim) {
          if (ol == 0)
            dw_bad(w, l);
          break;
        }
        if ((d[i] == 1 || d[i] == 2) && ol >= 8) {
          memcpy(c->lladdr, d + i + 2, 6);
          c->has_lladdr = 1;
        }
        i += ol;
      }
    }
  }
  if (!(l->status & CAPKIT_LAYER_TRUNCATED))
    l->len = hl;
  l->payload_len = len > hl ? len - hl : 0;
  if (w->opt & CAPKIT_DECODE_CHECKSUMS) {
    if (ph->frag || have < len)
      l->csum = CAPKIT_CSUM_UNVERIFIED;
    else if (v6)
      l->csum = capkit_inet_sum(d, len, ph->sum + 58 + len) == 0xffff
                    ? CAPKIT_CSUM_GOOD
                    : CAPKIT_CSUM_BAD;
    else
      l->csum = capkit_inet_sum(d, len, 0) == 0xffff ? CAPKIT_CSUM_GOOD
                                                      : CAPKIT_CSUM_BAD;
  }
}

static void gre(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_GRE, off);
  if (!l)
    return;
  uint32_t have = end - off;
  if (have < 4) {
    dw_trunc(w, l, have);
    return;
  }
  const uint8_t *d = w->d + off;
  capkit_gre *g = &l->u.gre;
  g->flags_ver = be16(d);
  g->version = g->flags_ver & 7;
  g->proto = be16(d + 2);
  g->has_csum = (g->flags_ver & 0x8000) != 0;
  g->has_key = (g->flags_ver & 0x2000) != 0;
  g->has_seq = (g->flags_ver & 0x1000) != 0;
  uint32_t hl = 4u + (g->has_csum ? 4u : 0) + (g->has_key ? 4u : 0) +
                (g->has_seq ? 4u : 0);
  if (g->version == 1) /* PPTP: key always, ack optional */
    hl += (g->flags_ver & 0x0080) ? 4 : 0;
  if (have < hl) {
    dw_trunc(w, l, have);
    return;
  }
  uint32_t i = 4;
  if (g->has_csum) {
    g->checksum = be16(d + 4);
    i += 4;
  }
  if (g->has_key) {
    g->key = be32(d + i);
    i += 4;
  }
  if (g->has_seq)
    g->seq = be32(d + i);
  l->len = hl;
  l->payload_len = have - hl;
  if (g->version == 0) {
    w->depth++;
    ethertype(w, g->proto, off + hl, end);
  }
}

/* The payload of IP: PROTO at [off, end) with LEN claimed bytes. */
static void ip_proto(dwalk *w, const pseudo *ph, uint8_t proto, uint32_t off,
                     uint32_t end, uint32_t len) {
  switch (proto) {
  case 6:
    tcp(w, ph, off, end, len);
    break;
  case 17:
    udp(w, ph, off, end);
    break;
  case 1:
    icmp(w, ph, 0, off, end, len);
    break;
  case 58:
    icmp(w, ph, 1, off, end, len);
    break;
  case 47:
    gre(w, off, end);
    break;
  case 4:
    w->depth++;
    ipv4(w, off, end);
    break;
  case 41:
    w->depth++;
    ipv6(w, off, end);
    break;
  default:
    break;
  }
}

/* ---- IP --------------------------------------------------------------- */

static void ipv4(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_IPV4, off);
  if (!l)
    return;
  mark(w, &w->pkt->net);
  uint32_t have = end - off;
  const uint8_t *d = w->d + off;
  capkit_ipv4 *ip = &l->u.ipv4;
  if (have < 20) {
    dw_trunc(w, l, have);
    if (have >= 16)
      memcpy(ip->src, d + 12, 4);
    return;
  }
  uint8_t ver = d[0] >> 4;
  ip->ihl = (uint8_t)((d[0] & 15) * 4);
  ip->tos = d[1];
  ip->total_len = be16(d + 2);
  ip->id = be16(d + 4);
  uint16_t fo = be16(d + 6);
  ip->df = (fo >> 14) & 1;
  ip->mf = (fo >> 13) & 1;
  ip->frag_off = (uint16_t)((fo & 0x1fff) * 8);
  ip->ttl = d[8];
  ip->proto = d[9];
  ip->checksum = be16(d + 10);
  memcpy(ip->src, d + 12, 4);
  memcpy(ip->dst, d + 16, 4);
  if (ver != 4 || ip->ihl < 20) {
    l->len = 20;
    dw_bad(w, l);
    return;
  }
  if (have < ip->ihl) {
    dw_trunc(w, l, have);
    return;
  }
  l->len = ip->ihl;
  ip->opt_len = (uint8_t)(ip->ihl - 20);
  if (w->opt & CAPKIT_DECODE_CHECKSUMS)
    l->csum = capkit_inet_sum(d, ip->ihl, 0) == 0xffff ? CAPKIT_CSUM_GOOD
                                                        : CAPKIT_CSUM_BAD;
  if (ip->total_len < ip->ihl) {
    dw_bad(w, l);
    l->payload_len = have - ip->ihl;
    return;
  }
  uint32_t plen = ip->total_len - ip->ihl;
  l->payload_len = plen;
  /* Link padding after the datagram is not part of it. */
  uint32_t pend = end;
  if (ip->total_len <= have)
    pend = off + ip->total_len;
  else if (frame_whole(w, end))
    dw_bad(w, l); /* longer than the whole frame: the length is wrong */
  if (ip->mf || ip->frag_off) {
    l->status |= CAPKIT_LAYER_FRAGMENT;
    w->pkt->status |= CAPKIT_LAYER_FRAGMENT;
    if (ip->frag_off)
      return; /* no transport header in later fragments */
  }
  pseudo ph;
  ph.v6 = 0;
  ph.frag = ip->mf;
  ph.jumbo = 0;
  ph.sum = (uint32_t)be16(d + 12) + be16(d + 14) + be16(d + 16) + be16(d + 18);
  ip_proto(w, &ph, ip->proto, off + ip->ihl, pend, plen);
}

/* The Jumbo Payload length in the hop-by-hop header at H (N bytes
 * captured), or 0 when it has no valid one: option 0xc2 of length 4, with
 * a value above 65535 (RFC 2675 2; tcpdump wants the same). */
static uint32_t hbh_jumbo(const uint8_t *h, uint32_t n) {
  uint32_t xl = (h[1] + 1u) * 8;
  if (xl > n)
    return 0;
  for (uint32_t i = 2; i < xl;) {
    if (h[i] == 0) { /* Pad1 */
      i++;
      continue;
    }
    if (i + 2 > xl || i + 2u + h[i + 1] > xl)
      return 0;
    if (h[i] == 0xc2) {
      if (h[i + 1] != 4)
        return 0;
      uint32_t v = be32(h + i + 2);
      return v > 0xffff ? v : 0;
    }
    i += 2u + h[i + 1];
  }
  return 0;
}

static void ipv6(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_IPV6, off);
  if (!l)
    return;
  mark(w, &w->pkt->net);
  uint32_t have = end - off;
  const uint8_t *d = w->d + off;
  capkit_ipv6 *ip = &l->u.ipv6;
  if (have < 40) {
    dw_trunc(w, l, have);
    if (have >= 24)
      memcpy(ip->src, d + 8, 16);
    return;
  }
  uint32_t v = be32(d);
  ip->tclass = (uint8_t)(v >> 20);
  ip->flow = v & 0xfffff;
  ip->payload_len = be16(d + 4);
  ip->next = d[6];
  ip->hlim = d[7];
  memcpy(ip->src, d + 8, 16);
  memcpy(ip->dst, d + 24, 16);
  l->len = 40;
  l->payload_len = ip->payload_len;
  if ((v >> 28) != 6) {
    dw_bad(w, l);
    return;
  }
  /* A jumbogram (RFC 2675): payload length 0 and the length in a Jumbo
   * Payload option (above 65535) of the hop-by-hop header that must
   * follow. Without a valid one, that header is malformed (and the
   * payload is what was captured). */
  uint32_t jumbo = 0;
  int jumbo_bad = 0;
  if (ip->payload_len == 0 && ip->next == 0 && have >= 48) {
    jumbo = hbh_jumbo(w->d + off + 40, have - 40);
    jumbo_bad = jumbo == 0;
  }
  uint32_t want = jumbo ? jumbo : ip->payload_len;
  if (jumbo)
    l->payload_len = jumbo;
  uint32_t pend = end;
  if (want <= have - 40)
    pend = off + 40 + want;
  else if (frame_whole(w, end))
    dw_bad(w, l);
  if (!want)
    pend = end;
  uint32_t plen = want ? want : have - 40;
  pseudo ph;
  ph.v6 = 1;
  ph.frag = 0;
  ph.jumbo = 0;
  ph.sum = capkit__sum(d + 8, 32);
  uint8_t nh = ip->next;
  uint32_t o = off + 40;
  size_t ipidx = w->pkt->count - 1;
  int later_frag = 0;
  while (!later_frag) {
    if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 51)
      break;
    capkit_layer *x = dw_push(w, CAPKIT_LAYER_IPV6_EXT, o);
    if (!x)
      return;
    uint32_t xh = pend - o;
    capkit_ipv6_ext *e = &x->u.ipv6_ext;
    e->type = nh;
    if (xh < 8) {
      dw_trunc(w, x, xh);
      return;
    }
    const uint8_t *h = w->d + o;
    e->next = h[0];
    uint32_t xl = nh == 44 ? 8u : nh == 51 ? (h[1] + 2u) * 4 : (h[1] + 1u) * 8;
    e->len = (uint16_t)xl;
    if (xh < xl) {
      dw_trunc(w, x, xh);
      return;
    }
    x->len = xl;
    if (nh == 0 && o == off + 40 && jumbo_bad) {
      dw_bad(w, x);
      return;
    }
    if (nh == 44) {
      uint16_t fo = be16(h + 2);
      e->frag_off = fo & 0xfff8;
      e->mf = fo & 1;
      e->frag_id = be32(h + 4);
      x->status |= CAPKIT_LAYER_FRAGMENT;
      w->pkt->layers[ipidx].status |= CAPKIT_LAYER_FRAGMENT;
      w->pkt->status |= CAPKIT_LAYER_FRAGMENT;
      ph.frag = 1;
      later_frag = e->frag_off != 0;
    } else if (nh == 43) {
      e->rt_type = h[2];
      e->segleft = h[3];
      /* Transport checksums use the final destination (RFC 8200 8.1):
       * the last address of type 0/2 headers, the first segment of a
       * segment routing header. */
      if (e->segleft && xl >= 24) {
        const uint8_t *fin = NULL;
        if (e->rt_type == 0 || e->rt_type == 2)
          fin = h + 8 + ((xl - 8) / 16 - 1) * 16;
        else if (e->rt_type == 4)
          fin = h + 8;
        if (fin)
          ph.sum = capkit__sum(d + 8, 16) + capkit__sum(fin, 16);
      }
    }
    if (plen < xl) {
      dw_bad(w, x);
      return;
    }
    plen -= xl;
    x->payload_len = plen;
    o += xl;
    nh = e->next;
  }
  w->pkt->layers[ipidx].u.ipv6.proto = nh;
  if (jumbo)
    ph.jumbo = plen;
  /* later fragments carry no transport header */
  if (later_frag || nh == 59)
    return;
  ip_proto(w, &ph, nh, o, pend, plen);
}

/* ---- entry points ----------------------------------------------------- */

size_t capkit_decode(capkit_packet *pkt, uint32_t linktype,
                     const uint8_t *data, uint32_t caplen, uint32_t origlen,
                     unsigned options) {
  pkt->count = 0;
  pkt->data = data;
  pkt->caplen = caplen;
  pkt->origlen = origlen;
  pkt->linktype = linktype;
  pkt->status = 0;
  pkt->more = 0;
  pkt->link = pkt->net = pkt->trans = pkt->app = -1;
  if (!pkt->layers || pkt->cap == 0 || (!data && caplen))
    return 0;
  dwalk w = {pkt, data, options, 0};
  /* Records are usually read in file order from a mapping or a buffer, so
   * the next record's headers follow these bytes: ask for them now, since
   * the first touch of each packet is what a decode loop waits on. A
   * prefetch never faults and reads nothing we return. */
  uintptr_t next = (uintptr_t)data + caplen;
  __builtin_prefetch((const void *)(next + 16));
  __builtin_prefetch((const void *)(next + 80));
  switch (linktype) {
  case 1:
    eth(&w, 0, caplen);
    break;
  case 0:
    null_link(&w, 0, caplen, 0);
    break;
  case 108:
    null_link(&w, 0, caplen, 1);
    break;
  case 113:
    sll(&w, 0, caplen, 0);
    break;
  case 276:
    sll(&w, 0, caplen, 1);
    break;
  case 101:
    raw_ip(&w, 0, caplen);
    break;
  case 228:
    ipv4(&w, 0, caplen);
    break;
  case 229:
    ipv6(&w, 0, caplen);
    break;
  default:
    break;
  }
  return pkt->count;
}

size_t capkit_packet_verify(capkit_packet *pkt) {
  /* the options are not kept; NO_APP shows as a packet without app */
  unsigned opt = CAPKIT_DECODE_CHECKSUMS;
  if (pkt->app < 0)
    opt |= CAPKIT_DECODE_NO_APP;
  return capkit_decode(pkt, pkt->linktype, pkt->data, pkt->caplen,
                       pkt->origlen, opt);
}

size_t capkit_decode_record(capkit_packet *pkt, const capkit_record *rec,
                            unsigned options) {
  uint32_t lt = rec->iface ? rec->iface->linktype : 1;
  return capkit_decode(pkt, lt, rec->data, rec->caplen, rec->origlen,
                       options);
}

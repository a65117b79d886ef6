/* fields.c - every decoded field of a packet through one visitor
 * (capkit_fields_visit), and the two layouts built on it: the indented
 * field lines of `print -v` and the JSON object of `print --json`. */
#include <stdio.h>

#include "print_int.h"

/* The walk: the field being filled, the callback, and a stop code. */
typedef struct fs {
  capkit_field f;
  const capkit_packet *p;
  capkit_field_fn fn;
  void *user;
  int stop;
} fs;

static void emit(fs *s, const char *name, size_t kl, int kind, int off,
                 uint32_t len) {
  if (s->stop)
    return;
  s->f.name = name;
  s->f.name_len = kl;
  s->f.kind = kind;
  s->f.offset = (uint32_t)((int64_t)s->f.layer->offset + (len ? off : 0));
  s->f.length = len;
  s->stop = s->fn(&s->f, s->user);
}
/* The field helpers take the name K as a literal (its length is known when
 * compiling). A field lies at OFF (from the layer's start), LEN bytes; LEN
 * 0: computed. */
#define EMIT(s, k, kind, off, len) emit(s, k, sizeof(k) - 1, kind, off, len)
static void f_u_(fs *s, const char *k, size_t kl, uint64_t v, int off,
                 uint32_t len) {
  s->f.u = v;
  emit(s, k, kl, CAPKIT_FIELD_UINT, off, len);
}
static void f_i_(fs *s, const char *k, size_t kl, int64_t v, int off,
                 uint32_t len) {
  s->f.i = v;
  emit(s, k, kl, CAPKIT_FIELD_INT, off, len);
}
static void f_x_(fs *s, const char *k, size_t kl, uint64_t v, unsigned w,
                 int off, uint32_t len) {
  s->f.u = v;
  s->f.width = w;
  emit(s, k, kl, CAPKIT_FIELD_HEX, off, len);
}
static void f_bool_(fs *s, const char *k, size_t kl, int v) {
  s->f.u = v != 0;
  emit(s, k, kl, CAPKIT_FIELD_BOOL, 0, 0);
}
static void f_text_(fs *s, const char *k, size_t kl, const char *v, size_t n,
                    int off, uint32_t len) {
  s->f.str = v;
  s->f.len = n;
  emit(s, k, kl, CAPKIT_FIELD_TEXT, off, len);
}
static void f_addr_(fs *s, int kind, const char *k, size_t kl,
                    const uint8_t *a, size_t n, int off) {
  s->f.bytes = a;
  s->f.nbytes = n;
  emit(s, k, kl, kind, off, (uint32_t)n);
}
#define f_u(s, k, ...) f_u_(s, k, sizeof(k) - 1, __VA_ARGS__)
#define f_i(s, k, ...) f_i_(s, k, sizeof(k) - 1, __VA_ARGS__)
#define f_x(s, k, ...) f_x_(s, k, sizeof(k) - 1, __VA_ARGS__)
#define f_bool(s, k, v) f_bool_(s, k, sizeof(k) - 1, v)
#define f_text(s, k, ...) f_text_(s, k, sizeof(k) - 1, __VA_ARGS__)
#define f_str(s, k, v) f_text_(s, k, sizeof(k) - 1, v, strlen(v), 0, 0)
#define f_ip4(s, k, a, off)                                                    \
  f_addr_(s, CAPKIT_FIELD_IPV4, k, sizeof(k) - 1, a, 4, off)
#define f_ip6(s, k, a, off)                                                    \
  f_addr_(s, CAPKIT_FIELD_IPV6, k, sizeof(k) - 1, a, 16, off)
#define f_mac(s, k, a, n, off)                                                 \
  f_addr_(s, CAPKIT_FIELD_MAC, k, sizeof(k) - 1, a, n, off)

/* The kinds of the IPv4 options, by name, as a list ("bad" last when they
 * run past their room). */
static void ipv4_options(fs *s, const uint8_t *d, uint32_t n) {
  char t[40 * 8 + 8];
  size_t m = 0;
  for (uint32_t i = 0, k = 0; i < n && m + 16 < sizeof t; k++) {
    uint8_t o = d[i];
    const char *name = NULL;
    switch (o) {
    case 0: name = "eol"; break;
    case 1: name = "nop"; break;
    case 7: name = "rr"; break;
    case 68: name = "ts"; break;
    case 130: name = "sec"; break;
    case 131: name = "lsrr"; break;
    case 137: name = "ssrr"; break;
    case 148: name = "ra"; break;
    default: break;
    }
    if (k)
      t[m++] = ',';
    if (name)
      m += (size_t)snprintf(t + m, sizeof t - m, "%s", name);
    else
      m += (size_t)snprintf(t + m, sizeof t - m, "opt-%u", (unsigned)o);
    if (o == 0)
      break;
    if (o == 1) {
      i++;
      continue;
    }
    if (i + 1 >= n || d[i + 1] < 2 || d[i + 1] > n - i) {
      memcpy(t + m, ",bad", 4);
      m += 4;
      break;
    }
    i += d[i + 1];
  }
  s->f.str = t;
  s->f.len = m;
  EMIT(s, "options", CAPKIT_FIELD_LIST, 20, n);
}

static void layer_fields(fs *s, const capkit_layer *l) {
  const capkit_packet *p = s->p;
  int hdr = !(l->status & CAPKIT_LAYER_TRUNCATED);
  switch (l->type) {
  case CAPKIT_LAYER_ETH:
    if (l->len >= 12) {
      f_mac(s, "src", l->u.eth.src, 6, 6);
      f_mac(s, "dst", l->u.eth.dst, 6, 0);
    }
    if (hdr) {
      if (l->u.eth.is_8023)
        f_u(s, "length", l->u.eth.type, 12, 2);
      else
        f_x(s, "type", l->u.eth.type, 4, 12, 2);
    }
    break;
  case CAPKIT_LAYER_LLC:
    if (l->len >= 3) {
      f_x(s, "dsap", l->u.llc.dsap, 2, 0, 1);
      f_x(s, "ssap", l->u.llc.ssap, 2, 1, 1);
      f_x(s, "control", l->u.llc.control, 2, 2,
          l->u.llc.control > 0xff ? 2 : 1);
    }
    if (hdr && l->u.llc.has_snap) {
      f_x(s, "oui", l->u.llc.oui, 6, 3, 3);
      f_x(s, "pid", l->u.llc.pid, 4, 6, 2);
    }
    break;
  case CAPKIT_LAYER_VLAN:
    if (hdr) {
      f_x(s, "tpid", l->u.vlan.tpid, 4, -2, 2);
      f_u(s, "pcp", l->u.vlan.pcp, 0, 1);
      f_u(s, "dei", l->u.vlan.dei, 0, 1);
      f_u(s, "vid", l->u.vlan.vid, 0, 2);
      f_x(s, "type", l->u.vlan.type, 4, 2, 2);
    }
    break;
  case CAPKIT_LAYER_SLL:
  case CAPKIT_LAYER_SLL2:
    if (hdr) {
      int v2 = l->type == CAPKIT_LAYER_SLL2;
      f_u(s, "pkttype", l->u.sll.pkttype, v2 ? 10 : 0, v2 ? 1 : 2);
      f_u(s, "hatype", l->u.sll.hatype, v2 ? 8 : 2, 2);
      f_u(s, "halen", l->u.sll.halen, v2 ? 11 : 4, v2 ? 1 : 2);
      f_mac(s, "addr", l->u.sll.addr,
            l->u.sll.halen <= 8 ? l->u.sll.halen : 8, v2 ? 12 : 6);
      f_x(s, "protocol", l->u.sll.protocol, 4, v2 ? 0 : 14, 2);
      if (v2)
        f_u(s, "ifindex", l->u.sll.ifindex, 4, 4);
    }
    break;
  case CAPKIT_LAYER_NULL:
    if (hdr) {
      f_u(s, "family", l->u.null.family, 0, 4);
      f_bool(s, "swapped", l->u.null.swapped);
    }
    break;
  case CAPKIT_LAYER_ARP: {
    const capkit_arp *a = &l->u.arp;
    if (l->len >= 8 || hdr) {
      f_u(s, "htype", a->htype, 0, 2);
      f_x(s, "ptype", a->ptype, 4, 2, 2);
      f_u(s, "hlen", a->hlen, 4, 1);
      f_u(s, "plen", a->plen, 5, 1);
      f_u(s, "op", a->op, 6, 2);
    }
    if (hdr && a->hlen == 6 && a->plen == 4) {
      f_mac(s, "sha", a->sha, 6, 8);
      f_ip4(s, "spa", a->spa, 14);
      f_mac(s, "tha", a->tha, 6, 18);
      f_ip4(s, "tpa", a->tpa, 24);
    }
    break;
  }
  case CAPKIT_LAYER_IPV4: {
    const capkit_ipv4 *ip = &l->u.ipv4;
    if (l->len < 20)
      break;
    f_u(s, "version", p->data[l->offset] >> 4, 0, 1);
    f_u(s, "ihl", ip->ihl, 0, 1);
    f_x(s, "tos", ip->tos, 2, 1, 1);
    f_u(s, "total_len", ip->total_len, 2, 2);
    f_u(s, "id", ip->id, 4, 2);
    f_u(s, "df", ip->df, 6, 1);
    f_u(s, "mf", ip->mf, 6, 1);
    f_u(s, "frag_off", ip->frag_off, 6, 2);
    f_u(s, "ttl", ip->ttl, 8, 1);
    f_u(s, "proto", ip->proto, 9, 1);
    f_x(s, "checksum", ip->checksum, 4, 10, 2);
    f_str(s, "checksum_status", capkit__csum_name(l->csum));
    f_ip4(s, "src", ip->src, 12);
    f_ip4(s, "dst", ip->dst, 16);
    f_u(s, "options_len", ip->opt_len, 0, 0);
    if (ip->opt_len && hdr)
      ipv4_options(s, p->data + l->offset + 20, ip->opt_len);
    break;
  }
  case CAPKIT_LAYER_IPV6: {
    const capkit_ipv6 *ip = &l->u.ipv6;
    if (!hdr)
      break;
    f_x(s, "tclass", ip->tclass, 2, 0, 2);
    f_x(s, "flow", ip->flow, 5, 1, 3);
    f_u(s, "plen", ip->payload_len, 4, 2);
    f_u(s, "next", ip->next, 6, 1);
    f_u(s, "hlim", ip->hlim, 7, 1);
    f_ip6(s, "src", ip->src, 8);
    f_ip6(s, "dst", ip->dst, 24);
    f_u(s, "proto", ip->proto, 0, 0);
    break;
  }
  case CAPKIT_LAYER_IPV6_EXT: {
    const capkit_ipv6_ext *e = &l->u.ipv6_ext;
    f_u(s, "type", e->type, 0, 0);
    if (!hdr)
      break;
    f_u(s, "next", e->next, 0, 1);
    f_u(s, "len", e->len, 1, 1);
    if (e->type == 44) {
      f_u(s, "frag_off", e->frag_off, 2, 2);
      f_u(s, "mf", e->mf, 3, 1);
      f_x(s, "frag_id", e->frag_id, 8, 4, 4);
    } else if (e->type == 43) {
      f_u(s, "routing_type", e->rt_type, 2, 1);
      f_u(s, "segments_left", e->segleft, 3, 1);
    }
    break;
  }
  case CAPKIT_LAYER_ICMP:
  case CAPKIT_LAYER_ICMPV6: {
    const capkit_icmp *m = &l->u.icmp;
    if (l->len < 1)
      break;
    f_u(s, "type", m->type, 0, 1);
    if (l->len < 4)
      break;
    f_u(s, "code", m->code, 1, 1);
    f_x(s, "checksum", m->checksum, 4, 2, 2);
    f_str(s, "checksum_status", capkit__csum_name(l->csum));
    if (l->len < 8)
      break;
    int echo = l->type == CAPKIT_LAYER_ICMP
                   ? (m->type == 0 || m->type == 8)
                   : (m->type == 128 || m->type == 129);
    if (echo) {
      f_u(s, "id", m->id, 4, 2);
      f_u(s, "seq", m->seq, 6, 2);
    }
    if (l->type == CAPKIT_LAYER_ICMPV6 && (m->type == 135 || m->type == 136) &&
        l->len >= 24) {
      f_ip6(s, "target", m->target, 8);
      if (m->type == 136)
        f_x(s, "nd_flags", m->nd_flags, 2, 4, 1);
      if (m->has_lladdr) {
        s->f.bytes = m->lladdr;
        s->f.nbytes = 6;
        EMIT(s, "lladdr", CAPKIT_FIELD_MAC, 0, 0);
      }
    }
    break;
  }
  case CAPKIT_LAYER_UDP:
    if (l->len < 4)
      break;
    f_u(s, "sport", l->u.udp.sport, 0, 2);
    f_u(s, "dport", l->u.udp.dport, 2, 2);
    if (!hdr)
      break;
    f_u(s, "len", l->u.udp.len, 4, 2);
    f_x(s, "checksum", l->u.udp.checksum, 4, 6, 2);
    f_str(s, "checksum_status", capkit__csum_name(l->csum));
    break;
  case CAPKIT_LAYER_TCP: {
    const capkit_tcp *t = &l->u.tcp;
    if (l->len < 4)
      break;
    f_u(s, "sport", t->sport, 0, 2);
    f_u(s, "dport", t->dport, 2, 2);
    if (l->len < 8)
      break;
    f_u(s, "seq", t->seq, 4, 4);
    if (l->len < 20)
      break;
    f_u(s, "ack", t->ack, 8, 4);
    f_u(s, "doff", t->doff, 12, 1);
    char fl[16];
    fl[0] = '[';
    size_t n = 1 + capkit__tcp_flags(fl + 1, t->flags);
    fl[n++] = ']';
    f_text(s, "flags", fl, n, 12, 2);
    f_x(s, "flags_raw", t->flags, 3, 12, 2);
    f_u(s, "window", t->window, 14, 2);
    f_x(s, "checksum", t->checksum, 4, 16, 2);
    f_str(s, "checksum_status", capkit__csum_name(l->csum));
    f_u(s, "urg", t->urg, 18, 2);
    if (t->opts & CAPKIT_TCPOPT_MSS)
      f_u(s, "mss", t->mss, 0, 0);
    if (t->opts & CAPKIT_TCPOPT_WSCALE)
      f_u(s, "wscale", t->wscale, 0, 0);
    if (t->opts & CAPKIT_TCPOPT_SACK_PERM)
      f_bool(s, "sack_permitted", 1);
    if (t->opts & CAPKIT_TCPOPT_TS) {
      f_u(s, "ts_val", t->ts_val, 0, 0);
      f_u(s, "ts_ecr", t->ts_ecr, 0, 0);
    }
    if (t->opts & CAPKIT_TCPOPT_SACK) {
      s->f.pairs = t->sack;
      s->f.npairs = t->sack_blocks;
      EMIT(s, "sack", CAPKIT_FIELD_PAIRS, 0, 0);
    }
    break;
  }
  case CAPKIT_LAYER_GRE: {
    const capkit_gre *g = &l->u.gre;
    if (l->len < 4)
      break;
    f_x(s, "flags", g->flags_ver, 4, 0, 2);
    f_u(s, "version", g->version, 1, 1);
    f_x(s, "proto", g->proto, 4, 2, 2);
    if (!hdr)
      break;
    if (g->has_csum)
      f_x(s, "checksum", g->checksum, 4, 4, 2);
    if (g->has_key)
      f_x(s, "key", g->key, 1, 0, 0);
    if (g->has_seq)
      f_u(s, "seq", g->seq, 0, 0);
    break;
  }
  case CAPKIT_LAYER_VXLAN:
    if (!hdr)
      break;
    f_x(s, "flags", l->u.vxlan.flags, 2, 0, 1);
    f_u(s, "vni", l->u.vxlan.vni, 4, 3);
    break;
  case CAPKIT_LAYER_DNS: {
    const capkit_dns *d = &l->u.dns;
    if (l->len < 2 && !hdr)
      break;
    f_u(s, "id", d->id, 0, 2);
    if (l->len < 12)
      break;
    f_u(s, "qr", d->flags >> 15, 2, 1);
    f_u(s, "opcode", (d->flags >> 11) & 15, 2, 1);
    f_u(s, "rcode", d->flags & 15, 3, 1);
    f_x(s, "flags", d->flags, 4, 2, 2);
    f_u(s, "qdcount", d->qdcount, 4, 2);
    f_u(s, "ancount", d->ancount, 6, 2);
    f_u(s, "nscount", d->nscount, 8, 2);
    f_u(s, "arcount", d->arcount, 10, 2);
    if (d->qdcount && hdr) {
      char nb[300], tb[16];
      capkit_dns_name(p, d->msg_off, d->qname_off, nb, sizeof nb);
      f_str(s, "qname", nb);
      const char *tn = capkit_dns_type_name(d->qtype);
      if (!tn) {
        snprintf(tb, sizeof tb, "Type%u", d->qtype);
        tn = tb;
      }
      f_str(s, "qtype", tn);
      f_u(s, "qclass", d->qclass, 0, 0);
    }
    break;
  }
  case CAPKIT_LAYER_DHCP: {
    const capkit_dhcp *b = &l->u.dhcp;
    f_u(s, "op", b->op, 0, 1);
    f_x(s, "xid", b->xid, 8, 4, 4);
    if (!hdr)
      break;
    f_u(s, "secs", b->secs, 8, 2);
    f_x(s, "flags", b->flags, 4, 10, 2);
    f_ip4(s, "ciaddr", b->ciaddr, 12);
    f_ip4(s, "yiaddr", b->yiaddr, 16);
    f_ip4(s, "siaddr", b->siaddr, 20);
    f_ip4(s, "giaddr", b->giaddr, 24);
    f_mac(s, "chaddr", b->chaddr, b->hlen <= 16 && b->hlen ? b->hlen : 6, 28);
    if (b->msgtype)
      f_str(s, "msgtype", capkit__dhcp_msg_name(b->msgtype));
    if (b->has_requested) {
      s->f.bytes = b->requested;
      s->f.nbytes = 4;
      EMIT(s, "requested", CAPKIT_FIELD_IPV4, 0, 0);
    }
    break;
  }
  case CAPKIT_LAYER_NTP:
    f_u(s, "leap", l->u.ntp.leap, 0, 1);
    f_u(s, "version", l->u.ntp.version, 0, 1);
    f_str(s, "mode", capkit__ntp_mode_name(l->u.ntp.mode));
    if (!hdr)
      break;
    f_u(s, "stratum", l->u.ntp.stratum, 1, 1);
    f_i(s, "poll", l->u.ntp.poll, 2, 1);
    f_i(s, "precision", l->u.ntp.precision, 3, 1);
    break;
  case CAPKIT_LAYER_HTTP:
    if (l->u.http.line_len) {
      f_str(s, "kind", l->u.http.is_request ? "request" : "response");
      f_text(s, "line", (const char *)p->data + l->offset,
             l->u.http.line_len, 0, l->u.http.line_len);
    }
    break;
  case CAPKIT_LAYER_TLS:
    f_u(s, "content_type", l->u.tls.content_type, 0, 1);
    if (!hdr)
      break;
    f_str(s, "content", capkit__tls_type_name(l->u.tls.content_type));
    f_x(s, "version", l->u.tls.version, 4, 1, 2);
    f_u(s, "length", l->u.tls.length, 3, 2);
    if (l->u.tls.content_type == 22)
      f_u(s, "handshake_type", l->u.tls.hs_type, 5, 1);
    break;
  default:
    break;
  }
}

int capkit_packet_fields(const capkit_packet *p, capkit_field_fn fn,
                         void *user) {
  fs s;
  memset(&s, 0, sizeof s);
  s.p = p;
  s.fn = fn;
  s.user = user;
  for (size_t i = 0; i < p->count && !s.stop; i++) {
    const capkit_layer *l = &p->layers[i];
    s.f.layer = l;
    s.f.layer_index = (unsigned)i;
    s.f.layer_name = capkit_layer_name(l->type);
    emit(&s, NULL, 0, CAPKIT_FIELD_LAYER, 0, l->len);
    layer_fields(&s, l);
  }
  return s.stop;
}

int capkit_fields_visit(const uint8_t *data, uint32_t caplen,
                        uint32_t linktype, capkit_field_fn fn, void *user) {
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  capkit_decode(&pkt, linktype, data, caplen, caplen, CAPKIT_DECODE_CHECKSUMS);
  return capkit_packet_fields(&pkt, fn, user);
}

/* ---- the two layouts ---------------------------------------------------- */

typedef struct lay {
  tbuf *o;
  int json, first;
  const capkit_layer *open; /* -v: the layer whose line is open */
} lay;

/* The common part of a layer: where it is and what is wrong with it. */
static void common_fields(lay *y, const capkit_layer *l);

/* The key K with its separator: one reservation, no library call (keys
 * are short; this runs for every field). */
static inline void key(lay *y, const char *k, size_t kl) {
  tbuf *o = y->o;
  if (!tb_need(o, kl + 5))
    return;
  char *q = o->p + o->n;
  if (!y->first) {
    *q++ = ',';
    if (!y->json)
      *q++ = ' ';
  }
  if (y->json)
    *q++ = '"';
  memcpy(q, k, kl);
  q += kl;
  if (y->json) {
    *q++ = '"';
    *q++ = ':';
  } else
    *q++ = ' ';
  o->n = (size_t)(q - o->p);
  y->first = 0;
}

static void kv_u_(lay *y, const char *k, size_t kl, uint64_t v) {
  key(y, k, kl);
  tb_u(y->o, v);
}

#define kv_u(y, k, v) kv_u_(y, k, sizeof(k) - 1, v)
static void kv_bool_(lay *y, const char *k, size_t kl) {
  key(y, k, kl);
  tb_s(y->o, "true");
}

#define kv_bool(y, k) kv_bool_(y, k, sizeof(k) - 1)

static void common_fields(lay *y, const capkit_layer *l) {
  kv_u(y, "offset", l->offset);
  kv_u(y, "hdr_len", l->len);
  kv_u(y, "payload_len", l->payload_len);
  if (l->depth)
    kv_u(y, "depth", l->depth);
  if (l->status & CAPKIT_LAYER_TRUNCATED)
    kv_bool(y, "truncated");
  if (l->status & CAPKIT_LAYER_MALFORMED)
    kv_bool(y, "malformed");
  if (l->status & CAPKIT_LAYER_FRAGMENT)
    kv_bool(y, "fragment");
}

/* -v: the open layer's line ends with its common part. */
static void close_line(lay *y) {
  if (!y->open)
    return;
  common_fields(y, y->open);
  tb_c(y->o, '\n');
  y->open = NULL;
}

static int put_field(const capkit_field *f, void *user) {
  lay *y = user;
  tbuf *o = y->o;
  int q = y->json; /* values that are strings in JSON */
  if (f->kind == CAPKIT_FIELD_LAYER) {
    if (y->json) {
      if (f->layer_index) /* the previous layer's object ends */
        tb_s(o, "},");
      tb_s(o, "{\"layer\":\"");
      tb_s(o, f->layer_name);
      tb_c(o, '"');
      y->first = 0;
      common_fields(y, f->layer);
    } else {
      close_line(y);
      tb_s(o, "    ");
      tb_s(o, f->layer_name);
      tb_s(o, ": ");
      y->first = 1;
      y->open = f->layer;
    }
    return 0;
  }
  key(y, f->name, f->name_len);
  switch (f->kind) {
  case CAPKIT_FIELD_UINT:
    tb_u(o, f->u);
    break;
  case CAPKIT_FIELD_INT:
    tb_i(o, f->i);
    break;
  case CAPKIT_FIELD_BOOL:
    tb_s(o, f->u ? "true" : "false");
    break;
  case CAPKIT_FIELD_HEX:
    if (q)
      tb_c(o, '"');
    tb_s(o, "0x");
    tb_x(o, f->u, (int)f->width);
    if (q)
      tb_c(o, '"');
    break;
  case CAPKIT_FIELD_TEXT:
    if (q)
      capkit__tb_json(o, f->str, f->len);
    else if (tb_need(o, f->len)) { /* '.' for what is not printable */
      char *d = o->p + o->n;
      for (size_t k = 0; k < f->len; k++) {
        char ch = f->str[k];
        d[k] = (ch >= 0x20 && ch < 0x7f) ? ch : '.';
      }
      o->n += f->len;
    }
    break;
  case CAPKIT_FIELD_IPV4:
  case CAPKIT_FIELD_IPV6:
  case CAPKIT_FIELD_MAC:
    if (q)
      tb_c(o, '"');
    if (f->kind == CAPKIT_FIELD_IPV4)
      tb_ip4(o, f->bytes);
    else if (f->kind == CAPKIT_FIELD_IPV6)
      tb_ip6(o, f->bytes);
    else
      tb_mac(o, f->bytes, f->nbytes);
    if (q)
      tb_c(o, '"');
    break;
  case CAPKIT_FIELD_LIST: {
    tb_c(o, '[');
    size_t a = 0;
    for (size_t k = 0; k <= f->len; k++) {
      if (k < f->len && f->str[k] != ',')
        continue;
      if (a)
        tb_c(o, ',');
      if (q)
        tb_c(o, '"');
      tb_mem(o, f->str + a, k - a);
      if (q)
        tb_c(o, '"');
      a = k + 1;
    }
    tb_c(o, ']');
    break;
  }
  case CAPKIT_FIELD_PAIRS:
    if (q)
      tb_c(o, '[');
    for (size_t b = 0; b < f->npairs; b++) {
      tb_s(o, q ? (b ? ",[" : "[") : "{");
      tb_u(o, f->pairs[2 * b]);
      tb_c(o, q ? ',' : ':');
      tb_u(o, f->pairs[2 * b + 1]);
      tb_c(o, q ? ']' : '}');
    }
    if (q)
      tb_c(o, ']');
    break;
  default:
    break;
  }
  return 0;
}

void capkit__print_fields(capkit_printer *c) {
  const capkit_packet *p = c->pkt;
  lay y = {&c->o, 0, 1, NULL};
  capkit_packet_fields(p, put_field, &y);
  close_line(&y);
  uint32_t end = 0;
  if (p->count) {
    const capkit_layer *l = &p->layers[p->count - 1];
    end = l->offset + l->len;
  }
  if (end < p->caplen) {
    tb_s(&c->o, "    data: offset ");
    tb_u(&c->o, end);
    tb_s(&c->o, ", len ");
    tb_u(&c->o, p->caplen - end);
    tb_c(&c->o, '\n');
  }
}

void capkit__print_json(capkit_printer *c, const capkit_record *rec) {
  tbuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  tb_s(o, "{\"frame\":");
  tb_u(o, rec->number);
  tb_s(o, ",\"time\":\"");
  tb_i(o, rec->ts_sec);
  tb_c(o, '.');
  tb_uw(o, rec->ts_nsec, 9);
  tb_s(o, "\",\"caplen\":");
  tb_u(o, rec->caplen);
  tb_s(o, ",\"len\":");
  tb_u(o, rec->origlen);
  tb_s(o, ",\"linktype\":");
  tb_u(o, p->linktype);
  if (p->status & CAPKIT_LAYER_TRUNCATED)
    tb_s(o, ",\"truncated\":true");
  if (p->status & CAPKIT_LAYER_MALFORMED)
    tb_s(o, ",\"malformed\":true");
  tb_s(o, ",\"layers\":[");
  lay y = {o, 1, 0, NULL};
  capkit_packet_fields(p, put_field, &y);
  if (p->count)
    tb_c(o, '}');
  tb_s(o, "]}\n");
}

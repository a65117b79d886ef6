/* line.c - one line per packet in tcpdump's words (tcpdump -nn): link
 * header with -e, network and transport, and the application protocols
 * tcpdump names without -v (DNS, DHCP, NTP, VXLAN, HTTP). */
#include <stdio.h>
#include <stdlib.h>

#include <capkit/capkit.h>
#include <capkit/linktype.h>

#include "print_int.h"

typedef struct capkit_printer pctx;
typedef capkit__tseq tseq;

static inline uint16_t rd16(const uint8_t *p) {
  return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static const char *ethertype_name(uint16_t t) {
  const char *n = capkit_ethertype_name(t);
  return n ? n : "Unknown";
}

/* A record type as tcpdump 4.99 names it: the types it knows by name
 * (1..48, 99..104, 249..256), the others "TypeN". */
static const char *dns_type_name(uint16_t t, char *buf, size_t cap) {
  const char *n = capkit_dns_type_name(t);
  if (n && (t <= 48 || (t >= 99 && t <= 104) || (t >= 249 && t <= 256)))
    return n;
  snprintf(buf, cap, "Type%u", t);
  return buf;
}

/* tcpdump's response codes: names up to 10, then " Resp11".. */
static void dns_rcode(tbuf *o, unsigned r) {
  static const char *const n[] = {"",       " FormErr", " ServFail",
                                  " NXDomain", " NotImp", " Refused",
                                  " YXDomain", " YXRRSet", " NXRRSet",
                                  " NotAuth",  " NotZone"};
  if (r < sizeof n / sizeof *n) {
    tb_s(o, n[r]);
    return;
  }
  tb_s(o, " Resp");
  tb_u(o, r);
}

#define icmp6_name capkit_icmp6_type_name
#define dhcp_msg_name capkit__dhcp_msg_name
#define ntp_mode_name capkit__ntp_mode_name

static void tcp_flags(tbuf *o, uint16_t f) {
  char t[12];
  tb_mem(o, t, capkit__tcp_flags(t, f));
}

/* ---- tcpdump -v ---------------------------------------------------------- */

/* The value a checksum field holding FIELD should have had, when the ones'
 * complement sum over everything it covers is TOTAL (RFC 1624's
 * incremental form, as tcpdump reports it). */
static uint16_t csum_shouldbe(uint16_t field, uint16_t total) {
  uint32_t v = (uint32_t)field + (uint16_t)~total;
  v = (v & 0xffffu) + (v >> 16);
  v = (v & 0xffffu) + (v >> 16);
  return (uint16_t)v;
}

/* The ones' complement sum over the pseudo header of NET (addresses,
 * PROTO, LEN) and the LEN bytes of the layer L. */
static uint16_t l4_sum(const pctx *c, const capkit_layer *net,
                       const capkit_layer *l, uint8_t proto, uint32_t len) {
  uint8_t ph[40];
  size_t n;
  memset(ph, 0, sizeof ph);
  if (net->type == CAPKIT_LAYER_IPV4) {
    memcpy(ph, net->u.ipv4.src, 4);
    memcpy(ph + 4, net->u.ipv4.dst, 4);
    ph[9] = proto;
    ph[10] = (uint8_t)(len >> 8);
    ph[11] = (uint8_t)len;
    n = 12;
  } else {
    memcpy(ph, net->u.ipv6.src, 16);
    memcpy(ph + 16, net->u.ipv6.dst, 16);
    for (int k = 0; k < 4; k++)
      ph[32 + k] = (uint8_t)(len >> (24 - 8 * k));
    ph[39] = proto;
    n = 40;
  }
  return capkit_inet_sum(c->pkt->data + l->offset, len,
                         capkit_inet_sum(ph, n, 0));
}

/* What the checksum of a verified layer should be (its verdict BAD). */
static uint16_t l4_shouldbe(const pctx *c, const capkit_layer *net,
                            const capkit_layer *l, uint8_t proto,
                            uint32_t len, uint16_t field) {
  return csum_shouldbe(field, l4_sum(c, net, l, proto, len));
}

static void bad_length(tbuf *o, const char *pre, uint32_t len) {
  tb_s(o, pre);
  tb_s(o, "[bad length ");
  tb_u(o, len);
  tb_c(o, ']');
}

/* The timestamp option Q of LEN bytes (print-ip.c ip_printts): " TS{TSONLY
 * 5@ ^ 0@}", '^' where the pointer stands. Entries are read as tcpdump
 * reads them, on past the option up to the HAVE captured bytes at Q;
 * returns -1 when one was not captured. */
static int ipv4_ts(tbuf *o, const uint8_t *q, uint32_t len, uint32_t have) {
  if (len < 4) {
    bad_length(o, "", len);
    return 0;
  }
  tb_s(o, " TS{");
  unsigned flg = q[3] & 15;
  uint32_t hop = flg != 0 ? 8 : 4, ptr = (uint32_t)q[2] - 1, at = 0;
  if ((len - 4) & (hop - 1))
    bad_length(o, "", len);
  if (ptr < 4 || ((ptr - 4) & (hop - 1)) || ptr > len + 1) {
    tb_s(o, "[bad ptr ");
    tb_u(o, q[2]);
    tb_c(o, ']');
  }
  if (flg == 0 || flg == 1 || flg == 3) {
    tb_s(o, flg == 0 ? "TSONLY" : flg == 1 ? "TS+ADDR" : "PRESPEC");
    for (at = 4; at < len; at += hop) {
      if (at + hop > have)
        return -1;
      tb_s(o, ptr == at ? " ^ " : " ");
      tb_u(o, rd32(q + at + hop - 4));
      tb_c(o, '@');
      if (hop == 8)
        tb_ip4(o, q + at);
    }
  } else {
    tb_s(o, "[bad ts type ");
    tb_u(o, flg);
    tb_c(o, ']');
  }
  if (ptr == at)
    tb_s(o, " ^ ");
  if (q[3] >> 4) {
    tb_s(o, " [");
    tb_u(o, q[3] >> 4);
    tb_s(o, " hops not recorded]} ");
  } else
    tb_c(o, '}');
  return 0;
}

/* ", options (NOP,RR 10.0.0.1,EOL)": the N option bytes at D as tcpdump
 * -v prints them (print-ip.c ip_optprint), HAVE of the bytes from D on
 * captured. A length that cannot be ends the list. Returns 0, -1 when a
 * byte tcpdump reads was not captured (the line then ends " [|ip]"), -2
 * when an option's own bytes were cut (" [truncated-option]"). */
static int ipv4_options(tbuf *o, const uint8_t *d, uint32_t n,
                        uint32_t have) {
  tb_s(o, ", options (");
  for (uint32_t i = 0; i < n;) {
    if (i)
      tb_c(o, ',');
    if (i >= have)
      return -1;
    uint8_t k = d[i];
    const char *nm = k == 0      ? "EOL"
                     : k == 1    ? "NOP"
                     : k == 7    ? "RR"
                     : k == 0x83 ? "LSRR"
                     : k == 0x89 ? "SSRR"
                     : k == 0x44 ? "timestamp"
                     : k == 0x94 ? "RA"
                     : k == 0x82 ? "security"
                                 : NULL;
    if (nm)
      tb_s(o, nm);
    else {
      tb_s(o, "unknown ");
      tb_u(o, k);
    }
    uint32_t len = 1;
    if (k > 1) {
      if (i + 1 >= have)
        return -1;
      len = d[i + 1];
      if (len < 2) {
        bad_length(o, " ", len);
        break;
      }
    }
    if (len > n - i) {
      bad_length(o, " ", len);
      break;
    }
    if (i + len > have)
      return -2;
    if (k == 0)
      break;
    const uint8_t *q = d + i;
    if (k == 7 || k == 0x83 || k == 0x89) {
      /* ip_printroute */
      if (len < 3) {
        bad_length(o, " ", len);
      } else {
        uint32_t ptr = (uint32_t)q[2] - 1;
        if ((len + 1) & 3)
          bad_length(o, " ", len);
        if (ptr < 3 || ((ptr + 1) & 3) || ptr > len + 1) {
          tb_s(o, " [bad ptr ");
          tb_u(o, q[2]);
          tb_c(o, ']');
        }
        for (uint32_t a = 3; a < len; a += 4) {
          if (i + a + 4 > have)
            return -1;
          tb_c(o, ' ');
          tb_ip4(o, q + a);
          if (ptr > a) /* recorded already */
            tb_c(o, ',');
        }
      }
    } else if (k == 0x44) {
      if (ipv4_ts(o, q, len, have - i) < 0)
        return -1;
    } else if (k == 0x94) {
      if (len < 4)
        bad_length(o, " ", len);
      else if (rd16(q + 2)) {
        tb_s(o, " value ");
        tb_u(o, rd16(q + 2));
      }
    }
    i += len;
  }
  return 0;
}

/* An IPv4 header of which fewer bytes than its length were captured, as
 * tcpdump ends its line (the addresses first unless TCP, UDP, SCTP or
 * DCCP follow). */
static void ipv4_short(pctx *c, const capkit_layer *l) {
  tbuf *o = &c->o;
  uint8_t pr = l->u.ipv4.proto;
  if (pr != 6 && pr != 17 && pr != 132 && pr != 33) {
    tb_ip4(o, l->u.ipv4.src);
    tb_s(o, " > ");
    tb_ip4(o, l->u.ipv4.dst);
    tb_s(o, ": ");
  }
  tb_s(o, " [remaining caplen(");
  tb_u(o, l->len);
  tb_s(o, ") < header length(");
  tb_u(o, l->u.ipv4.ihl);
  tb_s(o, ")] [|ip]");
}

/* "(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length
 * 60)" and the line break tcpdump -v puts after it. Returns 0; 1 when the
 * options were cut (the addresses and " [|ip]" end the line), -1 when the
 * line ended inside them. */
static int ipv4_verbose(pctx *c, const capkit_layer *l) {
  tbuf *o = &c->o;
  const capkit_ipv4 *h = &l->u.ipv4;
  static const char *const ecn[] = {"", ",ECT(1)", ",ECT(0)", ",CE"};
  const uint8_t *d = c->pkt->data + l->offset;
  tb_s(o, "(tos 0x");
  tb_x(o, h->tos, 1);
  tb_s(o, ecn[h->tos & 3]);
  if (h->ttl) {
    tb_s(o, ", ttl ");
    tb_u(o, h->ttl);
  }
  tb_s(o, ", id ");
  tb_u(o, h->id);
  tb_s(o, ", offset ");
  tb_u(o, h->frag_off);
  tb_s(o, ", flags [");
  int nf = 0;
  if (h->mf)
    tb_s(o, "+"), nf++;
  if (h->df)
    tb_s(o, nf++ ? ", DF" : "DF");
  if (d[6] & 0x80)
    tb_s(o, nf++ ? ", rsvd" : "rsvd");
  if (!nf)
    tb_s(o, "none");
  tb_s(o, "], proto ");
  tb_s(o, capkit__ipproto_vname(h->proto));
  tb_s(o, " (");
  tb_u(o, h->proto);
  tb_s(o, "), length ");
  tb_u(o, h->total_len);
  int cut = 0;
  if (h->ihl > 20) {
    /* tcpdump reads no further than the datagram's end */
    uint32_t have = c->pkt->caplen - l->offset;
    if (have > h->total_len)
      have = h->total_len;
    cut = ipv4_options(o, d + 20, h->ihl - 20u, have - 20);
    if (cut == -1) {
      tb_s(o, " [|ip]");
      return -1;
    }
    if (cut)
      tb_s(o, " [truncated-option]");
    tb_c(o, ')');
  }
  if (l->csum == CAPKIT_CSUM_BAD) {
    tb_s(o, ", bad cksum ");
    tb_x(o, h->checksum, 1);
    tb_s(o, " (->");
    tb_x(o, csum_shouldbe(h->checksum, capkit_inet_sum(d, h->ihl, 0)), 1);
    tb_s(o, ")!");
  }
  tb_s(o, ")\n    ");
  if (cut) {
    tb_ip4(o, h->src);
    tb_s(o, " > ");
    tb_ip4(o, h->dst);
    tb_s(o, ":  [|ip]");
    return 1;
  }
  if (l->status & CAPKIT_LAYER_TRUNCATED) { /* options read, not all there */
    ipv4_short(c, l);
    return 1;
  }
  return 0;
}

/* "(class 0x20, flowlabel 0x12345, hlim 9, next-header UDP (17) payload
 * length: 12) " */
static void ipv6_verbose(pctx *c, const capkit_layer *l) {
  tbuf *o = &c->o;
  const capkit_ipv6 *h = &l->u.ipv6;
  tb_c(o, '(');
  if (h->tclass) {
    tb_s(o, "class 0x");
    tb_x(o, h->tclass, 2);
    tb_s(o, ", ");
  }
  if (h->flow) {
    tb_s(o, "flowlabel 0x");
    tb_x(o, h->flow, 5);
    tb_s(o, ", ");
  }
  tb_s(o, "hlim ");
  tb_u(o, h->hlim);
  tb_s(o, ", next-header ");
  tb_s(o, capkit__ipproto_vname(h->next));
  tb_s(o, " (");
  tb_u(o, h->next);
  tb_s(o, ") payload length: ");
  tb_u(o, h->payload_len);
  tb_s(o, ") ");
}

/* ---- one line --------------------------------------------------------- */

static void put_addr(tbuf *o, const capkit_layer *net, int dst) {
  if (net->type == CAPKIT_LAYER_IPV4)
    tb_ip4(o, dst ? net->u.ipv4.dst : net->u.ipv4.src);
  else
    tb_ip6(o, dst ? net->u.ipv6.dst : net->u.ipv6.src);
}

/* "src.port > dst.port: ". After IPv6 extension headers tcpdump has
 * already shown the addresses: then only the ports, or nothing. */
static void put_endpoints(pctx *c, const capkit_layer *net, int ports,
                          uint16_t sp, uint16_t dp) {
  tbuf *o = &c->o;
  if (c->ext_shown) {
    if (ports) {
      tb_u(o, sp);
      tb_s(o, " > ");
      tb_u(o, dp);
      tb_s(o, ": ");
    }
    return;
  }
  put_addr(o, net, 0);
  if (ports) {
    tb_c(o, '.');
    tb_u(o, sp);
  }
  tb_s(o, " > ");
  put_addr(o, net, 1);
  if (ports) {
    tb_c(o, '.');
    tb_u(o, dp);
  }
  tb_s(o, ": ");
}

/* ", proto IPv4 (0x0800)" */
static void gre_proto(tbuf *o, uint16_t proto) {
  const char *n = capkit_ethertype_name(proto);
  tb_s(o, ", proto ");
  tb_s(o, n ? n : "unknown");
  tb_s(o, " (0x");
  tb_x(o, proto, 4);
  tb_c(o, ')');
}

/* The endpoints of a TCP or UDP header; when the header was cut, they
 * (without ports when even those were cut, then cut_noports follows)
 * and cut; returns 1 then, the line being complete. */
static int transport_endpoints(pctx *c, const capkit_layer *net,
                               const capkit_layer *l, uint16_t sp,
                               uint16_t dp, const char *cut_noports,
                               const char *cut) {
  if (!(l->status & CAPKIT_LAYER_TRUNCATED)) {
    put_endpoints(c, net, 1, sp, dp);
    return 0;
  }
  if (l->len < 4)
    put_endpoints(c, net, 0, 0, 0), tb_s(&c->o, cut_noports);
  else
    put_endpoints(c, net, 1, sp, dp), tb_s(&c->o, cut);
  return 1;
}

static size_t line_from(pctx *c, size_t i, int prefix);

/* The length the IP header(s) give to the transport layer at index i: the
 * IPv4 total length less its header, the IPv6 payload less its extension
 * headers. */
static uint32_t ip_payload(const pctx *c, const capkit_layer *net, size_t i) {
  if (net->type == CAPKIT_LAYER_IPV6 && i > 0 &&
      c->pkt->layers[i - 1].type == CAPKIT_LAYER_IPV6_EXT)
    return c->pkt->layers[i - 1].payload_len;
  return net->payload_len;
}

/* The options, as tcpdump prints them: N bytes of them in the header, HAVE
 * of those captured. Returns 0, or -1 when the line ends inside: after a
 * bad option ("[bad opt]") or at the capture's end (" [|tcp]", with ">"
 * when the cut falls in an option's data after a complete one, as
 * tcpdump does). */
static int tcp_options(tbuf *o, const uint8_t *d, uint32_t n, uint32_t have,
                       uint32_t sack_base) {
  tb_s(o, ", options [");
  uint32_t i = 0;
  int done = 0; /* options printed whole */
  while (i < n) {
    if (done)
      tb_c(o, ',');
    if (i >= have) {
      tb_s(o, " [|tcp]");
      return -1;
    }
    uint8_t k = d[i];
    if (k == 0) {
      tb_s(o, "eol");
      break;
    }
    if (k == 1) {
      tb_s(o, "nop");
      i++;
      done++;
      continue;
    }
    if (i + 1 >= have && i + 1 < n) {
      tb_s(o, " [|tcp]");
      return -1;
    }
    if (i + 1 >= n || d[i + 1] < 2 || i + d[i + 1] > n) {
      tb_s(o, "[bad opt]");
      if (done)
        tb_c(o, ']');
      return -1;
    }
    uint8_t l = d[i + 1];
    const uint8_t *p = d + i + 2;
    int mss = k == 2 && l == 4, ws = k == 3 && l == 3, ok = k == 4 && l == 2,
        ts = k == 8 && l == 10;
    if (mss)
      tb_s(o, "mss");
    else if (ws)
      tb_s(o, "wscale");
    else if (ok)
      tb_s(o, "sackOK");
    else if (k == 5)
      tb_s(o, "sack");
    else if (ts)
      tb_s(o, "TS");
    else {
      tb_s(o, "unknown-");
      tb_u(o, k);
    }
    if (i + l > have) { /* its data was not captured */
      tb_s(o, done ? " [|tcp]>" : " [|tcp]");
      return -1;
    }
    if (mss) {
      tb_c(o, ' ');
      tb_u(o, rd16(p));
    } else if (ws) {
      tb_c(o, ' ');
      tb_u(o, p[0]);
    } else if (k == 5) {
      unsigned nb = (l - 2u) / 8;
      tb_c(o, ' ');
      tb_u(o, nb);
      tb_c(o, ' ');
      for (unsigned b = 0; b < nb; b++) {
        tb_c(o, '{');
        tb_u(o, (uint32_t)(rd32(p + 8 * b) - sack_base));
        tb_c(o, ':');
        tb_u(o, (uint32_t)(rd32(p + 8 * b + 4) - sack_base));
        tb_c(o, '}');
      }
    } else if (ts) {
      tb_s(o, " val ");
      tb_u(o, rd32(p));
      tb_s(o, " ecr ");
      tb_u(o, rd32(p + 4));
    } else if (!ok) {
      for (unsigned b = 0; b + 2u < l; b++) { /* the data, in hex */
        if (!b)
          tb_s(o, " 0x");
        tb_x(o, p[b], 2);
      }
    }
    i += l;
    done++;
  }
  tb_c(o, ']');
  return 0;
}

static void dns_line(pctx *c, const capkit_layer *l, uint32_t dlen);
static void tcpdump_char(tbuf *o, uint8_t ch);

static uint64_t tseq_hash(const tseq *k) {
  uint64_t h = 0xcbf29ce484222325ull ^ k->ports ^ ((uint64_t)k->v6 << 40);
  for (int i = 0; i < 16; i++)
    h = (h ^ k->src[i] ^ ((uint64_t)k->dst[i] << 8)) * 0x100000001b3ull;
  return h ^ (h >> 31);
}

/* The entry for the key K (its slot, new ones marked unused), or NULL when
 * memory runs out. A full table (c->max_tcp entries) is emptied. */
static tseq *tseq_find(pctx *c, const tseq *k) {
  if ((c->nts + 1) * 2 > c->cts && c->nts < c->max_tcp) {
    size_t nc = c->cts ? c->cts * 2 : 4096;
    tseq *v = calloc(nc, sizeof *v);
    if (!v)
      return NULL;
    for (size_t i = 0; i < c->cts; i++) {
      if (!c->ts[i].used)
        continue;
      size_t j = tseq_hash(&c->ts[i]) & (nc - 1);
      while (v[j].used)
        j = (j + 1) & (nc - 1);
      v[j] = c->ts[i];
    }
    free(c->ts);
    c->ts = v;
    c->cts = nc;
  }
  size_t j = tseq_hash(k) & (c->cts - 1);
  while (c->ts[j].used) {
    tseq *e = &c->ts[j];
    if (e->ports == k->ports && e->v6 == k->v6 &&
        !memcmp(e->src, k->src, 16) && !memcmp(e->dst, k->dst, 16))
      return e;
    j = (j + 1) & (c->cts - 1);
  }
  if (c->nts >= c->max_tcp) { /* a new one, and no room */
    memset(c->ts, 0, c->cts * sizeof *c->ts);
    c->nts = 0;
    j = tseq_hash(k) & (c->cts - 1);
  }
  return &c->ts[j];
}

/* Relative sequence and acknowledgment numbers the way tcpdump makes them
 * (print-tcp.c): the first ACK-bearing packet of a connection, and every
 * SYN-ACK, set the base and print absolute numbers; later ones print
 * offsets from it. SACK edges are offsets in the other direction's space. */
static void tcp_relative(pctx *c, const capkit_layer *net,
                         const capkit_tcp *t, uint32_t *seq, uint32_t *ack,
                         uint32_t *sack_base) {
  *seq = t->seq;
  *ack = t->ack;
  *sack_base = 0;
  /* tcpdump keeps no state for segments without ACK (a first SYN, a bare
   * RST): they print absolute numbers */
  if (c->absolute || !(t->flags & CAPKIT_TCP_ACK))
    return;
  tseq k;
  memset(&k, 0, sizeof k);
  const uint8_t *src, *dst;
  size_t al;
  if (net->type == CAPKIT_LAYER_IPV4) {
    src = net->u.ipv4.src, dst = net->u.ipv4.dst, al = 4;
  } else {
    src = net->u.ipv6.src, dst = net->u.ipv6.dst, al = 16;
    k.v6 = 1;
  }
  /* one key per connection, the same both ways: the endpoints ordered by
   * address, then port (both ends share the address on loopback) */
  int cmp = memcmp(src, dst, al);
  int rev = cmp > 0 || (cmp == 0 && t->sport > t->dport);
  memcpy(k.src, rev ? dst : src, al);
  memcpy(k.dst, rev ? src : dst, al);
  k.ports = rev ? (uint32_t)t->dport << 16 | t->sport
                : (uint32_t)t->sport << 16 | t->dport;
  tseq *e = tseq_find(c, &k);
  if (!e)
    return;
  if (!e->used || (t->flags & CAPKIT_TCP_SYN)) {
    if (!e->used) {
      *e = k;
      e->used = 1;
      c->nts++;
    }
    if (rev) {
      e->ack = t->seq;
      e->seq = t->ack - 1;
    } else {
      e->seq = t->seq;
      e->ack = t->ack - 1;
    }
  } else {
    *seq = t->seq - (rev ? e->ack : e->seq);
    *ack = t->ack - (rev ? e->seq : e->ack);
  }
  *sack_base = rev ? e->seq : e->ack;
}

static void line_tcp(pctx *c, const capkit_layer *net, const capkit_layer *l,
                     size_t i) {
  tbuf *o = &c->o;
  const capkit_tcp *t = &l->u.tcp;
  uint32_t seglen = ip_payload(c, net, i);
  if (l->len >= 20 && t->doff > seglen && t->doff >= 20) {
    /* tcpdump judges the header length against the segment first */
    put_endpoints(c, net, 1, t->sport, t->dport);
    if (c->quiet) { /* tcpdump -q: the length less the header, mod 2^32 */
      tb_s(o, "tcp ");
      tb_u(o, (uint32_t)(seglen - t->doff));
    } else {
      tb_s(o, "Flags [");
      tcp_flags(o, t->flags);
      tb_c(o, ']');
    }
    tb_s(o, " [bad hdr length ");
    tb_u(o, t->doff);
    tb_s(o, " - too long, > ");
    tb_u(o, seglen);
    tb_c(o, ']');
    return;
  }
  /* the fixed header captured, options cut: tcpdump prints up to the cut */
  int cut = (l->status & CAPKIT_LAYER_TRUNCATED) && l->len >= 20;
  if (cut)
    put_endpoints(c, net, 1, t->sport, t->dport);
  else if (transport_endpoints(c, net, l, t->sport, t->dport, "[|tcp]",
                               " [|tcp]"))
    return;
  if ((l->status & CAPKIT_LAYER_MALFORMED) && t->doff < 20) {
    tb_s(o, " tcp ");
    tb_u(o, l->payload_len + 20 - t->doff);
    tb_s(o, " [bad hdr length ");
    tb_u(o, t->doff);
    tb_s(o, " - too short, < 20]");
    return;
  }
  if (c->quiet) { /* tcpdump -q: the payload length only */
    tb_s(o, "tcp ");
    tb_u(o, l->payload_len);
    return;
  }
  tb_s(o, "Flags [");
  tcp_flags(o, t->flags);
  tb_c(o, ']');
  if (c->vflag && (l->csum == CAPKIT_CSUM_GOOD || l->csum == CAPKIT_CSUM_BAD)) {
    /* tcpdump -v: verified when the whole segment was captured */
    tb_s(o, ", cksum 0x");
    tb_x(o, t->checksum, 4);
    if (l->csum == CAPKIT_CSUM_GOOD) {
      tb_s(o, " (correct)");
    } else {
      tb_s(o, " (incorrect -> 0x");
      tb_x(o, l4_shouldbe(c, net, l, 6, seglen, t->checksum), 4);
      tb_c(o, ')');
    }
  }
  uint32_t len = l->payload_len, seq, ack, sack_base;
  tcp_relative(c, net, t, &seq, &ack, &sack_base);
  if ((t->flags & (CAPKIT_TCP_SYN | CAPKIT_TCP_FIN | CAPKIT_TCP_RST)) ||
      len || c->vflag > 1) { /* -vv: the sequence number always */
    tb_s(o, ", seq ");
    tb_u(o, seq);
    if (len) {
      tb_c(o, ':');
      tb_u(o, (uint32_t)(seq + len));
    }
  }
  if (t->flags & CAPKIT_TCP_ACK) {
    tb_s(o, ", ack ");
    tb_u(o, ack);
  }
  tb_s(o, ", win ");
  tb_u(o, t->window);
  if (t->flags & CAPKIT_TCP_URG) {
    tb_s(o, ", urg ");
    tb_u(o, t->urg);
  }
  if (t->doff > 20 &&
      tcp_options(o, c->pkt->data + l->offset + 20, t->doff - 20u,
                  l->len - 20, sack_base) < 0)
    return;
  tb_s(o, ", length ");
  tb_u(o, len);
  if (c->vflag && (t->flags & CAPKIT_TCP_RST) && len) {
    /* tcpdump -v: the reset's data as text, at most 30 bytes, those
     * captured */
    const uint8_t *d = c->pkt->data + l->offset + t->doff;
    uint32_t n = len > 30 ? 30 : len, have = c->pkt->caplen - l->offset;
    have = have > t->doff ? have - t->doff : 0;
    tb_s(o, have < len ? " [!RST" : " [RST"); /* '!': not all captured */
    tb_s(o, len > 30 ? "+ " : " ");
    for (uint32_t k = 0; k < n && k < have; k++)
      tcpdump_char(o, d[k]);
    tb_c(o, ']');
    return;
  }
  if (c->vflag && i + 1 < c->pkt->count &&
      c->pkt->layers[i + 1].type == CAPKIT_LAYER_HTTP &&
      c->pkt->layers[i + 1].u.http.line_len) { /* a first line found */
    /* tcpdump -v: every line of the payload on its own, "[|http]" where
     * the captured bytes end before the segment or a line does */
    tb_s(o, ": HTTP, length: ");
    tb_u(o, len);
    const uint8_t *d = c->pkt->data;
    uint32_t k = l->offset + t->doff, stop = k + len;
    uint32_t have = c->pkt->caplen < stop ? c->pkt->caplen : stop;
    while (k < stop) {
      uint32_t e = k;
      while (e < have && d[e] != '\n')
        e++;
      int whole = e < have; /* the line's end was captured */
      if (whole || have >= stop) {
        /* a last line without an end is shown only when the segment was
         * captured whole */
        uint32_t n = e - k;
        if (whole && n && d[e - 1] == '\r')
          n--;
        tb_s(o, "\n\t");
        for (uint32_t j = 0; j < n; j++)
          tcpdump_char(o, d[k + j]);
      }
      if (!whole) {
        tb_s(o, " [|http]");
        break;
      }
      k = e + 1;
    }
  } else if (i + 1 < c->pkt->count) {
    const capkit_layer *a = &c->pkt->layers[i + 1];
    if (a->type == CAPKIT_LAYER_HTTP && a->u.http.line_len) {
      tb_s(o, ": HTTP: ");
      const uint8_t *p = c->pkt->data + a->offset;
      for (uint32_t k = 0; k < a->u.http.line_len && k < 300; k++)
        tb_c(o, (p[k] >= 0x20 && p[k] < 0x7f) ? (char)p[k] : '.');
      if (a->status & CAPKIT_LAYER_TRUNCATED)
        tb_s(o, " [|http]");
    } else if (a->type == CAPKIT_LAYER_HTTP) {
      tb_s(o, ": HTTP");
    } else if (a->type == CAPKIT_LAYER_DNS && len >= 2) {
      /* DNS over TCP: a 2-byte length, then the message */
      uint32_t pl = rd16(c->pkt->data + a->offset - 2);
      if (pl != len - 2) {
        tb_s(o, " [prefix length(");
        tb_u(o, pl);
        tb_s(o, ") != length(");
        tb_u(o, len - 2);
        tb_s(o, ")] (invalid)");
      } else {
        tb_c(o, ' ');
        dns_line(c, a, len - 2);
      }
    }
  } else if (len && l->offset + l->len >= c->pkt->caplen &&
           (t->sport == 80 || t->dport == 80 || t->sport == 8080 ||
            t->dport == 8080))
    tb_s(o, ": HTTP"); /* tcpdump names the port, nothing captured */
  if (l->status & CAPKIT_LAYER_MALFORMED)
    tb_s(o, " [bad tcp]");
}

/* A byte of text as tcpdump shows it: printable ASCII as it is, bytes
 * above 0x7f as "M-" and their low 7 bits, control characters as "^"
 * and the character 0x40 above. */
static void tcpdump_char(tbuf *o, uint8_t ch) {
  if (ch >= 0x80) {
    tb_s(o, "M-");
    ch &= 0x7f;
  }
  if (ch < 0x20 || ch == 0x7f) {
    tb_c(o, '^');
    ch ^= 0x40;
  }
  tb_c(o, (char)ch);
}

/* A section count as tcpdump shows it: " [3a]". */
static void dns_count(tbuf *o, uint32_t n, const char *tag) {
  tb_s(o, " [");
  tb_u(o, n);
  tb_s(o, tag);
}

/* Step over the name at *off (labels up to a zero byte or a compression
 * pointer): 0, or -1 when it runs past end. */
static int dns_skip_name(const uint8_t *p, uint32_t *off, uint32_t end) {
  uint32_t o = *off;
  while (o < end && p[o] && (p[o] & 0xc0) != 0xc0)
    o += 1u + p[o];
  if (o >= end)
    return -1;
  *off = o + ((p[o] & 0xc0) == 0xc0 ? 2 : 1);
  return 0;
}

/* What tcpdump prints of a name at OFF that the capture's END cuts: the
 * labels, each followed by a dot, as far as their bytes were captured.
 * Returns 0 when the cut falls before a label's length (tcpdump then
 * stops quietly), -1 when inside a label or a pointer. */
static int dns_name_cut(tbuf *o, const uint8_t *p, uint32_t msg,
                        uint32_t off, uint32_t end) {
  for (int hops = 0; hops < 128; hops++) {
    if (off >= end)
      return 0;
    uint8_t n = p[off];
    if (n == 0 || (n & 0xc0) == 0x40 || (n & 0xc0) == 0x80)
      return -1;
    if ((n & 0xc0) == 0xc0) {
      if (off + 1 >= end)
        return -1;
      off = msg + ((n & 0x3fu) << 8 | p[off + 1]);
      continue;
    }
    for (uint32_t k = off + 1; k <= off + n && k < end; k++)
      tcpdump_char(o, p[k]);
    if (off + 1 + n > end)
      return -1;
    tb_c(o, '.');
    off += 1u + n;
  }
  return -1;
}

/* One resource record at *OFFP (END the capture's end) as tcpdump prints
 * it (print-domain.c ns_rprint): a space, with -v the owner's name, the
 * type and its data. Moves *OFFP past it; -1 when it cannot be read. */
static int dns_rr(pctx *c, const capkit_dns *d, uint32_t *offp,
                  uint32_t end) {
  tbuf *o = &c->o;
  const uint8_t *p = c->pkt->data;
  uint32_t off = *offp;
  char nb[300], tb[16];
  uint32_t name_off = off;
  if (c->vflag) { /* tcpdump -v: the owner's name first */
    tb_c(o, ' ');
    if (off == end) { /* tcpdump stops here, quietly */
      *offp = end;
      return 0;
    }
    if (dns_skip_name(p, &off, end) ||
        capkit_dns_name(c->pkt, d->msg_off, name_off, nb, sizeof nb) < 0) {
      if (dns_name_cut(o, p, d->msg_off, name_off, end) < 0)
        return -1;
      *offp = end;
      return 0;
    }
    tb_s(o, nb);
  } else if (dns_skip_name(p, &off, end)) {
    *offp = end; /* tcpdump stops here, quietly */
    return 0;
  }
  if (off + 10 > end) {
    *offp = end;
    return 0;
  }
  uint16_t type = rd16(p + off);
  uint16_t rdlen = rd16(p + off + 8);
  off += 10;
  tb_c(o, ' ');
  tb_s(o, dns_type_name(type, tb, sizeof tb));
  if (off + rdlen > end)
    return -1;
  /* as tcpdump: the address bytes are read whatever rdlen says, a
   * name that cannot be read ends the line */
  if (type == 1 || type == 28) {
    uint32_t al = type == 1 ? 4 : 16;
    if (off + al > end)
      return -1;
    tb_c(o, ' ');
    if (type == 1)
      tb_ip4(o, p + off);
    else
      tb_ip6(o, p + off);
  } else if (type == 41) { /* OPT: the class is the UDP size */
    tb_s(o, " UDPsize=");
    tb_u(o, rd16(p + off - 8));
    if (rd16(p + off - 4) & 0x8000)
      tb_s(o, " DO");
  } else if (type == 16) { /* TXT: each string quoted (tcpdump
                               bounds them by the capture only) */
    for (uint32_t k = off; k < off + rdlen;) {
      uint32_t n = p[k++];
      tb_s(o, " \"");
      if (k + n > end)
        return -1;
      for (uint32_t j = 0; j < n; j++)
        tcpdump_char(o, p[k + j]);
      tb_c(o, '"');
      k += n;
    }
  } else if (type == 104) { /* UNSPECA: the bytes, right after */
    for (uint32_t j = 0; j < rdlen; j++)
      tcpdump_char(o, p[off + j]);
  } else if (type == 33 || type == 15 || type == 5 || type == 12 ||
             type == 2 || type == 39) {
    /* SRV: target:port prio weight; MX: exchange pref; the others a
     * name */
    uint32_t at = off + (type == 33 ? 6 : type == 15 ? 2 : 0);
    tb_c(o, ' ');
    if (at > end ||
        capkit_dns_name(c->pkt, d->msg_off, at, nb, sizeof nb) < 0)
      return -1;
    tb_s(o, nb);
    if (type == 33) {
      tb_c(o, ':');
      tb_u(o, rd16(p + off + 4));
      tb_c(o, ' ');
      tb_u(o, rd16(p + off));
      tb_c(o, ' ');
      tb_u(o, rd16(p + off + 2));
    } else if (type == 15) {
      tb_c(o, ' ');
      tb_u(o, rd16(p + off));
    }
  } else if (type == 6 && c->vflag) {
    /* SOA, with -v: both names and the five numbers */
    uint32_t at = off;
    for (int k = 0; k < 2; k++) {
      tb_c(o, ' ');
      if (capkit_dns_name(c->pkt, d->msg_off, at, nb, sizeof nb) < 0 ||
          dns_skip_name(p, &at, end))
        return -1;
      tb_s(o, nb);
    }
    for (int k = 0; k < 5; k++, at += 4) {
      if (at + 4 > end)
        return -1;
      tb_c(o, ' ');
      tb_u(o, rd32(p + at));
    }
  }
  *offp = off + rdlen;
  return 0;
}

/* A section of N records from *OFF on, after TAG (" ns:"), with commas
 * between them (tcpdump -vv): 0, or -1 when one cannot be read. */
static int dns_section(pctx *c, const capkit_dns *d, uint32_t *off,
                       uint32_t end, unsigned n, const char *tag) {
  if (!n)
    return 0;
  if (*tag && *off >= end) /* the answers are read whatever */
    return -1;
  tb_s(&c->o, tag);
  for (unsigned a = 0; a < n; a++) {
    if (a) {
      if (*off >= end)
        return -1;
      tb_c(&c->o, ',');
    }
    if (dns_rr(c, d, off, end) < 0)
      return -1;
  }
  return 0;
}

static void dns_line(pctx *c, const capkit_layer *l, uint32_t dlen) {
  tbuf *o = &c->o;
  const capkit_dns *d = &l->u.dns;
  char nb[300], tb[16];
  if (l->status & CAPKIT_LAYER_TRUNCATED && l->len < 12) {
    if (dlen < 12) { /* the message itself is too short */
      tb_s(o, "domain [length ");
      tb_u(o, dlen);
      tb_s(o, " < 12] (invalid)");
    } else
      tb_s(o, " [|domain]");
    return;
  }
  unsigned qr = d->flags >> 15, opcode = (d->flags >> 11) & 15;
  unsigned aa = (d->flags >> 10) & 1, tc = (d->flags >> 9) & 1,
           rd = (d->flags >> 8) & 1, ra = (d->flags >> 7) & 1,
           ad = (d->flags >> 5) & 1, rcode = d->flags & 15;
  /* tcpdump's names, including the historic dynamic update opcodes */
  static const char *const ops[] = {
      "",          " inv_q",     " stat",     " op3",
      " notify",   " update",    " op6",      " op7",
      " op8",      " updateA",   " updateD",  " updateDA",
      " updateM",  " updateMA",  " zoneInit", " zoneRef"};
  tb_u(o, d->id);
  if (qr) {
    tb_s(o, ops[opcode]);
    dns_rcode(o, rcode);
    if (aa)
      tb_c(o, '*');
    if (!ra)
      tb_c(o, '-');
    if (tc)
      tb_c(o, '|');
    if (ad)
      tb_c(o, '$');
    if (d->qdcount != 1)
      dns_count(o, d->qdcount, "q]");
    /* the questions are passed over first (tcpdump -vv shows the first
     * one), then the counts and the answers */
    const uint8_t *p = c->pkt->data;
    uint32_t end = c->pkt->caplen, off = l->offset + 12;
    int bad = 0;
    for (unsigned q = 0; q < d->qdcount && !bad; q++) {
      uint32_t qn = off;
      if (!q && c->vflag > 1)
        tb_s(o, " q:");
      /* tcpdump reads the type and class only to show them */
      if (dns_skip_name(p, &off, end) ||
          (!q && c->vflag > 1 && off + 4 > end)) {
        bad = 1;
        break;
      }
      if (!q && c->vflag > 1) {
        tb_c(o, ' ');
        tb_s(o, dns_type_name(rd16(p + off), tb, sizeof tb));
        tb_s(o, "? ");
        if (capkit_dns_name(c->pkt, d->msg_off, qn, nb, sizeof nb) < 0) {
          bad = 1;
          break;
        }
        tb_s(o, nb);
      }
      off += 4;
    }
    if (!bad) {
      tb_c(o, ' ');
      tb_u(o, d->ancount);
      tb_c(o, '/');
      tb_u(o, d->nscount);
      tb_c(o, '/');
      tb_u(o, d->arcount);
    }
    if (!bad)
      bad = dns_section(c, d, &off, end, d->ancount, "") < 0;
    /* tcpdump -vv: the authority and additional records too */
    if (!bad && c->vflag > 1)
      bad = dns_section(c, d, &off, end, d->nscount, " ns:") < 0 ||
            dns_section(c, d, &off, end, d->arcount, " ar:") < 0;
    if (bad) {
      tb_s(o, " [|domain]");
      return;
    }
  } else {
    /* a query: + recursion desired, % checking disabled, and the flag
     * bits a query should not have, as tcpdump shows them */
    tb_s(o, ops[opcode]);
    if (rd)
      tb_c(o, '+');
    if (d->flags & 0x10)
      tb_c(o, '%');
    if (d->flags & 0x6cf) {
      tb_s(o, " [b2&3=0x");
      tb_x(o, d->flags, 1);
      tb_c(o, ']');
    }
    if (d->ancount) /* tcpdump's order */
      dns_count(o, d->ancount, "a]");
    if (d->qdcount != 1)
      dns_count(o, d->qdcount, "q]");
    if (d->nscount)
      dns_count(o, d->nscount, "n]");
    if (d->arcount)
      dns_count(o, d->arcount, "au]");
    if (d->qdcount) {
      if (l->status & CAPKIT_LAYER_TRUNCATED) {
        tb_s(o, " [|domain]");
        return;
      }
      tb_c(o, ' ');
      tb_s(o, dns_type_name(d->qtype, tb, sizeof tb));
      tb_s(o, "? ");
      capkit_dns_name(c->pkt, d->msg_off, d->qname_off, nb, sizeof nb);
      tb_s(o, nb);
    }
    if (c->vflag > 1 && (d->ancount || d->nscount || d->arcount)) {
      /* tcpdump -vv: the other sections after the question */
      const uint8_t *p = c->pkt->data;
      uint32_t end = c->pkt->caplen, off = l->offset + 12;
      int bad = 0;
      for (unsigned q = 0; q < d->qdcount && !bad; q++) {
        bad = dns_skip_name(p, &off, end) || off + 4 > end;
        off += 4;
      }
      if (bad || dns_section(c, d, &off, end, d->ancount, "") < 0 ||
          dns_section(c, d, &off, end, d->nscount, " ns:") < 0 ||
          dns_section(c, d, &off, end, d->arcount, " ar:") < 0) {
        tb_s(o, " [|domain]");
        return;
      }
    }
  }
  tb_s(o, " (");
  tb_u(o, dlen);
  tb_c(o, ')');
}

/* NTP's 32.32 timestamp at D as tcpdump prints it (ntp.c p_ntp_time):
 * seconds, nanoseconds, and the UTC date when the seconds are not 0. */
static void ntp_time(tbuf *o, const uint8_t *d) {
  uint32_t i = rd32(d);
  double ff = rd32(d + 4) / 4294967296.0;
  tb_u(o, i);
  tb_c(o, '.');
  tb_uw(o, (uint32_t)(ff * 1000000000.0), 9);
  if (!i)
    return;
  /* days since 1970 to a civil date (H. Hinnant's algorithm) */
  int64_t t = (int64_t)i - 2208988800, days = t / 86400, sec = t % 86400;
  if (sec < 0)
    sec += 86400, days--;
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153, day = doy - (153 * mp + 2) / 5 + 1;
  int64_t mon = mp < 10 ? mp + 3 : mp - 9, year = yoe + era * 400 + (mon <= 2);
  tb_s(o, " (");
  tb_i(o, year);
  tb_c(o, '-');
  tb_uw(o, (uint64_t)mon, 2);
  tb_c(o, '-');
  tb_uw(o, (uint64_t)day, 2);
  tb_c(o, 'T');
  tb_uw(o, (uint64_t)(sec / 3600), 2);
  tb_c(o, ':');
  tb_uw(o, (uint64_t)(sec / 60 % 60), 2);
  tb_c(o, ':');
  tb_uw(o, (uint64_t)(sec % 60), 2);
  tb_s(o, "Z)");
}

/* The timestamp at B less the one at A, signed (ntp.c p_ntp_delta); an
 * A of zero prints B as a time. */
static void ntp_delta(tbuf *o, const uint8_t *a, const uint8_t *b) {
  uint32_t ou = rd32(a), ouf = rd32(a + 4), u = rd32(b), uf = rd32(b + 4);
  if (!ou && !ouf) {
    ntp_time(o, b);
    return;
  }
  int64_t i = (int64_t)u - ou;
  uint32_t f;
  int neg;
  if (i > 0) {
    neg = 0;
    f = uf - ouf;
    if (f > uf)
      i--;
  } else if (i < 0) {
    neg = 1;
    f = ouf - uf;
    if (f > ouf)
      i++;
    i = -i;
  } else if (uf > ouf) {
    neg = 0;
    f = uf - ouf;
  } else {
    neg = 1;
    f = ouf - uf;
  }
  tb_c(o, neg ? '-' : '+');
  tb_i(o, i);
  tb_c(o, '.');
  tb_uw(o, (uint32_t)(f / 4294967296.0 * 1000000000.0), 9);
}

/* NTP's 16.16 fixed point: "%u.%06u" as tcpdump (p_sfix). */
static void ntp_short(tbuf *o, const uint8_t *d) {
  tb_u(o, rd16(d));
  tb_c(o, '.');
  tb_uw(o, (uint32_t)(rd16(d + 2) / 65536.0 * 1000000.0), 6);
}

/* BOOTP/DHCP options as tcpdump -v names them, by tag; the first letter
 * says how tcpdump prints the value: i addresses, p address pairs, l and
 * L 32-bit numbers (unsigned, signed), s 16-bit numbers, b bytes in
 * decimal, B booleans, a text, $ a form of its own. Tags not here are
 * "Unknown", printed by their length. */
static const char *bootp_tag(unsigned t) {
  static const char *const nm[] = {
      [0] = " PAD", [1] = "iSubnet-Mask", [2] = "LTime-Zone",
      [3] = "iDefault-Gateway", [4] = "iTime-Server",
      [5] = "iIEN-Name-Server", [6] = "iDomain-Name-Server", [7] = "iLOG",
      [8] = "iCS", [9] = "iLPR-Server", [10] = "iIM", [11] = "iRL",
      [12] = "aHostname", [13] = "sBS", [14] = "aDP", [15] = "aDomain-Name",
      [16] = "iSS", [17] = "aRP", [18] = "aEP", [19] = "BIPF", [20] = "BSRT",
      [21] = "pPF", [22] = "sRSZ", [23] = "bTTL", [24] = "lMTU-Timeout",
      [25] = "sMTU-Table", [26] = "sMTU", [27] = "BLSN", [28] = "iBR",
      [29] = "BMD", [30] = "BMS", [31] = "BRouter-Discovery", [32] = "iRSA",
      [33] = "pStatic-Route", [34] = "BUT", [35] = "lAT", [36] = "BIE",
      [37] = "bTT", [38] = "lKI", [39] = "BKG", [40] = "aYD", [41] = "iYS",
      [42] = "iNTP", [43] = "bVendor-Option", [44] = "iNetbios-Name-Server",
      [45] = "iWDD", [46] = "$Netbios-Node", [47] = "aNetbios-Scope",
      [48] = "iXFS", [49] = "iXDM", [50] = "iRequested-IP",
      [51] = "lLease-Time", [52] = "$OO", [53] = " DHCP-Message",
      [54] = "iServer-ID", [55] = "bParameter-Request", [56] = "aMSG",
      [57] = "sMSZ", [58] = "lRN", [59] = "lRB", [60] = "aVendor-Class",
      [61] = "$Client-ID", [64] = "sN+D", [65] = "iN+S", [66] = "aTFTP",
      [67] = "aBF", [68] = "iMH", [69] = "iSMTP", [70] = "iPOP3",
      [71] = "iNNTP", [72] = "iWWW", [73] = "iFG", [74] = "iIRC",
      [75] = "iSTS", [76] = "iSTDA", [77] = "$User-Class", [78] = "bSLP-DA",
      [79] = "bSLP-SCOPE", [80] = "aSLP-NA", [81] = "$FQDN",
      [82] = "$Agent-Information", [83] = "bARMT", [88] = "aTZSTR",
      [89] = "bFQDNS", [90] = "bAUTH", [91] = "lLast-Transaction-Time",
      [92] = "iAssociated-IP", [93] = "sARCH", [94] = "bNDI",
      [95] = "aLDAP", [97] = "bGUID", [98] = "aUAP", [100] = "aPOSIX-TZ",
      [101] = "aTZ-Name", [112] = "iNI", [113] = "aNITAG", [114] = "aURL",
      [116] = "BNOAUTO", [117] = "sNSSEARCH", [118] = "iSUBNET",
      [121] = "$Classless-Static-Route", [150] = "iTFTP-Server-Address",
      [161] = "aMUD-URL", [249] = "$Classless-Static-Route-Microsoft",
      [255] = " END"};
  return t < sizeof nm / sizeof *nm && nm[t] ? nm[t] : "?Unknown";
}

static void bootp_text(tbuf *o, const uint8_t *p, uint32_t n) {
  tb_c(o, '"');
  for (uint32_t k = 0; k < n; k++)
    tcpdump_char(o, p[k]);
  tb_c(o, '"');
}

/* The value of option TAG, LEN bytes at P (all captured), as tcpdump -v
 * prints it; what it leaves over on a line of its own. */
static void bootp_value(tbuf *o, unsigned tag, const char *nm,
                        const uint8_t *p, uint32_t len) {
  char f = nm[0];
  uint32_t k = 0;
  if (f == '?')
    f = (len & 1) ? 'b' : (len & 2) ? 's' : 'l';
  switch (f) {
  case 'a':
    bootp_text(o, p, len);
    k = len;
    break;
  case 'i':
  case 'l':
  case 'L':
    for (; len - k >= 4; k += 4) {
      if (k)
        tb_c(o, ',');
      if (f == 'i')
        tb_ip4(o, p + k);
      else if (f == 'L')
        tb_i(o, (int32_t)rd32(p + k));
      else
        tb_u(o, rd32(p + k));
    }
    break;
  case 'p':
    for (; len - k >= 8; k += 8) {
      if (k)
        tb_c(o, ',');
      tb_c(o, '(');
      tb_ip4(o, p + k);
      tb_c(o, ':');
      tb_ip4(o, p + k + 4);
      tb_c(o, ')');
    }
    break;
  case 's':
    for (; len - k >= 2; k += 2) {
      if (k)
        tb_c(o, ',');
      tb_u(o, rd16(p + k));
    }
    break;
  case 'B':
    for (; k < len; k++) {
      if (k)
        tb_c(o, ',');
      if (p[k] < 2)
        tb_c(o, p[k] ? 'Y' : 'N');
      else {
        tb_u(o, p[k]);
        tb_c(o, '?');
      }
    }
    break;
  default: /* 'b', and DHCP-Message not 1 byte long */
    for (; k < len; k++) {
      if (k)
        tb_c(o, '.');
      tb_u(o, p[k]);
    }
    break;
  case '$':
    if (tag == 46 || tag == 52) { /* Netbios-Node, OO */
      static const char *const nb[] = {0, "b-node", "p-node", 0, "m-node",
                                       0, 0, 0, "h-node"};
      static const char *const oo[] = {0, "file", "sname", "file+sname"};
      if (len < 1) {
        tb_s(o, "[ERROR: length < 1 bytes]");
        break;
      }
      const char *s = tag == 46 ? (p[0] < 9 ? nb[p[0]] : 0)
                                : (p[0] < 4 ? oo[p[0]] : 0);
      if (s)
        tb_s(o, s);
      else {
        tb_c(o, '#');
        tb_u(o, p[0]);
      }
      k = 1;
    } else if (tag == 61) { /* Client-ID */
      static const char *const hw[] = {[1] = "ether", [6] = "ieee802",
                                       [7] = "arcnet", [15] = "frelay",
                                       [23] = "strip", [24] = "ieee1394"};
      if (len < 1) {
        tb_s(o, "[ERROR: length < 1 bytes]");
        break;
      }
      if (p[0] == 0) {
        bootp_text(o, p + 1, len - 1);
        k = len;
        break;
      }
      if (p[0] < 25 && hw[p[0]])
        tb_s(o, hw[p[0]]);
      else {
        tb_s(o, "hardware-type ");
        tb_u(o, p[0]);
        tb_c(o, ',');
      }
      tb_c(o, ' ');
      for (k = 1; k < len; k++) {
        if (k > 1)
          tb_c(o, ':');
        tb_x(o, p[k], 2);
      }
    } else if (tag == 121 || tag == 249) { /* classless static routes */
      if (len < 5) {
        tb_s(o, "[ERROR: length < 5 bytes]");
        k = len;
        break;
      }
      while (k < len) {
        unsigned w = p[k++], so = (w + 7) / 8;
        if (k > 1)
          tb_c(o, ',');
        if (w > 32) {
          tb_s(o, "[ERROR: Mask width (");
          tb_u(o, w);
          tb_s(o, ") > 32]");
          k = len;
          break;
        }
        if (len - k < so + 4) {
          tb_s(o, "[ERROR: Remaining length (");
          tb_u(o, len - k);
          tb_s(o, ") < ");
          tb_u(o, so + 4);
          tb_s(o, " bytes]");
          k = len;
          break;
        }
        tb_c(o, '(');
        if (!w)
          tb_s(o, "default");
        else {
          for (unsigned j = 0; j < 4; j++) {
            if (j)
              tb_c(o, '.');
            tb_u(o, j < so ? p[k + j] : 0);
          }
          tb_c(o, '/');
          tb_u(o, w);
        }
        k += so;
        tb_c(o, ':');
        tb_ip4(o, p + k);
        tb_c(o, ')');
        k += 4;
      }
    } else if (tag == 77) { /* User-Class: counted strings */
      if (len < 2) {
        tb_s(o, "[ERROR: length < 2 bytes]");
        k = len;
        break;
      }
      for (unsigned nr = 1; k < len; nr++) {
        uint32_t sl = p[k++];
        tb_s(o, "\n\t      instance#");
        tb_u(o, nr);
        tb_s(o, ": ");
        if (!sl || len - k < sl) {
          tb_s(o, sl ? "[ERROR: invalid option]"
                     : "[ERROR: suboption length must be non-zero]");
          k = len;
          break;
        }
        bootp_text(o, p + k, sl);
        tb_s(o, ", length ");
        tb_u(o, sl);
        k += sl;
      }
    } else if (tag == 81) { /* FQDN: flags, two codes, the name */
      if (len < 3) {
        tb_s(o, "[ERROR: length < 3 bytes]");
        k = len;
        break;
      }
      if (p[0] & 0xf0) {
        tb_s(o, "[ERROR: MBZ nibble 0x");
        tb_x(o, p[0] >> 4, 1);
        tb_s(o, " != 0] ");
      }
      if (p[0] & 0x0f) {
        tb_c(o, '[');
        for (int b = 0; b < 4; b++)
          if (p[0] & (1 << b))
            tb_c(o, "SOEN"[b]);
        tb_s(o, "] ");
      }
      if (p[1] || p[2]) {
        tb_u(o, p[1]);
        tb_c(o, '/');
        tb_u(o, p[2]);
        tb_c(o, ' ');
      }
      bootp_text(o, p + 3, len - 3);
      k = len;
    } else if (tag == 82) { /* Agent-Information: its suboptions */
      static const char *const sn[] = {"Unknown",   "Circuit-ID", "Remote-ID",
                                       "Unknown",   "Unknown",    "Unknown",
                                       "Subscriber-ID"};
      while (len - k >= 2) {
        unsigned so = p[k], sl = p[k + 1];
        k += 2;
        tb_s(o, "\n\t      ");
        tb_s(o, so < 7 ? sn[so] : "Unknown");
        tb_s(o, " SubOption ");
        tb_u(o, so);
        tb_s(o, ", length ");
        tb_u(o, sl);
        if (sl > len - k) {
          tb_s(o, ": length goes past end of option");
          k = len;
          break;
        }
        tb_s(o, ": ");
        if (so == 1 || so == 2 || so == 6)
          for (unsigned j = 0; j < sl; j++)
            tcpdump_char(o, p[k + j]);
        else
          for (unsigned j = 0; j < sl; j++) {
            if (j % 16 == 0) {
              tb_s(o, "\n\t\t0x");
              tb_x(o, j, 4);
              tb_s(o, ": ");
            }
            if (j % 2 == 0)
              tb_c(o, ' ');
            tb_x(o, p[k + j], 2);
          }
        k += sl;
      }
    } else {
      tb_s(o, "[unknown special tag ");
      tb_u(o, tag);
      tb_s(o, ", size ");
      tb_u(o, len);
      tb_c(o, ']');
      k = len;
    }
    break;
  }
  if (k < len) {
    tb_s(o, "\n\t  trailing data length ");
    tb_u(o, len - k);
  }
}

/* tcpdump's BOOTP/DHCP line for the N captured bytes at D of a message
 * LEN long: the operation (and the client's address in a request); with
 * -v the header's fields, the addresses, and the RFC 1048 options, each
 * on a line of its own; " [|bootp]" where the capture ends. */
static void bootp_line(pctx *c, const uint8_t *d, uint32_t n, uint32_t len) {
  tbuf *o = &c->o;
  static const char *const dm[] = {0,         "Discover", "Offer", "Request",
                                   "Decline", "ACK",      "NACK",  "Release",
                                   "Inform"};
  tb_s(o, "BOOTP/DHCP, ");
  if (n < 1)
    goto trunc;
  if (d[0] == 1 || d[0] == 2)
    tb_s(o, d[0] == 1 ? "Request" : "Reply");
  else {
    tb_s(o, "unknown (0x");
    tb_x(o, d[0], 2);
    tb_c(o, ')');
  }
  if (n < 3)
    goto trunc;
  int eth = d[1] == 1 && d[2] == 6;
  if (eth && d[0] == 1) {
    if (n < 34)
      goto trunc;
    tb_s(o, " from ");
    tb_mac(o, d + 28, 6);
  }
  tb_s(o, ", length ");
  tb_u(o, len);
  if (!c->vflag)
    return;
  if (n < 10)
    goto trunc;
  if (d[1] != 1) {
    tb_s(o, ", htype ");
    tb_u(o, d[1]);
  }
  if (!eth) {
    tb_s(o, ", hlen ");
    tb_u(o, d[2]);
  }
  if (d[3]) {
    tb_s(o, ", hops ");
    tb_u(o, d[3]);
  }
  if (rd32(d + 4)) {
    tb_s(o, ", xid 0x");
    tb_x(o, rd32(d + 4), 1);
  }
  if (rd16(d + 8)) {
    tb_s(o, ", secs ");
    tb_u(o, rd16(d + 8));
  }
  if (n < 12)
    goto trunc;
  tb_s(o, (d[10] & 0x80) ? ", Flags [Broadcast]" : ", Flags [none]");
  if (c->vflag > 1) {
    tb_s(o, " (0x");
    tb_x(o, rd16(d + 10), 4);
    tb_c(o, ')');
  }
  static const char *const an[] = {"Client-IP", "Your-IP", "Server-IP",
                                   "Gateway-IP"};
  for (int k = 0; k < 4; k++) {
    if (n < 16u + 4u * (unsigned)k)
      goto trunc;
    if (rd32(d + 12 + 4 * k)) {
      tb_s(o, "\n\t  ");
      tb_s(o, an[k]);
      tb_c(o, ' ');
      tb_ip4(o, d + 12 + 4 * k);
    }
  }
  if (eth) {
    if (n < 34)
      goto trunc;
    tb_s(o, "\n\t  Client-Ethernet-Address ");
    tb_mac(o, d + 28, 6);
  }
  /* sname (64 bytes at 44) and file (128 at 108), up to a zero byte */
  for (int k = 0; k < 2; k++) {
    uint32_t at = k ? 108 : 44, sz = k ? 128 : 64;
    if (n < at + 1)
      goto trunc;
    if (!d[at])
      continue;
    tb_s(o, k ? "\n\t  file \"" : "\n\t  sname \"");
    uint32_t e = at;
    while (e < at + sz && e < n && d[e])
      tcpdump_char(o, d[e++]);
    tb_c(o, '"');
    if (e == at + sz || e >= n) /* tcpdump: no zero byte, a cut */
      goto trunc;
  }
  if (n < 240)
    goto trunc;
  const uint8_t *v = d + 236;
  if (rd32(v) != 0x63825363) {
    if (rd32(v)) {
      tb_s(o, "\n\t  Vendor-#0x");
      tb_x(o, rd32(v), 1);
    }
    return;
  }
  tb_s(o, "\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x63825363");
  uint32_t at = 240;
  while (at < n) {
    unsigned tag = d[at++];
    uint32_t ol = 0;
    if ((tag == 0 || tag == 255) && c->vflag < 3) {
      if (tag == 255)
        return;
      continue;
    }
    if (tag != 0 && tag != 255) {
      if (at >= n)
        goto trunc;
      ol = d[at++];
    }
    const char *nm = bootp_tag(tag);
    tb_s(o, "\n\t    ");
    tb_s(o, nm + 1);
    tb_s(o, " (");
    tb_u(o, tag);
    tb_s(o, "), length ");
    tb_u(o, ol);
    if (ol)
      tb_s(o, ": ");
    if (tag == 0) {
      unsigned np = 1;
      while (at < n && d[at] == 0) {
        at++;
        np++;
      }
      if (np > 1) {
        tb_s(o, ", occurs ");
        tb_u(o, np);
      }
    }
    if (n - at < ol)
      goto trunc;
    const uint8_t *p = d + at;
    at += ol;
    if (tag == 53 && ol == 1) {
      if (p[0] >= 1 && p[0] <= 8)
        tb_s(o, dm[p[0]]);
      else {
        tb_s(o, "Unknown (");
        tb_u(o, p[0]);
        tb_c(o, ')');
      }
    } else if (tag == 55) {
      for (uint32_t k = 0; k < ol; k++) {
        tb_s(o, k % 4 ? ", " : "\n\t      ");
        tb_s(o, bootp_tag(p[k]) + 1);
        tb_s(o, " (");
        tb_u(o, p[k]);
        tb_c(o, ')');
      }
    } else
      bootp_value(o, tag, nm, p, ol);
  }
  return;
trunc:
  tb_s(o, " [|bootp]");
}

/* tcpdump -v's lines for the 48 bytes of an NTP time message at D, N of
 * them captured: the fields up to the cut, then " [|ntp]". */
static void ntp_verbose(tbuf *o, const uint8_t *d, uint32_t n) {
  static const char *const leap[] = {"", "+1s", "-1s",
                                     "clock unsynchronized"};
#define NTP_NEED(k)                                                            \
  if (n < (k)) {                                                               \
    tb_s(o, " [|ntp]");                                                        \
    return;                                                                    \
  }
  NTP_NEED(1);
  unsigned st = n > 1 ? d[1] : 0;
  tb_s(o, "\n\tLeap indicator: ");
  tb_s(o, leap[d[0] >> 6]);
  tb_s(o, " (");
  tb_u(o, d[0] & 0xc0u);
  tb_c(o, ')');
  NTP_NEED(2);
  tb_s(o, ", Stratum ");
  tb_u(o, st);
  tb_s(o, st == 0   ? " (unspecified)"
          : st == 1 ? " (primary reference)"
          : st < 16 ? " (secondary reference)"
                    : " (reserved)");
  NTP_NEED(3);
  int poll = (int8_t)d[2];
  tb_s(o, ", poll ");
  tb_i(o, poll);
  if (poll > -32 && poll < 32) {
    tb_s(o, poll >= 0 ? " (" : " (1/");
    tb_u(o, 1u << (poll >= 0 ? poll : -poll));
    tb_s(o, "s)");
  }
  NTP_NEED(4);
  tb_s(o, ", precision ");
  tb_i(o, (int8_t)d[3]);
  NTP_NEED(8);
  tb_s(o, "\n\tRoot Delay: ");
  ntp_short(o, d + 4);
  NTP_NEED(12);
  tb_s(o, ", Root dispersion: ");
  ntp_short(o, d + 8);
  NTP_NEED(16);
  tb_s(o, ", Reference-ID: ");
  if (st == 0)
    tb_s(o, "(unspec)");
  else if (st == 1)
    for (int k = 0; k < 4; k++)
      tcpdump_char(o, d[12 + k]);
  else {
    tb_s(o, "0x");
    tb_x(o, rd32(d + 12), 8);
  }
  static const char *const tn[] = {
      "\n\t  Reference Timestamp:  ", "\n\t  Originator Timestamp: ",
      "\n\t  Receive Timestamp:    ", "\n\t  Transmit Timestamp:   "};
  for (int k = 0; k < 4; k++) {
    NTP_NEED(24u + 8u * k);
    tb_s(o, tn[k]);
    ntp_time(o, d + 16 + 8 * k);
  }
  tb_s(o, "\n\t    Originator - Receive Timestamp:  ");
  ntp_delta(o, d + 24, d + 32);
  tb_s(o, "\n\t    Originator - Transmit Timestamp: ");
  ntp_delta(o, d + 24, d + 40);
#undef NTP_NEED
}

static void line_udp(pctx *c, const capkit_layer *net, const capkit_layer *l,
                     size_t i) {
  tbuf *o = &c->o;
  const capkit_udp *u = &l->u.udp;
  if (transport_endpoints(c, net, l, u->sport, u->dport, " [|udp]",
                          " [|udp]"))
    return;
  /* tcpdump: a length below the header's is fatal; a longer one than the
   * IP datagram leaves the IP payload as the length, and plain UDP then
   * says so */
  if ((l->status & CAPKIT_LAYER_MALFORMED) && u->len < 8 &&
      !(u->len == 0 && net->type == CAPKIT_LAYER_IPV6)) {
    tb_s(o, "truncated-udplength ");
    tb_u(o, u->len);
    return;
  }
  uint32_t len = l->payload_len; /* u->len - 8, or a jumbogram's */
  uint32_t iplen = ip_payload(c, net, i);
  int longer = (l->status & CAPKIT_LAYER_MALFORMED) && iplen >= 8 &&
               len > iplen - 8 && !(net->status & CAPKIT_LAYER_FRAGMENT);
  if (longer)
    len = iplen - 8;
  /* tcpdump -v verifies UDP over IPv6, -vv over IPv4 too; a length beyond
   * the datagram's is verified over the datagram */
  int v6 = net->type == CAPKIT_LAYER_IPV6;
  if (c->vflag > !v6) {
    int verdict = l->csum;
    uint32_t clen = u->len ? u->len : l->len + l->payload_len;
    if (longer && u->checksum && l->offset + iplen <= c->pkt->caplen) {
      clen = iplen;
      verdict = l4_sum(c, net, l, 17, clen) == 0xffff ? CAPKIT_CSUM_GOOD
                                                      : CAPKIT_CSUM_BAD;
    }
    if (verdict == CAPKIT_CSUM_NONE)
      tb_s(o, "[no cksum] ");
    else if (verdict == CAPKIT_CSUM_GOOD)
      tb_s(o, "[udp sum ok] ");
    else if (verdict == CAPKIT_CSUM_BAD) {
      tb_s(o, "[bad udp cksum 0x");
      tb_x(o, u->checksum, 4);
      tb_s(o, " -> 0x");
      tb_x(o, l4_shouldbe(c, net, l, 17, clen, u->checksum), 4);
      tb_s(o, "!] ");
    }
  }
  /* tcpdump -q decodes nothing over UDP */
  const capkit_layer *a =
      i + 1 < c->pkt->count && !c->quiet ? &c->pkt->layers[i + 1] : 0;
  if (a && a->type == CAPKIT_LAYER_VXLAN) {
    tb_s(o, "VXLAN");
    if ((a->status & CAPKIT_LAYER_TRUNCATED) && a->len < 1) {
      tb_s(o, " [|vxlan]");
      return;
    }
    uint8_t vf = c->pkt->data[a->offset];
    tb_s(o, ", flags [");
    tb_s(o, (vf & 8) ? "I" : ".");
    tb_s(o, "] (0x");
    tb_x(o, vf, 2);
    if ((a->status & CAPKIT_LAYER_TRUNCATED) && a->len < 7) {
      tb_s(o, "),  [|vxlan]"); /* tcpdump: the flags, then cut */
      return;
    }
    if (a->status & CAPKIT_LAYER_TRUNCATED) { /* the last byte cut */
      const uint8_t *vd = c->pkt->data + a->offset;
      tb_s(o, "), vni ");
      tb_u(o, (uint32_t)vd[4] << 16 | (uint32_t)vd[5] << 8 | vd[6]);
      tb_s(o, c->vflag ? "\n [|vxlan]" : " [|vxlan]");
      return;
    }
    tb_s(o, "), vni ");
    tb_u(o, a->u.vxlan.vni);
    if (i + 2 < c->pkt->count) {
      /* tcpdump puts the frame inside on a line of its own; without -v
       * capkit keeps one line a packet (capkit_printer's contract) */
      tb_s(o, c->vflag ? "\n" : ": ");
      line_from(c, i + 2, 1);
    }
    return;
  }
  if (a && a->type == CAPKIT_LAYER_DNS) {
    dns_line(c, a, len);
    return;
  }
  if (a && a->type == CAPKIT_LAYER_DHCP) {
    uint32_t n = c->pkt->caplen - a->offset;
    bootp_line(c, c->pkt->data + a->offset, n < len ? n : len, len);
    return;
  }
  if (a && a->type == CAPKIT_LAYER_NTP) {
    tb_s(o, "NTPv");
    tb_u(o, a->u.ntp.version);
    tb_s(o, ", ");
    tb_s(o, ntp_mode_name(a->u.ntp.mode));
    tb_s(o, ", length ");
    tb_u(o, len);
    /* tcpdump -v: every field of a time message captured whole */
    if (c->vflag && a->u.ntp.mode >= 1 && a->u.ntp.mode <= 5) {
      uint32_t n = c->pkt->caplen - a->offset;
      ntp_verbose(o, c->pkt->data + a->offset, n < 48 ? n : 48);
    }
    return;
  }
  if (!a && !c->quiet && l->offset + 8 >= c->pkt->caplen) {
    /* tcpdump: not one byte of it captured */
    if (len && (u->sport == 53 || u->dport == 53)) {
      tb_s(o, " [|domain]");
      return;
    }
    if (u->sport == 123 || u->dport == 123) {
      tb_s(o, " [|ntp]");
      return;
    }
    if (u->sport == 67 || u->dport == 67 || u->sport == 68 ||
        u->dport == 68) {
      tb_s(o, " [|bootp]");
      return;
    }
  }
  if (longer) {
    tb_s(o, "UDP, bad length ");
    tb_u(o, l->payload_len);
    tb_s(o, " > ");
  } else
    tb_s(o, "UDP, length ");
  tb_u(o, len);
}

/* ", Flags [router, solicited]": the top bits of F, named by NM from the
 * highest down; "none" when none is set. */
static void nd_flags(tbuf *o, uint8_t f, const char *const *nm, int k) {
  int any = 0;
  tb_s(o, ", Flags [");
  for (int b = 0; b < k; b++) {
    if (f & (0x80 >> b)) {
      tb_s(o, any++ ? ", " : "");
      tb_s(o, nm[b]);
    }
  }
  if (!any)
    tb_s(o, "none");
  tb_c(o, ']');
}

/* N bytes at D in tcpdump's hex, 16 a line, each line after PRE. */
static void hex_lines(tbuf *o, const uint8_t *d, uint32_t n,
                      const char *pre) {
  for (uint32_t k = 0; k < n; k += 16) {
    tb_s(o, pre);
    tb_s(o, "0x");
    tb_x(o, k, 4);
    tb_s(o, ": ");
    for (uint32_t j = k; j < k + 16 && j < n; j++) {
      if (!((j - k) & 1))
        tb_c(o, ' ');
      tb_x(o, d[j], 2);
    }
  }
}

/* A lifetime as tcpdump words it: "infinity" for all ones, else "Ns". */
static void nd_lifetime(tbuf *o, uint32_t t) {
  if (t == 0xffffffffu) {
    tb_s(o, "infinity");
    return;
  }
  tb_u(o, t);
  tb_c(o, 's');
}

/* The neighbour discovery options of the ICMPv6 message at D, from byte
 * AT to END (captured, within the message of N bytes), one a line
 * (print-icmp6.c icmp6_opt_print); with -vv each also in hex. Returns -1
 * when the line ended (" [|icmp6]" printed). */
static int nd_options(pctx *c, const uint8_t *d, uint32_t at, uint32_t end,
                      uint32_t n) {
  tbuf *o = &c->o;
  while (at < end) {
    if (at >= n)
      return 0;
    if (at + 2 > end) {
      tb_s(o, " [|icmp6]");
      return -1;
    }
    uint8_t t = d[at];
    uint32_t ol = d[at + 1] * 8u;
    if (ol == 0 || at + ol > end) {
      tb_s(o, " [|icmp6]");
      return -1;
    }
    const char *nm = t == 1    ? "source link-address"
                     : t == 2  ? "destination link-address"
                     : t == 3  ? "prefix info"
                     : t == 4  ? "redirected header"
                     : t == 5  ? "mtu"
                     : t == 7  ? "advertisement interval"
                     : t == 8  ? "homeagent information"
                     : t == 25 ? "rdnss"
                               : "unknown";
    const uint8_t *q = d + at;
    tb_s(o, "\n\t  ");
    tb_s(o, nm);
    tb_s(o, " option (");
    tb_u(o, t);
    tb_s(o, "), length ");
    tb_u(o, ol);
    tb_s(o, " (");
    tb_u(o, ol / 8);
    tb_s(o, "): ");
    switch (t) {
    case 1:
    case 2:
      tb_mac(o, q + 2, ol - 2);
      break;
    case 3:
      if (ol < 32) {
        tb_s(o, " [|icmp6]");
        return -1;
      }
      tb_ip6(o, q + 16);
      tb_c(o, '/');
      tb_u(o, q[2]);
      if (ol != 32)
        tb_s(o, "badlen");
      {
        static const char *const pif[] = {"onlink", "auto", "router"};
        nd_flags(o, q[3], pif, 3);
      }
      tb_s(o, ", valid time ");
      nd_lifetime(o, rd32(q + 4));
      tb_s(o, ", pref. time ");
      nd_lifetime(o, rd32(q + 8));
      break;
    case 4:
      hex_lines(o, q, ol, "\n\t    ");
      break;
    case 5:
      tb_c(o, ' ');
      tb_u(o, rd32(q + 4));
      if (ol != 8)
        tb_s(o, "bad option length");
      break;
    case 7:
      tb_c(o, ' ');
      tb_u(o, rd32(q + 4));
      tb_s(o, "ms");
      break;
    case 8:
      tb_s(o, " preference ");
      tb_u(o, rd16(q + 4));
      tb_s(o, ", lifetime ");
      tb_u(o, rd16(q + 6));
      break;
    case 25:
      tb_s(o, " lifetime ");
      tb_u(o, rd32(q + 4));
      tb_s(o, "s,");
      for (uint32_t a = 0; a < (ol / 8 - 1) / 2; a++) {
        tb_s(o, " addr: ");
        tb_ip6(o, q + 8 + 16 * a);
      }
      break;
    default:
      if (c->vflag <= 1) {
        hex_lines(o, q + 2, ol - 2, "\n\t  ");
        return 0; /* tcpdump stops there */
      }
      break;
    }
    if (c->vflag > 1)
      hex_lines(o, q + 2, ol - 2, "\n\t    ");
    at += ol;
  }
  return 0;
}

/* tcpdump -v after an ICMP error: a new line, a tab, and the datagram in
 * error (HAVE bytes of it at D captured) printed as a packet of its own,
 * cut at the length its header gives. */
static void quoted_ip(pctx *c, const uint8_t *d, uint32_t have) {
  tbuf *o = &c->o;
  tb_s(o, "\n\t");
  if (have < 4) {
    tb_s(o, " [|icmp]");
    return;
  }
  uint32_t len = rd16(d + 2);
  capkit_layer lay[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet in;
  capkit_packet_init(&in, lay, CAPKIT_DECODE_MAX_LAYERS);
  capkit_decode(&in, CAPKIT_LINKTYPE_IPV4, d, have < len ? have : len, len,
                CAPKIT_DECODE_CHECKSUMS);
  const capkit_packet *outer = c->pkt;
  c->pkt = &in;
  line_from(c, 0, !c->link);
  c->pkt = outer;
}

static void line_icmp(pctx *c, const capkit_layer *net,
                      const capkit_layer *l) {
  tbuf *o = &c->o;
  const capkit_icmp *m = &l->u.icmp;
  uint32_t len = l->payload_len + (l->len >= 8 ? 8 : l->len);
  if (l->type == CAPKIT_LAYER_ICMPV6) {
    if (c->vflag && l->csum == CAPKIT_CSUM_GOOD)
      tb_s(o, "[icmp6 sum ok] "); /* tcpdump -v */
    else if (c->vflag && l->csum == CAPKIT_CSUM_BAD) {
      tb_s(o, "[bad icmp6 cksum 0x");
      tb_x(o, m->checksum, 4);
      tb_s(o, " -> 0x");
      tb_x(o, l4_shouldbe(c, net, l, 58, l->len + l->payload_len, m->checksum),
           4);
      tb_s(o, "!] ");
    }
    if (l->len < 1) {
      tb_s(o, " [|icmp6]");
      return;
    }
    tb_s(o, "ICMP6, ");
    const char *n = icmp6_name(m->type);
    if (n)
      tb_s(o, n);
    else {
      tb_s(o, "type-#");
      tb_u(o, m->type);
    }
    int nd = m->type >= 133 && m->type <= 137;
    /* tcpdump reads the code of an ND message or an unreachable before
     * it stops */
    if (l->len < 4 && (l->status & CAPKIT_LAYER_TRUNCATED) &&
        !(nd && (c->vflag || l->len >= 2)) &&
        !(m->type == 1 && m->code < 5 && l->len >= 2)) {
      tb_s(o, " [|icmp6]"); /* tcpdump: the type's name, then cut */
      return;
    }
    const uint8_t *d = c->pkt->data + l->offset;
    uint32_t have = c->pkt->caplen - l->offset;
    /* tcpdump reads no further than the IPv6 payload length says */
    if (l->len + l->payload_len < have)
      have = l->len + l->payload_len;
    const uint8_t *ip = d + 8; /* the datagram in error */
    if (m->type == 128 || m->type == 129) {
      tb_s(o, ", id ");
      tb_u(o, m->id);
      tb_s(o, ", seq ");
      tb_u(o, m->seq);
    } else if (m->type == 1) {
      static const char *const un[] = {
          "unreachable route", " unreachable prohibited", "beyond scope",
          "unreachable address", "unreachable port"};
      tb_s(o, ", ");
      if (m->code < 5)
        tb_s(o, un[m->code]);
      else {
        tb_s(o, "unknown unreach code (");
        tb_u(o, m->code);
        tb_c(o, ')');
      }
      if (m->code > 4) {
        if (c->vflag > 1)
          goto v6end;
        /* tcpdump: the message in hex, and nothing after */
        uint32_t nb = l->len + l->payload_len;
        hex_lines(o, d, nb < have ? nb : have, "\n\t");
        return;
      }
      if (m->code == 4) {
        /* the upper layer of the datagram in error, past its extension
         * headers (print-icmp6.c get_upperlayer) */
        if (have < 8 + 40)
          goto v6cut;
        uint32_t k = 40;
        uint8_t nh = ip[6];
        while (nh == 0 || nh == 60 || nh == 43 || nh == 44 || nh == 51) {
          if (have < 8 + k + 2)
            goto v6cut;
          uint8_t nx = ip[k];
          k += nh == 44 ? 8 : nh == 51 ? (ip[k + 1] + 2u) * 4
                                       : (ip[k + 1] + 1u) * 8;
          nh = nx;
          if (nh == 44 || nh == 51)
            break; /* tcpdump stops at a fragment or AH header */
        }
        if (have < 8 + k + 4)
          goto v6cut;
        tb_s(o, ", ");
        tb_ip6(o, ip + 24);
        if (nh == 6 || nh == 17) {
          tb_s(o, nh == 6 ? " tcp port " : " udp port ");
          tb_u(o, rd16(ip + k + 2));
        } else {
          tb_s(o, " protocol ");
          tb_u(o, nh);
          tb_s(o, " port ");
          tb_u(o, rd16(ip + k + 2));
          tb_s(o, " unreachable");
        }
      } else {
        if (have < 8 + 40)
          goto v6cut;
        tb_c(o, ' ');
        tb_ip6(o, ip + 24);
        if (m->code == 2) {
          tb_s(o, ", source address ");
          tb_ip6(o, ip + 8);
        }
      }
    } else if (m->type == 2) {
      if (have < 8)
        goto v6cut;
      tb_s(o, ", mtu ");
      tb_u(o, rd32(d + 4));
    } else if (m->type == 3) {
      if (m->code == 0) {
        if (have < 8 + 40)
          goto v6cut;
        tb_s(o, " for ");
        tb_ip6(o, ip + 24);
      } else if (m->code == 1)
        tb_s(o, " (reassembly)");
      else {
        tb_s(o, ", unknown code (");
        tb_u(o, m->code);
        tb_c(o, ')');
      }
    } else if (m->type == 4) {
      static const char *const pp[] = {", erroneous - octet ",
                                       ", next header - octet ",
                                       ", option - octet ",
                                       ", incomplete header chain - octet "};
      if (have < 8 + 40)
        goto v6cut;
      if (m->code < 4) {
        tb_s(o, pp[m->code]);
        tb_u(o, rd32(d + 4));
      } else {
        tb_s(o, ", code-#");
        tb_u(o, m->code);
      }
    } else if (nd) {
      /* neighbour discovery: tcpdump -v puts the length first, then the
       * options on lines of their own */
      static const uint8_t fixed[] = {8, 16, 24, 24, 40};
      uint32_t mlen = l->len + l->payload_len, fl = fixed[m->type - 133];
      if (l->status & CAPKIT_LAYER_TRUNCATED) /* as the IPv6 header says */
        mlen = net->u.ipv6.payload_len + 40u - (l->offset - net->offset);
      if (c->vflag) {
        tb_s(o, ", length ");
        tb_u(o, mlen);
        if (have < 2)
          goto v6cut;
      }
      if (m->type == 135 || m->type == 136) {
        if (have < 24)
          goto v6cut;
        tb_s(o, m->type == 135 ? ", who has " : ", tgt is ");
        tb_ip6(o, d + 8);
        if (m->type == 136 && c->vflag) {
          static const char *const naf[] = {"router", "solicited",
                                            "override"};
          nd_flags(o, d[4], naf, 3);
        }
      } else if (m->type == 137) {
        if (have < 40)
          goto v6cut;
        tb_s(o, ", ");
        tb_ip6(o, d + 24);
        tb_s(o, " to ");
        tb_ip6(o, d + 8);
      } else if (m->type == 134 && c->vflag) {
        if (have < 16)
          goto v6cut;
        static const char *const pref[] = {"medium", "high", "rsv", "low"};
        static const char *const raf[] = {"managed", "other stateful",
                                          "home agent"};
        tb_s(o, "\n\thop limit ");
        tb_u(o, d[4]);
        nd_flags(o, d[5], raf, 3);
        tb_s(o, ", pref ");
        tb_s(o, pref[(d[5] >> 3) & 3]);
        tb_s(o, ", router lifetime ");
        tb_u(o, rd16(d + 6));
        tb_s(o, "s, reachable time ");
        tb_u(o, rd32(d + 8));
        tb_s(o, "ms, retrans timer ");
        tb_u(o, rd32(d + 12));
        tb_s(o, "ms");
      }
      if (c->vflag) {
        /* tcpdump reads no further than the IPv6 payload */
        uint32_t end = have < mlen ? have : mlen;
        nd_options(c, d, fl, end, mlen);
        return;
      }
    }
  v6end:
    if (nd && !c->vflag) {
      tb_s(o, ", length ");
      tb_u(o, !(l->status & CAPKIT_LAYER_TRUNCATED)
                  ? l->payload_len + l->len
                  : net->u.ipv6.payload_len + 40u - (l->offset - net->offset));
      return;
    }
    if (l->status & CAPKIT_LAYER_TRUNCATED) {
      if (!c->vflag || (m->type != 128 && m->type != 129)) {
        tb_s(o, ", length ");
        tb_u(o, l->payload_len + l->len);
      }
      tb_s(o, " [|icmp6]");
      return;
    }
    if (!c->vflag) {
      tb_s(o, ", length ");
      tb_u(o, l->payload_len + l->len);
    }
    return;
  v6cut:
    tb_s(o, " [|icmp6]");
    return;
  }
  if (l->len == 0) {
    tb_s(o, " [|icmp]"); /* tcpdump: not even the type */
    return;
  }
  size_t mark = o->n;
  tb_s(o, "ICMP ");
  if (l->len < 4 && (l->status & CAPKIT_LAYER_TRUNCATED))
    goto cut;
  const uint8_t *d = c->pkt->data + l->offset;
  uint32_t have = c->pkt->caplen - l->offset;
  switch (m->type) {
  case 0:
  case 8:
    if (have < 8)
      goto cut; /* tcpdump reads the identifier and sequence first */
    tb_s(o, m->type ? "echo request" : "echo reply");
    tb_s(o, ", id ");
    tb_u(o, m->id);
    tb_s(o, ", seq ");
    tb_u(o, m->seq);
    break;
  case 3: {
    /* print-icmp.c: the datagram in error follows; its destination, and
     * the protocol or ports by code */
    static const char *const un[16] = {
        "net ",  "host ", NULL,    NULL,    NULL,    "",      "net ",
        "host ", "",      "net ",  "host ", "net ",  "host ", "host ",
        "host ", "host "};
    static const char *const why[16] = {
        "",
        "",
        NULL,
        NULL,
        NULL,
        " - source route failed",
        " - unknown",
        " - unknown",
        " - source host isolated",
        " - admin prohibited",
        " - admin prohibited",
        " - tos prohibited",
        " - tos prohibited",
        " - admin prohibited filter",
        " - host precedence violation",
        " - precedence cutoff"};
    if (have < 8 + 20)
      goto cut;
    const uint8_t *ip = d + 8;
    if (m->code == 2) {
      tb_ip4(o, ip + 16);
      tb_s(o, " protocol ");
      tb_u(o, ip[9]);
      tb_s(o, " unreachable");
    } else if (m->code == 3) {
      unsigned ihl = (ip[0] & 15) * 4u;
      if (have < 8 + ihl + 4)
        goto cut;
      tb_ip4(o, ip + 16);
      if (ip[9] == 6 || ip[9] == 17) {
        tb_s(o, ip[9] == 6 ? " tcp port " : " udp port ");
      } else {
        tb_s(o, " protocol ");
        tb_u(o, ip[9]);
        tb_s(o, " port ");
      }
      tb_u(o, rd16(ip + ihl + 2));
      tb_s(o, " unreachable");
    } else if (m->code == 4) {
      tb_ip4(o, ip + 16);
      tb_s(o, " unreachable - need to frag");
      if (rd16(d + 6)) {
        tb_s(o, " (mtu ");
        tb_u(o, rd16(d + 6));
        tb_c(o, ')');
      }
    } else if (m->code < 16) {
      tb_s(o, un[m->code]);
      tb_ip4(o, ip + 16);
      tb_s(o, " unreachable");
      tb_s(o, why[m->code]);
    } else {
      tb_ip4(o, ip + 16);
      tb_s(o, " unreachable - #");
      tb_u(o, m->code);
    }
    break;
  }
  case 11:
    if (have < 8 + 20)
      goto cut;
    if (m->code > 1) {
      tb_s(o, "time exceeded-#");
      tb_u(o, m->code);
    } else
      tb_s(o, m->code ? "ip reassembly time exceeded"
                      : "time exceeded in-transit");
    break;
  case 5:
    if (have < 8 + 20)
      goto cut;
    if (m->code < 4) {
      tb_s(o, m->code < 2 ? "redirect " : "redirect-tos ");
      tb_ip4(o, d + 8 + 16);
      tb_s(o, m->code & 1 ? " to host " : " to net ");
    } else {
      tb_s(o, "redirect-#");
      tb_u(o, m->code);
      tb_c(o, ' ');
      tb_ip4(o, d + 8 + 16);
      tb_s(o, " to ");
    }
    tb_ip4(o, d + 4);
    break;
  case 4:
    tb_s(o, "source quench");
    break;
  case 12:
    tb_s(o, "parameter problem - ");
    tb_s(o, m->code ? "code " : "octet ");
    tb_u(o, m->code ? m->code : d[4]);
    break;
  case 13:
    tb_s(o, "time stamp request");
    break;
  case 14:
    tb_s(o, "time stamp reply");
    break;
  default:
    tb_s(o, "type-#");
    tb_u(o, m->type);
    break;
  }
  tb_s(o, ", length ");
  tb_u(o, len);
  if (c->vflag && l->csum == CAPKIT_CSUM_BAD) { /* tcpdump -v */
    const uint8_t *b = c->pkt->data + l->offset;
    tb_s(o, " (wrong icmp cksum ");
    tb_x(o, m->checksum, 1);
    tb_s(o, " (->");
    tb_x(o, csum_shouldbe(m->checksum, capkit_inet_sum(b, len, 0)), 1);
    tb_s(o, ")!)");
  }
  int err = m->type == 3 || m->type == 4 || m->type == 5 || m->type == 11 ||
            m->type == 12;
  /* an error's own fields were all read: its cut shows in the datagram
   * quoted (-v) */
  if ((l->status & CAPKIT_LAYER_TRUNCATED) && !err) {
    tb_s(o, " [|icmp]");
    return;
  }
  if (c->vflag && err)
    quoted_ip(c, d + 8, have > 8 ? have - 8 : 0);
  return;
cut: /* tcpdump prints the line at the end: nothing of it */
  o->n = mark;
  tb_s(o, " [|icmp]");
}

static void line_arp(pctx *c, const capkit_layer *l, int prefix) {
  tbuf *o = &c->o;
  const capkit_arp *a = &l->u.arp;
  if (prefix)
    tb_s(o, "ARP, ");
  if (l->status & CAPKIT_LAYER_TRUNCATED) {
    tb_s(o, "[|arp]");
    return;
  }
  int eth4 = a->hlen == 6 && a->plen == 4 && a->ptype == 0x0800;
  if (eth4 && c->vflag && a->htype == 1)
    tb_s(o, "Ethernet (len 6), IPv4 (len 4), "); /* tcpdump -v */
  if (!eth4) {
    tb_s(o, "htype ");
    tb_u(o, a->htype);
    tb_s(o, " ptype 0x");
    tb_x(o, a->ptype, 4);
    tb_s(o, " op ");
    tb_u(o, a->op);
  } else if (a->op == 1) {
    static const uint8_t zero[6];
    tb_s(o, "Request who-has ");
    tb_ip4(o, a->tpa);
    if (memcmp(a->tha, zero, 6)) { /* tcpdump shows a target MAC set */
      tb_s(o, " (");
      tb_mac(o, a->tha, 6);
      tb_c(o, ')');
    }
    tb_s(o, " tell ");
    tb_ip4(o, a->spa);
  } else if (a->op == 2) {
    tb_s(o, "Reply ");
    tb_ip4(o, a->spa);
    tb_s(o, " is-at ");
    tb_mac(o, a->sha, 6);
  } else if (a->op == 3) {
    tb_s(o, "Reverse Request who-is ");
    tb_mac(o, a->tha, 6);
    tb_s(o, " tell ");
    tb_mac(o, a->sha, 6);
  } else if (a->op == 4) {
    tb_s(o, "Reverse Reply ");
    tb_mac(o, a->tha, 6);
    tb_s(o, " at ");
    tb_ip4(o, a->tpa);
  } else {
    tb_s(o, "Unknown op ");
    tb_u(o, a->op);
  }
  tb_s(o, ", length ");
  tb_u(o, l->len + l->payload_len);
}

/* 1, and tcpdump's words for it, when the option NM of ROOM bytes left in
 * its header, whose length byte says LENB, is shorter than NEED bytes or
 * its length is not NEED - 2 (EXACT) or less than that. */
static int ip6_opt_bad(tbuf *o, const char *nm, uint32_t room, uint32_t need,
                       uint8_t lenb, int exact) {
  int shortroom = room < need;
  if (!shortroom && (exact ? lenb == need - 2 : lenb >= need - 2))
    return 0;
  tb_c(o, '(');
  tb_s(o, nm);
  if (shortroom) {
    tb_s(o, ": trunc)");
  } else {
    tb_s(o, ": invalid len ");
    tb_u(o, lenb);
    tb_c(o, ')');
  }
  return 1;
}

/* The options of a hop-by-hop (HBH set) or destination options header:
 * the N bytes at D (print-ip6opts.c ip6_opt_process). tcpdump -v names
 * each; without -v only the errors show. PLEN is the IPv6 payload length
 * (a jumbo option is valid only when it is 0). Returns -1 when an option
 * does not fit: the line then ends. */
static int ip6_opts(pctx *c, const uint8_t *d, uint32_t n, int hbh,
                    uint32_t plen) {
  tbuf *o = &c->o;
  int v = c->vflag, jumbo = 0;
  uint32_t ol;
  for (uint32_t i = 0; i < n; i += ol) {
    uint8_t k = d[i];
    if (k == 0)
      ol = 1;
    else if (i + 1 < n)
      ol = d[i + 1] + 2u;
    else
      return -1;
    if (i + ol > n)
      return -1;
    switch (k) {
    case 0:
      if (v)
        tb_s(o, "(pad1)");
      break;
    case 1:
      if (v)
        tb_s(o, "(padn)");
      break;
    case 5:
      if (ip6_opt_bad(o, "rtalert", n - i, 4, d[i + 1], 1))
        return -1;
      if (v) {
        tb_s(o, "(rtalert: 0x");
        tb_x(o, rd16(d + i + 2), 4);
        tb_s(o, ") ");
      }
      break;
    case 0xc2: {
      if (ip6_opt_bad(o, "jumbo", n - i, 6, d[i + 1], 1))
        return -1;
      uint32_t jl = rd32(d + i + 2);
      if (v) {
        tb_s(o, "(jumbo: ");
        tb_u(o, jl);
        tb_s(o, jumbo   ? " - already seen) "
                : !hbh  ? " - illegal in dest opts) "
                : plen  ? " - already has payload length) "
                : jl < 65536 ? " - < 65536) "
                             : ") ");
      }
      jumbo = 1;
      break;
    }
    case 0xc9:
      if (ip6_opt_bad(o, "homeaddr", n - i, 18, d[i + 1], 0))
        return -1;
      if (v) {
        tb_s(o, "(homeaddr: ");
        tb_ip6(o, d + i + 2);
        if (d[i + 1] > 16)
          return -1; /* sub-options: not decoded here */
        tb_c(o, ')');
      }
      break;
    default:
      if (n - i < 2) {
        tb_s(o, "(type ");
        tb_u(o, k);
        tb_s(o, ": trunc)");
        return -1;
      }
      if (v) {
        tb_s(o, "(opt_type 0x");
        tb_x(o, k, 2);
        tb_s(o, ": len=");
        tb_u(o, d[i + 1]);
        tb_c(o, ')');
      }
      break;
    }
  }
  if (v)
    tb_c(o, ' ');
  return 0;
}

/* One IPv6 extension header X of the IPv6 header IP in tcpdump's words,
 * with a trailing space; FIRST when it follows the IPv6 header. A header
 * cut by the capture prints what tcpdump prints of it, then its marker
 * ("[|rt6]"). Returns -1 when the line ended there (a cut, a later
 * fragment, an invalid jumbogram). */
static int ipv6_ext_text(pctx *c, const capkit_layer *x,
                         const capkit_layer *ip, int first) {
  tbuf *o = &c->o;
  const capkit_ipv6_ext *e = &x->u.ipv6_ext;
  const uint8_t *h = c->pkt->data + x->offset;
  int cut = (x->status & CAPKIT_LAYER_TRUNCATED) != 0;
  uint32_t have = x->len; /* captured, when cut */
  switch (e->type) {
  case 0:
  case 60:
    if (!e->type && !first) {
      tb_s(o, "[The Hop-by-Hop Options header don't follow the IPv6 "
              "header] (invalid)");
      return -1;
    }
    if (cut) {
      tb_s(o, e->type ? " [|dstopt]" : " [|hbhopt]");
      return -1;
    }
    tb_s(o, e->type ? "DSTOPT " : "HBH ");
    if (ip6_opts(c, h + 2, x->len - 2u, !e->type,
                 ip->u.ipv6.payload_len) < 0) {
      tb_s(o, e->type ? " [|dstopt]" : " [|hbhopt]");
      return -1;
    }
    if (!e->type && first && (x->status & CAPKIT_LAYER_MALFORMED) &&
        !ip->u.ipv6.payload_len) {
      /* a jumbogram without its length */
      tb_s(o, "[No valid Jumbo Payload Hop-by-Hop option found] (invalid)");
      return -1;
    }
    break;
  case 51:
    if (cut) {
      tb_s(o, "[|ip6]");
      return -1;
    }
    tb_s(o, "AH ");
    break;
  case 44:
    if (cut && !c->vflag && have >= 4) {
      /* without -v tcpdump reads the offset only */
      tb_s(o, "frag (");
      tb_u(o, rd16(h + 2) & 0xfff8u);
      tb_c(o, '|');
      tb_u(o, ip->u.ipv6.payload_len + 40u - (x->offset - ip->offset) - 8u);
      tb_s(o, ") ");
      return -1;
    }
    if (cut) {
      tb_s(o, " [|frag6]");
      return -1;
    }
    tb_s(o, "frag (");
    if (c->vflag) {
      tb_s(o, "0x");
      tb_x(o, e->frag_id, 8);
      tb_c(o, ':');
    }
    tb_u(o, e->frag_off);
    tb_c(o, '|');
    tb_u(o, x->payload_len);
    if (e->frag_off) { /* a later fragment: nothing more to show */
      tb_c(o, ')');
      return -1;
    }
    tb_s(o, ") ");
    break;
  case 43: {
    /* tcpdump prints as it reads (print-rt6.c) */
    if (cut && have == 0) {
      tb_s(o, " [|ip6]");
      return -1;
    }
    uint32_t n = cut ? have : x->len, sl = x->offset < c->pkt->caplen
                                               ? c->pkt->caplen - x->offset
                                               : 0;
    tb_s(o, "RT6");
    if (n < 2)
      goto rt6_cut;
    tb_s(o, " (len=");
    tb_u(o, h[1]);
    if (n < 3)
      goto rt6_cut;
    tb_s(o, ", type=");
    tb_u(o, h[2]);
    if (h[2] == 0)
      tb_s(o, " [Deprecated]");
    if (n < 4)
      goto rt6_cut;
    tb_s(o, ", segleft=");
    tb_u(o, h[3]);
    if (h[2] == 0 || h[2] == 2) {
      if (c->vflag) {
        if (n < 8)
          goto rt6_cut;
        tb_s(o, ", rsv=0x");
        tb_x(o, rd32(h + 4), 1);
      }
      if (h[1] & 1)
        goto rt6_cut;
      for (uint32_t a = 0; a < h[1] / 2u; a++) {
        if (8 + 16 * (a + 1) > n)
          goto rt6_cut;
        tb_s(o, ", [");
        tb_u(o, a);
        tb_c(o, ']');
        tb_ip6(o, h + 8 + 16 * a);
      }
    } else if (h[2] == 4) {
      if (n < 5)
        goto rt6_cut;
      tb_s(o, ", last-entry=");
      tb_u(o, h[4]);
      if (c->vflag) {
        if (n < 6)
          goto rt6_cut;
        tb_s(o, ", flags=0x");
        tb_x(o, h[5], 1);
      }
      if (n < 8)
        goto rt6_cut;
      tb_s(o, ", tag=");
      tb_x(o, rd16(h + 6), 1);
      for (uint32_t a = 0; a <= h[4]; a++) {
        /* tcpdump reads the entries the header claims, up to the
         * capture's end */
        if (8 + 16 * (a + 1) > (cut ? n : sl))
          goto rt6_cut;
        tb_s(o, ", [");
        tb_u(o, a);
        tb_c(o, ']');
        tb_ip6(o, h + 8 + 16 * a);
      }
    } else
      goto rt6_cut;
    if (cut)
      goto rt6_cut;
    tb_s(o, ") ");
    break;
  rt6_cut:
    tb_s(o, " [|rt6]");
    return -1;
  }
  default:
    if (cut) {
      tb_s(o, "[|ip6]");
      return -1;
    }
    break;
  }
  return 0;
}

/* "GREv0, Flags [key present], key=0x7" (print-gre.c): the header of
 * the GRE layer T as far as it was captured, tcpdump -v naming the flags
 * and the checksum. Returns -1 when the line ended (" [|gre]", or an
 * unknown version). */
static int gre_head(pctx *c, const capkit_layer *t) {
  tbuf *o = &c->o;
  const uint8_t *h = c->pkt->data + t->offset;
  uint32_t n = (t->status & CAPKIT_LAYER_TRUNCATED) ? t->len : UINT32_MAX;
  if (n < 2)
    goto cut;
  uint16_t f = rd16(h);
  tb_s(o, "GREv");
  tb_u(o, f & 7);
  if ((f & 7) > 1) {
    tb_s(o, " ERROR: unknown-version");
    return -1;
  }
  if (c->vflag) { /* tcpdump -v: the flags by name */
    static const char *const gf[] = {"checksum present", "routing present",
                                     "key present", "sequence# present",
                                     "source route"};
    int any = 0;
    tb_s(o, ", Flags [");
    for (int b = 0; b < 5; b++)
      if (f & (0x8000 >> b)) {
        tb_s(o, any++ ? ", " : "");
        tb_s(o, gf[b]);
      }
    if (f & 0x80)
      tb_s(o, any++ ? ", ack present" : "ack present");
    tb_s(o, any ? "]" : "none]");
  }
  if (n < 4)
    goto cut;
  uint32_t at = 4;
  if ((f & 7) == 0 && (f & 0xc000)) {
    if (c->vflag) {
      if (n < 6)
        goto cut;
      tb_s(o, ", sum 0x");
      tb_x(o, rd16(h + 4), 1);
    }
    if (n < 8)
      goto cut;
    tb_s(o, ", off 0x");
    tb_x(o, rd16(h + 6), 1);
    at = 8;
  }
  if (f & 0x2000) {
    if (n < at + 4)
      goto cut;
    tb_s(o, ", key=0x");
    tb_x(o, rd32(h + at), 1);
    at += 4;
  }
  if (f & 0x1000) {
    if (n < at + 4)
      goto cut;
    tb_s(o, ", seq ");
    tb_u(o, rd32(h + at));
    at += 4;
  }
  if (n != UINT32_MAX)
    goto cut;
  return 0;
cut:
  tb_s(o, " [|gre]");
  return -1;
}

/* The IP layer at index i and what it carries. */
static void line_ip(pctx *c, size_t i, int prefix) {
  tbuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  const capkit_layer *l = &p->layers[i];
  int v6 = l->type == CAPKIT_LAYER_IPV6;
  c->ext_shown = 0;
  int whole = !(l->status & CAPKIT_LAYER_TRUNCATED) || (!v6 && l->len >= 20);
  unsigned ver = l->len ? p->data[l->offset] >> 4 : (v6 ? 6u : 4u);
  if (!v6 && ver != 4) { /* tcpdump's words, without "IP " */
    if (ver == 6)
      tb_s(o, "IP6, wrong link-layer encapsulation (invalid)");
    else {
      tb_s(o, "IP");
      tb_u(o, ver);
      tb_s(o, " (invalid)");
    }
    return;
  }
  /* tcpdump: "IP  [|ip]", " [|ip6]"; nothing captured, " [|ip]" */
  if (prefix && !(v6 && (l->status & CAPKIT_LAYER_TRUNCATED)) && l->len)
    tb_s(o, v6 ? "IP6 " : "IP ");
  if (l->status & CAPKIT_LAYER_TRUNCATED) {
    /* the fixed header is there: its lengths are judged first */
    if (!v6 && whole && l->u.ipv4.ihl < 20) {
      tb_s(o, "bad-hlen ");
      tb_u(o, l->u.ipv4.ihl);
    } else if (!v6 && whole && l->u.ipv4.total_len < l->u.ipv4.ihl) {
      tb_s(o, "bad-len ");
      tb_u(o, l->u.ipv4.total_len);
    } else if (!v6 && whole && (c->vflag || l->u.ipv4.frag_off)) {
      goto options_cut; /* tcpdump -v: the header up to the cut */
    } else if (!v6 && whole) {
      ipv4_short(c, l);
    } else
      tb_s(o, v6 ? " [|ip6]" : " [|ip]");
    return;
  }
  if (l->status & CAPKIT_LAYER_MALFORMED && i + 1 >= p->count) {
    if (v6 && ver != 6) {
      tb_s(o, "version error: ");
      tb_u(o, ver);
      tb_s(o, " != 6");
      return;
    }
    if (!v6 && l->u.ipv4.ihl < 20) {
      tb_s(o, "bad-hlen ");
      tb_u(o, l->u.ipv4.ihl);
      return;
    }
    if (!v6 && l->u.ipv4.total_len < l->u.ipv4.ihl) {
      tb_s(o, "bad-len ");
      tb_u(o, l->u.ipv4.total_len);
      return;
    }
    /* else longer than the frame: tcpdump's truncated-ip below */
  }
options_cut:
  /* longer than the packet on the wire (not just the captured part) */
  if (!v6 && p->origlen >= p->caplen &&
      l->u.ipv4.total_len > p->origlen - l->offset) {
    tb_s(o, "truncated-ip - ");
    tb_u(o, l->u.ipv4.total_len - (p->origlen - l->offset));
    tb_s(o, " bytes missing! ");
  }
  if (c->vflag) {
    if (v6)
      ipv6_verbose(c, l);
    else if (ipv4_verbose(c, l))
      return;
  }
  if (v6 && p->origlen >= p->caplen && l->payload_len &&
      l->payload_len > p->origlen - l->offset - 40) {
    tb_s(o, "truncated-ip6 - "); /* tcpdump: no space after the '!' */
    tb_u(o, l->payload_len - (p->origlen - l->offset - 40));
    tb_s(o, " bytes missing!");
  }
  /* the extension headers, as tcpdump shows them, then the transport
   * with ports only */
  size_t j = i + 1;
  if (j < p->count && p->layers[j].type == CAPKIT_LAYER_IPV6_EXT) {
    put_endpoints(c, l, 0, 0, 0);
    for (; j < p->count && p->layers[j].type == CAPKIT_LAYER_IPV6_EXT; j++)
      if (ipv6_ext_text(c, &p->layers[j], l, j == i + 1) < 0)
        return;
    c->ext_shown = 1;
    /* after a first fragment, a transport header not captured at all
     * shows nothing */
    if (p->layers[j - 1].u.ipv6_ext.type == 44 && j < p->count &&
        p->layers[j].len == 0 &&
        (p->layers[j].status & CAPKIT_LAYER_TRUNCATED))
      return;
  }
  if (!v6 && l->u.ipv4.frag_off) {
    put_endpoints(c, l, 0, 0, 0);
    tb_s(o, "ip-proto-");
    tb_u(o, l->u.ipv4.proto);
    return;
  }
  if (j >= p->count) {
    put_endpoints(c, l, 0, 0, 0);
    uint8_t proto = v6 ? l->u.ipv6.proto : l->u.ipv4.proto;
    tb_s(o, c->vflag ? " ip-proto-" : "ip-proto-"); /* tcpdump -v */
    tb_u(o, proto);
    tb_c(o, ' ');
    tb_u(o, l->payload_len);
    return;
  }
  const capkit_layer *t = &p->layers[j];
  switch (t->type) {
  case CAPKIT_LAYER_TCP:
    line_tcp(c, l, t, j);
    break;
  case CAPKIT_LAYER_UDP:
    line_udp(c, l, t, j);
    break;
  case CAPKIT_LAYER_ICMP:
  case CAPKIT_LAYER_ICMPV6:
    put_endpoints(c, l, 0, 0, 0);
    line_icmp(c, l, t);
    break;
  case CAPKIT_LAYER_GRE: {
    put_endpoints(c, l, 0, 0, 0);
    const capkit_gre *g = &t->u.gre;
    if (gre_head(c, t) < 0)
      return;
    if (c->link) {
      gre_proto(o, g->proto);
    }
    tb_s(o, ", length ");
    tb_u(o, ip_payload(c, l, j)); /* as the IP header says */
    /* tcpdump -v puts what GRE carries on a line of its own */
    const char *sep = c->vflag ? "\n\t" : ": ";
    if (j + 1 < p->count) {
      tb_s(o, sep);
      line_from(c, j + 1, !c->link);
    } else if (g->proto != 0x0800 && g->proto != 0x86dd &&
               g->proto != 0x6558) {
      tb_s(o, sep);
      tb_s(o, "gre-proto-0x");
      tb_x(o, g->proto, 1);
    } else if (!c->link) {
      gre_proto(o, g->proto);
    }
    break;
  }
  case CAPKIT_LAYER_IPV4:
  case CAPKIT_LAYER_IPV6:
    put_endpoints(c, l, 0, 0, 0);
    line_from(c, j, !c->link);
    break;
  default:
    put_endpoints(c, l, 0, 0, 0);
    break;
  }
}

/* "ethertype IPv4 (0x0800)"; with -q, as tcpdump, the name alone */
static void link_ethertype(const pctx *c, tbuf *o, uint16_t t) {
  if (c->quiet) {
    tb_s(o, ethertype_name(t));
    return;
  }
  tb_s(o, "ethertype ");
  tb_s(o, ethertype_name(t));
  tb_s(o, " (0x");
  tb_x(o, t, 4);
  tb_s(o, ")");
}

static const char *sap_name(uint8_t s) {
  switch (s) {
  case 0x00:
    return "Null";
  case 0x06:
    return "IP";
  case 0x42:
    return "STP";
  case 0xaa:
    return "SNAP";
  case 0xe0:
    return "IPX";
  case 0xf0:
    return "NetBeui";
  case 0xfe:
    return "OSI";
  case 0xff:
    return "Global";
  default:
    return "Unknown";
  }
}

/* S, then spaces up to W characters, then one more ("%-Ws "). */
static void pad_right(tbuf *o, const char *s, size_t w) {
  tb_s(o, s);
  for (size_t k = strlen(s); k < w; k++)
    tb_c(o, ' ');
  tb_c(o, ' ');
}

static const char *sll_pkttype(uint16_t t) {
  static const char *const n[] = {"In", "B", "M", "P", "Out"};
  return t < 5 ? n[t] : "?";
}

/* Prints layer i and the ones after it; returns the index of the last
 * layer printed. prefix says whether the network protocol name ("IP",
 * "ARP") starts the text: not right after a link header shown by -e, as in
 * tcpdump. */
static size_t line_from(pctx *c, size_t i, int prefix) {
  tbuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  if (i >= p->count)
    return i;
  const capkit_layer *l = &p->layers[i];
  int tr = l->status & CAPKIT_LAYER_TRUNCATED;
  switch (l->type) {
  case CAPKIT_LAYER_ETH:
    if (tr) {
      if (c->link && l->len >= 12 && !l->depth) {
        tb_mac(o, l->u.eth.src, 6);
        tb_s(o, " > ");
        tb_mac(o, l->u.eth.dst, 6);
        tb_c(o, ' ');
      }
      tb_s(o, " [|ether]");
      return i;
    }
    if (c->link) {
      tb_mac(o, l->u.eth.src, 6);
      tb_s(o, " > ");
      tb_mac(o, l->u.eth.dst, 6);
      tb_s(o, ", ");
      if (l->u.eth.is_8023) {
        tb_s(o, "802.3, length ");
        tb_u(o, l->u.eth.type);
        tb_s(o, ": ");
        return line_from(c, i + 1, 1);
      }
      link_ethertype(c, o, l->u.eth.type);
      tb_s(o, ", length ");
      tb_u(o, !l->depth ? p->origlen
              : i >= 2 && p->layers[i - 1].type == CAPKIT_LAYER_VXLAN &&
                      p->layers[i - 2].type == CAPKIT_LAYER_UDP &&
                      p->layers[i - 2].u.udp.len >= 16
                  ? p->layers[i - 2].u.udp.len - 16u /* as UDP says */
                  : l->len + l->payload_len);
      tb_s(o, ": ");
      if (i + 1 >= p->count) {
        tb_s(o, "payload ");
        tb_u(o, l->payload_len);
        return i;
      }
      return line_from(c, i + 1, 0);
    }
    if (i + 1 >= p->count) {
      if (l->u.eth.is_8023)
        tb_s(o, "802.3");
      else
        link_ethertype(c, o, l->u.eth.type);
      tb_s(o, ", length ");
      tb_u(o, p->origlen);
      return i;
    }
    return line_from(c, i + 1, 1);
  case CAPKIT_LAYER_VLAN:
    if (c->link || i + 1 >= p->count || tr) {
      tb_s(o, "vlan ");
      if (tr) {
        tb_s(o, "[|vlan]");
        return i;
      }
      tb_u(o, l->u.vlan.vid);
      tb_s(o, ", p ");
      tb_u(o, l->u.vlan.pcp);
      if (l->u.vlan.dei)
        tb_s(o, ", DEI");
      tb_s(o, ", ");
      if (l->u.vlan.type <= 1500) {
        tb_s(o, "802.3, ");
      } else {
        link_ethertype(c, o, l->u.vlan.type);
        tb_s(o, ", ");
      }
      if (i + 1 >= p->count) {
        tb_s(o, "length ");
        tb_u(o, l->payload_len);
        return i;
      }
      return line_from(c, i + 1, 0);
    }
    return line_from(c, i + 1, prefix);
  case CAPKIT_LAYER_LLC: {
    const capkit_llc *k = &l->u.llc;
    if (!tr && k->has_snap && k->oui == 0 && i + 1 < p->count && !c->link)
      return line_from(c, i + 1, 1);
    tb_s(o, "LLC, dsap ");
    tb_s(o, sap_name(k->dsap));
    tb_s(o, " (0x");
    tb_x(o, k->dsap, 2);
    tb_s(o, (k->dsap & 1) ? ") Group" : ") Individual");
    if (tr && l->len < 3) {
      tb_s(o, " [|llc]");
      return i;
    }
    tb_s(o, ", ssap ");
    tb_s(o, sap_name(k->ssap & 0xfe));
    tb_s(o, " (0x");
    tb_x(o, k->ssap & 0xfe, 2);
    tb_s(o, (k->ssap & 1) ? ") Response" : ") Command");
    tb_s(o, ", ctrl 0x");
    tb_x(o, k->control, k->control > 0xff ? 4 : 2);
    if (tr) {
      tb_s(o, " [|llc]");
      return i;
    }
    if (k->has_snap) {
      tb_s(o, ": oui ");
      tb_s(o, k->oui == 0 ? "Ethernet" : k->oui == 0x00000c ? "Cisco"
                                                             : "Unknown");
      tb_s(o, " (0x");
      tb_x(o, k->oui, 6);
      tb_s(o, "), ");
      if (k->oui == 0)
        link_ethertype(c, o, k->pid);
      else {
        tb_s(o, "pid 0x");
        tb_x(o, k->pid, 4);
      }
      tb_s(o, ", length ");
      tb_u(o, l->payload_len);
      if (i + 1 < p->count) {
        tb_s(o, ": ");
        return line_from(c, i + 1, 0);
      }
      return i;
    }
    tb_s(o, ", length ");
    tb_u(o, l->payload_len);
    return i;
  }
  case CAPKIT_LAYER_SLL:
  case CAPKIT_LAYER_SLL2:
    if (tr) {
      tb_s(o, l->type == CAPKIT_LAYER_SLL ? " [|sll]" : " [|sll2]");
      return i;
    }
    if (l->type == CAPKIT_LAYER_SLL2) {
      /* tcpdump: the interface's name on this machine and the direction,
       * left-aligned, with or without -e */
      char nm[64];
      if (!c->ifname ||
          c->ifname(c->ifname_user, l->u.sll.ifindex, nm, sizeof nm) != 0)
        memcpy(nm, "?", 2);
      nm[sizeof nm - 1] = '\0';
      pad_right(o, nm, 5);
      pad_right(o, sll_pkttype(l->u.sll.pkttype), 3);
    }
    if (c->link) {
      if (l->type == CAPKIT_LAYER_SLL2) {
        tb_s(o, "ifindex ");
        tb_u(o, l->u.sll.ifindex);
        tb_c(o, ' ');
      } else {
        const char *pt = sll_pkttype(l->u.sll.pkttype);
        for (size_t k = strlen(pt); k < 3; k++)
          tb_c(o, ' ');
        tb_s(o, pt);
        tb_c(o, ' ');
      }
      tb_mac(o, l->u.sll.addr, l->u.sll.halen <= 8 ? l->u.sll.halen : 8);
      tb_c(o, ' ');
      if (!c->quiet) { /* tcpdump -q: no protocol, no length */
        link_ethertype(c, o, l->u.sll.protocol);
        tb_s(o, ", length ");
        tb_u(o, p->origlen);
        tb_s(o, ": ");
      }
      if (i + 1 >= p->count)
        return i;
      return line_from(c, i + 1, 0);
    }
    if (i + 1 >= p->count) {
      link_ethertype(c, o, l->u.sll.protocol);
      tb_s(o, ", length ");
      tb_u(o, p->origlen);
      return i;
    }
    return line_from(c, i + 1, 1);
  case CAPKIT_LAYER_NULL:
    if (tr) {
      tb_s(o, " [|null]");
      return i;
    }
    if (c->link || i + 1 >= p->count) {
      uint32_t f = l->u.null.family;
      if (!c->quiet) /* tcpdump -q: the family's name alone */
        tb_s(o, "AF ");
      tb_s(o, f == 2 ? "IPv4" : (f == 10 || f == 24 || f == 28 || f == 30)
                                   ? "IPv6"
                                   : "Unknown");
      if (!c->quiet) {
        tb_s(o, " (");
        tb_u(o, f);
        tb_c(o, ')');
      }
      tb_s(o, ", length ");
      tb_u(o, p->origlen);
      if (i + 1 >= p->count)
        return i;
      tb_s(o, ": ");
      return line_from(c, i + 1, 0);
    }
    return line_from(c, i + 1, 1);
  case CAPKIT_LAYER_ARP:
    line_arp(c, l, prefix);
    return i;
  case CAPKIT_LAYER_IPV4:
  case CAPKIT_LAYER_IPV6:
    line_ip(c, i, prefix);
    return i;
  default:
    tb_s(o, capkit_layer_name(l->type));
    return i;
  }
}

void capkit__print_line(pctx *c, const capkit_record *rec) {
  tbuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  if (p->count == 0) {
    const char *n = capkit_linktype_name(p->linktype);
    tb_s(o, n ? n : "linktype");
    if (!n) {
      tb_c(o, ' ');
      tb_u(o, p->linktype);
    }
    tb_s(o, ", length ");
    tb_u(o, rec->origlen);
  } else {
    /* tcpdump's -e for raw IP (RAW, IPV4 and IPV6 link types) */
    int raw = c->link && (p->linktype == CAPKIT_LINKTYPE_RAW ||
                          p->linktype == 228 || p->linktype == 229);
    if (raw)
      tb_s(o, "ip: ");
    line_from(c, 0, !raw);
  }
  tb_c(o, '\n');
}

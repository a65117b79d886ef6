/* cmd_print.c - capkit print (alias show): decode each packet and print
 * one tcpdump-like line, optionally with link headers, every field of every
 * layer, a hex dump, or NDJSON. Output goes through a large buffer. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "obuf.h"

static const char print_usage[] =
    "usage: capkit print [OPTIONS] FILE...\n"
    "       capkit show  [OPTIONS] FILE...\n\n"
    "Decode every packet and print one line per packet, in the style of\n"
    "'tcpdump -nn' (times in UTC).\n\n"
    "  -e, --link          show link-layer headers (MAC addresses, VLAN tags,\n"
    "                      EtherType, SLL and loopback headers)\n"
    "  -S, --absolute      absolute TCP sequence numbers (by default, as in\n"
    "                      tcpdump, they are relative to the first packet of\n"
    "                      each connection, or its latest SYN)\n"
    "  -v, --verbose       add one indented line per layer with every field,\n"
    "                      checksums verified\n"
    "  -x, --hex           add a hex dump of each packet (all captured bytes,\n"
    "                      laid out as by tcpdump -xx)\n"
    "      --json          one JSON object per packet (NDJSON) with every\n"
    "                      decoded field instead of lines\n"
    "  -t, --time FMT      abs (HH:MM:SS.ffffff, the default), date (with the\n"
    "                      date), epoch (seconds.ffffff), rel (since the first\n"
    "                      packet), delta (since the previous packet), none\n"
    "      --nano          nanosecond time stamps (9 digits)\n"
    "  -c, --count N       stop after N packets\n"
    "  -f, --filter EXPR   only packets matching the BPF expression (tcpdump\n"
    "                      filter language)\n"
    "  -h, --help          this help\n\n"
    "A truncated header ends its line with [|proto]; a malformed one with\n"
    "[bad proto]. Link types that are not decoded are printed as their\n"
    "link type name and length.\n\n"
    "Exit status: 0 ok, 1 damaged or invalid capture data (packets before the\n"
    "damage are printed), 2 usage (also a filter that does not compile),\n"
    "3 I/O error.\n";

static inline uint16_t rd16(const uint8_t *p) {
  return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

enum { T_ABS, T_DATE, T_EPOCH, T_REL, T_DELTA, T_NONE };

/* tcpdump's relative sequence numbers: the first numbers seen of each TCP
 * connection (or those of its latest SYN), per direction. */
typedef struct tseq {
  uint8_t src[16], dst[16]; /* in tcpdump's order: src <= dst */
  uint32_t ports;           /* sport << 16 | dport in that order */
  uint8_t v6, used;
  uint32_t seq, ack;
} tseq;

typedef struct pctx {
  obuf o;
  int absolute;       /* -S: raw sequence numbers */
  int ext_shown;      /* IPv6 extension headers printed: ports only */
  tseq *ts;           /* open addressing */
  size_t nts, cts;
  int link, verbose, hex, json, tfmt, nano;
  int64_t first_ns, prev_ns;
  int have_first;
  int64_t day_sec; /* cache of the current second's text */
  char day_text[32];
  size_t day_len;
  const capkit_packet *pkt;
} pctx;

/* ---- names ------------------------------------------------------------ */

static const char *ethertype_name(uint16_t t) {
  switch (t) {
  case 0x0800:
    return "IPv4";
  case 0x86dd:
    return "IPv6";
  case 0x0806:
    return "ARP";
  case 0x8035:
    return "Reverse ARP";
  case 0x8100:
    return "802.1Q";
  case 0x88a8:
    return "802.1Q-QinQ";
  case 0x9100:
    return "802.1Q-9100";
  case 0x88cc:
    return "LLDP";
  case 0x8847:
    return "MPLS unicast";
  case 0x8863:
    return "PPPoE D";
  case 0x8864:
    return "PPPoE S";
  case 0x6558:
    return "TEB";
  default:
    return "Unknown";
  }
}

static const char *csum_name(int c) {
  static const char *const n[] = {"unchecked", "good", "bad", "none",
                                  "unverified"};
  return c >= 0 && c <= 4 ? n[c] : "?";
}

static const char *dns_type_name(uint16_t t, char *buf, size_t cap) {
  switch (t) {
  case 1:
    return "A";
  case 2:
    return "NS";
  case 5:
    return "CNAME";
  case 6:
    return "SOA";
  case 12:
    return "PTR";
  case 15:
    return "MX";
  case 16:
    return "TXT";
  case 28:
    return "AAAA";
  case 33:
    return "SRV";
  case 35:
    return "NAPTR";
  case 41:
    return "OPT";
  case 43:
    return "DS";
  case 46:
    return "RRSIG";
  case 48:
    return "DNSKEY";
  case 64:
    return "SVCB";
  case 65:
    return "HTTPS";
  case 255:
    return "ANY";
  default:
    snprintf(buf, cap, "Type%u", t);
    return buf;
  }
}

static const char *dns_rcode_name(unsigned r) {
  static const char *const n[] = {"",       " FormErr", " ServFail",
                                  " NXDomain", " NotImp", " Refused",
                                  " YXDomain", " YXRRSet", " NXRRSet",
                                  " NotAuth",  " NotZone"};
  return r < sizeof n / sizeof *n ? n[r] : " Resp?";
}

static const char *dhcp_msg_name(unsigned t) {
  static const char *const n[] = {"",        "Discover", "Offer",
                                  "Request", "Decline",  "ACK",
                                  "NACK",    "Release",  "Inform"};
  return t < sizeof n / sizeof *n ? n[t] : "Unknown";
}

static const char *ntp_mode_name(unsigned m) {
  static const char *const n[] = {
      "unspecified", "symmetric active", "symmetric passive", "Client",
      "Server",      "Broadcast",        "Control Message",   "Reserved"};
  return n[m & 7];
}

static const char *tls_type_name(unsigned t) {
  switch (t) {
  case 20:
    return "ChangeCipherSpec";
  case 21:
    return "Alert";
  case 22:
    return "Handshake";
  case 23:
    return "Application Data";
  case 24:
    return "Heartbeat";
  default:
    return "Unknown";
  }
}

static const char *icmp6_name(uint8_t t) {
  switch (t) {
  case 1:
    return "destination unreachable";
  case 2:
    return "packet too big";
  case 3:
    return "time exceeded in-transit";
  case 4:
    return "parameter problem";
  case 128:
    return "echo request";
  case 129:
    return "echo reply";
  case 130:
    return "multicast listener query";
  case 131:
    return "multicast listener report";
  case 132:
    return "multicast listener done";
  case 133:
    return "router solicitation";
  case 134:
    return "router advertisement";
  case 135:
    return "neighbor solicitation";
  case 136:
    return "neighbor advertisement";
  case 137:
    return "redirect";
  case 143:
    return "multicast listener report v2";
  default:
    return NULL;
  }
}

/* tcpdump's flag letters, in bit order. */
static void tcp_flags(obuf *o, uint16_t f) {
  static const struct {
    uint16_t bit;
    char c;
  } fl[] = {{CAPKIT_TCP_FIN, 'F'}, {CAPKIT_TCP_SYN, 'S'},
            {CAPKIT_TCP_RST, 'R'}, {CAPKIT_TCP_PSH, 'P'},
            {CAPKIT_TCP_ACK, '.'}, {CAPKIT_TCP_URG, 'U'},
            {CAPKIT_TCP_ECE, 'E'}, {CAPKIT_TCP_CWR, 'W'},
            {CAPKIT_TCP_NS, 'N'}};
  if (!f) {
    ob_s(o, "none");
    return;
  }
  for (size_t i = 0; i < sizeof fl / sizeof *fl; i++)
    if (f & fl[i].bit)
      ob_c(o, fl[i].c);
}

/* ---- time ------------------------------------------------------------- */

static void put_hms(obuf *o, int64_t s) {
  ob_uw(o, (uint64_t)(s / 3600), 2);
  ob_c(o, ':');
  ob_uw(o, (uint64_t)(s / 60 % 60), 2);
  ob_c(o, ':');
  ob_uw(o, (uint64_t)(s % 60), 2);
}

static void put_frac(pctx *c, uint32_t ns) {
  ob_c(&c->o, '.');
  if (c->nano)
    ob_uw(&c->o, ns, 9);
  else
    ob_uw(&c->o, ns / 1000, 6);
}

static void put_time(pctx *c, const capkit_record *rec) {
  obuf *o = &c->o;
  int64_t ns = capkit_record_time_ns(rec);
  if (!c->have_first) {
    c->first_ns = c->prev_ns = ns;
    c->have_first = 1;
  }
  switch (c->tfmt) {
  case T_NONE:
    return;
  case T_EPOCH:
    ob_i(o, rec->ts_sec);
    put_frac(c, rec->ts_nsec);
    break;
  case T_REL:
  case T_DELTA: {
    int64_t d = ns - (c->tfmt == T_REL ? c->first_ns : c->prev_ns);
    if (d < 0) {
      ob_c(o, '-');
      d = -d;
    }
    put_hms(o, d / 1000000000);
    put_frac(c, (uint32_t)(d % 1000000000));
    break;
  }
  default: {
    if (rec->ts_sec != c->day_sec || !c->day_len) {
      /* one gmtime per second of capture, not per packet */
      struct tm tm;
      time_t t = (time_t)rec->ts_sec;
      if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof tm);
      if (c->tfmt == T_DATE)
        c->day_len = strftime(c->day_text, sizeof c->day_text,
                              "%Y-%m-%d %H:%M:%S", &tm);
      else
        c->day_len =
            strftime(c->day_text, sizeof c->day_text, "%H:%M:%S", &tm);
      c->day_sec = rec->ts_sec;
    }
    ob_mem(o, c->day_text, c->day_len);
    put_frac(c, rec->ts_nsec);
    break;
  }
  }
  c->prev_ns = ns;
  ob_c(o, ' ');
}

/* ---- one line --------------------------------------------------------- */

static void put_addr(obuf *o, const capkit_layer *net, int dst) {
  if (net->type == CAPKIT_LAYER_IPV4)
    ob_ip4(o, dst ? net->u.ipv4.dst : net->u.ipv4.src);
  else
    ob_ip6(o, dst ? net->u.ipv6.dst : net->u.ipv6.src);
}

/* "src.port > dst.port: ". After IPv6 extension headers tcpdump has
 * already shown the addresses: then only the ports, or nothing. */
static void put_endpoints(pctx *c, const capkit_layer *net, int ports,
                          uint16_t sp, uint16_t dp) {
  obuf *o = &c->o;
  if (c->ext_shown) {
    if (ports) {
      ob_u(o, sp);
      ob_s(o, " > ");
      ob_u(o, dp);
      ob_s(o, ": ");
    }
    return;
  }
  put_addr(o, net, 0);
  if (ports) {
    ob_c(o, '.');
    ob_u(o, sp);
  }
  ob_s(o, " > ");
  put_addr(o, net, 1);
  if (ports) {
    ob_c(o, '.');
    ob_u(o, dp);
  }
  ob_s(o, ": ");
}

/* ", proto IPv4 (0x0800)" */
static void gre_proto(obuf *o, uint16_t proto) {
  ob_s(o, ", proto ");
  ob_s(o, ethertype_name(proto));
  ob_s(o, " (0x");
  ob_x(o, proto, 4);
  ob_c(o, ')');
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
    put_endpoints(c, net, 0, 0, 0), ob_s(&c->o, cut_noports);
  else
    put_endpoints(c, net, 1, sp, dp), ob_s(&c->o, cut);
  return 1;
}

static size_t line_from(pctx *c, size_t i, int prefix);

static void tcp_options(obuf *o, const uint8_t *d, uint32_t n,
                        uint32_t sack_base) {
  ob_s(o, ", options [");
  uint32_t i = 0;
  int first = 1;
  while (i < n) {
    uint8_t k = d[i];
    if (!first)
      ob_c(o, ',');
    first = 0;
    if (k == 0) {
      ob_s(o, "eol");
      break;
    }
    if (k == 1) {
      ob_s(o, "nop");
      i++;
      continue;
    }
    if (i + 1 >= n || d[i + 1] < 2 || i + d[i + 1] > n) {
      ob_s(o, "bad opt");
      break;
    }
    uint8_t l = d[i + 1];
    const uint8_t *p = d + i + 2;
    if (k == 2 && l == 4) {
      ob_s(o, "mss ");
      ob_u(o, rd16(p));
    } else if (k == 3 && l == 3) {
      ob_s(o, "wscale ");
      ob_u(o, p[0]);
    } else if (k == 4 && l == 2) {
      ob_s(o, "sackOK");
    } else if (k == 5) {
      unsigned nb = (l - 2u) / 8;
      ob_s(o, "sack ");
      ob_u(o, nb);
      ob_c(o, ' ');
      for (unsigned b = 0; b < nb; b++) {
        ob_c(o, '{');
        ob_u(o, (uint32_t)(rd32(p + 8 * b) - sack_base));
        ob_c(o, ':');
        ob_u(o, (uint32_t)(rd32(p + 8 * b + 4) - sack_base));
        ob_c(o, '}');
      }
    } else if (k == 8 && l == 10) {
      ob_s(o, "TS val ");
      ob_u(o, rd32(p));
      ob_s(o, " ecr ");
      ob_u(o, rd32(p + 4));
    } else {
      ob_s(o, "unknown-");
      ob_u(o, k);
    }
    i += l;
  }
  ob_c(o, ']');
}

static void dns_line(pctx *c, const capkit_layer *l, uint32_t dlen);

static uint64_t tseq_hash(const tseq *k) {
  uint64_t h = 0xcbf29ce484222325ull ^ k->ports ^ ((uint64_t)k->v6 << 40);
  for (int i = 0; i < 16; i++)
    h = (h ^ k->src[i] ^ ((uint64_t)k->dst[i] << 8)) * 0x100000001b3ull;
  return h ^ (h >> 31);
}

/* The entry for the key K (its slot, new ones marked unused), or NULL when
 * memory runs out. */
static tseq *tseq_find(pctx *c, const tseq *k) {
  if ((c->nts + 1) * 2 > c->cts) {
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
  int rev = memcmp(src, dst, al) > 0;
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
  obuf *o = &c->o;
  const capkit_tcp *t = &l->u.tcp;
  if (transport_endpoints(c, net, l, t->sport, t->dport, "[|tcp]",
                          " [|tcp]"))
    return;
  if ((l->status & CAPKIT_LAYER_MALFORMED) && t->doff < 20) {
    ob_s(o, " tcp ");
    ob_u(o, l->payload_len + 20 - t->doff);
    ob_s(o, " [bad hdr length ");
    ob_u(o, t->doff);
    ob_s(o, " - too short, < 20]");
    return;
  }
  ob_s(o, "Flags [");
  tcp_flags(o, t->flags);
  ob_c(o, ']');
  uint32_t len = l->payload_len, seq, ack, sack_base;
  tcp_relative(c, net, t, &seq, &ack, &sack_base);
  if ((t->flags & (CAPKIT_TCP_SYN | CAPKIT_TCP_FIN | CAPKIT_TCP_RST)) ||
      len) {
    ob_s(o, ", seq ");
    ob_u(o, seq);
    if (len) {
      ob_c(o, ':');
      ob_u(o, (uint32_t)(seq + len));
    }
  }
  if (t->flags & CAPKIT_TCP_ACK) {
    ob_s(o, ", ack ");
    ob_u(o, ack);
  }
  ob_s(o, ", win ");
  ob_u(o, t->window);
  if (t->flags & CAPKIT_TCP_URG) {
    ob_s(o, ", urg ");
    ob_u(o, t->urg);
  }
  if (t->doff > 20)
    tcp_options(o, c->pkt->data + l->offset + 20, t->doff - 20u, sack_base);
  ob_s(o, ", length ");
  ob_u(o, len);
  if (i + 1 < c->pkt->count) {
    const capkit_layer *a = &c->pkt->layers[i + 1];
    if (a->type == CAPKIT_LAYER_HTTP && a->u.http.line_len) {
      ob_s(o, ": HTTP: ");
      const uint8_t *p = c->pkt->data + a->offset;
      for (uint32_t k = 0; k < a->u.http.line_len && k < 300; k++)
        ob_c(o, (p[k] >= 0x20 && p[k] < 0x7f) ? (char)p[k] : '.');
      if (a->status & CAPKIT_LAYER_TRUNCATED)
        ob_s(o, " [|http]");
    } else if (a->type == CAPKIT_LAYER_HTTP) {
      ob_s(o, ": HTTP");
    } else if (a->type == CAPKIT_LAYER_DNS && len >= 2) {
      /* DNS over TCP: a 2-byte length, then the message */
      uint32_t pl = rd16(c->pkt->data + a->offset - 2);
      if (pl != len - 2) {
        ob_s(o, " [prefix length(");
        ob_u(o, pl);
        ob_s(o, ") != length(");
        ob_u(o, len - 2);
        ob_s(o, ")] (invalid)");
      } else {
        ob_c(o, ' ');
        dns_line(c, a, len - 2);
      }
    }
  }
  if (l->status & CAPKIT_LAYER_MALFORMED)
    ob_s(o, " [bad tcp]");
}

/* A section count as tcpdump shows it: " [3a]". */
static void dns_count(obuf *o, uint32_t n, const char *tag) {
  ob_s(o, " [");
  ob_u(o, n);
  ob_s(o, tag);
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

static void dns_line(pctx *c, const capkit_layer *l, uint32_t dlen) {
  obuf *o = &c->o;
  const capkit_dns *d = &l->u.dns;
  char nb[300], tb[16];
  if (l->status & CAPKIT_LAYER_TRUNCATED && l->len < 12) {
    ob_s(o, " [|domain]");
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
  ob_u(o, d->id);
  if (qr) {
    ob_s(o, ops[opcode]);
    ob_s(o, dns_rcode_name(rcode));
    if (aa)
      ob_c(o, '*');
    if (!ra)
      ob_c(o, '-');
    if (tc)
      ob_c(o, '|');
    if (ad)
      ob_c(o, '$');
    if (d->qdcount != 1)
      dns_count(o, d->qdcount, "q]");
    ob_c(o, ' ');
    ob_u(o, d->ancount);
    ob_c(o, '/');
    ob_u(o, d->nscount);
    ob_c(o, '/');
    ob_u(o, d->arcount);
    /* the answers: skip the questions, then print each answer record */
    const uint8_t *p = c->pkt->data;
    uint32_t end = c->pkt->caplen, off = l->offset + 12;
    int bad = 0;
    for (unsigned q = 0; q < d->qdcount && !bad; q++) {
      if (dns_skip_name(p, &off, end)) {
        bad = 1;
        break;
      }
      off += 4;
      if (off > end)
        bad = 1;
    }
    for (unsigned a = 0; a < d->ancount && !bad; a++) {
      if (dns_skip_name(p, &off, end)) {
        bad = 1;
        break;
      }
      if (off + 10 > end) {
        bad = 1;
        break;
      }
      uint16_t type = rd16(p + off);
      uint16_t rdlen = rd16(p + off + 8);
      off += 10;
      ob_s(o, a ? "," : "");
      ob_c(o, ' ');
      ob_s(o, dns_type_name(type, tb, sizeof tb));
      if (off + rdlen > end) {
        bad = 1;
        break;
      }
      if (type == 1 && rdlen == 4) {
        ob_c(o, ' ');
        ob_ip4(o, p + off);
      } else if (type == 28 && rdlen == 16) {
        ob_c(o, ' ');
        ob_ip6(o, p + off);
      } else if (type == 5 || type == 12 || type == 2) {
        if (capkit_dns_name(c->pkt, d->msg_off, off, nb, sizeof nb) >= 0) {
          ob_c(o, ' ');
          ob_s(o, nb);
        }
      }
      off += rdlen;
    }
    if (bad) {
      ob_s(o, " [|domain]");
      return;
    }
  } else {
    ob_s(o, ops[opcode]);
    if (rd)
      ob_c(o, '+');
    if (tc)
      ob_c(o, '|');
    if (ad)
      ob_c(o, '$');
    if (d->qdcount != 1)
      dns_count(o, d->qdcount, "q]");
    if (d->ancount)
      dns_count(o, d->ancount, "a]");
    if (d->nscount)
      dns_count(o, d->nscount, "n]");
    if (d->arcount)
      dns_count(o, d->arcount, "au]");
    if (d->qdcount) {
      if (l->status & CAPKIT_LAYER_TRUNCATED) {
        ob_s(o, " [|domain]");
        return;
      }
      ob_c(o, ' ');
      ob_s(o, dns_type_name(d->qtype, tb, sizeof tb));
      ob_s(o, "? ");
      capkit_dns_name(c->pkt, d->msg_off, d->qname_off, nb, sizeof nb);
      ob_s(o, nb);
    }
  }
  ob_s(o, " (");
  ob_u(o, dlen);
  ob_c(o, ')');
}

static void line_udp(pctx *c, const capkit_layer *net, const capkit_layer *l,
                     size_t i) {
  obuf *o = &c->o;
  const capkit_udp *u = &l->u.udp;
  if (transport_endpoints(c, net, l, u->sport, u->dport, " [|udp]",
                          " [|udp]"))
    return;
  if (l->status & CAPKIT_LAYER_MALFORMED) {
    ob_s(o, "[bad udp length ");
    ob_u(o, u->len);
    ob_c(o, ']');
    return;
  }
  uint32_t len = u->len - 8u;
  const capkit_layer *a = i + 1 < c->pkt->count ? &c->pkt->layers[i + 1] : 0;
  if (a && a->type == CAPKIT_LAYER_VXLAN) {
    ob_s(o, "VXLAN");
    if (a->status & CAPKIT_LAYER_TRUNCATED) {
      ob_s(o, " [|vxlan]");
      return;
    }
    ob_s(o, ", flags [");
    ob_s(o, (a->u.vxlan.flags & 8) ? "I" : ".");
    ob_s(o, "] (0x");
    ob_x(o, a->u.vxlan.flags, 2);
    ob_s(o, "), vni ");
    ob_u(o, a->u.vxlan.vni);
    if (i + 2 < c->pkt->count) {
      ob_s(o, ": ");
      line_from(c, i + 2, 1);
    }
    return;
  }
  if (a && a->type == CAPKIT_LAYER_DNS) {
    dns_line(c, a, len);
    return;
  }
  if (a && a->type == CAPKIT_LAYER_DHCP) {
    const capkit_dhcp *b = &a->u.dhcp;
    ob_s(o, "BOOTP/DHCP, ");
    if (b->op == 1) {
      ob_s(o, "Request");
      if (!(a->status & CAPKIT_LAYER_TRUNCATED)) {
        ob_s(o, " from ");
        ob_mac(o, b->chaddr, 6);
      }
    } else if (b->op == 2) {
      ob_s(o, "Reply");
    } else {
      ob_s(o, "op ");
      ob_u(o, b->op);
    }
    ob_s(o, ", length ");
    ob_u(o, len);
    if (a->status & CAPKIT_LAYER_TRUNCATED)
      ob_s(o, " [|bootp]");
    return;
  }
  if (a && a->type == CAPKIT_LAYER_NTP) {
    ob_s(o, "NTPv");
    ob_u(o, a->u.ntp.version);
    ob_s(o, ", ");
    ob_s(o, ntp_mode_name(a->u.ntp.mode));
    ob_s(o, ", length ");
    ob_u(o, len);
    return;
  }
  ob_s(o, "UDP, length ");
  ob_u(o, len);
}

static void line_icmp(pctx *c, const capkit_layer *l) {
  obuf *o = &c->o;
  const capkit_icmp *m = &l->u.icmp;
  uint32_t len = l->payload_len + (l->len >= 8 ? 8 : l->len);
  if (l->type == CAPKIT_LAYER_ICMPV6) {
    ob_s(o, "ICMP6, ");
    if (l->len < 4 && (l->status & CAPKIT_LAYER_TRUNCATED)) {
      ob_s(o, "[|icmp6]");
      return;
    }
    const char *n = icmp6_name(m->type);
    if (n)
      ob_s(o, n);
    else {
      ob_s(o, "type-#");
      ob_u(o, m->type);
    }
    if (m->type == 128 || m->type == 129) {
      ob_s(o, ", id ");
      ob_u(o, m->id);
      ob_s(o, ", seq ");
      ob_u(o, m->seq);
    } else if (m->type == 1 && m->code == 4 && l->len >= 8) {
      /* port unreachable: the offending datagram's destination and port */
      const uint8_t *d = c->pkt->data + l->offset + 8;
      uint32_t have = c->pkt->caplen - l->offset;
      ob_s(o, ", unreachable port");
      if (have >= 8 + 40 + 4 && (d[0] >> 4) == 6 &&
          (d[6] == 17 || d[6] == 6)) {
        ob_s(o, ", ");
        ob_ip6(o, d + 24);
        ob_s(o, d[6] == 17 ? " udp port " : " tcp port ");
        ob_u(o, rd16(d + 40 + 2));
      }
    } else if (m->type == 135 && l->len >= 24) {
      ob_s(o, ", who has ");
      ob_ip6(o, m->target);
    } else if (m->type == 136 && l->len >= 24) {
      ob_s(o, ", tgt is ");
      ob_ip6(o, m->target);
    }
    ob_s(o, ", length ");
    ob_u(o, l->payload_len + l->len);
    if (l->status & CAPKIT_LAYER_TRUNCATED)
      ob_s(o, " [|icmp6]");
    return;
  }
  ob_s(o, "ICMP ");
  if (l->len < 4 && (l->status & CAPKIT_LAYER_TRUNCATED)) {
    ob_s(o, "[|icmp]");
    return;
  }
  const uint8_t *d = c->pkt->data + l->offset;
  uint32_t have = c->pkt->caplen - l->offset;
  switch (m->type) {
  case 0:
  case 8:
    ob_s(o, m->type ? "echo request" : "echo reply");
    ob_s(o, ", id ");
    ob_u(o, m->id);
    ob_s(o, ", seq ");
    ob_u(o, m->seq);
    break;
  case 3: {
    /* the datagram in error follows: its addresses, protocol, ports */
    if (have >= 8 + 20 && (d[8] >> 4) == 4) {
      const uint8_t *ip = d + 8;
      unsigned ihl = (ip[0] & 15) * 4u;
      uint8_t proto = ip[9];
      if (m->code == 3 && (proto == 6 || proto == 17) && ihl >= 20 &&
          have >= 8 + ihl + 4) {
        ob_ip4(o, ip + 16);
        ob_s(o, proto == 6 ? " tcp port " : " udp port ");
        ob_u(o, rd16(ip + ihl + 2));
        ob_s(o, " unreachable");
      } else if (m->code == 2) {
        ob_ip4(o, ip + 16);
        ob_s(o, " protocol ");
        ob_u(o, proto);
        ob_s(o, " unreachable");
      } else if (m->code <= 1) {
        ob_s(o, m->code ? "host " : "net ");
        ob_ip4(o, ip + 16);
        ob_s(o, " unreachable");
      } else {
        ob_s(o, "unreachable code ");
        ob_u(o, m->code);
      }
    } else {
      ob_s(o, "unreachable code ");
      ob_u(o, m->code);
    }
    break;
  }
  case 11:
    ob_s(o, m->code ? "ip reassembly time exceeded"
                    : "time exceeded in-transit");
    break;
  case 5:
    ob_s(o, "redirect");
    break;
  case 4:
    ob_s(o, "source quench");
    break;
  case 12:
    ob_s(o, "parameter problem");
    break;
  case 13:
    ob_s(o, "time stamp request");
    break;
  case 14:
    ob_s(o, "time stamp reply");
    break;
  default:
    ob_s(o, "type-#");
    ob_u(o, m->type);
    break;
  }
  ob_s(o, ", length ");
  ob_u(o, len);
  if (l->status & CAPKIT_LAYER_TRUNCATED)
    ob_s(o, " [|icmp]");
}

static void line_arp(pctx *c, const capkit_layer *l, int prefix) {
  obuf *o = &c->o;
  const capkit_arp *a = &l->u.arp;
  if (prefix)
    ob_s(o, "ARP, ");
  if (l->status & CAPKIT_LAYER_TRUNCATED) {
    ob_s(o, "[|arp]");
    return;
  }
  int eth4 = a->hlen == 6 && a->plen == 4 && a->ptype == 0x0800;
  if (!eth4) {
    ob_s(o, "htype ");
    ob_u(o, a->htype);
    ob_s(o, " ptype 0x");
    ob_x(o, a->ptype, 4);
    ob_s(o, " op ");
    ob_u(o, a->op);
  } else if (a->op == 1) {
    ob_s(o, "Request who-has ");
    ob_ip4(o, a->tpa);
    ob_s(o, " tell ");
    ob_ip4(o, a->spa);
  } else if (a->op == 2) {
    ob_s(o, "Reply ");
    ob_ip4(o, a->spa);
    ob_s(o, " is-at ");
    ob_mac(o, a->sha, 6);
  } else if (a->op == 3) {
    ob_s(o, "Reverse Request who-is ");
    ob_mac(o, a->tha, 6);
    ob_s(o, " tell ");
    ob_mac(o, a->sha, 6);
  } else if (a->op == 4) {
    ob_s(o, "Reverse Reply ");
    ob_mac(o, a->tha, 6);
    ob_s(o, " at ");
    ob_ip4(o, a->tpa);
  } else {
    ob_s(o, "Unknown op ");
    ob_u(o, a->op);
  }
  ob_s(o, ", length ");
  ob_u(o, l->len + l->payload_len);
}

/* One IPv6 extension header in tcpdump's words, with a trailing space. */
static void ipv6_ext_text(pctx *c, const capkit_layer *x) {
  obuf *o = &c->o;
  const capkit_ipv6_ext *e = &x->u.ipv6_ext;
  const uint8_t *h = c->pkt->data + x->offset;
  switch (e->type) {
  case 0:
    ob_s(o, "HBH ");
    break;
  case 60:
    ob_s(o, "DSTOPT ");
    break;
  case 51:
    ob_s(o, "AH ");
    break;
  case 44:
    ob_s(o, "frag (");
    ob_u(o, e->frag_off);
    ob_c(o, '|');
    ob_u(o, x->payload_len);
    ob_s(o, ") ");
    break;
  case 43:
    ob_s(o, "RT6 (len=");
    ob_u(o, h[1]);
    ob_s(o, ", type=");
    ob_u(o, e->rt_type);
    if (e->rt_type == 0)
      ob_s(o, " [Deprecated]");
    ob_s(o, ", segleft=");
    ob_u(o, e->segleft);
    if (e->rt_type == 0 || e->rt_type == 2) {
      for (uint32_t a = 0; 8 + 16 * (a + 1) <= x->len; a++) {
        ob_s(o, ", [");
        ob_u(o, a);
        ob_c(o, ']');
        ob_ip6(o, h + 8 + 16 * a);
      }
    }
    ob_s(o, ") ");
    break;
  default:
    break;
  }
}

/* The IP layer at index i and what it carries. */
static void line_ip(pctx *c, size_t i, int prefix) {
  obuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  const capkit_layer *l = &p->layers[i];
  int v6 = l->type == CAPKIT_LAYER_IPV6;
  c->ext_shown = 0;
  if (prefix && !(v6 && (l->status & CAPKIT_LAYER_TRUNCATED)))
    ob_s(o, v6 ? "IP6 " : "IP "); /* tcpdump: "IP  [|ip]", " [|ip6]" */
  if (l->status & CAPKIT_LAYER_TRUNCATED) {
    ob_s(o, v6 ? " [|ip6]" : " [|ip]");
    return;
  }
  if (l->status & CAPKIT_LAYER_MALFORMED && i + 1 >= p->count) {
    if (!v6 && (p->data[l->offset] >> 4) != 4) {
      ob_s(o, "[bad ip version ");
      ob_u(o, p->data[l->offset] >> 4);
      ob_c(o, ']');
    } else if (v6 && (p->data[l->offset] >> 4) != 6) {
      ob_s(o, "[bad ip6 version ");
      ob_u(o, p->data[l->offset] >> 4);
      ob_c(o, ']');
    } else if (!v6 && l->u.ipv4.ihl < 20) {
      ob_s(o, "bad-hlen ");
      ob_u(o, l->u.ipv4.ihl);
    } else if (!v6 && l->u.ipv4.total_len < l->u.ipv4.ihl) {
      ob_s(o, "bad-len ");
      ob_u(o, l->u.ipv4.total_len);
    } else {
      put_endpoints(c, l, 0, 0, 0);
      ob_s(o, v6 ? "[bad ip6]" : "[bad ip length]");
    }
    return;
  }
  /* longer than the packet on the wire (not just the captured part) */
  if (!v6 && p->origlen >= p->caplen &&
      l->u.ipv4.total_len > p->origlen - l->offset) {
    ob_s(o, "truncated-ip - ");
    ob_u(o, l->u.ipv4.total_len - (p->origlen - l->offset));
    ob_s(o, " bytes missing! ");
  }
  /* skip IPv6 extension headers: they show as "frag" only */
  size_t j = i + 1;
  const capkit_layer *frag = NULL;
  while (j < p->count && p->layers[j].type == CAPKIT_LAYER_IPV6_EXT) {
    if (p->layers[j].u.ipv6_ext.type == 44)
      frag = &p->layers[j];
    if (p->layers[j].status & CAPKIT_LAYER_TRUNCATED) {
      put_endpoints(c, l, 0, 0, 0);
      ob_s(o, "[|ip6]");
      return;
    }
    j++;
  }
  if (frag && frag->u.ipv6_ext.frag_off) {
    put_endpoints(c, l, 0, 0, 0);
    ob_s(o, "frag (");
    ob_u(o, frag->u.ipv6_ext.frag_off);
    ob_c(o, '|');
    ob_u(o, frag->payload_len);
    ob_c(o, ')');
    return;
  }
  if (j > i + 1) {
    /* extension headers, as tcpdump shows them, then the transport with
     * ports only */
    put_endpoints(c, l, 0, 0, 0);
    for (size_t k = i + 1; k < j; k++)
      ipv6_ext_text(c, &p->layers[k]);
    c->ext_shown = 1;
  }
  if (!v6 && l->u.ipv4.frag_off) {
    put_endpoints(c, l, 0, 0, 0);
    ob_s(o, "ip-proto-");
    ob_u(o, l->u.ipv4.proto);
    return;
  }
  if (j >= p->count) {
    put_endpoints(c, l, 0, 0, 0);
    uint8_t proto = v6 ? l->u.ipv6.proto : l->u.ipv4.proto;
    ob_s(o, "ip-proto-");
    ob_u(o, proto);
    ob_c(o, ' ');
    ob_u(o, l->payload_len);
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
    line_icmp(c, t);
    break;
  case CAPKIT_LAYER_GRE: {
    put_endpoints(c, l, 0, 0, 0);
    const capkit_gre *g = &t->u.gre;
    ob_s(o, "GREv");
    ob_u(o, g->version);
    if (t->status & CAPKIT_LAYER_TRUNCATED) {
      ob_s(o, " [|gre]");
      return;
    }
    if (g->has_key) {
      ob_s(o, ", key=0x");
      ob_x(o, g->key, 1);
    }
    if (g->has_seq) {
      ob_s(o, ", seq ");
      ob_u(o, g->seq);
    }
    if (c->link) {
      gre_proto(o, g->proto);
    }
    ob_s(o, ", length ");
    ob_u(o, t->len + t->payload_len);
    if (j + 1 < p->count) {
      ob_s(o, ": ");
      line_from(c, j + 1, !c->link);
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

static void link_ethertype(obuf *o, uint16_t t) {
  ob_s(o, "ethertype ");
  ob_s(o, ethertype_name(t));
  ob_s(o, " (0x");
  ob_x(o, t, 4);
  ob_s(o, ")");
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

static const char *sll_pkttype(uint16_t t) {
  static const char *const n[] = {"In", "B", "M", "P", "Out"};
  return t < 5 ? n[t] : "?";
}

/* Prints layer i and the ones after it; returns the index of the last
 * layer printed. prefix says whether the network protocol name ("IP",
 * "ARP") starts the text: not right after a link header shown by -e, as in
 * tcpdump. */
static size_t line_from(pctx *c, size_t i, int prefix) {
  obuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  if (i >= p->count)
    return i;
  const capkit_layer *l = &p->layers[i];
  int tr = l->status & CAPKIT_LAYER_TRUNCATED;
  switch (l->type) {
  case CAPKIT_LAYER_ETH:
    if (tr) {
      if (c->link && l->len >= 12) {
        ob_mac(o, l->u.eth.src, 6);
        ob_s(o, " > ");
        ob_mac(o, l->u.eth.dst, 6);
        ob_c(o, ' ');
      }
      ob_s(o, " [|ether]");
      return i;
    }
    if (c->link) {
      ob_mac(o, l->u.eth.src, 6);
      ob_s(o, " > ");
      ob_mac(o, l->u.eth.dst, 6);
      ob_s(o, ", ");
      if (l->u.eth.is_8023) {
        ob_s(o, "802.3, length ");
        ob_u(o, l->u.eth.type);
        ob_s(o, ": ");
        return line_from(c, i + 1, 1);
      }
      link_ethertype(o, l->u.eth.type);
      ob_s(o, ", length ");
      ob_u(o, l->depth ? l->len + l->payload_len : p->origlen);
      ob_s(o, ": ");
      if (i + 1 >= p->count) {
        ob_s(o, "payload ");
        ob_u(o, l->payload_len);
        return i;
      }
      return line_from(c, i + 1, 0);
    }
    if (i + 1 >= p->count) {
      if (l->u.eth.is_8023)
        ob_s(o, "802.3");
      else
        link_ethertype(o, l->u.eth.type);
      ob_s(o, ", length ");
      ob_u(o, p->origlen);
      return i;
    }
    return line_from(c, i + 1, 1);
  case CAPKIT_LAYER_VLAN:
    if (c->link || i + 1 >= p->count || tr) {
      ob_s(o, "vlan ");
      if (tr) {
        ob_s(o, "[|vlan]");
        return i;
      }
      ob_u(o, l->u.vlan.vid);
      ob_s(o, ", p ");
      ob_u(o, l->u.vlan.pcp);
      if (l->u.vlan.dei)
        ob_s(o, ", DEI");
      ob_s(o, ", ");
      if (l->u.vlan.type <= 1500) {
        ob_s(o, "802.3, ");
      } else {
        link_ethertype(o, l->u.vlan.type);
        ob_s(o, ", ");
      }
      if (i + 1 >= p->count) {
        ob_s(o, "length ");
        ob_u(o, l->payload_len);
        return i;
      }
      return line_from(c, i + 1, 0);
    }
    return line_from(c, i + 1, prefix);
  case CAPKIT_LAYER_LLC: {
    const capkit_llc *k = &l->u.llc;
    if (!tr && k->has_snap && k->oui == 0 && i + 1 < p->count && !c->link)
      return line_from(c, i + 1, 1);
    ob_s(o, "LLC, dsap ");
    ob_s(o, sap_name(k->dsap));
    ob_s(o, " (0x");
    ob_x(o, k->dsap, 2);
    ob_s(o, (k->dsap & 1) ? ") Group" : ") Individual");
    if (tr && l->len < 3) {
      ob_s(o, " [|llc]");
      return i;
    }
    ob_s(o, ", ssap ");
    ob_s(o, sap_name(k->ssap & 0xfe));
    ob_s(o, " (0x");
    ob_x(o, k->ssap & 0xfe, 2);
    ob_s(o, (k->ssap & 1) ? ") Response" : ") Command");
    ob_s(o, ", ctrl 0x");
    ob_x(o, k->control, k->control > 0xff ? 4 : 2);
    if (tr) {
      ob_s(o, " [|llc]");
      return i;
    }
    if (k->has_snap) {
      ob_s(o, ": oui ");
      ob_s(o, k->oui == 0 ? "Ethernet" : k->oui == 0x00000c ? "Cisco"
                                                             : "Unknown");
      ob_s(o, " (0x");
      ob_x(o, k->oui, 6);
      ob_s(o, "), ");
      if (k->oui == 0)
        link_ethertype(o, k->pid);
      else {
        ob_s(o, "pid 0x");
        ob_x(o, k->pid, 4);
      }
      ob_s(o, ", length ");
      ob_u(o, l->payload_len);
      if (i + 1 < p->count) {
        ob_s(o, ": ");
        return line_from(c, i + 1, 0);
      }
      return i;
    }
    ob_s(o, ", length ");
    ob_u(o, l->payload_len);
    return i;
  }
  case CAPKIT_LAYER_SLL:
  case CAPKIT_LAYER_SLL2:
    if (tr) {
      ob_s(o, l->type == CAPKIT_LAYER_SLL ? " [|sll]" : " [|sll2]");
      return i;
    }
    if (c->link) {
      if (l->type == CAPKIT_LAYER_SLL2) {
        ob_s(o, "ifindex ");
        ob_u(o, l->u.sll.ifindex);
        ob_c(o, ' ');
      }
      const char *pt = sll_pkttype(l->u.sll.pkttype);
      for (size_t k = strlen(pt); k < 3; k++)
        ob_c(o, ' ');
      ob_s(o, pt);
      ob_c(o, ' ');
      ob_mac(o, l->u.sll.addr, l->u.sll.halen <= 8 ? l->u.sll.halen : 8);
      ob_c(o, ' ');
      link_ethertype(o, l->u.sll.protocol);
      ob_s(o, ", length ");
      ob_u(o, p->origlen);
      ob_s(o, ": ");
      if (i + 1 >= p->count)
        return i;
      return line_from(c, i + 1, 0);
    }
    if (i + 1 >= p->count) {
      link_ethertype(o, l->u.sll.protocol);
      ob_s(o, ", length ");
      ob_u(o, p->origlen);
      return i;
    }
    return line_from(c, i + 1, 1);
  case CAPKIT_LAYER_NULL:
    if (tr) {
      ob_s(o, " [|null]");
      return i;
    }
    if (c->link || i + 1 >= p->count) {
      uint32_t f = l->u.null.family;
      ob_s(o, "AF ");
      ob_s(o, f == 2 ? "IPv4" : (f == 10 || f == 24 || f == 28 || f == 30)
                                   ? "IPv6"
                                   : "Unknown");
      ob_s(o, " (");
      ob_u(o, f);
      ob_s(o, "), length ");
      ob_u(o, p->origlen);
      if (i + 1 >= p->count)
        return i;
      ob_s(o, ": ");
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
    ob_s(o, capkit_layer_name(l->type));
    return i;
  }
}

/* ---- every field (-v and --json) -------------------------------------- */

typedef struct fs {
  obuf *o;
  int json, first;
} fs;

static void fk(fs *s, const char *k) {
  obuf *o = s->o;
  if (s->json) {
    if (!s->first)
      ob_c(o, ',');
    ob_c(o, '"');
    ob_s(o, k);
    ob_s(o, "\":");
  } else {
    if (!s->first)
      ob_s(o, ", ");
    ob_s(o, k);
    ob_c(o, ' ');
  }
  s->first = 0;
}
static void f_u(fs *s, const char *k, uint64_t v) {
  fk(s, k);
  ob_u(s->o, v);
}
static void f_i(fs *s, const char *k, int64_t v) {
  fk(s, k);
  ob_i(s->o, v);
}
/* Numbers that read best in hex: a string "0x..." in JSON. */
static void f_x(fs *s, const char *k, uint64_t v, int w) {
  fk(s, k);
  if (s->json)
    ob_c(s->o, '"');
  ob_s(s->o, "0x");
  ob_x(s->o, v, w);
  if (s->json)
    ob_c(s->o, '"');
}
static void f_str(fs *s, const char *k, const char *v) {
  fk(s, k);
  if (s->json)
    ob_json(s->o, v);
  else
    ob_s(s->o, v);
}
static void f_bool(fs *s, const char *k, int v) {
  fk(s, k);
  ob_s(s->o, v ? "true" : "false");
}
static void f_q(fs *s) {
  if (s->json)
    ob_c(s->o, '"');
}
static void f_ip4(fs *s, const char *k, const uint8_t *a) {
  fk(s, k);
  f_q(s);
  ob_ip4(s->o, a);
  f_q(s);
}
static void f_ip6(fs *s, const char *k, const uint8_t *a) {
  fk(s, k);
  f_q(s);
  ob_ip6(s->o, a);
  f_q(s);
}
static void f_mac(fs *s, const char *k, const uint8_t *a, size_t n) {
  fk(s, k);
  f_q(s);
  ob_mac(s->o, a, n);
  f_q(s);
}

/* The kinds of the IPv4 options, by name, as a list. */
static void ipv4_options(fs *s, const uint8_t *d, uint32_t n) {
  fk(s, "options");
  ob_c(s->o, '[');
  for (uint32_t i = 0, k = 0; i < n; k++) {
    uint8_t t = d[i];
    const char *name = NULL;
    switch (t) {
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
      ob_c(s->o, ',');
    if (s->json)
      ob_c(s->o, '"');
    if (name)
      ob_s(s->o, name);
    else {
      ob_s(s->o, "opt-");
      ob_u(s->o, t);
    }
    if (s->json)
      ob_c(s->o, '"');
    if (t == 0)
      break;
    if (t == 1) {
      i++;
      continue;
    }
    if (i + 1 >= n || d[i + 1] < 2 || d[i + 1] > n - i) {
      ob_s(s->o, s->json ? ",\"bad\"" : ",bad");
      break;
    }
    i += d[i + 1];
  }
  ob_c(s->o, ']');
}

static void layer_fields(pctx *c, fs *s, const capkit_layer *l) {
  const capkit_packet *p = c->pkt;
  int hdr = !(l->status & CAPKIT_LAYER_TRUNCATED);
  char tb[16];
  switch (l->type) {
  case CAPKIT_LAYER_ETH:
    if (l->len >= 12) {
      f_mac(s, "src", l->u.eth.src, 6);
      f_mac(s, "dst", l->u.eth.dst, 6);
    }
    if (hdr) {
      if (l->u.eth.is_8023)
        f_u(s, "length", l->u.eth.type);
      else
        f_x(s, "type", l->u.eth.type, 4);
    }
    break;
  case CAPKIT_LAYER_LLC:
    if (l->len >= 3) {
      f_x(s, "dsap", l->u.llc.dsap, 2);
      f_x(s, "ssap", l->u.llc.ssap, 2);
      f_x(s, "control", l->u.llc.control, 2);
    }
    if (hdr && l->u.llc.has_snap) {
      f_x(s, "oui", l->u.llc.oui, 6);
      f_x(s, "pid", l->u.llc.pid, 4);
    }
    break;
  case CAPKIT_LAYER_VLAN:
    if (hdr) {
      f_x(s, "tpid", l->u.vlan.tpid, 4);
      f_u(s, "pcp", l->u.vlan.pcp);
      f_u(s, "dei", l->u.vlan.dei);
      f_u(s, "vid", l->u.vlan.vid);
      f_x(s, "type", l->u.vlan.type, 4);
    }
    break;
  case CAPKIT_LAYER_SLL:
  case CAPKIT_LAYER_SLL2:
    if (hdr) {
      f_u(s, "pkttype", l->u.sll.pkttype);
      f_u(s, "hatype", l->u.sll.hatype);
      f_u(s, "halen", l->u.sll.halen);
      f_mac(s, "addr", l->u.sll.addr,
            l->u.sll.halen <= 8 ? l->u.sll.halen : 8);
      f_x(s, "protocol", l->u.sll.protocol, 4);
      if (l->type == CAPKIT_LAYER_SLL2)
        f_u(s, "ifindex", l->u.sll.ifindex);
    }
    break;
  case CAPKIT_LAYER_NULL:
    if (hdr) {
      f_u(s, "family", l->u.null.family);
      f_bool(s, "swapped", l->u.null.swapped);
    }
    break;
  case CAPKIT_LAYER_ARP: {
    const capkit_arp *a = &l->u.arp;
    if (l->len >= 8 || hdr) {
      f_u(s, "htype", a->htype);
      f_x(s, "ptype", a->ptype, 4);
      f_u(s, "hlen", a->hlen);
      f_u(s, "plen", a->plen);
      f_u(s, "op", a->op);
    }
    if (hdr && a->hlen == 6 && a->plen == 4) {
      f_mac(s, "sha", a->sha, 6);
      f_ip4(s, "spa", a->spa);
      f_mac(s, "tha", a->tha, 6);
      f_ip4(s, "tpa", a->tpa);
    }
    break;
  }
  case CAPKIT_LAYER_IPV4: {
    const capkit_ipv4 *ip = &l->u.ipv4;
    if (l->len < 20)
      break;
    f_u(s, "version", p->data[l->offset] >> 4);
    f_u(s, "ihl", ip->ihl);
    f_x(s, "tos", ip->tos, 2);
    f_u(s, "total_len", ip->total_len);
    f_u(s, "id", ip->id);
    f_u(s, "df", ip->df);
    f_u(s, "mf", ip->mf);
    f_u(s, "frag_off", ip->frag_off);
    f_u(s, "ttl", ip->ttl);
    f_u(s, "proto", ip->proto);
    f_x(s, "checksum", ip->checksum, 4);
    f_str(s, "checksum_status", csum_name(l->csum));
    f_ip4(s, "src", ip->src);
    f_ip4(s, "dst", ip->dst);
    f_u(s, "options_len", ip->opt_len);
    if (ip->opt_len && hdr)
      ipv4_options(s, p->data + l->offset + 20, ip->opt_len);
    break;
  }
  case CAPKIT_LAYER_IPV6: {
    const capkit_ipv6 *ip = &l->u.ipv6;
    if (!hdr)
      break;
    f_x(s, "tclass", ip->tclass, 2);
    f_x(s, "flow", ip->flow, 5);
    f_u(s, "plen", ip->payload_len);
    f_u(s, "next", ip->next);
    f_u(s, "hlim", ip->hlim);
    f_ip6(s, "src", ip->src);
    f_ip6(s, "dst", ip->dst);
    f_u(s, "proto", ip->proto);
    break;
  }
  case CAPKIT_LAYER_IPV6_EXT: {
    const capkit_ipv6_ext *e = &l->u.ipv6_ext;
    f_u(s, "type", e->type);
    if (!hdr)
      break;
    f_u(s, "next", e->next);
    f_u(s, "len", e->len);
    if (e->type == 44) {
      f_u(s, "frag_off", e->frag_off);
      f_u(s, "mf", e->mf);
      f_x(s, "frag_id", e->frag_id, 8);
    } else if (e->type == 43) {
      f_u(s, "routing_type", e->rt_type);
      f_u(s, "segments_left", e->segleft);
    }
    break;
  }
  case CAPKIT_LAYER_ICMP:
  case CAPKIT_LAYER_ICMPV6: {
    const capkit_icmp *m = &l->u.icmp;
    if (l->len < 1)
      break;
    f_u(s, "type", m->type);
    if (l->len < 4)
      break;
    f_u(s, "code", m->code);
    f_x(s, "checksum", m->checksum, 4);
    f_str(s, "checksum_status", csum_name(l->csum));
    if (l->len < 8)
      break;
    int echo = l->type == CAPKIT_LAYER_ICMP
                   ? (m->type == 0 || m->type == 8)
                   : (m->type == 128 || m->type == 129);
    if (echo) {
      f_u(s, "id", m->id);
      f_u(s, "seq", m->seq);
    }
    if (l->type == CAPKIT_LAYER_ICMPV6 && (m->type == 135 || m->type == 136) &&
        l->len >= 24) {
      f_ip6(s, "target", m->target);
      if (m->type == 136)
        f_x(s, "nd_flags", m->nd_flags, 2);
      if (m->has_lladdr)
        f_mac(s, "lladdr", m->lladdr, 6);
    }
    break;
  }
  case CAPKIT_LAYER_UDP:
    if (l->len < 4)
      break;
    f_u(s, "sport", l->u.udp.sport);
    f_u(s, "dport", l->u.udp.dport);
    if (!hdr)
      break;
    f_u(s, "len", l->u.udp.len);
    f_x(s, "checksum", l->u.udp.checksum, 4);
    f_str(s, "checksum_status", csum_name(l->csum));
    break;
  case CAPKIT_LAYER_TCP: {
    const capkit_tcp *t = &l->u.tcp;
    if (l->len < 4)
      break;
    f_u(s, "sport", t->sport);
    f_u(s, "dport", t->dport);
    if (l->len < 8)
      break;
    f_u(s, "seq", t->seq);
    if (l->len < 20)
      break;
    f_u(s, "ack", t->ack);
    f_u(s, "doff", t->doff);
    fk(s, "flags");
    f_q(s);
    ob_c(s->o, '[');
    tcp_flags(s->o, t->flags);
    ob_c(s->o, ']');
    f_q(s);
    f_x(s, "flags_raw", t->flags, 3);
    f_u(s, "window", t->window);
    f_x(s, "checksum", t->checksum, 4);
    f_str(s, "checksum_status", csum_name(l->csum));
    f_u(s, "urg", t->urg);
    if (t->opts & CAPKIT_TCPOPT_MSS)
      f_u(s, "mss", t->mss);
    if (t->opts & CAPKIT_TCPOPT_WSCALE)
      f_u(s, "wscale", t->wscale);
    if (t->opts & CAPKIT_TCPOPT_SACK_PERM)
      f_bool(s, "sack_permitted", 1);
    if (t->opts & CAPKIT_TCPOPT_TS) {
      f_u(s, "ts_val", t->ts_val);
      f_u(s, "ts_ecr", t->ts_ecr);
    }
    if (t->opts & CAPKIT_TCPOPT_SACK) {
      fk(s, "sack");
      ob_s(s->o, s->json ? "[" : "");
      for (unsigned b = 0; b < t->sack_blocks; b++) {
        if (s->json) {
          ob_s(s->o, b ? ",[" : "[");
          ob_u(s->o, t->sack[2 * b]);
          ob_c(s->o, ',');
          ob_u(s->o, t->sack[2 * b + 1]);
          ob_c(s->o, ']');
        } else {
          ob_c(s->o, '{');
          ob_u(s->o, t->sack[2 * b]);
          ob_c(s->o, ':');
          ob_u(s->o, t->sack[2 * b + 1]);
          ob_c(s->o, '}');
        }
      }
      ob_s(s->o, s->json ? "]" : "");
    }
    break;
  }
  case CAPKIT_LAYER_GRE: {
    const capkit_gre *g = &l->u.gre;
    if (l->len < 4)
      break;
    f_x(s, "flags", g->flags_ver, 4);
    f_u(s, "version", g->version);
    f_x(s, "proto", g->proto, 4);
    if (!hdr)
      break;
    if (g->has_csum)
      f_x(s, "checksum", g->checksum, 4);
    if (g->has_key)
      f_x(s, "key", g->key, 1);
    if (g->has_seq)
      f_u(s, "seq", g->seq);
    break;
  }
  case CAPKIT_LAYER_VXLAN:
    if (!hdr)
      break;
    f_x(s, "flags", l->u.vxlan.flags, 2);
    f_u(s, "vni", l->u.vxlan.vni);
    break;
  case CAPKIT_LAYER_DNS: {
    const capkit_dns *d = &l->u.dns;
    if (l->len < 2 && !hdr)
      break;
    f_u(s, "id", d->id);
    if (l->len < 12)
      break;
    f_u(s, "qr", d->flags >> 15);
    f_u(s, "opcode", (d->flags >> 11) & 15);
    f_u(s, "rcode", d->flags & 15);
    f_x(s, "flags", d->flags, 4);
    f_u(s, "qdcount", d->qdcount);
    f_u(s, "ancount", d->ancount);
    f_u(s, "nscount", d->nscount);
    f_u(s, "arcount", d->arcount);
    if (d->qdcount && hdr) {
      char nb[300];
      capkit_dns_name(p, d->msg_off, d->qname_off, nb, sizeof nb);
      f_str(s, "qname", nb);
      f_str(s, "qtype", dns_type_name(d->qtype, tb, sizeof tb));
      f_u(s, "qclass", d->qclass);
    }
    break;
  }
  case CAPKIT_LAYER_DHCP: {
    const capkit_dhcp *b = &l->u.dhcp;
    f_u(s, "op", b->op);
    f_x(s, "xid", b->xid, 8);
    if (!hdr)
      break;
    f_u(s, "secs", b->secs);
    f_x(s, "flags", b->flags, 4);
    f_ip4(s, "ciaddr", b->ciaddr);
    f_ip4(s, "yiaddr", b->yiaddr);
    f_ip4(s, "siaddr", b->siaddr);
    f_ip4(s, "giaddr", b->giaddr);
    f_mac(s, "chaddr", b->chaddr, b->hlen <= 16 && b->hlen ? b->hlen : 6);
    if (b->msgtype)
      f_str(s, "msgtype", dhcp_msg_name(b->msgtype));
    if (b->has_requested)
      f_ip4(s, "requested", b->requested);
    break;
  }
  case CAPKIT_LAYER_NTP:
    f_u(s, "leap", l->u.ntp.leap);
    f_u(s, "version", l->u.ntp.version);
    f_str(s, "mode", ntp_mode_name(l->u.ntp.mode));
    if (!hdr)
      break;
    f_u(s, "stratum", l->u.ntp.stratum);
    f_i(s, "poll", l->u.ntp.poll);
    f_i(s, "precision", l->u.ntp.precision);
    break;
  case CAPKIT_LAYER_HTTP:
    if (l->u.http.line_len) {
      f_str(s, "kind", l->u.http.is_request ? "request" : "response");
      fk(s, "line");
      const char *q = (const char *)p->data + l->offset;
      if (s->json)
        ob_json_mem(s->o, q, l->u.http.line_len);
      else
        for (unsigned k = 0; k < l->u.http.line_len; k++)
          ob_c(s->o, (q[k] >= 0x20 && q[k] < 0x7f) ? q[k] : '.');
    }
    break;
  case CAPKIT_LAYER_TLS:
    f_u(s, "content_type", l->u.tls.content_type);
    if (!hdr)
      break;
    f_str(s, "content", tls_type_name(l->u.tls.content_type));
    f_x(s, "version", l->u.tls.version, 4);
    f_u(s, "length", l->u.tls.length);
    if (l->u.tls.content_type == 22)
      f_u(s, "handshake_type", l->u.tls.hs_type);
    break;
  default:
    break;
  }
}

static void common_fields(fs *s, const capkit_layer *l) {
  f_u(s, "offset", l->offset);
  f_u(s, "hdr_len", l->len);
  f_u(s, "payload_len", l->payload_len);
  if (l->depth)
    f_u(s, "depth", l->depth);
  if (l->status & CAPKIT_LAYER_TRUNCATED)
    f_bool(s, "truncated", 1);
  if (l->status & CAPKIT_LAYER_MALFORMED)
    f_bool(s, "malformed", 1);
  if (l->status & CAPKIT_LAYER_FRAGMENT)
    f_bool(s, "fragment", 1);
}

static void verbose_lines(pctx *c) {
  const capkit_packet *p = c->pkt;
  for (size_t i = 0; i < p->count; i++) {
    const capkit_layer *l = &p->layers[i];
    fs s = {&c->o, 0, 1};
    ob_s(&c->o, "    ");
    ob_s(&c->o, capkit_layer_name(l->type));
    ob_s(&c->o, ": ");
    layer_fields(c, &s, l);
    common_fields(&s, l);
    ob_c(&c->o, '\n');
  }
  uint32_t end = 0;
  if (p->count) {
    const capkit_layer *l = &p->layers[p->count - 1];
    end = l->offset + l->len;
  }
  if (end < p->caplen) {
    ob_s(&c->o, "    data: offset ");
    ob_u(&c->o, end);
    ob_s(&c->o, ", len ");
    ob_u(&c->o, p->caplen - end);
    ob_c(&c->o, '\n');
  }
}

static void hex_lines(pctx *c) {
  static const char hx[] = "0123456789abcdef";
  const uint8_t *d = c->pkt->data;
  uint32_t n = c->pkt->caplen;
  obuf *o = &c->o;
  for (uint32_t off = 0; off < n; off += 16) {
    ob_need(o, 64);
    ob_s(o, "\t0x");
    ob_x(o, off, 4);
    ob_s(o, ": ");
    for (uint32_t k = 0; k < 16 && off + k < n; k++) {
      if (!(k & 1))
        ob_c(o, ' ');
      ob_c(o, hx[d[off + k] >> 4]);
      ob_c(o, hx[d[off + k] & 15]);
    }
    ob_c(o, '\n');
  }
}

static void json_packet(pctx *c, const capkit_record *rec) {
  obuf *o = &c->o;
  const capkit_packet *p = c->pkt;
  ob_s(o, "{\"frame\":");
  ob_u(o, rec->number);
  ob_s(o, ",\"time\":\"");
  ob_i(o, rec->ts_sec);
  ob_c(o, '.');
  ob_uw(o, rec->ts_nsec, 9);
  ob_s(o, "\",\"caplen\":");
  ob_u(o, rec->caplen);
  ob_s(o, ",\"len\":");
  ob_u(o, rec->origlen);
  ob_s(o, ",\"linktype\":");
  ob_u(o, p->linktype);
  if (p->status & CAPKIT_LAYER_TRUNCATED)
    ob_s(o, ",\"truncated\":true");
  if (p->status & CAPKIT_LAYER_MALFORMED)
    ob_s(o, ",\"malformed\":true");
  ob_s(o, ",\"layers\":[");
  for (size_t i = 0; i < p->count; i++) {
    const capkit_layer *l = &p->layers[i];
    if (i)
      ob_c(o, ',');
    ob_s(o, "{\"layer\":\"");
    ob_s(o, capkit_layer_name(l->type));
    ob_c(o, '"');
    fs s = {o, 1, 0};
    common_fields(&s, l);
    layer_fields(c, &s, l);
    ob_c(o, '}');
  }
  ob_s(o, "]}\n");
}

static int one_line(pctx *c, const capkit_record *rec) {
  obuf *o = &c->o;
  put_time(c, rec);
  const capkit_packet *p = c->pkt;
  if (p->count == 0) {
    const char *n = capkit_linktype_name(p->linktype);
    ob_s(o, n ? n : "linktype");
    if (!n) {
      ob_c(o, ' ');
      ob_u(o, p->linktype);
    }
    ob_s(o, ", length ");
    ob_u(o, rec->origlen);
  } else {
    if (c->link && p->linktype == CAPKIT_LINKTYPE_RAW)
      ob_s(o, "ip: "); /* tcpdump's -e for raw IP */
    line_from(c, 0, !(c->link && p->linktype == CAPKIT_LINKTYPE_RAW));
  }
  ob_c(o, '\n');
  return 0;
}

int cmd_print(int argc, char **argv) {
  static const struct option opts[] = {
      {"link", no_argument, NULL, 'e'},
      {"absolute", no_argument, NULL, 'S'},
      {"verbose", no_argument, NULL, 'v'},
      {"hex", no_argument, NULL, 'x'},
      {"json", no_argument, NULL, 'J'},
      {"time", required_argument, NULL, 't'},
      {"nano", no_argument, NULL, 'N'},
      {"count", required_argument, NULL, 'c'},
      {"filter", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  pctx c;
  memset(&c, 0, sizeof c);
  c.day_sec = INT64_MIN;
  uint64_t count = UINT64_MAX;
  const char *filter = NULL;
  int ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, "eSvxt:c:f:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'S':
      c.absolute = 1;
      break;
    case 'e':
      c.link = 1;
      break;
    case 'v':
      c.verbose = 1;
      break;
    case 'x':
      c.hex = 1;
      break;
    case 'J':
      c.json = 1;
      break;
    case 'N':
      c.nano = 1;
      break;
    case 't':
      if (!strcmp(optarg, "abs"))
        c.tfmt = T_ABS;
      else if (!strcmp(optarg, "date"))
        c.tfmt = T_DATE;
      else if (!strcmp(optarg, "epoch"))
        c.tfmt = T_EPOCH;
      else if (!strcmp(optarg, "rel"))
        c.tfmt = T_REL;
      else if (!strcmp(optarg, "delta"))
        c.tfmt = T_DELTA;
      else if (!strcmp(optarg, "none"))
        c.tfmt = T_NONE;
      else
        return cli_usage_error("print", "unknown time format '%s'", optarg);
      break;
    case 'c':
      if (cli_parse_u64(optarg, &count) != 0)
        return cli_usage_error("print", "bad count '%s'", optarg);
      break;
    case 'f':
      filter = optarg;
      break;
    case 'h':
      fputs(print_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("print", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("print", "expected at least one FILE");
  if (cli_stdin_once("print", argc - optind, argv + optind))
    return EXIT_USAGE;
  capkit_filter *flt = NULL;
  if (filter) {
    flt = capkit_filter_new(filter);
    if (!flt) {
      cli_err("print", "out of memory");
      return EXIT_IO;
    }
  }
  if (ob_init(&c.o, stdout, 1 << 20) != 0) {
    capkit_filter_free(flt);
    cli_err("print", "out of memory");
    return EXIT_IO;
  }
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  c.pkt = &pkt;
  unsigned dopt = (c.verbose || c.json) ? CAPKIT_DECODE_CHECKSUMS : 0;
  int code = EXIT_OK;
  uint64_t shown = 0;
  for (int fi = optind; fi < argc && shown < count; fi++) {
    ob_flush(&c.o);
    cli_input in;
    int oc = cli_input_open(&in, "print", argv[fi], flt);
    if (oc == EXIT_USAGE) {
      code = oc;
      break;
    }
    if (oc) {
      code = code ? code : oc;
      continue;
    }
    capkit_record rec = CAPKIT_RECORD_INIT;
    int rc = 0;
    while (shown < count && (rc = cli_input_next(&in, &rec)) > 0) {
      shown++;
      capkit_decode_record(&pkt, &rec, dopt);
      if (c.json) {
        json_packet(&c, &rec);
        continue;
      }
      one_line(&c, &rec);
      if (c.verbose)
        verbose_lines(&c);
      if (c.hex)
        hex_lines(&c);
    }
    if (rc < 0) {
      ob_flush(&c.o);
      fflush(stdout);
      int e = cli_input_report(&in, &rec, rc);
      if (!code || rc == CAPKIT_EFILTER)
        code = e;
    }
    cli_input_close(&in);
    if (code == EXIT_USAGE)
      break;
  }
  if (ob_close(&c.o) != 0 && !code)
    code = EXIT_IO;
  capkit_filter_free(flt);
  free(c.ts);
  return code;
}

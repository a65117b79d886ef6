/* app.c - application labels, chosen by well-known port only (DNS 53,
 * DHCP 67/68, NTP 123, HTTP 80/8080, TLS 443), with the few fields a
 * one-line summary needs; and DNS names for printing. */
#include "decode_int.h"

#define be16 capkit__be16
#define be32 capkit__be32

static inline void mark_app(dwalk *w) {
  if (w->pkt->app < 0)
    w->pkt->app = (int8_t)(w->pkt->count - 1);
}

/* Skips a DNS name at [off, end); returns the offset after it, or 0. */
static uint32_t dns_skip(const uint8_t *d, uint32_t off, uint32_t end) {
  while (off < end) {
    uint8_t c = d[off];
    if (c == 0)
      return off + 1;
    if ((c & 0xc0) == 0xc0)
      return off + 2 <= end ? off + 2 : 0;
    if (c & 0xc0)
      return 0;
    off += 1u + c;
  }
  return 0;
}

static void dns(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_DNS, off);
  if (!l)
    return;
  mark_app(w);
  const uint8_t *d = w->d + off;
  uint32_t have = end - off;
  capkit_dns *n = &l->u.dns;
  n->msg_off = off;
  if (have < 12) {
    dw_trunc(w, l, have);
    if (have >= 2)
      n->id = be16(d);
    return;
  }
  n->id = be16(d);
  n->flags = be16(d + 2);
  n->qdcount = be16(d + 4);
  n->ancount = be16(d + 6);
  n->nscount = be16(d + 8);
  n->arcount = be16(d + 10);
  l->len = 12;
  l->payload_len = have - 12;
  if (n->qdcount) {
    uint32_t q = off + 12;
    uint32_t e = dns_skip(w->d, q, end);
    if (!e || end - e < 4) {
      dw_trunc(w, l, have);
      n->qname_off = q;
      return;
    }
    n->qname_off = q;
    n->qtype = be16(w->d + e);
    n->qclass = be16(w->d + e + 2);
    l->len = e + 4 - off;
    l->payload_len = end - e - 4;
  }
}

int capkit_dns_name(const capkit_packet *pkt, uint32_t msg_off, uint32_t off,
                    char *out, size_t cap) {
  const uint8_t *d = pkt->data;
  uint32_t end = pkt->caplen;
  size_t n = 0;
  int hops = 0;
  if (cap == 0)
    return -1;
  out[0] = 0;
  while (off < end) {
    uint8_t c = d[off];
    if (c == 0) {
      if (n == 0 && n + 1 < cap)
        out[n++] = '.';
      out[n] = 0;
      return (int)n;
    }
    if ((c & 0xc0) == 0xc0) {
      if (off + 1 >= end || ++hops > 64)
        break;
      uint32_t p = msg_off + (((uint32_t)(c & 0x3f) << 8) | d[off + 1]);
      off = p;
      continue;
    }
    if (c & 0xc0)
      break;
    if (off + 1u + c > end)
      break;
    for (uint32_t i = 0; i < c; i++) {
      if (n + 2 >= cap)
        goto full;
      uint8_t b = d[off + 1 + i];
      out[n++] = (b > 0x20 && b < 0x7f) ? (char)b : '?';
    }
    if (n + 2 >= cap)
      goto full;
    out[n++] = '.';
    off += 1u + c;
  }
full:
  out[n < cap ? n : cap - 1] = 0;
  return -1;
}

static void dhcp(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_DHCP, off);
  if (!l)
    return;
  mark_app(w);
  const uint8_t *d = w->d + off;
  uint32_t have = end - off;
  capkit_dhcp *b = &l->u.dhcp;
  if (have < 236) {
    dw_trunc(w, l, have);
    if (have >= 8) {
      b->op = d[0];
      b->xid = be32(d + 4);
    }
    return;
  }
  b->op = d[0];
  b->htype = d[1];
  b->hlen = d[2];
  b->xid = be32(d + 4);
  b->secs = be16(d + 8);
  b->flags = be16(d + 10);
  memcpy(b->ciaddr, d + 12, 4);
  memcpy(b->yiaddr, d + 16, 4);
  memcpy(b->siaddr, d + 20, 4);
  memcpy(b->giaddr, d + 24, 4);
  memcpy(b->chaddr, d + 28, 16);
  l->len = 236;
  l->payload_len = have - 236;
  if (have < 240 || be32(d + 236) != 0x63825363)
    return; /* plain BOOTP */
  l->len = 240;
  uint32_t i = 240;
  while (i < have) {
    uint8_t code = d[i];
    if (code == 255)
      break;
    if (code == 0) {
      i++;
      continue;
    }
    if (i + 2 > have || i + 2u + d[i + 1] > have) {
      dw_bad(w, l);
      break;
    }
    uint8_t ol = d[i + 1];
    if (code == 53 && ol >= 1)
      b->msgtype = d[i + 2];
    else if (code == 50 && ol == 4) {
      memcpy(b->requested, d + i + 2, 4);
      b->has_requested = 1;
    }
    i += 2u + ol;
  }
  l->len = i < have ? i + 1 : have;
  l->payload_len = have - l->len;
}

static void ntp(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_NTP, off);
  if (!l)
    return;
  mark_app(w);
  const uint8_t *d = w->d + off;
  uint32_t have = end - off;
  capkit_ntp *n = &l->u.ntp;
  if (have >= 1) {
    n->leap = d[0] >> 6;
    n->version = (d[0] >> 3) & 7;
    n->mode = d[0] & 7;
  }
  if (have < 48) {
    dw_trunc(w, l, have);
    return;
  }
  n->stratum = d[1];
  n->poll = (int8_t)d[2];
  n->precision = (int8_t)d[3];
  l->len = 48;
  l->payload_len = have - 48;
}

static int is_token(const uint8_t *p, uint32_t n, const char *t) {
  size_t k = strlen(t);
  return n >= k && memcmp(p, t, k) == 0;
}

/* 1 when the bytes start with an HTTP method or "HTTP/"; the first byte
 * rules out most payloads before any string compare. */
static int http_start(const uint8_t *d, uint32_t have, int *request) {
  static const char *const methods[] = {"GET ",     "POST ",   "HEAD ",
                                        "PUT ",     "DELETE ", "OPTIONS ",
                                        "CONNECT ", "TRACE ",  "PATCH "};
  if (have < 4)
    return 0;
  switch (d[0]) {
  case 'G': case 'P': case 'H': case 'D': case 'O': case 'C': case 'T':
    break;
  default:
    return 0;
  }
  if (is_token(d, have, "HTTP/")) {
    *request = 0;
    return 1;
  }
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
    if (is_token(d, have, methods[i])) {
      *request = 1;
      return 1;
    }
  return 0;
}

static void http(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_HTTP, off);
  if (!l)
    return;
  mark_app(w);
  const uint8_t *d = w->d + off;
  uint32_t have = end - off;
  capkit_http *h = &l->u.http;
  int req = 0;
  if (!http_start(d, have, &req)) {
    /* body bytes or a continuation: labelled, no first line */
    l->payload_len = have;
    return;
  }
  h->is_request = (uint8_t)req;
  const uint8_t *eol = memchr(d, '\n', have);
  uint32_t i = eol ? (uint32_t)(eol - d) : have;
  if (i && d[i - 1] == '\r' && eol)
    i--;
  h->line_len = (uint16_t)(i > 0xffff ? 0xffff : i);
  if (!eol) {
    dw_trunc(w, l, have);
    return;
  }
  l->len = i;
  l->payload_len = have - i;
}

static void tls(dwalk *w, uint32_t off, uint32_t end) {
  capkit_layer *l = dw_push(w, CAPKIT_LAYER_TLS, off);
  if (!l)
    return;
  mark_app(w);
  const uint8_t *d = w->d + off;
  uint32_t have = end - off;
  capkit_tls *t = &l->u.tls;
  if (have < 5) {
    dw_trunc(w, l, have);
    if (have >= 1)
      t->content_type = d[0];
    return;
  }
  t->content_type = d[0];
  t->version = be16(d + 1);
  t->length = be16(d + 3);
  l->len = 5;
  l->payload_len = have - 5;
  if (t->content_type < 20 || t->content_type > 24 || (t->version >> 8) != 3)
    dw_bad(w, l);
  else if (t->content_type == 22 && have >= 6)
    t->hs_type = d[5];
}

static inline int port2(uint16_t a, uint16_t b, uint16_t p) {
  return a == p || b == p;
}

void capkit__decode_udp_app(dwalk *w, uint16_t sport, uint16_t dport,
                            uint32_t off, uint32_t end) {
  if (port2(sport, dport, 53))
    dns(w, off, end);
  else if (port2(sport, dport, 67) || port2(sport, dport, 68))
    dhcp(w, off, end);
  else if (port2(sport, dport, 123))
    ntp(w, off, end);
}

void capkit__decode_tcp_app(dwalk *w, uint16_t sport, uint16_t dport,
                            uint32_t off, uint32_t end) {
  if (port2(sport, dport, 80) || port2(sport, dport, 8080))
    http(w, off, end);
  else if (port2(sport, dport, 443))
    tls(w, off, end);
  else if (port2(sport, dport, 53) && end - off >= 2)
    dns(w, off + 2, end); /* DNS over TCP: 2-byte length first */
}

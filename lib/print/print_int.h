/* print_int.h - the printer's insides: a growable text buffer with cheap
 * inline appenders, and the printer handle shared by line.c (tcpdump-style
 * lines), fields.c (the field visitor and its -v/JSON layouts) and
 * printer.c (handle, times, render). */
#ifndef CAPKIT_PRINT_INT_H
#define CAPKIT_PRINT_INT_H

#include <stdint.h>
#include <string.h>

#include <capkit/decode.h>
#include <capkit/printer.h>

/* Text being built. On allocation failure err is set and appends stop.
 * A fixed buffer (the caller's array) never grows: it sets err instead. */
typedef struct tbuf {
  char *p;
  size_t n, cap;
  int err, fixed;
} tbuf;

/* Grows to hold k more bytes; 0 and err set when memory runs out. */
int capkit__tb_grow(tbuf *o, size_t k);
static inline int tb_need(tbuf *o, size_t k) {
  return o->n + k <= o->cap ? 1 : capkit__tb_grow(o, k);
}
static inline void tb_mem(tbuf *o, const void *s, size_t k) {
  if (!tb_need(o, k))
    return;
  memcpy(o->p + o->n, s, k);
  o->n += k;
}
static inline void tb_s(tbuf *o, const char *s) { tb_mem(o, s, strlen(s)); }
static inline void tb_c(tbuf *o, char c) {
  if (!tb_need(o, 1))
    return;
  o->p[o->n++] = c;
}
/* Unsigned decimal. */
static inline void tb_u(tbuf *o, uint64_t v) {
  char t[24];
  int i = 24;
  do {
    t[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  tb_mem(o, t + i, (size_t)(24 - i));
}
static inline void tb_i(tbuf *o, int64_t v) {
  if (v < 0) {
    tb_c(o, '-');
    tb_u(o, (uint64_t)0 - (uint64_t)v);
  } else {
    tb_u(o, (uint64_t)v);
  }
}
/* Decimal with at least w digits (leading zeros). */
static inline void tb_uw(tbuf *o, uint64_t v, int w) {
  char t[24];
  int i = 24;
  do {
    t[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v || 24 - i < w);
  tb_mem(o, t + i, (size_t)(24 - i));
}
/* Lower-case hex, at least w digits. */
static inline void tb_x(tbuf *o, uint64_t v, int w) {
  static const char hx[] = "0123456789abcdef";
  char t[20];
  int i = 20;
  do {
    t[--i] = hx[v & 15];
    v >>= 4;
  } while (v || 20 - i < w);
  tb_mem(o, t + i, (size_t)(20 - i));
}
static inline void tb_ip4(tbuf *o, const uint8_t *a) {
  if (!tb_need(o, 16))
    return;
  char *q = o->p + o->n;
  for (int i = 0; i < 4; i++) {
    unsigned v = a[i];
    if (v >= 100) {
      *q++ = (char)('0' + v / 100);
      *q++ = (char)('0' + v / 10 % 10);
    } else if (v >= 10) {
      *q++ = (char)('0' + v / 10);
    }
    *q++ = (char)('0' + v % 10);
    if (i < 3)
      *q++ = '.';
  }
  o->n = (size_t)(q - o->p);
}
static inline void tb_mac(tbuf *o, const uint8_t *m, size_t n) {
  static const char hx[] = "0123456789abcdef";
  if (!tb_need(o, 3 * n + 1))
    return;
  for (size_t i = 0; i < n; i++) {
    if (i)
      o->p[o->n++] = ':';
    o->p[o->n++] = hx[m[i] >> 4];
    o->p[o->n++] = hx[m[i] & 15];
  }
}
/* IPv6 text form (RFC 5952, and tcpdump's ::ffff:a.b.c.d). */
void capkit__tb_ip6(tbuf *o, const uint8_t *a);
#define tb_ip6 capkit__tb_ip6
/* Length of the well-formed UTF-8 sequence at S (N bytes left) that starts
 * with a byte >= 0x80, or 0 when it is not one (RFC 3629). */
size_t capkit__utf8_seq(const unsigned char *s, size_t n);
/* A JSON string (with quotes) of k bytes (capkit_json_string). */
void capkit__tb_json(tbuf *o, const void *s, size_t k);

/* tcpdump's relative sequence numbers: the first numbers seen of each TCP
 * connection (or those of its latest SYN), per direction. */
typedef struct capkit__tseq {
  uint8_t src[16], dst[16]; /* in tcpdump's order (see tcp_relative) */
  uint32_t ports;           /* sport << 16 | dport in that order */
  uint8_t v6, used;
  uint32_t seq, ack;
} capkit__tseq;

struct capkit_printer {
  tbuf o;
  unsigned flags;
  int absolute, link, verbose, json, nano, tfmt;
  int quiet, vflag; /* tcpdump's -q; -v count (0, 1, 2) */
  int dump;         /* the dump after the line: one of DUMP_* (printer.c) */
  int ext_shown;   /* IPv6 extension headers printed: ports only */
  capkit__tseq *ts; /* open addressing */
  size_t nts, cts;
  size_t max_tcp;   /* connections remembered at most */
  int have_first;
  int64_t first_sec, prev_sec;
  uint32_t first_nsec, prev_nsec;
  int64_t day_sec; /* cache of the current second's text */
  char day_text[48];
  size_t day_len;
  capkit_ifname_fn ifname;
  void *ifname_user;
  const capkit_packet *pkt;
  capkit_packet packet;
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
};

/* line.c: the one-line text of the packet c->pkt (without time). */
void capkit__print_line(capkit_printer *c, const capkit_record *rec);
/* fields.c: the -v lines and the JSON object of c->pkt. */
void capkit__print_fields(capkit_printer *c);
void capkit__print_json(capkit_printer *c, const capkit_record *rec);
/* names.c */
const char *capkit__csum_name(int c);
const char *capkit__dhcp_msg_name(unsigned t);
const char *capkit__ntp_mode_name(unsigned m);
const char *capkit__tls_type_name(unsigned t);
const char *capkit__ipproto_vname(uint8_t p);
/* tcpdump's TCP flag letters into out (at least 10 bytes); "none" for 0.
 * Returns the length. */
size_t capkit__tcp_flags(char *out, uint16_t f);

#endif

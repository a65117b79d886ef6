/* spec.c - the layer and field tables and the parser of the spec language:
 * layer(field=value,...)/layer(...), values fixed, incrementing, ranges,
 * lists or random; every error names its column and what was expected. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build_int.h"
#include "internal.h"

#define MAC(a, b, c, d, e, f)                                                  \
  (((uint64_t)(a) << 40) | ((uint64_t)(b) << 32) | ((uint64_t)(c) << 24) |     \
   ((uint64_t)(d) << 16) | ((uint64_t)(e) << 8) | (uint64_t)(f))
#define IP4(a, b, c, d)                                                        \
  (((uint64_t)(a) << 24) | ((uint64_t)(b) << 16) | ((uint64_t)(c) << 8) | (d))
#define DB8 0x20010db800000000ull

static const bfield f_eth[] = {
    {"dst", 0, 48, K_MAC, A_NONE, 0, MAC(2, 0, 0, 0, 0, 2)},
    {"src", 48, 48, K_MAC, A_NONE, 0, MAC(2, 0, 0, 0, 0, 1)},
    {"type", 96, 16, K_INT, A_ETYPE, 0, 0}};
static const bfield f_vlan[] = {{"pcp", 0, 3, K_INT, A_NONE, 0, 0},
                                {"dei", 3, 1, K_INT, A_NONE, 0, 0},
                                {"id", 4, 12, K_INT, A_NONE, 0, 1},
                                {"vid", 4, 12, K_INT, A_NONE, 0, 1},
                                {"type", 16, 16, K_INT, A_ETYPE, 0, 0}};
static const bfield f_sll[] = {
    {"pkttype", 0, 16, K_INT, A_NONE, 0, 0},
    {"hatype", 16, 16, K_INT, A_NONE, 0, 1},
    {"halen", 32, 16, K_INT, A_NONE, 0, 6},
    {"addr", 48, 64, K_MAC8, A_NONE, 0, MAC(2, 0, 0, 0, 0, 1) << 16},
    {"proto", 112, 16, K_INT, A_ETYPE, 0, 0}};
static const bfield f_sll2[] = {
    {"proto", 0, 16, K_INT, A_ETYPE, 0, 0},
    {"reserved", 16, 16, K_INT, A_NONE, 0, 0},
    {"ifindex", 32, 32, K_INT, A_NONE, 0, 1},
    {"hatype", 64, 16, K_INT, A_NONE, 0, 1},
    {"pkttype", 80, 8, K_INT, A_NONE, 0, 0},
    {"halen", 88, 8, K_INT, A_NONE, 0, 6},
    {"addr", 96, 64, K_MAC8, A_NONE, 0, MAC(2, 0, 0, 0, 0, 1) << 16}};
static const bfield f_arp[] = {
    {"htype", 0, 16, K_INT, A_NONE, 0, 1},
    {"ptype", 16, 16, K_INT, A_NONE, 0, 0x800},
    {"hlen", 32, 8, K_INT, A_NONE, 0, 6},
    {"plen", 40, 8, K_INT, A_NONE, 0, 4},
    {"op", 48, 16, K_INT, A_NONE, 0, 1},
    {"sha", 64, 48, K_MAC, A_NONE, 0, MAC(2, 0, 0, 0, 0, 1)},
    {"spa", 112, 32, K_IP4, A_NONE, 0, IP4(192, 0, 2, 1)},
    {"tha", 144, 48, K_MAC, A_NONE, 0, 0},
    {"tpa", 192, 32, K_IP4, A_NONE, 0, IP4(192, 0, 2, 2)}};
static const bfield f_ip4[] = {
    {"version", 0, 4, K_INT, A_NONE, 0, 4},
    {"ihl", 4, 4, K_INT, A_IHL, 0, 0},
    {"tos", 8, 8, K_INT, A_NONE, 0, 0},
    {"dscp", 8, 6, K_INT, A_NONE, 0, 0},
    {"ecn", 14, 2, K_INT, A_NONE, 0, 0},
    {"len", 16, 16, K_INT, A_IPLEN, 0, 0},
    {"id", 32, 16, K_INT, A_NONE, 0, 1},
    {"flags", 48, 3, K_INT, A_NONE, 0, 0},
    {"df", 49, 1, K_INT, A_NONE, 0, 0},
    {"mf", 50, 1, K_INT, A_NONE, 0, 0},
    {"frag", 51, 13, K_INT, A_NONE, 0, 0},
    {"ttl", 64, 8, K_INT, A_NONE, 0, 64},
    {"proto", 72, 8, K_INT, A_PROTO, 0, 0},
    {"chksum", 80, 16, K_INT, A_CHK, 0, 0},
    {"src", 96, 32, K_IP4, A_NONE, 0, IP4(192, 0, 2, 1)},
    {"dst", 128, 32, K_IP4, A_NONE, 0, IP4(192, 0, 2, 2)}};
static const bfield f_ip6[] = {
    {"version", 0, 4, K_INT, A_NONE, 0, 6},
    {"tc", 4, 8, K_INT, A_NONE, 0, 0},
    {"fl", 12, 20, K_INT, A_NONE, 0, 0},
    {"plen", 32, 16, K_INT, A_PLEN6, 0, 0},
    {"nh", 48, 8, K_INT, A_PROTO, 0, 0},
    {"hlim", 56, 8, K_INT, A_NONE, 0, 64},
    {"src", 64, 128, K_IP6, A_NONE, DB8, 1},
    {"dst", 192, 128, K_IP6, A_NONE, DB8, 2}};
static const bfield f_ext[] = {{"nh", 0, 8, K_INT, A_PROTO, 0, 0},
                               {"len", 8, 8, K_INT, A_EXTLEN, 0, 0}};
static const bfield f_rt[] = {{"nh", 0, 8, K_INT, A_PROTO, 0, 0},
                              {"len", 8, 8, K_INT, A_EXTLEN, 0, 0},
                              {"type", 16, 8, K_INT, A_NONE, 0, 0},
                              {"segleft", 24, 8, K_INT, A_NONE, 0, 0},
                              {"reserved", 32, 32, K_INT, A_NONE, 0, 0}};
static const bfield f_frag6[] = {{"nh", 0, 8, K_INT, A_PROTO, 0, 0},
                                 {"res", 8, 8, K_INT, A_NONE, 0, 0},
                                 {"offset", 16, 13, K_INT, A_NONE, 0, 0},
                                 {"res2", 29, 2, K_INT, A_NONE, 0, 0},
                                 {"m", 31, 1, K_INT, A_NONE, 0, 0},
                                 {"id", 32, 32, K_INT, A_NONE, 0, 1}};
static const bfield f_icmp[] = {{"type", 0, 8, K_INT, A_NONE, 0, 8},
                                {"code", 8, 8, K_INT, A_NONE, 0, 0},
                                {"chksum", 16, 16, K_INT, A_CHK, 0, 0},
                                {"rest", 32, 32, K_INT, A_NONE, 0, 0},
                                {"id", 32, 16, K_INT, A_NONE, 0, 0},
                                {"seq", 48, 16, K_INT, A_NONE, 0, 0}};
static const bfield f_icmp6[] = {{"type", 0, 8, K_INT, A_NONE, 0, 128},
                                 {"code", 8, 8, K_INT, A_NONE, 0, 0},
                                 {"chksum", 16, 16, K_INT, A_CHK, 0, 0},
                                 {"rest", 32, 32, K_INT, A_NONE, 0, 0},
                                 {"id", 32, 16, K_INT, A_NONE, 0, 0},
                                 {"seq", 48, 16, K_INT, A_NONE, 0, 0}};
static const bfield f_udp[] = {{"sport", 0, 16, K_INT, A_NONE, 0, 1024},
                               {"dport", 16, 16, K_INT, A_NONE, 0, 1024},
                               {"len", 32, 16, K_INT, A_UDPLEN, 0, 0},
                               {"chksum", 48, 16, K_INT, A_CHK, 0, 0}};
static const bfield f_tcp[] = {{"sport", 0, 16, K_INT, A_NONE, 0, 1024},
                               {"dport", 16, 16, K_INT, A_NONE, 0, 1024},
                               {"seq", 32, 32, K_INT, A_NONE, 0, 0},
                               {"ack", 64, 32, K_INT, A_NONE, 0, 0},
                               {"off", 96, 4, K_INT, A_TCPOFF, 0, 0},
                               {"res", 100, 3, K_INT, A_NONE, 0, 0},
                               {"flags", 103, 9, K_FLAGS, A_NONE, 0, 0x002},
                               {"window", 112, 16, K_INT, A_NONE, 0, 65535},
                               {"chksum", 128, 16, K_INT, A_CHK, 0, 0},
                               {"urgptr", 144, 16, K_INT, A_NONE, 0, 0}};
static const bfield f_payload[] = {{"len", 0, 32, K_INT, A_VIRT, 0, 0}};
static const bfield f_session[] = {
    {"sport", 0, 16, K_INT, A_VIRT, 0, 40000},
    {"dport", 0, 16, K_INT, A_VIRT, 0, 7},
    {"isn", 0, 32, K_INT, A_VIRT, 0, 1000},
    {"risn", 0, 32, K_INT, A_VIRT, 0, 5000},
    {"window", 0, 16, K_INT, A_VIRT, 0, 65535},
    {"mss", 0, 16, K_INT, A_VIRT, 0, 1460},
    {"segsize", 0, 16, K_INT, A_VIRT, 0, 1460}};

#define N(a) (int)(sizeof a / sizeof a[0])
static const blayer_desc layers[] = {
    {"eth", "ether", L_ETH, f_eth, N(f_eth)},
    {"vlan", "dot1q", L_VLAN, f_vlan, N(f_vlan)},
    {"qinq", "dot1ad", L_QINQ, f_vlan, N(f_vlan)},
    {"sll", NULL, L_SLL, f_sll, N(f_sll)},
    {"sll2", NULL, L_SLL2, f_sll2, N(f_sll2)},
    {"arp", NULL, L_ARP, f_arp, N(f_arp)},
    {"ipv4", "ip", L_IP4, f_ip4, N(f_ip4)},
    {"ipv6", "ip6", L_IP6, f_ip6, N(f_ip6)},
    {"hbh", "hopopts", L_HBH, f_ext, N(f_ext)},
    {"rthdr", "routing", L_RT, f_rt, N(f_rt)},
    {"frag6", "fragment", L_FRAG6, f_frag6, N(f_frag6)},
    {"dstopts", NULL, L_DST, f_ext, N(f_ext)},
    {"icmp", NULL, L_ICMP, f_icmp, N(f_icmp)},
    {"icmpv6", "icmp6", L_ICMP6, f_icmp6, N(f_icmp6)},
    {"udp", NULL, L_UDP, f_udp, N(f_udp)},
    {"tcp", NULL, L_TCP, f_tcp, N(f_tcp)},
    {"payload", "raw", L_PAYLOAD, f_payload, N(f_payload)},
    {"tcp-session", NULL, L_SESSION, f_session, N(f_session)},
};

const blayer_desc *capkit__layer_desc(int type) {
  for (size_t k = 0; k < sizeof layers / sizeof layers[0]; k++)
    if (layers[k].type == type)
      return &layers[k];
  return NULL;
}

int capkit__field_index(const blayer_desc *d, const char *name) {
  for (int i = 0; i < d->nfields; i++)
    if (strcmp(d->fields[i].name, name) == 0)
      return i;
  return -1;
}

/* ---- the parser ---- */

typedef struct P {
  const char *s;
  size_t i;
  capkit_spec_error *err;
  int code;
} P;

__attribute__((format(printf, 3, 4))) static int fail(P *p, size_t at,
                                                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  capkit__spec_error_vset(p->err, at + 1, fmt, ap);
  va_end(ap);
  p->code = CAPKIT_ESPEC;
  return -1;
}

static void skip_ws(P *p) {
  while (p->s[p->i] == ' ' || p->s[p->i] == '\t')
    p->i++;
}

static int is_name_ch(int c) {
  return isalnum(c) || c == '_' || c == '-';
}

/* A value token: up to ',' or ')' outside braces, parentheses and quotes. */
static int value_token(P *p, size_t *b, size_t *e) {
  int depth = 0;
  *b = p->i;
  if (p->s[p->i] == '"') {
    p->i++;
    while (p->s[p->i] && p->s[p->i] != '"') {
      if (p->s[p->i] == '\\' && p->s[p->i + 1])
        p->i++;
      p->i++;
    }
    if (p->s[p->i] != '"')
      return fail(p, *b, "unterminated string: expected '\"'");
    p->i++;
    *e = p->i;
    return 0;
  }
  for (;;) {
    char c = p->s[p->i];
    if (!c)
      break;
    if (c == '{' || c == '(')
      depth++;
    else if (c == '}' || c == ')') {
      if (depth == 0)
        break;
      depth--;
    } else if (c == ',' && depth == 0)
      break;
    p->i++;
  }
  *e = p->i;
  while (*e > *b && (p->s[*e - 1] == ' ' || p->s[*e - 1] == '\t'))
    (*e)--;
  if (depth)
    return fail(p, p->i, "expected a closing bracket");
  return 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Parse one scalar of a kind in s[b..e) into hi/lo. */
static int atom(P *p, const bfield *f, size_t b, size_t e, uint64_t *hi,
                uint64_t *lo) {
  char buf[96];
  size_t n = e - b;
  *hi = 0;
  *lo = 0;
  if (n == 0)
    return fail(p, b, "expected a value for '%s'", f->name);
  if (n >= sizeof buf)
    return fail(p, b, "value too long for '%s'", f->name);
  memcpy(buf, p->s + b, n);
  buf[n] = 0;
  switch (f->kind) {
  case K_MAC:
  case K_MAC8: {
    uint64_t v = 0;
    int parts = 0;
    const char *q = buf;
    for (;;) {
      int h1 = hexval(q[0]), h2 = h1 >= 0 ? hexval(q[1]) : -1;
      if (h1 < 0)
        break;
      if (h2 >= 0) {
        v = (v << 8) | (uint64_t)(h1 * 16 + h2);
        q += 2;
      } else {
        v = (v << 8) | (uint64_t)h1;
        q += 1;
      }
      parts++;
      if (*q != ':' || parts == 6)
        break;
      q++;
    }
    if (parts != 6 || *q)
      return fail(p, b, "expected a MAC address like 02:00:00:00:00:01 for "
                        "'%s'", f->name);
    *lo = f->kind == K_MAC8 ? v << 16 : v;
    return 0;
  }
  case K_IP4: {
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1)
      return fail(p, b, "expected an IPv4 address like 10.0.0.1 for '%s'",
                  f->name);
    *lo = ntohl(a.s_addr);
    return 0;
  }
  case K_IP6: {
    uint8_t a[16];
    if (inet_pton(AF_INET6, buf, a) != 1)
      return fail(p, b, "expected an IPv6 address like 2001:db8::1 for '%s'",
                  f->name);
    for (int i = 0; i < 8; i++) {
      *hi = (*hi << 8) | a[i];
      *lo = (*lo << 8) | a[8 + i];
    }
    return 0;
  }
  case K_FLAGS:
    if (isalpha((unsigned char)buf[0])) {
      static const char letters[] = "FSRPAUECN";
      uint64_t v = 0;
      for (size_t k = 0; k < n; k++) {
        const char *x = strchr(letters, toupper((unsigned char)buf[k]));
        if (!x || !buf[k])
          return fail(p, b + k,
                      "expected TCP flag letters F S R P A U E C N or a "
                      "number for 'flags'");
        v |= 1ull << (x - letters);
      }
      *lo = v;
      return 0;
    }
    /* fall through */
  default: {
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)buf[0]))
      return fail(p, b, "expected a number for '%s'", f->name);
    unsigned long long v = strtoull(buf, &end, 0);
    if (errno || *end)
      return fail(p, b, "expected a number for '%s'", f->name);
    *lo = v;
    if (f->bits < 64 && v >> f->bits)
      return fail(p, b, "value %s does not fit the %u bits of '%s'", buf,
                  f->bits, f->name);
    return 0;
  }
  }
}

static uint64_t width_mask(const bfield *f) {
  return f->bits >= 64 ? ~0ull : (1ull << f->bits) - 1;
}

/* Find a '-' separating a range (not inside the first character). */
static size_t find_dash(P *p, size_t b, size_t e) {
  for (size_t k = b + 1; k < e; k++)
    if (p->s[k] == '-')
      return k;
  return 0;
}

static int parse_u64(P *p, size_t b, size_t e, uint64_t *v, const char *what) {
  char buf[32];
  if (e <= b || e - b >= sizeof buf || !isdigit((unsigned char)p->s[b]))
    return fail(p, b, "expected %s", what);
  memcpy(buf, p->s + b, e - b);
  buf[e - b] = 0;
  char *end;
  errno = 0;
  *v = strtoull(buf, &end, 0);
  if (errno || *end)
    return fail(p, b, "expected %s", what);
  return 0;
}

/* value := rand | rand(LO-HI) | {V,V,...} | V+[STEP][@COUNT] | LO-HI | V */
static int field_value(P *p, const bfield *f, fval *v, size_t b, size_t e) {
  const char *s = p->s;
  size_t n = e - b;
  uint64_t hi, lo;
  v->set = 1;
  v->mode = M_FIX;
  if (n >= 4 && strncmp(s + b, "rand", 4) == 0 &&
      (n == 4 || s[b + 4] == '(')) {
    v->mode = M_RAND;
    v->rlo = 0;
    v->rhi = width_mask(f);
    v->hi = f->def_hi; /* IPv6: random in the default /64 */
    if (n > 4) {
      if (s[e - 1] != ')')
        return fail(p, e, "expected ')' after the rand range");
      size_t d = find_dash(p, b + 5, e - 1);
      if (!d)
        return fail(p, b + 5, "expected a range LO-HI inside rand(...)");
      uint64_t h2;
      if (atom(p, f, b + 5, d, &hi, &v->rlo) ||
          atom(p, f, d + 1, e - 1, &h2, &v->rhi))
        return -1;
      if (hi != h2)
        return fail(p, b, "an IPv6 range may vary only in its low 64 bits");
      if (v->rhi < v->rlo)
        return fail(p, d + 1, "the range ends before it starts");
      v->hi = hi;
    }
    return 0;
  }
  if (s[b] == '{') {
    if (s[e - 1] != '}')
      return fail(p, e, "expected '}' to close the list");
    size_t k = b + 1;
    v->mode = M_LIST;
    while (k < e - 1) {
      size_t q = k;
      while (q < e - 1 && s[q] != ',')
        q++;
      size_t kb = k, ke = q;
      while (kb < ke && s[kb] == ' ')
        kb++;
      while (ke > kb && s[ke - 1] == ' ')
        ke--;
      if (atom(p, f, kb, ke, &hi, &lo))
        return -1;
      uint64_t *nl = realloc(v->list, (v->nlist + 1) * 2 * sizeof *nl);
      if (!nl) {
        p->code = CAPKIT_ENOMEM;
        return -1;
      }
      v->list = nl;
      nl[v->nlist * 2] = hi;
      nl[v->nlist * 2 + 1] = lo;
      v->nlist++;
      k = q + 1;
    }
    if (!v->nlist)
      return fail(p, b, "expected at least one value in the list");
    v->hi = v->list[0];
    v->lo = v->list[1];
    return 0;
  }
  /* V+[STEP][@COUNT] */
  for (size_t k = b + 1; k < e; k++) {
    if (s[k] != '+')
      continue;
    if (atom(p, f, b, k, &v->hi, &v->lo))
      return -1;
    v->mode = M_INC;
    v->step = 1;
    v->count = 0;
    size_t at = k + 1, q = at;
    while (q < e && s[q] != '@')
      q++;
    if (q > at && parse_u64(p, at, q, &v->step, "a step after '+'"))
      return -1;
    if (q < e && parse_u64(p, q + 1, e, &v->count,
                           "a count of values after '@'"))
      return -1;
    return 0;
  }
  size_t d = f->kind == K_FLAGS ? 0 : find_dash(p, b, e);
  if (d) {
    uint64_t h2, l2;
    if (atom(p, f, b, d, &v->hi, &v->lo) || atom(p, f, d + 1, e, &h2, &l2))
      return -1;
    if (v->hi != h2)
      return fail(p, b, "an IPv6 range may vary only in its low 64 bits");
    if (l2 < v->lo)
      return fail(p, d + 1, "the range ends before it starts");
    v->mode = M_INC;
    v->step = 1;
    v->count = l2 - v->lo + 1; /* 0 (no wrap) for the full 64-bit range */
    return 0;
  }
  return atom(p, f, b, e, &v->hi, &v->lo);
}

/* The bytes of a string value: "quoted" with C escapes, or bare text. */
static int text_bytes(P *p, size_t b, size_t e, uint8_t **out, size_t *n) {
  uint8_t *o = malloc(e - b + 1);
  size_t k = 0;
  if (!o) {
    p->code = CAPKIT_ENOMEM;
    return -1;
  }
  if (e > b && p->s[b] == '"') {
    b++;
    e--;
    for (size_t i = b; i < e; i++) {
      char c = p->s[i];
      if (c == '\\' && i + 1 < e) {
        c = p->s[++i];
        switch (c) {
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case '0': c = 0; break;
        case 'x':
          if (i + 2 < e && hexval(p->s[i + 1]) >= 0 &&
              hexval(p->s[i + 2]) >= 0) {
            c = (char)(hexval(p->s[i + 1]) * 16 + hexval(p->s[i + 2]));
            i += 2;
          }
          break;
        default: break;
        }
      }
      o[k++] = (uint8_t)c;
    }
  } else {
    memcpy(o, p->s + b, e - b);
    k = e - b;
  }
  *out = o;
  *n = k;
  return 0;
}

static int hex_bytes(P *p, size_t b, size_t e, uint8_t **out, size_t *n) {
  if (e - b >= 2 && p->s[b] == '0' && (p->s[b + 1] == 'x' || p->s[b + 1] == 'X'))
    b += 2;
  uint8_t *o = malloc((e - b) / 2 + 1);
  size_t k = 0;
  if (!o) {
    p->code = CAPKIT_ENOMEM;
    return -1;
  }
  for (size_t i = b; i < e;) {
    char c = p->s[i];
    if (c == ':' || c == ' ' || c == '.') {
      i++;
      continue;
    }
    int h1 = hexval(c), h2 = i + 1 < e ? hexval(p->s[i + 1]) : -1;
    if (h1 < 0 || h2 < 0) {
      free(o);
      return fail(p, i, "expected pairs of hex digits");
    }
    o[k++] = (uint8_t)(h1 * 16 + h2);
    i += 2;
  }
  *out = o;
  *n = k;
  return 0;
}

static int read_file_bytes(P *p, size_t b, size_t e, uint8_t **out,
                           size_t *n) {
  uint8_t *name;
  size_t nn;
  if (text_bytes(p, b, e, &name, &nn))
    return -1;
  char *path = realloc(name, nn + 1);
  if (!path) {
    free(name);
    p->code = CAPKIT_ENOMEM;
    return -1;
  }
  path[nn] = 0;
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  if (f) {
    for (;;) {
      if (len == cap) {
        cap = cap ? cap * 2 : 4096;
        uint8_t *nb = cap <= BF_MAXPKT * 2 ? realloc(buf, cap) : NULL;
        if (!nb)
          break;
        buf = nb;
      }
      size_t r = fread(buf + len, 1, cap - len, f);
      len += r;
      if (r == 0)
        break;
    }
    int bad = ferror(f) || len > BF_MAXPKT;
    fclose(f);
    if (!bad) {
      free(path);
      *out = buf;
      *n = len;
      return 0;
    }
  }
  free(buf);
  fail(p, b, "cannot read payload file '%s'%s", path,
       f ? " (or larger than 262144 bytes)" : "");
  free(path);
  p->code = CAPKIT_EOPEN;
  return -1;
}

/* Parameters that are not header fields: options, payload sources. */
static int extra_param(P *p, blayer *l, const char *name, size_t nb, int has,
                       size_t b, size_t e) {
  int t = l->d->type;
  uint64_t v;
  if (!has && !(strcmp(name, "rand") == 0 || strcmp(name, "sackok") == 0 ||
                strcmp(name, "pad") == 0 ||
                strcmp(name, "rst") == 0 || strcmp(name, "fin") == 0))
    return fail(p, nb, "expected '=' and a value after '%s'", name);
  if ((t == L_IP4 || t == L_TCP || t == L_HBH || t == L_DST) &&
      strcmp(name, "opts") == 0) {
    free(l->opts);
    l->opts = NULL;
    return hex_bytes(p, b, e, &l->opts, &l->nopts);
  }
  if (t == L_TCP) {
    if (strcmp(name, "mss") == 0) {
      if (parse_u64(p, b, e, &v, "a number for 'mss'") )
        return -1;
      if (v > 65535)
        return fail(p, b, "'mss' must fit in 16 bits");
      l->mss = (int)v;
      return 0;
    }
    if (strcmp(name, "wscale") == 0) {
      if (parse_u64(p, b, e, &v, "a number for 'wscale'"))
        return -1;
      if (v > 255)
        return fail(p, b, "'wscale' must fit in 8 bits");
      l->wscale = (int)v;
      return 0;
    }
    if (strcmp(name, "sackok") == 0) {
      if (has && parse_u64(p, b, e, &v, "0 or 1 for 'sackok'"))
        return -1;
      l->sackok = has ? (int)(v != 0) : 1;
      return 0;
    }
    if (strcmp(name, "ts") == 0) {
      size_t c = b;
      while (c < e && p->s[c] != ':')
        c++;
      uint64_t a, r = 0;
      if (parse_u64(p, b, c, &a, "a timestamp value TSVAL[:TSECR] for 'ts'") ||
          (c < e && parse_u64(p, c + 1, e, &r, "a TSECR number after ':'")))
        return -1;
      if (a > UINT32_MAX || r > UINT32_MAX)
        return fail(p, b, "'ts' values must fit in 32 bits");
      l->has_ts = 1;
      l->tsval = (uint32_t)a;
      l->tsecr = (uint32_t)r;
      return 0;
    }
  }
  if (t == L_ETH && strcmp(name, "pad") == 0) {
    v = 60;
    if (has && parse_u64(p, b, e, &v, "a frame length for 'pad'"))
      return -1;
    if (v > 65535)
      return fail(p, b, "'pad' is a frame length of at most 65535");
    l->pad = (size_t)v;
    return 0;
  }
  if (t == L_RT && strcmp(name, "addr") == 0) {
    bfield f = {"addr", 0, 128, K_IP6, A_NONE, 0, 0};
    uint64_t hi, lo;
    if (atom(p, &f, b, e, &hi, &lo))
      return -1;
    uint8_t(*na)[16] = realloc(l->addrs, (l->naddrs + 1) * sizeof *na);
    if (!na) {
      p->code = CAPKIT_ENOMEM;
      return -1;
    }
    l->addrs = na;
    for (int i = 0; i < 8; i++) {
      na[l->naddrs][i] = (uint8_t)(hi >> (56 - 8 * i));
      na[l->naddrs][8 + i] = (uint8_t)(lo >> (56 - 8 * i));
    }
    l->naddrs++;
    return 0;
  }
  if (t == L_PAYLOAD) {
    free(l->src);
    l->src = NULL;
    l->nsrc = 0;
    l->rnd = 0;
    if (strcmp(name, "rand") == 0) {
      if (has && parse_u64(p, b, e, &v, "0 or 1 for 'rand'"))
        return -1;
      l->rnd = has ? v != 0 : 1;
      return 0;
    }
    if (strcmp(name, "fill") == 0) {
      if (parse_u64(p, b, e, &v, "a byte value for 'fill'"))
        return -1;
      if (v > 255)
        return fail(p, b, "'fill' is one byte (0..255)");
      l->src = malloc(1);
      if (!l->src) {
        p->code = CAPKIT_ENOMEM;
        return -1;
      }
      l->src[0] = (uint8_t)v;
      l->nsrc = 1;
      return 0;
    }
    if (strcmp(name, "hex") == 0 || strcmp(name, "pattern") == 0)
      return hex_bytes(p, b, e, &l->src, &l->nsrc);
    if (strcmp(name, "text") == 0)
      return text_bytes(p, b, e, &l->src, &l->nsrc);
    if (strcmp(name, "file") == 0)
      return read_file_bytes(p, b, e, &l->src, &l->nsrc);
  }
  if (t == L_SESSION) {
    uint8_t **dst = NULL;
    size_t *dn = NULL;
    if (strcmp(name, "req") == 0 || strcmp(name, "resp") == 0) {
      int rq = name[1] == 'e' && name[2] == 'q';
      dst = rq ? &l->req : &l->resp;
      dn = rq ? &l->nreq : &l->nresp;
      free(*dst);
      *dst = NULL;
      if (text_bytes(p, b, e, dst, dn))
        return -1;
      *(rq ? &l->reqlen : &l->resplen) = *dn;
      return 0;
    }
    if (strcmp(name, "reqlen") == 0 || strcmp(name, "resplen") == 0) {
      if (parse_u64(p, b, e, &v, "a length in bytes"))
        return -1;
      if (v > 100000000)
        return fail(p, b, "at most 100000000 bytes per direction");
      *(name[2] == 'q' ? &l->reqlen : &l->resplen) = (size_t)v;
      return 0;
    }
    if (strcmp(name, "close") == 0) {
      size_t n = e - b;
      if (n == 3 && strncmp(p->s + b, "fin", 3) == 0)
        l->close_rst = l->close_none = 0;
      else if (n == 3 && strncmp(p->s + b, "rst", 3) == 0)
        l->close_rst = 1, l->close_none = 0;
      else if (n == 4 && strncmp(p->s + b, "none", 4) == 0)
        l->close_none = 1, l->close_rst = 0;
      else
        return fail(p, b, "expected fin, rst or none for 'close'");
      return 0;
    }
  }
  return fail(p, nb, "layer '%s' has no field '%s'", l->d->name, name);
}

static const char *known_fields(const blayer_desc *d, char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = 0;
  for (int i = 0; i < d->nfields && k + 1 < cap; i++)
    k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "",
                          d->fields[i].name);
  return buf;
}

static int parse_layer(P *p, blayer *l) {
  size_t b = p->i;
  while (is_name_ch((unsigned char)p->s[p->i]))
    p->i++;
  size_t n = p->i - b;
  if (n == 0)
    return fail(p, b, "expected a layer name (eth, vlan, qinq, sll, sll2, "
                      "arp, ipv4, ipv6, hbh, rthdr, frag6, dstopts, icmp, "
                      "icmpv6, udp, tcp, payload, tcp-session)");
  for (size_t k = 0; k < sizeof layers / sizeof layers[0]; k++) {
    const blayer_desc *d = &layers[k];
    if ((strlen(d->name) == n && strncmp(d->name, p->s + b, n) == 0) ||
        (d->alias && strlen(d->alias) == n &&
         strncmp(d->alias, p->s + b, n) == 0)) {
      l->d = d;
      break;
    }
  }
  if (!l->d)
    return fail(p, b, "unknown layer '%.*s': expected eth, vlan, qinq, sll, "
                      "sll2, arp, ipv4, ipv6, hbh, rthdr, frag6, dstopts, "
                      "icmp, icmpv6, udp, tcp, payload or tcp-session",
                (int)(n > 40 ? 40 : n), p->s + b);
  l->col = b + 1;
  l->mss = l->wscale = -1;
  skip_ws(p);
  if (p->s[p->i] != '(')
    return 0;
  p->i++;
  skip_ws(p);
  if (p->s[p->i] == ')') {
    p->i++;
    return 0;
  }
  for (;;) {
    skip_ws(p);
    size_t nb = p->i;
    while (isalnum((unsigned char)p->s[p->i]) || p->s[p->i] == '_')
      p->i++;
    char name[32];
    size_t nl = p->i - nb;
    if (nl == 0 || nl >= sizeof name)
      return fail(p, nb, "expected a field name");
    memcpy(name, p->s + nb, nl);
    name[nl] = 0;
    skip_ws(p);
    int has = p->s[p->i] == '=';
    size_t vb = p->i, ve = p->i;
    if (has) {
      p->i++;
      skip_ws(p);
      if (value_token(p, &vb, &ve))
        return -1;
      if (ve == vb)
        return fail(p, vb, "expected a value after '%s='", name);
    }
    int fi = capkit__field_index(l->d, name);
    if (fi >= 0 && has) {
      if (field_value(p, &l->d->fields[fi], &l->f[fi], vb, ve))
        return -1;
      if (l->d->type == L_PAYLOAD)
        l->has_len = 1;
    } else if (fi >= 0) {
      return fail(p, p->i, "expected '=' and a value after '%s'", name);
    } else {
      int rc = extra_param(p, l, name, nb, has, vb, ve);
      if (rc && p->err && strstr(p->err->message, "has no field")) {
        char fl[200];
        capkit__spec_error_append(p->err, " (fields: %s)",
                                  known_fields(l->d, fl, sizeof fl));
      }
      if (rc)
        return rc;
    }
    skip_ws(p);
    if (p->s[p->i] == ',') {
      p->i++;
      continue;
    }
    if (p->s[p->i] == ')') {
      p->i++;
      return 0;
    }
    return fail(p, p->i, "expected ',' or ')' after the value of '%s'",
                name);
  }
}

static int check_stack(P *p, bspec *s) {
  for (int i = 0; i < s->n; i++) {
    blayer *l = &s->l[i];
    int t = l->d->type;
    size_t at = l->col - 1;
    if (i == 0 && t != L_ETH && t != L_SLL && t != L_SLL2 && t != L_IP4 &&
        t != L_IP6)
      return fail(p, at, "the first layer must be eth, sll, sll2, ipv4 or "
                         "ipv6 (it sets the link type)");
    if (i > 0 && (t == L_ETH || t == L_SLL || t == L_SLL2))
      return fail(p, at, "'%s' can only be the first layer", l->d->name);
    if ((t == L_VLAN || t == L_QINQ || t == L_ARP) && i > 0 &&
        s->l[i - 1].d->type != L_ETH && s->l[i - 1].d->type != L_VLAN &&
        s->l[i - 1].d->type != L_QINQ && s->l[i - 1].d->type != L_SLL &&
        s->l[i - 1].d->type != L_SLL2)
      return fail(p, at, "'%s' must follow eth, vlan, qinq, sll or sll2",
                  l->d->name);
    if (t == L_PAYLOAD && i != s->n - 1)
      return fail(p, s->l[i + 1].col - 1, "nothing may follow payload");
    if (t == L_SESSION) {
      if (i != s->n - 1)
        return fail(p, s->l[i + 1].col - 1,
                    "nothing may follow tcp-session");
      if (i == 0 || (s->l[i - 1].d->type != L_IP4 &&
                     s->l[i - 1].d->type != L_IP6))
        return fail(p, at, "tcp-session must follow ipv4 or ipv6");
    }
    if ((t == L_HBH || t == L_RT || t == L_FRAG6 || t == L_DST ||
         t == L_ICMP6) &&
        !(i > 0 && (s->l[i - 1].d->type == L_IP6 ||
                    s->l[i - 1].d->type == L_HBH ||
                    s->l[i - 1].d->type == L_RT ||
                    s->l[i - 1].d->type == L_FRAG6 ||
                    s->l[i - 1].d->type == L_DST)))
      return fail(p, at, "'%s' must follow ipv6 or an IPv6 extension header",
                  l->d->name);
    if ((t == L_UDP || t == L_TCP || t == L_ICMP) &&
        !(i > 0 && s->l[i - 1].d->type >= L_IP4 &&
          s->l[i - 1].d->type <= L_DST))
      return fail(p, at, "'%s' must follow ipv4, ipv6 or an IPv6 extension "
                         "header", l->d->name);
    if (t == L_IP4 && l->nopts > 40)
      return fail(p, at, "IPv4 options are at most 40 bytes");
    if (t == L_TCP) {
      size_t ol = (l->mss >= 0 ? 4 : 0) + (l->sackok ? 2 : 0) +
                  (l->has_ts ? 10 : 0) + (l->wscale >= 0 ? 3 : 0) + l->nopts;
      if (ol > 36)
        return fail(p, at, "TCP options are at most 40 bytes");
    }
    if ((t == L_HBH || t == L_DST) && l->nopts > 2000)
      return fail(p, at, "extension header options too long");
    if (t == L_RT && l->naddrs > 127)
      return fail(p, at, "at most 127 addresses in a routing header");
    if (t == L_PAYLOAD && !l->has_len && !l->nsrc && !l->rnd) {
      l->f[0].set = 1; /* payload() alone: empty */
      l->has_len = 1;
    }
    if (t == L_PAYLOAD && !l->has_len)
      l->f[0].lo = l->rnd ? 0 : l->nsrc, l->f[0].set = 1;
    if (t == L_PAYLOAD && l->rnd && l->f[0].mode == M_FIX && !l->f[0].lo &&
        !l->has_len)
      return fail(p, at, "payload(rand) needs a length: payload(len=N,rand)");
    if (t == L_PAYLOAD) {
      const fval *v = &l->f[0];
      uint64_t mx = v->mode == M_RAND ? v->rhi
                    : v->mode == M_INC && v->count
                        ? v->lo + (v->count - 1) * v->step
                        : v->lo;
      if (v->mode == M_LIST)
        for (size_t k = 0; k < v->nlist; k++)
          if (v->list[2 * k + 1] > mx)
            mx = v->list[2 * k + 1];
      if (mx > BF_MAXPKT || (v->mode == M_INC && !v->count) ||
          (v->mode == M_INC && v->step > BF_MAXPKT))
        return fail(p, at, "payload length must stay within %d bytes "
                           "(use a range or @COUNT with '+')", BF_MAXPKT);
    }
  }
  return 0;
}

int capkit__spec_parse(const char *text, bspec *s, capkit_spec_error *err) {
  P p = {text, 0, err, 0};
  memset(s, 0, sizeof *s);
  capkit__spec_error_clear(err);
  /* room for the most layers while parsing; cut to fit at the end */
  s->l = calloc(BF_MAXL, sizeof *s->l);
  if (!s->l) {
    capkit__spec_error_set(err, 0, "out of memory");
    return CAPKIT_ENOMEM;
  }
  skip_ws(&p);
  for (;;) {
    if (s->n == BF_MAXL) {
      fail(&p, p.i, "more than %d layers", BF_MAXL);
      break;
    }
    if (parse_layer(&p, &s->l[s->n])) {
      if (s->l[s->n].d)
        s->n++; /* so that its allocations are freed */
      break;
    }
    s->n++;
    skip_ws(&p);
    if (text[p.i] == '/') {
      p.i++;
      skip_ws(&p);
      continue;
    }
    if (text[p.i] == 0 || text[p.i] == '\n' || text[p.i] == '\r') {
      if (check_stack(&p, s) == 0) {
        blayer *fit = realloc(s->l, (size_t)s->n * sizeof *fit);
        if (fit) /* else the larger block serves as well */
          s->l = fit;
        return 0;
      }
      break;
    }
    fail(&p, p.i, "expected '/' and the next layer, '(' or the end of the "
                  "spec");
    break;
  }
  capkit__spec_free(s);
  return p.code ? p.code : CAPKIT_ESPEC;
}

void capkit__spec_free(bspec *s) {
  for (int i = 0; i < s->n; i++) {
    blayer *l = &s->l[i];
    for (int k = 0; k < BF_MAXF; k++)
      free(l->f[k].list);
    free(l->opts);
    free(l->addrs);
    free(l->src);
    free(l->req);
    free(l->resp);
  }
  free(s->l);
  memset(s, 0, sizeof *s);
}

/* rewrite.c - the packet rewriter behind `capkit rewrite` and `capkit
 * replay`'s rewriting options: edits Ethernet, VLAN, IP and TCP/UDP fields
 * of a copy of each record, located by the decoder, then fixes the
 * checksums that cover what changed. Option names follow tcprewrite(1). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/rewrite.h>

#include "../internal.h"
#include "../util/bytes.h"

/* Network-order stores, through the byte helpers every parser uses. */
#define store_be16(p, v) capkit__st16((p), (v), capkit__host_is_le())
#define store_be32(p, v) capkit__st32((p), (v), capkit__host_is_le())

#define MAX_MAPS 64
#define MAX_PORTMAPS 256

typedef struct ipmap {
  int v6;
  uint8_t from[16], to[16];
  unsigned from_len, to_len; /* prefix lengths in bits */
} ipmap;

typedef struct portmap {
  uint16_t lo, hi, to;
} portmap;

typedef struct macsub {
  uint8_t from[6], to[6];
} macsub;

/* An IPv4 mapping as host-order words: an address a in the first block
 * (a & fmask == from) becomes (to & tmask) | (a & ~tmask). */
typedef struct map4 {
  uint32_t from, fmask, to, tmask;
} map4;

enum { VLAN_NONE, VLAN_ADD, VLAN_DEL, VLAN_EDIT };

struct capkit_rewriter {
  int started;
  /* layer 2 */
  int have_smac, have_dmac, skip_l2bcast;
  uint8_t smac[6], dmac[6];
  macsub *subs;
  size_t nsubs;
  int vlan_op;
  int vlan_tag, vlan_pri, vlan_cfi; /* -1: not given */
  uint16_t vlan_tpid;
  /* layer 3 */
  ipmap src_maps[MAX_MAPS], dst_maps[MAX_MAPS];
  size_t nsrc, ndst;
  /* the IPv4 ones of each list, in order, made by the first record */
  map4 src4[MAX_MAPS], dst4[MAX_MAPS];
  size_t nsrc4, ndst4;
  int have_seed, skip_bcast;
  uint64_t seed;
  int ttl_mode; /* 0 none, 1 set, 2 add */
  int ttl_val;
  uint32_t mtu;
  int mtu_trunc, fixcsum;
  /* layer 4 */
  portmap ports[MAX_PORTMAPS];
  size_t nports;
  /* per record */
  uint8_t *buf;
  size_t cap;
  int changed;
  uint64_t counts[5];
  /* the last address randomised, by family (most packets repeat it) */
  uint8_t seed_in4[4], seed_out4[4], seed_in6[16], seed_out6[16];
  int seed_have4, seed_have6;
  char err[256];
};

capkit_rewriter *capkit_rewriter_new(void) {
  capkit_rewriter *rw = calloc(1, sizeof *rw);
  if (!rw)
    return NULL;
  rw->vlan_tag = rw->vlan_pri = rw->vlan_cfi = -1;
  rw->vlan_tpid = 0x8100;
  rw->mtu = 1500;
  return rw;
}

void capkit_rewriter_free(capkit_rewriter *rw) {
  if (!rw)
    return;
  free(rw->subs);
  free(rw->buf);
  free(rw);
}

const char *capkit_rewriter_error(const capkit_rewriter *rw) {
  return rw ? rw->err : "";
}

uint64_t capkit_rewriter_count(const capkit_rewriter *rw,
                               capkit_rewrite_count what) {
  if (!rw || (unsigned)what >= sizeof rw->counts / sizeof rw->counts[0])
    return 0;
  return rw->counts[what];
}

static int bad(capkit_rewriter *rw, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rw->err, sizeof rw->err, fmt, ap);
  va_end(ap);
  return CAPKIT_EINVAL;
}

/* ---- option values ---- */

static int parse_mac(const char *s, size_t n, uint8_t out[6]) {
  char tmp[32];
  if (n >= sizeof tmp)
    return -1;
  memcpy(tmp, s, n);
  tmp[n] = 0;
  unsigned v[6];
  char end;
  if (sscanf(tmp, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
             &v[5], &end) != 6 &&
      sscanf(tmp, "%x-%x-%x-%x-%x-%x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
             &v[5], &end) != 6)
    return -1;
  for (int i = 0; i < 6; i++) {
    if (v[i] > 255)
      return -1;
    out[i] = (uint8_t)v[i];
  }
  return 0;
}

/* Parse a decimal integer in [lo, hi] from s[0..n). */
static int parse_int(const char *s, size_t n, long lo, long hi, long *out) {
  if (n == 0 || n > 20)
    return -1;
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
    if (v > hi)
      return -1;
  }
  if (v < lo)
    return -1;
  *out = v;
  return 0;
}

/* "a.b.c.d/n" or "[x:y::/n]" (brackets optional for IPv6). */
static int parse_cidr(const char *s, size_t n, int *v6, uint8_t addr[16],
                      unsigned *plen) {
  char tmp[80];
  if (n >= sizeof tmp || n == 0)
    return -1;
  if (s[0] == '[') {
    if (n < 2 || s[n - 1] != ']')
      return -1;
    s++;
    n -= 2;
  }
  memcpy(tmp, s, n);
  tmp[n] = 0;
  char *slash = strchr(tmp, '/');
  long bits = -1;
  if (slash) {
    *slash = 0;
    if (parse_int(slash + 1, strlen(slash + 1), 0, 128, &bits))
      return -1;
  }
  memset(addr, 0, 16);
  if (inet_pton(AF_INET, tmp, addr) == 1) {
    *v6 = 0;
    if (bits < 0)
      bits = 32;
    if (bits > 32)
      return -1;
  } else if (inet_pton(AF_INET6, tmp, addr) == 1) {
    *v6 = 1;
    if (bits < 0)
      bits = 128;
  } else {
    return -1;
  }
  *plen = (unsigned)bits;
  return 0;
}

/* Split "CIDR:CIDR": IPv4 blocks hold no colon; IPv6 blocks are
 * bracketed, so the separator is the colon after the first ']'. */
static int parse_map_pair(const char *s, size_t n, ipmap *m) {
  const char *sep;
  if (s[0] == '[') {
    const char *close = memchr(s, ']', n);
    sep = close && (size_t)(close - s) + 1 < n && close[1] == ':' ? close + 1
                                                                  : NULL;
  } else {
    sep = memchr(s, ':', n);
  }
  if (!sep)
    return -1;
  size_t left = (size_t)(sep - s);
  int v6a, v6b;
  if (parse_cidr(s, left, &v6a, m->from, &m->from_len) ||
      parse_cidr(sep + 1, n - left - 1, &v6b, m->to, &m->to_len) || v6a != v6b)
    return -1;
  m->v6 = v6a;
  return 0;
}

static int set_maps(capkit_rewriter *rw, const char *name, const char *v,
                    ipmap *maps, size_t *n) {
  const char *p = v;
  while (*p) {
    const char *e = p;
    int depth = 0;
    while (*e && (*e != ',' || depth)) {
      depth += *e == '[' ? 1 : *e == ']' ? -1 : 0;
      e++;
    }
    if (*n >= MAX_MAPS)
      return bad(rw, "%s: more than %d mappings", name, MAX_MAPS);
    if (parse_map_pair(p, (size_t)(e - p), &maps[*n]))
      return bad(rw,
                 "%s: '%.*s' is not CIDR:CIDR (IPv6 in brackets, both "
                 "of one family)",
                 name, (int)(e - p), p);
    (*n)++;
    p = *e ? e + 1 : e;
  }
  if (*n == 0)
    return bad(rw, "%s: no mapping given", name);
  return 0;
}

static int set_portmap(capkit_rewriter *rw, const char *v) {
  /* comma-separated tokens; a token "X:NEW" closes a group: every port or
   * range since the last group, and X, become NEW */
  size_t group = rw->nports;
  const char *p = v;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    const char *colon = memchr(p, ':', n);
    size_t left = colon ? (size_t)(colon - p) : n;
    const char *dash = memchr(p, '-', left);
    long lo, hi;
    if (dash) {
      if (parse_int(p, (size_t)(dash - p), 0, 65535, &lo) ||
          parse_int(dash + 1, left - (size_t)(dash - p) - 1, 0, 65535, &hi) ||
          hi < lo)
        return bad(rw, "portmap: bad port range '%.*s'", (int)left, p);
    } else {
      if (parse_int(p, left, 0, 65535, &lo))
        return bad(rw, "portmap: bad port '%.*s'", (int)left, p);
      hi = lo;
    }
    if (rw->nports >= MAX_PORTMAPS)
      return bad(rw, "portmap: more than %d ports", MAX_PORTMAPS);
    rw->ports[rw->nports].lo = (uint16_t)lo;
    rw->ports[rw->nports].hi = (uint16_t)hi;
    rw->nports++;
    if (colon) {
      long to;
      if (parse_int(colon + 1, n - left - 1, 0, 65535, &to))
        return bad(rw, "portmap: bad new port '%.*s'", (int)(n - left - 1),
                   colon + 1);
      for (size_t i = group; i < rw->nports; i++)
        rw->ports[i].to = (uint16_t)to;
      group = rw->nports;
    }
    p = e ? e + 1 : p + n;
  }
  if (group != rw->nports || rw->nports == 0)
    return bad(rw, "portmap: '%s' must end with ':NEWPORT'", v);
  return 0;
}

static int need_value(capkit_rewriter *rw, const char *name, const char *v) {
  if (!v || !*v)
    return bad(rw, "%s needs a value", name);
  return 0;
}

static int set_small(capkit_rewriter *rw, const char *name, const char *v,
                     long lo, long hi, long *out) {
  if (need_value(rw, name, v))
    return CAPKIT_EINVAL;
  if (parse_int(v, strlen(v), lo, hi, out))
    return bad(rw, "%s: '%s' is not a number from %ld to %ld", name, v, lo, hi);
  return 0;
}

int capkit_rewriter_set(capkit_rewriter *rw, const char *name, const char *v) {
  if (!rw || !name)
    return CAPKIT_EINVAL;
  if (rw->started)
    return CAPKIT_EMISUSE;
  rw->err[0] = 0;
  long n;
  if (!strcmp(name, "enet-smac") || !strcmp(name, "enet-dmac")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    const char *comma = strchr(v, ',');
    size_t len = comma ? (size_t)(comma - v) : strlen(v);
    uint8_t second[6];
    int is_s = name[5] == 's';
    if (parse_mac(v, len, is_s ? rw->smac : rw->dmac) ||
        (comma && parse_mac(comma + 1, strlen(comma + 1), second)))
      return bad(rw, "%s: '%s' is not MAC[,MAC]", name, v);
    *(is_s ? &rw->have_smac : &rw->have_dmac) = 1;
    return 0;
  }
  if (!strcmp(name, "enet-subsmac")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    const char *comma = strchr(v, ',');
    macsub m;
    if (!comma || parse_mac(v, (size_t)(comma - v), m.from) ||
        parse_mac(comma + 1, strlen(comma + 1), m.to))
      return bad(rw, "%s: '%s' is not OLDMAC,NEWMAC", name, v);
    macsub *s = realloc(rw->subs, (rw->nsubs + 1) * sizeof *s);
    if (!s)
      return CAPKIT_ENOMEM;
    rw->subs = s;
    rw->subs[rw->nsubs++] = m;
    return 0;
  }
  if (!strcmp(name, "skipl2broadcast")) {
    rw->skip_l2bcast = 1;
    return 0;
  }
  if (!strcmp(name, "enet-vlan")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    if (!strcmp(v, "add"))
      rw->vlan_op = VLAN_ADD;
    else if (!strcmp(v, "del"))
      rw->vlan_op = VLAN_DEL;
    else if (!strcmp(v, "edit"))
      rw->vlan_op = VLAN_EDIT;
    else
      return bad(rw, "enet-vlan: '%s' is not add, del or edit", v);
    return 0;
  }
  if (!strcmp(name, "enet-vlan-tag")) {
    if (set_small(rw, name, v, 0, 4095, &n))
      return CAPKIT_EINVAL;
    rw->vlan_tag = (int)n;
    return 0;
  }
  if (!strcmp(name, "enet-vlan-pri")) {
    if (set_small(rw, name, v, 0, 7, &n))
      return CAPKIT_EINVAL;
    rw->vlan_pri = (int)n;
    return 0;
  }
  if (!strcmp(name, "enet-vlan-cfi")) {
    if (set_small(rw, name, v, 0, 1, &n))
      return CAPKIT_EINVAL;
    rw->vlan_cfi = (int)n;
    return 0;
  }
  if (!strcmp(name, "enet-vlan-proto")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    if (!strcmp(v, "802.1q"))
      rw->vlan_tpid = 0x8100;
    else if (!strcmp(v, "802.1ad"))
      rw->vlan_tpid = 0x88a8;
    else
      return bad(rw, "enet-vlan-proto: '%s' is not 802.1q or 802.1ad", v);
    return 0;
  }
  if (!strcmp(name, "srcipmap") || !strcmp(name, "dstipmap") ||
      !strcmp(name, "pnat")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    int is_pnat = name[0] == 'p';
    if (is_pnat ? (rw->nsrc || rw->ndst) : 0)
      return bad(rw, "pnat cannot be combined with srcipmap/dstipmap or "
                     "given twice");
    if (name[0] == 's' || is_pnat) {
      int rc = set_maps(rw, name, v, rw->src_maps, &rw->nsrc);
      if (rc)
        return rc;
    }
    if (name[0] == 'd' || is_pnat) {
      int rc = set_maps(rw, name, v, rw->dst_maps, &rw->ndst);
      if (rc)
        return rc;
    }
    return 0;
  }
  if (!strcmp(name, "seed")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    char *end;
    errno = 0;
    unsigned long long s = strtoull(v, &end, 10);
    if (errno || *end || v[0] == '-')
      return bad(rw, "seed: '%s' is not a number", v);
    rw->seed = s;
    rw->have_seed = 1;
    return 0;
  }
  if (!strcmp(name, "skipbroadcast")) {
    rw->skip_bcast = 1;
    return 0;
  }
  if (!strcmp(name, "portmap")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    return set_portmap(rw, v);
  }
  if (!strcmp(name, "ttl")) {
    if (need_value(rw, name, v))
      return CAPKIT_EINVAL;
    int sign = v[0] == '+' ? 1 : v[0] == '-' ? -1 : 0;
    const char *d = sign ? v + 1 : v;
    if (parse_int(d, strlen(d), sign ? 0 : 1, 255, &n))
      return bad(rw, "ttl: '%s' is not N (1-255), +N or -N", v);
    rw->ttl_mode = sign ? 2 : 1;
    rw->ttl_val = sign ? sign * (int)n : (int)n;
    return 0;
  }
  if (!strcmp(name, "mtu")) {
    if (set_small(rw, name, v, 1, 262144, &n))
      return CAPKIT_EINVAL;
    rw->mtu = (uint32_t)n;
    return 0;
  }
  if (!strcmp(name, "mtu-trunc")) {
    rw->mtu_trunc = 1;
    return 0;
  }
  if (!strcmp(name, "fixcsum")) {
    rw->fixcsum = 1;
    return 0;
  }
  return bad(rw, "unknown rewrite option '%s'", name);
}

/* ---- editing helpers: every write notes whether a byte changed ---- */

static void put(capkit_rewriter *rw, uint8_t *p, const uint8_t *v, size_t n) {
  if (memcmp(p, v, n)) {
    memcpy(p, v, n);
    rw->changed = 1;
  }
}

/* ---- addresses ---- */

static int mac_is_group(const uint8_t *m) { return m[0] & 1; }

static void edit_macs(capkit_rewriter *rw, uint8_t *f) {
  for (int side = 0; side < 2; side++) {
    uint8_t *m = f + (side ? 6 : 0); /* side 0 destination, 1 source */
    if (rw->skip_l2bcast && mac_is_group(m))
      continue;
    for (size_t i = 0; i < rw->nsubs; i++)
      if (!memcmp(m, rw->subs[i].from, 6)) {
        put(rw, m, rw->subs[i].to, 6);
        break;
      }
    if (side == 0 && rw->have_dmac)
      put(rw, m, rw->dmac, 6);
    if (side == 1 && rw->have_smac)
      put(rw, m, rw->smac, 6);
  }
}

static int prefix_match(const uint8_t *a, const uint8_t *net, unsigned bits) {
  unsigned whole = bits / 8, rest = bits % 8;
  if (memcmp(a, net, whole))
    return 0;
  if (!rest)
    return 1;
  uint8_t mask = (uint8_t)(0xff << (8 - rest));
  return (a[whole] & mask) == (net[whole] & mask);
}

/* The new block's prefix over the address's high bits. */
static void prefix_put(uint8_t *out, const uint8_t *a, const uint8_t *net,
                       unsigned bits, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned lo = (unsigned)i * 8;
    uint8_t mask = bits >= lo + 8 ? 0xff
                   : bits <= lo   ? 0
                                  : (uint8_t)(0xff << (8 - (bits - lo)));
    out[i] = (uint8_t)((net[i] & mask) | (a[i] & ~mask));
  }
}

static uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Prefix-preserving permutation: bit i of the output is bit i of the
 * input flipped by a keyed function of the bits before it, so addresses
 * that share a k-bit prefix keep sharing one. */
static void randomise(uint64_t seed, const uint8_t *in, uint8_t *out,
                      size_t len) {
  uint64_t hi = 0, lo = 0; /* the prefix read so far */
  memset(out, 0, len);
  for (size_t i = 0; i < len * 8; i++) {
    uint64_t k = mix64(seed ^ mix64(((uint64_t)i << 1) ^ mix64(hi) ^ lo));
    unsigned bit = (in[i / 8] >> (7 - i % 8)) & 1u;
    out[i / 8] |= (uint8_t)((bit ^ (unsigned)(k & 1)) << (7 - i % 8));
    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) | bit;
  }
}

static int ip_is_group(const uint8_t *a, size_t len) {
  if (len == 16)
    return a[0] == 0xff;
  return (a[0] & 0xf0) == 0xe0 ||
         (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

static uint32_t mask4(unsigned bits) {
  return bits ? 0xffffffffu << (32 - bits) : 0;
}

/* The IPv4 mappings of maps[0..n) as words, in order (an IPv6 mapping
 * never matches an IPv4 address). */
static size_t prepare4(const ipmap *maps, size_t n, map4 *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (maps[i].v6)
      continue;
    map4 *m = &out[k++];
    m->fmask = mask4(maps[i].from_len);
    m->from = capkit__be32(maps[i].from) & m->fmask;
    m->tmask = mask4(maps[i].to_len);
    m->to = capkit__be32(maps[i].to) & m->tmask;
  }
  return k;
}

/* Rewrite one address in place (rw->changed notes a change). */
static void edit_addr(capkit_rewriter *rw, uint8_t *a, size_t len,
                      const ipmap *maps, size_t nmaps, const map4 *m4,
                      size_t n4) {
  if (rw->skip_bcast && ip_is_group(a, len))
    return;
  uint8_t v[16];
  int v6 = len == 16;
  if (!v6) {
    uint32_t w = capkit__be32(a);
    for (size_t i = 0; i < n4; i++)
      if ((w & m4[i].fmask) == m4[i].from) {
        uint32_t nw = (m4[i].to & m4[i].tmask) | (w & ~m4[i].tmask);
        if (nw != w) {
          store_be32(a, nw);
          rw->changed = 1;
        }
        return;
      }
  } else {
    for (size_t i = 0; i < nmaps; i++) {
      if (!maps[i].v6 || !prefix_match(a, maps[i].from, maps[i].from_len))
        continue;
      prefix_put(v, a, maps[i].to, maps[i].to_len, len);
      put(rw, a, v, len);
      return;
    }
  }
  if (!rw->have_seed)
    return;
  uint8_t *last_in = v6 ? rw->seed_in6 : rw->seed_in4;
  uint8_t *last_out = v6 ? rw->seed_out6 : rw->seed_out4;
  int *have = v6 ? &rw->seed_have6 : &rw->seed_have4;
  if (!*have || memcmp(last_in, a, len)) {
    memcpy(last_in, a, len);
    randomise(rw->seed, a, last_out, len);
    *have = 1;
  }
  put(rw, a, last_out, len);
}

/* ---- checksums ---- */

static uint16_t fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffffu) + (s >> 16);
  return (uint16_t)s;
}

/* Incremental update (RFC 1624, eqn. 3) of the checksum at c for the
 * 16-bit words old[] replaced by new[] (n bytes, even). */
static void csum_adjust(uint8_t *c, const uint8_t *old, const uint8_t *nw,
                        size_t n) {
  uint32_t s = (uint16_t)~capkit__be16(c);
  for (size_t i = 0; i + 1 < n; i += 2) {
    s += (uint16_t)~capkit__be16(old + i);
    s += capkit__be16(nw + i);
  }
  store_be16(c, (uint16_t)~fold(s));
}

/* ---- the record ---- */

static int is_vlan_tpid(uint16_t t) {
  return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* VLAN operations on the Ethernet frame f; *len and *orig follow an
 * inserted or removed tag. */
static void edit_vlan(capkit_rewriter *rw, uint8_t *f, uint32_t *len,
                      uint32_t *orig) {
  int tagged = *len >= 18 && is_vlan_tpid(capkit__be16(f + 12));
  if (rw->vlan_op == VLAN_ADD && *len >= 14) {
    memmove(f + 16, f + 12, *len - 12);
    store_be16(f + 12, rw->vlan_tpid);
    unsigned tci = (unsigned)(rw->vlan_tag < 0 ? 0 : rw->vlan_tag) |
                   (unsigned)(rw->vlan_pri < 0 ? 0 : rw->vlan_pri) << 13 |
                   (unsigned)(rw->vlan_cfi < 0 ? 0 : rw->vlan_cfi) << 12;
    store_be16(f + 14, (uint16_t)tci);
    *len += 4;
    *orig += 4;
    rw->changed = 1;
  } else if (rw->vlan_op == VLAN_DEL && tagged) {
    memmove(f + 12, f + 16, *len - 16);
    *len -= 4;
    *orig = *orig >= 4 ? *orig - 4 : 0;
    rw->changed = 1;
  } else if (rw->vlan_op == VLAN_EDIT && tagged) {
    unsigned tci = capkit__be16(f + 14);
    if (rw->vlan_tag >= 0)
      tci = (tci & ~0x0fffu) | (unsigned)rw->vlan_tag;
    if (rw->vlan_pri >= 0)
      tci = (tci & ~0xe000u) | (unsigned)rw->vlan_pri << 13;
    if (rw->vlan_cfi >= 0)
      tci = (tci & ~0x1000u) | (unsigned)rw->vlan_cfi << 12;
    uint8_t b[2];
    store_be16(b, (uint16_t)tci);
    put(rw, f + 14, b, 2);
  }
}

/* Where the outer IP header and its transport are. */
typedef struct l3 {
  int v6;
  uint32_t off, hlen; /* IP header (IPv6: the fixed 40 bytes) */
  uint32_t l4off;     /* transport header, 0 when none */
  int l4type;         /* CAPKIT_LAYER_TCP, UDP, ICMP, ICMPV6 */
  uint8_t proto;      /* for the pseudo header */
  int frag;           /* a fragment: the segment is not all here */
  int64_t l4len;      /* transport bytes by the IP lengths, -1 unknown */
} l3;

static int find_l3(const capkit_packet *pkt, l3 *o) {
  memset(o, 0, sizeof *o);
  if (pkt->net < 0)
    return 0;
  const capkit_layer *ip = &pkt->layers[pkt->net];
  if (ip->type != CAPKIT_LAYER_IPV4 && ip->type != CAPKIT_LAYER_IPV6)
    return 0;
  o->v6 = ip->type == CAPKIT_LAYER_IPV6;
  o->off = ip->offset;
  o->hlen = o->v6 ? 40 : ip->u.ipv4.ihl;
  if (ip->status & CAPKIT_LAYER_TRUNCATED)
    return ip->len >= (o->v6 ? 40u : 20u) ? 1 : 0;
  o->frag = (ip->status & CAPKIT_LAYER_FRAGMENT) != 0;
  for (size_t i = (size_t)pkt->net + 1; i < pkt->count; i++) {
    const capkit_layer *l = &pkt->layers[i];
    if (l->depth != ip->depth)
      break;
    if (l->type == CAPKIT_LAYER_IPV6_EXT) {
      if (l->u.ipv6_ext.type == 44)
        o->frag = 1;
      continue;
    }
    if (l->type == CAPKIT_LAYER_TCP || l->type == CAPKIT_LAYER_UDP ||
        l->type == CAPKIT_LAYER_ICMP || l->type == CAPKIT_LAYER_ICMPV6) {
      o->l4off = l->offset;
      o->l4type = l->type;
      o->proto = l->type == CAPKIT_LAYER_TCP    ? 6
                 : l->type == CAPKIT_LAYER_UDP  ? 17
                 : l->type == CAPKIT_LAYER_ICMP ? 1
                                                : 58;
    }
    break;
  }
  o->l4len = -1;
  if (o->l4off) {
    if (!o->v6 && ip->u.ipv4.total_len >= o->hlen)
      o->l4len = (int64_t)ip->u.ipv4.total_len - (o->l4off - o->off);
    else if (o->v6 && ip->u.ipv6.payload_len)
      o->l4len = (int64_t)ip->u.ipv6.payload_len - (o->l4off - o->off - 40);
    if (o->l4len < 0)
      o->l4len = -1;
  }
  return 1;
}

/* The common frame without the decoder: Ethernet II, then IPv4 (not a
 * fragment) or IPv6 (no extension header, a payload length), then TCP or
 * UDP, the IP header within the capture. Fills *o as find_l3 would from
 * the decoder's layers and returns 1; 0 for every other frame (the
 * decoder's walk then decides). */
static int fast_l3(uint32_t lt, const uint8_t *f, uint32_t len, l3 *o) {
  if (lt != 1 || len < 14 + 20)
    return 0;
  uint16_t type = capkit__be16(f + 12);
  const uint8_t *d = f + 14;
  uint32_t have = len - 14;
  uint8_t proto;
  uint32_t hlen, dlen;
  if (type == 0x0800) {
    hlen = (uint32_t)(d[0] & 15) * 4;
    dlen = capkit__be16(d + 2);
    proto = d[9];
    if ((d[0] >> 4) != 4 || hlen < 20 || hlen > have || dlen < hlen ||
        (capkit__be16(d + 6) & 0x3fff) != 0)
      return 0;
  } else if (type == 0x86dd) {
    hlen = 40;
    dlen = 40u + capkit__be16(d + 4);
    proto = d[6];
    if ((d[0] >> 4) != 6 || dlen == 40 || hlen > have)
      return 0;
  } else {
    return 0;
  }
  if (proto != 6 && proto != 17)
    return 0;
  memset(o, 0, sizeof *o);
  o->v6 = type == 0x86dd;
  o->off = 14;
  o->hlen = hlen;
  o->l4off = 14 + hlen;
  o->l4type = proto == 6 ? CAPKIT_LAYER_TCP : CAPKIT_LAYER_UDP;
  o->proto = proto;
  o->l4len = (int64_t)(dlen - hlen);
  return 1;
}

static uint32_t csum_field(int l4type) {
  return l4type == CAPKIT_LAYER_TCP ? 16 : l4type == CAPKIT_LAYER_UDP ? 6 : 2;
}

/* The transport checksum over the whole segment, with the pseudo header
 * where the protocol has one. */
static void csum_full(const l3 *x, uint8_t *f) {
  uint8_t *seg = f + x->l4off;
  uint8_t *c = seg + csum_field(x->l4type);
  uint32_t len = (uint32_t)x->l4len;
  uint32_t s = 0;
  if (x->l4type != CAPKIT_LAYER_ICMP) {
    /* the pseudo header's 16-bit words: addresses, protocol, length
     * (IPv6: 32 bits of it); at most 21 words, no overflow */
    const uint8_t *addrs = f + x->off + (x->v6 ? 8 : 12);
    size_t n = x->v6 ? 32 : 8;
    for (size_t i = 0; i < n; i += 2)
      s += capkit__be16(addrs + i);
    s += x->proto + (len >> 16) + (len & 0xffffu);
  }
  c[0] = c[1] = 0;
  uint16_t r = (uint16_t)~capkit_inet_sum(seg, len, s);
  if (x->l4type == CAPKIT_LAYER_UDP && r == 0)
    r = 0xffff;
  store_be16(c, r);
}

/* The checks and the start of both applies: out gets in's fields. 0 or a
 * negative code. */
static int begin(capkit_rewriter *rw, const capkit_record *in,
                 capkit_record *out) {
  if (!rw || !in || !out || (in->caplen && !in->data))
    return CAPKIT_EINVAL;
  if (in->size < CAPKIT__RECORD_V1_SIZE || out->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EINVAL;
  if (!rw->started) {
    rw->nsrc4 = prepare4(rw->src_maps, rw->nsrc, rw->src4);
    rw->ndst4 = prepare4(rw->dst_maps, rw->ndst, rw->dst4);
    rw->started = 1;
  }
  rw->counts[CAPKIT_RW_PACKETS]++;
  /* the fields both records know: each may be of another version */
  uint32_t size = out->size, common = in->size < size ? in->size : size;
  memcpy(out, in, common);
  memset((uint8_t *)out + common, 0, size - common);
  out->size = size;
  return 0;
}

/* Rewrite in's bytes, copied to f (room for in->caplen + 4 bytes). 1
 * changed (*out's data, caplen and origlen say what f holds), 0 not. */
static int edit(capkit_rewriter *rw, const capkit_record *in,
                capkit_record *out, uint8_t *f) {
  rw->changed = 0;
  uint32_t lt = in->iface ? in->iface->linktype : 1;
  uint32_t len = in->caplen, orig = in->origlen;
  if (len)
    memcpy(f, in->data, len);
  if (lt == 1 && len >= 12) {
    edit_macs(rw, f);
    if (rw->vlan_op)
      edit_vlan(rw, f, &len, &orig);
  }
  l3 x;
  int found = fast_l3(lt, f, len, &x);
  if (!found) {
    capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
    capkit_packet pkt;
    capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
    capkit_decode(&pkt, lt, f, len, orig, CAPKIT_DECODE_NO_APP);
    found = find_l3(&pkt, &x);
  }
  if (found) {
    int l2changed = rw->changed;
    rw->changed = 0;
    uint8_t *ip = f + x.off;
    size_t alen = x.v6 ? 16 : 4;
    uint8_t *src = ip + (x.v6 ? 8 : 12), *dst = src + alen;
    /* The addresses, then the ports, as they were: for an incremental
     * update (copies of a constant size: no byte loop that would wait on
     * the stores just made). */
    uint8_t old[36];
    if (x.v6)
      memcpy(old, src, 32);
    else
      memcpy(old, src, 8);
    edit_addr(rw, src, alen, rw->src_maps, rw->nsrc, rw->src4, rw->nsrc4);
    edit_addr(rw, dst, alen, rw->dst_maps, rw->ndst, rw->dst4, rw->ndst4);
    size_t naddr = rw->changed && x.l4type != CAPKIT_LAYER_ICMP ? 2 * alen : 0;
    size_t nwords = naddr;
    int have_ports =
        x.l4off &&
        (x.l4type == CAPKIT_LAYER_TCP || x.l4type == CAPKIT_LAYER_UDP) &&
        x.l4off + 4 <= len;
    if (have_ports && rw->nports) {
      uint8_t *pp = f + x.l4off;
      memcpy(old + nwords, pp, 4);
      int was = rw->changed;
      rw->changed = 0;
      for (int k = 0; k < 2; k++) {
        uint16_t port = capkit__be16(pp + 2 * k);
        for (size_t i = 0; i < rw->nports; i++)
          if (port >= rw->ports[i].lo && port <= rw->ports[i].hi) {
            uint8_t b[2];
            store_be16(b, rw->ports[i].to);
            put(rw, pp + 2 * k, b, 2);
            break;
          }
      }
      if (rw->changed)
        nwords += 4;
      rw->changed |= was;
    }
    int l4dirty = nwords > 0;
    if (rw->ttl_mode) {
      uint8_t *t = ip + (x.v6 ? 7 : 8);
      int v = rw->ttl_mode == 1 ? rw->ttl_val : *t + rw->ttl_val;
      uint8_t b = (uint8_t)(v < 1 ? 1 : v > 255 ? 255 : v);
      put(rw, t, &b, 1);
    }
    int truncated = 0;
    if (rw->mtu_trunc && orig > x.off && orig - x.off > rw->mtu) {
      uint32_t keep = x.off + rw->mtu;
      if (len > keep)
        len = keep;
      orig = keep;
      uint8_t b[2];
      if (x.v6) {
        store_be16(b, (uint16_t)(rw->mtu > 40 ? rw->mtu - 40 : 0));
        put(rw, ip + 4, b, 2);
      } else if (capkit__be16(ip + 2) > rw->mtu) {
        store_be16(b, (uint16_t)rw->mtu);
        put(rw, ip + 2, b, 2);
      }
      if (x.l4off && x.l4len >= 0) {
        int64_t cut = (int64_t)keep - x.l4off;
        if (x.l4len > cut)
          x.l4len = cut < 0 ? 0 : cut;
      }
      rw->changed = 1;
      truncated = 1;
      rw->counts[CAPKIT_RW_TRUNCATED]++;
    }
    int l3changed = rw->changed;
    if ((l3changed || rw->fixcsum) && !x.v6 && x.off + x.hlen <= len &&
        x.hlen >= 20) {
      ip[10] = ip[11] = 0;
      store_be16(ip + 10, (uint16_t)~capkit_inet_sum(ip, x.hlen, 0));
      rw->counts[CAPKIT_RW_CSUM_FULL]++;
    }
    if (x.l4off && (l4dirty || truncated || rw->fixcsum)) {
      uint8_t *c = f + x.l4off + csum_field(x.l4type);
      int udp_none = x.l4type == CAPKIT_LAYER_UDP && !x.v6 &&
                     c + 2 <= f + len && !c[0] && !c[1];
      int whole = !x.frag && x.l4len >= 0 &&
                  x.l4off + (uint64_t)x.l4len <= len &&
                  x.l4len >= (int64_t)csum_field(x.l4type) + 2;
      if (udp_none) {
        /* no checksum was sent: none is invented (as tcprewrite) */
      } else if (whole) {
        csum_full(&x, f);
        rw->counts[CAPKIT_RW_CSUM_FULL]++;
      } else if (l4dirty && c + 2 <= f + len) {
        uint8_t nw[36]; /* the same fields now (a cut leaves their bytes) */
        memcpy(nw, src, naddr);
        if (nwords > naddr)
          memcpy(nw + naddr, f + x.l4off, 4);
        csum_adjust(c, old, nw, nwords);
        rw->counts[CAPKIT_RW_CSUM_INCR]++;
      }
    }
    rw->changed = l2changed || rw->changed || len != in->caplen;
    if (rw->fixcsum && !rw->changed)
      rw->changed = in->caplen && memcmp(f, in->data, in->caplen) != 0;
  }
  if (!rw->changed && len == in->caplen && orig == in->origlen)
    return 0;
  out->data = f;
  out->caplen = len;
  out->origlen = orig;
  rw->counts[CAPKIT_RW_CHANGED]++;
  return 1;
}

int capkit_rewriter_apply(capkit_rewriter *rw, const capkit_record *in,
                          capkit_record *out) {
  int rc = begin(rw, in, out);
  if (rc)
    return rc;
  size_t need = (size_t)in->caplen + CAPKIT_REWRITE_GROWTH;
  if (need > rw->cap) {
    size_t cap = rw->cap ? rw->cap : 2048;
    while (cap < need)
      cap *= 2;
    uint8_t *b = realloc(rw->buf, cap);
    if (!b)
      return CAPKIT_ENOMEM;
    rw->buf = b;
    rw->cap = cap;
  }
  return edit(rw, in, out, rw->buf);
}

int capkit_rewriter_apply_to(capkit_rewriter *rw, const capkit_record *in,
                             capkit_record *out, uint8_t *dst, size_t cap) {
  if (!dst || (in && cap < (size_t)in->caplen + CAPKIT_REWRITE_GROWTH))
    return CAPKIT_EINVAL;
  int rc = begin(rw, in, out);
  if (rc)
    return rc;
  rc = edit(rw, in, out, dst);
  out->data = dst;
  return rc;
}

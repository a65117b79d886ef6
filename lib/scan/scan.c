/* scan.c - the record-boundary scanner for classic pcap: plausibility of a
 * candidate header, chains of successors, layout inference for headerless
 * bytes and link-type inference from packet content. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scan/scan_int.h"

capkit_scanner *capkit_scanner_new(const capkit_scan_layout *l) {
  if (!l || (l->precision != 6 && l->precision != 9))
    return NULL;
  capkit_scanner *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  capkit__scan_setup(s, l);
  return s;
}

void capkit_scanner_free(capkit_scanner *s) { free(s); }

int capkit_scanner_set_chain(capkit_scanner *s, unsigned n) {
  if (!s || n < 1 || n > 1000)
    return CAPKIT_EINVAL;
  s->chain = n;
  return 0;
}

void capkit_scanner_set_time_ref(capkit_scanner *s, int64_t sec) {
  if (!s)
    return;
  s->have_ref = sec >= 0 && sec <= (int64_t)UINT32_MAX;
  s->ref = s->have_ref ? (uint32_t)sec : 0;
}

uint32_t capkit_scanner_bound(const capkit_scanner *s) {
  return s ? s->bound : 0;
}

void capkit__scan_setup(capkit_scanner *s, const capkit_scan_layout *l) {
  s->layout = *l;
  int le = l->byte_order == CAPKIT_BO_NATIVE ? capkit__host_is_le()
                                             : l->byte_order == CAPKIT_BO_LITTLE;
  s->swap = le != capkit__host_is_le();
  s->frac_limit = l->precision == 9 ? 1000000000u : 1000000u;
  s->bound = l->bound ? l->bound
                      : capkit__caplen_bound(l->linktype, l->snaplen);
  s->chain = 8;
  s->have_ref = 0;
  s->fit = NULL;
}

unsigned capkit__scan_walk(const capkit_scanner *s, const uint8_t *buf,
                           size_t len, size_t o, unsigned max, size_t *end,
                           int *stop) {
  size_t q = o;
  unsigned k = 0;
  uint32_t prev = s->ref;
  int have_prev = s->have_ref;
  for (;;) {
    *end = q;
    if (k == max) {
      *stop = CAPKIT__STOP_MAX;
      return k;
    }
    if (len - q < CAPKIT__RHDR) {
      *stop = q == len ? CAPKIT__STOP_END : CAPKIT__STOP_CUT;
      return k;
    }
    capkit__rhdr h;
    capkit__scan_ld(s, buf + q, &h);
    if (!capkit__scan_plausible(s, &h) ||
        (have_prev &&
         !capkit__near(h.sec, prev,
                       k == 0 ? CAPKIT__REF_WIN : CAPKIT__STEP_WIN)) ||
        (k == 0 && s->fit &&
         !s->fit(buf + q + CAPKIT__RHDR,
                 len - q - CAPKIT__RHDR < h.incl ? (uint32_t)(len - q - CAPKIT__RHDR)
                                                 : h.incl,
                 h.orig))) {
      *stop = CAPKIT__STOP_BAD;
      return k;
    }
    if (len - q - CAPKIT__RHDR < h.incl) {
      *stop = CAPKIT__STOP_CUT;
      return k;
    }
    k++;
    prev = h.sec;
    have_prev = 1;
    q += CAPKIT__RHDR + (size_t)h.incl;
  }
}

/* Does a chain of plausible records start at o? See capkit_scanner_find. */
int capkit__scan_chain(const capkit_scanner *s, const uint8_t *buf,
                       size_t len, size_t o, int at_end) {
  size_t end;
  int stop;
  unsigned k = capkit__scan_walk(s, buf, len, o, s->chain + 1, &end, &stop);
  switch (stop) {
  case CAPKIT__STOP_MAX:
    return 1;
  case CAPKIT__STOP_END:
    /* A chain that ends exactly at the end of the bytes is as good as a
     * long one. */
    return k >= 1;
  case CAPKIT__STOP_CUT:
    /* Cut short by the input's end: one whole record before a whole
     * header whose data is cut, else two; more to come, one. */
    return at_end && len - end < CAPKIT__RHDR ? k >= 2 : k >= 1;
  }
  return 0;
}

int capkit_scanner_find(const capkit_scanner *s, const uint8_t *buf,
                        size_t len, size_t from, int at_end, size_t *at) {
  if (!s || (!buf && len) || !at)
    return CAPKIT_EINVAL;
  if (len < CAPKIT__RHDR)
    return 0;
  for (size_t o = from; o <= len - CAPKIT__RHDR; o++) {
    /* Cheap rejection first: most offsets fail the caplen bound. */
    uint32_t incl = capkit__ld32(buf + o + 8, s->swap);
    if (incl > s->bound)
      continue;
    if (capkit__scan_chain(s, buf, len, o, at_end)) {
      *at = o;
      return 1;
    }
  }
  return 0;
}

/* ---- link type from content ---- */

static int eth_type_known(uint16_t t) {
  switch (t) {
  case 0x0800: case 0x0806: case 0x86dd: case 0x8100: case 0x88a8:
  case 0x8847: case 0x8848: case 0x8863: case 0x8864: case 0x88cc:
  case 0x888e: case 0x88e5: case 0x8035: case 0x9000: case 0x88f7:
  case 0x8809: case 0x22f0: case 0x893a: case 0x8906: case 0x8914:
    return 1;
  }
  return 0;
}

/* An IP packet at p (n bytes captured of orig on the wire, less hdr bytes
 * of link header): 2 when its length field matches the wire length, 1 when
 * it is at least a well-formed start, 0 otherwise. */
int capkit__fit_ip(const uint8_t *p, uint32_t n, uint32_t orig) {
  if (n < 1)
    return 0;
  int v = p[0] >> 4;
  if (v == 4 && n >= 20 && (p[0] & 0x0f) >= 5) {
    uint32_t tot = capkit__be16(p + 2);
    if (tot == orig)
      return 2;
    return tot >= 20 && tot <= orig ? 1 : 0;
  }
  if (v == 6 && n >= 40) {
    uint32_t tot = 40u + capkit__be16(p + 4);
    if (tot == orig)
      return 2;
    return tot <= orig ? 1 : 0;
  }
  return 0;
}

int capkit__fit_ether(const uint8_t *p, uint32_t n, uint32_t orig) {
  if (n < 14)
    return 0;
  uint16_t t = capkit__be16(p + 12);
  if (t == 0x0800 || t == 0x86dd)
    return capkit__fit_ip(p + 14, n - 14, orig - 14) ? 2 : 0;
  return capkit__fit_ether_link(p, n, orig);
}

int capkit__fit_ether_link(const uint8_t *p, uint32_t n, uint32_t orig) {
  if (n < 14)
    return 0;
  uint16_t t = capkit__be16(p + 12);
  if (t == 0x0800 || t == 0x86dd || eth_type_known(t))
    return 2;
  /* 802.3 length + LLC: the length is the frame's (less an FCS), or the
   * frame was padded to the minimum (a run of zeros is no frame). */
  if (t <= 1500 && n >= 17 && t != 0)
    return t == orig - 14 || t == orig - 18 || (orig <= 64 && t <= 46) ? 2
                                                                        : 0;
  return 0;
}

static int af_ip(uint32_t af) {
  if (af == 2)
    return 4;
  if (af == 10 || af == 24 || af == 28 || af == 30)
    return 6;
  return 0;
}

static int null_fit(const uint8_t *p, uint32_t n, uint32_t orig, int be) {
  if (n < 5)
    return 0;
  uint32_t af = be ? capkit__be32(p)
                   : (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
                         ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
  int v = af_ip(af);
  return v && (p[4] >> 4) == v && capkit__fit_ip(p + 4, n - 4, orig - 4) ? 2 : 0;
}

int capkit__fit_sll(const uint8_t *p, uint32_t n, uint32_t orig) {
  if (n < 16)
    return 0;
  uint16_t pkt = capkit__be16(p), hw = capkit__be16(p + 2);
  uint16_t alen = capkit__be16(p + 4), proto = capkit__be16(p + 14);
  if (pkt > 4 || alen > 8)
    return 0;
  if (!(hw == 1 || hw == 772 || hw == 776 || hw == 778 || hw == 65534 ||
        hw == 512 || hw == 280 || hw == 803 || hw == 824))
    return 0;
  if (proto == 0x0800 || proto == 0x86dd)
    return capkit__fit_ip(p + 16, n - 16, orig - 16) ? 2 : 0;
  return proto >= 0x0600 || proto <= 0x0020 ? 1 : 0;
}

static int sll2_fit(const uint8_t *p, uint32_t n, uint32_t orig) {
  if (n < 20)
    return 0;
  uint16_t proto = capkit__be16(p), resv = capkit__be16(p + 2);
  uint16_t hw = capkit__be16(p + 8);
  if (resv != 0 || p[10] > 4 || p[11] > 8)
    return 0;
  if (!(hw == 1 || hw == 772 || hw == 776 || hw == 778 || hw == 65534 ||
        hw == 512 || hw == 280 || hw == 803 || hw == 824))
    return 0;
  if (proto == 0x0800 || proto == 0x86dd)
    return capkit__fit_ip(p + 20, n - 20, orig - 20) ? 2 : 0;
  return 0;
}

static int wlan_fit(const uint8_t *p, uint32_t n) {
  if (n < 10)
    return 0;
  int ver = p[0] & 3, type = (p[0] >> 2) & 3;
  if (ver != 0 || type == 3)
    return 0;
  if (type == 0 && n >= 24) /* management: address 3 is the BSSID */
    return 1;
  if (type == 2 && n >= 24)
    return 1;
  return type == 1 ? 1 : 0;
}

static int radiotap_fit(const uint8_t *p, uint32_t n) {
  if (n < 8 || p[0] != 0 || p[1] != 0)
    return 0;
  uint32_t hl = (uint32_t)p[2] | ((uint32_t)p[3] << 8);
  if (hl < 8 || hl > n)
    return 0;
  if (hl == n)
    return 1;
  return wlan_fit(p + hl, n - hl) ? 2 : 1;
}

enum { C_ETH, C_RAW, C_NULL, C_LOOP, C_SLL, C_SLL2, C_RTAP, C_WLAN, N_CAND };
static const uint32_t cand_lt[N_CAND] = {1, 101, 0, 108, 113, 276, 127, 105};

int64_t capkit_scan_guess_linktype(const uint8_t *const *data,
                                   const uint32_t *caplen,
                                   const uint32_t *origlen, size_t n) {
  if (!data || !caplen || !origlen || n == 0)
    return -1;
  unsigned score[N_CAND] = {0};
  for (size_t i = 0; i < n; i++) {
    const uint8_t *p = data[i];
    uint32_t c = caplen[i], o = origlen[i] < caplen[i] ? caplen[i] : origlen[i];
    if (!p)
      continue;
    score[C_ETH] += (unsigned)capkit__fit_ether(p, c, o);
    score[C_RAW] += (unsigned)capkit__fit_ip(p, c, o);
    score[C_NULL] += (unsigned)null_fit(p, c, o, 0);
    score[C_LOOP] += (unsigned)null_fit(p, c, o, 1);
    score[C_SLL] += (unsigned)capkit__fit_sll(p, c, o);
    score[C_SLL2] += (unsigned)sll2_fit(p, c, o);
    score[C_RTAP] += (unsigned)radiotap_fit(p, c);
    score[C_WLAN] += (unsigned)wlan_fit(p, c);
  }
  int best = -1;
  unsigned bs = 0, second = 0;
  for (int k = 0; k < N_CAND; k++) {
    if (best < 0 || score[k] > bs) {
      second = bs;
      bs = score[k];
      best = k;
    } else if (score[k] > second) {
      second = score[k];
    }
  }
  /* Clear: most packets fit (2 points for a strong fit), and clearly
   * better than the runner-up. 802.11 alone is a weak fit: it needs
   * every packet. */
  unsigned need = best == C_WLAN ? (unsigned)n : (unsigned)n + (unsigned)n / 2;
  if (bs < need || bs < second + (unsigned)(n + 3) / 4)
    return -1;
  return cand_lt[best];
}

/* ---- layout inference ---- */

#define INFER_RECORDS 256

/* Walk records from start (at most max), filling data/caplen/origlen;
 * also tells whether any fraction needs nanoseconds. */
static size_t walk(const capkit_scanner *s, const uint8_t *buf, size_t len,
                   size_t start, const uint8_t **data, uint32_t *cl,
                   uint32_t *ol, size_t max, int *ns) {
  size_t q = start, k = 0;
  *ns = 0;
  while (k < max && len - q >= CAPKIT__RHDR) {
    capkit__rhdr h;
    capkit__scan_ld(s, buf + q, &h);
    if (h.incl > s->bound || len - q - CAPKIT__RHDR < h.incl)
      break;
    if (h.frac >= 1000000u)
      *ns = 1;
    data[k] = buf + q + CAPKIT__RHDR;
    cl[k] = h.incl;
    ol[k] = h.orig;
    k++;
    q += CAPKIT__RHDR + h.incl;
  }
  return k;
}

int capkit_scan_infer(const uint8_t *buf, size_t len, size_t from, int at_end,
                      capkit_scan_layout *l, size_t *start, int *lt_known) {
  if ((!buf && len) || !l || !start || !lt_known || from > len)
    return CAPKIT_EINVAL;
  /* Try both byte orders with nanosecond fractions (the looser bound);
   * the earliest chain wins, then the fractions tell the precision. */
  int found = 0;
  size_t best = 0;
  capkit_scan_layout bl = {0};
  static const capkit_byte_order orders[2] = {CAPKIT_BO_LITTLE, CAPKIT_BO_BIG};
  for (int i = 0; i < 2; i++) {
    capkit_scan_layout t = {orders[i], 9, 1, 0, 0};
    capkit_scanner s;
    capkit__scan_setup(&s, &t);
    size_t at;
    if (capkit_scanner_find(&s, buf, len, from, at_end, &at) == 1 &&
        (!found || at < best)) {
      found = 1;
      best = at;
      bl = t;
    }
  }
  if (!found)
    return 0;
  capkit_scanner s;
  capkit__scan_setup(&s, &bl);
  const uint8_t *data[INFER_RECORDS];
  uint32_t cl[INFER_RECORDS], ol[INFER_RECORDS];
  int ns;
  size_t n = walk(&s, buf, len, best, data, cl, ol, INFER_RECORDS, &ns);
  bl.precision = ns ? 9 : 6;
  int64_t lt = capkit_scan_guess_linktype(data, cl, ol, n);
  *lt_known = lt >= 0;
  bl.linktype = lt >= 0 ? (uint32_t)lt : CAPKIT_LINKTYPE_ETHERNET;
  *l = bl;
  *start = best;
  return 1;
}

int64_t capkit__scan_guess_at(const capkit_scanner *s, const uint8_t *buf,
                              size_t len, size_t start) {
  const uint8_t *data[INFER_RECORDS];
  uint32_t cl[INFER_RECORDS], ol[INFER_RECORDS];
  int ns;
  size_t n = walk(s, buf, len, start, data, cl, ol, INFER_RECORDS, &ns);
  return capkit_scan_guess_linktype(data, cl, ol, n);
}

capkit__fit_fn capkit__fit_for(uint32_t linktype) {
  switch (linktype) {
  case CAPKIT_LINKTYPE_ETHERNET:
    return capkit__fit_ether;
  case CAPKIT_LINKTYPE_RAW:
  case CAPKIT_LINKTYPE_IPV4:
  case CAPKIT_LINKTYPE_IPV6:
    return capkit__fit_ip;
  case CAPKIT_LINKTYPE_LINUX_SLL:
    return capkit__fit_sll;
  }
  return NULL;
}

/* gen.c - packets from a parsed spec: a full assembly computes lengths,
 * next-protocol fields and checksums; the compiled template then only
 * patches the varying fields per packet and updates the checksums from a
 * precomputed base sum plus the bytes that changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "build/build_int.h"
#include "internal.h"

/* A checksum: segments of the packet summed as 16-bit words (each from
 * its own start), plus a constant (pseudo-header length and protocol). */
#define MAXSEG 3
typedef struct chk {
  size_t pos; /* where the result goes */
  int udp;    /* 0 -> 0xffff */
  size_t seg_off[MAXSEG], seg_len[MAXSEG];
  int nseg;
  uint32_t konst;
  /* compiled: the sum with dirty bytes zeroed, and the dirty pieces */
  uint32_t base;
  size_t *pc_off, *pc_len;
  uint8_t *pc_odd;
  size_t npc;
} chk;

/* A varying field: where it goes and how it changes. */
typedef struct var {
  fval *v;
  uint64_t *cur_hi, *cur_lo;
  uint64_t mask;
  size_t bit;
  uint8_t bits, swap;
} var;

typedef struct plan_pkt {
  uint8_t dir; /* 0 client -> server */
  uint16_t flags;
  uint32_t seq, ack; /* relative to each side's ISN */
  size_t doff, dlen; /* data from req (dir 0) or resp (dir 1) */
  uint8_t syn;
} plan_pkt;

struct capkit_gen {
  bspec s;
  uint32_t linktype;
  uint64_t rng;
  uint8_t *buf;
  size_t cap; /* buf holds cap (+64) bytes: the longest packet made */
  size_t len;
  int fast;
  var *vars;
  size_t nvars;
  chk *chks; /* one per layer at most */
  int nchk;
  /* random payload bytes in the fast path */
  size_t rnd_off, rnd_len;
  int rnd;
  /* tcp-session */
  plan_pkt *plan;
  size_t nplan, k;
  uint8_t *reqb, *respb;
};

static uint64_t next_rand(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rand_range(uint64_t *s, uint64_t lo, uint64_t hi) {
  uint64_t r = next_rand(s), span = hi - lo + 1;
  if (span == 0)
    return r;
  return lo + (uint64_t)(((unsigned __int128)r * span) >> 64);
}

/* The value of a field for this packet; advances it. */
static void fval_step(fval *v, uint64_t mask, uint64_t *rng, uint64_t *hi,
                      uint64_t *lo) {
  switch (v->mode) {
  case M_INC:
    *hi = v->hi;
    *lo = (v->lo + v->idx * v->step) & mask;
    v->idx++;
    if (v->count && v->idx == v->count)
      v->idx = 0;
    return;
  case M_LIST:
    *hi = v->list[2 * v->idx];
    *lo = v->list[2 * v->idx + 1];
    if (++v->idx == v->nlist)
      v->idx = 0;
    return;
  case M_RAND:
    *hi = v->hi;
    *lo = rand_range(rng, v->rlo, v->rhi) & mask;
    return;
  default:
    *hi = v->hi;
    *lo = v->lo;
  }
}

static uint64_t fmask(const bfield *f) {
  return f->bits >= 64 ? ~0ull : (1ull << f->bits) - 1;
}

static void put_bits(uint8_t *b, size_t bit, unsigned bits, uint64_t hi,
                     uint64_t lo) {
  if (bits == 128) {
    uint8_t *p = b + bit / 8;
    for (int i = 0; i < 8; i++) {
      p[i] = (uint8_t)(hi >> (56 - 8 * i));
      p[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
    }
    return;
  }
  if ((bit & 7) == 0 && (bits & 7) == 0) {
    uint8_t *p = b + bit / 8;
    unsigned n = bits / 8;
    for (unsigned i = 0; i < n; i++)
      p[i] = (uint8_t)(lo >> (8 * (n - 1 - i)));
    return;
  }
  for (unsigned i = 0; i < bits; i++) {
    size_t pos = bit + i;
    unsigned bv = (unsigned)(lo >> (bits - 1 - i)) & 1;
    uint8_t m = (uint8_t)(0x80 >> (pos & 7));
    b[pos / 8] = (uint8_t)(bv ? b[pos / 8] | m : b[pos / 8] & ~m);
  }
}

static uint32_t sum16(const uint8_t *p, size_t n, int odd) {
  uint32_t s = 0;
  size_t i = 0;
  if (odd && n) {
    s += p[0];
    i = 1;
  }
  for (; i + 1 < n; i += 2)
    s += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (i < n)
    s += (uint32_t)p[i] << 8;
  return s;
}

static uint16_t fold(uint32_t s) {
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

static int l_proto(const blayer *l) {
  if (!l)
    return -1;
  switch (l->d->type) {
  case L_ICMP: return 1;
  case L_TCP: case L_SESSION: return 6;
  case L_UDP: return 17;
  case L_IP4: return 4;
  case L_IP6: return 41;
  case L_ICMP6: return 58;
  case L_HBH: return 0;
  case L_RT: return 43;
  case L_FRAG6: return 44;
  case L_DST: return 60;
  case L_PAYLOAD: return 253;
  default: return -1;
  }
}

static uint16_t l_ethertype(const blayer *l) {
  if (!l)
    return 0x88b5;
  switch (l->d->type) {
  case L_VLAN: return 0x8100;
  case L_QINQ: return 0x88a8;
  case L_IP4: return 0x0800;
  case L_IP6: return 0x86dd;
  case L_ARP: return 0x0806;
  default: return 0x88b5;
  }
}

static size_t tcp_optlen(const blayer *l) {
  size_t n = 0;
  if (l->mss >= 0)
    n += 4;
  if (l->sackok && l->has_ts)
    n += 12;
  else if (l->sackok || l->has_ts)
    n += l->has_ts ? 12 : 4;
  if (l->wscale >= 0)
    n += 4;
  n += l->nopts;
  return (n + 3) & ~(size_t)3;
}

static void tcp_opts(const blayer *l, uint8_t *p) {
  size_t k = 0, n = tcp_optlen(l);
  memset(p, 0, n);
  if (l->mss >= 0) {
    p[k++] = 2, p[k++] = 4, p[k++] = (uint8_t)(l->mss >> 8);
    p[k++] = (uint8_t)l->mss;
  }
  if (l->sackok && l->has_ts)
    p[k++] = 4, p[k++] = 2;
  else if (l->sackok || l->has_ts)
    p[k++] = 1, p[k++] = 1;
  if (l->sackok && !l->has_ts)
    p[k++] = 4, p[k++] = 2;
  if (l->has_ts) {
    p[k++] = 8, p[k++] = 10;
    for (int i = 0; i < 4; i++)
      p[k++] = (uint8_t)(l->tsval >> (24 - 8 * i));
    for (int i = 0; i < 4; i++)
      p[k++] = (uint8_t)(l->tsecr >> (24 - 8 * i));
  }
  if (l->wscale >= 0)
    p[k++] = 1, p[k++] = 3, p[k++] = 3, p[k++] = (uint8_t)l->wscale;
  if (l->nopts)
    memcpy(p + k, l->opts, l->nopts);
}

static size_t hdr_len(const blayer *l) {
  switch (l->d->type) {
  case L_ETH: return 14;
  case L_VLAN: case L_QINQ: return 4;
  case L_SLL: return 16;
  case L_SLL2: return 20;
  case L_ARP: return 28;
  case L_IP4: return 20 + ((l->nopts + 3) & ~(size_t)3);
  case L_IP6: return 40;
  case L_HBH: case L_DST: return (2 + l->nopts + 7) & ~(size_t)7;
  case L_RT: return 8 + 16 * l->naddrs;
  case L_FRAG6: case L_ICMP: case L_ICMP6: case L_UDP: return 8;
  case L_TCP: return 20 + tcp_optlen(l);
  case L_PAYLOAD: return (size_t)l->cur_lo[0];
  default: return 0;
  }
}

/* Padding for hop-by-hop/destination options: Pad1 or PadN. */
static void ext_pad(uint8_t *p, size_t n) {
  if (n == 1)
    p[0] = 0;
  else if (n >= 2) {
    p[0] = 1;
    p[1] = (uint8_t)(n - 2);
    memset(p + 2, 0, n - 2);
  }
}

/* Assemble the packet from the layers' current values into buf (cap
 * bytes, sized by buf_room()); returns its length. chks/nchk, if given,
 * receive the automatic checksums, innermost first. */
static size_t assemble(blayer *L, int n, uint8_t *buf, size_t cap,
                       uint64_t *rng, chk *chks, int *nchk) {
  size_t off = 0;
  for (int i = 0; i < n; i++) {
    L[i].off = off;
    L[i].hlen = hdr_len(&L[i]);
    if (off + L[i].hlen > cap)
      L[i].hlen = cap - off; /* checked at compile time */
    off += L[i].hlen;
  }
  size_t total = off;
  for (int i = 0; i < n; i++) {
    blayer *l = &L[i];
    const blayer_desc *d = l->d;
    uint8_t *h = buf + l->off;
    const blayer *next = i + 1 < n ? &L[i + 1] : NULL;
    if (d->type == L_PAYLOAD) {
      if (l->rnd) {
        for (size_t k = 0; k < l->hlen; k += 8) {
          uint64_t r = next_rand(rng);
          size_t m = l->hlen - k < 8 ? l->hlen - k : 8;
          memcpy(h + k, &r, m);
        }
      } else if (l->nsrc == 1) {
        memset(h, l->src[0], l->hlen);
      } else if (l->hlen && l->nsrc >= l->hlen) {
        memcpy(h, l->src, l->hlen);
      } else if (l->nsrc) {
        for (size_t k = 0; k < l->hlen; k++)
          h[k] = l->src[k % l->nsrc];
      } else {
        memset(h, 0, l->hlen);
      }
      continue;
    }
    memset(h, 0, l->hlen);
    /* defaults, then automatic values, then what the spec sets */
    for (int f = 0; f < d->nfields; f++)
      if (!l->f[f].set && d->fields[f].autok == A_NONE)
        put_bits(h, d->fields[f].bit, d->fields[f].bits, d->fields[f].def_hi,
                 d->fields[f].def_lo);
    for (int f = 0; f < d->nfields; f++) {
      const bfield *bf = &d->fields[f];
      uint64_t v;
      if (l->f[f].set || bf->autok == A_NONE || bf->autok == A_CHK)
        continue;
      switch (bf->autok) {
      case A_ETYPE: v = l_ethertype(next); break;
      case A_IHL: case A_TCPOFF: v = l->hlen / 4; break;
      case A_IPLEN: case A_UDPLEN: v = total - l->off; break;
      case A_PLEN6: v = total - l->off - 40; break;
      case A_PROTO: {
        int pr = l_proto(next);
        v = pr >= 0 ? (uint64_t)pr : 59;
        if (!next && d->type == L_IP4)
          v = 253;
        break;
      }
      case A_EXTLEN: v = d->type == L_RT ? 2 * l->naddrs : l->hlen / 8 - 1;
        break;
      default: v = 0;
      }
      put_bits(h, bf->bit, bf->bits, 0, v & fmask(bf));
    }
    switch (d->type) {
    case L_IP4:
      if (l->nopts)
        memcpy(h + 20, l->opts, l->nopts);
      break;
    case L_TCP:
      tcp_opts(l, h + 20);
      break;
    case L_HBH:
    case L_DST:
      if (l->nopts)
        memcpy(h + 2, l->opts, l->nopts);
      ext_pad(h + 2 + l->nopts, l->hlen - 2 - l->nopts);
      break;
    case L_RT:
      for (size_t k = 0; k < l->naddrs; k++)
        memcpy(h + 8 + 16 * k, l->addrs[k], 16);
      break;
    default:
      break;
    }
    for (int f = 0; f < d->nfields; f++)
      if (l->f[f].set)
        put_bits(h, d->fields[f].bit, d->fields[f].bits, l->cur_hi[f],
                 l->cur_lo[f]);
  }
  /* checksums, innermost first */
  int nc = 0;
  for (int i = n - 1; i >= 0; i--) {
    blayer *l = &L[i];
    int t = l->d->type;
    int ci = capkit__field_index(l->d, "chksum");
    if (ci < 0 || l->f[ci].set)
      continue;
    chk c;
    memset(&c, 0, sizeof c);
    c.pos = l->off + l->d->fields[ci].bit / 8;
    if (t == L_IP4) {
      c.seg_off[0] = l->off;
      c.seg_len[0] = l->hlen;
      c.nseg = 1;
    } else {
      size_t len = total - l->off;
      if (t != L_ICMP) {
        int ip = i - 1;
        while (ip >= 0 && L[ip].d->type != L_IP4 && L[ip].d->type != L_IP6)
          ip--;
        if (ip < 0)
          continue;
        int proto = t == L_UDP ? 17 : t == L_TCP ? 6 : 58;
        if (L[ip].d->type == L_IP4) {
          c.seg_off[0] = L[ip].off + 12;
          c.seg_len[0] = 8;
        } else {
          c.seg_off[0] = L[ip].off + 8;
          c.seg_len[0] = 32;
        }
        c.nseg = 1;
        /* a routing header with segments left: the pseudo header has the
         * final destination, its last address (RFC 8200 8.1) */
        for (int r = ip + 1; r < i && L[ip].d->type == L_IP6; r++) {
          const blayer *rt = &L[r];
          int sl = capkit__field_index(rt->d, "segleft");
          if (rt->d->type != L_RT || !rt->naddrs)
            continue;
          uint64_t left = rt->f[sl].set ? rt->cur_lo[sl] : 0;
          if (!left)
            continue;
          c.seg_len[0] = 16;
          c.seg_off[1] = rt->off + 8 + 16 * (rt->naddrs - 1);
          c.seg_len[1] = 16;
          c.nseg = 2;
        }
        c.konst = (uint32_t)proto + (uint32_t)(len >> 16) +
                  (uint32_t)(len & 0xffff);
      }
      c.seg_off[c.nseg] = l->off;
      c.seg_len[c.nseg] = len;
      c.nseg++;
      c.udp = t == L_UDP;
    }
    buf[c.pos] = buf[c.pos + 1] = 0;
    uint32_t s = c.konst;
    for (int k = 0; k < c.nseg; k++)
      s += sum16(buf + c.seg_off[k], c.seg_len[k], 0);
    uint16_t r = fold(s);
    if (c.udp && r == 0)
      r = 0xffff;
    buf[c.pos] = (uint8_t)(r >> 8);
    buf[c.pos + 1] = (uint8_t)r;
    if (chks)
      chks[nc++] = c;
  }
  if (nchk)
    *nchk = nc;
  /* Ethernet padding: a trailer, outside every length and checksum */
  if (n && L[0].d->type == L_ETH && L[0].pad > total) {
    size_t pad = L[0].pad < cap ? L[0].pad : cap;
    memset(buf + total, 0, pad - total);
    total = pad;
  }
  return total;
}

/* The bytes that change per packet, as a mask over the packet. */
static int compile_checksums(capkit_gen *g) {
  uint8_t *dirty = calloc(g->len ? g->len : 1, 1);
  if (!dirty)
    return CAPKIT_ENOMEM;
  for (size_t k = 0; k < g->nvars; k++) {
    size_t b = g->vars[k].bit / 8, e = (g->vars[k].bit + g->vars[k].bits + 7) / 8;
    memset(dirty + b, 1, e - b);
  }
  if (g->rnd)
    memset(dirty + g->rnd_off, 1, g->rnd_len);
  for (int c = 0; c < g->nchk; c++) {
    chk *ck = &g->chks[c];
    uint32_t s = ck->konst;
    size_t npc = 0;
    for (int pass = 0; pass < 2; pass++) {
      npc = 0;
      for (int sg = 0; sg < ck->nseg; sg++) {
        size_t so = ck->seg_off[sg], sl = ck->seg_len[sg];
        for (size_t i = 0; i < sl;) {
          size_t a = so + i;
          int own = a == ck->pos || a == ck->pos + 1;
          if (!dirty[a] || own) {
            if (pass == 0 && !own)
              s += (i & 1) ? g->buf[a] : (uint32_t)g->buf[a] << 8;
            i++;
            continue;
          }
          size_t j = i;
          while (j < sl && dirty[so + j] && so + j != ck->pos)
            j++;
          if (pass == 1) {
            ck->pc_off[npc] = a;
            ck->pc_len[npc] = j - i;
            ck->pc_odd[npc] = (uint8_t)(i & 1);
          }
          npc++;
          i = j;
        }
      }
      if (pass == 0) {
        if (!npc)
          break;
        ck->pc_off = malloc(npc * sizeof *ck->pc_off);
        ck->pc_len = malloc(npc * sizeof *ck->pc_len);
        ck->pc_odd = malloc(npc);
        if (!ck->pc_off || !ck->pc_len || !ck->pc_odd) {
          free(dirty);
          return CAPKIT_ENOMEM;
        }
      }
    }
    ck->base = s;
    ck->npc = npc;
    if (npc) /* outer checksums see this one change */
      dirty[ck->pos] = dirty[ck->pos + 1] = 1;
  }
  free(dirty);
  return 0;
}

static void update_vars_all(capkit_gen *g, blayer *L, int n) {
  for (int i = 0; i < n; i++)
    for (int f = 0; f < L[i].d->nfields; f++)
      if (L[i].f[f].set)
        fval_step(&L[i].f[f], fmask(&L[i].d->fields[f]), &g->rng,
                  &L[i].cur_hi[f], &L[i].cur_lo[f]);
}

/* ---- tcp-session ---- */

static int add_plan(capkit_gen *g, size_t *cap, plan_pkt p) {
  if (g->nplan == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    plan_pkt *np = realloc(g->plan, nc * sizeof *np);
    if (!np)
      return CAPKIT_ENOMEM;
    g->plan = np;
    *cap = nc;
  }
  g->plan[g->nplan++] = p;
  return 0;
}

enum { TF = 1, TS = 2, TR = 4, TP = 8, TA = 16 };

static int make_plan(capkit_gen *g, blayer *sl) {
  size_t cap = 0;
  size_t seg = (size_t)sl->f[6].lo; /* segsize */
  if (!sl->f[6].set)
    seg = sl->f[5].set ? (size_t)sl->f[5].lo : 1460;
  if (seg == 0 || (sl->f[6].set && sl->f[6].mode != M_FIX))
    return CAPKIT_ESPEC;
  uint32_t c = 0, s = 0; /* relative sequence numbers */
  int rc = 0;
  rc |= add_plan(g, &cap, (plan_pkt){0, TS, 0, 0, 0, 0, 1});
  rc |= add_plan(g, &cap, (plan_pkt){1, TS | TA, 0, 1, 0, 0, 1});
  c = s = 1;
  rc |= add_plan(g, &cap, (plan_pkt){0, TA, c, s, 0, 0, 0});
  for (size_t o = 0; o < sl->reqlen && !rc; o += seg) {
    size_t n = sl->reqlen - o < seg ? sl->reqlen - o : seg;
    rc |= add_plan(g, &cap, (plan_pkt){0, TP | TA, c, s, o, n, 0});
    c += (uint32_t)n;
    rc |= add_plan(g, &cap, (plan_pkt){1, TA, s, c, 0, 0, 0});
  }
  for (size_t o = 0; o < sl->resplen && !rc; o += seg) {
    size_t n = sl->resplen - o < seg ? sl->resplen - o : seg;
    rc |= add_plan(g, &cap, (plan_pkt){1, TP | TA, s, c, o, n, 0});
    s += (uint32_t)n;
    rc |= add_plan(g, &cap, (plan_pkt){0, TA, c, s, 0, 0, 0});
  }
  if (sl->close_rst) {
    rc |= add_plan(g, &cap, (plan_pkt){0, TR | TA, c, s, 0, 0, 0});
  } else if (!sl->close_none) {
    rc |= add_plan(g, &cap, (plan_pkt){0, TF | TA, c, s, 0, 0, 0});
    rc |= add_plan(g, &cap, (plan_pkt){1, TA, s, c + 1, 0, 0, 0});
    rc |= add_plan(g, &cap, (plan_pkt){1, TF | TA, s, c + 1, 0, 0, 0});
    rc |= add_plan(g, &cap, (plan_pkt){0, TA, c + 1, s + 1, 0, 0, 0});
  }
  if (rc)
    return CAPKIT_ENOMEM;
  /* data bytes: the text repeated (or a letter pattern) to the length */
  uint8_t **bufs[2] = {&g->reqb, &g->respb};
  size_t lens[2] = {sl->reqlen, sl->resplen};
  const uint8_t *src[2] = {sl->req, sl->resp};
  size_t nsrc[2] = {sl->nreq, sl->nresp};
  for (int d = 0; d < 2; d++) {
    *bufs[d] = malloc(lens[d] ? lens[d] : 1);
    if (!*bufs[d])
      return CAPKIT_ENOMEM;
    for (size_t k = 0; k < lens[d]; k++)
      (*bufs[d])[k] = nsrc[d] ? src[d][k % nsrc[d]] : (uint8_t)('a' + k % 26);
  }
  return 0;
}

static void swap_field(blayer *l, const char *a, const char *b) {
  int i = capkit__field_index(l->d, a), j = capkit__field_index(l->d, b);
  if (i < 0 || j < 0)
    return;
  const bfield *fa = &l->d->fields[i], *fb = &l->d->fields[j];
  uint64_t ah = l->f[i].set ? l->cur_hi[i] : fa->def_hi;
  uint64_t al = l->f[i].set ? l->cur_lo[i] : fa->def_lo;
  uint64_t bh = l->f[j].set ? l->cur_hi[j] : fb->def_hi;
  uint64_t bl = l->f[j].set ? l->cur_lo[j] : fb->def_lo;
  l->f[i].set = l->f[j].set = 1;
  l->cur_hi[i] = bh, l->cur_lo[i] = bl;
  l->cur_hi[j] = ah, l->cur_lo[j] = al;
}

static void session_next(capkit_gen *g) {
  int n = g->s.n - 1; /* layers below the session */
  blayer *sl = &g->s.l[n];
  if (g->k == 0)
    update_vars_all(g, g->s.l, g->s.n);
  const plan_pkt *p = &g->plan[g->k];
  blayer L[BF_MAXL + 2];
  memcpy(L, g->s.l, (size_t)n * sizeof *L);
  if (p->dir)
    for (int i = 0; i < n; i++) {
      swap_field(&L[i], "src", "dst");
      swap_field(&L[i], "spa", "tpa");
    }
  blayer *t = &L[n], *pl = &L[n + 1];
  memset(t, 0, sizeof *t);
  memset(pl, 0, sizeof *pl);
  t->d = capkit__layer_desc(L_TCP);
  pl->d = capkit__layer_desc(L_PAYLOAD);
  t->mss = t->wscale = -1;
#define SV(i, def) (sl->f[i].set ? sl->cur_lo[i] : (def))
  uint32_t cport = (uint32_t)SV(0, 40000), sport = (uint32_t)SV(1, 7);
  uint32_t isn = (uint32_t)SV(2, 1000), risn = (uint32_t)SV(3, 5000);
  uint64_t vals[] = {p->dir ? sport : cport,
                     p->dir ? cport : sport,
                     (uint32_t)(p->seq + (p->dir ? risn : isn)),
                     (p->flags & TA) ? (uint32_t)(p->ack + (p->dir ? isn : risn))
                                     : 0,
                     p->flags,
                     SV(4, 65535)};
  const char *names[] = {"sport", "dport", "seq", "ack", "flags", "window"};
  for (int k = 0; k < 6; k++) {
    int fi = capkit__field_index(t->d, names[k]);
    t->f[fi].set = 1;
    t->cur_lo[fi] = vals[k];
  }
  if (p->syn)
    t->mss = (int)SV(5, 1460);
  pl->src = (p->dir ? g->respb : g->reqb) + p->doff;
  pl->nsrc = p->dlen;
  pl->cur_lo[0] = p->dlen;
  g->len = assemble(L, n + 2, g->buf, g->cap, &g->rng, NULL, NULL);
  if (++g->k == g->nplan)
    g->k = 0;
#undef SV
}

/* ---- public ---- */

/* Make buf hold a packet of n bytes (and an Ethernet trailer), at most
 * BF_MAXPKT: it grows only when a longer packet is asked for, so a stream
 * costs about its own packet size. */
static int buf_room(capkit_gen *g, size_t n) {
  if (g->s.n && g->s.l[0].d->type == L_ETH && g->s.l[0].pad > n)
    n = g->s.l[0].pad;
  if (n > BF_MAXPKT)
    n = BF_MAXPKT;
  if (g->buf && n <= g->cap)
    return 0;
  if (g->buf && n < 2 * g->cap)
    n = 2 * g->cap < BF_MAXPKT ? 2 * g->cap : BF_MAXPKT;
  size_t had = g->buf ? g->cap + 64 : 0;
  uint8_t *b = realloc(g->buf, n + 64); /* 64: slack for put_bits */
  if (!b)
    return CAPKIT_ENOMEM;
  memset(b + had, 0, n + 64 - had);
  g->buf = b;
  g->cap = n;
  return 0;
}

int capkit_gen_new(const char *spec, uint64_t seed, capkit_gen **out,
                   capkit_spec_error *err) {
  *out = NULL;
  capkit__spec_error_clear(err);
  capkit_gen *g = calloc(1, sizeof *g);
  if (!g)
    return CAPKIT_ENOMEM;
  int rc = capkit__spec_parse(spec, &g->s, err);
  if (rc) {
    free(g);
    return rc;
  }
  g->rng = seed;
  switch (g->s.l[0].d->type) {
  case L_ETH: g->linktype = CAPKIT_LINKTYPE_ETHERNET; break;
  case L_SLL: g->linktype = CAPKIT_LINKTYPE_LINUX_SLL; break;
  case L_SLL2: g->linktype = CAPKIT_LINKTYPE_LINUX_SLL2; break;
  default: g->linktype = CAPKIT_LINKTYPE_RAW;
  }
  blayer *last = &g->s.l[g->s.n - 1];
  /* fixed values first */
  for (int i = 0; i < g->s.n; i++)
    for (int f = 0; f < g->s.l[i].d->nfields; f++) {
      g->s.l[i].cur_hi[f] = g->s.l[i].f[f].hi;
      g->s.l[i].cur_lo[f] = g->s.l[i].f[f].lo;
    }
  if (last->d->type == L_SESSION) {
    rc = make_plan(g, last);
    if (rc == CAPKIT_ESPEC)
      capkit__spec_error_set(
          err, last->col,
          "segsize of tcp-session must be a fixed number above 0");
    /* the lower layers, TCP with MSS, and the longest segment */
    size_t seg = last->f[6].set ? (size_t)last->f[6].lo
                 : last->f[5].set ? (size_t)last->f[5].lo : 1460;
    size_t data = last->reqlen > last->resplen ? last->reqlen : last->resplen;
    size_t room = 24 + (seg < data ? seg : data);
    for (int i = 0; i + 1 < g->s.n; i++)
      room += hdr_len(&g->s.l[i]);
    if (!rc)
      rc = buf_room(g, room);
    if (rc) {
      capkit_gen_free(g);
      return rc;
    }
    /* a header longer than the packet limit is caught here */
    return *out = g, 0;
  }
  size_t total = 0;
  for (int i = 0; i < g->s.n; i++) {
    blayer *l = &g->s.l[i];
    if (l->d->type == L_PAYLOAD) {
      const fval *v = &l->f[0];
      uint64_t mx = v->mode == M_RAND ? v->rhi : v->lo;
      if (v->mode == M_INC)
        mx = v->lo + (v->count - 1) * v->step;
      if (v->mode == M_LIST)
        for (size_t k = 0; k < v->nlist; k++)
          mx = v->list[2 * k + 1] > mx ? v->list[2 * k + 1] : mx;
      total += (size_t)mx;
    } else {
      total += hdr_len(l);
    }
  }
  if (total > BF_MAXPKT) {
    capkit__spec_error_set(err, 1, "packets would be longer than %d bytes",
                           BF_MAXPKT);
    capkit_gen_free(g);
    return CAPKIT_ESPEC;
  }
  rc = buf_room(g, total);
  if (rc) {
    capkit_gen_free(g);
    return rc;
  }
  g->fast = !(last->d->type == L_PAYLOAD && last->f[0].mode != M_FIX);
  if (!g->fast)
    return *out = g, 0;
  g->chks = calloc((size_t)g->s.n, sizeof *g->chks);
  if (!g->chks) {
    capkit_gen_free(g);
    return CAPKIT_ENOMEM;
  }
  g->len =
      assemble(g->s.l, g->s.n, g->buf, g->cap, &g->rng, g->chks, &g->nchk);
  size_t nv = 0;
  for (int i = 0; i < g->s.n; i++)
    for (int f = 0; f < g->s.l[i].d->nfields; f++)
      nv += g->s.l[i].f[f].set && g->s.l[i].f[f].mode != M_FIX &&
            g->s.l[i].d->fields[f].autok != A_VIRT;
  g->vars = calloc(nv ? nv : 1, sizeof *g->vars);
  if (!g->vars) {
    capkit_gen_free(g);
    return CAPKIT_ENOMEM;
  }
  for (int i = 0; i < g->s.n; i++) {
    blayer *l = &g->s.l[i];
    for (int f = 0; f < l->d->nfields; f++) {
      const bfield *bf = &l->d->fields[f];
      if (!l->f[f].set || l->f[f].mode == M_FIX || bf->autok == A_VIRT)
        continue;
      var *v = &g->vars[g->nvars++];
      v->v = &l->f[f];
      v->cur_hi = &l->cur_hi[f];
      v->cur_lo = &l->cur_lo[f];
      v->mask = fmask(bf);
      v->bit = l->off * 8 + bf->bit;
      v->bits = bf->bits;
    }
    if (l->d->type == L_PAYLOAD && l->rnd) {
      g->rnd = 1;
      g->rnd_off = l->off;
      g->rnd_len = l->hlen;
    }
  }
  rc = compile_checksums(g);
  if (rc) {
    capkit_gen_free(g);
    return rc;
  }
  *out = g;
  return 0;
}

void capkit_gen_free(capkit_gen *g) {
  if (!g)
    return;
  for (int c = 0; c < g->nchk; c++) {
    free(g->chks[c].pc_off);
    free(g->chks[c].pc_len);
    free(g->chks[c].pc_odd);
  }
  free(g->chks);
  capkit__spec_free(&g->s);
  free(g->vars);
  free(g->buf);
  free(g->plan);
  free(g->reqb);
  free(g->respb);
  free(g);
}

uint32_t capkit_gen_linktype(const capkit_gen *g) {
  return g ? g->linktype : 0;
}

uint64_t capkit_gen_round_packets(const capkit_gen *g) {
  return !g ? 0 : g->plan ? g->nplan : 1;
}

int capkit_gen_next(capkit_gen *g, const uint8_t **data, size_t *len) {
  if (!g || !data || !len)
    return CAPKIT_EINVAL;
  if (g->plan) {
    session_next(g);
  } else if (!g->fast) {
    update_vars_all(g, g->s.l, g->s.n);
    g->len = assemble(g->s.l, g->s.n, g->buf, g->cap, &g->rng, NULL, NULL);
  } else {
    uint8_t *b = g->buf;
    for (size_t k = 0; k < g->nvars; k++) {
      var *v = &g->vars[k];
      fval_step(v->v, v->mask, &g->rng, v->cur_hi, v->cur_lo);
      put_bits(b, v->bit, v->bits, *v->cur_hi, *v->cur_lo);
    }
    if (g->rnd)
      for (size_t k = 0; k < g->rnd_len; k += 8) {
        uint64_t r = next_rand(&g->rng);
        size_t m = g->rnd_len - k < 8 ? g->rnd_len - k : 8;
        memcpy(b + g->rnd_off + k, &r, m);
      }
    for (int c = 0; c < g->nchk; c++) {
      const chk *ck = &g->chks[c];
      if (!ck->npc)
        continue;
      uint32_t s = ck->base;
      for (size_t k = 0; k < ck->npc; k++)
        s += sum16(b + ck->pc_off[k], ck->pc_len[k], ck->pc_odd[k]);
      uint16_t r = fold(s);
      if (ck->udp && r == 0)
        r = 0xffff;
      b[ck->pos] = (uint8_t)(r >> 8);
      b[ck->pos + 1] = (uint8_t)r;
    }
  }
  *data = g->buf;
  *len = g->len;
  return 0;
}

int capkit_gen_wrap(capkit_gen *g, const uint8_t *payload, size_t n,
                    const uint8_t **data, size_t *len) {
  if (!g || !data || !len || (n && !payload))
    return CAPKIT_EINVAL;
  int last = g->s.l[g->s.n - 1].d->type;
  if (g->plan || last == L_PAYLOAD || g->s.n >= BF_MAXL)
    return CAPKIT_EINVAL;
  size_t hl = 0;
  for (int i = 0; i < g->s.n; i++)
    hl += hdr_len(&g->s.l[i]);
  if (n > BF_MAXPKT || hl + n > BF_MAXPKT)
    return CAPKIT_ETOOBIG;
  if (buf_room(g, hl + n))
    return CAPKIT_ENOMEM;
  update_vars_all(g, g->s.l, g->s.n);
  blayer L[BF_MAXL + 1];
  memcpy(L, g->s.l, (size_t)g->s.n * sizeof *L);
  blayer *pl = &L[g->s.n];
  memset(pl, 0, sizeof *pl);
  pl->d = capkit__layer_desc(L_PAYLOAD);
  pl->src = (uint8_t *)(uintptr_t)payload;
  pl->nsrc = n;
  pl->cur_lo[0] = n;
  g->len = assemble(L, g->s.n + 1, g->buf, g->cap, &g->rng, NULL, NULL);
  *data = g->buf;
  *len = g->len;
  return 0;
}

long capkit_build(const char *spec, uint8_t *buf, size_t cap,
                  capkit_spec_error *err) {
  capkit_gen *g;
  int rc = capkit_gen_new(spec, 0, &g, err);
  if (rc)
    return rc;
  const uint8_t *d;
  size_t n;
  capkit_gen_next(g, &d, &n);
  if (buf && cap)
    memcpy(buf, d, n < cap ? n : cap);
  capkit_gen_free(g);
  return (long)n;
}

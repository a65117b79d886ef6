/* ascii.c - undoing the reverse FTP ASCII-mode mangling (every 0d 0a of a
 * capture written as 0a): a stage in front of the repair walk that frames
 * record by record (pcap) or block by block (pcapng), re-inserting the lost
 * 0d bytes where the lengths, the records after and the packets' checksums
 * say, and naming the records where they cannot tell. */
#include <stdlib.h>
#include <string.h>

#include <capkit/decode.h>

#include "io/src.h"
#include "scan/scan_int.h"

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define NG_SHB 0x0a0d0d0au
#define NG_BOM 0x1a2b3c4du
#define NG_EPB 6u
#define NG_MAX ((uint32_t)16 << 20)
/* At most this many 0a bytes of a header are tried with and without a
 * 0d before them, and this many ways to place the 0d bytes of a record
 * are compared by checksum. */
#define HDR_0A 4
#define MAX_WAYS 1024
#define MAX_K 16
#define MAX_IF 256

typedef struct bad {
  uint64_t off, len;
} bad;

struct capkit__unlf {
  capkit__src in; /* the mangled bytes */
  int ng;
  int swap;
  uint32_t frac_limit, bound, linktype;
  int started; /* pcap: file header done */
  int raw;     /* framing lost for good: the rest passes unchanged */
  int have_prev;
  uint32_t prev;
  uint32_t if_lt[MAX_IF];
  unsigned n_if;
  uint64_t opos; /* output bytes produced */
  uint8_t *out;
  size_t out_len, out_pos, out_cap;
  bad *bads;
  size_t bad_head, bad_n, bad_cap;
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
};

/* Output bytes from p[0..n): olen of them into dst, with a 0d before
 * p[ins[j]] for each j < k (ascending, each an 0a, none at 0). Returns
 * the input bytes used, or -1 when p runs out or not every 0d fitted. */
static long gather(const uint8_t *p, size_t n, const size_t *ins, unsigned k,
                   uint8_t *dst, size_t olen) {
  size_t q = 0, o = 0;
  unsigned j = 0;
  while (o < olen) {
    if (j < k && ins[j] == q) {
      dst[o++] = 0x0d;
      j++;
      continue;
    }
    /* the bytes up to the next 0d, or to the end, in one copy */
    size_t run = olen - o;
    if (j < k && ins[j] > q && ins[j] - q < run)
      run = ins[j] - q;
    if (j < k && ins[j] < q)
      return -1;
    if (run > n - q)
      return -1;
    memcpy(dst + o, p + q, run);
    o += run;
    q += run;
  }
  return j == k ? (long)q : -1;
}

/* A unit header read with some of its 0a bytes given back their 0d. */
typedef struct hcand {
  uint8_t h[16];
  size_t used;   /* input bytes */
  uint32_t olen; /* output length of the whole unit */
  uint32_t sec;  /* pcap: its time */
  unsigned k;
  size_t ins[HDR_0A];
} hcand;

static int ng_known(uint32_t t) {
  switch (t) {
  case NG_SHB: case 1: case 2: case 3: case 4: case 5: case NG_EPB: case 7:
  case 8: case 9: case 0xa: case 0xbad: case 0x40000bad:
    return 1;
  }
  return 0;
}

/* Is h a plausible header of this format? Sets c->olen (and swap for a
 * section header, through *sw). */
static int hdr_ok(const capkit__unlf *u, hcand *c, int *sw) {
  const uint8_t *h = c->h;
  if (u->ng) {
    int s = u->swap;
    if (capkit__ld32(h, 0) == NG_SHB) {
      uint32_t bom = capkit__ld32(h + 8, 0);
      s = bom == NG_BOM ? 0 : capkit__bswap32(bom) == NG_BOM ? 1 : -1;
      if (s < 0)
        return 0;
    }
    uint32_t t = capkit__ld32(h, s), len = capkit__ld32(h + 4, s);
    if (!ng_known(t) || len < 12 || len % 4 || len > NG_MAX)
      return 0;
    c->olen = len;
    *sw = s;
    return 1;
  }
  uint32_t sec = capkit__ld32(h, u->swap), frac = capkit__ld32(h + 4, u->swap);
  uint32_t incl = capkit__ld32(h + 8, u->swap),
           orig = capkit__ld32(h + 12, u->swap);
  if (frac >= u->frac_limit || incl > u->bound || incl > orig || orig == 0 ||
      orig > CAPKIT__MAX_ORIG)
    return 0;
  if (u->have_prev && !capkit__near(sec, u->prev, CAPKIT__STEP_WIN))
    return 0;
  c->olen = CAPKIT__RHDR + incl;
  c->sec = sec;
  *sw = u->swap;
  return 1;
}

/* The header length of a unit: 16 for pcap records; 12 for pcapng (type,
 * length and a section header's byte-order magic). */
static size_t hlen_of(const capkit__unlf *u) { return u->ng ? 12 : 16; }

/* The plausible readings of the header at p (n bytes): each subset of its
 * first HDR_0A 0a bytes given a 0d. Returns how many (at most 1 << HDR_0A),
 * into c[]. */
static unsigned hdr_cands(const capkit__unlf *u, const uint8_t *p, size_t n,
                          hcand *c, int *sws) {
  size_t H = hlen_of(u), pos[HDR_0A];
  unsigned np = 0, nc = 0;
  for (size_t q = 1; q < H && q < n && np < HDR_0A; q++)
    if (p[q] == 0x0a)
      pos[np++] = q;
  for (unsigned m = 0; m < (1u << np); m++) {
    hcand *x = &c[nc];
    x->k = 0;
    for (unsigned j = 0; j < np; j++)
      if (m & (1u << j))
        x->ins[x->k++] = pos[j];
    long used = gather(p, n, x->ins, x->k, x->h, H);
    if (used < 0)
      continue;
    x->used = (size_t)used;
    int sw;
    if (!hdr_ok(u, x, &sw) || x->olen < H)
      continue;
    sws[nc++] = sw;
  }
  return nc;
}

/* Does a unit start at p (n bytes, at_end: the input ends there)? The
 * end of the input, or a plausible header. */
static int starts_unit(capkit__unlf *u, const uint8_t *p, size_t n,
                       int at_end) {
  if (n == 0)
    return at_end;
  if (n < hlen_of(u))
    return 0;
  hcand c[1u << HDR_0A];
  int sws[1u << HDR_0A];
  return hdr_cands(u, p, n, c, sws) > 0;
}

/* One reading of a whole unit: header reading hc, k more 0d bytes in the
 * body before the 0a bytes at pos[sel[0..k)]. */
typedef struct way {
  const hcand *hc;
  int sw;
  unsigned k;
  size_t used;
} way;

static int bad_push(capkit__unlf *u, uint64_t off, uint64_t len) {
  if (u->bad_n == u->bad_cap) {
    if (u->bad_head) {
      memmove(u->bads, u->bads + u->bad_head,
              (u->bad_n - u->bad_head) * sizeof *u->bads);
      u->bad_n -= u->bad_head;
      u->bad_head = 0;
    }
    if (u->bad_n == u->bad_cap) {
      size_t cap = u->bad_cap ? 2 * u->bad_cap : 16;
      bad *nb = realloc(u->bads, cap * sizeof *nb);
      if (!nb)
        return CAPKIT_ENOMEM; /* never a guessed record left unmarked */
      u->bads = nb;
      u->bad_cap = cap;
    }
  }
  u->bads[u->bad_n].off = off;
  u->bads[u->bad_n].len = len;
  u->bad_n++;
  return 0;
}

int capkit__unlf_bad(capkit__unlf *u, uint64_t off, uint64_t *len) {
  while (u->bad_head < u->bad_n && u->bads[u->bad_head].off < off)
    u->bad_head++;
  if (u->bad_head < u->bad_n && u->bads[u->bad_head].off == off) {
    *len = u->bads[u->bad_head].len;
    return 1;
  }
  return 0;
}

static int reserve(capkit__unlf *u, size_t n) {
  if (n <= u->out_cap)
    return 0;
  uint8_t *nb = realloc(u->out, n);
  if (!nb)
    return CAPKIT_ENOMEM;
  u->out = nb;
  u->out_cap = n;
  return 0;
}

/* Do the packet's checksums all hold, and do those that hold cover every
 * byte at[0..k) (packet offsets of the 0d bytes given back)? A 0d placed
 * wrong shifts what follows it: a checksum over it fails, or a header
 * after it stops parsing and takes its checksum along, which coverage
 * catches. 1 yes, 0 no. */
static int csum_holds(capkit__unlf *u, uint32_t lt, const uint8_t *d,
                      uint32_t caplen, uint32_t orig, const size_t *at,
                      unsigned k) {
  capkit_packet pkt;
  capkit_packet_init(&pkt, u->layers, CAPKIT_DECODE_MAX_LAYERS);
  size_t n = capkit_decode(&pkt, lt, d, caplen, orig, CAPKIT_DECODE_CHECKSUMS);
  for (size_t i = 0; i < n; i++)
    if (u->layers[i].csum == CAPKIT_CSUM_BAD)
      return 0;
  for (unsigned j = 0; j < k; j++) {
    int covered = 0;
    for (size_t i = 0; i < n && !covered; i++) {
      const capkit_layer *l = &u->layers[i];
      if (l->csum != CAPKIT_CSUM_GOOD)
        continue;
      uint64_t end = (uint64_t)l->offset + l->len;
      if (l->type != CAPKIT_LAYER_IPV4)
        end += l->payload_len; /* transport checksums cover the payload */
      covered = at[j] >= l->offset && at[j] < end;
    }
    if (!covered)
      return 0;
  }
  return 1;
}

/* The packet of an output unit o (len bytes) and its link type; 0 when it
 * carries none. */
static int packet_of(const capkit__unlf *u, const uint8_t *o, size_t len,
                     int sw, uint32_t *lt, const uint8_t **d, uint32_t *cl,
                     uint32_t *ol) {
  if (!u->ng) {
    *lt = u->linktype;
    *d = o + CAPKIT__RHDR;
    *cl = capkit__ld32(o + 8, sw);
    *ol = capkit__ld32(o + 12, sw);
    return 1;
  }
  if (len < 32 || capkit__ld32(o, sw) != NG_EPB)
    return 0;
  uint32_t id = capkit__ld32(o + 8, sw);
  if (id >= u->n_if || id >= MAX_IF)
    return 0;
  *lt = u->if_lt[id];
  *d = o + 28;
  *cl = capkit__ld32(o + 20, sw);
  *ol = capkit__ld32(o + 24, sw);
  return *cl <= len - 32;
}

/* Is the output unit consistent in itself? pcapng: both lengths agree
 * and a packet block holds its captured bytes. */
static int body_ok(const capkit__unlf *u, const uint8_t *o, size_t len,
                   int sw) {
  if (!u->ng)
    return 1;
  if (capkit__ld32(o + len - 4, sw) != len)
    return 0;
  if (capkit__ld32(o, sw) == NG_EPB)
    return len >= 32 && capkit__ld32(o + 20, sw) <= len - 32;
  return 1;
}

/* Next subset of size k of 0..m-1 (sel ascending); 0 after the last. */
static int next_sel(unsigned *sel, unsigned k, unsigned m) {
  for (unsigned i = k; i-- > 0;) {
    if (sel[i] < m - k + i) {
      sel[i]++;
      for (unsigned j = i + 1; j < k; j++)
        sel[j] = sel[j - 1] + 1;
      return 1;
    }
  }
  return 0;
}

/* Build the output of one way into u->out; 0 or -1. */
static int build(capkit__unlf *u, const uint8_t *p, size_t n, const way *w,
                 const size_t *pos, const unsigned *sel) {
  size_t ins[HDR_0A + MAX_K];
  unsigned k = 0;
  for (unsigned j = 0; j < w->hc->k; j++)
    ins[k++] = w->hc->ins[j];
  for (unsigned j = 0; j < w->k; j++)
    ins[k++] = pos[sel[j]];
  long used = gather(p, n, ins, k, u->out, w->hc->olen);
  return used == (long)w->used ? 0 : -1;
}

/* Frame the unit at the cursor and put its output in u->out. 1 done, 0
 * framing lost, negative on error. */
static int unit(capkit__unlf *u) {
  size_t H = hlen_of(u);
  int f = capkit__src_fill(&u->in, H);
  if (f < 0)
    return f;
  const uint8_t *p = u->in.cur;
  size_t n = (size_t)(u->in.end - p);
  hcand hc[1u << HDR_0A];
  int sws[1u << HDR_0A];
  unsigned nh = n >= H ? hdr_cands(u, p, n, hc, sws) : 0;
  if (nh == 0)
    return 0;
  /* The bytes of the longest reading and what follows it. */
  uint32_t maxlen = 0;
  for (unsigned i = 0; i < nh; i++)
    if (hc[i].olen > maxlen)
      maxlen = hc[i].olen;
  f = capkit__src_fill(&u->in, (size_t)maxlen + 64);
  if (f < 0)
    return f;
  p = u->in.cur;
  n = (size_t)(u->in.end - p);
  int at_end = f == 0;
  if (reserve(u, maxlen))
    return CAPKIT_ENOMEM;
  /* Framings: each header reading, each count k of 0d bytes in the body
   * whose end is followed by a unit (or the end of the input). */
  size_t pos[64];
  unsigned npos = 0;
  way good = {0};
  const size_t *gpos = NULL;
  unsigned gsel[MAX_K], ngood = 0, nframes = 0, ambiguous = 0;
  size_t gpos_buf[64];
  int swap0 = u->swap;
  for (unsigned i = 0; i < nh; i++) {
    const hcand *c = &hc[i];
    size_t body = c->olen - H; /* output bytes after the header */
    /* A section header sets the byte order of the blocks after it. */
    u->swap = sws[i];
    /* 0a bytes where a 0d may go: after the header, up to the end of the
     * longest framing (the first 64; more leave only k = 0). */
    size_t all = 0, top = c->used + body;
    for (size_t q = c->used; q <= top && q < n && all < 64; q++)
      if (p[q] == 0x0a && q > 0)
        pos[all++] = q;
    for (unsigned k = 0; k <= MAX_K && k <= body; k++) {
      size_t end = c->used + body - k; /* input bytes of the unit */
      npos = (unsigned)all;
      while (npos && pos[npos - 1] > end)
        npos--;
      if (npos < k)
        break; /* fewer still for every larger k */
      if (end > n || (all == 64 && npos == 64 && k > 0))
        continue;
      /* A header reading inserted its 0d bytes inside the header only. */
      if (!starts_unit(u, p + end, n - end, at_end))
        continue;
      way w = {c, sws[i], k, end};
      unsigned sel[MAX_K];
      for (unsigned j = 0; j < k; j++)
        sel[j] = j;
      unsigned tried = 0, fits = 0, holds = 0;
      unsigned hsel[MAX_K], csel[MAX_K];
      int checked = 1;
      do {
        if (++tried > MAX_WAYS) {
          checked = 0;
          break;
        }
        if (build(u, p, n, &w, pos, sel) || !body_ok(u, u->out, c->olen,
                                                    w.sw))
          continue;
        if (fits++ == 0)
          memcpy(hsel, sel, sizeof sel);
        uint32_t lt, cl, ol;
        const uint8_t *d;
        size_t at[MAX_K];
        unsigned na = 0;
        if (k && packet_of(u, u->out, c->olen, w.sw, &lt, &d, &cl, &ol)) {
          /* Where the body's 0d bytes sit in the packet: each input
           * position plus the 0d bytes before it, less the packet's start
           * (one before the packet wraps round: never covered). The
           * header's own 0d bytes are settled by the framing. */
          size_t dstart = (size_t)(d - u->out);
          for (unsigned j = 0; j < k; j++)
            at[na++] = pos[sel[j]] + c->k + j - dstart;
        }
        if (k && na && csum_holds(u, lt, d, cl, ol, at, na)) {
          if (holds++ == 0)
            memcpy(csel, sel, sizeof sel);
        }
      } while (k && next_sel(sel, k, npos));
      if (!fits)
        continue;
      nframes++;
      if (nframes > 1) {
        ambiguous = 1;
        continue;
      }
      good = w;
      memcpy(gpos_buf, pos, npos * sizeof *pos);
      gpos = gpos_buf;
      if (fits == 1 && checked) {
        memcpy(gsel, hsel, sizeof hsel);
        ngood = 1;
      } else if (holds == 1 && checked) {
        memcpy(gsel, csel, sizeof csel);
        ngood = 1;
      } else {
        memcpy(gsel, hsel, sizeof hsel);
        ngood = 0;
      }
    }
  }
  u->swap = swap0;
  if (nframes == 0)
    return 0;
  if (build(u, p, n, &good, gpos, gsel))
    return 0;
  uint32_t olen = good.hc->olen;
  int sw = good.sw;
  if ((!ngood || ambiguous) && bad_push(u, u->opos, olen))
    return CAPKIT_ENOMEM;
  /* What the unit tells the framing of the next ones. */
  if (u->ng) {
    uint32_t t = capkit__ld32(u->out, sw);
    if (t == NG_SHB) {
      u->swap = sw;
      u->n_if = 0;
    } else if (t == 1 && olen >= 20) {
      if (u->n_if < MAX_IF)
        u->if_lt[u->n_if] = capkit__ld16(u->out + 8, sw);
      u->n_if++;
    }
  } else {
    u->prev = good.hc->sec;
    u->have_prev = 1;
  }
  u->in.cur += good.used;
  u->out_len = olen;
  u->out_pos = 0;
  return 1;
}

/* pcap: the file header, with the 0d bytes it lost; 1, 0 when it is not
 * a pcap header, negative on error. */
static int file_header(capkit__unlf *u) {
  int f = capkit__src_fill(&u->in, 64);
  if (f < 0)
    return f;
  const uint8_t *p = u->in.cur;
  size_t n = (size_t)(u->in.end - p), pos[HDR_0A];
  unsigned np = 0;
  for (size_t q = 1; q < 24 && q < n && np < HDR_0A; q++)
    if (p[q] == 0x0a)
      pos[np++] = q;
  if (reserve(u, 24))
    return CAPKIT_ENOMEM;
  for (unsigned m = 0; m < (1u << np); m++) {
    size_t ins[HDR_0A];
    unsigned k = 0;
    for (unsigned j = 0; j < np; j++)
      if (m & (1u << j))
        ins[k++] = pos[j];
    long used = gather(p, n, ins, k, u->out, 24);
    if (used < 0)
      continue;
    uint32_t v = capkit__ld32(u->out, 0);
    int sw = v == MAGIC_US || v == MAGIC_NS ? 0 : 1;
    uint32_t mg = capkit__ld32(u->out, sw);
    if (mg != MAGIC_US && mg != MAGIC_NS)
      continue;
    u->swap = sw;
    u->frac_limit = mg == MAGIC_NS ? 1000000000u : 1000000u;
    u->linktype = capkit__ld32(u->out + 20, sw) & 0xffff;
    uint32_t snap = capkit__ld32(u->out + 16, sw);
    capkit_scan_layout l = {CAPKIT_BO_LITTLE, mg == MAGIC_NS ? 9u : 6u,
                            u->linktype, snap, 0};
    capkit_scanner s;
    capkit__scan_setup(&s, &l);
    u->bound = s.bound;
    if (!starts_unit(u, p + used, n - (size_t)used, f == 0))
      continue;
    u->in.cur += used;
    u->out_len = 24;
    u->out_pos = 0;
    return 1;
  }
  return 0;
}

long capkit__unlf_pull(void *ctx, uint8_t *dst, size_t cap) {
  capkit__unlf *u = ctx;
  size_t o = 0;
  while (o < cap) {
    if (u->out_pos < u->out_len) {
      size_t k = u->out_len - u->out_pos;
      if (k > cap - o)
        k = cap - o;
      memcpy(dst + o, u->out + u->out_pos, k);
      u->out_pos += k;
      u->opos += k;
      o += k;
      continue;
    }
    capkit__src_release(&u->in);
    int rc = 0;
    if (!u->raw) {
      rc = u->started || u->ng ? unit(u) : file_header(u);
      if (rc < 0)
        return rc;
      if (rc > 0) {
        u->started = 1;
        continue;
      }
    }
    /* No unit frames here: the byte passes as it is (the walk treats it
     * as damage) and the next one is tried; once the file header itself
     * is not found, everything passes. */
    if (!u->started)
      u->raw = 1;
    int f = capkit__src_fill(&u->in, 1);
    if (f < 0)
      return f;
    size_t k = (size_t)(u->in.end - u->in.cur);
    if (k == 0)
      break;
    if (!u->raw)
      k = 1;
    if (k > cap - o)
      k = cap - o;
    memcpy(dst + o, u->in.cur, k);
    u->in.cur += k;
    u->opos += k;
    o += k;
  }
  return (long)o;
}

capkit__unlf *capkit__unlf_new(const capkit__src *in, int ng) {
  capkit__unlf *u = calloc(1, sizeof *u);
  if (!u)
    return NULL;
  u->in = *in;
  u->ng = ng;
  u->bound = 262144;
  u->started = 0;
  return u;
}

void capkit__unlf_free(void *ctx) {
  capkit__unlf *u = ctx;
  if (!u)
    return;
  capkit__src_close(&u->in);
  free(u->out);
  free(u->bads);
  free(u);
}

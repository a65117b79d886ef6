/* pcapng.c - the pcapng backend (draft-ietf-opsawg-pcapng): any number of
 * sections, each in its own byte order, any number of interfaces, every
 * standard block; a writer whose unchanged copies are byte-identical.
 *
 * Reading walks one block at a time through the source window, so memory
 * stays constant apart from the interface and section tables. Non-packet
 * blocks are validated and kept (copied) until the next packet is handed
 * out: a pcapng writer copying this file re-emits them in order (they reach
 * it through the record's extra, and the ones after the last packet through
 * the reader/writer link made by capkit_writer_copy_settings). Odd inputs
 * met in the wild: Simple Packet Blocks without a snaplen, obsolete Packet
 * Blocks (type 2, 16-bit interface ids), binary and sub-nanosecond
 * if_tsresol, options without the closing opt_endofopt. */
#include <stdlib.h>
#include <string.h>

#include "format/format.h"
#include "format/pseudo.h"
#include "util/buf.h"
#include "util/bytes.h"

extern const capkit__format capkit__format_pcapng;

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u
#define BT_SPB 3u
#define BT_NRB 4u
#define BT_ISB 5u
#define BT_EPB 6u
#define BT_SJE 9u
#define BT_DSB 10u
#define BT_CB_COPY 0x00000BADu
#define BT_CB_NOCOPY 0x40000BADu
#define BOM 0x1A2B3C4Du

#define OPT_END 0
#define OPT_COMMENT 1
#define EPB_FLAGS 2
#define EPB_HASH 3
#define EPB_DROPCOUNT 4
#define EPB_PACKETID 5
#define EPB_QUEUE 6
#define EPB_VERDICT 7

/* Largest block accepted: the largest record bound (128 MiB) plus room for
 * its header and options. Larger lengths are damage, not data. */
#define MAX_BLOCK ((uint32_t)((128u << 20) + (1u << 20)))
/* Non-packet blocks kept in a row for a copying writer; beyond this they
 * are dropped (the copy is then not exact, but memory stays bounded). */
#define MAX_PENDING ((size_t)64 << 20)

/* Per interface: the public description and what decoding needs. */
typedef struct ng_if {
  capkit_iface *pub;
  uint32_t bound;  /* caplen bound */
  uint32_t snaplen;
  uint8_t tsresol; /* raw if_tsresol */
  int64_t tsoffset;
} ng_if;

typedef struct ng_sec {
  capkit_section pub;
  char *comment, *hardware, *os, *userappl;
} ng_sec;

/* A non-packet block kept for a copying writer: where its bytes are in the
 * pending buffer, its type and byte order, and for an interface block the
 * interface it made. */
typedef struct ng_pend {
  size_t off;
  uint32_t len;
  uint32_t type;
  int swap;
  const capkit_iface *iface;
} ng_pend;

/* What a pcapng record carries beyond capkit_record (capkit_extra.priv),
 * valid as long as the record. */
typedef struct ng_px {
  const uint8_t *pre; /* bytes of the non-packet blocks before the record */
  const ng_pend *ents;
  size_t n_ents;
  int pre_complete;  /* none were dropped */
  uint32_t type;     /* EPB, SPB or PB */
  uint32_t local_id; /* interface id within its section */
  uint64_t ts;       /* timestamp in interface units, as stored */
  uint8_t tsresol;
  int64_t tsoffset;
  int64_t ts_sec; /* as delivered */
  uint32_t ts_nsec;
  const uint8_t *data;
  uint32_t caplen, origlen;
  const char *comment;
  uint32_t flags;
  const capkit_iface *iface;
  const uint8_t *opts; /* options area of the block */
  size_t opts_len;
} ng_px;

typedef struct ng_state {
  int swap; /* of the current section */
  ng_if *ifs;
  size_t n_ifs, cap_ifs;
  size_t sec_first; /* ifs index of the current section's first interface */
  /* Each section alone, so that a section handed out by
   * capkit_reader_section() stays put when later ones are added. */
  ng_sec **secs;
  size_t n_secs, cap_secs;
  uint64_t nblock;
  capkit__buf pend;  /* kept non-packet blocks, raw */
  capkit__buf pents; /* their ng_pend entries */
  int pend_over;
  int clear_pend; /* the kept blocks went out with a record */
  capkit__buf cbuf;
  struct capkit_extra extra;
  ng_px px;
  capkit_time last; /* time of the previous record */
  int have_last;
} ng_state;

/* A block as found in the input. */
typedef struct blk {
  uint32_t type, len;
  int swap;
  const uint8_t *p;    /* block start */
  const uint8_t *body; /* after type and length */
  size_t body_len;     /* without the trailing length */
  uint64_t off;
  uint64_t num; /* 1-based block number */
} blk;

static const char *block_name(uint32_t type) {
  switch (type) {
  case BT_SHB:
    return "section header";
  case BT_IDB:
    return "interface description";
  case BT_PB:
    return "packet (obsolete)";
  case BT_SPB:
    return "simple packet";
  case BT_NRB:
    return "name resolution";
  case BT_ISB:
    return "interface statistics";
  case BT_EPB:
    return "enhanced packet";
  case BT_SJE:
    return "systemd journal export";
  case BT_DSB:
    return "decryption secrets";
  case BT_CB_COPY:
  case BT_CB_NOCOPY:
    return "custom";
  }
  return "unknown";
}

static int ng_probe(const uint8_t *p, size_t n) {
  if (n < 4 || capkit__ld32(p, 0) != BT_SHB)
    return 0;
  if (n >= 12) {
    uint32_t bom = capkit__ld32(p + 8, 0);
    if (bom != BOM && capkit__bswap32(bom) != BOM)
      return 10; /* the type matched, the byte-order magic did not */
  }
  return 100;
}

/* ---- reading: blocks and options ---- */

static uint64_t recno(const capkit_reader *r) { return r->nrec + 1; }

static int read_error(capkit_reader *r, int code) {
  return capkit__reader_fail(r, code, capkit__src_offset(&r->src), 0,
                             "read error: %s",
                             capkit__src_errtext(&r->src, code));
}

/* The next block at the source's cursor, checked at both ends; the cursor
 * moves past it. 1, 0 at the clean end, or a negative code. */
static int get_block(capkit_reader *r, ng_state *st, blk *b) {
  capkit__src *s = &r->src;
  uint64_t off = capkit__src_offset(s);
  uint64_t num = st->nblock + 1, rn = recno(r);
  int f = capkit__src_fill(s, 12);
  if (f < 0)
    return read_error(r, f);
  size_t have = (size_t)(s->end - s->cur);
  if (have == 0)
    return 0;
  if (have < 8)
    return capkit__reader_fail(r, CAPKIT_ETRUNC, off, rn,
                               "block %llu: truncated block header (%zu of "
                               "8 bytes)",
                               (unsigned long long)num, have);
  int swap = st->swap;
  uint32_t type = capkit__ld32(s->cur, swap);
  if (type == BT_SHB) {
    if (have < 12)
      return capkit__reader_fail(
          r, CAPKIT_ETRUNC, off, rn,
          "block %llu: truncated section header block (%zu of 28 bytes)",
          (unsigned long long)num, have);
    uint32_t bom = capkit__ld32(s->cur + 8, 0);
    if (bom == BOM)
      swap = 0;
    else if (capkit__bswap32(bom) == BOM)
      swap = 1;
    else
      return capkit__reader_fail(
          r, CAPKIT_EBADHDR, off + 8, rn,
          "block %llu: bad byte-order magic 0x%08x in section header block",
          (unsigned long long)num, bom);
  }
  uint32_t len = capkit__ld32(s->cur + 4, swap);
  uint32_t min = type == BT_SHB ? 28 : 12;
  if (len < min || (len & 3))
    return capkit__reader_fail(
        r, CAPKIT_EBADREC, off + 4, rn,
        "block %llu (%s, type 0x%08x): total length %u is %s",
        (unsigned long long)num, block_name(type), type, len,
        len < min ? "too small" : "not a multiple of 4");
  if (len > MAX_BLOCK)
    return capkit__reader_fail(
        r, CAPKIT_ETOOBIG, off + 4, rn,
        "block %llu (%s): total length %u exceeds the bound of %u bytes",
        (unsigned long long)num, block_name(type), len, MAX_BLOCK);
  f = capkit__src_fill(s, len);
  if (f < 0)
    return read_error(r, f);
  if (f == 0)
    return capkit__reader_fail(
        r, CAPKIT_ETRUNC, off, rn,
        "block %llu (%s): truncated block (%zu of %u bytes)",
        (unsigned long long)num, block_name(type),
        (size_t)(s->end - s->cur), len);
  const uint8_t *p = s->cur;
  uint32_t tail = capkit__ld32(p + len - 4, swap);
  if (tail != len)
    return capkit__reader_fail(
        r, CAPKIT_EBADREC, off + len - 4, rn,
        "block %llu (%s): total length %u at the start but %u at the end",
        (unsigned long long)num, block_name(type), len, tail);
  b->type = type;
  b->len = len;
  b->swap = swap;
  b->p = p;
  b->body = p + 8;
  b->body_len = len - 12;
  b->off = off;
  b->num = num;
  st->nblock = num;
  s->cur = p + len;
  return 1;
}

/* Options of a block: code, length, value padded to 4 bytes, up to
 * opt_endofopt or the end of the block. */
typedef struct optit {
  const uint8_t *p, *end;
  int swap;
} optit;

/* 1 with an option, 0 at the end, -1 when one runs past the block. */
static int opt_next(optit *it, uint16_t *code, uint16_t *len,
                    const uint8_t **val) {
  if ((size_t)(it->end - it->p) < 4)
    return 0;
  *code = capkit__ld16(it->p, it->swap);
  *len = capkit__ld16(it->p + 2, it->swap);
  if (*code == OPT_END)
    return 0;
  size_t padded = ((size_t)*len + 3) & ~(size_t)3;
  size_t left = (size_t)(it->end - it->p) - 4;
  if (left < *len)
    return -1;
  *val = it->p + 4;
  it->p += 4 + (padded <= left ? padded : left);
  return 1;
}

static int opt_fail(capkit_reader *r, const blk *b, const optit *it,
                    uint16_t code, uint16_t len) {
  return capkit__reader_fail(
      r, CAPKIT_EBADREC, b->off + (uint64_t)(it->p - b->p), recno(r),
      "block %llu (%s): option %u of length %u runs past the end of its "
      "block",
      (unsigned long long)b->num, block_name(b->type), code, len);
}

/* A NUL-terminated copy of an option string (malloc), or NULL. */
static char *opt_str(const uint8_t *v, size_t n) {
  char *s = malloc(n + 1);
  if (s) {
    memcpy(s, v, n);
    s[n] = 0;
  }
  return s;
}

/* Walk every option of a block to check that each fits. */
static int check_opts(capkit_reader *r, const blk *b, const uint8_t *from) {
  optit it = {from, b->body + b->body_len, b->swap};
  uint16_t code, len;
  const uint8_t *v;
  int o;
  while ((o = opt_next(&it, &code, &len, &v)) > 0)
    ;
  return o < 0 ? opt_fail(r, b, &it, code, len) : 0;
}

static int keep_block(capkit_reader *r, ng_state *st, const blk *b,
                      const capkit_iface *ifc) {
  if (st->clear_pend) {
    st->pend.len = st->pents.len = 0;
    st->pend_over = 0;
    st->clear_pend = 0;
  }
  if (st->pend_over || st->pend.len + b->len > MAX_PENDING) {
    st->pend_over = 1;
    return 0;
  }
  ng_pend e = {st->pend.len, b->len, b->type, b->swap, ifc};
  if (capkit__buf_append(&st->pend, b->p, b->len) ||
      capkit__buf_append(&st->pents, &e, sizeof e))
    return capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, 0, "out of memory");
  return 0;
}

static int parse_shb(capkit_reader *r, ng_state *st, const blk *b) {
  uint16_t vmaj = capkit__ld16(b->body + 4, b->swap);
  uint16_t vmin = capkit__ld16(b->body + 6, b->swap);
  int64_t slen = (int64_t)capkit__ld64(b->body + 8, b->swap);
  if (vmaj != 1)
    return capkit__reader_fail(
        r, CAPKIT_EUNSUPPORTED, b->off + 12, st->n_secs ? recno(r) : 0,
        "block %llu: unsupported pcapng version %u.%u",
        (unsigned long long)b->num, vmaj, vmin);
  if (st->n_secs == st->cap_secs) {
    size_t cap = st->cap_secs ? st->cap_secs * 2 : 4;
    ng_sec **n = realloc(st->secs, cap * sizeof *n);
    if (!n)
      return capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, 0,
                                 "out of memory");
    st->secs = n;
    st->cap_secs = cap;
  }
  ng_sec *sec = calloc(1, sizeof *sec);
  if (!sec)
    return capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, 0, "out of memory");
  st->secs[st->n_secs] = sec;
  sec->pub.index = (uint32_t)st->n_secs;
  sec->pub.offset = b->off;
  sec->pub.byte_order = (capkit__host_is_le() != b->swap) ? CAPKIT_BO_LITTLE
                                                           : CAPKIT_BO_BIG;
  sec->pub.version_major = vmaj;
  sec->pub.version_minor = vmin;
  sec->pub.length = slen;
  sec->pub.first_iface = (uint32_t)st->n_ifs;
  st->n_secs++;
  st->swap = b->swap;
  st->sec_first = st->n_ifs;
  optit it = {b->body + 16, b->body + b->body_len, b->swap};
  uint16_t code, len;
  const uint8_t *v;
  int o;
  while ((o = opt_next(&it, &code, &len, &v)) > 0) {
    char **dst = NULL;
    switch (code) {
    case OPT_COMMENT:
      dst = &sec->comment;
      break;
    case 2:
      dst = &sec->hardware;
      break;
    case 3:
      dst = &sec->os;
      break;
    case 4:
      dst = &sec->userappl;
      break;
    }
    if (dst && !*dst && !(*dst = opt_str(v, len)))
      return capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, 0,
                                 "out of memory");
  }
  sec->pub.comment = sec->comment;
  sec->pub.hardware = sec->hardware;
  sec->pub.os = sec->os;
  sec->pub.userappl = sec->userappl;
  if (o < 0)
    return opt_fail(r, b, &it, code, len);
  return keep_block(r, st, b, NULL);
}

static int parse_idb(capkit_reader *r, ng_state *st, const blk *b) {
  if (b->body_len < 8)
    return capkit__reader_fail(
        r, CAPKIT_EBADREC, b->off, recno(r),
        "block %llu (interface description): %zu bytes of body, need 8",
        (unsigned long long)b->num, b->body_len);
  capkit_iface ifc;
  memset(&ifc, 0, sizeof ifc);
  ifc.linktype = capkit__ld16(b->body, b->swap);
  ifc.snaplen = capkit__ld32(b->body + 4, b->swap);
  ifc.fcs_len = -1;
  ifc.tsresol = 6;
  ifc.section = (uint32_t)(st->n_secs - 1);
  ifc.byte_order = capkit__host_is_le() != b->swap ? CAPKIT_BO_LITTLE
                                                   : CAPKIT_BO_BIG;
  char *strs[4] = {NULL, NULL, NULL, NULL}; /* name, descr, filter, os */
  optit it = {b->body + 8, b->body + b->body_len, b->swap};
  uint16_t code, len;
  const uint8_t *v;
  int o, rc = 0, tsres_seen = 0;
  while ((o = opt_next(&it, &code, &len, &v)) > 0) {
    int si = -1;
    const uint8_t *sv = v;
    size_t sl = len;
    switch (code) {
    case 2: /* if_name */
      si = 0;
      break;
    case 3: /* if_description */
      si = 1;
      break;
    case 11: /* if_filter: a type byte, 0 for a libpcap filter string */
      if (len >= 1 && v[0] == 0) {
        si = 2;
        sv = v + 1;
        sl = len - 1u;
      }
      break;
    case 12: /* if_os */
      si = 3;
      break;
    case 9: /* if_tsresol */
      if (len >= 1 && !tsres_seen) {
        ifc.tsresol = v[0];
        tsres_seen = 1;
      }
      break;
    case 13: /* if_fcslen */
      if (len >= 1)
        ifc.fcs_len = v[0];
      break;
    case 14: /* if_tsoffset */
      if (len == 8)
        ifc.tsoffset = (int64_t)capkit__ld64(v, b->swap);
      break;
    }
    if (si >= 0 && !strs[si] && !(strs[si] = opt_str(sv, sl))) {
      rc = capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, 0, "out of memory");
      break;
    }
  }
  if (!rc && o < 0)
    rc = opt_fail(r, b, &it, code, len);
  capkit_iface *pub = NULL;
  if (!rc) {
    ifc.name = strs[0];
    ifc.description = strs[1];
    ifc.filter = strs[2];
    ifc.os = strs[3];
    if (st->n_ifs == st->cap_ifs) {
      size_t cap = st->cap_ifs ? st->cap_ifs * 2 : 4;
      ng_if *n = realloc(st->ifs, cap * sizeof *n);
      if (n) {
        st->ifs = n;
        st->cap_ifs = cap;
      }
    }
    if (st->n_ifs < st->cap_ifs)
      pub = capkit__reader_add_iface(r, &ifc);
    if (!pub)
      rc = capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, 0, "out of memory");
  }
  for (int i = 0; i < 4; i++)
    free(strs[i]);
  if (rc)
    return rc;
  ng_if *f = &st->ifs[st->n_ifs++];
  f->pub = pub;
  f->snaplen = ifc.snaplen;
  f->tsresol = (uint8_t)ifc.tsresol;
  f->tsoffset = ifc.tsoffset;
  f->bound = capkit__reader_caplen_bound(r, ifc.linktype, ifc.snaplen);
  st->secs[st->n_secs - 1]->pub.n_ifaces++;
  if (ifc.snaplen == 0)
    capkit__reader_warn(r, CAPKIT_W_SNAPLEN_ZERO, b->off + 12, 0,
                        "interface %zu: snaplen is 0 (no limit recorded)",
                        st->n_ifs - 1 - st->sec_first);
  return keep_block(r, st, b, pub);
}

static const uint64_t pow10[20] = {1ull,
                                   10ull,
                                   100ull,
                                   1000ull,
                                   10000ull,
                                   100000ull,
                                   1000000ull,
                                   10000000ull,
                                   100000000ull,
                                   1000000000ull,
                                   10000000000ull,
                                   100000000000ull,
                                   1000000000000ull,
                                   10000000000000ull,
                                   100000000000000ull,
                                   1000000000000000ull,
                                   10000000000000000ull,
                                   100000000000000000ull,
                                   1000000000000000000ull,
                                   10000000000000000000ull};

/* Interface units to seconds + nanoseconds (finer than ns truncated), plus
 * if_tsoffset. Arithmetic on the seconds wraps instead of overflowing. */
static inline void ts_decode(uint64_t ts, uint8_t res, int64_t off,
                             int64_t *sec, uint32_t *nsec) {
  uint64_t s;
  uint32_t ns;
  if (res == 6) {
    s = ts / 1000000u;
    ns = (uint32_t)(ts % 1000000u) * 1000u;
  } else if (res == 9) {
    s = ts / 1000000000u;
    ns = (uint32_t)(ts % 1000000000u);
  } else if (res & 0x80) {
    unsigned b = res & 0x7f;
    if (b < 64) {
      s = ts >> b;
      uint64_t frac = ts & ((b ? (UINT64_MAX >> (64 - b)) : 0));
      ns = (uint32_t)(((unsigned __int128)frac * 1000000000u) >> b);
    } else {
      s = 0;
      ns = (uint32_t)(((unsigned __int128)ts * 1000000000u) >> b);
    }
  } else if (res <= 9) {
    s = ts / pow10[res];
    ns = (uint32_t)((ts % pow10[res]) * pow10[9 - res]);
  } else if (res <= 19) {
    s = ts / pow10[res];
    ns = (uint32_t)((ts % pow10[res]) / pow10[res - 9]);
  } else {
    s = 0;
    ns = res - 9 <= 19 ? (uint32_t)(ts / pow10[res - 9]) : 0;
  }
  *sec = (int64_t)(s + (uint64_t)off);
  *nsec = ns;
}

/* Seconds + nanoseconds to interface units; 0, or -1 when it does not fit. */
static int ts_encode(int64_t sec, uint32_t nsec, uint8_t res, int64_t off,
                     uint64_t *out) {
  if (sec < off || nsec >= 1000000000u)
    return -1;
  uint64_t s = (uint64_t)sec - (uint64_t)off, v, frac;
  if (res & 0x80) {
    unsigned b = res & 0x7f;
    if (b >= 64 || (b && s >> (64 - b)))
      return -1;
    /* Finer than a nanosecond (b >= 30): rounded up, so that the reader's
     * floor gives back exactly nsec; coarser: truncated like decimals. */
    unsigned __int128 num = (unsigned __int128)nsec << b;
    frac = (uint64_t)((num + (b >= 30 ? 999999999u : 0)) / 1000000000u);
    v = (s << b) + frac;
    if (v < (s << b))
      return -1;
    *out = v;
    return 0;
  }
  if (res > 19)
    return -1;
  if (res == 6)
    frac = nsec / 1000u;
  else if (res == 9)
    frac = nsec;
  else
    frac = res <= 9 ? nsec / pow10[9 - res] : nsec * pow10[res - 9];
  if (__builtin_mul_overflow(s, pow10[res], &v) ||
      __builtin_add_overflow(v, frac, &v))
    return -1;
  *out = v;
  return 0;
}

static void warn_record(capkit_reader *r, ng_state *st, const ng_if *f,
                        const capkit_record *rec) {
  uint64_t off = rec->offset, n = rec->number;
  if (rec->caplen > rec->origlen)
    capkit__reader_warn(r, CAPKIT_W_CAPLEN_GT_ORIGLEN, off, n,
                        "captured length %u larger than original length %u",
                        rec->caplen, rec->origlen);
  if (f->snaplen && rec->caplen > f->snaplen)
    capkit__reader_warn(r, CAPKIT_W_CAPLEN_GT_SNAPLEN, off, n,
                        "captured length %u larger than snaplen %u",
                        rec->caplen, f->snaplen);
  /* pcapng times span far more than int64 nanoseconds: compare exactly */
  capkit_time t = capkit_record_time(rec), d;
  int64_t ns;
  if (st->have_last && capkit_time_cmp(t, st->last) < 0) {
    if (capkit_time_sub(st->last, t, &d) || capkit_time_to_ns(d, &ns))
      capkit__reader_warn(r, CAPKIT_W_TS_BACKWARDS, off, n,
                          "time goes backwards by more than 292 years");
    else
      capkit__reader_warn(r, CAPKIT_W_TS_BACKWARDS, off, n,
                          "time goes backwards by %lld ns", (long long)ns);
  }
  st->last = t;
  st->have_last = 1;
}

static int packet(capkit_reader *r, ng_state *st, const blk *b,
                  capkit_record *rec) {
  uint64_t rn = recno(r);
  size_t n_local = st->n_ifs - st->sec_first;
  uint32_t id = 0, caplen, origlen, tshi = 0, tslo = 0;
  size_t hdr;
  ng_px *px = &st->px;
  if (b->type == BT_SPB) {
    hdr = 4;
  } else {
    hdr = 20;
  }
  if (b->body_len < hdr)
    return capkit__reader_fail(r, CAPKIT_EBADREC, b->off, rn,
                               "block %llu (%s): %zu bytes of body, need %zu",
                               (unsigned long long)b->num, block_name(b->type),
                               b->body_len, hdr);
  const uint8_t *q = b->body;
  if (b->type == BT_SPB) {
    origlen = capkit__ld32(q, b->swap);
    caplen = origlen;
  } else {
    id = b->type == BT_EPB ? capkit__ld32(q, b->swap)
                           : capkit__ld16(q, b->swap);
    tshi = capkit__ld32(q + 4, b->swap);
    tslo = capkit__ld32(q + 8, b->swap);
    caplen = capkit__ld32(q + 12, b->swap);
    origlen = capkit__ld32(q + 16, b->swap);
  }
  if (n_local == 0)
    return capkit__reader_fail(
        r, CAPKIT_EBADREC, b->off, rn,
        "block %llu (%s): packet in section %zu, which has no interface",
        (unsigned long long)b->num, block_name(b->type), st->n_secs - 1);
  if (id >= n_local)
    return capkit__reader_fail(
        r, CAPKIT_EBADREC, b->off + 8, rn,
        "block %llu (%s): interface %u does not exist (section %zu has %zu)",
        (unsigned long long)b->num, block_name(b->type), id, st->n_secs - 1,
        n_local);
  const ng_if *f = &st->ifs[st->sec_first + id];
  size_t room = b->body_len - hdr;
  if (b->type == BT_SPB) {
    /* The captured length is the original one cut to the snaplen; writers
     * without a snaplen rely on the block's size. */
    if (f->snaplen && caplen > f->snaplen)
      caplen = f->snaplen;
    if (caplen > room)
      caplen = (uint32_t)room;
  }
  if (caplen > f->bound)
    return capkit__reader_fail(
        r, CAPKIT_ETOOBIG, b->off + 20, rn,
        "block %llu (%s): captured length %u exceeds the bound of %u bytes",
        (unsigned long long)b->num, block_name(b->type), caplen, f->bound);
  if (caplen > room)
    return capkit__reader_fail(
        r, CAPKIT_EBADREC, b->off + 20, rn,
        "block %llu (%s): captured length %u larger than the block's %zu "
        "bytes of data",
        (unsigned long long)b->num, block_name(b->type), caplen, room);
  size_t padded = ((size_t)caplen + 3) & ~(size_t)3;
  if (padded > room)
    padded = room;
  const uint8_t *data = q + hdr;
  const uint8_t *opts = data + padded;
  size_t opts_len = room - padded;
  uint64_t ts = ((uint64_t)tshi << 32) | tslo;
  rec->offset = b->off;
  rec->number = rn;
  if (b->type == BT_SPB) {
    rec->ts_sec = 0;
    rec->ts_nsec = 0;
  } else {
    ts_decode(ts, f->tsresol, f->tsoffset, &rec->ts_sec, &rec->ts_nsec);
  }
  rec->caplen = caplen;
  rec->origlen = origlen;
  rec->iface_id = f->pub->id;
  rec->iface = f->pub;
  rec->data = data;
  rec->comment = NULL;
  rec->flags = 0;
  if (opts_len >= 4 && b->type != BT_SPB) {
    optit it = {opts, opts + opts_len, b->swap};
    uint16_t code, len;
    const uint8_t *v;
    int o;
    while ((o = opt_next(&it, &code, &len, &v)) > 0) {
      if (code == OPT_COMMENT && !rec->comment) {
        st->cbuf.len = 0;
        if (capkit__buf_reserve(&st->cbuf, (size_t)len + 1))
          return capkit__reader_fail(r, CAPKIT_ENOMEM, b->off, rn,
                                     "out of memory");
        memcpy(st->cbuf.data, v, len);
        st->cbuf.data[len] = 0;
        rec->comment = (const char *)st->cbuf.data;
      } else if (code == EPB_FLAGS && len == 4) {
        rec->flags = capkit__ld32(v, b->swap);
      } else if (code == EPB_FLAGS) {
        capkit__reader_warn(r, CAPKIT_W_OPTION,
                            b->off + (uint64_t)(v - 4 - b->p), rn,
                            "block %llu (%s): option %u has length %u",
                            (unsigned long long)b->num, block_name(b->type),
                            code, len);
      }
    }
    if (o < 0)
      return opt_fail(r, b, &it, code, len);
  }
  px->type = b->type;
  px->local_id = id;
  px->ts = ts;
  px->tsresol = f->tsresol;
  px->tsoffset = f->tsoffset;
  px->ts_sec = rec->ts_sec;
  px->ts_nsec = rec->ts_nsec;
  px->data = data;
  px->caplen = caplen;
  px->origlen = origlen;
  px->comment = rec->comment;
  px->flags = rec->flags;
  px->iface = f->pub;
  px->opts = opts;
  px->opts_len = opts_len;
  if (st->clear_pend) {
    px->n_ents = 0;
    px->pre_complete = 1;
  } else {
    px->pre = st->pend.data;
    px->ents = (const ng_pend *)(const void *)st->pents.data;
    px->n_ents = st->pents.len / sizeof(ng_pend);
    px->pre_complete = !st->pend_over;
    st->clear_pend = 1;
  }
  st->extra.raw = b->p;
  st->extra.raw_len = b->len;
  st->extra.swap = b->swap;
  rec->extra = &st->extra;
  capkit__src_prefetch(&r->src);
  if (capkit__reader_wants_warnings(r))
    warn_record(r, st, f, rec);
  return 1;
}

static int other_block(capkit_reader *r, ng_state *st, const blk *b) {
  uint64_t rn = recno(r);
  size_t need = 0, opt_at = 0;
  switch (b->type) {
  case BT_SHB:
    return parse_shb(r, st, b);
  case BT_IDB:
    return parse_idb(r, st, b);
  case BT_NRB: {
    /* Records (type, length, value padded), ended by type 0, then
     * options. */
    size_t at = 0;
    for (;;) {
      if (b->body_len - at < 4) {
        opt_at = b->body_len;
        break;
      }
      uint16_t t = capkit__ld16(b->body + at, b->swap);
      uint16_t l = capkit__ld16(b->body + at + 2, b->swap);
      size_t padded = ((size_t)l + 3) & ~(size_t)3;
      if (b->body_len - at - 4 < padded)
        return capkit__reader_fail(
            r, CAPKIT_EBADREC, b->off + 8 + at, rn,
            "block %llu (name resolution): record of length %u runs past "
            "the end of its block",
            (unsigned long long)b->num, l);
      at += 4 + padded;
      if (t == 0) {
        opt_at = at;
        break;
      }
    }
    break;
  }
  case BT_ISB:
    need = opt_at = 12;
    break;
  case BT_DSB: {
    need = 8;
    if (b->body_len >= 8) {
      uint32_t l = capkit__ld32(b->body + 4, b->swap);
      if (l > b->body_len - 8)
        return capkit__reader_fail(
            r, CAPKIT_EBADREC, b->off + 12, rn,
            "block %llu (decryption secrets): secrets length %u larger "
            "than the block",
            (unsigned long long)b->num, l);
      opt_at = 8 + (((size_t)l + 3) & ~(size_t)3);
      if (opt_at > b->body_len)
        opt_at = b->body_len;
    }
    break;
  }
  case BT_CB_COPY:
  case BT_CB_NOCOPY:
    need = 4; /* private enterprise number; the rest is the owner's */
    opt_at = b->body_len;
    break;
  case BT_SJE:
    opt_at = b->body_len;
    break;
  default:
    capkit__reader_warn(r, CAPKIT_W_UNKNOWN_BLOCK, b->off, rn,
                        "block %llu: unknown block type 0x%08x skipped",
                        (unsigned long long)b->num, b->type);
    opt_at = b->body_len;
    break;
  }
  if (b->body_len < need)
    return capkit__reader_fail(r, CAPKIT_EBADREC, b->off, rn,
                               "block %llu (%s): %zu bytes of body, need %zu",
                               (unsigned long long)b->num, block_name(b->type),
                               b->body_len, need);
  if (b->type == BT_ISB) {
    uint32_t id = capkit__ld32(b->body, b->swap);
    if (id >= st->n_ifs - st->sec_first)
      capkit__reader_warn(r, CAPKIT_W_OPTION, b->off + 8, rn,
                          "block %llu (interface statistics): interface %u "
                          "does not exist",
                          (unsigned long long)b->num, id);
  }
  int rc = check_opts(r, b, b->body + opt_at);
  if (rc)
    return rc;
  return keep_block(r, st, b, NULL);
}

static int is_packet(uint32_t t) {
  return t == BT_EPB || t == BT_SPB || t == BT_PB;
}

static int ng_next(capkit_reader *r, capkit_record *rec) {
  ng_state *st = r->fstate;
  capkit__src_release(&r->src);
  for (;;) {
    blk b;
    int rc = get_block(r, st, &b);
    if (rc <= 0)
      return rc;
    if (is_packet(b.type))
      return packet(r, st, &b, rec);
    if (st->clear_pend) {
      st->pend.len = st->pents.len = 0;
      st->pend_over = 0;
      st->clear_pend = 0;
    }
    rc = other_block(r, st, &b);
    if (rc < 0)
      return rc;
  }
}

static int ng_open(capkit_reader *r) {
  ng_state *st = calloc(1, sizeof *st);
  if (!st)
    return capkit__reader_fail(r, CAPKIT_ENOMEM, 0, 0, "out of memory");
  r->fstate = st;
  st->extra.fmt = &capkit__format_pcapng;
  st->extra.priv = &st->px;
  st->extra.fd = capkit__src_file_fd(&r->src);
  st->extra.src_id = capkit__new_source_id();
  blk b;
  int rc = get_block(r, st, &b);
  if (rc < 0)
    return rc;
  if (rc == 0 || b.type != BT_SHB)
    return capkit__reader_fail(r, CAPKIT_EFORMAT, 0, 0,
                               "not a pcapng file");
  rc = parse_shb(r, st, &b);
  if (rc < 0)
    return rc;
  capkit_file_info *in = &r->info;
  const ng_sec *sec = st->secs[0];
  in->format = "pcapng";
  in->variant = sec->pub.version_major == 1 && sec->pub.version_minor == 0
                    ? "1.0"
                : sec->pub.version_minor == 2 ? "1.2"
                                               : "1.x";
  in->byte_order = sec->pub.byte_order;
  in->magic = BOM;
  in->version_major = sec->pub.version_major;
  in->version_minor = sec->pub.version_minor;
  in->header_len = b.len;
  in->record_header_len = 28;
  in->fcs_len = -1;
  in->tsresol = 6;
  /* Read the interfaces (and whatever else) before the first packet, so
   * that the file information can describe the first interface. */
  for (;;) {
    capkit__src *s = &r->src;
    rc = capkit__src_fill(s, 8);
    if (rc < 0)
      return read_error(r, rc);
    if ((size_t)(s->end - s->cur) < 8 ||
        is_packet(capkit__ld32(s->cur, st->swap)))
      break;
    rc = get_block(r, st, &b);
    if (rc < 0)
      return rc;
    if (rc == 0)
      break;
    rc = other_block(r, st, &b);
    if (rc < 0)
      return rc;
  }
  if (st->n_ifs) {
    const capkit_iface *f = st->ifs[0].pub;
    in->linktype = in->linktype_field = f->linktype;
    in->snaplen = f->snaplen;
    in->fcs_len = f->fcs_len;
    in->tsresol = f->tsresol;
  }
  return 0;
}

static void ng_close(capkit_reader *r) {
  ng_state *st = r->fstate;
  if (!st)
    return;
  for (size_t i = 0; i < st->n_secs; i++) {
    free(st->secs[i]->comment);
    free(st->secs[i]->hardware);
    free(st->secs[i]->os);
    free(st->secs[i]->userappl);
    free(st->secs[i]);
  }
  free(st->secs);
  free(st->ifs);
  capkit__buf_free(&st->pend);
  capkit__buf_free(&st->pents);
  capkit__buf_free(&st->cbuf);
  free(st);
  r->fstate = NULL;
}

size_t capkit_reader_section_count(const capkit_reader *r) {
  if (!r || r->fmt != &capkit__format_pcapng || !r->fstate)
    return 0;
  return ((const ng_state *)r->fstate)->n_secs;
}

const capkit_section *capkit_reader_section(const capkit_reader *r,
                                            size_t i) {
  if (i >= capkit_reader_section_count(r))
    return NULL;
  return &((const ng_state *)r->fstate)->secs[i]->pub;
}

/* ---- writer ---- */

/* An interface of the section being written, and the input interface it
 * stands for: by the origin and id of one the library made (an address
 * can be reused once its reader is freed, an origin cannot), by address
 * for one a caller built, or by id for records without one. */
typedef struct ng_wif {
  uint64_t origin;
  const capkit_iface *in; /* compared only when origin is 0 */
  uint32_t in_id;
  uint8_t tsresol;
  int64_t tsoffset;
} ng_wif;

typedef struct ng_wstate {
  int swap;
  int pass; /* lossless copy of a pcapng reader: re-emit its blocks */
  int section_open;
  int shb_done; /* the first section header is out */
  ng_wif *ifs;
  size_t n_ifs, cap_ifs, last;
  capkit__buf tmp;
  uint64_t last_src, last_end; /* the raw block written last, if any */
  capkit__buf scratch; /* a record whose pseudo-header changes byte order */
} ng_wstate;

static int wfail(capkit_writer *w, int rc) {
  return capkit__writer_fail(w, rc, "write failed: %s", capkit_strerror(rc));
}

static int put(capkit_writer *w, const void *p, size_t n) {
  int rc = capkit__sink_write(&w->sink, p, n);
  return rc ? wfail(w, rc) : 0;
}

/* Append one option (padded) to b. */
static int add_opt(capkit_writer *w, capkit__buf *b, uint16_t code,
                   const void *v, size_t n, int swap) {
  if (n > 0xffff) { /* an option cannot be longer: cut, and say so */
    capkit__writer_warn(w, CAPKIT_W_OPTION_DROPPED,
                        "option %u of %zu bytes cut to 65535 (the most a "
                        "pcapng option holds)",
                        code, n);
    n = 0xffff;
  }
  uint8_t h[4];
  static const uint8_t zero[4];
  capkit__st16(h, code, swap);
  capkit__st16(h + 2, (uint16_t)n, swap);
  if (capkit__buf_append(b, h, 4) || capkit__buf_append(b, v, n) ||
      capkit__buf_append(b, zero, (4 - (n & 3)) & 3))
    return CAPKIT_ENOMEM;
  return 0;
}

static int add_end(capkit__buf *b, int any) {
  static const uint8_t zero[4];
  return any ? capkit__buf_append(b, zero, 4) : 0;
}

/* Wrap the body in tmp (from offset 8) as a block of type and write it. */
static int put_block(capkit_writer *w, ng_wstate *ws, uint32_t type) {
  capkit__buf *b = &ws->tmp;
  uint8_t t[4];
  if (b->len + 4 > UINT32_MAX)
    return capkit__writer_fail(w, CAPKIT_ETOOBIG, "block too large");
  uint32_t len = (uint32_t)b->len + 4;
  capkit__st32(t, len, ws->swap);
  if (capkit__buf_append(b, t, 4))
    return wfail(w, CAPKIT_ENOMEM);
  capkit__st32(b->data, type, ws->swap);
  capkit__st32(b->data + 4, len, ws->swap);
  return put(w, b->data, b->len);
}

static int tmp_start(ng_wstate *ws, size_t fixed) {
  ws->tmp.len = 0;
  if (capkit__buf_reserve(&ws->tmp, 8 + fixed + 64))
    return CAPKIT_ENOMEM;
  memset(ws->tmp.data, 0, 8 + fixed);
  ws->tmp.len = 8 + fixed;
  return 0;
}

/* A section header of our own, or a copy of one with the caller's section
 * comment in place of its comments (orig: the input block, or NULL). */
static int write_shb(capkit_writer *w, ng_wstate *ws, const uint8_t *orig,
                     uint32_t olen) {
  const capkit__wsettings *set = &w->set;
  int rc = tmp_start(ws, 16);
  if (rc)
    return wfail(w, rc);
  uint8_t *h = ws->tmp.data + 8;
  capkit__st32(h, BOM, ws->swap);
  capkit__st16(h + 4, 1, ws->swap);
  capkit__st16(h + 6, 0, ws->swap);
  capkit__st64(h + 8, UINT64_MAX, ws->swap); /* length unspecified */
  int any = 0;
  const char *c = set->comment;
  int first = !ws->shb_done;
  if (c && first) {
    rc = add_opt(w, &ws->tmp, OPT_COMMENT, c, strlen(c), ws->swap);
    any = 1;
  }
  if (orig) {
    /* Keep the version and every option but the replaced comments. */
    memcpy(ws->tmp.data + 12, orig + 12, 4);
    optit it = {orig + 24, orig + olen - 4, ws->swap};
    uint16_t code, len;
    const uint8_t *v;
    while (!rc && opt_next(&it, &code, &len, &v) > 0) {
      if (code == OPT_COMMENT && first && set->comment_set)
        continue;
      rc = add_opt(w, &ws->tmp, code, v, len, ws->swap);
      any = 1;
    }
  } else {
    /* shb_hardware (2), shb_os (3), shb_userappl (4). */
    static const char appl[] = "capkit " CAPKIT_VERSION_STRING;
    for (int i = 0; i < 3 && !rc; i++) {
      const char *v = set->shb_strs[i];
      if (!v && i == 2)
        v = appl;
      if (v)
        rc = add_opt(w, &ws->tmp, (uint16_t)(2 + i), v, strlen(v), ws->swap);
    }
    any = 1;
  }
  if (!rc)
    rc = add_end(&ws->tmp, any);
  if (rc)
    return wfail(w, rc);
  rc = put_block(w, ws, BT_SHB);
  if (rc)
    return rc;
  ws->shb_done = 1;
  ws->section_open = 1;
  ws->n_ifs = 0;
  return 0;
}

static int ensure_section(capkit_writer *w, ng_wstate *ws) {
  if (ws->section_open)
    return 0;
  return write_shb(w, ws, NULL, 0);
}

static int add_wif(capkit_writer *w, ng_wstate *ws, const capkit_iface *in,
                   uint32_t in_id, uint8_t tsresol, int64_t tsoffset) {
  if (ws->n_ifs == ws->cap_ifs) {
    size_t cap = ws->cap_ifs ? ws->cap_ifs * 2 : 4;
    ng_wif *n = realloc(ws->ifs, cap * sizeof *n);
    if (!n)
      return wfail(w, CAPKIT_ENOMEM);
    ws->ifs = n;
    ws->cap_ifs = cap;
  }
  ng_wif *f = &ws->ifs[ws->n_ifs++];
  f->origin = in ? in->origin : 0;
  f->in = f->origin ? NULL : in;
  f->in_id = f->origin ? in->id : in_id;
  f->tsresol = tsresol;
  f->tsoffset = tsoffset;
  ws->last = ws->n_ifs - 1;
  return 0;
}

static int valid_tsresol(uint8_t r) {
  return (r & 0x80) ? (r & 0x7f) < 64 : r <= 19;
}

/* An interface description of our own for the input interface f (NULL:
 * one described by the writer settings). */
static int write_idb(capkit_writer *w, ng_wstate *ws, const capkit_iface *f,
                     uint32_t in_id, const struct capkit_extra *x) {
  const capkit__wsettings *set = &w->set;
  uint32_t lt = f ? f->linktype
                   : set->linktype_set ? set->linktype
                                       : CAPKIT_LINKTYPE_ETHERNET;
  if (set->relabel)
    lt = set->linktype;
  uint32_t snap = set->truncate || !f ? set->snaplen : f->snaplen;
  int fcs = set->fcs_set || !f ? set->fcs_len : f->fcs_len;
  uint8_t res = (uint8_t)set->precision;
  if (!set->precision_set && f) {
    if (x && x->fmt == &capkit__format_pcapng &&
        valid_tsresol((uint8_t)f->tsresol))
      res = (uint8_t)f->tsresol; /* any resolution pcapng can hold */
    else if (f->tsresol == 6 || f->tsresol == 9)
      res = (uint8_t)f->tsresol;
  }
  int rc = tmp_start(ws, 8);
  if (rc)
    return wfail(w, rc);
  uint8_t *h = ws->tmp.data + 8;
  capkit__st16(h, (uint16_t)lt, ws->swap);
  capkit__st32(h + 4, snap, ws->swap);
  int any = 0;
  if (f) {
    const char *strs[2] = {f->name, f->description};
    for (int i = 0; i < 2 && !rc; i++)
      if (strs[i]) {
        rc = add_opt(w, &ws->tmp, (uint16_t)(2 + i), strs[i], strlen(strs[i]),
                     ws->swap);
        any = 1;
      }
  }
  if (!rc && res != 6) {
    rc = add_opt(w, &ws->tmp, 9, &res, 1, ws->swap);
    any = 1;
  }
  if (!rc && f && f->filter) {
    /* if_filter: a type byte (0: libpcap filter string), then the text. */
    size_t n = strlen(f->filter);
    if (n > 0xfffe)
      n = 0xfffe;
    uint8_t hd[5];
    static const uint8_t zero[4];
    capkit__st16(hd, 11, ws->swap);
    capkit__st16(hd + 2, (uint16_t)(n + 1), ws->swap);
    hd[4] = 0;
    if (capkit__buf_append(&ws->tmp, hd, 5) ||
        capkit__buf_append(&ws->tmp, f->filter, n) ||
        capkit__buf_append(&ws->tmp, zero, (4 - ((n + 1) & 3)) & 3))
      rc = CAPKIT_ENOMEM;
    any = 1;
  }
  if (!rc && f && f->os) {
    rc = add_opt(w, &ws->tmp, 12, f->os, strlen(f->os), ws->swap);
    any = 1;
  }
  if (!rc && fcs >= 0) {
    uint8_t fl = (uint8_t)fcs;
    rc = add_opt(w, &ws->tmp, 13, &fl, 1, ws->swap);
    any = 1;
  }
  /* if_tsoffset: the input's base of time stays, so that its times (even
   * before 1970) keep fitting and its raw timestamps keep their meaning. */
  int64_t off = f ? f->tsoffset : 0;
  if (!rc && off) {
    uint8_t v[8];
    capkit__st64(v, (uint64_t)off, ws->swap);
    rc = add_opt(w, &ws->tmp, 14, v, 8, ws->swap);
    any = 1;
  }
  if (!rc)
    rc = add_end(&ws->tmp, any);
  if (rc)
    return wfail(w, rc);
  rc = put_block(w, ws, BT_IDB);
  if (rc)
    return rc;
  return add_wif(w, ws, f, in_id, res, off);
}

/* Whether output interface f stands for the input interface in (or, when
 * in is NULL, for in_id). */
static int same_iface(const ng_wif *f, const capkit_iface *in,
                      uint32_t in_id) {
  if (in && in->origin)
    return f->origin == in->origin && f->in_id == in->id;
  return !f->origin && f->in == in && (in || f->in_id == in_id);
}

/* The output interface of a record, writing its description when it is
 * first seen. Returns the id, or a negative code. */
static int64_t map_iface(capkit_writer *w, ng_wstate *ws,
                         const capkit_record *rec) {
  const capkit_iface *in = rec->iface;
  uint32_t in_id = rec->iface_id;
  if (ws->last < ws->n_ifs && same_iface(&ws->ifs[ws->last], in, in_id))
    return (int64_t)ws->last;
  for (size_t i = 0; i < ws->n_ifs; i++) {
    if (same_iface(&ws->ifs[i], in, in_id)) {
      ws->last = i;
      return (int64_t)i;
    }
  }
  int rc = write_idb(w, ws, in, in_id, rec->extra);
  if (rc)
    return rc;
  return (int64_t)(ws->n_ifs - 1);
}

/* Re-emit a kept input block. */
static int emit_kept(capkit_writer *w, ng_wstate *ws, const uint8_t *p,
                     const ng_pend *e) {
  int rc;
  if (e->type == BT_SHB) {
    ws->swap = e->swap;
    if (!ws->shb_done && w->set.comment_set)
      return write_shb(w, ws, p, e->len);
    rc = put(w, p, e->len);
    if (rc)
      return rc;
    ws->shb_done = 1;
    ws->section_open = 1;
    ws->n_ifs = 0;
    return 0;
  }
  if ((rc = ensure_section(w, ws)))
    return rc;
  if (e->swap != ws->swap) {
    /* A block of another byte order than the section written: only an
     * interface matters, and it is described anew when used. */
    return 0;
  }
  if (e->type == BT_IDB && e->iface) {
    rc = put(w, p, e->len);
    if (!rc)
      rc = add_wif(w, ws, e->iface, e->iface->id, (uint8_t)e->iface->tsresol,
                   e->iface->tsoffset);
    return rc;
  }
  return put(w, p, e->len);
}

static int ng_wopen(capkit_writer *w, const capkit_record *first) {
  const capkit__wsettings *set = &w->set;
  ng_wstate *ws = calloc(1, sizeof *ws);
  if (!ws)
    return capkit__writer_fail(w, CAPKIT_ENOMEM, "out of memory");
  w->fstate = ws;
  int le = set->byte_order == CAPKIT_BO_NATIVE
               ? capkit__host_is_le()
               : set->byte_order == CAPKIT_BO_LITTLE;
  ws->swap = le != capkit__host_is_le();
  ws->pass = set->copied && set->info.format &&
             strcmp(set->info.format, "pcapng") == 0 &&
             set->byte_order == set->info.byte_order && !set->precision_set &&
             !set->truncate && !set->relabel && !set->fcs_set;
  if (ws->pass)
    return 0; /* the input's own section header comes with the records */
  int rc = write_shb(w, ws, NULL, 0);
  if (rc)
    return rc;
  if (!first && set->linktype_set) {
    /* An empty copy still says what it would hold. */
    capkit_iface f;
    memset(&f, 0, sizeof f);
    f.linktype = set->linktype;
    f.snaplen = set->snaplen;
    f.fcs_len = set->fcs_len;
    f.tsresol = set->precision;
    return write_idb(w, ws, &f, 0, NULL);
  }
  return 0;
}

static int unchanged(const capkit_record *rec, const ng_px *px) {
  return rec->data == px->data && rec->caplen == px->caplen &&
         rec->origlen == px->origlen && rec->ts_sec == px->ts_sec &&
         rec->ts_nsec == px->ts_nsec && rec->comment == px->comment &&
         rec->flags == px->flags && rec->iface == px->iface;
}

/* The value of an input EPB option for a section of the other byte order:
 * v itself when it has no multi-byte number, the swapped value in sw (9
 * bytes) for the known ones (drop count, packet id, queue, the eBPF
 * verdicts), NULL for the rest (custom and unknown options: their layout
 * is not known). */
static const uint8_t *epb_opt_swapped(uint16_t code, uint16_t len,
                                      const uint8_t *v, uint8_t *sw) {
  switch (code) {
  case OPT_COMMENT:
  case EPB_HASH: /* algorithm byte, then the hash as bytes */
    return v;
  case EPB_DROPCOUNT:
  case EPB_PACKETID:
    if (len != 8)
      return NULL;
    capkit__st64(sw, capkit__ld64(v, 1), 0);
    return sw;
  case EPB_QUEUE:
    if (len != 4)
      return NULL;
    capkit__st32(sw, capkit__ld32(v, 1), 0);
    return sw;
  case EPB_VERDICT: /* type 0: hardware bytes; 1, 2: Linux eBPF TC/XDP */
    if (len >= 1 && v[0] == 0)
      return v;
    if (len != 9 || (v[0] != 1 && v[0] != 2))
      return NULL;
    sw[0] = v[0];
    capkit__st64(sw + 1, capkit__ld64(v + 1, 1), 0);
    return sw;
  }
  return NULL;
}

/* Warn when TS, the time of REC in interface F's units, reads back as
 * another time: an if_tsresol coarser than the record's time. */
static void rounded_time(capkit_writer *w, const capkit_record *rec,
                         uint64_t ts, uint32_t id, const ng_wif *f) {
  capkit_time back;
  ts_decode(ts, f->tsresol, f->tsoffset, &back.sec, &back.nsec);
  if (back.sec == rec->ts_sec && back.nsec == rec->ts_nsec)
    return;
  char a[CAPKIT_TIME_FMT_MAX], b[CAPKIT_TIME_FMT_MAX];
  capkit_time_format(a, sizeof a, capkit_record_time(rec), 9, 0);
  capkit_time_format(b, sizeof b, back, 9, 0);
  capkit__writer_warn(w, CAPKIT_W_TS_ROUNDED,
                      "time %s written as %s (interface %u, if_tsresol "
                      "0x%02x)",
                      a, b, id, f->tsresol);
}

/* An enhanced packet block of our own; options kept from the input block,
 * swapped when the byte order changes. */
static int write_epb(capkit_writer *w, ng_wstate *ws, const capkit_record *rec,
                     uint32_t id, const ng_px *px, int xswap) {
  const ng_wif *f = &ws->ifs[id];
  uint64_t ts;
  if (px && px->type != BT_SPB && px->ts_sec == rec->ts_sec &&
      px->ts_nsec == rec->ts_nsec && px->tsresol == f->tsresol &&
      px->tsoffset == f->tsoffset)
    ts = px->ts; /* exact, even below a nanosecond */
  else if (ts_encode(rec->ts_sec, rec->ts_nsec, f->tsresol, f->tsoffset,
                     &ts)) {
    char t[CAPKIT_TIME_FMT_MAX];
    if (capkit_time_format(t, sizeof t, capkit_record_time(rec), 9, 0) < 0)
      return capkit__writer_fail(w, CAPKIT_EINVAL,
                                 "record %llu: nanoseconds %u not below 10^9",
                                 (unsigned long long)(w->nrec + 1),
                                 rec->ts_nsec);
    return capkit__writer_fail(
        w, CAPKIT_ERANGE,
        "record %llu: time %s does not fit a pcapng timestamp of interface "
        "%u (resolution byte 0x%02x, offset %lld s)",
        (unsigned long long)(w->nrec + 1), t, id, f->tsresol,
        (long long)f->tsoffset);
  } else if (w->warn_fn) {
    rounded_time(w, rec, ts, id, f);
  }
  uint32_t caplen = rec->caplen;
  if (w->set.truncate && caplen > w->set.snaplen)
    caplen = w->set.snaplen;
  const uint8_t *data = capkit__pseudo_output(
      rec, caplen, capkit__host_is_le() != ws->swap, &ws->scratch);
  if (!data)
    return wfail(w, CAPKIT_ENOMEM);
  uint8_t h[28];
  if (!rec->comment && !rec->flags && (!px || !px->opts_len)) {
    /* The common case: no options; header, data, padding and trailer. */
    uint32_t padn = (4 - (caplen & 3)) & 3;
    uint32_t total = 32 + caplen + padn;
    if (caplen > UINT32_MAX - 36)
      return capkit__writer_fail(w, CAPKIT_ETOOBIG, "record %llu too large",
                                 (unsigned long long)(w->nrec + 1));
    capkit__st32(h, BT_EPB, ws->swap);
    capkit__st32(h + 4, total, ws->swap);
    capkit__st32(h + 8, id, ws->swap);
    capkit__st32(h + 12, (uint32_t)(ts >> 32), ws->swap);
    capkit__st32(h + 16, (uint32_t)ts, ws->swap);
    capkit__st32(h + 20, caplen, ws->swap);
    capkit__st32(h + 24, rec->origlen, ws->swap);
    uint8_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    capkit__st32(t + padn, total, ws->swap);
    int rc;
    if ((rc = put(w, h, 28)) || (caplen && (rc = put(w, data, caplen))))
      return rc;
    return put(w, t, padn + 4);
  }
  /* Options after the data, built in tmp; the header goes out first. */
  capkit__buf *b = &ws->tmp;
  b->len = 0;
  static const uint8_t zero[4];
  int rc = capkit__buf_append(b, zero, (4 - (caplen & 3)) & 3);
  size_t opt0 = b->len;
  int keep_comments = px && rec->comment == px->comment;
  if (!rc && rec->comment && !keep_comments)
    rc = add_opt(w, b, OPT_COMMENT, rec->comment, strlen(rec->comment),
                 ws->swap);
  if (!rc && rec->flags) {
    uint8_t fl[4];
    capkit__st32(fl, rec->flags, ws->swap);
    rc = add_opt(w, b, EPB_FLAGS, fl, 4, ws->swap);
  }
  if (!rc && px && px->opts_len && px->type != BT_SPB) {
    optit it = {px->opts, px->opts + px->opts_len, xswap};
    uint16_t code, len;
    const uint8_t *v;
    while (!rc && opt_next(&it, &code, &len, &v) > 0) {
      if (code == EPB_FLAGS || (code == OPT_COMMENT && !keep_comments))
        continue;
      uint8_t sw[9];
      if (xswap != ws->swap && !(v = epb_opt_swapped(code, len, v, sw)))
        continue; /* its byte order is not known: left out */
      rc = add_opt(w, b, code, v, len, ws->swap);
    }
  }
  if (!rc)
    rc = add_end(b, b->len > opt0);
  uint8_t tl[4];
  uint64_t total = 28 + (uint64_t)caplen + b->len + 4;
  if (total > UINT32_MAX)
    return capkit__writer_fail(w, CAPKIT_ETOOBIG, "record %llu too large",
                               (unsigned long long)(w->nrec + 1));
  capkit__st32(tl, (uint32_t)total, ws->swap);
  if (!rc)
    rc = capkit__buf_append(b, tl, 4);
  if (rc)
    return wfail(w, rc);
  capkit__st32(h, BT_EPB, ws->swap);
  capkit__st32(h + 4, (uint32_t)total, ws->swap);
  capkit__st32(h + 8, id, ws->swap);
  capkit__st32(h + 12, (uint32_t)(ts >> 32), ws->swap);
  capkit__st32(h + 16, (uint32_t)ts, ws->swap);
  capkit__st32(h + 20, caplen, ws->swap);
  capkit__st32(h + 24, rec->origlen, ws->swap);
  if ((rc = put(w, h, 28)) || (caplen && (rc = put(w, data, caplen))))
    return rc;
  return put(w, b->data, b->len);
}

/* An input block written as it is; blocks that follow each other in the
 * input are handed to the sink as runs. */
static int put_raw(capkit_writer *w, ng_wstate *ws,
                   const struct capkit_extra *x, uint64_t off) {
  int rc;
  if (x->fd >= 0 && x->src_id == ws->last_src && off == ws->last_end &&
      capkit__sink_takes_runs(&w->sink)) {
    rc = capkit__sink_write_run(&w->sink, x->fd, x->src_id, off, x->raw_len,
                                x->raw);
    if (rc)
      return wfail(w, rc);
  } else if ((rc = put(w, x->raw, x->raw_len))) {
    return rc;
  }
  ws->last_src = x->fd >= 0 ? x->src_id : 0;
  ws->last_end = off + x->raw_len;
  return 0;
}

static int ng_write(capkit_writer *w, const capkit_record *rec) {
  ng_wstate *ws = w->fstate;
  const struct capkit_extra *x = rec->extra;
  const ng_px *px =
      x && x->fmt == &capkit__format_pcapng ? (const ng_px *)x->priv : NULL;
  int rc;
  /* Any bytes written here other than a raw block end a run of blocks the
   * kernel may copy (last_src). */
  uint64_t before = capkit_writer_bytes(w);
  if (ws->pass && px && !px->pre_complete)
    capkit__writer_warn(
        w, CAPKIT_W_BLOCK_DROPPED,
        "non-packet blocks before this record left out (over %zu MiB)",
        MAX_PENDING >> 20);
  if (ws->pass && px)
    for (size_t i = 0; i < px->n_ents; i++)
      if ((rc = emit_kept(w, ws, px->pre + px->ents[i].off, &px->ents[i])))
        return rc;
  if ((rc = ensure_section(w, ws)))
    return rc;
  int64_t id = map_iface(w, ws, rec);
  if (id < 0)
    return (int)id;
  if (capkit_writer_bytes(w) != before)
    ws->last_src = 0;
  if (ws->pass && px && x->swap == ws->swap && unchanged(rec, px) &&
      (px->type != BT_SPB || id == 0) &&
      ws->ifs[id].tsresol == px->tsresol &&
      ws->ifs[id].tsoffset == px->tsoffset) { /* raw times mean the same */
    if ((uint32_t)id == px->local_id)
      return put_raw(w, ws, x, rec->offset);
    /* The same block under another interface number (the obsolete packet
     * block has 16 bits for it). */
    uint8_t n[4] = {0, 0, 0, 0};
    size_t nl = 4;
    if (px->type == BT_EPB) {
      capkit__st32(n, (uint32_t)id, ws->swap);
    } else {
      nl = 2;
      capkit__st16(n, (uint16_t)id, ws->swap);
    }
    ws->last_src = 0;
    if (px->type == BT_EPB || id <= 0xffff) {
      if ((rc = put(w, x->raw, 8)) || (rc = put(w, n, nl)))
        return rc;
      return put(w, x->raw + 8 + nl, x->raw_len - 8 - nl);
    }
  }
  ws->last_src = 0;
  return write_epb(w, ws, rec, (uint32_t)id, px, x ? x->swap : 0);
}

static int ng_wclose(capkit_writer *w) {
  ng_wstate *ws = w->fstate;
  const capkit_reader *r = w->copy_from;
  int rc;
  if (ws->pass && r && r->fmt == &capkit__format_pcapng &&
      r->state == CAPKIT__END && r->fstate) {
    /* The blocks after the reader's last record (statistics, ...). */
    const ng_state *st = r->fstate;
    if (!st->clear_pend) {
      const ng_pend *e = (const ng_pend *)(const void *)st->pents.data;
      size_t n = st->pents.len / sizeof *e;
      ws->last_src = 0;
      for (size_t i = 0; i < n; i++)
        if ((rc = emit_kept(w, ws, st->pend.data + e[i].off, &e[i])))
          return rc;
    }
  }
  return ensure_section(w, ws);
}

/* An Interface Statistics Block for the interface records name so. */
static int ng_wstats(capkit_writer *w, const capkit_iface *iface,
                     uint32_t iface_id, const capkit_iface_stats *st) {
  ng_wstate *ws = w->fstate;
  int rc = ensure_section(w, ws);
  if (rc)
    return rc;
  capkit_record like = CAPKIT_RECORD_INIT;
  like.iface = iface;
  like.iface_id = iface_id;
  int64_t id = map_iface(w, ws, &like);
  if (id < 0)
    return (int)id;
  const ng_wif *f = &ws->ifs[id];
  uint64_t ts = 0;
  if (ts_encode(st->ts_sec, st->ts_nsec, f->tsresol, f->tsoffset, &ts))
    ts = 0;
  if ((rc = tmp_start(ws, 12)))
    return wfail(w, rc);
  uint8_t *h = ws->tmp.data + 8;
  capkit__st32(h, (uint32_t)id, ws->swap);
  capkit__st32(h + 4, (uint32_t)(ts >> 32), ws->swap);
  capkit__st32(h + 8, (uint32_t)ts, ws->swap);
  /* isb_ifrecv 4, isb_ifdrop 5, isb_filteraccept 6, isb_osdrop 7,
   * isb_usrdeliv 8: each a 64-bit counter. */
  const uint64_t v[5] = {st->ifrecv, st->ifdrop, st->filteraccept,
                         st->osdrop, st->usrdeliv};
  static const uint32_t bit[5] = {CAPKIT_STAT_IFRECV, CAPKIT_STAT_IFDROP,
                                  CAPKIT_STAT_FILTERACCEPT,
                                  CAPKIT_STAT_OSDROP, CAPKIT_STAT_USRDELIV};
  int any = 0;
  for (int i = 0; i < 5 && !rc; i++)
    if (st->present & bit[i]) {
      uint8_t b[8];
      capkit__st64(b, v[i], ws->swap);
      rc = add_opt(w, &ws->tmp, (uint16_t)(4 + i), b, 8, ws->swap);
      any = 1;
    }
  if (!rc)
    rc = add_end(&ws->tmp, any);
  if (rc)
    return wfail(w, rc);
  return put_block(w, ws, BT_ISB);
}

static void ng_wfree(capkit_writer *w) {
  ng_wstate *ws = w->fstate;
  if (!ws)
    return;
  free(ws->ifs);
  capkit__buf_free(&ws->tmp);
  capkit__buf_free(&ws->scratch);
  free(ws);
  w->fstate = NULL;
}

const capkit__format capkit__format_pcapng = {
    .name = "pcapng",
    .probe = ng_probe,
    .open = ng_open,
    .next = ng_next,
    .close = ng_close,
    .wopen = ng_wopen,
    .write = ng_write,
    .wclose = ng_wclose,
    .wfree = ng_wfree,
    .wstats = ng_wstats,
};

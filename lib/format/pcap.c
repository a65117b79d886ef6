/* pcap.c - the classic pcap backend: every variant met in the wild, both
 * byte orders, and a writer whose unchanged copies are byte-identical.
 *
 * Where the odd variants come from (record-header layouts that share a
 * magic are told apart by scoring the first records, as Wireshark does):
 *  - a1b2c3d4 / a1b23c4d: standard micro- / nanosecond pcap (16-byte record
 *    headers). Version 2.2 with link type 6, 9, 15 or 24 is AIX's libpcap,
 *    with nanosecond fractions and RFC 1573 ifType values as link type.
 *  - a1b2c3d4 with 24-byte record headers: Alexey Kuznetsov's 1999-04-17
 *    patch (Red Hat 6.1); with 20-byte headers: Nokia IPSO.
 *  - a1b2cd34 "modified": the 1999-10-29 patch (24-byte headers, the usual
 *    "Kuznetsov" format) or the 1999-09-15 one (28 bytes, SuSE 6.3).
 *  - 1c0001ab / 1c0001ac: Ixia lcap (software us / hardware ns), a 28-byte
 *    file header whose last field is the byte count of the records.
 *  - versions before 2.3 store original length before captured length;
 *    some 2.3 files do too (detected per record), and DG/UX writes 543.0.
 * The link-type field is libpcap's: link type in the low 16 bits, an
 * FCS-length-present bit (0x04000000) and the FCS length in 16-bit units in
 * the top 4 bits; the other bits are reserved. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/format.h"
#include "format/pcap_walk.h"
#include "format/pseudo.h"
#include "util/buf.h"
#include "util/bytes.h"

extern const capkit__format capkit__format_pcap;

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define MAGIC_MOD 0xa1b2cd34u
#define MAGIC_IXIA_SW 0x1c0001abu
#define MAGIC_IXIA_HW 0x1c0001acu

#define LT_FCS_PRESENT 0x04000000u
/* Every bit but the link type, the FCS-present bit and the FCS length. */
#define LT_RESERVED 0x0bff0000u

enum variant {
  V_STANDARD,
  V_NSEC,
  V_AIX,
  V_SS990417,
  V_SS990915,
  V_SS991029,
  V_NOKIA,
  V_IXIA_SW,
  V_IXIA_HW,
};

static const struct {
  const char *name;
  uint32_t hdrlen;
} variants[] = {
    [V_STANDARD] = {"standard", 16},
    [V_NSEC] = {"nanosecond", 16},
    [V_AIX] = {"aix", 16},
    [V_SS990417] = {"ss990417 (Red Hat 6.1)", 24},
    [V_SS990915] = {"ss990915 (SuSE 6.3)", 28},
    [V_SS991029] = {"modified (ss991029, Kuznetsov)", 24},
    [V_NOKIA] = {"nokia", 20},
    [V_IXIA_SW] = {"ixia-sw", 16},
    [V_IXIA_HW] = {"ixia-hw", 16},
};

enum { LEN_NORMAL, LEN_SWAPPED, LEN_MAYBE };

typedef struct pcap_state {
  int swap;
  enum variant variant;
  uint32_t hdrlen;
  uint32_t frac_limit; /* 1e6 or 1e9 */
  uint32_t frac_mult;  /* 1000 or 1 */
  int lengths;
  uint32_t snaplen;
  uint32_t bound;
  uint32_t linktype;
  capkit_iface *iface;
  struct capkit_extra extra;
  int64_t last_ns;
  int have_last;
} pcap_state;

/* A decoded record header. */
typedef struct rhdr {
  uint32_t sec, frac, incl, orig;
} rhdr;

static int magic_of(const uint8_t *p, uint32_t *magic, int *swap) {
  static const uint32_t known[] = {MAGIC_US, MAGIC_NS, MAGIC_MOD,
                                   MAGIC_IXIA_SW, MAGIC_IXIA_HW};
  uint32_t v = capkit__ld32(p, 0);
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    if (v == known[i]) {
      *magic = v;
      *swap = 0;
      return 1;
    }
    if (capkit__bswap32(v) == known[i]) {
      *magic = known[i];
      *swap = 1;
      return 1;
    }
  }
  return 0;
}

static int pcap_probe(const uint8_t *p, size_t n) {
  uint32_t magic;
  int swap;
  if (n < 4)
    return 0;
  return magic_of(p, &magic, &swap) ? 100 : 0;
}

static inline void decode(const pcap_state *st, const uint8_t *h, rhdr *o) {
  o->sec = capkit__ld32(h, st->swap);
  o->frac = capkit__ld32(h + 4, st->swap);
  o->incl = capkit__ld32(h + 8, st->swap);
  o->orig = capkit__ld32(h + 12, st->swap);
  if (st->lengths == LEN_SWAPPED ||
      (st->lengths == LEN_MAYBE && o->incl > o->orig)) {
    uint32_t t = o->incl;
    o->incl = o->orig;
    o->orig = t;
  }
}

/* Oddities of one record header under a layout (Wireshark's figure of
 * merit, and an original length of 0): each one adds one. The Nokia extra
 * field is also accepted as zero: editcap writes it so. */
static int oddities(const pcap_state *st, enum variant v, const uint8_t *p,
                    const rhdr *h) {
  int merit = 0;
  if (h->frac >= 1000000)
    merit++;
  if (st->snaplen && h->incl > st->snaplen)
    merit++;
  if (h->orig > (128u << 20))
    merit++;
  if (h->incl > h->orig)
    merit++;
  if (h->orig == 0) /* nothing on the wire: zeros read as a header */
    merit++;
  if (v == V_SS990417 || v == V_SS990915 || v == V_SS991029) {
    uint32_t ifindex = capkit__ld32(p + 16, st->swap);
    uint16_t proto = capkit__ld16(p + 20, st->swap);
    uint8_t pkt_type = p[22];
    if (ifindex > 10000)
      merit++;
    if (!(proto >= 0x0600 || proto == 0x0060 || proto == 0x0200 ||
          proto == 0x0400 || proto <= 0x0017))
      merit++;
    if (pkt_type > 4)
      merit++;
  } else if (v == V_NOKIA) {
    uint32_t ns = capkit__ld32(p + 16, st->swap);
    uint32_t p1 = ns & 0xF0000000u, p2 = ns & 0x0000F000u;
    uint32_t p3 = ns & 0x00000F00u, p4 = ns & 0x0000000Fu;
    if (ns != 0 &&
        !((ns & 0x0FFF00F0u) == 0x0fbf0000u &&
          (p1 == 0x90000000u || p1 == 0xb0000000u) &&
          (p2 == 0x0000b000u || p2 == 0x0000d000u) &&
          (p3 == 0x00000600u || p3 == 0x00000900u) &&
          (p4 == 1 || p4 == 2)))
      merit++;
  }
  return merit;
}

/* Layouts that share a magic are told apart by walking the first records
 * under each: at most GUESS_RECORDS records in the first GUESS_BYTES
 * bytes after the file header. The walk waits for those bytes on a pipe
 * as on a file, so that a file and the same bytes on standard input are
 * always read alike (a pipe delivers its first record once four have
 * arrived, or the input ended). */
#define GUESS_RECORDS 8
#define GUESS_BYTES ((size_t)1 << 20)

typedef struct walk {
  int ok;   /* complete records before a failure or the walk's end */
  int fail; /* a record a reader would refuse (too long, cut short) */
  int end;  /* the input ended cleanly after the last record */
  int odd;  /* oddities in the records walked */
} walk;

static int walk_layout(capkit_reader *r, const pcap_state *base,
                       enum variant v, int most, walk *w) {
  pcap_state st = *base;
  st.hdrlen = variants[v].hdrlen;
  capkit__src *s = &r->src;
  size_t at = 0;
  uint32_t last_sec = 0;
  memset(w, 0, sizeof *w);
  while (w->ok < most) {
    size_t need = at + st.hdrlen;
    if (need > GUESS_BYTES)
      break;
    int f = capkit__src_fill(s, need);
    if (f < 0)
      return f;
    if (f == 0) {
      if ((size_t)(s->end - s->cur) > at)
        w->fail = 1; /* a record header cut short */
      else
        w->end = 1;
      break;
    }
    rhdr h;
    decode(&st, s->cur + at, &h);
    if (h.incl > st.bound) {
      w->fail = 1;
      break;
    }
    w->odd += oddities(&st, v, s->cur + at, &h);
    if (w->ok && h.sec < last_sec)
      w->odd++; /* time going backwards */
    last_sec = h.sec;
    need += h.incl;
    if (need > GUESS_BYTES)
      break;
    f = capkit__src_fill(s, need);
    if (f < 0)
      return f;
    if (f == 0) {
      w->fail = 1; /* record data cut short */
      break;
    }
    at = need;
    w->ok++;
  }
  return 0;
}

/* The first candidate (the standard layout of the magic) wins unless it
 * fails outright where another one reads cleanly much further: twice as
 * many records and two more, or to the clean end of the input with two
 * more. Oddities alone (a fraction of 1000000, a length above the snaplen)
 * never switch the layout, and a standard layout that reads its first
 * GUESS_RECORDS / 2 records is taken without looking at the others. */
static int guess(capkit_reader *r, pcap_state *st, const enum variant *cands,
                 size_t n, enum variant *out) {
  walk w0;
  int rc = walk_layout(r, st, cands[0], GUESS_RECORDS / 2, &w0);
  *out = cands[0];
  if (rc < 0 || !w0.fail)
    return rc;
  int best = -1;
  for (size_t i = 1; i < n; i++) {
    walk w;
    if ((rc = walk_layout(r, st, cands[i], GUESS_RECORDS, &w)) < 0)
      return rc;
    int further = w.ok >= 2 * w0.ok + 2 || (w.end && w.ok >= w0.ok + 2);
    if (!w.fail && further && 4 * w.odd <= w.ok && w.ok > best) {
      best = w.ok;
      *out = cands[i];
    }
  }
  return 0;
}

static uint32_t aix_linktype(uint32_t iftype) {
  switch (iftype) {
  case 6:
    return 1; /* Ethernet */
  case 9:
    return 6; /* Token Ring */
  case 15:
    return 10; /* FDDI */
  case 24:
    return 0; /* loopback */
  }
  return iftype;
}

static int pcap_open(capkit_reader *r) {
  capkit__src *s = &r->src;
  uint32_t magic;
  int swap;
  int f = capkit__src_fill(s, 24);
  if (f < 0)
    return capkit__reader_fail(r, f, 0, 0, "read error: %s",
                                 capkit__src_errtext(s, f));
  size_t have = (size_t)(s->end - s->cur);
  if (have < 4 || !magic_of(s->cur, &magic, &swap))
    return capkit__reader_fail(r, CAPKIT_EFORMAT, 0, 0, "not a pcap file");
  uint32_t hlen = 24;
  if (magic == MAGIC_IXIA_SW || magic == MAGIC_IXIA_HW) {
    hlen = 28;
    f = capkit__src_fill(s, 28);
    if (f < 0)
      return capkit__reader_fail(r, f, 0, 0, "read error: %s",
                                 capkit__src_errtext(s, f));
    have = (size_t)(s->end - s->cur);
  }
  if (have < hlen)
    return capkit__reader_fail(r, CAPKIT_ETRUNC, have, 0,
                               "truncated pcap file header (%zu of %u bytes)",
                               have, hlen);
  pcap_state *st = calloc(1, sizeof *st);
  if (!st)
    return capkit__reader_fail(r, CAPKIT_ENOMEM, 0, 0, "out of memory");
  r->fstate = st;
  const uint8_t *h = s->cur;
  capkit_file_info *in = &r->info;
  in->format = "pcap";
  in->magic = magic;
  in->byte_order = (capkit__host_is_le() != swap) ? CAPKIT_BO_LITTLE
                                                   : CAPKIT_BO_BIG;
  in->version_major = capkit__ld16(h + 4, swap);
  in->version_minor = capkit__ld16(h + 6, swap);
  in->thiszone = (int32_t)capkit__ld32(h + 8, swap);
  in->sigfigs = capkit__ld32(h + 12, swap);
  in->snaplen = capkit__ld32(h + 16, swap);
  in->linktype_field = capkit__ld32(h + 20, swap);
  in->header_len = hlen;
  st->swap = swap;
  st->snaplen = in->snaplen;

  if (in->version_major < 2)
    return capkit__reader_fail(r, CAPKIT_EUNSUPPORTED, 4, 0,
                               "unsupported pcap version %u.%u",
                               in->version_major, in->version_minor);
  st->lengths = LEN_NORMAL;
  if (in->version_major == 2 && in->version_minor < 3)
    st->lengths = LEN_SWAPPED;
  else if (in->version_major == 2 && in->version_minor == 3)
    st->lengths = LEN_MAYBE;
  else if (in->version_major == 543)
    st->lengths = LEN_SWAPPED;
  in->lengths_swapped = st->lengths;

  uint32_t lt = in->linktype_field & 0xffff;
  in->fcs_len = -1;
  if (in->linktype_field & LT_FCS_PRESENT)
    in->fcs_len = (int32_t)((in->linktype_field >> 28) & 0xf) * 2;

  enum variant v;
  switch (magic) {
  case MAGIC_NS:
    v = V_NSEC;
    break;
  case MAGIC_IXIA_SW:
    v = V_IXIA_SW;
    break;
  case MAGIC_IXIA_HW:
    v = V_IXIA_HW;
    break;
  case MAGIC_MOD:
    v = V_SS991029;
    break;
  default:
    v = V_STANDARD;
    break;
  }
  if (magic == MAGIC_US && in->version_major == 2 && in->version_minor == 2 &&
      (lt == 6 || lt == 9 || lt == 15 || lt == 24) &&
      (in->linktype_field >> 16) == 0) {
    v = V_AIX;
    lt = aix_linktype(lt);
  }
  st->linktype = lt;
  in->linktype = lt;
  st->bound = capkit__reader_caplen_bound(r, lt, in->snaplen);
  s->cur += hlen;

  /* Layouts that share a magic: walk the first records. */
  int grc = 0;
  if (v == V_STANDARD && st->lengths == LEN_NORMAL) {
    static const enum variant std[] = {V_STANDARD, V_SS990417, V_NOKIA};
    grc = guess(r, st, std, 3, &v);
  } else if (v == V_SS991029) {
    static const enum variant mod[] = {V_SS991029, V_SS990915};
    grc = guess(r, st, mod, 2, &v);
  }
  if (grc < 0)
    return capkit__reader_fail(r, grc, capkit__src_offset(s), 0,
                               "read error: %s",
                               capkit__src_errtext(s, grc));
  st->variant = v;
  st->hdrlen = variants[v].hdrlen;
  int ns = (v == V_NSEC || v == V_AIX || v == V_IXIA_HW);
  st->frac_limit = ns ? 1000000000u : 1000000u;
  st->frac_mult = ns ? 1u : 1000u;
  in->variant = variants[v].name;
  in->tsresol = ns ? 9 : 6;
  in->record_header_len = st->hdrlen;

  if (in->linktype_field & LT_RESERVED)
    capkit__reader_warn(r, CAPKIT_W_RESERVED_NONZERO, 20, 0,
                        "reserved bits of the link-type field set (0x%08x)",
                        in->linktype_field & LT_RESERVED);
  if (in->thiszone != 0 || in->sigfigs != 0)
    capkit__reader_warn(r, CAPKIT_W_RESERVED_NONZERO, 8, 0,
                        "reserved fields not zero (thiszone %d, sigfigs %u)",
                        in->thiszone, in->sigfigs);
  if (in->snaplen == 0)
    capkit__reader_warn(r, CAPKIT_W_SNAPLEN_ZERO, 16, 0,
                        "snaplen is 0 (no limit recorded)");

  capkit_iface ifc = {0};
  ifc.linktype = lt;
  ifc.snaplen = in->snaplen;
  ifc.fcs_len = in->fcs_len;
  ifc.tsresol = in->tsresol;
  ifc.byte_order = in->byte_order;
  st->iface = capkit__reader_add_iface(r, &ifc);
  if (!st->iface)
    return capkit__reader_fail(r, CAPKIT_ENOMEM, 0, 0, "out of memory");
  st->extra.fmt = &capkit__format_pcap;
  st->extra.raw_len = st->hdrlen;
  st->extra.swap = swap;
  st->extra.fd = capkit__src_file_fd(&r->src);
  st->extra.src_id = capkit__new_source_id();
  return 0;
}

static int fail_trunc(capkit_reader *r, uint64_t off, uint64_t rec,
                      const char *what, size_t have, size_t want) {
  return capkit__reader_fail(r, CAPKIT_ETRUNC, off, rec,
                             "truncated %s (%zu of %zu bytes)", what, have,
                             want);
}

static void warn_record(capkit_reader *r, pcap_state *st, const rhdr *h,
                        const capkit_record *rec) {
  uint64_t off = rec->offset, n = rec->number;
  if (h->incl > h->orig)
    capkit__reader_warn(r, CAPKIT_W_CAPLEN_GT_ORIGLEN, off, n,
                        "captured length %u larger than original length %u",
                        h->incl, h->orig);
  if (st->snaplen && h->incl > st->snaplen)
    capkit__reader_warn(r, CAPKIT_W_CAPLEN_GT_SNAPLEN, off, n,
                        "captured length %u larger than snaplen %u", h->incl,
                        st->snaplen);
  if (h->frac >= st->frac_limit)
    capkit__reader_warn(r, CAPKIT_W_TS_FRAC_RANGE, off + 4, n,
                        "timestamp fraction %u not below %u", h->frac,
                        st->frac_limit);
  int64_t t = capkit_record_time_ns(rec);
  if (st->have_last && t < st->last_ns)
    capkit__reader_warn(r, CAPKIT_W_TS_BACKWARDS, off, n,
                        "time goes backwards by %lld ns",
                        (long long)(st->last_ns - t));
  st->last_ns = t;
  st->have_last = 1;
}

static int pcap_next(capkit_reader *r, capkit_record *rec) {
  pcap_state *st = r->fstate;
  capkit__src *s = &r->src;
  capkit__src_release(s);
  uint64_t number = r->nrec + 1;
  int f = capkit__src_fill(s, st->hdrlen);
  if (f <= 0) {
    size_t have = (size_t)(s->end - s->cur);
    if (f < 0)
      return capkit__reader_fail(r, f, capkit__src_offset(s), number,
                                 "read error: %s", capkit__src_errtext(s, f));
    if (have == 0)
      return 0;
    return fail_trunc(r, capkit__src_offset(s), number, "record header",
                      have, st->hdrlen);
  }
  rhdr h;
  decode(st, s->cur, &h);
  if (h.incl > st->bound)
    return capkit__reader_fail(
        r, CAPKIT_ETOOBIG, capkit__src_offset(s) + 8, number,
        "captured length %u exceeds the bound of %u bytes", h.incl,
        st->bound);
  size_t need = (size_t)st->hdrlen + h.incl;
  f = capkit__src_fill(s, need);
  if (f <= 0) {
    if (f < 0)
      return capkit__reader_fail(r, f, capkit__src_offset(s), number,
                                 "read error: %s", capkit__src_errtext(s, f));
    size_t have = (size_t)(s->end - s->cur) - st->hdrlen;
    return fail_trunc(r, capkit__src_offset(s), number, "record data", have,
                      h.incl);
  }
  const uint8_t *p = s->cur;
  rec->offset = capkit__src_offset(s);
  rec->number = number;
  rec->ts_sec = h.sec;
  if (h.frac < st->frac_limit) {
    rec->ts_nsec = h.frac * st->frac_mult;
  } else {
    rec->ts_sec += h.frac / st->frac_limit;
    rec->ts_nsec = (h.frac % st->frac_limit) * st->frac_mult;
  }
  rec->caplen = h.incl;
  rec->origlen = h.orig;
  rec->iface_id = 0;
  rec->iface = st->iface;
  rec->data = p + st->hdrlen;
  rec->comment = NULL;
  rec->flags = 0;
  st->extra.raw = p;
  rec->extra = &st->extra;
  s->cur = p + need;
  capkit__src_prefetch(s);
  if (capkit__reader_wants_warnings(r))
    warn_record(r, st, &h, rec);
  return 1;
}

int capkit__pcap_walk_params(capkit_reader *r, capkit__pcap_walk *w) {
  if (r->fmt != &capkit__format_pcap || r->state != CAPKIT__OPEN)
    return 0;
  pcap_state *st = r->fstate;
  if (st->hdrlen != 16 || st->lengths != LEN_NORMAL)
    return 0;
  w->swap = st->swap;
  w->frac_limit = st->frac_limit;
  w->frac_mult = st->frac_mult;
  w->snaplen = st->snaplen;
  w->bound = st->bound;
  w->iface = st->iface;
  w->last_ns = &st->last_ns;
  w->have_last = &st->have_last;
  return 1;
}

static void pcap_close(capkit_reader *r) {
  free(r->fstate);
  r->fstate = NULL;
}

/* ---- writer ---- */

typedef struct pcap_wstate {
  pcap_state fmt; /* the layout written, as a reader would see it */
  uint32_t linktype;
  uint8_t hdr[28];
  uint32_t hlen;
  uint64_t records_bytes;
  uint64_t last_src; /* input and end offset of the last unchanged record */
  uint64_t last_end;
  capkit__buf scratch; /* a record whose pseudo-header changes byte order */
} pcap_wstate;

static int pcap_wopen(capkit_writer *w, const capkit_record *first) {
  const capkit__wsettings *set = &w->set;
  pcap_wstate *ws = calloc(1, sizeof *ws);
  if (!ws)
    return capkit__writer_fail(w, CAPKIT_ENOMEM, "out of memory");
  w->fstate = ws;
  int le = set->byte_order == CAPKIT_BO_NATIVE
               ? capkit__host_is_le()
               : set->byte_order == CAPKIT_BO_LITTLE;
  int swap = le != capkit__host_is_le();
  pcap_state *st = &ws->fmt;
  st->swap = swap;
  uint32_t magic = set->precision == 9 ? MAGIC_NS : MAGIC_US;
  uint16_t vmaj = 2, vmin = 4;
  int32_t thiszone = 0;
  uint32_t sigfigs = 0;
  uint32_t hlen = 24;
  uint32_t lt;
  if (set->linktype_set)
    lt = set->linktype;
  else if (first && first->iface)
    lt = first->iface->linktype;
  else
    lt = CAPKIT_LINKTYPE_ETHERNET;
  uint32_t ltfield = lt;
  if (set->fcs_len >= 0)
    ltfield |= LT_FCS_PRESENT | ((uint32_t)(set->fcs_len / 2) << 28);
  st->variant = set->precision == 9 ? V_NSEC : V_STANDARD;
  st->lengths = LEN_NORMAL;
  if (set->copied && strcmp(set->info.format, "pcap") == 0) {
    const capkit_file_info *in = &set->info;
    magic = in->magic;
    vmaj = in->version_major;
    vmin = in->version_minor;
    thiszone = in->thiszone;
    sigfigs = in->sigfigs;
    hlen = in->header_len;
    st->lengths = in->lengths_swapped;
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
      if (in->variant && strcmp(variants[i].name, in->variant) == 0)
        st->variant = (enum variant)i;
    if (lt == in->linktype && set->fcs_len == in->fcs_len)
      ltfield = in->linktype_field;
    /* A changed precision or an AIX link type we cannot express keeps the
     * layout but not the magic/variant. */
    if ((set->precision == 9) != (in->tsresol == 9)) {
      magic = set->precision == 9 ? MAGIC_NS : MAGIC_US;
      st->variant = set->precision == 9 ? V_NSEC : V_STANDARD;
      hlen = 24;
    }
  }
  ws->linktype = lt;
  st->hdrlen = variants[st->variant].hdrlen;
  w->inplace_hdr = st->hdrlen;
  st->frac_limit = set->precision == 9 ? 1000000000u : 1000000u;
  st->frac_mult = set->precision == 9 ? 1u : 1000u;
  st->snaplen = set->snaplen;
  uint8_t *h = ws->hdr;
  memset(h, 0, sizeof ws->hdr);
  capkit__st32(h, magic, swap);
  capkit__st16(h + 4, vmaj, swap);
  capkit__st16(h + 6, vmin, swap);
  capkit__st32(h + 8, (uint32_t)thiszone, swap);
  capkit__st32(h + 12, sigfigs, swap);
  capkit__st32(h + 16, set->snaplen, swap);
  capkit__st32(h + 20, ltfield, swap);
  ws->hlen = hlen;
  int rc = capkit__sink_write(&w->sink, h, hlen);
  if (rc)
    return capkit__writer_fail(w, rc, "write failed");
  return 0;
}

static int pcap_write(capkit_writer *w, const capkit_record *rec) {
  pcap_wstate *ws = w->fstate;
  const pcap_state *st = &ws->fmt;
  if (rec->iface && rec->iface->linktype != ws->linktype && !w->set.relabel)
    return capkit__writer_fail(
        w, CAPKIT_ELINKTYPE,
        "record %llu has link type %u (%s) but the file has %u (%s); a pcap "
        "file holds one link type (write pcapng, or relabel)",
        (unsigned long long)(w->nrec + 1), rec->iface->linktype,
        capkit_linktype_name(rec->iface->linktype)
            ? capkit_linktype_name(rec->iface->linktype)
            : "unknown",
        ws->linktype,
        capkit_linktype_name(ws->linktype) ? capkit_linktype_name(ws->linktype)
                                           : "unknown");
  if (rec->ts_nsec >= 1000000000u)
    return capkit__writer_fail(w, CAPKIT_EINVAL,
                               "record %llu: nanoseconds %u not below 10^9",
                               (unsigned long long)(w->nrec + 1),
                               rec->ts_nsec);
  if (rec->ts_sec < 0 || rec->ts_sec > (int64_t)UINT32_MAX) {
    char t[CAPKIT_TIME_FMT_MAX];
    capkit_time_format(t, sizeof t, capkit_record_time(rec), 9, 0);
    return capkit__writer_fail(
        w, CAPKIT_ERANGE,
        "record %llu: time %s does not fit a pcap timestamp (1970-01-01 to "
        "2106-02-07)",
        (unsigned long long)(w->nrec + 1), t);
  }
  uint32_t caplen = rec->caplen;
  if (w->set.truncate && caplen > w->set.snaplen)
    caplen = w->set.snaplen;
  uint8_t hdr[28];
  const uint8_t *out = hdr;
  const struct capkit_extra *x = rec->extra;
  int done = 0;
  if (x && x->fmt == &capkit__format_pcap && x->raw_len == st->hdrlen &&
      x->swap == st->swap) {
    /* Keep the on-disk header when it says exactly what the record says:
     * unchanged copies stay byte-identical (odd fractions, swapped
     * lengths, the extra fields of the variants). */
    rhdr h;
    decode(st, x->raw, &h);
    int64_t sec = h.sec;
    uint32_t nsec;
    if (h.frac < st->frac_limit) {
      nsec = h.frac * st->frac_mult;
    } else {
      sec += h.frac / st->frac_limit;
      nsec = (h.frac % st->frac_limit) * st->frac_mult;
    }
    if (sec == rec->ts_sec && nsec == rec->ts_nsec && h.incl == caplen &&
        h.orig == rec->origlen) {
      out = x->raw;
      done = 1;
    }
  }
  if (!done) {
    uint32_t frac = st->frac_mult == 1 ? rec->ts_nsec : rec->ts_nsec / 1000;
    if (frac * st->frac_mult != rec->ts_nsec)
      capkit__writer_warn(w, CAPKIT_W_TS_ROUNDED,
                          "time %lld.%09u written as microseconds",
                          (long long)rec->ts_sec, rec->ts_nsec);
    memset(hdr, 0, sizeof hdr);
    capkit__st32(hdr, (uint32_t)rec->ts_sec, st->swap);
    capkit__st32(hdr + 4, frac, st->swap);
    uint32_t a = caplen, b = rec->origlen;
    if (st->lengths == LEN_SWAPPED) {
      a = rec->origlen;
      b = caplen;
    }
    capkit__st32(hdr + 8, a, st->swap);
    capkit__st32(hdr + 12, b, st->swap);
  }
  const uint8_t *data = capkit__pseudo_output(
      rec, caplen, capkit__host_is_le() != st->swap, &ws->scratch);
  if (!data)
    return capkit__writer_fail(w, CAPKIT_ENOMEM, "out of memory");
  int rc;
  uint64_t rlen = (uint64_t)st->hdrlen + caplen;
  int raw_data = done && x->fd >= 0 && data == x->raw + st->hdrlen;
  if (w->inplace) {
    /* The data is in the sink's buffer already (capkit_writer_reserve),
     * with room for the header before it. */
    memcpy(w->inplace - st->hdrlen, out, st->hdrlen);
    if (data != w->inplace && caplen)
      memcpy(w->inplace, data, caplen); /* a pseudo-header turned */
    capkit__sink_commit(&w->sink, rlen);
    rc = 0;
  } else if (raw_data && x->src_id == ws->last_src &&
             rec->offset == ws->last_end && capkit__sink_takes_runs(&w->sink))
    /* Unchanged records that follow each other in the input: one run,
     * header and data in one write. */
    rc = capkit__sink_write_run(&w->sink, x->fd, x->src_id, rec->offset, rlen,
                                x->raw);
  else {
    rc = capkit__sink_write(&w->sink, out, st->hdrlen);
    if (!rc && caplen)
      rc = capkit__sink_write(&w->sink, data, caplen);
  }
  if (rc)
    return capkit__writer_fail(w, rc, "write failed: %s",
                               capkit_strerror(rc));
  ws->last_src = raw_data ? x->src_id : 0;
  ws->last_end = raw_data ? rec->offset + rlen : 0;
  ws->records_bytes += rlen;
  return 0;
}

static int pcap_wclose(capkit_writer *w) {
  pcap_wstate *ws = w->fstate;
  if (ws->hlen == 28) {
    /* Ixia: the header's last field counts the record bytes. */
    uint8_t n[4];
    capkit__st32(n, (uint32_t)ws->records_bytes, ws->fmt.swap);
    int rc = capkit__sink_flush(&w->sink);
    if (!rc && w->sink.tmp && !w->sink.codec.write &&
        pwrite(w->sink.fd, n, 4, 24) != 4)
      rc = CAPKIT_EIO;
    if (rc)
      return capkit__writer_fail(w, rc, "write failed");
  }
  return 0;
}

static void pcap_wfree(capkit_writer *w) {
  pcap_wstate *ws = w->fstate;
  if (ws)
    capkit__buf_free(&ws->scratch);
  free(w->fstate);
  w->fstate = NULL;
}

const capkit__format capkit__format_pcap = {
    .name = "pcap",
    .probe = pcap_probe,
    .open = pcap_open,
    .next = pcap_next,
    .close = pcap_close,
    .wopen = pcap_wopen,
    .write = pcap_write,
    .wclose = pcap_wclose,
    .wfree = pcap_wfree,
};

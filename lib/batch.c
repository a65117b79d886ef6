/* batch.c - columnar reading, writing, generating and 5-tuple decoding of
 * many records per call (batch.h): the loops a binding would otherwise run
 * one call per record. */
#include <stddef.h>
#include <string.h>

#include <capkit/batch.h>
#include <capkit/capkit.h>

#include "format/pcap_walk.h"
#include "internal.h"
#include "util/bytes.h"

/* The batch fields of the first version: a caller's struct must hold them
 * all (later fields are read only when within b->size). */
#define BATCH_MIN offsetof(capkit_batch, reserved)

static int batch_ok(const capkit_batch *b) {
  return b && b->size >= BATCH_MIN && (b->data || b->data_cap == 0);
}

/* Fill the columns of slot i. */
static inline void put_cols(capkit_batch *b, size_t i, int64_t sec,
                            uint32_t nsec, int64_t t_ns, uint32_t caplen,
                            uint32_t origlen, uint64_t off, uint32_t iface,
                            uint32_t linktype, uint64_t number, uint64_t pos) {
  if (b->ts_ns)
    b->ts_ns[i] = t_ns;
  if (b->ts_sec)
    b->ts_sec[i] = sec;
  if (b->ts_nsec)
    b->ts_nsec[i] = nsec;
  if (b->caplen)
    b->caplen[i] = caplen;
  if (b->origlen)
    b->origlen[i] = origlen;
  if (b->offset)
    b->offset[i] = off;
  if (b->iface)
    b->iface[i] = iface;
  if (b->linktype)
    b->linktype[i] = linktype;
  if (b->number)
    b->number[i] = number;
  if (b->pos)
    b->pos[i] = pos;
}

/* Put one record into slot b->count; the caller checked the room. BASE
 * NULL: its bytes are copied to b->data; else they stay where they are and
 * the offset is counted from BASE (a batch read in place). */
static void put(capkit_batch *b, const capkit_record *rec,
                const uint8_t *base) {
  uint64_t off;
  if (base) {
    off = (uint64_t)(rec->data - base);
    b->data_len = (size_t)(off + rec->caplen);
  } else {
    off = b->data_len;
    if (rec->caplen)
      memcpy(b->data + b->data_len, rec->data, rec->caplen);
    b->data_len += rec->caplen;
  }
  put_cols(b, b->count, rec->ts_sec, rec->ts_nsec, capkit_record_time_ns(rec),
           rec->caplen, rec->origlen, off, rec->iface_id,
           rec->iface ? rec->iface->linktype : 1, rec->number, rec->offset);
  b->count++;
}

/* ---- the walk: classic pcap records straight from the input window ---- */

/* Why a walk stopped. */
enum {
  STOP_FULL, /* b->max records */
  STOP_EDGE, /* the next record is not wholly in the window (or starts past
                the mapping's maintenance point) */
  STOP_ROOM, /* the next record does not fit the data buffer, or (in
                place) would take the batch past data_cap bytes */
  STOP_ONE   /* the next record needs the backend's own next(): a warning
                or an error; it is wholly in the window */
};

/* Take the records that lie wholly in the reader's window from s->cur on,
 * none of which warns, into slots b->count...: the checks and values of
 * the pcap backend's next(), without a call per record. COPY: their bytes
 * go to b->data; else the offsets count from BASE. Moves s->cur, the
 * record count and the time-order state past them. SWAP is a constant in
 * each caller, so the compiler makes one loop per byte order. */
static inline int walk(capkit_reader *r, const capkit__pcap_walk *w,
                       capkit_batch *b, const uint8_t *base, int copy,
                       int swap) {
  capkit__src *s = &r->src;
  const uint8_t *p = s->cur, *e = s->end, *lim = e;
  if (s->kind == CAPKIT__SRC_MAP && s->maint_at < (uintptr_t)e)
    lim = (const uint8_t *)s->maint_at; /* let the next call maintain */
  /* A buffer was just filled by read(): its bytes are in the cache
   * already, and the prefetch below would only cost. */
  const uint8_t *pf = s->kind == CAPKIT__SRC_BUF ? e : p;
  /* The columns, where the compiler knows no store into them moves them. */
  capkit_batch cols = *b;
  const int warn = capkit__reader_wants_warnings(r);
  const uint32_t limit = w->frac_limit, mult = w->frac_mult;
  int64_t last = *w->last_ns;
  int have_last = *w->have_last;
  uint64_t pos = capkit__src_offset(s), number = r->nrec + 1;
  uint32_t lt = w->iface->linktype;
  size_t i = b->count, dlen = b->data_len;
  int stop = STOP_FULL;
  while (i < b->max) {
    if (p >= lim || (size_t)(e - p) < 16) {
      stop = STOP_EDGE;
      break;
    }
    uint32_t sec = capkit__ld32(p, swap), frac = capkit__ld32(p + 4, swap);
    uint32_t incl = capkit__ld32(p + 8, swap);
    uint32_t orig = capkit__ld32(p + 12, swap);
    if (incl > w->bound) {
      stop = STOP_ONE;
      break;
    }
    if ((size_t)(e - p) - 16 < incl) {
      stop = STOP_EDGE;
      break;
    }
    int64_t tsec = sec;
    uint32_t nsec;
    if (frac < limit) {
      nsec = frac * mult;
    } else {
      tsec += frac / limit;
      nsec = (frac % limit) * mult;
    }
    /* Within 1970..2106 plus a few seconds: never saturates. */
    int64_t t = tsec * 1000000000 + nsec;
    if (warn) {
      if (frac >= limit || incl > orig || (w->snaplen && incl > w->snaplen) ||
          (have_last && t < last)) {
        stop = STOP_ONE;
        break;
      }
      last = t;
      have_last = 1;
    }
    uint64_t off;
    if (copy) {
      if (incl > b->data_cap - dlen) {
        stop = STOP_ROOM;
        break;
      }
      memcpy(b->data + dlen, p + 16, incl);
      off = dlen;
      dlen += incl;
    } else {
      off = (uint64_t)(p + 16 - base);
      if (i > 0 && b->data_cap && off + incl > b->data_cap) {
        stop = STOP_ROOM;
        break;
      }
    }
    put_cols(&cols, i, tsec, nsec, t, incl, orig, off, 0, lt, number, pos);
    i++;
    number++;
    pos += 16 + (uint64_t)incl;
    p += 16 + (size_t)incl;
    /* The walk is a chain of dependent loads across pages: fetch a page
     * ahead (the hardware prefetcher does not cross pages). */
    const uint8_t *want = (size_t)(e - p) > 4096 ? p + 4096 : e;
    for (; pf < want; pf += 64)
      __builtin_prefetch(pf);
  }
  r->nrec += i - b->count;
  s->cur = p;
  *w->last_ns = last;
  *w->have_last = have_last;
  b->count = i;
  b->data_len = copy ? dlen : (size_t)(p - base);
  return stop;
}

static int walk_native(capkit_reader *r, const capkit__pcap_walk *w,
                       capkit_batch *b, const uint8_t *base, int copy) {
  return walk(r, w, b, base, copy, 0);
}
static int walk_swapped(capkit_reader *r, const capkit__pcap_walk *w,
                        capkit_batch *b, const uint8_t *base, int copy) {
  return walk(r, w, b, base, copy, 1);
}

/* The walk can read R for this call: a classic pcap layout it knows, read
 * without a filter, not decompressed, nothing held from an earlier call. */
static int walkable(capkit_reader *r, const capkit_filter *f,
                    const capkit_batch *b, capkit__pcap_walk *w) {
  return !f && !b->has_pending && r->codec == 0 &&
         capkit__pcap_walk_params(r, w);
}

/* A batch by the walk; a record it cannot take goes through the backend's
 * next() alone (in the same window, so that in-place offsets stay valid).
 * COPY: as capkit_reader_read_batch; else in place, *base set to where
 * offset 0 is. */
static int walk_batch(capkit_reader *r, const capkit__pcap_walk *w,
                      capkit_batch *b, int copy, const uint8_t **base) {
  capkit__src *s = &r->src;
  capkit__src_release(s); /* the previous batch is no longer in use */
  int (*step)(capkit_reader *, const capkit__pcap_walk *, capkit_batch *,
              const uint8_t *, int) = w->swap ? walk_swapped : walk_native;
  const uint8_t *at = copy ? NULL : s->cur + 16;
  capkit_record *rec = &b->pending;
  while (b->count < b->max) {
    int stop = step(r, w, b, at, copy);
    if (stop == STOP_FULL || (stop != STOP_ONE && b->count > 0))
      break;
    if (stop == STOP_ONE && !copy && b->count > 0 && b->data_cap &&
        (uint64_t)(s->cur + 16 - at) + capkit__ld32(s->cur + 8, w->swap) >
            b->data_cap)
      break; /* in place, the next record would pass the bound */
    /* One record through the backend: it warns, fails, waits for more
     * input (nothing is taken yet, so nothing moves), or is too large for
     * the buffer. */
    capkit_record_init(rec);
    int rc = capkit_reader_next(r, rec);
    if (rc <= 0) {
      /* the records taken come first; a dead reader says it again */
      *base = at;
      return b->count > 0 ? (int)b->count : rc;
    }
    if (copy && rec->caplen > b->data_cap - b->data_len) {
      b->has_pending = 1;
      if (b->count == 0) {
        b->need = rec->caplen;
        return CAPKIT_EINVAL;
      }
      break;
    }
    if (!copy && b->count == 0)
      at = rec->data;
    put(b, rec, at);
  }
  *base = at;
  return (int)b->count;
}

int capkit_reader_read_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b) {
  if (!r || !batch_ok(b))
    return CAPKIT_EINVAL;
  b->count = 0;
  b->data_len = 0;
  b->need = 0;
  capkit__pcap_walk w;
  if (walkable(r, f, b, &w)) {
    const uint8_t *unused;
    return walk_batch(r, &w, b, 1, &unused);
  }
  if (b->has_pending) {
    if (b->max == 0 || b->pending.caplen > b->data_cap) {
      b->need = b->pending.caplen;
      return CAPKIT_EINVAL;
    }
    put(b, &b->pending, NULL);
    b->has_pending = 0;
  }
  while (b->count < b->max) {
    capkit_record *rec = &b->pending;
    rec->size = (uint32_t)sizeof *rec;
    int rc = capkit_reader_next_match(r, f, rec);
    if (rc <= 0) {
      /* Records already in the batch come first; the reader is dead after
       * an error and gives it again on the next call. */
      if (b->count > 0)
        return (int)b->count;
      return rc;
    }
    if (rec->caplen > b->data_cap - b->data_len) {
      b->has_pending = 1;
      if (b->count == 0) {
        b->need = rec->caplen;
        return CAPKIT_EINVAL;
      }
      break;
    }
    put(b, rec, NULL);
  }
  return (int)b->count;
}

int capkit_reader_view_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b, const uint8_t **data) {
  if (!r || !batch_ok(b) || !data)
    return CAPKIT_EINVAL;
  *data = b->data;
  capkit__pcap_walk w;
  if (!walkable(r, f, b, &w))
    return capkit_reader_read_batch(r, f, b);
  b->count = 0;
  b->data_len = 0;
  b->need = 0;
  const uint8_t *base;
  int rc = walk_batch(r, &w, b, 0, &base);
  if (rc > 0)
    *data = base;
  return rc;
}

/* ---- a batch read straight into the caller's buffer ---- */

/* Bytes read per step: the walk follows each step while its bytes are
 * still in the cache. */
#define FILL_STEP ((size_t)128 << 10)

/* The walk over input read into b->data (lent to the source): records stay
 * where read() put them. Returns as walk_batch. */
static int fill_lent(capkit_reader *r, const capkit__pcap_walk *w,
                     capkit_batch *b) {
  capkit__src *s = &r->src;
  int (*step)(capkit_reader *, const capkit__pcap_walk *, capkit_batch *,
              const uint8_t *, int) = w->swap ? walk_swapped : walk_native;
  const uint8_t *at = b->data;
  capkit_record *rec = &b->pending;
  int rc = 0;
  while (b->count < b->max) {
    int stop = step(r, w, b, at, 0);
    if (stop == STOP_FULL)
      break;
    if (stop == STOP_EDGE && !s->eof) {
      long got = capkit__src_read_more(s, FILL_STEP);
      if (got > 0)
        continue;
      if (got < 0) {
        capkit__reader_fail(r, (int)got, capkit__src_offset(s), r->nrec + 1,
                            "read error: %s", capkit__src_errtext(s, (int)got));
        rc = (int)got;
        break;
      }
      if (!s->eof) { /* no room left for the next record */
        if (b->count == 0) {
          size_t have = (size_t)(s->end - s->cur);
          b->need = 16 + (have >= 16 ? (size_t)capkit__ld32(s->cur + 8, w->swap)
                                     : 0);
          rc = CAPKIT_EINVAL;
        }
        break;
      }
    }
    /* One record through the backend: it warns or fails (wholly in the
     * window), or the input ended within it (nothing more is read: the
     * end was seen), which is the backend's to report. */
    capkit_record_init(rec);
    int k = capkit_reader_next(r, rec);
    if (k <= 0) {
      rc = k;
      break;
    }
    put(b, rec, at);
  }
  b->data_len = b->count ? (size_t)(s->cur - at) : 0;
  return b->count > 0 ? (int)b->count : rc;
}

int capkit_reader_fill_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b, const uint8_t **data) {
  if (!r || !batch_ok(b) || !data)
    return CAPKIT_EINVAL;
  capkit__pcap_walk w;
  capkit__src_loan own;
  if (r->src.kind != CAPKIT__SRC_BUF)
    return capkit_reader_view_batch(r, f, b, data);
  *data = b->data;
  if (!walkable(r, f, b, &w) ||
      capkit__src_lend(&r->src, b->data, b->data_cap, &own) != 0)
    return capkit_reader_read_batch(r, f, b);
  b->count = 0;
  b->data_len = 0;
  b->need = 0;
  int rc = fill_lent(r, &w, b);
  if (capkit__src_unlend(&r->src, &own) != 0) {
    capkit__reader_fail(r, CAPKIT_ENOMEM, capkit__src_offset(&r->src),
                        r->nrec + 1, "out of memory");
    if (rc <= 0)
      rc = CAPKIT_ENOMEM;
  }
  return rc;
}

/* Where record i's bytes are: from the offset column, else right after
 * the previous record (*at); its length from the caplen column, else up to
 * the next offset. 0, or -1 when outside the data. */
static int slot(const capkit_batch *b, size_t i, uint64_t *at, uint64_t *off,
                uint64_t *len) {
  *off = b->offset ? b->offset[i] : *at;
  *len = b->caplen ? b->caplen[i]
         : i + 1 < b->count ? b->offset[i + 1] - *off
                            : b->data_len - *off;
  if (*off > b->data_len || *len > b->data_len - *off || *len > UINT32_MAX)
    return -1;
  *at = *off + *len;
  return 0;
}

long capkit_writer_write_batch(capkit_writer *w, const capkit_batch *b,
                               const capkit_iface *iface) {
  if (!w || !batch_ok(b) || (!b->caplen && !b->offset && b->count))
    return CAPKIT_EINVAL;
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.iface = iface;
  rec.iface_id = iface ? iface->id : 0;
  uint64_t at = 0;
  for (size_t i = 0; i < b->count; i++) {
    uint64_t off, len;
    if (slot(b, i, &at, &off, &len))
      return CAPKIT_EINVAL;
    rec.data = b->data + off;
    rec.caplen = (uint32_t)len;
    rec.origlen = b->origlen ? b->origlen[i] : (uint32_t)len;
    if (b->ts_sec) {
      rec.ts_sec = b->ts_sec[i];
      rec.ts_nsec = b->ts_nsec ? b->ts_nsec[i] : 0;
    } else if (b->ts_ns) {
      capkit_record_set_time(&rec, capkit_time_from_ns(b->ts_ns[i]));
    }
    rec.number = i + 1;
    int rc = capkit_writer_write(w, &rec);
    if (rc < 0)
      return rc;
  }
  return (long)b->count;
}

/* Past the last time a capkit_time holds: *t is left with this mark, so
 * that the packet after it is refused on this call or the next. */
#define TIME_PAST 1000000000u

int capkit_gen_fill(capkit_gen *g, capkit_batch *b, size_t max,
                    capkit_time *t, capkit_time interval) {
  if (!g || !t || !batch_ok(b))
    return CAPKIT_EINVAL;
  b->count = 0;
  b->data_len = 0;
  b->need = 0;
  if (max > b->max)
    max = b->max;
  if (b->has_pending) {
    if (max == 0 || b->pending.caplen > b->data_cap) {
      b->need = b->pending.caplen;
      return CAPKIT_EINVAL;
    }
    put(b, &b->pending, NULL);
    b->has_pending = 0;
  }
  capkit_record *rec = &b->pending;
  while (b->count < max) {
    if (t->nsec >= TIME_PAST)
      return b->count ? (int)b->count : CAPKIT_ERANGE;
    const uint8_t *data;
    size_t len;
    int rc = capkit_gen_next(g, &data, &len);
    if (rc < 0)
      return b->count ? (int)b->count : rc;
    capkit_record_init(rec);
    rec->data = data;
    rec->caplen = rec->origlen = (uint32_t)len;
    rec->number = 0;
    capkit_record_set_time(rec, *t);
    if (capkit_time_add(*t, interval, t) != 0)
      t->nsec = TIME_PAST;
    if (len > b->data_cap - b->data_len) {
      /* Held (the generator's buffer stays valid until its next packet):
       * the next call starts with it. */
      b->has_pending = 1;
      if (b->count == 0) {
        b->need = len;
        return CAPKIT_EINVAL;
      }
      break;
    }
    put(b, rec, NULL);
  }
  return (int)b->count;
}

int capkit_rate_interval(double rate, capkit_time *interval) {
  if (!interval || !(rate > 0) || rate > 1e9)
    return CAPKIT_EINVAL;
  capkit_time one_ns = {0, 1}; /* 10^9 / rate ns, rounded */
  return capkit_time_scale(one_ns, 1e9 / rate, interval) ? CAPKIT_ERANGE : 0;
}

long capkit_batch_order(capkit_order *o, const capkit_batch *b) {
  if (!o || !batch_ok(b) || (!b->ts_sec && !b->ts_ns && b->count))
    return CAPKIT_EINVAL;
  capkit_record rec = CAPKIT_RECORD_INIT;
  for (size_t i = 0; i < b->count; i++) {
    if (b->ts_sec) {
      rec.ts_sec = b->ts_sec[i];
      rec.ts_nsec = b->ts_nsec ? b->ts_nsec[i] : 0;
    } else {
      capkit_record_set_time(&rec, capkit_time_from_ns(b->ts_ns[i]));
    }
    rec.number = b->number ? b->number[i] : 0;
    capkit_order_add(o, &rec);
  }
  return (long)b->count;
}

/* ---- 5-tuples ---- */

long capkit_batch_flows(const capkit_batch *b, uint32_t linktype,
                        capkit_flow_columns *out) {
  if (!batch_ok(b) || !out ||
      out->size < offsetof(capkit_flow_columns, reserved) ||
      (!b->caplen && !b->offset && b->count))
    return CAPKIT_EINVAL;
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  uint64_t at = 0;
  for (size_t i = 0; i < b->count; i++) {
    uint64_t off, len;
    if (slot(b, i, &at, &off, &len))
      return CAPKIT_EINVAL;
    uint32_t lt = b->linktype ? b->linktype[i] : linktype;
    uint8_t ver = 0, proto = 0, src[16] = {0}, dst[16] = {0};
    uint16_t sp = 0, dp = 0;
    capkit_decode(&pkt, lt, b->data + off, (uint32_t)len,
                  b->origlen ? b->origlen[i] : (uint32_t)len,
                  CAPKIT_DECODE_NO_APP);
    size_t k = 0;
    while (k < pkt.count && layers[k].type != CAPKIT_LAYER_IPV4 &&
           layers[k].type != CAPKIT_LAYER_IPV6)
      k++;
    if (k < pkt.count && !(layers[k].status & CAPKIT_LAYER_TRUNCATED)) {
      const capkit_layer *ip = &layers[k];
      if (ip->type == CAPKIT_LAYER_IPV4) {
        ver = 4;
        proto = ip->u.ipv4.proto;
        memcpy(src, ip->u.ipv4.src, 4);
        memcpy(dst, ip->u.ipv4.dst, 4);
      } else {
        ver = 6;
        proto = ip->u.ipv6.proto;
        memcpy(src, ip->u.ipv6.src, 16);
        memcpy(dst, ip->u.ipv6.dst, 16);
      }
      k++;
      while (k < pkt.count && layers[k].type == CAPKIT_LAYER_IPV6_EXT)
        k++;
      if (k < pkt.count && !(layers[k].status & CAPKIT_LAYER_TRUNCATED)) {
        if (layers[k].type == CAPKIT_LAYER_TCP) {
          sp = layers[k].u.tcp.sport;
          dp = layers[k].u.tcp.dport;
        } else if (layers[k].type == CAPKIT_LAYER_UDP) {
          sp = layers[k].u.udp.sport;
          dp = layers[k].u.udp.dport;
        }
      }
    }
    if (out->version)
      out->version[i] = ver;
    if (out->proto)
      out->proto[i] = proto;
    if (out->src)
      memcpy(out->src + 16 * i, src, 16);
    if (out->dst)
      memcpy(out->dst + 16 * i, dst, 16);
    if (out->sport)
      out->sport[i] = sp;
    if (out->dport)
      out->dport[i] = dp;
  }
  return (long)b->count;
}

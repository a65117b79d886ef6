/* batch.c - columnar reading, writing, generating and 5-tuple decoding of
 * many records per call (batch.h): the loops a binding would otherwise run
 * one call per record. */
#include <stddef.h>
#include <string.h>

#include <capkit/batch.h>
#include <capkit/capkit.h>

/* The batch fields of the first version: a caller's struct must hold them
 * all (later fields are read only when within b->size). */
#define BATCH_MIN offsetof(capkit_batch, reserved)

static int batch_ok(const capkit_batch *b) {
  return b && b->size >= BATCH_MIN && (b->data || b->data_cap == 0);
}

/* Put one record into slot b->count; the caller checked the room. */
static void put(capkit_batch *b, const capkit_record *rec) {
  size_t i = b->count;
  if (rec->caplen)
    memcpy(b->data + b->data_len, rec->data, rec->caplen);
  if (b->ts_ns)
    b->ts_ns[i] = capkit_record_time_ns(rec);
  if (b->ts_sec)
    b->ts_sec[i] = rec->ts_sec;
  if (b->ts_nsec)
    b->ts_nsec[i] = rec->ts_nsec;
  if (b->caplen)
    b->caplen[i] = rec->caplen;
  if (b->origlen)
    b->origlen[i] = rec->origlen;
  if (b->offset)
    b->offset[i] = b->data_len;
  if (b->iface)
    b->iface[i] = rec->iface_id;
  if (b->linktype)
    b->linktype[i] = rec->iface ? rec->iface->linktype : 1;
  if (b->number)
    b->number[i] = rec->number;
  if (b->pos)
    b->pos[i] = rec->offset;
  b->data_len += rec->caplen;
  b->count++;
}

int capkit_reader_read_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b) {
  if (!r || !batch_ok(b))
    return CAPKIT_EINVAL;
  b->count = 0;
  b->data_len = 0;
  b->need = 0;
  if (b->has_pending) {
    if (b->max == 0 || b->pending.caplen > b->data_cap) {
      b->need = b->pending.caplen;
      return CAPKIT_EINVAL;
    }
    put(b, &b->pending);
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
    put(b, rec);
  }
  return (int)b->count;
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
    put(b, &b->pending);
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
    put(b, rec);
  }
  return (int)b->count;
}

int capkit_rate_interval(double rate, capkit_time *interval) {
  if (!interval || !(rate > 0) || rate > 1e9)
    return CAPKIT_EINVAL;
  capkit_time one_ns = {0, 1}; /* 10^9 / rate ns, rounded */
  return capkit_time_scale(one_ns, 1e9 / rate, interval) ? CAPKIT_ERANGE : 0;
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

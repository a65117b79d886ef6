/* item.h - a record copied into memory (times, lengths, bytes, comment),
 * as the sorter and the reorder buffer hold them, in their order:
 * (seconds, nanoseconds), then the order of adding. */
#ifndef CAPKIT_CUT_ITEM_H
#define CAPKIT_CUT_ITEM_H

#include <stddef.h>
#include <string.h>

#include <capkit/capkit.h>

typedef struct capkit__item {
  int64_t sec;
  uint64_t seq, number;
  const capkit_iface *iface;
  uint32_t nsec, caplen, origlen, iface_id, flags;
  uint32_t comment_len; /* with the NUL; 0: none */
  uint8_t data[];       /* caplen bytes, then the comment */
} capkit__item;

/* Bytes of an item before its data. */
#define CAPKIT__ITEM_HDR offsetof(capkit__item, data)

static inline int capkit__item_before(const capkit__item *a,
                                      const capkit__item *b) {
  if (a->sec != b->sec)
    return a->sec < b->sec;
  if (a->nsec != b->nsec)
    return a->nsec < b->nsec;
  return a->seq < b->seq;
}

/* Comment bytes of rec with the NUL (0: none). */
static inline size_t capkit__item_comment_len(const capkit_record *rec) {
  return rec->comment ? strlen(rec->comment) + 1 : 0;
}

/* Fill it (room for the comment of cl bytes) from rec. */
static inline void capkit__item_fill(capkit__item *it, const capkit_record *rec,
                                     uint64_t seq, size_t cl) {
  it->sec = rec->ts_sec;
  it->nsec = rec->ts_nsec;
  it->seq = seq;
  it->number = rec->number;
  it->iface = rec->iface;
  it->caplen = rec->caplen;
  it->origlen = rec->origlen;
  it->iface_id = rec->iface_id;
  it->flags = rec->flags;
  it->comment_len = (uint32_t)cl;
  if (rec->caplen)
    memcpy(it->data, rec->data, rec->caplen);
  if (cl)
    memcpy(it->data + rec->caplen, rec->comment, cl);
}

/* The record an item holds, in the caller's record (its size kept). */
static inline void capkit__item_record(const capkit__item *it,
                                       capkit_record *rec) {
  capkit_record r = CAPKIT_RECORD_INIT;
  r.size = rec->size;
  r.ts_sec = it->sec;
  r.ts_nsec = it->nsec;
  r.caplen = it->caplen;
  r.origlen = it->origlen;
  r.iface_id = it->iface_id;
  r.iface = it->iface;
  r.flags = it->flags;
  r.data = it->data;
  r.number = it->number;
  r.comment = it->comment_len ? (const char *)it->data + it->caplen : NULL;
  *rec = r;
}

#endif

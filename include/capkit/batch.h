/* batch.h - columnar work on many records per call: read up to N records
 * into the caller's arrays and one data buffer, write such columns back,
 * generate packets into them, and decode their IP 5-tuples. For front ends
 * where a call per record costs more than the work itself (Python, ...).
 * Threads: a batch is used by one thread at a time, with its reader,
 * writer or generator (their own thread rules apply). */
#ifndef CAPKIT_BATCH_H
#define CAPKIT_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Columns of up to `max` records. The caller owns every array and the data
 * buffer and sets what it wants: each array pointer may be NULL (that
 * column is not filled), else it holds at least `max` elements. Record i's
 * bytes are data[offset[i] .. offset[i] + caplen[i]) (records back to
 * back, in order), so offsets are needed only to slice without summing.
 *
 * Start from CAPKIT_BATCH_INIT (or zero the struct and set `size`): the
 * library reads and fills only the fields within `size`, and keeps a record
 * that did not fit in `pending` (its part: never touch it). */
typedef struct capkit_batch {
  uint32_t size;  /* sizeof(capkit_batch) of the caller's headers */
  size_t max;     /* room in each array, in records */
  uint8_t *data;  /* the records' bytes, back to back */
  size_t data_cap; /* bytes of room at data */
  int64_t *ts_ns;  /* nanoseconds since the epoch, saturated as
                      capkit_record_time_ns() (1677..2262 exact) */
  int64_t *ts_sec; /* exact times, any year: seconds ... */
  uint32_t *ts_nsec; /* ... and nanoseconds */
  uint32_t *caplen;
  uint32_t *origlen;
  uint64_t *offset;   /* where each record's bytes start in data */
  uint32_t *iface;    /* interface index (capkit_record.iface_id) */
  uint32_t *linktype; /* the interface's LINKTYPE_ value */
  uint64_t *number;   /* 1-based record number in the input */
  uint64_t *pos;      /* byte offset of the record in the input */
  /* Filled by each call: */
  size_t count;      /* records in the columns */
  size_t data_len;   /* bytes used at data */
  size_t need;       /* after CAPKIT_EINVAL: bytes of data the held record
                        needs (grow data_cap to it and call again) */
  /* The library's: a record read but not yet delivered. */
  int has_pending;
  capkit_record pending;
  uint64_t reserved[4];
} capkit_batch;

#define CAPKIT_BATCH_INIT                                                      \
  {.size = (uint32_t)sizeof(capkit_batch),                                     \
   .pending = {.size = (uint32_t)sizeof(capkit_record)}}

/* Read the next records of R (those F matches; F NULL: every record) into
 * B's columns, until `max` records or the data buffer is full. Returns the
 * number of records filled (b->count, at least 1), 0 at the clean end, or
 * a negative code with the reader's own meaning (message in
 * capkit_reader_error(), or capkit_filter_error() for CAPKIT_EFILTER).
 * The error model is capkit_reader_next()'s: every good record before
 * damage is delivered (in this batch or an earlier one) and the call after
 * them returns the error; the reader is then dead. A record that does not
 * fit the data buffer is held for the next call, which takes it first;
 * when it does not fit an empty buffer either, the call returns
 * CAPKIT_EINVAL with b->need set and nothing lost. Between calls on one
 * batch use no other reader call than those that read state (info,
 * interfaces, errors): a held record points into the reader. Makes no
 * allocation; the reader's system calls are those of capkit_reader_next().
 */
CAPKIT_API int capkit_reader_read_batch(capkit_reader *r, capkit_filter *f,
                                        capkit_batch *b);

/* capkit_reader_read_batch() without copying the records' bytes where the
 * reader can leave them in place. On return *DATA is where the offsets
 * count from: record i's bytes are (*DATA)[offset[i] .. offset[i] +
 * caplen[i]), and b->data_len bytes from *DATA span the batch's records;
 * ask for the offset column, since records read in place are not back to
 * back (their file headers lie between them).
 * In place (classic pcap files with 16-byte record headers, standard or
 * nanosecond, either byte order; no filter; not compressed): *DATA points
 * into the reader's input, read-only, valid until the next call on R and
 * at most until R is freed; b->data is not written (it may be NULL when
 * data_cap is 0), and a batch ends before a record that would take
 * b->data_len past data_cap (the first record is always taken; data_cap 0:
 * no bound). Everything else is read as
 * capkit_reader_read_batch() reads it, into b->data, and *DATA is b->data.
 * Either way the records, their order, checks, warnings and errors are
 * exactly those of capkit_reader_next() (after a filter as in
 * capkit_reader_read_batch()), and the return values are
 * capkit_reader_read_batch()'s; CAPKIT_EINVAL also when DATA is NULL.
 * Makes no allocation and no call per record; the reader's system calls
 * are those of capkit_reader_next(). */
CAPKIT_API int capkit_reader_view_batch(capkit_reader *r, capkit_filter *f,
                                        capkit_batch *b,
                                        const uint8_t **data);

/* capkit_reader_view_batch(), except where R reads a file or a pipe
 * through its own buffer (not mapped, not from memory, not compressed):
 * there the input is read straight into b->data, which the records then
 * keep, in place with the file's record headers between them (ask for the
 * offset column), and *DATA is b->data. They stay valid for as long as the
 * caller keeps b->data as it is, not only until the next call: a batch
 * kept and a new buffer for the next call is a read with no copy at all.
 * The bytes read past the batch's last record go back to the reader. A
 * batch ends before the first record that does not fit wholly within
 * data_cap bytes (its header counted); when the first does not, the call
 * returns CAPKIT_EINVAL with b->need set to the data_cap it needs, and
 * nothing is lost. Where the reader is mapped or reads memory, the batch is
 * capkit_reader_view_batch()'s (in place in the input, read-only, valid as
 * that function says); in every other case (a filter, pcapng, another
 * variant, a data_cap that cannot hold what the reader has read ahead: at
 * most its window) it is capkit_reader_read_batch()'s, copies in b->data,
 * kept as well. The
 * records, their order, checks, warnings, errors and return values are
 * those of capkit_reader_view_batch(). Makes no allocation (but when the
 * bytes read past a record larger than the reader's buffer go back to it)
 * and no call per record: one read() per 128 KiB. */
CAPKIT_API int capkit_reader_fill_batch(capkit_reader *r, capkit_filter *f,
                                        capkit_batch *b,
                                        const uint8_t **data);

/* Write B's records 0..count-1 to W: each with its bytes, caplen (or the
 * space to the next offset when the caplen column is NULL), origlen (NULL:
 * caplen), time (ts_sec/ts_nsec when given, else ts_ns, else 0) and
 * interface IFACE (NULL: the writer's default, as for a record without
 * one). Returns the records written (count), or a negative code from the
 * writer (message in capkit_writer_error(); records before the failing
 * one were written). */
CAPKIT_API long capkit_writer_write_batch(capkit_writer *w,
                                          const capkit_batch *b,
                                          const capkit_iface *iface);

/* Generate up to MAX packets (at most b->max) from G into B (data, caplen,
 * origlen, offset, ts_*), stopping early when the data buffer is full: the
 * packet that did not fit is held in B and comes first on the next call
 * (CAPKIT_EINVAL with b->need when it does not fit an empty buffer). Packet
 * k gets the time *t, then *t advances by INTERVAL (exact: start + k *
 * interval, as `capkit gen --interval` spaces packets). Returns the number
 * of packets, or CAPKIT_ERANGE for a packet past the last time a
 * capkit_time holds (those before it are delivered first; *t is then left
 * with nsec 1000000000). */
CAPKIT_API int capkit_gen_fill(capkit_gen *g, capkit_batch *b, size_t max,
                               capkit_time *t, capkit_time interval);

/* The time between packets of RATE packets per second, rounded to the
 * nanosecond as `capkit gen --rate` does. 0, or CAPKIT_EINVAL (rate not
 * above 0 or above 1e9), CAPKIT_ERANGE (so low the interval does not
 * fit). */
CAPKIT_API int capkit_rate_interval(double rate, capkit_time *interval);

/* IP 5-tuples of a batch's records, as columns (each NULL or b->count
 * long). */
typedef struct capkit_flow_columns {
  uint32_t size;    /* sizeof(capkit_flow_columns) of the caller */
  uint8_t *version; /* 4 or 6; 0: no IP layer (the rest is zero) */
  uint8_t *proto;   /* IPv4 protocol / IPv6 upper-layer header */
  uint8_t *src;     /* 16 bytes per record: IPv6, or IPv4 in the first 4 */
  uint8_t *dst;
  uint16_t *sport;  /* TCP/UDP ports (host order); 0 for other protocols */
  uint16_t *dport;
  uint64_t reserved[4];
} capkit_flow_columns;

/* Decode each record of B (its link type from the linktype column, else
 * LINKTYPE): the outermost IPv4 or IPv6 header and the TCP or UDP header
 * right after it (after IPv6 extension headers). A port pair that the
 * captured bytes cut, or a later fragment, gives ports 0. Reads only
 * B's data; returns the number of records decoded or CAPKIT_EINVAL. */
CAPKIT_API long capkit_batch_flows(const capkit_batch *b, uint32_t linktype,
                                   capkit_flow_columns *out);

struct capkit_order; /* cut.h */

/* Add B's records 0..count-1 to the order tracker O (cut.h) in order, as
 * capkit_order_add() would one by one: their times from the ts_sec and
 * ts_nsec columns (exact; else ts_ns), their numbers from the number
 * column (else 0). Returns count, or CAPKIT_EINVAL (no time column). */
CAPKIT_API long capkit_batch_order(struct capkit_order *o,
                                   const capkit_batch *b);

#ifdef __cplusplus
}
#endif
#endif

/* record.h - the record: the one currency between readers, writers and
 * everything in between, the same whatever format it came from.
 * Threads: a record and the interface it points to belong to the handle
 * that filled them, and are used under that handle's thread rule. */
#ifndef CAPKIT_RECORD_H
#define CAPKIT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An interface: what the bytes of a record are and how they were captured.
 * A classic pcap file has exactly one; a pcapng file has one per Interface
 * Description Block. One made by the library (a reader, a live capture) is
 * owned by that handle, handed out by const pointer and valid until the
 * handle is freed. A caller may build its own for records it writes: it
 * must zero the whole struct first (memset or `= {0}`), so that the
 * reserved room reads as zero; later versions give those bytes a meaning
 * whose zero is today's behaviour, without changing the struct's size. */
typedef struct capkit_iface {
  uint32_t id;       /* index among the file's interfaces, from 0 */
  uint32_t linktype; /* LINKTYPE_ value (see linktype.h) */
  uint32_t snaplen;  /* as recorded; 0 means "no limit recorded" */
  int32_t fcs_len;   /* FCS bytes at the end of each packet; -1 unknown */
  uint32_t tsresol;  /* raw time resolution: pcap 6 (us) or 9 (ns);
                        pcapng: the if_tsresol byte as written */
  int64_t tsoffset;  /* seconds added to every timestamp (pcapng) */
  const char *name;  /* interface name, or NULL */
  const char *description; /* or NULL */
  const char *filter;      /* capture filter as text, or NULL */
  const char *os;          /* operating system, or NULL */
  uint32_t section;        /* pcapng section number, from 0 */
  /* Byte order of the file (pcapng: of the section) the interface was read
   * from: the order of the fields of a pseudo-header that the capturing
   * host wrote in its own order (NULL address family, Linux USB, NFLOG,
   * CAN id of a Linux cooked header). Filters read those fields as libpcap
   * reads that file, and a writer of the other byte order swaps them.
   * Added after 0.1.0, at the end of the struct. CAPKIT_BO_NATIVE (0, what an
   * interface built by a caller holds when zeroed) means not known: filters
   * take the fields as the host's, writers copy them unchanged. */
  int byte_order; /* a capkit_byte_order value */
  /* The handle that made it: a number unique in the process and never
   * reused (one per reader or live handle), so that a writer tells apart
   * the interfaces of two inputs even after the first one is freed and its
   * memory reused. 0 in an interface built by a caller: a writer then
   * tells it apart by its address (keep it alive while writing). */
  uint64_t origin;
  uint64_t reserved[6]; /* zero: room for later fields */
} capkit_iface;

struct capkit_extra; /* format extras of one record; opaque */

/* One record. Filled by capkit_reader_next(); every pointer in it is valid
 * until the next call on that reader (zero copy). A caller building records
 * for a writer sets the fields it knows and zeroes the rest.
 *
 * The struct may gain fields at its end in later versions without breaking
 * programs built against this one: `size` carries the size of the struct as
 * the caller's program knows it, and the library reads and fills only the
 * fields that lie within it. Always start from CAPKIT_RECORD_INIT or
 * capkit_record_init(); a record whose size is too small for the first
 * version is refused with CAPKIT_EMISUSE. */
typedef struct capkit_record {
  uint32_t size;    /* sizeof(capkit_record) of the caller's headers */
  int64_t ts_sec;   /* seconds since 1970-01-01 UTC */
  uint32_t ts_nsec; /* 0..999999999, exact */
  uint32_t caplen;  /* bytes in data */
  uint32_t origlen; /* length on the wire */
  uint32_t iface_id;
  const capkit_iface *iface; /* may be NULL in records built by callers */
  const uint8_t *data;       /* caplen bytes */
  uint64_t number;           /* 1-based record number in the input */
  uint64_t offset;           /* byte offset of the record in the input */
  const char *comment;       /* first packet comment (pcapng), or NULL */
  uint32_t flags;            /* pcapng epb_flags, 0 if none */
  const struct capkit_extra *extra; /* format extras, or NULL */
} capkit_record;

/* An empty record of the current size, for declarations:
 *   capkit_record rec = CAPKIT_RECORD_INIT; */
#define CAPKIT_RECORD_INIT {.size = (uint32_t)sizeof(capkit_record)}

/* The same for a record already declared: zeroes it and sets its size. */
static inline void capkit_record_init(capkit_record *r) {
  *r = (capkit_record)CAPKIT_RECORD_INIT;
}

/* Nanoseconds since the epoch of a record's timestamp, saturated: times
 * before 1677-09-21 give INT64_MIN and times after 2262-04-11 INT64_MAX
 * (order is kept, the exact value is not). Exact arithmetic on any time:
 * capkit_record_time() and the functions of <capkit/time.h>. Reads r only;
 * safe from any thread. */
CAPKIT_API int64_t capkit_record_time_ns(const capkit_record *r);

#ifdef __cplusplus
}
#endif
#endif

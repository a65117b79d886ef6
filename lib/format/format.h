/* format.h - the internal backend type: one per file format. A backend
 * bids on the first bytes of an input, then parses the header and the
 * records; for output it writes them. Nothing above it knows the format. */
#ifndef CAPKIT_FORMAT_H
#define CAPKIT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#include "internal.h"

/* How many first bytes probe() is given at most (fewer for short inputs). */
#define CAPKIT__PROBE_BYTES 64

typedef struct capkit__format {
  const char *name; /* "pcap", "pcapng" */
  /* Bid for an input from its first bytes: 0 not mine, higher is surer
   * (100: the magic matched exactly). Never an error. */
  int (*probe)(const uint8_t *p, size_t n);
  /* Parse the header at r->src.cur; fill r->info, add interfaces, set
   * r->fstate. 0 or a negative code set with capkit__reader_fail(). */
  int (*open)(capkit_reader *r);
  /* Next record: 1, 0 at the clean end, or negative (set with
   * capkit__reader_fail()). */
  int (*next)(capkit_reader *r, capkit_record *rec);
  void (*close)(capkit_reader *r);

  /* Output side; NULL when the format cannot be written. wopen is called
   * before the first record (first is NULL for an empty file) and writes the
   * file header; write appends one record; wclose finishes (trailers);
   * wfree releases w->fstate. Errors via capkit__writer_fail(). */
  int (*wopen)(capkit_writer *w, const capkit_record *first);
  int (*write)(capkit_writer *w, const capkit_record *rec);
  int (*wclose)(capkit_writer *w);
  void (*wfree)(capkit_writer *w);
  /* Interface statistics after the header; NULL: the format has none. */
  int (*wstats)(capkit_writer *w, const capkit_iface *iface,
                uint32_t iface_id, const capkit_iface_stats *st);
} capkit__format;

/* Format extras of one record, owned by the reader's backend: the on-disk
 * bytes the record struct does not carry, so that a writer of the same
 * format can keep them when the record was not changed (lossless copies).
 * swap tells the byte order of raw (1: not the host's). */
struct capkit_extra {
  const capkit__format *fmt;
  const uint8_t *raw; /* the record's on-disk header (pcap) or block */
  size_t raw_len;
  int swap;
  int fd; /* the input file, when raw lies in a mapping of it; else -1 */
  uint64_t src_id; /* unique per opened input (capkit__new_source_id) */
  const void *priv; /* backend-defined, e.g. the pcapng section/options */
};

/* A process-wide unique id for an opened input. */
uint64_t capkit__new_source_id(void);

/* The table of formats (formats.c), NULL-terminated. */
extern const capkit__format *const capkit__formats[];
const capkit__format *capkit__format_by_name(const char *name);

#endif

/* pcap_walk.h - what the batch walk (batch.c) needs to read classic pcap
 * records straight from the reader's input window, many per call, with the
 * same checks and warnings as the backend's own next(). */
#ifndef CAPKIT_PCAP_WALK_H
#define CAPKIT_PCAP_WALK_H

#include <stdint.h>

#include <capkit/capkit.h>

typedef struct capkit__pcap_walk {
  int swap;            /* record headers not in the host's byte order */
  uint32_t frac_limit; /* 1e6 or 1e9: a fraction at or above it warns */
  uint32_t frac_mult;  /* 1000 or 1 */
  uint32_t snaplen;    /* 0: none recorded */
  uint32_t bound;      /* a larger caplen is an error */
  const capkit_iface *iface;
  int64_t *last_ns; /* the time-backwards warning's state, updated by the */
  int *have_last;   /* walk as next() updates it */
} capkit__pcap_walk;

/* 1 and *w filled when R is an open classic pcap reader whose records
 * have 16-byte headers with the lengths in the usual order (standard and
 * nanosecond files, either byte order): the layout the walk knows. 0
 * otherwise (other formats and variants: the general path). */
int capkit__pcap_walk_params(capkit_reader *r, capkit__pcap_walk *w);

#endif

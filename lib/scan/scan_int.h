/* scan_int.h - the scanner's state and the inline checks shared by the
 * scanner and the repair walk. */
#ifndef CAPKIT_SCAN_INT_H
#define CAPKIT_SCAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>
#include <capkit/scan.h>

#include "util/bytes.h"

#define CAPKIT__RHDR 16u
/* Records next to each other lie within a day; a record found again after
 * damage lies within a week of the last good one. */
#define CAPKIT__STEP_WIN 86400u
#define CAPKIT__REF_WIN (7u * 86400u)
/* Original lengths above this are not believed while scanning. */
#define CAPKIT__MAX_ORIG (16u << 20)

/* Does a packet fit a link type? 0 no, else yes (see scan.c). */
typedef int (*capkit__fit_fn)(const uint8_t *p, uint32_t caplen,
                              uint32_t origlen);

struct capkit_scanner {
  capkit_scan_layout layout;
  int swap;
  uint32_t frac_limit;
  uint32_t bound;
  unsigned chain;
  int have_ref;
  uint32_t ref;
  /* When set, the first record of a candidate chain must fit the link
   * type by content (repair sets it once the file's records do). */
  capkit__fit_fn fit;
};

typedef struct capkit__rhdr {
  uint32_t sec, frac, incl, orig;
} capkit__rhdr;

void capkit__scan_setup(capkit_scanner *s, const capkit_scan_layout *l);
/* Why a walk stopped: max records, an implausible header at *end, the
 * exact end of the bytes, or a header/record cut by the end. */
enum { CAPKIT__STOP_MAX, CAPKIT__STOP_BAD, CAPKIT__STOP_END, CAPKIT__STOP_CUT };
/* Walk at most max plausible records from o (the first within a week of
 * the time reference, each next within a day of the one before); returns
 * how many, with *end after the last and *stop the reason. */
unsigned capkit__scan_walk(const capkit_scanner *s, const uint8_t *buf,
                           size_t len, size_t o, unsigned max, size_t *end,
                           int *stop);
int capkit__fit_ether(const uint8_t *p, uint32_t n, uint32_t orig);
/* The Ethernet header alone (a known type, or an 802.3 length that fits):
 * what a true frame keeps when the bytes after it are damaged. */
int capkit__fit_ether_link(const uint8_t *p, uint32_t n, uint32_t orig);
int capkit__fit_ip(const uint8_t *p, uint32_t n, uint32_t orig);
int capkit__fit_sll(const uint8_t *p, uint32_t n, uint32_t orig);
/* The content check for a link type, NULL when there is none. */
capkit__fit_fn capkit__fit_for(uint32_t linktype);
int capkit__scan_chain(const capkit_scanner *s, const uint8_t *buf,
                       size_t len, size_t o, int at_end);
/* Link type of the records from start on, by content; -1 unknown. */
int64_t capkit__scan_guess_at(const capkit_scanner *s, const uint8_t *buf,
                              size_t len, size_t start);

/* The reverse FTP ASCII-mode mangling undone (ascii.c): a pull stage
 * (capkit__src_open_pull) over the mangled bytes of in (taken over, closed
 * by capkit__unlf_free) that gives back every 0d a 0d 0a lost, record by
 * record (ng: block by block) where the lengths, the records after and the
 * packets' checksums decide; a record they cannot decide comes out framed
 * with its 0d bytes guessed, and capkit__unlf_bad names it. */
struct capkit__src;
typedef struct capkit__unlf capkit__unlf;
capkit__unlf *capkit__unlf_new(const struct capkit__src *in, int ng);
long capkit__unlf_pull(void *ctx, uint8_t *dst, size_t cap);
void capkit__unlf_free(void *ctx);
/* Is the record (block) at output offset off one whose 0d bytes could not
 * be placed? 1 and its length *len, else 0. Offsets asked must not go
 * down. */
int capkit__unlf_bad(capkit__unlf *u, uint64_t off, uint64_t *len);

static inline void capkit__scan_ld(const capkit_scanner *s, const uint8_t *p,
                                   capkit__rhdr *h) {
  h->sec = capkit__ld32(p, s->swap);
  h->frac = capkit__ld32(p + 4, s->swap);
  h->incl = capkit__ld32(p + 8, s->swap);
  h->orig = capkit__ld32(p + 12, s->swap);
}

/* A candidate header, on its own. */
static inline int capkit__scan_plausible(const capkit_scanner *s,
                                         const capkit__rhdr *h) {
  return h->frac < s->frac_limit && h->incl <= s->bound &&
         h->incl <= h->orig && h->orig != 0 && h->orig <= CAPKIT__MAX_ORIG;
}

static inline int capkit__near(uint32_t a, uint32_t b, uint32_t win) {
  return (a > b ? a - b : b - a) <= win;
}

#endif

/* edit.h - editcap's per-record edits, one record at a time: chop bytes
 * out of each packet (-C), snap with or without adjusting the original
 * length (-s, -L), force chronological order (-S) and random errors for
 * robustness testing (-E, with a seed). The edits run in editcap's order:
 * strict time, snap, chop, errors.
 * Threads: one thread at a time per editor; editors are independent. */
#ifndef CAPKIT_EDIT_H
#define CAPKIT_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_editor capkit_editor;

/* A new editor that changes nothing. NULL if out of memory. */
CAPKIT_API capkit_editor *capkit_editor_new(void);
/* Frees; accepts NULL. */
CAPKIT_API void capkit_editor_free(capkit_editor *e);

/* Chop len bytes out of every packet, as editcap -C [offset:]len: len > 0
 * removes bytes from the start (at offset bytes from the start when offset
 * > 0, or offset bytes before the end when offset < 0), len < 0 removes
 * -len bytes at the end (before the last -offset bytes when offset < 0, or
 * ending offset bytes from the start when offset > 0). Calls add up as
 * editcap's repeated -C do: the positive lengths (and their offsets) are
 * summed into one region, the negative ones into another. A packet shorter
 * than what is asked loses what it has in the region and no more. 0 or
 * CAPKIT_EINVAL (len 0 with an offset, values beyond +-2^30). */
CAPKIT_API int capkit_editor_add_chop(capkit_editor *e, int32_t offset,
                                      int32_t len);
/* Cut packets to snaplen bytes (0: no snap), before chopping, as editcap
 * -s. 0 or CAPKIT_EINVAL. */
CAPKIT_API int capkit_editor_set_snap(capkit_editor *e, uint32_t snaplen);
/* editcap -L: snapping and chopping reduce the original length too (snap:
 * to at most snaplen; chop: by the bytes chopped, never below 0). */
CAPKIT_API int capkit_editor_set_adjust_origlen(capkit_editor *e, int on);
/* editcap -S: with negative 0, a record older than the one written before
 * it gets that record's time plus adj (adj 0: the fewest changes giving
 * chronological order); with negative 1 every record after the first gets
 * the time of the record before it (as written) plus adj. adj is
 * non-negative. 0 or CAPKIT_EINVAL. */
CAPKIT_API int capkit_editor_set_strict_time(capkit_editor *e, int64_t sec,
                                             uint32_t nsec, int negative);
/* editcap -E: each byte of each packet, from byte skip on (editcap -o),
 * gets an error with probability prob (0..1): one of its 8 bits, chosen at
 * random, is flipped. (editcap also writes random bytes, letters, "%s" or
 * a run of 0xAA; a single flipped bit keeps the count of changed bytes a
 * plain binomial, which tests can check.) The generator is xoshiro256**
 * seeded through splitmix64 from seed: the same seed and input give the
 * same output on every platform. 0 or CAPKIT_EINVAL (prob outside 0..1 or
 * NaN). */
CAPKIT_API int capkit_editor_set_errors(capkit_editor *e, double prob,
                                        uint64_t seed, uint32_t skip);

/* Parse one editcap-style option, as the command line gives it, and apply
 * it: name "chop" ("[OFFSET:]LEN", editcap -C), "adjust-origlen" (arg
 * ignored, -L), "snap" ("N", -s), "strict-time" ("[-]SECONDS[.FRACTION]",
 * -S), "error-prob" ("P", -E), "seed" ("N", --seed), "error-offset" ("N",
 * -o). 0, or CAPKIT_EINVAL for a bad value, CAPKIT_ENOTFOUND for an unknown
 * name. The seed and the offset may come before or after "error-prob". */
CAPKIT_API int capkit_editor_option(capkit_editor *e, const char *name,
                                    const char *arg);

/* Whether the editor changes anything (1) or passes records as they are
 * (0). */
CAPKIT_API int capkit_editor_active(const capkit_editor *e);

/* Edit rec in place. Its data may afterwards point into the editor's
 * buffer, valid until the next call or capkit_editor_free() (the bytes it
 * pointed to are never written). Makes no system call; allocates only when
 * a packet is longer than any before it. 0, CAPKIT_ENOMEM, CAPKIT_EINVAL
 * (NULL), CAPKIT_ERANGE (a -S time beyond the range of time). */
CAPKIT_API int capkit_editor_apply(capkit_editor *e, capkit_record *rec);

#ifdef __cplusplus
}
#endif
#endif

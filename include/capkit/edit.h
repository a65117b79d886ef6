/* edit.h - edits applied to a stream of records one at a time, the same
 * for every front end: new times (editcap -t, scaled intervals, an even
 * rate), packet comments by record number, and editcap's per-record edits
 * (capkit_editor: chop -C, snap with -L, strict time order -S, random bit
 * errors -E with a seed; they run in editcap's order: strict time, snap,
 * chop, errors).
 *
 *   capkit_retimer *t = capkit_retimer_new();
 *   capkit_retimer_set_shift(t, (capkit_time){3600, 0});
 *   while (capkit_reader_next(r, &rec) > 0)
 *     if (capkit_retimer_apply(t, &rec) < 0) ...   (out of range)
 *
 * Threads: one thread at a time per handle; handles are independent. No
 * call starts a thread. */
#ifndef CAPKIT_EDIT_H
#define CAPKIT_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- new times ---- */

/* New time = base + offset + shift: the offset of a record from the first
 * one given (times FACTOR with a scale), or, at a rate, I * 10^9 / RATE ns
 * for the I-th record (from 0); the base is the first record's time, or
 * the start when set. Each step exact to the nanosecond and checked. */
typedef struct capkit_retimer capkit_retimer;

/* A retimer that changes nothing until set; NULL when out of memory. */
CAPKIT_API capkit_retimer *capkit_retimer_new(void);
CAPKIT_API void capkit_retimer_free(capkit_retimer *t); /* NULL accepted */
/* Before the first record. Shift: any span (negative too). Start: the
 * first record's new time. Scale: a factor >= 0 for every offset. Rate:
 * records a second (> 0, with 10^9 / RATE finite), instead of the
 * recorded offsets; scale and rate exclude each other. Each returns 0,
 * CAPKIT_EINVAL (a bad value, or scale and rate together) or
 * CAPKIT_EMISUSE (after the first record). */
CAPKIT_API int capkit_retimer_set_shift(capkit_retimer *t, capkit_time shift);
CAPKIT_API int capkit_retimer_set_start(capkit_retimer *t, capkit_time start);
CAPKIT_API int capkit_retimer_set_scale(capkit_retimer *t, double factor);
CAPKIT_API int capkit_retimer_set_rate(capkit_retimer *t, double rate);
/* Give REC its new time. Returns 0, or CAPKIT_ERANGE when the new time
 * is out of range (REC is unchanged; the record still counts for the
 * rate). */
CAPKIT_API int capkit_retimer_apply(capkit_retimer *t, capkit_record *rec);

/* ---- comments by record number ---- */

/* The most bytes of a pcapng comment (one option). */
#define CAPKIT_COMMENT_MAX 65535u

typedef struct capkit_comments capkit_comments;

CAPKIT_API capkit_comments *capkit_comments_new(void); /* NULL: no memory */
CAPKIT_API void capkit_comments_free(capkit_comments *c); /* NULL accepted */
/* Record NUMBER (from 1) gets the comment TEXT (copied), replacing the
 * ones it had; TEXT NULL removes them. For the same record the later call
 * wins. Before the first apply. Returns 0, CAPKIT_EINVAL (number 0, text
 * over CAPKIT_COMMENT_MAX bytes), CAPKIT_ENOMEM, or CAPKIT_EMISUSE (NULL
 * handle, or after the first apply). */
CAPKIT_API int capkit_comments_set(capkit_comments *c, uint64_t number,
                                   const char *text);
/* With ALL set every record loses its comments (before the edits of
 * capkit_comments_set). */
CAPKIT_API int capkit_comments_clear_all(capkit_comments *c, int all);
/* Apply the edits to REC (records in increasing rec->number): its comment
 * is set to the edit's text (valid until free) or NULL. Returns 1 when an
 * edit named it, 0 when none did, CAPKIT_EINVAL for NULL. */
CAPKIT_API int capkit_comments_apply(capkit_comments *c, capkit_record *rec);
/* The lowest edited record number that no applied record had (0: none):
 * after the last record, an edit that named a record past the end. */
CAPKIT_API uint64_t capkit_comments_missing(const capkit_comments *c);

/* ---- editcap's per-record edits ---- */

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

/* After the options: when "error-prob" came through capkit_editor_option()
 * and "seed" did not, seed the generator from the clock and the process
 * id (a different seed each run), set *SEED (may be NULL) to it (passing
 * it as "seed" repeats the run) and return 1; else return 0 and change
 * nothing. Reads the clock; no other system call. */
CAPKIT_API int capkit_editor_seed_from_clock(capkit_editor *e,
                                             uint64_t *seed);

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

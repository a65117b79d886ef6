/* edit.h - edits applied to a stream of records one at a time, the same
 * for every front end: new times (editcap -t and -S, scaled intervals, an
 * even rate), and packet comments by record number.
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

#ifdef __cplusplus
}
#endif
#endif

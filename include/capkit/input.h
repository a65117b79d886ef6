/* input.h - a filtered input: one capture file opened with a filter made
 * ready for its link type, read record by record, and one message for
 * whatever stopped it (the open, the filter, the reading), as a front end
 * shows it. What the commands that read files through one filter use.
 *
 *   capkit_input *in = capkit_input_new();
 *   rc = capkit_input_open(in, path, flt);
 *   while (rc == 0 && (rc = capkit_input_next(in, &rec)) > 0)
 *     ...;
 *   if (rc < 0)
 *     fprintf(stderr, "%s\n", capkit_input_error(in));
 *   capkit_input_free(in);
 *
 * Threads: one thread at a time per input (and per filter, filter.h);
 * different inputs with different filters are independent. */
#ifndef CAPKIT_INPUT_H
#define CAPKIT_INPUT_H

#include <stdint.h>

#include <capkit/capkit.h>
#include <capkit/filter.h>
#include <capkit/reader.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_input capkit_input;

/* A new input with no file; NULL when memory runs out. */
CAPKIT_API capkit_input *capkit_input_new(void);
/* Closes its file and frees IN (not the filter); NULL is fine. */
CAPKIT_API void capkit_input_free(capkit_input *in);

/* Opens PATH ("-": standard input) with the reader's defaults, after
 * closing any file IN had, and prepares F for the file's link type (that
 * of its first interface). F is borrowed: it stays the caller's, is used
 * until the input is opened again or freed, and may be shared by inputs
 * read one after the other; NULL: every record. Returns 0, or a negative
 * code with the message in capkit_input_error(): the reader's ("FILE:
 * what"), or "bad filter 'EXPR': why" with the filter's code (CAPKIT_EFILTER:
 * it does not compile for that link type). After a failure no file is
 * open. CAPKIT_EINVAL for a NULL IN or PATH. */
CAPKIT_API int capkit_input_open(capkit_input *in, const char *path,
                                 capkit_filter *f);
/* The next record the filter matches, as capkit_reader_next_match(): 1
 * and *REC (valid until the next call), 0 at the clean end, or a negative
 * code, its message then in capkit_input_error(). CAPKIT_EMISUSE when no
 * file is open. */
CAPKIT_API int capkit_input_next(capkit_input *in, capkit_record *rec);
/* For a caller that read the input's reader itself (through another
 * library call) and got the negative code RC, RECORD being the number of
 * the record it was reading: makes the message capkit_input_error() gives,
 * "FILE: record N: filter 'EXPR': why" for CAPKIT_EFILTER, else the
 * reader's. Returns RC. */
CAPKIT_API int capkit_input_failed(capkit_input *in, int rc, uint64_t record);
/* The open file's reader (NULL when none is open), owned by IN: valid
 * until the input is opened again or freed. */
CAPKIT_API capkit_reader *capkit_input_reader(const capkit_input *in);
/* The message of the last failure ("" when none), valid until the next
 * call on IN. */
CAPKIT_API const char *capkit_input_error(const capkit_input *in);

#ifdef __cplusplus
}
#endif
#endif

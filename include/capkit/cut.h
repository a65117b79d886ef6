/* cut.h - engines that cut, join and reshape captures: a filtered reader,
 * FCS stripping, a merger of several readers, a reorder buffer and a
 * bounded-memory external sorter, a duplicate checker and a rotating
 * writer (files by records, bytes or time, named from a template).
 *
 * Every handle here is independent: one thread at a time per handle,
 * different handles in different threads freely. None prints or exits;
 * failures are negative CAPKIT_E* codes with a message in the handle.
 */
#ifndef CAPKIT_CUT_H
#define CAPKIT_CUT_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- times ---- */

/* Compare two records' capture times exactly, by (seconds, nanoseconds):
 * -1, 0 or 1. Valid for every time a file can hold (no nanosecond
 * products, so no overflow beyond 1678..2262). */
static inline int capkit_record_time_cmp(const capkit_record *a,
                                         const capkit_record *b) {
  if (a->ts_sec != b->ts_sec)
    return a->ts_sec < b->ts_sec ? -1 : 1;
  return a->ts_nsec < b->ts_nsec ? -1 : a->ts_nsec > b->ts_nsec;
}

/* ---- filtered reader ---- */

/* The next record of R that F matches (F NULL: every record): 1 and *rec
 * filled (valid until the next call on R), 0 at the clean end, a negative
 * code from the reader (message in capkit_reader_error()), or
 * CAPKIT_EFILTER when F does not compile for the record's link type
 * (*rec is then that record; message in capkit_filter_error()). */
CAPKIT_API int capkit_reader_next_match(capkit_reader *r, capkit_filter *f,
                                        capkit_record *rec);

/* ---- FCS ---- */

/* Remove BYTES bytes of frame check sequence from the end of *rec (BYTES
 * < 0: the interface's FCS length when it records one, else 4). Only a
 * complete capture (caplen == origlen) holds the FCS, so only then does
 * caplen shrink; origlen always does. Changes lengths only: the bytes
 * stay where they are. */
CAPKIT_API void capkit_record_strip_fcs(capkit_record *rec, int bytes);

/* ---- merger ---- */

typedef struct capkit_merger capkit_merger;

/* The order of a merge. */
typedef enum capkit_merge_order {
  CAPKIT_MERGE_STABLE = 0, /* by time; equal times in the order of adding */
  CAPKIT_MERGE_TIES_LAST = 1, /* by time; equal times from the last input
                                 first (mergecap's order) */
  CAPKIT_MERGE_APPEND = 2  /* one input after the other */
} capkit_merge_order;

/* A new merger with no inputs (CAPKIT_MERGE_STABLE); NULL if out of
 * memory. */
CAPKIT_API capkit_merger *capkit_merger_new(void);
/* Frees the merger (not its readers or filters); accepts NULL. */
CAPKIT_API void capkit_merger_free(capkit_merger *m);
/* Before the first capkit_merger_next: 0 or CAPKIT_EINVAL/EMISUSE. */
CAPKIT_API int capkit_merger_set_order(capkit_merger *m,
                                       capkit_merge_order order);
/* Add an open reader and an optional filter (NULL: every record); both are
 * borrowed and must stay valid until the merger is freed, and are used by
 * nothing else meanwhile. Before the first capkit_merger_next. Returns the
 * input's index (0, 1, ...) or a negative code. Memory: each reader keeps its own read window; a program merging
 * many inputs sets it small (capkit_merger_window()) before opening. */
CAPKIT_API int capkit_merger_add(capkit_merger *m, capkit_reader *r,
                                 capkit_filter *f);
/* The same for a part of a reader: only its records numbered FIRST to
 * END - 1 (END 0: to its end), e.g. the sorted stretches of one file,
 * each read by its own reader. CAPKIT_EINVAL when END <= FIRST. */
CAPKIT_API int capkit_merger_add_range(capkit_merger *m, capkit_reader *r,
                                       capkit_filter *f, uint64_t first,
                                       uint64_t end);
/* A read window for each of N inputs that keeps the whole merge within
 * about 16 MiB of buffers: 1 MiB up to 16 inputs, 16 MiB / N beyond. */
CAPKIT_API size_t capkit_merger_window(size_t n);
/* The next record in merge order: 1 and *rec filled (valid until the next
 * call; it belongs to the input *input, which may be NULL), 0 when every
 * input is at its end, or a negative code from an input (its reader's or
 * CAPKIT_EFILTER, *rec then being the record the filter missed), whose
 * index capkit_merger_failed() then gives. After an error the merger is
 * dead. Every record before the damage of an input
 * that sorts before it has been delivered. */
CAPKIT_API int capkit_merger_next(capkit_merger *m, capkit_record *rec,
                                  size_t *input);
/* The input whose error stopped the merge. */
CAPKIT_API size_t capkit_merger_failed(const capkit_merger *m);

/* Set up W (new, not yet opened) for the records of M's inputs (after
 * the last add), as capkit merge does: when every input is classic pcap
 * with the same link type, precision and FCS length (or there is one
 * input), a copy of the first input's settings with the largest snaplen;
 * else FORMAT (NULL: the first input's, pcapng when the link types differ)
 * with nanoseconds if any input has a finer resolution than microseconds,
 * the largest snaplen (pcap), the common link type (pcap) and FCS length.
 * SNAPLEN non-zero: records are cut to it. RELABEL: every record will get
 * one link type, so different link types do not matter. Returns 0, a
 * writer setting's code, or CAPKIT_ELINKTYPE when FORMAT is "pcap" but the
 * inputs have several link types: *CONFLICT is then the first input with
 * a link type other than the first's, *CONFLICT_LT that link type (either
 * pointer may be NULL). */
CAPKIT_API int capkit_merger_setup_writer(capkit_merger *m, capkit_writer *w,
                                          const char *format, uint32_t snaplen,
                                          int relabel, size_t *conflict,
                                          uint32_t *conflict_lt);

/* ---- external sorter ---- */

typedef struct capkit_sorter capkit_sorter;

/* A new sorter: 16 MiB of memory for records, temporary files in $TMPDIR
 * (else /tmp). NULL if out of memory. */
CAPKIT_API capkit_sorter *capkit_sorter_new(void);
/* Frees everything, closing and so removing every temporary file (they
 * are unlinked as soon as made: nothing is left even after a crash).
 * Accepts NULL. */
CAPKIT_API void capkit_sorter_free(capkit_sorter *s);
/* Before the first add: memory for records waiting in memory (at least
 * 64 KiB; CAPKIT_EINVAL below), and the directory of the temporary files
 * (copied; NULL: $TMPDIR or /tmp). */
CAPKIT_API int capkit_sorter_set_memory(capkit_sorter *s, size_t bytes);
CAPKIT_API int capkit_sorter_set_tmpdir(capkit_sorter *s, const char *dir);
/* Add a copy of a record (times, lengths, bytes, first comment, flags,
 * iface_id, number). rec->iface is kept as a pointer: it must stay valid
 * until the records come out (the reader's interfaces do while the reader
 * lives). When the memory is full the records held are sorted and written
 * to a temporary file. Returns 0 or a negative code (CAPKIT_EIO with the
 * message when a temporary file cannot be written). */
CAPKIT_API int capkit_sorter_add(capkit_sorter *s, const capkit_record *rec);
/* Records in time order, (seconds, nanoseconds) then the order of adding
 * (stable, like reordercap). The first call ends the input (add is then
 * CAPKIT_EMISUSE). 1 and *rec filled (valid until the next call), 0 at
 * the end, or a negative code. */
CAPKIT_API int capkit_sorter_next(capkit_sorter *s, capkit_record *rec);
/* Temporary files written so far (0: everything fitted in memory). */
CAPKIT_API size_t capkit_sorter_runs(const capkit_sorter *s);
/* The last error message ("" if none); valid until the sorter is freed. */
CAPKIT_API const char *capkit_sorter_error(const capkit_sorter *s);

/* ---- order of records ---- */

/* How far a stream of records is from time order, as capkit sort decides
 * how to sort it: the records older than the one before them (reordercap
 * -n counts those), and where the sorted stretches start (a few long
 * stretches, captures appended to each other, are merged straight from
 * the input). One thread at a time per handle. */
typedef struct capkit_order capkit_order;

/* A tracker keeping the starts of at most MAX_STRETCHES stretches; NULL
 * if out of memory. */
CAPKIT_API capkit_order *capkit_order_new(size_t max_stretches);
CAPKIT_API void capkit_order_free(capkit_order *o); /* NULL accepted */
/* Count REC, compared by (seconds, nanoseconds) with the record before. */
CAPKIT_API void capkit_order_add(capkit_order *o, const capkit_record *rec);
/* Records added, and those older than the record before them. */
CAPKIT_API uint64_t capkit_order_records(const capkit_order *o);
CAPKIT_API uint64_t capkit_order_late(const capkit_order *o);
/* The sorted stretches: their number (0 when there were more than the
 * maximum, or no record), and the record number (rec->number) of the first
 * record of stretch I (0 out of range). */
CAPKIT_API size_t capkit_order_stretches(const capkit_order *o);
CAPKIT_API uint64_t capkit_order_stretch(const capkit_order *o, size_t i);

/* ---- reorder buffer ---- */

typedef struct capkit_reorder capkit_reorder;

/* A buffer that puts records back in time order as they stream through,
 * holding at most MEMORY bytes of them (at least 64 KiB; NULL below, or
 * out of memory): disorder that fits is sorted in one pass, without
 * temporary files. Order: (seconds, nanoseconds), then the order of
 * adding. */
CAPKIT_API capkit_reorder *capkit_reorder_new(size_t memory);
CAPKIT_API void capkit_reorder_free(capkit_reorder *q);
/* Add a copy of a record (kept as capkit_sorter_add keeps it; rec->iface
 * must stay valid while it is held). Returns 0, 1 when the record is
 * older than one already handed out (the disorder is wider than the
 * memory: it is not added, and the caller sorts another way, e.g. with
 * capkit_sorter), or a negative code. */
CAPKIT_API int capkit_reorder_add(capkit_reorder *q, const capkit_record *rec);
/* The earliest record held, when the memory is over its limit or END is
 * set (the input is over): 1 and *rec filled (valid until the next call on
 * q), 0 when none is to come out now. Call until 0 after each add. */
CAPKIT_API int capkit_reorder_next(capkit_reorder *q, capkit_record *rec,
                                   int end);

/* ---- duplicate checker ---- */

typedef struct capkit_dedup capkit_dedup;

/* A new checker with a window of the previous 4 records; NULL if out of
 * memory. */
CAPKIT_API capkit_dedup *capkit_dedup_new(void);
CAPKIT_API void capkit_dedup_free(capkit_dedup *d);
/* Window by count: a record is a duplicate when one of the previous N
 * records (in input order; 0: none) has the same captured length and
 * bytes ('editcap -D N+1'). Before the first check; 0 or CAPKIT_EINVAL
 * (N above 100000000). */
CAPKIT_API int capkit_dedup_set_count(capkit_dedup *d, uint64_t n);
/* Window by capture time: a record is a duplicate when an earlier record
 * (in input order) with the same captured length and bytes was captured
 * at most SEC.NSEC before or after it (editcap -w on ordered input).
 * Times are compared as the records carry them, whatever order they
 * arrive in: a record is never dropped without such a twin, and one
 * record stamped far in the future holds nothing back. Memory is bounded:
 * a record leaves the window once a record more than the window later in
 * capture time is checked, a repeat at the same time adds nothing, and at
 * most `max_entries` (0: 1000000, like editcap) are kept (the oldest go
 * first). On input out of order by more than the window, a duplicate may
 * then be kept, never a record dropped wrongly. */
CAPKIT_API int capkit_dedup_set_time(capkit_dedup *d, int64_t sec,
                                     uint32_t nsec, size_t max_entries);
/* Byte offsets left out of the comparison, e.g. "0-13" or "22,24-25"
 * (offsets up to 262143). 0 or CAPKIT_EINVAL. */
CAPKIT_API int capkit_dedup_set_ignore(capkit_dedup *d, const char *ranges);
/* 1 when REC is a duplicate (drop it), 0 when not, or CAPKIT_ENOMEM.
 * Every record checked enters the window, duplicates too (as editcap). */
CAPKIT_API int capkit_dedup_check(capkit_dedup *d, const capkit_record *rec);
/* Duplicates found so far. */
CAPKIT_API uint64_t capkit_dedup_count(const capkit_dedup *d);

/* ---- slicer: records by number, time window, first or last N ---- */

/* Which records of one input to keep, as `capkit slice` (editcap -r, -A,
 * -B): the records offered are those the caller's filter passed, in input
 * order; number ranges (rec->number) come first, then the time window,
 * then the first or last N of what is left. For the last N the slicer
 * holds copies of at most N records; nothing else is held. */
typedef struct capkit_slicer capkit_slicer;

/* A slicer that keeps every record; NULL if out of memory. */
CAPKIT_API capkit_slicer *capkit_slicer_new(void);
CAPKIT_API void capkit_slicer_free(capkit_slicer *s); /* NULL accepted */
/* Set one selection, by the tool's option name, before the first add:
 * "records" RANGES: record numbers "1-100,250,1000-" ("-5": 1-5; numbers
 * from 1; ranges of several calls add up); "first" N (digits); "last" N
 * (1 to 100000000); "from" TIME (kept at or after) and "to" TIME (kept
 * before), TIME being RFC 3339 or "@SECONDS" (capkit_time_parse()), or
 * "+DURATION" (capkit_time_parse_duration()) after the time of the first
 * record offered. Returns 0, CAPKIT_EINVAL (bad value; after a partly
 * read RANGES the slicer should be freed), CAPKIT_ENOTFOUND (unknown
 * name), CAPKIT_ENOMEM, or CAPKIT_EMISUSE after the first add. */
CAPKIT_API int capkit_slicer_option(capkit_slicer *s, const char *name,
                                    const char *arg);
/* Offer the next record: 1 keep it now (e.g. write it), 0 not now
 * (dropped, or a copy held for "last"), 2 no later record can be kept
 * (stop reading; held records still come out), or CAPKIT_ENOMEM. REC is
 * not changed. */
CAPKIT_API int capkit_slicer_add(capkit_slicer *s, const capkit_record *rec);
/* After the last add: the held records ("last"), oldest first, as far as
 * "first" still allows: 1 and *rec a copy of one (its bytes and comment
 * owned by the slicer, valid until it is freed; the copy may be edited),
 * 0 when none is left. */
CAPKIT_API int capkit_slicer_next_held(capkit_slicer *s, capkit_record *rec);

/* ---- file names from a template ---- */

/* Expand a split template into a new string (free() it), or NULL with
 * *err set (CAPKIT_EINVAL: bad template, CAPKIT_ENOMEM). In TMPL, "%d" or
 * "%u" with printf flags and a width up to 64 ("%04d") is NUMBER, "%t" is
 * the time SEC as YYYYmmddTHHMMSSZ (UTC), "%%" is one '%'; anything else
 * after '%' is refused, and so is more than one number. A template with
 * neither gets "-NNNNN" (NUMBER, five digits or more) before the first
 * '.' of its last path component: out.pcap -> out-00000.pcap. Names of
 * different numbers are therefore the same only for a template with "%t"
 * and no number; capkit_rotator adds a counter then. */
CAPKIT_API char *capkit_name_template(const char *tmpl, uint64_t number,
                                      int64_t sec, int *err);

/* ---- rotating writer ---- */

typedef struct capkit_rotator capkit_rotator;

/* What starts a new file. */
typedef enum capkit_rotate_by {
  CAPKIT_ROTATE_NONE = 0,    /* one file (no limits) */
  CAPKIT_ROTATE_PACKETS = 1, /* every N records */
  CAPKIT_ROTATE_BYTES = 2,   /* before a file would grow past N bytes */
  CAPKIT_ROTATE_TIME = 3     /* every N nanoseconds of capture time */
} capkit_rotate_by;

/* Called for each new file's writer before it is opened (set its format,
 * link type ...); returns 0 or a negative code to fail. */
typedef int (*capkit_rotator_setup_fn)(void *user, capkit_writer *w,
                                       uint64_t file_no);
/* Called before each file is closed (to add statistics); 0 or negative. */
typedef int (*capkit_rotator_closing_fn)(void *user, capkit_writer *w);
/* Called when a file is complete and renamed into place. */
typedef void (*capkit_rotator_done_fn)(void *user, const char *path,
                                       uint64_t file_no);
/* Makes the name of file FILE_NO, whose interval starts at SEC (or whose
 * first record is at SEC); a new string (free()d by the rotator) or
 * NULL. */
typedef char *(*capkit_rotator_name_fn)(void *user, uint64_t file_no,
                                        int64_t sec);

/* A new rotator (one file, no template); NULL if out of memory. */
CAPKIT_API capkit_rotator *capkit_rotator_new(void);
/* Discards the open file (nothing half-written is left) and frees;
 * accepts NULL. Completed files stay. */
CAPKIT_API void capkit_rotator_free(capkit_rotator *o);
/* Before the first write. LIMIT: records, bytes or nanoseconds (> 0);
 * several kinds may be set (a new file when any is reached; NONE clears
 * them all). By time alone, file N holds the records of [origin + N*LIMIT, origin +
 * (N+1)*LIMIT), the origin being the first record's time unless set with
 * capkit_rotator_set_origin(); an interval without records still gets its
 * (valid, empty) file, so file N is always interval N (as editcap -i).
 * By bytes, a file never grows past LIMIT bytes as written (before
 * compression; the estimate of a pcapng block leaves out its options),
 * except a file of one larger record. */
CAPKIT_API int capkit_rotator_set_limit(capkit_rotator *o,
                                        capkit_rotate_by by, uint64_t limit);
CAPKIT_API int capkit_rotator_set_origin(capkit_rotator *o, int64_t sec,
                                         uint32_t nsec);
/* The size of a record in the output, for a byte limit: HEADER bytes
 * plus its data rounded up to ALIGN (a power of two). Default 16, 1
 * (classic pcap); pcapng's enhanced packet block is 32, 4. */
CAPKIT_API int capkit_rotator_set_overhead(capkit_rotator *o, uint32_t header,
                                           uint32_t align);
/* Bytes kept free at the end of each file (for what the closing callback
 * adds), counted against a byte limit. */
CAPKIT_API int capkit_rotator_set_reserve(capkit_rotator *o, uint64_t bytes);
/* Names: a template as capkit_name_template() reads it (copied; checked
 * here: CAPKIT_EINVAL), or a function. When two files would get the same
 * name (a "%t" template, files started in the same second), the later one
 * gets "-1", "-2" ... before the extension: no file replaces another. */
CAPKIT_API int capkit_rotator_set_template(capkit_rotator *o,
                                           const char *tmpl);
CAPKIT_API int capkit_rotator_set_name_fn(capkit_rotator *o,
                                          capkit_rotator_name_fn fn,
                                          void *user);
CAPKIT_API int capkit_rotator_set_callbacks(capkit_rotator *o,
                                            capkit_rotator_setup_fn setup,
                                            capkit_rotator_closing_fn closing,
                                            capkit_rotator_done_fn done,
                                            void *user);
/* Write one record, starting new files first as the limit says (and the
 * empty files of intervals without records). Returns 0 or a negative code
 * (message in capkit_rotator_error()); after an error the rotator is
 * dead. */
CAPKIT_API int capkit_rotator_write(capkit_rotator *o,
                                    const capkit_record *rec);
/* By time: the clock says SEC.NSEC; complete the intervals that ended
 * before it (a capture with no traffic). Before the first file is open
 * this opens it. Otherwise a no-op. 0 or a negative code. */
CAPKIT_API int capkit_rotator_tick(capkit_rotator *o, int64_t sec,
                                   uint32_t nsec);
/* The writer of the file being written (NULL before the first), e.g. to
 * flush it. */
CAPKIT_API capkit_writer *capkit_rotator_writer(capkit_rotator *o);
/* The final name of the file being written (NULL before the first). */
CAPKIT_API const char *capkit_rotator_path(const capkit_rotator *o);
/* Close the open file (renamed into place). With nothing written ever,
 * no file is made. 0 or a negative code. */
CAPKIT_API int capkit_rotator_close(capkit_rotator *o);
/* Files started so far. */
CAPKIT_API uint64_t capkit_rotator_files(const capkit_rotator *o);
CAPKIT_API const char *capkit_rotator_error(const capkit_rotator *o);

/* ---- whole-file jobs ---- */

/* Merge, sort, dedup, copy (filter, snap, slice, retime, comment,
 * rewrite) and split from paths to a path in one call, with the tool's
 * options and output rules (`capkit merge`, `sort`, `dedup`, `split` ...):
 * the loop runs here, not in the caller (bindings, scripts). Repair is
 * capkit_repair_run() (scan.h). One thread at a time per job handle. */
typedef struct capkit_job capkit_job;

/* A new job with the tool's defaults; NULL if out of memory. */
CAPKIT_API capkit_job *capkit_job_new(void);
CAPKIT_API void capkit_job_free(capkit_job *j); /* accepts NULL */
/* Set an option by the tool's long option name; VALUE NULL for a flag.
 * Every job: "filter" EXPR, "format" pcap|pcapng, "linktype" TYPE,
 * "strip-fcs" [N], "compress" gzip|zstd|none[:LEVEL], "keep-partial"
 * (on damaged input keep the output up to the damage; default: none),
 * "byte-order" little|big|native (or le, be), "precision" us|ns (or 6,
 * 9), "fcs-len" N (the FCS length the output records: -1 none, else an
 * even 0 to 30), "section-comment" TEXT (at most CAPKIT_COMMENT_MAX
 * bytes) or "delete-section-comment": the output's (first) section
 * comment (pcapng). copy: "split-by-interface" (below).
 * merge: "append", "ties" first|last, "snaplen" N (merge and copy),
 * "window" SIZE (read buffer per input). sort: "memory" SIZE (at least 64KiB), "tmpdir" DIR,
 * "check" (count the records out of order first, like reordercap -n, and
 * write nothing when there are none).
 * dedup: "count" N (or "window" N: the previous N records), "time" T
 * (duration: "0.5", "250ms"), "ignore" RANGES. Sizes take k, M, G, KiB,
 * MiB, GiB. Returns 0 or CAPKIT_EINVAL (message in capkit_job_error()). */
CAPKIT_API int capkit_job_set(capkit_job *j, const char *name,
                              const char *value);
/* The output's writer warnings (writer.h: lossy writes) go to FN with
 * USER; NULL: none. Applies to later runs. */
CAPKIT_API void capkit_job_set_warning_fn(capkit_job *j, capkit_warning_fn fn,
                                          void *user);
/* Progress during a run, every 1024 records read: bytes of the input
 * read so far and its size (0: unknown). FN must not call the job.
 * NULL: none. */
typedef void (*capkit_job_progress_fn)(void *user, uint64_t done,
                                       uint64_t total);
CAPKIT_API void capkit_job_set_progress_fn(capkit_job *j,
                                           capkit_job_progress_fn fn,
                                           void *user);
/* Run a job: INPUTS (N paths; "-" standard input) or IN into OUT, written
 * under a temporary name and renamed into place when complete. Returns 0,
 * or a negative code with the message, and for damaged input the file,
 * offset and record, in capkit_job_error*(): every record before the
 * damage was processed; the output is then left out, or kept complete up
 * to the damage with "keep-partial". merge orders by time (equal times in
 * the order of INPUTS, or the last input first with "ties last"); its
 * output takes the first input's format, pcapng when link types differ.
 * sort is stable, in bounded memory: one pass when the disorder fits the
 * memory, else through temporary files. dedup drops records whose bytes
 * repeat within the window (editcap -D / -w). */
CAPKIT_API int capkit_job_merge(capkit_job *j, const char *const *inputs,
                                size_t n, const char *out);
CAPKIT_API int capkit_job_sort(capkit_job *j, const char *in,
                               const char *out);
CAPKIT_API int capkit_job_dedup(capkit_job *j, const char *in,
                                const char *out);
/* Copy IN to OUT set up like it (a byte-identical copy when nothing
 * changes; `capkit filter`, `snap`, `retime`, `slice`): each record that
 * passes the filter goes through the job's slicer (which records; when it
 * says stop, the input is read no further), retimer and editor (each
 * optional, in that order), then the common edits, and is written; with
 * "snaplen" N the output's snaplen is N and records are cut to it. The
 * records a slicer held back (its last N) are written after the input
 * ended, or after damage. A new time out of range (retimer) or beyond the
 * range of time (editor -S) fails as CAPKIT_ERANGE naming the record, a
 * data error: with "keep-partial" the output is kept up to it. Results
 * and errors as the other jobs. With "split-by-interface" (and no
 * slicer: CAPKIT_EINVAL) each interface of the input gets its own output,
 * OUT with "-N" before its extension (out.pcap -> out-0.pcap, out-1.pcap;
 * made when the interface's first record comes), set up like that
 * interface (format and byte order of the input, its precision, snaplen,
 * link type and FCS length) unless the job's options say otherwise; on
 * damage the outputs are kept only with "keep-partial". */
CAPKIT_API int capkit_job_copy(capkit_job *j, const char *in,
                               const char *out);
/* The engines a copy runs (the slicer above; capkit_retimer,
 * capkit_editor and capkit_comments of edit.h, named here by their struct
 * tags so that this header does not need edit.h): borrowed, not
 * freed by the job, used only during capkit_job_copy() and by nothing
 * else meanwhile; each keeps its state from one run to the next, so a
 * fresh one is set for each run. NULL: none (the default). */
struct capkit_retimer;
struct capkit_editor;
struct capkit_comments;
CAPKIT_API void capkit_job_set_slicer(capkit_job *j, capkit_slicer *s);
CAPKIT_API void capkit_job_set_retimer(capkit_job *j,
                                       struct capkit_retimer *t);
CAPKIT_API void capkit_job_set_editor(capkit_job *j, struct capkit_editor *e);
/* Packet comments by record number (`capkit comment`, with "format"
 * pcapng), applied after the editor. When the input was read to its end
 * and an edit names a record past it, the copy fails with
 * CAPKIT_ENOTFOUND ("IN has no record N (it has M); nothing written") and
 * leaves no output. */
CAPKIT_API void capkit_job_set_comments(capkit_job *j,
                                        struct capkit_comments *c);
/* A rewriter (rewrite.h, `capkit rewrite`) as the copy's last stage:
 * each record, after the editor and the comments, is rewritten straight
 * into the output's buffer (capkit_rewriter_apply_to() on the room of
 * capkit_writer_reserve()), then gets the common edits and is written;
 * the rewriter's counters then tell what it did. A failure of the
 * rewriter (CAPKIT_ENOMEM) fails the copy with "record N: what". Borrowed
 * as the engines above; NULL: none (the default). */
struct capkit_rewriter;
CAPKIT_API void capkit_job_set_rewriter(capkit_job *j,
                                        struct capkit_rewriter *rw);
/* After a run: records read (passing the filter), written, dropped as
 * duplicates; sort's method ("one pass"; "stretches": a pcap input made
 * of a few sorted stretches, merged from the input; "external"; "in
 * order": "check" found nothing to do, nothing written), and its
 * temporary runs (or stretches). */
CAPKIT_API uint64_t capkit_job_records_read(const capkit_job *j);
CAPKIT_API uint64_t capkit_job_records_written(const capkit_job *j);
CAPKIT_API uint64_t capkit_job_dropped(const capkit_job *j);
CAPKIT_API const char *capkit_job_method(const capkit_job *j);
CAPKIT_API size_t capkit_job_runs(const capkit_job *j);
/* 1 when a run that failed on damaged input kept its output (complete up
 * to the damage, "keep-partial"), else 0. */
CAPKIT_API int capkit_job_output_kept(const capkit_job *j);
/* After a sort with "check": 1 when the records were counted (the input
 * was read to its end or to damage), with *RECORDS read and *LATE out of
 * order (older than the record before); else 0. Either pointer may be
 * NULL. */
CAPKIT_API int capkit_job_order(const capkit_job *j, uint64_t *records,
                                uint64_t *late);
/* The last error: message ("" if none), code, and for damaged input the
 * reader's name, byte offset and record number (else "", 0, 0). Valid
 * until the next run or free. */
CAPKIT_API const char *capkit_job_error(const capkit_job *j);
CAPKIT_API int capkit_job_error_code(const capkit_job *j);
CAPKIT_API const char *capkit_job_error_file(const capkit_job *j);
CAPKIT_API uint64_t capkit_job_error_offset(const capkit_job *j);
CAPKIT_API uint64_t capkit_job_error_record(const capkit_job *j);

/* ---- split ---- */

/* One input cut into several files (capkit split), each a valid capture:
 * by records, bytes or time through a rotating writer (the settings'
 * limit), or one file per interface. The records of R that pass F (NULL:
 * every one) are copied in order; the output files are written under
 * temporary names and renamed when complete. */

/* A file complete and renamed into place: its final name, its number (the
 * interface id by interface), its records, and PARTIAL 1 when it is kept
 * up to damage in the input (keep_partial). */
typedef void (*capkit_split_done_fn)(void *user, const char *path,
                                     uint64_t file_no, uint64_t records,
                                     int partial);
/* An error, as it happens, with its code and its message ("FILE: offset
 * N, record M: what" for damaged input; the writer's message for an
 * output). Several may come: a damaged input, then an output that could
 * not be completed. */
typedef void (*capkit_split_error_fn)(void *user, int code,
                                      const char *message);

/* What to do; start from CAPKIT_SPLIT_SETTINGS_INIT. */
typedef struct capkit_split_settings {
  uint32_t size;     /* sizeof(capkit_split_settings) of the caller */
  capkit_rotate_by by; /* by limit: PACKETS, BYTES or TIME */
  uint64_t limit;      /* records, bytes or nanoseconds (> 0) */
  const char *tmpl;    /* names, as capkit_name_template reads them; by
                          interface the number is the interface id and the
                          time its first record's */
  const char *format;  /* the output format, for a byte limit's estimate
                          (NULL: R's); the writers get it from SETUP */
  int keep_partial;    /* damaged input: keep the files up to the damage
                          (the last one ending before it); else none is
                          left */
  int strip_fcs;       /* strip each record's FCS (capkit_record_strip_fcs
                          with fcs_bytes) */
  int fcs_bytes;
  /* Required: sets up each new writer before it is opened (format, link
   * type, time precision, compression, warnings); FILE_NO as above.
   * Returns 0 or a negative code (the file is then not made). */
  capkit_rotator_setup_fn setup;
  capkit_split_done_fn done;       /* or NULL */
  capkit_split_error_fn error;     /* or NULL */
  capkit_job_progress_fn progress; /* every 1024 records read, or NULL */
  void *user;                      /* for the four callbacks */
} capkit_split_settings;

#define CAPKIT_SPLIT_SETTINGS_INIT                                             \
  { .size = (uint32_t)sizeof(capkit_split_settings) }

/* Split by SET's limit: file N holds records N*limit.. (PACKETS), at most
 * limit bytes (BYTES, a larger record gets a file of its own), or the
 * records of interval N of limit nanoseconds from the first record (TIME;
 * an empty interval gets an empty file). Returns 0, or the first error's
 * negative code (every error also went to SET's error function): the
 * reader's (damaged input), CAPKIT_EFILTER (F does not compile for a
 * record's link type), a writer's (CAPKIT_ELINKTYPE: a record the output
 * format cannot hold), CAPKIT_EIO (a file could not be completed),
 * CAPKIT_ENOMEM, or CAPKIT_EMISUSE (bad arguments or settings). On error
 * the files made are removed, except with keep_partial on damaged input.
 * Not locked: R, F and the callbacks are used by the calling thread. */
CAPKIT_API int capkit_split_by_limit(capkit_reader *r, capkit_filter *f,
                                     const capkit_split_settings *set);
/* Split into one file per interface (the record's iface_id), each made at
 * its interface's first record; SET's by and limit are not used. Returns
 * as capkit_split_by_limit. */
CAPKIT_API int capkit_split_by_interface(capkit_reader *r, capkit_filter *f,
                                         const capkit_split_settings *set);

/* The split as a whole-file job (`capkit split`): IN ("-": standard
 * input) cut into files named from TMPL (capkit_name_template(); checked
 * here) by BY and LIMIT as in capkit_split_by_limit(), or one file per
 * interface with BY CAPKIT_ROTATE_NONE (LIMIT then unused), with the
 * job's options and no writer settings from the caller: by limit each
 * file is set up like the input (a byte-identical layout when nothing
 * changes), by interface with the input's format, the precision of the
 * interface (ns when it stamps in nanoseconds, else us), its link type
 * and its FCS length; then "format", "snaplen", "linktype", "strip-fcs",
 * "compress", "byte-order", "precision", "fcs-len" and the section
 * comment apply to every file, as do "filter", "keep-partial", the
 * warning function (each file's writer) and the progress function.
 * Returns 0 or the first error's negative code as capkit_split_by_limit()
 * returns it, plus CAPKIT_EINVAL (NULL IN or TMPL, a bad template, no
 * LIMIT) and the reader's or filter's code when IN cannot be opened or
 * the filter does not compile; capkit_job_error() then holds the first
 * error's message. Every error, the ones before the split started
 * included, also goes to the error function of capkit_job_set_split_fns()
 * as it happens (several may come). After a run capkit_job_records_written()
 * is the records of the files completed, and capkit_job_output_kept() 1
 * when files were kept up to damage ("keep-partial"). One thread at a
 * time per job, the callbacks called from it. */
CAPKIT_API int capkit_job_split(capkit_job *j, const char *in,
                                const char *tmpl, capkit_rotate_by by,
                                uint64_t limit);
/* The callbacks of later capkit_job_split() runs: DONE for each file
 * completed and renamed into place, ERROR for each error, with USER. NULL:
 * none (the default). */
CAPKIT_API void capkit_job_set_split_fns(capkit_job *j,
                                         capkit_split_done_fn done,
                                         capkit_split_error_fn error,
                                         void *user);

#ifdef __cplusplus
}
#endif
#endif

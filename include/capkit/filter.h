/* filter.h - BPF filters (the tcpdump filter language), compiled by libpcap.
 *
 * A filter is made from an expression once and used on records of any link
 * type: the expression is compiled by libpcap for each link type and byte
 * order the first time a record of that kind is matched (a pcapng file may
 * hold several), and the compiled program is kept for the next records.
 * A record matches exactly when `tcpdump -r FILE EXPR` would match it in
 * the file it was read from: the program is compiled for a saved file of
 * the record's link type and byte order (its interface's byte_order), and
 * the host-order fields of its pseudo-header are seen in the host's order,
 * as libpcap's reader presents them. Not thread-safe: one filter per
 * thread.
 *
 * Threads: matching may compile and cache, so one thread at a time per
 * filter; give each thread its own filter. Different filters may compile
 * at the same time (libpcap's compiler has been thread-safe since
 * libpcap 1.8).
 */
#ifndef CAPKIT_FILTER_H
#define CAPKIT_FILTER_H

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_filter capkit_filter;

/* Makes a filter for EXPR (an empty or all-blank expression matches every
 * record). Returns NULL only when memory runs out. Nothing is compiled yet. */
CAPKIT_API capkit_filter *capkit_filter_new(const char *expr);
CAPKIT_API void capkit_filter_free(capkit_filter *f);

/* Compiles the expression for LINKTYPE now (0 on success, CAPKIT_EFILTER
 * with libpcap's message in capkit_filter_error() otherwise), so that a bad
 * expression is reported before any output is written. It also becomes the
 * link type of records that carry no interface (taken to be in the host's
 * byte order). */
CAPKIT_API int capkit_filter_prepare(capkit_filter *f, uint32_t linktype);

/* 1 when REC passes, 0 when it does not, CAPKIT_EFILTER when the
 * expression does not compile for the record's link type (rec->iface's, or
 * the last prepared one when the record has no interface), CAPKIT_ENOMEM.
 * The record's data is only read. */
CAPKIT_API int capkit_filter_match(capkit_filter *f, const capkit_record *rec);

/* The expression, and libpcap's message for the last failed compile
 * ("" if none) and its code (CAPKIT_EFILTER, or 0 if none), as the
 * other handles give theirs. */
CAPKIT_API const char *capkit_filter_expr(const capkit_filter *f);
CAPKIT_API const char *capkit_filter_error(const capkit_filter *f);
CAPKIT_API int capkit_filter_error_code(const capkit_filter *f);

#ifdef __cplusplus
}
#endif

#endif

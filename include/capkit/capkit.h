/* capkit.h - umbrella header of libcapkit: version, export macro, the error
 * list (codes pinned forever), and the headers of every public part.
 *
 * Threads. The library keeps no state a caller must lock: different
 * handles (readers, writers, live handles, filters, generators, hex
 * parsers) may be used from different threads at the same time; one
 * handle is used by one thread at a time (or under the caller's lock),
 * and so is what it hands out (records, interfaces, packets). Functions
 * without a handle (error names and messages, versions, link types,
 * decoding into the caller's packet, checksums, capkit_build) may be
 * called from any thread at any time. The library starts threads in
 * two places only: a writer's output thread (see writer.h) and zstd's
 * compression workers. Two calls may be made from a signal handler:
 * capkit_writer_remove_temp_files() and capkit_live_break().
 *
 * Errors. Every handle reports its last failure the same way: the call
 * returns a negative CAPKIT_E* code; capkit_X_error() gives the full
 * message ("NAME: offset N, record M: what" where they apply) and
 * capkit_X_error_code() the code; readers and writers also give
 * capkit_X_error_offset() and capkit_X_error_record() (0 when the error
 * is not about a record). Readers and writers report what is odd but not
 * fatal to a capkit_warning_fn. Spec errors (build.h), made before any
 * handle exists, come in a capkit_spec_error. */
#ifndef CAPKIT_CAPKIT_H
#define CAPKIT_CAPKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPKIT_VERSION_MAJOR 0
#define CAPKIT_VERSION_MINOR 2
#define CAPKIT_VERSION_PATCH 3
#define CAPKIT_VERSION_STRING "0.2.3"
#define CAPKIT_VERSION_NUMBER                                                  \
  (CAPKIT_VERSION_MAJOR * 10000 + CAPKIT_VERSION_MINOR * 100 +                 \
   CAPKIT_VERSION_PATCH)
/* True when these headers are at least version maj.min.pat. The soname
 * (libcapkit.so.MAJOR) changes only with MAJOR, when a release breaks
 * programs built against earlier ones; see README, "Versions and ABI". */
#define CAPKIT_VERSION_AT_LEAST(maj, min, pat)                                 \
  (CAPKIT_VERSION_NUMBER >= (maj) * 10000 + (min) * 100 + (pat))

#if defined(CAPKIT_STATIC)
#define CAPKIT_API
#elif defined(__GNUC__) || defined(__clang__)
#define CAPKIT_API __attribute__((visibility("default")))
#else
#define CAPKIT_API
#endif

/* The error list: X(NAME, value, class, message). Values are part of the ABI
 * and never change; new errors are appended with new values. The class says
 * what kind of failure it is (see capkit_error_class) and maps to the tool's
 * exit code. */
#define CAPKIT_ERRORS(X)                                                       \
  X(EINVAL, -1, USAGE, "invalid argument")                                     \
  X(ENOMEM, -2, SYSTEM, "out of memory")                                       \
  X(EIO, -3, SYSTEM, "input/output error")                                     \
  X(EMISUSE, -4, USAGE, "call not valid in this state")                        \
  X(EFORMAT, -5, DATA, "not a capture file of a known format")                 \
  X(EUNSUPPORTED, -6, DATA, "unsupported capture format feature")              \
  X(EBADHDR, -7, DATA, "damaged file header")                                  \
  X(ETRUNC, -8, DATA, "truncated capture file")                                \
  X(EBADREC, -9, DATA, "damaged record")                                       \
  X(ETOOBIG, -10, DATA, "record larger than the sane bound")                   \
  X(EOPEN, -11, SYSTEM, "cannot open file")                                    \
  X(ELINKTYPE, -12, USAGE, "link type does not fit the output")                \
  X(ENOSPACE, -13, SYSTEM, "no space left on device")                          \
  X(ESPEC, -14, USAGE, "invalid specification")                                \
  X(ENOTFOUND, -15, USAGE, "no such item")                                     \
  X(EFILTER, -16, USAGE, "filter expression does not compile")                \
  X(EPERM, -17, SYSTEM, "operation not permitted")                            \
  X(ERANGE, -18, DATA, "value out of range")

typedef enum capkit_error {
  CAPKIT_OK = 0,
#define CAPKIT__ENUM(name, val, cls, msg) CAPKIT_##name = (val),
  CAPKIT_ERRORS(CAPKIT__ENUM)
#undef CAPKIT__ENUM
} capkit_error;

/* What kind of failure an error code is. */
typedef enum capkit_error_class {
  CAPKIT_CLASS_NONE = 0,   /* not an error (0 or positive) */
  CAPKIT_CLASS_DATA = 1,   /* invalid or damaged capture data */
  CAPKIT_CLASS_USAGE = 2,  /* the caller asked for something invalid */
  CAPKIT_CLASS_SYSTEM = 3, /* I/O or system failure */
} capkit_error_class;

/* Static English message for an error code ("unknown error" if unknown). */
CAPKIT_API const char *capkit_strerror(int code);
/* Static name of an error code, e.g. "CAPKIT_ETRUNC"; NULL if unknown. */
CAPKIT_API const char *capkit_errname(int code);
/* Class of an error code; CAPKIT_CLASS_NONE for codes >= 0. Unknown
 * negative codes are CAPKIT_CLASS_SYSTEM. */
CAPKIT_API capkit_error_class capkit_error_class_of(int code);

/* Run-time version, "MAJOR.MINOR.PATCH"; compare with CAPKIT_VERSION_STRING
 * to detect a header/library mismatch. */
CAPKIT_API const char *capkit_version(void);
/* Run-time version as CAPKIT_VERSION_NUMBER. */
CAPKIT_API int capkit_version_number(void);

#ifdef __cplusplus
}
#endif

#include <capkit/linktype.h>
#include <capkit/record.h>
#include <capkit/time.h>
#include <capkit/reader.h>
#include <capkit/writer.h>
#include <capkit/pcapng.h>
#include <capkit/filter.h>
#include <capkit/build.h>
#include <capkit/decode.h>
#include <capkit/live.h>
#include <capkit/rewrite.h>
#include <capkit/export.h>
#include <capkit/cut.h>
#include <capkit/stats.h>
#include <capkit/report.h>
#include <capkit/info.h>
#include <capkit/scan.h>
#include <capkit/batch.h>
#include <capkit/digest.h>
#include <capkit/edit.h>
#include <capkit/capture.h>
#include <capkit/outfile.h>

#endif

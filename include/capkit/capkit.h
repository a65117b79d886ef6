/* capkit.h - umbrella header of libcapkit: version, export macro, the error
 * list (codes pinned forever), and the headers of every public part. */
#ifndef CAPKIT_CAPKIT_H
#define CAPKIT_CAPKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPKIT_VERSION_MAJOR 0
#define CAPKIT_VERSION_MINOR 1
#define CAPKIT_VERSION_PATCH 0
#define CAPKIT_VERSION_STRING "0.1.0"
#define CAPKIT_VERSION_NUMBER                                                  \
  (CAPKIT_VERSION_MAJOR * 10000 + CAPKIT_VERSION_MINOR * 100 +                 \
   CAPKIT_VERSION_PATCH)

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
  X(EPERM, -17, SYSTEM, "operation not permitted")

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
#include <capkit/reader.h>
#include <capkit/writer.h>
#include <capkit/pcapng.h>
#include <capkit/filter.h>
#include <capkit/build.h>
#include <capkit/decode.h>
#include <capkit/live.h>
#include <capkit/scan.h>

#endif

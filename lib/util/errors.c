/* errors.c - error names, messages and classes generated from the one list
 * in capkit.h; the message storage of spec errors; the run-time version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>

#include "internal.h"

/* One message per thread: capkit_spec_error.message points here. */
static _Thread_local char spec_msg[512];

void capkit__spec_error_vset(capkit_spec_error *err, size_t column,
                             const char *fmt, va_list ap) {
  if (!err)
    return;
  memset(err, 0, sizeof *err);
  vsnprintf(spec_msg, sizeof spec_msg, fmt, ap);
  err->column = column;
  err->message = spec_msg;
}

void capkit__spec_error_set(capkit_spec_error *err, size_t column,
                            const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  capkit__spec_error_vset(err, column, fmt, ap);
  va_end(ap);
}

void capkit__spec_error_append(capkit_spec_error *err, const char *fmt,
                               ...) {
  if (!err || err->message != spec_msg)
    return;
  size_t k = strlen(spec_msg);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(spec_msg + k, sizeof spec_msg - k, fmt, ap);
  va_end(ap);
}

void capkit__spec_error_clear(capkit_spec_error *err) {
  if (!err)
    return;
  memset(err, 0, sizeof *err);
  err->message = "";
}

const char *capkit_strerror(int code) {
  switch (code) {
  case CAPKIT_OK:
    return "success";
#define CASE(name, val, cls, msg)                                              \
  case CAPKIT_##name:                                                          \
    return msg;
    CAPKIT_ERRORS(CASE)
#undef CASE
  }
  return "unknown error";
}

const char *capkit_errname(int code) {
  switch (code) {
  case CAPKIT_OK:
    return "CAPKIT_OK";
#define CASE(name, val, cls, msg)                                              \
  case CAPKIT_##name:                                                          \
    return "CAPKIT_" #name;
    CAPKIT_ERRORS(CASE)
#undef CASE
  }
  return NULL;
}

capkit_error_class capkit_error_class_of(int code) {
  if (code >= 0)
    return CAPKIT_CLASS_NONE;
  switch (code) {
#define CASE(name, val, cls, msg)                                              \
  case CAPKIT_##name:                                                          \
    return CAPKIT_CLASS_##cls;
    CAPKIT_ERRORS(CASE)
#undef CASE
  }
  return CAPKIT_CLASS_SYSTEM;
}

const char *capkit_warning_name(int warning) {
  switch (warning) {
#define CASE(name, val, msg)                                                   \
  case CAPKIT_W_##name:                                                        \
    return #name;
    CAPKIT_WARNINGS(CASE)
#undef CASE
  }
  return NULL;
}

const char *capkit_version(void) { return CAPKIT_VERSION_STRING; }
int capkit_version_number(void) { return CAPKIT_VERSION_NUMBER; }

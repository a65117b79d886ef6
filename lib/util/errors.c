/* errors.c - error names, messages and classes generated from the one list
 * in capkit.h; also the run-time version. */
#include <capkit/capkit.h>

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

/* buf.h - a growable byte buffer with checked growth. */
#ifndef CAPKIT_UTIL_BUF_H
#define CAPKIT_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct capkit__buf {
  uint8_t *data;
  size_t len;
  size_t cap;
} capkit__buf;

/* Make room for at least need bytes in total; 0 or CAPKIT_ENOMEM. */
int capkit__buf_reserve(capkit__buf *b, size_t need);
/* Append n bytes; 0 or CAPKIT_ENOMEM. */
int capkit__buf_append(capkit__buf *b, const void *p, size_t n);
void capkit__buf_free(capkit__buf *b);
/* strdup that returns NULL for NULL. */
char *capkit__strdup(const char *s);
/* The text FMT and AP make, in a new string (NULL: no memory). AP is
 * used once, as vprintf would. */
char *capkit__vformat(const char *fmt, va_list ap);
/* S is plain decimal digits, nothing else, and fits: *out (0), else -1. */
int capkit__parse_u64(const char *s, uint64_t *out);

#endif

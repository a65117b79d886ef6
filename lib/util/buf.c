/* buf.c - growable byte buffer. */
#include "util/buf.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

int capkit__buf_reserve(capkit__buf *b, size_t need) {
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) {
    if (cap > SIZE_MAX / 2)
      return CAPKIT_ENOMEM;
    cap *= 2;
  }
  uint8_t *p = realloc(b->data, cap);
  if (!p)
    return CAPKIT_ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

int capkit__buf_append(capkit__buf *b, const void *p, size_t n) {
  if (n > SIZE_MAX - b->len)
    return CAPKIT_ENOMEM;
  int rc = capkit__buf_reserve(b, b->len + n);
  if (rc)
    return rc;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

void capkit__buf_free(capkit__buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

char *capkit__vformat(const char *fmt, va_list ap) {
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (s)
    vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

char *capkit__strdup(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

int capkit__parse_u64(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

/* obuf.h - a large output buffer for commands that print a line per packet:
 * text is appended with cheap inline functions and written with one fwrite
 * per buffer-full instead of one stdio call per field. */
#ifndef CAPKIT_CLI_OBUF_H
#define CAPKIT_CLI_OBUF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct obuf {
  char *p;
  size_t n, cap;
  FILE *f;
  int err;
} obuf;

/* cap bytes of buffer writing to f; 0 on success. */
int ob_init(obuf *o, FILE *f, size_t cap);
/* Writes what is buffered; 0 on success, -1 on a write error. */
int ob_flush(obuf *o);
/* Flushes and frees. Returns ob_flush's result. */
int ob_close(obuf *o);

/* Makes room for k more bytes (k must be below cap). */
static inline void ob_need(obuf *o, size_t k) {
  if (o->n + k > o->cap)
    ob_flush(o);
}
static inline void ob_mem(obuf *o, const void *s, size_t k) {
  if (o->n + k > o->cap) {
    ob_flush(o);
    if (k > o->cap) {
      if (fwrite(s, 1, k, o->f) != k)
        o->err = 1;
      return;
    }
  }
  memcpy(o->p + o->n, s, k);
  o->n += k;
}
static inline void ob_s(obuf *o, const char *s) { ob_mem(o, s, strlen(s)); }
static inline void ob_c(obuf *o, char c) {
  if (o->n + 1 > o->cap)
    ob_flush(o);
  o->p[o->n++] = c;
}
/* Unsigned decimal. */
static inline void ob_u(obuf *o, uint64_t v) {
  char t[24];
  int i = 24;
  do {
    t[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  ob_mem(o, t + i, (size_t)(24 - i));
}
static inline void ob_i(obuf *o, int64_t v) {
  if (v < 0) {
    ob_c(o, '-');
    ob_u(o, (uint64_t)0 - (uint64_t)v);
  } else {
    ob_u(o, (uint64_t)v);
  }
}
/* Decimal with at least w digits (leading zeros). */
static inline void ob_uw(obuf *o, uint64_t v, int w) {
  char t[24];
  int i = 24;
  do {
    t[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v || 24 - i < w);
  ob_mem(o, t + i, (size_t)(24 - i));
}
/* Lower-case hex, at least w digits. */
static inline void ob_x(obuf *o, uint64_t v, int w) {
  static const char hx[] = "0123456789abcdef";
  char t[20];
  int i = 20;
  do {
    t[--i] = hx[v & 15];
    v >>= 4;
  } while (v || 20 - i < w);
  ob_mem(o, t + i, (size_t)(20 - i));
}
static inline void ob_ip4(obuf *o, const uint8_t *a) {
  ob_need(o, 16);
  for (int i = 0; i < 4; i++) {
    unsigned v = a[i];
    char *q = o->p + o->n;
    if (v >= 100) {
      *q++ = (char)('0' + v / 100);
      *q++ = (char)('0' + v / 10 % 10);
    } else if (v >= 10) {
      *q++ = (char)('0' + v / 10);
    }
    *q++ = (char)('0' + v % 10);
    if (i < 3)
      *q++ = '.';
    o->n = (size_t)(q - o->p);
  }
}
static inline void ob_mac(obuf *o, const uint8_t *m, size_t n) {
  static const char hx[] = "0123456789abcdef";
  ob_need(o, 3 * n + 1);
  for (size_t i = 0; i < n; i++) {
    if (i)
      o->p[o->n++] = ':';
    o->p[o->n++] = hx[m[i] >> 4];
    o->p[o->n++] = hx[m[i] & 15];
  }
}
/* IPv6 text form (RFC 5952). */
void ob_ip6(obuf *o, const uint8_t *a);
/* A JSON string (with quotes) of k bytes: capkit_json_string(). */
void ob_json_mem(obuf *o, const char *s, size_t k);
static inline void ob_json(obuf *o, const char *s) {
  ob_json_mem(o, s, strlen(s));
}

#endif

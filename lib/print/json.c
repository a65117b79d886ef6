/* json.c - JSON strings from arbitrary bytes: UTF-8 passes, the rest is
 * escaped so that the output is always valid UTF-8 (see json.h). */
#include <capkit/json.h>

#include <stdint.h>

#include "print_int.h"

/* Length of the well-formed UTF-8 sequence at S (N bytes left) that starts
 * with a byte >= 0x80, or 0 when it is not one (RFC 3629, table 3-7 of the
 * Unicode standard). */
size_t capkit__utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t k;
  unsigned lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf)
    k = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    k = 3;
    if (c == 0xe0)
      lo = 0xa0; /* no overlong forms */
    else if (c == 0xed)
      hi = 0x9f; /* no surrogates */
  } else if (c >= 0xf0 && c <= 0xf4) {
    k = 4;
    if (c == 0xf0)
      lo = 0x90;
    else if (c == 0xf4)
      hi = 0x8f; /* at most U+10FFFF */
  } else
    return 0;
  if (n < k || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < k; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return k;
}

size_t capkit_json_string(char *out, size_t cap, const void *src,
                          size_t len) {
  static const char hx[] = "0123456789abcdef";
  const unsigned char *s = src;
  size_t n = 0;
#define PUT(ch)                                                                \
  do {                                                                         \
    if (n + 1 < cap)                                                           \
      out[n] = (char)(ch);                                                     \
    n++;                                                                       \
  } while (0)
  PUT('"');
  for (size_t i = 0; i < len;) {
    unsigned c = s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      PUT(c);
      i++;
      continue;
    }
    if (c >= 0x80) {
      size_t k = capkit__utf8_seq(s + i, len - i);
      if (k) {
        for (size_t j = 0; j < k; j++)
          PUT(s[i + j]);
        i += k;
        continue;
      }
    }
    PUT('\\');
    switch (c) {
    case '"':
    case '\\':
      PUT(c);
      break;
    case '\b':
      PUT('b');
      break;
    case '\f':
      PUT('f');
      break;
    case '\n':
      PUT('n');
      break;
    case '\r':
      PUT('r');
      break;
    case '\t':
      PUT('t');
      break;
    default:
      PUT('u');
      PUT('0');
      PUT('0');
      PUT(hx[c >> 4]);
      PUT(hx[c & 15]);
    }
    i++;
  }
  PUT('"');
#undef PUT
  if (cap)
    out[n < cap ? n : cap - 1] = '\0';
  return n;
}

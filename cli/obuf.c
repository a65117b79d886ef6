/* obuf.c - the output buffer's out-of-line parts. */
#include <stdlib.h>

#include "obuf.h"

int ob_init(obuf *o, FILE *f, size_t cap) {
  o->p = malloc(cap);
  o->n = 0;
  o->cap = cap;
  o->f = f;
  o->err = 0;
  return o->p ? 0 : -1;
}

int ob_flush(obuf *o) {
  if (o->n && fwrite(o->p, 1, o->n, o->f) != o->n)
    o->err = 1;
  o->n = 0;
  return o->err ? -1 : 0;
}

int ob_close(obuf *o) {
  int rc = o->p ? ob_flush(o) : 0;
  free(o->p);
  o->p = NULL;
  return rc;
}

void ob_ip6(obuf *o, const uint8_t *a) {
  uint16_t w[8];
  for (int i = 0; i < 8; i++)
    w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
  /* longest run of zero words (at least 2), first one on ties */
  int best = -1, blen = 0;
  for (int i = 0; i < 8;) {
    if (w[i]) {
      i++;
      continue;
    }
    int j = i;
    while (j < 8 && !w[j])
      j++;
    if (j - i > blen && j - i >= 2) {
      best = i;
      blen = j - i;
    }
    i = j;
  }
  /* IPv4-mapped ::ffff:a.b.c.d */
  if (best == 0 && blen == 5 && w[5] == 0xffff) {
    ob_s(o, "::ffff:");
    ob_ip4(o, a + 12);
    return;
  }
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      ob_s(o, "::");
      i += blen - 1;
      continue;
    }
    if (i && i != best + blen)
      ob_c(o, ':');
    ob_x(o, w[i], 1);
  }
}

void ob_json_mem(obuf *o, const char *s, size_t k) {
  static const char hx[] = "0123456789abcdef";
  ob_c(o, '"');
  for (size_t i = 0; i < k; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      ob_c(o, '\\');
      ob_c(o, (char)c);
    } else if (c < 0x20 || c >= 0x7f) {
      /* bytes, not text: anything outside ASCII is escaped */
      char e[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
      ob_mem(o, e, 6);
    } else {
      ob_c(o, (char)c);
    }
  }
  ob_c(o, '"');
}

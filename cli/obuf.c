/* obuf.c - the output buffer's out-of-line parts. */
#include <stdlib.h>

#include <capkit/json.h>
#include <capkit/printer.h>

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
  char t[CAPKIT_IP6_TEXT_MAX];
  ob_mem(o, t, capkit_ip6_text(t, a));
}

void ob_json_mem(obuf *o, const char *s, size_t k) {
  size_t need = CAPKIT_JSON_STRING_MAX(k) + 1;
  if (need <= o->cap) {
    ob_need(o, need);
    o->n += capkit_json_string(o->p + o->n, o->cap - o->n, s, k);
    return;
  }
  char *t = malloc(need);
  if (!t) {
    o->err = 1;
    return;
  }
  size_t n = capkit_json_string(t, need, s, k);
  ob_mem(o, t, n);
  free(t);
}

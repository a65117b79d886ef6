/* names.c - the setting names and plain numbers every front end parses
 * alike (writer.h, build.h). */
#include <string.h>

#include <capkit/capkit.h>

#include "util/buf.h"

int capkit_parse_byte_order(const char *s, capkit_byte_order *out) {
  if (!s || !out)
    return CAPKIT_EINVAL;
  if (!strcmp(s, "little") || !strcmp(s, "le"))
    *out = CAPKIT_BO_LITTLE;
  else if (!strcmp(s, "big") || !strcmp(s, "be"))
    *out = CAPKIT_BO_BIG;
  else if (!strcmp(s, "native"))
    *out = CAPKIT_BO_NATIVE;
  else
    return CAPKIT_EINVAL;
  return 0;
}

int capkit_parse_precision(const char *s, unsigned *out) {
  if (!s || !out)
    return CAPKIT_EINVAL;
  if (!strcmp(s, "us") || !strcmp(s, "usec") || !strcmp(s, "micro") ||
      !strcmp(s, "6"))
    *out = 6;
  else if (!strcmp(s, "ns") || !strcmp(s, "nsec") || !strcmp(s, "nano") ||
           !strcmp(s, "9"))
    *out = 9;
  else
    return CAPKIT_EINVAL;
  return 0;
}

int capkit_parse_decimal(const char *s, uint64_t *out) {
  return out && capkit__parse_u64(s, out) == 0 ? 0 : CAPKIT_EINVAL;
}

/* formats.c - the backend table: one line per format. */
#include <stdatomic.h>
#include <string.h>

#include "format/format.h"

extern const capkit__format capkit__format_pcap;
extern const capkit__format capkit__format_pcapng;

const capkit__format *const capkit__formats[] = {
    &capkit__format_pcap,
    &capkit__format_pcapng,
    NULL,
};

uint64_t capkit__new_source_id(void) {
  static _Atomic uint64_t next = 1;
  return next++;
}

const capkit__format *capkit__format_by_name(const char *name) {
  for (size_t i = 0; capkit__formats[i]; i++)
    if (strcmp(capkit__formats[i]->name, name) == 0)
      return capkit__formats[i];
  return NULL;
}

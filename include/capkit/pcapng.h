/* pcapng.h - what only pcapng files have: sections (one per Section Header
 * Block). Interfaces are in reader.h (capkit_reader_iface); packet comments
 * and flags are in the record. Threads: as the reader's. */
#ifndef CAPKIT_PCAPNG_H
#define CAPKIT_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/reader.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One section of a pcapng file. Owned by the reader; valid (at the same
 * address) until it is freed, however many sections follow. Strings are
 * the first option of their kind, or NULL. Only handed out by const
 * pointer: later versions may add fields at its end. */
typedef struct capkit_section {
  uint32_t index;               /* from 0, in file order */
  uint64_t offset;              /* byte offset of its header block */
  capkit_byte_order byte_order; /* LITTLE or BIG */
  uint16_t version_major;
  uint16_t version_minor;
  int64_t length;               /* section length field; -1 unspecified */
  uint32_t first_iface;         /* index of its first interface */
  uint32_t n_ifaces;            /* interfaces seen so far in it */
  const char *comment;          /* opt_comment */
  const char *hardware;         /* shb_hardware */
  const char *os;               /* shb_os */
  const char *userappl;         /* shb_userappl */
} capkit_section;

/* Sections seen so far (the reader reads a section's header when it gets
 * there): at least 1 for an open pcapng reader, 0 for other formats. */
CAPKIT_API size_t capkit_reader_section_count(const capkit_reader *r);
/* Section i, or NULL when out of range. */
CAPKIT_API const capkit_section *capkit_reader_section(const capkit_reader *r,
                                                       size_t i);

#ifdef __cplusplus
}
#endif
#endif

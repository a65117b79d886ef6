/* linktype.h - the LINKTYPE_ registry: number <-> name and a description,
 * for every type in the public link-layer header type registry. Constant
 * tables: every function may be called from any thread. */
#ifndef CAPKIT_LINKTYPE_H
#define CAPKIT_LINKTYPE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The common ones, for callers' convenience. */
#define CAPKIT_LINKTYPE_NULL 0
#define CAPKIT_LINKTYPE_ETHERNET 1
#define CAPKIT_LINKTYPE_RAW 101
#define CAPKIT_LINKTYPE_IEEE802_11 105
#define CAPKIT_LINKTYPE_LOOP 108
#define CAPKIT_LINKTYPE_LINUX_SLL 113
#define CAPKIT_LINKTYPE_IPV4 228
#define CAPKIT_LINKTYPE_IPV6 229
#define CAPKIT_LINKTYPE_LINUX_SLL2 276

/* The name libpcap and tcpdump use, without the DLT_ prefix ("EN10MB",
 * "LINUX_SLL", "RAW"; where a type has no DLT_ name, its LINKTYPE_ name
 * without the prefix), or NULL if the number is not registered. Static
 * storage. */
CAPKIT_API const char *capkit_linktype_name(uint32_t linktype);
/* One-line description ("Ethernet"), or NULL if not registered. */
CAPKIT_API const char *capkit_linktype_description(uint32_t linktype);
/* Number for a name, with or without the LINKTYPE_/DLT_ prefix, any case,
 * also accepting common aliases ("ETHERNET"), or a decimal number.
 * Returns 0 and sets *out, or CAPKIT_ENOTFOUND. */
CAPKIT_API int capkit_linktype_from_name(const char *name, uint32_t *out);
/* Iterate the registry: i-th entry (0-based) into *linktype; 0 past the end,
 * 1 otherwise. */
CAPKIT_API int capkit_linktype_entry(size_t i, uint32_t *linktype);

#ifdef __cplusplus
}
#endif
#endif

/* rewrite.h - rewrite packets for replay onto a test network: Ethernet
 * addresses, VLAN tags, IPv4/IPv6 addresses (by CIDR mapping or a seeded,
 * prefix-preserving randomisation), TCP/UDP ports, TTL/hop limit, MTU
 * truncation, and the checksums that cover what changed. Options are named
 * and written as tcprewrite(1) names and writes them where they mean the
 * same, so the settings can come straight from a command line or a config.
 *
 *   capkit_rewriter *rw = capkit_rewriter_new();
 *   capkit_rewriter_set(rw, "pnat", "192.168.0.0/16:10.77.0.0/16");
 *   capkit_rewriter_set(rw, "portmap", "80:8080");
 *   capkit_record out = CAPKIT_RECORD_INIT;
 *   while (capkit_reader_next(r, &rec) > 0)
 *     if (capkit_rewriter_apply(rw, &rec, &out) >= 0)
 *       capkit_writer_write(w, &out);
 *
 * Thread safety: a rewriter is used by one thread at a time; different
 * rewriters are independent. No call starts a thread. */
#ifndef CAPKIT_REWRITE_H
#define CAPKIT_REWRITE_H

#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct capkit_rewriter capkit_rewriter;

/* A rewriter that changes nothing until options are set; NULL if out of
 * memory. */
CAPKIT_API capkit_rewriter *capkit_rewriter_new(void);
/* Frees; accepts NULL. Records it produced become invalid. */
CAPKIT_API void capkit_rewriter_free(capkit_rewriter *rw);

/* Set one option, before the first capkit_rewriter_apply(). NAME is the
 * long option of tcprewrite without its dashes; VALUE is its argument
 * (NULL for the flags):
 *   enet-smac MAC[,MAC]   source MAC of every Ethernet frame (the first;
 *                         a second is accepted and ignored, as tcprewrite
 *                         does without a cache file)
 *   enet-dmac MAC[,MAC]   destination MAC, the same way
 *   enet-subsmac OLD,NEW  replace OLD by NEW wherever it is a source or
 *                         destination (may be set several times)
 *   skipl2broadcast       leave broadcast/multicast MACs alone
 *   enet-vlan add|del|edit   add an 802.1Q tag after the MACs, delete the
 *                         outer tag, or edit the outer tag's fields
 *   enet-vlan-tag N       VLAN id 0..4095 (add: required; edit: optional)
 *   enet-vlan-pri N       priority 0..7; enet-vlan-cfi N  DEI bit 0..1
 *   enet-vlan-proto 802.1q|802.1ad   TPID of an added tag (0x8100/0x88a8)
 *   srcipmap / dstipmap / pnat  CIDR:CIDR[,CIDR:CIDR...]  map source,
 *                         destination or both addresses: the first pair
 *                         whose first block holds the address rewrites it
 *                         with the second block's prefix over its high
 *                         bits (IPv6 blocks in brackets: [2001:db8::/32])
 *   seed N                replace every IPv4/IPv6 address by a
 *                         pseudo-random one that depends on N only and
 *                         keeps subnet structure: two addresses sharing a
 *                         k-bit prefix map to addresses sharing a k-bit
 *                         prefix (a prefix-preserving permutation)
 *   skipbroadcast         leave broadcast and multicast IP addresses alone
 *   portmap P[,P|LO-HI...]:NEW[,...]  TCP/UDP ports (may be set several
 *                         times; the first match wins)
 *   ttl N|+N|-N           set or adjust the IPv4 TTL / IPv6 hop limit,
 *                         kept within 1..255
 *   mtu N                 the MTU for mtu-trunc (default 1500)
 *   mtu-trunc             cut packets whose layer 3 is longer than the
 *                         MTU: the IP length fields and the original
 *                         length follow the cut
 *   fixcsum               recompute every checksum even when nothing
 *                         changed
 * Checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6, with the pseudo headers,
 * also inside VLAN/QinQ) are recomputed whenever something they cover
 * changed and the whole segment was captured; for a segment cut by the
 * snaplen they are updated incrementally (RFC 1624), so a correct checksum
 * stays correct. A UDP checksum of 0 over IPv4 (none sent) stays 0, even
 * with fixcsum, as tcprewrite leaves it.
 * Only the outermost IP header and its transport are rewritten (not the
 * inside of tunnels or ICMP errors).
 * Returns 0, CAPKIT_EINVAL (bad name or value; message in
 * capkit_rewriter_error()) or CAPKIT_EMISUSE after the first apply. */
CAPKIT_API int capkit_rewriter_set(capkit_rewriter *rw, const char *name,
                                   const char *value);

/* Rewrite one record. *out (a record the caller declared with
 * CAPKIT_RECORD_INIT) receives IN's fields; its data points either at IN's
 * bytes (nothing changed) or at the rewriter's buffer, valid until the next
 * call or capkit_rewriter_free(). Records of link types without Ethernet
 * or IP headers the decoder knows pass unchanged. Returns 1 when the
 * packet changed, 0 when not, CAPKIT_ENOMEM. Allocates only when a record
 * is larger than any before. */
CAPKIT_API int capkit_rewriter_apply(capkit_rewriter *rw,
                                     const capkit_record *in,
                                     capkit_record *out);

/* The most a rewrite adds to a record's captured length (a VLAN tag). */
#define CAPKIT_REWRITE_GROWTH 4
/* capkit_rewriter_apply() with the result written to dst (cap bytes, at
 * least in->caplen + CAPKIT_REWRITE_GROWTH) instead of the rewriter's
 * buffer, for a caller that wants it in a place of its own, such as the
 * room of capkit_writer_reserve(): out->data is dst whether or not the
 * packet changed (unchanged, dst holds a copy of IN's bytes). The output
 * is the same as capkit_rewriter_apply()'s. Returns 1 changed, 0 not,
 * CAPKIT_EINVAL (cap too small, a NULL argument). Never allocates. */
CAPKIT_API int capkit_rewriter_apply_to(capkit_rewriter *rw,
                                        const capkit_record *in,
                                        capkit_record *out, uint8_t *dst,
                                        size_t cap);

/* Counters since capkit_rewriter_new(). */
typedef enum capkit_rewrite_count {
  CAPKIT_RW_PACKETS = 0,   /* records given to apply */
  CAPKIT_RW_CHANGED = 1,   /* records that changed */
  CAPKIT_RW_TRUNCATED = 2, /* records cut by mtu-trunc */
  CAPKIT_RW_CSUM_FULL = 3, /* checksums recomputed over the whole data */
  CAPKIT_RW_CSUM_INCR = 4, /* checksums updated incrementally (data cut) */
} capkit_rewrite_count;
CAPKIT_API uint64_t capkit_rewriter_count(const capkit_rewriter *rw,
                                          capkit_rewrite_count what);

/* The last error message, "" when none. Valid until the next call. */
CAPKIT_API const char *capkit_rewriter_error(const capkit_rewriter *rw);

#ifdef __cplusplus
}
#endif
#endif

/* pseudo.h - pseudo-headers whose fields are in the byte order of the host
 * that captured them, and the byte swapping that moves them to another
 * byte order (libpcap swaps the same fields when it reads a file written on
 * a host of the other byte order). */
#ifndef CAPKIT_FORMAT_PSEUDO_H
#define CAPKIT_FORMAT_PSEUDO_H

#include <stdint.h>

#include <capkit/capkit.h>

#include "util/buf.h"

/* Who needs the swap. libpcap itself swaps USB, NFLOG and Linux cooked CAN
 * headers into the reading host's order before a filter runs, but leaves
 * the NULL address family to the filter compiler; a file converted to the
 * other byte order needs all of them swapped. */
enum { CAPKIT__PSEUDO_READ = 1, CAPKIT__PSEUDO_CONVERT = 2 };

/* 1 when records of this link type have host-order fields that USE (one of
 * the values above) swaps. */
int capkit__pseudo_swaps(uint32_t linktype, int use);

/* Swap in place the host-order fields of one record's data (caplen bytes
 * of a packet origlen long) from the byte order src_le tells (1 little, 0
 * big) to the other one. Fields that caplen cuts are left as they are,
 * as libpcap does. */
void capkit__pseudo_swap(uint32_t linktype, int use, uint8_t *data,
                         uint32_t caplen, uint32_t origlen, int src_le);

/* The bytes a writer whose output is little-endian (out_le 1) or
 * big-endian (0) writes for the first caplen (at most rec->caplen) bytes
 * of rec, swapped as the whole record would be: rec->data when
 * nothing needs swapping (the record's interface says its byte order, and
 * it is the output's, or the link type has no host-order fields), else a
 * swapped copy in scratch, which only grows (no allocation per record once
 * it is large enough). NULL when memory runs out. */
const uint8_t *capkit__pseudo_output(const capkit_record *rec,
                                     uint32_t caplen, int out_le,
                                     capkit__buf *scratch);

#endif

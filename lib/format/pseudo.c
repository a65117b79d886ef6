/* pseudo.c - swap the host-order fields of pseudo-headers, field by field
 * as libpcap's reader does (pcap-common.c swap_pseudo_headers in libpcap
 * 1.10): USB (both header layouts), NFLOG TLV type and length, the CAN id
 * behind a Linux cooked header, and for conversions the NULL/ENC address
 * family, which libpcap leaves to its filter compiler instead. */
#include "format/pseudo.h"

#include <capkit/capkit.h>

#include "util/bytes.h"

#define LT_NULL 0u
#define LT_ENC 109u
#define LT_LINUX_SLL 113u
#define LT_USB_LINUX 189u
#define LT_USB_LINUX_MMAPPED 220u
#define LT_NFLOG 239u

int capkit__pseudo_swaps(uint32_t linktype, int use) {
  switch (linktype) {
  case LT_LINUX_SLL:
  case LT_USB_LINUX:
  case LT_USB_LINUX_MMAPPED:
  case LT_NFLOG:
    return 1;
  case LT_NULL:
  case LT_ENC:
    return use == CAPKIT__PSEUDO_CONVERT;
  }
  return 0;
}

static void swap16(uint8_t *p) {
  uint8_t t = p[0];
  p[0] = p[1];
  p[1] = t;
}
static void swap32(uint8_t *p) {
  capkit__st32(p, capkit__ld32(p, 1), 0);
}
static void swap64(uint8_t *p) {
  capkit__st64(p, capkit__ld64(p, 1), 0);
}

/* A field of n bytes at off is swapped only when caplen holds all of it. */
#define FIELD(off, n)                                                          \
  do {                                                                         \
    if (caplen < (uint32_t)(off) + (n))                                        \
      return;                                                                  \
  } while (0)

static uint32_t ld32_order(const uint8_t *p, int src_le) {
  return capkit__ld32(p, src_le != capkit__host_is_le());
}

/* The Linux USB header: 48 bytes, or 64 in the memory-mapped layout
 * (version 1) followed by isochronous descriptors. */
static void swap_usb(uint8_t *d, uint32_t caplen, int mmapped, int src_le) {
  FIELD(0, 8);
  swap64(d); /* URB id */
  FIELD(12, 2);
  swap16(d + 12); /* bus id */
  FIELD(16, 8);
  swap64(d + 16); /* ts_sec */
  for (uint32_t off = 24; off < 40; off += 4) {
    FIELD(off, 4);
    swap32(d + off); /* ts_usec, status, urb_len, data_len */
  }
  int iso = d[9] == 0; /* transfer type URB_ISOCHRONOUS */
  if (iso) {
    FIELD(40, 4);
    swap32(d + 40); /* error count */
    FIELD(44, 4);
    swap32(d + 44); /* number of descriptors */
  }
  if (!mmapped)
    return;
  uint32_t ndesc = 0;
  for (uint32_t off = 48; off < 64; off += 4) {
    FIELD(off, 4);
    if (off == 60)
      ndesc = ld32_order(d + off, src_le);
    swap32(d + off); /* interval, start frame, transfer flags, ndesc */
  }
  if (!iso)
    return;
  uint32_t off = 64;
  for (uint32_t i = 0; i < ndesc; i++, off += 16)
    for (uint32_t k = 0; k < 12; k += 4) {
      if (off > caplen)
        return;
      FIELD(off + k, 4);
      swap32(d + off + k); /* status, offset, length; padding left */
    }
}

/* NFLOG: a 4-byte header (version 0), then TLVs whose type and length are
 * in host order; each length is read before the swap (source order). */
static void swap_nflog(uint8_t *d, uint32_t caplen, uint32_t origlen,
                       int src_le) {
  if (caplen < 4 || origlen < 4 || d[1] != 0) /* nflog_version */
    return;
  caplen -= 4;
  origlen -= 4;
  d += 4;
  int sw = src_le != capkit__host_is_le();
  while (caplen >= 4) {
    uint32_t size = capkit__ld16(d, sw); /* tlv_length, then tlv_type */
    swap16(d);
    swap16(d + 2);
    if (size % 4)
      size += 4 - size % 4;
    if (size < 4 || caplen < size || origlen < size)
      return;
    caplen -= size;
    origlen -= size;
    d += size;
  }
}

void capkit__pseudo_swap(uint32_t linktype, int use, uint8_t *data,
                         uint32_t caplen, uint32_t origlen, int src_le) {
  if (!capkit__pseudo_swaps(linktype, use))
    return;
  switch (linktype) {
  case LT_NULL:
  case LT_ENC:
    FIELD(0, 4);
    swap32(data); /* address family */
    return;
  case LT_LINUX_SLL: {
    if (caplen < 16 || origlen < 16)
      return;
    uint16_t proto = capkit__be16(data + 14);
    if (proto != 0x000c && proto != 0x000d) /* CAN, CAN FD */
      return;
    if (caplen < 20 || origlen < 20)
      return;
    swap32(data + 16); /* CAN id */
    return;
  }
  case LT_USB_LINUX:
  case LT_USB_LINUX_MMAPPED:
    swap_usb(data, caplen, linktype == LT_USB_LINUX_MMAPPED, src_le);
    return;
  case LT_NFLOG:
    swap_nflog(data, caplen, origlen, src_le);
    return;
  }
}

const uint8_t *capkit__pseudo_output(const capkit_record *rec,
                                     uint32_t caplen, int out_le,
                                     capkit__buf *scratch) {
  const capkit_iface *ifc = rec->iface;
  if (!ifc || !caplen ||
      (ifc->byte_order != CAPKIT_BO_LITTLE &&
       ifc->byte_order != CAPKIT_BO_BIG))
    return rec->data;
  int src_le = ifc->byte_order == CAPKIT_BO_LITTLE;
  if (src_le == out_le ||
      !capkit__pseudo_swaps(ifc->linktype, CAPKIT__PSEUDO_CONVERT))
    return rec->data;
  /* Swapped whole, then cut: a field the cut splits is still turned. */
  uint32_t n = rec->caplen > caplen ? rec->caplen : caplen;
  if (capkit__buf_reserve(scratch, n))
    return NULL;
  memcpy(scratch->data, rec->data, n);
  capkit__pseudo_swap(ifc->linktype, CAPKIT__PSEUDO_CONVERT, scratch->data, n,
                      rec->origlen, src_le);
  return scratch->data;
}

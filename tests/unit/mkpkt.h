/* mkpkt.h - test helpers: a seeded generator, classic pcap files built in
 * memory straight from the format's specification (not by capkit), and
 * packets of the link types whose pseudo-headers hold host-order fields,
 * laid out in a chosen byte order as the capturing host would. */
#ifndef CAPKIT_TEST_MKPKT_H
#define CAPKIT_TEST_MKPKT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t mk_rand(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static inline uint32_t mk_below(uint64_t *s, uint32_t n) {
  return n ? (uint32_t)(mk_rand(s) % n) : 0;
}

typedef struct mk_buf {
  uint8_t *b;
  size_t n, cap;
  int be; /* multi-byte fields big-endian */
} mk_buf;

static inline void mk_bytes(mk_buf *f, const void *p, size_t n) {
  if (f->n + n > f->cap) {
    size_t cap = f->cap ? f->cap : 256;
    while (cap < f->n + n)
      cap *= 2;
    uint8_t *nb = realloc(f->b, cap);
    if (!nb)
      abort();
    f->b = nb;
    f->cap = cap;
  }
  if (n)
    memcpy(f->b + f->n, p, n);
  f->n += n;
}
static inline void mk_uint(mk_buf *f, uint64_t v, int size, int be) {
  uint8_t t[8];
  for (int i = 0; i < size; i++)
    t[be ? size - 1 - i : i] = (uint8_t)(v >> (8 * i));
  mk_bytes(f, t, (size_t)size);
}
static inline void mk_u8(mk_buf *f, uint8_t v) { mk_bytes(f, &v, 1); }
/* In the buffer's byte order, and in network order. */
static inline void mk_u16(mk_buf *f, uint32_t v) { mk_uint(f, v, 2, f->be); }
static inline void mk_u32(mk_buf *f, uint32_t v) { mk_uint(f, v, 4, f->be); }
static inline void mk_u64(mk_buf *f, uint64_t v) { mk_uint(f, v, 8, f->be); }
static inline void mk_n16(mk_buf *f, uint32_t v) { mk_uint(f, v, 2, 1); }
static inline void mk_n32(mk_buf *f, uint32_t v) { mk_uint(f, v, 4, 1); }

/* The 24-byte header of a standard pcap file (magic a1b2c3d4 or, with
 * nsec, a1b23c4d; version 2.4). */
static inline void mk_pcap_header(mk_buf *f, int nsec, uint32_t snaplen,
                                  uint32_t linktype_field) {
  mk_u32(f, nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
  mk_u16(f, 2);
  mk_u16(f, 4);
  mk_u32(f, 0);
  mk_u32(f, 0);
  mk_u32(f, snaplen);
  mk_u32(f, linktype_field);
}
static inline void mk_pcap_record(mk_buf *f, uint32_t sec, uint32_t frac,
                                  uint32_t caplen, uint32_t origlen,
                                  const uint8_t *data) {
  mk_u32(f, sec);
  mk_u32(f, frac);
  mk_u32(f, caplen);
  mk_u32(f, origlen);
  mk_bytes(f, data, caplen);
}

/* An IPv4 or IPv6 packet carrying UDP or TCP between a few addresses and
 * ports, with a few payload bytes (checksums left zero). */
static inline void mk_ip(mk_buf *f, uint64_t *s, int v6) {
  static const uint16_t ports[] = {53, 443, 80, 1234};
  int tcp = (int)mk_below(s, 2);
  uint32_t pay = mk_below(s, 9);
  uint32_t l4 = (tcp ? 20u : 8u) + pay;
  uint8_t last = (uint8_t)(1 + mk_below(s, 3));
  if (v6) {
    mk_n32(f, 0x60000000u);
    mk_n16(f, l4);
    mk_u8(f, tcp ? 6 : 17);
    mk_u8(f, 64);
    for (int a = 0; a < 2; a++) {
      mk_n32(f, 0x20010db8u);
      mk_n32(f, 0);
      mk_n32(f, 0);
      mk_n32(f, a ? last : 1u);
    }
  } else {
    mk_n32(f, 0x45000000u | (20 + l4));
    mk_n32(f, 0);
    mk_u8(f, 64);
    mk_u8(f, tcp ? 6 : 17);
    mk_n16(f, 0);
    mk_n32(f, 0x0a000001u);
    mk_n32(f, 0x0a000000u | last);
  }
  mk_n16(f, ports[mk_below(s, 4)]);
  mk_n16(f, ports[mk_below(s, 4)]);
  if (tcp) {
    mk_n32(f, 1);
    mk_n32(f, 0);
    mk_n16(f, 0x5010);
    mk_n16(f, 1024);
    mk_n32(f, 0);
  } else {
    mk_n16(f, l4);
    mk_n16(f, 0);
  }
  for (uint32_t i = 0; i < pay; i++)
    mk_u8(f, (uint8_t)mk_rand(s));
}

/* One packet of link type lt (0 NULL, 1 Ethernet, 101 raw, 108 LOOP, 113
 * Linux cooked, 189/220 Linux USB, 239 NFLOG) into f, whose byte order is
 * the capturing host's. */
static inline void mk_packet(mk_buf *f, uint64_t *s, uint32_t lt) {
  int v6 = (int)mk_below(s, 2);
  switch (lt) {
  case 0: { /* address family in host order: the BSD and Linux values */
    static const uint32_t af6[] = {24, 28, 30, 10};
    mk_u32(f, v6 ? af6[mk_below(s, 4)] : 2u);
    mk_ip(f, s, v6);
    return;
  }
  case 108:
    mk_n32(f, v6 ? 24u : 2u);
    mk_ip(f, s, v6);
    return;
  case 1:
    for (int i = 0; i < 12; i++)
      mk_u8(f, (uint8_t)(2 + i));
    mk_n16(f, v6 ? 0x86dd : 0x0800);
    mk_ip(f, s, v6);
    return;
  case 101:
    mk_ip(f, s, v6);
    return;
  case 113: { /* packet type, ARPHRD, address length and 8 bytes, protocol */
    int can = mk_below(s, 3) == 0;
    mk_n16(f, 0);
    mk_n16(f, can ? 280 : 1);
    mk_n16(f, 6);
    for (int i = 0; i < 8; i++)
      mk_u8(f, (uint8_t)i);
    if (can) {
      mk_n16(f, mk_below(s, 2) ? 0x000c : 0x000d);
      static const uint32_t ids[] = {0x123, 0x80000123u, 0x23010000u};
      mk_u32(f, ids[mk_below(s, 3)]); /* SocketCAN id, host order */
      uint8_t n = (uint8_t)mk_below(s, 9);
      mk_u8(f, n);
      mk_u8(f, 0);
      mk_u8(f, 0);
      mk_u8(f, 0);
      for (uint8_t i = 0; i < n; i++)
        mk_u8(f, (uint8_t)mk_rand(s));
      return;
    }
    mk_n16(f, v6 ? 0x86dd : 0x0800);
    mk_ip(f, s, v6);
    return;
  }
  case 189:
  case 220: { /* the Linux USB header, fields in host order */
    static const uint16_t bus[] = {3, 0x300, 0x102};
    uint8_t type = (uint8_t)mk_below(s, 4); /* 0 isochronous */
    uint32_t ndesc = type == 0 && lt == 220 ? mk_below(s, 3) : 0;
    mk_u64(f, mk_rand(s));                     /* URB id */
    mk_u8(f, mk_below(s, 2) ? 'S' : 'C');      /* event */
    mk_u8(f, type);                            /* transfer type */
    mk_u8(f, (uint8_t)(0x80 | mk_below(s, 4))); /* endpoint */
    mk_u8(f, (uint8_t)mk_below(s, 8));         /* device */
    mk_u16(f, bus[mk_below(s, 3)]);            /* bus */
    mk_u8(f, 0);
    mk_u8(f, 0);
    mk_u64(f, 1700000000u + mk_below(s, 100)); /* ts_sec */
    mk_u32(f, mk_below(s, 1000000));           /* ts_usec */
    mk_u32(f, mk_below(s, 2) ? 0u : 0xffffff8du); /* status */
    mk_u32(f, 64u << mk_below(s, 4));          /* urb length */
    mk_u32(f, 16);                             /* data length */
    if (type == 0) { /* isochronous: error count, descriptors */
      mk_u32(f, mk_below(s, 4));
      mk_u32(f, ndesc);
    } else { /* the setup packet, bytes */
      for (int i = 0; i < 8; i++)
        mk_u8(f, (uint8_t)mk_rand(s));
    }
    if (lt == 220) {
      mk_u32(f, mk_below(s, 16)); /* interval */
      mk_u32(f, mk_below(s, 70000)); /* start frame */
      mk_u32(f, 0x200);           /* transfer flags */
      mk_u32(f, ndesc);
      for (uint32_t i = 0; i < ndesc; i++) {
        mk_u32(f, 0);
        mk_u32(f, 16 * i);
        mk_u32(f, 16);
        mk_u32(f, 0);
      }
    }
    for (int i = 0; i < 16; i++)
      mk_u8(f, (uint8_t)mk_rand(s));
    return;
  }
  case 239: { /* NFLOG: header, then TLVs whose length and type are in
                 host order */
    mk_u8(f, v6 ? 10 : 2);
    mk_u8(f, 0);
    mk_n16(f, (uint16_t)mk_below(s, 4));
    mk_u16(f, 8); /* NFULA_PACKET_HDR */
    mk_u16(f, 1);
    mk_n16(f, v6 ? 0x86dd : 0x0800);
    mk_u8(f, 1);
    mk_u8(f, 0);
    mk_u16(f, 8); /* NFULA_MARK */
    mk_u16(f, 2);
    mk_n32(f, mk_below(s, 3));
    mk_buf ip = {.be = 1};
    mk_ip(&ip, s, v6);
    mk_u16(f, (uint32_t)(4 + ip.n)); /* NFULA_PAYLOAD */
    mk_u16(f, 9);
    mk_bytes(f, ip.b, ip.n);
    static const uint8_t pad[4];
    mk_bytes(f, pad, (4 - (ip.n & 3)) & 3);
    free(ip.b);
    return;
  }
  }
}

/* A pcapng block: type, total length, BODY, total length, in F's byte
 * order (BODY padded to 4 bytes by the caller). */
static inline void mk_pcapng_block(mk_buf *f, uint32_t type,
                                   const mk_buf *body) {
  mk_u32(f, type);
  mk_u32(f, (uint32_t)body->n + 12);
  mk_bytes(f, body->b, body->n);
  mk_u32(f, (uint32_t)body->n + 12);
}
/* A section header block, version 1.0, length unknown, no options. */
static inline void mk_pcapng_shb(mk_buf *f) {
  mk_buf b = {.be = f->be};
  mk_u32(&b, 0x1A2B3C4D);
  mk_u16(&b, 1);
  mk_u16(&b, 0);
  mk_u64(&b, UINT64_MAX);
  mk_pcapng_block(f, 0x0A0D0D0A, &b);
  free(b.b);
}

#endif

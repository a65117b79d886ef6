/* decode.h - walk a packet's bytes by its link type and get typed,
 * bounds-checked layers: link, network, transport and an application label.
 *
 * The caller owns all memory: a capkit_packet points at an array of layers
 * the caller provides (on the stack is fine), so decoding allocates nothing.
 *
 *   capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
 *   capkit_packet pkt;
 *   capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
 *   while (capkit_reader_next(r, &rec) > 0) {
 *     capkit_decode_record(&pkt, &rec, CAPKIT_DECODE_CHECKSUMS);
 *     const capkit_layer *tcp = capkit_packet_find(&pkt, CAPKIT_LAYER_TCP);
 *     if (tcp) printf("%u\n", tcp->u.tcp.dport);
 *   }
 *
 * Layers point into the packet's bytes (offset, length); they stay valid as
 * long as those bytes do (for a record: until the next read). Decoding never
 * reads past the captured length: a layer whose header does not fit is
 * marked CAPKIT_LAYER_TRUNCATED and is the last one; a header that fits but
 * makes no sense is marked CAPKIT_LAYER_MALFORMED. Either way the bytes that
 * remain are given by the layer's offset and the packet's caplen.
 *
 * Threads: decoding keeps no state outside the caller's packet: any number
 * of threads may decode at once, each into its own capkit_packet.
 */
#ifndef CAPKIT_DECODE_H
#define CAPKIT_DECODE_H
#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Layer types. Values are pinned. */
#define CAPKIT_LAYER_TYPES(X)                                                  \
  X(NONE, 0, "none")                                                           \
  X(ETH, 1, "eth")                                                             \
  X(LLC, 2, "llc")                                                             \
  X(VLAN, 3, "vlan")                                                           \
  X(SLL, 4, "sll")                                                             \
  X(SLL2, 5, "sll2")                                                           \
  X(NULL, 6, "null")                                                           \
  X(ARP, 7, "arp")                                                             \
  X(IPV4, 8, "ip")                                                             \
  X(IPV6, 9, "ipv6")                                                           \
  X(IPV6_EXT, 10, "ipv6ext")                                                   \
  X(ICMP, 11, "icmp")                                                          \
  X(ICMPV6, 12, "icmpv6")                                                      \
  X(UDP, 13, "udp")                                                            \
  X(TCP, 14, "tcp")                                                            \
  X(GRE, 15, "gre")                                                            \
  X(VXLAN, 16, "vxlan")                                                        \
  X(DNS, 17, "dns")                                                            \
  X(DHCP, 18, "dhcp")                                                          \
  X(NTP, 19, "ntp")                                                            \
  X(HTTP, 20, "http")                                                          \
  X(TLS, 21, "tls")

typedef enum capkit_layer_type {
#define CAPKIT__LENUM(name, val, str) CAPKIT_LAYER_##name = (val),
  CAPKIT_LAYER_TYPES(CAPKIT__LENUM)
#undef CAPKIT__LENUM
} capkit_layer_type;

/* Short lower-case name of a layer type ("tcp"), "?" if unknown. */
CAPKIT_API const char *capkit_layer_name(int type);

/* Layer status bits. */
#define CAPKIT_LAYER_TRUNCATED 0x1u /* header cut by the captured length */
#define CAPKIT_LAYER_MALFORMED 0x2u /* header fits but is invalid */
#define CAPKIT_LAYER_FRAGMENT 0x4u  /* IP: part of a fragmented datagram */

/* Checksum verdicts (capkit_layer.csum). */
enum {
  CAPKIT_CSUM_UNCHECKED = 0, /* not asked for, or layer without checksum */
  CAPKIT_CSUM_GOOD = 1,
  CAPKIT_CSUM_BAD = 2,
  CAPKIT_CSUM_NONE = 3,       /* UDP over IPv4 with checksum 0: not sent */
  CAPKIT_CSUM_UNVERIFIED = 4, /* bytes missing (snaplen, fragment) */
};

/* TCP flag bits as in the header (byte 13, plus NS from byte 12). */
#define CAPKIT_TCP_FIN 0x001u
#define CAPKIT_TCP_SYN 0x002u
#define CAPKIT_TCP_RST 0x004u
#define CAPKIT_TCP_PSH 0x008u
#define CAPKIT_TCP_ACK 0x010u
#define CAPKIT_TCP_URG 0x020u
#define CAPKIT_TCP_ECE 0x040u
#define CAPKIT_TCP_CWR 0x080u
#define CAPKIT_TCP_NS 0x100u

/* TCP options seen (capkit_tcp.opts bits). */
#define CAPKIT_TCPOPT_MSS 0x01u
#define CAPKIT_TCPOPT_WSCALE 0x02u
#define CAPKIT_TCPOPT_SACK_PERM 0x04u
#define CAPKIT_TCPOPT_SACK 0x08u
#define CAPKIT_TCPOPT_TS 0x10u
#define CAPKIT_TCPOPT_OTHER 0x20u

typedef struct capkit_eth {
  uint8_t dst[6], src[6];
  uint16_t type; /* EtherType (II), or the 802.3 length field */
  uint8_t is_8023; /* 1: 802.3 length field; an LLC layer follows */
} capkit_eth;

typedef struct capkit_llc {
  uint8_t dsap, ssap;
  uint16_t control;   /* 1 byte (U) or 2 bytes (I/S) */
  uint8_t has_snap;   /* SNAP header follows (DSAP=SSAP=0xaa) */
  uint32_t oui;       /* SNAP organization code */
  uint16_t pid;       /* SNAP protocol id (EtherType when oui is 0) */
} capkit_llc;

typedef struct capkit_vlan {
  uint16_t tpid; /* 0x8100 (802.1Q), 0x88a8 (802.1ad), 0x9100 */
  uint8_t pcp, dei;
  uint16_t vid;
  uint16_t type; /* EtherType that follows */
} capkit_vlan;

typedef struct capkit_sll { /* SLL (v1) and SLL2 */
  uint16_t pkttype; /* 0 to us, 1 broadcast, 2 multicast, 3 other, 4 out */
  uint16_t hatype;  /* ARPHRD_ */
  uint16_t halen;
  uint8_t addr[8];
  uint16_t protocol; /* EtherType, or a Linux protocol number */
  uint32_t ifindex;  /* SLL2 only */
} capkit_sll;

typedef struct capkit_null { /* NULL (host order) and LOOP (big endian) */
  uint32_t family;  /* AF_ value: 2 IPv4; 10, 24, 28, 30 IPv6 */
  uint8_t swapped;  /* NULL: written in the other byte order */
} capkit_null;

typedef struct capkit_arp {
  uint16_t htype, ptype;
  uint8_t hlen, plen;
  uint16_t op; /* 1 request, 2 reply, 3/4 RARP */
  /* Addresses for Ethernet/IPv4 (hlen 6, plen 4); zero otherwise. */
  uint8_t sha[6], spa[4], tha[6], tpa[4];
} capkit_arp;

typedef struct capkit_ipv4 {
  uint8_t ihl; /* header length in bytes */
  uint8_t tos;
  uint16_t total_len, id;
  uint8_t df, mf;
  uint16_t frag_off; /* in bytes */
  uint8_t ttl, proto;
  uint16_t checksum;
  uint8_t src[4], dst[4];
  uint8_t opt_len; /* option bytes after the fixed 20 */
} capkit_ipv4;

typedef struct capkit_ipv6 {
  uint8_t tclass;
  uint32_t flow;
  uint16_t payload_len;
  uint8_t next; /* next header of the fixed header */
  uint8_t hlim;
  uint8_t src[16], dst[16];
  uint8_t proto; /* upper-layer protocol after extension headers */
} capkit_ipv6;

typedef struct capkit_ipv6_ext {
  uint8_t type; /* 0 hop-by-hop, 43 routing, 44 fragment, 60 dest opts,
                   51 AH */
  uint8_t next;
  uint16_t len;      /* bytes of this header */
  uint16_t frag_off; /* fragment: offset in bytes */
  uint8_t mf;        /* fragment: more fragments */
  uint32_t frag_id;  /* fragment: identification */
  uint8_t rt_type, segleft; /* routing */
} capkit_ipv6_ext;

typedef struct capkit_icmp { /* ICMP and ICMPv6 */
  uint8_t type, code;
  uint16_t checksum;
  uint16_t id, seq;   /* echo request/reply */
  uint8_t target[16]; /* ICMPv6 neighbor solicitation/advertisement */
  uint8_t nd_flags;   /* ICMPv6 NA: R, S, O bits (top three) */
  uint8_t lladdr[6];  /* ICMPv6 ND: source/target link-layer option */
  uint8_t has_lladdr;
  uint32_t gateway; /* ICMP redirect, or the unused/MTU word */
} capkit_icmp;

typedef struct capkit_udp {
  uint16_t sport, dport, len, checksum;
} capkit_udp;

typedef struct capkit_tcp {
  uint16_t sport, dport;
  uint32_t seq, ack;
  uint8_t doff; /* header length in bytes */
  uint16_t flags;
  uint16_t window, checksum, urg;
  uint16_t opts; /* CAPKIT_TCPOPT_ bits */
  uint16_t mss;
  uint8_t wscale;
  uint8_t sack_blocks;
  uint32_t ts_val, ts_ecr;
  uint32_t sack[8]; /* up to 4 left/right edge pairs */
} capkit_tcp;

typedef struct capkit_gre {
  uint16_t flags_ver; /* the first 16 bits */
  uint8_t version;
  uint16_t proto;
  uint8_t has_csum, has_key, has_seq;
  uint16_t checksum;
  uint32_t key, seq;
} capkit_gre;

typedef struct capkit_vxlan {
  uint8_t flags;
  uint32_t vni;
} capkit_vxlan;

typedef struct capkit_dns {
  uint16_t id, flags; /* flags: QR, opcode, AA, TC, RD, RA, Z, rcode */
  uint16_t qdcount, ancount, nscount, arcount;
  uint16_t qtype, qclass; /* first question, when present */
  uint32_t qname_off;     /* offset of its name in the packet, 0 if none */
  uint32_t msg_off;       /* offset of the DNS message in the packet */
} capkit_dns;

typedef struct capkit_dhcp {
  uint8_t op, htype, hlen;
  uint32_t xid;
  uint16_t secs, flags;
  uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
  uint8_t chaddr[16];
  uint8_t msgtype; /* option 53, 0 if absent (plain BOOTP) */
  uint8_t requested[4]; /* option 50 */
  uint8_t has_requested;
} capkit_dhcp;

typedef struct capkit_ntp {
  uint8_t leap, version, mode, stratum;
  int8_t poll, precision;
} capkit_ntp;

typedef struct capkit_http {
  uint8_t is_request; /* 1 request line, 0 status line */
  uint16_t line_len;  /* bytes of the first line (without CR LF) */
} capkit_http;

typedef struct capkit_tls {
  uint8_t content_type; /* 20..24 */
  uint16_t version;
  uint16_t length;
  uint8_t hs_type; /* handshake message type when content_type is 22 */
} capkit_tls;

/* One decoded layer. Callers provide arrays of them, so the size is part
 * of the ABI: later versions add fields and layer kinds only inside the
 * reserved room, never changing sizeof(capkit_layer) within a soname. */
typedef struct capkit_layer {
  uint8_t type;    /* CAPKIT_LAYER_* */
  uint8_t status;  /* CAPKIT_LAYER_TRUNCATED | MALFORMED | FRAGMENT */
  uint8_t csum;    /* CAPKIT_CSUM_* */
  uint8_t depth;   /* tunnel depth: 0 outer, 1 inside GRE/VXLAN, ... */
  uint32_t offset; /* where the layer starts in the packet */
  uint32_t len;    /* bytes of its header; when TRUNCATED, what was
                      captured of it (the rest of the packet) */
  uint32_t payload_len; /* bytes the layer says follow its header (from its
                           length fields when it has them), else what was
                           captured after it */
  union {
    capkit_eth eth;
    capkit_llc llc;
    capkit_vlan vlan;
    capkit_sll sll;
    capkit_null null;
    capkit_arp arp;
    capkit_ipv4 ipv4;
    capkit_ipv6 ipv6;
    capkit_ipv6_ext ipv6_ext;
    capkit_icmp icmp;
    capkit_udp udp;
    capkit_tcp tcp;
    capkit_gre gre;
    capkit_vxlan vxlan;
    capkit_dns dns;
    capkit_dhcp dhcp;
    capkit_ntp ntp;
    capkit_http http;
    capkit_tls tls;
    uint8_t reserved_u[96]; /* room for the layers of later versions */
  } u;
  uint32_t reserved[2]; /* room for later fields */
} capkit_layer;

/* Enough layers for every ordinary packet (a few tunnels deep). */
#define CAPKIT_DECODE_MAX_LAYERS 24

/* A decoded packet. Set with capkit_packet_init(); refilled by each
 * capkit_decode(). The caller holds it, so its size is fixed within a
 * soname: later fields come out of the reserved room. */
typedef struct capkit_packet {
  capkit_layer *layers; /* caller's array */
  size_t cap;           /* its size */
  size_t count;         /* layers filled */
  const uint8_t *data;  /* the bytes decoded */
  uint32_t caplen, origlen;
  uint32_t linktype;
  uint32_t status;  /* OR of every layer's status bits */
  uint8_t more;     /* 1: the layer array was full, decoding stopped */
  int8_t link, net, trans, app; /* index of the first layer of each kind
                                   (outermost), -1 when absent */
  uint64_t reserved[4]; /* room for later fields (no meaning yet) */
} capkit_packet;

/* Decode options. */
#define CAPKIT_DECODE_CHECKSUMS 0x1u /* verify IPv4/TCP/UDP/ICMP/ICMPv6 */
#define CAPKIT_DECODE_NO_APP 0x2u    /* stop at the transport layer */

/* Prepare PKT to use LAYERS (CAP of them, at least 1). */
CAPKIT_API void capkit_packet_init(capkit_packet *pkt, capkit_layer *layers,
                                   size_t cap);

/* Decode CAPLEN bytes at DATA (ORIGLEN long on the wire) of link type
 * LINKTYPE (LINKTYPE_ value) into PKT. Returns the number of layers: 0 when
 * the link type is not one the decoder knows. Never fails otherwise;
 * problems are in the layers' status bits and pkt->status. Bytes after the
 * last layer's header are its payload (undecoded). */
CAPKIT_API size_t capkit_decode(capkit_packet *pkt, uint32_t linktype,
                                const uint8_t *data, uint32_t caplen,
                                uint32_t origlen, unsigned options);

/* Decode a record by its interface's link type (Ethernet when the record
 * has no interface). */
CAPKIT_API size_t capkit_decode_record(capkit_packet *pkt,
                                       const capkit_record *rec,
                                       unsigned options);

/* Checksums on demand, for a packet decoded without
 * CAPKIT_DECODE_CHECKSUMS: fills every layer's csum verdict (decoding the
 * packet's bytes again with that option, so they must still be valid).
 * Cheap enough to call only for the packets a caller cares about. Returns
 * the number of layers, as capkit_decode(). */
CAPKIT_API size_t capkit_packet_verify(capkit_packet *pkt);

/* 1 when LINKTYPE is one capkit_decode() understands. */
CAPKIT_API int capkit_decode_supports(uint32_t linktype);

/* The first (outermost) layer of TYPE, or NULL. */
CAPKIT_API const capkit_layer *capkit_packet_find(const capkit_packet *pkt,
                                                  int type);

/* Write the DNS name at packet offset OFF (following compression pointers
 * within the DNS message at MSG_OFF) into OUT as "a.b.c." (a "." for the
 * root), at most CAP bytes with the NUL. Returns the name's length, or -1
 * when it is malformed or truncated (OUT then holds what was read). */
CAPKIT_API int capkit_dns_name(const capkit_packet *pkt, uint32_t msg_off,
                               uint32_t off, char *out, size_t cap);

/* Ones' complement sum over LEN bytes (RFC 1071) added to SUM (folded to
 * 16 bits, not inverted). A checksum is good when the sum over the header
 * (and pseudo header) is 0xffff. */
CAPKIT_API uint16_t capkit_inet_sum(const uint8_t *p, size_t len,
                                    uint32_t sum);

#ifdef __cplusplus
}
#endif
#endif

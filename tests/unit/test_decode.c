/* test_decode.c - the decoder through its public API: hand-built packets of
 * every link type, checksums, truncation at every length (each cut copied
 * to a buffer of exactly that size, so a read past it is caught by ASan),
 * a full layer array, DNS names, and the golden captures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static capkit_layer L[CAPKIT_DECODE_MAX_LAYERS];
static capkit_packet P;

static size_t dec(uint32_t lt, const uint8_t *d, size_t n, unsigned opt) {
  /* a copy of exactly n bytes: anything read past it is an ASan error */
  uint8_t *c = malloc(n ? n : 1);
  memcpy(c, d, n);
  size_t k = capkit_decode(&P, lt, c, (uint32_t)n, (uint32_t)n, opt);
  free(c);
  return k;
}

static void put16(uint8_t *p, unsigned v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void fix_sum(uint8_t *p, size_t n, size_t at, uint32_t pseudo) {
  put16(p + at, 0);
  put16(p + at, (uint16_t)~capkit_inet_sum(p, n, pseudo));
}

/* Ethernet + IPv4 + TCP (SYN with MSS, SACK-permitted, TS, NOP, WS) */
static size_t build_tcp(uint8_t *b) {
  static const uint8_t mac[12] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                  0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  memset(b, 0, 128);
  memcpy(b, mac, 12);
  put16(b + 12, 0x0800);
  uint8_t *ip = b + 14;
  ip[0] = 0x45;
  put16(ip + 2, 20 + 40 + 5);
  put16(ip + 4, 7);
  ip[6] = 0x40; /* DF */
  ip[8] = 64;
  ip[9] = 6;
  memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
  fix_sum(ip, 20, 10, 0);
  uint8_t *t = ip + 20;
  put16(t, 40000);
  put16(t + 2, 80);
  memcpy(t + 4, "\x00\x00\x03\xe8\x00\x00\x00\x00", 8);
  t[12] = 0xa0;
  t[13] = 0x02;
  put16(t + 14, 64240);
  static const uint8_t opts[20] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
                                   3, 0xe8, 0, 0, 0, 0, 1, 3, 3, 7};
  memcpy(t + 20, opts, 20);
  memcpy(t + 40, "hello", 5);
  uint32_t ps = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 45;
  fix_sum(t, 45, 16, ps);
  return 14 + 20 + 45;
}

static void test_tcp(void) {
  uint8_t b[128];
  size_t n = build_tcp(b);
  CHECK_EQ(dec(1, b, n, CAPKIT_DECODE_CHECKSUMS), 4);
  CHECK_EQ(P.link, 0);
  CHECK_EQ(P.net, 1);
  CHECK_EQ(P.trans, 2);
  CHECK_EQ(P.app, 3);
  CHECK_EQ(P.status, 0);
  /* port 80 names HTTP; "hello" is no request line: a label only */
  CHECK(P.layers[3].type == CAPKIT_LAYER_HTTP &&
        P.layers[3].u.http.line_len == 0 && P.layers[3].payload_len == 5);
  const capkit_layer *e = capkit_packet_find(&P, CAPKIT_LAYER_ETH);
  CHECK(e && e->u.eth.type == 0x0800 && e->u.eth.src[5] == 0x55);
  const capkit_layer *ip = capkit_packet_find(&P, CAPKIT_LAYER_IPV4);
  CHECK(ip && ip->csum == CAPKIT_CSUM_GOOD && ip->u.ipv4.df == 1 &&
        ip->u.ipv4.ttl == 64 && ip->u.ipv4.src[3] == 1 &&
        ip->u.ipv4.dst[3] == 2 && ip->payload_len == 45);
  const capkit_layer *t = capkit_packet_find(&P, CAPKIT_LAYER_TCP);
  CHECK(t != NULL);
  if (t) {
    CHECK_EQ(t->u.tcp.sport, 40000);
    CHECK_EQ(t->u.tcp.dport, 80);
    CHECK_EQ(t->u.tcp.seq, 1000);
    CHECK_EQ(t->u.tcp.flags, CAPKIT_TCP_SYN);
    CHECK_EQ(t->u.tcp.doff, 40);
    CHECK_EQ(t->u.tcp.mss, 1460);
    CHECK_EQ(t->u.tcp.wscale, 7);
    CHECK_EQ(t->u.tcp.ts_val, 1000);
    CHECK(t->u.tcp.opts & CAPKIT_TCPOPT_SACK_PERM);
    CHECK_EQ(t->csum, CAPKIT_CSUM_GOOD);
    CHECK_EQ(t->payload_len, 5);
  }
  /* without the option nothing is verified, until asked */
  capkit_decode(&P, 1, b, (uint32_t)n, (uint32_t)n, 0);
  CHECK_EQ(P.layers[2].csum, CAPKIT_CSUM_UNCHECKED);
  CHECK_EQ(capkit_packet_verify(&P), 4);
  CHECK_EQ(P.layers[1].csum, CAPKIT_CSUM_GOOD);
  CHECK_EQ(P.layers[2].csum, CAPKIT_CSUM_GOOD);
  CHECK_EQ(P.layers[3].type, CAPKIT_LAYER_HTTP);
  /* a flipped payload byte: TCP bad, IP still good */
  b[n - 1] ^= 1;
  dec(1, b, n, CAPKIT_DECODE_CHECKSUMS);
  CHECK_EQ(P.layers[1].csum, CAPKIT_CSUM_GOOD);
  CHECK_EQ(P.layers[2].csum, CAPKIT_CSUM_BAD);
  b[n - 1] ^= 1;
  b[14 + 8] = 1; /* TTL: the IP checksum breaks */
  dec(1, b, n, CAPKIT_DECODE_CHECKSUMS);
  CHECK_EQ(P.layers[1].csum, CAPKIT_CSUM_BAD);
  b[14 + 8] = 64;
  /* Ethernet padding after the datagram is not TCP payload */
  uint8_t pad[160];
  memcpy(pad, b, n);
  memset(pad + n, 0xee, 20);
  dec(1, pad, n + 20, CAPKIT_DECODE_CHECKSUMS);
  CHECK_EQ(P.layers[2].payload_len, 5);
  CHECK_EQ(P.layers[2].csum, CAPKIT_CSUM_GOOD);
  /* cut at every length: a shorter prefix never has more layers, and the
   * last layer is truncated unless the cut is past the headers */
  size_t prev = 0;
  for (size_t k = 0; k <= n; k++) {
    size_t c = dec(1, b, k, CAPKIT_DECODE_CHECKSUMS);
    CHECK(c >= prev);
    prev = c;
    if (k < 14 + 20 + 40)
      CHECK(P.status & CAPKIT_LAYER_TRUNCATED);
    else
      CHECK(!(P.status & CAPKIT_LAYER_TRUNCATED));
    if (k >= 14 + 20 + 40 && k < n)
      CHECK_EQ(P.layers[2].csum, CAPKIT_CSUM_UNVERIFIED);
    for (size_t i = 0; i < P.count; i++)
      CHECK(P.layers[i].offset + P.layers[i].len <= k);
  }
  /* a data offset below 5 words is malformed */
  b[14 + 20 + 12] = 0x20;
  dec(1, b, n, 0);
  CHECK(P.layers[2].status & CAPKIT_LAYER_MALFORMED);
  /* a request line on port 80 */
  n = build_tcp(b);
  memcpy(b + n - 5, "GET /", 5);
  dec(1, b, n, CAPKIT_DECODE_NO_APP);
  CHECK_EQ(P.count, 3);
  dec(1, b, n, 0);
  CHECK(P.count == 4 && P.layers[3].u.http.is_request == 1 &&
        (P.layers[3].status & CAPKIT_LAYER_TRUNCATED));
  /* a header length below 20 is malformed, nothing decoded after it */
  n = build_tcp(b);
  b[14] = 0x44;
  CHECK_EQ(dec(1, b, n, 0), 2);
  CHECK(P.layers[1].status & CAPKIT_LAYER_MALFORMED);
  CHECK(P.status & CAPKIT_LAYER_MALFORMED);
}

static void test_links(void) {
  uint8_t b[128], f[160];
  size_t n = build_tcp(b);
  const uint8_t *ip = b + 14;
  size_t in = n - 14;
  /* raw, IPv4 */
  CHECK_EQ(dec(101, ip, in, 0), 3);
  CHECK_EQ(P.layers[0].type, CAPKIT_LAYER_IPV4);
  CHECK_EQ(dec(228, ip, in, 0), 3);
  /* NULL in both byte orders, LOOP */
  memcpy(f, "\x02\x00\x00\x00", 4);
  memcpy(f + 4, ip, in);
  CHECK_EQ(dec(0, f, in + 4, 0), 4);
  CHECK(P.layers[0].type == CAPKIT_LAYER_NULL &&
        P.layers[0].u.null.family == 2);
  memcpy(f, "\x00\x00\x00\x02", 4);
  CHECK_EQ(dec(0, f, in + 4, 0), 4);
  CHECK_EQ(dec(108, f, in + 4, 0), 4);
  memcpy(f, "\x00\x00\x00\x63", 4);
  dec(108, f, in + 4, 0);
  CHECK(P.layers[0].status & CAPKIT_LAYER_MALFORMED);
  /* SLL */
  memset(f, 0, 16);
  put16(f + 4, 6);
  put16(f + 14, 0x0800);
  memcpy(f + 16, ip, in);
  CHECK_EQ(dec(113, f, in + 16, 0), 4);
  CHECK_EQ(P.layers[0].u.sll.protocol, 0x0800);
  /* SLL2 */
  memset(f, 0, 20);
  put16(f, 0x0800);
  f[7] = 3;
  f[10] = 4;
  memcpy(f + 20, ip, in);
  CHECK_EQ(dec(276, f, in + 20, 0), 4);
  CHECK(P.layers[0].type == CAPKIT_LAYER_SLL2 &&
        P.layers[0].u.sll.ifindex == 3 && P.layers[0].u.sll.pkttype == 4);
  /* three VLAN tags: 802.1ad, 802.1Q, 802.1Q */
  memcpy(f, b, 12);
  put16(f + 12, 0x88a8);
  put16(f + 14, 0x6000 | 100);
  put16(f + 16, 0x8100);
  put16(f + 18, 200);
  put16(f + 20, 0x8100);
  put16(f + 22, 300);
  put16(f + 24, 0x0800);
  memcpy(f + 26, ip, in);
  CHECK_EQ(dec(1, f, in + 26, 0), 7);
  CHECK(P.layers[1].type == CAPKIT_LAYER_VLAN &&
        P.layers[1].u.vlan.vid == 100 && P.layers[1].u.vlan.pcp == 3 &&
        P.layers[1].u.vlan.tpid == 0x88a8);
  CHECK(P.layers[3].u.vlan.vid == 300 && P.layers[4].type == CAPKIT_LAYER_IPV4);
  /* 802.3 + LLC/SNAP carrying IPv4 */
  memcpy(f, b, 12);
  put16(f + 12, (unsigned)(8 + in));
  memcpy(f + 14, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
  memcpy(f + 22, ip, in);
  CHECK_EQ(dec(1, f, in + 22, 0), 5);
  CHECK(P.layers[0].u.eth.is_8023 && P.layers[1].type == CAPKIT_LAYER_LLC &&
        P.layers[1].u.llc.has_snap && P.layers[1].u.llc.pid == 0x0800);
  /* unknown link type: nothing */
  CHECK_EQ(dec(147, b, n, 0), 0);
  CHECK(!capkit_decode_supports(147));
  CHECK(capkit_decode_supports(276));
  /* a layer array of 2: decoding stops, says so */
  capkit_layer two[2];
  capkit_packet q;
  capkit_packet_init(&q, two, 2);
  CHECK_EQ(capkit_decode(&q, 1, b, (uint32_t)n, (uint32_t)n, 0), 2);
  CHECK_EQ(q.more, 1);
}

static void test_ipv6_udp_dns(void) {
  uint8_t b[200];
  memset(b, 0, sizeof b);
  b[0] = 0x60;
  b[6] = 0; /* hop-by-hop first */
  b[7] = 64;
  b[8] = 0x20, b[9] = 0x01, b[23] = 1;
  b[24] = 0x20, b[25] = 0x01, b[39] = 2;
  uint8_t *h = b + 40;
  h[0] = 17; /* hop-by-hop: next UDP, 8 bytes */
  h[2] = 1, h[3] = 4; /* PadN */
  uint8_t *u = h + 8;
  put16(u, 5353);
  put16(u + 2, 53);
  uint8_t *d = u + 8;
  put16(d, 0x1234);
  put16(d + 2, 0x0100);
  put16(d + 4, 1);
  static const uint8_t q[] = "\x07" "example" "\x03" "com" "\x00\x00\x1c\x00\x01";
  memcpy(d + 12, q, sizeof q - 1);
  size_t dl = 12 + sizeof q - 1, ul = 8 + dl, n = 40 + 8 + ul;
  put16(u + 4, (unsigned)ul);
  put16(b + 4, (unsigned)(8 + ul));
  uint32_t ps = capkit_inet_sum(b + 8, 32, 17 + (uint32_t)ul);
  fix_sum(u, ul, 6, ps);
  CHECK_EQ(dec(229, b, n, CAPKIT_DECODE_CHECKSUMS), 4);
  CHECK_EQ(P.layers[1].type, CAPKIT_LAYER_IPV6_EXT);
  CHECK_EQ(P.layers[0].u.ipv6.proto, 17);
  CHECK_EQ(P.layers[2].csum, CAPKIT_CSUM_GOOD);
  const capkit_layer *dns = capkit_packet_find(&P, CAPKIT_LAYER_DNS);
  CHECK(dns && dns->u.dns.id == 0x1234 && dns->u.dns.qtype == 28);
  /* DNS name (kept in b, as the packet's bytes) */
  capkit_decode(&P, 229, b, (uint32_t)n, (uint32_t)n, 0);
  dns = capkit_packet_find(&P, CAPKIT_LAYER_DNS);
  char name[64];
  CHECK(dns != NULL);
  if (dns) {
    CHECK_EQ(capkit_dns_name(&P, dns->u.dns.msg_off, dns->u.dns.qname_off,
                             name, sizeof name),
             12);
    CHECK(strcmp(name, "example.com.") == 0);
    /* too small an output: -1, still terminated */
    CHECK_EQ(capkit_dns_name(&P, dns->u.dns.msg_off, dns->u.dns.qname_off,
                             name, 5),
             -1);
    CHECK(strlen(name) < 5);
  }
  /* a compression loop ends */
  d[12] = 0xc0;
  d[13] = 12;
  capkit_decode(&P, 229, b, (uint32_t)n, (uint32_t)n, 0);
  CHECK_EQ(capkit_dns_name(&P, (uint32_t)(d - b), (uint32_t)(d - b + 12),
                           name, sizeof name),
           -1);
  /* the fragment header: a later fragment has no transport layer */
  h[0] = 44;
  b[6] = 44;
  h[2] = 0, h[3] = 8 * 4; /* offset 32 bytes */
  CHECK_EQ(dec(229, b, n, CAPKIT_DECODE_CHECKSUMS), 2);
  CHECK(P.status & CAPKIT_LAYER_FRAGMENT);
  /* every cut: the layers stay inside the captured bytes (and ASan sees
   * every read past them), and a cut IPv6 header is reported truncated */
  int inside = 1, flagged = 1;
  for (size_t k = 0; k < n; k++) {
    size_t m = dec(229, b, k, CAPKIT_DECODE_CHECKSUMS);
    for (size_t i = 0; i < m; i++)
      if (P.layers[i].offset > k || P.layers[i].len > k - P.layers[i].offset)
        inside = 0;
    if (k < 40 && !(P.status & CAPKIT_LAYER_TRUNCATED))
      flagged = 0;
  }
  CHECK(inside);
  CHECK(flagged);
}

static void test_golden(void) {
  /* every golden capture decodes; the clean ones have no trouble flags */
  static const char *const clean[] = {"tcp", "udp", "icmp", "arp", "ipv6",
                                      "vlan", "llc", "tunnel", "sll", "sll2",
                                      "null_le", "null_be", "loop", "raw",
                                      "ipv4", "ipv6raw"};
  for (size_t i = 0; i < sizeof clean / sizeof *clean; i++) {
    char path[64];
    snprintf(path, sizeof path, "decode/%s.pcap", clean[i]);
    capkit_reader *r = capkit_reader_new();
    CHECK(capkit_reader_open_path(r, tap_data(path)) == 0);
    capkit_record rec = CAPKIT_RECORD_INIT;
    int n = 0, bad = 0;
    while (capkit_reader_next(r, &rec) > 0) {
      n++;
      if (capkit_decode_record(&P, &rec, CAPKIT_DECODE_CHECKSUMS) < 2)
        bad++;
      if (P.status & (CAPKIT_LAYER_TRUNCATED | CAPKIT_LAYER_MALFORMED))
        bad++;
    }
    CHECK(n > 0);
    CHECK_EQ(bad, 0);
    capkit_reader_free(r);
  }
  /* the tunnel capture: inner layers at depth 1 */
  capkit_reader *r = capkit_reader_new();
  CHECK(capkit_reader_open_path(r, tap_data("decode/tunnel.pcap")) == 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int vx = 0, gre = 0;
  while (capkit_reader_next(r, &rec) > 0) {
    capkit_decode_record(&P, &rec, 0);
    const capkit_layer *g = capkit_packet_find(&P, CAPKIT_LAYER_GRE);
    const capkit_layer *v = capkit_packet_find(&P, CAPKIT_LAYER_VXLAN);
    if (g) {
      gre++;
      CHECK(P.layers[P.count - 1].depth == 1);
    }
    if (v) {
      vx++;
      CHECK_EQ(v->u.vxlan.vni, 4242);
      CHECK(capkit_packet_find(&P, CAPKIT_LAYER_DNS) != NULL);
    }
  }
  CHECK_EQ(gre, 3);
  CHECK_EQ(vx, 1);
  capkit_reader_free(r);
}

int main(void) {
  capkit_packet_init(&P, L, CAPKIT_DECODE_MAX_LAYERS);
  CHECK(strcmp(capkit_layer_name(CAPKIT_LAYER_TCP), "tcp") == 0);
  CHECK(strcmp(capkit_layer_name(999), "?") == 0);
  /* the RFC 1071 example: 0001 f203 f4f5 f6f7 sums to 0xddf2 */
  static const uint8_t ex[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK_EQ(capkit_inet_sum(ex, 8, 0), 0xddf2);
  CHECK_EQ(capkit_inet_sum(ex, 7, 0), (uint16_t)(0xddf2 - 0xf7));
  /* RFC 1071 by its definition (16-bit big-endian words, a last odd
   * byte padded with zero, end-around carry) over seeded random lengths,
   * alignments and starting sums */
  {
    static uint8_t buf[4096 + 16];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int bad = 0;
    for (int it = 0; it < 3000; it++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      size_t off = x % 16, len = (x >> 8) % 4097;
      uint32_t start = (uint32_t)(x >> 24) & 0xffff;
      if (it % 3 == 0)
        len = (x >> 8) % 200;
      for (size_t i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[off + i] = it % 5 == 0 ? 0xff : (uint8_t)x;
      }
      uint64_t ref = start;
      for (size_t i = 0; i < len; i += 2)
        ref += (uint32_t)buf[off + i] << 8 |
               (i + 1 < len ? buf[off + i + 1] : 0);
      while (ref >> 16)
        ref = (ref & 0xffff) + (ref >> 16);
      if (capkit_inet_sum(buf + off, len, start) != (uint16_t)ref)
        bad++;
    }
    CHECK_EQ(bad, 0);
  }
  /* the same past the lengths a summing loop may empty its partial sums
   * at (every 512 KiB, say): all 0xff bytes (the largest words) and
   * random ones, odd lengths, odd alignments */
  {
    size_t n = (size_t)3 << 19;
    uint8_t *big = malloc(n + 1);
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (int it = 0; it < 4 && big; it++) {
      for (size_t i = 0; i <= n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        big[i] = it < 2 ? 0xff : (uint8_t)x;
      }
      size_t off = (size_t)it % 2, len = n - (size_t)it;
      uint64_t ref = 0;
      for (size_t i = 0; i < len; i += 2)
        ref +=
            (uint32_t)big[off + i] << 8 | (i + 1 < len ? big[off + i + 1] : 0);
      while (ref >> 16)
        ref = (ref & 0xffff) + (ref >> 16);
      CHECK_EQ(capkit_inet_sum(big + off, len, 0), (uint16_t)ref);
    }
    CHECK(big != NULL);
    free(big);
  }
  test_tcp();
  test_links();
  test_ipv6_udp_dns();
  test_golden();
  return tap_done();
}

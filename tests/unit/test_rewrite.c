/* test_rewrite.c - the packet rewriter through its public API: option
 * parsing, and seeded property tests over random packets (link layers,
 * IPv4/IPv6, transports, snapped copies) whose expected values come from
 * the definitions (CIDR arithmetic, RFC 1071 checksums checked by the
 * decoder), not from the rewriter's own output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static uint64_t rng = 0x1234567887654321ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 16);
}

static capkit_iface eth_iface = {
    .linktype = 1, .snaplen = 262144, .fcs_len = -1, .tsresol = 6};

/* Build one packet from a spec into buf; its length. */
static size_t build(const char *spec, uint8_t *buf, size_t cap) {
  capkit_spec_error err;
  long n = capkit_build(spec, buf, cap, &err);
  if (n < 0 || (size_t)n > cap) {
    fprintf(stderr, "spec %s: %ld\n", spec, n);
    return 0;
  }
  return (size_t)n;
}

static capkit_record rec_of(const uint8_t *d, uint32_t caplen,
                            uint32_t origlen) {
  capkit_record r = CAPKIT_RECORD_INIT;
  r.data = d;
  r.caplen = caplen;
  r.origlen = origlen;
  r.iface = &eth_iface;
  return r;
}

/* Every checksum the decoder can verify is good (or a UDP "none"). */
static int checksums_good(const uint8_t *d, uint32_t len) {
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  capkit_decode(&pkt, 1, d, len, len, CAPKIT_DECODE_CHECKSUMS);
  int checked = 0;
  for (size_t i = 0; i < pkt.count; i++) {
    if (layers[i].csum == CAPKIT_CSUM_BAD)
      return 0;
    checked += layers[i].csum == CAPKIT_CSUM_GOOD;
  }
  return checked > 0;
}

static const capkit_layer *find(capkit_packet *pkt, capkit_layer *layers,
                                const uint8_t *d, uint32_t len, int type) {
  capkit_packet_init(pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  capkit_decode(pkt, 1, d, len, len, 0);
  return capkit_packet_find(pkt, type);
}

static void test_options(void) {
  capkit_rewriter *rw = capkit_rewriter_new();
  CHECK(rw != NULL);
  CHECK_EQ(capkit_rewriter_set(rw, "enet-smac", "02:00:00:00:00:0g"),
           CAPKIT_EINVAL);
  CHECK(strstr(capkit_rewriter_error(rw), "enet-smac") != NULL);
  CHECK_EQ(capkit_rewriter_set(rw, "pnat", "10.0.0.0/8"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "pnat", "10.0.0.0/33:1.0.0.0/8"),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "pnat", "[2001:db8::/32]:10.0.0.0/8"),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "portmap", "80"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "portmap", "70000:1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "portmap", "9-8:1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "ttl", "0"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "ttl", "+256"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "enet-vlan", "push"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "enet-vlan-tag", "4096"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "no-such-option", "1"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_set(rw, "portmap", "8000,8080,8888-8890:80"), 0);
  CHECK_EQ(capkit_rewriter_set(rw, "pnat",
                               "[2001:db8::/32]:[dead::/16],10.0.0.0/8:"
                               "172.16.0.0/12"),
           0);
  /* pnat excludes srcipmap/dstipmap */
  CHECK_EQ(capkit_rewriter_set(rw, "srcipmap", "1.0.0.0/8:2.0.0.0/8"), 0);
  capkit_rewriter *rw2 = capkit_rewriter_new();
  CHECK_EQ(capkit_rewriter_set(rw2, "srcipmap", "1.0.0.0/8:2.0.0.0/8"), 0);
  CHECK_EQ(capkit_rewriter_set(rw2, "pnat", "1.0.0.0/8:2.0.0.0/8"),
           CAPKIT_EINVAL);
  /* options are settings: refused once packets went through */
  uint8_t buf[256];
  size_t n = build("eth()/ipv4()/udp(dport=8081)", buf, sizeof buf);
  capkit_record in = rec_of(buf, (uint32_t)n, (uint32_t)n),
                out = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_rewriter_apply(rw2, &in, &out), 0);
  CHECK(out.data == in.data);
  CHECK_EQ(capkit_rewriter_set(rw2, "ttl", "3"), CAPKIT_EMISUSE);
  /* a zeroed output record is refused */
  capkit_record zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ(capkit_rewriter_apply(rw2, &in, &zero), CAPKIT_EINVAL);
  n = build("eth()/ipv4(dst=10.1.2.3)/udp(dport=8081)", buf, sizeof buf);
  in = rec_of(buf, (uint32_t)n, (uint32_t)n);
  CHECK_EQ(capkit_rewriter_apply(rw, &in, &out), 1);
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  const capkit_layer *udp =
      find(&pkt, layers, out.data, out.caplen, CAPKIT_LAYER_UDP);
  CHECK(udp && udp->u.udp.dport == 8081); /* 8081 is in no group */
  capkit_rewriter_free(rw);
  capkit_rewriter_free(rw2);
  capkit_rewriter_free(NULL);
}

/* pnat: an address inside the first block takes the second block's
 * prefix; others are untouched; checksums stay good. */
static void test_ipmap_property(void) {
  for (int round = 0; round < 400; round++) {
    unsigned from_len = 1 + rnd() % 31, to_len = 1 + rnd() % 31;
    uint32_t net = rnd() & ~(0xffffffffu >> from_len);
    uint32_t to = rnd() & ~(0xffffffffu >> to_len);
    char map[64];
    snprintf(map, sizeof map, "%u.%u.%u.%u/%u:%u.%u.%u.%u/%u", net >> 24,
             net >> 16 & 255, net >> 8 & 255, net & 255, from_len, to >> 24,
             to >> 16 & 255, to >> 8 & 255, to & 255, to_len);
    capkit_rewriter *rw = capkit_rewriter_new();
    CHECK_EQ(capkit_rewriter_set(rw, "pnat", map), 0);
    uint32_t src =
        rnd() % 2 ? net | (rnd() & (0xffffffffu >> from_len)) : rnd();
    uint32_t dst = net | (rnd() & (0xffffffffu >> from_len));
    const char *l4[] = {"tcp(sport=1,dport=2)/payload(len=%u)",
                        "udp/payload(len=%u)", "icmp/payload(len=%u)"};
    char spec[256], tail[64];
    snprintf(tail, sizeof tail, l4[round % 3], rnd() % 300);
    snprintf(spec, sizeof spec,
             "eth()/%sipv4(src=%u.%u.%u.%u,dst=%u.%u.%u.%u)/%s",
             round % 4 == 0   ? "vlan(vid=7)/"
             : round % 4 == 1 ? "qinq/vlan/"
                              : "",
             src >> 24, src >> 16 & 255, src >> 8 & 255, src & 255, dst >> 24,
             dst >> 16 & 255, dst >> 8 & 255, dst & 255, tail);
    uint8_t buf[2048];
    size_t n = build(spec, buf, sizeof buf);
    capkit_record in = rec_of(buf, (uint32_t)n, (uint32_t)n),
                  out = CAPKIT_RECORD_INIT;
    CHECK(capkit_rewriter_apply(rw, &in, &out) >= 0);
    capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
    capkit_packet pkt;
    const capkit_layer *ip =
        find(&pkt, layers, out.data, out.caplen, CAPKIT_LAYER_IPV4);
    CHECK(ip != NULL);
    if (!ip) {
      capkit_rewriter_free(rw);
      continue;
    }
    uint32_t m_from = from_len ? ~(0xffffffffu >> from_len) : 0;
    uint32_t m_to = to_len ? ~(0xffffffffu >> to_len) : 0;
    uint32_t want_src =
        (src & m_from) == net ? (to & m_to) | (src & ~m_to) : src;
    uint32_t want_dst = (to & m_to) | (dst & ~m_to);
    const uint8_t *s = ip->u.ipv4.src, *d = ip->u.ipv4.dst;
    uint32_t got_src = (uint32_t)s[0] << 24 | s[1] << 16 | s[2] << 8 | s[3];
    uint32_t got_dst = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
    CHECK_EQ(got_src, want_src);
    CHECK_EQ(got_dst, want_dst);
    CHECK(checksums_good(out.data, out.caplen));
    capkit_rewriter_free(rw);
  }
}

/* A segment cut by the snaplen gets the same transport checksum as the
 * whole segment (incremental update), for IPv4 and IPv6. */
static void test_snapped_property(void) {
  for (int round = 0; round < 300; round++) {
    int v6 = round % 2;
    const char *l4 = round % 3 == 0   ? "tcp(sport=80,dport=%u)"
                     : round % 3 == 1 ? "udp(sport=80,dport=%u)"
                                      : "icmpv6";
    char spec[256], l4s[64];
    snprintf(l4s, sizeof l4s, l4, 1000 + rnd() % 1000);
    if (!v6 && round % 3 == 2)
      snprintf(l4s, sizeof l4s, "udp(sport=80,dport=%u)", rnd() % 65536);
    snprintf(spec, sizeof spec, "eth()/%s/%s/payload(len=%u,rand)",
             v6 ? "ipv6(src=2001:db8::5,dst=2001:db8:77::9)"
                : "ipv4(src=192.168.3.4,dst=10.9.8.7)",
             l4s, 100 + rnd() % 1000);
    uint8_t buf[2048], whole[2048];
    size_t n = build(spec, buf, sizeof buf);
    capkit_rewriter *a = capkit_rewriter_new(), *b = capkit_rewriter_new();
    char seed[32];
    snprintf(seed, sizeof seed, "%u", rnd());
    capkit_rewriter *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
      CHECK_EQ(capkit_rewriter_set(both[k], "seed", seed), 0);
      CHECK_EQ(capkit_rewriter_set(both[k], "portmap", "80:8080"), 0);
    }
    capkit_record in = rec_of(buf, (uint32_t)n, (uint32_t)n),
                  out = CAPKIT_RECORD_INIT;
    CHECK_EQ(capkit_rewriter_apply(a, &in, &out), 1);
    CHECK(checksums_good(out.data, out.caplen));
    memcpy(whole, out.data, out.caplen);
    uint32_t snap = 14 + (v6 ? 40 : 20) + 8 + rnd() % 40;
    capkit_record cut = rec_of(buf, snap, (uint32_t)n),
                  out2 = CAPKIT_RECORD_INIT;
    CHECK_EQ(capkit_rewriter_apply(b, &cut, &out2), 1);
    CHECK_EQ(out2.caplen, snap);
    CHECK_EQ(out2.origlen, (uint32_t)n);
    uint32_t l4off = 14 + (v6 ? 40 : 20), field = round % 3 == 0           ? 16
                                                  : (v6 && round % 3 == 2) ? 2
                                                                           : 6;
    /* half a checksum cannot be updated: compare up to it then */
    uint32_t cmp = snap == l4off + field + 1 ? snap - 1 : snap;
    CHECK(memcmp(out2.data, whole, cmp) == 0);
    /* the checksum field was captured: it was updated, not recomputed */
    if (l4off + field + 2 <= snap)
      CHECK(capkit_rewriter_count(b, CAPKIT_RW_CSUM_INCR) >= 1);
    capkit_rewriter_free(a);
    capkit_rewriter_free(b);
  }
}

static unsigned common_prefix(const uint8_t *a, const uint8_t *b, size_t n) {
  unsigned k = 0;
  for (size_t i = 0; i < n * 8; i++, k++)
    if (((a[i / 8] ^ b[i / 8]) >> (7 - i % 8)) & 1)
      break;
  return k;
}

/* seed: deterministic, depends on the seed, prefix-preserving (so also
 * one-to-one). */
static void test_seed_property(void) {
  for (int v6 = 0; v6 < 2; v6++) {
    capkit_rewriter *a = capkit_rewriter_new(), *b = capkit_rewriter_new(),
                    *c = capkit_rewriter_new();
    CHECK_EQ(capkit_rewriter_set(a, "seed", "42"), 0);
    CHECK_EQ(capkit_rewriter_set(b, "seed", "42"), 0);
    CHECK_EQ(capkit_rewriter_set(c, "seed", "43"), 0);
    int differ = 0, prefix_ok = 1, same_ok = 1;
    uint8_t prev_in[2][16], prev_out[2][16];
    for (int i = 0; i < 500; i++) {
      uint8_t addr[2][16];
      for (int k = 0; k < 2; k++)
        for (int j = 0; j < 16; j++)
          addr[k][j] = (uint8_t)rnd();
      /* share a random prefix between the two addresses sometimes */
      if (i % 2)
        memcpy(addr[1], addr[0], rnd() % (v6 ? 16 : 4));
      if (!v6) {
        addr[0][0] = (uint8_t)(1 + addr[0][0] % 200); /* not multicast */
        addr[1][0] = addr[0][0];
      }
      char spec[256], s0[64], s1[64];
      if (v6) {
        char *p0 = s0, *p1 = s1;
        for (int j = 0; j < 16; j += 2) {
          p0 += sprintf(p0, "%s%x", j ? ":" : "",
                        addr[0][j] << 8 | addr[0][j + 1]);
          p1 += sprintf(p1, "%s%x", j ? ":" : "",
                        addr[1][j] << 8 | addr[1][j + 1]);
        }
      } else {
        sprintf(s0, "%u.%u.%u.%u", addr[0][0], addr[0][1], addr[0][2],
                addr[0][3]);
        sprintf(s1, "%u.%u.%u.%u", addr[1][0], addr[1][1], addr[1][2],
                addr[1][3]);
      }
      snprintf(spec, sizeof spec, "eth()/%s(src=%s,dst=%s)/udp",
               v6 ? "ipv6" : "ipv4", s0, s1);
      uint8_t buf[256];
      size_t n = build(spec, buf, sizeof buf);
      capkit_record in = rec_of(buf, (uint32_t)n, (uint32_t)n);
      capkit_record oa = CAPKIT_RECORD_INIT, ob = CAPKIT_RECORD_INIT,
                    oc = CAPKIT_RECORD_INIT;
      CHECK(capkit_rewriter_apply(a, &in, &oa) >= 0);
      uint8_t ra[256];
      memcpy(ra, oa.data, oa.caplen);
      CHECK(capkit_rewriter_apply(b, &in, &ob) >= 0);
      same_ok &= oa.caplen == ob.caplen && !memcmp(ra, ob.data, ob.caplen);
      CHECK(capkit_rewriter_apply(c, &in, &oc) >= 0);
      differ += memcmp(ra, oc.data, oc.caplen) != 0;
      size_t alen = v6 ? 16 : 4, off = 14 + (v6 ? 8 : 12);
      const uint8_t *o0 = ra + off, *o1 = ra + off + alen;
      prefix_ok &=
          common_prefix(addr[0], addr[1], alen) == common_prefix(o0, o1, alen);
      /* and against the previous packet's addresses */
      if (i)
        for (int k = 0; k < 2; k++)
          prefix_ok &= common_prefix(addr[k], prev_in[k], alen) ==
                       common_prefix(k ? o1 : o0, prev_out[k], alen);
      for (int k = 0; k < 2; k++) {
        memcpy(prev_in[k], addr[k], alen);
        memcpy(prev_out[k], k ? o1 : o0, alen);
      }
      CHECK(checksums_good(ra, oa.caplen));
    }
    CHECK(same_ok);
    CHECK(prefix_ok);
    CHECK(differ > 450);
    capkit_rewriter_free(a);
    capkit_rewriter_free(b);
    capkit_rewriter_free(c);
  }
}

/* VLAN add then del gives the frame back; edit changes only the fields
 * asked for; TTL and MTU rules. */
static void test_vlan_ttl_mtu(void) {
  uint8_t buf[2048], added[2048];
  size_t n = build("eth()/ipv4(ttl=9)/tcp/payload(len=1600)", buf, sizeof buf);
  capkit_rewriter *add = capkit_rewriter_new(), *del = capkit_rewriter_new(),
                  *edit = capkit_rewriter_new();
  CHECK_EQ(capkit_rewriter_set(add, "enet-vlan", "add"), 0);
  CHECK_EQ(capkit_rewriter_set(add, "enet-vlan-tag", "300"), 0);
  CHECK_EQ(capkit_rewriter_set(add, "enet-vlan-pri", "5"), 0);
  CHECK_EQ(capkit_rewriter_set(add, "enet-vlan-proto", "802.1ad"), 0);
  CHECK_EQ(capkit_rewriter_set(del, "enet-vlan", "del"), 0);
  CHECK_EQ(capkit_rewriter_set(edit, "enet-vlan", "edit"), 0);
  CHECK_EQ(capkit_rewriter_set(edit, "enet-vlan-pri", "2"), 0);
  capkit_record in = rec_of(buf, (uint32_t)n, (uint32_t)n),
                out = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_rewriter_apply(add, &in, &out), 1);
  CHECK_EQ(out.caplen, n + 4);
  CHECK_EQ(out.origlen, n + 4);
  CHECK(out.data[12] == 0x88 && out.data[13] == 0xa8);
  CHECK(out.data[14] == (5 << 5 | 300 >> 8) && out.data[15] == (300 & 255));
  memcpy(added, out.data, out.caplen);
  capkit_record in2 = rec_of(added, out.caplen, out.origlen);
  CHECK_EQ(capkit_rewriter_apply(edit, &in2, &out), 1);
  CHECK(out.data[14] == (2 << 5 | 300 >> 8) && out.data[15] == (300 & 255));
  CHECK_EQ(capkit_rewriter_apply(del, &in2, &out), 1);
  CHECK_EQ(out.caplen, n);
  CHECK(memcmp(out.data, buf, n) == 0);
  /* del and edit leave untagged frames alone */
  CHECK_EQ(capkit_rewriter_apply(del, &in, &out), 0);
  CHECK_EQ(capkit_rewriter_apply(edit, &in, &out), 0);

  capkit_rewriter *ttl = capkit_rewriter_new(), *mtu = capkit_rewriter_new();
  CHECK_EQ(capkit_rewriter_set(ttl, "ttl", "-64"), 0);
  CHECK_EQ(capkit_rewriter_set(mtu, "mtu", "576"), 0);
  CHECK_EQ(capkit_rewriter_set(mtu, "mtu-trunc", NULL), 0);
  CHECK_EQ(capkit_rewriter_apply(ttl, &in, &out), 1);
  CHECK_EQ(out.data[14 + 8], 1); /* 9 - 64 kept at 1 */
  CHECK(checksums_good(out.data, out.caplen));
  CHECK_EQ(capkit_rewriter_apply(mtu, &in, &out), 1);
  CHECK_EQ(out.caplen, 14 + 576);
  CHECK_EQ(out.origlen, 14 + 576);
  CHECK_EQ(out.data[16] << 8 | out.data[17], 576);
  CHECK(checksums_good(out.data, out.caplen));
  CHECK_EQ(capkit_rewriter_count(mtu, CAPKIT_RW_TRUNCATED), 1);
  capkit_rewriter_free(add);
  capkit_rewriter_free(del);
  capkit_rewriter_free(edit);
  capkit_rewriter_free(ttl);
  capkit_rewriter_free(mtu);
}

/* MACs: fixed and substituted, group addresses kept on request. */
static void test_macs(void) {
  uint8_t buf[256];
  size_t n = build("eth(src=00:11:22:33:44:55,dst=ff:ff:ff:ff:ff:ff)/arp", buf,
                   sizeof buf);
  capkit_rewriter *a = capkit_rewriter_new(), *b = capkit_rewriter_new();
  CHECK_EQ(capkit_rewriter_set(a, "enet-smac", "02:00:00:00:00:aa"), 0);
  CHECK_EQ(capkit_rewriter_set(a, "enet-dmac",
                               "02:00:00:00:00:bb,02:00:00:00:00:cc"),
           0);
  CHECK_EQ(capkit_rewriter_set(b, "enet-subsmac",
                               "00:11:22:33:44:55,02:00:00:00:00:01"),
           0);
  CHECK_EQ(capkit_rewriter_set(b, "enet-dmac", "02:00:00:00:00:bb"), 0);
  CHECK_EQ(capkit_rewriter_set(b, "skipl2broadcast", NULL), 0);
  capkit_record in = rec_of(buf, (uint32_t)n, (uint32_t)n),
                out = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_rewriter_apply(a, &in, &out), 1);
  static const uint8_t want_a[12] = {2, 0, 0, 0, 0, 0xbb, 2, 0, 0, 0, 0, 0xaa};
  CHECK(memcmp(out.data, want_a, 12) == 0);
  CHECK_EQ(capkit_rewriter_apply(b, &in, &out), 1);
  static const uint8_t want_b[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     2,    0,    0,    0,    0,    1};
  CHECK(memcmp(out.data, want_b, 12) == 0);
  CHECK(memcmp(out.data + 12, buf + 12, n - 12) == 0);
  capkit_rewriter_free(a);
  capkit_rewriter_free(b);
}

/* One random IP datagram into d (at most cap bytes), often damaged: the
 * IPv4 header length, total length, fragment fields and protocol, the
 * IPv6 payload length and next header, and every checksum are random
 * some of the time. Its length. */
static uint32_t random_datagram(uint8_t *d, size_t cap, int v6) {
  static const uint8_t protos[] = {6, 6, 6, 17, 17, 17, 1, 58, 47, 0, 44};
  uint32_t hlen = v6 ? 40 : 20 + (rnd() % 4 == 0 ? 4 * (rnd() % 11) : 0);
  uint32_t plen = rnd() % 4 == 0 ? rnd() % 24 : rnd() % 1400;
  uint32_t n = hlen + plen;
  if (n > cap)
    n = (uint32_t)cap;
  for (uint32_t i = 0; i < n; i++)
    d[i] = (uint8_t)rnd();
  uint8_t proto = protos[rnd() % sizeof protos];
  if (v6) {
    d[0] = (uint8_t)(0x60 | (d[0] & 15));
    uint32_t pl = rnd() % 8 == 0 ? rnd() % 65536 : n - 40;
    if (rnd() % 16 == 0)
      pl = 0;
    d[4] = (uint8_t)(pl >> 8);
    d[5] = (uint8_t)pl;
    d[6] = proto;
  } else {
    d[0] = (uint8_t)(0x40 | (rnd() % 8 == 0 ? rnd() % 16 : hlen / 4));
    uint32_t tl = rnd() % 8 == 0 ? rnd() % 65536 : n;
    d[2] = (uint8_t)(tl >> 8);
    d[3] = (uint8_t)tl;
    static const uint16_t fos[] = {0, 0x4000, 0x4000, 0x2000, 0x2001, 0x0001,
                                   0x8000, 0x1fff};
    uint16_t fo = fos[rnd() % (sizeof fos / sizeof fos[0])];
    d[6] = (uint8_t)(fo >> 8);
    d[7] = (uint8_t)fo;
    d[9] = proto;
    /* addresses inside the mapped blocks half of the time */
    if (rnd() % 2)
      d[12] = 10;
    if (rnd() % 2)
      d[16] = 192, d[17] = 168;
  }
  if (v6 && rnd() % 2)
    d[8] = 0x20, d[9] = 0x01, d[10] = 0x0d, d[11] = 0xb8;
  /* a TCP or UDP port in the port map now and then */
  if (n >= hlen + 4 && rnd() % 2)
    d[hlen + 2] = 0, d[hlen + 3] = 80;
  /* correct checksums most of the time, so that a fixed one shows */
  if (rnd() % 4) {
    uint8_t tmp[2048];
    memset(tmp, 0, 14);
    tmp[12] = v6 ? 0x86 : 0x08;
    tmp[13] = v6 ? 0xdd : 0x00;
    memcpy(tmp + 14, d, n);
    capkit_rewriter *fix = capkit_rewriter_new();
    capkit_rewriter_set(fix, "fixcsum", NULL);
    capkit_record in = rec_of(tmp, n + 14, n + 14), out = CAPKIT_RECORD_INIT;
    if (capkit_rewriter_apply(fix, &in, &out) == 1 && out.caplen == n + 14)
      memcpy(d, out.data + 14, n);
    capkit_rewriter_free(fix);
  }
  return n;
}

/* Ethernet frames of the common shape are rewritten without the
 * decoder: the same datagram gives the same bytes in an Ethernet frame
 * and alone (link types IPV4 / IPV6, through the decoder), whatever its
 * damage, snaplen and options. */
static void test_ethernet_equals_raw_property(void) {
  static const capkit_iface raw4 = {.linktype = 228, .snaplen = 262144,
                                    .fcs_len = -1, .tsresol = 6};
  static const capkit_iface raw6 = {.linktype = 229, .snaplen = 262144,
                                    .fcs_len = -1, .tsresol = 6};
  const char *sets[][2] = {
      {"pnat", "10.0.0.0/8:172.16.0.0/12,192.168.0.0/16:10.1.0.0/16"},
      {"pnat", "[2001:db8::/32]:[dead::/16],10.0.0.0/9:11.128.0.0/9"},
      {"portmap", "80:8080"},
      {"ttl", "+3"},
      {"fixcsum", NULL},
      {"mtu-trunc", NULL},
      {"seed", "7"},
  };
  size_t nsets = sizeof sets / sizeof sets[0];
  int equal = 1, rounds = 0, changed = 0;
  for (int round = 0; round < 3000; round++) {
    int v6 = round % 3 == 2;
    uint8_t frame[2048], raw[2048], first[2048];
    uint32_t n = random_datagram(frame + 14, sizeof frame - 14, v6);
    memset(frame, 0x02, 12);
    frame[12] = v6 ? 0x86 : 0x08;
    frame[13] = v6 ? 0xdd : 0x00;
    memcpy(raw, frame + 14, n);
    /* a snapped copy now and then */
    uint32_t cap = rnd() % 4 == 0 ? rnd() % (n + 1) : n;
    capkit_rewriter *a = capkit_rewriter_new(), *b = capkit_rewriter_new();
    unsigned pick = rnd();
    for (size_t i = 0; i < nsets; i++)
      if (pick >> i & 1 && !(i == 1 && pick & 1)) {
        capkit_rewriter_set(a, sets[i][0], sets[i][1]);
        capkit_rewriter_set(b, sets[i][0], sets[i][1]);
      }
    capkit_record in = rec_of(frame, cap + 14, n + 14);
    capkit_record rin = rec_of(raw, cap, n);
    rin.iface = v6 ? &raw6 : &raw4;
    capkit_record out = CAPKIT_RECORD_INIT, rout = CAPKIT_RECORD_INIT;
    int ra = capkit_rewriter_apply(a, &in, &out);
    memcpy(first, out.data, out.caplen);
    int rb = capkit_rewriter_apply(b, &rin, &rout);
    int same = ra == rb && out.caplen == rout.caplen + 14 &&
               out.origlen == rout.origlen + 14 &&
               memcmp(first, frame, 14) == 0 &&
               memcmp(first + 14, rout.data, rout.caplen) == 0;
    if (!same && equal)
      fprintf(stderr, "# round %d differs (v6 %d, %u of %u bytes, options "
              "%#x)\n", round, v6, cap, n, pick);
    equal &= same;
    changed += ra == 1;
    rounds++;
    capkit_rewriter_free(a);
    capkit_rewriter_free(b);
  }
  CHECK(equal);
  CHECK(changed > rounds / 4);
}

/* capkit_rewriter_apply_to() gives what capkit_rewriter_apply() gives,
 * in the caller's memory (exactly caplen + CAPKIT_REWRITE_GROWTH bytes, so
 * that the sanitizers see a write past it), unchanged packets included:
 * over random Ethernet frames (VLAN tagged or not, damaged, snapped) and
 * option sets, VLAN edits among them; and it refuses too little room. */
static void test_apply_to_property(void) {
  const char *sets[][2] = {
      {"pnat", "10.0.0.0/8:172.16.0.0/12,192.168.0.0/16:10.1.0.0/16"},
      {"portmap", "80:8080"},
      {"enet-smac", "02:00:00:00:00:01"},
      {"ttl", "-2"},
      {"fixcsum", NULL},
      {"mtu-trunc", NULL},
      {"seed", "11"},
      {"enet-vlan", "add"},
      {"enet-vlan", "del"},
      {"enet-vlan-tag", "42"},
  };
  size_t nsets = sizeof sets / sizeof sets[0];
  int equal = 1, changed = 0, unchanged = 0;
  for (int round = 0; round < 3000; round++) {
    int v6 = round % 3 == 2, tagged = rnd() % 4 == 0;
    uint8_t frame[2048];
    uint32_t l2 = tagged ? 18 : 14;
    uint32_t n = random_datagram(frame + l2, sizeof frame - l2, v6);
    for (uint32_t i = 0; i < 12; i++)
      frame[i] = (uint8_t)rnd();
    if (tagged) {
      frame[12] = 0x81, frame[13] = 0x00;
      frame[14] = (uint8_t)rnd(), frame[15] = (uint8_t)rnd();
    }
    frame[l2 - 2] = v6 ? 0x86 : 0x08;
    frame[l2 - 1] = v6 ? 0xdd : 0x00;
    uint32_t len = n + l2;
    uint32_t cap = rnd() % 4 == 0 ? rnd() % (len + 1) : len;
    capkit_rewriter *a = capkit_rewriter_new(), *b = capkit_rewriter_new();
    unsigned pick = rnd();
    int vlan = 0;
    for (size_t i = 0; i < nsets; i++)
      if (pick >> i & 1) {
        /* one VLAN operation at most */
        if (!strcmp(sets[i][0], "enet-vlan") && vlan++)
          continue;
        capkit_rewriter_set(a, sets[i][0], sets[i][1]);
        capkit_rewriter_set(b, sets[i][0], sets[i][1]);
      }
    capkit_record in = rec_of(frame, cap, len);
    capkit_record out = CAPKIT_RECORD_INIT, out2 = CAPKIT_RECORD_INIT;
    size_t room = (size_t)cap + CAPKIT_REWRITE_GROWTH;
    uint8_t *dst = malloc(room);
    int ra = capkit_rewriter_apply(a, &in, &out);
    int rb = capkit_rewriter_apply_to(b, &in, &out2, dst, room);
    int same = ra == rb && ra >= 0 && out2.data == dst &&
               out.caplen == out2.caplen && out.origlen == out2.origlen &&
               out.ts_sec == out2.ts_sec && out.iface == out2.iface &&
               memcmp(out.data, dst, out.caplen) == 0;
    if (!same && equal)
      fprintf(stderr,
              "# apply_to round %d differs (v6 %d, tagged %d, %u "
              "of %u bytes, options %#x)\n",
              round, v6, tagged, cap, len, pick);
    equal &= same;
    changed += ra == 1;
    unchanged += ra == 0;
    free(dst);
    capkit_rewriter_free(a);
    capkit_rewriter_free(b);
  }
  CHECK(equal);
  CHECK(changed > 100);
  CHECK(unchanged > 100);
  capkit_rewriter *rw = capkit_rewriter_new();
  uint8_t d[64] = {0}, dst[67];
  capkit_record in = rec_of(d, sizeof d, sizeof d), out = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_rewriter_apply_to(rw, &in, &out, dst, sizeof dst),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_rewriter_apply_to(rw, &in, &out, NULL, 100), CAPKIT_EINVAL);
  capkit_rewriter_free(rw);
}

int main(void) {
  test_options();
  test_ipmap_property();
  test_snapped_property();
  test_seed_property();
  test_vlan_ttl_mtu();
  test_macs();
  test_ethernet_equals_raw_property();
  test_apply_to_property();
  return tap_done();
}

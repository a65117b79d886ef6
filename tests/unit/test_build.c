/* test_build.c - the packet builder and the hex dump parser through the
 * public API: field values at their wire positions, checksums recomputed
 * here from scratch (RFC 1071) for every generated packet, overrides, every
 * layer, spec errors with their columns, tcp-session numbering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <capkit/capkit.h>

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

/* Internet checksum of a byte sequence plus an initial sum. */
static uint16_t cksum(const uint8_t *p, size_t n, uint32_t s) {
  for (size_t i = 0; i + 1 < n; i += 2)
    s += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (n & 1)
    s += (uint32_t)p[n - 1] << 8;
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

/* Verify every checksum of an IPv4/IPv6 packet starting at ip: returns 1
 * when the IP header (v4) and the transport checksum are right. */
static int checksums_ok(const uint8_t *ip, size_t n) {
  uint32_t ps = 0;
  size_t h;
  int proto;
  if ((ip[0] >> 4) == 4) {
    h = (size_t)(ip[0] & 15) * 4;
    if (cksum(ip, h, 0) != 0)
      return 0;
    proto = ip[9];
    for (int i = 12; i < 20; i += 2)
      ps += be16(ip + i);
  } else {
    h = 40;
    proto = ip[6];
    for (int i = 8; i < 40; i += 2)
      ps += be16(ip + i);
  }
  size_t tl = n - h;
  const uint8_t *t = ip + h;
  if (proto == 1)
    return cksum(t, tl, 0) == 0;
  if (proto == 6 || proto == 17 || proto == 58) {
    ps += (uint32_t)proto + (uint32_t)tl;
    return cksum(t, tl, ps) == 0;
  }
  return 1;
}

/* ---- fixed fields at their places ---- */
static void test_fields(void) {
  uint8_t b[256];
  capkit_spec_error e;
  long n = capkit_build("eth(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55)/"
                        "ipv4(src=10.1.2.3,dst=10.9.8.7,ttl=7,id=0x1234,"
                        "tos=0x10)/udp(sport=1111,dport=2222)/payload(hex="
                        "deadbeef)",
                        b, sizeof b, &e);
  CHECK_EQ(n, 14 + 20 + 8 + 4);
  static const uint8_t mac[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  CHECK(memcmp(b, mac, 12) == 0);
  CHECK_EQ(be16(b + 12), 0x0800);
  CHECK_EQ(b[14], 0x45);
  CHECK_EQ(b[15], 0x10);
  CHECK_EQ(be16(b + 16), 32);
  CHECK_EQ(be16(b + 18), 0x1234);
  CHECK_EQ(b[22], 7);
  CHECK_EQ(b[23], 17);
  CHECK_EQ(be32(b + 26), 0x0a010203u);
  CHECK_EQ(be32(b + 30), 0x0a090807u);
  CHECK_EQ(be16(b + 34), 1111);
  CHECK_EQ(be16(b + 36), 2222);
  CHECK_EQ(be16(b + 38), 12);
  CHECK_EQ(be32(b + 42), 0xdeadbeefu);
  CHECK(checksums_ok(b + 14, (size_t)n - 14));

  /* bit fields: flags, fragment offset, vlan tags */
  n = capkit_build("eth()/vlan(pcp=5,dei=1,id=0xabc)/qinq(id=7)/"
                   "ipv4(df=1,mf=1,frag=0x155)/payload(len=3)",
                   b, sizeof b, &e);
  CHECK_EQ(n, 14 + 4 + 4 + 20 + 3);
  CHECK_EQ(be16(b + 12), 0x8100);
  CHECK_EQ(be16(b + 14), 5 << 13 | 1 << 12 | 0xabc);
  CHECK_EQ(be16(b + 16), 0x88a8);
  CHECK_EQ(be16(b + 18), 7);
  CHECK_EQ(be16(b + 20), 0x0800);
  CHECK_EQ(be16(b + 22 + 6), 0x6000 | 0x155);
  CHECK_EQ(b[22 + 9], 253);
  CHECK(checksums_ok(b + 22, (size_t)n - 22));

  /* tcp flags and options */
  n = capkit_build("ipv4()/tcp(flags=SA,seq=0x01020304,ack=9,mss=1460,"
                   "wscale=7,sackok,ts=5:6,window=512)",
                   b, sizeof b, &e);
  CHECK_EQ(n, 20 + 20 + 20);
  CHECK_EQ(be32(b + 24), 0x01020304u);
  CHECK_EQ(be32(b + 28), 9u);
  CHECK_EQ(b[32] >> 4, 10);
  CHECK_EQ(b[33], 0x12);
  CHECK_EQ(be16(b + 34), 512);
  static const uint8_t opts[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 5,
                                 0, 0, 0, 6, 1, 3, 3, 7};
  CHECK(memcmp(b + 40, opts, sizeof opts) == 0);
  CHECK(checksums_ok(b, (size_t)n));

  /* sll, sll2, arp */
  n = capkit_build("sll(addr=02:03:04:05:06:07)/arp(op=2)", b, sizeof b, &e);
  CHECK_EQ(n, 16 + 28);
  CHECK_EQ(be16(b + 2), 1);
  CHECK_EQ(be16(b + 4), 6);
  CHECK_EQ(b[6], 2);
  CHECK_EQ(b[11], 7);
  CHECK_EQ(b[12], 0);
  CHECK_EQ(be16(b + 14), 0x0806);
  CHECK_EQ(be16(b + 16 + 6), 2);
  n = capkit_build("sll2(ifindex=3)/ipv6()/udp()", b, sizeof b, &e);
  CHECK_EQ(n, 20 + 40 + 8);
  CHECK_EQ(be16(b), 0x86dd);
  CHECK_EQ(be32(b + 4), 3u);
  CHECK_EQ(be16(b + 20 + 4), 8);
  CHECK_EQ(b[20 + 6], 17);
  CHECK(checksums_ok(b + 20, (size_t)n - 20));

  /* IPv6 extension headers chain their next-header fields */
  n = capkit_build("ipv6()/hbh()/rthdr(addr=2001:db8::9)/frag6(m=1,id=5)/"
                   "dstopts(opts=01020000)/icmpv6(id=1,seq=2)/payload(len=5)",
                   b, sizeof b, &e);
  CHECK_EQ(n, 40 + 8 + 24 + 8 + 8 + 8 + 5);
  CHECK_EQ(b[6], 0);
  CHECK_EQ(be16(b + 4), n - 40);
  CHECK_EQ(b[40], 43);
  CHECK_EQ(b[41], 0);
  CHECK_EQ(b[48], 44);
  CHECK_EQ(b[49], 2);
  CHECK_EQ(b[48 + 8 + 15], 9);
  CHECK_EQ(b[72], 60);
  CHECK_EQ(be16(b + 74) & 1, 1);
  CHECK_EQ(be32(b + 76), 5u);
  CHECK_EQ(b[80], 58);
  CHECK_EQ(b[81], 0);
  CHECK_EQ(b[82], 1);
  CHECK_EQ(b[88], 128);
  {
    /* icmpv6 checksum with the pseudo header over the final layers */
    uint32_t ps = 0;
    for (int i = 8; i < 40; i += 2)
      ps += be16(b + i);
    ps += 58 + 13;
    CHECK_EQ(cksum(b + 88, 13, ps), 0);
  }

  /* icmp; payload sources */
  n = capkit_build("ipv4()/icmp(type=0,id=7,seq=9)/payload(text=\"a\\x01\")",
                   b, sizeof b, &e);
  CHECK_EQ(n, 20 + 8 + 2);
  CHECK_EQ(b[20], 0);
  CHECK_EQ(be16(b + 24), 7);
  CHECK_EQ(be16(b + 26), 9);
  CHECK_EQ(b[28], 'a');
  CHECK_EQ(b[29], 1);
  CHECK(checksums_ok(b, (size_t)n));
  n = capkit_build("ipv4()/payload(len=5,pattern=0102)", b, sizeof b, &e);
  CHECK(n == 25 && b[20] == 1 && b[21] == 2 && b[22] == 1 && b[24] == 1);
  n = capkit_build("ipv4()/payload(len=4,fill=0xaa)", b, sizeof b, &e);
  CHECK(n == 24 && b[20] == 0xaa && b[23] == 0xaa);
}

/* ---- deliberately wrong packets ---- */
static void test_overrides(void) {
  uint8_t b[256];
  capkit_spec_error e;
  long n = capkit_build("ipv4(chksum=0x1234,len=99,proto=6,ihl=4)/"
                        "udp(chksum=0,len=3)/payload(len=2)",
                        b, sizeof b, &e);
  CHECK_EQ(n, 30);
  CHECK_EQ(be16(b + 10), 0x1234);
  CHECK_EQ(be16(b + 2), 99);
  CHECK_EQ(b[9], 6);
  CHECK_EQ(b[0], 0x44);
  CHECK_EQ(be16(b + 24), 3);
  CHECK_EQ(be16(b + 26), 0);
  /* Ethernet padding is a trailer: outside lengths and checksums */
  memset(b, 0xee, sizeof b);
  n = capkit_build("eth(pad)/ipv4()/udp()/payload(len=2)", b, sizeof b, &e);
  CHECK_EQ(n, 60);
  CHECK_EQ(be16(b + 16), 30);
  CHECK_EQ(be16(b + 38), 10);
  CHECK(checksums_ok(b + 14, 30));
  CHECK(b[44] == 0 && b[59] == 0);
  n = capkit_build("eth(pad=20)/ipv4()", b, sizeof b, &e);
  CHECK_EQ(n, 34);
  n = capkit_build("eth(type=0x1234)/ipv4()", b, sizeof b, &e);
  CHECK_EQ(be16(b + 12), 0x1234);
  n = capkit_build("ipv4()/tcp(chksum=0xbeef,off=15)", b, sizeof b, &e);
  CHECK_EQ(be16(b + 36), 0xbeef);
  CHECK_EQ(b[32] >> 4, 15);
}

/* ---- varying values, checked against an independent checksum ---- */
static void test_varying(void) {
  capkit_gen *g;
  capkit_spec_error e;
  const uint8_t *d;
  size_t n;
  CHECK_EQ(capkit_gen_new("eth()/ipv4(src=10.0.0.254+,dst=rand,id=1+3@4,"
                          "ttl={1,2,3})/udp(sport=100-102,dport=rand(7-9))/"
                          "payload(len=17,rand)",
                          42, &g, &e),
           0);
  CHECK_EQ(capkit_gen_linktype(g), CAPKIT_LINKTYPE_ETHERNET);
  CHECK_EQ(capkit_gen_round_packets(g), 1);
  int all_ok = 1, dports_ok = 1;
  uint32_t dst0 = 0;
  int dst_varies = 0;
  for (int i = 0; i < 200; i++) {
    capkit_gen_next(g, &d, &n);
    const uint8_t *ip = d + 14;
    all_ok &= n == 14 + 20 + 8 + 17 && checksums_ok(ip, n - 14);
    if (i < 5) {
      CHECK_EQ(be32(ip + 12), 0x0a0000feu + (uint32_t)i);
      CHECK_EQ(be16(ip + 4), 1 + 3 * (i % 4));
      CHECK_EQ(ip[8], 1 + i % 3);
      CHECK_EQ(be16(ip + 20), 100 + i % 3);
    }
    dports_ok &= be16(ip + 22) >= 7 && be16(ip + 22) <= 9;
    if (i == 0)
      dst0 = be32(ip + 16);
    else
      dst_varies |= be32(ip + 16) != dst0;
  }
  CHECK(all_ok);
  CHECK(dports_ok);
  CHECK(dst_varies);
  capkit_gen_free(g);

  /* the same seed gives the same packets, another seed others */
  uint8_t first[3][128];
  uint64_t seeds[3] = {5, 5, 6};
  for (int k = 0; k < 3; k++) {
    CHECK_EQ(capkit_gen_new("ipv6(src=rand)/udp(sport=rand)/"
                            "payload(len=rand(1-40),rand)",
                            seeds[k], &g, &e),
             0);
    for (int i = 0; i < 3; i++)
      capkit_gen_next(g, &d, &n);
    memset(first[k], 0, sizeof first[k]);
    memcpy(first[k], d, n < 128 ? n : 128);
    CHECK(checksums_ok(d, n));
    capkit_gen_free(g);
  }
  CHECK(memcmp(first[0], first[1], 128) == 0);
  CHECK(memcmp(first[0], first[2], 128) != 0);

  /* a varying field inside another checksum's area: ICMP over IPv6 with
   * a varying flow label and the checksum field forced */
  CHECK_EQ(capkit_gen_new("ipv6(dst=2001:db8::ffff:fffe+)/icmpv6(seq=65534+)",
                          1, &g, &e),
           0);
  all_ok = 1;
  for (int i = 0; i < 5; i++) {
    capkit_gen_next(g, &d, &n);
    all_ok &= checksums_ok(d, n) && be16(d + 46) == (uint16_t)(65534 + i);
  }
  CHECK(all_ok);
  CHECK_EQ(d[39], 2); /* low 64 bits wrapped: ::ffff:fffe + 4 */
  capkit_gen_free(g);
}

static void test_session(void) {
  capkit_gen *g;
  capkit_spec_error e;
  const uint8_t *d;
  size_t n;
  CHECK_EQ(capkit_gen_new("ipv4(src=1.1.1.1,dst=2.2.2.2)/tcp-session("
                          "sport=5000,dport=80,isn=100,risn=900,req=\"abc\","
                          "resplen=2500,segsize=1000)",
                          1, &g, &e),
           0);
  /* 3 handshake + 2 request + 6 response + 4 teardown */
  CHECK_EQ(capkit_gen_round_packets(g), 15);
  uint32_t next[2] = {100, 900}; /* next sequence number per direction */
  int ok = 1;
  for (int i = 0; i < 15; i++) {
    capkit_gen_next(g, &d, &n);
    ok &= checksums_ok(d, n);
    int dir = be32(d + 12) == 0x02020202u;
    const uint8_t *t = d + 20;
    size_t hl = (size_t)(t[12] >> 4) * 4, dl = n - 20 - hl;
    uint8_t fl = t[13];
    ok &= be16(t) == (dir ? 80 : 5000);
    ok &= be32(t + 4) == next[dir];
    if (fl & 0x10)
      ok &= be32(t + 8) == next[!dir];
    next[dir] += (uint32_t)dl + ((fl & 0x03) ? 1 : 0);
  }
  CHECK(ok);
  CHECK_EQ(next[0], 100 + 1 + 3 + 1);
  CHECK_EQ(next[1], 900 + 1 + 2500 + 1);
  capkit_gen_free(g);
  CHECK_EQ(capkit_gen_new("ipv6()/tcp-session(close=rst)", 1, &g, &e), 0);
  CHECK_EQ(capkit_gen_round_packets(g), 4);
  capkit_gen_free(g);
}

/* ---- spec errors: the column and what was expected ---- */
static void test_errors(void) {
  static const struct {
    const char *spec;
    size_t col;
    const char *msg;
  } bad[] = {
      {"eth()/ipv4(src=10.0.0.300)", 16, "IPv4 address"},
      {"eth()/ipv5()", 7, "unknown layer"},
      {"eth()/ipv4(ttl=256)", 16, "8 bits"},
      {"eth()/ipv4(foo=1)", 12, "no field 'foo'"},
      {"eth()/ipv4(ttl=3", 17, "expected ',' or ')'"},
      {"udp()", 1, "first layer"},
      {"eth(dst=01:02)", 9, "MAC address"},
      {"ipv6(src=::1-::2:0:0:0:0)", 10, "low 64 bits"},
      {"ipv4()/tcp(flags=SX)", 19, "TCP flag"},
      {"ipv4()/udp(sport=5-3)", 20, "ends before"},
      {"ipv4()/payload(len=4)/udp()", 23, "nothing may follow"},
      {"ipv4()/udp(sport={1,2)", 23, "'}'"},
      {"ipv4()/payload(hex=abc)", 22, "hex digits"},
      {"ipv4()/payload(text=\"ab)", 21, "unterminated"},
      {"ipv4()/tcp-session(close=maybe)", 26, "fin, rst or none"},
      {"eth() ipv4()", 7, "expected '/'"},
      {"ipv4()/payload(rand)", 8, "needs a length"},
      {"ipv4()/udp(sport=1+x)", 20, "step"},
      {"eth()/icmpv6()", 7, "must follow ipv6"},
      {"", 1, "layer name"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    capkit_gen *g = (capkit_gen *)1;
    capkit_spec_error e;
    int rc = capkit_gen_new(bad[i].spec, 1, &g, &e);
    int ok = rc == CAPKIT_ESPEC && g == NULL && e.column == bad[i].col &&
             strstr(e.message, bad[i].msg) != NULL;
    if (!ok)
      fprintf(stderr, "spec '%s': rc %d column %zu '%s'\n", bad[i].spec, rc,
              e.column, e.message);
    CHECK(ok);
  }
  uint8_t b[8];
  capkit_spec_error e;
  CHECK_EQ(capkit_build("ipv4()/payload(file=/nonexistent/x)", b, sizeof b,
                        &e),
           CAPKIT_EOPEN);
  /* a packet longer than the buffer: the length is still reported */
  CHECK_EQ(capkit_build("ipv4()/payload(len=100)", b, sizeof b, &e), 120);
}

/* ---- hex dumps ---- */
static int parse_all(const char *text, const char *fmt, size_t chunk,
                     capkit_hex_packet *out, uint8_t bufs[][128], int max) {
  capkit_hexparse *p = capkit_hexparse_new(fmt, 0);
  size_t len = strlen(text);
  int n = 0, rc = 0;
  for (size_t i = 0; i < len && !rc; i += chunk)
    rc = capkit_hexparse_feed(p, text + i, len - i < chunk ? len - i : chunk);
  if (!rc)
    rc = capkit_hexparse_finish(p);
  capkit_hex_packet pk;
  while (!rc && (rc = capkit_hexparse_next(p, &pk)) > 0 && n < max) {
    out[n] = pk;
    memcpy(bufs[n], pk.data, pk.len < 128 ? pk.len : 128);
    out[n].data = bufs[n];
    n++;
    rc = 0;
  }
  capkit_hexparse_free(p);
  return rc < 0 ? rc : n;
}

static void test_hexparse(void) {
  capkit_hex_packet pk[4];
  uint8_t bufs[4][128];
  /* hexdump -C: ASCII in bars, a repeated line collapsed into '*' */
  const char *hd = "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f"
                   "  |................|\n"
                   "00000010  ff ff ff ff ff ff ff ff  ff ff ff ff ff ff ff ff"
                   "  |................|\n*\n"
                   "00000030  ab cd                                           "
                   "  |..|\n00000032\n";
  for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
    int n = parse_all(hd, NULL, chunk, pk, bufs, 4);
    CHECK_EQ(n, 1);
    CHECK(n == 1 && pk[0].len == 0x32 && pk[0].data[15] == 15 &&
          pk[0].data[0x2f] == 0xff && pk[0].data[0x31] == 0xcd);
  }
  /* xxd: ASCII after the groups, even when it looks like hex */
  const char *xxd = "00000000: 6162 6364 6566 6162 6364 6566 6162 6364  "
                    "abcdefabcdefabcd\n"
                    "00000010: 6162                                     ab\n";
  int n = parse_all(xxd, NULL, 7, pk, bufs, 4);
  CHECK_EQ(n, 1);
  CHECK(n == 1 && pk[0].len == 18 && pk[0].data[17] == 0x62);
  /* a short packet first says nothing about the width of later lines */
  const char *sh = "0000 01 02\n0002\n"
                   "0000 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
                   "0010 aa bb\n0012\n";
  n = parse_all(sh, NULL, 1, pk, bufs, 4);
  CHECK(n == 2 && pk[0].len == 2 && pk[1].len == 18 && pk[1].data[17] == 0xbb);
  /* tcpdump -xx with times; two packets */
  const char *td = "07:52:34.996790 IP 1.2.3.4 > 5.6.7.8: tcp\n"
                   "\t0x0000:  0012 cfe5 54a0\n"
                   "07:52:35.5 IP 1.2.3.4 > 5.6.7.8: tcp\n"
                   "\t0x0000:  aabb\n\t0x0002:  cc\n";
  n = parse_all(td, "%H:%M:%S.", 3, pk, bufs, 4);
  CHECK_EQ(n, 2);
  CHECK(n == 2 && pk[0].len == 6 && pk[0].has_time &&
        pk[0].ts_sec == 7 * 3600 + 52 * 60 + 34 && pk[0].ts_nsec == 996790000);
  CHECK(n == 2 && pk[1].len == 3 && pk[1].data[2] == 0xcc &&
        pk[1].ts_nsec == 500000000 && pk[1].line == 4);
  /* capkit dump -x record lines carry time and original length */
  const char *dx = "# 1 2012-06-05 07:52:34.123456789 caplen 2 origlen 60\n"
                   "000000  0a 0b                  ..\n";
  n = parse_all(dx, NULL, 5, pk, bufs, 4);
  CHECK(n == 1 && pk[0].has_time && pk[0].ts_sec == 1338882754 &&
        pk[0].ts_nsec == 123456789 && pk[0].ts_digits == 9 &&
        pk[0].has_origlen && pk[0].origlen == 60 && pk[0].len == 2);
  /* inconsistent offsets are errors naming the line */
  capkit_hexparse *p = capkit_hexparse_new(NULL, 0);
  const char *gap = "0000 01 02\n0010 03\n";
  CHECK(capkit_hexparse_feed(p, gap, strlen(gap)) < 0);
  CHECK(strstr(capkit_hexparse_error(p), "line 2:") != NULL);
  capkit_hexparse_free(p);
  /* whole mode: lines without offsets, as in a cut hexdump listing */
  p = capkit_hexparse_new(NULL, CAPKIT_HEX_WHOLE);
  const char *wh = "a dump:\nd4 c3 b2 a1 02 00\n  04 00\nnot hex\n";
  CHECK_EQ(capkit_hexparse_feed(p, wh, strlen(wh)), 0);
  CHECK_EQ(capkit_hexparse_finish(p), 0);
  size_t wl;
  const uint8_t *wb = capkit_hexparse_bytes(p, &wl);
  CHECK(wl == 8 && wb[0] == 0xd4 && wb[7] == 0);
  capkit_hexparse_free(p);
}

int main(void) {
  test_fields();
  test_overrides();
  test_varying();
  test_session();
  test_errors();
  test_hexparse();
  return tap_done();
}

/* test_hexparse.c - the hex dump parser's text2pcap -D direction lines,
 * hexdump's default 16-bit words (bytes as the hexdump(1) manual defines
 * its default format on a little-endian host), records made from packets,
 * the whole-file probe with each offset radix, and --wrap specs. */
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>

#include "tap.h"

static capkit_hexparse *parse(const char *text, unsigned flags) {
  capkit_hexparse *p = capkit_hexparse_new(NULL, flags);
  CHECK_EQ(capkit_hexparse_feed(p, text, strlen(text)), 0);
  CHECK_EQ(capkit_hexparse_finish(p), 0);
  return p;
}

int main(void) {
  /* direction lines: I, o, none; only with the flag */
  const char *d = "I\n000000 00 01 02\no\n000000 03 04\n000000 05\n";
  capkit_hexparse *p = parse(d, CAPKIT_HEX_DIRECTION);
  capkit_hex_packet pk;
  uint32_t want[] = {1, 2, 0};
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
    CHECK_EQ(pk.flags, want[i]);
    capkit_record rec = CAPKIT_RECORD_INIT;
    CHECK_EQ(capkit_hexparse_record(p, &pk, &rec), 0);
    CHECK_EQ(rec.flags, want[i]);
    CHECK_EQ(rec.caplen, (uint32_t)(3 - i));
    CHECK_EQ(rec.ts_sec, 0);
    CHECK_EQ(rec.ts_nsec, (uint32_t)i * 1000); /* 1 us apart */
  }
  CHECK_EQ(capkit_hexparse_next(p, &pk), 0);
  capkit_hexparse_free(p);
  p = parse(d, 0);
  CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
  CHECK_EQ(pk.flags, 0);
  capkit_hexparse_free(p);

  /* hexdump's default: "abcdefghijklmnopqrs" */
  const char *hd = "0000000 6261 6463 6665 6867 6a69 6c6b 6e6d 706f\n"
                   "0000010 7271 0073\n"
                   "0000013\n";
  p = parse(hd, 0);
  CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
  CHECK_EQ(pk.len, 19);
  CHECK(pk.len == 19 && memcmp(pk.data, "abcdefghijklmnopqrs", 19) == 0);
  capkit_hexparse_free(p);
  /* xxd's 4-digit groups (8-digit offset with ':') stay in order */
  p = parse("00000000: 6768 696a  ghij\n", 0);
  CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
  CHECK(pk.len == 4 && memcmp(pk.data, "ghij", 4) == 0);
  capkit_hexparse_free(p);
  /* hexdump's '*': the line repeats up to the next offset */
  p = parse("0000000 0707 0707 0707 0707 0707 0707 0707 0707\n*\n"
            "0000030 0707\n0000031\n", 0);
  CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
  CHECK_EQ(pk.len, 49);
  capkit_hexparse_free(p);

  /* the probe: a pcap magic in hex, octal and decimal offsets */
  const char *hx = "0000000 c3d4 a1b2 0002 0004\n";
  CHECK_EQ(capkit_hexparse_probe(hx, strlen(hx), 0), 1);
  const char *oo = "0000000 d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00\n"
                   "0000020 ff ff 00 00 01 00 00 00\n";
  CHECK_EQ(capkit_hexparse_probe(oo, strlen(oo), CAPKIT_HEX_OFFSET_OCT), 1);
  p = capkit_hexparse_new(NULL, CAPKIT_HEX_WHOLE | CAPKIT_HEX_OFFSET_OCT);
  CHECK_EQ(capkit_hexparse_feed(p, oo, strlen(oo)), 0);
  CHECK_EQ(capkit_hexparse_finish(p), 0);
  size_t n = 0;
  const uint8_t *b = capkit_hexparse_bytes(p, &n);
  CHECK(n == 24 && b[16] == 0xff && b[20] == 1);
  capkit_hexparse_free(p);
  CHECK_EQ(capkit_hexparse_probe("000000 00 01\n", 13, 0), 0);

  /* a record keeps a dump's time and original length */
  const char *dx = "# 1 2024-01-02 03:04:05.5 caplen 2 origlen 60\n"
                   "000000  aa bb\n000000  cc\n";
  p = parse(dx, 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
  CHECK_EQ(capkit_hexparse_record(p, &pk, &rec), 0);
  CHECK(rec.ts_sec == 1704164645 && rec.ts_nsec == 500000000);
  CHECK(rec.caplen == 2 && rec.origlen == 60);
  CHECK_EQ(capkit_hexparse_next(p, &pk), 1);
  CHECK_EQ(capkit_hexparse_record(p, &pk, &rec), 0);
  CHECK(rec.ts_sec == 1704164645 && rec.ts_nsec == 500001000);
  CHECK(rec.caplen == 1 && rec.origlen == 1);
  CHECK_EQ(capkit_hexparse_record(NULL, &pk, &rec), CAPKIT_EINVAL);
  capkit_hexparse_free(p);

  /* --wrap specs */
  capkit_gen *g = NULL;
  capkit_spec_error e;
  CHECK_EQ(capkit_gen_new_wrap("eth()/ipv4()/udp(dport=53)", 1, &g, &e), 0);
  CHECK(g != NULL);
  const uint8_t *w;
  size_t wl;
  CHECK_EQ(capkit_gen_wrap(g, (const uint8_t *)"xy", 2, &w, &wl), 0);
  CHECK_EQ(wl, 14 + 20 + 8 + 2);
  capkit_gen_free(g);
  CHECK_EQ(capkit_gen_new_wrap("eth()/payload(len=3)", 1, &g, &e), CAPKIT_ESPEC);
  CHECK(g == NULL && e.column == 1);
  CHECK_EQ(capkit_gen_new_wrap("eth()/ipv4()/tcp-session()", 1, &g, &e),
           CAPKIT_ESPEC);
  CHECK_EQ(capkit_gen_new_wrap("nosuch()", 1, &g, &e), CAPKIT_ESPEC);
  return tap_done();
}

/* test_print.c - the printer, the field visitor and the JSON string writer
 * through the public API: JSON validity and UTF-8 round trips (checked by
 * /usr/bin/python3's json module over seeded random byte strings), time
 * stamps anywhere in the 64-bit range (dates from the proleptic Gregorian
 * calendar), the snprintf contract, and field positions on the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/input.h>
#include <capkit/json.h>
#include <capkit/printer.h>

#include "mkpkt.h"

#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 32);
}

/* A random valid UTF-8 string of about n bytes. */
static size_t rand_utf8(unsigned char *s, size_t n) {
  size_t k = 0;
  while (k + 4 <= n) {
    uint32_t cp;
    switch (rnd() % 4) {
    case 0:
      cp = rnd() % 0x80;
      break;
    case 1:
      cp = 0x80 + rnd() % (0x800 - 0x80);
      break;
    case 2:
      do
        cp = 0x800 + rnd() % (0x10000 - 0x800);
      while (cp >= 0xd800 && cp <= 0xdfff);
      break;
    default:
      cp = 0x10000 + rnd() % (0x110000 - 0x10000);
    }
    if (cp < 0x80)
      s[k++] = (unsigned char)cp;
    else if (cp < 0x800) {
      s[k++] = (unsigned char)(0xc0 | cp >> 6);
      s[k++] = (unsigned char)(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
      s[k++] = (unsigned char)(0xe0 | cp >> 12);
      s[k++] = (unsigned char)(0x80 | (cp >> 6 & 63));
      s[k++] = (unsigned char)(0x80 | (cp & 63));
    } else {
      s[k++] = (unsigned char)(0xf0 | cp >> 18);
      s[k++] = (unsigned char)(0x80 | (cp >> 12 & 63));
      s[k++] = (unsigned char)(0x80 | (cp >> 6 & 63));
      s[k++] = (unsigned char)(0x80 | (cp & 63));
    }
  }
  return k;
}

static void hexline(FILE *f, const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    fprintf(f, "%02x", s[i]);
  fputc('\n', f);
}

/* Random bytes and random UTF-8: every output is JSON that Python parses
 * from valid UTF-8; the UTF-8 ones decode to exactly their input; the
 * random ones decode to the input read as UTF-8 where valid, each other
 * byte as the code point of its value. */
static void json_property(void) {
  char path[] = "/tmp/capkit-json-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0)
    return;
  FILE *f = fdopen(fd, "w");
  unsigned char in[256];
  char out[CAPKIT_JSON_STRING_MAX(256) + 1];
  for (int i = 0; i < 2000; i++) {
    size_t n;
    int utf8 = i & 1;
    if (utf8)
      n = rand_utf8(in, rnd() % 200);
    else {
      n = rnd() % 64;
      for (size_t k = 0; k < n; k++)
        in[k] = (unsigned char)rnd();
    }
    size_t m = capkit_json_string(out, sizeof out, in, n);
    CHECK(m < sizeof out && m <= CAPKIT_JSON_STRING_MAX(n));
    fprintf(f, "%c ", utf8 ? 'U' : 'B');
    hexline(f, in, n);
    hexline(f, (unsigned char *)out, m);
  }
  fclose(f);
  char cmd[512];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c '\n"
           "import json, sys\n"
           "L = open(sys.argv[1]).read().split(\"\\n\")\n"
           "for k in range(0, len(L) - 1, 2):\n"
           "    kind, a = L[k].split(\" \") + [\"\"] * (2 - len(L[k].split(\" \")))\n"
           "    i, o = bytes.fromhex(a), bytes.fromhex(L[k + 1])\n"
           "    s = json.loads(o.decode(\"utf-8\"))\n"
           "    want = i.decode(\"utf-8\", \"surrogateescape\")\n"
           "    want = \"\".join(chr(ord(c) - 0xdc00) if 0xdc80 <= ord(c) <= 0xdcff else c for c in want)\n"
           "    assert s == want, (i, o, s)\n"
           "' %s",
           path);
  int rc = system(cmd);
  CHECK(rc == 0);
  remove(path);
  /* fixed cases from the specification */
  char t[64];
  capkit_json_string(t, sizeof t, "a\"\\\n\x01\x7f", 6);
  CHECK(!strcmp(t, "\"a\\\"\\\\\\n\\u0001\\u007f\""));
  capkit_json_string(t, sizeof t, "\xc3\xa9\xe9\xed\xa0\x80\xf4\x90\x80\x80",
                     10);
  CHECK(!strcmp(t, "\"\xc3\xa9\\u00e9\\u00ed\\u00a0\\u0080\\u00f4\\u0090"
                   "\\u0080\\u0080\""));
  CHECK_EQ(capkit_json_string(t, 3, "abcd", 4), (size_t)6);
  CHECK(!strcmp(t, "\"a"));
}

static const char *render(capkit_printer *p, int64_t sec, uint32_t nsec) {
  static uint8_t pkt[60];
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.ts_sec = sec;
  rec.ts_nsec = nsec;
  rec.data = pkt;
  rec.caplen = rec.origlen = sizeof pkt;
  const char *t;
  size_t n;
  if (capkit_printer_render(p, &rec, &t, &n) != 0)
    return "";
  return t;
}

/* Times far outside 1678..2262 never wrap; dates from the calendar. */
static void times(void) {
  capkit_printer *p = capkit_printer_new(0);
  CHECK(p != NULL);
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_DATE);
  CHECK(!strncmp(render(p, 0, 5000), "1970-01-01 00:00:00.000005 ", 27));
  CHECK(!strncmp(render(p, 253402300800, 0), "10000-01-01 00:00:00.000000", 27));
  CHECK(!strncmp(render(p, -62135596800, 0), "0001-01-01 00:00:00.000000", 26));
  CHECK(!strncmp(render(p, 951782400, 0), "2000-02-29 00:00:00", 19));
  CHECK(!strncmp(render(p, -1, 999999999), "1969-12-31 23:59:59.999999", 26));
  CHECK(render(p, INT64_MAX, 999999999)[0] != '\0');
  CHECK(render(p, INT64_MIN, 0)[0] != '\0');
  capkit_printer_free(p);

  p = capkit_printer_new(CAPKIT_PRINT_NANO);
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_REL);
  CHECK(!strncmp(render(p, INT64_MIN, 0), " 00:00:00.000000000 ", 20));
  /* 2^64-1 seconds = 5124095576030431 h 0 min 15 s */
  CHECK(!strncmp(render(p, INT64_MAX, 7), " 5124095576030431:00:15.000000007 ",
                 34));
  capkit_printer_free(p);

  p = capkit_printer_new(0);
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_DELTA);
  render(p, 10, 500000000);
  CHECK(!strncmp(render(p, 9, 700000000), "-00:00:00.800000 ", 17));
  CHECK(!strncmp(render(p, 3609, 700000001), " 01:00:00.000000 ", 17));
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_ABS);
  CHECK(!strncmp(render(p, -1, 0), "23:59:59.000000 ", 16));
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_EPOCH);
  CHECK(!strncmp(render(p, 1700000000, 123456789), "1700000000.123456 ", 18));
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_NONE);
  CHECK(!strncmp(render(p, 1, 0), "IP", 2) || render(p, 1, 0)[0] != ' ');
  CHECK_EQ(capkit_printer_set_time(p, 99), CAPKIT_EINVAL);
  capkit_printer_free(p);
}

/* An Ethernet/IPv4/UDP packet. */
static const uint8_t udp_pkt[] = {
    0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,             /* eth */
    0x45, 0, 0, 31, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* ip */
    0x30, 0x39, 0x00, 0x50, 0, 11, 0, 0,                                /* udp */
    'a', 'b', 'c'};

static void line_api(void) {
  capkit_printer *p = capkit_printer_new(0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.ts_sec = 3661;
  rec.ts_nsec = 1000;
  rec.data = udp_pkt;
  rec.caplen = rec.origlen = sizeof udp_pkt;
  static const char want[] =
      "01:01:01.000001 IP 10.0.0.1.12345 > 10.0.0.2.80: UDP, length 3\n";
  char small[10];
  size_t n = capkit_printer_line(p, &rec, small, sizeof small);
  CHECK_EQ(n, sizeof want - 1);
  CHECK(!strcmp(small, "01:01:01."));
  size_t m;
  CHECK(!strcmp(capkit_printer_text(p, &m), want));
  CHECK_EQ(m, n);
  /* append keeps the text of several records; clear empties it */
  capkit_printer *q = capkit_printer_new(0);
  CHECK_EQ(capkit_printer_append(q, &rec), 0);
  CHECK_EQ(capkit_printer_append(q, &rec), 0);
  CHECK_EQ(capkit_printer_text(q, &m), capkit_printer_text(q, NULL));
  CHECK_EQ(m, 2 * (sizeof want - 1));
  CHECK(!strncmp(capkit_printer_text(q, NULL), want, sizeof want - 1) &&
        !strcmp(capkit_printer_text(q, NULL) + sizeof want - 1, want));
  capkit_printer_clear(q);
  CHECK(!strcmp(capkit_printer_text(q, &m), "") && m == 0);
  capkit_printer_free(q);
  capkit_record zero;
  memset(&zero, 0, sizeof zero);
  const char *t;
  CHECK_EQ(capkit_printer_render(p, &zero, &t, &m), CAPKIT_EMISUSE);
  CHECK(!strcmp(t, "") && m == 0);
  capkit_printer_free(p);
  capkit_printer_free(NULL);
}

typedef struct seen {
  int layers, sport_ok, src_ok, dst_ok, stop_at;
  int count;
} seen;

static int visit(const capkit_field *f, void *user) {
  seen *s = user;
  s->count++;
  if (s->stop_at && s->count >= s->stop_at)
    return 7;
  if (f->kind == CAPKIT_FIELD_LAYER) {
    s->layers++;
    return 0;
  }
  /* the bytes at the field's position hold its value */
  if (!strcmp(f->layer_name, "udp") && !strcmp(f->name, "sport"))
    s->sport_ok = f->kind == CAPKIT_FIELD_UINT && f->u == 12345 &&
                  f->length == 2 &&
                  (udp_pkt[f->offset] << 8 | udp_pkt[f->offset + 1]) == 12345;
  if (!strcmp(f->layer_name, "ip") && !strcmp(f->name, "src"))
    s->src_ok = f->kind == CAPKIT_FIELD_IPV4 && f->length == 4 &&
                !memcmp(udp_pkt + f->offset, f->bytes, 4);
  if (!strcmp(f->layer_name, "eth") && !strcmp(f->name, "dst"))
    s->dst_ok = f->kind == CAPKIT_FIELD_MAC && f->offset == 0 &&
                f->nbytes == 6;
  return 0;
}

static void visitor(void) {
  seen s;
  memset(&s, 0, sizeof s);
  CHECK_EQ(capkit_fields_visit(udp_pkt, sizeof udp_pkt, 1, visit, &s), 0);
  CHECK_EQ(s.layers, 3);
  CHECK(s.sport_ok && s.src_ok && s.dst_ok);
  int all = s.count;
  memset(&s, 0, sizeof s);
  s.stop_at = 5;
  CHECK_EQ(capkit_fields_visit(udp_pkt, sizeof udp_pkt, 1, visit, &s), 7);
  CHECK_EQ(s.count, 5);
  CHECK(all > 20);
  memset(&s, 0, sizeof s);
  CHECK_EQ(capkit_fields_visit(udp_pkt, sizeof udp_pkt, 9999, visit, &s), 0);
  CHECK_EQ(s.count, 0);
}

/* Seeded random damage to a valid packet, rendered in every mode on every
 * link type the decoder knows (the sanitizer build watches the reads);
 * every JSON object parses (Python) and holds one packet. */
static void random_packets(void) {
  static const uint32_t lts[] = {1, 101, 113, 276, 0, 108, 228, 229, 12};
  static const unsigned modes[] = {
      0, CAPKIT_PRINT_LINK, CAPKIT_PRINT_FIELDS | CAPKIT_PRINT_HEX,
      CAPKIT_PRINT_LINK | CAPKIT_PRINT_ABSOLUTE | CAPKIT_PRINT_FIELDS};
  char path[] = "/tmp/capkit-pjson-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0)
    return;
  FILE *f = fdopen(fd, "w");
  capkit_printer *pm[4], *pj = capkit_printer_new(CAPKIT_PRINT_JSON);
  for (int m = 0; m < 4; m++)
    pm[m] = capkit_printer_new(modes[m]);
  uint8_t b[128];
  capkit_iface ifc;
  memset(&ifc, 0, sizeof ifc);
  int lines = 0, bad = 0;
  for (int i = 0; i < 4000; i++) {
    size_t n = sizeof udp_pkt;
    memcpy(b, udp_pkt, n);
    if (rnd() % 3 == 0) { /* a random tail */
      n = rnd() % sizeof b;
      for (size_t k = 14; k < n; k++)
        b[k] = (uint8_t)rnd();
    }
    for (int k = rnd() % 6; k > 0 && n; k--)
      b[rnd() % n] = (uint8_t)rnd();
    capkit_record rec = CAPKIT_RECORD_INIT;
    ifc.linktype = lts[rnd() % (sizeof lts / sizeof *lts)];
    rec.iface = &ifc;
    rec.data = b;
    rec.caplen = (uint32_t)n;
    rec.origlen = (uint32_t)n + rnd() % 3;
    rec.ts_sec = (int64_t)rnd() - 0x7fffffff;
    rec.number = (uint64_t)i + 1;
    const char *t;
    size_t len;
    for (int m = 0; m < 4; m++)
      if (capkit_printer_render(pm[m], &rec, &t, &len) != 0 || !len ||
          t[len - 1] != '\n' || strlen(t) != len)
        bad++;
    if (capkit_printer_render(pj, &rec, &t, &len) != 0 ||
        memchr(t, '\n', len) != t + len - 1)
      bad++;
    fwrite(t, 1, len, f);
    lines++;
  }
  CHECK_EQ(bad, 0);
  fclose(f);
  char cmd[300];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 -c 'import json, sys\n"
           "n = 0\n"
           "for l in open(sys.argv[1], encoding=\"utf-8\"):\n"
           "    o = json.loads(l); assert \"layers\" in o; n += 1\n"
           "assert n == %d' %s",
           lines, path);
  CHECK(system(cmd) == 0);
  remove(path);
  for (int m = 0; m < 4; m++)
    capkit_printer_free(pm[m]);
  capkit_printer_free(pj);
}

/* An ACK segment of connection K (10.0.0.1:K > 10.0.0.2:80). */
static const char *tcp_line(capkit_printer *p, unsigned k, uint32_t seq,
                            uint32_t ack) {
  static uint8_t b[54];
  static const uint8_t hdr[34] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0,
                                  0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0,
                                  10, 0, 0, 1, 10, 0, 0, 2};
  memcpy(b, hdr, sizeof hdr);
  uint8_t *t = b + 34;
  memset(t, 0, 20);
  t[0] = (uint8_t)(k >> 8), t[1] = (uint8_t)k, t[3] = 80;
  for (int i = 0; i < 4; i++) {
    t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
    t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
  }
  t[12] = 0x50, t[13] = 0x10, t[15] = 100;
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.data = b;
  rec.caplen = rec.origlen = sizeof b;
  const char *x;
  size_t n;
  return capkit_printer_render(p, &rec, &x, &n) == 0 ? x : "";
}

/* The connection table is bounded: beyond the limit it starts afresh, and
 * a connection seen before the reset is numbered as a new one. */
static void tcp_bound(void) {
  capkit_printer *p = capkit_printer_new(0);
  capkit_printer_set_time(p, CAPKIT_PRINT_TIME_NONE);
  CHECK_EQ(capkit_printer_set_max_tcp(p, 0), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_set_max_tcp(p, 3), 0);
  /* the first ACK of a connection prints absolute numbers (tcpdump) */
  CHECK(strstr(tcp_line(p, 1000, 500, 900), "ack 900,") != NULL);
  CHECK(strstr(tcp_line(p, 1000, 500, 901), "ack 2,") != NULL);
  tcp_line(p, 1001, 1, 1);
  tcp_line(p, 1002, 1, 1);
  CHECK(strstr(tcp_line(p, 1000, 500, 905), "ack 6,") != NULL);
  tcp_line(p, 1003, 1, 1); /* a fourth: the table starts afresh */
  CHECK(strstr(tcp_line(p, 1000, 500, 907), "ack 907,") != NULL);
  CHECK(strstr(tcp_line(p, 1000, 500, 908), "ack 2,") != NULL);
  capkit_printer_free(p);
}

static void names(void) {
  CHECK(!strcmp(capkit_ethertype_name(0x86dd), "IPv6"));
  CHECK(capkit_ethertype_name(0x1234) == NULL);
  CHECK(!strcmp(capkit_ipproto_name(58), "ICMPv6"));
  CHECK(!strcmp(capkit_port_name(53, 17), "domain"));
  CHECK(capkit_port_name(123, 6) == NULL);
  CHECK(!strcmp(capkit_icmp_type_name(8), "echo request"));
  CHECK(!strcmp(capkit_icmp6_type_name(135), "neighbor solicitation"));
  CHECK(!strcmp(capkit_dns_type_name(28), "AAAA"));
  char t[CAPKIT_IP6_TEXT_MAX];
  static const uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                0,    0,    0,    0,    0, 0, 0, 1};
  CHECK_EQ(capkit_ip6_text(t, a), (size_t)11);
  CHECK(!strcmp(t, "2001:db8::1"));
}

/* The text of udp_pkt rendered with FLAGS (at 01:01:01.000001). */
static const char *flag_text(unsigned flags, capkit_printer **keep) {
  capkit_printer *p = capkit_printer_new(flags);
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.ts_sec = 3661;
  rec.ts_nsec = 1000;
  rec.data = udp_pkt;
  rec.caplen = rec.origlen = sizeof udp_pkt;
  const char *t = "";
  size_t n;
  if (!p || capkit_printer_render(p, &rec, &t, &n) != 0)
    t = "(failed)";
  *keep = p;
  return t;
}

/* tcpdump's options as printer flags, on udp_pkt (IPv4 header checksum 0,
 * UDP checksum 0): each expected text is what tcpdump 4.99 -nn prints for
 * that packet with the option the flag names. */
static void tcpdump_flags(void) {
  static const char line[] =
      "01:01:01.000001 IP 10.0.0.1.12345 > 10.0.0.2.80: UDP, length 3\n";
  static const struct {
    unsigned flags;
    const char *after; /* what follows the line */
  } cases[] = {
      {CAPKIT_PRINT_HEX_NET, /* -x */
       "\t0x0000:  4500 001f 0001 0000 4011 0000 0a00 0001\n"
       "\t0x0010:  0a00 0002 3039 0050 000b 0000 6162 63\n"},
      {CAPKIT_PRINT_HEX, /* -xx */
       "\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500\n"
       "\t0x0010:  001f 0001 0000 4011 0000 0a00 0001 0a00\n"
       "\t0x0020:  0002 3039 0050 000b 0000 6162 63\n"},
      {CAPKIT_PRINT_HEX_ASCII, /* -X */
       "\t0x0000:  4500 001f 0001 0000 4011 0000 0a00 0001  E.......@.......\n"
       "\t0x0010:  0a00 0002 3039 0050 000b 0000 6162 63    ....09.P....abc\n"},
      {CAPKIT_PRINT_HEX_NET | CAPKIT_PRINT_HEX_ASCII, /* -X too */
       "\t0x0000:  4500 001f 0001 0000 4011 0000 0a00 0001  E.......@.......\n"
       "\t0x0010:  0a00 0002 3039 0050 000b 0000 6162 63    ....09.P....abc\n"},
      {CAPKIT_PRINT_HEX | CAPKIT_PRINT_HEX_ASCII, /* -XX */
       "\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.\n"
       "\t0x0010:  001f 0001 0000 4011 0000 0a00 0001 0a00  ......@.........\n"
       "\t0x0020:  0002 3039 0050 000b 0000 6162 63         ..09.P....abc\n"},
      {CAPKIT_PRINT_ASCII, /* -A */
       "E.......@...\n...\n...09.P....abc\n"},
      {CAPKIT_PRINT_ASCII_LINK, /* -AA */
       "..............E.......@...\n...\n...09.P....abc\n"},
      {CAPKIT_PRINT_ASCII | CAPKIT_PRINT_HEX_NET, /* -A -x: hex wins */
       "\t0x0000:  4500 001f 0001 0000 4011 0000 0a00 0001\n"
       "\t0x0010:  0a00 0002 3039 0050 000b 0000 6162 63\n"},
      {CAPKIT_PRINT_QUIET, ""}, /* -q: nothing over UDP, the same here */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    capkit_printer *p;
    const char *t = flag_text(cases[i].flags, &p);
    size_t k = sizeof line - 1;
    CHECK(!strncmp(t, line, k) && !strcmp(t + k, cases[i].after));
    capkit_printer_free(p);
  }
  capkit_printer *p;
  CHECK(!strcmp(flag_text(CAPKIT_PRINT_QUIET | CAPKIT_PRINT_LINK, &p),
                "01:01:01.000001 02:00:00:00:00:01 > 02:00:00:00:00:02, "
                "IPv4, length 45: 10.0.0.1.12345 > 10.0.0.2.80: UDP, length "
                "3\n"));
  capkit_printer_free(p);
  static const char v1[] =
      "01:01:01.000001 IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], "
      "proto UDP (17), length 31, bad cksum 0 (->66cb)!)\n"
      "    10.0.0.1.12345 > 10.0.0.2.80: UDP, length 3\n";
  static const char v2[] =
      "01:01:01.000001 IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], "
      "proto UDP (17), length 31, bad cksum 0 (->66cb)!)\n"
      "    10.0.0.1.12345 > 10.0.0.2.80: [no cksum] UDP, length 3\n";
  CHECK(!strcmp(flag_text(CAPKIT_PRINT_VERBOSE, &p), v1));
  capkit_printer_free(p);
  CHECK(!strcmp(flag_text(CAPKIT_PRINT_VERBOSE2, &p), v2));
  capkit_printer_free(p);
  CHECK(!strcmp(flag_text(CAPKIT_PRINT_VERBOSE | CAPKIT_PRINT_VERBOSE2, &p),
                v2));
  capkit_printer_free(p);
}

/* The dumps stop at the captured bytes: a packet cut by the snapshot
 * length after the link header dumps nothing with -x, only the link
 * header with -xx (tcpdump's rule); -A keeps line breaks and tabs and
 * drops a CR before LF, as tcpdump -A does. */
static void dump_edges(void) {
  capkit_printer *p = capkit_printer_new(CAPKIT_PRINT_HEX_NET);
  capkit_printer *q = capkit_printer_new(CAPKIT_PRINT_HEX);
  capkit_record rec = CAPKIT_RECORD_INIT;
  rec.data = udp_pkt;
  rec.caplen = 14;
  rec.origlen = sizeof udp_pkt;
  const char *t;
  size_t n;
  CHECK_EQ(capkit_printer_render(p, &rec, &t, &n), 0);
  CHECK(n > 0 && strchr(t, '\n') == t + n - 1); /* the line alone */
  CHECK_EQ(capkit_printer_render(q, &rec, &t, &n), 0);
  CHECK(strstr(t, "\t0x0000:  0200 0000 0002 0200 0000 0001 0800\n") != NULL);
  capkit_printer_free(p);
  capkit_printer_free(q);
  /* tcpdump -A prints "a\nb\tcd" for these bytes cut after the d, and
   * "a\nb\tc.d" for them whole (a CR is dropped before LF and when at
   * most one byte follows it) */
  uint8_t pkt[sizeof udp_pkt + 6];
  memcpy(pkt, udp_pkt, sizeof udp_pkt - 3);
  memcpy(pkt + sizeof udp_pkt - 3, "a\r\nb\tc\rd\r", 9);
  p = capkit_printer_new(CAPKIT_PRINT_ASCII);
  rec.data = pkt;
  rec.origlen = sizeof pkt;
  rec.caplen = sizeof pkt - 1;
  CHECK_EQ(capkit_printer_render(p, &rec, &t, &n), 0);
  CHECK(n > 9 && !strcmp(t + n - 9, "..a\nb\tcd\n"));
  rec.caplen = sizeof pkt;
  CHECK_EQ(capkit_printer_render(p, &rec, &t, &n), 0);
  CHECK(n > 10 && !strcmp(t + n - 10, "..a\nb\tc.d\n"));
  capkit_printer_free(p);
}

/* tcpdump's option letters through the library's mapping. Time formats
 * as tcpdump(1) documents -t (none), -tt (seconds since 1970), -ttt
 * (delta from the previous packet), -tttt (date, then time), -ttttt
 * (delta from the first packet). Dumps: every count of -x, -X, -A and -v
 * from 0 to 3 renders as the flags tcpdump(1) gives it: -X (hex and
 * ASCII) before -x (hex) before -A (ASCII), twice meaning with the link
 * header, -vv and more as -vv; tcpdump_flags() checks those flags'
 * text against tcpdump's. */
static void option_letters(void) {
  static const char *const names[] = {"abs",   "none", "epoch",
                                      "delta", "date", "rel"};
  static const int fmts[] = {CAPKIT_PRINT_TIME_ABS,   CAPKIT_PRINT_TIME_NONE,
                             CAPKIT_PRINT_TIME_EPOCH, CAPKIT_PRINT_TIME_DELTA,
                             CAPKIT_PRINT_TIME_DATE,  CAPKIT_PRINT_TIME_REL};
  for (unsigned i = 0; i < 6; i++) {
    CHECK_EQ(capkit_printer_time_parse(names[i]), fmts[i]);
    CHECK_EQ(capkit_printer_time_count(i), fmts[i]);
  }
  CHECK_EQ(capkit_printer_time_count(6), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_time_count(~0u), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_time_parse(NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_time_parse(""), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_time_parse("ABS"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_time_parse("abs "), CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_time_parse("-tt"), CAPKIT_EINVAL);
  /* the first packet's stamp as tcpdump -nn -t... prints it (3661.000001) */
  static const char *const first[] = {"01:01:01.000001 IP ", "IP ",
                                      "3661.000001 IP ",
                                      " 00:00:00.000000 IP ",
                                      "1970-01-01 01:01:01.000001 IP ",
                                      " 00:00:00.000000 IP "};
  for (unsigned i = 0; i < 6; i++) {
    capkit_printer *p = capkit_printer_new(0);
    const char *t = "";
    capkit_record rec = CAPKIT_RECORD_INIT;
    rec.ts_sec = 3661;
    rec.ts_nsec = 1000;
    rec.data = udp_pkt;
    rec.caplen = rec.origlen = sizeof udp_pkt;
    size_t n;
    CHECK_EQ(capkit_printer_set_time(p, capkit_printer_time_count(i)), 0);
    CHECK(!capkit_printer_render(p, &rec, &t, &n) &&
          !strncmp(t, first[i], strlen(first[i])));
    capkit_printer_free(p);
  }
  CHECK_EQ(capkit_printer_letter_flags(0, 0, 0, 0), 0u);
  for (unsigned x = 0; x < 4; x++)
    for (unsigned X = 0; X < 4; X++)
      for (unsigned A = 0; A < 4; A++)
        for (unsigned v = 0; v < 4; v++) {
          unsigned want = 0;
          if (X == 1)
            want = CAPKIT_PRINT_HEX_ASCII | CAPKIT_PRINT_HEX_NET;
          else if (X > 1)
            want = CAPKIT_PRINT_HEX_ASCII | CAPKIT_PRINT_HEX;
          else if (x)
            want = x == 1 ? CAPKIT_PRINT_HEX_NET : CAPKIT_PRINT_HEX;
          else if (A)
            want = A == 1 ? CAPKIT_PRINT_ASCII : CAPKIT_PRINT_ASCII_LINK;
          want |= v == 0   ? 0u
                  : v == 1 ? CAPKIT_PRINT_VERBOSE
                           : CAPKIT_PRINT_VERBOSE2;
          unsigned got = capkit_printer_letter_flags(x, X, A, v);
          capkit_printer *p1, *p2;
          const char *a = flag_text(got, &p1), *b = flag_text(want, &p2);
          CHECK(!strcmp(a, b));
          capkit_printer_free(p1);
          capkit_printer_free(p2);
        }
}

/* What capkit_printer_print wrote. */
typedef struct collected {
  char *text;
  size_t n, calls, small; /* blocks, blocks under 1 MiB */
  int fail;
} collected;

static int collect(void *user, const void *p, size_t n) {
  collected *c = user;
  if (c->fail)
    return -1;
  char *t = realloc(c->text, c->n + n + 1);
  if (!t)
    return -1;
  memcpy(t + c->n, p, n);
  c->text = t;
  c->n += n;
  t[c->n] = '\0';
  c->calls++;
  c->small += n < (1u << 20);
  return 0;
}

/* `tcpdump -nn -r PATH` (times in UTC), as a string to free. */
static char *tcpdump_text(const char *path) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "TZ=UTC tcpdump -nn -r '%s' 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  if (!p)
    return NULL;
  char *t = NULL;
  size_t n = 0, cap = 0, k;
  char buf[65536];
  while ((k = fread(buf, 1, sizeof buf, p)) > 0) {
    if (n + k + 1 > cap) {
      cap = 2 * (n + k + 1);
      char *nt = realloc(t, cap);
      if (!nt)
        break;
      t = nt;
    }
    memcpy(t + n, buf, k);
    n += k;
    t[n] = '\0';
  }
  pclose(p);
  return t;
}

/* capkit_printer_print over a filtered input: a seeded Ethernet capture of
 * IPv4/IPv6 UDP and TCP packets big enough for several 1 MiB blocks, whole
 * and through the filter "udp", against tcpdump -nn (-r FILE EXPR); the
 * count limit; a failing writer; damage after the first records. */
static void print_input(void) {
  uint64_t seed = 42;
  mk_buf f = {.be = 0};
  mk_pcap_header(&f, 0, 65535, 1);
  enum { N = 16000 };
  for (uint32_t i = 0; i < N; i++) {
    /* Ethernet, IPv4, UDP or TCP (ACK) between ports with no decoder of
     * their own in tcpdump, a few payload bytes */
    mk_buf p = {.be = 0};
    int tcp = (int)mk_below(&seed, 2);
    uint32_t pay = mk_below(&seed, 20), l4 = (tcp ? 20u : 8u) + pay;
    mk_n32(&p, 0x02000000u);
    mk_n16(&p, 0x0001);
    mk_n32(&p, 0x02000000u);
    mk_n16(&p, 0x0002);
    mk_n16(&p, 0x0800);
    mk_n32(&p, 0x45000000u | (20 + l4));
    mk_n32(&p, 0);
    mk_n32(&p, 0x40000000u | (tcp ? 6u : 17u) << 16);
    mk_n32(&p, 0x0a000001u + mk_below(&seed, 3));
    mk_n32(&p, 0x0a000001u + mk_below(&seed, 3));
    mk_n16(&p, 30000 + mk_below(&seed, 4));
    mk_n16(&p, 31000 + mk_below(&seed, 4));
    if (tcp) {
      mk_n32(&p, mk_below(&seed, 1000000));
      mk_n32(&p, mk_below(&seed, 1000000));
      mk_n16(&p, 0x5010);
      mk_n16(&p, 1024);
      mk_n32(&p, 0);
    } else {
      mk_n16(&p, l4);
      mk_n16(&p, 0);
    }
    for (uint32_t k = 0; k < pay; k++)
      mk_u8(&p, (uint8_t)mk_below(&seed, 256));
    mk_pcap_record(&f, 1700000000u + i / 10, (i % 10) * 1000u, (uint32_t)p.n,
                   (uint32_t)p.n, p.b);
    free(p.b);
  }
  char path[600];
  snprintf(path, sizeof path, "%s/print.pcap", tap_tmpdir());
  FILE *fp = fopen(path, "wb");
  CHECK(fp && fwrite(f.b, 1, f.n, fp) == f.n);
  if (fp)
    fclose(fp);
  capkit_input *in = capkit_input_new();
  for (int filtered = 0; filtered <= 1; filtered++) {
    char arg[700];
    snprintf(arg, sizeof arg, "%s' '%s", path, filtered ? "udp" : "");
    char *want = tcpdump_text(filtered ? arg : path);
    CHECK(want != NULL && strlen(want) > (1u << 20) / 2);
    capkit_filter *flt = filtered ? capkit_filter_new("udp") : NULL;
    capkit_printer *p = capkit_printer_new(0);
    collected c = {0};
    uint64_t left = UINT64_MAX;
    int failed = 0;
    CHECK_EQ(capkit_input_open(in, path, flt), 0);
    CHECK_EQ(capkit_printer_print(p, in, &left, collect, &c, &failed), 0);
    CHECK(want && c.text && !strcmp(c.text, want));
    CHECK(c.small == 1 && (filtered || c.calls >= 2)); /* by the MiB */
    CHECK_EQ(failed, 0);
    if (!filtered)
      CHECK_EQ(left, UINT64_MAX - N);
    free(want);
    free(c.text);
    capkit_printer_free(p);
    capkit_filter_free(flt);
  }

  /* three records, then the count is spent */
  capkit_printer *p = capkit_printer_new(0);
  collected c = {0};
  uint64_t left = 3;
  CHECK_EQ(capkit_input_open(in, path, NULL), 0);
  CHECK_EQ(capkit_printer_print(p, in, &left, collect, &c, NULL), 0);
  CHECK_EQ(left, 0u);
  size_t lines = 0;
  for (size_t i = 0; i < c.n; i++)
    lines += c.text[i] == '\n';
  CHECK_EQ(lines, 3u);
  free(c.text);

  /* a writer that fails: noted, the input still read to its end */
  collected bad = {.fail = 1};
  int failed = 0;
  left = UINT64_MAX;
  CHECK_EQ(capkit_input_open(in, path, NULL), 0);
  CHECK_EQ(capkit_printer_print(p, in, &left, collect, &bad, &failed), 0);
  CHECK_EQ(failed, 1);
  CHECK_EQ(left, UINT64_MAX - N);

  /* damage: a caplen over any bound in the 3rd record's header */
  size_t off = 24;
  for (int i = 0; i < 2; i++)
    off += 16 + (f.b[off + 8] | (size_t)f.b[off + 9] << 8);
  f.b[off + 11] = 0x7f;
  fp = fopen(path, "wb");
  CHECK(fp && fwrite(f.b, 1, f.n, fp) == f.n);
  if (fp)
    fclose(fp);
  collected d = {0};
  left = UINT64_MAX;
  CHECK_EQ(capkit_input_open(in, path, NULL), 0);
  int rc = capkit_printer_print(p, in, &left, collect, &d, NULL);
  CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
  CHECK(strstr(capkit_input_error(in), "record 3") != NULL);
  lines = 0;
  for (size_t i = 0; i < d.n; i++)
    lines += d.text[i] == '\n';
  CHECK_EQ(lines, 2u);
  free(d.text);
  CHECK_EQ(capkit_printer_print(NULL, in, &left, collect, &d, NULL),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_printer_print(p, NULL, &left, collect, &d, NULL),
           CAPKIT_EINVAL);
  capkit_printer_free(p);
  capkit_input_free(in);
  free(f.b);
}

int main(void) {
  json_property();
  times();
  line_api();
  visitor();
  names();
  random_packets();
  tcp_bound();
  tcpdump_flags();
  dump_edges();
  option_letters();
  print_input();
  return tap_done();
}

/* test_filter.c - BPF filters through the public API, on hand-built frames
 * of two link types, and on seeded random captures of every link type the
 * filter treats specially, in both byte orders, against libpcap reading
 * the same file (what `tcpdump -r FILE EXPR` matches). */
#include <stdio.h>
#include <string.h>

#include "mkpkt.h"
#include "tap.h"
#include <capkit/capkit.h>
#ifdef CAPKIT_HAVE_LIBPCAP
#include <pcap/pcap.h>
#endif

/* Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 + UDP 40000 -> 53, 4 payload bytes. */
static const uint8_t eth_udp[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
    0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0x9c, 0x40, 0, 53, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};

static capkit_record rec_of(const uint8_t *d, uint32_t n,
                            const capkit_iface *ifc) {
  capkit_record r = CAPKIT_RECORD_INIT;
  r.data = d;
  r.caplen = r.origlen = n;
  r.iface = ifc;
  return r;
}

#ifdef CAPKIT_HAVE_LIBPCAP
/* Match each record of the file in memory with capkit and with libpcap
 * (as a saved file: pcap_fopen_offline, pcap_offline_filter). Returns the
 * records capkit matched, or -1 when the expression does not compile for
 * the link type (libpcap must agree). */
static long compare_file(const mk_buf *f, const char *expr, const char *what,
                         int *diffs) {
  FILE *fp = fmemopen(f->b, f->n, "rb");
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *pc = fp ? pcap_fopen_offline(fp, eb) : NULL;
  CHECK(pc != NULL);
  if (!pc)
    return -1;
  struct bpf_program bpf;
  int pc_ok = pcap_compile(pc, &bpf, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f->b, f->n, what), 0);
  capkit_filter *flt = capkit_filter_new(expr);
  capkit_record rec = CAPKIT_RECORD_INIT;
  long matched = 0;
  struct pcap_pkthdr *h;
  const u_char *d;
  while (capkit_reader_next(r, &rec) > 0) {
    int m = capkit_filter_match(flt, &rec);
    if (!pc_ok) {
      CHECK_EQ(m, CAPKIT_EFILTER);
      matched = -1;
      break;
    }
    int got = pcap_next_ex(pc, &h, &d);
    CHECK_EQ(got, 1);
    if (got != 1)
      break;
    int want = pcap_offline_filter(&bpf, h, d) != 0;
    if (m != want && (*diffs)++ < 5)
      fprintf(stderr, "%s: '%s' record %llu: capkit %d, libpcap %d\n", what,
              expr, (unsigned long long)rec.number, m, want);
    CHECK_EQ(m, want);
    matched += m == 1;
  }
  if (pc_ok)
    pcap_freecode(&bpf);
  capkit_filter_free(flt);
  capkit_reader_free(r);
  pcap_close(pc);
  return matched;
}

static void test_against_libpcap(void) {
  static const uint32_t lts[] = {0, 1, 101, 108, 113, 189, 220, 239};
  static const char *const ip_exprs[] = {
      "ip", "ip6", "udp", "tcp", "port 443", "udp port 53",
      "host 10.0.0.2", "ip6 and tcp", "not ip", "ip6 host 2001:db8::3"};
  /* Byte tests on the pseudo-headers' host-order fields: libpcap's reader
   * has swapped them into the host's order before the filter runs. */
  static const char *const link_exprs[] = {
      "link[0:4] = 2",      "link[0:4] = 0x18000000", "link[12:2] = 3",
      "link[12:2] = 0x300", "link[16:4] = 0x123",     "link[16:4] = 0x23010000",
      "link[4:2] = 8",      "link[60:4] = 2",         "link[44:4] = 1"};
  uint64_t seed = 20261202;
  int diffs = 0;
  for (size_t li = 0; li < sizeof lts / sizeof lts[0]; li++) {
    for (int be = 0; be <= 1; be++) {
      mk_buf f = {.be = be};
      mk_pcap_header(&f, 0, 65535, lts[li]);
      for (uint32_t i = 0; i < 120; i++) {
        mk_buf p = {.be = be};
        mk_packet(&p, &seed, lts[li]);
        mk_pcap_record(&f, 1700000000u + i, i, (uint32_t)p.n, (uint32_t)p.n,
                       p.b);
        free(p.b);
      }
      char what[64];
      snprintf(what, sizeof what, "linktype %u %s-endian", lts[li],
               be ? "big" : "little");
      long any = 0;
      for (size_t e = 0; e < sizeof ip_exprs / sizeof ip_exprs[0]; e++) {
        long m = compare_file(&f, ip_exprs[e], what, &diffs);
        if (m > 0)
          any++;
      }
      for (size_t e = 0; e < sizeof link_exprs / sizeof link_exprs[0]; e++) {
        long m = compare_file(&f, link_exprs[e], what, &diffs);
        if (m > 0)
          any++;
      }
      /* Not vacuous: some expression matches some record of every file. */
      CHECK(any > 0);
      free(f.b);
    }
  }
}
#endif

int main(void) {
#ifdef CAPKIT_HAVE_LIBPCAP
  test_against_libpcap();
#endif
  capkit_filter *f = capkit_filter_new("udp port 53 and src host 10.0.0.1");
  CHECK(f != NULL);
  CHECK_EQ(capkit_filter_prepare(f, 1), 0);
  capkit_record r = rec_of(eth_udp, sizeof eth_udp, NULL);
  CHECK_EQ(capkit_filter_match(f, &r), 1);
  CHECK(strcmp(capkit_filter_expr(f), "udp port 53 and src host 10.0.0.1") == 0);
  capkit_filter_free(f);

  f = capkit_filter_new("tcp");
  CHECK_EQ(capkit_filter_prepare(f, 1), 0);
  CHECK_EQ(capkit_filter_match(f, &r), 0);
  capkit_filter_free(f);

  /* The same expression on a raw IP record (LINKTYPE_RAW = 101, which is
   * not libpcap's DLT_RAW number on most systems). */
  capkit_iface raw;
  memset(&raw, 0, sizeof raw);
  raw.linktype = 101;
  f = capkit_filter_new("udp and dst host 10.0.0.2");
  CHECK_EQ(capkit_filter_prepare(f, 1), 0);
  capkit_record rr = rec_of(eth_udp + 14, sizeof eth_udp - 14, &raw);
  CHECK_EQ(capkit_filter_match(f, &rr), 1);
  CHECK_EQ(capkit_filter_match(f, &r), 1); /* no iface: the prepared type */
  /* A record cut short fails the filter instead of reading past it. */
  capkit_record cut = rec_of(eth_udp, 20, NULL);
  CHECK_EQ(capkit_filter_match(f, &cut), 0);
  capkit_filter_free(f);

  /* An expression that does not compile carries libpcap's message. */
  f = capkit_filter_new("udp port");
  CHECK_EQ(capkit_filter_prepare(f, 1), CAPKIT_EFILTER);
  CHECK(strlen(capkit_filter_error(f)) > 0);
  CHECK_EQ(capkit_filter_match(f, &r), CAPKIT_EFILTER);
  capkit_filter_free(f);

  /* One that compiles for Ethernet but not for this link type. */
  f = capkit_filter_new("ether host 02:00:00:00:00:01");
  CHECK_EQ(capkit_filter_prepare(f, 1), 0);
  CHECK_EQ(capkit_filter_match(f, &r), 1);
  CHECK_EQ(capkit_filter_match(f, &rr), CAPKIT_EFILTER);
  capkit_filter_free(f);

  /* An empty expression matches everything, on any link type. */
  f = capkit_filter_new("  ");
  CHECK_EQ(capkit_filter_match(f, &rr), 1);
  CHECK_EQ(capkit_filter_prepare(f, 12345), 0);
  capkit_filter_free(f);
  capkit_filter_free(NULL);
  return tap_done();
}

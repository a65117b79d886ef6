/* test_filter.c - BPF filters through the public API, on hand-built frames
 * of two link types. */
#include <string.h>

#include "tap.h"
#include <capkit/capkit.h>

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

int main(void) {
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

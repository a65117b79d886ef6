/* test_input.c - the filtered input (capkit/input.h) through its API: on
 * seeded random captures of several link types in both byte orders, the
 * records it gives are exactly those libpcap's own reader and
 * pcap_offline_filter pass in the same file (what `tcpdump -r FILE EXPR`
 * prints); expressions libpcap cannot compile for the link type are
 * refused at open; the messages of a missing file, a filter that fails on
 * a later interface of a pcapng file (built here from the pcapng
 * specification), a reopen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpkt.h"
#include "tap.h"
#include <capkit/capkit.h>
#include <capkit/cut.h>
#include <capkit/input.h>
#ifdef CAPKIT_HAVE_LIBPCAP
#include <pcap/pcap.h>
#endif

static const char *scratch(const char *name) {
  static char buf[2][512];
  static int i;
  i ^= 1;
  snprintf(buf[i], sizeof buf[i], "%s/%s", tap_tmpdir(), name);
  return buf[i];
}

static void spit(const char *path, const mk_buf *f) {
  FILE *fp = fopen(path, "wb");
  CHECK(fp != NULL);
  if (!fp)
    return;
  CHECK_EQ(fwrite(f->b, 1, f->n, fp), f->n);
  fclose(fp);
}

static int starts(const char *s, const char *prefix) {
  return !strncmp(s, prefix, strlen(prefix));
}

#ifdef CAPKIT_HAVE_LIBPCAP
/* The record numbers (1, 2, ...) libpcap passes in PATH, as a bit list in
 * WANT (n records at most); -1 when EXPR does not compile for the file. */
static int libpcap_matches(const char *path, const char *expr,
                           unsigned char *want, size_t n) {
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *pc = pcap_open_offline(path, eb);
  CHECK(pc != NULL);
  if (!pc)
    return -1;
  struct bpf_program bpf;
  if (pcap_compile(pc, &bpf, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    pcap_close(pc);
    return -1;
  }
  struct pcap_pkthdr *h;
  const u_char *d;
  memset(want, 0, n);
  for (size_t i = 0; i < n && pcap_next_ex(pc, &h, &d) == 1; i++)
    want[i] = pcap_offline_filter(&bpf, h, d) != 0;
  pcap_freecode(&bpf);
  pcap_close(pc);
  return 0;
}

static void against_libpcap(void) {
  static const uint32_t lts[] = {0, 1, 101, 113};
  static const char *const exprs[] = {
      "ip",   "ip6",          "udp",         "tcp and port 443",
      "not ip", "host 10.0.0.2", "ether broadcast", "udp port 53 or ip6"};
  enum { N = 150 };
  uint64_t seed = 20261202;
  capkit_input *in = capkit_input_new();
  CHECK(in != NULL);
  for (size_t li = 0; li < sizeof lts / sizeof *lts; li++)
    for (int be = 0; be <= 1; be++) {
      mk_buf f = {.be = be};
      mk_pcap_header(&f, be, 65535, lts[li]);
      for (uint32_t i = 0; i < N; i++) {
        mk_buf p = {.be = be};
        mk_packet(&p, &seed, lts[li]);
        mk_pcap_record(&f, 1700000000u + i, i, (uint32_t)p.n, (uint32_t)p.n,
                       p.b);
        free(p.b);
      }
      const char *path = scratch("in.pcap");
      spit(path, &f);
      free(f.b);
      for (size_t e = 0; e < sizeof exprs / sizeof *exprs; e++) {
        unsigned char want[N], got[N];
        int pc = libpcap_matches(path, exprs[e], want, N);
        capkit_filter *flt = capkit_filter_new(exprs[e]);
        int rc = capkit_input_open(in, path, flt);
        if (pc < 0) { /* libpcap cannot compile it for this link type */
          CHECK_EQ(rc, CAPKIT_EFILTER);
          char pre[128];
          snprintf(pre, sizeof pre, "bad filter '%s': ", exprs[e]);
          CHECK(starts(capkit_input_error(in), pre));
          CHECK(capkit_input_reader(in) == NULL);
          capkit_filter_free(flt);
          continue;
        }
        CHECK_EQ(rc, 0);
        memset(got, 0, sizeof got);
        capkit_record rec = CAPKIT_RECORD_INIT;
        uint64_t last = 0;
        int ordered = 1;
        while ((rc = capkit_input_next(in, &rec)) > 0) {
          ordered &= rec.number > last && rec.number <= N;
          last = rec.number;
          if (rec.number >= 1 && rec.number <= N)
            got[rec.number - 1] = 1;
        }
        CHECK_EQ(rc, 0);
        CHECK(ordered);
        CHECK(!memcmp(got, want, N));
        CHECK_EQ(capkit_input_error(in)[0], '\0');
        capkit_filter_free(flt);
      }
    }
  capkit_input_free(in);
}
#endif

/* pcapng from its specification (draft-ietf-opsawg-pcapng): a section
 * header, interface descriptions of link types LT0 and LT1, and one
 * enhanced packet block on each interface in turn. */
static void pcapng_two_ifaces(mk_buf *f, uint32_t lt0, uint32_t lt1,
                              const uint8_t *pkt, uint32_t len) {
  mk_u32(f, 0x0a0d0d0a); /* SHB */
  mk_u32(f, 28);
  mk_u32(f, 0x1a2b3c4d);
  mk_u16(f, 1);
  mk_u16(f, 0);
  mk_u64(f, ~0ull);
  mk_u32(f, 28);
  for (int i = 0; i < 2; i++) { /* IDB */
    mk_u32(f, 1);
    mk_u32(f, 20);
    mk_u16(f, i ? lt1 : lt0);
    mk_u16(f, 0);
    mk_u32(f, 0);
    mk_u32(f, 20);
  }
  uint32_t pad = (4 - len % 4) % 4;
  static const uint8_t zero[4];
  for (uint32_t i = 0; i < 2; i++) { /* EPB */
    mk_u32(f, 6);
    mk_u32(f, 32 + len + pad);
    mk_u32(f, i);
    mk_u32(f, 0);
    mk_u32(f, 1000000u * (i + 1));
    mk_u32(f, len);
    mk_u32(f, len);
    mk_bytes(f, pkt, len);
    mk_bytes(f, zero, pad);
    mk_u32(f, 32 + len + pad);
  }
}

static void messages(void) {
  capkit_input *in = capkit_input_new();
  CHECK(in != NULL);
  CHECK_EQ(capkit_input_error(in)[0], '\0');
  capkit_record rec = CAPKIT_RECORD_INIT;
  CHECK_EQ(capkit_input_next(in, &rec), CAPKIT_EMISUSE);
  CHECK_EQ(capkit_input_open(in, NULL, NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_input_open(NULL, "x", NULL), CAPKIT_EINVAL);

  /* a missing file: the reader's own message and code */
  const char *missing = scratch("no-such.pcap");
  capkit_reader *r = capkit_reader_new();
  int want = capkit_reader_open_path(r, missing);
  CHECK(want < 0);
  CHECK_EQ(capkit_input_open(in, missing, NULL), want);
  CHECK(!strcmp(capkit_input_error(in), capkit_reader_error(r)));
  CHECK(strstr(capkit_input_error(in), missing) != NULL);
  CHECK(capkit_input_reader(in) == NULL);
  capkit_reader_free(r);

  /* Ethernet then raw IPv4: an Ethernet-only expression compiles for the
   * first interface and not for the second one's record (number 2) */
  static const uint8_t eth[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0,
                                0,    0,    1,    0x08, 0x00, 0x45, 0, 0, 20,
                                0,    0,    0,    0,    64,   17,   0, 0, 10,
                                0,    0,    1,    10,   0,    0,    2};
  mk_buf f = {.be = 0};
  pcapng_two_ifaces(&f, 1, 101, eth, sizeof eth);
  const char *path = scratch("two.pcapng");
  spit(path, &f);
  free(f.b);
  const char *expr = "ether src 02:00:00:00:00:01";
  capkit_filter *flt = capkit_filter_new(expr);
  CHECK_EQ(capkit_input_open(in, path, flt), 0);
  CHECK_EQ(capkit_input_error(in)[0], '\0'); /* the missing file's is gone */
  CHECK_EQ(capkit_input_next(in, &rec), 1);
  CHECK_EQ(rec.number, 1u);
  CHECK_EQ(capkit_input_next(in, &rec), CAPKIT_EFILTER);
  CHECK_EQ(rec.number, 2u);
  char msg[512];
  snprintf(msg, sizeof msg, "%s: record 2: filter '%s': %s", path, expr,
           capkit_filter_error(flt));
  CHECK(!strcmp(capkit_input_error(in), msg));

  /* the same through the reader by another call, then the message made
   * from the code it returned */
  CHECK_EQ(capkit_input_open(in, path, flt), 0);
  r = capkit_input_reader(in);
  CHECK(r != NULL);
  int rc;
  while ((rc = capkit_reader_next_match(r, flt, &rec)) > 0)
    ;
  CHECK_EQ(capkit_input_failed(in, rc, rec.number), CAPKIT_EFILTER);
  CHECK(!strcmp(capkit_input_error(in), msg));
  /* a reader's error code gives the reader's message */
  CHECK_EQ(capkit_input_failed(in, CAPKIT_EIO, 1), CAPKIT_EIO);
  CHECK(!strcmp(capkit_input_error(in), capkit_reader_error(r)));

  /* every record without a filter, reopened on the same input */
  CHECK_EQ(capkit_input_open(in, path, NULL), 0);
  int n = 0;
  while ((rc = capkit_input_next(in, &rec)) > 0)
    n++;
  CHECK_EQ(rc, 0);
  CHECK_EQ(n, 2);
  capkit_filter_free(flt);
  capkit_input_free(in);
  capkit_input_free(NULL);
}

int main(void) {
#ifdef CAPKIT_HAVE_LIBPCAP
  against_libpcap();
#endif
  messages();
  return tap_done();
}

/* test_job_rewrite.c - the copy job with a rewriter stage
 * (capkit_job_set_rewriter, cut.h) through the public API: seeded
 * property tests over random Ethernet/IPv4/UDP and ARP frames in classic
 * pcap files built here from the format's layout, whose output must be,
 * byte for byte, the file the definitions give: the source MAC replaced,
 * addresses in the mapped block given the new prefix (CIDR arithmetic),
 * mapped UDP ports, and the IPv4 header and UDP checksums computed afresh
 * (RFC 791, RFC 768 with its pseudo header, RFC 1071 sums done here);
 * the job's filter and FCS stripping around the rewriter; damage with
 * keep-partial; and no rewriter: a byte-identical copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "inetsum.h"
#include "mkpkt.h"
#include "tap.h"

static uint64_t seed = 0x5eed0b5e55ull;

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* Fill in the IPv4 header checksum and the UDP checksum (0 computed is
 * sent as 0xffff, RFC 768) of an Ethernet/IPv4/UDP frame of N bytes. */
static void checksums(uint8_t *f, size_t n) {
  uint8_t *ip = f + 14, *udp = ip + 20;
  put16(ip + 10, 0);
  put16(ip + 10, inet_fold(inet_sum16(0, ip, 20)));
  size_t ulen = n - 34;
  put16(udp + 6, 0);
  uint32_t s = inet_sum16(0, ip + 12, 8); /* addresses */
  s += 17 + (uint32_t)ulen;
  uint16_t c = inet_fold(inet_sum16(s, udp, ulen));
  put16(udp + 6, c ? c : 0xffff);
}

static const uint8_t new_smac[6] = {2, 0, 0, 0, 0, 1};

/* A random frame into f (its length), and what the rewriter must make of
 * it into x: source MAC new_smac, 10.0.0.0/16 -> 192.168.0.0/16 for both
 * addresses, port 53 -> 5353 both ways, checksums afresh. */
static size_t frame(uint8_t *f, uint8_t *x, int *is_udp) {
  size_t n;
  for (int i = 0; i < 12; i++)
    f[i] = (uint8_t)mk_rand(&seed);
  f[0] &= 0xfe; /* unicast */
  *is_udp = mk_below(&seed, 4) != 0;
  if (!*is_udp) { /* ARP request: only the MAC changes */
    static const uint8_t arp[] = {0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1};
    memcpy(f + 12, arp, sizeof arp);
    for (n = 22; n < 42; n++)
      f[n] = (uint8_t)mk_rand(&seed);
    memcpy(x, f, n);
    memcpy(x + 6, new_smac, 6);
    return n;
  }
  size_t payload = mk_below(&seed, 300);
  n = 42 + payload;
  f[12] = 8;
  f[13] = 0;
  uint8_t *ip = f + 14, *udp = ip + 20;
  ip[0] = 0x45;
  ip[1] = 0;
  put16(ip + 2, (uint32_t)(n - 14));
  put16(ip + 4, mk_below(&seed, 65536));
  put16(ip + 6, 0);
  ip[8] = 64;
  ip[9] = 17;
  for (int a = 0; a < 2; a++) { /* in the mapped block or not */
    uint8_t *p = ip + 12 + 4 * a;
    int mapped = mk_below(&seed, 2);
    p[0] = mapped ? 10 : 198;
    p[1] = mapped ? 0 : 51;
    p[2] = (uint8_t)mk_rand(&seed);
    p[3] = (uint8_t)mk_rand(&seed);
  }
  put16(udp, mk_below(&seed, 2) ? 53 : 1024 + mk_below(&seed, 60000));
  put16(udp + 2, mk_below(&seed, 2) ? 53 : 1024 + mk_below(&seed, 60000));
  put16(udp + 4, (uint32_t)(n - 34));
  for (size_t i = 42; i < n; i++)
    f[i] = (uint8_t)mk_rand(&seed);
  checksums(f, n);
  memcpy(x, f, n);
  memcpy(x + 6, new_smac, 6);
  for (int a = 0; a < 2; a++) {
    uint8_t *p = x + 26 + 4 * a;
    if (p[0] == 10 && p[1] == 0) {
      p[0] = 192;
      p[1] = 168;
    }
    uint8_t *port = x + 34 + 2 * a;
    if (port[0] == 0 && port[1] == 53)
      put16(port, 5353);
  }
  checksums(x, n);
  return n;
}

static char in_path[512], out_path[512];

static void write_file(const char *path, const mk_buf *b) {
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(b->b, 1, b->n, f);
    fclose(f);
  }
}

/* The output equals the expected bytes. */
static int same(const mk_buf *want) {
  size_t n = 0;
  uint8_t *got = tap_slurp(out_path, &n);
  int ok = got && n == want->n && memcmp(got, want->b, n) == 0;
  free(got);
  unlink(out_path);
  return ok;
}

static capkit_rewriter *rewriter(void) {
  capkit_rewriter *rw = capkit_rewriter_new();
  CHECK(rw != NULL);
  CHECK_EQ(capkit_rewriter_set(rw, "enet-smac", "02:00:00:00:00:01"), 0);
  CHECK_EQ(capkit_rewriter_set(rw, "pnat", "10.0.0.0/16:192.168.0.0/16"), 0);
  CHECK_EQ(capkit_rewriter_set(rw, "portmap", "53:5353"), 0);
  CHECK_EQ(capkit_rewriter_set(rw, "fixcsum", NULL), 0);
  return rw;
}

/* Rounds of random files: every frame rewritten as defined; with the
 * filter "udp" only those, with strip-fcs 4 the last 4 bytes of each
 * frame (an FCS added to the input) gone after the rewrite. */
static void property(void) {
  static uint8_t f[400], x[400];
  for (int round = 0; round < 60; round++) {
    int filter = round % 3 == 1, strip = round % 3 == 2;
    mk_buf in, want;
    memset(&in, 0, sizeof in);
    memset(&want, 0, sizeof want);
    mk_pcap_header(&in, round & 1, 65535, 1);
    mk_pcap_header(&want, round & 1, 65535, 1);
    int n = (int)mk_below(&seed, 120), udp_n = 0;
    for (int i = 0; i < n; i++) {
      int is_udp;
      size_t len = frame(f, x, &is_udp);
      uint32_t sec = 1700000000u + (uint32_t)i, frac = mk_below(&seed, 999);
      if (strip) { /* an FCS the rewriter leaves where it is */
        for (int k = 0; k < 4; k++)
          f[len + (size_t)k] = (uint8_t)mk_rand(&seed);
        mk_pcap_record(&in, sec, frac, (uint32_t)len + 4, (uint32_t)len + 4,
                       f);
      } else {
        mk_pcap_record(&in, sec, frac, (uint32_t)len, (uint32_t)len, f);
      }
      if (filter && !is_udp)
        continue;
      udp_n += is_udp;
      mk_pcap_record(&want, sec, frac, (uint32_t)len, (uint32_t)len, x);
    }
    write_file(in_path, &in);
    capkit_rewriter *rw = rewriter();
    capkit_job *j = capkit_job_new();
    if (filter)
      CHECK_EQ(capkit_job_set(j, "filter", "udp"), 0);
    if (strip)
      CHECK_EQ(capkit_job_set(j, "strip-fcs", "4"), 0);
    capkit_job_set_rewriter(j, rw);
    CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
    CHECK(same(&want));
    uint64_t wrote = (uint64_t)(filter ? udp_n : n);
    CHECK_EQ(capkit_job_records_written(j), wrote);
    CHECK_EQ(capkit_rewriter_count(rw, CAPKIT_RW_PACKETS), wrote);
    CHECK_EQ(capkit_rewriter_count(rw, CAPKIT_RW_CHANGED), wrote);
    capkit_job_free(j);
    capkit_rewriter_free(rw);
    free(in.b);
    free(want.b);
  }
}

/* A record cut short at the end: without keep-partial no output and a
 * data error naming the record; with it, the rewritten records before. */
static void damage(void) {
  static uint8_t f[400], x[400];
  mk_buf in, want;
  memset(&in, 0, sizeof in);
  memset(&want, 0, sizeof want);
  mk_pcap_header(&in, 0, 65535, 1);
  mk_pcap_header(&want, 0, 65535, 1);
  for (int i = 0; i < 5; i++) {
    int is_udp;
    size_t len = frame(f, x, &is_udp);
    mk_pcap_record(&in, 1000 + (uint32_t)i, 0, (uint32_t)len, (uint32_t)len,
                   f);
    mk_pcap_record(&want, 1000 + (uint32_t)i, 0, (uint32_t)len,
                   (uint32_t)len, x);
  }
  /* record 6: a header promising 100 bytes, 10 there */
  mk_u32(&in, 2000);
  mk_u32(&in, 0);
  mk_u32(&in, 100);
  mk_u32(&in, 100);
  mk_bytes(&in, f, 10);
  write_file(in_path, &in);
  for (int keep = 0; keep < 2; keep++) {
    capkit_rewriter *rw = rewriter();
    capkit_job *j = capkit_job_new();
    if (keep)
      CHECK_EQ(capkit_job_set(j, "keep-partial", NULL), 0);
    capkit_job_set_rewriter(j, rw);
    int rc = capkit_job_copy(j, in_path, out_path);
    CHECK(rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA);
    CHECK_EQ(capkit_job_error_record(j), 6);
    CHECK_EQ(capkit_job_output_kept(j), keep);
    if (keep) {
      CHECK(same(&want));
    } else {
      CHECK(access(out_path, F_OK) != 0);
    }
    CHECK_EQ(capkit_rewriter_count(rw, CAPKIT_RW_PACKETS), 5);
    capkit_job_free(j);
    capkit_rewriter_free(rw);
  }
  free(in.b);
  free(want.b);
}

/* No rewriter (set, then taken away): the input byte for byte. */
static void none(void) {
  static uint8_t f[400], x[400];
  mk_buf in;
  memset(&in, 0, sizeof in);
  mk_pcap_header(&in, 1, 262144, 1);
  for (int i = 0; i < 20; i++) {
    int is_udp;
    size_t len = frame(f, x, &is_udp);
    mk_pcap_record(&in, 7 + (uint32_t)i, 5, (uint32_t)len, (uint32_t)len, f);
  }
  write_file(in_path, &in);
  capkit_rewriter *rw = rewriter();
  capkit_job *j = capkit_job_new();
  capkit_job_set_rewriter(j, rw);
  capkit_job_set_rewriter(j, NULL);
  CHECK_EQ(capkit_job_copy(j, in_path, out_path), 0);
  CHECK(same(&in));
  CHECK_EQ(capkit_rewriter_count(rw, CAPKIT_RW_PACKETS), 0);
  capkit_job_free(j);
  capkit_rewriter_free(rw);
  free(in.b);
}

int main(void) {
  snprintf(in_path, sizeof in_path, "%s/in.pcap", tap_tmpdir());
  snprintf(out_path, sizeof out_path, "%s/out.pcap", tap_tmpdir());
  property();
  damage();
  none();
  unlink(in_path);
  rmdir(tap_tmpdir());
  return tap_done();
}

/* test_repair_outputs.c - repair of captures of several MiB: over seeded
 * byte orders, precisions, record sizes and places of inserted garbage
 * (none, between records, inside a record), a clean capture is copied
 * byte for byte, and a damaged one gives the file header and the original
 * records in their order, byte-identical, with every record not next to
 * garbage kept and every record the garbage fell inside dropped. Files
 * are built here from the pcap specification (24-byte file header,
 * 16-byte record headers, Ethernet, IPv4 with its RFC 1071 header
 * checksum, UDP), so the expected records are known by construction. The
 * output written to a path (a temporary file renamed into place) and the
 * output written to standard output (redirected to a file) are the same
 * bytes, so that a faster way to write runs of unchanged records to a
 * regular file cannot change them unnoticed. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "inetsum.h"
#include "mkpkt.h"
#include "seeded.h"
#include "tap.h"

typedef mk_buf buf;
SEEDED_PUTS(buf)

/* An Ethernet/IPv4/UDP frame of len bytes (42 <= len <= 1514). */
static void frame(uint8_t *p, uint32_t len) {
  for (uint32_t i = 0; i < len; i++)
    p[i] = (uint8_t)rnd();
  p[12] = 0x08, p[13] = 0x00;
  uint8_t *ip = p + 14;
  uint32_t iplen = len - 14;
  ip[0] = 0x45, ip[1] = 0, ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
  ip[6] = 0x40, ip[7] = 0, ip[8] = 64, ip[9] = 17, ip[10] = ip[11] = 0;
  uint16_t sum = inet_fold(inet_sum16(0, ip, 20));
  ip[10] = (uint8_t)(sum >> 8), ip[11] = (uint8_t)sum;
  uint8_t *udp = ip + 20;
  uint32_t ulen = iplen - 20;
  udp[4] = (uint8_t)(ulen >> 8), udp[5] = (uint8_t)ulen;
  udp[6] = udp[7] = 0; /* no checksum (RFC 768) */
}

/* Where a record starts in the original and how long it is; hit: garbage
 * was inserted inside it; near: next to garbage (the walk may then take
 * it for the damaged one: pcap has no checksum to tell). */
typedef struct span {
  size_t off, len;
  int hit, near;
} span;

/* A capture of n records: *sp gets their places. */
static buf make(int n, int be, int ns, span **sp) {
  buf x = {0};
  x.be = be;
  mk_pcap_header(&x, ns, 65535, 1);
  *sp = calloc((size_t)n, sizeof **sp);
  uint32_t t = 1700000000 + rnd() % 1000000, frac = 0;
  uint32_t lim = ns ? 1000000000u : 1000000u;
  uint8_t pkt[1514];
  for (int i = 0; i < n; i++) {
    frac += rnd() % (lim / 50);
    t += frac / lim;
    frac %= lim;
    uint32_t len = rnd() % 4 ? rnd_in(60, 1514) : rnd_in(42, 128);
    frame(pkt, len);
    (*sp)[i].off = x.n;
    (*sp)[i].len = 16 + len;
    put32(&x, t);
    put32(&x, frac);
    put32(&x, len);
    put32(&x, len);
    put(&x, pkt, len);
  }
  return x;
}

/* The damaged file: k pieces of garbage inserted, each between two records
 * or inside one (then that record is hit). */
static buf damage(const buf *orig, span *sp, int n, int k) {
  size_t *at = calloc((size_t)k + 1, sizeof *at);
  for (int j = 0; j < k; j++) {
    /* well apart, so that each is found on its own, away from the ends */
    int i = (int)((uint64_t)n * (uint64_t)(2 * j + 1) / (uint64_t)(2 * k)) +
            (int)rnd_in(0, 20) - 10;
    if (i < 20)
      i = 20;
    if (i > n - 20)
      i = n - 20;
    if (rnd() % 2) {
      at[j] = sp[i].off;
    } else {
      at[j] = sp[i].off + rnd_in(1, (uint32_t)sp[i].len - 1);
      sp[i].hit = 1;
    }
    sp[i - 1].near = sp[i].near = sp[i + 1].near = 1;
  }
  buf d = {0};
  size_t from = 0;
  for (int j = 0; j < k; j++) {
    put(&d, orig->b + from, at[j] - from);
    uint32_t g = rnd_in(1, 600);
    for (uint32_t m = 0; m < g; m++) {
      uint8_t c = (uint8_t)rnd();
      put(&d, &c, 1);
    }
    from = at[j];
  }
  put(&d, orig->b + from, orig->n - from);
  free(at);
  return d;
}

/* Whether the file at path holds exactly b. */
static int same(const char *path, const buf *b) {
  size_t n = 0;
  uint8_t *got = tap_slurp(path, &n);
  int ok = got && n == b->n && memcmp(got, b->b, n) == 0;
  if (got && !ok) {
    size_t i = 0;
    while (i < n && i < b->n && got[i] == b->b[i])
      i++;
    fprintf(stderr, "# %s: %zu bytes, want %zu, first difference at %zu\n",
            path, n, b->n, i);
  }
  free(got);
  return ok;
}

/* Whether the repaired file at path is the original's header and records
 * in their order, each byte-identical, with none missing but records next
 * to garbage, and all those hit missing. */
static int subset(const char *path, const buf *orig, const span *sp, int n) {
  size_t len = 0;
  uint8_t *got = tap_slurp(path, &len);
  int ok = got && len >= 24 && memcmp(got, orig->b, 24) == 0;
  size_t at = 24;
  int i = 0;
  while (ok && at < len) {
    while (i < n && !(sp[i].len <= len - at &&
                      memcmp(got + at, orig->b + sp[i].off, sp[i].len) == 0)) {
      if (!sp[i].near) {
        fprintf(stderr, "# %s: record %d missing\n", path, i);
        ok = 0;
      }
      i++;
    }
    if (i == n || sp[i].hit) {
      fprintf(stderr, "# %s: a record at %zu that is not an original\n",
              path, at);
      ok = 0;
      break;
    }
    at += sp[i++].len;
  }
  for (; ok && i < n; i++)
    if (!sp[i].near)
      ok = 0;
  free(got);
  return ok;
}

/* Repair in into out ("-": standard output, sent to the file stdout_to). */
static int run(const char *in, const char *out, const char *stdout_to) {
  capkit_repair *rp = capkit_repair_new();
  int saved = -1, fd = -1;
  if (stdout_to) {
    fflush(stdout);
    saved = dup(1);
    fd = open(stdout_to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (saved < 0 || fd < 0 || dup2(fd, 1) < 0)
      return -100;
  }
  int rc = capkit_repair_run(rp, in, out);
  if (stdout_to) {
    dup2(saved, 1);
    close(saved);
    close(fd);
  }
  if (rc < 0)
    fprintf(stderr, "# %s\n", capkit_repair_error(rp));
  capkit_repair_free(rp);
  return rc;
}

int main(void) {
    for (int round = 0; round < 8; round++) {
    rng = 0x5eed0000u + (uint64_t)round * 7919u;
    int be = round & 1, ns = (round >> 1) & 1;
    int n = (int)rnd_in(3000, 9000); /* about 2 to 7 MiB */
    int k = round < 2 ? 0 : (int)rnd_in(1, 4);
    span *sp = NULL;
    buf orig = make(n, be, ns, &sp);
    buf bad = damage(&orig, sp, n, k);
    const char *in = tmp("in.pcap"), *out = tmp("out.pcap");
    spit(in, bad.b, bad.n);

    /* to standard output first: what the file output must equal */
    const char *std = tmp("stdout.pcap");
    int rc = run(in, "-", std);
    CHECK_EQ(rc, k ? 1 : 0);
    size_t sn = 0;
    buf ref = {0};
    ref.b = tap_slurp(std, &sn);
    ref.n = ref.cap = sn;
    if (k == 0)
      CHECK(same(std, &orig));
    else
      CHECK(subset(std, &orig, sp, n));

    CHECK_EQ(run(in, out, NULL), rc);
    if (!same(out, &ref))
      fprintf(stderr, "# round %d: be %d ns %d, %d records, %d pieces\n",
              round, be, ns, n, k);
    CHECK(ref.b && same(out, &ref));
    free(ref.b);
    free(orig.b);
    free(bad.b);
    free(sp);
  }
  return tap_done();
}

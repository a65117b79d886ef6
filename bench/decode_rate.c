/* decode_rate - pure decode speed of libcapkit: reads a capture once into
 * memory (records kept as offsets), then decodes every packet ROUNDS times
 * and prints packets per second, with and without checksum verification.
 *
 * build: cc -O2 -Iinclude bench/decode_rate.c build/libcapkit.a \
 *          $(pkg-config --libs libpcap zlib libzstd)
 * usage: decode_rate FILE [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capkit/capkit.h>

typedef struct pk {
  const uint8_t *data;
  uint32_t caplen, origlen, linktype;
} pk;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: decode_rate FILE [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 5;
  capkit_reader *r = capkit_reader_new();
  if (!r || capkit_reader_open_path(r, argv[1]) != 0) {
    fprintf(stderr, "%s\n", r ? capkit_reader_error(r) : "out of memory");
    return 1;
  }
  /* copy the packets into one block so the timed loop reads no file */
  size_t n = 0, cap = 1 << 16, bytes = 0, bcap = 1 << 26;
  pk *v = malloc(cap * sizeof *v);
  uint8_t *buf = malloc(bcap);
  size_t *offs = malloc(cap * sizeof *offs);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while ((rc = capkit_reader_next(r, &rec)) > 0) {
    if (n == cap) {
      cap *= 2;
      v = realloc(v, cap * sizeof *v);
      offs = realloc(offs, cap * sizeof *offs);
    }
    if (bytes + rec.caplen > bcap) {
      while (bytes + rec.caplen > bcap)
        bcap *= 2;
      buf = realloc(buf, bcap);
    }
    if (!v || !buf || !offs) {
      fprintf(stderr, "out of memory\n");
      return 1;
    }
    memcpy(buf + bytes, rec.data, rec.caplen);
    offs[n] = bytes;
    v[n].caplen = rec.caplen;
    v[n].origlen = rec.origlen;
    v[n].linktype = rec.iface ? rec.iface->linktype : 1;
    bytes += rec.caplen;
    n++;
  }
  if (rc < 0)
    fprintf(stderr, "%s\n", capkit_reader_error(r));
  capkit_reader_free(r);
  for (size_t i = 0; i < n; i++)
    v[i].data = buf + offs[i];
  /* DECODE_RATE_MAX: decode only the first packets (a cache-resident set) */
  const char *mx = getenv("DECODE_RATE_MAX");
  if (mx && (size_t)atol(mx) < n && atol(mx) > 0)
    n = (size_t)atol(mx);
  free(offs);

  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  capkit_packet_init(&pkt, layers, CAPKIT_DECODE_MAX_LAYERS);
  static const struct {
    const char *name;
    unsigned opt;
  } modes[] = {{"decode (no checksums)", 0},
               {"decode + verify checksums", CAPKIT_DECODE_CHECKSUMS}};
  printf("%zu packets, %zu bytes in memory, %d rounds\n", n, bytes, rounds);
  for (size_t m = 0; m < 2; m++) {
    uint64_t sink = 0;
    double best = 1e30;
    for (int k = 0; k < rounds; k++) {
      double t0 = now();
      for (size_t i = 0; i < n; i++) {
        sink += capkit_decode(&pkt, v[i].linktype, v[i].data, v[i].caplen,
                              v[i].origlen, modes[m].opt);
        sink += pkt.layers[pkt.count - 1].csum;
      }
      double t = now() - t0;
      if (t < best)
        best = t;
    }
    printf("%-28s %8.2f Mpps  %7.2f Gbit/s  (layers %llu)\n", modes[m].name,
           n / best / 1e6, bytes * 8 / best / 1e9,
           (unsigned long long)(sink / (unsigned)rounds));
  }
  free(v);
  free(buf);
  return 0;
}

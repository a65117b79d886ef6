/* count.c - the smallest libcapkit program: count the packets and bytes of
 * a capture (any format, any variant), stopping cleanly at damage.
 * Build: cc count.c $(pkg-config --cflags --libs capkit) */
#include <inttypes.h>
#include <stdio.h>

#include <capkit/capkit.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: count FILE\n");
    return 2;
  }
  capkit_reader *r = capkit_reader_new();
  int rc = capkit_reader_open_path(r, argv[1]);
  uint64_t packets = 0, bytes = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  if (rc == 0)
    while ((rc = capkit_reader_next(r, &rec)) > 0) {
      packets++;
      bytes += rec.caplen;
    }
  printf("%" PRIu64 " packets, %" PRIu64 " bytes\n", packets, bytes);
  if (rc < 0)
    fprintf(stderr, "%s\n", capkit_reader_error(r));
  capkit_reader_free(r);
  return rc < 0 ? 1 : 0;
}

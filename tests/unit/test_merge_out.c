/* test_merge_out.c - the output a merger sets up for its inputs
 * (capkit_merger_setup_writer), on classic pcap inputs built here from the
 * format's specification: inputs that agree give a copy of the first's
 * header with the largest snaplen; a finer precision gives nanoseconds;
 * different link types give pcapng, or CAPKIT_ELINKTYPE naming the input
 * when pcap is asked for, unless every record is relabelled; a snaplen
 * asked for cuts. Checked by reading the written file back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

typedef struct in {
  int nsec;
  uint32_t snaplen, linktype;
} in;

static mk_buf bufs[4];

static capkit_reader *open_in(int i, const in *spec) {
  static const uint8_t pkt[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  mk_buf *f = &bufs[i];
  memset(f, 0, sizeof *f);
  mk_pcap_header(f, spec->nsec, spec->snaplen, spec->linktype);
  mk_pcap_record(f, 1000 + (uint32_t)i, 5, sizeof pkt, sizeof pkt, pkt);
  capkit_reader *r = capkit_reader_new();
  if (capkit_reader_open_memory(r, f->b, f->n, NULL) != 0)
    return NULL;
  return r;
}

typedef struct out {
  int rc;
  char format[16];
  unsigned precision;
  uint32_t snaplen, linktype;
  size_t conflict;
  uint32_t conflict_lt;
} out;

static out merge(const in *spec, size_t n, const char *format,
                 uint32_t snaplen, int relabel) {
  out o;
  memset(&o, 0, sizeof o);
  capkit_reader *r[4];
  capkit_merger *m = capkit_merger_new();
  for (size_t i = 0; i < n; i++) {
    r[i] = open_in((int)i, &spec[i]);
    capkit_merger_add(m, r[i], NULL);
  }
  char path[600];
  snprintf(path, sizeof path, "%s/merged", tap_tmpdir());
  capkit_writer *w = capkit_writer_new();
  o.rc = capkit_merger_setup_writer(m, w, format, snaplen, relabel,
                                    &o.conflict, &o.conflict_lt);
  if (relabel)
    capkit_writer_set_linktype(w, 1);
  capkit_record rec = CAPKIT_RECORD_INIT;
  if (!o.rc && capkit_writer_open_path(w, path) == 0) {
    while (capkit_merger_next(m, &rec, NULL) > 0)
      capkit_writer_write(w, &rec);
    capkit_writer_close(w);
    capkit_reader *b = capkit_reader_new();
    if (capkit_reader_open_path(b, path) == 0 &&
        capkit_reader_next(b, &rec) > 0) {
      const capkit_file_info *fi = capkit_reader_info(b);
      snprintf(o.format, sizeof o.format, "%s", fi->format);
      o.precision = capkit_reader_iface(b, 0)->tsresol;
      o.snaplen = capkit_reader_iface(b, 0)->snaplen;
      o.linktype = capkit_reader_iface(b, 0)->linktype;
    }
    capkit_reader_free(b);
  }
  capkit_writer_free(w);
  capkit_merger_free(m);
  for (size_t i = 0; i < n; i++) {
    capkit_reader_free(r[i]);
    free(bufs[i].b);
  }
  return o;
}

int main(void) {
  in same[2] = {{0, 1000, 1}, {0, 3000, 1}};
  out o = merge(same, 2, NULL, 0, 0);
  CHECK(o.rc == 0 && !strcmp(o.format, "pcap") && o.precision == 6 &&
        o.snaplen == 3000 && o.linktype == 1);
  o = merge(same, 2, NULL, 100, 0);
  CHECK(o.rc == 0 && o.snaplen == 100);
  in finer[2] = {{0, 1000, 1}, {1, 1000, 1}};
  o = merge(finer, 2, NULL, 0, 0);
  CHECK(o.rc == 0 && !strcmp(o.format, "pcap") && o.precision == 9 &&
        o.linktype == 1);
  in mixed[3] = {{0, 1000, 1}, {0, 1000, 1}, {0, 1000, 101}};
  o = merge(mixed, 3, NULL, 0, 0);
  CHECK(o.rc == 0 && !strcmp(o.format, "pcapng"));
  o = merge(mixed, 3, "pcap", 0, 0);
  CHECK(o.rc == CAPKIT_ELINKTYPE && o.conflict == 2 && o.conflict_lt == 101);
  o = merge(mixed, 3, "pcap", 0, 1);
  CHECK(o.rc == 0 && !strcmp(o.format, "pcap") && o.linktype == 1);
  o = merge(same, 2, "pcapng", 0, 0);
  CHECK(o.rc == 0 && !strcmp(o.format, "pcapng"));
  CHECK_EQ(capkit_merger_setup_writer(NULL, NULL, NULL, 0, 0, NULL, NULL),
           CAPKIT_EINVAL);
  return tap_done();
}

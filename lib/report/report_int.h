/* report_int.h - what the report's parts share: one view (a file or the
 * combined one) and the HTML output buffer. */
#ifndef CAPKIT_REPORT_INT_H
#define CAPKIT_REPORT_INT_H

#include <capkit/capkit.h>

#include "print/print_int.h"
#include "util/buf.h"

typedef struct rp_note {
  int kind; /* warning number, 0 for damage, -1 for a comment */
  uint64_t offset, length, record;
  char *text;
} rp_note;

typedef struct rp_view {
  char *name;
  capkit_stats *st; /* with the I/O series (round widths, by top layer) */
  capkit_tcp_health *tcp;
  /* file information (a file view that opened) */
  int opened;
  capkit_file_info info;
  char *format, *variant;
  /* pcapng sections and interfaces, as copies */
  size_t nsec, nif;           /* kept */
  size_t total_sec, total_if; /* in the file */
  capkit_section *sec;
  capkit_iface *ifs;
  /* problems and packet comments */
  rp_note *notes;
  size_t nnotes, kept[3]; /* kept: warnings, damage, comments */
  uint64_t warnings, by_kind[32], comments, damage;
  int err_code;
  char *err;
  uint64_t err_offset, err_record;
  int ended;
} rp_view;

struct capkit_report {
  capkit_report_settings set;
  char *title;
  rp_view *files;
  size_t nfiles;
  rp_view all; /* combined view, with CAPKIT_REPORT_COMBINED */
  capkit_layer layers[CAPKIT_DECODE_MAX_LAYERS];
  capkit_packet pkt;
  char *err; /* capkit_report_add_path's message (NULL: none) */
};

/* The HTML renderer (html.c): the whole page into OUT (err set when out
 * of memory). */
void capkit__rp_render(const capkit_report *rp, tbuf *out);

/* Output helpers shared by html.c and charts.c. */
void capkit__rp_f(tbuf *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Text from a file or a caller, HTML-escaped (also fit for attributes). */
void capkit__rp_esc(tbuf *o, const char *s);
/* A count with thousands separators. */
void capkit__rp_count(tbuf *o, uint64_t v);
/* A value with an SI prefix and 3 significant digits ("1.23 M"). */
void capkit__rp_si(tbuf *o, double v, const char *unit);
/* The charts of a view (charts.c): the I/O graph and the size histogram. */
void capkit__rp_io_chart(tbuf *o, const rp_view *v, size_t vi);
void capkit__rp_size_chart(tbuf *o, const rp_view *v);

#endif

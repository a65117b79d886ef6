"""The C declarations the package binds, and where libcapkit is found.

cffi in ABI mode: nothing is compiled at install time, any build of
libcapkit.so with the same major version works. Structs the package
allocates (capkit_record) carry their size, so a newer library that grew
them still reads this package's records correctly.
"""
import os

from cffi import FFI

ffi = FFI()
ffi.cdef(r"""
typedef struct capkit_reader capkit_reader;
typedef struct capkit_writer capkit_writer;
typedef struct capkit_filter capkit_filter;
typedef struct capkit_gen capkit_gen;
typedef struct capkit_rewriter capkit_rewriter;
typedef enum { CAPKIT_BO_NATIVE = 0, CAPKIT_BO_LITTLE = 1,
               CAPKIT_BO_BIG = 2 } capkit_byte_order;

typedef struct capkit_iface {
  uint32_t id, linktype, snaplen;
  int32_t fcs_len;
  uint32_t tsresol;
  int64_t tsoffset;
  const char *name, *description, *filter, *os;
  uint32_t section;
  int byte_order;
  uint64_t origin;
  uint64_t reserved[6];
} capkit_iface;

typedef struct capkit_record {
  uint32_t size;
  int64_t ts_sec;
  uint32_t ts_nsec, caplen, origlen, iface_id;
  const capkit_iface *iface;
  const uint8_t *data;
  uint64_t number, offset;
  const char *comment;
  uint32_t flags;
  const void *extra;
} capkit_record;

typedef struct capkit_file_info {
  const char *format, *variant;
  capkit_byte_order byte_order;
  uint32_t magic;
  uint16_t version_major, version_minor;
  int32_t thiszone;
  uint32_t sigfigs, snaplen, linktype, linktype_field;
  int32_t fcs_len;
  uint32_t tsresol, header_len, record_header_len;
  int lengths_swapped;
} capkit_file_info;

const char *capkit_strerror(int code);
const char *capkit_errname(int code);
int capkit_error_class_of(int code);
const char *capkit_version(void);
const char *capkit_warning_name(int warning);
const char *capkit_linktype_name(uint32_t linktype);
int capkit_linktype_from_name(const char *name, uint32_t *out);

typedef void (*capkit_warning_fn)(void *user, int warning, uint64_t offset,
                                  uint64_t record, const char *message);
capkit_reader *capkit_reader_new(void);
void capkit_reader_free(capkit_reader *r);
void capkit_reader_set_warning_fn(capkit_reader *r, capkit_warning_fn fn,
                                  void *user);
int capkit_reader_open_path(capkit_reader *r, const char *path);
int capkit_reader_open_fd(capkit_reader *r, int fd, const char *name);
int capkit_reader_open_memory(capkit_reader *r, const void *buf, size_t len,
                              const char *name);
int capkit_reader_next(capkit_reader *r, capkit_record *rec);
const capkit_file_info *capkit_reader_info(const capkit_reader *r);
size_t capkit_reader_iface_count(const capkit_reader *r);
const capkit_iface *capkit_reader_iface(const capkit_reader *r, size_t i);
const char *capkit_reader_name(const capkit_reader *r);
uint64_t capkit_reader_size(const capkit_reader *r);
uint64_t capkit_reader_offset(const capkit_reader *r);
const char *capkit_reader_compression(const capkit_reader *r);
const char *capkit_reader_error(const capkit_reader *r);
int capkit_reader_error_code(const capkit_reader *r);
uint64_t capkit_reader_error_offset(const capkit_reader *r);
uint64_t capkit_reader_error_record(const capkit_reader *r);

capkit_writer *capkit_writer_new(void);
void capkit_writer_free(capkit_writer *w);
int capkit_writer_set_format(capkit_writer *w, const char *format);
int capkit_writer_set_byte_order(capkit_writer *w, capkit_byte_order bo);
int capkit_writer_set_precision(capkit_writer *w, unsigned digits);
int capkit_writer_set_snaplen(capkit_writer *w, uint32_t snaplen);
int capkit_writer_set_linktype(capkit_writer *w, uint32_t linktype);
int capkit_writer_set_comment(capkit_writer *w, const char *comment);
int capkit_writer_set_compression(capkit_writer *w, const char *codec,
                                  int level);
int capkit_writer_copy_settings(capkit_writer *w, const capkit_reader *r);
int capkit_writer_open_path(capkit_writer *w, const char *path);
int capkit_writer_write(capkit_writer *w, const capkit_record *rec);
int capkit_writer_close(capkit_writer *w);
uint64_t capkit_writer_records(const capkit_writer *w);
const char *capkit_writer_error(const capkit_writer *w);

capkit_filter *capkit_filter_new(const char *expr);
void capkit_filter_free(capkit_filter *f);
int capkit_filter_prepare(capkit_filter *f, uint32_t linktype);
int capkit_filter_match(capkit_filter *f, const capkit_record *rec);
const char *capkit_filter_error(const capkit_filter *f);

int capkit_gen_new(const char *spec, uint64_t seed, capkit_gen **out,
                   void *err);
void capkit_gen_free(capkit_gen *g);
uint32_t capkit_gen_linktype(const capkit_gen *g);
int capkit_gen_next(capkit_gen *g, const uint8_t **data, size_t *len);
long capkit_build(const char *spec, uint8_t *buf, size_t cap, void *err);

typedef struct capkit_printer capkit_printer;
capkit_printer *capkit_printer_new(unsigned flags);
void capkit_printer_free(capkit_printer *p);
int capkit_printer_set_time(capkit_printer *p, int fmt);
typedef int (*capkit_ifname_fn)(void *user, uint32_t ifindex, char *buf,
                                size_t cap);
int capkit_ifname_local(void *user, uint32_t ifindex, char *buf, size_t cap);
void capkit_printer_set_ifname(capkit_printer *p, capkit_ifname_fn fn,
                               void *user);
int capkit_printer_render(capkit_printer *p, const capkit_record *rec,
                          const char **text, size_t *len);

/* the first fields of capkit_layer (the rest is a union) */
typedef struct capkit_layer_head {
  uint8_t type, status, csum, depth;
  uint32_t offset, len, payload_len;
} capkit_layer_head;
typedef struct capkit_field {
  const capkit_layer_head *layer;
  unsigned layer_index;
  const char *layer_name;
  const char *name;
  size_t name_len;
  int kind;
  unsigned width;
  uint64_t u;
  int64_t i;
  const char *str;
  size_t len;
  const uint8_t *bytes;
  size_t nbytes;
  const uint32_t *pairs;
  size_t npairs;
  uint32_t offset, length;
} capkit_field;
typedef int (*capkit_field_fn)(const capkit_field *f, void *user);
int capkit_fields_visit(const uint8_t *data, uint32_t caplen,
                        uint32_t linktype, capkit_field_fn fn, void *user);
size_t capkit_ip6_text(char *out, const uint8_t *a);

typedef struct capkit_time { int64_t sec; uint32_t nsec; } capkit_time;
typedef struct capkit_span { uint64_t sec; uint32_t nsec; uint8_t negative; }
  capkit_span;
typedef struct capkit_stats capkit_stats;
typedef struct capkit_stats_settings {
  uint32_t size, what;
  uint64_t interval_ns;
  int has_origin;
  capkit_time origin;
  size_t max_conversations, max_bins;
} capkit_stats_settings;
typedef struct capkit_stats_summary {
  uint32_t size;
  uint64_t packets, bytes, captured_bytes;
  uint32_t min_len, max_len, min_caplen, max_caplen;
  capkit_time first, last, earliest, latest;
  uint64_t out_of_order;
  double duration, byte_rate, bit_rate, packet_rate, mean_size;
} capkit_stats_summary;
typedef struct capkit_stats_node {
  const char *name;
  int parent, first_child, next_sibling;
  uint64_t packets, bytes;
} capkit_stats_node;
typedef struct capkit_stats_conv {
  uint8_t kind, addr_len;
  uint8_t a[16], b[16];
  uint16_t port_a, port_b;
  uint64_t packets_ab, bytes_ab, packets_ba, bytes_ba;
  capkit_time first, last;
  uint64_t order;
} capkit_stats_conv;
capkit_stats *capkit_stats_new(const capkit_stats_settings *set);
void capkit_stats_free(capkit_stats *s);
typedef int (*capkit_stats_write_fn)(void *user, const void *data,
                                     size_t len);
typedef struct capkit_info_options {
  uint32_t size;
  int format;
  const char *name;
  const void *digest;
  uint32_t columns;
  int header, epoch;
  char separator, quote;
} capkit_info_options;
int capkit_info_write(const capkit_reader *r, const capkit_stats *st,
                      int error, const capkit_info_options *opt,
                      capkit_stats_write_fn fn, void *user);
int capkit_stats_add(capkit_stats *s, const capkit_record *rec,
                     const void *pkt);
int capkit_stats_merge(capkit_stats *dst, const capkit_stats *src);
int capkit_stats_get_summary(const capkit_stats *s, capkit_stats_summary *out);
size_t capkit_stats_node_count(const capkit_stats *s);
const capkit_stats_node *capkit_stats_node_at(const capkit_stats *s,
                                              size_t i);
size_t capkit_stats_conv_count(const capkit_stats *s, int kind);
const capkit_stats_conv *capkit_stats_conv_at(const capkit_stats *s, int kind,
                                              size_t i);
int capkit_stats_size_bin(const capkit_stats *s, int i, uint32_t *lo,
                          uint32_t *hi, uint64_t *packets, uint64_t *bytes);
size_t capkit_stats_series(const capkit_stats *s, capkit_span *interval);
int capkit_stats_bin(const capkit_stats *s, size_t i, capkit_time *start,
                     uint64_t *packets, uint64_t *bytes);

capkit_rewriter *capkit_rewriter_new(void);
void capkit_rewriter_free(capkit_rewriter *rw);
int capkit_rewriter_set(capkit_rewriter *rw, const char *name,
                        const char *value);
int capkit_rewriter_apply(capkit_rewriter *rw, const capkit_record *in,
                          capkit_record *out);
const char *capkit_rewriter_error(const capkit_rewriter *rw);
typedef struct capkit_batch {
  uint32_t size;
  size_t max;
  uint8_t *data;
  size_t data_cap;
  int64_t *ts_ns;
  int64_t *ts_sec;
  uint32_t *ts_nsec;
  uint32_t *caplen;
  uint32_t *origlen;
  uint64_t *offset;
  uint32_t *iface;
  uint32_t *linktype;
  uint64_t *number;
  uint64_t *pos;
  size_t count;
  size_t data_len;
  size_t need;
  int has_pending;
  capkit_record pending;
  uint64_t reserved[4];
} capkit_batch;
int capkit_reader_read_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b);
int capkit_reader_set_window(capkit_reader *r, size_t bytes);
int capkit_reader_set_mmap(capkit_reader *r, int on);
int capkit_reader_view_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b, const uint8_t **data);
int capkit_reader_fill_batch(capkit_reader *r, capkit_filter *f,
                             capkit_batch *b, const uint8_t **data);
long capkit_writer_write_batch(capkit_writer *w, const capkit_batch *b,
                               const capkit_iface *iface);
int capkit_gen_fill(capkit_gen *g, capkit_batch *b, size_t max,
                    capkit_time *t, capkit_time interval);
int capkit_rate_interval(double rate, capkit_time *interval);
typedef struct capkit_flow_columns {
  uint32_t size;
  uint8_t *version;
  uint8_t *proto;
  uint8_t *src;
  uint8_t *dst;
  uint16_t *sport;
  uint16_t *dport;
  uint64_t reserved[4];
} capkit_flow_columns;
long capkit_batch_flows(const capkit_batch *b, uint32_t linktype,
                        capkit_flow_columns *out);
int capkit_time_parse(const char *s, capkit_time *out);
int capkit_time_parse_duration(const char *s, capkit_time *out);
int capkit_writer_set_fcs_len(capkit_writer *w, int fcs_len);

typedef struct capkit_order capkit_order;
capkit_order *capkit_order_new(size_t max_stretches);
void capkit_order_free(capkit_order *o);
uint64_t capkit_order_records(const capkit_order *o);
uint64_t capkit_order_late(const capkit_order *o);
size_t capkit_order_stretches(const capkit_order *o);
uint64_t capkit_order_stretch(const capkit_order *o, size_t i);
long capkit_batch_order(capkit_order *o, const capkit_batch *b);

typedef struct capkit_job capkit_job;
capkit_job *capkit_job_new(void);
void capkit_job_free(capkit_job *j);
int capkit_job_set(capkit_job *j, const char *name, const char *value);
int capkit_job_merge(capkit_job *j, const char *const *inputs, size_t n,
                     const char *out);
int capkit_job_sort(capkit_job *j, const char *in, const char *out);
int capkit_job_dedup(capkit_job *j, const char *in, const char *out);
uint64_t capkit_job_records_read(const capkit_job *j);
uint64_t capkit_job_records_written(const capkit_job *j);
uint64_t capkit_job_dropped(const capkit_job *j);
const char *capkit_job_method(const capkit_job *j);
size_t capkit_job_runs(const capkit_job *j);
const char *capkit_job_error(const capkit_job *j);
int capkit_job_error_code(const capkit_job *j);
const char *capkit_job_error_file(const capkit_job *j);
uint64_t capkit_job_error_offset(const capkit_job *j);
uint64_t capkit_job_error_record(const capkit_job *j);

typedef struct capkit_scan_layout {
  capkit_byte_order byte_order;
  unsigned precision;
  uint32_t linktype;
  uint32_t snaplen;
  uint32_t bound;
} capkit_scan_layout;
typedef struct capkit_repair_event {
  int kind;
  uint64_t offset;
  uint64_t length;
  uint64_t record;
  const char *message;
} capkit_repair_event;
typedef void (*capkit_repair_fn)(void *user, const capkit_repair_event *ev);
typedef struct capkit_repair capkit_repair;
const char *capkit_repair_kind_name(int kind);
capkit_repair *capkit_repair_new(void);
void capkit_repair_free(capkit_repair *rp);
void capkit_repair_set_event_fn(capkit_repair *rp, capkit_repair_fn fn,
                                void *user);
int capkit_repair_set_pad(capkit_repair *rp, int pad);
int capkit_repair_set_keep_damaged(capkit_repair *rp, int keep);
int capkit_repair_set_linktype(capkit_repair *rp, uint32_t linktype);
int capkit_repair_run(capkit_repair *rp, const char *in_path,
                      const char *out_path);
uint64_t capkit_repair_records(const capkit_repair *rp);
uint64_t capkit_repair_dropped_records(const capkit_repair *rp);
uint64_t capkit_repair_dropped_bytes(const capkit_repair *rp);
const capkit_scan_layout *capkit_repair_layout(const capkit_repair *rp);
const char *capkit_repair_error(const capkit_repair *rp);
""")


def _candidates():
    env = os.environ.get("CAPKIT_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    try:  # installed by cmake --install: next to the headers' library
        from ._libpath import LIBDIR_FROM_PACKAGE, SONAME
        yield os.path.join(here, LIBDIR_FROM_PACKAGE, SONAME)
    except ImportError:
        pass
    # in the source tree right after `make`: python/capkit -> build/
    yield os.path.join(here, "..", "..", "build", "libcapkit.so")
    yield "libcapkit.so"


def _load():
    errors = []
    for path in _candidates():
        try:
            return ffi.dlopen(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("capkit: cannot load libcapkit (set CAPKIT_LIBRARY "
                      "to its path): " + "; ".join(errors))


lib = _load()

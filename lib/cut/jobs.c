/* jobs.c - whole-file jobs over paths (merge, sort, dedup) with the tool's
 * options and output rules, for front ends that should not loop per
 * record: the readers, engines and writer of cut.h put together once. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <capkit/capkit.h>
#include <capkit/build.h>
#include <capkit/cut.h>
#include <capkit/edit.h>
#include <capkit/rewrite.h>

struct capkit_job {
  /* options, as the tool's */
  char *filter, *format, *compress, *tmpdir, *ignore;
  int level, keep_partial, have_lt, strip_fcs, fcs_bytes, ties_last, append;
  int dedup_time, check;
  int have_bo, have_prec, have_fcs, fcs_len, split;
  capkit_byte_order bo;
  unsigned prec;
  uint32_t lt, snaplen;
  uint64_t window, memory, dedup_count;
  int64_t dedup_ns;
  /* engines of a copy (borrowed) */
  capkit_slicer *slicer;
  capkit_retimer *retimer;
  capkit_editor *editor;
  capkit_comments *comments;
  capkit_rewriter *rewriter;
  char *section; /* the section comment, with have_section */
  int have_section;
  /* hooks */
  capkit_warning_fn warn_fn;
  void *warn_user;
  capkit_job_progress_fn progress_fn;
  void *progress_user;
  capkit_split_done_fn split_done;
  capkit_split_error_fn split_error;
  void *split_user;
  /* results */
  uint64_t read, written, dropped;
  size_t runs;
  const char *method;
  int counted;
  uint64_t order_records, late;
  int code, kept;
  uint64_t err_offset, err_record;
  char *err_file;
  char err[1024];
};

capkit_job *capkit_job_new(void) {
  capkit_job *j = calloc(1, sizeof *j);
  if (j) {
    j->memory = (uint64_t)16 << 20;
    j->dedup_count = 4;
    j->lt = 0;
  }
  return j;
}

void capkit_job_free(capkit_job *j) {
  if (!j)
    return;
  free(j->filter);
  free(j->format);
  free(j->compress);
  free(j->tmpdir);
  free(j->ignore);
  free(j->section);
  free(j->err_file);
  free(j);
}

/* Sizes and counts as the tool reads them (build.h). */
static int parse_size(const char *s, uint64_t *out) {
  return capkit_parse_count(s, out) ? -1 : 0;
}

static int set_str(char **dst, const char *v) {
  char *c = v ? strdup(v) : NULL;
  if (v && !c)
    return CAPKIT_ENOMEM;
  free(*dst);
  *dst = c;
  return 0;
}

static int fail(capkit_job *j, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(j->err, sizeof j->err, fmt, ap);
  va_end(ap);
  j->code = code;
  return code;
}

int capkit_job_set(capkit_job *j, const char *name, const char *value) {
  if (!j || !name)
    return CAPKIT_EINVAL;
  uint64_t n;
  int flag = !value;
#define NEED_VALUE                                                             \
  if (flag)                                                                    \
    return fail(j, CAPKIT_EINVAL, "option %s needs a value", name);
  if (strcmp(name, "filter") == 0) {
    NEED_VALUE
    return set_str(&j->filter, *value ? value : NULL);
  }
  if (strcmp(name, "format") == 0) {
    NEED_VALUE
    if (strcmp(value, "pcap") && strcmp(value, "pcapng"))
      return fail(j, CAPKIT_EINVAL, "unknown output format '%s'", value);
    return set_str(&j->format, value);
  }
  if (strcmp(name, "compress") == 0) {
    NEED_VALUE
    const char *colon = strchr(value, ':');
    size_t len = colon ? (size_t)(colon - value) : strlen(value);
    if (colon && (parse_size(colon + 1, &n) || n > 22))
      return fail(j, CAPKIT_EINVAL, "bad compression '%s'", value);
    char codec[8];
    if (len >= sizeof codec)
      return fail(j, CAPKIT_EINVAL, "bad compression '%s'", value);
    memcpy(codec, value, len);
    codec[len] = 0;
    if (strcmp(codec, "gzip") && strcmp(codec, "zstd") && strcmp(codec, "none"))
      return fail(j, CAPKIT_EINVAL, "unknown compression '%s'", codec);
    j->level = colon ? (int)n : 0;
    return set_str(&j->compress, codec);
  }
  if (strcmp(name, "keep-partial") == 0) {
    j->keep_partial = 1;
    return 0;
  }
  if (strcmp(name, "linktype") == 0) {
    NEED_VALUE
    if (capkit_linktype_from_name(value, &j->lt))
      return fail(j, CAPKIT_EINVAL, "unknown link type '%s'", value);
    j->have_lt = 1;
    return 0;
  }
  if (strcmp(name, "strip-fcs") == 0) {
    j->strip_fcs = 1;
    j->fcs_bytes = -1;
    if (value && (parse_size(value, &n) || n > 64))
      return fail(j, CAPKIT_EINVAL, "bad FCS length '%s'", value);
    if (value)
      j->fcs_bytes = (int)n;
    return 0;
  }
  /* the output's settings (every job; copy: each output of a split) */
  if (strcmp(name, "byte-order") == 0) {
    NEED_VALUE
    if (capkit_parse_byte_order(value, &j->bo))
      return fail(j, CAPKIT_EINVAL, "bad byte order '%s'", value);
    j->have_bo = 1;
    return 0;
  }
  if (strcmp(name, "precision") == 0) {
    NEED_VALUE
    if (capkit_parse_precision(value, &j->prec))
      return fail(j, CAPKIT_EINVAL, "bad precision '%s'", value);
    j->have_prec = 1;
    return 0;
  }
  if (strcmp(name, "fcs-len") == 0) {
    NEED_VALUE
    char *end;
    long v = strtol(value, &end, 10);
    if (end == value || *end || v < -1 || v > 30 || (v > 0 && v % 2))
      return fail(j, CAPKIT_EINVAL, "bad FCS length '%s'", value);
    j->fcs_len = (int)v;
    j->have_fcs = 1;
    return 0;
  }
  if (strcmp(name, "section-comment") == 0 ||
      strcmp(name, "delete-section-comment") == 0) {
    int del = name[0] == 'd';
    if (!del && flag)
      return fail(j, CAPKIT_EINVAL, "option %s needs a value", name);
    if (!del && strlen(value) > CAPKIT_COMMENT_MAX)
      return fail(j, CAPKIT_EINVAL, "a comment is at most %u bytes",
                  CAPKIT_COMMENT_MAX);
    j->have_section = 1;
    return set_str(&j->section, del ? NULL : value);
  }
  /* copy */
  if (strcmp(name, "split-by-interface") == 0) {
    j->split = 1;
    return 0;
  }
  /* merge */
  if (strcmp(name, "append") == 0) {
    j->append = 1;
    return 0;
  }
  if (strcmp(name, "ties") == 0) {
    NEED_VALUE
    if (strcmp(value, "first") && strcmp(value, "last"))
      return fail(j, CAPKIT_EINVAL, "ties: first or last");
    j->ties_last = strcmp(value, "last") == 0;
    return 0;
  }
  if (strcmp(name, "snaplen") == 0) {
    NEED_VALUE
    if (parse_size(value, &n) || n == 0 || n > UINT32_MAX)
      return fail(j, CAPKIT_EINVAL, "bad snaplen '%s'", value);
    j->snaplen = (uint32_t)n;
    return 0;
  }
  /* merge: read buffer per input; dedup: records compared */
  if (strcmp(name, "window") == 0) {
    NEED_VALUE
    if (parse_size(value, &n) || n == 0)
      return fail(j, CAPKIT_EINVAL, "bad window '%s'", value);
    j->window = n;
    j->dedup_count = n;
    j->dedup_time = 0;
    return 0;
  }
  /* sort */
  if (strcmp(name, "memory") == 0) {
    NEED_VALUE
    if (parse_size(value, &n) || n < 65536)
      return fail(j, CAPKIT_EINVAL, "bad memory size '%s' (at least 64KiB)",
                  value);
    j->memory = n;
    return 0;
  }
  if (strcmp(name, "check") == 0) {
    j->check = 1;
    return 0;
  }
  if (strcmp(name, "tmpdir") == 0) {
    NEED_VALUE
    return set_str(&j->tmpdir, value);
  }
  /* dedup */
  if (strcmp(name, "count") == 0) {
    NEED_VALUE
    if (parse_size(value, &n) || n > 100000000)
      return fail(j, CAPKIT_EINVAL, "bad window '%s'", value);
    j->dedup_count = n;
    j->dedup_time = 0;
    return 0;
  }
  if (strcmp(name, "time") == 0) {
    NEED_VALUE
    capkit_time t;
    int64_t ns;
    if (*value < '0' || *value > '9' || capkit_time_parse_duration(value, &t) ||
        capkit_time_to_ns(t, &ns) || ns < 0)
      return fail(j, CAPKIT_EINVAL, "bad time window '%s'", value);
    j->dedup_ns = ns;
    j->dedup_time = 1;
    return 0;
  }
  if (strcmp(name, "ignore") == 0) {
    NEED_VALUE
    capkit_dedup *d = capkit_dedup_new();
    int bad = !d || capkit_dedup_set_ignore(d, value);
    capkit_dedup_free(d);
    if (bad)
      return fail(j, CAPKIT_EINVAL, "bad byte ranges '%s'", value);
    return set_str(&j->ignore, value);
  }
#undef NEED_VALUE
  return fail(j, CAPKIT_EINVAL, "unknown option '%s'", name);
}

/* ---- inputs and the output ---- */

typedef struct in {
  capkit_reader *r;
  capkit_filter *f;
  const char *path;
  uint32_t tick;
} in;

static void err_from_reader(capkit_job *j, const in *s, int rc,
                            uint64_t record) {
  if (rc == CAPKIT_EFILTER && s->f) {
    fail(j, rc, "%s: record %" PRIu64 ": filter '%s': %s",
         capkit_reader_name(s->r), record, capkit_filter_expr(s->f),
         capkit_filter_error(s->f));
    return;
  }
  fail(j, rc, "%s", capkit_reader_error(s->r));
  j->err_offset = capkit_reader_error_offset(s->r);
  j->err_record = capkit_reader_error_record(s->r);
  free(j->err_file);
  j->err_file = strdup(capkit_reader_name(s->r));
}

static int in_open(capkit_job *j, in *s, const char *path, size_t window) {
  memset(s, 0, sizeof *s);
  s->path = path;
  s->r = capkit_reader_new();
  if (!s->r)
    return fail(j, CAPKIT_ENOMEM, "out of memory");
  if (window)
    capkit_reader_set_window(s->r, window);
  /* Buffered reads, not a mapping: a window copied once into a buffer
   * that stays in the cache costs less than filling and dropping the page
   * tables of a mapping, and memory is one window per input. */
  capkit_reader_set_no_mmap(s->r, 1);
  int rc = capkit_reader_open_path(s->r, path);
  if (rc < 0) {
    err_from_reader(j, s, rc, 0);
    return rc;
  }
  if (!j->filter)
    return 0;
  s->f = capkit_filter_new(j->filter);
  if (!s->f)
    return fail(j, CAPKIT_ENOMEM, "out of memory");
  const capkit_iface *ifc = capkit_reader_iface(s->r, 0);
  uint32_t lt = ifc ? ifc->linktype : capkit_reader_info(s->r)->linktype;
  rc = capkit_filter_prepare(s->f, lt);
  if (rc < 0)
    return fail(j, rc, "bad filter '%s': %s", j->filter,
                capkit_filter_error(s->f));
  return 0;
}

static void in_close(in *s) {
  capkit_filter_free(s->f);
  capkit_reader_free(s->r);
  s->f = NULL;
  s->r = NULL;
}

static inline int in_next(capkit_job *j, in *s, capkit_record *rec) {
  if (j->progress_fn && (++s->tick & 1023) == 0) {
    uint64_t size, done = capkit_reader_input_offset(s->r, &size);
    j->progress_fn(j->progress_user, done, size);
  }
  int rc = capkit_reader_next_match(s->r, s->f, rec);
  if (rc > 0)
    j->read++;
  return rc;
}

/* The common output options on a writer set up otherwise (RC: the result
 * of that): 0 or a negative code. */
static int out_settings(capkit_job *j, capkit_writer *w, int rc) {
  if (j->warn_fn)
    capkit_writer_set_warning_fn(w, j->warn_fn, j->warn_user);
  if (!rc && j->have_lt)
    rc = capkit_writer_set_linktype(w, j->lt);
  if (!rc && j->strip_fcs)
    rc = capkit_writer_set_fcs_len(w, -1);
  if (!rc && j->have_fcs)
    rc = capkit_writer_set_fcs_len(w, j->fcs_len);
  if (!rc && j->have_bo)
    rc = capkit_writer_set_byte_order(w, j->bo);
  if (!rc && j->have_prec)
    rc = capkit_writer_set_precision(w, j->prec);
  if (!rc && j->compress)
    rc = capkit_writer_set_compression(w, j->compress, j->level);
  if (!rc && j->have_section)
    rc = capkit_writer_set_comment(w, j->section);
  return rc;
}

/* The common output options on a writer set up otherwise, then open. */
static int out_open(capkit_job *j, capkit_writer *w, const char *path,
                    int rc) {
  rc = out_settings(j, w, rc);
  if (!rc)
    rc = capkit_writer_open_path(w, path);
  if (rc < 0)
    return fail(j, rc, "%s", *capkit_writer_error(w) ? capkit_writer_error(w)
                                                      : capkit_strerror(rc));
  return 0;
}

/* Set up like reader r (a byte-identical copy when nothing changes), not
 * opened: 0 or a negative code. */
static int settings_like(capkit_job *j, capkit_writer *w, capkit_reader *r,
                         uint32_t snaplen) {
  int rc = capkit_writer_copy_settings(w, r);
  if (!rc && j->format)
    rc = capkit_writer_set_format(w, j->format);
  if (!rc && snaplen)
    rc = capkit_writer_set_snaplen(w, snaplen);
  return out_settings(j, w, rc);
}

/* Like reader r, opened. */
static int out_like(capkit_job *j, capkit_writer *w, const char *path,
                    capkit_reader *r, uint32_t snaplen) {
  return out_open(j, w, path, settings_like(j, w, r, snaplen));
}

static int out_spec(capkit_job *j, capkit_writer *w, const char *path,
                    const char *format, unsigned precision, uint32_t snaplen,
                    int have_lt, uint32_t lt, int fcs_len) {
  int rc = capkit_writer_set_format(w, j->format ? j->format : format);
  if (!rc)
    rc = capkit_writer_set_precision(w, precision);
  if (!rc && snaplen)
    rc = capkit_writer_set_snaplen(w, snaplen);
  if (!rc && have_lt)
    rc = capkit_writer_set_linktype(w, lt);
  if (!rc && fcs_len >= 0)
    rc = capkit_writer_set_fcs_len(w, fcs_len);
  return out_open(j, w, path, rc);
}

static int out_write(capkit_job *j, capkit_writer *w,
                     const capkit_record *rec) {
  int rc;
  if (j->strip_fcs) {
    capkit_record r2 = *rec;
    capkit_record_strip_fcs(&r2, j->fcs_bytes);
    rc = capkit_writer_write(w, &r2);
  } else {
    rc = capkit_writer_write(w, rec);
  }
  if (rc < 0)
    return fail(j, rc, "%s", capkit_writer_error(w));
  j->written++;
  return 0;
}

/* Close when everything went well, or after damage with keep-partial;
 * else discard. Returns the job's result. */
static int out_finish(capkit_job *j, capkit_writer *w, int rc,
                      int write_failed) {
  int keep = rc == 0 || (capkit_error_class_of(rc) == CAPKIT_CLASS_DATA &&
                         j->keep_partial && !write_failed);
  if (w && keep) {
    int c = capkit_writer_close(w);
    if (c < 0 && rc == 0)
      rc = fail(j, c, "%s", capkit_writer_error(w));
    j->kept = c == 0 && rc < 0;
  }
  capkit_writer_free(w);
  return rc;
}

static void reset(capkit_job *j) {
  j->read = j->written = j->dropped = 0;
  j->runs = 0;
  j->method = NULL;
  j->counted = 0;
  j->order_records = j->late = 0;
  j->code = 0;
  j->kept = 0;
  j->err[0] = 0;
  j->err_offset = j->err_record = 0;
  free(j->err_file);
  j->err_file = NULL;
}

/* ---- merge ---- */

/* The output's settings from all inputs (capkit_merger_setup_writer),
 * then opened. */
static int merge_open(capkit_job *j, capkit_writer *w, const char *out,
                      capkit_merger *m, const in *s) {
  size_t other = 0;
  uint32_t other_lt = 0;
  int rc = capkit_merger_setup_writer(m, w, j->format, j->snaplen,
                                      j->have_lt, &other, &other_lt);
  if (rc == CAPKIT_ELINKTYPE)
    return fail(j, rc,
                "%s has link type %" PRIu32 " but %s has %" PRIu32
                ": a classic pcap file holds one link type",
                s[0].path, capkit_reader_info(s[0].r)->linktype,
                s[other].path, other_lt);
  return out_open(j, w, out, rc);
}

static int sort_write(capkit_job *j, capkit_writer *w, capkit_reader *r,
                      const capkit_record *rec);

/* Progress of a merge: the bytes read of all inputs. */
static void merge_progress(capkit_job *j, const in *s, size_t n) {
  uint64_t done = 0, total = 0;
  for (size_t k = 0; k < n; k++) {
    uint64_t sz;
    done += capkit_reader_input_offset(s[k].r, &sz);
    total += sz;
  }
  j->progress_fn(j->progress_user, done, total);
}

/* Unless RC already failed, every record of merger M into W (as sorted
 * records with reader SORTED's interfaces when it is not NULL; progress
 * over the first N inputs), then the output finished and everything
 * freed: the N_OPEN inputs S, M, W. Returns the job's result. */
static int merge_finish(capkit_job *j, capkit_merger *m, capkit_writer *w,
                        in *s, size_t n_open, int rc, size_t n,
                        capkit_reader *sorted) {
  int wfail = 0;
  if (!rc) {
    capkit_record rec = CAPKIT_RECORD_INIT;
    uint32_t ticks = 0;
    int k;
    while ((k = capkit_merger_next(m, &rec, NULL)) > 0) {
      j->read++;
      if (j->progress_fn && (++ticks & 1023) == 0)
        merge_progress(j, s, n);
      if (sorted ? sort_write(j, w, sorted, &rec) : out_write(j, w, &rec)) {
        rc = j->code;
        wfail = 1;
        break;
      }
    }
    if (k < 0 && !rc) {
      err_from_reader(j, &s[capkit_merger_failed(m)], k, rec.number);
      rc = k;
    }
  }
  rc = out_finish(j, w, rc, wfail);
  capkit_merger_free(m);
  for (size_t i = 0; i < n_open && s; i++)
    in_close(&s[i]);
  free(s);
  return rc;
}

int capkit_job_merge(capkit_job *j, const char *const *inputs, size_t n,
                     const char *out) {
  if (!j)
    return CAPKIT_EINVAL;
  reset(j);
  if (!inputs || n == 0 || !out)
    return fail(j, CAPKIT_EINVAL, "merge: no inputs or no output");
  size_t window = (size_t)j->window;
  if (!window && n > 16)
    window = capkit_merger_window(n);
  in *s = calloc(n, sizeof *s);
  capkit_merger *m = capkit_merger_new();
  capkit_writer *w = capkit_writer_new();
  int rc = s && m && w ? 0 : fail(j, CAPKIT_ENOMEM, "out of memory");
  size_t opened = 0;
  if (!rc)
    rc = capkit_merger_set_order(m, j->append      ? CAPKIT_MERGE_APPEND
                                    : j->ties_last ? CAPKIT_MERGE_TIES_LAST
                                                   : CAPKIT_MERGE_STABLE);
  for (; !rc && opened < n; opened++) {
    rc = in_open(j, &s[opened], inputs[opened], window);
    if (!rc && capkit_merger_add(m, s[opened].r, s[opened].f) < 0)
      rc = fail(j, CAPKIT_ENOMEM, "out of memory");
  }
  if (!rc)
    rc = merge_open(j, w, out, m, s);
  return merge_finish(j, m, w, s, opened, rc, n, NULL);
}

/* ---- sort ---- */

/* Output settings: like the input for classic pcap; else pcapng blocks of
 * our own (the records come from memory, not from the input's blocks). */
static int sort_open(capkit_job *j, capkit_writer *w, const char *out,
                     capkit_reader *r) {
  const capkit_file_info *f = capkit_reader_info(r);
  if (strcmp(f->format, "pcap") == 0 &&
      (!j->format || strcmp(j->format, "pcap") == 0))
    return out_like(j, w, out, r, 0);
  int ns = 0;
  for (size_t i = 0; i < capkit_reader_iface_count(r); i++)
    if (capkit_reader_iface(r, i)->tsresol != 6)
      ns = 1;
  return out_spec(j, w, out, "pcapng", ns ? 9 : 6, 0, 0, 0, -1);
}

/* A sorted record: its values, with reader r's interface. */
static int sort_write(capkit_job *j, capkit_writer *w, capkit_reader *r,
                      const capkit_record *rec) {
  capkit_record o = *rec;
  o.iface = capkit_reader_iface(r, rec->iface_id);
  o.extra = NULL;
  o.offset = 0;
  return out_write(j, w, &o);
}

/* Where the input's sorted stretches start (record numbers), when a
 * regular, uncompressed pcap input is made of a few: they are then merged
 * straight from the input, without temporary files. */
#define MAX_STRETCHES 16
typedef struct stretches {
  uint64_t start[MAX_STRETCHES];
  size_t n; /* 0: unknown or too many */
} stretches;

/* One pass through a reorder buffer. Returns 0 or a code, or 1 when the
 * disorder is wider than the memory (nothing is kept then; *sx tells the
 * input's sorted stretches when there are few). */
static int sort_stream(capkit_job *j, const char *path, const char *out,
                       stretches *sx) {
  in s;
  memset(sx, 0, sizeof *sx);
  j->method = "one pass";
  capkit_writer *w = capkit_writer_new();
  capkit_reorder *q = capkit_reorder_new((size_t)j->memory);
  capkit_order *ord = capkit_order_new(MAX_STRETCHES);
  int rc = w && q && ord ? 0 : fail(j, CAPKIT_ENOMEM, "out of memory");
  if (!rc)
    rc = in_open(j, &s, path, 0);
  else
    memset(&s, 0, sizeof s);
  if (!rc)
    rc = sort_open(j, w, out, s.r);
  int track = !rc &&
              strcmp(capkit_reader_info(s.r)->format, "pcap") == 0 &&
              !capkit_reader_compression(s.r);
  capkit_record rec = CAPKIT_RECORD_INIT, o = CAPKIT_RECORD_INIT;
  int k = 0, wide = 0, wfail = 0;
  while (!rc && (k = in_next(j, &s, &rec)) > 0) {
    capkit_order_add(ord, &rec);
    int a = capkit_reorder_add(q, &rec);
    if (a == 1) {
      wide = 1;
      break;
    }
    if (a < 0)
      rc = fail(j, a, "%s", capkit_strerror(a));
    while (!rc && capkit_reorder_next(q, &o, 0) > 0)
      if ((rc = sort_write(j, w, s.r, &o)))
        wfail = 1;
  }
  if (k < 0 && !rc) {
    err_from_reader(j, &s, k, rec.number);
    rc = k;
  }
  while (!wide && !wfail &&
         (rc == 0 || capkit_error_class_of(rc) == CAPKIT_CLASS_DATA) &&
         capkit_reorder_next(q, &o, 1) > 0)
    if (sort_write(j, w, s.r, &o)) {
      rc = j->code;
      wfail = 1;
    }
  capkit_reorder_free(q);
  if (wide) {
    capkit_writer_free(w); /* discarded */
    /* The rest of the stretches: headers only, nothing written. A damaged
     * input is left to the external sort, which reports it. */
    while (track && (k = capkit_reader_next_match(s.r, s.f, &rec)) > 0)
      capkit_order_add(ord, &rec);
    sx->n = track && k == 0 ? capkit_order_stretches(ord) : 0;
    for (size_t i = 0; i < sx->n; i++)
      sx->start[i] = capkit_order_stretch(ord, i);
    capkit_order_free(ord);
    in_close(&s);
    return 1;
  }
  capkit_order_free(ord);
  rc = out_finish(j, w, rc, wfail);
  in_close(&s);
  return rc;
}

/* Every record into the external sorter, then out in order. With
 * "check", the records out of order are counted on the way, and with none
 * (and no damage) nothing is written. */
static int sort_external(capkit_job *j, const char *path, const char *out) {
  in s;
  j->method = "external";
  capkit_writer *w = capkit_writer_new();
  capkit_sorter *so = capkit_sorter_new();
  capkit_order *ord = capkit_order_new(0);
  int rc = w && so && ord ? 0 : fail(j, CAPKIT_ENOMEM, "out of memory");
  if (!rc && (capkit_sorter_set_memory(so, (size_t)j->memory) ||
              capkit_sorter_set_tmpdir(so, j->tmpdir)))
    rc = fail(j, CAPKIT_ENOMEM, "out of memory");
  if (!rc)
    rc = in_open(j, &s, path, 0);
  else
    memset(&s, 0, sizeof s);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int k = 0;
  while (!rc && (k = in_next(j, &s, &rec)) > 0) {
    capkit_order_add(ord, &rec);
    int e = capkit_sorter_add(so, &rec);
    if (e < 0)
      rc = fail(j, e, "%s", capkit_sorter_error(so));
  }
  if (k < 0 && !rc) {
    err_from_reader(j, &s, k, rec.number);
    rc = k;
  }
  int go = rc == 0 || capkit_error_class_of(rc) == CAPKIT_CLASS_DATA;
  if (j->check && go) {
    j->counted = 1;
    j->order_records = capkit_order_records(ord);
    j->late = capkit_order_late(ord);
    if (j->late == 0 && rc == 0) {
      j->method = "in order";
      go = 0;
    }
  }
  capkit_order_free(ord);
  int wfail = 0, opened = 0;
  if (go) {
    int e = sort_open(j, w, out, s.r);
    if (e)
      rc = e;
    else
      opened = 1;
  }
  while (opened && !wfail &&
         (rc == 0 || capkit_error_class_of(rc) == CAPKIT_CLASS_DATA)) {
    int n = capkit_sorter_next(so, &rec);
    if (n == 0)
      break;
    if (n < 0) {
      rc = fail(j, n, "%s", capkit_sorter_error(so));
      break;
    }
    if (sort_write(j, w, s.r, &rec)) {
      rc = j->code;
      wfail = 1;
    }
  }
  j->runs = capkit_sorter_runs(so);
  rc = out_finish(j, opened ? w : NULL, rc, wfail);
  if (!opened)
    capkit_writer_free(w);
  capkit_sorter_free(so);
  in_close(&s);
  return rc;
}

/* Merge the sorted stretches of a pcap input, each read by its own reader
 * of the same file, through the merger: equal times keep their order (the
 * earlier stretch first), as in the external sort, whose output this is
 * byte for byte. */
static int sort_stretches(capkit_job *j, const char *path, const char *out,
                          const stretches *sx) {
  size_t k = sx->n, opened = 0;
  j->method = "stretches";
  j->runs = k;
  in *v = calloc(k, sizeof *v);
  capkit_merger *m = capkit_merger_new();
  capkit_writer *w = capkit_writer_new();
  int rc = v && m && w ? 0 : fail(j, CAPKIT_ENOMEM, "out of memory");
  /* A small read-ahead each keeps memory bounded. */
  size_t window = ((size_t)4 << 20) / k;
  if (window > ((size_t)2 << 20))
    window = (size_t)2 << 20;
  if (window < ((size_t)256 << 10))
    window = (size_t)256 << 10;
  for (; !rc && opened < k; opened++) {
    rc = in_open(j, &v[opened], path, window);
    if (!rc &&
        capkit_merger_add_range(m, v[opened].r, v[opened].f, sx->start[opened],
                                opened + 1 < k ? sx->start[opened + 1] : 0) < 0)
      rc = fail(j, CAPKIT_ENOMEM, "out of memory");
  }
  if (!rc)
    rc = sort_open(j, w, out, v[0].r);
  return merge_finish(j, m, w, v, opened, rc, 1, v ? v[0].r : NULL);
}

/* "check" on a file that can be read twice: count the records out of
 * order (older than the one before, as reordercap counts). 0, or a code
 * (then nothing is written, whatever keep-partial says). */
static int sort_check(capkit_job *j, const char *path) {
  in s;
  capkit_order *ord = capkit_order_new(0);
  int rc = ord ? in_open(j, &s, path, 0)
               : fail(j, CAPKIT_ENOMEM, "out of memory");
  if (!ord)
    memset(&s, 0, sizeof s);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int k = 0;
  while (!rc && (k = in_next(j, &s, &rec)) > 0)
    capkit_order_add(ord, &rec);
  if (k < 0 && !rc) {
    err_from_reader(j, &s, k, rec.number);
    rc = k;
  }
  if (!rc) {
    j->counted = 1;
    j->order_records = capkit_order_records(ord);
    j->late = capkit_order_late(ord);
  }
  capkit_order_free(ord);
  in_close(&s);
  return rc;
}

int capkit_job_sort(capkit_job *j, const char *path, const char *out) {
  if (!j)
    return CAPKIT_EINVAL;
  reset(j);
  if (!path || !out)
    return fail(j, CAPKIT_EINVAL, "sort: no input or no output");
  /* Only a regular file can be read a second time; pipes and standard
   * input go to the external sort at once. */
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    if (j->check) {
      int rc = sort_check(j, path);
      if (rc || j->late == 0) {
        if (!rc)
          j->method = "in order";
        return rc;
      }
      j->read = 0;
    }
    stretches sx;
    int rc = sort_stream(j, path, out, &sx);
    if (rc != 1)
      return rc;
    j->read = j->written = 0;
    if (sx.n > 1)
      return sort_stretches(j, path, out, &sx);
    int check = j->check;
    j->check = 0; /* counted already */
    rc = sort_external(j, path, out);
    j->check = check;
    return rc;
  }
  return sort_external(j, path, out);
}

/* ---- dedup ---- */

int capkit_job_dedup(capkit_job *j, const char *path, const char *out) {
  if (!j)
    return CAPKIT_EINVAL;
  reset(j);
  if (!path || !out)
    return fail(j, CAPKIT_EINVAL, "dedup: no input or no output");
  capkit_dedup *d = capkit_dedup_new();
  capkit_writer *w = capkit_writer_new();
  int rc = d && w ? 0 : fail(j, CAPKIT_ENOMEM, "out of memory");
  if (!rc && (j->dedup_time
                  ? capkit_dedup_set_time(d, j->dedup_ns / 1000000000,
                                          (uint32_t)(j->dedup_ns % 1000000000),
                                          0)
                  : capkit_dedup_set_count(d, j->dedup_count)))
    rc = fail(j, CAPKIT_EINVAL, "bad window");
  if (!rc && j->ignore && capkit_dedup_set_ignore(d, j->ignore))
    rc = fail(j, CAPKIT_EINVAL, "bad byte ranges '%s'", j->ignore);
  in s;
  memset(&s, 0, sizeof s);
  if (!rc)
    rc = in_open(j, &s, path, 0);
  if (!rc)
    rc = out_like(j, w, out, s.r, 0);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int k = 0, wfail = 0;
  while (!rc && (k = in_next(j, &s, &rec)) > 0) {
    int dup = capkit_dedup_check(d, &rec);
    if (dup < 0)
      rc = fail(j, dup, "%s", capkit_strerror(dup));
    else if (!dup && (rc = out_write(j, w, &rec)))
      wfail = 1;
  }
  if (k < 0 && !rc) {
    err_from_reader(j, &s, k, rec.number);
    rc = k;
  }
  j->dropped = capkit_dedup_count(d);
  rc = out_finish(j, w, rc, wfail);
  capkit_dedup_free(d);
  in_close(&s);
  return rc;
}

/* ---- copy ---- */

void capkit_job_set_slicer(capkit_job *j, capkit_slicer *s) { j->slicer = s; }
void capkit_job_set_retimer(capkit_job *j, capkit_retimer *t) {
  j->retimer = t;
}
void capkit_job_set_editor(capkit_job *j, capkit_editor *e) { j->editor = e; }
void capkit_job_set_comments(capkit_job *j, capkit_comments *c) {
  j->comments = c;
}
void capkit_job_set_rewriter(capkit_job *j, capkit_rewriter *rw) {
  j->rewriter = rw;
}

/* Out of the hot loop: the rewriter failed on REC. */
static int rewrite_failed(capkit_job *j, int k, const capkit_record *rec) {
  return fail(j, k, "record %" PRIu64 ": %s", rec->number,
              capkit_strerror(k));
}

/* Write one record of a copy: through the rewriter (if any) straight into
 * the room the writer offers in its output buffer, so that the bytes are
 * copied once on their way, not into the rewriter's buffer and then again
 * into the writer's. 0 or the job's failure. */
static inline int copy_write(capkit_job *j, capkit_writer *w,
                      const capkit_record *rec) {
  if (!j->rewriter)
    return out_write(j, w, rec);
  capkit_record out = CAPKIT_RECORD_INIT;
  size_t n = (size_t)rec->caplen + CAPKIT_REWRITE_GROWTH;
  uint8_t *room = capkit_writer_reserve(w, n);
  int k = room ? capkit_rewriter_apply_to(j->rewriter, rec, &out, room, n)
               : capkit_rewriter_apply(j->rewriter, rec, &out);
  if (k < 0)
    return rewrite_failed(j, k, rec);
  return out_write(j, w, &out);
}

/* The retimer and the editor on one record: 0 or the job's failure. */
static int edit_record(capkit_job *j, const in *s, capkit_record *rec) {
  if (j->retimer) {
    capkit_time was = capkit_record_time(rec);
    if (capkit_retimer_apply(j->retimer, rec) < 0) {
      char t[CAPKIT_TIME_FMT_MAX];
      capkit_time_format(t, sizeof t, was, 9, 0);
      return fail(j, CAPKIT_ERANGE,
                  "%s: offset %" PRIu64 ", record %" PRIu64
                  ": the new time of %s is out of range",
                  capkit_reader_name(s->r), rec->offset, rec->number, t);
    }
  }
  if (j->comments)
    capkit_comments_apply(j->comments, rec);
  int rc = j->editor ? capkit_editor_apply(j->editor, rec) : 0;
  if (rc == CAPKIT_ERANGE)
    return fail(j, rc,
                "record %" PRIu64 ": -S moves its time beyond the range of "
                "time",
                rec->number);
  if (rc)
    return fail(j, rc, "%s", capkit_strerror(rc));
  return 0;
}

/* The same, with nothing to call in the common case of no engine kept
 * out of the loop's way (a plain copy or a rewrite). */
static inline int copy_edit(capkit_job *j, const in *s, capkit_record *rec) {
  if (!j->retimer && !j->comments && !j->editor)
    return 0;
  return edit_record(j, s, rec);
}

/* OUT with "-N" before the extension (the last '.' after the last '/'):
 * out.pcap -> out-0.pcap. */
static char *split_name(const char *out, uint32_t n) {
  const char *slash = strrchr(out, '/');
  const char *dot = strrchr(out, '.');
  if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : out))
    dot = out + strlen(out);
  size_t len = strlen(out) + 16;
  char *p = malloc(len);
  if (p)
    snprintf(p, len, "%.*s-%" PRIu32 "%s", (int)(dot - out), out, n, dot);
  return p;
}

/* The output of interface F (NULL: not described) of the input: set up
 * like that interface, with the job's settings first. */
static int split_open(capkit_job *j, capkit_writer *w, const char *out,
                      const capkit_file_info *info, const capkit_iface *f,
                      uint32_t id) {
  if (j->warn_fn)
    capkit_writer_set_warning_fn(w, j->warn_fn, j->warn_user);
  char *name = split_name(out, id);
  int e = name ? 0 : CAPKIT_ENOMEM;
  if (!e)
    e = capkit_writer_set_format(w, j->format ? j->format : info->format);
  if (!e)
    e = capkit_writer_set_byte_order(w, j->have_bo ? j->bo : info->byte_order);
  if (!e)
    e = capkit_writer_set_precision(
        w, j->have_prec ? j->prec : (f && f->tsresol == 9 ? 9 : 6));
  /* Each output takes its interface's snaplen (records longer than it,
   * which the input should not have, are cut to it). */
  if (!e && (j->snaplen || (f && f->snaplen)))
    e = capkit_writer_set_snaplen(w, j->snaplen ? j->snaplen : f->snaplen);
  if (!e && (j->have_lt || f))
    e = capkit_writer_set_linktype(w, j->have_lt ? j->lt : f->linktype);
  if (!e && (j->have_fcs || (f && f->fcs_len >= 0)))
    e = capkit_writer_set_fcs_len(w, j->have_fcs ? j->fcs_len : f->fcs_len);
  if (!e && (e = capkit_writer_open_path(w, name)) < 0)
    fail(j, e, "%s", capkit_writer_error(w));
  else if (e)
    fail(j, e, "%s: %s", name ? name : out, capkit_strerror(e));
  free(name);
  return e;
}

/* A copy with one output per interface of the input. On damage the
 * outputs are closed with keep-partial, else discarded. */
static int copy_split(capkit_job *j, in *s, const char *out) {
  const capkit_file_info *info = capkit_reader_info(s->r);
  capkit_writer **ws = NULL;
  size_t n_ws = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int k, rc = 0;
  while ((k = in_next(j, s, &rec)) > 0) {
    if ((rc = copy_edit(j, s, &rec)))
      break;
    uint32_t id = rec.iface_id;
    if (id >= n_ws) {
      size_t n = (size_t)id + 1;
      capkit_writer **p = realloc(ws, n * sizeof *p);
      if (!p) {
        rc = fail(j, CAPKIT_ENOMEM, "out of memory");
        break;
      }
      memset(p + n_ws, 0, (n - n_ws) * sizeof *p);
      ws = p;
      n_ws = n;
    }
    if (!ws[id] && (!(ws[id] = capkit_writer_new()) ||
                    split_open(j, ws[id], out, info, rec.iface, id))) {
      rc = ws[id] ? j->code : fail(j, CAPKIT_ENOMEM, "out of memory");
      break;
    }
    if ((rc = copy_write(j, ws[id], &rec)))
      break;
  }
  if (k < 0 && !rc) {
    err_from_reader(j, s, k, rec.number);
    rc = k;
  }
  int close_all = rc == 0 || (j->keep_partial && k < 0);
  for (size_t i = 0; i < n_ws; i++) {
    if (ws[i] && close_all && capkit_writer_close(ws[i]) < 0) {
      int c = fail(j, capkit_writer_error_code(ws[i]), "%s",
                   capkit_writer_error(ws[i]));
      rc = rc ? rc : c;
      close_all = 0;
    }
    capkit_writer_free(ws[i]);
  }
  j->kept = close_all && rc < 0;
  free(ws);
  return rc;
}

int capkit_job_copy(capkit_job *j, const char *path, const char *out) {
  if (!j)
    return CAPKIT_EINVAL;
  reset(j);
  if (!path || !out)
    return fail(j, CAPKIT_EINVAL, "copy: no input or no output");
  capkit_writer *w = capkit_writer_new();
  int rc = w ? 0 : fail(j, CAPKIT_ENOMEM, "out of memory");
  in s;
  memset(&s, 0, sizeof s);
  if (!rc)
    rc = in_open(j, &s, path, 0);
  if (!rc && j->split && j->slicer)
    rc = fail(j, CAPKIT_EINVAL, "split-by-interface takes no slicer");
  if (!rc && j->split) {
    capkit_writer_free(w);
    rc = copy_split(j, &s, out);
    in_close(&s);
    return rc;
  }
  if (!rc)
    rc = out_like(j, w, out, s.r, j->snaplen);
  capkit_record rec = CAPKIT_RECORD_INIT;
  int k = 0, wfail = 0;
  while (!rc && (k = in_next(j, &s, &rec)) > 0) {
    int keep = j->slicer ? capkit_slicer_add(j->slicer, &rec) : 1;
    if (keep < 0)
      rc = fail(j, keep, "out of memory");
    else if (keep == 2)
      break; /* nothing later is wanted */
    else if (keep == 1 && !(rc = copy_edit(j, &s, &rec)) &&
             (rc = copy_write(j, w, &rec)))
      wfail = 1;
  }
  if (k < 0 && !rc) {
    err_from_reader(j, &s, k, rec.number);
    rc = k;
  }
  /* What the slicer held back (the last N), even after damage. */
  while (j->slicer && !wfail && s.r &&
         (rc == 0 || capkit_error_class_of(rc) == CAPKIT_CLASS_DATA) &&
         capkit_slicer_next_held(j->slicer, &rec) > 0) {
    int e = copy_edit(j, &s, &rec);
    if (!e && (e = copy_write(j, w, &rec)))
      wfail = 1;
    if (e) {
      rc = e;
      break;
    }
  }
  /* Comments for records the input did not have (read to its end). */
  uint64_t missing = j->comments && !rc && k == 0
                         ? capkit_comments_missing(j->comments)
                         : 0;
  if (missing)
    rc = fail(j, CAPKIT_ENOTFOUND,
              "%s has no record %" PRIu64 " (it has %" PRIu64
              "); nothing written",
              path, missing, j->written);
  rc = out_finish(j, w, rc, wfail);
  in_close(&s);
  return rc;
}

/* ---- split ---- */

void capkit_job_set_split_fns(capkit_job *j, capkit_split_done_fn done,
                              capkit_split_error_fn error, void *user) {
  j->split_done = done;
  j->split_error = error;
  j->split_user = user;
}

typedef struct splitting_job {
  capkit_job *j;
  capkit_reader *r;
  int iface; /* one file per interface */
} splitting_job;

/* Each new file: like the input (by limit), or like its interface (the
 * input's format, the interface's precision, link type and FCS length);
 * then the job's options. */
static int split_setup(void *user, capkit_writer *w, uint64_t file_no) {
  splitting_job *x = user;
  capkit_job *j = x->j;
  if (!x->iface)
    return settings_like(j, w, x->r, j->snaplen);
  const capkit_iface *f = capkit_reader_iface(x->r, (size_t)file_no);
  int rc = capkit_writer_set_format(
      w, j->format ? j->format : capkit_reader_info(x->r)->format);
  if (!rc)
    rc = capkit_writer_set_precision(w, f && f->tsresol == 9 ? 9 : 6);
  if (!rc && j->snaplen)
    rc = capkit_writer_set_snaplen(w, j->snaplen);
  if (!rc && f)
    rc = capkit_writer_set_linktype(w, f->linktype);
  if (!rc && f && f->fcs_len >= 0)
    rc = capkit_writer_set_fcs_len(w, f->fcs_len);
  return out_settings(j, w, rc);
}

static void split_done(void *user, const char *path, uint64_t file_no,
                       uint64_t records, int partial) {
  splitting_job *x = user;
  x->j->written += records;
  if (partial)
    x->j->kept = 1;
  if (x->j->split_done)
    x->j->split_done(x->j->split_user, path, file_no, records, partial);
}

/* Each error as it comes; the first is the job's. */
static void split_error(void *user, int code, const char *message) {
  splitting_job *x = user;
  capkit_job *j = x->j;
  if (!j->code && strcmp(message, capkit_reader_error(x->r)) == 0) {
    in s = {.r = x->r}; /* the input's damage: where it is, too */
    err_from_reader(j, &s, code, 0);
  } else if (!j->code) {
    fail(j, code, "%s", message);
  }
  if (j->split_error)
    j->split_error(j->split_user, code, message);
}

static void split_progress(void *user, uint64_t done, uint64_t total) {
  splitting_job *x = user;
  x->j->progress_fn(x->j->progress_user, done, total);
}

int capkit_job_split(capkit_job *j, const char *path, const char *tmpl,
                     capkit_rotate_by by, uint64_t limit) {
  if (!j)
    return CAPKIT_EINVAL;
  reset(j);
  splitting_job x = {j, NULL, by == CAPKIT_ROTATE_NONE};
  int rc = 0;
  if (!path || !tmpl || (by != CAPKIT_ROTATE_NONE && !limit) ||
      (unsigned)by > CAPKIT_ROTATE_TIME)
    rc = fail(j, CAPKIT_EINVAL, "split: no input, no template or no limit");
  char *probe = rc ? NULL : capkit_name_template(tmpl, 0, 0, &rc);
  free(probe);
  if (rc)
    rc = fail(j, rc, rc == CAPKIT_EINVAL ? "bad template '%s'" : "%s",
              rc == CAPKIT_EINVAL ? tmpl : capkit_strerror(rc));
  in s;
  memset(&s, 0, sizeof s);
  if (!rc)
    rc = in_open(j, &s, path, 0);
  if (rc) {
    if (j->split_error)
      j->split_error(j->split_user, rc, j->err);
    in_close(&s);
    return rc;
  }
  x.r = s.r;
  capkit_split_settings set = CAPKIT_SPLIT_SETTINGS_INIT;
  set.by = by;
  set.limit = limit;
  set.tmpl = tmpl;
  set.format = j->format;
  set.keep_partial = j->keep_partial;
  set.strip_fcs = j->strip_fcs;
  set.fcs_bytes = j->fcs_bytes;
  set.setup = split_setup;
  set.done = split_done;
  set.error = split_error;
  set.progress = j->progress_fn ? split_progress : NULL;
  set.user = &x;
  rc = x.iface ? capkit_split_by_interface(s.r, s.f, &set)
               : capkit_split_by_limit(s.r, s.f, &set);
  if (rc && !j->code) { /* refused before reading (not reported yet) */
    fail(j, rc, "%s", capkit_strerror(rc));
    if (j->split_error)
      j->split_error(j->split_user, rc, j->err);
  }
  if (rc == 0)
    j->kept = 0;
  in_close(&s);
  return rc;
}

/* ---- hooks and results ---- */

void capkit_job_set_warning_fn(capkit_job *j, capkit_warning_fn fn,
                               void *user) {
  j->warn_fn = fn;
  j->warn_user = user;
}

void capkit_job_set_progress_fn(capkit_job *j, capkit_job_progress_fn fn,
                                void *user) {
  j->progress_fn = fn;
  j->progress_user = user;
}

int capkit_job_output_kept(const capkit_job *j) { return j->kept; }

int capkit_job_order(const capkit_job *j, uint64_t *records, uint64_t *late) {
  if (records)
    *records = j->counted ? j->order_records : 0;
  if (late)
    *late = j->counted ? j->late : 0;
  return j->counted;
}

uint64_t capkit_job_records_read(const capkit_job *j) { return j->read; }
uint64_t capkit_job_records_written(const capkit_job *j) {
  return j->written;
}
uint64_t capkit_job_dropped(const capkit_job *j) { return j->dropped; }
const char *capkit_job_method(const capkit_job *j) {
  return j->method ? j->method : "";
}
size_t capkit_job_runs(const capkit_job *j) { return j->runs; }
const char *capkit_job_error(const capkit_job *j) { return j->err; }
int capkit_job_error_code(const capkit_job *j) { return j->code; }
const char *capkit_job_error_file(const capkit_job *j) {
  return j->err_file ? j->err_file : "";
}
uint64_t capkit_job_error_offset(const capkit_job *j) {
  return j->err_offset;
}
uint64_t capkit_job_error_record(const capkit_job *j) {
  return j->err_record;
}

/* rotate.c - the rotating writer (split, capture): a new file every N
 * records, before N bytes, or every N nanoseconds of capture time on a
 * fixed grid (empty intervals get empty files: file N is interval N), the
 * split name template, expanded into a buffer that grows as needed, and
 * the two split loops (by limit through a rotator, by interface). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>

#include "util/buf.h"

/* ---- names ---- */

static int put(capkit__buf *b, const char *s, size_t n) {
  return capkit__buf_append(b, s, n);
}

/* The position of the '.' before which "-NNNNN" or a counter goes: the
 * first '.' of the last path component, not at its start; else the end. */
static size_t ext_at(const char *name) {
  const char *slash = strrchr(name, '/');
  const char *base = slash ? slash + 1 : name;
  const char *dot = strchr(base, '.');
  if (!dot || dot == base)
    return strlen(name);
  return (size_t)(dot - name);
}

char *capkit_name_template(const char *tmpl, uint64_t number, int64_t sec,
                           int *err) {
  int dummy;
  if (!err)
    err = &dummy;
  *err = CAPKIT_EINVAL;
  if (!tmpl)
    return NULL;
  capkit__buf b = {0};
  int numbers = 0, times = 0, bad = 0, nomem = 0;
  for (const char *p = tmpl; *p && !bad && !nomem; p++) {
    if (*p != '%') {
      nomem = put(&b, p, 1) != 0;
      continue;
    }
    p++;
    if (*p == '%') {
      nomem = put(&b, "%", 1) != 0;
      continue;
    }
    if (*p == 't') {
      char ts[64];
      times++;
      time_t tt = (time_t)sec;
      struct tm tm;
      size_t n = 0;
      if ((int64_t)tt == sec && gmtime_r(&tt, &tm))
        n = strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
      if (!n)
        n = (size_t)snprintf(ts, sizeof ts, "@%" PRId64, sec);
      nomem = put(&b, ts, n) != 0;
      continue;
    }
    /* %[flags][width]d, at most one */
    char fmt[32] = "%";
    size_t fl = 1;
    while (*p == '0' || *p == '-' || *p == '+' || *p == ' ') {
      if (fl < 8)
        fmt[fl++] = *p;
      p++;
    }
    unsigned width = 0;
    while (*p >= '0' && *p <= '9' && width <= 64)
      width = width * 10 + (unsigned)(*p++ - '0');
    if ((*p != 'd' && *p != 'u') || width > 64 || ++numbers > 1) {
      bad = 1;
      break;
    }
    snprintf(fmt + fl, sizeof fmt - fl, "%u%s", width, PRIu64);
    char num[96];
    int n = snprintf(num, sizeof num, fmt, number);
    nomem = n < 0 || (size_t)n >= sizeof num || put(&b, num, (size_t)n);
  }
  if (!bad && !nomem && numbers == 0 && times == 0) {
    /* Neither a number nor a time: "-NNNNN" before the extension. */
    char num[32];
    int n = snprintf(num, sizeof num, "-%05" PRIu64, number);
    nomem = put(&b, "", 1) != 0; /* a string, to find the extension in */
    char *whole = nomem ? NULL : capkit__strdup((const char *)b.data);
    nomem = !whole;
    if (whole) {
      size_t at = ext_at(whole);
      b.len = at;
      nomem = put(&b, num, (size_t)n) || put(&b, whole + at, strlen(whole + at));
      free(whole);
    }
  }
  if (!bad && !nomem)
    nomem = put(&b, "", 1) != 0;
  if (bad || nomem) {
    capkit__buf_free(&b);
    *err = bad ? CAPKIT_EINVAL : CAPKIT_ENOMEM;
    return NULL;
  }
  *err = 0;
  return (char *)b.data;
}

/* ---- the rotating writer ---- */

struct capkit_rotator {
  uint64_t packets, bytes, ns; /* the limits; 0: none */
  uint64_t reserve;
  uint32_t hdr, align; /* record header bytes and data alignment */
  int have_origin;
  int64_t end_sec; /* by time: end of the current file's interval */
  uint32_t end_nsec;
  int64_t start_sec; /* ... and its start */
  char *tmpl;
  int track_names; /* the template can repeat a name */
  char **names;
  size_t n_names;
  capkit_rotator_name_fn name_fn;
  void *name_user;
  capkit_rotator_setup_fn setup;
  capkit_rotator_closing_fn closing;
  capkit_rotator_done_fn done;
  void *user;
  capkit_writer *w;
  char *path;
  uint64_t files; /* files started */
  uint64_t in_file; /* records in the current file */
  int dead;
  int err;
  char msg[1024];
};

capkit_rotator *capkit_rotator_new(void) {
  capkit_rotator *o = calloc(1, sizeof *o);
  if (o) {
    o->hdr = 16;
    o->align = 1;
  }
  return o;
}

void capkit_rotator_free(capkit_rotator *o) {
  if (!o)
    return;
  capkit_writer_free(o->w);
  free(o->path);
  free(o->tmpl);
  for (size_t i = 0; i < o->n_names; i++)
    free(o->names[i]);
  free(o->names);
  free(o);
}

static int fail(capkit_rotator *o, int rc, const char *path, const char *what) {
  if (path)
    snprintf(o->msg, sizeof o->msg, "%s: %s", path, what);
  else
    snprintf(o->msg, sizeof o->msg, "%s", what);
  o->err = rc;
  o->dead = 1;
  return rc;
}

static int configurable(const capkit_rotator *o) {
  return o && !o->files && !o->dead;
}

int capkit_rotator_set_limit(capkit_rotator *o, capkit_rotate_by by,
                             uint64_t limit) {
  if (!o || by < CAPKIT_ROTATE_NONE || by > CAPKIT_ROTATE_TIME ||
      (by != CAPKIT_ROTATE_NONE && limit == 0))
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  if (by == CAPKIT_ROTATE_NONE)
    o->packets = o->bytes = o->ns = 0;
  else if (by == CAPKIT_ROTATE_PACKETS)
    o->packets = limit;
  else if (by == CAPKIT_ROTATE_BYTES)
    o->bytes = limit;
  else
    o->ns = limit;
  return 0;
}

int capkit_rotator_set_origin(capkit_rotator *o, int64_t sec, uint32_t nsec) {
  if (!o || nsec > 999999999u)
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  o->have_origin = 1;
  o->start_sec = sec;
  o->end_sec = sec;
  o->end_nsec = nsec;
  return 0;
}

int capkit_rotator_set_reserve(capkit_rotator *o, uint64_t bytes) {
  if (!o)
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  o->reserve = bytes;
  return 0;
}

int capkit_rotator_set_overhead(capkit_rotator *o, uint32_t header,
                                uint32_t align) {
  if (!o || align == 0 || align > 64 || (align & (align - 1)))
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  o->hdr = header;
  o->align = align;
  return 0;
}

int capkit_rotator_set_template(capkit_rotator *o, const char *tmpl) {
  if (!o || !tmpl)
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  int err;
  char *probe = capkit_name_template(tmpl, 0, 0, &err);
  if (!probe)
    return err;
  free(probe);
  char *t = capkit__strdup(tmpl);
  if (!t)
    return CAPKIT_ENOMEM;
  free(o->tmpl);
  o->tmpl = t;
  /* Only a template without a number can give two files one name. */
  int has_num = 0;
  for (const char *p = tmpl; *p; p++)
    if (*p == '%' && *++p != '%' && *p != 't')
      has_num = 1;
  o->track_names = !has_num && strstr(tmpl, "%t") != NULL;
  return 0;
}

int capkit_rotator_set_name_fn(capkit_rotator *o, capkit_rotator_name_fn fn,
                               void *user) {
  if (!o)
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  o->name_fn = fn;
  o->name_user = user;
  return 0;
}

int capkit_rotator_set_callbacks(capkit_rotator *o,
                                 capkit_rotator_setup_fn setup,
                                 capkit_rotator_closing_fn closing,
                                 capkit_rotator_done_fn done, void *user) {
  if (!o)
    return CAPKIT_EINVAL;
  if (!configurable(o))
    return CAPKIT_EMISUSE;
  o->setup = setup;
  o->closing = closing;
  o->done = done;
  o->user = user;
  return 0;
}

/* A name no earlier file of this run has had: "-1", "-2" ... before the
 * extension when needed. Takes ownership of name. */
static char *unique(capkit_rotator *o, char *name) {
  if (!o->track_names)
    return name;
  for (unsigned k = 1; name; k++) {
    size_t i = 0;
    while (i < o->n_names && strcmp(o->names[i], name) != 0)
      i++;
    if (i == o->n_names)
      break;
    free(name);
    char *base = capkit_name_template(o->tmpl, o->files, o->start_sec, NULL);
    if (!base)
      return NULL;
    size_t at = ext_at(base), n = strlen(base) + 16;
    name = malloc(n);
    if (name)
      snprintf(name, n, "%.*s-%u%s", (int)at, base, k, base + at);
    free(base);
  }
  char **nl = name ? realloc(o->names, (o->n_names + 1) * sizeof *nl) : NULL;
  char *copy = nl ? capkit__strdup(name) : NULL;
  if (nl)
    o->names = nl;
  if (!copy) {
    free(name);
    return NULL;
  }
  o->names[o->n_names++] = copy;
  return name;
}

static int open_file(capkit_rotator *o, int64_t sec) {
  o->start_sec = sec;
  char *name = NULL;
  int err = CAPKIT_ENOMEM;
  if (o->name_fn)
    name = o->name_fn(o->name_user, o->files, sec);
  else if (o->tmpl)
    name = capkit_name_template(o->tmpl, o->files, sec, &err);
  else
    err = CAPKIT_EMISUSE;
  name = name ? unique(o, name) : NULL;
  if (!name)
    return fail(o, err, NULL,
                err == CAPKIT_EMISUSE ? "no file name template"
                                      : "cannot make a file name");
  free(o->path);
  o->path = name;
  o->w = capkit_writer_new();
  if (!o->w)
    return fail(o, CAPKIT_ENOMEM, name, "out of memory");
  int rc = o->setup ? o->setup(o->user, o->w, o->files) : 0;
  if (rc < 0)
    return fail(o, rc, name,
                *capkit_writer_error(o->w) ? capkit_writer_error(o->w)
                                           : capkit_strerror(rc));
  rc = capkit_writer_open_path(o->w, name);
  if (rc < 0)
    return fail(o, rc, NULL, capkit_writer_error(o->w));
  o->files++;
  o->in_file = 0;
  return 0;
}

static int close_file(capkit_rotator *o) {
  if (!o->w)
    return 0;
  int rc = o->closing ? o->closing(o->user, o->w) : 0;
  if (rc < 0 && !*capkit_writer_error(o->w))
    return fail(o, rc, o->path, capkit_strerror(rc));
  if (rc >= 0)
    rc = capkit_writer_close(o->w);
  if (rc < 0)
    return fail(o, rc, NULL, capkit_writer_error(o->w));
  capkit_writer_free(o->w);
  o->w = NULL;
  if (o->done)
    o->done(o->user, o->path, o->files - 1);
  return 0;
}

/* end += limit nanoseconds, saturating. */
static void advance(capkit_rotator *o) {
  int64_t s = (int64_t)(o->ns / 1000000000u);
  uint32_t n = (uint32_t)(o->ns % 1000000000u) + o->end_nsec;
  if (n >= 1000000000u) {
    n -= 1000000000u;
    s++;
  }
  o->start_sec = o->end_sec;
  if (o->end_sec > INT64_MAX - s) {
    o->end_sec = INT64_MAX;
    o->end_nsec = 999999999u;
    return;
  }
  o->end_sec += s;
  o->end_nsec = n;
}

static int past_end(const capkit_rotator *o, int64_t sec, uint32_t nsec) {
  return sec > o->end_sec || (sec == o->end_sec && nsec >= o->end_nsec);
}

/* By time: finish the files of the intervals that ended at or before
 * sec.nsec. */
static int catch_up(capkit_rotator *o, int64_t sec, uint32_t nsec) {
  while (past_end(o, sec, nsec) && o->end_sec != INT64_MAX) {
    int rc = close_file(o);
    if (rc < 0)
      return rc;
    advance(o);
    if ((rc = open_file(o, o->start_sec)) < 0)
      return rc;
  }
  return 0;
}

static int first_file(capkit_rotator *o, int64_t sec, uint32_t nsec) {
  if (o->ns) {
    if (!o->have_origin)
      capkit_rotator_set_origin(o, sec, nsec);
    advance(o); /* the end of interval 0 */
    sec = o->start_sec;
  }
  int rc = open_file(o, sec);
  if (rc < 0)
    return rc;
  return o->ns ? catch_up(o, sec, nsec) : 0;
}

int capkit_rotator_write(capkit_rotator *o, const capkit_record *rec) {
  if (!o || !rec)
    return CAPKIT_EINVAL;
  if (o->dead)
    return o->err;
  int rc = 0;
  if (!o->w && !o->files)
    rc = first_file(o, rec->ts_sec, rec->ts_nsec);
  else if (!o->w)
    return CAPKIT_EMISUSE; /* closed */
  if (rc < 0)
    return rc;
  if (o->ns)
    rc = catch_up(o, rec->ts_sec, rec->ts_nsec);
  int full = 0;
  if (o->packets && o->in_file >= o->packets)
    full = 1;
  if (o->bytes && o->in_file > 0) {
    uint64_t a = o->align, need = o->hdr + ((rec->caplen + a - 1) / a) * a;
    full |= capkit_writer_bytes(o->w) + need + o->reserve > o->bytes;
  }
  if (!rc && full)
    rc = close_file(o) < 0 ? o->err : open_file(o, rec->ts_sec);
  if (rc < 0)
    return rc;
  rc = capkit_writer_write(o->w, rec);
  if (rc < 0)
    return fail(o, rc, NULL, capkit_writer_error(o->w));
  o->in_file++;
  return 0;
}

int capkit_rotator_tick(capkit_rotator *o, int64_t sec, uint32_t nsec) {
  if (!o)
    return CAPKIT_EINVAL;
  if (o->dead)
    return o->err;
  if (!o->w && !o->files)
    return first_file(o, sec, nsec);
  if (!o->w || !o->ns)
    return 0;
  return catch_up(o, sec, nsec);
}

capkit_writer *capkit_rotator_writer(capkit_rotator *o) {
  return o ? o->w : NULL;
}

const char *capkit_rotator_path(const capkit_rotator *o) {
  return o && o->files ? o->path : NULL;
}

int capkit_rotator_close(capkit_rotator *o) {
  if (!o)
    return CAPKIT_EINVAL;
  if (o->dead)
    return o->err;
  return close_file(o);
}

uint64_t capkit_rotator_files(const capkit_rotator *o) {
  return o ? o->files : 0;
}

const char *capkit_rotator_error(const capkit_rotator *o) {
  return o ? o->msg : "";
}

/* ---- split ---- */

/* One run of a split: its settings, input and what it made. */
typedef struct splitting {
  const capkit_split_settings *set;
  capkit_reader *r;
  capkit_filter *f;
  uint32_t tick;
  int rc;        /* the first error */
  char **made;   /* files completed (by limit), removed on failure */
  size_t n_made;
  int partial;   /* the files are being kept up to damage */
  uint64_t records; /* of the open file (by limit) */
} splitting;

/* Pass an error on; the first one is the result. */
static void split_error(splitting *sp, int rc, const char *msg) {
  if (sp->set->error)
    sp->set->error(sp->set->user, rc, msg);
  if (!sp->rc)
    sp->rc = rc;
}

static int split_nomem(splitting *sp) {
  split_error(sp, CAPKIT_ENOMEM, "out of memory");
  return CAPKIT_ENOMEM;
}

/* The next record to copy: 1, 0 at the end, or negative (reported). */
static int split_next(splitting *sp, capkit_record *rec) {
  const capkit_split_settings *set = sp->set;
  if (set->progress && (++sp->tick & 1023) == 0) {
    uint64_t size, done = capkit_reader_input_offset(sp->r, &size);
    set->progress(set->user, done, size);
  }
  int rc = capkit_reader_next_match(sp->r, sp->f, rec);
  if (rc == CAPKIT_EFILTER) {
    char *msg = NULL;
    const char *fmt = "%s: record %" PRIu64 ": filter '%s': %s";
    const char *name = capkit_reader_name(sp->r);
    const char *expr = capkit_filter_expr(sp->f);
    const char *why = capkit_filter_error(sp->f);
    int n = snprintf(NULL, 0, fmt, name, rec->number, expr, why);
    if (n >= 0 && (msg = malloc((size_t)n + 1)) != NULL)
      snprintf(msg, (size_t)n + 1, fmt, name, rec->number, expr, why);
    split_error(sp, rc, msg ? msg : "out of memory");
    free(msg);
  } else if (rc < 0) {
    split_error(sp, rc, capkit_reader_error(sp->r));
  }
  return rc;
}

/* Keep the files made up to the damage? */
static int keep_files(const splitting *sp) {
  return sp->rc == 0 || (capkit_error_class_of(sp->rc) == CAPKIT_CLASS_DATA &&
                         sp->set->keep_partial);
}

static int split_args(capkit_reader *r, const capkit_split_settings *set) {
  return r && set && set->size >= sizeof *set && set->tmpl && set->setup;
}

static void split_strip(const splitting *sp, capkit_record *rec) {
  if (sp->set->strip_fcs)
    capkit_record_strip_fcs(rec, sp->set->fcs_bytes);
}

static int by_limit_setup(void *user, capkit_writer *w, uint64_t file_no) {
  splitting *sp = user;
  sp->records = 0;
  return sp->set->setup(sp->set->user, w, file_no);
}

static void by_limit_done(void *user, const char *path, uint64_t file_no) {
  splitting *sp = user;
  char **l = realloc(sp->made, (sp->n_made + 1) * sizeof *l);
  char *copy = l ? strdup(path) : NULL;
  if (l)
    sp->made = l;
  if (copy)
    sp->made[sp->n_made++] = copy;
  else
    split_nomem(sp);
  if (sp->set->done)
    sp->set->done(sp->set->user, path, file_no, sp->records, sp->partial);
}

int capkit_split_by_limit(capkit_reader *r, capkit_filter *f,
                          const capkit_split_settings *set) {
  if (!split_args(r, set) || set->by == CAPKIT_ROTATE_NONE || !set->limit)
    return CAPKIT_EMISUSE;
  splitting sp = {.set = set, .r = r, .f = f};
  capkit_rotator *o = capkit_rotator_new();
  if (!o)
    return split_nomem(&sp);
  const char *fmt = set->format ? set->format : capkit_reader_info(r)->format;
  int rc = capkit_rotator_set_limit(o, set->by, set->limit);
  if (!rc && strcmp(fmt, "pcapng") == 0)
    rc = capkit_rotator_set_overhead(o, 32, 4);
  if (!rc)
    rc = capkit_rotator_set_template(o, set->tmpl);
  if (!rc)
    rc = capkit_rotator_set_callbacks(o, by_limit_setup, NULL, by_limit_done,
                                      &sp);
  if (rc) {
    capkit_rotator_free(o);
    return rc;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (!sp.rc && split_next(&sp, &rec) > 0) {
    split_strip(&sp, &rec);
    int e = capkit_rotator_write(o, &rec);
    if (e < 0)
      split_error(&sp, e, capkit_rotator_error(o));
    else
      sp.records++;
  }
  /* Earlier files are complete; the open one follows the damage policy. */
  if (keep_files(&sp)) {
    sp.partial = sp.rc != 0;
    if (capkit_rotator_close(o) < 0) {
      sp.partial = 0;
      split_error(&sp, CAPKIT_EIO, capkit_rotator_error(o));
      sp.rc = CAPKIT_EIO;
    }
  }
  capkit_rotator_free(o);
  int keep = keep_files(&sp);
  for (size_t i = 0; i < sp.n_made; i++) {
    if (!keep)
      remove(sp.made[i]);
    free(sp.made[i]);
  }
  free(sp.made);
  return sp.rc;
}

/* One output of a split by interface. */
typedef struct iface_out {
  capkit_writer *w;
  char *path; /* its final name */
  int failed; /* a write to it failed: never kept */
} iface_out;

/* Make the file of interface SLOT, named for REC's time. 0 or negative
 * (reported). */
static int iface_open(splitting *sp, iface_out *out, uint64_t slot,
                      const capkit_record *rec) {
  const capkit_split_settings *set = sp->set;
  char *name = capkit_name_template(set->tmpl, slot, rec->ts_sec, NULL);
  if (!name || !(out->w = capkit_writer_new())) {
    free(name);
    return split_nomem(sp);
  }
  int rc = set->setup(set->user, out->w, slot);
  if (!rc)
    rc = capkit_writer_open_path(out->w, name);
  if (rc < 0) {
    const char *why = capkit_writer_error(out->w);
    split_error(sp, rc, *why ? why : capkit_strerror(rc));
    capkit_writer_free(out->w);
    out->w = NULL;
    free(name);
    return rc;
  }
  out->path = name;
  return 0;
}

/* Close or discard OUT as the result so far says. */
static void iface_finish(splitting *sp, iface_out *out, uint64_t slot) {
  int partial = sp->rc != 0;
  if (keep_files(sp) && !out->failed) {
    uint64_t n = capkit_writer_records(out->w);
    if (capkit_writer_close(out->w) < 0)
      split_error(sp, CAPKIT_EIO, capkit_writer_error(out->w));
    else if (sp->set->done)
      sp->set->done(sp->set->user, out->path, slot, n, partial);
  }
  capkit_writer_free(out->w);
  out->w = NULL;
  free(out->path);
  out->path = NULL;
}

int capkit_split_by_interface(capkit_reader *r, capkit_filter *f,
                              const capkit_split_settings *set) {
  if (!split_args(r, set))
    return CAPKIT_EMISUSE;
  splitting sp = {.set = set, .r = r, .f = f};
  iface_out *outs = NULL;
  size_t n_outs = 0;
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (!sp.rc && split_next(&sp, &rec) > 0) {
    size_t slot = rec.iface_id;
    if (slot >= n_outs) {
      iface_out *no = realloc(outs, (slot + 1) * sizeof *no);
      if (!no) {
        split_nomem(&sp);
        break;
      }
      memset(no + n_outs, 0, (slot + 1 - n_outs) * sizeof *no);
      outs = no;
      n_outs = slot + 1;
    }
    if (!outs[slot].w && iface_open(&sp, &outs[slot], slot, &rec) < 0)
      break;
    split_strip(&sp, &rec);
    int e = capkit_writer_write(outs[slot].w, &rec);
    if (e < 0) {
      split_error(&sp, e, capkit_writer_error(outs[slot].w));
      outs[slot].failed = 1;
    }
  }
  for (size_t i = 0; i < n_outs; i++)
    if (outs[i].w)
      iface_finish(&sp, &outs[i], i);
  free(outs);
  return sp.rc;
}

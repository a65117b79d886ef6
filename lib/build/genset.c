/* genset.c - several generated streams interleaved by time (capkit gen):
 * per-stream counts, start, interval and jitter, the spec-file reader with
 * its bounds, and the merge of the streams in time order (build.h). */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "../internal.h"
#include "build/build_int.h"

typedef struct stream {
  capkit_gen *g;
  capkit_iface iface;   /* with per-stream interfaces: its own */
  uint64_t count, sent; /* packets */
  capkit_time start, interval;
  capkit_time base, next; /* packet `sent`: start + sent * interval, and
                             that plus its jitter */
  int64_t jitter_ns;
  int next_bad; /* the next time is past the end of time */
  uint64_t rng;
} stream;

struct capkit_genset {
  uint64_t seed;
  stream *s;
  size_t n;
  int ifaces;
  /* the last error */
  char msg[2048];
  size_t line, column;
  char *spec; /* the spec of the failing line or argument */
};

capkit_genset *capkit_genset_new(uint64_t seed) {
  capkit_genset *gs = calloc(1, sizeof *gs);
  if (gs)
    gs->seed = seed;
  return gs;
}

void capkit_genset_free(capkit_genset *gs) {
  if (!gs)
    return;
  for (size_t i = 0; i < gs->n; i++)
    capkit_gen_free(gs->s[i].g);
  free(gs->s);
  free(gs->spec);
  free(gs);
}

static int fail(capkit_genset *gs, int code, size_t column, const char *spec,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(capkit_genset *gs, int code, size_t column, const char *spec,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(gs->msg, sizeof gs->msg, fmt, ap);
  va_end(ap);
  gs->column = column;
  free(gs->spec);
  gs->spec = spec ? strdup(spec) : NULL;
  return code;
}

static void clear_error(capkit_genset *gs) {
  gs->msg[0] = '\0';
  gs->line = gs->column = 0;
  free(gs->spec);
  gs->spec = NULL;
}

const char *capkit_genset_error(const capkit_genset *gs) {
  return gs ? gs->msg : "";
}
size_t capkit_genset_error_line(const capkit_genset *gs) {
  return gs ? gs->line : 0;
}
size_t capkit_genset_error_column(const capkit_genset *gs) {
  return gs ? gs->column : 0;
}
const char *capkit_genset_error_spec(const capkit_genset *gs) {
  return gs && gs->spec ? gs->spec : "";
}

/* ---- values ------------------------------------------------------------ */

int capkit_parse_count(const char *s, uint64_t *out) {
  if (!s || !out || !isdigit((unsigned char)*s))
    return CAPKIT_EINVAL;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno)
    return CAPKIT_EINVAL;
  uint64_t mult = 1;
  if (*end) {
    static const struct {
      const char *suf;
      uint64_t mult;
    } sufs[] = {{"k", 1000ULL},      {"K", 1000ULL},      {"M", 1000000ULL},
                {"G", 1000000000ULL}, {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20},
                {"GiB", 1ULL << 30}, {"KB", 1000ULL},     {"MB", 1000000ULL},
                {"GB", 1000000000ULL}};
    size_t i;
    for (i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
      if (strcmp(end, sufs[i].suf) == 0)
        break;
    if (i == sizeof sufs / sizeof sufs[0])
      return CAPKIT_EINVAL;
    mult = sufs[i].mult;
  }
  if (v > UINT64_MAX / mult)
    return CAPKIT_EINVAL;
  *out = v * mult;
  return 0;
}

int capkit_gen_parse_rate(const char *s, capkit_time *t) {
  char *end;
  if (!s || !t || (!isdigit((unsigned char)*s) && *s != '.'))
    return CAPKIT_EINVAL;
  double v = strtod(s, &end);
  if (*end == 'k' || *end == 'K')
    v *= 1e3, end++;
  else if (*end == 'M')
    v *= 1e6, end++;
  else if (*end == 'G')
    v *= 1e9, end++;
  if (*end || !(v > 0) || v > 1e9) /* below 2^-1074 reads as 0 */
    return CAPKIT_EINVAL;
  capkit_time one_ns = {0, 1}; /* 10^9 / v ns rounded, or out of range */
  return capkit_time_scale(one_ns, 1e9 / v, t) ? CAPKIT_ERANGE : 0;
}

int capkit_gen_parse_interval(const char *s, capkit_time *t) {
  if (!s || !t || !isdigit((unsigned char)*s))
    return CAPKIT_EINVAL;
  return capkit_time_parse_duration(s, t) ? CAPKIT_EINVAL : 0;
}

int capkit_gen_parse_start(const char *s, capkit_time *t) {
  if (!s || !t)
    return CAPKIT_EINVAL;
  if (capkit_time_parse(s, t) == 0)
    return 0;
  if (!isdigit((unsigned char)*s) || s[strspn(s, "0123456789.")])
    return CAPKIT_EINVAL;
  return capkit_time_parse_duration(s, t) ? CAPKIT_EINVAL : 0;
}

/* ---- streams ----------------------------------------------------------- */

static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* The time of packet s->sent from its base: plus a random 0..jitter,
 * exactly; past the end of time it is flagged, to fail only when that
 * packet is written. */
static void set_next(stream *s) {
  if (s->jitter_ns <= 0) {
    s->next = s->base;
    return;
  }
  capkit_time j =
      capkit_time_from_ns((int64_t)(mix(&s->rng) % (uint64_t)s->jitter_ns));
  if (!s->next_bad)
    s->next_bad = capkit_time_add(s->base, j, &s->next) != 0;
}

/* On to the next packet: the base moves by one interval (exact: the same
 * as start + sent * interval). */
static void advance(stream *s) {
  s->sent++;
  if (!s->next_bad)
    s->next_bad = capkit_time_add(s->base, s->interval, &s->base) != 0;
  set_next(s);
}

int capkit_genset_add(capkit_genset *gs, const char *spec,
                      const capkit_gen_stream *st) {
  if (!gs || !spec || !st || st->size < sizeof(capkit_gen_stream))
    return CAPKIT_EMISUSE;
  clear_error(gs);
  if (gs->n == CAPKIT_GENSET_MAX_STREAMS)
    return fail(gs, CAPKIT_ETOOBIG, 0, NULL, "more than %u streams",
                CAPKIT_GENSET_MAX_STREAMS);
  capkit_gen *g;
  capkit_spec_error e;
  int rc = capkit_gen_new(spec, gs->seed + gs->n * 0x1000193ull, &g, &e);
  if (rc == CAPKIT_ESPEC || rc == CAPKIT_EOPEN)
    return fail(gs, rc, rc == CAPKIT_ESPEC ? e.column : 0, spec, "%s",
                e.message);
  if (rc)
    return fail(gs, rc, 0, NULL, "%s", capkit_strerror(rc));
  uint64_t per = capkit_gen_round_packets(g);
  int64_t jitter_ns;
  if (per && st->count > UINT64_MAX / per)
    rc = fail(gs, CAPKIT_ERANGE, 0, NULL, "too many packets");
  else if (capkit_time_to_ns(st->jitter, &jitter_ns))
    rc = fail(gs, CAPKIT_ERANGE, 0, NULL,
              "jitter too large (at most 292 years)");
  if (!rc && (gs->n & (gs->n - 1)) == 0) { /* 0, 1, 2, 4, ...: doubles */
    stream *ns = realloc(gs->s, (gs->n ? 2 * gs->n : 1) * sizeof *ns);
    if (ns)
      gs->s = ns;
    else
      rc = fail(gs, CAPKIT_ENOMEM, 0, NULL, "out of memory");
  }
  if (rc) {
    capkit_gen_free(g);
    return rc;
  }
  stream *s = &gs->s[gs->n++];
  memset(s, 0, sizeof *s);
  s->g = g;
  s->count = st->count * per;
  s->start = s->base = st->start;
  s->interval = st->interval;
  s->jitter_ns = jitter_ns;
  s->rng = gs->seed ^ (0xa5a5a5a5ull + gs->n);
  set_next(s);
  return 0;
}

/* A spec file line: KEY=VALUE words, then the spec. */
static int file_line(capkit_genset *gs, char *line,
                     const capkit_gen_stream *d) {
  capkit_gen_stream st = *d;
  st.size = sizeof st;
  char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t')
      p++;
    static const char *keys[] = {"count=", "rate=", "interval=", "start=",
                                 "jitter="};
    size_t k;
    for (k = 0; k < 5; k++)
      if (strncmp(p, keys[k], strlen(keys[k])) == 0)
        break;
    if (k == 5)
      break;
    char *v = p + strlen(keys[k]), *e = v;
    while (*e && *e != ' ' && *e != '\t')
      e++;
    char save = *e;
    *e = 0;
    int bad = 0;
    switch (k) {
    case 0: bad = capkit_parse_count(v, &st.count); break;
    case 1: bad = capkit_gen_parse_rate(v, &st.interval); break;
    case 2: bad = capkit_gen_parse_interval(v, &st.interval); break;
    case 3: bad = capkit_gen_parse_start(v, &st.start); break;
    default: bad = capkit_gen_parse_interval(v, &st.jitter); break;
    }
    if (bad)
      return fail(gs, CAPKIT_ESPEC, 0, NULL, "bad %.*s'%s'%s",
                  (int)strlen(keys[k]) - 1, keys[k], v,
                  bad == CAPKIT_ERANGE
                      ? ": too low, the time between packets does not fit"
                      : "");
    *e = save;
    p = e;
  }
  return capkit_genset_add(gs, p, &st);
}

/* The next line of f into *line (grown, at most CAPKIT_GENSET_LINE_MAX
 * bytes, NUL terminated, without its newline): 1, 0 at the end, -1 read
 * error or out of memory, -2 too long, -3 a NUL byte. *total counts. */
static int spec_line(FILE *f, char **line, size_t *cap, size_t *len,
                     size_t *total) {
  int c;
  *len = 0;
  while ((c = getc(f)) != EOF) {
    if (++*total > CAPKIT_GENSET_FILE_MAX)
      return -2;
    if (c == '\n')
      break;
    if (c == 0)
      return -3;
    if (*len == CAPKIT_GENSET_LINE_MAX)
      return -2;
    if (*len + 1 >= *cap) {
      size_t nc = *cap ? 2 * *cap : 256;
      if (nc > CAPKIT_GENSET_LINE_MAX + 1)
        nc = CAPKIT_GENSET_LINE_MAX + 1;
      char *nl = realloc(*line, nc);
      if (!nl)
        return -1;
      *line = nl;
      *cap = nc;
    }
    (*line)[(*len)++] = (char)c;
  }
  if (c == EOF && (ferror(f) || *len == 0))
    return ferror(f) ? -1 : 0;
  (*line)[*len] = 0;
  return 1;
}

int capkit_genset_read(capkit_genset *gs, FILE *f,
                       const capkit_gen_stream *d) {
  if (!gs || !f || !d || d->size < sizeof(capkit_gen_stream))
    return CAPKIT_EMISUSE;
  clear_error(gs);
  char *line = NULL;
  size_t cap = 0, len, total = 0, no = 0, before = gs->n;
  int rc = 0, got;
  while (!rc && (got = spec_line(f, &line, &cap, &len, &total)) != 0) {
    no++;
    if (got == -2 || got == -3) {
      rc = fail(gs, CAPKIT_ESPEC, 0, NULL, "%s",
                got == -3 ? "a NUL byte: not a text file of specs"
                : total > CAPKIT_GENSET_FILE_MAX
                    ? "the spec file is longer than 16 MiB"
                    : "longer than 1 MiB (a spec line is at most 1 MiB)");
    } else if (got < 0) {
      int err = errno;
      rc = ferror(f) ? fail(gs, CAPKIT_EIO, 0, NULL, "%s", strerror(err))
                     : fail(gs, CAPKIT_ENOMEM, 0, NULL, "out of memory");
      no = 0; /* not a fault of the line */
    } else {
      while (len > 0 && line[len - 1] == '\r')
        line[--len] = 0;
      char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (!*p || *p == '#')
        continue;
      rc = file_line(gs, p, d);
    }
    if (rc)
      gs->line = no;
  }
  free(line);
  if (!rc && gs->n == before)
    rc = fail(gs, CAPKIT_ESPEC, 0, NULL, "no stream in the file");
  return rc;
}

int capkit_genset_read_path(capkit_genset *gs, const char *path,
                            const capkit_gen_stream *d) {
  if (!gs || !path || !d)
    return CAPKIT_EMISUSE;
  int is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "r");
  if (!f) {
    int err = errno;
    clear_error(gs);
    return fail(gs, CAPKIT_EOPEN, 0, NULL, "%s", strerror(err));
  }
  int rc = capkit_genset_read(gs, f, d);
  if (!is_stdin)
    fclose(f);
  return rc;
}

int capkit_genset_plan(capkit_genset *gs, int multi, uint32_t snaplen,
                       unsigned precision, uint32_t *linktype) {
  if (!gs || !linktype || (precision != 6 && precision != 9))
    return CAPKIT_EMISUSE;
  clear_error(gs);
  uint32_t link = gs->n ? capkit_genset_linktype(gs, 0) : 0;
  for (size_t i = 1; i < gs->n; i++) {
    uint32_t lt = capkit_genset_linktype(gs, i);
    if (lt == link)
      continue;
    if (!multi)
      return fail(gs, CAPKIT_ELINKTYPE, 0, NULL,
                  "stream %zu implies link type %s but stream 1 %s: a pcap "
                  "file has one link type (-F pcapng takes several)",
                  i + 1, capkit_linktype_name(lt),
                  capkit_linktype_name(link));
    /* an interface per stream, of its link type */
    int rc = capkit_genset_use_ifaces(gs, snaplen, precision);
    return rc < 0 ? rc : 1;
  }
  *linktype = link;
  return 0;
}

int capkit_genset_write(capkit_genset *gs, capkit_writer *w,
                        const char *name) {
  if (!gs || !w)
    return CAPKIT_EMISUSE;
  clear_error(gs);
  capkit_record rec = CAPKIT_RECORD_INIT;
  uint64_t nrec = 0;
  int rc;
  while ((rc = capkit_genset_next(gs, &rec)) > 0) {
    if ((rc = capkit_writer_write(w, &rec)) < 0)
      return fail(gs, rc, 0, NULL, "%s", capkit_writer_error(w));
    nrec++;
  }
  if (rc < 0) {
    char what[sizeof gs->msg];
    snprintf(what, sizeof what, "%s", gs->msg);
    return fail(gs, rc, 0, NULL, "%s: record %llu: %s", name ? name : "",
                (unsigned long long)(nrec + 1), what);
  }
  return 0;
}

/* The job's streams; on an error its message names where it is (the spec
 * file and its line, or which spec text), and a stream that cannot be
 * added is a wrong spec (CAPKIT_ESPEC). */
static int add_streams(capkit_genset *gs, const capkit_gen_job *job) {
  char where[512];
  int rc = 0;
  if (job->spec_file) {
    if (!(rc = capkit_genset_read_path(gs, job->spec_file, &job->stream)))
      return 0;
    if (gs->line)
      snprintf(where, sizeof where, "%.400s line %zu", job->spec_file,
               gs->line);
    else
      snprintf(where, sizeof where, "%.400s", job->spec_file);
  } else {
    if (job->n_specs <= 0)
      return fail(gs, CAPKIT_ESPEC, 0, NULL, "no spec given");
    for (int i = 0; i < job->n_specs && !rc; i++)
      if ((rc = capkit_genset_add(gs, job->specs[i], &job->stream))) {
        if (job->n_specs > 1)
          snprintf(where, sizeof where, "spec %d", i + 1);
        else
          snprintf(where, sizeof where, "spec");
      }
    if (!rc)
      return 0;
  }
  if (rc == CAPKIT_ENOMEM)
    return fail(gs, rc, 0, NULL, "out of memory");
  if (rc == CAPKIT_ERANGE || rc == CAPKIT_ETOOBIG)
    rc = CAPKIT_ESPEC;
  char what[sizeof gs->msg];
  snprintf(what, sizeof what, "%s", gs->msg);
  char *spec = gs->spec; /* kept for the caller's caret */
  gs->spec = NULL;
  size_t col = gs->column;
  if (col)
    fail(gs, rc, col, spec, "%s, column %zu: %s", where, col, what);
  else
    fail(gs, rc, col, spec, "%s: %s", where, what);
  free(spec);
  return rc;
}

int capkit_gen_run(capkit_genset *gs, const capkit_gen_job *job,
                   capkit_writer *w) {
  if (!gs || !job || !w || job->size < sizeof *job || !job->path ||
      job->out.size < sizeof job->out || gs->n ||
      (!job->spec_file && job->n_specs > 0 && !job->specs))
    return CAPKIT_EMISUSE;
  clear_error(gs);
  int rc = add_streams(gs, job);
  if (rc)
    return rc;
  capkit_build_output o = job->out;
  if (!o.precision) /* times finer than microseconds need nanoseconds */
    o.precision = capkit_genset_fine_times(gs) ? 9 : 6;
  if (o.linktype < 0) {
    /* pcapng: an interface per stream of its link type */
    int multi = o.format && strcmp(o.format, "pcapng") == 0;
    uint32_t link = 0;
    int ifaces = capkit_genset_plan(gs, multi, o.snaplen, o.precision, &link);
    if (ifaces < 0)
      return ifaces;
    if (!ifaces)
      o.linktype = (int32_t)link;
  }
  if ((rc = capkit__build_open(w, &o, job->path, gs->msg, sizeof gs->msg)))
    return rc;
  if ((rc = capkit_genset_write(gs, w,
                                strcmp(job->path, "-") ? job->path : "stdout")))
    return rc;
  if ((rc = capkit_writer_close(w)) < 0)
    return fail(gs, rc, 0, NULL, "%s", capkit_writer_error(w));
  return 0;
}

size_t capkit_genset_count(const capkit_genset *gs) { return gs ? gs->n : 0; }

uint32_t capkit_genset_linktype(const capkit_genset *gs, size_t i) {
  return gs && i < gs->n ? capkit_gen_linktype(gs->s[i].g) : 0;
}

int capkit_genset_fine_times(const capkit_genset *gs) {
  for (size_t i = 0; gs && i < gs->n; i++)
    if (gs->s[i].start.nsec % 1000 || gs->s[i].interval.nsec % 1000)
      return 1;
  return 0;
}

int capkit_genset_use_ifaces(capkit_genset *gs, uint32_t snaplen,
                             uint32_t tsresol) {
  if (!gs)
    return CAPKIT_EMISUSE;
  gs->ifaces = 1;
  for (size_t i = 0; i < gs->n; i++) {
    capkit_iface *f = &gs->s[i].iface;
    f->id = (uint32_t)i;
    f->linktype = capkit_gen_linktype(gs->s[i].g);
    f->snaplen = snaplen ? snaplen : 262144;
    f->fcs_len = -1;
    f->tsresol = tsresol;
  }
  return 0;
}

int capkit_genset_next(capkit_genset *gs, capkit_record *rec) {
  if (!gs || !rec || rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EMISUSE;
  stream *s = NULL;
  if (gs->n == 1) {
    s = gs->s[0].sent < gs->s[0].count ? &gs->s[0] : NULL;
  } else {
    for (size_t i = 0; i < gs->n; i++) {
      stream *c = &gs->s[i];
      if (c->sent < c->count &&
          (!s || (!c->next_bad &&
                  (s->next_bad || capkit_time_cmp(c->next, s->next) < 0))))
        s = c;
    }
  }
  if (!s)
    return 0;
  if (s->next_bad)
    return fail(gs, CAPKIT_ERANGE, 0, NULL,
                "time out of range (past year 292277026596)");
  const uint8_t *data;
  size_t len;
  capkit_gen_next(s->g, &data, &len);
  capkit_record_set_time(rec, s->next);
  rec->caplen = rec->origlen = (uint32_t)len;
  rec->data = data;
  if (gs->ifaces) {
    rec->iface = &s->iface;
    rec->iface_id = s->iface.id;
  }
  advance(s);
  return 1;
}

/* report.c - the report handle: one view per input file (and a combined
 * one), each with its statistics accumulator (the I/O series included),
 * TCP table, file information and problems; rendering is html.c's. */
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "report/report_int.h"

/* Strings from a file are kept to their first bytes (on a UTF-8 character
 * boundary, with "..." after), which bounds the page. */
#define MAX_TEXT 256
#define MAX_COMMENT 500

static char *dup_cut(const char *src, size_t max) {
  size_t len = strlen(src), cut = len > max;
  if (cut) {
    len = max;
    while (len && ((unsigned char)src[len] & 0xc0) == 0x80)
      len--;
  }
  char *d = malloc(len + 4);
  if (!d)
    return NULL;
  memcpy(d, src, len);
  memcpy(d + len, cut ? "..." : "", cut ? 4 : 1);
  return d;
}

static int view_init(rp_view *v, const capkit_report_settings *set,
                     const char *name) {
  memset(v, 0, sizeof *v);
  capkit_stats_settings ss = CAPKIT_STATS_SETTINGS_INIT;
  ss.max_conversations = set->max_conversations;
  /* the I/O graph: a given width doubled as needed, or round widths from
   * 1 us; stacked by top layer */
  ss.interval_ns = set->interval_ns ? set->interval_ns : 1000;
  ss.max_bins = set->max_bins;
  v->name = dup_cut(name, MAX_TEXT);
  v->st = capkit_stats_new(&ss);
  v->tcp = capkit_tcp_health_new(set->max_conversations);
  unsigned mode = CAPKIT_STATS_SERIES_LAYERS |
                  (set->interval_ns ? 0 : CAPKIT_STATS_SERIES_ROUND);
  int rc = v->st ? capkit_stats_series_mode(v->st, mode) : CAPKIT_ENOMEM;
  return v->name && v->st && v->tcp && rc == 0 ? 0 : CAPKIT_ENOMEM;
}

static void view_free(rp_view *v) {
  free(v->name);
  capkit_stats_free(v->st);
  capkit_tcp_health_free(v->tcp);
  free(v->format);
  free(v->variant);
  for (size_t i = 0; i < v->nsec; i++) {
    free((char *)v->sec[i].comment);
    free((char *)v->sec[i].hardware);
    free((char *)v->sec[i].os);
    free((char *)v->sec[i].userappl);
  }
  free(v->sec);
  for (size_t i = 0; i < v->nif; i++) {
    free((char *)v->ifs[i].name);
    free((char *)v->ifs[i].description);
    free((char *)v->ifs[i].filter);
    free((char *)v->ifs[i].os);
  }
  free(v->ifs);
  for (size_t i = 0; i < v->nnotes; i++)
    free(v->notes[i].text);
  free(v->notes);
  free(v->err);
}

capkit_report *capkit_report_new(const capkit_report_settings *set) {
  capkit_report_settings s = CAPKIT_REPORT_SETTINGS_INIT;
  if (set) {
    if (set->size < sizeof s)
      return NULL;
    s = *set;
  }
  if (s.flags & ~CAPKIT_REPORT_COMBINED)
    return NULL;
  if (!s.max_bins)
    s.max_bins = 300;
  if (!s.top)
    s.top = 10;
  if (!s.max_conversations)
    s.max_conversations = 20000;
  if (s.max_bins < 10 || s.max_bins > 100000 || s.top > 100 ||
      s.interval_ns > 1000000000000000000ull ||
      s.max_conversations > (1u << 26))
    return NULL;
  capkit_report *rp = calloc(1, sizeof *rp);
  if (!rp)
    return NULL;
  rp->set = s;
  rp->title = dup_cut(s.title ? s.title : "capkit report", MAX_TEXT);
  rp->set.title = rp->title;
  capkit_packet_init(&rp->pkt, rp->layers, CAPKIT_DECODE_MAX_LAYERS);
  if (!rp->title || ((s.flags & CAPKIT_REPORT_COMBINED) &&
                     view_init(&rp->all, &rp->set, "All files") != 0)) {
    capkit_report_free(rp);
    return NULL;
  }
  return rp;
}

void capkit_report_free(capkit_report *rp) {
  if (!rp)
    return;
  for (size_t i = 0; i < rp->nfiles; i++)
    view_free(&rp->files[i]);
  free(rp->files);
  view_free(&rp->all);
  free(rp->title);
  free(rp->err);
  free(rp);
}

/* The file being read, or NULL. */
static rp_view *current(const capkit_report *rp) {
  if (!rp || !rp->nfiles || rp->files[rp->nfiles - 1].ended)
    return NULL;
  return &rp->files[rp->nfiles - 1];
}

/* The reader's file information, once it was opened. */
static int copy_info(rp_view *v, const capkit_reader *r) {
  const capkit_file_info *in = capkit_reader_info(r);
  if (v->opened || !in || !in->format)
    return 0;
  v->opened = 1;
  v->info = *in;
  v->format = capkit__strdup(in->format);
  v->variant = capkit__strdup(in->variant ? in->variant : "");
  v->info.format = v->format;
  v->info.variant = v->variant;
  return v->format && v->variant ? 0 : CAPKIT_ENOMEM;
}

int capkit_report_begin(capkit_report *rp, const char *name,
                        const capkit_reader *r) {
  if (!rp || !name || current(rp))
    return CAPKIT_EMISUSE;
  rp_view *nv = realloc(rp->files, (rp->nfiles + 1) * sizeof *nv);
  if (!nv)
    return CAPKIT_ENOMEM;
  rp->files = nv;
  rp_view *v = &rp->files[rp->nfiles++];
  int rc = view_init(v, &rp->set, name);
  if (rc == 0 && r)
    rc = copy_info(v, r);
  if (rc != 0) {
    view_free(v);
    rp->nfiles--;
  }
  return rc;
}

static int view_add(rp_view *v, const capkit_record *rec,
                    const capkit_packet *p) {
  int rc = capkit_stats_add(v->st, rec, p);
  capkit_tcp_health_add(v->tcp, rec, p);
  return rc;
}

static int add_note(rp_view *v, int kind, uint64_t offset, uint64_t length,
                    uint64_t record, const char *text) {
  /* each class (warnings, damage, comments) keeps its own first ones */
  int cls = kind > 0 ? 0 : kind == 0 ? 1 : 2;
  if (v->kept[cls] >= CAPKIT_REPORT_MAX_NOTES)
    return 0;
  if (!v->notes &&
      !(v->notes = calloc(3 * CAPKIT_REPORT_MAX_NOTES, sizeof *v->notes)))
    return CAPKIT_ENOMEM;
  rp_note *n = &v->notes[v->nnotes];
  if (!(n->text = dup_cut(text, kind < 0 ? MAX_COMMENT : MAX_TEXT)))
    return CAPKIT_ENOMEM;
  n->kind = kind;
  n->offset = offset;
  n->length = length;
  n->record = record;
  v->nnotes++;
  v->kept[cls]++;
  return 0;
}

int capkit_report_add(capkit_report *rp, const capkit_record *rec) {
  rp_view *v = current(rp);
  if (!v || !rec ||
      rec->size < offsetof(capkit_record, extra) + sizeof rec->extra)
    return CAPKIT_EMISUSE;
  capkit_decode_record(&rp->pkt, rec, 0);
  int rc = view_add(v, rec, &rp->pkt);
  if (rp->set.flags & CAPKIT_REPORT_COMBINED) {
    int rc2 = view_add(&rp->all, rec, &rp->pkt);
    rc = rc ? rc : rc2;
  }
  if (rec->comment) {
    v->comments++;
    int rc3 = add_note(v, -1, rec->offset, 0, rec->number, rec->comment);
    rc = rc ? rc : rc3;
  }
  return rc;
}

void capkit_report_on_warning(void *report, int warning, uint64_t offset,
                              uint64_t record, const char *message) {
  rp_view *v = current(report);
  if (!v)
    return;
  v->warnings++;
  if (warning > 0 && warning < 32)
    v->by_kind[warning]++;
  add_note(v, warning > 0 ? warning : 31, offset, 0, record,
           message ? message : "");
}

int capkit_report_damage(capkit_report *rp, uint64_t offset, uint64_t length,
                         uint64_t record, const char *what) {
  rp_view *v = current(rp);
  if (!v || !what)
    return CAPKIT_EMISUSE;
  v->damage++;
  return add_note(v, 0, offset, length, record, what);
}

static int copy_str(const char **dst, const char *src) {
  *dst = NULL;
  if (!src)
    return 0;
  return (*dst = dup_cut(src, MAX_TEXT)) ? 0 : CAPKIT_ENOMEM;
}

/* Sections and interfaces kept per file: more are counted, not listed. */
#define MAX_SECTIONS 16
#define MAX_IFACES 64

static int copy_pcapng(rp_view *v, const capkit_reader *r) {
  size_t ns = capkit_reader_section_count(r), ni = capkit_reader_iface_count(r);
  v->nsec = ns;
  v->nif = ni;
  ns = ns > MAX_SECTIONS ? MAX_SECTIONS : ns;
  ni = ni > MAX_IFACES ? MAX_IFACES : ni;
  if ((ns && !(v->sec = calloc(ns, sizeof *v->sec))) ||
      (ni && !(v->ifs = calloc(ni, sizeof *v->ifs)))) {
    v->nsec = v->nif = 0;
    return CAPKIT_ENOMEM;
  }
  /* copies first, counts after: view_free frees what was copied */
  size_t total_s = v->nsec, total_i = v->nif;
  v->nsec = v->nif = 0;
  int rc = 0;
  for (size_t i = 0; i < ns && !rc; i++) {
    const capkit_section *s = capkit_reader_section(r, i);
    capkit_section *d = &v->sec[v->nsec++];
    *d = *s;
    rc = copy_str(&d->comment, s->comment) |
         copy_str(&d->hardware, s->hardware) | copy_str(&d->os, s->os) |
         copy_str(&d->userappl, s->userappl);
  }
  for (size_t i = 0; i < ni && !rc; i++) {
    const capkit_iface *f = capkit_reader_iface(r, i);
    capkit_iface *d = &v->ifs[v->nif++];
    *d = *f;
    rc = copy_str(&d->name, f->name) |
         copy_str(&d->description, f->description) |
         copy_str(&d->filter, f->filter) | copy_str(&d->os, f->os);
  }
  /* the counts of what the file had, for "N more" */
  v->total_sec = total_s;
  v->total_if = total_i;
  return rc ? CAPKIT_ENOMEM : 0;
}

int capkit_report_end(capkit_report *rp, const capkit_reader *r, int rc) {
  rp_view *v = current(rp);
  if (!v)
    return CAPKIT_EMISUSE;
  int out = r ? copy_info(v, r) : 0;
  if (r && v->opened && capkit_reader_section_count(r) && !out)
    out = copy_pcapng(v, r);
  if (rc < 0) {
    v->err_code = rc;
    const char *m = r ? capkit_reader_error(r) : NULL;
    v->err = dup_cut(m && *m ? m : capkit_strerror(rc), 4 * MAX_TEXT);
    v->err_offset = r ? capkit_reader_error_offset(r) : 0;
    v->err_record = r ? capkit_reader_error_record(r) : 0;
    if (!v->err)
      out = CAPKIT_ENOMEM;
  }
  v->ended = 1;
  return out;
}

size_t capkit_report_file_count(const capkit_report *rp) {
  return rp ? rp->nfiles : 0;
}

const capkit_stats *capkit_report_stats(const capkit_report *rp, size_t i) {
  if (!rp)
    return NULL;
  if (i == SIZE_MAX)
    return (rp->set.flags & CAPKIT_REPORT_COMBINED) ? rp->all.st : NULL;
  return i < rp->nfiles ? rp->files[i].st : NULL;
}

int capkit_report_write_fn(const capkit_report *rp, capkit_report_sink sink,
                           void *user) {
  if (!rp || !sink || current(rp))
    return CAPKIT_EMISUSE;
  tbuf b = {0};
  capkit__rp_render(rp, &b);
  int rc = b.err ? CAPKIT_ENOMEM : 0;
  if (rc == 0 && sink(user, b.p, b.n) < 0)
    rc = CAPKIT_EIO;
  free(b.p);
  return rc;
}

static int file_sink(void *user, const void *buf, size_t n) {
  return fwrite(buf, 1, n, user) == n ? 0 : -1;
}

int capkit_report_write(const capkit_report *rp, FILE *f) {
  if (!f)
    return CAPKIT_EMISUSE;
  return capkit_report_write_fn(rp, file_sink, f);
}

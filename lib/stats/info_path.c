/* info_path.c - capkit_info_path (capkit/info.h): one file read to its end
 * through an optional filter into a summary accumulator, hashed by a
 * second thread on request, and written with capkit_info_write. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/cut.h>
#include <capkit/digest.h>
#include <capkit/info.h>
#include "util/buf.h"

#define MAX_MSG 4 /* at most: layout, reading, hashing */

struct capkit_info {
  char *msg[MAX_MSG];
  size_t n_msg;
  int header_done; /* the table's header line was written */
};

capkit_info *capkit_info_new(void) { return calloc(1, sizeof(capkit_info)); }

static void clear(capkit_info *info) {
  for (size_t i = 0; i < info->n_msg; i++)
    free(info->msg[i]);
  info->n_msg = 0;
}

void capkit_info_free(capkit_info *info) {
  if (!info)
    return;
  clear(info);
  free(info);
}

const char *capkit_info_error(const capkit_info *info, size_t i) {
  return info && i < info->n_msg ? info->msg[i] : NULL;
}

/* Keeps one more message; a message with no memory for it is dropped. */
static void say(capkit_info *info, const char *fmt, ...) {
  if (info->n_msg >= MAX_MSG)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *m = capkit__vformat(fmt, ap);
  va_end(ap);
  if (m)
    info->msg[info->n_msg++] = m;
}

/* Write R's part through capkit_info_write; the header line once. */
static void show(capkit_info *info, const capkit_info_options *opt,
                 const char *path, const capkit_reader *r,
                 const capkit_stats *st, int error,
                 const capkit_digest *dg, capkit_stats_write_fn fn,
                 void *user) {
  capkit_info_options o = *opt;
  o.name = opt->name ? opt->name : path;
  o.digest = dg;
  o.header = opt->header && !info->header_done;
  if (capkit_info_write(r, st, error, &o, fn, user) == CAPKIT_ENOMEM)
    say(info, "out of memory");
  if (o.format == CAPKIT_INFO_TABLE && capkit_reader_info(r))
    info->header_done = 1;
}

/* FILTER made and prepared for R's link type (its first interface's);
 * NULL with *rc 0 for no filter, or with *rc the failure (message kept). */
static capkit_filter *filter_for(capkit_info *info, const char *expr,
                                 capkit_reader *r, int *rc) {
  *rc = 0;
  if (!expr || !*expr)
    return NULL;
  capkit_filter *f = capkit_filter_new(expr);
  if (!f) {
    say(info, "out of memory");
    *rc = CAPKIT_ENOMEM;
    return NULL;
  }
  const capkit_iface *ifc = capkit_reader_iface(r, 0);
  const capkit_file_info *in = capkit_reader_info(r);
  if ((*rc = capkit_filter_prepare(f, ifc ? ifc->linktype : in->linktype))) {
    say(info, "bad filter '%s': %s", expr, capkit_filter_error(f));
    capkit_filter_free(f);
    return NULL;
  }
  return f;
}

int capkit_info_path(capkit_info *info, const char *path, const char *filter,
                     unsigned flags, const capkit_info_options *opt,
                     capkit_stats_write_fn fn, void *user) {
  if (!info || !path || !opt || !fn || opt->size < sizeof *opt)
    return CAPKIT_EMISUSE;
  clear(info);
  capkit_reader *r = capkit_reader_new();
  if (!r) {
    say(info, "out of memory");
    return CAPKIT_ENOMEM;
  }
  int rc = capkit_reader_open_path(r, path);
  if (rc < 0) {
    show(info, opt, path, r, NULL, rc, NULL, fn, user);
    say(info, "%s", capkit_reader_error(r));
    capkit_reader_free(r);
    return rc;
  }
  capkit_filter *flt = filter_for(info, filter, r, &rc);
  if (rc < 0) {
    capkit_reader_free(r);
    return rc;
  }
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.what = CAPKIT_STATS_SUMMARY;
  capkit_stats *st = capkit_stats_new(&set);
  /* The hashes: a second thread reads the file while this one reads the
   * records (the file is in the page cache for the slower of the two). */
  capkit_digest *dg = NULL;
  int drc = 0;
  if (st && (flags & CAPKIT_INFO_HASHES)) {
    dg = capkit_digest_new(CAPKIT_DIGEST_SHA256 | CAPKIT_DIGEST_SHA1);
    drc = dg ? capkit_digest_start_path(dg, path) : CAPKIT_ENOMEM;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  if (!st || drc == CAPKIT_ENOMEM)
    rc = CAPKIT_ENOMEM;
  else
    while ((rc = capkit_reader_next_match(r, flt, &rec)) > 0)
      if (capkit_stats_add(st, &rec, NULL) == CAPKIT_ENOMEM) {
        rc = CAPKIT_ENOMEM;
        break;
      }
  if (rc == CAPKIT_ENOMEM) {
    say(info, "out of memory");
  } else {
    if (!drc && dg)
      drc = capkit_digest_finish(dg);
    show(info, opt, path, r, st, rc == CAPKIT_EFILTER ? 0 : rc, dg, fn, user);
    if (rc == CAPKIT_EFILTER)
      say(info, "%s: record %llu: filter '%s': %s", capkit_reader_name(r),
          (unsigned long long)rec.number, filter, capkit_filter_error(flt));
    else if (rc < 0)
      say(info, "%s", capkit_reader_error(r));
    if (drc) {
      say(info, "%s", capkit_digest_error(dg));
      rc = capkit_error_class_of(drc) == CAPKIT_CLASS_SYSTEM ? drc : CAPKIT_EIO;
    }
  }
  capkit_digest_free(dg);
  capkit_filter_free(flt);
  capkit_stats_free(st);
  capkit_reader_free(r);
  return rc < 0 ? rc : 0;
}

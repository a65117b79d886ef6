/* input.c - one input file into a report, the whole loop of capkit report
 * (capkit_report_add_path in report.h): open, filter, count, and list the
 * damaged places of a damaged file. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "report/report_int.h"
#include "util/buf.h"

/* Keep the message of a failed add; returns CODE. */
static int __attribute__((format(printf, 3, 4)))
fail(capkit_report *rp, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  free(rp->err);
  rp->err = capkit__vformat(fmt, ap);
  va_end(ap);
  return code;
}

const char *capkit_report_error(const capkit_report *rp) {
  return rp && rp->err ? rp->err : "";
}

static void on_damage(void *user, const capkit_repair_event *ev) {
  capkit_report_damage(user, ev->offset, ev->length, ev->record, ev->message);
}

/* Every damaged place of a damaged regular file, as capkit repair finds
 * them. */
static void scan_damage(capkit_report *rp, const char *path) {
  capkit_repair *fix = strcmp(path, "-") ? capkit_repair_new() : NULL;
  if (!fix)
    return;
  capkit_repair_set_event_fn(fix, on_damage, rp);
  capkit_repair_run(fix, path, NULL);
  capkit_repair_free(fix);
}

/* A filter for EXPR prepared for R's link type (its first interface's,
 * else the file's); NULL with *RC set on failure, or for no expression. */
static capkit_filter *filter_for(capkit_report *rp, const char *expr,
                                 const capkit_reader *r, int *rc) {
  *rc = 0;
  if (!expr || !*expr)
    return NULL;
  capkit_filter *f = capkit_filter_new(expr);
  if (!f) {
    *rc = fail(rp, CAPKIT_ENOMEM, "out of memory");
    return NULL;
  }
  const capkit_iface *ifc = capkit_reader_iface(r, 0);
  const capkit_file_info *in = capkit_reader_info(r);
  int e = capkit_filter_prepare(f, ifc ? ifc->linktype
                                   : in ? in->linktype
                                        : 1);
  if (e < 0) {
    *rc = fail(rp, e, "bad filter '%s': %s", expr, capkit_filter_error(f));
    capkit_filter_free(f);
    return NULL;
  }
  return f;
}

int capkit_report_add_path(capkit_report *rp, const char *path,
                           const char *filter) {
  if (!rp || !path)
    return CAPKIT_EMISUSE;
  free(rp->err);
  rp->err = NULL;
  capkit_reader *r = capkit_reader_new();
  if (!r)
    return fail(rp, CAPKIT_ENOMEM, "out of memory");
  capkit_reader_set_warning_fn(r, capkit_report_on_warning, rp);
  /* begun first: the warnings of the file header count too */
  if (capkit_report_begin(rp, strcmp(path, "-") ? path : "stdin", NULL)) {
    capkit_reader_free(r);
    return fail(rp, CAPKIT_ENOMEM, "out of memory");
  }
  int rc = capkit_reader_open_path(r, path), out = 0;
  capkit_filter *flt = NULL;
  if (rc == 0)
    flt = filter_for(rp, filter, r, &out);
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (rc >= 0 && !out && (rc = capkit_reader_next_match(r, flt, &rec)) > 0)
    if (capkit_report_add(rp, &rec) == CAPKIT_ENOMEM)
      out = fail(rp, CAPKIT_ENOMEM, "out of memory");
  if (rc == CAPKIT_EFILTER) {
    out = fail(rp, rc, "%s: record %" PRIu64 ": filter '%s': %s",
               capkit_reader_name(r), rec.number, capkit_filter_expr(flt),
               capkit_filter_error(flt));
    rc = 0;
  } else if (rc < 0) {
    out = fail(rp, rc, "%s", capkit_reader_error(r));
    if (capkit_error_class_of(rc) == CAPKIT_CLASS_DATA && capkit_reader_info(r))
      scan_damage(rp, path);
  }
  if (capkit_report_end(rp, r, rc) != 0 && !out)
    out = fail(rp, CAPKIT_ENOMEM, "out of memory");
  capkit_filter_free(flt);
  capkit_reader_free(r);
  return out;
}

/* input.c - the filtered input (capkit/input.h): a reader, a borrowed
 * filter prepared for its link type, and the message of what stopped
 * them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <capkit/cut.h>
#include <capkit/input.h>
#include "util/buf.h"

struct capkit_input {
  capkit_reader *r;
  capkit_filter *f;
  char *msg; /* NULL: no failure (or no memory for its text) */
};

capkit_input *capkit_input_new(void) { return calloc(1, sizeof(capkit_input)); }

static void close_file(capkit_input *in) {
  capkit_reader_free(in->r);
  in->r = NULL;
  in->f = NULL;
}

void capkit_input_free(capkit_input *in) {
  if (!in)
    return;
  close_file(in);
  free(in->msg);
  free(in);
}

/* Keeps the message FMT makes (errors only: never on the record path). */
static int fail(capkit_input *in, int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  free(in->msg);
  in->msg = capkit__vformat(fmt, ap);
  va_end(ap);
  return rc;
}

int capkit_input_open(capkit_input *in, const char *path, capkit_filter *f) {
  if (!in || !path)
    return CAPKIT_EINVAL;
  close_file(in);
  free(in->msg);
  in->msg = NULL;
  if (!(in->r = capkit_reader_new()))
    return fail(in, CAPKIT_ENOMEM, "out of memory");
  int rc = capkit_reader_open_path(in->r, path);
  if (rc < 0) {
    fail(in, rc, "%s", capkit_reader_error(in->r));
    close_file(in);
    return rc;
  }
  if (f) {
    const capkit_iface *ifc = capkit_reader_iface(in->r, 0);
    const capkit_file_info *inf = capkit_reader_info(in->r);
    rc = capkit_filter_prepare(f, ifc ? ifc->linktype : inf->linktype);
    if (rc < 0) {
      fail(in, rc, "bad filter '%s': %s", capkit_filter_expr(f),
           capkit_filter_error(f));
      close_file(in);
      return rc;
    }
  }
  in->f = f;
  return 0;
}

int capkit_input_next(capkit_input *in, capkit_record *rec) {
  if (!in || !in->r)
    return CAPKIT_EMISUSE;
  int rc = capkit_reader_next_match(in->r, in->f, rec);
  return rc < 0 ? capkit_input_failed(in, rc, rec->number) : rc;
}

int capkit_input_failed(capkit_input *in, int rc, uint64_t record) {
  if (!in || !in->r)
    return rc;
  if (rc == CAPKIT_EFILTER && in->f)
    return fail(in, rc, "%s: record %llu: filter '%s': %s",
                capkit_reader_name(in->r), (unsigned long long)record,
                capkit_filter_expr(in->f), capkit_filter_error(in->f));
  return fail(in, rc, "%s", capkit_reader_error(in->r));
}

capkit_reader *capkit_input_reader(const capkit_input *in) {
  return in ? in->r : NULL;
}

const char *capkit_input_error(const capkit_input *in) {
  return in && in->msg ? in->msg : "";
}

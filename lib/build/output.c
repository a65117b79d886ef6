/* output.c - a capture made from scratch (capkit gen, capkit import): the
 * settings of a capkit_build_output given to a writer, which is then
 * opened. */
#include <stdio.h>

#include <capkit/capkit.h>

#include "build/build_int.h"

int capkit__build_open(capkit_writer *w, const capkit_build_output *o,
                       const char *path, char *err, size_t cap) {
  int rc = 0;
  if (o->format && (rc = capkit_writer_set_format(w, o->format))) {
    snprintf(err, cap, "cannot write format '%s'", o->format);
    return rc;
  }
  if (o->byte_order >= 0)
    rc = capkit_writer_set_byte_order(w, (capkit_byte_order)o->byte_order);
  if (!rc && o->precision)
    rc = capkit_writer_set_precision(w, o->precision);
  if (!rc && o->snaplen)
    rc = capkit_writer_set_snaplen(w, o->snaplen);
  if (!rc && o->linktype >= 0)
    rc = capkit_writer_set_linktype(w, (uint32_t)o->linktype);
  if (rc) {
    snprintf(err, cap, "bad output setting: %s", capkit_strerror(rc));
    return rc;
  }
  if ((rc = capkit_writer_open_path(w, path)) < 0)
    snprintf(err, cap, "%s", capkit_writer_error(w));
  return rc;
}

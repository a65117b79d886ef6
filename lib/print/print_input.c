/* print_input.c - capkit_printer_print (capkit/printer.h): every record
 * of a filtered input rendered and written in large blocks. */
#include <capkit/input.h>
#include <capkit/printer.h>

/* Writes the text P kept and empties it; a failure is noted. */
static void flush(capkit_printer *p, capkit_printer_write_fn fn, void *user,
                  int *failed) {
  size_t n;
  const char *t = capkit_printer_text(p, &n);
  if (n && fn(user, t, n) != 0 && failed)
    *failed = 1;
  capkit_printer_clear(p);
}

int capkit_printer_print(capkit_printer *p, capkit_input *in, uint64_t *left,
                         capkit_printer_write_fn fn, void *user,
                         int *write_failed) {
  if (!p || !in || !left || !fn)
    return CAPKIT_EINVAL;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc = 0;
  size_t kept;
  while (*left > 0 && (rc = capkit_input_next(in, &rec)) > 0) {
    --*left;
    if ((rc = capkit_printer_append(p, &rec)) != 0)
      break;
    /* the text of many records, written by the MiB */
    if (capkit_printer_text(p, &kept), kept >= (1u << 20))
      flush(p, fn, user, write_failed);
  }
  flush(p, fn, user, write_failed);
  return rc < 0 ? rc : 0;
}

/* merge2.c - merge two captures into one in time order with the library's
 * merger (records with equal times keep the order of the inputs), the
 * output set up like the first input. The result is the same file as
 * `capkit merge -o OUT IN1 IN2` for two inputs of one link type.
 * Build: cc merge2.c $(pkg-config --cflags --libs capkit) */
#include <stdio.h>

#include <capkit/capkit.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: merge2 IN1 IN2 OUT\n");
    return 2;
  }
  capkit_reader *in[2] = {capkit_reader_new(), capkit_reader_new()};
  capkit_merger *m = capkit_merger_new();
  capkit_writer *w = capkit_writer_new();
  int rc = 0;
  uint32_t snaplen = 0;
  for (int i = 0; i < 2 && rc == 0; i++) {
    rc = capkit_reader_open_path(in[i], argv[i + 1]);
    if (rc < 0)
      fprintf(stderr, "%s\n", capkit_reader_error(in[i]));
    else if (capkit_merger_add(m, in[i], NULL) < 0)
      rc = CAPKIT_ENOMEM;
    else if (capkit_reader_info(in[i])->snaplen > snaplen)
      snaplen = capkit_reader_info(in[i])->snaplen;
  }
  /* Like the first input; the larger snaplen so that nothing is cut. */
  if (rc == 0)
    rc = capkit_writer_copy_settings(w, in[0]);
  if (rc == 0 && snaplen > capkit_reader_info(in[0])->snaplen)
    rc = capkit_writer_set_snaplen(w, snaplen);
  if (rc == 0 && (rc = capkit_writer_open_path(w, argv[3])) < 0)
    fprintf(stderr, "%s\n", capkit_writer_error(w));
  capkit_record rec = CAPKIT_RECORD_INIT;
  while (rc == 0 && (rc = capkit_merger_next(m, &rec, NULL)) > 0)
    if ((rc = capkit_writer_write(w, &rec)) < 0)
      fprintf(stderr, "%s\n", capkit_writer_error(w));
  if (rc < 0 && capkit_error_class_of(rc) == CAPKIT_CLASS_DATA)
    fprintf(stderr, "%s\n",
            capkit_reader_error(in[capkit_merger_failed(m)]));
  if (rc == 0 && (rc = capkit_writer_close(w)) < 0)
    fprintf(stderr, "%s\n", capkit_writer_error(w));
  capkit_writer_free(w); /* without a successful close: nothing is left */
  capkit_merger_free(m);
  capkit_reader_free(in[0]);
  capkit_reader_free(in[1]);
  return rc < 0 ? 1 : 0;
}

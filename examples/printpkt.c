/* printpkt.c - a tiny tcpdump -nn: read a capture (any format capkit reads)
 * and print one line per packet through the library's printer.
 *   printpkt [-e] [-S] [-x] [-t|-tt|-ttt|-tttt|-ttttt] FILE
 * Build: cc printpkt.c $(pkg-config --cflags --libs capkit) */
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/printer.h>

int main(int argc, char **argv) {
  unsigned flags = 0;
  int tfmt = CAPKIT_PRINT_TIME_ABS, i;
  /* -t, -tt, -ttt, -tttt, -ttttt: tcpdump's time formats */
  static const int tfmts[] = {CAPKIT_PRINT_TIME_NONE, CAPKIT_PRINT_TIME_EPOCH,
                              CAPKIT_PRINT_TIME_DELTA, CAPKIT_PRINT_TIME_DATE,
                              CAPKIT_PRINT_TIME_REL};
  for (i = 1; i < argc - 1; i++) {
    size_t n = strlen(argv[i]);
    if (!strcmp(argv[i], "-e"))
      flags |= CAPKIT_PRINT_LINK;
    else if (!strcmp(argv[i], "-S"))
      flags |= CAPKIT_PRINT_ABSOLUTE;
    else if (!strcmp(argv[i], "-x"))
      flags |= CAPKIT_PRINT_HEX_NET; /* tcpdump -x: from the network layer */
    else if (n >= 2 && n <= 6 && strspn(argv[i] + 1, "t") == n - 1 &&
             argv[i][0] == '-')
      tfmt = tfmts[n - 2];
    else
      break;
  }
  if (i != argc - 1) {
    fprintf(stderr, "usage: printpkt [-e] [-S] [-x] [-t...] FILE\n");
    return 2;
  }
  capkit_reader *r = capkit_reader_new();
  capkit_printer *p = capkit_printer_new(flags);
  if (!r || !p) {
    fprintf(stderr, "printpkt: out of memory\n");
    return 3;
  }
  capkit_printer_set_time(p, tfmt);
  /* SLL2 interfaces named by this machine, as tcpdump names them */
  capkit_printer_set_ifname(p, capkit_ifname_local, NULL);
  int rc = capkit_reader_open_path(r, argv[i]);
  capkit_record rec = CAPKIT_RECORD_INIT;
  if (rc == 0)
    while ((rc = capkit_reader_next(r, &rec)) > 0) {
      const char *text;
      size_t len;
      if ((rc = capkit_printer_render(p, &rec, &text, &len)) < 0)
        break;
      fwrite(text, 1, len, stdout);
    }
  if (rc < 0)
    fprintf(stderr, "printpkt: %s\n",
            rc == CAPKIT_ENOMEM ? "out of memory" : capkit_reader_error(r));
  capkit_printer_free(p);
  capkit_reader_free(r);
  return rc < 0 ? 1 : 0;
}

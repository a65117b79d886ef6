/* printpkt.c - a tiny tcpdump -nn: read a capture (any format capkit reads)
 * and print one line per packet through the library's printer.
 *   printpkt [-e] [-S] [-x] [-t|-tt|-ttt|-tttt|-ttttt] FILE
 * Build: cc printpkt.c $(pkg-config --cflags --libs capkit) */
#define _POSIX_C_SOURCE 200809L /* if_indextoname */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <capkit/capkit.h>
#include <capkit/printer.h>

/* tcpdump names the interface of a Linux cooked (SLL2) header by this
 * machine's interfaces; so does capkit print. */
static int ifname(void *user, uint32_t ifindex, char *buf, size_t cap) {
  char nm[IF_NAMESIZE];
  (void)user;
  if (!if_indextoname(ifindex, nm))
    return -1;
  snprintf(buf, cap, "%s", nm);
  return 0;
}

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
      flags |= CAPKIT_PRINT_HEX;
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
  capkit_printer_set_ifname(p, ifname, NULL);
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

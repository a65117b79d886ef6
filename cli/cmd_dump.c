/* cmd_dump.c - capkit dump: one line per record, optionally followed by a
 * hex and ASCII dump of its bytes. */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "cut.h"

static const char dump_usage[] =
    "usage: capkit dump [-x] [-f EXPR] FILE\n\n"
    "One line per record: number, time (UTC), captured and original length,\n"
    "interface when the file has several (always for pcapng), and the\n"
    "packet comment if any.\n\n"
    "  -x, --hex    add a hex and ASCII dump of each record's bytes, in the\n"
    "               offset/hex layout text2pcap and 'capkit import' read;\n"
    "               the record lines then start with '# ' (comments there)\n"
    "  -f, --filter EXPR  only records matching EXPR (tcpdump's filter\n"
    "               language, compiled by libpcap for each link type); the\n"
    "               record numbers stay those of the file\n"
    "  -h, --help   this help\n\n"
    "Exit status: 0 ok, 1 damaged or invalid data (records before the damage\n"
    "are listed), 2 usage, 3 I/O error.\n";

static void hexdump(const uint8_t *p, uint32_t n) {
  static const char hx[] = "0123456789abcdef";
  char line[96];
  for (uint32_t off = 0; off < n; off += 16) {
    uint32_t k = n - off < 16 ? n - off : 16;
    char *o = line;
    o += snprintf(o, 16, "%06" PRIx32 " ", off);
    for (uint32_t i = 0; i < 16; i++) {
      if (i == 8)
        *o++ = ' ';
      if (i < k) {
        *o++ = ' ';
        *o++ = hx[p[off + i] >> 4];
        *o++ = hx[p[off + i] & 15];
      } else {
        *o++ = ' ';
        *o++ = ' ';
        *o++ = ' ';
      }
    }
    *o++ = ' ';
    *o++ = ' ';
    for (uint32_t i = 0; i < k; i++) {
      uint8_t b = p[off + i];
      *o++ = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
    }
    *o++ = '\n';
    fwrite(line, 1, (size_t)(o - line), stdout);
  }
}

int cmd_dump(int argc, char **argv) {
  static const struct option opts[] = {{"hex", no_argument, NULL, 'x'},
                                       {"filter", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int hex = 0, c;
  const char *expr = NULL;
  while ((c = getopt_long(argc, argv, "xf:h", opts, NULL)) != -1) {
    switch (c) {
    case 'x':
      hex = 1;
      break;
    case 'f':
      expr = optarg;
      break;
    case 'h':
      fputs(dump_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("dump", "invalid option");
    }
  }
  if (optind != argc - 1)
    return cli_usage_error("dump", "expected exactly one FILE");
  int code;
  capkit_reader *r = cli_open_reader("dump", argv[optind], &code);
  if (!r)
    return code;
  capkit_filter *flt = cut_filter_for("dump", expr, r, &code);
  if (code) {
    capkit_reader_free(r);
    return code;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while ((rc = cut_filter_next(r, flt, &rec)) > 0) {
    unsigned digits = rec.iface && rec.iface->tsresol == 6 ? 6 : 9;
    char t[64];
    cli_fmt_time(t, sizeof t, rec.ts_sec, rec.ts_nsec, digits);
    /* text2pcap would take the number and date for offsets and bytes. */
    if (hex)
      fputs("# ", stdout);
    printf("%" PRIu64 " %s caplen %" PRIu32 " origlen %" PRIu32, rec.number,
           t, rec.caplen, rec.origlen);
    /* pcapng: always (interfaces may be described later in the file). */
    if (capkit_reader_iface_count(r) > 1 || capkit_reader_section_count(r))
      printf(" iface %" PRIu32, rec.iface_id);
    if (rec.comment) {
      printf(" comment ");
      cli_json_str(stdout, rec.comment);
    }
    putchar('\n');
    if (hex)
      hexdump(rec.data, rec.caplen);
  }
  code = EXIT_OK;
  if (rc < 0) {
    fflush(stdout);
    if (rc == CAPKIT_EFILTER)
      cli_filter_failed("dump", r, rec.number, flt);
    else
      cli_err("dump", "%s", capkit_reader_error(r));
    code = cli_exit_for(rc);
  }
  capkit_filter_free(flt);
  capkit_reader_free(r);
  return code;
}

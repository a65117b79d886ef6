/* cmd_export.c - capkit export: one row per packet with the fields asked
 * for (tshark -T fields), as TSV, CSV or NDJSON for databases; the values
 * come from the library's exporter, this file only lays out rows. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/export.h>
#include <capkit/input.h>

#include "cli.h"

static const char export_usage[] =
    "usage: capkit export [options] -e FIELD [-e FIELD...] FILE...\n"
    "       capkit export --fields\n\n"
    "Write one row per packet with the fields asked for, like tshark -T\n"
    "fields, as TSV (the default), CSV or NDJSON, for a database or a\n"
    "script. Fields are named as capkit print -v names them (ip.src,\n"
    "tcp.dport, frame.time_epoch); Wireshark's names for the same values\n"
    "are accepted (tcp.dstport, udp.length, ip.len). --fields lists them.\n"
    "Several inputs follow each other (frame.number restarts with each).\n\n"
    "  -e, --field NAME       a column (repeat for more)\n"
    "      --format FMT       tsv (default), csv or ndjson\n"
    "  -E KEY=VALUE           as tshark's -E: header=y|n (csv: y),\n"
    "                         separator=C (tsv: tab, csv: ','),\n"
    "                         occurrence=a|f|l (a field found several\n"
    "                         times: all, the first, the last),\n"
    "                         aggregator=C (joins several values: ',')\n"
    "  -f, --filter EXPR      only packets matching EXPR (tcpdump's filter\n"
    "                         language)\n"
    "  -r FILE                an input (as tshark -r)\n"
    "  -o, --output FILE      write to FILE (whole or not at all) instead\n"
    "                         of standard output\n"
    "      --fields           list every field: name, type, description;\n"
    "                         then Wireshark's names and what they stand for\n"
    "  -h, --help             this help\n\n"
    "Values: integers in decimal (flags and checksums too), times as\n"
    "seconds with nine digits (exact), addresses in their usual notation.\n"
    "CSV quotes a value when it needs it (RFC 4180); TSV writes a tab,\n"
    "newline or backslash inside a value as \\t, \\n, \\\\; in both, bytes\n"
    "that are not UTF-8 text become U+FFFD. NDJSON: one object per packet,\n"
    "keys as given, integers and times as JSON numbers, several values as\n"
    "an array, a missing field as null.\n\n"
    "Exit status: 0 ok, 1 damaged input (the rows before it were written),\n"
    "2 usage, 3 I/O error.\n";

enum { OPT_FORMAT = 1000, OPT_FIELDS };

static int list_fields(void) {
  capkit_export_type t;
  const char *desc, *name;
  static const char *const types[] = {"", "integer", "decimal", "text"};
  for (size_t i = 0; (name = capkit_export_field(i, &t, &desc)); i++)
    printf("%-26s %-8s %s\n", name, types[t], desc);
  printf("\nWireshark's names:\n");
  const char *to;
  for (size_t i = 0; (name = capkit_export_alias(i, &to)); i++)
    printf("%-26s %s\n", name, to);
  return EXIT_OK;
}

/* Write the header (HEADER set) or the current row of X to OUT. */
static int put_line(FILE *out, capkit_exporter *x,
                    const capkit_export_layout *lay, int header) {
  const char *t;
  size_t n;
  if ((header ? capkit_exporter_format_header(x, lay, &t, &n)
              : capkit_exporter_format_row(x, lay, &t, &n)) < 0) {
    cli_err("export", "out of memory");
    return EXIT_IO;
  }
  fwrite(t, 1, n, out);
  return EXIT_OK;
}

/* One input's rows through IN (reopened on PATH); returns an exit code. */
static int export_file(FILE *out, const capkit_export_layout *lay,
                       capkit_exporter *x, capkit_input *in, const char *path,
                       capkit_filter *filter) {
  uint64_t record = 0;
  int rc = capkit_input_open(in, path, filter);
  if (!rc)
    rc = capkit_exporter_write(x, lay, capkit_input_reader(in), filter, out,
                               &record);
  if (rc == CAPKIT_ENOMEM) {
    cli_err("export", "out of memory");
    return EXIT_IO;
  }
  if (rc < 0)
    return cli_input_fail("export", in, capkit_input_failed(in, rc, record));
  return EXIT_OK;
}

int cmd_export(int argc, char **argv) {
  static const struct option opts[] = {
      {"field", required_argument, NULL, 'e'},
      {"format", required_argument, NULL, OPT_FORMAT},
      {"filter", required_argument, NULL, 'f'},
      {"output", required_argument, NULL, 'o'},
      {"fields", no_argument, NULL, OPT_FIELDS},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  capkit_export_layout lay = CAPKIT_EXPORT_LAYOUT_INIT;
  int header = -1;
  const char *filter = NULL, *outpath = NULL;
  capkit_filter *flt = NULL;
  char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  capkit_exporter *x = capkit_exporter_new();
  capkit_input *in = capkit_input_new();
  int ninputs = 0, c, code = EXIT_OK;
  if (!inputs || !x || !in) {
    cli_err("export", "out of memory");
    code = EXIT_IO;
    goto done;
  }
  while ((c = getopt_long(argc, argv, "e:E:f:r:o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'e':
      if (capkit_exporter_add(x, optarg) < 0) {
        code = cli_usage_error("export", "%s", capkit_exporter_error(x));
        goto done;
      }
      break;
    case 'E':
      if (capkit_exporter_setting(x, &lay, optarg, &header) < 0) {
        code = cli_usage_error("export", "bad -E setting '%s'", optarg);
        goto done;
      }
      break;
    case OPT_FORMAT:
      if ((lay.format = capkit_export_format_parse(optarg)) < 0) {
        code = cli_usage_error("export",
                               "unknown format '%s' (tsv, csv, "
                               "ndjson)",
                               optarg);
        goto done;
      }
      break;
    case 'f':
      filter = optarg;
      break;
    case 'r':
      inputs[ninputs++] = optarg;
      break;
    case 'o':
      outpath = optarg;
      break;
    case OPT_FIELDS:
      code = list_fields();
      goto done;
    case 'h':
      fputs(export_usage, stdout);
      goto done;
    default:
      code = cli_usage_error("export", "invalid option");
      goto done;
    }
  }
  for (int i = optind; i < argc; i++)
    inputs[ninputs++] = argv[i];
  if (!capkit_exporter_columns(x)) {
    code = cli_usage_error("export", "no field (-e NAME; --fields lists "
                                     "them)");
    goto done;
  }
  if (!ninputs) {
    code = cli_usage_error("export", "no input file");
    goto done;
  }
  if ((code = cli_stdin_once("export", ninputs, inputs)))
    goto done;
  if (header < 0)
    header = lay.format == CAPKIT_EXPORT_CSV;
  if (filter && !(flt = capkit_filter_new(filter))) {
    cli_err("export", "out of memory");
    code = EXIT_IO;
    goto done;
  }
  cli_outfile of;
  if ((code = cli_outfile_open(&of, "export", outpath)))
    goto done;
  static char obuf[1 << 20];
  setvbuf(of.f, obuf, _IOFBF, sizeof obuf);
  if (header)
    code = put_line(of.f, x, &lay, 1);
  for (int i = 0; i < ninputs && !code; i++)
    code = export_file(of.f, &lay, x, in, inputs[i], flt);
  code = cli_outfile_close(&of, "export", code);
done:
  capkit_input_free(in);
  capkit_filter_free(flt);
  free(inputs);
  capkit_exporter_free(x);
  return code;
}

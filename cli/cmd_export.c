/* cmd_export.c - capkit export: one row per packet with the fields asked
 * for (tshark -T fields), as TSV, CSV or NDJSON for databases; the values
 * come from the library's exporter, this file only lays out rows. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capkit/export.h>
#include <capkit/json.h>

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

enum { FMT_TSV, FMT_CSV, FMT_NDJSON };
enum { OPT_FORMAT = 1000, OPT_FIELDS };

typedef struct xo {
  int fmt, header;
  char sep, agg;
  FILE *out;
  char *jbuf;
  size_t jcap;
} xo;

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

/* Text for CSV/TSV: valid UTF-8 passes, other bytes become U+FFFD;
 * control characters become '.' (TSV escapes tab and newline). */
static void put_text(xo *o, const char *s, size_t n, int tsv) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t run = i; /* plain printable ASCII goes out in one piece */
    while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '\\')
      run++;
    if (run > i) {
      fwrite(p + i, 1, run - i, o->out);
      i = run;
      continue;
    }
    unsigned c = p[i];
    if (tsv && (c == '\t' || c == '\n' || c == '\\')) {
      fputc('\\', o->out);
      fputc(c == '\t' ? 't' : c == '\n' ? 'n' : '\\', o->out);
      i++;
    } else if (c < 0x20 || c == 0x7f) {
      fputc(c == '\n' || c == '\r' || c == '\t' ? c : '.', o->out);
      i++;
    } else if (c < 0x80) { /* a backslash outside TSV */
      fputc((int)c, o->out);
      i++;
    } else {
      size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
      int ok = k && k <= 4 && c < 0xf5 && i + k <= n;
      for (size_t j = 1; ok && j < k; j++)
        ok = (p[i + j] & 0xc0) == 0x80;
      /* no overlong 3/4-byte forms, no surrogates, nothing past U+10FFFF */
      if (ok && k == 3)
        ok =
            !(c == 0xe0 && p[i + 1] < 0xa0) && !(c == 0xed && p[i + 1] >= 0xa0);
      if (ok && k == 4)
        ok =
            !(c == 0xf0 && p[i + 1] < 0x90) && !(c == 0xf4 && p[i + 1] >= 0x90);
      if (ok) {
        fwrite(p + i, 1, k, o->out);
        i += k;
      } else {
        fputs("\xef\xbf\xbd", o->out);
        i++;
      }
    }
  }
}

/* Does a CSV value need quotes? */
static int needs_quotes(const char *s, size_t n, char sep) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
      return 1;
  return 0;
}

static void csv_field(xo *o, const capkit_exporter *x, size_t c) {
  size_t count = capkit_exporter_count(x, c), len;
  /* the joined value, to decide on quotes once */
  int quote = 0;
  for (size_t k = 0; k < count; k++) {
    const char *v = capkit_exporter_value(x, c, k, &len);
    quote |= needs_quotes(v, len, o->sep) || (k && o->agg == o->sep);
  }
  if (o->fmt == FMT_TSV)
    quote = 0;
  if (quote)
    fputc('"', o->out);
  for (size_t k = 0; k < count; k++) {
    const char *v = capkit_exporter_value(x, c, k, &len);
    if (k)
      fputc(o->agg, o->out);
    if (!quote) {
      put_text(o, v, len, o->fmt == FMT_TSV);
      continue;
    }
    for (size_t i = 0; i < len; i++) {
      const char *q = memchr(v + i, '"', len - i);
      size_t run = q ? (size_t)(q - (v + i)) : len - i;
      put_text(o, v + i, run, 0);
      i += run;
      if (q)
        fputs("\"\"", o->out);
    }
  }
  if (quote)
    fputc('"', o->out);
}

static int json_put(xo *o, const char *s, size_t n) {
  size_t need = capkit_json_string(NULL, 0, s, n);
  if (need + 1 > o->jcap) {
    char *b = realloc(o->jbuf, need + 1);
    if (!b)
      return -1;
    o->jbuf = b;
    o->jcap = need + 1;
  }
  capkit_json_string(o->jbuf, o->jcap, s, n);
  fwrite(o->jbuf, 1, need, o->out);
  return 0;
}

static int ndjson_row(xo *o, const capkit_exporter *x) {
  fputc('{', o->out);
  for (size_t c = 0; c < capkit_exporter_columns(x); c++) {
    if (c)
      fputc(',', o->out);
    const char *name = capkit_exporter_column_name(x, c);
    if (json_put(o, name, strlen(name)))
      return -1;
    fputc(':', o->out);
    size_t count = capkit_exporter_count(x, c), len;
    int text = capkit_exporter_column_type(x, c) == CAPKIT_EXPORT_TEXT;
    if (!count) {
      fputs("null", o->out);
      continue;
    }
    if (count > 1)
      fputc('[', o->out);
    for (size_t k = 0; k < count; k++) {
      const char *v = capkit_exporter_value(x, c, k, &len);
      if (k)
        fputc(',', o->out);
      if (text) {
        if (json_put(o, v, len))
          return -1;
      } else {
        fwrite(v, 1, len, o->out);
      }
    }
    if (count > 1)
      fputc(']', o->out);
  }
  fputs("}\n", o->out);
  return 0;
}

static void header_row(xo *o, const capkit_exporter *x) {
  for (size_t c = 0; c < capkit_exporter_columns(x); c++) {
    if (c)
      fputc(o->sep, o->out);
    fputs(capkit_exporter_column_name(x, c), o->out);
  }
  fputc('\n', o->out);
}

static int one_char(const char *v, char *out) {
  if (!strcmp(v, "\\t") || !strcmp(v, "/t")) {
    *out = '\t';
    return 0;
  }
  if (strlen(v) != 1)
    return -1;
  *out = v[0];
  return 0;
}

static int export_file(xo *o, capkit_exporter *x, const char *path,
                       capkit_filter *filter) {
  cli_input in;
  int code = cli_input_open(&in, "export", path, filter);
  if (code)
    return code;
  capkit_record rec = CAPKIT_RECORD_INIT;
  int rc;
  while ((rc = cli_input_next(&in, &rec)) > 0) {
    if (capkit_exporter_row(x, &rec) < 0) {
      cli_err("export", "out of memory");
      code = EXIT_IO;
      break;
    }
    if (o->fmt == FMT_NDJSON) {
      if (ndjson_row(o, x)) {
        cli_err("export", "out of memory");
        code = EXIT_IO;
        break;
      }
      continue;
    }
    for (size_t c = 0; c < capkit_exporter_columns(x); c++) {
      if (c)
        fputc(o->sep, o->out);
      csv_field(o, x, c);
    }
    fputc('\n', o->out);
  }
  if (rc < 0 && !code)
    code = cli_input_report(&in, &rec, rc);
  cli_input_close(&in);
  return code;
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
  xo o;
  memset(&o, 0, sizeof o);
  o.header = -1;
  o.sep = 0;
  o.agg = ',';
  const char *filter = NULL, *outpath = NULL;
  capkit_filter *flt = NULL;
  char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  capkit_exporter *x = capkit_exporter_new();
  int ninputs = 0, c, code = EXIT_OK;
  if (!inputs || !x) {
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
    case 'E': {
      const char *eq = strchr(optarg, '=');
      const char *v = eq ? eq + 1 : "";
      size_t kl = eq ? (size_t)(eq - optarg) : strlen(optarg);
      int bad = 0;
      if (kl == 6 && !strncmp(optarg, "header", kl))
        bad = (o.header = !strcmp(v, "y") ? 1 : !strcmp(v, "n") ? 0 : -2) < -1;
      else if (kl == 9 && !strncmp(optarg, "separator", kl))
        bad = one_char(v, &o.sep);
      else if (kl == 10 && !strncmp(optarg, "aggregator", kl))
        bad = one_char(v, &o.agg);
      else if (kl == 10 && !strncmp(optarg, "occurrence", kl))
        bad = strlen(v) != 1 || capkit_exporter_set_occurrence(x, v[0]) < 0;
      else if (kl == 5 && !strncmp(optarg, "quote", kl))
        bad = strcmp(v, "d") && strcmp(v, "n"); /* minimal quoting */
      else
        bad = 1;
      if (bad) {
        code = cli_usage_error("export", "bad -E setting '%s'", optarg);
        goto done;
      }
      break;
    }
    case OPT_FORMAT:
      if (!strcmp(optarg, "tsv"))
        o.fmt = FMT_TSV;
      else if (!strcmp(optarg, "csv"))
        o.fmt = FMT_CSV;
      else if (!strcmp(optarg, "ndjson") || !strcmp(optarg, "jsonl"))
        o.fmt = FMT_NDJSON;
      else {
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
  if (!o.sep)
    o.sep = o.fmt == FMT_CSV ? ',' : '\t';
  if (o.header < 0)
    o.header = o.fmt == FMT_CSV;
  if (filter && !(flt = capkit_filter_new(filter))) {
    cli_err("export", "out of memory");
    code = EXIT_IO;
    goto done;
  }
  cli_outfile of;
  if ((code = cli_outfile_open(&of, "export", outpath)))
    goto done;
  o.out = of.f;
  static char obuf[1 << 20];
  setvbuf(o.out, obuf, _IOFBF, sizeof obuf);
  if (o.header && o.fmt != FMT_NDJSON)
    header_row(&o, x);
  for (int i = 0; i < ninputs && !code; i++)
    code = export_file(&o, x, inputs[i], flt);
  code = cli_outfile_close(&of, "export", code);
done:
  capkit_filter_free(flt);
  free(o.jbuf);
  free(inputs);
  capkit_exporter_free(x);
  return code;
}

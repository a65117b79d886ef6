/* cmd_info.c - capkit info: what a capture file is and what it holds
 * (format details, counts, times, rates, sizes), as text, JSON or
 * capinfos -T's table: options here; each file's pass and its layouts in
 * the library (capkit_info_path, include/capkit/info.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/info.h>

#include "cli.h"

static const char info_usage[] =
    "usage: capkit info [--json | -T] [-H] [-f EXPR] FILE...\n\n"
    "Summarize capture files: format and variant, byte order, version, time\n"
    "precision, snaplen, link type, FCS length, packet and byte counts, first\n"
    "and last time (UTC: the earliest and the latest), duration, average\n"
    "rates and packet sizes (of original lengths, as capinfos counts them).\n"
    "A damaged file is summarized up to the damage and the error is shown.\n"
    "For pcapng files the sections (byte order, version, comment, ...) and\n"
    "the interfaces (link type, snaplen, time resolution, name, packets) are\n"
    "listed too.\n\n"
    "  -j, --json   one JSON object per file, one per line\n"
    "  -H, --hashes the SHA-256 and SHA-1 of each file as stored (as\n"
    "               capinfos -H and sha256sum compute them), read by a\n"
    "               second thread during the same pass; not for standard\n"
    "               input\n"
    "  -T, --table  capinfos -T's table: a header line, then one line per\n"
    "               file, tab-separated, capinfos' column names and order\n"
    "               (its RIPEMD160 column left out; times in UTC; the\n"
    "               link type as capinfos names the common ones, ether,\n"
    "               rawip, linux-sll, ..., else by its libpcap name).\n"
    "               Every column (hashes too) unless capinfos' letters\n"
    "               choose some: -t type, -E link type,\n"
    "               -F precision and capture hardware/OS/application,\n"
    "               -l snaplen, -c packets, -s file size, -d data size,\n"
    "               -u duration, -a start, -e end, -y byte rate, -i bit\n"
    "               rate, -z mean packet size, -x packet rate, -H hashes,\n"
    "               -o strict time order, -k comment. With -T also: -S\n"
    "               times as seconds since the epoch, -r no header line,\n"
    "               -R header line (default), -m commas, -b spaces, -B tabs\n"
    "               (default), -Q double quotes, -q single quotes, -N no\n"
    "               quotes (default)\n"
    "  -f, --filter EXPR  count only the records matching EXPR (tcpdump's\n"
    "               filter language); sizes, times and rates are theirs\n"
    "  -h, --help   this help\n\n"
    "Exit status: 0 ok, 1 damaged or invalid data, 2 usage, 3 I/O error.\n";

typedef struct info_opts {
  int json, hashes, table;
  const char *expr;
  capkit_info_options show; /* the table's columns and layout */
} info_opts;

/* One file through the library, its messages on standard error. */
static int info_one(capkit_info *info, const char *path, info_opts *o) {
  int rc = capkit_info_path(info, path, o->expr,
                            o->hashes ? CAPKIT_INFO_HASHES : 0, &o->show,
                            cli_write_stdout, NULL);
  const char *m;
  for (size_t i = 0; (m = capkit_info_error(info, i)); i++)
    cli_err("info", "%s", m);
  return cli_exit_for(rc);
}

int cmd_info(int argc, char **argv) {
  static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                       {"filter", required_argument, NULL, 'f'},
                                       {"hashes", no_argument, NULL, 'H'},
                                       {"table", no_argument, NULL, 'T'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  info_opts o;
  memset(&o, 0, sizeof o);
  o.show = (capkit_info_options)CAPKIT_INFO_OPTIONS_INIT;
  o.show.header = 1;
  int c, layout = 0; /* a table layout option was given */
  uint32_t cols;
  while ((c = getopt_long(argc, argv, "jf:hTHtEFlcsduaeyizxokSrRmbBNqQ", opts,
                          NULL)) != -1) {
    switch (c) {
    case 'f': o.expr = optarg; break;
    case 'j': o.json = 1; break;
    case 'T': o.table = 1; break;
    case 'S': o.show.epoch = 1, layout = 1; break;
    case 'r': o.show.header = 0, layout = 1; break;
    case 'R': o.show.header = 1, layout = 1; break;
    case 'm': o.show.separator = ',', layout = 1; break;
    case 'b': o.show.separator = ' ', layout = 1; break;
    case 'B': o.show.separator = '\t', layout = 1; break;
    case 'N': o.show.quote = 0, layout = 1; break;
    case 'q': o.show.quote = '\'', layout = 1; break;
    case 'Q': o.show.quote = '"', layout = 1; break;
    case 'h':
      fputs(info_usage, stdout);
      return EXIT_OK;
    default:
      if (c != '?' && (cols = capkit_info_columns(c)) != 0) {
        if (c == 'H')
          o.hashes = 1;
        if (c != 'H')
          layout = 1;
        o.show.columns |= cols;
        break;
      }
      return cli_usage_error("info", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("info", "no file given");
  if (o.json && o.table)
    return cli_usage_error("info", "--json and -T (table) exclude each other");
  if (layout && !o.table)
    return cli_usage_error("info", "capinfos' column letters and table "
                                   "layout options go with -T");
  if (o.table && !o.show.columns)
    o.hashes = 1; /* every column, as capinfos -T, which hashes by default */
  for (int i = optind; o.hashes && i < argc; i++)
    if (strcmp(argv[i], "-") == 0)
      return cli_usage_error("info", "hashes (-H) need a file, not standard "
                                     "input (it is read once)");
  if (cli_stdin_once("info", argc - optind, argv + optind))
    return EXIT_USAGE;
  capkit_info *info = capkit_info_new();
  if (!info) {
    cli_err("info", "out of memory");
    return EXIT_IO;
  }
  o.show.format = o.table  ? CAPKIT_INFO_TABLE
                  : o.json ? CAPKIT_INFO_JSON
                           : CAPKIT_INFO_TEXT;
  int worst = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    if (!o.json && !o.table && i > optind)
      putchar('\n');
    int code = info_one(info, argv[i], &o);
    if (code > worst)
      worst = code;
  }
  capkit_info_free(info);
  return worst;
}

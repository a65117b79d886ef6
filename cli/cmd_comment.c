/* cmd_comment.c - capkit comment: set or remove packet comments (by record
 * number) and the section comment, writing a new pcapng file. Everything
 * else of a pcapng input is kept as it was. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char comment_usage[] =
    "usage: capkit comment IN -o OUT [options]\n\n"
    "Write a copy of IN as pcapng with packet comments and the section\n"
    "comment changed. IN may be pcap or pcapng; the blocks of a pcapng input\n"
    "(interfaces, statistics, name resolution, ...) are kept unchanged.\n\n"
    "  -o, --output FILE          output file ('-' for standard output)\n"
    "  -a, --add N:TEXT           give record N (from 1) the comment TEXT,\n"
    "                             replacing the comments it had; repeatable\n"
    "  -d, --delete N             remove the comments of record N; repeatable\n"
    "      --delete-all           remove every packet comment\n"
    "  -s, --section-comment TEXT set the comment of the (first) section\n"
    "      --delete-section-comment\n"
    "                             remove the comments of the first section\n"
    "  -h, --help                 this help\n\n"
    "A record number past the end of IN is a usage error and no output is\n"
    "left behind. A comment is at most 65535 bytes (the longest a pcapng\n"
    "option can be); a longer one is a usage error, never cut.\n"
    "Exit status: 0 ok, 1 damaged or invalid input, 2 usage, 3 I/O error.\n";

/* A pcapng option holds at most this many bytes. */
#define MAX_COMMENT 65535u

typedef struct edit {
  uint64_t number;
  const char *text; /* NULL: delete */
  int used;
} edit;

static int by_number(const void *a, const void *b) {
  const edit *x = a, *y = b;
  return x->number < y->number ? -1 : x->number > y->number;
}

int cmd_comment(int argc, char **argv) {
  enum { OPT_DEL_ALL = 256, OPT_DEL_SEC };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"add", required_argument, NULL, 'a'},
      {"delete", required_argument, NULL, 'd'},
      {"delete-all", no_argument, NULL, OPT_DEL_ALL},
      {"section-comment", required_argument, NULL, 's'},
      {"delete-section-comment", no_argument, NULL, OPT_DEL_SEC},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *out = NULL, *section = NULL;
  int set_section = 0, del_all = 0, c;
  edit *edits = NULL;
  size_t n_edits = 0;
  int code = EXIT_OK;
  while ((c = getopt_long(argc, argv, "o:a:d:s:h", opts, NULL)) != -1) {
    edit e = {0, NULL, 0};
    switch (c) {
    case 'o':
      out = optarg;
      continue;
    case 'a': {
      char *colon = strchr(optarg, ':');
      if (colon)
        *colon = 0;
      if (!colon || cli_parse_u64(optarg, &e.number) || e.number == 0) {
        free(edits);
        return cli_usage_error("comment", "bad --add '%s' (want N:TEXT)",
                               optarg);
      }
      e.text = colon + 1;
      if (strlen(e.text) > MAX_COMMENT) {
        free(edits);
        return cli_usage_error("comment",
                               "the comment for record %s is %zu bytes; a "
                               "pcapng comment is at most %u",
                               optarg, strlen(e.text), MAX_COMMENT);
      }
      break;
    }
    case 'd':
      if (cli_parse_u64(optarg, &e.number) || e.number == 0) {
        free(edits);
        return cli_usage_error("comment", "bad record number '%s'", optarg);
      }
      break;
    case OPT_DEL_ALL:
      del_all = 1;
      continue;
    case 's':
      if (strlen(optarg) > MAX_COMMENT) {
        free(edits);
        return cli_usage_error("comment",
                               "the section comment is %zu bytes; a pcapng "
                               "comment is at most %u",
                               strlen(optarg), MAX_COMMENT);
      }
      section = optarg;
      set_section = 1;
      continue;
    case OPT_DEL_SEC:
      section = NULL;
      set_section = 1;
      continue;
    case 'h':
      free(edits);
      fputs(comment_usage, stdout);
      return EXIT_OK;
    default:
      free(edits);
      return cli_usage_error("comment", "invalid option");
    }
    edit *p = realloc(edits, (n_edits + 1) * sizeof *p);
    if (!p) {
      free(edits);
      cli_err("comment", "out of memory");
      return EXIT_IO;
    }
    edits = p;
    edits[n_edits++] = e;
  }
  if (optind != argc - 1 || !out) {
    free(edits);
    return cli_usage_error("comment", optind != argc - 1
                                          ? "expected exactly one input file"
                                          : "no output file (-o)");
  }
  /* Sorted, later options winning for the same record. */
  for (size_t i = 0; i < n_edits; i++)
    edits[i].used = (int)i;
  if (n_edits) /* edits is NULL then, which qsort must not get */
    qsort(edits, n_edits, sizeof *edits, by_number);
  size_t k = 0;
  for (size_t i = 0; i < n_edits; i++) {
    if (k && edits[k - 1].number == edits[i].number) {
      if (edits[i].used > edits[k - 1].used)
        edits[k - 1] = edits[i];
    } else {
      edits[k++] = edits[i];
    }
  }
  n_edits = k;
  for (size_t i = 0; i < n_edits; i++)
    edits[i].used = 0;

  capkit_reader *r = cli_open_reader("comment", argv[optind], &code);
  if (!r) {
    free(edits);
    return code;
  }
  capkit_writer *w = capkit_writer_new();
  int rc = w ? capkit_writer_copy_settings(w, r) : CAPKIT_ENOMEM;
  if (!rc)
    rc = capkit_writer_set_format(w, "pcapng");
  if (!rc && set_section)
    rc = capkit_writer_set_comment(w, section);
  if (!rc && (rc = capkit_writer_open_path(w, out)) < 0)
    cli_err("comment", "%s", capkit_writer_error(w));
  else if (rc)
    cli_err("comment", "%s", capkit_strerror(rc));
  if (rc) {
    capkit_writer_free(w);
    capkit_reader_free(r);
    free(edits);
    return cli_exit_for(rc);
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  size_t next = 0;
  int wrc = 0;
  while ((rc = capkit_reader_next(r, &rec)) > 0) {
    if (del_all)
      rec.comment = NULL;
    while (next < n_edits && edits[next].number < rec.number)
      next++;
    if (next < n_edits && edits[next].number == rec.number) {
      rec.comment = edits[next].text;
      edits[next].used = 1;
    }
    if ((wrc = capkit_writer_write(w, &rec)) < 0)
      break;
  }
  if (wrc < 0) {
    cli_err("comment", "%s", capkit_writer_error(w));
    code = cli_exit_for(wrc);
  } else if (rc < 0) {
    cli_err("comment", "%s", capkit_reader_error(r));
    code = cli_exit_for(rc);
  } else {
    for (size_t i = 0; i < n_edits; i++)
      if (!edits[i].used) {
        cli_err("comment", "%s has no record %" PRIu64 " (it has %" PRIu64
                           "); nothing written",
                argv[optind], edits[i].number, capkit_writer_records(w));
        code = EXIT_USAGE;
        break;
      }
    if (code == EXIT_OK && capkit_writer_close(w) < 0) {
      cli_err("comment", "%s", capkit_writer_error(w));
      code = EXIT_IO;
    }
  }
  capkit_writer_free(w);
  capkit_reader_free(r);
  free(edits);
  return code;
}

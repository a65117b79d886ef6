/* cmd_comment.c - capkit comment: set or remove packet comments (by record
 * number) and the section comment, writing a new pcapng file. Everything
 * else of a pcapng input is kept as it was. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/edit.h>

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
  int set_section = 0, c;
  capkit_comments *edits = capkit_comments_new();
  int code = EXIT_OK;
  if (!edits) {
    cli_err("comment", "out of memory");
    return EXIT_IO;
  }
  while ((c = getopt_long(argc, argv, "o:a:d:s:h", opts, NULL)) != -1) {
    uint64_t number;
    const char *text = NULL;
    switch (c) {
    case 'o':
      out = optarg;
      continue;
    case 'a': {
      char *colon = strchr(optarg, ':');
      if (colon)
        *colon = 0;
      if (!colon || capkit_parse_decimal(optarg, &number) || number == 0) {
        capkit_comments_free(edits);
        return cli_usage_error("comment", "bad --add '%s' (want N:TEXT)",
                               optarg);
      }
      text = colon + 1;
      if (strlen(text) > CAPKIT_COMMENT_MAX) {
        capkit_comments_free(edits);
        return cli_usage_error("comment",
                               "the comment for record %s is %zu bytes; a "
                               "pcapng comment is at most %u",
                               optarg, strlen(text), CAPKIT_COMMENT_MAX);
      }
      break;
    }
    case 'd':
      if (capkit_parse_decimal(optarg, &number) || number == 0) {
        capkit_comments_free(edits);
        return cli_usage_error("comment", "bad record number '%s'", optarg);
      }
      break;
    case OPT_DEL_ALL:
      capkit_comments_clear_all(edits, 1);
      continue;
    case 's':
      if (strlen(optarg) > CAPKIT_COMMENT_MAX) {
        capkit_comments_free(edits);
        return cli_usage_error("comment",
                               "the section comment is %zu bytes; a pcapng "
                               "comment is at most %u",
                               strlen(optarg), CAPKIT_COMMENT_MAX);
      }
      section = optarg;
      set_section = 1;
      continue;
    case OPT_DEL_SEC:
      section = NULL;
      set_section = 1;
      continue;
    case 'h':
      capkit_comments_free(edits);
      fputs(comment_usage, stdout);
      return EXIT_OK;
    default:
      capkit_comments_free(edits);
      return cli_usage_error("comment", "invalid option");
    }
    if (capkit_comments_set(edits, number, text)) {
      capkit_comments_free(edits);
      cli_err("comment", "out of memory");
      return EXIT_IO;
    }
  }
  if (optind != argc - 1 || !out) {
    capkit_comments_free(edits);
    return cli_usage_error("comment", optind != argc - 1
                                          ? "expected exactly one input file"
                                          : "no output file (-o)");
  }
  capkit_job *j = capkit_job_new();
  int rc = j ? capkit_job_set(j, "format", "pcapng") : CAPKIT_ENOMEM;
  if (!rc && set_section)
    rc = section ? capkit_job_set(j, "section-comment", section)
                 : capkit_job_set(j, "delete-section-comment", NULL);
  if (rc) {
    cli_err("comment", "out of memory");
    code = EXIT_IO;
  } else {
    capkit_job_set_comments(j, edits);
    if ((rc = capkit_job_copy(j, argv[optind], out)) < 0) {
      cli_err("comment", "%s", capkit_job_error(j));
      code = cli_exit_for(rc);
    }
  }
  capkit_job_free(j);
  capkit_comments_free(edits);
  return code;
}

/* main.c - the capkit tool: global options, the command table, and the
 * check that standard output was written completely after each command. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_prog = "capkit";

int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_comment(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_import(int argc, char **argv);

int cmd_print(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_slice(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_sort(int argc, char **argv);
int cmd_retime(int argc, char **argv);
int cmd_snap(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_rewrite(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_repair(int argc, char **argv);

static const cli_command commands[] = {
    {"info", cmd_info, "summarize capture files (like capinfos)"},
    {"dump", cmd_dump, "list records, optionally with a hex dump"},
    {"convert", cmd_convert, "copy a capture, changing its format settings"},
    {"verify", cmd_verify, "check capture files and list every problem"},
    {"comment", cmd_comment, "set or remove packet and section comments"},
    {"gen", cmd_gen, "generate packets from a layered spec"},
    {"import", cmd_import, "hex dumps (od, hexdump -C, xxd, tcpdump -xx) to a capture"},
    {"print", cmd_print, "decode packets: one line each, fields, JSON"},
    {"show", cmd_print, "same as print"},
    {"export", cmd_export, "packet fields as TSV, CSV or NDJSON (like tshark -T fields)"},
    {"stats", cmd_stats, "protocol hierarchy, conversations, sizes, rates"},
    {"report", cmd_report, "one self-contained HTML page: charts, tables, problems"},
    {"merge", cmd_merge, "merge captures by time (like mergecap)"},
    {"split", cmd_split, "split a capture by records, size, time or interface"},
    {"slice", cmd_slice, "keep record ranges, the first/last N, a time window"},
    {"filter", cmd_filter, "keep the records matching a BPF expression"},
    {"dedup", cmd_dedup, "drop duplicate records (like editcap -D/-w)"},
    {"sort", cmd_sort, "sort records by time in bounded memory"},
    {"retime", cmd_retime, "shift, set, scale or respace record times"},
    {"snap", cmd_snap, "truncate records to N bytes"},
    {"capture", cmd_capture, "capture packets from an interface to files"},
    {"rewrite", cmd_rewrite, "rewrite MACs, VLANs, addresses, ports (like tcprewrite)"},
    {"replay", cmd_replay, "send captured packets out of an interface"},
    {"repair", cmd_repair, "recover every intact record of a damaged capture"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f, "usage: capkit [--version] [--help] COMMAND [ARGS]\n\n"
             "Read, check, convert and cut packet-capture files.\n\n"
             "Commands:\n");
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\n'capkit COMMAND --help' describes a command. '-' means standard\n"
          "input or output wherever a file is named.\n\n"
          "Exit status:\n"
          "  0  success\n"
          "  1  invalid or damaged capture data (what came before the damage\n"
          "     was still processed)\n"
          "  2  usage error\n"
          "  3  I/O or system error\n");
}

/* Like git: a command's output that could not be written is a failure. */
static int check_stdout(int code) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (errno != EPIPE)
      cli_err(NULL, "write error on standard output: %s", strerror(errno));
    return code ? code : EXIT_IO;
  }
  return code;
}

/* SIGINT, SIGTERM, SIGHUP: remove the temporary files of the writers
 * still open, then die of the signal as if it had not been caught (the
 * exit status tells). Commands that stop cleanly on a signal (capture,
 * replay) install their own handlers. */
static void on_fatal_signal(int sig) {
  capkit_writer_remove_temp_files();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void catch_fatal_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fatal_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    sigaddset(&sa.sa_mask, sigs[i]);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction old;
    /* A signal ignored by the parent (nohup) stays ignored. */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
      continue;
    sigaction(sigs[i], &sa, NULL);
  }
}

int main(int argc, char **argv) {
  catch_fatal_signals();
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
      strcmp(name, "help") == 0) {
    if (argc > 2 && strcmp(name, "help") == 0) {
      for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, argv[2]) == 0) {
          char *hargv[] = {argv[2], "--help", NULL};
          return check_stdout(commands[i].run(2, hargv));
        }
    }
    usage(stdout);
    return check_stdout(EXIT_OK);
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("capkit %s (libcapkit %s)\n", CAPKIT_VERSION_STRING,
           capkit_version());
    return check_stdout(EXIT_OK);
  }
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0) {
      /* An option error is reported once: getopt's own line (it names the
       * option and what is wrong with it) under the command's full name,
       * then the command's cli_usage_error() adds only the --help hint. */
      char prog[64];
      snprintf(prog, sizeof prog, "%s %s", cli_prog, name);
      argv[1] = prog;
      return check_stdout(commands[i].run(argc - 1, argv + 1));
    }
  fprintf(stderr, "capkit: '%s' is not a capkit command. See 'capkit --help'.\n",
          name);
  return EXIT_USAGE;
}

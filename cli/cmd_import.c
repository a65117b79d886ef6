/* cmd_import.c - capkit import: hex dumps (od, text2pcap input, hexdump -C,
 * xxd, tcpdump -xx, Wireshark, capkit dump -x) back to a capture file, or a
 * whole capture file rebuilt from a dump of its own bytes. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char import_usage[] =
    "usage: capkit import [options] -o OUT [IN]\n\n"
    "Read hex dumps (IN, or standard input) and write a capture. Each packet\n"
    "is a run of lines 'OFFSET HEX-BYTES [ASCII]' starting at offset 0, as\n"
    "written by od -Ax -tx1 (text2pcap's input), hexdump -C, xxd, tcpdump\n"
    "-xx, Wireshark's \"copy as hex dump\" and capkit dump -x; the ASCII\n"
    "column and other text are ignored. capkit dump -x output imports back\n"
    "to the same packets, timestamps and original lengths.\n\n"
    "When the bytes of the dump start with a pcap or pcapng magic number the\n"
    "dump is of a whole capture file (like 'hexdump -C file.pcap', with or\n"
    "without the offsets): the file is rebuilt from it and checked.\n\n"
    "  -o, --output FILE       output file ('-' for standard output)\n"
    "  -l, --linktype TYPE     link type of the packets (default EN10MB)\n"
    "  -t, --time-format FMT   a line before a packet starting with a time in\n"
    "                          this strptime(3) format stamps it; %f (or a\n"
    "                          format ending in '.') reads the fraction of a\n"
    "                          second, as text2pcap -t. Times are UTC.\n"
    "                          Packets without a time follow the one before\n"
    "                          by 1 microsecond (the first at the epoch)\n"
    "      --whole-file        the dump is of a whole capture file\n"
    "      --packets           the dump is of packets (no detection)\n"
    "      --keep-partial      a damaged whole file: keep the records before\n"
    "                          the damage (exit status still 1)\n"
    "  -F, --format FMT        pcap (default) or pcapng\n"
    "  -b, --byte-order ORDER  little, big or native\n"
    "  -p, --precision P       us or ns (default: ns when the times have\n"
    "                          more than 6 fraction digits)\n"
    "  -s, --snaplen N         snaplen; longer packets are cut\n"
    "  -h, --help              this help\n\n"
    "Exit status: 0 ok, 1 the text is not a valid dump (nothing written),\n"
    "2 usage, 3 I/O error.\n";

static char *slurp(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (cap - n < 65536) {
      cap = cap ? cap * 2 : 1 << 16;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        buf = NULL;
        errno = ENOMEM;
        break;
      }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) {
      if (ferror(f)) {
        free(buf);
        buf = NULL;
      }
      break;
    }
  }
  if (f != stdin)
    fclose(f);
  *len = n;
  return buf;
}

static int is_magic(const uint8_t *b, size_t n) {
  static const uint8_t m[][4] = {{0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1},
                                 {0xa1, 0xb2, 0x3c, 0x4d}, {0x4d, 0x3c, 0xb2, 0xa1},
                                 {0x0a, 0x0d, 0x0d, 0x0a}};
  for (size_t i = 0; n >= 4 && i < sizeof m / sizeof m[0]; i++)
    if (memcmp(b, m[i], 4) == 0)
      return 1;
  return 0;
}

typedef struct imp_opts {
  const char *out, *format;
  int have_bo, have_prec, have_lt, keep;
  capkit_byte_order bo;
  unsigned prec;
  uint64_t snap;
  uint32_t lt;
} imp_opts;

static int open_out(capkit_writer *w, const imp_opts *o) {
  int rc = 0;
  if (o->format && (rc = capkit_writer_set_format(w, o->format)))
    cli_err("import", "cannot write format '%s'", o->format);
  if (!rc && o->have_bo)
    rc = capkit_writer_set_byte_order(w, o->bo);
  if (!rc && o->have_prec)
    rc = capkit_writer_set_precision(w, o->prec);
  if (!rc && o->snap)
    rc = capkit_writer_set_snaplen(w, (uint32_t)o->snap);
  if (!rc && o->have_lt)
    rc = capkit_writer_set_linktype(w, o->lt);
  if (!rc && (rc = capkit_writer_open_path(w, o->out)) < 0)
    cli_err("import", "%s", capkit_writer_error(w));
  return rc;
}

static int finish(capkit_writer *w, int code) {
  if (!code && capkit_writer_close(w) < 0) {
    cli_err("import", "%s", capkit_writer_error(w));
    code = EXIT_IO;
  }
  capkit_writer_free(w);
  return code;
}

/* Rebuild a capture from its own bytes, through a reader (which checks
 * it) and a writer with the same settings (byte-identical). */
static int import_whole(const char *name, const uint8_t *b, size_t n,
                        const imp_opts *o) {
  capkit_reader *r = capkit_reader_new();
  capkit_writer *w = capkit_writer_new();
  int rc = r && w ? capkit_reader_open_memory(r, b, n, name) : CAPKIT_ENOMEM;
  if (rc < 0) {
    cli_err("import", "%s", r ? capkit_reader_error(r) : "out of memory");
    capkit_reader_free(r);
    capkit_writer_free(w);
    return cli_exit_for(rc);
  }
  rc = capkit_writer_copy_settings(w, r);
  if (!rc)
    rc = open_out(w, o);
  capkit_record rec;
  int code = rc ? cli_exit_for(rc) : EXIT_OK;
  while (!code && (rc = capkit_reader_next(r, &rec)) > 0)
    if ((rc = capkit_writer_write(w, &rec)) < 0) {
      cli_err("import", "%s", capkit_writer_error(w));
      code = cli_exit_for(rc);
    }
  if (!code && rc < 0) {
    cli_err("import", "%s", capkit_reader_error(r));
    code = cli_exit_for(rc);
    if (o->keep && capkit_writer_close(w) == 0)
      cli_err("import", "kept %llu records before the damage in %s",
              (unsigned long long)capkit_writer_records(w), o->out);
  }
  code = finish(w, code);
  capkit_reader_free(r);
  return code;
}

static int import_packets(const char *name, const char *text, size_t len,
                          const char *tfmt, imp_opts *o) {
  capkit_hexparse *p = capkit_hexparse_new(tfmt, 0);
  if (!p) {
    cli_err("import", "out of memory");
    return EXIT_IO;
  }
  int rc = capkit_hexparse_feed(p, text, len);
  if (!rc)
    rc = capkit_hexparse_finish(p);
  capkit_hex_packet pk;
  int got = rc ? rc : capkit_hexparse_next(p, &pk);
  if (got < 0) {
    cli_err("import", "%s: %s", name, capkit_hexparse_error(p));
    capkit_hexparse_free(p);
    return got == CAPKIT_ENOMEM ? EXIT_IO : EXIT_DATA;
  }
  if (!got)
    cli_err("import", "%s: warning: no hex dump found", name);
  if (!o->have_prec && got && pk.has_time && pk.ts_digits > 6) {
    o->have_prec = 1;
    o->prec = 9;
  }
  if (!o->have_lt) {
    o->have_lt = 1;
    o->lt = CAPKIT_LINKTYPE_ETHERNET;
  }
  capkit_writer *w = capkit_writer_new();
  rc = w ? open_out(w, o) : CAPKIT_ENOMEM;
  int code = rc ? cli_exit_for(rc) : EXIT_OK;
  int64_t sec = 0;
  uint32_t nsec = 0;
  int first = 1;
  while (!code && got > 0) {
    if (pk.has_time) {
      sec = pk.ts_sec;
      nsec = pk.ts_nsec;
    } else if (!first && (nsec += 1000) >= 1000000000) {
      nsec -= 1000000000;
      sec++;
    }
    first = 0;
    if (pk.len > UINT32_MAX) {
      cli_err("import", "%s: line %llu: packet too large", name,
              (unsigned long long)pk.line);
      code = EXIT_DATA;
      break;
    }
    capkit_record rec;
    memset(&rec, 0, sizeof rec);
    rec.ts_sec = sec;
    rec.ts_nsec = nsec;
    rec.caplen = (uint32_t)pk.len;
    rec.origlen = pk.has_origlen && pk.origlen >= pk.len ? pk.origlen
                                                         : (uint32_t)pk.len;
    rec.data = pk.data;
    if ((rc = capkit_writer_write(w, &rec)) < 0) {
      cli_err("import", "%s", capkit_writer_error(w));
      code = cli_exit_for(rc);
      break;
    }
    got = capkit_hexparse_next(p, &pk);
  }
  if (!code && got < 0) {
    cli_err("import", "%s: %s", name, capkit_hexparse_error(p));
    code = EXIT_DATA;
  }
  capkit_hexparse_free(p);
  return finish(w, code);
}

int cmd_import(int argc, char **argv) {
  enum { OPT_WHOLE = 256, OPT_PACKETS, OPT_KEEP };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"linktype", required_argument, NULL, 'l'},
      {"time-format", required_argument, NULL, 't'},
      {"whole-file", no_argument, NULL, OPT_WHOLE},
      {"packets", no_argument, NULL, OPT_PACKETS},
      {"keep-partial", no_argument, NULL, OPT_KEEP},
      {"format", required_argument, NULL, 'F'},
      {"byte-order", required_argument, NULL, 'b'},
      {"precision", required_argument, NULL, 'p'},
      {"snaplen", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  imp_opts o;
  memset(&o, 0, sizeof o);
  const char *tfmt = NULL;
  int mode = 0, c; /* 0 detect, 1 whole, 2 packets */
  while ((c = getopt_long(argc, argv, "o:l:t:F:b:p:s:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o': o.out = optarg; break;
    case 'l':
      if (capkit_linktype_from_name(optarg, &o.lt))
        return cli_usage_error("import", "unknown link type '%s'", optarg);
      o.have_lt = 1;
      break;
    case 't': tfmt = optarg; break;
    case OPT_WHOLE: mode = 1; break;
    case OPT_PACKETS: mode = 2; break;
    case OPT_KEEP: o.keep = 1; break;
    case 'F': o.format = optarg; break;
    case 'b':
      if (cli_parse_byte_order(optarg, &o.bo))
        return cli_usage_error("import", "bad byte order '%s'", optarg);
      o.have_bo = 1;
      break;
    case 'p':
      if (cli_parse_precision(optarg, &o.prec))
        return cli_usage_error("import", "bad precision '%s'", optarg);
      o.have_prec = 1;
      break;
    case 's':
      if (cli_parse_u64(optarg, &o.snap) || o.snap == 0 ||
          o.snap > UINT32_MAX)
        return cli_usage_error("import", "bad snaplen '%s'", optarg);
      break;
    case 'h':
      fputs(import_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("import", "invalid option");
    }
  }
  if (optind < argc - 1)
    return cli_usage_error("import", "expected at most one input file");
  if (!o.out)
    return cli_usage_error("import", "no output file (-o)");
  const char *in = optind < argc ? argv[optind] : "-";
  size_t len;
  char *text = slurp(in, &len);
  if (!text) {
    cli_err("import", "%s: %s", in, strerror(errno));
    return EXIT_IO;
  }
  int code;
  if (mode != 2) {
    capkit_hexparse *p = capkit_hexparse_new(NULL, CAPKIT_HEX_WHOLE);
    int rc = p ? capkit_hexparse_feed(p, text, len) : CAPKIT_ENOMEM;
    if (!rc)
      rc = capkit_hexparse_finish(p);
    size_t n = 0;
    const uint8_t *b = rc ? NULL : capkit_hexparse_bytes(p, &n);
    if (b && (mode == 1 || is_magic(b, n))) {
      code = import_whole(in, b, n, &o);
      capkit_hexparse_free(p);
      free(text);
      return code;
    }
    if (mode == 1) {
      cli_err("import", "%s: %s", in,
              rc ? capkit_hexparse_error(p) : "no hex bytes found");
      capkit_hexparse_free(p);
      free(text);
      return rc == CAPKIT_ENOMEM ? EXIT_IO : EXIT_DATA;
    }
    capkit_hexparse_free(p);
  }
  code = import_packets(in, text, len, tfmt, &o);
  free(text);
  return code;
}

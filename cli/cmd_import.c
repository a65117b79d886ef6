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
    "-xx, Wireshark's \"copy as hex dump\" and capkit dump -x, or hexdump's\n"
    "default 16-bit words (little-endian, as hexdump prints them here); the\n"
    "ASCII column and other text are ignored. capkit dump -x output imports back\n"
    "to the same packets, timestamps and original lengths.\n\n"
    "When the bytes of the dump start with a pcap or pcapng magic number the\n"
    "dump is of a whole capture file (like 'hexdump -C file.pcap', with or\n"
    "without the offsets): the file is rebuilt from it and checked.\n\n"
    "  -o, --output FILE       output file ('-' for standard output)\n"
    "  -l, --linktype TYPE     link type of the packets (default EN10MB, or\n"
    "                          the one --wrap implies)\n"
    "      --wrap SPEC         put headers built from a capkit gen spec\n"
    "                          before each packet, lengths and checksums\n"
    "                          computed (like text2pcap -e/-i/-u/-T/-4):\n"
    "                          --wrap 'eth()/ipv4()/udp(dport=53)'\n"
    "  -t, --time-format FMT   a line before a packet starting with a time in\n"
    "                          this strptime(3) format stamps it; %f (or a\n"
    "                          format ending in '.') reads the fraction of a\n"
    "                          second, as text2pcap -t. Times are UTC.\n"
    "                          Packets without a time follow the one before\n"
    "                          by 1 microsecond (the first at the epoch)\n"
    "      --whole-file        the dump is of a whole capture file\n"
    "      --offsets R         offsets in hex (default), oct or dec, as\n"
    "                          text2pcap -o and od -A x|o|d write them\n"
    "  -D, --direction         a line before a packet starting with I or O\n"
    "                          marks it inbound or outbound (text2pcap -D;\n"
    "                          kept by -F pcapng as epb_flags)\n"
    "  -a, --ascii             accepted for text2pcap -a: the ASCII column\n"
    "                          is always told apart from the bytes\n"
    "      --packets           the dump is of packets (no detection)\n"
    "      --keep-partial      a damaged whole file: keep the records before\n"
    "                          the damage (exit status still 1)\n"
    "  -F, --format FMT        pcap (default) or pcapng\n"
    "  -b, --byte-order ORDER  little, big or native\n"
    "  -p, --precision P       us or ns (default: ns when the times have\n"
    "                          more than 6 fraction digits)\n"
    "  -s, --snaplen N         snaplen (default 262144); longer packets are\n"
    "                          cut, with a warning naming the line\n"
    "  -h, --help              this help\n\n"
    "Exit status: 0 ok, 1 the text is not a valid dump (nothing written),\n"
    "2 usage, 3 I/O error.\n";

/* Read up to cap more bytes of f into *buf (grown), from *len on. */
static int read_more(FILE *f, char **buf, size_t *len, size_t *cap,
                     size_t want) {
  if (*cap - *len < want) {
    size_t nc = *cap ? *cap : 1 << 16;
    while (nc - *len < want)
      nc *= 2;
    char *nb = realloc(*buf, nc);
    if (!nb) {
      errno = ENOMEM;
      return -1;
    }
    *buf = nb;
    *cap = nc;
  }
  size_t r = fread(*buf + *len, 1, want, f);
  *len += r;
  return ferror(f) ? -1 : (int)(r > 0);
}

typedef struct imp_opts {
  const char *out;
  int keep;
  capkit_gen *wrap;
  cli_out_opts wo;
  unsigned hexflags; /* CAPKIT_HEX_OFFSET_OCT or _DEC, _DIRECTION */
} imp_opts;

static int open_out(capkit_writer *w, const imp_opts *o) {
  return cli_out_open("import", w, &o->wo, o->out);
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
  capkit_record rec = CAPKIT_RECORD_INIT;
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
      cli_err("import", "kept %llu record%s before the damage in %s",
              (unsigned long long)capkit_writer_records(w),
              cli_s(capkit_writer_records(w)), o->out);
  }
  code = finish(w, code);
  capkit_reader_free(r);
  return code;
}

/* The output of packet mode, its defaults decided by the first packet:
 * nanoseconds when its time has more than 6 digits, the link type of the
 * --wrap spec or Ethernet. Returns an exit code. */
static int open_packets_out(capkit_writer **w, imp_opts *o, int ns) {
  if (!o->wo.have_prec && ns) {
    o->wo.have_prec = 1;
    o->wo.prec = 9;
  }
  if (!o->wo.have_lt) {
    o->wo.have_lt = 1;
    o->wo.lt = o->wrap ? capkit_gen_linktype(o->wrap) : CAPKIT_LINKTYPE_ETHERNET;
  }
  *w = capkit_writer_new();
  int rc = *w ? open_out(*w, o) : CAPKIT_ENOMEM;
  return rc ? cli_exit_for(rc) : EXIT_OK;
}

/* Packets from the text already read (head) and then the rest of f,
 * chunk by chunk: constant memory whatever the size of the dump. */
static int import_packets(const char *name, FILE *f, const char *head,
                          size_t hlen, const char *tfmt, imp_opts *o) {
  capkit_hexparse *p = capkit_hexparse_new(tfmt, o->hexflags);
  char *chunk = malloc(1 << 16);
  if (!p || !chunk) {
    capkit_hexparse_free(p);
    free(chunk);
    cli_err("import", "out of memory");
    return EXIT_IO;
  }
  int rc = capkit_hexparse_feed(p, head, hlen), eof = 0, ioerr = 0;
  capkit_hex_packet pk;
  int got = 0;
  capkit_writer *w = NULL;
  int code = EXIT_OK;
  while (!rc && !code) {
    got = capkit_hexparse_next(p, &pk);
    if (got < 0)
      break;
    if (got == 0) {
      if (eof)
        break;
      size_t n = fread(chunk, 1, 1 << 16, f);
      if (n)
        rc = capkit_hexparse_feed(p, chunk, n);
      else if (ferror(f))
        ioerr = 1, eof = 1;
      else
        eof = 1, rc = capkit_hexparse_finish(p);
      continue;
    }
    if (!w && (code = open_packets_out(&w, o, pk.has_time && pk.ts_digits > 6)))
      break;
    capkit_record rec = CAPKIT_RECORD_INIT;
    capkit_hexparse_record(p, &pk, &rec);
    if (o->wrap) {
      const uint8_t *d;
      size_t n;
      if (capkit_gen_wrap(o->wrap, pk.data, pk.len, &d, &n)) {
        cli_err("import", "%s: line %llu: the packet with its headers is "
                "too large", name, (unsigned long long)pk.line);
        code = EXIT_DATA;
        break;
      }
      rec.data = d;
      rec.origlen += (uint32_t)(n - pk.len);
      rec.caplen = (uint32_t)n;
    }
    /* Longer than the snaplen (the writer's default 262144 without -s):
     * cut, as text2pcap does, rather than write what readers refuse. */
    uint64_t snap = o->wo.snap ? o->wo.snap : 262144;
    if (rec.caplen > snap) {
      cli_err("import", "%s: line %llu: warning: packet of %u bytes cut to "
              "the snaplen of %llu", name, (unsigned long long)pk.line,
              rec.caplen, (unsigned long long)snap);
      rec.caplen = (uint32_t)snap;
    }
    int wrc = capkit_writer_write(w, &rec);
    if (wrc < 0) {
      cli_err("import", "%s", capkit_writer_error(w));
      code = cli_exit_for(wrc);
    }
  }
  if (!code && ioerr) {
    cli_err("import", "%s: %s", name, strerror(errno));
    code = EXIT_IO;
  } else if (!code && (rc < 0 || got < 0)) {
    int e = rc < 0 ? rc : got;
    cli_err("import", "%s: %s", name, capkit_hexparse_error(p));
    code = e == CAPKIT_ENOMEM ? EXIT_IO : EXIT_DATA;
  }
  if (!code && !w) {
    cli_err("import", "%s: warning: no hex dump found", name);
    code = open_packets_out(&w, o, 0);
  }
  capkit_hexparse_free(p);
  free(chunk);
  if (!w)
    return code;
  return finish(w, code);
}

int cmd_import(int argc, char **argv) {
  enum { OPT_WHOLE = 256, OPT_PACKETS, OPT_KEEP, OPT_WRAP, OPT_OFFSETS };
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"linktype", required_argument, NULL, 'l'},
      {"time-format", required_argument, NULL, 't'},
      {"whole-file", no_argument, NULL, OPT_WHOLE},
      {"packets", no_argument, NULL, OPT_PACKETS},
      {"keep-partial", no_argument, NULL, OPT_KEEP},
      {"wrap", required_argument, NULL, OPT_WRAP},
      {"offsets", required_argument, NULL, OPT_OFFSETS},
      {"ascii", no_argument, NULL, 'a'},
      {"direction", no_argument, NULL, 'D'},
      {"format", required_argument, NULL, 'F'},
      {"byte-order", required_argument, NULL, 'b'},
      {"precision", required_argument, NULL, 'p'},
      {"snaplen", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  imp_opts o;
  memset(&o, 0, sizeof o);
  const char *tfmt = NULL, *wrap = NULL;
  int mode = 0, c; /* 0 detect, 1 whole, 2 packets */
  while ((c = getopt_long(argc, argv, "o:l:t:F:b:p:s:aDh", opts, NULL)) != -1) {
    switch (c) {
    case 'o': o.out = optarg; break;
    case 't': tfmt = optarg; break;
    case OPT_WHOLE: mode = 1; break;
    case OPT_PACKETS: mode = 2; break;
    case OPT_KEEP: o.keep = 1; break;
    case OPT_WRAP: wrap = optarg; break;
    case OPT_OFFSETS:
      o.hexflags &= ~(CAPKIT_HEX_OFFSET_OCT | CAPKIT_HEX_OFFSET_DEC);
      if (!strcmp(optarg, "oct"))
        o.hexflags |= CAPKIT_HEX_OFFSET_OCT;
      else if (!strcmp(optarg, "dec"))
        o.hexflags |= CAPKIT_HEX_OFFSET_DEC;
      else if (strcmp(optarg, "hex"))
        return cli_usage_error("import", "--offsets: hex, oct or dec, not "
                                         "'%s'", optarg);
      break;
    case 'a': /* text2pcap -a: the ASCII column is always told apart */
      break;
    case 'D':
      o.hexflags |= CAPKIT_HEX_DIRECTION;
      break;
    case 'F':
    case 'b':
    case 'p':
    case 's':
    case 'l':
      if (cli_out_opt("import", &o.wo, c, optarg))
        return EXIT_USAGE;
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
  if (wrap && mode == 1)
    return cli_usage_error("import", "--wrap is for packets, not --whole-file");
  if (wrap) {
    capkit_spec_error e;
    int rc = capkit_gen_new_wrap(wrap, 1, &o.wrap, &e);
    if (rc) {
      cli_err("import", "--wrap, column %zu: %s", e.column, e.message);
      return rc == CAPKIT_ESPEC ? EXIT_USAGE : cli_exit_for(rc);
    }
    if (mode == 0)
      mode = 2;
  }
  const char *in = optind < argc ? argv[optind] : "-";
  FILE *f = strcmp(in, "-") == 0 ? stdin : fopen(in, "rb");
  if (!f) {
    cli_err("import", "%s: %s", in, strerror(errno));
    capkit_gen_free(o.wrap);
    return EXIT_IO;
  }
  /* The head of the text tells a dump of a whole file (its first bytes are
   * a capture magic); only that case needs the whole text at once. */
  char *text = NULL;
  size_t len = 0, cap = 0;
  int r = read_more(f, &text, &len, &cap, 1 << 16), code;
  if (r < 0) {
    cli_err("import", "%s: %s", in, strerror(errno));
    free(text);
    if (f != stdin)
      fclose(f);
    capkit_gen_free(o.wrap);
    return EXIT_IO;
  }
  if (mode != 2) {
    size_t head = len;
    if (mode == 0) /* whole lines only */
      while (head > 0 && text[head - 1] != '\n' && !feof(f))
        head--;
    /* the offsets' radix counts for a whole file too */
    unsigned wflags = CAPKIT_HEX_WHOLE |
        (o.hexflags & (CAPKIT_HEX_OFFSET_OCT | CAPKIT_HEX_OFFSET_DEC));
    int whole = mode == 1 || capkit_hexparse_probe(text, head, wflags) == 1;
    if (whole) {
      while ((r = read_more(f, &text, &len, &cap, 1 << 20)) > 0)
        ;
      capkit_hexparse *p =
          r < 0 ? NULL : capkit_hexparse_new(NULL, wflags);
      int rc = p ? capkit_hexparse_feed(p, text, len) : CAPKIT_ENOMEM;
      if (!rc)
        rc = capkit_hexparse_finish(p);
      size_t n = 0;
      const uint8_t *b = rc ? NULL : capkit_hexparse_bytes(p, &n);
      if (r < 0) {
        cli_err("import", "%s: %s", in, strerror(errno));
        code = EXIT_IO;
      } else if (b && n) {
        code = import_whole(in, b, n, &o);
      } else {
        cli_err("import", "%s: %s", in,
                rc ? capkit_hexparse_error(p) : "no hex bytes found");
        code = rc == CAPKIT_ENOMEM ? EXIT_IO : EXIT_DATA;
      }
      capkit_hexparse_free(p);
      free(text);
      if (f != stdin)
        fclose(f);
      return code;
    }
  }
  code = import_packets(in, f, text, len, tfmt, &o);
  capkit_gen_free(o.wrap);
  free(text);
  if (f != stdin)
    fclose(f);
  return code;
}

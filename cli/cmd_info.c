/* cmd_info.c - capkit info: what a capture file is and what it holds
 * (format details, counts, times, rates, sizes), as text or JSON. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/stats.h>

#include "cli.h"
#include "cut.h"

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

static const char *bo_name(capkit_byte_order bo) {
  return bo == CAPKIT_BO_BIG ? "big-endian" : "little-endian";
}

/* A time resolution as text: pcapng's if_tsresol byte (decimal, or binary
 * with the high bit), classic pcap's 6 or 9. */
static void res_text(char *out, size_t cap, uint32_t res) {
  if (res == 6)
    snprintf(out, cap, "microseconds");
  else if (res == 9)
    snprintf(out, cap, "nanoseconds");
  else if (res == 3)
    snprintf(out, cap, "milliseconds");
  else if (res & 0x80)
    snprintf(out, cap, "2^-%u s", res & 0x7f);
  else
    snprintf(out, cap, "10^-%u s", res);
}

static void print_ng_text(const capkit_reader *r, const capkit_stats *st) {
  size_t ns = capkit_reader_section_count(r);
  size_t ni = capkit_reader_iface_count(r);
  printf("Sections:           %zu\n", ns);
  for (size_t i = 0; i < ns; i++) {
    const capkit_section *s = capkit_reader_section(r, i);
    char label[32];
    snprintf(label, sizeof label, "Section %zu:", i);
    printf("  %-18soffset %" PRIu64 ", %s, version %u.%u, %u interface%s",
           label, s->offset, bo_name(s->byte_order), s->version_major,
           s->version_minor, s->n_ifaces, s->n_ifaces == 1 ? "" : "s");
    if (s->userappl)
      printf(", application \"%s\"", s->userappl);
    if (s->os)
      printf(", OS \"%s\"", s->os);
    if (s->hardware)
      printf(", hardware \"%s\"", s->hardware);
    if (s->comment)
      printf(", comment \"%s\"", s->comment);
    putchar('\n');
  }
  printf("Interfaces:         %zu\n", ni);
  for (size_t i = 0; i < ni; i++) {
    const capkit_iface *f = capkit_reader_iface(r, i);
    const char *ltn = capkit_linktype_name(f->linktype);
    char res[32];
    res_text(res, sizeof res, f->tsresol);
    char label[32];
    snprintf(label, sizeof label, "Interface %zu:", i);
    printf("  %-18ssection %u, link type %u %s, snaplen %u, %s", label,
           f->section, f->linktype, ltn ? ltn : "unknown", f->snaplen, res);
    if (f->tsoffset)
      printf(", offset %lld s", (long long)f->tsoffset);
    if (f->fcs_len >= 0)
      printf(", FCS %d bytes", f->fcs_len);
    if (f->name)
      printf(", name \"%s\"", f->name);
    if (f->description)
      printf(", description \"%s\"", f->description);
    if (f->filter)
      printf(", filter \"%s\"", f->filter);
    if (f->os)
      printf(", OS \"%s\"", f->os);
    printf(", %" PRIu64 " packet%s\n",
           capkit_stats_iface_packets(st, (uint32_t)i),
           cli_s(capkit_stats_iface_packets(st, (uint32_t)i)));
  }
}

static void json_opt_str(const char *key, const char *v) {
  printf(",\"%s\":", key);
  if (v)
    cli_json_str(stdout, v);
  else
    printf("null");
}

static void print_ng_json(const capkit_reader *r, const capkit_stats *st) {
  size_t ns = capkit_reader_section_count(r);
  size_t ni = capkit_reader_iface_count(r);
  printf(",\"sections\":[");
  for (size_t i = 0; i < ns; i++) {
    const capkit_section *s = capkit_reader_section(r, i);
    printf("%s{\"index\":%zu,\"offset\":%" PRIu64
           ",\"byte_order\":\"%s\",\"version\":\"%u.%u\",\"length\":%lld"
           ",\"interfaces\":%u",
           i ? "," : "", i, s->offset,
           s->byte_order == CAPKIT_BO_BIG ? "big" : "little", s->version_major,
           s->version_minor, (long long)s->length, s->n_ifaces);
    json_opt_str("comment", s->comment);
    json_opt_str("hardware", s->hardware);
    json_opt_str("os", s->os);
    json_opt_str("userappl", s->userappl);
    putchar('}');
  }
  printf("],\"interfaces\":[");
  for (size_t i = 0; i < ni; i++) {
    const capkit_iface *f = capkit_reader_iface(r, i);
    printf("%s{\"id\":%zu,\"section\":%u,\"linktype\":%u", i ? "," : "", i,
           f->section, f->linktype);
    json_opt_str("linktype_name", capkit_linktype_name(f->linktype));
    printf(",\"snaplen\":%u,\"tsresol\":%u,\"tsoffset\":%lld,\"fcs_len\":%d",
           f->snaplen, f->tsresol, (long long)f->tsoffset, f->fcs_len);
    json_opt_str("name", f->name);
    json_opt_str("description", f->description);
    json_opt_str("filter", f->filter);
    json_opt_str("os", f->os);
    printf(",\"packets\":%" PRIu64 "}",
           capkit_stats_iface_packets(st, (uint32_t)i));
  }
  putchar(']');
}

static void print_text(const char *path, const capkit_reader *r,
                       const capkit_stats *st, int rc) {
  const capkit_file_info *in = capkit_reader_info(r);
  const char *ltn = capkit_linktype_name(in->linktype);
  const char *ltd = capkit_linktype_description(in->linktype);
  unsigned digits = in->tsresol >= 9 ? 9 : 6;
  char res[32];
  res_text(res, sizeof res, in->tsresol);
  printf("File:               %s\n", path);
  printf("Format:             %s (%s)\n", in->format, in->variant);
  printf("Byte order:         %s\n", bo_name(in->byte_order));
  printf("Version:            %u.%u\n", in->version_major, in->version_minor);
  printf("Precision:          %s\n", res);
  printf("Snaplen:            %" PRIu32 "\n", in->snaplen);
  printf("Link type:          %" PRIu32 " %s%s%s%s\n", in->linktype,
         ltn ? ltn : "unknown", ltd ? " (" : "", ltd ? ltd : "",
         ltd ? ")" : "");
  if (in->fcs_len >= 0)
    printf("FCS length:         %d bytes\n", in->fcs_len);
  else
    printf("FCS length:         not recorded\n");
  if (in->thiszone || in->sigfigs)
    printf("Reserved fields:    thiszone %d, sigfigs %u\n", in->thiszone,
           in->sigfigs);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(st, &sum);
  printf("Packets:            %" PRIu64 "\n", sum.packets);
  printf("Captured bytes:     %" PRIu64 "\n", sum.captured_bytes);
  printf("Original bytes:     %" PRIu64 "\n", sum.bytes);
  if (sum.packets) {
    char t[64];
    cli_fmt_time(t, sizeof t, sum.earliest.sec, sum.earliest.nsec, digits);
    printf("First time:         %s UTC\n", t);
    cli_fmt_time(t, sizeof t, sum.latest.sec, sum.latest.nsec, digits);
    printf("Last time:          %s UTC\n", t);
    printf("Duration:           %.*f s\n", digits, sum.duration);
    if (sum.duration > 0) {
      printf("Data rate:          %.0f bytes/s, %.0f bits/s\n", sum.byte_rate,
             sum.bit_rate);
      printf("Packet rate:        %.2f packets/s\n", sum.packet_rate);
    } else {
      printf("Data rate:          n/a\n");
      printf("Packet rate:        n/a\n");
    }
    printf("Packet size:        min %" PRIu32 ", max %" PRIu32
           ", mean %.2f bytes\n",
           sum.min_len, sum.max_len, sum.mean_size);
  }
  if (capkit_reader_section_count(r))
    print_ng_text(r, st);
  if (rc < 0)
    printf("Error:              %s\n", capkit_reader_error(r));
}

static void json_time(const char *key, int64_t sec, uint32_t nsec,
                      unsigned digits) {
  char t[64];
  cli_fmt_time_iso(t, sizeof t, sec, nsec, digits);
  printf(",\"%s\":\"%s\"", key, t);
}

static void print_hashes(const capkit_digest *dg, int json);

static void print_json(const char *path, const capkit_reader *r,
                       const capkit_stats *st, int rc,
                       const capkit_digest *dg) {
  const capkit_file_info *in = capkit_reader_info(r);
  const char *ltn = capkit_linktype_name(in->linktype);
  unsigned digits = in->tsresol >= 9 ? 9 : 6;
  printf("{\"file\":");
  cli_json_str(stdout, path);
  printf(",\"format\":\"%s\",\"variant\":", in->format);
  cli_json_str(stdout, in->variant);
  printf(",\"byte_order\":\"%s\"",
         in->byte_order == CAPKIT_BO_BIG ? "big" : "little");
  printf(",\"version\":\"%u.%u\"", in->version_major, in->version_minor);
  printf(",\"precision\":\"%s\"", in->tsresol == 9 ? "ns" : "us");
  printf(",\"snaplen\":%" PRIu32 ",\"linktype\":%" PRIu32, in->snaplen,
         in->linktype);
  printf(",\"linktype_name\":");
  if (ltn)
    cli_json_str(stdout, ltn);
  else
    printf("null");
  printf(",\"fcs_len\":%d,\"thiszone\":%d,\"sigfigs\":%" PRIu32, in->fcs_len,
         in->thiszone, in->sigfigs);
  printf(",\"record_header_len\":%" PRIu32, in->record_header_len);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(st, &sum);
  printf(",\"packets\":%" PRIu64 ",\"captured_bytes\":%" PRIu64
         ",\"original_bytes\":%" PRIu64,
         sum.packets, sum.captured_bytes, sum.bytes);
  if (sum.packets) {
    json_time("first_time", sum.earliest.sec, sum.earliest.nsec, digits);
    json_time("last_time", sum.latest.sec, sum.latest.nsec, digits);
    printf(",\"duration\":%.9f", sum.duration);
    if (sum.duration > 0)
      printf(",\"data_rate_bytes\":%.3f,\"data_rate_bits\":%.3f"
             ",\"packet_rate\":%.3f",
             sum.byte_rate, sum.bit_rate, sum.packet_rate);
    printf(",\"min_size\":%" PRIu32 ",\"max_size\":%" PRIu32
           ",\"mean_size\":%.3f,\"min_captured_size\":%" PRIu32
           ",\"max_captured_size\":%" PRIu32,
           sum.min_len, sum.max_len, sum.mean_size, sum.min_caplen,
           sum.max_caplen);
  } else {
    printf(",\"first_time\":null,\"last_time\":null");
  }
  if (capkit_reader_section_count(r))
    print_ng_json(r, st);
  print_hashes(dg, 1);
  if (rc < 0) {
    printf(",\"error\":{\"message\":");
    cli_json_str(stdout, capkit_reader_error(r));
    printf(",\"code\":\"%s\",\"offset\":%" PRIu64 ",\"record\":%" PRIu64 "}",
           capkit_errname(rc), capkit_reader_error_offset(r),
           capkit_reader_error_record(r));
  }
  printf("}\n");
}

/* ---- capinfos -T: the table ---- */

/* The columns, in capinfos' order, with the letter that selects each. */
enum {
  COL_NAME, COL_TYPE, COL_ENCAP, COL_PREC, COL_SNAP, COL_SNAPMIN, COL_SNAPMAX,
  COL_PACKETS, COL_FSIZE, COL_DSIZE, COL_DUR, COL_START, COL_END, COL_BYTERATE,
  COL_BITRATE, COL_AVGSIZE, COL_PKTRATE, COL_SHA256, COL_SHA1, COL_ORDER,
  COL_HW, COL_OS, COL_APP, COL_COMMENT, N_COLS
};
static const struct {
  char letter;
  const char *head;
} cols[N_COLS] = {
    {0, "File name"},
    {'t', "File type"},
    {'E', "File encapsulation"},
    {'F', "File time precision"},
    {'l', "Packet size limit"},
    {'l', "Packet size limit min (inferred)"},
    {'l', "Packet size limit max (inferred)"},
    {'c', "Number of packets"},
    {'s', "File size (bytes)"},
    {'d', "Data size (bytes)"},
    {'u', "Capture duration (seconds)"},
    {'a', "Start time"},
    {'e', "End time"},
    {'y', "Data byte rate (bytes/sec)"},
    {'i', "Data bit rate (bits/sec)"},
    {'z', "Average packet size (bytes)"},
    {'x', "Average packet rate (packets/sec)"},
    {'H', "SHA256"},
    {'H', "SHA1"},
    {'o', "Strict time order"},
    {'F', "Capture hardware"},
    {'F', "Capture oper-sys"},
    {'F', "Capture application"},
    {'k', "Capture comment"},
};

typedef struct table {
  int on;             /* -T */
  int any;            /* a letter chose columns */
  int want[N_COLS];   /* chosen columns */
  int no_header, secs; /* -r, -S */
  char sep, quote;    /* -B/-m/-b, -N/-q/-Q */
  int header_done;
} table;

static const char table_letters[] = "tEFlcsduaeyizxHok";

static void cell(const table *t, int first, const char *v) {
  if (!first)
    putchar(t->sep);
  if (t->quote)
    putchar(t->quote);
  fputs(v, stdout);
  if (t->quote)
    putchar(t->quote);
}

static void table_header(table *t) {
  if (t->header_done || t->no_header)
    return;
  t->header_done = 1;
  for (int c = 0; c < N_COLS; c++)
    if (t->want[c])
      cell(t, c == 0, cols[c].head);
  putchar('\n');
}

/* The link type as capinfos names it (Wireshark's short encapsulation
 * names) for the common ones, else libpcap's name. */
static const char *encap_name(uint32_t lt) {
  static const struct {
    uint32_t lt;
    const char *name;
  } names[] = {{0, "null"},           {1, "ether"},
               {101, "rawip"},        {105, "ieee-802-11"},
               {108, "loop"},         {113, "linux-sll"},
               {127, "ieee-802-11-radiotap"},
               {228, "rawip4"},       {229, "rawip6"},
               {276, "linux-sll2"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].lt == lt)
      return names[i].name;
  return capkit_linktype_name(lt);
}

static void time_cell(char *out, size_t cap, capkit_time v, unsigned digits,
                      int secs) {
  if (!secs) {
    cli_fmt_time(out, cap, v.sec, v.nsec, digits);
    return;
  }
  /* seconds since the epoch, the fraction cut to the precision */
  uint32_t div = digits >= 9 ? 1 : digits >= 6 ? 1000 : 1000000;
  int neg = v.sec < 0 && v.nsec;
  long long whole = neg ? -(v.sec + 1) : v.sec;
  uint32_t frac = (neg ? CAPKIT_NSEC_PER_SEC - v.nsec : v.nsec) / div;
  snprintf(out, cap, "%s%lld.%0*u", neg ? "-" : "", whole, (int)digits, frac);
}

static void print_table(table *t, const char *path, const capkit_reader *r,
                        const capkit_stats *st, const capkit_digest *dg) {
  const capkit_file_info *in = capkit_reader_info(r);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(st, &sum);
  unsigned digits = in->tsresol >= 9 ? 9 : in->tsresol == 3 ? 3 : 6;
  const capkit_section *sec =
      capkit_reader_section_count(r) ? capkit_reader_section(r, 0) : NULL;
  uint64_t fsize = 0, off = capkit_reader_input_offset(r, &fsize);
  table_header(t);
  for (int c = 0; c < N_COLS; c++) {
    if (!t->want[c])
      continue;
    char v[128];
    const char *p = v;
    v[0] = '\0';
    switch (c) {
    case COL_NAME: p = path; break;
    case COL_TYPE:
      p = strcmp(in->format, "pcap") ? in->format
          : in->tsresol == 9         ? "nsecpcap"
                                     : "pcap";
      break;
    case COL_ENCAP: {
      const char *n = encap_name(in->linktype);
      if (n)
        p = n;
      else
        snprintf(v, sizeof v, "%u", in->linktype);
      break;
    }
    case COL_PREC: res_text(v, sizeof v, in->tsresol); break;
    case COL_SNAP:
      if (in->snaplen)
        snprintf(v, sizeof v, "%u", in->snaplen);
      else
        p = "(not set)";
      break;
    case COL_SNAPMIN:
    case COL_SNAPMAX:
      if (in->snaplen || !sum.packets)
        p = "n/a";
      else
        snprintf(v, sizeof v, "%u",
                 c == COL_SNAPMIN ? sum.min_caplen : sum.max_caplen);
      break;
    case COL_PACKETS: snprintf(v, sizeof v, "%" PRIu64, sum.packets); break;
    case COL_FSIZE:
      snprintf(v, sizeof v, "%" PRIu64, fsize ? fsize : off);
      break;
    case COL_DSIZE: snprintf(v, sizeof v, "%" PRIu64, sum.bytes); break;
    case COL_DUR:
      if (sum.packets)
        snprintf(v, sizeof v, "%.*f", digits, sum.duration);
      else
        p = "n/a";
      break;
    case COL_START:
    case COL_END:
      if (sum.packets)
        time_cell(v, sizeof v, c == COL_START ? sum.earliest : sum.latest,
                  digits, t->secs);
      else
        p = "n/a";
      break;
    case COL_BYTERATE:
      snprintf(v, sizeof v, "%.2f", sum.duration > 0 ? sum.byte_rate : 0.0);
      break;
    case COL_BITRATE:
      snprintf(v, sizeof v, "%.2f", sum.duration > 0 ? sum.bit_rate : 0.0);
      break;
    case COL_AVGSIZE:
      snprintf(v, sizeof v, "%.2f", sum.packets ? sum.mean_size : 0.0);
      break;
    case COL_PKTRATE:
      snprintf(v, sizeof v, "%.2f", sum.duration > 0 ? sum.packet_rate : 0.0);
      break;
    case COL_SHA256:
    case COL_SHA1:
      p = capkit_digest_hex(dg, c == COL_SHA256 ? CAPKIT_DIGEST_SHA256
                                                : CAPKIT_DIGEST_SHA1);
      if (!p)
        p = "n/a";
      break;
    case COL_ORDER: p = sum.out_of_order ? "False" : "True"; break;
    case COL_HW: p = sec && sec->hardware ? sec->hardware : ""; break;
    case COL_OS: p = sec && sec->os ? sec->os : ""; break;
    case COL_APP: p = sec && sec->userappl ? sec->userappl : ""; break;
    case COL_COMMENT: p = sec && sec->comment ? sec->comment : ""; break;
    }
    cell(t, c == 0, p);
  }
  putchar('\n');
}

static void print_hashes(const capkit_digest *dg, int json) {
  const char *a = capkit_digest_hex(dg, CAPKIT_DIGEST_SHA256);
  const char *b = capkit_digest_hex(dg, CAPKIT_DIGEST_SHA1);
  if (!a || !b)
    return;
  if (json)
    printf(",\"sha256\":\"%s\",\"sha1\":\"%s\"", a, b);
  else
    printf("SHA256:             %s\nSHA1:               %s\n", a, b);
}

typedef struct info_opts {
  int json, hashes;
  const char *expr;
  table t;
} info_opts;

static int info_one(const char *path, info_opts *o) {
  int json = o->json;
  capkit_reader *r = capkit_reader_new();
  if (!r) {
    cli_err("info", "out of memory");
    return EXIT_IO;
  }
  int rc = capkit_reader_open_path(r, path);
  if (rc < 0) {
    if (json) {
      printf("{\"file\":");
      cli_json_str(stdout, path);
      printf(",\"error\":{\"message\":");
      cli_json_str(stdout, capkit_reader_error(r));
      printf(",\"code\":\"%s\",\"offset\":%" PRIu64 ",\"record\":0}}\n",
             capkit_errname(rc), capkit_reader_error_offset(r));
    }
    cli_err("info", "%s", capkit_reader_error(r));
    capkit_reader_free(r);
    return cli_exit_for(rc);
  }
  int code;
  capkit_filter *flt = cut_filter_for("info", o->expr, r, &code);
  if (code) {
    capkit_reader_free(r);
    return code;
  }
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.what = CAPKIT_STATS_SUMMARY;
  capkit_stats *st = capkit_stats_new(&set);
  /* The hashes: a second thread reads the file while this one reads the
   * records (the file is in the page cache for the slower of the two). */
  capkit_digest *dg = NULL;
  int drc = 0;
  if (st && o->hashes) {
    dg = capkit_digest_new(CAPKIT_DIGEST_SHA256 | CAPKIT_DIGEST_SHA1);
    drc = dg ? capkit_digest_start_path(dg, path) : CAPKIT_ENOMEM;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  if (!st || drc == CAPKIT_ENOMEM)
    rc = CAPKIT_ENOMEM;
  else
    while ((rc = cut_filter_next(r, flt, &rec)) > 0)
      if (capkit_stats_add(st, &rec, NULL) == CAPKIT_ENOMEM) {
        rc = CAPKIT_ENOMEM;
        break;
      }
  if (rc == CAPKIT_ENOMEM) {
    cli_err("info", "out of memory");
    capkit_digest_free(dg);
    capkit_stats_free(st);
    capkit_filter_free(flt);
    capkit_reader_free(r);
    return EXIT_IO;
  }
  if (!drc && dg)
    drc = capkit_digest_finish(dg);
  int shown = rc == CAPKIT_EFILTER ? 0 : rc;
  if (o->t.on) {
    print_table(&o->t, path, r, st, dg);
  } else if (json) {
    print_json(path, r, st, shown, dg);
  } else {
    print_text(path, r, st, shown);
    print_hashes(dg, 0);
  }
  if (rc == CAPKIT_EFILTER)
    cli_filter_failed("info", r, rec.number, flt);
  else if (rc < 0)
    cli_err("info", "%s", capkit_reader_error(r));
  int worst = rc < 0 ? cli_exit_for(rc) : EXIT_OK;
  if (drc) {
    cli_err("info", "%s", capkit_digest_error(dg));
    if (worst < EXIT_IO)
      worst = EXIT_IO;
  }
  capkit_digest_free(dg);
  capkit_filter_free(flt);
  capkit_stats_free(st);
  capkit_reader_free(r);
  return worst;
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
  o.t.sep = '\t';
  int c, layout = 0; /* a table layout option was given */
  while ((c = getopt_long(argc, argv, "jf:hTHtEFlcsduaeyizxokSrRmbBNqQ", opts,
                          NULL)) != -1) {
    switch (c) {
    case 'f': o.expr = optarg; break;
    case 'j': o.json = 1; break;
    case 'T': o.t.on = 1; break;
    case 'S': o.t.secs = 1, layout = 1; break;
    case 'r': o.t.no_header = 1, layout = 1; break;
    case 'R': o.t.no_header = 0, layout = 1; break;
    case 'm': o.t.sep = ',', layout = 1; break;
    case 'b': o.t.sep = ' ', layout = 1; break;
    case 'B': o.t.sep = '\t', layout = 1; break;
    case 'N': o.t.quote = 0, layout = 1; break;
    case 'q': o.t.quote = '\'', layout = 1; break;
    case 'Q': o.t.quote = '"', layout = 1; break;
    case 'h':
      fputs(info_usage, stdout);
      return EXIT_OK;
    default:
      if (c != '?' && strchr(table_letters, c)) {
        if (c == 'H')
          o.hashes = 1;
        if (c != 'H')
          layout = 1;
        o.t.any = 1;
        for (int k = 0; k < N_COLS; k++)
          if (cols[k].letter == c)
            o.t.want[k] = 1;
        break;
      }
      return cli_usage_error("info", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("info", "no file given");
  if (o.json && o.t.on)
    return cli_usage_error("info", "--json and -T (table) exclude each other");
  if (layout && !o.t.on)
    return cli_usage_error("info", "capinfos' column letters and table "
                                   "layout options go with -T");
  if (o.t.on) {
    o.t.want[COL_NAME] = 1;
    if (!o.t.any) {
      for (int k = 0; k < N_COLS; k++)
        o.t.want[k] = 1;
      o.hashes = 1; /* as capinfos -T, which hashes by default */
    }
  }
  for (int i = optind; o.hashes && i < argc; i++)
    if (strcmp(argv[i], "-") == 0)
      return cli_usage_error("info", "hashes (-H) need a file, not standard "
                                     "input (it is read once)");
  if (cli_stdin_once("info", argc - optind, argv + optind))
    return EXIT_USAGE;
  int worst = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    if (!o.json && !o.t.on && i > optind)
      putchar('\n');
    int code = info_one(argv[i], &o);
    if (code > worst)
      worst = code;
  }
  return worst;
}

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
    "usage: capkit info [--json] [-f EXPR] FILE...\n\n"
    "Summarize capture files: format and variant, byte order, version, time\n"
    "precision, snaplen, link type, FCS length, packet and byte counts, first\n"
    "and last time (UTC: the earliest and the latest), duration, average\n"
    "rates and packet sizes (of original lengths, as capinfos counts them).\n"
    "A damaged file is summarized up to the damage and the error is shown.\n"
    "For pcapng files the sections (byte order, version, comment, ...) and\n"
    "the interfaces (link type, snaplen, time resolution, name, packets) are\n"
    "listed too.\n\n"
    "  -j, --json   one JSON object per file, one per line\n"
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

static void print_json(const char *path, const capkit_reader *r,
                       const capkit_stats *st, int rc) {
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
  if (rc < 0) {
    printf(",\"error\":{\"message\":");
    cli_json_str(stdout, capkit_reader_error(r));
    printf(",\"code\":\"%s\",\"offset\":%" PRIu64 ",\"record\":%" PRIu64 "}",
           capkit_errname(rc), capkit_reader_error_offset(r),
           capkit_reader_error_record(r));
  }
  printf("}\n");
}

static int info_one(const char *path, int json, const char *expr) {
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
  capkit_filter *flt = cut_filter_for("info", expr, r, &code);
  if (code) {
    capkit_reader_free(r);
    return code;
  }
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.what = CAPKIT_STATS_SUMMARY;
  capkit_stats *st = capkit_stats_new(&set);
  if (!st) {
    cli_err("info", "out of memory");
    capkit_filter_free(flt);
    capkit_reader_free(r);
    return EXIT_IO;
  }
  capkit_record rec = CAPKIT_RECORD_INIT;
  while ((rc = cut_filter_next(r, flt, &rec)) > 0)
    if (capkit_stats_add(st, &rec, NULL) == CAPKIT_ENOMEM) {
      cli_err("info", "out of memory");
      capkit_stats_free(st);
      capkit_filter_free(flt);
      capkit_reader_free(r);
      return EXIT_IO;
    }
  if (json)
    print_json(path, r, st, rc == CAPKIT_EFILTER ? 0 : rc);
  else
    print_text(path, r, st, rc == CAPKIT_EFILTER ? 0 : rc);
  if (rc == CAPKIT_EFILTER)
    cli_filter_failed("info", r, rec.number, flt);
  else if (rc < 0)
    cli_err("info", "%s", capkit_reader_error(r));
  capkit_filter_free(flt);
  capkit_stats_free(st);
  capkit_reader_free(r);
  return rc < 0 ? cli_exit_for(rc) : EXIT_OK;
}

int cmd_info(int argc, char **argv) {
  static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                       {"filter", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int json = 0, c;
  const char *expr = NULL;
  while ((c = getopt_long(argc, argv, "jf:h", opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      expr = optarg;
      break;
    case 'j':
      json = 1;
      break;
    case 'h':
      fputs(info_usage, stdout);
      return EXIT_OK;
    default:
      return cli_usage_error("info", "invalid option");
    }
  }
  if (optind >= argc)
    return cli_usage_error("info", "no file given");
  if (cli_stdin_once("info", argc - optind, argv + optind))
    return EXIT_USAGE;
  int worst = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    if (!json && i > optind)
      putchar('\n');
    int code = info_one(argv[i], json, expr);
    if (code > worst)
      worst = code;
  }
  return worst;
}

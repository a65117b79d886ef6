/* info.c - the layouts of `capkit info` (capkit_info_write in info.h): the
 * text lines, the JSON object and capinfos -T's table row of one file, from
 * its reader, its statistics accumulator and its digest. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "../print/print_int.h"

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Append printf-style text to O. */
static void PRINTF_LIKE(2, 3) tf(tbuf *o, const char *fmt, ...) {
  char t[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t, sizeof t, fmt, ap);
  va_end(ap);
  if (n < 0) {
    o->err = 1;
    return;
  }
  if ((size_t)n < sizeof t) {
    tb_mem(o, t, (size_t)n);
    return;
  }
  if (!tb_need(o, (size_t)n + 1))
    return;
  va_start(ap, fmt);
  vsnprintf(o->p + o->n, (size_t)n + 1, fmt, ap);
  va_end(ap);
  o->n += (size_t)n;
}

static void json_str(tbuf *o, const char *s) {
  capkit__tb_json(o, s, strlen(s));
}

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

static void fmt_time(char *out, size_t cap, capkit_time t, unsigned digits,
                     unsigned flags) {
  capkit_time_format(out, cap, t, digits, flags);
}

/* ---- text ---- */

static void ng_text(tbuf *o, const capkit_reader *r, const capkit_stats *st) {
  size_t ns = capkit_reader_section_count(r);
  size_t ni = capkit_reader_iface_count(r);
  tf(o, "Sections:           %zu\n", ns);
  for (size_t i = 0; i < ns; i++) {
    const capkit_section *s = capkit_reader_section(r, i);
    char label[32];
    snprintf(label, sizeof label, "Section %zu:", i);
    tf(o, "  %-18soffset %" PRIu64 ", %s, version %u.%u, %u interface%s",
       label, s->offset, bo_name(s->byte_order), s->version_major,
       s->version_minor, s->n_ifaces, s->n_ifaces == 1 ? "" : "s");
    if (s->userappl)
      tf(o, ", application \"%s\"", s->userappl);
    if (s->os)
      tf(o, ", OS \"%s\"", s->os);
    if (s->hardware)
      tf(o, ", hardware \"%s\"", s->hardware);
    if (s->comment)
      tf(o, ", comment \"%s\"", s->comment);
    tb_c(o, '\n');
  }
  tf(o, "Interfaces:         %zu\n", ni);
  for (size_t i = 0; i < ni; i++) {
    const capkit_iface *f = capkit_reader_iface(r, i);
    const char *ltn = capkit_linktype_name(f->linktype);
    char res[32];
    res_text(res, sizeof res, f->tsresol);
    char label[32];
    snprintf(label, sizeof label, "Interface %zu:", i);
    tf(o, "  %-18ssection %u, link type %u %s, snaplen %u, %s", label,
       f->section, f->linktype, ltn ? ltn : "unknown", f->snaplen, res);
    if (f->tsoffset)
      tf(o, ", offset %lld s", (long long)f->tsoffset);
    if (f->fcs_len >= 0)
      tf(o, ", FCS %d bytes", f->fcs_len);
    if (f->name)
      tf(o, ", name \"%s\"", f->name);
    if (f->description)
      tf(o, ", description \"%s\"", f->description);
    if (f->filter)
      tf(o, ", filter \"%s\"", f->filter);
    if (f->os)
      tf(o, ", OS \"%s\"", f->os);
    uint64_t n = capkit_stats_iface_packets(st, (uint32_t)i);
    tf(o, ", %" PRIu64 " packet%s\n", n, n == 1 ? "" : "s");
  }
}

static void write_text(tbuf *o, const char *path, const capkit_reader *r,
                       const capkit_stats *st, int rc,
                       const capkit_digest *dg) {
  const capkit_file_info *in = capkit_reader_info(r);
  const char *ltn = capkit_linktype_name(in->linktype);
  const char *ltd = capkit_linktype_description(in->linktype);
  unsigned digits = in->tsresol >= 9 ? 9 : 6;
  char res[32];
  res_text(res, sizeof res, in->tsresol);
  tf(o, "File:               %s\n", path);
  tf(o, "Format:             %s (%s)\n", in->format, in->variant);
  tf(o, "Byte order:         %s\n", bo_name(in->byte_order));
  tf(o, "Version:            %u.%u\n", in->version_major, in->version_minor);
  tf(o, "Precision:          %s\n", res);
  tf(o, "Snaplen:            %" PRIu32 "\n", in->snaplen);
  tf(o, "Link type:          %" PRIu32 " %s%s%s%s\n", in->linktype,
     ltn ? ltn : "unknown", ltd ? " (" : "", ltd ? ltd : "", ltd ? ")" : "");
  if (in->fcs_len >= 0)
    tf(o, "FCS length:         %d bytes\n", in->fcs_len);
  else
    tf(o, "FCS length:         not recorded\n");
  if (in->thiszone || in->sigfigs)
    tf(o, "Reserved fields:    thiszone %d, sigfigs %u\n", in->thiszone,
       in->sigfigs);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(st, &sum);
  tf(o, "Packets:            %" PRIu64 "\n", sum.packets);
  tf(o, "Captured bytes:     %" PRIu64 "\n", sum.captured_bytes);
  tf(o, "Original bytes:     %" PRIu64 "\n", sum.bytes);
  if (sum.packets) {
    char t[64];
    fmt_time(t, sizeof t, sum.earliest, digits, CAPKIT_TIME_FMT_SPACE);
    tf(o, "First time:         %s UTC\n", t);
    fmt_time(t, sizeof t, sum.latest, digits, CAPKIT_TIME_FMT_SPACE);
    tf(o, "Last time:          %s UTC\n", t);
    tf(o, "Duration:           %.*f s\n", digits, sum.duration);
    if (sum.duration > 0) {
      tf(o, "Data rate:          %.0f bytes/s, %.0f bits/s\n", sum.byte_rate,
         sum.bit_rate);
      tf(o, "Packet rate:        %.2f packets/s\n", sum.packet_rate);
    } else {
      tf(o, "Data rate:          n/a\n");
      tf(o, "Packet rate:        n/a\n");
    }
    tf(o,
       "Packet size:        min %" PRIu32 ", max %" PRIu32
       ", mean %.2f bytes\n",
       sum.min_len, sum.max_len, sum.mean_size);
  }
  if (capkit_reader_section_count(r))
    ng_text(o, r, st);
  if (rc < 0)
    tf(o, "Error:              %s\n", capkit_reader_error(r));
  const char *a = capkit_digest_hex(dg, CAPKIT_DIGEST_SHA256);
  const char *b = capkit_digest_hex(dg, CAPKIT_DIGEST_SHA1);
  if (a && b)
    tf(o, "SHA256:             %s\nSHA1:               %s\n", a, b);
}

/* ---- JSON ---- */

static void json_opt_str(tbuf *o, const char *key, const char *v) {
  tf(o, ",\"%s\":", key);
  if (v)
    json_str(o, v);
  else
    tb_s(o, "null");
}

static void ng_json(tbuf *o, const capkit_reader *r, const capkit_stats *st) {
  size_t ns = capkit_reader_section_count(r);
  size_t ni = capkit_reader_iface_count(r);
  tb_s(o, ",\"sections\":[");
  for (size_t i = 0; i < ns; i++) {
    const capkit_section *s = capkit_reader_section(r, i);
    tf(o,
       "%s{\"index\":%zu,\"offset\":%" PRIu64
       ",\"byte_order\":\"%s\",\"version\":\"%u.%u\",\"length\":%lld"
       ",\"interfaces\":%u",
       i ? "," : "", i, s->offset,
       s->byte_order == CAPKIT_BO_BIG ? "big" : "little", s->version_major,
       s->version_minor, (long long)s->length, s->n_ifaces);
    json_opt_str(o, "comment", s->comment);
    json_opt_str(o, "hardware", s->hardware);
    json_opt_str(o, "os", s->os);
    json_opt_str(o, "userappl", s->userappl);
    tb_c(o, '}');
  }
  tb_s(o, "],\"interfaces\":[");
  for (size_t i = 0; i < ni; i++) {
    const capkit_iface *f = capkit_reader_iface(r, i);
    tf(o, "%s{\"id\":%zu,\"section\":%u,\"linktype\":%u", i ? "," : "", i,
       f->section, f->linktype);
    json_opt_str(o, "linktype_name", capkit_linktype_name(f->linktype));
    tf(o, ",\"snaplen\":%u,\"tsresol\":%u,\"tsoffset\":%lld,\"fcs_len\":%d",
       f->snaplen, f->tsresol, (long long)f->tsoffset, f->fcs_len);
    json_opt_str(o, "name", f->name);
    json_opt_str(o, "description", f->description);
    json_opt_str(o, "filter", f->filter);
    json_opt_str(o, "os", f->os);
    tf(o, ",\"packets\":%" PRIu64 "}",
       capkit_stats_iface_packets(st, (uint32_t)i));
  }
  tb_c(o, ']');
}

static void json_time(tbuf *o, const char *key, capkit_time t,
                      unsigned digits) {
  char s[64];
  fmt_time(s, sizeof s, t, digits, 0);
  tf(o, ",\"%s\":\"%s\"", key, s);
}

static void json_error(tbuf *o, const capkit_reader *r, int rc,
                       uint64_t record) {
  tb_s(o, ",\"error\":{\"message\":");
  json_str(o, capkit_reader_error(r));
  tf(o, ",\"code\":\"%s\",\"offset\":%" PRIu64 ",\"record\":%" PRIu64 "}",
     capkit_errname(rc), capkit_reader_error_offset(r), record);
}

static void write_json(tbuf *o, const char *path, const capkit_reader *r,
                       const capkit_stats *st, int rc,
                       const capkit_digest *dg) {
  const capkit_file_info *in = capkit_reader_info(r);
  const char *ltn = capkit_linktype_name(in->linktype);
  unsigned digits = in->tsresol >= 9 ? 9 : 6;
  tb_s(o, "{\"file\":");
  json_str(o, path);
  tf(o, ",\"format\":\"%s\",\"variant\":", in->format);
  json_str(o, in->variant);
  tf(o, ",\"byte_order\":\"%s\"",
     in->byte_order == CAPKIT_BO_BIG ? "big" : "little");
  tf(o, ",\"version\":\"%u.%u\"", in->version_major, in->version_minor);
  tf(o, ",\"precision\":\"%s\"", in->tsresol == 9 ? "ns" : "us");
  tf(o, ",\"snaplen\":%" PRIu32 ",\"linktype\":%" PRIu32, in->snaplen,
     in->linktype);
  json_opt_str(o, "linktype_name", ltn);
  tf(o, ",\"fcs_len\":%d,\"thiszone\":%d,\"sigfigs\":%" PRIu32, in->fcs_len,
     in->thiszone, in->sigfigs);
  tf(o, ",\"record_header_len\":%" PRIu32, in->record_header_len);
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(st, &sum);
  tf(o,
     ",\"packets\":%" PRIu64 ",\"captured_bytes\":%" PRIu64
     ",\"original_bytes\":%" PRIu64,
     sum.packets, sum.captured_bytes, sum.bytes);
  if (sum.packets) {
    json_time(o, "first_time", sum.earliest, digits);
    json_time(o, "last_time", sum.latest, digits);
    tf(o, ",\"duration\":%.9f", sum.duration);
    if (sum.duration > 0)
      tf(o,
         ",\"data_rate_bytes\":%.3f,\"data_rate_bits\":%.3f"
         ",\"packet_rate\":%.3f",
         sum.byte_rate, sum.bit_rate, sum.packet_rate);
    tf(o,
       ",\"min_size\":%" PRIu32 ",\"max_size\":%" PRIu32
       ",\"mean_size\":%.3f,\"min_captured_size\":%" PRIu32
       ",\"max_captured_size\":%" PRIu32,
       sum.min_len, sum.max_len, sum.mean_size, sum.min_caplen,
       sum.max_caplen);
  } else {
    tb_s(o, ",\"first_time\":null,\"last_time\":null");
  }
  if (capkit_reader_section_count(r))
    ng_json(o, r, st);
  const char *a = capkit_digest_hex(dg, CAPKIT_DIGEST_SHA256);
  const char *b = capkit_digest_hex(dg, CAPKIT_DIGEST_SHA1);
  if (a && b)
    tf(o, ",\"sha256\":\"%s\",\"sha1\":\"%s\"", a, b);
  if (rc < 0)
    json_error(o, r, rc, capkit_reader_error_record(r));
  tb_s(o, "}\n");
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

uint32_t capkit_info_columns(int letter) {
  uint32_t m = 0;
  for (int c = 0; letter && c < N_COLS; c++)
    if (cols[c].letter == letter)
      m |= 1u << c;
  return m;
}

static void cell(tbuf *o, const capkit_info_options *t, int first,
                 const char *v) {
  if (!first)
    tb_c(o, t->separator ? t->separator : '\t');
  if (t->quote)
    tb_c(o, t->quote);
  tb_s(o, v);
  if (t->quote)
    tb_c(o, t->quote);
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
    fmt_time(out, cap, v, digits, CAPKIT_TIME_FMT_SPACE);
    return;
  }
  /* seconds since the epoch, the fraction cut to the precision */
  uint32_t div = digits >= 9 ? 1 : digits >= 6 ? 1000 : 1000000;
  int neg = v.sec < 0 && v.nsec;
  long long whole = neg ? -(v.sec + 1) : v.sec;
  uint32_t frac = (neg ? CAPKIT_NSEC_PER_SEC - v.nsec : v.nsec) / div;
  snprintf(out, cap, "%s%lld.%0*u", neg ? "-" : "", whole, (int)digits, frac);
}

static void write_table(tbuf *o, const char *path, const capkit_reader *r,
                        const capkit_stats *st, const capkit_info_options *t) {
  const capkit_file_info *in = capkit_reader_info(r);
  const capkit_digest *dg = t->digest;
  uint32_t want = t->columns ? t->columns | 1u << COL_NAME : ~0u;
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(st, &sum);
  unsigned digits = in->tsresol >= 9 ? 9 : in->tsresol == 3 ? 3 : 6;
  const capkit_section *sec =
      capkit_reader_section_count(r) ? capkit_reader_section(r, 0) : NULL;
  uint64_t fsize = 0, off = capkit_reader_input_offset(r, &fsize);
  if (t->header) {
    for (int c = 0; c < N_COLS; c++)
      if (want >> c & 1)
        cell(o, t, c == 0, cols[c].head);
    tb_c(o, '\n');
  }
  for (int c = 0; c < N_COLS; c++) {
    if (!(want >> c & 1))
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
                  digits, t->epoch);
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
    cell(o, t, c == 0, p);
  }
  tb_c(o, '\n');
}

int capkit_info_write(const capkit_reader *r, const capkit_stats *st,
                      int error, const capkit_info_options *opt,
                      capkit_stats_write_fn fn, void *user) {
  if (!r || !opt || !fn || opt->size < sizeof *opt ||
      opt->format < CAPKIT_INFO_TEXT || opt->format > CAPKIT_INFO_TABLE)
    return CAPKIT_EMISUSE;
  const char *name = opt->name ? opt->name : capkit_reader_name(r);
  if (!name)
    name = "";
  int opened = capkit_reader_info(r) != NULL;
  if (opened && !st)
    return CAPKIT_EMISUSE;
  tbuf o;
  memset(&o, 0, sizeof o);
  if (!opened) {
    if (opt->format == CAPKIT_INFO_JSON && error < 0) {
      tb_s(&o, "{\"file\":");
      json_str(&o, name);
      json_error(&o, r, error, 0);
      tb_s(&o, "}\n");
    }
  } else if (opt->format == CAPKIT_INFO_TABLE) {
    write_table(&o, name, r, st, opt);
  } else if (opt->format == CAPKIT_INFO_JSON) {
    write_json(&o, name, r, st, error, opt->digest);
  } else {
    write_text(&o, name, r, st, error, opt->digest);
  }
  int rc = 0;
  if (o.err)
    rc = CAPKIT_ENOMEM;
  else if (o.n && fn(user, o.p, o.n) != 0)
    rc = CAPKIT_EIO;
  free(o.p);
  return rc;
}

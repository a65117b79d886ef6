/* test_export.c - the field exporter through its public API: names and
 * aliases, types, occurrences, exact times (negative and relative ones),
 * and every alias giving the same values as the field it stands for on
 * every fixture packet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "mkpkt.h"
#include "tap.h"

static int value_is(capkit_exporter *x, size_t col, size_t k,
                    const char *want) {
  size_t len;
  const char *v = capkit_exporter_value(x, col, k, &len);
  return v && len == strlen(want) && !memcmp(v, want, len);
}

static void test_names(void) {
  capkit_exporter *x = capkit_exporter_new();
  CHECK_EQ(capkit_exporter_add(x, "ip.src"), 0);
  CHECK_EQ(capkit_exporter_add(x, "tcp.dstport"), 0);
  CHECK_EQ(capkit_exporter_add(x, "frame.time_epoch"), 0);
  CHECK_EQ(capkit_exporter_add(x, "ipv6.payload_len"), 0);
  CHECK_EQ(capkit_exporter_add(x, "ip.sr"), CAPKIT_ENOTFOUND);
  CHECK(strstr(capkit_exporter_error(x), "ip.src") != NULL);
  CHECK_EQ(capkit_exporter_add(x, "nosuchlayer.offset"), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_exporter_columns(x), 4);
  CHECK_EQ(capkit_exporter_column_type(x, 0), CAPKIT_EXPORT_TEXT);
  CHECK_EQ(capkit_exporter_column_type(x, 1), CAPKIT_EXPORT_INTEGER);
  CHECK_EQ(capkit_exporter_column_type(x, 2), CAPKIT_EXPORT_DECIMAL);
  CHECK(!strcmp(capkit_exporter_column_name(x, 1), "tcp.dstport"));
  CHECK_EQ(capkit_exporter_set_occurrence(x, 'x'), CAPKIT_EINVAL);
  /* every listed field and alias is accepted */
  const char *name, *to;
  size_t n = 0;
  for (size_t i = 0; (name = capkit_export_field(i, NULL, NULL)); i++, n++)
    if (strncmp(name, "LAYER.", 6))
      CHECK_EQ(capkit_exporter_add(x, name), 0);
  CHECK(n > 150);
  for (size_t i = 0; (name = capkit_export_alias(i, &to)); i++)
    CHECK_EQ(capkit_exporter_add(x, name), 0);
  capkit_exporter_free(x);
}

static void test_times(void) {
  capkit_exporter *x = capkit_exporter_new();
  capkit_exporter_add(x, "frame.time_epoch");
  capkit_exporter_add(x, "frame.time_relative");
  capkit_exporter_add(x, "frame.time_delta");
  capkit_exporter_add(x, "ip.src");
  capkit_record r = CAPKIT_RECORD_INIT;
  uint8_t pkt[60] = {0};
  r.data = pkt;
  r.caplen = r.origlen = sizeof pkt;
  r.ts_sec = -2;
  r.ts_nsec = 250000000; /* -1.75 s */
  CHECK_EQ(capkit_exporter_row(x, &r), 0);
  CHECK(value_is(x, 0, 0, "-1.750000000"));
  CHECK(value_is(x, 1, 0, "0.000000000"));
  CHECK_EQ(capkit_exporter_count(x, 3), 0); /* no IP layer */
  r.ts_sec = -3; /* earlier than the first: negative relative time */
  r.ts_nsec = 0;
  CHECK_EQ(capkit_exporter_row(x, &r), 0);
  CHECK(value_is(x, 0, 0, "-3.000000000"));
  CHECK(value_is(x, 1, 0, "-1.250000000"));
  CHECK(value_is(x, 2, 0, "-1.250000000"));
  r.ts_sec = 9223372036; /* far beyond 2262: exact all the same */
  r.ts_nsec = 854775807;
  CHECK_EQ(capkit_exporter_row(x, &r), 0);
  CHECK(value_is(x, 0, 0, "9223372036.854775807"));
  r.ts_sec = 32503680000; /* year 3000 */
  r.ts_nsec = 1;
  CHECK_EQ(capkit_exporter_row(x, &r), 0);
  CHECK(value_is(x, 0, 0, "32503680000.000000001"));
  capkit_exporter_free(x);
}

/* QinQ: all, first and last occurrences of vlan.vid. */
static void test_occurrences(void) {
  uint8_t buf[256];
  long n = capkit_build("eth()/qinq(vid=200)/vlan(vid=300)/ipv4/udp", buf,
                        sizeof buf, NULL);
  CHECK(n > 0);
  capkit_record r = CAPKIT_RECORD_INIT;
  r.data = buf;
  r.caplen = r.origlen = (uint32_t)n;
  const int modes[] = {'a', 'f', 'l'};
  for (int m = 0; m < 3; m++) {
    capkit_exporter *x = capkit_exporter_new();
    capkit_exporter_add(x, "vlan.vid");
    capkit_exporter_add(x, "vlan.offset");
    CHECK_EQ(capkit_exporter_set_occurrence(x, modes[m]), 0);
    CHECK_EQ(capkit_exporter_row(x, &r), 0);
    if (modes[m] == 'a') {
      CHECK_EQ(capkit_exporter_count(x, 0), 2);
      CHECK(value_is(x, 0, 0, "200") && value_is(x, 0, 1, "300"));
      CHECK(value_is(x, 1, 0, "14") && value_is(x, 1, 1, "18"));
    } else {
      CHECK_EQ(capkit_exporter_count(x, 0), 1);
      CHECK(value_is(x, 0, 0, modes[m] == 'f' ? "200" : "300"));
    }
    capkit_exporter_free(x);
  }
}

/* Each alias gives its target's values, on every fixture packet. */
static void test_aliases_property(void) {
  const char *files[] = {"decode/tcp.pcap",
                         "decode/udp.pcap",
                         "decode/arp.pcap",
                         "decode/ipv6.pcap",
                         "decode/vlan.pcap",
                         "decode/icmp.pcap",
                         "connection_termination.pcap"};
  capkit_exporter *x = capkit_exporter_new();
  const char *name, *to;
  size_t na = 0;
  for (size_t i = 0; (name = capkit_export_alias(i, &to)); i++, na++) {
    capkit_exporter_add(x, name);
    capkit_exporter_add(x, to);
  }
  int rows = 0, same = 1, filled = 0;
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    capkit_reader *rd = capkit_reader_new();
    CHECK_EQ(capkit_reader_open_path(rd, tap_data(files[f])), 0);
    capkit_record rec = CAPKIT_RECORD_INIT;
    while (capkit_reader_next(rd, &rec) > 0) {
      CHECK_EQ(capkit_exporter_row(x, &rec), 0);
      rows++;
      for (size_t i = 0; i < na; i++) {
        size_t ca = capkit_exporter_count(x, 2 * i);
        same &= ca == capkit_exporter_count(x, 2 * i + 1);
        filled += ca > 0;
        for (size_t k = 0; same && k < ca; k++) {
          size_t la, lb;
          const char *a = capkit_exporter_value(x, 2 * i, k, &la);
          const char *b = capkit_exporter_value(x, 2 * i + 1, k, &lb);
          int dns =
              !strcmp(capkit_exporter_column_name(x, 2 * i), "dns.qry.name");
          /* Wireshark's DNS names have no final "." */
          same &= dns ? lb == la + 1 && !memcmp(a, b, la) && b[la] == '.'
                      : la == lb && !memcmp(a, b, la);
        }
      }
    }
    capkit_reader_free(rd);
  }
  CHECK(rows > 50);
  CHECK(filled > 500);
  CHECK(same);
  capkit_exporter_free(x);
}

static int line_is(int rc, const char *t, size_t n, const char *want) {
  return rc == 0 && n == strlen(want) && !memcmp(t, want, n);
}

/* Rows as text: TSV escapes, CSV quoting (RFC 4180: fields holding the
 * separator, a quote or a line break are quoted, quotes doubled), U+FFFD
 * for bytes that are not UTF-8 (RFC 3629), '.' for other controls, NDJSON
 * with numbers, arrays and null. */
static void test_layouts(void) {
  uint8_t buf[256];
  long n = capkit_build("eth()/qinq(vid=200)/vlan(vid=300)/ipv4/udp", buf,
                        sizeof buf, NULL);
  capkit_record r = CAPKIT_RECORD_INIT;
  r.data = buf;
  r.caplen = r.origlen = (uint32_t)n;
  r.comment = "a\tb\"c,d\n\xff\xc3\xa9\x01\\";
  capkit_exporter *x = capkit_exporter_new();
  capkit_exporter_add(x, "frame.comment");
  capkit_exporter_add(x, "vlan.vid");
  capkit_exporter_add(x, "tcp.dport");
  CHECK_EQ(capkit_exporter_row(x, &r), 0);
  capkit_export_layout lay = CAPKIT_EXPORT_LAYOUT_INIT;
  const char *t;
  size_t len;
  int rc = capkit_exporter_format_header(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len, "frame.comment\tvlan.vid\ttcp.dport\n"));
  rc = capkit_exporter_format_row(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len,
                "a\\tb\"c,d\\n\xef\xbf\xbd\xc3\xa9.\\\\\t200,300\t\n"));
  lay.format = CAPKIT_EXPORT_CSV;
  rc = capkit_exporter_format_header(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len, "frame.comment,vlan.vid,tcp.dport\n"));
  rc = capkit_exporter_format_row(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len,
                "\"a\tb\"\"c,d\n\xef\xbf\xbd\xc3\xa9.\\\",\"200,300\",\n"));
  lay.separator = ';';
  lay.aggregator = '|';
  rc = capkit_exporter_format_row(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len,
                "\"a\tb\"\"c,d\n\xef\xbf\xbd\xc3\xa9.\\\";200|300;\n"));
  lay.format = CAPKIT_EXPORT_NDJSON;
  rc = capkit_exporter_format_header(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len, ""));
  rc = capkit_exporter_format_row(x, &lay, &t, &len);
  CHECK(line_is(rc, t, len,
                "{\"frame.comment\":\"a\\tb\\\"c,d\\n\\u00ff\xc3\xa9\\u0001"
                "\\\\\",\"vlan.vid\":[200,300],\"tcp.dport\":null}\n"));
  lay.format = 3;
  CHECK_EQ(capkit_exporter_format_row(x, &lay, &t, &len), CAPKIT_EMISUSE);
  lay.format = CAPKIT_EXPORT_TSV;
  lay.size = 2;
  CHECK_EQ(capkit_exporter_format_row(x, &lay, &t, &len), CAPKIT_EMISUSE);
  capkit_exporter_free(x);
}

/* Records 1..5 of 20 + 10*i bytes at times 100+i, whole; cut 3 bytes
 * into record 5 when DAMAGED. Rows are "number<TAB>length". */
static void test_write(int damaged, const char *filter, const char *want,
                       int want_rc, uint64_t want_record) {
  mk_buf f;
  memset(&f, 0, sizeof f);
  mk_pcap_header(&f, 0, 65535, 1);
  uint8_t d[64];
  memset(d, 0xab, sizeof d);
  for (uint32_t i = 0; i < 5; i++)
    mk_pcap_record(&f, 100 + i, 0, 20 + 10 * i, 20 + 10 * i, d);
  if (damaged)
    f.n -= 3;
  capkit_reader *r = capkit_reader_new();
  CHECK_EQ(capkit_reader_open_memory(r, f.b, f.n, NULL), 0);
  capkit_filter *flt = NULL;
  if (filter) {
    flt = capkit_filter_new(filter);
    CHECK_EQ(capkit_filter_prepare(flt, 1), 0);
  }
  capkit_exporter *x = capkit_exporter_new();
  CHECK_EQ(capkit_exporter_add(x, "frame.number"), 0);
  CHECK_EQ(capkit_exporter_add(x, "frame.len"), 0);
  capkit_export_layout lay = CAPKIT_EXPORT_LAYOUT_INIT;
  char buf[256] = "";
  FILE *out = tmpfile();
  uint64_t rec = 0;
  CHECK_EQ(capkit_exporter_write(x, &lay, r, flt, out, &rec), want_rc);
  CHECK_EQ(rec, want_record);
  rewind(out);
  size_t n = fread(buf, 1, sizeof buf - 1, out);
  buf[n] = 0;
  CHECK(strcmp(buf, want) == 0);
  fclose(out);
  lay.format = 7;
  CHECK_EQ(capkit_exporter_write(x, &lay, r, flt, stdout, NULL),
           CAPKIT_EMISUSE);
  capkit_exporter_free(x);
  capkit_filter_free(flt);
  capkit_reader_free(r);
  free(f.b);
}

/* tshark's -E settings as tshark(1) documents them (header=y|n,
 * separator=/t or a character, aggregator, occurrence=f|l|a, quote=d|n:
 * capkit quotes only as CSV needs), and the format names; the header line
 * as tshark -T fields -E header=y -E separator=';' writes it. */
static void test_settings(void) {
  CHECK_EQ(capkit_export_format_parse("tsv"), CAPKIT_EXPORT_TSV);
  CHECK_EQ(capkit_export_format_parse("csv"), CAPKIT_EXPORT_CSV);
  CHECK_EQ(capkit_export_format_parse("ndjson"), CAPKIT_EXPORT_NDJSON);
  CHECK_EQ(capkit_export_format_parse("jsonl"), CAPKIT_EXPORT_NDJSON);
  CHECK_EQ(capkit_export_format_parse("json"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_export_format_parse("TSV"), CAPKIT_EINVAL);
  CHECK_EQ(capkit_export_format_parse(NULL), CAPKIT_EINVAL);
  capkit_exporter *x = capkit_exporter_new();
  CHECK_EQ(capkit_exporter_add(x, "ip.src"), 0);
  CHECK_EQ(capkit_exporter_add(x, "tcp.dport"), 0);
  capkit_export_layout lay = CAPKIT_EXPORT_LAYOUT_INIT;
  int header = -1;
  const char *t;
  size_t n;
  CHECK_EQ(capkit_exporter_setting(x, &lay, "header=y", &header), 0);
  CHECK_EQ(header, 1);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "header=n", &header), 0);
  CHECK_EQ(header, 0);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "header=yes", &header),
           CAPKIT_EINVAL);
  CHECK_EQ(header, 0);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "header=y", NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "separator=;", NULL), 0);
  CHECK_EQ(lay.separator, ';');
  CHECK_EQ(capkit_exporter_format_header(x, &lay, &t, &n), 0);
  CHECK(n == 17 && !memcmp(t, "ip.src;tcp.dport\n", n));
  CHECK_EQ(capkit_exporter_setting(x, &lay, "separator=/t", NULL), 0);
  CHECK_EQ(lay.separator, '\t');
  lay.separator = 0;
  CHECK_EQ(capkit_exporter_setting(x, &lay, "separator=\\t", NULL), 0);
  CHECK_EQ(lay.separator, '\t');
  CHECK_EQ(capkit_exporter_setting(x, &lay, "separator=ab", NULL),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "separator=", NULL),
           CAPKIT_EINVAL);
  CHECK_EQ(lay.separator, '\t');
  CHECK_EQ(capkit_exporter_setting(x, &lay, "aggregator=|", NULL), 0);
  CHECK_EQ(lay.aggregator, '|');
  CHECK_EQ(capkit_exporter_setting(x, &lay, "aggregator=/t", NULL), 0);
  CHECK_EQ(lay.aggregator, '\t');
  for (const char *o = "fla"; *o; o++) {
    char set[32];
    snprintf(set, sizeof set, "occurrence=%c", *o);
    CHECK_EQ(capkit_exporter_setting(x, &lay, set, NULL), 0);
  }
  CHECK_EQ(capkit_exporter_setting(x, &lay, "occurrence=x", NULL),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "occurrence=ff", NULL),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "quote=d", NULL), 0);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "quote=n", NULL), 0);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "quote=s", NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "nosuch=1", NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "header", &header),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, "headerx=y", &header),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, &lay, NULL, NULL), CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(NULL, &lay, "quote=d", NULL),
           CAPKIT_EINVAL);
  CHECK_EQ(capkit_exporter_setting(x, NULL, "quote=d", NULL), CAPKIT_EINVAL);
  capkit_exporter_free(x);
}

int main(void) {
  test_settings();
  test_write(0, NULL, "1\t20\n2\t30\n3\t40\n4\t50\n5\t60\n", 0, 0);
  test_write(1, NULL, "1\t20\n2\t30\n3\t40\n4\t50\n", CAPKIT_ETRUNC, 5);
  test_write(0, "greater 45", "4\t50\n5\t60\n", 0, 0);
  test_names();
  test_times();
  test_occurrences();
  test_aliases_property();
  test_layouts();
  return tap_done();
}

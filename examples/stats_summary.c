/* stats_summary.c - summarize captures with the statistics accumulator:
 * one accumulator per file, merged into one total (as parallel workers
 * would), then the summary, the hierarchy's top layers and the busiest
 * TCP conversation, as JSON on one line.
 * Build: cc stats_summary.c $(pkg-config --cflags --libs capkit) */
#include <inttypes.h>
#include <stdio.h>

#include <capkit/capkit.h>
#include <capkit/stats.h>

/* Count one file into a new accumulator; NULL (after a message) on error.
 * The accumulators share an origin so that their series line up. */
static capkit_stats *count_file(const char *path,
                                const capkit_stats_settings *set, int *bad) {
  capkit_reader *r = capkit_reader_new();
  capkit_stats *s = capkit_stats_new(set);
  if (!r || !s) {
    fprintf(stderr, "out of memory\n");
    capkit_reader_free(r);
    capkit_stats_free(s);
    return NULL;
  }
  int rc = capkit_reader_open_path(r, path);
  capkit_record rec = CAPKIT_RECORD_INIT;
  if (rc == 0)
    while ((rc = capkit_reader_next(r, &rec)) > 0)
      if (capkit_stats_add(s, &rec, NULL) == CAPKIT_ENOMEM) {
        rc = CAPKIT_ENOMEM;
        break;
      }
  if (rc < 0) { /* keep what came before the damage */
    fprintf(stderr, "%s\n", capkit_reader_error(r));
    *bad = 1;
  }
  capkit_reader_free(r);
  return s;
}

static void print_time(const char *key, capkit_time t) {
  capkit_time zero = {0, 0};
  capkit_span d = capkit_time_span(t, zero);
  printf(",\"%s\":%s%" PRIu64 ".%06u", key, d.negative ? "-" : "", d.sec,
         (unsigned)(d.nsec / 1000));
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: stats_summary FILE...\n");
    return 2;
  }
  capkit_stats_settings set = CAPKIT_STATS_SETTINGS_INIT;
  set.has_origin = 1; /* a common grid for every part */
  capkit_stats *total = capkit_stats_new(&set);
  int bad = 0;
  for (int i = 1; i < argc && total; i++) {
    capkit_stats *part = count_file(argv[i], &set, &bad);
    if (!part || capkit_stats_merge(total, part) != 0) {
      fprintf(stderr, "cannot count %s\n", argv[i]);
      capkit_stats_free(part);
      capkit_stats_free(total);
      return 3;
    }
    capkit_stats_free(part);
  }
  if (!total)
    return 3;

  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(total, &sum);
  printf("{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
         ",\"captured_bytes\":%" PRIu64,
         sum.packets, sum.bytes, sum.captured_bytes);
  if (sum.packets) {
    print_time("first", sum.earliest);
    print_time("last", sum.latest);
    capkit_span d = capkit_time_span(sum.latest, sum.earliest);
    printf(",\"duration\":%" PRIu64 ".%06u", d.sec, (unsigned)(d.nsec / 1000));
    printf(",\"min\":%" PRIu32 ",\"max\":%" PRIu32, sum.min_len, sum.max_len);
  }
  /* the roots of the protocol hierarchy */
  printf(",\"roots\":{");
  int first = 1;
  for (int n = capkit_stats_node_count(total) ? 0 : -1; n >= 0;) {
    const capkit_stats_node *x = capkit_stats_node_at(total, (size_t)n);
    printf("%s\"%s\":%" PRIu64, first ? "" : ",", x->name, x->packets);
    first = 0;
    n = x->next_sibling;
  }
  /* conversation counts, and the busiest TCP conversation */
  static const char *const kinds[] = {"eth", "ipv4", "ipv6", "tcp", "udp"};
  printf("},\"conversations\":{");
  for (int k = 0; k < CAPKIT_CONV_KINDS; k++)
    printf("%s\"%s\":%zu", k ? "," : "", kinds[k],
           capkit_stats_conv_count(total, k));
  printf("}");
  size_t n;
  const capkit_stats_conv **v = capkit_stats_conversations(
      total, CAPKIT_CONV_BIT(CAPKIT_CONV_TCP), CAPKIT_STATS_BY_PACKETS, &n);
  if (n)
    printf(",\"top_tcp\":{\"port_a\":%u,\"port_b\":%u,\"packets\":%" PRIu64 "}",
           v[0]->port_a, v[0]->port_b, v[0]->packets_ab + v[0]->packets_ba);
  capkit_stats_list_free(v);
  printf("}\n");
  capkit_stats_free(total);
  return bad;
}

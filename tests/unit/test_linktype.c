/* test_linktype.c - the link-type registry: order, round trips for every
 * entry, names and aliases in every spelling, unknowns, and a cross-check of
 * the names against the installed libpcap. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <capkit/capkit.h>

#include "tap.h"

#ifdef CAPKIT_HAVE_LIBPCAP
#include <pcap/pcap.h>
#endif

static size_t count_entries(void) {
  size_t n = 0;
  uint32_t lt;
  while (capkit_linktype_entry(n, &lt))
    n++;
  return n;
}

/* Every entry: sorted strictly, named, described, and number -> name ->
 * number comes back in the canonical, lower-case and prefixed spellings. */
static void test_round_trips(void) {
  size_t n = count_entries();
  CHECK(n >= 200);
  int sorted = 1, named = 1, rt = 1, rt_lower = 1, rt_prefixed = 1;
  int rt_number = 1, desc_ok = 1;
  uint32_t prev = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t lt = 0, got = 0;
    CHECK(capkit_linktype_entry(i, &lt) == 1);
    if (i && lt <= prev) {
      sorted = 0;
      fprintf(stderr, "not sorted at %u\n", lt);
    }
    prev = lt;
    const char *name = capkit_linktype_name(lt);
    const char *desc = capkit_linktype_description(lt);
    if (!name || !*name) {
      named = 0;
      continue;
    }
    if (!desc || !*desc || strchr(desc, '\n'))
      desc_ok = 0;
    if (capkit_linktype_from_name(name, &got) || got != lt) {
      rt = 0;
      fprintf(stderr, "round trip %u %s -> %u\n", lt, name, got);
    }
    char buf[128];
    size_t k = strlen(name);
    if (k >= sizeof buf - 16) {
      rt_lower = 0;
      continue;
    }
    for (size_t j = 0; j <= k; j++)
      buf[j] = (char)tolower((unsigned char)name[j]);
    got = 0;
    if (capkit_linktype_from_name(buf, &got) || got != lt)
      rt_lower = 0;
    snprintf(buf, sizeof buf, "DLT_%s", name);
    got = 0;
    if (capkit_linktype_from_name(buf, &got) || got != lt)
      rt_prefixed = 0;
    snprintf(buf, sizeof buf, "linktype_%s", name);
    got = 0;
    if (capkit_linktype_from_name(buf, &got) || got != lt)
      rt_prefixed = 0;
    snprintf(buf, sizeof buf, "%u", lt);
    got = 0;
    if (capkit_linktype_from_name(buf, &got) || got != lt)
      rt_number = 0;
  }
  CHECK(sorted);
  CHECK(named);
  CHECK(desc_ok);
  CHECK(rt);
  CHECK(rt_lower);
  CHECK(rt_prefixed);
  CHECK(rt_number);
  /* Names are unique, so a name never maps to two numbers. */
  int unique = 1;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      uint32_t a, b;
      capkit_linktype_entry(i, &a);
      capkit_linktype_entry(j, &b);
      if (strcasecmp(capkit_linktype_name(a), capkit_linktype_name(b)) == 0)
        unique = 0;
    }
  CHECK(unique);
}

/* The whole public registry is there: the dense ranges have no holes except
 * the reserved values. */
static void test_coverage(void) {
  static const uint32_t must[] = {0,   1,   2,   3,   4,   5,   6,   7,   8,
                                  9,   10,  50,  51,  99,  100, 101, 102, 103,
                                  104, 105, 106, 107, 108, 109, 113, 127, 147,
                                  162, 195, 228, 229, 276, 289, 295, 301};
  for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
    CHECK(capkit_linktype_name(must[i]) != NULL);
  int holes = 0;
  for (uint32_t v = 99; v <= 301; v++)
    if (v != 208 && !capkit_linktype_name(v)) {
      holes++;
      fprintf(stderr, "missing %u\n", v);
    }
  CHECK_EQ(holes, 0);
  for (uint32_t v = 147; v <= 162; v++) {
    char want[16];
    snprintf(want, sizeof want, "USER%u", v - 147);
    CHECK(capkit_linktype_name(v) && strcmp(capkit_linktype_name(v), want) == 0);
  }
}

static uint32_t num(const char *name) {
  uint32_t v = 0xdeadbeef;
  if (capkit_linktype_from_name(name, &v))
    return 0xdeadbeef;
  return v;
}

/* The DLT_ names are primary; the LINKTYPE_ names and habits are aliases. */
static void test_names_and_aliases(void) {
  static const struct {
    uint32_t lt;
    const char *name;
  } primary[] = {{0, "NULL"},
                 {1, "EN10MB"},
                 {6, "IEEE802"},
                 {50, "PPP_SERIAL"},
                 {101, "RAW"},
                 {105, "IEEE802_11"},
                 {108, "LOOP"},
                 {113, "LINUX_SLL"},
                 {119, "PRISM_HEADER"},
                 {127, "IEEE802_11_RADIO"},
                 {163, "IEEE802_11_RADIO_AVS"},
                 {228, "IPV4"},
                 {229, "IPV6"},
                 {276, "LINUX_SLL2"}};
  for (size_t i = 0; i < sizeof primary / sizeof primary[0]; i++) {
    const char *n = capkit_linktype_name(primary[i].lt);
    CHECK(n && strcmp(n, primary[i].name) == 0);
  }
  CHECK_EQ(num("ETHERNET"), 1u);
  CHECK_EQ(num("LINKTYPE_ETHERNET"), 1u);
  CHECK_EQ(num("linktype_ethernet"), 1u);
  CHECK_EQ(num("DLT_EN10MB"), 1u);
  CHECK_EQ(num("en10mb"), 1u);
  CHECK_EQ(num("ether"), 1u);
  CHECK_EQ(num("IEEE802_5"), 6u);
  CHECK_EQ(num("PPP_HDLC"), 50u);
  CHECK_EQ(num("LINKTYPE_RAW"), 101u);
  CHECK_EQ(num("IEEE802_11_RADIOTAP"), 127u);
  CHECK_EQ(num("radiotap"), 127u);
  CHECK_EQ(num("IEEE802_11_PRISM"), 119u);
  CHECK_EQ(num("IEEE802_11_AVS"), 163u);
  CHECK_EQ(num("IEEE802_15_4_WITHFCS"), 195u);
  CHECK_EQ(num("sll"), 113u);
  CHECK_EQ(num("SLL2"), 276u);
  CHECK_EQ(num("LINKTYPE_LINUX_SLL2"), 276u);
  CHECK_EQ(num("NETBSD_HDLC"), 112u);
  CHECK_EQ(num("USER0"), 147u);
  CHECK_EQ(num("dlt_user15"), 162u);
  CHECK_EQ(num("0"), 0u);
  CHECK_EQ(num("1"), 1u);
  CHECK_EQ(num("65535"), 65535u);
  CHECK_EQ(num("7777"), 7777u); /* numbers need not be registered */
  const char *d = capkit_linktype_description(1);
  CHECK(d && strstr(d, "Ethernet"));
}

static void test_unknown(void) {
  uint32_t v = 42;
  CHECK_EQ(capkit_linktype_from_name("NO_SUCH_TYPE", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(v, 42u);
  CHECK_EQ(capkit_linktype_from_name("DLT_", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("LINKTYPE_", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("EN10MBX", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("ETHERNET ", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("65536", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("1x", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("99999999999999999999999", &v),
           CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("-1", &v), CAPKIT_ENOTFOUND);
  CHECK_EQ(capkit_linktype_from_name("", &v), CAPKIT_EINVAL);
  CHECK_EQ(capkit_linktype_from_name(NULL, &v), CAPKIT_EINVAL);
  CHECK_EQ(capkit_linktype_from_name("EN10MB", NULL), CAPKIT_EINVAL);
  CHECK_EQ(v, 42u);
  /* Reserved and unassigned numbers have no name. */
  static const uint32_t none[] = {11, 12, 14, 49, 52, 98, 208, 400, 65000,
                                  65535, 65536, 0xffffffffu};
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
    CHECK(capkit_linktype_name(none[i]) == NULL);
    CHECK(capkit_linktype_description(none[i]) == NULL);
  }
  uint32_t lt = 7;
  CHECK_EQ(capkit_linktype_entry(count_entries(), &lt), 0);
  CHECK_EQ(lt, 7u);
  CHECK_EQ(capkit_linktype_entry(0, NULL), 1);
}

#ifdef CAPKIT_HAVE_LIBPCAP
/* libpcap names DLT_ values. They equal the LINKTYPE_ values except for a
 * few platform-dependent ones, which libpcap maps on read and which sit in
 * the reserved 11-49 range on this platform (Linux: ATM_RFC1483 11, RAW 12,
 * SLIP_BSDOS 15, PPP_BSDOS 16, ATM_CLIP 19); libpcap has no DLT_ at the
 * LINKTYPE_ values 100-103 and 106 there, so it knows nothing to compare. */
static int dlt_only(int v) { return v >= 11 && v <= 49; }

static void test_libpcap(void) {
  int compared = 0, agree = 1, known = 1, to_val = 1;
  size_t n = count_entries();
  for (size_t i = 0; i < n; i++) {
    uint32_t lt;
    capkit_linktype_entry(i, &lt);
    const char *ours = capkit_linktype_name(lt);
    const char *theirs = pcap_datalink_val_to_name((int)lt);
    if (!theirs)
      continue;
    compared++;
    if (strcasecmp(ours, theirs) != 0) {
      agree = 0;
      fprintf(stderr, "libpcap names %u %s, we say %s\n", lt, theirs, ours);
    }
    /* And libpcap reads our name back as the same value. */
    if (pcap_datalink_name_to_val(ours) != (int)lt) {
      to_val = 0;
      fprintf(stderr, "libpcap reads %s as %d, not %u\n", ours,
              pcap_datalink_name_to_val(ours), lt);
    }
  }
  /* Everything libpcap names is in the registry (past the DLT-only
   * values), under the name libpcap gives. */
  for (int v = 0; v < 1024; v++) {
    const char *theirs = pcap_datalink_val_to_name(v);
    if (!theirs || dlt_only(v))
      continue;
    uint32_t got;
    if (capkit_linktype_from_name(theirs, &got) || got != (uint32_t)v) {
      known = 0;
      fprintf(stderr, "libpcap knows %d %s, we do not\n", v, theirs);
    }
  }
  CHECK(compared >= 140);
  CHECK(agree);
  CHECK(to_val);
  CHECK(known);
}
#endif

int main(void) {
  test_round_trips();
  test_coverage();
  test_names_and_aliases();
  test_unknown();
#ifdef CAPKIT_HAVE_LIBPCAP
  test_libpcap();
#endif
  return tap_done();
}

/* linktype.c - the LINKTYPE_ registry (number, name, description), kept in
 * number order; names are the registry's without the LINKTYPE_ prefix. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <capkit/capkit.h>

typedef struct lt_entry {
  uint32_t num;
  const char *name;
  const char *desc;
} lt_entry;

static const lt_entry table[] = {
    {0, "NULL", "BSD loopback encapsulation"},
    {1, "ETHERNET", "IEEE 802.3 Ethernet"},
    {101, "RAW", "Raw IP; the packet begins with an IPv4 or IPv6 header"},
    {105, "IEEE802_11", "IEEE 802.11 wireless LAN"},
    {108, "LOOP", "OpenBSD loopback encapsulation"},
    {113, "LINUX_SLL", "Linux \"cooked\" capture encapsulation"},
    {228, "IPV4", "Raw IPv4; the packet begins with an IPv4 header"},
    {229, "IPV6", "Raw IPv6; the packet begins with an IPv6 header"},
    {276, "LINUX_SLL2", "Linux \"cooked\" capture encapsulation v2"},
};

/* Aliases accepted by capkit_linktype_from_name (DLT_ names, habits). */
static const struct {
  const char *alias;
  uint32_t num;
} aliases[] = {
    {"EN10MB", 1},
    {"ETHER", 1},
    {"SLL", 113},
    {"SLL2", 276},
};

#define N_TABLE (sizeof table / sizeof table[0])

static const lt_entry *find(uint32_t num) {
  size_t lo = 0, hi = N_TABLE;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (table[mid].num == num)
      return &table[mid];
    if (table[mid].num < num)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const char *capkit_linktype_name(uint32_t linktype) {
  const lt_entry *e = find(linktype);
  return e ? e->name : NULL;
}

const char *capkit_linktype_description(uint32_t linktype) {
  const lt_entry *e = find(linktype);
  return e ? e->desc : NULL;
}

int capkit_linktype_from_name(const char *name, uint32_t *out) {
  if (!name || !*name || !out)
    return CAPKIT_EINVAL;
  if (isdigit((unsigned char)name[0])) {
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    if (*end || v > 0xffff)
      return CAPKIT_ENOTFOUND;
    *out = (uint32_t)v;
    return 0;
  }
  if (strncasecmp(name, "LINKTYPE_", 9) == 0)
    name += 9;
  else if (strncasecmp(name, "DLT_", 4) == 0)
    name += 4;
  for (size_t i = 0; i < N_TABLE; i++)
    if (strcasecmp(table[i].name, name) == 0) {
      *out = table[i].num;
      return 0;
    }
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcasecmp(aliases[i].alias, name) == 0) {
      *out = aliases[i].num;
      return 0;
    }
  return CAPKIT_ENOTFOUND;
}

int capkit_linktype_entry(size_t i, uint32_t *linktype) {
  if (i >= N_TABLE)
    return 0;
  if (linktype)
    *linktype = table[i].num;
  return 1;
}

/* export.c - the field exporter behind `capkit export`: columns named as
 * the field visitor names fields (or as Wireshark does), filled per record
 * from one walk of the visitor plus the frame's own values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/cut.h>
#include <capkit/export.h>

#include "../internal.h"
#include "print_int.h"

#define I CAPKIT_EXPORT_INTEGER
#define D CAPKIT_EXPORT_DECIMAL
#define T CAPKIT_EXPORT_TEXT

typedef struct fdef {
  const char *name;
  int type;
  const char *desc;
} fdef;

/* Every field: the frame's own, then each layer's as the field visitor
 * (fields.c) emits them, then the parts every layer has. */
static const fdef fields[] = {
    {"frame.number", I, "record number in its file, from 1"},
    {"frame.time_epoch", D, "seconds since 1970-01-01 UTC, exact"},
    {"frame.time_relative", D, "seconds since the first record"},
    {"frame.time_delta", D, "seconds since the previous record"},
    {"frame.len", I, "length on the wire"},
    {"frame.cap_len", I, "bytes captured"},
    {"frame.interface_id", I, "interface number (pcapng)"},
    {"frame.linktype", I, "link type (LINKTYPE_ value)"},
    {"frame.offset", I, "byte offset of the record in its file"},
    {"frame.comment", T, "packet comment (pcapng)"},
    {"eth.src", T, "source MAC"},
    {"eth.dst", T, "destination MAC"},
    {"eth.type", I, "EtherType"},
    {"eth.length", I, "802.3 length field"},
    {"llc.dsap", I, ""},
    {"llc.ssap", I, ""},
    {"llc.control", I, ""},
    {"llc.oui", I, "SNAP organization code"},
    {"llc.pid", I, "SNAP protocol id"},
    {"vlan.tpid", I, "tag protocol id"},
    {"vlan.pcp", I, "priority"},
    {"vlan.dei", I, "drop eligible"},
    {"vlan.vid", I, "VLAN id"},
    {"vlan.type", I, "EtherType that follows"},
    {"sll.pkttype", I, ""},
    {"sll.hatype", I, ""},
    {"sll.halen", I, ""},
    {"sll.addr", T, "link address"},
    {"sll.protocol", I, ""},
    {"sll2.pkttype", I, ""},
    {"sll2.hatype", I, ""},
    {"sll2.halen", I, ""},
    {"sll2.addr", T, "link address"},
    {"sll2.protocol", I, ""},
    {"sll2.ifindex", I, "interface index"},
    {"null.family", I, "address family"},
    {"null.swapped", I, "family in the other byte order"},
    {"arp.htype", I, ""},
    {"arp.ptype", I, ""},
    {"arp.hlen", I, ""},
    {"arp.plen", I, ""},
    {"arp.op", I, "1 request, 2 reply"},
    {"arp.sha", T, "sender MAC"},
    {"arp.spa", T, "sender IPv4"},
    {"arp.tha", T, "target MAC"},
    {"arp.tpa", T, "target IPv4"},
    {"ip.version", I, ""},
    {"ip.ihl", I, "header length in bytes"},
    {"ip.tos", I, "type of service / DSCP+ECN"},
    {"ip.total_len", I, "total length"},
    {"ip.id", I, "identification"},
    {"ip.df", I, "don't fragment"},
    {"ip.mf", I, "more fragments"},
    {"ip.frag_off", I, "fragment offset in bytes"},
    {"ip.ttl", I, "time to live"},
    {"ip.proto", I, "protocol"},
    {"ip.checksum", I, "header checksum"},
    {"ip.checksum_status", T, "good, bad or unverified"},
    {"ip.src", T, "source address"},
    {"ip.dst", T, "destination address"},
    {"ip.options_len", I, "option bytes"},
    {"ip.options", T, "option names"},
    {"ipv6.tclass", I, "traffic class"},
    {"ipv6.flow", I, "flow label"},
    {"ipv6.plen", I, "payload length"},
    {"ipv6.next", I, "next header"},
    {"ipv6.hlim", I, "hop limit"},
    {"ipv6.src", T, "source address"},
    {"ipv6.dst", T, "destination address"},
    {"ipv6.proto", I, "upper-layer protocol"},
    {"ipv6ext.type", I, "extension header type"},
    {"ipv6ext.next", I, ""},
    {"ipv6ext.len", I, ""},
    {"ipv6ext.frag_off", I, ""},
    {"ipv6ext.mf", I, ""},
    {"ipv6ext.frag_id", I, ""},
    {"ipv6ext.routing_type", I, ""},
    {"ipv6ext.segments_left", I, ""},
    {"icmp.type", I, ""},
    {"icmp.code", I, ""},
    {"icmp.checksum", I, ""},
    {"icmp.checksum_status", T, ""},
    {"icmp.id", I, "echo identifier"},
    {"icmp.seq", I, "echo sequence number"},
    {"icmpv6.type", I, ""},
    {"icmpv6.code", I, ""},
    {"icmpv6.checksum", I, ""},
    {"icmpv6.checksum_status", T, ""},
    {"icmpv6.id", I, ""},
    {"icmpv6.seq", I, ""},
    {"icmpv6.target", T, "neighbor discovery target"},
    {"icmpv6.nd_flags", I, ""},
    {"icmpv6.lladdr", T, "link-layer address option"},
    {"udp.sport", I, "source port"},
    {"udp.dport", I, "destination port"},
    {"udp.len", I, "length"},
    {"udp.checksum", I, ""},
    {"udp.checksum_status", T, ""},
    {"tcp.sport", I, "source port"},
    {"tcp.dport", I, "destination port"},
    {"tcp.seq", I, "sequence number (absolute)"},
    {"tcp.ack", I, "acknowledgment number (absolute)"},
    {"tcp.doff", I, "header length in bytes"},
    {"tcp.flags", T, "flags as tcpdump writes them ([S.])"},
    {"tcp.flags_raw", I, "flag bits"},
    {"tcp.window", I, "window (unscaled)"},
    {"tcp.checksum", I, ""},
    {"tcp.checksum_status", T, ""},
    {"tcp.urg", I, "urgent pointer"},
    {"tcp.mss", I, "MSS option"},
    {"tcp.wscale", I, "window scale option"},
    {"tcp.sack_permitted", I, ""},
    {"tcp.ts_val", I, "timestamp option value"},
    {"tcp.ts_ecr", I, "timestamp option echo reply"},
    {"tcp.sack", T, "SACK blocks LEFT-RIGHT"},
    {"gre.flags", I, ""},
    {"gre.version", I, ""},
    {"gre.proto", I, ""},
    {"gre.checksum", I, ""},
    {"gre.key", I, ""},
    {"gre.seq", I, ""},
    {"vxlan.flags", I, ""},
    {"vxlan.vni", I, ""},
    {"dns.id", I, ""},
    {"dns.qr", I, "0 query, 1 response"},
    {"dns.opcode", I, ""},
    {"dns.rcode", I, ""},
    {"dns.flags", T, ""},
    {"dns.qdcount", I, ""},
    {"dns.ancount", I, ""},
    {"dns.nscount", I, ""},
    {"dns.arcount", I, ""},
    {"dns.qname", T, "first question's name"},
    {"dns.qtype", T, "first question's type"},
    {"dns.qclass", I, ""},
    {"dhcp.op", I, ""},
    {"dhcp.xid", I, ""},
    {"dhcp.secs", I, ""},
    {"dhcp.flags", I, ""},
    {"dhcp.ciaddr", T, ""},
    {"dhcp.yiaddr", T, ""},
    {"dhcp.siaddr", T, ""},
    {"dhcp.giaddr", T, ""},
    {"dhcp.chaddr", T, ""},
    {"dhcp.msgtype", T, ""},
    {"dhcp.requested", T, ""},
    {"ntp.leap", I, ""},
    {"ntp.version", I, ""},
    {"ntp.mode", T, ""},
    {"ntp.stratum", I, ""},
    {"ntp.poll", I, ""},
    {"ntp.precision", I, ""},
    {"http.kind", T, "request or response"},
    {"http.line", T, "request or status line"},
    {"tls.content_type", I, ""},
    {"tls.content", T, ""},
    {"tls.version", I, ""},
    {"tls.length", I, ""},
    {"tls.handshake_type", I, ""},
    {"LAYER.offset", I, "any layer: where it starts in the packet"},
    {"LAYER.hdr_len", I, "any layer: bytes of its header"},
    {"LAYER.payload_len", I, "any layer: bytes that follow its header"},
};

/* Wireshark's names for the same values. */
static const char *const aliases[][2] = {
    {"vlan.id", "vlan.vid"},
    {"vlan.priority", "vlan.pcp"},
    {"vlan.etype", "vlan.type"},
    {"arp.opcode", "arp.op"},
    {"arp.src.hw_mac", "arp.sha"},
    {"arp.src.proto_ipv4", "arp.spa"},
    {"arp.dst.hw_mac", "arp.tha"},
    {"arp.dst.proto_ipv4", "arp.tpa"},
    {"ip.len", "ip.total_len"},
    {"ip.hdr_len", "ip.ihl"},
    {"ip.dsfield", "ip.tos"},
    {"ip.flags.df", "ip.df"},
    {"ip.flags.mf", "ip.mf"},
    {"ip.frag_offset", "ip.frag_off"},
    {"ipv6.nxt", "ipv6.next"},
    {"tcp.srcport", "tcp.sport"},
    {"tcp.dstport", "tcp.dport"},
    {"tcp.seq_raw", "tcp.seq"},
    {"tcp.ack_raw", "tcp.ack"},
    {"tcp.hdr_len", "tcp.doff"},
    {"tcp.window_size_value", "tcp.window"},
    {"tcp.urgent_pointer", "tcp.urg"},
    {"tcp.len", "tcp.payload_len"},
    {"tcp.options.mss_val", "tcp.mss"},
    {"udp.srcport", "udp.sport"},
    {"udp.dstport", "udp.dport"},
    {"udp.length", "udp.len"},
    {"dns.qry.name", "dns.qname"}, /* without the root's final "." */
    {"dns.count.queries", "dns.qdcount"},
    {"dns.count.answers", "dns.ancount"},
    {"dns.flags.response", "dns.qr"},
};

#define NFIELDS (sizeof fields / sizeof fields[0])
#define NALIASES (sizeof aliases / sizeof aliases[0])

const char *capkit_export_field(size_t i, capkit_export_type *type,
                                const char **description) {
  if (i >= NFIELDS)
    return NULL;
  if (type)
    *type = (capkit_export_type)fields[i].type;
  if (description)
    *description = fields[i].desc;
  return fields[i].name;
}

const char *capkit_export_alias(size_t i, const char **capkit_name) {
  if (i >= NALIASES)
    return NULL;
  if (capkit_name)
    *capkit_name = aliases[i][1];
  return aliases[i][0];
}

/* The frame's own fields, by their index in fields[]. */
enum {
  F_NUMBER,
  F_EPOCH,
  F_RELATIVE,
  F_DELTA,
  F_LEN,
  F_CAPLEN,
  F_IFACE,
  F_LINKTYPE,
  F_OFFSET,
  F_COMMENT,
  F_FRAME_END
};

typedef struct column {
  char *name; /* as added */
  int type;
  int frame; /* F_* for frame fields, else -1 */
  char layer[16];
  int ltype; /* the layer's CAPKIT_LAYER_ type */
  char field[32];
  size_t field_len; /* "offset", "hdr_len", "payload_len" are the layer's */
  int common;       /* 1: one of the parts every layer has */
  int no_root_dot;  /* Wireshark's DNS names: without the final "." */
  tbuf text;        /* the values, one after the other */
  size_t *ends;     /* end of each value in text */
  size_t n, cap;
} column;

struct capkit_exporter {
  column *cols;
  size_t ncols;
  unsigned decode_opts;      /* checksums only when a column shows a verdict */
  size_t *by_layer;          /* layer column indices, grouped by type */
  size_t by_layer_start[65]; /* group t is by_layer[start[t]..start[t+1]) */
  int started, occurrence;
  int have_first;
  capkit_time first, prev; /* for frame.time_relative and _delta */
  char err[256];
  tbuf line; /* capkit_exporter_format_row's text */
};

capkit_exporter *capkit_exporter_new(void) {
  capkit_exporter *x = calloc(1, sizeof *x);
  if (x)
    x->occurrence = 'a';
  return x;
}

void capkit_exporter_free(capkit_exporter *x) {
  if (!x)
    return;
  free(x->line.p);
  for (size_t i = 0; i < x->ncols; i++) {
    free(x->cols[i].name);
    free(x->cols[i].text.p);
    free(x->cols[i].ends);
  }
  free(x->cols);
  free(x->by_layer);
  free(x);
}

const char *capkit_exporter_error(const capkit_exporter *x) {
  return x ? x->err : "";
}

int capkit_exporter_set_occurrence(capkit_exporter *x, int which) {
  if (!x || (which != 'a' && which != 'f' && which != 'l'))
    return CAPKIT_EINVAL;
  x->occurrence = which;
  return 0;
}

int capkit_export_format_parse(const char *name) {
  if (!name)
    return CAPKIT_EINVAL;
  if (!strcmp(name, "tsv"))
    return CAPKIT_EXPORT_TSV;
  if (!strcmp(name, "csv"))
    return CAPKIT_EXPORT_CSV;
  if (!strcmp(name, "ndjson") || !strcmp(name, "jsonl"))
    return CAPKIT_EXPORT_NDJSON;
  return CAPKIT_EINVAL;
}

/* A separator or aggregator value: one character, or tshark's tab. */
static int one_char(const char *v, char *out) {
  if (!strcmp(v, "\\t") || !strcmp(v, "/t")) {
    *out = '\t';
    return 0;
  }
  if (strlen(v) != 1)
    return CAPKIT_EINVAL;
  *out = v[0];
  return 0;
}

int capkit_exporter_setting(capkit_exporter *x, capkit_export_layout *lay,
                            const char *setting, int *header) {
  const char *eq = setting ? strchr(setting, '=') : NULL;
  if (!x || !lay || !eq)
    return CAPKIT_EINVAL;
  const char *v = eq + 1;
  size_t kl = (size_t)(eq - setting);
#define IS(name) (kl == sizeof name - 1 && !strncmp(setting, name, kl))
  if (IS("header")) {
    if (!header || (strcmp(v, "y") && strcmp(v, "n")))
      return CAPKIT_EINVAL;
    *header = !strcmp(v, "y");
    return 0;
  }
  if (IS("separator"))
    return one_char(v, &lay->separator);
  if (IS("aggregator"))
    return one_char(v, &lay->aggregator);
  if (IS("occurrence"))
    return strlen(v) == 1 ? capkit_exporter_set_occurrence(x, v[0])
                          : CAPKIT_EINVAL;
  if (IS("quote")) /* minimal quoting, always */
    return strcmp(v, "d") && strcmp(v, "n") ? CAPKIT_EINVAL : 0;
#undef IS
  return CAPKIT_EINVAL;
}

static int is_common(const char *field) {
  return !strcmp(field, "offset") || !strcmp(field, "hdr_len") ||
         !strcmp(field, "payload_len");
}

/* The layer type named LAYER (capkit_layer_name), 0 if none. */
static int known_layer(const char *layer) {
  for (int t = 1; t < 64; t++) {
    const char *n = capkit_layer_name(t);
    if (!strcmp(n, "?"))
      break;
    if (!strcmp(n, layer))
      return t;
  }
  return 0;
}

/* Length of the common prefix, for the suggestion in an error. */
static size_t common_prefix(const char *a, const char *b) {
  size_t k = 0;
  while (a[k] && a[k] == b[k])
    k++;
  return k;
}

int capkit_exporter_add(capkit_exporter *x, const char *name) {
  if (!x || !name)
    return CAPKIT_EINVAL;
  if (x->started)
    return CAPKIT_EMISUSE;
  x->err[0] = 0;
  const char *canon = name;
  for (size_t i = 0; i < NALIASES; i++)
    if (!strcmp(aliases[i][0], name)) {
      canon = aliases[i][1];
      break;
    }
  int type = 0, frame = -1;
  const char *dot = strchr(canon, '.');
  if (dot && is_common(dot + 1) && (size_t)(dot - canon) < 16) {
    char layer[16];
    memcpy(layer, canon, (size_t)(dot - canon));
    layer[dot - canon] = 0;
    if (known_layer(layer))
      type = I;
  }
  for (size_t i = 0; !type && i < NFIELDS; i++)
    if (!strcmp(fields[i].name, canon)) {
      type = fields[i].type;
      frame = i < F_FRAME_END ? (int)i : -1;
    }
  if (!type) {
    size_t best = 0, bl = 0;
    for (size_t i = 0; i < NFIELDS; i++) {
      size_t k = common_prefix(fields[i].name, name);
      if (k > bl) {
        bl = k;
        best = i;
      }
    }
    snprintf(x->err, sizeof x->err,
             "unknown field '%s'%s%s%s (capkit export --fields lists them)",
             name, bl > 2 ? " (did you mean '" : "",
             bl > 2 ? fields[best].name : "", bl > 2 ? "'?)" : "");
    return CAPKIT_ENOTFOUND;
  }
  column *c = realloc(x->cols, (x->ncols + 1) * sizeof *c);
  if (!c)
    return CAPKIT_ENOMEM;
  x->cols = c;
  c = &x->cols[x->ncols];
  memset(c, 0, sizeof *c);
  c->name = strdup(name);
  if (!c->name)
    return CAPKIT_ENOMEM;
  c->type = type;
  c->frame = frame;
  if (frame < 0) {
    size_t ll = (size_t)(dot - canon);
    memcpy(c->layer, canon, ll);
    c->layer[ll] = 0;
    snprintf(c->field, sizeof c->field, "%s", dot + 1);
    c->common = is_common(c->field);
    c->ltype = known_layer(c->layer);
    c->field_len = strlen(c->field);
    c->no_root_dot = !strcmp(name, "dns.qry.name");
    if (strstr(c->field, "checksum_status"))
      x->decode_opts |= CAPKIT_DECODE_CHECKSUMS;
  }
  x->ncols++;
  return 0;
}

size_t capkit_exporter_columns(const capkit_exporter *x) {
  return x ? x->ncols : 0;
}

const char *capkit_exporter_column_name(const capkit_exporter *x, size_t col) {
  return x && col < x->ncols ? x->cols[col].name : NULL;
}

capkit_export_type capkit_exporter_column_type(const capkit_exporter *x,
                                               size_t col) {
  return x && col < x->ncols ? (capkit_export_type)x->cols[col].type
                             : (capkit_export_type)0;
}

size_t capkit_exporter_count(const capkit_exporter *x, size_t col) {
  return x && col < x->ncols ? x->cols[col].n : 0;
}

const char *capkit_exporter_value(const capkit_exporter *x, size_t col,
                                  size_t k, size_t *len) {
  if (!x || col >= x->ncols || k >= x->cols[col].n) {
    if (len)
      *len = 0;
    return NULL;
  }
  const column *c = &x->cols[col];
  size_t start = k ? c->ends[k - 1] : 0;
  if (len)
    *len = c->ends[k] - start;
  return c->text.p + start;
}

/* Start a value in column c: 1 to go on writing into c->text, 0 when the
 * occurrence setting drops it. */
static int begin(capkit_exporter *x, column *c) {
  if (c->n && x->occurrence == 'f')
    return 0;
  if (c->n && x->occurrence == 'l') {
    c->n = 0;
    c->text.n = 0;
  }
  return 1;
}

/* Close the value just written. */
static int end(column *c) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 4;
    size_t *e = realloc(c->ends, cap * sizeof *e);
    if (!e) {
      c->text.err = 1;
      return -1;
    }
    c->ends = e;
    c->cap = cap;
  }
  c->ends[c->n++] = c->text.n;
  return 0;
}

/* A span as "[-]S.NNNNNNNNN" (stats.h computes it exactly). */
static void put_span(tbuf *o, capkit_span d) {
  if (d.negative)
    tb_c(o, '-');
  tb_u(o, d.sec);
  tb_c(o, '.');
  tb_uw(o, d.nsec, 9);
}

static void frame_value(capkit_exporter *x, column *c, const capkit_record *r) {
  tbuf *o = &c->text;
  switch (c->frame) {
  case F_NUMBER:
    tb_u(o, r->number);
    break;
  case F_EPOCH:
    if (r->ts_sec < 0 && r->ts_nsec) { /* -1.75 is (-2 s, 250000000 ns) */
      tb_c(o, '-');
      tb_u(o, (uint64_t)(-(r->ts_sec + 1)));
      tb_c(o, '.');
      tb_uw(o, 1000000000u - r->ts_nsec, 9);
    } else {
      tb_i(o, r->ts_sec);
      tb_c(o, '.');
      tb_uw(o, r->ts_nsec, 9);
    }
    break;
  case F_RELATIVE:
    put_span(o, capkit_time_span(capkit_record_time(r), x->first));
    break;
  case F_DELTA:
    put_span(o, capkit_time_span(capkit_record_time(r), x->prev));
    break;
  case F_LEN:
    tb_u(o, r->origlen);
    break;
  case F_CAPLEN:
    tb_u(o, r->caplen);
    break;
  case F_IFACE:
    tb_u(o, r->iface_id);
    break;
  case F_LINKTYPE:
    tb_u(o, r->iface ? r->iface->linktype : 1);
    break;
  case F_OFFSET:
    tb_u(o, r->offset);
    break;
  case F_COMMENT:
    if (!r->comment)
      return;
    tb_s(o, r->comment);
    break;
  }
  end(c);
}

typedef struct walk {
  capkit_exporter *x;
  const size_t *cols; /* the columns taking fields of the current layer */
  size_t ncols;
} walk;

static void field_text(tbuf *o, const capkit_field *f) {
  switch (f->kind) {
  case CAPKIT_FIELD_UINT:
  case CAPKIT_FIELD_HEX:
  case CAPKIT_FIELD_BOOL:
    tb_u(o, f->u);
    break;
  case CAPKIT_FIELD_INT:
    tb_i(o, f->i);
    break;
  case CAPKIT_FIELD_TEXT:
  case CAPKIT_FIELD_LIST:
    tb_mem(o, f->str, f->len);
    break;
  case CAPKIT_FIELD_IPV4:
    tb_ip4(o, f->bytes);
    break;
  case CAPKIT_FIELD_IPV6:
    tb_ip6(o, f->bytes);
    break;
  case CAPKIT_FIELD_MAC:
    tb_mac(o, f->bytes, f->nbytes);
    break;
  case CAPKIT_FIELD_PAIRS:
    for (size_t k = 0; k < f->npairs; k++) {
      if (k)
        tb_c(o, ' ');
      tb_u(o, f->pairs[2 * k]);
      tb_c(o, '-');
      tb_u(o, f->pairs[2 * k + 1]);
    }
    break;
  default:
    break;
  }
}

static int visit(const capkit_field *f, void *user) {
  walk *w = user;
  capkit_exporter *x = w->x;
  if (f->kind == CAPKIT_FIELD_LAYER) {
    unsigned t = f->layer->type;
    w->cols = t < 64 ? x->by_layer + x->by_layer_start[t] : NULL;
    w->ncols = t < 64 ? x->by_layer_start[t + 1] - x->by_layer_start[t] : 0;
  }
  for (size_t j = 0; j < w->ncols; j++) {
    column *c = &x->cols[w->cols[j]];
    if (f->kind == CAPKIT_FIELD_LAYER) {
      if (!c->common || !begin(x, c))
        continue;
      const capkit_layer *l = f->layer;
      tb_u(&c->text, c->field[0] == 'o'   ? l->offset
                     : c->field[0] == 'h' ? l->len
                                          : l->payload_len);
      end(c);
      continue;
    }
    if (c->common || c->field_len != f->name_len ||
        memcmp(c->field, f->name, f->name_len) || !begin(x, c))
      continue;
    size_t at = c->text.n;
    field_text(&c->text, f);
    if (c->no_root_dot && c->text.n > at + 1 && c->text.p[c->text.n - 1] == '.')
      c->text.n--;
    end(c);
  }
  return 0;
}

/* Group the layer columns by layer type, once: a field is then matched
 * only against the columns of its own layer. */
static void index_layers(capkit_exporter *x) {
  size_t k = 0;
  for (unsigned t = 0; t < 64; t++) {
    x->by_layer_start[t] = k;
    for (size_t i = 0; i < x->ncols; i++)
      if (x->cols[i].frame < 0 && x->cols[i].ltype == (int)t)
        x->by_layer[k++] = i;
  }
  x->by_layer_start[64] = k;
}

int capkit_exporter_row(capkit_exporter *x, const capkit_record *rec) {
  if (!x || !rec || rec->size < CAPKIT__RECORD_V1_SIZE)
    return CAPKIT_EINVAL;
  if (!x->started) {
    x->by_layer = malloc((x->ncols ? x->ncols : 1) * sizeof *x->by_layer);
    if (!x->by_layer)
      return CAPKIT_ENOMEM;
    index_layers(x);
    x->started = 1;
  }
  if (!x->have_first) {
    x->first = x->prev = capkit_record_time(rec);
    x->have_first = 1;
  }
  int layers = 0;
  for (size_t i = 0; i < x->ncols; i++) {
    column *c = &x->cols[i];
    c->n = 0;
    c->text.n = 0;
    c->text.err = 0;
    if (c->frame >= 0)
      frame_value(x, c, rec);
    else
      layers = 1;
  }
  if (layers) {
    walk w = {x, NULL, 0};
    capkit_layer ls[CAPKIT_DECODE_MAX_LAYERS];
    capkit_packet pkt;
    capkit_packet_init(&pkt, ls, CAPKIT_DECODE_MAX_LAYERS);
    capkit_decode(&pkt, rec->iface ? rec->iface->linktype : 1, rec->data,
                  rec->caplen, rec->origlen, x->decode_opts);
    capkit_packet_fields(&pkt, visit, &w);
  }
  x->prev = capkit_record_time(rec);
  for (size_t i = 0; i < x->ncols; i++)
    if (x->cols[i].text.err)
      return CAPKIT_ENOMEM;
  return 0;
}

/* ---- rows as text ------------------------------------------------------ */

/* Text for CSV/TSV: valid UTF-8 passes, other bytes become U+FFFD;
 * control characters become '.' (TSV escapes tab, newline, backslash). */
static void put_text(tbuf *o, const char *s, size_t n, int tsv) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t run = i; /* plain printable ASCII goes out in one piece */
    while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '\\')
      run++;
    if (run > i) {
      tb_mem(o, p + i, run - i);
      i = run;
      continue;
    }
    unsigned c = p[i];
    size_t k;
    if (tsv && (c == '\t' || c == '\n' || c == '\\')) {
      tb_c(o, '\\');
      tb_c(o, c == '\t' ? 't' : c == '\n' ? 'n' : '\\');
      i++;
    } else if (c < 0x80) { /* controls; a backslash outside TSV */
      tb_c(o, c == 0x7f || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
                  ? '.'
                  : (char)c);
      i++;
    } else if ((k = capkit__utf8_seq(p + i, n - i)) != 0) {
      tb_mem(o, p + i, k);
      i += k;
    } else {
      tb_s(o, "\xef\xbf\xbd");
      i++;
    }
  }
}

static int needs_quotes(const char *s, size_t n, char sep) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
      return 1;
  return 0;
}

static void csv_field(tbuf *o, const capkit_exporter *x, size_t c, int tsv,
                      char sep, char agg) {
  size_t count = capkit_exporter_count(x, c), len;
  int quote = 0; /* decided once, for the joined value */
  for (size_t k = 0; k < count && !tsv; k++) {
    const char *v = capkit_exporter_value(x, c, k, &len);
    quote |= needs_quotes(v, len, sep) || (k && agg == sep);
  }
  if (quote)
    tb_c(o, '"');
  for (size_t k = 0; k < count; k++) {
    const char *v = capkit_exporter_value(x, c, k, &len);
    if (k)
      tb_c(o, agg);
    if (!quote) {
      put_text(o, v, len, tsv);
      continue;
    }
    for (size_t i = 0; i < len; i++) {
      const char *q = memchr(v + i, '"', len - i);
      size_t run = q ? (size_t)(q - (v + i)) : len - i;
      put_text(o, v + i, run, 0);
      i += run;
      if (q)
        tb_s(o, "\"\"");
    }
  }
  if (quote)
    tb_c(o, '"');
}

static void ndjson_row(tbuf *o, const capkit_exporter *x) {
  tb_c(o, '{');
  for (size_t c = 0; c < x->ncols; c++) {
    const char *name = x->cols[c].name;
    if (c)
      tb_c(o, ',');
    capkit__tb_json(o, name, strlen(name));
    tb_c(o, ':');
    size_t count = capkit_exporter_count(x, c), len;
    int text = capkit_exporter_column_type(x, c) == CAPKIT_EXPORT_TEXT;
    if (!count) {
      tb_s(o, "null");
      continue;
    }
    if (count > 1)
      tb_c(o, '[');
    for (size_t k = 0; k < count; k++) {
      const char *v = capkit_exporter_value(x, c, k, &len);
      if (k)
        tb_c(o, ',');
      if (text)
        capkit__tb_json(o, v, len);
      else
        tb_mem(o, v, len);
    }
    if (count > 1)
      tb_c(o, ']');
  }
  tb_s(o, "}\n");
}

static int layout_ok(const capkit_export_layout *lay) {
  return lay && lay->size >= sizeof(capkit_export_layout) &&
         lay->format >= CAPKIT_EXPORT_TSV && lay->format <= CAPKIT_EXPORT_NDJSON;
}

static int line_done(capkit_exporter *x, const char **text, size_t *len) {
  if (x->line.err) {
    x->line.err = 0;
    return CAPKIT_ENOMEM;
  }
  *text = x->line.p ? x->line.p : "";
  *len = x->line.n;
  return 0;
}

int capkit_exporter_format_header(capkit_exporter *x,
                                  const capkit_export_layout *lay,
                                  const char **text, size_t *len) {
  if (!x || !layout_ok(lay) || !text || !len)
    return CAPKIT_EMISUSE;
  char sep = lay->separator ? lay->separator
             : lay->format == CAPKIT_EXPORT_CSV ? ','
                                                : '\t';
  x->line.n = 0;
  for (size_t c = 0; c < x->ncols && lay->format != CAPKIT_EXPORT_NDJSON; c++) {
    if (c)
      tb_c(&x->line, sep);
    tb_s(&x->line, x->cols[c].name);
  }
  if (lay->format != CAPKIT_EXPORT_NDJSON)
    tb_c(&x->line, '\n');
  return line_done(x, text, len);
}

int capkit_exporter_format_row(capkit_exporter *x,
                               const capkit_export_layout *lay,
                               const char **text, size_t *len) {
  if (!x || !layout_ok(lay) || !text || !len)
    return CAPKIT_EMISUSE;
  x->line.n = 0;
  if (lay->format == CAPKIT_EXPORT_NDJSON) {
    ndjson_row(&x->line, x);
    return line_done(x, text, len);
  }
  int tsv = lay->format == CAPKIT_EXPORT_TSV;
  char sep = lay->separator ? lay->separator : tsv ? '\t' : ',';
  char agg = lay->aggregator ? lay->aggregator : ',';
  for (size_t c = 0; c < x->ncols; c++) {
    if (c)
      tb_c(&x->line, sep);
    csv_field(&x->line, x, c, tsv, sep, agg);
  }
  tb_c(&x->line, '\n');
  return line_done(x, text, len);
}

int capkit_exporter_write(capkit_exporter *x, const capkit_export_layout *lay,
                          capkit_reader *r, capkit_filter *f, FILE *out,
                          uint64_t *record) {
  if (!x || !layout_ok(lay) || !r || !out)
    return CAPKIT_EMISUSE;
  capkit_record rec = CAPKIT_RECORD_INIT;
  const char *t;
  size_t n;
  int rc;
  while ((rc = capkit_reader_next_match(r, f, &rec)) > 0) {
    if (capkit_exporter_row(x, &rec) < 0 ||
        capkit_exporter_format_row(x, lay, &t, &n) < 0) {
      rc = CAPKIT_ENOMEM;
      break;
    }
    fwrite(t, 1, n, out);
  }
  if (record && rc < 0) /* the reader's error names its record */
    *record = rc == CAPKIT_EFILTER || rc == CAPKIT_ENOMEM
                  ? rec.number
                  : capkit_reader_error_record(r);
  return rc;
}

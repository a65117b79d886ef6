/* printer.h - packets as text: tcpdump-style lines (tcpdump -nn, times in
 * UTC), every decoded field through one visitor (the source of `capkit print
 * -v`, `print --json` and any exporter), and the name tables behind them.
 *
 *   capkit_printer *p = capkit_printer_new(CAPKIT_PRINT_LINK);
 *   const char *text;
 *   size_t len;
 *   while (capkit_reader_next(r, &rec) > 0)
 *     if (capkit_printer_render(p, &rec, &text, &len) == 0)
 *       fwrite(text, 1, len, stdout);
 *   capkit_printer_free(p);
 */
#ifndef CAPKIT_PRINTER_H
#define CAPKIT_PRINTER_H
#include <stddef.h>
#include <stdint.h>

#include <capkit/capkit.h>
#include <capkit/decode.h>
#include <capkit/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the line printer ------------------------------------------------- */

/* Printer flags (capkit_printer_new). Each names the tcpdump option it
 * mirrors. */
#define CAPKIT_PRINT_LINK 0x01u     /* -e: link-layer headers */
#define CAPKIT_PRINT_ABSOLUTE 0x02u /* -S: absolute TCP sequence numbers */
#define CAPKIT_PRINT_FIELDS 0x04u   /* after the line, one indented line per
                                       layer with every field (capkit's
                                       --fields; checksums verified) */
#define CAPKIT_PRINT_HEX 0x08u      /* -xx: hex dump of every captured byte,
                                       link header included */
#define CAPKIT_PRINT_JSON 0x10u     /* one JSON object per packet (NDJSON)
                                       with every field, instead of lines;
                                       the other flags but ABSOLUTE are
                                       ignored */
#define CAPKIT_PRINT_NANO 0x20u     /* nanosecond times (9 digits), else 6 */
#define CAPKIT_PRINT_HEX_NET 0x40u  /* -x: hex dump from the network layer
                                       on (link-layer headers left out, and
                                       nothing when only they were
                                       captured); HEX wins over it */
#define CAPKIT_PRINT_HEX_ASCII 0x80u /* with HEX (-XX) or HEX_NET (-X), and
                                        alone as -X: an ASCII column beside
                                        the hex, '.' for bytes that are not
                                        printable */
#define CAPKIT_PRINT_ASCII 0x100u   /* -A: the bytes from the network layer
                                       on as text (tabs, spaces and line
                                       ends kept, CR before LF dropped,
                                       other unprintables as '.'); a hex
                                       dump flag wins over it */
#define CAPKIT_PRINT_ASCII_LINK 0x200u /* -AA: as ASCII, link header
                                          included */
#define CAPKIT_PRINT_QUIET 0x400u   /* -q: less protocol detail ("tcp 42",
                                       UDP payloads not decoded, EtherTypes
                                       by name only) */
#define CAPKIT_PRINT_VERBOSE 0x800u /* -v: tcpdump's detail: the IPv4 and
                                       IPv6 header fields, TCP, UDP and
                                       ICMP checksums verified, ARP address
                                       formats; the protocols it has no
                                       -v wording for here print as
                                       without it */
#define CAPKIT_PRINT_VERBOSE2 0x1000u /* -vv: more of it (implies -v): the
                                         UDP checksum over IPv4 too */

/* Time stamp formats (capkit_printer_set_time), all in UTC. */
typedef enum capkit_print_time {
  CAPKIT_PRINT_TIME_ABS = 0, /* HH:MM:SS.ffffff, tcpdump's default */
  CAPKIT_PRINT_TIME_NONE,    /* tcpdump -t: no time */
  CAPKIT_PRINT_TIME_EPOCH,   /* tcpdump -tt: seconds.ffffff since 1970 */
  CAPKIT_PRINT_TIME_DELTA,   /* tcpdump -ttt: since the previous packet */
  CAPKIT_PRINT_TIME_DATE,    /* tcpdump -tttt: YYYY-MM-DD HH:MM:SS.ffffff */
  CAPKIT_PRINT_TIME_REL,     /* tcpdump -ttttt: since the first packet */
} capkit_print_time;

/* The most TCP connections a printer remembers for relative sequence
 * numbers, unless capkit_printer_set_max_tcp() says otherwise. When a new
 * one would exceed it, the table is emptied and numbering starts afresh (as
 * for a connection never seen), so memory stays bounded on any capture. */
#define CAPKIT_PRINT_MAX_TCP 1048576u

typedef struct capkit_printer capkit_printer;

/* A new printer with FLAGS (CAPKIT_PRINT_*), time format ABS. Returns NULL
 * when memory runs out. One printer serves one stream of packets (its TCP
 * and time state follow that stream); a printer may move between threads
 * but must not be used by two at once; different printers are
 * independent. */
CAPKIT_API capkit_printer *capkit_printer_new(unsigned flags);
/* Frees P and everything it holds; NULL is fine. */
CAPKIT_API void capkit_printer_free(capkit_printer *p);
/* Sets the time format; CAPKIT_EINVAL (nothing changed) for an unknown
 * one, else 0. */
CAPKIT_API int capkit_printer_set_time(capkit_printer *p, int fmt);
/* Sets the most TCP connections remembered (CAPKIT_PRINT_MAX_TCP by
 * default; the table takes about 100 bytes a connection); 0 or
 * CAPKIT_EINVAL for N = 0. A smaller limit applies from the next new
 * connection on. */
CAPKIT_API int capkit_printer_set_max_tcp(capkit_printer *p, size_t n);

/* Names an interface index of a Linux cooked (SLL2) header, which tcpdump
 * prints as the name of that index on the machine that prints it: write
 * the name (NUL-terminated, at most CAP bytes) into BUF and return 0, or
 * return -1 for no such interface (printed "?", as tcpdump does). */
typedef int (*capkit_ifname_fn)(void *user, uint32_t ifindex, char *buf,
                                size_t cap);
/* A namer by this machine's interfaces (if_indextoname), as tcpdump
 * names them; USER is not used. Thread-safe. */
CAPKIT_API int capkit_ifname_local(void *user, uint32_t ifindex, char *buf,
                                   size_t cap);
/* Sets the interface namer (NULL, the default: every index is "?"). USER
 * is handed to it; it is called from inside the render functions. */
CAPKIT_API void capkit_printer_set_ifname(capkit_printer *p,
                                          capkit_ifname_fn fn, void *user);

/* Renders REC (decoded by its interface's link type; Ethernet without one)
 * into the printer's own buffer: the line and, per the flags, the field
 * lines and hex dump, every line ending in '\n'. *TEXT (NUL-terminated)
 * and *LEN stay valid until the next call on P or its free. Advances the
 * printer's state (previous time, TCP numbering) once per call. Returns 0,
 * CAPKIT_EMISUSE for a record whose size field is not set (see record.h),
 * or CAPKIT_ENOMEM (*TEXT then "" and *LEN 0). Allocates only when the text
 * outgrows every earlier one, or a new TCP connection needs table room.
 * CAPKIT_EINVAL when P, REC, TEXT or LEN is NULL. */
CAPKIT_API int capkit_printer_render(capkit_printer *p,
                                     const capkit_record *rec,
                                     const char **text, size_t *len);

/* Appends REC's text, as capkit_printer_render() makes it, to the text
 * kept from earlier appends: for a caller that writes many records at once
 * (capkit_printer_text() gives all of it; capkit_printer_clear() empties
 * it, say once it passes 1 MiB: it grows until then). Returns 0, or as
 * capkit_printer_render() (after CAPKIT_ENOMEM the earlier text is kept).
 * capkit_printer_render() and capkit_printer_line() empty it first. */
CAPKIT_API int capkit_printer_append(capkit_printer *p,
                                     const capkit_record *rec);
/* Empties the text kept (NULL is fine). */
CAPKIT_API void capkit_printer_clear(capkit_printer *p);

/* snprintf-style: renders REC as capkit_printer_render() does, copies at
 * most CAP-1 bytes of the text into BUF (NUL-terminated when CAP > 0), and
 * returns the length of the whole text. When that is CAP or more, the whole
 * text is still available from capkit_printer_text() until the next call:
 * rendering again would advance the state twice. Returns 0 after an error
 * (see capkit_printer_render), with BUF "". */
CAPKIT_API size_t capkit_printer_line(capkit_printer *p,
                                      const capkit_record *rec, char *buf,
                                      size_t cap);
/* The text of the last render (and its length in *LEN when LEN is not
 * NULL); "" before the first, and for a NULL P. Valid until the next call
 * on P. */
CAPKIT_API const char *capkit_printer_text(const capkit_printer *p,
                                           size_t *len);

/* ---- a whole input -------------------------------------------------- */

struct capkit_input; /* input.h */
/* Where capkit_printer_print() writes: called with blocks of text, returns
 * non-zero on a write error. */
typedef int (*capkit_printer_write_fn)(void *user, const void *data,
                                       size_t len);
/* Prints the records IN gives (capkit_input_next: those its filter
 * matches), as capkit_printer_append() renders them, through FN(USER, ...)
 * in blocks of about 1 MiB: at most *LEFT records, *LEFT counting down.
 * All text made is written before it returns. A write error does not stop
 * it (the input is still read to its end or its error): *WRITE_FAILED
 * (may be NULL) is then set to 1. Returns 0 at IN's clean end or when
 * *LEFT reaches 0; the input's negative code with its message in
 * capkit_input_error() (the records before it printed); CAPKIT_ENOMEM
 * when rendering ran out of memory (capkit_input_error() then ""); or
 * CAPKIT_EINVAL for a NULL P, IN, LEFT or FN. No allocation per record
 * beyond the printer's own (see capkit_printer_render). */
CAPKIT_API int capkit_printer_print(capkit_printer *p, struct capkit_input *in,
                                    uint64_t *left, capkit_printer_write_fn fn,
                                    void *user, int *write_failed);

/* ---- tcpdump's option letters and time format names ---------------- */

/* The time format named NAME, as capkit print --time takes it: "abs",
 * "none", "epoch", "delta", "date" or "rel" (a capkit_print_time), or
 * CAPKIT_EINVAL for NULL and any other text. Thread-safe. */
CAPKIT_API int capkit_printer_time_parse(const char *name);
/* The time format of tcpdump's -t given COUNT times: 0 ABS (no -t),
 * 1 NONE (-t), 2 EPOCH (-tt), 3 DELTA (-ttt), 4 DATE (-tttt), 5 REL
 * (-ttttt); CAPKIT_EINVAL for more. Thread-safe. */
CAPKIT_API int capkit_printer_time_count(unsigned count);
/* The printer flags of tcpdump's counted letters, each the number of
 * times it was given: the one dump tcpdump picks (-X before -x before -A;
 * given twice, with the link header: -X HEX_ASCII|HEX_NET, -XX
 * HEX_ASCII|HEX, -x HEX_NET, -xx HEX, -A ASCII, -AA ASCII_LINK) and the
 * detail (-v VERBOSE, -vv and more VERBOSE2). 0 when all are 0.
 * Thread-safe. */
CAPKIT_API unsigned capkit_printer_letter_flags(unsigned x, unsigned X,
                                                unsigned A, unsigned v);

/* ---- every field -------------------------------------------------------- */

/* Kinds of values. */
typedef enum capkit_field_kind {
  CAPKIT_FIELD_LAYER = 0, /* not a field: a layer starts (name is NULL);
                             the layer's offset, header length, payload,
                             depth and status are in `layer` */
  CAPKIT_FIELD_UINT,  /* u */
  CAPKIT_FIELD_INT,   /* i */
  CAPKIT_FIELD_HEX,   /* u, best read in hex with at least `width` digits */
  CAPKIT_FIELD_BOOL,  /* u: 0 or 1 */
  CAPKIT_FIELD_TEXT,  /* str, len: bytes as found (may be any bytes: a DNS
                         name, an HTTP request line) */
  CAPKIT_FIELD_IPV4,  /* bytes: 4 */
  CAPKIT_FIELD_IPV6,  /* bytes: 16 */
  CAPKIT_FIELD_MAC,   /* bytes, nbytes: a link address (":" separated) */
  CAPKIT_FIELD_LIST,  /* str, len: names separated by ',' (IPv4 options) */
  CAPKIT_FIELD_PAIRS, /* pairs, npairs: left/right number pairs (TCP SACK
                         blocks) */
} capkit_field_kind;

/* One field, as handed to a visitor. Every pointer is valid only during the
 * callback. */
typedef struct capkit_field {
  const capkit_layer *layer; /* the layer it belongs to */
  unsigned layer_index;      /* its index in the packet, from 0 */
  const char *layer_name;    /* capkit_layer_name(layer->type): "tcp" */
  const char *name;          /* "dport"; NULL for CAPKIT_FIELD_LAYER */
  size_t name_len;           /* strlen(name); 0 for CAPKIT_FIELD_LAYER */
  int kind;                  /* capkit_field_kind */
  unsigned width;            /* HEX: digits to show at least */
  uint64_t u;
  int64_t i;
  const char *str;
  size_t len;
  const uint8_t *bytes;
  size_t nbytes;
  const uint32_t *pairs;
  size_t npairs;
  /* Where the value lies in the packet: OFFSET from its first byte and
   * LENGTH bytes (bits are within those bytes). LENGTH is 0 for values
   * computed rather than read (a checksum verdict, the IPv6 upper-layer
   * protocol, a DNS name's text); OFFSET is then the layer's. */
  uint32_t offset, length;
} capkit_field;

/* A visitor: return 0 to go on, anything else to stop the walk (the value
 * is then returned by the walk). */
typedef int (*capkit_field_fn)(const capkit_field *f, void *user);

/* Decodes CAPLEN bytes at DATA of link type LINKTYPE (checksums verified)
 * and calls FN for every layer (a CAPKIT_FIELD_LAYER entry) and then each
 * of its fields, outermost layer first, in a fixed order. Returns 0, or
 * what FN returned to stop. Allocates nothing; reentrant. A link type the
 * decoder does not know gives no call. */
CAPKIT_API int capkit_fields_visit(const uint8_t *data, uint32_t caplen,
                                   uint32_t linktype, capkit_field_fn fn,
                                   void *user);
/* The same over a packet decoded already (its bytes still valid). */
CAPKIT_API int capkit_packet_fields(const capkit_packet *pkt,
                                    capkit_field_fn fn, void *user);

/* ---- names ---------------------------------------------------------------
 * Static strings, valid forever; thread-safe. NULL when the value has no
 * name here. */

/* tcpdump's EtherType names: 0x0800 "IPv4", 0x8100 "802.1Q". */
CAPKIT_API const char *capkit_ethertype_name(uint16_t type);
/* IP protocol numbers (IPv4 protocol, IPv6 next header): 6 "TCP". */
CAPKIT_API const char *capkit_ipproto_name(uint8_t proto);
/* Well-known ports by their IANA service names: 53 "domain". PROTO is 6
 * (TCP) or 17 (UDP). */
CAPKIT_API const char *capkit_port_name(uint16_t port, uint8_t proto);
/* ICMP types in tcpdump's words: 8 "echo request". */
CAPKIT_API const char *capkit_icmp_type_name(uint8_t type);
/* ICMPv6 types in tcpdump's words: 135 "neighbor solicitation". */
CAPKIT_API const char *capkit_icmp6_type_name(uint8_t type);
/* DNS record types: 28 "AAAA" (tcpdump's names where it has one, else
 * IANA's: 65 "HTTPS"). */
CAPKIT_API const char *capkit_dns_type_name(uint16_t type);
/* (Link types: capkit_linktype_name() in linktype.h.) */

/* Room for any text of capkit_ip6_text(), NUL included. */
#define CAPKIT_IP6_TEXT_MAX 46
/* Writes the IPv6 address A (16 bytes) as text into OUT (at least
 * CAPKIT_IP6_TEXT_MAX bytes), NUL-terminated: RFC 5952, IPv4-mapped ones
 * as ::ffff:a.b.c.d, as tcpdump prints them. Returns its length. */
CAPKIT_API size_t capkit_ip6_text(char *out, const uint8_t *a);

#ifdef __cplusplus
}
#endif
#endif

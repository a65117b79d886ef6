/* names.c - the name tables of the printer (tcpdump's wording where it has
 * one), public as lookups for every front end. */
#include <stddef.h>
#include <stdio.h>

#include "print_int.h"

const char *capkit_ethertype_name(uint16_t t) {
  switch (t) {
  case 0x0800:
    return "IPv4";
  case 0x86dd:
    return "IPv6";
  case 0x0806:
    return "ARP";
  case 0x8035:
    return "Reverse ARP";
  case 0x8100:
    return "802.1Q";
  case 0x88a8:
    return "802.1Q-QinQ";
  case 0x9100:
    return "802.1Q-9100";
  case 0x88cc:
    return "LLDP";
  case 0x8847:
    return "MPLS unicast";
  case 0x8848:
    return "MPLS multicast";
  case 0x8863:
    return "PPPoE D";
  case 0x8864:
    return "PPPoE S";
  case 0x6558:
    return "TEB";
  case 0x888e:
    return "EAPOL";
  case 0x88f7:
    return "PTP";
  default:
    return NULL;
  }
}

const char *capkit_ipproto_name(uint8_t p) {
  switch (p) {
  case 0:
    return "HBH";
  case 1:
    return "ICMP";
  case 2:
    return "IGMP";
  case 4:
    return "IPIP";
  case 6:
    return "TCP";
  case 17:
    return "UDP";
  case 41:
    return "IPv6";
  case 43:
    return "Routing";
  case 44:
    return "Fragment";
  case 47:
    return "GRE";
  case 50:
    return "ESP";
  case 51:
    return "AH";
  case 58:
    return "ICMPv6";
  case 59:
    return "NONE";
  case 60:
    return "DSTOPT";
  case 89:
    return "OSPF";
  case 103:
    return "PIM";
  case 112:
    return "VRRP";
  case 132:
    return "SCTP";
  default:
    return NULL;
  }
}

const char *capkit_port_name(uint16_t port, uint8_t proto) {
  static const struct {
    uint16_t port;
    uint8_t tcp, udp;
    const char *name;
  } t[] = {{20, 1, 0, "ftp-data"},  {21, 1, 0, "ftp"},
           {22, 1, 0, "ssh"},       {23, 1, 0, "telnet"},
           {25, 1, 0, "smtp"},      {53, 1, 1, "domain"},
           {67, 0, 1, "bootps"},    {68, 0, 1, "bootpc"},
           {69, 0, 1, "tftp"},      {80, 1, 0, "http"},
           {110, 1, 0, "pop3"},     {123, 0, 1, "ntp"},
           {137, 0, 1, "netbios-ns"}, {143, 1, 0, "imap"},
           {161, 0, 1, "snmp"},     {162, 0, 1, "snmptrap"},
           {179, 1, 0, "bgp"},      {389, 1, 1, "ldap"},
           {443, 1, 1, "https"},    {514, 0, 1, "syslog"},
           {546, 0, 1, "dhcpv6-client"}, {547, 0, 1, "dhcpv6-server"},
           {853, 1, 0, "domain-s"}, {1900, 0, 1, "ssdp"},
           {3306, 1, 0, "mysql"},   {4789, 0, 1, "vxlan"},
           {5353, 0, 1, "mdns"},    {5432, 1, 0, "postgresql"},
           {8080, 1, 0, "http-alt"}};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    if (t[i].port == port && ((proto == 6 && t[i].tcp) ||
                              (proto == 17 && t[i].udp)))
      return t[i].name;
  return NULL;
}

const char *capkit_icmp_type_name(uint8_t t) {
  switch (t) {
  case 0:
    return "echo reply";
  case 3:
    return "destination unreachable";
  case 4:
    return "source quench";
  case 5:
    return "redirect";
  case 8:
    return "echo request";
  case 9:
    return "router advertisement";
  case 10:
    return "router solicitation";
  case 11:
    return "time exceeded";
  case 12:
    return "parameter problem";
  case 13:
    return "time stamp request";
  case 14:
    return "time stamp reply";
  case 17:
    return "address mask request";
  case 18:
    return "address mask reply";
  default:
    return NULL;
  }
}

const char *capkit_icmp6_type_name(uint8_t t) {
  switch (t) {
  case 1:
    return "destination unreachable";
  case 2:
    return "packet too big";
  case 3:
    return "time exceeded in-transit";
  case 4:
    return "parameter problem";
  case 128:
    return "echo request";
  case 129:
    return "echo reply";
  case 130:
    return "multicast listener query";
  case 131:
    return "multicast listener report";
  case 132:
    return "multicast listener done";
  case 133:
    return "router solicitation";
  case 134:
    return "router advertisement";
  case 135:
    return "neighbor solicitation";
  case 136:
    return "neighbor advertisement";
  case 137:
    return "redirect";
  case 143:
    return "multicast listener report v2";
  default:
    return NULL;
  }
}

const char *capkit_dns_type_name(uint16_t t) {
  /* tcpdump's names (1..48, 99..104, 249..256), then IANA's */
  static const char *const low[] = {
      NULL,    "A",     "NS",     "MD",       "MF",    "CNAME",  "SOA",
      "MB",    "MG",    "MR",     "NULL",     "WKS",   "PTR",    "HINFO",
      "MINFO", "MX",    "TXT",    "RP",       "AFSDB", "X25",    "ISDN",
      "RT",    "NSAP",  "NSAP_PTR", "SIG",    "KEY",   "PX",     "GPOS",
      "AAAA",  "LOC",   "NXT",    "EID",      "NIMLOC", "SRV",   "ATMA",
      "NAPTR", "KX",    "CERT",   "A6",       "DNAME", "SINK",   "OPT",
      "APL",   "DS",    "SSHFP",  "IPSECKEY", "RRSIG", "NSEC",   "DNSKEY",
      "DHCID", "NSEC3", "NSEC3PARAM", "TLSA", "SMIMEA", NULL,    "HIP",
      NULL,    NULL,    NULL,     "CDS",      "CDNSKEY", "OPENPGPKEY",
      "CSYNC", "ZONEMD", "SVCB",  "HTTPS"};
  static const char *const mid[] = {"SPF", "UINFO", "UID", "GID", "UNSPEC",
                                    "UNSPECA"};
  static const char *const high[] = {"TKEY",  "TSIG",  "IXFR", "AXFR",
                                     "MAILB", "MAILA", "ANY",  "URI",
                                     "CAA"};
  if (t < sizeof low / sizeof *low)
    return low[t];
  if (t >= 99 && t < 99 + sizeof mid / sizeof *mid)
    return mid[t - 99];
  if (t >= 249 && t < 249 + sizeof high / sizeof *high)
    return high[t - 249];
  return NULL;
}

const char *capkit__csum_name(int c) {
  static const char *const n[] = {"unchecked", "good", "bad", "none",
                                  "unverified"};
  return c >= 0 && c <= 4 ? n[c] : "?";
}

const char *capkit__dhcp_msg_name(unsigned t) {
  static const char *const n[] = {"",        "Discover", "Offer",
                                  "Request", "Decline",  "ACK",
                                  "NACK",    "Release",  "Inform"};
  return t < sizeof n / sizeof *n ? n[t] : "Unknown";
}

const char *capkit__ntp_mode_name(unsigned m) {
  static const char *const n[] = {
      "unspecified", "symmetric active", "symmetric passive", "Client",
      "Server",      "Broadcast",        "Control Message",   "Reserved"};
  return n[m & 7];
}

const char *capkit__tls_type_name(unsigned t) {
  switch (t) {
  case 20:
    return "ChangeCipherSpec";
  case 21:
    return "Alert";
  case 22:
    return "Handshake";
  case 23:
    return "Application Data";
  case 24:
    return "Heartbeat";
  default:
    return "Unknown";
  }
}

/* tcpdump's flag letters (print-tcp.c tcp_flag_values), in bit order; the
 * NS bit is not among them. */
size_t capkit__tcp_flags(char *out, uint16_t f) {
  static const struct {
    uint16_t bit;
    char c;
  } fl[] = {{CAPKIT_TCP_FIN, 'F'}, {CAPKIT_TCP_SYN, 'S'},
            {CAPKIT_TCP_RST, 'R'}, {CAPKIT_TCP_PSH, 'P'},
            {CAPKIT_TCP_ACK, '.'}, {CAPKIT_TCP_URG, 'U'},
            {CAPKIT_TCP_ECE, 'E'}, {CAPKIT_TCP_CWR, 'W'}};
  size_t n = 0;
  for (size_t i = 0; i < sizeof fl / sizeof *fl; i++)
    if (f & fl[i].bit)
      out[n++] = fl[i].c;
  if (!n) {
    memcpy(out, "none", 4);
    n = 4;
  }
  out[n] = '\0';
  return n;
}

/* The protocol names of tcpdump -v ("proto TCP (6)", "next-header
 * Options (0)"): capkit_ipproto_name()'s, but for the ones below. */
const char *capkit__ipproto_vname(uint8_t p) {
  switch (p) {
  case 0:
    return "Options";
  case 8:
    return "EGP";
  case 9:
    return "IGRP";
  case 33:
    return "DCCP";
  case 46:
    return "RSVP";
  case 55:
    return "Mobile IP";
  case 59: /* tcpdump has no name for these two */
  case 60:
    return "unknown";
  case 62:
    return "Mobile IP (old)";
  case 88:
    return "EIGRP";
  case 108:
    return "Compressed IP";
  case 113:
    return "PGM";
  case 135:
    return "Mobility";
  case 143:
    return "Ethernet";
  default: {
    const char *n = capkit_ipproto_name(p);
    return n ? n : "unknown";
  }
  }
}

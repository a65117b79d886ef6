/* linktype.c - the LINKTYPE_ registry (number, name, description) for every
 * type in the public link-layer header type registry, kept in number order.
 * The primary name is libpcap's DLT_ name (what tcpdump -L shows); the
 * registry's LINKTYPE_ name is kept beside it where it differs. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <capkit/capkit.h>

typedef struct lt_entry {
  uint32_t num;
  const char *name;   /* DLT_ name without the prefix */
  const char *ltname; /* LINKTYPE_ name when it differs, else NULL */
  const char *desc;
} lt_entry;

/* Values 11-49 and 52-98 are reserved (several are platform DLT_ values,
 * e.g. DLT_RAW 12 or 14, never LINKTYPE_ values); 208 is reserved. */
static const lt_entry table[] = {
    {0, "NULL", NULL,
     "BSD loopback encapsulation (4-byte host-order address family)"},
    {1, "EN10MB", "ETHERNET", "IEEE 802.3 Ethernet"},
    {2, "EN3MB", "EXP_ETHERNET", "Xerox experimental 3Mb Ethernet"},
    {3, "AX25", NULL, "AX.25 amateur radio packets"},
    {4, "PRONET", NULL, "Proteon ProNET Token Ring"},
    {5, "CHAOS", NULL, "MIT Chaosnet"},
    {6, "IEEE802", "IEEE802_5", "IEEE 802.5 Token Ring"},
    {7, "ARCNET", "ARCNET_BSD", "ARCNET data packets, BSD encapsulation"},
    {8, "SLIP", NULL, "SLIP with a direction and compression header"},
    {9, "PPP", NULL, "PPP (RFC 1661/1662), optionally in HDLC-like framing"},
    {10, "FDDI", NULL, "FDDI (ANSI INCITS 239-1994)"},
    {50, "PPP_SERIAL", "PPP_HDLC",
     "PPP in HDLC-like framing (RFC 1662) or Cisco PPP"},
    {51, "PPP_ETHER", NULL, "PPPoE session packets (RFC 2516)"},
    {99, "SYMANTEC_FIREWALL", NULL, "Symantec Enterprise Firewall"},
    {100, "ATM_RFC1483", NULL, "RFC 1483 LLC/SNAP-encapsulated ATM"},
    {101, "RAW", NULL, "Raw IP; the packet begins with an IPv4 or IPv6 header"},
    {102, "SLIP_BSDOS", NULL, "BSD/OS SLIP BPF header"},
    {103, "PPP_BSDOS", NULL, "BSD/OS PPP BPF header"},
    {104, "C_HDLC", NULL,
     "Cisco PPP with HDLC framing (RFC 1547 section 4.3.1)"},
    {105, "IEEE802_11", NULL, "IEEE 802.11 wireless LAN"},
    {106, "ATM_CLIP", NULL, "Linux Classical IP over ATM"},
    {107, "FRELAY", NULL, "Frame Relay LAPF frames (Q.922)"},
    {108, "LOOP", NULL,
     "OpenBSD loopback encapsulation (4-byte network-order family)"},
    {109, "ENC", NULL, "OpenBSD IPsec encapsulation"},
    {110, "LANE8023", NULL, "ATM LANE + 802.3"},
    {111, "HIPPI", NULL, "NetBSD HIPPI"},
    {112, "HDLC", "NETBSD_HDLC", "NetBSD HDLC framing"},
    {113, "LINUX_SLL", NULL, "Linux \"cooked\" capture encapsulation"},
    {114, "LTALK", NULL, "Apple LocalTalk"},
    {115, "ECONET", NULL, "Acorn Econet"},
    {116, "IPFILTER", NULL, "OpenBSD ipfilter"},
    {117, "PFLOG", NULL, "OpenBSD pflog (struct pfloghdr, then the packet)"},
    {118, "CISCO_IOS", NULL, "Cisco-internal use"},
    {119, "PRISM_HEADER", "IEEE802_11_PRISM",
     "Prism monitor-mode header, then an 802.11 header"},
    {120, "AIRONET_HEADER", "IEEE802_11_AIRONET",
     "FreeBSD Aironet radio header, then an 802.11 header"},
    {121, "HHDLC", NULL, "Siemens HiPath HDLC"},
    {122, "IP_OVER_FC", NULL, "IP over Fibre Channel (RFC 2625)"},
    {123, "SUNATM", NULL, "ATM traffic in the SunATM encapsulation"},
    {124, "RIO", NULL, "RapidIO"},
    {125, "PCI_EXP", NULL, "PCI Express"},
    {126, "AURORA", NULL, "Xilinx Aurora link layer"},
    {127, "IEEE802_11_RADIO", "IEEE802_11_RADIOTAP",
     "Radiotap header, then an 802.11 header"},
    {128, "TZSP", NULL, "Tazmen Sniffer Protocol"},
    {129, "ARCNET_LINUX", NULL, "ARCNET data packets, Linux encapsulation"},
    {130, "JUNIPER_MLPPP", NULL, "Juniper Multi-Link PPP"},
    {131, "JUNIPER_MLFR", NULL, "Juniper Multi-Link Frame Relay"},
    {132, "JUNIPER_ES", NULL, "Juniper Encryption Services PIC"},
    {133, "JUNIPER_GGSN", NULL, "Juniper GGSN PIC"},
    {134, "JUNIPER_MFR", NULL, "Juniper FRF.16 Frame Relay"},
    {135, "JUNIPER_ATM2", NULL, "Juniper ATM2 PIC"},
    {136, "JUNIPER_SERVICES", NULL, "Juniper Advanced Services PIC"},
    {137, "JUNIPER_ATM1", NULL, "Juniper ATM1 PIC"},
    {138, "APPLE_IP_OVER_IEEE1394", NULL,
     "Apple IP-over-IEEE 1394 cooked header"},
    {139, "MTP2_WITH_PHDR", NULL, "SS7 MTP2 (Q.703) with a pseudo-header"},
    {140, "MTP2", NULL, "SS7 MTP2 (Q.703)"},
    {141, "MTP3", NULL, "SS7 MTP3 (Q.704) without MTP2 header"},
    {142, "SCCP", NULL, "SS7 SCCP (Q.711-Q.714) without MTP headers"},
    {143, "DOCSIS", NULL, "DOCSIS MAC frames"},
    {144, "LINUX_IRDA", NULL, "Linux-IrDA packets with a pseudo-header"},
    {145, "IBM_SP", NULL, "IBM SP switch"},
    {146, "IBM_SN", NULL, "IBM Next Federation switch"},
    {147, "USER0", NULL, "Private use 0"},
    {148, "USER1", NULL, "Private use 1"},
    {149, "USER2", NULL, "Private use 2"},
    {150, "USER3", NULL, "Private use 3"},
    {151, "USER4", NULL, "Private use 4"},
    {152, "USER5", NULL, "Private use 5"},
    {153, "USER6", NULL, "Private use 6"},
    {154, "USER7", NULL, "Private use 7"},
    {155, "USER8", NULL, "Private use 8"},
    {156, "USER9", NULL, "Private use 9"},
    {157, "USER10", NULL, "Private use 10"},
    {158, "USER11", NULL, "Private use 11"},
    {159, "USER12", NULL, "Private use 12"},
    {160, "USER13", NULL, "Private use 13"},
    {161, "USER14", NULL, "Private use 14"},
    {162, "USER15", NULL, "Private use 15"},
    {163, "IEEE802_11_RADIO_AVS", "IEEE802_11_AVS",
     "AVS monitor-mode header, then an 802.11 header"},
    {164, "JUNIPER_MONITOR", NULL, "Juniper Passive Monitor PIC"},
    {165, "BACNET_MS_TP", NULL, "BACnet MS/TP frames"},
    {166, "PPP_PPPD", NULL,
     "PPP in HDLC-like framing with a direction byte (pppd)"},
    {167, "JUNIPER_PPPOE", NULL, "Juniper PPPoE"},
    {168, "JUNIPER_PPPOE_ATM", NULL, "Juniper PPPoE over ATM"},
    {169, "GPRS_LLC", NULL, "GPRS Logical Link Control (3GPP TS 04.64)"},
    {170, "GPF_T", NULL,
     "Transparent-mapped generic framing procedure (G.7041)"},
    {171, "GPF_F", NULL, "Frame-mapped generic framing procedure (G.7041)"},
    {172, "GCOM_T1E1", NULL, "Gcom T1/E1 line monitoring"},
    {173, "GCOM_SERIAL", NULL, "Gcom serial line monitoring"},
    {174, "JUNIPER_PIC_PEER", NULL, "Juniper PIC peer"},
    {175, "ERF_ETH", NULL, "Endace ERF header, then Ethernet"},
    {176, "ERF_POS", NULL, "Endace ERF header, then Packet-over-SONET"},
    {177, "LINUX_LAPD", NULL,
     "LAPD (Q.920/Q.921) from vISDN, with a pseudo-header"},
    {178, "JUNIPER_ETHER", NULL, "Juniper Ethernet"},
    {179, "JUNIPER_PPP", NULL, "Juniper PPP"},
    {180, "JUNIPER_FRELAY", NULL, "Juniper Frame Relay"},
    {181, "JUNIPER_CHDLC", NULL, "Juniper Cisco HDLC"},
    {182, "MFR", NULL, "FRF.16.1 Multi-Link Frame Relay"},
    {183, "JUNIPER_VP", NULL, "Juniper Voice PIC"},
    {184, "A429", NULL, "ARINC 429 avionics bus"},
    {185, "A653_ICM", NULL, "ARINC 653 interpartition communication messages"},
    {186, "USB_FREEBSD", NULL, "USB packets with a FreeBSD USB header"},
    {187, "BLUETOOTH_HCI_H4", NULL, "Bluetooth HCI UART transport layer (H4)"},
    {188, "IEEE802_16_MAC_CPS", NULL, "IEEE 802.16 MAC Common Part Sublayer"},
    {189, "USB_LINUX", NULL, "USB packets with a 48-byte Linux usbmon header"},
    {190, "CAN20B", NULL, "Controller Area Network 2.0B"},
    {191, "IEEE802_15_4_LINUX", NULL,
     "IEEE 802.15.4 with Linux address-field padding"},
    {192, "PPI", NULL, "Per-Packet Information header, then a packet"},
    {193, "IEEE802_16_MAC_CPS_RADIO", NULL,
     "IEEE 802.16 MAC Common Part Sublayer with a radio header"},
    {194, "JUNIPER_ISM", NULL, "Juniper Integrated Service Module"},
    {195, "IEEE802_15_4", "IEEE802_15_4_WITHFCS",
     "IEEE 802.15.4 low-rate wireless, with FCS"},
    {196, "SITA", NULL, "SITA pseudo-header, then various link types"},
    {197, "ERF", NULL, "Endace ERF records"},
    {198, "RAIF1", NULL, "Ethernet with a u10 Networks pseudo-header"},
    {199, "IPMB_KONTRON", NULL, "IPMB with a Kontron pseudo-header"},
    {200, "JUNIPER_ST", NULL, "Juniper Secure Tunnel"},
    {201, "BLUETOOTH_HCI_H4_WITH_PHDR", NULL,
     "Bluetooth HCI UART transport layer with a direction header"},
    {202, "AX25_KISS", NULL, "AX.25 with a KISS header"},
    {203, "LAPD", NULL, "LAPD (Q.920/Q.921) frames, no pseudo-header"},
    {204, "PPP_WITH_DIR", NULL, "PPP with a one-byte direction pseudo-header"},
    {205, "C_HDLC_WITH_DIR", NULL,
     "Cisco HDLC with a one-byte direction pseudo-header"},
    {206, "FRELAY_WITH_DIR", NULL,
     "Frame Relay LAPF with a one-byte direction pseudo-header"},
    {207, "LAPB_WITH_DIR", NULL,
     "LAPB (X.25) with a one-byte direction pseudo-header"},
    {209, "IPMB_LINUX", NULL, "IPMB over I2C with a Linux pseudo-header"},
    {210, "FLEXRAY", NULL, "FlexRay automotive bus with a pseudo-header"},
    {211, "MOST", NULL, "Media Oriented Systems Transport bus"},
    {212, "LIN", NULL,
     "Local Interconnect Network automotive bus with a pseudo-header"},
    {213, "X2E_SERIAL", NULL, "X2E serial line captures"},
    {214, "X2E_XORAYA", NULL, "X2E Xoraya data loggers"},
    {215, "IEEE802_15_4_NONASK_PHY", NULL,
     "IEEE 802.15.4 with FCS and non-ASK PHY header"},
    {216, "LINUX_EVDEV", NULL, "Linux evdev events"},
    {217, "GSMTAP_UM", NULL, "GSM Um interface with a gsmtap header"},
    {218, "GSMTAP_ABIS", NULL, "GSM Abis interface with a gsmtap header"},
    {219, "MPLS", NULL, "MPLS with the label as the link-layer header"},
    {220, "USB_LINUX_MMAPPED", NULL,
     "USB packets with a 64-byte Linux usbmon header"},
    {221, "DECT", NULL, "DECT with a pseudo-header"},
    {222, "AOS", NULL, "CCSDS AOS Space Data Link Protocol"},
    {223, "WIHART", NULL, "WirelessHART"},
    {224, "FC_2", NULL, "Fibre Channel FC-2 frames"},
    {225, "FC_2_WITH_FRAME_DELIMS", NULL,
     "Fibre Channel FC-2 frames with SOF/EOF delimiters"},
    {226, "IPNET", NULL, "Solaris ipnet pseudo-header, then IPv4 or IPv6"},
    {227, "CAN_SOCKETCAN", NULL, "CAN frames with a SocketCAN pseudo-header"},
    {228, "IPV4", NULL, "Raw IPv4; the packet begins with an IPv4 header"},
    {229, "IPV6", NULL, "Raw IPv6; the packet begins with an IPv6 header"},
    {230, "IEEE802_15_4_NOFCS", NULL,
     "IEEE 802.15.4 low-rate wireless, without FCS"},
    {231, "DBUS", NULL, "Raw D-Bus messages"},
    {232, "JUNIPER_VS", NULL, "Juniper Virtual Server"},
    {233, "JUNIPER_SRX_E2E", NULL, "Juniper SRX E2E"},
    {234, "JUNIPER_FIBRECHANNEL", NULL, "Juniper Fibre Channel"},
    {235, "DVB_CI", NULL, "DVB Common Interface messages"},
    {236, "MUX27010", NULL,
     "Variant of the 3GPP TS 27.010 multiplexing protocol"},
    {237, "STANAG_5066_D_PDU", NULL, "STANAG 5066 D_PDUs"},
    {238, "JUNIPER_ATM_CEMIC", NULL, "Juniper ATM CEMIC"},
    {239, "NFLOG", NULL, "Linux netfilter NFLOG messages"},
    {240, "NETANALYZER", NULL,
     "Hilscher netANALYZER header, then Ethernet with FCS"},
    {241, "NETANALYZER_TRANSPARENT", NULL,
     "Hilscher netANALYZER header, then Ethernet with preamble, SFD and FCS"},
    {242, "IPOIB", NULL, "IP over InfiniBand (RFC 4391)"},
    {243, "MPEG_2_TS", NULL, "MPEG-2 transport stream packets"},
    {244, "NG40", NULL, "ng4T ng40 protocol tester Iub/Iur frames"},
    {245, "NFC_LLCP", NULL, "NFC LLCP with a pseudo-header"},
    {246, "PFSYNC", NULL, "OpenBSD pfsync state synchronisation"},
    {247, "INFINIBAND", NULL, "Raw InfiniBand frames"},
    {248, "SCTP", NULL, "SCTP packets without IP"},
    {249, "USBPCAP", NULL, "USB packets with a USBPcap header"},
    {250, "RTAC_SERIAL", NULL, "SEL RTAC serial-line packets"},
    {251, "BLUETOOTH_LE_LL", NULL, "Bluetooth Low Energy link-layer packets"},
    {252, "WIRESHARK_UPPER_PDU", NULL, "Wireshark upper-layer protocol PDUs"},
    {253, "NETLINK", NULL, "Linux netlink capture encapsulation"},
    {254, "BLUETOOTH_LINUX_MONITOR", NULL, "Bluetooth Linux monitor (BlueZ)"},
    {255, "BLUETOOTH_BREDR_BB", NULL, "Bluetooth BR/EDR baseband packets"},
    {256, "BLUETOOTH_LE_LL_WITH_PHDR", NULL,
     "Bluetooth Low Energy link-layer packets with a pseudo-header"},
    {257, "PROFIBUS_DL", NULL, "PROFIBUS data link layer (IEC 61158-4-3)"},
    {258, "PKTAP", NULL, "Apple PKTAP capture encapsulation"},
    {259, "EPON", NULL,
     "Ethernet over passive optical network (802.3 clause 65 preamble)"},
    {260, "IPMI_HPM_2", NULL, "IPMI trace packets (PICMG HPM.2)"},
    {261, "ZWAVE_R1_R2", NULL, "Z-Wave RF profile R1 and R2 (G.9959)"},
    {262, "ZWAVE_R3", NULL, "Z-Wave RF profile R3 (G.9959)"},
    {263, "WATTSTOPPER_DLM", NULL,
     "WattStopper DLM and Legrand Nitoo Open packets"},
    {264, "ISO_14443", NULL, "ISO 14443 contactless smartcard messages"},
    {265, "RDS", NULL, "IEC 62106 Radio Data System groups"},
    {266, "USB_DARWIN", NULL, "USB packets with a Darwin (macOS) header"},
    {267, "OPENFLOW", NULL, "OpenBSD OpenFlow"},
    {268, "SDLC", NULL, "IBM SDLC frames carrying SNA"},
    {269, "TI_LLN_SNIFFER", NULL, "Texas Instruments protocol sniffer"},
    {270, "LORATAP", NULL, "LoRaTap pseudo-header, then LoRaWAN payload"},
    {271, "VSOCK", NULL, "Linux vsock host/guest communication"},
    {272, "NORDIC_BLE", NULL,
     "Nordic Semiconductor nRF Sniffer for Bluetooth LE"},
    {273, "DOCSIS31_XRA31", NULL,
     "Excentis XRA-31 DOCSIS 3.1 packets with a pseudo-header"},
    {274, "ETHERNET_MPACKET", NULL, "IEEE 802.3br mPackets"},
    {275, "DISPLAYPORT_AUX", NULL, "DisplayPort AUX channel monitoring data"},
    {276, "LINUX_SLL2", NULL, "Linux \"cooked\" capture encapsulation v2"},
    {277, "SERCOS_MONITOR", NULL, "Sercos monitor"},
    {278, "OPENVIZSLA", NULL, "OpenVizsla FPGA-based USB sniffer"},
    {279, "EBHSCR", NULL, "Elektrobit High Speed Capture and Replay"},
    {280, "VPP_DISPATCH", NULL, "fd.io VPP graph dispatch tracer records"},
    {281, "DSA_TAG_BRCM", NULL, "Ethernet with a Broadcom switch tag"},
    {282, "DSA_TAG_BRCM_PREPEND", NULL,
     "Ethernet with a prepended Broadcom switch tag"},
    {283, "IEEE802_15_4_TAP", NULL,
     "IEEE 802.15.4 with a TAP metadata pseudo-header"},
    {284, "DSA_TAG_DSA", NULL, "Ethernet with a Marvell DSA switch tag"},
    {285, "DSA_TAG_EDSA", NULL, "Ethernet with a Marvell EDSA switch tag"},
    {286, "ELEE", NULL, "ELEE lawful intercept packets"},
    {287, "Z_WAVE_SERIAL", NULL,
     "Z-Wave serial API frames between host and chip"},
    {288, "USB_2_0", NULL, "USB 2.0/1.1/1.0 packets as on the cable"},
    {289, "ATSC_ALP", NULL, "ATSC Link-Layer Protocol (A/330) frames"},
    {290, "ETW", NULL, "Event Tracing for Windows messages"},
    {291, "NETANALYZER_NG", NULL, "Hilscher netANALYZER NG"},
    {292, "ZBOSS_NCP", NULL, "ZBOSS NCP serial protocol for Zigbee"},
    {293, "USB_2_0_LOW_SPEED", NULL, "Low-speed USB 2.0/1.1/1.0 packets"},
    {294, "USB_2_0_FULL_SPEED", NULL, "Full-speed USB 2.0/1.1/1.0 packets"},
    {295, "USB_2_0_HIGH_SPEED", NULL, "High-speed USB 2.0 packets"},
    {296, "AUERSWALD_LOG", NULL, "Auerswald Logger Protocol"},
    {297, "ZWAVE_TAP", NULL, "Z-Wave (G.9959) with a TAP metadata header"},
    {298, "SILABS_DEBUG_CHANNEL", NULL, "Silicon Labs debug channel protocol"},
    {299, "FIRA_UCI", NULL, "FiRa ultra-wideband controller interface (UCI)"},
    {300, "MDB", NULL, "MDB (Multi-Drop Bus) vending machine protocol"},
    {301, "DECT_NR", NULL, "DECT-2020 New Radio MAC layer"},
    {302, "EDK2_MM", NULL, "EDK2 firmware management-mode requests"},
};

/* Names people use that are neither the DLT_ nor the LINKTYPE_ name. */
static const struct {
  const char *alias;
  uint32_t num;
} aliases[] = {
    {"ETHER", 1},      {"TOKEN_RING", 6}, {"CHDLC", 104},
    {"RADIOTAP", 127}, {"SLL", 113},      {"PPP_WITH_DIRECTION", 166},
    {"USB", 186},      {"SLL2", 276},
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
    errno = 0;
    unsigned long v = strtoul(name, &end, 10);
    if (errno || *end || v > 0xffff)
      return CAPKIT_ENOTFOUND;
    *out = (uint32_t)v;
    return 0;
  }
  if (strncasecmp(name, "LINKTYPE_", 9) == 0)
    name += 9;
  else if (strncasecmp(name, "DLT_", 4) == 0)
    name += 4;
  for (size_t i = 0; i < N_TABLE; i++)
    if (strcasecmp(table[i].name, name) == 0 ||
        (table[i].ltname && strcasecmp(table[i].ltname, name) == 0)) {
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

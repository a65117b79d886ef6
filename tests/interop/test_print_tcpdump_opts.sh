# test_print_tcpdump_opts.sh - tcpdump's own option spellings in capkit
# print, each against tcpdump -nn with the same options, line by line: the
# dumps (-x, -xx, -X, -XX, -A, -AA), -q, -v and -vv, the counted -t
# letters, -r, -n/-nn; and the option errors. Captures: tests/data and
# tests/tools/gen_print.py (scapy), plus seeded random packets whose
# snapshot length cuts their payloads.
#
# The -v captures here hold IPv4 (with options), IPv6, TCP (with HTTP),
# UDP, DNS, ICMP and ICMPv6 echo, and ARP; the -v/-vv detail of IPv4
# options, IPv6 extension headers, ICMP errors, ND, DNS records, DHCP,
# NTP, GRE and VXLAN is compared in test_print_tcpdump_detail.sh.
. "$CAPKIT_TESTLIB"
. "$(dirname "$CAPKIT_TESTLIB")/tools/print_tcpdump.sh"

D=$CAPKIT_TESTDATA/decode
dumps="-x -xx -X -XX -A -AA -xX -Ax -XXx"
# the dumps and -q on the clean captures whose lines capkit words as
# tcpdump does (several link types, VLAN, fragments, bad lengths and
# checksums), on link headers cut short, and on gen_print's. Left out:
# packets cut inside an ICMP or TCP option header, after which tcpdump
# dumps from the first byte even with -x (its link printer never
# returned the header length), an accident not copied
for f in "$D"/{tcp,udp,icmp,arp,frag,vlan,sll,sll2,null_le,null_be,loop,raw,ipv4,ipv6raw,udp_bad,tcp_bad,sll_trunc,sll2_trunc,frag_trunc}.pcap \
  "$T"/{loopback,tcpflags,arp,dns,sll2,vlan_icmp,ipbad,verbose}.pcap; do
  for o in $dumps; do cmp_tcpdump "$f" "$o"; done
done
for f in "$D"/{tcp,udp,icmp,arp,frag,vlan,sll,sll2,null_le,null_be,loop,raw,ipv4,ipv6raw,udp_bad,tcp_bad,vlan_bad,frag_bad,ipv6,tunnel}.pcap \
  "$T"/{loopback,tcpflags,arp,dns,sll2,jumbo,vlan_icmp,ipbad,tcpcut,verbose}.pcap; do
  for o in -q "-q -e"; do cmp_tcpdump "$f" "$o"; done
done
# -v and -vv on what capkit words as tcpdump -v does
for o in -v -vv -vvv "-v -e" "-vv -S" "-v -X" "-vv -q"; do
  cmp_tcpdump "$T/verbose.pcap" "$o"
done
for f in "$D"/{tcp,tcp_bad,frag}.pcap "$T"/{arp,tcpflags,ipbad,loopback,sll2}.pcap; do
  for o in -v -vv; do cmp_tcpdump "$f" "$o"; done
done
cmp_tcpdump "$T/dns.pcap" -v

# seeded property test: random IPv4/IPv6 TCP (options, RST data), UDP,
# ICMP, ICMPv6 echo and ARP with random header fields and payloads, right
# and wrong checksums, whole and with the payload cut at a random length
mkdir -p "$T/p"
for seed in 1 2 3 4 5; do
  "$PY" "$G" "$T/p" "$seed" >/dev/null 2>&1 ||
    { not_ok "gen_print.py seed $seed failed"; continue; }
  for f in "$T/p/prop$seed.pcap" "$T/p/propcut$seed.pcap"; do
    for o in -v -vv -x -xx -X -XX -A -AA -q "-v -e -X"; do
      cmp_tcpdump "$f" "$o"
    done
  done
done

# tcpdump's counted time letters, capkit's names for them, and --time
for t in -t:none -tt:epoch -ttt:delta -tttt:date -ttttt:rel; do
  cmp_tcpdump "$T/dns.pcap" "${t%%:*}"
  "$CAPKIT" print -t "${t#*:}" "$T/dns.pcap" >"$T/ck1.out"
  "$CAPKIT" print --time "${t#*:}" "$T/dns.pcap" >"$T/ck2.out"
  check "print -t ${t#*:} is tcpdump ${t%%:*}" cmp -s "$T/td.out" "$T/ck1.out"
  check "print --time ${t#*:} is tcpdump ${t%%:*}" cmp -s "$T/td.out" "$T/ck2.out"
done
cmp_tcpdump "$T/dns.pcap" "-t -t -t"
cmp_tcpdump "$T/dns.pcap" "-nntttt"
# -r FILE, -n and -nn as tcpdump users type them
TZ=UTC tcpdump -nn -r "$T/verbose.pcap" >"$T/td.out" 2>/dev/null
for a in "-r" "-n -r" "-nn -r" "-nnr"; do
  # shellcheck disable=SC2086
  "$CAPKIT" print $a "$T/verbose.pcap" >"$T/ck.out"
  check "print $a FILE is tcpdump -nn -r FILE" cmp -s "$T/td.out" "$T/ck.out"
done
TZ=UTC tcpdump -nn -vv -X -r "$T/verbose.pcap" >"$T/td.out" 2>/dev/null
"$CAPKIT" print -nnvvXr "$T/verbose.pcap" >"$T/ck.out"
check "print -nnvvXr FILE is tcpdump's" cmp -s "$T/td.out" "$T/ck.out"

# an unknown option: one error line naming it (the first only), the
# --help hint, nothing on stdout, exit 2
check_exit "unknown option exits 2" 2 "$CAPKIT" print -Z -Q "$T/dns.pcap"
"$CAPKIT" print -Z -Q "$T/dns.pcap" >"$T/o.out" 2>"$T/e.out"
check_eq "unknown option reported once" 1 "$(grep -c -- "'Z'" "$T/e.out")"
check_eq "only the first unknown option" 0 "$(grep -c -- "'Q'" "$T/e.out")"
check_eq "one error line and the hint" 2 "$(wc -l <"$T/e.out")"
check "nothing printed after an unknown option" test ! -s "$T/o.out"
check_exit "six t's are too many" 2 "$CAPKIT" print -tttttt "$T/dns.pcap"
check_exit "bad --time" 2 "$CAPKIT" print --time never "$T/dns.pcap"
finish

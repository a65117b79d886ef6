# test_gen_tshark.sh - capkit gen checked by tshark with checksum validation
# on: every layer and link type dissects without malformed packets or expert
# warnings, fixed fields read back exactly, tcp-session conversations carry
# no TCP analysis flags, and deliberately broken packets are flagged exactly
# as intended (and nothing else is).
. "$CAPKIT_TESTLIB"
need tshark mergecap
TS=(tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE)

# ---- every layer, four link types, merged into one pcapng for one run ----
cat >"$T/eth.spec" <<'S'
count=5 eth()/ipv4(src=10.0.0.1+,dst=10.1.0.0-10.1.0.2)/udp(sport=rand,dport=9)/payload(len=64,fill=0xaa)
count=5 eth()/vlan(id=100)/ipv4(id=rand,ttl={1,64,255},df=1)/tcp(sport=1024+,dport=9,flags=SA,seq=rand,ack=1,mss=1460,wscale=7,sackok,ts=100:0)
count=5 eth()/vlan(id=10)/qinq(id=20)/ipv6(src=2001:db8::1+,fl=rand)/udp(dport=9)/payload(len=rand(1-300),rand)
count=5 eth()/arp(op={1,2},spa=192.0.2.1+)
count=5 eth()/ipv4(opts=94040000)/icmp(id=7,seq=1+)/payload(text="abcdefgh")
count=5 eth()/ipv6()/hbh()/dstopts(opts=01020000)/icmpv6(id=3,seq=1+)/payload(len=32,rand)
count=5 eth()/ipv6()/frag6(id=9,m=0)/udp(dport=9)/payload(pattern=00010203,len=40)
count=5 eth()/ipv6(src=2001:db8::1+)/rthdr(type=2,segleft=1,addr=2001:db8::99)/udp(dport=9)/payload(len=8)
S
cat >"$T/sll.spec" <<'S'
count=5 start=100 sll()/ipv4(src=rand,dst=rand)/udp(dport=9,sport=rand)/payload(len=rand(0-100),rand)
S
cat >"$T/sll2.spec" <<'S'
count=5 start=200 sll2(ifindex=3)/ipv6(dst=2001:db8::ffff:fffe+)/tcp(dport=9,flags=PA,seq=1+1000)/payload(len=20,rand)
S
cat >"$T/raw.spec" <<'S'
count=5 start=300 ipv4(src=192.0.2.250+)/udp(dport=9)/payload(len=10)
count=5 start=300 ipv6()/icmpv6(type=129,seq=1+)
S
for k in eth sll sll2 raw; do
  "$CAPKIT" gen --seed 3 -o "$T/$k.pcap" -f "$T/$k.spec" || not_ok "gen $k"
done
mergecap -F pcapng -w "$T/all.pcapng" "$T/eth.pcap" "$T/sll.pcap" "$T/sll2.pcap" "$T/raw.pcap"
"${TS[@]}" -r "$T/all.pcapng" -T fields -E separator='|' -e frame.number \
  -e _ws.expert.severity -e _ws.malformed -e ip.checksum.status \
  -e udp.checksum.status -e tcp.checksum.status -e icmp.checksum.status \
  -e icmpv6.checksum.status >"$T/all.txt" 2>/dev/null
check_eq "every packet dissected" 60 "$(wc -l <"$T/all.txt")"
# severity: chat 0x200000, note 0x400000, warning 0x600000, error 0x800000
bad=$(awk -F'|' '{n=split($2,s,","); for(i=1;i<=n;i++) if (s[i]+0 >= 6291456) print $1": severity "s[i]; if ($3!="") print $1": malformed"; for(f=4;f<=8;f++) if ($f!="" && $f!="1") print $1": checksum field "f" status "$f}' "$T/all.txt")
check_eq "no warnings, errors, malformed packets or bad checksums" "" "$bad"
check_eq "checksums verified (all but ARP)" 55 "$(awk -F'|' '$4$5$6$7$8 ~ /1/' "$T/all.txt" | wc -l)"

# ---- fixed fields read back exactly ----
"$CAPKIT" gen -c 2 -o "$T/f.pcap" 'eth(dst=ff:ff:ff:ff:ff:ff,src=00:11:22:33:44:55)/vlan(pcp=5,id=0xabc)/ipv4(src=10.0.0.1+,dst=10.0.0.2,ttl=7,id=0x1234,dscp=46,df=1)/udp(sport=4000,dport=9)/payload(len=64,fill=0xaa)'
got=$("${TS[@]}" -r "$T/f.pcap" -T fields -E separator=' ' -e eth.dst -e eth.src -e vlan.priority -e vlan.id -e ip.src -e ip.dst -e ip.ttl -e ip.id -e ip.dsfield.dscp -e ip.flags.df -e ip.len -e udp.srcport -e udp.dstport -e udp.length -e data.data 2>/dev/null | tr '\n' ';')
aa=$(printf 'aa%.0s' $(seq 64))
check_eq "fixed fields" "ff:ff:ff:ff:ff:ff 00:11:22:33:44:55 5 2748 10.0.0.1 10.0.0.2 7 0x1234 46 1 92 4000 9 72 $aa;ff:ff:ff:ff:ff:ff 00:11:22:33:44:55 5 2748 10.0.0.2 10.0.0.2 7 0x1234 46 1 92 4000 9 72 $aa;" "$got"
"$CAPKIT" gen -o "$T/t.pcap" 'ipv4()/tcp(sport=1,dport=9,seq=123456,ack=654321,flags=FPU,window=77,urgptr=5,mss=536,wscale=2,sackok,ts=11:22)'
got=$("${TS[@]}" -r "$T/t.pcap" -o tcp.relative_sequence_numbers:FALSE -T fields -E separator=' ' -e tcp.seq -e tcp.ack -e tcp.flags -e tcp.window_size_value -e tcp.urgent_pointer -e tcp.options.mss_val -e tcp.options.wscale.shift -e tcp.option_kind -e tcp.options.timestamp.tsval -e tcp.options.timestamp.tsecr -e tcp.hdr_len 2>/dev/null)
check_eq "tcp fields and options" "123456 654321 0x0029 77 5 536 2 2,4,8,1,3 11 22 40" "$got"

# ---- tcp-session: complete conversations, no analysis flags ----
"$CAPKIT" gen -c 3 -i 1ms -o "$T/s.pcap" 'eth()/ipv4(src=192.168.10.226,dst=192.168.11.12)/tcp-session(sport=19707+,dport=9,req="hello\r\n",resplen=5000)'
"$CAPKIT" gen -c 2 --start 10 -o "$T/r.pcap" 'ipv6()/tcp-session(sport=50000+,dport=9,reqlen=3000,segsize=1000,close=rst)'
for f in s r; do
  "${TS[@]}" -r "$T/$f.pcap" -T fields -E separator='|' -e tcp.stream -e tcp.flags.fin -e tcp.analysis.flags -e tcp.checksum.status -e _ws.malformed -e tcp.flags.reset >"$T/$f.txt" 2>/dev/null
  check_eq "$f: no TCP analysis flags, checksums good" "" "$(awk -F'|' '$3!="" || $4!="1" || $5!=""' "$T/$f.txt")"
done
check_eq "three FIN conversations" "0 1 2" "$(cut -d'|' -f1 "$T/s.txt" | uniq | tr '\n' ' ' | sed 's/ $//')"
check_eq "FIN teardown in each" 6 "$(awk -F'|' '$2=="1"' "$T/s.txt" | wc -l)"
check_eq "RST conversations end in RST" 2 "$(awk -F'|' '$6=="1"' "$T/r.txt" | wc -l)"
"${TS[@]}" -r "$T/s.pcap" -q -z conv,tcp 2>/dev/null | grep -c '<->' >"$T/conv"
check_eq "tshark sees three conversations" 3 "$(cat "$T/conv")"

# the teardown is the one of the seed's "connection termination" capture
"$CAPKIT" gen -o "$T/ct.pcap" 'eth(src=00:1f:3c:23:db:d3,dst=00:12:cf:e5:54:a0)/ipv4(src=192.168.10.226,dst=192.168.11.12)/tcp-session(sport=19707,dport=23)'
flags() { tshark -r "$1" -T fields -E separator=' ' -e eth.src -e ip.src -e tcp.srcport -e tcp.dstport -e tcp.flags 2>/dev/null | tail -n 4; }
check_eq "teardown as in the seed capture" "$(flags "$CAPKIT_TESTDATA/connection_termination.pcap")" "$(flags "$T/ct.pcap")"

# ---- deliberately broken packets: flagged exactly as intended ----
cat >"$T/bad.spec" <<'S'
start=1 ipv4(chksum=0x1234)/udp(dport=9)/payload(len=4)
start=2 ipv4()/udp(dport=9,chksum=0x1234)/payload(len=4)
start=3 ipv4()/tcp(dport=9,flags=A,chksum=0x1234)
start=4 ipv4()/icmp(chksum=0x1234)
start=5 ipv4(len=200)/udp(dport=9)/payload(len=4)
start=6 ipv4()/udp(dport=9,len=200)/payload(len=4)
start=7 ipv4(ihl=15)/udp(dport=9)
start=8 ipv6()/udp(dport=9,chksum=0x1234)
start=9 ipv6()/icmpv6(chksum=1)
start=10 ipv6(plen=100)/udp(dport=9)
start=11 ipv4()/udp(dport=9,len=4)/payload(len=4)
S
"$CAPKIT" gen -o "$T/bad.pcap" -f "$T/bad.spec"
"${TS[@]}" -r "$T/bad.pcap" -T fields -E separator='|' -e ip.checksum.status -e udp.checksum.status -e tcp.checksum.status -e icmp.checksum.status -e icmpv6.checksum.status -e _ws.expert.message >"$T/bad.txt" 2>/dev/null
line() { sed -n "${1}p" "$T/bad.txt"; }
check_eq "bad IPv4 checksum only" "0|1||||Bad checksum [should be 0xf6c8]" "$(line 1)"
check_eq "bad UDP checksum only" "1|0||||Bad checksum [should be 0x77c9]" "$(line 2)"
case $(line 3) in "1||0|||Bad checksum [should be 0x"*) ok ;; *) not_ok "bad TCP checksum only: $(line 3)" ;; esac
case $(line 4) in "1|||0||Bad checksum [should be 0x"*) ok ;; *) not_ok "bad ICMP checksum only: $(line 4)" ;; esac
check_eq "IPv4 length too long" "1|1||||IPv4 total length exceeds packet length (32 bytes)" "$(line 5)"
check_eq "UDP length too long" "1|2||||Bad length value 200 > IP payload length" "$(line 6)"
check_eq "IPv4 header length past the packet" "|||||Bogus IP length" "$(line 7)"
case $(line 8) in "|0||||Bad checksum [should be 0x"*) ok ;; *) not_ok "bad UDP/IPv6 checksum only: $(line 8)" ;; esac
case $(line 9) in "||||0|Bad checksum [should be 0x"*) ok ;; *) not_ok "bad ICMPv6 checksum only: $(line 9)" ;; esac
check_eq "IPv6 payload length too long" "|1||||IPv6 payload length exceeds framing length (8 bytes)" "$(line 10)"
check_eq "UDP length too short" "1|||||Bad length value 4 < 8" "$(line 11)"
finish

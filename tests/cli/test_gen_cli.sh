# test_gen_cli.sh - capkit gen and capkit import from the command line:
# options, timestamps, streams, output settings, spec errors (column, exit
# 2, nothing written), and dumps imported back (dump -x round trip, whole
# files rebuilt from hexdump/xxd/od listings and the published listing).
. "$CAPKIT_TESTLIB"
need cmp hexdump xxd od

SEED=$CAPKIT_TESTDATA/connection_termination.pcap
LISTING=$CAPKIT_TESTDATA/connection_termination.hexdump.txt
U='eth()/ipv4(src=10.0.0.1+)/udp(dport=9)/payload(len=16)'
# info FILE KEY: a value of capkit info --json
info() { "$CAPKIT" info --json "$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"; }
times() { "$CAPKIT" dump "$1" | awk '{print $3}' | tr '\n' ' '; }

# ---- help and usage ----
for c in gen import; do
  check_exit "$c --help" 0 "$CAPKIT" "$c" --help
  check_exit "$c bad option" 2 "$CAPKIT" "$c" --bogus
done
"$CAPKIT" gen --help-spec >"$T/spec.txt"
for l in eth vlan qinq sll sll2 arp ipv4 ipv6 hbh rthdr frag6 dstopts icmp icmpv6 udp tcp payload tcp-session; do
  grep -q "^  $l " "$T/spec.txt" && ok || not_ok "--help-spec describes $l"
done
check_exit "gen without -o" 2 "$CAPKIT" gen "$U"
check_exit "gen without spec" 2 "$CAPKIT" gen -o "$T/x.pcap"
check_exit "gen bad rate" 2 "$CAPKIT" gen -o "$T/x.pcap" --rate fast "$U"
check_exit "gen bad interval" 2 "$CAPKIT" gen -o "$T/x.pcap" -i 3parsecs "$U"
check_exit "gen bad start" 2 "$CAPKIT" gen -o "$T/x.pcap" --start 2024-13-45 "$U"
check_exit "gen bad count" 2 "$CAPKIT" gen -o "$T/x.pcap" -c many "$U"
check_exit "gen bad format" 2 "$CAPKIT" gen -o "$T/x.pcap" -F cap "$U"
check_exit "import without -o" 2 "$CAPKIT" import "$LISTING"
check_exit "import two inputs" 2 "$CAPKIT" import -o "$T/x.pcap" a b
check_exit "import missing input" 3 "$CAPKIT" import -o "$T/x.pcap" "$T/nope.txt"
check "no output after usage errors" test ! -e "$T/x.pcap"

# ---- spec errors: column, caret, exit 2, nothing written ----
echo keep >"$T/old.pcap"
"$CAPKIT" gen -o "$T/old.pcap" 'eth()/ipv4(src=10.0.0.300)/udp()' 2>"$T/err" >/dev/null
check_eq "spec error exit" 2 $?
check "spec error names the column" grep -q "column 16: expected an IPv4 address" "$T/err"
check_eq "caret under the column" "                 ^" "$(sed -n 3p "$T/err")"
check_eq "existing output untouched" keep "$(cat "$T/old.pcap")"
check_eq "no temporary files left" 1 "$(ls "$T" | grep -c old)"
printf 'count=2 %s\n\n# comment\ncount=1 ipv4(ttl=999)\n' "$U" >"$T/bad.spec"
"$CAPKIT" gen -o "$T/y.pcap" -f "$T/bad.spec" 2>"$T/err"
check_eq "spec file error exit" 2 $?
check "spec file error names line and column" grep -q "bad.spec line 4, column 10:.*8 bits of 'ttl'" "$T/err"
check "nothing written for a bad second stream" test ! -e "$T/y.pcap"
check_exit "payload file missing: exit 3" 3 "$CAPKIT" gen -o "$T/y.pcap" "ipv4()/payload(file=$T/none.bin)"
check_exit "unwritable output: exit 3" 3 "$CAPKIT" gen -o "$T/no/such/dir/x.pcap" "$U"
check_exit "mixed link types in pcap" 2 "$CAPKIT" gen -o "$T/y.pcap" 'eth()/ipv4()' 'ipv6()'
"$CAPKIT" gen -c 2 -F pcapng -o "$T/mix.pcapng" 'eth()/ipv4()' 'ipv6()' 'sll2()/arp()'
check_eq "mixed link types in pcapng: an interface each" "1 EN10MB,101 RAW,276 LINUX_SLL2," \
  "$("$CAPKIT" info "$T/mix.pcapng" | sed -n 's/.*Interface [0-9]:.*link type \([0-9]* [A-Z0-9_]*\),.*/\1/p' | tr '\n' ',')"

# ---- counts, link types, output settings ----
"$CAPKIT" gen -c 1k -o "$T/u.pcap" "$U"
check_eq "count 1k" 1000 "$(info "$T/u.pcap" packets)"
check_eq "eth -> EN10MB" EN10MB "$(info "$T/u.pcap" linktype_name)"
for pair in "sll()/ipv4():LINUX_SLL" "sll2()/ipv6():LINUX_SLL2" "ipv4():RAW" "ipv6()/udp():RAW"; do
  "$CAPKIT" gen -o "$T/l.pcap" "${pair%%:*}"
  check_eq "link type of ${pair%%:*}" "${pair##*:}" "$(info "$T/l.pcap" linktype_name)"
done
"$CAPKIT" gen -c 3 -F pcapng -p ns -o "$T/n.pcapng" "$U"
check_eq "pcapng" pcapng "$(info "$T/n.pcapng" format)"
"$CAPKIT" gen -b big -s 40 -o "$T/b.pcap" "$U"
check_eq "big-endian" big "$(info "$T/b.pcap" byte_order)"
check_eq "snaplen" 40 "$(info "$T/b.pcap" snaplen)"
check_eq "cut to the snaplen, original length kept" "caplen 40 origlen 58" \
  "$("$CAPKIT" dump "$T/b.pcap" | awk '{print $4, $5, $6, $7}')"
"$CAPKIT" gen -l 228 -o "$T/r.pcap" 'ipv4()'
check_eq "linktype override" 228 "$(info "$T/r.pcap" linktype)"
check_eq "gen to stdout" 2 "$("$CAPKIT" gen -c 2 -o - "$U" | "$CAPKIT" info --json - | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["packets"])')"

# ---- timestamps ----
"$CAPKIT" gen -c 3 --start 2024-05-01T12:00:00.25Z --rate 4 -o "$T/t.pcap" "$U"
check_eq "RFC 3339 start and rate" "12:00:00.250000 12:00:00.500000 12:00:00.750000 " "$(times "$T/t.pcap")"
"$CAPKIT" gen -c 2 --start 2024-05-01T14:00:00+02:00 -i 1.5ms -o "$T/t.pcap" "$U"
check_eq "zone offset and interval" "12:00:00.000000 12:00:00.001500 " "$(times "$T/t.pcap")"
"$CAPKIT" gen -c 2 --start 1338882754.99679 -i 10us -p ns -o "$T/t.pcap" "$U"
check_eq "epoch start, ns" "07:52:34.996790000 07:52:34.996800000 " "$(times "$T/t.pcap")"
"$CAPKIT" gen -c 200 -i 1s --jitter 500ms -o "$T/j.pcap" "$U"
check "jitter stays within 0..D" bash -c "'$CAPKIT' dump '$T/j.pcap' | awk '{split(\$3,a,\":\"); t=a[1]*3600+a[2]*60+a[3]; d=t-(NR-1); if (d<0||d>=0.5) bad=1; if (d>0.01) some=1} END {exit bad||!some}'"

# ---- seeds ----
R='ipv4(src=rand,id=rand)/udp(sport=rand(1000-2000))/payload(len=rand(1-64),rand)'
"$CAPKIT" gen -c 50 --seed 7 -o "$T/s1.pcap" "$R"
"$CAPKIT" gen -c 50 --seed 7 -o "$T/s2.pcap" "$R"
"$CAPKIT" gen -c 50 --seed 8 -o "$T/s3.pcap" "$R"
check "same seed, same file" cmp -s "$T/s1.pcap" "$T/s2.pcap"
check "another seed, another file" bash -c "! cmp -s '$T/s1.pcap' '$T/s3.pcap'"

# ---- several streams, interleaved by time ----
printf '%s\n' "count=3 interval=10ms ipv4(ttl=1)" "count=2 start=0.005 interval=10ms ipv4(ttl=2)" >"$T/two.spec"
"$CAPKIT" gen -o "$T/two.pcap" -f "$T/two.spec"
check_eq "streams interleaved" "00:00:00.000000 00:00:00.005000 00:00:00.010000 00:00:00.015000 00:00:00.020000 " "$(times "$T/two.pcap")"
check_eq "stream order by ttl" "01fd 02fd 01fd 02fd 01fd" "$("$CAPKIT" dump -x "$T/two.pcap" | awk '$1=="000000"{print $10 $11}' | tr '\n' ' ' | sed 's/ $//')"
"$CAPKIT" gen -c 2 -i 1ms -o "$T/two2.pcap" 'ipv4(ttl=1)' 'ipv4(ttl=2)'
check_eq "two spec arguments" 4 "$(info "$T/two2.pcap" packets)"

# ---- payload sources ----
printf 'hello' >"$T/p.bin"
"$CAPKIT" gen -o "$T/p.pcap" "ipv4()/payload(file=$T/p.bin)"
check_eq "payload from a file" "68 65 6c 6c 6f" "$("$CAPKIT" dump -x "$T/p.pcap" | awk '$1=="000010"{print $6, $7, $8, $9, $10}')"

# ---- tcp-session ----
"$CAPKIT" gen -c 3 -o "$T/ts.pcap" 'eth()/ipv4()/tcp-session(sport=40000+,req="hi",resplen=3000)'
check_eq "three conversations of 15 packets" 45 "$(info "$T/ts.pcap" packets)"

# ---- import: capkit dump -x round trips ----
"$CAPKIT" dump -x "$SEED" >"$T/d.txt"
"$CAPKIT" import -o "$T/d.pcap" "$T/d.txt"
check_eq "dump -x imports back (seed)" "$(cat "$T/d.txt")" "$("$CAPKIT" dump -x "$T/d.pcap")"
"$CAPKIT" dump -x "$T/n.pcapng" >"$T/n.txt"
"$CAPKIT" import -F pcapng -o "$T/n2.pcapng" - <"$T/n.txt"
check_eq "dump -x imports back (pcapng, ns, stdin)" "$(cat "$T/n.txt")" "$("$CAPKIT" dump -x "$T/n2.pcapng")"
"$CAPKIT" dump -x "$T/b.pcap" | "$CAPKIT" import -s 40 -o "$T/b2.pcap"
check_eq "original lengths kept" "$("$CAPKIT" dump "$T/b.pcap")" "$("$CAPKIT" dump "$T/b2.pcap")"
"$CAPKIT" import -l RAW -o "$T/raw.pcap" "$T/d.txt"
check_eq "import -l" RAW "$(info "$T/raw.pcap" linktype_name)"

# ---- import: whole files ----
hexdump -C "$SEED" >"$T/hd.txt"; xxd "$SEED" >"$T/x.txt"; od -Ax -tx1 -v "$SEED" >"$T/o.txt"
for f in hd x o; do
  "$CAPKIT" import -o "$T/w.pcap" "$T/$f.txt"
  check "whole file rebuilt from $f listing" cmp -s "$T/w.pcap" "$SEED"
done
"$CAPKIT" import -o "$T/pub.pcap" "$LISTING" 2>"$T/err"
check_eq "the published listing lacks a byte: exit 1" 1 $?
check "the damage is named" grep -q "offset 178, record 3" "$T/err"
check "nothing written" test ! -e "$T/pub.pcap"
"$CAPKIT" import --keep-partial -o "$T/pub.pcap" "$LISTING" 2>/dev/null
check_eq "--keep-partial keeps the records before" 2 "$(info "$T/pub.pcap" packets)"
# the missing byte (the 00 1f of the listing's comment) put back
sed 's/^\(cd 4f 60 04 00 00 3c 00.*3c 00 00 00 00\)$/\1 1f/' "$LISTING" >"$T/fixed.txt"
"$CAPKIT" import -o "$T/w2.pcap" "$T/fixed.txt"
check "corrected listing rebuilds the capture" cmp -s "$T/w2.pcap" "$SEED"
"$CAPKIT" import --packets -o "$T/pk.pcap" "$T/hd.txt"
check_eq "--packets reads a file dump as one packet" 1 "$(info "$T/pk.pcap" packets)"

# ---- import --wrap ----
"$CAPKIT" import --wrap 'sll2()/ipv6()/udp(dport=9,sport=100+)' -o "$T/wr.pcap" "$T/d.txt"
check_eq "--wrap sets the link type" LINUX_SLL2 "$(info "$T/wr.pcap" linktype_name)"
check_eq "--wrap adds 68 bytes to each packet" "122 128 128 122" "$("$CAPKIT" dump "$T/wr.pcap" | awk '{print $5}' | tr '\n' ' ' | sed 's/ $//')"
check_exit "--wrap with a payload layer" 2 "$CAPKIT" import --wrap 'ipv4()/payload(len=1)' -o "$T/wr2.pcap" "$T/d.txt"
check_exit "--wrap with a bad spec" 2 "$CAPKIT" import --wrap 'ipv4(ttl=999)' -o "$T/wr2.pcap" "$T/d.txt"
check "nothing written for a bad --wrap" test ! -e "$T/wr2.pcap"

# ---- import errors ----
printf '0000 01 02\n0010 03\n' >"$T/gap.txt"
"$CAPKIT" import -o "$T/g.pcap" "$T/gap.txt" 2>"$T/err"
check_eq "inconsistent offsets: exit 1" 1 $?
check "error names the line" grep -q "gap.txt: line 2: offset 0x10" "$T/err"
check "nothing written on a bad dump" test ! -e "$T/g.pcap"
finish

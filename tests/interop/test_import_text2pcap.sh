# test_import_text2pcap.sh - capkit import and text2pcap read the same hex
# dumps (Wireshark's hex dump, od -Ax -tx1 with timestamp lines, hexdump -C
# per packet, capkit dump -x) into the same packets and timestamps.
. "$CAPKIT_TESTLIB"
need text2pcap tshark od hexdump
export TZ=UTC

SEED=$CAPKIT_TESTDATA/connection_termination.pcap
"$CAPKIT" gen -c 40 --seed 5 -o "$T/g.pcap" 'eth()/ipv4(src=10.0.0.1+)/udp(dport=9)/payload(len=rand(0-300),rand)'
# hexof FILE: the packets' bytes as capkit dump -x prints them
hexof() { "$CAPKIT" dump -x "$1" | grep -v '^#'; }
# both NAME INPUT [OPTIONS]: run text2pcap and capkit import on INPUT
both() {
  local name=$1 in=$2; shift 2
  text2pcap -q "$@" "$in" "$T/$name.t2p" >/dev/null 2>&1 || not_ok "$name: text2pcap failed"
  "$CAPKIT" import --packets "$@" -o "$T/$name.ck" "$in" || not_ok "$name: capkit import failed"
}

# ---- Wireshark's hex dump (tshark -x) ----
tshark -r "$T/g.pcap" -x >"$T/ws.txt" 2>/dev/null
both ws "$T/ws.txt"
check_eq "wireshark hex dump: 40 packets" 40 "$(hexof "$T/ws.ck" | grep -c '^000000 ')"
check_eq "wireshark hex dump: same bytes as text2pcap" "$(hexof "$T/ws.t2p")" "$(hexof "$T/ws.ck")"
check_eq "wireshark hex dump: the original bytes" "$(hexof "$T/g.pcap")" "$(hexof "$T/ws.ck")"

# ---- capkit dump -x (text2pcap reads it too) ----
for f in "$SEED" "$T/g.pcap"; do
  "$CAPKIT" dump -x "$f" >"$T/dx.txt"
  both dx "$T/dx.txt"
  check_eq "dump -x of $(basename "$f"): same bytes as text2pcap" "$(hexof "$T/dx.t2p")" "$(hexof "$T/dx.ck")"
done

# ---- od -Ax -tx1 with a timestamp line before each packet, -t ----
"$PY" - "$T/od.txt" <<'P'
import random, sys
random.seed(11)
out = open(sys.argv[1], "w")
for i in range(30):
    n = random.randint(1, 200)
    b = bytes(random.randrange(256) for _ in range(n))
    out.write("2024-03-%02d 05:%02d:07.%06d some text\n" % (1 + i % 28, i, random.randrange(10**6)))
    for off in range(0, n, 16):
        out.write("%06x %s\n" % (off, " ".join("%02x" % c for c in b[off:off+16])))
    out.write("%06x\n" % n)
P
text2pcap -q -t "%Y-%m-%d %H:%M:%S.%f" "$T/od.txt" "$T/od.t2p" >/dev/null 2>&1 || not_ok "od: text2pcap"
"$CAPKIT" import -F pcapng -p ns -t "%Y-%m-%d %H:%M:%S.%f" -o "$T/od.ck" "$T/od.txt" || not_ok "od: capkit import"
check_eq "od with times: 30 packets" 30 "$("$CAPKIT" dump "$T/od.ck" | wc -l)"
check_eq "od with times: same packets and timestamps as text2pcap" "$("$CAPKIT" dump -x "$T/od.t2p" | cut -d' ' -f3-)" "$("$CAPKIT" dump -x "$T/od.ck" | cut -d' ' -f3-)"

# ---- dummy headers: --wrap with text2pcap's -u values, byte for byte ----
text2pcap -q -u 1000,69 "$T/od.txt" "$T/u.t2p" >/dev/null 2>&1 || not_ok "text2pcap -u"
"$CAPKIT" import -o "$T/u.ck" --wrap 'eth(dst=20:52:45:43:56:00,src=20:53:45:4e:44:00,pad)/ipv4(id=0x1234,ttl=255,src=10.1.1.1,dst=10.2.2.2)/udp(sport=1000,dport=69)' "$T/od.txt" || not_ok "import --wrap"
check_eq "--wrap: the same packets as text2pcap -u" "$(hexof "$T/u.t2p")" "$(hexof "$T/u.ck")"
check_eq "--wrap: 30 packets" 30 "$("$CAPKIT" dump "$T/u.ck" | wc -l)"

# ---- hexdump -C of each packet, link type RAW ----
"$CAPKIT" gen -c 5 -o "$T/r.pcap" 'ipv4(src=10.9.0.1+)/udp(dport=9)/payload(len=rand(10-90),rand)'
: >"$T/hd.txt"
"$PY" - "$T/r.pcap" "$T/hd.txt" <<'P'
import struct, subprocess, sys
d = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
o = 24
while o < len(d):
    cl = struct.unpack_from("<I", d, o + 8)[0]
    out.write(subprocess.run(["hexdump", "-C"], input=d[o+16:o+16+cl], stdout=subprocess.PIPE).stdout)
    o += 16 + cl
P
both hd "$T/hd.txt" -l 101
check_eq "hexdump -C per packet: same bytes as text2pcap" "$(hexof "$T/hd.t2p")" "$(hexof "$T/hd.ck")"
check_eq "hexdump -C per packet: the original bytes" "$(hexof "$T/r.pcap")" "$(hexof "$T/hd.ck")"
check_eq "link type RAW like text2pcap -l 101" "$(tshark -r "$T/hd.t2p" -T fields -e frame.encap_type -c 1 2>/dev/null)" "$(tshark -r "$T/hd.ck" -T fields -e frame.encap_type -c 1 2>/dev/null)"
# ---- od with octal and decimal offsets (text2pcap -o oct|dec) ----
# Two packets of random bytes (different lengths), each dumped by od -A o
# and od -A d, then imported by both tools with the offset radix named.
head -c 300 /dev/urandom >"$T/p1.bin"
head -c 77 /dev/urandom >"$T/p2.bin"
for radix in o d; do
  { od -A$radix -tx1 -v "$T/p1.bin"; od -A$radix -tx1 -v "$T/p2.bin"; } >"$T/od_$radix.txt"
  name=$([ $radix = o ] && echo oct || echo dec)
  text2pcap -q -o $name "$T/od_$radix.txt" "$T/od_$radix.t2p" >/dev/null 2>&1 ||
    not_ok "od -A$radix: text2pcap failed"
  "$CAPKIT" import --offsets $name -o "$T/od_$radix.ck" "$T/od_$radix.txt" ||
    not_ok "od -A$radix: capkit import failed"
  check_eq "od -A$radix offsets: same packets as text2pcap -o $name" \
    "$(hexof "$T/od_$radix.t2p")" "$(hexof "$T/od_$radix.ck")"
  check_eq "od -A$radix offsets: two packets of 300 and 77 bytes" "300 77" \
    "$("$CAPKIT" dump "$T/od_$radix.ck" | awk '{print $NF}' | tr '\n' ' ' | sed 's/ $//')"
done
check_exit "an unknown radix is a usage error" 2 "$CAPKIT" import --offsets bin -o "$T/x.pcap" "$T/od_o.txt"
finish

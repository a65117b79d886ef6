# test_decode_golden.sh - capkit print against the golden outputs listed in
# tests/data/decode/TESTLIST (input capture, options, expected output), plus
# the command's exit codes and its stdout/pipe behaviour.
. "$CAPKIT_TESTLIB"

D=$CAPKIT_TESTDATA/decode
case $CAPKIT in /*) ;; */*) CAPKIT=$(cd "$(dirname "$CAPKIT")" && pwd)/$(basename "$CAPKIT") ;; esac
n=0
while read -r name input opts; do
  case $name in '' | '#'*) continue ;; esac
  n=$((n + 1))
  # shellcheck disable=SC2086
  # the interface name of SLL2 lines depends on the machine (see
  # tests/tools/update_decode_golden.sh)
  (cd "$D" && "$CAPKIT" print $opts $input) 2>"$T/$name.err" |
    sed -E 's/^([0-9:.]+) [^ ]+ +(In|Out|B|M|P|\?) +/\1 IFNAME \2 /' >"$T/$name.out"
  if cmp -s "$D/expected/$name.out" "$T/$name.out"; then
    ok
  else
    not_ok "golden $name: print $opts $input differs"
    diff "$D/expected/$name.out" "$T/$name.out" | head -5 >&2
  fi
done <"$D/TESTLIST"
check "TESTLIST has the golden cases" test "$n" -ge 100

# every protocol named in the issue appears in some golden output
for proto in eth llc vlan sll sll2 null arp ip ipv6 ipv6ext icmp icmpv6 udp \
  tcp gre vxlan dns dhcp ntp http tls; do
  if cat "$D"/expected/*-json.out | grep -q "\"layer\":\"$proto\""; then ok; else
    not_ok "no golden JSON has a $proto layer"
  fi
done
# truncated and malformed layers are reported as such
grep -q '"truncated":true' "$D/expected/trunc-json.out" && ok ||
  not_ok "truncated layers are marked in JSON"
grep -q '"malformed":true' "$D/expected/bad-json.out" && ok ||
  not_ok "malformed layers are marked in JSON"
grep -q '"checksum_status":"bad"' "$D/expected/tcp-json.out" && ok ||
  not_ok "a bad checksum is reported"

# ---- every JSON line parses, and holds what the line output holds ----
"$CAPKIT" print --json "$D"/tcp.pcap "$D"/udp.pcap "$D"/udp_trunc.pcap >"$T/all.json"
check "json lines parse" "$PY" -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$T/all.json"
a=$("$CAPKIT" print "$D"/tcp.pcap "$D"/udp.pcap "$D"/udp_trunc.pcap | wc -l)
b=$(wc -l <"$T/all.json")
check_eq "one JSON object per packet" "$a" "$b"

# ---- the alias, help, usage errors and exit codes ----
check_eq "show is print" "$("$CAPKIT" print "$D/tcp.pcap")" "$("$CAPKIT" show "$D/tcp.pcap")"
check_exit "print --help" 0 "$CAPKIT" print --help
check_exit "print without file" 2 "$CAPKIT" print
check_exit "print bad option" 2 "$CAPKIT" print --bogus "$D/tcp.pcap"
check_exit "print bad time format" 2 "$CAPKIT" print --time never "$D/tcp.pcap"
check_exit "print bad filter" 2 "$CAPKIT" print -f 'tcp port port' "$D/tcp.pcap"
check_exit "print missing file" 3 "$CAPKIT" print "$T/none.pcap"
check_exit "print not a capture" 1 "$CAPKIT" print "$D/TESTLIST"
"$CAPKIT" print -f 'tcp port port' "$D/tcp.pcap" >"$T/f.out" 2>"$T/f.err"
check "bad filter prints nothing" test ! -s "$T/f.out"
check "bad filter is named" grep -q "tcp port port" "$T/f.err"

# a capture cut inside its last record: the packets before it are printed,
# exit 1, one message naming the file
head -c $(($(stat -c %s "$D/udp.pcap") - 5)) "$D/udp.pcap" >"$T/cut.pcap"
"$CAPKIT" print "$T/cut.pcap" >"$T/cut.out" 2>"$T/cut.err"
check_eq "cut capture exit" 1 $?
check_eq "cut capture lines" $(($(wc -l <"$D/expected/udp.out") - 1)) "$(wc -l <"$T/cut.out")"
check "cut capture message" grep -q "cut.pcap" "$T/cut.err"
check_eq "cut capture one message" 1 "$(wc -l <"$T/cut.err")"

# from standard input, and -c stops early
check_eq "stdin" "$(cat "$D/expected/tcp.out")" "$("$CAPKIT" print - <"$D/tcp.pcap")"
check_eq "-c 2" 2 "$("$CAPKIT" print -c 2 "$D/tcp.pcap" | wc -l)"
# a closed pipe is not an error message
"$CAPKIT" print "$D"/*.pcap 2>"$T/pipe.err" | head -1 >/dev/null
check "closed pipe is quiet" test ! -s "$T/pipe.err"
# /dev/full: write errors are reported, exit 3
check_exit "write error" 3 sh -c "'$CAPKIT' print '$D/tcp.pcap' >/dev/full"

# ---- time stamps far outside 1678..2262 (pcapng holds 64-bit times):
# every format as the calendar and plain arithmetic give it (Python's
# datetime, shifted by whole 400-year cycles of 146097 days), never wrapped
"$PY" - "$T/big.pcapng" "$T/big.want" <<'PYEOF'
import datetime, struct, sys
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
shb = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
idb_us = blk(1, struct.pack("<HHI", 1, 0, 65535))
idb_ns = blk(1, struct.pack("<HHI", 1, 0, 65535) + struct.pack("<HH", 9, 1) + b"\x09\0\0\0" + b"\0\0\0\0")
pkt = bytes.fromhex("0200000000020200000000010800" "4500001f00010000401100000a0000010a000002" "30390050000b0000616263")
times = [(0, 1700000000 * 10**6), (0, 2**64 - 1), (0, 2**63 + 5), (1, 2**64 - 1), (0, 10**16), (1, 1700000000 * 10**9 + 1), (0, 0)]
out = shb + idb_us + idb_ns
for ifc, ts in times:
    out += blk(6, struct.pack("<IIIII", ifc, ts >> 32, ts & 0xffffffff, len(pkt), len(pkt)) + pkt)
open(sys.argv[1], "wb").write(out)
def date(sec):
    days, rem = divmod(sec, 86400)
    k = (days + 719162) // 146097  # 400-year cycles from 0001-01-01
    d = datetime.date(1970, 1, 1) + datetime.timedelta(days=days - k * 146097)
    return "%04d-%02d-%02d %02d:%02d:%02d" % (d.year + 400 * k, d.month, d.day, rem // 3600, rem // 60 % 60, rem % 60)
def hms(ns):
    sign = "-" if ns < 0 else " "  # tcpdump's sign column (-ttt, -ttttt)
    ns = abs(ns)
    s, f = divmod(ns, 10**9)
    return "%s%02d:%02d:%02d.%06d" % (sign, s // 3600, s // 60 % 60, s % 60, f // 1000)
ns = [ts * (1000 if ifc == 0 else 1) for ifc, ts in times]
with open(sys.argv[2], "w") as w:
    for i, t in enumerate(ns):
        s, f = divmod(t, 10**9)
        w.write("date %s.%06d\n" % (date(s), f // 1000))
        w.write("abs %s.%06d\n" % (date(s)[-8:], f // 1000))
        w.write("epoch %d.%06d\n" % (s, f // 1000))
        w.write("rel %s\n" % hms(t - ns[0]))
        w.write("delta %s\n" % hms(t - ns[i - 1] if i else 0))
PYEOF
for fmt in date abs epoch rel delta; do
  want=$(sed -n "s/^$fmt //p" "$T/big.want")
  got=$("$CAPKIT" print -t "$fmt" "$T/big.pcapng" | sed 's/ IP .*//')
  check_eq "print -t $fmt of extreme times" "$want" "$got"
done

# ---- JSON strings are valid UTF-8 in every command: a file name with a
# byte that is not UTF-8 (info, dump), an HTTP request line in UTF-8 (print)
bad=$T/$'odd\xff\xc3name'.pcap
cp "$D/tcp.pcap" "$bad"
"$CAPKIT" info --json "$bad" >"$T/info.json"
check "info --json: valid UTF-8 and JSON, the odd bytes as \\u00XX" "$PY" -c '
import json, sys
o = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
assert o["file"].endswith("odd\u00ff\u00c3name.pcap"), o["file"]' "$T/info.json"
"$PY" - "$T/utf8.pcap" <<'PYEOF'
import struct, sys
line = "GET /caf\u00e9/\u65e5\u672c HTTP/1.1\r\nHost: x\r\n\r\n".encode()
tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1, 1, 0x50, 0x18, 100, 0, 0) + line
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                 bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
frame = bytes(6) + bytes(6) + b"\x08\x00" + ip + tcp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1700000000, 0, len(frame), len(frame)) + frame)
PYEOF
"$CAPKIT" print --json "$T/utf8.pcap" >"$T/utf8.json"
check "print --json: a UTF-8 HTTP line comes back exactly" "$PY" -c '
import json, sys
o = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
http = [l for l in o["layers"] if l["layer"] == "http"][0]
assert http["line"] == "GET /caf\u00e9/\u65e5\u672c HTTP/1.1", http' "$T/utf8.json"

finish

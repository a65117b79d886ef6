# test_stats.sh - capkit stats: every table in text, JSON and CSV agrees with
# itself and with capkit print; filters, intervals, several files, errors;
# times beyond int64 nanoseconds and appended older captures against values
# worked out by hand; examples/stats_summary.c against stats --json. The
# comparisons with tshark and capinfos are in
# tests/interop/test_stats_tshark.sh.
. "$CAPKIT_TESTLIB"

D=$CAPKIT_TESTDATA/decode
ALL="$D/tcp.pcap $D/udp.pcap $D/icmp.pcap $D/arp.pcap $D/ipv6.pcap $D/frag.pcap $D/vlan.pcap $D/tunnel.pcap"
# shellcheck disable=SC2086
npk=$("$CAPKIT" print $ALL | wc -l)

# shellcheck disable=SC2086
"$CAPKIT" stats --json -n 0 $ALL >"$T/s.json"
check_eq "stats --json exit" 0 $?
check "JSON is consistent" "$PY" - "$T/s.json" "$npk" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert d["packets"] == n, (d["packets"], n)
roots = [h for h in d["hierarchy"] if ":" not in h["path"]]
assert sum(h["packets"] for h in roots) == n
assert sum(h["bytes"] for h in roots) == d["bytes"]
# a child never counts more than its parent
by = {h["path"]: h for h in d["hierarchy"]}
for h in d["hierarchy"]:
    if ":" in h["path"]:
        p = by[h["path"].rsplit(":", 1)[0]]
        assert h["packets"] <= p["packets"] and h["bytes"] <= p["bytes"], h
assert sum(s["packets"] for s in d["sizes"]) == n
assert sum(s["bytes"] for s in d["sizes"]) == d["bytes"]
assert sum(t["packets"] for t in d["throughput"]) == n
assert sum(t["bytes"] for t in d["throughput"]) == d["bytes"]
# every TCP packet of the hierarchy is in some TCP conversation
tcp = sum(h["packets"] for h in d["hierarchy"] if h["protocol"] == "tcp")
c = d["conversations_tcp"]
assert sum(r["packets_ab"] + r["packets_ba"] for r in c["rows"]) == tcp, tcp
assert c["count"] == len(c["rows"])
ip = sum(h["packets"] for h in d["hierarchy"] if h["protocol"] in ("ip", "ipv6"))
ipc = d["conversations_ip"]["rows"]
# later IPv6 fragments are in no IPv6 conversation, as tshark counts them
# (tests/interop/test_stats_tshark.sh compares the tables with tshark)
nipc = sum(r["packets_ab"] + r["packets_ba"] for r in ipc)
assert 0 < nipc <= ip, (nipc, ip)
# talkers: each packet of an IP conversation is sent by one host and
# received by one
t = d["talkers"]
assert sum(x["packets_tx"] for x in t) == nipc
assert sum(x["packets_rx"] for x in t) == nipc
PYEOF

# CSV tables: a header and the same numbers as the JSON
for table in hierarchy ip tcp udp talkers sizes throughput; do
  # shellcheck disable=SC2086
  "$CAPKIT" stats --csv $table $ALL >"$T/$table.csv"
  check_eq "csv $table exit" 0 $?
  check "csv $table has rows" test "$(wc -l <"$T/$table.csv")" -ge 2
done
check_eq "csv throughput sum" "$npk" "$(awk -F, 'NR>1{s+=$2} END{print s}' "$T/throughput.csv")"
check_eq "csv sizes sum" "$npk" "$(awk -F, 'NR>1{s+=$2} END{print s}' "$T/sizes.csv")"
check_eq "csv tcp rows = JSON count" \
  "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["conversations_tcp"]["count"])' "$T/s.json")" \
  "$(($(wc -l <"$T/tcp.csv") - 1))"

# text: the sections are there, and -n limits the rows
ntcp=$("$CAPKIT" print "$D/tcp.pcap" | wc -l)
nconv=$(($("$CAPKIT" stats --csv tcp "$D/tcp.pcap" | wc -l) - 1))
"$CAPKIT" stats "$D/tcp.pcap" >"$T/s.txt"
for h in "Protocol hierarchy" "IP conversations" "TCP conversations" \
  "UDP conversations" "Top talkers" "Packet sizes" "Throughput"; do
  grep -q "^$h" "$T/s.txt" && ok || not_ok "text has $h"
done
check_eq "text packets" "Packets: $ntcp" "$(head -1 "$T/s.txt")"
check "-n 1 limits rows" grep -q "^\.\.\. $((nconv - 1)) more" <("$CAPKIT" stats -n 1 "$D/tcp.pcap")

# --interval: finer buckets, same totals; a tiny interval over a long span
# is coarsened to at most 100000 buckets. The golden captures hold one
# packet every quarter second.
b1=$("$CAPKIT" stats --csv throughput -i 0.25 "$D/tcp.pcap" | tail -n +2 | wc -l)
check_eq "quarter-second buckets" "$ntcp" "$b1"
b2=$("$CAPKIT" stats --csv throughput -i 0.000000001 "$D/tcp.pcap" | tail -n +2 | wc -l)
check "bucket count is bounded" test "$b2" -le 100000
check_eq "bounded buckets keep the total" "$ntcp" \
  "$("$CAPKIT" stats --csv throughput -i 0.000000001 "$D/tcp.pcap" | awk -F, 'NR>1{s+=$2} END{print s}')"

# -f: the same as counting what print -f prints
check_eq "filter" "$("$CAPKIT" print -f udp "$D/udp.pcap" | wc -l)" \
  "$("$CAPKIT" stats --json -f udp "$D/udp.pcap" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["packets"])')"
check_eq "filter port" 2 \
  "$("$CAPKIT" stats --json -f 'port 123' "$D/udp.pcap" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["packets"])')"

# a link type the decoder does not know: counted as data, printed by name
"$PY" -c 'import struct,sys
open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0,
    65535, 147) + struct.pack("<IIII", 1, 2, 4, 4) + b"abcd")' "$T/user0.pcap"
check_eq "unknown link type in the hierarchy" "data,data,0,1,4" \
  "$("$CAPKIT" stats --csv hierarchy "$T/user0.pcap" | tail -n +2)"
check_eq "unknown link type printed" "00:00:01.000002 USER0, length 4" \
  "$("$CAPKIT" print "$T/user0.pcap")"

# Times far beyond 2262 (pcapng in whole seconds): the duration and the
# buckets are exact, not wrapped int64 nanoseconds. 2^40 - 1 seconds apart.
"$PY" - "$T/far.pcapng" <<'PYEOF'
import struct, sys
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
# if_tsresol 0: units of 10^0 s
idb = block(1, struct.pack("<HHI", 1, 0, 0) + struct.pack("<HHB3x", 9, 1, 0) + b"\0\0\0\0")
def epb(ts, data):
    return block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), len(data)) + data)
frame = bytes(60)
open(sys.argv[1], "wb").write(shb + idb + epb(1, frame) + epb(2**40, frame))
PYEOF
"$CAPKIT" stats --json "$T/far.pcapng" >"$T/far.json"
check_eq "far times: exit" 0 $?
check "far times: exact duration, every packet in a bucket" "$PY" - "$T/far.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]), parse_float=str)
assert d["duration"] == "1099511627775.000000", d["duration"]
assert d["first"] == "1.000000" and d["last"] == "1099511627776.000000", d
t = d["throughput"]
assert 2 <= len(t) <= 100000 and sum(x["packets"] for x in t) == 2, len(t)
# the interval is 1 s doubled k times: the least k with the span in 100000
iv = float(d["interval"])
k = 0
while (2**40 - 1) // 2**k + 1 > 100000:
    k += 1
assert iv == 2**k, (iv, k)
assert t[0]["start"] == "0.000000" and t[-1]["packets"] == 1
PYEOF

# An older capture appended to a newer one: buckets run from the earliest
# packet, each packet at its own time (0.5 s buckets: 2 + 1 + 1 packets).
"$PY" - "$T/ooo.pcap" <<'PYEOF'
import struct, sys
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for sec, usec in ((100, 0), (100, 900000), (98, 300000), (98, 400000)):
    out.append(struct.pack("<IIII", sec, usec, 60, 60) + bytes(60))
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
check_eq "appended older capture: buckets from the earliest" \
  "start,packets,bytes
0.000000,2,120
0.500000,0,0
1.000000,0,0
1.500000,1,60
2.000000,0,0
2.500000,1,60" "$("$CAPKIT" stats --csv throughput -i 0.5 "$T/ooo.pcap")"
check_eq "appended older capture: duration" "Duration: 2.600000 s" \
  "$("$CAPKIT" stats "$T/ooo.pcap" | grep ^Duration)"
# a named pipe is read once (no hang waiting for a second writer); its
# times are kept, so the buckets are the same as from the file
mkfifo "$T/fifo"
cat "$T/ooo.pcap" >"$T/fifo" &
check_eq "appended older capture through a pipe: same buckets" \
  "$("$CAPKIT" stats --csv throughput -i 0.5 "$T/ooo.pcap")" \
  "$(timeout 20 "$CAPKIT" stats --csv throughput -i 0.5 "$T/fifo")"
wait
# a file that does not open is reported once, also when the buckets are
# counted again from the earliest packet (the buckets are the file's own)
printf 'not a capture' >"$T/junk.pcap"
"$CAPKIT" stats --csv throughput -i 0.5 "$T/ooo.pcap" "$T/junk.pcap" \
  >"$T/junk.csv" 2>"$T/junk.err"
check_eq "older capture and a bad file: exit" 1 $?
check_eq "older capture and a bad file: one message" 1 \
  "$(grep -c junk.pcap "$T/junk.err")"
check_eq "older capture and a bad file: buckets from the earliest" \
  "$("$CAPKIT" stats --csv throughput -i 0.5 "$T/ooo.pcap")" \
  "$(cat "$T/junk.csv")"

# examples/stats_summary.c (public API only; one accumulator per file,
# merged) gives the numbers of capkit stats --json
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${CAPKIT_BUILDDIR:-$root/build}
lib="$bdir/libcapkit.a"
san=
grep -q "^CAPKIT_SANITIZE:BOOL=ON" "$bdir/CMakeCache.txt" 2>/dev/null &&
  san="-fsanitize=address,undefined"
# shellcheck disable=SC2046,SC2086
if cc $san -std=c11 -Wall -Wextra -Werror -I"$root/include" -o "$T/stats_summary" \
  "$root/examples/stats_summary.c" "$lib" $(pkg-config --libs libpcap zlib libzstd 2>/dev/null) -lm; then
  ok
  for set in "$D/tcp.pcap" "$D/udp.pcap $D/ipv6.pcap" "$ALL" "$T/ooo.pcap $D/vlan.pcap"; do
    # shellcheck disable=SC2086
    "$T/stats_summary" $set >"$T/ex.json"
    # shellcheck disable=SC2086
    "$CAPKIT" stats --json --eth -n 0 $set >"$T/st.json"
    check "example = stats --json ($set)" "$PY" - "$T/ex.json" "$T/st.json" <<'PYEOF'
import json, sys
e = json.load(open(sys.argv[1]), parse_float=str)
s = json.load(open(sys.argv[2]), parse_float=str)
for k in ("packets", "bytes", "captured_bytes", "first", "last", "duration"):
    assert e[k] == s[k], (k, e[k], s[k])
roots = {h["path"]: h["packets"] for h in s["hierarchy"] if ":" not in h["path"]}
assert e["roots"] == roots, (e["roots"], roots)
c = e["conversations"]
assert c["eth"] == s["conversations_eth"]["count"]
assert c["ipv4"] + c["ipv6"] == s["conversations_ip"]["count"]
assert c["tcp"] == s["conversations_tcp"]["count"]
assert c["udp"] == s["conversations_udp"]["count"]
rows = s["conversations_tcp"]["rows"]
if rows:
    r = rows[0]
    assert e["top_tcp"] == {"port_a": r["port_a"], "port_b": r["port_b"],
                            "packets": r["packets_ab"] + r["packets_ba"]}, (e["top_tcp"], r)
sizes = [x for x in s["sizes"] if x["packets"]]
lo = int(sizes[0]["range"].split("-")[0].rstrip("+"))
assert lo <= e["min"] <= e["max"], (e["min"], e["max"])
PYEOF
  done
else
  not_ok "examples/stats_summary.c builds"
fi

# errors
check_exit "stats --help" 0 "$CAPKIT" stats --help
check_exit "stats without file" 2 "$CAPKIT" stats
check_exit "stats bad table" 2 "$CAPKIT" stats --csv nope "$D/tcp.pcap"
check_exit "stats bad interval" 2 "$CAPKIT" stats -i 0 "$D/tcp.pcap"
check_exit "stats bad filter" 2 "$CAPKIT" stats -f 'ip and and' "$D/tcp.pcap"
check_exit "stats missing file" 3 "$CAPKIT" stats "$T/none.pcap"
head -c 300 "$D/udp.pcap" >"$T/cut.pcap"
"$CAPKIT" stats --json "$T/cut.pcap" >"$T/cut.json" 2>"$T/cut.err"
check_eq "cut capture exit" 1 $?
check "cut capture still reported" "$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["packets"] == 2' "$T/cut.json"
check "cut capture message names file" grep -q cut.pcap "$T/cut.err"
finish

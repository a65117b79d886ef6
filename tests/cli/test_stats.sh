# test_stats.sh - capkit stats: every table in text, JSON and CSV agrees with
# itself and with capkit print; filters, intervals, several files, errors.
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
assert sum(r["packets_ab"] + r["packets_ba"] for r in ipc) == ip
# talkers: each IP packet is sent by one host and received by one
t = d["talkers"]
assert sum(x["packets_tx"] for x in t) == ip
assert sum(x["packets_rx"] for x in t) == ip
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

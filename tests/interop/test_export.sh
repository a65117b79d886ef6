# test_export.sh - capkit export against tshark -T fields on the decoder's
# well-formed fixtures (the same rows for the fields both know, by
# Wireshark's names), its CSV/TSV/NDJSON layouts, and DuckDB (the
# @duckdb/node-api package, installed here from npm into the build folder)
# loading the CSV and NDJSON exports with totals equal to tshark's.
. "$CAPKIT_TESTLIB"
need tshark mergecap
TOOLS=$(dirname "$CAPKIT_TESTLIB")/tools
good=$(ls "$CAPKIT_TESTDATA"/decode/*.pcap | grep -v -E '_bad|_trunc')
# shellcheck disable=SC2086
mergecap -a -w "$T/all.pcapng" $good "$CAPKIT_TESTDATA/connection_termination.pcap"

F="frame.number frame.time_epoch frame.time_relative frame.time_delta
   frame.len frame.cap_len frame.interface_id eth.src eth.dst ip.src ip.dst
   ip.ttl ip.proto ip.len ip.hdr_len ip.flags.df ipv6.src ipv6.dst ipv6.hlim
   ipv6.plen ipv6.nxt tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw
   tcp.len tcp.hdr_len tcp.window_size_value tcp.urgent_pointer udp.srcport
   udp.dstport udp.length icmp.type icmp.code icmpv6.type arp.opcode
   arp.src.proto_ipv4 arp.dst.proto_ipv4 arp.src.hw_mac arp.dst.hw_mac
   dns.qry.name dns.count.queries dns.count.answers"
args=()
for f in $F; do args+=(-e "$f"); done
names=$(echo $F | tr ' ' ',')
# tshark reassembles IP fragments (the UDP header then shows in the last
# fragment); capkit shows each packet as captured: reassembly off.
tshark -r "$T/all.pcapng" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -T fields "${args[@]}" \
  -E occurrence=f >"$T/t.tsv" 2>/dev/null
"$CAPKIT" export -E occurrence=f "${args[@]}" "$T/all.pcapng" >"$T/c.tsv"
check "first occurrences = tshark -T fields ($(wc -l <"$T/t.tsv") rows)" \
  $PY "$TOOLS/export_cmp.py" "$T/t.tsv" "$T/c.tsv" "$names"
check "the rows cover IPv4, IPv6, TCP, UDP, ICMP, ARP and DNS" \
  test "$(cut -f10,17,22,30,34,37,42 "$T/c.tsv" | tr -d '\t\n' | wc -c)" -gt 100
# every occurrence (VLAN stacks as tshark's 802.1Q tags; both sides list
# the values joined by ',')
for e in "ip.src ip.dst ipv6.src tcp.srcport udp.dstport icmp.type icmpv6.type" "vlan.id vlan.priority"; do
  a=(); for f in $e; do a+=(-e "$f"); done
  occ=a; [ "$e" = "vlan.id vlan.priority" ] && occ=l # tshark: 802.1ad apart
  tshark -r "$T/all.pcapng" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -T fields "${a[@]}" \
    -E occurrence=$occ -E aggregator=, >"$T/t2.tsv" 2>/dev/null
  "$CAPKIT" export -E occurrence=$occ "${a[@]}" "$T/all.pcapng" >"$T/c2.tsv"
  check "occurrence=$occ of $e = tshark" \
    $PY "$TOOLS/export_cmp.py" "$T/t2.tsv" "$T/c2.tsv" "$(echo $e | tr ' ' ',')"
done

# Layouts.
"$CAPKIT" export --format csv -e frame.number -e ip.src -e http.line \
  -e tcp.flags "$CAPKIT_TESTDATA/decode/tcp.pcap" >"$T/x.csv"
check_eq "csv header" "frame.number,ip.src,http.line,tcp.flags" "$(head -1 "$T/x.csv")"
check "csv parses (Python's csv module) with one row per packet" $PY - "$T/x.csv" \
  "$("$CAPKIT" info "$CAPKIT_TESTDATA/decode/tcp.pcap" | sed -n 's/^Packets: *//p')" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
assert len(rows) == int(sys.argv[2]) + 1, len(rows)
assert all(len(r) == 4 for r in rows)
PYEOF
"$CAPKIT" export --format ndjson -e frame.number -e frame.time_epoch -e ip.src \
  -e vlan.id -e http.line "$T/all.pcapng" >"$T/x.ndjson"
check "ndjson: one valid object per packet, typed" $PY - "$T/x.ndjson" <<'PYEOF'
import json, sys
from decimal import Decimal
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
objs = [json.loads(l, parse_float=Decimal) for l in lines]
assert len(objs) == 90, len(objs)
assert all(isinstance(o["frame.number"], int) for o in objs)
assert all(isinstance(o["frame.time_epoch"], Decimal) for o in objs)
assert any(isinstance(o["vlan.id"], list) for o in objs)
assert any(o["ip.src"] is None for o in objs)
PYEOF
check_exit "unknown field is a usage error" 2 "$CAPKIT" export -e ip.sr "$T/all.pcapng"
msg=$("$CAPKIT" export -e ip.sr "$T/all.pcapng" 2>&1)
check "the message suggests the nearest name" grep -q "ip.src" <<<"$msg"
check "--fields lists capkit's and Wireshark's names" \
  grep -q "^tcp.dstport *tcp.dport" <("$CAPKIT" export --fields)
"$CAPKIT" export -e frame.number -o "$T/o.tsv" "$T/all.pcapng"
check_eq "-o writes the file" 90 "$(wc -l <"$T/o.tsv")"
check "no temporary file is left" test -z "$(ls -A "$T" | grep '^\.o\.tsv')"

# DuckDB reads the exports; its totals equal tshark's.
if command -v npm >/dev/null && command -v node >/dev/null; then
  D="${CAPKIT_BUILDDIR:-$T}/duckdb"
  if [ ! -d "$D/node_modules/@duckdb/node-api" ]; then
    mkdir -p "$D"
    (cd "$D" && npm install --no-audit --no-fund --silent @duckdb/node-api \
      >/dev/null 2>&1)
  fi
  if [ -d "$D/node_modules/@duckdb/node-api" ]; then
    cp "$TOOLS/duckdb_query.mjs" "$D/q.mjs"
    q() { node "$D/q.mjs" "$@"; }
    "$CAPKIT" export --format csv -E occurrence=f -e frame.len -e tcp.dstport \
      -e ip.proto "$T/all.pcapng" -o "$T/d.csv"
    "$CAPKIT" export --format ndjson -E occurrence=f -e frame.len \
      -e tcp.dstport -e ip.proto "$T/all.pcapng" -o "$T/d.ndjson"
    want_total=$(tshark -r "$T/all.pcapng" -T fields -e frame.len 2>/dev/null |
      awk '{n++; s += $1} END {print n "\t" s}')
    check_eq "DuckDB (CSV): packets and bytes = tshark" "$want_total" \
      "$(q "$T/d.csv" "SELECT count(*), sum(\"frame.len\") FROM read_csv('FILE')")"
    check_eq "DuckDB (NDJSON): packets and bytes = tshark" "$want_total" \
      "$(q "$T/d.ndjson" "SELECT count(*), sum(\"frame.len\") FROM read_json('FILE', format='newline_delimited')")"
    want_ports=$(tshark -r "$T/all.pcapng" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -T fields \
      -e tcp.dstport -E occurrence=f 2>/dev/null | grep . | sort -n | uniq -c |
      awk '{print $2 "\t" $1}')
    check_eq "DuckDB GROUP BY tcp.dstport = tshark" "$want_ports" \
      "$(q "$T/d.csv" "SELECT \"tcp.dstport\", count(*) FROM read_csv('FILE') WHERE \"tcp.dstport\" IS NOT NULL GROUP BY 1 ORDER BY 1")"
    check_eq "DuckDB types the columns" "BIGINT BIGINT BIGINT" \
      "$(q "$T/d.csv" "SELECT column_type FROM (DESCRIBE SELECT * FROM read_csv('FILE'))" | tr '\n' ' ' | sed 's/ $//')"
  else
    not_ok "npm could not install @duckdb/node-api"
  fi
else
  echo "note: node/npm missing, DuckDB checks left out"
fi
finish

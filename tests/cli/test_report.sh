# test_report.sh - capkit report: the page's numbers against capinfos and
# tshark (totals, TCP flags and analysis), and against capkit stats --json
# and info --json (one engine: the page must say what they say); the I/O
# graph's bars against tshark's io,stat bins; gaps and damage shown;
# hostile strings from the file escaped; exit codes; atomic output; size.
. "$CAPKIT_TESTLIB"
C=$CAPKIT
cd "$T" || exit 99

# The page's structure as JSON: per view the summary values, hierarchy,
# conversation and endpoint tables, I/O bins, size bars, gaps, damage.
cat >extract.py <<'PYEOF'
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.views = []; s.v = None; s.tab = None; s.row = None
        s.svg = None; s.scripts = 0; s.imgs = 0
    def handle_starttag(s, tag, a):
        a = dict(a); cls = (a.get("class") or "").split()
        if tag == "script": s.scripts += 1
        if tag == "img": s.imgs += 1
        if tag == "section" and "view" in cls:
            s.v = {"file": a["data-file"], "kv": {}, "hier": [], "tables": {},
                   "io": {}, "sizes": [], "gaps": [], "gapnotes": [],
                   "damage": None, "damaged": 0, "warnings": {}, "tcp": None}
            s.views.append(s.v)
        if s.v is None: return
        if tag == "td" and "data-key" in a: s.v["kv"][a["data-key"]] = a.get("data-v")
        if tag == "span" and "data-kind" in a: s.v["warnings"][a["data-kind"]] = int(a["data-v"])
        if tag == "div" and "damage" in cls: s.v["damage"] = a
        if tag == "table":
            s.tab = ("hier" if "hier" in cls else
                     "conv_" + a["data-kind"] if "conv" in cls else
                     "end_" + a["data-kind"] if "endpoints" in cls else
                     "tcptotal" if "tcptotal" in cls else
                     "damaged" if "damaged" in cls else None)
            if s.tab and s.tab not in ("hier", "tcptotal", "damaged"):
                s.v["tables"][s.tab] = {"count": int(a["data-count"]), "rows": []}
        if tag == "tr" and s.tab: s.row = []
        if tag == "td" and s.row is not None:
            s.row.append(a.get("data-p") or a.get("data-v"))
        if tag == "svg" and "io" in cls:
            s.svg = a["data-k"]; s.v["io"][s.svg] = {"n": int(a["data-n"]),
                "iv": float(a["data-iv"]), "bins": []}
        if tag == "g" and "bin" in cls and s.svg:
            s.v["io"][s.svg]["bins"].append([float(a["data-t"]), int(a["data-p"]), int(a["data-b"])])
        if tag == "rect" and "gap" in cls and s.svg == "pps":
            s.v["gaps"].append([float(a["data-from"]), float(a["data-to"])])
        if tag == "li" and "gapnote" in cls:
            s.v["gapnotes"].append([float(a["data-from"]), float(a["data-to"])])
        if tag == "rect" and "bar" in cls:
            s.v["sizes"].append([a["data-r"], int(a["data-p"]), int(a["data-b"])])
    def handle_endtag(s, tag):
        if tag == "figure": s.svg = None
        if tag == "tr" and s.row is not None and not s.row: s.row = None
        if tag == "tr" and s.row is not None:
            if s.tab == "hier": s.v["hier"].append([s.row[0], int(s.row[1]), int(s.row[4])])
            elif s.tab == "tcptotal" and len(s.row) == 8: s.v["tcp"] = [int(x) for x in s.row]
            elif s.tab == "damaged": s.v["damaged"] += 1
            elif s.tab and s.row: s.v["tables"][s.tab]["rows"].append(s.row)
            s.row = None
        if tag == "table": s.tab = None
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"views": p.views, "scripts": p.scripts, "imgs": p.imgs}))
PYEOF
x() { $PY extract.py "$1"; }
# j FILE EXPR: a Python expression over the extracted page (d)
j() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

A='eth()/ipv4(src=10.0.0.1,dst=10.0.0.2)/tcp(sport=1000,dport=80,'
B='eth()/ipv4(src=10.0.0.2,dst=10.0.0.1)/tcp(sport=80,dport=1000,'
"$C" gen --start 1700000000 -f "$CAPKIT_TESTDATA/test_report_web.spec" -o web.pcap
# one connection with one of each TCP event tshark's analysis names
cat >tcp.spec <<EOF
start=1700000000 ${A}seq=100,flags=S)
start=1700000000.001 ${B}seq=500,ack=101,flags=SA)
start=1700000000.002 ${A}seq=101,ack=501,flags=A)
start=1700000000.010 ${A}seq=101,ack=501,flags=A)/payload(len=100)
start=1700000000.210 ${A}seq=101,ack=501,flags=A)/payload(len=100)
start=1700000000.300 ${A}seq=301,ack=501,flags=A)/payload(len=100)
start=1700000000.3005 ${A}seq=201,ack=501,flags=A)/payload(len=100)
start=1700000000.900 ${A}seq=400,ack=501,flags=A)/payload(len=1)
start=1700000000.950 ${B}seq=501,ack=401,flags=A,window=0)
start=1700000000.960 ${B}seq=501,flags=R,window=0)
EOF
"$C" gen -f tcp.spec -o tcp.pcap
# two bursts 100 s apart
printf '%s\n' "count=20 interval=10ms start=1700000000 eth()/ipv4()/udp()/payload(len=20)" \
  "count=20 interval=10ms start=1700000100 eth()/ipv4()/udp()/payload(len=20)" >gap.spec
"$C" gen -f gap.spec -o gap.pcap
"$C" gen -c 500 -i 1ms --start 1700000000 -o steady.pcap 'eth()/ipv4()/udp()/payload(len=20)'

check_exit "report of a sound file" 0 "$C" report web.pcap -o web.html
x web.html >web.json
"$C" info --json web.pcap >web.info
"$C" stats --json --eth web.pcap >web.stats

# -- totals against capinfos (the peer) and info --json (the same engine)
if command -v capinfos >/dev/null; then
  read -r cp cb < <(capinfos -M -c -d -T web.pcap | awk -F'\t' 'NR==2 {print $2, $3}')
  check_eq "packets = capinfos" "$cp" "$(j web.json 'd["views"][0]["kv"]["packets"]')"
  check_eq "data size = capinfos" "$cb" "$(j web.json 'd["views"][0]["kv"]["original_bytes"]')"
else
  echo "note: capinfos missing, its checks left out"
fi
check "every summary value equals info --json" $PY - web.json web.info <<'PYEOF'
import json, sys
kv = json.load(open(sys.argv[1]))["views"][0]["kv"]
info = json.loads(open(sys.argv[2]).read())
keys = ["format", "variant", "byte_order", "version", "precision", "snaplen",
        "linktype", "fcs_len", "packets", "captured_bytes", "original_bytes",
        "first_time", "last_time", "duration", "data_rate_bytes",
        "data_rate_bits", "packet_rate", "min_size", "max_size", "mean_size",
        "min_captured_size", "max_captured_size"]
bad = [k for k in keys if str(info[k]) != kv.get(k) and
       not (isinstance(info[k], float) and float(kv.get(k)) == info[k])]
assert not bad, [(k, info[k], kv.get(k)) for k in bad]
PYEOF
check "hierarchy, conversations, endpoints and sizes equal stats --json" $PY - web.json web.stats <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))["views"][0]
st = json.load(open(sys.argv[2]))
assert int(v["kv"]["packets"]) == st["packets"]
assert [[h["path"], h["packets"], h["bytes"]] for h in st["hierarchy"]] == v["hier"], v["hier"]
t = v["tables"]
for k in ("tcp", "udp", "eth"):
    sc = st["conversations_" + k]
    assert t["conv_" + k]["count"] == sc["count"], k
    # the top rows: same packets and bytes in the same order
    mine = [(int(r[2]), int(r[4])) for r in t["conv_" + k]["rows"]]
    want = [(c["packets_ab"] + c["packets_ba"], c["bytes_ab"] + c["bytes_ba"])
            for c in sc["rows"][:len(mine)]]
    assert mine == want, (k, mine, want)
assert t["conv_ipv4"]["count"] + t["conv_ipv6"]["count"] == st["conversations_ip"]["count"]
# the talkers are the IP endpoints by bytes
ends = sorted([(int(r[1]), int(r[3])) for r in t["end_ipv4"]["rows"] + t["end_ipv6"]["rows"]], reverse=True)
talk = sorted([(x["bytes_tx"] + x["bytes_rx"], x["packets_tx"] + x["packets_rx"]) for x in st["talkers"]], reverse=True)
assert ends == talk[:len(ends)], (ends, talk)
sizes = [[s["range"], s["packets"], s["bytes"]] for s in st["sizes"]]
mine = [[r.replace("-4294967295", "+"), p, b] for r, p, b in v["sizes"] if p]
assert mine == sizes, (mine, sizes)
assert len(v["sizes"]) == 12
PYEOF

# -- the I/O graph: with a given interval, one bar group per non-empty bin,
# packets and bytes per bin as tshark's io,stat counts them
"$C" report -i 0.1 web.pcap -o web01.html && x web01.html >web01.json
check_eq "bins of 0.1 s" "0.1" "$(j web01.json 'd["views"][0]["io"]["pps"]["iv"]')"
if command -v tshark >/dev/null; then
  tshark -q -r web.pcap -z io,stat,0.1 2>/dev/null |
    awk -F'|' '/<>/ {gsub(/ /, "", $3); gsub(/ /, "", $4); if ($3 > 0) print $3, $4}' >tshark.bins
  j web01.json '"\n".join("%d %d" % (b[1], b[2]) for b in d["views"][0]["io"]["pps"]["bins"])' >page.bins
  check "packets and bytes per 0.1 s bin = tshark io,stat ($(wc -l <tshark.bins) bins)" \
    cmp -s tshark.bins page.bins
fi
check_eq "bits/s chart has the same bins" \
  "$(j web01.json 'd["views"][0]["io"]["pps"]["bins"]')" \
  "$(j web01.json 'd["views"][0]["io"]["bps"]["bins"]')"
"$C" stats --json -i 0.1 web.pcap >web01.stats
check_eq "non-empty bins = stats --json throughput" \
  "$($PY -c 'import json,sys; print([[t["packets"], t["bytes"]] for t in json.load(open(sys.argv[1]))["throughput"] if t["packets"]])' web01.stats)" \
  "$(j web01.json '[[b[1], b[2]] for b in d["views"][0]["io"]["pps"]["bins"]]')"
check "automatic interval keeps at most 300 bins and is round" $PY -c '
import json, sys
io = json.load(open(sys.argv[1]))["views"][0]["io"]["pps"]
assert 0 < io["n"] <= 300 and io["iv"] in (0.01, 0.02, 0.1, 0.2), io["iv"]
assert sum(b[1] for b in io["bins"]) == 415' web.json

# -- gaps: shown where there is one, not where there is none
"$C" report gap.pcap -o gap.html && x gap.html >gap.json
check "a gap of 99.8 s is marked (to the bin) in the chart" $PY -c '
import json, sys
v = json.load(open(sys.argv[1]))["views"][0]
assert len(v["gaps"]) == 1 and len(v["gapnotes"]) == 1, v["gaps"]
a, b = v["gaps"][0]
assert 0.19 <= a <= 1 and 99 <= b <= 100.0 + 1e-9 and v["gaps"] == v["gapnotes"], (a, b)' gap.json
"$C" report steady.pcap -o steady.html && x steady.html >steady.json
check_eq "no gap in a steady stream" "0" "$(j steady.json 'len(d["views"][0]["gaps"])')"

# -- TCP health against tshark's analysis flags
"$C" report tcp.pcap -o tcp.html && x tcp.html >tcp.json
if command -v tshark >/dev/null; then
  n() { tshark -r tcp.pcap -Y "$1" 2>/dev/null | wc -l; }
  want="$(n tcp) $(n 'tcp.flags.syn==1') $(n 'tcp.flags.fin==1') $(n 'tcp.flags.reset==1')"
  want="$want $(n tcp.analysis.zero_window) $(n tcp.analysis.retransmission)"
  want="$want $(n tcp.analysis.out_of_order) $(n tcp.analysis.lost_segment)"
  check_eq "segments, SYN, FIN, RST, zero window, retransmission, out of order, lost = tshark" \
    "$want" "$(j tcp.json '" ".join(map(str, d["views"][0]["tcp"]))')"
  "$C" report web.pcap -o /dev/null
  want="$(tshark -r web.pcap -Y 'tcp.flags.syn==1' 2>/dev/null | wc -l) $(tshark -r web.pcap -Y 'tcp.flags.fin==1' 2>/dev/null | wc -l)"
  check_eq "SYN and FIN of 20 sessions = tshark" "$want" \
    "$(j web.json '" ".join(map(str, d["views"][0]["tcp"][1:3]))')"
else
  echo "note: tshark missing, its checks left out"
fi

# -- damage: what came before, and the damage with its offset and record
$PY - web.pcap dmg.pcap <<'PYEOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off = 24
for i in range(29):  # to record 30
    off += 16 + struct.unpack_from("<I", b, off + 8)[0]
struct.pack_into("<II", b, off + 8, 0x7ffffff0, 0x7ffffff0)
open(sys.argv[2], "wb").write(b)
PYEOF
check_exit "a damaged file gives exit 1" 1 "$C" report dmg.pcap -o dmg.html
check "the page is written anyway" test -s dmg.html
x dmg.html >dmg.json
"$C" info --json dmg.pcap >dmg.info 2>/dev/null
check "the damage is shown with info's offset and record" $PY - dmg.json dmg.info <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))["views"][0]
info = json.load(open(sys.argv[2]))
d = v["damage"]
assert d is not None, "no damage box"
e = info["error"]
assert (d["data-code"], int(d["data-offset"]), int(d["data-record"])) == (e["code"], e["offset"], e["record"]), (d, e)
assert e["record"] == 30
assert v["kv"]["packets"] == str(info["packets"]) == "29"
assert v["damaged"] >= 1  # the places a full scan finds
PYEOF
check_eq "damaged places = verify's" \
  "$("$C" verify dmg.pcap | grep -c '^damage:')" "$(j dmg.json 'd["views"][0]["damaged"]')"

# -- warnings: time going backwards, with its record
printf '%s\n' "count=3 interval=1s start=1700000010 eth()/ipv4()/udp()" \
  "count=1 start=1700000000 eth()/ipv4()/udp()" >back.spec
"$C" gen -f back.spec -o sorted.pcap
$PY - sorted.pcap back.pcap <<'PYEOF'
import sys
b = open(sys.argv[1], "rb").read()
hdr, recs, off = b[:24], [], 24
while off < len(b):
    n = int.from_bytes(b[off + 8:off + 12], "little"); recs.append(b[off:off + 16 + n]); off += 16 + n
open(sys.argv[2], "wb").write(hdr + recs[1] + recs[0] + recs[2] + recs[3])
PYEOF
"$C" report back.pcap -o back.html && x back.html >back.json
check_eq "time going backwards listed as verify counts it" \
  "$("$C" verify back.pcap | grep -o 'TS_BACKWARDS [0-9]*' | cut -d' ' -f2)" \
  "$(j back.json 'd["views"][0]["warnings"].get("TS_BACKWARDS")')"
check "the warning row names record 2" grep -q '<td>TS_BACKWARDS</td><td class="n" data-v="2">' back.html

# -- a warning of the file header (thiszone not zero), record 0
$PY - web.pcap zone.pcap <<'PYEOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[8:12] = (3600).to_bytes(4, "little")
open(sys.argv[2], "wb").write(b)
PYEOF
"$C" report zone.pcap -o zone.html && x zone.html >zone.json
check_eq "a reserved header field listed as verify counts it" \
  "$("$C" verify zone.pcap | grep -o 'RESERVED_NONZERO [0-9]*' | cut -d' ' -f2)" \
  "$(j zone.json 'd["views"][0]["warnings"].get("RESERVED_NONZERO")')"
check "the header warning names record 0" \
  grep -q '<td>RESERVED_NONZERO</td><td class="n" data-v="0">' zone.html

# -- hostile strings from the file are escaped
evil='</script><img src=x onerror=alert(1)><script>alert(2)</script>'
"$C" comment web.pcap -o evil.pcapng -s "$evil" -a "2:<b onmouseover=alert(3)>\"'&" \
  -a "3:$evil"
"$C" report "evil.pcapng" -t "$evil" -o evil.html
x evil.html >evil.json
check "no hostile tag survives" test "$(grep -c -e '<img' -e 'onerror=alert(1)>' -e '<b onmouseover' evil.html)" -eq 0
check_eq "one script element, the page's own" "1 0" "$(j evil.json '"%d %d" % (d["scripts"], d["imgs"])')"
check "the comments are shown escaped" grep -q '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' evil.html
check "the packet comment is shown escaped" grep -q '&lt;b onmouseover=alert(3)&gt;&quot;&#39;&amp;' evil.html

# -- several files: one part each and a combined view
check_exit "two files" 0 "$C" report web.pcap gap.pcap -o two.html
x two.html >two.json
check_eq "combined view first, then one view per file" \
  "All files web.pcap gap.pcap" "$(j two.json '" ".join(v["file"] for v in d["views"])')"
check_eq "combined packets = the sum" "455" "$(j two.json 'd["views"][0]["kv"]["packets"]')"
"$C" stats --json web.pcap gap.pcap >two.stats
check_eq "combined hierarchy = stats --json of both" \
  "$($PY -c 'import json,sys; print([[h["path"], h["packets"], h["bytes"]] for h in json.load(open(sys.argv[1]))["hierarchy"]])' two.stats)" \
  "$(j two.json 'd["views"][0]["hier"]')"

# -- filter
"$C" report -f tcp web.pcap -o f.html && x f.html >f.json
check_eq "-f tcp counts what stats -f tcp counts" \
  "$("$C" stats --json -f tcp web.pcap | $PY -c 'import json,sys; print(json.load(sys.stdin)["packets"])')" \
  "$(j f.json 'd["views"][0]["kv"]["packets"]')"

# -- exit codes and atomic output
check_exit "no file" 2 "$C" report -o x.html
check_exit "bad option" 2 "$C" report --nope web.pcap
check_exit "bad interval" 2 "$C" report -i 0 web.pcap
check_exit "bad top" 2 "$C" report -n 0 web.pcap
check_exit "bad filter" 2 "$C" report -f 'tcp and' web.pcap -o bad.html
check "no page after a usage error" test ! -e bad.html
echo keep >old.html
check_exit "missing input" 3 "$C" report web.pcap nothere.pcap -o old.html
check_eq "the old page is left as it was" "keep" "$(cat old.html)"
check_exit "unwritable place" 3 "$C" report web.pcap -o no/such/dir/r.html
check "no temporary file is left" test -z "$(ls -A | grep '^\.')"
check_exit "--help" 0 "$C" report --help
check "standard output without -o" grep -q '</html>' <("$C" report web.pcap)

# -- bounded: 60000 TCP conversations, a page under 2 MiB with the bound
"$C" gen -c 60000 -r 100k --seed 7 -o many.pcap \
  'eth()/ipv4(src=rand,dst=10.0.0.1)/tcp(sport=rand,dport=80)'
"$C" report many.pcap -o many.html
check "page under 2 MiB for 60000 conversations" test "$(stat -c %s many.html)" -lt 2097152
check "the overflow bound is stated" grep -q 'data-overflow="[1-9]' many.html
finish

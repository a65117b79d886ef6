# test_stats_tshark.sh - capkit stats against tshark (-z io,phs, conv,
# endpoints and io,stat) and capkit info against capinfos and tshark's
# frame lengths (original and captured), on the test captures and on
# generated ones: random Ethernet/IPv4/IPv6/TCP/UDP traffic, the same
# snapped (editcap -s), and an older capture appended after a newer one
# (mergecap -a).
. "$CAPKIT_TESTLIB"
need tshark capinfos editcap mergecap reordercap

D=$CAPKIT_TESTDATA/decode
export TZ=UTC

# Random traffic between a few hosts and ports; times in microseconds from
# START, one packet every 0..STEP us; SEED makes it repeatable.
gen() { # gen FILE SEED COUNT START STEP
  "$PY" - "$@" <<'PYEOF'
import random, struct, sys
path, seed, count, start, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rnd = random.Random(seed)
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
t = start
macs = [bytes([2, 0, 0, 0, 0, i]) for i in range(1, 5)]
for _ in range(count):
    t += rnd.randrange(step + 1)
    a, b = rnd.sample(range(4), 2)
    tcp = rnd.random() < 0.5
    v6 = rnd.random() < 0.4
    pay = bytes(rnd.randrange(0, 40))
    sp, dp = rnd.choice([40001, 40002, 40003]), rnd.choice([40011, 40012])
    if rnd.random() < 0.5:
        sp, dp = dp, sp
    if tcp:
        l4 = struct.pack(">HHIIBBHHH", sp, dp, 1, 0, 0x50, 0x18, 512, 0, 0) + pay
    else:
        l4 = struct.pack(">HHHH", sp, dp, 8 + len(pay), 0) + pay
    proto = 6 if tcp else 17
    if v6:
        src = bytes.fromhex("20010db8000000000000000000000000")[:15] + bytes([a + 1])
        dst = bytes.fromhex("20010db8000000000000000000000000")[:15] + bytes([b + 1])
        l3 = struct.pack(">IHBB", 0x60000000, len(l4), proto, 64) + src + dst
        et = 0x86dd
    else:
        l3 = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0,
                         bytes([10, 9, 0, a + 1]), bytes([10, 9, 0, b + 1]))
        et = 0x0800
    frame = macs[b] + macs[a] + struct.pack(">H", et) + l3 + l4
    out.append(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)) + frame)
open(path, "wb").write(b"".join(out))
PYEOF
}

gen "$T/gen.pcap" 1 300 1700000000000000 40000
editcap -s 50 "$T/gen.pcap" "$T/snap.pcap"
gen "$T/late.pcap" 2 120 1700000100250000 30000
gen "$T/early.pcap" 3 80 1700000090600000 50000
mergecap -F pcap -a -w "$T/appended.pcap" "$T/late.pcap" "$T/early.pcap"
reordercap "$T/appended.pcap" "$T/sorted.pcap" >/dev/null

INORDER="$D/tcp.pcap $D/udp.pcap $D/ipv6.pcap $D/icmp.pcap $D/arp.pcap $D/vlan.pcap $T/gen.pcap $T/snap.pcap"
ALLF="$INORDER $T/appended.pcap"

# ---- tables: capkit's CSV against tshark's text ---------------------------
cat >"$T/cmp.py" <<'PYEOF'
import csv, re, sys
what, tshark_out, capkit_csv = sys.argv[1], sys.argv[2], sys.argv[3]
ordered = len(sys.argv) > 4 and sys.argv[4] == "ordered"
lines = open(tshark_out).read().splitlines()
c = list(csv.DictReader(open(capkit_csv)))
bad = []

def section(title):  # the lines of the table under TITLE
    out, on = [], False
    for line in lines:
        if " ".join(line.strip("| ").split()) == title:
            on = True
        elif on and line.startswith("====="):
            return out
        elif on:
            out.append(line)
    return out

names = {"eth": "Ethernet", "ip": "IPv4", "ipv6": "IPv6", "tcp": "TCP", "udp": "UDP"}
if what == "phs":
    t = section("Protocol Hierarchy Statistics")
elif what.startswith("conv-"):
    t = section(names[what[5:]] + " Conversations")
elif what.startswith("ep-"):
    t = section(names[what[3:]] + " Endpoints")
else:
    t = section("Interval: %s secs" % what[3:])
    what = "io"
if not t:
    bad.append("no tshark table for " + what)

def side(s):  # "addr:port" (IPv4 and IPv6 as tshark writes them)
    if what in ("tcp", "udp"):
        a, p = s.rsplit(":", 1)
        return (a, int(p))
    return (s, 0)

if what == "phs":
    # the layers both know; deeper application names differ by design
    known = {"eth", "ip", "ipv6", "tcp", "udp", "arp", "icmp", "icmpv6",
             "vlan", "ieee8021ad", "sll", "null", "raw", "gre", "vxlan"}
    want, stack = {}, []
    for line in t:
        m = re.match(r"^(\s*)(\S+)\s+frames:(\d+) bytes:(\d+)$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        stack[depth:] = [m.group(2)]
        if all(x in known for x in stack):
            want[":".join(stack)] = (int(m.group(3)), int(m.group(4)))
    got = {r["path"]: (int(r["packets"]), int(r["bytes"])) for r in c
           if all(x in known for x in r["path"].split(":"))}
    if want != got:
        bad.append("hierarchy: tshark %s, capkit %s" % (sorted(want.items()), sorted(got.items())))
elif what.startswith("conv-"):
    what = what[5:]
    want = {}
    for line in t:
        m = re.match(r"^(\S+)\s+<->\s+(\S+)\s+(\d+) (\d+) (\S+)\s+(\d+) (\d+) (\S+)\s+\d+ \d+ \S+\s+(-?[\d.]+)\s+([\d.]+)$", line)
        if not m:
            continue
        if m.group(5) != "bytes" or m.group(8) != "bytes":
            bad.append("byte unit in tshark row: " + line)
        a, b = side(m.group(1)), side(m.group(2))
        # "->" is A to B, "<-" B to A
        want[frozenset([a, b])] = ({a: (int(m.group(6)), int(m.group(7))),
                                    b: (int(m.group(3)), int(m.group(4)))},
                                   float(m.group(9)), float(m.group(10)))
    got = {}
    for r in c:
        if what == "ip" and ":" in r["a"] or what == "ipv6" and ":" not in r["a"]:
            continue
        a = (r["a"], int(r.get("port_a", 0)))
        b = (r["b"], int(r.get("port_b", 0)))
        got[frozenset([a, b])] = ({a: (int(r["packets_ab"]), int(r["bytes_ab"])),
                                   b: (int(r["packets_ba"]), int(r["bytes_ba"]))},
                                  float(r["start"]), float(r["duration"]))
    if set(want) != set(got):
        bad.append("%s conversations: tshark %s, capkit %s" % (what, sorted(map(sorted, want)), sorted(map(sorted, got))))
    for k in set(want) & set(got):
        w, g = want[k], got[k]
        if w[0] != g[0]:
            bad.append("%s %s: tshark %s capkit %s" % (what, sorted(k), w[0], g[0]))
        # tshark: start to 9 decimals, duration to 4; capkit to 6
        if ordered and (abs(w[1] - g[1]) > 1.5e-6 or abs(w[2] - g[2]) > 6e-5):
            bad.append("%s %s times: tshark %s capkit %s" % (what, sorted(k), w[1:], g[1:]))
elif what.startswith("ep-"):
    what = what[3:]
    want = {}
    for line in t:
        f = line.split()
        n = 8 if what in ("tcp", "udp") else 7
        if len(f) != n or not f[-1].isdigit() or not f[1].isdigit():
            continue
        key = (f[0], int(f[1])) if n == 8 else (f[0], 0)
        want[key] = tuple(int(x) for x in f[-4:])
    got = {}
    for r in c:
        if what == "ip" and ":" in r["address"] or what == "ipv6" and ":" not in r["address"]:
            continue
        got[(r["address"], int(r.get("port", 0)))] = (
            int(r["packets_tx"]), int(r["bytes_tx"]), int(r["packets_rx"]), int(r["bytes_rx"]))
    if want != got:
        bad.append("%s endpoints: tshark %s, capkit %s" % (what, sorted(want.items()), sorted(got.items())))
elif what == "io":
    want = []
    for line in t:
        m = re.match(r"^\|\s*[\d.]+ <> +(?:[\d.]+|Dur)\s*\|\s*(\d+) \|\s*(\d+) \|$", line)
        if m:
            want.append((int(m.group(1)), int(m.group(2))))
    got = [(int(r["packets"]), int(r["bytes"])) for r in c]
    if want != got:
        bad.append("io,stat: tshark %s, capkit %s" % (want, got))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PYEOF

# One tshark run per capture with every table; no name resolution and no
# IP reassembly (capkit counts each packet where it is).
TSHARK="tshark -n -o ip.defragment:FALSE -o ipv6.defragment:FALSE"
ZS="-z io,phs"
for k in eth ip ipv6 tcp udp; do ZS="$ZS -z conv,$k -z endpoints,$k"; done
for f in $ALLF; do
  n=$(basename "$f")
  ord=ordered
  [ "$n" = appended.pcap ] && ord=unordered
  # shellcheck disable=SC2086
  $TSHARK -r "$f" -q $ZS >"$T/t.txt" 2>/dev/null
  "$CAPKIT" stats --csv hierarchy "$f" >"$T/c.csv"
  check "io,phs $n" "$PY" "$T/cmp.py" phs "$T/t.txt" "$T/c.csv"
  for k in eth ip ipv6 tcp udp; do
    tbl=$k
    [ $k = ipv6 ] && tbl=ip
    "$CAPKIT" stats --csv $tbl "$f" >"$T/c.csv"
    check "conv,$k $n" "$PY" "$T/cmp.py" conv-$k "$T/t.txt" "$T/c.csv" $ord
    "$CAPKIT" stats --csv endpoints-$tbl "$f" >"$T/c.csv"
    check "endpoints,$k $n" "$PY" "$T/cmp.py" ep-$k "$T/t.txt" "$T/c.csv"
  done
done

# io,stat: tshark cuts time from the first packet, capkit from the earliest;
# on a capture in time order they agree, and capkit on the appended capture
# agrees with tshark on the same capture sorted (reordercap).
for f in $INORDER $T/appended.pcap; do
  n=$(basename "$f")
  ts=$f
  [ "$n" = appended.pcap ] && ts=$T/sorted.pcap
  $TSHARK -r "$ts" -q -z io,stat,1 -z io,stat,0.5 -z io,stat,0.3 \
    -z io,stat,2 >"$T/t.txt" 2>/dev/null
  for iv in 1 0.5 0.3 2; do
    # tshark shrinks an interval longer than the capture to its duration
    grep -Eq "Interval: +$iv secs" "$T/t.txt" || continue
    "$CAPKIT" stats --csv throughput -i $iv "$f" >"$T/c.csv"
    check "io,stat,$iv $n" "$PY" "$T/cmp.py" io-$iv "$T/t.txt" "$T/c.csv"
  done
done
# the same from stdin: read once, its times kept for the buckets
check_eq "throughput from stdin = from the file" \
  "$("$CAPKIT" stats --csv throughput -i 0.3 "$T/appended.pcap")" \
  "$("$CAPKIT" stats --csv throughput -i 0.3 - <"$T/appended.pcap")"

# ---- info against capinfos (machine-readable, epoch times) ----------------
for f in $ALLF; do
  n=$(basename "$f")
  capinfos -T -r -M -S -c -d -u -a -e -y -i -z -x "$f" >"$T/ci.txt" 2>/dev/null
  tshark -r "$f" -T fields -e frame.len -e frame.cap_len >"$T/len.txt" 2>/dev/null
  "$CAPKIT" info --json "$f" >"$T/i.json"
  check "info $n = capinfos" "$PY" - "$T/ci.txt" "$T/i.json" "$T/len.txt" <<'PYEOF'
import json, sys, calendar, time
f = open(sys.argv[1]).read().rstrip("\n").split("\t")
d = json.load(open(sys.argv[2]))
rows = [line.split() for line in open(sys.argv[3]) if line.strip()]
lens = [int(r[0]) for r in rows]
caps = [int(r[1]) for r in rows]
# name packets data-size duration start end byte-rate bit-rate avg-size pkt-rate
_, packets, size, dur, start, end, brate, bitrate, avg, prate = f
def epoch(s):  # "2023-11-14T22:13:20.000000Z"
    whole, frac = s.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) + float("0." + frac)
bad = []
def same(what, want, got):
    if want != got:
        bad.append("%s: capinfos %r, capkit %r" % (what, want, got))
same("packets", int(packets), d["packets"])
same("data size", int(size), d["original_bytes"])
same("duration", dur, "%.6f" % d["duration"])
same("start", "%.6f" % float(start), "%.6f" % epoch(d["first_time"]))
same("end", "%.6f" % float(end), "%.6f" % epoch(d["last_time"]))
def near(what, want, got):  # capinfos rounds to 2 decimals, capkit to 3
    if got is None or abs(float(want) - got) > 0.0051:
        bad.append("%s: capinfos %r, capkit %r" % (what, want, got))
near("byte rate", brate, d.get("data_rate_bytes"))
near("bit rate", bitrate, d.get("data_rate_bits", 8 * d.get("data_rate_bytes", 0)))
near("average size", avg, d["mean_size"])
near("packet rate", prate, d.get("packet_rate"))
same("min size", min(lens), d["min_size"])
same("max size", max(lens), d["max_size"])
same("min captured size", min(caps), d.get("min_captured_size"))
same("max captured size", max(caps), d.get("max_captured_size"))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PYEOF
done
finish

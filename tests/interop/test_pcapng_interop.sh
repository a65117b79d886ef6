. "$CAPKIT_TESTLIB"
# test_pcapng_interop.sh - pcapng files written by editcap, mergecap and
# scapy are read by capkit exactly as tshark reads them (times, lengths,
# bytes, interfaces, comments); pcapng files capkit writes are read by
# tshark and scapy with the same packets, interfaces and comments.
need tshark editcap mergecap
need_scapy

# One line per packet: "epoch-ns caplen origlen iface hex", from capkit dump
# -x or from tshark; and the comments, one line per packet.
cat >"$T/norm.py" <<'EOF'
import calendar, json, re, subprocess, sys
mode, path = sys.argv[1], sys.argv[2]
def capkit(path):
    out = subprocess.run([sys.argv[3], "dump", "-x", path], check=True,
                         capture_output=True, text=True).stdout
    pk = []
    hdr = re.compile(r'^(\d+) (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)'
                     r'(?:\.(\d+))? caplen (\d+) origlen (\d+)'
                     r'(?: iface (\d+))?(?: comment (".*"))?$')
    for line in out.splitlines():
        if line.startswith("# "):  # record lines of -x are comments
            line = line[2:]
        m = hdr.match(line)
        if m:
            g = m.groups()
            sec = calendar.timegm(tuple(int(x) for x in g[1:7]))
            frac = int(((g[7] or "") + "000000000")[:9])
            pk.append([sec * 10**9 + frac, int(g[8]), int(g[9]),
                       int(g[10] or 0), "", json.loads(g[11]) if g[11] else ""])
        else:
            pk[-1][4] += "".join(line[7:56].split())
    return pk
def tshark(path):
    f = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e",
                        "frame.time_epoch", "-e", "frame.cap_len", "-e",
                        "frame.len", "-e", "frame.interface_id", "-e",
                        "frame.comment"], check=True, capture_output=True,
                       text=True).stdout
    x = subprocess.run(["tshark", "-r", path, "-x"], check=True,
                       capture_output=True, text=True).stdout
    hexes = ["".join("".join(l[6:54].split()) for l in blk.splitlines())
             for blk in x.strip("\n").split("\n\n")]
    pk = []
    for line, h in zip(f.splitlines(), hexes):
        t, c, o, i, cm = (line.split("\t") + [""] * 5)[:5]
        s, _, fr = t.partition(".")
        pk.append([int(s) * 10**9 + int((fr + "000000000")[:9]), int(c),
                   int(o), int(i or 0), h, cm.replace("\\n", "\n")])
    return pk
def scapy(path):
    from scapy.utils import RawPcapNgReader
    pk = []
    for data, meta in RawPcapNgReader(path):
        ts = (meta.tshigh << 32) | meta.tslow
        ns = ts * 10**9 // meta.tsresol
        cm = getattr(meta, "comment", None) or b""
        pk.append([ns, len(data), meta.wirelen, getattr(meta, "ifid", -1),
                   data.hex(), cm.decode()])
    return pk
pk = {"capkit": capkit, "tshark": tshark, "scapy": scapy}[mode](path)
what = sys.argv[4] if len(sys.argv) > 4 else "packets"
for p in pk:
    if what == "packets":
        print(p[0], p[1], p[2], p[3], p[4])
    elif what == "noiface":  # this scapy does not report interfaces
        print(p[0], p[1], p[2], p[4])
    else:
        print(repr(p[5].rstrip("\n")))
EOF
norm() { $PY "$T/norm.py" "$1" "$2" "$CAPKIT" "${3:-packets}"; }

# Inputs: Ethernet frames of a local ethertype (tshark shows them as data),
# sizes 14..1514, one cut short, microsecond and nanosecond pcaps.
$PY - "$T" <<'EOF'
import sys, random
from scapy.all import Ether, Raw, wrpcap
from scapy.utils import PcapNgWriter
random.seed(7)
pk = []
for i in range(40):
    n = random.choice([0, 1, 7, 46, 100, 300, 1500])
    p = Ether(src="00:01:02:03:04:05", dst="ff:ff:ff:ff:ff:ff",
              type=0x88b5) / Raw(bytes(random.randrange(256) for _ in range(n)))
    p.time = 1700000000 + i * 0.25 + random.randrange(1000000) / 1e6
    pk.append(p)
wrpcap(sys.argv[1] + "/in.pcap", pk, snaplen=65535)
for p in pk:
    p.time = float(int(p.time * 1e6)) / 1e6
w = PcapNgWriter(sys.argv[1] + "/scapy.pcapng")
for i, p in enumerate(pk):
    if i % 5 == 0:
        p.comment = "scapy comment %d" % i
    w.write(p)
w.close()
EOF
check "scapy made its inputs" test -s "$T/in.pcap" -a -s "$T/scapy.pcapng"
"$CAPKIT" convert -p ns "$T/in.pcap" -o "$T/in_ns.pcap"
"$CAPKIT" convert -l RAW "$T/in.pcap" -o "$T/raw.pcap"

# 1. Files written by editcap, mergecap and scapy: capkit reads what tshark
#    reads.
editcap -F pcapng "$T/in.pcap" "$T/e.pcapng"
editcap -F pcapng "$T/in_ns.pcap" "$T/e_ns.pcapng"
editcap -F pcapng -a "3:editcap comment" -a "7:another one" "$T/in.pcap" \
  "$T/e_cm.pcapng"
mergecap -F pcapng -w "$T/m.pcapng" "$T/in.pcap" "$T/raw.pcap"
for f in e e_ns e_cm m scapy; do
  F="$T/$f.pcapng"
  tp=$(norm tshark "$F")
  check "$f: tshark sees packets" test "$(echo "$tp" | wc -l)" -ge 40
  check_eq "$f: capkit reads what tshark reads" "$tp" "$(norm capkit "$F")"
  check_eq "$f: capkit reads the comments tshark reads" \
    "$(norm tshark "$F" comments)" "$(norm capkit "$F" comments)"
  "$CAPKIT" convert "$F" -o "$T/copy.pcapng"
  check "$f: unchanged copy is byte-identical" cmp -s "$F" "$T/copy.pcapng"
done
check_eq "mergecap file has two interfaces" 2 \
  "$("$CAPKIT" info --json "$T/m.pcapng" | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["interfaces"]))')"

# 2. What capkit writes is read by tshark and scapy the same way.
"$CAPKIT" convert -F pcapng "$T/in.pcap" -o "$T/c.pcapng"
"$CAPKIT" convert -F pcapng -b big -p ns "$T/in.pcap" -o "$T/c_be.pcapng"
"$CAPKIT" convert -F pcapng -b big "$T/m.pcapng" -o "$T/c_m.pcapng"
# This scapy keeps a comment only up to a newline it insists on (it writes
# one after each), so these comments end in one.
"$CAPKIT" comment "$T/in.pcap" -o "$T/c_cm.pcapng" -a $'2:first note\n' \
  -a $'9:second note\n' -s "a section comment"
"$CAPKIT" comment "$T/e_cm.pcapng" -o "$T/c_cm2.pcapng" -d 3 -a "5:new"
for f in c c_be c_m c_cm c_cm2; do
  F="$T/$f.pcapng"
  check_eq "$f: tshark reads what capkit reads" "$(norm capkit "$F")" \
    "$(norm tshark "$F")"
  check_eq "$f: tshark reads capkit's comments" \
    "$(norm capkit "$F" comments)" "$(norm tshark "$F" comments)"
  check_eq "$f: scapy reads what capkit reads" "$(norm capkit "$F" noiface)" \
    "$(norm scapy "$F" noiface)"
done
check_eq "c_cm: scapy reads capkit's comments" \
  "$(norm capkit "$T/c_cm.pcapng" comments)" \
  "$(norm scapy "$T/c_cm.pcapng" comments)"
check_eq "pcap -> pcapng keeps the packets" "$(norm tshark "$T/in.pcap")" \
  "$(norm tshark "$T/c.pcapng")"
check_eq "comments written" "$(printf "'first note'\n'second note'")" \
  "$(norm tshark "$T/c_cm.pcapng" comments | grep -v "^''$")"
check_eq "comment edits on a pcapng input" \
  "$(printf "'new'\n'another one'")" \
  "$(norm tshark "$T/c_cm2.pcapng" comments | grep -v "^''$")"
check "section comment written" sh -c \
  "capinfos -k '$T/c_cm.pcapng' 2>/dev/null | grep -q 'a section comment'"
# Interfaces are numbered in the order the records first use them.
check_eq "two link types kept in one section" \
  "$(tshark -r "$T/m.pcapng" -T fields -e frame.encap_type 2>/dev/null)" \
  "$(tshark -r "$T/c_m.pcapng" -T fields -e frame.encap_type 2>/dev/null)"
check_eq "capkit wrote two interfaces" 2 \
  "$(capinfos -I "$T/c_m.pcapng" 2>/dev/null | grep -c '^Interface #')"

# 3. Back to pcap: the same file editcap started from.
"$CAPKIT" convert -F pcap "$T/e.pcapng" -o "$T/back.pcap"
check "pcap -> pcapng (editcap) -> pcap (capkit) is the original" \
  cmp -s "$T/in.pcap" "$T/back.pcap"
check_exit "two link types do not fit a pcap" 2 \
  "$CAPKIT" convert -F pcap "$T/m.pcapng" -o "$T/no.pcap"
check "nothing left behind" test ! -e "$T/no.pcap"
"$CAPKIT" convert -F pcap --split-by-interface "$T/m.pcapng" -o "$T/split.pcap"
check_eq "split: interface 0" "$(norm tshark "$T/in.pcap")" \
  "$(norm tshark "$T/split-0.pcap")"
check_eq "split: interface 1" "$(norm tshark "$T/raw.pcap")" \
  "$(norm tshark "$T/split-1.pcap")"

finish

# test_pcap_interop.sh - classic pcap against the real peers: what capkit
# writes, tcpdump, tshark, scapy and file(1) read alike; what they and
# editcap write, capkit reads alike; unchanged copies are byte-identical.
. "$CAPKIT_TESTLIB"
need tcpdump tshark editcap text2pcap file cmp
need_scapy

cat >"$T/peers.py" <<'PEERS'
# peers.py - helpers of test_pcap_interop.sh: write fixtures with scapy and
# turn what each reader prints (capkit dump -x, tshark -T ek -x, tcpdump -xx,
# scapy) into one canonical line per record: "SEC.NSEC CAPLEN ORIGLEN HEX".
import calendar
import json
import logging
import re
import struct
import sys
import time
import warnings
from decimal import Decimal

warnings.filterwarnings("ignore")
logging.getLogger("scapy").setLevel(logging.CRITICAL)

# (seconds, nanoseconds, captured bytes, original length): odd fractions,
# times past 2^31 and up to the last second pcap can hold, a record shorter
# than the wire, an empty record, a jumbo frame.
WIDE = [
    (1338882754, 996790123, 54, 54),
    (1338882755, 1, 60, 60),
    (1338882755, 999999999, 1514, 1514),
    (2147483648, 500000000, 14, 14),
    (3000000000, 123456789, 96, 1500),
    (3000000001, 0, 0, 64),
    (4294967295, 999999000, 9000, 9000),
]


def payload(i, n):
    return bytes((i * 37 + j * 7) & 0xFF for j in range(n))


def canon(sec, nsec, caplen, origlen, data):
    return "%d.%09d %d %d %s" % (sec, nsec, caplen, origlen, data.hex())


def gen(out, endian, prec, raw):
    """Write the WIDE records; print their canonical lines (the truth)."""
    from scapy.utils import PcapWriter, RawPcapWriter
    from scapy.packet import Raw
    nano = prec == "ns"
    lines = []
    if raw:
        w = RawPcapWriter(out, linktype=1, endianness=endian, nano=nano,
                          snaplen=65535)
        w._write_header(None)
    else:
        w = PcapWriter(out, linktype=1, endianness=endian, nano=nano,
                       snaplen=65535)
    for i, (s, ns, n, orig) in enumerate(WIDE):
        data = payload(i, n)
        frac = ns if nano else ns // 1000
        if raw:
            w.write_packet(data, sec=s, usec=frac, caplen=n, wirelen=orig)
        else:
            p = Raw(load=data)
            p.time = Decimal(s) + Decimal(frac) / (10**9 if nano else 10**6)
            p.wirelen = orig
            w.write(p)
        lines.append(canon(s, frac if nano else frac * 1000, n, orig, data))
    w.close()
    if raw:
        print("\n".join(lines))
    else:
        # PcapWriter takes the time from the packet and is not exact for
        # every fraction (.999999999 s can come out a second late); the
        # truth is what it wrote, as its own reader sees it.
        from_scapy(out)


def from_capkit(stream):
    head = re.compile(r"^(?:# )?(\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))?"
                      r" caplen (\d+) origlen (\d+)")
    recs = []
    for line in stream:
        m = head.match(line)
        if m:
            sec = calendar.timegm(time.strptime(m.group(2),
                                                "%Y-%m-%d %H:%M:%S"))
            frac = int((m.group(3) or "0").ljust(9, "0"))
            recs.append([sec, frac, int(m.group(4)), int(m.group(5)), b""])
        elif re.match(r"^[0-9a-f]{6} ", line) and recs:
            recs[-1][4] += bytes.fromhex("".join(line[7:56].split()))
    for r in recs:
        print(canon(*r))


def from_tshark(stream):
    for line in stream:
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        lay = d.get("layers")
        if not lay:
            continue
        fr = lay["frame"]
        sec, frac = str(fr["frame_frame_time_epoch"]).split(".")
        raw = lay.get("frame_raw", "")
        if isinstance(raw, list):
            raw = raw[0]
        print(canon(int(sec), int(frac.ljust(9, "0")),
                    int(fr["frame_frame_cap_len"]), int(fr["frame_frame_len"]),
                    bytes.fromhex(raw)))


def from_tcpdump(stream):
    """tcpdump shows no lengths; its lines are "SEC.NSEC HEX", with "?" for
    a time it cannot print (4.99 fails past 2^31) or a record it refuses
    (caplen 0)."""
    recs = []
    for line in stream:
        if line.startswith("\t0x"):
            if recs:
                recs[-1][1] += "".join(line.split(":", 1)[1].split())
        elif line.strip():
            tok = line.split()[0]
            if re.match(r"^\d+\.\d{9}$", tok):
                recs.append([tok, ""])
            elif tok.startswith("["):
                recs.append(["?", ""])
    for ts, hx in recs:
        print(ts, hx)


def from_scapy(path):
    from scapy.utils import RawPcapReader
    r = RawPcapReader(path)
    for data, m in r:
        ns = m.usec if r.nano else m.usec * 1000
        print(canon(m.sec, ns, m.caplen, m.wirelen, data))
    r.close()


def from_rdpcap(path):
    from scapy.utils import rdpcap
    for p in rdpcap(path):
        t = Decimal(p.time)
        sec = int(t)
        ns = int((t - sec) * 10**9)
        data = p.original if p.original is not None else bytes(p)
        print(canon(sec, ns, len(data), p.wirelen, data))


def batch(todo):
    """Lines "FILE OUTBASE": write OUTBASE.scapy and OUTBASE.rdpcap (one
    interpreter start for every file)."""
    import contextlib
    with open(todo) as f:
        jobs = [line.split() for line in f if line.strip()]
    for path, base in jobs:
        for name, fn in (("scapy", from_scapy), ("rdpcap", from_rdpcap)):
            with open(base + "." + name, "w") as out:
                with contextlib.redirect_stdout(out):
                    try:
                        fn(path)
                    except Exception as e:  # a reader that fails shows it
                        print("ERROR", e)


def fixtures(d):
    """Every scapy-written fixture: NAME.pcap and its truth NAME.truth."""
    import contextlib
    for name, how, endian, prec in (
            ("wide", "gen", "<", "ns"),
            ("scapy_gen_big_us", "gen", ">", "us"),
            ("scapy_wrpcap_little_us", "wrpcap", "<", "us"),
            ("scapy_wrpcap_little_ns", "wrpcap", "<", "ns"),
            ("scapy_wrpcap_big_us", "wrpcap", ">", "us"),
            ("scapy_wrpcap_big_ns", "wrpcap", ">", "ns")):
        with open("%s/%s.truth" % (d, name), "w") as out:
            with contextlib.redirect_stdout(out):
                gen("%s/%s.pcap" % (d, name), endian, prec, how == "gen")


def xform(args):
    """Expected canonical lines from the truth: --us truncates times to
    microseconds, --snap N truncates records, --tcpdump gives tcpdump's
    view."""
    us = "--us" in args
    snap = int(args[args.index("--snap") + 1]) if "--snap" in args else None
    td = "--tcpdump" in args
    for line in sys.stdin:
        t, cap, orig, *hx = line.split()
        hx = hx[0] if hx else ""
        sec, frac = (int(x) for x in t.split("."))
        cap, orig = int(cap), int(orig)
        if us:
            frac = frac // 1000 * 1000
        if snap is not None and cap > snap:
            cap = snap
            hx = hx[:2 * snap]
        if td:
            ts = "?" if sec >= 2**31 or cap == 0 else "%d.%09d" % (sec, frac)
            print(ts, hx)
        else:
            print("%d.%09d %d %d %s" % (sec, frac, cap, orig, hx))


def hdr(path):
    """The pcap file header: MAGIC ORDER VERSION SNAPLEN LINKTYPE-FIELD."""
    with open(path, "rb") as f:
        h = f.read(24)
    le = struct.unpack("<I", h[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D, 0xA1B2CD34)
    e = "<" if le else ">"
    magic, vmaj, vmin, _, _, snap, lt = struct.unpack(e + "IHHiIII", h)
    print("%08x %s %d.%d %d %08x" % (magic, "little" if le else "big", vmaj,
                                     vmin, snap, lt))


def fcs(stream):
    """The last 4 bytes of each canonical record, as tshark prints eth.fcs."""
    for line in stream:
        hx = line.split()[3] if len(line.split()) > 3 else ""
        print("0x" + hx[-8:] if len(hx) >= 8 else "")


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "gen":
        gen(args[0], args[1], args[2], raw=True)
    elif mode == "wrpcap":
        gen(args[0], args[1], args[2], raw=False)
    elif mode == "capkit":
        from_capkit(sys.stdin)
    elif mode == "tshark":
        from_tshark(sys.stdin)
    elif mode == "tcpdump":
        from_tcpdump(sys.stdin)
    elif mode == "scapy":
        from_scapy(args[0])
    elif mode == "rdpcap":
        from_rdpcap(args[0])
    elif mode == "batch":
        batch(args[0])
    elif mode == "fixtures":
        fixtures(args[0])
    elif mode == "xform":
        xform(args)
    elif mode == "hdr":
        hdr(args[0])
    elif mode == "fcs":
        fcs(sys.stdin)
    else:
        sys.exit("unknown mode " + mode)


main()
PEERS

P() { "$PY" "$T/peers.py" "$@"; }
SEED=$CAPKIT_TESTDATA/connection_termination.pcap
NATIVE=$("$PY" -c 'import sys; print(sys.byteorder)')

# Canonical listings, one line per record: "SEC.NSEC CAPLEN ORIGLEN HEX"
# (tcpdump: "SEC.NSEC HEX", it prints no captured length).
via_capkit() { "$CAPKIT" dump -x "$1" | P capkit; }
via_tshark() { tshark -r "$1" -T ek -x 2>/dev/null | P tshark; }
via_tcpdump() {
  tcpdump -r "$1" -nn -tt --time-stamp-precision=nano -xx 2>/dev/null |
    P tcpdump
}

# same WHAT WANT GOT: two listings are identical (and not empty).
same() {
  if [ -s "$2" ] && cmp -s "$2" "$3"; then
    ok
  else
    not_ok "$1"
    diff "$2" "$3" | head -4 | cut -c1-150 >&2
  fi
}

# read_by_all FILE WANT: capkit, tshark, tcpdump and (at the end, in one
# batch) scapy's two readers see exactly the records in WANT: count,
# lengths, times to the nanosecond, bytes.
read_by_all() {
  local f=$1 want=$2 n
  n=$(basename "$1" .pcap)
  via_capkit "$f" >"$T/$n.capkit"
  same "$n: capkit dump -x" "$want" "$T/$n.capkit"
  via_tshark "$f" >"$T/$n.tshark"
  same "$n: tshark" "$want" "$T/$n.tshark"
  P xform --tcpdump <"$want" >"$T/$n.want_td"
  via_tcpdump "$f" >"$T/$n.tcpdump"
  same "$n: tcpdump" "$T/$n.want_td" "$T/$n.tcpdump"
  echo "$f $T/$n" >>"$T/scapy.todo"
  echo "$n $want" >>"$T/scapy.want"
}
scapy_reads_all() {
  P batch "$T/scapy.todo"
  local n want
  while read -r n want; do
    same "$n: scapy RawPcapReader" "$want" "$T/$n.scapy"
    same "$n: scapy rdpcap" "$want" "$T/$n.rdpcap"
  done <"$T/scapy.want"
}

# file_says FILE PRECISION ORDER LINK SNAPLEN: what file(1) calls it.
file_says() {
  local got re
  got=$(file -b "$1")
  re="^pcap capture file, ${2}s? ts \\(${3}-endian\\) - version 2\\.4 \\(${4}, capture length ${5}\\)\$"
  if [[ $got =~ $re ]]; then ok; else not_ok "file(1) on $1: [$got]"; fi
}

# roundtrip FILE: convert with no options copies it byte for byte;
# roundtrip_pipe: the same from stdin to stdout.
roundtrip() {
  rm -f "$T/rt.pcap"
  if "$CAPKIT" convert "$1" -o "$T/rt.pcap" && cmp -s "$1" "$T/rt.pcap"; then
    ok
  else
    not_ok "round trip of $(basename "$1") is not byte-identical"
  fi
}
roundtrip_pipe() {
  if "$CAPKIT" convert - -o - <"$1" | cmp -s "$1" -; then
    ok
  else
    not_ok "round trip of $(basename "$1") through pipes"
  fi
}

# info_key FILE KEY: one key of capkit info --json.
info_key() {
  "$CAPKIT" info --json "$1" |
    "$PY" -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("null" if v is None else v)' "$2"
}

# ---- files capkit writes, read by the peers ----
P fixtures "$T"
check "fixtures written" test -s "$T/wide.truth"
P xform --us <"$T/wide.truth" >"$T/wide_us.truth"

for bo in little big native; do
  for p in us ns; do
    # native is one of the two orders: once is enough
    [ "$bo" = native ] && [ "$p" = us ] && continue
    out=$T/out_${bo}_$p.pcap
    check_exit "convert -b $bo -p $p" 0 \
      "$CAPKIT" convert "$T/wide.pcap" -o "$out" -b "$bo" -p "$p"
    want=$T/wide.truth magic=a1b23c4d word=nanosecond
    if [ "$p" = us ]; then
      want=$T/wide_us.truth magic=a1b2c3d4 word=microsecond
    fi
    order=$bo
    [ "$bo" = native ] && order=$NATIVE
    read_by_all "$out" "$want"
    check_eq "header of $out" "$magic $order 2.4 65535 00000001" \
      "$(P hdr "$out")"
    file_says "$out" "$word" "$order" Ethernet 65535
    roundtrip "$out"
  done
done

# Odd snaplens: records longer than N are cut to N, original lengths stay.
for s in 1 59; do
  out=$T/snap_$s.pcap
  check_exit "convert -s $s" 0 "$CAPKIT" convert "$T/wide.pcap" -o "$out" -s "$s"
  P xform --snap "$s" <"$T/wide.truth" >"$T/snap_$s.want"
  read_by_all "$out" "$T/snap_$s.want"
  check_eq "header of $out" "a1b23c4d little 2.4 $s 00000001" "$(P hdr "$out")"
  file_says "$out" nanosecond little Ethernet "$s"
  check_exit "verify $out" 0 "$CAPKIT" verify --strict "$out"
  roundtrip "$out"
done
out=$T/snap_mix.pcap
check_exit "convert -s 1000 -b big -p us" 0 \
  "$CAPKIT" convert "$T/wide.pcap" -o "$out" -s 1000 -b big -p us
P xform --us --snap 1000 <"$T/wide.truth" >"$T/snap_mix.want"
read_by_all "$out" "$T/snap_mix.want"
check_eq "header of $out" "a1b2c3d4 big 2.4 1000 00000001" "$(P hdr "$out")"
file_says "$out" microsecond big Ethernet 1000
roundtrip "$out"

# Relabelled link types: NAME NUMBER tcpdump's-name file's-name.
while read -r name num tdname fname; do
  out=$T/lt_$num.pcap
  check_exit "convert -l $name" 0 "$CAPKIT" convert "$T/wide.pcap" -o "$out" -l "$name"
  read_by_all "$out" "$T/wide.truth"
  check_eq "header of $out" "a1b23c4d little 2.4 65535 $(printf %08x "$num")" \
    "$(P hdr "$out")"
  check_eq "capkit info linktype of $out" "$num" "$(info_key "$out" linktype)"
  check_eq "capkit info linktype_name of $out" "$tdname" \
    "$(info_key "$out" linktype_name)"
  banner=$(tcpdump -r "$out" -c 1 2>&1 >/dev/null | head -1)
  case $banner in
  *"link-type $tdname "*) ok ;;
  *) not_ok "tcpdump on $out: [$banner]" ;;
  esac
  file_says "$out" nanosecond little "${fname//_/ }" 65535
  roundtrip "$out"
done <<'LT'
RAW 101 RAW Raw_IP
linux_sll 113 LINUX_SLL Linux_cooked_v1
LINKTYPE_LINUX_SLL2 276 LINUX_SLL2 Linux_cooked_v2
228 228 IPV4 Raw_IPv4
LT

# FCS length in the link-type field: peers see the same records, Wireshark
# takes the last 4 bytes as the Ethernet FCS exactly when told so.
via_tshark "$SEED" >"$T/seed.truth"
check_eq "seed has four records" 4 "$(wc -l <"$T/seed.truth")"
P fcs <"$T/seed.truth" >"$T/seed.fcs"
check_eq "tshark sees no FCS in the seed" "" \
  "$(tshark -r "$SEED" -T fields -e eth.fcs 2>/dev/null | tr -d '\n')"
for f in 4 0 2; do
  out=$T/fcs_$f.pcap
  check_exit "convert --fcs-len $f" 0 "$CAPKIT" convert "$SEED" -o "$out" --fcs-len "$f"
  read_by_all "$out" "$T/seed.truth"
  check_eq "header of $out" \
    "a1b2c3d4 little 2.4 65535 $(printf %08x $(((f / 2) << 28 | 0x04000000 | 1)))" \
    "$(P hdr "$out")"
  check_eq "capkit info fcs_len of $out" "$f" "$(info_key "$out" fcs_len)"
  file_says "$out" microsecond little Ethernet 65535
  tshark -r "$out" -T fields -e eth.fcs 2>/dev/null >"$T/fcs_$f.tshark"
  if [ "$f" = 4 ]; then
    # Wireshark's trailer heuristics hide the FCS of the padded frames;
    # where it shows one, it is the frame's last 4 bytes.
    paste "$T/seed.fcs" "$T/fcs_$f.tshark" | awk -F'\t' \
      '$2 != "" { n++; if ($1 != $2) bad++ } END { exit !(n >= 2 && !bad) }'
    check_eq "tshark eth.fcs with --fcs-len 4 is the last 4 bytes" 0 $?
  elif [ "$f" = 0 ]; then
    check_eq "tshark sees no FCS with --fcs-len 0" "" "$(tr -d '\n' <"$T/fcs_$f.tshark")"
  fi
  roundtrip "$out"
  rm -f "$T/back.pcap"
  "$CAPKIT" convert "$out" -o "$T/back.pcap" --fcs-len -1
  check "--fcs-len -1 restores the seed byte for byte" cmp -s "$SEED" "$T/back.pcap"
done

# capkit dump -x is text2pcap's input: the packets come back whole (an
# empty record has no hex lines, so it cannot).
for f in seed wide; do
  in=$SEED
  [ $f = wide ] && in=$T/wide.pcap
  "$CAPKIT" dump -x "$in" | text2pcap - "$T/t2p.pcap" >/dev/null 2>&1
  via_tshark "$T/t2p.pcap" | awk '{print $4}' >"$T/t2p.hex"
  awk '$2 > 0 {print $4}' "$T/$f.truth" >"$T/t2p.want"
  same "text2pcap reads capkit dump -x of $f" "$T/t2p.want" "$T/t2p.hex"
done

# ---- files the peers write, read by capkit ----
# inbound NAME FILE WANT VARIANT: capkit reads what tshark reads and what
# was written; info names the variant; unchanged copies are identical.
inbound() {
  local name=$1 f=$2 want=$3 variant=$4
  via_capkit "$f" >"$T/in.capkit"
  via_tshark "$f" >"$T/in.tshark"
  same "$name: capkit dump -x = what was written" "$want" "$T/in.capkit"
  same "$name: tshark = what was written" "$want" "$T/in.tshark"
  check_eq "$name: variant" "$variant" "$(info_key "$f" variant)"
  check_exit "$name: verify" 0 "$CAPKIT" verify "$f"
  roundtrip "$f"
}

tcpdump -r "$T/wide.pcap" -w "$T/td_us.pcap" 2>/dev/null
inbound "tcpdump -w" "$T/td_us.pcap" "$T/wide_us.truth" standard
tcpdump --time-stamp-precision=nano -r "$T/wide.pcap" -w "$T/td_ns.pcap" 2>/dev/null
inbound "tcpdump --time-stamp-precision=nano -w" "$T/td_ns.pcap" "$T/wide.truth" nanosecond
roundtrip_pipe "$T/td_us.pcap"
roundtrip_pipe "$T/td_ns.pcap"

while read -r fmt variant; do
  for src in wide seed; do
    # the seed (real frames) only for the layouts that must be guessed
    [ $src = seed ] && [[ $fmt == pcap || $fmt == nsecpcap ]] && continue
    in=$T/wide.pcap want=$T/wide_us.truth
    [ "$fmt" = nsecpcap ] && want=$T/wide.truth
    if [ $src = seed ]; then in=$SEED want=$T/seed.truth; fi
    out=$T/editcap_${fmt}_$src.pcap
    check_exit "editcap -F $fmt" 0 editcap -F "$fmt" "$in" "$out"
    inbound "editcap -F $fmt ($src)" "$out" "$want" "${variant//_/ }"
  done
done <<'EDITCAP'
pcap standard
nsecpcap nanosecond
modpcap modified_(ss991029,_Kuznetsov)
nokiapcap nokia
rh6_1pcap ss990417_(Red_Hat_6.1)
suse6_3pcap ss990915_(SuSE_6.3)
EDITCAP

# Converting the odd layouts with options: the layout is kept where it can
# be, and tshark and capkit still read the same records.
while read -r fmt opts xf variant; do
  opts=${opts//_/ }
  out=$T/conv_${fmt}_${opts// /}.pcap
  # shellcheck disable=SC2086
  check_exit "convert editcap -F $fmt $opts" 0 \
    "$CAPKIT" convert "$T/editcap_${fmt}_wide.pcap" -o "$out" $opts
  # shellcheck disable=SC2086
  P xform ${xf//_/ } <"$T/wide_us.truth" >"$T/conv.want"
  inbound "editcap -F $fmt, convert $opts" "$out" "$T/conv.want" "${variant//_/ }"
done <<'CONV'
modpcap -b_big --us modified_(ss991029,_Kuznetsov)
nokiapcap -s_59 --snap_59 nokia
rh6_1pcap -l_RAW --us ss990417_(Red_Hat_6.1)
suse6_3pcap --fcs-len_4 --us ss990915_(SuSE_6.3)
modpcap -p_ns --us nanosecond
CONV

# scapy's RawPcapWriter (byte order and precision given) and PcapWriter
# (wrpcap's writer, with endianness and nano).
for n in scapy_gen_big_us scapy_wrpcap_little_us scapy_wrpcap_little_ns scapy_wrpcap_big_us scapy_wrpcap_big_ns; do
  out=$T/$n.pcap
  variant=standard
  [ "${n##*_}" = ns ] && variant=nanosecond
  order=little
  [[ $n == *big* ]] && order=big
  inbound "$n" "$out" "$T/$n.truth" "$variant"
  check_eq "$n: byte order" "$order" "$(info_key "$out" byte_order)"
  roundtrip_pipe "$out"
done
inbound "scapy RawPcapWriter little ns" "$T/wide.pcap" "$T/wide.truth" nanosecond

scapy_reads_all
finish

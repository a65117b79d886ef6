# test_core_cli.sh - the core commands (info, dump, convert, verify) as a
# user meets them: output, JSON keys, exit codes, pipes, --help, and the
# seed capture cut at every byte.
. "$CAPKIT_TESTLIB"
need tcpdump tshark capinfos cmp

SEED=$CAPKIT_TESTDATA/connection_termination.pcap
SIZE=$(stat -c %s "$SEED")
ENDS="24 94 170 246 316" # file header, then the end of each record

# json FILE EXPR: evaluate a Python expression over the JSON object d read
# from FILE (one object per line: the first).
json() {
  "$PY" -c 'import json,sys
d = json.loads(open(sys.argv[1]).readline())
v = eval(sys.argv[2])
print("null" if v is None else v)' "$1" "$2"
}
# field FILE KEY: the value after "KEY:" in capkit info's text.
field() { sed -n "s/^$2: *//p" "$1"; }
# Damaged and odd copies of the seed, patched with Python.
patch() { # patch OUT OFFSET STRUCT-FORMAT VALUE
  "$PY" -c 'import struct,sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into(sys.argv[4], b, int(sys.argv[3]), int(sys.argv[5], 0))
open(sys.argv[2], "wb").write(b)' "$SEED" "$1" "$2" "$3" "$4"
}

# ---- --help, usage errors (2) ----
for cmd in info dump convert verify; do
  out=$("$CAPKIT" "$cmd" --help)
  check_eq "$cmd --help exit" 0 $?
  case $out in
  "usage: capkit $cmd"*) ok ;;
  *) not_ok "$cmd --help prints its usage" ;;
  esac
  check_exit "$cmd -h" 0 "$CAPKIT" "$cmd" -h
  check_exit "capkit help $cmd" 0 "$CAPKIT" help "$cmd"
  check_exit "$cmd --no-such-option" 2 "$CAPKIT" "$cmd" --no-such-option "$SEED"
  "$CAPKIT" "$cmd" --no-such-option "$SEED" >"$T/u.out" 2>"$T/u.err"
  check_eq "$cmd usage error prints nothing on stdout" "" "$(cat "$T/u.out")"
  check "$cmd usage error points to --help" grep -q "capkit $cmd --help" "$T/u.err"
done
check_exit "capkit --help" 0 "$CAPKIT" --help
check_exit "capkit --version" 0 "$CAPKIT" --version
check_exit "capkit without a command" 2 "$CAPKIT"
check_exit "unknown command" 2 "$CAPKIT" frobnicate "$SEED"
check_exit "info without a file" 2 "$CAPKIT" info
check_exit "info --json without a file" 2 "$CAPKIT" info --json
check_exit "dump without a file" 2 "$CAPKIT" dump
check_exit "dump with two files" 2 "$CAPKIT" dump "$SEED" "$SEED"
check_exit "verify without a file" 2 "$CAPKIT" verify
check_exit "verify -m x" 2 "$CAPKIT" verify -m x "$SEED"
check_exit "convert without -o" 2 "$CAPKIT" convert "$SEED"
check_exit "convert without input" 2 "$CAPKIT" convert -o "$T/x.pcap"
check_exit "convert with two inputs" 2 "$CAPKIT" convert "$SEED" "$SEED" -o "$T/x.pcap"
check_exit "convert -b sideways" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -b sideways
check_exit "convert -p ms" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -p ms
check_exit "convert -s 0" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -s 0
check_exit "convert -s abc" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -s abc
check_exit "convert -s 2^32" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -s 4294967296
check_exit "convert -l NO_SUCH_TYPE" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -l NO_SUCH_TYPE
check_exit "convert -l 65536" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -l 65536
check_exit "convert --fcs-len 3" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" --fcs-len 3
check_exit "convert --fcs-len 32" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" --fcs-len 32
check_exit "convert -F nosuchformat" 2 "$CAPKIT" convert "$SEED" -o "$T/x.pcap" -F nosuchformat
check "usage errors write no output" test ! -e "$T/x.pcap"

# ---- I/O errors (3): a missing file cannot be opened ----
for args in "info" "info --json" "dump" "dump -x" "verify" "verify --strict"; do
  # shellcheck disable=SC2086
  check_exit "$args on a missing file" 3 "$CAPKIT" $args "$T/missing.pcap"
done
check_exit "convert of a missing file" 3 "$CAPKIT" convert "$T/missing.pcap" -o "$T/x.pcap"
check "no output from a missing input" test ! -e "$T/x.pcap"
"$CAPKIT" info "$T/missing.pcap" 2>"$T/err" >/dev/null
check "the message names the file and says why" \
  grep -q "missing.pcap.*cannot open" "$T/err"
check_exit "info on a directory" 3 "$CAPKIT" info "$T"
check_exit "convert into a missing directory" 3 \
  "$CAPKIT" convert "$SEED" -o "$T/no/such/dir/x.pcap"
if [ -w /dev/full ]; then
  check_exit "dump to a full stdout" 3 sh -c '"$0" dump "$1" >/dev/full' "$CAPKIT" "$SEED"
  check_exit "info to a full stdout" 3 sh -c '"$0" info "$1" >/dev/full' "$CAPKIT" "$SEED"
fi
"$CAPKIT" info --json "$T/missing.pcap" >"$T/m.json" 2>/dev/null
check_eq "info --json of a missing file: error code" CAPKIT_EOPEN \
  "$(json "$T/m.json" 'd["error"]["code"]')"

# ---- info: text and JSON, checked against capinfos ----
check_exit "info of the seed" 0 "$CAPKIT" info "$SEED"
"$CAPKIT" info "$SEED" >"$T/info.txt"
read -r cpk cbytes cfirst clast <<<"$(capinfos -T -r -c -d -a -e -S -M "$SEED" | cut -f2-)"
# capinfos' "data size" counts original lengths; tshark sums captured ones.
capsum() { tshark -r "$1" -T fields -e frame.cap_len 2>/dev/null | awk '{s += $1} END {print s}'; }
utc() { # utc EPOCH.FRACTION: "YYYY-MM-DD HH:MM:SS.FRACTION"
  echo "$(date -u -d "@${1%.*}" '+%Y-%m-%d %H:%M:%S').${1#*.}"
}
while IFS='|' read -r key want; do
  check_eq "info: $key" "$want" "$(field "$T/info.txt" "$key")"
done <<EOF
File|$SEED
Format|pcap (standard)
Byte order|little-endian
Version|2.4
Precision|microseconds
Snaplen|65535
Link type|1 EN10MB (IEEE 802.3 Ethernet)
FCS length|not recorded
Packets|$cpk
Captured bytes|$(capsum "$SEED")
Original bytes|$cbytes
First time|$(utc "$cfirst") UTC
Last time|$(utc "$clast") UTC
EOF
check_eq "capinfos agrees on the packets" 4 "$cpk"

"$CAPKIT" info --json "$SEED" >"$T/info.json"
check_eq "info --json keys" \
  "file format byte_order version precision snaplen linktype linktype_name fcs_len packets captured_bytes original_bytes first_time last_time" \
  "$(json "$T/info.json" '" ".join(k for k in "file format byte_order version precision snaplen linktype linktype_name fcs_len packets captured_bytes original_bytes first_time last_time".split() if k in d)')"
while IFS='|' read -r key want; do
  check_eq "info --json: $key" "$want" "$(json "$T/info.json" "d[\"$key\"]")"
done <<EOF
file|$SEED
format|pcap
variant|standard
byte_order|little
version|2.4
precision|us
snaplen|65535
linktype|1
linktype_name|EN10MB
fcs_len|-1
packets|$cpk
captured_bytes|$(capsum "$SEED")
original_bytes|$cbytes
first_time|$(utc "$cfirst" | tr ' ' T)Z
last_time|$(utc "$clast" | tr ' ' T)Z
EOF
check_eq "info --json of a sound file has no error" False "$(json "$T/info.json" '"error" in d')"

# Every header setting shows: big-endian, ns, snaplen 59, RAW, FCS 4.
"$CAPKIT" convert "$SEED" -o "$T/odd.pcap" -b big -p ns -s 59 -l RAW --fcs-len 4
"$CAPKIT" info --json "$T/odd.pcap" >"$T/odd.json"
check_eq "info --json of a converted file" \
  "pcap nanosecond big ns 59 101 RAW 4 4 226 228 2012-06-05T07:52:34.996790000Z" \
  "$(json "$T/odd.json" '" ".join(str(d[k]) for k in "format variant byte_order precision snaplen linktype linktype_name fcs_len packets captured_bytes original_bytes first_time".split())')"
read -r cpk cbytes cfirst clast <<<"$(capinfos -T -r -c -d -a -e -S -M "$T/odd.pcap" | cut -f2-)"
check_eq "capinfos agrees on the converted file" \
  "$cpk $(capsum "$T/odd.pcap") $cbytes $(utc "$cfirst" | tr ' ' T)Z" \
  "$(json "$T/odd.json" '"%s %s %s %s" % (d["packets"], d["captured_bytes"], d["original_bytes"], d["first_time"])')"
"$CAPKIT" info "$T/odd.pcap" >"$T/odd.txt"
check_eq "info text: byte order" big-endian "$(field "$T/odd.txt" "Byte order")"
check_eq "info text: precision" nanoseconds "$(field "$T/odd.txt" Precision)"
check_eq "info text: FCS" "4 bytes" "$(field "$T/odd.txt" "FCS length")"
check_eq "info text: first time in ns" "$(utc "$cfirst") UTC" "$(field "$T/odd.txt" "First time")"

# Several files: one JSON object per line, the worst exit code.
"$CAPKIT" info --json "$SEED" "$T/odd.pcap" >"$T/two.json"
check_eq "info --json of two files: two lines" 2 "$(wc -l <"$T/two.json")"
check "both lines are JSON" "$PY" -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/two.json"
head -c 100 "$SEED" >"$T/cut100.pcap"
check_exit "info of a sound and a damaged file" 1 "$CAPKIT" info "$SEED" "$T/cut100.pcap"
check_exit "info of a damaged and a missing file" 3 "$CAPKIT" info "$T/cut100.pcap" "$T/missing.pcap"

# A damaged file: what came before is counted, the error says where.
"$CAPKIT" info --json "$T/cut100.pcap" >"$T/cut.json" 2>"$T/cut.err"
check_eq "info --json of a damaged file: exit" 1 $?
check_eq "info --json of a damaged file" "1 CAPKIT_ETRUNC 94 2" \
  "$(json "$T/cut.json" '"%d %s %d %d" % (d["packets"], d["error"]["code"], d["error"]["offset"], d["error"]["record"])')"
check "the error message names file, offset and record" \
  grep -q "cut100.pcap: offset 94, record 2: truncated" "$T/cut.err"
"$CAPKIT" info "$T/cut100.pcap" >"$T/cut.txt" 2>/dev/null
check "info text shows the error" grep -q "^Error: *.*offset 94, record 2" "$T/cut.txt"

# ---- the link-type name, as libpcap (tcpdump) names it ----
for n in 0 1 6 9 50 101 105 108 113 119 127 147 163 195 220 228 229 239 276 289; do
  "$CAPKIT" convert "$SEED" -o "$T/lt.pcap" -l "$n"
  name=$("$CAPKIT" info --json "$T/lt.pcap" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["linktype_name"])')
  "$CAPKIT" info "$T/lt.pcap" >"$T/lt.txt"
  case $(field "$T/lt.txt" "Link type") in
  "$n $name ("*")") ok ;;
  *) not_ok "info text names link type $n: $(field "$T/lt.txt" "Link type")" ;;
  esac
  banner=$(tcpdump -r "$T/lt.pcap" -c 1 2>&1 >/dev/null | head -1)
  td=${banner#*link-type }
  td=${td%%[ ,]*}
  if [ "$td" = "$n" ]; then
    ok # libpcap has no name for it
  else
    check_eq "link type $n: tcpdump's name" "$td" "$name"
  fi
done
"$CAPKIT" convert "$SEED" -o "$T/lt.pcap" -l 4000
check_eq "unregistered link type: JSON name" null \
  "$("$CAPKIT" info --json "$T/lt.pcap" | "$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["linktype_name"]))')"
"$CAPKIT" info "$T/lt.pcap" >"$T/lt.txt"
check_eq "unregistered link type: text" "4000 unknown" "$(field "$T/lt.txt" "Link type")"

# ---- dump: one line per record; -x adds the bytes ----
"$CAPKIT" dump "$SEED" >"$T/dump.txt"
check_eq "dump exit" 0 $?
check_eq "dump: one line per record" 4 "$(wc -l <"$T/dump.txt")"
TZ=UTC tcpdump -r "$SEED" -tttt -nn 2>/dev/null | awk '{print $1, $2}' >"$T/td.times"
tshark -r "$SEED" -T fields -e frame.cap_len -e frame.len 2>/dev/null >"$T/ts.lens"
paste -d' ' "$T/td.times" "$T/ts.lens" | awk '{print NR, $1, $2, "caplen", $3, "origlen", $4}' >"$T/dump.want"
check "dump matches tcpdump's times and tshark's lengths" cmp -s "$T/dump.want" "$T/dump.txt"
"$CAPKIT" dump "$T/odd.pcap" | head -1 | awk '{print $3}' >"$T/ns.time"
TZ=UTC tcpdump -r "$T/odd.pcap" -tttt --time-stamp-precision=nano -c 1 2>/dev/null | awk '{print $2}' >"$T/ns.want"
check "dump of a ns file shows 9 digits, as tcpdump" cmp -s "$T/ns.want" "$T/ns.time"
"$CAPKIT" dump -x "$SEED" >"$T/dumpx.txt"
check_eq "dump -x exit" 0 $?
check_eq "dump -x: record lines" "$(sed 's/^/# /' "$T/dump.txt")" "$(grep '^# ' "$T/dumpx.txt")"
check_eq "dump -x: hex lines (54, 60, 60, 54 bytes)" 16 "$(grep -c '^[0-9a-f]\{6\}  ' "$T/dumpx.txt")"
tshark -r "$SEED" -x 2>/dev/null | cut -c7-54 | tr -s ' \n' ' ' | sed 's/ *$//' >"$T/ts.hex"
grep '^[0-9a-f]\{6\}  ' "$T/dumpx.txt" | cut -c8-56 | tr -s ' \n' ' ' | sed 's/^ *//; s/ *$//' >"$T/ck.hex"
check "dump -x bytes are tshark -x bytes" cmp -s "$T/ts.hex" "$T/ck.hex"
"$CAPKIT" dump "$T/cut100.pcap" >"$T/dcut.txt" 2>"$T/dcut.err"
check_eq "dump of a damaged file: exit" 1 $?
check_eq "dump of a damaged file lists what came before" 1 "$(wc -l <"$T/dcut.txt")"
check "dump names offset and record" grep -q "offset 94, record 2" "$T/dcut.err"

# ---- verify ----
"$CAPKIT" verify "$SEED" >"$T/v.txt"
check_eq "verify of the seed: exit" 0 $?
check_eq "verify of the seed" "$SEED: OK: 4 records, 0 warnings" "$(cat "$T/v.txt")"
check_exit "verify --strict of the seed" 0 "$CAPKIT" verify --strict "$SEED"
# snaplen 40 in the header: each record is longer than that (a warning).
patch "$T/snap40.pcap" 16 '<I' 40
"$CAPKIT" verify "$T/snap40.pcap" >"$T/v.txt"
check_eq "verify: warnings alone exit 0" 0 $?
check_exit "verify --strict: warnings exit 1" 1 "$CAPKIT" verify --strict "$T/snap40.pcap"
i=0
for off in 24 94 170 246; do
  i=$((i + 1))
  check "verify lists the warning at offset $off, record $i" \
    grep -q "^warning: .*snap40.pcap: offset $off, record $i: captured length [0-9]* larger than snaplen 40" "$T/v.txt"
done
check_eq "verify summary" "$T/snap40.pcap: WARNINGS: 4 records, 4 warnings (CAPLEN_GT_SNAPLEN 4)" "$(tail -1 "$T/v.txt")"
check_eq "verify -q: the summary only" 1 "$("$CAPKIT" verify -q "$T/snap40.pcap" | wc -l)"
check "verify -m 1: one listed, the rest counted" \
  grep -q "^(3 more warnings not listed)" <("$CAPKIT" verify -m 1 "$T/snap40.pcap")
# damage: a cut record, a record too large, not a capture at all
head -c 200 "$SEED" >"$T/cut200.pcap"
"$CAPKIT" verify "$T/cut200.pcap" >"$T/v.txt"
check_eq "verify of a cut file: exit" 1 $?
check "verify names offset and record of the damage" \
  grep -q "^error: .*cut200.pcap: offset 170, record 3: truncated record data" "$T/v.txt"
check "verify counts the good records" grep -q "DAMAGED: 2 good records" "$T/v.txt"
patch "$T/huge.pcap" 102 '<I' 0x100000
"$CAPKIT" verify "$T/huge.pcap" >"$T/v.txt"
check_eq "verify of a huge record: exit" 1 $?
check "verify names the huge record's length field" \
  grep -q "offset 102, record 2: captured length 1048576 exceeds" "$T/v.txt"
printf 'GARBAGE GARBAGE GARBAGE GARBAGE' >"$T/garbage.pcap"
check_exit "verify of garbage" 1 "$CAPKIT" verify "$T/garbage.pcap"
: >"$T/empty.pcap"
check_exit "verify of an empty file" 1 "$CAPKIT" verify "$T/empty.pcap"
check_exit "verify of a sound and a cut file" 1 "$CAPKIT" verify "$SEED" "$T/cut200.pcap"
check_eq "verify of two files: two summaries" 2 \
  "$("$CAPKIT" verify -q "$SEED" "$T/cut200.pcap" | wc -l)"

# ---- '-' is stdin and stdout, so commands pipe ----
check_eq "convert -o - | info -" "4" \
  "$("$CAPKIT" convert "$SEED" -o - | "$CAPKIT" info - | sed -n 's/^Packets: *//p')"
check "convert -o - is byte-identical" sh -c '"$0" convert "$1" -o - | cmp -s "$1" -' "$CAPKIT" "$SEED"
check "dump - reads stdin" sh -c '"$0" dump - <"$1" | cmp -s "$2" -' "$CAPKIT" "$SEED" "$T/dump.txt"
check_exit "verify - reads stdin" 0 sh -c '"$0" verify - <"$1"' "$CAPKIT" "$SEED"
check "convert - -o FILE" sh -c '"$0" convert - -o "$2" <"$1" && cmp -s "$1" "$2"' "$CAPKIT" "$SEED" "$T/fromstdin.pcap"
check_eq "a pipe of three commands" big \
  "$("$CAPKIT" convert "$SEED" -o - | "$CAPKIT" convert - -o - -b big | "$CAPKIT" info --json - | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["byte_order"])')"
"$CAPKIT" info --json - <"$SEED" >"$T/stdin.json"
check_eq "info --json - names stdin '-'" "- 4" "$(json "$T/stdin.json" 'd["file"] + " " + str(d["packets"])')"

# ---- the seed cut at every byte: info never crashes, counts exactly the
# whole records, exits 0 only at a record boundary; convert leaves nothing
# unless --keep-partial, which keeps exactly the whole records ----
mkdir -p "$T/cuts" "$T/out" "$T/kept"
for ((L = 0; L <= SIZE; L++)); do
  head -c "$L" "$SEED" >"$T/cuts/$L.pcap"
  "$CAPKIT" info --json "$T/cuts/$L.pcap" >"$T/cuts/$L.json" 2>/dev/null
  echo $? >"$T/cuts/$L.rc"
  "$CAPKIT" info --json - <"$T/cuts/$L.pcap" >"$T/cuts/$L.pjson" 2>/dev/null
  echo $? >"$T/cuts/$L.prc"
  "$CAPKIT" convert "$T/cuts/$L.pcap" -o "$T/out/$L.pcap" 2>/dev/null
  echo $? >"$T/cuts/$L.crc"
  "$CAPKIT" convert "$T/cuts/$L.pcap" -o "$T/kept/$L.pcap" --keep-partial 2>/dev/null
  echo $? >"$T/cuts/$L.krc"
done
# What --keep-partial kept verifies clean (one run for every file).
(cd "$T/kept" && "$CAPKIT" verify --strict -q ./*.pcap >"$T/kept.verify" 2>&1)
check_eq "every kept file verifies clean" 0 $?
"$PY" - "$T" "$SEED" "$SIZE" "$ENDS" >"$T/cuts.report" <<'PYEOF'
import json, os, sys
T, seed, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
ends = [int(x) for x in sys.argv[4].split()]
whole = open(seed, "rb").read()
verified = open(T + "/kept.verify").read()
bad = []
def rd(p):
    return open(p).read().strip() if os.path.exists(p) else None
for L in range(size + 1):
    done = [e for e in ends[1:] if e <= L] if L >= ends[0] else []
    want_packets = len(done)
    boundary = L in ends
    want_rc = "0" if boundary else "1"
    if L < 4:
        want_err = (0, 0)
    elif L < ends[0]:
        want_err = (L, 0)
    else:
        want_err = (max(e for e in ends if e <= L), want_packets + 1)
    for kind in ("json", "pjson"):
        rc = rd("%s/cuts/%d.%s" % (T, L, "rc" if kind == "json" else "prc"))
        try:
            d = json.loads(open("%s/cuts/%d.%s" % (T, L, kind)).read())
        except Exception as e:
            bad.append("%d %s: not JSON (%s), exit %s" % (L, kind, e, rc))
            continue
        if rc != want_rc:
            bad.append("%d %s: exit %s, want %s" % (L, kind, rc, want_rc))
        if d.get("packets", 0) != want_packets:
            bad.append("%d %s: packets %s, want %d" % (L, kind, d.get("packets"), want_packets))
        if L >= ends[0] and "packets" not in d:
            bad.append("%d %s: no packets key" % (L, kind))
        err = d.get("error")
        if boundary:
            if err:
                bad.append("%d %s: error on a boundary: %s" % (L, kind, err))
        elif not err:
            bad.append("%d %s: no error" % (L, kind))
        elif (err["offset"], err["record"]) != want_err:
            bad.append("%d %s: error at %s/%s, want %s" % (L, kind, err["offset"], err["record"], want_err))
        elif "offset %d" % want_err[0] not in err["message"]:
            bad.append("%d %s: message %r" % (L, kind, err["message"]))
        elif 0 < L < 4 and "too short" not in err["message"]:
            bad.append("%d %s: message %r" % (L, kind, err["message"]))
    crc = rd("%s/cuts/%d.crc" % (T, L))
    out = "%s/out/%d.pcap" % (T, L)
    if crc != want_rc:
        bad.append("%d convert: exit %s" % (L, crc))
    if os.path.exists(out) != boundary:
        bad.append("%d convert: output %s" % (L, "left" if os.path.exists(out) else "missing"))
    if boundary and os.path.exists(out) and open(out, "rb").read() != whole[:L]:
        bad.append("%d convert: output differs" % L)
    krc = rd("%s/cuts/%d.krc" % (T, L))
    kept = "%s/kept/%d.pcap" % (T, L)
    if krc != want_rc:
        bad.append("%d keep-partial: exit %s" % (L, krc))
    if L >= ends[0]:
        keep_to = max(e for e in ends if e <= L)
        if not os.path.exists(kept):
            bad.append("%d keep-partial: no output" % L)
        else:
            if open(kept, "rb").read() != whole[:keep_to]:
                bad.append("%d keep-partial: not the first %d bytes" % (L, keep_to))
            if "./%d.pcap: OK:" % L not in verified:
                bad.append("%d keep-partial: output does not verify" % L)
    elif os.path.exists(kept):
        bad.append("%d keep-partial: output from a file without a header" % L)
for d in ("out", "kept"):
    junk = [f for f in os.listdir("%s/%s" % (T, d)) if f.startswith(".")]
    if junk:
        bad.append("temporary files left in %s: %s" % (d, junk[:3]))
print("\n".join(bad[:20]))
print("checked %d lengths, %d problems" % (size + 1, len(bad)))
PYEOF
check_eq "every cut length" "checked $((SIZE + 1)) lengths, 0 problems" "$(tail -1 "$T/cuts.report")"
[ "$(tail -1 "$T/cuts.report")" = "checked $((SIZE + 1)) lengths, 0 problems" ] || head -20 "$T/cuts.report" >&2

# A copy large enough to go through several output buffers and kernel
# copies: still byte-identical, and a copy cut short by damage keeps
# exactly the records before it.
$PY - "$T/large.pcap" <<'PYEOF'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(30000):
        n = 60 + (i * 37) % 1400
        f.write(struct.pack("<IIII", 1000 + i, i % 1000000, n, n))
        f.write(bytes([i & 0xff]) * n)
PYEOF
check "large copy" "$CAPKIT" convert "$T/large.pcap" -o "$T/large-copy.pcap"
check "large copy is byte-identical" cmp -s "$T/large.pcap" "$T/large-copy.pcap"
lsize=$(stat -c %s "$T/large.pcap")
head -c $((lsize - 1000)) "$T/large.pcap" > "$T/large-cut.pcap"
check_exit "large damaged copy" 1 "$CAPKIT" convert "$T/large-cut.pcap" -o "$T/large-none.pcap"
check "large damaged copy leaves nothing" test ! -e "$T/large-none.pcap"
check_exit "large damaged copy, kept" 1 "$CAPKIT" convert --keep-partial "$T/large-cut.pcap" -o "$T/large-kept.pcap"
ksize=$(stat -c %s "$T/large-kept.pcap")
check "kept part is a prefix of the input" cmp -s -n "$ksize" "$T/large.pcap" "$T/large-kept.pcap"
check_eq "kept part ends one record short" "29999" "$("$CAPKIT" info --json "$T/large-kept.pcap" | sed 's/.*"packets":\([0-9]*\).*/\1/')"

finish

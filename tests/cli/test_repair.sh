#!/bin/bash
# test_repair.sh - capkit repair through the tool: exit codes, the report
# (lines, --json, --dry-run), atomic output, compressed inputs, header
# rebuild with the link type inferred, --pad, --linktype and --keep-damaged
# (pcap and pcapng). Fixtures are
# written from the pcap specification by tests/tools/repair_damage.py;
# tcpdump and tshark are the peers that read every repaired file.
. "$CAPKIT_TESTLIB"
need tcpdump tshark gzip
GEN="$PY $(dirname "$0")/../tools/repair_damage.py"
C=$CAPKIT
quiet() { "$@" >/dev/null 2>&1; }

$GEN gen 11 "$T/orig.pcap"
n_orig=$(tshark -r "$T/orig.pcap" 2>/dev/null | wc -l)

# usage
check "help" quiet "$C" repair --help
check_exit "no output" 2 "$C" repair "$T/orig.pcap"
check_exit "both -o and --dry-run" 2 "$C" repair "$T/orig.pcap" -o "$T/x" --dry-run
check_exit "no input" 2 "$C" repair -o "$T/x"
check_exit "bad link type" 2 "$C" repair "$T/orig.pcap" -o "$T/x" -l nosuch
check_exit "missing input" 3 "$C" repair "$T/nonexistent" -o "$T/x"
"$C" help | grep -q '^  repair ' && ok || not_ok "repair listed in capkit --help"

# undamaged: exit 0, byte-identical, summary says clean
check_exit "clean input exits 0" 0 "$C" repair "$T/orig.pcap" -o "$T/clean.pcap"
check "clean copy is byte-identical" cmp -s "$T/orig.pcap" "$T/clean.pcap"
"$C" repair "$T/orig.pcap" -o "$T/clean.pcap" 2>&1 | grep -q ': clean: ' && ok || not_ok "clean summary"

# damaged: insert garbage (seeded); exit 1, one line per change, readable
$GEN damage insert 6 "$T/orig.pcap" "$T/ins.pcap" "$T/ins.json"
code=0; "$C" repair "$T/ins.pcap" -o "$T/ins_fixed.pcap" 2>"$T/ins.err" || code=$?
check_eq "damaged input exits 1" 1 "$code"
grep -Eq '^'"$T"'/ins.pcap: offset [0-9]+, length [0-9]+: (GARBAGE|RECORD_DAMAGED): ' "$T/ins.err" \
  && ok || not_ok "change lines: $(head -3 "$T/ins.err")"
check "tcpdump reads the repaired file" quiet tcpdump -r "$T/ins_fixed.pcap" -w /dev/null
check "tshark reads the repaired file" quiet tshark -r "$T/ins_fixed.pcap" -w /dev/null
read -r recall genuine written invented intact < <($GEN score "$T/ins.json" "$T/ins_fixed.pcap")
check_eq "every intact record recovered" "$intact" "$recall"
check_eq "no record invented" 0 "$invented"
n_fixed=$(tshark -r "$T/ins_fixed.pcap" 2>/dev/null | wc -l)
check_eq "tshark counts the records written" "$written" "$n_fixed"

# verify lists every damaged place, past the first, and counts the intact
# records (at least those the damage did not touch)
"$C" verify "$T/ins.pcap" >"$T/v.out" 2>&1 || true
err_off=$(sed -n 's/^error: .*: offset \([0-9]*\),.*/\1/p' "$T/v.out")
last_off=$(sed -n 's/^damage: .*: offset \([0-9]*\), length.*/\1/p' "$T/v.out" | tail -1)
check_eq "verify lists the same places as repair" "$(grep -c offset "$T/ins.err")" "$(grep -c '^damage: ' "$T/v.out")"
check "verify goes on past the first damage ($last_off > $err_off)" [ "${last_off:-0}" -gt "${err_off:-0}" ]
n_intact=$(sed -n 's/.* \([0-9]*\) intact records in all.*/\1/p' "$T/v.out")
check "verify counts the intact records ($n_intact >= $intact)" [ "${n_intact:-0}" -ge "$intact" ]
"$C" verify --help | grep -q 'every damaged place' && ok || not_ok "verify help says it lists every damaged place"

# --keep-damaged: the damaged records kept, each with a comment, in pcapng
"$C" repair "$T/ins.pcap" --keep-damaged -o "$T/keep.pcapng" 2>"$T/keep.err" || true
n_kept=$(grep -c 'RECORD_KEPT_DAMAGED' "$T/keep.err")
check "some damaged records kept ($n_kept)" [ "$n_kept" -gt 0 ]
check_eq "one comment per kept record (tshark)" "$n_kept" \
  "$(tshark -r "$T/keep.pcapng" -T fields -e frame.comment 2>/dev/null | grep -c 'damaged record kept')"
check_eq "kept records are written besides the others (tshark)" "$((written + n_kept))" \
  "$(tshark -r "$T/keep.pcapng" 2>/dev/null | wc -l)"
check_eq "output is pcapng" "0a0d0d0a" "$(head -c 4 "$T/keep.pcapng" | od -An -tx1 | tr -d ' \n')"

# --keep-damaged on pcapng: each damaged packet block that can be framed is
# written again whole with a comment (tshark shows it), found by seeds whose
# damage leaves such blocks; the others come out as without the option
$GEN gen 12 "$T/ng.pcapng" --ng
n_kept=0
for seed in 1 2 3 4 5 6; do
  $GEN damage mixed "$seed" "$T/ng.pcapng" "$T/ngd.pcapng" "$T/ngd.json"
  "$C" repair "$T/ngd.pcapng" -o "$T/ngp.pcapng" 2>"$T/ngp.err" || true
  "$C" repair "$T/ngd.pcapng" -k -o "$T/ngk.pcapng" 2>"$T/ngk.err" || true
  k=$(grep -c 'RECORD_KEPT_DAMAGED' "$T/ngk.err")
  [ "$k" -gt 0 ] || continue
  n_kept=$((n_kept + k))
  check "tcpdump reads the kept blocks ($seed)" quiet tcpdump -r "$T/ngk.pcapng" -w /dev/null
  check "tshark reads the kept blocks ($seed)" quiet tshark -r "$T/ngk.pcapng" -w /dev/null
  check_eq "one comment per kept block ($seed, tshark)" "$k" \
    "$(tshark -r "$T/ngk.pcapng" -T fields -e frame.comment 2>/dev/null | grep -c 'damaged block kept')"
  check_eq "kept blocks are written besides the others ($seed, tshark)" \
    "$(($(tshark -r "$T/ngp.pcapng" 2>/dev/null | wc -l) + k))" \
    "$(tshark -r "$T/ngk.pcapng" 2>/dev/null | wc -l)"
done
check "some damaged packet blocks kept ($n_kept)" [ "$n_kept" -gt 0 ]

# --dry-run writes nothing, reports the same
rm -f "$T/dry.pcap"
check_exit "dry run exits 1" 1 "$C" repair "$T/ins.pcap" --dry-run
"$C" repair "$T/ins.pcap" --dry-run 2>"$T/dry.err" || true
check_eq "dry run reports the same changes" "$(grep -c offset "$T/ins.err")" "$(grep -c offset "$T/dry.err")"
grep -q 'would be written' "$T/dry.err" && ok || not_ok "dry run summary"

# --json: one object, parsed by Python's json
"$C" repair "$T/ins.pcap" --dry-run --json >"$T/ins.json.out" 2>/dev/null || true
$PY - "$T/ins.json.out" "$written" <<'PYEOF' && ok || not_ok "json report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "repaired", d
assert d["records"] == int(sys.argv[2]), d
assert d["changes"] and all(set(c) >= {"offset", "length", "kind", "record", "message"} for c in d["changes"])
assert d["linktype"] == 1 and d["byte_order"] == "little" and d["precision"] == "us"
PYEOF
check_exit "--json with -o - refused" 2 "$C" repair "$T/ins.pcap" --json -o -

# compressed input: the same repair as the plain one
gzip -c "$T/ins.pcap" > "$T/ins.pcap.gz"
"$C" repair -q "$T/ins.pcap.gz" -o "$T/gz_fixed.pcap" 2>/dev/null || true
check "gzip input repaired the same" cmp -s "$T/ins_fixed.pcap" "$T/gz_fixed.pcap"

# output is atomic: a failed repair leaves nothing (a pcap variant that
# repair does not handle: the "modified" magic a1b2cd34)
printf '\x34\xcd\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' > "$T/mod.pcap"
code=0; "$C" repair "$T/mod.pcap" -o "$T/mod_out" 2>"$T/mod.err" || code=$?
check_eq "unsupported variant: exit 1" 1 "$code"
grep -q 'not supported' "$T/mod.err" && ok || not_ok "unsupported message"
check "no output left after a failure" test ! -e "$T/mod_out"
check_eq "no temporary file left" "" "$(ls "$T" | grep -F mod_out || true)"

# pcapng: an undamaged file is copied byte for byte; damage is repaired
# with options kept; a missing interface description is recreated
$GEN gen 12 "$T/ng.pcapng" --ng
check_exit "clean pcapng exits 0" 0 "$C" repair "$T/ng.pcapng" -o "$T/ng_clean.pcapng"
check "clean pcapng copy is byte-identical" cmp -s "$T/ng.pcapng" "$T/ng_clean.pcapng"
$GEN damage mixed 3 "$T/ng.pcapng" "$T/ng_bad.pcapng" "$T/ng_bad.json"
"$C" repair -q "$T/ng_bad.pcapng" -o "$T/ng_fixed.pcapng" 2>/dev/null || true
check "tshark reads the repaired pcapng" quiet tshark -r "$T/ng_fixed.pcapng" -w /dev/null
read -r recall genuine written invented intact < <($GEN score "$T/ng_bad.json" "$T/ng_fixed.pcapng")
check_eq "pcapng: every intact packet block recovered" "$intact" "$recall"
check_eq "pcapng: none invented" 0 "$invented"
check_eq "pcapng: packet comments kept (tshark)" \
  "$(tshark -r "$T/ng.pcapng" -T fields -e frame.comment 2>/dev/null | grep -c .)" \
  "$(tshark -r "$T/ng_clean.pcapng" -T fields -e frame.comment 2>/dev/null | grep -c .)"
$PY - "$T/ng.pcapng" "$T/ng_noidb.pcapng" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
shb = struct.unpack('<I', d[4:8])[0]
idb = struct.unpack('<I', d[shb + 4:shb + 8])[0]
open(sys.argv[2], 'wb').write(d[:shb] + d[shb + idb:])
PYEOF
"$C" repair "$T/ng_noidb.pcapng" -o "$T/ng_idb.pcapng" 2>"$T/idb.err" || true
grep -q 'LINKTYPE_INFERRED.*no description block.*(EN10MB)' "$T/idb.err" && ok || not_ok "IDB recreated: $(cat "$T/idb.err")"
check_eq "tshark reads every packet after the IDB is recreated" \
  "$(tshark -r "$T/ng.pcapng" 2>/dev/null | wc -l)" "$(tshark -r "$T/ng_idb.pcapng" 2>/dev/null | wc -l)"
tshark -r "$T/ng_idb.pcapng" -T fields -e frame.encap_type -c 1 2>/dev/null | grep -qx 1 && ok || not_ok "recreated IDB says Ethernet"
# verify goes on through a damaged pcapng file too
"$C" verify "$T/ng_bad.pcapng" >"$T/ngv.out" 2>&1 || true
grep -q '^damage: ' "$T/ngv.out" && ok || not_ok "verify lists pcapng damage"
n_intact=$(sed -n 's/.* \([0-9]*\) intact records in all.*/\1/p' "$T/ngv.out")
read -r recall genuine written invented intact < <($GEN score "$T/ng_bad.json" "$T/ng_fixed.pcapng")
check "verify counts the intact pcapng records ($n_intact >= $intact)" [ "${n_intact:-0}" -ge "$intact" ]

mkdir "$T/ro"; chmod 500 "$T/ro"
if [ "$(id -u)" != 0 ]; then
  check_exit "unwritable output directory: exit 3" 3 "$C" repair "$T/orig.pcap" -o "$T/ro/x.pcap"
fi

# file header destroyed: rebuilt, link type inferred and reported
$PY - "$T/orig.pcap" "$T/nohdr.pcap" <<'PYEOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[0:24] = b'\xee' * 24
open(sys.argv[2], 'wb').write(d)
PYEOF
"$C" repair "$T/nohdr.pcap" -o "$T/nohdr_fixed.pcap" 2>"$T/nohdr.err" || true
grep -q 'HEADER_REBUILT' "$T/nohdr.err" && ok || not_ok "header rebuilt reported"
grep -q 'LINKTYPE_INFERRED.*(EN10MB)' "$T/nohdr.err" && ok || not_ok "link type inferred reported"
tcpdump -r "$T/nohdr_fixed.pcap" -c 1 2>&1 | grep -q 'link-type EN10MB' && ok || not_ok "tcpdump sees Ethernet"
check_eq "all records kept after a header rebuild" "$n_orig" "$(tshark -r "$T/nohdr_fixed.pcap" 2>/dev/null | wc -l)"

# headerless raw IPv4, big-endian nanoseconds: every setting inferred
$PY - "$T/raw.bin" <<'PYEOF'
import random, struct, sys
r = random.Random(3)
out = bytearray()
t, frac = 1650000000, 0
for i in range(40):
    n = r.randrange(40, 900)
    ip = bytearray(r.getrandbits(8) for _ in range(n))
    ip[0] = 0x45
    ip[2:4] = struct.pack('!H', n)
    ip[9] = 17
    frac += r.randrange(1, 50000000)
    t += frac // 10**9
    frac %= 10**9
    out += struct.pack('>IIII', t, frac, n, n) + ip
open(sys.argv[1], 'wb').write(out)
PYEOF
"$C" repair "$T/raw.bin" -o "$T/raw.pcap" 2>"$T/raw.err" || true
grep -q 'file header missing' "$T/raw.err" && ok || not_ok "missing header reported"
tcpdump -r "$T/raw.pcap" -c 1 2>&1 | grep -q 'link-type RAW' && ok || not_ok "raw IP inferred: $(cat "$T/raw.err")"
check_eq "raw records all kept" 40 "$(tshark -r "$T/raw.pcap" 2>/dev/null | wc -l)"
# the nanosecond precision and the snaplen of the largest record
"$C" info --json "$T/raw.pcap" > "$T/raw.info" 2>/dev/null
$PY - "$T/raw.info" "$T/raw.bin" <<'PYEOF' && ok || not_ok "raw header settings"
import json, struct, sys
d = json.load(open(sys.argv[1]))
b = open(sys.argv[2], 'rb').read()
mx, o = 0, 0
while o < len(b):
    n = struct.unpack('>I', b[o + 8:o + 12])[0]
    mx = max(mx, n); o += 16 + n
assert d["precision"] == "ns" and d["byte_order"] == "big", d
assert d["snaplen"] == mx, (d["snaplen"], mx)
PYEOF
# --linktype overrides inference
"$C" repair -q "$T/raw.bin" -l LINUX_SLL -o "$T/raw_sll.pcap" 2>/dev/null || true
tcpdump -r "$T/raw_sll.pcap" -c 1 2>&1 | grep -q 'link-type LINUX_SLL' && ok || not_ok "--linktype"

# truncated tail: cut, or kept with --pad (caplen corrected)
head -c -9 "$T/orig.pcap" > "$T/trunc.pcap"
"$C" repair -q "$T/trunc.pcap" -o "$T/trunc_cut.pcap" 2>/dev/null || true
check_eq "tail cut" "$((n_orig - 1))" "$(tshark -r "$T/trunc_cut.pcap" 2>/dev/null | wc -l)"
"$C" repair "$T/trunc.pcap" --pad -o "$T/trunc_pad.pcap" 2>"$T/pad.err" || true
grep -q TAIL_PADDED "$T/pad.err" && ok || not_ok "pad reported"
check_eq "tail padded" "$n_orig" "$(tshark -r "$T/trunc_pad.pcap" 2>/dev/null | wc -l)"
check "padded file reads in tcpdump" quiet tcpdump -r "$T/trunc_pad.pcap" -w /dev/null

# a capture of several MB, pcap and pcapng: the walk reads it in many
# steps (from a file, a pipe, a gzip stream) and writes straight from them;
# every intact record is found (the damage map from repair_damage.py is the
# reference), none invented, and the three inputs and standard output give
# the same bytes; the undamaged file comes out byte-identical
for ng in "" --ng; do
  f=${ng:+pcapng}; f=${f:-pcap}
  $GEN gen 5 "$T/big.pcap" --count 12000 $ng
  "$C" repair -q "$T/big.pcap" -o "$T/bigf.pcap" 2>/dev/null
  check "big $f undamaged: byte-identical" cmp -s "$T/big.pcap" "$T/bigf.pcap"
  for kind in insert delete; do
    $GEN damage "$kind" 3 "$T/big.pcap" "$T/bigd.pcap" "$T/big.json"
    "$C" repair -q "$T/bigd.pcap" -o "$T/bigf.pcap" 2>/dev/null || true
    read -r rec gen wr inv intact < <($GEN score "$T/big.json" "$T/bigf.pcap")
    check_eq "big $f $kind: every intact record" "$intact" "$rec"
    check_eq "big $f $kind: none invented" 0 "$inv"
    cat "$T/bigd.pcap" | "$C" repair -q - -o - >"$T/bigp.pcap" 2>/dev/null || true
    check "big $f $kind: pipe in, stdout out, same bytes" cmp -s "$T/bigf.pcap" "$T/bigp.pcap"
    gzip -1 -c "$T/bigd.pcap" >"$T/bigd.pcap.gz"
    "$C" repair -q "$T/bigd.pcap.gz" -o "$T/bigz.pcap" 2>/dev/null || true
    check "big $f $kind: gzip in, same bytes" cmp -s "$T/bigf.pcap" "$T/bigz.pcap"
  done
  check "big $f: tcpdump reads the repaired file" quiet tcpdump -r "$T/bigf.pcap" -w /dev/null
  check "big $f: tshark reads the repaired file" quiet tshark -r "$T/bigf.pcap" -w /dev/null
done

# pcapng: intact blocks between two damaged ones found again (a run of two
# inside the frame a shortened block's length claims, a run of three after
# a block whose length was garbled, one alone that proves itself by its
# checksums); the generator's map is the reference
for sk in "2 delete" "19 blocklen" "8 mixed"; do
  set -- $sk
  $GEN gen "$1" "$T/ngr.pcapng" --ng --csum
  $GEN damage "$2" "$1" "$T/ngr.pcapng" "$T/ngrd.pcapng" "$T/ngr.json"
  "$C" repair -q "$T/ngrd.pcapng" -o "$T/ngrf.pcapng" 2>/dev/null || true
  read -r rec gen wr inv intact < <($GEN score "$T/ngr.json" "$T/ngrf.pcapng")
  check_eq "pcapng seed $1 $2: every intact block" "$intact" "$rec"
  check_eq "pcapng seed $1 $2: none invented" 0 "$inv"
done

# the big capture's tail cut inside its last record, several MB in: cut, or
# kept with --pad, its caplen 9 bytes short (counts and lengths from tshark)
$GEN gen 5 "$T/big.pcap" --count 12000
head -c -9 "$T/big.pcap" > "$T/bigt.pcap"
tshark -r "$T/big.pcap" -T fields -e frame.cap_len 2>/dev/null > "$T/big.len"
n_big=$(wc -l < "$T/big.len")
"$C" repair -q "$T/bigt.pcap" -o "$T/bigt_cut.pcap" 2>/dev/null || true
check_eq "big tail cut" "$((n_big - 1))" "$(tshark -r "$T/bigt_cut.pcap" 2>/dev/null | wc -l)"
"$C" repair -q "$T/bigt.pcap" --pad -o "$T/bigt_pad.pcap" 2>/dev/null || true
tshark -r "$T/bigt_pad.pcap" -T fields -e frame.cap_len 2>/dev/null > "$T/bigt.len"
check_eq "big tail padded" "$n_big" "$(wc -l < "$T/bigt.len")"
check_eq "big tail padded: caplen corrected" "$(($(tail -n 1 "$T/big.len") - 9))" "$(tail -n 1 "$T/bigt.len")"
check_eq "big tail padded: the records before it" "$(head -n -1 "$T/big.len")" "$(head -n -1 "$T/bigt.len")"

finish

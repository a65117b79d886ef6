# test_cut_interop.sh - the cutting commands against the peers on the same
# inputs: merge = mergecap, slice = editcap -r/-A/-B, dedup = editcap -D/-w
# (-I), filter = tcpdump -r -w, sort = reordercap, split = editcap -c,
# snap = editcap -s, retime --shift = editcap -t; compressed outputs equal
# the uncompressed ones.
. "$CAPKIT_TESTLIB"
need mergecap editcap reordercap tcpdump cmp
GEN="$PY $(dirname "$CAPKIT_TESTLIB")/tools/gen_cut.py"

$GEN "$T/a.pcap" 1500 1 --dups
$GEN "$T/b.pcap" 1500 2 --dups --ns
$GEN "$T/raw.pcap" 800 3 --linktype raw
$GEN "$T/jumble.pcap" 2000 4 --disorder 30
n_a=$("$CAPKIT" info "$T/a.pcap" | sed -n 's/^Packets: *//p')

# same FILE1 FILE2: the same records (times, lengths, bytes) in the same
# order, whatever the file format and interface numbering.
same() {
  "$CAPKIT" dump -x "$1" | sed 's/ iface [0-9]*//' >"$T/s1.txt"
  "$CAPKIT" dump -x "$2" | sed 's/ iface [0-9]*//' >"$T/s2.txt"
  cmp -s "$T/s1.txt" "$T/s2.txt"
}
# count FILE: records in FILE.
count() { "$CAPKIT" info "$1" | sed -n 's/^Packets: *//p'; }

# ---- merge ----
mergecap -F nsecpcap -w "$T/mc.pcap" "$T/a.pcap" "$T/b.pcap"
"$CAPKIT" merge --ties last -o "$T/m.pcap" "$T/a.pcap" "$T/b.pcap"
check "merge --ties last = mergecap (two inputs)" same "$T/mc.pcap" "$T/m.pcap"
# Three inputs whose times collide: mergecap takes the last input first.
"$CAPKIT" retime --shift 0 "$T/a.pcap" -o "$T/a2.pcap"
mergecap -F pcap -w "$T/mc3.pcap" "$T/a.pcap" "$T/a2.pcap" "$T/a.pcap"
"$CAPKIT" merge --ties last -o "$T/m3.pcap" "$T/a.pcap" "$T/a2.pcap" "$T/a.pcap"
check "merge --ties last = mergecap with equal times" same "$T/mc3.pcap" "$T/m3.pcap"
# The default keeps the argument order for equal times (stable).
"$CAPKIT" merge -o "$T/m4.pcap" "$T/a.pcap" "$T/raw.pcap"
check_eq "merge of two inputs keeps every record" $((n_a + 800)) "$(count "$T/m4.pcap")"
check "merge of two link types is pcapng" grep -q pcapng <("$CAPKIT" info "$T/m4.pcap" | sed -n 's/^Format: *//p')
mergecap -w "$T/mc4.pcapng" "$T/a.pcap" "$T/raw.pcap"
"$CAPKIT" merge --ties last -o "$T/m5.pcap" "$T/a.pcap" "$T/raw.pcap"
check "merge of two link types = mergecap" same "$T/mc4.pcapng" "$T/m5.pcap"
tshark -r "$T/m5.pcap" -T fields -e frame.interface_id 2>/dev/null | sort -u | tr '\n' ' ' >"$T/ifs"
check_eq "tshark sees one interface per input" "0 1 " "$(cat "$T/ifs")"
mergecap -a -F nsecpcap -w "$T/mca.pcap" "$T/b.pcap" "$T/a.pcap"
"$CAPKIT" merge -a -o "$T/ma.pcap" "$T/b.pcap" "$T/a.pcap"
check "merge --append = mergecap -a" same "$T/mca.pcap" "$T/ma.pcap"
gzip -c "$T/b.pcap" >"$T/b.pcap.gz"
"$CAPKIT" merge --ties last -o "$T/mz.pcap.zst" "$T/a.pcap" "$T/b.pcap.gz"
check "merge of compressed inputs to zstd = uncompressed merge" same "$T/m.pcap" "$T/mz.pcap.zst"

# ---- slice ----
editcap -F pcap -r "$T/a.pcap" "$T/ec.pcap" 1-100 250 1000-"$n_a"
"$CAPKIT" slice "$T/a.pcap" -o "$T/sl.pcap" 1-100,250,1000-
check "slice ranges = editcap -r (byte for byte)" cmp -s "$T/ec.pcap" "$T/sl.pcap"
editcap -F pcap -r "$T/a.pcap" "$T/ec2.pcap" 1-10
"$CAPKIT" slice "$T/a.pcap" -o "$T/sl2.pcap" --first 10
check "slice --first 10 = editcap -r 1-10" cmp -s "$T/ec2.pcap" "$T/sl2.pcap"
editcap -F pcap -r "$T/a.pcap" "$T/ec3.pcap" $((n_a - 9))-"$n_a"
"$CAPKIT" slice "$T/a.pcap" -o "$T/sl3.pcap" --last 10
check "slice --last 10 = editcap -r of the last ten" cmp -s "$T/ec3.pcap" "$T/sl3.pcap"
editcap -F pcap -A 1700000000.5 -B 1700000001.25 "$T/a.pcap" "$T/ec4.pcap"
"$CAPKIT" slice "$T/a.pcap" -o "$T/sl4.pcap" --from @1700000000.5 --to 2023-11-14T22:13:21.25Z
check "slice --from/--to = editcap -A/-B" cmp -s "$T/ec4.pcap" "$T/sl4.pcap"

# ---- dedup ----
for pair in "-w 4:-D 5" "-w 50:-D 51" "-I 14-25:-D 5 -I 26" "-t 0.002:-w 0.002"; do
  mine=${pair%%:*} theirs=${pair#*:}
  editcap -F pcap $theirs "$T/a.pcap" "$T/ed.pcap" >/dev/null 2>&1
  "$CAPKIT" dedup $mine "$T/a.pcap" -o "$T/dd.pcap"
  check "dedup $mine = editcap $theirs" cmp -s "$T/ed.pcap" "$T/dd.pcap"
done
check "the inputs hold duplicates to drop" test "$(count "$T/dd.pcap")" -lt "$n_a"

# ---- filter ----
for expr in "udp" "tcp port 80 or icmp" "ip src net 10.0.1.0/24 and greater 200"; do
  tcpdump -r "$T/a.pcap" -w "$T/td.pcap" "$expr" 2>/dev/null
  "$CAPKIT" filter "$expr" "$T/a.pcap" -o "$T/cf.pcap"
  check "filter '$expr' = tcpdump -r -w (byte for byte)" cmp -s "$T/td.pcap" "$T/cf.pcap"
done
tcpdump -r "$T/raw.pcap" -w "$T/td2.pcap" "udp" 2>/dev/null
"$CAPKIT" filter udp "$T/raw.pcap" -o "$T/cf2.pcap"
check "filter on raw IP = tcpdump" cmp -s "$T/td2.pcap" "$T/cf2.pcap"
"$CAPKIT" filter udp "$T/a.pcap" -o "$T/cf3.pcap.gz"
tcpdump -r "$T/a.pcap" -w "$T/td3.pcap" udp 2>/dev/null
check "filter to .gz = tcpdump (after decompression)" cmp -s "$T/td3.pcap" <(gzip -dc "$T/cf3.pcap.gz")
check_eq "info -f counts what tcpdump keeps" "$(count "$T/td.pcap")" \
  "$("$CAPKIT" info -f "ip src net 10.0.1.0/24 and greater 200" "$T/a.pcap" | sed -n 's/^Packets: *//p')"

# The variants that share the standard magic are told apart when the
# cutting commands read a file too.
editcap -F rh6_1pcap "$T/a.pcap" "$T/rh.pcap"
"$CAPKIT" slice "$T/rh.pcap" -o "$T/rh2.pcap" 1-
check "slice 1- of a Red Hat 6.1 pcap is an identical copy" cmp -s "$T/rh.pcap" "$T/rh2.pcap"

# ---- sort ----
reordercap "$T/jumble.pcap" "$T/rc.pcap" >/dev/null
"$CAPKIT" sort "$T/jumble.pcap" -o "$T/so.pcap"
check "sort = reordercap (one pass)" cmp -s "$T/rc.pcap" "$T/so.pcap"
"$PY" - "$T/jumble.pcap" "$T/rev.pcap" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
p, recs = 24, []
while p < len(b):
    n = struct.unpack_from("<I", b, p + 8)[0]
    recs.append(b[p:p + 16 + n]); p += 16 + n
open(sys.argv[2], "wb").write(b[:24] + b"".join(reversed(recs)))
PY
reordercap "$T/rev.pcap" "$T/rc2.pcap" >/dev/null
"$CAPKIT" sort -v -m 64KiB -T "$T" "$T/rev.pcap" -o "$T/so2.pcap" 2>"$T/sort.err"
check "sort = reordercap (external, temporary files)" cmp -s "$T/rc2.pcap" "$T/so2.pcap"
check "sort says it used temporary files" grep -q "temporary runs" "$T/sort.err"
check_eq "no temporary files left" "" "$(ls "$T" | grep capkit-sort)"
# Captures appended to each other: their sorted stretches are merged.
{ cat "$T/a.pcap"; tail -c +25 "$T/a.pcap"; tail -c +25 "$T/a.pcap"; } >"$T/aaa.pcap"
reordercap "$T/aaa.pcap" "$T/rc3.pcap" >/dev/null
"$CAPKIT" sort -v -m 64KiB "$T/aaa.pcap" -o "$T/so4.pcap" 2>"$T/sort4.err"
check "sort of appended captures = reordercap" cmp -s "$T/rc3.pcap" "$T/so4.pcap"
check "sort says it merged 3 sorted stretches" grep -q "merged 3 sorted" "$T/sort4.err"
"$CAPKIT" sort -m 64KiB - -o "$T/so5.pcap" <"$T/aaa.pcap"
check "the same as the external sort" cmp -s "$T/so5.pcap" "$T/so4.pcap"
"$CAPKIT" sort -m 64KiB - -o "$T/so3.pcap.zst" <"$T/rev.pcap"
check "sort of standard input to zstd = reordercap" same "$T/rc2.pcap" "$T/so3.pcap.zst"

# ---- split, snap, retime ----
mkdir "$T/sp"
editcap -F pcap -c 400 "$T/a.pcap" "$T/sp/e.pcap"
"$CAPKIT" split "$T/a.pcap" --packets 400 -o "$T/sp/c-%02d.pcap"
ne=$(ls "$T/sp"/e_* | wc -l)
check_eq "split --packets makes as many files as editcap -c" "$ne" "$(ls "$T/sp"/c-* | wc -l)"
i=0
for e in "$T/sp"/e_*; do
  check "split part $i = editcap -c part" cmp -s "$e" "$T/sp/c-$(printf %02d $i).pcap"
  i=$((i + 1))
done
editcap -F pcap -s 64 "$T/a.pcap" "$T/es.pcap"
"$CAPKIT" snap 64 "$T/a.pcap" -o "$T/sn.pcap"
check "snap 64 = editcap -s 64" cmp -s "$T/es.pcap" "$T/sn.pcap"
editcap -F pcap -t -2.5 "$T/a.pcap" "$T/et.pcap"
"$CAPKIT" retime --shift -2.5 "$T/a.pcap" -o "$T/rt.pcap"
check "retime --shift -2.5 = editcap -t -2.5" cmp -s "$T/et.pcap" "$T/rt.pcap"
# ---- regressions against the peers (each failed before its fix) ----
# merge -s N = mergecap -s N: records cut, N the output's snaplen.
mergecap -F pcap -s 60 -w "$T/mcs.pcap" "$T/a.pcap" "$T/a2.pcap"
"$CAPKIT" merge --ties last -s 60 -o "$T/ms.pcap" "$T/a.pcap" "$T/a2.pcap"
check "merge -s 60 = mergecap -s 60 (byte for byte)" cmp -s "$T/mcs.pcap" "$T/ms.pcap"
# sort -n = reordercap -n: the same counts; no output for ordered input.
for f in jumble a; do
  want=$(reordercap -n "$T/$f.pcap" "$T/rn-$f.pcap" | sed -n 's/^\([0-9]*\) frames, \([0-9]*\) out of order$/\1 \2/p')
  got=$("$CAPKIT" sort -n "$T/$f.pcap" -o "$T/sn-$f.pcap" 2>&1 | sed -n 's/^capkit sort: \([0-9]*\) records, \([0-9]*\) out of order$/\1 \2/p')
  check_eq "sort -n counts = reordercap -n ($f)" "$want" "$got"
done
check "sort -n of a jumble writes what reordercap writes" cmp -s "$T/rc.pcap" "$T/sn-jumble.pcap"
check "sort -n of an ordered input writes nothing" test ! -e "$T/sn-a.pcap"
# split --seconds = editcap -i, empty intervals included (file N is
# interval N), byte for byte.
$GEN "$T/slow.pcap" 1500 5 --step 20000
"$PY" - "$T/slow.pcap" "$T/gaps.pcap" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
p, out = 24, [b[:24]]
while p < len(b):
    s, us, n = struct.unpack_from("<III", b, p)
    if s % 5 not in (1, 2):            # two seconds of every five empty
        out.append(b[p:p + 16 + n])
    p += 16 + n
open(sys.argv[2], "wb").write(b"".join(out))
PY
mkdir "$T/gi"
editcap -F pcap -i 1 "$T/gaps.pcap" "$T/gi/e.pcap"
"$CAPKIT" split "$T/gaps.pcap" --seconds 1 -o "$T/gi/c-%05d.pcap"
ne=$(ls "$T/gi"/e_* | wc -l)
check_eq "split --seconds makes as many files as editcap -i" "$ne" "$(ls "$T/gi"/c-* | wc -l)"
check "some intervals are empty" test "$("$CAPKIT" info "$T/gi/c-00001.pcap" | sed -n 's/^Packets: *//p')" = 0
i=0 diffs=0
for e in "$T/gi"/e_*; do
  cmp -s "$e" "$T/gi/c-$(printf %05d $i).pcap" || diffs=$((diffs + 1))
  i=$((i + 1))
done
check_eq "split --seconds parts = editcap -i parts" 0 "$diffs"
finish

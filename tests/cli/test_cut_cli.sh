# test_cut_cli.sh - the cutting commands (merge, split, slice, filter,
# dedup, sort, retime, snap) and -f on info/dump/convert from the command
# line: every option, usage errors (2), damaged input (1, nothing left
# without --keep-partial, a valid file with it), bad filters (2, libpcap's
# message), unwritable outputs (3, nothing left), many inputs, progress.
. "$CAPKIT_TESTLIB"
need cmp
GEN="$PY $(dirname "$CAPKIT_TESTLIB")/tools/gen_cut.py"
CMDS="merge split slice filter dedup sort retime snap"

$GEN "$T/a.pcap" 1200 11 --dups
$GEN "$T/b.pcap" 600 12 --linktype raw --ns
count() { "$CAPKIT" info "$1" | sed -n 's/^Packets: *//p'; }
vq() { "$CAPKIT" verify -q "$1" >/dev/null; }
times() { "$CAPKIT" dump "$1" | awk '{print $3}'; }
n_a=$(count "$T/a.pcap")

# ---- --help and usage errors ----
for c in $CMDS; do
  out=$("$CAPKIT" "$c" --help)
  check_eq "$c --help exits 0" 0 $?
  case $out in "usage: capkit $c"*) ok ;; *) not_ok "$c --help prints usage" ;; esac
  check "$c --help lists the common options" grep -q -- "--keep-partial" <<<"$out"
  check_exit "$c with an unknown option" 2 "$CAPKIT" "$c" --no-such-option "$T/a.pcap" -o "$T/x.pcap"
done
check_exit "merge without inputs" 2 "$CAPKIT" merge -o "$T/x.pcap"
check_exit "merge without -o" 2 "$CAPKIT" merge "$T/a.pcap"
check_exit "merge --ties sideways" 2 "$CAPKIT" merge --ties sideways -o "$T/x.pcap" "$T/a.pcap"
check_exit "merge --window 0" 2 "$CAPKIT" merge --window 0 -o "$T/x.pcap" "$T/a.pcap"
check_exit "split without a method" 2 "$CAPKIT" split "$T/a.pcap"
check_exit "split with two methods" 2 "$CAPKIT" split "$T/a.pcap" --packets 5 --seconds 1
check_exit "split --packets 0" 2 "$CAPKIT" split "$T/a.pcap" --packets 0
check_exit "split to standard output" 2 "$CAPKIT" split "$T/a.pcap" --packets 5 -o -
check_exit "split template with two numbers" 2 "$CAPKIT" split "$T/a.pcap" --packets 5 -o "$T/%d-%d.pcap"
check_exit "split template with %s" 2 "$CAPKIT" split "$T/a.pcap" --packets 5 -o "$T/%s.pcap"
check_exit "slice bad range" 2 "$CAPKIT" slice "$T/a.pcap" -o "$T/x.pcap" 5-3
check_exit "slice range 0" 2 "$CAPKIT" slice "$T/a.pcap" -o "$T/x.pcap" 0-3
check_exit "slice --last 0" 2 "$CAPKIT" slice "$T/a.pcap" -o "$T/x.pcap" --last 0
check_exit "slice bad time" 2 "$CAPKIT" slice "$T/a.pcap" -o "$T/x.pcap" --from 2024-13-01
check_exit "slice bad duration" 2 "$CAPKIT" slice "$T/a.pcap" -o "$T/x.pcap" --to +3parsecs
check_exit "slice without -o" 2 "$CAPKIT" slice "$T/a.pcap"
check_exit "filter without input" 2 "$CAPKIT" filter udp -o "$T/x.pcap"
check_exit "dedup bad window" 2 "$CAPKIT" dedup -w x "$T/a.pcap" -o "$T/x.pcap"
check_exit "dedup bad ignore ranges" 2 "$CAPKIT" dedup -I 5-1 "$T/a.pcap" -o "$T/x.pcap"
check_exit "sort tiny memory" 2 "$CAPKIT" sort -m 1k "$T/a.pcap" -o "$T/x.pcap"
check_exit "retime bad scale" 2 "$CAPKIT" retime --scale -1 "$T/a.pcap" -o "$T/x.pcap"
check_exit "retime scale and rate" 2 "$CAPKIT" retime --scale 2 --rate 5 "$T/a.pcap" -o "$T/x.pcap"
check_exit "retime bad start" 2 "$CAPKIT" retime --start yesterday "$T/a.pcap" -o "$T/x.pcap"
check_exit "snap 0" 2 "$CAPKIT" snap 0 "$T/a.pcap" -o "$T/x.pcap"
check_exit "-F xml" 2 "$CAPKIT" filter udp "$T/a.pcap" -o "$T/x.pcap" -F xml
check_exit "--linktype nonsense" 2 "$CAPKIT" snap 10 "$T/a.pcap" -o "$T/x.pcap" --linktype nonsense
check_exit "--compress lzma" 2 "$CAPKIT" snap 10 "$T/a.pcap" -o "$T/x.pcap" --compress lzma
check_exit "--compress gzip:12" 2 "$CAPKIT" snap 10 "$T/a.pcap" -o "$T/x.pcap" --compress gzip:12
check_exit "--strip-fcs=x" 2 "$CAPKIT" snap 10 "$T/a.pcap" -o "$T/x.pcap" --strip-fcs=x
check "no output after usage errors" test ! -e "$T/x.pcap"

# ---- bad filters: libpcap's message, exit 2, nothing written ----
for c in "filter 'udp port'" "slice -f 'udp port'" "dedup -f 'udp port'" \
         "sort -f 'udp port'" "merge -f 'udp port'"; do
  eval "\"\$CAPKIT\" $c \"\$T/a.pcap\" -o \"\$T/x.pcap\"" 2>"$T/f.err"
  check_eq "$c exits 2" 2 $?
  check "$c shows libpcap's message" grep -q "syntax error" "$T/f.err"
  check "$c writes nothing" test ! -e "$T/x.pcap"
done
for c in info dump; do
  "$CAPKIT" $c -f "no such thing" "$T/a.pcap" >/dev/null 2>"$T/f.err"
  check_eq "$c -f bad exits 2" 2 $?
  check "$c -f bad shows libpcap's message" grep -q "bad filter" "$T/f.err"
done
check_exit "convert -f bad" 2 "$CAPKIT" convert -f "port" "$T/a.pcap" -o "$T/x.pcap"
check "convert -f bad writes nothing" test ! -e "$T/x.pcap"
# A filter that compiles for Ethernet but not for raw IP (ether host):
"$CAPKIT" merge -f "ether host 00:01:02:03:04:05" -o "$T/x.pcap" "$T/a.pcap" "$T/b.pcap" 2>"$T/f.err"
check_eq "a filter that fails for a later input's link type exits 2" 2 $?

# ---- -f on info, dump, convert ----
nu=$("$CAPKIT" info -f udp "$T/a.pcap" | sed -n 's/^Packets: *//p')
check_eq "dump -f lists as many as info -f counts" "$nu" "$("$CAPKIT" dump -f udp "$T/a.pcap" | wc -l)"
"$CAPKIT" convert -f udp "$T/a.pcap" -o "$T/cu.pcap"
check_eq "convert -f keeps the matching records" "$nu" "$(count "$T/cu.pcap")"
"$CAPKIT" filter udp "$T/a.pcap" -o "$T/fu.pcap"
check "filter = convert -f" cmp -s "$T/cu.pcap" "$T/fu.pcap"
"$CAPKIT" info --json -f 'not udp' "$T/a.pcap" >"$T/j"
check "info --json -f counts the rest" grep -q "\"packets\":$((n_a - nu))," "$T/j"
"$CAPKIT" filter "" "$T/a.pcap" -o "$T/all.pcap"
check "an empty expression copies byte for byte" cmp -s "$T/a.pcap" "$T/all.pcap"
"$CAPKIT" filter tcp "$T/a.pcap" -f "port 80" -o "$T/t80.pcap"
check_eq "filter EXPR -f EXPR2 needs both" \
  "$("$CAPKIT" info -f 'tcp and port 80' "$T/a.pcap" | sed -n 's/^Packets: *//p')" "$(count "$T/t80.pcap")"
"$CAPKIT" filter udp - -o - <"$T/a.pcap" >"$T/pipe.pcap"
check "filter from stdin to stdout" cmp -s "$T/fu.pcap" "$T/pipe.pcap"

# ---- merge ----
"$CAPKIT" merge -o "$T/m.pcap" "$T/a.pcap" "$T/b.pcap"
check_eq "merge keeps every record" $((n_a + 600)) "$(count "$T/m.pcap")"
check "merged times are in order" cmp -s <(times "$T/m.pcap") <(times "$T/m.pcap" | sort)
check_eq "two link types make pcapng" pcapng "$("$CAPKIT" info --json "$T/m.pcap" | sed 's/.*"format":"\([a-z]*\)".*/\1/')"
"$CAPKIT" merge -F pcap -o "$T/x.pcap" "$T/a.pcap" "$T/b.pcap" 2>"$T/m.err"
check_eq "-F pcap with two link types exits 2" 2 $?
check "the message names both link types" grep -q "link type 1 but .*b.pcap has 101" "$T/m.err"
check "and writes nothing" test ! -e "$T/x.pcap"
"$CAPKIT" merge -F pcap --linktype 1 -o "$T/rl.pcap" "$T/a.pcap" "$T/b.pcap"
check_eq "--linktype relabels into one pcap" "1 EN10MB (IEEE 802.3 Ethernet)" \
  "$("$CAPKIT" info "$T/rl.pcap" | sed -n 's/^Link type: *//p')"
"$CAPKIT" merge -a -o "$T/ap.pcap" "$T/a.pcap" "$T/a.pcap"
check_eq "--append doubles" $((2 * n_a)) "$(count "$T/ap.pcap")"
"$CAPKIT" slice "$T/ap.pcap" -o "$T/ap2.pcap" $((n_a + 1))-
"$CAPKIT" filter "" "$T/a.pcap" -o "$T/ap1.pcap"
check "--append keeps argument order" cmp -s <("$CAPKIT" dump -x "$T/ap1.pcap" | grep -v '^#') <("$CAPKIT" dump -x "$T/ap2.pcap" | grep -v '^#')
# Stable for equal times: the same file twice interleaves record by record.
"$CAPKIT" merge -o "$T/tw.pcap" "$T/a.pcap" "$T/a.pcap"
check "merge is stable for equal times" cmp -s <(times "$T/tw.pcap") <(times "$T/a.pcap" | sort -s | awk '{print; print}')
# Hundreds of inputs at once.
mkdir "$T/many"
"$CAPKIT" slice "$T/a.pcap" -o "$T/small.pcap" --first 3
for i in $(seq 1 300); do ln "$T/small.pcap" "$T/many/$i.pcap"; done
"$CAPKIT" merge -o "$T/many.pcap" "$T/many"/*.pcap
check_eq "merge of 300 inputs" 900 "$(count "$T/many.pcap")"
"$CAPKIT" merge --window 16KiB -o "$T/many2.pcap" "$T/many"/*.pcap
check "a smaller window gives the same result" cmp -s "$T/many.pcap" "$T/many2.pcap"

# ---- split ----
mkdir "$T/sp"
"$CAPKIT" split "$T/a.pcap" --packets 500 -o "$T/sp/p.pcap" -v >"$T/sp.out"
check_eq "split --packets names" "$T/sp/p-00000.pcap $T/sp/p-00001.pcap $T/sp/p-00002.pcap" "$(tr '\n' ' ' <"$T/sp.out" | sed 's/ $//')"
"$CAPKIT" merge -a -o "$T/sp/j.pcap" "$T/sp"/p-*.pcap
check "split parts join to the input" cmp -s "$T/a.pcap" "$T/sp/j.pcap"
"$CAPKIT" split "$T/a.pcap" --bytes 50KB -o "$T/sp/b-%03d.pcap.zst"
for f in "$T/sp"/b-*.pcap.zst; do
  sz=$("$CAPKIT" info --json "$f" | sed 's/.*"captured_bytes":\([0-9]*\).*/\1/')
  pk=$(count "$f")
  check "split --bytes part within 50KB" test $((sz + 16 * pk)) -le 50000
done
"$CAPKIT" merge -a -o "$T/sp/j2.pcap" "$T/sp"/b-*.pcap.zst
check "compressed split parts join to the input" cmp -s "$T/a.pcap" "$T/sp/j2.pcap"
"$CAPKIT" split "$T/a.pcap" --seconds 0.5 -o "$T/sp/s-%t-%d.pcap" -v >"$T/sp.out"
first=$(head -1 "$T/sp.out")
check "split --seconds names carry the time" grep -q "s-20231114T221320Z-0.pcap" <<<"$first"
"$CAPKIT" merge -a -o "$T/sp/j3.pcap" $(cat "$T/sp.out")
check "split --seconds parts join to the input" cmp -s "$T/a.pcap" "$T/sp/j3.pcap"
for f in $(cat "$T/sp.out"); do
  d=$("$CAPKIT" info --json "$f" | sed 's/.*"duration":\([0-9.]*\).*/\1/')
  check "split --seconds part lasts under 0.5 s" awk -v d="$d" 'BEGIN{exit !(d < 0.5)}'
done
"$CAPKIT" split "$T/m.pcap" --interface -o "$T/sp/if-%d.pcap" -F pcap
check_eq "split --interface: interface 0" "$n_a" "$(count "$T/sp/if-0.pcap")"
check_eq "split --interface: interface 1" 600 "$(count "$T/sp/if-1.pcap")"
check_eq "split --interface keeps the link type" 101 \
  "$("$CAPKIT" info --json "$T/sp/if-1.pcap" | sed 's/.*"linktype":\([0-9]*\).*/\1/')"
"$CAPKIT" split "$T/a.pcap" --packets 1000 -o "$T/sp/pct%%-%d.pcap"
check "split template %% is a percent sign" test -f "$T/sp/pct%-0.pcap"

# ---- slice ----
"$CAPKIT" slice "$T/a.pcap" -o "$T/s.pcap" -r 2-4 10
check_eq "slice -r numbers" "$(times "$T/a.pcap" | sed -n '2,4p;10p')" "$(times "$T/s.pcap")"
check_eq "slice keeps four records" 4 "$(count "$T/s.pcap")"
"$CAPKIT" slice "$T/a.pcap" -o "$T/s.pcap" 5- --first 3
check_eq "slice 5- --first 3" "$(times "$T/a.pcap" | sed -n 5,7p)" "$(times "$T/s.pcap")"
"$CAPKIT" slice "$T/a.pcap" -o "$T/s.pcap" 1-5 --last 2
check_eq "slice 1-5 --last 2" "$(times "$T/a.pcap" | sed -n 4,5p)" "$(times "$T/s.pcap")"
"$CAPKIT" slice "$T/a.pcap" -o "$T/s.pcap" --from +0.5s --to +1s
t0=$("$CAPKIT" info --json "$T/a.pcap" | sed 's/.*"first_time":"\([^"]*\)".*/\1/')
f1=$("$CAPKIT" info --json "$T/s.pcap" | sed 's/.*"first_time":"\([^"]*\)".*/\1/')
check "slice --from +0.5s starts half a second in" test "${f1:17:2}" -ge "${t0:17:2}"
d=$("$CAPKIT" info --json "$T/s.pcap" | sed 's/.*"duration":\([0-9.]*\).*/\1/')
check "slice --from +0.5s --to +1s lasts under 0.5 s" awk -v d="$d" 'BEGIN{exit !(d < 0.5 && d > 0.3)}'
"$CAPKIT" slice "$T/a.pcap" -o "$T/s.pcap" --from 2030-01-01T00:00:00Z
check_eq "slice past the end is empty" 0 "$(count "$T/s.pcap")"
"$CAPKIT" convert -F pcapng "$T/a.pcap" -o "$T/a.pcapng"
"$CAPKIT" slice "$T/a.pcapng" -o "$T/s.pcapng" --last 5
check_eq "slice --last of pcapng" "$(times "$T/a.pcap" | tail -5)" "$(times "$T/s.pcapng")"
check "slice of pcapng verifies" vq "$T/s.pcapng"

# ---- dedup ----
"$CAPKIT" dedup "$T/a.pcap" -o "$T/d.pcap" -v 2>"$T/d.err"
nd=$(count "$T/d.pcap")
check "dedup drops some" test "$nd" -lt "$n_a"
check "dedup -v says how many" grep -q "$((n_a - nd)) duplicate records dropped" "$T/d.err"
"$CAPKIT" dedup "$T/d.pcap" -o "$T/d2.pcap"
check "dedup twice changes nothing" cmp -s "$T/d.pcap" "$T/d2.pcap"
"$CAPKIT" dedup -w 0 "$T/a.pcap" -o "$T/d0.pcap"
check "dedup -w 0 keeps all" cmp -s "$T/a.pcap" "$T/d0.pcap"
"$CAPKIT" dedup -I 22,24-25 "$T/a.pcap" -o "$T/di.pcap"
check "ignoring TTL and checksum finds more duplicates" test "$(count "$T/di.pcap")" -lt "$nd"
"$CAPKIT" dedup -t 1h "$T/a.pcap" -o "$T/dt.pcap"
check "a one-hour window finds at least as many" test "$(count "$T/dt.pcap")" -le "$nd"

# ---- sort ----
$GEN "$T/j.pcap" 1500 13 --disorder 40
"$CAPKIT" sort -v "$T/j.pcap" -o "$T/so.pcap" 2>"$T/so.err"
check "sort output is in order" cmp -s <(times "$T/so.pcap") <(times "$T/j.pcap" | sort -s)
check "local disorder: one pass" grep -q "one pass" "$T/so.err"
"$CAPKIT" sort -m 64KiB -T "$T" <("$CAPKIT" retime --scale 1 "$T/j.pcap" -o -) -o "$T/so2.pcap"
check "sort of a pipe that is not stdin (external)" cmp -s "$T/so.pcap" "$T/so2.pcap"
"$CAPKIT" sort -m 64KiB -T "$T" - -o "$T/so3.pcap" <"$T/j.pcap"
check "sort from stdin (external) = one pass" cmp -s "$T/so.pcap" "$T/so3.pcap"
"$CAPKIT" sort -m 64KiB -T /no/such/dir - -o "$T/x.pcap" <"$T/j.pcap" 2>"$T/so.err"
check_eq "sort with an unusable tmpdir exits 3" 3 $?
check "and says so" grep -q "temporary file" "$T/so.err"
check "and leaves no output" test ! -e "$T/x.pcap"

# ---- retime ----
"$CAPKIT" retime --start 2024-02-29T12:00:00.25Z "$T/a.pcap" -o "$T/r.pcap"
check_eq "retime --start" "12:00:00.250000" "$(times "$T/r.pcap" | head -1)"
check_eq "retime --start keeps the duration" \
  "$("$CAPKIT" info "$T/a.pcap" | sed -n 's/^Duration: *//p')" "$("$CAPKIT" info "$T/r.pcap" | sed -n 's/^Duration: *//p')"
"$CAPKIT" retime --rate 100 "$T/a.pcap" -o "$T/r2.pcap"
check_eq "retime --rate 100" "$("$CAPKIT" info --json "$T/r2.pcap" | sed 's/.*"duration":\([0-9.]*\).*/\1/')" \
  "$(awk -v n="$n_a" 'BEGIN{printf "%.9f", (n - 1) / 100}')"
"$CAPKIT" retime --scale 0 "$T/a.pcap" -o "$T/r3.pcap"
check_eq "retime --scale 0: all at the first time" 1 "$(times "$T/r3.pcap" | sort -u | wc -l)"
"$CAPKIT" retime --shift=-1h "$T/a.pcap" -o "$T/r4.pcap"
check_eq "retime --shift -1h" "$(times "$T/a.pcap" | head -1 | sed 's/^22/21/')" "$(times "$T/r4.pcap" | head -1)"

# ---- snap, --strip-fcs, --linktype, --compress ----
"$CAPKIT" snap 40 "$T/a.pcap" -o "$T/n.pcap"
check_eq "snap 40: no record longer" 40 "$("$CAPKIT" info --json "$T/n.pcap" | sed 's/.*"max_captured_size":\([0-9]*\).*/\1/')"
check_eq "snap 40: original bytes kept" \
  "$("$CAPKIT" info --json "$T/a.pcap" | sed 's/.*"original_bytes":\([0-9]*\).*/\1/')" \
  "$("$CAPKIT" info --json "$T/n.pcap" | sed 's/.*"original_bytes":\([0-9]*\).*/\1/')"
"$CAPKIT" snap 100000 "$T/a.pcap" --strip-fcs -o "$T/fcs.pcap"
check_eq "--strip-fcs removes 4 bytes a record" \
  $(($("$CAPKIT" info --json "$T/a.pcap" | sed 's/.*"captured_bytes":\([0-9]*\).*/\1/') - 4 * n_a)) \
  "$("$CAPKIT" info --json "$T/fcs.pcap" | sed 's/.*"captured_bytes":\([0-9]*\).*/\1/')"
"$CAPKIT" snap 100000 "$T/a.pcap" --strip-fcs=2 -o "$T/fcs2.pcap"
check_eq "--strip-fcs=2" $(($("$CAPKIT" info --json "$T/a.pcap" | sed 's/.*"captured_bytes":\([0-9]*\).*/\1/') - 2 * n_a)) \
  "$("$CAPKIT" info --json "$T/fcs2.pcap" | sed 's/.*"captured_bytes":\([0-9]*\).*/\1/')"
"$CAPKIT" filter "" "$T/b.pcap" --linktype 228 -o "$T/lt.pcap"
check_eq "--linktype 228" 228 "$("$CAPKIT" info --json "$T/lt.pcap" | sed 's/.*"linktype":\([0-9]*\).*/\1/')"
"$CAPKIT" filter "" "$T/a.pcap" --compress zstd:19 -o "$T/c.cap"
check "--compress zstd writes zstd whatever the name" test "$(head -c4 "$T/c.cap" | od -An -tx1 | tr -d ' ')" = 28b52ffd
"$CAPKIT" filter "" "$T/a.pcap" --compress none -o "$T/c.pcap.gz"
check "--compress none writes plain whatever the name" cmp -s "$T/a.pcap" "$T/c.pcap.gz"

# ---- damaged input: stop at the damage, exit 1, keep only on request ----
head -c 150000 "$T/a.pcap" >"$T/bad.pcap"
nb=$("$CAPKIT" info "$T/bad.pcap" 2>/dev/null | sed -n 's/^Packets: *//p')
for c in "filter udp" "slice" "dedup" "sort" "retime --shift 1" "snap 40" "merge"; do
  rm -f "$T/o.pcap"
  "$CAPKIT" $c "$T/bad.pcap" -o "$T/o.pcap" 2>"$T/bad.err"
  check_eq "$c of damaged input exits 1" 1 $?
  check "$c names file, offset and record" grep -q "bad.pcap: offset [0-9]*, record $((nb + 1)): truncated" "$T/bad.err"
  check "$c leaves nothing without --keep-partial" test ! -e "$T/o.pcap"
  "$CAPKIT" $c "$T/bad.pcap" -o "$T/o.pcap" --keep-partial 2>"$T/bad.err"
  check_eq "$c --keep-partial exits 1" 1 $?
  check "$c --keep-partial output is valid" vq "$T/o.pcap"
  check "$c --keep-partial says what it kept" grep -q "kept [0-9]* records before the damage" "$T/bad.err"
done
check_eq "--keep-partial keeps every record before the damage" "$nb" "$(count "$T/o.pcap")"
"$CAPKIT" sort -m 64KiB - -o "$T/o2.pcap" --keep-partial <"$T/bad.pcap" 2>/dev/null
check_eq "external sort --keep-partial keeps the records before the damage" "$nb" "$(count "$T/o2.pcap")"
"$CAPKIT" merge -o "$T/o3.pcap" "$T/a.pcap" "$T/bad.pcap" --keep-partial 2>/dev/null
check "merge --keep-partial output is valid" vq "$T/o3.pcap"
mkdir "$T/spb"
"$CAPKIT" split "$T/bad.pcap" --packets 200 -o "$T/spb/x.pcap" 2>/dev/null
check_eq "split of damaged input exits 1" 1 $?
check_eq "split leaves no file" "" "$(ls "$T/spb")"
"$CAPKIT" split "$T/bad.pcap" --packets 200 -o "$T/spb/x.pcap" --keep-partial 2>/dev/null
check_eq "split --keep-partial keeps the parts before the damage" "$nb" \
  "$(for f in "$T/spb"/*; do count "$f"; done | awk '{s+=$1} END{print s}')"
"$CAPKIT" merge -o "$T/o4.pcap" "$T/a.pcap" "$T/nonexistent.pcap" 2>"$T/ne.err"
check_eq "merge with a missing input exits 3" 3 $?
check "the message names it" grep -q "nonexistent.pcap: offset 0: cannot open" "$T/ne.err"

# ---- unwritable outputs and full disks: exit 3, nothing left ----
check_exit "output in a missing directory" 3 "$CAPKIT" filter udp "$T/a.pcap" -o "$T/no/such/x.pcap"
if [ -w /dev/full ]; then
  for c in "filter udp" "sort" "snap 50"; do
    "$CAPKIT" $c "$T/a.pcap" -o - >/dev/full 2>"$T/full.err"
    check_eq "$c to a full disk exits 3" 3 $?
    check "$c says the disk is full" grep -qi "no space" "$T/full.err"
  done
  "$CAPKIT" merge -o - "$T/a.pcap" "$T/b.pcap" >/dev/full 2>/dev/null
  check_eq "merge to a full disk exits 3" 3 $?
fi
# A named pipe (or a device) is written in place, never replaced.
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
"$CAPKIT" filter "" "$T/a.pcap" -o "$T/fifo"
wait
check "output to a named pipe is written through it" cmp -s "$T/a.pcap" "$T/fifo.out"
check "and the pipe is still a pipe" test -p "$T/fifo"
if [ -c /dev/full ]; then
  "$CAPKIT" snap 50 "$T/a.pcap" -o /dev/full 2>"$T/full.err"
  check_eq "-o /dev/full exits 3" 3 $?
  check "/dev/full is still a device" test -c /dev/full
fi
mkdir "$T/ro"
chmod 555 "$T/ro"
if ! touch "$T/ro/probe" 2>/dev/null; then
  check_exit "output in a read-only directory" 3 "$CAPKIT" filter udp "$T/a.pcap" -o "$T/ro/x.pcap"
  check_exit "split into a read-only directory" 3 "$CAPKIT" split "$T/a.pcap" --packets 100 -o "$T/ro/x.pcap"
  check_eq "nothing left in it" "" "$(ls -A "$T/ro")"
fi
chmod 755 "$T/ro"

# ---- regressions of the cutting engines (each failed before its fix) ----
# pcap records from a list of (seconds, microseconds, payload) on stdin.
mkpcap() {
  "$PY" -c '
import struct, sys
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
for line in sys.stdin:
    s, us, data = line.split()
    b = bytes.fromhex(data)
    out.append(struct.pack("<IIII", int(s), int(us), len(b), len(b)) + b)
open(sys.argv[1], "wb").write(b"".join(out))
' "$1"
}
# dedup -t by capture time: a twin stamped earlier but read later, beyond
# the window, is no duplicate (it was dropped).
printf '%s\n' "100 0 aabbcc" "90 0 aabbcc" | mkpcap "$T/ooo.pcap"
"$CAPKIT" dedup -t 1 "$T/ooo.pcap" -o "$T/ooo.out.pcap"
check_eq "dedup -t keeps an out-of-order record that has no twin within 1 s" 2 "$(count "$T/ooo.out.pcap")"
# A record stamped in the future does not keep its window open: the twin
# 1000 s later is no duplicate; the one 0.5 s after that twin is.
printf '%s\n' "999999 0 ddeeff" "1000 0 aabbcc" "2000 0 aabbcc" "2000 500000 aabbcc" |
  mkpcap "$T/fut.pcap"
"$CAPKIT" dedup -t 1 "$T/fut.pcap" -o "$T/fut.out.pcap"
check_eq "dedup -t after a future-stamped record: the twin 1000 s later stays" 3 "$(count "$T/fut.out.pcap")"
# Memory stays bounded: three million empty records at one time (it grew
# with the input: about 70 MB here, 1 GB in 6 s on bigger inputs).
if [ -x /usr/bin/time ]; then
  "$PY" -c '
import struct, sys
h = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
open(sys.argv[1], "wb").write(h + struct.pack("<IIII", 1, 0, 0, 0) * 3000000)
' "$T/zero.pcap"
  /usr/bin/time -f %M -o "$T/zero.rss" "$CAPKIT" dedup -t 1 "$T/zero.pcap" -o "$T/zero.out.pcap"
  check_eq "dedup -t of three million identical records keeps one" 1 "$(count "$T/zero.out.pcap")"
  check "dedup -t memory stays under 24 MB (got $(cat "$T/zero.rss") KB)" test "$(cat "$T/zero.rss")" -lt 24576
  rm -f "$T/zero.pcap" "$T/zero.out.pcap"
fi
# sort by (seconds, nanoseconds): pcapng times beyond 2262 (the int64
# nanosecond products overflowed and put them first).
"$PY" -c '
import struct, sys
def blk(t, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
out = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
out += blk(1, struct.pack("<HHI", 1, 0, 0))
for sec, tag in [(32503680000, 1), (1700000000, 2), (9000000000, 3), (1700000001, 4), (32503680000, 5)]:
    us = sec * 1000000 + 7
    d = bytes([tag]) * 20
    out += blk(6, struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF, 20, 20) + d)
open(sys.argv[1], "wb").write(out)
' "$T/far.pcapng"
"$CAPKIT" sort "$T/far.pcapng" -o "$T/far.out.pcapng"
check_eq "sort of times beyond 2262: order by seconds" "02 04 03 01 05" \
  "$("$CAPKIT" dump -x "$T/far.out.pcapng" | awk '/^000000/ {printf "%s%s", s, $2; s=" "}')"
# split templates: an over-wide number is refused (it overflowed the name
# buffer), '%%' is a '%' without a number too, and '%t' names that repeat
# get a counter instead of replacing each other.
mkdir "$T/tp"
check_exit "split -o with %0100d is a usage error" 2 "$CAPKIT" split "$T/a.pcap" --packets 500 -o "$T/tp/x%0100d.pcap"
check_eq "nothing written for it" "" "$(ls "$T/tp")"
"$CAPKIT" split "$T/a.pcap" --packets 1000 -o "$T/tp/pc%%.pcap"
check "split -o 'pc%%.pcap' names pc%-00000.pcap" test -f "$T/tp/pc%-00000.pcap"
rm -f "$T/tp"/*
"$CAPKIT" split "$T/a.pcap" --packets 100 -o "$T/tp/t-%t.pcap"
check_eq "split -o '%t' keeps every record" "$n_a" \
  "$(for f in "$T/tp"/t-*; do count "$f"; done | awk '{s += $1} END {print s}')"
check_eq "split -o '%t' makes a file per 100 records" $(((n_a + 99) / 100)) "$(ls "$T/tp" | wc -l)"
# Without -o the parts go in the current directory, not next to IN.
mkdir "$T/in" "$T/here"
cp "$T/a.pcap" "$T/in/cap.pcap"
(cd "$T/here" && "$CAPKIT" split ../in/cap.pcap --packets 1000)
check_eq "split without -o writes in the current directory" "cap-00000.pcap cap-00001.pcap" "$(ls "$T/here" | tr '\n' ' ' | sed 's/ $//')"
check_eq "and nothing next to the input" "cap.pcap" "$(ls "$T/in")"
# split --seconds: an interval without records still gets its file.
printf '%s\n' "10 0 01" "10 600000 02" "13 100000 03" "14 999999 04" | mkpcap "$T/gap.pcap"
mkdir "$T/gp"
"$CAPKIT" split "$T/gap.pcap" --seconds 1 -o "$T/gp/g-%d.pcap"
check_eq "split --seconds 1 over 5 s makes 5 files" 5 "$(ls "$T/gp" | wc -l)"
check_eq "file N is interval N" "2 0 0 1 1" "$(for i in 0 1 2 3 4; do count "$T/gp/g-$i.pcap"; done | tr '\n' ' ' | sed 's/ $//')"
# sort -n (reordercap -n): counts, and no output for an ordered input.
"$CAPKIT" sort -n "$T/a.pcap" -o "$T/sortn.pcap" 2>"$T/n.err"
check_eq "sort -n of an ordered input exits 0" 0 $?
check "sort -n writes nothing for it" test ! -e "$T/sortn.pcap"
check "sort -n says so" grep -q "$n_a records, 0 out of order" "$T/n.err"
# capture -C takes whole millions of bytes or a unit: say so.
"$CAPKIT" capture -i lo -w "$T/c.pcap" -C 0.2 2>"$T/c.err"
check_eq "capture -C 0.2 is a usage error" 2 $?
check "capture -C 0.2 says what -C takes" grep -q "millions of bytes" "$T/c.err"

# ---- examples/merge2.c: the public API gives what `capkit merge` gives ----
root=$(cd "$(dirname "$CAPKIT_TESTLIB")/.." && pwd)
if [ -n "${CAPKIT_BUILDDIR:-}" ] && [ -f "$CAPKIT_BUILDDIR/libcapkit.a" ] && command -v cc >/dev/null; then
  san=
  grep -q "CAPKIT_SANITIZE:BOOL=ON" "$CAPKIT_BUILDDIR/CMakeCache.txt" 2>/dev/null &&
    san="-fsanitize=address,undefined"
  if cc -std=c11 -Wall -Wextra -Werror $san -o "$T/merge2" "$root/examples/merge2.c" \
    -I"$root/include" "$CAPKIT_BUILDDIR/libcapkit.a" \
    $(pkg-config --libs libpcap zlib libzstd) -lpthread -lm; then
    ok
    $GEN "$T/e1.pcap" 700 21 --dups
    $GEN "$T/e2.pcap" 500 22 --dups
    "$CAPKIT" retime --shift 0 "$T/e1.pcap" -o "$T/e3.pcap" # equal times
    for pair in "e1 e2" "e2 e1" "e1 e3" "e1 j"; do
      set -- $pair
      "$T/merge2" "$T/$1.pcap" "$T/$2.pcap" "$T/ex.pcap"
      "$CAPKIT" merge -o "$T/cm.pcap" "$T/$1.pcap" "$T/$2.pcap"
      check "examples/merge2 $1 $2 = capkit merge (byte for byte)" cmp -s "$T/cm.pcap" "$T/ex.pcap"
    done
  else
    not_ok "examples/merge2.c builds on the public API"
  fi
fi

# ---- progress: on stderr only for a terminal (forced here), never else ----
"$CAPKIT" sort "$T/j.pcap" -o "$T/p.pcap" 2>"$T/p.err"
check_eq "no progress when stderr is not a terminal" "" "$(cat "$T/p.err")"
CAPKIT_PROGRESS=always "$CAPKIT" sort "$T/j.pcap" -o "$T/p.pcap" 2>"$T/p.err"
check "a forced progress bar shows percent and rate" grep -q "sort \[.*%.*/s" "$T/p.err"
# filter with its arguments swapped: a usage error that says so
msg=$("$CAPKIT" filter "$CAPKIT_TESTDATA/connection_termination.pcap" tcp -o "$T/sw.pcap" 2>&1)
check_eq "filter FILE EXPR: exit 2" 2 "$?"
check "filter FILE EXPR: the hint names the order" grep -q "the expression comes first" <<<"$msg"
check "filter FILE EXPR: no output" test ! -e "$T/sw.pcap"
finish

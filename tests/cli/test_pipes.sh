# test_pipes.sh - '-' is standard input or output for every command that
# reads or writes captures: each command on a pipe gives what it gives on
# a file (classic pcap, pcapng, gzip and zstd streams), commands chain
# into each other and into the peer tools, damage on a pipe is reported
# like damage in a file.
. "$CAPKIT_TESTLIB"
need tcpdump tshark gzip zstd cmp

SEED=$CAPKIT_TESTDATA/connection_termination.pcap
A=$T/a.pcapng # pcapng, ns times, several sources
B=$T/b.pcap   # classic pcap, out of time order
"$CAPKIT" gen -F pcapng -c 40 -r 100 --start 1714564800.000000001 -o "$A" \
  'eth()/ipv4(src=10.0.0.1-10.0.0.9)/udp(dport=53)/payload(len=80,rand)'
"$CAPKIT" gen -c 600 -r 1000 --jitter 1s --start 1714564800 -o "$B" \
  'eth()/ipv4(src=10.1.0.1+)/tcp(dport=80)/payload(len=120,rand)'
gzip -c "$A" >"$A.gz"
zstd -qc "$B" -o "$B.zst"

# same DESCRIPTION FILE1 FILE2: the two outputs are byte-identical.
same() {
  if cmp -s "$2" "$3"; then ok; else not_ok "$1: outputs differ"; fi
}
# unname FILE NAME: the output with the input's name as a pipe's is named
# ('stdin' in messages, '-' elsewhere).
unname() { sed "s|$2: |stdin: |g; s|$2|-|g" "$1"; }

# ---- reading commands: stdin (plain, gzip, zstd) gives the file's output ----
for f in "$SEED" "$A" "$A.gz" "$B.zst"; do
  n=${f##*/}
  case $f in
  *.gz) feed() { cat "$A.gz"; } ;;
  *.zst) feed() { cat "$B.zst"; } ;;
  *) feed() { cat "$f"; } ;;
  esac
  for args in "info" "info --json" "dump" "dump -x" "verify" "print" \
    "print --json -v" "print -e -x" "stats" "stats --json" "stats --csv tcp" \
    "dump -f udp" "print -f tcp -c 3"; do
    # shellcheck disable=SC2086
    "$CAPKIT" $args "$f" >"$T/file.out" 2>&1
    rf=$?
    # shellcheck disable=SC2086
    feed | "$CAPKIT" $args - >"$T/pipe.out" 2>&1
    rp=$?
    check_eq "$args $n from a pipe: exit" "$rf" "$rp"
    unname "$T/file.out" "$f" >"$T/file.named"
    same "$args $n from a pipe" "$T/file.named" "$T/pipe.out"
  done
done
cat "$SEED" | "$CAPKIT" info - >"$T/i.out"
check "info on a pipe names it '-'" grep -q '^File: *-$' "$T/i.out"
check "info on a pipe counts the records" grep -q '^Packets: *4$' "$T/i.out"

# ---- writing commands: IN '-' and -o '-' give the bytes of the file run ----
# run_both DESCRIPTION INPUT ARGS...: ARGS with IN, OUT placeholders; once
# on files, once stdin to stdout.
run_both() {
  local what=$1 in=$2; shift 2
  local a fargs=() pargs=()
  for a in "$@"; do
    case $a in
    IN) fargs+=("$in") pargs+=(-) ;;
    OUT) fargs+=("$T/f.out") pargs+=(-) ;;
    *) fargs+=("$a") pargs+=("$a") ;;
    esac
  done
  rm -f "$T/f.out"
  "$CAPKIT" "${fargs[@]}" 2>"$T/f.err"
  local rf=$?
  "$CAPKIT" "${pargs[@]}" <"$in" >"$T/p.out" 2>"$T/p.err"
  local rp=$?
  check_eq "$what: exit on files" 0 "$rf"
  check_eq "$what: exit on a pipe" 0 "$rp"
  same "$what: stdin to stdout" "$T/f.out" "$T/p.out"
  check "$what: output not empty" test -s "$T/p.out"
}
for in in "$SEED" "$A" "$B"; do
  n=${in##*/}
  run_both "convert $n" "$in" convert IN -o OUT
  run_both "convert -F pcapng $n" "$in" convert IN -o OUT -F pcapng
  run_both "convert -p ns -b big $n" "$in" convert IN -o OUT -p ns -b big
  run_both "comment $n" "$in" comment IN -o OUT -a 2:two -s section
  run_both "merge $n" "$in" merge -o OUT IN
  run_both "merge -a $n" "$in" merge -a -o OUT IN "$SEED"
  run_both "slice $n" "$in" slice IN -o OUT 2-3
  run_both "slice --last $n" "$in" slice IN -o OUT --last 2
  run_both "filter $n" "$in" filter 'tcp or udp' IN -o OUT
  run_both "dedup $n" "$in" dedup IN -o OUT -w 2
  run_both "sort $n" "$in" sort IN -o OUT
  run_both "retime $n" "$in" retime IN -o OUT --shift 1.5s
  run_both "snap $n" "$in" snap 40 IN -o OUT
done
# sort from a pipe through temporary runs (the input is out of order and
# larger than the memory given)
cat "$B" | "$CAPKIT" sort -v -m 64KiB - -o - 2>"$T/sort.err" >"$T/sorted.pcap"
check "sort of a pipe through temporary files" grep -q "temporary" "$T/sort.err"
"$CAPKIT" sort "$B" -o "$T/sorted.file.pcap"
same "sort of a pipe in small memory" "$T/sorted.file.pcap" "$T/sorted.pcap"
check_exit "the sorted pipe verifies strictly" 0 "$CAPKIT" verify --strict "$T/sorted.pcap"
# split reads a pipe; its outputs are files
cat "$A" | "$CAPKIT" split - --packets 15 -o "$T/sp-%d.pcapng"
"$CAPKIT" split "$A" --packets 15 -o "$T/sf-%d.pcapng"
for i in 0 1 2; do same "split of a pipe, file $i" "$T/sf-$i.pcapng" "$T/sp-$i.pcapng"; done
check "split of a pipe: three files" test ! -e "$T/sp-3.pcapng"
check_exit "split -o - is a usage error" 2 "$CAPKIT" split "$A" --packets 5 -o -
# gen and import write to standard output
"$CAPKIT" gen -c 5 -o "$T/g.pcap" 'eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=10)'
"$CAPKIT" gen -c 5 -o - 'eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=10)' >"$T/g.out"
same "gen -o -" "$T/g.pcap" "$T/g.out"
echo "count=5 eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=10)" |
  "$CAPKIT" gen -f - -o - >"$T/gf.out"
same "gen -f - (spec file on stdin)" "$T/g.pcap" "$T/gf.out"

# ---- chains ----
"$CAPKIT" gen -c 5 -o - 'eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=10)' |
  "$CAPKIT" convert - -o - | "$CAPKIT" print - >"$T/chain.out"
check_eq "gen | convert | print: exit" "0 0 0" "${PIPESTATUS[*]}"
"$CAPKIT" print "$T/g.pcap" >"$T/g.print"
same "gen | convert | print" "$T/g.print" "$T/chain.out"
check_eq "gen | convert | print: five lines" 5 "$(wc -l <"$T/chain.out")"

"$CAPKIT" merge -o - "$A" "$B" | "$CAPKIT" stats --json - >"$T/m.pipe"
"$CAPKIT" stats --json "$A" "$B" >"$T/m.file"
same "merge -o - | stats - counts what stats of both files counts" "$T/m.file" "$T/m.pipe"

"$CAPKIT" merge -o - "$A" "$B" | "$CAPKIT" slice - -o - --first 100 |
  "$CAPKIT" filter udp - -o - | "$CAPKIT" retime - -o - --shift 10s |
  "$CAPKIT" snap 60 - -o - | "$CAPKIT" dump - >"$T/long.out"
# (merge may die of SIGPIPE: slice stops reading after the first 100)
check_eq "merge | slice | filter | retime | snap | dump: exit" "0 0 0 0 0" "${PIPESTATUS[*]:1}"
"$CAPKIT" merge -o "$T/m.pcapng" "$A" "$B"
"$CAPKIT" slice "$T/m.pcapng" -o "$T/m1.pcapng" --first 100
"$CAPKIT" filter udp "$T/m1.pcapng" -o "$T/m2.pcapng"
"$CAPKIT" retime "$T/m2.pcapng" -o "$T/m3.pcapng" --shift 10s
"$CAPKIT" snap 60 "$T/m3.pcapng" -o "$T/m4.pcapng"
"$CAPKIT" dump "$T/m4.pcapng" >"$T/long.file"
same "a long chain of pipes" "$T/long.file" "$T/long.out"

# compressed streams out: --compress on standard output
for c in gzip zstd; do
  "$CAPKIT" merge --compress "$c" -o - "$B" >"$T/c.out"
  case $c in gzip) gzip -dc "$T/c.out" ;; zstd) zstd -qdc "$T/c.out" ;; esac >"$T/c.raw"
  same "merge --compress $c -o -: decompresses to the input" "$B" "$T/c.raw"
  "$CAPKIT" slice --compress "$c" "$A" -o - 1-10 | "$CAPKIT" info - >"$T/c.info"
  check "slice --compress $c -o - | info -: ten records" grep -q '^Packets: *10$' "$T/c.info"
done
"$CAPKIT" convert "$A" -o - | gzip | "$CAPKIT" convert - -o - | zstd -q |
  "$CAPKIT" convert - -o - >"$T/gz.out"
same "pcapng through gzip and zstd pipes" "$A" "$T/gz.out"

# dump -x | import round trip, classic pcap and pcapng with ns times
for f in "$SEED" "$A"; do
  n=${f##*/}
  "$CAPKIT" dump -x "$f" | "$CAPKIT" import - -o - >"$T/rt.pcap"
  check_eq "dump -x $n | import - -o -: exit" "0 0" "${PIPESTATUS[*]}"
  "$CAPKIT" dump -x "$f" | sed 's/ iface 0$//' >"$T/rt.want"
  "$CAPKIT" dump -x "$T/rt.pcap" >"$T/rt.got"
  same "dump -x $n | import: same records, times and bytes" "$T/rt.want" "$T/rt.got"
done
"$CAPKIT" dump -x "$A" | "$CAPKIT" import -F pcapng -p ns -o - | "$CAPKIT" dump -x - >"$T/rt.got"
"$CAPKIT" dump -x "$A" >"$T/rt.want"
same "dump -x | import -F pcapng (stdin without '-') | dump -x -" "$T/rt.want" "$T/rt.got"
xxd "$SEED" | "$CAPKIT" import - -o - >"$T/xxd.out"
same "xxd of a whole file | import - -o -" "$SEED" "$T/xxd.out"

# the peer tools on either end of a pipe
"$CAPKIT" convert "$SEED" -o - | tcpdump -nn -r - 2>/dev/null >"$T/td.pipe"
tcpdump -nn -r "$SEED" 2>/dev/null >"$T/td.file"
same "capkit convert -o - | tcpdump -r -" "$T/td.file" "$T/td.pipe"
tshark -r "$A" -F pcapng -w - 2>/dev/null | "$CAPKIT" dump - >"$T/ts.pipe"
"$CAPKIT" dump "$A" >"$T/ts.file"
same "tshark -w - | capkit dump -" "$T/ts.file" "$T/ts.pipe"
tcpdump -r "$B" -w - 2>/dev/null | "$CAPKIT" stats --json - >"$T/td.stats"
"$CAPKIT" stats --json "$B" >"$T/b.stats"
same "tcpdump -w - | capkit stats -" "$T/b.stats" "$T/td.stats"

# ---- damage and errors on pipes ----
head -c 100 "$SEED" | "$CAPKIT" dump - >"$T/d.out" 2>"$T/d.err"
check_eq "truncated pipe: exit 1" "0 1" "${PIPESTATUS[*]}"
check_eq "truncated pipe: the record before the damage is listed" 1 "$(wc -l <"$T/d.out")"
check "truncated pipe: one line naming stdin, offset and record" \
  grep -q '^capkit dump: stdin: offset 94, record 2: ' "$T/d.err"
check_eq "truncated pipe: one error line" 1 "$(wc -l <"$T/d.err")"
head -c 100 "$SEED" | gzip | "$CAPKIT" convert - -o - >"$T/d.out" 2>"$T/d.err"
check_eq "truncated gzip stream to stdout: exit 1" "0 0 1" "${PIPESTATUS[*]}"
check "truncated gzip stream: error names stdin" grep -q 'stdin: offset 94, record 2' "$T/d.err"
"$CAPKIT" dump - </dev/null >/dev/null 2>"$T/d.err"
check_eq "empty stdin: exit 1" 1 $?
check "empty stdin: not a capture" grep -q 'stdin: offset 0: empty file' "$T/d.err"
check_exit "convert -o - to a full device: exit 3" 3 sh -c '"$1" convert "$2" -o - >/dev/full' - "$CAPKIT" "$SEED"
check_exit "dump to a full device: exit 3" 3 sh -c '"$1" dump "$2" >/dev/full' - "$CAPKIT" "$SEED"

# standard input named twice: the second would be empty
for cmd in info verify print stats; do
  cat "$SEED" | "$CAPKIT" "$cmd" - "$SEED" - >/dev/null 2>"$T/twice.err"
  check_eq "$cmd - FILE -: usage error" 2 $?
  check "$cmd - FILE -: says why" grep -q "standard input ('-') named twice" "$T/twice.err"
done
cat "$SEED" | "$CAPKIT" merge -o "$T/twice.pcap" - "$SEED" - >/dev/null 2>"$T/twice.err"
check_eq "merge - FILE -: usage error" 2 $?
check "merge - FILE -: says why" grep -q "standard input ('-') named twice" "$T/twice.err"
check "merge - FILE -: no output" test ! -e "$T/twice.pcap"

# ---- capture -w - and replay - (in a network namespace of our own) ----
NS=capkit-pipes-$$
if [ "$(id -u)" = 0 ] && ip netns add "$NS" 2>/dev/null; then
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" "$CAPKIT" capture -i lo -w - -c 4 'tcp port 23' \
    2>"$T/cap.err" >"$T/cap.out" &
  cpid=$!
  for _ in $(seq 50); do grep -q listening "$T/cap.err" 2>/dev/null && break; sleep 0.1; done
  cat "$SEED" | ip netns exec "$NS" "$CAPKIT" replay -q -t -i lo - 2>"$T/rep.err"
  check_eq "replay - (stdin): exit" 0 $?
  for _ in $(seq 50); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
  kill "$cpid" 2>/dev/null
  wait "$cpid"
  check_eq "capture -w -: exit" 0 $?
  "$CAPKIT" dump "$T/cap.out" >"$T/cap.dump" 2>&1
  check_eq "capture -w - wrote a readable stream of 4 records" 4 "$(wc -l <"$T/cap.dump")"
  # the frames' bytes (libpcap skips the outgoing copy on lo)
  "$CAPKIT" dump -x "$T/cap.out" | grep -v '^#' >"$T/cap.hex"
  "$CAPKIT" dump -x "$SEED" | grep -v '^#' >"$T/seed.hex"
  same "replay - | capture -w -: the seed's frames" "$T/seed.hex" "$T/cap.hex"
  ip netns del "$NS"
else
  echo "# capture/replay pipes skipped: no network namespace"
fi

finish

# test_info_capinfos.sh - capkit info -T against capinfos -T (the same
# column names, order and values for the columns both have) and the hashes
# of info -H against sha256sum, sha1sum and capinfos -H, over generated
# captures (seeds, precisions, disorder, sizes), pcapng, gzip, empty and
# one-record files.
. "$CAPKIT_TESTLIB"
need capinfos sha256sum sha1sum gzip
GEN="$PY $(dirname "$CAPKIT_TESTLIB")/tools/gen_cut.py"
export TZ=UTC # capinfos writes local times, capkit UTC

files=()
for seed in 1 2 3 4 5 6; do
  n=$(( (seed * 397) % 900 + 1 ))
  opts=""
  [ $((seed % 2)) -eq 0 ] && opts="--ns"
  [ $((seed % 3)) -eq 0 ] && opts="$opts --disorder 20"
  # shellcheck disable=SC2086
  $GEN "$T/g$seed.pcap" "$n" "$seed" $opts
  files+=("$T/g$seed.pcap")
done
"$CAPKIT" convert "$T/g1.pcap" -F pcapng -o "$T/g1.pcapng"
"$CAPKIT" slice "$T/g1.pcap" -r 1 -o "$T/one.pcap"
# the link types capinfos names (ether above)
for lt in RAW LINUX_SLL LINUX_SLL2 NULL LOOP IEEE802_11 IEEE802_11_RADIO IPV4 IPV6; do
  "$CAPKIT" convert "$T/g3.pcap" --linktype $lt -o "$T/lt-$lt.pcap"
  files+=("$T/lt-$lt.pcap")
done
"$CAPKIT" slice "$T/g1.pcap" --first 0 -o "$T/empty.pcap"
gzip -c "$T/g2.pcap" >"$T/g2.pcap.gz"
files+=("$T/g1.pcapng" "$T/one.pcap" "$T/empty.pcap" "$T/g2.pcap.gz"
        "$CAPKIT_TESTDATA/connection_termination.pcap")

# cmp_tables CAPINFOS CAPKIT: every capkit column is a capinfos column; the
# values agree (pcapng's snaplen aside; rates
# within 1e-4 relative: capinfos subtracts two epoch times held as doubles,
# capkit the exact times).
cmp_tables() {
  $PY - "$1" "$2" <<'PYEOF'
import sys
a = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
b = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
bad = []
if len(a) != len(b):
    bad.append("rows %d vs %d" % (len(a), len(b)))
ha, hb = a[0], b[0]
order = [h for h in ha if h in hb]
if order != hb:
    bad.append("columns or order differ: %s" % [h for h in hb if h not in ha])
rates = {"Data byte rate (bytes/sec)", "Data bit rate (bits/sec)",
         "Average packet rate (packets/sec)"}
for ra, rb in zip(a[1:], b[1:]):
    da, db = dict(zip(ha, ra)), dict(zip(hb, rb))
    for h in hb:
        if h.startswith("Packet size limit") and da["File type"] == "pcapng":
            continue
        x, y = da.get(h), db[h]
        if h in rates and x != y:
            try:
                fx, fy = float(x), float(y)
                if abs(fx - fy) <= 1e-4 * max(abs(fx), 1.0):
                    continue
            except ValueError:
                pass
        if x != y:
            bad.append("%s: %s: capinfos [%s] capkit [%s]" % (da["File name"], h, x, y))
for m in bad:
    print(m)
sys.exit(1 if bad else 0)
PYEOF
}

capinfos -T "${files[@]}" >"$T/ci.tsv" 2>"$T/ci.err"
"$CAPKIT" info -T "${files[@]}" >"$T/ck.tsv"
check_eq "info -T exit status" 0 $?
check "info -T = capinfos -T on the columns both have" cmp_tables "$T/ci.tsv" "$T/ck.tsv"
check_eq "info -T: one header and one line per file" $((${#files[@]} + 1)) "$(wc -l <"$T/ck.tsv")"

# capinfos' letters choose the same columns, in capinfos' order
for sel in "-c -d" "-H" "-u -a -e" "-x -z -y -i" "-t -l -s -o" "-k -F"; do
  # shellcheck disable=SC2086
  capinfos -T $sel "${files[@]}" >"$T/ci.tsv" 2>/dev/null
  # shellcheck disable=SC2086
  "$CAPKIT" info -T $sel "${files[@]}" >"$T/ck.tsv"
  check "info -T $sel = capinfos -T $sel" cmp_tables "$T/ci.tsv" "$T/ck.tsv"
done
# layout options: commas, no header, quotes, times as seconds
capinfos -T -r -m -Q -c -a -S "$T/g3.pcap" >"$T/ci.csv"
"$CAPKIT" info -T -r -m -Q -c -a -S "$T/g3.pcap" >"$T/ck.csv"
check "info -T -r -m -Q -c -a -S = capinfos" cmp -s "$T/ci.csv" "$T/ck.csv"

# hashes: sha256sum, sha1sum, capinfos -H, in text, JSON and table form
for f in "${files[@]}"; do
  s256=$(sha256sum <"$f" | cut -d' ' -f1)
  s1=$(sha1sum <"$f" | cut -d' ' -f1)
  out=$("$CAPKIT" info -H "$f")
  check_eq "info -H SHA256 = sha256sum ($(basename "$f"))" "$s256" \
    "$(sed -n 's/^SHA256: *//p' <<<"$out")"
  check_eq "info -H SHA1 = sha1sum ($(basename "$f"))" "$s1" \
    "$(sed -n 's/^SHA1: *//p' <<<"$out")"
  ci=$(capinfos -H "$f" | sed -n 's/^SHA256: *//p')
  check_eq "info -H SHA256 = capinfos -H ($(basename "$f"))" "$ci" "$s256"
  j=$("$CAPKIT" info --json -H "$f")
  check_eq "info --json -H sha256" "$s256" \
    "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["sha256"])' "$j")"
  check_eq "info --json -H sha1" "$s1" \
    "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["sha1"])' "$j")"
done
# a file larger than the thread's read size, with random content lengths
$PY -c 'import random,sys; r=random.Random(11); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(3000000)))' >"$T/junk.bin"
cat "$T/g4.pcap" "$T/junk.bin" >"$T/tail.pcap"
"$CAPKIT" info -H "$T/tail.pcap" >"$T/tail.out" 2>"$T/tail.err"
check_eq "hashes cover the whole file, past the damage" \
  "$(sha256sum <"$T/tail.pcap" | cut -d' ' -f1)" "$(sed -n 's/^SHA256: *//p' "$T/tail.out")"

# refusals
check_exit "info -H of standard input is a usage error" 2 "$CAPKIT" info -H - <"$T/g1.pcap"
# a named pipe cannot be read twice: counted, hashes refused, no hang
if mkfifo "$T/fifo" 2>/dev/null; then
  cat "$T/g1.pcap" >"$T/fifo" &
  timeout 20 "$CAPKIT" info -H "$T/fifo" >"$T/fifo.out" 2>"$T/fifo.err"
  check_eq "info -H of a named pipe: I/O error status" 3 $?
  check "info -H of a named pipe: counted anyway" grep -q '^Packets: ' "$T/fifo.out"
  check "info -H of a named pipe: says why" grep -q 'not a regular file' "$T/fifo.err"
  wait
fi
check_exit "column letters need -T" 2 "$CAPKIT" info -c "$T/g1.pcap"
check_exit "-T with --json is a usage error" 2 "$CAPKIT" info -T --json "$T/g1.pcap"
finish

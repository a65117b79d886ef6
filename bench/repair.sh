#!/usr/bin/env bash
# repair.sh - capkit repair against pcapfix in one run, on the same damaged
# input: a capture of SIZE (default 200M) from the shared generator with 256
# garbage bytes inserted in its middle, repaired by capkit and by pcapfix;
# capkit convert of the undamaged file and cp as the floors; then repair of
# a file twice the size, for memory that does not grow with the file, of
# the damaged file gzip-compressed, and of the undamaged file with every
# 0d 0a written as 0a (FTP ASCII mode the reverse way: the lost 0d bytes are
# placed record by record). Wall time and peak RSS
# from /usr/bin/time -v (best and median of RUNS interleaved runs, default 1; the
# machine may be shared). Each run starts after a sync, with no dirty pages.
#
# Inputs come from ../shared/bench/gen_corpus.c seen from the repository
# root (CAPKIT_BENCH_SHARED overrides the directory). CAPKIT names the
# binary.
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
SIZE=${SIZE:-200M}
RUNS=${RUNS:-1}
for t in pcapfix /usr/bin/time /usr/bin/python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done
[ -f "$shared/gen_corpus.c" ] || { echo "no $shared/gen_corpus.c" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/a.pcap"
# 256 garbage bytes inserted in the middle of the file (inside a record,
# so that the walk must resynchronise), and the same in a file of twice
# the size (a.pcap followed by its records again).
/usr/bin/python3 -c 'import random, sys; r = random.Random(1); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(256)))' >"$tmp/garbage"
damage() {
  local n half
  n=$(stat -c %s "$1")
  half=$((n / 2))
  head -c "$half" "$1" >"$2"
  cat "$tmp/garbage" >>"$2"
  tail -c +$((half + 1)) "$1" >>"$2"
}
damage "$tmp/a.pcap" "$tmp/bad.pcap"
cp "$tmp/a.pcap" "$tmp/a2.pcap"
tail -c +25 "$tmp/a.pcap" >>"$tmp/a2.pcap"
damage "$tmp/a2.pcap" "$tmp/bad2.pcap"
rm -f "$tmp/a2.pcap"
gzip -1 -c "$tmp/bad.pcap" >"$tmp/bad.pcap.gz"
/usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d.replace(b"\r\n", b"\n"))' \
  "$tmp/a.pcap" "$tmp/lf.pcap"
ls -l "$tmp"/*.pcap | awk '{print $5, $NF}'
sync

. "$root/bench/best.sh"
# Every command once per round, RUNS rounds (interleaved, so that a change
# in the machine's load touches all of them alike): the best and the median
# wall time of each, peak RSS of the best.
names=()
cmds=()
add() {
  names+=("$1")
  shift
  cmds+=("$(printf '%q ' "$@")")
}
add "cp bad.pcap (floor)" cp "$tmp/bad.pcap" "$tmp/out.pcap"
add "capkit convert a.pcap (undamaged)" "$CAPKIT" convert "$tmp/a.pcap" -o "$tmp/out.pcap"
add "capkit repair bad.pcap" "$CAPKIT" repair -q "$tmp/bad.pcap" -o "$tmp/out.pcap"
add "pcapfix bad.pcap" pcapfix -o "$tmp/out.pcap" "$tmp/bad.pcap"
add "capkit repair bad2.pcap (twice the size)" "$CAPKIT" repair -q "$tmp/bad2.pcap" -o "$tmp/out.pcap"
add "capkit repair a.pcap (undamaged)" "$CAPKIT" repair -q "$tmp/a.pcap" -o "$tmp/out.pcap"
add "capkit repair bad.pcap.gz (gzip input)" "$CAPKIT" repair -q "$tmp/bad.pcap.gz" -o "$tmp/out.pcap"
add "capkit repair lf.pcap (0d 0a written as 0a)" "$CAPKIT" repair -q "$tmp/lf.pcap" -o "$tmp/out.pcap"
for ((i = 0; i < RUNS; i++)); do
  for k in "${!names[@]}"; do
    eval "RUNS=1 best_run \"\${names[k]}#\$i\" 1 ${cmds[k]}" >/dev/null
  done
done
for name in "${names[@]}"; do
  printf '%s\n' "${results[@]}" | awk -F'|' -v n="$name" '
    index($1, n "#") == 1 && $1 !~ /#.*#/ { w[k++] = $2; r[$2] = $3 }
    END {
      for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
      m = k % 2 ? w[(k - 1) / 2] : (w[k / 2 - 1] + w[k / 2]) / 2
      printf "%-44s %7.3f s (median %.3f s) %8.1f MiB\n", n, w[0], m, r[w[0]] / 1024
      printf "%s|%s|%s|%s\n", n, w[0], r[w[0]], m > "/dev/stderr"
    }' 2>"$tmp/res"
  results+=("$(cat "$tmp/res")")
done

median_of() { printf '%s\n' "${results[@]}" | awk -F'|' -v n="$1" '$1 == n {print $4}'; }
awk -v f="$(best_of 'pcapfix bad.pcap')" -v c="$(best_of 'capkit repair bad.pcap')" \
    -v fm="$(median_of 'pcapfix bad.pcap')" -v cm="$(median_of 'capkit repair bad.pcap')" \
    -v v="$(best_of 'capkit convert a.pcap (undamaged)')" 'BEGIN {
  printf "pcapfix / capkit repair: %.1fx best, %.1fx median (target >= 5x)\n",
    f / (c > 0 ? c : 0.001), fm / (cm > 0 ? cm : 0.001)
  printf "capkit repair / capkit convert: %.2fx (target <= 2x)\n", c / (v > 0 ? v : 0.001)
}'

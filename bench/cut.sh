#!/usr/bin/env bash
# cut.sh - the cutting commands against their peers in one run, on the same
# inputs: merge vs mergecap, slice vs editcap -r, dedup vs editcap -D,
# sort vs reordercap (in order, and two files appended: the external
# sort), filter vs tcpdump -r -w, 500 inputs merged at once, a compressed
# merge, and cp of the same bytes as the floor. Wall time and peak RSS come from /usr/bin/time -v
# (one run each: the machine may be shared; repeat with RUNS=3 for the
# best of three). Each run starts after a sync, with no dirty pages.
#
# Inputs: two interleaving captures of SIZE each (default 100M) from the
# shared generator, ../shared/bench/gen_corpus.c seen from the repository
# root (CAPKIT_BENCH_SHARED overrides the directory). CAPKIT names the
# binary.
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
SIZE=${SIZE:-100M}
RUNS=${RUNS:-1}
for t in mergecap editcap reordercap tcpdump /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done
[ -f "$shared/gen_corpus.c" ] || { echo "no $shared/gen_corpus.c" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/a.pcap" "$tmp/b.pcap"
n=$("$CAPKIT" info "$tmp/a.pcap" | sed -n 's/^Packets: *//p')
cat "$tmp/b.pcap" >"$tmp/ba.pcap"
tail -c +25 "$tmp/a.pcap" >>"$tmp/ba.pcap" # b then a: disorder everywhere
ls -l "$tmp"/*.pcap | awk '{print $5, $NF}'
# The inputs just written would otherwise go to disk during the first
# measurements (the kernel's write-back starts after 30 s), slowing
# whichever tools run then; every run below starts with nothing dirty.
sync

# run NAME CMD...: best wall time and its peak RSS over RUNS runs.
. "$root/bench/best.sh"
run() { best_run "$1" 0 "${@:2}"; }

run "cp a.pcap (floor for a plain copy)" cp "$tmp/a.pcap" "$tmp/out.pcap"
run "capkit merge a b" "$CAPKIT" merge -o "$tmp/out.pcap" "$tmp/a.pcap" "$tmp/b.pcap"
run "mergecap -F pcap a b" mergecap -F pcap -w "$tmp/out.pcap" "$tmp/a.pcap" "$tmp/b.pcap"
run "capkit slice 1-100000,$((n / 2))-" "$CAPKIT" slice "$tmp/a.pcap" -o "$tmp/out.pcap" 1-100000,$((n / 2))-
run "editcap -r 1-100000 $((n / 2))-$n" editcap -F pcap -r "$tmp/a.pcap" "$tmp/out.pcap" 1-100000 $((n / 2))-"$n"
run "capkit dedup (window 4)" "$CAPKIT" dedup "$tmp/a.pcap" -o "$tmp/out.pcap"
run "editcap -D 5" editcap -F pcap -D 5 "$tmp/a.pcap" "$tmp/out.pcap"
run "capkit sort (in order: one pass)" "$CAPKIT" sort "$tmp/a.pcap" -o "$tmp/out.pcap"
run "reordercap (in order)" reordercap "$tmp/a.pcap" "$tmp/out.pcap"
run "capkit sort b+a (external, 16 MiB)" "$CAPKIT" sort -T "$tmp" "$tmp/ba.pcap" -o "$tmp/out.pcap"
run "reordercap b+a" reordercap "$tmp/ba.pcap" "$tmp/out.pcap"
run "capkit filter 'udp'" "$CAPKIT" filter udp "$tmp/a.pcap" -o "$tmp/out.pcap"
run "tcpdump -r -w 'udp'" tcpdump -r "$tmp/a.pcap" -w "$tmp/out.pcap" udp
mkdir "$tmp/parts"
"$CAPKIT" split "$tmp/a.pcap" --packets $(((n + 499) / 500)) -o "$tmp/parts/p-%03d.pcap"
run "capkit merge of 500 inputs" "$CAPKIT" merge -o "$tmp/out.pcap" "$tmp/parts"/*.pcap
run "mergecap of 500 inputs" mergecap -F pcap -w "$tmp/out.pcap" "$tmp/parts"/*.pcap
run "capkit merge a b -> .zst" "$CAPKIT" merge -o "$tmp/out.pcap.zst" "$tmp/a.pcap" "$tmp/b.pcap"

echo
echo "ratios (peer time / capkit time):"
pair() {
  local a b
  a=$(best_of "$1")
  b=$(best_of "$2")
  awk -v a="$a" -v b="$b" -v n="$1" 'BEGIN{printf "  %-40s %6.1fx\n", n, (a > 0 ? b / a : 0)}'
}
pair "capkit merge a b" "mergecap -F pcap a b"
pair "capkit slice 1-100000,$((n / 2))-" "editcap -r 1-100000 $((n / 2))-$n"
pair "capkit dedup (window 4)" "editcap -D 5"
pair "capkit sort (in order: one pass)" "reordercap (in order)"
pair "capkit sort b+a (external, 16 MiB)" "reordercap b+a"
pair "capkit filter 'udp'" "tcpdump -r -w 'udp'"
pair "capkit merge of 500 inputs" "mergecap of 500 inputs"

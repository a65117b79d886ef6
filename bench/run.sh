#!/usr/bin/env bash
# Core benchmark: reading, summarizing and copying a ~1 GiB classic pcap,
# against libpcap, capinfos, editcap and the practical read limit (an mmap
# walk), all in one run on the same file; median of 5 runs each (hyperfine),
# and peak RSS of each capkit command. Run by hand: bash bench/run.sh
#   SIZE=1G      corpus size (gen_corpus -b)
#   BIG=1        also check a file over 4 GiB (generates ~4.5 GB)
#   OUT=dir      where the corpus and outputs go (default bench/out)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref="$root/../shared/bench"
capkit="$root/build/capkit"
out=${OUT:-$root/bench/out}
size=${SIZE:-1G}
mkdir -p "$out"
[ -x "$capkit" ] || { echo "build first: make" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
for p in gen_corpus mmap_walk; do
  [ "$out/$p" -nt "$ref/$p.c" ] || cc -O2 -o "$out/$p" "$ref/$p.c"
done
[ "$out/libpcap_count" -nt "$ref/libpcap_count.c" ] ||
  cc -O2 -o "$out/libpcap_count" "$ref/libpcap_count.c" -lpcap
f="$out/corpus-$size.pcap"
[ -f "$f" ] || "$out/gen_corpus" -b "$size" "$f"
ls -l "$f"
"$capkit" info "$f" | sed -n '/Packets/p;/Captured bytes/p'

# warm the page cache, as the reference figures were taken warm
cat "$f" > /dev/null
# outputs are removed before each run, so no run pays for replacing a file
hyperfine -N --warmup 1 --runs 5 --export-json "$out/core.json" \
  --prepare "rm -f $out/copy.pcap $out/editcap.pcap $out/cp.pcap" \
  -n mmap_walk "$out/mmap_walk $f" \
  -n libpcap_loop "$out/libpcap_count $f" \
  -n capkit_info "$capkit info $f" \
  -n capkit_verify "$capkit verify -q $f" \
  -n capinfos_nohash "capinfos -tEcsdluaeoyizxk $f" \
  -n capinfos_default "capinfos $f" \
  -n capkit_convert "$capkit convert $f -o $out/copy.pcap" \
  -n editcap_copy "editcap -F pcap $f $out/editcap.pcap" \
  -n cp "cp $f $out/cp.pcap" > "$out/core.txt" 2>&1 || { cat "$out/core.txt"; exit 1; }
# (each run's --prepare removes every output, so copy once more to compare)
"$capkit" convert "$f" -o "$out/copy.pcap"
cmp "$f" "$out/copy.pcap" && echo "convert copy is byte-identical"

/usr/bin/python3 - "$out/core.json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
med = {k: v["median"] for k, v in res.items()}
print(f"{'command':18} {'median s':>9}")
for k, v in med.items():
    print(f"{k:18} {v:9.3f}")
def ratio(a, b): return med[b] / med[a]
print()
print(f"capkit info vs mmap walk: {med['mmap_walk']/med['capkit_info']*100:.0f}% of the walk's throughput (target >= 80%)")
print(f"capkit info vs libpcap loop: {ratio('capkit_info','libpcap_loop'):.1f}x faster (target >= 3x)")
print(f"capkit info vs capinfos (no hashes): {ratio('capkit_info','capinfos_nohash'):.1f}x faster (target >= 10x)")
print(f"capkit info vs capinfos (default): {ratio('capkit_info','capinfos_default'):.1f}x faster")
print(f"capkit convert vs editcap: {ratio('capkit_convert','editcap_copy'):.1f}x faster (target >= 5x)")
print(f"capkit convert vs cp: {med['cp']/med['capkit_convert']*100:.0f}% of cp's speed")
PY

echo
echo "peak RSS (KiB):"
for c in "info $f" "verify -q $f" "dump $f" "convert $f -o $out/copy.pcap" "dump -x $f"; do
  rss=$( { /usr/bin/time -f %M "$capkit" $c > /dev/null; } 2>&1 | tail -1)
  echo "  capkit ${c%% /*}: $rss"
done
rm -f "$out/copy.pcap" "$out/editcap.pcap" "$out/cp.pcap"

if [ "${BIG:-0}" = 1 ]; then
  big="$out/big.pcap"
  [ -f "$big" ] || "$out/gen_corpus" -b 4500M "$big"
  ls -l "$big"
  /usr/bin/time -f "info: %e s, %M KiB" "$capkit" info "$big" | sed -n '/Packets/p'
  "$out/mmap_walk" "$big"
  /usr/bin/time -f "convert: %e s, %M KiB" "$capkit" convert "$big" -o "$out/big-copy.pcap"
  cmp "$big" "$out/big-copy.pcap" && echo "over-4-GiB copy is byte-identical"
  rm -f "$out/big-copy.pcap"
fi

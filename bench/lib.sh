# lib.sh - what the hand-run benchmarks share: the corpus from the
# reference generator, and a median timer. Source it after setting SIZE's
# default in DEFAULT_SIZE; it sets root, capkit, out and f (the corpus).
#   SIZE=...     corpus size (gen_corpus -b)
#   OUT=dir      where the corpus and outputs go (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ref=${REF:-$root/../shared/bench}
capkit="$root/build/capkit"
out=${OUT:-$root/bench/out}
size=${SIZE:-$DEFAULT_SIZE}
mkdir -p "$out"
[ -x "$capkit" ] || { echo "build first: make" >&2; exit 2; }
[ "$out/gen_corpus" -nt "$ref/gen_corpus.c" ] ||
  cc -O2 -o "$out/gen_corpus" "$ref/gen_corpus.c"
f="$out/corpus-$size.pcap"
[ -f "$f" ] || "$out/gen_corpus" -b "$size" "$f"
ls -l "$f"
cat "$f" >/dev/null # a warm page cache, as the reference figures

# median RUNS NAME COMMAND...: elapsed seconds and peak RSS of the median
# of RUNS timed runs; the function BEFORE_RUN, if defined, runs first each
# time (to remove outputs).
median() {
  local runs=$1 name=$2 i
  shift 2
  for i in $(seq "$runs"); do
    declare -F before_run >/dev/null && before_run
    /usr/bin/time -o "$out/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    tail -1 "$out/time.txt"
  done | sort -n | sed -n "$(((runs + 1) / 2))p" | {
    read -r secs rss
    printf "%-22s median %7.2f s  peak RSS %s KiB\n" "$name" "$secs" "$rss"
  }
}

# cpu NAME COMMAND...: the median user+sys CPU seconds of RUNS runs
# ($runs, default 5; all threads), steadier than elapsed time on a busy
# machine; BEFORE_RUN, if defined, runs first each time.
cpu() {
  local name=$1
  shift
  for _ in $(seq "${runs:-5}"); do
    declare -F before_run >/dev/null && before_run
    /usr/bin/time -o "$out/cpu.txt" -f "%U %S" "$@" >/dev/null 2>&1
    awk '{ print $1 + $2 }' "$out/cpu.txt"
  done | sort -n | sed -n "$(((${runs:-5} + 1) / 2))p" | {
    read -r secs
    printf "%-22s median %7.2f s user+sys CPU\n" "$name" "$secs"
  }
}

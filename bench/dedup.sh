#!/usr/bin/env bash
# Duplicate removal against another build, same run, same file: capkit
# dedup by count (the default window) and by time (-t 1), the kept records
# written while the input is read (the output thread). Median wall time of
# RUNS runs (default 5), the two builds alternating so both see the same
# machine load, and the CPU time (user + system) of each median run.
#   bash bench/dedup.sh BASE_CAPKIT NEW_CAPKIT CORPUS [OUTDIR]
# Run by hand; make the corpus with gen_corpus (e.g. -b 1G).
set -euo pipefail
base=$1 new=$2 f=$3 out=${4:-${TMPDIR:-/tmp}}
runs=${RUNS:-5}
cat "$f" >/dev/null # warm the page cache
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
for job in count time; do
  for who in base new; do : >"$out/bench-$who-$job"; done
  for ((i = 0; i < runs; i++)); do
    for who in base new; do
      bin=$base
      [ "$who" = new ] && bin=$new
      o="$out/bench-out.$who.pcap"
      rm -f "$o"
      case $job in
      count) set -- "$bin" dedup "$f" -o "$o" ;;
      time) set -- "$bin" dedup -t 1 "$f" -o "$o" ;;
      esac
      /usr/bin/time -o "$out/bench-time" -f "%e %U %S" "$@" >/dev/null
      awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$out/bench-time" \
        >>"$out/bench-$who-$job"
      rm -f "$o"
    done
  done
  read -r bw bc < <(median <"$out/bench-base-$job")
  read -r nw nc < <(median <"$out/bench-new-$job")
  printf '%-6s base %5.2f s (cpu %5.2f s)   new %5.2f s (cpu %5.2f s)   (median of %d)\n' \
    "$job" "$bw" "$bc" "$nw" "$nc" "$runs"
  rm -f "$out/bench-base-$job" "$out/bench-new-$job" "$out/bench-time"
done

#!/usr/bin/env bash
# Reading and writing paths against another build, same run, same file:
# capkit info, an unchanged convert (header bytes kept) and a convert to pcapng
# (every record rewritten through the sink). Median wall time of RUNS runs,
# the two builds alternating so both see the same machine load.
#   bash bench/io.sh BASE_CAPKIT NEW_CAPKIT CORPUS [OUTDIR]
# Run by hand; make the corpus with gen_corpus (e.g. -b 1G).
set -euo pipefail
base=$1 new=$2 f=$3 out=${4:-${TMPDIR:-/tmp}}
runs=${RUNS:-5}
cat "$f" >/dev/null # warm the page cache
t() { # command... -> seconds
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for job in info convert convert-ng; do
  for who in base new; do : >"$out/bench-$who-$job"; done
  for ((i = 0; i < runs; i++)); do
    for who in base new; do
      bin=$base
      [ "$who" = new ] && bin=$new
      o="$out/bench-out.$who"
      rm -f "$o"
      case $job in
      info) t "$bin" info "$f" ;;
      convert) t "$bin" convert "$f" -o "$o" ;;
      convert-ng) t "$bin" convert "$f" -F pcapng -o "$o" ;;
      esac >>"$out/bench-$who-$job"
      rm -f "$o"
    done
  done
  printf '%-11s base %6.3f s   new %6.3f s   (median of %d)\n' "$job" \
    "$(median <"$out/bench-base-$job")" "$(median <"$out/bench-new-$job")" "$runs"
  rm -f "$out/bench-base-$job" "$out/bench-new-$job"
done

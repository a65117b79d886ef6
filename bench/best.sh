# best.sh - the best-of timer of the benchmarks that compare capkit with
# a peer on files of their own ($tmp): source it, then
#   best_run NAME MAXRC COMMAND...
# runs COMMAND RUNS times (removing $tmp/out* and syncing first), fails the
# benchmark if it exits above MAXRC (repair exits 1 when it repaired
# something), prints the fastest wall time (to the millisecond, with the
# start of /usr/bin/time in it) and its peak RSS, and appends
# "NAME|seconds|KiB" to the array results; best_of NAME prints the seconds.
results=()
best_run() {
  local name=$1 maxrc=$2 best="" rss="" i w m rc
  shift 2
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$tmp"/out*
    sync
    rc=0
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$tmp/tv" "$@" >/dev/null 2>"$tmp/err" || rc=$?
    t1=$(date +%s%N)
    if [ "$rc" -gt "$maxrc" ]; then echo "$name failed:" >&2; cat "$tmp/err" >&2; exit 1; fi
    # wall time to the millisecond (time -v gives hundredths)
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
    m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/tv")
    if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a < b)}'; then
      best=$w rss=$m
    fi
  done
  results+=("$name|$best|$rss")
  printf '%-44s %7.3f s %8.1f MiB\n' "$name" "$best" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
}
best_of() {
  printf '%s\n' "${results[@]}" | awk -F'|' -v n="$1" '$1 == n {print $2}'
}

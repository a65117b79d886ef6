#!/usr/bin/env bash
# time.sh - the commands that do time arithmetic per record (retime --shift,
# --scale, --rate; slice --from/--to and --last; gen with and without
# jitter) against editcap where it does the same (-t, -A/-B), and against
# another capkit build (BASE=path, e.g. a build of an earlier commit) on the
# same input in the same run. Median user and wall time of RUNS runs (default
# 5), and peak RSS, from /usr/bin/time. Run by hand: bash bench/time.sh
#   SIZE=200M   corpus size (../shared/bench/gen_corpus.c from the root;
#               CAPKIT_BENCH_SHARED overrides the directory)
#   CAPKIT      the build measured (default build/capkit)
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
BASE=${BASE:-}
SIZE=${SIZE:-200M}
RUNS=${RUNS:-5}
command -v editcap >/dev/null && [ -x /usr/bin/time ] ||
  { echo "editcap and /usr/bin/time are needed" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/a.pcap" >/dev/null
f=$tmp/a.pcap
first=$("$CAPKIT" info --json "$f" | sed 's/.*"first_time":"\([^"]*\)".*/\1/')
from=$("$CAPKIT" info --json "$f" | /usr/bin/python3 -c '
import json, sys, datetime
j = json.load(sys.stdin)
t = datetime.datetime.fromisoformat(j["first_time"][:26])
for k in (2, 8):
    print((t + datetime.timedelta(seconds=k)).isoformat() + "Z")')
lo=$(sed -n 1p <<<"$from"); hi=$(sed -n 2p <<<"$from")
ls -l "$f" | awk '{print $5, "bytes,", "first record", "'"$first"'"}'
cat "$f" >/dev/null
sync

# run NAME CMD...: median user s, wall s and peak RSS of RUNS runs.
run() {
  local name=$1 i
  shift
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$tmp/o.pcap"
    /usr/bin/time -o "$tmp/t" -f "%U %e %M" "$@" >/dev/null 2>&1
    cat "$tmp/t"
  done | sort -n -k2 | sed -n "$(((RUNS + 1) / 2))p" |
    awk -v n="$name" '{printf "%-34s user %5.2f s  wall %5.2f s  %7d KiB\n", n, $1, $2, $3}'
}
both() { # both NAME ARGS...: the build measured, then BASE if given
  local name=$1
  shift
  run "capkit $name" "$CAPKIT" "$@"
  [ -z "$BASE" ] || run "base   $name" "$BASE" "$@"
}
both "retime --shift 1.5s" retime --shift 1.5s "$f" -o "$tmp/o.pcap"
run "editcap -t 1.5" editcap -F pcap -t 1.5 "$f" "$tmp/o.pcap"
both "retime --scale 0.5" retime --scale 0.5 "$f" -o "$tmp/o.pcap"
both "retime --rate 1000" retime --rate 1000 "$f" -o "$tmp/o.pcap"
both "slice --from +2s --to +8s" slice "$f" -o "$tmp/o.pcap" --from "$lo" --to "$hi"
run "editcap -A -B" editcap -F pcap -A "$lo" -B "$hi" "$f" "$tmp/o.pcap"
both "slice --last 500000" slice "$f" -o "$tmp/o.pcap" --last 500000
both "gen -c 2M" gen -c 2M -r 1M -o "$tmp/o.pcap" 'eth()/ipv4()/udp()'
both "gen -c 2M --jitter 1us" gen -c 2M -r 1M --jitter 1us -o "$tmp/o.pcap" 'eth()/ipv4()/udp()'

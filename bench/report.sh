#!/usr/bin/env bash
# report.sh - capkit report against capkit stats (the same engine; with
# --eth too, since the page has the Ethernet tables) on a ~1 GiB capture
# of the shared generator: median wall time of RUNS runs, its peak RSS,
# and the size of the page. Targets: report within 1.5x of stats, RSS
# under 64 MiB, page under 2 MiB. Run by hand:
#   bash bench/report.sh
#   SIZE=1G      corpus size (gen_corpus -b)
#   RUNS=5       runs per command
#   OUT=dir      where the corpus and outputs go (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
set -euo pipefail
DEFAULT_SIZE=1G
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
median "$RUNS" stats "$capkit" stats "$f" | tee "$out/stats.med"
median "$RUNS" "stats --eth" "$capkit" stats --eth "$f" | tee "$out/eth.med"
median "$RUNS" report "$capkit" report "$f" -o "$out/report.html" | tee "$out/report.med"
awk '{ t[FILENAME] = $(NF - 5); m[FILENAME] = $(NF - 1) }
  END {
    s = t[ARGV[1]]; e = t[ARGV[2]]; r = t[ARGV[3]]
    printf "report / stats: %.2fx, / stats --eth: %.2fx (target <= 1.5x)\n", (s > 0 ? r / s : 0), (e > 0 ? r / e : 0)
    printf "report peak RSS: %.1f MiB (target < 64 MiB)\n", m[ARGV[3]] / 1024
  }' "$out/stats.med" "$out/eth.med" "$out/report.med"
h=$(stat -c %s "$out/report.html")
awk -v h="$h" 'BEGIN { printf "page: %d bytes, %.2f MiB (target < 2 MiB)\n", h, h / 1048576 }'

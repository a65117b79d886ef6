#!/usr/bin/env bash
# info.sh - capkit info with hashes (-H: SHA-256 and SHA-1) against
# sha256sum and sha1sum of the same ~1 GiB capture (the shared generator),
# and capkit info without hashes, this build and BASE (if given), in one
# run: median wall time of RUNS runs and peak RSS. Target: info -H within
# 1.3x of sha256sum. Run by hand:
#   SIZE=1G RUNS=5 [BASE=path/to/old/capkit] OUT=/tmp/dir bash bench/info.sh
DEFAULT_SIZE=1G
RUNS=${RUNS:-5}
set -euo pipefail
. "$(dirname "$0")/lib.sh"
median "$RUNS" "sha256sum" sha256sum "$f"
median "$RUNS" "sha1sum" sha1sum "$f"
median "$RUNS" "capkit info -H" "$capkit" info -H "$f"
median "$RUNS" "capkit info -T" "$capkit" info -T "$f"
median "$RUNS" "capkit info" "$capkit" info "$f"
if [ -n "${BASE:-}" ]; then
  median "$RUNS" "base info" "$BASE" info "$f"
fi

#!/bin/bash
# update_decode_golden.sh - rewrite tests/data/decode/expected/*.out from the
# current capkit build, one file per TESTLIST line. Review the diff after.
# usage: tests/tools/update_decode_golden.sh [CAPKIT]
set -eu
here=$(cd "$(dirname "$0")/../data/decode" && pwd)
capkit=${1:-$(dirname "$0")/../../build/capkit}
capkit=$(cd "$(dirname "$capkit")" && pwd)/$(basename "$capkit")
mkdir -p "$here/expected"
cd "$here"
while read -r name input opts; do
  case $name in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086
  "$capkit" print $opts $input > "expected/$name.out" || true
done < TESTLIST

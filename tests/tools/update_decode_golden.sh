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
  # SLL2 lines start with the interface's name on the machine that prints
  # them (as in tcpdump): stored as IFNAME
  "$capkit" print $opts $input | sed -E 's/^([0-9:.]+) [^ ]+ +(In|Out|B|M|P|\?) +/\1 IFNAME \2 /' > "expected/$name.out" || true
done < TESTLIST

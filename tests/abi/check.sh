#!/usr/bin/env bash
# check.sh - the public ABI of a built libcapkit.so against the stored
# baseline tests/abi/libcapkit.abi (abidw's description of the exported
# functions and the types reachable from include/capkit/). Fails when they
# differ in any way, additions included: the baseline is updated on
# purpose (make abi-update), in the same commit as the change, after
# checking the change against the soname policy in README ("Versions and
# ABI"). Needs abigail-tools (abidw, abidiff).
#   bash tests/abi/check.sh [BUILD_DIR]            compare
#   bash tests/abi/check.sh [BUILD_DIR] --update   rewrite the baseline
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
lib=$build/libcapkit.so
base=$root/tests/abi/libcapkit.abi
hdrs=$root/include/capkit
for t in abidw abidiff; do
  command -v "$t" >/dev/null || {
    echo "abi: $t not found (install abigail-tools)" >&2
    exit 2
  }
done
[ -f "$lib" ] || { echo "abi: $lib not built" >&2; exit 2; }

# No paths of the machine that built it: the file is stored in the tree.
describe() {
  abidw --headers-dir "$hdrs" --drop-private-types --no-corpus-path \
    --no-comp-dir-path --no-show-locs "$lib" |
    sed "s|path='$root/|path='|g; s|path='$build/|path='build/|g"
}

if [ "${2:-}" = --update ]; then
  describe >"$base.tmp"
  mv "$base.tmp" "$base"
  echo "abi: baseline written: tests/abi/libcapkit.abi"
  exit 0
fi
[ -f "$base" ] || { echo "abi: no baseline; run make abi-update" >&2; exit 2; }
cur=$(mktemp "${TMPDIR:-/tmp}/capkit-abi-XXXXXX")
trap 'rm -f "$cur"' EXIT
describe >"$cur"
rc=0
abidiff --drop-private-types "$base" "$cur" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "abi: the ABI of $lib differs from tests/abi/libcapkit.abi" >&2
  echo "abi: (abidiff status $rc; 4: changed, 8: incompatible)." >&2
  echo "abi: if intended, follow the soname policy and run make abi-update" >&2
  exit 1
fi
echo "abi: libcapkit.so matches the baseline"

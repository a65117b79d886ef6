# lib.sh - shared helpers for the shell tests (tests/cli, tests/interop).
# Source it first: . "$CAPKIT_TESTLIB". It gives a scratch directory $T,
# checks that count passes and failures, and a closing summary line.
set -u
: "${CAPKIT:?CAPKIT must name the built capkit binary}"
: "${CAPKIT_TESTDATA:?CAPKIT_TESTDATA must name tests/data}"
T=$(mktemp -d "${TMPDIR:-/tmp}/capkit-sh-XXXXXX")
trap 'rm -rf "$T"' EXIT
PY=/usr/bin/python3
pass=0
fail=0

ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
  local what=$1; shift
  if "$@"; then ok; else not_ok "$what"; fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  if [ "$2" == "$3" ]; then ok; else not_ok "$1: expected [$2], got [$3]"; fi
}
# check_exit DESCRIPTION CODE COMMAND...: passes when the command exits CODE.
check_exit() {
  local what=$1 want=$2; shift 2
  local got=0
  "$@" >/dev/null 2>&1 || got=$?
  if [ "$got" -eq "$want" ]; then ok; else not_ok "$what: exit $got, wanted $want"; fi
}
# need TOOL...: skip the whole test (exit 77) when a tool is missing.
need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
  done
}
need_scapy() {
  $PY -c 'import scapy.all' >/dev/null 2>&1 || { echo "SKIP: scapy not installed"; exit 77; }
}
# Closing line, read by CI: "N passed, N failed"; non-zero exit on failure.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}

# lib.sh - shared helpers for the shell tests (tests/cli, tests/interop).
# Source it first: . "$CAPKIT_TESTLIB". It gives a scratch directory $T,
# checks that count passes and failures, and a closing summary line.
set -u
: "${CAPKIT:?CAPKIT must name the built capkit binary}"
: "${CAPKIT_TESTDATA:?CAPKIT_TESTDATA must name tests/data}"
T=$(mktemp -d "${TMPDIR:-/tmp}/capkit-sh-XXXXXX") && [ -d "$T" ] ||
  { echo "lib.sh: cannot make a scratch directory" >&2; exit 99; }
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

# veth_ns: make the network namespace $NS holding a veth pair $A <-> $B
# (both up, with lo; IPv6 off so the kernel sends nothing of its own),
# removed at exit with the background jobs and $T; X CMD... runs CMD in
# it. Skips the whole test (exit 77) where namespaces cannot be made.
# Set NS, A and B first.
veth_ns() {
  trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null; done
        ip netns del "$NS" 2>/dev/null; rm -rf "$T"' EXIT
  if ! ip netns add "$NS" 2>"$T/ns.err"; then
    echo "SKIP: cannot create a network namespace: $(cat "$T/ns.err")"
    exit 77
  fi
  X sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
  if ! ip -n "$NS" link add "$A" type veth peer name "$B" 2>"$T/ns.err"; then
    echo "SKIP: cannot create a veth pair: $(cat "$T/ns.err")"
    exit 77
  fi
  ip -n "$NS" link set "$A" up && ip -n "$NS" link set "$B" up &&
    ip -n "$NS" link set lo up
}
X() { ip netns exec "$NS" "$@"; }

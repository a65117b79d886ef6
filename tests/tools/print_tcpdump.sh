# print_tcpdump.sh - sourced by tests/interop/test_print_tcpdump*.sh after
# tests/lib.sh: makes gen_print.py's captures in $T and defines
# cmp_tcpdump FILE OPTS (capkit print OPTS FILE prints what tcpdump -nn
# OPTS -r FILE prints, in UTC, line for line).
need tcpdump
need_scapy
G=$(dirname "$CAPKIT_TESTLIB")/tools/gen_print.py
"$PY" "$G" "$T" >/dev/null 2>&1 || { not_ok "gen_print.py failed"; finish; exit 1; }

cmp_tcpdump() {
  local f=$1 opts=$2
  # shellcheck disable=SC2086
  TZ=UTC tcpdump -nn $opts -r "$f" >"$T/td.out" 2>/dev/null
  # shellcheck disable=SC2086
  "$CAPKIT" print $opts "$f" >"$T/ck.out"
  if [ -s "$T/td.out" ] && cmp -s "$T/td.out" "$T/ck.out"; then ok; else
    not_ok "print $opts $(basename "$f") differs from tcpdump -nn $opts"
    diff "$T/td.out" "$T/ck.out" | head -6 >&2
  fi
}

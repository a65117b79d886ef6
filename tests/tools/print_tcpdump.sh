# print_tcpdump.sh - sourced by tests/interop/test_print_tcpdump*.sh after
# tests/lib.sh: makes gen_print.py's captures in $T (not when the test sets
# PRINT_TCPDUMP_OWN_CAPTURES=1 first) and defines
# cmp_tcpdump FILE OPTS (capkit print OPTS FILE prints what tcpdump -nn
# OPTS -r FILE prints, in UTC, line for line), and the same comparison
# run in the background: cmp_tcpdump_bg FILE OPTS starts one (at most
# $CMP_JOBS at once, default the number of processors), cmp_tcpdump_wait
# waits for them and counts each, a failure with its own message and diff.
need tcpdump
need_scapy
if [ "${PRINT_TCPDUMP_OWN_CAPTURES:-0}" != 1 ]; then
  G=$(dirname "$CAPKIT_TESTLIB")/tools/gen_print.py
  "$PY" "$G" "$T" >/dev/null 2>&1 || { not_ok "gen_print.py failed"; finish; exit 1; }
fi
CMP_JOBS=${CMP_JOBS:-$(nproc 2>/dev/null || echo 2)}
cmp_n=0

# cmp_one ID FILE OPTS: compare, leaving $T/cmpID.ok, or $T/cmpID.fail
# with the message and the start of the difference. With ID empty the
# outputs stay in $T/td.out and $T/ck.out for the test to look at.
cmp_one() {
  local id=$1 f=$2 opts=$3 td=$T/td$1.out ck=$T/ck$1.out
  rm -f "$T/cmp$id.ok" "$T/cmp$id.fail"
  # shellcheck disable=SC2086
  TZ=UTC tcpdump -nn $opts -r "$f" >"$td" 2>/dev/null
  # shellcheck disable=SC2086
  "$CAPKIT" print $opts "$f" >"$ck"
  if [ -s "$td" ] && cmp -s "$td" "$ck"; then
    : >"$T/cmp$id.ok"
  else
    { echo "print $opts $(basename "$f") differs from tcpdump -nn $opts"
      diff "$td" "$ck" | head -6; } >"$T/cmp$id.fail"
  fi
  [ -z "$id" ] || rm -f "$td" "$ck"
}

# cmp_count ID: count comparison ID (no result at all is a failure too).
cmp_count() {
  if [ -e "$T/cmp$1.ok" ]; then ok
  elif [ -e "$T/cmp$1.fail" ]; then
    not_ok "$(head -n 1 "$T/cmp$1.fail")"
    tail -n +2 "$T/cmp$1.fail" >&2
  else not_ok "comparison $1 gave no result"; fi
  rm -f "$T/cmp$1.ok" "$T/cmp$1.fail"
}

cmp_tcpdump() {
  cmp_one "" "$1" "$2"
  cmp_count ""
}

cmp_tcpdump_bg() {
  cmp_n=$((cmp_n + 1))
  while [ "$(jobs -pr | wc -l)" -ge "$CMP_JOBS" ]; do wait -n; done
  cmp_one "$cmp_n" "$1" "$2" &
}

cmp_tcpdump_wait() {
  wait
  local i
  for ((i = 1; i <= cmp_n; i++)); do cmp_count "$i"; done
  cmp_n=0
}

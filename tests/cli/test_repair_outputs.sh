#!/bin/bash
# test_repair_outputs.sh - capkit repair of captures of a few MiB: the
# output written to a file is byte-identical to the same repair written to
# standard output and to the repair of the same bytes read from a pipe
# (neither is a regular file renamed into place), so that a
# faster way to write runs of unchanged records between regular files
# cannot change them unnoticed; scored against the map of
# tests/tools/repair_damage.py (written from the pcap specification), it
# holds every intact record and invents none, and tcpdump reads it. Both
# byte orders, microseconds and nanoseconds, pcap and pcapng, undamaged
# (a byte-identical copy) and with garbage inserted or bytes deleted.
. "$CAPKIT_TESTLIB"
need tcpdump
GEN="$PY $(dirname "$0")/../tools/repair_damage.py"
C=$CAPKIT

seed=40
for opts in "" "--be" "--ns" "--be --ns" "--ng" "--ng --be"; do
  seed=$((seed + 1))
  name="gen ${opts:-le}"
  # shellcheck disable=SC2086
  $GEN gen "$seed" "$T/orig" --count 4000 $opts
  for kind in none insert delete; do
    what="$name, $kind"
    in=$T/orig
    if [ "$kind" = none ]; then
      want=0
    else
      [ "$kind" = delete ] && case $opts in *--ng*) kind=blocklen ;; esac
      $GEN damage "$kind" "$seed" "$T/orig" "$T/bad" "$T/map.json"
      in=$T/bad
      want=1
    fi
    check_exit "$what: file to file exits $want" "$want" "$C" repair -q "$in" -o "$T/out"
    code=0; "$C" repair -q "$in" -o - >"$T/pipe.out" 2>/dev/null || code=$?
    check_eq "$what: to standard output exits $want" "$want" "$code"
    check "$what: same bytes as to standard output" cmp -s "$T/out" "$T/pipe.out"
    code=0; cat "$in" | "$C" repair -q - -o "$T/stdin.out" 2>/dev/null || code=$?
    check_eq "$what: from a pipe exits $want" "$want" "$code"
    check "$what: same bytes as from a pipe" cmp -s "$T/out" "$T/stdin.out"
    check "$what: tcpdump reads the output" tcpdump -r "$T/out" -w /dev/null 2>/dev/null
    if [ "$kind" = none ]; then
      check "$what: a byte-identical copy" cmp -s "$T/orig" "$T/out"
    else
      read -r recall genuine written invented intact < <($GEN score "$T/map.json" "$T/out")
      check_eq "$what: every intact record recovered" "$intact" "$recall"
      check_eq "$what: no record invented" 0 "$invented"
      check "$what: something was written ($written, $genuine genuine)" [ "$written" -gt 0 ]
    fi
    rm -f "$T/out" "$T/pipe.out" "$T/stdin.out"
  done
done
finish

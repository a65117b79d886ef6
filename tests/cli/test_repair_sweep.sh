#!/bin/bash
# test_repair_sweep.sh - a property test of capkit repair over seeds, byte
# orders, precisions and damage kinds (overwrite, insert, delete, record
# fields, several at once), scored against the map of
# tests/tools/repair_damage.py (written from the pcap specification):
# - captures whose packets carry their checksums (--csum): every intact
#   record is recovered and none invented, also an intact record whose
#   successor's header was destroyed or that lies alone between two
#   damaged ones (it proves itself by its checksums);
# - the same over captures of several MB;
# - pcapng captures, also ones whose packets carry a live pcapng stream:
#   no record invented;
# - packets carrying pcap record headers of their own time (--nested): no
#   record invented;
# - payloads that are a live pcap stream of real frames with checksums,
#   captured before the packets that carry them (--stream, as tcpdump -w -
#   sent over a connection): no record invented.
# REPAIR_SWEEP_SEEDS seeds (default 6) per variant and kind; each case
# names its seed, variant and kind when it fails.
. "$CAPKIT_TESTLIB"
GEN="$PY $(dirname "$0")/../tools/repair_damage.py"
SEEDS=${REPAIR_SWEEP_SEEDS:-6}

case_one() { # seed opts kind
  local seed=$1 opts=$2 kind=$3 d="$T/$1-$3-${2// /}"
  mkdir -p "$d"
  # shellcheck disable=SC2086
  # (the first --count given counts: a case's own before the default)
  $GEN gen "$seed" "$d/orig" $opts --count 1200
  $GEN damage "$kind" "$seed" "$d/orig" "$d/bad" "$d/map.json"
  "$CAPKIT" repair -q "$d/bad" -o "$d/out" 2>/dev/null
  echo "$seed|$opts|$kind|$($GEN score "$d/map.json" "$d/out")"
  rm -rf "$d"
}

# cases NSEEDS "KINDS" OPTS...: every seed x variant x damage kind
cases() {
  local n=$1 kinds=$2 seed opts kind
  shift 2
  for seed in $(seq 1 "$n"); do
    for opts in "$@"; do
      for kind in $kinds; do
        echo "$seed $opts|$kind"
      done
    done
  done
}
few=$(((SEEDS + 1) / 2))
{
  cases "$SEEDS" "overwrite insert delete fields mixed" "--csum" "--be --csum" \
    "--ns --csum" "--be --ns --csum" "--bigsnap --csum" "--nested --csum" \
    "--stream" "--stream --ns --be"
  # captures of several MB: the walk reads them into the output buffer a
  # few MB at a time, and damage lands anywhere in them, also where one
  # buffer ends and the next begins
  cases "$few" "overwrite insert delete fields mixed" "--csum --count 12000" \
    "--be --ns --csum --count 12000"
  # pcapng: packet blocks with checksums, and packets that carry a live
  # pcapng stream (blocks of real frames captured just before them)
  cases "$few" "overwrite insert delete fields mixed blocklen" "--ng --csum" \
    "--ng --be --ns --csum" "--ng --stream" "--ng --stream --be --ns"
} > "$T/cases"

# two at a time: each case is a few Python and capkit runs
while IFS='|' read -r so kind; do
  seed=${so%% *}
  opts=${so#* }
  printf '%s\0%s\0%s\0' "$seed" "$opts" "$kind"
done < "$T/cases" |
  xargs -0 -n 3 -P 2 bash -c "$(declare -f case_one); GEN='$GEN' CAPKIT='$CAPKIT' T='$T' case_one \"\$@\"" _ \
    > "$T/results"

check_eq "every case ran" "$(wc -l < "$T/cases")" "$(wc -l < "$T/results")"
while IFS='|' read -r seed opts kind score; do
  read -r recall genuine written invented intact <<< "$score"
  what="seed $seed $opts, $kind"
  check_eq "$what: no record invented" 0 "$invented"
  case $opts in
    *--nested* | *--stream* | *--ng*) ;;
    *) check_eq "$what: every intact record recovered" "$intact" "$recall" ;;
  esac
  check "$what: something was written ($written, $genuine genuine)" [ "$written" -gt 0 ]
done < "$T/results"
finish

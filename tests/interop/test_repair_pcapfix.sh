#!/bin/bash
# test_repair_pcapfix.sh - capkit repair against pcapfix on the same damaged
# files: seeded fixtures written from the pcap specification
# (tests/tools/repair_damage.py), damaged by kind (truncate, overwrite,
# delete, insert, file header, record fields, several at once, FTP ASCII
# mangling both ways: every 0a written as 0d 0a, every 0d 0a written as 0a;
# for pcapng also a block length garbled), as classic pcap and as pcapng
# (pcapfix -n). Per kind, capkit's
# recall (intact records recovered byte-identical / intact records) and
# precision (genuine records / records written; a record with an original
# header and length whose payload was overwritten in place counts as
# genuine, as no tool can detect that) must be at least pcapfix's best
# (default or deep scan), and capkit invents no record, also in a third
# family whose payloads carry a live pcap stream of the same time (a chain
# of the stream's records after damage must not pass for the capture's).
# tcpdump and tshark read the repaired files.
. "$CAPKIT_TESTLIB"
need pcapfix
GEN="$PY $(dirname "$0")/../tools/repair_damage.py"
SEEDS=${REPAIR_SEEDS:-6}

quiet() { "$@" >/dev/null 2>&1; }
# sum of "recall genuine written invented intact" lines
add() { awk '{r+=$1; g+=$2; w+=$3; i+=$4; n+=$5} END {print r+0, g+0, w+0, i+0, n+0}'; }

for fmt in pcap pcapng stream; do
kinds="truncate overwrite delete insert header fields mixed ascii rascii"
[ "$fmt" = pcapng ] && kinds="$kinds blocklen"
for kind in $kinds; do
  : > "$T/ck" ; : > "$T/pf"
  for seed in $(seq 1 "$SEEDS"); do
    opts="" pfopt="" deep="-d"
    [ "$fmt" = pcapng ] && opts="--ng" pfopt="-n" deep="-n"
    [ "$fmt" = stream ] && opts="--stream"
    [ $((seed % 3)) -eq 1 ] && opts="--ns"
    [ $((seed % 4)) -eq 2 ] && opts="$opts --be"
    [ $((seed % 5)) -eq 3 ] && opts="$opts --nested"
    [ $((seed % 2)) -eq 0 ] && opts="$opts --bigsnap"
    $GEN gen "$seed" "$T/orig.pcap" $opts
    $GEN damage "$kind" "$seed" "$T/orig.pcap" "$T/dam.pcap" "$T/map.json"
    rm -f "$T/ck.pcap" "$T/pf.pcap" "$T/pfd.pcap"
    "$CAPKIT" repair -q "$T/dam.pcap" -o "$T/ck.pcap" 2>"$T/err" || true
    $GEN score "$T/map.json" "$T/ck.pcap" >> "$T/ck"
    pcapfix -k $pfopt -o "$T/pf.pcap" "$T/dam.pcap" >/dev/null 2>&1 || true
    pcapfix -k $deep -o "$T/pfd.pcap" "$T/dam.pcap" >/dev/null 2>&1 || true
    a=$($GEN score "$T/map.json" "$T/pf.pcap")
    b=$($GEN score "$T/map.json" "$T/pfd.pcap")
    # pcapfix's better run of the two, by recall
    if [ "${a%% *}" -ge "${b%% *}" ]; then echo "$a"; else echo "$b"; fi >> "$T/pf"
    # every repaired file reads without an error in tcpdump and tshark
    if [ "$seed" -le 2 ]; then
      check "tcpdump reads $kind/$seed" quiet tcpdump -r "$T/ck.pcap" -w /dev/null
      check "tshark reads $kind/$seed" quiet tshark -r "$T/ck.pcap" -w /dev/null
    fi
  done
  read -r cr cg cw ci cn < <(add < "$T/ck")
  read -r pr pg pw pi pn < <(add < "$T/pf")
  kind="$fmt $kind"
  echo "$kind: intact $cn; capkit recall $cr genuine $cg written $cw invented $ci; pcapfix recall $pr genuine $pg written $pw invented $pi"
  check_eq "$kind: capkit invents no record" 0 "$ci"
  # a packet block with one length damaged is recovered whole (the other
  # length, its body and the blocks after it agree): more originals than
  # the untouched ones are written
  if [ "$kind" = "pcapng blocklen" ]; then
    check "$kind: blocks recovered ($cg originals, $cn untouched)" [ "$cg" -gt "$cn" ]
  fi

  # recall: cr/cn >= pr/pn (same intact set); precision: cg/cw >= pg/pw
  check "$kind: recall $cr >= pcapfix $pr" [ "$cr" -ge "$pr" ]
  check "$kind: precision $cg/$cw >= pcapfix $pg/$pw" \
    [ $((cg * (pw > 0 ? pw : 1))) -ge $((pg * (cw > 0 ? cw : 1))) ]
done
done
finish

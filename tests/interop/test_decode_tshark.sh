# test_decode_tshark.sh - the decoder against the peers, on every golden
# capture of tests/data/decode:
#  - per packet, addresses, ports, protocol, lengths, TCP flags/seq/ack,
#    checksum verdicts and more equal tshark's -T fields (capkit print
#    --json); strictly (every field tshark has) on the clean captures, on the
#    fields both report for the truncated and corrupted ones;
#  - capkit stats: protocol hierarchy and IP/TCP/UDP conversations equal
#    tshark's -z io,phs and -z conv,* (clean captures; one tshark run per
#    group of captures does both);
#  - the one-line output equals tcpdump -nn (and -nn -S) where the formats
#    coincide.
. "$CAPKIT_TESTLIB"
need tshark tcpdump mergecap
D=$CAPKIT_TESTDATA/decode
CMP=$(dirname "$CAPKIT_TESTLIB")/interop/decode_compare.py
# shellcheck disable=SC2207
FIELDS=($("$PY" "$CMP" --fields))
# Captures of one link type are joined (mergecap -a keeps the order) so
# that tshark, slow to start, runs once per group:
#   NAME STRICT STATS FILES...
# IPv6 conversations through routing headers and fragments are counted
# differently by tshark (final destination, fragments): fields only there.
groups() {
  echo "clean 1 1 tcp udp icmp arp frag vlan llc tunnel"
  echo "ipv6 1 0 ipv6"
  echo "damaged 0 0 $(cd "$D" && ls ./*_trunc.pcap ./*_bad.pcap | sed 's|^\./||; s|\.pcap$||' | grep -v '^sll\|^null' | tr '\n' ' ')"
  for b in sll sll2 null_le null_be loop raw ipv4 ipv6raw; do echo "$b 1 1 $b"; done
  echo "sll_trunc 0 0 sll_trunc"
  echo "sll2_trunc 0 0 sll2_trunc"
  echo "null_trunc 0 0 null_trunc"
}
seen=0
while read -r b strict stats files; do
  args=()
  for x in $files; do args+=("$D/$x.pcap"); seen=$((seen + 1)); done
  f=$T/$b.pcap
  mergecap -a -F pcap -w "$f" "${args[@]}"
  "$CAPKIT" print --json "$f" >"$T/$b.json"
  "$CAPKIT" stats --json -n 0 "$f" >"$T/$b.stats.json"
  tshark -r "$f" -o tcp.relative_sequence_numbers:FALSE \
    -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -o tcp.check_checksum:TRUE -o ip.defragment:FALSE \
    -o ipv6.defragment:FALSE -T fields -E occurrence=f "${FIELDS[@]}" \
    -z io,phs -z conv,ip -z conv,ipv6 -z conv,tcp -z conv,udp \
    >"$T/$b.tshark" 2>/dev/null
  st=("$T/$b.stats.json")
  [ "$stats" = 1 ] || st=()
  if "$PY" "$CMP" "$T/$b.json" "$T/$b.tshark" "$strict" "${st[@]}" >"$T/$b.cmp"; then
    n=$(sed -n 's/^checked //p' "$T/$b.cmp")
    if [ "${n:-0}" -gt 10 ]; then ok; else not_ok "$b: only ${n:-0} values compared"; fi
  else
    not_ok "$b: capkit and tshark differ"
    head -5 "$T/$b.cmp" >&2
  fi
done < <(groups)
check_eq "every golden capture compared" "$(ls "$D"/*.pcap | wc -l)" "$seen"

# one-line output against tcpdump (times in UTC), with relative and with
# absolute (-S) sequence numbers
for spec in tcp: udp: icmp: arp: frag: vlan: sll: null_le: null_be: loop: \
  raw: ipv4: ipv6raw: tcp:-e udp:-e icmp:-e arp:-e vlan:-e sll:-e null_le:-e \
  raw:-e frag:-e tcp:-S sll:-S tcp:-eS ipv6: ipv6:-e; do
  b=${spec%%:*} opt=${spec#*:}
  # shellcheck disable=SC2086
  TZ=UTC tcpdump -nn $opt -r "$D/$b.pcap" >"$T/td.out" 2>/dev/null
  # shellcheck disable=SC2086
  "$CAPKIT" print $opt "$D/$b.pcap" >"$T/ck.out"
  # tcpdump guesses AFS RX on UDP port 7000; capkit names no protocol there
  rx=$(grep -n ' rx type ' "$T/td.out" | cut -d: -f1 | sed 's/$/d/' | tr '\n' ';')
  if [ -n "$rx" ]; then
    sed -i "$rx" "$T/td.out"
    sed -i "$rx" "$T/ck.out"
  fi
  if cmp -s "$T/td.out" "$T/ck.out"; then ok; else
    not_ok "print $opt $b.pcap differs from tcpdump -nn $opt"
    diff "$T/td.out" "$T/ck.out" | head -4 >&2
  fi
done
# the hex dump is tcpdump's -xx (link header included)
for b in tcp udp arp icmp_trunc; do
  TZ=UTC tcpdump -nn -xx -r "$D/$b.pcap" >"$T/td.out" 2>/dev/null
  "$CAPKIT" print -xx "$D/$b.pcap" >"$T/ck.out"
  if [ "$b" = icmp_trunc ]; then
    # lines of partial headers differ in wording; the dumps must not
    grep -v '^[0-9]' "$T/td.out" >"$T/td.x"
    grep -v '^[0-9]' "$T/ck.out" >"$T/ck.x"
    mv "$T/td.x" "$T/td.out"
    mv "$T/ck.x" "$T/ck.out"
  fi
  if cmp -s "$T/td.out" "$T/ck.out"; then ok; else
    not_ok "print -xx $b.pcap differs from tcpdump -nn -xx"
    diff "$T/td.out" "$T/ck.out" | head -4 >&2
  fi
done
# truncated captures: the packets whose TCP (or UDP) header tcpdump finds
# cut, [|tcp], are the ones capkit finds cut
for b in tcp_trunc udp_trunc; do
  TZ=UTC tcpdump -nn -r "$D/$b.pcap" 2>/dev/null | grep -n '\[|\(tcp\|udp\)\]' | cut -d: -f1 >"$T/td.n"
  "$CAPKIT" print "$D/$b.pcap" | grep -n '\[|\(tcp\|udp\)\]' | cut -d: -f1 >"$T/ck.n"
  check_eq "$b: truncated transport lines" "$(cat "$T/td.n")" "$(cat "$T/ck.n")"
done
finish

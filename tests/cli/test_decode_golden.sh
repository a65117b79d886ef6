# test_decode_golden.sh - capkit print against the golden outputs listed in
# tests/data/decode/TESTLIST (input capture, options, expected output), plus
# the command's exit codes and its stdout/pipe behaviour.
. "$CAPKIT_TESTLIB"

D=$CAPKIT_TESTDATA/decode
case $CAPKIT in /*) ;; */*) CAPKIT=$(cd "$(dirname "$CAPKIT")" && pwd)/$(basename "$CAPKIT") ;; esac
n=0
while read -r name input opts; do
  case $name in '' | '#'*) continue ;; esac
  n=$((n + 1))
  # shellcheck disable=SC2086
  # the interface name of SLL2 lines depends on the machine (see
  # tests/tools/update_decode_golden.sh)
  (cd "$D" && "$CAPKIT" print $opts $input) 2>"$T/$name.err" |
    sed -E 's/^([0-9:.]+) [^ ]+ +(In|Out|B|M|P|\?) +/\1 IFNAME \2 /' >"$T/$name.out"
  if cmp -s "$D/expected/$name.out" "$T/$name.out"; then
    ok
  else
    not_ok "golden $name: print $opts $input differs"
    diff "$D/expected/$name.out" "$T/$name.out" | head -5 >&2
  fi
done <"$D/TESTLIST"
check "TESTLIST has the golden cases" test "$n" -ge 100

# every protocol named in the issue appears in some golden output
for proto in eth llc vlan sll sll2 null arp ip ipv6 ipv6ext icmp icmpv6 udp \
  tcp gre vxlan dns dhcp ntp http tls; do
  if cat "$D"/expected/*-json.out | grep -q "\"layer\":\"$proto\""; then ok; else
    not_ok "no golden JSON has a $proto layer"
  fi
done
# truncated and malformed layers are reported as such
grep -q '"truncated":true' "$D/expected/trunc-json.out" && ok ||
  not_ok "truncated layers are marked in JSON"
grep -q '"malformed":true' "$D/expected/bad-json.out" && ok ||
  not_ok "malformed layers are marked in JSON"
grep -q '"checksum_status":"bad"' "$D/expected/tcp-json.out" && ok ||
  not_ok "a bad checksum is reported"

# ---- every JSON line parses, and holds what the line output holds ----
"$CAPKIT" print --json "$D"/tcp.pcap "$D"/udp.pcap "$D"/udp_trunc.pcap >"$T/all.json"
check "json lines parse" "$PY" -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$T/all.json"
a=$("$CAPKIT" print "$D"/tcp.pcap "$D"/udp.pcap "$D"/udp_trunc.pcap | wc -l)
b=$(wc -l <"$T/all.json")
check_eq "one JSON object per packet" "$a" "$b"

# ---- the alias, help, usage errors and exit codes ----
check_eq "show is print" "$("$CAPKIT" print "$D/tcp.pcap")" "$("$CAPKIT" show "$D/tcp.pcap")"
check_exit "print --help" 0 "$CAPKIT" print --help
check_exit "print without file" 2 "$CAPKIT" print
check_exit "print bad option" 2 "$CAPKIT" print --bogus "$D/tcp.pcap"
check_exit "print bad time format" 2 "$CAPKIT" print -t never "$D/tcp.pcap"
check_exit "print bad filter" 2 "$CAPKIT" print -f 'tcp port port' "$D/tcp.pcap"
check_exit "print missing file" 3 "$CAPKIT" print "$T/none.pcap"
check_exit "print not a capture" 1 "$CAPKIT" print "$D/TESTLIST"
"$CAPKIT" print -f 'tcp port port' "$D/tcp.pcap" >"$T/f.out" 2>"$T/f.err"
check "bad filter prints nothing" test ! -s "$T/f.out"
check "bad filter is named" grep -q "tcp port port" "$T/f.err"

# a capture cut inside its last record: the packets before it are printed,
# exit 1, one message naming the file
head -c $(($(stat -c %s "$D/udp.pcap") - 5)) "$D/udp.pcap" >"$T/cut.pcap"
"$CAPKIT" print "$T/cut.pcap" >"$T/cut.out" 2>"$T/cut.err"
check_eq "cut capture exit" 1 $?
check_eq "cut capture lines" $(($(wc -l <"$D/expected/udp.out") - 1)) "$(wc -l <"$T/cut.out")"
check "cut capture message" grep -q "cut.pcap" "$T/cut.err"
check_eq "cut capture one message" 1 "$(wc -l <"$T/cut.err")"

# from standard input, and -c stops early
check_eq "stdin" "$(cat "$D/expected/tcp.out")" "$("$CAPKIT" print - <"$D/tcp.pcap")"
check_eq "-c 2" 2 "$("$CAPKIT" print -c 2 "$D/tcp.pcap" | wc -l)"
# a closed pipe is not an error message
"$CAPKIT" print "$D"/*.pcap 2>"$T/pipe.err" | head -1 >/dev/null
check "closed pipe is quiet" test ! -s "$T/pipe.err"
# /dev/full: write errors are reported, exit 3
check_exit "write error" 3 sh -c "'$CAPKIT' print '$D/tcp.pcap' >/dev/full"

finish

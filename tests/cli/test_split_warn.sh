# test_split_warn.sh - capkit split warns, for every way of splitting, of
# what the output format cannot hold: a packet comment written to pcap is
# reported (once, naming the file, record and why) as convert reports it.
# Before, only --interface did; --packets, --bytes and --seconds dropped
# the comment silently. tshark confirms the comment is in the input and
# gone from the output.
. "$CAPKIT_TESTLIB"
need tshark
"$CAPKIT" comment "$CAPKIT_TESTDATA/connection_termination.pcap" \
  -o "$T/c.pcapng" -a 2:hello
check_eq "tshark sees the input's comment on record 2" 2 \
  "$(tshark -r "$T/c.pcapng" -Y frame.comment -T fields -e frame.number 2>/dev/null)"
for how in "--packets 3" "--bytes 1000" "--seconds 1" "--interface"; do
  rm -rf "$T/o"
  mkdir "$T/o"
  # shellcheck disable=SC2086
  err=$("$CAPKIT" split "$T/c.pcapng" $how -F pcap -o "$T/o/x.pcap" 2>&1 >/dev/null)
  check_eq "split $how -F pcap: exit 0" 0 $?
  check_eq "split $how -F pcap: one warning" 1 "$(grep -c "warning:" <<<"$err")"
  check "split $how -F pcap: the warning names record 2 and the comment" \
    grep -q "record 2: comment left out" <<<"$err"
  n=0
  for f in "$T"/o/*.pcap; do
    n=$((n + $(tshark -r "$f" -Y frame.comment -T fields -e frame.number 2>/dev/null | wc -l)))
  done
  check_eq "split $how -F pcap: no comment in the parts (tshark)" 0 "$n"
done
finish

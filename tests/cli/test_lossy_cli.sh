. "$CAPKIT_TESTLIB"
# test_lossy_cli.sh - lossy pcapng writes are reported: a time the
# output's if_tsresol cannot hold is written truncated (as tshark reads it
# back) with one warning on standard error naming the first such record,
# whatever the number of records it affects.
need tshark

# A nanosecond pcap (magic a1b23c4d, pcap spec) with three Ethernet
# records: 100.000005000 (whole microseconds), 101.123456789, 102.000000001.
$PY - "$T/ns.pcap" <<'PY'
import struct, sys
recs = [(100, 5000), (101, 123456789), (102, 1)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for s, ns in recs:
        pkt = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x88\xb5" + bytes(46)
        f.write(struct.pack("<IIII", s, ns, len(pkt), len(pkt)) + pkt)
PY

"$CAPKIT" convert -F pcapng -p us "$T/ns.pcap" -o "$T/us.pcapng" 2>"$T/err"
check_eq "convert: one warning" 1 "$(grep -c 'warning:' "$T/err")"
check "convert: it names record 2 and the resolution" \
  grep -q 'convert: warning: .*record 2: time .* written as .*if_tsresol 0x06' "$T/err"
check_eq "convert: times as tshark reads them, truncated to microseconds" \
  "$(printf '100.000005000\n101.123456000\n102.000000000')" \
  "$(tshark -r "$T/us.pcapng" -T fields -e frame.time_epoch 2>/dev/null)"

"$CAPKIT" convert -F pcapng -p ns "$T/ns.pcap" -o "$T/ns.pcapng" 2>"$T/err"
check_eq "convert to nanoseconds: no warning" "" "$(cat "$T/err")"
check_eq "nanosecond times kept" \
  "$(printf '100.000005000\n101.123456789\n102.000000001')" \
  "$(tshark -r "$T/ns.pcapng" -T fields -e frame.time_epoch 2>/dev/null)"

# A microsecond pcapng shifted by a nanosecond: every record rounded.
"$CAPKIT" retime -s 1ns "$T/us.pcapng" -o "$T/r.pcapng" 2>"$T/err"
check_eq "retime: one warning for three rounded records" 1 \
  "$(grep -c 'warning:' "$T/err")"
check "retime: it names record 1" grep -q 'retime: warning: .*record 1: time' "$T/err"
finish

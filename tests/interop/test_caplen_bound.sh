# test_caplen_bound.sh - no writer makes a record that readers refuse.
# libpcap (tcpdump -r) and Wireshark refuse a captured length above 262144
# bytes whatever the file's snaplen: import cuts a longer packet to the
# snaplen with a warning naming its line, and the other writers refuse such
# a record with a clear error instead of writing it (nothing is left).
. "$CAPKIT_TESTLIB"
need tcpdump tshark
# A hex dump (offset/hex lines) of one packet of N zero bytes.
hexdump_of() {
  $PY - "$1" <<'PYEOF'
import sys
n = int(sys.argv[1])
for off in range(0, n, 16):
    print('%06x  ' % off + ' '.join(['00'] * min(16, n - off)))
PYEOF
}
{ hexdump_of 60; echo; hexdump_of 300000; } >"$T/big.txt"
check_exit "import of a 300000-byte packet" 0 \
  "$CAPKIT" import "$T/big.txt" -o "$T/big.pcap"
"$CAPKIT" import "$T/big.txt" -o "$T/big.pcap" 2>"$T/err.txt"
check "the warning names the packet's line" grep -q 'line 6: warning: packet of 300000 bytes cut to the snaplen of 262144' "$T/err.txt"
check "tcpdump -r reads the import" tcpdump -r "$T/big.pcap" -w "$T/td.pcap"
check_eq "tshark: captured and original lengths" "60,60
262144,300000" "$(tshark -r "$T/big.pcap" -T fields -e frame.cap_len -e frame.len -E separator=, 2>/dev/null)"
check_exit "capkit verify accepts the import" 0 "$CAPKIT" verify "$T/big.pcap"
"$CAPKIT" import -s 1000 "$T/big.txt" -o "$T/s.pcap" 2>/dev/null
check_eq "import -s 1000: tshark lengths" "60,60
1000,300000" "$(tshark -r "$T/s.pcap" -T fields -e frame.cap_len -e frame.len -E separator=, 2>/dev/null)"

# A file libpcap itself refuses (snaplen 1000000, a 500000-byte record),
# which capkit reads: copies refuse the record unless a snaplen cuts it.
$PY - "$T" <<'PYEOF'
import struct, sys
def write(path, snap, sizes):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snap, 1))
        for i, n in enumerate(sizes):
            f.write(struct.pack('<IIII', 100 + i, 0, n, n) + bytes(n))
write(sys.argv[1] + '/bigsnap.pcap', 1000000, [500000])
write(sys.argv[1] + '/small.pcap', 65535, [60, 60])
PYEOF
check "tcpdump refuses the 500000-byte record" \
  bash -c "! tcpdump -r '$T/bigsnap.pcap' >/dev/null 2>&1"
for args in "merge -o $T/m.pcap $T/small.pcap $T/bigsnap.pcap" \
  "convert $T/bigsnap.pcap -o $T/m.pcap" \
  "convert -F pcapng $T/bigsnap.pcap -o $T/m.pcap" \
  "convert -s 300000 $T/bigsnap.pcap -o $T/m.pcap"; do
  # shellcheck disable=SC2086
  check_exit "$args: refused" 1 "$CAPKIT" $args
  # shellcheck disable=SC2086
  "$CAPKIT" $args 2>"$T/err.txt"
  check "$args: the error names the record and the bound" \
    grep -q 'captured length [0-9]* is above the 262144 bytes readers accept' "$T/err.txt"
  check "$args: nothing left" test ! -e "$T/m.pcap"
done
check_exit "convert -s 2000 of it" 0 \
  "$CAPKIT" convert -s 2000 "$T/bigsnap.pcap" -o "$T/c.pcap"
check "tcpdump -r reads the cut copy" tcpdump -r "$T/c.pcap" -w "$T/td.pcap"
finish

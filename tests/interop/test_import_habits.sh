# test_import_habits.sh - capkit import with text2pcap's -D (direction
# lines, written as pcapng epb_flags) against text2pcap -D read back by
# tshark, and hexdump's default 16-bit-word format (and hexdump -x, od -x)
# of random captures and of random packets read back to the same bytes.
. "$CAPKIT_TESTLIB"
need text2pcap tshark hexdump od
export TZ=UTC

# ---- -D: seeded random dumps with I/O/i/o/no direction lines ----
for seed in 1 2 3; do
  $PY - "$seed" >"$T/d$seed.txt" <<'PYEOF'
import random, sys
r = random.Random(int(sys.argv[1]))
for i in range(60):
    d = r.choice(["I", "O", "i", "o", None])
    if d:
        print(d)
    n = r.randrange(1, 80)
    b = bytes(r.getrandbits(8) for _ in range(n))
    for off in range(0, n, 16):
        print("%06x %s" % (off, " ".join("%02x" % x for x in b[off:off + 16])))
PYEOF
  text2pcap -q -D "$T/d$seed.txt" "$T/t$seed.pcapng" >/dev/null 2>&1 ||
    not_ok "text2pcap -D failed"
  "$CAPKIT" import -D -F pcapng "$T/d$seed.txt" -o "$T/k$seed.pcapng"
  for f in t k; do
    tshark -r "$T/$f$seed.pcapng" -T fields -e frame.packet_flags_direction \
      -e frame.len -e data 2>/dev/null | sed 's/^\t/0x00000000\t/' >"$T/$f.fields"
  done
  check "import -D = text2pcap -D: directions, lengths, bytes (seed $seed)" \
    cmp -s "$T/t.fields" "$T/k.fields"
  check "import -D: both directions occur (seed $seed)" \
    grep -q '^0x00000002' "$T/k.fields"
done
# with a time after the direction (text2pcap -D -t)
printf 'I 10:00:01.5\n000000 00 01 02 03\nO 10:00:02.25\n000000 04 05 06\n' >"$T/dt.txt"
"$CAPKIT" import -D -F pcapng -t '%H:%M:%S.' "$T/dt.txt" -o "$T/dt.pcapng"
check_eq "import -D -t: direction then time" "$(printf '0x00000001\t36001.500000000\n0x00000002\t36002.250000000')" \
  "$(tshark -r "$T/dt.pcapng" -T fields -e frame.packet_flags_direction -e frame.time_epoch)"
# without -D a direction line is just text
"$CAPKIT" import -F pcapng "$T/d1.txt" -o "$T/nd.pcapng"
check_eq "without -D no direction is set" "" \
  "$(tshark -r "$T/nd.pcapng" -T fields -e frame.packet_flags_direction | sort -u | tr -d '\n')"

# ---- hexdump's default format: whole captures, byte-identical ----
for seed in 1 2 3 4 5; do
  "$CAPKIT" gen -c $((seed * 7)) --seed "$seed" -o "$T/g$seed.pcap" \
    'eth()/ipv4(src=10.0.0.1+)/udp(dport=9)/payload(len=rand(0-301),rand)'
  size=$(stat -c %s "$T/g$seed.pcap")
  hexdump "$T/g$seed.pcap" >"$T/g$seed.hd"
  "$CAPKIT" import "$T/g$seed.hd" -o "$T/r$seed.pcap"
  check "hexdump (default format) of a capture of $size bytes imports byte-identical" \
    cmp -s "$T/g$seed.pcap" "$T/r$seed.pcap"
  hexdump -x "$T/g$seed.pcap" >"$T/g$seed.hx"
  "$CAPKIT" import "$T/g$seed.hx" -o "$T/x$seed.pcap"
  check "hexdump -x of a capture imports byte-identical (seed $seed)" \
    cmp -s "$T/g$seed.pcap" "$T/x$seed.pcap"
  od -x "$T/g$seed.pcap" >"$T/g$seed.od"
  "$CAPKIT" import --offsets oct "$T/g$seed.od" -o "$T/o$seed.pcap"
  check "od -x (octal offsets) of a capture imports byte-identical (seed $seed)" \
    cmp -s "$T/g$seed.pcap" "$T/o$seed.pcap"
  # od -Ao -tx1 of a whole file: the octal offsets count there too (they
  # were read as hex before, giving a wrong capture with exit status 0)
  od -Ao -tx1 "$T/g$seed.pcap" >"$T/g$seed.oo"
  "$CAPKIT" import --offsets oct "$T/g$seed.oo" -o "$T/oo$seed.pcap"
  check "od -Ao -tx1 whole capture with --offsets oct imports byte-identical" \
    cmp -s "$T/g$seed.pcap" "$T/oo$seed.pcap"
done
# ---- packets of random lengths (odd ones too), one hexdump each ----
$PY - "$T" <<'PYEOF'
import random, subprocess, sys
t = sys.argv[1]
r = random.Random(9)
with open(t + "/pk.hd", "w") as out, open(t + "/pk.hex", "w") as ref:
    for i in range(80):
        n = r.choice([1, 2, 3, 15, 16, 17, 33, r.randrange(1, 400)])
        b = bytes(r.getrandbits(8) for _ in range(n))
        if r.random() < 0.2:
            b = bytes([7]) * n  # repeated lines: hexdump writes '*'
        open(t + "/one.bin", "wb").write(b)
        out.write(subprocess.run(["hexdump", t + "/one.bin"], capture_output=True,
                                 text=True, check=True).stdout)
        ref.write(b.hex() + "\n")
PYEOF
"$CAPKIT" import "$T/pk.hd" -o "$T/pk.pcap"
$PY -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
off = 24
while off < len(b):
    cap = struct.unpack_from("<I", b, off + 8)[0]
    print(b[off + 16:off + 16 + cap].hex())
    off += 16 + cap' "$T/pk.pcap" >"$T/pk.got"
check "hexdump per packet: the same bytes, odd lengths and '*' lines too" \
  cmp -s "$T/pk.hex" "$T/pk.got"
finish

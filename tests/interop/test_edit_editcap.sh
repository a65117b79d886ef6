# test_edit_editcap.sh - editcap's record edits in slice, snap and convert
# against editcap itself on the same inputs: -C [OFFSET:]LEN (both signs,
# offsets from both ends, two regions, seeded random choices over packets
# of random lengths), -L with -C and with the snaplen, -S (records out of
# order; 0, positive and negative adjustments), and -E (no peer gives the
# same random choices: the rate of changed bytes is checked against the
# probability, a seed repeats its output, another seed differs, and the
# output still reads everywhere).
. "$CAPKIT_TESTLIB"
need editcap tcpdump capinfos
GEN="$PY $(dirname "$CAPKIT_TESTLIB")/tools/gen_cut.py"

# rand_pcap OUT SEED N: N records of random lengths 0..120 (original
# lengths at or above them), times in order, bytes random.
rand_pcap() {
  $PY - "$@" <<'PYEOF'
import random, struct, sys
out, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1700000000
    for i in range(n):
        cap = r.choice([0, 1, 2, 3, 5, 14, 20, 60, r.randrange(121)])
        orig = cap + r.choice([0, 0, 1, 4, 1000])
        t += r.randrange(1, 3)
        f.write(struct.pack("<IIII", t, r.randrange(1000000), cap, orig))
        f.write(bytes(r.getrandbits(8) for _ in range(cap)))
PYEOF
}
# same A B: the same records (times, lengths, bytes) in both files
same() {
  "$CAPKIT" dump -x "$1" | sed 's/ iface [0-9]*//' >"$T/s1.txt"
  "$CAPKIT" dump -x "$2" | sed 's/ iface [0-9]*//' >"$T/s2.txt"
  cmp -s "$T/s1.txt" "$T/s2.txt"
}

rand_pcap "$T/r.pcap" 7 400
# every length from 0 to 60, bytes 0, 1, 2, ...
$PY -c '
import struct, sys
f = open(sys.argv[1], "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for n in range(61):
    f.write(struct.pack("<IIII", n + 1, 0, n, n) + bytes(range(n)))' "$T/lens.pcap"

# ---- -C: fixed cases of every sign, then seeded random ones ----
for c in 3 -3 2:3 2:-3 -2:3 -2:-3 0:3 0:-3 25:3 25:-3 -25:3 -25:-3 3:100 \
  -100:5 100:-5 "1 -C -1" "2:3 -C -4:-2" "5:4 -C 3:-2" "-5:4 -C -3:-2"; do
  for f in r lens; do
    # shellcheck disable=SC2086
    editcap -F pcap -C $c "$T/$f.pcap" "$T/e.pcap" 2>/dev/null
    # shellcheck disable=SC2086
    "$CAPKIT" convert "$T/$f.pcap" -C $c -o "$T/k.pcap"
    check "convert -C $c = editcap -C $c ($f)" same "$T/e.pcap" "$T/k.pcap"
  done
done
# seeded random chops (one or two regions), through all three commands
read -r -a cases < <($PY -c '
import random
r = random.Random(2024)
out = []
for _ in range(24):
    def one():
        ln = r.choice([1, 2, 7, 30]) * r.choice([1, -1])
        if r.random() < 0.5:
            return str(ln)
        return "%d:%d" % (r.randrange(-40, 41), ln)
    a = one()
    if r.random() < 0.4:
        b = one()
        if (int(a.split(":")[-1]) > 0) != (int(b.split(":")[-1]) > 0):
            a = a + "," + b
    out.append(a)
print(" ".join(out))')
for cs in "${cases[@]}"; do
  args=()
  for part in ${cs//,/ }; do args+=(-C "$part"); done
  # where editcap's own ranges leave the packet it crashes: no reference
  # there (capkit clamps them; the ASan build checks it stays in bounds)
  if editcap -F pcap "${args[@]}" "$T/r.pcap" "$T/e.pcap" 2>/dev/null; then
    "$CAPKIT" slice "$T/r.pcap" "${args[@]}" -o "$T/k.pcap"
    check "slice ${args[*]} = editcap" same "$T/e.pcap" "$T/k.pcap"
    editcap -F pcap -L "${args[@]}" "$T/r.pcap" "$T/e.pcap" 2>/dev/null
    "$CAPKIT" convert "$T/r.pcap" -L "${args[@]}" -o "$T/k.pcap"
    check "convert -L ${args[*]} = editcap -L" same "$T/e.pcap" "$T/k.pcap"
  else
    check "slice ${args[*]} where editcap fails: still a readable capture" \
      "$CAPKIT" slice "$T/r.pcap" "${args[@]}" -o "$T/k.pcap"
    check "  ... that tcpdump reads" tcpdump -r "$T/k.pcap" -w "$T/k2.pcap"
  fi
done

# ---- -L with the snaplen, and chop after snap as editcap orders them ----
for n in 1 10 50; do
  editcap -F pcap -s "$n" -L "$T/r.pcap" "$T/e.pcap"
  "$CAPKIT" snap "$n" "$T/r.pcap" -L -o "$T/k.pcap"
  check "snap $n -L = editcap -s $n -L" same "$T/e.pcap" "$T/k.pcap"
  editcap -F pcap -s "$n" "$T/r.pcap" "$T/e.pcap"
  "$CAPKIT" snap "$n" "$T/r.pcap" -o "$T/k.pcap"
  check "snap $n = editcap -s $n" same "$T/e.pcap" "$T/k.pcap"
  editcap -F pcap -s "$n" -L -C -4 "$T/r.pcap" "$T/e.pcap"
  "$CAPKIT" convert "$T/r.pcap" -s "$n" -L -C -4 -o "$T/k.pcap"
  check "convert -s $n -L -C -4 = editcap" same "$T/e.pcap" "$T/k.pcap"
done

# without edit options snap cuts after --strip-fcs, as before: a complete
# 66-byte frame loses its 4 FCS bytes, then fits the snaplen 64
$PY -c '
import struct, sys
f = open(sys.argv[1], "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for n in (60, 66, 100):
    f.write(struct.pack("<IIII", 1, 0, n, n) + bytes(n))' "$T/fcs.pcap"
"$CAPKIT" snap 64 "$T/fcs.pcap" --strip-fcs -o "$T/k.pcap"
check_eq "snap 64 --strip-fcs: FCS first, then the snaplen" \
  "56 56|62 62|64 96" "$("$CAPKIT" dump "$T/k.pcap" | awk '{printf "%s%s %s", (NR > 1 ? "|" : ""), $5, $7}')"

# ---- -S: records out of order ----
$GEN "$T/j.pcap" 1500 4 --disorder 30
$GEN "$T/jn.pcap" 1500 5 --disorder 30 --ns
for adj in 0 0.000001 0.5 2 -0.25 -0 -1; do
  for f in j jn; do
    fmt=pcap
    [ $f = jn ] && fmt=nsecpcap
    editcap -F $fmt -S "$adj" "$T/$f.pcap" "$T/e.pcap"
    "$CAPKIT" convert "$T/$f.pcap" -S "$adj" -o "$T/k.pcap"
    check "convert -S $adj = editcap -S $adj ($f)" same "$T/e.pcap" "$T/k.pcap"
  done
done
editcap -F pcap -S 0 "$T/j.pcap" "$T/e.pcap"
"$CAPKIT" slice "$T/j.pcap" -S 0 -o "$T/k.pcap"
check "slice -S 0 = editcap -S 0" same "$T/e.pcap" "$T/k.pcap"
check "after -S 0 the order is strict" test \
  "$("$CAPKIT" info -T -o -r "$T/k.pcap" | cut -f2)" = True
check_exit "a bad -S is a usage error" 2 "$CAPKIT" convert "$T/j.pcap" -S x -o "$T/k.pcap"
check_exit "a bad -C is a usage error" 2 "$CAPKIT" convert "$T/j.pcap" -C 1:0 -o "$T/k.pcap"

# ---- -E: statistical (no peer makes the same random choices) ----
$GEN "$T/big.pcap" 3000 6
for p in 0.01 0.1; do
  "$CAPKIT" convert "$T/big.pcap" -E "$p" --seed 42 -o "$T/e1.pcap"
  # bytes changed over bytes open to change: within 6 standard deviations
  check "-E $p: changed bytes near the probability" $PY - "$T/big.pcap" "$T/e1.pcap" "$p" <<'PYEOF'
import math, struct, sys
def recs(path):
    b = open(path, "rb").read()
    off, out = 24, []
    while off < len(b):
        cap = struct.unpack_from("<I", b, off + 8)[0]
        out.append(b[off + 16:off + 16 + cap])
        off += 16 + cap
    return out
a, b, p = recs(sys.argv[1]), recs(sys.argv[2]), float(sys.argv[3])
assert len(a) == len(b)
n = sum(len(x) for x in a)
changed = bits = 0
for x, y in zip(a, b):
    assert len(x) == len(y)
    for u, v in zip(x, y):
        if u != v:
            changed += 1
            bits += bin(u ^ v).count("1")
sd = math.sqrt(n * p * (1 - p))
ok = abs(changed - n * p) <= 6 * sd and bits == changed
print("n=%d changed=%d expected=%.0f sd=%.1f" % (n, changed, n * p, sd))
sys.exit(0 if ok else 1)
PYEOF
done
"$CAPKIT" convert "$T/big.pcap" -E 0.05 --seed 7 -o "$T/e1.pcap"
"$CAPKIT" convert "$T/big.pcap" -E 0.05 --seed 7 -o "$T/e2.pcap"
"$CAPKIT" convert "$T/big.pcap" -E 0.05 --seed 8 -o "$T/e3.pcap"
check "-E: the same seed gives the same output" cmp -s "$T/e1.pcap" "$T/e2.pcap"
check "-E: another seed gives another output" test -n "$(cmp "$T/e1.pcap" "$T/e3.pcap" 2>&1)"
check "-E: the mutated file reads with tcpdump" tcpdump -r "$T/e1.pcap" -w /dev/null
check_eq "-E: every record is still there (capinfos)" 3000 \
  "$(capinfos -M -c "$T/e1.pcap" | sed -n 's/^Number of packets: *//p')"
"$CAPKIT" convert "$T/big.pcap" -E 1 --error-offset 14 --seed 1 -o "$T/e4.pcap"
check "-E with --error-offset 14 keeps the Ethernet headers" same \
  <("$CAPKIT" snap 14 "$T/big.pcap" -o - | "$CAPKIT" dump -x -) \
  <("$CAPKIT" snap 14 "$T/e4.pcap" -o - | "$CAPKIT" dump -x -)
"$CAPKIT" convert "$T/big.pcap" -E 0.05 -o "$T/e5.pcap" 2>"$T/seed.err"
seed=$(sed -n 's/.*--seed \([0-9]*\) repeats.*/\1/p' "$T/seed.err")
"$CAPKIT" convert "$T/big.pcap" -E 0.05 --seed "$seed" -o "$T/e6.pcap"
check "-E without --seed names a seed that repeats the output" cmp -s "$T/e5.pcap" "$T/e6.pcap"
check_exit "-E above 1 is a usage error" 2 "$CAPKIT" convert "$T/big.pcap" -E 1.5 -o "$T/k.pcap"
finish

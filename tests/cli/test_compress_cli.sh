# test_compress_cli.sh - gzip and zstd captures on the command line: info,
# dump and convert of compressed inputs equal the uncompressed results,
# outputs named .gz/.zst are compressed, round trips, pipes, damage.
. "$CAPKIT_TESTLIB"
need gzip zstd cmp

SEED=$CAPKIT_TESTDATA/connection_termination.pcap
"$CAPKIT" convert "$SEED" -o "$T/seed.pcapng" -F pcapng
for base in seed.pcap seed.pcapng; do
  src=$T/$base
  [ -f "$src" ] || cp "$SEED" "$src"
  gzip -c "$src" >"$src.gz"
  zstd -q -c "$src" >"$src.zst"
  "$CAPKIT" info "$src" | grep -v '^File:' >"$T/info.want"
  "$CAPKIT" dump -x "$src" >"$T/dump.want"
  for z in gz zst; do
    "$CAPKIT" info "$src.$z" | grep -v '^File:' >"$T/info.got"
    check "info $base.$z equals info $base" cmp -s "$T/info.want" "$T/info.got"
    "$CAPKIT" dump -x "$src.$z" >"$T/dump.got"
    check "dump $base.$z equals dump $base" cmp -s "$T/dump.want" "$T/dump.got"
    "$CAPKIT" dump -x - <"$src.$z" >"$T/dump.pipe"
    check "dump $base.$z from a pipe" cmp -s "$T/dump.want" "$T/dump.pipe"
    # An unchanged copy of a compressed input is the uncompressed file.
    "$CAPKIT" convert "$src.$z" -o "$T/out.$base"
    check "convert $base.$z is byte-identical to $base" cmp -s "$src" "$T/out.$base"
    # Round trips through compressed outputs.
    for oz in gz zst; do
      "$CAPKIT" convert "$src.$z" -o "$T/rt.$base.$oz"
      "$CAPKIT" convert "$T/rt.$base.$oz" -o "$T/rt.$base"
      check "$base $z -> $oz -> plain round trip" cmp -s "$src" "$T/rt.$base"
    done
  done
  gzip -dc "$T/rt.$base.gz" | cmp -s "$src" - && ok || not_ok "gzip reads capkit's $base.gz"
  zstd -q -dc "$T/rt.$base.zst" | cmp -s "$src" - && ok || not_ok "zstd reads capkit's $base.zst"
done

# tshark reads the compressed outputs too.
if command -v tshark >/dev/null; then
  a=$(tshark -r "$SEED" -T fields -e frame.len 2>/dev/null | tr '\n' ' ')
  b=$(tshark -r "$T/rt.seed.pcap.gz" -T fields -e frame.len 2>/dev/null | tr '\n' ' ')
  check_eq "tshark reads capkit's gzip output" "$a" "$b"
fi

# Damage: a cut stream stops with the compressed offset, exit 1, the
# records before it listed; nothing written without --keep-partial.
big=$T/big.pcap
"$CAPKIT" convert "$SEED" -o "$big"
/usr/bin/python3 - "$SEED" "$big" <<'PY'
import sys, struct, random
src = open(sys.argv[1], "rb").read()
hdr, body = src[:24], src[24:]
random.seed(7)
out = bytearray(hdr)
for i in range(4000):
    data = bytes(random.getrandbits(8) for _ in range(60 + i % 200))
    out += struct.pack("<IIII", 1700000000 + i, 0, len(data), len(data)) + data
open(sys.argv[2], "wb").write(out)
PY
gzip -c "$big" >"$T/big.gz"
size=$(stat -c %s "$T/big.gz")
head -c $((size / 2)) "$T/big.gz" >"$T/cut.gz"
"$CAPKIT" dump "$T/cut.gz" >"$T/cut.out" 2>"$T/cut.err"
check_eq "cut gzip exits 1" 1 $?
check "cut gzip message names the compressed offset" \
  grep -q "cut.gz: offset [0-9]*, record [0-9]*: read error: gzip data cut short at compressed byte $((size / 2))" "$T/cut.err"
n=$(wc -l <"$T/cut.out")
check "records before the cut are listed" test "$n" -gt 100 -a "$n" -lt 4000
check_exit "convert of a cut gzip exits 1" 1 "$CAPKIT" convert "$T/cut.gz" -o "$T/cut.pcap"
check "no output without --keep-partial" test ! -e "$T/cut.pcap"
check_exit "convert --keep-partial of a cut gzip exits 1" 1 \
  "$CAPKIT" convert "$T/cut.gz" -o "$T/cut.pcap.zst" --keep-partial
check_eq "--keep-partial keeps the records before the cut" "$n" \
  "$("$CAPKIT" dump "$T/cut.pcap.zst" | wc -l)"
zstd -q -c "$big" | head -c 3000 >"$T/cut.zst"
"$CAPKIT" info "$T/cut.zst" >/dev/null 2>"$T/zcut.err"
check_eq "cut zstd exits 1" 1 $?
check "cut zstd message" grep -q "zstd data cut short at compressed byte 3000" "$T/zcut.err"
# Unwritable compressed output: a clear error, exit 3, nothing left.
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ ! -w "$T/ro" ]; then
  check_exit "unwritable .gz output exits 3" 3 "$CAPKIT" convert "$SEED" -o "$T/ro/x.pcap.gz"
  check_eq "nothing left in the read-only dir" "" "$(ls -A "$T/ro")"
fi
if [ -w /dev/full ]; then
  check_exit "output to a full disk exits 3" 3 sh -c "'$CAPKIT' convert '$T/big.gz' -o - >/dev/full"
fi
chmod 755 "$T/ro"
finish

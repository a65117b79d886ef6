#!/bin/bash
# test_time_cli.sh - times outside 1678..2262 through the tool: slice
# --from/--to, retime, gen and the writers' limits, on pcapng files written
# by hand per the pcapng specification (if_tsresol, if_tsoffset). Expected
# times come from Python's datetime and from tshark.
. "$CAPKIT_TESTLIB"
need tshark

# mkng OUT TSRESOL TSOFFSET TIME...: a pcapng file with one Ethernet
# interface and one 14-byte packet per TIME (RFC 3339 UTC, fractions to
# the nanosecond); the 64-bit timestamp is (seconds - TSOFFSET) in units of
# 10^-TSRESOL s.
mkng() {
  $PY - "$@" <<'EOF'
import struct, sys
from datetime import datetime, timezone
out, res, off = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
E = datetime(1970, 1, 1, tzinfo=timezone.utc)
def blk(t, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack('<II', t, n) + body + struct.pack('<I', n)
def opt(code, v):
    return struct.pack('<HH', code, len(v)) + v + b'\0' * (-len(v) % 4)
f = blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
f += blk(1, struct.pack('<HHI', 1, 0, 0) + opt(9, bytes([res])) +
         opt(14, struct.pack('<q', off)) + opt(0, b''))
for s in sys.argv[4:]:
    base, _, frac = s.rstrip('Z').partition('.')
    d = datetime.fromisoformat(base).replace(tzinfo=timezone.utc) - E
    ns = (d.days * 86400 + d.seconds) * 10**9 + int((frac + '0' * 9)[:9])
    ts = (ns - off * 10**9) * 10**res // 10**9
    assert 0 <= ts < 2**64
    f += blk(6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, 14, 14) +
             bytes(range(14)))
open(out, 'wb').write(f)
EOF
}

# ttimes FILE: tshark's UTC time of every record, one a line;
# ptimes FILE: capkit's (dump); both "YYYY-MM-DD HH:MM:SS.fraction".
ttimes() { tshark -r "$1" -t ud -T fields -e _ws.col.Time 2>/dev/null; }
ptimes() { "$CAPKIT" dump "$1" | awk '{print $2, $3}'; }
# same WHAT FILE EXPECTED-LINES: capkit and tshark both show EXPECTED.
same() {
  check_eq "$1 (capkit)" "$3" "$(ptimes "$2")"
  check_eq "$1 (tshark)" "$3" "$(ttimes "$2")"
}

F23="2299-12-31T23:59:59.5Z 2300-01-01T00:00:00Z 2300-01-01T00:00:00.000000001Z 2300-06-01T12:00:00.25Z"
mkng "$T/y2300.pcapng" 9 0 $F23
# 1600 is before 1970: a negative if_tsoffset makes room for it
F16="1600-01-01T00:00:00Z 1600-01-01T00:00:00.75Z 1600-02-29T08:00:00.000001Z 1601-01-01T00:00:00Z"
mkng "$T/y1600.pcapng" 6 -12000000000 $F16

# The files read as written.
same "2300 times read exactly" "$T/y2300.pcapng" "2299-12-31 23:59:59.500000000
2300-01-01 00:00:00.000000000
2300-01-01 00:00:00.000000001
2300-06-01 12:00:00.250000000"
same "1600 times read exactly (if_tsoffset)" "$T/y1600.pcapng" "1600-01-01 00:00:00.000000
1600-01-01 00:00:00.750000
1600-02-29 08:00:00.000001
1601-01-01 00:00:00.000000"

# slice --from/--to in 2300
"$CAPKIT" slice "$T/y2300.pcapng" -o "$T/s1.pcapng" --from 2300-01-01T00:00:00Z
same "slice --from 2300-01-01" "$T/s1.pcapng" "2300-01-01 00:00:00.000000000
2300-01-01 00:00:00.000000001
2300-06-01 12:00:00.250000000"
"$CAPKIT" slice "$T/y2300.pcapng" -o "$T/s2.pcapng" --to 2300-01-01
same "slice --to 2300-01-01" "$T/s2.pcapng" "2299-12-31 23:59:59.500000000"
"$CAPKIT" slice "$T/y2300.pcapng" -o "$T/s3.pcapng" --from 2300-01-01T00:00:00.000000001Z --to 2300-06-01T12:00:00.25Z
same "slice 2300, nanosecond edges" "$T/s3.pcapng" "2300-01-01 00:00:00.000000001"
"$CAPKIT" slice "$T/y2300.pcapng" -o "$T/s4.pcapng" --from +0.5s --to +1s
same "slice relative in 2300" "$T/s4.pcapng" "2300-01-01 00:00:00.000000000
2300-01-01 00:00:00.000000001"
"$CAPKIT" slice "$T/y2300.pcapng" -o "$T/s5.pcapng" --from 2300-01-01T01:00:00+01:00 --to @10413792000.000000001
same "slice 2300 with an offset and @SECONDS" "$T/s5.pcapng" "2300-01-01 00:00:00.000000000"

# slice in 1600 (the output keeps the interface's if_tsoffset)
"$CAPKIT" slice "$T/y1600.pcapng" -o "$T/s6.pcapng" --from 1600-01-01T00:00:00.5Z --to 1601-01-01
same "slice --from/--to in 1600" "$T/s6.pcapng" "1600-01-01 00:00:00.750000
1600-02-29 08:00:00.000001"
"$CAPKIT" slice "$T/y1600.pcapng" -o "$T/s7.pcapng" --from 1600-02-29 --to 2300-01-01
same "slice from 1600 to 2300" "$T/s7.pcapng" "1600-02-29 08:00:00.000001
1601-01-01 00:00:00.000000"
"$CAPKIT" slice "$T/y1600.pcapng" -o "$T/s9.pcapng" 2-3
same "slice 2-3 of the 1600 file" "$T/s9.pcapng" "1600-01-01 00:00:00.750000
1600-02-29 08:00:00.000001"
check "slice keeps the 1600 file byte for byte" \
  "$CAPKIT" slice "$T/y1600.pcapng" -o "$T/s8.pcapng" --from 1599-12-31T23:59:59Z --to +9999h
check "... (cmp)" cmp -s "$T/y1600.pcapng" "$T/s8.pcapng"
check_exit "slice: an impossible date is a usage error" 2 \
  "$CAPKIT" slice "$T/y1600.pcapng" -o "$T/x.pcapng" --from 1600-02-30

# Records that go back in time across centuries: warned exactly, no
# overflow (microseconds and an if_tsoffset hold 1600 to 2300 at once).
mkng "$T/mix.pcapng" 6 -12000000000 2300-01-01T00:00:00Z 1600-01-01T00:00:00Z \
  1700-01-01T00:00:00Z 1699-12-31T23:59:59.999999Z
w=$("$CAPKIT" verify "$T/mix.pcapng" 2>&1)
check "verify: record 2 goes back 700 years" grep -q "record 2: time goes backwards by more than 292 years" <<<"$w"
check "verify: record 4 goes back 1000 ns" grep -q "record 4: time goes backwards by 1000 ns" <<<"$w"
check_eq "verify: two records go back" 2 "$(grep -c "goes backwards" <<<"$w")"

# retime on far times: exact, and refused (exit 1, record named) where the
# output cannot hold the time.
"$CAPKIT" retime "$T/y2300.pcapng" -o "$T/r1.pcapng" --shift=-1h
same "retime --shift -1h in 2300" "$T/r1.pcapng" "2299-12-31 22:59:59.500000000
2299-12-31 23:00:00.000000000
2299-12-31 23:00:00.000000001
2300-06-01 11:00:00.250000000"
"$CAPKIT" retime "$T/y2300.pcapng" -o "$T/r2.pcapng" --scale 2
same "retime --scale 2 in 2300, exact" "$T/r2.pcapng" "2299-12-31 23:59:59.500000000
2300-01-01 00:00:00.500000000
2300-01-01 00:00:00.500000002
2300-10-31 00:00:01.000000000"
"$CAPKIT" retime "$T/y1600.pcapng" -o "$T/r3.pcapng" --start 2024-01-01T00:00:00Z
same "retime --start from 1600 to 2024 keeps the intervals" "$T/r3.pcapng" \
  "2024-01-01 00:00:00.000000
2024-01-01 00:00:00.750000
2024-02-29 08:00:00.000001
2025-01-01 00:00:00.000000"

# 64-bit nanoseconds end at 2554-07-21T23:34:33.709551615Z: shifted by
# 8030000000 s, records 1-3 fit and record 4 does not.
err=$("$CAPKIT" retime "$T/y2300.pcapng" -o "$T/r4.pcapng" --shift 8030000000 2>&1 >/dev/null)
check_eq "retime past 2554 in nanoseconds: exit 1" 1 "$?"
check "... the message names record 4" grep -q "record 4: time 2554-11-16T07:33:20.250000000Z does not fit a pcapng timestamp" <<<"$err"
check "... and no output is left" test ! -e "$T/r4.pcapng"
err=$("$CAPKIT" retime "$T/y2300.pcapng" -o "$T/r5.pcap" -F pcap 2>&1 >/dev/null)
check_eq "retime 2300 into classic pcap: exit 1" 1 "$?"
check "... names record 1" grep -q "record 1: time 2299-12-31T23:59:59.500000000Z does not fit a pcap timestamp" <<<"$err"
check "... no output" test ! -e "$T/r5.pcap"
"$CAPKIT" gen -c 3 -i 1s --start 2024-01-01T00:00:00Z -o "$T/g.pcap" 'eth()/ipv4()/udp()'
err=$("$CAPKIT" retime "$T/g.pcap" -o "$T/r6.pcap" --scale 1e300 2>&1 >/dev/null)
check_eq "retime --scale 1e300: exit 1" 1 "$?"
check "... names record 2" grep -q "offset [0-9]*, record 2: the new time of 2024-01-01T00:00:01.000000000Z is out of range" <<<"$err"
check "... no output" test ! -e "$T/r6.pcap"
err=$("$CAPKIT" retime "$T/g.pcap" -o "$T/r7.pcap" --shift=-2000000000s 2>&1 >/dev/null)
check_eq "retime before 1970 into pcap: exit 1" 1 "$?"
check "... names record 1 and the time" grep -q "record 1: time 1960-.*Z does not fit a pcap timestamp" <<<"$err"
err=$("$CAPKIT" retime "$T/g.pcap" -o "$T/r8.pcap" --shift 9223372036854775807 2>&1 >/dev/null)
check_eq "retime --shift past int64 seconds: exit 1" 1 "$?"
check "... names record 1" grep -q "record 1: the new time of 2024-01-01T00:00:00.000000000Z is out of range" <<<"$err"
"$CAPKIT" retime "$T/g.pcap" -o "$T/r9.pcapng" -F pcapng --shift 2400000000s
same "retime --shift into 2100 (pcapng)" "$T/r9.pcapng" "2100-01-19 18:40:00.000000
2100-01-19 18:40:01.000000
2100-01-19 18:40:02.000000"
check_exit "retime --rate 1e-320 is a usage error" 2 \
  "$CAPKIT" retime "$T/g.pcap" -o "$T/x.pcap" --rate 1e-320

# gen: rates so low that times overflow are errors, not negative times.
err=$("$CAPKIT" gen -c 3 -r 1e-300 -o "$T/x.pcap" 'eth()' 2>&1 >/dev/null)
check_eq "gen -r 1e-300: usage error" 2 "$?"
check "... says the rate is too low" grep -q "too low" <<<"$err"
err=$("$CAPKIT" gen -c 3 -r 1e-10 -o "$T/x.pcap" 'eth()' 2>&1 >/dev/null)
check_eq "gen -r 1e-10 into pcap: exit 1 at record 2" 1 "$?"
check "... names record 2" grep -q "record 2: time 2286-11-20T17:46:40.000000000Z does not fit a pcap" <<<"$err"
check "... no output" test ! -e "$T/x.pcap"
"$CAPKIT" gen -c 3 -r 1e-10 -F pcapng -p us -o "$T/g2.pcapng" 'eth()'
same "gen -r 1e-10 into pcapng: 10^10 s steps, exact" "$T/g2.pcapng" "1970-01-01 00:00:00.000000
2286-11-20 17:46:40.000000
2603-10-11 11:33:20.000000"
check_exit "gen -r 1e-10 -p ns: 2603 is past 64-bit nanoseconds" 1 \
  "$CAPKIT" gen -c 3 -r 1e-10 -F pcapng -p ns -o "$T/x.pcapng" 'eth()'
"$CAPKIT" gen -c 2 -i 1ns --start 2300-01-01T00:00:00Z -F pcapng -o "$T/g3.pcapng" 'eth()'
same "gen --start 2300" "$T/g3.pcapng" "2300-01-01 00:00:00.000000000
2300-01-01 00:00:00.000000001"
check_exit "gen before 1970 into pcapng: exit 1" 1 \
  "$CAPKIT" gen -c 2 -i 1h --start 1969-12-31T22:00:00Z -F pcapng -o "$T/g4.pcapng" 'eth()'
check "... no output" test ! -e "$T/g4.pcapng"

# Seeded property test: random pcapng files (resolution us or ns, a random
# if_tsoffset, times anywhere from 1600 to 2500), random windows given as
# RFC 3339 with random zone offsets and fractions, and random shifts; the
# records kept and their times must be the ones Python's datetime computes,
# as both capkit and tshark read them, and a shift the interface cannot
# hold must fail with exit 1.
prop() {
  $PY - "$@" <<'EOF2'
import random, struct, sys
from datetime import datetime, timedelta
seed, out, exp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(seed)
E = datetime(1970, 1, 1)
res = rnd.choice([6, 9])
unit = 10 ** (9 - res)  # ns per unit
lo = int((datetime(1600, 1, 1) - E).total_seconds())
hi = int((datetime(2500, 1, 1) - E).total_seconds())
off = rnd.randint(lo, hi - 86400 * 365 * 300)
span = min(hi - off, (2**64 - 1) // 10**res - 1)  # seconds the units hold
n = rnd.randint(1, 12)
# times in ns, multiples of the unit; sometimes bunched within a second
base = rnd.randint(0, span // 2)
ts = sorted(rnd.choice([rnd.randint(0, span), base + rnd.randint(0, 2)]) *
            10**9 + rnd.randint(0, 10**9 // unit - 1) * unit for _ in range(n))
def blk(t, body):
    body += b'\0' * (-len(body) % 4)
    return struct.pack('<II', t, 12 + len(body)) + body + struct.pack('<I', 12 + len(body))
def opt(code, v):
    return struct.pack('<HH', code, len(v)) + v + b'\0' * (-len(v) % 4)
f = blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
f += blk(1, struct.pack('<HHI', 1, 0, 0) + opt(9, bytes([res])) +
         opt(14, struct.pack('<q', off)) + opt(0, b''))
for t in ts:
    u = t // unit
    f += blk(6, struct.pack('<IIIII', 0, u >> 32, u & 0xffffffff, 4, 4) + b'abcd')
open(out, 'wb').write(f)
def text(ns):  # RFC 3339 with a random zone and a fraction to the ns
    z = rnd.randint(-1439, 1439) if rnd.random() < 0.5 else 0
    d = E + timedelta(seconds=(off * 10**9 + ns) // 10**9 + z * 60)
    f = '%09d' % ((off * 10**9 + ns) % 10**9)
    zs = 'Z' if not z else '%s%02d:%02d' % ('-' if z < 0 else '+', abs(z) // 60, abs(z) % 60)
    return d.isoformat() + '.' + f + zs
def show(ns):  # what capkit dump and tshark -t ud print
    a = off * 10**9 + ns
    d = E + timedelta(seconds=a // 10**9)
    return d.isoformat(sep=' ') + '.' + ('%09d' % (a % 10**9))[:res]
# a window around random records, nudged by up to a microsecond
a = rnd.choice(ts) + rnd.randint(-1000, 1000)
b = rnd.choice(ts) + rnd.randint(-1000, 1000)
a, b = min(a, b), max(a, b) + rnd.randint(0, 1)
shift = rnd.randint(-400 * 365 * 86400, 400 * 365 * 86400) * 10**9 + rnd.randint(0, 10**9 // unit - 1) * unit
sh = '%d.%09ds' % divmod(shift, 10**9) if shift >= 0 else '-%d.%09ds' % divmod(-shift, 10**9)
fits = all(0 <= t + shift and (t + shift) // unit < 2**64 for t in ts)
with open(exp, 'w') as e:
    e.write(text(a) + '\n' + text(b) + '\n' + sh + '\n' + str(int(fits)) + '\n')
    for t in ts:
        if a <= t < b:
            e.write('K ' + show(t) + '\n')
    for t in ts:
        if fits:
            e.write('S ' + show(t + shift) + '\n')
EOF2
}
for seed in $(seq 1 25); do
  prop "$seed" "$T/p.pcapng" "$T/p.exp"
  from=$(sed -n 1p "$T/p.exp"); to=$(sed -n 2p "$T/p.exp")
  shift_by=$(sed -n 3p "$T/p.exp"); fits=$(sed -n 4p "$T/p.exp")
  rm -f "$T/p1.pcapng" "$T/p2.pcapng"
  if "$CAPKIT" slice "$T/p.pcapng" -o "$T/p1.pcapng" --from "$from" --to "$to"; then
    same "seed $seed: slice --from $from --to $to" "$T/p1.pcapng" \
      "$(sed -n 's/^K //p' "$T/p.exp")"
  else
    not_ok "seed $seed: slice --from $from --to $to failed"
  fi
  code=0
  "$CAPKIT" retime "$T/p.pcapng" -o "$T/p2.pcapng" "--shift=$shift_by" 2>"$T/p.err" || code=$?
  if [ "$fits" = 1 ]; then
    check_eq "seed $seed: retime --shift $shift_by exit" 0 "$code"
    same "seed $seed: retime --shift $shift_by" "$T/p2.pcapng" "$(sed -n 's/^S //p' "$T/p.exp")"
  else
    check_eq "seed $seed: retime --shift $shift_by out of range: exit" 1 "$code"
    check "seed $seed: ... the message names a record" grep -q "record [0-9]*: time .* does not fit a pcapng timestamp" "$T/p.err"
    check "seed $seed: ... no output" test ! -e "$T/p2.pcapng"
  fi
done

# --last keeps the last N whatever N (the ring grows by doubling)
"$CAPKIT" gen -c 300 -o "$T/many.pcap" 'eth()/ipv4(id=1+)'
"$CAPKIT" slice "$T/many.pcap" -o "$T/l1.pcap" --last 150
editcap -F pcap -r "$T/many.pcap" "$T/l2.pcap" 151-300 2>/dev/null
ids() { tshark -r "$1" -T fields -e ip.id -e frame.time_epoch 2>/dev/null; }
check_eq "slice --last 150 = editcap -r 151-300" "$(ids "$T/l2.pcap")" "$(ids "$T/l1.pcap")"
check_eq "... 150 records" 150 "$(ids "$T/l1.pcap" | wc -l)"

finish

# Hostile and damaged input against every command: truncation at every
# kind of boundary, garbage, huge and zero lengths, files that are not
# captures, directories, /dev/null, unreadable files, empty standard input
# and bad options. Each run must end with a documented exit code (never a
# signal), one error line naming the file (and, for damage, the byte offset
# and record number, known here from how the input was cut), and no output
# file left behind. Also the smaller defects found the same way: option
# errors printed once, every example of 'gen --help-spec' runs, the man
# page synopses show the options --help shows, plurals, gen's memory and
# spec-file bounds, comment's length limit, import's line numbers.
# Expected values come from the file layouts (pcap: libpcap's savefile
# format; pcapng: draft-ietf-opsawg-pcapng), from tcpdump for the records
# delivered before damage, and from tshark for the generated examples.
. "$CAPKIT_TESTLIB"
root=$(cd "$CAPKIT_TESTDATA/../.." && pwd)
C=$CAPKIT
good=$CAPKIT_TESTDATA/connection_termination.pcap
D=$T/in
O=$T/out
mkdir -p "$D" "$O"
# Sanitizer builds are slower and use more memory: the memory bounds are
# measured on the plain build only.
asan=0
grep -q __asan_init "$C" 2>/dev/null && asan=1

# run CMD...: runs in $O, sets $rc, $err (stderr) and $out (stdout).
run() {
  (cd "$O" && "$@") >"$T/stdout" 2>"$T/stderr"
  rc=$?
  err=$(cat "$T/stderr")
  out=$(cat "$T/stdout")
}
# expect WHAT CODE [PATTERN...]: the last run exited CODE (so no signal),
# printed exactly one error line (exit 1 and 3) matching every PATTERN
# (grep -E), and, when it failed, left nothing in the output directory.
expect() {
  local what=$1 code=$2 p
  shift 2
  if [ "$rc" -ne "$code" ]; then
    not_ok "$what: exit $rc, wanted $code ($(head -c 300 "$T/stderr"))"
  else
    ok
  fi
  [ "$rc" -lt 128 ] && ok || not_ok "$what: killed by signal $((rc - 128))"
  if [ "$code" -eq 1 ] || [ "$code" -eq 3 ]; then
    local lines
    lines=$(grep -c '' "$T/stderr")
    [ "$lines" -eq 1 ] && ok || not_ok "$what: $lines error lines, wanted 1"
  fi
  for p in "$@"; do
    grep -qE -- "$p" "$T/stderr" && ok ||
      not_ok "$what: error '$(head -c 300 "$T/stderr")' lacks /$p/"
  done
  if [ "$code" -ne 0 ]; then
    local left
    left=$(ls -A "$O")
    [ -z "$left" ] && ok || not_ok "$what: left behind: $left"
  fi
  rm -rf "${O:?}"/* "$O"/.[!.]* 2>/dev/null
}
esc() { printf '%s' "$1" | sed 's/[][\.*^$/+?(){}|]/\\&/g'; }

# ---- inputs ----
# connection_termination.pcap: 24-byte header, then records of 16+54,
# 16+60, 16+60, 16+54 bytes at offsets 24, 94, 170, 246; 316 bytes.
starts=(24 94 170 246)
cp "$good" "$D/good.pcap"
"$C" convert "$good" -F pcapng -o "$D/good.pcapng" || not_ok "pcapng input"
cut_at() { head -c "$2" "$D/good.$1" >"$D/cut-$2.$1"; }
# the record (from 1) holding byte k of the pcap, and where it starts
rec_of() {
  local k=$1 i
  for ((i = 3; i >= 0; i--)); do
    if [ "$k" -ge "${starts[$i]}" ]; then
      echo "$((i + 1)) ${starts[$i]}"
      return
    fi
  done
}
{ head -c 24 "$good"; printf '\1\0\0\0\0\0\0\0\377\377\377\377\377\377\377\377'
  head -c 64 /dev/zero; } >"$D/hugelen.pcap"
{ head -c 24 "$good"; printf '\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'; } >"$D/zerolen.pcap"
$PY -c 'import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(2000)))' >"$D/garbage.pcap"
printf 'this is not a capture\n' >"$D/text.pcap"
: >"$D/empty.pcap"
printf 'a' >"$D/onebyte.pcap"
mkdir "$D/adir"
gzip -c "$good" | head -c 60 >"$D/cut.pcap.gz"
zstd -q -c "$good" 2>/dev/null | head -c 60 >"$D/cut.pcap.zst"

# Every command that reads captures, with its arguments around IN. Each
# kind of damage meets all of them; the other places of the same kind meet
# the first three (the run stays short under the sanitizers).
all_cmds=(
  "info IN" "dump IN" "dump -x IN" "print IN" "print -v IN" "stats IN"
  "convert IN -o o.pcap" "comment IN -o o.pcapng" "merge -o o.pcap IN"
  "split IN --packets 1 -o s%d.pcap" "slice IN -o o.pcap" "filter tcp IN -o o.pcap"
  "dedup IN -o o.pcap" "sort IN -o o.pcap" "retime IN --shift 1s -o o.pcap"
  "snap 10 IN -o o.pcap"
)
few_cmds=("info IN" "dump IN" "convert IN -o o.pcap")
# attack INPUT CODE [PATTERN...]: every command of $cmds on INPUT; errors
# start with "capkit CMD: ", verify's lines with "error: ".
attack() {
  local in=$1 code=$2 c
  shift 2
  local -a pats=("$@")
  for c in "${cmds[@]}"; do
    local name=${c%% *}
    local -a argv=()
    local w
    for w in $c; do
      if [ "$w" = IN ]; then argv+=("$in"); else argv+=("$w"); fi
    done
    run "$C" "${argv[@]}"
    [ "$name" = show ] && name=print
    expect "capkit $c ($in)" "$code" "${pats[@]/#/^capkit $name: .*}"
  done
  # verify lists the problem on standard output, then a summary line
  run "$C" verify "$in"
  if [ "$code" -eq 1 ]; then
    [ "$rc" -eq 1 ] && ok || not_ok "verify $in: exit $rc, wanted 1"
    local p
    for p in "$@"; do
      grep -qE -- "^error: .*$p" "$T/stdout" && ok ||
        not_ok "verify $in: output lacks /$p/"
    done
  else
    [ "$rc" -eq "$code" ] && ok || not_ok "verify $in: exit $rc, wanted $code"
  fi
}

# ---- truncation at every kind of boundary (pcap) ----
# inside the file header, at its end, inside a record header, at the end of
# a record header, inside the data, one byte short of a record, at a record
# boundary, and a seeded sample of other places
cuts="1 10 23 24 25 30 39 40 50 93 94 95 170 171 245 316"
cuts="$cuts $($PY -c 'import random; r=random.Random(42); print(*r.sample(range(1,316),4))')"
for k in $cuts; do
  cut_at pcap "$k"
  f=$D/cut-$k.pcap
  fe=$(esc "$f")
  case " 10 30 171 " in
    *" $k "*) cmds=("${all_cmds[@]}") ;;
    *) cmds=("${few_cmds[@]}") ;;
  esac
  if [ "$k" -lt 24 ]; then
    attack "$f" 1 "$fe: offset [0-9]+: "
  elif [ "$k" -eq 24 ] || [ "$k" -eq 316 ] || [ "$k" -eq 94 ] ||
       [ "$k" -eq 170 ] || [ "$k" -eq 246 ]; then
    run "$C" info "$f"
    expect "info $f (cut at a record boundary)" 0
    run "$C" dump "$f"
    got=$(printf '%s\n' "$out" | grep -c '^[0-9]')
    want=$(tcpdump -nr "$f" 2>/dev/null | grep -c '')
    check_eq "records of $f, as tcpdump" "$want" "$got"
  else
    read -r rec off < <(rec_of "$k")
    attack "$f" 1 "$fe: offset $off, record $rec: "
    # the records before the damage, as tcpdump reads them
    run "$C" dump "$f"
    got=$(printf '%s\n' "$out" | grep -c '^[0-9]')
    check_eq "records before damage at $k" "$((rec - 1))" "$got"
    want=$(tcpdump -nr "$f" 2>/dev/null | grep -c '')
    check_eq "records before damage at $k, as tcpdump" "$want" "$got"
  fi
done

# ---- pcapng: inside the section header, its end, the interface block,
# a packet block, and a packet block missing its trailing length ----
n=$(stat -c %s "$D/good.pcapng")
for k in 10 28 40 200 $((n - 4)); do
  cut_at pcapng "$k"
  f=$D/cut-$k.pcapng
  cmds=("${few_cmds[@]}")
  [ "$k" -eq 200 ] && cmds=("${all_cmds[@]}")
  attack "$f" 1 "$(esc "$f"): offset [0-9]+, record [0-9]+: "
done

# ---- hostile files ----
cmds=("${all_cmds[@]}")
# the offset of the record, or of its length field
attack "$D/hugelen.pcap" 1 "hugelen.pcap: offset (24|32), record 1: .*4294967295"
attack "$D/garbage.pcap" 1 "garbage.pcap: offset 0: not a capture file"
attack "$D/adir" 3 "adir: .*[Dd]irectory"
cmds=("${few_cmds[@]}")
attack "$D/text.pcap" 1 "text.pcap: offset 0: not a capture file"
attack "$D/empty.pcap" 1 "empty.pcap: offset 0: empty file"
attack "$D/onebyte.pcap" 1 "onebyte.pcap: offset 0: only 1 byte: "
attack /dev/null 1 "/dev/null: offset 0: empty file"
attack "$D/missing.pcap" 3 "missing.pcap: .*No such file"
attack "$D/cut.pcap.gz" 1 "cut.pcap.gz: offset [0-9]+: .*cut short"
attack "$D/cut.pcap.zst" 1 "cut.pcap.zst: offset [0-9]+: .*cut short"
# a zero-length record is valid, and so is a file with no records
for f in "$D/zerolen.pcap" "$D/cut-24.pcap"; do
  run "$C" convert "$f" -o o.pcap
  [ "$rc" -eq 0 ] && cmp -s "$f" "$O/o.pcap" && ok || not_ok "convert $f: exit $rc"
  rm -f "$O/o.pcap"
done
# unreadable: as an unprivileged user when this runs as root
if [ "$(id -u)" -ne 0 ]; then
  cp "$good" "$D/locked.pcap"
  chmod 000 "$D/locked.pcap"
  attack "$D/locked.pcap" 3 "locked.pcap: .*Permission denied"
elif command -v setpriv >/dev/null &&
     setpriv --reuid=65534 --regid=65534 --clear-groups "$C" --version >/dev/null 2>&1; then
  cp "$good" "$D/locked.pcap"
  chmod 600 "$D/locked.pcap"
  chmod 755 "$T" "$D" # only the file itself is closed to that user
  chmod 777 "$O"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$C" info "$D/locked.pcap"
  expect "info of an unreadable file" 3 "locked.pcap: .*Permission denied"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$C" convert "$D/locked.pcap" -o o.pcap
  expect "convert of an unreadable file" 3 "locked.pcap: .*Permission denied"
  chmod 700 "$T" "$O"
fi

# ---- standard input ----
for c in info dump print stats; do
  run "$C" $c - </dev/null
  expect "$c of empty standard input" 1 "^capkit $c: stdin: offset 0: empty file"
  run "$C" $c - <"$D/cut-50.pcap"
  expect "$c of damaged standard input" 1 "^capkit $c: stdin: offset 24, record 1: "
done
run "$C" convert - -o o.pcap <"$D/cut-95.pcap"
expect "convert of damaged standard input" 1 "stdin: offset 94, record 2: "

# ---- outputs that cannot be written ----
run "$C" convert "$good" -o "$D/no/such/dir/o.pcap"
expect "convert into a missing directory" 3 "o.pcap: .*No such file"
run "$C" convert "$good" -o /dev/full
expect "convert to a full device" 3 "/dev/full: .*No space"
"$C" dump "$good" >/dev/full 2>"$T/stderr"
rc=$?
expect "dump to a full standard output" 3 "write error"

# ---- bad options: reported once, by name, with the --help hint ----
all=$("$C" --help | awk '/^Commands:/{on=1;next} on&&/^  [a-z]/{print $1} on&&/^$/{exit}')
for c in $all; do
  h=$c
  [ "$c" = show ] && h=print
  run "$C" "$c" --no-such-option
  expect "$c --no-such-option" 2
  check_eq "$c: a bad option is reported once" \
    "capkit $c: unrecognized option '--no-such-option'|Try 'capkit $h --help'." \
    "$(printf '%s' "$err" | paste -sd '|')"
  run "$C" "$c" -@
  check_eq "$c: a bad short option is reported once" \
    "capkit $c: invalid option -- '@'|Try 'capkit $h --help'." \
    "$(printf '%s' "$err" | paste -sd '|')"
done
run "$C" info -f
check_eq "a missing option argument is reported once" \
  "capkit info: option requires an argument -- 'f'|Try 'capkit info --help'." \
  "$(printf '%s' "$err" | paste -sd '|')"

# ---- gen and import on hostile text ----
# seeded random specs from the language's own pieces: a spec either builds
# (exit 0) or is refused with its column (exit 2); nothing else (the
# output directory is emptied after each run)
$PY - >"$T/specs" <<'PYEOF'
import random
r = random.Random(1234)
pieces = ["eth", "vlan", "ipv4", "ipv6", "udp", "tcp", "payload", "hbh",
          "tcp-session", "arp", "icmp", "(", ")", "/", ",", "=", "len", "opts",
          "0x", "ff", "-", "+", "@", "{", "}", "rand", "text=\"", "\\x", "9" * 30,
          "src", "1.2.3.4", "::", "pad", "segsize", "0", "65536", " "]
for _ in range(40):
    print("".join(r.choice(pieces) for _ in range(r.randrange(1, 14))))
PYEOF
while IFS= read -r spec; do
  run "$C" gen -c 2 -o o.pcap -- "$spec"
  case $rc in
    0) rm -f "$O/o.pcap"; ok ;;
    2) expect "gen '$spec'" 2 "^capkit gen: spec, column [0-9]+: " ;;
    *) not_ok "gen '$spec': exit $rc" ;;
  esac
done <"$T/specs"
# import: binary, a hex dump cut inside a line, an offset going backwards,
# an over-long line; errors count lines from 1
printf '0000 00 11 22 33\n0004 44 55\n0002 66\n' >"$D/back.txt"
run "$C" import "$D/back.txt" -o o.pcap
expect "import with an offset going back" 1 "^capkit import: .*back.txt: line 3: "
{ head -c 1100000 /dev/zero | tr '\0' a; echo; } >"$D/long1.txt"
run "$C" import "$D/long1.txt" -o o.pcap
expect "import of an over-long first line" 1 "^capkit import: .*long1.txt: line 1: line longer than 1 MiB"
{ printf '0000 00 11\n'; cat "$D/long1.txt"; } >"$D/long2.txt"
run "$C" import --packets "$D/long2.txt" -o o.pcap
expect "import of an over-long second line" 1 "^capkit import: .*long2.txt: line 2: line longer than 1 MiB"
run "$C" import "$D/adir" -o o.pcap
expect "import of a directory" 3 "^capkit import: .*adir: "
run "$C" import "$D/missing.txt" -o o.pcap
expect "import of a missing file" 3 "^capkit import: .*missing.txt: "

# ---- gen: every example of --help-spec builds, and tshark reads it ----
"$C" gen --help-spec | awk '/^Examples/{on=1;next} on&&/^  /{print}' |
  sed -e 's/^  //' -e 's/  *(.*)$//' >"$T/examples"
check "gen --help-spec has examples" test -s "$T/examples"
mapfile -t examples <"$T/examples"
for spec in "${examples[@]}"; do
  run "$C" gen -c 3 -o o.pcap "$spec"
  expect "gen --help-spec example '$spec'" 0
done
# all of them in one pcapng (a link type each): tshark finds every packet
# well formed
if command -v tshark >/dev/null; then
  "$C" gen -F pcapng -c 3 -o "$T/examples.pcapng" "${examples[@]}"
  tshark -r "$T/examples.pcapng" >"$T/tshark.txt" 2>/dev/null
  n=$(grep -c '' "$T/tshark.txt")
  [ "$n" -ge $((3 * ${#examples[@]})) ] && ok ||
    not_ok "tshark reads the --help-spec examples: $n packets"
  check_eq "malformed packets among the examples, as tshark" 0 \
    "$(grep -ci malformed "$T/tshark.txt")"
fi

# ---- gen: memory is what the streams need; the spec file is bounded ----
# 5000 one-packet streams took 330 MB (about 65 KB each); the bound is
# generous against ~35 MB now
$PY -c 'print("count=1 eth()/ipv4(src=10.0.0.1+)/udp()\n" * 5000, end="")' >"$D/streams.txt"
if [ "$asan" -eq 0 ] && [ -x /usr/bin/time ]; then
  /usr/bin/time -f %M -o "$T/rss" "$C" gen -o "$O/o.pcap" -f "$D/streams.txt"
  rc=$?
  rss=$(tail -n 1 "$T/rss")
  [ "$rc" -eq 0 ] && [ "$rss" -lt 120000 ] && ok ||
    not_ok "gen of 5000 streams: exit $rc, $rss KB (bound 120000 KB)"
  got=$(tcpdump -nr "$O/o.pcap" 2>/dev/null | grep -c '')
  check_eq "gen of 5000 streams: packets, as tcpdump" 5000 "$got"
  rm -f "$O/o.pcap"
  # a file that is no spec file ends at once, naming its line
  # (limited, so that a build with the defect cannot take the machine's
  # memory: it used to grow by about 1 GB a second)
  (ulimit -v 2000000; /usr/bin/time -f %M -o "$T/rss" timeout 10 "$C" gen -o "$O/o.pcap" -f /dev/zero 2>"$T/stderr")
  rc=$?
  rss=$(tail -n 1 "$T/rss")
  [ "$rss" -lt 50000 ] && ok || not_ok "gen -f /dev/zero: $rss KB"
  expect "gen -f /dev/zero" 2 "^capkit gen: /dev/zero line 1: "
fi
{ echo 'eth()/ipv4()/udp()'; printf 'eth()/ipv4()/udp()/payload(text="'
  head -c 1100000 /dev/zero | tr '\0' a; echo '")'; } >"$D/longspec.txt"
run "$C" gen -o o.pcap -f "$D/longspec.txt"
expect "gen with a spec line over 1 MiB" 2 "^capkit gen: .*longspec.txt line 2: longer than 1 MiB"
if [ "$asan" -eq 0 ]; then
  $PY -c 'print("eth()\n" * 100001, end="")' >"$D/many.txt"
  run "$C" gen -o o.pcap -f "$D/many.txt"
  expect "gen with too many streams" 2 "^capkit gen: .*many.txt line 100001: more than 100000 streams"
fi
head -c 3000 "$good" >"$D/capture-as-spec"
run "$C" gen -o o.pcap -f "$D/capture-as-spec"
expect "gen -f on a capture file" 2 "^capkit gen: .*capture-as-spec line [0-9]+: "

# a wrapped payload longer than the spec's own packets grows gen's buffer:
# a 60000-byte packet behind eth/ipv4/udp, lengths as tshark reads them
if command -v tshark >/dev/null; then
  $PY -c '
d = bytes(range(256)) * 235
for o in range(0, 60000, 16):
    print("%06x " % o + " ".join("%02x" % b for b in d[o:o + 16]))' >"$D/big.txt"
  run "$C" import --wrap 'eth()/ipv4()/udp()' "$D/big.txt" -o o.pcap
  check_eq "import --wrap of 60000 bytes" 0 "$rc"
  check_eq "the wrapped packet, as tshark reads it (1: checksum good)" "60028,60008,1" \
    "$(tshark -r "$O/o.pcap" -o udp.check_checksum:TRUE -T fields -E separator=, \
       -e ip.len -e udp.length -e udp.checksum.status 2>/dev/null)"
  rm -f "$O/o.pcap"
fi

# ---- comment: pcapng comments hold at most 65535 bytes ----
big=$(head -c 65536 /dev/zero | tr '\0' c)
run "$C" comment "$good" -o o.pcapng -a "1:$big"
expect "a packet comment of 65536 bytes" 2 "^capkit comment: the comment for record 1 is 65536 bytes"
run "$C" comment "$good" -o o.pcapng -s "$big"
expect "a section comment of 65536 bytes" 2 "^capkit comment: the section comment is 65536 bytes"
run "$C" comment "$good" -o o.pcapng -a "2:${big:1}"
[ "$rc" -eq 0 ] && ok || not_ok "a packet comment of 65535 bytes: exit $rc"
if command -v tshark >/dev/null; then
  n=$(tshark -r "$O/o.pcapng" -Y 'frame.number == 2' -T fields -e frame.comment 2>/dev/null |
      tr -d '\n' | wc -c)
  check_eq "the 65535-byte comment, as tshark reads it" 65535 "$n"
fi
rm -f "$O/o.pcapng"

# ---- counts in messages: "1 record", "2 records" ----
run "$C" verify "$D/cut-95.pcap"
printf '%s\n' "$out" | grep -q "DAMAGED: 1 good record before the damage, 1 intact record in all, 1 damaged place, 0 warnings" && ok ||
  not_ok "verify: singular count: $out"
"$C" slice "$good" -o "$D/one.pcap" 1 || not_ok "slice 1"
run "$C" verify "$D/one.pcap"
check_eq "verify of one record" "$D/one.pcap: OK: 1 record, 0 warnings" "$out"
run "$C" convert "$D/cut-95.pcap" -o o.pcap --keep-partial
printf '%s\n' "$err" | grep -q "kept 1 record before the damage" && ok ||
  not_ok "convert --keep-partial: singular count: $err"
rm -f "$O/o.pcap"

# ---- the man page synopses show the options --help shows ----
man=$root/docs/capkit.1
for c in info dump convert verify; do
  syn=$("$C" $c --help | head -n 1 | sed 's/^usage: //')
  mansyn=$(grep "^\.SS capkit $c\b" "$man" | sed -e 's/^\.SS //' -e 's/\\-/-/g')
  check_eq "man page synopsis of $c" "$syn" "$mansyn"
  sec=$(awk -v c="$c" '/^\.SS /{on=($2=="capkit" && $3==c)} on' "$man" | sed 's/\\-/-/g')
  for o in $("$C" $c --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    [ "$o" = --help ] && continue
    grep -q -- "$o" <<<"$sec" && ok || not_ok "man page of $c lacks $o"
  done
done

# ---- the fuzz corpus replay fails when it replays nothing real ----
rp=${CAPKIT_BUILDDIR:-}/tests/replay_fuzz_reader
if [ -x "$rp" ]; then
  "$rp" "$root/tests/fuzz/corpus/reader" >/dev/null 2>&1
  check_eq "replay of the reader corpus" 0 $?
  "$rp" "$D/no-such-corpus" >/dev/null 2>&1
  check_eq "replay of a missing corpus fails" 1 $?
  mkdir "$D/corpus-empty"
  "$rp" "$D/corpus-empty" >/dev/null 2>&1
  check_eq "replay of an empty corpus fails" 1 $?
  mkdir -p "$D/corpus-bad/unreadable"
  cp "$good" "$D/corpus-bad/good"
  "$rp" "$D/corpus-bad" >/dev/null 2>&1
  check_eq "replay of a corpus with an entry it cannot read fails" 1 $?
fi

# ---- scripts/install-deps.sh and the two README commands ----
deps=$root/scripts/install-deps.sh
if command -v apt-cache >/dev/null && command -v dpkg-query >/dev/null; then
  bash "$deps" --dry-run >"$T/deps" 2>"$T/deps.err"
  check "install-deps --dry-run lists its packages" test -s "$T/deps"
  # one apt-cache call for all: "NAME:" then its Installed/Candidate lines
  # shellcheck disable=SC2046
  apt-cache policy $(cut -d' ' -f1 "$T/deps") 2>/dev/null |
    awk '/^[^ ]/{sub(/:$/,""); p=$1} /^  (Installed|Candidate): [^(]/{print p}' |
    sort -u >"$T/known"
  while read -r p state; do
    grep -qx -- "$p" "$T/known" && ok ||
      not_ok "install-deps chose '$p', unknown to apt-cache policy"
    case $state in installed | missing) ok ;; *) not_ok "dry run state '$state'" ;; esac
  done <"$T/deps"
  for p in libpcap-dev libzstd-dev zlib1g-dev libssl-dev cmake gcc libc6-dev tshark \
    abigail-tools pcapfix python3-pytest python3-hypothesis python3-cffi \
    python3-numpy chromium; do
    grep -q "^$p " "$T/deps" && ok || not_ok "install-deps lacks $p"
  done
  if command -v clang >/dev/null; then
    n=$(clang --version | sed -n 's/.*clang version \([0-9]*\)\..*/\1/p' | head -n 1)
    grep -qE "^libclang-(rt|common)-$n-dev " "$T/deps" && ok ||
      not_ok "install-deps does not pick the runtime of clang $n: $(grep libclang "$T/deps")"
  fi
  bash "$deps" --build --dry-run >"$T/deps-build"
  grep -q "^libpcap-dev " "$T/deps-build" && ! grep -q "^tshark " "$T/deps-build" && ok ||
    not_ok "install-deps --build: $(tr '\n' ' ' <"$T/deps-build")"
  # apt-get runs only for what is missing, and updates only then; the
  # stand-in commands live in the scratch directory and nowhere else
  : "${T:?}"
  mkdir -p "$T/bin"
  printf '#!/bin/sh\necho "$*" >>"%s/apt.log"\n' "$T" >"$T/bin/apt-get"
  printf '#!/bin/sh\n"$@"\n' >"$T/bin/sudo"
  printf '#!/bin/sh\n[ "$3" = libzstd-dev ] && exit 1\necho "install ok installed"\n' >"$T/bin/dpkg-query"
  chmod +x "$T/bin/"*
  PATH=$T/bin:$PATH bash "$deps" --build >/dev/null 2>&1
  check_eq "install-deps with libzstd-dev missing" \
    "update -q|install -y -q --no-install-recommends libzstd-dev" \
    "$(paste -sd '|' "$T/apt.log" 2>/dev/null)"
  rm -f "$T/apt.log"
  printf '#!/bin/sh\necho "install ok installed"\n' >"$T/bin/dpkg-query"
  PATH=$T/bin:$PATH bash "$deps" >/dev/null 2>&1
  check "install-deps with nothing missing runs no apt-get" test ! -e "$T/apt.log"
fi
# the demo runs, and fails when a step does not give its exit status
bash "$root/scripts/demo.sh" "$C" >"$T/demo.out" 2>&1
check_eq "scripts/demo.sh" 0 "$?"
printf '#!/bin/sh\nexit 3\n' >"$T/broken"
chmod +x "$T/broken"
bash "$root/scripts/demo.sh" "$T/broken" >/dev/null 2>&1
check_eq "scripts/demo.sh with a tool that fails" 1 "$?"
# make demo installs the build packages first, like make check all of them
make -n -C "$root" demo 2>/dev/null | grep -q 'install-deps.sh --build' && ok ||
  not_ok "make demo does not install the build packages"
# a missing package is named by make: cmake's report is not hidden (a
# stand-in cmake says what CMake 3.25 says without libpcap: the package on
# standard output, the failure on standard error)
mkdir -p "$T/cm"
cat >"$T/cm/cmake" <<'SH'
#!/bin/sh
echo "-- Checking for module 'libpcap'"
echo "--   Package 'libpcap', required by 'virtual:world', not found"
echo "CMake Error: A required package was not found" >&2
exit 1
SH
chmod +x "$T/cm/cmake"
mkdir "$T/src"
cp "$root/Makefile" "$T/src/"
PATH=$T/cm:$PATH make -C "$T/src" build >"$T/make.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -q "Package 'libpcap'.* not found" "$T/make.out" && ok ||
  not_ok "make build without libpcap: exit $rc, the message does not name libpcap"

finish

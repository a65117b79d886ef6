# test_damage_all.sh - every command that reads captures, on the same
# damaged inputs: exit status 1, one error line naming the file, the byte
# offset and the record, the records before the damage still delivered,
# and no output (nor temporary file) left behind unless --keep-partial.
. "$CAPKIT_TESTLIB"
need gzip cmp

# Two sound captures of 30 records of different sizes, then damaged copies.
"$CAPKIT" gen -c 30 -o "$T/base.pcap" \
  'eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=10-70,rand)'
"$CAPKIT" gen -F pcapng -c 30 -o "$T/base.pcapng" \
  'eth()/ipv4(src=10.0.0.1+)/tcp(dport=80)/payload(len=5-60,rand)'
"$CAPKIT" gen -c 2000 -o "$T/long.pcap" \
  'eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=100,rand)'
gzip -c "$T/long.pcap" | head -c 20000 >"$T/cut.pcap.gz"

# The damaged files and where their damage is, found by walking the
# records here (not by asking capkit): NAME OFFSET RECORD GOOD, RECORD '-'
# when the damage is in the file header.
"$PY" - "$T" >"$T/cases" <<'EOF'
import gzip, struct, sys
t = sys.argv[1]
def recs(b):  # classic pcap: start offsets of the whole records
    off, out = 24, []
    while off + 16 <= len(b):
        cap = struct.unpack_from('<I', b, off + 8)[0]
        if off + 16 + cap > len(b):
            break
        out.append(off)
        off += 16 + cap
    return out, off
def blocks(b):  # pcapng: start offsets of the packet blocks
    off, out = 0, []
    while off + 8 <= len(b):
        typ, ln = struct.unpack_from('<II', b, off)
        if typ == 6:
            out.append(off)
        off += ln
    return out
def put(name, data):
    open(f'{t}/{name}', 'wb').write(data)
p = open(f'{t}/base.pcap', 'rb').read()
r, _ = recs(p)
r21 = r[20]
put('header_cut.pcap', p[:20]);              print('header_cut.pcap 20 - 0')
put('garbage_magic.pcap', b'GARBAGE!' + p[8:]); print('garbage_magic.pcap 0 - 0')
put('record_header_cut.pcap', p[:r21 + 7]);  print(f'record_header_cut.pcap {r21} 21 20')
put('record_data_cut.pcap', p[:r21 + 30]);   print(f'record_data_cut.pcap {r21} 21 20')
b = bytearray(p)
struct.pack_into('<I', b, r21 + 8, 0x7fffffff)
put('caplen_absurd.pcap', bytes(b));         print(f'caplen_absurd.pcap {r21 + 8} 21 20')
n = bytearray(open(f'{t}/base.pcapng', 'rb').read())
e21 = blocks(n)[20]
struct.pack_into('<I', n, e21 + 4, 13)
put('block_length_bad.pcapng', bytes(n));    print(f'block_length_bad.pcapng {e21 + 4} 21 20')
# a gzip stream cut short: the damage is at the first record not whole
with gzip.open(f'{t}/cut.pcap.gz') as f:
    d = b''
    try:
        while True:
            c = f.read(1)
            if not c: break
            d += c
    except EOFError:
        pass
r, end = recs(d)
print(f'cut.pcap.gz {end} {len(r) + 1} {len(r)}')
EOF
check_eq "seven damaged inputs" 7 "$(wc -l <"$T/cases")"

READERS="info dump verify print stats"
WRITERS="convert comment merge split slice filter dedup sort retime snap"
# argv CMD IN OUT: the arguments of a writing command
argv() {
  case $1 in
  convert | slice | dedup | sort) echo "$1 $2 -o $3" ;;
  comment) echo "comment $2 -o $3 -s note" ;;
  merge) echo "merge -o $3 $2" ;;
  split) echo "split $2 --packets 7 -o $3" ;;
  filter) echo "filter ip $2 -o $3" ;;
  retime) echo "retime $2 -o $3 --shift 1s" ;;
  snap) echo "snap 40 $2 -o $3" ;;
  esac
}
# the error line: exactly one, naming command, file, offset (and record)
error_line() { # WHAT CMD FILE OFF REC ERRFILE
  local want="capkit $2: $3: offset $4"
  [ "$5" = - ] && want="$want: " || want="$want, record $5: "
  check_eq "$1: one line on stderr" 1 "$(wc -l <"$6")"
  case $(head -n 1 "$6") in
  "$want"*) ok ;;
  *) not_ok "$1: error line [$(head -n 1 "$6")] does not start [$want]" ;;
  esac
}

while read -r name off rec good; do
  f=$T/$name
  for cmd in $READERS; do
    what="$cmd $name"
    "$CAPKIT" "$cmd" "$f" >"$T/out" 2>"$T/err"
    check_eq "$what: exit" 1 $?
    case $cmd in
    verify)
      # verify lists the error and a summary on stdout
      check_eq "$what: nothing on stderr" "" "$(cat "$T/err")"
      grep '^error: ' "$T/out" | sed 's/^error: /capkit verify: /' >"$T/err"
      error_line "$what" "$cmd" "$f" "$off" "$rec" "$T/err"
      check "$what: summary counts the good records" \
        grep -q "^$f: DAMAGED: $good good records before the damage" "$T/out"
      ;;
    info)
      error_line "$what" "$cmd" "$f" "$off" "$rec" "$T/err"
      if [ "$rec" != - ]; then
        check "$what: counts the records before the damage" \
          grep -q "^Packets: *$good$" "$T/out"
        check "$what: shows the error" grep -q "^Error: *$f: offset $off" "$T/out"
      fi
      ;;
    stats)
      error_line "$what" "$cmd" "$f" "$off" "$rec" "$T/err"
      [ "$rec" != - ] && check "$what: counts the records before the damage" \
        grep -q "^Packets: $good$" "$T/out"
      ;;
    *) # dump, print: one line per record before the damage
      error_line "$what" "$cmd" "$f" "$off" "$rec" "$T/err"
      check_eq "$what: lists the records before the damage" "$good" "$(wc -l <"$T/out")"
      ;;
    esac
  done
  for cmd in $WRITERS; do
    what="$cmd $name"
    rm -rf "$T/o" && mkdir "$T/o"
    # shellcheck disable=SC2046
    "$CAPKIT" $(argv "$cmd" "$f" "$T/o/out.pcap") >"$T/out" 2>"$T/err"
    check_eq "$what: exit" 1 $?
    error_line "$what" "$cmd" "$f" "$off" "$rec" "$T/err"
    check_eq "$what: no output, no temporary file" "" "$(ls -A "$T/o")"
    check_eq "$what: nothing on stdout" "" "$(cat "$T/out")"
  done
  # --keep-partial: the records before the damage, as a sound file
  [ "$rec" = - ] && continue
  for cmd in $WRITERS; do
    [ "$cmd" = comment ] && continue # no --keep-partial
    what="$cmd --keep-partial $name"
    rm -rf "$T/o" && mkdir "$T/o"
    # shellcheck disable=SC2046
    "$CAPKIT" $(argv "$cmd" "$f" "$T/o/out.pcap") --keep-partial >/dev/null 2>"$T/err"
    check_eq "$what: exit" 1 $?
    check "$what: the error is still said" grep -q "offset $off, record $rec: " "$T/err"
    got=0
    for o in "$T"/o/*; do
      case ${o##*/} in .*) not_ok "$what: temporary file ${o##*/} left" ;; esac
      check_exit "$what: ${o##*/} verifies" 0 "$CAPKIT" verify -q "$o"
      got=$((got + $("$CAPKIT" dump "$o" | wc -l)))
    done
    check_eq "$what: the records before the damage" "$good" "$got"
  done
done <"$T/cases"

# damage on standard input: the same, the file named 'stdin'
"$CAPKIT" dump - <"$T/record_data_cut.pcap" >"$T/out" 2>"$T/err"
check_eq "dump of damaged stdin: exit" 1 $?
error_line "dump of damaged stdin" dump stdin \
  "$(awk '$1 == "record_data_cut.pcap" { print $2 }' "$T/cases")" 21 "$T/err"
check_eq "dump of damaged stdin: records before the damage" 20 "$(wc -l <"$T/out")"
# a damaged second input of merge: nothing written
rm -rf "$T/o" && mkdir "$T/o"
"$CAPKIT" merge -o "$T/o/m.pcap" "$T/base.pcap" "$T/record_data_cut.pcap" 2>"$T/err"
check_eq "merge with a damaged second input: exit" 1 $?
check "merge names the damaged input" grep -q "record_data_cut.pcap: offset" "$T/err"
check_eq "merge with a damaged input: no output" "" "$(ls -A "$T/o")"

# a filter that compiles for the first interface but not for a later
# record's (Ethernet addresses on raw IP): exit 2, one line naming the
# file and the record, no output left
"$CAPKIT" gen -F pcapng -o "$T/two.pcapng" 'eth()/ipv4()/udp()' 'ipv4()/udp()'
F='ether host 1:2:3:4:5:6 or udp'
for cmd in info dump print stats $WRITERS; do
  [ "$cmd" = comment ] && continue # no -f
  rm -rf "$T/o" && mkdir "$T/o"
  case $cmd in
  info | dump | print | stats) args="$cmd -f EXPR $T/two.pcapng" ;;
  filter) args="filter EXPR $T/two.pcapng -o $T/o/out.pcapng" ;;
  *) args="$(argv "$cmd" "$T/two.pcapng" "$T/o/out.pcapng") -f EXPR" ;;
  esac
  # shellcheck disable=SC2086
  set -- $args
  for i in $(seq $#); do
    a=${!i}
    [ "$a" = EXPR ] && a=$F
    set -- "$@" "$a"
  done
  shift $(($# / 2))
  "$CAPKIT" "$@" >/dev/null 2>"$T/err"
  check_eq "$cmd -f (not for every link type): exit" 2 $?
  check_eq "$cmd -f (not for every link type): one line" 1 "$(wc -l <"$T/err")"
  check "$cmd -f (not for every link type): names the file" grep -q "two.pcapng: " "$T/err"
  check_eq "$cmd -f (not for every link type): no output" "" "$(ls -A "$T/o")"
  check "$cmd -f (not for every link type): names the record" \
    grep -q "^capkit $cmd: $T/two.pcapng: record 2: filter '$F': " "$T/err"
done

finish

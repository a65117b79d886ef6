. "$CAPKIT_TESTLIB"
# test_pcapng_cli.sh - the tool on pcapng: convert both ways, info's
# sections and interfaces, comment, split by interface, damaged input.
IN="$CAPKIT_TESTDATA/connection_termination.pcap"

check "convert --help names pcapng" sh -c "'$CAPKIT' convert --help | grep -q pcapng"
check "comment --help" sh -c "'$CAPKIT' comment --help | grep -q 'section-comment'"

"$CAPKIT" convert --format pcapng "$IN" -o "$T/a.pcapng"
check_eq "pcapng output starts with a section header" "0a0d0d0a" \
  "$(od -An -tx1 -N4 "$T/a.pcapng" | tr -d ' ')"
"$CAPKIT" convert --format pcap "$T/a.pcapng" -o "$T/back.pcap"
check "pcap -> pcapng -> pcap is byte-identical" cmp -s "$IN" "$T/back.pcap"
"$CAPKIT" convert "$T/a.pcapng" -o "$T/copy.pcapng"
check "pcapng copy is byte-identical" cmp -s "$T/a.pcapng" "$T/copy.pcapng"
"$CAPKIT" convert -F pcapng -p ns -b big "$IN" -o "$T/ns.pcapng"
check_eq "same records whatever the settings" "$("$CAPKIT" dump -x "$IN" | sed 's/0* caplen/ caplen/')" \
  "$("$CAPKIT" dump -x "$T/ns.pcapng" | sed 's/0* caplen/ caplen/; s/ iface 0//')"

J=$("$CAPKIT" info --json "$T/ns.pcapng")
check_eq "info json: sections and interfaces" "1 big 1 4 9" \
  "$(echo "$J" | $PY -c 'import json,sys; j=json.load(sys.stdin); print(len(j["sections"]), j["sections"][0]["byte_order"], len(j["interfaces"]), j["interfaces"][0]["packets"], j["interfaces"][0]["tsresol"])')"
check "info text lists interfaces" sh -c "'$CAPKIT' info '$T/ns.pcapng' | grep -q '^  Interface 0: .*4 packets'"
check "info of a pcap has no sections" sh -c "! '$CAPKIT' info '$IN' | grep -q '^Sections'"

"$CAPKIT" comment "$IN" -o "$T/c.pcapng" -a "2:two" -a "3:three" -s "hello"
check_eq "comments set" "$(printf '2 "two"\n3 "three"')" \
  "$("$CAPKIT" dump "$T/c.pcapng" | sed -n 's/^\([0-9]*\) .* comment /\1 /p')"
check "section comment set" sh -c "'$CAPKIT' info '$T/c.pcapng' | grep -q 'comment \"hello\"'"
"$CAPKIT" comment "$T/c.pcapng" -o "$T/c2.pcapng" -d 3 --delete-section-comment
check_eq "comment removed" '2 "two"' \
  "$("$CAPKIT" dump "$T/c2.pcapng" | sed -n 's/^\([0-9]*\) .* comment /\1 /p')"
check "section comment removed" sh -c "! '$CAPKIT' info '$T/c2.pcapng' | grep -q 'comment \"hello\"'"
check_exit "comment on a missing record" 2 "$CAPKIT" comment "$IN" -o "$T/no.pcapng" -a 99:x
check "no output after a usage error" test ! -e "$T/no.pcapng"
check_exit "comment without -o" 2 "$CAPKIT" comment "$IN"

# Two interfaces: concatenated sections of both byte orders.
cat "$T/a.pcapng" "$T/ns.pcapng" >"$T/two.pcapng"
check_eq "two sections read" "8 2 2" \
  "$("$CAPKIT" info --json "$T/two.pcapng" | $PY -c 'import json,sys; j=json.load(sys.stdin); print(j["packets"], len(j["sections"]), len(j["interfaces"]))')"
"$CAPKIT" convert "$T/two.pcapng" -o "$T/two_copy.pcapng"
check "multi-section copy is byte-identical" cmp -s "$T/two.pcapng" "$T/two_copy.pcapng"
"$CAPKIT" convert -F pcap --split-by-interface "$T/two.pcapng" -o "$T/s.pcap"
check "split writes one pcap per interface" cmp -s "$IN" "$T/s-0.pcap"
check_eq "split keeps the second interface's packets" 4 \
  "$("$CAPKIT" dump "$T/s-1.pcap" | wc -l)"

# Damage: every record before it is listed, then a clear error, exit 1.
head -c $(( $(wc -c <"$T/a.pcapng") - 10 )) "$T/a.pcapng" >"$T/cut.pcapng"
out=$("$CAPKIT" dump "$T/cut.pcapng" 2>"$T/err")
rc=$?
check_eq "truncated: exit 1" 1 "$rc"
check_eq "truncated: records before the damage" 3 "$(echo "$out" | wc -l)"
check "truncated: message names offset, record and block" \
  grep -q 'offset [0-9]*, record 4: block [0-9]* (enhanced packet): truncated' "$T/err"
check_exit "verify fails on damage" 1 "$CAPKIT" verify "$T/cut.pcapng"

finish

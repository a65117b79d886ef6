# test_print_tcpdump_detail.sh - what tcpdump -v and -vv print beyond the
# headers' fixed fields, against tcpdump -nn line by line: IPv4 options
# (timestamp, record and source routes, router alert), each also cut at
# every byte (tcpdump's "[|ip]" and "[truncated-option]"). Captures:
# tests/tools/gen_print_detail.py (scapy).
. "$CAPKIT_TESTLIB"
. "$(dirname "$CAPKIT_TESTLIB")/tools/print_tcpdump.sh"
GD=$(dirname "$CAPKIT_TESTLIB")/tools/gen_print_detail.py
"$PY" "$GD" "$T" >/dev/null 2>&1 || { not_ok "gen_print_detail.py failed"; finish; exit 1; }

for b in ipopt ipoptcut; do
  for o in "" -v -vv -vvv "-v -e" "-vv -x"; do cmp_tcpdump "$T/$b.pcap" "$o"; done
done
finish

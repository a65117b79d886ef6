#!/usr/bin/env bash
# make demo: the main job on the bundled sample (the four-packet TCP
# "connection termination" capture): summarize, check, list, decode,
# convert, see what happens to a damaged copy, and generate test packets
# straight into the decoder through a pipe.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
capkit=$(cd "$root" && realpath "${1:-build/capkit}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/tests/data/connection_termination.pcap" "$tmp/sample.pcap"
cd "$tmp"
sample=sample.pcap
run() { echo; echo "\$ capkit $*"; "$capkit" "$@"; echo "(exit $?)"; }
run info "$sample"
run verify "$sample"
run dump -x "$sample"
run print "$sample"
run convert "$sample" -o "be-ns.pcap" --byte-order big --precision ns
run info --json "be-ns.pcap"
head -c 200 "$sample" > "damaged.pcap"
run verify "damaged.pcap"
run convert "damaged.pcap" -o "rescued.pcap" --keep-partial
run info "rescued.pcap"
spec='eth(pad)/ipv4(src=10.0.0.1+,dst=10.0.0.2)/udp(dport=9)/payload(text="hello")'
echo; echo "\$ capkit gen -c 3 -o - '$spec' | capkit print -e -"
"$capkit" gen -c 3 -o - "$spec" | "$capkit" print -e -
echo "(exit $?)"
exit 0

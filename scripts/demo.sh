#!/usr/bin/env bash
# make demo: the main job on the bundled sample (the four-packet TCP
# "connection termination" capture): summarize, check, list, convert, and
# see what happens to a damaged copy.
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
run convert "$sample" -o "be-ns.pcap" --byte-order big --precision ns
run info --json "be-ns.pcap"
head -c 200 "$sample" > "damaged.pcap"
run verify "damaged.pcap"
run convert "damaged.pcap" -o "rescued.pcap" --keep-partial
run info "rescued.pcap"
exit 0

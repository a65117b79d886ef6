#!/usr/bin/env bash
# make demo: the main job on the bundled sample (the four-packet TCP
# "connection termination" capture): summarize, check, list, decode,
# convert, see what happens to a damaged copy, and generate test packets
# straight into the decoder through a pipe. Each step shows its exit status;
# the demo fails (exit 1) when one is not what the step should give.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
capkit=$(cd "$root" && realpath "${1:-build/capkit}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$root/tests/data/connection_termination.pcap" "$tmp/sample.pcap"
cd "$tmp"
sample=sample.pcap
wrong=0
# run WANT ARGS...: one step, which should exit with status WANT
run() {
  local want=$1 got
  shift
  echo; echo "\$ capkit $*"
  "$capkit" "$@"
  got=$?
  echo "(exit $got)"
  if [ "$got" -ne "$want" ]; then
    echo "demo: 'capkit $*' should exit $want" >&2
    wrong=1
  fi
}
run 0 info "$sample"
run 0 verify "$sample"
run 0 dump -x "$sample"
run 0 print "$sample"
run 0 convert "$sample" -o "be-ns.pcap" --byte-order big --precision ns
run 0 info --json "be-ns.pcap"
head -c 200 "$sample" > "damaged.pcap"
run 1 verify "damaged.pcap"
run 1 convert "damaged.pcap" -o "rescued.pcap" --keep-partial
run 0 info "rescued.pcap"
spec='eth(pad)/ipv4(src=10.0.0.1+,dst=10.0.0.2)/udp(dport=9)/payload(text="hello")'
echo; echo "\$ capkit gen -c 3 -o - '$spec' | capkit print -e -"
"$capkit" gen -c 3 -o - "$spec" | "$capkit" print -e -
got=$?
echo "(exit $got)"
[ "$got" -eq 0 ] || wrong=1
exit "$wrong"

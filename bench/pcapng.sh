#!/usr/bin/env bash
# pcapng.sh - pcapng against classic pcap on the same packets: reading
# (capkit info) and writing (capkit convert pcap->pcap vs pcap->pcapng),
# median of 5 runs each with hyperfine. Goal: pcapng within 10% of pcap.
# An unchanged pcap->pcap copy is mostly a kernel copy (copy_file_range),
# which a format change cannot be, so two fairer pairs follow: both
# outputs re-encoded (big-endian), and unchanged copies of each format.
#
# The corpus comes from the shared generator, ../shared/bench/gen_corpus.c
# seen from the repository root (CAPKIT_BENCH_SHARED overrides the
# directory). SIZE (default 200M) sets the corpus size, CAPKIT the binary.
set -euo pipefail
here=$(dirname "$0")
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$here/../../shared/bench"}
CAPKIT=${CAPKIT:-"$root/build/capkit"}
SIZE=${SIZE:-200M}
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 1; }
[ -f "$shared/gen_corpus.c" ] || { echo "no $shared/gen_corpus.c" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/in.pcap"
"$CAPKIT" convert -F pcapng "$tmp/in.pcap" -o "$tmp/in.pcapng"
ls -l "$tmp/in.pcap" "$tmp/in.pcapng"

hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/read.json" \
  -n "info pcap" "$CAPKIT info $tmp/in.pcap" \
  -n "info pcapng" "$CAPKIT info $tmp/in.pcapng"
hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/write.json" \
  -n "convert pcap->pcap" "$CAPKIT convert $tmp/in.pcap -o $tmp/out.pcap" \
  -n "convert pcap->pcapng" \
  "$CAPKIT convert -F pcapng $tmp/in.pcap -o $tmp/out.pcapng"

hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/encode.json" \
  -n "convert -b big pcap->pcap" \
  "$CAPKIT convert -b big $tmp/in.pcap -o $tmp/out.pcap" \
  -n "convert -b big pcap->pcapng" \
  "$CAPKIT convert -b big -F pcapng $tmp/in.pcap -o $tmp/out.pcapng"
hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/copy.json" \
  -n "copy pcap" "$CAPKIT convert $tmp/in.pcap -o $tmp/out.pcap" \
  -n "copy pcapng" "$CAPKIT convert $tmp/in.pcapng -o $tmp/out.pcapng"

python3 - "$tmp"/{read,write,encode,copy}.json <<'EOF'
import json, sys
for path in sys.argv[1:]:
    r = json.load(open(path))["results"]
    a, b = r[0], r[1]
    print("%-28s median %.3f s" % (a["command"], a["median"]))
    print("%-28s median %.3f s  (%+.1f%% vs pcap)" % (
        b["command"], b["median"], (b["median"] / a["median"] - 1) * 100))
EOF

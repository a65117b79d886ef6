#!/usr/bin/env bash
# python.sh - the Python package's speed in one run on one ~100 MiB
# capture from the shared generator: record iteration, columnar reads
# (read_batch), decoding to IP 5-tuples, generating and writing packets,
# against scapy and dpkt (bench/python_bench.py under Debian's python3),
# with the C library's own rates beside them (bench/python_rate.c: a
# capkit_reader_next loop, read_batch, view_batch, read_batch + 5-tuples,
# read(), mmap and from memory), so that the Python overhead per record
# shows, and the floors of the reading's stages (bench/python_floor.c).
# Reading speed depends on how the file is held in the page cache: a file
# just written by small writes is held in 4 KiB pages, one read back from
# disk (read-ahead) in large ones, which read() copies and a mapping maps
# at a fraction of the cost. Both states are measured (PAGECACHE=written,
# reread or both), the second for the reading figures only.
#   SIZE=100M   corpus size (gen_corpus -b)
#   RUNS=5      runs per figure (the median is shown, the best beside it)
#   PAGECACHE=both
#   SCAPY_DECODE=20000 SCAPY_CRAFT=5000  scapy's slices (its rates are
#               those of the slice); GEN_COUNT=1000000 packets generated
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${CAPKIT_BENCH_SHARED:-"$root/../shared/bench"}
SIZE=${SIZE:-100M}
RUNS=${RUNS:-5}
PY=/usr/bin/python3
[ -f "$root/build/libcapkit.so" ] || { echo "build first: make" >&2; exit 1; }
[ -f "$shared/gen_corpus.c" ] || { echo "no $shared/gen_corpus.c" >&2; exit 1; }
$PY -c 'import cffi, scapy, dpkt' 2>/dev/null ||
  { echo "needs python3-cffi, python3-scapy and python3-dpkt" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_corpus" "$shared/gen_corpus.c"
"$tmp/gen_corpus" -b "$SIZE" "$tmp/corpus.pcap" >/dev/null
cc -O2 -I"$root/include" -o "$tmp/rate" "$here/python_rate.c" \
  -L"$root/build" -lcapkit -Wl,-rpath,"$root/build"
cc -O2 -o "$tmp/floor" "$here/python_floor.c"
cat "$tmp/corpus.pcap" >/dev/null # a warm page cache for every reader
PAGECACHE=${PAGECACHE:-both}

# The C library's rates, then the package's against scapy and dpkt.
measure() {
  uptime
  echo "== the floors of the stages, without the library"
  "$tmp/floor" "$tmp/corpus.pcap" "$RUNS"
  echo "== the C library on its own (read(), mmap, from memory), $RUNS runs"
  for mode in read mmap mem; do
    for _ in $(seq "$RUNS"); do "$tmp/rate" "$tmp/corpus.pcap" "$mode"; done
  done
  echo "== the Python package, scapy and dpkt"
  PYTHONPATH="$root/python" CAPKIT_LIBRARY="$root/build/libcapkit.so" \
    $PY "$here/python_bench.py" "$tmp/corpus.pcap" "$RUNS"
  uptime
}

if [ "$PAGECACHE" != reread ]; then
  echo "=== page cache: the file as the generator wrote it"
  measure
fi
if [ "$PAGECACHE" != written ]; then
  # Out of the page cache (written back first), then read back from disk.
  $PY -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$tmp/corpus.pcap"
  cat "$tmp/corpus.pcap" >/dev/null
  echo "=== page cache: the file read back from disk"
  PYBENCH_ONLY=read measure
fi

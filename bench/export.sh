#!/usr/bin/env bash
# Field export benchmark: capkit export of five fields against tshark -T
# fields with the same fields, and capkit print (the line printer) as the
# yardstick; median of 5 runs each (3 for tshark) with a warm page cache.
# Run by hand: bash bench/export.sh
#   SIZE=200M    corpus size (gen_corpus -b)
#   OUT=dir      where the corpus goes (default bench/out)
#   REF=dir      the reference programs (default ../shared/bench)
set -euo pipefail
DEFAULT_SIZE=200M
. "$(dirname "$0")/lib.sh"
fields="-e frame.time_epoch -e ip.src -e ip.dst -e tcp.dstport -e frame.len"
# shellcheck disable=SC2086
median 5 capkit_print "$capkit" print "$f"
# shellcheck disable=SC2086
median 5 capkit_export_tsv "$capkit" export $fields "$f"
# shellcheck disable=SC2086
median 5 capkit_export_csv "$capkit" export --format csv $fields "$f"
# shellcheck disable=SC2086
median 3 tshark_fields tshark -r "$f" -T fields $fields

# test_byteorder.sh - byte orders and host-order pseudo-headers against the
# peers. Fixtures (tests/data/byteorder, made from the specifications by
# make.py there) hold the same packets as a little- and a big-endian host
# write them. capkit's copy in the other byte order must be the other
# host's file byte for byte; tcpdump -nn must print the same for the
# original and capkit's copy (pcap and pcapng); capkit's filters must
# match what tcpdump -r FILE EXPR matches on every file; merge of both
# orders must print as mergecap's merge does; every writer setting must
# read in tshark as the original; convert -b must keep the EPB options
# tshark shows.
. "$CAPKIT_TESTLIB"
need tcpdump mergecap tshark capinfos cmp
D=$CAPKIT_TESTDATA/byteorder

td() { tcpdump -nn -r "$1" 2>/dev/null; }
count() { "$CAPKIT" info "$1" | sed -n 's/^Packets: *//p'; }
other() { case $1 in le) echo be ;; be) echo le ;; esac; }
order() { case $1 in le) echo little ;; be) echo big ;; esac; }

EXPRS=("ip" "ip6" "udp" "tcp" "port 443" "udp port 53" "host 10.0.0.2"
  "not ip" "ip6 and tcp" "link[0:4] = 2" "link[12:2] = 3" "link[4:2] = 8"
  "link[16:4] = 0x123" "link[16:4] = 0x23010000")

# filter_counts FILE: for each expression, capkit filter's count equals
# the records tcpdump -r FILE EXPR keeps (written with -w, counted by
# capinfos: some packets print on several lines), or both refuse the
# expression; and capkit dump -f lists as many records.
filter_counts() {
  local f=$1 e want got
  for e in "${EXPRS[@]}"; do
    if tcpdump -r "$f" -w "$T/td.pcap" "$e" 2>/dev/null; then
      want=$(capinfos -c -M -T -r "$T/td.pcap" | cut -f2)
      "$CAPKIT" filter "$e" "$f" -o "$T/flt.pcap" 2>"$T/flt.err"
      got=$(count "$T/flt.pcap")
      check_eq "$(basename "$f"): filter '$e' = tcpdump -r" "$want" "$got"
      got=$("$CAPKIT" dump -f "$e" "$f" | grep -c '^ *[0-9]')
      check_eq "$(basename "$f"): dump -f '$e' = tcpdump -r" "$want" "$got"
    else
      check_exit "$(basename "$f"): '$e' refused as by tcpdump" 2 \
        "$CAPKIT" filter "$e" "$f" -o "$T/flt.pcap"
    fi
  done
}

for f in "$D"/*_le.pcap "$D"/*_be.pcap; do
  base=$(basename "$f" .pcap)
  name=${base%_*} bo=${base##*_}
  to=$(other "$bo")
  out=$T/${name}_conv_$to.pcap
  check_exit "$base: convert -b $(order "$to")" 0 \
    "$CAPKIT" convert -b "$(order "$to")" "$f" -o "$out"
  check_eq "$base: converted byte order" "$(order "$to")" \
    "$("$CAPKIT" info "$out" | sed -n 's/^Byte order: *\([a-z]*\)-endian/\1/p')"
  if [ -e "$D/${name}_$to.pcap" ]; then
    check "$base: convert -b $(order "$to") = the $(order "$to")-endian host's file" \
      cmp -s "$out" "$D/${name}_$to.pcap"
  fi
  check "$base: tcpdump -nn prints the converted copy as the original" \
    cmp -s <(td "$f") <(td "$out")
  # pcapng in the other byte order: libpcap swaps the pseudo-headers of a
  # pcapng section too.
  ng=$T/${name}_conv_$to.pcapng
  "$CAPKIT" convert -F pcapng -b "$(order "$to")" "$f" -o "$ng"
  check "$base: tcpdump -nn prints the pcapng copy as the original" \
    cmp -s <(td "$f") <(td "$ng")
  filter_counts "$f"
  filter_counts "$out"
done
filter_counts "$T/null_conv_be.pcapng"

# merge: records of both byte orders in one (native) file, as mergecap
# writes them; and the filters still agree with tcpdump on the result.
for name in null sll nflog usb usbmm; do
  mergecap -F pcap -w "$T/mc.pcap" "$D/${name}_le.pcap" "$D/${name}_be.pcap"
  "$CAPKIT" merge --ties last -o "$T/m.pcap" "$D/${name}_le.pcap" \
    "$D/${name}_be.pcap"
  check "merge $name le+be: tcpdump -nn prints it as mergecap's" \
    cmp -s <(td "$T/mc.pcap") <(td "$T/m.pcap")
  mergecap -F pcap -w "$T/mc.pcap" "$D/${name}_be.pcap" "$D/${name}_le.pcap"
  "$CAPKIT" merge --ties last -o "$T/mb.pcap" "$D/${name}_be.pcap" \
    "$D/${name}_le.pcap"
  check "merge $name be+le: tcpdump -nn prints it as mergecap's" \
    cmp -s <(td "$T/mc.pcap") <(td "$T/mb.pcap")
  filter_counts "$T/m.pcap"
done

# Every writer setting, read by tshark: times, lengths and (uncut) bytes
# as tshark reads the original (wiretap too turns host-order fields into
# the host's order).
tf() {
  tshark -r "$1" -T fields -e frame.time_epoch -e frame.cap_len \
    -e frame.len 2>/dev/null
}
# Settings: format, byte order, precision, snaplen ("-": none); together
# they cover every value of each and both byte orders for each format.
SETTINGS="pcap,little,us,- pcap,big,ns,- pcap,big,us,40 pcapng,big,us,-
pcapng,little,ns,- pcapng,big,ns,40"
for name in ether_le nflog_le usbmm_le sll_le null_be; do
  in=$D/$name.pcap
  tf "$in" >"$T/t.want"
  tshark -r "$in" -x 2>/dev/null >"$T/x.want"
  for set in $SETTINGS; do
    IFS=, read -r fmt bo p snap <<<"$set"
    opts=(-F "$fmt" -b "$bo" -p "$p")
    [ "$snap" = - ] || opts+=(-s "$snap")
    what="$name: convert ${opts[*]}: tshark"
    "$CAPKIT" convert "${opts[@]}" "$in" -o "$T/w.$fmt"
    tf "$T/w.$fmt" >"$T/t.got"
    if [ "$snap" = - ]; then
      check "$what reads the same times and lengths" \
        cmp -s "$T/t.want" "$T/t.got"
      # tshark leaves the NULL address family in the file's order
      if [ "$name" != null_be ] || [ "$bo" = big ]; then
        tshark -r "$T/w.$fmt" -x 2>/dev/null >"$T/x.got"
        check "$what reads the same bytes" cmp -s "$T/x.want" "$T/x.got"
      fi
    else
      awk -F'\t' -v s="$snap" \
        '{ OFS="\t"; if ($2 > s) $2 = s; print }' "$T/t.want" >"$T/t.cut"
      check "$what reads the same times and cut lengths" \
        cmp -s "$T/t.cut" "$T/t.got"
    fi
  done
done

# EPB options with numbers in them survive a change of byte order.
F=(-T fields -e frame.packet_id -e frame.interface_queue -e frame.drop_count
  -e frame.verdict.ebpf_tc -e frame.verdict.ebpf_xdp -e frame.packet_flags)
for bo in le be; do
  in=$D/epb_options_$bo.pcapng
  tshark -r "$in" "${F[@]}" >"$T/want.txt" 2>/dev/null
  check "epb_options_$bo: the fixture has the options" \
    grep -q '^1234605616436477952	7	3	2' "$T/want.txt"
  for to in little big; do
    "$CAPKIT" convert -b $to "$in" -o "$T/epb.pcapng"
    tshark -r "$T/epb.pcapng" "${F[@]}" >"$T/got.txt" 2>/dev/null
    check "epb_options_$bo: convert -b $to keeps the EPB options (tshark)" \
      cmp -s "$T/want.txt" "$T/got.txt"
  done
done
finish

# test_signals.sh - a command writing a file that is stopped by SIGINT,
# SIGTERM or SIGHUP leaves neither its temporary file (.NAME.XXXXXX) nor a
# half-written output, and dies of the signal (exit status 128 + N, as the
# shell reports a process killed by signal N). The input comes through a
# FIFO held open, so the command is surely still writing when the signal
# arrives.
. "$CAPKIT_TESTLIB"
need mkfifo
# Job control: background commands of a script would otherwise start with
# SIGINT ignored (and a signal ignored at start stays ignored, as with
# nohup).
set -m

SRC=$T/src.pcap
"$CAPKIT" gen -c 2000 -o "$SRC" 'eth()/ipv4(src=10.0.0.1+)/udp(dport=53)/payload(len=200)'

# wait_tmp DIR NAME: wait (up to 10 s) for the temporary file of NAME.
wait_tmp() {
  local i
  for ((i = 0; i < 200; i++)); do
    compgen -G "$1/.$2.*" >/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# interrupted SIG NUM NAME CMD...: run CMD (its output NAME in $T/out)
# in the background, signal it once its temporary file exists, check what
# is left.
interrupted() {
  local sig=$1 num=$2 name=$3
  shift 3
  local d=$T/out
  rm -rf "$d"
  mkdir -p "$d"
  "$@" 2>"$T/err" &
  local pid=$!
  if ! wait_tmp "$d" "$name"; then
    not_ok "$sig ${*:1:2}: no temporary file appeared"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return
  fi
  kill -s "$sig" "$pid"
  local st=0
  wait "$pid" || st=$?
  check_eq "$sig ${*:1:2}: exit status" $((128 + num)) "$st"
  check_eq "$sig ${*:1:2}: nothing left in the output directory" "" \
    "$(ls -A "$d")"
}

# fed CMD...: CMD with $T/fifo holding SRC and then staying open (this
# shell keeps a descriptor on it), so that it reads all of SRC and waits
# for more.
fed() {
  rm -f "$T/fifo"
  mkfifo "$T/fifo"
  exec 3<>"$T/fifo"
  cat "$SRC" >"$T/fifo" 3>&- &
  local feeder=$!
  "$@"
  exec 3>&-
  # The command may have died before reading all of SRC.
  kill "$feeder" 2>/dev/null
  wait "$feeder" 2>/dev/null
}

for s in INT:2 TERM:15 HUP:1; do
  sig=${s%:*} num=${s#*:}
  # convert reading a FIFO that stays open: blocked mid-input.
  fed interrupted "$sig" "$num" o.pcap "$CAPKIT" convert "$T/fifo" -o "$T/out/o.pcap"
  fed interrupted "$sig" "$num" o.pcapng "$CAPKIT" convert "$T/fifo" -F pcapng -o "$T/out/o.pcapng"
  # gen of more packets than it can write before the signal.
  interrupted "$sig" "$num" g.pcap "$CAPKIT" gen -c 1000000000 -o "$T/out/g.pcap" \
    'eth()/ipv4()/udp()/payload(len=1000)'
done

finish

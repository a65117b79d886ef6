#!/usr/bin/env bash
# Installs the Debian packages capkit needs, only when some are missing (so
# a prepared machine pays nothing, and 'apt-get update' runs only then).
#   install-deps.sh            everything: build, tests, interop peers, fuzzing
#   install-deps.sh --build    what the build alone needs (make, make demo)
#   install-deps.sh --dry-run  print each chosen package, "installed" or
#                              "missing", and install nothing
# Names that differ between Debian releases are worked out on this machine
# (the clang runtime libraries follow the installed clang's major version).
set -euo pipefail

only_build=0
dry=0
for a in "$@"; do
  case $a in
    --build) only_build=1 ;;
    --dry-run) dry=1 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$a' (see --help)" >&2; exit 2 ;;
  esac
done

# gcc does not depend on the C library's headers; with
# --no-install-recommends they must be named.
build_pkgs=(cmake make gcc libc6-dev pkg-config libpcap-dev zlib1g-dev
            libzstd-dev libssl-dev)
test_pkgs=(clang tcpdump tshark wireshark-common python3-scapy python3-dpkt
           file iproute2 tcpreplay xxd bsdextrautils zstd gzip
           abigail-tools pcapfix python3-pytest python3-hypothesis
           python3-cffi python3-numpy nodejs npm chromium)

# A package counts as installed when dpkg says so, or, for the few whose
# command may come from elsewhere, when the command is on PATH (NodeSource's
# nodejs carries its own npm and conflicts with Debian's npm package).
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep "install ok installed" >/dev/null && return 0
  case $1 in
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
# known_to_apt NAME: apt has a candidate for it (from its current lists)
known_to_apt() {
  apt-cache policy "$1" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null
}

# The sanitizer and libFuzzer runtimes of clang N: libclang-rt-N-dev since
# LLVM 14's packaging, libclang-common-N-dev before. N is the installed
# clang's major version, else the version Debian's clang package depends on.
clang_rt() {
  local n=""
  if command -v clang >/dev/null 2>&1; then
    n=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]\{1,\}\)\..*/\1/p' | head -n 1)
  fi
  if [ -z "$n" ]; then
    n=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]\{1,\}\)$/\1/p' | head -n 1)
  fi
  if [ -z "$n" ]; then
    echo "install-deps.sh: cannot tell which clang will be installed, so not" \
      "which libclang-rt-N-dev fits; install clang, then run this again" >&2
    return
  fi
  local p
  for p in "libclang-rt-$n-dev" "libclang-common-$n-dev"; do
    if installed "$p" || known_to_apt "$p"; then
      echo "$p"
      return
    fi
  done
  echo "install-deps.sh: clang $n found, but neither libclang-rt-$n-dev nor" \
    "libclang-common-$n-dev is known to apt: the fuzzing build (make fuzz)" \
    "will lack its runtime" >&2
}

pkgs=("${build_pkgs[@]}")
if [ "$only_build" -eq 0 ]; then
  pkgs+=("${test_pkgs[@]}")
  rt=$(clang_rt)
  [ -n "$rt" ] && pkgs+=("$rt")
fi

missing=()
for p in "${pkgs[@]}"; do
  if installed "$p"; then
    [ "$dry" -eq 1 ] && echo "$p installed"
  else
    [ "$dry" -eq 1 ] && echo "$p missing"
    missing+=("$p")
  fi
done
[ "$dry" -eq 1 ] && exit 0
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
unknown=()
for p in "${missing[@]}"; do
  known_to_apt "$p" || unknown+=("$p")
done
if [ ${#unknown[@]} -gt 0 ]; then
  echo "install-deps.sh: this Debian release has no package named:" \
    "${unknown[*]}" >&2
  exit 1
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

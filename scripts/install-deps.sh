#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the interop checks
# need, only when some are missing (so a prepared machine pays nothing).
set -euo pipefail
pkgs=(cmake make gcc clang pkg-config libclang-rt-14-dev
      libpcap-dev zlib1g-dev libzstd-dev
      tcpdump tshark wireshark-common python3-scapy python3-dpkt file
      iproute2 tcpreplay xxd bsdextrautils zstd gzip
      abigail-tools pcapfix python3-pytest python3-hypothesis python3-cffi)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

# test_example_printpkt.sh - examples/printpkt.c, built on the public API
# alone (installed headers, pkg-config), prints what capkit print prints on
# the test captures, with each option it has.
. "$CAPKIT_TESTLIB"
: "${CAPKIT_BUILDDIR:?}"
need pkg-config cc
if grep -q '^CAPKIT_SANITIZE:BOOL=ON' "$CAPKIT_BUILDDIR/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build (see test_install.sh)"
  exit 77
fi
root=$(cd "$CAPKIT_TESTDATA/../.." && pwd)
check "install" cmake --install "$CAPKIT_BUILDDIR" --prefix "$T/prefix" >/dev/null
libdir=$(ls -d "$T"/prefix/lib*/pkgconfig | head -1)
export PKG_CONFIG_PATH=$libdir
# shellcheck disable=SC2046
check "build printpkt with pkg-config" cc -std=c11 -Wall -Wextra -Werror \
  -o "$T/printpkt" "$root/examples/printpkt.c" $(pkg-config --cflags --libs capkit)
export LD_LIBRARY_PATH=$(dirname "$libdir")
n=0
for f in "$CAPKIT_TESTDATA"/decode/*.pcap "$CAPKIT_TESTDATA"/*.pcap; do
  for o in "" -e -S -x "-e -S"; do
    # shellcheck disable=SC2086
    "$T/printpkt" $o "$f" >"$T/ex.out" 2>/dev/null
    # shellcheck disable=SC2086
    "$CAPKIT" print $o "$f" >"$T/ck.out" 2>/dev/null
    if cmp -s "$T/ex.out" "$T/ck.out"; then ok; else
      not_ok "printpkt $o $(basename "$f") differs from capkit print $o"
    fi
    n=$((n + 1))
  done
done
for t in none:-t epoch:-tt delta:-ttt date:-tttt rel:-ttttt; do
  f=$CAPKIT_TESTDATA/decode/tcp.pcap
  check_eq "printpkt ${t#*:} is print -t ${t%%:*}" \
    "$("$CAPKIT" print -t "${t%%:*}" "$f")" "$("$T/printpkt" "${t#*:}" "$f")"
done
check "compared the captures" test "$n" -ge 100
check_exit "printpkt without file" 2 "$T/printpkt"
finish

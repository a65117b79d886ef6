# The Python package: its pytest suite (tests/python, against scapy, tshark
# and the tool) on the library just built, and the package installed by
# cmake --install importing and reading from its installed place.
. "$CAPKIT_TESTLIB"
: "${CAPKIT_BUILDDIR:?}"
# A sanitizer build's library needs the sanitizer runtime preloaded into
# the interpreter; the package is checked on ordinary builds.
if grep -q '^CAPKIT_SANITIZE:BOOL=ON' "$CAPKIT_BUILDDIR/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build"
  exit 77
fi
$PY -c 'import cffi, pytest' 2>/dev/null || { echo "SKIP: python3-cffi or python3-pytest missing"; exit 77; }
root=$(cd "$CAPKIT_TESTDATA/../.." && pwd)
sample="$CAPKIT_TESTDATA/connection_termination.pcap"
check "pytest tests/python" env PYTHONPATH="$root/python" \
  CAPKIT_LIBRARY="$CAPKIT_BUILDDIR/libcapkit.so" CAPKIT="$CAPKIT" \
  CAPKIT_TESTDATA="$CAPKIT_TESTDATA" \
  $PY -m pytest -q -p no:cacheprovider "$root/tests/python"
# The columns again without numpy (hidden by tests/python/conftest.py), when
# it is installed: the same checks against the same peers.
if $PY -c 'import numpy' 2>/dev/null; then
  check "pytest without numpy" env CAPKIT_TEST_NO_NUMPY=1 \
    PYTHONPATH="$root/python" CAPKIT_LIBRARY="$CAPKIT_BUILDDIR/libcapkit.so" \
    CAPKIT="$CAPKIT" CAPKIT_TESTDATA="$CAPKIT_TESTDATA" \
    $PY -m pytest -q -p no:cacheprovider "$root/tests/python/test_batch_jobs.py" \
    "$root/tests/python/test_numpy_paths.py" "$root/tests/python/test_read_into.py"
fi
check "install" cmake --install "$CAPKIT_BUILDDIR" --prefix "$T/prefix" >/dev/null
pkg=$(find "$T/prefix" -name __init__.py -path '*capkit*' | head -1)
check "the package is installed" test -n "$pkg"
site=$(dirname "$(dirname "$pkg")")
n=$(cd "$T" && env -u CAPKIT_LIBRARY PYTHONPATH="$site" $PY -c "
import capkit, sys
assert capkit.__file__.startswith('$site'), capkit.__file__
with capkit.open(sys.argv[1]) as r:
    print(sum(1 for _ in r))" "$sample")
check_eq "the installed package reads the sample" 4 "$n"
check "help(capkit) documents the package" \
  grep -q "DamagedCaptureError" <(cd "$T" && PYTHONPATH="$site" $PY -c 'import capkit; help(capkit)' 2>&1)
finish

# The installed library is usable by others: install into a scratch prefix,
# build examples/count.c with pkg-config (shared) and with the CMake package,
# and run both on the sample.
. "$CAPKIT_TESTLIB"
: "${CAPKIT_BUILDDIR:?}"
need pkg-config cc cmake
# A sanitizer build installs a library that needs the sanitizer runtime in
# every program linked with it; the check is for ordinary builds.
if grep -q '^CAPKIT_SANITIZE:BOOL=ON' "$CAPKIT_BUILDDIR/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build"
  exit 77
fi
root=$(cd "$CAPKIT_TESTDATA/../.." && pwd)
sample="$CAPKIT_TESTDATA/connection_termination.pcap"
check "install" cmake --install "$CAPKIT_BUILDDIR" --prefix "$T/prefix" >/dev/null
libdir=$(ls -d "$T"/prefix/lib*/pkgconfig | head -1)
export PKG_CONFIG_PATH=$libdir
check_eq "pkg-config version" "$(sed -n 's/^#define CAPKIT_VERSION_STRING "\(.*\)"/\1/p' "$root/include/capkit/capkit.h")" "$(pkg-config --modversion capkit)"
# shellcheck disable=SC2046
check "build with pkg-config" cc -Wall -Werror -o "$T/count" "$root/examples/count.c" $(pkg-config --cflags --libs capkit)
check_eq "run (shared library)" "4 packets, 228 bytes" "$(LD_LIBRARY_PATH=$(dirname "$libdir") "$T/count" "$sample")"
# libcapkit.a needs the private requirements its .pc file names (linked
# here as shared libraries: not every distribution ships them static).
# shellcheck disable=SC2046
check "link libcapkit.a with the .pc file's private requirements" cc -o "$T/count_static" "$root/examples/count.c" -I"$T/prefix/include" "$(dirname "$libdir")/libcapkit.a" $(pkg-config --libs $(pkg-config --print-requires-private capkit)) -lm
check_eq "run (static, pkg-config)" "4 packets, 228 bytes" "$("$T/count_static" "$sample")"
check "header compiles alone as C11 and C++-safe" cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$T/prefix/include" -x c - <<'C'
#include <capkit/capkit.h>
int main(void) { return capkit_version_number() > 0 ? 0 : 1; }
C
mkdir -p "$T/cm"
cat > "$T/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(count C)
find_package(capkit REQUIRED)
add_executable(count $root/examples/count.c)
target_link_libraries(count capkit::capkit_static)
CM
check "configure with the CMake package" cmake -S "$T/cm" -B "$T/cm/b" -DCMAKE_PREFIX_PATH="$T/prefix" >/dev/null
check "build with the CMake package" cmake --build "$T/cm/b" >/dev/null
check_eq "run (static library)" "4 packets, 228 bytes" "$("$T/cm/b/count" "$sample")"
finish

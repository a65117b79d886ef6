# The two commands of the README, and the builds behind them.
#   make        build build/capkit, build/libcapkit.so, build/libcapkit.a
#   make demo   install missing build packages, build, then run the main
#               job on the bundled sample capture
#   make check  install missing packages, build, run every test (also
#               under AddressSanitizer + UBSan, and a clang build), and
#               compare the library's ABI with tests/abi/libcapkit.abi
#   make abi-update  rewrite that ABI baseline (on purpose: see README,
#               "Versions and ABI")
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 20

.PHONY: all build demo check deps deps-build test test-asan test-clang fuzz \
	bench clean abi-check abi-update

all: build

# cmake's report is kept, and shown when configuring fails: it names a
# missing package.
build:
	@mkdir -p build
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) \
	  >build/configure.log 2>&1 || { cat build/configure.log >&2; \
	  echo "make: configuring failed (above); 'make deps-build' installs the build packages" >&2; exit 1; }
	cmake --build build -j $(JOBS)

deps:
	bash scripts/install-deps.sh

deps-build:
	bash scripts/install-deps.sh --build

demo: deps-build
	$(MAKE) build
	bash scripts/demo.sh build/capkit

test: build
	ctest --test-dir build --output-on-failure -j $(JOBS)

test-asan:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCAPKIT_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS) -LE slow

test-clang:
	CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAPKIT_FUZZ=ON \
	  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
	cmake --build build-clang -j $(JOBS)

# A short coverage-guided run of every fuzz target, seeded by its corpus.
fuzz: test-clang
	bash scripts/fuzz.sh build-clang $(FUZZ_SECONDS)

check: deps
	$(MAKE) test
	$(MAKE) abi-check
	$(MAKE) test-asan
	$(MAKE) fuzz

abi-check: build
	bash tests/abi/check.sh build

abi-update: build
	bash tests/abi/check.sh build --update

bench: build
	bash bench/run.sh

clean:
	rm -rf build build-asan build-clang

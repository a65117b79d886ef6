# External libraries, each for its job:
#   libpcap  BPF filters (compiled for each input's link type), live capture
#            and injection: the reference implementation; no copy of it here.
#   zlib     gzip-compressed captures (read as a stream, written by suffix).
#   libzstd  zstd-compressed captures (multithreaded compression).
pkg_check_modules(LIBPCAP REQUIRED IMPORTED_TARGET libpcap)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
#   libcrypto  SHA-256 and SHA-1 of whole files (capkit info -H), fast
#            (the CPU's SHA instructions) and maintained (OpenSSL).
pkg_check_modules(CRYPTO REQUIRED IMPORTED_TARGET libcrypto)
#   threads  one background thread copies unchanged runs of records in the
#            kernel while the reader goes on (lib/io/sink.c).
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
set(CAPKIT_DEP_LIBS PkgConfig::LIBPCAP PkgConfig::ZLIB PkgConfig::ZSTD PkgConfig::CRYPTO Threads::Threads)
set(CAPKIT_DEP_INCLUDES "")
set(CAPKIT_CLI_LIBS "")
# For capkit.pc: a static link needs these too.
set(CAPKIT_PC_REQUIRES_PRIVATE "libpcap zlib libzstd libcrypto")

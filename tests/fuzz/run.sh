#!/bin/sh
# Builds the libFuzzer target (tests/fuzz/fuzz_compile.c against every
# src/*/*.c but main.c, with AddressSanitizer and UndefinedBehaviorSanitizer)
# into build/fuzz/ and runs it for SECONDS (default 60).
#
#   sh tests/fuzz/run.sh [SECONDS] [extra libFuzzer options...]
#
# The seed corpus tests/fuzz/corpus/ is only read; new inputs go to
# build/fuzz/corpus/. A crash, leak, sanitizer report, timeout (> 10 s) or
# memory blow-up (> 2 GB) is written to tests/fuzz/regressions/ (which
# tests/e2e/test_fuzz_regressions.py compiles with the normal binary) and
# makes this script fail. Needs clang with libFuzzer (CC_FUZZ=clang-N to
# choose one).
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
cc=${CC_FUZZ:-clang}
out=build/fuzz
# The libraries are the Makefile's (PKGS, and LIBS after $(PKG_LIBS)).
pkgs=$(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' Makefile)
extra_libs=$(sed -n 's/^LIBS[[:space:]]*:=[[:space:]]*\$(PKG_LIBS)//p' Makefile)
: "${pkgs:=libxml-2.0 freetype2 harfbuzz harfbuzz-subset libpng}"
: "${extra_libs:=-lhpdf -lhyphen -lm}"

command -v "$cc" >/dev/null || { echo "fuzz: $cc not found (set CC_FUZZ)" >&2; exit 2; }
mkdir -p "$out"
# clang's libFuzzer and sanitizer runtimes are a separate Debian package.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
    > "$out/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$out/probe.c" -o "$out/probe" 2>/dev/null; then
    echo "fuzz: $cc cannot link -fsanitize=fuzzer,address,undefined" \
         "(Debian: apt-get install libclang-rt-dev)" >&2
    exit 2
fi
pkg_cflags=$(pkg-config --cflags $pkgs)
pkg_libs=$(pkg-config --libs $pkgs)
# The Makefile's flags (WARN, DEFS), the sanitizers of its asan build, and
# the fuzzer's coverage instrumentation.
cflags="-std=c11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE
  -DKCVS_VERSION=\"fuzz\" -DKCVS_DATADIR=\"$PWD\" -g -O1
  -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  -I$PWD/build/gen $pkg_cflags"
for d in src/*/; do cflags="$cflags -I$PWD/${d%/}"; done

mkdir -p "$out/obj" "$out/corpus" tests/fuzz/regressions
# src/shape/hyph.c includes the patterns compiled at build time
make --no-print-directory build/gen/hyph_embedded.h >/dev/null || exit 2
objs=""
for src in src/*/*.c; do
    [ "$src" = src/cli/main.c ] && continue
    obj="$out/obj/$(basename "$src" .c).o"
    # Rebuild when the source or any header is newer than the object.
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find src -name '*.h' -newer "$obj")" ]; then
        echo "fuzz: cc $src"
        # shellcheck disable=SC2086
        $cc $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    fi
    objs="$objs $obj"
done
echo "fuzz: link $out/fuzz_compile"
# shellcheck disable=SC2086
$cc $cflags -fsanitize=fuzzer -Isrc -DKCVS_FUZZ_ROOT="\"$PWD\"" \
    tests/fuzz/fuzz_compile.c $objs $pkg_libs $extra_libs -o "$out/fuzz_compile"

before=$(ls tests/fuzz/regressions | wc -l)
status=0
# Leaks count, except the library leak tests/lsan.supp documents.
supp=""
[ -f tests/lsan.supp ] && supp="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} LSAN_OPTIONS=${LSAN_OPTIONS:-$supp} \
"$out/fuzz_compile" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix=tests/fuzz/regressions/ -dict=tests/fuzz/docbook.dict \
    -print_final_stats=1 "$@" "$out/corpus" tests/fuzz/corpus || status=$?
after=$(ls tests/fuzz/regressions | wc -l)
if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
    echo "fuzz: FAILED (status $status); inputs in tests/fuzz/regressions/:" >&2
    ls -l tests/fuzz/regressions >&2
    [ "$status" -ne 0 ] || status=1
    exit "$status"
fi
echo "fuzz: no crash in ${seconds} s"

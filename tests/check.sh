#!/bin/sh
# Everything `make check` runs, in order; stops at the first failing part.
set -eu
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "unit tests"
sh tests/run-unit.sh build/tests/test_*
step "code structure (module prefixes, stage order, header cycles, emit without the model, function length, visual literals outside the style table)"
sh tests/structure.sh
step "the style parameters' reference is generated from their table (make style-docs)"
make --no-print-directory style-docs-check
step "layout goldens (tests/layout; make goldens rewrites them)"
KCVS_PDF=./kcvs-pdf sh tests/layout/run.sh
step "content and schema validation"
bash tests/validate_content.sh
step "end-to-end tests"
KCVS_PDF=./kcvs-pdf sh tests/e2e/run.sh
step "unit and end-to-end tests under AddressSanitizer + UBSan"
make --no-print-directory asan-check
step "fault injection: full disk, wrong -o, signals, modes, watch (normal and ASan build)"
KCVS_PDF=./kcvs-pdf sh tests/faults/run.sh
KCVS_PDF=./kcvs-pdf-asan ASAN_OPTIONS=detect_leaks=1 \
    LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0 sh tests/faults/run.sh
step "the real report under valgrind: no leak, no memory error"
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=1 ./kcvs-pdf content/report.xml -o build/valgrind-report.pdf
echo "valgrind: 1 passed, 0 failed"
step "fuzzing the XML-to-PDF path for ${FUZZ_SECONDS:-60} s"
# A fixed seed: the same inputs in the same order on every run.
sh tests/fuzz/run.sh "${FUZZ_SECONDS:-60}" -seed=20211231
echo "fuzz: 1 passed, 0 failed"
# Every step above stops the run when it fails (set -e): reaching here means
# all of them passed.
echo "check: 9 passed, 0 failed"

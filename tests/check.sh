#!/bin/sh
# Everything `make check` runs, in order; stops at the first failing part.
set -eu
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "unit tests"
sh tests/run-unit.sh build/tests/test_*
step "content and schema validation"
bash tests/validate_content.sh
step "end-to-end tests"
KCVS_PDF=./kcvs-pdf sh tests/e2e/run.sh
step "unit and end-to-end tests under AddressSanitizer + UBSan"
make --no-print-directory asan-check

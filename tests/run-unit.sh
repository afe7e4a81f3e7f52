#!/bin/sh
# Runs each cmocka unit-test binary given on the command line from the
# repository root (tests read data under tests/data) and fails if any fails.
set -u
cd "$(dirname "$0")/.."
failed=0
for t in "$@"; do
    if ! "$t"; then
        echo "FAILED: $t" >&2
        failed=$((failed + 1))
    fi
done
[ "$failed" -eq 0 ] || { echo "unit: $failed test program(s) failed" >&2; exit 1; }

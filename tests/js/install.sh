#!/bin/sh
# Installs pdf.js (npm pdfjs-dist, the version package-lock.json pins; its
# legacy build runs on Debian 12's node 18) into tests/js/node_modules for
# the reader tests (tests/e2e/test_readers.py). Quiet when it is there.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/pdfjs-dist/package.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
echo "installing pdf.js for the reader tests (npm ci in tests/js)"
# The optional canvas packages are for rendering, which the tests do not do.
npm ci --omit=optional --no-audit --no-fund --loglevel=error

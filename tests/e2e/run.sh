#!/bin/sh
# End-to-end tests: compile documents with $KCVS_PDF and inspect the PDFs
# with real readers (poppler, qpdf, pikepdf). Debian's python3 is used on
# purpose: it is the one with python3-pikepdf.
set -eu
cd "$(dirname "$0")/../.."
: "${KCVS_PDF:=./kcvs-pdf}"
export KCVS_PDF
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e "$@"

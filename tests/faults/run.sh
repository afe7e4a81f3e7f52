#!/bin/sh
# Fault injection (`make faults`, part of `make check`): a full disk, -o
# naming an input or a device, a closed pipe, signals mid-run, umask and
# file modes, watch with the output inside the watched folder. Cases that
# need root (tmpfs, device nodes) say so and are skipped without it.
set -eu
cd "$(dirname "$0")/../.."
: "${KCVS_PDF:=./kcvs-pdf}"
export KCVS_PDF
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider -rs tests/faults "$@"

#!/bin/sh
# kcvs-pdf benchmark harness: `make bench` builds an optimised ./kcvs-pdf and
# runs this; it also runs alone from anywhere: sh bench/run.sh [OPTIONS].
#
#   1. installs what is missing (poppler-utils, python3-pdfminer, and Apache
#      FOP with docbook-xsl-ns and xsltproc as the reference), like the
#      Makefile's deps step: dpkg-query first, apt-get only when needed;
#   2. generates the inputs into build/bench/ (bench/gen.py);
#   3. times kcvs-pdf and FOP on each, prints the table, the targets and the
#      typographic quality of the real report, writes build/bench/results.md
#      (bench/bench.py, bench/fop.sh, bench/quality.py).
# Exits 1 when a target is missed by more than 25 % or a run fails, 2 when
# the harness itself cannot run. See bench/NOTES.md.
#
# Options (passed to bench/bench.py): --only x1,x100  --runs N  --fop-runs N
# Environment: BENCH_NO_FOP=1 runs kcvs-pdf alone; KCVS_PDF=path times that
# binary instead of ./kcvs-pdf (it must find styles/ etc. via KCVS_PDF_DATADIR,
# which the harness sets to this checkout unless set; KCVS_PDF_REV=commit
# labels it in the results).
set -u
cd "$(dirname "$0")/.." || exit 2
BENCH_T0=$(date +%s.%N 2>/dev/null || date +%s)
export BENCH_T0
PY=/usr/bin/python3

missing() {
    for p in "$@"; do
        case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" in
            *" installed") ;;
            *) printf ' %s' "$p" ;;
        esac
    done
}

install() {
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "bench: cannot install$*: not root, no sudo" >&2; return 1; }
        SUDO=sudo
    fi
    echo "bench: installing missing Debian packages:$*" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null 2>&1
    # shellcheck disable=SC2086,SC2048
    $SUDO apt-get install -y -qq --no-install-recommends $* >/dev/null
}

have_dpkg=1
command -v dpkg-query >/dev/null 2>&1 || have_dpkg=0

# what the harness needs
if [ $have_dpkg = 1 ]; then
    m=$(missing python3 poppler-utils python3-pdfminer hyphen-nl)
    [ -z "$m" ] || install $m || echo "bench: warning: could not install$m" >&2
fi
for t in $PY pdfinfo pdftotext; do
    command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is missing" >&2; exit 2; }
done

# the reference
nofop=""
if [ "${BENCH_NO_FOP:-0}" = 1 ]; then
    nofop="BENCH_NO_FOP=1"
else
    if [ $have_dpkg = 1 ]; then
        m=$(missing fop docbook-xsl-ns xsltproc)
        [ -z "$m" ] || install $m || echo "bench: warning: could not install$m" >&2
    fi
    for t in fop xsltproc java; do
        command -v $t >/dev/null 2>&1 || nofop="$t is not installed and could not be installed"
    done
    [ -f /usr/share/xml/docbook/stylesheet/docbook-xsl-ns/fo/docbook.xsl ] ||
        nofop="docbook-xsl-ns is not installed and could not be installed"
    [ -z "$nofop" ] || echo "bench: FOP cannot run ($nofop): timing kcvs-pdf alone" >&2
fi

# the program under test (make bench has just built it optimised); KCVS_PDF
# names another binary (e.g. a private build), which bench.py copies first
if [ -z "${KCVS_PDF:-}" ] && [ ! -x ./kcvs-pdf ]; then
    echo "bench: ./kcvs-pdf missing: building it" >&2
    make --no-print-directory kcvs-pdf CFLAGS="-O2 -DNDEBUG" >/dev/null || exit 2
fi

$PY bench/gen.py || exit 2
# what forks and measures each run (bench/spawn.c says why not Python)
if [ ! -x build/bench/spawn ] || [ bench/spawn.c -nt build/bench/spawn ]; then
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra bench/spawn.c -o build/bench/spawn || exit 2
fi

if [ -n "$nofop" ]; then
    exec $PY bench/bench.py --no-fop "$nofop" "$@"
fi
exec $PY bench/bench.py "$@"

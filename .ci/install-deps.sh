#!/bin/sh
# Installs the Debian packages kcvs-pdf needs to build (and, with "test",
# to run its test suite) when they are missing. Idempotent and quiet when
# everything is there, so `make report` and `make check` can always call it.
set -eu
BUILD="gcc make pkg-config libxml2-dev libfreetype-dev libharfbuzz-dev libpng-dev
libhpdf-dev libhyphen-dev hyphen-nl hyphen-de hyphen-en-us icc-profiles-free libgs-common"
TEST="libcmocka-dev qpdf poppler-utils python3 python3-pikepdf python3-pytest python3-pil libxml2-utils
docbook5-xml jing valgrind clang libclang-rt-dev man-db"
want="$BUILD"
[ "${1:-}" = test ] && want="$BUILD $TEST"

missing=""
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "installing missing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "error: packages missing ($missing) and not root, no sudo" >&2
        exit 2
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/sh
# Installs the Debian packages kcvs-pdf needs to build (and, with "test",
# to run its test suite) when they are missing. Idempotent and quiet when
# everything is there, so `make report` and `make check` can always call it.
set -eu
BUILD="gcc make pkg-config libxml2-dev libfreetype-dev libharfbuzz-dev libpng-dev
libhpdf-dev libhyphen-dev hyphen-nl hyphen-de hyphen-en-us icc-profiles-free libgs-common
libjpeg-dev liblcms2-dev zlib1g-dev libzip-dev libdeflate-dev libicu-dev liblzma-dev"
TEST="libcmocka-dev strace qpdf poppler-utils mupdf-tools python3 python3-pikepdf python3-pytest python3-pil python3-lxml python3-pdfminer python3-fonttools libxml2-utils
docbook5-xml jing trang valgrind clang libclang-rt-dev man-db nodejs npm pandoc"
want="$BUILD"
[ "${1:-}" = test ] && want="$BUILD $TEST"

missing=""
for p in $want; do
    # node and npm may come from another package (one nodejs that ships npm)
    case "$p" in
        nodejs) command -v node >/dev/null 2>&1 && continue ;;
        npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
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

# Another apt or dpkg (unattended-upgrades on a fresh machine, a second
# make) may hold its lock: wait for it, bounded (KCVS_APT_LOCK_WAIT seconds,
# 10 minutes by default), with a message, instead of failing at once.
LOCK_WAIT=${KCVS_APT_LOCK_WAIT:-600}
LOCK_POLL=${KCVS_APT_LOCK_POLL:-5}
apt_waiting() {
    err=$(mktemp)
    waited=0
    while :; do
        if "$@" 2>"$err"; then
            rm -f "$err"
            return 0
        fi
        if ! grep -q -e "Could not get lock" -e "Unable to acquire the dpkg" "$err"; then
            cat "$err" >&2
            rm -f "$err"
            return 1
        fi
        if [ "$waited" -ge "$LOCK_WAIT" ]; then
            cat "$err" >&2
            echo "error: apt/dpkg still locked by another process after $waited s" >&2
            rm -f "$err"
            return 1
        fi
        [ "$waited" = 0 ] && echo "waiting for another apt/dpkg to finish (at most $LOCK_WAIT s)..." >&2
        sleep "$LOCK_POLL"
        waited=$((waited + LOCK_POLL))
    done
}

apt_waiting $SUDO apt-get update -qq
# shellcheck disable=SC2086
apt_waiting $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

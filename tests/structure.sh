#!/bin/sh
# Code structure checks (issue 17), cheap enough for every `make check`.
# First:
# every symbol an object file exports carries its module's prefix — the
# file's name, its first word (model_table.o: model_) or its stage's prefix
# (paginate.o lays out: layout_; linebreak.o: lb_) — so a name says where
# it lives. Needs the objects of a build (make kcvs-pdf).
set -eu
cd "$(dirname "$0")/.."
bad=0
for c in src/*/*.c; do
    m=$(basename "$c" .c)
    o=build/obj/$m.o
    [ "$m" = main ] && continue
    [ -f "$o" ] || { echo "structure: $o missing: build first" >&2; exit 2; }
    case "$m" in
        paginate) alias=layout ;;
        linebreak) alias=lb ;;
        *) alias=${m%%_*} ;;
    esac
    for s in $(nm -g --defined-only "$o" | awk '{print $3}'); do
        case "$s" in
            "$m"_*|"$alias"_*) ;;
            *) echo "structure: $o exports '$s' without the prefix '${alias}_'" >&2
               bad=1 ;;
        esac
    done
done
[ "$bad" = 0 ] && echo "structure: every exported symbol carries its module's prefix"

# The pipeline's stages are the folders of src/, in the order the
# Makefile's STAGES gives; a file may include headers of its own stage or
# an earlier one, never a later stage's.
STAGES=$(sed -n 's/^STAGES *:= *//p' Makefile)
stage() {
    n=0
    for s in $STAGES; do
        [ "$s" = "$1" ] && { echo $n; return; }
        n=$((n + 1))
    done
    echo "structure: src/$1 is not a stage of the pipeline" >&2
    echo 99
}
# The folder (stage) of each header, by name.
header_stage() {
    for d in src/*/; do
        [ -f "$d$1.h" ] && { stage "$(basename "$d")"; return; }
    done
    echo -1   # generated (build/gen) or not ours
}
for d in src/*/; do
    [ "$(stage "$(basename "$d")")" = 99 ] && bad=1
done
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in src/*/*.c src/*/*.h; do
    m=$(basename "$f"); m=${m%.*}
    own=$(stage "$(basename "$(dirname "$f")")")
    for h in $(sed -n 's/^#include "\([a-z_0-9]*\)\.h".*/\1/p' "$f"); do
        if [ "$(header_stage "$h")" -gt "$own" ]; then
            echo "structure: $f includes $h.h of a later stage" >&2
            bad=1
        fi
        case "$f" in *.h) echo "$m $h" >>"$edges" ;; esac
    done
done
if ! tsort "$edges" >/dev/null 2>&1; then
    echo "structure: the headers include each other in a cycle:" >&2
    tsort "$edges" 2>&1 >/dev/null | sed 's/^/  /' >&2
    bad=1
fi

# Emit reads the laid-out pages only: neither the document model nor
# libxml2, directly or through another header (the compiler's view).
cflags=$(pkg-config --cflags libxml-2.0 freetype2 harfbuzz libpng 2>/dev/null || true)
for d in src/*/; do cflags="$cflags -I${d%/}"; done
for f in src/emit/*.c src/emit/*.h; do
    # shellcheck disable=SC2086
    dep=$(${CC:-cc} -MM -Ibuild/gen $cflags "$f" | tr ' \\' '\n\n' |
          grep -m1 -E '^src/(build/[a-z_]*|load/load)\.h$|/libxml/' || true)
    if [ -n "$dep" ]; then
        echo "structure: $f depends on $dep (the model or libxml2)" >&2
        bad=1
    fi
done

# No function over 60 lines: a longer one does several things.
long=$(awk -v max=60 -f tests/fnlen.awk src/*/*.c)
if [ -n "$long" ]; then
    echo "$long" | sed 's/^/structure: /' >&2
    bad=1
fi
# No visual value in C outside the style table: tests/literals.awk reports
# the numbers that look like lengths, shares and ratios (its heuristic is
# documented there); every one must be allowed, with its reason, by a line
# of tests/literals.allow, and every line there must still allow one.
lits=$(find src -name '*.[ch]' ! -name style_table.c | LC_ALL=C sort |
       xargs awk -f tests/literals.awk)
unallowed=$(printf '%s\n' "$lits" | awk -F'|' '
    FNR == NR { if ($0 !~ /^#/ && NF) {
                    if (NF != 4 || $4 == "") { print "tests/literals.allow:" FNR ": no FILE|NUMBER|PART|WHY: " $0; next }
                    n++; file[n] = $1; num[n] = $2; part[n] = $3; used[n] = 0 }
                next }
    $0 != "" {
        split($0, f, ": "); where = f[1]; sub(/:[0-9]+$/, "", where)
        text = substr($0, length(f[1]) + length(f[2]) + 5)
        ok = 0
        for (i = 1; i <= n; i++)
            if (file[i] == where && num[i] == f[2] && index(text, part[i])) { ok = 1; used[i] = 1 }
        if (!ok) print $0
    }
    END { for (i = 1; i <= n; i++) if (!used[i])
              print "tests/literals.allow: " file[i] "|" num[i] "|" part[i] ": allows nothing any more" }
' tests/literals.allow -)
if [ -n "$unallowed" ]; then
    echo "structure: a visual value belongs in src/load/style_table.c and the style sheets; a number that is not one goes, with why, in tests/literals.allow:" >&2
    printf '%s\n' "$unallowed" | sed 's/^/  /' >&2
    bad=1
fi
[ "$bad" = 0 ] && echo "structure: stages include only earlier stages, no header cycles, emit without model or libxml2, no function over 60 lines, no visual literal outside the style table"
exit "$bad"

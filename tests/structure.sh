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
for c in src/*.c; do
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

# The pipeline's stages, in order; a file may include headers of its own
# stage or earlier ones, never a later stage's. Base: services and
# self-contained algorithms every stage may use (line breaking and
# hyphenation have no dependencies; style checks against lb's limits).
stage() {
    case "$1" in
        load) echo 1 ;;
        model|model_*) echo 2 ;;
        para|page|layout|layout_*|paginate) echo 3 ;;
        emit|emit_*|pdfa|dump) echo 4 ;;
        compile|main|watch|import) echo 5 ;;
        *) echo 0 ;;
    esac
}
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in src/*.c src/*.h; do
    m=$(basename "$f"); m=${m%.*}
    own=$(stage "$m")
    for h in $(sed -n 's/^#include "\([a-z_0-9]*\)\.h".*/\1/p' "$f"); do
        if [ "$(stage "$h")" -gt "$own" ]; then
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
for f in src/emit*.c src/emit*.h src/pdfa.c src/pdfa.h; do
    # shellcheck disable=SC2086
    dep=$(${CC:-cc} -MM -Isrc $cflags "$f" | tr ' \\' '\n\n' |
          grep -m1 -E '^src/(model[a-z_]*|load)\.h$|/libxml/' || true)
    if [ -n "$dep" ]; then
        echo "structure: $f depends on $dep (the model or libxml2)" >&2
        bad=1
    fi
done

# No function over 60 lines: a longer one does several things.
long=$(awk -v max=60 -f tests/fnlen.awk src/*.c)
if [ -n "$long" ]; then
    echo "$long" | sed 's/^/structure: /' >&2
    bad=1
fi
[ "$bad" = 0 ] && echo "structure: stages include only earlier stages, no header cycles, emit without model or libxml2, no function over 60 lines"
exit "$bad"

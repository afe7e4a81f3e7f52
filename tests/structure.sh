#!/bin/sh
# Code structure checks (issue 17), cheap enough for every `make check`:
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
exit "$bad"

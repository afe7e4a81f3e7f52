#!/bin/sh
# Layout goldens: every tests/layout/NAME.xml is laid out with
# `kcvs-pdf --dump-layout` and compared with its golden files,
#   NAME.expected        in the house style (kcvs)
#   NAME.STYLE.expected  in styles/STYLE.xml, or in "facing": the house style
#                        with facing pages (derived here from styles/kcvs.xml,
#                        so that no style value is restated)
# A mismatch prints the unified diff (expected → actual).
#   sh tests/layout/run.sh            compare (make layout-check)
#   sh tests/layout/run.sh --update   rewrite the goldens (make goldens); a
#                                     document without any gets NAME.expected
# Review regenerated goldens with `git diff tests/layout` before committing.
set -u
cd "$(dirname "$0")/../.."
: "${KCVS_PDF:=./kcvs-pdf}"
update=false
[ "${1:-}" = "--update" ] && update=true
out=build/layout
mkdir -p "$out"
sed -e 's/<layout /<layout facing-pages="true" /' \
    -e 's/toc-leader="\."/toc-leader="." blank-page="Deze pagina is bewust leeg gelaten."/' \
    styles/kcvs.xml > "$out/facing.xml"

style_of() {
    case "$1" in
    facing) echo "$out/facing.xml" ;;
    *) echo "$1" ;;
    esac
}

passed=0
failed=0
# One golden: $1 the document, $2 the style, $3 the golden file.
check() {
    actual="$out/$(basename "$3" .expected).txt"
    if ! "$KCVS_PDF" -q -W error --style "$(style_of "$2")" --dump-layout "$1" \
            -o "$actual"; then
        echo "layout: FAILED $3: $KCVS_PDF could not lay out $1"
        failed=$((failed + 1))
        return
    fi
    if $update; then
        cmp -s "$actual" "$3" || { cp "$actual" "$3"; echo "layout: updated $3"; }
        passed=$((passed + 1))
    elif diff -u --label "$3 (expected)" --label "$3 (actual)" "$3" "$actual"; then
        passed=$((passed + 1))
    else
        echo "layout: FAILED $3 (the diff above: - expected, + actual; 'make goldens' rewrites it)"
        failed=$((failed + 1))
    fi
}

for doc in tests/layout/*.xml; do
    name="${doc%.xml}"
    found=false
    for golden in "$name".expected "$name".*.expected; do
        [ -e "$golden" ] || continue
        found=true
        style=$(basename "$golden" .expected)
        style=${style#"$(basename "$name")"}
        style=${style#.}
        check "$doc" "${style:-kcvs}" "$golden"
    done
    if ! $found; then
        if $update; then
            check "$doc" kcvs "$name.expected"
        else
            echo "layout: FAILED $doc has no golden ('make goldens' writes $name.expected)"
            failed=$((failed + 1))
        fi
    fi
done
echo "layout: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/bash
# Validates the report sources in content/ and the project schema.
#
#  (a) every content/*.xml file against the official DocBook 5.0 schema
#      (docbookxi.rng with jing, each file as written; docbook.rng with
#      xmllint on the XInclude-expanded report);
#  (b) every content/*.xml file against schema/kcvs.rng (jing, xmllint) and
#      schema/kcvs.rnc (jing -c): the expanded report and each section file
#      on its own;
#  (c) the schema itself: the fixtures tests/data/schema/valid-*.xml are
#      accepted by kcvs.rng, kcvs.rnc and DocBook; tests/data/schema/invalid-*.xml
#      are well-formed but rejected by kcvs.rng and kcvs.rnc — so this test can
#      fail; kcvs.rng is what trang makes of kcvs.rnc (when trang is installed);
#  (d) tests/data/seed-paragraphs.txt and tests/data/seed-links.txt list exactly
#      the text blocks and distinct link targets of the report, in order.
#
# Needs jing, xmllint (libxml2-utils) and docbook5-xml; python3 for (d),
# trang optionally. Never uses the network.
#
# Note: Debian's /usr/bin/jing turns on Xerces' XInclude processing, so jing
# on content/report.xml checks the expanded document (with the xml:base and
# xml:lang attributes XInclude adds); xmllint checks it both ways.
#
# Prints one line per check and ends with "N passed, M failed"; exits 1 when
# any check failed.

set -eu
cd "$(dirname "$0")/.."

DOCBOOK_DIR=/usr/share/xml/docbook/schema/rng/5.0
DOCBOOK_RNG=$DOCBOOK_DIR/docbook.rng
DOCBOOKXI_RNG=$DOCBOOK_DIR/docbookxi.rng
KCVS_RNG=schema/kcvs.rng
KCVS_RNC=schema/kcvs.rnc
FIXTURES=tests/data/schema
REPORT=content/report.xml

passed=0
failed=0
out=$(mktemp)
tmpdir=$(mktemp -d)
trap 'rm -rf "$out" "$tmpdir"' EXIT

ok()   { passed=$((passed + 1)); echo "ok      $1"; }
bad()  { failed=$((failed + 1)); echo "FAIL    $1"; head -n 15 "$out" | cut -c 1-300 | sed 's/^/        /'; }
skip() { echo "skip    $1"; }

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
    local desc=$1; shift
    if "$@" >"$out" 2>&1; then ok "$desc"; else bad "$desc"; fi
}

# reject DESCRIPTION COMMAND...: passes when COMMAND fails (a validator
# rejecting an invalid document).
reject() {
    local desc=$1; shift
    if "$@" >"$out" 2>&1; then
        echo "(the document was accepted)" >"$out"; bad "$desc"
    else
        ok "$desc"
    fi
}

# Tools and schemas --------------------------------------------------------

have() { command -v "$1" >/dev/null 2>&1; }
tools_ok=1
for tool in jing xmllint; do
    if have "$tool"; then ok "tool $tool found"
    else echo "$tool is not installed (apt-get install jing libxml2-utils)" >"$out"
         bad "tool $tool found"; tools_ok=0; fi
done
for f in "$DOCBOOK_RNG" "$DOCBOOKXI_RNG" "$KCVS_RNG" "$KCVS_RNC"; do
    check "schema $f exists" test -s "$f"
    test -s "$f" || tools_ok=0
done
if [ "$tools_ok" = 0 ]; then
    echo "$passed passed, $failed failed"
    exit 1
fi

jing_rng()  { jing "$@"; }
jing_rnc()  { jing -c "$@"; }
xmllint_rng() {  # xmllint_rng SCHEMA FILE [xmllint options]: fails on any error
    local schema=$1 file=$2; shift 2
    xmllint --nonet --noout "$@" --relaxng "$schema" "$file"
}

# The xml-model processing instruction of FILE names schema/kcvs.rng,
# relative to FILE.
xml_model_ok() {
    local file=$1 href
    href=$(sed -n 's/^<?xml-model href="\([^"]*\.rng\)".*/\1/p' "$file" | head -n 1)
    [ -n "$href" ] || { echo "no <?xml-model href=\"…kcvs.rng\"?> in $file"; return 1; }
    [ "$(cd "$(dirname "$file")" && realpath -e "$href" 2>&1)" = "$(realpath "$KCVS_RNG")" ] \
        || { echo "$file: xml-model href=\"$href\" does not resolve to $KCVS_RNG"; return 1; }
}

# (a), (b): the report sources ---------------------------------------------

mapfile -t content_files < <(find content -name '*.xml' | LC_ALL=C sort)
[ "${#content_files[@]}" -gt 0 ] || { echo "no XML files under content/"; exit 1; }

for f in "${content_files[@]}"; do
    check "$f: well-formed"                          xmllint --nonet --noout "$f"
    check "$f: xml-model names $KCVS_RNG"            xml_model_ok "$f"
    check "$f: DocBook 5 + XInclude (jing docbookxi.rng)" jing_rng "$DOCBOOKXI_RNG" "$f"
    check "$f: kcvs (jing kcvs.rng)"                 jing_rng "$KCVS_RNG" "$f"
    check "$f: kcvs (jing -c kcvs.rnc)"              jing_rnc "$KCVS_RNC" "$f"
    check "$f: kcvs (xmllint kcvs.rng)"              xmllint_rng "$KCVS_RNG" "$f"
done

check "$REPORT: DocBook 5, unexpanded (xmllint docbookxi.rng)" \
    xmllint_rng "$DOCBOOKXI_RNG" "$REPORT"
check "$REPORT: DocBook 5, expanded (xmllint --xinclude docbook.rng)" \
    xmllint_rng "$DOCBOOK_RNG" "$REPORT" --xinclude
check "$REPORT: kcvs, expanded (xmllint --xinclude kcvs.rng)" \
    xmllint_rng "$KCVS_RNG" "$REPORT" --xinclude

# Every section file is included by the report, exactly once.
sections_included() {
    local f n rc=0
    for f in content/sections/*.xml; do
        n=$(grep -c "<xi:include href=\"sections/$(basename "$f")\"" "$REPORT" || true)
        [ "$n" = 1 ] || { echo "$f is included $n times by $REPORT"; rc=1; }
    done
    return $rc
}
check "$REPORT: includes every content/sections/*.xml once" sections_included

# (c): the schema ----------------------------------------------------------

for f in "$FIXTURES"/valid-*.xml; do
    check "$f: accepted (jing kcvs.rng)"            jing_rng "$KCVS_RNG" "$f"
    check "$f: accepted (jing -c kcvs.rnc)"         jing_rnc "$KCVS_RNC" "$f"
    check "$f: accepted (xmllint --xinclude kcvs.rng)" xmllint_rng "$KCVS_RNG" "$f" --xinclude
    check "$f: also valid DocBook 5 (jing docbookxi.rng)" jing_rng "$DOCBOOKXI_RNG" "$f"
done
for f in "$FIXTURES"/invalid-*.xml; do
    check  "$f: well-formed"                         xmllint --nonet --noout "$f"
    reject "$f: rejected (jing kcvs.rng)"            jing_rng "$KCVS_RNG" "$f"
    reject "$f: rejected (jing -c kcvs.rnc)"         jing_rnc "$KCVS_RNC" "$f"
    reject "$f: rejected (xmllint --xinclude kcvs.rng)" xmllint_rng "$KCVS_RNG" "$f" --xinclude
done

if have trang; then
    check "$KCVS_RNG is trang's translation of $KCVS_RNC" \
        sh -c 'trang -I rnc -O rng "$1" "$2/kcvs.rng" && diff -u "$3" "$2/kcvs.rng"' \
        sh "$KCVS_RNC" "$tmpdir" "$KCVS_RNG"
else
    skip "$KCVS_RNG is trang's translation of $KCVS_RNC (trang not installed)"
fi

# (d): the seed checklists --------------------------------------------------

PY=
for p in /usr/bin/python3 python3; do have "$p" && { PY=$p; break; }; done
if [ -n "$PY" ]; then
    check "tests/data/seed-paragraphs.txt and seed-links.txt match $REPORT" \
        "$PY" - "$REPORT" tests/data/seed-paragraphs.txt tests/data/seed-links.txt <<'EOF'
import os, re, sys
import xml.etree.ElementTree as ET
from xml.etree import ElementInclude

report, paras_file, links_file = sys.argv[1:4]
DB = "{http://docbook.org/ns/docbook}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
tree = ET.parse(report)
root = tree.getroot()
ElementInclude.include(root, base_url=os.path.abspath(report))

blocks, links = [], []
info = root.find(DB + "info")
skip = set(info.iter()) if info is not None else set()
for el in root.iter():
    if el in skip:
        continue
    if el.tag in (DB + "title", DB + "subtitle", DB + "para", DB + "entry") \
            and el.find(".//" + DB + "para") is None:
        blocks.append(re.sub(r"\s+", " ", "".join(el.itertext())).strip())
    href = el.get(XLINK_HREF)
    if href is not None and href not in links:
        links.append(href)

def lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()

rc = 0
for name, want, got in (("paragraphs", lines(paras_file), blocks),
                        ("links", lines(links_file), links)):
    if want != got:
        rc = 1
        print(f"{name}: the checklist has {len(want)} lines, the report {len(got)}")
        for i, (w, g) in enumerate(zip(want + [""] * len(got), got + [""] * len(want))):
            if w != g:
                print(f"  first difference at line {i + 1}:\n    list:   {w}\n    report: {g}")
                break
sys.exit(rc)
EOF
else
    skip "seed checklists match $REPORT (python3 not installed)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

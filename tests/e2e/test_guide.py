"""The editors' guide, docs/guide.xml: written in the report format itself,
it compiles with no warning at all (-W error), validates against
schema/kcvs.rng, and its PDF contains the title of every section. It also
stays an example of what it explains: it uses each construct it documents.
"""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import DB, ROOT, canon, compile_ok, contains_words

GUIDE = ROOT / "docs" / "guide.xml"
KCVS_RNG = ROOT / "schema" / "kcvs.rng"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def text_of(el):
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


@pytest.fixture(scope="module")
def tree():
    return ET.parse(GUIDE).getroot()


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    out = tmp_path_factory.mktemp("guide") / "guide.pdf"
    return compile_ok(GUIDE, out, "-W", "error")


def test_guide_compiles_without_any_warning(guide):
    assert guide.result.returncode == 0
    assert guide.result.stderr.strip() == "", guide.result.stderr
    assert guide.page_count >= 8


def test_guide_is_valid(tree):
    if not shutil.which("xmllint"):
        pytest.skip("xmllint is not installed")
    r = subprocess.run(["xmllint", "--noout", "--nonet", "--relaxng", str(KCVS_RNG), str(GUIDE)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_guide_names_the_schema_like_content():
    head = GUIDE.read_text(encoding="utf-8")[:600]
    m = re.search(r'<\?xml-model href="([^"]+\.rng)"', head)
    assert m, "no <?xml-model href=\"…kcvs.rng\"?>"
    assert (GUIDE.parent / m.group(1)).resolve() == KCVS_RNG.resolve()


def test_guide_metadata(tree):
    assert tree.tag == DB + "article"
    assert tree.get(XML_LANG) == "nl-BE"
    info = tree.find(DB + "info")
    assert text_of(info.find(DB + "title")) == "kcvs-pdf — handleiding voor redacteuren"
    assert text_of(info.find(DB + "orgname")) == "Kenniscentrum Vlaamse Steden"
    assert text_of(info.find(DB + "pubdate")).startswith("2026")


def test_pdf_contains_every_section_title(tree, guide):
    text = canon(" ".join(guide.page_texts))
    titles = [text_of(s.find(DB + "title")) for s in tree.iter(DB + "section")]
    assert len(titles) >= 7, titles
    for title in titles:
        assert contains_words(text, canon(title)), f"section title {title!r} not in the PDF"


def test_pdf_metadata(guide):
    info = guide.pdf.docinfo
    assert str(info.get("/Title")) == "kcvs-pdf — handleiding voor redacteuren"


def test_guide_uses_what_it_explains(tree):
    """A workstream per topic, a source-document link, a call to action, a
    verified budget with subtotals and a total, an image with alternative
    text, a footnote and cross-references."""
    assert len(tree.findall(DB + "section")) >= 7
    assert any(l.get(XLINK_HREF, "").startswith("https://") for l in tree.iter(DB + "link"))
    assert tree.find(f".//{DB}para[@role='cta']/{DB}link") is not None
    budget = next((t for t in tree.iter(DB + "table")
                   if "budget" in (t.get("role") or "").split()), None)
    assert budget is not None
    assert "chart-bar" in budget.get("role").split(), "the guide shows a budget chart"
    roles = [r.get("role") for r in budget.iter(DB + "row")]
    assert "subtotal" in roles and "total" in roles
    media = tree.find(f".//{DB}mediaobject")
    assert media is not None and text_of(media.find(f"{DB}textobject/{DB}phrase"))
    fileref = media.find(f".//{DB}imagedata").get("fileref")
    assert (GUIDE.parent / fileref).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert tree.find(f".//{DB}footnote") is not None
    ids = {el.get("{http://www.w3.org/XML/1998/namespace}id") for el in tree.iter()}
    xrefs = list(tree.iter(DB + "xref"))
    assert xrefs and all(x.get("linkend") in ids for x in xrefs)


XI_INCLUDE = "{http://www.w3.org/2001/XInclude}include"


def test_guide_shows_the_docbook_elements_people_write(tree, guide):
    """The section on DocBook as people write it uses what it explains:
    computer text, a listing included as text, quotations, boxes, a titled
    figure someone refers to, and a definition list."""
    section = next(s for s in tree.iter(DB + "section")
                   if s.get("{http://www.w3.org/XML/1998/namespace}id") == "docbook-elementen")
    for name in ("literal", "option", "filename", "command", "quote", "blockquote",
                 "attribution", "note", "warning", "figure", "variablelist", "term"):
        assert section.find(f".//{DB}{name}") is not None, name
    include = section.find(f".//{DB}programlisting/{XI_INCLUDE}")
    assert include is not None and include.get("parse") == "text"
    figure = section.find(f".//{DB}figure")
    assert any(x.get("linkend") == figure.get("{http://www.w3.org/XML/1998/namespace}id")
               for x in tree.iter(DB + "xref"))
    text = canon(" ".join(guide.page_texts))
    # the included file's lines, set as written
    for line in (GUIDE.parent / include.get("href")).read_text(encoding="utf-8").splitlines():
        assert canon(line) in text, line
    assert canon("Opmerking") in text  # the note's heading, named by its kind

"""Documents written the way people outside the project write them
(pandoc's DocBook of Markdown, Word and HTML; DocBook 5 by hand), checked
the way a reader meets their PDFs: see tests/data/e2e/audit/README.md.

Each document that compiles is checked for
- conservation: every word of the source printed once, in order;
- the fonts' text maps: what extraction reads is what is drawn;
- qpdf --check and mutool draw: no error, no warning;
- the structure tree (pdfinfo -struct-text): every paragraph of the
  source in it as often as in the source;
- links: the words under each URI annotation are its source text, and
  every annotation lies over some;
- the shared PDF/A + PDF/UA checker, where it is beside the clone.
Each document under bad/ stops with `file:line:col: error:` and exit 1,
and leaves an earlier PDF at the output path as it was.
"""

import collections
import re
import shutil
import subprocess
from urllib.parse import unquote

import pytest

from conftest import (DB, E2E_DATA, assert_pdfcheck_passes, assert_text_conserved,
                      canon, compile_ok, conservation_tokens, font_map_problems,
                      pdf_rect_to_box, run_kcvs, tool)

AUDIT = E2E_DATA / "audit"
XLINK = "{http://www.w3.org/1999/xlink}href"
DOCUMENTS = sorted(AUDIT.glob("*.xml"))
BAD = sorted((AUDIT / "bad").glob("*.xml"))


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """Every document compiled once: name -> Doc."""
    out = tmp_path_factory.mktemp("audit")
    return {src.name: compile_ok(src, out / (src.stem + ".pdf")) for src in DOCUMENTS}


def names():
    return [pytest.param(p.name, id=p.stem) for p in DOCUMENTS]


def source_tree(name):
    from lxml import etree
    tree = etree.parse(str(AUDIT / name), etree.XMLParser(load_dtd=False, no_network=True))
    tree.xinclude()
    return tree.getroot()


def test_the_folder_holds_what_the_readme_says():
    readme = (AUDIT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`*]+\.xml)`", readme, re.M))
    assert listed == {p.name for p in DOCUMENTS}
    assert 15 <= len(DOCUMENTS) + 1 <= 25 and BAD


@pytest.mark.parametrize("name", names())
def test_text_is_conserved(compiled, name):
    doc = compiled[name]
    assert_text_conserved(AUDIT / name, doc.path, stderr=doc.result.stderr)
    assert font_map_problems(doc.pdf) == []


@pytest.mark.parametrize("name", names())
def test_readers_find_no_fault(compiled, name):
    path = compiled[name].path
    check = tool("qpdf", "--check", path, check=False)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, \
        check.stdout + check.stderr
    if shutil.which("mutool"):
        draw = subprocess.run(["mutool", "draw", "-o", "/dev/null", str(path)],
                              capture_output=True, text=True, timeout=120)
        # a mupdf built without lcms says so for every PDF/A output intent
        said = [l for l in draw.stderr.splitlines() if re.search(r"error|warning", l, re.I)
                and "ICC support is not available" not in l]
        assert draw.returncode == 0 and not said, draw.stderr
    assert_pdfcheck_passes(path, alone=False)


# ---------------------------------------------------------------- structure

def paragraph_runs(root):
    """Token runs of the source's paragraphs that hold plain text only (no
    footnote, cross-reference or image breaks them up in the tree), three
    tokens or longer; each with whether it is a footnote's."""
    plain = {DB + n for n in ("emphasis", "link", "literal", "code", "phrase", "quote",
                              "superscript", "subscript", "citetitle", "uri")}
    runs = []
    for para in root.iter(DB + "para", DB + "simpara"):
        if any(isinstance(d.tag, str) and d.tag not in plain for d in para.iterdescendants()):
            continue
        if any(a.tag == DB + "info" for a in para.iterancestors()):
            continue  # an abstract: metadata
        toks = conservation_tokens("".join(para.itertext()))
        if len(toks) >= 3:
            runs.append((tuple(toks), any(a.tag == DB + "footnote" for a in para.iterancestors())))
    return runs


def without_run(tokens, run):
    """TOKENS with the first occurrence of RUN taken out."""
    n = len(run)
    for i in range(len(tokens) - n + 1):
        if n and tokens[i:i + n] == run:
            return tokens[:i] + tokens[i + n:]
    return tokens


def words(tokens):
    """TOKENS without numbers: a note's label stays where its text was
    taken out."""
    return [t for t in tokens if not t.isdigit()]


def count_runs(run, tokens):
    n = len(run)
    return sum(1 for i in range(len(tokens) - n + 1) if tuple(tokens[i:i + n]) == run)


@pytest.mark.parametrize("name", names())
def test_every_paragraph_is_in_the_structure_as_often_as_printed(compiled, name):
    """A paragraph's words are in the structure tree (what assistive
    technology reads) as often as they are on the pages (the conservation
    test compares those with the source), cross-references included."""
    doc = compiled[name]
    struct = tool("pdfinfo", "-struct-text", doc.path).stdout
    # the text of the tree's leaves, in its order
    got = conservation_tokens(" ".join(re.findall(r'^\s*"(.*)"\s*$', struct, re.M)))
    printed = conservation_tokens(" ".join(doc.body_text(i) for i in range(doc.page_count)))
    root = source_tree(name)
    # the notes at the foot of a page stand between a paragraph's lines
    # when it goes on overleaf: out of the text the others are read in
    text = printed
    for note in root.iter(DB + "footnote"):
        text = without_run(text, conservation_tokens("".join(note.itertext())))
    got, printed, text = words(got), words(printed), words(text)
    for run, in_note in set(paragraph_runs(root)):
        run = tuple(words(run))
        want = count_runs(run, printed if in_note else text)
        assert want >= 1 and count_runs(run, got) == want, \
            f"{' '.join(run)!r}: {count_runs(run, got)} times in the structure, {want} printed"


# ---------------------------------------------------------------- links

def source_link_texts(root):
    """URI -> the canonical text of the source's links to it (an <email>
    is a mailto: link), in document order; footnotes inside left out."""
    out = collections.defaultdict(list)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        uri = (el.get(XLINK) or "").strip()
        if el.tag == DB + "email" and not uri:
            uri = "mailto:" + "".join(el.itertext()).strip()
        if not uri or uri.startswith("#"):
            continue
        empty = not "".join(el.itertext()).strip()
        out[uri].append(uri if empty else printed_text(el))
    return out


def printed_text(el):
    """EL's text as the line shows it: no footnote, no image's text
    object (its alternative text), no index term."""
    unseen = {DB + n for n in ("footnote", "inlinemediaobject", "indexterm", "alt", "remark")}
    parts = [el.text or ""]
    for kid in el:
        if isinstance(kid.tag, str) and kid.tag not in unseen:
            parts.append(printed_text(kid))
        parts.append(kid.tail or "")
    return "".join(parts)


def pdf_link_texts(doc):
    """URI -> the words under its annotations (a word whose centre lies in
    a rectangle), in page and annotation order; and the annotations that
    cover no word."""
    out, empty = collections.defaultdict(list), []
    for page, annot in doc.uri_links:
        box = pdf_rect_to_box(annot.Rect, doc.page_height(page))
        words = [w.text for w in doc.bbox_words[page] if box.contains_point(w.box.cx, w.box.cy)]
        uri = unquote(str(annot.A.URI))
        out[uri].append(" ".join(words))
        if not words:
            empty.append((page + 1, uri, box))
    return out, empty


@pytest.mark.parametrize("name", names())
def test_link_annotations_lie_over_their_text(compiled, name):
    doc = compiled[name]
    want = source_link_texts(source_tree(name))
    got, empty = pdf_link_texts(doc)
    assert {unquote(u) for u in want} == set(got), (sorted(want), sorted(got))
    images = {u for u, texts in want.items() if not canon(" ".join(texts))}
    for uri, texts in want.items():
        uri = unquote(uri)
        if uri in images:
            continue
        # a link broken over lines has one rectangle per line; an address
        # set with /ActualText is one word, under the first of them
        # (tokens: the sentence's punctuation pdftotext's word keeps, "coupée,", aside)
        assert conservation_tokens(" ".join(got[uri])) == conservation_tokens(" ".join(texts)), \
            (uri, got[uri], texts)
    lone = [e for e in empty if e[1] not in images and
            not any(re.search(r"[/@.]", t) for t in got[e[1]])]
    assert not lone, f"link rectangles over no word: {lone}"


# ---------------------------------------------------------------- characters outside the fonts

def test_characters_outside_the_fonts_are_named_and_the_rest_is_printed(tmp_path):
    """Emoji, Hebrew, Arabic and CJK (in none of the style's fonts): each
    character is named in a warning, every other word is printed."""
    src = tmp_path / "outside-fonts.xml"
    tool("pandoc", "-f", "markdown", "-t", "docbook5", "-s",
         AUDIT / "sources" / "outside-fonts.md", "-o", src)
    doc = compile_ok(src, tmp_path / "outside-fonts.pdf")
    named = set(re.findall(r"character U\+([0-9A-F]+) is in none of the style's fonts",
                           doc.result.stderr))
    text = src.read_text(encoding="utf-8")
    outside = {c for c in text if f"{ord(c):04X}" in named}
    assert outside and all(f"{ord(c):04X}" in named for c in "😀🚀שלוםمرحبا中文日本語"), named
    kept = tmp_path / "kept.xml"
    kept.write_text("".join(" " if c in outside else c for c in text), encoding="utf-8")
    assert_text_conserved(kept, doc.path)


# ---------------------------------------------------------------- documents with errors

@pytest.mark.parametrize("source", [pytest.param(p, id=p.stem) for p in BAD])
def test_an_error_names_its_place_and_leaves_the_earlier_pdf(tmp_path, source):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF-1.7 earlier\n")
    res = run_kcvs(source, "-o", out)
    assert res.returncode == 1, res.stderr
    errors = [l for l in res.stderr.splitlines() if ": error: " in l]
    place = r"(?:\S*/)?bad/" + re.escape(source.name) + r":\d+:\d+: error: "
    assert errors and all(re.match(place, l) for l in errors), res.stderr
    assert out.read_bytes() == b"%PDF-1.7 earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]

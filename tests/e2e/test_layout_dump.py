"""--dump-layout: the text form of the laid-out pages (the layout goldens of
tests/layout are made of it) says what a PDF reader sees.

One document, compiled once to a PDF and once to a dump: every line of the
dump is found by poppler at its position with its text, every link area is
the PDF's link annotation, and the dump is byte-for-byte the same on every
run, to a file or to standard output.
"""

import re
import shutil
import subprocess

import pytest

from conftest import KCVS_PDF, ROOT, compile_ok, pdf_rect_to_box, run_kcvs

LAYOUT = ROOT / "tests" / "layout"
NUM = r"-?\d+\.\d\d"
QUOTED = r'"(?:[^"\\]|\\.)*"'
PATH = r"(?:artifact|untagged|(?:/[A-Za-z0-9]+\[\d+\])+)"
GRAMMAR = {
    "header": rf"kcvs-pdf layout, format \d+, \d+ pages",
    "page": rf"page \d+ [a-z-]+ {NUM} {NUM}(?: {QUOTED})?",
    "line": rf"  line {NUM} {NUM} {NUM} {QUOTED}",
    "run": rf"    run {NUM}(?: rise {NUM})? \S+ {NUM} \d+ glyphs {NUM}(?: expand=\d\.\d{{4}})?(?: colour=\S+)? {PATH}",
    "rect": rf"  rect {NUM} {NUM} {NUM} {NUM}(?: fill=\S+)?(?: stroke=\S+ {NUM})?"
            rf"(?: radius {NUM})? {PATH}",
    "rule": rf"  rule {NUM} {NUM} {NUM} {NUM}(?: stroke=\S+ {NUM}| invisible) {PATH}",
    "image": rf"  image {NUM} {NUM} {NUM} {NUM} {QUOTED}(?: alt {QUOTED})? {PATH}",
    "link": rf"  link {NUM} {NUM} {NUM} {NUM} (?:{QUOTED}|to page \d+ {NUM}(?: #\S+| {QUOTED})?)"
            rf" {PATH}",
    "outline": rf"outline \d+ page \d+ {NUM} {QUOTED}",
}


def unquote(s):
    return re.sub(r"\\x([0-9a-f]{2})|\\(.)",
                  lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), s[1:-1])


def parse_dump(text):
    """The dump -> list of pages, each {"lines": [(x, y, w, text)],
    "links": [(x, y, w, h, uri or None)]}."""
    pages = []
    for row in text.splitlines():
        if row.startswith("page "):
            pages.append({"lines": [], "links": []})
        elif row.startswith("  line "):
            m = re.fullmatch(rf"  line ({NUM}) ({NUM}) ({NUM}) ({QUOTED})", row)
            pages[-1]["lines"].append((*map(float, m.groups()[:3]), unquote(m.group(4))))
        elif row.startswith("  link "):
            m = re.fullmatch(rf"  link ({NUM}) ({NUM}) ({NUM}) ({NUM}) (\S.*?) (\S+)", row)
            uri = unquote(m.group(5)) if m.group(5).startswith('"') else None
            pages[-1]["links"].append((*map(float, m.groups()[:4]), uri))
    return pages


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """paragraphs.xml (justified lines, hyphens, a source link over two
    lines) and footnotes.xml (raised marks, notes): PDF and dump each."""
    out = {}
    tmp = tmp_path_factory.mktemp("dump")
    for name in ("paragraphs", "footnotes"):
        source = LAYOUT / f"{name}.xml"
        doc = compile_ok(source, tmp / f"{name}.pdf")
        res = run_kcvs("--dump-layout", source)
        assert res.returncode == 0, res.stderr
        out[name] = (doc, res.stdout)
    return out


@pytest.mark.parametrize("name", ["paragraphs", "footnotes"])
def test_every_line_of_the_dump_is_where_poppler_reads_it(compiled, name):
    doc, dump = compiled[name]
    pages = parse_dump(dump)
    assert len(pages) == doc.page_count
    descents = []
    continued = False
    for index, page in enumerate(pages):
        words = doc.bbox_words[index]
        for x, y, w, text in page["lines"]:
            # poppler's words of this line lie within its extent, start
            # above its baseline and reach down to it (a raised footnote
            # mark to within 4 pt): the lines above and below do neither
            found = sorted((wd for wd in words
                            if wd.box.y0 < y and wd.box.y1 > y - 4
                            and x - 0.5 <= wd.box.cx <= x + w + 0.5),
                           key=lambda wd: wd.box.x0)
            assert found, (index + 1, text)
            got = [wd.text for wd in found]
            drawn = text.split()
            if continued:  # its first piece is read with the line before
                drawn = drawn[1:]
            else:
                assert abs(found[0].box.x0 - x) < 0.5, (text, found[0].box.x0, x)
            # a word hyphenated by the line break reads whole (its first
            # part carries the word as ActualText)
            continued = (drawn[-1].endswith("-") and got[-1] != drawn[-1]
                         and got[-1].startswith(drawn[-1][:-1]))
            if continued:
                drawn[-1] = got[-1]
            # poppler splits a raised mark from its word: compare the letters
            assert "".join(got) == "".join(drawn), (index + 1, y)
            # y is the baseline: it cuts every first word's box (poppler's
            # ascent + descent) at the same fraction, that of the descent
            box = found[0].box
            descents.append((box.y1 - y) / (box.y1 - box.y0))
    assert len(descents) >= 10
    assert 0 < min(descents) and max(descents) - min(descents) < 0.01, descents


def test_link_areas_are_the_pdfs_link_annotations(compiled):
    doc, dump = compiled["paragraphs"]
    pages = parse_dump(dump)
    dumped = [(i, x, y, w, h, uri) for i, p in enumerate(pages)
              for x, y, w, h, uri in p["links"] if uri]
    assert len(dumped) >= 2  # the source link runs over two lines
    annots = [(i, pdf_rect_to_box(a.Rect, doc.page_height(i)), str(a.A.URI))
              for i, a in doc.uri_links]
    assert len(annots) == len(dumped)
    for (i, x, y, w, h, uri), (j, box, pdf_uri) in zip(dumped, annots):
        assert (i, uri) == (j, pdf_uri)
        for got, want in zip((box.x0, box.y0, box.x1, box.y1), (x, y, x + w, y + h)):
            assert abs(got - want) < 0.02, (box, (x, y, w, h))


def test_the_dump_follows_its_grammar_without_addresses(compiled):
    dump = compiled["footnotes"][1]
    rows = dump.splitlines()
    assert re.fullmatch(GRAMMAR["header"], rows[0])
    for row in rows[1:]:
        assert any(re.fullmatch(p, row) for p in GRAMMAR.values()), row
    assert "0x" not in dump and "-0.00" not in dump


def test_the_dump_is_the_same_every_time_to_a_file_or_standard_output(compiled, tmp_path):
    dump = compiled["footnotes"][1]
    target = tmp_path / "footnotes.txt"
    res = run_kcvs("--dump-layout", LAYOUT / "footnotes.xml", "-o", target)
    assert res.returncode == 0, res.stderr
    assert target.read_text(encoding="utf-8") == dump
    again = run_kcvs("--dump-layout", LAYOUT / "footnotes.xml", "-o", "-")
    assert again.stdout == dump
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*"))


def test_a_document_with_errors_gives_no_dump(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<article xmlns="http://docbook.org/ns/docbook" version="5.0">'
                   '<section><title>T</title><para><xref linkend="nergens"/></para>'
                   '</section></article>', encoding="utf-8")
    target = tmp_path / "bad.txt"
    res = run_kcvs("--dump-layout", bad, "-o", target)
    assert res.returncode == 1
    assert "nergens" in res.stderr
    assert not target.exists() and not list(tmp_path.glob(".bad.txt*"))


def test_an_unwritable_dump_target_is_one_environment_error(tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    res = run_kcvs("--dump-layout", LAYOUT / "footnotes.xml", "-o", tmp_path / "file" / "x.txt")
    assert res.returncode == 2
    assert "error: cannot" in res.stderr and "x.txt" in res.stderr
    # the source is never overwritten by its own dump
    res = run_kcvs("--dump-layout", LAYOUT / "footnotes.xml", "-o", LAYOUT / "footnotes.xml")
    assert res.returncode == 2 and "it is the source" in res.stderr
    full = subprocess.run(f"'{KCVS_PDF}' --dump-layout '{LAYOUT / 'footnotes.xml'}' > /dev/full",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert full.returncode == 2
    assert full.stderr.count("error:") == 1 and "cannot write the layout dump" in full.stderr


def test_help_names_the_option():
    assert "--dump-layout" in run_kcvs("--help").stdout


def test_the_golden_runner_writes_compares_and_shows_the_diff(tmp_path):
    """tests/layout/run.sh as README describes it, in a copy of the tree
    with one document: --update writes NAME.expected, a plain run passes,
    a golden that no longer matches fails with the unified diff."""
    (tmp_path / "tests" / "layout").mkdir(parents=True)
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    shutil.copy(LAYOUT / "run.sh", tmp_path / "tests" / "layout" / "run.sh")
    shutil.copy(LAYOUT / "headings.xml", tmp_path / "tests" / "layout" / "kop.xml")

    def runner(*args):
        return subprocess.run(["sh", "tests/layout/run.sh", *args], cwd=tmp_path,
                              env={"PATH": "/usr/bin:/bin", "KCVS_PDF": str(KCVS_PDF)},
                              capture_output=True, text=True, timeout=120)

    golden = tmp_path / "tests" / "layout" / "kop.expected"
    assert runner().returncode == 1 and not golden.exists()  # no golden yet
    res = runner("--update")
    assert res.returncode == 0, res.stdout + res.stderr
    assert golden.read_text(encoding="utf-8") == run_kcvs("--dump-layout", LAYOUT / "headings.xml").stdout
    assert runner().returncode == 0
    golden.write_text(golden.read_text(encoding="utf-8").replace("Vierde niveau", "Vijfde niveau"),
                      encoding="utf-8")
    res = runner()
    assert res.returncode == 1
    assert '-  line' in res.stdout and 'Vijfde niveau' in res.stdout
    assert '+  line' in res.stdout and 'Vierde niveau' in res.stdout
    assert "layout: 0 passed, 1 failed" in res.stdout

"""Page-break rules on constructed documents: no widows or orphans, headings
kept with what follows, calls to action kept whole."""
import random
import re
import subprocess
from collections import defaultdict

import pytest

from conftest import KCVS_PDF, style_length

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" version="5.0" xml:lang="nl-BE">'
        '<info><title>Pagina-einden</title></info>')


def paragraph_words(p, n):
    # digits keep the words whole (never hyphenated) and tell their paragraph
    return " ".join(f"p{p:03d}w{i:03d}" for i in range(n))


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    rnd = random.Random(20211231)
    parts, p = [], 0
    for s in range(2):
        parts.append(f"<section><title>Werkspoor {s}</title>")
        for k in range(45):
            if k % 6 == 5:
                parts.append(f"<section><title>Kop{s}x{k} subsectie</title>")
            n = rnd.choice([4, 12, 25, 40, 60, 90, 130])
            parts.append(f"<para>{paragraph_words(p, n)}</para>")
            p += 1
            if k % 6 == 5:
                parts.append("</section>")
            if k % 9 == 4:
                words = " ".join(f"c{p:03d}v{i:02d}" for i in range(24))
                parts.append(f'<para role="cta"><link xlink:href="https://example.org/{p}">'
                             f"{words}</link></para>")
        parts.append("</section>")
    d = tmp_path_factory.mktemp("pagebreaks")
    (d / "doc.xml").write_text(HEAD + "".join(parts) + "</article>", encoding="utf-8")
    r = subprocess.run([str(KCVS_PDF), str(d / "doc.xml"), "-o", str(d / "doc.pdf")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    html = subprocess.run(["pdftotext", "-bbox-layout", str(d / "doc.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", html, re.S):
        lines = []
        for line in re.findall(r"<line [^>]*>(.*?)</line>", page, re.S):
            words = re.findall(r">([^<]+)</word>", line)
            y = float(re.search(r'yMin="([\d.]+)"', line).group(1))
            lines.append((y, words))
        lines.sort()
        pages.append([w for _, w in lines])
    return pages


def test_the_document_spans_several_pages(layout):
    assert len(layout) >= 8


def paragraph_lines_per_page(layout):
    per = defaultdict(lambda: defaultdict(int))
    for n, page in enumerate(layout):
        for words in page:
            ids = {m.group(1) for w in words for m in [re.match(r"p(\d{3})w\d{3}$", w)] if m}
            assert len(ids) <= 1, f"page {n + 1}: a line mixes paragraphs {ids}"
            for i in ids:
                per[i][n] += 1
    return per


def test_no_orphans_and_no_widows(layout):
    split = 0
    for para, pages in paragraph_lines_per_page(layout).items():
        if len(pages) < 2:
            continue
        split += 1
        first, last = min(pages), max(pages)
        assert pages[first] >= 2, f"paragraph {para}: 1 line left at the foot of page {first + 1}"
        assert pages[last] >= 2, f"paragraph {para}: 1 line alone at the top of page {last + 1}"
    assert split >= 3, "the constructed document should split paragraphs across pages"


def body_lines(page):
    # running heads and folios are the short lines without our markers
    return [w for w in page if any(re.match(r"(p\d{3}w|c\d{3}v|Kop)", x, re.I) for x in w)]


def test_a_heading_is_never_the_last_line_of_a_page(layout):
    for n, page in enumerate(layout):
        lines = body_lines(page)
        if lines:
            assert not lines[-1][0].startswith("Kop"), f"page {n + 1} ends with heading {lines[-1]}"


def test_a_heading_keeps_at_least_two_lines_of_its_text(layout):
    for n, page in enumerate(layout):
        lines = body_lines(page)
        for i, words in enumerate(lines):
            if words[0].startswith("Kop"):
                assert len(lines) - i - 1 >= 2, f"page {n + 1}: heading {words} with < 2 lines after it"


def test_calls_to_action_are_kept_whole(layout):
    where = defaultdict(set)
    for n, page in enumerate(layout):
        for words in page:
            for w in words:
                m = re.match(r"c(\d{3})v\d{2}$", w, re.I)
                if m:
                    where[m.group(1)].add(n)
    assert where
    for cta, pages in where.items():
        assert len(pages) == 1, f"call to action {cta} split over pages {sorted(pages)}"


def test_body_lines_sit_on_the_baseline_grid(tmp_path):
    # a subtitle and a heading of odd heights between the paragraphs: the
    # body lines after them still keep a whole number of grid steps apart
    # (the house style's baseline-grid)
    body = "".join(f"<para>{paragraph_words(p, 30)}</para>" for p in range(3))
    doc = (HEAD + "<section><title>Raster</title><subtitle>Een ondertitel</subtitle>" + body
           + "<section><title>Tussenkop met een andere hoogte</title>" + body
           + "</section></section></article>")
    (tmp_path / "grid.xml").write_text(doc, encoding="utf-8")
    out = tmp_path / "grid.pdf"
    r = subprocess.run([str(KCVS_PDF), str(tmp_path / "grid.xml"), "-o", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    html = subprocess.run(["pdftotext", "-bbox", "-f", "3", "-l", "3", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    boxes = [(float(y0), float(y1)) for y0, y1 in re.findall(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">p\d{3}w\d{3}</word>', html)]
    # body text (10 pt) only: the lead paragraph (12 pt) is not on the grid
    smallest = min(y1 - y0 for y0, y1 in boxes)
    bottoms = sorted({round(y1, 2) for y0, y1 in boxes if y1 - y0 < smallest + 0.5})
    assert len(bottoms) > 6
    steps = [(b - bottoms[0]) / style_length("baseline-grid") for b in bottoms]
    assert all(abs(s - round(s)) < 0.02 for s in steps), steps

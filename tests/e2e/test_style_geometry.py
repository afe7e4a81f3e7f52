"""The geometry that used to be written into the C code is the style's
(issue 17): each parameter below, set in a copy of the house style to
another value, moves what it says it moves, by as much, in the layout dump
(`--dump-layout`) or, for what only the PDF writer uses, in the PDF.

Each case lays out one of the layout-golden documents (tests/layout) with
the house style as shipped and with one more element that sets the
parameter (a later value replaces an earlier one), and compares the two.
The expected changes are computed from the value set and the one shipped
(read from styles/kcvs.xml, never restated), so a parameter the program
ignores fails its case.
"""

import re
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, STYLE_XML, page_master, run_kcvs, style_length, style_setting

LAYOUT = ROOT / "tests" / "layout"
FONTS = ROOT / "fonts"


def style_with(tmp_path, extra, name):
    """The house style plus EXTRA before </style>, with absolute font paths
    (the copy lives elsewhere)."""
    text = STYLE_XML.read_text(encoding="utf-8").replace("../fonts/", str(FONTS) + "/")
    text = text.replace("</style>", extra + "\n</style>")
    path = tmp_path / f"{name}.xml"
    path.write_text(text, encoding="utf-8")
    return path


def dump(tmp_path, doc, style, *extra):
    out = tmp_path / f"{style.stem}-{Path(doc).stem}.txt"
    res = run_kcvs("-q", "--style", style, "--dump-layout", doc, "-o", out, *extra, cwd=LAYOUT)
    assert res.returncode == 0, res.stderr
    return parse(out.read_text(encoding="utf-8"))


def parse(text):
    """{page number: [(kind, numbers, rest of the line)]} of a layout dump."""
    pages, items = {}, None
    for line in text.splitlines():
        m = re.match(r"page (\d+) ", line)
        if m:
            items = pages.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"\s+(\w+) ((?:-?[\d.]+ )*)(.*)", line)
        if m and items is not None:
            nums = [float(x) for x in m.group(2).split()]
            items.append((m.group(1), nums, m.group(3)))
    return pages


def both(tmp_path, doc, element, attr, value, *extra):
    """The dumps of DOC with the house style and with <ELEMENT ATTR=VALUE/>."""
    base = dump(tmp_path, LAYOUT / doc, style_with(tmp_path, "", "base"), *extra)
    changed = dump(tmp_path, LAYOUT / doc, style_with(
        tmp_path, f'<{element} {attr}="{value}"/>', "changed"), *extra)
    return base, changed


def footnote_rule(pages):
    """The rule above the footnotes of the last page (the lowest rule)."""
    rules = [nums for kind, nums, _ in pages[max(pages)] if kind == "rule"]
    return max(rules, key=lambda n: n[1])


def toc_title_x(pages):
    """The x of a contents entry's title (the run in its Link, left of the
    page number)."""
    runs = [nums[0] for kind, nums, rest in pages[2]
            if kind == "run" and "/Reference[1]/Link[1]" in rest]
    return min(runs)


def toc_rule(pages):
    """The rule under the first contents entry (the title's is wider)."""
    return [nums for kind, nums, rest in pages[2] if kind == "rule" and "stroke=rule" in rest][0]


def note_mark(pages):
    """(size, rise) of the first footnote mark in the text."""
    for page in sorted(pages):
        for kind, nums, rest in pages[page]:
            m = re.match(r"rise ([\d.]+) \S+ ([\d.]+) ", rest)
            if kind == "run" and m and "/Reference[" in rest:
                return float(m.group(2)), float(m.group(1))
    raise AssertionError("no footnote mark in the dump")


def test_footnote_gap(tmp_path):
    old = style_length("footnote-gap")
    base, changed = both(tmp_path, "footnotes.xml", "layout", "footnote-gap", f"{old + 10}pt")
    # the notes sit on the frame's foot; the rule halfway up the gap
    assert footnote_rule(changed)[1] == pytest.approx(footnote_rule(base)[1] - 5, abs=0.02)


def test_footnote_rule_length(tmp_path):
    old = float(style_setting("footnote-rule-length"))
    base, changed = both(tmp_path, "footnotes.xml", "layout", "footnote-rule-length", old * 2)
    length = lambda r: r[2] - r[0]
    assert length(footnote_rule(changed)) == pytest.approx(2 * length(footnote_rule(base)),
                                                           abs=0.02)


def test_toc_number_gap(tmp_path):
    old = style_length("toc-number-gap")
    base, changed = both(tmp_path, "footnotes.xml", "layout", "toc-number-gap", f"{old + 10}pt")
    assert toc_title_x(changed) == pytest.approx(toc_title_x(base) + 10, abs=0.02)
    assert toc_rule(changed)[0] == pytest.approx(toc_rule(base)[0] + 10, abs=0.02)


def test_toc_number_digits(tmp_path):
    old = int(style_setting("toc-number-digits"))
    base, changed = both(tmp_path, "footnotes.xml", "layout", "toc-number-digits", old + 3)
    assert toc_title_x(changed) > toc_title_x(base) + 3 * 4  # three more digits


def test_toc_page_gap_narrows_the_title(tmp_path):
    """A wide page-number column leaves the title less room: it wraps."""
    base, changed = both(tmp_path, "footnotes.xml", "layout", "toc-page-gap", "300pt")
    lines = lambda p: len([1 for kind, n, rest in p[2] if kind == "run"
                           and "/Reference[1]/Link[1]" in rest])
    assert lines(changed) > lines(base)


def test_toc_rule_gap_and_width(tmp_path):
    old = style_length("toc-rule-gap")
    base, changed = both(tmp_path, "footnotes.xml", "layout", "toc-rule-gap", f"{old + 10}pt")
    assert toc_rule(changed)[1] == pytest.approx(toc_rule(base)[1] + 10, abs=0.02)
    _, wide = both(tmp_path, "footnotes.xml", "layout", "toc-rule-width", "1.25pt")
    rest = [r for kind, n, r in wide[2] if kind == "rule" and "stroke=rule" in r][0]
    assert rest.split()[1] == "1.25", rest


def test_note_mark_size_and_rise(tmp_path):
    base, changed = both(tmp_path, "footnotes.xml", "typography", "note-mark-size", "0.5")
    size, _ = note_mark(changed)
    old_size, _ = note_mark(base)
    assert size == pytest.approx(old_size / float(style_setting("note-mark-size")) * 0.5,
                                 abs=0.02)
    base, changed = both(tmp_path, "footnotes.xml", "typography", "note-mark-rise", "0.6")
    (_, rise), (_, old_rise) = note_mark(changed), note_mark(base)
    assert rise == pytest.approx(old_rise / float(style_setting("note-mark-rise")) * 0.6,
                                 abs=0.02)


def test_image_max_height(tmp_path):
    base, changed = both(tmp_path, "images.xml", "layout", "image-max-height", "0.1")
    images = lambda p: [n for page in p.values() for kind, n, rest in page
                        if kind == "image" and "artifact" not in rest]
    old, new = images(base), images(changed)
    assert len(old) == len(new) and old
    assert max(h for *_, h in new) < max(h for *_, h in old)
    # never distorted
    for (_, _, w0, h0), (_, _, w1, h1) in zip(old, new):
        assert w1 / h1 == pytest.approx(w0 / h0, rel=0.01)


def test_cover_image_max_height(tmp_path):
    base, changed = both(tmp_path, "cover.xml", "layout", "cover-image-max-height", "0.05")
    image = lambda p: [n for kind, n, _ in p[1] if kind == "image"][0]
    assert image(changed)[3] < image(base)[3]


def test_table_space_after(tmp_path):
    old = float(style_setting("table-space-after"))
    base, changed = both(tmp_path, "table-pages.xml", "layout", "table-space-after", old + 4)
    after = lambda p: [n for page in p.values() for kind, n, rest in page
                       if kind == "line" and "Na de tabel volgt" in rest][0]
    assert after(changed)[1] > after(base)[1] + 4 * 7  # four body space-afters, on the grid


def test_slug_drop(tmp_path):
    old = float(style_setting("slug-drop"))
    base, changed = both(tmp_path, "footnotes.xml", "print", "slug-drop", old / 2,
                         "--profile", "print")
    slug = lambda p: [n for kind, n, rest in p[1] if kind == "line" and "·" in rest][0]
    drop = style_length("crop-length") * old / 2
    assert slug(changed)[1] == pytest.approx(slug(base)[1] - drop, abs=0.02)


# ---- what only the PDF writer uses -------------------------------------------


def compile_with(tmp_path, extra, name, *args):
    out = tmp_path / f"{name}.pdf"
    res = run_kcvs("--style", style_with(tmp_path, extra, name), LAYOUT / "footnotes.xml",
                   "-o", out, *args, cwd=LAYOUT)
    assert res.returncode == 0, res.stderr
    return pikepdf.open(out)


def link_tops(pdf):
    """The top of every link annotation's destination (/XYZ left top zoom)."""
    tops = []
    for page in pdf.pages:
        for annot in page.get("/Annots", []):
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot:
                dest = annot["/A"].get("/D")
            if dest is not None and len(dest) == 5 and dest[1] == "/XYZ":
                tops.append(float(dest[3]))
    return tops


def test_link_target_offset(tmp_path):
    old = style_length("link-target-offset")
    base = link_tops(compile_with(tmp_path, "", "base"))
    changed = link_tops(compile_with(
        tmp_path, f'<layout link-target-offset="{old + 20}pt"/>', "changed"))
    assert base and len(base) == len(changed)
    for b, c in zip(base, changed):
        assert c == pytest.approx(b + 20, abs=0.01)


def test_mark_margin(tmp_path):
    old = style_length("mark-margin")
    box = lambda pdf: [float(v) for v in pdf.pages[0].MediaBox]
    base = box(compile_with(tmp_path, "", "base", "--profile", "print"))
    changed = box(compile_with(tmp_path, f'<print mark-margin="{old + 10}pt"/>', "changed",
                               "--profile", "print"))
    assert changed[2] - changed[0] == pytest.approx(base[2] - base[0] + 20, abs=0.01)
    assert changed[3] - changed[1] == pytest.approx(base[3] - base[1] + 20, abs=0.01)


def test_total_rule_width(tmp_path):
    base, changed = both(tmp_path, "budget.xml", "layout", "total-rule-width", "3.5pt")
    widths = lambda p: {r.split()[1] for page in p.values() for kind, _, r in page
                        if kind == "rule" and r.startswith("stroke=rule")}
    total = f"{style_length('total-rule-width'):.2f}"
    assert total in widths(base) and total not in widths(changed)
    assert "3.50" in widths(changed)


def chart_dump(tmp_path, fillers, extra, name):
    """chart-years.xml after FILLERS one-line paragraphs, laid out with the
    house style plus EXTRA: the pages the chart's rectangles are on, and
    its legend's swatches (x)."""
    text = (ROOT / "tests" / "data" / "e2e" / "chart-years.xml").read_text(encoding="utf-8")
    fill = "".join(f"<para>Regel {i} van de opvulling.</para>\n" for i in range(fillers))
    doc = tmp_path / f"chart-{fillers}.xml"
    doc.write_text(text.replace("<para>De begroting van 2021 tot 2023 naast elkaar.</para>",
                                fill or "<para>Een alinea.</para>"), encoding="utf-8")
    pages = dump(tmp_path, doc, style_with(tmp_path, extra, name))
    rects = [(page, n) for page, items in pages.items() for kind, n, rest in items
             if kind == "rect" and "/Figure[" in rest]
    swatches = [n[0] for _, n in rects if n[2] == n[3] == style_length("swatch")]
    return {page for page, _ in rects}, swatches


def test_legend_gap(tmp_path):
    old = style_length("legend-gap")
    _, base = chart_dump(tmp_path, 0, "", "base")
    _, changed = chart_dump(tmp_path, 0, f'<chart legend-gap="{old + 10}pt"/>', "changed")
    assert len(base) == len(changed) == 3  # one swatch a year
    for k in range(3):
        assert changed[k] == pytest.approx(base[k] + 10 * k, abs=0.02)


def test_keep_share(tmp_path):
    """Where a chart that may break (keep-share 0) is cut by a page end, the
    same chart is kept whole with the house style's share."""
    for fillers in range(0, 120, 2):
        pages, _ = chart_dump(tmp_path, fillers, '<chart keep-share="0"/>', "loose")
        if len(pages) > 1:
            break
    else:
        raise AssertionError("no number of filler lines breaks the chart")
    kept, _ = chart_dump(tmp_path, fillers, "", "base")
    assert len(kept) == 1, (fillers, pages, kept)


def noted_document(path, note, paragraphs):
    """Writes a workstream whose first paragraph has a footnote NOTE,
    followed by PARAGRAPHS paragraphs of running text; returns PATH."""
    body = "".join(f"<para>Alinea {i} met gewone lopende tekst die de pagina vult en nog "
                   "wat verder gaat dan een regel.</para>\n" for i in range(paragraphs))
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Noten</title></info>
  <section><title>Een werkspoor met een noot</title>
    <para>Deze alinea draagt het anker<footnote><para>{note}</para></footnote>.</para>
{body}  </section>
</article>
""", encoding="utf-8")
    return path


def test_footnote_carry_share(tmp_path):
    """A footnote too long for its page goes on overleaf taking at most the
    share of the page the style gives; the rest on the page after."""
    note = " ".join(f"Zin {i} van een heel lange voetnoot die over de pagina loopt."
                    for i in range(160))
    doc = noted_document(tmp_path / "longnote.xml", note, 40)

    def note_lines(extra, name):
        pages = dump(tmp_path, doc, style_with(tmp_path, extra, name))
        counts = [sum(1 for kind, _, rest in pages[p] if kind == "run" and "/Note[" in rest)
                  for p in sorted(pages)]
        return [c for c in counts if c]

    old = float(style_setting("footnote-carry-share"))
    base = note_lines("", "base")
    less = note_lines(f'<layout footnote-carry-share="{old / 2}"/>', "less")
    assert sum(base) == sum(less) and len(base) > 1
    assert less[1] < base[1]  # the page after the anchor's takes less


def test_char_break_penalty(tmp_path):
    """A word wider than the measure breaks between letters at the style's
    penalty; at 10000 (never) it stands out of the measure whole."""
    doc = tmp_path / "longword.xml"
    doc.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Lang woord</title></info>
  <section><title>Een werkspoor</title>
    <para>Een woord dat niet op een regel past: {'x' * 120} en daarna tekst.</para>
  </section>
</article>
""", encoding="utf-8")
    widest = lambda p: max(n[2] for page in p.values() for kind, n, rest in page
                           if kind == "line" and "xxxx" in rest)
    base = dump(tmp_path, doc, style_with(tmp_path, "", "base"))
    never = dump(tmp_path, doc, style_with(
        tmp_path, '<typography char-break-penalty="10000"/>', "never"))
    master = page_master("continuation")
    measure = master["width"] - master["margin-inner"] - master["margin-outer"]
    assert widest(base) <= measure + 0.01
    assert widest(never) > measure


def test_footnote_gap_is_kept_free_when_a_page_is_filled(tmp_path):
    """The gap above a page's footnotes is room the text does not take: a
    wider gap leaves fewer lines of text on a full page with a note."""
    doc = noted_document(tmp_path / "fullpage.xml", "Een korte noot.", 80)

    def text_lines_with_note(extra, name):
        pages = dump(tmp_path, doc, style_with(tmp_path, extra, name))
        for p in sorted(pages):
            if any(kind == "run" and "/Note[" in rest for kind, _, rest in pages[p]):
                return sum(1 for kind, _, rest in pages[p] if kind == "run"
                           and re.search(r"/Sect\[1\]/P\[\d+\]$", rest))
        raise AssertionError("no page with the note")

    old = style_length("footnote-gap")
    assert text_lines_with_note(f'<layout footnote-gap="{old + 100}pt"/>', "wide") < \
        text_lines_with_note("", "base")

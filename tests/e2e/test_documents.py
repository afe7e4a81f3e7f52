"""Small constructed documents (tests/data/e2e/): nested lists, a
footnote, a cross-reference and a table that splits across pages."""

import re
import xml.etree.ElementTree as ET

import pytest

from conftest import E2E_DATA, STYLE_XML, canon, compile_ok, pdf_rect_to_box, text_area


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """NAME -> Doc, each document compiled once for this module."""
    cache = {}
    folder = tmp_path_factory.mktemp("documents")

    def get(name):
        if name not in cache:
            cache[name] = compile_ok(E2E_DATA / name, folder / name.replace(".xml", ".pdf"))
        return cache[name]
    return get


def page_of(doc, pattern):
    """The 0-based index of the first page with a word matching PATTERN."""
    for i in range(doc.page_count):
        if doc.words_matching(i, pattern):
            return i
    raise AssertionError(f"no word {pattern!r} in the PDF")


def label_of(doc, item):
    """The label printed left of the list item text ITEM on the same line,
    and whether it also comes right before it in pdftotext's reading order."""
    page = page_of(doc, item)
    word = doc.words_matching(page, item)[0]
    left = [w for w in doc.bbox_words[page]
            if w.box.x1 <= word.box.x0 and abs(w.box.cy - word.box.cy) < 2]
    label = max(left, key=lambda w: w.box.x1).text if left else None
    text = re.sub(r"\s+", " ", doc.page_texts[page])
    in_order = label is not None and f"{label} {item}" in text
    return label, in_order


# ---------------------------------------------------------------- lists

ORDERED = [("Eerstepunt", "1."), ("Tweedepunt", "a."), ("Derdepunt", "i."),
           ("Vierdepunt", "ii."), ("Vijfdepunt", "b."), ("Zesdepunt", "2.")]


def style_string(name):
    strings = ET.parse(STYLE_XML).getroot().find("{urn:x-kcvs-pdf:style}strings")
    return strings.get(name)


@pytest.mark.parametrize("item, label", ORDERED[:1] + ORDERED[5:])
def test_ordered_list_top_level_labels(compiled, item, label):
    assert label_of(compiled("lists.xml"), item) == (label, True)


@pytest.mark.parametrize("item, label", ORDERED[1:5])
def test_nested_ordered_list_labels_follow_the_level(compiled, item, label):
    assert label_of(compiled("lists.xml"), item) == (label, True)


def test_itemized_list_top_level_bullet(compiled):
    doc = compiled("lists.xml")
    for item in ("Appelboom", "Dadelpalm"):
        assert label_of(doc, item) == (style_string("bullet-1"), True)


@pytest.mark.parametrize("item, level", [("Bessenstruik", 2), ("Citroengras", 3)])
def test_nested_itemized_list_bullets_follow_the_level(compiled, item, level):
    assert label_of(compiled("lists.xml"), item) == (style_string(f"bullet-{level}"), True)


@pytest.mark.parametrize("chain", [("Appelboom", "Bessenstruik", "Citroengras"),
                                   ("Eerstepunt", "Tweedepunt", "Derdepunt")])
def test_nested_list_items_are_indented_further(compiled, chain):
    doc = compiled("lists.xml")
    x = [doc.words_matching(page_of(doc, w), w)[0].box.x0 for w in chain]
    assert x[0] < x[1] < x[2], x


# ---------------------------------------------------------------- footnote


def test_footnote_is_on_the_page_of_its_mark_below_the_body(compiled, body_master):
    doc = compiled("footnote.xml")
    page = page_of(doc, r"voetnootanker1?")
    assert re.search(r"voetnootanker ?1\b", re.sub(r"\s+", " ", doc.page_texts[page])), \
        "no footnote mark after the anchor word"
    notes = doc.words_matching(page, "Voetnoottekst")
    assert notes, "the footnote text is not on the page of its mark"
    note = notes[0]
    body = [w for pattern in ("voetnootanker1?", "alinea", "Slotalinea", "staat.", "aanpak.")
            for w in doc.words_matching(page, pattern)]
    assert note.box.y0 > max(w.box.y1 for w in body), "the footnote is not below the body text"
    area = text_area(page + 1, body_master)
    assert note.box.y1 <= area.y1 + 1, "the footnote runs into the bottom margin"
    line = [w for w in doc.bbox_words[page] if abs(w.box.cy - note.box.cy) < 2]
    first = min(line, key=lambda w: w.box.x0)
    assert first.text.startswith("1"), "the footnote text does not start with its number"


# ---------------------------------------------------------------- cross-reference


def test_xref_prints_title_and_page_of_target(compiled):
    doc = compiled("xref.xml")
    target = doc.heading_page("Eindbestemming", 2)
    source = page_of(doc, "verder")
    assert target is not None and target > source
    text = canon(doc.body_text(source))
    m = re.search(r"zie verder (.*?) voor de details", text)
    assert m, text
    assert "eindbestemming" in m.group(1)
    pages = re.findall(r"p\. ?(\d+)", m.group(1))
    assert pages == [str(target + 1)], f"printed {m.group(0)!r}, target on page {target + 1}"


def test_xref_is_an_internal_link_to_the_target_page(compiled):
    doc = compiled("xref.xml")
    target = doc.heading_page("Eindbestemming", 2)
    source = page_of(doc, "verder")
    word = doc.words_matching(source, r"Eindbestemming,?")[0]
    links = []
    for i, annot in doc.annotations:
        if i != source or annot.get("/Subtype") != "/Link":
            continue
        dest = annot.get("/Dest")
        if dest is None and "/A" in annot and annot.A.get("/S") == "/GoTo":
            dest = annot.A.D
        assert dest is not None, "an internal link without a destination"
        box = pdf_rect_to_box(annot.Rect, doc.page_height(i))
        links.append((doc.resolve_dest(dest), box))
    assert any(page == target and box.contains_point(word.box.cx, word.box.cy)
               for page, box in links), links


# ---------------------------------------------------------------- long table


@pytest.fixture(scope="module")
def long_table(compiled):
    doc = compiled("long-table.xml")
    pages = {}
    for i in range(doc.page_count):
        rows = [w for w in doc.words_matching(i, r"\d\d")
                if any(v.text == "Rij" and abs(v.box.cy - w.box.cy) < 2
                       and 0 <= w.box.x0 - v.box.x1 < 10 for v in doc.bbox_words[i])]
        if rows:
            pages[i] = rows
    return doc, pages


def test_long_table_spans_several_pages(long_table):
    _, pages = long_table
    assert len(pages) >= 2


def test_long_table_keeps_every_row_once_in_order(long_table):
    _, pages = long_table
    numbers = [int(w.text) for i in sorted(pages)
               for w in sorted(pages[i], key=lambda w: w.box.y0)]
    assert numbers == list(range(1, 61))


def test_long_table_repeats_its_header_at_the_top_of_each_page(long_table, body_master):
    doc, pages = long_table
    first = min(pages)
    for i, rows in pages.items():
        heads = [w for w in doc.bbox_words[i] if w.text in ("Rijkop", "Waardekop")]
        assert sorted(w.text for w in heads) == ["Rijkop", "Waardekop"], f"page {i + 1}"
        top = max(w.box.y1 for w in heads)
        assert top <= min(w.box.y0 for w in rows), f"page {i + 1}: header below a row"
        if i != first:
            area = text_area(i + 1, body_master)
            above = [w for w in doc.bbox_words[i]
                     if area.y0 - 5 <= w.box.y0 < min(h.box.y0 for h in heads) - 1]
            assert not above, f"page {i + 1}: {[w.text for w in above]} above the repeated header"


def test_long_table_rows_stay_above_the_bottom_margin(long_table, body_master):
    doc, pages = long_table
    for i, rows in pages.items():
        area = text_area(i + 1, body_master)
        low = max(w.box.y1 for w in rows)
        assert low <= area.y1 + 1, f"page {i + 1}: a row at {low:.1f} pt, margin at {area.y1:.1f}"

"""Images in the line (issue 18): an <inlinemediaobject> among a
paragraph's words is set like a glyph — a box of the image's size on the
baseline, moved by line breaking with the words around it, the line made
taller when the image is — and tagged as a Figure with /Alt inside its P.

Its size: contentwidth/width, contentdepth/depth (both: the largest size
within the two, never distorted), scale; without any, its natural size
(0.75 pt a pixel) within the style's inline-image-height (a share of the
text's size). An image wider than the measure is scaled to it and set on a
line of its own, without a warning (what Word and browsers do; the source
is as its author meant it). A paragraph of nothing but images sets them as
figures of their own, as before.

Positions are read as a reader meets them: the words' boxes from poppler
(pdftotext -bbox), the images' boxes from the content stream (the CTM at
each Do, test_images.placements).
"""

import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import (MM, ROOT, STYLE_XML, assert_pdfcheck_passes, assert_text_conserved, compile_text, run_kcvs,
                      struct_elements_with_parents, text_area)
from test_images import PNG_CASES, png_bytes, placements

STYLE_NS = "{urn:x-kcvs-pdf:style}"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Beelden in de regel</title></info>
  <section>
    <title>Werkspoor</title>
    <para>Een eerste alinea zonder beeld.</para>
"""
TAIL = """
  </section>
</article>
"""


def image(alt, ref="images/a.png", **attrs):
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return (f'<inlinemediaobject><imageobject><imagedata fileref="{ref}"{extra}/>'
            f'</imageobject><textobject><phrase>{alt}</phrase></textobject>'
            f'</inlinemediaobject>')


def write_images(folder):
    (folder / "images").mkdir(exist_ok=True)
    case = dict(PNG_CASES["rgb8"][0])  # 120 x 80 pixels
    (folder / "images" / "a.png").write_bytes(png_bytes(**case))
    case.update(width=8, height=8)
    (folder / "images" / "icon.png").write_bytes(png_bytes(**case))
    return case


def compile_paras(tmp_path, *paras, style=None):
    write_images(tmp_path)
    body = "\n".join(f"    <para>{p}</para>" for p in paras)
    extra = ("--style", style) if style else ()
    return compile_text(tmp_path, HEAD + body + TAIL, *extra)


def image_boxes(doc):
    """Every image drawn in the body, top-down: (page index, Box)."""
    from conftest import Box
    out = []
    for p in placements(doc):
        if p["page"] == 0:
            continue
        x0, y0, x1, y1 = p["box"]
        h = doc.page_height(p["page"])
        out.append((p["page"], Box(x0, h - y1, x1, h - y0)))
    return out


def word(doc, page, text):
    found = doc.words_matching(page, re.escape(text))
    assert len(found) == 1, f"{text!r} is printed {len(found)} times on page {page + 1}"
    return found[0].box


def same_line(a, b):
    """Two word boxes of one line (poppler's boxes of one line's text share
    their vertical band)."""
    return abs(a.y1 - b.y1) < 0.5


def style_number(attr, style=STYLE_XML):
    for el in ET.parse(style).getroot().iter():
        if el.get(attr):
            return float(el.get(attr))
    raise AssertionError(f"the style sets no {attr}")


def class_size(name, style=STYLE_XML):
    for el in ET.parse(style).getroot().iter(STYLE_NS + "class"):
        if el.get("name") == name:
            return float(re.match(r"[0-9.]+", el.get("size")).group(0))
    raise AssertionError(f"the style has no class {name}")


LONG = ("De provincie legt in dit werkspoor uit hoe de steden en gemeenten samen "
        "werken aan een beter bestuur dicht bij de burger, met aandacht voor wie "
        "het moeilijk heeft en voor de ruimte die iedereen nodig heeft")


# ---------------------------------------------------------------- in the line, between its words


@pytest.fixture(scope="module")
def icon_doc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("icon")
    return compile_paras(tmp, f"Tekst VOOR {image('Pictogram', 'images/icon.png')} NA de tekst.")


def test_an_image_among_words_is_drawn_in_their_line_between_them(icon_doc):
    (page, img), = image_boxes(icon_doc)
    before, after = word(icon_doc, page, "VOOR"), word(icon_doc, page, "NA")
    assert same_line(before, after)
    assert before.x1 <= img.x0 + 0.01 and img.x1 <= after.x0 + 0.01, (before, img, after)
    # within the line's band: not above its words, sitting on the baseline
    # (above the descenders' bottom)
    assert before.y0 - 0.01 <= img.y0 and img.y1 < before.y1, (before, img)


def test_an_image_in_a_line_is_a_figure_with_alt_inside_its_paragraph(icon_doc):
    figures = [(e, parent) for e, parent in struct_elements_with_parents(icon_doc.pdf)
               if e.get("/S") == "/Figure"]
    assert len(figures) == 1
    figure, parent = figures[0]
    assert str(figure.get("/Alt")) == "Pictogram"
    assert parent.get("/S") == "/P"
    # in reading order: after the words before it, before the words after it
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(icon_doc.path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"VOOR\s+NA de tekst", text)


def test_no_warning_and_pdfcheck_passes(icon_doc):
    assert "warning" not in icon_doc.result.stderr, icon_doc.result.stderr
    assert_pdfcheck_passes(icon_doc.path)


def test_the_alt_text_is_not_printed_and_nothing_is_lost(icon_doc):
    text = " ".join(icon_doc.page_texts)
    assert "Pictogram" not in text
    assert_text_conserved(icon_doc.path.with_suffix(".xml"), icon_doc.path)


# ---------------------------------------------------------------- line breaking


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    """The same image after more and more words: it goes where the words
    take it, onto the next line when the line is full."""
    tmp = tmp_path_factory.mktemp("moving")
    words = LONG.split()
    paras = [" ".join(words[:n]) + f" VOOR{n} {image(f'Beeld {n}', contentwidth='25mm')} "
             f"NA{n} {' '.join(words[n:])}." for n in range(6, 16)]
    return compile_paras(tmp, *paras)


def test_the_line_breaks_around_an_image_never_inside_it(moving):
    boxes = image_boxes(moving)
    assert len(boxes) == 10
    area = text_area(2)
    where = []
    for n, (page, img) in zip(range(6, 16), boxes):
        before, after = word(moving, page, f"VOOR{n}"), word(moving, page, f"NA{n}")
        # never past the measure (the words may hang into the margin by
        # their protrusion, an image never does)
        assert area.x0 - 0.01 <= img.x0 and img.x1 <= area.x1 + 0.01
        if same_line(before, after):
            assert before.x1 <= img.x0 + 0.01 and img.x1 <= after.x0 + 0.01
            where.append("between")
        elif before.x1 <= img.x0 + 0.01 and before.y0 < img.y1 < before.y1:
            where.append("ends the line")   # the word after starts the next line
            assert after.y0 > img.y1
        else:
            # the image starts the next line, the word after it follows it
            assert abs(img.x0 - area.x0) < 0.01 and same_line(after, after)
            assert img.x1 <= after.x0 + 0.01 and after.y0 < img.y1 < after.y1
            where.append("starts the line")
    assert "between" in where and set(where) != {"between"}, where


def test_an_image_written_against_a_word_stays_with_it(tmp_path):
    words = LONG.split()
    paras = [" ".join(words[:n]) + f" VAST{n}{image('Vast', 'images/icon.png')}, "
             + " ".join(words[n:]) + "." for n in range(8, 14)]
    doc = compile_paras(tmp_path, *paras)
    for n, (page, img) in zip(range(8, 14), image_boxes(doc)):
        glued = doc.words_matching(page, rf"VAST{n},?")
        assert len(glued) == 1
        w = glued[0].box
        assert w.y0 < img.y1 < w.y1, f"VAST{n} and its image are on different lines"
        assert img.x0 >= w.x0 and abs(img.x0 - w.x0) < 200


# ---------------------------------------------------------------- a tall image makes its line taller


@pytest.fixture(scope="module")
def tall(tmp_path_factory):
    """Two paragraphs of the same words: ALFA's without an image, BETA's
    with a tall one after HOOG."""
    tmp = tmp_path_factory.mktemp("tall")
    words = LONG.split()
    text = " ".join(words[:20]) + " {mark} " + " ".join(words[20:])
    return compile_paras(tmp, "ALFA " + text.format(mark="LAAG") + " EINDEA.",
                         "BETA " + text.format(mark="HOOG " + image("Hoog beeld",
                                                                    contentdepth="20mm"))
                         + " EINDEB.")


def baselines(doc, page, first, last):
    """The bottoms of the lines from the one holding FIRST to LAST's."""
    top, bottom = word(doc, page, first).y1, word(doc, page, last).y1
    ys = sorted({round(max(w.box.y1 for w in line), 2)
                 for line in doc.bbox_pages[page]["lines"] if line})
    return [y for y in ys if top - 0.01 <= y <= bottom + 0.01]


def test_a_tall_image_pushes_its_line_and_the_following_lines_down(tall):
    (page, img), = image_boxes(tall)
    assert abs((img.y1 - img.y0) - 20 * MM) < 0.05
    plain = baselines(tall, page, "ALFA", "EINDEA.")
    gaps = [b - a for a, b in zip(plain, plain[1:])]
    leading = gaps[0]
    assert len(plain) >= 3 and max(gaps) - min(gaps) < 0.05  # the same text: even lines
    lines = baselines(tall, page, "BETA", "EINDEB.")
    assert len(lines) == len(plain)
    hoog = word(tall, page, "HOOG")
    at = lines.index(round(hoog.y1, 2))
    assert at > 0 and at == plain.index(round(word(tall, page, "LAAG").y1, 2))
    assert hoog.y0 < img.y1 < hoog.y1, "the image does not sit on its line's baseline"
    assert img.y0 >= lines[at - 1] - 0.01, "the image overlaps the line above it"
    gaps = [b - a for a, b in zip(lines, lines[1:])]
    # the image's line moved down by about its height above the text ...
    assert gaps[at - 1] > leading + 20 * MM / 2, gaps
    # ... and the other lines keep the paragraph's leading
    for i, gap in enumerate(gaps):
        if i != at - 1:
            assert abs(gap - leading) < 0.05, gaps


# ---------------------------------------------------------------- sizes


@pytest.fixture(scope="module")
def sizes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sizes")
    paras = [f"Breedte {image('B', contentwidth='30mm')} in de tekst.",
             f"Diepte {image('D', contentdepth='10mm')} in de tekst.",
             f"Schaal {image('S', scale='50')} in de tekst.",
             f"Beide {image('W', contentwidth='30mm', contentdepth='10mm')} in de tekst.",
             f"Natuurlijk {image('N')} in de tekst."]
    return compile_paras(tmp, *paras)


def test_sizes_as_the_source_asks(sizes):
    natural_w, natural_h = 120 * 0.75, 80 * 0.75
    got = [(b.x1 - b.x0, b.y1 - b.y0) for _, b in image_boxes(sizes)]
    want = [(30 * MM, 30 * MM * natural_h / natural_w),
            (10 * MM * natural_w / natural_h, 10 * MM),
            (natural_w / 2, natural_h / 2),
            # the largest within both, undistorted: the depth decides
            (10 * MM * natural_w / natural_h, 10 * MM)]
    for (gw, gh), (ww, wh) in zip(got, want):
        assert abs(gw - ww) < 0.05 and abs(gh - wh) < 0.05, (got, want)


@pytest.mark.parametrize("style", ["kcvs", "sober"])
def test_an_image_without_a_size_is_held_to_the_styles_height(tmp_path, style):
    sheet = ROOT / "styles" / f"{style}.xml"
    doc = compile_paras(tmp_path, f"Natuurlijk {image('N')} in de tekst.", style=style)
    (_, img), = image_boxes(doc)
    cap = style_number("inline-image-height", sheet) * class_size("body", sheet)
    assert 120 * 0.75 > cap, "the test image is smaller than the style's cap"
    assert abs((img.y1 - img.y0) - cap) < 0.05
    assert abs((img.x1 - img.x0) / (img.y1 - img.y0) - 1.5) < 0.01  # never distorted


def test_an_image_wider_than_the_measure_takes_a_line_of_its_own(tmp_path):
    doc = compile_paras(tmp_path, f"Een te BREED {image('Breed', contentwidth='400mm')} "
                        "beeld NADIEN op een eigen regel.")
    assert "warning" not in doc.result.stderr, doc.result.stderr
    (page, img), = image_boxes(doc)
    area = text_area(page + 1)
    assert abs(img.x0 - area.x0) < 0.01 and abs(img.x1 - area.x1) < 0.01
    assert abs((img.y1 - img.y0) / (img.x1 - img.x0) - 80 / 120) < 0.001
    before, after = word(doc, page, "BREED"), word(doc, page, "NADIEN")
    assert before.y1 <= img.y0 + 0.01 and after.y0 >= img.y1 - 0.01
    figures = [(e, parent) for e, parent in struct_elements_with_parents(doc.pdf)
               if e.get("/S") == "/Figure"]
    assert [parent.get("/S") for _, parent in figures] == ["/P"]


def test_a_paragraph_of_only_an_image_is_a_figure_of_its_own(tmp_path):
    doc = compile_paras(tmp_path, " " + image("Alleen") + " ")
    (page, img), = image_boxes(doc)
    area = text_area(page + 1)
    # centred in the measure, at its natural size, as a figure is
    assert abs((img.x0 + img.x1) / 2 - (area.x0 + area.x1) / 2) < 0.05
    assert abs((img.x1 - img.x0) - 120 * 0.75) < 0.05
    figures = [(e, parent) for e, parent in struct_elements_with_parents(doc.pdf)
               if e.get("/S") == "/Figure"]
    assert [parent.get("/S") for _, parent in figures] == ["/Sect"]


@pytest.mark.parametrize("attr,value,message", [
    ("contentdepth", "50%", "bad image depth '50%'"),
    ("depth", "veel", "bad image depth 'veel'"),
    ("scale", "0", "bad image scale '0'"),
    ("scale", "50%", "bad image scale '50%'"),
])
def test_a_bad_size_is_an_error_at_its_line(tmp_path, attr, value, message):
    write_images(tmp_path)
    source = tmp_path / "doc.xml"
    source.write_text(HEAD + f"    <para>Tekst {image('X', **{attr: value})} erna.</para>"
                      + TAIL, encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "doc.pdf")
    assert res.returncode != 0
    assert re.search(r"doc\.xml:7:\d+: error: " + re.escape(message), res.stderr), res.stderr


# ---------------------------------------------------------------- in a table's cells


def test_an_image_in_a_cells_text_is_in_its_line_and_grows_its_row(tmp_path):
    write_images(tmp_path)
    rows = (f"<row><entry>CEL {image('Celbeeld', contentdepth='12mm')} TEKST</entry>"
            "<entry>BUUR</entry></row>"
            f"<row><entry>{image('Alleen in de cel')}</entry><entry>ONDER</entry></row>")
    doc = compile_text(tmp_path, HEAD + "    <informaltable><tgroup cols=\"2\"><tbody>"
                       + rows + "</tbody></tgroup></informaltable>" + TAIL)
    assert "warning" not in doc.result.stderr, doc.result.stderr
    (page, inline), (_, alone) = image_boxes(doc)
    cel, tekst = word(doc, page, "CEL"), word(doc, page, "TEKST")
    assert same_line(cel, tekst) and cel.x1 <= inline.x0 + 0.01 and inline.x1 <= tekst.x0 + 0.01
    assert cel.y0 < inline.y1 < cel.y1 and abs((inline.y1 - inline.y0) - 12 * MM) < 0.05
    # the row grew: the next row starts below the image
    assert alone.y0 >= inline.y1 and word(doc, page, "ONDER").y0 >= inline.y1
    # an entry of only an image holds it as a figure, at its natural size
    assert abs((alone.x1 - alone.x0) - 120 * 0.75) < 0.05
    parents = {str(e.get("/Alt")): parent.get("/S")
               for e, parent in struct_elements_with_parents(doc.pdf) if e.get("/S") == "/Figure"}
    assert parents == {"Celbeeld": "/P", "Alleen in de cel": "/TD"}

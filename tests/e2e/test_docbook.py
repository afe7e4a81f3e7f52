"""DocBook as people write it (FORMAT.md, the section of that name): the
elements pandoc and DocBook authors use, each set with its DocBook meaning
and tagged — no "not in the subset" warning for any of them.

One document holding every case is compiled once (module fixture) and read
with poppler (pdftotext) and pikepdf (the structure tree, the images drawn).
"""

import re

import pikepdf
import pytest

from conftest import (E2E_DATA, _cmap_decoder, assert_text_conserved, canon, compile_ok, compile_text, is_struct_elem, run_kcvs,
                      struct_elements, struct_kids, struct_roles, tool)
from test_images import PNG_CASES, png_bytes, placements

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info>
    <title>DocBook zoals mensen het schrijven</title>
    <orgname>Testorganisatie</orgname>
  </info>
  <section>
    <title>Beelden</title>
    <para>Tekst voor het woordbeeld
      <inlinemediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Een inline beeld</phrase></textobject></inlinemediaobject>
      en tekst erna.</para>
    <para>Nadruk <emphasis>rond
      <inlinemediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Beeld in nadruk</phrase></textobject></inlinemediaobject>
      een beeld</emphasis> blijft staan.</para>
    <figure xml:id="fig-kaart">
      <title>De kaart van de centrumsteden</title>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Kaart met dertien steden</phrase></textobject></mediaobject>
    </figure>
    <para>Zie <xref linkend="fig-kaart"/> voor de kaart.</para>
    <informalfigure>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Een informele figuur</phrase></textobject></mediaobject>
    </informalfigure>
    <figure>
      <info><title>Twee beelden samen</title></info>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Het eerste van twee</phrase></textobject></mediaobject>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Het tweede van twee</phrase></textobject></mediaobject>
    </figure>
  </section>
</article>
"""


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docbook")
    (tmp / "images").mkdir()
    (tmp / "images" / "a.png").write_bytes(png_bytes(**PNG_CASES["rgb8"][0]))
    return compile_text(tmp, DOC)


def test_no_warnings(doc):
    assert "warning" not in doc.result.stderr, doc.result.stderr


def test_every_image_is_drawn_never_dropped(doc):
    # two inline images, a figure, an informal figure, a figure of two
    assert len([p for p in placements(doc) if p["page"] > 0]) == 6


def test_text_around_an_inline_image_stays(doc):
    text = canon(" ".join(doc.page_texts))
    for words in ("tekst voor het woordbeeld", "en tekst erna.", "nadruk rond",
                  "een beeld blijft staan."):
        assert canon(words) in text


def test_titled_figures_are_numbered_with_the_style_prefix(doc):
    text = canon(" ".join(doc.page_texts))
    assert canon("Figuur 1: De kaart van de centrumsteden") in text
    assert canon("Figuur 2: Twee beelden samen") in text
    # an informal figure has no number
    assert "figuur 3" not in text


def test_xref_to_a_figure_prints_its_title(doc):
    text = canon(" ".join(doc.page_texts))
    assert re.search(r"zie .*de kaart van de centrumsteden", text)


def _figures(doc):
    return [e for e in struct_elements(doc.pdf) if e.get("/S") == "/Figure"]


def test_figures_are_tagged_with_alt_and_caption(doc):
    figures = _figures(doc)
    alts = [str(f.get("/Alt")) for f in figures]
    for alt in ("Een inline beeld", "Beeld in nadruk", "Kaart met dertien steden",
                "Een informele figuur", "Het eerste van twee", "Het tweede van twee"):
        assert alt in alts
    captioned = [f for f in figures
                 if any(is_struct_elem(k) and k.get("/S") == "/Caption" for k in struct_kids(f))]
    # the titled single-image figure and the group of two
    assert len(captioned) == 2
    assert {str(f.get("/Alt")) for f in captioned} == {"Kaart met dertien steden",
                                                       "Twee beelden samen"}


def test_figure_caption_is_on_the_page_of_its_image(doc):
    pages = [p["page"] for p in placements(doc)]
    for n in (1, 2):
        on = [i for i, t in enumerate(doc.page_texts) if f"Figuur {n}:" in t]
        assert on and on[0] in pages


# ---------------------------------------------------------------- the elements of step 2

ELEMENTS = E2E_DATA / "docbook-elements.xml"


def compiled_in_style(request, tmp_path_factory, source):
    tmp = tmp_path_factory.mktemp(source.stem)
    return compile_ok(source, tmp / "doc.pdf", "--style", request.param)


@pytest.fixture(scope="module", params=["kcvs", "sober"])
def elements(request, tmp_path_factory):
    return compiled_in_style(request, tmp_path_factory, ELEMENTS)


def shown_runs(doc):
    """(page index, font BaseFont, size, text) of every text-showing operator."""
    out = []
    for i, page in enumerate(doc.pdf.pages):
        fonts = page.obj.Resources.get("/Font", pikepdf.Dictionary())
        decoders = {str(k): _cmap_decoder(fonts[k]) for k in fonts.keys()}
        font, size = None, 0
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "Tf":
                font, size = str(operands[0]), float(operands[1])
            elif op in ("Tj", "TJ") and font:
                parts = operands[0] if op == "TJ" else [operands[0]]
                text = "".join(decoders[font](p) for p in parts
                               if isinstance(p, (bytes, pikepdf.String)))
                out.append((i, str(fonts[font].BaseFont), size, text))
    return out


def test_elements_compile_without_warnings(elements):
    assert "warning" not in elements.result.stderr, elements.result.stderr


def test_computer_text_is_in_the_monospace_font(elements):
    runs = shown_runs(elements)
    mono = " ".join(t for _, f, _, t in runs if "NotoSansMono" in f)
    other = " ".join(t for _, f, _, t in runs if "NotoSansMono" not in f)
    for word in ("config.xml", "kcvs-pdf", "--check", "letterlijk", "teller", "main",
                 "info@example.org", "int", "return", "totaal"):
        assert word in mono, f"{word!r} not set in Noto Sans Mono"
    assert "letterlijk" not in other and "In deze alinea" in other


SCRIPTS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Machten</title></info>
  <section><title>Formules</title>
    <para>Duizend is 10<superscript>3</superscript> en water is H<subscript>2</subscript>O.</para>
  </section>
</article>
"""


def test_superscript_and_subscript_are_smaller_raised_and_lowered(tmp_path):
    doc = compile_text(tmp_path, SCRIPTS)
    assert "warning" not in doc.result.stderr
    runs = shown_runs(doc)
    texts = [t for _, _, _, t in runs]
    i = next(k for k, t in enumerate(texts) if t.rstrip().endswith("10"))
    j = next(k for k, t in enumerate(texts) if t.rstrip().endswith("H"))
    body = runs[i][2]
    assert texts[i + 1].strip() == "3" and runs[i + 1][2] == pytest.approx(0.7 * body)
    assert texts[j + 1].strip() == "2" and runs[j + 1][2] == pytest.approx(0.7 * body)
    page = next(p for p in doc.bbox_words if any(w.text == "Duizend" for w in p))
    words = {}
    for w in page:  # the first of each word: the paragraph's, not the page number
        words.setdefault(w.text, w.box)
    # poppler reads the raised and lowered digits as words of their own
    ten = next(b for t, b in words.items() if t.startswith("10"))
    three = words.get("3", ten)
    two, h = words.get("2"), next(b for t, b in words.items() if t.startswith("H"))
    assert three.y1 < ten.y1 - 1, "the superscript is not raised"
    assert two is not None and two.y1 > h.y1, "the subscript is not lowered"


def test_quote_has_the_quotation_marks_of_the_language(elements):
    text = " ".join(elements.page_texts)
    assert "„dit is een citaat”" in text
    assert "Quote" in {str(e.get("/S"))[1:] for e in struct_elements(elements.pdf)}


def test_email_is_a_mailto_link(elements):
    assert "mailto:info@example.org" in [str(a.A.URI) for _, a in elements.uri_links]


def test_listing_keeps_lines_and_indentation(elements):
    words = [w for page in elements.bbox_words for w in page]
    x = {w.text: w.box.x0 for w in words if w.text in ("{", "return", "int")}
    assert x["return"] > x["{"] + 10, x  # four spaces of indentation kept
    text = "\n".join(elements.page_texts)
    assert "int main(void)\n{\n" in text
    roles = [str(e.get("/S")) for e in struct_elements(elements.pdf)]
    assert roles.count("/Code") >= 3


def test_blockquote_and_boxes_are_tagged(elements):
    roles = [str(e.get("/S")) for e in struct_elements(elements.pdf)]
    assert "/BlockQuote" in roles
    assert roles.count("/Div") == 6  # note, tip, important, warning, caution, sidebar
    text = canon(" ".join(elements.page_texts))
    for word in ("— marie dubois", "opmerking", "belangrijk", "waarschuwing", "let op", "kader"):
        assert canon(word) in text


def test_variablelist_is_a_list_of_labels_and_bodies(elements):
    items = [e for e in struct_elements(elements.pdf)
             if e.get("/S") == "/LI" and struct_roles(e) == ["/Lbl", "/LBody"]]
    # the two entries, and the items of the simple list and the procedure
    assert len(items) == 6
    labels = [e for e in struct_elements(elements.pdf) if e.get("/S") == "/Lbl"
              and any(k.get("/S") == "/LI" for k in [e.P])]
    assert len(labels) == 6


def test_procedure_is_numbered(elements):
    text = " ".join(elements.page_texts)
    assert "1. Eerst dit." in text and "2. Dan dat." in text


def test_info_authors_copyright_and_legal_notice(elements):
    assert elements.pdf.docinfo["/Author"] == "Ann Peeters, Jan Claes"
    cover = elements.page_texts[0]
    assert "Ann Peeters" in cover and "Jan Claes" in cover and "© 2024 Kenniscentrum" in cover
    assert "Vrij te hergebruiken" in cover


# ---------------------------------------------------------------- includes and hints

INCLUDE = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" xmlns:xi="http://www.w3.org/2001/XInclude"
         version="5.0" xml:lang="nl-BE">
  <info><title>Insluiten</title></info>
  <section><title>Code</title>
    <para>Het voorbeeld staat in een eigen bestand.</para>
    <programlisting><xi:include href="{href}" parse="text"/></programlisting>
  </section>
</article>
"""


def test_text_include_in_a_listing_is_set_as_written(tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "sample.c").write_text(
        "int main(void)\n{\n    return 0; /* <ok> & */\n}\n", encoding="utf-8")
    doc = compile_text(tmp_path, INCLUDE.format(href="code/sample.c"))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    text = "\n".join(doc.page_texts)
    assert "int main(void)\n{\n" in text and "/* <ok> & */" in text
    words = {w.text: w.box.x0 for page in doc.bbox_words for w in page}
    assert words["return"] > words["{"] + 10  # the indentation is kept


@pytest.mark.parametrize("href, content, why", [
    ("../outside.c", None, "leaves the report's folder"),
    ("latin1.c", "caf\xe9".encode("latin-1"), "not UTF-8"),
    ("missing.c", None, "file not found"),
    # a NUL cut the listing short where it stood (exit 0, "b c d" lost)
    ("nul.c", b"a\n\x00b\x01c\x1bd\n", "line 2 holds U\\+0000"),
    ("esc.c", b"a\x1b[0m\n", "line 1 holds U\\+001B"),
])
def test_text_include_is_confined_and_checked(tmp_path, href, content, why):
    work = tmp_path / "report"
    work.mkdir()
    (tmp_path / "outside.c").write_text("geheim\n")
    if content is not None:
        (work / href).write_bytes(content)
    src = work / "r.xml"
    src.write_text(INCLUDE.format(href=href), encoding="utf-8")
    res = run_kcvs(src, "-o", work / "r.pdf")
    assert res.returncode == 1
    assert re.search(rf"r\.xml:7:[0-9]+: error: cannot include '{re.escape(href)}': .*{why}",
                     res.stderr), res.stderr
    assert not (work / "r.pdf").exists()


def test_text_include_diagnostics_name_the_include_line(tmp_path):
    # the included text had no line: a warning about it said only "r.xml:"
    (tmp_path / "emoji.txt").write_text("ok \U0001F600\n", encoding="utf-8")
    src = tmp_path / "r.xml"
    src.write_text(INCLUDE.format(href="emoji.txt"), encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "r.pdf")
    assert res.returncode == 0, res.stderr
    assert re.search(r"r\.xml:7:[0-9]+: warning: character U\+1F600", res.stderr), res.stderr


def test_docbook_4_says_what_to_change(tmp_path):
    src = tmp_path / "db4.xml"
    src.write_text('<?xml version="1.0"?>\n<book id="b"><title>T</title>'
                   '<chapter id="c"><title>C</title><para>x</para></chapter></book>\n')
    res = run_kcvs(src, "-o", tmp_path / "db4.pdf")
    assert res.returncode == 1
    assert re.search(r"db4\.xml:2:[0-9]+: error: this is DocBook 4 .*"
                     r'xmlns="http://docbook\.org/ns/docbook".*xml:id', res.stderr), res.stderr


def test_html_entity_gets_the_hint_to_write_the_character(tmp_path):
    src = tmp_path / "ent.xml"
    src.write_text('<?xml version="1.0"?>\n<article xmlns="http://docbook.org/ns/docbook" '
                   'version="5.0"><info><title>T</title></info><section><title>S</title>'
                   '<para>a&nbsp;b</para></section></article>\n')
    res = run_kcvs(src, "-o", tmp_path / "ent.pdf")
    assert res.returncode == 1
    assert re.search(r"ent\.xml:2:[0-9]+: error: Entity 'nbsp' not defined: write the "
                     r"character itself", res.stderr), res.stderr


def page_rects(doc, index):
    """The rectangles drawn on a page (content stream 're'), top-down boxes."""
    height = doc.page_height(index)
    boxes = []
    for operands, op in pikepdf.parse_content_stream(doc.pdf.pages[index]):
        if str(op) == "re":
            x, y, w, h = (float(v) for v in operands)
            boxes.append((x, height - y - h, x + w, height - y))
    return boxes


def word_boxes(doc, word):
    return [(i, w.box) for i, page in enumerate(doc.bbox_words) for w in page if w.text == word]


def framed(doc, index, top, bottom):
    """Whether drawn rects (the box's fill, or its border at the left),
    piece by piece, run without a gap beside or behind the text from top
    to bottom."""
    spans = sorted((r[1], r[3]) for r in page_rects(doc, index) if r[0] <= top.x0 - 1)
    reached = top.y0 + 1  # poppler's word boxes reach a little past the line
    for y0, y1 in spans:
        if y0 <= reached + 0.05 and y1 > reached:
            reached = y1
    return reached >= bottom.y1 - 1


def test_variablelist_term_at_the_lists_left_description_indented(elements):
    (_, term), = word_boxes(elements, "Stad")[-1:]
    desc = next(b for i, b in word_boxes(elements, "grote"))
    para = next(b for i, b in word_boxes(elements, "Hij"))
    assert abs(term.x0 - para.x0) < 0.5, (term, para)  # the list's left: the text's
    assert desc.x0 > term.x0 + 8, (desc, term)  # the description indented under it


@pytest.mark.parametrize("title,body", [("Opmerking", "opmerking."), ("Tip", "tip."),
                                        ("Kader", "kader.")])
def test_admonition_is_a_set_apart_box(elements, title, body):
    (i, top), = word_boxes(elements, title)
    (j, bottom), = word_boxes(elements, body)
    assert i == j
    assert framed(elements, i, top, bottom), (title, page_rects(elements, i))


LONG_NOTE = ("<?xml version='1.0' encoding='UTF-8'?>\n"
             "<article xmlns='http://docbook.org/ns/docbook' version='5.0' xml:lang='nl-BE'>"
             "<info><title>Lange noot</title></info><section><title>Eén</title><note>"
             + "".join(f"<para>Regel{n} van een lange opmerking die over de bladzijde loopt, "
                       f"zodat het kader in stukken op twee bladzijden staat.</para>"
                       for n in range(60))
             + "</note></section></article>")


@pytest.mark.parametrize("style", ["kcvs", "sober"])
def test_admonition_box_splits_across_pages(tmp_path, style):
    d = compile_text(tmp_path, LONG_NOTE, "--style", style)
    assert "warning" not in d.result.stderr, d.result.stderr
    found = word_boxes(d, "Opmerking") + [w for n in range(60) for w in word_boxes(d, f"Regel{n}")]
    assert len(found) == 61  # every paragraph set
    pages = sorted({i for i, _ in found})
    assert len(pages) >= 2, pages
    for i in pages:
        on = [b for k, b in found if k == i]
        top, bottom = min(on, key=lambda b: b.y0), max(on, key=lambda b: b.y1)
        # one piece of the box per page, behind or beside all its lines
        assert framed(d, i, top, bottom), (style, i)


SECTION_NAMES = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.2" xml:lang="nl-BE">
  <info><title>Secties onder andere namen</title><orgname>Test</orgname></info>
  <sect1>
    <title>Eerste werkspoor</title>
    <simpara>Een eenvoudige alinea in sect1.</simpara>
    <sect2>
      <title>Onderdeel twee</title>
      <para>Tekst met <tag class="element">para</tag> erin.</para>
      <sect3><title>Dieper nog</title><simpara>Derde niveau.</simpara></sect3>
    </sect2>
  </sect1>
  <sect1>
    <title>Tweede werkspoor</title>
    <simplesect><title>Een eenvoudige sectie</title><simpara>Slot.</simpara></simplesect>
  </sect1>
</article>
"""


def test_numbered_and_simple_sections_are_sections(tmp_path):
    """DocBook's sect1..sect5 and simplesect are sections, simpara a para,
    and a DocBook 5.2 document is read like 5.0: top-level sect1s are
    workstreams (a bookmark and a contents entry each, each on its own
    page), nested ones sub-headings with nested bookmarks; no warning."""
    d = compile_text(tmp_path, SECTION_NAMES)
    assert "warning" not in d.result.stderr, d.result.stderr
    top = [(title, kids) for title, _, kids in d.outline]
    assert [t for t, _ in top] == ["Eerste werkspoor", "Tweede werkspoor"]
    assert [k[0] for k in top[0][1]] == ["Onderdeel twee"]
    assert [k[0] for k in top[1][1]] == ["Een eenvoudige sectie"]
    pages = {title: page for title, page, _ in d.outline}
    assert pages["Eerste werkspoor"] != pages["Tweede werkspoor"]
    text = canon(" ".join(d.page_texts))
    for words in ("Een eenvoudige alinea in sect1.", "Tekst met para erin.", "Dieper nog",
                  "Derde niveau.", "Slot."):
        assert canon(words) in text
    headings = [e for e in struct_elements(d.pdf) if str(e.get("/S")) in ("/H1", "/H2", "/H3", "/H4")]
    assert len(headings) >= 5


# ---------------------------------------------------------------- more DocBook (issue 18, part 2)

MORE = E2E_DATA / "docbook-more.xml"


@pytest.fixture(scope="module", params=["kcvs", "sober"])
def more(request, tmp_path_factory):
    return compiled_in_style(request, tmp_path_factory, MORE)


def test_more_elements_compile_without_warnings(more):
    assert "warning" not in more.result.stderr, more.result.stderr


def _font_of(doc, word):
    """The BaseFont of the first run showing WORD."""
    return next(f for _, f, _, t in shown_runs(doc) if word in t)


@pytest.mark.parametrize("word,face", [
    ("Datei", "NotoSans-Bold"), ("Exportieren", "NotoSans-Bold"),
    ("Drucken", "NotoSans-Bold"), ("Speichern", "NotoSans-Bold"),
    ("Dateiname", "NotoSans-Bold"), ("Diskette", "NotoSans-Bold"),
    ("Strg", "NotoSansMono-Regular"), ("fertig", "NotoSansMono-Regular"),
    ("jawohl", "NotoSansMono-Bold"), ("Fachbegriff", "-Italic"), ("wenn", "-Italic"),
    ("common sense", "-Italic"), ("Vorlage", "-Italic"), ("libxml2", "-Regular"),
    ("Emacs", "-Regular")])
def test_inline_elements_take_their_look_from_the_style(more, word, face):
    font = _font_of(more, word)
    # the sober style sets text in Noto Serif: only the family differs
    assert font.endswith(face) or face in font.replace("NotoSerif", "NotoSans"), (word, font)
    assert "Mono" not in font or "Mono" in face, (word, font)


def test_menuchoice_and_keycombo_are_joined_by_the_style_strings(more):
    text = " ".join(more.page_texts)
    assert "Datei \u2192 Exportieren \u2192 Drucken" in text
    assert "Strg+Umschalt" in text


def test_trademark_gets_the_sign_of_its_class(more):
    text = " ".join(more.page_texts)
    assert "Java\u2122" in text and "Unix\u00ae" in text and "Dienst\u2120" in text


def test_foreignphrase_is_a_span_in_its_language(more):
    spans = [e for e in struct_elements(more.pdf) if e.get("/S") == "/Span"
             and str(e.get("/Lang", "")) == "en"]
    assert spans, "no Span with /Lang en for the foreign phrase"


def test_more_elements_conserve_the_text(more):
    assert_text_conserved(MORE, more.path, stderr=more.result.stderr)


def test_example_is_numbered_with_its_title_above(more):
    text = canon(" ".join(more.page_texts))
    first = text.index(canon("Beispiel 1: Hallo Welt"))
    assert first < text.index(canon('puts("hallo");'))
    assert canon("Beispiel 2: Zweites Beispiel") in text
    assert "beispiel 3" not in text  # an informal example has no number


def test_xref_to_an_example_prints_its_title_and_page(more):
    page = next(i for i, t in enumerate(more.page_texts) if "Beispiel 1:" in t) + 1
    assert f"in Hallo Welt, S. {page} grüßt" in " ".join(more.page_texts)


def test_example_is_a_div_with_its_title_as_caption(more):
    divs = [e for e in struct_elements(more.pdf) if e.get("/S") == "/Div"]
    kids = [struct_roles(d) for d in divs]
    assert ["/Caption", "/Code"] in kids  # titled example of a listing
    assert ["/Code"] in kids              # the informal one
    assert ["/Caption", "/P"] in kids


def test_example_is_kept_on_one_page(tmp_path):
    """Examples after paragraphs of growing length: wherever a page ends,
    an example's title and its last line stand on one page."""
    parts = []
    for i in range(24):
        filler = " ".join(["Fülltext"] * (8 + 9 * i))
        lines = "\n".join(f"zeile{i}x{k}" for k in range(8))
        parts.append(f"<para>{filler}.</para><example><title>Probe{i}</title>"
                     f"<programlisting>{lines}</programlisting></example>")
    doc = compile_text(tmp_path, DOC.replace(DOC[DOC.index("  <section>"):DOC.index("</article>")],
                                             "<section><title>Proben</title>" + "".join(parts)
                                             + "</section>\n"))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    split = []
    for i in range(24):
        title = [p for p, t in enumerate(doc.page_texts) if f"Probe{i}\n" in t + "\n"]
        last = [p for p, t in enumerate(doc.page_texts) if f"zeile{i}x7" in t]
        assert title and last
        if title[0] != last[0]:
            split.append(i)
    assert not split, f"examples {split} split across pages"


def test_example_taller_than_a_page_starts_where_it_stands(tmp_path):
    """Moved to a page of its own it would split all the same: it follows
    the paragraph before it, its title with its first line."""
    lines = "\n".join(f"regel{k}" for k in range(150))
    body = ("<section><title>Lang</title><para>Eerst een alinea.</para><example>"
            f"<title>Lang voorbeeld</title><programlisting>{lines}</programlisting>"
            "</example></section>\n")
    doc = compile_text(tmp_path, DOC.replace(DOC[DOC.index("  <section>"):DOC.index("</article>")],
                                             body))
    on = lambda word: next(i for i, t in enumerate(doc.page_texts) if word in t)
    assert on("Eerst een alinea") == on("Voorbeeld 1: Lang voorbeeld") == on("regel0\n")
    assert on("regel149") > on("regel0\n")


def assert_in_order(text, parts):
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not after {text[max(0, at - 60):at]!r}"
        at = found + len(part)


def test_faq_questions_and_answers_are_labelled_with_the_style_words(more):
    text = "\n".join(more.page_texts)
    order = ["Häufige Fragen", "Allgemeines", "F: Was kostet das Werkzeug?",
             "A: Nichts, es ist frei.", "Der Quelltext auch.", "F: Wo finde ich es?",
             "A: Im Paketarchiv.", "Technik", "F: Welche Schriften?", "A: Noto."]
    assert_in_order(text, order)


def test_faq_is_a_list_of_labelled_items(more):
    """One L per division, its items the questions and answers in turn."""
    lists = [e for e in struct_elements(more.pdf) if e.get("/S") == "/L"
             and any(is_struct_elem(k) and k.get("/S") == "/LI" for k in struct_kids(e))]
    faq = [l for l in lists if len(struct_roles(l)) in (4, 2)
           and all(struct_roles(li) == ["/Lbl", "/LBody"] for li in struct_kids(l))]
    assert sorted(len(struct_roles(l)) for l in faq)[-2:] == [2, 4]


def test_xref_to_a_question_prints_the_question(more):
    page = next(i for i, t in enumerate(more.page_texts) if "Was kostet" in t) + 1
    assert f"Siehe Was kostet das Werkzeug?, S. {page} und Allgemeines, S. {page}." in \
        " ".join(more.page_texts)


def test_bibliography_lists_references_under_their_labels(more):
    text = "\n".join(more.page_texts)
    order = ["Literaturverzeichnis", "[RNCTUT]", "Clark, James: RELAX NG Compact Syntax",
             "Arbeitsentwurf", "[DBXSL]", "Stayton, Bob: DocBook XSL. Sagehill, 2007.",
             "[3]", "Walsh, Norman. DocBook 5. O'Reilly. 2010"]
    assert_in_order(text, order)
    assert text.count("RNCTUT") == 2  # the label, not again in the entry; the citation


def test_bibliography_is_a_list_of_labels_and_bodies(more):
    lists = [e for e in struct_elements(more.pdf) if e.get("/S") == "/L"]
    refs = [l for l in lists if len(struct_roles(l)) == 3
            and all(struct_roles(li) == ["/Lbl", "/LBody"] for li in struct_kids(l))]
    assert len(refs) == 1


def test_citation_prints_its_label_in_brackets(more):
    assert "Zum Format siehe [RNCTUT] und" in " ".join(more.page_texts)


def test_revision_history_is_a_table_at_the_end(more):
    n = len(more.page_texts)
    last = tool("pdftotext", "-layout", "-enc", "UTF-8", "-f", str(n), "-l", str(n),
                more.path, "-").stdout  # rows read across
    assert_in_order(last, ["Versionsgeschichte", "Version", "Datum", "Autor", "Änderung",
                           "1.0", "2024-01-15", "Erste Fassung",
                           "1.1", "2024-03-02", "TÜ", "Kapitel über Fragen ergänzt."])
    assert not any("Versionsgeschichte" in t for t in more.page_texts[:-1])


def test_revision_history_table_has_header_cells(more):
    tables = [e for e in struct_elements(more.pdf) if e.get("/S") == "/Table"]
    assert len(tables) == 1
    head, body = struct_kids(tables[0])
    assert head.S == "/THead" and body.S == "/TBody"
    assert struct_roles(struct_kids(head)[0]) == ["/TH"] * 4
    assert [struct_roles(r) for r in struct_kids(body)] == [["/TD"] * 4] * 2


def test_othercredit_is_on_the_cover_but_not_an_author(more):
    assert more.pdf.docinfo["/Author"] == "Anna Autorin"
    cover = more.page_texts[0]
    assert "Tom Übersetzer" in cover and "Übersetzung aus dem Englischen" in cover


@pytest.mark.parametrize("lang,label", [("fr", "Q"), ("en", "Q"), ("nl-BE", "10.")])
def test_a_wide_list_label_keeps_its_gap_to_the_text(tmp_path, lang, label):
    """A FAQ's "Q :" or an ordered list's "10." is wider than the space a
    label hangs in: the text moves right, the label never touches it (it
    read as part of the first word: ":Was")."""
    entries = "".join(f"<qandaentry><question><para>Vraag{k} hier?</para></question>"
                      f"<answer><para>Antwoord{k} daar.</para></answer></qandaentry>"
                      for k in range(2))
    items = "".join(f"<listitem><para>Punt{k} hier.</para></listitem>" for k in range(12))
    body = (f"<section><title>Lijsten</title><qandaset>{entries}</qandaset>"
            f"<orderedlist>{items}</orderedlist></section>\n")
    text = DOC.replace(DOC[DOC.index("  <section>"):DOC.index("</article>")], body)
    doc = compile_text(tmp_path, text.replace('xml:lang="nl-BE"', f'xml:lang="{lang}"'))
    first = "Vraag0" if label == "Q" else "Punt9"
    words = [w for page in doc.bbox_words for w in page]
    k = next(i for i, w in enumerate(words) if w.text == first)
    before = words[k - 1]  # the label's last word (":", "Q:" or "10.")
    assert label in " ".join(w.text for w in words[k - 2:k])
    assert before.box.x1 + 2 <= words[k].box.x0, (before, words[k])


def test_citation_links_to_its_bibliography_entry(more):
    """[RNCTUT] goes to the entry labelled so; a citation of a work the
    report does not list stays text."""
    links = [(i, a) for i, a in more.annotations
             if a.get("/Subtype") == "/Link" and "/Dest" in a]
    words = {w.text: (i, w.box) for i, page in enumerate(more.bbox_words) for w in page}
    cite_page, cite = next((i, b) for i, p in enumerate(more.bbox_words) for w in p
                           for b in [w.box] if w.text.startswith("[RNCTUT]")
                           and i == words["siehe"][0])
    height = more.page_height(cite_page)

    def covers(a, box):  # the word's middle inside the link's rectangle
        x, y = (box.x0 + box.x1) / 2, height - (box.y0 + box.y1) / 2
        return float(a.Rect[0]) <= x <= float(a.Rect[2]) and float(a.Rect[1]) <= y <= float(a.Rect[3])
    covering = [a for i, a in links if i == cite_page and covers(a, cite)]
    assert len(covering) == 1
    dest = covering[0].Dest
    entry_page = [i for i, p in enumerate(more.bbox_words) for w in p if w.text == "Clark,"][0]
    assert more.resolve_dest(dest) == entry_page
    label = [w.box for w in more.bbox_words[entry_page] if w.text == "[RNCTUT]"][-1]
    assert abs(height - float(dest[3]) - label.y0) < 15  # the entry's top
    elsewhere = next(w.box for p in more.bbox_words for w in p if "ANDERSWO" in w.text)
    assert not [a for _, a in links if covers(a, elsewhere)]

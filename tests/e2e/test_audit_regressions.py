"""Defects found by auditing documents written elsewhere (pandoc's
DocBook, hand-written DocBook 5): each test failed before its fix."""

import re

import pytest

from conftest import E2E_DATA, assert_text_conserved, compile_text, font_map_problems

AUDIT_DATA = E2E_DATA / "audit"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" xmlns:xlink="http://www.w3.org/1999/xlink"
         version="5.0" xml:lang="nl-BE">
  <info><title>Audit</title></info>
  <section><title>Werkspoor</title>
"""
TAIL = "</section></article>\n"


def test_an_entrytbl_prints_its_entries_in_its_column(tmp_path):
    # CALS lets an <entrytbl> take an entry's place in a row; outside the
    # subset, it was warned about as "typeset as plain paragraphs" while
    # its text was left out of the PDF.
    doc = compile_text(tmp_path, HEAD + """
    <informaltable><tgroup cols="3"><tbody>
      <row><entry>Linkercel</entry><entrytbl cols="2"><tbody>
        <row><entry>Binnenalfa</entry><entry>Binnenbeta</entry></row></tbody></entrytbl>
        <entry>Rechtercel</entry></row>
    </tbody></tgroup></informaltable>
    """ + TAIL)
    assert "element <entrytbl> is not in the kcvs-pdf subset" in doc.result.stderr
    assert_text_conserved(tmp_path / "doc.xml", doc.path)
    page = next(i for i, words in enumerate(doc.bbox_words)
                if any(w.text == "Linkercel" for w in words))
    x = {w.text: w.box.x0 for w in doc.bbox_words[page]}
    assert {"Binnenalfa", "Binnenbeta"} <= set(x), sorted(x)
    assert x["Linkercel"] < x["Binnenalfa"] < x["Rechtercel"]
    assert x["Linkercel"] < x["Binnenbeta"] < x["Rechtercel"]


def test_a_footnote_in_the_reports_title_is_printed_on_the_cover(tmp_path):
    # DocBook allows a footnote in any title; the report's title and
    # subtitle are set on the cover as plain text, and their notes' text
    # was dropped without a word.
    doc = compile_text(tmp_path, """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info>
    <title>Jaarverslag<footnote><para>Voorlopige titelnoot.</para></footnote></title>
    <subtitle>Tweede deel<footnote><para>Ondertitelnoot hier.</para></footnote></subtitle>
  </info>
  <section><title>Werkspoor</title><para>Tekst.</para></section>
</article>
""")
    cover = doc.page_texts[0]
    assert "Voorlopige titelnoot." in cover and "Ondertitelnoot hier." in cover, cover
    assert_text_conserved(tmp_path / "doc.xml", doc.path)


def test_an_empty_list_item_keeps_its_number(tmp_path):
    # pandoc writes "1. een / 2. / 3. drie" as an empty <listitem>; the
    # item was left out with the number it had counted: "1. 3." (and the
    # digit's glyph sat in the font's text map, never drawn).
    doc = compile_text(tmp_path, HEAD + """
    <para>De stappen van het werkspoor staan in deze genummerde lijst.</para>
    <orderedlist>
      <listitem><para>Eerste stap van het plan.</para></listitem>
      <listitem>
      </listitem>
      <listitem><para>Derde stap van het plan.</para></listitem>
    </orderedlist>
    <itemizedlist><listitem/><listitem><para>Een gevuld punt.</para></listitem></itemizedlist>
    """ + TAIL)
    lines = [line.split() for line in doc.body_lines(doc.page_count - 1)]
    labels = [words[0] for words in lines if words and words[0] in ("1.", "2.", "3.")]
    assert labels == ["1.", "2.", "3."], lines
    bullets = [words for words in lines if words and not words[0][0].isalnum()]
    assert len(bullets) == 2, lines  # the empty item's bullet and the filled one's
    assert font_map_problems(doc.pdf) == []
    assert_text_conserved(tmp_path / "doc.xml", doc.path)


def test_an_element_without_its_required_content_is_named_in_the_warning(tmp_path):
    # pandoc writes "# Kop" with nothing under it as a <section> of only a
    # title, and "- " as an empty <listitem>: the schema's warning was
    # libxml2's "Expecting an element , got nothing", naming nothing.
    doc = compile_text(tmp_path, HEAD + """
    <itemizedlist><listitem><para>Punt.</para></listitem>
      <listitem>
      </listitem></itemizedlist>
    <section><title>Alleen een titel</title></section>
    """ + TAIL)
    warnings = [l for l in doc.result.stderr.splitlines() if ": warning: " in l]
    assert not any("got nothing" in w for w in warnings), warnings
    assert any(re.search(r"doc\.xml:8:\d+: warning: <listitem> has no content", w)
               for w in warnings), warnings


def test_an_xlink_to_a_fragment_is_a_link_inside_the_document(tmp_path):
    # DocBook's stylesheets read xlink:href="#id" as a link to the element
    # with that id (like linkend); it was refused as an "unsafe link".
    doc = compile_text(tmp_path, HEAD + """
    <para>Zie <link xlink:href="#doel">het doel verderop</link> en
    <emphasis xlink:href="#doel">ook hier</emphasis>.</para>
    </section>
    <section xml:id="doel"><title>Het doel</title><para>Hier.</para>
    """ + TAIL)
    target = doc.heading_page("Het doel", first=2)  # past the contents
    links = [(i, a) for i, a in doc.annotations if a.get("/Subtype") == "/Link"
             and "/Dest" in a and i != 1]  # page 2: the contents
    assert len(links) == 2, [(i, dict(a)) for i, a in doc.annotations]
    assert {doc.resolve_dest(a.Dest) for _, a in links} == {target}
    assert not doc.uri_links


def test_french_quotation_marks_never_part_from_the_quoted_words(tmp_path):
    # The style's French marks were "« " and " »" with a plain space, a
    # place to break the line: "» citaat." opened a line. French sets
    # guillemets with a no-break space.
    import xml.etree.ElementTree as ET
    from conftest import STYLE_XML
    for el in ET.parse(STYLE_XML).getroot().iter():
        for attr in ("quote-open", "quote-close", "quote-open-inner", "quote-close-inner"):
            assert " " not in el.get(attr, ""), (attr, el.get(attr))
    words = " ".join(f"<quote>woord{i}</quote> tekst" for i in range(40))
    doc = compile_text(tmp_path, HEAD.replace('xml:lang="nl-BE"', 'xml:lang="fr"') +
                       f"<para>{words}.</para>" + TAIL)
    lines = doc.body_lines(doc.page_count - 1)
    assert not [l for l in lines if l.startswith("»") or l.rstrip().endswith("«")], lines


def _quote_marks(lang):
    """The style's (opening, closing) marks of LANG, None: its base ones."""
    import xml.etree.ElementTree as ET
    from conftest import STYLE_XML
    for el in ET.parse(STYLE_XML).getroot().iter("{urn:x-kcvs-pdf:style}strings"):
        if el.get("lang") == lang:
            return el.get("quote-open"), el.get("quote-close")
    raise AssertionError(f"the style has no strings for {lang}")


def test_a_quote_has_the_marks_of_the_language_it_is_written_in(tmp_path):
    # FORMAT.md: <quote> gets "quotation marks of the text's language";
    # a quote inside <phrase xml:lang="de"> had the report's marks.
    doc = compile_text(tmp_path, HEAD + """
    <para>Zij schreef <phrase xml:lang="de">ein <quote>Zitat</quote> hier</phrase> en
    <phrase xml:lang="fr">une <quote>citation</quote> là</phrase>.</para>
    """ + TAIL)
    text = " ".join(doc.page_texts[2:]).replace("\u00a0", " ")
    for lang, word in (("de", "Zitat"), ("fr", "citation")):
        opening, closing = _quote_marks(lang)
        want = (opening + word + closing).replace("\u00a0", " ")
        assert want in text, (want, text)


def test_an_anchor_between_blocks_names_the_block_after_it(tmp_path):
    # DocBook allows <anchor> between blocks (pandoc's HTML reader writes
    # one at the start of each footnote's list item); its id was never
    # registered and every link to it stopped the run with "reference to
    # 'a1', which no element has as xml:id".
    doc = compile_text(tmp_path, HEAD + """
    <para>Naar <link linkend="a1">het eerste anker</link> en
    <link linkend="a2">het tweede</link>.</para>
    <orderedlist><listitem><anchor xml:id="a1"/><para>Eenpunt met anker.</para></listitem>
    </orderedlist>
    <anchor xml:id="a2"/>
    <para>Tweealinea na het anker.</para>
    """ + TAIL)
    dests = [a.Dest for i, a in doc.annotations if "/Dest" in a and i != 1]  # 1: contents
    assert len(dests) == 2, doc.annotations
    for dest, word in zip(dests, ("Eenpunt", "Tweealinea")):
        page = doc.resolve_dest(dest)
        [target] = doc.words_matching(page, word)
        top = doc.page_height(page) - float(dest[3])
        assert target.box.y0 - 12 <= top <= target.box.y0 + 1, (word, top, target.box)


def test_an_abstracts_paragraphs_are_apart_in_the_pdfs_subject(tmp_path):
    # The abstract becomes the PDF's Subject as plain text; paragraphs
    # written without white space between them ran together:
    # "Zusammenfassung.Zweiter".
    doc = compile_text(tmp_path, """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="de">
  <info><title>Bericht</title>
    <abstract><para>Erster Absatz der Zusammenfassung.</para><para>Zweiter Absatz.</para></abstract>
  </info>
  <section><title>Teil</title><para>Text.</para></section>
</article>
""")
    want = "Erster Absatz der Zusammenfassung. Zweiter Absatz."
    assert doc.info["Subject"] == want
    with doc.pdf.open_metadata() as xmp:
        assert xmp.get("dc:description") == want


def test_an_authors_name_and_affiliation_are_apart_on_the_cover(tmp_path):
    # The cover printed an author's whole text as one run: the name, the
    # job title and the organisation met as "MüllerDirektorStadtlabor".
    doc = compile_text(tmp_path, """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="de">
  <info><title>Bericht</title>
    <author><personname>Jürgen Müller</personname><affiliation><jobtitle>Direktor</jobtitle><orgname>Stadtlabor</orgname></affiliation><email>jm@example.org</email></author>
  </info>
  <section><title>Teil</title><para>Text.</para></section>
</article>
""")
    cover = doc.page_texts[0].split()
    for word in ("Müller", "Direktor", "Stadtlabor", "jm@example.org"):
        assert word in cover, cover
    assert [str(a.A.URI) for _, a in doc.uri_links] == ["mailto:jm@example.org"]
    assert doc.info["Author"] == "Jürgen Müller"
    assert_text_conserved(tmp_path / "doc.xml", doc.path)


WORDS = " ".join(f"woord{i}" for i in range(1500))


@pytest.mark.parametrize("body, line, what", [
    (f"""
    <informaltable><tgroup cols="2"><tbody>
      <row><entry>kort</entry><entry>{WORDS}</entry></row>
    </tbody></tgroup></informaltable>
    """, 8, "table row"),
    (f'\n    <para role="cta">{WORDS}</para>\n', 7, "boxed paragraph"),
], ids=["table-row", "call-to-action"])
def test_a_box_never_split_and_taller_than_a_page_is_an_error_at_its_line(tmp_path, body,
                                                                         line, what):
    # A table row and a paragraph with a background (role="cta") are never
    # split over pages; one taller than the page ran off it and stopped the
    # run with "page 5: something would be drawn off the page … a fault of
    # the layout, please report it", no line named.
    from conftest import run_kcvs
    src = tmp_path / "doc.xml"
    src.write_text(HEAD + body + TAIL, encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "doc.pdf")
    assert res.returncode == 1
    assert re.search(rf"doc\.xml:{line}:\d+: error: this {what} is \d+ pt high", res.stderr), \
        res.stderr
    assert not (tmp_path / "doc.pdf").exists()


def test_a_link_to_a_file_beside_the_source_is_not_taken_for_a_web_address(tmp_path):
    # Markdown links to files beside it (pandoc keeps them): the error for
    # "CONTRIBUTING.md" or "index.html#x" advised "a web address: add
    # https:// in front", which makes a wrong link.
    from conftest import run_kcvs
    src = tmp_path / "doc.xml"
    src.write_text(HEAD + """
    <para><link xlink:href="CONTRIBUTING.md">bijdragen</link>,
    <link xlink:href="index.html#start">begin</link> en
    <link xlink:href="kcvs.be/rapport">rapport</link>.</para>
    """ + TAIL, encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "doc.pdf")
    assert res.returncode == 1
    errors = {re.search(r"unsafe link '([^']*)'", l).group(1): l
              for l in res.stderr.splitlines() if "unsafe link" in l}
    assert set(errors) == {"CONTRIBUTING.md", "index.html#start", "kcvs.be/rapport"}, errors
    assert "add https://" not in errors["CONTRIBUTING.md"]
    assert "add https://" not in errors["index.html#start"]
    assert "add https://" in errors["kcvs.be/rapport"]


def test_imagedata_scale_is_accepted_without_a_warning(tmp_path):
    # kcvs-pdf sizes an image by DocBook's scale="…" (a percentage), but
    # the schema lacked the attribute: "Invalid attribute scale for element
    # imagedata" was warned about an attribute that was obeyed.
    import shutil
    from conftest import tool
    shutil.copyfile(AUDIT_DATA / "groen.png", tmp_path / "groen.png")
    ppi = {}
    for scale in ("100", "200"):
        doc = compile_text(tmp_path, HEAD + f"""
    <informalfigure><mediaobject><imageobject><imagedata fileref="groen.png" scale="{scale}"/>
    </imageobject><textobject><phrase>groen vlak</phrase></textobject></mediaobject></informalfigure>
    """ + TAIL, name=f"doc{scale}.xml")
        assert ": warning: " not in doc.result.stderr, doc.result.stderr
        rows = [l.split() for l in tool("pdfimages", "-list", doc.path).stdout.splitlines()[2:]]
        ppi[scale] = float(next(r for r in rows if r[2] == "image")[12])
    assert ppi["200"] == ppi["100"] / 2, ppi


def test_an_xref_with_an_endterm_prints_that_elements_text(tmp_path):
    # DocBook's xref endterm="id" prints the text of that element (a
    # titleabbrev, say) instead of the target's title; it was ignored,
    # with a schema warning "Invalid attribute endterm".
    doc = compile_text(tmp_path, HEAD + """
    <para>Zie <xref linkend="doel" endterm="kort"/> verderop.</para>
    </section>
    <section xml:id="doel"><title>Een zeer lange titel van het doel</title>
      <titleabbrev xml:id="kort">Kortweg doel</titleabbrev>
      <para>Hier.</para>
    """ + TAIL)
    assert not re.search(r"warning: (endterm '|Invalid attribute endterm)", doc.result.stderr), \
        doc.result.stderr
    text = " ".join(" ".join(doc.page_texts[2:]).split())
    page = doc.heading_page("Een zeer lange titel van het doel", first=2) + 1
    assert f"Zie Kortweg doel, p. {page} verderop." in text, text
    [dest] = [a.Dest for i, a in doc.annotations if "/Dest" in a and i > 1]
    assert doc.resolve_dest(dest) == page - 1
    assert_text_conserved(tmp_path / "doc.xml", doc.path)


def test_a_titleabbrev_is_warned_about_as_not_printed_and_is_not(tmp_path):
    # A titleabbrev (DocBook's short title) was warned about as "its text is
    # typeset as plain paragraphs": in a section it was left out all the
    # same, in the report's <info> it was printed on the cover.
    doc = compile_text(tmp_path, HEAD.replace(
        "<info><title>Audit</title></info>",
        "<info><title>Audit</title><titleabbrev>Rapportkort</titleabbrev></info>") + """
    <para>Tekst.</para>
    <section><title>Deel</title><titleabbrev>Deelkort</titleabbrev><para>Meer.</para></section>
    """ + TAIL)
    warnings = [l for l in doc.result.stderr.splitlines() if "titleabbrev" in l]
    assert len(warnings) == 1 and "is not printed" in warnings[0], warnings
    text = " ".join(doc.page_texts)
    assert "Rapportkort" not in text and "Deelkort" not in text, text

"""DocBook the way other projects write it, met for the first time: the
shapes of real DocBook 5 manuals and articles (a handbook's entities that
hold markup, manual-page references, names written in parts, index terms)
compiled and read back. The corpus document tests/data/e2e/unseen-handbook.xml
holds them all and goes through every corpus check (conservation, readers).
"""

import re

import pikepdf
import pytest

from conftest import (E2E_DATA, assert_pdfcheck_passes, assert_text_conserved, compile_ok,
                      struct_elements,
                      compile_text, pdf_rect_to_box, style_setting, tool)
from test_docbook import shown_runs

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<article xmlns="http://docbook.org/ns/docbook"
         xmlns:xlink="http://www.w3.org/1999/xlink" version="5.0" xml:lang="en">
  <info><title>Unseen shapes</title>{info}</info>
  <section><title>Body</title>
{body}
  </section>
</article>
"""


def doc_text(**parts):
    return HEAD.format(**{"doctype": "", "info": "", **parts})


def text_of(doc):
    return tool("pdftotext", "-enc", "UTF-8", doc.path, "-").stdout


ENTITIES = """<!DOCTYPE article [
<!ENTITY prompt.root "<prompt>#</prompt>">
<!ENTITY site "<link xlink:href='https://www.example.org/start'>the project site</link>">
<!ENTITY man.ls.1 "<citerefentry><refentrytitle>ls</refentrytitle><manvolnum>1</manvolnum></citerefentry>">
]>
"""


@pytest.fixture(scope="module")
def entities(tmp_path_factory):
    body = """    <para>Read &site; first, then
      &man.ls.1; for the listing.</para>
    <screen>&prompt.root; <userinput>ls /boot</userinput></screen>"""
    return compile_text(tmp_path_factory.mktemp("entities"),
                        doc_text(doctype=ENTITIES, body=body))


def test_markup_from_an_entity_is_docbook_not_an_unknown_element(entities):
    """libxml2 parses an entity's markup apart from the document: its
    elements came without the DocBook namespace (and without a line), so
    <prompt> and <link> were warned as unknown, without a place, and the
    link was no link."""
    err = entities.result.stderr
    assert "warning" not in err, err
    assert [str(a.A.URI) for _, a in entities.uri_links] == ["https://www.example.org/start"]


def test_a_link_from_an_entity_covers_its_text(entities):
    (page, annot), = entities.uri_links
    box = pdf_rect_to_box(annot.Rect, entities.page_height(page))
    words = [w for w in entities.bbox_words[page] if w.text in ("project", "site")]
    assert words and all(box.contains_point(w.box.cx, w.box.cy) for w in words)


def test_manual_page_reference_prints_title_and_section(entities):
    mark_open, mark_close = style_setting("manvolnum-open"), style_setting("manvolnum-close")
    assert f"ls{mark_open}1{mark_close}" in text_of(entities)


def test_an_unknown_element_from_an_entity_is_warned_at_its_line(tmp_path):
    source = tmp_path / "doc.xml"
    source.write_text(doc_text(
        doctype='<!DOCTYPE article [\n<!ENTITY os "<productname>Example OS</productname>">\n]>\n',
        body="    <para>One line.</para>\n    <para>Runs on &os; today.</para>"),
        encoding="utf-8")
    doc = compile_ok(source, tmp_path / "doc.pdf")
    lines = [l for l in doc.result.stderr.splitlines() if "<productname>" in l]
    body_line = next(i for i, l in enumerate(source.read_text().splitlines(), 1)
                     if "&os;" in l)
    assert len(lines) == 1 and lines[0].startswith(f"{source}:{body_line}:"), \
        doc.result.stderr
    assert "Namespace" not in doc.result.stderr


COMPUTER = ["systemitem", "envar", "parameter", "classname", "constant", "prompt", "markup"]


def test_computer_names_are_set_in_monospace_without_warning(tmp_path):
    words = {name: f"w{i}x{name}" for i, name in enumerate(COMPUTER)}
    inline = " and ".join(f"<{n}>{w}</{n}>" for n, w in words.items())
    doc = compile_text(tmp_path, doc_text(body=f"    <para>Names: {inline}.</para>"))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    mono = " ".join(t for _, f, _, t in shown_runs(doc) if "Mono" in f)
    for name, word in words.items():
        assert word in mono, f"<{name}> is not set in the monospace font"


def test_a_name_in_parts_prints_with_spaces(tmp_path):
    """<firstname>Anna</firstname><surname>Verbeke</surname> is how
    editors and converters write names: DocBook prints "Anna Verbeke"."""
    info = ("<author><personname><firstname>Anna</firstname><surname>Verbeke</surname>"
            "</personname></author>")
    body = ("    <para>Written with <personname><honorific>Dr.</honorific>"
            "<firstname>Bram</firstname><surname>Claes</surname></personname>.</para>")
    doc = compile_text(tmp_path, doc_text(info=info, body=body))
    text = " ".join(text_of(doc).split())
    assert "Anna Verbeke" in text and "Dr. Bram Claes." in text
    assert doc.info.get("Author") == "Anna Verbeke"
    assert "warning" not in doc.result.stderr, doc.result.stderr


def test_index_terms_and_remarks_are_left_out_and_the_warning_says_so(tmp_path):
    body = """    <para>Boot<indexterm><primary>boot</primary><secondary>loader</secondary>
      </indexterm> the machine.<remark>check this</remark></para>
    <para>Again<indexterm><primary>again</primary></indexterm>.</para>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    text = text_of(doc)
    assert "loader" not in text and "check this" not in text and "Boot the machine." in text
    warnings = doc.result.stderr.splitlines()
    index = [w for w in warnings if "<indexterm>" in w]
    remark = [w for w in warnings if "<remark>" in w]
    assert len(index) == 1 and "not printed" in index[0] and "typeset" not in index[0]
    assert len(remark) == 1 and "not printed" in remark[0] and "typeset" not in remark[0]
    assert not any("<primary>" in w or "<secondary>" in w for w in warnings), warnings


def test_the_handbook_corpus_document_compiles_and_conserves_its_text(tmp_path):
    source = E2E_DATA / "unseen-handbook.xml"
    doc = compile_ok(source, tmp_path / "h.pdf")
    assert_text_conserved(source, doc.path, stderr=doc.result.stderr)
    assert not re.search(r"Namespace|<(prompt|envar|systemitem|citerefentry|primary)>",
                         doc.result.stderr), doc.result.stderr


LINKED_IMAGES = """    <para><link xlink:href="https://www.example.org/alone"><inlinemediaobject>
      <imageobject><imagedata fileref="a.png"/></imageobject>
      <textobject><phrase>A picture alone</phrase></textobject></inlinemediaobject></link></para>
    <para>Words <link xlink:href="https://www.example.org/among">around <inlinemediaobject>
      <imageobject><imagedata fileref="a.png"/></imageobject>
      <textobject><phrase>A picture among words</phrase></textobject></inlinemediaobject>
      it</link> and after.</para>"""


@pytest.fixture(scope="module")
def linked_images(tmp_path_factory):
    from test_images import PNG_CASES, png_bytes
    tmp = tmp_path_factory.mktemp("linked-images")
    (tmp / "a.png").write_bytes(png_bytes(**PNG_CASES["rgb8"][0]))
    return compile_text(tmp, doc_text(body=LINKED_IMAGES))


def test_an_image_in_a_link_is_covered_by_the_link(linked_images):
    """A picture wrapped in a link (pandoc writes [![alt](x.png)](url) so):
    the link's area covers the image, alone in its paragraph (set as a
    figure) or among the link's words. The link was dropped (alone) or
    covered only the words beside the image."""
    from test_images import placements
    doc = linked_images
    assert "warning" not in doc.result.stderr, doc.result.stderr
    drawn = [p for p in placements(doc) if p["page"] > 0]
    assert len(drawn) == 2
    links = {str(a.A.URI): (page, [float(v) for v in a.Rect]) for page, a in doc.uri_links}
    assert sorted(links) == ["https://www.example.org/alone", "https://www.example.org/among"]
    for uri, image in zip(sorted(links), drawn):
        page, (x0, y0, x1, y1) = links[uri]
        ix0, iy0, ix1, iy1 = image["box"]
        assert page == image["page"]
        assert x0 <= ix0 + 0.5 and ix1 <= x1 + 0.5 and y0 <= iy0 + 0.5 and iy1 <= y1 + 0.5, \
            f"{uri}: link {[x0, y0, x1, y1]} does not cover the image {image['box']}"
    page, (x0, _, x1, _) = links["https://www.example.org/among"]
    words = [w for w in doc.bbox_words[page] if w.text in ("around", "it")]
    assert len(words) == 2 and all(x0 - 0.5 <= w.box.x0 and w.box.x1 <= x1 + 0.5 for w in words)


def test_a_linked_image_is_a_figure_inside_its_link(linked_images):
    """PDF/UA: the Link element holds what it covers, the image's Figure
    (with its alternative text) as well as the annotation."""
    from conftest import struct_elements, struct_kids
    links = [e for e in struct_elements(linked_images.pdf) if e.get("/S") == "/Link"]
    alts = []
    for link in links:
        kids = [k for k in struct_kids(link) if isinstance(k, pikepdf.Dictionary)]
        alts += [str(k.get("/Alt")) for k in kids if k.get("/S") == "/Figure"]
        assert any(k.get("/Type") == "/OBJR" for k in kids)
    assert sorted(alts) == ["A picture alone", "A picture among words"]
    assert_pdfcheck_passes(linked_images.path)


def test_ordered_lists_count_as_their_numeration_start_and_continuation_say(tmp_path):
    """DocBook's numeration, startingnumber and continuation="continues"
    (a list broken by a listing goes on counting) were read by the
    schema and ignored: every list counted 1, 2, 3."""
    body = """    <orderedlist numeration="loweralpha">
      <listitem><para>Unpack it.</para></listitem><listitem><para>Run it.</para></listitem>
    </orderedlist>
    <programlisting>./install.sh</programlisting>
    <orderedlist numeration="loweralpha" continuation="continues">
      <listitem><para>Reboot it.</para></listitem></orderedlist>
    <orderedlist numeration="upperroman" startingnumber="4">
      <listitem><para>Fourth part.</para></listitem></orderedlist>
    <orderedlist startingnumber="7"><listitem><para>Seventh step.</para></listitem></orderedlist>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    punct = style_setting("ordered-1")[1:]
    lines = [" ".join(l.split()) for l in text_of(doc).splitlines()]
    for label, words in (("a", "Unpack it."), ("b", "Run it."), ("c", "Reboot it."),
                         ("IV", "Fourth part."), ("7", "Seventh step.")):
        assert f"{label}{punct} {words}" in lines, (label, lines)


def test_a_mediaobject_caption_is_printed_under_its_image(tmp_path):
    """<mediaobject><caption> (DocBook prints it under the image) was
    dropped with a warning that said it was typeset."""
    from test_images import PNG_CASES, png_bytes, placements
    (tmp_path / "a.png").write_bytes(png_bytes(**PNG_CASES["rgb8"][0]))
    body = """    <mediaobject>
      <imageobject role="fo"><imagedata fileref="a.png" width="40mm"/></imageobject>
      <imageobject role="html"><imagedata fileref="a.png"/></imageobject>
      <textobject><phrase>The first screen</phrase></textobject>
      <caption><para>The installer greets you here.</para></caption>
    </mediaobject>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    image, = [p for p in placements(doc) if p["page"] > 0]
    words = [w for w in doc.bbox_words[image["page"]] if w.text == "greets"]
    assert len(words) == 1
    below = doc.page_height(image["page"]) - image["box"][1]  # the image's bottom, top-down
    assert words[0].box.y0 >= below - 0.5, "the caption is not under the image"
    assert_text_conserved(tmp_path / "doc.xml", doc.path)


def test_footnoteref_prints_the_mark_again_and_the_note_once(tmp_path):
    body = """    <para>First<footnote xml:id="n1"><para>The only note.</para></footnote> and
      again<footnoteref linkend="n1"/> here.</para>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    text = " ".join(text_of(doc).split())
    assert "First1 and again1 here." in text and text.count("The only note.") == 1
    marks = [e for e in struct_elements(doc.pdf)
             if e.get("/S") == "/Reference" and e.P.get("/S") == "/P"]
    assert len(marks) == 2, "both marks are References of the paragraph"


def test_footnoteref_to_no_earlier_footnote_is_warned(tmp_path):
    body = """    <para>Before<footnoteref linkend="n1"/> it.</para>
    <para>Then<footnote xml:id="n1"><para>The note.</para></footnote>.</para>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    warned = [l for l in doc.result.stderr.splitlines() if "<footnoteref" in l]
    assert len(warned) == 1 and re.match(r".*doc\.xml:\d+:\d+: warning: .*names no footnote",
                                         warned[0]), warned
    assert "Before1, p." in " ".join(text_of(doc).split())


HTML_TABLE = """    <table xml:id="t-html">
      <caption>Keys of the file</caption>
      <thead><tr><th>Key</th><th>Meaning</th><th>Default</th></tr></thead>
      <tbody>
        <tr><td rowspan="2">Kx1</td><td>Mx1</td><td>Dx1</td></tr>
        <tr><td colspan="2">Sx2 spans two columns</td></tr>
        <tr><td>Kx3</td><td>Mx3</td><td>Dx3</td></tr>
      </tbody>
    </table>
    <para>See <xref linkend="t-html"/>.</para>"""


def cell_rows(pdf):
    """Per TR of the structure tree: (role, ColSpan, RowSpan) of its cells."""
    from conftest import struct_kids
    rows = []
    for row in (e for e in struct_elements(pdf) if e.get("/S") == "/TR"):
        cells = []
        for c in struct_kids(row):
            if isinstance(c, pikepdf.Dictionary) and c.get("/S") in ("/TH", "/TD"):
                a = c.get("/A") if isinstance(c.get("/A"), pikepdf.Dictionary) else {}
                cells.append((str(c.S)[1:], int(a.get("/ColSpan", 1)), int(a.get("/RowSpan", 1))))
        rows.append(cells)
    return rows


def test_a_table_in_docbooks_html_model_is_a_table(tmp_path):
    """DocBook 5 allows HTML tables (caption, tr, th, td, colspan,
    rowspan): such a report did not compile ("a table needs a <tgroup>")."""
    doc = compile_text(tmp_path, doc_text(body=HTML_TABLE))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    text = " ".join(text_of(doc).split())
    assert re.search(r"\w+ 1: Keys of the file Key", text) and "See Keys of the file, p." in text
    assert cell_rows(doc.pdf) == [[("TH", 1, 1)] * 3,
                                  [("TD", 1, 2), ("TD", 1, 1), ("TD", 1, 1)],
                                  [("TD", 2, 1)],
                                  [("TD", 1, 1)] * 3]
    x = {w.text: w.box.x0 for p in doc.bbox_words for w in p if re.fullmatch(r"[KMDS]x\d", w.text)}
    assert abs(x["Sx2"] - x["Mx1"]) < 1 and abs(x["Kx3"] - x["Kx1"]) < 1


def test_a_spanspec_names_the_columns_an_entry_spans(tmp_path):
    body = """    <informaltable><tgroup cols="3">
      <colspec colname="a"/><colspec colname="b"/><colspec colname="c"/>
      <spanspec spanname="bc" namest="b" nameend="c"/>
      <thead><row><entry>Hx1</entry><entry spanname="bc">Hx2</entry></row></thead>
      <tbody><row><entry>Ax1</entry><entry>Bx1</entry><entry>Cx1</entry></row></tbody>
    </tgroup></informaltable>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    assert cell_rows(doc.pdf) == [[("TH", 1, 1), ("TH", 2, 1)], [("TD", 1, 1)] * 3]


def test_a_spanname_without_its_spanspec_is_an_error_at_its_line(tmp_path):
    body = """    <informaltable><tgroup cols="2"><colspec colname="a"/><colspec colname="b"/>
      <tbody><row><entry spanname="ab">X</entry></row></tbody>
    </tgroup></informaltable>"""
    source = tmp_path / "doc.xml"
    source.write_text(doc_text(body=body), encoding="utf-8")
    from conftest import run_kcvs
    r = run_kcvs(source, "-o", tmp_path / "doc.pdf")
    assert r.returncode == 1 and re.search(r"doc\.xml:\d+:\d+: error: no spanspec .*'ab'",
                                           r.stderr), r.stderr


def test_a_list_in_a_table_cell_reads_its_label_as_lbl(tmp_path):
    """The bullet of a list in a cell was text of the item's paragraph
    (LBody P "• punt"), with an empty Lbl beside it."""
    body = """    <informaltable><tgroup cols="2"><tbody><row><entry>Left</entry>
      <entry><itemizedlist><listitem><para>pointword</para></listitem></itemizedlist></entry>
    </row></tbody></tgroup></informaltable>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    out = tool("pdfinfo", "-struct-text", doc.path).stdout
    lbl = out[out.rindex("Lbl"):]  # the list's (the contents have Lbls too)
    body_at = lbl.index("LBody")
    assert lbl[:body_at].count('"') == 2, "the Lbl holds no text"
    assert '"pointword"' in lbl[body_at:], out


def test_a_books_appendix_is_a_workstream_of_its_own(tmp_path):
    """An <appendix> after a book's chapters was content of the last
    chapter: under its running head, in no contents entry or bookmark."""
    book = """<?xml version="1.0" encoding="UTF-8"?>
<book xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="en">
  <info><title>Station manual</title></info>
  <chapter><title>Installing it</title><para>Chapter text.</para></chapter>
  <appendix><title>Questions asked</title><para>Appendix text.</para></appendix>
</book>
"""
    doc = compile_text(tmp_path, book)
    assert "warning" not in doc.result.stderr, doc.result.stderr
    assert [t for t, _, _ in doc.outline] == ["Installing it", "Questions asked"]
    chapter = doc.heading_page("Installing it", first=2)  # after the contents
    appendix = doc.heading_page("Questions asked", first=chapter + 1)
    assert appendix is not None, "the appendix does not start a page after the chapter"
    assert "Chapter text." not in doc.body_text(appendix)


def test_a_books_preface_and_parts_are_workstreams_and_their_chapters_too(tmp_path):
    """A <preface> and a <part> (with its <partintro> and chapters) were
    outside the subset: a book of parts was set as plain paragraphs on two
    pages, without contents entries or bookmarks for any of them."""
    book = """<?xml version="1.0" encoding="UTF-8"?>
<book xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="en">
  <info><title>Station manual</title></info>
  <preface><title>Before you start</title><para>Preface text.</para></preface>
  <part><title>Using it</title>
    <partintro><para>Part text.</para></partintro>
    <chapter><title>Installing it</title><para>Chapter text.</para>
      <section><title>On a roof</title><para>Section text.</para></section></chapter>
    <chapter><title>Reading it</title><para>Second chapter text.</para></chapter>
  </part>
  <part><title>Keeping it</title>
    <chapter><title>Cleaning it</title><para>Third chapter text.</para></chapter>
    <appendix><title>Questions asked</title><para>Appendix text.</para></appendix>
  </part>
</book>
"""
    doc = compile_text(tmp_path, book)
    assert "warning" not in doc.result.stderr, doc.result.stderr
    titles = ["Before you start", "Using it", "Installing it", "Reading it", "Keeping it",
              "Cleaning it", "Questions asked"]
    assert [t for t, _, _ in doc.outline] == titles
    assert [c for _, _, c in doc.outline][2][0][0] == "On a roof"
    texts = {"Before you start": "Preface text.", "Using it": "Part text.",
             "Installing it": "Section text.", "Reading it": "Second chapter text.",
             "Keeping it": None, "Cleaning it": "Third chapter text.",
             "Questions asked": "Appendix text."}
    contents = " ".join(doc.page_texts[1].split())
    page = 1
    for title in titles:
        assert title in contents, (title, contents)
        at = doc.heading_page(title, first=page + 1)
        assert at is not None, f"{title} does not start a page after the one before"
        if texts[title]:
            assert texts[title] in doc.body_text(at)
        page = at
    # each chapter's text only once, on its own page: not also in the part's
    assert "Chapter text." not in doc.body_text(doc.heading_page("Using it", first=2))


def english_strings():
    """The style's strings for an English report (its note box is "Note")."""
    import xml.etree.ElementTree as ET
    from conftest import STYLE_XML
    return next(e for e in ET.parse(STYLE_XML).getroot().iter()
                if e.get("quote-open") and e.get("note") == "Note")


def test_an_xref_to_a_varlistentry_prints_its_term_and_page(tmp_path):
    """It printed the placeholder page "p. 88" of a target that is never
    placed (a 4-page report), and no name."""
    body = """    <variablelist><varlistentry xml:id="v-build"><term><command>make</command></term>
      <listitem><para>Builds everything.</para></listitem></varlistentry></variablelist>
    <para>See <xref linkend="v-build"/> for the build.</para>"""
    doc = compile_text(tmp_path, doc_text(body=body))
    assert "warning" not in doc.result.stderr, doc.result.stderr
    page_ref = english_strings().get("page-ref", style_setting("page-ref"))
    term_page = next(i for i in range(2, doc.page_count) if "Builds" in doc.page_texts[i])
    assert f"See make, {page_ref} {term_page + 1} for the build." in \
        " ".join(text_of(doc).split())


def test_a_quote_inside_a_quote_takes_the_inner_marks(tmp_path):
    """DocBook alternates the marks of nested quotes; both levels had the
    outer ones („geneste „aanhalingen“”)."""
    doc = compile_text(tmp_path, doc_text(
        body="    <para>He said <quote>read <quote>the guide</quote> first</quote>.</para>"))
    o, c, io, ic = (english_strings().get(k) for k in (
        "quote-open", "quote-close", "quote-open-inner", "quote-close-inner"))
    assert (io, ic) != (o, c)
    text = " ".join(text_of(doc).split())
    assert f"He said {o}read {io}the guide{ic} first{c}." in text, text


def test_xrefs_to_lists_boxes_groups_and_cells_print_the_page_they_are_on(tmp_path):
    """A target that lays out no line of its own (a list, a procedure, a
    quotation, a table entry, a FAQ, an answer) printed "p. 88", the
    placeholder of the first pass; an xref to a qandaset refused the
    report ('no element has' its xml:id)."""
    kinds = {
        "il": '<itemizedlist xml:id="il"><listitem><para>Wil item</para></listitem></itemizedlist>',
        "pr": '<procedure xml:id="pr"><step><para>Wpr step</para></step></procedure>',
        "bq": '<blockquote xml:id="bq"><para>Wbq quote</para></blockquote>',
        "en": '<informaltable><tgroup cols="1"><tbody><row><entry xml:id="en">Wen cell</entry>'
              '</row></tbody></tgroup></informaltable>',
        "qs": '<qandaset xml:id="qs"><qandaentry><question><para>Wqs asked?</para></question>'
              '<answer xml:id="an"><para>Wan answered.</para></answer></qandaentry></qandaset>',
        "sl": '<simplelist xml:id="sl"><member>Wsl member</member></simplelist>',
    }
    filler = "\n".join(f"    <para>Filler paragraph {i} to move the targets on.</para>"
                       for i in range(40))
    refs = " ".join(f'R{k} <xref linkend="{k}" xrefstyle="select: page"/>.'
                    for k in list(kinds) + ["an"])
    body = f"    <para>{refs}</para>\n{filler}\n" + "\n".join("    " + v for v in kinds.values())
    doc = compile_text(tmp_path, doc_text(body=body))
    pages = doc.page_texts
    text = " ".join(text_of(doc).split())
    assert " 88" not in text
    for k in list(kinds) + ["an"]:
        where = next(i for i, p in enumerate(pages) if f"W{k}" in p) + 1
        m = re.search(rf"R{k} \D*(\d+)\.", text)
        assert m and int(m.group(1)) == where, (k, m and m.group(0), where)

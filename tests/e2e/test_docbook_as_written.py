"""DocBook 5 as third parties write it (the DocBook V5.0 transition guide
of ../shared/real-docbook was the first case of each): what DocBook allows
compiles without a warning and means what DocBook says, or a warning says
what is not read."""
import re

import pytest

from conftest import compile_text, run_kcvs

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" xmlns:xlink="http://www.w3.org/1999/xlink"
         version="5.0" xml:lang="nl-BE">
  <info><title>Zoals geschreven</title></info>
  <section xml:id="s1"><title>Een werkspoor</title>
"""
TAIL = "</section></article>\n"


def warnings_of(doc):
    return [l for l in doc.result.stderr.splitlines() if ": warning: " in l]


def body_text(doc):
    return re.sub(r"\s+", " ", " ".join(doc.page_texts[2:]))


def annotation_uris(doc):
    return [str(a.A.URI) for page in doc.pdf.pages for a in page.get("/Annots", [])
            if a.get("/A") is not None and "/URI" in a.A]


def test_blocks_inside_a_paragraph_split_it_in_reading_order(tmp_path):
    doc = compile_text(tmp_path, HEAD + """
    <para>Voor de lijst komt deze tekst
      <itemizedlist><listitem><para>eerste punt</para></listitem></itemizedlist>
      en na de lijst, voor de opmerking,
      <note><para>let hier op</para></note>
      en voor de tabel <informaltable><tgroup cols="1"><tbody><row><entry>cel
      een</entry></row></tbody></tgroup></informaltable> het einde.</para>
    """ + TAIL)
    assert not warnings_of(doc), doc.result.stderr
    text = body_text(doc)
    order = ["Voor de lijst komt deze tekst", "eerste punt", "en na de lijst, voor de opmerking,",
             "let hier op", "en voor de tabel", "cel een", "het einde."]
    at = [text.find(part) for part in order]
    assert all(a >= 0 for a in at) and at == sorted(at), (at, text)


@pytest.mark.parametrize("element", ["tag", "code", "citetitle", "filename", "application"])
def test_xlink_href_on_an_inline_element_is_a_link_without_a_warning(tmp_path, element):
    doc = compile_text(tmp_path, HEAD + f"""
    <para>Zie het <{element} xlink:href="https://example.org/{element}">ding</{element}>.</para>
    """ + TAIL)
    assert not warnings_of(doc), doc.result.stderr
    assert annotation_uris(doc) == [f"https://example.org/{element}"]


def test_a_link_holds_any_inline_content(tmp_path):
    doc = compile_text(tmp_path, HEAD + """
    <para>Het deel <link xlink:href="https://example.org/tdg">referentie van
    <citetitle>DocBook: The Definitive Guide</citetitle> met <code>para</code></link>.</para>
    """ + TAIL)
    assert not warnings_of(doc), doc.result.stderr
    assert "DocBook: The Definitive Guide met para" in body_text(doc)
    assert annotation_uris(doc) == ["https://example.org/tdg"]


def test_profiling_and_listing_attributes_are_accepted_and_everything_is_printed(tmp_path):
    doc = compile_text(tmp_path, HEAD + """
    <para condition="web" os="linux" userlevel="expert" revisionflag="added">Voor het web.</para>
    <para><tag condition="ns">xml:lang</tag> blijft.</para>
    <programlisting language="xml" xml:space="preserve">&lt;para/&gt;</programlisting>
    <screen format="linespecific">$ make</screen>
    """ + TAIL)
    assert not warnings_of(doc), doc.result.stderr
    text = body_text(doc)
    for part in ["Voor het web.", "xml:lang blijft.", "<para/>", "$ make"]:
        assert part in text, (part, text)


def item_steps(tmp_path, style):
    """The baseline steps between the items of a compact and of a normal
    list, from the layout dump."""
    src = tmp_path / "l.xml"
    src.write_text(HEAD + """
    <itemizedlist spacing="compact"><listitem><para>een</para></listitem>
      <listitem><para>twee</para></listitem></itemizedlist>
    <para>Tussen de lijsten.</para>
    <itemizedlist spacing="normal"><listitem><para>drie</para></listitem>
      <listitem><para>vier</para></listitem></itemizedlist>
    """ + TAIL, encoding="utf-8")
    res = run_kcvs("--style", style, "--dump-layout", src)
    assert res.returncode == 0 and ": warning: " not in res.stderr, res.stderr
    y = {m.group(2): float(m.group(1)) for m in
         re.finditer(r'^\s*line \S+ (\S+) \S+ "\S+ (een|twee|drie|vier)"$', res.stdout, re.M)}
    return y["twee"] - y["een"], y["vier"] - y["drie"]


def test_a_compact_list_sets_its_items_as_the_list_compact_class_says(tmp_path):
    compact, normal = item_steps(tmp_path, "sober")
    assert compact < normal  # sober: list 3 pt after an item, list-compact 0 pt
    compact, normal = item_steps(tmp_path, "kcvs")
    assert compact == pytest.approx(normal)  # kcvs: items are set without space either way


XREFS = HEAD + """
    <table xml:id="t"><title>Budget</title><tgroup cols="1"><tbody>
      <row><entry>Post</entry></row></tbody></tgroup></table>
    <para>A <xref linkend="t" xrefstyle="select: label"/>.</para>
    <para>B <xref linkend="t" xrefstyle="select: label title"/>.</para>
    <para>C <xref linkend="t" xrefstyle="select: quotedtitle"/>.</para>
    <para>D <xref linkend="t" xrefstyle="select: title page"/>.</para>
    <para>E <xref linkend="s1" xrefstyle="select: label"/>.</para>
    <para>F <xref linkend="t" xrefstyle="select: nopage"/>.</para>
    <para>G <xref linkend="t"/>.</para>
    <para>H <quote>Budget</quote>.</para>
""" + TAIL


def test_xrefstyle_select_prints_the_parts_it_names(tmp_path):
    doc = compile_text(tmp_path, XREFS)
    assert not warnings_of(doc), doc.result.stderr
    text = body_text(doc)
    page = re.search(r"G Budget, p\. (\d+)\.", text)
    quoted = re.search(r"H (\S+)\.", text)  # in the marks of the report's language
    assert page and quoted, text
    for want in ["A Tabel 1.", "B Tabel 1, Budget.", f"C {quoted.group(1)}.",
                 f"D Budget, p. {page.group(1)}.",
                 "E Een werkspoor.",  # a section without a number: its title
                 "F Budget."]:
        assert want in text, (want, text)


@pytest.mark.parametrize("xrefstyle,why", [
    ("template: %n", r"xrefstyle 'template: %n' is not read"),
    ("select: label bladzijde", r"xrefstyle: 'bladzijde' is none of label, title"),
])
def test_an_xrefstyle_that_is_not_read_is_a_warning_at_its_line(tmp_path, xrefstyle, why):
    doc = compile_text(tmp_path, HEAD + f"""
    <para>Zie <xref linkend="s1" xrefstyle="{xrefstyle}"/>.</para>
    """ + TAIL)
    warnings = warnings_of(doc)
    assert len(warnings) == 1 and re.search(r"doc\.xml:7:\d+: warning: " + why, warnings[0]), \
        warnings


def test_a_warning_about_what_an_entity_made_names_the_line_of_the_reference(tmp_path):
    # the guide's &yes; is <phrase role='unicode yes'>: its warning had no line
    doc = compile_text(tmp_path, """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article [
<!ENTITY yes "<phrase xmlns='http://docbook.org/ns/docbook' role='unicode'>JA</phrase>">
]>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Entiteit</title></info>
  <section><title>Een werkspoor</title>
    <para>Het antwoord is
      &yes;.</para>
  </section>
</article>
""")
    warnings = warnings_of(doc)
    assert len(warnings) == 1 and re.match(r"\S*doc\.xml:(8|9):\d+: warning: role 'unicode'",
                                           warnings[0]), warnings


def test_an_inline_simplelist_is_set_in_the_line_and_a_plain_one_as_a_list(tmp_path):
    """<simplelist type="inline"> is "a, b, c" in the line, as DocBook
    prints it: it was a bulleted list that split the paragraph in three."""
    doc = compile_text(tmp_path, HEAD + """
    <para>De kleuren zijn <simplelist type="inline"><member>rood</member>
      <member>groen</member> <member><emphasis>blauw</emphasis></member></simplelist>
      en meer niet.</para>
    <simplelist type="inline"><member>appel</member><member>peer</member></simplelist>
    <simplelist><member>eerste</member><member>tweede</member></simplelist>
    """ + TAIL)
    assert not warnings_of(doc), doc.result.stderr
    lines = [" ".join(l.split()) for l in "\n".join(doc.page_texts[2:]).splitlines()]
    assert "De kleuren zijn rood, groen, blauw en meer niet." in lines, lines
    assert "appel, peer" in lines, lines
    items = [l for l in lines if l.endswith("eerste") or l.endswith("tweede")]
    assert len(items) == 2 and all(l != "eerste" and l != "tweede" for l in items), \
        ("a plain simplelist keeps its labels, one member a line", lines)

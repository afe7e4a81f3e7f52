"""Inline DocBook as people write it (FORMAT.md): an abbreviation's
expansion is the structure element's /E, not text on the line; xlink:href
makes any inline element a link, checked like <link>."""
import pikepdf

from conftest import compile_text, run_kcvs, struct_elements, tool

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" xmlns:xlink="http://www.w3.org/1999/xlink"
         version="5.0" xml:lang="nl-BE">
  <info><title>Inline</title><orgname>Kenniscentrum Vlaamse Steden</orgname></info>
  <section><title>Een werkspoor</title>
"""
TAIL = "</section></article>\n"


def test_abbreviation_expansion_is_e_not_text(tmp_path):
    doc = compile_text(tmp_path, HEAD + """
    <para>Het <acronym>GDPR<alt>General Data Protection Regulation</alt></acronym>-register
    en de <abbrev>vzw<alt>vereniging zonder winstoogmerk</alt></abbrev> en <abbrev>enz.</abbrev></para>
    """ + TAIL)
    text = tool("pdftotext", doc.path, "-").stdout
    assert "GDPR" in text and "vzw" in text
    assert "General Data" not in text and "winstoogmerk" not in text
    with pikepdf.open(doc.path) as pdf:
        expansions = sorted(str(e.E) for e in struct_elements(pdf) if "/E" in e)
    assert expansions == ["General Data Protection Regulation", "vereniging zonder winstoogmerk"]


def annotation_uris(path):
    with pikepdf.open(path) as pdf:
        return [str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if a.get("/A") is not None and "/URI" in a.A]


def test_xlink_href_on_any_inline_element_is_a_link(tmp_path):
    doc = compile_text(tmp_path, HEAD + """
    <para>Lees <emphasis xlink:href="https://example.org/rapport">het rapport</emphasis>
    en <phrase xlink:href="mailto:info@example.org">schrijf ons</phrase>.</para>
    """ + TAIL)
    assert annotation_uris(doc.path) == ["https://example.org/rapport", "mailto:info@example.org"]
    with pikepdf.open(doc.path) as pdf:
        # each URI annotation belongs to a Link element of the paragraph
        uri_links = [e for e in struct_elements(pdf) if str(e.S) == "/Link" and any(
            isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
            and "/A" in k.Obj for k in e.K)]
        assert len(uri_links) == 2
        assert all(str(link.P.S) == "/P" for link in uri_links)


def test_xlink_href_on_an_inline_element_is_checked_like_link(tmp_path):
    source = tmp_path / "unsafe.xml"
    source.write_text(HEAD + """
    <para>Klik <emphasis xlink:href="javascript:alert(1)">hier</emphasis>.</para>
    """ + TAIL, encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "unsafe.pdf")
    assert res.returncode == 1
    assert f"{source}:" in res.stderr
    assert "unsafe link 'javascript:alert(1)'" in res.stderr
    assert not (tmp_path / "unsafe.pdf").exists()

"""Languages: /Lang from xml:lang on the document and on passages in
another language (PDF/UA: a screen reader switches voice)."""
import subprocess

import pikepdf

from conftest import compile_text, struct_elements

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Talen</title></info>
  <section><title>Werkspoor</title>
    <para>Het Engelse woord <phrase xml:lang="en">stakeholder</phrase> en
      het Franse <emphasis xml:lang="fr">partenaire</emphasis>.</para>
    <para xml:lang="de">Ein deutscher Absatz.</para>
  </section>
</article>
"""


def test_passages_in_another_language_carry_their_lang(tmp_path):
    out = compile_text(tmp_path, DOC).path
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "nl-BE"
        langs = {(str(e.S), str(e.Lang)) for e in struct_elements(pdf) if "/Lang" in e}
    assert ("/Span", "en") in langs and ("/Span", "fr") in langs
    assert ("/P", "de") in langs


def test_generated_words_follow_the_report_language(tmp_path):
    doc = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="en-GB">
  <info><title>Annual report</title></info>
  <section xml:id="one"><title>First workstream</title><para>See <xref linkend="two"/>.</para>
    <table><title>Budget</title><tgroup cols="1"><tbody><row><entry>x</entry></row></tbody></tgroup></table>
  </section>
  <section xml:id="two"><title>Second workstream</title><para>Text.</para></section>
</article>
"""
    out = compile_text(tmp_path, doc, name="en.xml").path
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Contents" in text and "Inhoud" not in text
    assert "Table 1: Budget" in text and "Tabel" not in text

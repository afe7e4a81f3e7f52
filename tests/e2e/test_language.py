"""Languages: /Lang from xml:lang on the document and on passages in
another language (PDF/UA: a screen reader switches voice)."""
import os
import subprocess

import pikepdf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KCVS = os.path.abspath(os.path.join(ROOT, os.environ.get("KCVS_PDF", "./kcvs-pdf")))

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


def elements(pdf):
    out = []

    def walk(e):
        if isinstance(e, pikepdf.Dictionary) and "/S" in e:
            out.append(e)
            k = e.get("/K")
            if k is not None:
                for x in (k if isinstance(k, pikepdf.Array) else [k]):
                    walk(x)
    for k in pdf.Root.StructTreeRoot.K:
        walk(k)
    return out


def test_passages_in_another_language_carry_their_lang(tmp_path):
    (tmp_path / "doc.xml").write_text(DOC, encoding="utf-8")
    out = tmp_path / "doc.pdf"
    r = subprocess.run([KCVS, str(tmp_path / "doc.xml"), "-o", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "nl-BE"
        langs = {(str(e.S), str(e.Lang)) for e in elements(pdf) if "/Lang" in e}
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
    (tmp_path / "en.xml").write_text(doc, encoding="utf-8")
    out = tmp_path / "en.pdf"
    r = subprocess.run([KCVS, str(tmp_path / "en.xml"), "-o", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Contents" in text and "Inhoud" not in text
    assert "Table 1: Budget" in text and "Tabel" not in text

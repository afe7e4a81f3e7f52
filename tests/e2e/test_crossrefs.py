"""Cross-references to any kind of target, footnotes in titles, padded
table rows, the print profile's XMP and the letter-break warning."""
import re
import subprocess

import pikepdf

from conftest import compile_text


DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Verwijzingen</title></info>
  <section xml:id="a"><title>Eerste</title>
    <para>Zie <xref linkend="bb"/>, <xref linkend="p2"/> en noot <xref linkend="n1"/>.</para>
    <informaltable><tgroup cols="3"><colspec colname="a"/><colspec colname="b"/><colspec colname="c"/>
      <tbody><row><entry>een</entry></row>
        <row><entry namest="a" nameend="c">overspannend</entry></row></tbody></tgroup></informaltable>
  </section>
  <section xml:id="b"><title>Tweede<footnote xml:id="n1"><para>Noot in de titel.</para></footnote></title>
    <para xml:id="p2" xreflabel="de tweede alinea">Alinea twee.</para>
    <section xml:id="bb"><title>Genest</title><para>Tekst.</para></section>
  </section>
</article>
"""


def compile_doc(tmp_path, text, *args):
    doc = compile_text(tmp_path, text, *args)
    return doc.path, doc.result


def page_of(pdf_path, needle):
    pages = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True,
                           text=True).stdout.split("\f")
    # the last page that shows it: references to a target come before it here
    return max(i + 1 for i, p in enumerate(pages) if needle in p and "Inhoud" not in p)


def test_xrefs_print_the_page_of_nested_sections_paragraphs_and_notes(tmp_path):
    out, _ = compile_doc(tmp_path, DOC)
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                                   text=True).stdout.split())
    nested = page_of(out, "Genest")
    m = re.search(r"Zie Genest, p\. (\d+), de tweede alinea, p\. (\d+) en noot 1, p\. (\d+)\.", text)
    assert m, text[:400]
    assert int(m.group(1)) == nested
    assert int(m.group(2)) == page_of(out, "Alinea twee.")
    assert int(m.group(3)) == page_of(out, "Noot in de titel.")
    with pikepdf.open(out) as pdf:
        internal = [a for p in pdf.pages for a in p.get("/Annots", []) if "/Dest" in a]
        assert internal
        for a in internal:
            assert str(a.Contents)
            target = pdf.pages.index(pikepdf.Page(a.Dest[0])) + 1
            assert target > 2, "an internal link points at the cover or the contents"


def test_a_footnote_in_a_title_is_printed(tmp_path):
    out, _ = compile_doc(tmp_path, DOC)
    assert page_of(out, "Noot in de titel.") == page_of(out, "Tweede")


def test_short_rows_are_padded_to_a_regular_table(tmp_path):
    out, _ = compile_doc(tmp_path, DOC)
    with pikepdf.open(out) as pdf:
        def walk(e, rows):
            if isinstance(e, pikepdf.Dictionary) and "/S" in e:
                if str(e.S) == "/TR":
                    rows.append(e)
                k = e.get("/K")
                for x in (k if isinstance(k, pikepdf.Array) else [k] if k is not None else []):
                    walk(x, rows)
            return rows
        rows = []
        for k in pdf.Root.StructTreeRoot.K:
            walk(k, rows)
        widths = []
        for row in rows:
            k = row.K if isinstance(row.K, pikepdf.Array) else [row.K]
            widths.append(sum(int(c.A.get("/ColSpan", 1)) if "/A" in c else 1
                              for c in k if isinstance(c, pikepdf.Dictionary)))
        assert widths == [3, 3]


def test_print_xmp_declares_trapping_like_the_info_dictionary(tmp_path):
    out, _ = compile_doc(tmp_path, DOC, "--profile", "print")
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/Trapped"]) == "/False"
        assert "<pdf:Trapped>False</pdf:Trapped>" in pdf.Root.Metadata.read_bytes().decode()


def test_breaking_a_word_between_letters_is_reported(tmp_path):
    doc = DOC.replace("<entry>een</entry>", "<entry>Donaudampfschifffahrtsgesellschaftskapitaen</entry>")
    doc = doc.replace('<colspec colname="a"/><colspec colname="b"/><colspec colname="c"/>',
                      '<colspec colname="a" colwidth="1*"/><colspec colname="b" colwidth="8*"/>'
                      '<colspec colname="c" colwidth="8*"/>')
    _, r = compile_doc(tmp_path, doc)
    assert re.search(r"doc\.xml:\d+:\d+: warning: a word is broken between letters", r.stderr), r.stderr

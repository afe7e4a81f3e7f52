"""Conservation of text: what the editor wrote is printed, once, in order.

`assert_text_conserved` (conftest.py) compares the words of a source with
the words of its PDF; it runs here over the whole corpus: the real report,
the editors' guide, every document under tests/data that compiles and the
third-party documents of ../shared/real-docbook/.
"""

import pytest

from conftest import compile_text, tool

FOOTNOTE_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Voetnoten</title></info>
  <section>
    <title>Werkspoor</title>
    <para>Een alinea met een voetnoot{note} die verder gaat.</para>
  </section>
</article>
"""


@pytest.mark.parametrize("paragraphs", [2, 3, 5])
def test_multi_paragraph_footnote_prints_each_paragraph_once(tmp_path, paragraphs):
    words = ["eerste", "tweede", "derde", "vierde", "vijfde"][:paragraphs]
    note = "<footnote>" + "".join(
        f"<para>Noot{w}alinea</para>" for w in words) + "</footnote>"
    doc = compile_text(tmp_path, FOOTNOTE_DOC.format(note=note))
    text = tool("pdftotext", "-enc", "UTF-8", doc.path, "-").stdout
    found = [w for w in text.split() if w.startswith("Noot")]
    assert found == [f"Noot{w}alinea" for w in words], \
        f"the footnote's paragraphs are printed as {found}"

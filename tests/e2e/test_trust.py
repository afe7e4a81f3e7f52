"""Inputs found by an outside review of trust (nobody had tried them): each
test names what went wrong before its fix."""

import unicodedata

from conftest import assert_pdfcheck_passes, compile_text, marked_content

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
<info><title>Proef</title><orgname>Org</orgname></info>
"""


def doc(body):
    return HEAD + body + "\n</article>\n"


def test_every_glyph_of_a_mark_cluster_has_unicode(tmp_path):
    # a + U+0308 + U+0323 shapes as the precomposed U+1EA1 and a separate
    # diaeresis in one cluster: the diaeresis glyph had no ToUnicode entry
    # (PDF/UA 7.21.7), so it could not be extracted or read aloud.
    d = compile_text(tmp_path, doc("<section><title>Tekens</title>"
                                   "<para>Woord a&#x308;&#x323; einde.</para></section>"))
    for page in d.pdf.pages:
        texts, untagged, _ = marked_content(page)
        shown = list(texts.values()) + [t for _, t in untagged]
        assert not any("\ufffd" in t for t in shown), f"a drawn glyph has no Unicode: {shown}"
    body = unicodedata.normalize("NFC", "".join(d.page_texts))
    assert unicodedata.normalize("NFC", "a\u0308\u0323") in body
    assert_pdfcheck_passes(d.path, alone=False)

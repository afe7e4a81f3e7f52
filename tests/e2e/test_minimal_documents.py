"""Documents with almost nothing in them still give a valid, titled PDF."""
import subprocess

import pikepdf
import pytest

from conftest import compile_text

NS = 'xmlns="http://docbook.org/ns/docbook" version="5.0"'


@pytest.mark.parametrize("name, body, words", [
    ("leeg", f"<article {NS}/>", []),
    ("alinea", f"<article {NS}><para>Alleen een alinea.</para></article>", ["Alleen een alinea."]),
    ("boek", f"<book {NS}><chapter><title>Enig hoofdstuk</title><para>Tekst.</para></chapter></book>",
     ["Enig hoofdstuk", "Tekst."]),
])
def test_minimal_document_gives_a_titled_tagged_pdf(tmp_path, name, body, words):
    out = compile_text(tmp_path, '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
                       name=f"{name}.xml").path
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) >= 1
        title = str(pdf.docinfo["/Title"])
        assert title
        meta = pdf.Root.Metadata.read_bytes().decode()
        assert f">{title}</rdf:li>" in meta
        assert "/StructTreeRoot" in pdf.Root
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    for w in words:
        assert w in text

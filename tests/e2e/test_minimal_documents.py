"""Documents with almost nothing in them still give a valid, titled PDF."""
import os
import subprocess

import pikepdf
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KCVS = os.path.abspath(os.path.join(ROOT, os.environ.get("KCVS_PDF", "./kcvs-pdf")))
NS = 'xmlns="http://docbook.org/ns/docbook" version="5.0"'


@pytest.mark.parametrize("name, body, words", [
    ("leeg", f"<article {NS}/>", []),
    ("alinea", f"<article {NS}><para>Alleen een alinea.</para></article>", ["Alleen een alinea."]),
    ("boek", f"<book {NS}><chapter><title>Enig hoofdstuk</title><para>Tekst.</para></chapter></book>",
     ["Enig hoofdstuk", "Tekst."]),
])
def test_minimal_document_gives_a_titled_tagged_pdf(tmp_path, name, body, words):
    src = tmp_path / f"{name}.xml"
    src.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body, encoding="utf-8")
    out = tmp_path / f"{name}.pdf"
    r = subprocess.run([KCVS, str(src), "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
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

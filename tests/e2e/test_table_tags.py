"""Tables stay regular in the structure tree: empty cells are kept and a
spanning cell says how many columns it spans (PDF/UA, tables)."""
import re
import struct
import subprocess
import zlib

import pikepdf

from conftest import compile_text, struct_elements, struct_kids

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Tabel</title></info>
  <section><title>Werkspoor</title>
    <table><title>Regelmatig</title>
      <tgroup cols="3"><colspec colname="a"/><colspec colname="b"/><colspec colname="c"/>
        <thead><row><entry>Een</entry><entry>Twee</entry><entry>Drie</entry></row></thead>
        <tbody>
          <row><entry>a</entry><entry></entry><entry>c</entry></row>
          <row><entry namest="a" nameend="b">ab</entry><entry>c</entry></row>
          <row><entry namest="a" nameend="c">abc</entry></row>
        </tbody></tgroup></table>
  </section>
</article>
"""


def structure(pdf, role):
    return [e for e in struct_elements(pdf) if str(e.S) == role]


def test_rows_span_the_same_number_of_columns(tmp_path):
    out = compile_text(tmp_path, DOC).path
    with pikepdf.open(out) as pdf:
        rows = structure(pdf, "/TR")
        assert len(rows) == 4
        widths = []
        for row in rows:
            cells = [c for c in struct_kids(row) if isinstance(c, pikepdf.Dictionary)
                     and str(c.get("/S")) in ("/TH", "/TD")]
            span = 0
            for c in cells:
                attrs = c.get("/A")
                span += int(attrs.get("/ColSpan", 1)) if isinstance(attrs, pikepdf.Dictionary) else 1
            widths.append(span)
        assert widths == [3, 3, 3, 3]


MOREROWS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Rijen</title></info>
  <section><title>Tabel</title>
    <informaltable><tgroup cols="3"><colspec colname="a"/><colspec colname="b"/><colspec colname="c"/>
      <tbody>
        <row><entry morerows="1">Aa12</entry><entry>Bb1</entry><entry>Cc1</entry></row>
        <row><entry>Bb2</entry><entry>Cc2</entry></row>
        <row><entry>Aa3</entry><entry>Bb3</entry><entry>Cc3</entry></row>
      </tbody></tgroup></informaltable>
  </section>
</article>
"""


def test_a_cell_spanning_rows_keeps_the_next_rows_in_their_columns(tmp_path):
    out = compile_text(tmp_path, MOREROWS).path
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True,
                          text=True).stdout
    x = {m.group(2): float(m.group(1)) for m in
         re.finditer(r'<word xMin="([\d.]+)"[^>]*>([A-C][a-c]\d+)</word>', html)}
    assert abs(x["Bb2"] - x["Bb1"]) < 0.5 and abs(x["Cc2"] - x["Cc1"]) < 0.5
    assert abs(x["Aa3"] - x["Aa12"]) < 0.5
    with pikepdf.open(out) as pdf:
        spans = [int(c.A.RowSpan) for c in structure(pdf, "/TD")
                 if isinstance(c.get("/A"), pikepdf.Dictionary) and "/RowSpan" in c.A]
        assert spans == [2]


def test_an_image_inside_a_cell_is_drawn_in_its_column(tmp_path):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + bytes([200, 30, 30]) * 40 for _ in range(20))
    (tmp_path / "red.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 20, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    doc = MOREROWS.replace(
        "<entry>Bb2</entry>",
        '<entry><mediaobject><imageobject><imagedata fileref="red.png"/></imageobject>'
        "<textobject><phrase>Een rood vlak</phrase></textobject></mediaobject></entry>")
    out = compile_text(tmp_path, doc).path
    with pikepdf.open(out) as pdf:
        page = next(p for p in pdf.pages if "/XObject" in p.Resources and len(p.Resources.XObject.keys()))
        cms = [ops for ops, op in pikepdf.parse_content_stream(page) if str(op) == "cm"]
        assert any(abs(float(o[0]) - 30) < 0.01 and abs(float(o[3]) - 15) < 0.01 for o in cms)
        figures = structure(pdf, "/Figure")
        assert figures and str(figures[0].Alt) == "Een rood vlak"

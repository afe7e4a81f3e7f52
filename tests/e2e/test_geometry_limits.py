"""Geometry from the document and the style sheet is checked before it can
put text off the page or over other text: absurd column widths, cells placed
on columns another cell covers, rows spanned past the table's end, zero text
sizes, lists nested deeper than the frame is wide."""
import re
import struct
import zlib

import pytest

from conftest import hang_allowance, run_kcvs, text_area, tool

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Maten</title></info>\n')


def compile_body(tmp_path, body, *extra):
    (tmp_path / "doc.xml").write_text(HEAD + body + "</article>\n", encoding="utf-8")
    out = tmp_path / "doc.pdf"
    return run_kcvs(tmp_path / "doc.xml", "-o", out, *extra), out


def table(colspecs, rows):
    return ('<section><title>T</title>\n<informaltable><tgroup cols="3">\n' + colspecs
            + '\n<tbody>\n' + "\n".join(rows) + '\n</tbody></tgroup></informaltable></section>\n')


SPECS = '<colspec colname="a"/><colspec colname="b"/><colspec colname="c"/>'


def assert_error_at(r, out, line, message):
    assert r.returncode == 1, r.stderr
    assert not out.exists()
    assert re.search(rf"doc\.xml:{line}:\d+: error: {message}", r.stderr), r.stderr


@pytest.mark.parametrize("width", ["nan*", "inf*", "1e20*", "-2*", "0*", "2*+3pt", "1e20pt"])
def test_an_absurd_colwidth_is_an_error_at_its_line(tmp_path, width):
    specs = f'<colspec colname="a" colwidth="{width}"/><colspec colname="b"/><colspec colname="c"/>'
    r, out = compile_body(tmp_path, table(specs, ['<row><entry>x</entry></row>']))
    assert_error_at(r, out, 6, re.escape(f"bad colwidth '{width}'"))


def test_an_entry_on_a_column_a_span_covers_is_an_error(tmp_path):
    rows = ['<row><entry namest="a" nameend="b">ab</entry><entry colname="b">b</entry></row>']
    r, out = compile_body(tmp_path, table(SPECS, rows))
    assert_error_at(r, out, 8, "the entry is placed on column 'b', which an earlier entry "
                               r"already covers \(a span or morerows\)")


def test_an_entry_on_a_column_an_earlier_row_covers_is_an_error(tmp_path):
    rows = ['<row><entry morerows="1">a</entry><entry>b</entry></row>',
            '<row><entry colname="a">over a</entry></row>']
    r, out = compile_body(tmp_path, table(SPECS, rows))
    assert_error_at(r, out, 9, "the entry is placed on column 'a'")


def test_morerows_past_the_last_row_is_an_error_and_no_rowspan_is_written(tmp_path):
    rows = ['<row><entry morerows="999">a</entry><entry>b</entry></row>',
            '<row><entry>c</entry></row>']
    r, out = compile_body(tmp_path, table(SPECS, rows))
    assert_error_at(r, out, 8, "morerows reaches 998 rows past the last row of the table part")


def test_morerows_that_is_not_a_number_is_an_error(tmp_path):
    rows = ['<row><entry morerows="1e3">a</entry></row>']
    r, out = compile_body(tmp_path, table(SPECS, rows))
    assert_error_at(r, out, 8, re.escape("bad morerows '1e3'"))


def test_morerows_within_the_table_still_works(tmp_path):
    rows = ['<row><entry morerows="1">a</entry><entry>b</entry><entry>c</entry></row>',
            '<row><entry>d</entry><entry>e</entry></row>']
    r, out = compile_body(tmp_path, table(SPECS, rows))
    assert r.returncode == 0, r.stderr


def word_boxes(pdf):
    """(x0, x1, how far the word may hang past the right edge) per word."""
    html = tool("pdftotext", "-bbox", pdf, "-").stdout
    return [(float(x0), float(x1), hang_allowance(text, "right", float(y1) - float(y0)))
            for x0, y0, x1, y1, text in re.findall(
                r'xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">([^<]*)<',
                html)]


def test_forty_nested_lists_stop_indenting_and_stay_in_the_frame(tmp_path):
    depth = 40
    body = ("<section><title>Lijsten</title>\n"
            + "".join(f"<itemizedlist><listitem><para>Niveau {i} met tekst die lang genoeg is "
                      "om te tonen waar de regels eindigen.</para>\n" for i in range(depth))
            + "</listitem></itemizedlist>\n" * depth + "</section>\n")
    r, out = compile_body(tmp_path, body)
    assert r.returncode == 0, r.stderr
    capped = [l for l in r.stderr.splitlines() if "lists nested this deep" in l]
    assert len(capped) == 1 and re.search(r"doc\.xml:\d+:\d+: warning:", capped[0]), r.stderr
    assert "wider than its column" not in r.stderr and "broken between letters" not in r.stderr
    frame = text_area(1)  # the house style does not mirror its margins
    for x0, x1, hang in word_boxes(out):
        assert frame.x0 - 0.01 <= x0 and x1 <= frame.x1 + 0.01 + hang, (x0, x1, frame)


def tiny_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0\x80\x80" * 2)) + chunk(b"IEND", b""))


def figure(width):
    return ('<section><title>Beeld</title>\n<mediaobject><imageobject>\n'
            f'<imagedata fileref="p.png" width="{width}"/></imageobject>\n'
            '<textobject><phrase>Grijs</phrase></textobject></mediaobject></section>\n')


@pytest.mark.parametrize("width", ["infpx", "nanpx", "1e20pt", "nan%", "150%", "0%", "abc"])
def test_an_absurd_image_width_is_an_error_at_its_line(tmp_path, width):
    (tmp_path / "p.png").write_bytes(tiny_png())
    r, out = compile_body(tmp_path, figure(width))
    assert_error_at(r, out, 6, re.escape(f"bad image width '{width}'"))


@pytest.mark.parametrize("width", ["80mm", "300px", "50%"])
def test_image_widths_in_range_are_used(tmp_path, width):
    (tmp_path / "p.png").write_bytes(tiny_png())
    r, _ = compile_body(tmp_path, figure(width))
    assert r.returncode == 0, r.stderr

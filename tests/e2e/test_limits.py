"""Documented limits: each exceeded with a clear error, quickly, without
exhausting memory, and never a PDF."""
import struct
import subprocess
import zlib

import pytest

from conftest import KCVS_PDF, assert_within_cpu, cpu_limit


HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Grenzen</title></info>\n')


CPU_SECONDS = 30  # generous for the sanitizer build


def run(tmp_path, body, files=None):
    for name, data in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / "doc.xml").write_text(HEAD + body + "</article>\n", encoding="utf-8")
    out = tmp_path / "doc.pdf"
    # Each limit must stop the work early: bounded by CPU time (RLIMIT_CPU),
    # never by the wall clock; the timeout is only a safety net.
    r = subprocess.run([str(KCVS_PDF), str(tmp_path / "doc.xml"), "-o", str(out)],
                       capture_output=True, text=True, timeout=300,
                       preexec_fn=cpu_limit(CPU_SECONDS))
    assert_within_cpu(r.returncode, CPU_SECONDS)
    return r, out


def assert_refused(r, out, message, line=None):
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert message in r.stderr, r.stderr
    assert not out.exists()
    if line is not None:
        assert f"doc.xml:{line}:" in r.stderr, r.stderr


def png_header(width, height):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + \
        chunk(b"IEND", b"")


def test_a_60000_pixel_square_png_is_refused_without_decoding(tmp_path):
    body = ('<section><title>Beeld</title>\n<mediaobject><imageobject>\n'
            '<imagedata fileref="huge.png"/></imageobject>\n'
            '<textobject><phrase>Te groot</phrase></textobject></mediaobject></section>\n')
    r, out = run(tmp_path, body, {"huge.png": png_header(60000, 60000)})
    assert_refused(r, out, "image too large", line=6)


def test_a_word_longer_than_the_limit_is_refused(tmp_path):
    r, out = run(tmp_path, "<section><title>W</title>\n<para>" + "x" * 5000 + "</para></section>\n")
    assert_refused(r, out, "a word of 5000 bytes", line=5)


def test_a_50_mb_source_fails_cleanly_and_fast(tmp_path):
    para = "<para>" + " ".join(["woord"] * 200) + "</para>\n"
    sections = "<section><title>Groot</title>\n" + para * (50 * 1024 * 1024 // len(para)) + "</section>\n"
    r, out = run(tmp_path, sections)
    assert r.returncode == 1, r.stderr
    assert "file too large" in r.stderr and "doc.xml" in r.stderr
    assert not out.exists()


def test_included_files_together_over_the_limit_fail_cleanly(tmp_path):
    para = "<para>" + " ".join(["woord"] * 200) + "</para>\n"
    section = ("<section xmlns=\"http://docbook.org/ns/docbook\"><title>Deel</title>\n"
               + para * (12 * 1024 * 1024 // len(para)) + "</section>\n").encode()
    files = {f"s{i}.xml": section for i in range(3)}
    body = "".join(f'<xi:include href="s{i}.xml"/>\n' for i in range(3))
    r, out = run(tmp_path, body, files)
    assert r.returncode == 1, r.stderr
    assert "together exceed" in r.stderr
    assert not out.exists()


def test_a_table_wider_than_the_text_area_is_an_error(tmp_path):
    body = ('<section><title>Tabel</title>\n'
            '<informaltable><tgroup cols="2">\n'
            '<colspec colwidth="300pt"/><colspec colwidth="300pt"/>\n'
            '<tbody><row><entry>a</entry><entry>b</entry></row></tbody></tgroup></informaltable>\n'
            '</section>\n')
    r, out = run(tmp_path, body)
    assert_refused(r, out, "the table is 600.0 pt wide but the text area is only")


def test_diagnostics_give_the_column_of_the_element(tmp_path):
    body = ('<section><title>Kolom</title>\n'
            '    <para>Klik <link xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xlink:href="javascript:alert(1)">hier</link>.</para></section>\n')
    r, out = run(tmp_path, body)
    line = '    <para>Klik <link '
    assert_refused(r, out, "unsafe link", line=5)
    assert f"doc.xml:5:{line.index('<link') + 1}: error:" in r.stderr, r.stderr


@pytest.mark.parametrize("bom", [False, True])
def test_the_column_counts_characters_as_libxml2_does(tmp_path, bom):
    """The element's column was counted in bytes: each é before it on its
    line added one, and a byte order mark added three on the first line,
    while libxml2's own messages in the same run count characters from
    after the mark. Both now count alike: a well-formedness error and an
    element's error on one line give the columns of their characters."""
    line = ('<article xmlns="http://docbook.org/ns/docbook" version="5.0" '
            'xml:lang="nl-BE"><info><title>Café</title></info><section><title>Één'
            '</title><para>Crème brûlée: <xref linkend="nergens"/></para></section>'
            '</article>\n')
    src = tmp_path / "doc.xml"
    src.write_bytes((b"\xef\xbb\xbf" if bom else b"") + line.encode("utf-8"))
    r = subprocess.run([str(KCVS_PDF), str(src), "-o", str(tmp_path / "doc.pdf")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    assert f"doc.xml:1:{line.index('<xref') + 1}: error: reference to 'nergens'" in r.stderr, \
        r.stderr
    broken = line.replace("</para>", "</x>")
    src.write_bytes((b"\xef\xbb\xbf" if bom else b"") + broken.encode("utf-8"))
    r = subprocess.run([str(KCVS_PDF), str(src), "-o", str(tmp_path / "doc.pdf")],
                       capture_output=True, text=True, timeout=300)
    # libxml2 places a mismatched end tag just after it
    assert f"doc.xml:1:{broken.index('</x>') + len('</x>') + 1}: error: " in r.stderr, r.stderr


def test_elements_nested_too_deep_in_one_file_say_the_limit(tmp_path):
    """Within one file libxml2 stops at 256 levels itself, and its message
    told the editor to "use XML_PARSE_HUGE option", a parser flag no one
    writing a report can set. It is said as the limit is said for
    elements nested through includes: one line, at the element."""
    r, out = run(tmp_path, "<section><title>Diep</title>\n<para>" + "<emphasis>" * 300
                 + "x" + "</emphasis>" * 300 + "</para></section>\n")
    assert_refused(r, out, "error: elements nested deeper than 256 levels", line=5)
    assert "XML_PARSE_HUGE" not in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr

"""What the layout reports and guarantees: at most max-hyphen-run hyphenated
lines in a row; each warning once (the cross-reference passes lay
the body out again), missing characters as one warning per character with
a count and its first place, and counts in -v that match the output."""
import re
import struct
import zlib

from conftest import run_kcvs, style_setting, tool

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Meldingen</title></info>\n')


def rgb_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    raw = b"".join(b"\0" + b"\xff\0\0" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def compile_body(tmp_path, body, *extra):
    (tmp_path / "doc.xml").write_text(HEAD + body + "</article>\n", encoding="utf-8")
    out = tmp_path / "doc.pdf"
    return run_kcvs(tmp_path / "doc.xml", "-o", out, *extra)


# A cross-reference forward makes the body be laid out at least twice.
TWICE = ('<section xml:id="a"><title>Begin</title>\n'
         '<para>Zie <xref linkend="b"/>.</para>\n'
         '<para>' + "x" * 120 + '</para>\n'
         '<mediaobject><imageobject><imagedata fileref="rgb.png"/></imageobject></mediaobject>\n'
         '<para>Een &#x1F600; hier en &#x1F600; daar.</para>\n'
         '</section>\n'
         '<section xml:id="b"><title>Doel</title>\n<para>Tekst &#x1F600;.</para></section>\n')


def warnings_of(stderr):
    return [l for l in stderr.splitlines() if ": warning: " in l]


def test_every_warning_is_printed_once_though_the_body_is_laid_out_again(tmp_path):
    (tmp_path / "rgb.png").write_bytes(rgb_png())
    r = compile_body(tmp_path, TWICE, "--profile", "print", "-v")
    assert r.returncode == 0, r.stderr
    assert re.search(r"\b([2-9]) passes", r.stderr), r.stderr
    warnings = warnings_of(r.stderr)
    assert len(warnings) == len(set(warnings)), r.stderr
    for needle in ("doc.xml:6:1: warning: a word is broken between letters",
                   "doc.xml:7:27: warning: image without alternative text"):
        assert sum(needle in w for w in warnings) == 1, r.stderr


def test_a_missing_character_is_one_warning_with_its_count_and_first_place(tmp_path):
    (tmp_path / "rgb.png").write_bytes(rgb_png())
    r = compile_body(tmp_path, TWICE, "--profile", "print")
    missing = [w.split("/")[-1] for w in warnings_of(r.stderr) if "U+1F600" in w]
    assert missing == ["doc.xml:8:1: warning: character U+1F600 is in none of the style's "
                       "fonts: it is left out (3 times)"], r.stderr


# Long Dutch compounds in the kcvs measure: the old retry loop gave up on
# this paragraph and printed 6 hyphenated lines in a row.
COMPOUNDS = ("het in op kinderopvangtoeslagregeling de energietransitie gemeenteraadsverkiezingen stadsvernieuwingsprojecten kinderopvangtoeslagregeling het onderwijsinstellingen samenwerkingsverbanden de op plattelandsontwikkeling arbeidsongeschiktheidsverzekering voor beleidsmedewerkers voor op beleidsmedewerkers huurwoningen de op stadsvernieuwingsprojecten beleidsmedewerkers het armoedebestrijding arbeidsongeschiktheidsverzekering energietransitie een samenwerkingsverbanden met beleidsmedewerkers op wijkgezondheidscentra woningbouwcorporaties klimaatadaptatie een woningbouwcorporaties stadsvernieuwingsprojecten op stedenbeleid op woningbouwcorporaties klimaatadaptatie gemeenteraadsverkiezingen van het energietransitie stadsvernieuwingsprojecten beleidsmedewerkers plattelandsontwikkeling samenwerkingsverbanden de huurwoningen onderwijsinstellingen kinderopvangtoeslagregeling stedenbeleid stadsvernieuwingsprojecten")


def longest_hyphen_run(lines):
    run = longest = 0
    for line in lines:
        run = run + 1 if line.endswith("-") else 0
        longest = max(longest, run)
    return longest


def test_no_more_hyphenated_lines_in_a_row_than_the_style_allows(tmp_path):
    (tmp_path / "doc.xml").write_text(HEAD + "<section><title>Lange woorden</title>\n<para>"
                                      + COMPOUNDS + "</para></section>\n</article>\n",
                                      encoding="utf-8")
    r = run_kcvs("--dump-layout", tmp_path / "doc.xml", "-o", tmp_path / "doc.dump")
    assert r.returncode == 0, r.stderr
    assert "hyphenated lines in a row" not in r.stderr
    lines = re.findall(r'^  line [-0-9. ]+"(.*)"$', (tmp_path / "doc.dump").read_text(), re.M)
    assert sum(l.endswith("-") for l in lines) >= 4, lines
    assert longest_hyphen_run(lines) <= int(style_setting("max-hyphen-run")), lines


def test_a_line_looser_than_the_style_allows_is_reported_with_its_text(tmp_path):
    """TeX's "Underfull \\hbox": a 58-digit number cannot share a line with
    the words before it, which are spread over the whole measure."""
    number = "0123456789" * 5 + "01234567"
    r = compile_body(tmp_path, "<section><title>Gaten</title>\n<para>Zie het dossiernummer "
                     + number + " hier.</para></section>\n", "-v")
    assert r.returncode == 0, r.stderr
    assert re.search(r"doc\.xml:5:1: warning: underfull line \(badness 10000, the style reports "
                     r"above 1000\): 'Zie het dossiernummer'", r.stderr), r.stderr
    assert "1 underfull, 0 overfull" in r.stderr, r.stderr


def test_a_line_wider_than_its_column_is_reported_and_counted(tmp_path):
    """A column of 1 pt cannot hold even one letter."""
    r = compile_body(tmp_path, '<section><title>Smal</title>\n<informaltable><tgroup cols="2">'
                     '<colspec colwidth="1*"/><colspec colwidth="400*"/><tbody>\n'
                     '<row><entry>W</entry><entry>b</entry></row></tbody></tgroup>'
                     '</informaltable></section>\n', "-v")
    assert r.returncode == 0, r.stderr
    assert re.search(r"doc\.xml:6:\d+: warning: overfull line, [0-9.]+ pt wider than its column "
                     r"\([0-9.]+ pt\) even when broken between letters: 'W'", r.stderr), r.stderr
    assert re.search(r"\b0 underfull, [1-9]\d* overfull", r.stderr), r.stderr


def test_six_footnotes_on_one_line_are_all_printed(tmp_path):
    """A line used to carry at most four footnotes: the fifth and sixth
    vanished without a word."""
    words = ["een", "twee", "drie", "vier", "vijf", "zes"]
    notes = "".join(f"<footnote><para>Noot nummer {w} hier.</para></footnote>" for w in words)
    r = compile_body(tmp_path, f"<section><title>Noten</title>\n<para>Kort{notes} zin.</para>"
                     "</section>\n")
    assert r.returncode == 0, r.stderr
    text = tool("pdftotext", tmp_path / "doc.pdf", "-").stdout
    for w in words:
        assert f"Noot nummer {w} hier." in text, text


def test_a_word_of_many_styled_pieces_is_printed_whole(tmp_path):
    """A word used to keep at most 64 pieces (style changes, fallback
    fonts): the rest was dropped."""
    word = "".join("<emphasis>x</emphasis>y" for _ in range(70))
    r = compile_body(tmp_path, f"<section><title>Stukken</title>\n<para>{word}</para></section>\n")
    assert r.returncode == 0, r.stderr
    text = tool("pdftotext", tmp_path / "doc.pdf", "-").stdout
    assert "".join(re.findall(r"[xy]+", text)).count("xy") == 70, text


def test_the_whole_font_fallback_chain_is_searched(tmp_path):
    """Fallback chains were followed four families deep and then given up
    silently; a character in the sixth family was left out."""
    from conftest import ROOT
    style = (ROOT / "styles" / "kcvs.xml").read_text(encoding="utf-8")
    style = style.replace('"../fonts/', f'"{ROOT}/fonts/')
    regular = f'{ROOT}/fonts/NotoSans-Regular.ttf'
    chain = "".join(f'<font name="x{i}" regular="{regular}" fallback="{"x%d" % (i + 1) if i < 4 else "symbols"}"/>\n'
                    for i in range(1, 5))
    style = style.replace('features="kern,liga" fallback="symbols"/>',
                          'features="kern,liga" fallback="x1"/>\n' + chain, 1)
    assert 'fallback="x1"' in style
    (tmp_path / "deep.xml").write_text(style, encoding="utf-8")
    r = compile_body(tmp_path, "<section><title>Tekens</title>\n<para>Een \u2a00 teken.</para>"
                     "</section>\n", "--style", tmp_path / "deep.xml")
    assert r.returncode == 0, r.stderr
    assert "U+2A00" not in r.stderr, r.stderr
    assert "\u2a00" in tool("pdftotext", tmp_path / "doc.pdf", "-").stdout

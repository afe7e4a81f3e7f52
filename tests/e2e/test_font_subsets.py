"""A font subset maps the text of the glyphs the pages draw, and only that.

The contents are typeset once, before the body, and their page numbers
after it: the length they are measured at holds no number. A body pass
set again (a forward reference's page moved) takes back the glyphs it
marked. So no glyph of a placeholder number ends up in a subset's text
map (ToUnicode) without being drawn. Read with pikepdf, the way an
extractor meets the file; test_conservation checks every document of the
corpus the same way (font_map_problems).
"""

import pikepdf

from conftest import compile_text, drawn_codes, font_map_problems, mapped_text

THREE_WORKSTREAMS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Kort verslag</title></info>
{sections}
</article>
"""

SECTION = """  <section>
    <title>Werkspoor {name}</title>
    <para>Een korte alinea over {name}, zonder veel cijfers.</para>
  </section>
"""


def test_the_contents_map_no_glyph_they_do_not_draw(tmp_path):
    sections = "".join(SECTION.format(name=n) for n in ("Wonen", "Werk", "Zorg"))
    doc = compile_text(tmp_path, THREE_WORKSTREAMS.format(sections=sections))
    with pikepdf.open(doc.path) as pdf:
        assert mapped_text(pdf), "no font with a ToUnicode map"
        assert font_map_problems(pdf) == []
        printed = "".join(t for entries in mapped_text(pdf).values() for t in entries.values())
        assert "8" not in printed, "a placeholder page number's digit is in a subset"


XREF_FORWARD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Verwijzing</title></info>
  <section xml:id="begin"><title>Begin</title>
    <para>Zie verder <xref linkend="doel"/> voor de details.</para></section>
  <section><title>Tussen</title><para>Een werkspoor ertussen.</para></section>
  <section xml:id="doel"><title>Doel</title><para>Hier staan ze.</para></section>
</article>
"""


def test_a_pass_set_again_leaves_no_glyph_of_its_placeholders(tmp_path):
    """A forward reference is set with a placeholder page number first and
    again once the page is known: the first pass's glyphs are taken back."""
    doc = compile_text(tmp_path, XREF_FORWARD)
    with pikepdf.open(doc.path) as pdf:
        assert font_map_problems(pdf) == []
        printed = "".join(t for entries in mapped_text(pdf).values() for t in entries.values())
        assert "8" not in printed


def test_the_check_finds_a_glyph_mapped_and_not_drawn_and_one_drawn_unmapped(tmp_path):
    doc = compile_text(tmp_path, XREF_FORWARD)
    with pikepdf.open(doc.path) as pdf:
        font = next(f for _, f in pdf.pages[0].Resources.Font.items())
        cmap = font.ToUnicode.read_bytes().decode("latin-1")
        drawn = drawn_codes(pdf)[font.DescendantFonts[0].FontDescriptor.objgen]
        unused = next(c for c in range(1, 0xFFFF) if c not in drawn)
        first = next(c for c in sorted(drawn) if c and f"<{c:04X}>" in cmap)
        cmap = cmap.replace(f"<{first:04X}>", f"<{unused:04X}>", 1)
        font.ToUnicode.write(cmap.encode("latin-1"))
        problems = font_map_problems(pdf)
    assert any("mapped but never drawn" in p for p in problems), problems
    assert any("drawn but not mapped" in p for p in problems), problems


MANY_LETTERS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Letters</title></info>
  <section><title>Alle tekens</title>
    <para>{words}</para></section>
</article>
"""

# Enough different characters for a subset of more than 92 glyphs.
LETTERS = ("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 "
           "àáâäèéêëìíîïòóôöùúûüç ÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜÇ ñÑ ß ø Ø å Å æ Æ "
           "( ) [ ] { } ! ? ; : , . ' \" / % + = * € $ # @ ~ | ^ _ "
           "¡ ¢ £ ¤ ¥ ¦ § ¨ © ª « ¬ ® ¯ ° ± ² ³ ´ µ ¶ · ¸ ¹ º » ¼ ½ ¾ ¿ "
           "αβγδεζηθικλμνξοπρστυφχψω ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ "
           "абвгдежзийклмнопрстуфхцчшщъыьэюя АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")


def test_glyph_codes_that_need_escaping_are_drawn_and_read_back(tmp_path):
    """Glyph codes are written as literal strings: a code byte that is a
    parenthesis, a backslash, CR or LF (glyphs 40, 41, 92, 13 and 10 of a
    subset) must be escaped, or a reader ends the string there or reads
    another byte. Every code the pages draw is mapped (font_map_problems),
    those five are among them, and the words come back as written."""
    words = " ".join(LETTERS.split())
    text = MANY_LETTERS.format(words=words.replace("&", "&amp;").replace("<", "&lt;"))
    doc = compile_text(tmp_path, text)
    with pikepdf.open(doc.path) as pdf:
        assert font_map_problems(pdf) == []
        drawn = set().union(*drawn_codes(pdf).values())
        assert {10, 13, 40, 41, 92} <= drawn, sorted(drawn)
    printed = "".join(doc.page_texts).split()
    for word in LETTERS.split():
        assert word in printed, word

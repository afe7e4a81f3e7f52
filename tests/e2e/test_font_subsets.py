"""A font subset maps the text of the glyphs the pages draw, and only that.

The contents are typeset once, before the body, and their page numbers
after it: the length they are measured at holds no number, so no glyph of
a placeholder number ends up in a subset's text map (ToUnicode) without
being drawn. Read with pikepdf, the way an extractor meets the file.
"""

import re

import pikepdf

from conftest import compile_text

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


def drawn_codes(pdf):
    """Per font descriptor: the glyph codes the pages show (TJ strings)."""
    drawn = {}
    for page in pdf.pages:
        fonts = {str(k): f for k, f in page.Resources.Font.items()}
        current = None
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Tf":
                current = fonts[str(operands[0])]
            elif str(op) == "TJ":
                codes = drawn.setdefault(current.DescendantFonts[0].FontDescriptor.objgen, set())
                for part in operands[0]:
                    if isinstance(part, pikepdf.String):
                        raw = bytes(part)
                        codes.update(raw[i] << 8 | raw[i + 1] for i in range(0, len(raw), 2))
    return drawn


def mapped_text(pdf):
    """Per font descriptor: glyph code -> text, from its ToUnicode CMap."""
    mapped = {}
    for page in pdf.pages:
        for _, font in page.Resources.Font.items():
            key = font.DescendantFonts[0].FontDescriptor.objgen
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            entries = mapped.setdefault(key, {})
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, text in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]*)>", block):
                    entries[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    return mapped


def test_the_contents_map_no_glyph_they_do_not_draw(tmp_path):
    sections = "".join(SECTION.format(name=n) for n in ("Wonen", "Werk", "Zorg"))
    doc = compile_text(tmp_path, THREE_WORKSTREAMS.format(sections=sections))
    with pikepdf.open(doc.path) as pdf:
        drawn, mapped = drawn_codes(pdf), mapped_text(pdf)
        assert mapped, "no font with a ToUnicode map"
        for font, entries in mapped.items():
            not_drawn = {code: text for code, text in entries.items()
                         if code not in drawn.get(font, set())}
            assert not not_drawn, f"mapped but never drawn: {not_drawn}"
        printed = "".join(t for entries in mapped.values() for t in entries.values())
        assert "8" not in printed, "a placeholder page number's digit is in a subset"

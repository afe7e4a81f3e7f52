"""Ligatures are drawn as ligature glyphs and still extract as their letters."""
import re
import subprocess

import pikepdf

from conftest import compile_text


DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Ligaturen</title></info>
  <section><title>Werkspoor</title>
    <para>De fiche, het officiële flyerontwerp en de effectieve afspraken.</para>
  </section>
</article>
"""


def test_ligature_glyphs_map_back_to_their_letters(tmp_path):
    out = compile_text(tmp_path, DOC).path
    multi = set()
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            fonts = page.obj.Resources.Font
            for name in fonts.keys():
                cmap = fonts[name].ToUnicode.read_bytes().decode()
                multi |= {m.group(1) for m in re.finditer(r"<[0-9A-F]{4}> <([0-9A-F]{8,})>", cmap)}
    # fi, fl and ff were drawn as single glyphs (the house style asks for liga)
    assert {"00660069", "0066006C", "00660066"} & multi, multi
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.split())
    assert "De fiche, het officiële flyerontwerp en de effectieve afspraken." in text

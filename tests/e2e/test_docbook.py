"""DocBook as people write it (FORMAT.md, the section of that name): the
elements pandoc and DocBook authors use, each set with its DocBook meaning
and tagged — no "not in the subset" warning for any of them.

One document holding every case is compiled once (module fixture) and read
with poppler (pdftotext) and pikepdf (the structure tree, the images drawn).
"""

import re

import pytest

from conftest import canon, compile_text, struct_elements, struct_kids, is_struct_elem
from test_images import PNG_CASES, png_bytes, placements

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info>
    <title>DocBook zoals mensen het schrijven</title>
    <orgname>Testorganisatie</orgname>
  </info>
  <section>
    <title>Beelden</title>
    <para>Tekst voor het woordbeeld
      <inlinemediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Een inline beeld</phrase></textobject></inlinemediaobject>
      en tekst erna.</para>
    <para>Nadruk <emphasis>rond
      <inlinemediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Beeld in nadruk</phrase></textobject></inlinemediaobject>
      een beeld</emphasis> blijft staan.</para>
    <figure xml:id="fig-kaart">
      <title>De kaart van de centrumsteden</title>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Kaart met dertien steden</phrase></textobject></mediaobject>
    </figure>
    <para>Zie <xref linkend="fig-kaart"/> voor de kaart.</para>
    <informalfigure>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Een informele figuur</phrase></textobject></mediaobject>
    </informalfigure>
    <figure>
      <info><title>Twee beelden samen</title></info>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Het eerste van twee</phrase></textobject></mediaobject>
      <mediaobject><imageobject><imagedata fileref="images/a.png"/></imageobject>
        <textobject><phrase>Het tweede van twee</phrase></textobject></mediaobject>
    </figure>
  </section>
</article>
"""


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docbook")
    (tmp / "images").mkdir()
    (tmp / "images" / "a.png").write_bytes(png_bytes(**PNG_CASES["rgb8"][0]))
    return compile_text(tmp, DOC)


def test_no_warnings(doc):
    assert "warning" not in doc.result.stderr, doc.result.stderr


def test_every_image_is_drawn_never_dropped(doc):
    # two inline images, a figure, an informal figure, a figure of two
    assert len([p for p in placements(doc) if p["page"] > 0]) == 6


def test_text_around_an_inline_image_stays(doc):
    text = canon(" ".join(doc.page_texts))
    for words in ("tekst voor het woordbeeld", "en tekst erna.", "nadruk rond",
                  "een beeld blijft staan."):
        assert canon(words) in text


def test_titled_figures_are_numbered_with_the_style_prefix(doc):
    text = canon(" ".join(doc.page_texts))
    assert canon("Figuur 1: De kaart van de centrumsteden") in text
    assert canon("Figuur 2: Twee beelden samen") in text
    # an informal figure has no number
    assert "figuur 3" not in text


def test_xref_to_a_figure_prints_its_title(doc):
    text = canon(" ".join(doc.page_texts))
    assert re.search(r"zie .*de kaart van de centrumsteden", text)


def _figures(doc):
    return [e for e in struct_elements(doc.pdf) if e.get("/S") == "/Figure"]


def test_figures_are_tagged_with_alt_and_caption(doc):
    figures = _figures(doc)
    alts = [str(f.get("/Alt")) for f in figures]
    for alt in ("Een inline beeld", "Beeld in nadruk", "Kaart met dertien steden",
                "Een informele figuur", "Het eerste van twee", "Het tweede van twee"):
        assert alt in alts
    captioned = [f for f in figures
                 if any(is_struct_elem(k) and k.get("/S") == "/Caption" for k in struct_kids(f))]
    # the titled single-image figure and the group of two
    assert len(captioned) == 2
    assert {str(f.get("/Alt")) for f in captioned} == {"Kaart met dertien steden",
                                                       "Twee beelden samen"}


def test_figure_caption_is_on_the_page_of_its_image(doc):
    pages = [p["page"] for p in placements(doc)]
    for n in (1, 2):
        on = [i for i, t in enumerate(doc.page_texts) if f"Figuur {n}:" in t]
        assert on and on[0] in pages

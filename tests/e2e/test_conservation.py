"""Conservation of text: what the editor wrote is printed, once, in order.

`assert_text_conserved` (conftest.py) compares the words of a source with
the words of its PDF, and `font_map_problems` the glyphs each font's text
map (ToUnicode) names with the glyphs drawn; they run here over the whole
corpus: the real report,
the editors' guide, every document under tests/ that compiles (the fuzzing
corpus apart) and the
third-party documents of ../shared/real-docbook/.
"""

import pikepdf
import pytest

from conftest import (REPORT_XML, ROOT, assert_text_conserved, compile_text, font_map_problems,
                      run_kcvs, text_conservation_problems, tool)

FOOTNOTE_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Voetnoten</title></info>
  <section>
    <title>Werkspoor</title>
    <para>Een alinea met een voetnoot{note} die verder gaat.</para>
  </section>
</article>
"""


@pytest.mark.parametrize("paragraphs", [2, 3, 5])
def test_multi_paragraph_footnote_prints_each_paragraph_once(tmp_path, paragraphs):
    words = ["eerste", "tweede", "derde", "vierde", "vijfde"][:paragraphs]
    note = "<footnote>" + "".join(
        f"<para>Noot{w}alinea</para>" for w in words) + "</footnote>"
    doc = compile_text(tmp_path, FOOTNOTE_DOC.format(note=note))
    text = tool("pdftotext", "-enc", "UTF-8", doc.path, "-").stdout
    found = [w for w in text.split() if w.startswith("Noot")]
    assert found == [f"Noot{w}alinea" for w in words], \
        f"the footnote's paragraphs are printed as {found}"
    assert_text_conserved(tmp_path / "doc.xml", doc.path)


def test_the_check_reports_missing_duplicated_and_misordered_words(tmp_path):
    """The check itself can fail: against a source that differs from what
    was printed, it names the missing and the extra words."""
    printed = FOOTNOTE_DOC.format(note="").replace(
        "Een alinea", "Een alinea met woorden rood groen blauw")
    doc = compile_text(tmp_path, printed)
    def problems(text):
        other = tmp_path / "other.xml"
        other.write_text(text, encoding="utf-8")
        return text_conservation_problems(other, doc.path)
    assert problems(printed) == []
    missing = problems(printed.replace("groen", "groen paars"))
    assert any("missing" in p and "paars" in p for p in missing), missing
    twice = problems(printed.replace("groen ", ""))
    assert any("not in the source" in p and "groen" in p for p in twice), twice
    swapped = problems(printed.replace("rood groen blauw", "blauw groen rood"))
    assert swapped, "words printed in another order than the source's went unnoticed"


def corpus():
    docs = [REPORT_XML, ROOT / "docs" / "guide.xml"]
    docs += sorted(p for p in (ROOT / "tests").rglob("*.xml")
                   if "fuzz" not in p.parts and "expected" not in p.parts)
    real = ROOT.parent / "shared" / "real-docbook"
    docs += sorted(real.rglob("*.xml")) if real.is_dir() else []
    return [pytest.param(p, id=str(p.relative_to(ROOT.parent))) for p in docs]


@pytest.mark.parametrize("source", corpus())
def test_text_is_conserved(tmp_path, source, request):
    if source == REPORT_XML:  # compiled once for the whole session
        report = request.getfixturevalue("report")
        assert_text_conserved(source, report.path, stderr=report.result.stderr)
        with pikepdf.open(report.path) as pdf:
            assert font_map_problems(pdf) == []
        return
    out = tmp_path / "out.pdf"
    res = run_kcvs(source, "-o", out)
    if res.returncode != 0:
        pytest.skip("does not compile (a bad-input document)")
    assert_text_conserved(source, out, stderr=res.stderr)
    with pikepdf.open(out) as pdf:  # what extraction reads is what is drawn
        assert font_map_problems(pdf) == []


def test_what_a_sections_info_holds_besides_its_title_is_printed(tmp_path):
    source = tmp_path / "doc.xml"
    source.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Info</title></info>
  <section>
    <info>
      <title>Werkspoor</title>
      <abstract><para>Samenvatting van het werkspoor.</para></abstract>
      <author><personname>Annelies Vandermeersch</personname></author>
    </info>
    <para>De tekst van het werkspoor.</para>
    <section>
      <info><title>Tussentitel</title><abstract><para>Korte inhoud.</para></abstract></info>
      <para>Meer tekst.</para>
    </section>
  </section>
</article>
""", encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "doc.pdf")
    assert res.returncode == 0, res.stderr
    assert_text_conserved(source, tmp_path / "doc.pdf", stderr=res.stderr)

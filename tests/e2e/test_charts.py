"""Budget charts: drawn from the table's verified cents, tagged as a Figure
whose /Alt lists every row; the change between years computed, never typed.

Bars are read back from the content stream (the `re` rectangles inside the
Figure's marked content), labels from pdftotext and the structure tree."""

import re
from collections import Counter

import pikepdf
import pytest

from conftest import (E2E_DATA, compile_ok, compile_text, run_kcvs, struct_elements)

BUDGET = E2E_DATA / "chart-budget.xml"
YEARS = E2E_DATA / "chart-years.xml"


def cents(text):
    """'250.000,00' → 25000000."""
    return int(re.sub(r"[.,\s]", "", text))


@pytest.fixture(scope="module")
def budget(tmp_path_factory):
    return compile_ok(BUDGET, tmp_path_factory.mktemp("chart") / "budget.pdf")


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    return compile_ok(YEARS, tmp_path_factory.mktemp("chart") / "years.pdf")


def figure_rects(pdf):
    """The filled rectangles drawn inside Figure marked content, in drawing
    order: ((x, y, w, h), the fill colour operator and operands before it)."""
    rects = []
    for page in pdf.pages:
        stack, fill = [], None
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op in ("BDC", "BMC"):
                stack.append(str(operands[0]))
            elif op == "EMC" and stack:
                stack.pop()
            elif op in ("rg", "k", "g"):
                fill = (op, tuple(float(x) for x in operands))
            elif op == "re" and "/Figure" in stack:
                rects.append((tuple(float(x) for x in operands), fill))
    return rects


def figures(pdf):
    return [e for e in struct_elements(pdf) if e.get("/S") == "/Figure"]


def test_bar_lengths_are_proportional_to_the_amounts(budget):
    # The bar chart's bars all start at the same x; the share bar is one
    # row cut into segments, the legend's swatches are squares.
    rects = [r for r, _ in figure_rects(budget.pdf) if r[2] != r[3]]
    bar_x = Counter(round(x, 2) for x, _, _, _ in rects).most_common(1)[0][0]
    bars = [r for r in rects if round(r[0], 2) == bar_x]
    amounts = [25000000, 4717817, 29717817, 6000000, 1250050, 7250050]
    assert len(bars) == len(amounts), bars
    longest = max(w for _, _, w, _ in bars)
    for (_, _, w, _), a in zip(sorted(bars, key=lambda b: -b[1]), amounts):
        assert abs(w - longest * a / max(amounts)) <= 0.1, (w, a)


def test_share_segments_are_proportional_and_fill_the_bar(budget):
    rects = [r for r, _ in (figure_rects(budget.pdf))]
    ys = {}
    for x, y, w, h in rects:
        if w != h:
            ys.setdefault(round(y, 2), []).append((x, w))
    # The share bar: the one row of several rectangles side by side.
    row = max(ys.values(), key=len)
    row.sort()
    assert len(row) == 3
    total = sum(w for _, w in row)
    for (x, w), (nx, _) in zip(row, row[1:]):
        assert abs(x + w - nx) <= 0.01, "segments must touch"
    for (_, w), a in zip(row, [180000, 90000, 30000]):
        assert abs(w - total * a / 300000) <= 0.1


def test_labels_repeat_the_tables_figures(budget):
    text = budget.page_texts[2]
    table = re.findall(r"^(Personeel|Werking|Studieopdrachten|Communicatie)\s*\n?\s*"
                       r"([\d.]+,\d\d)$", text, re.M)
    chart = re.findall(r"([\d.]+,\d\d) \((\d+|<\s1)\s%\)", text)
    assert {c for c, _ in chart} >= {"250.000,00", "47.178,17", "60.000,00", "12.500,50",
                                     "297.178,17", "72.500,50", "180.000,00"}
    for _, amount in table:
        assert amount in {c for c, _ in chart}
    shares = dict(chart)
    assert shares["250.000,00"] == "68" and shares["180.000,00"] == "60"


def test_alt_text_lists_every_row_in_the_reports_language(budget):
    alts = [str(f.Alt) for f in figures(budget.pdf)]
    assert alts[0] == (
        "Budget 2023: Personeel 250.000,00 euro (68 %), Werking 47.178,17 euro (13 %), "
        "Eigen middelen 297.178,17 euro (80 %), Studieopdrachten 60.000,00 euro (16 %), "
        "Communicatie 12.500,50 euro (3 %), Projecten 72.500,50 euro (20 %); "
        "totaal 369.678,67 euro")
    assert alts[1].startswith("Verdeling van de middelen: Steden 180.000,00 euro (60 %)")
    assert alts[1].endswith("totaal 300.000,00 euro")


def test_chart_is_a_figure_with_a_caption_after_its_table(budget):
    elems = [e for e in struct_elements(budget.pdf)
             if e.get("/S") in ("/Table", "/Figure")]
    assert [str(e.S) for e in elems] == ["/Table", "/Figure", "/Table", "/Figure"]
    for f in figures(budget.pdf):
        kids = f.K if isinstance(f.K, pikepdf.Array) else [f.K]
        captions = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Caption"]
        assert len(captions) == 1
    assert "Figuur 1: Budget 2023" in budget.page_texts[2]


def test_chart_stays_on_its_tables_page(budget):
    for page, text in enumerate(budget.page_texts):
        if "Tabel 2" in text:
            assert "Figuur 2" in text


def test_each_year_is_verified_and_the_change_computed(years):
    text = years.page_texts[2].replace("\u00a0", " ")
    assert "Verschil" in text
    for change in ("+50.000,00", "+25,0 %", "\u22122.821,83", "\u22125,6 %",
                   "\u221210.000,00", "\u2212100,0 %", "+37.178,17", "+14,3 %"):
        assert change in text, change
    alt = str(figures(years.pdf)[0].Alt)
    for year in ("2021: ", "2022: ", "2023: "):
        assert year in alt
    assert "totaal 297.178,17 euro" in alt


def test_one_bar_per_year_in_the_series_colours(years):
    fills = {}
    for (x, y, w, h), fill in (figure_rects(years.pdf)):
        if w != h:
            fills.setdefault(fill, []).append(w)
    assert len(fills) == 3, fills  # a colour per year
    widths = sorted(w for ws in fills.values() for w in ws)
    amounts = sorted([19000000, 20000000, 25000000, 5200000, 5000000, 4717817, 1000000])
    assert len(widths) == len(amounts)  # no bar for the two zero amounts
    for w, a in zip(widths, amounts):
        assert abs(w - widths[-1] * a / amounts[-1]) <= 0.1, (w, a)


def test_a_wrong_total_in_one_year_is_an_error(tmp_path):
    src = YEARS.read_text(encoding="utf-8").replace(
        "<entry>260.000,00</entry>", "<entry>260.000,01</entry>")
    (tmp_path / "y.xml").write_text(src, encoding="utf-8")
    res = run_kcvs(tmp_path / "y.xml", "-o", tmp_path / "y.pdf")
    assert res.returncode == 1
    assert re.search(r"y\.xml:\d+:\d+: error: budget total does not add up: "
                     r"stated 260\.000,01, computed 260\.000,00", res.stderr)
    assert not (tmp_path / "y.pdf").exists()


DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>T</title></info>
  <section><title>S</title>
    <table role="{role}"><title>B</title>
      <tgroup cols="2"><colspec colname="a"/><colspec colname="b" {amount}/>
        <tbody>
          <row><entry>Een</entry><entry>{first}</entry></row>
          <row><entry>Twee</entry><entry>5,00</entry></row>
        </tbody>
      </tgroup>
    </table>
  </section>
</article>
"""


@pytest.mark.parametrize("role, amount, first, message", [
    ("chart-bar", 'role="amount"', "10,00",
     r"role 'chart-bar' is computed from a budget table's verified amounts"),
    ("budget chart-share", "", "10,00",
     r"role 'chart-share' asks for a chart of the verified amounts, but the table has no "
     r"amount cells"),
    ("budget chart-bar", 'role="amount"', "-10,00",
     r"the chart cannot show the negative amount of 'Een'"),
    ("budget change", 'role="amount"', "10,00", r"role 'change' compares two amount columns"),
    ("budget chrt-bar", 'role="amount"', "10,00", r"did you mean 'chart-bar'\?"),
])
def test_a_chart_without_verified_amounts_is_an_error_naming_the_line(
        tmp_path, role, amount, first, message):
    (tmp_path / "d.xml").write_text(DOC.format(role=role, amount=amount, first=first),
                                    encoding="utf-8")
    res = run_kcvs(tmp_path / "d.xml", "-o", tmp_path / "d.pdf")
    assert res.returncode == 1, res.stderr
    assert re.search(r"d\.xml:5:\d+: error: .*" + message, res.stderr), res.stderr
    assert not (tmp_path / "d.pdf").exists()


@pytest.mark.parametrize("extra", [("--style", "sober"), ("--profile", "print")])
def test_charts_in_the_other_style_and_the_print_profile(tmp_path, extra):
    doc = compile_ok(BUDGET, tmp_path / "b.pdf", *extra)
    rects = (figure_rects(doc.pdf))
    assert len(rects) >= 9
    if extra[0] == "--profile":
        assert all(fill[0] == "k" for _, fill in rects), "print colours are CMYK"
    assert len(figures(doc.pdf)) == 2 and all(str(f.get("/Alt", "")) for f in figures(doc.pdf))


def test_a_chart_role_alone_warns_nothing(budget):
    assert "warning" not in budget.result.stderr

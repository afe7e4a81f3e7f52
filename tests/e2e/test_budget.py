"""Budget tables (FORMAT.md, "Budget tables"): amounts printed the Belgian
way and right-aligned; a wrong total or subtotal is an error that names file
and line and leaves no PDF."""

import re

import pytest

from conftest import E2E_DATA, compile_ok, run_kcvs

AMOUNT = r"\d{1,3}(\.\d{3})*,\d\d"


def amount_words_below(doc, page, heading):
    """Amount words of PAGE below the table header word HEADING."""
    head = [w for w in doc.bbox_words[page] if w.text == heading]
    assert len(head) == 1, f"table header {heading!r} not found once on page {page + 1}"
    return [w for w in doc.words_matching(page, AMOUNT) if w.box.y0 > head[0].box.y1]


def test_report_prints_the_budget_figure(report):
    assert "397.178,17" in "\n".join(report.page_texts)


def test_report_budget_amounts_are_right_aligned(report):
    page = report.page_count - 1  # Afrekening 2021, the last workstream
    amounts = amount_words_below(report, page, "Omschrijving")
    assert [w.text for w in amounts] == ["397.178,17", "397.178,17"]
    right = [w.box.x1 for w in amounts]
    assert max(right) - min(right) <= 0.5, right


def test_plain_amounts_are_printed_the_belgian_way_and_right_aligned(tmp_path):
    doc = compile_ok(E2E_DATA / "budget-plain.xml", tmp_path / "b.pdf")
    page = next(i for i in range(doc.page_count) if "Reiskosten" in doc.page_texts[i])
    amounts = amount_words_below(doc, page, "Post")
    assert [w.text for w in amounts] == \
        ["397.178,17", "1.000,50", "398.178,67", "12,30", "398.190,97"]
    right = [w.box.x1 for w in amounts]
    assert max(right) - min(right) <= 0.5, right


def test_amount_column_declared_on_colspec_keeps_its_heading(tmp_path):
    doc = compile_ok(E2E_DATA / "budget-colspec.xml", tmp_path / "b.pdf")
    text = "\n".join(doc.page_texts)
    assert "Bedrag (euro)" in text and "150,50" in text


def line_of(path, needle):
    with open(path, encoding="utf-8") as f:
        return next(n for n, line in enumerate(f, 1) if needle in line)


@pytest.fixture
def stale_pdf(tmp_path):
    """An earlier PDF at the output path."""
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n% an earlier report, not to be touched\n%%EOF\n")
    return path


def test_wrong_total_fails_naming_file_line_and_figures(stale_pdf):
    src = E2E_DATA / "budget-wrong.xml"
    res = run_kcvs(src, "-o", stale_pdf)
    assert res.returncode == 1, res.stderr
    line = line_of(src, 'role="total"')
    assert re.search(rf"budget-wrong\.xml:{line}:", res.stderr), res.stderr
    assert "stated" in res.stderr and "computed" in res.stderr
    assert re.search(r"160[,.]00", res.stderr) and re.search(r"150[,.]50", res.stderr), res.stderr


def test_wrong_total_writes_no_pdf(tmp_path):
    out = tmp_path / "new.pdf"
    res = run_kcvs(E2E_DATA / "budget-wrong.xml", "-o", out)
    assert res.returncode == 1
    assert list(tmp_path.iterdir()) == [], "something was written"


def test_wrong_total_leaves_an_earlier_pdf_untouched(stale_pdf, tmp_path):
    before = stale_pdf.read_bytes()
    res = run_kcvs(E2E_DATA / "budget-wrong.xml", "-o", stale_pdf)
    assert res.returncode == 1
    assert stale_pdf.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [stale_pdf.name], "temporary files left"


def test_wrong_subtotal_in_an_included_file_names_that_file(tmp_path):
    src = E2E_DATA / "budget-include" / "report.xml"
    included = E2E_DATA / "budget-include" / "sections" / "begroting.xml"
    res = run_kcvs(src, "-o", tmp_path / "out.pdf")
    assert res.returncode == 1, res.stderr
    line = line_of(included, 'role="subtotal"')
    assert re.search(rf"sections/begroting\.xml:{line}:", res.stderr), res.stderr
    assert re.search(r"1\.?200[,.]00", res.stderr) and re.search(r"1\.?250[,.]00", res.stderr)
    assert not (tmp_path / "out.pdf").exists()

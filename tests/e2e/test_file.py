"""The PDF file of the real report: fonts, syntax, size."""

from conftest import tool


def pdffonts_rows(path):
    lines = tool("pdffonts", path).stdout.splitlines()
    assert lines[1].startswith("---"), lines[:2]
    rows = []
    for line in lines[2:]:
        t = line.split()
        # ... emb sub uni object ID
        rows.append({"name": t[0], "emb": t[-5], "sub": t[-4], "uni": t[-3]})
    return rows


def test_report_compiles_without_diagnostics(report):
    # the real report is entirely in the subset, its links are safe, its
    # budget adds up and its fonts cover its text
    assert report.result.stderr == ""


def test_report_uses_fonts(report):
    assert pdffonts_rows(report.path)


def test_every_font_is_embedded_subset_with_tounicode(report):
    for row in pdffonts_rows(report.path):
        assert (row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes"), row


def test_qpdf_check_is_clean(report):
    res = tool("qpdf", "--check", report.path, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "WARNING" not in res.stdout + res.stderr


def test_report_is_smaller_than_150_kb(report):
    size = report.path.stat().st_size
    assert size < 150_000, f"{size} bytes"


def test_report_has_a_page_per_workstream_after_cover_and_contents(report, titles):
    assert report.page_count >= 2 + len(titles)

"""Every word of a body page lies in the page's text area (styles/kcvs.xml,
page master "body"), except the running header and footer, which lie
wholly in the top and bottom margins and inside the page.

Tolerances: horizontally 0.5 pt. Vertically a tenth of the word box's
height: poppler's word boxes reach from the font's descender to its hhea
ascender (1.069 em for Noto Sans), above the em box that the typesetter
aligns to the top margin, so a first line set exactly at the margin pokes
out by 0.069 em (1.5 pt at 22 pt).
"""

import pytest

from conftest import E2E_DATA, compile_ok, hang_allowance, text_area

H_TOL = 0.5


def misplaced_words(doc, master, pages):
    bad = []
    for i in pages:
        area = text_area(i + 1, master)
        width, height = doc.bbox_pages[i]["width"], doc.bbox_pages[i]["height"]
        for w in doc.bbox_words[i]:
            b = w.box
            where = f"page {i + 1}: {w.text!r} {b}"
            hang_right = hang_allowance(w.text, "right", b.y1 - b.y0)
            hang_left = hang_allowance(w.text, "left", b.y1 - b.y0)
            if b.x1 > area.x1 + H_TOL + hang_right:
                bad.append(f"{where} beyond the right margin by {b.x1 - area.x1:.2f} pt")
            in_margin = b.y1 <= area.y0 or b.y0 >= area.y1
            if in_margin:  # running header or footer
                if not (0 <= b.x0 and b.x1 <= width and 0 <= b.y0 and b.y1 <= height):
                    bad.append(f"{where} off the page")
                continue
            v_tol = 0.1 * (b.y1 - b.y0)
            if (b.x0 < area.x0 - H_TOL - hang_left or b.y0 < area.y0 - v_tol
                    or b.y1 > area.y1 + v_tol):
                bad.append(f"{where} outside the text area {area}")
    return bad


def test_report_words_lie_in_the_text_area(report, body_master):
    bad = misplaced_words(report, body_master, range(1, report.page_count))
    assert not bad, f"{len(bad)} misplaced words:\n" + "\n".join(bad[:10])


def test_report_has_running_footers_in_the_margin(report, body_master):
    # so that the test above really exempts something: every body page has
    # its page number in the bottom margin
    for i in range(1, report.page_count):
        area = text_area(i + 1, body_master)
        folios = [w for w in report.bbox_words[i] if w.text == str(i + 1) and w.box.y0 >= area.y1]
        assert folios, f"page {i + 1}: no page number in the bottom margin"


@pytest.mark.parametrize("name", ["long-table.xml", "footnote.xml", "lists.xml"])
def test_small_document_words_lie_in_the_text_area(tmp_path, body_master, name):
    doc = compile_ok(E2E_DATA / name, tmp_path / "out.pdf")
    bad = misplaced_words(doc, body_master, range(1, doc.page_count))
    assert not bad, f"{len(bad)} misplaced words:\n" + "\n".join(bad[:10])

"""The print profile: page boxes, crop marks, CMYK only, facing pages."""
import os
import re
import shutil
import subprocess

import pikepdf
import pytest

from conftest import REPORT_XML, ROOT, compile_ok, hang_allowance, page_master, style_length

BODY = page_master("body")
A4 = (BODY["width"], BODY["height"])
BLEED = style_length("bleed")


def compile_report(out, *args):
    return compile_ok(REPORT_XML, out, *args).result


@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("print") / "report-print.pdf"
    compile_report(out, "--profile", "print")
    return out


def box(page, name):
    return [float(v) for v in page.obj[name]]


def test_boxes_nest_and_have_exact_sizes(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        for page in pdf.pages:
            media, bleed, trim = box(page, "/MediaBox"), box(page, "/BleedBox"), box(page, "/TrimBox")
            assert trim[2] - trim[0] == pytest.approx(A4[0], abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(A4[1], abs=0.01)
            for i, sign in enumerate((-1, -1, 1, 1)):
                assert bleed[i] == pytest.approx(trim[i] + sign * BLEED, abs=0.01)
            assert media[0] <= bleed[0] and media[1] <= bleed[1]
            assert media[2] >= bleed[2] and media[3] >= bleed[3]
            # room outside the bleed for the marks
            assert bleed[0] - media[0] > 5


def content_ops(page):
    return [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(page)]


def test_crop_marks_at_four_corners_in_registration_colour(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        page = pdf.pages[2]
        trim = box(page, "/TrimBox")
        ops = content_ops(page)
        # the content is translated to the trim origin: marks are drawn
        # around (0,0) .. (A4 width, A4 height) in that space
        assert any(op == "cm" and float(a[4]) == pytest.approx(trim[0], abs=0.01) for a, op in ops)
        registration = False
        corners = set()
        for i, (a, op) in enumerate(ops):
            if op == "K" and [float(x) for x in a] == [1, 1, 1, 1]:
                registration = True
            if op == "m" and registration and i + 1 < len(ops) and ops[i + 1][1] == "l":
                x0, y0 = (float(v) for v in a)
                x1, y1 = (float(v) for v in ops[i + 1][0])
                for tx in (0, A4[0]):
                    for ty in (0, A4[1]):
                        horizontal = abs(y0 - ty) < 0.01 and abs(y1 - ty) < 0.01 and \
                            min(abs(x0 - tx), abs(x1 - tx)) >= BLEED
                        vertical = abs(x0 - tx) < 0.01 and abs(x1 - tx) < 0.01 and \
                            min(abs(y0 - ty), abs(y1 - ty)) >= BLEED
                        if horizontal or vertical:
                            corners.add((tx, ty, "h" if horizontal else "v"))
        assert registration
        assert len(corners) == 8, corners


def test_no_rgb_colour_operators(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            ops = {op for _, op in content_ops(page)}
            assert not ops & {"rg", "RG"}, f"page {n} uses DeviceRGB"
            assert "k" in ops or "K" in ops


def test_text_black_is_pure_k(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        seen = set()
        for page in pdf.pages[2:]:
            for a, op in content_ops(page):
                if op == "k":
                    seen.add(tuple(round(float(x), 3) for x in a))
        assert (0.0, 0.0, 0.0, 1.0) in seen
        assert not any(c > 0 and m > 0 and y > 0 and k > 0.9 for c, m, y, k in seen)


def test_output_intent_is_pdfx_cmyk(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        intents = pdf.Root.OutputIntents
        assert str(intents[0].S) == "/GTS_PDFX"
        assert int(intents[0].DestOutputProfile.N) == 4
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        meta = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in meta


def words(pdf_path, page):
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf_path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [tuple(float(v) for v in m.groups()[:4]) + (m.group(5),) for m in
            re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_words_inside_trim_box_minus_margins(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        media = box(pdf.pages[2], "/MediaBox")
        trim = box(pdf.pages[2], "/TrimBox")
        n = len(pdf.pages)
    height = media[3]
    # pdftotext's y grows downwards from the MediaBox top
    # the smallest margins of any page (the body page's: openers and the
    # cover only have larger tops)
    left, right = trim[0] + BODY["margin-inner"], trim[2] - BODY["margin-outer"]
    top, bottom = height - trim[3] + BODY["margin-top"], height - trim[1] - BODY["margin-bottom"]
    for p in range(3, n + 1):
        for x0, y0, x1, y1, text in words(print_pdf, p):
            if y1 < top or y0 > bottom:
                continue  # running heads, folios and the slug live in the margins
            hang_left = hang_allowance(text, "left", y1 - y0)
            hang_right = hang_allowance(text, "right", y1 - y0)
            assert x0 >= left - 0.5 - hang_left and x1 <= right + 0.5 + hang_right, (p, x0, x1)


def test_facing_pages_open_workstreams_on_right_hand_pages(tmp_path):
    style = tmp_path / "facing.xml"
    text = open(os.path.join(ROOT, "styles/kcvs.xml"), encoding="utf-8").read()
    text = text.replace('<layout ', '<layout facing-pages="true" ')
    text = text.replace('toc-leader="."', 'toc-leader="." blank-page="Deze pagina is bewust leeg gelaten."')
    text = text.replace('"../fonts/', '"' + os.path.join(ROOT, "fonts") + '/')
    style.write_text(text, encoding="utf-8")
    out = tmp_path / "facing.pdf"
    compile_report(out, "--style", str(style))
    with pikepdf.open(out) as pdf:
        outline_pages = []
        with pdf.open_outline() as outline:
            for item in outline.root:
                dest = item.destination
                outline_pages.append(pdf.pages.index(pikepdf.Page(dest[0])) + 1)
    assert outline_pages and all(p % 2 == 1 for p in outline_pages), outline_pages
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "bewust leeg gelaten" in text
    # the folio (the page number at the foot) sits on the outer side
    with pikepdf.open(out) as pdf:
        width = float(pdf.pages[0].mediabox[2])
        height = float(pdf.pages[0].mediabox[3])
        count = len(pdf.pages)
    checked = 0
    for p in range(3, count + 1):
        folio = [w for w in words(out, p) if w[1] > height - BODY["margin-bottom"]]
        numbers = [w for w in folio if w[4] == str(p)]
        if not numbers:
            continue
        x_right = max(w[2] for w in numbers)
        x_left = min(w[0] for w in numbers)
        if p % 2 == 0:
            assert x_right < width / 2, (p, folio)
        else:
            assert x_right > width / 2, (p, folio)
        checked += 1
    assert checked > 5

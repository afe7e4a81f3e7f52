"""Source-document links of the report: URI link annotations (FORMAT.md:
"a URI link annotation covers exactly [the text], one rectangle per line it
spans")."""

import pytest

from conftest import DATA, covered_fraction, lines_of, pdf_rect_to_box, text_area


def rects(report):
    """(page index, annotation, top-down Box) for every URI link."""
    return [(i, a, pdf_rect_to_box(a.Rect, report.page_height(i))) for i, a in report.uri_links]


def test_uri_annotations_are_exactly_the_seed_links(report):
    uris = {str(a.A.URI) for _, a in report.uri_links}
    assert uris == set(lines_of(DATA / "seed-links.txt"))


def test_every_uri_is_7bit_ascii(report):
    for _, a in report.uri_links:
        raw = bytes(a.A.URI)
        assert all(b < 0x80 for b in raw), raw
        assert not any(b <= 0x20 or b == 0x7F for b in raw), f"unescaped space or control: {raw}"


@pytest.mark.parametrize("key, value", [("/F", 4), ("/Border", [0, 0, 0])])
def test_every_link_annotation_has(report, key, value):
    links = [(i, a) for i, a in report.annotations if a.get("/Subtype") == "/Link"]
    assert links
    for i, a in links:
        got = a.get(key)
        assert got is not None, f"page {i + 1}: link without {key}"
        got = [int(x) for x in got] if isinstance(value, list) else int(got)
        assert got == value, f"page {i + 1}: {key} {got}"


def test_every_link_annotation_has_a_struct_parent(report):
    for i, a in report.annotations:
        if a.get("/Subtype") == "/Link":
            assert "/StructParent" in a, f"page {i + 1}: link without /StructParent"


def test_link_rectangles_lie_inside_the_text_area(report, body_master):
    for i, a, box in rects(report):
        area = text_area(i + 1, body_master)
        assert box.area > 0, f"page {i + 1}: empty rectangle"
        assert (area.x0 - 0.5 <= box.x0 and box.x1 <= area.x1 + 0.5
                and area.y0 - 0.5 <= box.y0 and box.y1 <= area.y1 + 0.5), \
            f"page {i + 1}: {box} outside the text area {area} ({a.A.URI})"


def test_link_rectangles_cover_a_word(report):
    for i, a, box in rects(report):
        centres = [w for w in report.bbox_words[i] if box.contains_point(w.box.cx, w.box.cy)]
        assert centres, f"page {i + 1}: no word under the link {box} ({a.A.URI})"


def filled_path_boxes(page):
    """Bounding boxes (PDF space) of the filled paths of a page: the
    call-to-action buttons among them."""
    import pikepdf
    boxes, pts, ctm_shift = [], [], (0.0, 0.0)
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "cm":
            ctm_shift = (float(operands[4]), float(operands[5]))
        elif op in ("m", "l"):
            pts.append((float(operands[0]), float(operands[1])))
        elif op == "c":
            pts.append((float(operands[4]), float(operands[5])))
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            pts += [(x, y), (x + w, y + h)]
        elif op in ("f", "B", "f*"):
            if pts:
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                boxes.append((min(xs), min(ys), max(xs), max(ys)))
            pts = []
        elif op in ("S", "n"):
            pts = []
    return boxes


def test_link_rectangles_are_their_words_or_their_button(report):
    # A text link's rectangle covers exactly its line of text: the word
    # boxes cover well over 60% of it. A call to action is a button and the
    # whole button is clickable (house style): its rectangle is the button's
    # filled box and holds all of the call's words.
    import pikepdf
    with pikepdf.open(report.path) as pdf:
        buttons = [filled_path_boxes(p) for p in pdf.pages]
        heights = [float(p.mediabox[3]) for p in pdf.pages]
    for i, a, box in rects(report):
        fraction = covered_fraction(box, [w.box for w in report.bbox_words[i]])
        if fraction >= 0.6:
            continue
        # box is in pdftotext space (y down); buttons are in PDF space
        top, bottom = heights[i] - box.y0, heights[i] - box.y1
        match = [b for b in buttons[i] if abs(b[0] - box.x0) < 0.6 and abs(b[2] - box.x1) < 0.6
                 and abs(b[1] - bottom) < 0.6 and abs(b[3] - top) < 0.6]
        assert match, f"page {i + 1}: words cover {fraction:.0%} of {box} and it is no button ({a.A.URI})"
        inside = [w for w in report.bbox_words[i] if box.contains_point(w.box.cx, w.box.cy)]
        assert inside and all(box.x0 <= w.box.x0 and w.box.x1 <= box.x1 for w in inside)

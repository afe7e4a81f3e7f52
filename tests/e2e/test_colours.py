"""Colours in the PDF are the ones in the style sheet: every `<colour
name=… rgb="#rrggbb" cmyk="c m y k"/>` of styles/kcvs.xml (or sober.xml with
`--style sober`) gives the RGB value (/255) used under the screen and
archive profiles and the CMYK value (/100) used under the print profile.
The real report (content/report.xml) is compiled and every page content
stream walked: each rg/RG triple (k/K quadruple under print) is a style
colour within 0.001, no other colour operator appears, and nothing is
painted in a colour that was never set (the implicit initial black is not a
style colour). The one exception is the registration colour 1 1 1 1 of the
crop marks (print), allowed only for strokes that stay outside the
TrimBox. Body text is set in the style's "text" colour: the colour most
often in effect at a text-showing operator.
"""

import xml.etree.ElementTree as ET
from collections import Counter

import pikepdf
import pytest

from conftest import REPORT_XML, ROOT, compile_ok

NS = "{urn:x-kcvs-pdf:style}"
TOL = 0.001
REGISTRATION = ("cmyk", (1.0, 1.0, 1.0, 1.0))

# operator -> (what it sets, colour space); the other colour operators
# (general colour spaces) must not appear at all
SETTERS = {"rg": ("fill", "rgb"), "RG": ("stroke", "rgb"),
           "k": ("fill", "cmyk"), "K": ("stroke", "cmyk"),
           "g": ("fill", "gray"), "G": ("stroke", "gray")}
GENERAL = {"cs", "CS", "sc", "SC", "scn", "SCN"}
TEXT = {"Tj", "TJ", "'", '"'}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
PATH = {"m", "l", "c", "v", "y", "re", "h"}


def style_colours(name):
    """name -> {"rgb": (r, g, b) in 0..1, "cmyk": (c, m, y, k) in 0..1}."""
    root = ET.parse(ROOT / "styles" / f"{name}.xml").getroot()
    out = {}
    for c in root.iter(NS + "colour"):
        rgb = c.get("rgb").lstrip("#")
        out[c.get("name")] = {
            "rgb": tuple(int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)),
            "cmyk": tuple(float(v) / 100 for v in c.get("cmyk").split())}
    assert out, f"no colours in styles/{name}.xml"
    return out


def same(a, b):
    return a[0] == b[0] and len(a[1]) == len(b[1]) and all(
        abs(x - y) <= TOL for x, y in zip(a[1], b[1]))


def in_palette(colour, palette):
    return any(same(colour, p) for p in palette)


def _mul(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


class Walk:
    """What one walk over every page (and the form XObjects they draw)
    finds: `set` the colours set, as (page, operator, colour); `painted`
    (page, "text"/"fill"/"stroke", colour in effect); `strokes` (page,
    stroke colour, points of the stroked path in default user space);
    `general` the general-colour-space operators met."""

    def __init__(self, pdf):
        self.set, self.painted, self.strokes, self.general = [], [], [], []
        for i, page in enumerate(pdf.pages):
            self._stream(i, page, page.obj.Resources,
                         {"fill": ("gray", (0.0,)), "stroke": ("gray", (0.0,)),
                          "ctm": (1, 0, 0, 1, 0, 0)})

    def _stream(self, i, content, resources, gs):
        stack, path = [], []
        gs = dict(gs)
        for operands, op in pikepdf.parse_content_stream(content):
            op = str(op)
            if op == "q":
                stack.append(dict(gs))
            elif op == "Q":
                gs = stack.pop()
            elif op == "cm":
                gs["ctm"] = _mul(tuple(float(v) for v in operands), gs["ctm"])
            elif op in SETTERS:
                what, space = SETTERS[op]
                gs[what] = (space, tuple(float(v) for v in operands))
                self.set.append((i, op, gs[what]))
            elif op in GENERAL:
                self.general.append((i, op, [str(v) for v in operands]))
            elif op in PATH:
                nums = [float(v) for v in operands]
                if op == "re":
                    x, y, w, h = nums
                    nums = [x, y, x + w, y, x + w, y + h, x, y + h]
                a, b, c, d, e, f = gs["ctm"]
                path += [(a * x + c * y + e, b * x + d * y + f)
                         for x, y in zip(nums[0::2], nums[1::2])]
            elif op in TEXT:
                self.painted.append((i, "text", gs["fill"]))
            elif op == "Do":
                xo = resources.get("/XObject", {}).get(str(operands[0]))
                if xo is not None and xo.get("/Subtype") == "/Form":
                    self._stream(i, xo, xo.get("/Resources", resources), gs)
            if op in FILLS:
                self.painted.append((i, "fill", gs["fill"]))
            if op in STROKES:
                self.painted.append((i, "stroke", gs["stroke"]))
                self.strokes.append((i, gs["stroke"], path))
            if op in FILLS | STROKES | {"n"}:
                path = []


def compile_report(tmp_path_factory, *args):
    out = tmp_path_factory.mktemp("colours") / "report.pdf"
    return compile_ok(REPORT_XML, out, *args)


# (style, profile): the default profile is archive, run without --profile
CASES = [("kcvs", None), ("kcvs", "screen"), ("kcvs", "print"),
         ("sober", None), ("sober", "print")]


@pytest.fixture(scope="module", params=CASES,
                ids=[f"{s}-{p or 'default'}" for s, p in CASES])
def case(request, tmp_path_factory, report):
    style, profile = request.param
    if (style, profile) == ("kcvs", None):
        doc = report  # conftest's session compile: no --style, no --profile
    else:
        args = (["--style", style] if style != "kcvs" else []) + \
               (["--profile", profile] if profile else [])
        doc = compile_report(tmp_path_factory, *args)
    space = "cmyk" if profile == "print" else "rgb"
    colours = style_colours(style)
    return {"style": style, "profile": profile, "space": space, "colours": colours,
            "palette": [(space, c[space]) for c in colours.values()],
            "walk": Walk(doc.pdf), "pdf": doc.pdf}


def fmt(colour):
    return f"{colour[0]} " + " ".join(f"{v:g}" for v in colour[1])


def test_every_colour_set_is_a_style_colour(case):
    palette = case["palette"] + ([REGISTRATION] if case["profile"] == "print" else [])
    walk = case["walk"]
    assert walk.set, "no colour operators at all"
    wrong_space = Counter(op for _, op, c in walk.set if c[0] != case["space"])
    assert not wrong_space, f"{case['space']} output uses {dict(wrong_space)}"
    assert not walk.general, f"general colour space operators: {walk.general[:5]}"
    bad = Counter(fmt(c) for _, _, c in walk.set if not in_palette(c, palette))
    assert not bad, f"colours not in styles/{case['style']}.xml: {dict(bad)}"


def test_nothing_is_painted_in_an_unset_colour(case):
    palette = case["palette"] + ([REGISTRATION] if case["profile"] == "print" else [])
    bad = Counter((what, fmt(c)) for _, what, c in case["walk"].painted
                  if not in_palette(c, palette))
    assert not bad, f"painted in colours that are no style colour: {dict(bad)}"


def test_registration_colour_only_outside_the_trim_box(case):
    """The crop marks: strokes in 1 1 1 1, every segment wholly outside the
    TrimBox (on one side of it; touching its edge line is fine)."""
    walk, pdf = case["walk"], case["pdf"]
    registration = [(i, c) for i, _, c in walk.set if same(c, REGISTRATION)]
    if case["profile"] != "print":
        assert not registration
        return
    assert registration, "print profile without crop marks"
    assert not [p for p in walk.painted if same(p[2], REGISTRATION) and p[1] != "stroke"], \
        "something other than a stroke is painted in registration colour"
    bad = []
    for i, colour, path in walk.strokes:
        if not same(colour, REGISTRATION):
            continue
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[i].obj.TrimBox)
        for (ax, ay), (bx, by) in zip(path, path[1:]):
            outside = ((ax <= x0 + TOL and bx <= x0 + TOL) or (ax >= x1 - TOL and bx >= x1 - TOL)
                       or (ay <= y0 + TOL and by <= y0 + TOL)
                       or (ay >= y1 - TOL and by >= y1 - TOL))
            if not outside:
                bad.append(f"page {i + 1}: ({ax:.2f},{ay:.2f})-({bx:.2f},{by:.2f})")
    assert not bad, f"registration-colour strokes inside the TrimBox: {bad[:5]}"


def test_body_text_is_in_the_text_colour(case):
    text = case["walk"].painted
    counts = Counter(c for _, what, c in text if what == "text")
    assert counts, "no text drawn"
    colour, _ = counts.most_common(1)[0]
    want = (case["space"], case["colours"]["text"][case["space"]])
    assert same(colour, want), \
        f"most text is drawn in {fmt(colour)}, not the style's text colour {fmt(want)}: " \
        + ", ".join(f"{fmt(c)} x{n}" for c, n in counts.most_common())

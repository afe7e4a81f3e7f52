"""Images: `<mediaobject><imageobject><imagedata fileref=… contentwidth=…/>`
(FORMAT.md). Every PNG colour type and depth, interlaced PNG, and baseline,
progressive, greyscale and CMYK JPEG compile; the page draws an image
XObject of the file's pixel size (PNG: with the file's pixels, alpha as an
/SMask), placed in the text area with the file's aspect ratio, at
contentwidth, or at 0.75 pt a pixel (96 dpi) capped to the text width.

The image files are generated here, into images/ next to the test
document: PNG with zlib+struct, JPEG with PIL (python3-pil; the JPEG cases
are skipped without it).

Placement is read from the page content stream: the CTM (q/Q/cm) in effect
at each `Do` of an image XObject maps the unit square to the drawn box.
"""

import struct
import zlib
from pathlib import Path

import pikepdf
import pytest

from conftest import MM, compile_ok, page_master, struct_elements, text_area, tool

PT_PER_PX = 0.75        # 96 dpi
ASPECT_TOL = 0.005      # 0.5 %
LEN_TOL = 0.1           # pt
AREA_TOL = 0.01         # pt


# ---------------------------------------------------------------- PNG writer

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]  # x0, y0, dx, dy
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def _pack_row(samples, depth):
    """Samples (ints) of one scanline -> bytes, without the filter byte."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = acc << depth | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def png_bytes(width, height, colour_type, depth, pixel, palette=None, trns=None,
              interlace=False):
    """A PNG whose pixel (x, y) has the samples pixel(x, y) (a tuple, one
    per channel; a palette index for colour type 3). Filter type 0."""
    n = CHANNELS[colour_type]

    def scanlines(xs, ys):
        return b"".join(b"\0" + _pack_row([s for x in xs for s in pixel(x, y)[:n]], depth)
                        for y in ys)

    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, width, dx), range(y0, height, dy)
            if len(xs) and len(ys):
                raw += scanlines(xs, ys)
    else:
        raw = scanlines(range(width), range(height))
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(
        ">IIBBBBB", width, height, depth, colour_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        out += _chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    if trns is not None:
        out += _chunk(b"tRNS", bytes(trns))
    return out + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")


# Palettes of the palette cases.
PAL2 = [(0x00, 0x50, 0x6E), (0xE5, 0x54, 0x1B)]
PAL16 = [(i * 16, 255 - i * 16, i * 40 % 256) for i in range(16)]
PAL4 = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (20, 30, 40)]
PAL4_ALPHA = [0, 85, 170, 255]


def _rgb(x, y):
    return (x * 2 % 256, y * 3 % 256, (x + y) % 256)


def _grey(x, y):
    return (x * 3 + y * 5) % 256


def _rgb16(x, y):
    return (x * 601 % 65536, y * 907 % 65536, x * y * 37 % 65536)


# name -> (png_bytes arguments, expected RGB at (x, y), expected alpha or None, tolerance)
PNG_CASES = {
    "rgb8": (dict(width=120, height=80, colour_type=2, depth=8, pixel=_rgb),
             _rgb, None, 0),
    "rgb16": (dict(width=100, height=70, colour_type=2, depth=16, pixel=_rgb16),
              lambda x, y: tuple(v / 257 for v in _rgb16(x, y)), None, 1),
    "grey8": (dict(width=90, height=64, colour_type=0, depth=8,
                   pixel=lambda x, y: (_grey(x, y),)),
              lambda x, y: (_grey(x, y),) * 3, None, 0),
    "palette1": (dict(width=64, height=40, colour_type=3, depth=1, palette=PAL2,
                      pixel=lambda x, y: ((x // 4 + y // 4) % 2,)),
                 lambda x, y: PAL2[(x // 4 + y // 4) % 2], None, 0),
    "palette4": (dict(width=70, height=50, colour_type=3, depth=4, palette=PAL16,
                      pixel=lambda x, y: ((x + y) % 16,)),
                 lambda x, y: PAL16[(x + y) % 16], None, 0),
    "rgba8": (dict(width=80, height=60, colour_type=6, depth=8,
                   pixel=lambda x, y: _rgb(x, y) + (x * 3 % 256,)),
              _rgb, lambda x, y: x * 3 % 256, 0),
    "grey-alpha8": (dict(width=60, height=90, colour_type=4, depth=8,
                         pixel=lambda x, y: (_grey(x, y), y * 2 % 256)),
                    lambda x, y: (_grey(x, y),) * 3, lambda x, y: y * 2 % 256, 0),
    "palette-trns": (dict(width=50, height=40, colour_type=3, depth=8, palette=PAL4,
                          trns=PAL4_ALPHA, pixel=lambda x, y: ((x + y) % 4,)),
                     lambda x, y: PAL4[(x + y) % 4], lambda x, y: PAL4_ALPHA[(x + y) % 4], 0),
    # odd sizes, so that several Adam7 passes are partial
    "interlaced": (dict(width=37, height=23, colour_type=2, depth=8, pixel=_rgb,
                        interlace=True),
                   _rgb, None, 0),
}

# name -> (PIL mode, size, save options, colour components in the PDF)
JPEG_CASES = {
    "jpeg-baseline": ("RGB", (96, 64), {}, 3),
    "jpeg-progressive": ("RGB", (88, 66), {"progressive": True}, 3),
    "jpeg-grey": ("L", (72, 48), {}, 1),
    "jpeg-cmyk": ("CMYK", (64, 80), {}, 4),
}


def jpeg_bytes(mode, size, options):
    Image = pytest.importorskip("PIL.Image")
    import io
    w, h = size
    colour = {"RGB": lambda x, y: _rgb(x, y), "L": _grey,
              "CMYK": lambda x, y: (x * 4 % 256, y * 3 % 256, 0, 40)}[mode]
    img = Image.new(mode, size)
    img.putdata([colour(x, y) for y in range(h) for x in range(w)])
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **options)
    data = buf.getvalue()
    # the file is what the case says it is: SOF0 baseline, SOF2 progressive
    assert (b"\xff\xc2" in data) == bool(options.get("progressive"))
    return data


# ---------------------------------------------------------------- documents

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info>
    <title>Beelden</title>
    <orgname>Testorganisatie</orgname>{cover}
  </info>
  <section>
    <title>Een beeld</title>
    <para>Een alinea voor het beeld.</para>
{body}
    <para>Een alinea na het beeld.</para>
  </section>
</article>
"""


def media(fileref, alt, width=None):
    attr = f' contentwidth="{width}"' if width else ""
    return (f"    <mediaobject>\n      <imageobject>\n"
            f'        <imagedata fileref="{fileref}"{attr}/>\n'
            f"      </imageobject>\n"
            f"      <textobject><phrase>{alt}</phrase></textobject>\n    </mediaobject>")


def build(tmp_path, images, body, cover=""):
    """Writes IMAGES ({name: bytes}) into tmp_path/images and a document with
    BODY (and a cover); compiles it; returns the Doc."""
    (tmp_path / "images").mkdir(exist_ok=True)
    for name, data in images.items():
        (tmp_path / "images" / name).write_bytes(data)
    if cover:
        cover = f"\n    <cover>\n{cover}\n    </cover>"
    src = tmp_path / "doc.xml"
    src.write_text(DOC.format(cover=cover, body=body), encoding="utf-8")
    return compile_ok(src, tmp_path / "doc.pdf")


# ---------------------------------------------------------------- reading the PDF


def _mul(m, n):
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def placements(doc):
    """Every image drawn: list of dicts with page (0-based), xobject and
    box (x0, y0, x1, y1) in PDF user space, bottom-up."""
    out = []
    for i, page in enumerate(doc.pdf.pages):
        xobjects = page.obj.Resources.get("/XObject", pikepdf.Dictionary())
        ctm, stack = (1, 0, 0, 1, 0, 0), []
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = _mul(tuple(float(v) for v in operands), ctm)
            elif op == "Do":
                xo = xobjects.get(str(operands[0]))
                if xo is not None and xo.get("/Subtype") == "/Image":
                    pts = [(ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5])
                           for x in (0, 1) for y in (0, 1)]
                    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                    out.append({"page": i, "xobject": xo,
                                "box": (min(xs), min(ys), max(xs), max(ys))})
    return out


def the_image(doc):
    """The one image drawn in a test document body (after the cover)."""
    drawn = [p for p in placements(doc) if p["page"] > 0]
    assert len(drawn) == 1, f"expected one image drawn after the cover, found {len(drawn)}"
    return drawn[0]


def drawn_size(placed):
    x0, y0, x1, y1 = placed["box"]
    return x1 - x0, y1 - y0


def components(colour_space):
    """Number of colour components of a colour space (Indexed: 1)."""
    cs = colour_space
    if isinstance(cs, pikepdf.Array):
        kind = str(cs[0])
        if kind == "/ICCBased":
            return int(cs[1].N)
        if kind == "/Indexed":
            return 1
        raise AssertionError(f"unexpected colour space {cs!r}")
    return {"/DeviceGray": 1, "/DeviceRGB": 3, "/DeviceCMYK": 4}[str(cs)]


def rgb_samples(xobj):
    """The pixels of a Flate (or unfiltered) image XObject as RGB tuples
    (grey repeated), row by row; 8- or 16-bit (scaled to 0..255)."""
    w, h, bpc = int(xobj.Width), int(xobj.Height), int(xobj.BitsPerComponent)
    data = xobj.read_bytes()
    cs = xobj.get("/ColorSpace", pikepdf.Name("/DeviceGray"))
    lookup = None
    if isinstance(cs, pikepdf.Array) and str(cs[0]) == "/Indexed":
        assert components(cs[1]) == 3, f"indexed over {cs[1]!r}"
        table = cs[3]
        table = bytes(table.read_bytes() if isinstance(table, pikepdf.Stream) else table)
        lookup = [tuple(table[3 * i:3 * i + 3]) for i in range(len(table) // 3)]
        n = 1
    else:
        n = components(cs)
        assert n in (1, 3), f"unexpected colour space {cs!r}"
    assert bpc in (1, 2, 4, 8, 16), bpc
    stride = (w * n * bpc + 7) // 8
    assert len(data) >= stride * h, f"{len(data)} bytes of samples for {w}x{h}x{n}x{bpc}"
    pixels = []
    for y in range(h):
        row = data[y * stride:(y + 1) * stride]
        if bpc == 16:
            vals = [int.from_bytes(row[2 * k:2 * k + 2], "big") / 257 for k in range(w * n)]
        elif bpc == 8:
            vals = list(row[:w * n])
        else:
            bits = "".join(f"{byte:08b}" for byte in row)
            vals = [int(bits[k * bpc:(k + 1) * bpc], 2) for k in range(w * n)]
            if lookup is None:
                vals = [v * 255 / ((1 << bpc) - 1) for v in vals]
        for x in range(w):
            px = vals[x * n:(x + 1) * n]
            pixels.append(lookup[int(px[0])] if lookup else tuple(px) * (3 // n))
    return pixels


def mismatches(got, want, width, tol):
    bad = []
    for k, (g, e) in enumerate(zip(got, want)):
        if any(abs(a - b) > tol for a, b in zip(g, e)):
            bad.append(f"({k % width},{k // width}): {tuple(g)} != {tuple(e)}")
    return bad


def assert_placed_well(placed, width_px, height_px, doc, master="body"):
    """The drawn box keeps the file's aspect ratio and lies in the text area."""
    w, h = drawn_size(placed)
    assert w > 0 and h > 0, f"degenerate placement {placed['box']}"
    ratio, want = w / h, width_px / height_px
    assert abs(ratio / want - 1) <= ASPECT_TOL, \
        f"drawn {w:.3f} x {h:.3f} pt (ratio {ratio:.4f}), file ratio {want:.4f}"
    i = placed["page"]
    area = text_area(i + 1, page_master(master))
    ph = doc.page_height(i)
    x0, y0, x1, y1 = placed["box"]
    top, bottom = ph - y1, ph - y0  # top-down, like text_area
    assert (area.x0 - AREA_TOL <= x0 and x1 <= area.x1 + AREA_TOL
            and area.y0 - AREA_TOL <= top and bottom <= area.y1 + AREA_TOL), \
        f"page {i + 1}: image at x {x0:.2f}..{x1:.2f}, y (top-down) {top:.2f}..{bottom:.2f} " \
        f"outside the text area {area}"


def text_width(page_number=2):
    a = text_area(page_number, page_master("body"))
    return a.x1 - a.x0


# ---------------------------------------------------------------- the cases


@pytest.mark.parametrize("name", list(PNG_CASES))
def test_png_is_embedded_with_its_pixels(tmp_path, name):
    args, rgb, alpha, tol = PNG_CASES[name]
    w, h = args["width"], args["height"]
    doc = build(tmp_path, {f"{name}.png": png_bytes(**args)},
                media(f"images/{name}.png", f"Beeld {name}"))
    placed = the_image(doc)
    xo = placed["xobject"]
    assert (int(xo.Width), int(xo.Height)) == (w, h)
    want = [rgb(x, y) for y in range(h) for x in range(w)]
    bad = mismatches(rgb_samples(xo), want, w, tol)
    assert not bad, f"{len(bad)} of {w * h} pixels differ, e.g. " + "; ".join(bad[:5])
    smask = xo.get("/SMask")
    if alpha is None:
        assert smask is None, "an opaque PNG got a soft mask"
    else:
        assert smask is not None, "a PNG with transparency has no /SMask"
        assert (int(smask.Width), int(smask.Height)) == (w, h)
        got = [p[0] for p in rgb_samples(smask)]
        bad = mismatches([(g,) for g in got],
                         [(alpha(x, y),) for y in range(h) for x in range(w)], w, 0)
        assert not bad, f"{len(bad)} alpha values differ, e.g. " + "; ".join(bad[:5])
    assert_placed_well(placed, w, h, doc)


@pytest.mark.parametrize("name", list(JPEG_CASES))
def test_jpeg_is_embedded(tmp_path, name):
    mode, (w, h), options, n = JPEG_CASES[name]
    doc = build(tmp_path, {f"{name}.jpg": jpeg_bytes(mode, (w, h), options)},
                media(f"images/{name}.jpg", f"Beeld {name}"))
    placed = the_image(doc)
    xo = placed["xobject"]
    assert (int(xo.Width), int(xo.Height)) == (w, h)
    assert components(xo.ColorSpace) == n, \
        f"a {mode} JPEG embedded with colour space {xo.ColorSpace!r}"
    assert xo.get("/SMask") is None
    assert_placed_well(placed, w, h, doc)


@pytest.mark.parametrize("mode, colour, want", [
    ("RGB", (200, 40, 40), lambda rgb: all(abs(a - b) <= 25 for a, b in zip(rgb, (200, 40, 40)))),
    ("L", 80, lambda rgb: all(abs(a - 80) <= 25 for a in rgb)),
    # pure cyan ink: little red, much blue (inverted CMYK would be red or black)
    ("CMYK", (255, 0, 0, 0), lambda rgb: rgb[0] < 90 and rgb[2] > 170),
], ids=["rgb", "grey", "cmyk"])
def test_jpeg_renders_in_its_colour(tmp_path, mode, colour, want):
    """A solid JPEG, rendered by poppler, shows its colour (a CMYK JPEG
    written with an Adobe marker stores inverted samples: the PDF must say
    so with /Decode, else it renders as the complementary colour)."""
    Image = pytest.importorskip("PIL.Image")
    import io
    buf = io.BytesIO()
    Image.new(mode, (64, 64), colour).save(buf, "JPEG", quality=95)
    doc = build(tmp_path, {"solid.jpg": buf.getvalue()},
                media("images/solid.jpg", "Effen", width="60mm"))
    placed = the_image(doc)
    x0, y0, x1, y1 = placed["box"]
    page, dpi = placed["page"] + 1, 36
    prefix = tmp_path / "render"
    tool("pdftoppm", "-f", page, "-l", page, "-r", dpi, "-png", "-singlefile", doc.path, prefix)
    rendered = Image.open(f"{prefix}.png").convert("RGB")
    cx, cy = (x0 + x1) / 2 * dpi / 72, (doc.page_height(page - 1) - (y0 + y1) / 2) * dpi / 72
    rgb = rendered.getpixel((int(cx), int(cy)))
    assert want(rgb), f"a {mode} JPEG of {colour} renders as {rgb}"


QUADRANTS = {(0, 0): (230, 30, 30), (1, 0): (30, 200, 30),   # top: red, green
             (0, 1): (30, 30, 230), (1, 1): (230, 230, 30)}  # bottom: blue, yellow


def _nearest_quadrant_colour(rgb):
    return min(QUADRANTS.values(), key=lambda c: sum((a - b) ** 2 for a, b in zip(rgb, c)))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_jpeg_is_shown_the_way_its_exif_orientation_says(tmp_path, orientation):
    """A phone's picture is stored as the sensor saw it, with an EXIF
    Orientation saying how to turn it: it was placed sideways (and its
    box had the stored aspect). Poppler's rendering shows each quadrant
    where PIL's exif_transpose puts it, in a box of the turned aspect."""
    Image = pytest.importorskip("PIL.Image")
    ImageOps = pytest.importorskip("PIL.ImageOps")
    import io
    stored = Image.new("RGB", (80, 40))
    stored.putdata([QUADRANTS[(x >= 40, y >= 20)] for y in range(40) for x in range(80)])
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=95, exif=exif.tobytes())
    shown = ImageOps.exif_transpose(Image.open(io.BytesIO(buf.getvalue()))).convert("RGB")
    doc = build(tmp_path, {"foto.jpg": buf.getvalue()},
                media("images/foto.jpg", "Foto", width="40mm"))
    placed = the_image(doc)
    w, h = drawn_size(placed)
    assert abs(w / h - shown.width / shown.height) < ASPECT_TOL, (w, h, shown.size)
    x0, y0, x1, y1 = placed["box"]
    page, dpi = placed["page"] + 1, 72
    prefix = tmp_path / "render"
    tool("pdftoppm", "-f", page, "-l", page, "-r", dpi, "-png", "-singlefile", doc.path, prefix)
    rendered = Image.open(f"{prefix}.png").convert("RGB")
    top = doc.page_height(page - 1) - y1
    for fx in (0.25, 0.75):
        for fy in (0.25, 0.75):
            got = rendered.getpixel((int((x0 + fx * (x1 - x0)) * dpi / 72),
                                     int((top + fy * (y1 - y0)) * dpi / 72)))
            want = shown.getpixel((int(fx * shown.width), int(fy * shown.height)))
            assert _nearest_quadrant_colour(got) == _nearest_quadrant_colour(want), \
                (orientation, fx, fy, got, want)


def test_natural_size_is_96_dpi(tmp_path):
    args = PNG_CASES["rgb8"][0]
    doc = build(tmp_path, {"a.png": png_bytes(**args)}, media("images/a.png", "Beeld"))
    w, h = drawn_size(the_image(doc))
    assert abs(w - args["width"] * PT_PER_PX) <= LEN_TOL
    assert abs(h - args["height"] * PT_PER_PX) <= LEN_TOL


@pytest.mark.parametrize("width, mm", [("50mm", 50), ("5cm", 50), ("30mm", 30)])
def test_contentwidth_sets_the_drawn_width(tmp_path, width, mm):
    args = PNG_CASES["rgb8"][0]
    doc = build(tmp_path, {"a.png": png_bytes(**args)},
                media("images/a.png", "Beeld", width=width))
    placed = the_image(doc)
    w, _ = drawn_size(placed)
    assert abs(w - mm * MM) <= LEN_TOL, f"contentwidth {width}: drawn {w:.3f} pt"
    assert_placed_well(placed, args["width"], args["height"], doc)


@pytest.mark.parametrize("width", [None, "400mm"], ids=["natural", "contentwidth"])
def test_image_wider_than_the_text_area_gets_the_text_width(tmp_path, width):
    # 1000 px at 0.75 pt = 750 pt, wider than the 453.5 pt measure; short
    # enough that the page height never limits it
    w_px, h_px = 1000, 200
    data = png_bytes(w_px, h_px, 0, 8, lambda x, y: (x % 256,))
    doc = build(tmp_path, {"wide.png": data}, media("images/wide.png", "Breed", width=width))
    placed = the_image(doc)
    w, _ = drawn_size(placed)
    assert abs(w - text_width(placed["page"] + 1)) <= LEN_TOL, \
        f"drawn {w:.3f} pt, text width {text_width(placed['page'] + 1):.3f} pt"
    assert_placed_well(placed, w_px, h_px, doc)


def test_image_taller_than_the_page_fits_in_the_text_area(tmp_path):
    w_px, h_px = 300, 2000   # 1500 pt tall at 96 dpi
    data = png_bytes(w_px, h_px, 0, 8, lambda x, y: (y % 256,))
    doc = build(tmp_path, {"tall.png": data}, media("images/tall.png", "Hoog"))
    assert_placed_well(the_image(doc), w_px, h_px, doc)


def test_the_same_file_twice_is_embedded_once_and_drawn_twice(tmp_path):
    args = PNG_CASES["rgb8"][0]
    body = media("images/a.png", "Eerste") + "\n" + media("images/a.png", "Tweede", "40mm")
    doc = build(tmp_path, {"a.png": png_bytes(**args)}, body)
    drawn = [p for p in placements(doc) if p["page"] > 0]
    assert len(drawn) == 2
    assert drawn[0]["xobject"].objgen == drawn[1]["xobject"].objgen
    assert abs(drawn_size(drawn[1])[0] - 40 * MM) <= LEN_TOL


def _figure_alts(doc):
    """(page index, MCID) -> /Alt of the Figure element owning it."""
    out = {}
    root = doc.pdf.Root.StructTreeRoot

    def walk(e):
        k = e.get("/K")
        for kid in (list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]):
            if not isinstance(kid, pikepdf.Dictionary):
                if e.get("/S") == "/Figure":
                    out[(doc.page_index_of[e.Pg.objgen], int(kid))] = e.get("/Alt")
                continue
            if kid.get("/Type") == "/MCR" and e.get("/S") == "/Figure":
                page = kid.get("/Pg", e.get("/Pg"))
                out[(doc.page_index_of[page.objgen], int(kid.MCID))] = e.get("/Alt")
            elif "/S" in kid:
                walk(kid)
    walk(root)
    return out


def _image_mcids(doc):
    """(page index, MCID of the marked content around each image Do)."""
    out = []
    for i, page in enumerate(doc.pdf.pages):
        stack = []
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "BDC":
                props = operands[1]
                stack.append(int(props.MCID) if isinstance(props, pikepdf.Dictionary)
                             and "/MCID" in props else None)
            elif op == "BMC":
                stack.append(None)
            elif op == "EMC":
                stack.pop()
            elif op == "Do":
                out.append((i, stack[-1] if stack else None))
    return out


def test_figure_element_has_the_phrase_as_alt_text(tmp_path):
    args = PNG_CASES["rgb8"][0]
    alt = "Grafiek van de bevolking per centrumstad, 2010–2021"
    doc = build(tmp_path, {"a.png": png_bytes(**args)}, media("images/a.png", alt))
    figures = [e for e in struct_elements(doc.pdf)
               if e.get("/S") == "/Figure"]
    assert [str(f.get("/Alt")) for f in figures] == [alt]
    # and it is the Figure that owns the marked content around the Do
    owners = _figure_alts(doc)
    drawn = _image_mcids(doc)
    assert len(drawn) == 1 and drawn[0][1] is not None, f"image not in tagged content: {drawn}"
    assert str(owners.get(drawn[0])) == alt


def test_cover_image_is_on_page_1(tmp_path):
    args = PNG_CASES["rgba8"][0]
    cover = media("images/cover.png", "Omslagbeeld").replace("    <", "      <")
    doc = build(tmp_path, {"cover.png": png_bytes(**args)}, "", cover=cover)
    on_cover = [p for p in placements(doc) if p["page"] == 0]
    assert len(on_cover) == 1, f"{len(on_cover)} images on page 1"
    xo = on_cover[0]["xobject"]
    assert (int(xo.Width), int(xo.Height)) == (args["width"], args["height"])
    assert not [p for p in placements(doc) if p["page"] > 0], "the cover image is repeated"
    assert_placed_well(on_cover[0], args["width"], args["height"], doc, master="cover")
    assert "Omslagbeeld" in [str(f.get("/Alt")) for f in
                             struct_elements(doc.pdf)
                             if f.get("/S") == "/Figure"]


TALL_COVER = (600, 900)  # 450 x 675 pt at 96 dpi: taller than the cover's text area


def _tall_cover(tmp_path):
    w, h = TALL_COVER
    data = png_bytes(w, h, 0, 8, lambda x, y: ((x + y) % 256,))
    cover = media("images/cover.png", "Omslagbeeld").replace("    <", "      <")
    doc = build(tmp_path, {"cover.png": data}, "", cover=cover)
    drawn = placements(doc)
    assert len(drawn) == 1, f"{len(drawn)} images drawn"
    return doc, drawn[0]


def test_tall_cover_image_fits_in_the_cover_text_area(tmp_path):
    doc, placed = _tall_cover(tmp_path)
    assert_placed_well(placed, *TALL_COVER, doc, master="cover")


def test_tall_cover_image_stays_on_page_1(tmp_path):
    _, placed = _tall_cover(tmp_path)
    assert placed["page"] == 0, f"the cover image is on page {placed['page'] + 1}"


def _pdfa_colour_space_ok(xobj, page, intent_n):
    """PDF/A-2 6.2.4.3: a device colour space other than DeviceGray needs
    an output intent with that many components, or a Default colour space
    in the page's resources."""
    cs = xobj.ColorSpace
    if isinstance(cs, pikepdf.Array) and str(cs[0]) == "/Indexed":
        cs = cs[1]
    if isinstance(cs, pikepdf.Array):
        return str(cs[0]) == "/ICCBased"
    name = str(cs)
    default = {"/DeviceRGB": "/DefaultRGB", "/DeviceCMYK": "/DefaultCMYK"}.get(name)
    if name == "/DeviceGray":
        return True
    return (components(cs) == intent_n
            or default in page.obj.Resources.get("/ColorSpace", pikepdf.Dictionary()))


@pytest.mark.parametrize("name", list(PNG_CASES) + list(JPEG_CASES))
def test_archive_image_colour_space_suits_the_output_intent(tmp_path, name):
    """Under archive (the default) every image is valid PDF/A-2; refusing
    the image with an error at the imagedata would do as well."""
    if name in PNG_CASES:
        data, file = png_bytes(**PNG_CASES[name][0]), f"{name}.png"
    else:
        mode, size, options, _ = JPEG_CASES[name]
        data, file = jpeg_bytes(mode, size, options), f"{name}.jpg"
    doc = build(tmp_path, {file: data}, media(f"images/{file}", f"Beeld {name}"))
    intent_n = int(doc.pdf.Root.OutputIntents[0].DestOutputProfile.N)
    placed = the_image(doc)
    page = doc.pdf.pages[placed["page"]]
    assert _pdfa_colour_space_ok(placed["xobject"], page, intent_n), \
        f"{placed['xobject'].ColorSpace!r} with a {intent_n}-component output intent"

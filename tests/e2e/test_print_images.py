"""The print profile is PDF/X-4: images in the output intent's CMYK, the
document's identity in XMP, a PDF 1.6 header.

RGB images (PNG, palette PNG, JPEG) are converted to the CMYK of the ICC
profile the output intent embeds, with Little CMS. The expected samples are
computed here independently: PIL decodes the source file and PIL.ImageCms
(Little CMS too) converts it from sRGB to that profile with the style's
rendering intent and black point compensation; the PDF's samples must be
those bytes. Nothing in the file may be DeviceRGB (PDF/X-4 with a CMYK
intent). Grey images stay DeviceGray, CMYK JPEGs pass through.

One print compile of a small document with every kind of image is shared;
the variants (another style, a second run, an undecodable JPEG) compile
small documents of their own.
"""

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms

from conftest import ROOT, STYLE_XML, compile_ok, run_kcvs
from test_images import DOC, media, png_bytes

CMYK_ICC = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
INTENTS = {"perceptual": 0, "relative-colorimetric": 1, "saturation": 2,
           "absolute-colorimetric": 3}
BPC = 0x2000  # cmsFLAGS_BLACKPOINTCOMPENSATION

# Known colours: the house blue and orange, a green outside the press's
# gamut, a near-black (black point compensation shows there), white.
KNOWN = [(0, 80, 110), (229, 84, 27), (0, 255, 0), (20, 20, 20), (255, 255, 255)]


def _known_block(x, y):
    return KNOWN[(x // 8) % len(KNOWN)] if y < 8 else (x * 9 % 256, y * 13 % 256, 200)


def _jpeg(mode, size, colour):
    img = Image.new(mode, size)
    w, h = size
    img.putdata([colour(x, y) for y in range(h) for x in range(w)])
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


PAL = [(0, 80, 110), (229, 84, 27), (0, 255, 0), (250, 250, 250)]

IMAGES = {
    "rgb.png": png_bytes(40, 16, 2, 8, _known_block),
    "rgba.png": png_bytes(24, 12, 6, 8, lambda x, y: (200, x * 10 % 256, 30, y * 20 % 256)),
    "palette.png": png_bytes(16, 8, 3, 2, lambda x, y: ((x + y) % 4,), palette=PAL),
    "grey.png": png_bytes(20, 10, 0, 8, lambda x, y: ((x * 12 + y) % 256,)),
    "rgb.jpg": _jpeg("RGB", (48, 32), lambda x, y: (x * 5 % 256, 80 + y, 110)),
    "cmyk.jpg": _jpeg("CMYK", (16, 16), lambda x, y: (x * 16 % 256, 40, y * 16 % 256, 10)),
}


def write_doc(folder, images, names=None):
    """A document drawing IMAGES ({file: bytes}) in folder; returns its path."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for name, data in images.items():
        (folder / "images" / name).write_bytes(data)
    body = "\n".join(media(f"images/{n}", f"Beeld {n}", width="30mm")
                     for n in (names or images))
    src = folder / "doc.xml"
    src.write_text(DOC.format(cover="", body=body), encoding="utf-8")
    return src


def style_with(folder, **print_attrs):
    """The house style with other <print> attributes, fonts found from anywhere."""
    text = STYLE_XML.read_text(encoding="utf-8")
    text = text.replace('"../fonts/', '"' + str(ROOT / "fonts") + "/")
    for name, value in print_attrs.items():
        attr = name.replace("_", "-")
        text, n = re.subn(rf'(<print\b[^>]*\s){attr}="[^"]*"', rf'\g<1>{attr}="{value}"', text)
        assert n == 1, f"the house style's <print> has no {attr}"
    path = folder / "style.xml"
    path.write_text(text, encoding="utf-8")
    return path


def house_print_settings():
    """The rendering intent and black point compensation of styles/kcvs.xml."""
    el = ET.parse(STYLE_XML).getroot().find("{urn:x-kcvs-pdf:style}print")
    return (INTENTS[el.get("image-intent", "relative-colorimetric")],
            el.get("black-point-compensation", "true") == "true")


def lcms_cmyk(img, intent, bpc):
    """PIL's Little CMS conversion of an RGB image from sRGB to the intent's CMYK."""
    t = ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                ImageCms.getOpenProfile(CMYK_ICC), "RGB", "CMYK",
                                renderingIntent=intent, flags=BPC if bpc else 0)
    return ImageCms.applyTransform(img.convert("RGB"), t)


def image_xobjects(pdf):
    """{source file name: image XObject}, from the alternative texts' order
    of drawing: each test image is drawn once, in document order."""
    out = []
    for page in pdf.pages:
        xobjects = page.obj.Resources.get("/XObject", pikepdf.Dictionary())
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Do":
                xo = xobjects[str(operands[0])]
                if xo.get("/Subtype") == "/Image" and xo not in out:
                    out.append(xo)
    return out


def by_name(pdf, names):
    xos = image_xobjects(pdf)
    assert len(xos) == len(names), f"{len(xos)} images drawn, expected {len(names)}"
    return dict(zip(names, xos))


def filters(xo):
    f = xo.get("/Filter")
    return [str(n) for n in f] if isinstance(f, pikepdf.Array) else [str(f)]


def cmyk_samples(xo):
    assert str(xo.ColorSpace) == "/DeviceCMYK", f"colour space {xo.ColorSpace!r}"
    assert int(xo.BitsPerComponent) == 8
    data = xo.read_bytes()
    assert len(data) == int(xo.Width) * int(xo.Height) * 4
    return data


@pytest.fixture(scope="module")
def print_doc(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print-images")
    return compile_ok(write_doc(folder, IMAGES), folder / "doc.pdf", "--profile", "print")


def _walk(obj, path, seen, found):
    """Every DeviceRGB-like colour space reachable from obj."""
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
    if isinstance(obj, pikepdf.Name):
        if str(obj) in ("/DeviceRGB", "/CalRGB", "/RGB"):
            found.append(f"{path}: {obj}")
    elif isinstance(obj, pikepdf.Array):
        if len(obj) == 2 and isinstance(obj[0], pikepdf.Name) and str(obj[0]) == "/ICCBased" \
                and int(obj[1].N) == 3:
            found.append(f"{path}: an RGB ICCBased colour space")
        for i, item in enumerate(obj):
            _walk(item, f"{path}[{i}]", seen, found)
    elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for key in obj.keys():
            _walk(obj[key], f"{path}{key}", seen, found)


def rgb_colour_spaces(pdf):
    found = []
    _walk(pdf.trailer, "trailer", set(), found)
    for page in pdf.pages:  # content streams: inline images and operators
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) in ("rg", "RG", "BI"):
                found.append(f"page operator {op}")
    return found


# ---------------------------------------------------------------- colours


def test_nothing_in_a_print_pdf_is_rgb(print_doc):
    assert rgb_colour_spaces(print_doc.pdf) == []


def test_the_rgb_check_finds_rgb_in_an_archive_pdf(tmp_path):
    """The walk above is not blind: the same document as an archive PDF
    has its RGB images as DeviceRGB."""
    doc = compile_ok(write_doc(tmp_path, IMAGES), tmp_path / "doc.pdf")
    assert any("/DeviceRGB" in f for f in rgb_colour_spaces(doc.pdf))


def test_rgb_images_become_cmyk_grey_stays_grey_cmyk_passes(print_doc):
    xos = by_name(print_doc.pdf, list(IMAGES))
    for name in ("rgb.png", "rgba.png", "palette.png", "rgb.jpg"):
        assert str(xos[name].ColorSpace) == "/DeviceCMYK", name
        assert filters(xos[name]) == ["/FlateDecode"], f"{name} is not stored losslessly"
    assert str(xos["grey.png"].ColorSpace) == "/DeviceGray"
    assert str(xos["cmyk.jpg"].ColorSpace) == "/DeviceCMYK"
    assert filters(xos["cmyk.jpg"]) == ["/DCTDecode"], "a CMYK JPEG was re-encoded"


@pytest.mark.parametrize("name", ["rgb.png", "rgba.png", "palette.png"])
def test_png_samples_are_the_lcms_conversion(print_doc, name):
    intent, bpc = house_print_settings()
    want = lcms_cmyk(Image.open(io.BytesIO(IMAGES[name])), intent, bpc).tobytes()
    got = cmyk_samples(by_name(print_doc.pdf, list(IMAGES))[name])
    assert got == want


def test_a_known_colour_gets_the_cmyk_lcms_gives(print_doc):
    intent, bpc = house_print_settings()
    got = cmyk_samples(by_name(print_doc.pdf, list(IMAGES))["rgb.png"])
    for i, colour in enumerate(KNOWN):
        x = i * 8 + 3  # inside the colour's block, first row
        want = lcms_cmyk(Image.new("RGB", (1, 1), colour), intent, bpc).getpixel((0, 0))
        assert tuple(got[4 * x:4 * x + 4]) == want, colour
    white = KNOWN.index((255, 255, 255)) * 8 * 4
    assert tuple(got[white:white + 4]) == (0, 0, 0, 0), "white paper got ink"


def test_jpeg_samples_are_the_lcms_conversion(print_doc):
    intent, bpc = house_print_settings()
    decoded = Image.open(io.BytesIO(IMAGES["rgb.jpg"]))
    want = lcms_cmyk(decoded, intent, bpc).tobytes()
    got = cmyk_samples(by_name(print_doc.pdf, list(IMAGES))["rgb.jpg"])
    # libjpeg's decoders agree to the last bit at the same settings; allow
    # one level for a different IDCT build
    worst = max(abs(a - b) for a, b in zip(got, want))
    assert worst <= 1, f"samples differ by up to {worst}"


def test_alpha_stays_a_grey_soft_mask(print_doc):
    xo = by_name(print_doc.pdf, list(IMAGES))["rgba.png"]
    smask = xo.SMask
    assert str(smask.ColorSpace) == "/DeviceGray"
    want = bytes(y * 20 % 256 for y in range(12) for _ in range(24))
    assert smask.read_bytes() == want


def test_the_style_chooses_rendering_intent_and_black_point(tmp_path):
    style = style_with(tmp_path, image_intent="absolute-colorimetric",
                       black_point_compensation="false")
    src = write_doc(tmp_path, {"rgb.png": IMAGES["rgb.png"]})
    doc = compile_ok(src, tmp_path / "doc.pdf", "--profile", "print", "--style", style)
    got = cmyk_samples(by_name(doc.pdf, ["rgb.png"])["rgb.png"])
    source = Image.open(io.BytesIO(IMAGES["rgb.png"]))
    assert got == lcms_cmyk(source, 3, False).tobytes()
    assert got != lcms_cmyk(source, *house_print_settings()).tobytes()


def test_a_bad_rendering_intent_is_a_style_error(tmp_path):
    style = style_with(tmp_path, image_intent="vivid")
    src = write_doc(tmp_path, {"rgb.png": IMAGES["rgb.png"]})
    res = run_kcvs(src, "-o", tmp_path / "doc.pdf", "--profile", "print", "--style", style)
    assert res.returncode == 2, res.stderr
    assert re.search(r"style\.xml:\d+:\d+: error: .*image-intent", res.stderr), res.stderr


def test_an_rgb_jpeg_that_cannot_be_decoded_is_an_error_at_its_line(tmp_path):
    good = IMAGES["rgb.jpg"]
    cut = good[:len(good) * 2 // 3]  # headers intact, scan data cut short
    src = write_doc(tmp_path, {"cut.jpg": cut})
    out = tmp_path / "doc.pdf"
    res = run_kcvs(src, "-o", out, "--profile", "print")
    assert res.returncode == 1, res.stderr
    line = next(i for i, l in enumerate(src.read_text().splitlines(), 1) if "cut.jpg" in l)
    assert re.search(rf"doc\.xml:{line}:\d+: error: image 'images/cut\.jpg': .*JPEG", res.stderr), \
        res.stderr
    assert not out.exists()


ADOBE_RGB = Path("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc")
GREY_ICC = Path("/usr/share/color/icc/Gray.icc")


def _tagged(fmt, profile):
    """The rgb.png picture saved by PIL as FMT with an embedded ICC profile."""
    buf = io.BytesIO()
    options = {"quality": 95} if fmt == "JPEG" else {}
    Image.open(io.BytesIO(IMAGES["rgb.png"])).save(buf, fmt, icc_profile=profile, **options)
    return buf.getvalue()


@pytest.mark.parametrize("fmt, name", [("PNG", "tagged.png"), ("JPEG", "tagged.jpg")])
def test_an_embedded_rgb_profile_is_the_source_of_the_conversion(tmp_path, fmt, name):
    data = _tagged(fmt, ADOBE_RGB.read_bytes())
    doc = compile_ok(write_doc(tmp_path, {name: data}), tmp_path / "doc.pdf",
                     "--profile", "print")
    got = cmyk_samples(by_name(doc.pdf, [name])[name])
    intent, bpc = house_print_settings()
    t = ImageCms.buildTransform(ImageCms.getOpenProfile(str(ADOBE_RGB)),
                                ImageCms.getOpenProfile(CMYK_ICC), "RGB", "CMYK",
                                renderingIntent=intent, flags=BPC if bpc else 0)
    decoded = Image.open(io.BytesIO(data)).convert("RGB")
    want = ImageCms.applyTransform(decoded, t).tobytes()
    assert max(abs(a - b) for a, b in zip(got, want)) <= (0 if fmt == "PNG" else 1)
    # and not what the same pixels mean in sRGB
    assert got != lcms_cmyk(decoded, intent, bpc).tobytes()


@pytest.mark.parametrize("fmt, name, profile, message", [
    ("JPEG", "grey-tagged.jpg", GREY_ICC.read_bytes(), "not an RGB profile"),
    ("JPEG", "garbage.jpg", b"\0" * 200, "is corrupt"),
    ("PNG", "garbage.png", b"\0" * 200, "is corrupt"),
], ids=["jpeg-grey-profile", "jpeg-garbage-profile", "png-garbage-profile"])
def test_an_unusable_embedded_profile_is_an_error_at_its_line(tmp_path, fmt, name, profile,
                                                              message):
    src = write_doc(tmp_path, {name: _tagged(fmt, profile)})
    out = tmp_path / "doc.pdf"
    res = run_kcvs(src, "-o", out, "--profile", "print")
    assert res.returncode == 1, res.stderr
    line = next(i for i, l in enumerate(src.read_text().splitlines(), 1) if name in l)
    assert re.search(rf"doc\.xml:{line}:\d+: error: image 'images/{name}': .*{message}",
                     res.stderr), res.stderr
    assert not out.exists()


def test_rgb_images_are_no_longer_warned_about(print_doc):
    assert "RGB" not in print_doc.result.stderr


# ---------------------------------------------------------------- identity


def xmp(doc):
    return doc.pdf.open_metadata()


def test_header_is_pdf_1_6_for_print_1_7_for_archive(print_doc, tmp_path):
    assert print_doc.path.read_bytes()[:9] == b"%PDF-1.6\n"
    assert print_doc.pdf.pdf_version == "1.6"
    archive = compile_ok(write_doc(tmp_path, {"grey.png": IMAGES["grey.png"]}),
                         tmp_path / "archive.pdf")
    assert archive.pdf.pdf_version == "1.7"


def test_xmp_has_the_pdfx4_identifiers(print_doc):
    meta = xmp(print_doc)
    assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
    assert re.fullmatch(r"uuid:[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        meta["xmpMM:DocumentID"]), meta["xmpMM:DocumentID"]
    assert meta["xmpMM:VersionID"] == "1"
    assert meta["xmpMM:RenditionClass"] == "default"
    assert meta["pdf:Trapped"] == "False"


def test_document_id_is_derived_from_the_content(print_doc, tmp_path):
    again = compile_ok(print_doc.path.parent / "doc.xml", tmp_path / "again.pdf",
                       "--profile", "print")
    assert again.path.read_bytes() == print_doc.path.read_bytes()
    other = write_doc(tmp_path / "other", {"grey.png": IMAGES["grey.png"]})
    different = compile_ok(other, tmp_path / "other.pdf", "--profile", "print")
    assert xmp(different)["xmpMM:DocumentID"] != xmp(print_doc)["xmpMM:DocumentID"]


def test_document_id_covers_the_images(tmp_path):
    """Two documents alike but for one image's pixels are two documents."""
    ids = []
    for n, shade in enumerate((10, 11)):
        grey = png_bytes(20, 10, 0, 8, lambda x, y, shade=shade: (shade,))
        src = write_doc(tmp_path / str(n), {"grey.png": grey})
        ids.append(xmp(compile_ok(src, tmp_path / f"{n}.pdf", "--profile", "print"))
                   ["xmpMM:DocumentID"])
    assert ids[0] != ids[1]


def test_archive_pdfs_do_not_claim_pdfx(tmp_path):
    doc = compile_ok(write_doc(tmp_path, {"grey.png": IMAGES["grey.png"]}), tmp_path / "a.pdf")
    assert "pdfxid:GTS_PDFXVersion" not in xmp(doc)
    assert "xmpMM:RenditionClass" not in xmp(doc)

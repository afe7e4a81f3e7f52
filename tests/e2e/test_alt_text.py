"""Alternative text of images. Under the default profile (archive: PDF/A-2a,
tagged PDF/UA-1) an image without a `<textobject>` is an error at the
imagedata's file:line, and no PDF is written, unless the mediaobject is
`role="decorative"`: then the image is an artifact (its Do inside
`/Artifact BMC … EMC`, in no marked content with an MCID). Under
`--profile screen` the missing text is a warning. In a `<figure>` (outside
the subset: a warning) the figure's title is the alt text.
"""

import re
import struct
import zlib

import pikepdf
import pytest

from conftest import compile_ok, run_kcvs, struct_elements

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook"
         xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="nl-BE">
  <info>
    <title>Alternatieve tekst</title>
  </info>
"""
SECTION = """<section xmlns="http://docbook.org/ns/docbook" version="5.0">
    <title>Een beeld</title>
    <para>Een alinea voor het beeld.</para>
{body}
    <para>Een alinea na het beeld.</para>
  </section>
"""
NO_ALT = """    <mediaobject{attrs}>
      <imageobject>
        <imagedata fileref="images/a.png" contentwidth="40mm"/>
      </imageobject>
    </mediaobject>"""


def png(width=30, height=20):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\0" + bytes(v for x in range(width) for v in (x * 8 % 256, y * 12, 90))
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_doc(tmp_path, body, included=False):
    """The document (and, if INCLUDED, the section in sections/s.xml) with
    BODY in its one section; images/a.png next to the file holding BODY.
    Returns (source, file holding BODY)."""
    src = tmp_path / "doc.xml"
    section = SECTION.format(body=body)
    holder = src
    if included:
        (tmp_path / "sections").mkdir()
        holder = tmp_path / "sections" / "s.xml"
        holder.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + section, encoding="utf-8")
        src.write_text(HEAD + '  <xi:include href="sections/s.xml"/>\n</article>\n',
                       encoding="utf-8")
    else:
        src.write_text(HEAD + "  " + section.replace(
            ' xmlns="http://docbook.org/ns/docbook" version="5.0"', "") + "</article>\n",
            encoding="utf-8")
    (holder.parent / "images").mkdir(exist_ok=True)
    (holder.parent / "images" / "a.png").write_bytes(png())
    return src, holder


def line_of(path, needle):
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


def diag_lines(stderr, kind, file_name, line):
    """The KIND diagnostics of stderr at FILE_NAME:LINE (any folder, any column)."""
    pat = re.compile(rf"(^|/){re.escape(file_name)}:{line}:(\d+:)? {kind}: ")
    return [s for s in stderr.splitlines() if pat.search(s)]


def image_marks(doc):
    """For each image Do of the document: the marked-content stack around
    it, innermost last, as ("mcid", n) / ("artifact",) / ("other",)."""
    out = []
    for page in doc.pdf.pages:
        stack = []
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "BDC":
                props = operands[1]
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    stack.append(("mcid", int(props.MCID)))
                else:
                    stack.append(("artifact",) if str(operands[0]) == "/Artifact" else ("other",))
            elif op == "BMC":
                stack.append(("artifact",) if str(operands[0]) == "/Artifact" else ("other",))
            elif op == "EMC":
                stack.pop()
            elif op == "Do":
                out.append(list(stack))
    return out


def figure_alts(doc):
    return [e.get("/Alt") for e in struct_elements(doc.pdf) if e.get("/S") == "/Figure"]


# ---------------------------------------------------------------- archive: an error


@pytest.mark.parametrize("profile", [[], ["--profile", "archive"]], ids=["default", "archive"])
@pytest.mark.parametrize("included", [False, True], ids=["main-file", "included-file"])
def test_missing_alt_text_is_an_error_at_the_imagedata(tmp_path, profile, included):
    src, holder = write_doc(tmp_path, NO_ALT.format(attrs=""), included)
    out = tmp_path / "doc.pdf"
    res = run_kcvs(src, "-o", out, *profile, cwd=tmp_path)
    assert res.returncode == 1, f"exit {res.returncode}:\n{res.stderr}"
    errors = diag_lines(res.stderr, "error", holder.name, line_of(holder, "<imagedata"))
    assert errors, f"no error at {holder.name}:{line_of(holder, '<imagedata')}:\n{res.stderr}"
    assert any(re.search(r"alt|textobject", e, re.I) for e in errors), errors
    assert not out.exists(), "a PDF was written despite the error"
    assert not list(tmp_path.glob("*.pdf*")), list(tmp_path.iterdir())


# ---------------------------------------------------------------- decorative images


def test_decorative_image_compiles_as_an_artifact(tmp_path):
    src, _ = write_doc(tmp_path, NO_ALT.format(attrs=' role="decorative"'))
    doc = compile_ok(src, tmp_path / "doc.pdf")
    assert not re.search(r"alternative|textobject", doc.result.stderr, re.I), doc.result.stderr
    marks = image_marks(doc)
    assert len(marks) == 1, f"{len(marks)} images drawn"
    stack = marks[0]
    assert ("artifact",) in stack, f"the image's Do is not in an Artifact sequence: {stack}"
    assert not [m for m in stack if m[0] == "mcid"], f"the image's Do is in tagged content: {stack}"
    assert figure_alts(doc) == [], "a decorative image has a Figure structure element"


def test_described_image_is_not_an_artifact(tmp_path):
    # the counterpart, so that the test above tells the two apart
    body = NO_ALT.format(attrs="").replace(
        "    </mediaobject>",
        "      <textobject><phrase>Een staafdiagram</phrase></textobject>\n    </mediaobject>")
    src, _ = write_doc(tmp_path, body)
    doc = compile_ok(src, tmp_path / "doc.pdf")
    marks = image_marks(doc)
    assert len(marks) == 1 and marks[0] and marks[0][-1][0] == "mcid", marks
    assert not [m for m in marks[0] if m == ("artifact",)], marks
    assert [str(a) for a in figure_alts(doc)] == ["Een staafdiagram"]


# ---------------------------------------------------------------- screen: a warning


def test_missing_alt_text_is_a_warning_under_screen(tmp_path):
    src, holder = write_doc(tmp_path, NO_ALT.format(attrs=""))
    doc = compile_ok(src, tmp_path / "doc.pdf", "--profile", "screen")
    line = line_of(holder, "<imagedata")
    warnings = diag_lines(doc.result.stderr, "warning", holder.name, line)
    assert any(re.search(r"alt|textobject", w, re.I) for w in warnings), \
        f"no warning at {holder.name}:{line}:\n{doc.result.stderr}"
    assert not re.search(r": error: ", doc.result.stderr), doc.result.stderr
    assert len(image_marks(doc)) == 1, "the image is not drawn"


# ---------------------------------------------------------------- figure titles


FIGURE = """    <figure>
      <title>Groei van het <emphasis>aantal</emphasis> inwoners</title>
{media}
    </figure>""".format(media=NO_ALT.format(attrs="").replace("\n", "\n  ").replace(
    "    <mediaobject", "      <mediaobject", 1))


def test_figure_title_is_the_alt_text(tmp_path):
    src, holder = write_doc(tmp_path, FIGURE)
    doc = compile_ok(src, tmp_path / "doc.pdf")  # archive, the default
    stderr = doc.result.stderr
    # <figure> is part of the format now: no warning, and its title is
    # the alternative text of an image that has none of its own.
    assert "warning" not in stderr, stderr
    assert [str(a) for a in figure_alts(doc)] == ["Groei van het aantal inwoners"]
    marks = image_marks(doc)
    assert len(marks) == 1 and marks[0] and marks[0][-1][0] == "mcid", marks


# ---------------------------------------------------------------- blank alt text


def test_blank_alt_text_counts_as_missing(tmp_path):
    body = NO_ALT.format(attrs="").replace(
        "    </mediaobject>",
        "      <textobject><phrase>  </phrase></textobject>\n    </mediaobject>")
    src, holder = write_doc(tmp_path, body)
    res = run_kcvs(src, "-o", tmp_path / "doc.pdf", cwd=tmp_path)
    assert res.returncode == 1, f"exit {res.returncode}:\n{res.stderr}"
    assert diag_lines(res.stderr, "error", holder.name, line_of(holder, "<imagedata"))

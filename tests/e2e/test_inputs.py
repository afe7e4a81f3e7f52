"""Hostile inputs (issue 20): files that are not regular files, include
amplification, broken and unsupported images, the image pixel budget,
hyphenation patterns shared by language variants, SOURCE_DATE_EPOCH and
xml:base.

Every input is generated here. Each run is bounded by a CPU-time limit
(RLIMIT_CPU), so a hang or blow-up fails the test instead of the suite;
the subprocess timeout is only a safety net for a process that sleeps
(a FIFO opened without O_NONBLOCK blocks without using CPU).
"""

import io
import os
import re
import resource
import struct
import subprocess
import zlib

import pytest
from PIL import Image

from conftest import KCVS_PDF, ROOT, assert_within_cpu, cpu_limit, tool

CPU = 20          # seconds of CPU for one run (generous for the ASan build)
SAFETY_NET = 120  # seconds of wall clock before a sleeping run is killed

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Invoer</title></info>\n'
        '<section><title>Deel</title>\n')
TAIL = '</section>\n</article>\n'


def compile_in(folder, source="doc.xml", *args, env=None):
    """Compiles FOLDER/SOURCE to FOLDER/out.pdf under the CPU limit."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.update(env or {})
    try:
        r = subprocess.run([str(KCVS_PDF), source, "-o", "out.pdf", *args], cwd=folder,
                           env=full_env, capture_output=True, text=True,
                           timeout=SAFETY_NET, preexec_fn=cpu_limit(CPU))
    except subprocess.TimeoutExpired:
        pytest.fail("kcvs-pdf blocked (it sleeps without using CPU: a FIFO?)")
    assert_within_cpu(r.returncode, CPU)
    return r


def write_doc(folder, body, name="doc.xml"):
    """Writes a document whose body starts on line 5; returns the path."""
    path = folder / name
    path.write_text(HEAD + body + TAIL, encoding="utf-8")
    return path


def media(fileref):
    return ('<mediaobject><imageobject><imagedata fileref="%s"/></imageobject>'
            '<textobject><phrase>Beeld</phrase></textobject></mediaobject>\n' % fileref)


def assert_error(r, folder, where, message):
    """Exit 1, no PDF, and MESSAGE in an error at WHERE ('file:line')."""
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert not (folder / "out.pdf").exists()
    errors = [l for l in r.stderr.splitlines() if re.match(r".+:\d+:\d+: error: ", l)]
    assert any(l.startswith(where + ":") and message in l for l in errors), r.stderr


# ---- files that are not regular files -----------------------------------


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_an_image_that_is_not_a_regular_file_is_an_error_at_its_line(tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(tmp_path / "beeld.png")
    else:
        (tmp_path / "beeld.png").mkdir()
    write_doc(tmp_path, "<para>Tekst.</para>\n" + media("beeld.png"))
    r = compile_in(tmp_path)
    what = "not a regular file" if kind == "fifo" else "it is a folder"
    assert_error(r, tmp_path, "doc.xml:6", "image 'beeld.png': cannot open image file: " + what)


@pytest.mark.parametrize("kind, message", [
    ("folder", "it is a folder, not a file"),
    ("fifo", "not a regular file (a FIFO, device or socket)"),
])
def test_including_something_that_is_not_a_file_names_the_including_line(tmp_path, kind,
                                                                         message):
    sub = tmp_path / "sections"
    sub.mkdir()
    if kind == "fifo":
        os.mkfifo(sub / "deel.xml")
    else:
        (sub / "deel.xml").mkdir()
    (sub / "main.xml").write_text(
        '<section xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xi="http://www.w3.org/2001/XInclude"><title>Hoofd</title>\n'
        '<para>Tekst.</para>\n<xi:include href="deel.xml"/>\n</section>\n')
    write_doc(tmp_path, '<para>Tekst.</para>\n<xi:include href="sections/main.xml"/>\n')
    r = compile_in(tmp_path)
    assert_error(r, tmp_path, "sections/main.xml:3", f"cannot include 'deel.xml': {message}")


@pytest.mark.parametrize("kind, message", [
    ("missing", "file not found"),
    ("through-a-file", "Not a directory"),
    ("link-loop", "Too many levels of symbolic links"),
])
def test_an_include_that_cannot_be_resolved_says_why(tmp_path, kind, message):
    """Not every unresolvable path is a missing file: the cause is said."""
    href = {"missing": "sections/deel.xml", "through-a-file": "sections/deel.xml",
            "link-loop": "lus.xml"}[kind]
    if kind == "through-a-file":
        (tmp_path / "sections").write_text("een bestand, geen map\n")
    elif kind == "link-loop":
        os.symlink("lus2.xml", tmp_path / "lus.xml")
        os.symlink("lus.xml", tmp_path / "lus2.xml")
    write_doc(tmp_path, f'<para>Tekst.</para>\n<xi:include href="{href}"/>\n')
    r = compile_in(tmp_path)
    assert_error(r, tmp_path, "doc.xml:6", f"cannot include '{href}': {message}")


@pytest.mark.parametrize("kind", ["include", "image"])
def test_a_loop_of_symbolic_links_is_said_as_such_not_as_a_missing_file(tmp_path, kind):
    """deel.xml -> ander.xml -> deel.xml: the file is there, its links go
    round. Every failure to resolve a reference was said "file not found",
    which sends the editor looking for a file that exists."""
    name = "deel.xml" if kind == "include" else "beeld.png"
    (tmp_path / name).symlink_to("ander" + name[-4:])
    (tmp_path / ("ander" + name[-4:])).symlink_to(name)
    body = f'<xi:include href="{name}"/>\n' if kind == "include" else media(name)
    write_doc(tmp_path, body)
    r = compile_in(tmp_path)
    said = f"cannot include '{name}'" if kind == "include" else f"image '{name}'"
    assert_error(r, tmp_path, "doc.xml:5", f"{said}: Too many levels of symbolic links")
    assert "file not found" not in r.stderr, r.stderr


def style_with_regular_font(tmp_path, font_name):
    """A copy of the house style whose sans family's regular face is FONT_NAME
    (in the style's folder); returns the style's path and the lines of that
    <font> start tag (libxml2 places an element at its tag's last line)."""
    text = (ROOT / "styles" / "kcvs.xml").read_text(encoding="utf-8")
    text = text.replace('"../fonts/', f'"{ROOT}/fonts/')
    old = f'regular="{ROOT}/fonts/NotoSans-Regular.ttf"'
    assert old in text
    text = text.replace(old, f'regular="{font_name}"', 1)
    lines = text.splitlines()
    first = next(i for i, l in enumerate(lines, 1) if f'"{font_name}"' in l)
    last = next(i for i in range(first, len(lines) + 1) if ">" in lines[i - 1])
    style = tmp_path / "stijl.xml"
    style.write_text(text, encoding="utf-8")
    return style, range(first, last + 1)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_font_that_is_not_a_regular_file_is_an_error_naming_the_style_line(tmp_path, kind):
    if kind == "fifo":
        os.mkfifo(tmp_path / "sans.ttf")
    else:
        os.symlink("/dev/zero", tmp_path / "sans.ttf")
    style, lines = style_with_regular_font(tmp_path, "sans.ttf")
    write_doc(tmp_path, "<para>Tekst.</para>\n")
    r = compile_in(tmp_path, "doc.xml", "--style", str(style))
    assert r.returncode == 2, r.stderr
    m = re.search(r"stijl\.xml:(\d+):\d+: error: ", r.stderr)
    assert m and int(m.group(1)) in lines, r.stderr
    assert "font file 'sans.ttf': not a regular file" in r.stderr, r.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_a_font_behind_a_loop_of_symbolic_links_is_said_as_such(tmp_path):
    """sans.ttf -> ander.ttf -> sans.ttf: said "font file 'sans.ttf' not
    found" (the fallback folder, which has no such name, was the last place
    looked), sending the editor after a file that is there."""
    (tmp_path / "sans.ttf").symlink_to("ander.ttf")
    (tmp_path / "ander.ttf").symlink_to("sans.ttf")
    style, lines = style_with_regular_font(tmp_path, "sans.ttf")
    write_doc(tmp_path, "<para>Tekst.</para>\n")
    r = compile_in(tmp_path, "doc.xml", "--style", str(style))
    assert r.returncode == 2, r.stderr
    m = re.search(r"stijl\.xml:(\d+):\d+: error: font file 'sans.ttf': "
                  r"Too many levels of symbolic links$", r.stderr, re.M)
    assert m and int(m.group(1)) in lines, r.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_a_style_sheet_that_is_a_fifo_is_an_error(tmp_path):
    os.mkfifo(tmp_path / "stijl.xml")
    write_doc(tmp_path, "<para>Tekst.</para>\n")
    r = compile_in(tmp_path, "doc.xml", "--style", str(tmp_path / "stijl.xml"))
    assert r.returncode == 2, r.stderr
    assert "stijl.xml: error: cannot read style sheet: not a regular file" in r.stderr, r.stderr


# ---- include amplification ---------------------------------------------


def test_a_pipe_given_as_dev_stdin_is_said_as_a_fifo_is(tmp_path):
    """`cat report.xml | kcvs-pdf /dev/stdin`: the pipe has no name to
    resolve the source's folder from (/proc/self/fd/0 reads "pipe:[…]"),
    and the run said "cannot read the source: No such file or directory"
    about a file that plainly exists. It is said as a FIFO named as the
    source is: not a regular file, exit 1, nothing written."""
    doc = write_doc(tmp_path, "<para>Uit een pijp.</para>\n")
    r = subprocess.run([str(KCVS_PDF), "/dev/stdin", "-o", "out.pdf"], cwd=tmp_path,
                       input=doc.read_text(encoding="utf-8"), capture_output=True, text=True,
                       timeout=SAFETY_NET, preexec_fn=cpu_limit(CPU))
    assert_within_cpu(r.returncode, CPU)
    assert r.returncode == 1, r.stderr
    assert r.stderr == ("/dev/stdin: error: cannot read file: "
                        "not a regular file (a FIFO, device or socket)\n"), r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.xml"]


def test_a_self_including_file_fails_at_once_with_a_clear_message(tmp_path):
    """The 179-byte file of issue 20 that includes itself twice (it made
    ~187,000 includes before the bytes limit stopped it)."""
    doc = tmp_path / "self.xml"
    doc.write_text('<?xml version="1.0"?>\n<article xmlns="http://docbook.org/ns/docbook" '
                   'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0">'
                   '<xi:include href="self.xml"/><xi:include href="self.xml"/></article>\n')
    r = compile_in(tmp_path, "self.xml")
    assert_error(r, tmp_path, "self.xml:2", "cannot include 'self.xml': it is already "
                 "being included (an include cycle)")
    assert len(r.stderr.splitlines()) <= 2, r.stderr


def test_each_file_is_included_at_most_100_times(tmp_path):
    """No cycle, but doubling: each of seven files includes the next twice,
    so the last one would be included 2^7 = 128 times."""
    ns = ('xmlns="http://docbook.org/ns/docbook" '
          'xmlns:xi="http://www.w3.org/2001/XInclude"')
    for i in range(7):
        (tmp_path / f"d{i}.xml").write_text(
            f'<section {ns}><title>D{i}</title>\n'
            f'<xi:include href="d{i + 1}.xml"/>\n<xi:include href="d{i + 1}.xml"/>\n'
            '</section>\n')
    (tmp_path / "d7.xml").write_text(f'<para {ns}>Blad.</para>\n')
    write_doc(tmp_path, '<xi:include href="d0.xml"/>\n')
    r = compile_in(tmp_path)
    assert r.returncode == 1 and not (tmp_path / "out.pdf").exists(), r.stderr
    assert re.search(r"^d6\.xml:[23]:\d+: error: 'd7\.xml' is included more than 100 "
                     r"times \(the limit\)$", r.stderr, re.M), r.stderr
    assert r.stderr.count("included more than") == 1, r.stderr


def test_a_file_included_100_times_is_fine(tmp_path):
    (tmp_path / "blok.xml").write_text(
        '<para xmlns="http://docbook.org/ns/docbook">Herhaald blok.</para>\n')
    write_doc(tmp_path, '<xi:include href="blok.xml"/>\n' * 100)
    r = compile_in(tmp_path)
    assert r.returncode == 0, r.stderr


# ---- images: truncated, corrupt, unsupported ---------------------------


def jpeg_bytes():
    im = Image.new("RGB", (64, 48))
    im.putdata([(x * 4, y * 5, (x * y) % 256) for y in range(48) for x in range(64)])
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def sof_offset(data):
    i = data.find(b"\xff\xc0")
    assert i > 0
    return i


def with_sof(data, marker=None, precision=None, size=None):
    b = bytearray(data)
    i = sof_offset(data)
    if marker is not None:
        b[i + 1] = marker
    if precision is not None:
        b[i + 4] = precision
    if size is not None:
        w, h = size
        b[i + 5:i + 7] = h.to_bytes(2, "big")
        b[i + 7:i + 9] = w.to_bytes(2, "big")
    return bytes(b)


def soi_and_sof_only(data):
    i = sof_offset(data)
    n = int.from_bytes(data[i + 2:i + 4], "big")
    return b"\xff\xd8" + data[i:i + 2 + n]


def png_bytes():
    im = Image.new("RGB", (64, 48))
    im.putdata([(x * 4, y * 5, (x * y) % 256) for y in range(48) for x in range(64)])
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


BAD_IMAGES = {
    "first-half.jpg": (lambda: jpeg_bytes()[:len(jpeg_bytes()) // 2], "truncated JPEG file"),
    "soi-sof.jpg": (lambda: soi_and_sof_only(jpeg_bytes()), "truncated JPEG file"),
    "12-bit.jpg": (lambda: with_sof(jpeg_bytes(), precision=12),
                   "unsupported JPEG sample precision"),
    "sof9.jpg": (lambda: with_sof(jpeg_bytes(), marker=0xC9),
                 "unsupported JPEG coding (arithmetic)"),
    "lossless.jpg": (lambda: with_sof(jpeg_bytes(), marker=0xC3),
                     "unsupported JPEG coding (lossless)"),
    "stated-size.jpg": (lambda: with_sof(jpeg_bytes(), size=(19000, 5000)),
                        "corrupt JPEG data"),
    "truncated.png": (lambda: png_bytes()[:len(png_bytes()) * 2 // 3], "truncated PNG file"),
}


@pytest.mark.parametrize("name", sorted(BAD_IMAGES))
def test_a_broken_or_unsupported_image_is_an_error_at_its_line(tmp_path, name):
    make, message = BAD_IMAGES[name]
    (tmp_path / name).write_bytes(make())
    write_doc(tmp_path, "<para>Tekst.</para>\n" + media(name))
    r = compile_in(tmp_path)
    assert_error(r, tmp_path, "doc.xml:6", f"image '{name}': {message}")


def test_the_same_images_intact_compile(tmp_path):
    (tmp_path / "goed.jpg").write_bytes(jpeg_bytes())
    (tmp_path / "goed.png").write_bytes(png_bytes())
    write_doc(tmp_path, "<para>Tekst.</para>\n" + media("goed.jpg") + media("goed.png"))
    r = compile_in(tmp_path)
    assert r.returncode == 0, r.stderr
    tool("qpdf", "--check", tmp_path / "out.pdf")


# ---- image memory ------------------------------------------------------


def png16_rgba(width, height):
    """A 16-bit RGBA PNG of one repeated colour (small file, big image)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    z = zlib.compressobj(1)
    row = b"\0" + bytes([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xff, 0xff]) * width
    idat = b"".join([z.compress(row) for _ in range(height)] + [z.flush()])
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def test_five_100_megapixel_images_exceed_the_budget_before_any_is_decoded(tmp_path):
    """Five 10000x10000 16-bit RGBA PNGs (each within the per-image limit)
    took ~40 s and 2.3 GB: the third crosses the 200-megapixel budget and is
    the error, found from the headers alone (well within the CPU limit)."""
    (tmp_path / "groot1.png").write_bytes(png16_rgba(10000, 10000))
    for i in range(2, 6):
        os.link(tmp_path / "groot1.png", tmp_path / f"groot{i}.png")
    write_doc(tmp_path, "<para>Tekst.</para>\n"
              + "".join(media(f"groot{i}.png") for i in range(1, 6)))
    r = compile_in(tmp_path)
    assert_error(r, tmp_path, "doc.xml:8", "image 'groot3.png': the report's images "
                 "together exceed 200 megapixels")
    assert r.stderr.count("together exceed") == 1, r.stderr


# A child's ru_maxrss starts from the memory of the process that forked it
# (Linux keeps the high-water mark across exec), and pytest's own is larger
# than a compilation: the compiler is started from a small Python process,
# which reports the compiler's peak.
MEASURE = """
import os, resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_CPU, (int(sys.argv[1]), int(sys.argv[1]) + 1))
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_rss_mb(folder, *args):
    """Peak resident memory (MB) of one compilation of FOLDER/doc.xml."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    r = subprocess.run(["/usr/bin/python3", "-c", MEASURE, str(CPU), str(KCVS_PDF),
                        "doc.xml", "-o", "out.pdf", *args], cwd=folder, env=env,
                       capture_output=True, text=True, timeout=SAFETY_NET)
    maxrss_kb, code = map(int, r.stdout.split())
    assert_within_cpu(code, CPU)
    assert code == 0, r.stderr
    return maxrss_kb / 1024


def test_a_large_png_is_never_held_whole(tmp_path):
    """A 3000x3000 16-bit RGBA PNG is 36 MB as 8-bit RGBA samples: decoding
    it whole (and handing libharu a raw copy) took ~70 MB more than a tiny
    image; decoded a row at a time into Flate streams it takes a few MB."""
    small, large = tmp_path / "small", tmp_path / "large"
    for folder, size in ((small, 8), (large, 3000)):
        folder.mkdir()
        (folder / "beeld.png").write_bytes(png16_rgba(size, size))
        write_doc(folder, "<para>Tekst.</para>\n" + media("beeld.png"))
    extra = peak_rss_mb(large) - peak_rss_mb(small)
    assert extra < 20, f"the 9-megapixel image took {extra:.0f} MB more than a tiny one"


def test_a_large_rgb_jpeg_converted_for_print_is_never_held_whole(tmp_path):
    """Print converts RGB images to CMYK: a 3000x3000 JPEG was decoded whole
    (27 MB), converted whole (36 MB) and copied raw into libharu (36 MB);
    now each scanline is converted and compressed as it is decoded."""
    small, large = tmp_path / "small", tmp_path / "large"
    for folder, size in ((small, 8), (large, 3000)):
        folder.mkdir()
        im = Image.new("RGB", (size, size), (200, 40, 90))
        im.save(folder / "beeld.jpg", "JPEG", quality=80)
        write_doc(folder, "<para>Tekst.</para>\n" + media("beeld.jpg"))
    extra = peak_rss_mb(large, "--profile", "print") - peak_rss_mb(small, "--profile", "print")
    assert extra < 20, f"the 9-megapixel JPEG took {extra:.0f} MB more than a tiny one"


# ---- hyphenation patterns ----------------------------------------------


def test_language_variants_share_one_pattern_set(tmp_path):
    """Ten variants of one language load its patterns once (each loaded them
    again: 30-50 s and 177 MB for German). Dutch keeps the test cheap;
    Debian links hyph_nl.dic and hyph_nl_BE.dic to hyph_nl_NL.dic."""
    tags = ["nl", "nl-NL", "nl-BE", "NL-be", "nl_NL", "nl-Latn-BE", "nl-SR", "nl-AW",
            "nl-CW", "nl-x-kcvs"]
    body = "".join(f'<para xml:lang="{t}">Gemeentebesturen onderhandelen over '
                   f'stadsvernieuwingsprojecten.</para>\n' for t in tags)
    write_doc(tmp_path, body)
    r = compile_in(tmp_path, "doc.xml", "-v")
    assert r.returncode == 0, r.stderr
    assert "1 hyphenation pattern files loaded" in r.stderr, r.stderr


# ---- SOURCE_DATE_EPOCH and xml:base ------------------------------------


@pytest.mark.parametrize("value", ["253402300800", "-1", "abc", "1e9", "12 ",
                                   "99999999999999999999999"])
def test_a_source_date_epoch_outside_1970_to_9999_is_an_error(tmp_path, value):
    write_doc(tmp_path, "<para>Tekst.</para>\n")
    r = compile_in(tmp_path, env={"SOURCE_DATE_EPOCH": value})
    assert r.returncode == 2, r.stderr
    assert "SOURCE_DATE_EPOCH" in r.stderr and "1970 to 9999" in r.stderr, r.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_the_last_second_of_9999_is_a_date(tmp_path):
    write_doc(tmp_path, "<para>Tekst.</para>\n")
    r = compile_in(tmp_path, env={"SOURCE_DATE_EPOCH": "253402300799"})
    assert r.returncode == 0, r.stderr
    info = tool("pdfinfo", tmp_path / "out.pdf").stdout
    assert re.search(r"CreationDate:.*9999", info), info


def test_xml_base_in_the_source_does_not_move_diagnostics_or_references(tmp_path):
    """xml:base="/etc/" made diagnostics say /etc/:4:1; it is ignored:
    references stay relative to the file that holds them."""
    (tmp_path / "beeld.png").write_bytes(png_bytes())
    write_doc(tmp_path, '<section xml:base="/etc/"><title>Basis</title>\n'
              '<para>Zie <link linkend="nergens">daar</link>.</para>\n'
              + media("beeld.png") + '</section>\n')
    r = compile_in(tmp_path)
    assert_error(r, tmp_path, "doc.xml:6", "reference to 'nergens'")
    assert "/etc/" not in r.stderr, r.stderr
    assert "beeld.png" not in r.stderr, r.stderr

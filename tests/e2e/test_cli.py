"""The command line: help, version, usage errors, output paths, --check and
--list-links."""

import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from conftest import DATA, REPORT_XML, Doc, copy_data, lines_of, run_kcvs

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def all_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_help_exits_0_and_mentions_output():
    res = run_kcvs("--help")
    assert res.returncode == 0
    assert "--output" in res.stdout


def test_version_prints_name_and_version():
    res = run_kcvs("--version")
    assert res.returncode == 0
    assert re.fullmatch(r"kcvs-pdf \d+\.\d+(\.\d+)?\S*\n?", res.stdout), res.stdout


def test_no_source_is_a_usage_error_with_a_short_hint():
    res = run_kcvs()
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, res.stderr
    assert "--help" in res.stderr
    assert res.stdout == ""


def test_unknown_option_is_a_usage_error():
    res = run_kcvs("--no-such-option", REPORT_XML)
    assert res.returncode == 2
    assert "--no-such-option" in res.stderr


def test_output_option_writes_the_given_path(tmp_path):
    target = tmp_path / "elders" / "naam met spatie.pdf"
    target.parent.mkdir()
    res = run_kcvs(copy_data("lists.xml", tmp_path), "-o", target, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    assert all_files(tmp_path) == ["elders", "elders/naam met spatie.pdf", "lists.xml"]


def test_default_output_is_out_name_pdf_in_the_working_directory(tmp_path):
    copy_data("lists.xml", tmp_path)
    res = run_kcvs("lists.xml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out" / "lists.pdf").read_bytes().startswith(b"%PDF-")
    assert all_files(tmp_path) == ["lists.xml", "out", "out/lists.pdf"]


def test_check_exits_0_on_the_report_and_writes_no_pdf(tmp_path):
    before = all_files(REPORT_XML.parent)
    res = run_kcvs("--check", REPORT_XML, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert not list(tmp_path.rglob("*.pdf"))
    assert all_files(REPORT_XML.parent) == before


def test_check_creates_nothing_in_the_working_directory(tmp_path):
    res = run_kcvs("--check", REPORT_XML, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert all_files(tmp_path) == []


@pytest.fixture(scope="module")
def listed(report):
    """The link list, and the PDF of the same report (--list-links writes
    none) to compare it with."""
    res = run_kcvs("--list-links", REPORT_XML)
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines(), report


def source_links():
    root = ET.parse(REPORT_XML).getroot()
    hrefs = []
    for inc in root.iter("{http://www.w3.org/2001/XInclude}include"):
        part = ET.parse(REPORT_XML.parent / inc.get("href")).getroot()
        hrefs += [el.get(XLINK_HREF) for el in part.iter() if el.get(XLINK_HREF)]
    return hrefs


def test_list_links_prints_one_tab_separated_line_per_link(listed, titles):
    lines, _ = listed
    assert len(lines) == len(source_links())
    for line in lines:
        fields = line.split("\t")
        assert len(fields) == 3, line
        uri, workstream, page = fields
        assert workstream in titles, line
        assert re.fullmatch(r"\d+", page), line


def test_list_links_uris_are_the_seed_links(listed):
    lines, _ = listed
    assert {line.split("\t")[0] for line in lines} == set(lines_of(DATA / "seed-links.txt"))


def test_list_links_pages_are_where_the_annotations_are(listed):
    lines, doc = listed
    where = {}
    for i, annot in doc.uri_links:
        where.setdefault(str(annot.A.URI), set()).add(i + 1)
    for line in lines:
        uri, _, page = line.split("\t")
        assert int(page) in where.get(uri, set()), f"{uri}: listed on p. {page}, annotated on {where.get(uri)}"


def test_list_links_workstream_is_the_one_printed_on_that_page(listed, titles):
    lines, doc = listed
    starts, first = [], 2  # after cover and contents
    for title in titles:
        first = doc.heading_page(title, first)
        assert first is not None, title
        starts.append((first + 1, title))
    for line in lines:
        _, workstream, page = line.split("\t")
        current = [title for start, title in starts if start <= int(page)][-1]
        assert workstream == current, line


def test_check_with_list_links_lists_the_same(listed):
    lines, _ = listed
    res = run_kcvs("--check", "--list-links", REPORT_XML)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == lines


# ---------------------------------------------------------------- feedback

def test_a_successful_run_says_what_it_wrote(report):
    """One line on stdout (stderr stays for diagnostics), with the numbers
    a reader of the PDF finds."""
    links = len(source_links())
    assert report.result.stdout == (
        f"wrote {report.path}: {report.page_count} pages, {links} links, 0 warnings\n")


def test_the_summary_counts_warnings_and_quiet_silences_it(tmp_path):
    src = tmp_path / "w.xml"
    src.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">'
        "<info><title>T</title></info><section><title>W</title>"
        # a role the format does not define, and an xref to an untitled
        # place: two warnings that stay warnings
        '<para role="ctaa">Een <anchor xml:id="hier"/>woord en '
        '<xref linkend="hier"/>.</para></section></article>\n')
    res = run_kcvs(src, "-o", tmp_path / "w.pdf")
    assert res.returncode == 0, res.stderr
    warnings = res.stderr.count(": warning: ")
    assert warnings >= 1, res.stderr
    pages = Doc(tmp_path / "w.pdf").page_count
    assert res.stdout == (f"wrote {tmp_path / 'w.pdf'}: {pages} pages, 0 links, "
                          f"{warnings} warning{'s' if warnings > 1 else ''}\n"), res.stdout
    res = run_kcvs(src, "-q", "-o", tmp_path / "w.pdf")
    assert res.returncode == 0 and res.stdout == "", res.stdout


@pytest.mark.parametrize("odd", ["\n", "\x1b[2J", "\t"])
def test_a_file_name_with_a_control_character_stays_on_one_line(tmp_path, odd):
    """A file name may hold a newline or an escape: printed as it was, one
    problem took two lines (or cleared the terminal). Written as a C escape,
    each diagnostic and the summary is one line that names the file."""
    shown = odd.encode("unicode_escape").decode()
    broken = tmp_path / f"kapot{odd}bestand.xml"
    broken.write_text("<article>\n  <para>\n")
    res = run_kcvs(broken.name, "-o", "x.pdf", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    lines = res.stderr.splitlines()
    assert lines and all(line.startswith(f"kapot{shown}bestand.xml:") for line in lines), lines
    copy_data("lists.xml", tmp_path)
    res = run_kcvs("lists.xml", "-o", f"uit{odd}.pdf", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"wrote uit{shown}.pdf: ") and res.stdout.count("\n") == 1, \
        res.stdout
    assert (tmp_path / f"uit{odd}.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("extra", [[], ["--watch"]])
def test_output_dash_is_standard_output_for_the_dump_only(tmp_path, extra):
    """-o - is standard output for --dump-layout; for a PDF it made a file
    named "-" and printed "wrote -: …" into the pipe that wanted the PDF.
    It is a usage error, and nothing is written; ./- still names a file."""
    copy_data("lists.xml", tmp_path)
    res = run_kcvs(*extra, "lists.xml", "-o", "-", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("kcvs-pdf: error: a PDF is not written to standard output")
    assert res.stdout == "" and all_files(tmp_path) == ["lists.xml"]
    res = run_kcvs("--dump-layout", "lists.xml", "-o", "-", cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.startswith("kcvs-pdf layout, format 1")
    res = run_kcvs("lists.xml", "-o", "./-", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "-").read_bytes().startswith(b"%PDF-")


def test_output_in_a_new_folder_creates_it(tmp_path):
    copy_data("lists.xml", tmp_path)
    res = run_kcvs("lists.xml", "-o", "nieuw/2026/lists.pdf", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "nieuw" / "2026" / "lists.pdf").read_bytes().startswith(b"%PDF-")
    assert all_files(tmp_path) == ["lists.xml", "nieuw", "nieuw/2026", "nieuw/2026/lists.pdf"]


@pytest.mark.parametrize("with_output", [False, True])
def test_list_links_writes_no_pdf(tmp_path, with_output):
    copy_data("lists.xml", tmp_path)
    extra = ["-o", "x.pdf"] if with_output else []
    res = run_kcvs("--list-links", "lists.xml", *extra, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert all_files(tmp_path) == ["lists.xml"]


def test_make_report_does_not_repeat_the_summary():
    """kcvs-pdf prints 'wrote out/report.pdf: …' itself; the make target
    must not add a second 'wrote' line of its own."""
    makefile = (REPORT_XML.parent.parent / "Makefile").read_text()
    recipe = re.search(r"^report:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "no report target"
    assert "./kcvs-pdf content/report.xml" in recipe.group(1)
    assert "wrote" not in recipe.group(1), recipe.group(1)


# ---------------------------------------------------------------- -o refused

def test_output_refuses_links_to_the_source(tmp_path):
    """Compared by device and inode: a hard link or a symbolic link to the
    source is the source."""
    src = copy_data("lists.xml", tmp_path)
    before = src.read_bytes()
    (tmp_path / "hard.pdf").hardlink_to(src)
    (tmp_path / "soft.pdf").symlink_to(src)
    for name in ("hard.pdf", "soft.pdf"):
        res = run_kcvs("lists.xml", "-o", name, cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        assert f"{name}: error: cannot write the output: it is the source" in res.stderr
    assert src.read_bytes() == before
    assert all_files(tmp_path) == ["hard.pdf", "lists.xml", "soft.pdf"]


@pytest.mark.parametrize("kind", ["style", "font", "image"])
def test_output_refuses_the_style_a_font_and_an_image(tmp_path, kind):
    """The style file, a font it names (a copy beside the style) and an
    image of the document are inputs too."""
    root = REPORT_XML.parent.parent
    style = (root / "styles" / "kcvs.xml").read_text()
    font = re.search(r'regular="\.\./fonts/([^"]+)"', style).group(1)
    (tmp_path / "fonts").mkdir()
    shutil.copy(root / "fonts" / font, tmp_path / "fonts" / font)
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "kcvs.xml").write_text(style)
    Image.new("RGB", (4, 4), (200, 0, 0)).save(tmp_path / "foto.png")
    (tmp_path / "doc.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">'
        "<info><title>T</title></info><section><title>W</title><para>Tekst.</para>"
        '<mediaobject><imageobject><imagedata fileref="foto.png"/></imageobject>'
        "<textobject><phrase>Een rood vlak</phrase></textobject></mediaobject>"
        "</section></article>\n")
    ok = run_kcvs("doc.xml", "--style", "styles/kcvs.xml", "-o", "ok.pdf", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    target, what = {"style": ("styles/kcvs.xml", "the style sheet"),
                    "font": (f"fonts/{font}", "a font"),
                    "image": ("foto.png", "an image")}[kind]
    before = (tmp_path / target).read_bytes()
    res = run_kcvs("doc.xml", "--style", "styles/kcvs.xml", "-o", target, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert f"{target}: error: cannot write the output: it is {what}" in res.stderr
    assert (tmp_path / target).read_bytes() == before
    assert not [f for f in all_files(tmp_path) if "/." in f or f.startswith(".")]

"""The command line: help, version, usage errors, output paths, --check and
--list-links."""

import re
import xml.etree.ElementTree as ET

import pytest

from conftest import DATA, REPORT_XML, copy_data, lines_of, run_kcvs

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

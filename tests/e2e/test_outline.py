"""Workstreams: each top-level section of the report is a top-level
bookmark and a table-of-contents entry (page 2), both pointing at the page
where its title is printed."""

import re

import pytest

from conftest import canon

CONTENTS = 1  # 0-based index of the table-of-contents page


@pytest.fixture(scope="module")
def title_pages(report, titles):
    """Workstream title -> 0-based index of the page where it is printed as
    a heading (searched after the contents page, each after the previous)."""
    out, first = {}, CONTENTS + 1
    for title in titles:
        page = report.heading_page(title, first)
        assert page is not None, f"workstream title not printed: {title!r}"
        out[title] = page
        first = page + 1
    return out


def test_report_has_twenty_workstreams(titles):
    assert len(titles) == 20


def test_workstream_titles_are_top_level_bookmarks_in_order(report, titles):
    top = [title for title, _, _ in report.outline]
    it = iter(top)
    missing = [t for t in titles if t not in it]  # subsequence test
    assert not missing, f"not top-level bookmarks in order: {missing}; outline: {top}"


def test_bookmarks_point_at_the_page_of_their_title(report, titles, title_pages):
    dest = {title: page for title, page, _ in report.outline}
    for title in titles:
        assert dest.get(title) == title_pages[title], \
            f"{title!r}: bookmark to page {dest.get(title)}, printed on {title_pages[title]} (0-based)"


def test_every_workstream_starts_on_a_new_page(title_pages):
    pages = list(title_pages.values())
    assert len(set(pages)) == len(pages)


def toc_page_number(report, title):
    """The page number printed after TITLE's entry on the contents page: the
    rightmost number on the line of the title's last word."""
    words = [w for line in report.bbox_pages[CONTENTS]["lines"] for w in line]
    want = [t for t in (canon(x) for x in title.split()) if t]
    got = [canon(w.text) for w in words]
    for start in range(len(got) - len(want) + 1):
        if got[start:start + len(want)] == want:
            last = words[start + len(want) - 1]
            numbers = [w for w in words if re.fullmatch(r"\d+", w.text)
                       and w.box.x0 > last.box.x1 and abs(w.box.cy - last.box.cy) < 3]
            if numbers:
                return int(max(numbers, key=lambda w: w.box.x1).text)
    return None


def test_contents_page_lists_every_workstream_with_its_page(report, titles, title_pages):
    assert "Inhoud" in report.body_text(CONTENTS)
    for title in titles:
        printed = toc_page_number(report, title)
        assert printed is not None, f"no contents entry with a page number for {title!r}"
        assert printed == title_pages[title] + 1, f"{title!r}: contents says p. {printed}"


def test_contents_entries_link_to_their_workstream(report, titles, title_pages):
    targets = set()
    for i, annot in report.annotations:
        if i == CONTENTS and annot.get("/Subtype") == "/Link":
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot and annot.A.get("/S") == "/GoTo":
                dest = annot.A.D
            if dest is not None:
                targets.add(report.resolve_dest(dest))
    assert targets >= set(title_pages.values())

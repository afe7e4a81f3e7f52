"""Tagged PDF basics: marked content, the ParentTree, link objects in the
structure tree, headings, paragraphs and the budget table."""

import re

import pikepdf
import pytest

from conftest import (canon, is_struct_elem, marked_content, number_tree, own_mcids,
                      struct_descendants, struct_elements, struct_kids)


@pytest.fixture(scope="module")
def content(report):
    """Per page: (MCID -> text, untagged text operators, MCIDs in order)."""
    return [marked_content(page) for page in report.pdf.pages]


@pytest.fixture(scope="module")
def elements(report):
    return struct_elements(report.pdf)


@pytest.fixture(scope="module")
def parent_tree(report):
    return number_tree(report.pdf.Root.StructTreeRoot.ParentTree)


def element_text(report, content, elem):
    """The text of an element and its descendants, from its marked content."""
    parts = []
    for pg, mcid in own_mcids(elem):
        index = report.page_index_of.get(pg)
        if index is not None:
            parts.append(content[index][0].get(mcid, ""))
    for kid in struct_kids(elem):
        if is_struct_elem(kid):
            parts.append(element_text(report, content, kid))
    return " ".join(p for p in parts if p)


def test_every_text_operator_is_in_marked_content(content):
    for i, (_, untagged, _) in enumerate(content):
        assert not untagged, f"page {i + 1}: text outside marked content: {untagged[:3]}"


def test_pages_use_mcids(content):
    assert all(mcids for _, _, mcids in content), "a page without tagged content"


def test_mcids_are_unique_per_page(content):
    for i, (_, _, mcids) in enumerate(content):
        assert len(mcids) == len(set(mcids)), f"page {i + 1}: an MCID is used twice"


def test_parent_tree_covers_every_mcid(report, content, parent_tree):
    for i, page in enumerate(report.pdf.pages):
        mcids = content[i][2]
        if not mcids:
            continue
        assert "/StructParents" in page.obj, f"page {i + 1} has MCIDs but no /StructParents"
        entry = parent_tree.get(int(page.obj.StructParents))
        assert isinstance(entry, pikepdf.Array), f"page {i + 1}: no ParentTree array"
        assert len(entry) >= max(mcids) + 1, f"page {i + 1}: ParentTree array too short"
        for mcid in mcids:
            elem = entry[mcid]
            assert is_struct_elem(elem), f"page {i + 1}: MCID {mcid} has no structure element"
            assert (page.obj.objgen, mcid) in own_mcids(elem), \
                f"page {i + 1}: ParentTree[{mcid}] is a {elem.S} that does not own MCID {mcid}"


def test_every_link_annotation_belongs_to_a_link_element(report, parent_tree):
    links = [(i, a) for i, a in report.annotations if a.get("/Subtype") == "/Link"]
    assert links
    for i, annot in links:
        elem = parent_tree.get(int(annot.StructParent))
        assert is_struct_elem(elem) and elem.S == "/Link", \
            f"page {i + 1}: /StructParent {annot.StructParent} is not a /Link element"
        objrs = [k for k in struct_kids(elem)
                 if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
        assert any(k.Obj.objgen == annot.objgen for k in objrs), \
            f"page {i + 1}: the /Link element has no OBJR for its annotation"


def test_h1_elements_are_the_workstream_titles(report, content, elements, titles):
    h1 = [canon(element_text(report, content, e)) for e in elements if e.S == "/H1"]
    # besides the workstream titles, the cover title and the contents
    # page's title (styles: toc-title="Inhoud") may be H1 too
    optional = [canon("Jaarverslag 2021"), canon("Inhoud")]
    while h1 and h1[0] in optional:
        optional.remove(h1.pop(0))
    assert h1 == [canon(t) for t in titles]


def test_paragraph_elements_hold_the_body_text(report, content, elements):
    paras = [canon(element_text(report, content, e)) for e in elements if e.S == "/P"]
    assert any(p.startswith(canon("Het Kenniscentrum heeft in 2021 haar werking")) for p in paras)


def test_budget_is_a_table_with_rows_header_and_data_cells(report, content, elements):
    tables = [e for e in elements if e.S == "/Table"]
    budget = [t for t in tables if "397.178,17" in element_text(report, content, t)]
    assert len(budget) == 1
    below = struct_descendants(budget[0])
    kinds = [str(e.S) for e in below]
    assert kinds.count("/TR") >= 3 and kinds.count("/TH") >= 2 and kinds.count("/TD") >= 4, kinds
    th = [canon(element_text(report, content, e)) for e in below if e.S == "/TH"]
    assert canon("Omschrijving") in th and canon("Bedrag (euro)") in th
    td = [element_text(report, content, e) for e in below if e.S == "/TD"]
    assert sum(bool(re.fullmatch(r"\s*397\.178,17\s*", t)) for t in td) == 2, td

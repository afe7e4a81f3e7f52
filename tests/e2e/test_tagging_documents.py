"""The structure tree on test documents with lists, footnotes, tables and
the table of contents (PDF/UA-1)."""
import pikepdf
import pytest

from conftest import DATA, compile_ok, struct_elements_with_parents, struct_kids, struct_roles

E2E = DATA / "e2e"


def elements(pdf):
    return struct_elements_with_parents(pdf)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    cache = {}

    def get(name):
        if name not in cache:
            out = tmp_path_factory.mktemp("tags") / (name + ".pdf")
            cache[name] = pikepdf.open(compile_ok(E2E / name, out).path)
        return cache[name]
    return get


roles = struct_roles


def test_list_items_hold_a_label_then_a_body(compiled):
    pdf = compiled("lists.xml")
    items = [e for e, _ in elements(pdf) if str(e.S) == "/LI"]
    assert len(items) >= 6
    for li in items:
        assert roles(li)[:2] == ["/Lbl", "/LBody"], roles(li)
    lists = [e for e, _ in elements(pdf) if str(e.S) == "/L"]
    assert all(set(roles(l)) <= {"/LI", "/Caption", "/P"} for l in lists)
    # nesting: some list sits inside another list's item body
    assert any(str(p.S) == "/LBody" for e, p in elements(pdf) if str(e.S) == "/L" and p is not None)


def test_footnotes_are_notes_with_ids_referenced_from_their_paragraph(compiled):
    pdf = compiled("footnote.xml")
    els = elements(pdf)
    notes = [e for e, _ in els if str(e.S) == "/Note"]
    refs = [(e, p) for e, p in els if str(e.S) == "/Reference" and str(p.S) != "/TOCI"]
    assert notes and refs
    assert len({str(n.ID) for n in notes}) == len(notes)
    assert all(str(p.S) == "/P" for _, p in refs)
    # the note follows its reference in reading order: it sits in the same paragraph
    assert all(str(p.S) in ("/P", "/Document", "/Sect") for e, p in els if str(e.S) == "/Note")


def test_table_header_cells_have_a_scope(compiled):
    pdf = compiled("long-table.xml")
    th = [e for e, _ in elements(pdf) if str(e.S) == "/TH"]
    assert th
    for cell in th:
        assert str(cell.A.O) == "/Table" and str(cell.A.Scope) in ("/Column", "/Row")
    rows = [e for e, _ in elements(pdf) if str(e.S) == "/TR"]
    assert len(rows) >= 60


def test_contents_is_a_toc_of_tocis_holding_a_label_and_a_reference_to_a_link(compiled):
    pdf = compiled("xref.xml")
    tocs = [e for e, _ in elements(pdf) if str(e.S) == "/TOC"]
    assert len(tocs) == 1
    assert roles(tocs[0]) and set(roles(tocs[0])) == {"/TOCI"}
    for toci in struct_kids(tocs[0]):
        # ISO 32000-1 Table 333: a TOCI holds Lbl, Reference, NonStruct, P, TOC
        assert roles(toci) == ["/Lbl", "/Reference"]
        assert roles(struct_kids(toci)[1]) == ["/Link"]
    assert all(str(p.Tabs) == "/S" for p in pdf.pages)

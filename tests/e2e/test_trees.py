"""Number and name trees, and documents as big as the limits allow.

Readers (pdf.js, qpdf, poppler) find a key of a number or name tree by
bisection, guided by /Limits: an unsorted tree silently hides most of the
structure. So every tree is checked here the way a reader meets it: keys
ascending across all leaves, /Limits bounding each subtree, every leaf at
one depth, small nodes, and every key found again by a bisecting lookup.

The big documents (10,000 sections with 16,000 links and 16,000 footnotes;
a table of 33,000 rows) are generated at test time and compiled once per
module; they are left out under the sanitizer build, where they take
minutes (the same code paths run there on the small documents).
"""

import os
import re
import struct
import zlib

import pikepdf
import pytest

from conftest import (KCVS_PDF, compile_ok, is_struct_elem, marked_content,
                      own_mcids, run_kcvs, struct_kids)

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Bomen</title></info>\n')
TAIL = "</article>\n"

# What the trees may hold per node: kcvs-pdf writes 64; far below libharu's
# 32,767-element arrays, which is what matters.
MAX_NODE = 64
MAX_KIDS = 8191 + 64  # a /K array: the limit plus one kid per overflow group

slow_under_asan = pytest.mark.skipif(
    "asan" in KCVS_PDF.name, reason="big documents take minutes under ASan")


# ---------------------------------------------------------------- reading trees


def _key(obj, names):
    return bytes(obj) if names else int(obj)


def tree_entries(root, names=False):
    """Walks a number tree (names=False) or name tree; returns (entries,
    problems): the (key, where) pairs in the order a reader meets them
    (value(where) is the value) and what breaks the rules of ISO 32000-1
    §7.9.6/7 or our node sizes."""
    leaf_key = "/Names" if names else "/Nums"
    entries, problems, depths = [], [], set()

    def walk(node, depth, is_root):
        pairs, kids = node.get(leaf_key), node.get("/Kids")
        if (pairs is None) == (kids is None):
            problems.append(f"node at depth {depth} has {'both' if pairs else 'neither'} "
                            f"{leaf_key} and /Kids")
            return None
        if pairs is not None:
            depths.add(depth)
            if len(pairs) > 2 * MAX_NODE or len(pairs) % 2:
                problems.append(f"leaf with {len(pairs)} array elements")
            # keys only: touching the values would load every object
            keys = [_key(pairs[i], names) for i in range(0, len(pairs), 2)]
            entries.extend((k, (pairs, i * 2 + 1)) for i, k in enumerate(keys))
        else:
            if len(kids) > MAX_NODE:
                problems.append(f"node with {len(kids)} kids")
            keys = []
            for kid in kids:
                if not kid.is_indirect:
                    problems.append("a /Kids entry that is not an indirect reference")
                span = walk(kid, depth + 1, False)
                if span:
                    keys += list(span)
        if not keys:
            return None
        limits = node.get("/Limits")
        if is_root:
            if limits is not None:
                problems.append("the root has /Limits")
        elif limits is None or [_key(limits[0], names), _key(limits[1], names)] != [keys[0], keys[-1]]:
            problems.append(f"/Limits {limits} do not bound keys {keys[0]}..{keys[-1]}")
        return keys[0], keys[-1]

    walk(root, 0, True)
    keys = [k for k, _ in entries]
    disorder = [(a, b) for a, b in zip(keys, keys[1:]) if not a < b]
    if disorder:
        problems.append(f"{len(disorder)} keys out of order, first {disorder[0]}")
    if len(depths) > 1:
        problems.append(f"leaves at depths {sorted(depths)}: not balanced")
    return entries, problems


def tree_lookup(node, key, names=False):
    """A reader's lookup: bisection over /Kids by /Limits, then over the
    leaf's pairs. None when the key is not found."""
    leaf_key = "/Names" if names else "/Nums"
    for _ in range(64):
        kids = node.get("/Kids")
        if kids is None:
            break
        lo, hi, found = 0, len(kids) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            limits = kids[mid].Limits
            if key < _key(limits[0], names):
                hi = mid - 1
            elif key > _key(limits[1], names):
                lo = mid + 1
            else:
                found = kids[mid]
                break
        if found is None:
            return None
        node = found
    pairs = node.get(leaf_key, [])
    lo, hi = 0, len(pairs) // 2 - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        k = _key(pairs[2 * mid], names)
        if k == key:
            return pairs[2 * mid + 1]
        lo, hi = (mid + 1, hi) if k < key else (lo, mid - 1)
    return None


def value(where):
    array, index = where
    return array[index]


def check_tree(root, names=False, sample=1):
    """Asserts the tree's rules; looks every sample-th key (and the last)
    up by bisection. Returns the entries."""
    entries, problems = tree_entries(root, names)
    assert not problems, problems
    probe = entries[::sample] + entries[-1:]
    missed = [k for k, _ in probe if tree_lookup(root, k, names) is None]
    assert not missed, f"{len(missed)} keys not found by bisection, e.g. {missed[:5]}"
    return entries


def check_annotations_reachable(pdf, pages=None):
    """Every link annotation's /StructParent leads, by bisection, to the
    element whose /K holds an OBJR of that annotation."""
    tree = pdf.Root.StructTreeRoot.ParentTree
    count = 0
    for page in pages if pages is not None else pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            elem = tree_lookup(tree, int(annot.StructParent))
            assert elem is not None, f"StructParent {annot.StructParent} not in the ParentTree"
            objrs = [k for k in struct_kids(elem)
                     if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            assert any(k.Obj.objgen == annot.objgen for k in objrs), \
                f"StructParent {annot.StructParent}: {elem.S} holds no OBJR of the annotation"
            count += 1
    return count


def check_mcids_reachable(pdf, pages):
    """Every marked-content sequence of the pages leads, through the page's
    /StructParents and the ParentTree, to the element that owns it."""
    tree = pdf.Root.StructTreeRoot.ParentTree
    count = 0
    for page in pages:
        _, _, mcids = marked_content(page)
        if not mcids:
            continue
        arr = tree_lookup(tree, int(page.obj.StructParents))
        assert isinstance(arr, pikepdf.Array), f"page key {page.obj.StructParents}: no array"
        for mcid in mcids:
            elem = arr[mcid]
            assert (page.obj.objgen, mcid) in own_mcids(elem), \
                f"MCID {mcid}: the ParentTree names a {elem.S} that does not own it"
            count += 1
    return count


def elements(pdf):
    out, stack = [], list(struct_kids(pdf.Root.StructTreeRoot))
    while stack:
        e = stack.pop()
        if is_struct_elem(e):
            out.append(e)
            stack.extend(struct_kids(e))
    return out


# ---------------------------------------------------------------- the real report


def test_report_parent_tree_is_sorted_and_every_mcid_and_link_is_reachable(report):
    check_tree(report.pdf.Root.StructTreeRoot.ParentTree)
    assert check_mcids_reachable(report.pdf, report.pdf.pages) > 100
    assert check_annotations_reachable(report.pdf) > 10


def test_footnotes_have_ids_in_a_sorted_idtree(tmp_path):
    # 60 notes: their IDs go from two to three digits, and "note-100"
    # sorts before "note-99" in byte order, so the order of first use is
    # not the order of the tree.
    body = "".join(f"<para>Zin {i}<footnote><para>Noot {i}.</para></footnote>.</para>\n"
                   for i in range(60))
    src = tmp_path / "notes.xml"
    src.write_text(HEAD + "<section><title>Noten</title>\n" + body + "</section>\n" + TAIL,
                   encoding="utf-8")
    doc = compile_ok(src, tmp_path / "notes.pdf")
    root = doc.pdf.Root.StructTreeRoot
    assert "/IDTree" in root, "elements carry /ID but there is no /IDTree"
    entries = check_tree(root.IDTree, names=True)
    with_id = [e for e in elements(doc.pdf) if "/ID" in e]
    assert len(with_id) == len(entries) == 60
    for e in with_id:
        found = tree_lookup(root.IDTree, bytes(e.ID), names=True)
        assert found is not None and found.objgen == e.objgen, f"/ID {e.ID} not in the IDTree"


def test_without_ids_there_is_no_idtree(report):
    assert not any("/ID" in e for e in elements(report.pdf))
    assert "/IDTree" not in report.pdf.Root.StructTreeRoot


# ---------------------------------------------------------------- big documents


def big_document():
    """10,000 workstreams (sections) holding 16,000 paragraphs, each with a
    link and a footnote."""
    parts = [HEAD]
    for s in range(10000):
        parts.append(f"<section><title>Werkspoor {s}</title>\n")
        for p in (s, s + 10000) if s < 6000 else (s,):
            parts.append(f'<para>Zin {p} <link xlink:href="https://example.org/d/{p}">bron {p}'
                         f"</link><footnote><para>Noot {p}.</para></footnote>.</para>\n")
        parts.append("</section>\n")
    parts.append(TAIL)
    return "".join(parts)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("big")
    (d / "big.xml").write_text(big_document(), encoding="utf-8")
    return compile_ok(d / "big.xml", d / "big.pdf")


@slow_under_asan
def test_10000_sections_16000_links_16000_footnotes_compile(big):
    assert big.result.returncode == 0
    assert big.page_count > 10000


def containers(pdf, role):
    """The elements of a role found below the StructTreeRoot through
    Document, Sect and NonStruct only (cheap: never into paragraphs or
    rows), in order."""
    out, stack = [], list(reversed(struct_kids(pdf.Root.StructTreeRoot)))
    while stack:
        e = stack.pop()
        if not is_struct_elem(e):
            continue
        if e.S == role:
            out.append(e)
        elif e.S in ("/Document", "/Sect", "/NonStruct"):
            stack.extend(reversed(struct_kids(e)))
    return out


@slow_under_asan
def test_big_parent_tree_is_sorted_balanced_and_complete(big):
    pdf = big.pdf
    entries = check_tree(pdf.Root.StructTreeRoot.ParentTree, sample=97)
    assert len(entries) > 16000 + 10000
    pages = list(pdf.pages)
    sample = pages[2:12] + pages[5000:5010] + pages[-10:]
    assert check_annotations_reachable(pdf, sample) >= 20
    assert check_mcids_reachable(pdf, sample) > 50


@slow_under_asan
def test_big_idtree_holds_every_footnote(big):
    root = big.pdf.Root.StructTreeRoot
    entries = check_tree(root.IDTree, names=True, sample=97)
    assert len(entries) == 16000
    for key, where in entries[::997]:
        note = value(where)
        assert note.S == "/Note" and bytes(note.ID) == key


@slow_under_asan
def test_big_outline_and_structure_arrays(big):
    pdf = big.pdf
    n, item = 0, pdf.Root.Outlines.get("/First")
    while item is not None:
        n += 1
        item = item.get("/Next")
    assert n == 10000
    document = struct_kids(pdf.Root.StructTreeRoot)[0]
    assert len(struct_kids(document)) <= MAX_KIDS
    assert len(containers(pdf, "/Sect")) == 10000
    # the page tree: no node with more than 256 kids
    stack = [pdf.Root.Pages]
    while stack:
        node = stack.pop()
        assert len(node.Kids) <= 256
        stack += [k for k in node.Kids if k.Type == "/Pages"]


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    d = tmp_path_factory.mktemp("rows")
    body = "".join(f"<row><entry>rij {i}</entry><entry>{i}</entry></row>\n" for i in range(33000))
    (d / "rows.xml").write_text(
        HEAD + '<section><title>Tabel</title>\n<table><title>Rijen</title><tgroup cols="2">'
        "<thead><row><entry>Naam</entry><entry>Nummer</entry></row></thead><tbody>\n"
        + body + "</tbody></tgroup></table></section>\n" + TAIL, encoding="utf-8")
    return compile_ok(d / "rows.xml", d / "rows.pdf")


@slow_under_asan
def test_a_table_of_33000_rows_compiles_as_a_valid_table(rows):
    tables = containers(rows.pdf, "/Table")
    assert len(tables) == 1
    kids = [k for k in struct_kids(tables[0]) if is_struct_elem(k)]
    roles = [str(k.S) for k in kids]
    assert set(roles) <= {"/Caption", "/THead", "/TBody"} and roles.count("/THead") == 1
    bodies = [k for k in kids if k.S == "/TBody"]
    assert len(bodies) > 1, "33,000 rows in one TBody: more than libharu's array holds"
    sizes = [len(b.K) for b in bodies]
    assert max(sizes) <= MAX_KIDS and sum(sizes) == 33000
    assert all(b.K[0].S == "/TR" and b.K[len(b.K) - 1].S == "/TR" for b in bodies)
    check_tree(rows.pdf.Root.StructTreeRoot.ParentTree)


# ---------------------------------------------------------------- real limits


def test_a_70000_character_uri_fails_early_naming_line_and_limit(tmp_path):
    src = tmp_path / "doc.xml"
    src.write_text(HEAD + "<section><title>U</title>\n<para>Zie\n"
                   f'<link xlink:href="https://example.org/{"a" * 70000}">hier</link>.</para>'
                   "</section>\n" + TAIL, encoding="utf-8")
    out = tmp_path / "doc.pdf"
    res = run_kcvs(src, "-o", out, "-v")
    assert res.returncode == 1, res.stderr
    assert re.search(r"doc\.xml:6:\d+: error: a link address of 70020 bytes .*limit is 32767",
                     res.stderr), res.stderr
    # before any layout or PDF work
    assert "kcvs-pdf: layout" not in res.stderr and "kcvs-pdf: emit" not in res.stderr
    assert not out.exists()


def tiny_png():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + b"\x80\x40\x20" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def figure_with_alt(tmp_path, alt):
    (tmp_path / "dot.png").write_bytes(tiny_png())
    src = tmp_path / "doc.xml"
    src.write_text(HEAD + "<section><title>Beeld</title>\n<mediaobject><imageobject>"
                   '<imagedata fileref="dot.png"/></imageobject>\n'
                   f"<textobject><phrase>{alt}</phrase></textobject></mediaobject></section>\n"
                   + TAIL, encoding="utf-8")
    return src, tmp_path / "doc.pdf"


def test_alternative_text_past_the_pdf_string_limit_fails_early(tmp_path):
    # 19,999 characters (é and spaces): 40,000 bytes as UTF-16 with its BOM.
    src, out = figure_with_alt(tmp_path, " ".join(["é" * 9] * 2000))
    res = run_kcvs(src, "-o", out, "-v")
    assert res.returncode == 1, res.stderr
    assert re.search(r"doc\.xml:6:\d+: error: alternative text of 40000 bytes in the PDF "
                     r"\(the limit is 32767\)", res.stderr), res.stderr
    assert "kcvs-pdf: layout" not in res.stderr and not out.exists()


def test_alternative_text_within_the_limit_compiles(tmp_path):
    src, out = figure_with_alt(tmp_path, " ".join(["a" * 9] * 3000))  # 29,999 bytes
    compile_ok(src, out)


def test_a_libharu_error_names_the_output_and_its_first_cause(tmp_path):
    # A section title beyond libharu's 65,535-byte strings cannot be
    # written into the outline (the one string not checked before layout).
    title = " ".join(f"woord{i:05d}" for i in range(7000))
    src = tmp_path / "doc.xml"
    src.write_text(HEAD + "<section><title>Kort</title><para>Tekst.</para>"
                   f"<section><title>{title}</title><para>Tekst.</para></section></section>\n"
                   + TAIL, encoding="utf-8")
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"%PDF earlier")
    res = run_kcvs(src, "-o", out)
    assert res.returncode == 2, res.stderr
    assert f"{out}: error: cannot write the PDF: libharu error 0x105B " \
           "(a string longer than 65535 bytes, detail 0) while writing the outline" \
           in res.stderr, res.stderr
    assert ".doc.pdf." not in res.stderr  # never the temporary file
    assert out.read_bytes() == b"%PDF earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.pdf", "doc.xml"]

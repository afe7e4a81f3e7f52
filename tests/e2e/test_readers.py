"""The tagged PDF as real readers meet it, on every document of the corpus
(the real report, the editors' guide, ../shared/real-docbook/, the test
documents under tests/data, the sober style and the print profile):

- pdf.js (Firefox's viewer; npm pdfjs-dist, legacy build, run with node,
  installed into tests/js by tests/js/install.sh): its getStructTree reaches
  every marked-content sequence of every page (an unsorted ParentTree hides
  most of them: pdf.js looks keys up by bisection), and getAnnotations finds
  every link annotation with its URL or destination;
- poppler (`pdfinfo -struct-text`, which walks the structure tree): tables,
  the contents and the paragraphs read in source order — every row's cells
  in column order, every contents entry as number, title, page, every
  paragraph after the one before it in the source;
- text extraction gives the whole word where line breaking hyphenated it
  (poppler's pdftotext in raw and layout mode, which follow ActualText), and
  the structure text has a word separator at every line end.

Each document is compiled once and read once by each reader.
"""
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementInclude as EI
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest

from conftest import (DATA, DB, ROOT, SECTION_TAGS, canon, compile_ok, is_struct_elem, marked_content,
                      struct_kids, tool, xml_text)

REAL = Path(os.environ.get("KCVS_REAL_DOCBOOK", ROOT.parent / "shared" / "real-docbook"))
JS = ROOT / "tests" / "js"
INVALID = {"budget-wrong.xml"}  # test documents that must not compile


def corpus():
    docs = [("report", ROOT / "content" / "report.xml", ()),
            ("report-sober", ROOT / "content" / "report.xml", ("--style", "sober")),
            ("report-print", ROOT / "content" / "report.xml", ("--profile", "print")),
            ("guide", ROOT / "docs" / "guide.xml", ()),
            ("guide-sober", ROOT / "docs" / "guide.xml", ("--style", "sober"))]
    docs += [(f"data-{p.stem}", p, ()) for p in sorted((DATA / "e2e").glob("*.xml"))
             if p.name not in INVALID]
    # the readers' book (every part split over pages) in the other style
    # and the print profile too
    book = DATA / "e2e" / "readers-book.xml"
    docs += [("data-readers-book-sober", book, ("--style", "sober")),
             ("data-readers-book-print", book, ("--profile", "print"))]
    if REAL.is_dir():
        docs += [(f"real-{p.name.removesuffix('.expect.json')}",
                  REAL / json.loads(p.read_text())["input"], ())
                 for p in sorted(REAL.glob("*.expect.json"))]
    return docs


CORPUS = corpus()
NAMES = [name for name, _, _ in CORPUS]


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory):
    """Every corpus document compiled once: name -> (source, PDF path)."""
    out = tmp_path_factory.mktemp("readers")
    return {name: (src, compile_ok(src, out / f"{name}.pdf", *extra).path)
            for name, src, extra in CORPUS}


@pytest.fixture(scope="session")
def pdfjs(pdfs):
    """What pdf.js reads in every corpus PDF: name -> pages (one node run)."""
    if not shutil.which("node"):
        pytest.fail("node is missing: `make test-deps` installs nodejs")
    if not (JS / "node_modules" / "pdfjs-dist").is_dir():
        subprocess.run(["sh", str(JS / "install.sh")], check=True)
    paths = [str(p) for _, p in pdfs.values()]
    res = subprocess.run(["node", str(JS / "read_pdf.mjs"), *paths], capture_output=True,
                         text=True, timeout=600, cwd=JS)
    assert res.returncode == 0, res.stderr
    read = json.loads(res.stdout)
    return {name: read[str(p)] for name, (_, p) in pdfs.items()}


# ---------------------------------------------------------------- pdf.js


@pytest.mark.parametrize("name", NAMES)
def test_pdfjs_structure_tree_reaches_every_marked_content_sequence(pdfjs, name):
    doc = pdfjs[name]
    assert "error" not in doc, doc.get("error")
    marked = sum(len(p["marked"]) for p in doc["pages"])
    assert marked > 0
    missed = {p["page"]: sorted(set(p["marked"]) - set(p["content"]))
              for p in doc["pages"] if set(p["marked"]) - set(p["content"])}
    reached = marked - sum(len(m) for m in missed.values())
    assert not missed, (f"pdf.js getStructTree reaches {reached} of {marked} marked-content "
                        f"sequences; missed (page: ids): {dict(list(missed.items())[:5])}")


def link_annotations(path):
    """Per page: (URI or None, has a destination) of every /Link annotation."""
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            links = []
            for a in page.get("/Annots", []):
                if a.get("/Subtype") != "/Link":
                    continue
                action = a.get("/A")
                uri = str(action.URI) if action is not None and "/URI" in action else None
                links.append((uri, "/Dest" in a or (action is not None and "/D" in action)))
            out.append(links)
        return out


@pytest.mark.parametrize("name", NAMES)
def test_pdfjs_finds_every_link_with_its_url(pdfs, pdfjs, name):
    expected = link_annotations(pdfs[name][1])
    pages = pdfjs[name]["pages"]
    assert len(pages) == len(expected)
    for page, want in zip(pages, expected):
        # (pdf.js normalises a bare host to end in "/")
        got = [(link["url"] and link["url"].rstrip("/"), link["internal"])
               for link in page["links"]]
        want = [(uri and uri.rstrip("/"), internal) for uri, internal in want]
        assert sorted(got, key=str) == sorted(want, key=str), f"page {page['page']}"


# ---------------------------------------------------------------- poppler


# Elements that read as blocks: their text is apart from what is around it.
BLOCKS = {"P", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Table", "Caption", "Figure",
          "BlockQuote", "Div", "Sect", "TOC", "TOCI"}


class Node:
    def __init__(self, role, parent=None):
        self.role, self.parent, self.kids, self.texts = role, parent, [], []

    def text(self, skip=("Note",)):
        """Its text and its descendants', in tree order (notes left out)."""
        parts = []
        for kind, item in self.kids:
            if kind == "text":
                parts.append(item)
            elif item.role in skip:
                continue
            elif item.role in BLOCKS:
                parts.append(" " + item.text(skip) + " ")
            else:
                parts.append(item.text(skip))
        return "".join(parts)

    def walk(self):
        yield self
        for kind, item in self.kids:
            if kind == "elem":
                yield from item.walk()

    def elems(self):
        return [item for kind, item in self.kids if kind == "elem"]


def struct_tree(path):
    """pdfinfo -struct-text parsed into a tree of Nodes (roles and text)."""
    out = tool("pdfinfo", "-struct-text", path).stdout
    root = Node("(root)")
    stack = [(-1, root)]
    for line in out.splitlines():
        stripped = line.lstrip(" ")
        if not stripped:
            continue
        depth = (len(line) - len(stripped)) // 2
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if stripped.startswith('"'):
            parent.kids.append(("text", stripped[1:-1] if stripped.endswith('"') else stripped[1:]))
        elif stripped.startswith("/") or stripped.startswith("Object "):
            continue  # attributes, annotation references
        else:
            node = Node(stripped.split()[0].rstrip(":"), parent)
            parent.kids.append(("elem", node))
            stack.append((depth, node))
    return root


def pikepdf_struct_tree(path):
    """The same tree read with pikepdf: roles in tree order, each marked-
    content sequence's text from the content stream (ToUnicode)."""
    with pikepdf.open(path) as pdf:
        texts = {p.obj.objgen: marked_content(p)[0] for p in pdf.pages}
        root = Node("(root)")

        def visit(elem, parent, page):
            node = Node(str(elem.S)[1:], parent)
            parent.kids.append(("elem", node))
            page = elem.get("/Pg", page)
            for kid in struct_kids(elem):
                if isinstance(kid, int):
                    node.kids.append(("text", texts[page.objgen].get(kid, "")))
                elif kid.get("/Type") == "/MCR":
                    pg = kid.get("/Pg", page)
                    node.kids.append(("text", texts[pg.objgen].get(int(kid.MCID), "")))
                elif is_struct_elem(kid):
                    visit(kid, node, page)
        for kid in struct_kids(pdf.Root.StructTreeRoot):
            visit(kid, root, None)
        return root


# poppler's struct-text runs the page's content for every element: minutes
# for the larger documents on a busy machine. It reads the real report and
# the small test documents; the rest are read from the same tree with
# pikepdf, which must read the report exactly as poppler does.
POPPLER = {"report"} | {name for name in NAMES if name.startswith("data-")}


@pytest.fixture(scope="session")
def trees(pdfs):
    return {name: (struct_tree if name in POPPLER else pikepdf_struct_tree)(path)
            for name, (_, path) in pdfs.items()}


def test_pikepdf_reads_the_structure_tree_as_poppler_does(pdfs, trees):
    def flat(node):
        return [(n.role, n.text()) for n in node.walk()]
    assert flat(pikepdf_struct_tree(pdfs["report"][1])) == flat(trees["report"])


def source_tree(src):
    """The source with its XIncludes resolved (inside its folder)."""
    tree = ET.parse(src)
    base = Path(src).parent

    def loader(href, parse, encoding=None):
        return EI.default_loader(str(base / href), parse, encoding)
    EI.include(tree.getroot(), loader=loader, max_depth=32)
    return tree.getroot()


def plain(el):
    """Element text as DocBook prints it: no indexterm, remark or alt."""
    return xml_text(el, {DB + "indexterm", DB + "remark", DB + "alt", DB + "footnote"})


def cell(text):
    """Canonical cell text; amounts compare by their digits (397178.17 is
    printed 397.178,17); quotation marks left out (<quote> prints the
    marks of the text's language, which the source does not spell)."""
    text = re.sub("[\u201e\u201c\u201d\u201a\u2018\u2019\u00ab\u00bb\u2039\u203a]", "", text)
    return re.sub(r"(?<=[0-9])[.,](?=[0-9])", "", canon(text))


# A header row of generated words (the revision history's column names
# come from the style, in the report's language).
GENERATED_HEADER = None


def revision_rows(root):
    """The revision history's table, which the report prints at its end: a
    header of the style's words, then a row per revision (number, date,
    author, remark or description)."""
    rows = []
    for history in root.iter(DB + "revhistory"):
        rows.append(GENERATED_HEADER)
        for rev in history.iter(DB + "revision"):
            parts = [rev.find(DB + t) for t in ("revnumber", "date")]
            author = rev.find(DB + "authorinitials")
            if author is None:
                author = rev.find(DB + "author")
            remark = rev.find(DB + "revremark")
            if remark is None:
                remark = rev.find(DB + "revdescription")
            rows.append([cell(plain(e)) if e is not None else ""
                         for e in parts + [author, remark]])
    return rows


def source_rows(root):
    """Every row's cells (canonical text), CALS or HTML, in source order,
    then the revision history's rows."""
    cells = (DB + "entry", DB + "entrytbl", DB + "th", DB + "td")
    return [[cell(plain(e)) for e in row if e.tag in cells]
            for row in root.iter() if row.tag in (DB + "row", DB + "tr")] + revision_rows(root)


@pytest.mark.parametrize("name", NAMES)
def test_table_cells_read_in_column_order(pdfs, trees, name):
    rows = source_rows(source_tree(pdfs[name][0]))
    read, header_only = [], []
    for tr in trees[name].walk():
        if tr.role == "TR":
            cells = [c for c in tr.elems() if c.role in ("TH", "TD")]
            # a list's labels in a cell are generated (bullets, numbers)
            read.append([cell(c.text(skip=("Note", "Reference", "Lbl"))) for c in cells])
            header_only.append(all(c.role == "TH" for c in cells))
    if not rows:
        assert not read
        return
    # Each row read from the tree is a source row with its cells in order
    # (generated empty cells aside, generated columns after them), and the
    # rows come in source order (a table split over pages repeats its
    # header rows).
    def same(source_row, filled):
        if source_row is GENERATED_HEADER:
            return th_row
        # columns the compiler adds (a multi-year budget's change) come last
        src = [c for c in source_row if c]
        return filled[:len(src)] == src and (src or not filled)
    at = 0
    for cells, th_row in zip(read, header_only):
        filled = [c for c in cells if c]
        for k in range(at, len(rows)):
            if same(rows[k], filled):
                at = k
                break
        else:
            if any(same(r, filled) for r in rows[:at]):
                continue  # a repeated header row
            pytest.fail(f"a table row reads {cells}, which is no source row after "
                        f"{rows[at] if at < len(rows) else 'the last row'}")


def toc_entries(tree):
    return [toci for toci in tree.walk() if toci.role == "TOCI"]


@pytest.mark.parametrize("name", NAMES)
def test_contents_entries_read_number_title_page_in_source_order(pdfs, trees, name):
    entries = toc_entries(trees[name])
    root = source_tree(pdfs[name][0])
    body = root.find(DB + "chapter") is not None
    sections = [s for s in root if s.tag in SECTION_TAGS]
    if not entries:
        return
    titles = []
    for number, toci in enumerate(entries, start=1):
        assert [k.role for k in toci.elems()] == ["Lbl", "Reference"]
        lbl, ref = toci.elems()
        assert lbl.text().strip() == str(number)
        texts = [t for node in ref.walk() for kind, t in node.kids if kind == "text"]
        assert len(texts) >= 2 and texts[-1].strip().isdigit(), (
            f"contents entry {number} reads {texts}: no page number after the title")
        titles.append(canon("".join(texts[:-1])))
    want = [canon(plain(s.find(DB + "title") if s.find(DB + "title") is not None
                        else s.find(DB + "info").find(DB + "title")))
            for s in sections]
    assert titles == want[:len(titles)] or body, (titles, want)


note_mark = re.compile(r"^[0-9]+ ?")  # a footnote's number opens its text


def source_paragraph_keys(root):
    """The opening words of every paragraph, in source order (those that
    open with at least 30 characters of their own text)."""
    keys = []
    info = {id(p) for i in root.iter(DB + "info") for p in i.iter()}
    for para in root.iter():
        if para.tag not in (DB + "para", DB + "simpara") or id(para) in info:
            continue
        lead = note_mark.sub("", canon(para.text or ""))
        if len(lead) >= 30:
            keys.append(lead[:30])
    return keys


@pytest.mark.parametrize("name", NAMES)
def test_paragraphs_read_in_source_order(pdfs, trees, name):
    keys = source_paragraph_keys(source_tree(pdfs[name][0]))
    paras = [note_mark.sub("", canon(p.text())) for p in trees[name].walk() if p.role == "P"]
    at = -1
    for key in keys:
        found = [i for i, p in enumerate(paras) if p.startswith(key)]
        assert found, f"no paragraph in the structure tree opens with {key!r}"
        later = [i for i in found if i > at]
        assert later, f"the paragraph opening with {key!r} is read before the one before it"
        at = later[0]


# ---------------------------------------------------------------- words


def hyphenated_words(tree):
    """The words line breaking hyphenated, as pdf.js and MuPDF show them:
    (first part, rest), from the structure text of every paragraph."""
    pairs = []
    for p in tree.walk():
        lines = [t for kind, t in p.kids if kind == "text"]
        for a, b in zip(lines, lines[1:]):
            if re.search(r"\w-$", a) and re.match(r"\w", b):
                pairs.append((a.split()[-1][:-1], b.split()[0]))
    return pairs


@pytest.mark.parametrize("mode", ["-raw", "-layout"])
def test_hyphenated_words_extract_whole(pdfs, trees, mode):
    path = pdfs["report"][1]
    pairs = hyphenated_words(trees["report"])
    assert len(pairs) >= 5
    text = tool("pdftotext", mode, path, "-").stdout
    words = set(re.findall(r"[\w’'-]+", text))
    broken = []
    for a, b in pairs:
        if f"{a}-{b}" in words or f"{a}-{b}".rstrip(".,;:)") in words:
            continue  # a hyphen of the word itself ("Noord-Brabant")
        if re.sub(r"^\W+|\W+$", "", a + b) not in words:
            broken.append(f"{a}-/{b}")
    assert not broken, f"pdftotext {mode} does not rejoin {broken[:10]}"


def source_plain_paragraphs(root):
    """The text of every paragraph made of text only, in source order."""
    info = {id(p) for i in root.iter(DB + "info") for p in i.iter()}
    return [note_mark.sub("", canon(p.text or "")) for p in root.iter()
            if p.tag in (DB + "para", DB + "simpara") and id(p) not in info and len(p) == 0
            and len(canon(p.text or "")) >= 30]


@pytest.mark.parametrize("name", NAMES)
def test_structure_text_of_a_paragraph_is_its_source_text(pdfs, trees, name):
    """Lines join with a word separator (ISO 32000-1 14.8.2.5): a paragraph
    read from the structure tree is its source text, not "voorredacteuren"."""
    paras = [note_mark.sub("", canon(p.text())) for p in trees[name].walk() if p.role == "P"]
    for want in source_plain_paragraphs(source_tree(pdfs[name][0])):
        found = [p for p in paras if p.startswith(want[:30])]
        assert found, f"no paragraph opens with {want[:30]!r}"
        assert want in found, f"the structure tree reads {found[0]!r}, the source {want!r}"


@pytest.mark.parametrize("name", NAMES)
def test_a_footnote_is_read_right_after_its_mark(trees, name):
    notes = 0
    for node in trees[name].walk():
        for i, (kind, kid) in enumerate(node.kids):
            if kind == "elem" and kid.role == "Note":
                notes += 1
                before = node.kids[i - 1] if i else (None, None)
                assert before[0] == "elem" and before[1].role == "Reference", (
                    f"a Note ({kid.text()[:40]!r}) is read after {before}, not its mark")
    if name == "data-footnote":
        assert notes >= 1


# ---------------------------------------------------------------- MuPDF


def page_words(text):
    """The words of a text extraction, a line-end hyphen's halves joined
    where the next line goes on in lower case."""
    return re.findall(r"\w+", re.sub(r"(\w)-\n+(?=[a-zà-ÿ])", r"\1", text))


def unsplit(whole, halves):
    """Takes out of both counters every word of WHOLE that is two words of
    HALVES put together."""
    for word in list(whole.elements()):
        split = next(((word[:i], word[i:]) for i in range(1, len(word))
                      if halves[word[:i]] and halves[word[i:]]
                      and (word[:i] != word[i:] or halves[word[:i]] > 1)), None)
        if split:
            whole[word] -= 1
            halves[split[0]] -= 1
            halves[split[1]] -= 1


@pytest.mark.parametrize("name", NAMES)
def test_mupdf_reads_every_word_poppler_reads(pdfs, name):
    """MuPDF (mutool draw -F txt), which reads the content stream without
    the structure tree, meets every word poppler's pdftotext meets, once.
    MuPDF 1.21 ignores /ActualText (issue 14): a word hyphenated across a
    page break is two words to it, which together are poppler's one."""
    from collections import Counter
    path = pdfs[name][1]
    pop = Counter(page_words(tool("pdftotext", "-raw", path, "-").stdout))
    res = subprocess.run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    mu = Counter(page_words(res.stdout))
    only_pop, only_mu = pop - mu, mu - pop
    # a word one reader has whole and the other in two: a hyphenated word
    # across a page break (MuPDF), or a compound's own hyphen at a line
    # end, which page_words takes for a hyphenation break in both
    unsplit(only_pop, only_mu)
    unsplit(only_mu, only_pop)
    only_pop, only_mu = +only_pop, +only_mu
    assert not only_pop and not only_mu, (
        f"poppler only: {dict(list(only_pop.items())[:10])}; "
        f"MuPDF only: {dict(list(only_mu.items())[:10])}")


# ---------------------------------------------------------------- xrefs


def test_xrefs_print_the_title_and_page_of_every_kind_of_target(pdfs, trees):
    """In the readers' book an xref to each kind of target (chapter,
    section, table, figure, example, titled admonition, numbered list item,
    paragraph with an xreflabel) prints its title or number and the page
    that target stands on."""
    path = pdfs["data-readers-book"][1]
    links = [canon(n.text()) for n in trees["data-readers-book"].walk() if n.role == "Link"]
    want = {"Tabellen over pagina's": "Tabellen over pagina's",
            "Geneste lijsten": "Geneste lijsten", "Honderdtwintig posten": "Honderdtwintig posten",
            "Een staafdiagram bij de paginagrens": "Een staafdiagram bij de paginagrens",
            "Een lange lijst code": "Een lange lijst code", "Let op": "Let op",
            "b": "b. Punt 2.2:", "de eerste alinea": "Deze eerste alinea van het boek"}
    for label, text in want.items():
        found = [t for t in links if re.fullmatch(re.escape(canon(label)) + r", p\. [0-9]+", t)]
        assert found, f"no xref reads '{label}, p. N' in {links}"
        page = int(found[0].rsplit(" ", 1)[1])
        on_page = canon(tool("pdftotext", "-f", str(page), "-l", str(page), "-raw", path,
                             "-").stdout)
        assert canon(text) in on_page, f"'{text}' is not on page {page}, where the xref says"

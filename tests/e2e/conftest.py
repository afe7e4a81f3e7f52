"""Shared helpers of the end-to-end tests.

The binary under test is $KCVS_PDF (default ./kcvs-pdf, relative to the
repository root); the same suite runs against ./kcvs-pdf-asan. The real
report is compiled once per session (fixture `report`); the small documents
of tests/data/e2e/ are compiled by the tests that need them.

Readers used: poppler-utils (pdftotext, pdfinfo, pdffonts), qpdf, pikepdf.
Coordinates: poppler word boxes are in pt with the origin at the top left of
the page (y grows downwards); PDF rectangles (/Rect, /MediaBox) have the
origin at the bottom left. `Box` is always top-down.
"""

import os
import bisect
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pikepdf
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
E2E_DATA = DATA / "e2e"
REPORT_XML = ROOT / "content" / "report.xml"
STYLE_XML = ROOT / "styles" / "kcvs.xml"

DB = "{http://docbook.org/ns/docbook}"
XI = "{http://www.w3.org/2001/XInclude}"
XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72.0 / 25.4
TIMEOUT = 120  # seconds, generous for the sanitizer build


def _binary():
    value = os.environ.get("KCVS_PDF", "./kcvs-pdf")
    path = Path(value)
    if not path.is_absolute():
        # run.sh runs from the repository root; be robust to other cwds
        path = (Path.cwd() / path) if (Path.cwd() / path).exists() else ROOT / path
    return path.resolve()


KCVS_PDF = _binary()


# ---------------------------------------------------------------- running


def cpu_limit(seconds):
    """A preexec_fn that bounds the child's CPU time (RLIMIT_CPU): a hostile
    input that is not stopped by a limit gets SIGXCPU (then SIGKILL) instead
    of hanging the suite. Tests bound work this way, never by wall-clock
    time, which depends on the load of the machine."""
    import resource

    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    return apply


def assert_within_cpu(status, seconds, what="the run"):
    """STATUS (a returncode) is not a kill by the CPU limit of cpu_limit."""
    import signal
    assert status not in (-signal.SIGXCPU, -signal.SIGKILL), \
        f"{what} used more than {seconds} s of CPU time (killed by RLIMIT_CPU)"


def run_kcvs(*args, cwd=None, env=None, timeout=TIMEOUT):
    """Runs the compiler; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    if env:
        full_env.update(env)
    return subprocess.run([str(KCVS_PDF), *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def compile_ok(source, output, *extra, env=None):
    """Compiles SOURCE to OUTPUT and asserts success; returns a Doc."""
    res = run_kcvs(source, "-o", output, *extra, env=env)
    assert res.returncode == 0, f"kcvs-pdf {source} failed ({res.returncode}):\n{res.stderr}"
    assert Path(output).is_file(), f"no PDF written at {output}"
    return Doc(Path(output), res)


PDFCHECK = Path(os.environ.get("KCVS_PDFCHECK",
                               ROOT.parent / "shared" / "tools" / "pdfcheck.py"))


def assert_pdfcheck_passes(pdf, *profiles, alone=True):
    """The shared PDF/A + PDF/UA rule checker (../shared/tools/pdfcheck.py,
    not copied into the repository) reports 0 failures for PDF. Where that
    folder is not beside the clone, a test that checks only this (ALONE) is
    skipped, saying why; one that checks more goes on without it."""
    if not PDFCHECK.is_file():
        if alone:
            pytest.skip(f"{PDFCHECK} not found (the shared folder is not beside this clone)")
        return
    args = [a for p in profiles for a in ("--profile", p)]
    res = subprocess.run(["/usr/bin/python3", str(PDFCHECK), str(pdf), *args],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert re.search(r"\b0 failed", res.stdout), res.stdout + res.stderr


def tool(*args, check=True):
    res = subprocess.run([*map(str, args)], capture_output=True, text=True, timeout=TIMEOUT)
    if check:
        assert res.returncode == 0, f"{args[0]} failed ({res.returncode}):\n{res.stderr}"
    return res


# ---------------------------------------------------------------- text


def canon(text):
    """Normalises text for comparison with the source.

    Case-insensitive (calls to action are printed in capitals), white space
    collapsed, and hyphen-insensitive at line ends: every "-" together with
    the white space after it is removed, on both sides of a comparison. This
    one rule makes a hyphenation break ("eer-\\nste" -> "eerste"), a break
    after a genuine hyphen ("survey-\\nen" or "survey- en" -> "surveyen") and
    a break inside a hyphenated compound ("model-\\nworkflows" ->
    "modelworkflows") all compare equal to the source, without guessing
    which hyphens the typesetter added. It cannot tell "survey- en" from
    "surveyen"; it does catch a lost hyphen ("eer ste", "survey en"), lost,
    added or changed words and characters.
    """
    text = text.replace("\u00ad", "-")  # a soft hyphen, if a reader keeps it
    text = re.sub(r"-\s*", "", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip().casefold()


def xml_text(el, skip=(), sep=""):
    """The text of an ElementTree element and its descendants, leaving out
    the elements whose tag is in skip (never printed) but not their tails."""
    parts = [el.text or ""]
    for kid in el:
        if kid.tag not in skip:
            parts.append(xml_text(kid, skip, sep))
        parts.append(kid.tail or "")
    return sep.join(parts)


def contains_words(haystack, needle):
    """NEEDLE occurs in HAYSTACK (both canonical) on word boundaries."""
    start = 0
    while True:
        i = haystack.find(needle, start)
        if i < 0:
            return False
        before = haystack[i - 1] if i > 0 else " "
        after = haystack[i + len(needle)] if i + len(needle) < len(haystack) else " "
        if not before.isalnum() and not (after.isalnum() and needle[-1:].isalnum()):
            return True
        start = i + 1


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return [line for line in f.read().splitlines() if line.strip()]


# ---------------------------------------------------------------- geometry


@dataclass(frozen=True)
class Box:
    """A rectangle, top-down coordinates (poppler's)."""
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self):
        return (self.x0 + self.x1) / 2

    @property
    def cy(self):
        return (self.y0 + self.y1) / 2

    @property
    def area(self):
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)

    def contains_point(self, x, y):
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


def covered_fraction(rect, boxes, steps=60):
    """Fraction of RECT's area covered by the union of BOXES (sampled)."""
    inside = 0
    for i in range(steps):
        x = rect.x0 + (i + 0.5) * (rect.x1 - rect.x0) / steps
        for j in range(steps):
            y = rect.y0 + (j + 0.5) * (rect.y1 - rect.y0) / steps
            if any(b.contains_point(x, y) for b in boxes):
                inside += 1
    return inside / (steps * steps)


def _length_pt(value):
    m = re.fullmatch(r"\s*([0-9.]+)\s*(mm|cm|in|pt|pc)?\s*", value)
    assert m, f"cannot read length {value!r}"
    n = float(m.group(1))
    return n * {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, "pc": 12.0, None: 1.0}[m.group(2)]


def style_setting(attr, style=STYLE_XML):
    """The value of ATTR on the first element of the style sheet that has
    it (typography, layout and print settings are each on one element):
    tests read the style instead of restating its numbers."""
    for el in ET.parse(style).getroot().iter():
        if el.get(attr) is not None:
            return el.get(attr)
    raise AssertionError(f"{style} sets no {attr}")


def style_class(name, style=STYLE_XML):
    """The attributes a <class> of the style sheet sets itself (base= not
    followed)."""
    for el in ET.parse(style).getroot().iter("{urn:x-kcvs-pdf:style}class"):
        if el.get("name") == name:
            return dict(el.attrib)
    raise AssertionError(f"{style} has no class {name}")


def class_length(name, attr, style=STYLE_XML):
    """A length a <class> sets itself, in pt."""
    return _length_pt(style_class(name, style)[attr])


def style_length(attr, style=STYLE_XML):
    """style_setting as a length in pt."""
    return _length_pt(style_setting(attr, style))


def protrusion_table(side, style=STYLE_XML):
    """The style's margin protrusion for SIDE ("left" or "right"): each
    character and the share of its width that may hang past the measure."""
    for el in ET.parse(style).getroot().iter():
        spec = el.get(f"protrude-{side}")
        if spec:
            items = spec.split()
            return {items[i]: float(items[i + 1]) for i in range(0, len(items) - 1, 2)}
    return {}


def hang_allowance(word, side, height, style=STYLE_XML):
    """How far a word (pdftotext's box HEIGHT high) may stand past the
    measure on SIDE: its edge character's protrusion share times a bound of
    that character's width (0.3 of the box height, about 0.4 em: more than
    any punctuation's advance); 0 when it does not protrude. On the right a
    word may also end in a line-break hyphen that text extraction does not
    show (its /ActualText is the whole word)."""
    table = protrusion_table(side, style)
    edges = [word[-1:], "-"] if side == "right" else [word[:1]]
    return max(table.get(e, 0.0) for e in edges) * 0.3 * height


def page_master(name="body", style=STYLE_XML):
    """A <page> master of the style sheet, base= resolved, lengths in pt."""
    root = ET.parse(style).getroot()
    ns = "{urn:x-kcvs-pdf:style}"
    masters = {p.get("name"): p for p in root.iter(ns + "page")}

    def attrs(n):
        el = masters[n]
        base = attrs(el.get("base")) if el.get("base") else {}
        base.update({k: v for k, v in el.attrib.items() if k not in ("name", "base")})
        return base

    out = {}
    for k, v in attrs(name).items():
        out[k] = _length_pt(v) if re.fullmatch(r"[0-9.]+\s*(mm|cm|in|pt|pc)", v) else v
    return out


def text_area(page_number, master=None):
    """The text area of a page (1-based number), top-down Box. Recto pages
    (odd numbers) have the inner margin on the left, verso pages on the
    right."""
    m = master or page_master("body")
    left = m["margin-inner"] if page_number % 2 == 1 else m["margin-outer"]
    right = m["margin-outer"] if page_number % 2 == 1 else m["margin-inner"]
    return Box(left, m["margin-top"], m["width"] - right, m["height"] - m["margin-bottom"])


def pdf_rect_to_box(rect, page_height):
    x0, y0, x1, y1 = (float(v) for v in rect)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    return Box(x0, page_height - y1, x1, page_height - y0)


# ---------------------------------------------------------------- poppler


def _parse_bbox_html(html):
    """pdftotext -bbox / -bbox-layout output -> list of pages; each page is
    {"width", "height", "words": [Word], "lines": [[Word]]} (lines only with
    -bbox-layout)."""
    # The XHTML names a DTD that ElementTree never loads.
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html, count=1))
    pages = []
    for page in root.iter(XHTML + "page"):
        entry = {"width": float(page.get("width")), "height": float(page.get("height")),
                 "words": [], "lines": []}
        for line in page.iter(XHTML + "line"):
            entry["lines"].append([_word(w) for w in line.iter(XHTML + "word")])
        for w in page.iter(XHTML + "word"):
            entry["words"].append(_word(w))
        pages.append(entry)
    return pages


def _word(el):
    return Word(el.text or "", Box(float(el.get("xMin")), float(el.get("yMin")),
                                   float(el.get("xMax")), float(el.get("yMax"))))


# ---------------------------------------------------------------- marked content


def _cmap_decoder(font):
    """A function bytes -> str from a Type0 font's ToUnicode CMap
    (2-byte codes, bfchar and bfrange)."""
    table = {}
    tu = font.get("/ToUnicode")
    if tu is not None:
        cmap = tu.read_bytes().decode("latin-1")

        def uni(hexstr):
            return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")

        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = uni(dst)
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                base = int(dst, 16)
                for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[code] = chr(base + i)

    def decode(data):
        data = bytes(data)
        return "".join(table.get(int.from_bytes(data[i:i + 2], "big"), "\ufffd")
                       for i in range(0, len(data) - 1, 2))
    return decode


TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def marked_content(page):
    """Walks a page's content stream. Returns (texts, untagged, mcids):
    texts maps each MCID to the text shown inside it; untagged lists the
    text-showing operators (operator, text) found outside any BDC-with-MCID
    or /Artifact sequence; mcids lists the MCIDs of the BDC operators in
    stream order."""
    fonts = page.obj.Resources.get("/Font", pikepdf.Dictionary())
    decoders = {str(k): _cmap_decoder(fonts[k]) for k in fonts.keys()}
    stack = []  # per open marked-content sequence: ("mcid", n) / ("artifact",) / ("other",)
    texts, untagged, mcids = {}, [], []
    decode = None
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "BDC":
            tag, props = operands
            mcid = None
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                mcid = int(props.MCID)
            if mcid is not None:
                stack.append(("mcid", mcid))
                mcids.append(mcid)
            elif str(tag) == "/Artifact":
                stack.append(("artifact",))
            else:
                stack.append(("other",))
        elif op == "BMC":
            stack.append(("artifact",) if str(operands[0]) == "/Artifact" else ("other",))
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op == "Tf":
            decode = decoders.get(str(operands[0]))
        elif op in TEXT_OPERATORS:
            strings = []
            for o in operands:
                if isinstance(o, pikepdf.Array):
                    strings += [x for x in o if isinstance(x, pikepdf.String)]
                elif isinstance(o, pikepdf.String):
                    strings.append(o)
            text = "".join(decode(bytes(s)) if decode else "?" for s in strings)
            owner = next((s for s in reversed(stack) if s[0] in ("mcid", "artifact")), None)
            if owner is None:
                untagged.append((op, text))
            elif owner[0] == "mcid":
                texts[owner[1]] = texts.get(owner[1], "") + text
    return texts, untagged, mcids


# ---------------------------------------------------------------- structure tree


def struct_kids(elem):
    """The /K entries of a structure element (or the StructTreeRoot), as a
    list: ints (MCIDs), MCR and OBJR dictionaries, structure elements."""
    k = elem.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def is_struct_elem(obj):
    return (isinstance(obj, pikepdf.Dictionary) and "/S" in obj
            and obj.get("/Type") not in ("/MCR", "/OBJR"))


def struct_descendants(elem):
    """Every structure element below ELEM, depth first in document order."""
    out = []

    def walk(e):
        for kid in struct_kids(e):
            if is_struct_elem(kid):
                out.append(kid)
                walk(kid)
    walk(elem)
    return out


def struct_elements(pdf):
    """Every structure element, depth first in document order."""
    return struct_descendants(pdf.Root.StructTreeRoot)


def struct_elements_with_parents(pdf):
    """(element, parent element or None) for every structure element, depth
    first in document order."""
    out = []

    def walk(e, parent):
        for kid in struct_kids(e):
            if is_struct_elem(kid):
                out.append((kid, parent))
                walk(kid, kid)
    walk(pdf.Root.StructTreeRoot, None)
    return out


def struct_roles(elem):
    """The /S of an element's child elements, in order."""
    return [str(k.S) for k in struct_kids(elem) if is_struct_elem(k)]


# One thread; two; two and three with KCVS_THREADS_WAIT=1 (every included
# file parsed ahead, every paragraph predicted set ahead, the tree
# validated from a copy): a run must read the same on each.
THREAD_RUNS = [{"KCVS_THREADS": "1"}, {"KCVS_THREADS": "2"},
               {"KCVS_THREADS": "2", "KCVS_THREADS_WAIT": "1"},
               {"KCVS_THREADS": "3", "KCVS_THREADS_WAIT": "1"}]


def compile_on_thread_counts(src, out_dir, runs=THREAD_RUNS, env_extra=None):
    """Compiles SRC once per run of RUNS; returns (status, stderr with the
    output's path as OUT, PDF bytes or None) of each."""
    results = []
    for i, env in enumerate(runs):
        out = Path(out_dir) / f"run{i}.pdf"
        res = run_kcvs(src, "-o", out, env={**env, "SOURCE_DATE_EPOCH": "0", **(env_extra or {})})
        results.append((res.returncode, res.stderr.replace(str(out), "OUT"),
                        out.read_bytes() if out.exists() else None))
    return results


# ---------------------------------------------------------------- fonts


def drawn_codes(pdf):
    """Per font descriptor: the glyph codes the pages show (TJ strings)."""
    drawn = {}
    for page in pdf.pages:
        fonts = {str(k): f for k, f in page.Resources.Font.items()}
        current = None
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Tf":
                current = fonts[str(operands[0])]
            elif str(op) == "TJ":
                codes = drawn.setdefault(current.DescendantFonts[0].FontDescriptor.objgen, set())
                for part in operands[0]:
                    if isinstance(part, pikepdf.String):
                        raw = bytes(part)
                        codes.update(raw[i] << 8 | raw[i + 1] for i in range(0, len(raw), 2))
    return drawn


def mapped_text(pdf):
    """Per font descriptor: glyph code -> text, from its ToUnicode CMap."""
    mapped = {}
    for page in pdf.pages:
        for _, font in page.Resources.Font.items():
            key = font.DescendantFonts[0].FontDescriptor.objgen
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            entries = mapped.setdefault(key, {})
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, text in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]*)>", block):
                    entries[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    return mapped


def font_map_problems(pdf):
    """What breaks "a subset's ToUnicode maps exactly the glyphs drawn":
    glyphs mapped and never drawn (a placeholder's), glyphs drawn and
    not mapped (text lost to extraction); .notdef (0) apart."""
    drawn, mapped = drawn_codes(pdf), mapped_text(pdf)
    problems = []
    for font in set(drawn) | set(mapped):
        entries, shown = mapped.get(font, {}), drawn.get(font, set()) - {0}
        extra = {c: t for c, t in entries.items() if c not in shown and c != 0}
        if extra:
            problems.append(f"font {font}: mapped but never drawn {extra}")
        if shown - set(entries):
            problems.append(f"font {font}: drawn but not mapped {sorted(shown - set(entries))}")
    return problems


def compile_text(tmp_path, text, *extra, name="doc.xml"):
    """Writes TEXT as NAME in TMP_PATH, compiles it, asserts success and
    returns the Doc."""
    source = Path(tmp_path) / name
    source.write_text(text, encoding="utf-8")
    return compile_ok(source, Path(tmp_path) / (Path(name).stem + ".pdf"), *extra)


def own_mcids(elem):
    """The (page objgen, MCID) pairs an element owns directly, in order."""
    page = elem.get("/Pg")
    out = []
    for kid in struct_kids(elem):
        if isinstance(kid, int):
            out.append((page.objgen if page is not None else None, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            pg = kid.get("/Pg", page)
            out.append((pg.objgen if pg is not None else None, int(kid.MCID)))
    return out


def number_tree(node):
    """A number tree (e.g. the ParentTree) flattened into a dict."""
    out = {}
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        out.update(number_tree(kid))
    return out


# ---------------------------------------------------------------- the document


class Doc:
    """One compiled PDF and lazily computed views of it."""

    def __init__(self, path, result=None):
        self.path = Path(path)
        self.result = result

    @cached_property
    def pdf(self):
        return pikepdf.open(self.path)

    @cached_property
    def page_count(self):
        return len(self.pdf.pages)

    @cached_property
    def bbox_pages(self):
        """Per page: words and lines (pdftotext -bbox-layout)."""
        return _parse_bbox_html(tool("pdftotext", "-bbox-layout", self.path, "-").stdout)

    @cached_property
    def bbox_words(self):
        """Per page: words (pdftotext -bbox, poppler's own word split)."""
        return [p["words"] for p in
                _parse_bbox_html(tool("pdftotext", "-bbox", self.path, "-").stdout)]

    @cached_property
    def page_texts(self):
        """Per page: pdftotext's text in reading order."""
        text = tool("pdftotext", "-enc", "UTF-8", self.path, "-").stdout
        pages = text.split("\f")
        return pages[:self.page_count]

    def body_text(self, page_index, master=None):
        """The text of one page (0-based) without what lies in the top and
        bottom margins (running header and footer), lines in reading order."""
        page = self.bbox_pages[page_index]
        area = text_area(page_index + 1, master)
        kept = []
        for line in page["lines"]:
            if not line:
                continue
            y0 = min(w.box.y0 for w in line)
            y1 = max(w.box.y1 for w in line)
            if y1 <= area.y0 or y0 >= area.y1:
                continue
            kept.append(" ".join(w.text for w in line))
        return "\n".join(kept)

    def body_lines(self, page_index, master=None):
        """Like body_text, as a list of lines."""
        return [line for line in self.body_text(page_index, master).split("\n") if line]

    def heading_page(self, title, first=0):
        """The 0-based index of the first page from FIRST on where TITLE is
        printed as whole lines of its own (as a heading is, and unlike a
        mention of the title inside a paragraph); None if there is none."""
        want = canon(title)
        for i in range(first, self.page_count):
            lines = [canon(line) for line in self.body_lines(i)]
            for a in range(len(lines)):
                for b in range(a + 1, min(a + 5, len(lines)) + 1):
                    if canon(" ".join(lines[a:b])) == want:
                        return i
        return None

    def words_matching(self, page_index, pattern):
        """Words of a page (pdftotext -bbox) whose text matches PATTERN fully."""
        return [w for w in self.bbox_words[page_index] if re.fullmatch(pattern, w.text)]

    @cached_property
    def info(self):
        out = {}
        for line in tool("pdfinfo", "-enc", "UTF-8", self.path).stdout.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                out[key.strip()] = value.strip()
        return out

    @cached_property
    def page_index_of(self):
        """objgen of a page object -> 0-based page index."""
        return {p.obj.objgen: i for i, p in enumerate(self.pdf.pages)}

    def page_height(self, index):
        box = self.pdf.pages[index].obj.MediaBox
        return float(box[3]) - float(box[1])

    @cached_property
    def annotations(self):
        """All annotations: list of (page index, annotation dictionary)."""
        out = []
        for i, page in enumerate(self.pdf.pages):
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                out.append((i, annot))
        return out

    @cached_property
    def uri_links(self):
        return [(i, a) for i, a in self.annotations
                if a.get("/Subtype") == "/Link" and "/A" in a
                and a.A.get("/S") == "/URI"]

    @cached_property
    def outline(self):
        """Top-level bookmarks: list of (title, page index or None, children)."""
        def dest_page(item):
            dest = item.destination
            if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
                dest = item.action.D
            if isinstance(dest, pikepdf.Array) and len(dest) > 0:
                return self.page_index_of.get(dest[0].objgen)
            return None

        with self.pdf.open_outline() as outline:
            return [(it.title, dest_page(it), [(c.title, dest_page(c)) for c in it.children])
                    for it in outline.root]

    def resolve_dest(self, dest):
        """A destination (explicit array, /Dests name or Names/Dests
        string) -> 0-based page index, None if it names no page."""
        if isinstance(dest, pikepdf.Name):
            dest = self.pdf.Root.Dests.get(str(dest))
        elif isinstance(dest, pikepdf.String):
            dest = pikepdf.NameTree(self.pdf.Root.Names.Dests).get(str(dest))
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.get("/D")
        if not isinstance(dest, pikepdf.Array) or len(dest) == 0:
            return None
        return self.page_index_of.get(dest[0].objgen)


# ---------------------------------------------------------------- the source


# DocBook's names of a section: each at the top of a report is a workstream.
SECTION_TAGS = tuple(DB + name for name in ("section", "chapter", "appendix", "sect1", "sect2", "sect3",
                                             "sect4", "sect5", "simplesect"))


def workstream_titles(report=REPORT_XML):
    """The titles of the top-level sections (chapters) of a report, in
    order, following xi:include."""
    root = ET.parse(report).getroot()
    titles = []
    for child in root:
        el = child
        if child.tag == XI + "include":
            el = ET.parse(Path(report).parent / child.get("href")).getroot()
        if el.tag in SECTION_TAGS:
            title = el.find(DB + "title")
            titles.append(re.sub(r"\s+", " ", "".join(title.itertext())).strip())
    return titles


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def kcvs_pdf():
    assert KCVS_PDF.is_file(), f"{KCVS_PDF} does not exist: run make first"
    return KCVS_PDF


@pytest.fixture(scope="session")
def report(tmp_path_factory, kcvs_pdf):
    """The real report, compiled once per session."""
    out = tmp_path_factory.mktemp("report") / "report.pdf"
    return compile_ok(REPORT_XML, out)


@pytest.fixture(scope="session")
def body_master():
    return page_master("body")


@pytest.fixture(scope="session")
def titles():
    return workstream_titles()


def copy_data(name, dest_dir):
    """Copies tests/data/e2e/NAME into DEST_DIR; returns the new path."""
    dest = Path(dest_dir) / Path(name).name
    shutil.copyfile(E2E_DATA / name, dest)
    return dest


# ---------------------------------------------------------------- conservation of text
#
# The words of a source must appear in its PDF exactly once each and in
# order, apart from generated text. The source's words are read from the XML
# (XInclude followed) the way DocBook prints them; the PDF's from pdftotext.
# Both sides become tokens the same way: casefolded runs of letters and
# digits, a hyphen with the white space after it removed (a line-end
# hyphenation "eer-\nste" and a source "eer-ste" are both "eerste"), digit
# groups joined across "." and "," (amounts are reformatted), letters and
# digits split apart (a footnote mark sticks to its word: "Datentypen1").
# The two sequences are aligned with difflib; then
# - a source run that the alignment missed but that the PDF has elsewhere as
#   a whole (a footnote at the bottom of its page, a cell read beside its
#   neighbour) is moved, not lost;
# - whatever source is left is missing text;
# - whatever PDF text is left must be generated: numbers, words of the style
#   sheet (<strings>, page templates), or whole titles (contents, running
#   heads, cross-references, the cover). Anything else is text printed twice.

NEVER_PRINTED = {"indexterm", "remark", "titleabbrev", "alt"}  # alt: /E
INFO_NOT_PRINTED = {"abstract", "keywordset", "pubdate", "date"}  # metadata; the date is
# printed in the report's language, from the style's month names


_TOKEN = re.compile(r"(?:[^\W_]|-\s*(?=[^\W_])|(?<=\d)[.,](?=\d))+")


def conservation_tokens(text, with_offsets=False):
    """Tokens of TEXT (see above); with_offsets: (token, offset in TEXT)."""
    # a trademark's sign is generated (NFKC would make "Java™" one word "javatm")
    text = re.sub("[\u2122\u2120]", " ", text.replace("\u00ad", "-"))
    text = unicodedata.normalize("NFKC", text)
    out = []
    for m in _TOKEN.finditer(text):
        word = re.sub(r"-\s*|[.,]", "", m.group(0)).casefold()
        out += [(t, m.start()) for t in re.findall(r"[^\W\d_]+|\d+", word)]
    return out if with_offsets else [t for t, _ in out]


def _local(el):
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _amount_text(text):
    """A budget amount as kcvs-pdf prints it (Belgian: 1.234,50)."""
    t = re.sub(r"\s+", "", text).replace("\u2212", "-")
    m = re.fullmatch(r"(-?)(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d{1,2}))?", t) or \
        re.fullmatch(r"(-?)(\d+)(?:\.(\d{1,2}))?", t)
    if not m:
        return text
    euros = int(m.group(2).replace(".", ""))
    cents = (m.group(3) or "0").ljust(2, "0")
    return f"{m.group(1)}{euros:,}".replace(",", ".") + "," + cents


# Inline elements: their text runs on with the text around them; any other
# element separates words (a personname's parts are printed with a space
# between them however the source writes them).
INLINE = {"citerefentry", "refentrytitle", "manvolnum", "emphasis", "link", "xref", "phrase", "footnote", "literal", "code", "filename",
          "command", "userinput", "option", "tag", "varname", "function", "uri", "quote",
          "superscript", "subscript", "email", "abbrev", "acronym", "citetitle", "anchor",
          "firstterm", "glossterm", "foreignphrase", "wordasword", "replaceable",
          "systemitem", "application", "productname", "trademark", "inlinemediaobject",
          "personname", "orgname", "classname", "methodname",
          "parameter", "envar", "prompt", "keycap", "guilabel", "guimenu", "markup",
          "guimenuitem", "guisubmenu", "guibutton", "guiicon", "menuchoice", "keycombo",
          "package", "computeroutput", "citation"}


def _xref_text_of(el):
    """The element whose text an xref to EL prints: a FAQ entry's is its
    question's first paragraph."""
    if _local(el) == "qandaentry":
        question = next((c for c in el if _local(c) == "question"), None)
        first = next(iter(question), None) if question is not None else None
        return first if first is not None else el
    return el


class SourceText:
    """The printed words of a DocBook source, in reading order, each with
    the line of the element it comes from; and the titles (text that is
    printed again where it is referred to: contents, running heads,
    cross-references, the cover)."""

    def __init__(self, path):
        from lxml import etree
        parser = etree.XMLParser(resolve_entities=True, no_network=True, load_dtd=False)
        tree = etree.parse(str(path), parser)
        tree.xinclude()
        self.root = tree.getroot()
        self._referenced = {x.get("linkend") for x in self.root.iter()
                            if isinstance(x.tag, str) and x.get("linkend")}
        self._pieces, self._starts, self._lines, self._length = [], [], [], 0
        self.titles = []     # token tuples
        self._walk_root()
        # an xref's endterm prints that element's text (a titleabbrev too)
        ids = {x.get("{http://www.w3.org/XML/1998/namespace}id"): x for x in self.root.iter()
               if isinstance(x.tag, str)}
        for x in self.root.iter():
            if isinstance(x.tag, str) and x.get("endterm") in ids:
                self._title(ids[x.get("endterm")])
        text = "".join(self._pieces)
        self.words = [(t, self._lines[bisect.bisect_right(self._starts, off) - 1])
                      for t, off in conservation_tokens(text, with_offsets=True)]

    def _add(self, text, line):
        text = unicodedata.normalize("NFKC", text)
        self._starts.append(self._length)
        self._lines.append(line)
        self._pieces.append(text)
        self._length += len(text)

    def _title(self, el):
        toks = tuple(conservation_tokens("".join(self._printed_text(el))))
        if toks:
            self.titles.append(toks)

    def _printed_text(self, el):
        """Text of EL without footnotes and never-printed elements."""
        sep = "" if _local(el) in INLINE else " "
        out = [sep, el.text or ""]
        for c in el:
            if _local(c) not in NEVER_PRINTED | {"footnote"}:
                out += self._printed_text(c)
            out.append(c.tail or "")
        return out + [sep]

    def _walk_root(self):
        root = self.root
        info = next((c for c in root if _local(c) == "info"), None)
        for c in info if info is not None else ():
            name = _local(c)
            if name in ("title", "subtitle", "orgname", "publisher", "pubdate", "date"):
                self._title(c)  # the cover, metadata, running heads
            if name not in INFO_NOT_PRINTED and isinstance(c.tag, str):
                self._walk(c, in_budget=False)
        self._walk(root, in_budget=False, skip_info=True)

    def _walk(self, el, in_budget, skip_info=False, amount_cols=()):
        name = _local(el)
        if name in NEVER_PRINTED or not isinstance(el.tag, str):
            return
        if name in ("title", "subtitle"):
            self._title(el)
        if name in ("table", "informaltable"):
            roles = (el.get("role") or "").split()
            in_budget = "budget" in roles
            if {"chart-bar", "chart-share"} & set(roles):
                # A chart prints each row's label again beside its bar.
                for row in el.iter("{http://docbook.org/ns/docbook}row"):
                    first = next(iter(row), None)
                    if first is not None:
                        self._title(first)
        if name == "thead":
            for row in el:
                self._title(row)  # repeated on every page the table runs on to
        if name == "tgroup":
            amount_cols = tuple(c.get("colname") for c in el
                                if _local(c) == "colspec" and c.get("role") == "amount")
        if name in ("mediaobject", "inlinemediaobject") and \
                any(_local(d) == "imagedata" for d in el.iter()):
            # the image is printed; its text object is its alternative text,
            # its caption is printed under it
            for c in el:
                if _local(c) == "caption":
                    self._walk(c, in_budget)
            return
        sep = "" if name in INLINE else " "
        if name == "entry" and in_budget and (
                el.get("role") == "amount" or el.get("colname") in amount_cols):
            self._add(f" {_amount_text(''.join(el.itertext()))} ", el.sourceline)
            return
        if name == "link" and not "".join(el.itertext()).strip():
            self._add(el.get("{http://www.w3.org/1999/xlink}href") or "", el.sourceline)
        if name == "xref":
            return  # generated: the target's title and page
        if el.get("{http://www.w3.org/XML/1998/namespace}id") in self._referenced:
            self._title(_xref_text_of(el))  # an xref prints its text
        # generated labels: what an xref prints instead of the title, a
        # bibliography entry's label (its xreflabel, else its xml:id)
        for label in (el.get("xreflabel"),
                      el.get("{http://www.w3.org/XML/1998/namespace}id")
                      if name in ("bibliomixed", "biblioentry") else None):
            if label and conservation_tokens(label):
                self.titles.append(tuple(conservation_tokens(label)))
        self._add(sep + (el.text or ""), el.sourceline)
        kids = list(el)
        if name == "blockquote":  # DocBook writes the attribution first, prints it last
            kids = [c for c in kids if _local(c) != "attribution"] + \
                   [c for c in kids if _local(c) == "attribution"]
        for c in kids:
            if not (skip_info and _local(c) == "info"):
                self._walk(c, in_budget, amount_cols=amount_cols)
            self._add(c.tail or "", el.sourceline)
        self._add(sep, el.sourceline)


def _style_vocabulary(style):
    root = ET.parse(style).getroot()
    words = set()
    for el in root.iter():
        if el.tag.endswith("}strings") or el.tag.endswith("}page"):
            for v in el.attrib.values():
                words.update(conservation_tokens(re.sub(r"\{\w+\}", " ", v)))
    return words


def _equal_alignments(got, b0, run):
    """RUN, printed at GOT[B0:], and the runs the alignment could as well
    have left over: when the K words before RUN are its last K words, the
    run K words earlier is the same text moved (a repeated table header
    "post omschrijving bedrag" before a row that starts with "post" is
    left over as "omschrijving bedrag post")."""
    yield run
    if got[b0:b0 + len(run)] != run:
        return  # furniture: a line of its own
    for k in range(1, min(len(run), b0) + 1):
        if got[b0 - k:b0] == run[len(run) - k:]:
            yield got[b0 - k:b0 - k + len(run)]


def _generated_run(tokens, titles, vocab, letter_breaks=False):
    """TOKENS can be read as numbers, style words and whole titles (with
    LETTER_BREAKS: titles whose words may be broken between letters)."""
    by_first = {}
    for t in titles:
        by_first.setdefault(t[0], set()).add(t)
    ok = [False] * (len(tokens) + 1)
    ok[0] = True
    for i in range(len(tokens)):
        if not ok[i]:
            continue
        tok = tokens[i]
        if tok.isdigit() or tok in vocab or re.fullmatch(r"[a-z]|[ivxlc]+", tok):
            ok[i + 1] = True
        for t in by_first.get(tok, ()):
            if tuple(tokens[i:i + len(t)]) == t:
                ok[i + len(t)] = True
        if letter_breaks:
            for t in titles:
                _mark_broken_title(tokens, i, "".join(t), ok)
    return ok[len(tokens)]


def _mark_broken_title(tokens, i, letters, ok):
    """Marks where TOKENS from I on spell LETTERS, however they are split."""
    joined = ""
    for j in range(i, len(tokens)):
        joined += tokens[j]
        if not letters.startswith(joined):
            return
        if joined == letters:
            ok[j + 1] = True
            return


def _find_run(needle, hay):
    n = len(needle)
    for i in range(len(hay) - n + 1):
        if hay[i:i + n] == needle:
            return i
    return -1


def _pdf_lines(pdf_path):
    """The PDF's text (pdftotext -bbox-layout, in its reading order) as the
    body, pages joined, so that a word hyphenated across a page break joins
    up; and the lines in the top and bottom margins (running heads, folios)
    apart."""
    doc = Doc(pdf_path)
    master = page_master("body")
    body, furniture = [], []
    for index, page in enumerate(doc.bbox_pages):
        area = text_area(index + 1, master)
        for line in page["lines"]:
            if not line:
                continue
            text = " ".join(w.text for w in line)
            if max(w.box.y1 for w in line) <= area.y0 or min(w.box.y0 for w in line) >= area.y1:
                furniture.append(text)
            else:
                body.append(text)
    return "\n".join(body), furniture


def _move_run(run, extra, shortest=2):
    """Takes RUN out of the EXTRA runs (replacing each run it is found in
    by what lies before and after it), whole or as pieces of at least
    SHORTEST tokens, longest first; returns the tokens found nowhere."""
    while run:
        best = None  # (length, index into extra, offset)
        for k, (_, ex) in enumerate(extra):
            n = len(run)
            while n >= min(shortest, len(run)) and _find_run(run[:n], ex) < 0:
                n -= 1
            if n >= min(shortest, len(run)) and (best is None or n > best[0]):
                best = (n, k, _find_run(run[:n], ex))
        if best is None:
            return run
        n, k, i = best
        b0, ex = extra[k]
        extra[k:k + 1] = [(b0, ex[:i]), (b0 + i + n, ex[i + n:])]
        run = run[n:]
    return run


def text_conservation_problems(source, pdf_path, style=STYLE_XML, show=8, letter_breaks=False):
    """Problems with the conservation of SOURCE's words in PDF_PATH: a list
    of messages, empty when every word is printed once and in order.
    LETTER_BREAKS: the compiler warned that it broke words between letters
    (a column too narrow); such a word may print as two."""
    import difflib
    src = SourceText(source)
    body, furniture = _pdf_lines(pdf_path)
    got = conservation_tokens(body)
    want = [t for t, _ in src.words]
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    missing = []   # (start, tokens): runs of WANT
    # (start, tokens): runs of GOT; running heads and folios are apart
    extra = [(len(got), conservation_tokens(line)) for line in furniture]
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "replace" and letter_breaks and "".join(want[a0:a1]) == "".join(got[b0:b1]):
            continue  # the same letters, a word broken between letters (warned)
        if op in ("delete", "replace"):
            missing.append((a0, want[a0:a1]))
        if op in ("insert", "replace"):
            extra.append((b0, got[b0:b1]))
    # Moved runs: a missing run found whole inside an extra run, or in
    # pieces of two words or more (a table row read beside a footnote that
    # a page break moved), each piece taken out of the extra text once.
    left = []
    for a0, run in sorted(missing, key=lambda m: -len(m[1])):
        rest = _move_run(run, extra)
        if rest:
            left.append((a0 + len(run) - len(rest), rest))
    vocab = _style_vocabulary(style)
    problems = []
    for a0, run in sorted(left):
        line = src.words[a0][1]
        problems.append(f"missing from the PDF (source line {line}): {' '.join(run[:30])}")
    for b0, ex in extra:
        if ex and not any(_generated_run(run, src.titles, vocab, letter_breaks)
                          for run in _equal_alignments(got, b0, ex)):
            ctx = " ".join(got[max(0, b0 - 6):b0])
            problems.append(f"printed but not in the source (after '…{ctx}'): "
                            f"{' '.join(ex[:30])}")
    return problems[:show] + ([f"… and {len(problems) - show} more"] if len(problems) > show else [])


def assert_text_conserved(source, pdf_path, style=STYLE_XML, stderr=""):
    """STDERR: the compiler's diagnostics (a warned letter break is no loss)."""
    problems = text_conservation_problems(source, pdf_path, style,
                                          letter_breaks="between letters" in stderr)
    assert not problems, f"text of {source} not conserved in {pdf_path}:\n" + "\n".join(problems)

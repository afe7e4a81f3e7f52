"""The style-sheet schema (schema/style.rnc, schema/style.rng) against the
shipped style sheets, against broken ones, and against the compiler.

- both shipped styles (styles/*.xml) are valid (xmllint, and jing when
  installed) and compile the real report;
- a broken style sheet (unknown attribute, bad length, bad colour, unknown
  element) is rejected by xmllint with the line of the fault, and by
  kcvs-pdf with a `FILE:LINE:COL: error:` diagnostic on the same line;
- every class and page the compiler requires is named in the schema's
  documentation, and every element and attribute of the schema is
  documented (that the schema's attributes and types are those of the style
  table, src/load/style_table.c, is tests/unit/test_style_table.c's part);
- style.rng is trang's translation of style.rnc (when trang is installed).

The broken sheets are copies of a shipped sheet in a temporary folder, with
"../fonts/" made absolute so that the copy still finds its fonts.
"""

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import KCVS_PDF, REPORT_XML, ROOT, assert_within_cpu, compile_ok, cpu_limit, run_kcvs

SCHEMA_RNC = ROOT / "schema" / "style.rnc"
SCHEMA_RNG = ROOT / "schema" / "style.rng"
STYLE_C = ROOT / "src" / "load" / "style.c"
STYLES = sorted((ROOT / "styles").glob("*.xml"))
FONTS = ROOT / "fonts"

RNG = "{http://relaxng.org/ns/structure/1.0}"
DOC = "{http://relaxng.org/ns/compatibility/annotations/1.0}documentation"

def xmllint(path, cpu_seconds=None):
    return subprocess.run(["xmllint", "--noout", "--nonet", "--relaxng", str(SCHEMA_RNG),
                           str(path)], capture_output=True, text=True, timeout=60,
                          preexec_fn=cpu_limit(cpu_seconds) if cpu_seconds else None)


def needs(tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed")


def test_shipped_styles_exist():
    names = {p.stem for p in STYLES}
    assert {"kcvs", "sober"} <= names, names


# ------------------------------------------------------------ valid sheets


@pytest.mark.parametrize("style", STYLES, ids=lambda p: p.name)
def test_shipped_style_is_valid_xmllint(style):
    needs("xmllint")
    r = xmllint(style)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("style", STYLES, ids=lambda p: p.name)
def test_shipped_style_is_valid_jing(style):
    needs("jing")
    for args in (["jing", str(SCHEMA_RNG), str(style)],
                 ["jing", "-c", str(SCHEMA_RNC), str(style)]):
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"{' '.join(args)}:\n{r.stdout}{r.stderr}"


@pytest.mark.parametrize("name", ["kcvs", "sober"])
def test_shipped_style_compiles_the_report(name, tmp_path):
    out = tmp_path / f"report-{name}.pdf"
    doc = compile_ok(REPORT_XML, out, "--style", name)
    assert doc.page_count > 5
    assert out.read_bytes().startswith(b"%PDF-")


def test_schema_is_fast_enough_for_editors():
    """libxml2's RELAX NG is exponential on long groups of optional
    attributes; the schema interleaves them so that xmllint answers at
    once (it took minutes on a grouped schema)."""
    needs("xmllint")
    for style in STYLES:
        # bounded by CPU time (RLIMIT_CPU), not by the wall clock
        assert_within_cpu(xmllint(style, cpu_seconds=5).returncode, 5, f"xmllint {style}")


# ------------------------------------------------------------ broken sheets


def copy_style(src):
    """The lines of SRC with absolute font paths, for a copy elsewhere."""
    text = Path(src).read_text(encoding="utf-8")
    text = text.replace("../fonts/", str(FONTS.resolve()) + "/")
    return text.splitlines()


def insert_after(lines, pattern, new):
    """Inserts NEW after the first line matching PATTERN (after the end of
    that element when it spans lines); returns the 1-based line of NEW."""
    for i, line in enumerate(lines):
        if re.search(pattern, line):
            j = i
            while "/>" not in lines[j] and ">" not in lines[j].split("<", 1)[-1]:
                j += 1
            lines.insert(j + 1, new)
            return j + 2
    raise AssertionError(f"no line matches {pattern!r}")


def insert_before_end(lines, new):
    for i in range(len(lines) - 1, -1, -1):
        if "</style>" in lines[i]:
            lines.insert(i, new)
            return i + 1
    raise AssertionError("no </style>")


# name -> (how to break the sheet, what the compiler's message mentions: it
# validates the sheet against schema/style.rng, then checks it itself)
BROKEN = {
    "unknown-attribute": (
        lambda ls: insert_before_end(ls, '  <class name="extra" base="body" glow="true"/>'),
        r"\bglow\b"),
    "bad-length": (
        lambda ls: insert_before_end(ls, '  <class name="extra" size="12px"/>'),
        r"\bsize\b"),
    "bad-colour": (
        lambda ls: insert_after(ls, r"<colour ", '  <colour name="extra" rgb="#12" cmyk="0 0 0 0"/>'),
        r"\bcolour\b"),
    "unknown-element": (
        lambda ls: insert_before_end(ls, '  <flourish name="extra"/>'),
        r"\bflourish\b"),
}


@pytest.fixture(params=sorted(BROKEN), ids=str)
def broken(request, tmp_path):
    """(path, line of the fault, expected compiler message) for one broken
    copy of each shipped style."""
    results = []
    for style in STYLES:
        lines = copy_style(style)
        make, message = BROKEN[request.param]
        line = make(lines)
        path = tmp_path / f"bad-{style.stem}-{request.param}.xml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        results.append((path, line, message))
    return results


def test_copied_style_is_valid_and_compiles(tmp_path):
    """The copying itself breaks nothing (so a failure below is the fault's)."""
    for style in STYLES:
        path = tmp_path / f"copy-{style.name}"
        path.write_text("\n".join(copy_style(style)) + "\n", encoding="utf-8")
        if shutil.which("xmllint"):
            r = xmllint(path)
            assert r.returncode == 0, r.stderr
        res = run_kcvs("--style", path, REPORT_XML, "-o", tmp_path / "x.pdf", cwd=tmp_path)
        assert res.returncode == 0, res.stderr


def schema_opens(style, tmp_path):
    """How often kcvs-pdf opens the style schema compiling the report with
    STYLE (strace)."""
    log = tmp_path / "strace.log"
    # LeakSanitizer cannot work under ptrace: the sanitizer build
    # (make asan-check) runs here without leak checking.
    env = dict(os.environ, ASAN_OPTIONS=",".join(
        filter(None, [os.environ.get("ASAN_OPTIONS", ""), "detect_leaks=0"])))
    r = subprocess.run(["strace", "-f", "-e", "trace=open,openat", "-o", str(log),
                        str(KCVS_PDF), "--style", str(style), str(REPORT_XML),
                        "-o", str(tmp_path / "x.pdf")],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    return log.read_text(encoding="utf-8").count(SCHEMA_RNG.name)


def test_shipped_style_is_validated_at_build_time_only(tmp_path):
    """tools/stylecheck validated the shipped sheets when kcvs-pdf was
    built: the compiler opens the schema once, to see that it is that
    schema, and does not parse it; a copy with other bytes is validated,
    the schema opened again to parse it."""
    needs("strace")
    for style in STYLES:
        assert schema_opens(style, tmp_path) == 1, style.name
        copy = tmp_path / f"copy-{style.name}"
        copy.write_text("\n".join(copy_style(style)) + "\n", encoding="utf-8")
        assert schema_opens(copy, tmp_path) == 2, copy.name


def test_broken_style_rejected_by_xmllint(broken):
    needs("xmllint")
    for path, line, _ in broken:
        r = xmllint(path)
        assert r.returncode != 0, f"xmllint accepted {path.name}"
        places = [int(n) for n in re.findall(rf"{re.escape(path.name)}:(\d+):", r.stderr)]
        assert places, r.stderr
        assert places[0] == line, f"{path.name}: fault on line {line}, xmllint says:\n{r.stderr}"


def test_broken_style_rejected_by_jing(broken):
    needs("jing")
    for path, line, _ in broken:
        r = subprocess.run(["jing", "-c", str(SCHEMA_RNC), str(path)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode != 0, f"jing accepted {path.name}"
        assert f"{path.name}:{line}:" in r.stdout + r.stderr, r.stdout + r.stderr


def test_broken_style_rejected_by_compiler(broken, tmp_path):
    for path, line, message in broken:
        out = tmp_path / "x.pdf"
        res = run_kcvs("--style", path, REPORT_XML, "-o", out, cwd=tmp_path)
        assert res.returncode != 0, f"kcvs-pdf accepted {path.name}"
        assert res.returncode in (1, 2), f"kcvs-pdf crashed ({res.returncode}):\n{res.stderr}"
        diag = re.compile(rf"^{re.escape(str(path))}:(\d+):\d+: error: (.*)$", re.M)
        found = [(int(m.group(1)), m.group(2)) for m in diag.finditer(res.stderr)]
        assert found, f"no {path.name}:LINE: diagnostic in:\n{res.stderr}"
        assert any(n == line and re.search(message, msg) for n, msg in found), \
            f"{path.name}: fault on line {line} ({message}); kcvs-pdf says:\n{res.stderr}"
        assert not out.exists(), "a PDF was written despite the broken style"


# ------------------------------------------------------------ no drift


def rng_grammar():
    root = ET.parse(SCHEMA_RNG).getroot()
    defines = {}
    for d in root.iter(RNG + "define"):
        defines.setdefault(d.get("name"), []).append(d)
    elements = {}
    for el in root.iter(RNG + "element"):
        elements.setdefault(el.get("name"), []).append(el)
    return defines, elements


def test_required_classes_and_pages_are_documented():
    src = STYLE_C.read_text(encoding="utf-8")
    defines, elements = rng_grammar()
    doc = " ".join(d.text or "" for d in elements["style"][0].findall(DOC))
    doc = re.sub(r"\s+", " ", doc)
    for table in ("required_classes", "required_masters"):
        m = re.search(rf"{table}\[\]\s*=\s*\{{(.*?)\}};", src, re.S)
        assert m, f"{table} not found in {STYLE_C}"
        for name in re.findall(r'"([^"]+)"', m.group(1)):
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", doc), \
                f"the <style> documentation does not list the required {name!r}"


def test_every_element_and_attribute_is_documented():
    root = ET.parse(SCHEMA_RNG).getroot()
    undocumented = [f"{el.tag.split('}')[1]} {el.get('name')}" for el in root.iter()
                    if el.tag in (RNG + "element", RNG + "attribute")
                    and not (el.findtext(DOC) or "").strip()]
    assert not undocumented, undocumented


def test_rng_is_trangs_translation_of_rnc(tmp_path):
    needs("trang")
    out = tmp_path / "style.rng"
    r = subprocess.run(["trang", "-I", "rnc", "-O", "rng", str(SCHEMA_RNC), str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == SCHEMA_RNG.read_text(encoding="utf-8"), \
        "schema/style.rng is stale: trang -I rnc -O rng schema/style.rnc schema/style.rng"

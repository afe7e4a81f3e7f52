"""Real third-party DocBook 5 documents (../shared/real-docbook/, beside the
repository; see its SOURCES.md): nobody on this project wrote them and they
use many elements outside the FORMAT.md subset. Each is compiled from a
private copy and must meet its *.expect.json:

- exit status 0 within timeout_s seconds of CPU time (RLIMIT_CPU) and
  max_rss_mb;
- one warning per unsupported element kind (the json's keys, less the
  elements kcvs-pdf sets, which are never warned: --list-elements), naming the
  file, the element and the line of its first occurrence (the json lists
  the first lines of each kind);
- at least min_text_coverage of the document's word occurrences (XML text
  content, without the text of indexterm and remark, which DocBook never
  prints) in pdftotext's output, compared case-insensitively with
  punctuation and hyphenation normalised;
- /Lang from xml:lang (the json's language; default nl-BE);
- every font embedded (pdffonts);
- URI annotations only for the document's own xlink:href links and
  <email> addresses (mailto:), and one for every <link xlink:href> and
  <email> it has.

Nothing from ../shared is copied into the repository; without that folder
(a bare clone) the tests are skipped.
"""

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import pytest

from conftest import KCVS_PDF, ROOT, assert_within_cpu, cpu_limit, xml_text

REAL = Path(os.environ.get("KCVS_REAL_DOCBOOK", ROOT.parent / "shared" / "real-docbook"))
DB = "{http://docbook.org/ns/docbook}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
NEVER_PRINTED = {DB + "indexterm", DB + "remark"}
WARNING = re.compile(r"(?P<file>.+?):(?P<line>[0-9]+):(?P<col>[0-9]+): warning: "
                     r"(?P<msg>.*?\belement <(?P<el>[^>]+)>.*)")


@functools.cache
def set_elements():
    """The elements kcvs-pdf sets (the subset and FORMAT.md's "DocBook as
    people write it"), never warned whatever the json (written before they
    were supported) lists: asked of the binary, which declares the list."""
    r = subprocess.run([str(KCVS_PDF), "--list-elements"], capture_output=True,
                       text=True, check=True)
    return set(r.stdout.split())


SANITIZER = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|AddressSanitizer:")


def expectations():
    if not REAL.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"{REAL} not found (the shared folder is not beside this clone)"))]
    return [pytest.param(p, id=p.name.removesuffix(".expect.json"))
            for p in sorted(REAL.glob("*.expect.json"))]


def run_measured(args, cwd, timeout):
    """Runs ARGS under a CPU-time limit of TIMEOUT seconds; returns (status,
    stdout, stderr, peak RSS in MB) of that one child (os.wait4).
    A wall-clock kill after four times TIMEOUT is only a safety net."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    with open(cwd / ".stdout", "w+b") as out, open(cwd / ".stderr", "w+b") as err:
        p = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err,
                             preexec_fn=cpu_limit(timeout))
        timer = threading.Timer(4 * timeout, lambda: os.kill(p.pid, signal.SIGKILL))
        timer.start()
        try:
            _, wstatus, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(wstatus)
        out.seek(0)
        err.seek(0)
        result = (p.returncode, out.read().decode("utf-8", "replace"),
                  err.read().decode("utf-8", "replace"), usage.ru_maxrss / 1024)
    (cwd / ".stdout").unlink()
    (cwd / ".stderr").unlink()
    return result


class Compiled:
    def __init__(self, expect_path, workdir):
        self.expect = json.loads(expect_path.read_text())
        src = REAL / self.expect["input"]
        # A private copy: the document's folder (images and all) when it has
        # its own, else the file alone.
        if src.parent != REAL:
            shutil.copytree(src.parent, workdir / src.parent.name)
        else:
            shutil.copy(src, workdir)
        self.rel = str(src.relative_to(REAL))
        self.source = workdir / self.rel
        self.pdf = workdir / "out" / "doc.pdf"
        self.pdf.parent.mkdir()
        (self.status, self.stdout, self.stderr,
         self.rss_mb) = run_measured([str(KCVS_PDF), self.rel, "-o", str(self.pdf)],
                                     workdir, self.expect.get("timeout_s", 180))


@pytest.fixture(scope="module", params=expectations())
def compiled(request, tmp_path_factory):
    return Compiled(request.param, tmp_path_factory.mktemp("real"))


def test_compiles(compiled):
    c = compiled
    assert not SANITIZER.search(c.stderr), c.stderr
    assert_within_cpu(c.status, c.expect.get("timeout_s", 180), c.rel)
    assert c.status == 0, f"{c.rel}: exit status {c.status}\n{c.stderr}"
    assert c.pdf.is_file()
    assert c.rss_mb <= c.expect.get("max_rss_mb", 1024), f"peak memory {c.rss_mb:.0f} MB"


def test_one_warning_per_unsupported_element_kind(compiled):
    c = compiled
    known = set_elements()
    expected = {k: v for k, v in c.expect["unsupported_elements"].items()
                if k not in known}
    warned = {}
    for line in c.stderr.splitlines():
        m = WARNING.fullmatch(line)
        if m:
            warned.setdefault(m["el"], []).append((m["file"], int(m["line"])))
    problems = []
    for kind in sorted(set(expected) | set(warned)):
        got = warned.get(kind, [])
        if kind not in expected:
            problems.append(f"<{kind}>: warned at {got} but it is not an unsupported kind")
        elif not got:
            problems.append(f"<{kind}>: no warning (first occurrences {expected[kind]})")
        elif len(got) > 1:
            problems.append(f"<{kind}>: {len(got)} warnings {got}, expected one")
        elif got[0][0] != c.rel or got[0][1] not in expected[kind]:
            problems.append(f"<{kind}>: warning at {got[0][0]}:{got[0][1]}, expected "
                            f"{c.rel} at one of lines {expected[kind]}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- words


def normalise(text):
    """Case-insensitive words; a hyphen with the white space after it is
    removed on both sides (a hyphenation break equals the unbroken word),
    all other punctuation separates words."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "-")
    text = re.sub(r"[-\u2010\u2011]\s*", "", text)
    return re.findall(r"\w+", text.casefold())


def printed_text(el):
    return xml_text(el, NEVER_PRINTED, " ")


def test_words_of_the_document_are_in_the_pdf(compiled):
    c = compiled
    if not c.pdf.is_file():
        pytest.fail(f"no PDF (exit status {c.status})")
    source = Counter(normalise(printed_text(ET.parse(c.source).getroot())))
    pdf = Counter(normalise(subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(c.pdf), "-"], capture_output=True, text=True,
        check=True).stdout))
    # A footnote mark follows its word without a space ("Datentypen1").
    for word, n in list(pdf.items()):
        m = re.fullmatch(r"(\D+?)[0-9]+", word)
        if m:
            pdf[m[1]] += n
    total = sum(source.values())
    found = sum(min(n, pdf[w]) for w, n in source.items())
    missing = sorted(((n - pdf[w], w) for w, n in source.items() if pdf[w] < n), reverse=True)
    assert found / total >= c.expect.get("min_text_coverage", 0.99), (
        f"{found}/{total} = {found / total:.2%} of the word occurrences are in the PDF; "
        f"most missing: {missing[:25]}")


# ---------------------------------------------------------------- PDF


def test_lang(compiled):
    c = compiled
    if not c.pdf.is_file():
        pytest.fail(f"no PDF (exit status {c.status})")
    root = ET.parse(c.source).getroot()
    lang = root.get("{http://www.w3.org/XML/1998/namespace}lang", "nl-BE")
    assert lang == c.expect["language"]
    with pikepdf.open(c.pdf) as pdf:
        assert str(pdf.Root.get("/Lang", "")) == lang


def test_fonts_embedded(compiled):
    c = compiled
    if not c.pdf.is_file():
        pytest.fail(f"no PDF (exit status {c.status})")
    out = subprocess.run(["pdffonts", str(c.pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert len(out) > 2, f"no fonts at all:\n{out}"
    # name type encoding emb sub uni object ID: emb is the 5th field from the end
    rows = [l.split() for l in out[2:]]
    not_embedded = [r[0] for r in rows if r[-5] != "yes"]
    assert not not_embedded, f"fonts not embedded: {not_embedded}"


def test_uri_annotations_are_the_documents_own_links(compiled):
    c = compiled
    if not c.pdf.is_file():
        pytest.fail(f"no PDF (exit status {c.status})")
    root = ET.parse(c.source).getroot()
    hrefs = {el.get(XLINK_HREF).strip() for el in root.iter() if el.get(XLINK_HREF)}
    # an <email> is a mailto: link (FORMAT.md)
    mails = {"mailto:" + "".join(el.itertext()).strip() for el in root.iter(DB + "email")
             if not el.get(XLINK_HREF)}
    hrefs |= mails
    linked = {el.get(XLINK_HREF).strip() for el in root.iter(DB + "link")
              if el.get(XLINK_HREF)} | mails
    uris = []
    with pikepdf.open(c.pdf) as pdf:
        for page in pdf.pages:
            for a in page.obj.get("/Annots", pikepdf.Array()):
                action = a.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action.URI))
    # The compiler may percent-encode what a URI may not contain raw.
    canonical = {unquote(h): h for h in hrefs}
    foreign = [u for u in uris if u not in hrefs and unquote(u) not in canonical]
    assert not foreign, f"URI annotations that are not the document's links: {foreign}"
    annotated = {canonical.get(unquote(u), u) for u in uris}
    unlinked = sorted(h for h in linked if h not in annotated)
    assert not unlinked, f"<link xlink:href> without an annotation: {unlinked}"


# ---------------------------------------------------------------- reductions
# Minimal documents reproducing what the real documents showed; they need no
# ../shared folder.

REDUCTION = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info>
    <title>Proef</title>{info}
  </info>
  <section>
    <title>Werkspoor</title>
    <para>Een alinea.</para>{body}
  </section>
</article>
"""


def compile_reduction(tmp_path, info="", body=""):
    src = tmp_path / "r.xml"
    src.write_text(REDUCTION.format(info=info, body=body))
    status, _, stderr, _ = run_measured([str(KCVS_PDF), "r.xml", "-o", "r.pdf"],
                                           tmp_path, 60)
    assert status == 0, stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text, stderr


def test_footnote_inside_a_table_entry_is_printed(tmp_path):
    """howto.de.xml's schema comparison table: the footnote marks are
    printed, the footnotes' text nowhere."""
    text, stderr = compile_reduction(tmp_path, body="""
    <informaltable>
      <tgroup cols="2">
        <tbody>
          <row><entry>Cel<footnote><para>VOETNOOTINCEL</para></footnote></entry><entry>x</entry></row>
        </tbody>
      </tgroup>
    </informaltable>""")
    assert "VOETNOOTINCEL" in text, f"the footnote's text is missing:\n{text}"


def test_unsupported_info_child_is_warned_and_printed(tmp_path):
    """An info child like an <editor>: an element outside the
    subset "is not dropped: its text is typeset as plain paragraphs and a
    warning names the file, line and element" (FORMAT.md) - inside <info>
    too; an <author> (part of the contract) is printed without a warning."""
    text, stderr = compile_reduction(tmp_path, info="""
    <editor><personname><firstname>Annelies</firstname><surname>Vandermeersch</surname></personname></editor>
    <author><personname><firstname>Jo</firstname><surname>Verbruggen</surname></personname></author>""")
    assert re.search(r"^r\.xml:5:[0-9]+: warning: .*<editor>", stderr, re.M), stderr
    assert "<author>" not in stderr, stderr
    assert "Vandermeersch" in text, f"the name is missing:\n{text}"
    assert "Verbruggen" in text, f"the author's name is missing:\n{text}"

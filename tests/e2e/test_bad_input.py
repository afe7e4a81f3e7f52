"""Bad input: every document error and environment problem is reported as
`file:line:col: error: message` lines naming the right file (the included
file when the problem is inside an included section) and line, with exit
status 1 (document) or 2 (usage or environment); no PDF appears, no
temporary `.NAME.pdf.XXXXXX` is left in the output folder, and an earlier
PDF at the output path stays byte for byte as it was (FORMAT.md, "Anything
else").

The inputs are tests/data/bad/ (see its README.md), copied into a temporary
folder per test; large ones are generated here. The binary is $KCVS_PDF
(conftest.KCVS_PDF, an absolute path: the compiler runs with the copied
folder as its working directory, so diagnostics name files relative to it).
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DATA, KCVS_PDF, STYLE_XML, assert_within_cpu, cpu_limit

BAD = DATA / "bad"
TIMEOUT = 60            # seconds before a run counts as hung
# CPU seconds: "fails fast", enforced by RLIMIT_CPU (generous for the ASan
# build; never a wall-clock assertion, which a loaded machine breaks).
FAST = 10
SENTINEL = b"%PDF-1.7\n% an earlier PDF that a failed run must leave alone\n" + bytes(range(256))

DIAG = re.compile(r"(?P<file>.+?):(?P<line>[0-9]+):(?P<col>[0-9]+): "
                  r"(?P<kind>error|warning): (?P<msg>\S.*)")
# A problem with no place in a file (the output path, a missing source).
FILE_DIAG = re.compile(r"(?P<file>.+?): (?P<kind>error|warning): (?P<msg>\S.*)")
SANITIZER = re.compile(r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:"
                       r"|UndefinedBehaviorSanitizer|AddressSanitizer:DEADLYSIGNAL")
# What a fetch attempt prints (libxml2's nanohttp/I/O layer, the resolver).
FETCH_ERROR = re.compile(r"failed to load (HTTP|external)|I/O (error|warning)|nanohttp"
                         r"|Name or service not known|Temporary failure in name resolution"
                         r"|Connection refused|Could not resolve|getaddrinfo", re.I)


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


def run(*args, cwd, env=None, timeout=TIMEOUT, cpu=None):
    """Runs the compiler; with CPU, under that RLIMIT_CPU (in seconds), and
    asserts it was not killed by it. TIMEOUT is only a safety net."""
    full_env = dict(os.environ)
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.update(env or {})
    p = subprocess.run([str(KCVS_PDF), *map(str, args)], cwd=cwd, env=full_env,
                       capture_output=True, timeout=timeout,
                       preexec_fn=cpu_limit(cpu) if cpu else None)
    if cpu:
        assert_within_cpu(p.returncode, cpu, f"kcvs-pdf {' '.join(map(str, args))}")
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"),
               p.stderr.decode("utf-8", "replace"))


def line_of(path, needle, nth=1):
    """1-based number of the line holding the NTH occurrence of NEEDLE."""
    seen = 0
    for i, line in enumerate(Path(path).read_bytes().split(b"\n"), 1):
        if needle.encode() in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(f"{needle!r} not in {path}")


def diagnostics(stderr):
    """Parses stderr. Every line must be a diagnostic; no sanitizer report."""
    assert not SANITIZER.search(stderr), f"sanitizer report:\n{stderr}"
    out = []
    for line in stderr.splitlines():
        if not line.strip():
            continue
        m = DIAG.fullmatch(line)
        if m:
            out.append((m["file"], int(m["line"]), m["kind"], m["msg"]))
            continue
        m = FILE_DIAG.fullmatch(line)
        assert m, f"stderr line is not a diagnostic: {line!r}\nstderr:\n{stderr}"
        out.append((m["file"], 0, m["kind"], m["msg"]))
    return out


def errors_of(stderr):
    return [d for d in diagnostics(stderr) if d[2] == "error"]


def assert_error_at(stderr, file, lines, message=None):
    """An error names FILE and one of LINES (and matches MESSAGE); every
    error names a file and a line (a document error always has a place)."""
    lines = {lines} if isinstance(lines, int) else set(lines)
    errs = errors_of(stderr)
    assert errs, f"no error reported:\n{stderr}"
    unplaced = [e for e in errs if e[0] == "kcvs-pdf" or e[1] == 0]
    assert not unplaced, f"errors without file:line: {unplaced}\nstderr:\n{stderr}"
    hits = [e for e in errs if e[0] == str(file) and e[1] in lines
            and (message is None or re.search(message, e[3], re.I))]
    assert hits, (f"no error at {file}:{sorted(lines)}"
                  + (f" matching /{message}/" if message else "") + f"; got:\n{stderr}")
    return errs


def output_dir_state(out_dir, target):
    """Everything in OUT_DIR except TARGET: must stay empty (no temporary
    .NAME.pdf.XXXXXX left behind)."""
    return sorted(p.name for p in Path(out_dir).iterdir() if p.name != Path(target).name)


def assert_rejected(source, *, cwd, out_dir, status=1, args=(), timeout=TIMEOUT, cpu=None):
    """Runs twice: without an output file (none may appear) and with an
    earlier PDF at the output path (it must stay byte-identical). Returns
    the first run; the caller checks its diagnostics."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "report.pdf"
    runs = []
    for earlier in (None, SENTINEL):
        for p in out_dir.iterdir():
            p.unlink()
        if earlier is not None:
            target.write_bytes(earlier)
        r = run(source, "-o", target, *args, cwd=cwd, timeout=timeout, cpu=cpu)
        assert r.status == status, (f"exit status {r.status}, expected {status}"
                                    f"{' (killed by a signal)' if r.status < 0 else ''}"
                                    f"\nstderr:\n{r.stderr}")
        if earlier is None:
            assert not target.exists(), "a PDF was written despite the error"
        else:
            assert target.read_bytes() == earlier, "the earlier PDF was changed"
        assert output_dir_state(out_dir, target) == [], \
            f"stray files in the output folder: {output_dir_state(out_dir, target)}"
        runs.append(r)
    assert runs[0].stderr == runs[1].stderr, "the diagnostics depend on an earlier PDF"
    return runs[0]


@pytest.fixture
def doc(tmp_path):
    """A private copy of tests/data/bad/ (the report's folder)."""
    d = tmp_path / "doc"
    shutil.copytree(BAD, d, symlinks=True)
    return d


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    return d


def reject(doc, out, name, *, status=1, args=(), timeout=TIMEOUT, cpu=None):
    return assert_rejected(name, cwd=doc, out_dir=out, status=status, args=args,
                           timeout=timeout, cpu=cpu)


def passwd_lines():
    try:
        text = Path("/etc/passwd").read_text(errors="replace")
    except OSError:
        return []
    return [l for l in text.splitlines() if len(l) >= 8]


def assert_no_passwd(*texts):
    for line in passwd_lines():
        for t in texts:
            assert line not in t, f"/etc/passwd content leaked: {line!r}"


# ---------------------------------------------------------------- XML


def test_malformed_xml(doc, out):
    r = reject(doc, out, "malformed.xml")
    errs = assert_error_at(r.stderr, "malformed.xml", line_of(doc / "malformed.xml", "</para>"),
                           r"mismatch|end tag|closing")
    # libxml2 may add follow-on errors, but the first one is the real fault.
    assert errs[0][:2] == ("malformed.xml", line_of(doc / "malformed.xml", "</para>")), r.stderr


def test_wrong_root_element(doc, out):
    r = reject(doc, out, "wrong-root.xml")
    assert_error_at(r.stderr, "wrong-root.xml", line_of(doc / "wrong-root.xml", "<html"),
                    r"root.*article")


def test_invalid_utf8(doc, out):
    r = reject(doc, out, "invalid-utf8.xml")
    bad_line = next(i for i, l in enumerate((doc / "invalid-utf8.xml").read_bytes()
                                            .split(b"\n"), 1) if b"\xe9" in l)
    assert_error_at(r.stderr, "invalid-utf8.xml", bad_line, r"utf-?8|encoding")


def test_empty_file(doc, out):
    r = reject(doc, out, "empty.xml")
    assert_error_at(r.stderr, "empty.xml", 1, r"empty")


def test_error_inside_included_file_names_that_file(doc, out):
    r = reject(doc, out, "include-malformed.xml")
    errs = assert_error_at(r.stderr, "sections/malformed.xml",
                           line_of(doc / "sections/malformed.xml", "</para>"))
    assert all(e[0] == "sections/malformed.xml" for e in errs), r.stderr


def test_unsafe_link_inside_included_file_names_that_file(doc, out):
    r = reject(doc, out, "include-bad-link.xml")
    errs = assert_error_at(r.stderr, "sections/bad-link.xml",
                           line_of(doc / "sections/bad-link.xml", "javascript:"),
                           r"javascript:alert\(1\)")
    assert len(errs) == 1, r.stderr


def test_included_file_named_relative_to_working_directory(doc, out, tmp_path):
    """Run from the folder above: paths in messages follow the working
    directory, as the source path given does."""
    r = assert_rejected("doc/include-bad-link.xml", cwd=tmp_path, out_dir=out)
    assert_error_at(r.stderr, "doc/sections/bad-link.xml",
                    line_of(doc / "sections/bad-link.xml", "javascript:"))


# ---------------------------------------------------------------- XInclude confinement


def test_missing_include_target(doc, out):
    r = reject(doc, out, "missing-include.xml")
    assert_error_at(r.stderr, "missing-include.xml",
                    line_of(doc / "missing-include.xml", "xi:include"),
                    r"sections/bestaat-niet\.xml")


def test_include_escaping_with_dotdot_to_etc_passwd(out):
    """href="../../etc/passwd" from a folder two levels below / names the
    real /etc/passwd: refused because it leaves the folder (not merely
    because it is not found, and not parsed)."""
    if not Path("/etc/passwd").is_file():
        pytest.skip("no /etc/passwd")
    base = Path(tempfile.mkdtemp(prefix="kcvs-escape-", dir="/tmp"))
    try:
        shutil.copy(BAD / "include-escape.xml", base)
        assert (base / "../../etc/passwd").resolve() == Path("/etc/passwd").resolve()
        r = assert_rejected("include-escape.xml", cwd=base, out_dir=out)
        assert_error_at(r.stderr, "include-escape.xml",
                        line_of(base / "include-escape.xml", "xi:include"),
                        r"\.\./\.\./etc/passwd.*(folder|outside|leaves|escape)")
        assert_no_passwd(r.stderr, r.stdout)
    finally:
        shutil.rmtree(base)


def test_include_of_valid_file_outside_the_folder(doc, out, tmp_path):
    """The target exists and is a well-formed section: only confinement can
    stop it."""
    (tmp_path / "outside.xml").write_text(
        '<?xml version="1.0"?>\n<section xmlns="http://docbook.org/ns/docbook" '
        'version="5.0"><title>Buiten</title><para>BUITENGEHEIM</para></section>\n')
    r = reject(doc, out, "include-outside.xml")
    assert_error_at(r.stderr, "include-outside.xml",
                    line_of(doc / "include-outside.xml", "xi:include"),
                    r"\.\./outside\.xml.*(folder|outside|leaves|escape)")
    assert "BUITENGEHEIM" not in r.stderr + r.stdout


@pytest.mark.parametrize("target", ["etc-passwd", "outside-section", "outside-folder"])
def test_include_through_symlink_pointing_outside(doc, out, tmp_path, target):
    link = doc / "sections" / "link-naar-buiten.xml"
    if target == "etc-passwd":
        os.symlink("/etc/passwd", link)
    else:
        outside = tmp_path / "elders"
        outside.mkdir()
        (outside / "s.xml").write_text(
            '<?xml version="1.0"?>\n<section xmlns="http://docbook.org/ns/docbook" '
            'version="5.0"><title>Buiten</title><para>BUITENGEHEIM</para></section>\n')
        if target == "outside-section":
            os.symlink(outside / "s.xml", link)
        else:  # a symlinked folder sections/map -> elders/, the href going through it
            os.symlink(outside, doc / "sections" / "map")
            text = (doc / "include-symlink.xml").read_text()
            (doc / "include-symlink.xml").write_text(
                text.replace("sections/link-naar-buiten.xml", "sections/map/s.xml"))
    r = reject(doc, out, "include-symlink.xml")
    assert_error_at(r.stderr, "include-symlink.xml",
                    line_of(doc / "include-symlink.xml", "xi:include"),
                    r"(folder|outside|leaves|escape)")
    assert "BUITENGEHEIM" not in r.stderr + r.stdout
    assert_no_passwd(r.stderr, r.stdout)


# ---------------------------------------------------------------- entities and DTDs


@pytest.mark.parametrize("name, file, needles", [
    ("xxe.xml", "xxe.xml", ["&xxe;", "<!ENTITY xxe"]),
    ("xxe-parameter.xml", "xxe-parameter.xml", ["%xxe;", "<!ENTITY % xxe"]),
    ("include-xxe.xml", "sections/xxe.xml", ["&xxe;", "<!ENTITY xxe"]),
])
def test_external_entity_is_refused(doc, out, name, file, needles):
    r = reject(doc, out, name)
    assert_no_passwd(r.stderr, r.stdout)
    assert_error_at(r.stderr, file, [line_of(doc / file, n) for n in needles],
                    r"external|entit")


def test_external_entity_never_reaches_any_output(doc, out):
    """Also with --check and --list-links (stdout): nothing of /etc/passwd."""
    for extra in (["--check"], ["--list-links"]):
        r = run("xxe.xml", "-o", out / "x.pdf", *extra, cwd=doc)
        assert r.status == 1, r.stderr
        assert_no_passwd(r.stderr, r.stdout)
    assert not (out / "x.pdf").exists()


def billion_laughs_lines(path):
    text = Path(path).read_text().splitlines()
    return [i for i, l in enumerate(text, 1) if "ENTITY" in l or "&lol9;" in l]


def test_billion_laughs(doc, out):
    r = reject(doc, out, "billion-laughs.xml", cpu=FAST)
    assert_error_at(r.stderr, "billion-laughs.xml",
                    billion_laughs_lines(doc / "billion-laughs.xml"))


def test_quadratic_entity_blowup(doc, out):
    """One 50 kB internal entity referenced 20 000 times (1 GB of text)."""
    big = "a" * 50_000
    body = "&a;" * 20_000
    (doc / "quadratic.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE article [<!ENTITY a "{big}">]>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0">\n'
        '<info><title>T</title></info>\n'
        f'<section><title>W</title><para>{body}</para></section>\n'
        '</article>\n')
    r = reject(doc, out, "quadratic.xml", cpu=FAST)
    assert_error_at(r.stderr, "quadratic.xml", [2, 5])


class ProxyTrap:
    """A listening socket set as the HTTP proxy: any fetch libxml2 (or
    anything honouring http_proxy) attempts connects to it."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.env = {"http_proxy": url, "HTTP_PROXY": url, "https_proxy": url,
                    "HTTPS_PROXY": url, "ftp_proxy": url, "no_proxy": "", "NO_PROXY": ""}
        return self

    def connections(self):
        self.sock.setblocking(False)
        n = 0
        while True:
            try:
                c, _ = self.sock.accept()
            except (BlockingIOError, OSError):
                return n
            c.close()
            n += 1

    def __exit__(self, *exc):
        self.sock.close()


def test_network_dtd_is_never_fetched(doc, out):
    """A DOCTYPE naming a DTD on the network: the document may compile or
    fail, but nothing is fetched and the run ends quickly."""
    with ProxyTrap() as trap:
        r = run("network-dtd.xml", "-o", out / "n.pdf", cwd=doc, env=trap.env, cpu=FAST)
        assert trap.connections() == 0, "the compiler tried to fetch the DTD"
    assert r.status in (0, 1), f"exit status {r.status}\n{r.stderr}"
    assert not FETCH_ERROR.search(r.stderr), f"a fetch was attempted:\n{r.stderr}"
    if r.status == 0:
        assert (out / "n.pdf").is_file()
    else:
        assert_error_at(r.stderr, "network-dtd.xml",
                        line_of(doc / "network-dtd.xml", "<!DOCTYPE"))
        assert not (out / "n.pdf").exists()


@pytest.mark.parametrize("name, needle", [
    ("network-entity.xml", "&net;"),
    ("network-include.xml", "xi:include"),
])
def test_network_resources_are_refused_without_fetching(doc, out, name, needle):
    with ProxyTrap() as trap:
        r = assert_rejected(name, cwd=doc, out_dir=out, cpu=FAST)
        assert trap.connections() == 0, "the compiler tried to fetch a network resource"
    assert not FETCH_ERROR.search(r.stderr), f"a fetch was attempted:\n{r.stderr}"
    lines = [line_of(doc / name, needle)]
    if needle.startswith("&"):
        lines.append(line_of(doc / name, "<!ENTITY"))
    assert_error_at(r.stderr, name, lines, r"example\.invalid|network|external")


# ---------------------------------------------------------------- links


@pytest.mark.parametrize("scheme", ["javascript", "file", "data"])
def test_unsafe_link(doc, out, scheme):
    name = f"link-{scheme}.xml"
    r = reject(doc, out, name)
    errs = assert_error_at(r.stderr, name, line_of(doc / name, "xlink:href=\"" + scheme),
                           re.escape(scheme + ":"))
    assert len(errs) == 1, r.stderr


def test_unsafe_link_in_a_title_is_reported_once(doc, out):
    """A title is drawn several times (heading, bookmark, contents, running
    header) but is one place in the source: one error."""
    r = reject(doc, out, "link-in-title.xml")
    errs = assert_error_at(r.stderr, "link-in-title.xml",
                           line_of(doc / "link-in-title.xml", "javascript:"))
    assert len(errs) == 1, f"{len(errs)} errors for one link:\n{r.stderr}"


def test_several_independent_errors_are_all_reported(doc, out):
    r = reject(doc, out, "two-bad-links.xml")
    errs = errors_of(r.stderr)
    assert sorted((e[0], e[1]) for e in errs) == [
        ("two-bad-links.xml", line_of(doc / "two-bad-links.xml", "javascript:")),
        ("two-bad-links.xml", line_of(doc / "two-bad-links.xml", "file:"))], r.stderr


def test_errors_of_different_kinds_and_files_are_all_reported(doc, out):
    r = reject(doc, out, "several-errors.xml")
    src = doc / "several-errors.xml"
    assert_error_at(r.stderr, "several-errors.xml", line_of(src, "imagedata"), r"bestaat-niet")
    assert_error_at(r.stderr, "sections/bad-link.xml",
                    line_of(doc / "sections/bad-link.xml", "javascript:"), r"javascript")
    assert_error_at(r.stderr, "several-errors.xml", line_of(src, 'role="total"'),
                    r"100[.,]01.*100[.,]00|100[.,]00.*100[.,]01")
    assert len(errors_of(r.stderr)) == 3, r.stderr


# ---------------------------------------------------------------- images


def test_missing_image(doc, out):
    r = reject(doc, out, "image-missing.xml")
    assert_error_at(r.stderr, "image-missing.xml",
                    line_of(doc / "image-missing.xml", "imagedata"),
                    r"images/bestaat-niet\.png")


@pytest.mark.parametrize("name", ["image-corrupt.xml", "image-corrupt-data.xml"])
def test_corrupt_image(doc, out, name):
    """corrupt.png: a PNG signature, then garbage; corrupt-data.png: valid
    chunks whose image data is garbage. The error is at the imagedata."""
    r = reject(doc, out, name)
    assert_error_at(r.stderr, name, line_of(doc / name, "imagedata"), r"corrupt")


@pytest.mark.parametrize("ref", ["../../../../../../../../etc/passwd", "/etc/passwd",
                                 "file:///etc/passwd", "images/buiten.png"])
def test_image_outside_the_folder(doc, out, tmp_path, ref):
    if ref == "images/buiten.png":
        shutil.copy(doc / "images/corrupt.png", tmp_path / "buiten.png")
        os.symlink(tmp_path / "buiten.png", doc / "images/buiten.png")
    src = doc / "image-missing.xml"
    src.write_text(src.read_text().replace("images/bestaat-niet.png", ref))
    r = reject(doc, out, "image-missing.xml")
    assert_error_at(r.stderr, "image-missing.xml", line_of(src, "imagedata"),
                    r"(folder|outside|leaves|escape)")


# ---------------------------------------------------------------- budget


def test_budget_total_off_by_one_cent(doc, out):
    r = reject(doc, out, "budget-mismatch.xml")
    src = doc / "budget-mismatch.xml"
    errs = assert_error_at(r.stderr, "budget-mismatch.xml", line_of(src, 'role="total"'),
                           r"150[.,]49.*150[.,]50")
    assert re.search(r"stated.*150[.,]49", errs[0][3], re.I), errs
    assert re.search(r"computed.*150[.,]50", errs[0][3], re.I), errs


# ---------------------------------------------------------------- nesting


NS = 'xmlns="http://docbook.org/ns/docbook" xmlns:xi="http://www.w3.org/2001/XInclude"'


def test_element_nested_10000_deep(doc, out):
    n = 10_000
    (doc / "deep.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<article {NS} version="5.0">\n'
        '<info><title>T</title></info>\n<section><title>W</title>\n'
        '<para>' + "<emphasis>" * n + "diep" + "</emphasis>" * n + '</para>\n'
        '</section>\n</article>\n')
    r = reject(doc, out, "deep.xml", cpu=FAST)
    assert_error_at(r.stderr, "deep.xml", 5)


def test_element_nested_8000_deep_through_includes(doc, out):
    """32 included files, each within libxml2's per-file depth limit (256),
    nest one inline element 8000 deep once included: the same document as
    above once XInclude has run, so the same clean error (load.h documents a
    depth limit of 256), and never a stack overflow."""
    files, depth = 32, 250
    (doc / "chain.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<article {NS} version="5.0">\n'
        '<info><title>T</title></info>\n<section><title>W</title>\n'
        '<para>a <xi:include href="chain/s0.xml"/></para>\n</section>\n</article>\n')
    (doc / "chain").mkdir()
    for k in range(files):
        inner = f'<xi:include href="s{k + 1}.xml"/>' if k + 1 < files else "bodem"
        (doc / "chain" / f"s{k}.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<emphasis {NS}>'
            + "<emphasis>" * depth + inner + "</emphasis>" * depth + "</emphasis>\n")
    r = reject(doc, out, "chain.xml", timeout=60)
    errs = errors_of(r.stderr)
    assert any(e[0] == "chain.xml" or e[0].startswith("chain/") for e in errs), r.stderr


# ---------------------------------------------------------------- environment


@pytest.mark.parametrize("where", ["proc", "uncreatable-folder", "parent-is-a-file"])
def test_unwritable_output_fails_before_any_work(doc, tmp_path, where):
    """Exit 2 before any work: the document (which has a budget error) is
    not even read, so only the output problem is reported, and -v prints no
    stage timings."""
    target = {"proc": Path("/proc/kcvs-pdf-test.pdf"),
              # a missing folder is made (like out/), unless it cannot be
              "uncreatable-folder": Path("/proc/kcvs-pdf-test/x.pdf"),
              "parent-is-a-file": tmp_path / "gewoon-bestand" / "x.pdf"}[where]
    if where == "parent-is-a-file":
        (tmp_path / "gewoon-bestand").write_bytes(SENTINEL)
    r = run("budget-mismatch.xml", "-v", "-o", target, cwd=doc)
    assert r.status == 2, f"exit status {r.status}\n{r.stderr}"
    diags = diagnostics(r.stderr)
    assert [d for d in diags if d[2] == "error"] and all(
        d[0] == str(target) for d in diags if d[2] == "error"), r.stderr
    assert "budget" not in r.stderr, "the document was compiled before the output was checked"
    assert not re.search(r"^kcvs-pdf: +(load|build|layout|emit)\b", r.stderr, re.M), r.stderr
    assert not target.exists()
    if where == "parent-is-a-file":
        assert (tmp_path / "gewoon-bestand").read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["doc"] + (["gewoon-bestand"] if where == "parent-is-a-file" else []))


def test_missing_font(doc, out, tmp_path):
    """A copy of the style whose first font names a file that exists
    nowhere (nor in the fonts fallback folder): exit 2, the style's line."""
    text = STYLE_XML.read_text()
    m = re.search(r'<font\b[^>]*?\bregular="([^"]*)"', text)
    assert m, "styles/kcvs.xml has no <font regular=...>"
    broken = text[:m.start(1)] + "../fonts/Ontbreekt-Regular.ttf" + text[m.end(1):]
    style = tmp_path / "stijl" / "x.xml"
    style.parent.mkdir()
    style.write_text(broken)
    start = broken.count("\n", 0, m.start()) + 1
    end = broken.count("\n", 0, broken.index(">", m.start())) + 1
    r = reject(doc, out, "ok.xml", status=2, args=["--style", style])
    assert_error_at(r.stderr, str(style), range(start, end + 1), r"Ontbreekt-Regular\.ttf")


def test_missing_style_sheet(doc, out, tmp_path):
    r = reject(doc, out, "ok.xml", status=2, args=["--style", tmp_path / "geen" / "x.xml"])
    diags = diagnostics(r.stderr)
    assert [d for d in diags if d[2] == "error"] == [
        d for d in diags if d[0] == str(tmp_path / "geen" / "x.xml")], r.stderr
    assert len(diags) == 1, f"one problem, one line:\n{r.stderr}"


def test_missing_source(doc, out):
    r = reject(doc, out, "bestaat-niet.xml", status=2)
    diags = diagnostics(r.stderr)
    assert [d[0] for d in diags] == ["bestaat-niet.xml"], r.stderr


def test_baseline_document_compiles(doc, out):
    """The documents above differ from ok.xml only by their fault."""
    r = run("ok.xml", "-o", out / "ok.pdf", cwd=doc)
    assert r.status == 0, r.stderr
    assert (out / "ok.pdf").read_bytes().startswith(b"%PDF-")

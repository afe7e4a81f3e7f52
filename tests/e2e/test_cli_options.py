"""The remaining command-line options, end to end."""
import os
import pty
import subprocess
import xml.etree.ElementTree as ET

import pikepdf

from conftest import KCVS_PDF, REPORT_XML as REPORT, ROOT
from conftest import run_kcvs as run

WARNED = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Waarschuwing</title></info>
  <section><title>Werkspoor</title><para>Een <epigraph><para>KCVS</para></epigraph> alinea.</para></section>
</article>
"""


def test_warnings_pass_unless_W_error(tmp_path):
    src = tmp_path / "w.xml"
    src.write_text(WARNED, encoding="utf-8")
    r = run(src, "-o", tmp_path / "ok.pdf")
    assert r.returncode == 0 and "warning: element <epigraph>" in r.stderr
    assert (tmp_path / "ok.pdf").exists()
    r = run("-W", "error", src, "-o", tmp_path / "strict.pdf")
    assert r.returncode == 1, r.stderr
    assert not (tmp_path / "strict.pdf").exists()


def test_list_elements_names_what_is_set_and_not_what_is_warned(tmp_path):
    """The hidden --list-elements (the tests' one source of the element
    list) needs no source; it names the elements WARNED is built of and
    not the one it warns about."""
    r = run("--list-elements")
    assert r.returncode == 0, r.stderr
    names = r.stdout.split()
    assert len(names) == len(set(names))
    src = tmp_path / "w.xml"
    src.write_text(WARNED, encoding="utf-8")
    warned = run("--check", src)
    assert "warning: element <epigraph>" in warned.stderr
    assert "epigraph" not in names
    used = {el.tag.split("}")[1] for el in ET.fromstring(WARNED.encode()).iter()}
    assert used - {"epigraph"} <= set(names)


def test_quiet_hides_warnings_but_not_errors(tmp_path):
    src = tmp_path / "w.xml"
    src.write_text(WARNED, encoding="utf-8")
    r = run("-q", src, "-o", tmp_path / "q.pdf")
    assert r.returncode == 0 and r.stderr == ""
    bad = tmp_path / "bad.xml"
    bad.write_text(WARNED.replace("<para>Een", '<para><link xlink:href="javascript:x" '
                                  'xmlns:xlink="http://www.w3.org/1999/xlink">x</link> Een'),
                   encoding="utf-8")
    r = run("-q", bad, "-o", tmp_path / "bad.pdf")
    assert r.returncode == 1 and "error: unsafe link" in r.stderr and ": warning:" not in r.stderr
    # under -W error the warning is what failed the run: -q still says so
    r = run("-q", "-W", "error", src, "-o", tmp_path / "q2.pdf")
    assert r.returncode == 1 and ": warning:" in r.stderr
    assert not (tmp_path / "q2.pdf").exists()


def test_verbose_reports_every_stage(tmp_path):
    r = run("-v", REPORT, "-o", tmp_path / "r.pdf")
    assert r.returncode == 0, r.stderr
    for stage in ("load", "build", "layout", "shape", "break", "paginate", "emit", "write"):
        assert stage in r.stderr, stage
    assert "peak memory" in r.stderr


def test_screen_profile_has_no_output_intent_but_stays_tagged(tmp_path):
    out = tmp_path / "s.pdf"
    r = run("--profile", "screen", REPORT, "-o", out)
    assert r.returncode == 0, r.stderr
    with pikepdf.open(out) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert "/StructTreeRoot" in pdf.Root
        assert "pdfaid:part" not in pdf.Root.Metadata.read_bytes().decode()


def test_unknown_profile_is_a_usage_error(tmp_path):
    r = run("--profile", "glossy", REPORT, "-o", tmp_path / "x.pdf")
    assert r.returncode == 2 and "unknown profile" in r.stderr and "--help" in r.stderr


def test_style_by_name_and_by_file(tmp_path):
    r = run("--style", "sober", REPORT, "-o", tmp_path / "a.pdf")
    assert r.returncode == 0, r.stderr
    r = run("--style", os.path.join(ROOT, "styles", "sober.xml"), REPORT, "-o", tmp_path / "b.pdf")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_progress_shows_on_a_terminal_only(tmp_path):
    # a long document laid out behind a pseudo-terminal shows "laying out…"
    body = "".join(f"<section><title>Deel {i}</title>" + "<para>" + " ".join(["woord"] * 400)
                   + "</para>" * 1 + "</section>" for i in range(120))
    src = tmp_path / "long.xml"
    src.write_text('<?xml version="1.0"?><article xmlns="http://docbook.org/ns/docbook" '
                   'version="5.0"><info><title>Lang</title></info>' + body + "</article>",
                   encoding="utf-8")
    master, slave = pty.openpty()
    p = subprocess.Popen([str(KCVS_PDF), str(src), "-o", str(tmp_path / "t.pdf")], stderr=slave,
                         stdout=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert p.wait(timeout=120) == 0
    os.close(master)
    assert b"laying out" in seen and b"\r" in seen
    r = run(src, "-o", tmp_path / "p.pdf")
    assert "laying out" not in r.stderr

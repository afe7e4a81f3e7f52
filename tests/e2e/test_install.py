"""`make install` and `make uninstall` with DESTDIR and PREFIX.

`make install DESTDIR=<tmp> PREFIX=/usr` puts the binary in
<tmp>/usr/bin/kcvs-pdf, the man page in <tmp>/usr/share/man/man1 and the
schemas, styles and fonts (with their licence) under
<tmp>/usr/share/kcvs-pdf/{schema,styles,fonts}; the installed binary then
compiles the real report from any working directory, with
KCVS_PDF_DATADIR pointing at the installed data and also without it (it
finds ../share/kcvs-pdf beside its bin folder); `make uninstall` with the
same variables removes every file it installed.

The test is skipped while the Makefile has no install/uninstall target.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPORT_XML, ROOT

MAKEFILE = ROOT / "Makefile"
PREFIX = "/usr"


def has_target(name):
    text = MAKEFILE.read_text(encoding="utf-8") if MAKEFILE.is_file() else ""
    return re.search(rf"^{name}\s*:", text, re.M) is not None


pytestmark = pytest.mark.skipif(
    not (has_target("install") and has_target("uninstall")),
    reason="the Makefile has no install/uninstall target yet")


def make(*args):
    env = dict(os.environ)
    # A parent make's flags (jobserver, -n, -k) do not belong to this run.
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DESTDIR", "PREFIX"):
        env.pop(var, None)
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*")
                  if p.is_file() or p.is_symlink())


@pytest.fixture(scope="module")
def destdir(tmp_path_factory):
    dest = tmp_path_factory.mktemp("destdir")
    r = make("install", f"DESTDIR={dest}", f"PREFIX={PREFIX}")
    assert r.returncode == 0, f"make install failed:\n{r.stdout}\n{r.stderr}"
    return dest


def run_installed(destdir, cwd, *args, datadir=True):
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("KCVS_PDF_DATADIR", None)
    if datadir:
        env["KCVS_PDF_DATADIR"] = str(destdir / "usr/share/kcvs-pdf")
    return subprocess.run([str(destdir / "usr/bin/kcvs-pdf"), *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def test_install_puts_every_file_in_place(destdir):
    installed = set(files_under(destdir))
    share = "usr/share/kcvs-pdf"
    expected = {"usr/bin/kcvs-pdf", "usr/share/man/man1/kcvs-pdf.1"}
    expected |= {f"{share}/schema/{p.name}" for p in (ROOT / "schema").iterdir()
                 if p.suffix in (".rng", ".rnc")}
    expected |= {f"{share}/styles/{p.name}" for p in (ROOT / "styles").glob("*.xml")}
    expected |= {f"{share}/fonts/{p.name}" for p in (ROOT / "fonts").iterdir()
                 if p.suffix in (".ttf", ".otf", ".txt")}
    for needed in ("schema/kcvs.rng", "schema/style.rng", "styles/kcvs.xml",
                   "styles/sober.xml", "fonts/OFL-Noto.txt"):
        assert f"{share}/{needed}" in expected, needed
    missing = sorted(expected - installed)
    assert not missing, f"not installed: {missing}"
    assert not sorted(p for p in installed if not p.startswith("usr/")), \
        "make install wrote outside $(DESTDIR)$(PREFIX)"
    binary = destdir / "usr/bin/kcvs-pdf"
    assert os.access(binary, os.X_OK)
    for f in installed:
        if f != "usr/bin/kcvs-pdf":
            assert not os.access(destdir / f, os.X_OK), f"{f} should not be executable"


def test_installed_binary_runs(destdir, tmp_path):
    r = run_installed(destdir, tmp_path, "--version")
    assert r.returncode == 0 and r.stdout.startswith("kcvs-pdf "), r.stdout + r.stderr


@pytest.mark.parametrize("style", ["kcvs", "sober"])
def test_installed_binary_compiles_the_report(destdir, tmp_path, style):
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = work / f"report-{style}.pdf"
    r = run_installed(destdir, work, REPORT_XML, "--style", style, "-o", out.name)
    assert r.returncode == 0, f"installed kcvs-pdf failed ({r.returncode}):\n{r.stderr}"
    assert out.read_bytes().startswith(b"%PDF-")
    assert out.stat().st_size > 10000


def test_installed_binary_finds_its_data_without_the_variable(destdir, tmp_path):
    """An installed binary finds PREFIX/share/kcvs-pdf from its own place,
    whatever PREFIX it was built with."""
    r = run_installed(destdir, tmp_path, REPORT_XML, "-o", "r.pdf", datadir=False)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "r.pdf").stat().st_size > 10000


def test_uninstall_removes_every_installed_file(destdir):
    assert files_under(destdir), "nothing was installed"
    r = make("uninstall", f"DESTDIR={destdir}", f"PREFIX={PREFIX}")
    assert r.returncode == 0, f"make uninstall failed:\n{r.stdout}\n{r.stderr}"
    left = files_under(destdir)
    assert not left, f"make uninstall left: {left}"
    assert not (destdir / "usr/share/kcvs-pdf").exists(), \
        "make uninstall left the folder share/kcvs-pdf"

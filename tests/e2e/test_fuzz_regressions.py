"""Inputs the fuzzer found (tests/fuzz/regressions/, see its README.md):
each is compiled with $KCVS_PDF as doc.xml in a folder holding a copy of
tests/fuzz/folder/ (the fuzz target's setting) and must end with exit
status 0, 1 or 2 - no signal, no sanitizer report, no hang."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import KCVS_PDF, ROOT

FUZZ = ROOT / "tests" / "fuzz"
TIMEOUT = 60  # the fuzzer's own limit is 10 s; the ASan build is slower
SANITIZER = re.compile(rb"ERROR: (Address|Leak|Memory)Sanitizer|runtime error:"
                       rb"|AddressSanitizer:DEADLYSIGNAL|UndefinedBehaviorSanitizer")


def regressions():
    files = sorted(p for p in (FUZZ / "regressions").glob("*")
                   if p.is_file() and not p.name.startswith(".") and p.name != "README.md")
    return [pytest.param(p, id=p.name) for p in files] or [
        pytest.param(None, marks=pytest.mark.skip(reason="no fuzzer findings yet"))]


@pytest.mark.parametrize("finding", regressions())
def test_fuzz_finding_is_handled(finding, tmp_path):
    shutil.copytree(FUZZ / "folder", tmp_path / "doc")
    shutil.copyfile(finding, tmp_path / "doc" / "doc.xml")
    try:
        p = subprocess.run([str(KCVS_PDF), "doc.xml", "-o", str(tmp_path / "doc.pdf")],
                           cwd=tmp_path / "doc", capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{finding.name}: still running after {TIMEOUT} s")
    stderr = p.stderr.decode("utf-8", "replace")
    assert not SANITIZER.search(p.stderr), f"{finding.name}: sanitizer report\n{stderr[-4000:]}"
    assert p.returncode in (0, 1, 2), (
        f"{finding.name}: exit status {p.returncode}"
        f"{' (signal %d)' % -p.returncode if p.returncode < 0 else ''}\n{stderr[-4000:]}")

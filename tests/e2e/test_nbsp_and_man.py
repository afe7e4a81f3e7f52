"""No-break spaces never break; the man page renders without warnings."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, compile_text



def test_no_break_spaces_keep_their_words_on_one_line(tmp_path):
    pairs = " ".join(f"art.\u00a0{i} en €\u00a0{i * 7},00" for i in range(1, 60))
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">'
           '<info><title>Harde spaties</title></info><section><title>Werkspoor</title>'
           f"<para>{pairs}</para></section></article>")
    out = compile_text(tmp_path, doc).path
    lines = subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                           text=True).stdout.splitlines()
    body = [l for l in lines if "art" in l or "€" in l]
    assert len(body) > 3
    for line in body:
        words = line.replace("\u00a0", " ").split()
        assert words[-1] not in ("art.", "€"), f"broken after a no-break space: {line!r}"
    text = " ".join(" ".join(lines).replace("\u00a0", " ").split())
    for i in (1, 17, 59):
        assert f"art. {i} en € {i * 7},00" in text


@pytest.mark.skipif(not shutil.which("man"), reason="man-db is not installed")
def test_man_page_renders_without_warnings():
    r = subprocess.run(["man", "--warnings", "-l", os.path.join(ROOT, "docs", "kcvs-pdf.1")],
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat"})
    assert r.returncode == 0
    assert r.stderr.strip() == "", r.stderr
    assert "kcvs-pdf" in r.stdout and "--output" in r.stdout.replace("\u2010", "-")

"""Paragraphs are set ahead on the layout's worker threads (KCVS_THREADS,
src/layout/parapool.c) and what that did besides is replayed on the main
thread in document order: the PDF and the diagnostics are the same bytes
whatever the number of threads. KCVS_THREADS_WAIT=1 makes the main thread
wait for every paragraph predicted instead of setting the ones no worker
has started, so that every prediction a worker can set (one whose faces
and languages the main thread has loaded) goes through the replay."""

import re
import subprocess
import sys

import pytest

from conftest import REPORT_XML, ROOT, run_kcvs

LAYOUT_DOCS = sorted((ROOT / "tests" / "layout").glob("*.xml"))

# (KCVS_THREADS, KCVS_THREADS_WAIT): one thread, two as run by default,
# and every prediction set on one or two workers
RUNS = [("1", ""), ("2", ""), ("2", "1"), ("3", "1")]

AHEAD = re.compile(r"(\d+) paragraphs set on other threads")


def compile_with(src, out, threads, wait, *extra):
    res = run_kcvs(src, "-o", out, "-v", *extra,
                   env={"KCVS_THREADS": threads, "KCVS_THREADS_WAIT": wait,
                        "SOURCE_DATE_EPOCH": "0"})
    ahead = AHEAD.search(res.stderr)
    assert ahead, res.stderr
    # the diagnostics and -v's counts, not its times, memory or the share
    # of the workers
    diags = [AHEAD.sub("", l) for l in res.stderr.splitlines()
             if not l.startswith("kcvs-pdf: ") or " paragraphs, " in l]
    pdf = out.read_bytes() if out.exists() else None
    return res.returncode, pdf, diags, int(ahead.group(1))


def assert_same_whatever_the_threads(tmp_path, src, *extra):
    results = [compile_with(src, tmp_path / f"t{t}w{w}.pdf", t, w, *extra)
               for t, w in RUNS]
    first = results[0]
    assert first[3] == 0  # one thread: every paragraph on the main one
    for other in results[1:]:
        assert other[:3] == first[:3]
    return results


def test_the_report_is_the_same_on_one_two_and_three_threads(tmp_path):
    results = assert_same_whatever_the_threads(tmp_path, REPORT_XML)
    assert results[0][0] == 0 and results[0][1]
    # a body this short is the main thread's alone unless a test waits
    # for workers (PARAPOOL_MIN_PARAGRAPHS)
    assert results[1][3] == 0
    assert results[2][3] > 0  # the workers did set paragraphs


def test_ten_copies_of_the_report_are_the_same_on_one_two_and_three_threads(tmp_path):
    subprocess.run([sys.executable, ROOT / "bench" / "gen.py", "--out", tmp_path, "x10"],
                   check=True, capture_output=True)
    results = assert_same_whatever_the_threads(tmp_path, tmp_path / "x10" / "report.xml")
    # waiting for them, the workers set more than the report's own share
    assert results[2][3] > 10 * results[0][3] + 100


@pytest.mark.parametrize("doc", LAYOUT_DOCS, ids=lambda p: p.stem)
@pytest.mark.parametrize("style", ["kcvs", "sober"])
def test_the_layout_documents_are_the_same_on_one_two_and_three_threads(tmp_path, doc, style):
    assert_same_whatever_the_threads(tmp_path, doc, "--style",
                                     ROOT / "styles" / f"{style}.xml")


HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Draden</title></info>\n')

LONG = ("Het samenwerkingsverband onderzoekt de informatievoorziening van "
        "onderwijsinstellingen en ontwikkelt gemeenschappelijke "
        "standaardisatieafspraken voor de gegevensuitwisseling tussen "
        "schoolbesturen, ")


def section(k):
    """A workstream whose paragraphs give the workers all that they must
    hand back in order: hyphenated words (their ActualText), a warning of
    their own (a number broken between digits), characters no font has (counted, first place), languages loaded on first use (one
    with no patterns: a warning), variants sharing a dictionary,
    footnotes, emphasis and links."""
    odd = "\u0f00" if k % 2 else "\u2ff0"
    return (f"<section><title>Werkspoor {k}</title>"
            f"<para>{LONG * 3}einde {k}.</para>"
            f"<para>Het getal {k}{'1234567890' * 8} past niet.</para>"
            f"<para>Teken {odd} en "
            f"<foreignphrase xml:lang=\"en{'-GB' if k > 3 else ''}\">"
            f"internationalisation considerations</foreignphrase> "
            f"<emphasis>nadruk</emphasis>{LONG}<footnote><para>Noot {k} "
            f"{LONG}</para></footnote></para>"
            f"<para><foreignphrase xml:lang=\"{'tlh' if k == 5 else 'de'}\">"
            f"Donaudampfschifffahrtsgesellschaftskapitän</foreignphrase> "
            f"<link xlink:href=\"https://example.org/{k}\" "
            f"xmlns:xlink=\"http://www.w3.org/1999/xlink\">bron</link> {LONG * 2}</para>"
            "</section>\n")


def test_what_the_workers_did_is_replayed_in_document_order(tmp_path):
    src = tmp_path / "draden.xml"
    src.write_text(HEAD + "".join(section(k) for k in range(1, 9)) + "</article>\n",
                   encoding="utf-8")
    results = assert_same_whatever_the_threads(tmp_path, src)
    status, pdf, diags, _ = results[0]
    assert status == 0 and pdf
    # the document does provoke what must come back in order
    assert any("no hyphenation patterns for language 'tlh'" in d for d in diags), diags
    assert sum("is in none of the style's fonts" in d for d in diags) == 2, diags
    assert sum("broken between letters" in d for d in diags) == 8, diags
    assert results[2][3] > 0

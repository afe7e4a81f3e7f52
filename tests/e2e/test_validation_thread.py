"""The document is validated against the RELAX NG schema on the schema's
own thread while the main thread builds and lays out (src/load/load.c):
its findings must read exactly as when everything runs on one thread
(KCVS_THREADS=1): the same messages at the same places, between the
build's warnings and the layout's, the same exit status and PDF.
KCVS_THREADS_WAIT=1 makes the thread validate a copy of the tree, as it
does for any document the main thread is still reading; without it a
small document is usually validated in place. A schema that cannot be
read fails the run the same way on any number of threads."""

import shutil

import pytest

from conftest import ROOT, THREAD_RUNS, compile_on_thread_counts, run_kcvs

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" version="5.0" xml:lang="nl-BE">\n')

# Inside the subset (every element one the compiler sets), so the
# schema's messages are reported: a second subtitle (the info interleave
# libxml2 rewrites while checking it); an unknown role is the build's
# warning, text in a language without patterns the layout's.
INVALID = (HEAD +
           '<info><title>Rapport</title><subtitle>een</subtitle>'
           '<subtitle>twee</subtitle></info>\n'
           '<section xml:id="s1"><title>Eerste</title>\n'
           '<para>Tekst met <emphasis role="onbekend">nadruk</emphasis>.</para>\n'
           '<para xml:lang="fi">Suomeksi kirjoitettu kappale.</para>\n'
           '<xi:include href="part.xml"/>\n'
           '</section>\n'
           '<para>Na de laatste sectie.</para>\n'
           '</article>\n')

PART = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<section xmlns="http://docbook.org/ns/docbook" xml:id="s2">\n'
        '<title>Tweede</title>\n<para>Uit een ander bestand.</para>\n'
        '</section>\n')


def compile_all(src, out_dir, env_extra=None):
    return compile_on_thread_counts(src, out_dir, env_extra=env_extra)


def assert_all_the_same(results):
    for other in results[1:]:
        assert other == results[0]


def write_invalid(tmp_path):
    (tmp_path / "part.xml").write_text(PART, encoding="utf-8")
    src = tmp_path / "report.xml"
    src.write_text(INVALID, encoding="utf-8")
    return src


def test_schema_findings_read_the_same_on_any_number_of_threads(tmp_path):
    results = compile_all(write_invalid(tmp_path), tmp_path)
    assert_all_the_same(results)
    status, stderr, _ = results[0]
    lines = stderr.splitlines()
    # the schema's messages are there, at their files and lines
    assert any("report.xml:3:" in l and "subtitle" in l for l in lines), stderr


def test_schema_findings_come_between_the_builds_and_the_layouts(tmp_path):
    results = compile_all(write_invalid(tmp_path), tmp_path)
    assert_all_the_same(results)
    kinds = []
    for l in results[0][1].splitlines():
        if "onbekend" in l:
            kinds.append("build")
        elif "subtitle" in l or "Element info" in l:
            kinds.append("schema")
        elif "hyphenation patterns" in l:
            kinds.append("layout")
    assert set(kinds) == {"build", "schema", "layout"}, results[0][1]
    assert kinds == sorted(kinds, key=["build", "schema", "layout"].index), results[0][1]


def test_a_file_longer_than_65535_lines_keeps_its_lines_in_a_copy(tmp_path):
    """libxml2 keeps lines past 65535 aside (BIG_LINES), and its copy of a
    tree does not: the schema's message names the real line of an
    included file on any number of threads."""
    filler = "<para>regel</para>\n" * 70000
    (tmp_path / "part.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<section xmlns="http://docbook.org/ns/docbook">\n<title>Lang</title>\n'
        '<itemizedlist><listitem>\n' + filler + '<para onzin="x">eind</para>\n'
        '</listitem></itemizedlist>\n</section>\n', encoding="utf-8")
    src = tmp_path / "report.xml"
    src.write_text(HEAD + '<info><title>R</title></info>\n'
                   '<xi:include href="part.xml"/>\n</article>\n', encoding="utf-8")
    line = 4 + 70000 + 1
    for env in THREAD_RUNS:
        res = run_kcvs(src, "-o", tmp_path / "long.pdf", env=env)
        bad = [l for l in res.stderr.splitlines() if "onzin" in l]
        assert bad and all(f"part.xml:{line}:" in l for l in bad), (env, res.stderr)


def test_a_schema_that_cannot_be_read_fails_alike_on_any_number_of_threads(tmp_path):
    data = tmp_path / "data"
    for part in ("styles", "fonts", "schema"):
        shutil.copytree(ROOT / part, data / part)
    (data / "schema" / "kcvs.rng").write_text("<grammar", encoding="utf-8")
    results = compile_all(write_invalid(tmp_path), tmp_path,
                          {"KCVS_PDF_DATADIR": str(data)})
    assert_all_the_same(results)
    status, stderr, pdf = results[0]
    assert status == 2 and pdf is None
    assert "kcvs.rng: error: cannot load the RELAX NG schema" in stderr


# The schema's own corpus (valid and invalid documents) and the bad
# inputs: every one reads the same on the main thread and on the
# schema's, validating a copy.
CORPUS = sorted((ROOT / "tests" / "data" / "schema").glob("*.xml")) + \
    sorted((ROOT / "tests" / "data" / "bad").glob("*.xml"))


@pytest.mark.parametrize("src", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_document_reads_the_same_on_the_schemas_thread(tmp_path, src):
    results = compile_on_thread_counts(src, tmp_path, runs=[THREAD_RUNS[0], THREAD_RUNS[2]])
    assert results[1] == results[0]

"""A report's included files are read and parsed ahead on a thread of their
own while the main thread expands the includes (src/load/prefetch.c).
Whatever the files hold, the run must read exactly as on one thread: the
same messages in document order, the same status and PDF. With
KCVS_THREADS_WAIT=1 every file goes through the prefetch thread first;
one that said anything there (malformed, empty, an entity refused) is
parsed again by the main thread, which reports it."""

from pathlib import Path

from conftest import compile_on_thread_counts

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Rapport</title></info>\n')

SECTION = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<section xmlns="http://docbook.org/ns/docbook" xml:id="s{n}">\n'
           '<title>Deel {n}</title>\n<para>Tekst van deel {n} {extra}</para>\n'
           '</section>\n')

BROKEN = {
    3: '<section xmlns="http://docbook.org/ns/docbook"><title>Open</section>\n',
    5: '',
    8: ('<!DOCTYPE section [<!ENTITY geheim SYSTEM "secret.txt">]>\n'
        '<section xmlns="http://docbook.org/ns/docbook"><title>Deel 8</title>'
        '<para>&geheim;</para></section>\n'),
}


def write_report(tmp_path, count, broken):
    (tmp_path / "secret.txt").write_text("GEHEIME INHOUD", encoding="utf-8")
    includes = []
    for n in range(count):
        name = f"deel{n}.xml"
        text = broken.get(n, SECTION.format(n=n, extra="é" * (n % 3)))
        (tmp_path / name).write_text(text, encoding="utf-8")
        includes.append(f'<xi:include href="{name}"/>')
    src = tmp_path / "report.xml"
    src.write_text(HEAD + "\n".join(includes) + "\n</article>\n", encoding="utf-8")
    return src


def test_many_clean_includes_read_the_same_on_any_number_of_threads(tmp_path):
    results = compile_on_thread_counts(write_report(tmp_path, 40, {}), tmp_path)
    assert results[0][0] == 0, results[0][1]
    for other in results[1:]:
        assert other == results[0]


def test_broken_includes_are_reported_alike_and_in_order(tmp_path):
    results = compile_on_thread_counts(write_report(tmp_path, 12, BROKEN), tmp_path)
    status, messages, pdf = results[0]
    assert status == 1 and pdf is None
    for other in results[1:]:
        assert other == results[0]
    places = [Path(line.split(":")[0]).name for line in messages.splitlines()
              if ": error:" in line]
    named = [p for p in places if p.startswith("deel")]
    assert named == sorted(named, key=lambda p: int(p[4:].split(".")[0])), messages
    assert any(p.startswith("deel3") for p in places), messages
    assert any(p.startswith("deel8") for p in places), messages
    assert "GEHEIME" not in messages

"""Claims of README.md that are not diagnostics (test_readme_messages.py
holds those): the options it lists, the error cap, the set-up commands it
starts with; and the example diagnostics of the editors' guide
(docs/guide.xml), each printed word for word by a report made to provoke it."""

import re
import shutil

import pytest

from conftest import ROOT, run_kcvs

README = (ROOT / "README.md").read_text(encoding="utf-8")
OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def test_the_options_readme_lists_are_the_ones_help_prints():
    listed = re.search(r"^Options: (.*?); see the", README, re.M | re.S)
    assert listed, "README.md no longer has its 'Options:' line"
    readme = set(OPTION.findall(listed.group(1)))
    r = run_kcvs("--help")
    assert r.returncode == 0, r.stderr
    # an option line starts with two spaces; its options stand in the first
    # 25 columns, its description after them
    helped = {o for line in r.stdout.splitlines() if line.startswith("  ")
              for o in OPTION.findall(line[:25])}
    # -h is --help's short form, which the README leaves out
    assert readme == helped - {"-h"}, (sorted(readme), sorted(helped))


def test_at_most_50_errors_are_shown_then_how_many_more(tmp_path):
    assert "Several independent errors are reported in one run (up to 50, then\n`kcvs-pdf: error: N further errors not shown`)" in README
    refs = "".join(f'<para><xref linkend="x{i}"/></para>' for i in range(60))
    src = tmp_path / "r.xml"
    src.write_text('<article xmlns="http://docbook.org/ns/docbook" version="5.0" '
                   'xml:lang="nl-BE"><info><title>T</title></info><section><title>W</title>'
                   f"{refs}</section></article>", encoding="utf-8")
    r = run_kcvs(src, "-o", tmp_path / "r.pdf")
    assert r.returncode == 1
    errors = [l for l in r.stderr.splitlines() if ": error: reference to " in l]
    assert len(errors) == 50, r.stderr
    assert r.stderr.splitlines()[-1] == "kcvs-pdf: error: 10 further errors not shown", r.stderr


def test_readme_starts_with_the_two_set_up_commands_and_they_install():
    first = [l.split("#")[0].strip() for l in README.splitlines()[2:4]]
    assert first == ["make report", "make check"], first
    makefile = (ROOT / "Makefile").read_text()
    # report installs the build packages, check the test packages too
    assert re.search(r"^report: deps\b", makefile, re.M)
    assert re.search(r"^check: test-deps\b", makefile, re.M)
    assert re.search(r"^deps:\n\t@sh \.ci/install-deps\.sh$", makefile, re.M)
    assert re.search(r"^test-deps:\n\t@sh \.ci/install-deps\.sh test$", makefile, re.M)


# ---- the editors' guide's example diagnostics are what kcvs-pdf prints ----

GUIDE = ROOT / "docs" / "guide.xml"
NS = ('xmlns="http://docbook.org/ns/docbook" xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="nl-BE"')


def report_with(body, files=None):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<article {NS}>\n'
            "<info><title>T</title></info>\n"
            f"<section><title>W</title>\n{body}\n</section>\n</article>\n"), files or {}


GUIDE_BUDGET = [("Personeelskosten", "245.310,00"), ("Verplaatsingen", "4.120,35"),
                ("Subtotaal personeel", "249.430,35", "subtotal"),
                ("Studieopdrachten", "98.500,00"), ("Communicatie", "31.247,82"),
                ("ICT", "18.000,00"), ("Subtotaal werking", "147.747,82", "subtotal"),
                ("Totaal", "397.178,71", "total")]

# each example message of the guide, and a report that makes kcvs-pdf print it
GUIDE_CASES = {
    "budget total does not add up: stated 397.178,71, computed 397.178,17": report_with(
        '<table role="budget"><title>B</title><tgroup cols="2"><tbody>'
        + "".join(f'<row{"" if len(r) < 3 else f" role={chr(34)}{r[2]}{chr(34)}"}>'
                  f'<entry>{r[0]}</entry><entry role="amount">{r[1]}</entry></row>'
                  for r in GUIDE_BUDGET) + "</tbody></tgroup></table>"),
    "cannot include 'sections/05-datawarehous.xml': file not found":
        report_with('<xi:include href="sections/05-datawarehous.xml"/>',
                    {"sections/05-datawarehouse.xml": "<para/>"}),
    "unsafe link 'file:///C:/rapport.pdf': only http, https and mailto links are allowed":
        report_with('<para><link xlink:href="file:///C:/rapport.pdf">rapport</link></para>'),
    'image without alternative text: add <textobject><phrase> (or role="decorative" on '
    "the mediaobject)": report_with(
        '<mediaobject><imageobject><imagedata fileref="b.png"/></imageobject></mediaobject>',
        {"b.png": ROOT / "docs" / "images" / "staafdiagram.png"}),
    "reference to 'ws-smartflanders', which no element has as xml:id":
        report_with('<para><xref linkend="ws-smartflanders"/></para>'),
    # line 7 of the report, as in the guide
    "Opening and ending tag mismatch: emphasis line 7 and para":
        report_with("\n\n<para>Een <emphasis>open nadruk.</para>"),
    "element <epigraph> is not in the kcvs-pdf subset; its text is typeset as plain "
    "paragraphs": report_with("<epigraph><para>Motto</para></epigraph>"),
}


def guide_examples():
    import html
    text = GUIDE.read_text(encoding="utf-8")
    return [html.unescape(m) for m in
            re.findall(r"<para>\S+:\d+:\d+: (?:error|warning): (.*?) — ", text)]


def test_the_guides_examples_are_the_ones_tested_here():
    assert sorted(guide_examples()) == sorted(GUIDE_CASES)


@pytest.mark.parametrize("message", sorted(GUIDE_CASES))
def test_a_guide_example_message_is_printed_as_written(tmp_path, message):
    source, files = GUIDE_CASES[message]
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            shutil.copy(content, path)
    (tmp_path / "report.xml").write_text(source, encoding="utf-8")
    r = run_kcvs("report.xml", "-o", "out.pdf", cwd=tmp_path)
    printed = [re.sub(r"^\S+?:\d+:\d+: (error|warning): ", "", l) for l in r.stderr.splitlines()]
    assert message in printed, r.stderr

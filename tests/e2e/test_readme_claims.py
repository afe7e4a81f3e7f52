"""Claims of README.md that are not diagnostics (test_readme_messages.py
holds those): the options it lists, the error cap, the set-up commands it
starts with."""

import re

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

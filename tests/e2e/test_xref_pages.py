"""Cross-references: what an <xref> prints (DocBook's xreflabel, else the
target's title, else only its page, with a warning), and the warning when
the page numbers it prints never settle.

Page numbers printed by xrefs change the text they stand in, so the pages
are laid out again until no target moves (issue 13). A document can make
that oscillate: a paragraph whose references to its own page make it one
line longer when they print "10" than when they print "9", standing where
two lines fit at the foot of page 9. Four lines split 2 + 2 (it starts on
page 9); three lines cannot split without a widow or an orphan, so the
paragraph moves to page 10, whose number makes it four lines again. No
pass can settle; the run must say so at the reference's source line
instead of printing a page number that may be wrong."""
import re

from conftest import run_kcvs, style_setting

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Verwijzingen</title><orgname>KCVS</orgname></info>\n'
        '<section xml:id="s"><title>Een</title>\n<para>Voorafgaand.</para>\n')
TAIL = '<para>Daarna.</para>\n</section>\n</article>\n'
SHORT = "aan bij de het een en in op te zo dat wie wat als of nu".split()
REFS = 8  # references in the paragraph: 8 digits more or less, a line's slack


def write(tmp_path, body, name="doc.xml"):
    path = tmp_path / name
    path.write_text(HEAD + body + TAIL, encoding="utf-8")
    return path


def dump_lines(path):
    """The texts of the laid-out lines, in page order (--dump-layout)."""
    r = run_kcvs("--dump-layout", path)
    assert r.returncode == 0, r.stderr
    return [m.group(1) for m in re.finditer(r'^  line \S+ \S+ \S+ "(.*)"$', r.stdout, re.M)]


def paragraph_lines(path, first_word="Zie", last_word="slot."):
    lines, count = dump_lines(path), 0
    for text in lines:
        if count or text.startswith(first_word + " "):
            count += 1
            if text.rstrip().endswith(last_word):
                return count
    raise AssertionError(f"no paragraph from {first_word!r} to {last_word!r} in {lines}")


def filler(words):
    return f"<para>{' '.join(['woord'] * words)}.</para>\n" if words else ""


def extra_words(k):
    return " ".join(SHORT[i % len(SHORT)] for i in range(k))


def sensitive_length(tmp_path):
    """How many extra words make the paragraph one line longer when its
    references print "10" than when they print "9" (the same text as the
    xrefs print, written out), and its shorter form at least three lines."""
    ref = "hier, " + style_setting("page-ref") + " {n}"
    def lines(n, k):
        refs = " ".join([ref.format(n=n)] * REFS)
        return paragraph_lines(write(tmp_path, f"<para>Zie {refs} {extra_words(k)} slot.</para>\n",
                                     "probe.xml"))
    for k in range(0, 200, 3):
        nine, ten = lines(9, k), lines(10, k)
        if nine >= 3 and ten == nine + 1:
            return k
    raise AssertionError("no paragraph length where 9 and 10 give different line counts")


def oscillating_body(k, words):
    refs = " ".join(['<xref linkend="hier"/>'] * REFS)
    return (filler(words) +
            f'<para><anchor xml:id="hier" xreflabel="hier"/>Zie {refs} {extra_words(k)} slot.</para>\n')


def paragraph_page(path, first_word="Zie"):
    """The page the paragraph starting with FIRST_WORD starts on."""
    r = run_kcvs("--dump-layout", path)
    page = None
    for line in r.stdout.splitlines():
        if line.startswith("page "):
            page = int(line.split()[1])
        elif line.startswith(f'  line ') and f'"{first_word} ' in line:
            return page
    raise AssertionError(f"no paragraph starting with {first_word!r}")


def test_references_that_never_settle_are_a_warning_at_their_line(tmp_path):
    k = sensitive_length(tmp_path)
    per_line = 400 // paragraph_lines(write(tmp_path, f"<para>Zie {' '.join(['woord'] * 400)} slot.</para>\n",
                                            "measure.xml"))
    def body(lines):
        return oscillating_body(k, lines * per_line - per_line // 2)
    # The fewest filler lines that push the paragraph to page 10 (bisection),
    # then a line at a time around the foot of page 9: there it oscillates.
    lo, hi = 1, 2000
    while lo < hi:
        mid = (lo + hi) // 2
        if paragraph_page(write(tmp_path, body(mid))) >= 10:
            hi = mid
        else:
            lo = mid + 1
    for lines in range(max(1, lo - 8), lo + 3):
        src = write(tmp_path, body(lines))
        r = run_kcvs(src, "-o", tmp_path / "out.pdf")
        if "page numbers still moved" in r.stderr:
            break
    else:
        raise AssertionError("no position made the cross-references oscillate")
    assert r.returncode == 0, r.stderr
    warnings = [l for l in r.stderr.splitlines() if "page numbers still moved" in l]
    assert len(warnings) == 1, r.stderr
    # file:line:col of the first anchor that moved: the paragraph's anchor
    anchor_line = src.read_text(encoding="utf-8").splitlines().index(
        next(l for l in src.read_text(encoding="utf-8").splitlines() if 'xml:id="hier"' in l)) + 1
    assert re.match(rf"{re.escape(str(src))}:{anchor_line}:\d+: warning: page numbers still moved "
                    r"after \d+ layout passes", warnings[0]), warnings[0]
    # -W error makes it fail, and no PDF is left behind
    strict = run_kcvs("-W", "error", src, "-o", tmp_path / "strict.pdf")
    assert strict.returncode != 0
    assert not (tmp_path / "strict.pdf").exists()


def test_settled_references_are_not_warned(tmp_path):
    """The same family far from a page foot settles: no warning."""
    k = sensitive_length(tmp_path)
    r = run_kcvs(write(tmp_path, oscillating_body(k, 0)), "-o", tmp_path / "out.pdf")
    assert r.returncode == 0 and "still moved" not in r.stderr, r.stderr


def test_xref_prints_xreflabel_title_or_page(tmp_path):
    body = ('<para xml:id="alinea" xreflabel="de   alinea over\n  wonen">Over wonen.</para>\n'
            '<para>Zie <xref linkend="alinea"/>; <xref linkend="anker"/>; <xref linkend="kaal"/>; '
            '<xref linkend="s"/> slot.</para>\n'
            '<para><anchor xml:id="anker" xreflabel="het anker"/>Hier. '
            '<anchor xml:id="kaal"/>Daar.</para>\n')
    src = write(tmp_path, body)
    r = run_kcvs(src, "-o", tmp_path / "out.pdf")
    assert r.returncode == 0, r.stderr
    line = next(l for l in dump_lines(src) if l.startswith("Zie "))
    p = style_setting("page-ref")
    assert re.match(rf"Zie de alinea over wonen, {re.escape(p)} \d+; het anker, {re.escape(p)} \d+; "
                    rf"{re.escape(p)} \d+; Een, {re.escape(p)} \d+ slot\.", line), line
    warned = [l for l in r.stderr.splitlines() if "no title" in l]
    assert len(warned) == 1 and "'kaal'" in warned[0] and "xreflabel" in warned[0], r.stderr
    xref_line = body.splitlines().index(next(l for l in body.splitlines() if l.startswith("<para>Zie"))) \
        + HEAD.count("\n") + 1
    assert warned[0].startswith(f"{src}:{xref_line}:"), warned[0]

"""What the editor typed is checked before it is printed (issue 13): role
values and element names with a did-you-mean, link addresses, titles,
publication dates, xml:ids."""

import re

import pytest

from conftest import Doc, compile_text, run_kcvs, tool

DOC = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" xmlns:xlink="http://www.w3.org/1999/xlink"
         version="5.0" xml:lang="nl-BE">
  <info><title>Controles</title>{info}</info>
  <section>
    <title>Werkspoor</title>
{body}
  </section>
</article>
"""


def run_doc(tmp_path, body="", info="", name="doc.xml"):
    source = tmp_path / name
    source.write_text(DOC.format(body=body, info=info), encoding="utf-8")
    return run_kcvs(source, "-o", tmp_path / "doc.pdf")


def diagnostics(res, kind):
    return [line for line in res.stderr.splitlines() if f": {kind}: " in line]


# ---------------------------------------------------------------- roles

BUDGET = """    <table role="{table}"><title>Budget</title><tgroup cols="2">
      <colspec colname="a" role="{colspec}"/><colspec colname="b"/>
      <tbody>
        <row><entry>Werking</entry><entry role="{entry}">10,00</entry></row>
        <row role="{row}"><entry>Totaal</entry><entry role="amount">99,00</entry></row>
      </tbody></tgroup></table>"""


@pytest.mark.parametrize("where,typo,meant", [
    ("row", "totaal", "total"), ("table", "budgte", "budget"),
    ("entry", "amout", "amount"), ("colspec", "amuont", "amount")])
def test_a_role_typo_in_a_budget_table_is_an_error(tmp_path, where, typo, meant):
    roles = {"table": "budget", "colspec": "amount", "entry": "amount", "row": "total"}
    roles[where] = typo
    res = run_doc(tmp_path, BUDGET.format(**roles))
    assert res.returncode == 1, f"a wrong total compiled with role {typo!r}:\n{res.stderr}"
    assert any(f"'{typo}'" in e and f"did you mean '{meant}'" in e
               for e in diagnostics(res, "error")), res.stderr
    assert not (tmp_path / "doc.pdf").exists()


def test_an_unknown_role_is_a_warning_with_a_suggestion_once_per_value(tmp_path):
    res = run_doc(tmp_path, """
    <para role="ctaa">Een alinea.</para>
    <para role="ctaa">Nog een alinea.</para>
    <para role="underline">Een derde.</para>""")
    assert res.returncode == 0, res.stderr
    warnings = diagnostics(res, "warning")
    assert [w for w in warnings if "'ctaa'" in w] == [
        f"{tmp_path / 'doc.xml'}:8:5: warning: role 'ctaa' is not a role of the format "
        "and has no effect: did you mean 'cta'?"], warnings
    underline = [w for w in warnings if "'underline'" in w]
    assert len(underline) == 1 and "did you mean" not in underline[0], warnings


def test_known_roles_give_no_warning(tmp_path):
    res = run_doc(tmp_path, """
    <para role="cta">Lees het rapport.</para>
    <para><emphasis role="bold">vet</emphasis> <emphasis role="strong">sterk</emphasis></para>""")
    assert res.returncode == 0 and "role" not in res.stderr, res.stderr


def test_an_unknown_element_suggests_the_closest_known_one(tmp_path):
    res = run_doc(tmp_path, """
    <itemisedlist><listitem><para>Een punt.</para></listitem></itemisedlist>""")
    assert res.returncode == 0, res.stderr
    assert any("<itemisedlist>" in w and "did you mean <itemizedlist>?" in w
               for w in diagnostics(res, "warning")), res.stderr


def test_a_real_docbook_element_is_not_taken_for_a_typo(tmp_path):
    res = run_doc(tmp_path, """
    <literallayout><line>Een regel.</line></literallayout>""")
    assert "did you mean" not in res.stderr, res.stderr


# ---------------------------------------------------------------- links


def uris(doc):
    return [str(a.A.URI) for _, a in doc.uri_links]


@pytest.mark.parametrize("href", [" https://www.kcvs.be/rapport ",
                                  "\n        https://www.kcvs.be/rapport\n      ",
                                  "\thttps://www.kcvs.be/rapport\r\n"])
def test_white_space_around_an_address_is_not_part_of_it(tmp_path, href):
    attr = href.replace("\t", "&#9;").replace("\r", "&#13;").replace("\n", "&#10;")
    doc = compile_text(tmp_path, DOC.format(info="", body=f"""
    <para>Lees <link xlink:href="{attr}">het rapport</link>.</para>
    <para><link xlink:href="{attr}"/></para>"""))
    assert uris(doc) == ["https://www.kcvs.be/rapport"] * 2, uris(doc)
    text = "\n".join(doc.page_texts)
    assert "https://www.kcvs.be/rapport" in text, "an empty link shows its trimmed address"


def test_white_space_inside_an_address_is_an_error_with_its_line(tmp_path):
    res = run_doc(tmp_path, """
    <para>Lees <link xlink:href="https://www.kcvs.be/een rapport.pdf">het rapport</link>.</para>""")
    assert res.returncode == 1
    assert re.search(r"doc\.xml:8:[0-9]+: error: link address 'https://www\.kcvs\.be/een "
                     r"rapport\.pdf' has white space inside it", res.stderr), res.stderr


@pytest.mark.parametrize("href", [" javascript:alert(1)", "\njavascript:alert(1)",
                                  "file:///etc/passwd "])
def test_the_scheme_check_reads_the_address_as_written(tmp_path, href):
    attr = href.replace("\n", "&#10;")
    res = run_doc(tmp_path, f'<para><link xlink:href="{attr}">x</link></para>')
    assert res.returncode == 1 and "unsafe link" in res.stderr, res.stderr


def test_an_address_without_scheme_gets_the_hint_to_add_https(tmp_path):
    res = run_doc(tmp_path, '<para><link xlink:href="www.kcvs.be/rapport">x</link></para>')
    assert res.returncode == 1
    assert re.search(r"unsafe link 'www\.kcvs\.be/rapport'.*add https://", res.stderr), res.stderr


def test_a_bare_ampersand_gets_the_hint_to_write_amp(tmp_path):
    res = run_doc(tmp_path, '<para><link xlink:href="https://x.be/?a=1&b=2">x</link></para>')
    assert res.returncode == 1
    assert re.search(r"doc\.xml:7:[0-9]+: error: .*write a & .* as &amp;", res.stderr), res.stderr


# ---------------------------------------------------------------- titles

INFO_TITLES = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Titels</title></info>
  <section>
    <info><title>Werkspoor in info</title></info>
    <para>Een alinea van het werkspoor.</para>
    <section>
      <info><title>Tussentitel in info</title></info>
      <para>Een alinea onder de tussentitel.</para>
      <table>
        <info><title>Tabel in info</title></info>
        <tgroup cols="1"><tbody><row><entry>cel</entry></row></tbody></tgroup>
      </table>
      <figure>
        <info><title>Figuur in info</title></info>
        <para>Een alinea in de figuur.</para>
      </figure>
    </section>
  </section>
</article>
"""


def test_info_title_is_a_title_everywhere(tmp_path):
    doc = compile_text(tmp_path, INFO_TITLES)
    assert [t for t, _, _ in doc.outline] == ["Werkspoor in info"], doc.outline
    assert [c for c, _ in doc.outline[0][2]] == ["Tussentitel in info"], doc.outline
    text = "\n".join(doc.page_texts)
    contents = doc.page_texts[1]
    assert "Werkspoor in info" in contents, f"the contents entry is not the title:\n{contents}"
    page = doc.heading_page("Werkspoor in info", 2)
    assert page is not None, text
    assert "Tabel 1: Tabel in info" in text, text
    assert "Figuur in info" in text, text


def test_a_workstream_without_a_title_is_an_error(tmp_path):
    source = tmp_path / "doc.xml"
    source.write_text(INFO_TITLES.replace("<info><title>Werkspoor in info</title></info>", ""),
                      encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "doc.pdf")
    assert res.returncode == 1
    assert re.search(r"doc\.xml:4:3: error: a workstream needs a title", res.stderr), res.stderr


# ---------------------------------------------------------------- dates

DATED = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="{lang}">
  <info><title>Datum</title><pubdate>{date}</pubdate></info>
  <section><title>Werkspoor</title><para>Een alinea.</para></section>
</article>
"""


def creation_date(doc):
    out = tool("pdfinfo", "-isodates", doc.path).stdout
    return re.search(r"^CreationDate:\s*(\S+)", out, re.M).group(1)


def dated(tmp_path, date, lang="nl-BE"):
    source = tmp_path / "doc.xml"
    source.write_text(DATED.format(date=date, lang=lang), encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "doc.pdf")
    assert res.returncode == 0, res.stderr
    return Doc(tmp_path / "doc.pdf", res)


@pytest.mark.parametrize("date", ["2027-03-15", "15/03/2027", "15-03-2027", "15 maart 2027",
                                  "15 mars 2027", "15. März 2027", "15 March 2027",
                                  "March 15, 2027", "  15 maart 2027 "])
def test_a_pubdate_is_read_and_printed_in_the_reports_language(tmp_path, date):
    doc = dated(tmp_path, date)
    assert "warning" not in doc.result.stderr, doc.result.stderr
    assert "15 maart 2027" in doc.page_texts[0], doc.page_texts[0]
    assert creation_date(doc).startswith("2027-03-15"), creation_date(doc)


@pytest.mark.parametrize("lang,printed", [("en", "15 March 2027"), ("de-DE", "15. März 2027"),
                                          ("fr-BE", "15 mars 2027")])
def test_the_cover_date_uses_the_month_names_of_the_language(tmp_path, lang, printed):
    doc = dated(tmp_path, "2027-03-15", lang)
    assert printed in doc.page_texts[0], doc.page_texts[0]


def test_a_year_is_a_date(tmp_path):
    doc = dated(tmp_path, "2026")
    assert "warning" not in doc.result.stderr and "2026" in doc.page_texts[0]
    assert creation_date(doc).startswith("2026-01-01"), creation_date(doc)


@pytest.mark.parametrize("date", ["15 maat 2027", "31/02/2027", "volgende week", "2027-3-15"])
def test_an_unreadable_pubdate_is_a_warning_and_printed_as_written(tmp_path, date):
    doc = dated(tmp_path, date)
    assert re.search(r"doc\.xml:3:[0-9]+: warning: <pubdate> '" + re.escape(date) +
                     r"' is not a date kcvs-pdf can read", doc.result.stderr), doc.result.stderr
    assert date in doc.page_texts[0], doc.page_texts[0]


@pytest.mark.parametrize("info,printed,ignored_line", [
    # DocBook allows several; the first pubdate is the date, a date only
    # when there is no pubdate
    ("<pubdate>2027-03-15</pubdate>\n<pubdate>2026-01-02</pubdate>", "15 maart 2027", 5),
    ("<date>2026-01-02</date>\n<pubdate>2027-03-15</pubdate>", "15 maart 2027", None),
    ("<date>2027-03-15</date>\n<date>2026-01-02</date>", "15 maart 2027", 5),
])
def test_the_report_has_one_date_and_a_second_is_named(tmp_path, info, printed, ignored_line):
    doc = compile_text(tmp_path, f"""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>Datum</title>
{info}</info>
  <section><title>Werkspoor</title><para>Een alinea.</para></section>
</article>
""")
    assert printed in doc.page_texts[0] and "2 januari 2026" not in doc.page_texts[0]
    assert creation_date(doc).startswith("2027-03-15"), creation_date(doc)
    warnings = [l for l in doc.result.stderr.splitlines() if "warning" in l]
    if ignored_line is None:
        assert not warnings, warnings
    else:
        assert len(warnings) == 1 and re.match(
            rf"\S*doc\.xml:{ignored_line}:\d+: warning: a second <\w+> is not printed: the "
            r"report's date is the first, '2027-03-15' \(line 4\)", warnings[0]), warnings


def test_every_schema_message_has_a_line(tmp_path):
    # libxml2 names no node for "Extra element subtitle in interleave"; it
    # was printed with the file name alone
    source = tmp_path / "doc.xml"
    source.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
  <info><title>T</title><subtitle>Een</subtitle>
    <subtitle>Twee</subtitle></info>
  <section><title>Werkspoor</title><para>Een alinea.</para></section>
</article>
""", encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "doc.pdf")
    assert res.returncode == 0, res.stderr
    warnings = [l for l in res.stderr.splitlines() if "warning" in l]
    assert any("Extra element subtitle" in w for w in warnings), res.stderr
    for w in warnings:
        assert re.match(r"\S*doc\.xml:\d+:\d+: warning: ", w), w


# ---------------------------------------------------------------- xml:ids and caps


def test_a_duplicate_id_in_an_included_file_names_that_file(tmp_path):
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "b.xml").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<section xmlns="http://docbook.org/ns/docbook" version="5.0">
  <title>B</title>
  <para xml:id="p1">Tweede.</para>
  <para xml:id="p2">Derde.</para>
  <para xml:id="p2">Vierde.</para>
</section>
""", encoding="utf-8")
    source = tmp_path / "report.xml"
    source.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" xmlns:xi="http://www.w3.org/2001/XInclude"
         version="5.0">
  <info><title>Ids</title></info>
  <section><title>A</title><para xml:id="p1">Eerste.</para></section>
  <xi:include href="sections/b.xml"/>
</article>
""", encoding="utf-8")
    res = run_kcvs(source, "-o", tmp_path / "r.pdf")
    assert res.returncode == 1
    assert re.search(r"^(\S*/)?sections/b\.xml:4:[0-9]+: error: duplicate xml:id 'p1' "
                     r"\(first defined at (\S*/)?report\.xml:5\)", res.stderr, re.M), res.stderr
    assert re.search(r"^(\S*/)?sections/b\.xml:6:[0-9]+: error: duplicate xml:id 'p2' "
                     r"\(first defined at (\S*/)?sections/b\.xml:5\)", res.stderr, re.M), \
        res.stderr
    assert "report.xml:6" not in res.stderr, res.stderr


def test_a_duplicate_id_in_one_file_names_both_places(tmp_path):
    res = run_doc(tmp_path, """
    <para xml:id="twee">Een.</para>
    <para xml:id="twee">Twee.</para>""")
    assert res.returncode == 1
    assert re.search(r"doc\.xml:9:[0-9]+: error: duplicate xml:id 'twee' "
                     r"\(first defined at \S*doc\.xml:8\)", res.stderr), res.stderr


def test_inline_ids_are_not_capped(tmp_path):
    marks = " ".join(f'<emphasis xml:id="w{i}">woord{i}</emphasis>' for i in range(40))
    refs = " ".join(f'<xref linkend="w{i}"/>' for i in (0, 31, 32, 39))
    res = run_doc(tmp_path, f"<para>{marks}</para>\n<para>Zie {refs}.</para>")
    assert res.returncode == 0, res.stderr


def test_every_budget_mismatch_is_reported(tmp_path):
    rows = "".join(f"""
        <row><entry>Post {i}</entry><entry role="amount">10,00</entry></row>
        <row role="subtotal"><entry>Sub {i}</entry><entry role="amount">11,00</entry></row>"""
                   for i in range(20))
    res = run_doc(tmp_path, f"""
    <table role="budget"><title>B</title><tgroup cols="2"><tbody>{rows}
    </tbody></tgroup></table>""")
    assert res.returncode == 1
    assert len(re.findall(r"budget subtotal does not add up", res.stderr)) == 20, res.stderr

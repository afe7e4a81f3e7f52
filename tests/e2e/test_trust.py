"""Inputs found by an outside review of trust (nobody had tried them): each
test names what went wrong before its fix."""

import re
import shutil
import unicodedata

import pytest

from conftest import ROOT, assert_pdfcheck_passes, compile_text, marked_content, run_kcvs

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">
<info><title>Proef</title><orgname>Org</orgname></info>
"""


def doc(body):
    return HEAD + body + "\n</article>\n"


def test_every_glyph_of_a_mark_cluster_has_unicode(tmp_path):
    # a + U+0308 + U+0323 shapes as the precomposed U+1EA1 and a separate
    # diaeresis in one cluster: the diaeresis glyph had no ToUnicode entry
    # (PDF/UA 7.21.7), so it could not be extracted or read aloud.
    d = compile_text(tmp_path, doc("<section><title>Tekens</title>"
                                   "<para>Woord a&#x308;&#x323; einde.</para></section>"))
    for page in d.pdf.pages:
        texts, untagged, _ = marked_content(page)
        shown = list(texts.values()) + [t for _, t in untagged]
        assert not any("\ufffd" in t for t in shown), f"a drawn glyph has no Unicode: {shown}"
    body = unicodedata.normalize("NFC", "".join(d.page_texts))
    assert unicodedata.normalize("NFC", "a\u0308\u0323") in body
    assert_pdfcheck_passes(d.path, alone=False)


def _span_table(groups):
    """GROUPS groups of four body rows: the first cell of each group's first
    row spans its four rows (morerows="3")."""
    rows = []
    for g in range(groups):
        rows.append(f'<row><entry morerows="3">Groep{g}</entry><entry>kop{g}</entry></row>')
        rows += [f'<row><entry>rij{g}x{k}</entry></row>' for k in range(1, 4)]
    return doc('<section><title>Spannen</title><informaltable><tgroup cols="2">'
               '<thead><row><entry>Groep</entry><entry>Rij</entry></row></thead>'
               f'<tbody>{"".join(rows)}</tbody></tgroup></informaltable></section>')


def test_rows_a_morerows_cell_spans_stay_on_its_page(tmp_path):
    # a page break fell inside a span: overleaf its rows read as rows with
    # an empty first cell, the group's label left behind
    d = compile_text(tmp_path, _span_table(40))
    page_of = {}
    for i, text in enumerate(d.page_texts):
        for word in text.split():
            page_of.setdefault(word, i)
    for g in range(40):
        pages = {page_of[f"Groep{g}"]} | {page_of[f"rij{g}x{k}"] for k in range(1, 4)}
        assert len(pages) == 1, f"group {g} is split over pages {sorted(pages)}"
    assert len(set(page_of.values())) > 2  # the table did cross pages


def test_no_rule_cuts_through_a_cell_that_spans_rows(tmp_path):
    # the rule under each row ran across the whole table, through the
    # spanning cell, which then looked like a one-row cell above empty ones
    src = tmp_path / "span.xml"
    src.write_text(_span_table(1), encoding="utf-8")
    res = run_kcvs("--dump-layout", src)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    label = next(l.split() for l in lines if '"Groep0"' in l)
    x_label, y_label = float(label[1]), float(label[2])
    rules = sorted((l.split() for l in lines if l.strip().startswith("rule ")
                    and float(l.split()[2]) > y_label), key=lambda r: float(r[2]))
    inner = rules[:3]  # under the span's first three rows
    assert inner and all(float(r[1]) > x_label for r in inner), inner
    last = rules[3]  # under its last row: the whole width
    assert float(last[1]) < x_label, last


def test_a_footnote_inside_a_footnote_is_an_error(tmp_path):
    # the inner note's mark was printed with the outer note's number and its
    # text nowhere, with exit 0
    src = tmp_path / "nested.xml"
    src.write_text(doc('<section><title>Noten</title><para>tekst<footnote><para>buiten'
                       '<footnote><para>binnen</para></footnote> eind</para></footnote>'
                       ' klaar</para></section>'), encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "nested.pdf")
    assert res.returncode == 1, res.stderr
    assert re.search(r"nested\.xml:4:\d+: error: a footnote inside a footnote", res.stderr), res.stderr
    assert not (tmp_path / "nested.pdf").exists()


def test_a_link_to_a_list_item_reaches_its_page(tmp_path):
    # a listitem's xml:id was never registered: a valid link to it was the
    # error "no element has as xml:id"
    d = compile_text(tmp_path, doc(
        '<section><title>Lijst</title><orderedlist><listitem xml:id="stap">'
        '<para>Eerste stap.</para></listitem></orderedlist></section>'
        '<section><title>Verder</title><para>Zie <link linkend="stap">de stap</link>.</para>'
        '</section>'))
    stap_page = next(i for i, t in enumerate(d.page_texts) if "Eerste stap" in t)
    targets = []
    for page in d.pdf.pages:
        for annot in page.get("/Annots", []):
            dest = annot.get("/Dest") or annot.get("/A", {}).get("/D")
            if dest is not None and not isinstance(dest, (str, bytes)) and len(dest):
                targets.append(next(i for i, p in enumerate(d.pdf.pages)
                                    if p.obj.objgen == dest[0].objgen))
    assert stap_page in targets, (stap_page, targets)


def _budget(amount_entry, total):
    return doc('<section><title>Begroting</title><table role="budget"><title>B</title>'
               '<tgroup cols="2"><tbody>'
               f'<row><entry>Post</entry><entry role="amount">{amount_entry}</entry></row>'
               f'<row role="total"><entry>Totaal</entry><entry role="amount">{total}</entry></row>'
               '</tbody></tgroup></table></section>')


@pytest.mark.parametrize("entry", [
    "<para>1.000,00</para><para>5.000,00</para>",
    "<itemizedlist><listitem><para>7,00</para></listitem></itemizedlist>",
    '<inlinemediaobject><imageobject><imagedata fileref="x.png"/></imageobject>'
    "<textobject><phrase>9,00</phrase></textobject></inlinemediaobject>1.000,00",
])
def test_an_amount_cell_holds_one_figure(tmp_path, entry):
    # the figures after the first paragraph (or in a list) were printed
    # but not counted: a total of 1.000,00 under 1.000,00 + 5.000,00 passed
    shutil.copy(ROOT / "tests" / "layout" / "images" / "balk.png", tmp_path / "x.png")
    src = tmp_path / "b.xml"
    src.write_text(_budget(entry, "1.000,00"), encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "b.pdf")
    assert res.returncode == 1, res.stderr
    assert re.search(r"b\.xml:4:\d+: error: an amount cell holds one figure", res.stderr), res.stderr
    assert not (tmp_path / "b.pdf").exists()


def test_a_footnote_on_an_amount_is_printed(tmp_path):
    # the amount was set again as one run and its footnote mark dropped with
    # it: the note's text was printed nowhere, exit 0
    d = compile_text(tmp_path, _budget("1.000,00<footnote><para>Bron: de rekening.</para>"
                                       "</footnote>", "1.000,00"))
    text = "".join(d.page_texts)
    assert "Bron: de rekening." in text
    assert re.search(r"Post\s+1\.000,001\s", text), text


def _budget_rows(rows, tgroups=1):
    group = ('<tgroup cols="3"><colspec colname="a"/><colspec colname="b" role="amount"/>'
             f'<colspec colname="c" role="amount"/><tbody>{rows}</tbody></tgroup>')
    return doc('<section><title>Begroting</title><table role="budget"><title>B</title>'
               + group * tgroups + '</table></section>')


@pytest.mark.parametrize("role", [" total", "total ", "budget total", "total\n  "])
def test_a_total_row_role_is_read_as_tokens(tmp_path, role):
    # role=" total" or "total " made the row a plain amount row: its wrong
    # figure was printed, unchecked, with exit 0
    src = tmp_path / "b.xml"
    src.write_text(_budget_rows(
        '<row><entry>x</entry><entry>5,00</entry><entry>1,00</entry></row>'
        f'<row role="{role}"><entry>T</entry><entry>1,00</entry><entry>1,00</entry></row>'),
        encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "b.pdf")
    assert res.returncode == 1, res.stderr
    assert "total does not add up: stated 1,00, computed 5,00" in res.stderr, res.stderr


def test_an_amount_role_with_spaces_is_an_amount(tmp_path):
    src = tmp_path / "b.xml"
    src.write_text(doc(
        '<section><title>B</title><table role="budget"><title>B</title><tgroup cols="2"><tbody>'
        '<row><entry>x</entry><entry role=" amount">5,00</entry></row>'
        '<row role="total"><entry>T</entry><entry role="amount ">1,00</entry></row>'
        '</tbody></tgroup></table></section>'), encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "b.pdf")
    assert res.returncode == 1, res.stderr
    assert "stated 1,00, computed 5,00" in res.stderr, res.stderr


@pytest.mark.parametrize("rows, tgroups, why", [
    # the second tgroup's rows (and its wrong total) were dropped unseen
    ('<row><entry>x</entry><entry>5,00</entry><entry>1,00</entry></row>'
     '<row role="total"><entry>T</entry><entry>5,00</entry><entry>1,00</entry></row>', 2,
     "a second <tgroup> in one table is not supported"),
    # printed under column c, the figure was counted in column b
    ('<row><entry>x</entry><entry>1,00</entry><entry>2,00</entry></row>'
     '<row><entry>y</entry><entry namest="b" nameend="c">3,00</entry></row>'
     '<row role="total"><entry>T</entry><entry>4,00</entry><entry>2,00</entry></row>', 1,
     "an amount spans 2 columns"),
    ('<row><entry>x</entry><entry>1,00</entry><entry>1,00</entry></row>'
     '<row role="total subtotal"><entry>T</entry><entry>1,00</entry><entry>1,00</entry></row>', 1,
     "a row is a subtotal or a total, not both"),
])
def test_budget_shapes_that_escaped_verification_are_errors(tmp_path, rows, tgroups, why):
    src = tmp_path / "b.xml"
    src.write_text(_budget_rows(rows, tgroups), encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "b.pdf")
    assert res.returncode == 1, res.stderr
    assert re.search(rf"b\.xml:4:\d+: error: {re.escape(why)}", res.stderr), res.stderr
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize("href", ["https:", "http://", "https:/pad", "mailto:", "mailto:?subject=x"])
def test_a_link_address_without_a_host_is_an_error(tmp_path, href):
    # a dead link was written with exit 0: the scheme was the only check
    src = tmp_path / "l.xml"
    src.write_text(doc('<section><title>L</title><para>Zie <link xmlns:xlink='
                       f'"http://www.w3.org/1999/xlink" xlink:href="{href}">hier</link>.'
                       '</para></section>'), encoding="utf-8")
    res = run_kcvs(src, "-o", tmp_path / "l.pdf")
    assert res.returncode == 1, res.stderr
    assert re.search(rf"l\.xml:4:\d+: error: link address '{re.escape(href)}' names no",
                     res.stderr), res.stderr


def test_link_addresses_are_written_as_valid_ascii_uris(tmp_path):
    # DEL was written raw (the /URI became a UTF-16 text string, against
    # ISO 32000 12.6.4.7) and a lone % made an invalid URI
    d = compile_text(tmp_path, doc(
        '<section><title>L</title><para xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<link xlink:href="https://a.be/&#x7f;">del</link> '
        '<link xlink:href="https://a.be/%41%">procent</link></para></section>'))
    uris = [bytes(a.A.URI) for p in d.pdf.pages for a in p.get("/Annots", [])
            if "/A" in a and "/URI" in a.A]
    assert uris == [b"https://a.be/%7F", b"https://a.be/%41%25"]

"""Line-breaking quality (issue 15): the last word of a paragraph may be
hyphenated, narrow table cells hyphenate before they break between letters,
kerning survives hyphenation points. Read from --dump-layout (the laid-out
lines as text) and from the PDF with pikepdf."""
import re

from conftest import ROOT, run_kcvs, style_setting

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" version="5.0" xml:lang="nl-BE">\n'
        '<info><title>Typografie</title></info>\n')


def dump_lines(tmp_path, body, *extra):
    """Compiles body in a one-section article; returns (stderr, line texts)."""
    (tmp_path / "doc.xml").write_text(HEAD + '<section><title>Zetwerk</title>\n' + body
                                      + '</section>\n</article>\n', encoding="utf-8")
    r = run_kcvs("--dump-layout", tmp_path / "doc.xml", "-o", tmp_path / "doc.dump", *extra)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "doc.dump").read_text()
    return r.stderr, re.findall(r'^  line [-0-9. ]+"(.*)"$', text, re.M)


def cells(*words, widths):
    """One table row, one word per cell, with the relative column widths."""
    specs = "".join('<colspec colwidth="%d*"/>' % w for w in widths)
    entries = "".join("<entry>%s</entry>" % w for w in words)
    return ('<informaltable><tgroup cols="%d">%s<tbody><row>%s</row></tbody></tgroup>'
            '</informaltable>\n' % (len(widths), specs, entries))


def test_a_one_word_cell_is_hyphenated_not_broken_between_letters(tmp_path):
    """A cell is one paragraph of one word: its last word. It used to be
    broken between letters ("Indicatorc|ode") with a warning."""
    err, lines = dump_lines(tmp_path, cells("Indicatorcode", "Toelichting bij de code",
                                            widths=(12, 100)))
    i = next(k for k, l in enumerate(lines) if l.startswith("Indica"))
    assert lines[i].endswith("-"), lines
    assert (lines[i][:-1] + lines[i + 1]) == "Indicatorcode", lines
    assert "broken between letters" not in err, err


def hyphenated_parts(lines, first):
    """The lines of the cell whose first line starts with `first`, up to the
    one that does not end in a hyphen."""
    i = next(k for k, l in enumerate(lines) if l.startswith(first))
    parts = []
    while lines[i].endswith("-"):
        parts.append(lines[i])
        i += 1
    return parts + [lines[i]]


def test_narrow_cells_hyphenate_before_they_break_between_letters(tmp_path):
    """The column widths of issue 15: TeX sets "Indicator-|code" and breaks
    "Gegevensbeschermingsautoriteit" only at hyphenation points. More
    hyphenated lines in a row than the style allows are the lesser evil
    (and reported); no break between letters where a hyphenation point fits."""
    err, lines = dump_lines(tmp_path, cells("Indicatorcode", "Gegevensbeschermingsautoriteit",
                                            "Toelichting", widths=(16, 14, 100)))
    assert hyphenated_parts(lines, "Indica") == ["Indicator-", "code"], lines
    parts = hyphenated_parts(lines, "Gege")
    assert len(parts) >= 3, lines
    assert "".join(p.strip().rstrip("-") for p in parts) == "Gegevensbeschermingsautoriteit", lines
    assert "broken between letters" not in err, err
    assert "hyphenated lines in a row (the style allows 2)" in err, err


def test_only_a_part_wider_than_the_cell_is_broken_between_letters(tmp_path):
    """"Bbbbbbbbbbbbbbbbbbbbbbbb" has no hyphenation point and is wider than
    its cell: it alone is broken between letters (with a warning), the
    hyphenatable word beside it in the same cell only at its hyphenation points."""
    err, lines = dump_lines(tmp_path, cells("Gegevensbeschermingsautoriteit "
                                            "Bbbbbbbbbbbbbbbbbbbbbbbb", "Toelichting",
                                            widths=(14, 100)))
    assert "a word is broken between letters to fit its column" in err, err
    parts = hyphenated_parts(lines, "Gege")
    assert "".join(p.strip().rstrip("-") for p in parts) == "Gegevensbeschermingsautoriteit", lines


KERNED = "geven leven gezond bergen gewoon"


def glyph_runs(pdf_path):
    """The TJ operands of every page: glyph codes and the moves between them."""
    import pikepdf
    runs = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "TJ":
                    runs.append([bytes(x) if isinstance(x, pikepdf.String) else float(x)
                                 for x in operands[0]])
    return runs


def test_kerning_inside_hyphenatable_words_is_kept(tmp_path):
    """Every word here has hyphenation points next to a kerning pair (ev, ez,
    rg, ew). Set on one line, its glyphs must stand exactly where they stand
    when each word is shaped whole (the same style with hyphenation off);
    shaping the pieces between hyphenation points apart lost those kerns."""
    style = (ROOT / "styles" / "kcvs.xml").read_text(encoding="utf-8")
    body = re.compile(r'(<class name="body"[^>]*hyphenate=")true"')
    assert body.search(style), "the body class does not hyphenate"
    (tmp_path / "whole.xml").write_text(body.sub(r'\1false"', style, count=1),
                                        encoding="utf-8")
    (tmp_path / "doc.xml").write_text(HEAD + '<section><title>Zetwerk</title>\n<para>' + KERNED
                                      + '</para></section>\n</article>\n', encoding="utf-8")
    pdfs = []
    for name, extra in (("hyph", ()), ("whole", ("--style", tmp_path / "whole.xml"))):
        out = tmp_path / (name + ".pdf")
        r = run_kcvs(tmp_path / "doc.xml", "-o", out, *extra)
        assert r.returncode == 0, r.stderr
        pdfs.append(glyph_runs(out))
    assert pdfs[0] == pdfs[1]
    # the words are hyphenatable (or the comparison would prove nothing)
    err, lines = dump_lines(tmp_path, cells(KERNED.replace(" ", ""), "Tekst", widths=(10, 100)))
    assert any(l.endswith("-") for l in lines), lines


def justified_gaps(pdf_path):
    """Per line of at least 4 words (all but the page's last): the
    gaps between its consecutive words in pt, as poppler reads them."""
    from conftest import Doc
    out = []
    for page in Doc(pdf_path).bbox_pages:
        for line in page["lines"][:-1]:
            if len(line) >= 4:
                out.append([b.box.x0 - a.box.x1 for a, b in zip(line, line[1:])])
    return out


def test_a_no_break_space_stretches_and_shrinks_like_the_other_spaces(tmp_path):
    """It used to keep its natural width (0.26 em) while the other spaces of
    its justified line shrank to 0.16 em."""
    text = " ".join("art.\u00a0%d van het decreet en €\u00a0%d,00 ten laste" % (i, i * 7)
                    for i in range(1, 30))
    (tmp_path / "doc.xml").write_text(HEAD + '<section><title>Zetwerk</title>\n<para>' + text
                                      + '</para></section>\n</article>\n', encoding="utf-8")
    r = run_kcvs(tmp_path / "doc.xml", "-o", tmp_path / "doc.pdf")
    assert r.returncode == 0, r.stderr
    lines = justified_gaps(tmp_path / "doc.pdf")
    assert len(lines) >= 3, lines
    for gaps in lines[:-1]:
        assert max(gaps) - min(gaps) < 0.05, gaps


TIES = ("het kost € 5,00 per dag en groeit met 25 % per jaar over 10 km weg, zie p. 12–15 "
        "en art. 3 van het decreet; ’s avonds rijden de bussen (zie nr. 7) – de lijnen "
        "van de stad – minder vaak; ")


def test_ties_keep_numbers_with_units_currency_and_abbreviations(tmp_path):
    """The style's tie lists (tie-units, tie-before-number, tie-before-word
    in <strings>): no line ends with "€", "p.", "art.", "nr.", "’s" or a
    number before its unit, and none starts with "%" or a closing dash.
    The text is repeated so that every pair meets a line end somewhere."""
    err, lines = dump_lines(tmp_path, "<para>" + TIES * 12 + "</para>\n")
    body = [l.strip() for l in lines if "decreet" in l or "stad" in l or "km" in l]
    assert len(body) >= 10, lines
    for line in body:
        first, last = line.split()[0], line.split()[-1]
        assert last not in ("€", "p.", "art.", "nr.", "’s", "25", "10"), line
        assert first not in ("%", "km", "5,00", "12–15", "3", "avonds", "7)"), line
    # a closing dash is never a line's first word; an opening dash may end a line
    assert not any(l.strip().startswith("– minder") for l in lines), lines


def test_a_word_hyphenated_then_broken_after_a_slash_reads_once(tmp_path):
    """"Sche-|matron/|NVDL": the first part carries the whole word as its
    ActualText, the other lines read nothing; "NVDL" used to be read twice
    (once in the first part's ActualText)."""
    err, lines = dump_lines(tmp_path, cells("RELAX NG + Schematron/NVDL", "Toelichting",
                                            widths=(8, 72)))
    assert "matron/" in [l.strip() for l in lines], lines  # the case meant
    r = run_kcvs(tmp_path / "doc.xml", "-o", tmp_path / "doc.pdf")
    assert r.returncode == 0, r.stderr
    from conftest import tool
    text = tool("pdftotext", tmp_path / "doc.pdf", "-").stdout
    assert text.count("NVDL") == 1, text
    assert "Schematron/" in text.replace("\n", ""), text


def test_hyphenation_exceptions_come_from_the_style_sheet(tmp_path):
    """The patterns alone break "datawarehouse" as da-ta-wa-re-house; the
    style's hyphenation-exceptions (da-ta-ware-house) remove wa-re. Cells of
    several widths: with the house style no line ends in "wa-"; with the
    same style without the list, some line does."""
    widths = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
    table = cells(*["Datawarehouse"] * len(widths), widths=widths)
    _, lines = dump_lines(tmp_path, table)
    assert any(l.endswith("-") for l in lines if l.startswith("Da")), lines
    assert not any(l.endswith("wa-") for l in lines), lines
    style = (ROOT / "styles" / "kcvs.xml").read_text(encoding="utf-8")
    bare = re.sub(r'\s+hyphenation-exceptions="[^"]*"', "", style)
    assert bare != style
    (tmp_path / "bare.xml").write_text(bare, encoding="utf-8")
    _, lines = dump_lines(tmp_path, table, "--style", tmp_path / "bare.xml")
    assert any(l.endswith("wa-") for l in lines), lines


def test_a_paragraph_introducing_a_list_stays_with_its_first_item(tmp_path):
    """Lead-ins ending in a colon at every height of the page: none is the
    last text line of a page (the list then starts overleaf)."""
    filler = "Het netwerk van steden werkt samen aan beleid en onderzoek. "
    body = "".join('<para>%s</para>\n<para>Stap %d die het netwerk wil zetten:</para>\n'
                   '<itemizedlist><listitem><para>Lijstpunt een %d</para></listitem>'
                   '<listitem><para>Lijstpunt twee</para></listitem></itemizedlist>\n'
                   % (filler * (1 + k % 7), k, k) for k in range(60))
    (tmp_path / "doc.xml").write_text(HEAD + '<section><title>Zetwerk</title>\n' + body
                                      + '</section>\n</article>\n', encoding="utf-8")
    r = run_kcvs("--dump-layout", tmp_path / "doc.xml", "-o", tmp_path / "doc.dump")
    assert r.returncode == 0, r.stderr
    pages = re.split(r"^page ", (tmp_path / "doc.dump").read_text(), flags=re.M)[1:]
    body_pages = 0
    for page in pages:
        # the body's lines (running heads and folios are artifacts)
        texts = [t for t, run in re.findall(r'^  line [-0-9. ]+"(.*)"\n    run (.*)$', page, re.M)
                 if not run.endswith("artifact")]
        if any("Lijstpunt" in t for t in texts):
            body_pages += 1
            assert not texts[-1].strip().endswith("zetten:"), texts[-3:]
    assert body_pages >= 3


def test_a_table_keeps_its_split_rows_on_each_side_of_a_page_break(tmp_path):
    """Tables of 6 rows after paragraphs of every length: wherever one is
    broken, each page holds at least the style's table-split-rows of its
    body rows, never a title, header and one row at a page foot,
    nor one row alone overleaf."""
    filler = "Het netwerk van steden werkt samen aan beleid en onderzoek. "
    rows = "".join("<row><entry>Rij %d</entry><entry>%d</entry></row>" % (i, i) for i in range(6))
    table = ('<informaltable><tgroup cols="2"><thead><row><entry>Naam</entry><entry>Getal'
             '</entry></row></thead><tbody>%s</tbody></tgroup></informaltable>\n' % rows)
    body = "".join("<para>%s</para>\n%s" % (filler * (1 + k % 9), table) for k in range(30))
    (tmp_path / "doc.xml").write_text(HEAD + '<section><title>Zetwerk</title>\n' + body
                                      + '</section>\n</article>\n', encoding="utf-8")
    r = run_kcvs("--dump-layout", tmp_path / "doc.xml", "-o", tmp_path / "doc.dump")
    assert r.returncode == 0, r.stderr
    pages = re.split(r"^page ", (tmp_path / "doc.dump").read_text(), flags=re.M)[1:]
    where = {}  # table -> page -> body rows
    for n, page in enumerate(pages):
        for table, row in set(re.findall(r"/(Table\[\d+\])/TBody\[1\]/TR\[(\d+)\]", page)):
            where.setdefault(table, {}).setdefault(n, set()).add(row)
    split = [t for t, p in where.items() if len(p) > 1]
    assert split, "no table was broken: the test proves nothing"
    for t in split:
        for n, rows_here in where[t].items():
            assert len(rows_here) >= int(style_setting("table-split-rows")), (t, where[t])


def test_a_url_breaks_after_a_hash(tmp_path):
    """"…/verslag#hoofdstukvijfparagraafdrie": in a narrow cell the
    address breaks after the #, with no hyphen added."""
    url = "https://kcvs.be/verslag#hoofdstukvijfparagraafdrie"
    _, lines = dump_lines(tmp_path, cells(url, "Toelichting", widths=(30, 70)))
    parts = [l.strip() for l in lines if l.strip() and l.strip() in url]
    assert any(p.endswith("#") for p in parts), lines
    assert not any(p.endswith("-") for p in parts), lines


FRENCH = ("le montant est de 25 € par habitant, voir n° 12 et chap. 3 du rapport ; ")


def test_ties_follow_the_phrases_own_language(tmp_path):
    """A French phrase in a Dutch paragraph takes the French tie lists of
    the style: "25 €" (a unit in French, not in Dutch), "n° 12" and
    "chap. 3" (abbreviations before a number only in French) never part
    at a line end. The same words marked Dutch do, somewhere: the test
    can fail."""
    def para(lang):
        return "<para>%s</para>\n" % "".join(
            'Het verslag citeert <phrase xml:lang="%s">%s</phrase> zoals gevraagd. ' % (lang, FRENCH)
            for _ in range(14))

    def parted(lines):
        return [l for l in lines if l.split() and (l.split()[-1] in ("25", "n°", "chap.")
                                                   or l.split()[0] == "€")]

    _, french = dump_lines(tmp_path, para("fr"))
    assert sum("n°" in l for l in french) >= 10, french
    assert not parted(french), parted(french)
    _, dutch = dump_lines(tmp_path, para("nl-BE"))
    assert parted(dutch), dutch


ADDRESS = ("https://www.kenniscentrumvlaamsesteden.be/jaarverslagen/bijlagen/"
           "stadsmonitorwerkingcentrumsteden2021.pdf")


def link(uri):
    return ('<link xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="%s">%s</link>'
            % (uri, uri))


def test_an_address_longer_than_its_column_breaks_between_characters(tmp_path):
    """Its parts between the preferred breaks (after / . - _ ? & = #) are
    wider than the cell: it breaks between two characters, with no hyphen
    and no warning; no line is wider than the cell, each piece lies under
    the link's annotation, and poppler copies the address whole."""
    from conftest import style_length, tool
    err, _ = dump_lines(tmp_path, cells(link(ADDRESS), "Toelichting bij de bron",
                                        widths=(20, 80)))
    assert "overfull" not in err and "between letters" not in err, err
    dump = (tmp_path / "doc.dump").read_text(encoding="utf-8")
    lines = [(float(x), float(y), float(w), t) for x, y, w, t in
             re.findall(r'^  line ([-0-9.]+) ([-0-9.]+) ([-0-9.]+) "(.*)"$', dump, re.M)]
    first = next(l for l in lines if l[3].startswith("https:"))
    pieces = [l for l in lines if l[0] == first[0] and l[3].strip() in ADDRESS]
    assert len(pieces) >= 3 and "".join(p[3].strip() for p in pieces) == ADDRESS, lines
    assert any(not p[3].strip().endswith(tuple("/.-_?&=#")) for p in pieces[:-1]), pieces
    other = next(l for l in lines if l[3].startswith("Toelichting"))
    right = other[0] - 2 * style_length("table-cell-padding")
    for x, y, w, t in pieces:
        assert x + w <= right + 0.01, (t, x + w, right)
    r = run_kcvs(tmp_path / "doc.xml", "-o", tmp_path / "doc.pdf")
    assert r.returncode == 0, r.stderr
    import pikepdf
    with pikepdf.open(tmp_path / "doc.pdf") as pdf:
        rects = [[float(v) for v in a.Rect] for p in pdf.pages for a in p.get("/Annots", [])
                 if "/A" in a and str(a.A.get("/URI", "")) == ADDRESS]
        height = float(pdf.pages[0].MediaBox[3])
    for x, y, w, t in pieces:
        assert any(rx0 <= x + 0.01 and x + w <= rx1 + 0.01 and ry0 <= height - y <= ry1
                   for rx0, ry0, rx1, ry1 in rects), (t, rects)
    assert ADDRESS in tool("pdftotext", tmp_path / "doc.pdf", "-").stdout


def test_addresses_in_running_text_keep_the_spaces_even(tmp_path):
    """A line that cannot end well before a long address takes part of it
    (a break between two characters, at the style's high url-char-penalty)
    rather than stretch its spaces: with that break forbidden, gaps open
    to over 1 em."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    import quality
    body = "".join(
        "<para>Het verslag over de werking van het netwerk staat op %s en de bijlage met "
        "de cijfers van de stadsmonitor op %s voor wie meer wil weten over de steden.</para>\n"
        % (link(ADDRESS), link(ADDRESS + "?deel=%d" % i)) for i in range(6))
    src = tmp_path / "doc.xml"
    src.write_text(HEAD + "<section><title>Zetwerk</title>\n" + body
                   + "</section>\n</article>\n", encoding="utf-8")
    style = (ROOT / "styles" / "kcvs.xml").read_text(encoding="utf-8")
    never = re.sub(r'url-char-penalty="[^"]*"', 'url-char-penalty="10000"', style)
    assert never != style
    (tmp_path / "never.xml").write_text(never, encoding="utf-8")
    widest = {}
    for name, extra in (("house", ()), ("never", ("--style", tmp_path / "never.xml"))):
        r = run_kcvs(src, "-o", tmp_path / (name + ".pdf"), *extra)
        assert r.returncode == 0, r.stderr
        q = quality.measure(str(tmp_path / (name + ".pdf")))
        assert q["justified_lines"] >= 10 and q["overruns"] == 0, q
        widest[name] = q["space_max_em"]
    assert widest["house"] <= 0.4 < 1 <= widest["never"], widest

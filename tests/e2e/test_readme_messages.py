"""The diagnostics README.md quotes are the text kcvs-pdf prints.

Every case below names a message exactly as README.md's Diagnostics section
quotes it (between backticks), provokes it with a small document, option or
environment, and asserts a diagnostic line whose message matches the quote
(each … stands for any text) and the exit status the README gives its
group. A quote that this table does not provoke must name, in ELSEWHERE, the
test that does: test_every_quote_is_provoked fails on a quote in neither, so
a message added to the README without a test, or reworded in one place only,
is caught."""

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, STYLE_XML, run_kcvs

README = ROOT / "README.md"

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns="http://docbook.org/ns/docbook" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" version="5.0" xml:lang="{lang}">\n'
        '<info><title>Proef</title>{info}</info>\n')


def doc(body, lang="nl-BE", info=""):
    """A report whose one workstream holds BODY."""
    return (HEAD.format(lang=lang, info=info)
            + f"<section><title>Werkspoor</title>{body}</section>\n</article>\n")


def budget(rows, role="budget", cols=2):
    """A budget table of ROWS (label, amount[, role]) and nothing else."""
    out = []
    for r in rows:
        attr = f' role="{r[2]}"' if len(r) > 2 else ""
        out.append(f'<row{attr}><entry>{r[0]}</entry><entry role="amount">{r[1]}</entry></row>')
    return (f'<table role="{role}"><title>Budget</title><tgroup cols="{cols}"><tbody>'
            + "".join(out) + "</tbody></tgroup></table>")


def table(inner, cols=2):
    return f'<table><title>T</title><tgroup cols="{cols}">{inner}</tgroup></table>'


def image(attrs, alt=True):
    text = "<textobject><phrase>Een beeld</phrase></textobject>" if alt else ""
    return (f"<mediaobject><imageobject><imagedata {attrs}/></imageobject>{text}"
            "</mediaobject>")


def png(path, width=1, height=1, data=None):
    """A grey PNG of WIDTH x HEIGHT (zeros), or with DATA as its IDAT."""
    import struct
    import zlib

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c))
    raw = b"".join(b"\0" + bytes(width) for _ in range(height))
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n"
                           + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw) if data is None else data) + chunk(b"IEND", b""))


def png_header(path, width, height):
    """A PNG whose header states WIDTH x HEIGHT (no data needed: the size is
    checked from the header before any decoding)."""
    png(path)
    data = bytearray(Path(path).read_bytes())
    import struct
    import zlib
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    Path(path).write_bytes(bytes(data))


def style(*edits, font_here=False):
    """A writer of styles/kcvs.xml with each (old, new) of EDITS replaced
    once (each must be there), its fonts (relative to the style's folder)
    found where they are or, with FONT_HERE, the regular sans beside it."""
    def write(path):
        text = STYLE_XML.read_text(encoding="utf-8")
        text = text.replace('"../fonts/', f'"{os.path.relpath(ROOT / "fonts", path.parent)}/')
        if font_here:
            text = re.sub(r'regular="[^"]*NotoSans-Regular.ttf"',
                          'regular="NotoSans-Regular.ttf"', text)
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return write


BODY = '<class name="body" font="sans" size="10pt"'
PAGE = '<page name="body" width="210mm"'
FONT = '<font name="sans" regular="'
ST = ("--style", "style.xml")

# (README quote, source text, {file: text or callable(path)}, args, env, exit status)
DOC = 1   # errors in the document
ENV = 2   # usage or environment
OK = 0    # warnings

# One row a quote (a table, so duplicates lists neighbouring rows as alike
# in shape: deliberate, each row is its own document and message).
CASES = [
    ("a word of … bytes (the limit is 1000): text without spaces?",
     doc("<para>" + "x" * 1001 + "</para>"), {}, (), {}, DOC),
    ("the root element must be DocBook <article> or <book> …",
     '<?xml version="1.0"?>\n<html><p>x</p></html>\n', {}, (), {}, DOC),
    ('this is DocBook 4 …: add xmlns="http://docbook.org/ns/docbook" version="5.0" …, '
     "write every id= as xml:id=",
     '<?xml version="1.0"?>\n<article><title>x</title><para>x</para></article>\n',
     {}, (), {}, DOC),
    ("cannot include '…': file not found",
     doc('<xi:include href="missing.xml"/>'), {}, (), {}, DOC),
    ("… it leaves the report's folder",
     doc('<xi:include href="../outside.xml"/>'), {}, (), {}, DOC),
    ("… only files in the report's folder can be used (no network)",
     doc('<xi:include href="https://example.org/x.xml"/>'), {}, (), {}, DOC),
    ("… it is a folder, not a file",
     doc('<xi:include href="sub"/>'), {"sub/x.txt": "x"}, (), {}, DOC),
    ("… it is already being included (an include cycle)",
     doc('<xi:include href="a.xml"/>'),
     {"a.xml": '<para xmlns="http://docbook.org/ns/docbook" '
               'xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="a.xml"/></para>'},
     (), {}, DOC),
    ("'…' is included more than 100 times (the limit)",
     doc('<xi:include href="p.xml"/>' * 101),
     {"p.xml": '<para xmlns="http://docbook.org/ns/docbook">x</para>'}, (), {}, DOC),
    ("includes nested deeper than 32",
     doc('<xi:include href="n0.xml"/>'),
     {f"n{i}.xml": ('<para xmlns="http://docbook.org/ns/docbook" '
                    f'xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="n{i + 1}.xml"/>'
                    '</para>') for i in range(40)}, (), {}, DOC),
    ("xi:include with xpointer is not supported",
     doc('<xi:include href="p.xml" xpointer="x"/>'),
     {"p.xml": '<para xmlns="http://docbook.org/ns/docbook">x</para>'}, (), {}, DOC),
    ("… it is not UTF-8 text",
     doc('<programlisting><xi:include href="code.txt" parse="text"/></programlisting>'),
     {"code.txt": b"caf\xe9\n"}, (), {}, DOC),
    ("elements nested deeper than 256 levels",
     # each file within libxml2's own bound, the tree they make together not
     doc("<para>" + "<emphasis>" * 200 + '<xi:include href="diep.xml"/>'
         + "</emphasis>" * 200 + "</para>"),
     {"diep.xml": '<emphasis xmlns="http://docbook.org/ns/docbook">' + "<emphasis>" * 100
                  + "x" + "</emphasis>" * 101}, (), {}, DOC),
    ("external resource '…' refused: external entities and DTDs are never loaded",
     '<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY x SYSTEM "x.txt">]>\n'
     + doc("<para>&x;</para>").split("\n", 1)[1], {"x.txt": "geheim"}, (), {}, DOC),
    ("unsafe link '…': only http, https and mailto links are allowed",
     doc('<para><link xlink:href="javascript:alert(1)">x</link></para>'), {}, (), {}, DOC),
    ("(a web address: add https:// in front)",
     doc('<para><link xlink:href="www.example.org">x</link></para>'), {}, (), {}, DOC),
    ("link address '…' has white space inside it",
     doc('<para><link xlink:href="https://example.org/a b">x</link></para>'), {}, (), {}, DOC),
    ("write a & in text or an address as &amp;",
     doc("<para>A & B</para>"), {}, (), {}, DOC),
    ("write the character itself … or declare the entity in the DOCTYPE",
     doc("<para>A&nbsp;B</para>"), {}, (), {}, DOC),
    ("<link> needs xlink:href or linkend",
     doc("<para><link>x</link></para>"), {}, (), {}, DOC),
    ("<xref> needs a linkend",
     doc("<para><xref/></para>"), {}, (), {}, DOC),
    ("'…' has no title for this <xref> to print, only its page: give it an xreflabel, "
     'or write <link linkend="…">text</link>',
     doc('<para xml:id="p1">x</para><para><xref linkend="p1"/></para>'), {}, (), {}, OK),
    ("reference to '…', which no element has as xml:id",
     doc('<para><xref linkend="nergens"/></para>'), {}, (), {}, DOC),
    ("duplicate xml:id '…' (first defined at file:line)",
     doc('<para xml:id="a">x</para><para xml:id="a">y</para>'), {}, (), {}, DOC),
    ("role '…' on <…> in a budget table is not a role of the format: did you mean '…'?",
     doc(budget([("Personeel", "100,00"), ("Totaal", "100,00", "totl")])), {}, (), {}, DOC),
    ("budget total|subtotal does not add up: stated …, computed …",
     doc(budget([("Personeel", "100,00"), ("Totaal", "150,00", "total")])), {}, (), {}, DOC),
    ("'…' is not an amount (write 1.234,56 or 1234.56)",
     doc(budget([("Personeel", "honderd"), ("Totaal", "100,00", "total")])), {}, (), {}, DOC),
    ("amount '…' is too large",
     doc(budget([("Personeel", "9" * 30), ("Totaal", "1,00", "total")])), {}, (), {}, DOC),
    ("budget sum overflows in this column",
     doc(budget([("A", "90000000000000000,00"), ("B", "90000000000000000,00"),
                 ("Totaal", "1,00", "total")])), {}, (), {}, DOC),
    ("a workstream needs a title: add <title> (or <info><title>) to this <section>",
     HEAD.format(lang="nl-BE", info="")
     + "<section><para>x</para></section></article>\n", {}, (), {}, DOC),
    ("a table needs a <tgroup>",
     doc("<table><title>T</title></table>"), {}, (), {}, DOC),
    ("tgroup cols must be between 1 and 64",
     doc(table("<tbody><row><entry>x</entry></row></tbody>", cols=65)), {}, (), {}, DOC),
    ("bad colwidth '…': write N* (N above 0, at most 1000) or a length above 0 such as 30mm",
     doc(table('<colspec colwidth="zwaar"/><tbody><row><entry>x</entry><entry>y</entry>'
               "</row></tbody>")), {}, (), {}, DOC),
    ("the entry is placed on column …, which an earlier entry already covers "
     "(a span or morerows)",
     doc(table('<colspec colname="a"/><colspec colname="b"/><tbody><row>'
               '<entry namest="a" nameend="b">x</entry><entry colname="b">y</entry>'
               "</row></tbody>")), {}, (), {}, DOC),
    ("morerows reaches … rows past the last row of the table part",
     doc(table('<tbody><row><entry morerows="3">x</entry><entry>y</entry></row></tbody>')),
     {}, (), {}, DOC),
    ("bad morerows '…'",
     doc(table('<tbody><row><entry morerows="veel">x</entry><entry>y</entry></row></tbody>')),
     {}, (), {}, DOC),
    ("unknown column name '…'",
     doc(table('<tbody><row><entry colname="z">x</entry></row></tbody>')), {}, (), {}, DOC),
    ("the row has more entries than the table's cols columns",
     doc(table("<tbody><row><entry>x</entry><entry>y</entry><entry>z</entry></row></tbody>")),
     {}, (), {}, DOC),
    ("the table is … pt wide but the text area is only … pt",
     doc(table('<colspec colwidth="400mm"/><colspec colwidth="1*"/><tbody><row>'
               "<entry>x</entry><entry>y</entry></row></tbody>")), {}, (), {}, DOC),
    ("table has more than 100000 rows",
     doc(table("<tbody>" + "<row><entry>x</entry><entry>y</entry></row>" * 100001
               + "</tbody>")), {}, (), {}, DOC),
    ("image '…': file not found",
     doc(image('fileref="geen.png"')), {}, (), {}, DOC),
    ("not a PNG or JPEG file",
     doc(image('fileref="tekst.png"')), {"tekst.png": "geen beeld\n"}, (), {}, DOC),
    ("image too large (the limit is 20000 pixels a side, 100 megapixels)",
     doc(image('fileref="groot.png"')), {"groot.png": lambda p: png_header(p, 20001, 1)},
     (), {}, DOC),
    ("the report's images together exceed 200 megapixels (the limit)",
     doc("".join(image(f'fileref="b{i}.png"') for i in range(3))),
     {f"b{i}.png": (lambda p: png_header(p, 10000, 10000)) for i in range(3)}, (), {}, DOC),
    ("imagedata needs a fileref",
     doc(image('width="10mm"')), {}, (), {}, DOC),
    ("bad image width '…': write a length such as 80mm (at most 14400pt), pixels such as "
     "300px, or a share such as 50%",
     doc(image('fileref="b.png" width="breed"')), {"b.png": png}, (), {}, DOC),
    ("image without alternative text: add <textobject><phrase> "
     '(or role="decorative" on the mediaobject)',
     doc(image('fileref="b.png"', alt=False)), {"b.png": png}, (), {}, DOC),
    ("element <…> is not in the kcvs-pdf subset; its text is typeset as plain paragraphs",
     doc("<para>x <mathphrase>y</mathphrase></para>"), {}, (), {}, OK),
    ("(did you mean <itemizedlist>?)",
     doc("<itemisedlist><listitem><para>x</para></listitem></itemisedlist>"), {}, (), {}, OK),
    ("role '…' is not a role of the format and has no effect: did you mean '…'?",
     doc('<para role="strnog">x</para>'), {}, (), {}, OK),
    ("<pubdate> '…' is not a date kcvs-pdf can read (write 2027-03-15, 15/03/2027 or "
     "15 maart 2027): …",
     doc("<para>x</para>", info="<pubdate>ooit</pubdate>"), {}, (), {}, OK),
    ("no hyphenation patterns for language '…': text in it is not hyphenated",
     doc('<para xml:lang="fi">Suomalainen kappale tekstiä</para>'), {}, (), {}, OK),
    # usage and environment
    ("unknown option", None, {}, ("--geen-optie",), {}, ENV),
    ("no source file given", None, {}, (), {}, ENV),
    ("unknown profile", doc("<para>x</para>"), {}, ("--profile", "web"), {}, ENV),
    ("a PDF is not written to standard output (-o - is for --dump-layout): name a file, "
     "./- for one named -", doc("<para>x</para>"), {}, ("-o", "-"), {}, ENV),
    ("SOURCE_DATE_EPOCH='…' is not a time from 1970 to 9999 (…)",
     doc("<para>x</para>"), {}, (), {"SOURCE_DATE_EPOCH": "gisteren"}, ENV),
    ("KCVS_THREADS='…' is not a number of threads from 1 to 64",
     doc("<para>x</para>"), {}, (), {"KCVS_THREADS": "65"}, ENV),
    ("cannot create the output folder '…': …",
     doc("<para>x</para>"), {}, ("-o", "/proc/kcvs-pdf-none/x.pdf"), {}, ENV),
    ("cannot read the source: …", None, {}, ("geen.xml",), {}, ENV),
    ("cannot write the output: it is the source|an included file|an image|the style sheet|"
     "a font of the document (…); choose another -o",
     doc("<para>x</para>"), {}, ("-o", "report.xml"), {}, ENV,
     "cannot write the output: it is the source of the document (…); choose another -o"),
    ("cannot write the output: it is the source|an included file|an image|the style sheet|"
     "a font of the document (…); choose another -o",
     doc("<para>x</para>"), {"style.xml": style(font_here=True),
                             "NotoSans-Regular.ttf": lambda p: shutil.copy(
                                 ROOT / "fonts" / "NotoSans-Regular.ttf", p)},
     ST + ("-o", "NotoSans-Regular.ttf"), {}, ENV,
     "cannot write the output: it is a font of the document (…); choose another -o"),
    ("it is not a regular file (a device or FIFO?)",
     doc("<para>x</para>"), {}, ("-o", "/dev/null"), {}, ENV),
    ("it names a folder, not a file: end it with a file name such as report.pdf",
     doc("<para>x</para>"), {}, ("-o", "nieuw/"), {}, ENV),
    ("the name given with -o is empty", doc("<para>x</para>"), {}, ("-o", ""), {}, ENV),
    ("cannot read style sheet: …", doc("<para>x</para>"), {}, ST, {}, ENV),
    ("style sheet: Did not expect element spread there", doc("<para>x</para>"),
     {"style.xml": style((PAGE, "<spread/>" + PAGE))}, ST, {}, ENV),
    ("style sheet: Invalid attribute kerning for element class", doc("<para>x</para>"),
     {"style.xml": style((BODY, BODY + ' kerning="true"'))}, ST, {}, ENV),
    ("bad value '…' for style property '…'", doc("<para>x</para>"),
     {"style.xml": style((BODY, '<class name="body" font="serif" size="10pt"'))}, ST, {}, ENV),
    ("bad value '…' for style property '…' (it must be more than 0, at most 14400pt)",
     doc("<para>x</para>"), {"style.xml": style(('size="10pt"', 'size="0pt"'))}, ST, {}, ENV),
    ("class '…' is based on unknown class '…'", doc("<para>x</para>"),
     {"style.xml": style(('<class name="lead"', '<class name="lead" base="geen"'))},
     ST, {}, ENV),
    ("font family '…' falls back to unknown family '…'", doc("<para>x</para>"),
     {"style.xml": style(('fallback="math"', 'fallback="wiskunde"'))}, ST, {}, ENV),
    ("the style defines no class|page|font '…'", doc("<para>x</para>"),
     {"style.xml": style(('<page name="continuation" base="body"/>', ""))}, ST, {}, ENV,
     "the style defines no page '…'"),
    ("page '…': the margins leave no room for text on a page of this size",
     doc("<para>x</para>"), {"style.xml": style(('margin-top="28mm"', 'margin-top="280mm"'))},
     ST, {}, ENV),
    ("class '…': its indents and padding (… pt) leave no room for text on the narrowest "
     "page (… pt)", doc("<para>x</para>"),
     {"style.xml": style(('<class name="lead"', '<class name="lead" indent-left="200mm"'))},
     ST, {}, ENV),
    ("font file '…' not found", doc("<para>x</para>"),
     {"style.xml": style(('NotoSans-Regular.ttf"', 'Geen-Regular.ttf"'), font_here=True)},
     ST, {}, ENV),
    ("font file '…': not a regular file (a FIFO, device or socket)", doc("<para>x</para>"),
     {"style.xml": style(font_here=True),
      "NotoSans-Regular.ttf": lambda p: p.symlink_to("/dev/zero")}, ST, {}, ENV),
    ("cannot load font file", doc("<para>x</para>"),
     {"style.xml": style(font_here=True), "NotoSans-Regular.ttf": "geen lettertype\n"},
     ST, {}, ENV),
    ("Detected an entity reference loop",
     '<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY a "&b;"><!ENTITY b "&a;">]>\n'
     + doc("<para>&a;</para>").split("\n", 1)[1], {}, (), {}, DOC),
    ("character U+… is in none of the style's fonts: it is left out (N times)",
     doc("<para>x \U0001F9EA en \U0001F9EA</para>"), {}, (), {}, OK),
    # libpng's error longjmps out of the decoder: the message set before
    # setjmp must survive it (a volatile pointer, not a pointer to volatile)
    ("corrupt PNG data", doc(image('fileref="b.png"')),
     {"b.png": lambda p: png(p, 8, 8, data=b"x\x9c" + b"\xff" * 30)}, (), {}, DOC),
    ("lists nested this deep are not indented further: their text would have less than … pt "
     "(the style's list-min-measure)",
     doc("<itemizedlist><listitem><para>x</para>" * 40
         + "</listitem></itemizedlist>" * 40), {}, (), {}, OK),
    ("a word is broken between letters to fit its column (… pt)",
     doc("<para>" + "x" * 200 + "</para>"), {}, (), {}, OK),
]


def _pattern(quote):
    """The quote as a regular expression: … is any text, and a|b picks one
    of the words (or phrases) it joins."""
    out = []
    for piece in re.split(r"(…)", quote):
        out.append(".+?" if piece == "…" else re.escape(piece))
    rx = "".join(out).replace("file:line", r"\S+:[0-9]+").replace(
        re.escape("(N times)"), r"\([0-9]+ times?\)")
    # total|subtotal, error|warning: one word or the other
    rx = re.sub(r"(\w+)\\?\|(\w+)", r"(?:\1|\2)", rx)
    return re.compile(rx)


def _readme_quotes():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Diagnostics", 1)[1].split("\n## ", 1)[0]
    quotes = set()
    for q in re.findall(r"`([^`]+)`", section):
        quotes.add(q)
        quotes.update(p.strip() for p in q.split(" | "))
    return quotes


@pytest.mark.parametrize("case", [pytest.param(c, id=c[0][:50]) for c in CASES])
def test_readme_message_is_printed(tmp_path, case):
    quote, source, files, args, env, status = case[:6]
    message = case[6] if len(case) > 6 else quote
    # a pick among the quote's alternatives: every word of it is the quote's
    assert set(re.findall(r"[\w']+", message)) <= set(re.findall(r"[\w']+", quote)), message
    assert quote in _readme_quotes(), f"README.md no longer quotes {quote!r}"
    for name, content in files.items():
        path = tmp_path / "doc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (tmp_path / "outside.xml").write_text('<para xmlns="http://docbook.org/ns/docbook">x</para>')
    (tmp_path / "doc").mkdir(exist_ok=True)
    argv = list(args)
    if source is not None:
        (tmp_path / "doc" / "report.xml").write_text(source, encoding="utf-8")
        argv = ["report.xml"] + (argv if "-o" in argv else argv + ["-o", "out.pdf"])
    r = run_kcvs(*argv, cwd=tmp_path / "doc", env=env)
    rx = _pattern(message)
    messages = [line.split(": error: ", 1)[-1].split(": warning: ", 1)[-1]
                for line in r.stderr.splitlines()]
    assert any(rx.search(m) for m in messages), \
        f"no diagnostic matches /{rx.pattern}/:\n{r.stderr}"
    assert r.returncode == status, f"exit {r.returncode}, expected {status}:\n{r.stderr}"


# README quotes that are not messages: options, file names, words of the
# format and fragments of a message quoted whole in the table above.
NOT_MESSAGES = {
    "&", "&nbsp;", "--help", "--list-links", "-W error", "-v", "<programlisting>", "www.…",
    'xi:include parse="text"', "xml:base", "max-hyphen-run", "underfull-badness",
    "schema/style.rng", "src/base/mem.c", "style sheet: …", "it is a folder",
    "not a regular file", "truncated …", "arithmetic", "hierarchical)",
    "unsupported JPEG coding (lossless", "truncated JPEG file", "corrupt PNG file …",
    "file:line:col: error|warning: message",
    # the image bullets, each of whose alternatives is a quote of its own
    "image '…': file not found | cannot open image file (…: it is a folder / not a regular "
    "file) | not a PNG or JPEG file | truncated … | corrupt PNG file … | corrupt PNG data | "
    "truncated JPEG file | corrupt JPEG data | unsupported JPEG coding (lossless | arithmetic "
    "| hierarchical) | unsupported JPEG sample precision … | image too large (the limit is "
    "20000 pixels a side, 100 megapixels) | the report's images together exceed 200 "
    "megapixels (the limit)",
    "image '…': truncated JPEG file | corrupt JPEG data | unsupported JPEG file (only 8-bit "
    "samples can be decoded) | unsupported JPEG coding | the ICC profile the image embeds is "
    "corrupt | … is not an RGB profile | cannot read the output intent's ICC profile … | the "
    "output intent's ICC profile is not a CMYK profile",
}

# Quotes provoked by another test (path under tests/, and the text that
# test looks for): a large input, a signal, a full disk, a JPEG variant.
ELSEWHERE = {
    "link address '…' names no host|address: it leads nowhere":
        ("e2e/test_trust.py", "names no"),
    "a second <pubdate> is not printed: the report's date is the first, '…' (line …)":
        ("e2e/test_model_checks.py", "is not printed: the"),
    "xrefstyle '…' is not read (kcvs-pdf reads 'select:' with label, title, quotedtitle, page, "
    "nopage): the title and page are printed":
        ("e2e/test_docbook_as_written.py", "xrefstyle 'template: %n' is not read"),
    "xrefstyle: '…' is none of label, title, quotedtitle, page, nopage: left out":
        ("e2e/test_docbook_as_written.py", "is none of label, title"),
    "kcvs-pdf: error: N further errors not shown":
        ("e2e/test_readme_claims.py", "10 further errors not shown"),
    "No space left on device": ("faults/test_faults.py", "No space left on device"),
    "cannot read file: …": ("faults/test_faults.py", "error: cannot read file: "),
    "cannot include '…': …": ("faults/test_faults.py", "error: cannot include "),
    "Cannot allocate memory": ("faults/test_faults.py", "Cannot allocate memory"),
    "cannot read the hyphenation patterns for language '…': …":
        ("faults/test_faults.py", "cannot read the hyphenation patterns for language"),
    "out of memory while reading the RELAX NG schema":
        ("faults/test_faults.py", "out of memory while reading the RELAX NG schema"),
    "out of memory while reading the style sheet schema":
        ("faults/test_faults.py", "out of memory while reading the style sheet schema"),
    "cannot write to the standard output: Broken pipe": ("faults/test_faults.py", "Broken pipe"),
    "a link address of … bytes once percent-encoded (the limit is 32767)":
        ("e2e/test_trees.py", "a link address of 70020 bytes"),
    "alternative text|an expansion of … bytes in the PDF (the limit is 32767)":
        ("e2e/test_trees.py", r"\(the limit is 32767\)"),
    "cannot write the PDF: libharu error … (its cause, e.g. a string longer than 65535 bytes) "
    "while … (what was being written)": ("e2e/test_trees.py", "libharu error"),
    "cannot write the output: …": ("e2e/test_cli.py", "cannot write the output:"),
    "cannot open image file (…: it is a folder / not a regular file)":
        ("e2e/test_inputs.py", "cannot open image file"),
    "… not a regular file (a FIFO, device or socket)":
        ("e2e/test_inputs.py", "not a regular file (a FIFO, device or socket)"),
    "corrupt JPEG data": ("e2e/test_inputs.py", "corrupt JPEG data"),
    "image '…': truncated JPEG file": ("e2e/test_inputs.py", "truncated JPEG file"),
    "unsupported JPEG coding": ("e2e/test_inputs.py", "unsupported JPEG coding"),
    "unsupported JPEG sample precision …": ("e2e/test_inputs.py", "sample precision"),
    "… is not an RGB profile": ("e2e/test_print_images.py", "not an RGB profile"),
    "kcvs-pdf: error: out of memory (asked for … bytes)":
        ("unit/test_mem.c", "out of memory (asked for"),
    "overfull line, … pt wider than its column (… pt) even when broken between letters: '…'":
        ("e2e/test_layout_reports.py", "overfull line"),
    "underfull line (badness …, the style reports above …): '…'":
        ("e2e/test_layout_reports.py", "underfull line"),
    "… hyphenated lines in a row (the style allows …)":
        ("e2e/test_layout_reports.py", "hyphenated lines in a row"),
    "page numbers still moved after 4 layout passes: a cross-reference to this place may "
    "name the wrong page": ("e2e/test_xref_pages.py", "page numbers still moved"),
}

# Quotes no test provokes yet (each needs a broken library, a CFF font, a
# damaged ICC profile or 100,000 pages): listed so that the list can only
# shrink; a new untested quote fails test_every_quote_is_provoked.
UNTESTED = {
    "cannot load the RELAX NG schema",
    "cannot read the ICC profile of the output intent (Debian package …)",
    "cannot read the output intent's ICC profile …",
    "the output intent's ICC profile is not a CMYK profile",
    "the ICC profile the image embeds is corrupt",
    "unsupported JPEG file (only 8-bit samples can be decoded)",
    "cannot replace the output: …",
    "cannot write the output's folder: …",
    "cannot subset this font",
    "not a TrueType-outline font (CFF .otf fonts cannot be embedded)",
    "the document needs more than 100000 pages",
}


def test_every_quote_is_provoked():
    provoked = {c[0] for c in CASES}
    for quote, (path, text) in ELSEWHERE.items():
        assert text in (ROOT / "tests" / path).read_text(encoding="utf-8"), (quote, path)
    known = provoked | set(ELSEWHERE) | UNTESTED | NOT_MESSAGES
    quotes = _readme_quotes()
    assert sorted(quotes - known) == [], "README quotes a message no test provokes"
    assert sorted(known - quotes) == [], "a listed quote is no longer in README.md"

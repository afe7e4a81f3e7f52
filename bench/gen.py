#!/usr/bin/python3
"""Generate the benchmark inputs of kcvs-pdf into build/bench/.

Standard library only (Debian's /usr/bin/python3). Every input is
deterministic: the same source gives byte-identical files.

  x10, x100, x1000
              10, 100 and 1000 copies of the real report's workstreams: the <info>
              of content/report.xml, then every section of it repeated N
              times, each copy a generated file xi:included like the real
              ones (xN/sections/cKKK-NAME.xml). In copy K every <title> gets
              " (K)", every xml:id (and every linkend pointing at it) the
              suffix "-cK", and every xlink:href the query "copy=K".
  sect95k     95,000 workstreams of a title and one sentence: about 98,000
              pages (each workstream opens a page, plus the contents), near
              the 100,000-page limit, in 6.6 MB of XML.
  long200     one workstream of about 200 pages of running text: paragraphs
              rebuilt from the sentences of the report's own paragraphs,
              shuffled and regrouped (deterministic seed) so no two are equal,
              with some emphasis and source links in between.
  table1k, table5k, table10k
              one workstream holding a <table role="budget"> with N amount
              rows in Belgian notation (1.234,56) and a <row role="total">
              whose figure is the exact sum, computed in integer cents.

Usage: bench/gen.py [--src content/report.xml] [--out build/bench] [NAME...]
"""
import argparse
import copy
import os
import random
import re
import sys
import xml.etree.ElementTree as ET

DB = "http://docbook.org/ns/docbook"
XL = "http://www.w3.org/1999/xlink"
XI = "http://www.w3.org/2001/XInclude"
XML = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", DB)
ET.register_namespace("xlink", XL)
ET.register_namespace("xi", XI)

ALL = ["x10", "x100", "x1000", "sect95k", "long200", "table1k", "table5k", "table10k"]
# Characters of running text that make about 200 pages in the kcvs style
# (10 pt Noto Sans, 160 mm measure, 15 pt leading): calibrated once on
# kcvs-pdf's output (~3 640 characters per page).
LONG_CHARS = 200 * 3640


def q(tag, ns=DB):
    return "{%s}%s" % (ns, tag)


def load_report(src):
    """The root element and the workstream sections, XIncludes resolved."""
    tree = ET.parse(src)
    root = tree.getroot()
    base = os.path.dirname(os.path.abspath(src))
    sections = []
    for child in root:
        if child.tag == q("include", XI):
            href = child.get("href")
            sections.append((os.path.basename(href), ET.parse(os.path.join(base, href)).getroot()))
        elif child.tag in (q("section"), q("chapter")):
            sections.append(("inline-%d.xml" % (len(sections) + 1), child))
    if not sections:
        sys.exit("gen.py: %s holds no workstream" % src)
    return root, sections


def header(root):
    """XML declaration and the root start tag, namespaces declared."""
    lang = root.get(q("lang", XML), "nl-BE")
    tag = root.tag.split("}")[1]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<%s xmlns="%s" xmlns:xlink="%s" xmlns:xi="%s" version="5.0" xml:lang="%s">\n'
            % (tag, DB, XL, XI, lang)), "</%s>\n" % tag


def info_xml(root):
    info = root.find(q("info"))
    if info is None:
        return ""
    s = ET.tostring(info, encoding="unicode")
    s = re.sub(r' xmlns(:\w+)?="[^"]*"', "", s, count=0)
    return "  " + s.strip() + "\n"


def with_query(href, k):
    frag = ""
    if "#" in href:
        href, frag = href.split("#", 1)
        frag = "#" + frag
    sep = "&" if "?" in href else "?"
    return "%s%scopy=%d%s" % (href, sep, k, frag)


def make_copy(section, k):
    s = copy.deepcopy(section)
    for e in s.iter():
        if e.tag == q("title"):
            # append after the last piece of text of the title
            kids = list(e)
            if kids:
                kids[-1].tail = (kids[-1].tail or "") + " (%d)" % k
            else:
                e.text = (e.text or "") + " (%d)" % k
        i = e.get(q("id", XML))
        if i is not None:
            e.set(q("id", XML), "%s-c%d" % (i, k))
        for a in ("linkend", "endterm"):
            v = e.get(a)
            if v is not None:
                e.set(a, "%s-c%d" % (v, k))
        h = e.get(q("href", XL))
        if h is not None:
            e.set(q("href", XL), with_query(h, k))
    return s


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def gen_copies(root, sections, out, name, n):
    d = os.path.join(out, name)
    sd = os.path.join(d, "sections")
    if os.path.isdir(sd):
        for f in os.listdir(sd):
            os.unlink(os.path.join(sd, f))
    head, tail = header(root)
    body = [head, info_xml(root)]
    for k in range(1, n + 1):
        for fname, sec in sections:
            c = make_copy(sec, k)
            c.set(q("lang", XML), sec.get(q("lang", XML), "nl-BE"))
            fn = "c%03d-%s" % (k, fname)
            write(os.path.join(sd, fn),
                  '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(c, encoding="unicode") + "\n")
            body.append('  <xi:include href="sections/%s"/>\n' % fn)
    body.append(tail)
    write(os.path.join(d, "report.xml"), "".join(body))


def gen_sections(root, out, name, count):
    head, tail = header(root)
    parts = [head, info_xml(root)]
    for i in range(1, count + 1):
        parts.append("  <section><title>Werkspoor %d</title><para>Tekst van werkspoor %d."
                     "</para></section>\n" % (i, i))
    parts.append(tail)
    write(os.path.join(out, name, "report.xml"), "".join(parts))


def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sentences(sections):
    """Sentences of the report's body paragraphs (not calls to action)."""
    out = []
    for _, sec in sections:
        for p in sec.iter(q("para")):
            if p.get("role"):
                continue
            text = re.sub(r"\s+", " ", "".join(p.itertext())).strip()
            for s in re.split(r"(?<=[.!?…])\s+(?=[A-Z0-9‘“'(])", text):
                if len(s) > 3:
                    out.append(s)
    return out


def gen_long(root, sections, out, name, chars):
    rnd = random.Random(200)
    sents = sentences(sections)
    links = []
    for _, sec in sections:
        for l in sec.iter(q("link")):
            if l.get(q("href", XL)):
                links.append(l.get(q("href", XL)))
    head, tail = header(root)
    parts = [head, info_xml(root),
             '  <section xml:id="ws-long">\n'
             '    <title>Doorlopende tekst: een werkspoor van tweehonderd bladzijden</title>\n']
    total = 0
    n = 0
    while total < chars:
        n += 1
        k = rnd.randint(2, 7)
        chosen = [rnd.choice(sents) for _ in range(k)]
        text = " ".join(esc(s) for s in chosen)
        total += len(" ".join(chosen))
        if n % 4 == 0:
            # emphasise a few words in the middle
            words = text.split(" ")
            if len(words) > 8:
                i = rnd.randint(1, len(words) - 5)
                j = i + rnd.randint(1, 3)
                tag = "emphasis" if n % 8 else 'emphasis role="bold"'
                words[i] = "<%s>%s" % (tag, words[i])
                words[j] = "%s</emphasis>" % words[j]
                text = " ".join(words)
        if n % 10 == 0 and links:
            text += ' Zie ook <link xlink:href="%s">het brondocument %d</link>.' % (
                esc(with_query(rnd.choice(links), n)), n)
        parts.append("    <para>%s</para>\n" % text)
    parts.append("  </section>\n")
    parts.append(tail)
    write(os.path.join(out, name, "report.xml"), "".join(parts))


def belgian(cents):
    neg = cents < 0
    cents = abs(cents)
    euros, c = divmod(cents, 100)
    s = "{:,}".format(euros).replace(",", ".")
    return "%s%s,%02d" % ("-" if neg else "", s, c)


def gen_table(root, sections, out, name, rows):
    rnd = random.Random(rows)
    titles = []
    for _, sec in sections:
        t = sec.find(q("title"))
        if t is not None:
            titles.append(re.sub(r"\s+", " ", "".join(t.itertext())).strip())
    kinds = ["personeelskosten", "werkingskosten", "onderzoeksopdracht", "studiedag",
             "publicatie", "vertaling", "catering", "zaalhuur", "reiskosten", "licenties"]
    head, tail = header(root)
    parts = [head, info_xml(root),
             '  <section xml:id="ws-table">\n'
             '    <title>Begroting in detail: %d posten</title>\n'
             '    <para>De tabel hieronder somt alle %d posten van de begroting op; het totaal '
             'is de som van alle bedragen, tot op de cent.</para>\n'
             '    <table role="budget" xml:id="tbl-detail" frame="topbot">\n'
             '      <title>Detailbegroting (%d posten)</title>\n'
             '      <tgroup cols="2">\n'
             '        <colspec colname="c1" colwidth="3*"/>\n'
             '        <colspec colname="c2" colwidth="1*" align="right"/>\n'
             '        <thead>\n'
             '          <row><entry>Omschrijving</entry><entry align="right">Bedrag (euro)</entry></row>\n'
             '        </thead>\n'
             '        <tbody>\n' % (rows, rows, rows)]
    total = 0
    for i in range(1, rows + 1):
        # log-uniform amounts from 1,00 to 999.999,99 euro, in cents
        cents = int(round(10 ** rnd.uniform(2, 8))) - 1
        cents = max(1, min(cents, 99_999_999))
        total += cents
        desc = "Post %d: %s – %s" % (i, rnd.choice(kinds), rnd.choice(titles))
        parts.append('          <row><entry>%s</entry><entry role="amount">%s</entry></row>\n'
                     % (esc(desc), belgian(cents)))
    parts.append('          <row role="total"><entry>Totaal</entry><entry role="amount">%s</entry></row>\n'
                 '        </tbody>\n'
                 '      </tgroup>\n'
                 '    </table>\n'
                 '  </section>\n' % belgian(total))
    parts.append(tail)
    write(os.path.join(out, name, "report.xml"), "".join(parts))
    return total


def main():
    ap = argparse.ArgumentParser(description="generate kcvs-pdf benchmark inputs")
    ap.add_argument("--src", default="content/report.xml")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("names", nargs="*", help="inputs to generate (default: all): " + " ".join(ALL))
    a = ap.parse_args()
    names = a.names or ALL
    root, sections = load_report(a.src)
    os.makedirs(a.out, exist_ok=True)
    for name in names:
        m = re.fullmatch(r"x(\d+)", name)
        if m:
            gen_copies(root, sections, a.out, name, int(m.group(1)))
            continue
        m = re.fullmatch(r"sect(\d+)k", name)
        if m:
            gen_sections(root, a.out, name, int(m.group(1)) * 1000)
            continue
        m = re.fullmatch(r"long(\d+)", name)
        if m:
            gen_long(root, sections, a.out, name, int(m.group(1)) * LONG_CHARS // 200)
            continue
        m = re.fullmatch(r"table(\d+)(k?)", name)
        if m:
            gen_table(root, sections, a.out, name, int(m.group(1)) * (1000 if m.group(2) else 1))
            continue
        sys.exit("gen.py: unknown input %r (known: %s)" % (name, " ".join(ALL)))
    print("gen.py: wrote %s into %s" % (" ".join(names), a.out))


if __name__ == "__main__":
    main()

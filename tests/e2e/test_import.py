"""`kcvs-pdf --import FILE.docx|FILE.md|FILE.odt FOLDER`: pandoc's DocBook
turned into a report folder (report.xml, sections/ with xi:include,
images/) that compiles without a single warning, every word and every image
kept. The documents are made at test time with pandoc itself, the Word and
OpenDocument ones from the Markdown, as an editor's would be."""

import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import (KCVS_PDF, assert_pdfcheck_passes, assert_text_conserved, canon, compile_ok,
                      contains_words, run_kcvs, struct_elements, tool, xml_text)

pytestmark = pytest.mark.skipif(shutil.which("pandoc") is None,
                                reason="pandoc is not installed (.ci/install-deps.sh test)")

DB = "{http://docbook.org/ns/docbook}"
XI = "{http://www.w3.org/2001/XInclude}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

MARKDOWN = """\
---
title: Jaarverslag van de stad
---

# 2024 in cijfers {#cijfers}

Dit jaar schreven we *twaalf* adviezen en **drie** studies, te lezen op
[onze website](https://www.kenniscentrumvlaamsesteden.be/) met
![Het logo van de stad](grafiek.png "Logo") bovenaan.

![Een rode rechthoek als grafiek](grafiek.png)

- eerste resultaat
- tweede resultaat

| Stad      | Inwoners |
|-----------|----------|
| Gent      | 265000   |
| Antwerpen | 530000   |

## Verder {#dubbel}

![Dezelfde grafiek](grafiek.png)

Zie ook [de cijfers](#dubbel) hierboven.

# Tweede werkspoor

## Nog eens {#dubbel}

Een slotalinea met *nadruk*.
"""


def pandoc(*args, cwd):
    subprocess.run(["pandoc", *map(str, args)], cwd=cwd, check=True, timeout=120,
                   capture_output=True)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """x.md with its PNG, and x.docx and x.odt that pandoc writes from it."""
    from PIL import Image
    d = tmp_path_factory.mktemp("import-src")
    Image.new("RGB", (40, 30), (200, 40, 40)).save(d / "grafiek.png")
    (d / "x.md").write_text(MARKDOWN, encoding="utf-8")
    pandoc("-o", "x.docx", "x.md", cwd=d)
    pandoc("-o", "x.odt", "x.md", cwd=d)
    return d


# What a reader of the PDF is to be told of each image of MARKDOWN.
ALTS = ["Het logo van de stad", "Een rode rechthoek als grafiek", "Dezelfde grafiek"]


def source_words(markdown):
    """The words of a Markdown document a reader sees printed: its title
    and body, without the images (their alternative text is no printed
    text), link targets and heading ids."""
    front, body = markdown.split("---\n", 2)[1:]
    text = re.search(r"^title: (.*)$", front, re.M).group(1) + "\n" + body
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\]\([^)]*\)|<https?://[^>]*>|\{#[^}]*\}", " ", text)
    return re.findall(r"\w+", text)


def pdf_uris(pdf):
    """The URIs the PDF's links open."""
    with pikepdf.open(pdf) as p:
        return [str(a.A.URI) for page in p.pages for a in page.obj.get("/Annots", [])
                if a.get("/A") is not None and a.A.get("/S") == "/URI"]


def assert_source_kept(markdown, pdf):
    """Every word of the Markdown the import started from is in the PDF,
    and every link to the web (links inside it: assert_link_to_verder):
    what pandoc's round trip through Word or LibreOffice
    loses shows here, not in the conservation check from report.xml."""
    printed = canon(tool("pdftotext", pdf, "-").stdout)
    lost = [w for w in source_words(markdown) if not contains_words(printed, canon(w))]
    assert not lost, f"words of the source not in {pdf}: {lost}"
    wanted = [a or b for a, b in re.findall(r"\]\((https?://[^)]*)\)|<(https?://[^>]*)>",
                                            markdown)]
    assert sorted(pdf_uris(pdf)) == sorted(wanted)


def figure_alts(pdf):
    with pikepdf.open(pdf) as p:
        return [str(e.get("/Alt")) for e in struct_elements(p) if e.get("/S") == "/Figure"]


def do_import(source, folder, env=None):
    return run_kcvs("--import", source, folder, env=env)


def image_sizes(pdf):
    """(width, height) of every image XObject the pages draw."""
    sizes = []
    with pikepdf.open(pdf) as p:
        for page in p.pages:
            xobjects = page.obj.Resources.get("/XObject", pikepdf.Dictionary())
            for xo in (xobjects[k] for k in xobjects.keys()):
                if xo.get("/Subtype") == "/Image":
                    sizes.append((int(xo.Width), int(xo.Height)))
    return sizes


def check_folder(folder):
    """The folder's shape: report.xml includes one file per top-level
    section, images sit under images/ referenced relative to their file,
    every xml:id is an NCName and unique over the report."""
    report = ET.parse(folder / "report.xml").getroot()
    assert report.tag == DB + "article"
    assert report.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl-BE"
    hrefs = [inc.get("href") for inc in report.iter(XI + "include")]
    assert hrefs == ["sections/01-2024-in-cijfers.xml", "sections/02-tweede-werkspoor.xml"]
    ids = []
    for tree, base in [(report, folder)] + [
            (ET.parse(folder / h).getroot(), (folder / h).parent) for h in hrefs]:
        ids += [e.get(XML_ID) for e in tree.iter() if e.get(XML_ID)]
        for data in tree.iter(DB + "imagedata"):
            ref = data.get("fileref")
            assert ref.startswith("../images/") and (base / ref).is_file(), ref
    assert all(NCNAME.match(i) for i in ids), ids
    assert len(ids) == len(set(ids)), ids
    return ids


def compiled(folder, tmp_path):
    """Compiles the import with warnings as errors; checks every word, and
    the PDF/A and PDF/UA rules (shared/tools/pdfcheck.py)."""
    pdf = tmp_path / "import.pdf"
    doc = compile_ok(folder / "report.xml", pdf, "-W", "error")
    assert "warning" not in doc.result.stderr, doc.result.stderr
    assert_text_conserved(folder / "report.xml", pdf)
    assert_pdfcheck_passes(pdf, alone=False)
    return pdf


def test_libzip_is_loaded_by_an_import_only():
    """Packages are read with libzip, opened when an import needs it: a
    compilation does not load it (nor libcrypto, libbz2, which it brings),
    and the imports in this file read .docx and .odt through it."""
    linked = subprocess.run(["ldd", str(KCVS_PDF)], capture_output=True, text=True).stdout
    assert "libz.so" in linked  # ldd read the binary
    assert "libzip" not in linked and "libcrypto" not in linked, linked


@pytest.mark.parametrize("kind", ["md", "docx"])
def test_import_compiles_without_warnings_and_keeps_everything(sources, tmp_path, kind):
    # pandoc's DOCX reader drops the headings' bookmarks, the link's
    # target: the import puts them back
    folder = import_cleanly(sources / f"x.{kind}", tmp_path)
    assert figure_titles(folder) == ALTS[1:]
    title = ET.parse(folder / "report.xml").getroot().find(f"{DB}info/{DB}title")
    assert title.text == "Jaarverslag van de stad"
    # The image used twice is one file.
    assert len(list((folder / "images").iterdir())) == 1
    pdf = compiled(folder, tmp_path)
    assert (40, 30) in image_sizes(pdf)
    # The alternative text, not the tooltip title ("Logo"): Markdown's
    # ![alt], Word's Alt Text (its descr).
    assert figure_alts(pdf) == ALTS
    assert_source_kept(MARKDOWN, pdf)
    assert not list(tmp_path.glob(".verslag.import-*"))


def rewrite_content(odt, out, change, part="content.xml"):
    """ODT with its PART changed by CHANGE (text to text), as OUT."""
    with zipfile.ZipFile(odt) as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    content = change(dict(parts)[part].decode())
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts:
            z.writestr(name, content if name == part else data,
                       zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)


def test_import_docx_as_word_saves_it_keeps_links_to_headings(sources, tmp_path):
    """Word names its heading styles' ids in the language of its menus
    (Kop1, Kop2) and starts a heading's bookmark inside its paragraph,
    beside its own _GoBack; pandoc's writer does neither."""
    docx = tmp_path / "word.docx"
    with zipfile.ZipFile(sources / "x.docx") as z:
        parts = [(i.filename, z.read(i).decode() if i.filename.endswith(".xml") else z.read(i))
                 for i in z.infolist()]

    def as_word(name, text):
        if name not in ("word/document.xml", "word/styles.xml"):
            return text
        text = re.sub(r'"Heading([12])"', r'"Kop\1"', text)
        # Word's bookmark names are unique
        text = re.sub(r'(w:name="dubbel" />(?!.*w:name="dubbel"))', r'w:name="dubbel-2" />', text)
        moved = re.sub(r'(<w:bookmarkStart [^>]*/>)(<w:p><w:pPr>.*?</w:pPr>)', r"\2\1", text)
        return moved.replace("</w:pPr>", '</w:pPr><w:bookmarkStart w:id="0" w:name="_GoBack" />'
                             '<w:bookmarkEnd w:id="0" />', 1)
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, as_word(name, data))
    text = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert re.search(r'<w:pStyle w:val="Kop2" /></w:pPr><w:bookmarkStart w:id="\d+" '
                     r'w:name="dubbel"', text) and "Heading" not in text
    compiled(import_cleanly(docx, tmp_path), tmp_path)


WORD_CAPTION = (
    '<w:p><w:pPr><w:pStyle w:val="Bijschrift" /></w:pPr><w:r><w:t xml:space="preserve">Figuur '
    '</w:t></w:r><w:r><w:fldChar w:fldCharType="begin" /></w:r><w:r><w:instrText'
    ' xml:space="preserve"> SEQ Figuur \\* ARABIC </w:instrText></w:r><w:r><w:fldChar'
    ' w:fldCharType="separate" /></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar'
    ' w:fldCharType="end" /></w:r><w:r><w:t xml:space="preserve">{sep}{caption}</w:t></w:r></w:p>')


@pytest.mark.parametrize("sep,descr,above", [(": ", True, False), (" \u2013 ", False, False),
                                             (": ", True, True)], ids=["colon", "dash", "above"])
def test_import_docx_figure_captioned_in_word(sources, tmp_path, sep, descr, above):
    """Word's Insert Caption: a paragraph styled caption (its id in the
    language of Word's menus, Bijschrift), numbered by a SEQ field, after
    the image (or before it, every caption of the document: "Above selected
    item"). pandoc reads it as a paragraph, "Figuur 1: …"; the import makes
    it the figure's caption without its number (the compiler numbers
    figures), and the image's alternative text when it has none."""
    docx = tmp_path / "word.docx"
    caption = "De grafiek van het jaar"
    with zipfile.ZipFile(sources / "x.docx") as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]

    def as_word(name, data):
        if name == "word/styles.xml":
            return data.decode().replace("</w:styles>", '<w:style w:type="paragraph" w:styleId='
                                         '"Bijschrift"><w:name w:val="caption" /></w:style>'
                                         "</w:styles>")
        if name != "word/document.xml":
            return data
        text = data.decode()
        old = f'<w:p><w:pPr><w:pStyle w:val="ImageCaption" /></w:pPr><w:r><w:t xml:space=' \
              f'"preserve">{ALTS[1]}</w:t></w:r></w:p>'
        assert text.count(old) == 1
        text = text.replace(old, WORD_CAPTION.format(sep=sep, caption=caption))
        if above:  # each caption before its image's paragraph
            text = re.sub(r'(<w:p><w:pPr><w:pStyle w:val="CaptionedFigure" /></w:pPr>.*?</w:p>)'
                          r'(<w:p><w:pPr><w:pStyle w:val="(?:Bijschrift|ImageCaption)" />.*?</w:p>)',
                          r"\2\1", text)
            text = re.sub(r'<w:p><w:pPr><w:pStyle w:val="ImageCaption" /></w:pPr><w:r><w:t '
                          r'xml:space="preserve">([^<]*)</w:t></w:r></w:p>',
                          lambda m: WORD_CAPTION.format(sep=sep, caption=m.group(1)), text)
        return text if descr else text.replace(f'descr="{ALTS[1]}"', 'descr=""')
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, as_word(name, data))
    folder = import_cleanly(docx, tmp_path)
    assert figure_titles(folder) == [caption, ALTS[2]]
    pdf = compiled(folder, tmp_path)
    assert figure_alts(pdf) == [ALTS[0], ALTS[1] if descr else caption, ALTS[2]]
    printed = canon(tool("pdftotext", pdf, "-").stdout)
    assert printed.count(canon(caption)) == 1 and "figuur 1: figuur" not in printed


LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
ADEC = ('<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:decorative'
        ' xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1" />'
        '</a:ext></a:extLst>')


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_import_keeps_an_image_marked_decorative(sources, tmp_path, kind):
    """Word's and LibreOffice's "Mark as decorative" on the logo (which then
    has no alternative text): pandoc reads neither; the import makes it
    role="decorative" (an artifact in the PDF), without a warning."""
    package = tmp_path / f"versiering.{kind}"
    if kind == "odt":
        rewrite_content(sources / "x.odt", package, lambda c: c.replace(
            '<draw:frame draw:name="img1"',
            f'<draw:frame xmlns:loext="{LOEXT}" loext:decorative="true" draw:name="img1"', 1))
    else:
        def decorative(text):  # Word empties its alternative text and title
            first = re.search(r'<wp:docPr descr="[^"]*" title="[^"]*"([^>]*) />', text)
            return text.replace(first.group(0), f'<wp:docPr descr="" title=""{first.group(1)}>'
                                f'{ADEC}</wp:docPr>', 1)
        rewrite_content(sources / "x.docx", package, decorative, part="word/document.xml")
    folder = import_cleanly(package, tmp_path)
    section = ET.parse(folder / "sections/01-2024-in-cijfers.xml").getroot()
    logo = next(section.iter(f"{DB}inlinemediaobject"))
    assert logo.get("role") == "decorative" and logo.find(f"{DB}textobject") is None
    pdf = compiled(folder, tmp_path)
    assert figure_alts(pdf) == ALTS[1:]


def as_libreoffice_saves(odt, out, descriptions):
    """ODT as LibreOffice saves it once the editor gave its images, in
    document order, a Text Alternative (svg:title) and a Description
    (svg:desc), (title, desc) each, None for none (ODF 1.2 §10.3.2: children
    of the image's draw:frame). pandoc's ODT writer writes neither."""
    def describe(content):
        frames = re.findall(r"<draw:frame .*?</draw:frame>", content)
        assert len(frames) == len(descriptions), frames
        for frame, (title, desc) in zip(frames, descriptions):
            svg = "".join(f"<svg:{k}>{v}</svg:{k}>"
                          for k, v in (("title", title), ("desc", desc)) if v)
            content = content.replace(frame, frame.replace("</draw:frame>", svg + "</draw:frame>"))
        return content
    rewrite_content(odt, out, describe)


def assert_link_to_verder(folder):
    """The link "de cijfers" leads to the heading "Verder" (pandoc writes
    its explicit id, dubbel, twice as it was written twice: the second is
    made unique and the link keeps the first)."""
    section = ET.parse(folder / "sections/01-2024-in-cijfers.xml").getroot()
    targets = [l.get("linkend") for l in section.iter(f"{DB}link") if l.get("linkend")]
    assert len(targets) == 1, targets
    found = [s for s in section.iter(f"{DB}section")
             if s.get(XML_ID) == targets[0]
             or any(e.get(XML_ID) == targets[0] for e in s.find(f"{DB}title").iter())]
    assert [xml_text(s.find(f"{DB}title")).strip() for s in found] == ["Verder"]


def import_cleanly(source, tmp_path):
    """Imports SOURCE of MARKDOWN without a warning: the folder."""
    folder = tmp_path / "verslag"
    r = do_import(source, folder)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    check_folder(folder)
    assert_link_to_verder(folder)
    return folder


def figure_titles(folder):
    """The figures' captions, in the order of the report."""
    section = ET.parse(folder / "sections/01-2024-in-cijfers.xml").getroot()
    return [" ".join(xml_text(f.find(f"{DB}title")).split()) for f in section.iter(f"{DB}figure")]


def report_title(folder):
    return ET.parse(folder / "report.xml").getroot().find(f"{DB}info/{DB}title").text


def body_paragraphs(folder, text):
    """The paragraphs of report.xml's body that read TEXT."""
    report = ET.parse(folder / "report.xml").getroot()
    return [p for p in report.findall(f"{DB}para") if " ".join(xml_text(p).split()) == text]


def table_heading(folder):
    section = ET.parse(folder / "sections/01-2024-in-cijfers.xml").getroot()
    return [[xml_text(e).strip() for e in row]
            for row in section.iter(f"{DB}thead") for row in row.iter(f"{DB}row")]


def test_import_odt_as_pandoc_writes_it(sources, tmp_path):
    """pandoc's ODT writer drops an inline image's alternative text (the
    .odt has none left: the import names the image) and writes a figure's
    as its caption, a paragraph after the image, which becomes its
    alternative text."""
    folder = tmp_path / "verslag"
    r = do_import(sources / "x.odt", folder)
    assert r.returncode == 0, r.stderr
    missing = re.findall(r"images/\S+\.png has no alternative text", r.stderr)
    assert len(missing) == 1, r.stderr
    assert len([l for l in r.stderr.splitlines() if "warning" in l]) == 1, r.stderr
    check_folder(folder)
    assert_link_to_verder(folder)
    section = folder / "sections/01-2024-in-cijfers.xml"
    text, n = re.subn(r"(<imagedata [^>]*/>\s*</imageobject>)(?!\s*<textobject>)",
                      r"\1<textobject><phrase>Een logo</phrase></textobject>",
                      section.read_text())
    assert n == 1
    section.write_text(text)
    pdf = compiled(folder, tmp_path)
    assert (40, 30) in image_sizes(pdf)
    assert figure_alts(pdf) == ["Een logo"] + ALTS[1:]
    # its figures, as two paragraphs each, are figures again
    assert figure_titles(folder) == ALTS[1:]
    # pandoc's ODT reader reads no title; its Title paragraph is the title
    assert report_title(folder) == "Jaarverslag van de stad"
    assert not body_paragraphs(folder, "Jaarverslag van de stad")
    # pandoc's ODT reader reads the table's heading as empty cells
    assert table_heading(folder) == [["Stad", "Inwoners"]]
    assert_source_kept(MARKDOWN, pdf)


def test_import_odt_keeps_the_descriptions_of_its_images(sources, tmp_path):
    """pandoc's ODT reader drops svg:desc and makes svg:title a slug
    ("dezelfde-grafiek"): the import reads them from the .odt itself, each
    image's own even when two show one picture, title and description both
    when there are both."""
    odt = tmp_path / "bewerkt.odt"
    as_libreoffice_saves(sources / "x.odt", odt, [
        ("Het logo", "Een rood schild met een leeuw"),
        (None, "Een staafgrafiek van de adviezen per maand"),
        ("Dezelfde Grafiek, Nog Eens", None)])
    # pandoc's ODT reader renames the headings' bookmarks ("anchor-1"),
    # the link's target: the import gives them their names back
    folder = import_cleanly(odt, tmp_path)
    pdf = compiled(folder, tmp_path)
    assert figure_alts(pdf) == ["Het logo. Een rood schild met een leeuw",
                                "Een staafgrafiek van de adviezen per maand",
                                "Dezelfde Grafiek, Nog Eens"]
    assert_source_kept(MARKDOWN, pdf)


LIBREOFFICE_FIGURE = (
    '<text:p text:style-name="Standard"><draw:frame draw:name="Kader1" text:anchor-type="as-char"'
    ' svg:width="40pt" draw:z-index="0"><draw:text-box fo:min-height="30pt">'
    '<text:p text:style-name="Figure"><draw:frame draw:name="Afbeelding1"'
    ' text:anchor-type="paragraph" svg:width="40pt" svg:height="30pt">{image}{desc}</draw:frame>'
    'Figuur <text:sequence text:ref-name="refFigure0" text:name="Figure"'
    ' text:formula="ooow:Figure+1" style:num-format="1">1</text:sequence>: {caption}'
    '</text:p></draw:text-box></draw:frame></text:p>')


@pytest.mark.parametrize("desc", [None, "Staven per maand, de hoogste in maart"])
def test_import_odt_figure_captioned_in_libreoffice(sources, tmp_path, desc):
    """LibreOffice captions an image in a text box holding the image and
    its numbered caption ("Figuur 1: …"), which pandoc makes a figure whose
    title is the caption, number and all: the compiler numbers figures
    itself, so the number goes. The alternative text is the image's
    description, else the caption."""
    odt = tmp_path / "figuur.odt"
    caption = "Een rode rechthoek als grafiek"

    def captioned(content):
        start = content.index('<text:p text:style-name="FigureWithCaption">')
        end = content.index("</text:p>", content.index(f">{caption}</text:p>")) + 9
        image = re.search(r"<draw:image [^>]*/>", content[start:end]).group(0)
        return content[:start] + LIBREOFFICE_FIGURE.format(
            image=image, desc=f"<svg:desc>{desc}</svg:desc>" if desc else "",
            caption=caption) + content[end:]
    rewrite_content(sources / "x.odt", odt, captioned)
    folder = tmp_path / "verslag"
    r = do_import(odt, folder)
    assert r.returncode == 0, r.stderr
    assert figure_titles(folder) == [caption, ALTS[2]]
    section_file = folder / "sections/01-2024-in-cijfers.xml"
    section_file.write_text(re.sub(  # the inline image's, which pandoc's .odt lacks
        r"(<imagedata [^>]*/>\s*</imageobject>)(?!\s*<textobject>)",
        r"\1<textobject><phrase>Een logo</phrase></textobject>", section_file.read_text(), 1))
    pdf = compiled(folder, tmp_path)
    assert figure_alts(pdf) == ["Een logo", desc or caption, ALTS[2]]
    printed = canon(tool("pdftotext", pdf, "-").stdout)
    assert printed.count(canon(caption)) == 1 and "figuur 1: figuur" not in printed


def test_import_odt_takes_the_title_of_its_properties(sources, tmp_path):
    """LibreOffice's File, Properties, Title (meta.xml's dc:title), which
    pandoc's ODT reader never reads, with no Title paragraph in the body."""
    plain, odt = tmp_path / "plain.odt", tmp_path / "titel.odt"
    rewrite_content(sources / "x.odt", plain, lambda c: re.sub(
        r'<text:p text:style-name="Title">.*?</text:p>', "", c))
    rewrite_content(plain, odt, lambda m: re.sub(
        r"<dc:title>.*?</dc:title>", "<dc:title>Verslag volgens de eigenschappen</dc:title>", m),
        part="meta.xml")
    r = do_import(odt, tmp_path / "verslag")
    assert r.returncode == 0, r.stderr
    assert report_title(tmp_path / "verslag") == "Verslag volgens de eigenschappen"


def test_import_odt_title_paragraph_formatted_by_hand(sources, tmp_path):
    """No title in the properties, and a Title paragraph as LibreOffice
    saves it once formatted by hand: an automatic style (P7) derived from
    Title. It is the report's title, and no longer a paragraph."""
    plain, odt = tmp_path / "plain.odt", tmp_path / "titel.odt"
    rewrite_content(sources / "x.odt", plain, lambda m: re.sub(
        r"<dc:title>.*?</dc:title>", "", m), part="meta.xml")

    def by_hand(content):
        content = content.replace('<text:p text:style-name="Title">',
                                  '<text:p text:style-name="P7">', 1)
        return content.replace("<office:automatic-styles>", '<office:automatic-styles>'
                               '<style:style style:name="P7" style:family="paragraph" '
                               'style:parent-style-name="Title" />', 1)
    rewrite_content(plain, odt, by_hand)
    assert b'style:parent-style-name="Title"' in zipfile.ZipFile(odt).read("content.xml")
    r = do_import(odt, tmp_path / "verslag")
    assert r.returncode == 0, r.stderr
    assert report_title(tmp_path / "verslag") == "Jaarverslag van de stad"
    assert not body_paragraphs(tmp_path / "verslag", "Jaarverslag van de stad")


def test_import_odt_names_a_table_heading_it_cannot_rebuild(sources, tmp_path):
    """A heading cell spanning both columns: not a grid the import puts
    back in the table's <thead>, so it says which heading is lost."""
    odt = tmp_path / "span.odt"

    def span(content):
        head = re.search(r"<table:table-header-rows>.*?</table:table-header-rows>", content, re.S)
        cells = re.findall(r"<table:table-cell .*?</table:table-cell>", head.group(0), re.S)
        merged = head.group(0).replace(cells[0], cells[0].replace(
            "<table:table-cell ", '<table:table-cell table:number-columns-spanned="2" ', 1))
        merged = merged.replace(cells[1], "<table:covered-table-cell />")
        return content.replace(head.group(0), merged)
    rewrite_content(sources / "x.odt", odt, span)
    r = do_import(odt, tmp_path / "verslag")
    assert r.returncode == 0, r.stderr
    assert 'the heading of a table, "Stad", is not imported' in r.stderr, r.stderr
    assert table_heading(tmp_path / "verslag") == []


def test_import_without_pandoc_says_how_to_install_it(sources, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    folder = tmp_path / "verslag"
    r = do_import(sources / "x.md", folder, env={"PATH": str(empty)})
    assert r.returncode == 2
    assert "pandoc" in r.stderr and "apt-get install pandoc" in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_import_refuses_a_folder_that_is_not_empty(sources, tmp_path):
    folder = tmp_path / "verslag"
    folder.mkdir()
    (folder / "notities.txt").write_text("van mij")
    r = do_import(sources / "x.md", folder)
    assert r.returncode == 2 and "not an empty folder" in r.stderr, r.stderr
    assert [p.name for p in folder.iterdir()] == ["notities.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verslag"]


def test_import_into_an_empty_folder(sources, tmp_path):
    folder = tmp_path / "verslag"
    folder.mkdir()
    r = do_import(sources / "x.md", folder)
    assert r.returncode == 0, r.stderr
    assert (folder / "report.xml").is_file()


def test_failed_import_leaves_nothing(sources, tmp_path):
    """An image on the web cannot be imported (pandoc runs sandboxed, never
    fetching): an error naming it, and no folder, not even a half one."""
    src = tmp_path / "web.md"
    src.write_text("# Kop\n\nTekst ![een foto](https://example.org/foto.png)\n")
    folder = tmp_path / "verslag"
    r = do_import(src, folder)
    assert r.returncode == 1
    assert "https://example.org/foto.png" in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web.md"]


def test_import_refuses_an_unknown_kind(tmp_path):
    src = tmp_path / "x.rtf"
    src.write_text("{\\rtf1 hallo}")
    r = do_import(src, tmp_path / "verslag")
    assert r.returncode == 2 and ".docx, .odt and .md" in r.stderr


FAKE_PANDOC = """#!/bin/sh
# Stands in for pandoc: writes the DocBook of $FAKE_DOCBOOK where -o says.
while [ $# -gt 0 ]; do
    [ "$1" = -o ] && cp "$FAKE_DOCBOOK" "$2"
    shift
done
"""

ODD_DOCBOOK = """<?xml version="1.0" encoding="utf-8" ?>
<!DOCTYPE article>
<article xmlns="http://docbook.org/ns/docbook" version="5.0"
  xmlns:xlink="http://www.w3.org/1999/xlink">
  <info><title></title></info>
  <section xml:id="1-inleiding">
    <title>Inleiding en doel</title>
    <para>Zie <link linkend="wat?">de vraag</link> en
      <mathphrase>woordspel</mathphrase> hier.</para>
    <address>Stadhuis Botermarkt</address>
    <orderedlist numeration="greek" spacing="tight">
      <listitem><para>Een punt.</para></listitem></orderedlist>
    <section xml:id="wat?"><title>Wat?</title><para>Een antwoord.</para></section>
  </section>
  <section xml:id="één"><title>Één slot</title>
    <para>Terug naar <link linkend="1-inleiding">het begin</link>.</para></section>
</article>
"""


def test_import_makes_ids_valid_and_unwraps_what_the_compiler_lacks(tmp_path):
    """What pandoc may write beyond the Markdown above: ids that start with
    a digit or hold a '?', attributes and values the schema lacks,
    elements kcvs-pdf does not set (an inline one is
    unwrapped, a block holding text becomes a paragraph), an empty title."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pandoc").write_text(FAKE_PANDOC)
    (fake / "pandoc").chmod(0o755)
    (tmp_path / "odd.xml").write_text(ODD_DOCBOOK)
    src = tmp_path / "odd.md"
    src.write_text("(the fake pandoc writes odd.xml)\n")
    folder = tmp_path / "verslag"
    r = do_import(src, folder, env={"PATH": f"{fake}:{os.environ['PATH']}",
                                    "FAKE_DOCBOOK": str(tmp_path / "odd.xml")})
    assert r.returncode == 0, r.stderr
    report = ET.parse(folder / "report.xml").getroot()
    assert report.find(f"{DB}info/{DB}title").text == "Inleiding en doel"
    first = ET.parse(folder / "sections/01-inleiding-en-doel.xml").getroot()
    last = ET.parse(folder / "sections/02-n-slot.xml").getroot()
    assert first.get(XML_ID) == "id-1-inleiding" and last.get(XML_ID) == "één"
    assert first.find(f"{DB}section").get(XML_ID) == "wat-"
    assert first.find(f"{DB}para/{DB}link").get("linkend") == "wat-"
    assert last.find(f"{DB}para/{DB}link").get("linkend") == "id-1-inleiding"
    assert not list(first.iter(f"{DB}mathphrase")) and not list(first.iter(f"{DB}address"))
    # an attribute the schema lacks, and a value it does not take: dropped
    assert first.find(f"{DB}orderedlist").attrib == {}
    paras = ["".join(p.itertext()).split() for p in first.findall(f"{DB}para")]
    assert "woordspel" in paras[0] and paras[1] == ["Stadhuis", "Botermarkt"]
    pdf = compiled(folder, tmp_path)
    assert pdf.is_file()


RICH_MARKDOWN = """\
---
title: Een rijker document
date: 2026-03-15
---

Een inleiding voor de eerste kop.

# Eerste

Tekst met een voetnoot[^1], ~~geschrapt~~ en "geciteerd".

Meer op <https://example.org/>.

```
code blok
  ingesprongen
```

> een citaat met *nadruk*

Term
:   De uitleg van de term.

1. een
2. twee

[^1]: De tekst van de voetnoot.

# Tweede

Slot.
"""


@pytest.mark.parametrize("kind", ["md", "docx", "odt"])
def test_import_of_richer_markdown_compiles_without_warnings(tmp_path, kind):
    """Elements and attributes pandoc writes beyond the contract's core:
    strikeout (an emphasis role the format lacks), an autolink (role="uri"),
    a definition list, code, a quotation, a footnote, the date in the
    metadata, a paragraph before the first heading; every word of them
    kept through Word and LibreOffice too."""
    src = tmp_path / "rijk.md"
    src.write_text(RICH_MARKDOWN, encoding="utf-8")
    if kind != "md":
        pandoc("-o", f"rijk.{kind}", "rijk.md", cwd=tmp_path)
    folder = tmp_path / "verslag"
    r = do_import(tmp_path / f"rijk.{kind}", folder)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    report = ET.parse(folder / "report.xml").getroot()
    # <date> as it is where the compiler reads it, else the publication date
    date = report.find(f"{DB}info/{DB}pubdate")
    date = report.find(f"{DB}info/{DB}date") if date is None else date
    assert date is not None and date.text.strip() == "2026-03-15"
    # the code as written (its indentation too), the quotation and the
    # definition list, which pandoc's ODT reader makes plain paragraphs
    section = ET.parse(folder / "sections/01-eerste.xml").getroot()
    assert [c.text.strip("\n") for c in section.iter(f"{DB}programlisting")] == [
        "code blok\n  ingesprongen"]
    assert [" ".join(xml_text(q).split()) for q in section.iter(f"{DB}blockquote")] == [
        "een citaat met nadruk"]
    assert [(" ".join(xml_text(e.find(f"{DB}term")).split()),
             " ".join(xml_text(e.find(f"{DB}listitem")).split()))
            for e in section.iter(f"{DB}varlistentry")] == [("Term", "De uitleg van de term.")]
    pdf = compiled(folder, tmp_path)
    assert_source_kept(RICH_MARKDOWN, pdf)


def test_import_is_reproducible(sources, tmp_path):
    """The same document gives the same folder, byte for byte."""
    trees = []
    for name in ("a", "b"):
        root = tmp_path / name / "verslag"
        root.parent.mkdir()
        r = do_import(sources / "x.docx", root)
        assert r.returncode == 0, r.stderr
        trees.append({str(p.relative_to(root)): p.read_bytes()
                      for p in sorted(root.rglob("*")) if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    assert trees[0] == trees[1]


def test_import_keeps_the_language_the_document_names(tmp_path):
    src = tmp_path / "fr.md"
    src.write_text("---\nlang: fr-BE\n---\n\n# Rapport annuel\n\nUn paragraphe.\n",
                   encoding="utf-8")
    r = do_import(src, tmp_path / "rapport")
    assert r.returncode == 0, r.stderr
    root = ET.parse(tmp_path / "rapport/report.xml").getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr-BE"
    section = ET.parse(tmp_path / "rapport/sections/01-rapport-annuel.xml").getroot()
    assert section.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr-BE"


PANDOC_WITNESS = """#!/bin/sh
# Stands in for pandoc: leaves a file to say that it ran.
touch "$PANDOC_RAN"
"""


def import_package(tmp_path, package):
    """Imports PACKAGE with a pandoc that only says whether it ran."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pandoc").write_text(PANDOC_WITNESS)
    (fake / "pandoc").chmod(0o755)
    ran = tmp_path / "pandoc-ran"
    r = do_import(package, tmp_path / "verslag",
                  env={"PATH": f"{fake}:{os.environ['PATH']}", "PANDOC_RAN": str(ran)})
    assert not ran.exists(), "pandoc was given the package"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["bin", package.name])
    return r


@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_import_refuses_a_zip_bomb(tmp_path, kind):
    """A part that unpacks to more than 64 MB (here 65 MB of spaces in a
    65 KB package) is refused before pandoc unpacks it, naming the part."""
    bomb = tmp_path / f"bom.{kind}"
    part = "content.xml" if kind == "odt" else "word/document.xml"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        with z.open(part, "w", force_zip64=True) as f:
            for _ in range(65):
                f.write(b" " * (1 << 20))
    assert bomb.stat().st_size < 1 << 20
    r = import_package(tmp_path, bomb)
    assert r.returncode == 1, r.stderr
    assert f"its part {part} unpacks to more than 64 MB" in r.stderr, r.stderr
    assert "zip bomb" in r.stderr and str(bomb) in r.stderr, r.stderr


def test_import_refuses_a_package_of_too_many_parts(tmp_path):
    package = tmp_path / "veel.odt"
    with zipfile.ZipFile(package, "w") as z:
        for i in range(10001):
            z.writestr(f"Pictures/{i}.png", b"")
    r = import_package(tmp_path, package)
    assert r.returncode == 1 and "more than 10000 parts" in r.stderr, r.stderr


def test_import_of_an_odt_that_is_no_zip_says_so(tmp_path):
    package = tmp_path / "tekst.odt"
    package.write_text("Dit is platte tekst met de verkeerde naam.\n")
    r = import_package(tmp_path, package)
    assert r.returncode == 1 and "tekst.odt is not a zip package" in r.stderr, r.stderr


def test_import_of_an_odt_without_content_says_so(tmp_path):
    package = tmp_path / "leeg.odt"
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    r = import_package(tmp_path, package)
    assert r.returncode == 1 and "leeg.odt has no content.xml" in r.stderr, r.stderr


def test_import_counts_what_a_part_unpacks_to_not_what_it_declares(tmp_path):
    """A part whose headers say 100 bytes and that unpacks to 65 MB."""
    package = tmp_path / "leugen.odt"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("content.xml", b" " * (65 << 20))
    data = bytearray(package.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    struct.pack_into("<I", data, 22, 100)  # the local header's size
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)  # the central directory's
    package.write_bytes(data)
    with zipfile.ZipFile(package) as z:
        assert z.getinfo("content.xml").file_size == 100
    r = import_package(tmp_path, package)
    assert r.returncode == 1, r.stderr
    assert "its part content.xml unpacks to more than 64 MB" in r.stderr, r.stderr


def test_import_refuses_a_document_of_too_many_images(tmp_path):
    """The import matches pandoc's images to the .odt's one by one: past
    10000 (a report has a few hundred) it refuses, before pandoc runs."""
    package = tmp_path / "beelden.odt"
    frame = '<draw:frame><draw:image xlink:href="Pictures/a.png" /></draw:frame>'
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink"><office:body><office:text><text:p>'
        + frame * 10001 + "</text:p></office:text></office:body></office:document-content>")
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
    r = import_package(tmp_path, package)
    assert r.returncode == 1 and "has more than 10000 images: refused" in r.stderr, r.stderr


TABLE_MARKDOWN = """\
---
title: Steden
---

# Inwoners

| Stad | Inwoners |
|------|----------|
| Gent | 265000   |

: Inwoners per stad

Een slotzin.
"""

ODT_TABLE_CAPTION = ('<text:p text:style-name="Table">Tabel <text:sequence text:ref-name="refTable0"'
                     ' text:name="Table" text:formula="ooow:Table+1" style:num-format="1">1'
                     '</text:sequence>: Inwoners per stad</text:p>')


@pytest.mark.parametrize("kind", ["md", "docx", "odt", "docx-word", "odt-libreoffice"])
def test_import_keeps_a_table_caption(tmp_path, kind):
    """A table's caption, from Markdown through pandoc's .docx and .odt
    (pandoc's DOCX reader titles the table and keeps the caption's
    paragraph too; its ODT reader keeps only the paragraph), and as Word
    (a numbered caption before the table) and LibreOffice (one after it)
    write it: the table's title, once, without its number."""
    (tmp_path / "tabel.md").write_text(TABLE_MARKDOWN, encoding="utf-8")
    ext = kind.split("-")[0]
    source = tmp_path / f"tabel.{ext}"
    if ext != "md":
        pandoc("-o", source.name, "tabel.md", cwd=tmp_path)
    if kind == "odt-libreoffice":
        def numbered(content):
            content = re.sub(r'<text:p text:style-name="TableCaption">.*?</text:p>', "", content)
            return content.replace("</table:table>", "</table:table>" + ODT_TABLE_CAPTION, 1)
        source = tmp_path / "lo.odt"
        rewrite_content(tmp_path / "tabel.odt", source, numbered)
    if kind == "docx-word":
        def numbered(text):
            old = re.search(r'<w:p><w:pPr><w:pStyle w:val="TableCaption" /></w:pPr>.*?</w:p>',
                            text).group(0)
            return text.replace(old, WORD_CAPTION.format(sep=": ", caption="Inwoners per stad")
                                .replace(">Figuur <", ">Tabel <").replace("SEQ Figuur", "SEQ Tabel"))

        def styled(text):
            return text.replace("</w:styles>", '<w:style w:type="paragraph" w:styleId='
                                '"Bijschrift"><w:name w:val="caption" /></w:style></w:styles>')
        plain = tmp_path / "plain.docx"
        rewrite_content(tmp_path / "tabel.docx", plain, numbered, part="word/document.xml")
        source = tmp_path / "word.docx"
        rewrite_content(plain, source, styled, part="word/styles.xml")
    folder = tmp_path / "verslag"
    r = do_import(source, folder)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    section = ET.parse(folder / "sections/01-inwoners.xml").getroot()
    assert section.find(f"{DB}informaltable") is None
    assert [" ".join(xml_text(t.find(f"{DB}title")).split())
            for t in section.iter(f"{DB}table")] == ["Inwoners per stad"]
    pdf = compiled(folder, tmp_path)
    printed = canon(tool("pdftotext", pdf, "-").stdout)
    assert printed.count("inwoners per stad") == 1 and "tabel 1: tabel" not in printed

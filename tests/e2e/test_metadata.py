"""Document metadata of the report: Info dictionary, catalog entries of
PDF/A-2a and PDF/UA-1, and the XMP packet that must agree with Info."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pikepdf
import pytest

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


@pytest.fixture(scope="module")
def xmp(report):
    return ET.fromstring(report.pdf.Root.Metadata.read_bytes())


def xmp_value(xmp, path):
    """The text of the XMP property PATH (e.g. "dc:title"); for a language
    alternative, sequence or bag, its first rdf:li."""
    el = xmp.find(f".//{path}", NS)
    assert el is not None, f"no {path} in the XMP metadata"
    li = el.find(".//rdf:li", NS)
    return (li if li is not None else el).text or ""


def info(report, key):
    return str(report.pdf.docinfo[key])


def test_pdfinfo_title_and_author(report):
    assert report.info["Title"] == "Jaarverslag 2021"
    assert report.info["Author"] == "Kenniscentrum Vlaamse Steden"


@pytest.mark.parametrize("key", ["Subject", "Keywords", "Creator", "Producer"])
def test_pdfinfo_shows(report, key):
    assert report.info.get(key, "").strip(), f"pdfinfo shows no {key}"


def test_catalog_language_is_nl_be(report):
    assert str(report.pdf.Root.Lang) == "nl-BE"


def test_viewer_displays_document_title(report):
    assert report.pdf.Root.ViewerPreferences.DisplayDocTitle is True


def test_document_is_marked_and_has_a_structure_tree(report):
    assert report.pdf.Root.MarkInfo.Marked is True
    assert report.pdf.Root.StructTreeRoot.Type == "/StructTreeRoot"


def test_pdfa_output_intent_with_rgb_profile(report):
    intents = [oi for oi in report.pdf.Root.OutputIntents if oi.get("/S") == "/GTS_PDFA1"]
    assert len(intents) == 1
    profile = intents[0].DestOutputProfile
    assert int(profile.N) == 3
    data = profile.read_bytes()
    assert data[36:40] == b"acsp" and data[16:20] == b"RGB ", "not an RGB ICC profile"


def test_xmp_is_wellformed_xml(report):
    ET.fromstring(report.pdf.Root.Metadata.read_bytes())


@pytest.mark.parametrize("path, key", [
    ("dc:title", "/Title"),
    ("pdf:Producer", "/Producer"),
    ("xmp:CreatorTool", "/Creator"),
    ("dc:creator", "/Author"),
    ("dc:description", "/Subject"),
    ("pdf:Keywords", "/Keywords"),
])
def test_xmp_agrees_with_info(report, xmp, path, key):
    assert xmp_value(xmp, path) == info(report, key)


def pdf_date(value):
    m = re.fullmatch(r"D:(\d{14})(Z|[+-]\d\d'?\d\d'?)?(00'00')?", value.replace("Z00'00'", "Z"))
    assert m, f"unexpected PDF date {value!r}"
    stamp = datetime.strptime(m.group(1), "%Y%m%d%H%M%S")
    tz = m.group(2) or "Z"
    if tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        hh, mm = int(tz[1:3]), int(tz.replace("'", "")[3:5])
        return stamp.replace(tzinfo=timezone.utc).timestamp() - sign * (hh * 3600 + mm * 60)
    return stamp.replace(tzinfo=timezone.utc).timestamp()


def xmp_date(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("path, key", [("xmp:CreateDate", "/CreationDate"),
                                       ("xmp:ModifyDate", "/ModDate")])
def test_xmp_dates_agree_with_info(report, xmp, path, key):
    assert xmp_date(xmp_value(xmp, path)) == pdf_date(info(report, key))


def test_xmp_claims_pdfa_2_and_pdfua_1(xmp):
    assert xmp_value(xmp, "pdfaid:part") == "2"
    assert xmp_value(xmp, "pdfuaid:part") == "1"


def test_trailer_has_an_id(report):
    ident = report.pdf.trailer.get("/ID")
    assert isinstance(ident, pikepdf.Array) and len(ident) == 2
    assert all(len(bytes(x)) >= 16 for x in ident)

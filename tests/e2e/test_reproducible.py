"""Compiling the same source twice gives the same bytes; SOURCE_DATE_EPOCH
sets the document's dates."""

import xml.etree.ElementTree as ET

import pikepdf

from conftest import REPORT_XML, compile_ok

EPOCH = "1700000000"  # 2023-11-14T22:13:20Z


def test_two_compilations_are_byte_identical(report, tmp_path):
    again = compile_ok(REPORT_XML, tmp_path / "other-name.pdf")
    assert again.path.read_bytes() == report.path.read_bytes()


def test_source_date_epoch_compilations_are_byte_identical(tmp_path):
    a = compile_ok(REPORT_XML, tmp_path / "a.pdf", env={"SOURCE_DATE_EPOCH": EPOCH})
    b = compile_ok(REPORT_XML, tmp_path / "b.pdf", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert a.path.read_bytes() == b.path.read_bytes()


def test_source_date_epoch_sets_the_dates(tmp_path):
    doc = compile_ok(REPORT_XML, tmp_path / "a.pdf", env={"SOURCE_DATE_EPOCH": EPOCH})
    with pikepdf.open(doc.path) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114")
        xmp = ET.fromstring(pdf.Root.Metadata.read_bytes())
    create = xmp.find(".//{http://ns.adobe.com/xap/1.0/}CreateDate")
    assert create is not None and create.text.startswith("2023-11-14")

"""The text of the report survives typesetting: every paragraph of the seed
(tests/data/seed-paragraphs.txt, one text block of content/ per line) can be
read back from the PDF with pdftotext.

Comparison rule (conftest.canon): case-insensitive (calls to action are
printed in capitals), white space collapsed, and every "-" together with the
white space after it removed on both sides. That makes hyphenation breaks
("eer-\\nste"), breaks after genuine hyphens ("survey-\\nen", "Parkeer- en")
and breaks inside hyphenated compounds compare equal to the source, while a
lost, added or changed word or character still fails. Matches must start
and end on word boundaries. The page text is read line by line from
pdftotext -bbox-layout without the lines in the top and bottom margins (the
running header and footer), so that a paragraph that continues on the next
page is still one piece of text.
"""

from conftest import DATA, canon, contains_words, lines_of


def report_text(report):
    return canon("\n".join(report.body_text(i) for i in range(report.page_count)))


def test_every_seed_paragraph_is_in_the_pdf_text(report):
    text = report_text(report)
    missing = [p for p in lines_of(DATA / "seed-paragraphs.txt")
               if not contains_words(text, canon(p))]
    assert not missing, f"{len(missing)} paragraphs not found, first: {missing[0]!r}"


def test_seed_paragraphs_appear_in_source_order(report):
    text = report_text(report)
    pos = 0
    for para in lines_of(DATA / "seed-paragraphs.txt"):
        i = text.find(canon(para), pos)
        assert i >= 0, f"not found after the previous paragraph: {para!r}"
        pos = i + len(canon(para))


def test_calls_to_action_are_printed_in_capitals(report):
    # styles/kcvs.xml: class cta uppercase="true"
    text = "\n".join(report.page_texts)
    assert "JE VINDT HIER DE AFREKENING" in text
    assert "Je vindt hier de afrekening" not in text


def test_canonical_comparison_can_fail():
    # the rule that makes hyphenation invisible must still see lost words
    # and lost hyphens
    assert contains_words(canon("Het eer-\nste deel"), canon("Het eerste deel"))
    assert contains_words(canon("van survey-\nen registerdata"), canon("survey- en registerdata"))
    assert not contains_words(canon("van survey en registerdata"), canon("survey- en registerdata"))
    assert not contains_words(canon("Het eer ste deel"), canon("Het eerste deel"))
    assert not contains_words(canon("Het eerste deeltje"), canon("Het eerste deel"))

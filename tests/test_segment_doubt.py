"""Readings of text fields in doubt (pipeline.segment.doubt): a title with words that are no
Vietnamese, a signer's line Tesseract was unsure of."""

from __future__ import annotations

from pipeline.model import Document, Line, Page, Source, Word
from pipeline.segment import segment_document
from pipeline.segment.doubt import long_text_reading, odd_words

HEAD = ["ỦY BAN NHÂN DÂN", "XÃ AN HÒA", "Số: 12/KH-UBND", "An Hòa, ngày 02 tháng 3 năm 2025",
        "KẾ HOẠCH"]
FOOT = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Lê Văn Bình"]


def scan(lines: list[str], confidence_of: dict[str, float]) -> Document:
    """A one-page scan whose words read at 96 but those named in `confidence_of`."""
    page_lines = [Line(text=text, page=1,
                       words=[Word(text=w, confidence=confidence_of.get(w, 96.0))
                              for w in text.split()])
                  for text in lines]
    source = Source(file="t.png", sha256="0" * 64, kind="scan", pages=1)
    return Document(source=source, ocr_lines=lines, page_lines=page_lines,
                    pages=[Page(number=1, lines=page_lines)])


def test_words_that_are_no_vietnamese_are_odd_but_codes_names_and_v_v_are_not():
    assert odd_words("xqaớu ê kiaø dự toán năm 2025") == ["xqaớu", "kiaø"]
    assert odd_words("V/v rà soát TTHC, CCHC tại tỉnh Đắk Nông") == []


def test_a_title_with_unreadable_words_is_flagged_and_kept():
    reading = long_text_reading("Vqè giaø dự toán năm 2025")
    assert reading is not None and reading.unreadable and reading.ocr == "Vqè giaø"
    doc = segment_document(scan([*HEAD, "Về giaø dự toán năm 2025", "", *FOOT], {}))
    assert doc.title == "Về giaø dự toán năm 2025"
    assert doc.readings["title"].unreadable


def test_a_signers_name_read_unsure_is_flagged_a_sure_one_not():
    lines = [*HEAD, "Về dự toán năm 2025", "", *FOOT]
    unsure = segment_document(scan(lines, {"Bình": 70.0}))
    assert unsure.signature.name == "Lê Văn Bình"
    assert unsure.readings["signature.name"].confidence == 0.7
    sure = segment_document(scan(lines, {}))
    assert "signature.name" not in sure.readings and sure.readings == {}


def test_a_text_input_has_no_confidences_to_doubt_its_signer():
    source = Source(file="t.txt", sha256="0" * 64, kind="text", pages=1)
    lines = [*HEAD, "Về dự toán năm 2025", "", *FOOT]
    doc = segment_document(Document(source=source, ocr_lines=lines))
    assert doc.signature.name == "Lê Văn Bình" and doc.readings == {}

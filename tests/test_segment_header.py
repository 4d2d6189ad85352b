"""The header as a clerk reads it (issue 13): filled-in number and date, letters, overlays."""

from __future__ import annotations

import pytest

from pipeline.emit.markdown import render_markdown
from pipeline.model import Document, FilledBlank, Line, Page, Source, Word
from pipeline.segment import segment_document
from pipeline.segment.dates import partial_date
from pipeline.segment.header import parse_header
from pipeline.segment.names import spell_names
from pipeline.segment.overlay_text import overlay_lines


def make_doc(lines: list[str], pages: list[Page] | None = None,
             page_lines: list[Line] | None = None) -> Document:
    source = Source(file="test.txt", sha256="0" * 64, kind="text", pages=1)
    return Document(source=source, ocr_lines=lines, pages=pages or [],
                    page_lines=page_lines or [])


def scanned(rows: list[tuple[str, str | None, list[tuple[str, float]]]],
            blanks: list[FilledBlank] | None = None) -> Document:
    """A one-page scan: each row its text, block and words with their confidences."""
    page_lines = [Line(text=text, page=1, block=block,
                       words=[Word(text=w, confidence=c) for w, c in words])
                  for text, block, words in rows]
    page = Page(number=1, lines=page_lines, blanks=blanks or [])
    return make_doc([r[0] for r in rows], [page], page_lines)


def _words(text: str, confidence: float = 95.0) -> list[tuple[str, float]]:
    return [(w, confidence) for w in text.split()]


LETTERHEAD = [
    ("ỦY BAN NHÂN DÂN", "header_left", _words("ỦY BAN NHÂN DÂN")),
    ("TỈNH AN HÒA", "header_left", _words("TỈNH AN HÒA")),
]
RIGHT_BLOCK = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "header_right", _words("CỘNG HÒA XÃ HỘI")),
    ("Độc lập - Tự do - Hạnh phúc", "header_right", _words("Độc lập - Tự do")),
]


def test_garbled_handwritten_number_keeps_the_symbol_and_is_flagged():
    doc = segment_document(scanned([
        *LETTERHEAD,
        ("Số: Ø7“ /CT-UBND", "header_left", [("Số:", 96), ("Ø7“", 28), ("/CT-UBND", 83)]),
        *RIGHT_BLOCK,
        ("An Hòa, ngày 2# thán gớ†? năm 2021", "header_right",
         [("An", 96), ("Hòa,", 96), ("ngày", 96), ("2#", 72), ("thángớ†?", 48), ("năm", 96),
          ("2021", 96)]),
        ("CHỈ THỊ", "body", _words("CHỈ THỊ")),
    ]))
    header = doc.header
    assert header.issuer == "ỦY BAN NHÂN DÂN TỈNH AN HÒA"
    assert (header.number, header.symbol, header.type_code) == (None, "CT-UBND", "CT")
    assert header.readings["number"].unreadable
    assert header.readings["number"].ocr == "Ø7“"
    assert header.place == "An Hòa"
    assert header.date == "2021"  # day and month unreadable: the year only
    assert header.readings["date"].unreadable
    assert header.kind == "Chỉ thị"


def test_number_with_a_clerks_gap_is_handwritten_and_a_typed_one_is_not():
    gap = segment_document(scanned([
        *LETTERHEAD,
        ("Số: 51 /QĐ-UBND", "header_left", [("Số:", 96), ("51", 90), ("/QĐ-UBND", 75)]),
        ("QUYẾT ĐỊNH", "body", _words("QUYẾT ĐỊNH")),
    ])).header
    assert (gap.number, gap.symbol) == ("51", "QĐ-UBND")
    assert gap.readings["number"].handwritten and not gap.readings["number"].unreadable
    typed = segment_document(scanned([
        ("BỘ TƯ PHÁP", "header_left", _words("BỘ TƯ PHÁP")),
        ("Số: 1135/TB-BTP", "header_left", [("Số:", 93), ("1135/TB-BTP", 91)]),
        ("THÔNG BÁO", "body", _words("THÔNG BÁO")),
    ])).header
    assert (typed.number, typed.symbol) == ("1135", "TB-BTP")
    reading = typed.readings.get("number")
    assert reading is None or not (reading.handwritten or reading.unreadable)


def test_slash_read_as_a_quote_keeps_the_symbol():
    header = segment_document(make_doc([
        "CỤC THUẾ", "Số: 2M “CT-CS", "V¿v chính sách thuế", "",
        "Hà Nội ngày 09 tháng 2# năm 2026", "", "Kính gửi: Thuế tỉnh An Hòa.",
    ])).header
    assert header.symbol == "CT-CS"
    assert header.number is None and header.readings["number"].unreadable
    assert header.place == "Hà Nội"
    assert header.date == "2026" and header.readings["date"].unreadable


def test_handwritten_day_keeps_month_and_year():
    header = segment_document(scanned([
        *LETTERHEAD,
        ("Số: 288/KH-VP", "header_left", [("Số:", 95), ("288/KH-VP", 92)]),
        ("Hưng Yên, ngày 4Ý tháng 12 năm 2017", "header_right",
         [("Hưng", 96), ("Yên,", 96), ("ngày", 96), ("4Ý", 24), ("tháng", 96), ("12", 96),
          ("năm", 96), ("2017", 96)]),
        ("KẾ HOẠCH", "body", _words("KẾ HOẠCH")),
    ])).header
    assert header.place == "Hưng Yên"
    assert header.date == "2017-12"
    assert header.readings["date"].unreadable


def test_low_confidence_day_is_kept_but_flagged():
    header = segment_document(scanned([
        *LETTERHEAD,
        ("Số: 12/KH-UBND", "header_left", [("Số:", 95), ("12/KH-UBND", 92)]),
        ("An Hòa, ngày 09 tháng 04 năm 2015", "header_right",
         [("An", 96), ("Hòa,", 96), ("ngày", 96), ("09", 60), ("tháng", 96), ("04", 95),
          ("năm", 96), ("2015", 96)]),
        ("KẾ HOẠCH", "body", _words("KẾ HOẠCH")),
    ])).header
    assert header.date == "2015-04-09"
    assert header.readings["date"].handwritten


def test_filled_blanks_read_apart_are_preferred_and_stay_flagged():
    blanks = [FilledBlank(field="number", text="51", confidence=0.9),
              FilledBlank(field="day", text="17", confidence=0.85),
              FilledBlank(field="month", text="1", confidence=0.3)]  # too unsure: not used
    header = segment_document(scanned([
        *LETTERHEAD,
        ("Số: 9{ /QĐ-UBND", "header_left", [("Số:", 90), ("9{", 49), ("/QĐ-UBND", 49)]),
        ("An Hòa, ngày†tháng 01 năm 2025", "header_right",
         [("An", 95), ("Hòa,", 93), ("ngày4†tháng", 12), ("01", 95), ("năm", 96),
          ("2025", 96)]),
        ("QUYẾT ĐỊNH", "body", _words("QUYẾT ĐỊNH")),
    ], blanks)).header
    assert header.number == "51"
    assert header.readings["number"].handwritten
    assert header.readings["number"].ocr == "9{"
    assert header.date == "2025-01-17"
    assert header.readings["date"].handwritten


def test_draft_date_is_the_year():
    assert partial_date(None, None, "2025") == "2025"
    assert partial_date(None, "12", "2017") == "2017-12"
    assert partial_date("18", "12", "2017") == "2017-12-18"
    assert partial_date("45", "3", "2024") == "2024"  # a day that is no day: month kept?
    header = segment_document(make_doc([
        "HỘI ĐỒNG NHÂN DÂN", "TỈNH AN HÒA", "Số: /NQ-HĐND", "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "An Hòa, ngày tháng năm 2025", "", "NGHỊ QUYẾT",
    ])).header
    assert (header.number, header.symbol, header.date) == (None, "NQ-HĐND", "2025")


def test_letter_subject_addressees_and_no_title():
    doc = segment_document(make_doc([
        "ỦY BAN NHÂN DÂN", "TỈNH AN HÒA", "Số: 574/UBND-KTTH", "V/v đăng ký bổ sung",
        "nội dung trình HĐND tỉnh", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "An Hòa, ngày 04 tháng 02 năm 2025", "",
        "Kính gửi:", "- Văn phòng Chính phủ;", "- Bộ trưởng Bộ Nội vụ, Tổ phó Tổ công tác",
        "cải cách thủ tục hành chính.", "", "Theo đề nghị của Sở Tài chính, UBND tỉnh đăng ký",
    ]))
    assert doc.header.kind == "Công văn"
    assert doc.header.issuer == "ỦY BAN NHÂN DÂN TỈNH AN HÒA"
    assert doc.subject == "V/v đăng ký bổ sung nội dung trình HĐND tỉnh"
    assert doc.addressees == ["Văn phòng Chính phủ",
                              "Bộ trưởng Bộ Nội vụ, Tổ phó Tổ công tác cải cách thủ tục hành "
                              "chính"]
    assert doc.title is None
    assert (doc.header.date, doc.header.place) == ("2025-02-04", "An Hòa")


def test_subject_ocr_variants_are_written_v_slash_v():
    doc = segment_document(make_doc([
        "CỤC THUẾ", "Số: 2191/CT-CS", "V¿v chính sách thuế TNDN", "",
        "Hà Nội, ngày 08 tháng 4 năm 2026", "", "Kính gửi: Thuế tỉnh An Hòa.",
    ]))
    assert doc.subject == "V/v chính sách thuế TNDN"
    assert doc.addressees == ["Thuế tỉnh An Hòa"]
    assert doc.header.kind == "Công văn"


def test_v_slash_v_under_a_type_line_is_the_title_and_kinh_gui_is_not():
    doc = segment_document(make_doc([
        "BỘ TƯ PHÁP", "Số: 1135/TB-BTP", "", "Hà Nội, ngày 09 tháng 04 năm 2015", "",
        "THÔNG BÁO", "V/v hoán đổi ngày nghỉ", "", "Kính gửi: Thủ trưởng các đơn vị thuộc Bộ",
        "", "Thực hiện Thông báo số 4724/TB-LĐTBXH của Bộ,",
    ]))
    assert doc.title == "V/v hoán đổi ngày nghỉ"
    assert doc.subject is None
    assert doc.addressees == ["Thủ trưởng các đơn vị thuộc Bộ"]
    assert doc.header.kind == "Thông báo"


def test_digital_signature_text_goes_to_overlays_not_the_issuer():
    doc = segment_document(make_doc([
        "Ký bởi: Ủy ban nhân dân tỉnh An Hòa", "Cơ quan: Tỉnh An Hòa",
        "Thời gian ký: 24/01/2025 14:23:43", "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC",
        "ttcb@anhoa.gov.vn", "24.01.2025 20:06:24 +07:00", "",
        "| ỦY BAN NHÂN DÂN", "TỈNH AN HÒA", "Số: 23/BC-UBND", "", "BÁO CÁO",
    ]))
    assert doc.header.issuer == "ỦY BAN NHÂN DÂN TỈNH AN HÒA"
    assert doc.header.issuer_parent is None
    assert [o.kind for o in doc.overlays] == ["digital-signature"] * 6
    assert doc.overlays[1].text == "Cơ quan: Tỉnh An Hòa"


def test_overlay_lines_need_a_sure_neighbour_for_plain_fields():
    kinds = overlay_lines(["Cơ quan: Sở Tài chính", "", "SAO Y BẢN CHÍNH", "Sao y lại"])
    assert kinds == [None, None, "copy-stamp", None]


def test_eth_reads_as_d_with_stroke_and_more_kinds():
    doc = segment_document(make_doc([
        "ĐẠI HỌC AN HÒA", "TRƯỜNG CÐ KINH TẾ", "Số: 851/QĐ-CĐKT", "", "QUYẾT ĐỊNH",
    ]))
    assert doc.header.issuer == "TRƯỜNG CĐ KINH TẾ"
    for type_line, kind in (("THÔNG TƯ", "Thông tư"), ("NGHỊ ĐỊNH", "Nghị định"),
                            ("ĐƠN", "Đơn")):
        header = segment_document(make_doc(["BỘ AN HÒA", "Số: 1/2025/TT-B", type_line,
                                            "Quy định một việc"])).header
        assert header.kind == kind


def test_consolidated_text_without_letterhead_keeps_kind_and_title():
    doc = segment_document(make_doc([
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
        "THÔNG TƯ", "Quy định về tổ chức lễ tang", "",
        "Thông tư số 86/2016/TT-BQP ngày 20 tháng 6 năm 2016 của Bộ trưởng",
    ]))
    assert doc.header.kind == "Thông tư"
    assert doc.header.issuer is None
    assert doc.title == "Quy định về tổ chức lễ tang"


def test_page_without_type_line_has_no_title():
    doc = segment_document(make_doc(["10", "", "- Sở Y tế thực hiện;", "- Sở Tài chính."]))
    assert doc.title is None


def test_markdown_shows_subject_addressees_and_flags():
    doc = segment_document(make_doc([
        "ỦY BAN NHÂN DÂN", "TỈNH AN HÒA", "Số: Ø7“ /UBND-KTTH", "V/v tham gia ý kiến", "",
        "An Hòa, ngày tháng 02 năm 2025", "", "Kính gửi: Sở Tài chính",
    ]))
    text = render_markdown(doc)
    assert "V/v tham gia ý kiến" in text
    assert "- Sở Tài chính" in text
    assert "…/UBND-KTTH (số viết tay, chưa đọc được)" in text


# --- names in the letterhead spelled as the lexicon spells them ---------------------------------

@pytest.mark.parametrize(("printed", "spelled"), [
    ("ỦY BAN NHÂN DÂN TỈNH QUÁNG NAM", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"),
    ("UBND TÍNH ĐÔNG THÁP", "UBND TỈNH ĐỒNG THÁP"),  # the unit word before the place too
    ("UBND TỈNH ĐÔNG NAI", "UBND TỈNH ĐỒNG NAI"),  # not the commune "Tịnh Đông" + "NAI"
    ("VĂN PHÒNG CHÍNH PHÙ", "VĂN PHÒNG CHÍNH PHỦ"),
    ("UỶ BAN NHÂN DÂN XÃ HOÀ BÌNH", "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH"),
    ("BAN CHỈ ĐẠO 138", "BAN CHỈ ĐẠO 138"),  # one-word runs are never respelled ("Bản")
    ("VĂN PHÒNG", "VĂN PHÒNG"),  # a place only after its unit: not the commune Văn Phong
    ("UBND THÀNH PHÓ ĐÀ NANG", "UBND THÀNH PHỐ ĐÀ NẴNG"),
    ("Quảng Nam", "Quảng Nam"),
])
def test_letterhead_names_take_the_lexicons_marks(printed, spelled):
    assert spell_names(printed) == spelled


def test_the_issuer_and_place_are_spelled_by_the_lexicon():
    header = parse_header(["UBND TỈNH ĐÔNG THÁP", "SỞ Y TẾ", "Số: 12/QĐ-SYT",
                           "Đông Tháp, ngày 02 tháng 3 năm 2025", "QUYẾT ĐỊNH"],
                          [None] * 5).header
    assert (header.issuer_parent, header.issuer, header.place) == (
        "UBND TỈNH ĐỒNG THÁP", "SỞ Y TẾ", "Đồng Tháp")


def test_addressees_after_the_right_header_block_and_an_item_left_open_with_a_comma():
    from pipeline.segment.letter import parse_addressees

    lines = ["Kính gửi:", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lặp - Tụ đo - Hạnh phắc",
             "Đà Lạt, ngày 3 tháng 5 năm 2024", "ợ", "", "- Sở Nội vụ;",
             "- Các Sở: Y tế, Giáo dục và Đào tạo,", "— Xây dựng, Công Thương,",
             "- UBND các huyện.", "", "Thực hiện ý kiến chỉ đạo"]
    items, after = parse_addressees(lines, 0)
    assert items == ["Sở Nội vụ", "Các Sở: Y tế, Giáo dục và Đào tạo, Xây dựng, Công Thương",
                     "UBND các huyện"]
    assert lines[after] == ""


def _dated(blanks: list[FilledBlank]):
    return segment_document(scanned([
        *LETTERHEAD,
        ("Số: 9{ /QĐ-UBND", "header_left", [("Số:", 90), ("9{", 49), ("/QĐ-UBND", 49)]),
        ("An Hòa, ngày tháng 01 năm 2025", "header_right",
         _words("An Hòa, ngày tháng 01 năm 2025")),
        ("QUYẾT ĐỊNH", "body", _words("QUYẾT ĐỊNH"))], blanks)).header


SURE_MONTH = FilledBlank(field="month", text="01", confidence=0.9, handwritten=False)


def test_a_date_whose_day_blank_was_not_found_is_flagged_though_its_month_is_sure():
    header = _dated([SURE_MONTH])
    assert header.date == "2025-01"
    assert header.readings["date"].unreadable
    empty_day = FilledBlank(field="day", text="", confidence=0.0, handwritten=False)
    header = _dated([empty_day, SURE_MONTH])
    assert header.date == "2025-01"  # a day left empty (a draft) is no unread day
    assert "date" not in header.readings or not header.readings["date"].unreadable


def test_unsure_blank_digits_stand_as_a_flagged_guess_where_the_text_has_none():
    header = _dated([FilledBlank(field="number", text="57", confidence=0.45, handwritten=True),
                     FilledBlank(field="day", text="17", confidence=0.3, handwritten=True),
                     SURE_MONTH])
    assert header.number == "57"
    assert header.readings["number"].handwritten
    assert header.readings["number"].ocr == "9{"  # what the page's text made of it
    assert header.date == "2025-01-17"
    assert header.readings["date"].confidence == 0.3


def test_blank_digits_not_sure_enough_stand_as_a_guess_that_needs_review():
    # typed, 0.55: not sure enough to take as read; shown, to be checked
    header = _dated([FilledBlank(field="number", text="57", confidence=0.55, handwritten=False),
                     FilledBlank(field="day", text="45", confidence=0.3, handwritten=True),
                     SURE_MONTH])
    assert header.number == "57" and not header.readings["number"].unreadable
    assert header.readings["number"].needs_review
    assert header.date == "2025-01"  # day 45 is no day
    assert header.readings["date"].unreadable


def test_digits_the_page_text_was_unsure_of_give_way_to_the_blank_readers_guess():
    def number(blanks: list[FilledBlank]):
        return segment_document(scanned([
            *LETTERHEAD,
            ("Số: 54 /QĐ-UBND", "header_left", [("Số:", 90), ("54", 41), ("/QĐ-UBND", 90)]),
            ("QUYẾT ĐỊNH", "body", _words("QUYẾT ĐỊNH"))], blanks)).header

    header = number([FilledBlank(field="number", text="572", confidence=0.44, handwritten=True)])
    assert header.number == "572" and header.readings["number"].needs_review
    assert header.readings["number"].ocr == "54"  # what the page's text read stays on record
    assert number([]).number == "54" and number([]).readings["number"].needs_review

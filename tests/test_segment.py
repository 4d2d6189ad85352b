"""Tests of the segment stage: text lines (and table cells) -> structured plan parts.

Small plans are written here by hand; the synthetic Tân Phú sample (ours, so its values may
be asserted) checks clean and English-model-OCR text; the real user's sample is only checked
for structure.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import Cell, Document, Line, Page, Source, Table
from pipeline.segment import segment_document
from pipeline.segment.dates import iso_date
from pipeline.segment.patterns import decode_roman_token, join_lines
from pipeline.segment.vocabulary import lexicon_terms
from pipeline.text.fold import fold

ROOT = Path(__file__).resolve().parent.parent
TAN_PHU = ROOT / "tests" / "data"  # copies of ../shared/samples/synthetic_tan_phu (synthetic)
NGOC_LIEN = ROOT / "samples" / "plan_ngoc_lien.ocr.txt"


def make_doc(lines: list[str], pages: list[Page] | None = None) -> Document:
    source = Source(file="test.txt", sha256="0" * 64, kind="text", pages=1)
    return Document(source=source, ocr_lines=lines, pages=pages or [])


def segment_lines(lines: list[str]) -> Document:
    return segment_document(make_doc(lines))


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


# --- helpers ------------------------------------------------------------------------------------


def test_fold_keeps_offsets():
    text = "Quyết định số 12/QĐ-UBND"
    assert len(fold(text)) == len(text)
    assert fold(text) == "Quyet dinh so 12/QD-UBND"


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("15", "3", "2025", "2025-03-15"),
        ("5", "01", "2026", "2026-01-05"),
        (None, "01", "2026", None),
        ("31", "2", "2025", None),
    ],
)
def test_iso_date(day, month, year, expected):
    assert iso_date(day, month, year) == expected


@pytest.mark.parametrize(
    ("token", "numeral"), [("|", "I"), ("l", "I"), ("I1", "II"), ("Il", "II"), ("I11", "III")]
)
def test_decode_roman_token(token, numeral):
    assert decode_roman_token(token) == numeral


def test_join_lines_rejoins_hyphen_split_symbols():
    assert join_lines(["Nghị quyết số 57-", "NQ/TW ngày"]) == "Nghị quyết số 57-NQ/TW ngày"
    assert join_lines(["kinh tế -", "xã hội"]) == "kinh tế - xã hội"


# --- header -------------------------------------------------------------------------------------

PLAN = [
    "ỦY BAN NHÂN DÂN",
    "XÃ BÌNH AN",
    "Số: 07/KH-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Bình An, ngày 09 tháng 4 năm 2025",
    "KẾ HOẠCH",
    "Phát triển phong trào đọc sách",
    "trong trường học năm 2025",
    "Căn cứ Quyết định số 1234/QĐ-UBND ngày 05/3/2025 của UBND tỉnh Đồng Nai về việc",
    "phát triển văn hóa đọc;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ;",
    "Ủy ban nhân dân xã ban hành Kế hoạch như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "- Nâng cao ý thức đọc sách của học sinh,",
    "giáo viên và phụ huynh.",
    "+ Ở các lớp tiểu học;",
    "+ Ở các lớp trung học.",
    "- Tạo thói quen đọc hằng ngày.",
    "2. Yêu cầu",
    "Việc triển khai phải thiết thực:",
    "a) Đúng đối tượng;",
    "b) Tiết kiệm.",
    "II. NỘI DUNG",
    "1. Phòng Văn hóa - Xã hội: Chủ trì, hướng dẫn các trường",
    "xây dựng thư viện.",
    "2. Các trường học tổ chức ngày hội đọc sách.",
    "Trên đây là Kế hoạch phát triển phong trào đọc sách, đề nghị các đơn vị",
    "thực hiện./.",
    "Nơi nhận: KT. CHỦ TỊCH",
    "- Như trên; PHÓ CHỦ TỊCH",
    "- UBND huyện;",
    "- Lưu: VT.",
    "Trần Thị Bình",
]


def test_header_of_a_plain_plan():
    header = segment_lines(PLAN).header
    assert header.issuer == "ỦY BAN NHÂN DÂN XÃ BÌNH AN"
    assert header.issuer_parent is None
    assert header.written_number == "07/KH-UBND"
    assert (header.number, header.symbol, header.kind) == ("07", "KH-UBND", "Kế hoạch")
    assert header.type_code == "KH"
    assert header.document_type == "KẾ HOẠCH"
    assert header.place == "Bình An"
    assert header.date == "2025-04-09"


def test_header_interleaved_with_a_superior_body():
    doc = segment_lines(
        [
            "UBND TỈNH AN GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "SỞ Y TẾ Độc lập - Tự do - Hạnh phúc",
            "Số: 12/QĐ-SYT Long Xuyên, ngày 05 tháng 01 năm 2026",
            "QUYẾT ĐỊNH",
            "Về việc thành lập Tổ công tác",
        ]
    )
    header = doc.header
    assert header.issuer == "SỞ Y TẾ"
    assert header.issuer_parent == "UBND TỈNH AN GIANG"
    assert header.written_number == "12/QĐ-SYT"
    assert header.type_code == "QĐ"
    assert header.document_type == "QUYẾT ĐỊNH"
    assert (header.place, header.date) == ("Long Xuyên", "2026-01-05")
    assert doc.title == "Về việc thành lập Tổ công tác"


def test_issuer_line_interleaved_with_the_date_line():
    header = segment_lines(
        [
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "XÃ PHÚ LỘC Phú Lộc, ngày 1 tháng 12 năm 2025",
            "Số: 88/TB-UBND",
            "THÔNG BÁO",
        ]
    ).header
    assert (header.issuer, header.place, header.date) == (
        "ỦY BAN NHÂN DÂN XÃ PHÚ LỘC",
        "Phú Lộc",
        "2025-12-01",
    )
    assert (header.written_number, header.type_code, header.document_type) == (
        "88/TB-UBND",
        "TB",
        "THÔNG BÁO",
    )


def test_unsigned_draft_has_no_invented_date_or_number():
    header = segment_lines(
        [
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "XÃ HÒA BÌNH Độc lập - Tự do - Hạnh phúc",
            "Số:     /KH-UBND Hòa Bình, ngày    tháng 01 năm 2026",
            "KẾ HOẠCH",
        ]
    ).header
    assert header.issuer == "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH"
    assert header.written_number == "/KH-UBND"
    assert header.type_code == "KH"
    assert header.place == "Hòa Bình"
    assert header.date == "2026-01"  # the printed month and year only (schema 1.4.0)
    assert header.number is None


def test_party_header_and_a_title_starting_thuc_hien():
    doc = segment_lines(
        [
            "ĐẢNG BỘ HUYỆN AN LÃO ĐẢNG CỘNG SẢN VIỆT NAM",
            "ĐẢNG ỦY XÃ AN HÒA",
            "*",
            "Số 45-KH/ĐU An Hòa, ngày 10 tháng 02 năm 2025",
            "KẾ HOẠCH",
            "Thực hiện Chỉ thị số 05-CT/TU của Tỉnh ủy",
            "Căn cứ Điều lệ Đảng;",
        ]
    )
    header = doc.header
    assert (header.issuer, header.issuer_parent) == ("ĐẢNG ỦY XÃ AN HÒA", "ĐẢNG BỘ HUYỆN AN LÃO")
    assert (header.written_number, header.type_code) == ("45-KH/ĐU", "KH")
    assert (header.number, header.symbol) == ("45", "KH/ĐU")
    assert doc.title == "Thực hiện Chỉ thị số 05-CT/TU của Tỉnh ủy"
    assert doc.legal_basis == ["Căn cứ Điều lệ Đảng;"]


def test_decision_articles_and_lone_signer_title():
    doc = segment_lines(
        [
            "QUYẾT ĐỊNH",
            "Về việc ban hành quy chế",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ A",
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "QUYẾT ĐỊNH:",
            "Điều 1. Ban hành kèm theo Quyết định này Quy chế.",
            "Điều 2. Quyết định có hiệu lực.",
            "Nơi nhận:",
            "- Như Điều 2;",
            "CHỦ TỊCH",
            "Nguyễn Văn B",
        ]
    )
    assert doc.title == "Về việc ban hành quy chế"
    assert doc.legal_basis == ["Căn cứ Luật Tổ chức chính quyền địa phương;"]
    assert [s.number for s in doc.sections] == ["Điều 1", "Điều 2"]
    assert (doc.signature.authority, doc.signature.title) == (None, "CHỦ TỊCH")
    assert doc.recipients == ["Như Điều 2;"]


def test_cong_van_symbol_has_no_type_code():
    header = segment_lines(["UBND XÃ A", "Số: 15/UBND-VP", "V/v báo cáo"]).header
    assert header.written_number == "15/UBND-VP"
    assert header.type_code is None


def test_header_blocks_from_layout():
    texts = [
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "XÃ ĐÔNG HÒA",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 3/KH-UBND",
        "Đông Hòa, ngày 2 tháng 6 năm 2025",
        "KẾ HOẠCH",
    ]
    blocks = [
        "header_left",
        "header_right",
        "header_left",
        "header_right",
        "header_left",
        "header_right",
        None,
    ]
    page = Page(number=1, lines=[Line(text=t, block=b) for t, b in zip(texts, blocks, strict=True)])
    header = segment_document(make_doc(texts, [page])).header
    assert header.issuer == "ỦY BAN NHÂN DÂN XÃ ĐÔNG HÒA"
    assert header.date == "2025-06-02"


# --- body ---------------------------------------------------------------------------------------


def test_title_and_legal_basis():
    doc = segment_lines(PLAN)
    assert doc.title == "Phát triển phong trào đọc sách trong trường học năm 2025"
    assert doc.legal_basis == [
        "Căn cứ Quyết định số 1234/QĐ-UBND ngày 05/3/2025 của UBND tỉnh Đồng Nai về việc "
        "phát triển văn hóa đọc;",
        "Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ;",
        "Ủy ban nhân dân xã ban hành Kế hoạch như sau:",
    ]


def test_sections_subsections_items_and_continuations():
    sections = segment_lines(PLAN).sections
    assert [s.number for s in sections] == ["I", "II"]
    purpose, requirements = sections[0].subsections
    assert (purpose.number, purpose.title) == ("1", "Mục đích")
    first, second = purpose.items
    assert first.text == "Nâng cao ý thức đọc sách của học sinh, giáo viên và phụ huynh."
    assert [i.marker for i in first.items] == ["+", "+"]
    assert second.text == "Tạo thói quen đọc hằng ngày."
    assert requirements.paragraphs == ["Việc triển khai phải thiết thực:"]
    assert [(i.marker, i.text) for i in requirements.items] == [
        ("a)", "Đúng đối tượng;"),
        ("b)", "Tiết kiệm."),
    ]
    lead_in, schools = sections[1].subsections
    assert lead_in.title == "Phòng Văn hóa - Xã hội"
    assert lead_in.paragraphs == ["Chủ trì, hướng dẫn các trường xây dựng thư viện."]
    assert schools.title == "Các trường học tổ chức ngày hội đọc sách."


def test_closing():
    closing = segment_lines(PLAN).closing
    assert closing == (
        "Trên đây là Kế hoạch phát triển phong trào đọc sách, đề nghị các đơn vị thực hiện./."
    )


def test_noisy_roman_numerals_follow_the_order():
    doc = segment_lines(
        [
            "|. MỤC ĐÍCH",
            "1. Mục đích chung",
            "1I. NHIỆM VỤ",
            "Il. KINH PHÍ",
            "Kinh phí từ ngân sách.",
            "IV. TỔ CHỨC THỰC HIỆN",
            "l. Phòng Kinh tế theo dõi.",
        ]
    )
    assert [s.number for s in doc.sections] == ["I", "II", "III", "IV"]
    assert doc.sections[0].subsections[0].title == "Mục đích chung"
    assert doc.sections[2].paragraphs == ["Kinh phí từ ngân sách."]


def test_lowercase_line_continues_over_ocr_blank_lines():
    doc = segment_lines(["I. NỘI DUNG", "- Tuyên truyền trên", "", "hệ thống loa.", "", "- Khác."])
    assert [i.text for i in doc.sections[0].items] == ["Tuyên truyền trên hệ thống loa.", "Khác."]


# --- signature and recipients -------------------------------------------------------------------


def test_signature_interleaved_with_recipients():
    doc = segment_lines(PLAN)
    assert doc.signature.authority == "KT. CHỦ TỊCH"
    assert doc.signature.title == "PHÓ CHỦ TỊCH"
    assert doc.signature.name == "Trần Thị Bình"
    assert doc.recipients == ["Như trên;", "UBND huyện;", "Lưu: VT."]


def test_signature_on_its_own_lines():
    doc = segment_lines(["I. VIỆC", "- Làm.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Tám"])
    assert (doc.signature.authority, doc.signature.title, doc.signature.name) == (
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Tám",
    )
    assert doc.recipients == []


# --- references ---------------------------------------------------------------------------------


def test_references_with_d_stroke_symbols_and_dedup():
    references = segment_lines(PLAN).references
    decision = references[0]
    assert decision.type == "Quyết định"
    assert (decision.number, decision.symbol) == ("1234", "QĐ-UBND")
    assert decision.date == "2025-03-05"
    assert decision.issuer == "UBND tỉnh Đồng Nai"
    assert decision.text == "Quyết định số 1234/QĐ-UBND ngày 05/3/2025 của UBND tỉnh Đồng Nai"
    decree = references[1]
    assert (decree.type, decree.number, decree.symbol) == ("Nghị định", "30", "2020/NĐ-CP")
    assert decree.date is None and decree.issuer == "Chính phủ"
    assert len(references) == 2


def test_party_reference_and_duplicates_keep_most_complete():
    references = segment_lines(
        [
            "I. NỘI DUNG",
            "- Quán triệt Nghị quyết số 57-NQ/TW.",
            "- Thực hiện Nghị quyết số 57-",
            "NQ/TW ngày 22/12/2024 của Bộ Chính trị và Kế hoạch số 45-KH/ĐU.",
        ]
    ).references
    assert [(r.number, r.symbol) for r in references] == [("57", "NQ/TW"), ("45", "KH/ĐU")]
    assert references[0].date == "2024-12-22"
    assert references[0].issuer == "Bộ Chính trị"


def test_issuer_names_with_lower_case_words():
    (reference,) = segment_lines(
        ["Căn cứ Chỉ thị số 05-CT/TU ngày 3/2/2025 của Ủy ban nhân dân tỉnh Bình Phước về việc"]
    ).references
    assert reference.issuer == "Ủy ban nhân dân tỉnh Bình Phước"
    assert (reference.type, reference.symbol) == ("Chỉ thị", "CT/TU")


def test_symbols_joining_two_agencies_with_an_ampersand():
    (reference,) = segment_lines(
        ["Căn cứ Thông tư số 12/2019/TT-BNN&PTNT ngày 25/10/2019 của Bộ Nông nghiệp;"]
    ).references
    assert (reference.number, reference.symbol) == ("12", "2019/TT-BNN&PTNT")
    assert reference.date == "2019-10-25"


def test_a_year_read_earlier_than_a_cited_document_is_flagged_and_read_again():
    # The printed year read "2016" (an 8 taken for a 6), but the document cites one of 2018.
    doc = segment_lines([
        "ỦY BAN NHÂN DÂN", "TỈNH AN GIANG", "Số: 12/CT-UBND",
        "An Giang, ngày 9 tháng 4 năm 2016", "CHỈ THỊ", "Về việc trồng cây",
        "Thực hiện Chỉ thị số 4/CT-UBND ngày 42/02/2018 của UBND tỉnh;", "- Trồng cây.",
    ])
    assert doc.header.date == "2018-04-09"
    assert doc.header.readings["date"].needs_review


def test_a_year_no_earlier_than_what_the_document_cites_is_left_alone():
    doc = segment_lines([
        "ỦY BAN NHÂN DÂN", "TỈNH AN GIANG", "Số: 12/CT-UBND",
        "An Giang, ngày 9 tháng 4 năm 2018", "CHỈ THỊ", "Về việc trồng cây",
        "Căn cứ Thông tư số 01/2018/TT-BNV ngày 2/1/2018;",
        "- Hoàn thành trước ngày 30/6/2019.",  # a deadline is no cited document
    ])
    assert doc.header.date == "2018-04-09"
    assert "date" not in doc.header.readings


# --- appendix -----------------------------------------------------------------------------------

APPENDIX_HEAD = [
    "Phụ lục",
    "DANH MỤC NHIỆM VỤ",
    "(Ban hành kèm theo Kế hoạch số 07/KH-UBND ngày 09/4/2025 của UBND xã Bình An)",
]


def test_appendix_from_text():
    doc = segment_lines(
        [
            *PLAN,
            *APPENDIX_HEAD,
            "TT Nội dung Cơ quan chủ trì Thời gian",
            "1 | Nhóm nhiệm vụ tuyên truyền",
            "1.1 | Tổ chức hội nghị. | Phòng Văn hóa - Xã hội | Hằng năm",
            "1.2 | Viết tin bài trên trang thông tin. | Văn phòng UBND | Quý II/2025",
            "2 | Nhóm nhiệm vụ đào tạo",
            "21 | Tập huấn kỹ năng số. | Trung tâm Cung ứng dịch vụ công | Thường xuyên",
        ]
    )
    (appendix,) = doc.appendices
    assert appendix.title == "DANH MỤC NHIỆM VỤ"
    assert appendix.attached_to == (
        "Ban hành kèm theo Kế hoạch số 07/KH-UBND ngày 09/4/2025 của UBND xã Bình An"
    )
    assert appendix.columns == ["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian"]
    assert [(g.number, g.title) for g in appendix.groups] == [
        ("1", "Nhóm nhiệm vụ tuyên truyền"),
        ("2", "Nhóm nhiệm vụ đào tạo"),
    ]
    rows = appendix.groups[0].rows
    assert [(r.tt, r.task, r.lead, r.deadline) for r in rows] == [
        ("1.1", "Tổ chức hội nghị.", "Phòng Văn hóa - Xã hội", "Hằng năm"),
        ("1.2", "Viết tin bài trên trang thông tin.", "Văn phòng UBND", "Quý II/2025"),
    ]
    # "21 |" after group 2 is row 2.1 with its dot lost; nothing else is invented
    (row,) = appendix.groups[1].rows
    assert (row.tt, row.deadline, row.coordinate, row.output) == ("2.1", "Thường xuyên", None, None)
    # the signature block above the appendix is still parsed
    assert doc.signature.name == "Trần Thị Bình"


def test_appendix_from_cells():
    headings = ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời hạn"]
    cells = [Cell(row=0, col=c, text=t) for c, t in enumerate(headings)]
    cells += [Cell(row=1, col=0, text="1"), Cell(row=1, col=1, col_span=5, text="Tuyên truyền")]
    row = ["1.1", "Hội nghị quán triệt", "Phòng VH-XH", "Các thôn", "Báo cáo", "Quý I/2025"]
    cells += [Cell(row=2, col=c, text=t) for c, t in enumerate(row)]
    cells += [
        Cell(row=3, col=0, text="1.2"),
        Cell(row=3, col=1, text="Tin bai", restored="Tin bài"),
    ]
    table = Table(n_rows=4, n_cols=6, cells=cells)
    lines = [*PLAN, *APPENDIX_HEAD]
    pages = [Page(number=1, lines=[Line(text=t) for t in lines], tables=[table])]
    (appendix,) = segment_document(make_doc(lines, pages)).appendices
    assert appendix.columns == headings
    (group,) = appendix.groups
    assert (group.number, group.title) == ("1", "Tuyên truyền")
    first, second = group.rows
    assert first.model_dump() == dict(
        zip(["tt", "task", "lead", "coordinate", "output", "deadline"], row, strict=True)
    )
    assert (second.tt, second.task, second.lead) == ("1.2", "Tin bài", None)


# --- the samples --------------------------------------------------------------------------------


def test_tan_phu_gold():
    doc = segment_lines(read_lines(TAN_PHU / "tan_phu_plan.gold.txt"))
    assert doc.header.model_dump() == {
        "issuer": "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ",
        "issuer_parent": None,
        "number": "125",
        "symbol": "KH-UBND",
        "type_code": "KH",
        "document_type": "KẾ HOẠCH",
        "kind": "Kế hoạch",
        "place": "Tân Phú",
        "date": "2025-03-15",
        "readings": {},
    }
    assert doc.title is not None and doc.title.startswith("Tuyên truyền Nghị quyết số 57-NQ/TW")
    assert doc.title.endswith("trên địa bàn xã năm 2025")
    assert len(doc.legal_basis) == 1 and doc.legal_basis[0].startswith("Căn cứ Kế hoạch số 45")
    assert [s.number for s in doc.sections] == ["I", "II", "III"]
    assert [[x.number for x in s.subsections] for s in doc.sections] == [["1", "2"], ["1", "2"], []]
    assert [len(x.items) for x in doc.sections[0].subsections] == [2, 2]
    assert doc.signature.model_dump() == {
        "authority": "TM. ỦY BAN NHÂN DÂN",
        "title": "CHỦ TỊCH",
        "name": "Nguyễn Văn Hưởng",
        "name_prefix": None,
    }
    assert [(r.type, r.number, r.symbol, r.date, r.issuer) for r in doc.references] == [
        ("Nghị quyết", "57", "NQ/TW", "2024-12-22", "Bộ Chính trị"),
        ("Kế hoạch", "45", "KH/ĐU", "2025-02-10", "Đảng ủy xã"),
    ]


def test_tan_phu_english_model_ocr():
    doc = segment_lines(read_lines(TAN_PHU / "tan_phu_plan.eng-ocr.txt"))
    header = doc.header
    assert (header.written_number, header.type_code, header.date) == (
        "125/KH-UBND", "KH", "2025-03-15")
    # the letterhead's names take the lexicon's marks even in text that was never restored
    assert header.issuer == "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"
    assert header.place == "Tân Phú"
    assert [s.number for s in doc.sections] == ["I", "II", "III"]
    assert [len(x.items) for x in doc.sections[1].subsections] == [2, 1]
    assert doc.signature.authority == "TM. UY BAN NHAN DAN" and doc.signature.name is not None
    assert [(r.number, r.symbol) for r in doc.references] == [("57", "NQ/TW"), ("45", "KH/DU")]


def test_real_ocr_sample_structure():
    doc = segment_lines(read_lines(NGOC_LIEN))
    assert [s.number for s in doc.sections] == ["I", "II", "III", "IV"]
    assert [len(s.subsections) for s in doc.sections] == [2, 2, 0, 5]
    assert doc.title is not None and len(doc.legal_basis) == 2
    assert doc.closing is not None and doc.closing.endswith("./.")
    assert doc.signature.authority == "KT. CHỦ TỊCH"
    assert doc.signature.title is not None and doc.signature.name is not None
    assert len(doc.recipients) == 6
    (appendix,) = doc.appendices
    assert len(appendix.columns) == 6
    assert [g.number for g in appendix.groups] == ["1", "2", "3"]
    assert [[r.tt for r in g.rows] for g in appendix.groups] == [
        ["1.1", "1.2", "1.3", "1.4"],
        ["2.1", "2.2", "2.3", "2.4", "2.5"],
        ["3.1", "3.2"],
    ]
    assert len(doc.references) >= 5
    assert all(r.number and r.symbol for r in doc.references)


# --- properties ---------------------------------------------------------------------------------

# Fragments in the shapes segment looks for, mixed with arbitrary text.
FRAGMENTS = [
    "",
    "I. MỤC ĐÍCH",
    "|. NỘI DUNG",
    "II. NHIỆM VỤ",
    "1. Mục đích",
    "1.1. Việc",
    "- Một việc;",
    "+ việc nhỏ",
    "a) Ý thứ nhất",
    "Số: 12/KH-UBND",
    "KẾ HOẠCH",
    "ỦY BAN NHÂN DÂN",
    "XÃ AN BÌNH Độc lập - Tự do - Hạnh phúc",
    "An Bình, ngày 3 tháng 4 năm 2025",
    "Căn cứ Quyết định số 5/QĐ-UBND ngày 1/2/2024 của UBND tỉnh X;",
    "Trên đây là kế hoạch./.",
    "Nơi nhận: TM. ỦY BAN NHÂN DÂN",
    "- Như trên; CHỦ TỊCH",
    "Lê Văn An",
    "Phụ lục",
    "TT",
    "(Ban hành kèm theo Kế hoạch số 12/KH-UBND)",
    "1 | Nhóm",
    "1.1 | Việc | Phòng A | Hằng năm",
    "14 | x",
    "Nghị quyết số 57-",
    "NQ/TW ngày 22/12/2024 của Bộ Chính trị",
    "TT | Nội dung | Cơ quan chủ trì | Phối hợp | Kết quả | Thời gian",
    "1.1 | Việc | Phòng Văn hóa - | UBND xã | Báo cáo | Hằng",
    "Xã hội",
    "năm",
    "Văn phòng",
    "HĐND và",
    "Thường",
    "xuyên",
    "Quý II/2026",
    "- II NHIỆM VỤ",
    "._~ Bảo quản",
    "-thôn xa",
    "Nam xã",
    "03 cầu",
    "của Sở Y tế tỉnh Thanh Hóa",
]
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÊƠƯIVXàáạảãếềệờởữọ0123456789 .,;:-+|/()"
LINES = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ALPHABET, max_size=40)), max_size=30
)


_LEXICON_WORDS = {
    word
    for category in ("agency", "deadline", "doc_type")
    for term in lexicon_terms(category)
    for word in [*term.split(), term.split()[0].capitalize()]
} | {"Hằng", "hằng"}


def _text_values(doc: Document) -> list[str]:
    """Every text value segment wrote (not markers, canonical numbers or ISO dates)."""
    header = doc.header
    values = [
        header.issuer,
        header.issuer_parent,
        header.written_number,
        header.type_code,
        header.document_type,
        header.place,
        doc.title,
        doc.closing,
        *doc.legal_basis,
        doc.signature.authority,
        doc.signature.title,
        doc.signature.name,
        *doc.recipients,
    ]

    def walk_items(items):
        for item in items:
            values.append(item.text)
            walk_items(item.items)

    def walk_sections(sections):
        for section in sections:
            values.extend([section.title, *section.paragraphs])
            walk_items(section.items)
            walk_sections(section.subsections)

    walk_sections(doc.sections)
    for appendix in doc.appendices:
        values.extend([appendix.title, appendix.attached_to, *appendix.columns])
        for group in appendix.groups:
            values.append(group.title)
            for row in group.rows:
                values.extend([row.task, row.lead, row.coordinate, row.output, row.deadline])
    for reference in doc.references:
        values.extend(
            [reference.type, reference.number, reference.symbol, reference.issuer, reference.text]
        )
    return [v for v in values if v is not None]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_segment_never_crashes_and_never_invents(lines):
    doc = segment_lines(lines)
    source = "".join("".join(unicodedata.normalize("NFC", line).split()) for line in lines)
    for value in _text_values(doc):
        assert value == unicodedata.normalize("NFC", value)
        assert value.strip(), "empty strings are nulls"
        for word in value.split():
            # a word as read, or as the lexicon spells a name or deadline read with slips
            assert word in source or word in _LEXICON_WORDS, (word, value)
    for date in [doc.header.date, *(r.date for r in doc.references)]:
        assert date is None or iso_date(*reversed(date.split("-"))) == date


def test_real_ocr_sample_appendix_rows_have_deadlines_and_leads():
    """The appendix OCR'd as text, cells interleaved across lines: every numbered row gets its
    deadline in the lexicon's spelling and its lead agency, the one whose lead cell OCR garbled
    with the table's borders too."""
    from pipeline.segment.vocabulary import lexicon_terms

    (appendix,) = segment_lines(read_lines(NGOC_LIEN)).appendices
    rows = [row for group in appendix.groups for row in group.rows]
    assert len(rows) == 11
    assert all(row.deadline in lexicon_terms("deadline") for row in rows)
    # (the garbled one read against the names its column has in the other rows)
    assert all(row.lead for row in rows)


def test_entities_find_agencies_with_places_dates_and_deadlines():
    from pipeline.segment.entities import entities

    found = entities(
        "Quyết định ngày 10/02/2026 của Sở Y tế tỉnh Thanh Hóa; báo cáo trước ngày 20 tháng 6"
        " hằng năm, Quý II/2026"
    )
    labels = [(label, text.rstrip(",;")) for label, _, _, text in found]
    assert ("AGENCY", "Sở Y tế tỉnh Thanh Hóa") in labels
    assert ("DATE", "ngày 10/02/2026") in labels
    assert ("DEADLINE", "trước ngày 20 tháng 6 hằng năm") in labels
    assert ("DEADLINE", "Quý II/2026") in labels


def test_ocr_specks_around_markers():
    """A heading with its period lost and a bullet glued before it, a numeral read as the one
    before it, specks standing for a bullet, a wrapped line OCR put a dash before, trailing
    specks: the structure is still found, the specks left out."""
    doc = segment_lines(
        [
            "I.MỤC ĐÍCH, YÊU CẦU",
            "- Chủ động phòng ngừa, giảm thiệt hại. |",
            "- II NHIỆM VỤ TRỌNG TÂM",
            "- Kiện toàn Ban Chỉ huy; phân công thành viên phụ trách từng",
            "-thôn, từng khu vực.",
            "._~ Rà soát các hộ dân.",
            "II. KINH PHÍ - _",
            "Từ ngân sách xã. . |",
            "IV. TỔ CHỨC THỰC HIỆN :",
        ]
    )
    assert [(s.number, s.title) for s in doc.sections] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "NHIỆM VỤ TRỌNG TÂM"),
        ("III", "KINH PHÍ"),
        ("IV", "TỔ CHỨC THỰC HIỆN"),
    ]
    assert [i.text for i in doc.sections[0].items] == ["Chủ động phòng ngừa, giảm thiệt hại."]
    assert [(i.marker, i.text) for i in doc.sections[1].items] == [
        ("-", "Kiện toàn Ban Chỉ huy; phân công thành viên phụ trách từng thôn, từng khu vực."),
        ("-", "Rà soát các hộ dân."),
    ]
    assert doc.sections[2].paragraphs == ["Từ ngân sách xã."]


def test_subsections_before_a_lost_roman_heading():
    doc = segment_lines(
        ["Căn cứ Luật;", "LMUCTHU", "1. Mục tiêu chung", "Giảm tỷ lệ mắc.", "2. Mục tiêu cụ thể",
         "- Trên 95% trẻ.", "II. NỘI DUNG", "- Tiêm chủng."]
    )
    first, second = doc.sections
    assert (first.number, first.title) == (None, None)  # lost: null, not guessed
    assert [s.number for s in first.subsections] == ["1", "2"]
    assert second.number == "II"


def test_appendix_cells_interleaved_across_lines():
    """A table OCR read straight across its columns: row numbers mid-cell, the lead agency's
    name wrapped onto the next line beside other text, the deadline split over two line
    ends, OCR slips in the names; no "|" borders."""
    doc = segment_lines(
        [
            *PLAN,
            *APPENDIX_HEAD,
            "TT Nội dung Cơ quan chủ trì Cơ quan phối hợp Kết quả Thời gian",
            "1 Nhóm nhiệm vụ tuyên truyền.",
            "- Tổ chức hội nghị quán triệt nghị quyết cho cán bộ, công",
            "chức, viên chức và người dân ở các thôn trong toàn xã;",
            "1.1 lồng ghép nội dung vào các buổi sinh hoạt của thôn. Phong Van hoa - Cac thon Bao"
            " cao Thuong",
            "- Cập nhật tin bài lên trang thông tin điện tử của xã. X3 hoi UBND xa xuyen",
            "- Biên tập tài liệu hỏi đáp về chuyển đổi số cho người",
            "dân, phát hành tới các hộ gia đình trong toàn xã và",
            "1.2 các tổ chức, doanh nghiệp đóng trên địa bàn xã. Van phong UBND Cac thon Bao cao"
            " Hang nam",
            "- Tổ chức thi tìm hiểu về chuyển đổi số trong thanh niên.",
        ]
    )
    (appendix,) = doc.appendices
    (group,) = appendix.groups
    first, second = group.rows
    # names and deadlines as the lexicon spells them; a name it lacks as written
    assert (first.tt, first.lead, first.deadline) == (
        "1.1", "Phòng Văn hóa - Xã hội", "Thường xuyên"
    )
    assert (second.tt, second.lead, second.deadline) == ("1.2", "Van phong UBND", "Hằng năm")
    assert (first.coordinate, first.output) == ("Cac thon", "Báo cáo UBND xa")
    assert (second.coordinate, second.output) == ("Cac thon", "Báo cáo")
    assert first.task is not None and first.task.endswith("trang thông tin điện tử của xã.")
    assert second.task is not None and second.task.endswith("chuyển đổi số trong thanh niên.")


def test_appendix_columns_interleaved_with_ocr_slips():
    """English-model OCR of a table read across: every column's cell over a few lines, its
    fragments interleaved with the task's lines and each other's; names and deadlines with
    OCR slips the restorer left ("Phong Vanhda-", "Xa h0i", "Hangnăm"); a name the lexicon
    lacks continued on the next line; a deadline split over two line ends."""
    doc = segment_lines(
        [
            *PLAN,
            *APPENDIX_HEAD,
            "TT Nội dung Cơ quan chủ trì Cơ quan phối hợp Kết quả Thời gian",
            "1 Phòng ngừa, ứng phó thiên tai.",
            "- Kiểm tra đê điều, kênh mương, hồ đập trước mùa mưa Phong Vanhda- Các thôn, tổ"
            " Báo cáo Hangnăm",
            "lũ; lập danh sách hộ dân ở vùng trũng thấp cần di dời Xa h0i dân phố; các UBND xã",
            "khi có bão, lũ và bố trí địa điểm tạm cư an toàn cho hội, đoàn thể | kết quả",
            "1.1 người dân, ưu tiên người cao tuổi, trẻ em, phụ nữ ' thực hiện '",
            "mang thai và người khuyết tật; chuẩn bị lương thực,",
            "thuốc men, nước uống dự phòng tại các điểm tạm cư.",
            "- Tập huấn kỹ năng phòng, chống đuối nước cho trẻ em",
            "và phụ huynh tại điểm sinh hoạt cộng đồng của các thôn Trung tâm Học tập | Phòng Tài"
            " chính - Báo cáo Quý",
            "1.2 và tổ dân phố; kiểm tra áo phao trên đò ngang, thuyền cộng đồng Kế hoạch tổng hợp"
            " II/2026",
            "đánh cá; nhắc nhở chủ phương tiện trang bị đủ áo phao,",
            "phao cứu sinh cho người đi đò.",
            "- Duy trì chế độ trực ban, tổng hợp tình hình mưa lũ,",
            "1.3 thiệt hại, nhu cầu cứu trợ và báo cáo kịp thời lên xã. Thuong xuyen",
        ]
    )
    (appendix,) = doc.appendices
    (group,) = appendix.groups
    cells = [(r.tt, r.lead, r.coordinate, r.output, r.deadline) for r in group.rows]
    assert cells == [
        (
            "1.1",
            "Phòng Văn hóa - Xã hội",
            "Các thôn, tổ dân phố; các hội, đoàn thể",
            "Báo cáo UBND xã kết quả thực hiện",
            "Hằng năm",
        ),
        (
            "1.2",
            "Trung tâm Học tập cộng đồng",  # not in the lexicon: as written, over two lines
            "Phòng Tài chính - Kế hoạch",
            "Báo cáo tổng hợp",
            "Quý II/2026",
        ),
        ("1.3", None, None, None, "Thường xuyên"),  # no agency in the row: none invented
    ]
    # the tasks without the cells' fragments (nor the OCR noise between them)
    assert [r.task for r in group.rows] == [
        "- Kiểm tra đê điều, kênh mương, hồ đập trước mùa mưa lũ; lập danh sách hộ dân ở vùng"
        " trũng thấp cần di dời khi có bão, lũ và bố trí địa điểm tạm cư an toàn cho người dân,"
        " ưu tiên người cao tuổi, trẻ em, phụ nữ mang thai và người khuyết tật; chuẩn bị lương"
        " thực, thuốc men, nước uống dự phòng tại các điểm tạm cư.",
        "- Tập huấn kỹ năng phòng, chống đuối nước cho trẻ em và phụ huynh tại điểm sinh hoạt"
        " cộng đồng của các thôn và tổ dân phố; kiểm tra áo phao trên đò ngang, thuyền đánh cá;"
        " nhắc nhở chủ phương tiện trang bị đủ áo phao, phao cứu sinh cho người đi đò.",
        "- Duy trì chế độ trực ban, tổng hợp tình hình mưa lũ, thiệt hại, nhu cầu cứu trợ và báo"
        " cáo kịp thời lên xã.",
    ]


# A flood-prevention table of an invented commune, read across by English-model OCR: the last
# row's lead and coordinating cells are filled in by the test.
_FLOOD_ROWS = [
    "TT Nội dung Cơ quan chủ trì Cơ quan phối hợp Kết quả Thời gian",
    "1 Phòng, chống lụt bão năm 2026.",
    "- Kiểm tra đê bao, cống tiêu nước ở các thôn ven sông Ban Chỉ huy Quân sự Các thôn Báo cáo"
    " Quý II/2026",
    "1.1 trước mùa mưa; lập phương án sơ tán hộ dân vùng thấp.",
    "- Chuẩn bị thuốc, hóa chất khử trùng nước sinh hoạt Trạm Y tế xã Các thôn Báo cáo Hằng năm",
    "1.2 và xử lý môi trường sau lũ tại các điểm ngập úng.",
    "- Tập huấn cho lực lượng xung kích các thôn về cứu Ban Chỉ huy Quân sự Trạm Y tế xã Kế hoạch"
    " Hằng năm",
    "1.3 hộ, cứu nạn và sử dụng xuồng, áo phao đúng cách.",
    "- Dự trữ lương thực, nhiên liệu, đèn pin, áo phao tại {lead} {coordinate} Báo cáo Hằng năm",
    "1.4 nhà văn hóa các thôn; cắm biển cảnh báo ở chỗ ngập sâu.",
]


def _flood_last_row(lead: str, coordinate: str) -> tuple:
    lines = [line.format(lead=lead, coordinate=coordinate) for line in _FLOOD_ROWS]
    (appendix,) = segment_lines([*PLAN, *APPENDIX_HEAD, *lines]).appendices
    row = appendix.groups[-1].rows[-1]
    return row.tt, row.lead, row.coordinate, row.output, row.deadline


@pytest.mark.parametrize(
    ("lead", "coordinate", "expected"),
    [
        # border strokes through the lead's letters: no lexicon name is close enough, the
        # column's name in two other rows is
        ("ﬁ:‘ Ba)n(;C/ﬁi'h:;yQ(;)ắ|n", "Các thôn", ("Ban Chỉ huy Quân sự", "Các thôn")),
        # likewise a coordinating cell, after the lead's name
        ("Ban Chỉ huy Quân sự", "T)r(ạ;m/Y:t)ế", ("Ban Chỉ huy Quân sự", "Trạm Y tế xã")),
        ("Ban Chỉ huy Quân sự", "C)á(c;t/h)ô:'", ("Ban Chỉ huy Quân sự", "Các thôn")),
        # too few letters to tell anything: nothing invented
        ("B)a(;n", "Các thôn", (None, "Các thôn")),
        # letters, but of no name the column has in the table (the lexicon's are not asked)
        ("Ng)â(;n/hà:ng;Nh)à(", "Các thôn", (None, "Các thôn")),
        ("Ban Chỉ huy Quân sự", "Ph)ò(;ng/T:ư/ph)á(p", ("Ban Chỉ huy Quân sự", None)),
    ],
)
def test_garbled_cell_read_against_the_other_rows(lead, coordinate, expected):
    assert _flood_last_row(lead, coordinate) == ("1.4", *expected, "Báo cáo", "Hằng năm")


def test_attested_value_asks_for_evidence():
    from pipeline.segment.appendix.attested import attested_value

    values = ["Trạm Y tế xã", "Ban Chỉ huy Quân sự"]
    found = attested_value(["‘ﬁ Tr)ạ(;m/Y:t)ế'x| ;"], values)
    assert found is not None and found.value == "Trạm Y tế xã"
    assert attested_value(["Tr)ạ(;m"], values) is None  # 4 letters
    assert attested_value(["V)ă(n;h/ó:a"], ["Phòng Văn hóa - Xã hội"]) is None  # one word of it
    # two names alike: the garbled text cannot tell which
    assert attested_value(["Ph)ò(;ng/Ki:nh"], ["Phòng Kinh tế", "Phòng Kinh tế - Hạ tầng"]) is None
    # spellings of one name with slips are that name, as most rows spell it
    spellings = ["Trạm Y tế xã", "Trạm Y tế xã", "Tram Yté x3", "Ban Chỉ huy Quân sự"]
    found = attested_value(["‘ﬁ Tr)ạ(;m/Y:t)ế'x| ;"], spellings)
    assert found is not None and found.value == "Trạm Y tế xã"
    # two names read in the text: which is this column's is not known
    assert attested_value(["Trạm Y tế xã Ban Chỉ huy Quân sự"], values) is None


@pytest.mark.parametrize(
    ("read", "canonical"),
    [
        ("Hangnăm", "Hằng năm"),
        ("Thương Xuyên", "Thường xuyên"),
        ("Hằng quý", "Hằng quý"),
        ("Quy II / 2026", "Quý II/2026"),
        ("Quý III/2026", "Quý III/2026"),  # numbers as read, never a "closest" other quarter
        ("Tháng 9/2026", "Tháng 9/2026"),
    ],
)
def test_canonical_deadline(read, canonical):
    from pipeline.segment.appendix.cell_words import canonical_deadline

    assert canonical_deadline(read) == canonical


def test_canonical_agency_and_cell_noise():
    from pipeline.segment.appendix.cell_words import (
        agency_start,
        canonical_agency,
        clean_cell_text,
    )

    assert canonical_agency("Phòng Văn hóa - X& hội") == "Phòng Văn hóa - Xã hội"
    assert canonical_agency("Phong Vanhda - Xa hoi") == "Phòng Văn hóa - Xã hội"
    assert canonical_agency("Văn phòng UBND") == "Văn phòng UBND"  # no lexicon name that close
    assert canonical_agency("Trung tâm Học tập cộng đồng") == "Trung tâm Học tập cộng đồng"
    start = agency_start("Phong Vanhda")
    assert start is not None and start.term == "Phòng Văn hóa - Xã hội"
    assert agency_start("Văn phòng UBND") is None
    assert clean_cell_text("khả'_:[h‘-fc hiện ’ ' i") == "hiện"
    assert clean_cell_text("UBND; các cơ |") == "UBND; các cơ"

"""The placement check (issue 13): every line of the text is somewhere in the JSON or listed in
`quality.unplaced_lines`."""

from __future__ import annotations

from pipeline.model import Document, Header, Section, Source
from pipeline.segment import segment_document
from pipeline.segment.placement import is_fixed_line, unplaced_lines, words


def text_doc(lines: list[str]) -> Document:
    source = Source(file="plan.txt", sha256="0" * 64, kind="text", pages=1)
    return Document(source=source, ocr_lines=lines)


PLAN = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH BÌNH AN",
    "Số: 12/KH-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Bình An, ngày 5 tháng 3 năm 2025",
    "",
    "KẾ HOẠCH",
    "Kiểm tra công tác văn thư năm 2025",
    "",
    "I. MỤC ĐÍCH",
    "1. Nâng cao chất lượng: công tác văn thư được",
    "thực hiện đúng quy định.",
    "- 2 -",
    "II. TỔ CHỨC THỰC HIỆN",
    "- Văn phòng theo dõi.",
    "Nơi nhận:",
    "- Như trên;",
    "CHỦ TỊCH",
    "Trần Văn Bình",
]


def test_every_line_of_a_well_formed_plan_is_placed():
    assert segment_document(text_doc(PLAN)).quality.unplaced_lines == []


def test_a_stray_line_is_listed_with_its_index():
    # a mark under the number ("DỰ THẢO" on a draft) is no header value and no issuer
    lines = [*PLAN[:3], "DỰ THẢO", *PLAN[3:]]
    doc = segment_document(text_doc(lines))
    assert [(u.line, u.text) for u in doc.quality.unplaced_lines] == [(4, "DỰ THẢO")]
    assert doc.header.issuer == "ỦY BAN NHÂN DÂN TỈNH BÌNH AN"


def test_a_line_found_nowhere_in_the_json_is_unplaced():
    doc = text_doc(["Kế hoạch", "Một đoạn văn.", "Dòng lạc ở đây", "", "- 3 -", "Số:"])
    doc = doc.model_copy(update={"sections": [Section(paragraphs=["Một đoạn văn."])],
                                 "header": Header(document_type="Kế hoạch")})
    listed = unplaced_lines(doc, doc.text_lines)
    assert [(u.line, u.text) for u in listed] == [(3, "Dòng lạc ở đây")]


def test_a_line_across_a_headings_title_and_paragraph_is_placed():
    doc = text_doc(["1. Chi phí: 9.894 triệu đồng."])
    doc = doc.model_copy(update={"sections": [
        Section(number="1", title="Chi phí", paragraphs=["9.894 triệu đồng."])]})
    assert unplaced_lines(doc, doc.text_lines) == []


def test_header_lines_are_placed_by_the_values_taken_from_them():
    header = Header(number="05", symbol="KH-UBND", place="Bình An", date="2025-03-05")
    doc = text_doc(["Số: 05/KH-UBND", "Bình An, ngày 05 tháng 3 năm 2025"])
    doc = doc.model_copy(update={"header": header})
    assert unplaced_lines(doc, doc.text_lines) == []


def test_fixed_lines_and_words():
    assert is_fixed_line("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert is_fixed_line("Độc lập - Tự do - Hạnh phúc")
    assert is_fixed_line("Nơi nhận:")
    assert is_fixed_line("PHỤ LỤC II")
    assert not is_fixed_line("Nơi nhận hồ sơ")
    assert words("Sở Y tế, x 12") == ["so", "te", "12"]


def test_a_header_line_glued_to_the_national_name_is_placed_by_its_own_words():
    doc = text_doc(["UBND TỈNH BÌNH AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Dòng lạc"])
    doc = doc.model_copy(update={"header": Header(issuer="UBND TỈNH BÌNH AN")})
    assert [u.text for u in unplaced_lines(doc, doc.text_lines)] == ["Dòng lạc"]


def test_a_signers_name_with_a_degree_is_placed():
    doc = segment_document(text_doc([*PLAN[:-1], "TS. Trần Văn Bình"]))
    assert (doc.signature.name_prefix, doc.signature.name) == ("TS.", "Trần Văn Bình")
    assert doc.quality.unplaced_lines == []

"""Body structure (issue 13): ruled tables inside a section, continuation pages, attached lists
without a "Phụ lục" line, a second document after the first's signature.

Small documents are written here by hand as the ocr stage would give them: text lines with
their page and layout block, and the page's tables as cells.
"""

from __future__ import annotations

from pipeline.emit.markdown import render_markdown
from pipeline.model import Cell, Document, Line, Page, Source, Table
from pipeline.segment import segment_document

LETTERHEAD = [
    ("ỦY BAN NHÂN DÂN", "header_left"),
    ("TỈNH BÌNH AN", "header_left"),
    ("Số: 12/KH-UBND", "header_left"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "header_right"),
    ("Độc lập - Tự do - Hạnh phúc", "header_right"),
    ("Bình An, ngày 5 tháng 3 năm 2025", "header_right"),
    ("", None),
    ("KẾ HOẠCH", "body"),
    ("Kiểm tra công tác văn thư năm 2025", "body"),
    ("", None),
]


def make_doc(rows: list[tuple[str, str | None]], tables: list[Table] = (),
             page_of: list[int] | None = None) -> Document:
    """A scanned document: each row a line's text and its layout block; all on page 1 unless
    `page_of` gives each line's page."""
    pages_of = page_of or [1] * len(rows)
    page_lines = [
        Line(text=text, page=page if text else None, block=block)
        for (text, block), page in zip(rows, pages_of, strict=True)
    ]
    numbers = sorted(set(pages_of))
    pages = [Page(number=n, tables=[t for t in tables if t.page == n]) for n in numbers]
    source = Source(file="scan.pdf", sha256="0" * 64, kind="scan", pages=len(numbers))
    return Document(source=source, ocr_lines=[text for text, _ in rows], page_lines=page_lines,
                    pages=pages)


def grid(rows: list[list[str]], page: int = 1, header_rows: int = 1,
         continued: bool = False) -> Table:
    cells = [Cell(row=r, col=c, text=text) for r, row in enumerate(rows)
             for c, text in enumerate(row)]
    return Table(n_rows=len(rows), n_cols=len(rows[0]), cells=cells, page=page,
                 header_rows=header_rows, continued=continued)


SCHEDULE = [
    ["TT", "Đơn vị", "Thời gian"],
    ["1", "Văn phòng", "Tháng 4"],
    ["2", "Phòng Tư pháp", "Tháng 5"],
]


def table_lines(rows: list[list[str]]) -> list[tuple[str, str]]:
    return [(" | ".join(row), "table") for row in rows]


def test_a_table_in_a_section_is_the_sections_table_not_its_text():
    rows = [
        *LETTERHEAD,
        ("I. LỊCH KIỂM TRA", "body"),
        ("Các đơn vị được kiểm tra như sau:", "body"),
        *table_lines(SCHEDULE),
        ("II. TỔ CHỨC THỰC HIỆN", "body"),
        ("Văn phòng theo dõi, đôn đốc.", "body"),
    ]
    doc = segment_document(make_doc(rows, [grid(SCHEDULE)]))
    first, second = doc.sections
    assert first.number == "I"
    assert first.paragraphs == ["Các đơn vị được kiểm tra như sau:"]
    assert first.items == []
    [table] = first.tables
    assert table.columns == ["TT", "Đơn vị", "Thời gian"]
    assert table.rows == [["1", "Văn phòng", "Tháng 4"], ["2", "Phòng Tư pháp", "Tháng 5"]]
    assert table.page == 1
    assert second.number == "II" and second.tables == []
    assert doc.quality.unplaced_lines == []


def test_a_section_table_is_a_gfm_table_in_markdown():
    rows = [*LETTERHEAD, ("I. LỊCH KIỂM TRA", "body"), *table_lines(SCHEDULE)]
    markdown = render_markdown(segment_document(make_doc(rows, [grid(SCHEDULE)])))
    table = "| TT | Đơn vị | Thời gian |\n| --- | --- | --- |\n| 1 | Văn phòng | Tháng 4 |"
    assert table in markdown


def test_table_lines_without_cells_are_split_at_the_rule():
    rows = [*LETTERHEAD, ("I. LỊCH KIỂM TRA", "body"), *table_lines(SCHEDULE[1:])]
    [section] = segment_document(make_doc(rows)).sections
    assert section.tables[0].rows == [["1", "Văn phòng", "Tháng 4"],
                                      ["2", "Phòng Tư pháp", "Tháng 5"]]


def test_a_table_continued_on_the_next_page_goes_on_in_the_same_table():
    second_part = [["3", "Phòng Nội vụ", "Tháng 6"]]
    rows = [*LETTERHEAD, ("I. LỊCH KIỂM TRA", "body"), *table_lines(SCHEDULE), ("2", "body"),
            *table_lines(second_part)]
    pages = [1] * (len(rows) - 2) + [2, 2]
    tables = [grid(SCHEDULE), grid(second_part, page=2, header_rows=0, continued=True)]
    [section] = segment_document(make_doc(rows, tables, pages)).sections
    [table] = section.tables
    assert [row[0] for row in table.rows] == ["1", "2", "3"]


def test_a_continuation_page_has_no_title_and_its_text_opens_an_unnumbered_section():
    rows = [
        ("5", "body"),
        ("", None),
        ("đơn vị báo cáo kết quả trước ngày 30 hằng tháng.", "body"),
        ("2. Phòng Tư pháp", "body"),
        ("- Hướng dẫn nghiệp vụ.", "body"),
    ]
    doc = segment_document(make_doc(rows))
    assert doc.title is None
    assert doc.legal_basis == []
    # the text goes on in a section the page does not show; "2." is its next subsection
    [first] = doc.sections
    assert first.number is None and first.title is None
    assert first.paragraphs == ["đơn vị báo cáo kết quả trước ngày 30 hằng tháng."]
    [second] = first.subsections
    assert second.number == "2"
    assert second.items[0].text == "Hướng dẫn nghiệp vụ."


def test_a_continuation_page_holding_a_table_has_the_table_in_a_section():
    rows = [("7", "body"), *table_lines(SCHEDULE[1:])]
    doc = segment_document(make_doc(rows, [grid(SCHEDULE[1:], header_rows=0)]))
    assert doc.title is None
    [section] = doc.sections
    assert section.tables[0].columns == []
    assert len(section.tables[0].rows) == 2


def test_a_first_table_row_of_long_text_is_not_a_heading():
    long_task = ("Rà soát các văn bản quy phạm pháp luật của tỉnh về công tác văn thư để sửa "
                 "đổi, bổ sung cho phù hợp với quy định mới")
    table_rows = [["1", long_task, "Sở Nội vụ"], ["2", "Tập huấn", "Văn phòng"]]
    rows = [("3", "body"), *table_lines(table_rows)]
    doc = segment_document(make_doc(rows, [grid(table_rows, header_rows=1)]))
    table = doc.sections[0].tables[0]
    assert table.columns == []
    assert table.rows[0][1] == long_task


def test_an_attached_list_titled_above_its_kem_theo_line_is_an_appendix():
    rows = [
        ("10", "body"),
        ("", None),
        ("DANH SÁCH CÁC ĐƠN VỊ", "body"),
        ("CHƯA GỬI BÁO CÁO", "body"),
        ("(Kèm theo Báo cáo số 02/BC-UBND ngày 10/01/2025 của UBND tỉnh)", "body"),
        *table_lines([["STT", "Tên đơn vị"], ["1", "Sở Y tế"]]),
    ]
    doc = segment_document(make_doc(rows))
    assert doc.title is None
    [appendix] = doc.appendices
    assert appendix.title == "DANH SÁCH CÁC ĐƠN VỊ CHƯA GỬI BÁO CÁO"
    assert appendix.attached_to.startswith("Kèm theo Báo cáo số 02/BC-UBND")


def test_h_read_for_ii_opens_the_second_roman_section():
    rows = [("4", "body"), ("nội dung còn lại.", "body"), ("H, DANH MỤC THỦ TỤC", "body"),
            ("Thủ tục thứ nhất.", "body")]
    doc = segment_document(make_doc(rows))
    assert [s.number for s in doc.sections] == [None, "II"]
    assert doc.sections[1].title == "DANH MỤC THỦ TỤC"


def test_a_line_of_specks_is_not_a_paragraph():
    rows = [("°)", "body"), ("Điều 2. Trách nhiệm thi hành", "body")]
    doc = segment_document(make_doc(rows))
    assert [s.number for s in doc.sections] == ["Điều 2"]
    assert doc.sections[0].paragraphs == []


def test_a_second_document_after_the_signature_is_warned_of_and_its_lines_listed():
    second = [
        ("ỦY BAN NHÂN DÂN", "header_left"),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "header_right"),
        ("Số: 15/QĐ-UBND", "header_left"),
        ("QUYẾT ĐỊNH", "body"),
        ("Về việc thành lập Đoàn kiểm tra", "body"),
    ]
    rows = [
        *LETTERHEAD,
        ("I. MỤC ĐÍCH", "body"),
        ("Nâng cao chất lượng công tác văn thư.", "body"),
        ("Nơi nhận:", "signature"),
        ("- Như trên;", "signature"),
        ("KT. CHỦ TỊCH", "signature"),
        ("PHÓ CHỦ TỊCH", "signature"),
        ("Trần Văn Bình", "signature"),
        *second,
    ]
    pages = [1] * (len(rows) - len(second)) + [2] * len(second)
    doc = segment_document(make_doc(rows, page_of=pages))
    [warning] = doc.quality.warnings
    assert warning.startswith("page 2: a second document starts (ỦY BAN NHÂN DÂN)")
    listed = [u.text for u in doc.quality.unplaced_lines]
    assert "QUYẾT ĐỊNH" in listed
    assert "Về việc thành lập Đoàn kiểm tra" in listed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in listed  # a fixed line
    assert doc.signature.name == "Trần Văn Bình"


def test_a_paragraph_cut_by_a_page_break_goes_on_on_the_next_page():
    rows = [
        *LETTERHEAD,
        ("I. TỔ CHỨC THỰC HIỆN", "body"),
        ("Giao Văn phòng phối hợp với", "body"),
        ("", None),  # the page break
        ("2", "body"),
        ("Ủy ban nhân dân các xã theo dõi việc thực hiện.", "body"),
        ("Các đơn vị báo cáo hằng quý.", "body"),
    ]
    pages = [1] * (len(LETTERHEAD) + 2) + [1, 2, 2, 2]
    pages[len(LETTERHEAD) + 2] = 1
    doc = segment_document(make_doc(rows, page_of=pages))
    [section] = doc.sections
    assert section.paragraphs == [
        "Giao Văn phòng phối hợp với Ủy ban nhân dân các xã theo dõi việc thực hiện. "
        "Các đơn vị báo cáo hằng quý."
    ]


def test_a_paragraph_ended_before_a_page_break_is_not_continued_after_it():
    rows = [
        *LETTERHEAD,
        ("I. TỔ CHỨC THỰC HIỆN", "body"),
        ("Giao Văn phòng theo dõi.", "body"),
        ("", None),
        ("Các đơn vị báo cáo hằng quý.", "body"),
    ]
    pages = [1] * (len(LETTERHEAD) + 3) + [2]
    [section] = segment_document(make_doc(rows, page_of=pages)).sections
    assert section.paragraphs == ["Giao Văn phòng theo dõi.", "Các đơn vị báo cáo hằng quý."]


def test_a_merged_heading_over_two_sub_headings_gives_an_appendix_column_for_each():
    from pipeline.segment.appendix.from_cells import rows_from_tables

    cells = [
        Cell(row=0, col=0, row_span=2, text="STT"),
        Cell(row=0, col=1, row_span=2, text="Tên đơn vị"),
        Cell(row=0, col=2, col_span=2, text="Chưa bảo đảm"),
        Cell(row=1, col=2, text="Về thời hạn"),
        Cell(row=1, col=3, text="Về nội dung"),
        Cell(row=2, col=0, text="1"),
        Cell(row=2, col=1, text="Sở Y tế"),
        Cell(row=2, col=2, text="X"),
        Cell(row=2, col=3, text=""),
    ]
    table = Table(n_rows=3, n_cols=4, cells=cells, header_rows=2)
    columns, _ = rows_from_tables([table])
    assert columns == ["STT", "Tên đơn vị", "Chưa bảo đảm Về thời hạn", "Chưa bảo đảm Về nội dung"]

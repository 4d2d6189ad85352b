"""Heading rows of a table (pipeline.table_header): the one decision both stages use."""

from __future__ import annotations

from pipeline.model import Cell, Table
from pipeline.table_header import column_field, is_header_row, leading_header_rows

HEADINGS = ["TT", "Nội dung", "Đơn vị chủ trì", "Thời gian hoàn thành"]


def table(rows: list[list[str]], header_rows: int = 0) -> Table:
    cells = [Cell(row=r, col=c, text=text) for r, texts in enumerate(rows)
             for c, text in enumerate(texts)]
    return Table(n_rows=len(rows), n_cols=len(rows[0]), cells=cells, header_rows=header_rows)


def test_column_headings_name_row_fields():
    assert [column_field(text) for text in HEADINGS] == ["tt", "task", "lead", "deadline"]
    assert column_field("Đơn vị phối hợp") == "coordinate"
    assert column_field("Sản phẩm") == "output"
    assert column_field("Tuyên truyền") is None


def test_the_ocr_stage_counts_a_first_row_above_numbered_rows():
    task = ["1.1", "Tuyên truyền", "Phòng Văn hóa - Xã hội", "Quý II/2026"]
    assert leading_header_rows(table([HEADINGS, task])) == 1
    # Unnamed headings count too: the shape tells them (no vocabulary in the ocr stage).
    assert leading_header_rows(table([["A", "B", "C", "D"], task])) == 1
    # A first row that is itself numbered is a task, and rows without numbers below say nothing.
    assert leading_header_rows(table([task, task])) == 0
    assert leading_header_rows(table([HEADINGS, ["", "Tuyên truyền", "", ""]])) == 0


def test_segment_skips_counted_rows_and_rows_that_name_the_columns():
    task = ["1.1", "Tuyên truyền", "Phòng Văn hóa - Xã hội", "Quý II/2026"]
    counted = table([["A", "B", "C", "D"], task], header_rows=1)
    assert is_header_row(counted, 0, ["A", "B", "C", "D"])
    # A counted top row holding a row number is a task after all.
    assert not is_header_row(counted, 0, task)
    # Headings repeated inside a table (a continuation page, a text input) are found by name.
    plain = table([task, HEADINGS, task])
    assert is_header_row(plain, 1, HEADINGS)
    assert not is_header_row(plain, 2, task)
    # A task mentioning "kết quả" is not a heading: its row has a number.
    assert not is_header_row(plain, 2, ["2", "Báo cáo kết quả", "Sản phẩm", ""])

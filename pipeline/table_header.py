"""Which rows of a ruled table are its column headings, decided in one place.

Two stages ask. The ocr stage, once it has read a table's cells, records how many of its top
rows are headings (`Table.header_rows`, `leading_header_rows`: by their shape, since it has no
vocabulary) and, over a page break, how many the next part repeats (ocr/tables/continuation.py).
The segment stage skips the heading rows when it reads the appendix's tasks (`is_header_row`):
the top rows the ocr stage counted that hold no row number, and any row whose cells name the
columns ("TT", "Nội dung", "Đơn vị chủ trì", …), wherever it stands: a header repeated on a
continuation page, or on a table that came without the ocr stage (a text input, test cells).
`column_field` is the same vocabulary as the segment stage reads a header's columns with.
"""

from __future__ import annotations

import regex

from pipeline.model import Table
from pipeline.text.fold import fold_key

# A row number as the TT column prints it: "1", "1.2", "II", maybe with a full stop.
NUMBER_CELL = regex.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,3}|[IVX]{1,6})\.?$")
# A task or group number in a cell, as the appendix reads it ("1", "1.2", "2.4.").
ROW_NUMBER = regex.compile(r"\d{1,2}(?:\.\d{1,2})*\.?")

# Column headings (folded, lower case) -> the appendix Row's field.
COLUMN_FIELDS = [
    (regex.compile(r"^s?tt$"), "tt"),
    (regex.compile(r"chu tri"), "lead"),
    (regex.compile(r"phoi hop"), "coordinate"),
    (regex.compile(r"ket qua|san pham"), "output"),
    (regex.compile(r"thoi gian|thoi han|tien do|hoan thanh"), "deadline"),
    (regex.compile(r"noi dung|nhiem vu|cong viec|^ten\b"), "task"),
]

def column_field(heading: str) -> str | None:
    """The Row field a column heading names ("Đơn vị chủ trì" -> "lead"), None if none."""
    key = fold_key(heading)
    for pattern, name in COLUMN_FIELDS:
        if pattern.search(key):
            return name
    return None


def leading_header_rows(table: Table) -> int:
    """1 when the first row reads like column headings above numbered rows: every column its own
    cell, none of them a number, and the first column of later rows numbered."""
    first = [c for c in table.cells if c.row == 0]
    if table.n_rows < 2 or len(first) != table.n_cols or any(c.row_span > 1 for c in first):
        return 0
    if any(NUMBER_CELL.match(c.text) for c in first) or sum(bool(c.text) for c in first) < 2:
        return 0
    later = [c for c in table.cells if c.col == 0 and c.row > 0 and c.text]
    return 1 if later and any(NUMBER_CELL.match(c.text) for c in later) else 0


def names_columns(texts: list[str]) -> bool:
    """Column headings: most cells name a column, and none is a row number (a task's text may
    mention "kết quả" or "sản phẩm" too, but its row has a number)."""
    texts = [text for text in texts if text]
    if any(ROW_NUMBER.fullmatch(text) for text in texts):
        return False
    named = [text for text in texts if column_field(text)]
    return len(named) >= 2 and 2 * len(named) >= len(texts)


def is_header_row(table: Table, row: int, texts: list[str]) -> bool:
    """Whether row `row` of `table`, its cells reading `texts`, is a row of column headings:
    one of the top rows the ocr stage counted as such, unless it holds a row number, or a row
    whose cells name the columns."""
    numbered = any(ROW_NUMBER.fullmatch(text) for text in texts)
    return (row < table.header_rows and not numbered) or names_columns(texts)

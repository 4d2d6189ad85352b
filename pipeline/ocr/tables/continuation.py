"""Tables that run over a page break, and a table's rows as text lines.

A page's first table continues the previous page's last one when nothing but a page number
separates them from the page edges and they have the same columns; a repeated header row is
recognised by its texts.
"""

from __future__ import annotations

import regex
from rapidfuzz import fuzz

from pipeline.model import Box, Cell, Line, Page, Table

PAGE_NUMBER = regex.compile(r"^\W*\d{1,4}\W*$")
# A table ends its page when its bottom is below 60% of the page's height, and starts the next
# one when its top is above 40%: (what is between it and the edge was checked to be empty).
ENDS_PAGE_FROM = 0.6
STARTS_PAGE_BY = 0.4
COLUMN_SLACK = 0.08  # column borders at the same fractions of the table's width, within this
HEADER_MATCH = 80  # rapidfuzz ratio of the first row's texts to the previous header's


def row_texts(table: Table) -> list[str]:
    """One text line per table row: its cells' texts left to right, joined by spaces (the gold
    convention of pipeline.synth); a cell spanning rows is given with its first row."""
    rows: list[list[Cell]] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    return [" ".join(c.text for c in sorted(row, key=lambda c: c.col) if c.text) for row in rows]


def link_continued_tables(pages: list[Page]) -> None:
    """Marks a page's first table `continued` when it carries on the previous page's last table,
    and sets its `header_rows` to the header rows it repeats. Call it with the pages of one
    document (any order) once their tables, and if possible their other lines, are in; a gap in
    the page numbers breaks the chain."""
    ordered = sorted(pages, key=lambda page: page.number)
    heads: dict[int, Table] = {}  # id of a table part -> the first part of its table
    for previous, page in zip(ordered, ordered[1:], strict=False):
        if page.number != previous.number + 1 or not previous.tables or not page.tables:
            continue
        before, after = previous.tables[-1], page.tables[0]
        if not _continues(previous, before, page, after):
            continue
        head = heads.get(id(before), before)
        heads[id(after)] = head
        after.continued = True
        after.header_rows = _repeated_header_rows(head, after)


def _continues(previous: Page, before: Table, page: Page, after: Table) -> bool:
    if before.n_cols != after.n_cols or before.box is None or after.box is None:
        return False
    if not _same_columns(before, after):
        return False
    return _ends_page(previous, before) and _starts_page(page, after)


def _ends_page(page: Page, table: Table) -> bool:
    bottom = table.box.top + table.box.height
    below = [line for line in _free_lines(page) if line.box.top >= bottom]
    if below:
        return False
    return page.height is None or bottom >= page.height * ENDS_PAGE_FROM


def _starts_page(page: Page, table: Table) -> bool:
    above = [line for line in _free_lines(page)
             if line.box.top + line.box.height <= table.box.top]
    if above:
        return False
    return page.height is None or table.box.top <= page.height * STARTS_PAGE_BY


def _free_lines(page: Page) -> list[Line]:
    """Lines with text outside every table of the page, page numbers left out."""
    out = []
    for line in page.lines:
        if line.box is None or not line.text.strip() or PAGE_NUMBER.match(line.text):
            continue
        if any(_inside(line.box, table.box) for table in page.tables if table.box):
            continue
        out.append(line)
    return out


def _inside(inner: Box, outer: Box) -> bool:
    cx = inner.left + inner.width / 2
    cy = inner.top + inner.height / 2
    return (outer.left <= cx <= outer.left + outer.width
            and outer.top <= cy <= outer.top + outer.height)


def _same_columns(before: Table, after: Table) -> bool:
    """Column borders at the same fractions of the table width (within COLUMN_SLACK), when known."""
    a, b = _column_fractions(before), _column_fractions(after)
    if a is None or b is None:
        return True
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= COLUMN_SLACK


def _column_fractions(table: Table) -> list[float] | None:
    edges: dict[int, int] = {}
    for cell in table.cells:
        if cell.col_span == 1 and cell.box is not None:
            edges.setdefault(cell.col, cell.box.left)
    if len(edges) != table.n_cols or table.box is None or table.box.width <= 0:
        return None
    return [(edges[col] - table.box.left) / table.box.width for col in range(table.n_cols)]


def _repeated_header_rows(head: Table, part: Table) -> int:
    """How many of `part`'s first rows repeat `head`'s header rows. When the header was not
    recognised on the first page, a first row printed again on the next page is one."""
    rows = max(head.header_rows, 1)
    for row in range(rows):
        expected = _row_text(head, row)
        if not expected or fuzz.ratio(expected, _row_text(part, row)) < HEADER_MATCH:
            return 0
    head.header_rows = rows
    return rows


def _row_text(table: Table, row: int) -> str:
    cells = sorted((c for c in table.cells if c.row == row), key=lambda c: c.col)
    return " ".join(c.text for c in cells).casefold()

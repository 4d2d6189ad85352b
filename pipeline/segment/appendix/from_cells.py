"""Task rows from a table given as cells: the ocr stage's (`Page.tables`), or a table it wrote
as text lines "cell | cell | …" (a text input made from our own output).

Header rows are the ones pipeline.table_header decides; group rows are a number and a heading
spanning the table; a task row's cells go to the fields its column headings name (in the usual
order when there are none); a row with no number continues the row above across a page break.
"""

from __future__ import annotations

import regex as re

from pipeline.model import Cell, Group, Row, Table
from pipeline.segment.patterns import clean_line, join_lines
from pipeline.table_header import column_field, is_header_row

_DEFAULT_FIELDS = ["tt", "task", "lead", "coordinate", "output", "deadline"]
_PIPE_ROW_MIN_CELLS = 4


def _cell_text(cell: Cell) -> str:
    return clean_line(cell.restored if cell.restored is not None else cell.text)


def _table_rows(table: Table) -> list[list[tuple[Cell, str]]]:
    by_row: dict[int, list[tuple[Cell, str]]] = {}
    for cell in table.cells:
        by_row.setdefault(cell.row, []).append((cell, _cell_text(cell)))
    return [sorted(by_row[r], key=lambda pair: pair[0].col) for r in sorted(by_row)]


def _split_columns(
    heading: list[tuple[Cell, str]], under: list[tuple[Cell, str]]
) -> list[str]:
    """The column headings of a two-row heading: a merged heading over sub-headings gives one
    column for each ("BÁO CÁO KHÔNG ĐẢM BẢO" over "VỀ THỜI HẠN" | "VỀ NỘI DUNG"); the others
    stay as they are."""
    columns: list[str] = []
    for cell, text in heading:
        subs = [t for c, t in under if cell.col <= c.col < cell.col + cell.col_span and t]
        if cell.col_span > 1 and len(subs) > 1:
            columns += [join_lines([text, sub]) for sub in subs]
        else:
            columns.append(join_lines([text, *subs]) if subs and cell.col_span > 1 else text)
    return columns


def rows_from_tables(tables: list[Table]) -> tuple[list[str], list[Group]]:
    """The column headings and the groups of task rows of a table given as cells (its parts
    over page breaks in order): heading rows (pipeline.table_header) are skipped after the
    first gives the columns; a row with a number and a heading spanning the table opens a
    group; a row with no number goes on with the row above (broken over a page)."""
    columns: list[str] = []
    fields: dict[int, str] = {}
    groups: list[Group] = []
    last_row: Row | None = None
    heading_cells: list[tuple[Cell, str]] = []
    for table in tables:
        for row in _table_rows(table):
            if is_header_row(table, row[0][0].row, [text for _, text in row]):
                if not columns:
                    columns = [text for _, text in row]
                    fields = {cell.col: column_field(text) or "" for cell, text in row}
                    heading_cells = row
                elif not groups and table is tables[0]:
                    # a second heading row under merged headings: one column per sub-heading
                    columns = _split_columns(heading_cells, row)
                continue  # a header repeated on a continuation page
            values = _row_values(row, fields)
            tt = values.get("tt") or ""
            filled = [text for _, text in row if text]
            spans_table = any(cell.col_span > 1 for cell, _ in row)
            if re.fullmatch(r"\d{1,2}\.?", tt) and (spans_table or len(filled) <= 2):
                title = join_lines([t for c, t in row if fields.get(c.col) != "tt" and t])
                groups.append(Group(number=tt.rstrip("."), title=title or None))
                last_row = None
                continue
            if not tt and last_row is not None:
                _extend_row(last_row, values)  # a row broken over two pages
                continue
            if not filled:
                continue
            if not groups:
                groups.append(Group())
            last_row = Row(**{k: v or None for k, v in values.items() if k in Row.model_fields})
            groups[-1].rows.append(last_row)
    return columns, groups


def _row_values(row: list[tuple[Cell, str]], fields: dict[int, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for position, (cell, text) in enumerate(row):
        name = fields.get(cell.col) if fields else None
        if not name:
            name = _DEFAULT_FIELDS[position] if position < len(_DEFAULT_FIELDS) else ""
        if name and text:
            values[name] = join_lines([values.get(name, ""), text])
    return values


def _extend_row(row: Row, values: dict[str, str]) -> None:
    for name, text in values.items():
        if name in Row.model_fields and text:
            setattr(row, name, join_lines([getattr(row, name) or "", text]))


def pipe_table(lines: list[str]) -> Table | None:
    """A table the ocr stage wrote as text, one row per line, "cell | cell | …" (a text input
    made from our own OCR output): its rows as cells, when most lines are such rows."""
    rows = [line.split(" | ") for line in lines if line]
    if not rows or len(rows[0]) < _PIPE_ROW_MIN_CELLS:
        return None  # the ocr stage writes the column headings as a row like the others
    if 2 * sum(1 for cells in rows if len(cells) >= _PIPE_ROW_MIN_CELLS) < len(rows):
        return None
    cells = [
        Cell(row=r, col=c, text=text.strip())
        for r, texts in enumerate(rows)
        for c, text in enumerate(texts)
    ]
    return Table(n_rows=len(rows), n_cols=max(len(r) for r in rows), cells=cells)

"""Ruled tables inside the body: the ocr stage's tables (`Page.tables`) as `SectionTable`s.

The ocr stage marks the text lines it built from a table's rows with the layout block
"table" (one line a row, "cell | cell | …"). A run of such lines in the body, blank lines
allowed between them, is one table: the page's tables are matched to its runs in order (a
page's tables are read top to bottom, and so are its lines). When the counts do not agree the
run's own lines are split at " | " instead, so the text is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.model import Cell, SectionTable, Table
from pipeline.segment.patterns import clean_line, join_lines
from pipeline.table_header import is_header_row

__all__ = ["BodyTable", "find_body_tables", "section_table"]

_CELL_SEPARATOR = " | "
# A column heading is a few words; a cell longer than this is a row's text.
_HEADING_MAX_WORDS = 15
_HAS_WORD = re.compile(r"[\p{L}\p{N}]")
_NUMBER = re.compile(r"[\dIVXivx]{1,4}[.)]?")
# Rule residue OCR reads at a cell's edges.
_RULE_RESIDUE = " |_"


@dataclass
class BodyTable:
    """A table standing in the body: the text lines it covers (first and last, relative to the
    lines given) and its content."""

    first: int
    last: int
    table: SectionTable
    continued: bool = False  # the part of a table begun on the page before


def table_runs(blocks: list[str | None], lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) of each run of "table" lines; blank lines inside a run belong to it."""
    runs: list[tuple[int, int]] = []
    start = last = None
    for index, (block, line) in enumerate(zip(blocks, lines, strict=True)):
        if block == "table" and line.strip():
            if start is None:
                start = index
            last = index
        elif line.strip() and start is not None:
            runs.append((start, last))
            start = last = None
    if start is not None and last is not None:
        runs.append((start, last))
    return runs


def find_body_tables(
    lines: list[str],
    blocks: list[str | None],
    pages: list[int | None],
    tables_by_page: dict[int, list[Table]],
) -> list[BodyTable]:
    """The tables among `lines` (their blocks and pages alongside), each as a SectionTable."""
    runs = table_runs(blocks, lines)
    runs_by_page: dict[int | None, list[tuple[int, int]]] = {}
    for run in runs:
        runs_by_page.setdefault(pages[run[0]], []).append(run)
    found: list[BodyTable] = []
    for page, page_runs in runs_by_page.items():
        page_tables = sorted(
            tables_by_page.get(page, []) if page is not None else [],
            key=lambda t: t.box.top if t.box is not None else 0,
        )
        use_cells = len(page_tables) == len(page_runs)
        for position, (first, last) in enumerate(page_runs):
            if use_cells:
                cells = page_tables[position]
                found.append(BodyTable(first, last, section_table(cells), cells.continued))
            else:
                from_text = _table_from_text(lines[first : last + 1], page)
                found.append(BodyTable(first, last, from_text))
    return sorted(found, key=lambda t: t.first)


def section_table(table: Table) -> SectionTable:
    """Columns from the heading rows (a column's heading texts top to bottom, joined), rows
    from the others, each cell's (restored) text in its first column; merged cells are
    written once, in their top-left place."""
    grid: dict[int, dict[int, str]] = {}
    for cell in table.cells:
        grid.setdefault(cell.row, {})[cell.col] = _cell_text(cell)
    width = table.n_cols
    heading_texts: list[list[str]] = [[] for _ in range(width)]
    rows: list[list[str]] = []
    for row in sorted(grid):
        texts = [grid[row].get(col, "") for col in range(width)]
        if not rows and _is_heading_row(table, row, texts):
            for col, text in enumerate(texts):
                if text and text not in heading_texts[col]:
                    heading_texts[col].append(text)
            continue
        if any(texts):
            rows.append(texts)
    columns = [join_lines(parts) for parts in heading_texts]
    return SectionTable(
        columns=columns if any(columns) else [], rows=rows, page=table.page
    )


def _is_heading_row(table: Table, row: int, texts: list[str]) -> bool:
    """A row of column headings, its cells short as headings are (a row of a table continued
    from the page before is text): one pipeline.table_header names so, or a first row whose
    every cell holds a few words and no number, above other rows."""
    if not all(len(text.split()) <= _HEADING_MAX_WORDS for text in texts):
        return False
    first_of_several = row == 0 and table.n_rows > 1
    names_each_column = all(text and not _NUMBER.fullmatch(text) for text in texts)
    return is_header_row(table, row, texts) or (first_of_several and names_each_column)


def _cell_text(cell: Cell) -> str:
    """The cell's (restored) text; a cell holding only rule residue ("|", "_") is empty."""
    return _clean_cell(cell.restored if cell.restored is not None else cell.text)


def _clean_cell(text: str) -> str:
    text = clean_line(text).strip(_RULE_RESIDUE)
    return text if _HAS_WORD.search(text) else ""


def _table_from_text(lines: list[str], page: int | None) -> SectionTable:
    rows = [
        [_clean_cell(part) for part in line.split(_CELL_SEPARATOR.strip())]
        for line in lines
        if line.strip()
    ]
    width = max((len(row) for row in rows), default=0)
    return SectionTable(rows=[row + [""] * (width - len(row)) for row in rows], page=page)

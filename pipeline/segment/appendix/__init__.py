"""Appendices: "Phụ lục" line, title, "(Ban hành kèm theo …)", and the task table.

The table comes, best first, from:
1. the ocr stage's cells (`Page.tables`) or text rows it wrote as "cell | cell | …" (a text
   input made from our output): from_cells.py, its header rows decided by pipeline.table_header;
2. plain OCR text: from_text.py, rows found by their numbers, a row's cells read one after
   another or across the page (interleaved.py), garbled cells read against the table's other
   rows (attested.py).
Agencies and deadlines found in text are given in the lexicon's spelling (cell_words.py;
dictionaries/vi_admin_terms.txt, fuzzy for OCR noise: segment/fuzzy.py). Nothing is filled
from guesswork: what is not recognised stays null.
"""

from __future__ import annotations

from pipeline.model import Appendix, Table
from pipeline.segment.appendix.from_cells import pipe_table, rows_from_tables
from pipeline.segment.appendix.from_text import (
    HEADER_START,
    rows_from_text,
    text_columns,
    without_repeats,
)
from pipeline.segment.patterns import APPENDIX_HEADING, is_upper_text, join_lines
from pipeline.text.fold import fold

_TITLE_MAX_LINES = 4
_ATTACHED_MAX_LINES = 4


def is_appendix_heading(line: str) -> bool:
    found = APPENDIX_HEADING.match(fold(line))
    if not found:
        return False
    rest = line[found.start("rest") :].strip()
    return not rest or is_upper_text(rest, min_letters=3, ratio=0.7)


def find_appendix_starts(lines: list[str], start: int) -> list[int]:
    return [i for i in range(start, len(lines)) if is_appendix_heading(lines[i])]


# --- title and attached_to ---------------------------------------------------------------------


def _title(lines: list[str]) -> tuple[str | None, int]:
    heading = APPENDIX_HEADING.match(fold(lines[0]))
    assert heading is not None
    parts = [lines[0][heading.start("rest") :].strip()]
    index = 1
    while index < len(lines) and not lines[index]:
        index += 1
    while index < len(lines) and len(parts) < _TITLE_MAX_LINES + 1:
        line = lines[index]
        if not line or line.startswith("(") or HEADER_START.match(fold(line)):
            break
        parts.append(line)
        index += 1
    return (join_lines(parts) or None), index


def _attached_to(lines: list[str], start: int) -> tuple[str | None, int]:
    index = start
    while index < len(lines) and not lines[index]:
        index += 1
    if index >= len(lines) or not lines[index].startswith("("):
        return None, start
    parts: list[str] = []
    while index < len(lines) and len(parts) < _ATTACHED_MAX_LINES:
        if lines[index]:
            parts.append(lines[index])
            if ")" in lines[index]:
                index += 1
                break
        index += 1
    # As written inside the parentheses ("Ban hành kèm theo Kế hoạch số …"): the verb tells
    # how the appendix belongs to the document.
    return join_lines(parts).strip("() ") or None, index


def parse_appendix(lines: list[str], tables: list[Table]) -> Appendix:
    """One appendix from its lines (the first is the "Phụ lục" line) and its tables, if any."""
    title, index = _title(lines)
    attached_to, index = _attached_to(lines, index)
    pipe = None if tables else pipe_table(lines[index:])
    if tables or pipe:
        columns, groups = rows_from_tables(tables or [pipe])
    else:
        columns, after = text_columns(lines, index)
        heading_lines = [line for line in lines[index:after] if line]
        groups = rows_from_text(without_repeats(lines[after:], heading_lines))
    return Appendix(title=title, attached_to=attached_to, columns=columns, groups=groups)

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

import regex as re

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
# "(Kèm theo Báo cáo số …)", "(Ban hành kèm theo Quyết định …)": what an attached list says of
# itself under its title (Decree 30/2020/NĐ-CP, annexes and lists sent with a document).
_ATTACHED_LINE = re.compile(r"^\(\s*(?:ban hanh\s+)?kem theo\b", re.IGNORECASE)


def is_appendix_heading(line: str) -> bool:
    found = APPENDIX_HEADING.match(fold(line))
    if not found:
        return False
    rest = line[found.start("rest") :].strip()
    return not rest or is_upper_text(rest, min_letters=3, ratio=0.7)


def find_appendix_starts(lines: list[str], start: int) -> list[int]:
    """Each "Phụ lục" line, and each title of an attached list without one: upper-case lines
    right above a "(Kèm theo …)" line ("DANH SÁCH …" over its table)."""
    headings = [i for i in range(start, len(lines)) if is_appendix_heading(lines[i])]
    titled = [
        i for i in (_attached_title_start(lines, j, start) for j in range(start, len(lines)))
        if i is not None and not any(h <= i <= h + _TITLE_MAX_LINES + 1 for h in headings)
    ]
    return sorted(set(headings) | set(titled))


def _attached_title_start(lines: list[str], index: int, start: int) -> int | None:
    """The first of the upper-case lines right above line `index` when it is a "(Kèm theo
    …)" line (blank lines between allowed), else None."""
    if not _ATTACHED_LINE.match(fold(lines[index]).lower()):
        return None
    above = index - 1
    while above >= start and not lines[above]:
        above -= 1
    first = None
    while (above >= start and lines[above] and is_upper_text(lines[above], min_letters=4)
           and index - above <= _TITLE_MAX_LINES + 1):
        first = above
        above -= 1
    return first


# --- title and attached_to ---------------------------------------------------------------------


def _title(lines: list[str]) -> tuple[str | None, int]:
    heading = APPENDIX_HEADING.match(fold(lines[0]))
    # an attached list's title line has no "Phụ lục" word: all of it is title
    parts = [lines[0][heading.start("rest") :].strip() if heading else lines[0].strip()]
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

"""Appendices: "Phụ lục" line, title, "(Ban hành kèm theo …)", and the task table.

The table comes from the ocr stage's cells when it found a grid; otherwise from the page text,
where OCR read the table row by row across its columns. From text (v1):
- anchors are the row numbers: group numbers ("1", "1 |…") and task numbers ("1.1", "1.1 |…"),
  each accepted only as the next number in order, which also lets the order recover numbers
  whose dot OCR lost ("14 |" for "1.4" after "1.3", "2 4 |" for "2.4" after "2.3");
- OCR puts a row's number near the middle of its cell, so the boundary between two rows is
  taken at the sentence end ("." line) nearest the midpoint between their anchors;
- "|" in a line is a column border: the text before it is the task; an agency name right after
  one is the lead ("Phòng …", "UBND …"), a deadline word at the line's end is the deadline.
Nothing is filled from guesswork: what is not recognised stays null.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.model import Appendix, Cell, Group, Row, Table
from pipeline.segment.patterns import (
    APPENDIX_HEADING,
    clean_line,
    fold,
    fold_key,
    is_upper_text,
    join_lines,
)

_TITLE_MAX_LINES = 4
_ATTACHED_MAX_LINES = 4
_HEADER_CELL_MAX_WORDS = 5
_LEAD_MAX_WORDS = 6

# Column headings (folded, lower case) -> Row field.
_COLUMN_FIELDS = [
    (re.compile(r"^s?tt$"), "tt"),
    (re.compile(r"chu tri"), "lead"),
    (re.compile(r"phoi hop"), "coordinate"),
    (re.compile(r"ket qua|san pham"), "output"),
    (re.compile(r"thoi gian|thoi han|tien do|hoan thanh"), "deadline"),
    (re.compile(r"noi dung|nhiem vu|cong viec|^ten\b"), "task"),
]
_DEFAULT_FIELDS = ["tt", "task", "lead", "coordinate", "output", "deadline"]
# Where one column heading starts inside a one-line header ("TT Nội dung Đơn vị chủ trì …").
_COLUMN_STARTS = re.compile(
    r"(?i)\b(?:s?tt|noi dung|ten nhiem vu|nhiem vu|(?:co quan |don vi )?chu tri"
    r"|(?:co quan |don vi )?phoi hop|ket qua|san pham|thoi gian|thoi han|tien do|ghi chu"
    r"|kinh phi)\b"
)
_ATTACHED = re.compile(r"(?i)k\w{1,2}m\s+th\w{1,2}o\s*")
_HEADER_START = re.compile(r"^(?i:s?tt)\b")

_ROW = re.compile(r"^(?P<g>\d{1,2})\s?[.,]\s?(?P<r>\d{1,2})\.?(?=\s|\||$)")
_ROW_SPACED = re.compile(r"^(?P<g>\d)\s(?P<r>\d)\s*(?=\|)")
_ROW_GLUED = re.compile(r"^(?P<g>\d)(?P<r>\d)\s*(?=\|)")
_GROUP = re.compile(r"^(?P<g>\d{1,2})\.?\s*(?=\||$|[^\W\d_])")
# A sentence end, maybe followed by a couple of short bits of the columns to its right.
_CELL_END = re.compile(r"\.[\"”)']?(?:\s+\S{1,5}){0,3}\s*$")
_ANCHOR_PREFIX = re.compile(r"^[\d.,\s]*\|?\s*")

_AGENCY = (
    r"(?:Ph\w{1,2}ng|V\w{1,2}n\s+ph\w{1,2}ng|Ban|\w{1,2}y\s+ban|UBND|Trung\s+t\w{1,2}m"
    r"|C\w{1,2}ng\s+an|D\w{1,2}ng\s+\w{1,2}y|H\w{1,2}i|Do\w{1,2}n|C\w{1,2}c\s+ph\w{1,2}ng)\b"
)
_LEAD_AFTER_BORDER = re.compile(r"\|\s*(?P<lead>" + _AGENCY + r"[^|]*)")
_DEADLINE = re.compile(
    r"(?i)(?P<dl>h\w{1,2}ng\s*(?:n\w{1,2}m|th\w{1,2}ng|qu\w|tu\w{1,2}n)"
    r"|th\w{1,3}ng\s+xuy\w{1,2}n|qu\w\s+[IVX1l|]{1,4}\s*/\s*\d{4}"
    r"|th\w{1,2}ng\s+\d{1,2}\s*/\s*\d{4}|n\w{1,2}m\s+\d{4}|\d{1,2}/\d{1,2}/\d{4})\s*$"
)


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
        if not line or line.startswith("(") or _HEADER_START.match(fold(line)):
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
    text = join_lines(parts).strip("() ")
    found = _ATTACHED.search(fold(text))
    return (text[found.end() :].strip() if found else text) or None, index


# --- columns --------------------------------------------------------------------------------


def _field_of(heading: str) -> str | None:
    key = fold_key(heading)
    for pattern, name in _COLUMN_FIELDS:
        if pattern.search(key):
            return name
    return None


def _split_header_line(line: str) -> list[str]:
    folded = fold(line)
    starts = [
        m.start()
        for m in _COLUMN_STARTS.finditer(folded)
        if m.start() == 0 or folded[m.start() - 1] != "/"
    ]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts, len(line)]
    cells = [line[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    return [cell for cell in cells if cell]


def _text_columns(lines: list[str], start: int) -> tuple[list[str], int]:
    """Column headings as OCR gave them: one line ("TT Nội dung …"), or one short block per
    heading, blank lines between (how OCR reads a header row of wrapped cells)."""
    index = start
    while index < len(lines) and not lines[index]:
        index += 1
    if index >= len(lines) or not _HEADER_START.match(fold(lines[index])):
        return [], start
    if len(lines[index].split()) > 1:
        return _split_header_line(lines[index]), index + 1
    columns: list[list[str]] = [[]]
    while index < len(lines):
        line = lines[index]
        if not line:
            if columns[-1]:
                columns.append([])
            index += 1
            continue
        if len(line.split()) > _HEADER_CELL_MAX_WORDS or _anchor_like(line):
            break
        columns[-1].append(line)
        index += 1
    return [join_lines(c) for c in columns if c], index


def _anchor_like(line: str) -> bool:
    return bool(_ROW.match(line) or _GROUP.match(line.strip()) and line.strip()[:1].isdigit())


# --- rows from text -----------------------------------------------------------------------------


@dataclass
class _Anchor:
    position: int  # index among the non-blank lines
    kind: str  # "group" or "row"
    number: str


def _find_anchors(texts: list[str]) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    group = 0
    row = 0
    for position, text in enumerate(texts):
        folded = fold(text).strip()
        found = _ROW.match(folded)
        if found and _row_in_order(int(found["g"]), int(found["r"]), group, row, loose=True):
            group, row = int(found["g"]), int(found["r"])
            anchors.append(_Anchor(position, "row", f"{group}.{row}"))
            continue
        found = _ROW_SPACED.match(folded) or _ROW_GLUED.match(folded)
        if found and _row_in_order(int(found["g"]), int(found["r"]), group, row, loose=False):
            row = int(found["r"])
            anchors.append(_Anchor(position, "row", f"{group}.{row}"))
            continue
        found = _GROUP.match(folded)
        if found and int(found["g"]) == group + 1:
            group, row = group + 1, 0
            anchors.append(_Anchor(position, "group", str(group)))
    return anchors


def _row_in_order(g: int, r: int, group: int, row: int, loose: bool) -> bool:
    if g == group and row < r <= row + (2 if loose else 1):
        return True
    # a group whose heading OCR lost: its first task row opens it
    return loose and g == group + 1 and r == 1


def _ends_cell(text: str) -> bool:
    return bool(_CELL_END.search(text.split("|")[0]))


def _extents(anchors: list[_Anchor], texts: list[str]) -> list[tuple[int, int]]:
    """Lines [start, end] of each anchor's row. OCR puts a row's number near the middle of its
    cell, so the boundary between two anchors is near the midpoint between them; a cell's text
    ends a sentence, so of the lines ending in "." the one nearest that midpoint is taken
    (group headings are short: the one next to the group's number)."""
    spans = []
    start = 0
    for k, anchor in enumerate(anchors):
        if k + 1 == len(anchors):
            spans.append((start, len(texts) - 1))
            break
        following = anchors[k + 1].position
        middle = (anchor.position + following - 1) / 2
        ends = [i for i in range(anchor.position, following) if _ends_cell(texts[i])]
        if not ends:
            end = int(middle)
        elif anchor.kind == "group":
            end = ends[0]  # a group heading is short: it ends at its first sentence end
        elif anchors[k + 1].kind == "group":
            end = ends[-1]  # and starts just above its number
        else:
            end = min(ends, key=lambda i: abs(i - middle))
        spans.append((start, end))
        start = end + 1
    return spans


def _cell_parts(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(task, lead, deadline) from a row's lines."""
    task_parts: list[str] = []
    lead = deadline = None
    for line in lines:
        found = _DEADLINE.search(fold(line))
        if found and deadline is None and found.start() > 0:
            deadline = line[found.start("dl") : found.end("dl")]
            line = line[: found.start()]
        lead_found = _LEAD_AFTER_BORDER.search(fold(line))
        if lead_found and lead is None:
            candidate = line[lead_found.start("lead") : lead_found.end("lead")].strip(" -")
            if len(candidate.split()) <= _LEAD_MAX_WORDS:
                lead = candidate
        task_parts.append(line.split("|")[0] if "|" in line[1:] else line)
    return join_lines(task_parts) or None, lead, deadline


def _rows_from_text(lines: list[str]) -> list[Group]:
    texts = [line for line in lines if line]
    anchors = _find_anchors(texts)
    if not anchors:
        return []
    two_level = any(a.kind == "row" for a in anchors)
    groups: list[Group] = [] if two_level else [Group()]
    for anchor, (start, end) in zip(anchors, _extents(anchors, texts), strict=True):
        row_lines = texts[start : end + 1]
        offset = anchor.position - start
        row_lines[offset] = _ANCHOR_PREFIX.sub("", row_lines[offset], count=1)
        if anchor.kind == "group" and two_level:
            groups.append(Group(number=anchor.number, title=join_lines(row_lines) or None))
            continue
        task, lead, deadline = _cell_parts(row_lines)
        if not groups:
            groups.append(Group())
        groups[-1].rows.append(Row(tt=anchor.number, task=task, lead=lead, deadline=deadline))
    return groups


# --- rows from cells ------------------------------------------------------------------------------


def _cell_text(cell: Cell) -> str:
    return clean_line(cell.restored if cell.restored is not None else cell.text)


def _table_rows(table: Table) -> list[list[tuple[Cell, str]]]:
    by_row: dict[int, list[tuple[Cell, str]]] = {}
    for cell in table.cells:
        by_row.setdefault(cell.row, []).append((cell, _cell_text(cell)))
    return [sorted(by_row[r], key=lambda pair: pair[0].col) for r in sorted(by_row)]


def _is_header_row(row: list[tuple[Cell, str]]) -> bool:
    named = [text for _, text in row if text and _field_of(text)]
    return len(named) >= 2


def _rows_from_tables(tables: list[Table]) -> tuple[list[str], list[Group]]:
    columns: list[str] = []
    fields: dict[int, str] = {}
    groups: list[Group] = []
    last_row: Row | None = None
    for table in tables:
        for row in _table_rows(table):
            if _is_header_row(row):
                if not columns:
                    columns = [text for _, text in row]
                    fields = {cell.col: _field_of(text) or "" for cell, text in row}
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


# --- the appendix -----------------------------------------------------------------------------


def parse_appendix(lines: list[str], tables: list[Table]) -> Appendix:
    """One appendix from its lines (the first is the "Phụ lục" line) and its tables, if any."""
    title, index = _title(lines)
    attached_to, index = _attached_to(lines, index)
    if tables:
        columns, groups = _rows_from_tables(tables)
    else:
        columns, index = _text_columns(lines, index)
        groups = _rows_from_text(lines[index:])
    return Appendix(title=title, attached_to=attached_to, columns=columns, groups=groups)

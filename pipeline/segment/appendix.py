"""Appendices: "Phụ lục" line, title, "(Ban hành kèm theo …)", and the task table.

The table comes, best first, from:
1. the ocr stage's cells (`Page.tables`): header rows (`Table.header_rows`, or rows whose cells
   name columns), group rows ("1" + a heading spanning the table), task rows; a row with no
   number continues the row above across a page break; repeated headers are skipped;
2. text rows the ocr stage wrote as "cell | cell | …" (a text input made from our output);
3. plain OCR text. Anchors are the row numbers: group numbers ("1", "1 |…") and task numbers
   ("1.1"), each accepted only as the next number in order, which also recovers numbers whose
   dot OCR lost ("14 |" for "1.4" after "1.3", "2 4 |" for "2.4"). Two layouts:
   - cells read one after another (the number alone on its line, then each cell over a few
     lines): the task, then the lead from the first line opening with an agency, its name
     followed over the lines it wraps onto; the deadline in the last line or two;
   - rows read across the page, cells interleaved line by line (English-model OCR of a
     table): OCR puts a row's number near the middle of its cell, so rows are cut at the
     sentence end nearest the midpoint between anchors; within a row, each column's cell is
     found by the words that open it (lexicon agencies for the lead and the coordinating body,
     "Các …" bodies, document kinds for the output: dictionaries/vi_admin_terms.txt, fuzzy
     for OCR noise) and its later lines by position (columns.py), deadline words at a line's
     end (or split over two line ends) the deadline.
Agencies and deadlines found in text are given in the lexicon's spelling. A row read across
whose lead or coordinating cell OCR garbled past reading is read again once the table is, against
the names that column has in the table's other rows only (`_from_other_rows`). Nothing is filled
from guesswork: what is not recognised stays null.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import regex as re
from rapidfuzz import fuzz

from pipeline.model import Appendix, Cell, Group, Row, Table
from pipeline.segment.columns import Cells, cell_areas, cell_span, interleaved_cells
from pipeline.segment.patterns import (
    ADMIN_LEVELS,
    APPENDIX_HEADING,
    clean_line,
    is_upper_text,
    join_lines,
)
from pipeline.segment.vocabulary import (
    Found,
    attested_value,
    find_agencies,
    find_continuation,
    find_deadlines,
    remaining_words,
    wrapped_name,
)
from pipeline.text.fold import fold, fold_key

_TITLE_MAX_LINES = 4
_ATTACHED_MAX_LINES = 4
_HEADER_CELL_MAX_WORDS = 5
# Fragments of the columns right of the task start past this share of a typical line's length.
_COLUMN_AT = 0.8
_CELL_LINE_MAX_WORDS = 8
_PIPE_ROW_MIN_CELLS = 4
_NAME_END_MAX_WORDS = 3
_WRAP_MAX_LINES = 3  # lines an agency name may wrap over in its cell
_WRAP_SIMILARITY = 75

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
    r"|kinh phi|co quan|don vi)\b"
)
_HEADER_START = re.compile(r"^(?i:s?tt)\b")
_ROW_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?")

_ROW = re.compile(r"^(?!0)(?P<g>\d{1,2})\s?[.,]\s?(?P<r>\d{1,2})\.?(?=\s|\||$)")
_ROW_SPACED = re.compile(r"^(?P<g>\d)\s(?P<r>\d)\s*(?=\|)")
_ROW_GLUED = re.compile(r"^(?P<g>\d)(?P<r>\d)\s*(?=\|)")
# (no leading zero: "03 cầu", "04 lớp" are quantities in a cell, not row numbers)
_GROUP = re.compile(r"^(?!0)(?P<g>\d{1,2})\.?\s*(?=\||$|[^\W\d_])")
# A sentence end, maybe followed by a couple of short bits of the columns to its right.
_CELL_END = re.compile(r"\.[\"”)']?(?:\s+\S{1,5}){0,3}\s*$")
_ANCHOR_PREFIX = re.compile(r"^[\d.,\s]*\|?\s*")



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
    # As written inside the parentheses ("Ban hành kèm theo Kế hoạch số …"): the verb tells
    # how the appendix belongs to the document.
    return join_lines(parts).strip("() ") or None, index


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
        # one heading per line when they come without blank lines: a line that starts a
        # column's name opens the next heading, any other line wraps the one before
        heading = join_lines(columns[-1])
        complete = _field_of(heading) is not None and not heading.endswith(("/", "-"))
        if columns[-1] and complete and _COLUMN_STARTS.match(fold(line)):
            columns.append([])
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


def _page_numbers(texts: list[str]) -> set[int]:
    """Lines that are a page's number where the table broke over the page: a lone number
    followed by a row of an earlier group ("4" then "3.2"), not a group."""
    numbers = [(i, t.strip(" |.")) for i, t in enumerate(texts) if _ROW_NUMBER.fullmatch(t.strip())]
    found = set()
    for (here, number), (_, following) in zip(numbers, numbers[1:], strict=False):
        if number.isdigit() and "." in following and int(following.split(".")[0]) < int(number):
            found.add(here)
    return found


def _numbers_on_own_lines(anchors: list[_Anchor], texts: list[str]) -> bool:
    alone = [a for a in anchors if _ROW_NUMBER.fullmatch(texts[a.position].strip(" |"))]
    return 2 * len(alone) > len(anchors)


def _extents(anchors: list[_Anchor], texts: list[str]) -> list[tuple[int, int]]:
    """Lines [start, end] of each anchor's row. OCR puts a row's number near the middle of its
    cell, so the boundary between two anchors is near the midpoint between them; a cell's text
    ends a sentence, so of the lines ending in "." the one nearest that midpoint is taken
    (group headings are short: the one next to the group's number)."""
    if _numbers_on_own_lines(anchors, texts):
        # cells read one after another (the number, then its row's cells): rows start at
        # their numbers
        bounds = [a.position for a in anchors] + [len(texts)]
        return [(bounds[k], bounds[k + 1] - 1) for k in range(len(anchors))]
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


def _column_offset(texts: list[str]) -> int:
    """Where the columns right of the task start, in characters: OCR reads a table row across
    its columns, so a task line alone is about as long as the task column, and fragments of
    the other columns sit beyond that (most lines are task text only)."""
    lengths = sorted(len(text) for text in texts)
    return int(lengths[len(lengths) // 2] * _COLUMN_AT) if lengths else 0


def _in_columns(line: str, start: int, column_at: int) -> bool:
    """A fragment at `start` is in the columns right of the task: past the task column, just
    after a "|" border, or opening a short line of its own (a cell read line by line)."""
    if start == 0:
        return len(line.split()) <= _CELL_LINE_MAX_WORDS
    return start >= column_at or line[:start].rstrip().endswith("|")


def _agencies(lines: list[str], column_at: int) -> list[tuple[int, Found]]:
    """Agencies in the columns right of the task, in reading order. One with the other
    columns' text after it on its line comes first: a name's start at the very end of a line
    is as often the task's own words wrapping ("… các thành viên Tổ công" / "nghệ số …")."""
    found = [
        (index, agency)
        for index, line in enumerate(lines)
        for agency in find_agencies(line)
        if _in_columns(line, agency.start, column_at)
    ]
    followed = [(i, f) for i, f in found if lines[i][f.end :].strip(" -|")]
    return followed + [pair for pair in found if pair not in followed]


def _with_continuation(lines: list[str], index: int, found: Found) -> str:
    """The agency name, with its wrapped rest from the next line when the lexicon says it
    goes on ("Phòng Văn hóa -" + "Xã hội")."""
    rest = remaining_words(found)
    parts = [lines[index][found.start : found.end + 2].rstrip()]  # keep a dangling " -"
    for line in lines[index + 1 : index + 1 + _WRAP_MAX_LINES]:
        if rest is None:
            break
        words = rest.split()
        line_words = fold(line).lower().split()
        if len(line_words) <= len(words) and fuzz.ratio(
            " ".join(line_words), " ".join(words[: len(line_words)])
        ) >= _WRAP_SIMILARITY:
            parts.append(line)  # the name goes on over a whole line of its own cell
            rest = " ".join(words[len(line_words) :]) or None
            continue
        span = find_continuation(rest, line)
        if span is not None:
            parts.append(line[span[0] : span[1]])  # its rest, beside other columns' text
        break
    if len(parts) == 1:
        return found.text
    return join_lines(parts)


def _deadline(lines: list[str], column_at: int) -> tuple[int, Found] | None:
    """The right-most column's deadline words; one OCR split over two line ends ("Thường" …
    "xuyên") is joined."""
    for index, line in enumerate(lines):
        for found in find_deadlines(line):
            if _in_columns(line, found.start, column_at) and len(line[found.end :].split()) <= 1:
                return index, found
    for index in range(len(lines) - 1):
        first, second = lines[index].split(), lines[index + 1].split()
        if not first or not second:
            continue
        joined = f"{first[-1]} {second[-1]}"
        found = find_deadlines(joined)
        if found and found[0].start == 0 and found[0].end == len(joined):
            return index, Found(0, len(joined), joined, None)
    return None


def _cell_lines_parts(lines: list[str]) -> Cells:
    """Task, lead and deadline of a row whose cells were read one after another, each over a
    line or a few: the task first, the lead from the first line opening with an agency (its
    name taken over the lines it wraps onto), the deadline in the last line or two."""
    fields = Cells()
    lead_at = next(
        (i for i, line in enumerate(lines) if i and (f := find_agencies(line)) and f[0].start == 0),
        None,
    )
    if lead_at is not None:
        first = find_agencies(lines[lead_at])[0]
        taken = wrapped_name(first, lines[lead_at + 1 : lead_at + 1 + _WRAP_MAX_LINES])
        if not taken and _ends_name(lines[lead_at + 1 : lead_at + 2]):
            taken = 1
        fields.lead = join_lines(lines[lead_at : lead_at + 1 + taken]) if taken else first.text
    for size in (2, 1):
        tail = join_lines(lines[-size:]) if len(lines) > size else ""
        found = find_deadlines(tail)
        if found and found[0].start == 0 and found[-1].end == len(tail):
            fields.deadline = tail
            break
    fields.task = join_lines(lines[: lead_at if lead_at is not None else len(lines)]) or None
    return fields


def _ends_name(following: list[str]) -> bool:
    """A short line ending on a level of government ("Nam xã") ends the name above it: bodies
    are named down to their level ("Ủy ban MTTQ Việt" + "Nam xã")."""
    if not following or find_agencies(following[0])[:1]:
        return False  # a line opening with a body is the next cell ("Công an xã")
    words = fold_key(following[0]).split()
    return 0 < len(words) <= _NAME_END_MAX_WORDS and words[-1] in ADMIN_LEVELS


def _cell_parts(lines: list[str], column_at: int, widths: dict[str, list[int]]
                ) -> tuple[Cells, bool]:
    """Task and cells of one row's lines (its number already cut off), read across the page
    (pipeline/segment/columns.py; True); or, when its cells were read one after another under
    the task, task, lead, coordinate and deadline as `_cells_after_task` finds them (False)."""
    cells = interleaved_cells(lines, column_at, _deadline(lines, column_at), widths)
    if cells is None:
        return _cells_after_task(lines, column_at), False
    return cells, True


def _cells_after_task(lines: list[str], column_at: int) -> Cells:
    """Task, lead, coordinate and deadline of a row whose cells follow its task's text, line
    by line ("- Tổ chức hội nghị." / "Phòng Văn hóa -" / "Xã hội")."""
    fields = Cells()
    agencies = _agencies(lines, column_at)
    if agencies:
        index, found = agencies[0]
        fields.lead = _with_continuation(lines, index, found)
        beside = [f for i, f in agencies[1:] if i == index]
        fields.coordinate = _with_continuation(lines, index, beside[0]) if beside else None
    deadline = _deadline(lines, column_at)
    if deadline is not None:
        fields.deadline = deadline[1].text
    task_parts: list[str] = []
    for index, line in enumerate(lines):
        cuts = [f.start for i, f in agencies if i == index]
        if deadline is not None and deadline[0] == index:
            cuts.append(deadline[1].start if deadline[1].start else len(line))
        border = line.find("|", 1)
        cuts += [border] if border > 0 else []
        cut = min(cuts, default=len(line))
        if cut == 0 and task_parts:
            break  # a cell read line by line: the task's lines are over
        task_parts.append(line[:cut])
    fields.task = join_lines(task_parts).strip(" |") or None
    return fields


def _rows_from_text(lines: list[str]) -> list[Group]:
    texts = [line for line in lines if line]
    anchors = _find_anchors(texts)
    if not anchors:
        return []
    by_line = _numbers_on_own_lines(anchors, texts)
    if by_line:
        # cells read one after another: a row number stands alone on its line
        pages = _page_numbers(texts)
        texts = [t for i, t in enumerate(texts) if i not in pages]
        anchors = _find_anchors([t if _ROW_NUMBER.fullmatch(t.strip(" |")) else "" for t in texts])
    two_level = any(a.kind == "row" for a in anchors)
    column_at = _column_offset(texts)
    widths: dict[str, list[int]] = {}  # the cells' line widths, row after row
    groups: list[Group] = [] if two_level else [Group()]
    across: list[_ReadRow] = []  # rows whose cells were read across the page
    for anchor, (start, end) in zip(anchors, _extents(anchors, texts), strict=True):
        row_lines = texts[start : end + 1]
        offset = anchor.position - start
        row_lines[offset] = _ANCHOR_PREFIX.sub("", row_lines[offset], count=1)
        if anchor.kind == "group" and two_level:
            groups.append(Group(number=anchor.number, title=join_lines(row_lines) or None))
            continue
        if by_line:
            fields, interleaved = _cell_lines_parts(row_lines), False
        else:
            fields, interleaved = _cell_parts(row_lines, column_at, widths)
        fields.canonical()
        if not groups:
            groups.append(Group())
        groups[-1].rows.append(Row(tt=anchor.number, **vars(fields)))
        if interleaved:
            across.append(_ReadRow(groups[-1].rows[-1], row_lines, _deadline(row_lines, column_at)))
    _from_other_rows(across, widths.get("task", []))
    return groups


# --- garbled cells, read against the other rows ---------------------------------------------------
# A lead or coordinating cell OCR garbled with the table's border strokes matches no lexicon
# name well enough, but a table names few bodies, most of them in several rows: the column's
# values in the other rows are a prior, read against with less certainty asked
# (vocabulary.attested_value), and only where the cell should be (columns.cell_areas).


@dataclass
class _ReadRow:
    row: Row
    lines: list[str]
    deadline: tuple[int, Found] | None


def _from_other_rows(rows: list[_ReadRow], task_ends: list[int]) -> None:
    """Fill a row's empty lead, then coordinating body, with the one of the values the column
    has in the table's other rows that its cell's text spells; nothing when none clearly is."""
    task_width = int(median(task_ends)) if task_ends else None
    # (as read: a value filled in here is no evidence for another row)
    read_values = {name: [getattr(r.row, name) for r in rows] for name in ("lead", "coordinate")}
    for index, read in enumerate(rows):
        if read.row.lead is not None and read.row.coordinate is not None:
            continue
        areas = cell_areas(read.lines, read.deadline, task_width)
        for column, values in read_values.items():
            if getattr(read.row, column) is not None:
                continue
            others = [value for k, value in enumerate(values) if k != index and value]
            found = attested_value(_cells(areas, column, read.row.lead), others)
            if found is not None:
                setattr(read.row, column, found.value)


def _cells(areas: list[str], column: str, lead: str | None) -> list[str]:
    """Each line's text where the column's cell is: the first cell of the line's cell area for
    the lead; for the coordinating body, the cell after the lead's name, on the lines where
    that name is found (elsewhere which cell is which is unknown)."""
    if column == "lead":
        return [area[slice(*cell_span(area))] for area in areas]
    cells = []
    for area in areas:
        named = attested_value([area[slice(*cell_span(area))]], [lead]) if lead else None
        cells.append(area[slice(*cell_span(area, named.end))] if named else "")
    return cells


# --- rows from cells ------------------------------------------------------------------------------


def _cell_text(cell: Cell) -> str:
    return clean_line(cell.restored if cell.restored is not None else cell.text)


def _table_rows(table: Table) -> list[list[tuple[Cell, str]]]:
    by_row: dict[int, list[tuple[Cell, str]]] = {}
    for cell in table.cells:
        by_row.setdefault(cell.row, []).append((cell, _cell_text(cell)))
    return [sorted(by_row[r], key=lambda pair: pair[0].col) for r in sorted(by_row)]


def _is_header_row(row: list[tuple[Cell, str]]) -> bool:
    """Column headings: most cells name a column, and none is a row number (a task's text may
    mention "kết quả" or "sản phẩm" too, but its row has a number)."""
    texts = [text for _, text in row if text]
    if any(_ROW_NUMBER.fullmatch(text) for text in texts):
        return False
    named = [text for text in texts if _field_of(text)]
    return len(named) >= 2 and 2 * len(named) >= len(texts)


def _rows_from_tables(tables: list[Table]) -> tuple[list[str], list[Group]]:
    columns: list[str] = []
    fields: dict[int, str] = {}
    groups: list[Group] = []
    last_row: Row | None = None
    for table in tables:
        header_rows = getattr(table, "header_rows", 0) or 0  # set by the ocr stage's tables
        for row in _table_rows(table):
            numbered = any(_ROW_NUMBER.fullmatch(text) for _, text in row)
            if (row[0][0].row < header_rows and not numbered) or _is_header_row(row):
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


def _without_repeats(lines: list[str], heading_lines: list[str]) -> list[str]:
    """The lines without the column headings repeated where the table goes on over a page."""
    size = len(heading_lines)
    if not size:
        return lines
    out: list[str] = []
    index = 0
    while index < len(lines):
        window = [line for line in lines[index : index + size * 2] if line][:size]
        if window == heading_lines:
            taken = 0
            while taken < size:
                taken += 1 if lines[index] else 0
                index += 1
            continue
        out.append(lines[index])
        index += 1
    return out


def _pipe_table(lines: list[str]) -> Table | None:
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


# --- the appendix -----------------------------------------------------------------------------


def parse_appendix(lines: list[str], tables: list[Table]) -> Appendix:
    """One appendix from its lines (the first is the "Phụ lục" line) and its tables, if any."""
    title, index = _title(lines)
    attached_to, index = _attached_to(lines, index)
    pipe_table = None if tables else _pipe_table(lines[index:])
    if tables or pipe_table:
        columns, groups = _rows_from_tables(tables or [pipe_table])
    else:
        columns, after = _text_columns(lines, index)
        heading_lines = [line for line in lines[index:after] if line]
        groups = _rows_from_text(_without_repeats(lines[after:], heading_lines))
    return Appendix(title=title, attached_to=attached_to, columns=columns, groups=groups)

"""Task rows from an appendix table read as plain OCR text.

Anchors are the row numbers: group numbers ("1", "1 |…") and task numbers ("1.1"), each
accepted only as the next number in order, which also recovers numbers whose dot OCR lost
("14 |" for "1.4" after "1.3", "2 4 |" for "2.4"). Two layouts:
- cells read one after another (the number alone on its line, then each cell over a few
  lines): the task, then the lead from the first line opening with an agency, its name followed
  over the lines it wraps onto; the deadline in the last line or two;
- rows read across the page, cells interleaved line by line (English-model OCR of a table): OCR
  puts a row's number near the middle of its cell, so rows are cut at the sentence end nearest
  the midpoint between anchors; within a row, each column's cell is found by the words that
  open it (interleaved.py), deadline words at a line's end (or split over two line ends) the
  deadline. A row whose cells follow its task's text line by line is read as such
  (`_cells_after_task`). A row read across whose lead or coordinating cell OCR garbled past
  reading is read again once the table is (attested.py).
The column headings are read from the lines above the rows: one line ("TT Nội dung …"), or one
short block per heading.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re
from rapidfuzz import fuzz

from pipeline.model import Group, Row
from pipeline.segment import fuzzy
from pipeline.segment.appendix.attested import ReadRow, from_other_rows
from pipeline.segment.appendix.cells import Cells, in_columns
from pipeline.segment.appendix.interleaved import interleaved_cells
from pipeline.segment.patterns import ADMIN_LEVELS, join_lines
from pipeline.segment.vocabulary import (
    Found,
    find_agencies,
    find_continuation,
    find_deadlines,
    remaining_words,
    wrapped_name,
)
from pipeline.table_header import ROW_NUMBER, column_field
from pipeline.text.fold import fold, fold_key

_HEADER_CELL_MAX_WORDS = 5
# Fragments of the columns right of the task start past this share of a typical line's length.
_COLUMN_AT = 0.8
_NAME_END_MAX_WORDS = 3
_WRAP_MAX_LINES = 3  # lines an agency name may wrap over in its cell
# Where one column heading starts inside a one-line header ("TT Nội dung Đơn vị chủ trì …").
_COLUMN_STARTS = re.compile(
    r"(?i)\b(?:s?tt|noi dung|ten nhiem vu|nhiem vu|(?:co quan |don vi )?chu tri"
    r"|(?:co quan |don vi )?phoi hop|ket qua|san pham|thoi gian|thoi han|tien do|ghi chu"
    r"|kinh phi|co quan|don vi)\b"
)
HEADER_START = re.compile(r"^(?i:s?tt)\b")

_ROW = re.compile(r"^(?!0)(?P<g>\d{1,2})\s?[.,]\s?(?P<r>\d{1,2})\.?(?=\s|\||$)")
_ROW_SPACED = re.compile(r"^(?P<g>\d)\s(?P<r>\d)\s*(?=\|)")
_ROW_GLUED = re.compile(r"^(?P<g>\d)(?P<r>\d)\s*(?=\|)")
# (no leading zero: "03 cầu", "04 lớp" are quantities in a cell, not row numbers)
_GROUP = re.compile(r"^(?!0)(?P<g>\d{1,2})\.?\s*(?=\||$|[^\W\d_])")
# A sentence end, maybe followed by a couple of short bits of the columns to its right.
_CELL_END = re.compile(r"\.[\"”)']?(?:\s+\S{1,5}){0,3}\s*$")
_ANCHOR_PREFIX = re.compile(r"^[\d.,\s]*\|?\s*")


# --- column headings ------------------------------------------------------------------------


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


def text_columns(lines: list[str], start: int) -> tuple[list[str], int]:
    """Column headings as OCR gave them: one line ("TT Nội dung …"), or one short block per
    heading, blank lines between (how OCR reads a header row of wrapped cells)."""
    index = start
    while index < len(lines) and not lines[index]:
        index += 1
    if index >= len(lines) or not HEADER_START.match(fold(lines[index])):
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
        complete = column_field(heading) is not None and not heading.endswith(("/", "-"))
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
    numbers = [(i, t.strip(" |.")) for i, t in enumerate(texts) if ROW_NUMBER.fullmatch(t.strip())]
    found = set()
    for (here, number), (_, following) in zip(numbers, numbers[1:], strict=False):
        if number.isdigit() and "." in following and int(following.split(".")[0]) < int(number):
            found.add(here)
    return found


def _numbers_on_own_lines(anchors: list[_Anchor], texts: list[str]) -> bool:
    alone = [a for a in anchors if ROW_NUMBER.fullmatch(texts[a.position].strip(" |"))]
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


def _agencies(lines: list[str], column_at: int) -> list[tuple[int, Found]]:
    """Agencies in the columns right of the task, in reading order. One with the other
    columns' text after it on its line comes first: a name's start at the very end of a line
    is as often the task's own words wrapping ("… các thành viên Tổ công" / "nghệ số …")."""
    found = [
        (index, agency)
        for index, line in enumerate(lines)
        for agency in find_agencies(line)
        if in_columns(line, agency.start, column_at)
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
        ) >= fuzzy.WRAP:
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
            if in_columns(line, found.start, column_at) and len(line[found.end :].split()) <= 1:
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
    (interleaved.py; True); or, when its cells were read one after another under
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


def rows_from_text(lines: list[str]) -> list[Group]:
    texts = [line for line in lines if line]
    anchors = _find_anchors(texts)
    if not anchors:
        return []
    by_line = _numbers_on_own_lines(anchors, texts)
    if by_line:
        # cells read one after another: a row number stands alone on its line
        pages = _page_numbers(texts)
        texts = [t for i, t in enumerate(texts) if i not in pages]
        anchors = _find_anchors([t if ROW_NUMBER.fullmatch(t.strip(" |")) else "" for t in texts])
    two_level = any(a.kind == "row" for a in anchors)
    column_at = _column_offset(texts)
    widths: dict[str, list[int]] = {}  # the cells' line widths, row after row
    groups: list[Group] = [] if two_level else [Group()]
    across: list[ReadRow] = []  # rows whose cells were read across the page
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
            across.append(ReadRow(groups[-1].rows[-1], row_lines, _deadline(row_lines, column_at)))
    from_other_rows(across, widths.get("task", []))
    return groups


def without_repeats(lines: list[str], heading_lines: list[str]) -> list[str]:
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

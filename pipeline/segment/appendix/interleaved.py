"""The cells of one task row OCR read straight across the page, its columns interleaved line by
line (English-model OCR of a table): each line holds the task's text, then a fragment of every
column to its right whose cell has text at that height: lead agency, coordinating bodies,
output, deadline, in that order.

A cell opens with words of its column's vocabulary: a name of the lexicon (the lead, then the
coordinating body), "Các …" (coordinating bodies named as a group: "Các phòng, đơn vị …"), a
document kind or "Kết quả" (the output; dictionaries/vi_admin_terms.txt), deadline words at
the line's end. Its later lines are fragments without such words: they go, in column order, to
the columns that opened on the lines above and are not complete (a lexicon name is complete
once all its words were read; its wrapped rest is found by the lexicon: "Phòng Văn hóa -" …
"Xã hội"). A fragment holding two columns' text is cut where the first column's cell wraps on
its other lines: cells keep their width. Where no word marks where the task's text ends on a
line next to cell text, it ends at the width the task's text has on the row's marked lines.
Values are given in the lexicon's spelling where the lexicon knows them; what none of this
attributes stays out of every column: nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

import regex as re

from pipeline.segment.appendix.cell_words import (
    agency_start,
    canonical_agency,
    canonical_deadline,
    clean_cell_text,
    is_noise,
    output_opener,
    phrase_spans,
)
from pipeline.segment.appendix.cells import Cells, deadline_cuts, in_columns
from pipeline.segment.patterns import join_lines
from pipeline.segment.vocabulary import Found, find_agencies, find_continuation, remaining_words
from pipeline.text.fold import fold

FIELDS = ("lead", "coordinate", "output")
# Bodies named as a group open the coordinating column: "Các phòng, đơn vị", "Các trường học".
_GROUP_OPENER = re.compile(r"(?<![^\W\d_])Cac\s+[a-z]")
_WORD = re.compile(r"\S+")
# A short tail after a sentence's end is other columns' text ("… đại chúng. ' hiện '").
_SENTENCE_END = re.compile(r"\.[\"”)']?\s")
_TAIL_MAX_WORDS = 4
_TAIL_MAX_CHARS = 20
_SPLIT_AT = 1.3  # a fragment this much wider than a column's cell holds the next one's text too
_WIDTH_SLACK = 5  # characters a line's task text may run past the marked lines' (letters differ)


@dataclass
class Mark:
    start: int
    end: int | None  # where the marked words end; None: to the next mark
    column: str | None  # None: a "|" border
    found: Found | None = None  # the agency name that opens the column, if one does
    opener: str | None = None  # the document kind that opens the output, as the lexicon has it


@dataclass
class _Column:
    parts: list[str] = field(default_factory=list)
    rest: str | None = None  # words of its lexicon name still to come
    named: bool = False  # its text is a lexicon name, complete once `rest` is None
    width: int = 0  # characters of its widest fragment: its cell's width
    closed: bool = False  # a line went by with none of its text: its cell has ended

    @property
    def opened(self) -> bool:
        return bool(self.parts)

    @property
    def complete(self) -> bool:
        return self.closed or self.named and self.rest is None


def _agency_candidates(lines: list[str], column_at: int) -> list[list[Found]]:
    """Agency names in the columns, by line. Before the first one with other columns' text
    after it, one ending its line is left out: a name's start at the end of a line is as
    often the task's own words wrapping ("… các thành viên Tổ công" / "nghệ số …")."""
    found = [
        [f for f in find_agencies(line) if in_columns(line, f.start, column_at)]
        for line in lines
    ]
    followed = [
        (i, f.start) for i, line in enumerate(lines) for f in found[i] if line[f.end :].strip(" -|")
    ]
    if not followed:
        return found
    first = min(followed)
    return [
        [f for f in names if (i, f.start) >= first or lines[i][f.end :].strip(" -|")]
        for i, names in enumerate(found)
    ]


def _named(found: Found) -> Found:
    """A name the lexicon does not know as read ("Phong Vanhda"), tied to the lexicon name it
    starts with OCR slips, so its wrapped rest can be looked for."""
    if found.term is not None:
        return found
    start = agency_start(found.text)
    return Found(found.start, found.end, found.text, start.term) if start else found


def _continuation(rest: str, line: str, column_at: int, end: int) -> tuple[int, int] | None:
    """Where a wrapped name's rest is on the line after it: in the columns, after the task's
    sentence ended ("… Nghị quyết. , Xã hội …"), or on a short line of its own."""
    sentence = line.rfind(". ", 0, column_at)
    starts = [column_at, *([sentence + 2] if sentence >= 0 else [])]
    if in_columns(line, 0, column_at):
        starts.append(0)
    for start in starts:
        span = find_continuation(rest, line[start:end])
        if span is not None:
            return span[0] + start, span[1] + start
    return None


def _openers(line: str, agencies: list[Found], column_at: int, end: int) -> list[Mark]:
    """Words that may open a cell, in reading order, not yet given a column."""
    found = []
    for name in agencies:
        if name.end <= end:
            stop = name.end + 2 if line[name.end : name.end + 2] == " -" else name.end
            found.append(Mark(name.start, stop, "agency", found=_named(name)))
    folded = fold(line[:end])
    for group in _GROUP_OPENER.finditer(folded):
        if in_columns(line, group.start(), column_at):
            found.append(Mark(group.start(), None, "coordinate"))
    words = list(_WORD.finditer(line[:end]))
    for k, word in enumerate(words[:-1]):
        if in_columns(line, word.start(), column_at):
            opener = output_opener([word.group(), words[k + 1].group()])
            if opener is not None:
                found.append(Mark(word.start(), None, "output", opener=opener))
    return sorted(found, key=lambda mark: mark.start)


def _marks(line: str, agencies: list[Found], columns: dict[str, _Column], column_at: int,
           end: int) -> list[Mark]:
    """What opens or goes on a column on the line, up to `end` (the deadline's start). Cells
    open left to right: the first name the lead, the next the coordinating body; an output
    after one of them, or alone before the deadline ("Báo cáo Thường")."""
    marks = [  # (a border with only noise before it is the number column's)
        Mark(m.start(), m.end(), None) for m in re.finditer(r"\|", line[:end])
        if _text_end(line[: m.start()])
    ]
    taken: list[tuple[int, int]] = []
    for name in ("lead", "coordinate"):
        rest = columns[name].rest
        span = _continuation(rest, line, column_at, end) if rest else None
        if span is not None:
            marks.append(Mark(span[0], span[1], name))
            taken.append(span)
    opened = {name for name, column in columns.items() if column.opened}
    here = [FIELDS.index(mark.column) for mark in marks if mark.column]
    before_deadline = end < len(line.rstrip())
    for mark in _openers(line, agencies, column_at, end):
        if any(not (mark.start >= b or (mark.end or end) <= a) for a, b in taken):
            continue
        if mark.column == "agency":
            mark.column = next((n for n in ("lead", "coordinate") if n not in opened), None)
        elif mark.column == "output" and not opened:
            alone = before_deadline and not line[mark.start : end].split()[2:]
            mark.column = "output" if alone else None
        if mark.column is None or mark.column in opened:
            continue
        if here and FIELDS.index(mark.column) < max(here):
            continue  # left of a cell already open on the line: that cell's text
        marks.append(mark)
        if mark.end is not None:
            taken.append((mark.start, mark.end))
        opened.add(mark.column)
        here.append(FIELDS.index(mark.column))
    return sorted(marks, key=lambda mark: mark.start)


def _width_cut(line: str, width: int) -> int | None:
    """Where the task's text ends on a line as wide as on the row's marked lines: at the word
    starting nearest that width (the later of two as near: a task's lines fill its cell), or,
    when that word is inside a lexicon phrase ("dịch vụ công", "Cổng Thông tin"), at the
    phrase's end nearer that width."""
    starts = [m.start() for m in _WORD.finditer(line) if m.start() > 0]
    if not starts:
        return None
    cut = min(starts, key=lambda start: (abs(start - width), -start))
    for a, b in phrase_spans(line):
        if a < cut < b:
            after = b + 1 if b < len(line) else None
            cut = a if after is None or abs(a - width) < abs(after - width) else after
    return cut


def _text_end(line: str) -> int:
    """The end of the line's last readable word: OCR noise after it is unreadable cell text."""
    words = [m for m in _WORD.finditer(line) if not is_noise(m.group())]
    return words[-1].end() if words else 0


def _task_end(line: str, marks: list[Mark], end: int, width: int | None, active: bool,
              ends_task: bool) -> int:
    """Where the task's text ends on the line: at the first mark, or, next to cells going on
    from the line above, at the task's width (unless the first mark is sure to end it), after
    its sentence's end or before trailing OCR noise."""
    cut = min([m.start for m in marks] + [end])
    if not active:
        return cut
    text_end = _text_end(line[:cut])
    cuts = [cut, text_end + 1 if 0 < text_end < len(line[:cut].rstrip()) else cut]
    # (a line ending a sentence ends with the task's words: cells' words end none)
    ends_sentence = line[:text_end].endswith(".")
    if width is not None and text_end > width + _WIDTH_SLACK and not (ends_task or ends_sentence):
        cuts.append(_width_cut(line[:text_end], width) or cut)
    tail = _tail(line[:cut])
    if tail is not None:
        cuts.append(tail)
    return min(cuts)


def _tail(line: str) -> int | None:
    """Where a short tail after the task's sentence end starts: other columns' words ("… đại
    chúng. ' hiện '"), a few once OCR noise is left out."""
    ends = list(_SENTENCE_END.finditer(line))
    if not ends:
        return None
    start = ends[-1].end()
    words = clean_cell_text(line[start:]).split()
    if 0 < len(words) <= _TAIL_MAX_WORDS and len(" ".join(words)) <= _TAIL_MAX_CHARS:
        return start
    return None


@dataclass
class _Piece:
    text: str
    column: str | None  # None: a column to be worked out from the open ones
    open_end: bool = False  # a cell's opening words, its text running on to the next mark


def _pieces(line: str, marks: list[Mark], cut: int, end: int) -> list[_Piece]:
    """The line's text from `cut` to `end` in pieces: each mark's words, the text between."""
    pieces: list[_Piece] = []
    position = cut
    for k, mark in enumerate(marks):
        if mark.start > position:
            pieces.append(_Piece(line[position : mark.start], None))
        following = marks[k + 1].start if k + 1 < len(marks) else end
        if mark.column is None:
            pieces.append(_Piece("", None))  # a border: the text after it is another column's
            position = max(position, mark.end or mark.start)
            continue
        stop = mark.end if mark.end is not None else following
        text = line[mark.start : stop]
        if mark.opener is not None:
            text = mark.opener + text[len(" ".join(text.split()[:2])) :]
        pieces.append(_Piece(text, mark.column, open_end=mark.end is None))
        position = max(position, stop)
    if position < end:
        pieces.append(_Piece(line[position:end], None))
    return pieces


def _split(text: str, width: int) -> tuple[str, str] | None:
    """A fragment holding two columns' text, cut where the first column's cell wraps: at the
    word start nearest its width, not inside a lexicon phrase ("Trung tâm Cung" + "ứng dịch
    vụ công" | "UBND xã")."""
    if not width or len(text) <= width * _SPLIT_AT or len(text.split()) < 2:
        return None
    spans = phrase_spans(text)
    starts = [
        m.start() for m in _WORD.finditer(text)
        if m.start() > 0 and not any(a < m.start() < b for a, b in spans)
    ]
    if not starts:
        return None
    near = min(starts, key=lambda start: (abs(start - width), -start))
    return text[:near].strip(), text[near:].strip()


def _assign(run: list[str], candidates: list[str], columns: dict[str, _Column]
            ) -> list[tuple[str, str]]:
    """Fragments without words of their own column's vocabulary, given to the open columns
    in order; one fragment for two columns is cut at the first one's width, or, when it is
    short, goes on a list its column left open (", ") or else to the last column."""
    run = [_trimmed(text) for text in run if clean_cell_text(text)]
    if not run or not candidates:
        return []
    if len(run) == 1 and len(candidates) > 1:
        split = _split(run[0], columns[candidates[0]].width)
        if split is not None:
            return _cleaned(zip(candidates, split, strict=False))
        text_so_far = join_lines(columns[candidates[0]].parts)
        lone = candidates[0] if text_so_far.endswith((",", ";")) else candidates[-1]
        return _cleaned([(lone, run[0])])
    pairs = list(zip(candidates, run, strict=False))
    extra = run[len(candidates) :]
    if extra:
        name, text = pairs[-1]
        pairs[-1] = (name, join_lines([text, *extra]))
    return _cleaned(pairs)


def _trimmed(text: str) -> str:
    """A fragment as read but for OCR noise at its ends: noise between its words takes room
    like the words (it is where a cut by width falls), noise at its ends only OCR's specks."""
    words = [m for m in _WORD.finditer(text) if not is_noise(m.group())]
    return text[words[0].start() : words[-1].end()] if words else ""


def _cleaned(pairs) -> list[tuple[str, str]]:
    return [(name, text) for name, raw in pairs if (text := clean_cell_text(raw))]


def _candidates(columns: dict[str, _Column], after: int, before: int) -> list[str]:
    """The columns between two (by index) whose cells are open: text there may be theirs."""
    return [
        name for name in FIELDS[after + 1 : before]
        if columns[name].opened and not columns[name].complete
    ]


def _opening(piece: _Piece, right: list[str], columns: dict[str, _Column],
             widths: dict[str, list[int]]) -> list[tuple[str, str]]:
    """A cell's opening words with the line's text after them: the next open cell's text
    too when it is longer than the cell is wide ("Các phòng, đơn" | "UBND xã")."""
    text = clean_cell_text(piece.text)
    width = columns[piece.column].width or _typical(widths.get(piece.column, []))
    split = _split(text, width) if right and text else None
    if split is not None:
        return [(piece.column, split[0]), (right[0], split[1])]
    return [(piece.column, text)] if text else []


def _typical(widths: list[int]) -> int:
    return sorted(widths)[len(widths) * 3 // 4] if widths else 0


def _attribute(pieces: list[_Piece], columns: dict[str, _Column],
               widths: dict[str, list[int]]) -> list[tuple[str, str]]:
    """(column, text) of the line's pieces, in order."""
    out: list[tuple[str, str]] = []
    last = -1
    run: list[str] = []
    pieces = [*pieces, _Piece("", "end")]
    for index, piece in enumerate(pieces):
        if piece.column is None:
            run.append(piece.text)
            continue
        following = FIELDS.index(piece.column) if piece.column in FIELDS else len(FIELDS)
        out += _assign(run, _candidates(columns, last, following), columns)
        run = []
        if piece.column not in FIELDS:
            break
        if piece.open_end:
            labelled = next(p.column for p in pieces[index + 1 :] if p.column)
            before = FIELDS.index(labelled) if labelled in FIELDS else len(FIELDS)
            out += _opening(piece, _candidates(columns, following, before), columns, widths)
        elif text := clean_cell_text(piece.text):
            out.append((piece.column, text))
        last = following
    return out


def _record(marks: list[Mark], columns: dict[str, _Column], attributed: list[tuple[str, str]],
            informative: bool) -> None:
    """What the line gave each column. A name's rest is looked for on the next line only (a
    name wraps onto the line below); a cell whose text stops for a line has ended, unless the
    line's cell text was all OCR noise (it tells nothing)."""
    given = {name for name, _ in attributed}
    for name, column in columns.items():
        if column.rest is not None and name not in given:
            column.rest = None
        if column.opened and name not in given and informative:
            column.closed = True
    for mark in marks:
        if mark.column in ("lead", "coordinate") and mark.found is not None:
            columns[mark.column].named = mark.found.term is not None
            columns[mark.column].rest = remaining_words(mark.found)
        elif mark.column in ("lead", "coordinate"):
            columns[mark.column].rest = None  # the wrapped rest of its name, now read
    for name, text in attributed:
        columns[name].parts.append(text)
        columns[name].width = max(columns[name].width, len(text))


def _value(name: str, parts: list[str]) -> str | None:
    text = join_lines(parts).strip(" ,;:-|'’‘\"") or None
    if text is None or name == "output":
        return text
    return canonical_agency(text)


def _ends_task(mark: Mark, columns: dict[str, _Column]) -> bool:
    """A mark shows where the task's text ends unless a cell left of its column goes on (its
    text may come first: "… nhận dịch vụ công Xã hội …"); a border, unless any cell does."""
    left = FIELDS[: FIELDS.index(mark.column)] if mark.column in FIELDS else FIELDS
    return not any(columns[n].opened and not columns[n].complete for n in left)


def interleaved_cells(
    lines: list[str], column_at: int, deadline: tuple[int, Found] | None,
    widths: dict[str, list[int]],
) -> Cells | None:
    """The row's cells from its lines (its number cut off); None when a line opens with a
    column's words under the task's: cells read one after another, not across. `widths`
    holds the widths of the cells' lines in the rows above (cells keep their width down the
    table), and gets this row's, and under "task" where its task's text ended on its marked
    lines."""
    cuts = deadline_cuts(lines, *deadline) if deadline else {}
    agencies = _agency_candidates(lines, column_at)
    columns = {name: _Column() for name in FIELDS}
    task: list[str] = []
    task_ends: list[int] = []  # where the task's text ended on lines where a mark showed it
    active = False
    for index, line in enumerate(lines):
        end = cuts.get(index, len(line))
        marks = _marks(line, agencies[index], columns, column_at, end)
        ends_task = bool(marks) and _ends_task(marks[0], columns)
        width = int(median(task_ends)) if task_ends else None
        cut = _task_end(line, marks, end, width, active, ends_task)
        if cut == 0 and task and marks and not any(c.opened for c in columns.values()):
            return None  # the cells follow the task's text, not beside it
        if marks and marks[0].column and 0 < cut == marks[0].start and ends_task:
            task_ends.append(cut)
            widths.setdefault("task", []).append(cut)  # (where a garbled row's cells start)
        # (noise the OCR left between the task's words and the cells' belongs to neither)
        task.append(line[: _text_end(line[:cut])] if cut < len(line) else line)
        attributed = _attribute(_pieces(line, marks, cut, end), columns, widths)
        right = line[cut:end].strip(" |")
        _record(marks, columns, attributed, informative=bool(attributed) or not right)
        for name, text in attributed:
            widths.setdefault(name, []).append(len(text))
        open_cells = any(c.opened and not c.complete for c in columns.values())
        active = (bool(right) or index in cuts) and (open_cells or index in cuts)
    return Cells(
        task=join_lines(task).strip(" |") or None,
        lead=_value("lead", columns["lead"].parts),
        coordinate=_value("coordinate", columns["coordinate"].parts),
        output=_value("output", columns["output"].parts),
        deadline=canonical_deadline(deadline[1].text) if deadline else None,
    )


# --- where a garbled row's cells are -------------------------------------------------------------
# A row whose lead or coordinating body nothing here could read is read again once its table is
# (attested.py), against the names the column has in the other rows: these give the text where
# such a cell is on each line.


def cell_areas(lines: list[str], deadline: tuple[int, Found] | None,
               task_width: int | None) -> list[str]:
    """Each line's text right of the task's end (at the task's width in the table's other
    rows, or before OCR noise) up to the deadline: where the row's cells are."""
    cuts = deadline_cuts(lines, *deadline) if deadline else {}
    areas = []
    for index, line in enumerate(lines):
        end = cuts.get(index, len(line))
        cut = _task_end(line, [], end, task_width, active=True, ends_task=False)
        areas.append(line[cut:end] if cut < end else "")
    return areas


def cell_span(area: str, after: int = 0) -> tuple[int, int]:
    """Where one cell's text is in a line's cell area, from `after` (where the cell left of it
    ended; 0: the first cell) up to where a cell right of it opens: a border, "Các …" bodies
    or a document kind."""
    start = len(area) - len(area[after:].lstrip(" |-"))
    text = area[start:]
    stops = [m.start() for m in re.finditer(r"\|", text)]
    stops += [m.start() for m in _GROUP_OPENER.finditer(fold(text)) if m.start()]
    words = list(_WORD.finditer(text))
    stops += [
        word.start() for k, word in enumerate(words[1:-1], start=1)
        if output_opener([word.group(), words[k + 1].group()]) is not None
    ]
    return start, start + min(stops, default=len(text))

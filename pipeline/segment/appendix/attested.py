"""Garbled cells read against the other rows of their table.

A lead or coordinating cell OCR garbled with the table's border strokes ("Phon)g(;/ﬁgihoa")
matches no lexicon name well enough to be read against all of them, but a table names few
bodies, most of them in several rows, each read cleanly somewhere: against the column's values
in the other rows alone, a lower score is evidence enough (fuzzy.ATTESTED), and only where the
cell should be (interleaved.cell_areas). Scores are partial ratios of letters only (a wrapped
name's first line spells only its start). Nothing is filled when no value clearly is.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from statistics import median

import regex as re
from rapidfuzz import fuzz

from pipeline.model import Row
from pipeline.segment import fuzzy
from pipeline.segment.appendix.interleaved import cell_areas, cell_span
from pipeline.segment.vocabulary import CELL_WORD, Found
from pipeline.text.fold import fold

_ATTESTED_MIN_LETTERS = 6  # fewer letters of junk match anything
_ATTESTED_MIN_SHARE = 0.5  # of the value's letters: a common word alone ("Văn hóa") is no name
_NOT_LETTER = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Attested:
    value: str
    score: float
    fragment: int  # which of the fragments it was read in
    start: int  # where in that fragment
    end: int


def letters(text: str) -> str:
    """Folded lower-case letters only, ligatures OCR made spelt out: "Phon)g(;/ﬁgihoa" ->
    "phongfigihoa"."""
    return _NOT_LETTER.sub("", fold(unicodedata.normalize("NFKC", text)).lower())


def _best_window(fragment: str, value_key: str) -> tuple[float, int, int] | None:
    """The run of whole words of `fragment` most like (a start of) the value: (score, start,
    end). Runs are no longer than the value and hold enough of its letters."""
    words = list(CELL_WORD.finditer(fragment))
    floor = max(_ATTESTED_MIN_LETTERS, _ATTESTED_MIN_SHARE * len(value_key))
    best = None
    for first, word in enumerate(words):
        for last in range(first, len(words)):
            key = letters(fragment[word.start() : words[last].end()])
            if len(key) > len(value_key):
                break
            if len(key) < floor:
                continue
            score = fuzz.partial_ratio(key, value_key)
            if best is None or score > best[0]:
                best = (score, word.start(), words[last].end())
    return best


def attested_value(fragments: list[str], values: list[str]) -> Attested | None:
    """The one of `values` (what the same column holds in the table's other rows) that a
    garbled cell's `fragments` spell: scored well enough, and clearly better than any other
    value; None when none is."""
    scored = []
    for key, value in _names(values).items():
        found = [
            (window, index) for index, fragment in enumerate(fragments)
            if (window := _best_window(fragment, key)) is not None
        ]
        if found:
            (score, start, end), index = max(found)
            scored.append(Attested(value, score, index, start, end))
    scored.sort(key=lambda found: -found.score)
    if not scored or scored[0].score < fuzzy.ATTESTED:
        return None
    best, others = scored[0], scored[1:]
    if others and best.score - others[0].score < fuzzy.ATTESTED_MARGIN:
        return None
    # another value read elsewhere in the text is another cell's name (the text may run on
    # into the next column's cell): which of the two is this column's is not known
    if any(other.score >= fuzzy.ATTESTED and _apart(best, other) for other in others):
        return None
    return best


def _names(values: list[str]) -> dict[str, str]:
    """The names among `values`, by their letters: spellings of one name with OCR slips the
    lexicon did not mend ("Phong Vin hoéa - X3 hoi") are that name, as most rows spell it."""
    names: dict[str, str] = {}
    for value, _ in Counter(values).most_common():
        key = letters(value)
        if key and not any(fuzz.ratio(key, name) >= fuzzy.SAME_NAME for name in names):
            names[key] = value
    return names


def _apart(one: Attested, other: Attested) -> bool:
    return one.fragment != other.fragment or one.end <= other.start or other.end <= one.start




@dataclass
class ReadRow:
    row: Row
    lines: list[str]
    deadline: tuple[int, Found] | None


def from_other_rows(rows: list[ReadRow], task_ends: list[int]) -> None:
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

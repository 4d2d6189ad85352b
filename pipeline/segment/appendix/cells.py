"""A task row's cells as read, and where they stand on a row's lines of text.

Shared by the readings of rows from text: across the page (interleaved.py) and one cell after
another (from_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.segment.appendix.cell_words import canonical_agency, canonical_deadline
from pipeline.segment.vocabulary import Found

# A line of this many words or fewer, opening with a column's words, is a cell read line by line.
CELL_LINE_MAX_WORDS = 8


@dataclass
class Cells:
    task: str | None = None
    lead: str | None = None
    coordinate: str | None = None
    output: str | None = None
    deadline: str | None = None

    def canonical(self) -> Cells:
        """Names and deadline words as the lexicon spells them (OCR slips mended)."""
        self.lead = canonical_agency(self.lead) if self.lead else None
        self.coordinate = canonical_agency(self.coordinate) if self.coordinate else None
        self.deadline = canonical_deadline(self.deadline) if self.deadline else None
        return self


def deadline_cuts(lines: list[str], index: int, found: Found) -> dict[int, int]:
    """Where the deadline starts on the lines it is on: on one line, or its words at the ends
    of two ("Thường" … "Xuyên")."""
    if lines[index][found.start : found.end] == found.text:
        return {index: found.start}
    return {i: lines[i].rstrip().rfind(" ") + 1 for i in (index, index + 1)}


def in_columns(line: str, start: int, column_at: int) -> bool:
    """Words at `start` are in the columns right of the task: past the task column, just
    after a "|" border, or opening a short line of their own (a cell read line by line)."""
    if start == 0:
        return len(line.split()) <= CELL_LINE_MAX_WORDS
    return start >= column_at or line[:start].rstrip().endswith("|")

"""Where on the scan each repair and each doubtful word is: page, box and Tesseract's
confidence, from the OCR words of its line; and the words Tesseract itself was unsure of that
the restorer left as read (doubts).

A line of the OCR text is its words joined by single spaces (`ocr.layout`); a table row's line
is its cells' texts joined by " | " (`ocr.table_row_lines`), and a cell's words have no boxes
of their own: a word of a cell stands in the cell's box, with the cell's mean confidence (an
overlay's line likewise in the line's box). Only words with their own confidence are doubted.

A change names the restorer's token, which may be part of a whitespace word ("s6" of "s6,",
"HOẠCH" of "KẾHOẠCH"): the line is cut into the same tokens and the changes, which come in
line order, are matched to them in order of occurrence (the k-th change of "s6" on a line is
the k-th token "s6"); the token's place in the line gives the word it is part of.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from pipeline.model import Alternative, Box, Cell, Change, Document, Doubt, Line

# Tesseract's confidence (0..100) below which a word the restorer kept is listed as a doubt.
# `make bench-doubts` (bench/doubts.py) on the dev real pages: below 85, 4.4 % of the words are
# listed, 41 % of them wrong, and 81 % of the errors the restorer left are among them; 90 lists
# 40 % more words and catches no more.
DOUBT_OCR_CONFIDENCE = 85.0
TABLE_CELL_SEPARATOR = " | "  # how the ocr stage writes a table row as a line
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
_EDGE_PUNCTUATION = regex.compile(r"^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$")

Tokenize = Callable[[str], Sequence[str]]  # a line -> its tokens' texts, concatenating to it


@dataclass(frozen=True)
class KeptWord:
    """The restorer's judgement of a word it kept as read: a doubt Tesseract raises on the
    word carries it, so the reviewer sees the restorer's belief and its runners-up too."""

    text: str  # the restorer's token
    confidence: float  # calibrated, 0..1
    alternatives: list[Alternative]


@dataclass(frozen=True)
class Spot:
    """A whitespace word of a line and where it was read: its characters in the line text,
    its page, box and Tesseract confidence. `own_confidence` is False for a table cell's
    words, which only have the cell's mean."""

    start: int
    end: int
    text: str
    page: int | None
    box: Box | None
    confidence: float | None
    own_confidence: bool = True


def located(doc: Document, rows: dict[int, list[Cell]], tokenize: Tokenize,
            doubt_below: float = DOUBT_OCR_CONFIDENCE,
            kept: dict[int, list[KeptWord]] | None = None) -> Document:
    """Fill page, box and ocr_confidence of every change and doubt (lines 1-based), and add
    as doubts the kept words Tesseract read below `doubt_below`. Doubts already there (the
    restorer's own) are kept and located; a low-confidence word they already stand on is not
    listed again; one that is new carries the restorer's judgement of the word (`kept`, by
    0-based line, in line order). Text inputs (no page lines) are left as they are."""
    if not doc.page_lines or len(doc.page_lines) != len(doc.ocr_lines):
        return doc
    by_line: dict[int, list] = {}
    for entry in [*doc.quality.changes, *doc.quality.doubts]:
        by_line.setdefault(entry.line - 1, []).append(entry)
    changes: list[Change] = []
    doubts: list[tuple[int, int, Doubt]] = []  # (line index, start in line, doubt)
    for li, line in enumerate(doc.page_lines):
        found_changes, found_doubts = _located_line(
            li, doc.ocr_lines[li], line_spots(line, rows.get(li)), by_line.pop(li, []),
            tokenize, doubt_below, (kept or {}).get(li, []))
        changes += found_changes
        doubts += found_doubts
    for li, entries in by_line.items():  # on no line of the text (never seen): kept as is
        changes += [e for e in entries if isinstance(e, Change)]
        doubts += [(li, 0, e) for e in entries if isinstance(e, Doubt)]
    doc.quality.changes = changes
    doc.quality.doubts = [d for _, _, d in sorted(doubts, key=lambda item: item[:2])]
    return doc


def _located_line(li: int, text: str, spots: list[Spot], entries: list, tokenize: Tokenize,
                  doubt_below: float, kept: list[KeptWord]
                  ) -> tuple[list[Change], list[tuple[int, int, Doubt]]]:
    """One line's changes and doubts located, and its kept words Tesseract doubted added."""
    line_changes = [e for e in entries if isinstance(e, Change)]
    line_doubts = [e for e in entries if isinstance(e, Doubt)]
    tokens = list(tokenize(text)) if entries and spots else []  # most lines have none
    claimed: set[int] = set()  # words holding a change or a doubt already
    changes: list[Change] = []
    for entry, at in zip(line_changes, token_starts(text, tokens, [c.ocr for c in line_changes]),
                         strict=True):
        entry, spot = _placed(entry, at, spots)
        changes.append(entry)
        claimed |= spot
    doubts: list[tuple[int, int, Doubt]] = []
    for entry, at in zip(line_doubts, token_starts(text, tokens, [d.text for d in line_doubts]),
                         strict=True):
        entry, spot = _placed(entry, at, spots)
        doubts.append((li, at if at is not None else 0, entry))
        claimed |= spot
    doubted = [spot for k, spot in enumerate(spots)
               if k not in claimed and _is_ocr_doubt(spot, doubt_below)]
    if doubted and kept:
        tokens = tokens or list(tokenize(text))
        judged = list(zip(token_starts(text, tokens, [w.text for w in kept]), kept, strict=True))
        doubts += [(li, spot.start, _ocr_doubt(li, spot, _judged_in(spot, judged)))
                   for spot in doubted]
    else:
        doubts += [(li, spot.start, _ocr_doubt(li, spot, None)) for spot in doubted]
    return changes, doubts


def _judged_in(spot: Spot, judged: list[tuple[int | None, KeptWord]]) -> KeptWord | None:
    """The least sure of the restorer's kept tokens inside the word (its only one, mostly)."""
    inside = [word for at, word in judged if at is not None and spot.start <= at < spot.end]
    return min(inside, key=lambda word: word.confidence, default=None)


def line_spots(line: Line, row: list[Cell] | None) -> list[Spot]:
    """The whitespace words of a line with where each was read; a table row's from its
    cells, an overlay's from the line's own box."""
    if row is not None:
        return _cell_spots(row, line.page)
    if not line.words:  # an overlay's line (its text known, not read word by word)
        return [Spot(m.start(), m.end(), m.group(), line.page, line.box, line.confidence,
                     own_confidence=False) for m in regex.finditer(r"\S+", line.text)]
    spots: list[Spot] = []
    at = 0
    for word in line.words:
        start = line.text.find(word.text, at) if word.text else -1
        if start < 0:
            continue  # not in the line's text as written (never seen; kept safe)
        at = start + len(word.text)
        spots.append(Spot(start, at, word.text, line.page, word.box, word.confidence))
    return spots


def _cell_spots(row: list[Cell], page: int | None) -> list[Spot]:
    spots: list[Spot] = []
    at = 0
    for k, cell in enumerate(row):
        if k:
            at += len(TABLE_CELL_SEPARATOR)
        for match in regex.finditer(r"\S+", cell.text):
            spots.append(Spot(at + match.start(), at + match.end(), match.group(), page,
                              cell.box, cell.confidence, own_confidence=False))
        at += len(cell.text)
    return spots


def token_starts(text: str, tokens: Sequence[str], wanted: Sequence[str]) -> list[int | None]:
    """Where in `text` each of `wanted` (tokens, in line order) starts: the next token equal
    to it after the one found before; where the tokens do not tell (a line restored in
    pieces is tokenized piece by piece), the next occurrence of the text itself. One out of
    order is looked for from the line's start."""
    starts: list[int] = []
    offset = 0
    for token in tokens:
        starts.append(offset)
        offset += len(token)
    token_at = {k: start for k, start in enumerate(starts)} if offset == len(text) else {}
    found: list[int | None] = []
    next_token = next_char = 0
    for want in wanted:
        k = _next_equal(tokens, want, next_token, token_at)
        if k is not None:
            at, next_token = token_at[k], k + 1
        else:
            at = _next_occurrence(text, want, next_char)
        if at is not None:
            next_char = at + len(want)
        found.append(at)
    return found


def _next_equal(tokens: Sequence[str], want: str, start: int, usable: dict[int, int]
                ) -> int | None:
    for first in (start, 0):
        k = next((k for k in range(first, len(tokens)) if k in usable and tokens[k] == want),
                 None)
        if k is not None:
            return k
    return None


def _next_occurrence(text: str, want: str, start: int) -> int | None:
    if not want:
        return None
    for first in (start, 0):
        at = text.find(want, first)
        if at >= 0:
            return at
    return None


def _placed(entry, at: int | None, spots: list[Spot]):
    """The change or doubt with the place of the word that holds character `at`, and the
    index of that word (as a set: empty when no word holds it)."""
    k = _spot_at(spots, at)
    if k is None:
        return entry, set()
    spot = spots[k]
    confidence = round(spot.confidence, 2) if spot.confidence is not None else None
    return entry.model_copy(update={"page": spot.page, "box": spot.box,
                                    "ocr_confidence": confidence}), {k}


def _spot_at(spots: list[Spot], at: int | None) -> int | None:
    if at is None:
        return None
    return next((k for k, spot in enumerate(spots) if spot.start <= at < spot.end), None)


def _is_ocr_doubt(spot: Spot, below: float) -> bool:
    """A word (letters or digits, not a lone mark) Tesseract read with its own confidence
    under `below`."""
    return (spot.own_confidence and spot.confidence is not None and spot.confidence < below
            and _LETTER_OR_DIGIT.search(spot.text) is not None)


def _ocr_doubt(li: int, spot: Spot, judged: KeptWord | None) -> Doubt:
    return Doubt(line=li + 1, text=_EDGE_PUNCTUATION.sub("", spot.text),
                 ocr_confidence=round(spot.confidence, 2), page=spot.page, box=spot.box,
                 confidence=judged.confidence if judged else None,
                 alternatives=judged.alternatives if judged else [])

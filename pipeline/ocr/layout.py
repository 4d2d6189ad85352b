"""Reading order of a page from Tesseract's words: side-by-side blocks kept apart.

A plan has two places where two blocks stand side by side (Decree 30/2020/NĐ-CP):
- the head of page 1: issuing body and "Số: …" on the left, national name, motto and
  place-date on the right;
- the foot of the text: "Nơi nhận:" and its list on the left, the signature on the right.
Whole-page OCR reads such rows straight across ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI …"). The words
themselves are read well (each has its own box), so the fix is to regroup them: find the
two-column zone, cut it at the vertical white channel between the blocks, and emit the left
block's lines, then the right block's.

A two-column zone is a run of physical rows (words grouped by vertical overlap) that share a
white channel in the middle half of the text width. It ends at a row that crosses the channel,
at a one-sided row centred on the page rather than on its column (a title such as "KẾ HOẠCH"),
or at a wide vertical gap. The head zone must start at one of the page's first rows and have at
least two rows with words on both sides; the foot zone is anchored on the "Nơi nhận" row (and takes
in signature rows just above it). Everything else keeps Tesseract's own lines and order, but
for one repair: Tesseract sometimes cuts the first word of many lines off into a narrow block of
its own, a false column at the left margin (an old typed page, where a wide space follows the
first word); such words go back to the start of their lines (`_rejoin_margin_column`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from pipeline.model import Box, Line, Word
from pipeline.text.fold import strip_marks

# Tesseract's (block, paragraph, line) numbers of a word.
LineKey = tuple[int, int, int]
KeyedWord = tuple[LineKey, Word]

BODY, HEADER_LEFT, HEADER_RIGHT = "body", "header_left", "header_right"
RECIPIENTS, SIGNATURE = "recipients", "signature"
# The channel between two blocks lies in this part of the text width...
CHANNEL_BAND = (0.25, 0.75)
# ... and is at least this wide (share of the text width; ~6 mm on A4, several word gaps).
MIN_CHANNEL = 0.03
# A vertical gap of more than this many row heights ends a zone (a signature leaves 20-30 mm
# for the hand signature and seal: about 5-7 rows).
MAX_ROW_GAP = 10.0
# The head zone needs this many rows with words on both sides of the channel...
MIN_HEAD_TWO_SIDED = 2
# ... and starts at one of the page's first rows (a speck or stamp may stand above it).
HEAD_START_ROWS = 3
# A false margin column: a block of at least this many lines of at most this many words each,
# narrower than this share of the text width, most of whose words (this share) have a line of
# another block starting within this many word heights to their right on the same row.
MARGIN_COLUMN_LINES = 3
MARGIN_COLUMN_WORDS = 2
MARGIN_COLUMN_WIDTH = 0.25
MARGIN_COLUMN_PARTNERED = 0.6
MARGIN_COLUMN_GAP = 3.0
# Words of one or two characters read with less confidence than this may be specks.
SPECK_CONF = 30.0


@dataclass(frozen=True)
class Zone:
    """Rows [first, last] of the page (indices into `physical_rows`) split at `split_x`."""

    first: int
    last: int
    split_x: float
    left_block: str
    right_block: str


# -- geometry of words and rows ----------------------------------------------------------------

def _right(box: Box) -> int:
    return box.left + box.width


def _bottom(box: Box) -> int:
    return box.top + box.height


def _center_x(words: Iterable[Word]) -> float:
    words = list(words)
    return (min(w.box.left for w in words) + max(_right(w.box) for w in words)) / 2


def physical_rows(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into rows by vertical overlap, top to bottom, each row left to right.
    A word joins the row whose vertical span covers its centre line."""
    rows: list[list[Word]] = []
    spans: list[list[float]] = []
    for word in sorted(words, key=lambda w: w.box.top + w.box.height / 2):
        middle = word.box.top + word.box.height / 2
        for row, span in zip(reversed(rows), reversed(spans), strict=True):
            if span[0] <= middle <= span[1]:
                row.append(word)
                # Keep the row's span to its core (tall diacritics would let it swallow the
                # next row): the median word's extent.
                tops = sorted(w.box.top for w in row)
                bottoms = sorted(_bottom(w.box) for w in row)
                span[0], span[1] = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
                break
        else:
            rows.append([word])
            spans.append([word.box.top, _bottom(word.box)])
    for row in rows:
        row.sort(key=lambda w: w.box.left)
    return sorted(rows, key=lambda row: min(w.box.top for w in row))


def _row_height(row: Sequence[Word]) -> float:
    heights = sorted(w.box.height for w in row)
    return heights[len(heights) // 2]


def _is_speck(word: Word) -> bool:
    """Dust, seal or signature residue read as a "word": no letter or digit, or a doubtful
    one or two characters. It must not block the channel between two blocks."""
    if not any(c.isalnum() for c in word.text):
        return True
    return len(word.text) <= 2 and word.confidence is not None and word.confidence < SPECK_CONF


def _free_columns(row: Sequence[Word], lo: int, hi: int) -> np.ndarray:
    """Which x positions in [lo, hi) no word of the row covers (specks aside)."""
    free = np.ones(max(hi - lo, 0), dtype=bool)
    for word in row:
        if not _is_speck(word):
            free[max(word.box.left - lo, 0): max(_right(word.box) - lo, 0)] = False
    return free


def _longest_run(free: np.ndarray) -> tuple[int, int]:
    """(start, length) of the longest run of True."""
    edges = np.diff(np.concatenate(([0], free.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return 0, 0
    best = int(np.argmax(ends - starts))
    return int(starts[best]), int(ends[best] - starts[best])


# -- zones -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Frame:
    """The page's text extent, and where a channel may lie."""

    left: int
    right: int

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2

    @property
    def band(self) -> tuple[int, int]:
        width = self.right - self.left
        return (round(self.left + CHANNEL_BAND[0] * width),
                round(self.left + CHANNEL_BAND[1] * width))

    @property
    def min_channel(self) -> int:
        return max(1, round(MIN_CHANNEL * (self.right - self.left)))


def _sides(row: Sequence[Word], split_x: float) -> tuple[list[Word], list[Word]]:
    left = [w for w in row if w.box.left + w.box.width / 2 < split_x]
    return left, [w for w in row if w.box.left + w.box.width / 2 >= split_x]


def _grow_zone(rows: list[list[Word]], first: int, frame: _Frame) -> tuple[int, int, float]:
    """Extends a zone down from row `first`: (last row, rows with words on both sides, split
    x). The zone is empty (last < first) when row `first` itself crosses the band."""
    lo, hi = frame.band
    free = np.ones(hi - lo, dtype=bool)
    last, two_sided, split_x = first - 1, 0, 0.0
    centers: dict[str, list[float]] = {"left": [], "right": []}
    for index in range(first, len(rows)):
        row = rows[index]
        merged = free & _free_columns(row, lo, hi)
        start, length = _longest_run(merged)
        if length < frame.min_channel:
            break
        if index > first and _gap_above(rows, index) > MAX_ROW_GAP * _row_height(row):
            break
        candidate_split = lo + start + length / 2
        left, right = _sides(row, candidate_split)
        if index > first and (not left or not right):
            side = "left" if left else "right"
            own = centers[side]
            here = _center_x(left or right)
            # A lone row centred on the page, not on its column, is a title below the zone.
            if own and abs(here - frame.center) < abs(here - sum(own) / len(own)):
                break
        free, last, split_x = merged, index, candidate_split
        two_sided += bool(left and right)
        if left:
            centers["left"].append(_center_x(left))
        if right:
            centers["right"].append(_center_x(right))
    return last, two_sided, split_x


def _gap_above(rows: list[list[Word]], index: int) -> float:
    above = max(_bottom(w.box) for w in rows[index - 1])
    return min(w.box.top for w in rows[index]) - above


def _is_recipients_label(row: Sequence[Word]) -> bool:
    text = " ".join(w.text for w in row[:3])
    return strip_marks(text).casefold().startswith("noi nhan")


def find_zones(rows: list[list[Word]], frame: _Frame) -> list[Zone]:
    """The head zone (at the top of the page) and the foot zone (at "Nơi nhận"), if any, top
    to bottom. The foot is looked for first: the head must end above it."""
    foot = _foot_zone(rows, frame)
    head = _head_zone(rows[: foot.first] if foot else rows, frame)
    return [zone for zone in (head, foot) if zone is not None]


def _head_zone(rows: list[list[Word]], frame: _Frame) -> Zone | None:
    for first in range(min(HEAD_START_ROWS, len(rows))):
        if _crosses_or_one_sided(rows[first], frame):
            continue
        last, two_sided, split_x = _grow_zone(rows, first, frame)
        if last >= first and two_sided >= MIN_HEAD_TWO_SIDED:
            return Zone(first, last, split_x, HEADER_LEFT, HEADER_RIGHT)
    return None


def _crosses_or_one_sided(row: list[Word], frame: _Frame) -> bool:
    last, two_sided, _ = _grow_zone([row], 0, frame)
    return last < 0 or two_sided == 0


def _foot_zone(rows: list[list[Word]], frame: _Frame) -> Zone | None:
    label = next((i for i, row in enumerate(rows) if _is_recipients_label(row)), None)
    if label is None:
        return None
    first = _first_signature_row(rows, label, frame)
    last, two_sided, split_x = _grow_zone(rows, first, frame)
    if last >= label and two_sided >= 1:
        return Zone(first, last, split_x, RECIPIENTS, SIGNATURE)
    return None


def _first_signature_row(rows: list[list[Word]], label: int, frame: _Frame) -> int:
    """The label row, or the highest of the rows just above it that stand wholly in the right
    half (a signer's authority line set a line higher than "Nơi nhận:")."""
    first = label
    while first > 0 and min(w.box.left for w in rows[first - 1]) > frame.center:
        first -= 1
    return first


# -- lines -------------------------------------------------------------------------------------

def _line(words: Sequence[Word], block: str) -> Line:
    return Line(text=" ".join(w.text for w in words), words=list(words),
                box=union_box(w.box for w in words if w.box), block=block,
                confidence=mean_confidence(words))


def mean_confidence(words: Iterable[Word]) -> float | None:
    values = [w.confidence for w in words if w.confidence is not None]
    return round(sum(values) / len(values), 2) if values else None


def union_box(boxes: Iterable[Box]) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    left = min(b.left for b in boxes)
    top = min(b.top for b in boxes)
    right = max(_right(b) for b in boxes)
    bottom = max(_bottom(b) for b in boxes)
    return Box(left=left, top=top, width=right - left, height=bottom - top)


def _zone_lines(rows: list[list[Word]], zone: Zone) -> list[Line]:
    """The zone's left block top to bottom, a blank line, then its right block."""
    left_rows, right_rows = [], []
    for row in rows[zone.first: zone.last + 1]:
        left, right = _sides(row, zone.split_x)
        if left:
            left_rows.append(left)
        if right:
            right_rows.append(right)
    lines = [_line(row, zone.left_block) for row in left_rows]
    if left_rows and right_rows:
        lines.append(Line(text=""))
    return lines + [_line(row, zone.right_block) for row in right_rows]


def _rejoin_margin_column(words: list[KeyedWord], text_width: float) -> list[KeyedWord]:
    """The words in false margin columns put back at the start of the line on their right
    (given its key, placed before it); other words as they were."""
    moved: dict[int, list[KeyedWord]] = {}  # id of a line's first word -> words to put first
    for block in {key[0] for key, _ in words}:
        column = [(key, w) for key, w in words if key[0] == block and w.box is not None]
        lines = {key for key, _ in column}
        boxes = [w.box for _, w in column]
        if len(lines) < MARGIN_COLUMN_LINES or not boxes or any(
                sum(1 for key, _ in column if key == line) > MARGIN_COLUMN_WORDS
                for line in lines) or \
                max(map(_right, boxes)) - min(b.left for b in boxes) > text_width * \
                MARGIN_COLUMN_WIDTH:
            continue
        partners = {id(w): _line_start_right_of(w, words, block) for _, w in column}
        if sum(p is not None for p in partners.values()) < MARGIN_COLUMN_PARTNERED * len(column):
            continue
        for _, word in column:
            partner = partners[id(word)]
            if partner is not None:
                moved.setdefault(id(partner[1]), []).append((partner[0], word))
    if not moved:
        return words
    taken = {id(word) for group in moved.values() for _, word in group}
    out: list[KeyedWord] = []
    for key, word in words:
        out.extend(moved.get(id(word), []))
        if id(word) not in taken:
            out.append((key, word))
    return out


def _line_start_right_of(word: Word, words: list[KeyedWord], block: int) -> KeyedWord | None:
    """The first word of another block's line that starts just right of `word`, on its row."""
    middle = word.box.top + word.box.height / 2
    firsts = {}
    for key, other in words:
        if key[0] != block and other.box is not None and key not in firsts:
            firsts[key] = other
    candidates = [(key, other) for key, other in firsts.items()
                  if other.box.top <= middle <= _bottom(other.box)
                  and 0 <= other.box.left - _right(word.box) <= MARGIN_COLUMN_GAP * word.box.height]
    return min(candidates, key=lambda kw: kw[1].box.left, default=None)


def _tesseract_lines(words: list[KeyedWord]) -> list[tuple[LineKey, list[Word]]]:
    return [(key, [w for _, w in group]) for key, group in groupby(words, key=lambda kw: kw[0])]


def order_lines(words: list[KeyedWord], default_block: str = BODY) -> list[Line]:
    """The page's lines in reading order, side-by-side blocks one after the other, an empty
    line between Tesseract's blocks (as its text output has) and around each zone."""
    boxed = [w for _, w in words if w.box is not None]
    if not boxed:
        return []
    frame = _Frame(min(w.box.left for w in boxed), max(_right(w.box) for w in boxed))
    words = _rejoin_margin_column(words, frame.right - frame.left)
    rows = physical_rows(boxed)
    zones = find_zones(rows, frame)
    zone_of = {id(w): n for n, zone in enumerate(zones)
               for row in rows[zone.first: zone.last + 1] for w in row}

    lines: list[Line] = []
    emitted: set[int] = set()
    previous_block = None

    def separate() -> None:
        if lines and lines[-1].text:
            lines.append(Line(text=""))

    for key, line_words in _tesseract_lines(words):
        rest = [w for w in line_words if id(w) not in zone_of]
        for zone_no in sorted({zone_of[id(w)] for w in line_words if id(w) in zone_of}):
            if zone_no not in emitted:
                emitted.add(zone_no)
                separate()
                lines.extend(_zone_lines(rows, zones[zone_no]))
                previous_block = None
        if not rest:
            continue
        if key[0] != previous_block:
            separate()
        previous_block = key[0]
        lines.append(_line(rest, default_block))
    return lines

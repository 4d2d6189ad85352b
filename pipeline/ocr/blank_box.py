"""The box of a filled-in blank grown to the whole of its handwriting.

A blank's box is first estimated from the printed words around it (`blanks.find_blanks`), and
their ends from shares of their characters, since OCR boxes words, not letters. Handwriting
does not keep to that box: a number wider than the space left for it runs into the slash, a
day written close to "ngày" overlaps the word's box, and digits rise above the line. So the
box is only where the blank's ink starts: the ink's connected strokes that reach into it are
followed past its sides, within a reach, while strokes that lie mostly on the printed words
(a letter's tick reaching into the box) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

# The box may grow this many line heights to either side.
GROW_REACH = 1.0
# Strokes this many line heights beside the blank's ink belong to it (a digit's parts, the
# next digit) ...
JOIN_GAP = 0.12
# ... unless they lie mostly (this share of their width) on a printed word and mostly outside
# the blank: a printed letter reaching into it.
PRINTED_SHARE = 0.5
# The slash of the number's symbol ("Số: 57/QĐ-UBND"): a stroke at least this share of the
# line high, at most this share as wide as high, its top this share of its width right of
# its foot.
SLASH_HEIGHT, SLASH_WIDTH, SLASH_LEAN = 0.5, 0.7, 0.3


def _overlap(left: int, right: int, span: tuple[int, int]) -> int:
    """Columns of [left, right] (inclusive) within `span` (inclusive)."""
    return max(0, min(right, span[1]) - max(left, span[0]) + 1)


def printed_share(left: int, right: int, printed: Sequence[tuple[int, int]]) -> float:
    """The share of the columns [left, right] that lie on printed words."""
    covered = np.zeros(right - left + 1, dtype=bool)
    for start, end in printed:
        lo, hi = max(left, start), min(right, end)
        if lo <= hi:
            covered[lo - left:hi - left + 1] = True
    return float(covered.mean())


def slash_like(stroke: np.ndarray, line_height: int) -> bool:
    """A stroke (its mask, cut to it) shaped as a printed slash: tall, narrow, leaning right."""
    height, width = stroke.shape
    if height < SLASH_HEIGHT * line_height or width > SLASH_WIDTH * height:
        return False
    quarter = max(1, height // 4)
    top = np.flatnonzero(stroke[:quarter].any(axis=0))
    foot = np.flatnonzero(stroke[-quarter:].any(axis=0))
    if not top.size or not foot.size:
        return False
    return float(top.mean() - foot.mean()) >= SLASH_LEAN * width


def grown_strokes(strokes: np.ndarray, core: tuple[int, int], printed: list[tuple[int, int]],
                  line_height: int, handwriting: Callable[[np.ndarray], bool] | None = None,
                  slash: bool = False) -> tuple[np.ndarray, tuple[int, int]]:
    """The blank's strokes among `strokes` (a crop reaching past the blank's box on both
    sides) and the columns they span: the strokes that reach into the blank's columns `core`,
    and in turn those that reach its grown span or lie within JOIN_GAP of it, but for strokes
    mostly on the printed words' columns `printed` and mostly outside the blank, unless
    `handwriting` says the stroke (its mask) is handwriting (a colour, stroke width or height
    unlike the print's); with `slash`, a slash-like stroke reaching a printed word is the
    symbol's slash, not a digit. Without such strokes, none and `core`."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(strokes.astype(np.uint8), 8)
    gap = round(JOIN_GAP * line_height)
    spans = [(int(stats[i, cv2.CC_STAT_LEFT]),
              int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] - 1))
             for i in range(count)]
    taken = np.zeros(count, dtype=bool)
    left, right = core
    grown = True
    while grown:
        grown = False
        for i in range(1, count):
            start, end = spans[i]
            if taken[i] or _overlap(start, end, (left - gap, right + gap)) == 0:
                continue
            inside = _overlap(start, end, (left, right)) / (end - start + 1)
            on_print = printed_share(start, end, printed)
            if slash and on_print > 0 and slash_like(_cut(labels, stats, i), line_height):
                continue
            if (inside < PRINTED_SHARE and on_print > PRINTED_SHARE
                    and not (handwriting is not None and handwriting(labels == i))):
                continue
            taken[i] = grown = True
            left, right = min(left, start), max(right, end)
    if not taken.any():
        return np.zeros_like(strokes, dtype=bool), core
    return taken[labels], (left, right)


def _cut(labels: np.ndarray, stats: np.ndarray, i: int) -> np.ndarray:
    top, left = stats[i, cv2.CC_STAT_TOP], stats[i, cv2.CC_STAT_LEFT]
    height, width = stats[i, cv2.CC_STAT_HEIGHT], stats[i, cv2.CC_STAT_WIDTH]
    return labels[top:top + height, left:left + width] == i


def touches_sides(strokes: np.ndarray, edge: int) -> bool:
    """Ink within `edge` columns of the crop's left or right side."""
    return bool(strokes[:, :edge].any() or strokes[:, -edge:].any())

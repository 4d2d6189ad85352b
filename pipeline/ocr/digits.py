"""A second reader for the digits of a filled-in blank, apart from Tesseract (`blanks.py`).

Tesseract reads handwritten digits poorly, and its confidence says little about whether it
read them right. This reader cuts the blank's ink into digits (connected components: parts
lying over each other joined, a too-wide part split at its thinnest column), normalises each
the way MNIST's digits were made (the digit's box scaled, aspect kept, into 20x20 grey levels
and set by its centre of mass in the middle of 28x28) and classifies it with a small network
trained on MNIST, UCI and printed digits (`tools/train_digits.py`,
`pipeline/data/digits_mlp.npz`). Only numpy and OpenCV at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from pipeline import resources
from pipeline.ocr.blank_box import PRINTED_SHARE, printed_share

# The MNIST preprocessing: the digit fitted into BOX x BOX, in a SIDE x SIDE image.
SIDE = 28
BOX = 20
# Parts of the ink lying over each other by this share of the narrower one are one digit
# (the bar of a 5, a 7's cross, a pen lifted mid-stroke).
MERGE_OVERLAP = 0.4
# Parts whose width and height are both under this share of the tallest part's height are
# specks: dots, dirt, a full stop.
SPECK = 0.2
# Parts lower than this share of the tallest one are marks, not digits (a dot, a tick, the
# dash a clerk writes after the number).
MIN_DIGIT_HEIGHT = 0.45
# A part wider than this many times its height is digits written together: it is cut at its
# thinnest column, looked for in the middle share of it.
MAX_DIGIT_ASPECT = 1.0
CUT_SEARCH = (0.25, 0.75)
# Pieces narrower than this many times their height after a cut are no digits (kept whole).
MIN_PIECE_ASPECT = 0.2
MAX_DIGITS = 6
# A digit is set upright by at most this slant (x shift per row).
MAX_SLANT = 0.6


@dataclass(frozen=True)
class DigitReading:
    """The classifier's reading of a blank: its digits and, per digit, the ten
    probabilities."""

    text: str
    probabilities: np.ndarray  # (digits, 10)

    @property
    def confidence(self) -> float:
        """The chance that every digit is right: the product of each one's best
        probability."""
        if not self.text:
            return 0.0
        return float(np.prod(self.probabilities.max(axis=1)))

    def chance_of(self, text: str) -> float:
        """The chance the classifier gives another reading of the same length (Tesseract's)."""
        if len(text) != len(self.text) or not text.isdigit():
            return 0.0
        return float(np.prod([row[int(d)] for row, d in zip(self.probabilities, text,
                                                            strict=True)]))


# -- cutting the ink into digits -----------------------------------------------------------------


def _parts(strokes: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The ink's connected parts as (left, top, right, bottom), left to right, but for specks
    (a dot beside a digit would be read as part of it)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(strokes.astype(np.uint8), 8)
    tallest = int(stats[1:, cv2.CC_STAT_HEIGHT].max()) if count > 1 else 0
    boxes = []
    for i in range(1, count):
        left, top, width, height = (int(v) for v in stats[i, :4])
        if max(width, height) >= SPECK * tallest:
            boxes.append((left, top, left + width, top + height))
    return sorted(boxes)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """How far two boxes lie over each other across, as a share of the narrower."""
    shared = min(a[2], b[2]) - max(a[0], b[0])
    return shared / max(1, min(a[2] - a[0], b[2] - b[0]))


def _joined(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    joined: list[tuple[int, int, int, int]] = []
    for box in boxes:
        if joined and _overlap(joined[-1], box) >= MERGE_OVERLAP:
            last = joined.pop()
            box = (min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]),
                   max(last[3], box[3]))
        joined.append(box)
    return joined


def _thinnest_column(ink: np.ndarray) -> int | None:
    """Where digits run together are cut: the column of least ink in the middle share (of
    equals, the one nearest the middle)."""
    width = ink.shape[1]
    start, end = round(CUT_SEARCH[0] * width), round(CUT_SEARCH[1] * width)
    if end <= start:
        return None
    counts = ink[:, start:end].sum(axis=0).astype(np.float64)
    counts += np.abs(np.arange(start, end) - width / 2) / width  # ties: nearest the middle
    return start + int(np.argmin(counts))


def _trimmed(strokes: np.ndarray, box: tuple[int, int, int, int]
             ) -> tuple[int, int, int, int] | None:
    """The box shrunk to the ink inside it."""
    left, top, right, bottom = box
    inside = strokes[top:bottom, left:right]
    rows, cols = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    if not rows.size:
        return None
    return (left + int(cols[0]), top + int(rows[0]), left + int(cols[-1]) + 1,
            top + int(rows[-1]) + 1)


def _cut(strokes: np.ndarray, box: tuple[int, int, int, int],
         depth: int = 0) -> list[tuple[int, int, int, int]]:
    """A part cut into digits while it is wider than a digit."""
    left, top, right, bottom = box
    height = bottom - top
    if right - left <= MAX_DIGIT_ASPECT * height or depth >= MAX_DIGITS:
        return [box]
    at = _thinnest_column(strokes[top:bottom, left:right])
    if at is None or min(at, right - left - at) < MIN_PIECE_ASPECT * height:
        return [box]
    pieces = []
    for piece in ((left, top, left + at, bottom), (left + at, top, right, bottom)):
        trimmed = _trimmed(strokes, piece)
        if trimmed is not None:
            pieces.extend(_cut(strokes, trimmed, depth + 1))
    return pieces


def split_digits(strokes: np.ndarray, printed: Sequence[tuple[int, int]] = ()
                 ) -> list[np.ndarray]:
    """The blank's ink (True) cut into digits, left to right, each cut to its box. A piece
    cut from a part and lying mostly on the columns `printed` (the printed words', inclusive)
    is a printed letter the handwriting ran into ("ngày" with the day's first stroke joined
    to its y), no digit; a whole part there was kept as handwriting (`grown_strokes`)."""
    boxes = []
    for part in _joined(_parts(strokes)):
        pieces = _cut(strokes, part)
        if len(pieces) > 1:
            pieces = [p for p in pieces
                      if printed_share(p[0], p[2] - 1, printed) <= PRINTED_SHARE]
        boxes.extend(pieces)
    if not boxes:
        return []
    tallest = max(bottom - top for _, top, _, bottom in boxes)
    boxes = [b for b in boxes if b[3] - b[1] >= MIN_DIGIT_HEIGHT * tallest]
    return [strokes[top:bottom, left:right] for left, top, right, bottom in boxes][:MAX_DIGITS]


# -- one digit -----------------------------------------------------------------------------------


def upright(ink: np.ndarray) -> np.ndarray:
    """The digit with its slant taken out (sheared until its ink has no x-y covariance):
    hands slant their digits, more or less, and a slanted 1 or 7 is read more surely upright."""
    moments = cv2.moments(ink.astype(np.uint8), True)
    if moments["mu02"] <= 0:
        return ink
    slant = max(-MAX_SLANT, min(MAX_SLANT, moments["mu11"] / moments["mu02"]))
    height, width = ink.shape
    pad = int(np.ceil(abs(slant) * height)) + 1
    centre_y = moments["m01"] / max(1.0, moments["m00"])
    shear = np.array([[1.0, -slant, pad + slant * centre_y], [0.0, 1.0, 0.0]])
    out = cv2.warpAffine(ink.astype(np.uint8) * 255, shear, (width + 2 * pad, height),
                         flags=cv2.INTER_LINEAR)
    return out >= 128


def _cut_to_ink(ink: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def normalise_digit(ink: np.ndarray, set_upright: bool = True) -> np.ndarray:
    """A digit's ink (True) as MNIST's SIDE x SIDE grey levels (0..1, flattened): its box
    scaled (aspect kept) to fit BOX x BOX, averaged down (the grey levels keep thin strokes),
    its centre of mass in the middle."""
    if not ink.any():
        return np.zeros(SIDE * SIDE, dtype=np.float32)
    ink = _cut_to_ink(ink)
    if set_upright and (straightened := upright(ink)).any():
        ink = _cut_to_ink(straightened)
    height, width = ink.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    grey = cv2.resize(ink.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    moments = cv2.moments(grey)
    centre_y = moments["m01"] / moments["m00"] if moments["m00"] else grey.shape[0] / 2
    centre_x = moments["m10"] / moments["m00"] if moments["m00"] else grey.shape[1] / 2
    top = min(max(round(SIDE / 2 - centre_y), 0), SIDE - grey.shape[0])
    left = min(max(round(SIDE / 2 - centre_x), 0), SIDE - grey.shape[1])
    image = np.zeros((SIDE, SIDE), dtype=np.float32)
    image[top:top + grey.shape[0], left:left + grey.shape[1]] = grey
    return image.reshape(-1)


# -- the classifier ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigitNetwork:
    """A one-hidden-layer network (ReLU, softmax) over a digit's normalised grey levels."""

    hidden_weights: np.ndarray  # (SIDE * SIDE, hidden)
    hidden_bias: np.ndarray
    out_weights: np.ndarray  # (hidden, 10)
    out_bias: np.ndarray

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        hidden = np.maximum(0.0, images @ self.hidden_weights + self.hidden_bias)
        scores = hidden @ self.out_weights + self.out_bias
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


@cache
def network() -> DigitNetwork:
    with np.load(resources.path(resources.DIGIT_MODEL)) as data:
        return DigitNetwork(*(data[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")))


def classify(strokes: np.ndarray, printed: Sequence[tuple[int, int]] = ()) -> DigitReading:
    """The blank's digits as the classifier reads them (`printed`: see `split_digits`)."""
    digits = split_digits(strokes, printed)
    if not digits:
        return DigitReading("", np.zeros((0, 10), dtype=np.float32))
    # Each digit is looked at as written and set upright; the two readings are averaged.
    probabilities = np.mean([network().probabilities(np.stack(
        [normalise_digit(d, set_upright) for d in digits])) for set_upright in (False, True)],
        axis=0)
    text = "".join(str(int(i)) for i in probabilities.argmax(axis=1))
    return DigitReading(text, probabilities)

"""A second reader for the digits of a filled-in blank, apart from Tesseract (`blanks.py`).

Tesseract reads handwritten digits poorly, and its confidence says little about whether it
read them right. This reader cuts the blank's ink into digits (connected components: parts
lying over each other joined, a too-wide part split at its thinnest column), normalises each
the way the UCI "Optical Recognition of Handwritten Digits" set was made (the digit's box
scaled into a 32x32 bitmap, its on-pixels counted in 4x4 blocks: 8x8 counts 0..16) and
classifies it with a small network trained on that set and on printed digits
(`tools/train_digits.py`, `pipeline/data/digits_mlp.npz`). Only numpy and OpenCV at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from pipeline import resources

# The UCI preprocessing: a 32x32 bitmap counted in 4x4 blocks.
BITMAP = 32
BLOCK = 4
# Parts of the ink lying over each other by this share of the narrower one are one digit
# (the bar of a 5, a 7's cross, a pen lifted mid-stroke).
MERGE_OVERLAP = 0.4
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
    """The ink's connected parts as (left, top, right, bottom), left to right."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(strokes.astype(np.uint8), 8)
    boxes = []
    for i in range(1, count):
        left, top, width, height = (int(v) for v in stats[i, :4])
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


def split_digits(strokes: np.ndarray) -> list[np.ndarray]:
    """The blank's ink (True) cut into digits, left to right, each cut to its box."""
    boxes = [piece for box in _joined(_parts(strokes)) for piece in _cut(strokes, box)]
    if not boxes:
        return []
    tallest = max(bottom - top for _, top, _, bottom in boxes)
    boxes = [b for b in boxes if b[3] - b[1] >= MIN_DIGIT_HEIGHT * tallest]
    return [strokes[top:bottom, left:right] for left, top, right, bottom in boxes][:MAX_DIGITS]


# -- one digit -----------------------------------------------------------------------------------


def upright(ink: np.ndarray) -> np.ndarray:
    """The digit with its slant taken out (sheared until its ink has no x-y covariance):
    hands slant their digits, more or less, and a slanted 1 or 7 looks like nothing in 8x8."""
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


def normalise_digit(ink: np.ndarray, set_upright: bool = True) -> np.ndarray:
    """A digit's ink (True) as UCI's 64 counts: its box scaled (aspect kept) to fill a 32x32
    bitmap, centred, on-pixels counted in 4x4 blocks (0..16)."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not rows.size:
        return np.zeros(64, dtype=np.float32)
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    if set_upright:
        ink = upright(ink)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype(np.float32)
    height, width = ink.shape
    scale = BITMAP / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    scaled = cv2.resize(ink, size, interpolation=cv2.INTER_AREA) >= 0.5
    bitmap = np.zeros((BITMAP, BITMAP), dtype=np.float32)
    top, left = (BITMAP - scaled.shape[0]) // 2, (BITMAP - scaled.shape[1]) // 2
    bitmap[top:top + scaled.shape[0], left:left + scaled.shape[1]] = scaled
    counts = bitmap.reshape(BITMAP // BLOCK, BLOCK, BITMAP // BLOCK, BLOCK).sum(axis=(1, 3))
    return counts.reshape(64)


# -- the classifier ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigitNetwork:
    """A one-hidden-layer network (ReLU, softmax) over the 64 counts scaled to 0..1."""

    hidden_weights: np.ndarray  # (64, hidden)
    hidden_bias: np.ndarray
    out_weights: np.ndarray  # (hidden, 10)
    out_bias: np.ndarray

    def probabilities(self, counts: np.ndarray) -> np.ndarray:
        hidden = np.maximum(0.0, counts / 16.0 @ self.hidden_weights + self.hidden_bias)
        scores = hidden @ self.out_weights + self.out_bias
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


@cache
def network() -> DigitNetwork:
    with np.load(resources.path(resources.DIGIT_MODEL)) as data:
        return DigitNetwork(*(data[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2")))


def classify(strokes: np.ndarray) -> DigitReading:
    """The blank's digits as the classifier reads them."""
    digits = split_digits(strokes)
    if not digits:
        return DigitReading("", np.zeros((0, 10), dtype=np.float32))
    # Each digit is looked at as written and set upright; the two readings are averaged.
    probabilities = np.mean([network().probabilities(np.stack(
        [normalise_digit(d, set_upright) for d in digits])) for set_upright in (False, True)],
        axis=0)
    text = "".join(str(int(i)) for i in probabilities.argmax(axis=1))
    return DigitReading(text, probabilities)

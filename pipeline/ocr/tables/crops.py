"""A table cell's crop and the words read in it; crops stacked for one Tesseract read.

Shared by the reading (read.py) and the number repair (numbers.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

# A cell's ink is clearly darker than its paper (the 90th percentile of its tone): a blank
# cell's noise is not taken for ink.
PAPER_PERCENTILE = 90
INK_BELOW_PAPER = 60
BLUR_PX = 3
MIN_STACK_GAP_PX = 20  # white between stacked crops: half a cell's height, at least this


@dataclass
class Word:
    text: str
    conf: float  # Tesseract's 0..100, -1 when it gives none
    box: tuple[int, int, int, int]  # left, top, right, bottom in the crop's pixels


@dataclass
class Crop:
    index: int  # into grid.cells
    image: np.ndarray  # gray, rules and specks cut away, text brought to TEXT_HEIGHT_PX
    lines: int  # text lines seen in it
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def binarize_cell(crop: np.ndarray) -> np.ndarray:
    """Ink of a cell crop (255 on 0): Otsu on the crop, kept only where it is clearly darker
    than the paper, so that a blank cell's noise is not taken for ink."""
    blurred = cv2.GaussianBlur(crop, (BLUR_PX, BLUR_PX), 0)
    paper = float(np.percentile(blurred, PAPER_PERCENTILE))
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dark = (blurred < paper - INK_BELOW_PAPER).astype(np.uint8) * 255
    return cv2.bitwise_and(otsu, dark)


def stack(images: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Images one under the other on white, half a cell's height between them; the (x, top,
    bottom) each occupies."""
    heights = [image.shape[0] for image in images]
    gap = max(MIN_STACK_GAP_PX, int(np.median(heights) // 2))
    width = max(image.shape[1] for image in images) + 2 * gap
    total = sum(heights) + gap * (len(images) + 1)
    canvas = np.full((total, width), 255, np.uint8)
    offsets = []
    y = gap
    for image in images:
        canvas[y:y + image.shape[0], gap:gap + image.shape[1]] = image
        offsets.append((gap, y, y + image.shape[0]))
        y += image.shape[0] + gap
    return canvas, offsets


def for_tesseract(image: np.ndarray) -> Image.Image:
    """The image as handed to `external`. (Should pytesseract ever write it itself: as BMP,
    since its default, PNG, spends more time compressing a stack of cells than Tesseract
    spends loading it, ~0.4 s a page.)"""
    out = Image.fromarray(image)
    out.format = "BMP"
    return out


def words_by_band(
    data: dict[str, list], offsets: list[tuple[int, int, int]]
) -> list[list[Word]]:
    """Tesseract's words in reading order, each given to the image whose band holds its centre,
    with its box in that image's pixels."""
    out: list[list[Word]] = [[] for _ in offsets]
    starts = [top for _, top, _ in offsets]
    for i, level in enumerate(data["level"]):
        text = unicodedata.normalize("NFC", str(data["text"][i]).strip())
        if int(level) != 5 or not text:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        right, bottom = left + int(data["width"][i]), top + int(data["height"][i])
        index = max(0, int(np.searchsorted(starts, (top + bottom) / 2, side="right")) - 1)
        x0, y0, _ = offsets[index]
        out[index].append(Word(text, float(data["conf"][i]),
                                (left - x0, top - y0, right - x0, bottom - y0)))
    return out


def mean_confidence(words: list[Word]) -> float:
    values = [word.conf for word in words if word.conf >= 0]
    return sum(values) / len(values) if values else 0.0


def union_box(words: list[Word]) -> tuple[int, int, int, int]:
    return (min(w.box[0] for w in words), min(w.box[1] for w in words),
            max(w.box[2] for w in words), max(w.box[3] for w in words))

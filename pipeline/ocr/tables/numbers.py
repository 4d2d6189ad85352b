"""Numbers of the TT column as printed: "2.1", not "21".

Tesseract reads the full stop of a row number as part of a digit or not at all, and 1 as one of
its look-alikes. When the dot stands apart from the digits the shapes tell where it goes; when
blur has fused it with a digit, the cell is read again with the digits-only English model.
"""

from __future__ import annotations

import cv2
import numpy as np
import regex

from pipeline import external
from pipeline.ocr.tables.crops import (
    Crop,
    Word,
    binarize_cell,
    for_tesseract,
    mean_confidence,
    stack,
    union_box,
    words_by_band,
)
from pipeline.ocr.tables.detect import TableGrid
from pipeline.text.lookalikes import DIGIT_ONE_LOOKALIKES, digit_ones

DIGIT_WHITELIST = "-c tessedit_char_whitelist=0123456789."
DIGITS_PSM = 7  # one line of text
# What a TT cell reads as: digits with dots, and the look-alikes of 1 Tesseract gives for them.
NUMBER_LIKE = regex.compile(rf"^[\d.IVX{regex.escape(DIGIT_ONE_LOOKALIKES)}]{{1,8}}$")
# The TT column: one whose read cells (2 or more) are mostly (60%) such numbers.
MIN_NUMBER_CELLS = 2
NUMBER_COLUMN_SHARE = 0.6
MIN_UNSETTLED_DIGITS = 2  # one digit has no full stop to lose
# Shapes, as shares of the tallest: digits are at least 0.6 of it (strokes of one digit broken
# apart overlap by half their width); a full stop is at most 0.35 high and 0.5 wide, its
# bottom within 0.2 of the digits' baseline.
GLYPH_MIN_HEIGHT = 0.6
GLYPH_OVERLAP = 0.5
DOT_MAX_HEIGHT = 0.35
DOT_MAX_WIDTH = 0.5
DOT_BASELINE_SLACK = 0.2


def number_columns(crops: list[Crop], grid: TableGrid) -> set[int]:
    """Columns whose read cells are mostly numbers such as "1", "1.1", "II" (the TT column)."""
    seen: dict[int, list[bool]] = {}
    for crop in crops:
        if grid.cells[crop.index].col_span != 1 or not crop.words:
            continue
        seen.setdefault(grid.cells[crop.index].col, []).append(bool(NUMBER_LIKE.match(crop.text)))
    return {col for col, flags in seen.items() if len(flags) >= MIN_NUMBER_CELLS
            and np.mean(flags) >= NUMBER_COLUMN_SHARE}


def repair_number_cells(crops: list[Crop], lang: str) -> None:
    """Puts back the full stop of "2.1" read as "21". When the dot stands apart from the digits
    the shapes tell where it goes; when blur has fused it with a digit, the cell is read again
    with the digits-only English model (better at numbers than the Vietnamese one) and that
    reading is taken if it has the same digits. Those second reads share one loaded model."""
    fixes: dict[int, str] = {}
    unsettled: list[Crop] = []
    for number, crop in enumerate(crops):
        fixed = repair_number(crop.text, crop.image)
        if fixed is not None:
            fixes[number] = fixed
        elif len(_digits_of(crop.text) or "") >= MIN_UNSETTLED_DIGITS:
            unsettled.append(crop)
        else:
            fixes[number] = crop.text
    alternatives = dict(zip(map(id, unsettled), _read_digits(unsettled, lang), strict=True))
    for number, crop in enumerate(crops):
        text = crop.text
        if number in fixes:
            fixed = fixes[number]
        else:
            alt = alternatives.get(id(crop), "")
            fixed = alt if alt and _digits_of(alt) == (_digits_of(text) or "") else text
        if fixed != text:
            crop.words = [Word(fixed, mean_confidence(crop.words), union_box(crop.words))]


def _read_digits(crops: list[Crop], lang: str) -> list[str]:
    if not crops:
        return []
    model = "eng" if "eng" in external.tesseract_languages() else lang
    stacks = [stack([crop.image]) for crop in crops]
    readings = external.tesseract_data_many(
        [for_tesseract(image) for image, _ in stacks], model, psm=DIGITS_PSM,
        config=DIGIT_WHITELIST)
    return ["".join(word.text for word in words_by_band(data, offsets)[0])
            for (_, offsets), data in zip(stacks, readings, strict=True)]


def _digits_of(text: str) -> str | None:
    """The digits of a TT-cell reading, look-alikes of 1 made 1; None when it is not one."""
    compact = text.replace(" ", "")
    if not compact or not any(ch.isdigit() for ch in compact):
        return None
    digits = digit_ones(compact.replace(".", ""))
    return digits if digits.isdigit() else None


def repair_number(text: str, image: np.ndarray) -> str | None:
    """A TT-column number as printed, from its reading and its shapes: look-alikes of 1 ("l",
    "I", "]") read among digits become 1, and full stops that stand as separate dots on the
    baseline between two digits are put where they stand. A full stop that was read is kept.
    None when the shapes cannot settle it: several digits, no dot read and none seen apart
    (blur may have fused it with a digit)."""
    digits = _digits_of(text)
    if digits is None:
        return text
    mapped = digit_ones(text.replace(" ", ""))
    glyphs, dots = _number_shapes(image)
    if len(glyphs) == len(digits) and dots:
        out = []
        for index, digit in enumerate(digits):
            out.append(digit)
            if index + 1 < len(glyphs) and any(
                glyphs[index][1] - 1 <= dot <= glyphs[index + 1][0] + 1 for dot in dots
            ):
                out.append(".")
        if mapped.endswith("."):
            out.append(".")  # "1." as printed: a trailing dot is not between glyphs
        return "".join(out)
    if "." in mapped or len(digits) < 2:
        return mapped
    return None


def _number_shapes(image: np.ndarray) -> tuple[list[tuple[int, int]], list[float]]:
    """Glyph x-extents (left, right) of the tall shapes, left to right, and the x-centres of
    the dots sitting on their baseline."""
    ink = binarize_cell(image)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return [], []
    boxes = [tuple(int(v) for v in stats[label, :4]) for label in range(1, count)]
    tallest = max(h for _, _, _, h in boxes)
    tall = sorted((x, x + w, y + h) for x, y, w, h in boxes if h >= GLYPH_MIN_HEIGHT * tallest)
    glyphs: list[list[int]] = []
    for left, right, _ in tall:  # broken strokes of one digit overlap in x
        if glyphs and left < glyphs[-1][1] - GLYPH_OVERLAP * (right - left):
            glyphs[-1][1] = max(glyphs[-1][1], right)
        else:
            glyphs.append([left, right])
    baseline = float(np.median([bottom for _, _, bottom in tall]))
    dots = [x + w / 2 for x, y, w, h in boxes
            if h <= DOT_MAX_HEIGHT * tallest and w <= DOT_MAX_WIDTH * tallest
            and abs(y + h - baseline) <= DOT_BASELINE_SLACK * tallest]
    return [(a, b) for a, b in glyphs], dots

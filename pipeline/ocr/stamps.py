"""Signature stamps: the rubber stamps in red or blue ink that stand by or under the printed
signature block, a title stamp ("KT. HIỆU TRƯỞNG" / "PHÓ HIỆU TRƯỞNG") and a name stamp
("TS. Nguyễn Văn A"). They tell who signed when the printed block does not (a deputy signs a
block printed for the head). The round state seal beside them is not read (its text runs
round a ring).

Stamp text is found in the page's coloured ink by shape: letters of a stamp are solid strokes
of strong colour that make horizontal lines of a letter's height, several times as wide as
high. The seals' discs (`colour.find_seals`) are taken out first; what is left of a ring cut by
the page's edge is too high for a line. Specks of colour along black print (a JPEG's colour
fringes) are too small to count as strokes. Each stamp (its lines, one under the other) is
read by Tesseract from its ink alone, dark on white, and kept as an overlay
(`Overlay(kind="signature-stamp")`), never as the page's lines.
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np
from PIL import Image

from pipeline import external
from pipeline.model import Box, Overlay
from pipeline.ocr.prepare import paper_tone

# Too little coloured ink (share of the page) to hold a stamp's text.
MIN_COLOURED_SHARE = 0.0005
# A page with more of its ink coloured than this is coloured print, not stamped (a stamp and
# a seal are a small part of a page's ink).
MAX_COLOURED_INK_SHARE = 0.4
INK_CONTRAST = 60
# A stamp line's ink: at least this share coloured (a stamp overlapping print has some
# black), at least this share of it one colour (red or blue).
MIN_LINE_COLOUR = 0.5
MIN_ONE_COLOUR = 0.8
# Hues (OpenCV, 0..180) of stamp ink: red (both ends of the circle) and blue.
RED_HUES = (12, 165)  # red is below the first or above the second
BLUE_HUES = (95, 135)
STAMP_SATURATION = 90
STAMP_VALUE = 60
# Coloured ink is looked at on the page resampled to this width (an A4 page at 150 dpi), so
# that the sizes below hold for any scan resolution.
WORK_WIDTH = 1240
# Straight ink longer than this (share of the work width) is a rule of a stamp's frame, not a
# letter's stroke (letters of a stamp are at most 10 mm high).
RULE_LENGTH = 0.05
# A stroke has at least this many pixels (a JPEG's colour fringe along black print: 1-5).
MIN_STROKE_AREA = 12
# Letters of a line are joined across this gap (share of the work width: a word space).
LETTER_JOIN = 0.012
# A stamp line's height (share of the work width: letters of 2-10 mm on A4, a script name
# stamp's flourishes included) and its least width in heights (a word or more).
LINE_HEIGHT = (0.010, 0.05)
MIN_LINE_ASPECT = 2.5
# Stamp lines sit in the lower part of the page, where the signature block is.
SIGNATURE_REGION = 0.45
# Lines of one stamp: at most this many line heights apart, overlapping across.
STAMP_LINE_GAP = 1.6
# The seals' discs taken out a little beyond their rim.
SEAL_MARGIN = 1.12
# A stamp is read at this line height in pixels, with this margin of paper (line heights).
READ_LINE_HEIGHT = 48
READ_MARGIN = 0.5
MIN_WORD_CONFIDENCE = 50.0
# Taken out of the grey page: a stamp's box and this share of its height around it; there,
# what is within this of the paper's tone in its brightest channel is paper (as in a seal).
CLEAR_PAD = 0.2
CLEAR_MARGIN = 70


def stamp_ink(rgb: np.ndarray) -> np.ndarray:
    """Mask of strongly coloured red or blue ink."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    red = (hue <= RED_HUES[0]) | (hue >= RED_HUES[1])
    blue = (hue >= BLUE_HUES[0]) & (hue <= BLUE_HUES[1])
    return (red | blue) & (saturation >= STAMP_SATURATION) & (value >= STAMP_VALUE)


def find_stamps(rgb: np.ndarray, seals: list[tuple[float, float, float]]) -> list[Box]:
    """Boxes (page pixels) of the stamps' text: lines of coloured letters in the lower part of
    the page, outside the seals (x, y, radius), each stamp's lines together. None on a page
    whose print itself is coloured (most of its ink red or blue)."""
    scale = WORK_WIDTH / rgb.shape[1]
    ink = stamp_ink(rgb)
    if not _stamps_possible(rgb, ink):
        return []
    ink = ink.astype(np.uint8)
    for x, y, radius in seals:
        cv2.circle(ink, (round(x), round(y)), round(radius * SEAL_MARGIN), 0, thickness=-1)
    ink = cv2.resize(ink * 255, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    strokes = _strokes(_without_rules(ink > 0))
    lines = [_scaled(box, 1 / scale) for box in _line_boxes(strokes)
             if _is_stamp_line(box, strokes.shape)]
    return _stamps([box for box in lines if _is_stamped(rgb[box.top:box.top + box.height,
                                                            box.left:box.left + box.width])])


def _stamps_possible(rgb: np.ndarray, ink: np.ndarray) -> bool:
    """Enough coloured ink for a stamp, and not most of the page's ink (coloured print)."""
    coloured = int(ink.sum())
    if coloured < MIN_COLOURED_SHARE * ink.size:
        return False
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    dark = int((grey < paper_tone(grey) - INK_CONTRAST).sum())
    return coloured <= MAX_COLOURED_INK_SHARE * max(1, dark + coloured)


def _without_rules(ink: np.ndarray) -> np.ndarray:
    """The ink without straight rules longer than a letter (a stamp's frame), which would join
    its lines into one box."""
    length = max(3, round(ink.shape[1] * RULE_LENGTH))
    mask = ink.astype(np.uint8)
    rules = cv2.bitwise_or(
        cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, length), np.uint8)),
        cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)))
    return ink & ~rules.astype(bool)


def _strokes(ink: np.ndarray) -> np.ndarray:
    """The ink without specks too small to be a letter's stroke."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_STROKE_AREA
    return keep[labels]


def _line_boxes(strokes: np.ndarray) -> list[Box]:
    """Boxes of the strokes joined across letter and word gaps."""
    width = strokes.shape[1]
    join = max(3, round(width * LETTER_JOIN))
    joined = cv2.dilate(strokes.astype(np.uint8), np.ones((1, join), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, 8)
    return [Box(left=int(stats[i, 0]) + join // 2, top=int(stats[i, 1]),
                width=max(1, int(stats[i, 2]) - join + 1), height=int(stats[i, 3]))
            for i in range(1, count)]


def _is_stamp_line(box: Box, shape: tuple[int, ...]) -> bool:
    height, width = shape[:2]
    return (LINE_HEIGHT[0] * width <= box.height <= LINE_HEIGHT[1] * width
            and box.width >= MIN_LINE_ASPECT * box.height
            and box.top >= SIGNATURE_REGION * height
            and box.left > 0 and box.left + box.width < width
            and box.top + box.height < height)


def _is_stamped(crop: np.ndarray) -> bool:
    """Whether a line's ink is a stamp's: mostly coloured, and of one colour. Black print's
    colour fringes (a JPEG's bleeding, a screen font's sub-pixel red and blue edges) are a
    small part of its ink, and of both colours."""
    ink = stamp_ink(crop)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV)
    black = (grey < paper_tone(grey) - INK_CONTRAST) & ~ink
    coloured = int(ink.sum())
    if coloured < MIN_LINE_COLOUR * (coloured + int(black.sum())):
        return False
    hue = hsv[:, :, 0][ink]
    blue = int(((hue >= BLUE_HUES[0]) & (hue <= BLUE_HUES[1])).sum())
    return max(blue, coloured - blue) >= MIN_ONE_COLOUR * coloured


def _stamps(lines: list[Box]) -> list[Box]:
    """Lines one under the other (close, overlapping across) joined into stamps."""
    stamps: list[Box] = []
    for line in sorted(lines, key=lambda b: b.top):
        for i, stamp in enumerate(stamps):
            gap = line.top - (stamp.top + stamp.height)
            across = (min(line.left + line.width, stamp.left + stamp.width)
                      - max(line.left, stamp.left))
            if gap <= STAMP_LINE_GAP * line.height and across > 0:
                stamps[i] = _union(stamp, line)
                break
        else:
            stamps.append(line)
    return stamps


def read_stamp(rgb: np.ndarray, box: Box, lang: str) -> str:
    """The stamp's text, line by line, read from its coloured ink alone (dark on white)."""
    crop = rgb[box.top:box.top + box.height, box.left:box.left + box.width]
    ink = stamp_ink(crop)
    # Ink darkness from its saturation: the strokes' soft edges kept for Tesseract.
    saturation = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV)[:, :, 1]
    grey = np.where(ink, 255 - saturation, 255).astype(np.uint8)
    line_height = _line_height(ink)
    factor = READ_LINE_HEIGHT / max(1, line_height)
    grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    pad = round(READ_MARGIN * READ_LINE_HEIGHT)
    grey = cv2.copyMakeBorder(grey, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    data = external.tesseract_data(Image.fromarray(grey), lang, psm=6)
    return _text(data)


def _line_height(ink: np.ndarray) -> int:
    """The median height of the crop's ink lines (rows with ink, in runs)."""
    rows = ink.any(axis=1)
    runs, run = [], 0
    for inked in rows:
        if inked:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    return int(np.median(runs)) if runs else ink.shape[0]


def _text(data: dict[str, list]) -> str:
    """Tesseract's words as lines (its block, paragraph and line numbers), the unsure left."""
    lines: dict[tuple, list[str]] = {}
    for i, word in enumerate(data["text"]):
        word = str(word).strip()
        if not word or float(data["conf"][i]) < MIN_WORD_CONFIDENCE:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    return unicodedata.normalize("NFC", text)


def without_stamps(grey: np.ndarray, rgb: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """The grey page with the stamps' coloured ink turned to paper: their text is read apart
    (`signature_stamps`), as overlays. As inside a seal (`colour.to_grey`), the grey there is
    the brightest channel, in which coloured ink is nearly paper and black print stays dark;
    what is that bright is paper (the strokes' pale edges too, which were read as junk)."""
    if not boxes:
        return grey
    out = grey.copy()
    cut = paper_tone(grey) - CLEAR_MARGIN
    height, width = grey.shape
    for box in boxes:
        pad = round(box.height * CLEAR_PAD)
        rows = slice(max(0, box.top - pad), min(height, box.top + box.height + pad))
        cols = slice(max(0, box.left - pad), min(width, box.left + box.width + pad))
        brightest = rgb[rows, cols].max(axis=2)
        out[rows, cols] = np.where(brightest >= cut, 255, brightest).astype(np.uint8)
    return out


def signature_stamps(rgb: np.ndarray, boxes: list[Box], number: int,
                     lang: str) -> list[Overlay]:
    """The stamps (boxes of `find_stamps`) that read as text, as overlays; boxes in the pixels
    of `rgb`."""
    overlays = []
    for box in boxes:
        text = read_stamp(rgb, box, lang)
        if text:
            overlays.append(Overlay(kind="signature-stamp", page=number, box=box, text=text))
    return overlays


def _union(a: Box, b: Box) -> Box:
    left, top = min(a.left, b.left), min(a.top, b.top)
    right = max(a.left + a.width, b.left + b.width)
    bottom = max(a.top + a.height, b.top + b.height)
    return Box(left=left, top=top, width=right - left, height=bottom - top)


def _scaled(box: Box, factor: float) -> Box:
    return Box(left=round(box.left * factor), top=round(box.top * factor),
               width=round(box.width * factor), height=round(box.height * factor))

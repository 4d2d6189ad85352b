"""Filled-in blanks of a document's head, read on their own (`Page.blanks`).

A Vietnamese administrative document (Decree 30/2020/NĐ-CP) is printed with its number and
the day (sometimes the month) of its date left blank, "Số:      /QĐ-UBND" and "Quảng Ngãi,
ngày      tháng 01 năm 2025", and filled in by hand when it is issued, often with a thick or
blue pen. The whole-page reading makes junk of them ("Ø7“", "9{"), and the grey page has lost
blue ink altogether (`colour`). Here each blank is found from the word boxes of the page's
lines (the label "Số:" and the "/" of the symbol; the words "ngày", "tháng", "năm"), cropped
from the page in its own colours (`original`), and read with Tesseract restricted to digits
in a few renderings, the reading most of them agree on kept.

Whether a blank was filled in by hand is told by its ink against the printed words of its own
line: another colour, thicker strokes or taller digits.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline import external
from pipeline.model import Box, FilledBlank, Line, Word
from pipeline.ocr.blank_box import GROW_REACH, grown_strokes, touches_sides
from pipeline.ocr.digits import classify
from pipeline.ocr.original import OriginalPage, crop, darkest
from pipeline.text.fold import fold

log = logging.getLogger("pipeline")

# The head of the page: the number and date lines stand in its top share.
HEAD_SHARE = 0.45
# The label "Số:" as OCR gives it, folded and lower case ("so:", "s6:", "5o:", "s:").
NUMBER_LABEL = re.compile(r"^(?:s\w?|5\w)(?:[:;.]|$)")
# The slash of the symbol, and what OCR reads it as.
SLASHES = "/\u2044\u2215"
# The words of the date line, folded and lower case, and how far OCR may have damaged them.
DAY_WORD, MONTH_WORD, YEAR_WORD = "ngay", "thang", "nam"
MAX_WORD_EDITS = 1
# Times New Roman's widths of the letters unlike the lowercase 500 and capital 722.
TIMES_ADVANCE = {"a": 444, "c": 444, "e": 444, "f": 333, "i": 278, "j": 278, "l": 278,
                 "m": 778, "r": 333, "s": 389, "t": 278, "w": 722, "z": 444, "I": 333,
                 "J": 389, "M": 889, "W": 944, ",": 250, ".": 250, ":": 278}
# A blank's box reaches this many line heights above and below its line (handwriting is
# taller than print and strays off the line) ...
REACH_ABOVE, REACH_BELOW = 0.7, 0.5
# ... and stops this many line heights short of the printed words around it.
MARGIN = 0.1
# Ink: darker than the paper by this much (0..255).
INK_CONTRAST = 70
# Specks smaller than this share of the line height squared are dust, not strokes.
MIN_STROKE_AREA = 0.02
# A rule (the line under the issuer's name, over the number line) is this many times as wide
# as high, and lower than this share of the line height.
RULE_ASPECT, RULE_HEIGHT = 4, 0.2
# Digits are read at these heights (pixels) with this much white around them: on the dev
# pages' handwritten blanks, single renderings read 5-9 of 27 right, English's model a little
# more than Vietnamese's (it has no marks to mistake a stroke for), 48-64 px best.
READ_HEIGHTS = (48, 64)
READ_PAD = 20
DIGITS_ONLY = "-c tessedit_char_whitelist=0123456789"
READING_MODES = (7, 13)
DIGIT_MODEL = "eng"
# Handwriting against the line's print: its ink this much more colourful (mean channel spread,
# 0..255), its strokes this many times as wide, or its digits this many times as tall as the
# printed words' ink. Printed digits stand at cap height: under the stacked marks, ascenders
# and descenders of words as "ngày", "tháng" (0.73-0.89 of them on the dev pages), but about
# as tall as "Số:" and "/KH-UBND" (0.95 on the sample plans). Handwritten digits are written
# as tall as the words or taller (0.92 and up on the dev pages), most often with a thicker
# pen: digits as tall as the words with strokes a little thicker than the print's, or digits
# clearly taller than the words, are handwriting too, on black-and-white scans and in a thin
# pen, where colour and stroke width alone do not tell.
COLOUR_GAP = 35
STROKE_RATIO = 1.45
HEIGHT_RATIO = 1.15
WORD_HEIGHT_RATIO, THICKER_RATIO = 0.92, 1.05
# The largest day and month.
FIELD_RANGE = {"day": (1, 31), "month": (1, 12)}
# A reading outside its field's range keeps this confidence.
OUT_OF_RANGE_CONFIDENCE = 0.1
# A reading of one reader only (`combined`) keeps this share of its confidence, under
# half: such readings are flagged (segment takes 0.6 and up), shown as guesses at most.
ALONE_SHARE = 0.45
# Ink within this many pixels of the reach's left or right side may be a digit cut off.
CUT_OFF_EDGE = 2


@dataclass(frozen=True)
class BlankSpot:
    """Where a blank is on the page as read, and printed words of its line to compare with."""

    field: str  # "number" | "day" | "month"
    box: Box
    line_box: Box  # the line's band, to tell the blank's strokes from the lines around it
    print_boxes: tuple[Box, ...]
    # Columns (x from, x to) of the printed words' text around the blank, not the junk OCR
    # glued to them: the blank's box may grow up to them, not into them (`blank_box`).
    print_spans: tuple[tuple[int, int], ...] = ()


def read_blanks(lines: list[Line], original: OriginalPage | None, page_height: int,
                lang: str = "vie") -> list[FilledBlank]:
    """The filled-in blanks of the page's head, read from the original page."""
    if original is None:
        return []
    blanks = []
    for spot in find_blanks(lines, page_height):
        blanks.append(read_spot(spot, original, lang))
    return blanks


# -- finding the blanks --------------------------------------------------------------------------


def find_blanks(lines: list[Line], page_height: int) -> list[BlankSpot]:
    """The number blank (the first "Số: … /" of the head) and the day and month blanks (the
    first "ngày … tháng … năm" line of the head)."""
    head = [line for line in lines if line.box is not None and line.words
            and line.box.top < page_height * HEAD_SHARE]
    spots: list[BlankSpot] = []
    number = next((spot for line in head if (spot := number_spot(line)) is not None), None)
    if number is not None:
        spots.append(number)
    spots.extend(next((found for line in head if (found := date_spots(line))), []))
    return spots


def _folded(word: Word) -> str:
    return fold(word.text).lower()


def _line_height(words: list[Word]) -> int:
    heights = sorted(w.box.height for w in words if w.box is not None)
    return heights[len(heights) // 2] if heights else 0


def _x_at(word: Word, offset: int) -> int:
    """Where the character at `offset` of the word starts, by its share of the characters
    (OCR gives boxes of words, not of letters)."""
    assert word.box is not None
    return word.box.left + round(word.box.width * offset / max(1, len(word.text)))


def _advance(text: str) -> int:
    """The text's width in Times New Roman (the face official documents are set in, Decree
    30/2020), in thousandths of its size; a letter's marks do not change its width."""
    return sum(TIMES_ADVANCE.get(c, 722 if c.isupper() else 500) for c in fold(text))


def _print_scale(words: list[Word]) -> float | None:
    """Pixels per thousandth of the line's print size: the median over its words of letters
    of their box width over their Times width."""
    scales = sorted(w.box.width / _advance(w.text) for w in words
                    if w.box is not None and len(w.text) >= 3 and w.text.isalpha())
    return scales[len(scales) // 2] if scales else None


def _printed_span(word: Word, start: int, end: int, scale: float | None,
                  printed: str) -> tuple[int, int]:
    """The columns of the printed word `printed` at character offsets [start, end) of `word`
    (OCR may have misread its letters). When OCR glued the blank's handwriting to its start or
    end ("ngày/1}'"), the printed part is measured at the line's print size from its side of
    the box: handwritten characters are wider or narrower than their share of the word, and a
    share would cut into the printed letters."""
    assert word.box is not None
    left, right = word.box.left, word.box.left + word.box.width
    glued_after, glued_before = end < len(word.text), start > 0
    if scale is None or glued_after == glued_before:
        return _x_at(word, start), _x_at(word, end)
    width = min(word.box.width, round(scale * _advance(printed)))
    return (left, left + width) if glued_after else (right - width, right)


def _between(field: str, left: int, right: int, line: Line, height: int,
             printed: list[Word], spans: list[tuple[int, int]]) -> BlankSpot | None:
    """The blank from x `left` to x `right` on `line`, reaching above and below it."""
    assert line.box is not None
    margin = round(MARGIN * height)
    left, right = left + margin, right - margin
    if right - left < height // 2:
        return None
    top = max(0, line.box.top - round(REACH_ABOVE * height))
    bottom = line.box.top + line.box.height + round(REACH_BELOW * height)
    return BlankSpot(field, Box(left=left, top=top, width=right - left, height=bottom - top),
                     line.box, tuple(w.box for w in printed if w.box is not None),
                     tuple(spans))


def number_spot(line: Line) -> BlankSpot | None:
    """"Số: ___ /QĐ-UBND": from the label (the line's first word; OCR may have glued what
    follows to it) to the slash of the symbol (the first "/" after the label; without one,
    the symbol is the last word with a dash, its first character the slash misread)."""
    if line.block not in (None, "header_left"):
        return None
    words = [w for w in line.words if w.box is not None]
    if len(words) < 2 and not (words and any(c in words[0].text for c in SLASHES)):
        return None
    found = NUMBER_LABEL.match(_folded(words[0])) if words else None
    if found is None:
        return None
    start = _x_at(words[0], found.end())
    slash = None
    for i, word in enumerate(words):
        offsets = [word.text.find(c, found.end() if i == 0 else 0) for c in SLASHES]
        offsets = [o for o in offsets if o >= 0]
        if offsets:
            slash, symbol = _x_at(word, min(offsets)), word
            break
    if slash is None:
        dashed = [w for w in words[1:] if "-" in w.text]
        if not dashed:
            return None
        symbol = dashed[-1]
        assert symbol.box is not None
        slash = symbol.box.left
    height = _line_height([words[0], symbol])
    assert words[0].box is not None and symbol.box is not None
    spans = [(words[0].box.left, start), (slash, symbol.box.left + symbol.box.width)]
    return _between("number", start, slash, line, height, [words[0], symbol], spans)


def _match_word(word: Word, target: str, at_end: bool = False) -> tuple[int, int] | None:
    """Where `target` ("ngay") stands in the word, as character offsets, allowing
    MAX_WORD_EDITS damaged letters: the whole word, or its start (or end, `at_end`) when OCR
    glued the blank's junk to it ("ngày4†", "04tháng")."""
    text = _folded(word)
    at = text.find(target)
    if at >= 0:
        return at, at + len(target)
    best: tuple[int, int, int] | None = None
    for size in (len(target), len(target) - 1, len(target) + 1):
        if size > len(text) or size < 3:
            continue
        part = text[len(text) - size:] if at_end else text[:size]
        edits = Levenshtein.distance(part, target)
        if edits <= MAX_WORD_EDITS and (best is None or edits < best[0]):
            start = len(text) - size if at_end else 0
            best = (edits, start, start + size)
    return None if best is None else (best[1], best[2])


def _find_word(words: list[Word], target: str, indexes: range,
               before: int | None = None) -> tuple[int, int, int] | None:
    """(word index, start, end offsets) of the first word among `indexes` that is `target`
    (in a word glued to the next one, only before offset `before` of the last index)."""
    for i in indexes:
        word = words[i]
        if before is not None and i == indexes[0]:
            word = Word(text=word.text[:before], box=word.box)
        found = _match_word(word, target) or _match_word(word, target, at_end=True)
        if found is not None:
            return i, *found
    return None


def date_spots(line: Line) -> list[BlankSpot]:
    """"ngày ___ tháng ___ năm 2025": the day between "ngày" and "tháng", the month between
    "tháng" and "năm"."""
    if line.block not in (None, "header_right"):
        return []
    words = [w for w in line.words if w.box is not None]
    month = _find_word(words, MONTH_WORD, range(len(words)))
    if month is None:
        return []
    # "ngày" is looked for back from "tháng": the place before it may look like it (Ngãi).
    day = _find_word(words, DAY_WORD, range(month[0], -1, -1), before=month[1])
    year = _find_word(words, YEAR_WORD, range(month[0] + 1, len(words)))
    if day is None or year is None:
        return []
    printed = [words[day[0]], words[month[0]], words[year[0]]]
    height = _line_height(printed)
    scale = _print_scale(words)
    spans = [_printed_span(words[i], start, end, scale, printed_word)
             for (i, start, end), printed_word in zip((day, month, year),
                                                       (DAY_WORD, MONTH_WORD, YEAR_WORD),
                                                       strict=True)]
    spots = []
    for field, before, after in (("day", 0, 1), ("month", 1, 2)):
        spot = _between(field, spans[before][1], spans[after][0], line, height, printed, spans)
        if spot is not None:
            spots.append(spot)
    return spots


# -- the blank's ink -----------------------------------------------------------------------------


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Ink pixels (True) of a crop: darker than its paper."""
    paper = float(np.percentile(grey, 90))
    return grey < paper - INK_CONTRAST


def blank_strokes(mask: np.ndarray, band: tuple[int, int], line_height: int) -> np.ndarray:
    """The blank's strokes: ink that reaches into the line's band (`band`, rows of the
    crop), specks dropped; what lies wholly above or below is another line's."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    keep = np.zeros(count, dtype=bool)
    min_area = MIN_STROKE_AREA * line_height * line_height
    for i in range(1, count):
        top, height, area = stats[i, cv2.CC_STAT_TOP], stats[i, cv2.CC_STAT_HEIGHT], stats[
            i, cv2.CC_STAT_AREA]
        width = stats[i, cv2.CC_STAT_WIDTH]
        rule = width > RULE_ASPECT * height and height < RULE_HEIGHT * line_height
        keep[i] = (area >= min_area and top < band[1] and top + height > band[0]
                   and not rule)
    return keep[labels]


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of the ink: twice its area over its outline's length."""
    if not mask.any():
        return 0.0
    eroded = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    outline = int((mask & ~eroded).sum())
    return 2.0 * float(mask.sum()) / max(1, outline)


def colourfulness(pixels: np.ndarray, mask: np.ndarray) -> float:
    """Mean spread of the three channels over the ink (0 for black or grey ink)."""
    if pixels.ndim != 3 or not mask.any():
        return 0.0
    ink = pixels[mask].astype(np.int16)
    return float((ink.max(axis=1) - ink.min(axis=1)).mean())


def _ink_height(mask: np.ndarray) -> int:
    rows = np.flatnonzero(mask.any(axis=1))
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


@dataclass(frozen=True)
class InkLook:
    colour: float
    stroke: float
    height: int


def ink_look(pixels: np.ndarray, mask: np.ndarray) -> InkLook:
    return InkLook(colourfulness(pixels, mask), stroke_width(mask), _ink_height(mask))


def print_look(original: OriginalPage, boxes: tuple[Box, ...]) -> InkLook | None:
    """How the line's printed words look (their ink pooled)."""
    looks = []
    for box in boxes:
        pixels = crop(original, box)
        mask = ink_mask(darkest(pixels))
        if mask.any():
            looks.append(ink_look(pixels, mask))
    if not looks:
        return None
    return InkLook(float(np.median([look.colour for look in looks])),
                   float(np.median([look.stroke for look in looks])),
                   int(np.median([look.height for look in looks])))


def looks_handwritten(blank: InkLook, printed: InkLook | None) -> bool:
    """Ink unlike the line's print: another colour, thicker strokes, taller digits, or digits
    as tall as the printed words in slightly thicker strokes."""
    if printed is None:
        return False
    stroke, height = max(printed.stroke, 1.0), max(printed.height, 1)
    return (blank.colour - printed.colour >= COLOUR_GAP
            or blank.stroke >= STROKE_RATIO * stroke
            or blank.height >= HEIGHT_RATIO * height
            or (blank.height >= WORD_HEIGHT_RATIO * height
                and blank.stroke >= THICKER_RATIO * stroke))


# -- reading digits ------------------------------------------------------------------------------


def digit_images(grey: np.ndarray, strokes: np.ndarray) -> list[Image.Image]:
    """The blank's strokes on white, cut to them, at each reading height: in grey, binarised
    (Otsu), and binarised with thick strokes thinned (a marker's digits run together)."""
    rows = np.flatnonzero(strokes.any(axis=1))
    cols = np.flatnonzero(strokes.any(axis=0))
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    cut = np.where(strokes, grey, 255)[top:bottom, left:right].astype(np.uint8)
    images = []
    for height in READ_HEIGHTS:
        scale = height / max(1, bottom - top)
        ink = cv2.resize(cut, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA
                         if scale < 1 else cv2.INTER_CUBIC)
        ink = cv2.copyMakeBorder(ink, READ_PAD, READ_PAD, READ_PAD, READ_PAD,
                                 cv2.BORDER_CONSTANT, value=255)
        _, binary = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        thin = cv2.dilate(binary, np.ones((3, 3), np.uint8))
        images.extend(Image.fromarray(image) for image in (ink, binary, thin))
    return images


def _reading(data: dict[str, list]) -> tuple[str, float]:
    texts, confidences = [], []
    for text, conf in zip(data.get("text", []), data.get("conf", []), strict=False):
        text = str(text).strip()
        if text and float(conf) >= 0:
            texts.append(text)
            confidences.append(float(conf) / 100.0)
    digits = re.sub(r"\D", "", "".join(texts))
    return digits, (sum(confidences) / len(confidences) if confidences else 0.0)


def digit_model(lang: str) -> str:
    """English's model when it is installed, else the page's."""
    return DIGIT_MODEL if DIGIT_MODEL in external.tesseract_languages() else lang


def read_digits(images: list[Image.Image], lang: str) -> tuple[str, float]:
    """The digits most readings agree on, and a confidence: the mean Tesseract confidence of
    those readings times the share of readings that agree."""
    model = digit_model(lang)
    readings = [_reading(external.tesseract_data(image, model, psm, DIGITS_ONLY))
                for image in images for psm in READING_MODES]
    votes: dict[str, list[float]] = {}
    for text, confidence in readings:
        if text:
            votes.setdefault(text, []).append(confidence)
    if not votes:
        return "", 0.0
    text, confidences = max(votes.items(), key=lambda item: sum(item[1]))
    return text, round(sum(confidences) / len(readings), 3)


def in_range(field: str, text: str, confidence: float) -> tuple[str, float]:
    """A day or month outside its range is no reading."""
    bounds = FIELD_RANGE.get(field)
    if bounds is None or not text:
        return text, confidence
    if not bounds[0] <= int(text) <= bounds[1]:
        return "", min(confidence, OUT_OF_RANGE_CONFIDENCE)
    return text, confidence


def same_reading(field: str, one: str, other: str) -> bool:
    """Two readings of a blank say the same (a day or month with or without its 0)."""
    if field in FIELD_RANGE and one.isdigit() and other.isdigit():
        return int(one) == int(other)
    return one == other


def combined(field: str, tesseract: tuple[str, float], classifier: tuple[str, float],
             handwritten: bool) -> tuple[str, float]:
    """One reading from Tesseract's and the digit classifier's (`digits.py`), and how far to
    trust it. Two readers that fail in different ways rarely agree on the same wrong digits:
    agreement is trusted more than either alone (1 - both wrong). When they disagree, print is
    Tesseract's (it reads type well; the classifier learnt from handwriting) and keeps its
    confidence; handwriting is the surer reader's, trusted under half. A reading from one
    reader alone (the other read nothing, or out of range) is trusted under half too."""
    (text, tess_conf), (digits, clf_conf) = tesseract, classifier
    if text and digits and same_reading(field, text, digits):
        return text, 1.0 - (1.0 - tess_conf) * (1.0 - clf_conf)
    if text and digits:
        if not handwritten:
            return text, tess_conf
        if clf_conf > tess_conf:
            return digits, ALONE_SHARE * clf_conf
        return text, ALONE_SHARE * tess_conf
    if text or digits:
        return (text, ALONE_SHARE * tess_conf) if text else (digits, ALONE_SHARE * clf_conf)
    return "", min(tess_conf, clf_conf)


def cut_off(strokes: np.ndarray) -> bool:
    """Ink running into the left or right side of the blank's reach (`widened`): a digit may
    be cut off."""
    return touches_sides(strokes, CUT_OFF_EDGE)


def widened(spot: BlankSpot) -> Box:
    """The blank's box reaching GROW_REACH line heights to either side: where its
    handwriting may run (`blank_box`)."""
    reach = round(GROW_REACH * spot.line_box.height)
    left = max(0, spot.box.left - reach)
    return Box(left=left, top=spot.box.top, width=spot.box.left + spot.box.width + reach - left,
               height=spot.box.height)


def read_spot(spot: BlankSpot, original: OriginalPage, lang: str) -> FilledBlank:
    region = widened(spot)
    pixels = crop(original, region)
    grey = darkest(pixels)
    band = (spot.line_box.top - region.top,
            spot.line_box.top + spot.line_box.height - region.top)
    ink = blank_strokes(ink_mask(grey), band, spot.line_box.height)
    core = (spot.box.left - region.left, spot.box.left + spot.box.width - 1 - region.left)
    printed = [(start - region.left, end - region.left) for start, end in spot.print_spans]
    printed_ink = print_look(original, spot.print_boxes)

    def handwriting(stroke: np.ndarray) -> bool:
        return looks_handwritten(ink_look(pixels, stroke), printed_ink)

    strokes, (left, right) = grown_strokes(ink, core, printed, spot.line_box.height,
                                           handwriting, slash=spot.field == "number")
    box = Box(left=region.left + left, top=region.top, width=right - left + 1,
              height=region.height)
    if not strokes.any():
        return FilledBlank(field=spot.field, text="", confidence=0.0, handwritten=False,
                           box=box)
    tesseract = in_range(spot.field, *read_digits(digit_images(grey, strokes), lang))
    handwritten = looks_handwritten(ink_look(pixels, strokes), printed_ink)
    if cut_off(strokes):
        # The classifier reads whole digits, and one cut by the reach's side is none: its
        # reading would be of part of the blank. Tesseract's reading stays as it is.
        text, confidence = tesseract
    else:
        reading = classify(strokes, printed)
        classifier = in_range(spot.field, reading.text, reading.confidence)
        text, confidence = combined(spot.field, tesseract, classifier, handwritten)
    return FilledBlank(field=spot.field, text=text, confidence=round(confidence, 3),
                       handwritten=handwritten, box=box)

"""Values filled in by hand in the header's printed blanks, read as a clerk reads them.

On a signed document the number ("Số: ___ /QĐ-UBND") and often the day (sometimes the month)
of the date line are written in by hand or stamped after printing. English-model OCR reads
them badly ("Ø7“", "9{", "2#", "4Ý") or as wrong digits, while the printed parts around them
(the symbol, "tháng 12 năm 2017") read well. So the printed parts are always kept, and the
blank's text becomes a value only when it reads as digits, with a `Reading` saying how it was
read: `unreadable` (no value taken) when it is not digits, `handwritten` when the evidence says
it was filled in (the gap a clerk leaves before the printed "/", or low Tesseract confidence
on its words). A digit string read apart by the OCR stage (`FilledBlank`) is preferred when it
is confident enough; it keeps its handwritten flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re

from pipeline.model import REVIEW_CONFIDENCE, FilledBlank, Reading, Word

# A FilledBlank's digits are taken when the OCR stage is at least this sure of them; below,
# they stand as a guess, flagged (a Reading under REVIEW_CONFIDENCE needs review).
BLANK_CONFIDENCE = 0.6

# Punctuation around a blank's digits that is the printed line's, not the value's ("⁄11",
# "04."); any other glyph glued to the digits ("2#", "04+", "9{") means OCR saw more than
# it read: the blank is unreadable rather than guessed.
_SPECKS = " \t:;.,⁄/"


@dataclass
class BlankValue:
    value: str | None  # the digits, or None when the blank is empty or unreadable
    reading: Reading | None  # None when the blank is empty (a draft) or holds plain type


def read_blank(raw: str, words: list[Word] | None, gap: bool, low: int, high: int,
               typed_ok: bool = True) -> BlankValue:
    """The value of a blank whose text is `raw`: digits in [low, high] or None, and how it was
    read. `gap`: whitespace between the blank and the printed text after it (a clerk's
    number before "/"). `typed_ok`: False where a value is nearly always handwritten."""
    text = raw.strip()
    if not text:
        return BlankValue(None, None)
    digits = text.strip(_SPECKS)
    readable = bool(re.fullmatch(r"\d{1,5}", digits)) and low <= int(digits) <= high
    confidence = word_confidence(text, words)
    unsure = confidence is not None and confidence < REVIEW_CONFIDENCE
    handwritten = gap or unsure or not typed_ok
    if not readable:
        return BlankValue(None, Reading(handwritten=handwritten, unreadable=True,
                                        confidence=confidence, ocr=text))
    if not handwritten:
        return BlankValue(digits, None)  # typed, read surely or not measured: nothing to say
    return BlankValue(digits, Reading(handwritten=handwritten, confidence=confidence, ocr=text))


def word_confidence(text: str, words: list[Word] | None) -> float | None:
    """The lowest Tesseract confidence (0..1) of the words holding `text`'s characters;
    None when the words are not known (a text input) or none holds them."""
    if not words:
        return None
    key = text.strip(_SPECKS)[:1] or text[:1]
    found = [w.confidence for w in words if w.confidence is not None and key in w.text]
    return min(found) / 100 if found else None


def from_filled_blank(blank: FilledBlank | None, ocr: str | None, low: int,
                      high: int) -> BlankValue | None:
    """The value of a blank the OCR stage read apart, when its digits are sure enough."""
    if blank is None or not re.fullmatch(r"\d{1,5}", blank.text):
        return None
    if (blank.confidence or 0.0) < BLANK_CONFIDENCE or not low <= int(blank.text) <= high:
        return None
    if not blank.handwritten and blank.confidence >= REVIEW_CONFIDENCE:
        return BlankValue(blank.text, None)  # plain type read surely: nothing to say
    return BlankValue(blank.text, Reading(handwritten=blank.handwritten,
                                          confidence=blank.confidence,
                                          ocr=ocr if ocr else blank.text))


def with_filled_blank(read: BlankValue, blank: FilledBlank | None, low: int,
                      high: int) -> BlankValue:
    """The value of a blank from the line's text (`read`) and from the OCR stage's own
    reading of it: the latter's digits when sure enough; else, where the text saw nothing or
    was unsure while the OCR stage found ink there, its digits as a guess that needs review
    (or no value, flagged: a filled-in blank never looks like an empty one)."""
    ocr = read.reading.ocr if read.reading else None
    taken = from_filled_blank(blank, ocr, low, high)
    if taken is not None:
        return taken
    in_doubt = read.value is None or (read.reading is not None and read.reading.needs_review)
    if in_doubt and blank is not None and (blank.text or blank.handwritten):
        # The page's text saw nothing, or digits it was unsure of: the OCR stage's own reading
        # of the blank (two readers made for digits, on the ink alone) is the better guess.
        guess = blank_guess(blank, low, high) or read.value
        return BlankValue(guess, Reading(
            handwritten=blank.handwritten or (read.reading is not None
                                              and read.reading.handwritten),
            unreadable=guess is None, confidence=blank.confidence,
            ocr=ocr or blank.text or None))
    return read


def blank_guess(blank: FilledBlank, low: int, high: int) -> str | None:
    """The OCR stage's digits of a blank too unsure to be taken (below BLANK_CONFIDENCE, so
    below REVIEW_CONFIDENCE: its reading needs review), as a guess where the line's text has
    no value at all; None when they are no value of the field."""
    if not re.fullmatch(r"\d{1,5}", blank.text) or not low <= int(blank.text) <= high:
        return None
    return blank.text


def blank_for(blanks: list[FilledBlank], field: str) -> FilledBlank | None:
    return next((b for b in blanks if b.field == field), None)


def merge_readings(*readings: Reading | None) -> Reading | None:
    """One reading for a value made of several blanks (a date's day and month): flagged when
    any part is, its confidence the lowest, its text the parts' texts."""
    present = [r for r in readings if r is not None]
    if not present:
        return None
    confidences = [r.confidence for r in present if r.confidence is not None]
    return Reading(
        handwritten=any(r.handwritten for r in present),
        unreadable=any(r.unreadable for r in present),
        confidence=min(confidences) if confidences else None,
        ocr=" | ".join(r.ocr or "" for r in present),
    )

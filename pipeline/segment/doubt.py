"""How sure segment is of the text fields it read from damaged lines: `Document.readings`.

A value is sliced from the restored text, which can still hold what OCR could not read: words
that are no Vietnamese syllable ("xqaớu ê kiaø dự toán …" for "Về giao dự toán …"), or, in a
short value such as a signer's name, a word Tesseract itself was unsure of ("Tuần" for
"Tuấn", under a signature's ink). Such a value is kept, with a `Reading` saying so:
- long values (title, subject): `unreadable` when a word of letters is neither a syllable nor
  written in capitals (codes and abbreviations: "TTHC", "CCHC");
- short values (the signature's lines): `confidence` the lowest word confidence of the lines
  the value came from, given when under model.REVIEW_CONFIDENCE.
Header values have their own readings (header.readings, pipeline.segment.filled).
"""

from __future__ import annotations

from functools import cache

import regex as re

from pipeline import resources
from pipeline.model import REVIEW_CONFIDENCE, Document, Line, Reading
from pipeline.text.fold import fold_key
from pipeline.text.vietnamese import is_syllable

_WORD = re.compile(r"\p{L}+")
_SUBJECT_MARK = re.compile(r"^\s*V/v\b")
_MIN_LINE_CHARS = 4  # shorter lines (specks, "-") say nothing of where a value came from


def odd_words(text: str) -> list[str]:
    """The words of `text` that do not read as Vietnamese: no syllable, no code in capitals,
    no word of the lexicon's names ("Đắk Lắk"); a letter's "V/v" aside."""
    text = _SUBJECT_MARK.sub("", text)
    return [w for w in _WORD.findall(text)
            if not w.isupper() and not is_syllable(w) and w.lower() not in _lexicon_words()]


@cache
def _lexicon_words() -> frozenset[str]:
    return frozenset(w.lower() for entry in resources.lexicon()
                     for w in _WORD.findall(entry.term))


def source_lines(value: str, lines: list[str]) -> list[int]:
    """The lines a value was sliced from: those whose text is part of it."""
    key = fold_key(value)
    return [i for i, line in enumerate(lines)
            if len(line.strip()) >= _MIN_LINE_CHARS and fold_key(line) in key]


def lowest_confidence(indices: list[int], page_lines: list[Line]) -> float | None:
    """The lowest Tesseract word confidence (0..1) on those lines; None for text inputs."""
    found = [w.confidence for i in indices if i < len(page_lines)
             for w in page_lines[i].words if w.confidence is not None]
    return min(found) / 100 if found else None


def long_text_reading(value: str | None) -> Reading | None:
    if not value:
        return None
    odd = odd_words(value)
    return Reading(unreadable=True, ocr=" ".join(odd)) if odd else None


def short_text_reading(value: str | None, lines: list[str],
                       page_lines: list[Line]) -> Reading | None:
    if not value:
        return None
    indices = source_lines(value, lines)
    confidence = lowest_confidence(indices, page_lines)
    if confidence is None or confidence >= REVIEW_CONFIDENCE:
        return None
    return Reading(confidence=round(confidence, 2),
                   ocr=" / ".join(page_lines[i].text for i in indices))


def field_readings(doc: Document, lines: list[str]) -> dict[str, Reading]:
    """The readings of the segmented document's text fields that are in doubt."""
    found = {
        "title": long_text_reading(doc.title),
        "subject": long_text_reading(doc.subject),
        "signature.authority": short_text_reading(doc.signature.authority, lines,
                                                  doc.page_lines),
        "signature.title": short_text_reading(doc.signature.title, lines, doc.page_lines),
        "signature.name": short_text_reading(doc.signature.name, lines, doc.page_lines),
    }
    return {key: reading for key, reading in found.items() if reading is not None}

"""Casing of restored words: a chosen syllable takes its OCR token's CAPS, Title or lower case,
and a line of mostly capitals (a heading) makes every word capitals."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from pipeline.restore.tokens import Token
from pipeline.text.syllables import to_official_tone

_MOSTLY_CAPS = 0.6


@lru_cache(maxsize=1 << 16)
def official_lower(word: str) -> str:
    return to_official_tone(unicodedata.normalize("NFC", word).lower())


def apply_casing(pattern: str, syllable: str, caps_line: bool) -> str:
    """Give the restored syllable the OCR token's casing: CAPS, Title or lower."""
    letters = [ch for ch in pattern if ch.isalpha()]
    if not letters:  # a number read for a syllable ("6" = ở) takes the line's case
        return syllable.upper() if caps_line else syllable
    uppers = sum(ch.isupper() for ch in letters)
    if (len(letters) >= 2 and uppers == len(letters)) or (caps_line and uppers):
        return syllable.upper()
    if letters[0].isupper():
        return syllable[:1].upper() + syllable[1:]
    return syllable


def is_caps_line(tokens: Sequence[Token]) -> bool:
    words = [t.text for t in tokens if t.kind == "word" and sum(c.isalpha() for c in t.text) > 1]
    if not words:
        return False
    caps = sum(
        sum(c.isupper() for c in w) >= max(2, sum(c.isalpha() for c in w) - 1) for w in words
    )
    return caps / len(words) >= _MOSTLY_CAPS

"""Vietnamese text without its marks, for matching: two ways, for two needs.

- `strip_marks` ('Đường' -> 'Duong'): tones and vowel modifiers dropped, đ -> d; the
  skeleton restore looks spellings up by.
- `fold` keeps the text's length, one character for one character, so that a match's offsets
  in the folded copy are offsets in the original, and values can be sliced from the original
  text (segment): same letters as `strip_marks` on NFC text, and the eth (ð) a d too.
"""

from __future__ import annotations

import unicodedata

from pipeline.text.lookalikes import D_LOOKALIKES, D_WITH_STROKE


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove tones and vowel modifiers and map đ->d: 'Đường' -> 'Duong'."""
    for stroke, plain in D_WITH_STROKE.items():
        text = text.replace(stroke, plain)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def fold_char(char: str) -> str:
    if char in D_LOOKALIKES:
        return D_LOOKALIKES[char]
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() or not unicodedata.combining(base) else char


class _FoldTable(dict):
    """code point -> its folded character, filled as characters are met (for str.translate:
    a long text is folded at C speed, not a Python call per character)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLDS = _FoldTable()


def fold(text: str) -> str:
    """Marks stripped, same length as `text` (so offsets carry over)."""
    return text.translate(_FOLDS)


def fold_key(text: str) -> str:
    """A comparison key: folded, lower case, whitespace collapsed."""
    return " ".join(fold(text).lower().split())

"""Is a text typed Vietnamese (or Vietnamese-model OCR) rather than English-model OCR of it?
And how many marks does a change of spelling touch?

A text is taken as typed when this share of its words holds letters no English OCR model can
produce (ư ơ ă đ ạ ả ...), or when most words carry some mark (real Vietnamese: ~87% of
words; English OCR of it: ~20%). Then its words are scored by the Vietnamese-model channel
(which knows that model reads "kể" as "kế", "chi" as "chỉ", and on a real scan "cầu" as
"câu"), a syllable may change its marks only, and every change costs `clean_text_change`
more: correct words stay as they are unless the LM strongly disagrees ("kế từ ngày" -> "kể
từ ngày", "yêu câu" -> "yêu cầu").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from pipeline.restore.hand_channel import decompose
from pipeline.restore.tokens import Token

CLEAN_SHARE = 0.25
CLEAN_MARKED_SHARE = 0.5


def _is_vietnamese_only(word: str) -> bool:
    """Letters beyond Latin-1: only Vietnamese typing or OCR writes them."""
    return any(ord(ch) > 0xFF and ch.isalpha() for ch in unicodedata.normalize("NFC", word))


def _is_marked(word: str) -> bool:
    """A mark other than é/è: English OCR writes é for most ê and ô, real text seldom."""
    return any(ord(ch) > 0x7F and ch.isalpha() and ch not in "éèëÉÈË" for ch in word)


def looks_clean(words: Sequence[str], use_marked: bool = True) -> bool:
    """Is this text typed Vietnamese rather than English-model OCR of it? (A single OCR
    line may be half marked, so lines are judged on native letters only.)"""
    if not words:
        return False
    native = sum(map(_is_vietnamese_only, words)) / len(words)
    marked = sum(map(_is_marked, words)) / len(words)
    return native >= CLEAN_SHARE or (use_marked and marked >= CLEAN_MARKED_SHARE)


def line_is_clean(tokens: Sequence[Token]) -> bool:
    return looks_clean([t.text for t in tokens if t.kind == "word"], use_marked=False)


def marks_changed(typed: str, syllable: str) -> int:
    """Marks in which two spellings of the same letters differ: the tone, and each letter's
    circumflex, breve, horn or stroke ("đất" / "đặt": 2; "tô" / "tổ": 1)."""
    first, second = [decompose(ch) for ch in typed], [decompose(ch) for ch in syllable]
    modifiers = sum(a[1] != b[1] for a, b in zip(first, second, strict=False))
    tones = ({tone for _, _, tone in first} - {""}, {tone for _, _, tone in second} - {""})
    return modifiers + (tones[0] != tones[1])

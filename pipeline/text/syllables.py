"""Vietnamese syllables: tone marks apart from letters, and the official tone placement.

Official documents put the tone of an open syllable in oa/oe/uy on the first vowel (hòa,
thủy, Ủy ban), the "old" style; hunspell and some typists use hoà, thuỷ. Every text the
pipeline writes goes through `to_official_tones`, whatever style the input used.
"""

from __future__ import annotations

import unicodedata

import regex

# Combining marks, by role.
TONES = {
    "\u0301": "s",  # sắc  á
    "\u0300": "f",  # huyền à
    "\u0309": "r",  # hỏi  ả
    "\u0303": "x",  # ngã  ã
    "\u0323": "j",  # nặng ạ
}
TONE_MARK = {name: mark for mark, name in TONES.items()}
# ... and the vowel modifiers: circumflex (â ê ô), breve (ă), horn (ơ ư). Đ has a stroke,
# which Unicode does not decompose.
MODIFIER_MARKS = "\u0302\u0306\u031b"
VIETNAMESE_MARKS = frozenset(TONES) | frozenset(MODIFIER_MARKS)
MODIFIED_VOWELS = set("âăêôơư")
VOWELS = set("aăâeêioôơuưy")

_WORD = regex.compile(r"\p{L}+")


def split_tone(syllable: str) -> tuple[str, str]:
    """'Thủy' -> ('Thuy', 'r'); tone '' when the syllable has none. Result is NFC."""
    letters, tone = [], ""
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONES:
            tone = TONES[ch]
        else:
            letters.append(ch)
    return unicodedata.normalize("NFC", "".join(letters)), tone


def tone_position(toneless: str) -> int | None:
    """Index of the letter that carries the tone in an (NFC, toneless) syllable."""
    lower = toneless.lower()
    # In "qu" and "gi" before a vowel, the u / i belong to the onset (quả, giá).
    start = 2 if lower[:2] in ("qu", "gi") and len(lower) > 2 and lower[2] in VOWELS else 0
    while start < len(lower) and lower[start] not in VOWELS:
        start += 1
    end = start
    while end < len(lower) and lower[end] in VOWELS:
        end += 1
    if start == end:
        return None
    nucleus = range(start, end)
    modified = [i for i in nucleus if lower[i] in MODIFIED_VOWELS]
    if modified:
        return modified[-1]  # ươ -> ơ, and the only one otherwise
    if end < len(lower):  # closed syllable: hoàn, thuyết
        return end - 1
    if end - start == 3:  # ngoài, khuỷu
        return start + 1
    return start  # open: hòa, thủy, mía, mùa


def place_tone(toneless: str, tone: str) -> str:
    """('thuy', 'r') -> 'thủy'. Strings that are not syllables come back unchanged."""
    if not tone:
        return toneless
    pos = tone_position(toneless)
    if pos is None:
        return toneless
    marked = toneless[pos] + TONE_MARK[tone]
    return unicodedata.normalize("NFC", toneless[:pos] + marked + toneless[pos + 1 :])


def to_official_tone(syllable: str) -> str:
    letters, tone = split_tone(syllable)
    return place_tone(letters, tone) if tone else unicodedata.normalize("NFC", syllable)


def to_official_tones(text: str) -> str:
    """NFC text with every syllable's tone where official documents put it."""
    text = unicodedata.normalize("NFC", text)
    return _WORD.sub(lambda m: to_official_tone(m.group()), text)

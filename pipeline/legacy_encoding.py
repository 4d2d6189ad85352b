"""Legacy 8-bit Vietnamese font encodings, TCVN3 (ABC) and VNI, to Unicode.

Before Unicode, Vietnamese was typed in fonts that draw Vietnamese letters at the byte codes
Latin-1 gives to its own letters and signs. Read as Windows-1252 (what a PDF without a
ToUnicode map, or a text file decoded as cp1258, gives), "Điều 1" typed in them reads
"§iÒu 1" (TCVN3) or "Ñieàu 1" (VNI). Two such encodings cover nearly all old documents:

- TCVN3: TCVN 5712:1993 table VN3, the ".Vn" fonts of the ABC package (.VnTime, .VnArial).
  One byte is one letter: the 67 lower-case letters with marks and the 7 capitals without
  tone (Ă Â Ê Ô Ơ Ư Đ), in 0xA1-0xFE. Capitals with a tone have no code of their own: they are
  typed with the lower-case codes in a capitals font (.VnTimeH, .VnArialH), which draws
  every letter as its capital.
- VNI Windows (VNI-Times, VNI-Helve): a letter is its base letter followed by one mark byte
  (a + 0xF9 "ù" = á; a + 0xE1 "á" = ấ: circumflex and tone in one byte); the capital marks
  are 0x20 below the small ones. i with a tone, ỵ, đ, ơ and ư have codes of their own.

Both are maps from a byte to what it shows (a letter, or marks that compose with the letter
before them, NFC). Text here is "the bytes read as Windows-1252" (`byte_view`): each
character at or above U+00A0 stands for the byte of the same number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pipeline.text.vietnamese import WordCounts, count_words

LegacyEncoding = Literal["tcvn3", "vni"]
ENCODINGS: tuple[LegacyEncoding, ...] = ("tcvn3", "vni")

# TCVN 5712:1993 VN3. Each vowel's five toned forms follow the table's order: huyền, hỏi,
# ngã, sắc, nặng (à ả ã á ạ at 0xB5-0xB9); ặ, ĩ, ị... sit where the table had room.
TCVN3 = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

GRAVE, ACUTE, TILDE, HOOK, DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
CIRCUMFLEX, BREVE = "\u0302", "\u0306"
# VNI Windows, small letters: mark bytes (after their base letter) and letters of their own.
# Each capital is 0x20 below.
_VNI_SMALL_MARKS = {
    0xF9: ACUTE, 0xF8: GRAVE, 0xFB: HOOK, 0xF5: TILDE, 0xEF: DOT,
    0xE2: CIRCUMFLEX, 0xE1: CIRCUMFLEX + ACUTE, 0xE0: CIRCUMFLEX + GRAVE,
    0xE5: CIRCUMFLEX + HOOK, 0xE3: CIRCUMFLEX + TILDE, 0xE4: CIRCUMFLEX + DOT,
    0xEA: BREVE, 0xE9: BREVE + ACUTE, 0xE8: BREVE + GRAVE,
    0xFA: BREVE + HOOK, 0xFC: BREVE + TILDE, 0xEB: BREVE + DOT,
}
_VNI_SMALL_LETTERS = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ",
    0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị", 0xEE: "ỵ",
}
VNI = {
    **_VNI_SMALL_MARKS, **{code - 0x20: marks for code, marks in _VNI_SMALL_MARKS.items()},
    **_VNI_SMALL_LETTERS,
    **{code - 0x20: letter.upper() for code, letter in _VNI_SMALL_LETTERS.items()},
}
TABLES: dict[str, dict[int, str]] = {"tcvn3": TCVN3, "vni": VNI}

# Font names (after a subset prefix "ABCDEF+"): .VnTime, .VnArialH, VnTimes-Bold; VNI-Times.
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_TCVN3_FONT = re.compile(r"^\.Vn\w|^Vn[A-Z][a-z]")
_VNI_FONT = re.compile(r"^VNI[- _]", re.IGNORECASE)
_FONT_STYLE = re.compile(r"([,-]?(Bold|Italic|Oblique|Regular|Normal|Roman|BoldItalic|MT|PS))+$")

# Statistics (text without font names): an encoding is taken when, converted, the text has
# at least this many marked words...
MIN_CONVERTED_MARKED = 3
# ... nearly all of them syllables ...
MIN_CONVERTED_MARKED_VALID = 0.8
# ... and conversion turns at least this many words (and share of them) into syllables.
MIN_WORDS_MENDED = 3
MIN_SHARE_MENDED = 0.05
# A text is judged on its first characters (a file is in one encoding; counting the words
# of a 5 MB file three times took 7 s).
SAMPLE_CHARS = 200_000


@dataclass(frozen=True)
class LegacyFont:
    encoding: LegacyEncoding
    capitals: bool  # a TCVN3 capitals font (.VnTimeH): every letter is drawn as its capital


def font_encoding(base_font: str) -> LegacyFont | None:
    """The legacy encoding a font's name tells (".VnTimeH" -> tcvn3, capitals), or None."""
    name = _SUBSET_PREFIX.sub("", base_font.lstrip("/"))
    if _VNI_FONT.match(name):
        return LegacyFont("vni", capitals=False)
    if _TCVN3_FONT.match(name):
        family = _FONT_STYLE.sub("", name.split(",")[0])
        return LegacyFont("tcvn3", capitals=family.endswith("H"))
    return None


def byte_view(raw: bytes) -> str:
    """Bytes read as Windows-1252, the five codes it leaves out as Latin-1."""
    return raw.decode("latin-1").translate(_WINDOWS_1252_C1)


def byte_map(font: LegacyFont) -> dict[int, str]:
    """What each byte 0x20-0xFF shows in such a font (for a PDF font's ToUnicode map); codes
    the legacy table leaves free show their Windows-1252 character."""
    table = TABLES[font.encoding]
    shown = {}
    for code in range(0x20, 0x100):
        text = table.get(code, byte_view(bytes([code])))
        shown[code] = text.upper() if font.capitals else text
    return shown


def convert(text: str, encoding: LegacyEncoding, capitals: bool = False) -> str:
    """`text` (bytes read as Windows-1252) as Unicode, NFC. `capitals`: typed in a TCVN3
    capitals font. Without it, TCVN3 lines and words whose ASCII letters are all capitals
    ("KÕ HO¹CH", "CH¦¥NG") are taken as typed in one, as the letters then show."""
    table = TABLES[encoding]
    if capitals:
        converted = text.translate(table).upper()
    elif encoding == "tcvn3":
        converted = "\n".join(_tcvn3_line(line) for line in text.split("\n"))
    else:
        converted = text.translate(table)
    return unicodedata.normalize("NFC", converted)


def detect(view: str, original: str | None = None) -> LegacyEncoding | None:
    """The legacy encoding `view` (a text's bytes read as Windows-1252) is in, from how it
    reads converted; None when it is not one. `original`: the text as otherwise decoded
    (cp1258, UTF-8), when not `view` itself. A text reading as Vietnamese already is never
    taken: conversion must mend words, and breaks them in correct text. `original` is cut
    where `view` is, so the two should have a character for each byte, as cp1258 gives."""
    view = view[:SAMPLE_CHARS]
    if not any("\u00a0" <= ch <= "\u00ff" for ch in view):
        return None
    before = count_words(view if original is None else original[:SAMPLE_CHARS])
    best: tuple[int, LegacyEncoding] | None = None
    for encoding in ENCODINGS:
        after = count_words(convert(view, encoding))
        if _mended(before, after) and (best is None or after.invalid < best[0]):
            best = (after.invalid, encoding)
    return best[1] if best else None


def _mended(before: WordCounts, after: WordCounts) -> bool:
    return (after.marked >= MIN_CONVERTED_MARKED
            and after.marked_valid >= MIN_CONVERTED_MARKED_VALID * after.marked
            and before.invalid - after.invalid
            >= max(MIN_WORDS_MENDED, MIN_SHARE_MENDED * after.words))


def _tcvn3_line(line: str) -> str:
    if _all_capitals(line):
        return line.translate(TCVN3).upper()
    return " ".join(
        word.translate(TCVN3).upper() if _all_capitals(word) else word.translate(TCVN3)
        for word in line.split(" ")
    )


def _all_capitals(text: str) -> bool:
    """At least two ASCII letters, all capitals."""
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def encode(text: str, encoding: LegacyEncoding, capitals: bool = False) -> bytes:
    """The bytes that show `text` in a font of the encoding (the tables' inverse; TCVN3
    capitals with a tone only in a capitals font, `capitals`, where all is lower case).
    Raises ValueError for a character the encoding cannot show."""
    if capitals:
        text = text.lower()
    inverse = _inverse(encoding)
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in inverse:
            out += inverse[ch]
        elif ch.isascii():
            out += ch.encode("ascii")
        else:
            raise ValueError(f"{encoding} cannot show {ch!r}")
    return bytes(out)


@cache
def _inverse(encoding: LegacyEncoding) -> dict[str, bytes]:
    """Letter -> its shortest bytes: a letter byte, else a base letter and a mark byte of its
    case."""
    table = TABLES[encoding]
    inverse = {text: bytes([code]) for code, text in table.items()
               if unicodedata.normalize("NFC", text) == text and not unicodedata.combining(text[0])}
    if encoding == "vni":
        bases = [(letter.encode("ascii"), letter) for letter in "aeiouyAEIOUY"]
        bases += [(bytes([code]), letter) for code, letter in table.items() if letter in "ơưƠƯ"]
        for base_bytes, base in bases:
            for code, marks in table.items():
                if unicodedata.combining(marks[0]) and (code >= 0xE0) == base.islower():
                    letter = unicodedata.normalize("NFC", base + marks)
                    if len(letter) == 1:
                        inverse.setdefault(letter, base_bytes + bytes([code]))
    return inverse


# Windows-1252's characters at 0x80-0x9F (0x81, 0x8D, 0x8F, 0x90 and 0x9D have none).
_WINDOWS_1252_C1 = {
    code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}

"""Line tokeniser for the restorer: every character of a line lands in exactly one token.

A line is cut into a skeleton of tokens whose texts concatenate back to the line, so the
restored line is rebuilt from the same skeleton: spacing, punctuation and line count are
never touched. Token kinds:

- ``word``: something that may be a garbled Vietnamese syllable ("tuyén", "s6", "x&", "ct?");
  the decoder may replace its text.
- ``protected``: numbers, dates, URLs, e-mails, document codes and all-caps abbreviations;
  their text is kept, except the Đ an English OCR model drops from code segments
  ("3444/QD-UBND" -> "3444/QĐ-UBND", see `restore_code`).
- ``space`` and ``punct``: kept verbatim; ``punct`` tokens that end a clause (. ; : ! ? …)
  reset the language-model context, like the LM's own tokenisation does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

from pipeline.restore.syllables import strip_marks

TokenKind = Literal["word", "protected", "space", "punct"]


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    kind: TokenKind


# Characters an English OCR model puts inside Vietnamese words are part of word tokens:
# digits and symbols that are really marked letters (s6 = số, x& = xã, ngh¢ = nghệ, @ = ở,
# k¥ = kỹ, ti’ = tử, phu’ong = phương).
_LETTER_OR_DIGIT = r"[\p{L}\p{M}\p{N}]"
_URL = r"(?:https?://|www\.)[^\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# A compound: letters/digits joined by - / . without spaces ("57-NQ/TW", "22/12/2024",
# "1.000", "QĐ-UBND"); classified by `_compound_kind`.
_COMPOUND = rf"{_LETTER_OR_DIGIT}+(?:[-/.,:]{_LETTER_OR_DIGIT}+)+"
# A word-like run, with OCR symbols allowed inside and a ? or ’ that OCR made of a hook or
# horn, inside before a lower-case letter ("chi?c" = chức) or trailing ("ct?" = cứ,
# "git?" = giữ); whether the tail stays attached is decided in
# `_split_word_tail`.
_WORDISH = (
    rf"[&¢¥@|]?{_LETTER_OR_DIGIT}(?:{_LETTER_OR_DIGIT}|[&¢¥@|]|[’'?](?=\p{{Ll}}))*(?:[?’'])?"
    r"|(?<!\S)@(?!\S)"  # a lone @ between spaces: ở
)
_TOKEN = regex.compile(
    rf"(?P<url>{_URL})|(?P<compound>{_COMPOUND})|(?P<word>{_WORDISH})"
    r"|(?P<space>\s+)|(?P<punct>.)",
    regex.V1,
)
_CLAUSE_STOPS = set(".;:!?…")
_HAS_DIGIT = regex.compile(r"\p{N}")
_HAS_LETTER = regex.compile(r"\p{L}")
_ALL_CAPS = regex.compile(r"^[\p{Lu}]{2,}$")
_ROMAN = regex.compile(r"^[IVXLC]+$")
# Section numbers as English OCR reads them: "III", "I1", "Ill", "I|" (III, II, ...)
_ROMAN_LIKE = regex.compile(r"^[IVX][IVXl1|]+$")

# Segments of a document code that stand for a document type or issuer and lost their Đ to
# the OCR model: QD = Quyết định, ND = Nghị định, DU = Đảng ủy, DA = Đề án, HD = Hướng dẫn,
# CD = Công điện, QyD = Quy định, HDND = Hội đồng nhân dân, DCS = Đảng Cộng sản, ...
# Only these exact segments change; "TU" (Tỉnh ủy) and all other segments stay as read.
CODE_SEGMENT_FIXES = {
    "QD": "QĐ", "ND": "NĐ", "DU": "ĐU", "DA": "ĐA", "HD": "HĐ", "CD": "CĐ", "QyD": "QyĐ",
    "HDND": "HĐND", "TTHDND": "TTHĐND", "DBQH": "ĐBQH", "DCS": "ĐCS", "DTN": "ĐTN",
    "BCD": "BCĐ", "HDQT": "HĐQT", "TLD": "TLĐ", "DHQG": "ĐHQG", "KHDT": "KHĐT",
    "LDTBXH": "LĐTBXH", "GDDT": "GDĐT", "BGDDT": "BGDĐT", "VHTTDL": "VHTTDL",
}
# Stand-alone all-caps abbreviations with the same lost Đ (no code around them).
ABBREVIATION_FIXES = {
    "HDND": "HĐND", "DBQH": "ĐBQH", "BCD": "BCĐ", "DCS": "ĐCS", "DTN": "ĐTN", "HDQT": "HĐQT",
}
_CODE_SEGMENT = regex.compile(r"[\p{L}]+")


def restore_code(code: str) -> str:
    """Put Đ back into the known type/issuer segments of a document code.

    '3444/QD-UBND' -> '3444/QĐ-UBND', '45-KH/DU' -> '45-KH/ĐU'; '119-KH/TU' is unchanged.
    """
    return _CODE_SEGMENT.sub(lambda m: CODE_SEGMENT_FIXES.get(m.group(), m.group()), code)


def restore_abbreviation(word: str) -> str:
    return ABBREVIATION_FIXES.get(word, word)


def _compound_kind(text: str) -> TokenKind:
    """Codes, numbers and dates are protected; letter-only compounds of lower-case words
    ("e-mail", "tây-nam") are split by the caller into words instead."""
    if _HAS_DIGIT.search(text):
        return "protected"
    segments = regex.findall(r"[\p{L}\p{M}]+", text)
    if any(_ALL_CAPS.match(s) for s in segments) or any(
        s[:1].isupper() and any(c.isupper() for c in s[1:]) for s in segments
    ):
        return "protected"
    return "word"


def is_abbreviation(word: str, is_syllable_shape) -> bool:
    """All-caps words that cannot be a (stripped) Vietnamese syllable: UBND, MTTQ, HĐND, TW.

    All-caps syllables ("MỤC", "CAU" in a heading) are words, to be restored.
    """
    if not _ALL_CAPS.match(word):
        return False
    if _ROMAN.match(word) and len(word) > 1:
        return True
    return not is_syllable_shape(strip_marks(word).lower())


def is_number_like(word: str) -> bool:
    """Tokens made only of digits (with no letters): numbers are never restored."""
    return bool(_HAS_DIGIT.search(word)) and not _HAS_LETTER.search(word)


def _split_word_tail(text: str, next_text: str, is_syllable_shape) -> list[str]:
    """Keep a trailing ? or ’ on a word only when OCR most likely made it of a mark.

    It stays attached when the word without it is not a syllable ("ct?") or when the
    sentence goes on in lower case after it ("si? dung"); otherwise it is punctuation.
    """
    if len(text) < 2 or text[-1] not in "?’'":
        return [text]
    head = text[:-1]
    continues = next_text[:1].isspace() and next_text[1:2].islower()
    if not is_syllable_shape(strip_marks(head).lower()) or continues:
        return [text]
    return [head, text[-1]]


def tokenize_line(line: str, is_syllable_shape=lambda s: True) -> list[Token]:
    """Cut one line into tokens; ''.join(t.text for t in tokens) == line, always.

    `is_syllable_shape(stripped_lowercase)` tells whether a mark-stripped string is a
    Vietnamese syllable's spelling; it separates abbreviations from all-caps words.
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(line):
        kind, text = m.lastgroup, m.group()
        if kind == "url":
            tokens.append(Token(text, "protected"))
        elif kind == "compound":
            if _compound_kind(text) == "protected":
                tokens.append(Token(text, "protected"))
            else:  # lower-case hyphenated words: each part is a word
                for part in regex.split(r"([-/.,:])", text):
                    if part:
                        is_sep = part in "-/.,:"
                        tokens.append(Token(part, "punct" if is_sep else "word"))
        elif kind == "word":
            rest = line[m.end() : m.end() + 2]
            if _is_section_number(text, rest):
                tokens.append(Token(text, "protected"))
                continue
            for part in _split_word_tail(text, rest, is_syllable_shape):
                tokens.append(_classify_word(part, is_syllable_shape))
        elif kind == "space":
            tokens.append(Token(text, "space"))
        else:
            tokens.append(Token(text, "punct"))
    return tokens


def _is_section_number(text: str, rest: str) -> bool:
    """Roman section numbers ("II", "Ill" for III) and a lone I/V/X before '.' or ')'."""
    return bool(_ROMAN_LIKE.match(text)) or (text in ("I", "V", "X") and rest[:1] in ".)")


def _classify_word(text: str, is_syllable_shape) -> Token:
    if text == "@":
        return Token(text, "word")
    if text in "?’'":
        return Token(text, "punct")
    if is_number_like(text) or is_abbreviation(text, is_syllable_shape):
        return Token(text, "protected")
    if not _HAS_LETTER.search(text):
        return Token(text, "punct")
    return Token(text, "word")


def split_glued(token: Token, split_point) -> list[Token]:
    """'quocgia' -> 'quoc', ' ', 'gia' when `split_point(text)` finds where two syllables
    were glued together by OCR (None when the word is not such a pair)."""
    if token.kind != "word":
        return [token]
    k = split_point(token.text)
    if k is None:
        return [token]
    return [Token(token.text[:k], "word"), Token(" ", "space"), Token(token.text[k:], "word")]


def is_clause_stop(token: Token) -> bool:
    return token.kind == "punct" and any(c in _CLAUSE_STOPS for c in token.text)


def restore_protected(text: str) -> str:
    """The only changes a protected token may get: Đ back in codes and abbreviations, and
    I for the l, 1 or | OCR reads in Roman section numbers ("Ill" -> "III")."""
    if _ROMAN_LIKE.match(text):
        return regex.sub(r"[l1|]", "I", text)
    if _HAS_DIGIT.search(text) or "/" in text or "-" in text:
        return restore_code(text)
    return restore_abbreviation(text)


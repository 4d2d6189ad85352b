"""Line tokeniser for the restorer: every character of a line lands in exactly one token.

A line is cut into a skeleton of tokens whose texts concatenate back to the line, so the
restored line is rebuilt from the same skeleton: spacing, punctuation and line count are
never touched. Token kinds:

- ``word``: something that may be a garbled Vietnamese syllable ("tuyén", "s6", "x&", "ct?");
  the decoder may replace its text.
- ``protected``: numbers, dates, URLs, e-mails, document codes and all-caps abbreviations;
  their text is kept, except the Đ an English OCR model drops from code segments
  ("1234/QD-UBND" -> "1234/QĐ-UBND", see `restore_code`).
- ``space`` and ``punct``: kept verbatim; ``punct`` tokens that end a clause (. ; : ! ? …)
  reset the language-model context, like the LM's own tokenisation does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import regex

from pipeline import resources
from pipeline.text.fold import strip_marks
from pipeline.text.lookalikes import roman_ones

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
_WORD_APOSTROPHES = "'’"
_AREA_OR_VOLUME = regex.compile(r"^[kcdh]?m[23]$")  # m2, km2, m3, cm3: units, not words
# A number with capital letters after it is a label (Phụ lục 3A, quốc lộ 1A); a digit
# before lower-case letters is OCR's reading of a letter ("1a" = là, "4p" = áp)
_NUMBERED_LABEL = regex.compile(r"^\p{N}+\p{Lu}+$")
_HAS_DIGIT = regex.compile(r"\p{N}")
# A section number (arabic, roman or a capital letter, dotted) and an upper-case word
_SECTION = r"(?:\d+|[IVXL]+|\p{Lu})"
_NUMBERED_HEADING = regex.compile(rf"^({_SECTION}(?:\.{_SECTION})*)\.(\p{{Lu}}{{2,}})$")
_HAS_LETTER = regex.compile(r"\p{L}")
_ALL_CAPS = regex.compile(r"^[\p{Lu}]{2,}$")
_ROMAN = regex.compile(r"^[IVXLC]+$")
# Section numbers as English OCR reads them: "III", "I1", "Ill", "I|" (III, II, ...)
_ROMAN_LIKE = regex.compile(r"^[IVX][IVXl1|]+$")
# ... and a capital L after an I ("VIL." = VII., "VILL." = VIII.; "XL" stays XL)
_ROMAN_LIKE_L = regex.compile(r"^[IVX][IVXl1|]*[Il1|]L[IVXlL1|]*$")

def load_abbreviations(path: Path | None = None) -> dict[str, str]:
    """D spelling -> Đ spelling of the abbreviations the corpus writes with Đ (BLDTBXH ->
    BLĐTBXH), learned by tools/learn_abbreviations.py."""
    table = {}
    path = path if path is not None else resources.path(resources.ABBREVIATIONS)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            plain, marked, _count = line.split("\t")
            table[plain] = marked
    return table


# Segments of a document code that lost their Đ to the OCR model: the learned table, and
# seeds for type and issuer segments that matter even where the corpus seldom shows them
# (DU = Đảng ủy, DA = Đề án, HD = Hướng dẫn, CD = Công điện, QyD = Quy định).
# Only these exact segments change; "TU" (Tỉnh ủy) and all other segments stay as read.
_LEARNED = load_abbreviations()
CODE_SEGMENT_FIXES = {
    **_LEARNED,
    "QD": "QĐ", "ND": "NĐ", "DU": "ĐU", "DA": "ĐA", "HD": "HĐ", "CD": "CĐ", "QyD": "QyĐ",
    "HDND": "HĐND", "TTHDND": "TTHĐND", "DBQH": "ĐBQH", "DCS": "ĐCS", "DTN": "ĐTN",
    "BCD": "BCĐ", "HDQT": "HĐQT", "TLD": "TLĐ", "DHQG": "ĐHQG", "KHDT": "KHĐT",
}
# Stand-alone all-caps abbreviations with the same lost Đ (no code around them); two
# letters alone are too ambiguous ("DT", "DH") to change outside a code.
ABBREVIATION_FIXES = {
    **{plain: marked for plain, marked in _LEARNED.items() if len(plain) >= 3},
    "HDND": "HĐND", "DBQH": "ĐBQH", "BCD": "BCĐ", "DCS": "ĐCS", "DTN": "ĐTN", "HDQT": "HĐQT",
}
_CODE_SEGMENT = regex.compile(r"[\p{L}]+")


def restore_code(code: str) -> str:
    """Put Đ back into the known type/issuer segments of a document code.

    '1234/QD-UBND' -> '1234/QĐ-UBND', '45-KH/DU' -> '45-KH/ĐU'; '119-KH/TU' is unchanged.
    """
    return _CODE_SEGMENT.sub(lambda m: CODE_SEGMENT_FIXES.get(m.group(), m.group()), code)


def restore_abbreviation(word: str) -> str:
    return ABBREVIATION_FIXES.get(word, word)


def _compound_kind(text: str, is_syllable_shape) -> TokenKind:
    """Codes, numbers and dates are protected; letter-only compounds of words ("e-mail",
    "tây-nam", "DINH-QUY" in a heading) are split by the caller into words instead."""
    if _HAS_DIGIT.search(text):
        return "protected"
    segments = regex.findall(r"[\p{L}\p{M}]+", text)
    if any(is_abbreviation(s, is_syllable_shape) for s in segments) or any(
        s[:1].isupper() and any(c.isupper() for c in s[1:]) and not _ALL_CAPS.match(s)
        for s in segments
    ):
        return "protected"
    return "word"


def _is_wordy(segment: str) -> bool:
    """A compound segment that is a word, not part of a code: it starts with a letter, has
    two or more, and is lower case or Title case ("tam", "Dieu"; not "NQ", "TTg", "18b")."""
    letters = [ch for ch in segment if ch.isalpha()]
    return (len(letters) >= 2 and segment[0].isalpha()
            and (segment[1:].islower() if segment[0].isupper() else segment.islower()))


def _compound_tokens(text: str, is_syllable_shape) -> list[Token]:
    """A compound is one protected token unless words are glued into it by OCR'd specks
    or lost spaces ("s6.tam", "lap.1", "khoan-2", "ngay-11/07/2020", "tu-van"): then each
    word segment is a word, and the runs between them are classified on their own (a run
    of several segments stays one protected code or date)."""
    heading = _NUMBERED_HEADING.match(text)
    if heading:  # "II.NOI", "4.3.DAUNAMHOAC": a heading's number glued to its first word
        return [Token(heading[1], "protected"), Token(".", "punct"),
                _classify_word(heading[2], is_syllable_shape)]
    parts = regex.split(r"([-/.,:])", text)
    segments = parts[0::2]
    if not any(_is_wordy(seg) for seg in segments):
        if _compound_kind(text, is_syllable_shape) == "protected":
            return [Token(text, "protected")]
        return [Token(part, "punct" if part in "-/.,:" else "word") for part in parts if part]
    tokens: list[Token] = []
    run: list[str] = []  # code-like segments with the separators between them

    def flush() -> None:
        if len(run) == 1:
            tokens.append(_classify_word(run[0], is_syllable_shape))
        elif run:
            tokens.append(Token("".join(run), "protected"))
        run.clear()

    for i, part in enumerate(parts):
        if i % 2:  # a separator: inside a run it belongs to the run
            if run and i + 1 < len(parts) and not _is_wordy(parts[i + 1]):
                run.append(part)
            else:
                flush()
                tokens.append(Token(part, "punct"))
        elif _is_wordy(part):
            flush()
            tokens.append(Token(part, "word"))
        elif part:
            run.append(part)
    flush()
    return tokens


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
            tokens.extend(_compound_tokens(text, is_syllable_shape))
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
    if rest[:1] == "." and _ROMAN_LIKE_L.match(text):
        return True
    return bool(_ROMAN_LIKE.match(text)) or (text in ("I", "V", "X") and rest[:1] in ".)")


def _classify_word(text: str, is_syllable_shape) -> Token:
    if text == "@":
        return Token(text, "word")
    if _AREA_OR_VOLUME.match(text) or _NUMBERED_LABEL.match(text):
        return Token(text, "protected")
    if text in "?’'":
        return Token(text, "punct")
    if is_number_like(text) or is_abbreviation(text, is_syllable_shape):
        return Token(text, "protected")
    if not _HAS_LETTER.search(text):
        return Token(text, "punct")
    return Token(text, "word")


def split_glued(token: Token, split_point) -> list[Token]:
    """'quocgia' -> 'quoc', ' ', 'gia' when `split_point(text)` finds where two syllables
    were glued together by OCR (None when the word is not such a pair). A split point on
    an apostrophe ("co'sé": a speck read between two words) puts the space in its place."""
    if token.kind != "word":
        return [token]
    k = split_point(token.text)
    if k is None:
        return [token]
    rest = token.text[k + 1 :] if token.text[k] in _WORD_APOSTROPHES else token.text[k:]
    return [Token(token.text[:k], "word"), Token(" ", "space"), Token(rest, "word")]


def is_clause_stop(token: Token) -> bool:
    return token.kind == "punct" and any(c in _CLAUSE_STOPS for c in token.text)


def restore_protected(text: str) -> str:
    """The only changes a protected token may get: Đ back in codes and abbreviations, and
    I for the l, 1 or | OCR reads in Roman section numbers ("Ill" -> "III")."""
    if _ROMAN_LIKE.match(text) or _ROMAN_LIKE_L.match(text):
        return roman_ones(text).replace("L", "I")
    if _HAS_DIGIT.search(text) or "/" in text or "-" in text:
        return restore_code(text)
    return restore_abbreviation(text)


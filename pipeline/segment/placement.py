"""Where each line went: every line of the text is placed somewhere in the JSON or listed in
`quality.unplaced_lines`; and a second document after the first one's signature.

A line is placed when its words, folded and in order, stand together in the JSON's strings
(header, title, subject, addressees, basis, sections and their tables, closing, signature,
recipients, appendices, overlays), in one or in neighbours ("1. Chi phí: 9 triệu" is a
heading's number, title and paragraph), or, for a long line OCR read across a table's
columns, in a few runs close together (one row's cells). Header lines hold values taken
apart ("Số: 05/KH-UBND" -> number "05", symbol "KH-UBND"; the date line -> place and an ISO
date), so a line is also placed when most of its words are words of the header's values.
Not listed: blank lines, page numbers, lines with no word (rules, specks), and the fixed
labels every document carries (national name, motto, "Số:", "Nơi nhận:", "Phụ lục").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex as re

from pipeline.model import Document, UnplacedLine
from pipeline.segment.patterns import PAGE_NUMBER
from pipeline.text.fold import fold

__all__ = ["find_second_document", "second_document_warning", "unplaced_lines"]

# Words of a line: letters and digits; a lone letter is most often a speck (kept when a digit).
_WORD = re.compile(r"[\p{L}\p{N}]+")
# Fixed lines (folded, lower case, words only), as Decree 30/2020/NĐ-CP prints them.
_NATIONAL_NAME = re.compile(r"^cong hoa xa hoi chu nghia viet nam$")
_FIXED_LINES = (
    _NATIONAL_NAME,
    re.compile(r"^doc lap tu do hanh phuc$"),
    re.compile(r"^so$"),
    re.compile(r"^noi nhan$"),
    re.compile(r"^phu luc(?: [ivx]{1,4}| \d{1,2})?$"),  # the label; the appendix is the object
)
_FIXED_PHRASES = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
# A header line is placed when this share of its words are words of the header's values.
_HEADER_WORD_SHARE = 0.5
# Words of the header lines that no value keeps ("Số: 05/…", "…, ngày 5 tháng 1 năm 2025").
_HEADER_FRAME_WORDS = {"so", "ngay", "thang", "nam"}
# A line of this many words whose first word (its marker) is not found is placed by the rest.
_MARKER_MIN_WORDS = 3
# A heading's or item's marker as OCR reads it: digits, Roman numerals and their look-alikes.
_MARKER_WORD = re.compile(r"[\divxlh]{1,5}")
# A line read across a table's columns: at most one run for this many words, all runs within
# this many characters of the JSON (one table row's cells).
_WORDS_PER_PIECE = 3
_PIECES_MIN_WORDS = 6
_PIECES_SPAN = 1500
# Lines above the national name that are the second document's letterhead (its issuer).
_LETTERHEAD_LINES_ABOVE = 3


def words(text: str) -> list[str]:
    """The folded lower-case words of `text`, lone letters (specks) left out."""
    found = _WORD.findall(fold(text).lower())
    return [w for w in found if len(w) > 1 or w.isdigit()]


def is_fixed_line(line: str) -> bool:
    key = " ".join(words(line))
    return any(pattern.match(key) for pattern in _FIXED_LINES)


def _without_fixed_phrases(line_words: list[str]) -> list[str]:
    """The words without the national name and motto, which OCR may glue to the other header
    column's line ("UBND TỈNH … CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")."""
    text = f" {' '.join(line_words)} "
    for phrase in _FIXED_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    return text.split()


def _strings(value: Any) -> Iterator[str]:
    """Every string in `value`, in the JSON's order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _placed_texts(doc: Document) -> list[str]:
    """Every string of the JSON a line of the text can be placed in."""
    parts = doc.model_dump(
        include={
            "header", "title", "subject", "addressees", "legal_basis", "sections", "closing",
            "signature", "recipients", "appendices", "overlays",
        }
    )
    parts["header"].pop("readings", None)
    return list(_strings(parts))


def _header_words(doc: Document) -> set[str]:
    values = doc.header.model_dump(exclude={"readings"})
    found = {w for text in _strings(values) for w in words(text)}
    date = doc.header.date or ""
    for part in date.split("-"):
        if part.isdigit():
            found |= {part, part.lstrip("0")}
    return found | _HEADER_FRAME_WORDS


def _placed_in_pieces(line_words: list[str], haystack: str) -> bool:
    """A line OCR read across a table's columns ("… thực Phòng Văn hóa - Trung tâm Cung Báo
    cáo Thường"): its words in a few runs, each standing in the JSON after the one before,
    all close together (one row's cells). Runs are taken longest first."""
    if len(line_words) < _PIECES_MIN_WORDS:
        return False  # a short line's words are found apart anywhere
    max_pieces = len(line_words) // _WORDS_PER_PIECE
    start = offset = None
    index = pieces = 0
    while index < len(line_words):
        for end in range(len(line_words), index, -1):
            found = haystack.find(f" {' '.join(line_words[index:end])} ", offset or 0)
            if found >= 0:
                break
        else:
            return False
        start = found if start is None else start
        offset = found + 1
        pieces += 1
        index = end
        if pieces > max_pieces or found - start > _PIECES_SPAN:
            return False
    return True


def unplaced_lines(doc: Document, lines: list[str]) -> list[UnplacedLine]:
    """The lines of `lines` (the text as segment read it) found nowhere in `doc`'s JSON."""
    # One run of words in the JSON's order: a line may stand across neighbouring strings (a
    # heading's number, title and first paragraph; a table row's cells; a task row's fields).
    haystack = " ".join(" ".join(words(text)) for text in _placed_texts(doc))
    haystack = f" {haystack} "
    header_words = _header_words(doc)
    unplaced: list[UnplacedLine] = []
    for index, line in enumerate(lines):
        if PAGE_NUMBER.fullmatch(line) or is_fixed_line(line):
            continue
        line_words = _without_fixed_phrases(words(line))
        if not line_words:
            continue
        if f" {' '.join(line_words)} " in haystack:
            continue
        # a heading's or item's marker OCR misread ("HI." for "III."): the JSON has it right
        misread_marker = _MARKER_WORD.fullmatch(line_words[0])
        rest = f" {' '.join(line_words[1:])} "
        if misread_marker and len(line_words) >= _MARKER_MIN_WORDS and rest in haystack:
            continue
        if _placed_in_pieces(line_words, haystack):
            continue
        in_header = sum(w in header_words for w in line_words)
        if in_header >= _HEADER_WORD_SHARE * len(line_words):
            continue
        unplaced.append(UnplacedLine(line=index + 1, text=line))
    return unplaced


# --- several documents in one input ----------------------------------------------------------


def find_second_document(
    lines: list[str], blocks: list[str | None], start: int, stop: int
) -> int | None:
    """The first line of a second document's letterhead in [start, stop): its national name
    line, and the issuer lines just above it (the left header block, or upper-case lines read
    before it)."""
    national = next(
        (i for i in range(start, stop) if _NATIONAL_NAME.match(" ".join(words(lines[i])))),
        None,
    )
    if national is None:
        return None
    first = national
    for above in range(national - 1, max(start, national - _LETTERHEAD_LINES_ABOVE) - 1, -1):
        line = lines[above]
        if not line:
            continue
        if blocks[above] not in ("header_left", "header_right") and not line.isupper():
            break
        first = above
    return first


def second_document_warning(lines: list[str], pages: list[int | None], start: int) -> str:
    page = pages[start]
    where = f"page {page}" if page is not None else f"line {start + 1}"
    shown = next((line for line in lines[start:] if line), "")
    return (
        f"{where}: a second document starts ({shown}); its lines are listed in "
        "quality.unplaced_lines"
    )

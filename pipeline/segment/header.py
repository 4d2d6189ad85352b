"""The header: issuing body, number and symbol, place and date, document type.

The header zone is every line above the document type line ("KẾ HOẠCH"). Its lines may hold
the left block (issuer, "Số: …") and the right block (national name, motto, place and date)
one after the other, or interleaved on the same line when OCR read across the page
("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"). Each known part is found and cut out
of its line; what is left of the left block, above the number line, is the issuing body.

Issuer convention: the issuing body's lines form units; a line naming a level of government
("XÃ TÂN PHÚ") completes a generic body on the line above ("ỦY BAN NHÂN DÂN"), giving one unit
"ỦY BAN NHÂN DÂN XÃ TÂN PHÚ". The last unit is `issuer`; units above it (a superior body such
as "UBND TỈNH X" above "SỞ Y TẾ") are `issuer_parent`, else null. Both are as written.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex as re
from rapidfuzz import fuzz

from pipeline.model import FilledBlank, Header, Reading, Word
from pipeline.segment import fuzzy
from pipeline.segment.dates import HEADER_DATE, partial_date
from pipeline.segment.filled import (
    BlankValue,
    blank_for,
    merge_readings,
    read_blank,
    with_filled_blank,
)
from pipeline.segment.letter import is_addressee_label
from pipeline.segment.names import spell_names, spell_place
from pipeline.segment.patterns import (
    ADMIN_LEVELS,
    DOCUMENT_TYPES,
    MOTTO,
    NATIONAL_NAME,
    PARTY_NAME,
    TYPE_CODES,
    is_upper_text,
)
from pipeline.text.fold import fold, fold_key
from pipeline.text.lookalikes import NUMBER_LABEL, NUMBER_LABEL_SPLIT

# How far down the page the type line may be: header blocks are a handful of lines.
_TYPE_LINE_SEARCH = 40
_HEADER_SEARCH_WITHOUT_TYPE = 12


# "Số: 125/KH-UBND", "S6: 125/KH-UBND", "Số:   /KH-UBND" (draft), "Số 45-KH/ĐU" (Party style).
_NUMBER = re.compile(
    rf"(?<![^\W\d_]){NUMBER_LABEL}\s*"
    r"(?P<num>(?:\d{1,5})?\s*/\s*(?:\d{4}\s*/\s*)?[A-Z][A-Za-z]*"
    r"(?:\s*-\s*[A-Z][A-Za-z0-9]*(?:\.[A-Z0-9]+)*)*"
    r"|\d{1,5}\s*-\s*[A-Z][A-Za-z]*\s*/\s*[A-Z][A-Za-z0-9]*)"
)
# The place before the date, its comma often lost or read as a period ("Hà Nội ngày …").
_PLACE_DATE = re.compile(r"(?i)(?P<place>[^\W\d_][^,:;\d]{0,40}?)\s*[,.]?\s*" + HEADER_DATE)
# The number line as OCR leaves a handwritten number: "Số: Ø7“ /CT-UBND", "Số: 2M “CT-CS"
# (the slash read as a quote), "Số:⁄2KH-VP" (the blank glued to the symbol). The printed
# symbol is kept whatever the blank holds; the blank is judged by filled.read_blank.
_SYMBOL = r"[A-Z][A-Za-z0-9.]*(?:\s*-\s*[A-Z0-9][A-Za-z0-9.]*)+|[A-Z]{2,}[A-Za-z0-9.]*"
_NUMBER_LENIENT = re.compile(
    rf"^\W{{0,3}}(?:{NUMBER_LABEL}|{NUMBER_LABEL_SPLIT})(?P<blank>[^\n]{{0,8}}?)"
    rf"(?:(?P<sep>[/⁄“”\"'|\\])|(?<=\d))\s*(?P<symbol>{_SYMBOL})\s*$"
)
# A printed "I" between a code's letters and its digits is a "1" ("BCĐI38" -> "BCĐ138").
_CODE_ONE = re.compile(r"(?<=[A-ZĐ])[Il|](?=\d)")
_SQUEEZED_TYPES = {t.replace(" ", "") for t in DOCUMENT_TYPES}
_NUMBER_LABEL = re.compile(rf"^{NUMBER_LABEL_SPLIT}")
# OCR specks before the issuer's first letter ("| BỘ TƯ PHÁP", "¬ ỦY BAN", "\" ỦY BAN").
_LEADING_SPECKS = re.compile(r"^[^\w]+")
_DECORATION = re.compile(r"^[\s\-_=*~.·—–]*$")


@dataclass
class HeaderParse:
    header: Header
    type_line: int | None  # index of the document type line
    end: int  # first line after the header zone (the type line itself when found)


def find_type_line(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[:_TYPE_LINE_SEARCH]):
        if is_type_line(line):
            return index
    return None


def is_type_line(line: str) -> bool:
    text = line.strip().rstrip(":").strip()
    # "KẾHOẠCH": OCR may lose the space inside the type
    squeezed = fold_key(text).replace(" ", "")
    # (three letters: "ĐƠN", a form's type)
    return is_upper_text(text, min_letters=3) and squeezed in _SQUEEZED_TYPES


def _fuzzy_span(needle: str, folded_line: str) -> tuple[int, int] | None:
    """Where an OCR'd copy of a fixed phrase sits in a line, widened to whole words."""
    if len(folded_line) < len(needle) * 0.6:
        return None
    found = fuzz.partial_ratio_alignment(needle, folded_line.upper(),
                                         score_cutoff=fuzzy.FIXED_PHRASE)
    if found is None or found.dest_end - found.dest_start < len(needle) * 0.7:
        return None
    start, end = found.dest_start, found.dest_end
    while start > 0 and not folded_line[start - 1].isspace():
        start -= 1
    while end < len(folded_line) and not folded_line[end].isspace():
        end += 1
    return start, end


def _cut(text: str, span: tuple[int, int]) -> str:
    """Blank out a span, keeping offsets of the rest."""
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


@dataclass
class _LineParts:
    rest: str  # what is left of the line, parts cut out (blanked)
    number: str | None = None
    number_blank: str = ""  # the number's blank as written, before its "/" ("51 ", "Ø7“ ")
    number_gap: bool = False  # whitespace between the blank and the "/": filled in by hand
    day_blank: str = ""
    month_blank: str = ""
    year: str | None = None
    place: str | None = None
    date: str | None = None
    has_date_line: bool = False
    has_fixed_phrase: bool = False
    has_number_line: bool = False


def _split_header_line(line: str) -> _LineParts:
    parts = _LineParts(rest=line)
    for phrase in (NATIONAL_NAME, MOTTO, PARTY_NAME):
        span = _fuzzy_span(phrase, fold(parts.rest))
        if span:
            parts.rest = _cut(parts.rest, span)
            parts.has_fixed_phrase = True
    folded = fold(parts.rest)
    number = _NUMBER.search(folded)
    lenient = None if number else _NUMBER_LENIENT.match(folded.strip())
    if lenient:
        offset = len(parts.rest) - len(parts.rest.lstrip())
        blank = parts.rest[offset + lenient.start("blank"): offset + lenient.end("blank")]
        symbol = parts.rest[offset + lenient.start("symbol"): offset + lenient.end("symbol")]
        parts.number = "/" + _CODE_ONE.sub("1", re.sub(r"\s+", "", symbol).rstrip("."))
        parts.number_blank, parts.number_gap = blank, blank != blank.rstrip()
        parts.rest = ""
        parts.has_number_line = True
        return parts
    if not number and _NUMBER_LABEL.match(folded):
        parts.rest = ""  # the number line, its number unreadable ("S§ố:15KH-TYT"): not issuer
        parts.has_number_line = True
        return parts
    if number:
        written = parts.rest[number.start("num") : number.end("num")]
        slash = written.find("/")
        if slash > 0 and re.match(r"^\d+\s+/", written):
            parts.number_blank, parts.number_gap = written[:slash], True
        parts.number = _CODE_ONE.sub("1", re.sub(r"\s+", "", written))
        parts.rest = _cut(parts.rest, number.span())
    place_date = _PLACE_DATE.search(fold(parts.rest))
    if place_date and not parts.rest[: place_date.start()].strip():
        parts.has_date_line = True
        place_start = _place_start(parts.rest, place_date.start("place"), place_date.end("place"))
        parts.place = parts.rest[place_start : place_date.end("place")].strip(" ,.") or None
        parts.day_blank = parts.rest[place_date.start("d") : place_date.end("d")]
        parts.month_blank = parts.rest[place_date.start("m") : place_date.end("m")]
        parts.year = re.sub(r"\D", "", place_date["y"])
        parts.rest = _cut(parts.rest, (place_start, place_date.end()))
    return parts


def _read_number(parts: _LineParts, words: list[Word] | None,
                 blank: FilledBlank | None) -> BlankValue:
    """The number of "Số: 51 /QĐ-UBND": typed digits as they are, a filled-in blank judged."""
    if parts.number_gap or parts.number_blank.strip():
        read = read_blank(parts.number_blank, words, parts.number_gap, 0, 99999)
    else:
        number, _ = split_number(parts.number or "")
        read = read_blank(number or "", words, False, 0, 99999)
    return with_filled_blank(read, blank, 0, 99999)


def _read_date(parts: _LineParts, words: list[Word] | None,
               blanks: list[FilledBlank]) -> tuple[str | None, Reading | None]:
    """The header date, as much of it as reads ("2017-12" when the day is a scrawl), and one
    reading for its filled-in day and month."""
    day = with_filled_blank(read_blank(parts.day_blank, _date_words(words), False, 1, 31),
                            blank_for(blanks, "day"), 1, 31)
    month = with_filled_blank(read_blank(parts.month_blank, _date_words(words), False, 1, 12),
                              blank_for(blanks, "month"), 1, 12)
    if month.value is None:
        day = BlankValue(None, day.reading)  # a day with no month is no date part
    elif day.value is None and day.reading is None and _day_unread(blanks):
        # A scan whose day blank was not found, or read too unsure to use: the month alone
        # must not make the date look sure.
        day = BlankValue(None, Reading(unreadable=True, ocr=parts.day_blank.strip() or None))
    return partial_date(day.value, month.value, parts.year), merge_readings(day.reading,
                                                                             month.reading)


def _day_unread(blanks: list[FilledBlank]) -> bool:
    """The page's blanks were read apart, and its day blank is missing or holds digits not
    sure enough to use (not one left empty, as on a draft)."""
    if not blanks:
        return False
    day = blank_for(blanks, "day")
    return day is None or bool(day.text)


def _date_words(words: list[Word] | None) -> list[Word] | None:
    """The words of a date line that may hold its blanks: not the place, "ngày", "tháng",
    "năm" or the year."""
    if not words:
        return words
    fixed = re.compile(r"(?i)^(?:ngay|thang|nam|\d{4})\W*$")
    return [w for w in words if not fixed.match(fold(w.text))]


def _place_start(text: str, start: int, end: int) -> int:
    """Where the place name starts: after any upper-case words of the issuer block that OCR
    read onto the same line ("XÃ TÂN PHÚ Tân Phú, ngày …")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    upper = 0
    while upper < len(words) and is_upper_text(words[upper].group(), min_letters=1, ratio=1.0):
        upper += 1
    if 0 < upper < len(words):
        return start + words[upper].start()
    return start


def split_number(written: str) -> tuple[str | None, str | None]:
    """ "125/KH-UBND" -> ("125", "KH-UBND"); "45-KH/ĐU" -> ("45", "KH/ĐU"); a draft's
    "/KH-UBND" -> (None, "KH-UBND")."""
    found = re.match(r"^(?P<num>\d*)\s*[/-]\s*(?P<symbol>.*)$", written)
    if not found:
        return None, written or None
    return found["num"] or None, found["symbol"] or None


def type_code_of(number: str | None) -> str | None:
    """ "125/KH-UBND" -> "KH", "45-KH/ĐU" -> "KH"; None for a công văn ("…/UBND-VP")."""
    if not number:
        return None
    party = re.match(r"^\d*-(?P<code>[^/]+)/", number)
    if party:
        code = party["code"]
    else:
        symbol = number.split("/")[-1]
        pieces = symbol.split("-")
        if len(pieces) < 2:
            return None
        code = pieces[0]
    return code if fold(code).upper() in TYPE_CODES else None


def kind_of(document_type: str) -> str:
    """ "KẾ HOẠCH" -> "Kế hoạch": the type in sentence case."""
    words = " ".join(document_type.split()).lower()
    return words[:1].upper() + words[1:]


def _is_issuer_text(text: str) -> bool:
    return not _DECORATION.match(text) and is_upper_text(text, min_letters=2, ratio=0.7)


def _starts_with_admin_level(text: str) -> bool:
    key = fold_key(text)
    return any(key == level or key.startswith(level + " ") for level in ADMIN_LEVELS)


def _names_a_place(text: str) -> bool:
    key = f" {fold_key(text)} "
    return any(f" {level} " in key for level in ADMIN_LEVELS)


def issuer_units(texts: list[str]) -> list[str]:
    units: list[str] = []
    for text in texts:
        if units and _starts_with_admin_level(text) and not _names_a_place(units[-1]):
            units[-1] = f"{units[-1]} {text}"
        else:
            units.append(text)
    return units


def parse_header(lines: list[str], blocks: list[str | None],
                 words: list[list[Word]] | None = None,
                 blanks: list[FilledBlank] | None = None) -> HeaderParse:
    """The header of `lines` (their layout `blocks`); `words`: each line's OCR words with
    their confidences (scans), `blanks`: the first page's filled-in blanks read apart."""
    type_line = find_type_line(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    zone_end = type_line if type_line is not None else first + _HEADER_SEARCH_WITHOUT_TYPE
    zone_end = min(zone_end, len(lines), _letter_body_start(lines, blocks, first, zone_end))
    header = Header()
    issuer_texts: list[str] = []
    number_seen = fixed_seen = False
    last_header_line = -1
    for index in range(zone_end):
        parts = _split_header_line(lines[index])
        line_words = words[index] if words and index < len(words) else None
        if parts.number and header.number is None and header.symbol is None:
            _, header.symbol = split_number(parts.number)
            read = _read_number(parts, line_words, blank_for(blanks or [], "number"))
            header.number = read.value
            if read.reading is not None:
                header.readings["number"] = read.reading
            header.type_code = type_code_of(parts.number)
        if parts.has_date_line and header.place is None and header.date is None:
            header.place = spell_place(parts.place)
            header.date, reading = _read_date(parts, line_words, blanks or [])
            if reading is not None:
                header.readings["date"] = reading
        rest = " ".join(parts.rest.split())
        is_right_block = blocks[index] == "header_right" if index < len(blocks) else False
        if not number_seen and not is_right_block and rest and _is_issuer_text(rest):
            issuer_texts.append(_LEADING_SPECKS.sub("", rest).rstrip(" :;,.-_"))
            last_header_line = index
        if parts.number or parts.has_date_line or parts.has_fixed_phrase:
            last_header_line = index
        number_seen = number_seen or parts.number is not None or parts.has_number_line
        fixed_seen = fixed_seen or parts.has_fixed_phrase
    if (type_line is None and header.symbol is None and header.number is None
            and header.date is None and not fixed_seen):
        # No header at all (e.g. a page cut off above the title): nothing here is header.
        return HeaderParse(header=Header(), type_line=None, end=0)
    units = issuer_units([t for t in issuer_texts if t])
    if units:
        header.issuer = spell_names(units[-1])
        header.issuer_parent = spell_names(" ".join(units[:-1])) or None
    if type_line is not None:
        header.document_type = lines[type_line].strip().rstrip(":").strip()
        header.kind = kind_of(header.document_type)
        end = type_line
    else:
        end = last_header_line + 1
    return HeaderParse(header=header, type_line=type_line, end=end)


def _letter_body_start(lines: list[str], blocks: list[str | None], start: int,
                       stop: int) -> int:
    """A letter has no type line: its header ends where "Kính gửi:" starts its body (a label
    OCR read inside a header block, before the right block's lines, ends nothing)."""
    stop = min(stop, len(lines))
    return next((i for i in range(start, stop) if is_addressee_label(lines[i])
                 and not (blocks[i] or "").startswith("header")), stop)


# A page number or speck line at a page's top ("10", "°)", "- 2 -"): no letters to speak of.
_PAGE_NUMBER = re.compile(r"^\W*[\dIVXivx]{0,4}\W*$")
_TITLE_WORD = re.compile(r"^[^\W\d_]{2,}$")


def headerless_title_start(lines: list[str], blocks: list[str | None], start: int,
                           stop: int) -> int | None:
    """Where the title of a page with no header stands (a plan cut off above its title, an
    appendix's "DANH SÁCH …"): the first line after any page number, when it reads as the
    start of a title (a capitalised word of letters, not a table row); else None, so that a
    continuation page's page number or running text is never its title."""
    index = start
    while index < stop and (not lines[index] or _PAGE_NUMBER.match(lines[index])):
        index += 1
    if index >= stop:
        return None
    line = lines[index]
    first_word = line.split()[0]
    if (index < len(blocks) and blocks[index] == "table") or " | " in line:
        return None
    return index if _TITLE_WORD.match(first_word) and first_word[0].isupper() else None

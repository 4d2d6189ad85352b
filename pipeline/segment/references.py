"""Cited documents: "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị" ->
Reference(type, number "57", symbol "NQ/TW", date "2024-12-22", issuer, text).

Patterns run on the folded text (marks stripped, same offsets), with the vowels of type words
allowed to be any OCR slip ("K& hoach", "Ngh1 quyet"), so they find references in restored and
raw OCR text alike; every value is sliced from the original text. Two symbol shapes:
Party "57-NQ/TW" (number-type/issuer) and State "1234/QĐ-UBND", "30/2020/NĐ-CP"
(number/[year/]type-issuer; the symbol keeps the year: "2020/NĐ-CP").
Duplicates (same type, number and symbol) collapse into their most complete mention.
"""

from __future__ import annotations

import regex as re
from spacy.tokens import Doc

from pipeline.model import Reference
from pipeline.segment.dates import DAY_MONTH_YEAR_WORDS, SLASH_DATE, iso_date
from pipeline.segment.entities import REFERENCE_TYPES, agency_at, entity_nlp, tolerant
from pipeline.segment.patterns import join_lines
from pipeline.text.fold import fold, fold_key

_MAX_ISSUER_WORDS = 8
# Lower-case words that occur inside issuers' names ("UBND tỉnh …", "Thủ tướng Chính phủ",
# "Ban Thường vụ Tỉnh ủy"); any other lower-case word ends the issuer.
_ISSUER_INNER_WORDS = {
    "tinh",
    "huyen",
    "xa",
    "phuong",
    "quan",
    "thi",
    "tran",
    "nhan",
    "dan",
    "uy",
    "ty",
    "ity",
    "tri",
    "tuong",
    "vu",
    "phu",
    "hoi",
    "dong",
    "chap",
    "hanh",
    "uong",
    "quoc",
    "mat",
    "to",
    "ban",
    "bo",
    "chinh",
    "truong",
    "doan",
    "thanh",
    "pho",
}
# Linking words that end an issuer even when a capitalised word follows ("… và Kế hoạch").
_ISSUER_ENDERS = {
    "va",
    "ve",
    "voi",
    "tai",
    "theo",
    "cua",
    "nham",
    "de",
    "ngay",
    "so",
    "cho",
    "trong",
    "tren",
    "thuc",
    "sau",
    "v/v",
    "vv",
}
_ISSUER_NEVER_LAST = {"thanh", "ban", "to", "chap", "mat", "thi", "bo"}


_TYPE = "|".join(tolerant(w).replace(" ", r"\s+") for w in REFERENCE_TYPES)
_SO = r"(?:\s+(?:s[a-z0-9]?|5[0-9o])\s*[:.]?)?"
_PARTY = r"(?P<pnum>\d{1,5})\s*-\s*-?\s*(?P<psym>[A-Z][A-Za-z]{0,5}\s*/\s*[A-Z][A-Za-z0-9]{0,9})"
# A symbol's parts may join two agencies' initials with "&" ("QĐ-BGD&ĐT", "BNN&PTNT").
_STATE = (
    r"(?P<snum>\d{1,5})\s*/\s*(?P<ssym>\d{4}\s*/\s*[A-Z][A-Za-z0-9&]*(?:\s*-\s*[A-Z][A-Za-z0-9&]*)*"
    r"|[A-Z][A-Za-z0-9&]*(?:\s*-\s*[A-Z][A-Za-z0-9&]*)+)"
)
_REFERENCE = re.compile(
    rf"(?<![^\W\d_])(?P<type>(?i:{_TYPE})){_SO}\s+(?:{_PARTY}|{_STATE})(?![A-Za-z0-9])"
    rf"(?P<date>\s*,?\s+(?i:ng\w{{1,3}})\s+(?:{SLASH_DATE}|{DAY_MONTH_YEAR_WORDS}))?"
    rf"(?P<of>\s*,?\s+(?i:c[a-z]{{1,3}}a|c[a-z]?u[a-z]?)\s+)?"
)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _next_is_capital(text: str, offset: int) -> bool:
    """Whether the word after `offset` starts with a capital ("Thủ tướng Chính phủ")."""
    rest = text[offset:].lstrip()
    return text[offset : offset + 1].isspace() and bool(rest) and rest[0].isupper()


def _type_key(type_text: str) -> str:
    """The canonical type word a (maybe OCR-slipped) type matches: "Ngh1 quyet" -> "nghi quyet"."""
    folded = fold(type_text)
    for word in REFERENCE_TYPES:
        if re.fullmatch(tolerant(word).replace(" ", r"\s+"), folded, flags=re.IGNORECASE):
            return word
    return fold_key(type_text)


def _issuer_end(text: str, folded: str, start: int) -> int:
    """Where the issuer that starts at `start` ends: after at most a few words, at punctuation
    or at the first lower-case word that is not part of a body's name."""
    kept: list[tuple[int, str]] = []  # (end offset, folded lower word) of each issuer word
    for found in re.finditer(r"\S+", text[start:]):
        token = found.group()
        bare = re.sub(r"[^\w]+$", "", token)
        if not bare or not bare[0].isalpha() or (not kept and not bare[0].isupper()):
            break
        word = fold(bare).lower()
        if bare[0].islower() and word in _ISSUER_ENDERS:
            break
        if (
            bare[0].islower()
            and word not in _ISSUER_INNER_WORDS
            and not _next_is_capital(text, start + found.end())
        ):
            break
        kept.append((start + found.start() + len(bare), word if bare[0].islower() else ""))
        if bare != token or len(kept) >= _MAX_ISSUER_WORDS:
            break
    # a name does not end on a word that only ever starts one ("… Chính phủ thành")
    while kept and kept[-1][1] in _ISSUER_NEVER_LAST:
        kept.pop()
    return kept[-1][0] if kept else start


def _reference_from(match: re.Match, text: str, folded: str, doc: Doc) -> Reference:
    number = match["pnum"] or match["snum"]
    symbol_span = match.span("psym") if match["psym"] else match.span("ssym")
    date = None
    if match["date"]:
        date = iso_date(
            match["d"] or match["wd"], match["m"] or match["wm"], match["y"] or match["wy"]
        )
    issuer = None
    end = match.start("of") if match["of"] else match.end("date") if match["date"] else None
    if end is None:
        end = match.end("psym") if match["psym"] else match.end("ssym")
    if match["of"]:
        agency = agency_at(doc, match.end("of"))
        issuer_end = agency[1] if agency else _issuer_end(text, folded, match.end("of"))
        if issuer_end > match.end("of"):
            issuer = text[match.end("of") : issuer_end]
            end = issuer_end
    return Reference(
        type=" ".join(text[match.start("type") : match.end("type")].split()),
        number=number,
        symbol=_squeeze(text[symbol_span[0] : symbol_span[1]]),
        date=date,
        issuer=issuer,
        text=" ".join(text[match.start() : end].split()),
    )


def _completeness(reference: Reference) -> int:
    return sum(value is not None for value in (reference.date, reference.issuer))


def find_references(lines: list[str], own_number: str | None = None) -> list[Reference]:
    """Every cited document once, in order of first mention; the document's own number (cited
    by its appendix: "kèm theo Kế hoạch số …") is not a reference. The spaCy pipeline finds
    where references start and the agencies that issued them; the symbol and date are read
    with the patterns above, from the folded text (same offsets)."""
    # Paragraphs joined, so a reference wrapped over two lines is found whole.
    text = join_lines(lines)
    folded = fold(text)
    doc = entity_nlp()(text)
    found: dict[tuple[str, str | None, str], Reference] = {}
    for span in doc.spans["references"]:
        match = _REFERENCE.match(folded, span.start_char)
        if match is None:
            continue
        reference = _reference_from(match, text, folded, doc)
        key = (_type_key(reference.type or ""), reference.number, fold(reference.symbol or ""))
        if own_number and _is_own(reference, own_number):
            continue
        known = found.get(key)
        if known is None:
            found[key] = reference
        elif _completeness(reference) > _completeness(known):
            found[key] = reference  # keeps first-seen order: dict order is by first key insert
    return list(found.values())


def _is_own(reference: Reference, own_number: str) -> bool:
    own = fold(_squeeze(own_number)).upper()
    symbol = fold(reference.symbol or "").upper()
    return bool(symbol) and own.endswith(symbol) and own.startswith(reference.number or "-")


_SYMBOL_YEAR = re.compile(r"(\d{4})\s*/")


def cited_years(lines: list[str]) -> list[int]:
    """The years of the documents `lines` cite: of their dates, however the day and month
    read ("ngày 42/02/2018" keeps its year), and of normative symbols' years ("01/2015/TT-…")."""
    years = []
    for match in _REFERENCE.finditer(fold(join_lines(lines))):
        year = match["y"] or match["wy"]
        in_symbol = _SYMBOL_YEAR.match(match["ssym"] or "")
        years.extend(int(y) for y in (year, in_symbol and in_symbol[1]) if y)
    return years

"""Dates and deadlines: one grammar for the header's date line, cited documents' dates, the
entities of running text and the deadline column of an appendix's table.

Patterns run on folded text (patterns.fold: marks stripped, same offsets), vowels of the words
allowed to be any OCR slip where English-model OCR reads them ("ngay", "Th&ng", "Hangnarn"):
- a date: "ngày 15 tháng 3 năm 2025" (`WORDY_DATE`; day and month may be blank in unsigned
  drafts), "15/3/2025" (`SLASH_DATE`), the day-month-year after "ngày" (`DAY_MONTH_YEAR_WORDS`);
- a deadline (`DEADLINE`, a table's cell): "Hằng năm", "Thường xuyên", "Quý II/2026",
  "Tháng 9/2026", "Năm 2026", "Trước ngày 20 hằng tháng", dates, "Định kỳ", "Liên tục";
- the same in spaCy token patterns for the entities of running text (`token_patterns`).
`iso_date` turns the parts into YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt

import regex as re

# A vowel as OCR may read it: any letter or digit, "&" or "@" ("K& hoach", "Ngh1 quyet").
OCR_VOWEL = r"[a-z0-9&@]"
_V = OCR_VOWEL
DAY = r"\d{1,2}"
MONTH = r"\d{1,2}"
YEAR = r"\d{4}"


def partial_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """What is known of a date: "2017-12-18", "2017-12" (the day unknown), "2017" (day and
    month unknown, or a month with no real date); None without a year."""
    if not year or not re.fullmatch(r"\d{4}", year):
        return None
    full = iso_date(day, month, year)
    if full:
        return full
    if month and month.isdigit() and 1 <= int(month) <= 12 and not day:
        return f"{year}-{int(month):02d}"
    return year


def iso_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """YYYY-MM-DD when all three parts are there and make a real date; else None."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# --- dates ------------------------------------------------------------------------------------

# "ngày 15 tháng 3 năm 2025" folded, with OCR letter slips ("ném"); day/month may be blank
# in unsigned drafts.
WORDY_DATE = (
    rf"ng\w{{1,3}}\s+(?P<d>{DAY})?\s*th\w{{2,4}}\s+(?P<m>{MONTH})?\s*n\w{{1,2}}m\s+(?P<y>{YEAR})"
)
# The header's date line, lenient where a day or month was filled in by hand and OCR'd as
# anything ("ngày 2# thán gớ†? năm 2021", "ngày{ tháng 5", "ngày 04tháng 02", "ngày,ô3"):
# the day and month are whatever stands between the words (`d`, `m`, judged by the caller);
# "ngày" and "tháng" may lose a letter or be glued to the blank; the year may hold a speck.
HEADER_DATE = (
    r"(?<![^\W_])ng[a-z]{1,3}(?P<d>(?:(?!ng[a-z])[^\n]){0,7}?)\s*th[a-z]{1,4}"
    r"(?P<m>[^\n]{0,7}?)\s*(?<![^\W_])n[a-z0-9&@]{1,2}m\s+(?P<y>\d(?:[/.,']?\d){3})(?!\d)"
)
SLASH_DATE = rf"(?P<d>{DAY})\s*/\s*(?P<m>{MONTH})\s*/\s*(?P<y>{YEAR})"
# "15 tháng 3 năm 2025" after the "ngày" of a cited document's date: all three parts.
DAY_MONTH_YEAR_WORDS = (
    rf"(?P<wd>{DAY})\s+th\w{{2,4}}\s+(?P<wm>{MONTH})\s+n\w{{1,2}}m\s+(?P<wy>{YEAR})"
)
# A date in an entity's span: its last word "15/3/2025", or "ngày 15 tháng 3 năm 2025".
SLASH_DATE_WORD = re.compile(rf"^{SLASH_DATE}")
NGAY_DATE = re.compile(rf"ng\w{{1,3}}\s+{DAY_MONTH_YEAR_WORDS}")

# --- deadlines --------------------------------------------------------------------------------

_EVERY = rf"h{_V}{{1,2}}ng\s*(?:n{_V}{{1,2}}m|th{_V}{{1,2}}ng|qu{_V}|tu{_V}{{1,2}}n|ng{_V}y)"
_ONGOING = rf"th{_V}{{1,3}}ng\s+x{_V}{{1,2}}y{_V}{{1,2}}n"
_QUARTER = rf"qu{_V}\s+[IVX1l|]{{1,4}}(?:\s*/\s*{YEAR})?"
_MONTH_OF_YEAR = rf"th{_V}{{1,2}}ng\s+{MONTH}\s*/\s*{YEAR}"
_IN_YEAR = rf"n{_V}{{1,2}}m\s+{YEAR}"
_DATE = rf"{DAY}/{MONTH}/{YEAR}"
_BY_DAY = (
    rf"(?:tr{_V}{{2,3}}c\s+)?ng{_V}y\s+{DAY}(?![/\d])(?:\s+h{_V}{{1,2}}ng\s+th{_V}{{1,2}}ng)?"
)
_PERIODIC = rf"d{_V}nh\s+k{_V}|li{_V}n\s+t{_V}c|c{_V}{{1,2}}i\s+n{_V}{{1,2}}m"
# Deadline words as OCR gives them (folded): "Hằng năm", "Thường xuyên", "Quý II/2026",
# "Tháng 9/2026", "Năm 2026", dates. Vowels may be any OCR slip.
DEADLINE = re.compile(
    rf"(?i)(?<![^\W\d_])(?:{_EVERY}|{_ONGOING}|{_QUARTER}|{_MONTH_OF_YEAR}|{_IN_YEAR}|{_DATE}"
    rf"|{_BY_DAY}|{_PERIODIC})(?![^\W\d_])"
)


# --- spaCy token patterns (NORM: folded, lower case, no trailing punctuation) ------------------


def token_patterns() -> list[dict]:
    """The entity ruler's DATE and DEADLINE token patterns: "ngày 15 tháng 3 năm 2025",
    "ngày 15/3/2025", "trước ngày 20 tháng 6 hằng năm", "Quý II/2026", "tháng 9/2026"."""
    num = {"TEXT": {"REGEX": rf"^{DAY}[,.;]?$"}}
    year = {"TEXT": {"REGEX": rf"^{YEAR}[,.;)]?$"}}
    return [
        {"label": "DATE", "pattern": [{"NORM": "ngay"}, num, {"NORM": "thang"}, num,
                                      {"NORM": "nam"}, year]},
        {"label": "DATE", "pattern": [{"NORM": "ngay"},
                                      {"TEXT": {"REGEX": rf"^{_DATE}\W*$"}}]},
        {"label": "DEADLINE", "pattern": [{"NORM": "truoc", "OP": "?"}, {"NORM": "ngay"}, num,
                                          {"NORM": "thang"}, num,
                                          {"NORM": {"IN": ["hang", "hang"]}}, {"NORM": "nam"}]},
        {"label": "DEADLINE", "pattern": [{"NORM": "quy"},
                                          {"TEXT": {"REGEX": rf"^[IVX]{{1,4}}(/{YEAR})?\W*$"}}]},
        {"label": "DEADLINE", "pattern": [{"NORM": "thang"},
                                          {"TEXT": {"REGEX": rf"^{MONTH}/{YEAR}\W*$"}}]},
    ]

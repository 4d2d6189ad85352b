"""Text helpers and patterns shared by the segment modules.

Every pattern here runs on a *folded* copy of a line (`pipeline.text.fold`): marks stripped,
đ -> d, one character for one character, so a match's offsets are also offsets into the
original line and values are always sliced from the original (restored) text, never rebuilt.
Folding makes the same pattern work on restored text ("Số:", "ngày") and on unrestored
English-model OCR ("S6:", "ngay"), which keeps the letters' shapes but loses or swaps the marks.
"""

from __future__ import annotations

import regex as re

from pipeline.text.fold import nfc
from pipeline.text.lookalikes import ROMAN_ONE_LOOKALIKES, roman_ones

# --- text normalisation -----------------------------------------------------------------------


# The eth (Ð, ð), which OCR and some converted fonts give for the Đ it looks the same as.
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})


def clean_line(text: str) -> str:
    """NFC, whitespace runs collapsed, ends stripped, an eth written as the Đ it stands for."""
    return " ".join(nfc(text).translate(_ETH).split())


# The rest of a document symbol wrapped after its dash: "NQ/TW", "UBND", "QĐ-UBND".
_SYMBOL_REST = re.compile(r"^(?:[A-ZĐ][A-Za-zĐđ]{0,5}/[A-ZĐ]|[A-ZĐ0-9]{1,8}(?![^\W_]))")


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines with one space; a symbol split after its dash at a line end
    ("57-" + "NQ/TW") is joined without one, since that dash belongs to the symbol."""
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        # (the end only: a whole long text searched again for every line took minutes)
        if out and not (re.search(r"\w-$", out[-1][-2:]) and _SYMBOL_REST.match(part)):
            out.append(" ")
        out.append(part)
    return "".join(out)


def upper_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def is_upper_text(text: str, min_letters: int = 2, ratio: float = 0.8) -> bool:
    """Upper case as headings are written; tolerant of a stray OCR lower-case letter."""
    return sum(1 for c in text if c.isalpha()) >= min_letters and upper_ratio(text) >= ratio


def starts_lower(text: str) -> bool:
    stripped = text.lstrip(" \"'“‘(")
    return bool(stripped) and stripped[0].isalpha() and stripped[0].islower()


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ":", ";", "!", "?"))


# (Dates and deadlines: dates.py.)

# --- markers ----------------------------------------------------------------------------------

# A Roman section number as OCR reads it (its I's as look-alikes too: "Ill.", "I1.", "|.").
ROMAN_HEADING = re.compile(
    rf"^(?P<tok>[IVX{re.escape(ROMAN_ONE_LOOKALIKES)}]{{1,5}})\s*[.:]\s*(?P<rest>.*)$")
# "II NHIỆM VỤ": the period lost; only real numeral letters, an upper-case title after them.
ROMAN_HEADING_NO_DOT = re.compile(r"^(?P<tok>[IVX]{1,4})\s+(?P<rest>\S.*)$")
# OCR specks before a line's first word ("._~", "__", "¡"); dash-like ones stand for a bullet.
LEADING_JUNK = re.compile(r"^[._~¡¬`'\"=:;,—–\s]+(?=\S)")
DASH_LIKE = re.compile(r"[~¬=—–]")
# A line's trailing specks: tokens of punctuation only (" |", " :", " ..", " - _").
TRAILING_JUNK = re.compile(r"(?:\s+[|:;._~=\-—–]+)+$")
ARABIC_HEADING = re.compile(
    r"^(?P<num>\d{1,2}(?:\s?\.\s?\d{1,2}){0,3})\s?[.)]\s*(?P<rest>[^\d\s].*)$"
)
# "1.1 Xây dựng" (inner dot, no trailing one)
ARABIC_HEADING_NO_DOT = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<rest>[^\d\s].*)$")
ARTICLE_HEADING = re.compile(r"^(?P<word>Dieu)\s+(?P<num>\d{1,3})\s*[.:]\s*(?P<rest>.*)$")
# "~", "=", "¬": how English-model OCR often reads a dash bullet (the marker becomes "-").
BULLET = re.compile(r"^(?P<m>[-–—+•●○▪■*]|[~=¬](?=\s))\s*(?P<rest>\S.*)$")
LETTER_ITEM = re.compile(r"^(?P<m>[a-zđ]\s?\))\s*(?P<rest>\S.*)$")

LEGAL_BASIS_START = re.compile(r"^(?i:c\w{1,2}n\s+c\S{1,3}|th\w{1,2}c\s+h\w{1,3}n)\b")
CLOSING_START = re.compile(r"^(?i:tr\w{1,2}n\s+d\w{1,2}y\s+(?:l|1)\w?)(?:\s|$)")
RECIPIENTS_LABEL = re.compile(r"^(?i:n\w{1,2}i\s+nh\S{1,3}n)\s*[:;.]?")
AUTHORITY = re.compile(r"^(?P<a>TM|KT|TL|TUQ|Q)\s?\.\s*(?=\S)")
APPENDIX_HEADING = re.compile(
    r"^(?i:ph\w{1,2}\s*l\w{1,2}c)\b\s*(?P<num>[IVX]{1,4}|\d{1,2})?\s*[:.\-–]?\s*(?P<rest>.*)$"
)

ROMAN_VALUES = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
]


def roman(n: int) -> str | None:
    return ROMAN_VALUES[n - 1] if 1 <= n <= len(ROMAN_VALUES) else None


def decode_roman_token(token: str) -> str:
    """The Roman numeral an OCR token stands for: "|" -> "I", "I1" -> "II", "Ill" -> "III"."""
    return roman_ones(token)


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# --- the fixed lines of Decree 30's letterhead (folded, upper case) and page numbers -------------

NATIONAL_NAME = "CONG HOA XA HOI CHU NGHIA VIET NAM"
MOTTO = "DOC LAP - TU DO - HANH PHUC"
PARTY_NAME = "DANG CONG SAN VIET NAM"  # the right block of Party documents
# A page number alone on its line ("5", "- 2 -", "– 3 –").
PAGE_NUMBER = re.compile(r"[-–—\s]*\d{1,3}[-–—\s]*")


# --- vocabulary (folded, lower case) ------------------------------------------------------------

# Document types as they stand alone on the type line (Decree 30, appendix III).
DOCUMENT_TYPES = {
    "ke hoach",
    "quyet dinh",
    "nghi quyet",
    "chi thi",
    "quy che",
    "quy dinh",
    "thong cao",
    "thong bao",
    "huong dan",
    "chuong trinh",
    "phuong an",
    "de an",
    "du an",
    "bao cao",
    "bien ban",
    "to trinh",
    "hop dong",
    "cong dien",
    "ban ghi nho",
    "ban thoa thuan",
    "giay uy quyen",
    "giay moi",
    "giay gioi thieu",
    "giay nghi phep",
    "phieu gui",
    "phieu chuyen",
    "phieu bao",
    "ket luan",
    "cong van",
    "thong tu",
    "thong tu lien tich",
    "nghi dinh",
    "lenh",
    "don",
}

# Type codes of the symbol ("KH" in 125/KH-UBND), folded upper case.
TYPE_CODES = {
    "NQ",
    "QD",
    "CT",
    "QC",
    "QYD",
    "TC",
    "TB",
    "HD",
    "CTR",
    "KH",
    "PA",
    "DA",
    "BC",
    "BB",
    "TTR",
    "CD",
    "BGN",
    "BTT",
    "GUQ",
    "GM",
    "GGT",
    "GNP",
    "PG",
    "PC",
    "PB",
    "KL",
    "TT",
    "ND",
}

# Words that name a level of local government: a header line starting with one names the
# place of the generic body ("ỦY BAN NHÂN DÂN") on the line above.
ADMIN_LEVELS = (
    "xa",
    "phuong",
    "thi tran",
    "huyen",
    "quan",
    "thi xa",
    "thanh pho",
    "tinh",
    "dac khu",
)

# Signer's titles (folded upper case words), to tell a signature line from a recipient.
SIGNER_TITLE_WORDS = re.compile(
    r"\b(?:CHU\s+TICH|GIAM\s+DOC|TRUONG|BI\s+THU|CHANH|THU\s+TRUONG|UY\s+VIEN|PHO)\b"
)

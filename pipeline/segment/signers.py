"""What a signature block is made of (Decree 30/2020/NĐ-CP, Appendix I): the authority lines
(TM./KT./TL./TUQ./Q.), the signer's position, and the name, a degree before it ("TS.").

The positions are a closed list of the titles Vietnamese administrative bodies sign under; a
position line that OCR or restore garbled beyond its title words ("HIỆU TRƯC", restored
"HIỆU LỰC") is read as the nearest of them when it is near enough.
"""

from __future__ import annotations

import regex as re
from rapidfuzz import fuzz, process

from pipeline.segment import fuzzy
from pipeline.text.fold import fold

# Heads of bodies and their deputies ("PHÓ ..." of each is added below).
_HEADS = (
    "CHỦ TỊCH", "GIÁM ĐỐC", "TỔNG GIÁM ĐỐC", "HIỆU TRƯỞNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG",
    "THỦ TƯỚNG", "CHÁNH VĂN PHÒNG", "TRƯỞNG BAN", "TRƯỞNG PHÒNG", "BÍ THƯ", "CHÁNH THANH TRA",
    "CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG", "VỤ TRƯỞNG", "VIỆN TRƯỞNG", "CHÁNH ÁN", "TRƯỞNG KHOA",
    "TRƯỞNG TRẠM", "CHI CỤC TRƯỞNG", "GIÁM ĐỐC SỞ", "TRƯỞNG ĐOÀN", "CHỦ NHIỆM",
)
SIGNER_POSITIONS = tuple(title for head in _HEADS for title in (head, f"PHÓ {head}"))
_FOLDED_POSITIONS = [fold(title) for title in SIGNER_POSITIONS]
_BY_FOLDED = dict(zip(_FOLDED_POSITIONS, SIGNER_POSITIONS, strict=True))

# A degree or title of learning written before a signer's name: "TS.", "ThS.", "PGS.TS.".
_DEGREE = r"(?:GS|PGS|TSKH|TS|ThS|Ths|THS|BS|BSCKII|BSCKI|DS|KS|LS|NGƯT|NGND|NSND|NSƯT)"
NAME_PREFIX = re.compile(rf"^(?P<prefix>{_DEGREE}\s?[.:](?:\s?{_DEGREE}\s?[.:])*)\s*(?=\S)")


def split_name_prefix(text: str) -> tuple[str | None, str]:
    """("TS.", "Lê Văn Tâm") from "TS. Lê Văn Tâm"; (None, text) when no degree leads it."""
    found = NAME_PREFIX.match(text)
    if not found:
        return None, text
    prefix = found["prefix"].replace(" ", "").replace(":", ".")
    return prefix, text[found.end() :]


def spelled_position(text: str) -> str:
    """A position written with its marks when its letters are a known position's ("CHU TÍCH",
    restored from "CHU TICH", is "CHỦ TỊCH"): marks on capitals are what OCR reads worst and
    restore can only guess; the text unchanged otherwise."""
    return _BY_FOLDED.get(" ".join(fold(text).upper().split()), text)


def deputy_of(position: str) -> str:
    """Who signs "KT. <position>" (for the head): the minister's deputy is a THỨ TRƯỞNG, every
    other head's a PHÓ (Decree 30/2020/NĐ-CP, Appendix I)."""
    return "THỨ TRƯỞNG" if position == "BỘ TRƯỞNG" else f"PHÓ {position}"


def nearest_position(*readings: str) -> str | None:
    """The signer position the readings of one garbled line are nearest to (the restored text
    and the OCR text are two witnesses: restore may have turned a damaged title into other
    words), or None when none is near enough."""
    best: tuple[float, str] | None = None
    for reading in readings:
        key = " ".join(fold(reading).upper().split())
        if len(key) < 4:
            continue
        found = process.extractOne(key, _FOLDED_POSITIONS, scorer=fuzz.ratio,
                                   score_cutoff=fuzzy.SIGNER_POSITION)
        if found and (best is None or found[1] > best[0]):
            best = (found[1], SIGNER_POSITIONS[found[2]])
    return best[1] if best else None

"""A letter's (công văn) parts, and the addressees of any document (Decree 30/2020/NĐ-CP).

A công văn has no type line: under its number stands its subject, "V/v …" (về việc), one or
a few lines in the left header block; its body starts "Kính gửi:" followed by the addressees,
on the same line or one per line as "- " items. Other kinds (Tờ trình, Báo cáo) have a
"Kính gửi:" too, after their title. Patterns run on folded text (marks stripped, same
offsets); OCR often reads the slash of "V/v" as "¿", "?" or loses it ("Vv").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex as re
from rapidfuzz import fuzz

from pipeline.segment import fuzzy
from pipeline.segment.patterns import BULLET, MOTTO
from pipeline.text.fold import fold

# "V/v", "V¿v", "V?v", "Vv", "V/V", "V.v" at a line's start, then the subject.
_SUBJECT = re.compile(r"^V\s?[/¿?\\|.,:;]?\s?[vV](?:\s*[.:])?\s+(?P<rest>\S.*)$")
# "Kính gửi:", "Kinh gui", "Kính gửi :" (folded), then maybe the first addressee.
_ADDRESSEE_LABEL = re.compile(r"^\W{0,2}K\w{1,3}nh\s+g\w{1,3}i\b\s*[:;.]?\s*(?P<rest>.*)$",
                              flags=re.IGNORECASE)
# How far below the header a "Kính gửi:" may stand (it precedes the body's first paragraph).
_ADDRESSEE_SEARCH = 30
_SUBJECT_MAX_LINES = 4
_ITEM_END = " ;.,"


@dataclass
class LetterParts:
    subject: str | None = None
    addressees: list[str] = field(default_factory=list)
    used: list[int] = field(default_factory=list)  # indices of the lines read here
    has_addressee_label: bool = False


def is_addressee_label(line: str) -> bool:
    return bool(_ADDRESSEE_LABEL.match(fold(line)))


def subject_start(lines: list[str], start: int, stop: int) -> int | None:
    return next((i for i in range(start, stop) if _SUBJECT.match(fold(lines[i]))), None)


def parse_subject(lines: list[str], blocks: list[str | None], start: int) -> tuple[str, int]:
    """The "V/v …" line at `start` and its wrapped lines (same layout block, not a label, not
    blank); returns (subject with "V/v" written right, first line after it)."""
    found = _SUBJECT.match(fold(lines[start]))
    assert found is not None
    parts = ["V/v", lines[start][found.start("rest"):].strip()]
    index = start + 1
    block = blocks[start] if start < len(blocks) else None
    while index < len(lines) and index - start < _SUBJECT_MAX_LINES:
        line = lines[index]
        same_block = block is None or (index < len(blocks) and blocks[index] == block)
        if not line or not same_block or is_addressee_label(line) or _is_fixed_line(line):
            break
        parts.append(line.strip())
        index += 1
    return " ".join(p for p in parts if p), index


def _is_fixed_line(line: str) -> bool:
    """A line of the right header block that OCR put after the subject when the layout is not
    known: the national name, the motto or the place-date line."""
    key = fold(line).upper()
    if any(w in key for w in ("CONG HOA", "DOC LAP", "HANH PHUC")):
        return True
    if fuzz.ratio(" ".join(key.split()), MOTTO) >= fuzzy.FIXED_PHRASE:  # "Độc Hp - Ty đo - …"
        return True
    return bool(re.search(r"NG\w{1,3}\W*\S{0,4}\s*TH\w{1,4}", key))


def parse_addressees(lines: list[str], start: int) -> tuple[list[str], int]:
    """The addressees after the "Kính gửi:" line at `start`: its rest, then "- " items (a
    wrapped item's lower-case continuation, or a line with no plain "-" after an item left
    open with ",", joined); returns (items, first line after them). Before the first item,
    the right header block that OCR may read in between (national name, motto, date line)
    and specks are passed over."""
    found = _ADDRESSEE_LABEL.match(fold(lines[start]))
    assert found is not None
    items: list[str] = []
    rest = lines[start][found.start("rest"):].strip()
    if rest:
        items.append(rest)
    index = start + 1
    while index < len(lines):
        line = lines[index].strip()
        if not items and (not line or _is_fixed_line(line) or _is_speck(line)):
            index += 1
            continue
        if not line:
            break
        bullet = BULLET.match(line)
        if items and items[-1].endswith(",") and not (bullet and bullet["m"] == "-"):
            items[-1] = f"{items[-1]} {_without_marker(line)}"
        elif bullet:
            items.append(bullet["rest"])
        elif items and line[:1].islower() and not items[-1].endswith(";"):
            items[-1] = f"{items[-1]} {line}"
        else:
            break
        index += 1
    return [text for text in (_item_text(i) for i in items) if text], index


def _is_speck(line: str) -> bool:
    return sum(c.isalpha() for c in line) <= 2


def _without_marker(line: str) -> str:
    """A continuation line's text without the dash or junk OCR put before it ("_— Tài …")."""
    return re.sub(r"^[\W_]+", "", line)


def _item_text(text: str) -> str:
    return " ".join(text.split()).rstrip(_ITEM_END)


def parse_letter(lines: list[str], blocks: list[str | None], header_start: int,
                 header_end: int, type_line: int | None) -> LetterParts:
    """A letter's subject (under the number, on a page with no type line) and the addressees
    of the first "Kính gửi:" near the top."""
    parts = LetterParts()
    # Under a type line ("THÔNG BÁO" / "V/v …") the "V/v" line is the title, not a subject.
    first = None if type_line is not None else subject_start(
        lines, header_start, min(len(lines), header_end + _SUBJECT_MAX_LINES))
    if first is not None:
        parts.subject, after = parse_subject(lines, blocks, first)
        parts.used.extend(range(first, after))
    stop = min(len(lines), max(header_end, 0) + _ADDRESSEE_SEARCH)
    label = next((i for i in range(header_start, stop) if is_addressee_label(lines[i])), None)
    if label is not None:
        parts.has_addressee_label = True
        parts.addressees, after = parse_addressees(lines, label)
        parts.used.extend(range(label, after))
    return parts

"""The structure of a document as the review page lists it: each value with the line of the
restored text (and so the page) it came from.

Segment keeps no pointer from a value back to its line, so the line is found again by
matching the value against the restored text: the line that is the value, else the first one
holding it (with a hint word where a value alone is ambiguous: the place also stands in the
issuer's name, the date line is the one with "ngày"), else the line most like its beginning (a
title wrapped over two lines). Values are looked for in document order from the last one
found, so that "I. MỤC ĐÍCH" is the section heading, not an earlier mention.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.model import Document, Reading, Section

# How alike (rapidfuzz partial ratio, 0..100) a line must be to a value to be where it came
# from when no line holds it as it is (OCR repairs, a wrapped title, spaces changed).
MIN_LINE_LIKENESS = 85.0
# Lines shorter than this are not matched by likeness: "I." is like a part of everything.
MIN_LIKENESS_CHARS = 6
# Long values (a table row's task) are matched by their beginning, which stands on one line.
MATCHED_PREFIX_CHARS = 60


@dataclass(frozen=True)
class StructureEntry:
    label: str  # "Số, ký hiệu", "Mục I", ...
    value: str
    line: int | None  # 1-based line of the restored text; None when no line matches
    page: int | None  # the page the line is printed on; None for text inputs
    depth: int = 0  # nesting: subsections and appendix rows under their heading
    needs_review: bool = False  # the value's reading says to look at the page


def structure_entries(document: Document) -> list[StructureEntry]:
    """Header fields, title, subject, addressees, sections, appendix rows and signature, in
    document order, each located in the restored text."""
    finder = _LineFinder(document)
    header, readings = document.header, document.readings
    entries = [
        finder.entry("Cơ quan chủ quản", header.issuer_parent),
        finder.entry("Cơ quan ban hành", header.issuer),
        finder.entry("Số, ký hiệu", header.written_number, hint="số",
                     reading=header.readings.get("number")),
        finder.entry("Địa danh", header.place, hint="ngày"),
        finder.entry("Ngày", header.date, search=_date_search(header.date), hint="ngày",
                     reading=header.readings.get("date")),
        finder.entry("Loại văn bản", header.document_type or header.kind),
        finder.entry("Tên", document.title, reading=readings.get("title")),
        finder.entry("Trích yếu", document.subject, reading=readings.get("subject")),
        *(finder.entry("Kính gửi", name) for name in document.addressees),
        *_section_entries(finder, document.sections, 0),
    ]
    for appendix in document.appendices:
        entries.append(finder.entry("Phụ lục", appendix.title))
        for group in appendix.groups:
            entries.append(finder.entry(f"Nhóm {group.number or ''}".strip(), group.title,
                                        depth=1))
            entries.extend(finder.entry(f"Dòng {row.tt or ''}".strip(), row.task, depth=2)
                           for row in group.rows)
    signature = document.signature
    entries += [
        finder.entry("Quyền hạn ký", signature.authority,
                     reading=readings.get("signature.authority")),
        finder.entry("Chức vụ người ký", signature.title, reading=readings.get("signature.title")),
        finder.entry("Người ký", " ".join(filter(None, [signature.name_prefix, signature.name]))
                     or None, reading=readings.get("signature.name")),
    ]
    return [entry for entry in entries if entry is not None]


def _section_entries(finder: _LineFinder, sections: Iterable[Section],
                     depth: int) -> list[StructureEntry | None]:
    entries: list[StructureEntry | None] = []
    for section in sections:
        heading = " ".join(filter(None, [section.number and f"{section.number}.",
                                         section.title]))
        entries.append(finder.entry(f"Mục {section.number or ''}".strip(), heading or None,
                                    search=section.title, hint=section.number, depth=depth))
        entries.extend(_section_entries(finder, section.subsections, depth + 1))
    return entries


def _date_search(date: str | None) -> str | None:
    """What of an ISO date the page prints as such: its year ("ngày 6 tháng 4 năm 2026")."""
    return date[:4] if date else None


class _LineFinder:
    """Finds values' lines in the restored text, in document order."""

    def __init__(self, document: Document) -> None:
        self.lines = [_folded(line) for line in document.text_lines]
        self.pages = document.line_pages
        self.cursor = 0

    def entry(self, label: str, value: str | None, *, search: str | None = None,
              hint: str | None = None, depth: int = 0,
              reading: Reading | None = None) -> StructureEntry | None:
        if not value:
            return None
        index = self.find(search or value, hint)
        if index is not None:
            self.cursor = index
        return StructureEntry(label=label, value=value,
                              line=None if index is None else index + 1,
                              page=None if index is None else self.pages[index], depth=depth,
                              needs_review=bool(reading and reading.needs_review))

    def find(self, value: str, hint: str | None = None) -> int | None:
        """The 0-based line `value` came from, looked for from the cursor on, then from the
        top (segment may take a value from after the last one found)."""
        wanted = _folded(value)[:MATCHED_PREFIX_CHARS]
        hint = _folded(hint) if hint else None
        for start in (self.cursor, 0):
            found = self._find_from(wanted, hint, start)
            if found is not None:
                return found
        return None

    def _find_from(self, wanted: str, hint: str | None, start: int) -> int | None:
        indexed = list(enumerate(self.lines))[start:]
        for index, line in indexed:
            if line == wanted:
                return index
        holding = [index for index, line in indexed if wanted in line]
        with_hint = [index for index in holding if hint and hint in self.lines[index]]
        if with_hint or holding:
            return (with_hint or holding)[0]
        best, best_score = None, 0.0
        for index, line in indexed:
            if len(line) < MIN_LIKENESS_CHARS:
                continue
            score = fuzz.partial_ratio(line, wanted)
            if score >= MIN_LINE_LIKENESS and score > best_score:  # the first of equals wins
                best, best_score = index, score
        return best


def _folded(text: str) -> str:
    """Compared without case and with spaces as single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())

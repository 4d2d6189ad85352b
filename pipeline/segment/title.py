"""The title: the summary lines after the type line ("KẾ HOẠCH" / "Tuyên truyền …"), up to
the body's first paragraph, heading or item, a sentence's end, or an upper-case line after a
sentence-case title.
"""

from __future__ import annotations

from pipeline.segment.body import (
    arabic_heading,
    is_legal_basis_start,
    item_marker,
    roman_heading,
)
from pipeline.segment.patterns import ARTICLE_HEADING, ends_sentence, is_upper_text, join_lines
from pipeline.text.fold import fold

_TITLE_MAX_LINES = 6


def parse_title(lines: list[str], start: int, stop: int) -> tuple[str | None, int]:
    """The summary lines after the type line; returns (title, first line after it)."""
    index = start
    while index < stop and not lines[index]:
        index += 1
    parts: list[str] = []
    while index < stop and len(parts) < _TITLE_MAX_LINES:
        line = lines[index]
        if not line or _ends_title(parts, line):
            break
        parts.append(line)
        index += 1
    return (join_lines(parts) or None), index


def _ends_title(parts: list[str], line: str) -> bool:
    """Whether `line` is past the title. A title may itself start "Thực hiện …", so only a
    later such line ends it."""
    if not parts:
        return _starts_body(line) and not _starts_with_thuc_hien(line)
    # An upper-case title wraps onto upper-case lines ("… KHÔNG" / "THỰC HIỆN …"): those
    # are no "Thực hiện …" paragraph.
    upper_wrap = is_upper_text(parts[0]) and is_upper_text(line) and not is_legal_basis_start(
        parts[0]) and arabic_heading(line) is None and roman_heading(line, 1, None) is None
    return (
        (_starts_body(line) and not upper_wrap)
        or item_marker(line) is not None
        or ends_sentence(parts[-1])
        or _is_upper_break(parts[0], line)
    )


def _starts_with_thuc_hien(line: str) -> bool:
    return is_legal_basis_start(line) and not fold(line).lower().startswith("can")


def _is_upper_break(first_title_line: str, line: str) -> bool:
    """An upper-case line after a sentence-case title is the next part (e.g. the authority
    line of a decision), not more title."""
    return is_upper_text(line, min_letters=4) and not is_upper_text(first_title_line)


def _starts_body(line: str) -> bool:
    return (
        is_legal_basis_start(line)
        or arabic_heading(line) is not None
        or roman_heading(line, 1, None) is not None
        or bool(ARTICLE_HEADING.match(fold(line)))
    )

"""The closing paragraph: "Trên đây là …" up to its "./." (Decree 30's closing of the body)."""

from __future__ import annotations

from pipeline.segment.patterns import CLOSING_START, join_lines, starts_lower
from pipeline.segment.signature import is_signature_start
from pipeline.text.fold import fold


def is_closing_start(line: str) -> bool:
    return bool(CLOSING_START.match(fold(line)))


def parse_closing(lines: list[str], start: int, stop: int) -> tuple[str | None, int]:
    """The "Trên đây là …" paragraph starting at `start`, up to its "./." (or a break)."""
    parts: list[str] = []
    index = start
    while index < stop:
        line = lines[index]
        if parts and line and is_signature_start(line):
            break  # the foot ("Nơi nhận", "TM. …"), though OCR lost the closing's "./."
        if not line:
            if index + 1 < stop and starts_lower(lines[index + 1]):
                index += 1
                continue
            break
        parts.append(line)
        index += 1
        if line.rstrip().endswith(("./.", "./", "/.")):
            break
    return (join_lines(parts) or None), index

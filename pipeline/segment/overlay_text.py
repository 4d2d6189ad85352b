"""Text printed over the document that OCR read as ordinary lines: a digital signature's box
("Ký bởi: …", "Cơ quan: …", "Thời gian ký: …", the e-gazette's "TRUNG TÂM CÔNG BÁO VÀ TIN
HỌC", its e-mail and "… +07:00" timestamp) and copy stamps ("SAO Y BẢN CHÍNH"). They are not
the document's header or body: segment moves them to `overlays` (the ocr stage finds most
by their boxes; these are the ones it read as page text, and text inputs).
"""

from __future__ import annotations

import regex as re

from pipeline.text.fold import fold

# Lines that only a signature box prints (folded, case-insensitive).
_SIGNATURE_LINE = re.compile(
    r"(?i)^\W{0,2}(?:k[a-z]\s+b[a-z]{1,3}i|ng[a-z]{1,3}i\s+k[a-z]|th[a-z]{1,3}i\s+gian\s+k[a-z])"
    r"\s*:"
    r"|^\W{0,2}trung\s+tam\s+cong\s*bao"
    r"|^\S+@\S+\.[a-z]{2,}\W*$"
    r"|[+]\s?0?7\s?:\s?00\W*$"
)
# Lines a signature box prints among others: only next to a sure one.
_SIGNATURE_FIELD = re.compile(r"(?i)^\W{0,2}(?:c[a-z]\s+quan|email|d[a-z]{1,2}a\s+ch[a-z])\s*:")
# A bare date-time of the box ("11/05/2021 11:26:39", "05.02.2025 08:09:28").
_TIMESTAMP = re.compile(r"^\W{0,2}\d{1,2}[./]\d{1,2}[./]\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\W*$")
_COPY_STAMP = re.compile(r"(?i)^\W{0,2}sao\s+y(?:\s+ban\s+chinh)?\b")


def overlay_kind(line: str, next_to_signature: bool) -> str | None:
    """ "digital-signature" or "copy-stamp" when the line is an overlay's text, else None;
    `next_to_signature`: the line before it is a signature box's."""
    key = fold(line.strip())
    if not key:
        return None
    if _SIGNATURE_LINE.search(key):
        return "digital-signature"
    if next_to_signature and (_SIGNATURE_FIELD.match(key) or _TIMESTAMP.match(key)):
        return "digital-signature"
    if _COPY_STAMP.match(key) and key.upper() == key:
        return "copy-stamp"
    return None


def overlay_lines(lines: list[str]) -> list[str | None]:
    """Each line's overlay kind (None: document text); a field line ("Cơ quan: …") counts
    when a sure signature line stands just before or after it."""
    kinds = [overlay_kind(line, False) for line in lines]
    for index, line in enumerate(lines):
        if kinds[index] is None and _near_signature(kinds, index):
            kinds[index] = overlay_kind(line, True)
    return kinds


def _near_signature(kinds: list[str | None], index: int) -> bool:
    return any(0 <= j < len(kinds) and kinds[j] == "digital-signature"
               for j in (index - 1, index + 1))

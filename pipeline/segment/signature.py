"""The signature block and the "Nơi nhận:" recipients list.

They sit side by side at the foot of the document, so OCR often reads them into the same lines:
"Nơi nhận: KT. CHỦ TỊCH", "- Như trên; PHÓ CHỦ TỊCH". A line is split where a trailing run of
upper-case words carrying a signer's prefix or title begins after the recipient text's
punctuation; the left part is a recipient, the right part the signature. The signer's name is
the last name-like line (2–5 capitalised words, no punctuation).
"""

from __future__ import annotations

import regex as re

from pipeline.model import Signature
from pipeline.segment.patterns import (
    AUTHORITY,
    BULLET,
    RECIPIENTS_LABEL,
    SIGNER_TITLE_WORDS,
    is_upper_text,
    join_lines,
)
from pipeline.text.fold import fold

_LEFT_PART_ENDINGS = (";", ":", ".", ",", ")")
_NAME_WORDS = (2, 5)
# A signer's title alone on its line ("CHỦ TỊCH", "PHÓ GIÁM ĐỐC", "TRƯỞNG BAN").
_LONE_TITLE = re.compile(
    r"(?:PHO\s+)?(?:CHU\s+TICH|GIAM\s+DOC|BI\s+THU|TRUONG\s+(?:BAN|PHONG)|HIEU\s+TRUONG"
    r"|CHANH\s+VAN\s+PHONG)"
)


def is_signature_start(line: str) -> bool:
    """A line that can only belong to the foot: the recipients label, a signer's prefix
    ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), or a lone signer's title ("CHỦ TỊCH")."""
    folded = fold(line)
    if RECIPIENTS_LABEL.match(folded):
        return True
    if AUTHORITY.match(folded) and is_upper_text(line):
        return True
    return is_upper_text(line) and bool(_LONE_TITLE.fullmatch(" ".join(folded.upper().split())))


def _is_upper_token(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _is_signature_text(text: str) -> bool:
    folded = fold(text)
    return bool(AUTHORITY.match(folded) or SIGNER_TITLE_WORDS.search(folded))


def split_signature_part(text: str) -> tuple[str, str | None]:
    """("- Như trên;", "PHÓ CHỦ TỊCH") from "- Như trên; PHÓ CHỦ TỊCH"; (text, None) if none."""
    tokens = text.split()
    start = len(tokens)
    while start > 0 and _is_upper_token(tokens[start - 1]):
        start -= 1
    if start == len(tokens):
        return text, None
    left, right = " ".join(tokens[:start]), " ".join(tokens[start:])
    if not any(len(re.sub(r"\W", "", token)) >= 3 for token in tokens[:start]):
        left = ""  # specks and stray letters before the title ("-~ _ na c CHỦ TỊCH")
    if left and not left.endswith(_LEFT_PART_ENDINGS):
        return text, None
    if not _is_signature_text(right):
        return text, None
    return left, right


def _is_name_token(token: str) -> bool:
    return token.isalpha() and token[0].isupper() and (len(token) == 1 or token[1:].islower())


def is_name_line(text: str) -> bool:
    tokens = text.split()
    low, high = _NAME_WORDS
    return low <= len(tokens) <= high and all(_is_name_token(t) for t in tokens)


def split_trailing_name(text: str) -> tuple[str, str | None]:
    """("- Lưu: VT.", "Nguyễn Văn A") from "- Lưu: VT. Nguyễn Văn A"."""
    tokens = text.split()
    start = len(tokens)
    while start > 0 and _is_name_token(tokens[start - 1]):
        start -= 1
    count = len(tokens) - start
    left = " ".join(tokens[:start])
    if left and left.endswith((";", ".")) and _NAME_WORDS[0] <= count <= _NAME_WORDS[1]:
        return left, " ".join(tokens[start:])
    return text, None


def _is_residue(text: str) -> bool:
    """A bulleted bit of the signature block or seal ("- TỈNH"): recipients are written in
    sentence case and end with ";" or "."."""
    return is_upper_text(text, ratio=1.0) and not text.rstrip().endswith((";", "."))


def _clean_recipient(text: str) -> str:
    """As written after its bullet, list punctuation included ("UBND huyện (b/c);")."""
    return text.strip()


def _signature_from_parts(parts: list[str], name: str | None) -> Signature:
    authority = None
    candidates: list[str] = []
    for part in parts:
        found = AUTHORITY.match(fold(part))
        if found and authority is None:
            authority = part[: found.end()].replace(" ", "")
            remainder = part[found.end() :].strip()
            if remainder:
                candidates.append(remainder)
        else:
            candidates.append(part)
    titled = [c for c in candidates if SIGNER_TITLE_WORDS.search(fold(c).upper())]
    title = (titled or candidates or [None])[-1]
    return Signature(authority=authority, title=_drop_stray_letters(title), name=name)


def _drop_stray_letters(title: str | None) -> str | None:
    """Seals and signatures leave lone letters before the title ("A CHỦ TỊCH")."""
    if title is None:
        return None
    tokens = title.split()
    while len(tokens) > 1 and len(tokens[0]) == 1:
        tokens.pop(0)
    return " ".join(tokens) or None


def parse_signature(lines: list[str]) -> tuple[Signature, list[str]]:
    recipients: list[str] = []
    parts: list[str] = []
    names: list[str] = []
    in_recipients = False
    for line in lines:
        text = line.strip()
        if not text:
            continue
        label = RECIPIENTS_LABEL.match(fold(text))
        if label:
            in_recipients = True
            text = text[label.end() :].strip()
        text, signature_part = split_signature_part(text)
        if signature_part:
            parts.append(signature_part)
        else:
            text, name = split_trailing_name(text)
            if name:
                names.append(name)
        if not text:
            continue
        if is_name_line(text):
            names.append(text)
            continue
        if not in_recipients:
            continue
        bullet = BULLET.match(text)
        if bullet and _is_residue(bullet["rest"]):
            continue
        if bullet:
            recipients.append(bullet["rest"])
        elif recipients and not recipients[-1].rstrip().endswith((";", ".")):
            recipients[-1] = join_lines([recipients[-1], text])
        elif not recipients:
            recipients.append(text)
        # anything else here is seal or signature residue
    cleaned = [r for r in (_clean_recipient(r) for r in recipients) if r]
    return _signature_from_parts(parts, names[-1] if names else None), cleaned

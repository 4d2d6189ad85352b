"""The signature block and the "Nơi nhận:" recipients list.

They sit side by side at the foot of the document, so OCR often reads them into the same lines:
"Nơi nhận: KT. CHỦ TỊCH", "- Như trên; PHÓ CHỦ TỊCH". A line is split where a trailing run of
upper-case words carrying a signer's prefix or title begins after the recipient text's
punctuation; the left part is a recipient, the right part the signature. The signer's name is
the last name-like line (2–5 capitalised words, no punctuation), a degree before it ("TS.") in
`name_prefix`. Authority lines (TM./KT./TL./TUQ./Q.) are kept as printed, several joined by a
space. Where the OCR stage told each line's layout block, a line of the signature column never
continues a recipient (seal and signature residue), and a garbled position line there is read
as the signer position it is nearest to (signers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
from pipeline.segment.signers import (
    deputy_of,
    nearest_position,
    spelled_position,
    split_name_prefix,
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


def _drop_stray_letters(title: str | None) -> str | None:
    """Seals and signatures leave lone letters before the title ("A CHỦ TỊCH")."""
    if title is None:
        return None
    tokens = title.split()
    while len(tokens) > 1 and len(tokens[0]) == 1:
        tokens.pop(0)
    return " ".join(tokens) or None


def parse_signature(
    lines: list[str], blocks: list[str | None] | None = None, witnesses: list[str] | None = None
) -> tuple[Signature, list[str]]:
    """The signature and the recipients of the foot's lines. `blocks`: each line's layout block
    where the OCR stage told it ("signature", "recipients"; None for text inputs): a line of
    the signature column is never a recipient's continuation, and a garbled position line there
    is read as the position it is nearest to. `witnesses`: the same lines as OCR read them,
    before restore (which may turn a damaged title into other words)."""
    foot = _Foot()
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        block = blocks[index] if blocks else None
        label = RECIPIENTS_LABEL.match(fold(text))
        if label:
            foot.in_recipients = True
            text = text[label.end() :].strip()
        elif block == "recipients":
            foot.in_recipients = True  # the label itself may be unread under a seal
        if block == "signature" and not label:
            _read_signature_column(foot, text, witnesses[index] if witnesses else text)
        else:
            _read_mixed_line(foot, text)
    cleaned = [r for r in (_clean_recipient(r) for r in foot.recipients) if r]
    return _signature_from_parts(foot.parts, foot.names[-1] if foot.names else None), cleaned


@dataclass
class _Foot:
    """What the foot's lines gave so far."""

    recipients: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # authority and position lines
    names: list[tuple[str | None, str]] = field(default_factory=list)  # (degree, name)
    in_recipients: bool = False


def _read_mixed_line(foot: _Foot, text: str) -> None:
    """A line of either column, or of both merged ("- Như trên; PHÓ CHỦ TỊCH")."""
    text, signature_part = split_signature_part(text)
    if signature_part:
        foot.parts.append(signature_part)
    if text and (name := _name_of_line(text)):
        foot.names.append(name)
        return
    if not signature_part:
        text, trailing = split_trailing_name(text)
        if trailing:
            foot.names.append((None, trailing))
    if not text:
        return
    if not foot.in_recipients:
        return
    bullet = BULLET.match(text)
    if bullet and _is_residue(bullet["rest"]):
        return
    if bullet:
        foot.recipients.append(bullet["rest"])
    elif foot.recipients and not foot.recipients[-1].rstrip().endswith((";", ".")):
        foot.recipients[-1] = join_lines([foot.recipients[-1], text])
    elif not foot.recipients:
        foot.recipients.append(text)
    # anything else here is seal or signature residue


def _read_signature_column(foot: _Foot, text: str, witness: str) -> None:
    """A line the layout put in the signature column: an authority or position line, the
    name, a recipient OCR read into this column (bulleted, ending with ";" or "."), or seal
    and signature residue, which is dropped."""
    bullet = BULLET.match(text)
    if foot.in_recipients and bullet and _is_recipient_item(bullet["rest"]):
        foot.recipients.append(bullet["rest"])
        return
    left, signature_part = split_signature_part(text)
    if signature_part:
        if left and foot.in_recipients and (found := BULLET.match(left)):
            foot.recipients.append(found["rest"])
        foot.parts.append(signature_part)
        return
    name = _name_of_line(text)
    if name:
        foot.names.append(name)
        return
    if is_upper_text(text) or is_upper_text(witness):
        position = nearest_position(text, witness)
        if position:
            foot.parts.append(position)


def _is_recipient_item(text: str) -> bool:
    return not _is_residue(text) and text.rstrip().endswith((";", "."))


def _name_of_line(text: str) -> tuple[str | None, str] | None:
    """(degree, name) when the line is a signer's name, a degree before it or not."""
    prefix, rest = split_name_prefix(text)
    return (prefix, rest) if is_name_line(rest) else None


def _signature_from_parts(parts: list[str], name: tuple[str | None, str] | None) -> Signature:
    """Authority lines as printed, joined by a space ("TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG");
    the position is the last other line with a title word in it."""
    authorities: list[str] = []
    candidates: list[str] = []
    for part in parts:
        for piece in _authority_pieces(part):
            found = AUTHORITY.match(fold(piece))
            if found:
                rest = spelled_position(piece[found.end() :].strip())
                authorities.append(f"{found['a']}. {rest}")
            else:
                candidates.append(piece)
    titled = [c for c in candidates if SIGNER_TITLE_WORDS.search(fold(c).upper())]
    title = (titled or candidates or [None])[-1]
    prefix, name_text = name if name else (None, None)
    title = _drop_stray_letters(title)
    title = spelled_position(title) if title else None
    if title and authorities and authorities[-1] == f"KT. {title}":
        # "KT." is a deputy signing for the head: a title read as the head's own lost its
        # "PHÓ" to the seal or the signature ("A CHU TICH" under "KT. CHỦ TỊCH").
        title = deputy_of(title)
    return Signature(authority=" ".join(authorities) or None, title=title,
                     name=name_text, name_prefix=prefix)


def _authority_pieces(part: str) -> list[str]:
    """One line OCR merged from several: cut before each inner authority prefix ("TL. CHỦ TỊCH
    KT. CHÁNH VĂN PHÒNG") and, within an authority line, before a deputy's "PHÓ", which starts
    the position under it ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH")."""
    folded = fold(part)
    cuts = [m.start() for m in _INNER_AUTHORITY.finditer(folded) if m.start() > 0]
    pieces = [part[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(part)], strict=True)]
    out: list[str] = []
    for piece in pieces:
        deputy = _DEPUTY.search(fold(piece)) if AUTHORITY.match(fold(piece)) else None
        if deputy:
            out.extend([piece[: deputy.start()].strip(), piece[deputy.start() :].strip()])
        else:
            out.append(piece)
    return [piece for piece in out if piece]


_INNER_AUTHORITY = re.compile(r"(?<!\S)(?:TM|KT|TL|TUQ|Q)\s?\.\s*(?=\S)")
_DEPUTY = re.compile(r"(?<=\S\s+)PHO\s+\S")


def with_stamps(signature: Signature, stamps: list[str]) -> Signature:
    """The signature completed, or corrected, by what the signature stamps beside it read
    (the texts of `Overlay(kind="signature-stamp")` on the foot's page): a stamp's authority
    line, position and name stand where the printed block has none; a stamp "KT. X" over
    "PHÓ X" says the deputy signed a block printed for the head "X". Only what a stamp reads
    as a Decree 30 authority, position or name is taken."""
    authority, title, name = _read_stamps(stamps)
    update: dict[str, str | None] = {}
    if authority and authority not in (signature.authority or ""):
        update["authority"] = " ".join(filter(None, [signature.authority, authority]))
    head_signed = authority is not None and authority == f"KT. {signature.title}"
    if title and (signature.title is None or head_signed):
        update["title"] = title
    elif head_signed and signature.title:
        update["title"] = deputy_of(signature.title)
    if name and signature.name is None:
        update["name_prefix"], update["name"] = name
    return signature.model_copy(update=update) if update else signature


def _read_stamps(stamps: list[str]) -> tuple[str | None, str | None, tuple[str | None, str] | None]:
    """(authority, position, (degree, name)) the stamps' lines read as, each None when none
    does. A position line followed by its deputy's ("HIỆU TRƯỞNG" / "PHÓ HIỆU TRƯỞNG") is a
    deputy signing: "KT." (Decree 30), however its prefix was read."""
    authority = title = name = None
    for stamp in stamps:
        lines = [line.strip() for line in stamp.split("\n") if line.strip()]
        positions = [_stamp_position(line) for line in lines]
        for index, line in enumerate(lines):
            found = AUTHORITY.match(fold(line))
            head = positions[index]
            below = positions[index + 1] if index + 1 < len(positions) else None
            if found and head:
                authority = f"{found['a']}. {head[1]}"
            elif head and head[0] and below and below[1] == deputy_of(head[1]):
                authority = f"KT. {head[1]}"
            elif head and not head[0]:
                title = head[1]
            elif (reading := _name_of_line(line)) and len(reading[1].split()) >= _NAME_WORDS[0]:
                name = reading
    return authority, title, name


def _stamp_position(line: str) -> tuple[bool, str] | None:
    """(whether a prefix led it, the position) when the stamp line is a signer's position,
    after a short prefix token ("KT.", misread "Kĩ.") or not."""
    prefix = _STAMP_PREFIX.match(line)
    rest = line[prefix.end():] if prefix else line
    position = nearest_position(rest)
    return (bool(prefix), position) if position and is_upper_text(rest) else None


# A stamp's authority prefix as read: up to three letters and a full stop or colon.
_STAMP_PREFIX = re.compile(r"^\p{L}{1,3}\s?[.:]\s*(?=\S)")

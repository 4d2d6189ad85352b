"""The reviewer's word diff between OCR text and restored text.

Format (plain text, wdiff-like):
    # header lines, then the least certain repairs first
    @@ line 12
    … [-ocr words-]{+restored words+}(0.42) …
Only lines that changed are listed; confidences come from the restorer's Change records.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from pipeline.model import Change, Document

LOW_CONFIDENCE = 0.5
MAX_DOUBTFUL_LISTED = 50


def render_diff(document: Document, name: str) -> str:
    restored = document.restored_lines or document.ocr_lines
    by_line: dict[int, list[Change]] = {}
    for change in document.quality.changes:
        by_line.setdefault(change.line - 1, []).append(change)
    out = [
        f"# word diff: {name}.ocr.txt -> {name}.restored.txt",
        "# [-OCR-]{+restored+}(confidence 0-1); only changed lines are listed",
    ]
    out += _doubtful(document.quality.changes)
    for number, (before, after) in enumerate(zip(document.ocr_lines, restored, strict=True)):
        if before != after:
            out += [f"@@ line {number + 1}", _diff_line(before, after, by_line.get(number, []))]
    return "\n".join(out) + "\n"


def _doubtful(changes: list[Change]) -> list[str]:
    doubtful = sorted((c for c in changes if c.confidence < LOW_CONFIDENCE),
                      key=lambda c: (c.confidence, c.line))
    if not doubtful:
        return ["# no low-confidence repairs"]
    lines = [f"# least certain repairs first ({len(doubtful)} below {LOW_CONFIDENCE}):"]
    lines += [f"#   line {c.line}: {c.ocr} -> {c.restored} ({c.confidence:.2f})"
              for c in doubtful[:MAX_DOUBTFUL_LISTED]]
    if len(doubtful) > MAX_DOUBTFUL_LISTED:
        lines.append(f"#   … and {len(doubtful) - MAX_DOUBTFUL_LISTED} more")
    return lines


def _diff_line(before: str, after: str, changes: list[Change]) -> str:
    old, new = before.split(), after.split()
    pieces = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.extend(old[i1:i2])
            continue
        if i2 - i1 == j2 - j1:  # word for word (the usual case): one mark per word
            pieces.extend(_replacement([o], [n], changes) for o, n in
                          zip(old[i1:i2], new[j1:j2], strict=True))
        else:
            pieces.append(_replacement(old[i1:i2], new[j1:j2], changes))
    return " ".join(pieces)


def _replacement(old: list[str], new: list[str], changes: list[Change]) -> str:
    if old == new:
        return " ".join(old)
    removed, added = " ".join(old), " ".join(new)
    piece = (f"[-{removed}-]" if removed else "") + (f"{{+{added}+}}" if added else "")
    score = _confidence_of(old, new, changes)
    return piece + (f"({score:.2f})" if score is not None else "")


def _confidence_of(old: list[str], new: list[str], changes: list[Change]) -> float | None:
    """The lowest confidence among the restorer's changes inside this replaced span.

    A whitespace word may hold punctuation around the restorer's token ("s6," vs "s6"), so a
    change belongs to the span when its tokens occur inside the span's words.
    """
    old_text, new_text = " ".join(old), " ".join(new)
    scores = [c.confidence for c in changes if c.ocr in old_text and c.restored in new_text]
    return min(scores) if scores else None

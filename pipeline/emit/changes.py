"""NAME.changes.txt: what the restorer changed and what it is unsure of, for reviewers.

Format (plain text; no line starts with "- " or "+ ", which editors colour as a unified diff):
    # header comments, then the least certain repairs and the doubtful words, each with
    #   page 1, line 12: s6 -> số (0.30)
    #   page 1, line 14: thiếu kept (read at 71)
    @@ page 1, line 12
      the line before, as read
    > … [-ocr words-]{+restored words+}(0.42) …
      the line after, as read
Lines and pages are those of NAME.ocr.txt / NAME.restored.txt and the JSON (a page break is a
line of its own); a text input has no pages. Consecutive changed lines make one hunk.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from pipeline.model import LOW_CONFIDENCE, Change, Document, Doubt

MAX_LISTED = 50  # of the repairs, and of the doubts, in the header
CONTEXT = "  "  # prefix of a context line (as read)
CHANGED = "> "  # prefix of a changed line's word diff


def render_changes(document: Document, name: str) -> str:
    restored = document.text_lines
    pages = document.line_pages
    out = [
        f"# changes: {name}.ocr.txt -> {name}.restored.txt",
        "# [-as read-]{+restored+}(confidence 0-1); lines as in the text files, a page break "
        "a line of its own",
    ]
    out += _least_certain(document.quality.changes, pages)
    out += _doubtful(document.quality.doubts, pages)
    by_line: dict[int, list[Change]] = {}
    for change in document.quality.changes:
        by_line.setdefault(change.line - 1, []).append(change)
    changed = [li for li, (before, after) in enumerate(zip(document.ocr_lines, restored,
                                                           strict=True)) if before != after]
    for run in _runs(changed):
        out += _hunk(run, document.ocr_lines, restored, by_line, pages)
    return "\n".join(out) + "\n"


def _where(line: int, page: int | None) -> str:
    """ "page 2, line 14" (line 1-based), or "line 14" where the line is on no page."""
    return f"page {page}, line {line}" if page is not None else f"line {line}"


def _page(entry: Change | Doubt, pages: list[int | None]) -> int | None:
    if entry.page is not None:
        return entry.page
    return pages[entry.line - 1] if 0 < entry.line <= len(pages) else None


def _least_certain(changes: list[Change], pages: list[int | None]) -> list[str]:
    doubtful = sorted((c for c in changes if c.confidence < LOW_CONFIDENCE),
                      key=lambda c: (c.confidence, c.line))
    if not doubtful:
        return ["# no low-confidence repairs"]
    lines = [f"# least certain repairs first ({len(doubtful)} below {LOW_CONFIDENCE}):"]
    lines += [f"#   {_where(c.line, _page(c, pages))}: {c.ocr} -> {c.restored} "
              f"({c.confidence:.2f})" for c in doubtful[:MAX_LISTED]]
    return lines + _more(len(doubtful))


def _doubtful(doubts: list[Doubt], pages: list[int | None]) -> list[str]:
    """Words kept as read that a reviewer should look at, least certain first."""
    if not doubts:
        return ["# no doubtful words kept"]
    ranked = sorted(doubts, key=lambda d: (_certainty(d), d.line))
    lines = [f"# words kept as read but in doubt ({len(ranked)}):"]
    lines += [f"#   {_where(d.line, _page(d, pages))}: {d.text} kept{_why(d)}"
              for d in ranked[:MAX_LISTED]]
    return lines + _more(len(ranked))


def _certainty(doubt: Doubt) -> float:
    """0..1: the restorer's confidence, else Tesseract's over 100."""
    if doubt.confidence is not None:
        return doubt.confidence
    return doubt.ocr_confidence / 100 if doubt.ocr_confidence is not None else 0.0


def _why(doubt: Doubt) -> str:
    """ " (confidence 0.31, read at 71, or thiểu)": what made the word doubtful."""
    parts = []
    if doubt.confidence is not None:
        parts.append(f"confidence {doubt.confidence:.2f}")
    if doubt.ocr_confidence is not None:
        parts.append(f"read at {doubt.ocr_confidence:.0f}")
    if doubt.alternatives:
        parts.append("or " + " / ".join(a.text for a in doubt.alternatives))
    return f" ({', '.join(parts)})" if parts else ""


def _more(count: int) -> list[str]:
    return [f"#   … and {count - MAX_LISTED} more"] if count > MAX_LISTED else []


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive line indices grouped: [3, 4, 9] -> [[3, 4], [9]]."""
    runs: list[list[int]] = []
    for li in indices:
        if runs and runs[-1][-1] == li - 1:
            runs[-1].append(li)
        else:
            runs.append([li])
    return runs


def _hunk(run: list[int], ocr: list[str], restored: list[str],
          by_line: dict[int, list[Change]], pages: list[int | None]) -> list[str]:
    first, last = run[0], run[-1]
    page = next((pages[li] for li in run if pages[li] is not None), None)
    lines = f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
    out = [f"@@ page {page}, {lines}" if page is not None else f"@@ {lines}"]
    if first > 0:
        out.append(CONTEXT + ocr[first - 1])
    out += [CHANGED + _diff_line(ocr[li], restored[li], by_line.get(li, [])) for li in run]
    if last + 1 < len(ocr):
        out.append(CONTEXT + ocr[last + 1])
    return [line.rstrip() for line in out]


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

"""NAME.review.html: one self-contained page a reviewer works in, offline, from a file manager.

Each page's picture (`Page.preview`, embedded as a data: URI) with every change and every
doubt that has a box drawn over it, coloured by confidence; the restored text beside it, line
for line, the changed and doubtful words marked; what each mark is (OCR, restored,
alternatives, confidences) on click; filters and keyboard navigation (review.js); the
structure with links to the lines its values came from (`review_structure`). Text inputs get
the text and the structure. Styles and script are put inline: the file needs nothing else.
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline.emit.review_structure import StructureEntry, structure_entries
from pipeline.model import LOW_CONFIDENCE, Alternative, Box, Change, Document, Doubt, Page, Preview

TEMPLATES = Path(__file__).parent / "templates"
# Confidence bands of the marks' colours: red below LOW_CONFIDENCE (more often wrong than
# right), amber below MID_CONFIDENCE.
MID_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Mark:
    """A change or a doubt as the page shows it."""

    id: str  # "c3", "d1": the DOM id of its details and the key of its boxes and words
    kind: str  # "change" | "doubt"
    line: int  # 1-based
    page: int | None
    ocr: str
    restored: str  # a doubt's word as kept
    confidence: float | None  # 0..1
    ocr_confidence: float | None  # 0..100
    alternatives: list[Alternative]
    box: Box | None

    @property
    def level(self) -> str:
        """The colour band: low (red), mid (amber), high (green); unknown without a figure.
        The lower of the restorer's and Tesseract's figures counts, and a doubt is never
        green: it is listed because one of them was unsure."""
        figures = [self.confidence] if self.confidence is not None else []
        if self.ocr_confidence is not None:
            figures.append(self.ocr_confidence / 100)
        if not figures:
            return "unknown"
        figure = min(figures)
        if figure < LOW_CONFIDENCE:
            return "low"
        return "mid" if figure < MID_CONFIDENCE or self.kind == "doubt" else "high"


@dataclass(frozen=True)
class Placed:
    """A box as percentages of its page picture's width and height (so it scales with it)."""

    left: float
    top: float
    width: float
    height: float

    @classmethod
    def of(cls, box: Box, preview: Preview) -> Placed:
        scale = preview.scale
        return cls(left=round(100 * box.left * scale / preview.width, 3),
                   top=round(100 * box.top * scale / preview.height, 3),
                   width=round(100 * box.width * scale / preview.width, 3),
                   height=round(100 * box.height * scale / preview.height, 3))


@dataclass
class ReviewPage:
    number: int
    image: str | None  # data: URI of the preview
    width: int | None  # the preview's pixels
    height: int | None
    boxes: list[tuple[Mark, Placed]] = field(default_factory=list)
    error: str | None = None


@dataclass
class ReviewLine:
    number: int  # 1-based
    segments: list[tuple[str, Mark | None]]  # the restored text cut around its marked words
    ocr: str | None  # the OCR text where it differs from the restored
    page: int | None
    new_page: bool  # the first line shown of its page
    box: Placed | None  # the line on its page picture
    kinds: list[str]  # "change", "doubt": what is marked in it


def render_review(document: Document, name: str) -> str:
    """The review page of `document` (its output name `name`), as HTML text."""
    marks = document_marks(document)
    previews = {page.number: page.preview for page in document.pages if page.preview}
    context = {
        "name": name,
        "document": document,
        "pages": [review_page(page, marks) for page in document.pages],
        "lines": review_lines(document, marks, previews),
        "marks": marks,
        "structure": structure_entries(document),
        "counts": _counts(marks),
        "css": Markup(_asset("review.css")),
        "script": Markup(_asset("review.js")),
    }
    html = _environment().get_template("review.html.j2").render(context)
    return unicodedata.normalize("NFC", html)


def document_marks(document: Document) -> list[Mark]:
    """Every change and doubt, in reading order (line, then left to right)."""
    marks = [_change_mark(index, change)
             for index, change in enumerate(document.quality.changes, start=1)]
    marks += [_doubt_mark(index, doubt)
              for index, doubt in enumerate(document.quality.doubts, start=1)]
    return sorted(marks, key=lambda mark: (mark.line, mark.box.left if mark.box else 0, mark.id))


def _change_mark(index: int, change: Change) -> Mark:
    return Mark(id=f"c{index}", kind="change", line=change.line, page=change.page,
                ocr=change.ocr, restored=change.restored, confidence=change.confidence,
                ocr_confidence=change.ocr_confidence, alternatives=change.alternatives,
                box=change.box)


def _doubt_mark(index: int, doubt: Doubt) -> Mark:
    return Mark(id=f"d{index}", kind="doubt", line=doubt.line, page=doubt.page, ocr=doubt.text,
                restored=doubt.text, confidence=doubt.confidence,
                ocr_confidence=doubt.ocr_confidence, alternatives=doubt.alternatives,
                box=doubt.box)


def review_page(page: Page, marks: list[Mark]) -> ReviewPage:
    preview = page.preview
    if preview is None:
        return ReviewPage(page.number, None, None, None, error=page.error)
    image = "data:image/jpeg;base64," + base64.b64encode(preview.jpeg).decode("ascii")
    boxes = [(mark, Placed.of(mark.box, preview)) for mark in marks
             if mark.page == page.number and mark.box is not None]
    return ReviewPage(page.number, image, preview.width, preview.height, boxes, page.error)


def review_lines(document: Document, marks: list[Mark],
                 previews: dict[int, Preview]) -> list[ReviewLine]:
    """The restored text line for line, each with its page, its box and its marked words."""
    by_line: dict[int, list[Mark]] = {}
    for mark in marks:
        by_line.setdefault(mark.line, []).append(mark)
    page_lines = document.page_lines
    aligned = len(page_lines) == len(document.text_lines)
    lines, last_page = [], None
    for index, text in enumerate(document.text_lines):
        number = index + 1
        where = page_lines[index] if aligned else None
        page = where.page if where else None
        preview = previews.get(page) if page is not None else None
        ocr = document.ocr_lines[index] if index < len(document.ocr_lines) else None
        line_marks = by_line.get(number, [])
        lines.append(ReviewLine(
            number=number, segments=_segments(text, line_marks),
            ocr=ocr if ocr is not None and ocr != text else None, page=page,
            new_page=page is not None and page != last_page,
            box=Placed.of(where.box, preview) if where and where.box and preview else None,
            kinds=sorted({mark.kind for mark in line_marks}),
        ))
        last_page = page if page is not None else last_page
    return lines


def _segments(text: str, marks: list[Mark]) -> list[tuple[str, Mark | None]]:
    """`text` cut into plain runs and the words of `marks` (each at its first occurrence not
    taken yet, left to right); a mark whose word is not in the line marks nothing here."""
    found: list[tuple[int, int, Mark]] = []
    cursor = 0
    for mark in marks:
        word = mark.restored
        at = text.find(word, cursor) if word else -1
        if at < 0:
            at = text.find(word) if word else -1
            if at < 0 or any(start < at + len(word) and at < end for start, end, _ in found):
                continue
        found.append((at, at + len(word), mark))
        cursor = at + len(word)
    segments: list[tuple[str, Mark | None]] = []
    position = 0
    for start, end, mark in sorted(found, key=lambda item: item[0]):
        if start > position:
            segments.append((text[position:start], None))
        segments.append((text[start:end], mark))
        position = end
    if position < len(text) or not segments:
        segments.append((text[position:], None))
    return segments


def _counts(marks: list[Mark]) -> dict[str, int]:
    return {
        "changes": sum(mark.kind == "change" for mark in marks),
        "doubts": sum(mark.kind == "doubt" for mark in marks),
        "low": sum(mark.level == "low" for mark in marks),
        "boxed": sum(mark.box is not None for mark in marks),
    }


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters["percent"] = lambda value: f"{value:.3f}%"
    return environment


@cache
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


__all__ = ["Mark", "StructureEntry", "render_review"]

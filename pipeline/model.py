"""The one document model every stage reads and fills in.

Flow: ingest creates a `Document` (source, and for text inputs its lines), ocr fills `pages`,
`ocr_lines` and, for each of them, where it stands (`page_lines`: page, block, box), restore
fills `restored_lines` and `changes`, segment fills the structured parts, emit serialises it.
Stages are functions `Document -> Document`; none of them reaches into another's fields except
to read what an earlier stage wrote.

The JSON written by emit is `Document.to_public_json()`: the structured parts only (the
contract in ../shared/design/contract.md), not the page-level working data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

SCHEMA_NAME = "vn-plan-pipeline/plan"
SCHEMA_VERSION = "1.3.0"

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
SourceKind = Literal["scan", "text", "pdf-text"]
# --ocr: OCRmyPDF's semantics. auto: a PDF page's own text is used only when it is a visible
# layer that reads as Vietnamese; force: every page is OCR'd; skip-text: a page with any text
# layer keeps it (never OCR'd).
OcrMode = Literal["auto", "force", "skip-text"]
# Where on its page a line stands (pipeline.ocr.layout): the two blocks side by side at the head
# of page 1 (issuer and number left, national name and date right), the body, a table's row,
# the two blocks side by side at the foot (recipients left, signature right), something
# printed over the page (a digital signature's box, a stamp: pipeline.ocr.overlays).
Block = Literal["header_left", "header_right", "body", "table", "signature", "recipients",
                "overlay"]


class Box(BaseModel):
    """A rectangle in page pixels (at the page's dpi)."""

    left: int
    top: int
    width: int
    height: int


class Word(BaseModel):
    text: str
    box: Box | None = None
    confidence: float | None = None  # Tesseract's 0..100; None for text inputs


class Line(BaseModel):
    """One line of OCR text as read, with the words it was made of and where it stands."""

    text: str
    words: list[Word] = Field(default_factory=list)
    box: Box | None = None
    page: int | None = None  # 1-based; None for the blank line put between two pages
    block: Block | None = None  # None where layout analysis does not tell (a PDF's text layer)
    confidence: float | None = None  # mean of its words' confidences; None for text inputs


class Cell(BaseModel):
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str = ""
    restored: str | None = None
    box: Box | None = None
    confidence: float | None = None


class Table(BaseModel):
    n_rows: int
    n_cols: int
    cells: list[Cell] = Field(default_factory=list)
    box: Box | None = None
    page: int | None = None  # 1-based page the table (this part of it) is printed on
    # True when this table continues the previous page's last table (rows keep their own
    # page-local numbering; the rows of the whole table are the parts in page order).
    continued: bool = False
    header_rows: int = 0  # column-header rows at the top (repeated ones on continuations too)


class TextLayer(BaseModel):
    """A PDF page's own text, as found and as judged."""

    # invisible: text drawn in render mode 3 (what scanners and OCR tools add over the image)
    kind: Literal["none", "invisible", "visible"] = "none"
    # unicode, or the legacy 8-bit Vietnamese font encoding it was converted from
    encoding: Literal["unicode", "tcvn3", "vni"] | None = None
    used: bool = False  # the page's text came from this layer (True) or from OCR (False)
    reason: str = ""  # why, in words: "invisible layer over a full-page image: a scan"


class Overlay(BaseModel):
    """Something printed over the document that is not its own text: a digital-signature box
    ("Ký bởi: …", "TRUNG TÂM CÔNG BÁO …"), a copy stamp ("SAO Y"), a received stamp."""

    kind: Literal["digital-signature", "copy-stamp", "received-stamp"]
    page: int  # 1-based
    box: Box | None = None
    text: str = ""


class Page(BaseModel):
    number: int  # 1-based
    width: int | None = None
    height: int | None = None
    dpi: int | None = None
    lines: list[Line] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    # What page preparation did ("rotated 90", "deskewed 0.7 deg", ...), in words for the record;
    # what later steps act on is in the typed fields: rotation, text_layer, seals.
    preparation: list[str] = Field(default_factory=list)
    # Clockwise degrees (0, 90, 180, 270) the page was turned to stand upright before it was
    # read: the boxes of its lines, tables and seals are on the turned page.
    rotation: int = 0
    ocr_confidence: float | None = None
    text_layer: TextLayer | None = None  # PDF pages
    seals: list[Box] = Field(default_factory=list)  # coloured seals and ink taken out before OCR
    overlays: list[Overlay] = Field(default_factory=list)
    # Why the page could not be read ("E202 external tool failed: tesseract timed out after
    # 300 s"); None when it was. A failed page has no text; the document's other pages do.
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)  # see PageRecord.warnings


class PageRecord(BaseModel):
    """What the JSON tells of each page: where its text came from and how it was read."""

    number: int
    # "none": the page failed (see `error`) and gave no text
    text_source: Literal["ocr", "text-layer", "none"]
    text_layer: TextLayer | None = None
    dpi: int | None = None
    preparation: list[str] = Field(default_factory=list)
    seals: list[Box] = Field(default_factory=list)
    ocr_confidence: float | None = None
    error: str | None = None  # why the page could not be read; None when it was
    # What went wrong reading the page (a damaged PDF image: poppler's messages, and what
    # decoding the image data found; parts of the page may be grey or missing); summed up in
    # the quality block
    warnings: list[str] = Field(default_factory=list)

    @classmethod
    def of(cls, page: Page) -> PageRecord:
        used = page.text_layer is not None and page.text_layer.used
        source = "none" if page.error is not None else "text-layer" if used else "ocr"
        return cls(number=page.number, text_source=source,
                   text_layer=page.text_layer, dpi=page.dpi, preparation=page.preparation,
                   seals=page.seals, ocr_confidence=page.ocr_confidence, error=page.error,
                   warnings=page.warnings)


class Change(BaseModel):
    """One token the restorer changed, for reviewers and the quality block."""

    line: int  # 0-based index into ocr_lines / restored_lines
    ocr: str
    restored: str
    confidence: float  # 0..1: how sure the restorer is of this repair


class RunOptions(BaseModel):
    """The options of `run` that change what is made of an input."""

    lang: str
    ocr: OcrMode
    image_dpi: int | None = None


class Source(BaseModel):
    file: str  # the input's path under the folder it was found in ("2025/scan.pdf")
    sha256: str
    kind: SourceKind
    pages: int
    # What made this output: with `sha256`, the key `run --incremental` compares (null in
    # documents not made by `run`).
    pipeline_version: str | None = None
    options: RunOptions | None = None


class Header(BaseModel):
    issuer: str | None = None
    issuer_parent: str | None = None
    number: str | None = None  # the full "số" as written: "05/KH-UBND"
    type_code: str | None = None  # "KH"
    document_type: str | None = None  # "KẾ HOẠCH"
    place: str | None = None
    date: str | None = Field(default=None, pattern=ISO_DATE)


class Item(BaseModel):
    marker: str  # "-", "+", "a)"
    text: str
    items: list[Item] = Field(default_factory=list)


class Section(BaseModel):
    number: str | None = None  # "I", "1", "1.1"
    title: str | None = None
    paragraphs: list[str] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    subsections: list[Section] = Field(default_factory=list)


class Signature(BaseModel):
    authority: str | None = None  # "TM.", "KT.", ...
    title: str | None = None
    name: str | None = None


class Row(BaseModel):
    tt: str | None = None
    task: str | None = None
    lead: str | None = None
    coordinate: str | None = None
    output: str | None = None
    deadline: str | None = None


class Group(BaseModel):
    number: str | None = None
    title: str | None = None
    rows: list[Row] = Field(default_factory=list)


class Appendix(BaseModel):
    title: str | None = None
    attached_to: str | None = None
    columns: list[str] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)


class Reference(BaseModel):
    type: str | None = None  # "Nghị quyết"
    number: str | None = None  # "57"
    symbol: str | None = None  # "NQ/TW"
    date: str | None = Field(default=None, pattern=ISO_DATE)
    issuer: str | None = None
    text: str


class Quality(BaseModel):
    ocr_confidence: float | None = None  # mean word confidence 0..100; None for text inputs
    changed_tokens: int = 0
    low_confidence_tokens: int = 0
    changes: list[Change] = Field(default_factory=list)
    # Pages that could not be read (1-based; each page's record says why): the document is
    # the other pages, and the run's exit status is not 0.
    failed_pages: list[int] = Field(default_factory=list)
    # What may be missing or wrong in the output: bytes of a text input that were not valid
    # in its encoding, a page poppler could not render in full (damaged image data), ...
    warnings: list[str] = Field(default_factory=list)


class Document(BaseModel):
    source: Source
    pages: list[Page] = Field(default_factory=list)
    ocr_lines: list[str] = Field(default_factory=list)
    # The lines of `ocr_lines` as read from the pages (`joined_lines`), one for one, each with
    # its page, block and box; empty for text inputs, whose lines stand nowhere.
    page_lines: list[Line] = Field(default_factory=list)
    restored_lines: list[str] | None = None
    header: Header = Field(default_factory=Header)
    title: str | None = None
    legal_basis: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    closing: str | None = None
    signature: Signature = Field(default_factory=Signature)
    recipients: list[str] = Field(default_factory=list)
    appendices: list[Appendix] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    overlays: list[Overlay] = Field(default_factory=list)
    quality: Quality = Field(default_factory=Quality)

    @property
    def text_lines(self) -> list[str]:
        """The best text there is: restored when restore has run, else the OCR text."""
        return self.restored_lines if self.restored_lines is not None else self.ocr_lines

    def to_public_json(self) -> dict:
        """The contract JSON (validated against schema/plan.schema.json by emit)."""
        body = self.model_dump(
            mode="json",
            include={
                "source", "header", "title", "legal_basis", "sections", "closing",
                "signature", "recipients", "appendices", "references", "overlays", "quality",
            },
        )
        pages = [PageRecord.of(page).model_dump(mode="json") for page in self.pages]
        return {"schema": {"name": SCHEMA_NAME, "version": SCHEMA_VERSION},
                "source": body.pop("source"), "pages": pages, **body}


def joined_lines(pages: Sequence[Page]) -> list[Line]:
    """A document's lines read page by page: the pages' lines in order, a blank line (standing
    nowhere) before each page that follows some text."""
    lines: list[Line] = []
    for page in pages:
        if lines:
            lines.append(Line(text=""))
        lines.extend(page.lines)
    return lines


Item.model_rebuild()
Section.model_rebuild()

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

from pydantic import BaseModel, Field, computed_field

SCHEMA_NAME = "vn-plan-pipeline/plan"
SCHEMA_VERSION = "2.0.0"

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
# A date with the parts the page gives: "2025-01-17", "2025-01" (the day left blank or not
# readable), "2025" (a draft's "ngày   tháng   năm 2025").
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
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

    def rows(self) -> list[list[Cell]]:
        """The cells by row (a cell spanning rows is in its first), left to right."""
        by_row: dict[int, list[Cell]] = {}
        for cell in self.cells:
            by_row.setdefault(cell.row, []).append(cell)
        return [sorted(by_row[row], key=lambda cell: cell.col) for row in sorted(by_row)]


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
    ("Ký bởi: …", "TRUNG TÂM CÔNG BÁO …"), a copy stamp ("SAO Y"), a received stamp, a
    signature stamp (a title or name stamp in coloured ink by the signature: "KT. GIÁM ĐỐC" /
    "PHÓ GIÁM ĐỐC", "TS. Nguyễn Văn A"; pipeline.ocr.stamps)."""

    kind: Literal["digital-signature", "copy-stamp", "received-stamp", "signature-stamp"]
    page: int  # 1-based
    box: Box | None = None
    text: str = ""


class FilledBlank(BaseModel):
    """A printed blank on the page filled in afterwards, by hand or stamp, read on its own
    (pipeline.ocr.blanks): the number before the symbol ("Số: ___ /QĐ-UBND"), the day and the
    month of the date line ("ngày ___ tháng ___ năm 2025")."""

    field: Literal["number", "day", "month"]
    text: str = ""  # the digits read; "" when nothing could be read as digits
    confidence: float | None = None  # 0..1
    handwritten: bool = True  # False when the blank holds type like the rest of the line
    box: Box | None = None  # the blank, in page pixels


class Preview(BaseModel):
    """A small JPEG of the page as read, for the review page (pipeline.ocr.preview): a box in
    page pixels is at `scale` times its coordinates on it."""

    jpeg: bytes
    width: int
    height: int
    scale: float  # preview pixels per page pixel (<= 1)


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
    blanks: list[FilledBlank] = Field(default_factory=list)  # filled-in blanks, read apart
    # Why the page could not be read ("E202 external tool failed: tesseract timed out after
    # 300 s"); None when it was. A failed page has no text; the document's other pages do.
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)  # see PageRecord.warnings
    # The page as read, downscaled, for NAME.review.html; None where no image was read (a PDF
    # page's own text used, a failed page, a text input). Not part of any JSON.
    preview: Preview | None = Field(default=None, exclude=True)
    # Where the page as read lies on the image it was decoded from, for NAME.pdf's text layer
    # (pipeline.emit.pdf): a 3 x 3 matrix (row-major, projective: a photo was straightened)
    # taking a pixel of the page as read (the boxes') to a pixel of the decoded image, and that
    # image's (width, height). None where no image was read. Not part of any JSON.
    to_image: list[list[float]] | None = Field(default=None, exclude=True)
    image_size: tuple[int, int] | None = Field(default=None, exclude=True)


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


# A calibrated confidence (Change.confidence, Doubt.confidence) below this: the repair or the
# word is more often wrong than right. Counted as low-confidence, listed first, coloured red.
LOW_CONFIDENCE = 0.5


class Alternative(BaseModel):
    """Another reading the restorer weighed for a word, with how likely it judged it."""

    text: str
    confidence: float  # 0..1


class Change(BaseModel):
    """One token the restorer changed, for reviewers and the quality block."""

    line: int  # 1-based line of the .ocr.txt / .restored.txt files (a page break is a line)
    ocr: str
    restored: str
    confidence: float  # 0..1, calibrated: below 0.5 the repair is more often wrong than right
    ocr_confidence: float | None = None  # Tesseract's 0..100 for the word; None for text inputs
    page: int | None = None  # 1-based page the word is printed on; None for text inputs
    box: Box | None = None  # the word on its page, in page pixels
    alternatives: list[Alternative] = Field(default_factory=list)  # runners-up, best first


class Doubt(BaseModel):
    """A word the restorer left as read but is unsure of: Tesseract read it with low
    confidence, or the restorer's own judgement of it is low. Listed for review."""

    line: int  # 1-based, as in Change
    text: str  # the word as read (and kept)
    confidence: float | None = None  # 0..1, the restorer's calibrated belief the word is right
    ocr_confidence: float | None = None  # Tesseract's 0..100
    page: int | None = None
    box: Box | None = None
    alternatives: list[Alternative] = Field(default_factory=list)


class RunOptions(BaseModel):
    """The options of `run` that change what is made of an input."""

    lang: str
    ocr: OcrMode
    image_dpi: int | None = None
    # A hash of the keep-words the input was restored with (--keep-words and the
    # keep-words.txt files beside it; `pipeline.text.keep_words`), null without any
    keep_words: str | None = None


class Source(BaseModel):
    file: str  # the input's path under the folder it was found in ("2025/scan.pdf")
    sha256: str
    kind: SourceKind
    pages: int
    # What made this output: with `sha256`, the key `run --incremental` compares (null in
    # documents not made by `run`).
    pipeline_version: str | None = None
    options: RunOptions | None = None


# Tesseract's confidence (0..1) under which a value read from the page is to be checked: the
# typed header digits of the real pages read at 0.85-0.97, misread names and handwriting lower.
REVIEW_CONFIDENCE = 0.8


class Reading(BaseModel):
    """How a value was read where the page's text is not to be trusted as it is: a blank
    filled in by hand or stamp ("Số: 51 /QĐ-UBND", "ngày 17 tháng 01"), a title with words
    that are no Vietnamese, a signer's line Tesseract was unsure of. The value is the best
    reading there is (null when nothing reads as a value); `needs_review` says whether to
    look at the page before trusting it."""

    handwritten: bool = False  # filled in by hand (or a stamp) in a printed blank
    unreadable: bool = False  # the blank holds something that does not read as a value
    confidence: float | None = None  # 0..1, how sure the reading is; None where not measured
    ocr: str | None = None  # the blank's text as read, before any value was taken from it

    @computed_field  # in the JSON: the one thing a reviewer's tool needs to read
    @property
    def needs_review(self) -> bool:
        """Handwritten, unreadable or read below REVIEW_CONFIDENCE: look at the page."""
        low = self.confidence is not None and self.confidence < REVIEW_CONFIDENCE
        return self.handwritten or self.unreadable or low


class Header(BaseModel):
    issuer: str | None = None
    issuer_parent: str | None = None
    # "Số: 05/KH-UBND": number "05" and symbol "KH-UBND" (before schema 1.4.0 `number` held
    # both); Party style "Số 45-KH/ĐU": "45" and "KH/ĐU"; a draft's blank: number null.
    number: str | None = None
    symbol: str | None = None
    type_code: str | None = None  # "KH"
    document_type: str | None = None  # the type line as printed: "KẾ HOẠCH"; null for letters
    # The kind in sentence case: "Kế hoạch", "Quyết định", ..., "Công văn" for a letter (no type
    # line, a "V/v …" subject under its number).
    kind: str | None = None
    place: str | None = None
    date: str | None = Field(default=None, pattern=PARTIAL_DATE)
    # How the filled-in values were read, by field: "number", "date" (its day or month)
    readings: dict[str, Reading] = Field(default_factory=dict)

    @property
    def written_number(self) -> str | None:
        """ "125/KH-UBND" (Party style "45-KH/ĐU"), as written on the page, from the two parts."""
        if self.symbol is None:
            return self.number
        joiner = "-" if "/" in self.symbol else "/"
        return f"{self.number or ''}{joiner}{self.symbol}"


class Item(BaseModel):
    marker: str  # "-", "+", "a)"
    text: str
    items: list[Item] = Field(default_factory=list)


class SectionTable(BaseModel):
    """A ruled table printed inside a section (not an appendix): its header row(s) as column
    names and its rows as cell texts, left to right."""

    columns: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    page: int | None = None


class Section(BaseModel):
    number: str | None = None  # "I", "1", "1.1"
    title: str | None = None
    paragraphs: list[str] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    tables: list[SectionTable] = Field(default_factory=list)
    subsections: list[Section] = Field(default_factory=list)


class Signature(BaseModel):
    # The authority line(s) as printed: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", several
    # joined by a space ("TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG"); before schema 1.4.0 only "KT.".
    authority: str | None = None
    title: str | None = None  # the signer's position: "PHÓ CHỦ TỊCH"
    name_prefix: str | None = None  # "TS.", "ThS.": printed before the name
    name: str | None = None  # "Nguyễn Văn A", its degree in name_prefix


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


class UnplacedLine(BaseModel):
    """A line of the restored text that no part of the JSON holds."""

    line: int  # 1-based line of the restored text file
    text: str


class Quality(BaseModel):
    ocr_confidence: float | None = None  # mean word confidence 0..100; None for text inputs
    changed_tokens: int = 0
    low_confidence_tokens: int = 0
    changes: list[Change] = Field(default_factory=list)
    # Words kept as read that a reviewer should look at (see Doubt)
    doubts: list[Doubt] = Field(default_factory=list)
    # Pages that could not be read (1-based; each page's record says why): the document is
    # the other pages, and the run's exit status is not 0.
    failed_pages: list[int] = Field(default_factory=list)
    # What may be missing or wrong in the output: bytes of a text input that were not valid
    # in its encoding, a page poppler could not render in full (damaged image data), ...
    warnings: list[str] = Field(default_factory=list)
    # Lines of the restored text not placed in any part of the document (blank lines, page
    # numbers and the fixed national name and motto are not listed).
    unplaced_lines: list[UnplacedLine] = Field(default_factory=list)


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
    subject: str | None = None  # a letter's (công văn) "V/v …" line(s), "V/v" kept
    addressees: list[str] = Field(default_factory=list)  # the items after "Kính gửi:"
    legal_basis: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    closing: str | None = None
    signature: Signature = Field(default_factory=Signature)
    recipients: list[str] = Field(default_factory=list)
    appendices: list[Appendix] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    overlays: list[Overlay] = Field(default_factory=list)
    # How sure segment is of text fields read from damaged lines, by field: "title",
    # "subject" (unreadable: words in it that are not Vietnamese), "signature.authority",
    # "signature.title", "signature.name" (confidence: Tesseract's lowest on their lines);
    # only fields in doubt are listed. The header's own are in header.readings.
    readings: dict[str, Reading] = Field(default_factory=dict)
    quality: Quality = Field(default_factory=Quality)

    @property
    def text_lines(self) -> list[str]:
        """The best text there is: restored when restore has run, else the OCR text."""
        return self.restored_lines if self.restored_lines is not None else self.ocr_lines

    @property
    def line_pages(self) -> list[int | None]:
        """The page of each line of the text (None for text inputs and page breaks)."""
        if len(self.page_lines) == len(self.ocr_lines):
            return [line.page for line in self.page_lines]
        return [None] * len(self.ocr_lines)

    def to_public_json(self) -> dict:
        """The contract JSON (validated against schema/plan.schema.json by emit)."""
        body = self.model_dump(
            mode="json",
            include={
                "source", "header", "title", "subject", "addressees", "legal_basis", "sections",
                "closing", "signature", "recipients", "appendices", "references", "overlays",
                "readings", "quality",
            },
        )
        pages = [PageRecord.of(page).model_dump(mode="json") for page in self.pages]
        return {"schema": {"name": SCHEMA_NAME, "version": SCHEMA_VERSION},
                "source": body.pop("source"), "pages": pages, **body}


# What stands in the text files for the blank line between two pages (`joined_lines`): a form
# feed, as OCRmyPDF's sidecar text has it, so that line N of the files is still line N of the
# JSON, and a reader of the files sees where a page ends (ingest reads it back as a break).
PAGE_BREAK = "\f"


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

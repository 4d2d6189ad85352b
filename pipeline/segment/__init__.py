"""Segment stage: the text lines of a plan -> its structured parts.

`segment_document(doc)` reads `doc.text_lines` (restored text when restore has run, else OCR
text), and for scans where each line stands (`doc.page_lines`: its page and layout block) and
the pages' table cells, and fills `header`, `title`,
`legal_basis`, `sections`, `closing`, `signature`, `recipients`, `appendices` and
`references`. Everything else is passed through unchanged.

The document is cut into zones, top to bottom:
  header (up to the type line "KẾ HOẠCH") -> title (summary lines after it) -> legal basis
  (preamble paragraphs up to the first section) -> body (sections) -> closing ("Trên đây là
  …", up to "./.") -> foot (signature and "Nơi nhận:") -> appendices (each from a "Phụ lục"
  line). References are searched in the whole text (spaCy: entities.py), the document's own
  number left out.
A page with no letterhead that starts mid-document (a page number on top, or no title and
basis under it) has no title: its text goes into sections, an unnumbered one first. Ruled
tables in the body (lines of the "table" block) become their section's tables
(body_tables.py). A second letterhead after the signature is a second document: warned of,
its lines left unplaced. Last, every line is looked for in the result (placement.py): the
ones found nowhere are listed in `quality.unplaced_lines`.
Lines are first cleared of OCR specks at their ends (body.clean_body_line). Values are sliced
from the (NFC) input text, never rebuilt; what is not found stays null.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from pipeline.model import Document, Overlay, Table
from pipeline.segment.appendix import find_appendix_starts, parse_appendix
from pipeline.segment.body import (
    clean_body_line,
    find_first_section,
    is_legal_basis_start,
    legal_basis_end,
    parse_preamble,
    parse_sections,
)
from pipeline.segment.body_tables import find_body_tables
from pipeline.segment.closing import is_closing_start, parse_closing
from pipeline.segment.doubt import field_readings
from pipeline.segment.header import HeaderParse, headerless_title_start, parse_header
from pipeline.segment.issue_date import checked_date
from pipeline.segment.letter import parse_letter
from pipeline.segment.overlay_text import overlay_lines
from pipeline.segment.patterns import PAGE_NUMBER, clean_line
from pipeline.segment.placement import (
    find_second_document,
    second_document_warning,
    unplaced_lines,
)
from pipeline.segment.references import cited_years, find_references
from pipeline.segment.signature import is_signature_start, parse_signature, with_stamps
from pipeline.segment.title import parse_title
from pipeline.text.fold import nfc

__all__ = ["segment_document"]



def segment_document(doc: Document) -> Document:
    blocks, pages = _line_layout(doc)
    # Overlays (a digital signature's box) are not the document's text: kept in `overlays`.
    lines = [clean_body_line(clean_line(line)) if block != "overlay" else ""
             for line, block in zip(doc.text_lines, blocks, strict=True)]
    overlays = _text_overlays(lines, pages)
    words = [line.words for line in doc.page_lines] if doc.page_lines else None
    parsed_header = parse_header(lines, blocks, words, doc.pages[0].blanks if doc.pages else [])
    letter = parse_letter(lines, blocks, _first(lines, 0, len(lines), bool) or 0,
                          parsed_header.end, parsed_header.type_line)
    if parsed_header.type_line is None and (letter.subject or (
            letter.has_addressee_label and parsed_header.header.symbol)):
        parsed_header.header.kind = "Công văn"  # no type line, a "V/v" or "Kính gửi": a letter
    for index in letter.used:
        lines[index] = ""  # the subject and addressees are not title, basis or body
    # No letterhead, no type line, no letter's lines, and text that does not open as a document
    # does: a page from inside a document (see starts_mid_document).
    continuation = (
        parsed_header.type_line is None
        and parsed_header.end == 0
        and not letter.used
        and starts_mid_document(lines)
    )

    appendix_starts = find_appendix_starts(lines, 0 if continuation else parsed_header.end + 1)
    main_end = appendix_starts[0] if appendix_starts else len(lines)

    title, after_title, first_section = _title_zone(lines, blocks, parsed_header, continuation,
                                                    main_end)

    body_start = first_section if first_section is not None else after_title
    closing_start = _first(lines, body_start, main_end, is_closing_start)
    foot_start = _first(lines, body_start, main_end, is_signature_start)
    warnings: list[str] = []
    if foot_start is not None:
        second = find_second_document(lines, blocks, foot_start + 1, main_end)
        if second is not None:
            main_end = second
            warnings.append(second_document_warning(lines, pages, second))
    body_end = min(i for i in (closing_start, foot_start, main_end) if i is not None)
    if first_section is None:
        # No numbered sections: after the basis paragraphs, the text is one unnumbered section.
        first_section = legal_basis_end(lines, after_title, body_end)
    legal_basis = parse_preamble(lines, after_title, first_section)
    body_tables = find_body_tables(
        lines[first_section:body_end],
        blocks[first_section:body_end],
        pages[first_section:body_end],
        _tables_by_page(doc),
    )
    breaks = {i - first_section for i in _page_breaks(pages, first_section, body_end)}
    sections = parse_sections(lines[first_section:body_end], body_tables, breaks)

    closing = None
    foot_from = body_end
    if closing_start is not None and closing_start == body_end:
        closing, foot_from = parse_closing(lines, closing_start, main_end)
    witnesses = _ocr_witnesses(doc, blocks)
    signature, recipients = parse_signature(
        lines[foot_from:main_end], blocks[foot_from:main_end],
        witnesses[foot_from:main_end] if witnesses else None,
    )
    signature = with_stamps(signature, _foot_stamps(doc, pages[foot_from:main_end]))

    appendices = []
    bounds = [*appendix_starts, len(lines)]
    for start, stop in zip(bounds, bounds[1:], strict=False):
        tables = _tables_between(doc, pages, start, stop, first=start == bounds[0])
        appendices.append(parse_appendix(lines[start:stop], tables))

    update: dict[str, Any] = {
        "header": checked_date(parsed_header.header, cited_years(lines)),
        "title": title,
        "subject": letter.subject,
        "addressees": letter.addressees,
        "overlays": [*doc.overlays, *overlays],
        "legal_basis": legal_basis,
        "sections": sections,
        "closing": closing,
        "signature": signature,
        "recipients": recipients,
        "appendices": appendices,
        "references": find_references(lines, parsed_header.header.written_number),
    }
    segmented = doc.model_copy(update=_nfc_values(update))
    return _with_checks(segmented, lines, warnings)


def _title_zone(lines: list[str], blocks: list[str | None], parsed_header: HeaderParse,
                continuation: bool, main_end: int) -> tuple[str | None, int, int | None]:
    """(title, first line after it, first section line or None). A title follows the type
    line; a page without one has none (a letter) or only one that reads as a title (a page
    cut off above it), never its page number or running text; a continuation page has none."""
    if continuation:
        return None, 0, 0
    title_start = (parsed_header.type_line + 1 if parsed_header.type_line is not None
                   else parsed_header.end)
    title_from: int | None = title_start
    if parsed_header.type_line is None:
        title_from = (headerless_title_start(lines, blocks, title_start, main_end)
                      if parsed_header.end == 0 else None)
    if title_from is None:
        return None, title_start, find_first_section(lines, title_start, main_end)
    title, after_title = parse_title(lines, title_from, main_end)
    return title, after_title, find_first_section(lines, after_title, main_end)


def _with_checks(segmented: Document, lines: list[str], warnings: list[str]) -> Document:
    """The segmented document with what was read in doubt (`readings`) and where each line
    went (`quality.unplaced_lines`, warnings)."""
    segmented = segmented.model_copy(update={"readings": field_readings(segmented, lines)})
    quality = segmented.quality.model_copy(update={
        "warnings": [*segmented.quality.warnings, *warnings],
        "unplaced_lines": unplaced_lines(segmented, lines),
    })
    return segmented.model_copy(update={"quality": quality})


def starts_mid_document(lines: list[str]) -> bool:
    """For text with no letterhead and no type line: whether it is a page (or pages) from inside
    a document, its text going on from a section it does not show, so that it has no title and
    no basis of its own. It is not when it opens the way a document does under its letterhead
    (a page cut off above the title): title lines, then a basis line ("Căn cứ …"). A page
    number at the top says the page is not a first page (Decree 30 numbers pages from the
    second)."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or PAGE_NUMBER.fullmatch(lines[first]):
        return True
    title, after = parse_title(lines, first, len(lines))
    following = next((i for i in range(after, len(lines)) if lines[i]), None)
    return not (title and following is not None and is_legal_basis_start(lines[following]))


def _page_breaks(pages: list[int | None], start: int, stop: int) -> set[int]:
    """The lines in [start, stop) with no page between lines of two pages: the blank line the
    ocr stage puts at a page break."""
    breaks = set()
    before = None
    for index in range(start, stop):
        if pages[index] is not None:
            before = pages[index]
            continue
        after = next((p for p in pages[index + 1 : stop] if p is not None), None)
        if before is not None and after is not None and after != before:
            breaks.add(index)
    return breaks


def _tables_by_page(doc: Document) -> dict[int, list[Table]]:
    return {page.number: list(page.tables) for page in doc.pages}


def _foot_stamps(doc: Document, foot_pages: list[int | None]) -> list[str]:
    """The texts of the signature stamps on the pages of the foot (the signature's page)."""
    pages = {page for page in foot_pages if page is not None}
    return [o.text for o in doc.overlays if o.kind == "signature-stamp" and o.page in pages]


def _text_overlays(lines: list[str], pages: list[int | None]) -> list[Overlay]:
    """Overlay text the ocr stage read as page lines: moved to `overlays`, blanked in `lines`."""
    found: list[Overlay] = []
    for index, kind in enumerate(overlay_lines(lines)):
        if kind is not None:
            found.append(Overlay(kind=kind, page=pages[index] or 1, text=lines[index]))
            lines[index] = ""
    return found


def _first(lines: list[str], start: int, stop: int, test) -> int | None:
    return next((i for i in range(start, stop) if lines[i] and test(lines[i])), None)


def _ocr_witnesses(doc: Document, blocks: list[str | None]) -> list[str] | None:
    """The lines as OCR read them, cleaned as `lines` are: a second reading of the signature
    block, whose capitals restore may have turned into other words; None when restore has not
    run (the lines are the OCR text)."""
    if doc.restored_lines is None or len(doc.ocr_lines) != len(doc.text_lines):
        return None
    return [clean_body_line(clean_line(line)) if block != "overlay" else ""
            for line, block in zip(doc.ocr_lines, blocks, strict=True)]


def _line_layout(doc: Document) -> tuple[list[str | None], list[int | None]]:
    """Each text line's layout block and page number, as the ocr stage recorded them; unknown
    (None) for every line of a text input."""
    count = len(doc.text_lines)
    if not doc.page_lines:
        return [None] * count, [None] * count
    if len(doc.page_lines) != count:
        raise ValueError(f"{len(doc.page_lines)} page lines for {count} text lines")
    return [line.block for line in doc.page_lines], [line.page for line in doc.page_lines]


def _tables_between(
    doc: Document, pages: list[int | None], start: int, stop: int, first: bool
) -> list[Table]:
    """The tables on the pages of lines [start, stop); with no page numbers, every table goes
    to the first appendix."""
    known = [p for p in pages[start:stop] if p is not None]
    if not known:
        return [t for page in doc.pages for t in page.tables] if first else []
    low, high = min(known), max(known)
    return [t for page in doc.pages if low <= page.number <= high for t in page.tables]


def _nfc_values(update: dict[str, Any]) -> dict[str, Any]:
    """Every string in the new parts NFC (slices of NFC text nearly always are; make sure)."""
    fixed = {}
    for name, value in update.items():
        adapter = TypeAdapter(Document.model_fields[name].annotation)
        fixed[name] = adapter.validate_python(_nfc_tree(adapter.dump_python(value)))
    return fixed


def _nfc_tree(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc_tree(v) for k, v in value.items()}
    return value

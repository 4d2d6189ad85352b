"""The ocr stage: page images -> Pages of Lines of Words (text, box, confidence).

Work is split into one `PageJob` per page so pages of all inputs can run in parallel worker
processes (`recognize_page` is a plain top-level function for that reason); `assemble` then
puts a document's pages back in order and derives its OCR text lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest import InputFile
from pipeline.model import Document, Page
from pipeline.ocr.rasterize import page_count, page_image, pdf_text_layer
from pipeline.ocr.recognize import recognize_image, text_layer_page

OCR_DPI = 300


@dataclass(frozen=True)
class PageJob:
    path: Path
    kind: str  # "pdf" | "image"
    number: int  # 1-based
    lang: str


def plan_pages(item: InputFile, lang: str) -> list[PageJob]:
    """One job per page of a scan input (cheap: reads only the page count)."""
    return [
        PageJob(item.path, item.kind, number, lang)
        for number in range(1, page_count(item.path, item.kind) + 1)
    ]


def recognize_page(job: PageJob) -> Page:
    """OCR one page, or take its text layer when the PDF is born-digital."""
    if job.kind == "pdf":
        text = pdf_text_layer(job.path, job.number)
        if text is not None:
            return text_layer_page(text, job.number)
    image, dpi, preparation = page_image(job.path, job.kind, job.number, OCR_DPI)
    return recognize_image(image, job.lang, job.number, dpi, preparation)


def assemble(document: Document, pages: list[Page]) -> Document:
    """Attach recognised pages; the OCR text is their lines, a blank line between pages."""
    pages = sorted(pages, key=lambda page: page.number)
    document.pages = pages
    document.source.pages = len(pages)
    if pages and all("text layer" in page.preparation for page in pages):
        document.source.kind = "pdf-text"
    lines: list[str] = []
    for page in pages:
        if lines:
            lines.append("")
        lines.extend(line.text for line in page.lines)
    document.ocr_lines = lines
    confidences = [page.ocr_confidence for page in pages if page.ocr_confidence is not None]
    document.quality.ocr_confidence = (
        round(sum(confidences) / len(confidences), 2) if confidences else None
    )
    return document


def ocr_document(document: Document, item: InputFile, lang: str = "vie") -> Document:
    """The whole stage for one input in this process (the CLI parallelises pages instead)."""
    return assemble(document, [recognize_page(job) for job in plan_pages(item, lang)])

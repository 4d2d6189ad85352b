"""The ocr stage: page images -> Pages of Lines of Words (text, box, confidence) and Tables.

Work is split into one `PageJob` per page so pages of all inputs can run in parallel worker
processes (`recognize_page` is a plain top-level function for that reason); `assemble` then
puts a document's pages back in order, links tables that run over a page break and derives the
document's OCR text lines.

A PDF page's own text is judged first (`textlayer`): it is used instead of OCR only when it is
the page's visible text and reads as Vietnamese (or as `--ocr` says); the decision is recorded
in the page's `text_layer`.

One scanned page (`recognize_page`):
1. decode or render the page (`rasterize`), look at a photo straight, take coloured seals out,
   resample it to the size its text reads best at (`normalise`); prepare: upright if
   sideways, deskewed, denoised if noisy (`prepare`);
2. find ruled tables (`tables.detect_tables`) and paint them out of the page;
3. OCR the rest of the page (when that is little, only where it has ink) in one Tesseract pass,
   lines in reading order with the header and foot blocks kept apart (`recognize`, `layout`);
4. read every table cell by cell (`tables.read_table`) and put one line per table row,
   "cell | cell | …", where the table stands in the reading order;
5. a page read with low confidence (text and cells) may be upside down: ask OSD, turn it and
   read it again; keep the better reading.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from pipeline.ingest import InputFile
from pipeline.model import Box, Document, Line, OcrMode, Overlay, Page, Table, joined_lines
from pipeline.ocr.blanks import read_blanks
from pipeline.ocr.layout import union_box
from pipeline.ocr.normalise import GreyPage, normalise
from pipeline.ocr.original import OriginalPage, page_box, page_transform
from pipeline.ocr.overlays import overlay_lines, pdf_overlays, received_stamps
from pipeline.ocr.prepare import (
    content_box,
    deskew,
    estimate_skew,
    paper_tone,
    prepare_page,
    turn_upright,
    whiten_sparse_page,
)
from pipeline.ocr.preview import make_preview
from pipeline.ocr.rasterize import load_page, page_count
from pipeline.ocr.recognize import recognize_image, text_layer_page
from pipeline.ocr.tables import detect_tables, link_continued_tables, read_table
from pipeline.ocr.textlayer import judge_text_layer

# OpenCV's own thread pool, like Tesseract's (see pipeline.external), only adds CPU time here:
# pages run in parallel processes, and a page's OpenCV work (table search, cell crops) is made
# of many small calls. One thread took table detection on 43 bench and sample pages from 3.9 to
# 2.9 s CPU, at the same wall time.
cv2.setNumThreads(1)
log = logging.getLogger("pipeline")

# A page read with a mean word confidence below this is checked for being upside down: upright
# rendered scans, heavy ones included, read at 85-96; the same pages upside down at 41-44.
LOW_PAGE_CONFIDENCE = 70.0
# Table areas are painted out a little beyond their outer rules.
TABLE_MASK_MARGIN_PX = 6


@dataclass(frozen=True)
class PageJob:
    path: Path
    kind: str  # "pdf" | "image"
    number: int  # 1-based
    lang: str
    ocr_mode: OcrMode = "auto"  # what a PDF page's own text is worth (pipeline.ocr.textlayer)
    # --image-dpi: the resolution of image pages, trusted instead of measuring their text.
    image_dpi: float | None = None


def plan_pages(item: InputFile, lang: str, ocr_mode: OcrMode = "auto",
               image_dpi: float | None = None) -> list[PageJob]:
    """One job per page of a scan input (cheap: reads only the page count)."""
    return [
        PageJob(item.path, item.kind, number, lang, ocr_mode, image_dpi)
        for number in range(1, page_count(item.path, item.kind) + 1)
    ]


def recognize_page(job: PageJob) -> Page:
    """OCR one page, or take a PDF page's text layer when it is judged worth it."""
    layer = judge_text_layer(job.path, job.number, job.ocr_mode) if job.kind == "pdf" else None
    if layer is not None and layer.record.used:
        return with_page_number(text_layer_page(layer.text, job.number, layer.record))
    image = load_page(job.path, job.kind, job.number)
    source = normalise(image, job.image_dpi, job.lang)
    prepared = prepare_page(source.pixels)
    overlays = []
    if layer is not None and layer.overlay and source.pixels_per_point:
        overlays = [o.model_copy(update={"box": turned_box(o.box, source.pixels.shape,
                                                           prepared.rotation)})
                    for o in pdf_overlays(job.path, job.number, source.pixels_per_point,
                                          layer.invisible_text)]
    dpi, notes = source.dpi, source.notes + prepared.notes
    page = read_prepared_page(prepared.pixels, job, dpi, notes, overlays)
    page.rotation = prepared.rotation
    read_pixels = prepared.pixels  # the pixels the kept reading's boxes are measured on
    turns = [(prepared.rotation, prepared.skew)]
    if page.ocr_confidence is not None and page.ocr_confidence < LOW_PAGE_CONFIDENCE:
        # Read badly: perhaps upside down (prepare_page only catches pages on their side).
        turned, degrees, note = turn_upright(prepared.pixels)
        if degrees:
            angle = estimate_skew(turned)
            turned, straightened = deskew(turned, angle)
            extra = [note, straightened] if straightened else [note]
            again = read_prepared_page(turned, job, dpi, notes + extra)
            again.rotation = (prepared.rotation + degrees) % 360
            if (again.ocr_confidence or 0.0) > page.ocr_confidence:
                page = again
                read_pixels = turned
                turns.append((degrees, -angle if straightened else 0.0))
    original = original_page(source, turns)
    page.to_image, page.image_size = image_placement(source, turns, image.pixels.shape)
    page.blanks = read_blanks(page.lines, original, _page_height(page), job.lang)
    if original is not None and source.stamps:
        # Kept apart from the page's lines: a stamp is not the document's print.
        page.overlays = [*page.overlays, *(
            stamp.model_copy(update={"page": job.number, "box": page_box(original, stamp.box)})
            for stamp in source.stamps if stamp.box)]
    page.seals = [turned_box(box, source.pixels.shape, page.rotation) for box in source.seals]
    page.text_layer = layer.record if layer is not None else None
    page.warnings = list(image.warnings)
    page.preview = make_preview(read_pixels)
    return with_page_number(page)


def original_page(source: GreyPage, turns: list[tuple[int, float]]) -> OriginalPage | None:
    """The page in its own colours, placed on the page as read (`turns`: each preparation
    step's clockwise quarter turns and counter-clockwise skew degrees)."""
    if source.original is None:
        return None
    return OriginalPage(source.original, page_transform(source.original_scale,
                                                        source.pixels.shape[:2], turns))


def image_placement(source: GreyPage, turns: list[tuple[int, float]],
                    decoded_shape: tuple[int, ...]) -> tuple[list[list[float]], tuple[int, int]]:
    """Where the page as read lies on the decoded image (`Page.to_image`, `image_size`):
    the preparation steps and resampling undone, then a photo's straightening."""
    to_page = page_transform(source.original_scale, source.pixels.shape[:2], turns)
    to_image = np.linalg.inv(to_page)
    if source.straightened is not None:
        to_image = np.linalg.inv(source.straightened) @ to_image
    height, width = decoded_shape[:2]
    return to_image.tolist(), (int(width), int(height))


def _page_height(page: Page) -> int:
    lines = [line.box for line in page.lines if line.box is not None]
    return page.height or max((box.top + box.height for box in lines), default=0)


def with_page_number(page: Page) -> Page:
    """Every line of the page told which page it stands on."""
    for line in page.lines:
        line.page = page.number
    return page


def turned_box(box: Box, shape: tuple[int, ...], rotation: int) -> Box:
    """A box of the page as decoded, on the page as read: turned with it by the `rotation`
    (clockwise degrees, quarter turns) preparation made; deskewing moves it too little to
    matter for a seal's box."""
    height, width = shape[:2]
    for _ in range(rotation // 90 % 4):  # one clockwise quarter turn at a time
        box = Box(left=height - box.top - box.height, top=box.left, width=box.height,
                  height=box.width)
        height, width = width, height
    return box


def read_prepared_page(gray: np.ndarray, job: PageJob, dpi: int, preparation: list[str],
                       overlays: list[Overlay] | None = None) -> Page:
    """Tables found and read cell by cell, the rest of the page read with them (and the
    overlays, whose text is known) painted out; the overlays' lines first."""
    overlays = overlays or []
    grids = detect_tables(gray)
    painted = mask_boxes(gray, [grid.box for grid in grids] + [o.box for o in overlays if o.box])
    masked, note = whiten_sparse_page(painted)
    preparation = [*preparation, note] if note else preparation
    # A page made sparse by its tables is mostly blank paper, which Tesseract pays for by the
    # pixel: such a page is read in its content box. Pages with grey paper are read whole:
    # cut, their paper's share of Tesseract's global threshold changes, and so did some words
    # (the samples' issuer "TRẠM Y TẾ" read as "TRẠM Y TE").
    height, width = masked.shape
    left, top, right, bottom = content_box(masked) if note else (0, 0, width, height)
    page = recognize_image(Image.fromarray(masked[top:bottom, left:right]), job.lang, job.number,
                           dpi, preparation, offset=(left, top),
                           page_size=(width, height),
                           find_overlays=partial(received_stamps, masked, number=job.number))
    page = with_tables(page, [read_table(gray, grid, job.lang, job.number) for grid in grids])
    overlays = [*overlays, *page.overlays]
    if overlays:
        page.overlays = overlays
        page.lines = [*overlay_lines(overlays), Line(text=""), *page.lines]
    return page


def mask_boxes(gray: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """The page with the boxes painted in the paper's tone."""
    if not boxes:
        return gray
    out = gray.copy()
    tone = paper_tone(gray)
    height, width = gray.shape
    for box in boxes:
        top = max(0, box.top - TABLE_MASK_MARGIN_PX)
        left = max(0, box.left - TABLE_MASK_MARGIN_PX)
        bottom = min(height, box.top + box.height + TABLE_MASK_MARGIN_PX)
        right = min(width, box.left + box.width + TABLE_MASK_MARGIN_PX)
        out[top:bottom, left:right] = tone
    return out


def table_row_lines(table: Table) -> list[Line]:
    """One line per table row, "cell | cell | …" left to right (empty cells kept, so columns
    stay countable); a cell spanning rows is given with its first row."""
    rows: list[list] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    lines = []
    for cells in rows:
        cells.sort(key=lambda cell: cell.col)
        confidences = [c.confidence for c in cells if c.confidence is not None]
        lines.append(Line(
            text=" | ".join(cell.text for cell in cells), block="table",
            box=union_box(c.box for c in cells if c.box is not None),
            confidence=round(sum(confidences) / len(confidences), 2) if confidences else None,
        ))
    return lines


def with_tables(page: Page, tables: list[Table]) -> Page:
    """The page with its tables, their row lines put in reading order where each table stands
    (before the first text line below its top), and the page confidence over cells too."""
    lines = list(page.lines)
    for table in sorted(tables, key=lambda t: t.box.top if t.box else 0, reverse=True):
        top = table.box.top if table.box else 0
        at = next((i for i, line in enumerate(lines)
                   if line.text and line.box is not None and line.box.top > top), len(lines))
        block = [Line(text=""), *table_row_lines(table), Line(text="")]
        lines[at:at] = block
    page.lines = _squeeze_blank_lines(lines)
    page.tables = tables
    page.ocr_confidence = _page_confidence(page.lines)
    return page


def _squeeze_blank_lines(lines: list[Line]) -> list[Line]:
    """No blank line at either end, none doubled."""
    out: list[Line] = []
    for line in lines:
        if not line.text and (not out or not out[-1].text):
            continue
        out.append(line)
    while out and not out[-1].text:
        out.pop()
    return out


def _page_confidence(lines: list[Line]) -> float | None:
    """Mean word confidence of the page; a table row counts with as many words as it has."""
    total = weight = 0.0
    for line in lines:
        if line.confidence is None:
            continue
        words = len(line.words) or len(line.text.replace("|", " ").split())
        total += line.confidence * words
        weight += words
    return round(total / weight, 2) if weight else None


def failed_page(number: int, error: object) -> Page:
    """What stands for a page that could not be read: no text, and why (`Page.error`)."""
    return Page(number=number, error=str(error))


def assemble(document: Document, pages: list[Page]) -> Document:
    """Attach recognised pages, link tables that continue over a page break; the OCR text is
    the pages' lines, a blank line between pages (`joined_lines`), each line kept with where it
    stands (`page_lines`). Failed pages (`failed_page`) are listed in the quality block."""
    pages = sorted(pages, key=lambda page: page.number)
    document.quality.failed_pages = [page.number for page in pages if page.error is not None]
    link_continued_tables([page for page in pages if page.error is None])
    document.pages = pages
    document.source.pages = len(pages)
    if pages and all(page.text_layer is not None and page.text_layer.used for page in pages):
        document.source.kind = "pdf-text"
    document.page_lines = joined_lines(pages)
    document.ocr_lines = [line.text for line in document.page_lines]
    document.overlays = [overlay for page in pages for overlay in page.overlays]
    for page in pages:
        if page.warnings:
            warning = (f"page {page.number}: damaged PDF data, parts of the page may be grey "
                       f"or missing and their text lost ({'; '.join(page.warnings)})")
            log.warning("%s: %s", document.source.file, warning)
            document.quality.warnings.append(warning)
    confidences = [page.ocr_confidence for page in pages if page.ocr_confidence is not None]
    document.quality.ocr_confidence = (
        round(sum(confidences) / len(confidences), 2) if confidences else None
    )
    return document


def ocr_document(document: Document, item: InputFile, lang: str = "vie",
                 ocr_mode: OcrMode = "auto") -> Document:
    """The whole stage for one input in this process (the CLI parallelises pages instead)."""
    return assemble(document, [recognize_page(job) for job in plan_pages(item, lang, ocr_mode)])

"""Reading a ruled table's cells, each on its own.

Whole-page OCR reads table rows across their columns and drops cells (cell CER 27.7% against
1.0% from cropped cells, ../shared/design/ocr-corruption.md). Cell crops, cut inside the rules,
cleaned of specks, trimmed of blank paper left and right and scaled to the text size Tesseract
reads best, are stacked one column at a time, one under the other with white space between
them (psm 6), each stack read as on its own by the model loaded once
(`external.tesseract_data_many`: libtesseract in this process, or one run of the program for
all of them, since every run loads the language model, ~0.1 s CPU). Words go back to the cell
whose band holds them. Cells without ink are not read at all. A cell whose ink is not all under
the words read, that came back empty or with low confidence, is read again alone (psm 6).
Numbers of the TT column keep their full stops (numbers.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline import external
from pipeline.model import Cell, Table
from pipeline.ocr.tables.crops import (
    Crop,
    Word,
    binarize_cell,
    for_tesseract,
    mean_confidence,
    stack,
    words_by_band,
)
from pipeline.ocr.tables.detect import PAPER_SAMPLE_STEP, TableGrid
from pipeline.ocr.tables.numbers import number_columns, repair_number_cells
from pipeline.ocr.tables.sizes import MM_PER_INCH, as_gray, dpi_of
from pipeline.table_header import leading_header_rows

STACK_PSM = 6  # a uniform block of text: a stack of cells, or one cell
# Cells with less ink than this (fraction of the inner area) are empty, after specks are removed.
MIN_INK_FRACTION = 0.002
# Crops are cut this far inside the rules' centres beyond half a rule: blur and double rules.
CELL_INSET_PX = 3
MIN_CELL_PX = 5  # a slot narrower or lower than this holds no text
NEAR_INK_PX = 3  # letters keep their grey edges within this square around their ink
# Blank paper kept left and right of a cell's text.
KEEP_PAPER_MM = 1
MIN_KEEP_PAPER_PX = 4
# Dust: blobs under 0.13 mm square; blobs up to a full stop's size (0.4 mm square) with no
# bigger ink within 0.8 mm (a full stop or a diacritic sits next to a letter).
SPECK_MM = 0.13
DOT_MM = 0.4
DOT_REACH_MM = 0.8
MIN_DOT_REACH_PX = 3
# Rows and columns this close to a crop's edge that are mostly ink are rule remains.
EDGE_PX = 4
EDGE_RULE_INK = 0.5
# Capitals ~33 px tall (12 pt at 300 dpi) are what Tesseract reads best: crops of smaller text
# are scaled up (by 1.15 or more, at most 3) when at least 5 shapes tell the text's height;
# capitals, ascenders and digits are the tallest quarter of the shapes, not marks or dots.
TEXT_HEIGHT_PX = 33
MIN_SHAPES_FOR_SCALE = 5
TALL_PERCENTILE = 75
MIN_TEXT_SCALE = 1.15
MAX_TEXT_SCALE = 3.0
# A cell with a word read with less confidence than this is read again on its own (Roman
# quarters such as "III/2026" come out as "[H/2026" at ~70 in a stack, right when alone).
LOW_CONFIDENCE = 75.0
UNCOVERED_INK = 0.04  # share of a cell's letters under no word box that makes it read again
ALONE_SLACK = 0.02  # a reading alone is kept unless it leaves this much more ink unread
# A letter is under a word box when it reaches into it give or take a third of a letter's
# height (at least 2 px); shapes under 0.4 of a letter's height are marks and dots.
WORD_REACH = 0.3
MIN_WORD_REACH_PX = 2
MARK_HEIGHT = 0.4


def read_table(gray: np.ndarray, grid: TableGrid, lang: str, page_number: int) -> Table:
    """OCR every cell of `grid` on its own; a Table with page-local rows and columns."""
    crops = _crops(as_gray(gray), grid)
    _read_stacked(crops, grid, lang)
    _reread_doubtful(crops, grid, lang)
    by_index = {crop.index: crop for crop in crops}
    cells = []
    for index, cell in enumerate(grid.cells):
        crop = by_index.get(index)
        words = crop.words if crop else []
        cells.append(Cell(
            row=cell.row, col=cell.col, row_span=cell.row_span, col_span=cell.col_span,
            text=crop.text if crop else "", box=cell.box,
            confidence=round(mean_confidence(words), 2) if words else None,
        ))
    table = Table(n_rows=grid.n_rows, n_cols=grid.n_cols, cells=cells, box=grid.box,
                  page=page_number)
    table.header_rows = leading_header_rows(table)
    return table


def _crops(gray: np.ndarray, grid: TableGrid) -> list[Crop]:
    """Crops of the cells that have ink, text scaled to the size Tesseract reads best."""
    upright = _deskewed_table(gray, grid)
    origin_x, origin_y = grid.rules_v[0], grid.rules_h[0]
    crops: list[Crop] = []
    for index, cell in enumerate(grid.cells):
        left = grid.rules_v[cell.col] - origin_x
        right = grid.rules_v[cell.col + cell.col_span] - origin_x
        top = grid.rules_h[cell.row] - origin_y
        bottom = grid.rules_h[cell.row + cell.row_span] - origin_y
        crop = _cell_crop(upright, (left, top, right, bottom), grid.rule_px, dpi_hint(grid))
        if crop is not None:
            crops.append(Crop(index, crop, _count_lines(crop)))
    scale = _text_scale([crop.image for crop in crops])
    if scale > 1:
        for crop in crops:
            crop.image = cv2.resize(crop.image, None, fx=scale, fy=scale,
                                    interpolation=cv2.INTER_CUBIC)
    return crops


def dpi_hint(grid: TableGrid) -> float:
    """The page's resolution if it is A4 (or A4 landscape), from its short side: sizes of
    specks and full stops are judged in millimetres."""
    return dpi_of(grid.page_size)


def _deskewed_table(gray: np.ndarray, grid: TableGrid) -> np.ndarray:
    """The table's area of the page turned upright, with the top-left rule crossing at (0, 0)."""
    left, top = grid.rules_v[0], grid.rules_h[0]
    width = grid.rules_v[-1] - left + 1
    height = grid.rules_h[-1] - top + 1
    if not grid.angle:
        return gray[top:top + height, left:left + width]
    page_h, page_w = gray.shape
    matrix = cv2.getRotationMatrix2D((page_w / 2.0, page_h / 2.0), grid.angle, 1.0)
    matrix[:, 2] -= (left, top)  # only the table's rectangle of the turned page is made
    paper = int(np.median(gray[::PAPER_SAMPLE_STEP, ::PAPER_SAMPLE_STEP]))
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=paper)


def _cell_crop(
    upright: np.ndarray, rect: tuple[int, int, int, int], rule_px: int, dpi: float
) -> np.ndarray | None:
    """The inside of a cell without its rules, specks or rule remains, paper made white; None
    when there is no ink in it."""
    left, top, right, bottom = rect
    inset = rule_px // 2 + CELL_INSET_PX  # positions are rule centres
    crop = upright[top + inset:bottom - inset + 1, left + inset:right - inset + 1]
    if crop.shape[0] < MIN_CELL_PX or crop.shape[1] < MIN_CELL_PX:
        return None
    ink = _drop_specks(_clear_edge_rules(binarize_cell(crop)), dpi)
    if ink.mean() / 255 < MIN_INK_FRACTION:
        return None
    # Letters keep their grey edges (what Tesseract was trained on); the rest becomes paper.
    near_ink = cv2.dilate(ink, np.ones((NEAR_INK_PX, NEAR_INK_PX), np.uint8)) > 0
    clean = np.where(near_ink, crop, 255).astype(np.uint8)
    # Blank paper left and right of the text only costs Tesseract time (it works on every
    # pixel of the stack, ~0.02 s per megapixel): keep a millimetre of it.
    columns = np.nonzero(near_ink.any(axis=0))[0]
    pad = max(MIN_KEEP_PAPER_PX, round(KEEP_PAPER_MM * dpi / MM_PER_INCH))
    return clean[:, max(0, columns[0] - pad):columns[-1] + 1 + pad]


def _drop_specks(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Removes dust: blobs smaller than a tenth of a millimetre square, and blobs up to the size
    of a full stop that stand alone (a full stop or a diacritic sits next to a letter)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return ink
    px_mm = dpi / MM_PER_INCH
    tiny = (SPECK_MM * px_mm) ** 2
    dot = (DOT_MM * px_mm) ** 2
    reach = max(MIN_DOT_REACH_PX, round(DOT_REACH_MM * px_mm))
    areas = stats[:, cv2.CC_STAT_AREA]
    drop = np.zeros(count, dtype=bool)
    drop[1:] = areas[1:] < tiny
    big = np.isin(labels, np.nonzero(areas >= dot)[0]) & (labels > 0)
    near_big = cv2.dilate(big.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    for label in np.nonzero((areas < dot) & ~drop)[0]:
        if label == 0:
            continue
        x, y, w, h = stats[label, :4]
        if not near_big[y:y + h, x:x + w][labels[y:y + h, x:x + w] == label].any():
            drop[label] = True
    if not drop.any():
        return ink
    return np.where(drop[labels], 0, ink).astype(np.uint8)


def _clear_edge_rules(ink: np.ndarray) -> np.ndarray:
    """Whitens rows and columns within a few pixels of the crop edge that are mostly ink."""
    ink = ink.copy()
    height, width = ink.shape
    edge = EDGE_PX
    for y in [*range(min(edge, height)), *range(max(0, height - edge), height)]:
        if ink[y].mean() / 255 > EDGE_RULE_INK:
            ink[y] = 0
    for x in [*range(min(edge, width)), *range(max(0, width - edge), width)]:
        if ink[:, x].mean() / 255 > EDGE_RULE_INK:
            ink[:, x] = 0
    return ink


def _text_scale(images: list[np.ndarray]) -> float:
    """The factor that brings the text to the size Tesseract reads best (capitals ~33 px tall, 12
    pt at 300 dpi): small text from low-resolution scans loses full stops and diacritics."""
    heights: list[int] = []
    for image in images:
        _, _, stats, _ = cv2.connectedComponentsWithStats(binarize_cell(image), connectivity=8)
        heights.extend(int(h) for h in stats[1:, cv2.CC_STAT_HEIGHT])
    if len(heights) < MIN_SHAPES_FOR_SCALE:
        return 1.0
    tall = float(np.percentile(heights, TALL_PERCENTILE))
    scale = TEXT_HEIGHT_PX / max(tall, 1.0)
    return min(scale, MAX_TEXT_SCALE) if scale >= MIN_TEXT_SCALE else 1.0


def _count_lines(crop: np.ndarray) -> int:
    ink = binarize_cell(crop) > 0
    rows = ink.any(axis=1)
    starts = np.count_nonzero(rows[1:] & ~rows[:-1]) + int(rows[0])
    return max(1, starts)


def _read_stacked(crops: list[Crop], grid: TableGrid, lang: str) -> None:
    """Per column, the column's cell crops one under the other; all the columns' stacks read
    with one loaded model (each stack as on its own)."""
    by_col: dict[int, list[Crop]] = {}
    for crop in crops:
        by_col.setdefault(grid.cells[crop.index].col, []).append(crop)
    stacks = [stack([crop.image for crop in column]) for column in by_col.values()]
    readings = external.tesseract_data_many(
        [for_tesseract(image) for image, _ in stacks], lang, psm=STACK_PSM)
    for column, (_, offsets), data in zip(by_col.values(), stacks, readings, strict=True):
        for crop, words in zip(column, words_by_band(data, offsets), strict=True):
            crop.words = words


def _reread_doubtful(crops: list[Crop], grid: TableGrid, lang: str) -> None:
    """Second looks. In a stack Tesseract sometimes drops a line or a word (a bold, blurred
    heading taken for noise next to plain text): a cell whose ink is not all under its words,
    that came back empty, or was read with low confidence is read again alone and the better
    reading kept. Number cells of the TT column get their full stops checked against the shapes
    (see repair_number). The cells read again share one loaded model, each image read on its
    own, all with psm 6: psm 7 for one-line cells gave the same bench figures and, without
    libtesseract, would cost a second run of the program (~0.1 s)."""
    number_cols = number_columns(crops, grid)
    doubtful = [crop for crop in crops
                if not crop.words or min(word.conf for word in crop.words) < LOW_CONFIDENCE
                or uncovered_ink(crop.image, crop.words) > UNCOVERED_INK]
    _read_alone(doubtful, lang)
    repair_number_cells([
        crop for crop in crops
        if grid.cells[crop.index].col in number_cols and grid.cells[crop.index].col_span == 1
        and crop.words
    ], lang)


def _read_alone(crops: list[Crop], lang: str, psm: int = STACK_PSM) -> None:
    """Reads each crop by itself (all of them with one loaded model) and keeps that reading
    unless it leaves more of the ink unread: alone, Tesseract sees the cell as the design notes
    measured it (cell CER 1.0%); its confidences do not tell the better of two readings apart
    ("[H/2026" at 70 in a stack, "III/2026" at 65 alone)."""
    if not crops:
        return
    stacks = [stack([crop.image]) for crop in crops]
    readings = external.tesseract_data_many(
        [for_tesseract(image) for image, _ in stacks], lang, psm=psm)
    for crop, (_, offsets), data in zip(crops, stacks, readings, strict=True):
        words = words_by_band(data, offsets)[0]
        if words and (not crop.words or uncovered_ink(crop.image, words)
                      <= uncovered_ink(crop.image, crop.words) + ALONE_SLACK):
            crop.words = words


def uncovered_ink(image: np.ndarray, words: list[Word]) -> float:
    """The share of the crop's letter-sized ink under no word box. A letter counts as under a
    box when it reaches into it (give or take a third of a letter's height), not only when its
    centre lies inside: Tesseract's box of a word read right sometimes ends before its last
    letter ("HĐND" boxed without its D on heavy scans), which made a second read of the cell
    for nothing (the same reading again; 0.13 s CPU when it costs a run of the program)."""
    ink = binarize_cell(image)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    tall = float(np.percentile(heights, TALL_PERCENTILE))
    total = missed = 0
    margin = max(MIN_WORD_REACH_PX, round(tall * WORD_REACH))
    for label in range(1, count):
        left, top, width, height, area = (int(v) for v in stats[label])
        if height < MARK_HEIGHT * tall:
            continue  # marks and dots: their letters count for them
        total += area
        right, bottom = left + width, top + height
        if not any(left <= x1 + margin and right >= x0 - margin
                   and top <= y1 + margin and bottom >= y0 - margin
                   and _centre_inside(top, bottom, y0, y1)
                   for x0, y0, x1, y1 in (word.box for word in words)):
            missed += area
    return missed / total if total else 0.0


def _centre_inside(top: int, bottom: int, y0: int, y1: int) -> bool:
    """A letter's middle lies within the rows of a word box: reaching into the box from the
    line above or below does not count."""
    return y0 <= (top + bottom) / 2 <= y1

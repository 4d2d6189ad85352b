"""Ruled tables: find the grid of rules on a page, read each cell on its own, link the parts of a
table that runs over a page break.

Whole-page OCR reads table rows across their columns and drops cells (cell CER 27.7% against
1.0% from cropped cells, ../shared/design/ocr-corruption.md), so tables are cut out first:

1. `detect_tables`: the page is binarised; opening with long thin kernels keeps only the rules.
   A look at half size finds the groups of rules and the skew (on the horizontal rules); only
   the windows around those groups are then searched at full size, turned upright before the
   grid is built, so a page askew by 2 degrees gives the same grid as a straight one. Rule
   candidates are kept only when they run the whole length of at least one cell side (letters
   do not), and neighbouring grid slots without a rule between them are merged into spanning
   cells (the group rows whose title spans columns 2-6, row spans alike).
2. `read_table`: cell crops, cut inside the rules, cleaned of specks, trimmed of blank paper
   left and right and scaled to the text size Tesseract reads best, are stacked one column at
   a time, one under the other with white space between them (psm 6), each stack read as on
   its own by the model loaded once (`external.tesseract_data_many`: libtesseract in this
   process, or one run of the program for all of them, since every run loads the language
   model, ~0.1 s CPU). Words go back to the cell whose band holds them. Cells without ink are
   not read at all. A cell whose ink is not all under the words read, that came back empty or
   with low confidence, is read again alone (psm 6). Numbers of the TT column keep their full
   stops ("2.1", not "21"), with digit-only second reads where the shapes cannot tell.
3. `link_continued_tables`: a page's first table continues the previous page's last one when
   nothing but a page number separates them from the page edges and they have the same columns;
   a repeated header row is recognised by its texts.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass, field

import cv2
import numpy as np
import regex
from PIL import Image
from rapidfuzz import fuzz

from pipeline import external
from pipeline.model import Box, Cell, Line, Page, Table
from pipeline.text.lookalikes import DIGIT_ONE_LOOKALIKES, digit_ones

log = logging.getLogger(__name__)

# Kernel lengths as fractions of the page's short side (A4 at 300 dpi: 2480 px). Horizontal rules
# are at least one narrow column wide (the TT column, ~10 mm = 4.8% of A4 width); vertical rules
# at least one single-line row high (~7 mm); the tallest letter stroke is ~4 mm.
H_KERNEL = 1 / 35
V_KERNEL = 1 / 45
# A rule candidate is real when it covers this much of at least one cell side.
SIDE_COVERAGE = 0.75
# A table is at least this wide and high (fractions of the page's short side: a single-line
# row is ~7 mm, 3.5% of A4's width) and has 2x2 cells, or is one row of 3 or more cells at
# least 40% of the short side wide: the last row of a table carried over to the next page.
MIN_TABLE_WIDTH = 0.08
MIN_TABLE_HEIGHT = 0.025
MIN_ROWS = 2
MIN_COLS = 2
MIN_STRIP_COLS = 3
MIN_STRIP_WIDTH = 0.4
# Skew below this (degrees) is left alone: turning the page would only blur it.
MIN_SKEW_DEG = 0.05
MAX_SKEW_DEG = 5.0
# The full-size rule search looks this far (fraction of the short side) around the groups of
# rules seen at half size: what the half-size look shifted, and a 5-degree turn of the window.
WINDOW_MARGIN = 0.02
# Cells with less ink than this (fraction of the inner area) are empty, after specks are removed.
MIN_INK_FRACTION = 0.002
TEXT_HEIGHT_PX = 33  # see _text_scale
DIGIT_WHITELIST = "-c tessedit_char_whitelist=0123456789."
NUMBER_CELL = regex.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,3}|[IVX]{1,6})\.?$")
PAGE_NUMBER = regex.compile(r"^\W*\d{1,4}\W*$")
# What a TT cell reads as: digits with dots, and the look-alikes of 1 Tesseract gives for them.
NUMBER_LIKE = regex.compile(rf"^[\d.IVX{regex.escape(DIGIT_ONE_LOOKALIKES)}]{{1,8}}$")
# A cell with a word read with less confidence than this is read again on its own (Roman
# quarters such as "III/2026" come out as "[H/2026" at ~70 in a stack, right when alone).
LOW_CONFIDENCE = 75.0
UNCOVERED_INK = 0.04  # share of a cell's letters under no word box that makes it read again
HEADER_MATCH = 80  # rapidfuzz ratio of the first row's texts to the previous header's


@dataclass
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    box: Box  # upright box around the cell on the page as given (not deskewed)


@dataclass
class TableGrid:
    box: Box  # upright box around the table on the page as given
    n_rows: int
    n_cols: int
    cells: list[GridCell]
    # Rule positions (n_rows + 1 and n_cols + 1 of them) on the page turned upright by `angle`
    # degrees about its centre (cv2.getRotationMatrix2D convention); page pixels when angle is 0.
    rules_h: list[int]
    rules_v: list[int]
    angle: float = 0.0
    page_size: tuple[int, int] = (0, 0)  # width, height of the page the grid was found on
    rule_px: int = 2  # typical rule thickness, for cropping inside the rules


# -- detection --------------------------------------------------------------------------------

def detect_tables(gray: np.ndarray) -> list[TableGrid]:
    """Ruled tables on an upright page (gray uint8, skew up to a few degrees), top to bottom."""
    gray = _as_gray(gray)
    short = min(gray.shape)
    # First a quick look at half size that tolerates skew: most pages have no group of
    # crossing rules and stop here, at a tenth of the cost of a Tesseract page.
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    block = _binarize_block(short)
    h_mask, v_mask = rule_masks(binarize(half, _binarize_block(short // 2)), short // 2, across=5)
    regions = table_regions(h_mask, v_mask, short // 2)
    if not regions:
        return []
    angle = estimate_skew(h_mask, short // 2)
    if abs(angle) < MIN_SKEW_DEG:
        angle = 0.0
    # The full-size search runs only in windows around the groups of rules seen at half size:
    # on most table pages they are a fraction of the page, and the morphology and labelling
    # cost in proportion to the pixels (0.2 of 0.3 s CPU on a page with a small table).
    grids = []
    for window in _search_windows(regions, angle, gray.shape, short):
        x0, y0 = window[0], window[1]
        h_mask, v_mask = rule_masks(binarize(_upright_window(gray, angle, window), block), short)
        for region in table_regions(h_mask, v_mask, short):
            grid = build_grid(h_mask, v_mask, region, short)
            if grid is None:
                continue
            rules_h, rules_v, slots_cells, rule_px = grid
            grids.append(_table_grid([y + y0 for y in rules_h], [x + x0 for x in rules_v],
                                     slots_cells, angle, gray.shape, rule_px))
    grids.sort(key=lambda g: (g.box.top, g.box.left))
    return grids


def _search_windows(
    regions: list[tuple[int, ...]], angle: float, shape: tuple[int, int], short: int
) -> list[tuple[int, int, int, int]]:
    """Full-size rectangles (left, top, right, bottom) of the page turned upright by `angle`
    that hold the half-size regions, with a margin for what the half-size look blurred or
    turned; overlapping ones merged, so that no table is searched twice."""
    height, width = shape
    forward = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)
    margin = max(16, round(short * WINDOW_MARGIN))
    windows = []
    for left, top, right, bottom in regions:
        corners = np.array([[left, top], [right, top], [right, bottom], [left, bottom]],
                           np.float64) * 2
        moved = corners @ forward[:, :2].T + forward[:, 2]
        windows.append((max(0, int(moved[:, 0].min()) - margin),
                        max(0, int(moved[:, 1].min()) - margin),
                        min(width, int(math.ceil(moved[:, 0].max())) + margin),
                        min(height, int(math.ceil(moved[:, 1].max())) + margin)))
    return _merge_overlapping(windows)  # (its corners are (row, col); the test is the same)


def _upright_window(gray: np.ndarray, angle: float, window: tuple[int, int, int, int]
                    ) -> np.ndarray:
    """The `window` rectangle of the page turned upright by `angle` degrees about its centre
    (cv2.getRotationMatrix2D), exposed corners filled with paper; only that rectangle is
    computed."""
    left, top, right, bottom = window
    if not angle:
        return gray[top:bottom, left:right]
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)
    matrix[:, 2] -= (left, top)
    paper = int(np.median(gray[:: 8, :: 8]))
    return cv2.warpAffine(gray, matrix, (right - left, bottom - top), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=paper)


def _as_gray(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.ndim == 3:
        array = cv2.cvtColor(array, cv2.COLOR_RGB2GRAY)
    return array.astype(np.uint8, copy=False)


def binarize(gray: np.ndarray, block: int | None = None) -> np.ndarray:
    """Ink as 255 on 0. Adaptive, because scans have uneven paper tone; the block is larger than
    a letter so that letters' insides stay paper (`block`: its size for a part of a page, which
    must be the whole page's)."""
    block = _binarize_block(min(gray.shape)) if block is None else block
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def _binarize_block(short: int) -> int:
    return max(15, (short // 80) | 1)


def estimate_skew(h_mask: np.ndarray, short: int) -> float:
    """Skew in degrees from the long horizontal rules (the turn that makes them level); 0 when
    there are none or the angle is implausible."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(h_mask, connectivity=8)
    min_width = short * 0.2
    angles, weights = [], []
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if width < min_width or height > width * 0.1 + 20:
            continue
        slope = _row_slope(h_mask[top:top + height, left:left + width])
        if slope is not None:
            angles.append(math.degrees(math.atan(slope)))
            weights.append(width)
    if not angles:
        return 0.0
    angle = _weighted_median(angles, weights)
    return angle if abs(angle) <= MAX_SKEW_DEG else 0.0


def _row_slope(patch: np.ndarray) -> float | None:
    """Slope dy/dx of the thin line in `patch`, from the middle of its ink in every column."""
    columns = np.nonzero(patch.any(axis=0))[0]
    if len(columns) < 20:
        return None
    rows = np.arange(patch.shape[0], dtype=np.float64)[:, None]
    mass = patch[:, columns].astype(np.float64)
    centres = (rows * mass).sum(axis=0) / mass.sum(axis=0)
    slope, _ = np.polyfit(columns.astype(np.float64), centres, 1)
    return float(slope)


def _weighted_median(values: list[float], weights: list[float]) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    index = int(np.searchsorted(cumulative, cumulative[-1] / 2))
    return float(np.asarray(values)[order][index])


def rule_masks(ink: np.ndarray, short: int, across: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: openings with long thin kernels, then a short closing
    along the rule to bridge breaks left by noise and JPEG blocks. The ink is first thickened
    `across` pixels across each rule direction, so that a rule that drifts a pixel (skew) over
    the kernel's length still holds a full run: 7 px keeps a 2-degree rule, 3 px residual skew."""
    h_len = max(15, round(short * H_KERNEL))
    v_len = max(15, round(short * V_KERNEL))
    bridge = max(3, round(short / 400))
    h_src = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, across)))
    v_src = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1)))
    h_mask = cv2.morphologyEx(h_src, cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    v_mask = cv2.morphologyEx(v_src, cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    h_mask = cv2.morphologyEx(h_mask, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (bridge * 4, 1)))
    v_mask = cv2.morphologyEx(v_mask, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge * 4)))
    return h_mask, v_mask


def table_regions(h_mask: np.ndarray, v_mask: np.ndarray, short: int) -> list[tuple[int, ...]]:
    """Boxes (left, top, right, bottom) of connected groups of rules big enough for a table."""
    joined = cv2.dilate(cv2.bitwise_or(h_mask, v_mask),
                        cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    regions = []
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if width >= short * MIN_TABLE_WIDTH and height >= short * MIN_TABLE_HEIGHT:
            regions.append((left, top, left + width, top + height))
    return regions


def build_grid(
    h_mask: np.ndarray, v_mask: np.ndarray, region: tuple[int, ...], short: int
) -> tuple[list[int], list[int], list[tuple[int, int, int, int]], int] | None:
    """Rule positions and cells (row, col, row_span, col_span) of the table in `region`."""
    left, top, right, bottom = region
    h_part = h_mask[top:bottom, left:right] > 0
    v_part = v_mask[top:bottom, left:right] > 0
    merge = max(4, round(short / 250))
    ys = _rule_positions(h_part.mean(axis=1), merge)
    xs = _rule_positions(v_part.mean(axis=0), merge)
    band = max(2, round(short / 600))
    while True:  # dropping a candidate lengthens its neighbours' sides: repeat until stable
        if len(ys) < 2 or len(xs) < MIN_COLS + 1:
            return None
        h_seg = _h_segments(h_part, ys, xs, band)
        v_seg = _v_segments(v_part, ys, xs, band)
        keep_y = [i for i in range(len(ys)) if h_seg[i].any()]
        keep_x = [j for j in range(len(xs)) if v_seg[:, j].any()]
        if len(keep_y) == len(ys) and len(keep_x) == len(xs):
            break
        ys = [ys[i] for i in keep_y]
        xs = [xs[j] for j in keep_x]
    if not _big_enough(len(ys) - 1, len(xs) - 1, xs[-1] - xs[0], short):
        return None
    cells = _merge_slots(h_seg, v_seg)
    rule_px = max(1, _rule_thickness(h_part, ys) - 2)  # the mask was thickened by 2 px
    return [y + top for y in ys], [x + left for x in xs], cells, rule_px


def _big_enough(rows: int, cols: int, width: int, short: int) -> bool:
    """A table, not a framed line or a box: 2x2 cells, or one wide row of 3 or more cells."""
    if rows >= MIN_ROWS and cols >= MIN_COLS:
        return True
    return rows == 1 and cols >= MIN_STRIP_COLS and width >= short * MIN_STRIP_WIDTH


def _rule_positions(profile: np.ndarray, merge: int) -> list[int]:
    """Centres of runs of rule ink in a projection profile; runs closer than `merge` pixels are
    one rule (a cell border drawn twice, once by each neighbour, is two touching lines)."""
    on = np.nonzero(profile > 0.02)[0]
    if len(on) == 0:
        return []
    groups: list[list[int]] = [[int(on[0])]]
    for index in on[1:]:
        if index - groups[-1][-1] <= merge:
            groups[-1].append(int(index))
        else:
            groups.append([int(index)])
    positions = []
    for group in groups:
        weights = profile[group[0]:group[-1] + 1]
        positions.append(round(float(np.average(np.arange(group[0], group[-1] + 1),
                                                weights=weights))))
    return positions


def _h_segments(part: np.ndarray, ys: list[int], xs: list[int], band: int) -> np.ndarray:
    """seg[i, j]: horizontal rule i runs along column j (from xs[j] to xs[j+1])."""
    out = np.zeros((len(ys), len(xs) - 1), dtype=bool)
    for i, y in enumerate(ys):
        strip = part[max(0, y - band):y + band + 1].any(axis=0)
        for j in range(len(xs) - 1):
            span = strip[xs[j]:xs[j + 1] + 1]
            out[i, j] = span.size > 0 and span.mean() >= SIDE_COVERAGE
    return out


def _v_segments(part: np.ndarray, ys: list[int], xs: list[int], band: int) -> np.ndarray:
    """seg[i, j]: vertical rule j runs along row i (from ys[i] to ys[i+1])."""
    out = np.zeros((len(ys) - 1, len(xs)), dtype=bool)
    for j, x in enumerate(xs):
        strip = part[:, max(0, x - band):x + band + 1].any(axis=1)
        for i in range(len(ys) - 1):
            span = strip[ys[i]:ys[i + 1] + 1]
            out[i, j] = span.size > 0 and span.mean() >= SIDE_COVERAGE
    return out


def _merge_slots(h_seg: np.ndarray, v_seg: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Cells (row, col, row_span, col_span) from the grid slots: neighbouring slots with no rule
    between them are one cell; a merged shape that is not a rectangle becomes its bounding box."""
    n_rows, n_cols = v_seg.shape[0], h_seg.shape[1]
    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for i in range(n_rows):
        for j in range(n_cols):
            if j + 1 < n_cols and not v_seg[i, j + 1]:
                union(i * n_cols + j, i * n_cols + j + 1)
            if i + 1 < n_rows and not h_seg[i + 1, j]:
                union(i * n_cols + j, (i + 1) * n_cols + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            groups.setdefault(find(i * n_cols + j), []).append((i, j))
    rects = [(min(r for r, _ in g), min(c for _, c in g), max(r for r, _ in g),
              max(c for _, c in g)) for g in groups.values()]
    rects = _merge_overlapping(rects)
    return sorted((r0, c0, r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in rects)


def _merge_overlapping(rects: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    rects = list(rects)
    changed = True
    while changed:
        changed = False
        for a in range(len(rects)):
            for b in range(a + 1, len(rects)):
                ra, rb = rects[a], rects[b]
                if ra[0] <= rb[2] and rb[0] <= ra[2] and ra[1] <= rb[3] and rb[1] <= ra[3]:
                    rects[a] = (min(ra[0], rb[0]), min(ra[1], rb[1]), max(ra[2], rb[2]),
                                max(ra[3], rb[3]))
                    del rects[b]
                    changed = True
                    break
            if changed:
                break
    return rects


def _rule_thickness(part: np.ndarray, ys: list[int]) -> int:
    """Median thickness of the horizontal rules (the ink rows around each rule position)."""
    thickness = []
    for y in ys:
        column = part[max(0, y - 15):y + 16].mean(axis=1) > 0.3
        thickness.append(int(column.sum()))
    return max(1, int(np.median(thickness))) if thickness else 2


def _table_grid(
    rules_h: list[int], rules_v: list[int], cells: list[tuple[int, int, int, int]], angle: float,
    shape: tuple[int, int], rule_px: int,
) -> TableGrid:
    height, width = shape
    back = _inverse_rotation(angle, width, height)
    grid_cells = [
        GridCell(row, col, row_span, col_span, _page_box(
            back, (rules_v[col], rules_h[row], rules_v[col + col_span], rules_h[row + row_span]),
            width, height))
        for row, col, row_span, col_span in cells
    ]
    box = _page_box(back, (rules_v[0], rules_h[0], rules_v[-1], rules_h[-1]), width, height)
    return TableGrid(box, len(rules_h) - 1, len(rules_v) - 1, grid_cells, list(rules_h),
                     list(rules_v), angle, (width, height), rule_px)


def _inverse_rotation(angle: float, width: int, height: int) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)
    return cv2.invertAffineTransform(matrix)


def _page_box(back: np.ndarray, rect: tuple[int, int, int, int], width: int, height: int) -> Box:
    """The upright page box around a deskewed rectangle turned back onto the page."""
    left, top, right, bottom = rect
    corners = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], np.float64)
    moved = corners @ back[:, :2].T + back[:, 2]
    x0 = max(0, int(math.floor(moved[:, 0].min())))
    y0 = max(0, int(math.floor(moved[:, 1].min())))
    x1 = min(width, int(math.ceil(moved[:, 0].max())))
    y1 = min(height, int(math.ceil(moved[:, 1].max())))
    return Box(left=x0, top=y0, width=max(0, x1 - x0), height=max(0, y1 - y0))


# -- reading ----------------------------------------------------------------------------------

@dataclass
class _Word:
    text: str
    conf: float  # Tesseract's 0..100, -1 when it gives none
    box: tuple[int, int, int, int]  # left, top, right, bottom in the crop's pixels


@dataclass
class _Crop:
    index: int  # into grid.cells
    image: np.ndarray  # gray, rules and specks cut away, text brought to TEXT_HEIGHT_PX
    lines: int  # text lines seen in it
    words: list[_Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def read_table(gray: np.ndarray, grid: TableGrid, lang: str, page_number: int) -> Table:
    """OCR every cell of `grid` on its own; a Table with page-local rows and columns."""
    crops = _crops(_as_gray(gray), grid)
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
            confidence=round(_mean_confidence(words), 2) if words else None,
        ))
    table = Table(n_rows=grid.n_rows, n_cols=grid.n_cols, cells=cells, box=grid.box,
                  page=page_number)
    table.header_rows = guess_header_rows(table)
    return table


def _crops(gray: np.ndarray, grid: TableGrid) -> list[_Crop]:
    """Crops of the cells that have ink, text scaled to the size Tesseract reads best."""
    upright = _deskewed_table(gray, grid)
    origin_x, origin_y = grid.rules_v[0], grid.rules_h[0]
    crops: list[_Crop] = []
    for index, cell in enumerate(grid.cells):
        left = grid.rules_v[cell.col] - origin_x
        right = grid.rules_v[cell.col + cell.col_span] - origin_x
        top = grid.rules_h[cell.row] - origin_y
        bottom = grid.rules_h[cell.row + cell.row_span] - origin_y
        crop = _cell_crop(upright, (left, top, right, bottom), grid.rule_px, dpi_hint(grid))
        if crop is not None:
            crops.append(_Crop(index, crop, _count_lines(crop)))
    scale = _text_scale([crop.image for crop in crops])
    if scale > 1:
        for crop in crops:
            crop.image = cv2.resize(crop.image, None, fx=scale, fy=scale,
                                    interpolation=cv2.INTER_CUBIC)
    return crops


def dpi_hint(grid: TableGrid) -> float:
    """The page's resolution if it is A4 (or A4 landscape), from its short side: sizes of
    specks and full stops are judged in millimetres."""
    short = min(grid.page_size) if min(grid.page_size) > 0 else 2480
    return short / (210 / 25.4)


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
    paper = int(np.median(gray[:: 8, :: 8]))
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=paper)


def _cell_crop(
    upright: np.ndarray, rect: tuple[int, int, int, int], rule_px: int, dpi: float
) -> np.ndarray | None:
    """The inside of a cell without its rules, specks or rule remains, paper made white; None
    when there is no ink in it."""
    left, top, right, bottom = rect
    inset = rule_px // 2 + 3  # positions are rule centres; 3 px more for blur and double rules
    crop = upright[top + inset:bottom - inset + 1, left + inset:right - inset + 1]
    if crop.shape[0] < 5 or crop.shape[1] < 5:
        return None
    ink = _drop_specks(_clear_edge_rules(binarize_cell(crop)), dpi)
    if ink.mean() / 255 < MIN_INK_FRACTION:
        return None
    # Letters keep their grey edges (what Tesseract was trained on); the rest becomes paper.
    near_ink = cv2.dilate(ink, np.ones((3, 3), np.uint8)) > 0
    clean = np.where(near_ink, crop, 255).astype(np.uint8)
    # Blank paper left and right of the text only costs Tesseract time (it works on every
    # pixel of the stack, ~0.02 s per megapixel): keep a millimetre of it.
    columns = np.nonzero(near_ink.any(axis=0))[0]
    pad = max(4, round(dpi / 25.4))
    return clean[:, max(0, columns[0] - pad):columns[-1] + 1 + pad]


def _drop_specks(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Removes dust: blobs smaller than a tenth of a millimetre square, and blobs up to the size
    of a full stop that stand alone (a full stop or a diacritic sits next to a letter)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return ink
    px_mm = dpi / 25.4
    tiny = (0.13 * px_mm) ** 2
    dot = (0.4 * px_mm) ** 2
    reach = max(3, round(0.8 * px_mm))
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


def binarize_cell(crop: np.ndarray) -> np.ndarray:
    """Ink of a cell crop (255 on 0): Otsu on the crop, kept only where it is clearly darker
    than the paper, so that a blank cell's noise is not taken for ink."""
    blurred = cv2.GaussianBlur(crop, (3, 3), 0)
    paper = float(np.percentile(blurred, 90))
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dark = (blurred < paper - 60).astype(np.uint8) * 255
    return cv2.bitwise_and(otsu, dark)


def _clear_edge_rules(ink: np.ndarray) -> np.ndarray:
    """Whitens rows and columns within a few pixels of the crop edge that are mostly ink."""
    ink = ink.copy()
    height, width = ink.shape
    edge = 4
    for y in [*range(min(edge, height)), *range(max(0, height - edge), height)]:
        if ink[y].mean() / 255 > 0.5:
            ink[y] = 0
    for x in [*range(min(edge, width)), *range(max(0, width - edge), width)]:
        if ink[:, x].mean() / 255 > 0.5:
            ink[:, x] = 0
    return ink


def _text_scale(images: list[np.ndarray]) -> float:
    """The factor that brings the text to the size Tesseract reads best (capitals ~33 px tall, 12
    pt at 300 dpi): small text from low-resolution scans loses full stops and diacritics."""
    heights: list[int] = []
    for image in images:
        _, _, stats, _ = cv2.connectedComponentsWithStats(binarize_cell(image), connectivity=8)
        heights.extend(int(h) for h in stats[1:, cv2.CC_STAT_HEIGHT])
    if len(heights) < 5:
        return 1.0
    tall = float(np.percentile(heights, 75))  # capitals, ascenders, digits; not marks or dots
    scale = TEXT_HEIGHT_PX / max(tall, 1.0)
    return min(scale, 3.0) if scale >= 1.15 else 1.0


def _count_lines(crop: np.ndarray) -> int:
    ink = binarize_cell(crop) > 0
    rows = ink.any(axis=1)
    starts = np.count_nonzero(rows[1:] & ~rows[:-1]) + int(rows[0])
    return max(1, starts)


def _read_stacked(crops: list[_Crop], grid: TableGrid, lang: str) -> None:
    """Per column, the column's cell crops one under the other; all the columns' stacks read
    with one loaded model (each stack as on its own)."""
    by_col: dict[int, list[_Crop]] = {}
    for crop in crops:
        by_col.setdefault(grid.cells[crop.index].col, []).append(crop)
    stacks = [_stack([crop.image for crop in column]) for column in by_col.values()]
    readings = external.tesseract_data_many(
        [_for_tesseract(image) for image, _ in stacks], lang, psm=6)
    for column, (_, offsets), data in zip(by_col.values(), stacks, readings, strict=True):
        for crop, words in zip(column, _words_by_band(data, offsets), strict=True):
            crop.words = words


def _for_tesseract(image: np.ndarray) -> Image.Image:
    """The image as handed to `external`. (Should pytesseract ever write it itself: as BMP,
    since its default, PNG, spends more time compressing a stack of cells than Tesseract
    spends loading it, ~0.4 s a page.)"""
    out = Image.fromarray(image)
    out.format = "BMP"
    return out


def _stack(images: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Images one under the other on white, half a cell's height between them; the (x, top,
    bottom) each occupies."""
    heights = [image.shape[0] for image in images]
    gap = max(20, int(np.median(heights) // 2))
    width = max(image.shape[1] for image in images) + 2 * gap
    total = sum(heights) + gap * (len(images) + 1)
    canvas = np.full((total, width), 255, np.uint8)
    offsets = []
    y = gap
    for image in images:
        canvas[y:y + image.shape[0], gap:gap + image.shape[1]] = image
        offsets.append((gap, y, y + image.shape[0]))
        y += image.shape[0] + gap
    return canvas, offsets


def _words_by_band(
    data: dict[str, list], offsets: list[tuple[int, int, int]]
) -> list[list[_Word]]:
    """Tesseract's words in reading order, each given to the image whose band holds its centre,
    with its box in that image's pixels."""
    out: list[list[_Word]] = [[] for _ in offsets]
    starts = [top for _, top, _ in offsets]
    for i, level in enumerate(data["level"]):
        text = unicodedata.normalize("NFC", str(data["text"][i]).strip())
        if int(level) != 5 or not text:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        right, bottom = left + int(data["width"][i]), top + int(data["height"][i])
        index = max(0, int(np.searchsorted(starts, (top + bottom) / 2, side="right")) - 1)
        x0, y0, _ = offsets[index]
        out[index].append(_Word(text, float(data["conf"][i]),
                                (left - x0, top - y0, right - x0, bottom - y0)))
    return out


def _reread_doubtful(crops: list[_Crop], grid: TableGrid, lang: str) -> None:
    """Second looks. In a stack Tesseract sometimes drops a line or a word (a bold, blurred
    heading taken for noise next to plain text): a cell whose ink is not all under its words,
    that came back empty, or was read with low confidence is read again alone and the better
    reading kept. Number cells of the TT column get their full stops checked against the shapes
    (see repair_number). The cells read again share one loaded model, each image read on its
    own, all with psm 6: psm 7 for one-line cells gave the same bench figures and, without
    libtesseract, would cost a second run of the program (~0.1 s)."""
    number_cols = _number_columns(crops, grid)
    doubtful = [crop for crop in crops
                if not crop.words or min(word.conf for word in crop.words) < LOW_CONFIDENCE
                or _uncovered_ink(crop.image, crop.words) > UNCOVERED_INK]
    _read_alone(doubtful, lang)
    _repair_number_cells([
        crop for crop in crops
        if grid.cells[crop.index].col in number_cols and grid.cells[crop.index].col_span == 1
        and crop.words
    ], lang)


def _read_alone(crops: list[_Crop], lang: str, psm: int = 6) -> None:
    """Reads each crop by itself (all of them with one loaded model) and keeps that reading
    unless it leaves more of the ink unread: alone, Tesseract sees the cell as the design notes
    measured it (cell CER 1.0%); its confidences do not tell the better of two readings apart
    ("[H/2026" at 70 in a stack, "III/2026" at 65 alone)."""
    if not crops:
        return
    stacks = [_stack([crop.image]) for crop in crops]
    readings = external.tesseract_data_many(
        [_for_tesseract(image) for image, _ in stacks], lang, psm=psm)
    for crop, (_, offsets), data in zip(crops, stacks, readings, strict=True):
        words = _words_by_band(data, offsets)[0]
        if words and (not crop.words or _uncovered_ink(crop.image, words)
                      <= _uncovered_ink(crop.image, crop.words) + 0.02):
            crop.words = words


def _uncovered_ink(image: np.ndarray, words: list[_Word]) -> float:
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
    tall = float(np.percentile(heights, 75))
    total = missed = 0
    margin = max(2, round(tall * 0.3))
    for label in range(1, count):
        left, top, width, height, area = (int(v) for v in stats[label])
        if height < 0.4 * tall:
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


def _repair_number_cells(crops: list[_Crop], lang: str) -> None:
    """Puts back the full stop of "2.1" read as "21". When the dot stands apart from the digits
    the shapes tell where it goes; when blur has fused it with a digit, the cell is read again
    with the digits-only English model (better at numbers than the Vietnamese one) and that
    reading is taken if it has the same digits. Those second reads share one loaded model."""
    fixes: dict[int, str] = {}
    unsettled: list[_Crop] = []
    for number, crop in enumerate(crops):
        fixed = repair_number(crop.text, crop.image)
        if fixed is not None:
            fixes[number] = fixed
        elif len(_digits_of(crop.text) or "") >= 2:
            unsettled.append(crop)
        else:
            fixes[number] = crop.text
    alternatives = dict(zip(map(id, unsettled), _read_digits(unsettled, lang), strict=True))
    for number, crop in enumerate(crops):
        text = crop.text
        if number in fixes:
            fixed = fixes[number]
        else:
            alt = alternatives.get(id(crop), "")
            fixed = alt if alt and _digits_of(alt) == (_digits_of(text) or "") else text
        if fixed != text:
            crop.words = [_Word(fixed, _mean_confidence(crop.words), _union_box(crop.words))]


def _read_digits(crops: list[_Crop], lang: str) -> list[str]:
    if not crops:
        return []
    model = "eng" if "eng" in external.tesseract_languages() else lang
    stacks = [_stack([crop.image]) for crop in crops]
    readings = external.tesseract_data_many(
        [_for_tesseract(image) for image, _ in stacks], model, psm=7, config=DIGIT_WHITELIST)
    return ["".join(word.text for word in _words_by_band(data, offsets)[0])
            for (_, offsets), data in zip(stacks, readings, strict=True)]


def _digits_of(text: str) -> str | None:
    """The digits of a TT-cell reading, look-alikes of 1 made 1; None when it is not one."""
    compact = text.replace(" ", "")
    if not compact or not any(ch.isdigit() for ch in compact):
        return None
    digits = digit_ones(compact.replace(".", ""))
    return digits if digits.isdigit() else None


def _union_box(words: list[_Word]) -> tuple[int, int, int, int]:
    return (min(w.box[0] for w in words), min(w.box[1] for w in words),
            max(w.box[2] for w in words), max(w.box[3] for w in words))


def _mean_confidence(words: list[_Word]) -> float:
    values = [word.conf for word in words if word.conf >= 0]
    return sum(values) / len(values) if values else 0.0


def repair_number(text: str, image: np.ndarray) -> str | None:
    """A TT-column number as printed, from its reading and its shapes: look-alikes of 1 ("l",
    "I", "]") read among digits become 1, and full stops that stand as separate dots on the
    baseline between two digits are put where they stand. A full stop that was read is kept.
    None when the shapes cannot settle it: several digits, no dot read and none seen apart
    (blur may have fused it with a digit)."""
    digits = _digits_of(text)
    if digits is None:
        return text
    mapped = digit_ones(text.replace(" ", ""))
    glyphs, dots = _number_shapes(image)
    if len(glyphs) == len(digits) and dots:
        out = []
        for index, digit in enumerate(digits):
            out.append(digit)
            if index + 1 < len(glyphs) and any(
                glyphs[index][1] - 1 <= dot <= glyphs[index + 1][0] + 1 for dot in dots
            ):
                out.append(".")
        if mapped.endswith("."):
            out.append(".")  # "1." as printed: a trailing dot is not between glyphs
        return "".join(out)
    if "." in mapped or len(digits) < 2:
        return mapped
    return None


def _number_shapes(image: np.ndarray) -> tuple[list[tuple[int, int]], list[float]]:
    """Glyph x-extents (left, right) of the tall shapes, left to right, and the x-centres of
    the dots sitting on their baseline."""
    ink = binarize_cell(image)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return [], []
    boxes = [tuple(int(v) for v in stats[label, :4]) for label in range(1, count)]
    tallest = max(h for _, _, _, h in boxes)
    tall = sorted((x, x + w, y + h) for x, y, w, h in boxes if h >= 0.6 * tallest)
    glyphs: list[list[int]] = []
    for left, right, _ in tall:  # broken strokes of one digit overlap in x
        if glyphs and left < glyphs[-1][1] - 0.5 * (right - left):
            glyphs[-1][1] = max(glyphs[-1][1], right)
        else:
            glyphs.append([left, right])
    baseline = float(np.median([bottom for _, _, bottom in tall]))
    dots = [x + w / 2 for x, y, w, h in boxes
            if h <= 0.35 * tallest and w <= 0.5 * tallest
            and abs(y + h - baseline) <= 0.2 * tallest]
    return [(a, b) for a, b in glyphs], dots


def _number_columns(crops: list[_Crop], grid: TableGrid) -> set[int]:
    """Columns whose read cells are mostly numbers such as "1", "1.1", "II" (the TT column)."""
    seen: dict[int, list[bool]] = {}
    for crop in crops:
        if grid.cells[crop.index].col_span != 1 or not crop.words:
            continue
        seen.setdefault(grid.cells[crop.index].col, []).append(bool(NUMBER_LIKE.match(crop.text)))
    return {col for col, flags in seen.items() if len(flags) >= 2 and np.mean(flags) >= 0.6}


def guess_header_rows(table: Table) -> int:
    """1 when the first row reads like column headings above numbered rows: every column its own
    cell, none of them a number, and the first column of later rows numbered."""
    first = [c for c in table.cells if c.row == 0]
    if table.n_rows < 2 or len(first) != table.n_cols or any(c.row_span > 1 for c in first):
        return 0
    if any(NUMBER_CELL.match(c.text) for c in first) or sum(bool(c.text) for c in first) < 2:
        return 0
    later = [c for c in table.cells if c.col == 0 and c.row > 0 and c.text]
    return 1 if later and any(NUMBER_CELL.match(c.text) for c in later) else 0


def row_texts(table: Table) -> list[str]:
    """One text line per table row: its cells' texts left to right, joined by spaces (the gold
    convention of pipeline.synth); a cell spanning rows is given with its first row."""
    rows: list[list[Cell]] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    return [" ".join(c.text for c in sorted(row, key=lambda c: c.col) if c.text) for row in rows]


# -- continuation over page breaks ------------------------------------------------------------

def link_continued_tables(pages: list[Page]) -> None:
    """Marks a page's first table `continued` when it carries on the previous page's last table,
    and sets its `header_rows` to the header rows it repeats. Call it with the pages of one
    document (any order) once their tables, and if possible their other lines, are in; a gap in
    the page numbers breaks the chain."""
    ordered = sorted(pages, key=lambda page: page.number)
    heads: dict[int, Table] = {}  # id of a table part -> the first part of its table
    for previous, page in zip(ordered, ordered[1:], strict=False):
        if page.number != previous.number + 1 or not previous.tables or not page.tables:
            continue
        before, after = previous.tables[-1], page.tables[0]
        if not _continues(previous, before, page, after):
            continue
        head = heads.get(id(before), before)
        heads[id(after)] = head
        after.continued = True
        after.header_rows = _repeated_header_rows(head, after)


def _continues(previous: Page, before: Table, page: Page, after: Table) -> bool:
    if before.n_cols != after.n_cols or before.box is None or after.box is None:
        return False
    if not _same_columns(before, after):
        return False
    return _ends_page(previous, before) and _starts_page(page, after)


def _ends_page(page: Page, table: Table) -> bool:
    bottom = table.box.top + table.box.height
    below = [line for line in _free_lines(page) if line.box.top >= bottom]
    if below:
        return False
    return page.height is None or bottom >= page.height * 0.6


def _starts_page(page: Page, table: Table) -> bool:
    above = [line for line in _free_lines(page)
             if line.box.top + line.box.height <= table.box.top]
    if above:
        return False
    return page.height is None or table.box.top <= page.height * 0.4


def _free_lines(page: Page) -> list[Line]:
    """Lines with text outside every table of the page, page numbers left out."""
    out = []
    for line in page.lines:
        if line.box is None or not line.text.strip() or PAGE_NUMBER.match(line.text):
            continue
        if any(_inside(line.box, table.box) for table in page.tables if table.box):
            continue
        out.append(line)
    return out


def _inside(inner: Box, outer: Box) -> bool:
    cx = inner.left + inner.width / 2
    cy = inner.top + inner.height / 2
    return (outer.left <= cx <= outer.left + outer.width
            and outer.top <= cy <= outer.top + outer.height)


def _same_columns(before: Table, after: Table) -> bool:
    """Column borders at the same fractions of the table width (within 8%), when known."""
    a, b = _column_fractions(before), _column_fractions(after)
    if a is None or b is None:
        return True
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 0.08


def _column_fractions(table: Table) -> list[float] | None:
    edges: dict[int, int] = {}
    for cell in table.cells:
        if cell.col_span == 1 and cell.box is not None:
            edges.setdefault(cell.col, cell.box.left)
    if len(edges) != table.n_cols or table.box is None or table.box.width <= 0:
        return None
    return [(edges[col] - table.box.left) / table.box.width for col in range(table.n_cols)]


def _repeated_header_rows(head: Table, part: Table) -> int:
    """How many of `part`'s first rows repeat `head`'s header rows. When the header was not
    recognised on the first page, a first row printed again on the next page is one."""
    rows = max(head.header_rows, 1)
    for row in range(rows):
        expected = _row_text(head, row)
        if not expected or fuzz.ratio(expected, _row_text(part, row)) < HEADER_MATCH:
            return 0
    head.header_rows = rows
    return rows


def _row_text(table: Table, row: int) -> str:
    cells = sorted((c for c in table.cells if c.row == row), key=lambda c: c.col)
    return " ".join(c.text for c in cells).casefold()

"""Finding ruled tables: the grid of rules on a page, its rows, columns and spanning cells.

The page is binarised; opening with long thin kernels keeps only the rules. A look at half size
finds the groups of rules and the skew (on the horizontal rules); only the windows around those
groups are then searched at full size, turned upright before the grid is built, so a page askew
by 2 degrees gives the same grid as a straight one. Rule candidates are kept only when they run
the whole length of at least one cell side (letters do not), and neighbouring grid slots without
a rule between them are merged into spanning cells (the group rows whose title spans columns
2-6, row spans alike).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.model import Box
from pipeline.ocr.tables.sizes import as_gray, page_px

# Rule kernels (sizes in mm on A4; sizes.page_px). Horizontal rules are at least one narrow
# column wide (the TT column is ~10 mm), vertical rules at least one single-line row high
# (~7 mm); the tallest letter stroke is ~4 mm. (As fractions of A4's short side: 1/35, 1/45.)
H_RULE_MIN_MM = 6
V_RULE_MIN_MM = 14 / 3  # 4.7 mm
MIN_KERNEL_PX = 15  # kernels on small pages: still longer than a letter's stroke
# Breaks in a rule left by noise and JPEG blocks are bridged: a closing BRIDGE_CLOSING times
# 0.525 mm long (1/400 of A4's short side) along the rule.
BRIDGE_MM = 0.525
MIN_BRIDGE_PX = 3
BRIDGE_CLOSING = 4
# Ink is thickened this many pixels across each rule direction before the opening, so that a
# rule drifting a pixel over the kernel's length (skew) still holds a full run: 3 px keeps the
# residual skew of an upright window; 5 at half size (7 px at full) keeps a 2-degree rule.
ACROSS_PX = 3
ACROSS_HALF_PX = 5
JOIN_PX = 5  # rules this close are one group (one table)
# A rule candidate is real when it covers this much of at least one cell side.
SIDE_COVERAGE = 0.75
# A table is at least this wide and high (a single-line row is ~7 mm) and has 2x2 cells, or is
# one row of 3 or more cells at least 84 mm wide (40% of A4's short side): the last row of a
# table carried over to the next page. (As fractions of the short side: 0.08, 0.025, 0.4.)
MIN_TABLE_WIDTH_MM = 16.8
MIN_TABLE_HEIGHT_MM = 5.25
MIN_ROWS = 2
MIN_COLS = 2
MIN_STRIP_COLS = 3
MIN_STRIP_WIDTH_MM = 84
# Skew below this (degrees) is left alone: turning the page would only blur it.
MIN_SKEW_DEG = 0.05
MAX_SKEW_DEG = 5.0
# Rules measured for the skew: at least 42 mm long (a fifth of A4's short side), their box no
# taller than a 0.1 slope (5.7 degrees) over their length plus their thickness; at least 20
# columns of ink to fit a line through.
SKEW_RULE_MIN_MM = 42
RULE_MAX_SLOPE = 0.1
RULE_MAX_THICKNESS_PX = 20
MIN_SLOPE_COLUMNS = 20
# The full-size rule search looks this far around the groups of rules seen at half size: what
# the half-size look shifted, and a 5-degree turn of the window (2% of A4's short side).
WINDOW_MARGIN_MM = 4.2
MIN_WINDOW_MARGIN_PX = 16
# Adaptive binarisation: a block larger than a letter (1/80 of A4's short side), so that
# letters' insides stay paper; ink is this much darker than the block's mean.
BINARIZE_BLOCK_MM = 2.625
MIN_BINARIZE_BLOCK_PX = 15
BINARIZE_OFFSET = 15
BLUR_PX = 3
PAPER_SAMPLE_STEP = 8  # every 8th pixel each way is enough for the paper's median tone
# Runs of rule ink closer than 0.84 mm are one rule (a border drawn twice, once by each
# neighbouring cell); a rule is looked for within 0.35 mm of its position along a cell side.
RULE_MERGE_MM = 0.84
MIN_RULE_MERGE_PX = 4
RULE_BAND_MM = 0.35
MIN_RULE_BAND_PX = 2
RULE_PROFILE_MIN = 0.02  # share of a row (column) of the mask that is rule ink
# A rule's thickness: the rows within 15 px of it that are more than 30% rule ink.
THICKNESS_REACH_PX = 15
THICKNESS_ROW_INK = 0.3
DEFAULT_RULE_PX = 2


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
    rule_px: int = DEFAULT_RULE_PX  # typical rule thickness, for cropping inside the rules


def detect_tables(gray: np.ndarray) -> list[TableGrid]:
    """Ruled tables on an upright page (gray uint8, skew up to a few degrees), top to bottom."""
    gray = as_gray(gray)
    short = min(gray.shape)
    # First a quick look at half size that tolerates skew: most pages have no group of
    # crossing rules and stop here, at a tenth of the cost of a Tesseract page.
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    block = _binarize_block(short)
    h_mask, v_mask = rule_masks(binarize(half, _binarize_block(short // 2)), short // 2,
                                across=ACROSS_HALF_PX)
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
    margin = max(MIN_WINDOW_MARGIN_PX, round(page_px(WINDOW_MARGIN_MM, short)))
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
    paper = int(np.median(gray[::PAPER_SAMPLE_STEP, ::PAPER_SAMPLE_STEP]))
    return cv2.warpAffine(gray, matrix, (right - left, bottom - top), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=paper)


def binarize(gray: np.ndarray, block: int | None = None) -> np.ndarray:
    """Ink as 255 on 0. Adaptive, because scans have uneven paper tone; the block is larger than
    a letter so that letters' insides stay paper (`block`: its size for a part of a page, which
    must be the whole page's)."""
    block = _binarize_block(min(gray.shape)) if block is None else block
    smooth = cv2.GaussianBlur(gray, (BLUR_PX, BLUR_PX), 0)
    return cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, BINARIZE_OFFSET
    )


def _binarize_block(short: int) -> int:
    return max(MIN_BINARIZE_BLOCK_PX, int(page_px(BINARIZE_BLOCK_MM, short)) | 1)


def estimate_skew(h_mask: np.ndarray, short: int) -> float:
    """Skew in degrees from the long horizontal rules (the turn that makes them level); 0 when
    there are none or the angle is implausible."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(h_mask, connectivity=8)
    min_width = page_px(SKEW_RULE_MIN_MM, short)
    angles, weights = [], []
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if width < min_width or height > width * RULE_MAX_SLOPE + RULE_MAX_THICKNESS_PX:
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
    if len(columns) < MIN_SLOPE_COLUMNS:
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


def rule_masks(ink: np.ndarray, short: int, across: int = ACROSS_PX
               ) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical rules: openings with long thin kernels, then a short closing
    along the rule to bridge breaks left by noise and JPEG blocks. The ink is first thickened
    `across` pixels across each rule direction, so that a rule that drifts a pixel (skew) over
    the kernel's length still holds a full run: 7 px keeps a 2-degree rule, 3 px residual skew."""
    h_len = max(MIN_KERNEL_PX, round(page_px(H_RULE_MIN_MM, short)))
    v_len = max(MIN_KERNEL_PX, round(page_px(V_RULE_MIN_MM, short)))
    bridge = max(MIN_BRIDGE_PX, round(page_px(BRIDGE_MM, short)))
    h_src = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (1, across)))
    v_src = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1)))
    h_mask = cv2.morphologyEx(h_src, cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    v_mask = cv2.morphologyEx(v_src, cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    closing = bridge * BRIDGE_CLOSING
    h_mask = cv2.morphologyEx(h_mask, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (closing, 1)))
    v_mask = cv2.morphologyEx(v_mask, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (1, closing)))
    return h_mask, v_mask


def table_regions(h_mask: np.ndarray, v_mask: np.ndarray, short: int) -> list[tuple[int, ...]]:
    """Boxes (left, top, right, bottom) of connected groups of rules big enough for a table."""
    joined = cv2.dilate(cv2.bitwise_or(h_mask, v_mask),
                        cv2.getStructuringElement(cv2.MORPH_RECT, (JOIN_PX, JOIN_PX)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    regions = []
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if (width >= page_px(MIN_TABLE_WIDTH_MM, short)
                and height >= page_px(MIN_TABLE_HEIGHT_MM, short)):
            regions.append((left, top, left + width, top + height))
    return regions


def build_grid(
    h_mask: np.ndarray, v_mask: np.ndarray, region: tuple[int, ...], short: int
) -> tuple[list[int], list[int], list[tuple[int, int, int, int]], int] | None:
    """Rule positions and cells (row, col, row_span, col_span) of the table in `region`."""
    left, top, right, bottom = region
    h_part = h_mask[top:bottom, left:right] > 0
    v_part = v_mask[top:bottom, left:right] > 0
    merge = max(MIN_RULE_MERGE_PX, round(page_px(RULE_MERGE_MM, short)))
    ys = _rule_positions(h_part.mean(axis=1), merge)
    xs = _rule_positions(v_part.mean(axis=0), merge)
    band = max(MIN_RULE_BAND_PX, round(page_px(RULE_BAND_MM, short)))
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
    rule_px = max(1, _rule_thickness(h_part, ys) - (ACROSS_PX - 1))  # the mask was thickened
    return [y + top for y in ys], [x + left for x in xs], cells, rule_px


def _big_enough(rows: int, cols: int, width: int, short: int) -> bool:
    """A table, not a framed line or a box: 2x2 cells, or one wide row of 3 or more cells."""
    if rows >= MIN_ROWS and cols >= MIN_COLS:
        return True
    return rows == 1 and cols >= MIN_STRIP_COLS and width >= page_px(MIN_STRIP_WIDTH_MM, short)


def _rule_positions(profile: np.ndarray, merge: int) -> list[int]:
    """Centres of runs of rule ink in a projection profile; runs closer than `merge` pixels are
    one rule (a cell border drawn twice, once by each neighbour, is two touching lines)."""
    on = np.nonzero(profile > RULE_PROFILE_MIN)[0]
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
        column = part[max(0, y - THICKNESS_REACH_PX):y + THICKNESS_REACH_PX + 1].mean(axis=1)
        column = column > THICKNESS_ROW_INK
        thickness.append(int(column.sum()))
    return max(1, int(np.median(thickness))) if thickness else DEFAULT_RULE_PX


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

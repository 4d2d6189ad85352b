"""Photos of a page: find the sheet's outline and look at it straight (OpenCV).

A page photographed at an angle is a quadrilateral whose lines converge; Tesseract, which
expects level lines, reads next to nothing of it (measured: 0.02 syllable accuracy on such a
real page, 0.79 once flattened). The outline is found
- from the image's transparency when the photo was cut out (the page opaque, the rest clear);
- otherwise as the paper: the largest bright region of the image, when the image also shows
  some background around it (a scan or a rendered page fills its image: nothing to do).
The quadrilateral is mapped onto a rectangle of the sheet's own proportions.
"""

from __future__ import annotations

import cv2
import numpy as np

# The outline must cover this share of the image, at least (smaller: not the page) and at most
# (more: the page fills the image, a scan; deskewing is enough).
MIN_PAGE_SHARE = 0.25
MAX_PAGE_SHARE = 0.93
# A quadrilateral whose corners are all within this share of the image's diagonal of the
# corners of an upright rectangle is only skewed a little: left to deskewing.
MIN_CORNER_SHIFT = 0.02
# Outline search works on the image shrunk to this width.
WORK_WIDTH = 800
# The polygon fitted to the outline may stray this share of its perimeter from it.
APPROX_TOLERANCE = 0.02
# Each edge is refitted to the outline's points within this share of the image's diagonal
# of it, leaving out this share of its length at either corner (rounded, torn corners), from
# at least this many points.
EDGE_BAND = 0.02
EDGE_CORNER_SKIP = 0.1
MIN_EDGE_POINTS = 10


def find_page_quad(gray: np.ndarray, page_mask: np.ndarray | None) -> np.ndarray | None:
    """The page's four corners (top-left, top-right, bottom-right, bottom-left; float32, image
    pixels) when the image is a photo of a page at an angle, else None."""
    region = page_mask if page_mask is not None else _paper_region(gray)
    if region is None:
        return None
    scale = min(1.0, WORK_WIDTH / region.shape[1])
    small = cv2.resize(region.astype(np.uint8) * 255, None, fx=scale, fy=scale,
                       interpolation=cv2.INTER_NEAREST) if scale < 1 else \
        region.astype(np.uint8) * 255
    contours, _ = cv2.findContours(small, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(outline) / (small.shape[0] * small.shape[1])
    if not MIN_PAGE_SHARE <= share <= MAX_PAGE_SHARE:
        return None
    quad = _four_corners(outline)
    if quad is None:
        return None
    quad = _ordered(quad / scale)
    if _nearly_upright(quad, gray.shape):
        return None
    crisp = page_mask if page_mask is not None else gray > _otsu_level(gray)
    return _fitted_to_edges(quad, crisp)


def flatten_matrix(quad: np.ndarray, scale: float = 1.0) -> tuple[np.ndarray, tuple[int, int]]:
    """The perspective matrix taking the quadrilateral `quad` of an image to an upright
    rectangle (scaled by `scale`), and that rectangle's (width, height)."""
    top = np.linalg.norm(quad[1] - quad[0])
    bottom = np.linalg.norm(quad[2] - quad[3])
    left = np.linalg.norm(quad[3] - quad[0])
    right = np.linalg.norm(quad[2] - quad[1])
    width, height = round(max(top, bottom) * scale), round(max(left, right) * scale)
    target = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    return cv2.getPerspectiveTransform(quad.astype(np.float32), target), (width, height)


def flatten(pixels: np.ndarray, quad: np.ndarray,
            scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The quadrilateral of `pixels` mapped onto an upright rectangle (scaled by `scale`),
    outside filled with white paper; and the perspective matrix that maps it."""
    matrix, (width, height) = flatten_matrix(quad, scale)
    fill = (255, 255, 255) if pixels.ndim == 3 else 255
    flat = cv2.warpPerspective(pixels, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    return flat, matrix


def _paper_region(gray: np.ndarray) -> np.ndarray | None:
    """The bright paper apart from a darker background, or None when the image has no
    background to tell it from (the paper's tone reaches every border)."""
    scale = min(1.0, WORK_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (0, 0), 3)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Text is dark on the paper: closing fills it in, so the paper is one region.
    size = max(5, small.shape[1] // 40)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    borders = np.concatenate([bright[0], bright[-1], bright[:, 0], bright[:, -1]])
    if np.mean(borders > 0) > 0.6:
        return None  # paper all round the edge: a scan, not a photo with background
    region = cv2.resize(bright, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    return region > 0


def _otsu_level(gray: np.ndarray) -> float:
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return level


def _fitted_to_edges(quad: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The corners moved to where the sheet's edges, fitted as lines to the full-resolution
    outline, meet: the outline found on a shrunk, blurred image is off by pixels, and on a
    small photo a few pixels change what is read (measured: 0.94 against 0.90 syllable
    accuracy on a 419 px wide page)."""
    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    if not contours:
        return quad
    points = max(contours, key=cv2.contourArea).reshape(-1, 2).astype(np.float32)
    band = EDGE_BAND * float(np.hypot(*region.shape))
    edges = []
    for start, end in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        side = end - start
        length = float(np.linalg.norm(side))
        along = (points - start) @ side / length**2
        away = np.abs(_cross(side, points - start)) / length
        near = points[(away < band) & (along > EDGE_CORNER_SKIP) & (along < 1 - EDGE_CORNER_SKIP)]
        if len(near) < MIN_EDGE_POINTS:
            return quad
        vx, vy, x0, y0 = cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        edges.append((np.float32([x0, y0]), np.float32([vx, vy])))
    corners = [_meeting_point(edges[i - 1], edges[i]) for i in range(4)]
    if any(corner is None for corner in corners):
        return quad
    fitted = np.float32(corners)
    return fitted if np.max(np.linalg.norm(fitted - quad, axis=1)) < band else quad


def _meeting_point(first, second) -> np.ndarray | None:
    (p, u), (q, v) = first, second
    across = float(_cross(u, v))
    if abs(across) < 1e-6:
        return None
    return p + u * float(_cross(q - p, v)) / across


def _four_corners(outline: np.ndarray) -> np.ndarray | None:
    """The outline simplified to a quadrilateral, or None when it is not one."""
    perimeter = cv2.arcLength(outline, True)
    for tolerance in (APPROX_TOLERANCE, APPROX_TOLERANCE * 2, APPROX_TOLERANCE * 3):
        polygon = cv2.approxPolyDP(outline, tolerance * perimeter, True)
        if len(polygon) == 4 and cv2.isContourConvex(polygon):
            return polygon.reshape(4, 2).astype(np.float32)
    return None


def _ordered(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    sums, diffs = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    return np.float32([quad[np.argmin(sums)], quad[np.argmin(diffs)], quad[np.argmax(sums)],
                       quad[np.argmax(diffs)]])


def _nearly_upright(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """True when the quadrilateral is an upright rectangle but for a little skew."""
    xs, ys = quad[:, 0], quad[:, 1]
    box = np.float32([[xs.min(), ys.min()], [xs.max(), ys.min()], [xs.max(), ys.max()],
                      [xs.min(), ys.max()]])
    diagonal = float(np.hypot(shape[0], shape[1]))
    return float(np.max(np.linalg.norm(quad - box, axis=1))) < MIN_CORNER_SHIFT * diagonal


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The z of the cross product of 2-D vectors (numpy 2 deprecates np.cross on them)."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]

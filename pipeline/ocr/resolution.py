"""The resolution a page is read at, from the size of its text rather than the dpi it claims.

Tesseract reads best when letters have a certain size in pixels; a dpi tag says nothing
reliable about that (phone photos say 72, web copies say nothing, a fax says 200 and a
screenshot 96). So the body text is measured: the median height of the page's ink shapes
(letters, or letters fused with their marks at low resolution). On real scans at 300 dpi it is
26-28 px; on web copies and 100 dpi scans 9-11 px. Pages whose text is small are upscaled to
TARGET_TEXT_PX, pages whose text is very large (600 dpi scans, huge images) scaled down to it,
and the rest are left as they are: every resampling blurs a little.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# Median ink-shape height (px) pages are brought to when their text is outside GOOD_TEXT_PX.
TARGET_TEXT_PX = 26.0
GOOD_TEXT_PX = (19.0, 48.0)
# What a 300 dpi scan of body text measures (median shape height): to turn a height into dpi.
REFERENCE_TEXT_PX_AT_300 = 27.0
MAX_UPSCALE = 5.0
# Fewer shapes than this is too little text to measure (a blank page, a photo of a seal).
MIN_SHAPES = 40
# Text is measured on at most this many pixels (a big page is shrunk by a whole factor first).
MEASURE_MAX_PIXELS = 16_000_000
# A claimed dpi this far (factor) from what the text says is ignored.
DPI_TAG_TOLERANCE = 1.5


def text_height(gray: np.ndarray) -> float | None:
    """Median height (px) of the page's letter-sized ink shapes; None with too little text."""
    factor = max(1, math.ceil(math.sqrt(gray.size / MEASURE_MAX_PIXELS)))
    small = gray[::factor, ::factor] if factor > 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    # Letters: at least 3 px tall, not a rule (wide) nor a column of table lines (very tall).
    letters = (heights >= 3) & (widths >= 2) & (widths <= 3 * heights) \
        & (heights <= small.shape[0] / 15)
    if int(letters.sum()) < MIN_SHAPES:
        return None
    return float(np.median(heights[letters])) * factor


def dpi_of_text(height: float) -> float:
    """The resolution at which body text of a usual size (13-14 pt) is `height` px tall."""
    return 300.0 * height / REFERENCE_TEXT_PX_AT_300


def ocr_scale(height: float | None, claimed_dpi: float | None, forced_dpi: float | None,
              pixels: int, max_pixels: int) -> tuple[float, float, list[str]]:
    """(scale to apply, the page's resolution after it, notes) for a page of `pixels` pixels."""
    notes: list[str] = []
    if forced_dpi:
        scale, source_dpi = 300.0 / forced_dpi, forced_dpi
        notes.append(f"image dpi {forced_dpi:g} given: resampled to 300")
    elif height is None:
        source_dpi = claimed_dpi or 300.0
        scale = 300.0 / source_dpi if claimed_dpi else 1.0
        notes.append("too little text to measure: " + (
            f"dpi tag {claimed_dpi:g} used" if claimed_dpi else "read as it is"))
    else:
        measured = dpi_of_text(height)
        low, high = GOOD_TEXT_PX
        scale = 1.0 if low <= height <= high else min(TARGET_TEXT_PX / height, MAX_UPSCALE)
        if scale != 1.0:
            notes.append(f"text {height:.0f} px high: resampled {scale:.2f}x")
        trusted = claimed_dpi is not None and (
            1 / DPI_TAG_TOLERANCE <= claimed_dpi / measured <= DPI_TAG_TOLERANCE)
        if claimed_dpi and not trusted:
            notes.append(f"dpi tag {claimed_dpi:g} ignored: the text reads as "
                         f"~{measured:.0f} dpi")
        source_dpi = claimed_dpi if trusted else measured
    if pixels * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / pixels)
        notes.append(f"held to {max_pixels // 10**6} Mpx: resampled {scale:.2f}x")
    return scale, source_dpi * scale, notes


def resample(pixels: np.ndarray, scale: float) -> np.ndarray:
    """The page scaled by `scale` (area averaging down, cubic up)."""
    if abs(scale - 1.0) < 1e-3:
        return pixels
    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(pixels, size, interpolation=method)

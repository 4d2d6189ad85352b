"""Physical sizes on a table page, in pixels.

Sizes are named in millimetres and turned into pixels from the page's short side, taken as
A4's 210 mm (portrait or landscape): what the scans are. The conversion divides the short side
by a whole-page count (210 / mm), the arithmetic the detection used when its sizes were given
as fractions of the short side, so the pixel sizes are the same to the last rounding.
"""

from __future__ import annotations

import cv2
import numpy as np

A4_SHORT_MM = 210
MM_PER_INCH = 25.4
# The short side assumed for a page of unknown size: A4 at 300 dpi.
DEFAULT_SHORT_PX = 2480


def page_px(mm: float, short: int) -> float:
    """`mm` millimetres in pixels on a page whose short side is `short` pixels."""
    return short / (A4_SHORT_MM / mm)


def dpi_of(page_size: tuple[int, int]) -> float:
    """The page's resolution if it is A4 (or A4 landscape), from its short side (width,
    height); A4 at 300 dpi when the size is unknown."""
    short = min(page_size) if min(page_size) > 0 else DEFAULT_SHORT_PX
    return short / (A4_SHORT_MM / MM_PER_INCH)


def as_gray(image: np.ndarray) -> np.ndarray:
    """A page or crop as 8-bit gray."""
    array = np.asarray(image)
    if array.ndim == 3:
        array = cv2.cvtColor(array, cv2.COLOR_RGB2GRAY)
    return array.astype(np.uint8, copy=False)

"""A downscaled picture of a page as read, for the review page (NAME.review.html).

Made here, where the page image is at hand, from the very pixels the boxes of its words are
measured on (after normalising, turning and deskewing): a box in page pixels lands on the
preview at `Preview.scale` times its coordinates, with no other mapping to keep. A JPEG of at
most PREVIEW_LONG_SIDE pixels keeps a page at some 100-200 kB, small enough to embed in an
HTML file as a data: URI and still sharp enough to read the print.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from pipeline.model import Preview

PREVIEW_LONG_SIDE = 1200  # pixels: a full-screen page on a laptop, print still readable
PREVIEW_QUALITY = 70  # JPEG quality: scan grain costs bytes, not legibility, above this


def make_preview(pixels: np.ndarray, long_side: int = PREVIEW_LONG_SIDE,
                 quality: int = PREVIEW_QUALITY) -> Preview:
    """The page (grey or RGB pixels) shrunk to `long_side` on its longer side (never
    enlarged), as a JPEG."""
    height, width = pixels.shape[:2]
    scale = min(1.0, long_side / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = pixels if scale == 1.0 else cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    buffer = io.BytesIO()
    Image.fromarray(small).save(buffer, format="JPEG", quality=quality, optimize=True)
    return Preview(jpeg=buffer.getvalue(), width=size[0], height=size[1], scale=scale)

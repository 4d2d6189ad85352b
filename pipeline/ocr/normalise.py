"""From a decoded page to the grey page the rest of the ocr stage works on, sized for Tesseract:
a photo looked at straight (`perspective`), colour turned to grey with seals taken out
(`colour`), resampled so that its text has the size Tesseract reads best (`resolution`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.model import Box
from pipeline.ocr import colour, perspective, resolution
from pipeline.ocr.rasterize import MAX_PAGE_PIXELS, PageImage


@dataclass
class GreyPage:
    pixels: np.ndarray  # 8-bit grey, H x W
    dpi: int  # the resolution it is read at (measured from its text when it could be)
    notes: list[str] = field(default_factory=list)
    seals: list[Box] = field(default_factory=list)
    pixels_per_point: float | None = None  # PDF pages


def normalise(page: PageImage, forced_dpi: float | None = None) -> GreyPage:
    notes = list(page.notes)
    if page.is_colour:
        grey, seals = colour.to_grey(page.pixels)
        if seals:
            notes.append(f"{len(seals)} seal(s) taken out by colour")
    else:
        grey, seals = page.pixels, []
    quad = perspective.find_page_quad(grey, page.page_mask)
    flat = grey
    if quad is not None:
        flat, matrix = perspective.flatten(grey, quad)
        seals = [_mapped_box(box, matrix) for box in seals]
        notes.append("photo: perspective corrected")
    height = resolution.text_height(flat)
    scale, dpi, resolution_notes = resolution.ocr_scale(
        height, page.dpi, forced_dpi, flat.size, MAX_PAGE_PIXELS)
    notes.extend(resolution_notes)
    if quad is not None and scale != 1.0:
        flat, _ = perspective.flatten(grey, quad, scale)  # one resampling, not two
    else:
        flat = resolution.resample(flat, scale)
    per_point = page.pixels_per_point * scale if page.pixels_per_point else None
    return GreyPage(flat, round(dpi), notes, [_scaled_box(box, scale) for box in seals],
                    per_point)


def _scaled_box(box: Box, scale: float) -> Box:
    return Box(left=round(box.left * scale), top=round(box.top * scale),
               width=round(box.width * scale), height=round(box.height * scale))


def _mapped_box(box: Box, matrix: np.ndarray) -> Box:
    corners = np.float32([[[box.left, box.top]], [[box.left + box.width, box.top]],
                          [[box.left + box.width, box.top + box.height]],
                          [[box.left, box.top + box.height]]])
    mapped = cv2.perspectiveTransform(corners, matrix).reshape(4, 2)
    left, top = mapped.min(axis=0)
    right, bottom = mapped.max(axis=0)
    return Box(left=round(left), top=round(top), width=round(right - left),
               height=round(bottom - top))

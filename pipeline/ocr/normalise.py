"""From a decoded page to the grey page the rest of the ocr stage works on, sized for Tesseract:
a photo looked at straight (`perspective`), colour turned to grey with seals taken out
(`colour`), signature stamps found for their text to be read apart (`stamps`), resampled so
that its text has the size Tesseract reads best (`resolution`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.model import Box, Overlay
from pipeline.ocr import colour, perspective, resolution, stamps
from pipeline.ocr.rasterize import MAX_PAGE_PIXELS, PageImage


@dataclass
class GreyPage:
    pixels: np.ndarray  # 8-bit grey, H x W
    dpi: int  # the resolution it is read at (measured from its text when it could be)
    notes: list[str] = field(default_factory=list)
    seals: list[Box] = field(default_factory=list)
    pixels_per_point: float | None = None  # PDF pages
    # The page in its own colours (or grey), before seals and pen ink were taken out, and the
    # factor `pixels` was resampled from it by: filled-in blanks are read from it
    # (pipeline.ocr.blanks), crop by crop. A reference, not a copy.
    original: np.ndarray | None = None
    original_scale: float = 1.0
    # The signature stamps read (`stamps.signature_stamps`), boxes in the pixels of
    # `original`; their ink is taken out of `pixels`.
    stamps: list[Overlay] = field(default_factory=list)
    # A photo looked at straight: the perspective matrix taking a pixel of the decoded image
    # to one of `original` (None: `original` is the decoded image itself).
    straightened: np.ndarray | None = None


def normalise(page: PageImage, forced_dpi: float | None = None,
              lang: str | None = None) -> GreyPage:
    """`lang`: the Tesseract language signature stamps are read in; None: not looked for."""
    notes = list(page.notes)
    quad = perspective.find_page_quad(_plain_grey(page.pixels), page.page_mask)
    if quad is not None:
        notes.append("photo: perspective corrected")
    grey, seals, original, stamp_overlays = _page_grey(page.pixels, quad, lang=lang)
    original_scale = 1.0
    height = resolution.text_height(grey)
    scale, dpi, resolution_notes = resolution.ocr_scale(
        height, page.dpi, forced_dpi, grey.size, MAX_PAGE_PIXELS)
    notes.extend(resolution_notes)
    if quad is not None and scale != 1.0:
        # one resampling
        grey, seals, original, stamp_overlays = _page_grey(page.pixels, quad, scale, lang)
    else:
        grey = resolution.resample(grey, scale)
        seals = [_scaled_box(box, scale) for box in seals]
        original_scale = scale
    if seals:
        notes.append(f"{len(seals)} seal(s) taken out by colour")
    per_point = page.pixels_per_point * scale if page.pixels_per_point else None
    if stamp_overlays:
        notes.append(f"{len(stamp_overlays)} signature stamp(s) read apart")
    # (a photo's `original` is flattened at `scale`: both branches above)
    straightened = perspective.flatten_matrix(quad, scale)[0] if quad is not None else None
    return GreyPage(grey, round(dpi), notes, seals, per_point, original, original_scale,
                    stamp_overlays, straightened)


def _page_grey(pixels: np.ndarray, quad: np.ndarray | None,
               scale: float = 1.0, lang: str | None = None,
               ) -> tuple[np.ndarray, list[Box], np.ndarray, list[Overlay]]:
    """The page in grey with its seals and read signature stamps taken out (and where the
    seals were), the page in its own colours it was made from, and the stamps read on it.
    A stamp that reads as nothing stays in the grey page: ink is taken out only when what it
    says is kept. A photo is straightened first, so that what lies around the sheet (a dark
    desk) does not count as the page's ink when its colours are weighed."""
    if quad is not None:
        pixels, _ = perspective.flatten(pixels, quad, scale)
    if pixels.ndim != 3:
        return pixels, [], pixels, []
    circles = colour.find_seals(pixels)
    grey, seals = colour.to_grey(pixels, circles)
    if lang is None:
        return grey, seals, pixels, []
    # Page 0 until the caller, who knows the page's number, places them (pipeline.ocr).
    read = stamps.signature_stamps(pixels, stamps.find_stamps(pixels, circles), 0, lang)
    grey = stamps.without_stamps(grey, pixels, [overlay.box for overlay in read if overlay.box])
    return grey, seals, pixels, read


def _plain_grey(pixels: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels


def _scaled_box(box: Box, scale: float) -> Box:
    return Box(left=round(box.left * scale), top=round(box.top * scale),
               width=round(box.width * scale), height=round(box.height * scale))

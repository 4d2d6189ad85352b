"""Pages as pixels: PDF pages rendered by poppler at the resolution of the scan they hold,
image files (multi-frame TIFF too) decoded by Pillow into plain 8-bit grey or RGB.

Nothing here decides the resolution the page is read at: that is measured on the text itself
(`pipeline.ocr.resolution`), because the resolution a file claims is often wrong (phone photos
tagged 72 dpi, web copies with no tag, a 100 dpi scan in a PDF page of A4 size). Colour is kept
so that seals and coloured ink can be told from black print (`pipeline.ocr.colour`), and so is
an image's transparency, which outlines the page of a cut-out photo (`pipeline.ocr.perspective`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline import external
from pipeline.errors import CorruptInput
from pipeline.ocr.pdfimages import damaged_images

# No page is worked on with more pixels than this (an A4 page at 600 dpi has 35 Mpx): a huge
# image is reduced while it is decoded, whatever resolution it claims.
MAX_PAGE_PIXELS = 60_000_000
# A page smaller than this (px, either side) holds no readable text: refused as corrupt (E103).
MIN_PAGE_SIDE = 16
# PDF pages without a scan in them (vector text and drawings) are rendered at this resolution;
# pages holding a scan at the scan's own resolution, within these bounds.
VECTOR_PAGE_DPI = 300
PDF_DPI_RANGE = (72.0, 600.0)
# Colour names of pdfimages for images with colour (the page is then rendered in colour too).
COLOUR_IMAGES = ("rgb", "icc", "cmyk", "index", "lab", "sep", "devn")
# A PDF's scan is used as stored when a rendering this many times smaller correlates with it this
# well (measured on real pages: 0.85 and more; the same flipped: 0.25 or less; inverted: < 0).
SCAN_CHECK_REDUCTION = 4
SCAN_CHECK_MIN_CORRELATION = 0.6
# Pixels this opaque or more are page; less, background of a cut-out (alpha 0..255).
OPAQUE_ALPHA = 128


@dataclass
class PageImage:
    """One page as decoded: 8-bit grey (H x W) or RGB (H x W x 3) pixels."""

    pixels: np.ndarray
    dpi: float | None  # what the file claims (image tag, the scan's ppi in a PDF); None: unknown
    notes: list[str] = field(default_factory=list)
    # Where the page is, when the file has transparency around it (True = page).
    page_mask: np.ndarray | None = None
    pixels_per_point: float | None = None  # PDF pages: to place the PDF's own text on them
    # What poppler said while drawing or extracting a PDF page: damaged image data, whose
    # missing parts come out grey or as noise (text lost there)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_colour(self) -> bool:
        return self.pixels.ndim == 3


def page_count(path: Path, kind: str) -> int:
    if kind == "pdf":
        return external.pdf_page_count(path)
    with _open_image(path) as image:
        return getattr(image, "n_frames", 1)


def load_page(path: Path, kind: str, number: int) -> PageImage:
    """Page `number` (1-based) of a PDF or image file."""
    if kind == "pdf":
        return _pdf_page(path, number)
    return _image_page(path, number)


# -- PDF ---------------------------------------------------------------------------------------

def _pdf_page(path: Path, number: int) -> PageImage:
    """A page holding a scan is rendered at the scan's resolution (rendering a 100 dpi scan at
    300 dpi only interpolates it, and a 600 dpi one at 300 throws detail away before we know the
    text size); in colour when any image on it has colour."""
    size = external.pdf_page_size(path, number)
    if size is not None and size[0] * size[1] * (PDF_DPI_RANGE[0] / 72.0) ** 2 > MAX_PAGE_PIXELS:
        # (poppler renders such a page as 1 px, whatever it holds)
        raise CorruptInput(
            f"{path.name}: page {number} is {size[0] / 72:.0f} x {size[1] / 72:.0f} in: too "
            f"large to read (over {MAX_PAGE_PIXELS // 10**6} Mpx at {PDF_DPI_RANGE[0]:g} dpi)")
    images = external.pdf_page_images(path, number)
    scan = max(images, key=lambda image: image["width"] * image["height"], default=None)
    if scan is None:
        dpi, claimed = float(VECTOR_PAGE_DPI), None
    else:
        claimed = min(scan["x_ppi"], scan["y_ppi"])
        dpi = min(max(claimed, PDF_DPI_RANGE[0]), PDF_DPI_RANGE[1])
    dpi = _within_budget(dpi, _page_pixels_at(path, number, dpi, scan, size))
    warnings: list[str] = damaged_images(path, number) if images else []
    if scan is not None and dpi == claimed:
        stored = _stored_scan(path, number, scan, dpi, warnings)
        if stored is not None:
            return PageImage(_large_enough(stored, path, number), claimed,
                             pixels_per_point=dpi / 72.0, warnings=warnings)
    colour = any(image["color"] in COLOUR_IMAGES for image in images)
    rendered = external.rasterize_pdf_page(path, number, dpi, grayscale=not colour)
    pixels = np.asarray(rendered.convert("RGB" if colour else "L"))
    _add_warnings(warnings, rendered)
    return PageImage(_large_enough(pixels, path, number), claimed,
                     pixels_per_point=dpi / 72.0, warnings=warnings)


def _large_enough(pixels: np.ndarray, path: Path, number: int) -> np.ndarray:
    """The pixels, when the page has room for text (else CorruptInput: a 1 x 1 px image)."""
    height, width = pixels.shape[:2]
    if min(height, width) < MIN_PAGE_SIDE:
        raise CorruptInput(f"{path.name}: page {number} is {width} x {height} px: too small to "
                           f"hold text (less than {MIN_PAGE_SIDE} px a side)")
    return pixels


def _add_warnings(warnings: list[str], image: Image.Image) -> None:
    for warning in image.info.get("poppler_warnings", []):
        if f"poppler: {warning}" not in warnings:
            warnings.append(f"poppler: {warning}")


def _stored_scan(path: Path, number: int, scan: dict, dpi: float,
                 warnings: list[str]) -> np.ndarray | None:
    """The page's scan as stored, when it is the page as poppler shows it: it fills the page
    upright (the page's size at `dpi`) and looks the same in a small rendering (no flip,
    inverted decode or mask that the bare image would lose; small images drawn over it, such
    as a signature's logo, are left out, and they are overlays). Rendering instead resamples
    the scan even at its own resolution (measured: mean grey error 12 on a 419 px wide page,
    and a page's words read differently). Poppler's warnings on either go to `warnings`."""
    stored = external.pdf_page_image(path, number, scan["number"])
    if stored is None or (stored.width, stored.height) != (scan["width"], scan["height"]):
        return None
    _add_warnings(warnings, stored)
    check_dpi = dpi / SCAN_CHECK_REDUCTION
    shown = external.rasterize_pdf_page(path, number, check_dpi, grayscale=True)
    _add_warnings(warnings, shown)
    shown = shown.convert("L")
    slack = SCAN_CHECK_REDUCTION + 1
    if max(abs(stored.width - shown.width * SCAN_CHECK_REDUCTION),
           abs(stored.height - shown.height * SCAN_CHECK_REDUCTION)) > slack:
        return None
    pixels, _ = _plain_pixels(stored)
    # Compared 4x smaller still: poppler samples small renderings (aliasing thin strokes).
    size = (max(1, shown.width // 4), max(1, shown.height // 4))
    grey = Image.fromarray(pixels).convert("L").resize(size, Image.BOX)
    seen = np.corrcoef(np.asarray(grey, dtype=np.float32).ravel(),
                       np.asarray(shown.resize(size, Image.BOX), dtype=np.float32).ravel())[0, 1]
    if not seen >= SCAN_CHECK_MIN_CORRELATION:  # (nan for a blank page: rendered)
        return None
    return pixels


def _page_pixels_at(path: Path, number: int, dpi: float, scan: dict | None,
                    size: tuple[float, float] | None = None) -> float:
    """About how many pixels the page has at `dpi` (from the scan it holds, else from its size
    in points; A4 when neither is known)."""
    if scan is not None and scan["x_ppi"] > 0 and scan["y_ppi"] > 0:
        return (scan["width"] * dpi / scan["x_ppi"]) * (scan["height"] * dpi / scan["y_ppi"])
    if size is not None:
        return (size[0] / 72.0 * dpi) * (size[1] / 72.0 * dpi)
    return (8.27 * dpi) * (11.69 * dpi)


def _within_budget(dpi: float, pixels: float) -> float:
    if pixels <= MAX_PAGE_PIXELS:
        return dpi
    return dpi * math.sqrt(MAX_PAGE_PIXELS / pixels)


# -- images ------------------------------------------------------------------------------------

def _image_page(path: Path, number: int) -> PageImage:
    with _open_image(path) as image:
        try:
            image.seek(number - 1)
            reduce = _decode_reduction(image)
            if reduce > 1 and image.format == "JPEG":
                image.draft(image.mode, (image.width // reduce, image.height // reduce))
            image.load()
        except (EOFError, OSError) as exc:
            raise CorruptInput(f"{path.name}: frame {number} cannot be read ({exc})") from exc
        claimed = _image_dpi(image)
        notes = []
        if image.width * image.height > MAX_PAGE_PIXELS:
            factor = math.ceil(math.sqrt(image.width * image.height / MAX_PAGE_PIXELS))
            if image.mode in ("1", "P"):  # (Image.reduce takes neither)
                plain = "L" if image.mode == "1" else \
                    "RGBA" if "transparency" in image.info else "RGB"
                image = image.convert(plain)
            image = image.reduce(factor)
            notes.append(f"reduced {factor}x while decoding (over {MAX_PAGE_PIXELS // 10**6} Mpx)")
        elif reduce > 1:
            notes.append(f"reduced {reduce}x while decoding (over {MAX_PAGE_PIXELS // 10**6} Mpx)")
        image = ImageOps.exif_transpose(image)
        pixels, page_mask = _plain_pixels(image)
    return PageImage(_large_enough(pixels, path, number), claimed, notes, page_mask)


def _decode_reduction(image: Image.Image) -> int:
    """By how much a JPEG is scaled down while decoding (its DCT can do 2, 4, 8 for free)."""
    pixels = image.width * image.height
    for factor in (1, 2, 4, 8):
        if pixels / factor**2 <= MAX_PAGE_PIXELS:
            return factor
    return 8


def _plain_pixels(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """8-bit grey or RGB pixels, whatever the file held: 16-bit samples brought to 8 bits,
    palettes expanded, transparency flattened onto white paper (and returned as the page's
    outline when part of the image is transparent)."""
    mask = None
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        samples = np.asarray(image, dtype=np.float32)
        # 16-bit samples, or 10/12-bit ones in a 16-bit file (its paper at 1023 or 4095, where
        # /257 would leave the page black): the brightest sample is the paper's white
        top = float(samples.max()) if samples.max() > 255 else 255.0
        image = Image.fromarray(np.clip(samples * (255.0 / top), 0, 255).astype(np.uint8))
    elif image.mode == "F":
        image = Image.fromarray(np.clip(np.asarray(image), 0, 255).astype(np.uint8))
    if image.mode == "1":
        image = image.convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba)[:, :, 3]
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba).convert("RGB")
        if (alpha < OPAQUE_ALPHA).any():
            mask = alpha >= OPAQUE_ALPHA
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    pixels = np.asarray(image)
    if pixels.ndim == 3 and _is_grey(pixels):
        pixels = np.ascontiguousarray(pixels[:, :, 1])
    return pixels, mask


def _is_grey(rgb: np.ndarray) -> bool:
    """True when the three channels (nearly) agree everywhere: a grey image stored as RGB."""
    sample = rgb[::7, ::7].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    return float(np.percentile(spread, 99.9)) <= 12


def _open_image(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():  # over Pillow's limit but not twice: reduced on load
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        image.size  # noqa: B018 - touching the header catches truncated files early
        return image
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptInput(f"{path.name}: not a readable image ({exc})") from exc
    except Image.DecompressionBombError as exc:
        raise CorruptInput(f"{path.name}: image too large to decode safely ({exc})") from exc


def _image_dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    value = float(dpi[0])
    # PNG stores dots per metre: 300 dpi comes back as 299.9994
    return float(round(value)) if value > 1 else None  # some store 1 or 0 for "unknown"

"""Pages as images: PDF pages rendered by poppler, image files (multi-frame TIFF too) read
with Pillow and brought to the OCR resolution."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline import external
from pipeline.errors import CorruptInput

# Images whose resolution is off by more than this factor are resampled to the OCR dpi.
DPI_TOLERANCE = 0.15
DEFAULT_IMAGE_DPI = 300


def page_count(path: Path, kind: str) -> int:
    if kind == "pdf":
        return external.pdf_page_count(path)
    with _open_image(path) as image:
        return getattr(image, "n_frames", 1)


def page_image(path: Path, kind: str, number: int, dpi: int) -> tuple[Image.Image, int, list[str]]:
    """Page `number` as an 8-bit grayscale image at `dpi`, and what was done to it."""
    if kind == "pdf":
        return external.rasterize_pdf_page(path, number, dpi).convert("L"), dpi, []
    with _open_image(path) as image:
        try:
            image.seek(number - 1)
            image.load()
        except (EOFError, OSError) as exc:
            raise CorruptInput(f"{path.name}: frame {number} cannot be read ({exc})") from exc
        source_dpi = _image_dpi(image)
        gray = ImageOps.exif_transpose(image).convert("L")
    return _to_dpi(gray, source_dpi, dpi)


def _open_image(path: Path) -> Image.Image:
    try:
        image = Image.open(path)
        image.size  # noqa: B018 - touching the header catches truncated files early
        return image
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptInput(f"{path.name}: not a readable image ({exc})") from exc


def _image_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    value = float(dpi[0])
    return round(value) if value > 1 else None  # some writers store 1 or 0 for "unknown"


def _to_dpi(image: Image.Image, source_dpi: int | None, dpi: int) -> tuple[Image.Image, int, list]:
    if source_dpi is None:
        return image, DEFAULT_IMAGE_DPI, [f"no dpi recorded; assumed {DEFAULT_IMAGE_DPI}"]
    if abs(source_dpi - dpi) / dpi <= DPI_TOLERANCE:
        return image, source_dpi, []
    scale = dpi / source_dpi
    size = (round(image.width * scale), round(image.height * scale))
    return image.resize(size, Image.Resampling.LANCZOS), dpi, [f"resampled {source_dpi}->{dpi} dpi"]

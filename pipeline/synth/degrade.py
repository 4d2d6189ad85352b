"""Scanner-like degradation of a clean rendered page, seeded, with the box transform it implies.

Order of operations follows a real scan: the sheet lies slightly askew on the glass, optics blur
it, the sensor adds noise and the paper's dust adds specks, and the file is saved as JPEG.
`PrintedScan` adds what the printed sheet brings before that (ink that bled or printed thin,
the back page showing through) and bitonal scanning (fax-like CCITT files) after it.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass

import cv2
import numpy as np
from PIL import Image

BBox = tuple[int, int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class Degrade:
    """Explicit degradation settings; every field at its default leaves the page untouched."""

    skew_deg: float = 0.0  # positive turns the page content counter-clockwise
    blur_sigma: float = 0.0  # gaussian blur, in pixels at the page's dpi
    noise_sigma: float = 0.0  # additive gaussian noise on the 0..255 scale
    specks: float = 0.0  # fraction of pixels turned into salt or pepper
    paper: int = 255  # grey level of the paper
    jpeg_quality: int | None = None  # JPEG round trip (artefacts) when set

    def as_dict(self) -> dict:
        return asdict(self)


CLEAN = Degrade()


@dataclass(frozen=True)
class PrintedScan(Degrade):
    """A scan of a printed sheet as real pages come (the OCR pairs of `make channel-vie`): on
    top of `Degrade`, the print's ink and the back page, and a bitonal file. At their defaults
    it is `Degrade`."""

    # > 0: ink bled into the paper (strokes thicken, the gap between a letter and its mark
    # closes); < 0: a light print or toner-starved copy (strokes thin, small marks break).
    # In fractions of a stroke edge's grey ramp, -0.3..0.3 being a mild to strong effect.
    ink_spread: float = 0.0
    show_through: float = 0.0  # darkness of the back page's (mirrored) text, 0..1 of full ink
    bitonal_threshold: int | None = None  # grey level below which a pixel is black (fax scan)


# The back page's lines fall between the front's: its text is shifted by this share of the
# page height (about 8 mm on A4) before it is mirrored through the paper.
SHOW_THROUGH_SHIFT = 0.027


def mild_scan(rng: np.random.Generator) -> Degrade:
    """The default for samples: a slightly askew, lightly noisy office scan."""
    sign = 1 if rng.random() < 0.5 else -1
    return Degrade(
        skew_deg=round(float(sign * rng.uniform(0.3, 0.8)), 2),
        blur_sigma=round(float(rng.uniform(0.3, 0.6)), 2),
        noise_sigma=round(float(rng.uniform(3.0, 6.0)), 1),
        specks=round(float(rng.uniform(0.0, 0.00003)), 6),
        paper=int(rng.integers(238, 250)),
        jpeg_quality=int(rng.integers(70, 86)),
    )


def heavy_scan(rng: np.random.Generator) -> Degrade:
    """A worn photocopy: up to 2 degrees askew, blurred, speckled, strongly compressed."""
    return Degrade(
        skew_deg=round(float(rng.uniform(-2.0, 2.0)), 2),
        blur_sigma=round(float(rng.uniform(0.7, 1.2)), 2),
        noise_sigma=round(float(rng.uniform(10.0, 18.0)), 1),
        specks=round(float(rng.uniform(0.0001, 0.0004)), 6),
        paper=int(rng.integers(215, 240)),
        jpeg_quality=int(rng.integers(35, 60)),
    )


PRESETS = {"clean": lambda rng: CLEAN, "none": lambda rng: CLEAN, "mild": mild_scan,
           "heavy": heavy_scan}


def resolve(degrade: Degrade | str | None, rng: np.random.Generator) -> Degrade:
    """Turns a preset name ("clean", "mild", "heavy"), None or a Degrade into settings."""
    if degrade is None:
        return CLEAN
    if isinstance(degrade, Degrade):
        return degrade
    try:
        return PRESETS[degrade](rng)
    except KeyError:
        raise ValueError(f"unknown degradation preset {degrade!r}; use {sorted(PRESETS)}") from None


def skew_matrix(size: tuple[int, int], skew_deg: float) -> np.ndarray:
    """The 2x3 affine matrix that turns the page about its centre (OpenCV convention)."""
    width, height = size
    return cv2.getRotationMatrix2D((width / 2.0, height / 2.0), skew_deg, 1.0)


def transform_points(matrix: np.ndarray, points: list[Point]) -> list[Point]:
    array = np.asarray(points, dtype=np.float64)
    moved = array @ matrix[:, :2].T + matrix[:, 2]
    return [(round(float(x), 1), round(float(y), 1)) for x, y in moved]


def box_corners(box: BBox) -> list[Point]:
    left, top, right, bottom = box
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def transform_box(matrix: np.ndarray, box: BBox, size: tuple[int, int]) -> BBox:
    """The upright box around a turned box, clipped to the page."""
    corners = transform_points(matrix, box_corners(box))
    xs = [p[0] for p in corners]
    ys = [p[1] for p in corners]
    width, height = size
    return (
        max(0, int(np.floor(min(xs)))),
        max(0, int(np.floor(min(ys)))),
        min(width, int(np.ceil(max(xs)))),
        min(height, int(np.ceil(max(ys)))),
    )


def apply(image: Image.Image, settings: Degrade, rng: np.random.Generator) -> Image.Image:
    """Degrades a clean greyscale page (black ink on white) into a scan-like greyscale page."""
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    if isinstance(settings, PrintedScan):
        pixels = _printed(pixels, settings)
    # Ink on paper: map white to the paper tone before turning so the exposed corners match it.
    pixels = pixels * (settings.paper / 255.0)
    if settings.skew_deg:
        matrix = skew_matrix(image.size, settings.skew_deg)
        pixels = cv2.warpAffine(
            pixels, matrix, image.size, flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT, borderValue=float(settings.paper),
        )
    if settings.blur_sigma > 0:
        pixels = cv2.GaussianBlur(pixels, (0, 0), settings.blur_sigma)
    if settings.noise_sigma > 0:
        pixels += settings.noise_sigma * rng.standard_normal(pixels.shape, dtype=np.float32)
    if settings.specks > 0:
        pixels = _add_specks(pixels, settings.specks, rng)
    if isinstance(settings, PrintedScan) and settings.bitonal_threshold is not None:
        pixels = np.where(pixels < settings.bitonal_threshold, 0.0, 255.0)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    if settings.jpeg_quality:
        out = jpeg_round_trip(out, settings.jpeg_quality)
    return out


def _printed(pixels: np.ndarray, settings: PrintedScan) -> np.ndarray:
    """The clean page (255 paper, 0 ink) as printed: ink spread or thinned, back page behind."""
    ink = 1.0 - pixels / 255.0
    if settings.ink_spread:
        ink = spread_ink(ink, settings.ink_spread)
    if settings.show_through > 0:
        ink = np.maximum(ink, settings.show_through * back_page(ink))
    return 255.0 * (1.0 - ink)


def spread_ink(ink: np.ndarray, amount: float) -> np.ndarray:
    """Ink coverage (0..1) whose stroke edges moved out (amount > 0) or in: the edge ramp is
    softened, then cut at 0.5 - amount instead of at its middle."""
    soft = cv2.GaussianBlur(ink, (0, 0), 0.8)
    return np.clip((soft - (0.5 - amount)) * 2.5 + 0.5, 0.0, 1.0)


def back_page(ink: np.ndarray) -> np.ndarray:
    """What shows through the paper of the back page: text mirrored, shifted down, and
    blurred by the paper fibres (the page's own text stands in for the back page's)."""
    height = ink.shape[0]
    mirrored = np.roll(ink[:, ::-1], round(SHOW_THROUGH_SHIFT * height), axis=0)
    return cv2.GaussianBlur(mirrored, (0, 0), max(1.0, height / 1750))


def _add_specks(pixels: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    mask = rng.random(pixels.shape, dtype=np.float32) < fraction
    salt = rng.random(pixels.shape, dtype=np.float32) < 0.3  # dust is mostly dark on a scan
    # Dust specks are a few pixels across, not single pixels.
    pepper = cv2.dilate((mask & ~salt).astype(np.uint8), np.ones((2, 2), np.uint8)) > 0
    pixels = pixels.copy()
    pixels[mask & salt] = 255.0
    pixels[pepper] = rng.uniform(0, 90, int(pepper.sum())).astype(np.float32)
    return pixels


def jpeg_round_trip(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("L")

"""Page preparation before OCR: turn the page upright, straighten it, clean it where that helps.

Every step is a pure function on a grayscale page (numpy uint8, ink dark on light paper) that
returns the new page and a note for `Page.preparation` (None when it changed nothing); a turn
also returns its degrees, which later steps act on (`Prepared.rotation`, `Page.rotation`).

Orientation is decided in two cheap steps and one dear one, because Tesseract's OSD costs a
third of a page's OCR time and nearly every page is upright:
- `looks_sideways`: text lines leave a sharp row profile; when the column profile is much
  sharper, the page lies on its side (a landscape appendix scanned sideways);
- then (and when the caller's first OCR pass reads the page with low confidence, the sign of a
  page upside down) `osd_rotation` asks Tesseract which way is up.
Skew is the angle whose projection profile of ink pixels is sharpest (text lines and rules
line up with pixel rows), searched coarse to fine in +-5 degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from pipeline import external

MAX_SKEW_DEG = 5.0
# Below this the page is left as it is: Tesseract reads a line turned by 0.1 deg unharmed, and
# every rotation resamples (blurs) the page a little.
MIN_CORRECTED_SKEW_DEG = 0.1
# The skew search works on a page shrunk to this width (about 120 dpi on A4).
SKEW_WORK_WIDTH = 1000
MAX_SKEW_POINTS = 200_000
MIN_INK_POINTS = 500  # fewer ink pixels than this (a blank page) tell nothing
# How much sharper the column profile must be than the row profile to call a page sideways.
SIDEWAYS_RATIO = 1.6
# OSD answers below this confidence are ignored (Tesseract's own scale; ~2 is its "unsure").
MIN_OSD_CONFIDENCE = 2.0
# OSD reads a page shrunk to this width: as sure as at full size, in half the time.
OSD_WORK_WIDTH = 1240
# Paper noise (robust sigma, 0..255) from which a page is median-filtered before OCR. Measured
# on rendered plans: any scanner noise at all (mild scans estimate 2-5, heavy 7-10) plus JPEG makes
# Tesseract misread marks; a 3x3 median took body CER from 1.9% to 0.2% (mild) and from 6.1%
# to 0.2% (heavy); a clean rendered page (estimate 0) gains nothing from it.
DENOISE_SIGMA = 1.0
# Deviations from the local median beyond this are specks or thin rules, not noise.
NOISE_CLIP = 25.0
# Noise is measured on this many full-width bands of the page (it is the same all over).
NOISE_BANDS = 6
# Ink is darker than the paper by at least this much (0..255), and by 4 noise sigmas.
INK_CONTRAST = 25.0
# Pages with less ink than this share of their pixels count as sparse (a page of running text
# has 4-8%, a page with a heading and a page number 0.1-0.3%).
SPARSE_INK_SHARE = 0.01
# Ink shapes smaller than this (mm, longer side) are specks, not text, for `content_box`; a
# full stop or a diacritic is that small too, but it sits beside letters inside the box.
CONTENT_MIN_MM = 1.0
# Paper kept around the content for Tesseract (px at 300 dpi; ~5 mm).
CONTENT_MARGIN_PX = 60


# -- orientation -------------------------------------------------------------------------------

def looks_sideways(gray: np.ndarray) -> bool:
    """True when the page's text runs up or down the page (turned by 90 or 270 degrees)."""
    return _points_sideways(*_ink_points(gray))


def _points_sideways(ys: np.ndarray, xs: np.ndarray) -> bool:
    if len(ys) < MIN_INK_POINTS:
        return False
    return _best_sharpness(ys, xs) > SIDEWAYS_RATIO * _best_sharpness(xs, ys)


def osd_rotation(gray: np.ndarray) -> tuple[int, float] | None:
    """(degrees to turn the page clockwise to make it upright, OSD confidence), or None when
    Tesseract cannot tell."""
    small = _shrink(gray, OSD_WORK_WIDTH)
    result = external.tesseract_osd(Image.fromarray(small))
    if not result:
        return None
    return int(result["rotate"]) % 360, float(result["orientation_conf"])


def rotate_clockwise(gray: np.ndarray, degrees: int) -> np.ndarray:
    """The page turned clockwise by a multiple of 90 degrees (lossless)."""
    turns = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}[degrees % 360]
    return gray if turns is None else cv2.rotate(gray, turns)


def turn_upright(gray: np.ndarray, min_confidence: float = MIN_OSD_CONFIDENCE
                 ) -> tuple[np.ndarray, int, str | None]:
    """Asks OSD which way is up and turns the page so; unchanged when OSD is unsure. The
    clockwise degrees it was turned by (0 when it was not) and a note."""
    found = osd_rotation(gray)
    if found is None:
        return gray, 0, "orientation unknown (OSD found too little text)"
    degrees, confidence = found
    if confidence < min_confidence:
        return gray, 0, (f"orientation kept (OSD unsure: rotate {degrees}, "
                         f"confidence {confidence:.1f})")
    if degrees == 0:
        return gray, 0, None
    return rotate_clockwise(gray, degrees), degrees, f"rotated {degrees}"


# -- skew --------------------------------------------------------------------------------------

def estimate_skew(gray: np.ndarray) -> float:
    """The angle (degrees, positive = content turned counter-clockwise) by which the page's
    lines are turned, within +-MAX_SKEW_DEG; 0.0 for a page without ink."""
    return _points_skew(*_ink_points(gray))


def _points_skew(ys: np.ndarray, xs: np.ndarray) -> float:
    if len(ys) < MIN_INK_POINTS:
        return 0.0
    coarse = _sharpest_angle(xs, ys, np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.25))
    fine = _sharpest_angle(xs, ys, np.arange(coarse - 0.3, coarse + 0.3 + 1e-9, 0.02))
    return float(round(fine, 2))


def rotate_by(gray: np.ndarray, degrees: float) -> np.ndarray:
    """The page turned counter-clockwise by `degrees` about its centre, same size, the exposed
    corners filled with the paper's tone."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), degrees, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=paper_tone(gray))


def deskew(gray: np.ndarray, angle: float | None = None) -> tuple[np.ndarray, str | None]:
    """The page turned level (by `angle` when the caller has measured it already)."""
    angle = estimate_skew(gray) if angle is None else angle
    if abs(angle) < MIN_CORRECTED_SKEW_DEG:
        return gray, None
    return rotate_by(gray, -angle), f"deskewed {angle:+.2f}°"


# -- noise -------------------------------------------------------------------------------------

def noise_sigma(gray: np.ndarray) -> float:
    """Pixel noise of the paper (sigma, 0..255 scale): the RMS of how far background pixels
    stray from their 5x5 median, away from ink (whose edges would count as noise), leaving out
    strays beyond NOISE_CLIP (dust specks, thin rules the median erased)."""
    gray = _sample_bands(gray)
    median = cv2.medianBlur(gray, 5)
    ink = (median < paper_tone(gray) - 30).astype(np.uint8)
    background = cv2.dilate(ink, np.ones((7, 7), np.uint8)) == 0
    deviation = (gray.astype(np.float32) - median.astype(np.float32))[background]
    deviation = deviation[np.abs(deviation) < NOISE_CLIP]
    return float(np.sqrt(np.mean(deviation**2))) if deviation.size else 0.0


def denoise(gray: np.ndarray, threshold: float = DENOISE_SIGMA) -> tuple[np.ndarray, str | None]:
    """A 2x2 mean, then a 3x3 median, on noisy pages only: it removes the sensor noise, JPEG
    ringing and dust specks that Tesseract's binarisation turns into stray marks and broken
    diacritics. The mean halves pixel noise the median alone leaves; poppler's rendering of a
    PDF's scan used to do it unasked (scans are now read as stored: rendered heavy scans' body
    CER after restore 0.50% with the median alone, 0.23% with both; the real gold pages of
    bench.real's dev set measure below the threshold and are not touched)."""
    sigma = noise_sigma(gray)
    if sigma < threshold:
        return gray, None
    return cv2.medianBlur(cv2.blur(gray, (2, 2)), 3), f"denoised (noise sigma {sigma:.1f})"


# -- sparse pages ------------------------------------------------------------------------------

def ink_share(gray: np.ndarray, sigma: float | None = None) -> float:
    """Share of the page's pixels that are clearly ink: darker than the paper by more than
    its noise could make them."""
    sigma = noise_sigma(gray) if sigma is None else sigma
    cut = paper_tone(gray) - max(INK_CONTRAST, 4.0 * sigma)
    return float(np.mean(gray[::2, ::2] < cut))


def whiten_sparse_page(gray: np.ndarray) -> tuple[np.ndarray, str | None]:
    """On a page with almost no ink (an appendix page once its table is painted out, a page
    number and a heading), set the paper pure white. Tesseract's global threshold would
    otherwise fall inside the paper's noise and read thousands of specks: 4.2 s of CPU and ten
    junk "words" for such a page against 0.6 s for the same page with its table. Pages with
    text keep their grey paper: whitening them cost accuracy on heavy scans."""
    sigma = noise_sigma(gray)
    if ink_share(gray, sigma) >= SPARSE_INK_SHARE:
        return gray, None
    cut = paper_tone(gray) - max(INK_CONTRAST, 4.0 * sigma)
    out = gray.copy()
    out[gray > cut] = 255
    return out, "paper whitened (sparse page)"


# -- content ---------------------------------------------------------------------------------

def content_box(gray: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the page's ink with a margin of paper around it; the whole
    page when it shows none. Tesseract's cost grows with the pixels it is given, blank ones
    too (0.2 s CPU of a 0.3 s read of an A4 page at 300 dpi with only a page number on it),
    so the OCR pass is given this box. Specks are left out: they are smaller than a letter."""
    height, width = gray.shape
    small = _shrink(gray, SKEW_WORK_WIDTH)
    scale = width / small.shape[1]
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    min_side = CONTENT_MIN_MM * min(small.shape) / 210  # sizes judged as on A4
    boxes = [stats[label, :4] for label in range(1, count)
             if max(stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT])
             >= min_side]
    if not boxes:
        return 0, 0, width, height
    margin = CONTENT_MARGIN_PX
    left = min(int(b[0]) for b in boxes) * scale - margin
    top = min(int(b[1]) for b in boxes) * scale - margin
    right = max(int(b[0] + b[2]) for b in boxes) * scale + margin
    bottom = max(int(b[1] + b[3]) for b in boxes) * scale + margin
    return (max(0, int(left)), max(0, int(top)), min(width, int(math.ceil(right))),
            min(height, int(math.ceil(bottom))))


# -- the whole preparation ---------------------------------------------------------------------

@dataclass
class Prepared:
    pixels: np.ndarray  # the page to read
    rotation: int = 0  # clockwise degrees it was turned by to stand upright
    notes: list[str] = field(default_factory=list)  # what was done, for `Page.preparation`
    # Degrees the upright page was then turned by (`rotate_by`, counter-clockwise) to stand
    # level: with `rotation`, where a point of the page before preparation went.
    skew: float = 0.0


def prepare_page(gray: np.ndarray) -> Prepared:
    """Upright (when sideways), straight and, if noisy, denoised page, with what was done."""
    notes: list[str] = []
    rotation = 0
    points = _ink_points(gray)
    if _points_sideways(*points):
        turned, rotation, note = turn_upright(gray)
        if not rotation:
            # OSD could not say which side is up: turning either way beats reading sideways;
            # the caller's low-confidence check turns it over when this guessed wrong.
            turned, rotation = rotate_clockwise(gray, 90), 90
            note = "rotated 90 (sideways; OSD unsure)"
        gray, points = turned, _ink_points(turned)
        notes.append(note)
    angle = _points_skew(*points)
    gray, note = deskew(gray, angle)
    skew = -angle if note else 0.0
    notes.extend([note] if note else [])
    gray, note = denoise(gray)
    notes.extend([note] if note else [])
    return Prepared(gray, rotation, notes, skew)


def paper_tone(gray: np.ndarray) -> int:
    """The paper's grey level: a high percentile of a sample of pixels."""
    return int(np.percentile(gray[::8, ::8], 90))


# -- helpers -----------------------------------------------------------------------------------

def _sample_bands(gray: np.ndarray, bands: int = NOISE_BANDS, height: int = 96) -> np.ndarray:
    """A few evenly spaced full-width bands of the page stacked: noise is the same all over
    the sheet, and a sixth of the page costs a sixth of the time."""
    if gray.shape[0] <= bands * height * 2:
        return gray
    starts = np.linspace(0, gray.shape[0] - height, bands + 2)[1:-1].astype(int)
    return np.vstack([gray[start:start + height] for start in starts])


def _shrink(gray: np.ndarray, width: int) -> np.ndarray:
    if gray.shape[1] <= width:
        return gray
    height = round(gray.shape[0] * width / gray.shape[1])
    return cv2.resize(gray, (width, height), interpolation=cv2.INTER_AREA)


def _ink_points(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of ink pixels on a shrunk, binarised page (a fixed-seed sample if many)."""
    small = _shrink(gray, SKEW_WORK_WIDTH)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(ys) > MAX_SKEW_POINTS:
        pick = np.random.default_rng(0).choice(len(ys), MAX_SKEW_POINTS, replace=False)
        ys, xs = ys[pick], xs[pick]
    return ys.astype(np.float64), xs.astype(np.float64)


def _sharpness(xs: np.ndarray, ys: np.ndarray, degrees: float) -> float:
    """How sharply the points fall into rows when un-turned by `degrees`: the sum of squared
    differences of neighbouring bins of their row histogram."""
    theta = np.deg2rad(degrees)
    rows = xs * np.sin(theta) + ys * np.cos(theta)
    counts = np.bincount((rows - rows.min()).astype(np.int64))
    return float(np.sum(np.diff(counts.astype(np.float64)) ** 2))


def _sharpest_angle(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray) -> float:
    scores = [_sharpness(xs, ys, float(a)) for a in angles]
    return float(angles[int(np.argmax(scores))])


def _best_sharpness(xs: np.ndarray, ys: np.ndarray) -> float:
    angles = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.5)
    return max(_sharpness(xs, ys, float(a)) for a in angles)

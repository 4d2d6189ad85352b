"""Colour pages to the grey Tesseract reads, with round seals taken out.

A red (or blue) seal is stamped over the signature block, and often over the signer's title
and name: in plain grey (luminance) its ink is as dark as print and hides what is under it
("CHÁNH VĂN PHÒNG" under a seal read as nothing). Inside a seal, the grey used is the
brightest of the three channels: red or blue ink is bright in its own channel, so it turns
to paper, while black print stays dark in all three. Elsewhere the page keeps plain luminance,
so coloured print that is text (a red title stamp "KT. HIỆU TRƯỞNG", a pink name stamp) is
still read.

Seals are found as rings: circles (Hough transform on the saturated-ink mask) whose rim is
inked nearly all the way round. A seal's inner rings and text give more such circles; the
seal is their union.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.model import Box
from pipeline.ocr.prepare import paper_tone

# Saturated ink: HSV saturation and value (0..255) at least these.
INK_SATURATION = 80
INK_VALUE = 60
# Blue pen ink: OpenCV hues (0..180) of blue.
PEN_HUES = (95, 135)
PEN_SATURATION = 100
# A page with more of its ink blue than this is blue-tinted print (measured: scans with a blue
# cast 0.67-0.84; black print with a blue signature 0.10).
MAX_BLUE_INK_SHARE = 0.4
INK_CONTRAST = 60
# Too few saturated pixels (share of the page) to hold a seal.
MIN_COLOURED_SHARE = 0.0005
# Circles are searched on the mask shrunk to this width.
WORK_WIDTH = 800
# Seal radius bounds, as shares of the work width (a 30-45 mm seal on an A4 page is 0.07-0.11;
# the small round logo of a digital-signature box 0.035).
RADIUS_RANGE = (0.02, 0.15)
# A ring is a seal's rim when ink lies on this share of its angles...
MIN_RIM_COVERAGE = 0.88
# ... within this band of radii around it.
RIM_BAND = (0.88, 1.06)
RIM_ANGLES = 72
# A seal's outer rim is looked for up to this factor beyond the ring found, inked at least
# this share of the way round.
OUTER_SEARCH = 1.6
MIN_OUTER_COVERAGE = 0.6
# The seal is taken out a little beyond its rim (the rim's own width, smudges).
SEAL_MARGIN = 1.08
# Inside a seal, pixels whose brightest channel is within this of the paper's tone are paper
# (red seal ink: 200-235 in red on paper of 240-250; black print under it: below 130).
SEAL_INK_MARGIN = 70
MAX_CIRCLES = 30


def to_grey(rgb: np.ndarray, seals: list[tuple[float, float, float]] | None = None,
            ) -> tuple[np.ndarray, list[Box]]:
    """The page in grey with its seals taken out, and the seals' boxes (page pixels).
    `seals`: the rims `find_seals` found, when they are known already."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grey = _without_pen_ink(rgb, grey)
    seals = find_seals(rgb) if seals is None else seals
    if not seals:
        return grey, []
    inside = np.zeros(grey.shape, dtype=np.uint8)
    for x, y, r in seals:
        cv2.circle(inside, (round(x), round(y)), round(r * SEAL_MARGIN), 1, thickness=-1)
    brightest = rgb.max(axis=2)
    # Seal ink is bright in its own channel but not quite paper: it would still be read as
    # faint strokes, so what is that bright is paper. Print under the seal is dark in every
    # channel and stays.
    cut = paper_tone(grey) - SEAL_INK_MARGIN
    cleared = np.where(brightest >= cut, 255, brightest).astype(np.uint8)
    grey = np.where(inside.astype(bool), cleared, grey)
    return grey, _seal_boxes(inside)


def _without_pen_ink(rgb: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """Blue pen strokes (signatures crossing the signer's name, handwritten notes) turned to
    paper: official print is black, and Tesseract reads a stroke as letters or junk. Not on a
    scan whose print itself has a blue cast (then most of the ink is blue)."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    paper = paper_tone(grey)
    ink = grey < paper - INK_CONTRAST
    blue = (hsv[:, :, 0] >= PEN_HUES[0]) & (hsv[:, :, 0] <= PEN_HUES[1])
    if (blue & ink).sum() > MAX_BLUE_INK_SHARE * max(1, int(ink.sum())):
        return grey
    pen = blue & (hsv[:, :, 1] >= PEN_SATURATION) & (hsv[:, :, 2] >= INK_VALUE)
    if not pen.any():
        return grey
    out = grey.copy()
    out[pen] = paper
    return out


def find_seals(rgb: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, radius) of the rims of round coloured seals, in page pixels."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    inked = (hsv[:, :, 1] >= INK_SATURATION) & (hsv[:, :, 2] >= INK_VALUE)
    if inked.mean() < MIN_COLOURED_SHARE:
        return []
    scale = min(1.0, WORK_WIDTH / rgb.shape[1])
    mask = cv2.resize(inked.astype(np.uint8) * 255, None, fx=scale, fy=scale,
                      interpolation=cv2.INTER_AREA)
    width = mask.shape[1]
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(mask, (0, 0), 2), cv2.HOUGH_GRADIENT, dp=1.5, minDist=width * 0.03,
        param1=100, param2=20, minRadius=round(width * RADIUS_RANGE[0]),
        maxRadius=round(width * RADIUS_RANGE[1]))
    if circles is None:
        return []
    inked_small = mask > 40
    return [(x / scale, y / scale, _outer_rim(inked_small, x, y, r) / scale)
            for x, y, r in circles[0][:MAX_CIRCLES]
            if rim_coverage(inked_small, x, y, r) >= MIN_RIM_COVERAGE]


def _outer_rim(inked: np.ndarray, x: float, y: float, radius: float) -> float:
    """The radius of the outermost ring around the circle that is inked most of the way round
    (Hough may have found an inner ring of the seal)."""
    outer = radius
    for factor in np.arange(1.02, OUTER_SEARCH, 0.02):
        if rim_coverage(inked, x, y, radius * factor, band=(0.99, 1.01)) >= MIN_OUTER_COVERAGE:
            outer = radius * factor
    return outer


def rim_coverage(inked: np.ndarray, x: float, y: float, radius: float,
                 band: tuple[float, float] = RIM_BAND) -> float:
    """Share of the circle's angles at which ink lies near its rim."""
    angles = np.linspace(0, 2 * np.pi, RIM_ANGLES, endpoint=False)[:, None]
    radii = radius * np.linspace(*band, 10)[None, :]
    xs = np.round(x + radii * np.cos(angles)).astype(int)
    ys = np.round(y + radii * np.sin(angles)).astype(int)
    height, width = inked.shape
    inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    hits = np.zeros(xs.shape, dtype=bool)
    hits[inside] = inked[ys[inside], xs[inside]]
    return float(hits.any(axis=1).mean())


def _seal_boxes(inside: np.ndarray) -> list[Box]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=8)
    return [Box(left=int(stats[i, 0]), top=int(stats[i, 1]), width=int(stats[i, 2]),
                height=int(stats[i, 3])) for i in range(1, count)]

"""The page as it was before it was made into the grey page that is read: in its own colours,
with the seals and the blue pen ink still on it (`normalise` takes them out of the grey page).

Filled-in blanks (`pipeline.ocr.blanks`) are read from it: the number and day of a document
are often written with a blue pen, which the grey page has lost. Only crops are made: a box
of the read page (resampled, turned upright, deskewed) is mapped back through one affine
transform onto the original pixels, so that the cost is the crop's, not the page's.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.model import Box


@dataclass(frozen=True)
class OriginalPage:
    pixels: np.ndarray  # RGB (H x W x 3) or grey (H x W), as decoded (a photo straightened)
    to_page: np.ndarray  # 3 x 3 affine: original pixel -> pixel of the page as read


def scale_matrix(scale: float) -> np.ndarray:
    """Resampling by `scale`, pixel centres kept on pixel centres (as cv2.resize)."""
    shift = 0.5 * scale - 0.5
    return np.array([[scale, 0.0, shift], [0.0, scale, shift], [0.0, 0.0, 1.0]])


def quarter_turns_matrix(degrees: int, shape: tuple[int, int]) -> tuple[np.ndarray, tuple]:
    """Turning an image of `shape` (height, width) clockwise by `degrees` (quarter turns, as
    cv2.rotate), and the turned image's shape."""
    height, width = shape
    matrix = np.eye(3)
    for _ in range(degrees // 90 % 4):  # (x, y) -> (height - 1 - y, x)
        turn = np.array([[0.0, -1.0, height - 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
        matrix = turn @ matrix
        height, width = width, height
    return matrix, (height, width)


def skew_matrix(degrees: float, shape: tuple[int, int]) -> np.ndarray:
    """Turning an image of `shape` counter-clockwise by `degrees` about its centre (as
    `prepare.rotate_by`)."""
    height, width = shape
    matrix = np.eye(3)
    if degrees:
        matrix[:2] = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), degrees, 1.0)
    return matrix


def page_transform(scale: float, scaled_shape: tuple[int, int],
                   turns: list[tuple[int, float]]) -> np.ndarray:
    """Original pixel -> read page pixel: resampled by `scale` to `scaled_shape` (height,
    width), then for each preparation step (clockwise quarter turns, counter-clockwise skew
    degrees) turned and levelled."""
    matrix = scale_matrix(scale)
    shape = scaled_shape
    for degrees, skew in turns:
        turn, shape = quarter_turns_matrix(degrees, shape)
        matrix = skew_matrix(skew, shape) @ turn @ matrix
    return matrix


def page_box(original: OriginalPage, box: Box) -> Box:
    """A box of the original pixels on the page as read: the bounds of its turned corners."""
    corners = np.array([[box.left, box.top, 1.0], [box.left + box.width, box.top, 1.0],
                        [box.left, box.top + box.height, 1.0],
                        [box.left + box.width, box.top + box.height, 1.0]])
    mapped = (original.to_page @ corners.T)[:2]
    left, top = np.floor(mapped.min(axis=1)).astype(int)
    right, bottom = np.ceil(mapped.max(axis=1)).astype(int)
    return Box(left=max(0, int(left)), top=max(0, int(top)), width=int(right - left),
               height=int(bottom - top))


def crop(original: OriginalPage, box: Box) -> np.ndarray:
    """The pixels of the original page under `box` (a box of the page as read), looked at as
    on the read page: upright, level, at its resolution; outside the page is white paper."""
    shift = np.array([[1.0, 0.0, -box.left], [0.0, 1.0, -box.top], [0.0, 0.0, 1.0]])
    matrix = (shift @ original.to_page)[:2]
    fill = (255, 255, 255) if original.pixels.ndim == 3 else 255
    return cv2.warpAffine(original.pixels, matrix, (max(1, box.width), max(1, box.height)),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def darkest(pixels: np.ndarray) -> np.ndarray:
    """Grey in which ink of any colour is dark: the darkest of the three channels (blue and
    red pen ink are dark in the channels of the other colours)."""
    return pixels.min(axis=2) if pixels.ndim == 3 else pixels

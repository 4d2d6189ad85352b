"""Fonts, measuring, wrapping and drawing single lines of text on a page image.

Sizes are given in typographic points and millimetres and turned into pixels at the page's
dpi, so the same layout renders at 300 dpi for samples and at 100 dpi for quick tests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

log = logging.getLogger(__name__)

Style = str  # "regular", "bold", "italic", "bolditalic"
BBox = tuple[int, int, int, int]  # left, top, right, bottom in page pixels

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/croscore"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
# Tinos has the metrics of Times New Roman, the face Decree 30 asks for; DejaVu Serif is the
# fallback found on most Debian systems.
_FONT_FILES = {
    "regular": ("Tinos-Regular.ttf", "DejaVuSerif.ttf"),
    "bold": ("Tinos-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "italic": ("Tinos-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    "bolditalic": ("Tinos-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}


def mm_to_px(mm: float, dpi: int) -> float:
    return mm * dpi / 25.4


def pt_to_px(pt: float, dpi: int) -> float:
    return pt * dpi / 72.0


@lru_cache(maxsize=8)
def font_path(style: Style) -> Path:
    for name in _FONT_FILES[style]:
        for folder in _FONT_DIRS:
            candidate = folder / name
            if candidate.exists():
                if not name.startswith("Tinos"):
                    log.warning("Tinos not found; using %s", candidate)
                return candidate
    raise FileNotFoundError(f"no font for style {style!r} in {[str(d) for d in _FONT_DIRS]}")


@lru_cache(maxsize=64)
def get_font(style: Style, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), size_px)


@dataclass(frozen=True)
class TextStyle:
    """How a run of text is set: face, size in points, line pitch as a multiple of the size."""

    style: Style = "regular"
    size_pt: float = 13.0
    pitch: float = 1.2

    def font(self, dpi: int) -> ImageFont.FreeTypeFont:
        return get_font(self.style, max(6, round(pt_to_px(self.size_pt, dpi))))

    def line_height(self, dpi: int) -> float:
        return pt_to_px(self.size_pt * self.pitch, dpi)


def text_width(text: str, font: ImageFont.FreeTypeFont) -> float:
    return font.getlength(text)


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Breaks a word wider than the measure (a long code in a narrow cell) at characters."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, font) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    pieces.append(current)
    return pieces


def wrap_words(
    text: str, font: ImageFont.FreeTypeFont, width: float, first_indent: float = 0.0
) -> list[str]:
    """Greedy line breaking at spaces; the first line is `first_indent` pixels shorter."""
    lines: list[str] = []
    current: list[str] = []
    for word in text.split():
        measure = width - (first_indent if not lines else 0.0)
        candidate = " ".join([*current, word])
        if not current or text_width(candidate, font) <= measure:
            current.append(word)
            if len(current) == 1 and text_width(word, font) > measure:
                *full, last = _split_long_word(word, font, measure)
                lines.extend(full)
                current = [last]
            continue
        lines.append(" ".join(current))
        current = [word]
    if current:
        lines.append(" ".join(current))
    return lines


def _union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def draw_line(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont,
    x: float,
    baseline: float,
    justify_width: float | None = None,
) -> BBox:
    """Draws one line with its left end at x on the baseline; returns the ink box.

    With `justify_width` the words are spread so the line fills that width (inner lines of a
    justified paragraph); spacing is capped so a short line is not pulled apart.
    """
    words = text.split()
    if justify_width is None or len(words) < 2:
        box = draw.textbbox((x, baseline), text, font=font, anchor="ls")
        draw.text((x, baseline), text, font=font, anchor="ls", fill=0)
        return _rounded(box)
    widths = [text_width(w, font) for w in words]
    space = text_width(" ", font)
    gap = (justify_width - sum(widths)) / (len(words) - 1)
    gap = min(max(gap, space * 0.8), space * 2.5)
    boxes = []
    cursor = x
    for word, width in zip(words, widths, strict=True):
        boxes.append(_rounded(draw.textbbox((cursor, baseline), word, font=font, anchor="ls")))
        draw.text((cursor, baseline), word, font=font, anchor="ls", fill=0)
        cursor += width + gap
    return _union(boxes)


def _rounded(box: tuple[float, float, float, float]) -> BBox:
    return (int(box[0]), int(box[1]), int(round(box[2] + 0.49)), int(round(box[3] + 0.49)))

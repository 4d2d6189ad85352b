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
DEFAULT_FAMILY = "tinos"
# Other faces real pages are set in, for OCR pairs that look like real scans (`make
# channel-vie`): every one covers Vietnamese. Folder (under /usr/share/fonts/truetype) and the
# file of each style; the Debian package that has them in the comment. No fallback: a pair
# rendered in another face than its record says would teach the channel wrong confusions.
FONT_FAMILIES = {
    # Times faces like Tinos (most official documents are set in Times New Roman): Liberation
    # Serif 2 (version 1 lacks most Vietnamese letters) and FreeSerif (from Nimbus Roman)
    "liberation-serif": ("liberation2", "LiberationSerif-Regular.ttf",  # fonts-liberation2
                         "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf",
                         "LiberationSerif-BoldItalic.ttf"),
    "freeserif": ("freefont", "FreeSerif.ttf", "FreeSerifBold.ttf",  # fonts-freefont-ttf
                  "FreeSerifItalic.ttf", "FreeSerifBoldItalic.ttf"),
    # other serif faces
    "dejavu-serif": ("dejavu", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",  # fonts-dejavu-core
                     "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
    "noto-serif": ("noto", "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf",  # fonts-noto-core
                   "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf"),
    # sans faces (Arial and its clones, web copies)
    "arimo": ("croscore", "Arimo-Regular.ttf", "Arimo-Bold.ttf",  # fonts-croscore
              "Arimo-Italic.ttf", "Arimo-BoldItalic.ttf"),
    "liberation-sans": ("liberation2", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
                        "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"),
    "dejavu-sans": ("dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
                    "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"),
    "noto-sans": ("noto", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
                  "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf"),
    "freesans": ("freefont", "FreeSans.ttf", "FreeSansBold.ttf",
                 "FreeSansOblique.ttf", "FreeSansBoldOblique.ttf"),
}
_STYLE_ORDER = ("regular", "bold", "italic", "bolditalic")
FONT_ROOT = Path("/usr/share/fonts/truetype")


def mm_to_px(mm: float, dpi: int) -> float:
    return mm * dpi / 25.4


def pt_to_px(pt: float, dpi: int) -> float:
    return pt * dpi / 72.0


@lru_cache(maxsize=64)
def font_path(style: Style, family: str = DEFAULT_FAMILY) -> Path:
    if family != DEFAULT_FAMILY:
        return _family_path(family, style)
    for name in _FONT_FILES[style]:
        for folder in _FONT_DIRS:
            candidate = folder / name
            if candidate.exists():
                if not name.startswith("Tinos"):
                    log.warning("Tinos not found; using %s", candidate)
                return candidate
    raise FileNotFoundError(f"no font for style {style!r} in {[str(d) for d in _FONT_DIRS]}")


def _family_path(family: str, style: Style) -> Path:
    folder, *files = FONT_FAMILIES[family]
    path = FONT_ROOT / folder / files[_STYLE_ORDER.index(style)]
    if not path.exists():
        raise FileNotFoundError(f"font {family!r} {style} not installed: {path} (make channel-vie "
                                "installs the font packages)")
    return path


@lru_cache(maxsize=256)
def get_font(style: Style, size_px: int, family: str = DEFAULT_FAMILY) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style, family)), size_px)


@dataclass(frozen=True)
class TextStyle:
    """How a run of text is set: face, size in points, line pitch as a multiple of the size."""

    style: Style = "regular"
    size_pt: float = 13.0
    pitch: float = 1.2
    family: str = DEFAULT_FAMILY

    def font(self, dpi: int) -> ImageFont.FreeTypeFont:
        return get_font(self.style, max(6, round(pt_to_px(self.size_pt, dpi))), self.family)

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

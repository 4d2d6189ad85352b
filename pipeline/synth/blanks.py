"""Synthetic filled-in blanks: a printed number line "Số:      /QĐ-UBND" and date line "ngày
   tháng 01 năm 2025" with digits written into the blanks in a script face, thick and blue
(or in the line's own type), as the ocr stage's blank reader (`pipeline.ocr.blanks`) meets
them. Small images, with the word boxes the page's OCR would give for the printed words."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import Box, Line, Word
from pipeline.synth.typeset import get_font

PRINT_SIZE = 40  # pixels (a 13-14 pt line at 200 dpi)
HAND_SIZE = 60
INK_BLUE = (25, 45, 165)
PRINT_BLACK = (20, 20, 20)
BLANK_WIDTH = 150


@cache
def hand_font(size: int) -> ImageFont.FreeTypeFont:
    """A script face for handwriting (URW's Z003, a chancery hand), else the print's italic."""
    found = sorted(Path("/usr/share/fonts").glob("**/Z003*.[ot]tf"))
    if found:
        return ImageFont.truetype(str(found[0]), size)
    return get_font("bolditalic", size)


@dataclass
class BlankLine:
    pixels: np.ndarray  # RGB
    line: Line  # the printed words with their boxes, as OCR would give them
    blank: Box  # where the digits were written


def render_blank_line(before: list[str], after: list[str], digits: str, handwritten: bool,
                      seed: int = 0, block: str | None = None) -> BlankLine:
    """Printed words, a blank filled with `digits`, printed words: handwritten (script face,
    thick, blue, a little off the line) or in the line's own type."""
    rng = random.Random(seed)
    font = get_font("regular", PRINT_SIZE)
    width = 60 + sum(font.getlength(w + " ") for w in before + after) + BLANK_WIDTH + 60
    image = Image.new("RGB", (round(width), 3 * PRINT_SIZE), (250, 250, 248))
    draw = ImageDraw.Draw(image)
    x, y = 30.0, PRINT_SIZE
    words = []
    for text in before:
        words.append(_draw_word(draw, x, y, text, font))
        x += font.getlength(text + " ")
    blank_left = x
    if handwritten:
        hand = hand_font(HAND_SIZE)
        dx, dy = rng.uniform(5, 25), rng.uniform(-14, -6)
        draw.text((x + dx, y + dy), digits, font=hand, fill=INK_BLUE, stroke_width=2,
                  stroke_fill=INK_BLUE)
    else:
        draw.text((x + 10, y), digits, font=font, fill=PRINT_BLACK)
    x += BLANK_WIDTH
    blank = Box(left=round(blank_left), top=0, width=BLANK_WIDTH, height=image.height)
    for text in after:
        words.append(_draw_word(draw, x, y, text, font))
        x += font.getlength(text + " ")
    boxes = [w.box for w in words if w.box is not None]
    top = min(b.top for b in boxes)
    bottom = max(b.top + b.height for b in boxes)
    line = Line(text=" ".join(w.text for w in words), words=words, block=block,
                box=Box(left=boxes[0].left, top=top, width=boxes[-1].left + boxes[-1].width
                        - boxes[0].left, height=bottom - top))
    return BlankLine(np.asarray(image), line, blank)


def _draw_word(draw: ImageDraw.ImageDraw, x: float, y: float, text: str,
               font: ImageFont.FreeTypeFont) -> Word:
    draw.text((x, y), text, font=font, fill=PRINT_BLACK)
    left, top, right, bottom = (round(v) for v in draw.textbbox((x, y), text, font=font))
    return Word(text=text, box=Box(left=left, top=top, width=right - left, height=bottom - top),
                confidence=90.0)


def number_line(digits: str, handwritten: bool = True, seed: int = 0) -> BlankLine:
    return render_blank_line(["Số:"], ["/QĐ-UBND"], digits, handwritten, seed, "header_left")


def date_line(day: str, handwritten: bool = True, seed: int = 0) -> BlankLine:
    return render_blank_line(["Quảng", "Ngãi,", "ngày"], ["tháng", "01", "năm", "2025"], day,
                             handwritten, seed, "header_right")

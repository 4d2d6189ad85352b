"""Recognition: Tesseract's word table -> Lines of Words with boxes and confidences."""

from __future__ import annotations

import unicodedata
from itertools import groupby

from PIL import Image

from pipeline import external
from pipeline.model import Box, Line, Page, Word

WORD_LEVEL = 5


def recognize_image(
    image: Image.Image, lang: str, number: int, dpi: int, preparation: list[str] | None = None,
    psm: int = 3,
) -> Page:
    data = external.tesseract_data(image, lang, psm)
    words = _words(data)
    page = Page(
        number=number, width=image.width, height=image.height, dpi=dpi,
        lines=_lines(words), preparation=list(preparation or []),
    )
    confidences = [word.confidence for _, word in words if word.confidence is not None]
    page.ocr_confidence = round(sum(confidences) / len(confidences), 2) if confidences else None
    return page


def text_layer_page(text: str, number: int) -> Page:
    """A page from a born-digital PDF's text layer: no boxes, no confidences."""
    lines = [unicodedata.normalize("NFC", line.rstrip()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    lines = [line.replace("\f", "") for line in lines]
    return Page(
        number=number, lines=[Line(text=line, words=_plain_words(line)) for line in lines],
        preparation=["text layer"],
    )


def _words(data: dict[str, list]) -> list[tuple[tuple[int, int, int], Word]]:
    """(block, paragraph, line) key and Word for every non-empty word Tesseract found."""
    words = []
    for i, level in enumerate(data["level"]):
        text = unicodedata.normalize("NFC", str(data["text"][i]).strip())
        if int(level) != WORD_LEVEL or not text:
            continue
        confidence = float(data["conf"][i])
        box = Box(left=int(data["left"][i]), top=int(data["top"][i]),
                  width=int(data["width"][i]), height=int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        words.append((key, Word(text=text, box=box,
                                confidence=confidence if confidence >= 0 else None)))
    return words


def _lines(words: list[tuple[tuple[int, int, int], Word]]) -> list[Line]:
    """Lines in Tesseract's reading order; an empty line between blocks, as in its text output."""
    lines: list[Line] = []
    previous_block = None
    for key, group in groupby(words, key=lambda item: item[0]):
        line_words = [word for _, word in group]
        if previous_block is not None and key[0] != previous_block:
            lines.append(Line(text=""))
        previous_block = key[0]
        lines.append(Line(text=" ".join(w.text for w in line_words), words=line_words,
                          box=_union(w.box for w in line_words if w.box)))
    return lines


def _union(boxes) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    left = min(b.left for b in boxes)
    top = min(b.top for b in boxes)
    right = max(b.left + b.width for b in boxes)
    bottom = max(b.top + b.height for b in boxes)
    return Box(left=left, top=top, width=right - left, height=bottom - top)


def _plain_words(line: str) -> list[Word]:
    return [Word(text=token) for token in line.split()]

"""Recognition: Tesseract's word table -> Lines of Words with boxes and confidences, in the
reading order of `pipeline.ocr.layout` (side-by-side header and foot blocks kept apart)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from PIL import Image

from pipeline import external
from pipeline.model import Box, Line, Overlay, Page, TextLayer, Word
from pipeline.ocr.layout import mean_confidence, order_lines
from pipeline.ocr.overlays import outside

WORD_LEVEL = 5


def recognize_image(
    image: Image.Image, lang: str, number: int, dpi: int, preparation: list[str] | None = None,
    psm: int = 3, offset: tuple[int, int] = (0, 0), page_size: tuple[int, int] | None = None,
    find_overlays: Callable[[list[Word]], list[Overlay]] | None = None,
) -> Page:
    """`image`: the page, or the part of it at `offset` (left, top) of a page of `page_size`
    (width, height); word boxes are given in the page's pixels. `find_overlays`: what of the
    words read is printed over the page (a received stamp), kept out of its lines."""
    data = external.tesseract_data(image, lang, psm)
    words = _words(data, offset)
    overlays = find_overlays([word for _, word in words]) if find_overlays else []
    if overlays:
        words = outside(words, [overlay.box for overlay in overlays])
    width, height = page_size or (image.width, image.height)
    return Page(
        number=number, width=width, height=height, dpi=dpi,
        lines=order_lines(words), preparation=list(preparation or []),
        ocr_confidence=mean_confidence(word for _, word in words), overlays=overlays,
    )


def text_layer_page(text: str, number: int, text_layer: TextLayer | None = None) -> Page:
    """A page from a PDF's text layer (`text_layer`: the judgement that took it): no boxes, no
    confidences."""
    lines = [unicodedata.normalize("NFC", line.rstrip()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    lines = [line.replace("\f", "") for line in lines]
    return Page(
        number=number, lines=[Line(text=line, words=_plain_words(line)) for line in lines],
        preparation=["text layer"], text_layer=text_layer,
    )


def _words(
    data: dict[str, list], offset: tuple[int, int] = (0, 0)
) -> list[tuple[tuple[int, int, int], Word]]:
    """(block, paragraph, line) key and Word for every non-empty word Tesseract found."""
    words = []
    for i, level in enumerate(data["level"]):
        text = unicodedata.normalize("NFC", str(data["text"][i]).strip())
        if int(level) != WORD_LEVEL or not text:
            continue
        confidence = float(data["conf"][i])
        box = Box(left=int(data["left"][i]) + offset[0], top=int(data["top"][i]) + offset[1],
                  width=int(data["width"][i]), height=int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        words.append((key, Word(text=text, box=box,
                                confidence=confidence if confidence >= 0 else None)))
    return words


def _plain_words(line: str) -> list[Word]:
    return [Word(text=token) for token in line.split()]

"""Overlays: what is printed over a document without being its text. Digital-signature boxes
("Ký bởi: …", "Người ký: …", "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", an e-mail and a time), copy
stamps ("SAO Y BẢN CHÍNH"), received stamps ("CÔNG VĂN ĐẾN").

Signed PDFs carry the signature box as visible text over the scan (`textlayer` calls it an
overlay). Its words are exact in the PDF, and OCR of the same spot reads them badly (small
type over a logo) and, worse, they break the page's layout: a box above the letterhead keeps
the two header blocks from being seen side by side. So on such pages the box is painted out
of the page before OCR, its lines are taken from the PDF, kept apart from the document's own
lines (block "overlay", first on the page as the signature box is printed at the top), and
recorded in `Page.overlays`.

A received stamp ("CÔNG VĂN ĐẾN" / "CV ĐẾN", with "Số", "Ngày", "Chuyển" filled in by hand) is
printed on the scan itself, often over the first lines of the text, in a ruled frame. Its
words break the letterhead and the body apart ("ĐẾN" taken for the issuer's line, "Số: 2770"
run into the first body line). It is found from its word "ĐẾN" inside a frame of stamp size
(`received_stamps`): the words inside the frame are the stamp's, kept as its overlay.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np
import regex

from pipeline import external
from pipeline.model import Box, Line, Overlay, Word
from pipeline.ocr.pdfcontent import save_visible_text_page

OVERLAY = "overlay"
# Paper around an overlay's words painted out with them (points; its logo is a seal, taken
# out by colour).
MARGIN_PT = 2.0
_RECEIVED = regex.compile(r"\b(?:CÔNG\s+VĂN\s+ĐẾN|CV\s+ĐẾN|ĐẾN\s*Số)\b", regex.IGNORECASE)
# The stamp's own word, in capitals as it is printed (marks lost or misread at times).
_STAMP_WORD = regex.compile(r"^\W*(?:ĐẾN|ĐÉN|ĐẼN|ĐỀN|DEN|ĐEN)\W*$")
# A received stamp's frame: this share of the page's width and height (a frame of 4-8 by
# 1.5-4 cm on A4), in the upper part of the page.
STAMP_WIDTH = (0.1, 0.5)
STAMP_HEIGHT = (0.02, 0.15)
STAMP_REGION = 0.6
_COPY = regex.compile(r"\bSAO\s+Y\b|\bBẢN\s+SAO\b", regex.IGNORECASE)


def overlay_kind(text: str) -> str:
    """What kind of overlay a box with this text is."""
    if _COPY.search(text):
        return "copy-stamp"
    if _RECEIVED.search(text):
        return "received-stamp"
    return "digital-signature"


def pdf_overlays(path: Path, number: int, pixels_per_point: float,
                 invisible_text: bool = False) -> list[Overlay]:
    """The page's overlay text boxes (one per pdftotext block), in page pixels; on a page that
    also has invisible text (a copier's OCR), from its visible text alone."""
    if invisible_text:
        with tempfile.TemporaryDirectory(prefix="vnplan_overlay_") as folder:
            visible = Path(folder) / "visible.pdf"
            save_visible_text_page(path, number, visible)
            _, blocks = external.pdf_page_blocks(visible, 1)
    else:
        _, blocks = external.pdf_page_blocks(path, number)
    overlays = []
    for lines in blocks:
        texts = [line["text"] for line in lines if line["text"].strip()]
        if not texts:
            continue
        left = min(line["box"][0] for line in lines) - MARGIN_PT
        top = min(line["box"][1] for line in lines) - MARGIN_PT
        right = max(line["box"][2] for line in lines) + MARGIN_PT
        bottom = max(line["box"][3] for line in lines) + MARGIN_PT
        box = Box(left=max(0, round(left * pixels_per_point)),
                  top=max(0, round(top * pixels_per_point)),
                  width=round((right - left) * pixels_per_point),
                  height=round((bottom - top) * pixels_per_point))
        text = "\n".join(texts)
        overlays.append(Overlay(kind=overlay_kind(text), page=number, box=box, text=text))
    return overlays


def overlay_lines(overlays: list[Overlay]) -> list[Line]:
    """The overlays' lines, top to bottom, each box's lines together."""
    lines: list[Line] = []
    for overlay in sorted(overlays, key=lambda o: (o.box.top, o.box.left) if o.box else (0, 0)):
        lines.extend(Line(text=text, block=OVERLAY, box=overlay.box)
                     for text in overlay.text.split("\n"))
    return lines


def received_stamps(gray: np.ndarray, words: list[Word], number: int) -> list[Overlay]:
    """Received stamps on the page: frames of stamp size around a word "ĐẾN" (in page pixels);
    their text is the words inside, top to bottom."""
    height, width = gray.shape
    anchors = [w for w in words if w.box and _STAMP_WORD.match(w.text)
               and w.box.top < height * STAMP_REGION]
    if not anchors:
        return []
    stamps = []
    for frame in _stamp_frames(gray):
        if not any(_centre_in(anchor.box, frame) for anchor in anchors):
            continue
        inside = [w for w in words if w.box and _centre_in(w.box, frame)]
        stamps.append(Overlay(kind="received-stamp", page=number, box=frame,
                              text=_text_of(inside)))
    return stamps


def outside(words: list, boxes: list[Box]) -> list:
    """The (key, word) pairs whose word's centre lies in none of the boxes."""
    return [(key, word) for key, word in words
            if not word.box or not any(_centre_in(word.box, box) for box in boxes)]


def _stamp_frames(gray: np.ndarray) -> list[Box]:
    """Boxes of connected ruled lines of a stamp's size (a frame, even if printed faintly in
    part: a stamp is pressed by hand)."""
    from pipeline.ocr.tables import binarize, rule_masks

    height, width = gray.shape
    horizontal, vertical = rule_masks(binarize(gray), min(height, width))
    joined = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    frames = []
    for label in range(1, count):
        left, top, box_w, box_h, _ = stats[label]
        if STAMP_WIDTH[0] * width <= box_w <= STAMP_WIDTH[1] * width \
                and STAMP_HEIGHT[0] * height <= box_h <= STAMP_HEIGHT[1] * height:
            frames.append(Box(left=int(left), top=int(top), width=int(box_w),
                              height=int(box_h)))
    return frames


def _centre_in(box: Box, frame: Box) -> bool:
    x, y = box.left + box.width / 2, box.top + box.height / 2
    return (frame.left <= x <= frame.left + frame.width
            and frame.top <= y <= frame.top + frame.height)


def _text_of(words: list[Word]) -> str:
    """Words as lines: those whose middles are within half a word's height of each other."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.box.top + w.box.height / 2):
        middle = word.box.top + word.box.height / 2
        if lines and abs(middle - _middle(lines[-1])) <= word.box.height / 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return "\n".join(" ".join(w.text for w in sorted(line, key=lambda w: w.box.left))
                     for line in lines)


def _middle(line: list[Word]) -> float:
    return sum(w.box.top + w.box.height / 2 for w in line) / len(line)

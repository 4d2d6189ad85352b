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
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import regex

from pipeline import external
from pipeline.model import Box, Line, Overlay
from pipeline.ocr.pdfcontent import save_visible_text_page

OVERLAY = "overlay"
# Paper around an overlay's words painted out with them (points; its logo is a seal, taken
# out by colour).
MARGIN_PT = 2.0
_RECEIVED = regex.compile(r"\b(?:CÔNG\s+VĂN\s+ĐẾN|CV\s+ĐẾN|ĐẾN\s*Số)\b", regex.IGNORECASE)
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

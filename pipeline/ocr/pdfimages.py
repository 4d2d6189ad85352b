"""Damaged image data in a PDF page, found by decoding it where that is cheap.

Poppler draws damaged data without a word in some cases (bytes changed inside a Flate stream, a
JPEG cut short), so the ocr stage checks a page's images before it trusts its raster.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, UnidentifiedImageError

from pipeline.ocr.pdfcontent import open_pdf

# Flate data is inflated in steps of 1 MiB in, 64 KiB out: memory stays small.
INFLATE_IN = 1 << 20
INFLATE_OUT = 1 << 16
# A JPEG is decoded at an eighth of its size: every byte is still decoded, in 1/10 the time.
JPEG_DRAFT = 8


def damaged_images(path: Path, number: int) -> list[str]:
    """What is wrong with the data of the images page `number` draws, checked by decoding it
    where that is cheap to do without poppler, which draws damaged data without a word in
    some cases (bytes changed inside a Flate stream, a JPEG cut short): a Flate stream must
    inflate to its end with a good checksum, a JPEG must decode. Empty when all is well."""
    found = []
    with open_pdf(path) as pdf:
        page = pdf.pages[number - 1]
        for name, image in page.get_images().items():
            filters = image.get("/Filter")
            filters = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
            if filters not in ([pikepdf.Name.FlateDecode], [pikepdf.Name.DCTDecode]):
                continue
            try:
                raw = image.read_raw_bytes()
                if filters == [pikepdf.Name.FlateDecode]:
                    inflate = zlib.decompressobj()
                    for start in range(0, len(raw), INFLATE_IN):
                        inflate.decompress(raw[start:start + INFLATE_IN], INFLATE_OUT)
                        while inflate.unconsumed_tail:
                            inflate.decompress(inflate.unconsumed_tail, INFLATE_OUT)
                    if not inflate.eof:
                        raise zlib.error("data ends before the stream does")
                else:
                    with Image.open(io.BytesIO(raw)) as decoded:
                        decoded.draft(decoded.mode, (decoded.width // JPEG_DRAFT,
                                                     decoded.height // JPEG_DRAFT))
                        decoded.load()
            except (zlib.error, OSError, SyntaxError, ValueError, pikepdf.PdfError) as exc:
                kind = "Flate" if filters == [pikepdf.Name.FlateDecode] else "JPEG"
                reason = "not a JPEG" if isinstance(exc, UnidentifiedImageError) else str(exc)
                found.append(f"image {str(name).lstrip('/')}: {kind} data damaged ({reason})")
    return found

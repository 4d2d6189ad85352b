"""Make pipeline/data/glyphless.ttf: the font of NAME.pdf's invisible text layer.

A TrueType font with two glyphs, .notdef and one empty glyph half an em wide, as Tesseract's
and OCRmyPDF's "GlyphLessFont": the PDF maps every character code to that glyph
(CIDToGIDMap) and carries the text in its ToUnicode map, so any Unicode text (Vietnamese
with all its marks) is searchable and copies out right while nothing is drawn. Made with
fontTools (installed with the dev dependencies); deterministic (fixed dates).

    python -m tools.make_glyphless_font [--out pipeline/data/glyphless.ttf]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

UNITS_PER_EM = 1000
GLYPH_WIDTH = 500  # the advance of every character: the PDF's /DW says the same
FIXED_TIME = 0  # seconds since 1904 in the head table: the same bytes every time


def glyphless_font() -> bytes:
    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space"])
    builder.setupCharacterMap({0x20: "space"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "space": empty})
    builder.setupHorizontalMetrics({".notdef": (GLYPH_WIDTH, 0), "space": (GLYPH_WIDTH, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "GlyphLessFont", "styleName": "Regular",
                            "psName": "GlyphLessFont"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.updateHead(created=FIXED_TIME, modified=FIXED_TIME)
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("pipeline/data/glyphless.ttf"))
    args = parser.parse_args()
    args.out.write_bytes(glyphless_font())
    print(f"{args.out}: {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()

"""NAME.pdf: the input's pages as they are, with an invisible text layer of the restored text.

Archives keep scans as searchable PDFs; OCRmyPDF makes them with Tesseract's text, this one
carries the restored Vietnamese, so that search and copy-paste give the corrected words.

- PDF inputs: the input's own pages, objects and image streams copied as stored (qpdf copies
  streams without decoding them: the images' raw data stay byte for byte); each page read by
  OCR gets its text drawn after its own content. A page whose text came from its own text
  layer (`text_layer.used`) is left exactly as it is: it is searchable already.
- Image inputs (PNG, JPEG, TIFF): img2pdf embeds the image without re-encoding it where the
  PDF format allows (JPEG data as it is; PNG and TIFF pixels losslessly: the decoded pixels
  are the same), then the text layer is added the same way.
- Text inputs have no pages: no PDF.

The text is drawn in render mode 3 (invisible) with a glyphless font (Tesseract's and
OCRmyPDF's approach): a TrueType font whose one glyph is empty (pipeline/data/glyphless.ttf),
every character code (the Unicode code point, two bytes, Identity-H) mapped to it, and a
ToUnicode map saying which character each code is: any Vietnamese text works.

Placement: each restored line is drawn on its OCR line; its words on the OCR words' boxes
when the restored line has as many words as were read (one for one), else the whole line
spread over the line's box. A word is stretched (Tz) to its box's width.

Reading order: the text is drawn in the restored text's order (`pdftotext -raw`), and so
that poppler's own reading order (plain `pdftotext`, copy-paste in evince) is that order
too (`_as_poppler_reads`): poppler builds blocks of lines of one font size (within 5 %)
not farther apart than 1.5 font sizes, a line's words into it while the gaps stay under
about 0.7 font sizes, and reads side-by-side blocks left first. So each run of lines of
one kind (the header's left column, its right one, the body, the signature) has one font
size (the header's columns and the signature's a larger one where their lines stand
farther apart), a line's words reach to the next word less a small gap, a level line's
words share one baseline, and a table row ("cell | cell") is drawn as one line across its
cells (each cell's text filling its cell's width, at the table's one font size), not in
the cells line under line, which poppler reads column by column.

PDF/A-2b (XMP identification, an sRGB output intent, deterministic trailer ID) is claimed
when nothing in the input stands in the way (`pdfa_obstacles`): an encrypted or PDF 2.0
input, fonts not embedded, CMYK colour, LZW data, JavaScript or attached files. The claim is
checked structurally here (and in the tests with qpdf and pdftotext), not by a PDF/A
validator: none installs from the registries this project uses.
"""

from __future__ import annotations

import io
import logging
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import numpy as np
import pikepdf
from pikepdf import Array, Dictionary, Name

from pipeline import resources
from pipeline.model import Box, Document, Line, Page

log = logging.getLogger("pipeline")

GLYPH_WIDTH = 500  # the glyphless font's advance, in 1/1000 em (tools/make_glyphless_font.py)
BASELINE = 0.8  # the baseline's depth in a line's box (the font's ascent, 800 of 1000)
SNAP_DEGREES = 15.0  # text slanted less than this on the page is drawn level (`_square`)
FONT_PREFIX = "FVnPlanText"
CELL_PAD = 0.15  # a table cell's text kept this far (font sizes) inside its cell
MIN_SCALING = 0.4  # a table row's text squeezed no narrower (Tz 40 %): `_fitting_size`
SPACE_WIDTH = 0.3  # the most a run's closing space takes of its box, in font sizes
# Runs of lines that stand beside another (the header's two columns, the recipients beside the
# signature): each drawn as one poppler block (`_run_size`).
SIDE_BY_SIDE = frozenset({"header_left", "header_right", "recipients", "signature"})
BLOCK_LINE_SPACING = 1.4  # baseline to baseline, in font sizes (poppler's limit is 1.5)
MAX_GROWTH = 2.0
SAME_LINE = 0.6  # baselines closer than this (font sizes) are one line (poppler: 0.5)
WORD_GAP = 0.25  # the gap left between a line's words, in font sizes (`_as_poppler_reads`)
# What reading the input into a PDF can raise on a file the rest of the pipeline could read:
# NAME.pdf is then not written (pipeline.emit says so), the other outputs are.
PDF_ERRORS = (pikepdf.PdfError, OSError, ValueError, RuntimeError)
PDFA_PART, PDFA_CONFORMANCE = "2", "B"


@dataclass(frozen=True)
class Placed:
    """A run of text and where it goes on the page as read: `box` in its pixels; `line_box`
    gives the text's baseline, `size` its font size in pixels (the line's height when None)."""

    text: str
    box: Box
    line_box: Box
    size: float | None = None


# --- what goes where -------------------------------------------------------------------------

def page_texts(document: Document) -> dict[int, list[Placed]]:
    """The restored text of each page read by OCR, placed on the page as read (by page
    number), in the restored text's order. Pages with their own text layer used, failed
    pages and pages without a known placement on their image are not listed."""
    restored = document.text_lines
    pages = {page.number: page for page in document.pages if _gets_text(page)}
    runs: dict[int, list[tuple[str, list[Placed]]]] = {number: [] for number in pages}
    rows = {number: _table_rows(page) for number, page in pages.items()}
    for li, line in enumerate(document.page_lines):
        if line.page not in pages or li >= len(restored):
            continue
        if line.block == "overlay" and _has_own_text(pages[line.page]):
            continue  # a signature box's text: the input has it as text already
        if line.block == "table":
            cells, size = next(rows[line.page], ([], 1))
            runs[line.page].append(("table", _row_placed(cells, size)))
        else:
            runs[line.page].append((line.block or "", line_placed(line, restored[li])))
    return {number: _as_poppler_reads(page_runs) for number, page_runs in runs.items()}


def _as_poppler_reads(runs: list[tuple[str, list[Placed]]]) -> list[Placed]:
    """The page's lines drawn so that pdftotext's reading order (poppler's TextOutputDev)
    is the restored text's. Poppler puts lines of one font size (within 5 %) one under the
    other into a block, and a line's words into it while the gaps between them stay under
    about 0.7 font sizes; blocks side by side it reads left block first. So every line of
    a run of lines of one kind (the header's left column, its right one, the body) gets
    that run's font size, and a line's words reach to the next word's start less a small
    gap (a justified line's or a spaced heading's wide gaps would split it)."""
    placed: list[Placed] = []
    for kind, group in groupby(runs, key=lambda run: run[0]):
        lines = [line for _, line in group if line]
        if lines:
            size = _run_size(lines, kind in SIDE_BY_SIDE)
            for line in lines:
                placed.extend(_gaps_closed(line, size))
    return placed


def _run_size(lines: list[list[Placed]], one_block: bool) -> float:
    """The font size of a run of lines: their usual height; for a column with another beside
    it (`one_block`), large enough (up to MAX_GROWTH times) that poppler's block takes in
    every line of it, the line under line not farther than 1.5 font sizes: a line left
    out is a block of its own, read after the column beside it."""
    heights = sorted(line[0].line_box.height for line in lines)
    size = float(heights[len(heights) // 2])
    if one_block and len(lines) > 1:
        tops = [line[0].line_box.top + BASELINE * line[0].line_box.height for line in lines]
        pitches = [abs(b - a) for a, b in zip(tops, tops[1:], strict=False)]
        grown = max(size, min(MAX_GROWTH * size, max(pitches) / BLOCK_LINE_SPACING))
        # but lines whose baselines are closer than half a font size are one line to poppler
        size = min(grown, max(size, min(pitches) / SAME_LINE))
    return size


def _gaps_closed(line: list[Placed], size: float) -> list[Placed]:
    closed = []
    for item, after in zip(line, [*line[1:], None], strict=True):
        right = item.box.left + item.box.width
        if after is not None and after.box.left - right > WORD_GAP * size:
            right = round(after.box.left - WORD_GAP * size)
        elif after is not None and after.box.left < right:  # boxes that overlap: cut back,
            right = max(item.box.left + 1, after.box.left)  # the closing space then parts them
        box = item.box.model_copy(update={"width": max(1, right - item.box.left)})
        closed.append(Placed(item.text, box, item.line_box, item.size or size))
    return closed


def _has_own_text(page: Page) -> bool:
    return page.text_layer is not None and page.text_layer.kind != "none"


def _gets_text(page: Page) -> bool:
    used_layer = page.text_layer is not None and page.text_layer.used
    return (not used_layer and page.error is None and page.to_image is not None
            and page.image_size is not None)


def line_placed(line: Line, restored: str) -> list[Placed]:
    """A restored line on its OCR line: word for word on the OCR words' boxes when the counts
    agree, else the whole line over the line's box."""
    words = restored.split()
    line_box = line.box or _union([word.box for word in line.words])
    if not words or line_box is None:
        return []
    boxes = [word.box for word in line.words]
    if len(boxes) == len(words) and all(box is not None for box in boxes):
        return [Placed(text, box, line_box) for text, box in zip(words, boxes, strict=True)]
    return spread(words, line_box, line_box)


def spread(words: list[str], box: Box, line_box: Box) -> list[Placed]:
    """Words laid over `box` left to right, each as wide as its letters, a letter's width
    after each: every word its own run with a gap after it, so that pdftotext and viewers
    tell the words apart as they do printed words (one run with spaces in it, squeezed, is
    read as one word), and a table's neighbouring cells do not touch."""
    units = sum(map(len, words)) + len(words)
    placed, at = [], 0
    for word in words:
        left = box.left + round(box.width * at / units)
        right = box.left + round(box.width * (at + len(word)) / units)
        placed.append(Placed(word, Box(left=left, top=box.top, width=max(1, right - left),
                                       height=box.height), line_box, line_box.height))
        at += len(word) + 1
    return placed


def _table_rows(page: Page) -> Iterator[tuple[list, int]]:
    """The page's table rows in the order their lines stand (tables top to bottom, rows in
    order: `ocr.with_tables`), each its cells left to right, with the table's font size:
    the page's usual line height, or less where a row's text would not fit its cells on one
    line (`_row_placed`). One size for the table: poppler's reading order goes wrong among
    rows of other sizes."""
    line_height = _line_height(page)
    for table in sorted(page.tables, key=lambda t: t.box.top if t.box else 0):
        rows = table.rows()
        fits = [_fitting_size(_cell_words(cell), cell.box) for row in rows for cell in row
                if _cell_words(cell) and cell.box is not None]
        size = max(1, round(min([line_height, *fits])))
        for row in rows:
            yield row, size


def _cell_words(cell) -> list[str]:
    return (cell.restored if cell.restored is not None else cell.text).split()


def _row_placed(cells: list, size: int) -> list[Placed]:
    """A table row as one line across its cells, each cell's restored text filling its
    cell's width, on the row's middle at font size `size`: poppler then reads the row as
    one line, cell after cell, as the restored text has it (cells drawn in their boxes line
    under line are read column by column: blocks side by side)."""
    row = _union([cell.box for cell in cells])
    if row is None:
        return []
    line_box = Box(left=row.left, top=row.top + max(0, row.height - size) // 2,
                   width=row.width, height=size)
    pad = round(CELL_PAD * size)
    placed = []
    for cell in cells:
        words = _cell_words(cell)
        if not words or cell.box is None:
            continue
        inner = Box(left=cell.box.left + pad, top=line_box.top,
                    width=max(1, cell.box.width - 2 * pad), height=size)
        placed.extend(_filled(words, inner, line_box, round(WORD_GAP * size)))
    return placed


def _fitting_size(words: list[str], box: Box) -> float:
    """The largest font size at which the words fit the box's width on one line squeezed no
    narrower than MIN_SCALING: poppler takes letters closer than a tenth of the font size
    for doubled ones (fake bold) and splits the words there."""
    chars = sum(map(len, words)) + 2 * len(words)  # each word's closing space and gap
    return box.width * (1 - 2 * CELL_PAD) / (chars * GLYPH_WIDTH / 1000 * MIN_SCALING)


def _filled(words: list[str], box: Box, line_box: Box, gap: int) -> list[Placed]:
    """Words over the whole of `box`, each as wide as its share of the letters, `gap`
    pixels between them (however wide the box: wider gaps would split the line)."""
    letters = sum(map(len, words))
    free = max(len(words), box.width - gap * (len(words) - 1))
    placed, at, left = [], 0, box.left
    for k, word in enumerate(words):
        right = box.left + round(free * (at + len(word)) / letters) + gap * k
        placed.append(Placed(word, Box(left=left, top=box.top, width=max(1, right - left),
                                       height=box.height), line_box, line_box.height))
        at += len(word)
        left = right + gap
    return placed


def _line_height(page: Page) -> int:
    heights = sorted(line.box.height for line in page.lines
                     if line.box is not None and line.block != "table")
    return heights[len(heights) // 2] if heights else 40


def _union(boxes: list[Box | None]) -> Box | None:
    boxes = [box for box in boxes if box is not None]
    if not boxes:
        return None
    left, top = min(b.left for b in boxes), min(b.top for b in boxes)
    right = max(b.left + b.width for b in boxes)
    bottom = max(b.top + b.height for b in boxes)
    return Box(left=left, top=top, width=right - left, height=bottom - top)


# --- the PDF ---------------------------------------------------------------------------------

def render_pdf(document: Document, input_path: Path, kind: str) -> bytes:
    """NAME.pdf's bytes: the input's pages (`kind` "pdf" or "image") with the restored text
    layer. Deterministic: the same document and input give the same bytes."""
    pdf = _open_base(input_path, kind)
    obstacles = pdfa_obstacles(pdf)
    font = None
    for number, placed in page_texts(document).items():
        if not placed or number > len(pdf.pages):
            continue
        font = font or _glyphless_font(pdf)
        _add_text_layer(pdf, pdf.pages[number - 1], document.pages[number - 1], placed, font)
    if obstacles:
        log.info("%s: its searchable PDF is not PDF/A-2b: %s", input_path.name,
                 "; ".join(obstacles))
    else:
        _make_pdfa(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             recompress_flate=False, min_version="1.4")
    return out.getvalue()


def _open_base(input_path: Path, kind: str) -> pikepdf.Pdf:
    if kind == "pdf":
        return pikepdf.open(input_path)
    pdf = pikepdf.open(io.BytesIO(image_pdf(input_path)))
    if "/ID" in pdf.trailer:  # img2pdf's is random: the saved file's is made from its content
        del pdf.trailer.ID
    return pdf


def image_pdf(path: Path) -> bytes:
    """The image file as a PDF, its data embedded as it is where PDF allows (img2pdf; an
    alpha channel becomes a soft mask); an image img2pdf refuses for its alpha channel is
    embedded without it."""
    import img2pdf

    try:
        return _img2pdf(path)
    except img2pdf.AlphaChannelError:
        from PIL import Image

        log.warning("%s: transparency dropped in NAME.pdf (PDF images have none)", path.name)
        frames = []
        with Image.open(path) as image:
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").split()[-1])
                buffer = io.BytesIO()
                flat.save(buffer, format="PNG", dpi=image.info.get("dpi", (96, 96)))
                frames.append(buffer.getvalue())
        return _img2pdf(frames)


def _img2pdf(images) -> bytes:
    """img2pdf's PDF; its refusals (a colour space or orientation PDF cannot hold, a page too
    large) as ValueError, one of PDF_ERRORS."""
    import img2pdf

    refusals = (img2pdf.ExifOrientationError, img2pdf.ImageOpenError,
                img2pdf.JpegColorspaceError, img2pdf.NegativeDimensionError,
                img2pdf.PdfTooLargeError, img2pdf.UnsupportedColorspaceError)
    try:
        return img2pdf.convert(images if isinstance(images, list) else str(images), nodate=True)
    except refusals as error:
        raise ValueError(f"img2pdf: {error}") from error


def _glyphless_font(pdf: pikepdf.Pdf) -> Dictionary:
    """The Type 0 font of the text layer: every two-byte code drawn with the empty glyph,
    read back through ToUnicode as the code point it is."""
    font_file = pikepdf.Stream(pdf, resources.path(resources.GLYPHLESS_FONT).read_bytes())
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name.GlyphLessFont, Flags=5,
        FontBBox=Array([0, -200, GLYPH_WIDTH, 800]), ItalicAngle=0, Ascent=800, Descent=-200,
        CapHeight=800, StemV=80, FontFile2=font_file))
    cid_to_gid = _flate_stream(pdf, b"\x00\x01" * 65536)
    cid_font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name.GlyphLessFont,
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"),
                                 Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, DW=GLYPH_WIDTH, CIDToGIDMap=cid_to_gid))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name.GlyphLessFont,
        Encoding=Name("/Identity-H"), DescendantFonts=Array([cid_font]),
        ToUnicode=_flate_stream(pdf, _identity_cmap())))


def _identity_cmap() -> bytes:
    """Code = Unicode code point, for the Basic Multilingual Plane (surrogates left out)."""
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256)
              if not 0xD8 <= hi <= 0xDF]
    blocks = []
    for start in range(0, len(ranges), 100):
        chunk = ranges[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(blocks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()


def _flate_stream(pdf: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, zlib.compress(data, 9))
    stream.Filter = Name.FlateDecode
    return stream


def _add_text_layer(pdf: pikepdf.Pdf, pdf_page: pikepdf.Page, page: Page,
                    placed: list[Placed], font: Dictionary) -> None:
    """The page's own content wrapped in q/Q (its graphics state cannot leak into the text),
    then the text."""
    name = _free_font_name(pdf_page)
    pdf_page.add_resource(font, Name.Font, name=name)
    geometry = PageGeometry.of(pdf_page, page)
    ops = [b"BT", b"3 Tr"]
    for item in placed:
        ops.extend(_text_ops(item, geometry, str(name)))
    ops.append(b"ET")
    pdf_page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    pdf_page.contents_add(pikepdf.Stream(pdf, b"\nQ\n"))
    pdf_page.contents_add(_flate_stream(pdf, b"\n".join(ops) + b"\n"))


def _free_font_name(pdf_page: pikepdf.Page) -> Name:
    """A font name the page's resources do not use yet, the same in every run."""
    used = set(pdf_page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary()).keys())
    number = 0
    while f"/{FONT_PREFIX}{number or ''}" in used:
        number += 1
    return Name(f"/{FONT_PREFIX}{number or ''}")


@dataclass(frozen=True)
class PageGeometry:
    """Read-page pixels -> PDF user space: the page's placement on its decoded image, that
    image laid over the page as shown (its crop box, turned by /Rotate)."""

    to_user: np.ndarray  # 3 x 3, projective

    @classmethod
    def of(cls, pdf_page: pikepdf.Page, page: Page) -> PageGeometry:
        x0, y0, x1, y1 = (float(v) for v in pdf_page.cropbox)
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        rotate = int(_inherited(pdf_page.obj, "/Rotate") or 0) % 360
        shown_w, shown_h = (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)
        image_w, image_h = page.image_size
        to_shown = np.diag([shown_w / image_w, shown_h / image_h, 1.0])
        # shown page (origin top left, y down, points) -> user space, for each /Rotate
        to_user = {
            0: [[1, 0, x0], [0, -1, y1], [0, 0, 1]],
            90: [[0, 1, x0], [1, 0, y0], [0, 0, 1]],
            180: [[-1, 0, x1], [0, 1, y0], [0, 0, 1]],
            270: [[0, -1, x1], [-1, 0, y1], [0, 0, 1]],
        }[rotate]
        return cls(np.array(to_user, dtype=float) @ to_shown @ np.array(page.to_image))

    def point(self, x: float, y: float) -> np.ndarray:
        mapped = self.to_user @ np.array([x, y, 1.0])
        return mapped[:2] / mapped[2]


def _square(x_axis: np.ndarray, y_axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The text's axes turned to the page's nearest quarter turn when they lie within
    SNAP_DEGREES of it (a photo's lines, a skewed scan's): pdftotext and viewers read slanted
    text letter by letter and out of order, level text as words and lines."""
    angle = math.atan2(x_axis[1], x_axis[0])
    quarter = round(angle / (math.pi / 2)) * (math.pi / 2)
    if abs(angle - quarter) > math.radians(SNAP_DEGREES):
        return x_axis, y_axis
    hand = 1.0 if x_axis[0] * y_axis[1] - x_axis[1] * y_axis[0] >= 0 else -1.0
    level = np.array([math.cos(quarter), math.sin(quarter)]).round(12)
    return level, hand * np.array([-level[1], level[0]])


def _inherited(obj: pikepdf.Dictionary, key: str):
    while obj is not None:
        if key in obj:
            return obj[key]
        obj = obj.get("/Parent")
    return None


def _text_ops(item: Placed, geometry: PageGeometry, font: str) -> list[bytes]:
    """One run of text: its origin on the baseline, its x axis along the box, its size the
    line's height (or `item.size`), stretched to the box's width."""
    codes = [ord(ch) for ch in item.text if ord(ch) <= 0xFFFF and not 0xD800 <= ord(ch) < 0xE000]
    if not codes:
        return []
    # A space closes every run, at the end of its box: poppler (pdftotext, evince) then ends
    # the word there even where two words' boxes touch or overlap, as OCR boxes may. The
    # letters fill the box but for the space's share of it, or SPACE_WIDTH where that share
    # is wider (a word stretched over a wide cell): a wide gap would split the line.
    codes.append(0x20)
    box, line = item.box, item.line_box
    baseline = line.top + BASELINE * line.height
    origin = geometry.point(box.left, baseline)
    along = geometry.point(box.left + box.width, baseline) - origin
    up = geometry.point(box.left, line.top) - geometry.point(box.left, line.top + line.height)
    width, size = float(np.hypot(*along)), float(np.hypot(*up))
    if item.size is not None:  # the font size asked for, at the line's scale
        size *= item.size / line.height
    if width <= 0 or size <= 0:
        return []
    x_axis, y_axis = _square(along / width, up / size)
    if not np.allclose(x_axis, along / width):
        # drawn level: every run of the line on the baseline through the line's start, so
        # that poppler finds them on one line however long the line and skewed the scan
        start = geometry.point(line.left, baseline)
        origin = start + x_axis * float(np.dot(origin - start, x_axis))
    letters = width - min(width / len(codes), SPACE_WIDTH * size)
    scaling = 100.0 * letters / ((len(codes) - 1) * size * GLYPH_WIDTH / 1000.0)
    matrix = " ".join(f"{v:.4f}" for v in (*x_axis, *y_axis, *origin))
    text = "".join(f"{code:04X}" for code in codes)
    return [f"{font} {size:.2f} Tf {scaling:.3f} Tz".encode(), f"{matrix} Tm".encode(),
            f"<{text}> Tj".encode()]


# --- PDF/A -----------------------------------------------------------------------------------

def pdfa_obstacles(pdf: pikepdf.Pdf) -> list[str]:
    """What in the input keeps the output from being PDF/A-2b (empty: nothing found)."""
    found = []
    if pdf.is_encrypted:
        found.append("encrypted")
    if pdf.pdf_version > "1.7":
        found.append(f"PDF {pdf.pdf_version} (PDF/A-2 is PDF 1.7)")
    root = pdf.Root
    if "/Names" in root and ("/JavaScript" in root.Names or "/EmbeddedFiles" in root.Names):
        found.append("JavaScript or attached files")
    if "/OutputIntents" in root and not _claims_pdfa(pdf):
        found.append("an output intent of its own")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            found.extend(_object_obstacles(obj))
    return sorted(set(found))


def _object_obstacles(obj) -> list[str]:
    found = []
    filters = obj.get("/Filter") if isinstance(obj, pikepdf.Stream) else None
    names = [filters] if isinstance(filters, Name) else list(filters or [])
    if Name.LZWDecode in names:
        found.append("LZW-compressed data")
    space = obj.get("/ColorSpace")
    if space is not None and _is_cmyk(space):
        found.append("CMYK colour (its output intent is sRGB)")
    if obj.get("/Type") == Name.Font and obj.get("/Subtype") in (Name.Type1, Name.TrueType,
                                                                  Name.MMType1):
        descriptor = obj.get("/FontDescriptor")
        if descriptor is None or not any(key in descriptor for key in
                                         ("/FontFile", "/FontFile2", "/FontFile3")):
            found.append(f"font {obj.get('/BaseFont')} not embedded")
    return found


def _is_cmyk(space) -> bool:
    if isinstance(space, Name):
        return space == Name.DeviceCMYK
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        head = space[0]
        if head in (Name.DeviceN, Name.Separation):
            return True
        if head == Name.Indexed and len(space) > 1:
            return _is_cmyk(space[1])
    return False


def _claims_pdfa(pdf: pikepdf.Pdf) -> bool:
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            return bool(meta.pdfa_status)
    except Exception:  # unreadable XMP: no claim
        return False


def _make_pdfa(pdf: pikepdf.Pdf) -> None:
    """PDF/A-2b identification: XMP metadata (with the document information dictionary's
    entries, which must agree) and an sRGB output intent; the input's own claim is kept."""
    if _claims_pdfa(pdf):
        return
    if "/OutputIntents" not in pdf.Root:
        profile = pikepdf.Stream(pdf, _srgb_profile())
        profile.N = 3
        intent = Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1,
                            OutputConditionIdentifier=pikepdf.String("sRGB"),
                            Info=pikepdf.String("sRGB IEC61966-2.1"),
                            DestOutputProfile=pdf.make_indirect(profile))
        pdf.Root.OutputIntents = Array([intent])
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
        meta.load_from_docinfo(pdf.docinfo)
        meta["pdfaid:part"] = PDFA_PART
        meta["pdfaid:conformance"] = PDFA_CONFORMANCE


def _srgb_profile() -> bytes:
    """The sRGB ICC profile (littleCMS's built-in, through Pillow), with a fixed creation
    date so that NAME.pdf is the same in every run (its profile ID computed again)."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = (2000).to_bytes(2, "big") + bytes([0, 1, 0, 1]) + bytes(6)  # 2000-01-01
    return _with_profile_id(bytes(data))


def _with_profile_id(data: bytes) -> bytes:
    """The ICC profile ID (header bytes 84-99): the MD5 of the profile with its flags,
    rendering intent and ID zeroed (ICC.1:2010, 7.2.18)."""
    import hashlib

    blank = bytearray(data)
    blank[44:48], blank[64:68], blank[84:100] = bytes(4), bytes(4), bytes(16)
    return data[:84] + hashlib.md5(bytes(blank)).digest() + data[100:]

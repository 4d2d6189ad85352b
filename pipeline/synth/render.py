"""Renders plans (and plain text) as scanned pages, with the ground truth of every line and cell.

Public API:
- `render_plan(plan, *, dpi=300, seed=0, degrade="mild", ...) -> RenderedDocument`
- `render_text_page(lines, *, dpi=300, font_size=13.0, seed=0, degrade="mild", ...)
   -> (PIL.Image.Image, list[LineTruth])`
- `render_text_pages(lines, ...) -> list[(PIL.Image.Image, list[LineTruth])]`

Boxes are (left, top, right, bottom) pixels of the returned (degraded) images; on a skewed page a
line's box is the upright box around the turned line. Degradation is drawn per page from
`numpy.random.default_rng([seed, page_number])`, so output depends only on the arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from pipeline.synth import degrade as scan
from pipeline.synth.compose import CellTruth, Composer, LineTruth, PageInfo
from pipeline.synth.spec import Appendix, Plan, Section
from pipeline.synth.table import draw_table
from pipeline.synth.typeset import DEFAULT_FAMILY, TextStyle, wrap_words

ISSUER_STYLE = TextStyle("regular", 13.0, 1.15)
ISSUER_BOLD = TextStyle("bold", 13.0, 1.15)
NUMBER_STYLE = TextStyle("regular", 13.0, 1.4)
MOTTO_NATION = TextStyle("bold", 12.0, 1.15)
MOTTO_LINE = TextStyle("bold", 13.0, 1.15)
PLACE_DATE = TextStyle("italic", 13.0, 1.4)
DOC_TYPE = TextStyle("bold", 14.0, 1.2)
SUMMARY = TextStyle("bold", 13.0, 1.2)
BODY = TextStyle("regular", 13.0, 1.2)
HEADING = TextStyle("bold", 13.0, 1.2)
SIGN = TextStyle("bold", 13.0, 1.2)
RECIPIENTS_LABEL = TextStyle("bolditalic", 12.0, 1.2)
RECIPIENT = TextStyle("regular", 11.0, 1.15)
APPENDIX_HEAD = TextStyle("bold", 13.0, 1.2)
APPENDIX_NOTE = TextStyle("italic", 13.0, 1.2)

Degradation = scan.Degrade | str | None


@dataclass
class RenderedDocument:
    """Page images and everything drawn on them, in reading order."""

    images: list[Image.Image]
    pages: list[PageInfo]
    lines: list[LineTruth]
    cells: list[CellTruth] = field(default_factory=list)

    def gold_lines(self) -> list[str]:
        """One rendered line per line in reading order; a table row is one line, its cells'
        texts joined by spaces (the convention of ../shared/samples/synthetic_tan_phu)."""
        out: list[str] = []
        last_row = None
        for line in self.lines:
            if line.cell is None:
                out.append(line.text)
                last_row = None
                continue
            cell = self.cells[line.cell]
            row_key = (cell.page, cell.table, cell.grid_row)
            if row_key != last_row:
                out.append(" ".join(c.text for c in self.row_cells(*row_key)))
                last_row = row_key
        return out

    def row_cells(self, page: int, table: int, grid_row: int) -> list[CellTruth]:
        found = [c for c in self.cells
                 if (c.page, c.table, c.grid_row) == (page, table, grid_row)]
        return sorted(found, key=lambda c: c.col)


# -- plan layout -----------------------------------------------------------------------------

def _draw_header(c: Composer, plan: Plan) -> None:
    """Issuer block top left, motto block top right, both centred on their own axis."""
    top = c.y
    left_center = c.left + c.mm(32.0) * c.width / c.mm(165.0)
    right_center = c.right - c.mm(52.0) * c.width / c.mm(165.0)
    left_lines = [(text, ISSUER_BOLD if i == len(plan.header_left) - 1 else ISSUER_STYLE)
                  for i, text in enumerate(plan.header_left)]
    boxes = c.centered_block(left_lines, "header_left", left_center)
    _underline(c, boxes[-1], fraction=0.45)
    c.skip(4)
    c.centered_line(plan.number_line, NUMBER_STYLE, "header_left", left_center)
    left_bottom = c.y

    c.y = top
    c.centered_line(plan.motto[0], MOTTO_NATION, "header_right", right_center)
    motto_box = c.centered_line(plan.motto[1], MOTTO_LINE, "header_right", right_center)
    _underline(c, motto_box, fraction=1.0)
    c.skip(4)
    c.centered_line(plan.place_date_line, PLACE_DATE, "header_right", right_center)
    c.y = max(left_bottom, c.y) + c.pt(10)


def _underline(c: Composer, box: tuple[int, int, int, int], fraction: float) -> None:
    center = (box[0] + box[2]) / 2
    half = (box[2] - box[0]) * fraction / 2
    c.rule(center - half, center + half, box[3] + c.pt(3))


def _draw_title(c: Composer, plan: Plan) -> None:
    c.centered_line(plan.document_type, DOC_TYPE, "title")
    boxes = [c.centered_line(line, SUMMARY, "title") for line in plan.summary]
    rule_box = (round(boxes[-1][0]), boxes[-1][1], round(boxes[-1][2]), boxes[-1][3])
    center = (rule_box[0] + rule_box[2]) / 2
    c.rule(center - c.mm(20), center + c.mm(20), rule_box[3] + c.pt(4))
    c.skip(12)


def _draw_section(c: Composer, section: Section, depth: int) -> None:
    line_height = HEADING.line_height(c.dpi)
    # Keep a heading with at least two lines of what follows it.
    c.ensure(line_height + 2 * BODY.line_height(c.dpi))
    for line in wrap_words(section.heading, HEADING.font(c.dpi), c.width, c.mm(10.0)):
        c.ensure(line_height)
        c.line_at(line, HEADING, "heading", c.left + c.mm(10.0))
    for block in section.blocks:
        c.paragraph(block.rendered, BODY)
    for sub in section.subsections:
        _draw_section(c, sub, depth + 1)


def _draw_signature_and_recipients(c: Composer, plan: Plan) -> None:
    """'Nơi nhận:' bottom left and the signature bottom right, side by side."""
    column_width = c.width * 0.47
    recipient_font = RECIPIENT.font(c.dpi)
    recipient_lines = [
        piece
        for item in plan.recipients
        for piece in wrap_words(f"- {item}", recipient_font, column_width)
    ]
    left_height = (RECIPIENTS_LABEL.line_height(c.dpi)
                   + len(recipient_lines) * RECIPIENT.line_height(c.dpi))
    right_height = len(plan.signature.lines) * SIGN.line_height(c.dpi) + c.mm(22.0)
    c.skip(8)
    c.ensure(max(left_height, right_height))
    top = c.y
    c.line_at("Nơi nhận:", RECIPIENTS_LABEL, "recipients", c.left)
    for line in recipient_lines:
        c.line_at(line, RECIPIENT, "recipients", c.left)

    c.y = top
    center = c.right - c.width * 0.22
    *above, name = plan.signature.lines
    c.centered_block([(line, SIGN) for line in above], "signature", center)
    c.y += c.mm(22.0)  # room for the hand signature and the seal
    c.centered_line(name, SIGN, "signature", center)


def _draw_appendix(c: Composer, appendix: Appendix, index: int, repeat_header: bool,
                   landscape: bool) -> None:
    c.new_page(landscape=landscape)
    c.centered_line(appendix.label, APPENDIX_HEAD, "appendix_heading")
    c.wrapped_centered(appendix.title, APPENDIX_HEAD, "appendix_heading", c.width * 0.9)
    c.wrapped_centered(appendix.attached_to, APPENDIX_NOTE, "appendix_heading", c.width * 0.9)
    c.skip(10)
    draw_table(c, appendix, index, repeat_header)


def compose_plan(
    plan: Plan, *, dpi: int, page_size: str | tuple[float, float] = "A4",
    repeat_header: bool = True, landscape_appendix: bool | None = None,
    page_numbers: bool = True,
) -> Composer:
    """Lays the plan out on clean pages (no degradation)."""
    c = Composer(dpi, page_size, page_numbers)
    c.new_page(landscape=False)
    _draw_header(c, plan)
    _draw_title(c, plan)
    for basis in plan.legal_basis:
        c.paragraph(basis, BODY)
    for section in plan.sections:
        _draw_section(c, section, 0)
    c.paragraph(plan.closing, BODY)
    _draw_signature_and_recipients(c, plan)
    for index, appendix in enumerate(plan.appendices):
        landscape = appendix.landscape if landscape_appendix is None else landscape_appendix
        _draw_appendix(c, appendix, index, repeat_header, landscape)
    return c


def render_plan(
    plan: Plan, *, dpi: int = 300, seed: int = 0, degrade: Degradation = "mild",
    page_size: str | tuple[float, float] = "A4", repeat_header: bool = True,
    landscape_appendix: bool | None = None, page_numbers: bool = True,
) -> RenderedDocument:
    """Renders `plan` as scanned pages. `degrade`: "clean", "mild", "heavy", a `Degrade`, or
    None; `landscape_appendix` None follows each appendix's own `landscape` flag."""
    composer = compose_plan(
        plan, dpi=dpi, page_size=page_size, repeat_header=repeat_header,
        landscape_appendix=landscape_appendix, page_numbers=page_numbers,
    )
    return _degrade_all(composer, seed, degrade)


# -- plain text pages ------------------------------------------------------------------------

def render_text_pages(
    lines: Sequence[str], *, dpi: int = 300, font_size: float = 13.0, seed: int = 0,
    degrade: Degradation = "mild", page_size: str | tuple[float, float] = "A4",
    line_spacing: float = 1.2, style: str = "regular", wrap: bool = True,
    margins_mm: tuple[float, float, float, float] | None = None,
    family: str = DEFAULT_FAMILY, line_styles: Sequence[str] | None = None,
) -> list[tuple[Image.Image, list[LineTruth]]]:
    """Renders running text, one input line per printed line, left aligned, as many pages as it
    takes. A line wider than the measure is wrapped into several printed lines when `wrap`
    (each gets its own box), else drawn past the right margin. `family`: a face of
    `typeset.FONT_FAMILIES` (default Tinos); `line_styles`: each input line's style (a bold
    heading, an italic quotation), else `style` for all."""
    c = Composer(dpi, page_size, page_numbers=False, margins_mm=margins_mm)
    c.new_page(landscape=False)
    styles = line_styles if line_styles is not None else [style] * len(lines)
    for line, line_style in zip(lines, styles, strict=True):
        text_style = TextStyle(line_style, font_size, line_spacing, family)
        font = text_style.font(dpi)
        pieces = wrap_words(line, font, c.width) if wrap else [" ".join(line.split())]
        for piece in pieces:
            if not piece:
                continue
            c.ensure(text_style.line_height(dpi))
            c.line_at(piece, text_style, "body", c.left)
    document = _degrade_all(c, seed, degrade)
    return [
        (image, [line for line in document.lines if line.page == page.number])
        for image, page in zip(document.images, document.pages, strict=True)
    ]


def render_text_page(
    lines: Sequence[str], *, dpi: int = 300, font_size: float = 13.0, seed: int = 0,
    degrade: Degradation = "mild", page_size: str | tuple[float, float] = "A4",
    line_spacing: float = 1.2, style: str = "regular", wrap: bool = True,
    margins_mm: tuple[float, float, float, float] | None = None,
) -> tuple[Image.Image, list[LineTruth]]:
    """The first page of `render_text_pages`: lines that do not fit are left out, so compare
    the returned boxes' texts, not `lines`, with the OCR."""
    pages = render_text_pages(
        lines, dpi=dpi, font_size=font_size, seed=seed, degrade=degrade, page_size=page_size,
        line_spacing=line_spacing, style=style, wrap=wrap, margins_mm=margins_mm,
    )
    return pages[0]


# -- degradation -----------------------------------------------------------------------------

def _degrade_all(c: Composer, seed: int, degrade: Degradation) -> RenderedDocument:
    images = []
    for image, page in zip(c.images, c.pages, strict=True):
        rng = np.random.default_rng([seed, page.number])
        settings = scan.resolve(degrade, rng)
        page.degrade = settings.as_dict()
        images.append(scan.apply(image, settings, rng))
        _move_boxes(c, page.number, image.size, settings.skew_deg)
    return RenderedDocument(images, c.pages, c.lines, c.cells)


def _move_boxes(c: Composer, page_no: int, size: tuple[int, int], skew_deg: float) -> None:
    matrix = scan.skew_matrix(size, skew_deg)
    for line in c.lines:
        if line.page == page_no:
            line.bbox = scan.transform_box(matrix, line.bbox, size)
    for cell in c.cells:
        if cell.page == page_no:
            cell.quad = scan.transform_points(matrix, scan.box_corners(cell.bbox))
            cell.bbox = scan.transform_box(matrix, cell.bbox, size)

"""A page composer: a cursor that moves down A4 (or smaller) pages, drawing lines and boxes
and recording the ground truth of everything it draws, in reading order.

Coordinates are clean page pixels; `render.py` applies the scan degradation afterwards and
moves the recorded boxes with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from pipeline.synth.typeset import (
    BBox,
    TextStyle,
    draw_line,
    mm_to_px,
    pt_to_px,
    text_width,
    wrap_words,
)

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "A6": (105.0, 148.0)}
# Decree 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
PORTRAIT_MARGINS_MM = (20.0, 15.0, 20.0, 30.0)  # top, right, bottom, left
LANDSCAPE_MARGINS_MM = (25.0, 20.0, 20.0, 20.0)
PAGE_NUMBER_STYLE = TextStyle("regular", 13.0)


@dataclass
class LineTruth:
    """One rendered line: its text, what part of the document it belongs to, where it is."""

    text: str
    kind: str  # header_left, header_right, title, body, heading, signature, recipients, ...
    page: int  # 1-based
    bbox: BBox  # left, top, right, bottom in page pixels (after degradation, upright bounds)
    cell: int | None = None  # index into the document's cells for kind "table_cell"

    def as_dict(self) -> dict:
        out = {"text": self.text, "kind": self.kind, "page": self.page, "bbox": list(self.bbox)}
        if self.cell is not None:
            out["cell"] = self.cell
        return out


@dataclass
class CellTruth:
    """One drawn table cell. `row` counts the table's rows from its header (0); `grid_row` counts
    the rows of the part of the table on this page, as a grid detector would see them."""

    page: int
    table: int
    row: int
    grid_row: int
    col: int
    row_span: int
    col_span: int
    text: str
    role: str  # "header", "group", "task"
    bbox: BBox
    quad: list[tuple[float, float]] = field(default_factory=list)  # corners after skew
    repeated: bool = False  # a header row repeated on a continuation page

    def as_dict(self) -> dict:
        return {
            "page": self.page, "table": self.table, "row": self.row, "grid_row": self.grid_row,
            "col": self.col, "row_span": self.row_span, "col_span": self.col_span,
            "text": self.text, "role": self.role, "repeated": self.repeated,
            "bbox": list(self.bbox), "quad": [list(p) for p in self.quad],
        }


@dataclass
class PageInfo:
    number: int
    width: int
    height: int
    dpi: int
    orientation: str  # "portrait" or "landscape"
    degrade: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "number": self.number, "width": self.width, "height": self.height, "dpi": self.dpi,
            "orientation": self.orientation, "degrade": self.degrade,
        }


def page_size_mm(page_size: str | tuple[float, float], landscape: bool) -> tuple[float, float]:
    width, height = PAGE_SIZES_MM[page_size] if isinstance(page_size, str) else page_size
    return (max(width, height), min(width, height)) if landscape else (width, height)


class Composer:
    """Draws down the page from a cursor `y`, starting new pages as needed."""

    def __init__(
        self,
        dpi: int,
        page_size: str | tuple[float, float] = "A4",
        page_numbers: bool = True,
        margins_mm: tuple[float, float, float, float] | None = None,
    ) -> None:
        self.dpi = dpi
        self.page_size = page_size
        self.page_numbers = page_numbers
        self.margins_mm = margins_mm
        self.images: list[Image.Image] = []
        self.pages: list[PageInfo] = []
        self.lines: list[LineTruth] = []
        self.cells: list[CellTruth] = []
        self.draw: ImageDraw.ImageDraw | None = None
        self.y = 0.0
        self.left = self.right = self.top = self.bottom = 0.0

    # -- units and pages -------------------------------------------------------------------
    def mm(self, value: float) -> float:
        return mm_to_px(value, self.dpi)

    def pt(self, value: float) -> float:
        return pt_to_px(value, self.dpi)

    @property
    def page_no(self) -> int:
        return len(self.images)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def landscape(self) -> bool:
        return bool(self.pages) and self.pages[-1].orientation == "landscape"

    def new_page(self, landscape: bool | None = None) -> None:
        landscape = self.landscape if landscape is None else landscape
        width_mm, height_mm = page_size_mm(self.page_size, landscape)
        size = (round(self.mm(width_mm)), round(self.mm(height_mm)))
        image = Image.new("L", size, 255)
        self.images.append(image)
        self.draw = ImageDraw.Draw(image)
        orientation = "landscape" if landscape else "portrait"
        self.pages.append(PageInfo(self.page_no, size[0], size[1], self.dpi, orientation))
        top, right, bottom, left = self._margins(landscape, width_mm)
        self.left, self.right = self.mm(left), size[0] - self.mm(right)
        self.top, self.bottom = self.mm(top), size[1] - self.mm(bottom)
        self.y = self.top
        if self.page_numbers and self.page_no > 1:
            # Decree 30: pages from the second on are numbered at the top centre.
            self.y = self.mm(8.0)
            self.centered_line(str(self.page_no), PAGE_NUMBER_STYLE, "page_number")
            self.y = max(self.y, self.top)

    def _margins(self, landscape: bool, width_mm: float) -> tuple[float, float, float, float]:
        if self.margins_mm is not None:
            return self.margins_mm
        base = LANDSCAPE_MARGINS_MM if landscape else PORTRAIT_MARGINS_MM
        # Small test pages keep the proportions of A4 rather than its absolute margins.
        scale = min(1.0, width_mm / (297.0 if landscape else 210.0))
        return tuple(m * scale for m in base)  # type: ignore[return-value]

    def room_left(self) -> float:
        return self.bottom - self.y

    def ensure(self, height: float) -> None:
        """Starts a new page unless `height` pixels still fit above the bottom margin."""
        if not self.images or self.y + height > self.bottom + 0.5:
            self.new_page()

    def skip(self, points: float) -> None:
        self.y += self.pt(points)

    # -- text ------------------------------------------------------------------------------
    def _baseline(self, style: TextStyle) -> float:
        # The pitch's extra leading goes above the line, where Vietnamese stacks its marks.
        return self.y + self.pt(style.size_pt * (style.pitch - 0.22))

    def line_at(
        self, text: str, style: TextStyle, kind: str, x: float,
        justify_width: float | None = None, cell: int | None = None,
    ) -> BBox:
        font = style.font(self.dpi)
        box = draw_line(self.draw, text, font, x, self._baseline(style), justify_width)
        self.lines.append(LineTruth(text, kind, self.page_no, box, cell))
        self.y += style.line_height(self.dpi)
        return box

    def centered_line(self, text: str, style: TextStyle, kind: str,
                      center: float | None = None) -> BBox:
        center = (self.left + self.right) / 2 if center is None else center
        width = text_width(text, style.font(self.dpi))
        return self.line_at(text, style, kind, center - width / 2)

    def centered_block(
        self, lines: list[tuple[str, TextStyle]], kind: str, center: float
    ) -> list[BBox]:
        return [self.centered_line(text, style, kind, center) for text, style in lines]

    def wrapped_centered(self, text: str, style: TextStyle, kind: str, width: float) -> None:
        for line in wrap_words(text, style.font(self.dpi), width):
            self.ensure(style.line_height(self.dpi))
            self.centered_line(line, style, kind)

    def paragraph(
        self, text: str, style: TextStyle, kind: str = "body",
        indent_mm: float = 10.0, justify: bool = True,
    ) -> None:
        """A justified paragraph with a first-line indent; wrapped lines return to the margin."""
        indent = self.mm(indent_mm)
        lines = wrap_words(text, style.font(self.dpi), self.width, indent)
        for index, line in enumerate(lines):
            self.ensure(style.line_height(self.dpi))
            x = self.left + (indent if index == 0 else 0.0)
            is_last = index == len(lines) - 1
            measure = self.right - x if justify and not is_last else None
            self.line_at(line, style, kind, x, measure)

    def rule(self, x0: float, x1: float, y: float, thickness: float | None = None) -> None:
        """A horizontal rule (the short lines under the issuer, motto and summary)."""
        width = max(1, round(thickness if thickness is not None else self.pt(0.6)))
        self.draw.line([(x0, y), (x1, y)], fill=0, width=width)

"""The appendix table: six ruled columns, group rows merged across columns 2-6, task rows,
continued onto further pages with or without the header row repeated."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.synth.compose import CellTruth, Composer
from pipeline.synth.spec import Appendix
from pipeline.synth.typeset import TextStyle, text_width, wrap_words

COLUMN_FRACTIONS = (0.06, 0.30, 0.16, 0.17, 0.17, 0.14)
HEADER_STYLE = TextStyle("bold", 12.0, 1.15)
GROUP_STYLE = TextStyle("bold", 12.0, 1.15)
CELL_STYLE = TextStyle("regular", 12.0, 1.15)
PAD_X_MM = 1.5
PAD_Y_MM = 1.2


@dataclass(frozen=True)
class CellSpec:
    col: int
    col_span: int
    text: str
    style: TextStyle
    align: str  # "left" or "center"


@dataclass(frozen=True)
class RowSpec:
    role: str  # "header", "group", "task"
    cells: tuple[CellSpec, ...]


def table_rows(appendix: Appendix) -> list[RowSpec]:
    """The rows of the appendix table, header first, in the order they are printed."""
    header = RowSpec("header", tuple(
        CellSpec(col, 1, name, HEADER_STYLE, "center") for col, name in enumerate(appendix.columns)
    ))
    rows = [header]
    for group in appendix.groups:
        rows.append(RowSpec("group", (
            CellSpec(0, 1, group.number, GROUP_STYLE, "center"),
            CellSpec(1, len(appendix.columns) - 1, group.title, GROUP_STYLE, "left"),
        )))
        for task in group.rows:
            aligns = ("center", "left", "left", "left", "left", "center")
            rows.append(RowSpec("task", tuple(
                CellSpec(col, 1, text, CELL_STYLE, aligns[col])
                for col, text in enumerate(task.cells)
            )))
    return rows


class TableDrawer:
    """Draws one table through a Composer, splitting it between rows at page ends."""

    def __init__(self, composer: Composer, table_index: int, repeat_header: bool) -> None:
        self.c = composer
        self.table_index = table_index
        self.repeat_header = repeat_header
        self.grid_row = 0
        self.rule_px = max(1, round(composer.mm(0.2)))

    def column_edges(self) -> list[float]:
        edges = [self.c.left]
        for fraction in COLUMN_FRACTIONS:
            edges.append(edges[-1] + fraction * self.c.width)
        return edges

    def cell_lines(self, cell: CellSpec, edges: list[float]) -> list[str]:
        inner = edges[cell.col + cell.col_span] - edges[cell.col] - 2 * self.c.mm(PAD_X_MM)
        return wrap_words(cell.text, cell.style.font(self.c.dpi), inner)

    def row_height(self, row: RowSpec, edges: list[float]) -> float:
        tallest = max(
            len(self.cell_lines(cell, edges)) * cell.style.line_height(self.c.dpi)
            for cell in row.cells
        )
        return tallest + 2 * self.c.mm(PAD_Y_MM)

    def draw(self, rows: list[RowSpec]) -> None:
        header = rows[0]
        for index, row in enumerate(rows):
            edges = self.column_edges()
            needed = self.row_height(row, edges)
            if row.role != "task" and index + 1 < len(rows):
                # A header or group row is kept with the row that follows it.
                needed += self.row_height(rows[index + 1], edges)
            if self.c.y + needed > self.c.bottom and self.grid_row > 0:
                self.c.new_page()
                self.grid_row = 0
                if self.repeat_header:
                    self.draw_row(header, 0, repeated=True)
            self.draw_row(row, index, repeated=False)

    def draw_row(self, row: RowSpec, logical_row: int, repeated: bool) -> None:
        edges = self.column_edges()
        height = self.row_height(row, edges)
        top = self.c.y
        for cell in row.cells:
            x0, x1 = edges[cell.col], edges[cell.col + cell.col_span]
            box = (round(x0), round(top), round(x1), round(top + height))
            self.c.draw.rectangle(box, outline=0, width=self.rule_px)
            cell_index = len(self.c.cells)
            self.c.cells.append(CellTruth(
                page=self.c.page_no, table=self.table_index, row=logical_row,
                grid_row=self.grid_row, col=cell.col, row_span=1, col_span=cell.col_span,
                text=cell.text, role=row.role, bbox=box, repeated=repeated,
            ))
            self.draw_cell_text(cell, x0, x1, top, height, cell_index, edges)
        self.c.y = top + height
        self.grid_row += 1

    def draw_cell_text(
        self, cell: CellSpec, x0: float, x1: float, top: float, height: float,
        cell_index: int, edges: list[float],
    ) -> None:
        lines = self.cell_lines(cell, edges)
        line_height = cell.style.line_height(self.c.dpi)
        # Text sits in the vertical middle of the cell, as word processors do for these tables.
        self.c.y = top + (height - len(lines) * line_height) / 2
        font = cell.style.font(self.c.dpi)
        pad = self.c.mm(PAD_X_MM)
        for line in lines:
            centered = (x0 + x1) / 2 - text_width(line, font) / 2
            x = centered if cell.align == "center" else x0 + pad
            self.c.line_at(line, cell.style, "table_cell", x, cell=cell_index)


def draw_table(
    composer: Composer, appendix: Appendix, table_index: int, repeat_header: bool
) -> None:
    TableDrawer(composer, table_index, repeat_header).draw(table_rows(appendix))

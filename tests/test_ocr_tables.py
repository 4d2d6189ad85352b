"""Ruled tables (pipeline.ocr.tables): grid detection, cell OCR, tables across page breaks.

Table pages come from the bundled synthetic samples (samples/*.pdf with *.truth.json: mild
300-dpi scans, a landscape appendix, a heavily degraded one) and from pages rendered here
(a 1.5-degree skew); small grids drawn with OpenCV cover row spans and non-tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw
from rapidfuzz.distance import Levenshtein

from pipeline import external
from pipeline.model import Box, Cell, Line, Page, Table
from pipeline.ocr import tables
from pipeline.ocr.normalise import normalise
from pipeline.ocr.rasterize import load_page
from pipeline.ocr.tables import crops, detect, read, sizes
from pipeline.synth import Degrade, get_plan, render_plan
from pipeline.synth.typeset import get_font
from pipeline.table_header import NUMBER_CELL

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# (sample, page): the pages of the samples that carry the appendix table.
TABLE_PAGES = {
    "plan_thach_phong_cds": (3, 4),  # portrait, continued with the header row repeated
    "plan_hung_long_tay_giao_thong": (3, 4),  # landscape, continued without a header row
    "plan_dong_son_ha_tiem_chung": (2,),  # heavy degradation: skew up to 2 deg, blur, JPEG
}


@dataclass
class Score:
    cells: int  # truth cells
    found: int  # truth cells found with the same row, column and spans
    extra: int  # grid cells that are no truth cell
    errors: int  # character edits between truth and OCR over found cells
    chars: int

    @property
    def cer(self) -> float:
        return self.errors / max(self.chars, 1)


def score(table: Table | None, truth_cells: list[dict]) -> Score:
    """Cell-grid accuracy and cell CER of one page's table against the truth cells of the page
    (truth `grid_row` counts the rows of the part of the table on that page)."""
    got = {(c.row, c.col, c.row_span, c.col_span): c.text for c in (table.cells if table else [])}
    found = errors = chars = 0
    for cell in truth_cells:
        key = (cell["grid_row"], cell["col"], cell["row_span"], cell["col_span"])
        chars += len(cell["text"])
        if key in got:
            found += 1
            errors += Levenshtein.distance(cell["text"], got[key])
        else:
            errors += len(cell["text"])
    truth_keys = {(c["grid_row"], c["col"], c["row_span"], c["col_span"]) for c in truth_cells}
    return Score(len(truth_cells), found, len(set(got) - truth_keys), errors, chars)


def truth(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, list[Page]]:
    """Every table page of the samples rasterised and sized as the pipeline does, its tables
    detected and read, and the continuations linked."""
    out: dict[str, list[Page]] = {}
    for name, numbers in TABLE_PAGES.items():
        pages = []
        for number in numbers:
            source = normalise(load_page(SAMPLES / f"{name}.pdf", "pdf", number))
            gray = source.pixels
            grids = tables.detect_tables(gray)
            pages.append(Page(
                number=number, width=gray.shape[1], height=gray.shape[0], dpi=source.dpi,
                tables=[tables.read_table(gray, grid, "vie", number) for grid in grids],
            ))
        tables.link_continued_tables(pages)
        out[name] = pages
    return out


def page_truth(name: str, number: int) -> list[dict]:
    return [c for c in truth(name)["cells"] if c["page"] == number]


# -- the samples --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TABLE_PAGES))
def test_every_cell_of_the_sample_tables_is_found_with_row_column_and_span(sample_pages, name):
    for page in sample_pages[name]:
        assert len(page.tables) == 1, f"{name} p{page.number}: {len(page.tables)} tables"
        table = page.tables[0]
        assert (table.n_cols, table.page) == (6, page.number)
        result = score(table, page_truth(name, page.number))
        assert result.found == result.cells and result.extra == 0, (name, page.number, result)


def test_group_rows_are_one_cell_spanning_columns_two_to_six(sample_pages):
    table = sample_pages["plan_thach_phong_cds"][0].tables[0]
    groups = [c for c in page_truth("plan_thach_phong_cds", 3) if c["role"] == "group"]
    spanning = [c for c in table.cells if c.col_span > 1]
    assert len(groups) == 6 and len(spanning) == 3  # number cell + title cell per group row
    for cell in spanning:
        assert (cell.col, cell.col_span, cell.row_span) == (1, 5, 1)
        assert cell.text  # the group title, read as one cell
        number = next(c for c in table.cells if c.row == cell.row and c.col == 0)
        assert NUMBER_CELL.match(number.text), number.text


def test_cell_text_is_read_cell_by_cell_with_small_error(sample_pages):
    for name, limit in (("plan_thach_phong_cds", 0.02), ("plan_hung_long_tay_giao_thong", 0.02),
                        ("plan_dong_son_ha_tiem_chung", 0.03)):
        for page in sample_pages[name]:
            result = score(page.tables[0], page_truth(name, page.number))
            assert result.cer < limit, (name, page.number, result.cer)
            for cell in page.tables[0].cells:
                assert (cell.confidence is None) == (cell.text == "")
                assert cell.confidence is None or 0 <= cell.confidence <= 100


def test_tt_column_numbers_keep_their_full_stops(sample_pages):
    for name, pages in sample_pages.items():
        for page in pages:
            expected = {c["grid_row"]: c["text"] for c in page_truth(name, page.number)
                        if c["col"] == 0 and c["role"] == "task"}
            got = {c.row: c.text for c in page.tables[0].cells if c.col == 0}
            wrong = {row: (text, got.get(row)) for row, text in expected.items()
                     if got.get(row) != text}
            assert len(wrong) <= 1, (name, page.number, wrong)


def test_landscape_table_pages_are_read(sample_pages):
    pages = sample_pages["plan_hung_long_tay_giao_thong"]
    assert all(page.width > page.height for page in pages)
    rows = tables.row_texts(pages[0].tables[0])
    assert rows[0].startswith("TT Nội dung nhiệm vụ")
    assert len(rows) == pages[0].tables[0].n_rows


def test_table_continued_with_its_header_repeated(sample_pages):
    first, second = (page.tables[0] for page in sample_pages["plan_thach_phong_cds"])
    assert (first.continued, first.header_rows) == (False, 1)
    assert (second.continued, second.header_rows) == (True, 1)


def test_table_continued_without_a_header_row(sample_pages):
    first, second = (page.tables[0] for page in sample_pages["plan_hung_long_tay_giao_thong"])
    assert (first.continued, first.header_rows) == (False, 1)
    assert (second.continued, second.header_rows) == (True, 0)
    assert sample_pages["plan_dong_son_ha_tiem_chung"][0].tables[0].continued is False


# -- rendered pages: skew ---------------------------------------------------------------------

def test_skewed_page_gives_the_full_grid():
    skew = Degrade(skew_deg=1.5, blur_sigma=0.5, noise_sigma=6.0, paper=238, jpeg_quality=70)
    document = render_plan(get_plan("plan_thach_phong_cds"), dpi=200, seed=3, degrade=skew)
    for number in (3, 4):
        grids = tables.detect_tables(np.asarray(document.images[number - 1]))
        assert len(grids) == 1
        assert grids[0].angle == pytest.approx(-1.5, abs=0.1)
        cells = [c for c in document.cells if c.page == number]
        got = {(c.row, c.col, c.row_span, c.col_span): c.box for c in grids[0].cells}
        assert len(got) == len(cells)
        for cell in cells:
            box = got[(cell.grid_row, cell.col, cell.row_span, cell.col_span)]
            # Cell boxes are upright boxes around the turned cells, as the truth's are.
            left, top, right, bottom = cell.bbox
            assert abs(box.left - left) <= 4 and abs(box.top - top) <= 4
            assert abs(box.left + box.width - right) <= 4
            assert abs(box.top + box.height - bottom) <= 4


def test_a_continuation_page_with_one_row_and_no_header_is_found():
    document = render_plan(get_plan("plan_thach_phong_cds"), dpi=200, seed=11,
                           degrade="heavy", repeat_header=False)
    last = document.pages[-1].number
    cells = [c for c in document.cells if c.page == last]
    assert {c.grid_row for c in cells} == {0} and not any(c.repeated for c in cells)
    (grid,) = tables.detect_tables(np.asarray(document.images[last - 1]))
    assert {(c.row, c.col) for c in grid.cells} == {(0, c.col) for c in cells}


def test_text_pages_have_no_tables():
    document = render_plan(get_plan("plan_hoa_khanh_thuong_pctt"), dpi=200, seed=1)
    assert tables.detect_tables(np.asarray(document.images[0])) == []


# -- drawn grids: spans and things that are not tables ------------------------------------------

def drawn_grid(rows: list[int], cols: list[int], skip_h=(), skip_v=(), size=(1400, 1000)):
    """A white page with a ruled grid; skip_h: (rule index, column) segments left out, skip_v:
    (row, rule index) segments left out."""
    page = np.full((size[1], size[0]), 245, np.uint8)
    for i, y in enumerate(rows):
        for j in range(len(cols) - 1):
            if (i, j) not in skip_h:
                cv2.line(page, (cols[j], y), (cols[j + 1], y), 0, 3)
    for j, x in enumerate(cols):
        for i in range(len(rows) - 1):
            if (i, j) not in skip_v:
                cv2.line(page, (x, rows[i]), (x, rows[i + 1]), 0, 3)
    return page


def test_missing_rule_segments_make_row_and_column_spans():
    rows, cols = [100, 180, 260, 340, 420], [100, 200, 500, 800, 1100]
    # Cell (1, 0) spans rows 1-2 (rule 2 missing along column 0); cell (3, 1) spans columns 1-3.
    page = drawn_grid(rows, cols, skip_h={(2, 0)}, skip_v={(3, 2), (3, 3)})
    (grid,) = tables.detect_tables(page)
    assert (grid.n_rows, grid.n_cols) == (4, 4)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in grid.cells}
    assert spans[(1, 0)] == (2, 1) and (2, 0) not in spans
    assert spans[(3, 1)] == (1, 3) and (3, 2) not in spans
    assert len(grid.cells) == 16 - 1 - 2
    assert [abs(a - b) <= 2 for a, b in zip(grid.rules_h, rows, strict=True)] == [True] * 5
    assert [abs(a - b) <= 2 for a, b in zip(grid.rules_v, cols, strict=True)] == [True] * 5


def test_small_boxes_and_framed_lines_are_not_tables():
    page = np.full((1000, 1400), 245, np.uint8)
    cv2.rectangle(page, (100, 100), (700, 180), 0, 3)  # a framed line of text: one cell
    cv2.rectangle(page, (900, 100), (940, 140), 0, 3)  # a check box
    cv2.line(page, (100, 400), (1300, 400), 0, 3)  # a rule under a heading
    page[600:700, 100:500] = drawn_grid([600, 690], [100, 300, 500])[600:700, 100:500]  # 1x2
    assert tables.detect_tables(page) == []


def test_tables_far_apart_are_each_found_in_their_own_window():
    top = drawn_grid([100, 180, 260], [100, 400, 700, 1000], size=(2480, 3508))
    bottom = drawn_grid([2900, 3000, 3100], [1200, 1600, 2000, 2300], size=(2480, 3508))
    page = np.minimum(top, bottom)
    first, second = tables.detect_tables(page)
    assert (first.rules_h, first.rules_v) == ([100, 180, 260], [100, 400, 700, 1000])
    assert (second.rules_h, second.rules_v) == ([2900, 3000, 3100], [1200, 1600, 2000, 2300])
    # Two groups of rules seen at half size whose windows (with their margins) overlap are
    # searched once, in one window.
    windows = detect._search_windows([(50, 50, 500, 130), (50, 140, 500, 230)], 0.0,
                                     (3508, 2480), 2480)
    assert windows == [(50, 50, 1050, 510)]


def test_a_single_wide_row_is_a_table_part():
    # The last row of a table carried over to the next page, six cells across.
    cols = [100 + 200 * k for k in range(7)]
    (grid,) = tables.detect_tables(drawn_grid([300, 400], cols))
    assert (grid.n_rows, grid.n_cols, len(grid.cells)) == (1, 6, 6)


def draw_text(page: np.ndarray, text: str, x: int, y: int, size_px: int = 50) -> None:
    image = Image.fromarray(page)
    ImageDraw.Draw(image).text((x, y), text, fill=0, font=get_font("regular", size_px))
    page[:] = np.asarray(image)


def test_empty_cells_stay_empty_and_are_not_sent_to_tesseract(monkeypatch):
    rows, cols = [100, 220, 340, 460], [100, 260, 900, 1300]
    page = drawn_grid(rows, cols)
    draw_text(page, "Tháng 9/2026", 300, 140)
    draw_text(page, "2.1", 140, 260)
    calls = []
    real = external.tesseract_data

    def counting(image, lang, psm=3, config=""):
        calls.append((image.size, psm))
        return real(image, lang, psm, config)

    # tesseract_data_many (what tables call) reads each image by the tesseract module's own
    monkeypatch.setattr(external.tesseract, "tesseract_data", counting)
    (grid,) = tables.detect_tables(page)
    table = tables.read_table(page, grid, "vie", 1)
    texts = {(c.row, c.col): c.text for c in table.cells}
    assert texts.pop((0, 1)) == "Tháng 9/2026"
    assert texts.pop((1, 0)) == "2.1"
    assert set(texts.values()) == {""}
    assert len(calls) <= 4  # one stacked call per column with ink, and a second look or two


def test_uncovered_ink_forgives_a_word_box_short_of_its_last_letter():
    crop = np.full((80, 700), 255, np.uint8)
    draw_text(crop, "HĐND", 10, 10)
    draw_text(crop, "UBND", 400, 10)
    ink = np.nonzero((crop < 128).any(axis=0))[0]
    first_end = int(ink[ink < 300].max())
    second = (int(ink[ink >= 300].min()), 5, int(ink.max()), 75)
    word = crops.Word
    # Tesseract's box of "HĐND" ending before the D: still all read.
    short_box = [word("HĐND", 90, (8, 5, first_end - 30, 75)), word("UBND", 90, second)]
    assert read.uncovered_ink(crop, short_box) == 0.0
    # A word not read at all is ink under no box.
    assert read.uncovered_ink(crop, short_box[:1]) > read.UNCOVERED_INK


def test_repair_number_puts_back_a_dot_standing_apart():
    page = np.full((120, 260), 255, np.uint8)
    draw_text(page, "2.1", 60, 20, 60)
    assert tables.repair_number("21", page) == "2.1"
    assert tables.repair_number("2l", page) == "2.1"
    plain = np.full((120, 260), 255, np.uint8)
    draw_text(plain, "12", 60, 20, 60)
    assert tables.repair_number("12", plain) is None  # no dot seen: cannot be settled here
    assert tables.repair_number("II", plain) == "II"  # roman numbers are left alone
    assert tables.repair_number("1.2", plain) == "1.2"  # a dot that was read is kept


# -- linking without OCR ----------------------------------------------------------------------

def make_table(page: int, top: int, bottom: int, header: str | None, cols: int = 6) -> Table:
    width = 1200
    edges = [100 + width * k // cols for k in range(cols + 1)]
    cells = [Cell(row=0, col=k, text=(f"{header} {k}" if header else f"{k + 1}.1"),
                  box=Box(left=edges[k], top=top, width=edges[k + 1] - edges[k], height=80))
             for k in range(cols)]
    cells += [Cell(row=1, col=k, text=f"ô {k}",
                   box=Box(left=edges[k], top=top + 80, width=edges[k + 1] - edges[k],
                           height=bottom - top - 80)) for k in range(cols)]
    table = Table(n_rows=2, n_cols=cols, cells=cells, page=page,
                  box=Box(left=100, top=top, width=width, height=bottom - top))
    table.header_rows = 1 if header else 0
    return table


def line(text: str, top: int) -> Line:
    return Line(text=text, box=Box(left=200, top=top, width=600, height=40))


def test_link_needs_page_ends_and_same_columns():
    def pages(second_table: Table, below: list[Line], above: list[Line]) -> list[Page]:
        first = Page(number=3, width=1400, height=2000, tables=[make_table(3, 300, 1900, "Cột")],
                     lines=[line("Phụ lục", 100), *below])
        second = Page(number=4, width=1400, height=2000, tables=[second_table],
                      lines=[line("4", 60), *above])
        tables.link_continued_tables([first, second])
        return [first, second]

    _, second = pages(make_table(4, 150, 900, "Cột"), [], [])
    assert second.tables[0].continued and second.tables[0].header_rows == 1
    _, second = pages(make_table(4, 150, 900, None), [], [])
    assert second.tables[0].continued and second.tables[0].header_rows == 0
    _, second = pages(make_table(4, 150, 900, "Cột"), [line("Nơi nhận:", 1950)], [])
    assert not second.tables[0].continued  # text under the first table: it ended there
    _, second = pages(make_table(4, 400, 900, "Cột"), [], [line("Phụ lục II", 200)])
    assert not second.tables[0].continued  # a heading above: a new table
    _, second = pages(make_table(4, 150, 900, "Cột", cols=5), [], [])
    assert not second.tables[0].continued


if __name__ == "__main__":
    # Figures for the report: `.venv/bin/python tests/test_ocr_tables.py` (about 20 s).
    pages_by_sample = sample_pages.__wrapped__()
    totals = Score(0, 0, 0, 0, 0)
    for sample, sample_pages_ in pages_by_sample.items():
        for page in sample_pages_:
            table = page.tables[0] if page.tables else None
            result = score(table, page_truth(sample, page.number))
            for name in ("cells", "found", "extra", "errors", "chars"):
                setattr(totals, name, getattr(totals, name) + getattr(result, name))
            print(f"{sample} p{page.number}: cells {result.found}/{result.cells} "
                  f"(extra {result.extra}), cell CER {result.cer:.2%}, "
                  f"continued {table.continued if table else None}, "
                  f"header_rows {table.header_rows if table else None}")
    print(f"all: cells {totals.found}/{totals.cells} (extra {totals.extra}), "
          f"cell CER {totals.cer:.2%}")


def test_sizes_in_mm_are_the_fractions_of_the_short_side_they_replaced():
    # The detection's sizes were fractions of the page's short side (A4: 210 mm); named in mm,
    # they must give the same pixels on every page size, to the last rounding.
    for short in range(200, 12001):
        assert round(sizes.page_px(detect.H_RULE_MIN_MM, short)) == round(short * (1 / 35))
        assert round(sizes.page_px(detect.V_RULE_MIN_MM, short)) == round(short * (1 / 45))
        assert round(sizes.page_px(detect.BRIDGE_MM, short)) == round(short / 400)
        assert round(sizes.page_px(detect.RULE_MERGE_MM, short)) == round(short / 250)
        assert round(sizes.page_px(detect.RULE_BAND_MM, short)) == round(short / 600)
        assert round(sizes.page_px(detect.WINDOW_MARGIN_MM, short)) == round(short * 0.02)
        assert int(sizes.page_px(detect.BINARIZE_BLOCK_MM, short)) == short // 80
        for mm, fraction in ((detect.MIN_TABLE_WIDTH_MM, 0.08), (detect.MIN_TABLE_HEIGHT_MM, 0.025),
                             (detect.MIN_STRIP_WIDTH_MM, 0.4), (detect.SKEW_RULE_MIN_MM, 0.2)):
            # (compared with whole pixel counts: the same ones pass)
            assert np.ceil(sizes.page_px(mm, short)) == np.ceil(short * fraction)

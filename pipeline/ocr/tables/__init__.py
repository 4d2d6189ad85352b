"""Ruled tables: find the grid of rules on a page, read each cell on its own, link the parts of a
table that runs over a page break.

Whole-page OCR reads table rows across their columns and drops cells (cell CER 27.7% against
1.0% from cropped cells, ../shared/design/ocr-corruption.md), so tables are cut out first:

1. `detect_tables` (detect.py): the grid of rules, turned upright, its spanning cells;
2. `read_table` (read.py): every cell's crop read on its own, stacked a column at a time with
   one loaded model; doubtful cells read again alone; the TT column's numbers keep their full
   stops (numbers.py); the top rows that are column headings counted (pipeline.table_header);
3. `link_continued_tables` (continuation.py): a page's first table continues the previous
   page's last one; a repeated header row is recognised by its texts.

Sizes are in millimetres where they are physical (sizes.py: pixels from the page's short side).
"""

from pipeline.ocr.tables.continuation import link_continued_tables, row_texts
from pipeline.ocr.tables.detect import TableGrid, binarize, detect_tables, rule_masks
from pipeline.ocr.tables.numbers import repair_number
from pipeline.ocr.tables.read import read_table

__all__ = [
    "TableGrid",
    "binarize",
    "detect_tables",
    "link_continued_tables",
    "read_table",
    "repair_number",
    "row_texts",
    "rule_masks",
]

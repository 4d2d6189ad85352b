"""Where repairs and doubts are on the scan (pipeline.restore.locations): page, box and
Tesseract's confidence of the word, 1-based lines that are the text files' lines, form feeds
between pages."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.emit import write_outputs
from pipeline.ingest import ingest, sniff
from pipeline.model import (
    Box,
    Cell,
    Change,
    Document,
    Doubt,
    Line,
    Page,
    Source,
    Table,
    Word,
    joined_lines,
)
from pipeline.ocr import ocr_document
from pipeline.restore import default_restorer, restore_document
from pipeline.restore.engine import table_row_lines
from pipeline.restore.locations import DOUBT_OCR_CONFIDENCE, located, token_starts
from pipeline.synth import render_text_pages

# Invented lines, two A6 pages of them. Misspelt words are printed as such ("hảnh", "thục"):
# Tesseract reads them as printed and the restorer repairs them, on both pages.
LINES = (["Ủy ban nhân dân xã An Hòa ban hảnh Kế hoạch chuyến đổi số."]
         + [f"Dòng thứ {k} của văn bản về trồng cây xanh trên địa bàn xã." for k in range(1, 16)]
         + ["Các thôn thục hiện kế hoạch và báo cáo kết quả về xã."])


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The two pages as a TIFF, read by the ocr stage and restored; with the rendered pages
    (image, truth lines) and the TIFF's path."""
    pages = render_text_pages(LINES, dpi=300, page_size="A6", degrade="clean", seed=1)
    assert len(pages) == 2
    path = tmp_path_factory.mktemp("scan") / "two.tif"
    images = [image for image, _ in pages]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=300,
                   dpi=(300, 300))
    item = sniff(path)
    document = restore_document(ocr_document(ingest(item), item))
    return document, pages


def test_every_change_has_its_page_box_and_ocr_confidence(scanned):
    document, rendered = scanned
    changes = document.quality.changes
    assert {c.page for c in changes} == {1, 2}
    assert {("hảnh", "hành"), ("thục", "thực")} <= {(c.ocr, c.restored) for c in changes}
    for change in changes:
        page = document.pages[change.page - 1]
        box = change.box
        assert box is not None and change.ocr_confidence is not None
        assert box.left >= 0 and box.left + box.width <= page.width
        assert box.top >= 0 and box.top + box.height <= page.height
        # the OCR word of its line that holds the token
        line = document.page_lines[change.line - 1]
        assert line.page == change.page
        word = next(w for w in line.words if change.ocr in w.text)
        assert (box, change.ocr_confidence) == (word.box, word.confidence)
        # and on the rendered page it is over that word: inside the printed line, as far
        # along it as the word is in the line's text, and on ink
        image, truth = rendered[change.page - 1]
        printed = _printed_line_at(truth, box)
        assert change.ocr in printed.text or change.restored in printed.text
        left, _, right, _ = printed.bbox
        at = printed.text.find(change.ocr if change.ocr in printed.text else change.restored)
        assert abs((box.left - left) / (right - left) - at / len(printed.text)) < 0.08
        crop = np.asarray(image.convert("L"))[box.top:box.top + box.height,
                                              box.left:box.left + box.width]
        assert (crop < 128).mean() > 0.05


def _printed_line_at(truth, box: Box):
    middle = box.top + box.height / 2
    return next(line for line in truth if line.bbox[1] <= middle <= line.bbox[3])


def test_lines_are_the_text_files_lines_with_a_form_feed_between_pages(scanned, tmp_path):
    document, _ = scanned
    write_outputs(document, tmp_path, "two")
    ocr = (tmp_path / "two.ocr.txt").read_text(encoding="utf-8").split("\n")
    restored = (tmp_path / "two.restored.txt").read_text(encoding="utf-8").split("\n")
    between = [li for li, line in enumerate(document.page_lines) if line.page is None]
    assert len(between) == 1
    assert [li for li, line in enumerate(ocr) if line == "\f"] == between
    assert [li for li, line in enumerate(restored) if line == "\f"] == between
    for change in document.quality.changes:
        assert change.ocr in ocr[change.line - 1]
        assert change.restored in restored[change.line - 1]
        assert (change.line - 1 > between[0]) == (change.page == 2)
    changes_file = (tmp_path / "two.changes.txt").read_text(encoding="utf-8")
    late = max(document.quality.changes, key=lambda c: c.line)
    assert f"@@ page 2, line {late.line}\n" in changes_file
    # the restored text fed back in: the form feed is a blank line, not text
    again = ingest(sniff(tmp_path / "two.restored.txt"))
    assert again.ocr_lines == document.restored_lines
    assert not any("\f" in line for line in again.ocr_lines)


def _scan(lines: list[Line], tables: list[Table] | None = None) -> Document:
    page = Page(number=1, width=1000, height=1400, lines=lines, tables=tables or [])
    for line in page.lines:
        line.page = 1
    document = Document(source=Source(file="p.png", sha256="0" * 64, kind="scan", pages=1),
                        pages=[page])
    document.page_lines = joined_lines([page])
    document.ocr_lines = [line.text for line in document.page_lines]
    return document


def _line(*words: tuple[str, float]) -> Line:
    """A line of words side by side, each 100 px wide, with Tesseract's confidences."""
    made = [Word(text=text, confidence=conf, box=Box(left=100 * k, top=50, width=90, height=30))
            for k, (text, conf) in enumerate(words)]
    return Line(text=" ".join(w.text for w in made), words=made)


def _locate(document: Document) -> Document:
    return located(document, table_row_lines(document), default_restorer().token_texts)


def test_the_kth_change_of_a_token_is_the_kth_word_holding_it():
    document = _scan([_line(("s6", 96), ("việc,", 95), ("s6,", 93))])
    document.quality.changes = [Change(line=1, ocr="s6", restored="số", confidence=0.9),
                                Change(line=1, ocr="s6", restored="số", confidence=0.8)]
    first, second = _locate(document).quality.changes
    assert (first.box.left, first.ocr_confidence, first.page) == (0, 96, 1)
    assert (second.box.left, second.ocr_confidence, second.page) == (200, 93, 1)


def test_a_table_rows_change_stands_in_its_cell():
    cells = [Cell(row=0, col=0, text="1", box=Box(left=0, top=0, width=50, height=40),
                  confidence=95),
             Cell(row=0, col=1, text="Tuyên truyền s6 hộ", confidence=72,
                  box=Box(left=50, top=0, width=400, height=40)),
             Cell(row=0, col=2, text="Phòng s6", confidence=90,
                  box=Box(left=450, top=0, width=200, height=40))]
    table = Table(n_rows=1, n_cols=3, cells=cells, page=1)
    row = Line(text="1 | Tuyên truyền s6 hộ | Phòng s6", block="table")
    document = _scan([_line(("Kế", 96), ("hoạch", 96)), row], [table])
    document.quality.changes = [Change(line=2, ocr="s6", restored="số", confidence=0.7),
                                Change(line=2, ocr="s6", restored="số", confidence=0.6)]
    first, second = _locate(document).quality.changes
    assert (first.box, first.ocr_confidence, first.page) == (cells[1].box, 72, 1)
    assert (second.box, second.ocr_confidence) == (cells[2].box, 90)
    # a cell has only its mean confidence: its words are not doubted one by one
    assert document.quality.doubts == []


def test_kept_words_read_with_low_confidence_are_doubts_merged_with_the_restorers():
    document = _scan([_line(("Tối", 95), ("thiếu,", 71), ("3", 60), ("ngưòi", 40), ("-", 20),
                            ("xã", DOUBT_OCR_CONFIDENCE))])
    document.quality.changes = [Change(line=1, ocr="ngưòi", restored="người",
                                       confidence=0.9)]
    # the restorer's own doubt about the same word: located, not listed twice
    document.quality.doubts = [Doubt(line=1, text="thiếu", confidence=0.3)]
    _locate(document)
    assert [(d.text, d.confidence, d.ocr_confidence, d.box.left, d.page)
            for d in document.quality.doubts] == [("thiếu", 0.3, 71, 100, 1),
                                                  ("3", None, 60, 200, 1)]
    # a changed word is a change, not a doubt; a lone mark is no word; the threshold is strict
    assert document.quality.changes[0].ocr_confidence == 40


def test_text_inputs_have_no_locations():
    document = Document(source=Source(file="p.txt", sha256="0" * 64, kind="text", pages=1),
                        ocr_lines=["Căn cứ Luật s6 1", "", "Tối thiếu"])
    restore_document(document)
    assert document.quality.changes and document.quality.doubts == []
    assert all(c.page is None and c.box is None and c.ocr_confidence is None
               for c in document.quality.changes)



def test_a_line_read_whole_gives_its_changes_the_lines_box():
    # an overlay's line (a digital-signature box's text) has a box but no words of its own
    stamp = Box(left=600, top=40, width=300, height=90)
    document = _scan([Line(text="Ký bởi: Văn phòng s6 1", block="overlay", box=stamp,
                           confidence=80)])
    document.quality.changes = [Change(line=1, ocr="s6", restored="số", confidence=0.9)]
    change, = _locate(document).quality.changes
    assert (change.page, change.box, change.ocr_confidence) == (1, stamp, 80)
    assert document.quality.doubts == []


def test_tokens_are_found_in_order_and_out_of_order_from_the_start():
    text = "Tối thiếu s6, người s6"
    tokens = default_restorer().token_texts(text)
    assert token_starts(text, tokens, ["s6", "s6"]) == [10, 20]
    assert token_starts(text, tokens, ["người", "Tối"]) == [14, 0]
    # a token the tokens do not have (a line restored in pieces) is looked for as text
    assert token_starts(text, ["Tối thiếu s6, người s6"], ["thiếu"]) == [4]
    assert token_starts(text, tokens, ["xã"]) == [None]


def test_a_word_tesseract_doubted_carries_the_restorers_judgement_and_runners_up():
    line = "Mỗi thôn bố trí tối thiểu 3 người trực ban."
    words = [Word(text=text, box=Box(left=40 * k, top=0, width=30, height=20),
                  confidence=40.0 if text == "thiểu" else 95.0)
             for k, text in enumerate(line.split())]
    doc = Document(source=Source(file="x.png", sha256="0" * 64, kind="scan", pages=1),
                   ocr_lines=[line], page_lines=[Line(text=line, words=words, page=1)])
    doubts = default_restorer().restore_document(doc).quality.doubts
    assert [(d.text, d.ocr_confidence, d.box.left) for d in doubts] == [("thiểu", 40.0, 200)]
    assert 0.5 <= doubts[0].confidence <= 1.0  # typed Vietnamese: the restorer is sure of it
    alternatives = [a.text for a in doubts[0].alternatives]
    assert "thiếu" in alternatives and "thiểu" not in alternatives

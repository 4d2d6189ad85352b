"""NAME.pdf (`run --pdf`): the input's page images unchanged, with an invisible text layer of
the restored text on the OCR boxes (pipeline/emit/pdf.py; checks in bench/pdf.py)."""

from __future__ import annotations

import io
import re

import img2pdf
import pikepdf
import pytest
from conftest import run_cli, sample_inputs
from test_textlayer import LINES, unicode_font, write_text_pdf

from bench.pdf import check_pdf, claims_pdfa, images_identical, order_free_accuracy
from bench.scoring import score
from pipeline import external
from pipeline.emit import PDF_SUFFIX, write_outputs
from pipeline.emit.pdf import line_placed, page_texts
from pipeline.ingest import output_stem
from pipeline.model import Box, Document, Line, Page, Source, TextLayer, Word

# The bar: the PDF's text against NAME.restored.txt.
MIN_ACCURACY = 0.99
MAX_SIZE_GROWTH = 0.10


def scans() -> list:
    return [p for p in sample_inputs() if p.suffix in (".pdf", ".png")]


@pytest.mark.parametrize("path", scans(), ids=lambda p: p.name)
def test_sample_pdf_carries_the_restored_text_over_unchanged_images(samples_run, path):
    done, out = samples_run
    assert done.returncode == 0, done.stderr.decode()
    stem = output_stem(path)
    made = out / f"{stem}.pdf"
    restored = (out / f"{stem}.restored.txt").read_text(encoding="utf-8")
    check = check_pdf(made, path, out / f"{stem}.restored.txt", out / f"{stem}.json")
    # the text in the order it is drawn (the restored text's), and as pdftotext reads it
    raw = score(restored, _pdftotext(made, "-raw"))
    assert raw.syllable_acc >= MIN_ACCURACY, raw
    assert order_free_accuracy(restored, _pdftotext(made)) >= MIN_ACCURACY
    # plain pdftotext, poppler's own reading order: the header's columns one after the other,
    # a table row by row, as the restored text has them (the bar)
    assert check.accuracy >= MIN_ACCURACY, check
    assert check.images_identical, check.image_note
    assert check.size_growth < MAX_SIZE_GROWTH
    assert check.qpdf_problems == []
    assert check.pdfa


def _pdftotext(path, *options: str) -> str:
    import subprocess

    exe = external.require_program("pdftotext")
    return subprocess.run([exe, *options, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()


def test_text_inputs_get_no_pdf_and_say_so(samples_run):
    done, out = samples_run
    text_input = next(p for p in sample_inputs() if p.suffix == ".txt")
    assert not (out / f"{output_stem(text_input)}.pdf").exists()
    assert b"no NAME.pdf: a text input has no page images" in done.stderr


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory, review_page_scan):
    """Page 1 typed Vietnamese text (its own text layer is used), page 2 a scan (OCR'd)."""
    folder = tmp_path_factory.mktemp("mixed")
    typed = folder / "typed.pdf"
    write_text_pdf(typed, [("U", line.encode("utf-16-be")) for line in LINES],
                   fonts={"U": lambda pdf: unicode_font(pdf, "".join(LINES))})
    scan = pikepdf.open(io.BytesIO(img2pdf.convert(str(review_page_scan))))
    mixed = pikepdf.open(typed)
    mixed.pages.extend(scan.pages)
    path = folder / "mixed.pdf"
    mixed.save(path)
    out = folder / "out"
    done = run_cli("run", str(path), "--out", str(out), "--pdf", "--jobs", "1")
    assert done.returncode == 0, done.stderr.decode()
    return path, out


def test_pdf_input_keeps_text_layer_pages_and_adds_text_to_scanned_ones(mixed_pdf):
    path, out = mixed_pdf
    made = out / "mixed.pdf"
    with pikepdf.open(path) as given, pikepdf.open(made) as result:
        first_before = given.pages[0].obj.Contents.read_bytes()
        assert result.pages[0].obj.Contents.read_bytes() == first_before  # left as it is
        assert "/Resources" in result.pages[1].obj
        fonts = result.pages[1].obj.Resources.get("/Font", {})
        assert any(str(f.get("/BaseFont")) == "/GlyphLessFont" for f in fonts.values())
    identical, note = images_identical(made, path)
    assert identical, note
    page_two = external.pdf_page_text(made, 2, layout=False)
    restored = (out / "mixed.restored.txt").read_text(encoding="utf-8").split("\f")[1]
    assert score(restored, page_two).syllable_acc >= MIN_ACCURACY
    # the restorer's repairs are what a search finds, not the slips as read
    assert "quản lý" in page_two and "cán bộ" in page_two
    assert "quản ly " not in page_two


def test_text_is_invisible_and_on_the_printed_lines(mixed_pdf):
    """Every word pdftotext finds on page 2 lies on a line the renderer printed there (its
    boxes known independently of the OCR), and the text is drawn in render mode 3."""
    import subprocess

    from conftest import REVIEW_PAGE_LINES

    from pipeline.synth import render_text_page

    _, out = mixed_pdf
    _, truth = render_text_page(REVIEW_PAGE_LINES, dpi=300, page_size="A5", degrade="mild",
                                seed=3)  # the scan of `review_page_scan`, with its line boxes
    exe = external.require_program("pdftotext")
    html = subprocess.run([exe, "-bbox", "-f", "2", "-l", "2", str(out / "mixed.pdf"), "-"],
                          capture_output=True, check=True).stdout.decode()
    words = [[float(v) for v in m.groups()] for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    with pikepdf.open(out / "mixed.pdf") as pdf:
        page = pdf.pages[1]
        page.contents_coalesce()
        assert b"3 Tr" in page.obj.Contents.read_bytes()  # drawn invisible
        image = next(iter(page.get_images().values()))
        scale = float(page.mediabox[2]) / int(image.Width)  # points per image pixel
    assert len(words) >= 40
    slack = 4  # points
    for x_min, y_min, x_max, y_max in words:
        centre = ((x_min + x_max) / 2, (y_min + y_max) / 2)
        assert any(left * scale - slack <= centre[0] <= right * scale + slack
                   and top * scale - slack <= centre[1] <= bottom * scale + slack
                   for left, top, right, bottom in (line.bbox for line in truth)), centre
    # each printed line starts where its first word does
    starts = sorted(left * scale for left, *_ in (line.bbox for line in truth))
    assert min(abs(min(w[0] for w in words) - start) for start in starts) < slack


def test_restored_words_go_one_for_one_on_the_ocr_words_else_over_the_line():
    boxes = [Box(left=10 * k, top=0, width=8, height=10) for k in range(3)]
    line = Line(text="Ke hoach nay", words=[Word(text=t, box=b) for t, b in
                                             zip(["Ke", "hoach", "nay"], boxes, strict=True)],
                box=Box(left=0, top=0, width=28, height=10), page=1)
    placed = line_placed(line, "Kế hoạch này")
    assert [(p.text, p.box) for p in placed] == list(zip(["Kế", "hoạch", "này"], boxes,
                                                         strict=True))
    spread = line_placed(line, "Kế hoạch này nữa")  # 13 letters and 4 gaps over 28 px
    assert [(p.text, p.box.left, p.box.width) for p in spread] == [
        ("Kế", 0, 3), ("hoạch", 5, 8), ("này", 15, 5), ("nữa", 21, 5)]
    assert all(p.line_box == line.box for p in spread)


def test_pages_with_their_own_text_or_no_placement_get_no_text():
    line = Line(text="Ke", words=[Word(text="Ke", box=Box(left=0, top=0, width=5, height=5))],
                box=Box(left=0, top=0, width=5, height=5), page=1)
    placement = {"to_image": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "image_size": (10, 10)}
    pages = [Page(number=1, lines=[line], **placement),
             Page(number=2, lines=[line.model_copy(update={"page": 2})], **placement,
                  text_layer=TextLayer(kind="visible", used=True)),
             Page(number=3, lines=[line.model_copy(update={"page": 3})])]
    document = Document(source=Source(file="a.pdf", sha256="0" * 64, kind="scan", pages=3),
                        pages=pages, ocr_lines=["Ke", "", "Ke", "", "Ke"],
                        page_lines=[pages[0].lines[0], Line(text=""), pages[1].lines[0],
                                    Line(text=""), pages[2].lines[0]],
                        restored_lines=["Kế", "", "Kế", "", "Kế"])
    assert {number: [p.text for p in placed] for number, placed in
            page_texts(document).items()} == {1: ["Kế"]}


def test_a_set_written_without_pdf_removes_an_earlier_runs_pdf(tmp_path):
    document = Document(source=Source(file="plan.txt", sha256="0" * 64, kind="text", pages=1),
                        ocr_lines=["KE HOACH"], restored_lines=["KẾ HOẠCH"])
    old = tmp_path / f"plan{PDF_SUFFIX}"
    old.write_bytes(b"%PDF-1.4 of an earlier run")
    write_outputs(document, tmp_path, "plan", keep_old_pdf=True)
    assert old.exists()  # an input of that name: never removed
    write_outputs(document, tmp_path, "plan")
    assert not old.exists()


def test_incremental_with_pdf_redoes_a_set_made_without_it_and_pdfs_repeat(
        tmp_path, review_page_scan):
    first = run_cli("run", str(review_page_scan), "--out", str(tmp_path / "a"), "-q")
    name = f"{review_page_scan.stem}.pdf"
    assert first.returncode == 0 and not (tmp_path / "a" / name).exists()
    again = run_cli("run", str(review_page_scan), "--out", str(tmp_path / "a"), "--incremental",
                    "--pdf", "-q")
    assert again.returncode == 0, again.stderr.decode()
    with pikepdf.open(tmp_path / "a" / name) as pdf:
        assert claims_pdfa(pdf)
    other = run_cli("run", str(review_page_scan), "--out", str(tmp_path / "b"), "--pdf", "-q")
    assert other.returncode == 0, other.stderr.decode()
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_an_input_whose_pdf_cannot_be_made_still_gets_its_other_outputs(tmp_path, monkeypatch):
    from pipeline import emit
    from pipeline.emit import PdfSource

    def damaged(*args):
        raise pikepdf.PdfError("damaged xref")

    monkeypatch.setattr(emit, "render_pdf", damaged)
    document = Document(source=Source(file="scan.pdf", sha256="0" * 64, kind="scan", pages=1),
                        ocr_lines=["KE HOACH"], restored_lines=["KẾ HOẠCH"])
    written = write_outputs(document, tmp_path, "scan", PdfSource(tmp_path / "scan.pdf", "pdf"))
    assert [p.name for p in written][0] == "scan.json"
    assert (tmp_path / "scan.json").is_file() and not (tmp_path / "scan.pdf").exists()


@pytest.mark.parametrize(("rotate", "shown"), [(90, 90), (270, 270), (90, 0)])
def test_a_page_shown_turned_gets_its_text_on_the_words_as_shown(tmp_path, review_page_scan,
                                                                 rotate, shown):
    """A sideways scan in a page with /Rotate that shows it upright (poppler reads it
    upright), or without (the ocr stage turns it upright): the text goes where the words are
    shown and reads in order."""
    from conftest import REVIEW_PAGE_LINES
    from PIL import Image

    from pipeline.synth import render_text_page

    with Image.open(review_page_scan) as upright:
        sideways = upright.rotate(rotate, expand=True)  # counter-clockwise by `rotate`
        sideways.save(tmp_path / "sideways.png", dpi=(300, 300))
    pdf = pikepdf.open(io.BytesIO(img2pdf.convert(str(tmp_path / "sideways.png"))))
    if shown:
        pdf.pages[0].obj.Rotate = shown  # shown turned clockwise by as much: upright again
    path = tmp_path / "turned.pdf"
    pdf.save(path)
    done = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--pdf", "-q")
    assert done.returncode == 0, done.stderr.decode()
    made = tmp_path / "out" / "turned.pdf"
    restored = (tmp_path / "out" / "turned.restored.txt").read_text(encoding="utf-8")
    assert score(restored, _pdftotext(made, "-raw")).syllable_acc >= MIN_ACCURACY
    _, truth = render_text_page(REVIEW_PAGE_LINES, dpi=300, page_size="A5", degrade="mild",
                                seed=3)
    html = _pdftotext(made, "-bbox")  # boxes on the page as shown, in points
    words = [[float(v) for v in m.groups()] for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    scale = 72 / 300
    assert len(words) >= 40
    width = sideways.height  # of the upright page
    for x_min, y_min, x_max, y_max in words:
        x, y = (x_min + x_max) / 2 / scale, (y_min + y_max) / 2 / scale
        if not shown:  # the page as shown is the sideways scan: its point on the upright one
            x, y = width - y, x
        assert any(left - 15 <= x <= right + 15 and top - 15 <= y <= bottom + 15
                   for left, top, right, bottom in (line.bbox for line in truth)), (x, y)


def _words_line(text: str, left: int, top: int, height: int, block: str,
                gap: int = 30) -> Line:
    """An OCR line of `text` at (left, top): letters 0.5 of the height wide, `gap` pixels
    between words (wide, as in spaced headings and justified lines)."""
    words, at = [], left
    for word in text.split():
        width = round(len(word) * height * 0.5)
        words.append(Word(text=word, box=Box(left=at, top=top, width=width, height=height)))
        at += width + gap
    box = Box(left=left, top=top, width=at - gap - left, height=height)
    return Line(text=text, words=words, box=box, page=1, block=block)


def test_poppler_reads_side_by_side_columns_and_table_rows_in_the_restored_order(tmp_path):
    """Two header columns whose lines differ in height and stand farther apart than poppler's
    line spacing, with wide word gaps, then a table whose cells hold several lines' worth of
    text: plain pdftotext gives the left column, the right one, then the rows in order."""
    from PIL import Image

    from pipeline.emit.pdf import render_pdf
    from pipeline.model import Cell, Table

    image = tmp_path / "page.png"
    Image.new("L", (1240, 1754), 255).save(image, dpi=(150, 150))
    lines = [_words_line("HỘI ĐỒNG XÃ", 120, 100, 30, "header_left", gap=40),
             _words_line("THÔN BẮC SƠN", 100, 150, 38, "header_left"),
             _words_line("Số: 12/TB", 130, 235, 26, "header_left"),
             _words_line("THÔNG BÁO CHUNG", 640, 98, 32, "header_right"),
             _words_line("Về lịch họp tháng năm", 650, 152, 30, "header_right"),
             _words_line("Bắc Sơn, ngày 3 tháng 5", 630, 236, 28, "header_right"),
             _words_line("Các hộ gia đình trong thôn họp tại nhà văn hóa", 100, 360, 30,
                         "body")]
    cells = [Cell(row=row, col=col, text=text, box=Box(left=100 + 300 * col, top=450 + 200 * row,
                                                          width=300, height=200))
             for row, texts in enumerate([["1", "Sửa đường liên thôn qua cánh đồng phía bắc "
                                           "trước mùa mưa năm nay", "Tổ đội"],
                                          ["2", "Nạo vét kênh mương", "Thanh niên thôn"]])
             for col, text in enumerate(texts)]
    rows = [" | ".join(cell.text for cell in cells[k:k + 3]) for k in (0, 3)]
    table_lines = [Line(text=row, page=1, block="table",
                        box=Box(left=100, top=450 + 200 * k, width=900, height=200))
                   for k, row in enumerate(rows)]
    page_lines = [*lines[:3], Line(text=""), *lines[3:6], Line(text=""), lines[6],
                  *table_lines]
    page = Page(number=1, lines=[line for line in page_lines if line.page], image_size=(1240, 1754),
                to_image=[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
                tables=[Table(n_rows=2, n_cols=3, cells=cells, page=1,
                              box=Box(left=100, top=450, width=900, height=400))])
    texts = [line.text for line in page_lines]
    document = Document(source=Source(file="page.png", sha256="0" * 64, kind="scan", pages=1),
                        pages=[page], ocr_lines=texts, page_lines=page_lines,
                        restored_lines=texts)
    made = tmp_path / "page.pdf"
    made.write_bytes(render_pdf(document, image, "image"))
    restored = "\n".join(texts)
    read = _pdftotext(made)
    assert score(restored, read).syllable_acc == 1.0, read
    assert order_free_accuracy(restored, read) == 1.0

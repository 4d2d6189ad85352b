"""The ocr stage alone, on small pages rendered by pipeline.synth."""

from __future__ import annotations

import os
import subprocess

import pytest
from rapidfuzz.distance import Levenshtein

from pipeline import external
from pipeline.external import libtesseract
from pipeline.ingest import ingest, sniff
from pipeline.ocr import assemble, ocr_document, plan_pages, recognize_page
from pipeline.ocr.tables.numbers import DIGIT_WHITELIST
from pipeline.synth import render_text_page

LINES = [
    "Ủy ban nhân dân xã An Hòa ban hành Kế hoạch",
    "chuyển đổi số năm 2026 trên địa bàn xã.",
]


@pytest.fixture(scope="module")
def page():
    image, truth = render_text_page(LINES, dpi=300, page_size="A6", degrade="clean", seed=1)
    return image, [line.text for line in truth]


def cer(expected: str, got: str) -> float:
    return Levenshtein.distance(expected, got) / max(len(expected), 1)


def test_png_page_gives_words_with_boxes_and_confidences(tmp_path, page):
    image, truth = page
    path = tmp_path / "page.png"
    image.save(path, dpi=(300, 300))
    document = ocr_document(ingest(sniff(path)), sniff(path))
    words = [word for line in document.pages[0].lines for word in line.words]
    assert words and all(w.box is not None and w.box.width > 0 for w in words)
    assert all(w.confidence is not None and 0 <= w.confidence <= 100 for w in words)
    assert cer(" ".join(truth), " ".join(t for t in document.ocr_lines if t)) < 0.05
    assert document.quality.ocr_confidence > 50


def test_multipage_tiff_and_pdf_are_split_into_page_jobs(tmp_path, page):
    image, truth = page
    second, truth2 = render_text_page(["Trang thứ hai của văn bản"], dpi=300, page_size="A6",
                                      degrade="clean", seed=2)
    for name in ("scan.tif", "scan.pdf"):
        path = tmp_path / name
        image.save(path, save_all=True, append_images=[second], resolution=300, dpi=(300, 300))
        jobs = plan_pages(sniff(path), "vie")
        assert [job.number for job in jobs] == [1, 2]
        document = assemble(ingest(sniff(path)), [recognize_page(job) for job in reversed(jobs)])
        assert [p.number for p in document.pages] == [1, 2]
        assert document.source.pages == 2
        text = "\n".join(document.ocr_lines)
        assert cer(truth2[0].text, document.pages[1].lines[0].text) < 0.1
        assert text.index("Ủy ban") < text.index("Trang")
        blank = document.ocr_lines.index("")
        assert document.ocr_lines[blank + 1].startswith("Trang")  # a blank line between pages
        # Each OCR line is kept with where it stands: its page, block and box; the blank line
        # between the pages stands nowhere.
        assert [line.text for line in document.page_lines] == document.ocr_lines
        assert [line.page for line in document.page_lines] == (
            [1] * blank + [None] + [2] * (len(document.ocr_lines) - blank - 1))
        read = [line for line in document.page_lines if line.page is not None]
        assert all(line.block == "body" and line.box is not None for line in read)


def test_searchable_pdf_keeps_its_invisible_layer_only_with_skip_text(tmp_path):
    lines = [f"Dòng {i}: Ủy ban nhân dân xã triển khai kế hoạch chuyển đổi số." for i in range(8)]
    image, _ = render_text_page(lines, dpi=300, page_size="A5", degrade="clean", seed=3)
    image.save(tmp_path / "page.png", dpi=(300, 300))
    subprocess.run(  # Tesseract's PDF renderer writes a PDF with an invisible text layer
        ["tesseract", str(tmp_path / "page.png"), str(tmp_path / "searchable"), "-l", "vie", "pdf"],
        check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    path = tmp_path / "searchable.pdf"
    kept = ocr_document(ingest(sniff(path)), sniff(path), ocr_mode="skip-text")
    assert kept.source.kind == "pdf-text"
    assert kept.pages[0].preparation == ["text layer"] and kept.pages[0].text_layer.used
    assert {line.page for line in kept.page_lines} == {1}
    assert "Ủy ban nhân dân xã triển khai" in "\n".join(kept.ocr_lines)
    # By default an invisible layer over a scan is another program's OCR: read again.
    read = ocr_document(ingest(sniff(path)), sniff(path))
    assert read.source.kind == "scan" and read.pages[0].text_layer.kind == "invisible"
    assert "Ủy ban nhân dân xã triển khai" in "\n".join(read.ocr_lines)


# -- libtesseract in this process ------------------------------------------------------------

def test_in_process_reads_give_the_programs_word_table(page):
    image, _ = page
    gray = image.convert("L")
    digits = gray.crop((0, 0, gray.width, gray.height // 3))
    assert libtesseract.engine("vie", "") is not None  # libtesseract is installed with tesseract
    for picture, lang, psm, config in [(gray, "vie", 3, ""), (gray, "vie", 6, ""),
                                       (digits, "eng", 7, DIGIT_WHITELIST)]:
        inside = external.tesseract_data(picture, lang, psm, config)
        program = external.tesseract_program_data(picture, lang, psm, config)
        assert inside == program
    assert any(word.strip() for word in inside["text"])


def test_released_engines_load_their_models_again(page):
    gray = page[0].convert("L")
    first = external.tesseract_data(gray, "vie", 6)
    assert ("vie", "") in libtesseract.ENGINES
    external.release_engines()
    assert libtesseract.ENGINES == {}
    assert external.tesseract_data(gray, "vie", 6) == first
    assert ("vie", "") in libtesseract.ENGINES


def test_without_libtesseract_the_program_reads_image_lists(monkeypatch, page):
    image, _ = page
    gray = image.convert("L")
    half = gray.crop((0, 0, gray.width, gray.height // 2))
    inside = external.tesseract_data_many([gray, half], "vie", 6)
    monkeypatch.setattr(libtesseract, "engine", lambda lang, config: None)
    program = external.tesseract_data_many([gray, half], "vie", 6)
    for ours, theirs in zip(inside, program, strict=True):
        assert [t for t in ours["text"] if t] == [t for t in theirs["text"] if t]
        assert ours["left"] == theirs["left"] and ours["conf"] == theirs["conf"]
    assert set(program[1]["page_num"]) == {2}  # the list's second image


def test_tesseract_options_become_engine_variables():
    assert libtesseract.variables("") == []
    assert libtesseract.variables("-c tessedit_char_whitelist=0123456789. -c a=b=c") == [
        ("tessedit_char_whitelist", "0123456789."), ("a", "b=c")]
    with pytest.raises(ValueError):
        libtesseract.variables("--oem 1")
    columns = libtesseract.tsv_columns("5\t1\t2\t1\t1\t3\t10\t20\t30\t40\t96.8\tNội\n"
                                       "4\t1\t2\t1\t1\t0\t10\t20\t300\t40\t-1\t\n")
    assert columns["conf"] == [96, -1] and columns["text"] == ["Nội", ""]
    assert columns["left"] == [10, 10] and columns["level"] == [5, 4]

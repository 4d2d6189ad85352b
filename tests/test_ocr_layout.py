"""Page preparation and reading order of the ocr stage, on small pages rendered by
pipeline.synth (a plan invented for these tests; A5/A6 pages to keep Tesseract quick)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline import external
from pipeline.model import Box, Word
from pipeline.ocr import PageJob, recognize_page
from pipeline.ocr.layout import order_lines
from pipeline.ocr.prepare import (
    DENOISE_SIGMA,
    content_box,
    denoise,
    deskew,
    estimate_skew,
    looks_sideways,
    noise_sigma,
    rotate_clockwise,
    whiten_sparse_page,
)
from pipeline.synth import Degrade, Para, Plan, Section, Signature, render_plan, render_text_page

TEXT = [
    "Ủy ban nhân dân xã Phú Lâm thông báo lịch tiếp công dân định kỳ",
    "vào sáng thứ Năm hằng tuần tại trụ sở, bắt đầu từ tháng Năm.",
    "Người dân mang theo căn cước và giấy tờ liên quan đến vụ việc.",
    "Cán bộ tiếp dân ghi chép đầy đủ, chuyển đơn đến bộ phận chuyên môn",
    "và trả lời bằng văn bản trong thời hạn quy định của pháp luật.",
    "Trường hợp khẩn cấp, người dân liên hệ trực tiếp Văn phòng xã.",
]

PLAN = Plan(
    name="test_layout_plan",
    header_left=("ỦY BAN NHÂN DÂN", "XÃ PHÚ LÂM"),
    issuer="ỦY BAN NHÂN DÂN XÃ PHÚ LÂM",
    issuer_parent=None,
    number="27/KH-UBND",
    place="Phú Lâm",
    date="2026-05-14",
    summary=("Tiếp công dân năm 2026",),
    legal_basis=(),
    sections=(
        Section("I", "MỤC ĐÍCH", (
            Para("Bảo đảm quyền khiếu nại, tố cáo của công dân theo quy định.", "-"),
        )),
    ),
    closing="Trên đây là Kế hoạch tiếp công dân năm 2026 của xã Phú Lâm./.",
    signature=Signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Đỗ Văn Thành"),
    recipients=("UBND huyện (b/c);", "Các thôn;", "Lưu: VT."),
)


def cer(expected: str, got: str) -> float:
    return Levenshtein.distance(expected, got) / max(len(expected), 1)


def ocr_png(tmp_path, image: Image.Image, name: str = "page.png"):
    path = tmp_path / name
    image.save(path, dpi=(300, 300))
    return recognize_page(PageJob(path, "image", 1, "vie"))


@pytest.fixture(scope="module")
def text_page():
    image, truth = render_text_page(TEXT, dpi=300, page_size="A6", degrade="clean", seed=4)
    return image, " ".join(line.text for line in truth)


@pytest.fixture(scope="module")
def plan_page(tmp_path_factory):
    """The invented plan on one page as wide as A4 (the header blocks need its width) but
    shorter, a mild scan, OCR'd once for the layout tests."""
    rendered = render_plan(PLAN, dpi=300, seed=2, degrade="mild", page_size=(210.0, 180.0))
    assert len(rendered.images) == 1
    page = ocr_png(tmp_path_factory.mktemp("plan"), rendered.images[0])
    return page, rendered.lines


# -- preparation (no OCR) ----------------------------------------------------------------------

def test_skewed_page_is_deskewed_to_within_a_third_of_a_degree(text_page):
    image, _ = text_page
    skewed, _ = render_text_page(TEXT, dpi=300, page_size="A6", seed=4,
                                 degrade=Degrade(skew_deg=1.5, noise_sigma=4.0))
    gray = np.asarray(skewed)
    assert abs(estimate_skew(gray) - 1.5) < 0.1
    straightened, note = deskew(gray)
    assert note == "deskewed +1.50°"
    assert abs(estimate_skew(straightened)) < 0.3
    assert deskew(np.asarray(image))[1] is None  # a straight page is left alone


def test_sideways_pages_are_told_from_upright_ones(text_page):
    gray = np.asarray(text_page[0])
    assert not looks_sideways(gray)
    assert not looks_sideways(rotate_clockwise(gray, 180))
    assert looks_sideways(rotate_clockwise(gray, 90))
    assert looks_sideways(rotate_clockwise(gray, 270))


def test_only_noisy_pages_are_denoised(text_page):
    clean = np.asarray(text_page[0])
    noisy, _ = render_text_page(TEXT, dpi=300, page_size="A6", seed=4,
                                degrade=Degrade(noise_sigma=6.0, blur_sigma=0.4, jpeg_quality=75))
    noisy = np.asarray(noisy)
    assert noise_sigma(clean) < 0.5 < DENOISE_SIGMA < noise_sigma(noisy)
    assert denoise(clean) == (clean, None)
    smoothed, note = denoise(noisy)
    assert note.startswith("denoised") and noise_sigma(smoothed) < noise_sigma(noisy)


def test_only_sparse_pages_get_white_paper(text_page):
    scan = Degrade(noise_sigma=6.0, blur_sigma=0.4, paper=235)
    full, _ = render_text_page(TEXT, dpi=300, page_size="A6", seed=4, degrade=scan)
    sparse, _ = render_text_page(TEXT[:1], dpi=300, page_size="A6", seed=4, degrade=scan)
    full, sparse = np.asarray(full), np.asarray(sparse)
    assert whiten_sparse_page(full) == (full, None)
    whitened, note = whiten_sparse_page(sparse)
    assert note == "paper whitened (sparse page)"
    assert np.median(whitened) == 255 and whitened.min() == sparse.min()  # the ink stays


def test_content_box_holds_the_text_and_leaves_out_specks(text_page):
    text = np.asarray(text_page[0])  # an A6 page of text
    page = np.full((3508, 2480), 255, np.uint8)  # A4 at 300 dpi
    page[1500:1500 + text.shape[0], 700:700 + text.shape[1]] = text
    rows, cols = np.nonzero(text < 128)
    ink = (700 + cols.min(), 1500 + rows.min(), 700 + cols.max(), 1500 + rows.max())
    for y, x in [(100, 100), (3300, 2300), (400, 2000), (3000, 300)]:
        page[y:y + 3, x:x + 3] = 0  # dust: a quarter of a millimetre
    left, top, right, bottom = content_box(page)
    assert left <= ink[0] and top <= ink[1] and right > ink[2] and bottom > ink[3]
    assert ink[0] - left <= 100 and ink[1] - top <= 100  # a margin, not the specks
    assert right - ink[2] <= 100 and bottom - ink[3] <= 100
    assert content_box(np.full((3508, 2480), 250, np.uint8)) == (0, 0, 2480, 3508)


def test_page_read_in_its_content_box_keeps_page_coordinates(tmp_path, text_page):
    full = np.asarray(text_page[0])
    blank_rows = np.nonzero((full < 128).sum(axis=1) == 0)[0]
    cut = int(blank_rows[blank_rows >= full.shape[0] // 3][0])  # between two lines
    text = full[:cut]  # the first lines only: on an A4 sheet, a sparse page
    page = np.full((3508, 2480), 255, np.uint8)
    page[1500:1500 + text.shape[0], 700:700 + text.shape[1]] = text
    read = ocr_png(tmp_path, Image.fromarray(page))
    assert "paper whitened (sparse page)" in read.preparation  # so read in its content box
    assert (read.width, read.height) == (2480, 3508)
    rows, cols = np.nonzero(text < 128)
    words = [w for line in read.lines for w in line.words]
    got = " ".join(w.text for w in words)
    assert cer(text_page[1][:len(got)], got) < 0.05  # the first lines of the page's text
    assert abs(min(w.box.left for w in words) - (700 + cols.min())) <= 3
    assert abs(min(w.box.top for w in words) - (1500 + rows.min())) <= 3
    assert max(w.box.left + w.box.width for w in words) <= 700 + cols.max() + 3
    assert max(w.box.top + w.box.height for w in words) <= 1500 + rows.max() + 3


# -- orientation (OCR) -------------------------------------------------------------------------

@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_page_is_read_upright(tmp_path, text_page, turn):
    image, truth = text_page
    turned = image.rotate(-turn, expand=True)  # PIL turns counter-clockwise
    page = ocr_png(tmp_path, turned)
    text = " ".join(line.text for line in page.lines if line.text)
    assert cer(truth, text) < 0.05, text
    assert any(note.startswith("rotated") for note in page.preparation), page.preparation
    # OSD reads these pages surely: turned back by what they were turned by
    assert page.rotation == (360 - turn) % 360, page.preparation


@pytest.mark.parametrize("turn", [90, 270])
def test_in_process_osd_answers_as_the_program(text_page, turn):
    turned = text_page[0].convert("L").rotate(-turn, expand=True)  # clockwise by `turn`
    inside = external.tesseract_osd(turned)
    assert inside is not None and inside["rotate"] == (360 - turn) % 360
    program = external.tesseract_program.program_osd(turned)
    for key in ("orientation", "rotate", "orientation_conf", "script", "script_conf"):
        assert inside[key] == program[key], key
    assert external.tesseract_osd(Image.new("L", (200, 100), 255)) is None  # nothing to tell


# -- reading order (OCR of the plan page) ------------------------------------------------------

def block_lines(page, block: str) -> list[tuple[int, str]]:
    return [(i, line.text) for i, line in enumerate(page.lines) if line.block == block]


def truth_lines(lines, kind: str) -> list[str]:
    return [line.text for line in lines if line.kind == kind]


@pytest.mark.parametrize("left,right", [("header_left", "header_right"),
                                        ("recipients", "signature")])
def test_side_by_side_blocks_are_read_one_after_the_other(plan_page, left, right):
    page, truth = plan_page
    left_lines, right_lines = block_lines(page, left), block_lines(page, right)
    assert left_lines and right_lines
    # The left block's lines in order, then the right block's: none interleaved.
    assert max(i for i, _ in left_lines) < min(i for i, _ in right_lines)
    for block, expected in ((left_lines, truth_lines(truth, left)),
                            (right_lines, truth_lines(truth, right))):
        got = [text for _, text in block]
        got = [text for text in got if len(text) > 2]  # seal or speck residue aside
        assert len(got) == len(expected), (got, expected)
        for want, have in zip(expected, got, strict=True):
            assert cer(want, have) < 0.1, (want, have)


def test_body_lines_are_between_header_and_foot(plan_page):
    page, truth = plan_page
    body = block_lines(page, "body")
    header_end = max(i for i, _ in block_lines(page, "header_right"))
    foot_start = min(i for i, _ in block_lines(page, "recipients"))
    assert all(header_end < i < foot_start for i, _ in body)
    text = " ".join(t for _, t in body)
    for kind in ("title", "body", "heading"):
        for want in truth_lines(truth, kind):
            assert cer(want, text[text.find(want[:6]):][: len(want)]) < 0.1, want


def test_lines_and_page_carry_confidences(plan_page):
    page, _ = plan_page
    worded = [line for line in page.lines if line.words]
    assert worded and all(line.confidence is not None for line in worded)
    for line in worded:
        scores = [w.confidence for w in line.words if w.confidence is not None]
        assert line.confidence == pytest.approx(sum(scores) / len(scores), abs=0.01)
    assert 50 < page.ocr_confidence <= 100
    assert page.preparation  # a mild scan is at least deskewed or denoised, and says so


# -- reading order from word boxes alone (no OCR) ----------------------------------------------

def word(text: str, left: int, top: int, width: int = 90, height: int = 30) -> Word:
    return Word(text=text, box=Box(left=left, top=top, width=width, height=height),
                confidence=90.0)


def test_rows_read_across_two_columns_are_split_into_blocks():
    # Tesseract read the head's rows straight across, both columns in one line each.
    rows = [
        (["ỦY", "BAN"], ["CỘNG", "HÒA"]),
        (["XÃ", "AN"], ["Độc", "lập"]),
        (["Số:", "5/KH"], ["An,", "ngày"]),
    ]
    words = []
    for n, (left, right) in enumerate(rows):
        top = 100 + 50 * n
        words += [((1, 1, n), word(t, 100 + 100 * i, top)) for i, t in enumerate(left)]
        words += [((1, 1, n), word(t, 1300 + 100 * i, top)) for i, t in enumerate(right)]
    words += [((2, 1, 0), word("KẾ", 750, 300)), ((2, 1, 0), word("HOẠCH", 850, 300))]
    body = [f"w{i}" for i in range(20)]
    words += [((3, 1, 0), word(t, 100 + 75 * i, 380, width=70)) for i, t in enumerate(body)]
    lines = [(line.block, line.text) for line in order_lines(words) if line.text]
    assert lines == [
        ("header_left", "ỦY BAN"), ("header_left", "XÃ AN"), ("header_left", "Số: 5/KH"),
        ("header_right", "CỘNG HÒA"), ("header_right", "Độc lập"), ("header_right", "An, ngày"),
        ("body", "KẾ HOẠCH"), ("body", " ".join(body)),
    ]


def test_foot_zone_keeps_recipients_and_signature_apart_despite_specks():
    body = [f"b{i}" for i in range(20)]
    words = [((1, 1, 0), word(t, 100 + 75 * i, 100, width=70)) for i, t in enumerate(body)]
    # The authority line stands a row above "Nơi nhận:"; a seal speck sits in the channel.
    words += [((2, 1, 0), word("TM.", 1250, 200)), ((2, 1, 0), word("UBND", 1350, 200))]
    left = [["Nơi", "nhận:"], ["-", "Như", "trên;"], ["-", "Lưu:", "VT."]]
    right = [["CHỦ", "TỊCH"], [], ["Lê", "Văn", "Nam"]]
    for n, (lw, rw) in enumerate(zip(left, right, strict=True)):
        top = 250 + 50 * n
        words += [((3, 1, n), word(t, 100 + 100 * i, top)) for i, t in enumerate(lw)]
        words += [((3, 1, n), word(t, 1250 + 100 * i, top)) for i, t in enumerate(rw)]
    words.append(((3, 1, 1), Word(text="'", box=Box(left=800, top=300, width=20, height=20),
                                  confidence=5.0)))
    lines = [(line.block, line.text) for line in order_lines(words) if line.text]
    assert lines == [
        ("body", " ".join(body)),
        ("recipients", "Nơi nhận:"), ("recipients", "- Như trên; '"),
        ("recipients", "- Lưu: VT."),
        ("signature", "TM. UBND"), ("signature", "CHỦ TỊCH"), ("signature", "Lê Văn Nam"),
    ]


def test_a_false_margin_column_goes_back_into_its_lines():
    """Tesseract cut the first word of each line into a narrow block of its own (block 1);
    the words go back to the start of their lines, in Tesseract's order otherwise."""
    rows = [("Căn", "cứ Luật Tổ chức chính quyền địa phương"),
            ("Căn", "cứ Nghị định số 30/2020/NĐ-CP"),
            ("Xét", "đề nghị của Văn phòng Ủy ban nhân dân"),
            ("Ủy", "ban nhân dân xã ban hành Kế hoạch")]
    words = []
    for row, (first, _) in enumerate(rows):
        top = 100 + row * 60
        words.append(((1, 1, row + 1), Word(text=first, box=Box(left=100, top=top, width=60,
                                                                    height=40))))
    for row, (_, rest) in enumerate(rows):
        top = 100 + row * 60
        for n, token in enumerate(rest.split()):
            box = Box(left=200 + n * 110, top=top, width=90, height=40)
            words.append(((2, 1, row + 1), Word(text=token, box=box)))
    lines = [line.text for line in order_lines(words) if line.text]
    assert lines == [f"{first} {rest}" for first, rest in rows]

"""The filled-in blanks of a document's head (pipeline.ocr.blanks): found from the word boxes
of its lines, read from the page in its own colours (pipeline.ocr.original)."""

from __future__ import annotations

from functools import cache

import numpy as np

from pipeline.model import Box, Line, Word
from pipeline.ocr.blank_box import grown_strokes, slash_like
from pipeline.ocr.blanks import InkLook, find_blanks, in_range, looks_handwritten, read_blanks
from pipeline.ocr.original import OriginalPage, crop, page_transform
from pipeline.ocr.prepare import rotate_by, rotate_clockwise
from pipeline.ocr.resolution import resample
from pipeline.synth.blanks import date_line, number_line


def _line(block: str | None, *words: tuple[str, int, int]) -> Line:
    """Words (text, left, width) on one line at top 100, 30 px high."""
    built = [Word(text=t, box=Box(left=x, top=100, width=w, height=30)) for t, x, w in words]
    right = max(x + w for _, x, w in words)
    return Line(text=" ".join(t for t, _, _ in words), words=built, block=block,
                box=Box(left=words[0][1], top=100, width=right - words[0][1], height=30))


def test_number_blank_runs_from_the_label_to_the_slash():
    line = _line("header_left", ("Số:", 100, 50), ("Ø7“", 170, 60), ("/CT-UBND", 300, 150))
    [spot] = find_blanks([line], 3000)
    assert spot.field == "number"
    assert 150 <= spot.box.left <= 160 and 290 <= spot.box.left + spot.box.width <= 300


def test_number_glued_to_its_symbol_ends_at_the_slash_inside_the_word():
    line = _line("header_left", ("Số:", 100, 50), ("1135/TB-BTP", 160, 220))
    [spot] = find_blanks([line], 3000)
    assert spot.box.left + spot.box.width <= 160 + 220 * 4 // 11


def test_number_line_without_a_slash_ends_at_the_dashed_symbol():
    line = _line("header_left", ("Số:", 100, 50), ("2M", 170, 60), ("“CT-CS", 260, 120))
    [spot] = find_blanks([line], 3000)
    assert spot.box.left + spot.box.width <= 260


def test_the_number_label_must_open_a_head_line():
    body = _line("body", ("Công", 100, 60), ("văn", 170, 50), ("số", 230, 30),
                 ("5770/NB", 270, 120))
    late = _line("header_left", ("Cục", 100, 60), ("số", 170, 40), ("12/KH", 220, 90))
    assert find_blanks([body, late], 3000) == []


def test_date_blanks_between_ngay_thang_nam_not_the_place_name():
    line = _line("header_right", ("Quảng", 100, 90), ("Ngãi,", 200, 70), ("ngày", 280, 60),
                 ("{Ệ", 360, 40), ("tháng", 440, 80), ("01", 530, 30), ("năm", 570, 50),
                 ("2025", 630, 70))
    day, month = find_blanks([line], 3000)
    assert (day.field, month.field) == ("day", "month")
    assert day.box.left >= 340 and day.box.left + day.box.width <= 440
    assert month.box.left >= 520 and month.box.left + month.box.width <= 570


def test_date_words_glued_to_the_junk_of_the_blank():
    # "ngày4†tháng": OCR made one word of the day word, the blank and the month word. The
    # line's print is set at 0.038 px per thousandth of its size (Times widths: "Quảng" 2666,
    # "năm" 1722, "ngày" 1944, "tháng" 2222).
    line = _line("header_right", ("Quảng", 0, 101), ("ngày4†tháng", 180, 220),
                 ("01", 410, 30), ("năm", 450, 65), ("2025", 525, 70))
    day = next(spot for spot in find_blanks([line], 3000) if spot.field == "day")
    assert day.box.left >= 180 + round(0.038 * 1944)
    assert day.box.left + day.box.width <= 400 - round(0.038 * 2222)


def test_day_word_glued_to_wide_handwriting_is_measured_at_the_print_size():
    # "ngày/1}'": four narrow junk characters after "ngày" take half the word by their
    # share of the characters, but the printed "ngày" (0.05 x 1944 = 97 px) is wider: the
    # day's blank starts after it, not inside its y.
    line = _line("header_right", ("Quảng", 0, 133), ("ngày/1}'", 200, 160),
                 ("tháng", 400, 111), ("9", 530, 20), ("năm", 570, 86), ("2024", 670, 100))
    day = next(spot for spot in find_blanks([line], 3000) if spot.field == "day")
    assert day.print_spans[0] == (200, 200 + round(0.05 * 1944))
    assert day.box.left >= 200 + round(0.05 * 1944)


def test_lines_below_the_head_are_not_looked_at():
    line = _line("header_right", ("ngày", 280, 60), ("tháng", 440, 80), ("năm", 570, 50))
    assert find_blanks([line], 200) == []


def test_day_and_month_out_of_range_are_no_reading():
    assert in_range("day", "45", 0.9) == ("", 0.1)
    assert in_range("month", "13", 0.9)[0] == ""
    assert in_range("day", "31", 0.9) == ("31", 0.9)
    assert in_range("number", "4500", 0.9) == ("4500", 0.9)


def test_handwriting_is_ink_unlike_the_print_of_its_line():
    # The printed words' ink 30 px high with their marks; printed digits are cap height.
    printed = InkLook(colour=5.0, stroke=3.0, height=30)
    assert looks_handwritten(InkLook(colour=90.0, stroke=3.0, height=23), printed)  # blue pen
    assert looks_handwritten(InkLook(colour=5.0, stroke=6.0, height=23), printed)  # marker
    assert looks_handwritten(InkLook(colour=0.0, stroke=3.0, height=36), printed)  # tall
    # A black pen on a black-and-white scan: digits as tall as the words, a little thicker.
    assert looks_handwritten(InkLook(colour=0.0, stroke=3.4, height=29), printed)
    assert not looks_handwritten(InkLook(colour=8.0, stroke=3.2, height=24), printed)
    # Typed digits as tall as words with few marks ("Số: 41/KH-UBND"): print.
    assert not looks_handwritten(InkLook(colour=0.0, stroke=3.0, height=29), printed)


def test_a_crop_of_the_read_page_is_the_same_place_on_the_original():
    # The original: a dark square at (300..340, 200..240) of a 600 x 400 page; the read page
    # resampled by 1.5, turned a quarter clockwise and levelled by 1.2 degrees.
    original = np.full((400, 600), 255, np.uint8)
    original[200:240, 300:340] = 0
    scaled = resample(original, 1.5)
    turned = rotate_by(rotate_clockwise(scaled, 90), 1.2)
    read = OriginalPage(original, page_transform(1.5, scaled.shape[:2], [(90, 1.2)]))
    ys, xs = np.nonzero(turned < 128)
    box = Box(left=int(xs.min()) - 10, top=int(ys.min()) - 10,
              width=int(xs.max() - xs.min()) + 20, height=int(ys.max() - ys.min()) + 20)
    ours = crop(read, box) < 128
    theirs = turned[box.top:box.top + box.height, box.left:box.left + box.width] < 128
    assert (ours != theirs).mean() < 0.03 and ours.sum() > 0.9 * theirs.sum()


@cache
def _read(kind: str, digits: str, handwritten: bool, seed: int):
    rendered = number_line(digits, handwritten, seed) if kind == "number" else date_line(
        digits, handwritten, seed)
    page = OriginalPage(rendered.pixels, np.eye(3))
    return {b.field: b for b in read_blanks([rendered.line], page, 4 * rendered.pixels.shape[0])}


def test_blue_handwritten_number_is_read_and_marked_handwritten():
    blank = _read("number", "57", True, 0)["number"]
    assert (blank.text, blank.handwritten) == ("57", True)
    assert blank.confidence is not None and blank.confidence >= 0.5


def test_handwritten_day_is_read_beside_a_printed_month():
    blanks = _read("date", "16", True, 1)
    assert (blanks["day"].text, blanks["day"].handwritten) == ("16", True)
    assert blanks["month"].text.lstrip("0") == "1" and not blanks["month"].handwritten


def test_typed_number_is_read_and_not_marked_handwritten():
    blank = _read("number", "1135", False, 2)["number"]
    assert (blank.text, blank.handwritten) == ("1135", False)


def test_an_empty_blank_reads_empty():
    rendered = number_line("", False, 3)
    [blank] = read_blanks([rendered.line], OriginalPage(rendered.pixels, np.eye(3)), 1000)
    assert (blank.text, blank.handwritten, blank.confidence) == ("", False, 0.0)


def _glued_to_day_word(rendered, upto: int) -> Line:
    """The date line as OCR gives it when the handwriting overlaps "ngày": the first digit
    glued to the word ("ngày1"), its box reaching `upto`."""
    words = list(rendered.line.words)
    day = words[2]
    assert day.box is not None
    words[2] = Word(text="ngày1", box=Box(left=day.box.left, top=day.box.top,
                                           width=upto - day.box.left, height=day.box.height))
    return rendered.line.model_copy(update={"words": words})


def test_handwriting_overlapping_the_day_word_is_read_whole():
    # The word's box takes in most of the first "1": the blank's box, estimated from the
    # word's characters, starts inside that digit; it grows to the digit's whole stroke.
    for seed in (0, 1):
        rendered = date_line("11", True, seed)
        ink = np.flatnonzero((rendered.pixels.min(axis=2) < 150)[
            :, rendered.blank.left:rendered.blank.left + rendered.blank.width].any(axis=0))
        upto = rendered.blank.left + int(ink[0] + (ink[-1] - ink[0]) * 2 // 3)
        line = _glued_to_day_word(rendered, upto)
        page = OriginalPage(rendered.pixels, np.eye(3))
        blanks = {b.field: b for b in read_blanks([line], page, 4 * rendered.pixels.shape[0])}
        assert blanks["day"].text == "11" and blanks["day"].confidence >= 0.6
        assert blanks["day"].box.left <= rendered.blank.left + int(ink[0]) + 2


def _strokes(*rects: tuple[int, int, int, int]) -> np.ndarray:
    mask = np.zeros((60, 200), dtype=bool)
    for top, left, height, width in rects:
        mask[top:top + height, left:left + width] = True
    return mask


def test_a_digit_running_past_the_blank_grows_it_but_a_printed_letter_does_not():
    # The blank's columns 50..100; printed words at 0..45 and 110..199. A digit from 80 to
    # 120 runs past the box into the printed word's columns: taken whole. A printed letter
    # 30..51 reaches a little into the blank: left out. A letter at 130..140: too far.
    strokes = _strokes((10, 80, 40, 40), (20, 30, 20, 22), (20, 130, 20, 10))
    kept, (left, right) = grown_strokes(strokes, (50, 100), [(0, 45), (110, 199)], 40)
    assert (left, right) == (50, 119)
    assert kept[30, 115] and not kept[30, 40] and not kept[30, 135]


def test_a_thick_stroke_on_a_printed_word_next_to_the_digits_is_handwriting():
    # The second digit (121..140) lies on the printed word's columns as OCR estimated them,
    # beside the first (80..118): taken when it looks handwritten, not when it looks printed.
    strokes = _strokes((10, 80, 40, 38), (10, 121, 40, 20))
    kept, _ = grown_strokes(strokes, (50, 110), [(0, 45), (112, 199)], 40, lambda m: True)
    assert kept[30, 130]
    kept, _ = grown_strokes(strokes, (50, 110), [(0, 45), (112, 199)], 40, lambda m: False)
    assert not kept[30, 130]


def test_the_symbols_slash_is_no_digit():
    slash = np.zeros((40, 16), dtype=bool)
    for row in range(40):
        column = 15 - row * 15 // 39
        slash[row, max(0, column - 2):column + 1] = True
    upright = np.zeros((40, 16), dtype=bool)
    upright[:, 6:10] = True
    assert slash_like(slash, 40) and not slash_like(upright, 40)
    strokes = np.zeros((60, 200), dtype=bool)
    strokes[10:50, 95:111] = slash
    kept, _ = grown_strokes(strokes, (50, 100), [(105, 199)], 40, slash=True)
    assert not kept.any()
    kept, _ = grown_strokes(strokes, (50, 100), [(105, 199)], 40, slash=False)
    assert kept.any()

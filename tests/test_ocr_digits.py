"""The second reader of filled-in blanks (pipeline/ocr/digits.py): cutting ink into digits,
the MNIST normalisation, the classifier on script-face digits (a face it was not trained on),
and how its reading is combined with Tesseract's (pipeline/ocr/blanks.py)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ocr.blanks import combined, cut_off
from pipeline.ocr.digits import classify, normalise_digit, split_digits
from pipeline.synth.blanks import hand_font


def _written(digits: str, size: int = 60, spacing: int = 0) -> np.ndarray:
    """Digits in the script face (Z003) as ink (True), one after another."""
    font = hand_font(size)
    image = Image.new("L", (size * (len(digits) + 1) + spacing * len(digits), 2 * size), 0)
    draw = ImageDraw.Draw(image)
    x = size // 2
    for digit in digits:
        draw.text((x, size // 3), digit, fill=255, font=font)
        x += round(font.getlength(digit)) + spacing
    return np.asarray(image) >= 128


def _boxes(pieces: list[np.ndarray]) -> list[tuple[int, int]]:
    return [piece.shape for piece in pieces]


def test_digits_apart_are_cut_one_by_one():
    assert len(split_digits(_written("2191", spacing=12))) == 4


def test_parts_lying_over_each_other_are_one_digit():
    ink = np.zeros((60, 80), dtype=bool)
    ink[10:14, 20:40] = True  # the bar of a 5, not touching its body
    ink[18:50, 20:24] = True
    ink[30:50, 24:40] = True
    [digit] = split_digits(ink)
    assert digit.shape == (40, 20)


def test_digits_run_together_are_cut_at_the_thinnest_column():
    ink = np.zeros((60, 100), dtype=bool)
    ink[10:50, 10:40] = True
    ink[28:31, 40:52] = True  # the stroke joining them
    ink[10:50, 52:82] = True
    pieces = split_digits(ink)
    assert len(pieces) == 2
    assert all(28 <= piece.shape[1] <= 45 for piece in pieces)


def test_low_marks_beside_the_digits_are_no_digits():
    ink = np.zeros((60, 100), dtype=bool)
    ink[10:50, 10:30] = True
    ink[44:50, 40:46] = True  # a dot, the clerk's dash
    assert len(split_digits(ink)) == 1


def test_normalised_digit_is_mnist_grey_levels_of_a_centred_box():
    bar = np.zeros((50, 50), dtype=bool)
    bar[5:45, 20:26] = True  # an upright 1: 40 high, 6 wide
    image = normalise_digit(bar).reshape(28, 28)
    assert image.min() >= 0 and image.max() <= 1
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 20  # scaled to fill the 20x20 box in height ...
    assert cols[0] <= 14 <= cols[-1] and rows[0] <= 14 <= rows[-1]  # ... set in the middle
    assert cols[-1] - cols[0] + 1 <= 5  # aspect kept
    full = normalise_digit(np.ones((7, 7), dtype=bool)).reshape(28, 28)
    assert full.sum() == pytest.approx(400) and full.max() == 1


def test_a_speck_beside_a_digit_is_no_part_of_it():
    ink = np.zeros((60, 60), dtype=bool)
    ink[10:50, 20:26] = True  # a 1
    ink[10:14, 26:44] = True  # its flag, reaching over ...
    ink[52:56, 38:42] = True  # ... a full stop below, which would make the digit taller
    [digit] = split_digits(ink)
    assert digit.shape == (40, 24)


def test_a_letter_cut_from_the_handwriting_on_the_printed_word_is_no_digit():
    ink = np.zeros((60, 120), dtype=bool)
    ink[10:50, 10:40] = True  # the printed word's last letter ...
    ink[45:48, 40:60] = True  # ... joined at its foot to the first digit
    ink[10:50, 60:70] = True
    ink[10:50, 85:95] = True  # the second digit, apart
    assert len(split_digits(ink)) == 3
    assert len(split_digits(ink, printed=[(0, 42)])) == 2
    # A whole part on the printed columns was judged handwriting when the blank was grown.
    assert len(split_digits(ink, printed=[(80, 100)])) == 3


@pytest.mark.parametrize("digits", ["57", "16", "2191", "348", "09", "4", "12"])
def test_script_digits_are_read(digits):
    reading = classify(_written(digits, spacing=8))
    assert reading.text == digits
    assert reading.probabilities.shape == (len(digits), 10)
    assert reading.confidence > 0.3
    assert reading.chance_of(digits) == pytest.approx(reading.confidence)


def test_no_ink_reads_nothing():
    reading = classify(np.zeros((40, 80), dtype=bool))
    assert (reading.text, reading.confidence) == ("", 0.0)


def test_agreeing_readers_are_trusted_more_than_either():
    text, confidence = combined("number", ("57", 0.4), ("57", 0.5), handwritten=True)
    assert text == "57" and confidence == pytest.approx(0.7)
    text, confidence = combined("day", ("09", 0.3), ("9", 0.6), handwritten=False)
    assert text == "09" and confidence > 0.6


def test_disagreeing_readers_on_handwriting_are_not_trusted():
    text, confidence = combined("number", ("545", 0.1), ("575", 0.95), handwritten=True)
    assert text == "575" and confidence < 0.6
    text, confidence = combined("day", ("", 0.0), ("4", 0.9), handwritten=True)
    assert text == "4" and confidence < 0.6


def test_print_is_tesseracts_reading_when_the_readers_disagree():
    assert combined("day", ("09", 0.9), ("04", 0.8), handwritten=False) == ("09", 0.9)


def test_ink_running_into_the_side_of_the_blank_may_be_cut_off():
    ink = np.zeros((40, 80), dtype=bool)
    ink[10:30, 20:40] = True
    assert not cut_off(ink)
    ink[10:30, 70:80] = True
    assert cut_off(ink)

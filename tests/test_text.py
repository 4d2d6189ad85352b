"""The Vietnamese text primitives (pipeline.text) every stage uses."""

from __future__ import annotations

import pytest

from pipeline.text.fold import fold, fold_key, strip_marks
from pipeline.text.lookalikes import digit_ones, roman_ones
from pipeline.text.syllables import place_tone, split_tone, to_official_tones
from pipeline.text.vietnamese import count_words, is_syllable


@pytest.mark.parametrize(("reading", "number"), [
    ("l", "1"), ("I.2", "1.2"), ("]", "1"), ("1[", "11"), ("2.!", "2.1"), ("L.3", "1.3"),
    ("10", "10"),
])
def test_a_table_number_read_with_look_alikes_of_1_is_read_with_ones(reading, number):
    assert digit_ones(reading) == number


@pytest.mark.parametrize(("reading", "numeral"), [
    ("Ill", "III"), ("I1", "II"), ("|", "I"), ("V!", "VI"), ("X", "X"), ("IV", "IV"),
])
def test_a_section_number_read_with_look_alikes_of_i_is_the_numeral(reading, numeral):
    assert roman_ones(reading) == numeral


def test_fold_keeps_offsets_and_strip_marks_gives_the_skeleton():
    line = "Số: 125/KH-UBND ngày 15 tháng 3 năm 2025, Ðiều 5"
    folded = fold(line)
    assert folded == "So: 125/KH-UBND ngay 15 thang 3 nam 2025, Dieu 5"
    assert len(folded) == len(line)
    start = folded.index("ngay")
    assert line[start:start + 4] == "ngày"  # a match in the folded copy slices the original
    assert strip_marks("Đường Ủy") == "Duong Uy"
    assert fold_key("  Ủy   ban ") == "uy ban"


def test_tones_are_put_where_official_documents_put_them():
    assert split_tone("Thủy") == ("Thuy", "r")
    assert place_tone("hoa", "f") == "hòa"
    assert to_official_tones("Hoà thuỷ, khuỷu") == "Hòa thủy, khuỷu"


def test_words_are_counted_against_the_inventory_in_either_tone_style():
    assert is_syllable("Hoà") and is_syllable("hòa") and not is_syllable("UBND")
    counts = count_words("Ủy ban nhân dân xã UBND")
    assert (counts.words, counts.valid, counts.marked) == (6, 5, 4)

"""The header's year checked against the documents the text cites (pipeline.segment.issue_date,
pipeline.segment.references.cited_years)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.model import Header, Reading
from pipeline.segment.issue_date import checked_date, nearest_reading
from pipeline.segment.references import cited_years
from pipeline.text.lookalikes import DIGIT_LOOKALIKES


def test_cited_years_come_from_dates_however_the_day_reads_and_from_symbols():
    lines = ["Căn cứ Thông tư số 01/2015/TT-BGDĐT của Bộ;",
             "Chỉ thị số 04/CT-UBND ngày 42/02/2018 của UBND tỉnh;",
             "Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024;",
             "hoàn thành trước ngày 30/6/2030."]
    assert sorted(cited_years(lines)) == [2015, 2018, 2024]


def test_nearest_reading_is_one_confused_digit_away():
    assert nearest_reading(2013, 2015) == 2015
    assert nearest_reading(2016, 2018) == 2018
    assert nearest_reading(2024, 2026) is None  # a 4 is not taken for another digit here


@given(st.integers(1990, 2099), st.integers(1990, 2099))
def test_a_new_reading_is_never_earlier_than_what_is_cited(year, latest):
    reading = nearest_reading(year, latest)
    if reading is not None:
        assert reading >= latest
        changed = [(a, b) for a, b in zip(str(year), str(reading), strict=True) if a != b]
        assert len(changed) == 1 and changed[0][1] in DIGIT_LOOKALIKES[changed[0][0]]


def test_a_contradicted_date_keeps_its_reading_and_is_flagged():
    header = Header(date="2013-12-15", readings={
        "date": Reading(handwritten=False, confidence=0.9, ocr="15")})
    checked = checked_date(header, [2005, 2015])
    assert checked.date == "2015-12-15"
    assert checked.readings["date"].ocr == "15" and checked.readings["date"].needs_review


def test_a_year_no_slip_explains_is_kept_and_flagged():
    checked = checked_date(Header(date="2024-03"), [2026])
    assert checked.date == "2024-03" and checked.readings["date"].needs_review


def test_a_date_no_earlier_than_what_is_cited_is_untouched():
    header = Header(date="2025-01-17")
    assert checked_date(header, [2024, 2025]) is header
    assert checked_date(header, []) is header

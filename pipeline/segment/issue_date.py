"""A document is issued no earlier than the documents it cites: a check of the header's year.

The year of "ngày … tháng … năm 2015" is printed, and Tesseract reads it with high confidence
even when it slips on a digit ("2013", "2016" for "2018"), so its confidence cannot flag it.
What the document cites can: a year earlier than a cited document's (`cited_years`) is a
misreading. The date then gets a reading under model.REVIEW_CONFIDENCE, and its year the
nearest reading one usual OCR slip away (of its last two digits) that is no earlier than the
latest cited year; without such a reading the year stays as read, flagged all the same.
"""

from __future__ import annotations

from pipeline.model import Header, Reading
from pipeline.text.lookalikes import DIGIT_LOOKALIKES

# The confidence of a date whose year contradicts what the document cites.
CONTRADICTED_CONFIDENCE = 0.3


def nearest_reading(year: int, latest: int) -> int | None:
    """The earliest year one confused digit (of the last two) away from `year` that is no
    earlier than `latest`."""
    text = str(year)
    readings = [int(text[:i] + other + text[i + 1:])
                for i in (len(text) - 2, len(text) - 1)
                for other in DIGIT_LOOKALIKES.get(text[i], "")]
    fitting = [reading for reading in readings if reading >= latest]
    return min(fitting) if fitting else None


def checked_date(header: Header, cited: list[int]) -> Header:
    """The header with its date checked against the years of the documents it cites."""
    if header.date is None or not cited or int(header.date[:4]) >= max(cited):
        return header
    year = nearest_reading(int(header.date[:4]), max(cited))
    read = header.readings.get("date") or Reading()
    confidence = min(CONTRADICTED_CONFIDENCE, 1.0 if read.confidence is None else read.confidence)
    return header.model_copy(update={
        "date": header.date if year is None else f"{year}{header.date[4:]}",
        "readings": {**header.readings, "date": read.model_copy(update={"confidence": confidence})},
    })

"""A letter standing alone that English OCR makes of a digit ("Điều S." = Điều 5.): the digit
joins its readings, as <num>, at `lookalike_cost`. Only in English-OCR lines, and not at a
line's end (where margin specks are)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.restore.candidates import Candidate
from pipeline.restore.positions import ends_line, stands_apart
from pipeline.text.lookalikes import DIGIT_OF_LETTER

if TYPE_CHECKING:
    from pipeline.restore.engine import Restorer
    from pipeline.restore.slots import UnitSlots


def add_readings(unit: UnitSlots, restorer: Restorer) -> None:
    for _, li, ti, slot in unit.word_slots():
        tokens = unit.tokenized[li]
        text = tokens[ti].text
        if (tokens[ti].kind == "word" and li not in unit.clean_lines
                and text in DIGIT_OF_LETTER and stands_apart(tokens, ti)
                and not ends_line(tokens, ti)):
            slot.add(Candidate(DIGIT_OF_LETTER[text], 0.0), restorer.lm.num,
                     restorer.settings.lookalike_cost)

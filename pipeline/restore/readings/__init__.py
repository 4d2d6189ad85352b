"""Extra readings a word may have beyond its channel candidates, one rule per module.

Each rule that works on a decoding unit has one signature,

    add_readings(unit: UnitSlots, restorer: Restorer) -> None

and gives a slot a reading through `WordSlot.add` (or changes the price of one it has). The
restorer applies them to every unit in `UNIT_READINGS` order (a slot's candidates keep that
order, which the decoder's ties follow):

- `names`: a person's name keeps its letters; a sure name's surname and middle name take
  their usual spelling;
- `unlisted_names`: in typed text, a Title-case word no word list knows keeps its letters
  unless the context is strong (a hamlet's name);
- `specks`: a short token standing apart may be dirt OCR read as letters (dropped);
- `lookalikes`: a letter standing alone may be the digit English OCR made it ("Điều S.");
- `lexicon_bonus`: candidates that spell a lexicon term are cheaper;
- `placeholders`: a token English OCR writes for a word it could not read may be any word.

Two rules work elsewhere: `rhymeless` (a bare onset may be one of its syllables) joins a
word's candidate pool before the pre-ranking cuts it (`word_candidates.py`), and
`list_markers` (a second "d)" is "đ)") fixes output letters after decoding.
"""

from __future__ import annotations

from pipeline.restore.readings import (
    lexicon_bonus,
    lookalikes,
    names,
    placeholders,
    specks,
    unlisted_names,
)

UNIT_READINGS = (names, unlisted_names, specks, lookalikes, lexicon_bonus, placeholders)

"""Names in typed text that no word list knows: in a clean line (typed, or OCR'd with the
`vie` model), a Title-case word after another word ("thôn Khe Bưởng", "xã Cái Bường") that
is a well-formed Vietnamese syllable but not in the inventory is a place or person name far
more often than a slip, so reading it as any other syllable (other letters or other marks)
costs `unlisted_name_change` more.
The LM knows few hamlets and would trade a rare name's letters for a frequent word ("Khe
Hưởng"); with this price only strong context still changes such a word ("Đệnh viện" ->
"Bệnh viện"). A name that must never change goes in a keep-words list (`keep.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.restore.casing import official_lower
from pipeline.restore.inventory import is_well_formed

if TYPE_CHECKING:
    from pipeline.restore.engine import Restorer
    from pipeline.restore.slots import UnitSlots


def add_readings(unit: UnitSlots, restorer: Restorer) -> None:
    cost = restorer.settings.unlisted_name_change
    for _, li, ti, slot in unit.word_slots():
        tokens = unit.tokenized[li]
        if li in unit.clean_lines and _is_unlisted_name(tokens, ti, restorer):
            slot.costs += cost * np.array([0.0 if c.kept else 1.0 for c in slot.cands])


def _is_unlisted_name(tokens, ti: int, restorer: Restorer) -> bool:
    text = tokens[ti].text
    if tokens[ti].kind != "word" or not (text[:1].isupper() and text[1:].islower()
                                         and text.isalpha()):
        return False
    before = next((t for t in reversed(tokens[:ti]) if t.kind != "space"), None)
    identity = official_lower(text)
    return (before is not None and before.kind == "word"
            and identity not in restorer.index.syllables and is_well_formed(identity))

"""The decoder's input being built: a word's slot with its candidates, and a decoding unit's
slots, which the extra readings (`readings/`) add to.

A `WordSlot` is a decoder `Slot` (LM ids and costs, what `beam_viterbi` reads) that also
holds the `Candidate` each id stands for (what the output is written from); a reading joins
it through `add`, which keeps the three in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.restore.candidates import Candidate
from pipeline.restore.decoder import EPSILON, Slot
from pipeline.restore.tokens import Token
from pipeline.restore.units import Position

SPECK = Candidate("", 0.0)  # "no word here": OCR read a speck of dirt as letters


@dataclass(slots=True)
class WordSlot(Slot):
    cands: list[Candidate] = field(default_factory=list)

    @classmethod
    def of(cls, cands: Sequence[Candidate], ids: np.ndarray, costs: np.ndarray) -> WordSlot:
        """A slot of its own from (possibly cached and shared) candidate arrays."""
        return cls(ids.copy(), costs.copy(), list(cands))

    def add(self, cand: Candidate, lm_id: int, cost: float) -> int:
        """Join one reading: `cand` as LM id `lm_id` (EPSILON for a speck) at `cost`; its
        index among the slot's candidates."""
        self.ids = np.append(self.ids, lm_id)
        self.costs = np.append(self.costs, cost)
        self.cands.append(cand)
        return len(self.cands) - 1

    def extend(self, cands: Sequence[Candidate], ids: np.ndarray, costs: np.ndarray) -> None:
        """Join several readings at once."""
        self.ids = np.concatenate([self.ids, ids]).astype(np.int64)
        self.costs = np.concatenate([self.costs, costs])
        self.cands.extend(cands)

    def index_of(self, syllable: str) -> int | None:
        """Where a (not kept) syllable is among the candidates, if it is."""
        return next((ci for ci, c in enumerate(self.cands)
                     if c.syllable == syllable and not c.kept), None)


@dataclass
class UnitSlots:
    """One decoding unit being built: its (line, token) positions, the slot of each (a
    `WordSlot` for a word, a fixed `Slot` for a number or comma, None for a clause stop), and
    what the readings need to know of its lines."""

    positions: list[Position]
    tokenized: Sequence[Sequence[Token]]
    slots: list[Slot | None]
    clean_lines: set[int]  # lines of typed text or Vietnamese-model OCR
    names: dict[int, dict[int, int | None]]  # per line: person-name token -> its position

    def token(self, pos: int) -> Token:
        li, ti = self.positions[pos]
        return self.tokenized[li][ti]

    def word_slots(self):
        """(position in unit, line, token index, WordSlot) of every word-like slot."""
        for pos, slot in enumerate(self.slots):
            if isinstance(slot, WordSlot):
                li, ti = self.positions[pos]
                yield pos, li, ti, slot


__all__ = ["EPSILON", "SPECK", "UnitSlots", "WordSlot"]

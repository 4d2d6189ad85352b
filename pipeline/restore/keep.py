"""Keep-words in the restorer: the tokens of a line that spell a keep word or phrase
(`pipeline.text.keep_words`) are pinned.

A pinned word's slot holds only the word as read (`pinned_slot`): the decoder cannot change
it, and its neighbours are decoded with it as their context (the LM's id of the word, <unk>
for a name the LM does not know). A pinned word is written as read (official tone placement
aside) and is never listed as a change or a doubt.

Entries are cut into tokens by the restorer's own tokeniser, so that an entry and a line are
compared token for token ("Cái Bường", "Ê-đê", "HTX"), whatever their case; spaces between
the tokens of a phrase do not count (a line may hold two, or a line's glued "CáiBường").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from pipeline.model import Doubt
from pipeline.restore.candidates import Candidate
from pipeline.restore.decoder import Slot
from pipeline.restore.slots import WordSlot
from pipeline.restore.tokens import Token
from pipeline.text.keep_words import KeepWords, match_key

Phrase = tuple[str, ...]  # an entry's non-space tokens, as `match_key` writes them


class KeepMatcher:
    """Finds the keep words of a list in tokenised lines."""

    def __init__(self, phrases: Sequence[Phrase]):
        self.by_first: dict[str, list[Phrase]] = {}
        for phrase in sorted(set(phrases), key=len, reverse=True):  # longest first
            if phrase:
                self.by_first.setdefault(phrase[0], []).append(phrase)

    @classmethod
    def build(cls, keep: KeepWords, tokenize: Callable[[str], list[Token]]) -> KeepMatcher:
        return cls([_phrase(tokenize(entry)) for entry in keep.entries])

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def pinned(self, tokens: Sequence[Token]) -> set[int]:
        """Indices of the line's word and protected tokens that spell a keep word (the
        longest entry found first, left to right, entries not overlapping)."""
        if not self.by_first:
            return set()
        where = [i for i, tok in enumerate(tokens) if tok.kind != "space"]
        keys = [match_key(tokens[i].text) for i in where]
        found: set[int] = set()
        j = 0
        while j < len(where):
            length = self._match_at(keys, j)
            found.update(where[k] for k in range(j, j + length)
                         if tokens[where[k]].kind in ("word", "protected"))
            j += max(1, length)
        return found

    def _match_at(self, keys: list[str], j: int) -> int:
        for phrase in self.by_first.get(keys[j], ()):
            if tuple(keys[j : j + len(phrase)]) == phrase:
                return len(phrase)
        return 0


def _phrase(tokens: Sequence[Token]) -> Phrase:
    return tuple(match_key(tok.text) for tok in tokens if tok.kind != "space")


def pinned_slot(tok: Token, lm_id: int) -> Slot:
    """The one reading a pinned token has: itself, free. A word keeps a `WordSlot` (its
    candidate marked kept, so the output is the token as read); a number or code its fixed
    slot."""
    ids, costs = np.array([lm_id], dtype=np.int64), np.zeros(1)
    if tok.kind == "protected":
        return Slot(ids, costs)
    return WordSlot(ids, costs, [Candidate(tok.text, 0.0, kept=True)])


def without_pinned(doubts: list[Doubt], pinned: set[tuple[int, str]]) -> list[Doubt]:
    """The doubts that are not about a pinned word: `pinned` holds (1-based line, match key)
    of every pinned token."""
    return [doubt for doubt in doubts if (doubt.line, match_key(doubt.text)) not in pinned]

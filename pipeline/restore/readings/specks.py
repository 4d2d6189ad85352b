"""Specks: a token of one or two letters standing apart may be dirt OCR read as letters; the
decoder may drop it (the `SPECK` reading, no LM term) at a price that says how likely that is.

A lone consonant is often a word whose rhyme OCR lost ("B" = Bộ), and two letters before a
word starting with them may be a word ("da dạng"), so they cost most (`speck_cost`); vowels
("a", "oe") and a letter read twice before its word ("c cứu") less (`light_speck_cost`); a
letter alone in the last clause of its line ("Điều này. a") least (`last_clause_speck_cost`),
as the LM likes a letter alone in a clause (list items "a) ..."). Only in English-OCR lines;
never a list letter, a person's name or a label ("hạng B áp dụng"), nor a line's only word
(a cell "A", a line "a": dropping it would empty the line, and restoring the output again
would drop the word it was restored to, "be" -> "a" -> "").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.restore.decoder import EPSILON
from pipeline.restore.positions import (
    alone_in_clause,
    is_label,
    is_line_end_letter,
    is_list_letter,
    stands_apart,
    stutter,
)
from pipeline.restore.slots import SPECK
from pipeline.restore.tokens import Token

if TYPE_CHECKING:
    from pipeline.restore.engine import Restorer
    from pipeline.restore.slots import UnitSlots


def add_readings(unit: UnitSlots, restorer: Restorer) -> None:
    for _, li, ti, slot in unit.word_slots():
        tokens = unit.tokenized[li]
        if (tokens[ti].kind != "word" or li in unit.clean_lines or ti in unit.names[li]
                or is_list_letter(tokens, ti) or _only_word(tokens)):
            continue
        cost = speck_cost(tokens, ti, restorer)
        if cost is not None:
            slot.add(SPECK, EPSILON, cost)


def _only_word(tokens: Sequence[Token]) -> bool:
    return sum(token.kind == "word" for token in tokens) == 1


def speck_cost(tokens: Sequence[Token], ti: int, restorer: Restorer) -> float | None:
    """What dropping the word costs, or None when it may not be dropped."""
    settings = restorer.settings
    text = tokens[ti].text
    if len(text) > settings.speck_max_len or not stands_apart(tokens, ti):
        return None
    if is_line_end_letter(tokens, ti):
        if alone_in_clause(tokens, ti):
            return settings.last_clause_speck_cost
        return settings.light_speck_cost
    if stutter(tokens, ti):
        return settings.light_speck_cost if len(text) == 1 else settings.speck_cost
    if is_label(tokens, ti):
        return None
    if _may_be_speck(text, restorer):
        return settings.light_speck_cost if text[0].lower() in "aeiouy" else settings.speck_cost
    return None


def _may_be_speck(word: str, restorer: Restorer) -> bool:
    """A short token that is no cheap reading of any syllable ("oe", "ee", "eS"): it may
    be dirt OCR read as letters. Short words it reads well ("xa", "co", "s6") are never
    dropped: the LM alone must not delete words."""
    if len(word) > restorer.settings.speck_max_len or not word.isalpha():  # "x&", "X3"
        return False
    if len(word) > 1 and word[0].lower() not in "aeiouy":  # "sb": a garbled word, "số"
        return False
    best = next((c.cost for c in restorer.index.candidates(word) if not c.kept), None)
    return best is None or best >= restorer.settings.speck_min_reading

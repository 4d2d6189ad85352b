"""Decoding units: the (line, token) positions the decoder takes in one pass.

A unit holds words, protected tokens, commas (when the LM knows them) and clause stops. It
goes on across a line break when the line does not end a clause and the next starts with a
word in the same case style (a wrapped sentence, not a new item "- ...", "2. ..." or a
heading); otherwise it ends there. A unit of more than MAX_UNIT_POSITIONS positions is cut
after a clause stop: the decoder restarts at every stop anyway (`beam_viterbi`), but steps
through a unit's positions one by one, so one very long unit (a long line) would be decoded
a word at a time instead of in step with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.restore.positions import is_stray_mark
from pipeline.restore.tokens import Token, is_clause_stop

MAX_UNIT_POSITIONS = 1_000

Position = tuple[int, int]  # (line, token)


def decoding_units(tokenized: Sequence[Sequence[Token]], caps: Sequence[bool],
                   is_comma: Callable[[Token], bool]) -> list[list[Position]]:
    units: list[list[Position]] = []
    current: list[Position] = []
    for li, toks in enumerate(tokenized):
        first = next((t for t in toks if t.kind != "space"), None)
        continues = (
            current and first is not None and first.kind == "word"
            and not ends_clause(tokenized[li - 1])
            and caps[li] == caps[li - 1]
        )
        if current and not continues:
            units.append(current)
            current = []
        for ti, tok in enumerate(toks):
            stop = is_clause_stop(tok) and not is_stray_mark(toks, ti)
            if tok.kind in ("word", "protected") or stop or is_comma(tok):
                current.append((li, ti))
    if current:
        units.append(current)
    return [part for unit in units for part in split_long(unit, tokenized)]


def split_long(unit: list[Position], tokenized) -> list[list[Position]]:
    """A unit longer than MAX_UNIT_POSITIONS, cut after the first clause stop once a part
    holds MAX_UNIT_POSITIONS // 2 positions."""
    if len(unit) <= MAX_UNIT_POSITIONS:
        return [unit]
    parts, current = [], []
    for li, ti in unit:
        current.append((li, ti))
        if len(current) >= MAX_UNIT_POSITIONS // 2 and is_clause_stop(tokenized[li][ti]):
            parts.append(current)
            current = []
    if current:
        parts.append(current)
    return parts


def ends_clause(tokens: Sequence[Token]) -> bool:
    meaningful = [t for t in tokens if t.kind != "space"]
    return not meaningful or is_clause_stop(meaningful[-1])

"""A placeholder (`LearnedChannel.placeholders`: "ae" for a word OCR could not read) may be any
word: the `fill_keep` of the `fill_pool` most frequent syllables that best fit between its
neighbours' likeliest readings join its candidates, at `fill_cost` (about a two-letter
change). Only in English-OCR lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.restore.candidates import Candidate
from pipeline.restore.channel_data import fold
from pipeline.restore.decoder import EPSILON

if TYPE_CHECKING:
    from pipeline.restore.engine import Restorer
    from pipeline.restore.slots import UnitSlots


def add_readings(unit: UnitSlots, restorer: Restorer) -> None:
    learned = restorer.index.learned
    placeholders = learned.placeholders if learned else frozenset()
    settings, lm = restorer.settings, restorer.lm
    for pos, li, ti, slot in unit.word_slots():
        tok = unit.tokenized[li][ti]
        if li in unit.clean_lines or tok.kind != "word" or fold(tok.text) not in placeholders:
            continue
        left2, left1 = _likeliest(unit.slots, pos, -1, 2, lm)
        (right1,) = _likeliest(unit.slots, pos, 1, 1, lm)
        pool = fill_pool(restorer)
        n = len(pool)
        fit = (lm.logprob_batch(np.full(n, left2), np.full(n, left1), pool)
               + lm.logprob_batch(np.full(n, left1), pool, np.full(n, right1)))
        have = set(slot.ids.tolist())
        best = [i for i in np.argsort(-fit, kind="stable") if pool[i] not in have]
        chosen = pool[best[: settings.fill_keep]]
        slot.extend([Candidate(lm.vocab[i], settings.fill_cost) for i in chosen], chosen,
                    np.full(len(chosen), settings.fill_cost))


def _likeliest(slots, pos: int, step: int, count: int, lm) -> list[int]:
    """LM ids of the cheapest candidates of the `count` slots next to `pos` (going by
    `step`), nearest last when going left; a clause edge stands for <s> or </s>."""
    edge = lm.bos if step < 0 else lm.eos
    out, k = [], pos + step
    while len(out) < count:
        slot = slots[k] if 0 <= k < len(slots) else None
        if slot is None:
            out.extend([edge] * (count - len(out)))
            break
        costs = np.where(slot.ids == EPSILON, np.inf, slot.costs)  # a speck is no word
        out.append(int(slot.ids[int(np.argmin(costs))]))
        k += step
    return out[::-1] if step < 0 else out


def fill_pool(restorer: Restorer) -> np.ndarray:
    """LM ids of the `fill_pool` most frequent syllables (made once per restorer)."""
    words = restorer.words
    if words.fill_ids is None:
        ids = np.array([words.syllable_ids[s] for s in sorted(restorer.index.syllables)
                        if words.syllable_ids[s] != restorer.lm.unk], dtype=np.int64)
        order = np.argsort(-words.vocab_counts[ids], kind="stable")
        words.fill_ids = ids[order[: restorer.settings.fill_pool]]
    return words.fill_ids

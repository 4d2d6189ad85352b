"""Beam Viterbi over per-word candidates with a trigram syllable LM, and confidences.

Score of a path = sum over words of (-channel cost + lm_weight * ln P(word | two before)),
clauses scored as `<s> <s> w1 .. wn </s>` like the LM was trained. The search keeps the
best `beam_width` states, a state being (candidate at the previous word, candidate at this
word): paths that agree on both are recombined (the trigram cannot tell them apart), so the
beam is exact Viterbi when it is wide enough. Every step is one vectorised LM call over
beam x candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


@dataclass(slots=True)
class Slot:
    """One word position: its candidates' LM ids and channel costs (bonuses subtracted)."""

    ids: np.ndarray  # int64, shape (K,)
    costs: np.ndarray  # float64, shape (K,)


# A decoding unit is a sequence of slots with None marking a clause stop.
Unit = Sequence[Slot | None]
# A candidate id for "no word here" (an OCR speck): no LM term, the context passes through.
EPSILON = -1


def beam_viterbi(lm, unit: Unit, lm_weight: float, beam_width: int = 16) -> list[int]:
    """Index of the chosen candidate for every slot of the unit (-1 for clause stops)."""
    return beam_viterbi_batch(lm, [unit], lm_weight, beam_width)[0]


def beam_viterbi_batch(
    lm, units: Sequence[Unit], lm_weight: float, beam_width: int = 16
) -> list[list[int]]:
    """`beam_viterbi` for many units at once, in lock-step: step t of every unit goes into
    one LM call, so numpy's per-call overhead is paid once per step, not once per word."""
    n_units = len(units)
    bos = lm.bos
    width = beam_width
    score = np.full((n_units, width), -np.inf)
    score[:, 0] = 0.0
    w2 = np.full((n_units, width), bos, dtype=np.int64)
    w1 = np.full((n_units, width), bos, dtype=np.int64)
    last = np.full((n_units, width), -1, dtype=np.int64)
    history: list[list] = [[] for _ in range(n_units)]
    lengths = [len(u) for u in units]
    for t in range(max(lengths, default=0)):
        stops = [u for u in range(n_units) if t < lengths[u] and units[u][t] is None]
        slots = [u for u in range(n_units) if t < lengths[u] and units[u][t] is not None]
        if stops:
            _close_clauses(lm, np.array(stops), score, w2, w1, last, history, lm_weight)
        for rows in _by_width([(u, units[u][t]) for u in slots]):
            _extend(lm, np.array(rows), [units[u][t] for u in rows], score, w2, w1, last,
                    history, lm_weight)
    final = score + lm_weight * _end_logprob(lm, w2, w1)
    return [_backtrack(history[u], int(np.argmax(final[u]))) for u in range(n_units)]


def _by_width(slots: list[tuple[int, Slot]]) -> list[list[int]]:
    """Units of one step in two groups, ordinary and wide slots: every row is padded to its
    group's widest slot, and a few wide ones (a placeholder's fill) must not widen them all."""
    if not slots:
        return []
    sizes = np.array([len(slot.ids) for _, slot in slots])
    wide = sizes > 1.25 * np.median(sizes)
    groups = [[u for (u, _), w in zip(slots, wide, strict=True) if w == flag]
              for flag in (False, True)]
    return [g for g in groups if g]


def _end_logprob(lm, w2: np.ndarray, w1: np.ndarray) -> np.ndarray:
    """log P(</s> | w2 w1); a clause left empty (its only words dropped as specks) is free."""
    lp = lm.logprob_batch(w2, w1, np.full(w1.shape, lm.eos))
    return np.where(w1 == lm.bos, 0.0, lp)


def _close_clauses(lm, rows, score, w2, w1, last, history, lm_weight) -> None:
    """A clause stop: add </s>, keep the best state, restart from <s> <s>."""
    total = score[rows] + lm_weight * _end_logprob(lm, w2[rows], w1[rows])
    best = np.argmax(total, axis=1)
    for r, b in zip(rows.tolist(), best.tolist(), strict=True):
        history[r].append(b)
    score[rows] = -np.inf
    score[rows, 0] = total[np.arange(len(rows)), best]
    w2[rows] = lm.bos
    w1[rows] = lm.bos
    last[rows] = -1


def _extend(lm, rows, slots, score, w2, w1, last, history, lm_weight) -> None:
    """One word for every unit in `rows`: expand, recombine, keep the best `width`."""
    n, width = len(rows), score.shape[1]
    k_max = max(len(s.ids) for s in slots)
    ids = np.zeros((n, k_max), dtype=np.int64)
    costs = np.full((n, k_max), np.inf)
    for i, slot in enumerate(slots):
        ids[i, : len(slot.ids)] = slot.ids
        costs[i, : len(slot.costs)] = slot.costs
    eps = ids == EPSILON
    lp = lm.logprob_batch(w2[rows][:, :, None], w1[rows][:, :, None],
                          np.where(eps, lm.unk, ids)[:, None, :])
    lp = np.where(eps[:, None, :], 0.0, lp)
    total = (score[rows][:, :, None] - costs[:, None, :] + lm_weight * lp).reshape(n, -1)
    # recombine states that agree on (previous candidate, this candidate); only the best
    # few per unit can survive, so the sort runs on those (duplicates are rare)
    keys = ((last[rows] + 1)[:, :, None] * k_max + np.arange(k_max)[None, None, :]).reshape(n, -1)
    per_row = total.shape[1]
    short = min(per_row, 3 * width)
    if short < per_row:
        top = np.argpartition(-total, short - 1, axis=1)[:, :short]
    else:
        top = np.broadcast_to(np.arange(per_row), (n, per_row))
    row = np.repeat(np.arange(n), short)
    flat_idx = (top + np.arange(n)[:, None] * per_row).ravel()
    flat_total = total.ravel()[flat_idx]
    flat_keys = keys.ravel()[flat_idx]
    order = np.lexsort((-flat_total, flat_keys, row))
    first = np.ones(len(order), dtype=bool)
    sorted_rows, sorted_keys = row[order], flat_keys[order]
    first[1:] = (sorted_rows[1:] != sorted_rows[:-1]) | (sorted_keys[1:] != sorted_keys[:-1])
    kept = order[first]
    kept = kept[np.lexsort((-flat_total[kept], row[kept]))]
    kept_rows = row[kept]
    starts = np.searchsorted(kept_rows, np.arange(n))
    rank = np.arange(len(kept)) - starts[kept_rows]
    sel = rank < width
    kept, kept_rows, rank = kept[sel], kept_rows[sel], rank[sel]
    within = flat_idx[kept] - kept_rows * per_row
    parent, cand = within // k_max, within % k_max
    new_score = np.full((n, width), -np.inf)
    new_parent = np.zeros((n, width), dtype=np.int64)
    new_cand = np.zeros((n, width), dtype=np.int64)
    new_score[kept_rows, rank] = flat_total[kept]
    new_parent[kept_rows, rank] = parent
    new_cand[kept_rows, rank] = cand
    old_w2, old_w1 = w2[rows], w1[rows]
    score[rows] = new_score
    from_w2 = np.take_along_axis(old_w2, new_parent, axis=1)
    from_w1 = np.take_along_axis(old_w1, new_parent, axis=1)
    chosen = np.take_along_axis(ids, new_cand, axis=1)
    skipped = chosen == EPSILON  # the context stays what it was
    w2[rows] = np.where(skipped, from_w2, from_w1)
    w1[rows] = np.where(skipped, from_w1, chosen)
    last[rows] = new_cand
    for i, r in enumerate(rows.tolist()):
        history[r].append((new_parent[i], new_cand[i]))


def _backtrack(history: list, idx: int) -> list[int]:
    choices = [-1] * len(history)
    for pos in range(len(history) - 1, -1, -1):
        entry = history[pos]
        if isinstance(entry, int):
            idx = entry
        else:
            parent, cand = entry
            choices[pos] = int(cand[idx])
            idx = int(parent[idx])
    return choices


class Belief(NamedTuple):
    """What the decoder believes of one slot, its neighbours held at the best path: the
    chosen candidate's local posterior and the best few candidates (index in the slot, local
    posterior), best first, the chosen one among them when it is in the top."""

    confidence: float
    top: tuple[tuple[int, float], ...]


CERTAIN = Belief(1.0, ())  # a clause stop's "slot": nothing to weigh

def _path_ids(lm, unit: Unit, choices: Sequence[int]
              ) -> tuple[list[int], dict[int, tuple[int, bool]]]:
    """The best path as LM ids, <s> <s> before and </s> after every clause, padded; and
    where each slot's word is in it, or would be when the path skips it (a speck dropped:
    the context passes through, as in the search)."""
    bos, eos = lm.bos, lm.eos
    path, where = [bos, bos], {}
    for pos, slot in enumerate(unit):
        if slot is None:
            path.extend([eos, bos, bos])
            continue
        chosen = int(slot.ids[choices[pos]])
        where[pos] = (len(path), chosen == EPSILON)
        if chosen != EPSILON:
            path.append(chosen)
    path.extend([eos, eos, eos])  # padding behind </s> is read, never scored
    return path, where


# Confidences are computed for units holding about this many candidates at a time: the LM
# call's arrays (a dozen of 8 bytes per candidate and trigram) stay within ~100 MB.
CONFIDENCE_BATCH_CANDIDATES = 300_000


def local_beliefs_batch(
    lm, units: Sequence[Unit], choices: Sequence[Sequence[int]], lm_weight: float,
    top: int = 5,
) -> list[list[Belief]]:
    """For every slot, a softmax over its candidates of channel + the three trigrams the
    word takes part in, neighbours held at the best path: the chosen one's probability and
    the `top` best candidates (a reviewer's alternatives, and what a kept word is doubted
    for). One LM call for units of up to CONFIDENCE_BATCH_CANDIDATES candidates."""
    out: list[list[Belief]] = []
    start, size = 0, 0
    for end, unit in enumerate(units):
        size += sum(len(slot.ids) for slot in unit if slot is not None)
        if size >= CONFIDENCE_BATCH_CANDIDATES or end == len(units) - 1:
            out.extend(_local_beliefs(lm, units[start:end + 1], choices[start:end + 1],
                                      lm_weight, top))
            start, size = end + 1, 0
    return out


def _local_beliefs(
    lm, units: Sequence[Unit], choices: Sequence[Sequence[int]], lm_weight: float, top: int
) -> list[list[Belief]]:
    eos = lm.eos
    neighbours, cands, spans = [], [], []
    offset = 0
    for u, unit in enumerate(units):
        path, where = _path_ids(lm, unit, choices[u])
        for pos, slot in enumerate(unit):
            if slot is None:
                continue
            (i, skipped), k = where[pos], len(slot.ids)
            right = i if skipped else i + 1
            r1 = path[right]
            neighbours.append((path[i - 2], path[i - 1], r1,
                               path[right + 1] if r1 != eos else eos))
            cands.append(slot.ids)
            spans.append((u, pos, offset, k, r1 != eos))
            offset += k
    out = [[CERTAIN] * len(unit) for unit in units]
    if not spans:
        return out
    sizes = np.array([k for *_, k, _ in spans])
    l2, l1, r1, r2 = (np.repeat(col, sizes) for col in np.array(neighbours, dtype=np.int64).T)
    cand = np.concatenate(cands)
    eps = cand == EPSILON
    # a word c between l2 l1 and r1 r2 takes part in P(c | l2 l1), P(r1 | l1 c) and
    # P(r2 | c r1); without it ("no word here") the LM reads P(r1 | l2 l1), P(r2 | l1 r1)
    first = np.where(eps, r1, cand)
    second_mid, second_end = np.where(eps, r1, cand), np.where(eps, r2, r1)
    lp = lm.logprob_batch(
        np.concatenate([l2, l1, np.where(eps, lm.unk, cand)]),
        np.concatenate([l1, second_mid, r1]),
        np.concatenate([first, second_end, r2]),
    ).reshape(3, -1)
    # softmax per slot, vectorised over all slots: segment max and sum by reduceat
    starts = np.array([start for _, _, start, _, _ in spans])
    third = np.repeat(np.array([t for *_, t in spans], dtype=bool), sizes)
    costs = np.concatenate([units[u][pos].costs for u, pos, *_ in spans])
    # a clause left empty (its only word dropped) is free, as in the search
    empty = eps & (l1 == lm.bos) & (r1 == eos)
    lm_terms = (np.where(empty, 0.0, lp[0]) + np.where(~eps | third, lp[1], 0.0)
                + np.where(third & ~eps, lp[2], 0.0))
    scores = -costs + lm_weight * lm_terms
    scores = scores - np.repeat(np.maximum.reduceat(scores, starts), sizes)
    probs = np.exp(scores)
    probs /= np.repeat(np.add.reduceat(probs, starts), sizes)
    chosen = starts + np.array([choices[u][pos] for u, pos, *_ in spans])
    tops = _top_candidates(probs, starts, sizes, top)
    for (u, pos, *_), p, best in zip(spans, probs[chosen].tolist(), tops, strict=True):
        out[u][pos] = Belief(p, best)
    return out


def _top_candidates(probs: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                    top: int) -> list[tuple[tuple[int, float], ...]]:
    """Per slot (a segment of `probs`), its `top` most probable candidates as (index in the
    slot, probability), best first; one sort over all slots at once."""
    if top <= 0:
        return [()] * len(starts)
    slot_of = np.repeat(np.arange(len(starts)), sizes)
    order = np.lexsort((-probs, slot_of))  # by slot, most probable first
    rank = np.arange(len(order)) - np.repeat(starts, sizes)
    keep = rank < top
    picked = order[keep]
    rows, ranks = slot_of[picked], rank[keep]
    index = np.full((len(starts), top), -1, dtype=np.int64)
    prob = np.zeros((len(starts), top))
    index[rows, ranks] = picked - starts[rows]
    prob[rows, ranks] = probs[picked]
    return [tuple((i, p) for i, p in zip(ir, pr, strict=True) if i >= 0)
            for ir, pr in zip(index.tolist(), prob.tolist(), strict=True)]

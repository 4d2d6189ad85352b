"""Calibrated confidence: the decoder's local posterior of a word (`decoder.Belief`) turned
into how often such a word is right, so that "below 0.5" means "more often wrong than right".

The decoder's posterior holds its neighbours fixed and trusts the channel and the LM; on
English-model OCR it is over-confident where the LM prefers a common syllable to a rare name.
So each kind of judgement gets its own monotone curve, fitted by isotonic regression (pool
adjacent violators) on the dev OCR pairs, where the source word is known
(`tools/calibrate_restore.py`, stored in `pipeline/data/restore_calibration.json`):

- change/english, change/clean: words the decoder changed, on English-model OCR lines and on
  typed text or Vietnamese-model OCR lines (`clean_text.line_is_clean`);
- keep/english, keep/clean: words the decoder left as read (a kept word is "right" when the
  source word is the same), what the restorer's doubts come from;
- rule: words changed by a fixed rule after decoding (official tone placement, a list marker
  "d)" after "d)", a protected token put back), their raw value the decoder's belief in the
  word it kept, or RULE_RAW when the word had no slot.

A curve is a list of (raw, calibrated) knots, read by linear interpolation between them and
flat beyond the ends (as scikit-learn's IsotonicRegression does).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline import resources

CHANGE_ENGLISH = "change/english"
CHANGE_CLEAN = "change/clean"
KEEP_ENGLISH = "keep/english"
KEEP_CLEAN = "keep/clean"
RULE = "rule"
KINDS = (CHANGE_ENGLISH, CHANGE_CLEAN, KEEP_ENGLISH, KEEP_CLEAN, RULE)
RULE_RAW = 0.9  # a rule's change on a token the decoder never weighed (a protected token)
FORMAT = "isotonic-knots/1"
# Few words at an end of the raw range would pin the curve to 0 or 1 there; each fitted
# block is pulled towards the kind's overall rate by this many pseudo-words.
PRIOR_WEIGHT = 2.0


def pool_adjacent_violators(y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """The non-decreasing fit of `y` (already in order of the raw value) minimising the
    weighted squared error: (first index, last index, value) of each constant block."""
    values, sums, firsts, lasts = [], [], [], []
    for i, (v, w) in enumerate(zip(y.tolist(), weights.tolist(), strict=True)):
        values.append(v)
        sums.append(w)
        firsts.append(i)
        lasts.append(i)
        while len(values) > 1 and values[-2] >= values[-1]:
            w2, w1 = sums.pop(), sums.pop()
            v2, v1 = values.pop(), values.pop()
            lasts.pop(-2)
            firsts.pop()
            values.append((v1 * w1 + v2 * w2) / (w1 + w2))
            sums.append(w1 + w2)
    return np.array(firsts), np.array(lasts), np.array(values)


def fit_curve(raw: Iterable[float], right: Iterable[bool]) -> list[tuple[float, float]]:
    """Isotonic fit of right (1) / wrong (0) on the raw confidence, as knots: each block's
    lowest and highest raw value at the block's share right (pulled towards the overall share
    by PRIOR_WEIGHT pseudo-words)."""
    x = np.asarray(list(raw), dtype=np.float64)
    y = np.asarray(list(right), dtype=np.float64)
    if not len(x):
        return []
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    # equal raw values are one point (a tie must get one calibrated value)
    xs, first = np.unique(x, return_index=True)
    counts = np.diff(np.append(first, len(x))).astype(np.float64)
    means = np.add.reduceat(y, first) / counts
    firsts, lasts, _ = pool_adjacent_violators(means, counts)
    overall = float(y.mean())
    knots: list[tuple[float, float]] = []
    for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True):
        n = counts[a:b + 1].sum()
        share = (float((means[a:b + 1] * counts[a:b + 1]).sum()) + PRIOR_WEIGHT * overall) / (
            n + PRIOR_WEIGHT)
        knots.append((float(xs[a]), share))
        if b > a:
            knots.append((float(xs[b]), share))
    # the prior can break monotonicity between small blocks: keep the running maximum
    running = np.maximum.accumulate([v for _, v in knots])
    rounded = [(round(k, 6), round(float(v), 4)) for (k, _), v in zip(knots, running,
                                                                       strict=True)]
    # a knot inside a flat stretch says nothing the interpolation does not
    return [p for i, p in enumerate(rounded)
            if not (0 < i < len(rounded) - 1 and rounded[i - 1][1] == p[1] == rounded[i + 1][1])]


@dataclass(frozen=True)
class Calibration:
    """One curve per kind; a kind without a curve is left as it is (raw = calibrated)."""

    curves: Mapping[str, tuple[np.ndarray, np.ndarray]]

    def __call__(self, kind: str, raw: float) -> float:
        curve = self.curves.get(kind)
        if curve is None:
            return raw
        return float(np.interp(raw, curve[0], curve[1]))

    def many(self, kind: str, raw: np.ndarray) -> np.ndarray:
        curve = self.curves.get(kind)
        return np.asarray(raw, dtype=np.float64) if curve is None else np.interp(raw, *curve)

    @classmethod
    def from_knots(cls, knots: Mapping[str, list[tuple[float, float]]]) -> Calibration:
        return cls({kind: (np.array([k for k, _ in pts]), np.array([v for _, v in pts]))
                    for kind, pts in knots.items() if pts})

    @classmethod
    def fit(cls, samples: Mapping[str, tuple[list[float], list[bool]]]) -> Calibration:
        """Fit a curve per kind from (raw confidences, right or not)."""
        return cls.from_knots({kind: fit_curve(*samples[kind]) for kind in samples})

    @classmethod
    def identity(cls) -> Calibration:
        return cls({})

    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        data = json.loads((path or resources.path(resources.RESTORE_CALIBRATION))
                          .read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"restore calibration: unknown format {data.get('format')!r}")
        return cls.from_knots({kind: [tuple(p) for p in curve["knots"]]
                               for kind, curve in data["curves"].items()})


def dumps(data: dict) -> str:
    """The stored form as text: one line per kind's knots, so a diff shows what moved."""
    curves = ",\n".join(
        f'  "{kind}": {{"words": {c["words"]}, "right": {c["right"]}, '
        f'"knots": {json.dumps(c["knots"])}}}' for kind, c in data["curves"].items())
    return (f'{{"format": {json.dumps(data["format"])},\n'
            f' "fitted_on": {json.dumps(data["fitted_on"], ensure_ascii=False)},\n'
            f' "curves": {{\n{curves}\n }}\n}}\n')


def calibration_json(knots: Mapping[str, list[tuple[float, float]]],
                     counts: Mapping[str, tuple[int, int]], source: str) -> dict:
    """The stored form: per kind its knots and (words, right) it was fitted on."""
    return {
        "format": FORMAT,
        "fitted_on": source,
        "curves": {kind: {"words": counts[kind][0], "right": counts[kind][1],
                          "knots": [list(p) for p in knots[kind]]}
                   for kind in KINDS if kind in knots},
    }

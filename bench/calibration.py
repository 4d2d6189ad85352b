"""How often the restorer's judgements are right, by confidence: the data the calibration
curves are fitted on (`tools/calibrate_restore.py`) and the table `make bench-restore` prints.

A judged word (`restore.engine.Judgement`: a change or a word kept as read) is "right" when
the restored word is its source word, compared as bench/scoring.py compares tokens (NFC, lower
case, punctuation at the ends stripped, official tone placement). The restored line's words
(split on whitespace) are aligned to the truth line's by token Levenshtein distance, as the
scorer does; a word left unaligned (inserted, or in an uneven replace block) is wrong. A
speck the restorer dropped (its output empty) is right when putting it back would make the
line's token distance to the truth larger.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex
from rapidfuzz.distance import Levenshtein

from bench.scoring import _EDGE_PUNCTUATION
from pipeline.restore.calibration import KINDS, Calibration
from pipeline.text.syllables import to_official_tones

_WORD = regex.compile(r"\S+")
BANDS = 10  # confidence bands of width 0.1


@dataclass(frozen=True)
class Judged:
    """One judged word of the dev pairs: its kind, raw and calibrated confidence, right."""

    kind: str
    raw: float
    confidence: float
    right: bool


def _key(word: str) -> str:
    return to_official_tones(_EDGE_PUNCTUATION.sub("", word.lower()))


def aligned_truth(restored: str, truth: str) -> tuple[list[int], list[str | None]]:
    """Start of each whitespace word of the restored line, and the truth word (as a key) it
    is aligned to, None when it has none."""
    words = list(_WORD.finditer(restored))
    ours = [_key(m.group()) for m in words]
    theirs = [_key(w) for w in truth.split()]
    mapped: list[str | None] = [None] * len(ours)
    for tag, a0, a1, b0, b1 in Levenshtein.opcodes(ours, theirs):
        if tag in ("equal", "replace") and a1 - a0 == b1 - b0:
            for k in range(a1 - a0):
                mapped[a0 + k] = theirs[b0 + k]
    return [m.start() for m in words], mapped


def label(restorer, truths: Sequence[str], ocr: Sequence[str]) -> list[Judged]:
    """Restore the OCR lines as one text (as the benchmark does) and label every judged word
    right or wrong against its truth line."""
    restored = restorer.judge_lines(list(ocr))
    by_line: dict[int, list] = {}
    for j in restored.judgements:
        by_line.setdefault(j.line, []).append(j)
    out = []
    for li, judgements in by_line.items():
        starts, mapped = aligned_truth(restored.lines[li], truths[li])
        ours = [_key(m.group()) for m in _WORD.finditer(restored.lines[li])]
        theirs = [_key(w) for w in truths[li].split()]
        for j in judgements:
            if not j.output:  # a speck dropped: right when keeping it would be an error more
                at = bisect.bisect_left(starts, j.start)
                kept = [*ours[:at], _key(j.ocr), *ours[at:]]
                right = Levenshtein.distance(ours, theirs) < Levenshtein.distance(kept, theirs)
            else:
                w = bisect.bisect_right(starts, j.start) - 1
                right = 0 <= w < len(mapped) and mapped[w] is not None and mapped[w] == ours[w]
            out.append(Judged(j.kind, j.raw, j.confidence, right))
    return out


def samples_by_kind(judged: Sequence[Judged]) -> dict[str, tuple[list[float], list[bool]]]:
    """(raw confidences, right) per kind, what `Calibration.fit` takes."""
    out: dict[str, tuple[list[float], list[bool]]] = {}
    for j in judged:
        raw, right = out.setdefault(j.kind, ([], []))
        raw.append(j.raw)
        right.append(j.right)
    return out


def expected_calibration_error(conf: np.ndarray, right: np.ndarray) -> float:
    """Sum over the ten bands of |mean confidence - share right|, weighted by words."""
    if not len(conf):
        return 0.0
    band = np.minimum((conf * BANDS).astype(int), BANDS - 1)
    total = 0.0
    for b in np.unique(band):
        sel = band == b
        total += sel.sum() * abs(conf[sel].mean() - right[sel].mean())
    return total / len(conf)


def recalibrated(judged: Sequence[Judged], calibration: Calibration) -> list[Judged]:
    """The same words with their confidence from another calibration."""
    return [Judged(j.kind, j.raw, calibration(j.kind, j.raw), j.right) for j in judged]


def format_table(judged: Sequence[Judged], title: str) -> str:
    """Per kind and band of confidence: words and share right, banded by the raw and by the
    calibrated confidence; then each kind's ECE raw -> calibrated."""
    head = (f"{'kind':<15} {'band':<8} {'raw: words':>10} {'right':>7}   "
            f"{'calibrated: words':>17} {'right':>7}")
    lines = [title, head, "-" * len(head)]
    summary = []
    for kind in KINDS:
        rows = [j for j in judged if j.kind == kind]
        if not rows:
            continue
        raw = np.array([j.raw for j in rows])
        cal = np.array([j.confidence for j in rows])
        right = np.array([j.right for j in rows], dtype=float)
        raw_band = np.minimum((raw * BANDS).astype(int), BANDS - 1)
        cal_band = np.minimum((cal * BANDS).astype(int), BANDS - 1)
        for b in range(BANDS):
            in_raw, in_cal = raw_band == b, cal_band == b
            if not in_raw.any() and not in_cal.any():
                continue
            lines.append(f"{kind:<15} {b / BANDS:.1f}-{(b + 1) / BANDS:.1f}  "
                         f"{int(in_raw.sum()):>10} {_share(right, in_raw):>7}   "
                         f"{int(in_cal.sum()):>17} {_share(right, in_cal):>7}")
        summary.append(f"{kind:<15} {len(rows):>6} words, {right.mean():.1%} right; ECE "
                       f"{expected_calibration_error(raw, right):.4f} raw -> "
                       f"{expected_calibration_error(cal, right):.4f} calibrated; below 0.5: "
                       f"{int((cal < 0.5).sum())} words, {_share(right, cal < 0.5)} right")
    raw = np.array([j.raw for j in judged])
    cal = np.array([j.confidence for j in judged])
    right = np.array([j.right for j in judged], dtype=float)
    summary.append(f"{'all':<15} {len(judged):>6} words; ECE "
                   f"{expected_calibration_error(raw, right):.4f} raw -> "
                   f"{expected_calibration_error(cal, right):.4f} calibrated")
    return "\n".join([*lines, "", *summary])


def _share(right: np.ndarray, sel: np.ndarray) -> str:
    return f"{right[sel].mean():.1%}" if sel.any() else "-"

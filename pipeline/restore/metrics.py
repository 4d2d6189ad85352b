"""Accuracy of restored text against a truth, at the syllable level.

Texts are compared as sequences of syllables: lower case, NFC, official tone placement,
punctuation dropped (numbers and codes kept as tokens). Sequences are aligned by token
Levenshtein distance, so a dropped or split word costs one error, not a shifted tail.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from rapidfuzz.distance import Levenshtein

from pipeline.text.fold import strip_marks
from pipeline.text.syllables import to_official_tones

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def syllables(text: str) -> list[str]:
    """'Số: 125/KH-UBND' -> ['số', '125', 'kh', 'ubnd']."""
    return _TOKEN.findall(to_official_tones(text).lower())


@dataclass(frozen=True)
class Accuracy:
    reference: int  # syllables in the truth
    errors: int  # token edit distance (substitutions + insertions + deletions)

    @property
    def accuracy(self) -> float:
        return 1.0 - self.errors / self.reference if self.reference else 1.0


def syllable_accuracy(truth: str, hypothesis: str) -> Accuracy:
    ref, hyp = syllables(truth), syllables(hypothesis)
    return Accuracy(len(ref), Levenshtein.distance(ref, hyp))


def base_accuracy(truth: str, hypothesis: str) -> Accuracy:
    """The same with all marks stripped: how right the letters are, marks aside."""
    ref = [strip_marks(s) for s in syllables(truth)]
    hyp = [strip_marks(s) for s in syllables(hypothesis)]
    return Accuracy(len(ref), Levenshtein.distance(ref, hyp))


def unchanged_rate(original: str, restored: str) -> float:
    """Share of the original's syllables that restoring left as they were."""
    return syllable_accuracy(original, restored).accuracy


def strip_to_ocr_like(text: str) -> str:
    """A crude English-OCR stand-in for benchmarks: every mark removed, đ -> d."""
    return strip_marks(text)

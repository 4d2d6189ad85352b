"""The real-scan scorer of ../shared/realscans/README.md ("How to score"), as a function.

1. both texts NFC, lower case, split on whitespace; leading and trailing punctuation stripped
   from every token; tokens without a letter or digit, and tokens of digits only, dropped (so a
   handwritten "575" does not count, "03/10/2017" does); tone placement unified (hòa = hoà);
2. the two token sequences aligned by token Levenshtein distance;
3. syllable accuracy = 1 - distance / gold tokens (below 0 for garbage).
Also: the same with case kept, and a character error rate over the tokens joined by spaces.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex
from rapidfuzz.distance import Levenshtein

from pipeline.text.syllables import to_official_tones

_EDGE_PUNCTUATION = regex.compile(r"^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$")
_HAS_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
_DIGITS_ONLY = regex.compile(r"^\p{N}+$")


def score_tokens(text: str, keep_case: bool = False) -> list[str]:
    """'Số: 575 /UBND-KTTH' -> ['số', 'ubnd-ktth'] (the handwritten number is not scored)."""
    text = unicodedata.normalize("NFC", text)
    text = text if keep_case else text.lower()
    tokens = []
    for raw in text.split():
        token = _EDGE_PUNCTUATION.sub("", raw)
        if not _HAS_LETTER_OR_DIGIT.search(token) or _DIGITS_ONLY.match(token):
            continue
        tokens.append(to_official_tones(token))
    return tokens


@dataclass(frozen=True)
class PageScore:
    gold_tokens: int
    distance: int
    distance_cased: int
    cer: float

    @property
    def syllable_acc(self) -> float:
        return 1.0 - self.distance / self.gold_tokens if self.gold_tokens else 1.0

    @property
    def syllable_acc_cased(self) -> float:
        return 1.0 - self.distance_cased / self.gold_tokens if self.gold_tokens else 1.0

    def as_json(self) -> dict:
        return {"gold_tokens": self.gold_tokens, "distance": self.distance,
                "syllable_acc": round(self.syllable_acc, 4),
                "syllable_acc_cased": round(self.syllable_acc_cased, 4),
                "cer": round(self.cer, 4)}


def score(gold: str, hypothesis: str) -> PageScore:
    ref, hyp = score_tokens(gold), score_tokens(hypothesis)
    ref_cased, hyp_cased = score_tokens(gold, True), score_tokens(hypothesis, True)
    chars_ref, chars_hyp = " ".join(ref), " ".join(hyp)
    cer = Levenshtein.distance(chars_ref, chars_hyp) / len(chars_ref) if chars_ref else 0.0
    return PageScore(len(ref), Levenshtein.distance(ref, hyp),
                     Levenshtein.distance(ref_cased, hyp_cased), cer)


def pooled(scores: list[PageScore]) -> float:
    """Syllable accuracy of all pages' tokens together (1 - summed distance / summed tokens)."""
    tokens = sum(s.gold_tokens for s in scores)
    return 1.0 - sum(s.distance for s in scores) / tokens if tokens else 1.0

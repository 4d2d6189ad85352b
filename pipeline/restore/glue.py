"""Glued syllables: where English OCR ran two or three syllables together ("quocgia",
"PHOIHOPVOI", "co'sé", "déivéi"), the split point the tokenizer cuts at (`split_glued`)."""

from __future__ import annotations

import unicodedata

from pipeline.restore.candidates import CandidateIndex
from pipeline.restore.settings import RestoreSettings
from pipeline.restore.tokens import Token
from pipeline.text.fold import strip_marks

_CACHE_LIMIT = 200_000


class GlueFinder:
    def __init__(self, index: CandidateIndex, lm, settings: RestoreSettings):
        self.index, self.lm, self.settings = index, lm, settings
        self._cache: dict[str, int | None] = {}

    def caps_words(self, tok: Token) -> Token:
        """An all-caps token taken for an abbreviation is a word when it is glued syllables
        ("GHICHU", "VIPHAM" in a heading): abbreviations never split into two spellings."""
        text = tok.text
        if tok.kind != "protected" or not text.isalpha() or not text.isupper() or len(text) < 5:
            return tok
        return Token(text, "word") if self.glue_point(text) is not None else tok

    def glue_point(self, word: str) -> int | None:
        """`_find_glue_point`, cached: words repeat."""
        if word in self._cache:
            return self._cache[word]
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        got = self._cache[word] = self._find_glue_point(word)
        return got

    def _find_glue_point(self, word: str) -> int | None:
        """Where OCR glued two syllables ("quocgia", "cacco"): the word is no syllable and
        unknown to the LM, and it splits into two attested spellings; the split whose
        spellings are most frequent wins."""
        if word[:1] == "|":  # a table border glued on ("|quocgia")
            inner = self._find_glue_point(word[1:]) if len(word) > 1 else None
            return None if inner is None else inner + 1
        apostrophe = next((k for k in range(2, len(word) - 2) if word[k] in "'’"), None)
        if apostrophe is not None:
            return self._apostrophe_glue_point(word, apostrophe)
        if len(word) < 5 or not word.isalpha() or not (word[1:].islower() or word.isupper()):
            return None
        lower = unicodedata.normalize("NFC", word).lower()
        plain = strip_marks(lower)
        if self.index.is_spelling(plain) or self.lm.id(lower) != self.lm.unk:
            return None
        if self._reads_as_one_syllable(word):
            return None
        prior = self.index.spelling_prior
        best, best_k = self.settings.glue_min_prior, None
        for k in range(2, len(plain) - 1):
            left, right = plain[:k], plain[k:]
            if left in prior and right in prior and min(prior[left], prior[right]) > best:
                best, best_k = min(prior[left], prior[right]), k
        if best_k is None:
            best_k = self._three_glued(plain)
        return best_k if best_k is not None else self._garbled_glue_point(word)

    def _three_glued(self, plain: str) -> int | None:
        """The first split point of three glued syllables ("phoihopvoi"), all three frequent
        spellings; the second split is found when the rest is looked at again."""
        if len(plain) < 7:  # shorter ones are one garbled syllable ("diéme"), not three
            return None
        prior = self.index.spelling_prior
        best, best_k = self.settings.glue_min_prior, None
        for i in range(1, len(plain) - 3):
            for j in range(i + 2, len(plain) - 1):
                parts = (plain[:i + 1], plain[i + 1:j], plain[j:])
                if all(part in prior for part in parts):
                    score = min(prior[part] for part in parts)
                    if score > best:
                        best, best_k = score, i + 1
        return best_k

    def _apostrophe_glue_point(self, word: str, k: int) -> int | None:
        """An apostrophe inside a word is a hook or horn English OCR split off ("phu’ong" =
        phương) unless the word has no cheap reading as one syllable: then it is a speck
        between two words ("co'sé" = cơ sở)."""
        best = self.index.candidates(word)[:1]
        if best and not best[0].kept and best[0].cost < self.settings.glue_max_single_cost:
            return None
        return k

    def _garbled_glue_point(self, word: str) -> int | None:
        """Two garbled syllables glued ("déivéi" = đối với): the split whose halves both
        have a cheap reading by the learned channel, cheapest together."""
        max_half = self.settings.glue_max_half_cost
        best, best_k = 2 * max_half, None
        for k in range(3, len(word) - 2):  # halves of 3+ letters: garbled pairs are long
            halves = [self.index.candidates(part)[:1] for part in (word[:k], word[k:])]
            if all(h and not h[0].kept and h[0].cost < max_half for h in halves):
                total = halves[0][0].cost + halves[1][0].cost
                if total < best:
                    best, best_k = total, k
        return best_k

    def _reads_as_one_syllable(self, word: str) -> bool:
        """The OCR pairs saw this token as one syllable ("ngudi" = người), or the learned
        channel finds a syllable it is a cheap reading of: then it is no glued pair."""
        learned = self.index.learned
        if learned is None:
            return False
        if learned.seen_as(word):
            return True
        best = self.index.candidates(word)[:1]
        return bool(best) and not best[0].kept and best[0].cost < self.settings.glue_max_single_cost

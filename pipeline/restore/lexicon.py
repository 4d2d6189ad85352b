"""Administrative terms as phrase evidence for the decoder.

`dictionaries/vi_admin_terms.txt` holds one term per line (`term<TAB>category`, # comments),
read by `pipeline.resources.lexicon`.
A window of OCR words "spells" a term when every term syllable is among the candidates of
the word at its place; the window then earns a bonus, scaled by how close the window's
mark-stripped text is to the term's (rapidfuzz ratio), on exactly those candidates. So
"Uy ban nhan dan" pulls the path "ủy ban nhân dân" and "Phong Van hda - Xa hdi" the path
"phòng văn hóa xã hội", while a window that only loosely resembles a term gains little.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import regex
from rapidfuzz import fuzz

from pipeline import resources
from pipeline.text.fold import strip_marks
from pipeline.text.syllables import to_official_tones

_SYLLABLE = regex.compile(r"\p{L}+")
MIN_SIMILARITY = 0.6  # below this the window is too unlike the term to count
# A name spelt by capitalised OCR words is strong evidence (the LM knows names poorly); a
# name spelt by lower-case words is weak, and so is a common phrase (the LM knows those).
CASE_WEIGHT = {(True, True): 1.5, (True, False): 0.3, (False, True): 0.5, (False, False): 0.5}


@dataclass(frozen=True, slots=True)
class Term:
    syllables: tuple[str, ...]  # lower case, official tones
    stripped: str  # mark-free, space-joined: what OCR text is compared with
    category: str
    proper: bool  # written with capitals: a name ("Tân Phú", "Ủy ban nhân dân")


def term_syllables(text: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in _SYLLABLE.findall(to_official_tones(text)))


def parse_terms(lines: Sequence[str]) -> list[Term]:
    """Terms of two or more syllables from `term<TAB>category` lines."""
    return terms_of(resources.parse_lexicon(lines))


def terms_of(entries: Sequence[resources.LexiconEntry]) -> list[Term]:
    """Terms of two or more syllables from the lexicon's entries."""
    terms = []
    for entry in entries:
        syllables = term_syllables(entry.term)
        if len(syllables) >= 2:
            proper = any(ch.isupper() for ch in entry.term)
            terms.append(Term(syllables, strip_marks(" ".join(syllables)), entry.category,
                              proper))
    return terms


class Lexicon:
    """Terms indexed by their first two syllables."""

    def __init__(self, terms: Sequence[Term], bonus: float = 1.0):
        self.bonus = bonus
        # terms by their first two syllables, and the second syllables seen after a first
        self.by_pair: dict[tuple[str, str], list[Term]] = defaultdict(list)
        self.seconds: dict[str, set[str]] = defaultdict(set)
        for term in dict.fromkeys(terms):
            first, second = term.syllables[:2]
            self.by_pair[first, second].append(term)
            self.seconds[first].add(second)
        self.size = sum(len(v) for v in self.by_pair.values())
        self._firsts_cache: dict[frozenset[str], list[tuple[str, set[str]]]] = {}

    @classmethod
    def load(cls, path: Path | None = None, bonus: float = 1.0) -> Lexicon:
        """The packaged lexicon's terms (or those of the file at `path`)."""
        return cls(terms_of(resources.lexicon(path)), bonus)

    def bonuses(
        self, ocr_words: Sequence[str], candidate_sets: Sequence[Sequence[str]]
    ) -> dict[tuple[int, str], float]:
        """{(word position, syllable): bonus} for every term some window can spell.

        `candidate_sets[i]` lists the syllables word i may be; a position may earn bonuses
        from several terms, the largest one counts.
        """
        out: dict[tuple[int, str], float] = {}
        if not self.size:
            return out
        sets = [c if isinstance(c, set | frozenset) else set(c) for c in candidate_sets]
        stripped = [strip_marks(w).lower() for w in ocr_words]
        n = len(ocr_words)
        for start in range(n - 1):
            for first, following in self._firsts(sets[start]):
                for second in following & sets[start + 1]:
                    for term in self.by_pair[first, second]:
                        self._match(term, start, sets, stripped, ocr_words, out)
        return out

    def _firsts(self, candidates: frozenset[str] | set[str]) -> list[tuple[str, set[str]]]:
        """The candidates that begin some term, with the second syllables those terms take;
        cached per (frozen) candidate set, as the restorer hands out one per OCR word."""
        if not isinstance(candidates, frozenset):
            return [(f, self.seconds[f]) for f in candidates if f in self.seconds]
        got = self._firsts_cache.get(candidates)
        if got is None:
            got = [(f, self.seconds[f]) for f in candidates if f in self.seconds]
            if len(self._firsts_cache) > 100_000:
                self._firsts_cache.clear()
            self._firsts_cache[candidates] = got
        return got

    def _match(self, term: Term, start: int, sets, stripped, ocr_words, out) -> None:
        length = len(term.syllables)
        if start + length > len(sets):
            return
        if not all(term.syllables[k] in sets[start + k] for k in range(2, length)):
            return
        window = " ".join(stripped[start : start + length])
        similarity = fuzz.ratio(window, term.stripped) / 100.0
        if similarity < MIN_SIMILARITY:
            return
        capitalised = all(w[:1].isupper() for w in ocr_words[start : start + length])
        gain = self.bonus * similarity * CASE_WEIGHT[term.proper, capitalised]
        for k, syllable in enumerate(term.syllables):
            key = (start + k, syllable)
            if gain > out.get(key, 0.0):
                out[key] = gain

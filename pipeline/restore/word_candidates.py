"""A word's candidates as the decoder takes them: the candidate index's syllables with their
LM ids, priced for rarity and for the text's regime (typed or English OCR), pre-ranked and cut
to the decoding width. Cached per (word, regime): words repeat."""

from __future__ import annotations

import numpy as np

from pipeline.restore.candidates import Candidate, CandidateIndex
from pipeline.restore.casing import official_lower
from pipeline.restore.clean_text import marks_changed
from pipeline.restore.readings import rhymeless
from pipeline.restore.settings import RestoreSettings
from pipeline.restore.slots import WordSlot
from pipeline.text.fold import strip_marks
from pipeline.text.syllables import to_official_tones

OCR_SYMBOLS = frozenset("&¢¥@|")  # what English OCR makes of marked letters inside words
_CACHE_LIMIT = 200_000

Prepared = tuple[list[Candidate], np.ndarray, np.ndarray]  # candidates, LM ids, costs


class WordCandidates:
    """Candidates and their costs per OCR word, for one index, LM and settings."""

    def __init__(self, index: CandidateIndex, lm, settings: RestoreSettings):
        self.index, self.lm, self.settings = index, lm, settings
        self.vocab_counts = np.array([lm.count(w) for w in lm.vocab], dtype=np.int64)
        # The LM gives <unk> the mass of every rare token together; a syllable (or a kept
        # foreign token) outside the LM vocabulary gets its share: that mass over the
        # number of rare syllables. Without it "unk unk unk" paths win (rare tokens cluster).
        inventory = sorted(index.syllables)
        inventory_ids = lm.ids(inventory)
        rare = int(np.count_nonzero(inventory_ids == lm.unk))
        self.syllable_ids = dict(zip(inventory, inventory_ids.tolist(), strict=True))
        self.unk_syllable_cost = float(np.log(rare + 1.0))
        self.rarity_by_id = self._rarity_table()
        self.by_onset = rhymeless.syllables_by_onset(index, lm, settings.rhymeless_candidates)
        self._cache: dict[tuple[str, bool | str], Prepared] = {}
        self._official_cache: dict[str, str] = {}
        self._term_sets: dict[str, frozenset[str]] = {}
        self.fill_ids: np.ndarray | None = None  # `readings.placeholders.fill_pool`, once made

    def slot(self, word: str, clean: bool) -> WordSlot:
        return WordSlot.of(*self.prepared(word, clean))

    def prepared(self, word: str, clean: bool) -> Prepared:
        """Candidates pre-ranked and cut to the decoding width, cached per (word, regime)."""
        key = (word, clean)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._prepare(word, clean)
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = cached
        return cached

    def _prepare(self, word: str, clean: bool) -> Prepared:
        settings = self.settings
        identity = official_lower(word)
        if clean and len(identity) == 1:
            # a lone letter in typed text stays what it is (list markers: "điểm đ", "khoản b")
            kept = identity not in self.index.syllables
            return ([Candidate(word if kept else identity, 0.0, kept=kept)],
                    self.lm.ids([identity]), np.zeros(1))
        cands = self.index.candidates(word, clean)
        if clean and identity in self.index.syllables:
            # typed text or Vietnamese-model OCR: a syllable may change its marks (that
            # model reads "kể" as "kế"), never its letters (a rare "ấp" is not "cấp")
            letters = strip_marks(identity)
            cands = [c for c in cands if c.kept or strip_marks(c.syllable) == letters]
        costs = np.fromiter((c.cost for c in cands), dtype=np.float64, count=len(cands))
        kept = np.fromiter((c.kept for c in cands), dtype=bool, count=len(cands))
        same = np.fromiter((c.syllable == identity for c in cands), dtype=bool, count=len(cands))
        if clean:
            costs += np.fromiter((self._clean_change_cost(identity, c) for c in cands),
                                 dtype=np.float64, count=len(cands))
        # a kept token is a foreign word or OCR junk: <unk> unless the LM knows the word
        # ("s6" must not pass for a number)
        unk = self.lm.unk
        kept_id = unk if any(ch.isdigit() for ch in identity) else self.lm.id(identity)
        lm_id = self.syllable_ids.get
        ids = np.fromiter((kept_id if c.kept else lm_id(c.syllable, unk) for c in cands),
                          dtype=np.int64, count=len(cands))
        # (typed text keeps its rare words: no <unk> share for the identity there)
        rarity = self.rarity_by_id[ids]
        rarity[kept & (ids != self.lm.unk)] = 0.0
        if clean:
            rarity[same] = 0.0
        costs += rarity
        if not clean and any(ch in OCR_SYMBOLS for ch in word):
            costs[kept] += settings.symbol_keep_cost  # "x&", "D&": no word is written so
        pool = WordSlot(ids, costs, list(cands))
        if not clean:
            rhymeless.add_readings(pool, identity, self)
        kept = np.fromiter((c.kept for c in pool.cands), dtype=bool, count=len(pool.cands))
        same = np.fromiter((c.syllable == identity for c in pool.cands), dtype=bool,
                           count=len(pool.cands))
        prior = pool.costs - settings.unigram_weight * self.lm.unigram_logprob(pool.ids)
        top = np.argsort(prior, kind="stable")[: settings.decode_candidates]
        must = np.flatnonzero(kept | same).tolist()
        keep = list(dict.fromkeys([*top.tolist(), *must]))
        return [pool.cands[i] for i in keep], pool.ids[keep], pool.costs[keep]

    def _clean_change_cost(self, identity: str, cand: Candidate) -> float:
        """What changing a word of clean text costs on top of its channel cost: nothing to
        keep it; `clean_text_change` for a change of marks, and `extra_mark_change` for every
        further mark changed at once."""
        if cand.kept or cand.syllable == identity:
            return 0.0
        extra = max(0, marks_changed(identity, cand.syllable) - 1)
        return self.index.channel.clean_text_change + extra * self.settings.extra_mark_change

    def digit_slot(self, digits: str) -> WordSlot:
        """A short number after a word (`positions.inside_words`) may be a syllable English
        OCR read as digits ("nhà 6 có" = nhà ở có, "thuốc 14," = thuốc lá): the number itself
        (as <num>, free) and the channel's readings of it, each paying `digit_change` on top."""
        key = (digits, "digits")
        cached = self._cache.get(key)
        if cached is None:
            cands, ids, costs = self.prepared(digits, False)
            keep = [i for i, c in enumerate(cands) if not c.kept]
            cached = (
                [Candidate(digits, 0.0, kept=True), *(cands[i] for i in keep)],
                np.concatenate([[self.lm.num], ids[keep]]).astype(np.int64),
                np.concatenate([[0.0], costs[keep] + self.settings.digit_change]),
            )
            self._cache[key] = cached
        return WordSlot.of(*cached)

    def official(self, text: str) -> str:
        """Official tone placement for a single syllable ("hoá" -> "hóa"); other tokens
        (glued "cơsở", codes, foreign words) are left as they are. Cached: tokens repeat."""
        got = self._official_cache.get(text)
        if got is None:
            got = text
            if self.index.is_spelling(strip_marks(text).lower()):
                got = to_official_tones(text)
            if len(self._official_cache) > _CACHE_LIMIT:
                self._official_cache.clear()
            self._official_cache[text] = got
        return got

    def term_syllables(self, word: str) -> frozenset[str]:
        """The syllables a word may be when lexicon terms are searched (beyond the decoding
        width), cached per word."""
        got = self._term_sets.get(word)
        if got is None:
            cands = self.index.candidates(word)[: self.settings.lexicon_candidates]
            got = frozenset(c.syllable for c in cands if not c.kept)
            if len(self._term_sets) > _CACHE_LIMIT:
                self._term_sets.clear()
            self._term_sets[word] = got
        return got

    def _rarity_table(self) -> np.ndarray:
        """`rarity_cost` of a (not kept) syllable by its LM id, for vectorised lookup."""
        table = np.maximum(0.0, np.log(self.settings.rare_count / (self.vocab_counts + 1.0)))
        table[self.lm.unk] = self.unk_syllable_cost
        return table

    def rarity_cost(self, cand: Candidate, lm_id: int) -> float:
        """<unk>'s share for syllables the LM does not know; for ones it saw only a few
        times (often typos in the corpus) a cost too, since their n-grams are overconfident."""
        if lm_id == self.lm.unk:
            return self.unk_syllable_cost
        if cand.kept:
            return 0.0
        count = self.lm.count(cand.syllable)
        rare_count = self.settings.rare_count
        return max(0.0, np.log(rare_count / (count + 1.0))) if count < rare_count else 0.0

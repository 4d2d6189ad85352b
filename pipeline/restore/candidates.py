"""Candidate index: the syllables an OCR token may have been, with channel costs.

For an OCR token ("tuyén", "s6", "caa", "Pang") we want the Vietnamese syllables it may
have been, each with a channel cost ~ -ln P(token | syllable).

Learned channel (the default, `LearnedChannel`): the pool is every syllable of the
`spellings_limit` nearest mark-free spellings (symmetric deletion index, below) plus every
syllable the OCR pairs saw read as this very token (``data/channel_eng_tokens.tsv``: "ngudi"
-> người); all of them are scored at once by the character channel learned from rendered and
OCR'd corpus text (``data/channel_eng.tsv``, `channel_data.VectorChannel`), times
`learned_weight`. Typed text and Vietnamese-model OCR ("clean" lines) are scored with the
``vie`` tables instead. Results are cached per distinct token (tokens repeat a lot).
The hand-set channel (`hand_channel.Channel`) scores them when the learned tables are
missing. The syllables come from the inventory (`inventory.py`); every number that prices
or limits candidates is a field of `settings.CandidateSettings`.
"""

from __future__ import annotations

import copy
import hashlib
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations, product
from pathlib import Path
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline import resources
from pipeline.restore.channel_data import VectorChannel, fold, load_channel, load_token_pairs
from pipeline.restore.hand_channel import Channel, _plain
from pipeline.restore.inventory import load_inventory
from pipeline.restore.settings import CandidateSettings
from pipeline.text.fold import strip_marks
from pipeline.text.syllables import to_official_tone

# --------------------------------------------------------------------------- candidates

# Mark-free skeleton letters for OCR characters, to look spellings up; é is ê or ô.
SKELETON_CHARS = {
    "6": ("o",), "0": ("o",), "&": ("a",), "4": ("a",), "3": ("a",), "¢": ("e",),
    "@": ("o", "e"), "¥": ("y",), "1": ("l",), "5": ("s",), "|": ("",), "?": ("",), "’": ("",),
    "'": ("",), "w": ("u",), "é": ("e", "o"), "è": ("e", "o"), "ü": ("u",), "p": ("p", "d"),
}
# Letter groups an English model makes of one Vietnamese letter (ư -> "if", "ir", "it",
# "t?"; ươ -> "ug"): extra skeletons so that retrieval finds the intended spelling at
# distance 0-1 instead of 2-3.
SKELETON_REWRITES = (
    ("ii", "u"), ("if", "u"), ("ir", "u"), ("it", "u"), ("t?", "u"), ("i?", "u"),
    ("i’", "u"), ("t’", "u"), ("ug", "uo"), ("wo", "uo"), ("w", "uo"), ("tt", "u"), ("ti", "u"),
)
# Scored candidates of the most frequent English-OCR tokens, made by
# tools/precompute_candidates.py: a cold run scores only the rarer tokens itself.
PRECOMPUTED_PATH = resources.location(resources.PRECOMPUTED_CANDIDATES)


def _token_costs(token_pairs: dict[str, dict[str, int]], inventory: frozenset[str],
                 min_count: int, discount: float) -> dict[str, dict[str, float]]:
    """-ln P(OCR token | syllable) of the whole-token readings the pairs saw `min_count` times
    or more, absolutely discounted: a confusion of two letters at once ("là" read "14") is far
    likelier than the character channel's product of two rare substitutions says."""
    totals: dict[str, int] = {}
    for truths in token_pairs.values():
        for truth, count in truths.items():
            totals[truth] = totals.get(truth, 0) + count
    return {ocr: {t: -math.log((c - discount) / totals[t]) for t, c in truths.items()
                  if t in inventory and c >= min_count}
            for ocr, truths in token_pairs.items()}


class LearnedChannel:
    """The channel learned from rendered-and-OCR'd corpus text (`channel_data`): character
    costs for scoring, and the whole-token table for retrieval (what "ciia" was seen to be)."""

    def __init__(self, vector: VectorChannel, token_pairs: dict[str, dict[str, int]],
                 inventory: frozenset[str], weight: float, count_cost_from: float,
                 min_count: int = 1, settings: CandidateSettings | None = None):
        settings = settings or CandidateSettings()
        self.vector = vector
        self.weight = weight
        self.count_cost_from = count_cost_from
        # single-syllable readings only; merges are the tokenizer's business
        self.readings = {
            ocr: [t for t in truths if t in inventory]
            for ocr, truths in token_pairs.items()
        }
        self.token_costs = _token_costs(token_pairs, inventory, min_count,
                                        settings.token_discount)
        self.placeholders = frozenset(
            ocr for ocr, truths in token_pairs.items()
            if ocr.isalpha() and len(truths) >= settings.placeholder_min_readings
            and max(truths.values()) < settings.placeholder_max_share * sum(truths.values()))

    @classmethod
    def load(cls, inventory: Sequence[str], model: str = "eng",
             settings: CandidateSettings | None = None) -> LearnedChannel:
        """`channel_MODEL.tsv` and `channel_MODEL_tokens.tsv`."""
        settings = settings or CandidateSettings()
        table = load_channel(resources.path(resources.channel(model)))
        pairs = load_token_pairs(resources.path(resources.channel_tokens(model)))
        if model == "eng":
            weight, count_cost_from, min_count = (settings.learned_weight,
                                                  settings.token_cost_from, 1)
        else:
            weight, count_cost_from, min_count = (settings.learned_clean_weight, 0.0,
                                                  settings.clean_token_min_count)
        return cls(VectorChannel(table, inventory), pairs, frozenset(inventory), weight,
                   count_cost_from, min_count, settings)

    def seen_as(self, ocr: str) -> list[str]:
        return self.readings.get(fold(ocr), [])


def scoring_fingerprint(spelling_counts: bytes, settings: CandidateSettings) -> str:
    """What the English channel's candidates depend on: the inventory, the channel tables,
    the counts that rank spellings (the LM's, `set_spelling_frequencies`) and every field of
    the candidate settings."""
    digest = hashlib.sha1(spelling_counts)
    for name in (resources.SYLLABLES, resources.channel("eng"), resources.channel_tokens("eng")):
        digest.update(resources.path(name).read_bytes())
    digest.update(settings.fingerprint().encode())
    return digest.hexdigest()[:16]


class Candidate(NamedTuple):
    """A tuple, not a dataclass: tens of thousands are made per page, and a tuple is made
    several times faster."""

    syllable: str  # lower case, NFC, official tones; or the OCR token itself when kept
    cost: float  # channel cost, ~ -ln P(ocr | syllable)
    kept: bool = False  # True for the "leave the token as it is" candidate


def _deletions(text: str, max_d: int) -> set[str]:
    out = {text}
    for d in range(1, min(max_d, len(text)) + 1):
        for drop in combinations(range(len(text)), d):
            out.add("".join(c for k, c in enumerate(text) if k not in drop))
    return out


class CandidateIndex:
    """Syllables grouped by mark-free spelling, plus a symmetric-deletion index on those."""

    def __init__(self, syllables: Iterable[str], channel: Channel,
                 learned: LearnedChannel | None = None,
                 learned_clean: LearnedChannel | None = None,
                 settings: CandidateSettings | None = None):
        self.channel = channel
        self.learned = learned  # English-model OCR
        self.learned_clean = learned_clean  # Vietnamese-model OCR (typed text)
        self.settings = settings or CandidateSettings()
        self.max_candidates = self.settings.max_candidates
        self.syllables = frozenset(syllables)
        self.by_spelling: dict[str, list[str]] = defaultdict(list)
        for s in sorted(self.syllables):
            self.by_spelling[strip_marks(s)].append(s)
        self.deletion_index: dict[str, set[str]] = defaultdict(set)
        for spelling in self.by_spelling:
            for variant in _deletions(spelling, 2):
                self.deletion_index[variant].add(spelling)
        # per spelling: its syllables with the letters that differ from the spelling
        self.marked_letters = {
            spelling: [
                (s, tuple((k, ch) for k, (ch, f) in enumerate(zip(s, spelling, strict=True))
                          if ch != f))
                for s in syllables
            ]
            for spelling, syllables in self.by_spelling.items()
        }
        self._cache: dict[str, tuple[Candidate, ...]] = {}
        self._clean_cache: dict[str, tuple[Candidate, ...]] = {}
        self._scored: dict[tuple[str, bool], tuple[Candidate, ...]] = {}
        self.spelling_prior: dict[str, float] = {}
        self._precomputed: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._inventory = sorted(self.syllables)

    @classmethod
    def load(cls, learned: bool = True,
             settings: CandidateSettings | None = None) -> CandidateIndex:
        """The inventory with the learned channels (their tables are committed), or with the
        hand-set costs only when not `learned`."""
        settings = settings or CandidateSettings()
        inventory = load_inventory()
        models = [LearnedChannel.load(inventory, name, settings) if learned else None
                  for name in resources.OCR_MODELS]
        return cls(inventory, Channel.load(), learned=models[0], learned_clean=models[1],
                   settings=settings)

    def ranked_by(self, count_of) -> CandidateIndex:
        """A copy of this index whose spellings are tried in order of `count_of(syllable)`
        (`set_spelling_frequencies`), with caches of its own; this index is left as it is.
        The tables built from the inventory are shared (they are never changed)."""
        ranked = copy.copy(self)
        ranked._cache, ranked._clean_cache, ranked._scored = {}, {}, {}
        ranked._precomputed = {}
        ranked.set_spelling_frequencies(count_of)
        return ranked

    def is_spelling(self, stripped_lower: str) -> bool:
        """Is this mark-free lower-case string the spelling of some syllable?"""
        return stripped_lower in self.by_spelling

    def is_syllable(self, text: str) -> bool:
        return text.lower() in self.syllables

    def skeletons(self, ocr: str) -> list[str]:
        out = self._char_skeletons(ocr)
        for pattern, replacement in SKELETON_REWRITES:
            if pattern in ocr and len(out) < self.settings.max_skeletons:
                out.extend(self._char_skeletons(ocr.replace(pattern, replacement)))
        return list(dict.fromkeys(out))[: self.settings.max_skeletons]

    def _char_skeletons(self, ocr: str) -> list[str]:
        options = []
        for ch in ocr:
            mapped = SKELETON_CHARS.get(ch)
            options.append(mapped if mapped is not None else (_plain(ch),))
        out = []
        for combo in product(*options):
            out.append("".join(combo))
            if len(out) >= 2:
                break
        return out

    def spellings_near(self, ocr: str, limit: int | None = None) -> list[str]:
        """Spellings within deletion distance 1 (short skeletons) or 2 of a skeleton of the
        token, the `limit` closest by plain Levenshtein distance (computed in C)."""
        distance: dict[str, int] = {}
        for skeleton in self.skeletons(ocr):
            max_d = 1 if len(skeleton) <= 3 else 2
            found: set[str] = set()
            for variant in _deletions(skeleton, max_d):
                found.update(self.deletion_index.get(variant, ()))
            for spelling in found:
                d = Levenshtein.distance(skeleton, spelling)
                if d < distance.get(spelling, 99):
                    distance[spelling] = d
        prior = self.spelling_prior
        n = len(ocr)
        ranked = sorted([(d - prior.get(s, 0.0), abs(len(s) - n), s) for s, d in distance.items()])
        return [s for *_, s in ranked[: limit or self.settings.spellings_limit]]

    def set_spelling_frequencies(self, count_of) -> None:
        """Let frequent spellings be tried first: `count_of(syllable)` from the LM corpus.
        (Only which spellings get aligned depends on it, not their channel costs.)"""
        totals: dict[str, int] = defaultdict(int)
        for spelling, syllables in self.by_spelling.items():
            for s in syllables:
                totals[spelling] += count_of(s)
        self.spelling_prior = {s: 0.25 * math.log10(c + 1) for s, c in totals.items()}
        self._cache.clear()
        self._clean_cache.clear()
        self._scored.clear()

    def use_precomputed(self, path: Path, fingerprint: str) -> bool:
        """Take the scored candidates stored by `save_precomputed` when they were made with
        what this index scores with (same fingerprint); else keep scoring everything."""
        if not path.exists():
            return False
        with np.load(path, allow_pickle=False) as z:
            if str(z["fingerprint"]) != fingerprint:
                return False
            keys = z["keys"].tobytes().decode("utf-8").split("\n")
            bounds, ids, costs = z["bounds"], z["ids"], z["costs"]
        self._precomputed = {key: (ids[bounds[k]:bounds[k + 1]], costs[bounds[k]:bounds[k + 1]])
                             for k, key in enumerate(keys)}
        return True

    def save_precomputed(self, path: Path, keys: Sequence[str], fingerprint: str) -> None:
        """Score the English-OCR tokens `keys` (folded) and store them for `use_precomputed`."""
        where = {s: i for i, s in enumerate(self._inventory)}
        ids, costs, bounds = [], [], [0]
        for key in keys:
            scored = self._score_syllables(key, self.learned)
            ids.extend(where[c.syllable] for c in scored)
            costs.extend(c.cost for c in scored)
            bounds.append(len(ids))
        np.savez_compressed(
            path, fingerprint=np.array(fingerprint),
            keys=np.frombuffer("\n".join(keys).encode("utf-8"), dtype=np.uint8),
            bounds=np.array(bounds, dtype=np.int32), ids=np.array(ids, dtype=np.uint16),
            costs=np.array(costs, dtype=np.float64))  # exact: the same choices as unstored

    def _unpack(self, ids: np.ndarray, costs: np.ndarray) -> tuple[Candidate, ...]:
        inventory = self._inventory
        return tuple(Candidate(inventory[i], c) for i, c in zip(ids.tolist(), costs.tolist(),
                                                                strict=True))

    def candidates(self, ocr_token: str, clean: bool = False) -> tuple[Candidate, ...]:
        """Ranked candidates (cheapest first) for one OCR token, cached per token; the
        token itself comes last (kept = True) when it is not a syllable. `clean`: the token
        is from typed text or Vietnamese-model OCR, scored by that model's channel."""
        learned = self.learned_clean if clean and self.learned_clean else self.learned
        cache = self._clean_cache if learned is not self.learned else self._cache
        cached = cache.get(ocr_token)
        if cached is None:
            ocr = to_official_tone(unicodedata.normalize("NFC", ocr_token).lower())
            if learned is not None:
                # the learned channel reads the token as OCR wrote it ("thué": é is ế)
                key = fold(ocr_token)
            else:
                # P stays upper case: it is how English OCR reads a capital Đ (Pang = Đảng)
                key = "P" + ocr[1:] if ocr_token[:1] == "P" else ocr
            scored = self._scored.get((key, clean))
            if scored is None:
                stored = self._precomputed.get(key) if learned is self.learned else None
                scored = (self._unpack(*stored) if stored is not None
                          else self._score_syllables(key, learned))
                self._scored[key, clean] = scored
            cached = scored
            if ocr not in self.syllables:
                cached = (*scored, Candidate(ocr_token, self.channel.keep_unknown, kept=True))
            if len(cache) > 200_000:
                cache.clear()
            cache[ocr_token] = cached
        return cached

    def _score_syllables(self, ocr: str, learned: LearnedChannel | None) -> tuple:
        if learned is not None:
            return self._score_learned(ocr, learned)
        return self._score_hand(ocr)

    def _score_learned(self, ocr: str, learned: LearnedChannel) -> tuple[Candidate, ...]:
        """Every syllable of the near spellings, and every syllable the OCR pairs saw read
        as this token, scored by the learned channel in one vectorised pass."""
        near = self.spellings_near(ocr, self.settings.spellings_limit)
        pool = [s for spelling in near for s in self.by_spelling[spelling]]
        pool.extend(learned.seen_as(ocr))
        official = to_official_tone(ocr)
        if official in self.syllables:
            pool.append(official)
        pool = list(dict.fromkeys(pool))
        if not pool:
            return ()
        costs = learned.vector.costs(pool, ocr)
        seen = learned.token_costs.get(ocr)
        if seen:
            by_count = np.array([seen.get(s, np.inf) for s in pool])
            costs = np.where(costs > learned.count_cost_from, np.minimum(costs, by_count), costs)
        if official != ocr:
            # typed text in the old tone style ("hoà") is read as its official form too
            costs = np.minimum(costs, learned.vector.costs(pool, official))
        costs = learned.weight * costs
        if official in self.syllables:
            # a syllable as it stands is always a cheap reading of itself: marks English OCR
            # seldom writes ("à", "ở") are rare in its channel, yet right when they appear;
            # and it is a little cheaper than its equally likely tone variants, so that
            # restored text (where "a" was chosen over "à") stays as it is
            where = pool.index(official)
            identity_cost = self.settings.identity_cost
            costs[where] = min(costs[where], identity_cost) - self.settings.identity_bias
        order = np.argsort(costs, kind="stable")[: self.max_candidates].tolist()
        values = costs.tolist()
        return tuple([Candidate(pool[k], values[k]) for k in order])

    def _score_hand(self, ocr: str) -> tuple[Candidate, ...]:
        channel = self.channel
        mark_cost = channel.mark_cost
        scored: dict[str, float] = {}
        for spelling in self.spellings_near(ocr.lower()):
            letter_cost, chunks = channel.align(spelling, ocr)
            if letter_cost > self.settings.max_letter_cost:
                continue
            # marks priced once for the bare spelling, then corrected where a syllable
            # differs from it (one or two letters)
            bare = [mark_cost(f, c) if f != c else 0.0 for f, c in zip(spelling, chunks,
                                                                       strict=True)]
            base = letter_cost + sum(bare)
            for syllable, marked in self.marked_letters[spelling]:
                cost = base
                for pos, ch in marked:
                    chunk = chunks[pos]
                    cost += (mark_cost(ch, chunk) if ch != chunk else 0.0) - bare[pos]
                if cost < scored.get(syllable, float("inf")):
                    scored[syllable] = cost
        ranked = sorted(scored.items(), key=lambda kv: (kv[1], kv[0]))[: self.max_candidates]
        return tuple(Candidate(s, c) for s, c in ranked)

"""Syllable inventory, candidate index and OCR channel costs.

For an OCR token ("tuyén", "s6", "caa", "Pang") we want the Vietnamese syllables it may
have been, each with a channel cost ~ -ln P(token | syllable).

Learned channel (the default, `LearnedChannel`): the pool is every syllable of the
`SPELLINGS_LIMIT` nearest mark-free spellings (symmetric deletion index, below) plus every
syllable the OCR pairs saw read as this very token (``data/channel_eng_tokens.tsv``: "ngudi"
-> người); all of them are scored at once by the character channel learned from rendered and
OCR'd corpus text (``data/channel_eng.tsv``, `channel_data.VectorChannel`), times
`LEARNED_WEIGHT`. Typed text and Vietnamese-model OCR ("clean" lines) are scored with the
``vie`` tables instead. Results are cached per distinct token (tokens repeat a lot).

Hand-set channel (fallback when the learned tables are missing; two stages):

1. letters: the token is mapped to a few mark-free skeletons ("s6" -> "so"); a symmetric
   deletion index over the mark-stripped spellings of all syllables gives the spellings
   within distance 1-2; a small weighted edit distance (costs in
   ``data/ocr_channel_costs.json``) aligns each spelling with the raw token;
2. marks: every toned syllable with that spelling is scored by comparing its marked letters
   with the token characters aligned to them (é for ê is cheap, 6 for ố is cheap, an
   added tone is dear).

The inventory (``data/vi_syllables.txt``) is generated from onsets x rhymes x tones with
Vietnamese phonotactics and kept where hunspell's syllable list or the LM corpus attests it
(`build_inventory`); it is lower case, NFC, official tone placement.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import combinations, product
from pathlib import Path
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline import resources
from pipeline.restore.channel_data import VectorChannel, fold, load_channel, load_token_pairs
from pipeline.text.fold import strip_marks
from pipeline.text.syllables import TONES, place_tone, to_official_tone

INVENTORY_PATH = resources.location(resources.SYLLABLES)  # where tools write the inventory

# --------------------------------------------------------------------------- inventory

ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)
OPEN_RHYMES = (
    "a", "e", "ê", "i", "y", "o", "ô", "ơ", "u", "ư", "ai", "ao", "au", "ay", "âu", "ây", "eo",
    "êu", "ia", "iu", "oa", "oai", "oay", "oe", "oi", "ôi", "ơi", "ua", "uây", "uê", "ui",
    "uy", "uya", "uyu", "ưa", "ưi", "ưu", "ươi", "ươu", "uôi", "uơ", "iêu", "yêu", "oao",
    "oeo",
)
# nucleus -> the codas it takes
CLOSED_RHYMES = {
    "a": "m n ng nh p t c ch", "ă": "m n ng p t c", "â": "m n ng p t c",
    "e": "m n ng p t c", "ê": "m n nh p t ch", "i": "m n nh p t ch", "y": "m n nh p t ch",
    "o": "m n ng p t c", "oo": "ng c", "ô": "m n ng p t c", "ơ": "m n p t",
    "u": "m n ng p t c", "ư": "m n ng t c", "iê": "m n ng p t c", "yê": "m n ng p t c",
    "oa": "m n ng nh p t c ch", "oă": "m n ng t c", "uâ": "n ng t", "oe": "n t",
    "uê": "nh ch", "uy": "n nh t ch", "uyê": "n t", "uô": "m n ng t c",
    "ươ": "m n ng p t c",
}
STOP_CODAS = ("p", "t", "c", "ch")  # checked syllables take only sắc or nặng
_FRONT = ("i", "e", "ê", "y")


def rhymes() -> list[str]:
    return list(OPEN_RHYMES) + [
        nucleus + coda for nucleus, codas in CLOSED_RHYMES.items() for coda in codas.split()
    ]


def onset_fits(onset: str, rhyme: str) -> bool:
    """Spelling rules: k/gh/ngh before front vowels, c/g/ng elsewhere; qu takes no o/u."""
    if onset in ("k", "gh", "ngh"):
        return rhyme.startswith(_FRONT)
    if onset in ("c", "g", "ng"):
        return not rhyme.startswith(("e", "ê")) and not (onset == "c" and rhyme[0] in "iy")
    if onset == "qu":
        return not rhyme.startswith(("o", "u", "ư"))
    if onset == "gi":
        return not rhyme.startswith(("i", "y"))
    return True


def generate_syllables() -> set[str]:
    """Every phonotactically possible syllable (about 19k), official tone placement."""
    out = set()
    for onset in ONSETS:
        for rhyme in rhymes():
            if not onset_fits(onset, rhyme):
                continue
            tones = ("s", "j") if rhyme.endswith(STOP_CODAS) else ("", "s", "f", "r", "x", "j")
            out.update(place_tone(onset + rhyme, tone) for tone in tones)
    return out


def build_inventory(attested: Iterable[str]) -> list[str]:
    """Generated syllables that some word list or corpus attests, sorted."""
    seen = {to_official_tone(unicodedata.normalize("NFC", s.strip())).lower() for s in attested}
    return sorted(generate_syllables() & seen)


def load_inventory(path: Path | None = None) -> list[str]:
    path = path if path is not None else resources.path(resources.SYLLABLES)
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s for s in lines if s and not s.startswith("#")]


# --------------------------------------------------------------------------- channel

_MODIFIERS = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}
VOWEL_LETTERS = set("aeiouy")


@lru_cache(maxsize=4096)
def decompose(ch: str) -> tuple[str, str, str]:
    """One lower-case letter -> (base, modifier, tone): 'ế' -> ('e', '^', 's')."""
    if ch == "đ":
        return "d", "-", ""
    base, modifier, tone = "", "", ""
    for part in unicodedata.normalize("NFD", ch):
        if part in TONES:
            tone = TONES[part]
        elif part in _MODIFIERS:
            modifier = _MODIFIERS[part]
        elif unicodedata.combining(part):
            modifier = "?"  # a Latin-1 mark Vietnamese does not use (ä, ë)
        else:
            base += part
    return base, modifier, tone


@lru_cache(maxsize=4096)
def family(ch: str) -> str:
    """The letter without its tone: 'ế' -> 'ê', 'ạ' -> 'a'."""
    return strip_tone_letter(ch)


def strip_tone_letter(ch: str) -> str:
    return unicodedata.normalize(
        "NFC", "".join(p for p in unicodedata.normalize("NFD", ch) if p not in TONES)
    )


class Channel:
    """Costs of the English-OCR channel, from the JSON table."""

    def __init__(self, table: dict):
        letter, marks = table["letter"], table["marks"]
        self.default_vv = letter["default_vowel_vowel"]
        self.default_cc = letter["default_consonant_consonant"]
        self.default_other = letter["default_other"]
        self.insert_cost = letter["insert"]
        self.delete_cost = letter["delete"]
        self.delete_initial = letter["delete_initial"]
        self.initial_extra = letter["initial_extra"]
        self.cheap_insert = letter["cheap_insert"]
        self.cheap_delete = letter["cheap_delete"]
        self.single_subs: dict[tuple[str, str], float] = {}
        # multi-letter rules indexed by their OCR side: ocr -> [(intended, cost)]
        self.multi_by_ocr: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for key, cost in letter["substitutions"].items():
            intended, ocr = key.split(">")
            if len(intended) == 1 and len(ocr) == 1:
                self.single_subs[intended, ocr] = cost
            else:
                self.multi_by_ocr[ocr].append((intended, cost))
        self.max_ocr_rule = max((len(o) for o in self.multi_by_ocr), default=1)
        self.tone_drop = marks["tone_drop"]
        self.tone_add = marks["tone_add"]
        self.tone_swap = marks["tone_swap"]
        self.modifier_drop = marks["modifier_drop"]
        self.modifier_add = marks["modifier_add"]
        self.modifier_swap = marks["modifier_swap"]
        self.lookalikes = marks["family_lookalikes"]
        self.chunks = marks["chunks"]
        self.keep_unknown = table["keep_unknown"]
        self.clean_text_change = table["clean_text_change"]
        self._mark_cache: dict[tuple[str, str], float] = {}
        self._sub_cache: dict[tuple[str, str], float] = {}
        self._ocr_cache: dict[str, tuple] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> Channel:
        path = path if path is not None else resources.path(resources.HAND_CHANNEL)
        return cls(json.loads(path.read_text(encoding="utf-8")))

    # letters ------------------------------------------------------------------------
    def letter_sub(self, intended: str, ocr: str) -> float:
        if intended == ocr:
            return 0.0
        cost = self.single_subs.get((intended, ocr))
        if cost is not None:
            return cost
        plain = _plain(ocr)
        if plain == intended:
            return 0.0  # same letter, marks differ: priced by the mark stage
        cost = self.single_subs.get((intended, plain))
        if cost is not None:
            return cost
        i_vowel, o_vowel = intended in VOWEL_LETTERS, plain in VOWEL_LETTERS
        if i_vowel and o_vowel:
            return self.default_vv
        if not i_vowel and not o_vowel and plain.isalpha():
            return self.default_cc
        return self.default_other

    def align(self, spelling: str, ocr: str) -> tuple[float, list[str]]:
        """Weighted edit distance of an intended mark-free spelling and a raw OCR token,
        with the OCR chunk aligned to every letter of the spelling ('' if dropped)."""
        insert_costs, rules_at = self._ocr_tables(ocr)
        n, m = len(spelling), len(ocr)
        inf = float("inf")
        sub = self._sub_cache
        dele, cheap_delete = self.delete_cost, self.cheap_delete
        dist = [[inf] * (m + 1) for _ in range(n + 1)]
        back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
        row0 = dist[0]
        row0[0] = 0.0
        for j in range(1, m + 1):
            row0[j] = row0[j - 1] + insert_costs[j - 1] + (self.initial_extra if j == 1 else 0.0)
            back[0][j] = (0, j - 1)
        initial = self.initial_extra
        for i in range(1, n + 1):
            f = spelling[i - 1]
            row, prev = dist[i], dist[i - 1]
            brow = back[i]
            # OCR seldom loses a word's first letter
            del_f = self.delete_initial if i == 1 else cheap_delete.get(f, dele)
            row[0] = prev[0] + del_f
            brow[0] = (i - 1, 0)
            for j in range(1, m + 1):
                key = (f, ocr[j - 1])
                c_sub = sub.get(key)
                if c_sub is None:
                    c_sub = sub[key] = self.letter_sub(f, ocr[j - 1])
                if i == 1 and j == 1 and c_sub >= self.default_vv:
                    c_sub += initial  # a first letter misread beyond the known confusions
                best, arg = prev[j - 1] + c_sub, (i - 1, j - 1)
                c = prev[j] + del_f
                if c < best:
                    best, arg = c, (i - 1, j)
                c = row[j - 1] + insert_costs[j - 1] + (initial if i == 0 or j == 1 else 0.0)
                if c < best:
                    best, arg = c, (i, j - 1)
                for intended, k, length, cost in rules_at[j]:
                    if k <= i and spelling[i - k : i] == intended:
                        c = dist[i - k][j - length] + cost
                        if c < best:
                            best, arg = c, (i - k, j - length)
                row[j] = best
                brow[j] = arg
        chunks = [""] * n
        i, j = n, m
        while i or j:
            pi, pj = back[i][j]
            piece = ocr[pj:j]
            if i - pi == j - pj:
                for k in range(i - pi):
                    chunks[pi + k] = piece[k]
            else:
                for k in range(pi, i):
                    chunks[k] = piece
            i, j = pi, pj
        return dist[n][m], chunks

    def _ocr_tables(self, ocr: str) -> tuple[list[float], list[list[tuple]]]:
        """Per OCR token: insertion costs and the multi-letter rules ending at each j."""
        tables = self._ocr_cache.get(ocr)
        if tables is None:
            insert_costs = [self.cheap_insert.get(ch, self.insert_cost) for ch in ocr]
            rules_at: list[list[tuple]] = [[] for _ in range(len(ocr) + 1)]
            for j in range(1, len(ocr) + 1):
                for length in range(1, min(j, self.max_ocr_rule) + 1):
                    for intended, cost in self.multi_by_ocr.get(ocr[j - length : j], ()):
                        rules_at[j].append((intended, len(intended), length, cost))
            tables = self._ocr_cache[ocr] = (insert_costs, rules_at)
            if len(self._ocr_cache) > 100_000:
                self._ocr_cache.clear()
        return tables

    # marks --------------------------------------------------------------------------
    def mark_cost(self, intended: str, chunk: str) -> float:
        """Cost of an intended (marked) letter having been read as `chunk`."""
        key = (intended, chunk)
        cost = self._mark_cache.get(key)
        if cost is None:
            cost = self._mark_cost(intended, chunk)
            self._mark_cache[key] = cost
        return cost

    def _mark_cost(self, intended: str, chunk: str) -> float:
        if chunk == intended or not chunk:
            return 0.0
        base, modifier, tone = decompose(intended)
        fam = family(intended)
        table = self.chunks.get(chunk)
        if len(chunk) > 1:
            # "ii" for ủ, "if" for ư: a table when the group betrays the mark, else no trace
            return table.get(intended, table.get(fam, table["*"])) if table else 0.0
        o_base, o_modifier, o_tone = decompose(chunk)
        if table is not None and o_base != base:
            return table.get(intended, table.get(fam, table["*"]))
        looks = self.lookalikes.get(fam, {}).get(chunk)
        if looks is not None:
            return looks + (self.tone_drop.get(tone, 0.0) if not o_tone else 0.0)
        return self._modifier_cost(modifier, o_modifier) + self._tone_cost(tone, o_tone)

    def _modifier_cost(self, intended: str, ocr: str) -> float:
        if intended == ocr:
            return 0.0
        if not ocr:
            return self.modifier_drop.get(intended, 0.3)
        return self.modifier_add if not intended else self.modifier_swap

    def _tone_cost(self, intended: str, ocr: str) -> float:
        if intended == ocr:
            return 0.0
        if not ocr:
            return self.tone_drop[intended]
        return self.tone_add if not intended else self.tone_swap


@lru_cache(maxsize=4096)
def _plain(ch: str) -> str:
    return strip_marks(ch).lower()


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
MAX_SKELETONS = 6
IDENTITY_COST = 1.0  # most a syllable token pays for staying as it is (tuned on dev)
IDENTITY_BIAS = 0.6  # see `_score_learned`; no effect on dev accuracy (tested 0.1-0.6)
SPELLINGS_LIMIT = 16  # spellings aligned per OCR token
MAX_LETTER_COST = 3.5  # beyond this a spelling is not worth the decoder's time


# Scored candidates of the most frequent English-OCR tokens, made by
# tools/precompute_candidates.py: a cold run scores only the rarer tokens itself.
PRECOMPUTED_PATH = resources.location(resources.PRECOMPUTED_CANDIDATES)
# The vie channel's -ln P against the LM's, in clean text (with `clean_text_change`): tuned on
# the realistic vie dev set (make bench-restore-real), correct text >= 99.9% unchanged.
LEARNED_CLEAN_WEIGHT = 0.45
LEARNED_WEIGHT = 0.55  # the table's -ln P against the LM's: tuned on the dev set
TOKEN_DISCOUNT = 1.0  # subtracted from a whole-token count (`_token_costs`)
# English OCR: a whole-token reading's count prices it only when the character channel
# finds it dearer than this (-ln P; "14" for "là"): elsewhere the counts of our rendered
# pages would be sharper than a real scan's letter confusions ("tang" is "tảng" in them,
# never "tổng"). The Vietnamese model's slips are marks its counts know well ("đối" for
# "đổi"): there they always count.
TOKEN_COST_FROM = 4.0
# The vie model's counts price every reading they saw this often (see `TOKEN_COST_FROM`);
# rarer ones are a page or two of the pairs ("đặt" read "đất" 4 times, on 100-150 dpi
# scans), priced by the character channel instead.
CLEAN_TOKEN_MIN_COUNT = 5
# An OCR token the pairs show standing for many different syllables, none of them often
# ("ae", "ee", "oe"): what English OCR writes for a word it could not read at all.
PLACEHOLDER_MIN_READINGS = 5
PLACEHOLDER_MAX_SHARE = 0.25


def _token_costs(token_pairs: dict[str, dict[str, int]], inventory: frozenset[str],
                 min_count: int = 1) -> dict[str, dict[str, float]]:
    """-ln P(OCR token | syllable) of the whole-token readings the pairs saw `min_count` times
    or more, absolutely discounted: a confusion of two letters at once ("là" read "14") is far
    likelier than the character channel's product of two rare substitutions says."""
    totals: dict[str, int] = {}
    for truths in token_pairs.values():
        for truth, count in truths.items():
            totals[truth] = totals.get(truth, 0) + count
    return {ocr: {t: -math.log((c - TOKEN_DISCOUNT) / totals[t]) for t, c in truths.items()
                  if t in inventory and c >= min_count}
            for ocr, truths in token_pairs.items()}


class LearnedChannel:
    """The channel learned from rendered-and-OCR'd corpus text (`channel_data`): character
    costs for scoring, and the whole-token table for retrieval (what "ciia" was seen to be)."""

    def __init__(self, vector: VectorChannel, token_pairs: dict[str, dict[str, int]],
                 inventory: frozenset[str], weight: float = LEARNED_WEIGHT,
                 count_cost_from: float = TOKEN_COST_FROM, min_count: int = 1):
        self.vector = vector
        self.weight = weight
        self.count_cost_from = count_cost_from
        # single-syllable readings only; merges are the tokenizer's business
        self.readings = {
            ocr: [t for t in truths if t in inventory]
            for ocr, truths in token_pairs.items()
        }
        self.token_costs = _token_costs(token_pairs, inventory, min_count)
        self.placeholders = frozenset(
            ocr for ocr, truths in token_pairs.items()
            if ocr.isalpha() and len(truths) >= PLACEHOLDER_MIN_READINGS
            and max(truths.values()) < PLACEHOLDER_MAX_SHARE * sum(truths.values()))

    @classmethod
    def load(cls, inventory: Sequence[str], model: str = "eng") -> LearnedChannel:
        """`channel_MODEL.tsv` and `channel_MODEL_tokens.tsv`."""
        table = load_channel(resources.path(resources.channel(model)))
        pairs = load_token_pairs(resources.path(resources.channel_tokens(model)))
        if model == "eng":
            weight, count_cost_from, min_count = LEARNED_WEIGHT, TOKEN_COST_FROM, 1
        else:
            weight, count_cost_from, min_count = LEARNED_CLEAN_WEIGHT, 0.0, CLEAN_TOKEN_MIN_COUNT
        return cls(VectorChannel(table, inventory), pairs, frozenset(inventory), weight,
                   count_cost_from, min_count)

    def seen_as(self, ocr: str) -> list[str]:
        return self.readings.get(fold(ocr), [])


def scoring_fingerprint(spelling_counts: bytes) -> str:
    """What the English channel's candidates depend on: the inventory, the channel tables,
    the counts that rank spellings (the LM's, `set_spelling_frequencies`) and the scoring
    constants."""
    import hashlib

    digest = hashlib.sha1(spelling_counts)
    for name in (resources.SYLLABLES, resources.channel("eng"), resources.channel_tokens("eng")):
        digest.update(resources.path(name).read_bytes())
    digest.update(repr((LEARNED_WEIGHT, IDENTITY_COST, IDENTITY_BIAS, SPELLINGS_LIMIT,
                        MAX_SKELETONS, TOKEN_DISCOUNT, TOKEN_COST_FROM)).encode())
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

    def __init__(self, syllables: Iterable[str], channel: Channel, max_candidates: int = 64,
                 learned: LearnedChannel | None = None,
                 learned_clean: LearnedChannel | None = None):
        self.channel = channel
        self.learned = learned  # English-model OCR
        self.learned_clean = learned_clean  # Vietnamese-model OCR (typed text)
        self.max_candidates = max_candidates
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
    def load(cls, learned: bool = True) -> CandidateIndex:
        """The inventory with the learned channels (their tables are committed), or with the
        hand-set costs only when not `learned`."""
        inventory = load_inventory()
        models = [LearnedChannel.load(inventory, name) if learned else None
                  for name in resources.OCR_MODELS]
        return cls(inventory, Channel.load(), learned=models[0], learned_clean=models[1])

    def is_spelling(self, stripped_lower: str) -> bool:
        """Is this mark-free lower-case string the spelling of some syllable?"""
        return stripped_lower in self.by_spelling

    def is_syllable(self, text: str) -> bool:
        return text.lower() in self.syllables

    def skeletons(self, ocr: str) -> list[str]:
        out = self._char_skeletons(ocr)
        for pattern, replacement in SKELETON_REWRITES:
            if pattern in ocr and len(out) < MAX_SKELETONS:
                out.extend(self._char_skeletons(ocr.replace(pattern, replacement)))
        return list(dict.fromkeys(out))[:MAX_SKELETONS]

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

    def spellings_near(self, ocr: str, limit: int = SPELLINGS_LIMIT) -> list[str]:
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
        return [s for *_, s in ranked[:limit]]

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
        near = self.spellings_near(ocr, SPELLINGS_LIMIT)
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
            costs[where] = min(costs[where], IDENTITY_COST) - IDENTITY_BIAS
        order = np.argsort(costs, kind="stable")[: self.max_candidates].tolist()
        values = costs.tolist()
        return tuple([Candidate(pool[k], values[k]) for k in order])

    def _score_hand(self, ocr: str) -> tuple[Candidate, ...]:
        channel = self.channel
        mark_cost = channel.mark_cost
        scored: dict[str, float] = {}
        for spelling in self.spellings_near(ocr.lower()):
            letter_cost, chunks = channel.align(spelling, ocr)
            if letter_cost > MAX_LETTER_COST:
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

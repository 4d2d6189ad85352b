"""The hand-set English-OCR channel (``data/ocr_channel_costs.json``): the fallback scoring of
candidates when the learned tables are missing, and the letter decomposition both use.

Two stages: letters (a small weighted edit distance aligns a mark-free spelling with the raw
OCR token, with multi-letter rules such as "ii" for "u") and marks (every marked letter of a
syllable is compared with the token characters aligned to it: é for ê is cheap, 6 for ố is
cheap, an added tone is dear).
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from pipeline import resources
from pipeline.text.fold import strip_marks
from pipeline.text.syllables import TONES

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

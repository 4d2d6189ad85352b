"""The syllable inventory: every phonotactically possible Vietnamese syllable (onsets x
rhymes x tones) that a word list or the LM corpus attests.

The inventory (``data/vi_syllables.txt``, tools/build_syllable_inventory.py) is generated
from onsets x rhymes x tones with Vietnamese phonotactics and kept where hunspell's syllable
list or the LM corpus attests it (`build_inventory`); it is lower case, NFC, official tone
placement.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipeline import resources
from pipeline.text.syllables import place_tone, split_tone, to_official_tone

INVENTORY_PATH = resources.location(resources.SYLLABLES)  # where tools write the inventory

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


@lru_cache(maxsize=1)
def _rhyme_set() -> frozenset[str]:
    return frozenset(rhymes())


@lru_cache(maxsize=1 << 14)
def is_well_formed(syllable: str) -> bool:
    """Whether a (lower case) syllable is one `generate_syllables` makes: a possible
    Vietnamese syllable, attested or not ("bưởng" is, "nguời" is not)."""
    letters, tone = split_tone(syllable)
    if to_official_tone(syllable) != unicodedata.normalize("NFC", syllable):
        return False
    for onset in ONSETS:
        rhyme = letters[len(onset):]
        if (letters.startswith(onset) and rhyme in _rhyme_set() and onset_fits(onset, rhyme)
                and (tone in ("s", "j") or not rhyme.endswith(STOP_CODAS))):
            return True
    return False


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

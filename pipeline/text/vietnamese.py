"""Whether a text reads as Vietnamese: its words counted against the syllable inventory.

For ingest (is this text file in a legacy font encoding?) and ocr (is this PDF text layer
worth keeping?); the restorer has its own, richer view of syllables. Two figures tell typed
Vietnamese from text that only looks like it:
- the share of words carrying a Vietnamese mark (a tone, â ă ê ô ơ ư, đ): 80-87% of the
  words of the realscans gold pages; English-model OCR of a Vietnamese plan ("Uy ban nhan
  dan", samples/plan_ngoc_lien.ocr.txt) has 20%;
- the share of words that are Vietnamese syllables (`data/vi_syllables.txt`): 87-99% of the
  gold pages, 52% of that English OCR; legacy-encoded text read as Latin-1 ("§iÒu",
  "ng­êi") has few.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import regex

from pipeline import resources
from pipeline.text.lookalikes import D_WITH_STROKE
from pipeline.text.syllables import TONES, VIETNAMESE_MARKS

# Text reads as Vietnamese when at least this many of its words...
MIN_WORDS = 8
# ... carry marks this often (figures above) ...
MIN_MARKED_SHARE = 0.5
# ... and are syllables this often (names, codes such as "UBND" and e-mail addresses are not).
MIN_VALID_SHARE = 0.7

_WORD = regex.compile(r"\p{L}+")
# A tone on the last vowel of an open oa/oe/uy syllable, the style official documents do
# not use (hoà, thuỷ for hòa, thủy), in decomposed lower case.
_OLD_STYLE_TONE = regex.compile(rf"^(.*[ou])([aey])([{''.join(TONES)}])$")


@dataclass(frozen=True)
class WordCounts:
    words: int  # runs of letters
    marked: int  # words with a Vietnamese mark
    valid: int  # words that are Vietnamese syllables
    marked_valid: int  # marked words that are syllables

    @property
    def invalid(self) -> int:
        return self.words - self.valid

    @property
    def marked_share(self) -> float:
        return self.marked / self.words if self.words else 0.0

    @property
    def valid_share(self) -> float:
        return self.valid / self.words if self.words else 0.0

    def describe(self) -> str:
        """'412 words, 68% marked, 95% syllables', for the record."""
        return (f"{self.words} words, {self.marked_share:.0%} marked, "
                f"{self.valid_share:.0%} syllables")


@cache
def syllables() -> frozenset[str]:
    """The inventory: lower case, NFC, official tone placement."""
    lines = resources.read_text(resources.SYLLABLES).splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_syllable(word: str) -> bool:
    """A Vietnamese syllable in any case, either tone placement ('Hoà' as well as 'Hòa')."""
    lower = unicodedata.normalize("NFC", word.lower())
    if lower in syllables():
        return True
    moved = _OLD_STYLE_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", lower))
    return unicodedata.normalize("NFC", moved) in syllables()


def is_marked(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word)
    return any(ch in VIETNAMESE_MARKS or ch in D_WITH_STROKE for ch in decomposed)


def count_words(text: str) -> WordCounts:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    marked = [is_marked(word) for word in words]
    valid = [is_syllable(word) for word in words]
    return WordCounts(
        words=len(words), marked=sum(marked), valid=sum(valid),
        marked_valid=sum(m and v for m, v in zip(marked, valid, strict=True)),
    )


def reads_as_vietnamese(counts: WordCounts, min_words: int = MIN_WORDS) -> bool:
    return (counts.words >= min_words and counts.marked_share >= MIN_MARKED_SHARE
            and counts.valid_share >= MIN_VALID_SHARE)

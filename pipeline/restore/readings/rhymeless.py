"""A bare onset ("s", "th") is a syllable whose marked rhyme English OCR lost ("Kế hoạch s
12/KH" = số): its most frequent syllables join the word's pool at `rhymeless_cost`, and the
LM picks. Works on the pool before pre-ranking (`word_candidates.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.restore.candidates import Candidate, CandidateIndex
from pipeline.restore.inventory import ONSETS

if TYPE_CHECKING:
    from pipeline.restore.slots import WordSlot
    from pipeline.restore.word_candidates import WordCandidates


def syllables_by_onset(index: CandidateIndex, lm, keep: int) -> dict[str, list[str]]:
    """Onset -> its `keep` most frequent syllables (longest onset wins: "nghị" is ngh-, not
    ng- or n-)."""
    onsets = sorted((o for o in ONSETS if o), key=len, reverse=True)
    groups: dict[str, list[str]] = {o: [] for o in onsets}
    for syllable in index.syllables:
        onset = next((o for o in onsets if syllable.startswith(o)), None)
        if onset is not None and len(syllable) > len(onset):
            groups[onset].append(syllable)
    return {o: sorted(group, key=lambda s: (-lm.count(s), s))[:keep]
            for o, group in groups.items()}


def add_readings(pool: WordSlot, identity: str, words: WordCandidates) -> None:
    """The onset's syllables the pool lacks, when the word (`identity`, lower case, official
    tones) is a bare onset of English-OCR text."""
    if identity not in words.by_onset:
        return
    have = {c.syllable for c in pool.cands}
    extra = [s for s in words.by_onset[identity] if s not in have]
    cost = words.settings.rhymeless_cost
    extra_ids = words.lm.ids(extra)
    pool.extend([Candidate(s, cost) for s in extra], extra_ids,
                cost + words.rarity_by_id[extra_ids])

"""Lexicon terms (`lexicon.Lexicon`, dictionaries/vi_admin_terms.txt): candidates that spell a
term across a window of words get the term's bonus off their cost; a term syllable the
pre-ranking cut away (a rare place name, say) is put back into its slot when the evidence is
strong (a capitalised name). Typed lines search their own candidates only."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.restore.engine import Restorer
    from pipeline.restore.slots import UnitSlots


def add_readings(unit: UnitSlots, restorer: Restorer) -> None:
    lexicon, words = restorer.lexicon, restorer.words
    found = list(unit.word_slots())
    if not found or not lexicon.size:
        return
    ocr_words = [unit.tokenized[li][ti].text for _, li, ti, _ in found]
    # terms may use candidates beyond the decoding width (typed text: only its own)
    cand_sets = [
        frozenset(c.syllable for c in slot.cands if not c.kept) if li in unit.clean_lines
        else words.term_syllables(word)
        for (_, li, _, slot), word in zip(found, ocr_words, strict=True)
    ]
    for (k, syllable), gain in lexicon.bonuses(ocr_words, cand_sets).items():
        _, li, _, slot = found[k]
        where = slot.index_of(syllable)
        if where is None:
            if li in unit.clean_lines or gain < lexicon.bonus:
                continue  # typed text, or weak evidence (not a capitalised name)
            full = restorer.index.candidates(ocr_words[k])[: restorer.settings.lexicon_candidates]
            cand = next(c for c in full if c.syllable == syllable and not c.kept)
            lm_id = int(restorer.lm.id(syllable))
            where = slot.add(cand, lm_id, cand.cost + words.rarity_cost(cand, lm_id))
        slot.costs[where] -= gain

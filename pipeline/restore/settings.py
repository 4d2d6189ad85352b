"""The costs and limits of decoding and of candidate scoring, in one settings object.

`RestoreSettings` is what the `Restorer` decodes with; its `candidates` part
(`CandidateSettings`) is all that candidate scoring reads, and the precomputed candidates
(`data/candidates_eng.npz`) are keyed by a fingerprint of all of that part's fields
(`CandidateSettings.fingerprint`): a field added or changed there makes a stored table stale
without anyone listing it. Costs are in nats (-ln P), like the channel's and the LM's.

Not here: the channels' own costs (learned tables and ``data/ocr_channel_costs.json``), the
lexicon's match weights (`lexicon.py`), the shares that tell typed text (`clean_text.py`) and
the sizes of chunks and decoding units (`chunks.py`, `units.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields


@dataclass(frozen=True, slots=True)
class CandidateSettings:
    """How an OCR token's candidate syllables are found and priced (`candidates.py`)."""

    learned_weight: float = 0.55  # the eng table's -ln P against the LM's: tuned on the dev set
    # The vie channel's -ln P against the LM's, in clean text (with `clean_text_change`): tuned
    # on the realistic vie dev set (make bench-restore-real), correct text >= 99.9% unchanged.
    learned_clean_weight: float = 0.45
    identity_cost: float = 1.0  # most a syllable token pays for staying as it is (tuned on dev)
    identity_bias: float = 0.6  # see `_score_learned`; no effect on dev accuracy (tested 0.1-0.6)
    spellings_limit: int = 16  # spellings aligned per OCR token
    max_skeletons: int = 6  # mark-free skeletons looked up per OCR token
    max_letter_cost: float = 3.5  # hand-set channel: beyond this a spelling is not worth it
    max_candidates: int = 64  # kept per token, cheapest first
    token_discount: float = 1.0  # subtracted from a whole-token count (`_token_costs`)
    # English OCR: a whole-token reading's count prices it only when the character channel
    # finds it dearer than this (-ln P; "14" for "là"): elsewhere the counts of our rendered
    # pages would be sharper than a real scan's letter confusions ("tang" is "tảng" in them,
    # never "tổng"). The Vietnamese model's slips are marks its counts know well ("đối" for
    # "đổi"): there they always count.
    token_cost_from: float = 4.0
    # The vie model's counts price every reading they saw this often (see `token_cost_from`);
    # rarer ones are a page or two of the pairs ("đặt" read "đất" 4 times, on 100-150 dpi
    # scans), priced by the character channel instead.
    clean_token_min_count: int = 5
    # An OCR token the pairs show standing for many different syllables, none of them often
    # ("ae", "ee", "oe"): what English OCR writes for a word it could not read at all.
    placeholder_min_readings: int = 5
    placeholder_max_share: float = 0.25

    def fingerprint(self) -> str:
        """A digest of every field's name and value."""
        values = [(f.name, getattr(self, f.name)) for f in fields(self)]
        return hashlib.sha1(repr(values).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RestoreSettings:
    """Decoding and the extra readings a word may have (`engine.py`, `readings/`)."""

    candidates: CandidateSettings = field(default_factory=CandidateSettings)

    # decoding
    lm_weight: float = 0.7  # tuned on the tan_phu pair and held-out corpus paragraphs
    beam_width: int = 16
    decode_candidates: int = 30  # per word, after pre-ranking by channel cost + unigram
    unigram_weight: float = 0.5  # pre-ranking only
    # syllables seen fewer times in the LM corpus pay ln(rare_count / (count + 1)): their
    # n-grams are overconfident (often typos in the corpus)
    rare_count: int = 800

    # typed text and Vietnamese-model OCR
    # A vie slip changes one mark of a syllable (a tone, a hook or grave lost over a
    # circumflex); a correct word turned into another with two marks changed ("hiến đất" ->
    # "đặt", which the LM liked from "lắp đặt, tháo dỡ") pays this for each mark beyond the
    # first.
    extra_mark_change: float = 1.0

    # glued words (`glue.py`)
    glue_min_prior: float = 0.75  # both halves of a glued word: spellings seen > ~1000 times
    glue_max_single_cost: float = 5.0  # a cheaper one-syllable reading beats splitting it
    glue_max_half_cost: float = 2.5

    # English-OCR junk
    symbol_keep_cost: float = 4.0  # keeping "x&", "D&": no word is written with & ¢ ¥ @ |
    digit_change: float = 1.5  # a short number read as a syllable ("nhà 6 có" = nhà ở có)

    # specks (`readings/specks.py`). A lone consonant is often a word whose rhyme OCR lost
    # ("B" = Bộ), and two letters before a word starting with them may be a word ("da
    # dạng"), so they cost most; vowels ("a", "oe") and a letter read twice before its word
    # ("c cứu") less; a letter alone in the last clause of its line ("Điều này. a") least,
    # as the LM likes a letter alone in a clause (list items "a) ...").
    speck_max_len: int = 2  # word tokens this short may be specks the decoder drops
    speck_cost: float = 6.0
    light_speck_cost: float = 4.0
    last_clause_speck_cost: float = 2.0
    speck_min_reading: float = 2.5  # ... and whose best reading as a syllable costs this

    lookalike_cost: float = 3.0  # "Điều S." read as Điều 5. (`readings/lookalikes.py`)

    # placeholders (`readings/placeholders.py`): the fill_keep of the fill_pool most frequent
    # syllables that fit its neighbours best, each at fill_cost (about a two-letter change)
    fill_pool: int = 300
    fill_keep: int = 20
    fill_cost: float = 6.0

    # a bare onset read as one of its syllables (`readings/rhymeless.py`)
    rhymeless_cost: float = 5.0
    rhymeless_candidates: int = 30

    # person names (`readings/names.py`)
    name_letter_change: float = 4.0  # a person name's syllable read with other letters
    name_form_bonus: float = 5.0  # a surname's and a middle name's usual spelling
    # a Title-case syllable no word list attests, after a word in typed text: a name
    # (`readings/unlisted_names.py`)
    unlisted_name_change: float = 4.0

    # lexicon terms (`readings/lexicon_bonus.py`)
    lexicon_bonus: float = 1.0
    lexicon_candidates: int = 32  # per word, searched for lexicon terms

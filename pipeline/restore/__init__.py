"""Restore stage: English-model OCR of Vietnamese -> Vietnamese (noisy channel + syllable LM).

    restore_document(doc) -> doc             fills restored_lines, quality, cell.restored
    restore_lines(lines) -> (lines, changes)
    default_restorer().judge_lines(lines) -> Restored(lines, changes, doubts, judgements)
    restore_text(text) -> str

The module functions share one default `Restorer` (`engine.py`), loaded on first use with
the default `RestoreSettings` (`settings.py`). Where the parts are:

- `engine.py`: the `Restorer` (tokenising, decoding units, writing the output, documents);
- `tokens.py`, `glue.py`, `units.py`, `chunks.py`, `positions.py`: a line's token skeleton,
  glued syllables, decoding units, long texts in pieces, what a token's neighbours say;
- `candidates.py` (+ `inventory.py`, `hand_channel.py`, `channel_data.py`): the syllables
  an OCR token may have been, with channel costs; `word_candidates.py`: those as a
  decoder slot; `readings/`: the extra readings (specks, look-alikes, placeholders,
  rhymeless onsets, names, lexicon terms, list markers);
- `lm.py` (+ `lm_training.py`), `decoder.py`, `lexicon.py`: the syllable LM, the beam
  Viterbi and the decoder's beliefs, the admin-term lexicon; `clean_text.py`, `casing.py`:
  typed text, output casing;
- `calibration.py`: the decoder's beliefs turned into calibrated confidences (changes,
  their alternatives, and doubts: kept words more likely wrong than right).
"""

from __future__ import annotations

from pipeline.restore.clean_text import looks_clean, marks_changed
from pipeline.restore.engine import (
    Restorer,
    default_restorer,
    restore_document,
    restore_lines,
    restore_text,
)
from pipeline.restore.settings import CandidateSettings, RestoreSettings

__all__ = [
    "CandidateSettings", "RestoreSettings", "Restorer", "default_restorer", "looks_clean",
    "marks_changed", "restore_document", "restore_lines", "restore_text",
]

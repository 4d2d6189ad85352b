"""The restorer: loaded resources (candidate index, LM, lexicon, settings) and the restoring of
lines, texts and documents.

Every line is cut into a token skeleton (`tokens.py`, glued syllables split by `glue.py`);
the skeleton's words, numbers and clause stops form decoding units (`units.py`); each word
gets its candidates (`word_candidates.py`) and the extra readings of `readings/`; a beam
Viterbi with the trigram LM picks the path (`decoder.py`). The output line is the skeleton
with the chosen words put back in the input's casing (`casing.py`), so line count, spacing
and punctuation never change. Every word weighed is judged: the decoder's local belief in it,
calibrated (`calibration.py`), with its runners-up; a change carries both, a kept word below
LOW_CONFIDENCE is a doubt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from pipeline.model import LOW_CONFIDENCE, Alternative, Cell, Change, Document, Doubt
from pipeline.restore import chunks as text_chunks
from pipeline.restore.calibration import (
    CHANGE_CLEAN,
    CHANGE_ENGLISH,
    KEEP_CLEAN,
    KEEP_ENGLISH,
    RULE,
    RULE_RAW,
    Calibration,
)
from pipeline.restore.candidates import PRECOMPUTED_PATH, CandidateIndex, scoring_fingerprint
from pipeline.restore.casing import apply_casing, is_caps_line, official_lower
from pipeline.restore.clean_text import line_is_clean, looks_clean
from pipeline.restore.decoder import Belief, Slot, beam_viterbi_batch, local_beliefs_batch
from pipeline.restore.glue import GlueFinder
from pipeline.restore.keep import KeepMatcher, pinned_slot, without_pinned
from pipeline.restore.lexicon import Lexicon
from pipeline.restore.lm import COMMA_TOKEN
from pipeline.restore.locations import TABLE_CELL_SEPARATOR, KeptWord, located
from pipeline.restore.positions import inside_words, is_list_letter
from pipeline.restore.readings import UNIT_READINGS
from pipeline.restore.readings.list_markers import restore_list_markers
from pipeline.restore.readings.names import person_name_words
from pipeline.restore.settings import RestoreSettings
from pipeline.restore.slots import SPECK, UnitSlots, WordSlot
from pipeline.restore.tokens import Token, restore_protected, split_glued, tokenize_line
from pipeline.restore.units import Position, decoding_units
from pipeline.restore.word_candidates import WordCandidates
from pipeline.text.keep_words import KeepWords, match_key

MAX_ALTERNATIVES = 3  # runners-up shown to a reviewer
BELIEF_TOP = MAX_ALTERNATIVES + 2  # candidates weighed per word (the chosen one, a speck...)


class Judgement(NamedTuple):
    """The restorer's judgement of one word it weighed, changed or kept (plain data: one per
    word of the text). `start` is where `output` begins in the restored line, so the word can
    be put beside its source word (`tools/calibrate_restore.py`)."""

    line: int  # 0-based, as inside the restorer
    start: int
    ocr: str
    output: str
    kind: str  # a `calibration.KINDS`
    raw: float  # the decoder's local posterior (calibration.RULE_RAW for a rule's change)
    confidence: float  # calibrated
    alternatives: tuple[tuple[str, float], ...]  # runners-up (text cased like output, conf)


class Restored(NamedTuple):
    lines: list[str]
    changes: list[Change]
    doubts: list[Doubt]  # kept words whose calibrated confidence is below LOW_CONFIDENCE
    judgements: list[Judgement]


class _Weighed(NamedTuple):
    """The decoder's view of one word slot, kept until the output is final."""

    belief: Belief
    slot: WordSlot
    choice: int
    clean: bool  # typed text or Vietnamese-model OCR
    caps: bool


class Restorer:
    """Loaded resources and the restoring logic. The candidate index passed in is left as it
    is: the restorer works on its own copy, ranked by the LM's counts."""

    def __init__(self, index: CandidateIndex, lm, lexicon: Lexicon,
                 settings: RestoreSettings | None = None,
                 calibration: Calibration | None = None):
        self.lm = lm
        self.calibration = calibration or Calibration.load()
        self.lexicon = lexicon
        self.settings = settings or RestoreSettings()
        self.index = index.ranked_by(lm.count)
        self.words = WordCandidates(self.index, lm, self.settings)
        self.index.use_precomputed(PRECOMPUTED_PATH, self.scoring_fingerprint())
        self.glue = GlueFinder(self.index, lm, self.settings)
        # an LM trained with commas as tokens gets them as context ("Chính phủ, Tỉnh ủy":
        # a list goes on after a comma, where without it "Chính phủ trình" would win)
        comma = lm.id(COMMA_TOKEN)
        self._comma_id = None if comma == lm.unk else comma
        self._matchers: dict[str | None, KeepMatcher] = {}

    def scoring_fingerprint(self) -> str:
        """Fingerprint of what this restorer's English candidates depend on."""
        vocab = "\n".join(self.lm.vocab).encode()
        return scoring_fingerprint(vocab + self.words.vocab_counts.tobytes(),
                                   self.index.settings)

    @classmethod
    def load(cls, lm_path: Path | None = None, lexicon_path: Path | None = None,
             settings: RestoreSettings | None = None,
             calibration: Calibration | None = None) -> Restorer:
        from pipeline.restore.lm import SyllableLM

        settings = settings or RestoreSettings()
        return cls(
            CandidateIndex.load(settings=settings.candidates),
            SyllableLM.load(lm_path),
            Lexicon.load(lexicon_path, bonus=settings.lexicon_bonus),
            settings,
            calibration,
        )

    # ---------------------------------------------------------------- tokens
    def tokenize(self, line: str) -> list[Token]:
        tokens = tokenize_line(unicodedata.normalize("NFC", line), self.index.is_spelling)
        tokens = [self.glue.caps_words(tok) for tok in tokens]
        for _ in range(2):  # a token may hold three glued syllables ("PHOIHOPVOI")
            tokens = [part for tok in tokens for part in split_glued(tok, self.glue.glue_point)]
        return tokens

    def token_texts(self, line: str) -> list[str]:
        """The texts of the line's tokens, as `restore_lines` cuts it."""
        return [tok.text for tok in self.tokenize(line)]

    def _is_comma(self, tok: Token) -> bool:
        return self._comma_id is not None and tok.kind == "punct" and tok.text == COMMA_TOKEN

    def _fixed_id(self, text: str) -> int:
        if any(ch.isdigit() for ch in text):
            return self.lm.num
        return self.lm.id(text.lower())

    def matcher(self, keep: KeepWords | None) -> KeepMatcher:
        """The keep words' matcher (empty without a list), made once per list."""
        key = keep.fingerprint() if keep else None
        found = self._matchers.get(key)
        if found is None:
            found = KeepMatcher.build(keep, self.tokenize) if keep else KeepMatcher([])
            self._matchers[key] = found
        return found

    def _pinned(self, tokenized: Sequence[Sequence[Token]], keep: KeepWords | None
                ) -> set[Position]:
        """(line, token) of every token that spells a keep word."""
        matcher = self.matcher(keep)
        if not matcher:
            return set()
        return {(li, ti) for li, toks in enumerate(tokenized) for ti in matcher.pinned(toks)}

    # ---------------------------------------------------------------- lines
    def restore_lines(self, lines: Sequence[str], keep: KeepWords | None = None
                      ) -> tuple[list[str], list[Change]]:
        """Restore lines; the output has exactly as many lines, and the changed tokens.
        Words that spell an entry of `keep` stay as they are read (`keep.py`)."""
        restored = self.judge_lines(lines, keep)
        return restored.lines, restored.changes

    def judge_lines(self, lines: Sequence[str], keep: KeepWords | None = None) -> Restored:
        """Restore lines (as many out as in), with the changes, the doubts and the judgement
        of every word weighed (lines counted from 0); words of `keep` are not judged.

        A text of more than CHUNK_CHARS characters is restored a chunk of lines at a time
        (each judged typed or OCR'd on its own words), and a line longer than PIECE_CHARS a
        piece at a time (`chunks.py`)."""
        if text_chunks.fits_at_once(lines):
            return self._restore_block(lines, keep)
        restored: list[list[str]] = [[] for _ in lines]
        found = Restored([], [], [], [])
        for chunk in text_chunks.chunks(lines):
            block = self._restore_block([piece for _, piece in chunk], keep)
            starts = []
            for (li, _), text in zip(chunk, block.lines, strict=True):
                starts.append(sum(map(len, restored[li])))  # a piece's place in its line
                restored[li].append(text)
            found.changes.extend(c.model_copy(update={"line": chunk[c.line][0]})
                                 for c in block.changes)
            found.doubts.extend(d.model_copy(update={"line": chunk[d.line][0]})
                                for d in block.doubts)
            found.judgements.extend(j._replace(line=chunk[j.line][0],
                                               start=j.start + starts[j.line])
                                    for j in block.judgements)
        return found._replace(lines=["".join(pieces) for pieces in restored])

    def _restore_block(self, lines: Sequence[str], keep: KeepWords | None = None
                       ) -> Restored:
        """`judge_lines` of a text small enough to be restored at once."""
        tokenized = [self.tokenize(line) for line in lines]
        pinned = self._pinned(tokenized, keep)
        words = [t.text for toks in tokenized for t in toks if t.kind == "word"]
        doc_clean = looks_clean(words)
        outputs = [[t.text for t in toks] for toks in tokenized]
        weighed: dict[Position, _Weighed] = {}
        decoded: set[Position] = set()  # words the decoder changed
        caps = [is_caps_line(toks) for toks in tokenized]
        units = decoding_units(tokenized, caps, self._is_comma)
        self._decode_units(units, tokenized, outputs, weighed, decoded, doc_clean, caps,
                           pinned)
        restore_list_markers(tokenized, outputs, doc_clean)
        restored_lines: list[str] = []
        found = Restored(restored_lines, [], [], [])
        for li, toks in enumerate(tokenized):
            start = 0
            for ti, tok in enumerate(toks):
                if (li, ti) in pinned:  # as read (no Đ put back in a code, no list letter)
                    outputs[li][ti] = self.words.official(tok.text)
                    continue  # (official tones are how every output is written, no change)
                if tok.kind == "protected" and outputs[li][ti] == tok.text:
                    outputs[li][ti] = restore_protected(tok.text)
                outputs[li][ti] = self.words.official(outputs[li][ti])
                out = outputs[li][ti]
                if tok.kind != "space" and (out != tok.text or (li, ti) in weighed):
                    self._judge(found, li, start, tok, out, weighed.get((li, ti)),
                                (li, ti) in decoded)
                start += len(out)
            restored_lines.append(unicodedata.normalize("NFC", "".join(outputs[li])))
        return found

    def _judge(self, found: Restored, li: int, start: int, tok: Token, out: str,
               weighed: _Weighed | None, decoded: bool) -> None:
        """Judge one word: a change (calibrated, with its runners-up), or a kept word, a doubt
        when its calibrated confidence is low."""
        changed = out != tok.text
        if weighed is None:
            kind, raw = RULE, RULE_RAW
        elif changed:
            kind = (CHANGE_CLEAN if weighed.clean else CHANGE_ENGLISH) if decoded else RULE
            raw = weighed.belief.confidence
        else:
            kind, raw = (KEEP_CLEAN if weighed.clean else KEEP_ENGLISH), weighed.belief.confidence
        confidence = self.calibration(kind, raw)
        runners_up = () if weighed is None else _runners_up(tok, out, weighed, raw, confidence)
        found.judgements.append(Judgement(li, start, tok.text, out, kind, raw, confidence,
                                          runners_up))
        if not changed and confidence >= LOW_CONFIDENCE:
            return
        # built from checked values: pydantic's validation would cost ~5% of the restore
        # time on English OCR, where most words change
        alternatives = [Alternative.model_construct(text=text, confidence=round(p, 4))
                        for text, p in runners_up]
        if changed:
            found.changes.append(Change.model_construct(
                line=li, ocr=tok.text, restored=out, confidence=round(confidence, 4),
                ocr_confidence=None, page=None, box=None, alternatives=alternatives))
        elif tok.kind == "word":
            found.doubts.append(Doubt.model_construct(
                line=li, text=tok.text, confidence=round(confidence, 4), ocr_confidence=None,
                page=None, box=None, alternatives=alternatives))

    def _decode_units(self, units, tokenized, outputs, weighed: dict[Position, _Weighed],
                      decoded: set[Position], doc_clean: bool, caps: list[bool],
                      pinned: set[Position] = frozenset()) -> None:
        """Build every unit's slots, decode them all in one batch, write the choices; every
        word slot's belief goes to `weighed`, the words changed to `decoded`."""
        settings = self.settings
        clean_lines = {li for li, toks in enumerate(tokenized)
                       if doc_clean or line_is_clean(toks)}
        caps_lines = {li for li, is_caps in enumerate(caps) if is_caps}
        names: dict[int, dict[int, int | None]] = {}  # per line, for all its units
        built = [self._unit_slots(unit, tokenized, clean_lines, names, pinned)
                 for unit in units]
        all_slots = [unit.slots for unit in built]
        choices = beam_viterbi_batch(self.lm, all_slots, settings.lm_weight, settings.beam_width)
        beliefs = local_beliefs_batch(self.lm, all_slots, choices, settings.lm_weight,
                                      BELIEF_TOP)
        for unit, unit_choices, unit_beliefs in zip(built, choices, beliefs, strict=True):
            for pos, li, ti, slot in unit.word_slots():
                choice = unit_choices[pos]
                weighed[(li, ti)] = _Weighed(unit_beliefs[pos], slot, choice,
                                             li in clean_lines, li in caps_lines)
                chosen = slot.cands[choice]
                if chosen.kept:
                    continue
                tok = tokenized[li][ti]
                if chosen.syllable == official_lower(tok.text):
                    continue  # unchanged word: keep its own casing ("Tiểu" in a caps line)
                outputs[li][ti] = apply_casing(tok.text, chosen.syllable, li in caps_lines)
                decoded.add((li, ti))
                if chosen is SPECK:
                    _drop_space_beside(tokenized[li], outputs[li], ti)

    def _unit_slots(self, unit: list[Position], tokenized, clean_lines: set[int],
                    names: dict[int, dict[int, int | None]],
                    pinned: set[Position] = frozenset()) -> UnitSlots:
        """The unit's slots with their channel candidates, then every extra reading; a
        pinned token's slot is then its own reading alone (`keep.py`)."""
        for li in {li for li, _ in unit} - names.keys():
            names[li] = person_name_words(tokenized[li], self.index)
        slots: list[Slot | None] = []
        for li, ti in unit:
            tok = tokenized[li][ti]
            if tok.kind == "word":
                # a list marker ("d)", "a)") is a letter, never a syllable to restore
                marker = is_list_letter(tokenized[li], ti)
                slots.append(self.words.slot(tok.text, li in clean_lines or marker))
            elif tok.kind == "protected" and li not in clean_lines and inside_words(
                    tokenized[li], ti):
                slots.append(self.words.digit_slot(tok.text))
            elif tok.kind == "protected" or self._is_comma(tok):
                fixed = self._comma_id if tok.kind == "punct" else self._fixed_id(
                    restore_protected(tok.text))
                slots.append(Slot(np.array([fixed], dtype=np.int64), np.zeros(1)))
            else:
                slots.append(None)
        built = UnitSlots(unit, tokenized, slots, clean_lines, names)
        for reading in UNIT_READINGS:
            reading.add_readings(built, self)
        for pos, (li, ti) in enumerate(unit):
            if (li, ti) in pinned and built.slots[pos] is not None:
                tok = tokenized[li][ti]
                text = restore_protected(tok.text) if tok.kind == "protected" else tok.text
                lm_id = self._fixed_id(text) if tok.kind == "protected" else self._word_id(text)
                built.slots[pos] = pinned_slot(tok, lm_id)
        return built

    def _word_id(self, text: str) -> int:
        """A kept word's LM id: <unk> for one with digits or one the LM does not know."""
        if any(ch.isdigit() for ch in text):
            return self.lm.unk
        return self.lm.id(official_lower(text))

    # ---------------------------------------------------------------- documents
    def restore_cells(self, texts: Sequence[str], keep: KeepWords | None = None) -> list[str]:
        """Restore many short texts in one batch; an empty line between two texts keeps
        their words out of each other's LM context."""
        return self._restore_cells(texts, keep)[0]

    def _restore_cells(self, texts: Sequence[str], keep: KeepWords | None = None
                       ) -> tuple[list[str], list[tuple[list[Change], list[Doubt]]]]:
        """`restore_cells`, with each text's changes and doubts (their `line` counted in the
        text)."""
        lines: list[str] = []
        spans = []
        for text in texts:
            parts = text.split("\n")
            spans.append((len(lines), len(parts)))
            lines.extend([*parts, ""])
        restored, changes, doubts, _ = self.judge_lines(lines, keep)
        text_of = {}
        for k, (start, n) in enumerate(spans):
            text_of.update({start + j: (k, j) for j in range(n)})
        per_text: list[tuple[list[Change], list[Doubt]]] = [([], []) for _ in texts]
        for kind, found in enumerate((changes, doubts)):
            for item in found:
                k, j = text_of[item.line]
                per_text[k][kind].append(item.model_copy(update={"line": j}))
        return ["\n".join(restored[start : start + n]) for start, n in spans], per_text

    def restore_text(self, text: str, keep: KeepWords | None = None) -> str:
        lines = text.split("\n")
        restored, _ = self.restore_lines(lines, keep)
        return "\n".join(restored)

    def restore_document(self, doc: Document, keep: KeepWords | None = None) -> Document:
        """Fill restored_lines, the quality block and every table cell's `restored`.

        Each table cell is restored once, on its own (`restore_cells`); a line of the text
        that shows a table row ("cell | cell | ...", `table_row_lines`) is made of its
        restored cells, so the text files and the JSON agree. The other lines are restored
        together, the row lines left out of them. Words that spell an entry of `keep` stay
        as read, and are neither changes nor doubts."""
        rows = table_row_lines(doc)
        body = ["" if li in rows else line for li, line in enumerate(doc.ocr_lines)]
        restored, changes, doubts, judgements = self.judge_lines(body, keep)
        cells = [cell for page in doc.pages for table in page.tables for cell in table.cells]
        texts, cell_found = self._restore_cells([c.text for c in cells], keep)
        found_of = {}
        for cell, text, found in zip(cells, texts, cell_found, strict=True):
            cell.restored = text
            found_of[id(cell)] = found
        for li, row in rows.items():
            restored[li] = TABLE_CELL_SEPARATOR.join(cell.restored for cell in row)
            for cell in row:
                changes.extend(c.model_copy(update={"line": li}) for c in found_of[id(cell)][0])
                doubts.extend(d.model_copy(update={"line": li}) for d in found_of[id(cell)][1])
        changes.sort(key=lambda c: c.line)  # stable: a row's changes stay in cell order
        doubts.sort(key=lambda d: d.line)
        doc.restored_lines = restored
        # the JSON counts lines as the text files and editors do, from 1
        doc.quality.changes = [c.model_copy(update={"line": c.line + 1}) for c in changes]
        doc.quality.doubts = [d.model_copy(update={"line": d.line + 1}) for d in doubts]
        doc.quality.changed_tokens = len(changes)
        doc.quality.low_confidence_tokens = sum(c.confidence < LOW_CONFIDENCE for c in changes)
        # where each change and doubt is on the scan, and the words Tesseract doubted
        doc = located(doc, rows, self.token_texts, kept=_kept_words(judgements))
        # last, after every other step that lists doubts: none is about a pinned word
        doubted = {doubt.line for doubt in doc.quality.doubts}
        pinned = self.pinned_words(doc.ocr_lines, keep, doubted)
        doc.quality.doubts = without_pinned(doc.quality.doubts, pinned)
        return doc

    def pinned_words(self, lines: Sequence[str], keep: KeepWords | None,
                     only: set[int]) -> set[tuple[int, str]]:
        """(1-based line, match key) of every word that spells a keep word on the lines
        numbered (from 1) in `only`: those holding a doubt (the others need not be cut into
        tokens again)."""
        if not self.matcher(keep):
            return set()
        numbers = sorted(only)
        tokenized = [self.tokenize(lines[number - 1]) for number in numbers]
        return {(numbers[k], match_key(tokenized[k][ti].text))
                for k, ti in self._pinned(tokenized, keep)}


def table_row_lines(doc: Document) -> dict[int, list[Cell]]:
    """Index in `doc.ocr_lines` of each line that shows a table row, with the row's cells
    left to right: the ocr stage joins the pages' lines with a blank line between pages
    (`ocr.assemble`) and writes a row as its cells' texts joined by " | "
    (`ocr.table_row_lines`). A line is taken only when its text is exactly that."""
    found: dict[int, list[Cell]] = {}
    start = 0
    for page in doc.pages:
        if start:
            start += 1
        unclaimed: dict[str, list[list[Cell]]] = {}
        for table in page.tables:
            for row in table.rows():
                text = TABLE_CELL_SEPARATOR.join(cell.text for cell in row)
                unclaimed.setdefault(text, []).append(row)
        for k, line in enumerate(page.lines):
            li = start + k
            waiting = unclaimed.get(line.text)
            if (line.block == "table" and waiting and li < len(doc.ocr_lines)
                    and doc.ocr_lines[li] == line.text):
                found[li] = waiting.pop(0)
        start += len(page.lines)
    return found


def _kept_words(judgements: Sequence[Judgement]) -> dict[int, list[KeptWord]]:
    """The words judged and kept as read, by 0-based line, in line order."""
    kept: dict[int, list[KeptWord]] = {}
    for judged in judgements:
        if judged.output == judged.ocr:
            alternatives = [Alternative.model_construct(text=text, confidence=round(p, 4))
                            for text, p in judged.alternatives]
            kept.setdefault(judged.line, []).append(
                KeptWord(judged.ocr, round(judged.confidence, 4), alternatives))
    return kept


def _runners_up(tok: Token, out: str, weighed: _Weighed, raw: float,
                confidence: float) -> tuple[tuple[str, float], ...]:
    """The best other readings the decoder weighed for the word, cased like the output, best
    first, at most MAX_ALTERNATIVES. The calibrated confidence's complement is shared among
    the other candidates as the decoder shares its own (1 - raw)."""
    share = (1.0 - confidence) / max(1.0 - raw, 1e-9)
    seen = {out}
    found = []
    for index, p in weighed.belief.top:
        if index == weighed.choice:
            continue
        cand = weighed.slot.cands[index]
        text = tok.text if cand.kept else apply_casing(tok.text, cand.syllable, weighed.caps)
        if not text or text in seen:  # a speck's "no word", or the same word again
            continue
        seen.add(text)
        found.append((text, min(p * share, 1.0 - confidence)))
        if len(found) == MAX_ALTERNATIVES:
            break
    return tuple(found)


def _drop_space_beside(tokens: Sequence[Token], output: list[str], ti: int) -> None:
    """A dropped speck takes one of the spaces around it along (the one before it first)."""
    for k in (ti - 1, ti + 1):
        if 0 <= k < len(tokens) and tokens[k].kind == "space" and output[k] == tokens[k].text:
            output[k] = tokens[k].text[1:]
            return


@lru_cache(maxsize=1)
def default_restorer() -> Restorer:
    return Restorer.load()


def restore_lines(lines: Sequence[str], keep: KeepWords | None = None
                  ) -> tuple[list[str], list[Change]]:
    return default_restorer().restore_lines(lines, keep)


def restore_text(text: str, keep: KeepWords | None = None) -> str:
    return default_restorer().restore_text(text, keep)


def restore_document(doc: Document, keep: KeepWords | None = None) -> Document:
    return default_restorer().restore_document(doc, keep)

"""Person names: a run of two to four Title-case words that starts with a common surname
("Le Van Thinh"), each a syllable's spelling as it stands, keeps its letters. The LM knows
few names and would trade their letters for frequent words ("Lê Văn Thanh"); English OCR
loses a name's marks far more often than its letters. (Their marks are still the LM's
choice, and it knows names poorly: "Vu" may come out "Vụ", not "Vũ".) In a sure name (a
middle name second) the surname and the middle name also take their usual spelling ("Vũ",
"Thị": the LM would say "vụ thi")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from pipeline.restore.candidates import Candidate, CandidateIndex
from pipeline.restore.tokens import Token
from pipeline.text.fold import strip_marks

if TYPE_CHECKING:
    from pipeline.restore.engine import Restorer
    from pipeline.restore.slots import UnitSlots, WordSlot

# Common Vietnamese surnames by their letters without marks, with their usual spelling
_SURNAME_SPELLINGS = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trịnh", "Mai", "Lương", "Cao", "Lâm", "Tạ", "Hà",
    "Trương", "Đoàn", "Vương", "Quách", "Lưu", "Tô", "Châu", "Thái", "Tăng", "Hứa", "Kiều",
    "Triệu", "Chu", "Lại", "Mạc", "Tống", "Khuất", "Nông", "Lò",
]
SURNAMES = {strip_marks(name).lower(): name.lower() for name in _SURNAME_SPELLINGS}
# Middle names that make a run a person's name for sure ("Vu Thi Hanh"; a two-word run
# like "Do Son" may be a place, Đồ Sơn)
MIDDLE_NAMES = {
    strip_marks(name).lower(): name.lower()
    for name in ["Văn", "Thị", "Đức", "Hữu", "Ngọc", "Quốc", "Đình", "Xuân", "Công", "Trọng", "Bá"]
}


def add_readings(unit: UnitSlots, restorer: Restorer) -> None:
    """Price every name word of the unit's OCR lines (typed lines as well)."""
    for _, li, ti, slot in unit.word_slots():
        tok = unit.tokenized[li][ti]
        if tok.kind == "word" and ti in unit.names[li]:
            _price_name_word(slot, tok.text, unit.names[li][ti], restorer)


def _price_name_word(slot: WordSlot, text: str, position: int | None,
                     restorer: Restorer) -> None:
    """A name keeps its letters; in a sure name (`position` given) the surname and the
    middle name take their usual spelling, put among the candidates when the pre-ranking
    left it out ("Đặng")."""
    settings = restorer.settings
    plain = strip_marks(text).lower()
    usual = {0: SURNAMES, 1: MIDDLE_NAMES}.get(position, {}).get(plain)
    if usual and all(c.syllable != usual for c in slot.cands):
        slot.add(Candidate(usual, 0.0), restorer.lm.id(usual), 0.0)
    slot.costs += settings.name_letter_change * _letters_differ(text, slot.cands)
    if usual:
        slot.costs -= settings.name_form_bonus * np.array([c.syllable == usual
                                                           for c in slot.cands])


def _letters_differ(ocr: str, cands: Sequence[Candidate]) -> np.ndarray:
    """1.0 for each candidate spelled with other letters than the OCR token, marks aside."""
    letters = strip_marks(ocr).lower()
    return np.array([0.0 if c.kept or strip_marks(c.syllable) == letters else 1.0
                     for c in cands])


def person_name_words(tokens: Sequence[Token], index: CandidateIndex) -> dict[int, int | None]:
    """Token index -> its position in a sure name (None: a name, but not a sure one)."""
    found: dict[int, int | None] = {}
    words = [i for i, t in enumerate(tokens) if t.kind == "word"]
    run: list[int] = []
    for i in [*words, None]:
        text = tokens[i].text if i is not None else ""
        adjacent = run and i is not None and all(
            t.kind == "space" for t in tokens[run[-1] + 1 : i])
        if i is not None and _is_name_word(text, index) and (not run or adjacent):
            run.append(i)
            continue
        plain = [strip_marks(tokens[k].text).lower() for k in run]
        if 2 <= len(run) <= 4 and plain[0] in SURNAMES:
            sure = len(run) >= 3 and plain[1] in MIDDLE_NAMES
            found.update({k: (pos if sure else None) for pos, k in enumerate(run)})
        run = [i] if i is not None and _is_name_word(text, index) else []
    return found


def _is_name_word(text: str, index: CandidateIndex) -> bool:
    return (text[:1].isupper() and text[1:].islower() and text.isalpha()
            and index.is_spelling(strip_marks(text).lower()))

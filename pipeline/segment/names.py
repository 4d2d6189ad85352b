"""Names in the letterhead spelled as the lexicon spells them.

The issuing body and the place are proper names, printed in capitals in the letterhead, where
OCR reads tone marks worst and restore has least context ("TỈNH QUẢNG NGAI", "UBND TỈNH ĐÔNG
NAI", "VĂN PHÒNG CHÍNH PHÙ"). A run of words whose marks-free form is that of exactly one place
or agency of the administrative lexicon takes the lexicon's marks; the unit word before a place
("TÍNH" before "ĐẮK LẮK") takes the unit type's. Letters and case stay as printed; a run whose
form two spellings share (or none) is left alone.
"""

from __future__ import annotations

from functools import cache

from pipeline import resources
from pipeline.text.fold import fold_key

_NAME_CATEGORIES = ("place", "agency")
_MIN_NAME_WORDS = 2  # one-word runs collide with common words ("BAN" / "Bản")
_MAX_NAME_WORDS = 8


@cache
def _spellings(categories: tuple[str, ...]) -> dict[str, str | None]:
    """Marks-free key -> the one spelling of the lexicon's terms of those categories (None
    when two spellings share the key)."""
    found: dict[str, str | None] = {}
    for entry in resources.lexicon():
        if entry.category not in categories:
            continue
        key = fold_key(entry.term)
        if found.get(key, entry.term) != entry.term:
            found[key] = None
        else:
            found[key] = entry.term
    return found


def _in_case_of(term: str, printed: list[str]) -> list[str]:
    words = term.split()
    if all(w.isupper() for w in printed if any(c.isalpha() for c in w)):
        return [w.upper() for w in words]
    return words


def _match_at(words: list[str], index: int, names: dict) -> tuple[int, str] | None:
    """The longest name starting at words[index]: (its word count, its spelling)."""
    longest = min(_MAX_NAME_WORDS, len(words) - index)
    for size in range(longest, _MIN_NAME_WORDS - 1, -1):
        term = names.get(fold_key(" ".join(words[index : index + size])))
        if term and len(term.split()) == size:
            return size, term
    return None


def _spelled(words: list[str], names: dict, units: dict) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(words):
        is_unit = fold_key(words[index]) in units
        found = _match_at(words, index, names)
        if found and is_unit and _match_at(words, index + 1, names):
            found = None  # "TỈNH ĐÔNG NAI" is the province Đồng Nai, not a commune Tịnh Đông
        if found is None:
            out.append(words[index])
            index += 1
            continue
        size, term = found
        unit = units.get(fold_key(out[-1])) if out else None
        if unit and len(unit.split()) == 1:
            out[-1] = _in_case_of(unit, [out[-1]])[0]
        out.extend(_in_case_of(term, words[index : index + size]))
        index += size
    return out


def spell_names(text: str | None) -> str | None:
    """ "ỦY BAN NHÂN DÂN TÍNH ĐÁK LÁK" -> "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"."""
    if not text:
        return text
    names = _spellings(_NAME_CATEGORIES)
    units = _spellings(("unit_type",))
    return " ".join(_spelled(text.split(), names, units))

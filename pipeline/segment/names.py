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


def _after_unit(out: list[str], units: dict) -> int:
    """How many of the last words are a unit type ("TỈNH", "THÀNH PHỐ"); 0 if none."""
    for size in (2, 1):
        if len(out) >= size and fold_key(" ".join(out[-size:])) in units:
            return size
    return 0


def _spelled(words: list[str], units: dict) -> list[str]:
    """Agencies anywhere; a place only after its unit type ("TỈNH ĐÔNG NAI"), since a place's
    name may be a common word elsewhere ("VĂN PHÒNG" is not the commune Văn Phong)."""
    agencies, places = _spellings(("agency",)), _spellings(("place",))
    out: list[str] = []
    index = 0
    while index < len(words):
        unit = _after_unit(out, units)
        found = _match_at(words, index, agencies) or (
            _match_at(words, index, places) if unit else None)
        if found is None:
            out.append(words[index])
            index += 1
            continue
        size, term = found
        if unit:
            spelled_unit = units[fold_key(" ".join(out[-unit:]))]
            if spelled_unit:
                out[-unit:] = _in_case_of(spelled_unit, out[-unit:])
        out.extend(_in_case_of(term, words[index : index + size]))
        index += size
    return out


def spell_names(text: str | None) -> str | None:
    """ "ỦY BAN NHÂN DÂN TÍNH ĐÁK LÁK" -> "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"."""
    if not text:
        return text
    return " ".join(_spelled(text.split(), _spellings(("unit_type",))))


def spell_place(text: str | None) -> str | None:
    """A place field ("Đông Tháp" before ", ngày …") is a place's name as a whole."""
    if not text:
        return text
    term = _spellings(("place",)).get(fold_key(text))
    if term and len(term.split()) == len(text.split()):
        return " ".join(_in_case_of(term, text.split()))
    return text

"""Agency names and deadline words of `dictionaries/vi_admin_terms.txt`, found in OCR text.

Matching runs on folded text (marks stripped, đ -> d, lower case), word by word, with rapidfuzz
for OCR slips ("Phong Vin hoa" for "Phòng Văn hóa"; cut-offs in fuzzy.py); every match is sliced
from the original line. A name not in the lexicon is still an agency when it starts with an
agency head word of the lexicon ("Trung tâm", "Phòng", …) followed by a capitalised word
("Trung tâm Cung ứng …"). Deadline words follow the date grammar (dates.DEADLINE). How a
table cell's value is then spelt is the appendix's (appendix/cell_words.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex as re
from rapidfuzz import fuzz, process

from pipeline import resources
from pipeline.segment import fuzzy
from pipeline.segment.dates import DEADLINE
from pipeline.text.fold import fold

_FUZZY_HEAD_MIN_WORDS = 3  # a name read with a wrong head word is long (fuzzy.FUZZY_HEAD)
# Words that open another cell ("Báo cáo …", "Kết quả …", "Các thôn"): a name read without the
# lexicon stops before them.
_COLUMN_OPENERS = {"bao", "ket", "cac"}
_NAME_TAIL_MAX_WORDS = 4  # words after the head word of a name the lexicon does not know
CELL_WORD = re.compile(r"[^\s|]+")  # words of a cell: "|" borders split them too
_TRAILING_PUNCT = re.compile(r"[^\w]+$")
# Abbreviated bodies, written as such in tables ("UBND xã", "Công an xã").
_ABBREVIATED_HEADS = ("ubnd", "hdnd", "mttq", "ubmttq")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    term: str | None  # the lexicon term it matched, if any


def term_key(text: str) -> str:
    """Folded lower-case words, trailing punctuation off ("Hóa;" -> "hoa"; "-" stays)."""
    return " ".join(_TRAILING_PUNCT.sub("", w) or w for w in fold(text).lower().split())


@cache
def lexicon_terms(category: str) -> tuple[str, ...]:
    return tuple(entry.term for entry in resources.lexicon() if entry.category == category)


@cache
def _agency_heads() -> frozenset[str]:
    """The words an agency name starts with before its proper name: "phong" (Phòng Kinh tế),
    "trung tam" (Trung tâm Y tế), "uy ban" (Ủy ban Mặt trận …)."""
    heads = set()
    for term in lexicon_terms("agency"):
        words = term.split()
        for size in range(1, min(len(words), 3)):
            if words[size][:1].isupper():
                heads.add(term_key(" ".join(words[:size])))
                break
    return frozenset(heads)


@cache
def _agency_index() -> dict[str, list[tuple[str, str]]]:
    """Agency terms by their first folded word: [(folded term, term)], longest first."""
    index: dict[str, list[tuple[str, str]]] = {}
    for term in lexicon_terms("agency"):
        key = term_key(term)
        index.setdefault(key.split()[0], []).append((key, term))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


def split_words(text: str) -> list[re.Match]:
    return list(CELL_WORD.finditer(text))


def _best_term(words: list[re.Match], first: int, text: str) -> tuple[int, str] | None:
    """The longest lexicon agency that the words from `first` spell: (last word index, term)."""
    head = term_key(words[first].group())
    best = None
    for key, term in _agency_index().get(head, []):
        size = len(key.split())
        if first + size > len(words):
            continue
        window = term_key(text[words[first].start() : words[first + size - 1].end()])
        score = fuzz.ratio(window, key)
        # the whole name, not its start with other words after it ("Phòng Văn hóa - Các …")
        ends_alike = fuzz.ratio(window.split()[-1], key.split()[-1]) >= fuzzy.LAST_WORD
        if score >= fuzzy.TERM and ends_alike and (best is None or (score, size) > best[0]):
            best = ((score, size), first + size - 1, term)
    return best[1:] if best else _best_prefix(words, first, text) or _fuzzy_head(
        words, first, text
    )


@cache
def _agency_prefixes() -> dict[int, dict[str, str]]:
    """Every lexicon agency and its starts of three words or more, by word count: folded key
    -> term."""
    by_size: dict[int, dict[str, str]] = {}
    for term in lexicon_terms("agency"):
        words = term_key(term).split()
        for size in range(_FUZZY_HEAD_MIN_WORDS, len(words) + 1):
            by_size.setdefault(size, {}).setdefault(" ".join(words[:size]), term)
    return by_size


def _fuzzy_head(words: list[re.Match], first: int, text: str) -> tuple[int, str] | None:
    """A long agency name whose head word OCR or restore got wrong ("Động Văn hóa -" for
    "Phòng Văn hóa -"): the window is very like a name, or the start of one at the line's end
    or a dangling dash."""
    best = None
    for size, keys in sorted(_agency_prefixes().items(), reverse=True):
        last = first + size - 1
        if last >= len(words):
            continue
        window = term_key(text[words[first].start() : words[last].end()])
        found = process.extractOne(window, keys.keys(), scorer=fuzz.ratio,
                                   score_cutoff=fuzzy.FUZZY_HEAD)
        if found is None:
            continue
        term = keys[found[0]]
        whole = len(term_key(term).split()) == size
        if whole or last == len(words) - 1 or words[last].group() == "-":
            best = (last, term)
            break
    return best


def _best_prefix(words: list[re.Match], first: int, text: str) -> tuple[int, str] | None:
    """A lexicon agency wrapped onto the next line: the words up to the line's end, or up to a
    dangling " -", spell the start of the term ("Phòng Văn hóa -" of "Phòng Văn hóa - Xã hội")."""
    head = term_key(words[first].group())
    best = None
    for key, term in _agency_index().get(head, []):
        term_words = key.split()
        for size in range(len(term_words) - 1, 1, -1):
            last = first + size - 1
            if last >= len(words):
                continue
            if last != len(words) - 1 and words[last].group() != "-":
                continue  # wrapped names end at the line's end or on a dangling dash
            window = term_key(text[words[first].start() : words[last].end()])
            score = fuzz.ratio(window, " ".join(term_words[:size]))
            if score >= fuzzy.TERM:
                if best is None or (size, score) > best[0]:
                    best = ((size, score), last, term)
                break
    return best[1:] if best else None


def _is_name_word(word: str) -> bool:
    bare = _TRAILING_PUNCT.sub("", word)
    return bool(bare) and bare[0].isupper() and not bare.isdigit()


def _head_size(words: list[re.Match], first: int) -> int:
    """How many words from `first` make an agency head word (0: none)."""
    for size in (2, 1):
        window = " ".join(term_key(w.group()) for w in words[first : first + size])
        if first + size <= len(words) and window in _agency_heads():
            return size
    return 0


def _unknown_name_end(words: list[re.Match], first: int, text: str) -> int | None:
    """A head word followed by a capitalised word: the name runs to a punctuation mark or a
    few words on (lexicon names cover the long ones)."""
    size = _head_size(words, first)
    name = first + size
    if not size or name >= len(words) or not _is_name_word(words[name].group()):
        return None
    if _head_size(words, name) or _best_term(words, name, text):
        return None  # "Tổ Phòng Văn hóa": the next word opens a name of its own
    last = name
    while last + 1 < len(words) and last - first < _NAME_TAIL_MAX_WORDS:
        after = term_key(words[last + 1].group())
        if _TRAILING_PUNCT.search(words[last].group()) or _head_size(words, last + 1):
            break
        if "|" in text[words[last].end() : words[last + 1].start()]:
            break  # a cell's border: the name ends in its cell
        if after in _COLUMN_OPENERS or DEADLINE.match(fold(words[last + 1].group())):
            break
        last += 1
    return last


def find_agencies(text: str, start: int = 0) -> list[Found]:
    """Agency names in `text` from offset `start`, left to right, not overlapping."""
    words = [w for w in split_words(text) if w.start() >= start]
    found: list[Found] = []
    index = 0
    while index < len(words):
        word = words[index].group()
        key = term_key(word)
        if not word[:1].isupper() or not key:
            index += 1
            continue
        term = _best_term(words, index, text)
        if term is not None:
            last, name = term
        elif key in _ABBREVIATED_HEADS:
            last, name = min(index + 1, len(words) - 1), None
        elif (end := _unknown_name_end(words, index, text)) is not None:
            last, name = end, None
        else:
            index += 1
            continue
        begin, finish = words[index].start(), words[last].end()
        value = text[begin:finish].rstrip(" ;,.:-")
        found.append(Found(begin, begin + len(value), value, name))
        index = last + 1
    return found


def find_continuation(rest: str, line: str) -> tuple[int, int] | None:
    """Where the rest of a wrapped name (`rest`, folded) sits in the next line."""
    folded = fold(line).lower()
    found = fuzz.partial_ratio_alignment(rest, folded, score_cutoff=fuzzy.CONTINUATION)
    if found is None:
        return None
    start, end = found.dest_start, found.dest_end
    while start > 0 and not folded[start - 1].isspace():
        start -= 1
    while end < len(folded) and not folded[end].isspace():
        end += 1
    return start, end


def find_deadlines(text: str) -> list[Found]:
    return [
        Found(m.start(), m.end(), text[m.start() : m.end()], None)
        for m in DEADLINE.finditer(fold(text))
    ]


def wrapped_name(found: Found, following: list[str]) -> int:
    """How many of the `following` lines (whole lines of a narrow cell) continue the agency
    name `found` opens, when the lexicon knows a longer name spelt that way ("Văn phòng" +
    "HĐND và" + "UBND"); 0 when none does."""
    words = term_key(found.text).split()
    head = words[0] if words else ""
    best = 0
    for key, _term in _agency_index().get(head, []):
        for taken in range(1, len(following) + 1):
            window = " ".join([*words, *(term_key(line) for line in following[:taken])])
            if len(window) > len(key) + 3:
                break
            # the whole name, word for word: "Phòng Kinh tế" + "Ngân hàng" is not a name
            whole = len(window.split()) == len(key.split())
            if whole and fuzz.ratio(window, key) >= fuzzy.TERM and taken > best:
                best = taken
    return best


def squeeze(text: str) -> str:
    """Folded lower-case letters and digits only: "Phong Vanhda-" -> "phongvanhda"."""
    return _NON_WORD.sub("", fold(text).lower())


def remaining_words(found: Found) -> str | None:
    """The folded words of a lexicon term that its match did not reach ("xa hoi" when OCR
    wrapped "Phòng Văn hóa -" before "Xã hội"), or None when the match is whole. The words
    reached are the term's start most like the match, letters only ("Vanhda" is two words)."""
    if found.term is None:
        return None
    term_words = [w for w in term_key(found.term).split() if w != "-"]
    got = squeeze(found.text)
    reached = max(
        range(1, len(term_words) + 1),
        key=lambda size: (fuzz.ratio(got, squeeze(" ".join(term_words[:size]))), -size),
    )
    return " ".join(term_words[reached:]) or None

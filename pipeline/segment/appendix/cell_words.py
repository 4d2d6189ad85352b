"""How a table cell's words are read: values in the lexicon's spelling, the words that open
an output cell, OCR noise, the lexicon's phrases that a cell is not cut inside.

A value found with OCR slips ("Phong Vanhda-", "Xa h0i", "Hangnăm") is emitted as the lexicon
(dictionaries/vi_admin_terms.txt) spells it when a term is that close (cut-offs in fuzzy.py);
compared on squeezed keys (folded letters and digits only), since OCR glues and splits words as
often as it swaps marks. A value the lexicon does not hold stays as read.
"""

from __future__ import annotations

from functools import cache

import regex as re
from rapidfuzz import fuzz, process

from pipeline.segment import fuzzy
from pipeline.segment.vocabulary import Found, lexicon_terms, split_words, squeeze, term_key
from pipeline.text.fold import fold

_CANONICAL_MIN_CHARS = 6  # shorter keys must match exactly: one slip is too much of them
# Of two spellings of the same deadline, the standard one of administrative texts.
_STANDARD_SPELLINGS = {"hàng": "hằng"}
_TOKEN_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")
# Characters OCR leaves in a word it could not read ("khả'_:[h‘-fc", "g(ở"); a cell's word
# holding one is noise, not text.
_NOISE_CHARS = re.compile(r"[^\w\-/&.,;]")
_INNER_PUNCT = re.compile(r"[^\W\d_][;,:][^\W\d_]")  # "thị;l": a word's letters split by a stop
_PUNCT_RUN = re.compile(r"[:;,]{2,}")  # "UBND:;": one stop, the last
# Words opening an output cell besides the names of document kinds.
_OUTPUT_WORDS = ("Kết quả", "Sản phẩm")


@cache
def _squeezed_terms(category: str) -> dict[str, str]:
    terms: dict[str, str] = {}
    for term in lexicon_terms(category):
        terms.setdefault(squeeze(term), term)
    return terms


def _closest(key: str, choices: dict[str, str], cutoff: float) -> str | None:
    if len(key) < _CANONICAL_MIN_CHARS:
        return choices.get(key)
    found = process.extractOne(key, choices.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
    return choices[found[0]] if found else None


def canonical_agency(text: str) -> str:
    """The lexicon's spelling of an agency name read with OCR slips; the text itself when no
    lexicon name is that close (names the lexicon lacks stay as written)."""
    return _closest(squeeze(text), _squeezed_terms("agency"), fuzzy.CANONICAL) or text


@cache
def _agency_starts() -> dict[str, tuple[str, int]]:
    """Squeezed starts of two words or more of the lexicon agencies -> (term, words taken)."""
    starts: dict[str, tuple[str, int]] = {}
    for term in lexicon_terms("agency"):
        words = [w for w in term.split() if w != "-"]
        for size in range(2, len(words) + 1):
            starts.setdefault(squeeze(" ".join(words[:size])), (term, size))
    return starts


def agency_start(text: str) -> Found | None:
    """The lexicon agency whose start `text` spells with OCR slips, as a Found over `text`
    ("Phong Vanhda" -> "Phòng Văn hóa - Xã hội"), so the rest of the name can be looked
    for on the next line; None when no lexicon name starts that way."""
    key = squeeze(text)
    starts = _agency_starts()
    if len(key) < _CANONICAL_MIN_CHARS:
        return None
    found = process.extractOne(key, starts.keys(), scorer=fuzz.ratio,
                               score_cutoff=fuzzy.START)
    return Found(0, len(text), text, starts[found[0]][0]) if found else None




@cache
def _deadline_words() -> dict[str, str]:
    """Folded word -> its spelling in the lexicon's deadline terms ("quy" -> "quý")."""
    words: dict[str, str] = {}
    for term in lexicon_terms("deadline"):
        for word in term.lower().split():
            if word.isalpha():
                spelling = _STANDARD_SPELLINGS.get(word, word)
                words.setdefault(fold(spelling), spelling)
    return words


def _standard(term: str) -> str:
    words = term.split()
    fixed = [_STANDARD_SPELLINGS.get(w.lower(), w.lower()) for w in words]
    return " ".join([fixed[0][:1].upper() + fixed[0][1:], *fixed[1:]])


def canonical_deadline(text: str) -> str:
    """A deadline in its vocabulary form: a lexicon term without numbers as the lexicon
    spells it ("Hangnăm", "Thương Xuyên" -> "Hằng năm", "Thường xuyên"); one with numbers
    ("Quy II / 2026") word by word, the numbers as read and "/" unspaced."""
    if not any(c.isdigit() for c in text):
        plain = {k: v for k, v in _squeezed_terms("deadline").items() if not any(
            c.isdigit() for c in k)}
        term = _closest(squeeze(text), plain, fuzzy.DEADLINE)
        if term is not None:
            return _standard(term)
    words = []
    for word in re.sub(r"\s*/\s*", "/", text).split():
        spelling = _deadline_words().get(fold(word).lower())
        words.append(spelling if spelling and word.isalpha() else word)
    value = " ".join(words)
    return value[:1].upper() + value[1:]


@cache
def _output_openers() -> dict[str, str]:
    """Squeezed names of document kinds, which open a task's output cell ("Báo cáo", "Kế
    hoạch"): the lexicon's document types of two words, and "Kết quả", "Sản phẩm"."""
    kinds = [term for term in lexicon_terms("doc_type") if len(term.split()) == 2]
    return {squeeze(term): term for term in [*kinds, *_OUTPUT_WORDS]}


def output_opener(words: list[str]) -> str | None:
    """The document kind the first two of `words` name with OCR slips ("Bố Cỡ", "BÁO CÁO"
    -> "Báo cáo"), capitalised as a cell opens; None when they name none."""
    if len(words) < 2 or not words[0][:1].isupper():
        return None
    key = squeeze(" ".join(words[:2]))
    found = process.extractOne(key, _output_openers().keys(), scorer=fuzz.ratio,
                               score_cutoff=fuzzy.OUTPUT_OPENER)
    return _output_openers()[found[0]] if found else None


def is_noise(word: str) -> bool:
    """A word OCR could not read: stray marks in it, or one character that is no number (a
    dash between a name's parts is none)."""
    if word in ("-", "–"):
        return False
    core = _TOKEN_CORE.match(word)[1]
    if not core or _NOISE_CHARS.search(core) or _INNER_PUNCT.search(core):
        return True
    return len(word) == 1 and not word.isdigit()


def clean_cell_text(text: str) -> str:
    """A cell's words without OCR noise: words holding stray marks ("khả'_:[h‘-fc") and
    single characters that are not numbers ("’", "i") are dropped."""
    kept = []
    for word in text.split():
        if is_noise(word):
            continue
        kept.append(_PUNCT_RUN.sub(lambda run: run.group()[-1], word))
    return " ".join(kept).strip(" |")


@cache
def _phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Folded lexicon phrases and names of two words or more (words that go together), by
    their first word."""
    by_first: dict[str, set[tuple[str, ...]]] = {}
    for category in ("phrase", "agency"):
        for term in lexicon_terms(category):
            words = tuple(term_key(term).split())
            if len(words) > 1:
                by_first.setdefault(words[0], set()).add(words)
    return {first: tuple(phrases) for first, phrases in by_first.items()}


def phrase_spans(text: str) -> list[tuple[int, int]]:
    """Where lexicon phrases ("dịch vụ công") stand in `text`: a cell's text is not cut
    inside one."""
    words = split_words(text)
    keys = [term_key(w.group()) for w in words]
    spans = []
    for index, key in enumerate(keys):
        for phrase in _phrases().get(key, ()):
            if tuple(keys[index : index + len(phrase)]) == phrase:
                spans.append((words[index].start(), words[index + len(phrase) - 1].end()))
    return spans

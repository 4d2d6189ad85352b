"""Agency names and deadline words of `dictionaries/vi_admin_terms.txt`, found in OCR text.

Matching runs on folded text (marks stripped, đ -> d, lower case), word by word, with rapidfuzz
for OCR slips ("Phong Vin hoa" for "Phòng Văn hóa"); every match is sliced from the original
line. A name not in the lexicon is still an agency when it starts with an agency head word of
the lexicon ("Trung tâm", "Phòng", …) followed by a capitalised word ("Trung tâm Cung ứng …").
Table cells' values are then given as the lexicon spells them (`canonical_agency`,
`canonical_deadline`, `output_opener`) when a term is that close; a value the lexicon does not
hold stays as read.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex as re
from rapidfuzz import fuzz, process

from pipeline import resources
from pipeline.segment.patterns import fold

# How alike (rapidfuzz ratio) an OCR'd window must be to a lexicon term.
TERM_SIMILARITY = 85
_LAST_WORD_SIMILARITY = 60
_CONTINUATION_SIMILARITY = 75  # the wrapped rest of a name is short: one slip costs more
_FUZZY_HEAD_MIN_WORDS = 3
_FUZZY_HEAD_SIMILARITY = 88
# Words that open another cell ("Báo cáo …", "Kết quả …", "Các thôn"): a name read without the
# lexicon stops before them.
_COLUMN_OPENERS = {"bao", "ket", "cac"}
_NAME_TAIL_MAX_WORDS = 4  # words after the head word of a name the lexicon does not know
_WORD = re.compile(r"[^\s|]+")
_TRAILING_PUNCT = re.compile(r"[^\w]+$")
# Abbreviated bodies, written as such in tables ("UBND xã", "Công an xã").
_ABBREVIATED_HEADS = ("ubnd", "hdnd", "mttq", "ubmttq")

# Deadline words as OCR gives them (folded): "Hằng năm", "Thường xuyên", "Quý II/2026",
# "Tháng 9/2026", "Năm 2026", dates. Vowels may be any OCR slip.
_V = r"[a-z0-9&@]"
DEADLINE = re.compile(
    rf"(?i)(?<![^\W\d_])(?:h{_V}{{1,2}}ng\s*(?:n{_V}{{1,2}}m|th{_V}{{1,2}}ng|qu{_V}|tu{_V}{{1,2}}n"
    rf"|ng{_V}y)|th{_V}{{1,3}}ng\s+x{_V}{{1,2}}y{_V}{{1,2}}n|qu{_V}\s+[IVX1l|]{{1,4}}(?:\s*/\s*\d{{4}})?"
    rf"|th{_V}{{1,2}}ng\s+\d{{1,2}}\s*/\s*\d{{4}}|n{_V}{{1,2}}m\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}}"
    rf"|(?:tr{_V}{{2,3}}c\s+)?ng{_V}y\s+\d{{1,2}}(?![/\d])(?:\s+h{_V}{{1,2}}ng\s+th{_V}{{1,2}}ng)?"
    rf"|d{_V}nh\s+k{_V}|li{_V}n\s+t{_V}c|c{_V}{{1,2}}i\s+n{_V}{{1,2}}m)(?![^\W\d_])"
)


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    term: str | None  # the lexicon term it matched, if any


def _key(text: str) -> str:
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
                heads.add(_key(" ".join(words[:size])))
                break
    return frozenset(heads)


@cache
def _agency_index() -> dict[str, list[tuple[str, str]]]:
    """Agency terms by their first folded word: [(folded term, term)], longest first."""
    index: dict[str, list[tuple[str, str]]] = {}
    for term in lexicon_terms("agency"):
        key = _key(term)
        index.setdefault(key.split()[0], []).append((key, term))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


def _words(text: str) -> list[re.Match]:
    return list(_WORD.finditer(text))


def _best_term(words: list[re.Match], first: int, text: str) -> tuple[int, str] | None:
    """The longest lexicon agency that the words from `first` spell: (last word index, term)."""
    head = _key(words[first].group())
    best = None
    for key, term in _agency_index().get(head, []):
        size = len(key.split())
        if first + size > len(words):
            continue
        window = _key(text[words[first].start() : words[first + size - 1].end()])
        score = fuzz.ratio(window, key)
        # the whole name, not its start with other words after it ("Phòng Văn hóa - Các …")
        ends_alike = fuzz.ratio(window.split()[-1], key.split()[-1]) >= _LAST_WORD_SIMILARITY
        if score >= TERM_SIMILARITY and ends_alike and (best is None or (score, size) > best[0]):
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
        words = _key(term).split()
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
        window = _key(text[words[first].start() : words[last].end()])
        found = process.extractOne(window, keys.keys(), scorer=fuzz.ratio,
                                   score_cutoff=_FUZZY_HEAD_SIMILARITY)
        if found is None:
            continue
        term = keys[found[0]]
        whole = len(_key(term).split()) == size
        if whole or last == len(words) - 1 or words[last].group() == "-":
            best = (last, term)
            break
    return best


def _best_prefix(words: list[re.Match], first: int, text: str) -> tuple[int, str] | None:
    """A lexicon agency wrapped onto the next line: the words up to the line's end, or up to a
    dangling " -", spell the start of the term ("Phòng Văn hóa -" of "Phòng Văn hóa - Xã hội")."""
    head = _key(words[first].group())
    best = None
    for key, term in _agency_index().get(head, []):
        term_words = key.split()
        for size in range(len(term_words) - 1, 1, -1):
            last = first + size - 1
            if last >= len(words):
                continue
            if last != len(words) - 1 and words[last].group() != "-":
                continue  # wrapped names end at the line's end or on a dangling dash
            window = _key(text[words[first].start() : words[last].end()])
            score = fuzz.ratio(window, " ".join(term_words[:size]))
            if score >= TERM_SIMILARITY:
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
        window = " ".join(_key(w.group()) for w in words[first : first + size])
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
        after = _key(words[last + 1].group())
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
    words = [w for w in _words(text) if w.start() >= start]
    found: list[Found] = []
    index = 0
    while index < len(words):
        word = words[index].group()
        key = _key(word)
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
    found = fuzz.partial_ratio_alignment(rest, folded, score_cutoff=_CONTINUATION_SIMILARITY)
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
    words = _key(found.text).split()
    head = words[0] if words else ""
    best = 0
    for key, _term in _agency_index().get(head, []):
        for taken in range(1, len(following) + 1):
            window = " ".join([*words, *(_key(line) for line in following[:taken])])
            if len(window) > len(key) + 3:
                break
            # the whole name, word for word: "Phòng Kinh tế" + "Ngân hàng" is not a name
            whole = len(window.split()) == len(key.split())
            if whole and fuzz.ratio(window, key) >= TERM_SIMILARITY and taken > best:
                best = taken
    return best


# --- canonical spellings ----------------------------------------------------------------------
# A value found with OCR slips ("Phong Vanhda-", "Xa h0i", "Hangnăm") is emitted as the
# lexicon spells it; compared on squeezed keys (folded letters and digits only), since OCR
# glues and splits words as often as it swaps marks.
# A whole value against a whole lexicon term: two slips in a name of 16 letters ("Phong Vin
# hoa X3 hoi") are 87.5.
_CANONICAL_SIMILARITY = 85
_CANONICAL_MIN_CHARS = 6  # shorter keys must match exactly: one slip is too much of them
# A start is shorter than a whole name, and "Văn phòng UBND" must not be taken for the start
# of "Văn phòng Ủy ban …" (88 alike squeezed): a start is held to more.
_START_SIMILARITY = 90
_DEADLINE_SIMILARITY = 85  # deadline terms are short: "hangnarn" for "hangnam" is one slip
# Of two spellings of the same deadline, the standard one of administrative texts.
_STANDARD_SPELLINGS = {"hàng": "hằng"}
_NON_WORD = re.compile(r"[\W_]+")
_TOKEN_CORE = re.compile(r"^[^\w]*(.*?)[^\w]*$")
# Characters OCR leaves in a word it could not read ("khả'_:[h‘-fc", "g(ở"); a cell's word
# holding one is noise, not text.
_NOISE_CHARS = re.compile(r"[^\w\-/&.,;]")
_INNER_PUNCT = re.compile(r"[^\W\d_][;,:][^\W\d_]")  # "thị;l": a word's letters split by a stop
_PUNCT_RUN = re.compile(r"[:;,]{2,}")  # "UBND:;": one stop, the last


def squeeze(text: str) -> str:
    """Folded lower-case letters and digits only: "Phong Vanhda-" -> "phongvanhda"."""
    return _NON_WORD.sub("", fold(text).lower())


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
    return _closest(squeeze(text), _squeezed_terms("agency"), _CANONICAL_SIMILARITY) or text


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
                               score_cutoff=_START_SIMILARITY)
    return Found(0, len(text), text, starts[found[0]][0]) if found else None


def remaining_words(found: Found) -> str | None:
    """The folded words of a lexicon term that its match did not reach ("xa hoi" when OCR
    wrapped "Phòng Văn hóa -" before "Xã hội"), or None when the match is whole. The words
    reached are the term's start most like the match, letters only ("Vanhda" is two words)."""
    if found.term is None:
        return None
    term_words = [w for w in _key(found.term).split() if w != "-"]
    got = squeeze(found.text)
    reached = max(
        range(1, len(term_words) + 1),
        key=lambda size: (fuzz.ratio(got, squeeze(" ".join(term_words[:size]))), -size),
    )
    return " ".join(term_words[reached:]) or None


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
        term = _closest(squeeze(text), plain, _DEADLINE_SIMILARITY)
        if term is not None:
            return _standard(term)
    words = []
    for word in re.sub(r"\s*/\s*", "/", text).split():
        spelling = _deadline_words().get(fold(word).lower())
        words.append(spelling if spelling and word.isalpha() else word)
    value = " ".join(words)
    return value[:1].upper() + value[1:]


# Words opening an output cell besides the names of document kinds.
_OUTPUT_WORDS = ("Kết quả", "Sản phẩm")
_OPENER_SIMILARITY = 80  # "Bố Cỡ" (OCR's "B40 C40" restored) is "Báo cáo" with two slips


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
                               score_cutoff=_OPENER_SIMILARITY)
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
            words = tuple(_key(term).split())
            if len(words) > 1:
                by_first.setdefault(words[0], set()).add(words)
    return {first: tuple(phrases) for first, phrases in by_first.items()}


def phrase_spans(text: str) -> list[tuple[int, int]]:
    """Where lexicon phrases ("dịch vụ công") stand in `text`: a cell's text is not cut
    inside one."""
    words = _words(text)
    keys = [_key(w.group()) for w in words]
    spans = []
    for index, key in enumerate(keys):
        for phrase in _phrases().get(key, ()):
            if tuple(keys[index : index + len(phrase)]) == phrase:
                spans.append((words[index].start(), words[index + len(phrase) - 1].end()))
    return spans


# --- values attested in the same table ----------------------------------------------------------
# A cell OCR garbled with the table's border strokes ("Phon)g(;/ﬁgihoa") is too far from every
# lexicon name to be read against all of them, but its table names few bodies, each in rows
# read cleanly: against those alone, a lower score is evidence enough. Scores are partial
# ratios of letters only (a wrapped name's first line spells only its start).
_ATTESTED_SIMILARITY = 65
_ATTESTED_MARGIN = 10  # over the next value: two bodies alike enough to doubt stay unread
_ATTESTED_MIN_LETTERS = 6  # fewer letters of junk match anything
_ATTESTED_MIN_SHARE = 0.5  # of the value's letters: a common word alone ("Văn hóa") is no name
# Two slips in a name of 16 letters are 87.5 (as for `canonical_agency`): one name.
_SAME_NAME = 85
_NOT_LETTER = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Attested:
    value: str
    score: float
    fragment: int  # which of the fragments it was read in
    start: int  # where in that fragment
    end: int


def letters(text: str) -> str:
    """Folded lower-case letters only, ligatures OCR made spelt out: "Phon)g(;/ﬁgihoa" ->
    "phongfigihoa"."""
    return _NOT_LETTER.sub("", fold(unicodedata.normalize("NFKC", text)).lower())


def _best_window(fragment: str, value_key: str) -> tuple[float, int, int] | None:
    """The run of whole words of `fragment` most like (a start of) the value: (score, start,
    end). Runs are no longer than the value and hold enough of its letters."""
    words = list(_WORD.finditer(fragment))
    floor = max(_ATTESTED_MIN_LETTERS, _ATTESTED_MIN_SHARE * len(value_key))
    best = None
    for first, word in enumerate(words):
        for last in range(first, len(words)):
            key = letters(fragment[word.start() : words[last].end()])
            if len(key) > len(value_key):
                break
            if len(key) < floor:
                continue
            score = fuzz.partial_ratio(key, value_key)
            if best is None or score > best[0]:
                best = (score, word.start(), words[last].end())
    return best


def attested_value(fragments: list[str], values: list[str]) -> Attested | None:
    """The one of `values` (what the same column holds in the table's other rows) that a
    garbled cell's `fragments` spell: scored well enough, and clearly better than any other
    value; None when none is."""
    scored = []
    for key, value in _names(values).items():
        found = [
            (window, index) for index, fragment in enumerate(fragments)
            if (window := _best_window(fragment, key)) is not None
        ]
        if found:
            (score, start, end), index = max(found)
            scored.append(Attested(value, score, index, start, end))
    scored.sort(key=lambda found: -found.score)
    if not scored or scored[0].score < _ATTESTED_SIMILARITY:
        return None
    best, others = scored[0], scored[1:]
    if others and best.score - others[0].score < _ATTESTED_MARGIN:
        return None
    # another value read elsewhere in the text is another cell's name (the text may run on
    # into the next column's cell): which of the two is this column's is not known
    if any(other.score >= _ATTESTED_SIMILARITY and _apart(best, other) for other in others):
        return None
    return best


def _names(values: list[str]) -> dict[str, str]:
    """The names among `values`, by their letters: spellings of one name with OCR slips the
    lexicon did not mend ("Phong Vin hoéa - X3 hoi") are that name, as most rows spell it."""
    names: dict[str, str] = {}
    for value, _ in Counter(values).most_common():
        key = letters(value)
        if key and not any(fuzz.ratio(key, name) >= _SAME_NAME for name in names):
            names[key] = value
    return names


def _apart(one: Attested, other: Attested) -> bool:
    return one.fragment != other.fragment or one.end <= other.start or other.end <= one.start

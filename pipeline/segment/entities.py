"""Entities with spaCy: agencies, deadlines and dates in running text.

A blank Vietnamese pipeline (`use_pyvi` off: whitespace tokens, nothing downloaded) with three
registered components:
- `vi_fold_norm`: each token's NORM is its folded, lower-case form without trailing punctuation
  ("Hóa;" -> "hoa"), so patterns match restored text and English-model OCR alike;
- `entity_ruler` (phrase patterns on NORM): AGENCY from the lexicon's agency terms, DEADLINE
  from its deadline terms, plus token patterns for dates and deadlines ("Quý II/2026",
  "trước ngày 20 tháng 6 hằng năm");
- `vi_place_tail`: an AGENCY followed by a level of government and a capitalised name ("Sở Y tế"
  + "tỉnh Thanh Hóa") takes that place into its span, as issuers are written;
- `vi_references` (Matcher): where each cited document starts (type word, "số", number).
Entities carry `ent._.iso_date` (YYYY-MM-DD when the date is complete, else None).
"""

from __future__ import annotations

from functools import cache

import regex as re
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from pipeline.segment.dates import NGAY_DATE, OCR_VOWEL, SLASH_DATE_WORD, iso_date, token_patterns
from pipeline.segment.patterns import ADMIN_LEVELS
from pipeline.segment.vocabulary import lexicon_terms
from pipeline.text.fold import fold
from pipeline.text.lookalikes import NUMBER_LABEL_TOKEN

_TRAILING_PUNCT = re.compile(r"[^\w/]+$")
_LEADING_PUNCT = re.compile(r"^[^\w]+")
_PLACE_MAX_WORDS = 4

if not Span.has_extension("iso_date"):
    Span.set_extension("iso_date", getter=lambda span: _span_iso_date(span))


def _norm(text: str) -> str:
    folded = fold(text).lower()
    return _TRAILING_PUNCT.sub("", _LEADING_PUNCT.sub("", folded)) or folded


@Language.component("vi_fold_norm")
def fold_norm(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = _norm(token.text)
    return doc


@Language.factory("vi_place_tail", default_config={"max_words": _PLACE_MAX_WORDS})
def make_place_tail(nlp: Language, name: str, max_words: int):
    levels = {level.split()[0]: level.split() for level in ADMIN_LEVELS}

    def place_tail(doc: Doc) -> Doc:
        spans = []
        for ent in doc.ents:
            end = ent.end
            if ent.label_ == "AGENCY" and not _TRAILING_PUNCT.search(doc[end - 1].text):
                end = _place_end(doc, end, levels, max_words)
            spans.append(Span(doc, ent.start, end, label=ent.label_))
        doc.ents = spacy.util.filter_spans(spans)
        return doc

    return place_tail


def _place_end(doc: Doc, start: int, levels: dict[str, list[str]], max_words: int) -> int:
    """After an agency: "tỉnh Thanh Hóa", "xã Đông Sơn Hạ" (a level word, then capitals)."""
    if start >= len(doc):
        return start
    if doc[start - 1].norm_ in levels:  # the name ends on its level ("Đảng ủy xã")
        at = start
    elif doc[start].norm_ in levels:
        level = levels[doc[start].norm_]
        at = start + len(level)
        if [t.norm_ for t in doc[start:at]] != level:
            return start
    else:
        return start
    end = at
    while end < len(doc) and end - at < max_words and doc[end].text[:1].isupper():
        end += 1
        if _TRAILING_PUNCT.search(doc[end - 1].text):
            break
    return end if end > at else start


def _span_iso_date(span: Span) -> str | None:
    text = fold(span.text).lower()
    slash = SLASH_DATE_WORD.search(text.split()[-1]) if text.split() else None
    if slash:
        return iso_date(*slash.groups())
    wordy = NGAY_DATE.search(text)
    return iso_date(*wordy.groups()) if wordy else None


def _token_patterns() -> list[dict]:
    return [
        # abbreviated bodies ("UBND tỉnh …"); the place tail is added by vi_place_tail
        {"label": "AGENCY", "pattern": [{"NORM": {"IN": ["ubnd", "hdnd", "ubmttq", "mttq"]}}]},
        *token_patterns(),  # dates and deadlines (dates.py)
    ]


# Type words of cited documents (folded): "Nghị quyết số 57-NQ/TW", "Quyết định số 1234/QĐ-UBND".
REFERENCE_TYPES = (
    "nghi quyet", "quyet dinh", "ke hoach", "chi thi", "thong tu lien tich", "thong tu",
    "nghi dinh", "luat", "cong van", "thong bao", "huong dan", "chuong trinh", "ket luan",
    "quy dinh", "de an", "bao cao", "to trinh", "phap lenh", "cong dien", "van ban", "quy che",
)


def tolerant(word: str) -> str:
    """A folded word's pattern where each vowel may be any OCR slip ("Ngh1", "K&")."""
    return "".join(
        OCR_VOWEL if c in "aeiouy" else c if c == " " else re.escape(c) for c in word
    )


if not Token.has_extension("fold"):
    Token.set_extension("fold", getter=lambda token: fold(token.text).lower())


@Language.factory("vi_references", default_config={"type_words": list(REFERENCE_TYPES)})
class ReferenceStarts:
    """Where cited documents start: a type word (its vowels OCR-tolerant), "số" maybe, then a
    token opening with the number ("57-NQ/TW", "1234/QĐ-UBND", "57-" before "NQ/TW").
    Spans go to `doc.spans["references"]`; the symbol, date and issuer are read from there on
    (references.py), the issuer from the AGENCY entities."""

    def __init__(self, nlp: Language, name: str, type_words: list[str]):
        self.matcher = Matcher(nlp.vocab)
        number = {"TEXT": {"REGEX": r"^\(?\d"}}
        so = {"_": {"fold": {"REGEX": NUMBER_LABEL_TOKEN}}, "OP": "?"}
        for word in type_words:
            syllables = [{"_": {"fold": {"REGEX": f"^{tolerant(w)}$"}}} for w in word.split()]
            self.matcher.add(word, [[*syllables, so, number]])

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=key) for key, start, end in self.matcher(doc)]
        doc.spans["references"] = spacy.util.filter_spans(spans)
        return doc


@cache
def entity_nlp() -> Language:
    """The pipeline, built once per process (the lexicon patterns take a moment)."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vi_fold_norm")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM"})
    patterns = _token_patterns()
    for category, label in (("agency", "AGENCY"), ("deadline", "DEADLINE")):
        for term in lexicon_terms(category):
            patterns.append({"label": label, "pattern": " ".join(_norm(w) for w in term.split())})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.add_pipe("vi_place_tail")
    nlp.add_pipe("vi_references")
    return nlp


def entities(text: str) -> list[tuple[str, int, int, str]]:
    """(label, start char, end char, text) of every entity in `text`."""
    doc = entity_nlp()(text)
    return [(ent.label_, ent.start_char, ent.end_char, ent.text) for ent in doc.ents]


def agency_at(doc: Doc, offset: int) -> tuple[int, int] | None:
    """The span of the agency (with its place) that starts at character `offset`, if any."""
    for ent in doc.ents:
        if ent.label_ == "AGENCY" and ent.start_char == offset:
            return offset, offset + len(ent.text.rstrip(" ;,.:"))
    return None

"""Restore stage: English-model OCR of Vietnamese -> Vietnamese (noisy channel + syllable LM).

    restore_document(doc) -> doc             fills restored_lines, quality, cell.restored
    restore_lines(lines) -> (lines, changes)
    restore_text(text) -> str

Every line is cut into a token skeleton (`tokens.py`); word tokens get candidate syllables
with costs of the channel learned from OCR'd corpus text (`candidates.py`), terms of the
admin lexicon add bonuses (`lexicon.py`), and a beam Viterbi with the trigram LM picks the
path (`decoder.py`).
The output line is the skeleton with the chosen words put back in the input's casing, so
line count, spacing and punctuation never change. `Restorer` holds the loaded resources;
the module functions share one default instance.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

from pipeline.model import Change, Document
from pipeline.restore.candidates import (
    ONSETS,
    PRECOMPUTED_PATH,
    Candidate,
    CandidateIndex,
    decompose,
    scoring_fingerprint,
)
from pipeline.restore.channel_data import fold
from pipeline.restore.decoder import (
    EPSILON,
    Slot,
    beam_viterbi_batch,
    local_confidences_batch,
)
from pipeline.restore.lexicon import Lexicon
from pipeline.restore.lm import COMMA_TOKEN
from pipeline.restore.tokens import (
    Token,
    is_clause_stop,
    restore_protected,
    split_glued,
    tokenize_line,
)
from pipeline.text.fold import strip_marks
from pipeline.text.lookalikes import DIGIT_OF_LETTER
from pipeline.text.syllables import to_official_tone, to_official_tones

__all__ = ["Restorer", "default_restorer", "restore_document", "restore_lines", "restore_text"]

LOW_CONFIDENCE = 0.5
# A text is taken as typed (or OCR'd by a Vietnamese model) when this share of its words
# holds letters no English OCR model can produce (ư ơ ă đ ạ ả ...), or when most words carry
# some mark (real Vietnamese: ~87% of words; English OCR of it: ~20%). Then its words are
# scored by the Vietnamese-model channel (which knows that model reads "kể" as "kế", "chi"
# as "chỉ", and on a real scan "cầu" as "câu"), a syllable may change its marks only, and
# every change costs `clean_text_change` more: correct words stay as they are unless the LM
# strongly disagrees ("kế từ ngày" -> "kể từ ngày", "yêu câu" -> "yêu cầu").
CLEAN_SHARE = 0.25
CLEAN_MARKED_SHARE = 0.5
# A vie slip changes one mark of a syllable (a tone, a hook or grave lost over a circumflex);
# a correct word turned into another with two marks changed ("hiến đất" -> "đặt", which the
# LM liked from "lắp đặt, tháo dỡ") pays this for each mark beyond the first.
EXTRA_MARK_CHANGE = 1.0
GLUE_MIN_PRIOR = 0.75  # both halves of a glued word: spellings seen > ~1000 times
GLUE_MAX_SINGLE_COST = 5.0  # a cheaper one-syllable reading beats splitting the token
GLUE_MAX_HALF_COST = 2.5
LEXICON_CANDIDATES = 32  # per word, searched for lexicon terms
DIGIT_CHANGE = 1.5
SPECK_MAX_LEN = 2  # word tokens this short may be specks the decoder drops
# What dropping a speck costs the decoder. A lone consonant is often a word whose rhyme
# OCR lost ("B" = Bộ), and two letters before a word starting with them may be a word
# ("da dạng"), so they cost most; vowels ("a", "oe") and a letter read twice before its
# word ("c cứu") less; a letter alone in the last clause of its line ("Điều này. a")
# least, as the LM likes a letter alone in a clause (list items "a) ...").
SPECK_COST = 6.0
LIGHT_SPECK_COST = 4.0
LAST_CLAUSE_SPECK_COST = 2.0
# A letter standing alone read as the digit it looks like (lookalikes.DIGIT_OF_LETTER) costs:
LOOKALIKE_COST = 3.0
# A placeholder's extra readings: the FILL_KEEP of the FILL_POOL most frequent syllables
# that fit its neighbours best, each at FILL_COST (about a two-letter change).
FILL_POOL = 300
FILL_KEEP = 20
FILL_COST = 6.0
SPECK_MIN_READING = 2.5  # ... and whose best reading as a syllable costs at least this
OCR_SYMBOLS = frozenset("&¢¥@|")  # what English OCR makes of marked letters inside words
SYMBOL_KEEP_COST = 4.0
RHYMELESS_COST = 5.0  # a bare onset read as one of its syllables (see _add_rhymeless)
RHYMELESS_CANDIDATES = 30
NAME_LETTER_CHANGE = 4.0  # a person name's syllable read with other letters
NAME_FORM_BONUS = 5.0  # a surname's and a middle name's usual spelling in a sure name
# Common Vietnamese surnames by their letters without marks, with their usual spelling: a
# Title-case run starting with one is taken for a person's name (see _person_name_words)
_SURNAME_SPELLINGS = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trịnh", "Mai", "Lương", "Cao", "Lâm", "Tạ", "Hà",
    "Trương", "Đoàn", "Vương", "Quách", "Lưu", "Tô", "Châu", "Thái", "Tăng", "Hứa", "Kiều",
    "Triệu", "Chu", "Lại", "Mạc", "Tống", "Khuất", "Nông", "Lò",
]
SURNAMES = {strip_marks(name).lower(): name.lower() for name in _SURNAME_SPELLINGS}
# Middle names that make a run a person's name for sure ("Vu Thi Hanh"; a two-word run
# like "Do Son" may be a place, Đồ Sơn): then surname and middle name take their usual form
MIDDLE_NAMES = {
    strip_marks(name).lower(): name.lower()
    for name in ["Văn", "Thị", "Đức", "Hữu", "Ngọc", "Quốc", "Đình", "Xuân", "Công", "Trọng", "Bá"]
}
RARE_COUNT = 800  # syllables seen fewer times in the LM corpus pay ln(800 / (count + 1))
_MOSTLY_CAPS = 0.6
# Long texts are restored in chunks of about this many characters (a plan has 20-100k), long
# lines in pieces of at most this many (see Restorer.restore_lines); a decoding unit of more
# positions than this is cut after a clause stop.
CHUNK_CHARS = 100_000
PIECE_CHARS = 2_000
MAX_UNIT_POSITIONS = 1_000
_PIECE_CUT = regex.compile(r"[.;:!?]\s+|\s+")


def _pieces(line: str) -> list[str]:
    """A line cut into pieces of at most PIECE_CHARS characters that give it back joined:
    after the last clause stop and its spaces in each piece's reach, else after its last
    space, else (no space at all) anywhere."""
    pieces = []
    while len(line) > PIECE_CHARS:
        window = line[:PIECE_CHARS]
        ends = [m.end() for m in _PIECE_CUT.finditer(window) if m.end() < len(window)]
        stops = [m.end() for m in _PIECE_CUT.finditer(window)
                 if window[m.start()] in ".;:!?" and m.end() < len(window)]
        cut = (stops or ends or [PIECE_CHARS])[-1]
        if cut < PIECE_CHARS // 4 and ends:  # a stop only early on: a later space is better
            cut = max(cut, ends[-1])
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def _chunks(lines: Sequence[str]):
    """(line index, piece) lists of about CHUNK_CHARS characters, in order: each line in its
    pieces (`_pieces`), a chunk ending at a line's or a piece's end."""
    chunk, size = [], 0
    for li, line in enumerate(lines):
        for piece in _pieces(line) if len(line) > PIECE_CHARS else [line]:
            if chunk and size + len(piece) > CHUNK_CHARS:
                yield chunk
                chunk, size = [], 0
            chunk.append((li, piece))
            size += len(piece) + 1
    if chunk:
        yield chunk


@lru_cache(maxsize=1 << 16)
def _official_lower(word: str) -> str:
    return to_official_tone(unicodedata.normalize("NFC", word).lower())


@dataclass(frozen=True, slots=True)
class RestoreSettings:
    lm_weight: float = 0.7  # tuned on the tan_phu pair and held-out corpus paragraphs
    beam_width: int = 16
    decode_candidates: int = 30  # per word, after pre-ranking by channel cost + unigram
    unigram_weight: float = 0.5  # pre-ranking only
    lexicon_bonus: float = 1.0


def _is_vietnamese_only(word: str) -> bool:
    """Letters beyond Latin-1: only Vietnamese typing or OCR writes them."""
    return any(ord(ch) > 0xFF and ch.isalpha() for ch in unicodedata.normalize("NFC", word))


def _is_marked(word: str) -> bool:
    """A mark other than é/è: English OCR writes é for most ê and ô, real text seldom."""
    return any(ord(ch) > 0x7F and ch.isalpha() and ch not in "éèëÉÈË" for ch in word)


def looks_clean(words: Sequence[str], use_marked: bool = True) -> bool:
    """Is this text typed Vietnamese rather than English-model OCR of it? (A single OCR
    line may be half marked, so lines are judged on native letters only.)"""
    if not words:
        return False
    native = sum(map(_is_vietnamese_only, words)) / len(words)
    marked = sum(map(_is_marked, words)) / len(words)
    return native >= CLEAN_SHARE or (use_marked and marked >= CLEAN_MARKED_SHARE)


def marks_changed(typed: str, syllable: str) -> int:
    """Marks in which two spellings of the same letters differ: the tone, and each letter's
    circumflex, breve, horn or stroke ("đất" / "đặt": 2; "tô" / "tổ": 1)."""
    first, second = [decompose(ch) for ch in typed], [decompose(ch) for ch in syllable]
    modifiers = sum(a[1] != b[1] for a, b in zip(first, second, strict=False))
    tones = ({tone for _, _, tone in first} - {""}, {tone for _, _, tone in second} - {""})
    return modifiers + (tones[0] != tones[1])


def _apply_casing(pattern: str, syllable: str, caps_line: bool) -> str:
    """Give the restored syllable the OCR token's casing: CAPS, Title or lower."""
    letters = [ch for ch in pattern if ch.isalpha()]
    if not letters:  # a number read for a syllable ("6" = ở) takes the line's case
        return syllable.upper() if caps_line else syllable
    uppers = sum(ch.isupper() for ch in letters)
    if (len(letters) >= 2 and uppers == len(letters)) or (caps_line and uppers):
        return syllable.upper()
    if letters[0].isupper():
        return syllable[:1].upper() + syllable[1:]
    return syllable


def _next_text(tokens: Sequence[Token], ti: int) -> str:
    return tokens[ti + 1].text if ti + 1 < len(tokens) else ""


_SPECK = Candidate("", 0.0)  # "no word here": OCR read a speck of dirt as letters

_SHORT_NUMBER = regex.compile(r"^\d{1,2}$")


def _inside_words(tokens: Sequence[Token], ti: int) -> bool:
    """A short number after a word, one space apart, and before a word or a clause's end
    ("nhà 6 có", "thuốc 14,", "nhà 6.")."""
    if not _SHORT_NUMBER.match(tokens[ti].text) or ti < 2:
        return False
    if tokens[ti - 1].text != " " or tokens[ti - 2].kind != "word":
        return False
    after = tokens[ti + 1 : ti + 3]
    if [t.text for t in after[:1]] == [" "]:  # a word or a number after it: "số 17/2017"
        return len(after) == 2 and after[1].kind in ("word", "protected")
    return bool(after) and after[0].text in ",.;" and (
        len(after) == 1 or after[1].kind == "space")


def _is_stray_mark(tokens: Sequence[Token], ti: int) -> bool:
    """A speck read as a stop mark, not the end of a clause, so the LM context runs on: a
    mark standing alone between spaces ("lao : dong"), or a period anywhere, with a
    lower-case word after it ("an. ninh": a sentence after a period starts with a capital)."""
    before = tokens[ti - 1] if ti > 0 else None
    after = tokens[ti + 1 : ti + 3]
    lower_word_next = (len(after) == 2 and after[0].kind == "space"
                       and after[1].kind == "word" and after[1].text[:1].islower())
    alone = before is not None and before.kind == "space"
    return lower_word_next and (alone or tokens[ti].text == ".")


def _stands_apart(tokens: Sequence[Token], ti: int) -> bool:
    """A space (or the line's edge) before the token, and a space, a stop mark or the edge
    after it: specks stand apart; "k" in "k=2" or "s" in "/s" belong to their neighbours."""
    before = tokens[ti - 1] if ti > 0 else None
    after = tokens[ti + 1] if ti + 1 < len(tokens) else None
    return ((before is None or before.kind == "space")
            and (after is None or after.kind == "space" or after.text in ".,;:"))


def _is_vowel_speck_shape(text: str) -> bool:
    return len(text) <= 2 and text.isalpha() and text[0].lower() in "aeiouy"


def _is_line_end_letter(tokens: Sequence[Token], ti: int) -> bool:
    """One or two letters starting with a vowel in a line's tail of such tokens ("... hành
    chính. e", "hợp lệ. oe oo oe"): often specks in the margin; the LM keeps what is a word
    there ("bảo đảm an")."""
    return all(_is_vowel_speck_shape(t.text) for t in tokens[ti:]
               if t.kind not in ("space", "punct"))


def _stutter(tokens: Sequence[Token], ti: int) -> bool:
    """Letters OCR read twice: the start of the next word, one space before it ("c cứu",
    "t trừ", "ti tin"). Two letters cost more to drop: "da dạng" is "đa dạng"."""
    text = strip_marks(tokens[ti].text).lower()
    if len(text) > 2 or not text.isalpha() or ti + 2 >= len(tokens):
        return False
    space, nxt = tokens[ti + 1], tokens[ti + 2]
    following = strip_marks(nxt.text).lower()
    return (space.text == " " and nxt.kind == "word" and len(following) > len(text)
            and following.startswith(text))


def _is_label(tokens: Sequence[Token], ti: int) -> bool:
    """A capital consonant between two words: a label ("hạng B áp dụng", "nhóm C gồm")."""
    text = tokens[ti].text
    if len(text) != 1 or not text.isupper() or text in "AEIOUY" or not 2 <= ti < len(tokens) - 2:
        return False
    return tokens[ti - 2].kind == "word" and tokens[ti + 2].kind == "word" and (
        tokens[ti - 1].text == tokens[ti + 1].text == " ")


def _ends_line(tokens: Sequence[Token], ti: int) -> bool:
    """Nothing but spaces and marks after the token: where margin specks are."""
    return all(t.kind in ("space", "punct") for t in tokens[ti + 1 :])


def _alone_in_clause(tokens: Sequence[Token], ti: int) -> bool:
    """Nothing but spaces, marks and other specks of the line's tail between the token and
    a clause stop (or the line's start) before it."""
    for t in reversed(tokens[:ti]):
        if is_clause_stop(t):
            return True
        if t.kind not in ("space", "punct") and not _is_vowel_speck_shape(t.text):
            return False
    return True


def _drop_space_beside(tokens: Sequence[Token], output: list[str], ti: int) -> None:
    """A dropped speck takes one of the spaces around it along (the one before it first)."""
    for k in (ti - 1, ti + 1):
        if 0 <= k < len(tokens) and tokens[k].kind == "space" and output[k] == tokens[k].text:
            output[k] = tokens[k].text[1:]
            return


def _letters_differ(ocr: str, cands: Sequence[Candidate]) -> np.ndarray:
    """1.0 for each candidate spelled with other letters than the OCR token, marks aside."""
    letters = strip_marks(ocr).lower()
    return np.array([0.0 if c.kept or strip_marks(c.syllable) == letters else 1.0
                     for c in cands])


def _list_marker(tokens: Sequence[Token]) -> int | None:
    """Index of the token holding a line's list letter ("d" of "- d) ..."), if any."""
    meaningful = [i for i, t in enumerate(tokens) if t.kind != "space"]
    for k, i in enumerate(meaningful[:3]):
        tok = tokens[i]
        if tok.kind == "word":
            follows = tokens[meaningful[k + 1]].text if k + 1 < len(meaningful) else ""
            return i if len(tok.text) == 1 and follows.startswith(")") else None
    return None


def _restore_list_markers(tokenized: Sequence[Sequence[Token]], outputs: list[list[str]],
                          doc_clean: bool) -> None:
    """Lettered lists run a) b) c) d) đ) e): English OCR reads đ) as a second d), so a "d)"
    right after a "d)" marker is put back to "đ)" (typed text keeps what it has)."""
    if doc_clean:
        return
    previous = None
    for li, toks in enumerate(tokenized):
        at = _list_marker(toks)
        if at is None:
            continue
        letter = toks[at].text
        if letter in "dD" and previous in ("d", "D"):
            outputs[li][at] = "đ" if letter == "d" else "Đ"
        previous = letter


def _is_caps_line(tokens: Sequence[Token]) -> bool:
    words = [t.text for t in tokens if t.kind == "word" and sum(c.isalpha() for c in t.text) > 1]
    if not words:
        return False
    caps = sum(
        sum(c.isupper() for c in w) >= max(2, sum(c.isalpha() for c in w) - 1) for w in words
    )
    return caps / len(words) >= _MOSTLY_CAPS


class Restorer:
    """Loaded resources (candidate index, LM, lexicon) and the restoring logic."""

    def __init__(self, index: CandidateIndex, lm, lexicon: Lexicon, settings=None):
        self.index = index
        self.lm = lm
        self.lexicon = lexicon
        self.settings = settings or RestoreSettings()
        self._slot_cache: dict[tuple[str, bool], tuple[list[Candidate], np.ndarray, np.ndarray]]
        self._slot_cache = {}
        self._official_cache: dict[str, str] = {}
        self._glue_cache: dict[str, int | None] = {}
        self._set_cache: dict[str, frozenset[str]] = {}
        self._fill_ids: np.ndarray | None = None
        self._vocab_counts = np.array([lm.count(w) for w in lm.vocab], dtype=np.int64)
        index.set_spelling_frequencies(lm.count)
        index.use_precomputed(PRECOMPUTED_PATH, self.scoring_fingerprint())
        # The LM gives <unk> the mass of every rare token together; a syllable (or a kept
        # foreign token) outside the LM vocabulary gets its share: that mass over the
        # number of rare syllables. Without it "unk unk unk" paths win (rare tokens cluster).
        inventory = sorted(index.syllables)
        inventory_ids = lm.ids(inventory)
        rare = int(np.count_nonzero(inventory_ids == lm.unk))
        self._syllable_ids = dict(zip(inventory, inventory_ids.tolist(), strict=True))
        self.unk_syllable_cost = float(np.log(rare + 1.0))
        self._rarity_by_id = self._rarity_table()
        self._by_onset = self._syllables_by_onset()
        # an LM trained with commas as tokens gets them as context ("Chính phủ, Tỉnh ủy":
        # a list goes on after a comma, where without it "Chính phủ trình" would win)
        comma = lm.id(COMMA_TOKEN)
        self._comma_id = None if comma == lm.unk else comma

    def scoring_fingerprint(self) -> str:
        """Fingerprint of what this restorer's English candidates depend on."""
        vocab = "\n".join(self.lm.vocab).encode()
        return scoring_fingerprint(vocab + self._vocab_counts.tobytes())

    @classmethod
    def load(cls, lm_path: Path | None = None, lexicon_path: Path | None = None) -> Restorer:
        from pipeline.restore.lm import SyllableLM

        settings = RestoreSettings()
        return cls(
            CandidateIndex.load(),
            SyllableLM.load(lm_path),
            Lexicon.load(lexicon_path, bonus=settings.lexicon_bonus),
            settings,
        )

    # ---------------------------------------------------------------- tokens
    def tokenize(self, line: str) -> list[Token]:
        tokens = tokenize_line(unicodedata.normalize("NFC", line), self.index.is_spelling)
        tokens = [self._caps_words(tok) for tok in tokens]
        for _ in range(2):  # a token may hold three glued syllables ("PHOIHOPVOI")
            tokens = [part for tok in tokens for part in split_glued(tok, self._glue_point)]
        return tokens

    def _caps_words(self, tok: Token) -> Token:
        """An all-caps token taken for an abbreviation is a word when it is glued syllables
        ("GHICHU", "VIPHAM" in a heading): abbreviations never split into two spellings."""
        text = tok.text
        if tok.kind != "protected" or not text.isalpha() or not text.isupper() or len(text) < 5:
            return tok
        return Token(text, "word") if self._glue_point(text) is not None else tok

    def _glue_point(self, word: str) -> int | None:
        """`_find_glue_point`, cached: words repeat."""
        if word in self._glue_cache:
            return self._glue_cache[word]
        if len(self._glue_cache) > 200_000:
            self._glue_cache.clear()
        got = self._glue_cache[word] = self._find_glue_point(word)
        return got

    def _find_glue_point(self, word: str) -> int | None:
        """Where OCR glued two syllables ("quocgia", "cacco"): the word is no syllable and
        unknown to the LM, and it splits into two attested spellings; the split whose
        spellings are most frequent wins."""
        if word[:1] == "|":  # a table border glued on ("|quocgia")
            inner = self._find_glue_point(word[1:]) if len(word) > 1 else None
            return None if inner is None else inner + 1
        apostrophe = next((k for k in range(2, len(word) - 2) if word[k] in "'’"), None)
        if apostrophe is not None:
            return self._apostrophe_glue_point(word, apostrophe)
        if len(word) < 5 or not word.isalpha() or not (word[1:].islower() or word.isupper()):
            return None
        lower = unicodedata.normalize("NFC", word).lower()
        plain = strip_marks(lower)
        if self.index.is_spelling(plain) or self.lm.id(lower) != self.lm.unk:
            return None
        if self._reads_as_one_syllable(word):
            return None
        prior = self.index.spelling_prior
        best, best_k = GLUE_MIN_PRIOR, None
        for k in range(2, len(plain) - 1):
            left, right = plain[:k], plain[k:]
            if left in prior and right in prior and min(prior[left], prior[right]) > best:
                best, best_k = min(prior[left], prior[right]), k
        if best_k is None:
            best_k = self._three_glued(plain)
        return best_k if best_k is not None else self._garbled_glue_point(word)

    def _three_glued(self, plain: str) -> int | None:
        """The first split point of three glued syllables ("phoihopvoi"), all three frequent
        spellings; the second split is found when the rest is looked at again."""
        if len(plain) < 7:  # shorter ones are one garbled syllable ("diéme"), not three
            return None
        prior = self.index.spelling_prior
        best, best_k = GLUE_MIN_PRIOR, None
        for i in range(1, len(plain) - 3):
            for j in range(i + 2, len(plain) - 1):
                parts = (plain[:i + 1], plain[i + 1:j], plain[j:])
                if all(part in prior for part in parts):
                    score = min(prior[part] for part in parts)
                    if score > best:
                        best, best_k = score, i + 1
        return best_k

    def _apostrophe_glue_point(self, word: str, k: int) -> int | None:
        """An apostrophe inside a word is a hook or horn English OCR split off ("phu’ong" =
        phương) unless the word has no cheap reading as one syllable: then it is a speck
        between two words ("co'sé" = cơ sở)."""
        best = self.index.candidates(word)[:1]
        if best and not best[0].kept and best[0].cost < GLUE_MAX_SINGLE_COST:
            return None
        return k

    def _garbled_glue_point(self, word: str) -> int | None:
        """Two garbled syllables glued ("déivéi" = đối với): the split whose halves both
        have a cheap reading by the learned channel, cheapest together."""
        best, best_k = 2 * GLUE_MAX_HALF_COST, None
        for k in range(3, len(word) - 2):  # halves of 3+ letters: garbled pairs are long
            halves = [self.index.candidates(part)[:1] for part in (word[:k], word[k:])]
            if all(h and not h[0].kept and h[0].cost < GLUE_MAX_HALF_COST for h in halves):
                total = halves[0][0].cost + halves[1][0].cost
                if total < best:
                    best, best_k = total, k
        return best_k

    def _reads_as_one_syllable(self, word: str) -> bool:
        """The OCR pairs saw this token as one syllable ("ngudi" = người), or the learned
        channel finds a syllable it is a cheap reading of: then it is no glued pair."""
        learned = self.index.learned
        if learned is None:
            return False
        if learned.seen_as(word):
            return True
        best = self.index.candidates(word)[:1]
        return bool(best) and not best[0].kept and best[0].cost < GLUE_MAX_SINGLE_COST

    def _word_candidates(self, word: str, clean: bool):
        """Candidates pre-ranked and cut to the decoding width, cached per (word, regime)."""
        key = (word, clean)
        cached = self._slot_cache.get(key)
        if cached is not None:
            return cached
        settings = self.settings
        identity = _official_lower(word)
        if clean and len(identity) == 1:
            # a lone letter in typed text stays what it is (list markers: "điểm đ", "khoản b")
            kept = identity not in self.index.syllables
            result = ([Candidate(word if kept else identity, 0.0, kept=kept)],
                      self.lm.ids([identity]), np.zeros(1))
            self._slot_cache[key] = result
            return result
        cands = self.index.candidates(word, clean)
        if clean and identity in self.index.syllables:
            # typed text or Vietnamese-model OCR: a syllable may change its marks (that
            # model reads "kể" as "kế"), never its letters (a rare "ấp" is not "cấp")
            letters = strip_marks(identity)
            cands = [c for c in cands if c.kept or strip_marks(c.syllable) == letters]
        costs = np.fromiter((c.cost for c in cands), dtype=np.float64, count=len(cands))
        kept = np.fromiter((c.kept for c in cands), dtype=bool, count=len(cands))
        same = np.fromiter((c.syllable == identity for c in cands), dtype=bool, count=len(cands))
        if clean:
            costs += np.fromiter((self._clean_change_cost(identity, c) for c in cands),
                                 dtype=np.float64, count=len(cands))
        # a kept token is a foreign word or OCR junk: <unk> unless the LM knows the word
        # ("s6" must not pass for a number)
        unk = self.lm.unk
        kept_id = unk if any(ch.isdigit() for ch in identity) else self.lm.id(identity)
        lm_id = self._syllable_ids.get
        ids = np.fromiter((kept_id if c.kept else lm_id(c.syllable, unk) for c in cands),
                          dtype=np.int64, count=len(cands))
        # (typed text keeps its rare words: no <unk> share for the identity there)
        rarity = self._rarity_by_id[ids]
        rarity[kept & (ids != self.lm.unk)] = 0.0
        if clean:
            rarity[same] = 0.0
        costs += rarity
        if not clean and any(ch in OCR_SYMBOLS for ch in word):
            costs[kept] += SYMBOL_KEEP_COST  # "x&", "D&": no word is written with these
        if not clean and identity in self._by_onset:
            cands, ids, costs, kept, same = self._add_rhymeless(identity, cands, ids, costs,
                                                                kept, same)
        prior = costs - settings.unigram_weight * self.lm.unigram_logprob(ids)
        top = np.argsort(prior, kind="stable")[: settings.decode_candidates]
        must = np.flatnonzero(kept | same).tolist()
        keep = list(dict.fromkeys([*top.tolist(), *must]))
        chosen = [cands[i] for i in keep]
        result = (chosen, ids[keep], costs[keep])
        if len(self._slot_cache) > 200_000:
            self._slot_cache.clear()
        self._slot_cache[key] = result
        return result

    def _clean_change_cost(self, identity: str, cand: Candidate) -> float:
        """What changing a word of clean text costs on top of its channel cost: nothing to
        keep it; `clean_text_change` for a change of marks, and EXTRA_MARK_CHANGE for every
        further mark changed at once."""
        if cand.kept or cand.syllable == identity:
            return 0.0
        extra = max(0, marks_changed(identity, cand.syllable) - 1) * EXTRA_MARK_CHANGE
        return self.index.channel.clean_text_change + extra

    def _add_rhymeless(self, onset: str, cands, ids, costs, kept, same):
        """A bare onset ("s", "th") is a syllable whose marked rhyme English OCR lost ("Kế
        hoạch s 12/KH" = số): its most frequent syllables join at RHYMELESS_COST, the LM
        picks."""
        have = {c.syllable for c in cands}
        extra = [s for s in self._by_onset[onset] if s not in have]
        extra_ids = self.lm.ids(extra)
        extra_costs = RHYMELESS_COST + self._rarity_by_id[extra_ids]
        none = np.zeros(len(extra), dtype=bool)
        return ([*cands, *(Candidate(s, RHYMELESS_COST) for s in extra)],
                np.concatenate([ids, extra_ids]), np.concatenate([costs, extra_costs]),
                np.concatenate([kept, none]), np.concatenate([same, none]))

    def _syllables_by_onset(self) -> dict[str, list[str]]:
        """Onset -> its RHYMELESS_CANDIDATES most frequent syllables (longest onset wins:
        "nghị" is ngh-, not ng- or n-)."""
        onsets = sorted((o for o in ONSETS if o), key=len, reverse=True)
        groups: dict[str, list[str]] = {o: [] for o in onsets}
        for syllable in self.index.syllables:
            onset = next((o for o in onsets if syllable.startswith(o)), None)
            if onset is not None and len(syllable) > len(onset):
                groups[onset].append(syllable)
        return {o: sorted(group, key=lambda s: (-self.lm.count(s), s))[:RHYMELESS_CANDIDATES]
                for o, group in groups.items()}

    def _speck_cost(self, tokens: Sequence[Token], ti: int) -> float | None:
        """What dropping the word costs, or None when it may not be dropped."""
        if len(tokens[ti].text) > SPECK_MAX_LEN or not _stands_apart(tokens, ti):
            return None
        if _is_line_end_letter(tokens, ti):
            return LAST_CLAUSE_SPECK_COST if _alone_in_clause(tokens, ti) else LIGHT_SPECK_COST
        if _stutter(tokens, ti):
            return LIGHT_SPECK_COST if len(tokens[ti].text) == 1 else SPECK_COST
        if _is_label(tokens, ti):
            return None
        if self._may_be_speck(tokens[ti].text):
            return LIGHT_SPECK_COST if tokens[ti].text[0].lower() in "aeiouy" else SPECK_COST
        return None

    def _may_be_speck(self, word: str) -> bool:
        """A short token that is no cheap reading of any syllable ("oe", "ee", "eS"): it may
        be dirt OCR read as letters, and the decoder may drop it. Short words it reads well
        ("xa", "co", "s6") are never dropped: the LM alone must not delete words."""
        if len(word) > SPECK_MAX_LEN or not word.isalpha():  # "x&", "X3": garbled letters
            return False
        if len(word) > 1 and word[0].lower() not in "aeiouy":  # "sb": a garbled word, "số"
            return False
        best = next((c.cost for c in self.index.candidates(word) if not c.kept), None)
        return best is None or best >= SPECK_MIN_READING

    def _digit_candidates(self, digits: str):
        """A short number after a word (`_inside_words`) may be a syllable English OCR read
        as digits ("nhà 6 có" = nhà ở có, "thuốc 14," = thuốc lá): the number itself (as
        <num>, free) and the channel's readings of it, each paying `DIGIT_CHANGE` on top."""
        key = (digits, "digits")
        cached = self._slot_cache.get(key)
        if cached is not None:
            return cached
        cands, ids, costs = self._word_candidates(digits, False)
        keep = [i for i, c in enumerate(cands) if not c.kept]
        result = (
            [Candidate(digits, 0.0, kept=True), *(cands[i] for i in keep)],
            np.concatenate([[self.lm.num], ids[keep]]).astype(np.int64),
            np.concatenate([[0.0], costs[keep] + DIGIT_CHANGE]),
        )
        self._slot_cache[key] = result
        return result

    def _official(self, text: str) -> str:
        """Official tone placement for a single syllable ("hoá" -> "hóa"); other tokens
        (glued "cơsở", codes, foreign words) are left as they are. Cached: tokens repeat."""
        got = self._official_cache.get(text)
        if got is None:
            got = text
            if self.index.is_spelling(strip_marks(text).lower()):
                got = to_official_tones(text)
            if len(self._official_cache) > 200_000:
                self._official_cache.clear()
            self._official_cache[text] = got
        return got

    def _rarity_table(self) -> np.ndarray:
        """`_rarity_cost` of a (not kept) syllable by its LM id, for vectorised lookup."""
        table = np.maximum(0.0, np.log(RARE_COUNT / (self._vocab_counts + 1.0)))
        table[self.lm.unk] = self.unk_syllable_cost
        return table

    def _rarity_cost(self, cand: Candidate, lm_id: int) -> float:
        """<unk>'s share for syllables the LM does not know; for ones it saw only a few
        times (often typos in the corpus) a cost too, since their n-grams are overconfident."""
        if lm_id == self.lm.unk:
            return self.unk_syllable_cost
        if cand.kept:
            return 0.0
        count = self.lm.count(cand.syllable)
        return max(0.0, np.log(RARE_COUNT / (count + 1.0))) if count < RARE_COUNT else 0.0

    def _is_comma(self, tok: Token) -> bool:
        return self._comma_id is not None and tok.kind == "punct" and tok.text == COMMA_TOKEN

    def _fixed_id(self, text: str) -> int:
        if any(ch.isdigit() for ch in text):
            return self.lm.num
        return self.lm.id(text.lower())

    # ---------------------------------------------------------------- lines
    def restore_lines(self, lines: Sequence[str]) -> tuple[list[str], list[Change]]:
        """Restore lines; the output has exactly as many lines, and the changed tokens.

        A text of more than CHUNK_CHARS characters is restored a chunk of lines at a time
        (each judged typed or OCR'd on its own words), and a line longer than PIECE_CHARS a
        piece at a time (cut after a clause's end where there is one, else at a space): time
        grows with the text's length, and memory with the chunk's, not the text's."""
        if (sum(map(len, lines)) <= CHUNK_CHARS
                and all(len(line) <= PIECE_CHARS for line in lines)):
            return self._restore_block(lines)
        restored: list[list[str]] = [[] for _ in lines]
        changes: list[Change] = []
        for chunk in _chunks(lines):
            out, found = self._restore_block([piece for _, piece in chunk])
            for (li, _), text in zip(chunk, out, strict=True):
                restored[li].append(text)
            changes.extend(c.model_copy(update={"line": chunk[c.line][0]}) for c in found)
        return ["".join(pieces) for pieces in restored], changes

    def _restore_block(self, lines: Sequence[str]) -> tuple[list[str], list[Change]]:
        """`restore_lines` of a text small enough to be restored at once."""
        tokenized = [self.tokenize(line) for line in lines]
        words = [t.text for toks in tokenized for t in toks if t.kind == "word"]
        doc_clean = looks_clean(words)
        outputs = [[t.text for t in toks] for toks in tokenized]
        confidences: dict[tuple[int, int], float] = {}
        caps = [_is_caps_line(toks) for toks in tokenized]
        self._decode_units(self._units(tokenized, caps), tokenized, outputs, confidences,
                           doc_clean, caps)
        _restore_list_markers(tokenized, outputs, doc_clean)
        restored_lines, changes = [], []
        for li, toks in enumerate(tokenized):
            for ti, tok in enumerate(toks):
                if tok.kind == "protected" and outputs[li][ti] == tok.text:
                    outputs[li][ti] = restore_protected(tok.text)
                outputs[li][ti] = self._official(outputs[li][ti])
                if outputs[li][ti] != tok.text and tok.kind != "space":  # (a dropped speck's)
                    conf = confidences.get((li, ti), 0.9)
                    # built from checked values: pydantic's validation would cost ~5% of
                    # the restore time on English OCR, where most words change
                    changes.append(Change.model_construct(
                        line=li, ocr=tok.text, restored=outputs[li][ti],
                        confidence=round(conf, 4)))
            restored_lines.append(unicodedata.normalize("NFC", "".join(outputs[li])))
        return restored_lines, changes

    def _units(self, tokenized: list[list[Token]],
               caps: list[bool]) -> list[list[tuple[int, int]]]:
        """Decoding units: (line, token) positions of words, protected tokens and clause
        stops. A unit goes on across a line break when the line does not end a clause and
        the next starts with a word in the same case style (a wrapped sentence, not a new
        item "- ...", "2. ..." or a heading); otherwise it ends there."""
        units: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int]] = []
        for li, toks in enumerate(tokenized):
            first = next((t for t in toks if t.kind != "space"), None)
            continues = (
                current and first is not None and first.kind == "word"
                and not self._ends_clause(tokenized[li - 1])
                and caps[li] == caps[li - 1]
            )
            if current and not continues:
                units.append(current)
                current = []
            for ti, tok in enumerate(toks):
                stop = is_clause_stop(tok) and not _is_stray_mark(toks, ti)
                if tok.kind in ("word", "protected") or stop or self._is_comma(tok):
                    current.append((li, ti))
        if current:
            units.append(current)
        return [part for unit in units for part in self._split_long(unit, tokenized)]

    @staticmethod
    def _split_long(unit: list[tuple[int, int]], tokenized) -> list[list[tuple[int, int]]]:
        """A unit of more than MAX_UNIT_POSITIONS positions cut after clause stops: the
        decoder restarts at every stop anyway (`beam_viterbi`), but steps through a unit's
        positions one by one, so that one very long unit (a long line) would be decoded a
        word at a time instead of in step with the others."""
        if len(unit) <= MAX_UNIT_POSITIONS:
            return [unit]
        parts, current = [], []
        for li, ti in unit:
            current.append((li, ti))
            if len(current) >= MAX_UNIT_POSITIONS // 2 and is_clause_stop(tokenized[li][ti]):
                parts.append(current)
                current = []
        if current:
            parts.append(current)
        return parts

    @staticmethod
    def _ends_clause(tokens: list[Token]) -> bool:
        meaningful = [t for t in tokens if t.kind != "space"]
        return not meaningful or is_clause_stop(meaningful[-1])

    def _decode_units(self, units, tokenized, outputs, confidences, doc_clean: bool,
                      caps: list[bool]) -> None:
        """Build every unit's slots, decode them all in one batch, write the choices."""
        settings = self.settings
        clean_lines = {li for li, toks in enumerate(tokenized)
                       if doc_clean or self._line_is_clean(toks)}
        caps_lines = {li for li, is_caps in enumerate(caps) if is_caps}
        all_slots, all_cands = [], []
        names: dict[int, dict[int, int | None]] = {}  # per line, for all its units
        for unit in units:
            slots, word_cands = self._unit_slots(unit, tokenized, clean_lines, names)
            self._add_lexicon_bonuses(unit, tokenized, slots, word_cands, clean_lines)
            self._fill_placeholders(unit, tokenized, slots, word_cands, clean_lines)
            all_slots.append(slots)
            all_cands.append(word_cands)
        choices = beam_viterbi_batch(self.lm, all_slots, settings.lm_weight, settings.beam_width)
        confs = local_confidences_batch(self.lm, all_slots, choices, settings.lm_weight)
        for unit, word_cands, unit_choices, unit_confs in zip(
            units, all_cands, choices, confs, strict=True
        ):
            for pos, (li, ti) in enumerate(unit):
                cands = word_cands[pos]
                if cands is None or cands[unit_choices[pos]].kept:
                    continue
                tok = tokenized[li][ti]
                syllable = cands[unit_choices[pos]].syllable
                if syllable == _official_lower(tok.text):
                    continue  # unchanged word: keep its own casing ("Tiểu" in a caps line)
                outputs[li][ti] = _apply_casing(tok.text, syllable, li in caps_lines)
                confidences[(li, ti)] = unit_confs[pos]
                if cands[unit_choices[pos]] is _SPECK:
                    _drop_space_beside(tokenized[li], outputs[li], ti)

    def _unit_slots(self, unit, tokenized, clean_lines, names=None):
        slots: list[Slot | None] = []
        word_cands: list[list[Candidate] | None] = []
        names = {} if names is None else names
        for li in {li for li, _ in unit} - names.keys():
            names[li] = self._person_name_words(tokenized[li])
        for li, ti in unit:
            tok = tokenized[li][ti]
            if tok.kind == "word":
                # a list marker ("d)", "a)") is a letter, never a syllable to restore
                marker = len(tok.text) == 1 and _next_text(tokenized[li], ti).startswith(")")
                cands, ids, costs = self._word_candidates(tok.text, li in clean_lines or marker)
                slots.append(Slot(ids.copy(), costs.copy()))
                word_cands.append(list(cands))
                if ti in names[li]:
                    self._price_name_word(slots[-1], word_cands[-1], tok.text, names[li][ti])
                elif li not in clean_lines and not marker and (
                        speck_cost := self._speck_cost(tokenized[li], ti)) is not None:
                    slots[-1].ids = np.append(slots[-1].ids, EPSILON)
                    slots[-1].costs = np.append(slots[-1].costs, speck_cost)
                    word_cands[-1].append(_SPECK)
                if li not in clean_lines and tok.text in DIGIT_OF_LETTER and _stands_apart(
                        tokenized[li], ti) and not _ends_line(tokenized[li], ti):
                    slots[-1].ids = np.append(slots[-1].ids, self.lm.num)
                    slots[-1].costs = np.append(slots[-1].costs, LOOKALIKE_COST)
                    word_cands[-1].append(Candidate(DIGIT_OF_LETTER[tok.text], 0.0))
            elif tok.kind == "protected" and li not in clean_lines and _inside_words(
                    tokenized[li], ti):
                cands, ids, costs = self._digit_candidates(tok.text)
                slots.append(Slot(ids.copy(), costs.copy()))
                word_cands.append(list(cands))
            elif tok.kind == "protected" or self._is_comma(tok):
                fixed = self._comma_id if tok.kind == "punct" else self._fixed_id(
                    restore_protected(tok.text))
                slots.append(Slot(np.array([fixed], dtype=np.int64), np.zeros(1)))
                word_cands.append(None)
            else:
                slots.append(None)
                word_cands.append(None)
        return slots, word_cands

    def _fill_placeholders(self, unit, tokenized, slots, word_cands, clean_lines) -> None:
        """A placeholder (`LearnedChannel.placeholders`: "ae" for a word OCR could not read)
        may be any word: the frequent syllables that best fit between its neighbours' likeliest
        readings join its candidates, at `FILL_COST`."""
        placeholders = self.index.learned.placeholders if self.index.learned else frozenset()
        for pos, (li, ti) in enumerate(unit):
            tok = tokenized[li][ti]
            if (word_cands[pos] is None or li in clean_lines or tok.kind != "word"
                    or fold(tok.text) not in placeholders):
                continue
            left2, left1 = self._likeliest(slots, pos, -1, 2)
            (right1,) = self._likeliest(slots, pos, 1, 1)
            pool = self._fill_pool()
            n = len(pool)
            fit = (self.lm.logprob_batch(np.full(n, left2), np.full(n, left1), pool)
                   + self.lm.logprob_batch(np.full(n, left1), pool, np.full(n, right1)))
            have = set(slots[pos].ids.tolist())
            best = [i for i in np.argsort(-fit, kind="stable") if pool[i] not in have][:FILL_KEEP]
            slots[pos].ids = np.concatenate([slots[pos].ids, pool[best]])
            slots[pos].costs = np.concatenate([slots[pos].costs, np.full(len(best), FILL_COST)])
            word_cands[pos].extend(Candidate(self.lm.vocab[i], FILL_COST) for i in pool[best])

    def _likeliest(self, slots, pos: int, step: int, count: int) -> list[int]:
        """LM ids of the cheapest candidates of the `count` slots next to `pos` (going by
        `step`), nearest last when going left; a clause edge stands for <s> or </s>."""
        edge = self.lm.bos if step < 0 else self.lm.eos
        out, k = [], pos + step
        while len(out) < count:
            slot = slots[k] if 0 <= k < len(slots) else None
            if slot is None:
                out.extend([edge] * (count - len(out)))
                break
            costs = np.where(slot.ids == EPSILON, np.inf, slot.costs)  # a speck is no word
            out.append(int(slot.ids[int(np.argmin(costs))]))
            k += step
        return out[::-1] if step < 0 else out

    def _fill_pool(self) -> np.ndarray:
        """LM ids of the FILL_POOL most frequent syllables."""
        if self._fill_ids is None:
            ids = np.array([self._syllable_ids[s] for s in sorted(self.index.syllables)
                            if self._syllable_ids[s] != self.lm.unk], dtype=np.int64)
            order = np.argsort(-self._vocab_counts[ids], kind="stable")
            self._fill_ids = ids[order[:FILL_POOL]]
        return self._fill_ids

    def _price_name_word(self, slot: Slot, cands: list[Candidate], text: str,
                         position: int | None) -> None:
        """A name keeps its letters; in a sure name (`position` given) the surname and the
        middle name also take their usual spelling ("Vũ", "Thị": the LM would say "vụ thi"),
        put among the candidates when the pre-ranking left it out ("Đặng")."""
        plain = strip_marks(text).lower()
        usual = {0: SURNAMES, 1: MIDDLE_NAMES}.get(position, {}).get(plain)
        if usual and all(c.syllable != usual for c in cands):
            cands.append(Candidate(usual, 0.0))
            slot.ids = np.append(slot.ids, self.lm.id(usual))
            slot.costs = np.append(slot.costs, 0.0)
        slot.costs += NAME_LETTER_CHANGE * _letters_differ(text, cands)
        if usual:
            slot.costs -= NAME_FORM_BONUS * np.array([c.syllable == usual for c in cands])

    def _person_name_words(self, tokens: Sequence[Token]) -> dict[int, int | None]:
        """Token indices of person names: a run of two to four Title-case words that starts
        with a common surname ("Le Van Thinh"), each a syllable's spelling as it stands.
        The LM knows few names and would trade their letters for frequent words ("Lê Văn
        Thanh"); English OCR loses a name's marks far more often than its letters. (Their
        marks are still the LM's choice, and it knows names poorly: "Vu" may come out
        "Vụ", not "Vũ".)"""
        found: dict[int, int | None] = {}  # token index -> position in a sure name, or None
        words = [i for i, t in enumerate(tokens) if t.kind == "word"]
        run: list[int] = []
        for i in [*words, None]:
            text = tokens[i].text if i is not None else ""
            adjacent = run and i is not None and all(
                t.kind == "space" for t in tokens[run[-1] + 1 : i])
            if i is not None and self._is_name_word(text) and (not run or adjacent):
                run.append(i)
                continue
            plain = [strip_marks(tokens[k].text).lower() for k in run]
            if 2 <= len(run) <= 4 and plain[0] in SURNAMES:
                sure = len(run) >= 3 and plain[1] in MIDDLE_NAMES
                found.update({k: (pos if sure else None) for pos, k in enumerate(run)})
            run = [i] if i is not None and self._is_name_word(text) else []
        return found

    def _is_name_word(self, text: str) -> bool:
        return (text[:1].isupper() and text[1:].islower() and text.isalpha()
                and self.index.is_spelling(strip_marks(text).lower()))

    def _add_lexicon_bonuses(self, unit, tokenized, slots, word_cands, clean_lines) -> None:
        """Bonuses for the candidates that spell a lexicon term; a term syllable the
        pre-ranking cut away (a rare place name, say) is put back into its slot."""
        word_positions = [p for p, c in enumerate(word_cands) if c is not None]
        if not word_positions or not self.lexicon.size:
            return
        ocr_words = [tokenized[unit[p][0]][unit[p][1]].text for p in word_positions]
        # terms may use candidates beyond the decoding width (typed text: only its own)
        clean = [unit[p][0] in clean_lines for p in word_positions]
        cand_sets = [
            frozenset(c.syllable for c in word_cands[p] if not c.kept) if is_clean
            else self._lexicon_set(w)
            for p, w, is_clean in zip(word_positions, ocr_words, clean, strict=True)
        ]
        for (k, syllable), gain in self.lexicon.bonuses(ocr_words, cand_sets).items():
            pos = word_positions[k]
            where = next((ci for ci, c in enumerate(word_cands[pos])
                          if c.syllable == syllable and not c.kept), None)
            if where is None:
                if unit[pos][0] in clean_lines or gain < self.lexicon.bonus:
                    continue  # typed text, or weak evidence (not a capitalised name)
                full = self.index.candidates(ocr_words[k])[:LEXICON_CANDIDATES]
                where = self._add_candidate(slots[pos], word_cands[pos], full, syllable)
            slots[pos].costs[where] -= gain

    def _lexicon_set(self, word: str) -> frozenset[str]:
        """The syllables a word may be when lexicon terms are searched, cached per word."""
        got = self._set_cache.get(word)
        if got is None:
            cands = self.index.candidates(word)[:LEXICON_CANDIDATES]
            got = frozenset(c.syllable for c in cands if not c.kept)
            if len(self._set_cache) > 200_000:
                self._set_cache.clear()
            self._set_cache[word] = got
        return got

    def _add_candidate(self, slot: Slot, cands: list[Candidate], full, syllable: str) -> int:
        """Append a syllable from the full candidate list to a decoding slot."""
        cand = next(c for c in full if c.syllable == syllable and not c.kept)
        lm_id = int(self.lm.id(syllable))
        cands.append(cand)
        slot.ids = np.append(slot.ids, lm_id)
        slot.costs = np.append(slot.costs, cand.cost + self._rarity_cost(cand, lm_id))
        return len(cands) - 1

    @staticmethod
    def _line_is_clean(tokens: Sequence[Token]) -> bool:
        return looks_clean([t.text for t in tokens if t.kind == "word"], use_marked=False)

    # ---------------------------------------------------------------- documents
    def restore_cells(self, texts: Sequence[str]) -> list[str]:
        """Restore many short texts in one batch; an empty line between two texts keeps
        their words out of each other's LM context."""
        lines: list[str] = []
        spans = []
        for text in texts:
            parts = text.split("\n")
            spans.append((len(lines), len(parts)))
            lines.extend([*parts, ""])
        restored, _ = self.restore_lines(lines)
        return ["\n".join(restored[start : start + n]) for start, n in spans]

    def restore_text(self, text: str) -> str:
        lines = text.split("\n")
        restored, _ = self.restore_lines(lines)
        return "\n".join(restored)

    def restore_document(self, doc: Document) -> Document:
        """Fill restored_lines, the quality block and every table cell's `restored`."""
        restored, changes = self.restore_lines(doc.ocr_lines)
        cells = [cell for page in doc.pages for table in page.tables for cell in table.cells]
        for cell, text in zip(cells, self.restore_cells([c.text for c in cells]), strict=True):
            cell.restored = text
        doc.restored_lines = restored
        doc.quality.changes = changes
        doc.quality.changed_tokens = len(changes)
        doc.quality.low_confidence_tokens = sum(c.confidence < LOW_CONFIDENCE for c in changes)
        return doc


@lru_cache(maxsize=1)
def default_restorer() -> Restorer:
    return Restorer.load()


def restore_lines(lines: Sequence[str]) -> tuple[list[str], list[Change]]:
    return default_restorer().restore_lines(lines)


def restore_text(text: str) -> str:
    return default_restorer().restore_text(text)


def restore_document(doc: Document) -> Document:
    return default_restorer().restore_document(doc)

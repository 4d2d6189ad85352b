"""What a token's neighbours on its line say about it: standing apart, ending the line, a list
letter, a stray stop mark, a letter read twice. Plain functions of (tokens, index)."""

from __future__ import annotations

from collections.abc import Sequence

import regex

from pipeline.restore.tokens import Token, is_clause_stop
from pipeline.text.fold import strip_marks

_SHORT_NUMBER = regex.compile(r"^\d{1,2}$")


def next_text(tokens: Sequence[Token], ti: int) -> str:
    return tokens[ti + 1].text if ti + 1 < len(tokens) else ""


def is_list_letter(tokens: Sequence[Token], ti: int) -> bool:
    """A list marker's letter ("d)", "a)"): a letter, never a syllable to restore."""
    return len(tokens[ti].text) == 1 and next_text(tokens, ti).startswith(")")


def list_marker(tokens: Sequence[Token]) -> int | None:
    """Index of the token holding a line's list letter ("d" of "- d) ..."), if any."""
    meaningful = [i for i, t in enumerate(tokens) if t.kind != "space"]
    for k, i in enumerate(meaningful[:3]):
        tok = tokens[i]
        if tok.kind == "word":
            follows = tokens[meaningful[k + 1]].text if k + 1 < len(meaningful) else ""
            return i if len(tok.text) == 1 and follows.startswith(")") else None
    return None


def inside_words(tokens: Sequence[Token], ti: int) -> bool:
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


def is_stray_mark(tokens: Sequence[Token], ti: int) -> bool:
    """A speck read as a stop mark, not the end of a clause, so the LM context runs on: a
    mark standing alone between spaces ("lao : dong"), or a period anywhere, with a
    lower-case word after it ("an. ninh": a sentence after a period starts with a capital)."""
    before = tokens[ti - 1] if ti > 0 else None
    after = tokens[ti + 1 : ti + 3]
    lower_word_next = (len(after) == 2 and after[0].kind == "space"
                       and after[1].kind == "word" and after[1].text[:1].islower())
    alone = before is not None and before.kind == "space"
    return lower_word_next and (alone or tokens[ti].text == ".")


def stands_apart(tokens: Sequence[Token], ti: int) -> bool:
    """A space (or the line's edge) before the token, and a space, a stop mark or the edge
    after it: specks stand apart; "k" in "k=2" or "s" in "/s" belong to their neighbours."""
    before = tokens[ti - 1] if ti > 0 else None
    after = tokens[ti + 1] if ti + 1 < len(tokens) else None
    return ((before is None or before.kind == "space")
            and (after is None or after.kind == "space" or after.text in ".,;:"))


def is_vowel_speck_shape(text: str) -> bool:
    return len(text) <= 2 and text.isalpha() and text[0].lower() in "aeiouy"


def is_line_end_letter(tokens: Sequence[Token], ti: int) -> bool:
    """One or two letters starting with a vowel in a line's tail of such tokens ("... hành
    chính. e", "hợp lệ. oe oo oe"): often specks in the margin; the LM keeps what is a word
    there ("bảo đảm an")."""
    return all(is_vowel_speck_shape(t.text) for t in tokens[ti:]
               if t.kind not in ("space", "punct"))


def stutter(tokens: Sequence[Token], ti: int) -> bool:
    """Letters OCR read twice: the start of the next word, one space before it ("c cứu",
    "t trừ", "ti tin"). Two letters cost more to drop: "da dạng" is "đa dạng"."""
    text = strip_marks(tokens[ti].text).lower()
    if len(text) > 2 or not text.isalpha() or ti + 2 >= len(tokens):
        return False
    space, nxt = tokens[ti + 1], tokens[ti + 2]
    following = strip_marks(nxt.text).lower()
    return (space.text == " " and nxt.kind == "word" and len(following) > len(text)
            and following.startswith(text))


def is_label(tokens: Sequence[Token], ti: int) -> bool:
    """A capital consonant between two words: a label ("hạng B áp dụng", "nhóm C gồm")."""
    text = tokens[ti].text
    if len(text) != 1 or not text.isupper() or text in "AEIOUY" or not 2 <= ti < len(tokens) - 2:
        return False
    return tokens[ti - 2].kind == "word" and tokens[ti + 2].kind == "word" and (
        tokens[ti - 1].text == tokens[ti + 1].text == " ")


def ends_line(tokens: Sequence[Token], ti: int) -> bool:
    """Nothing but spaces and marks after the token: where margin specks are."""
    return all(t.kind in ("space", "punct") for t in tokens[ti + 1 :])


def alone_in_clause(tokens: Sequence[Token], ti: int) -> bool:
    """Nothing but spaces, marks and other specks of the line's tail between the token and
    a clause stop (or the line's start) before it."""
    for t in reversed(tokens[:ti]):
        if is_clause_stop(t):
            return True
        if t.kind not in ("space", "punct") and not is_vowel_speck_shape(t.text):
            return False
    return True

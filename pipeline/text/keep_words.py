"""Keep-words: words and phrases the restorer must leave as they are read.

A reviewer who corrects a place or person name the restorer got wrong ("Cái Tường" back to
"Cái Bường") lists it in a keep-words file, so that the corrected text fed back in, or the
scan run again, keeps it. The file is UTF-8 text, one word or phrase a line; "#" starts a
comment (to the end of the line); blank lines are ignored. Each entry is NFC with the official
tone placement ("Thuỷ" is "Thủy") and its spaces collapsed; its case is kept as given (for
people reading the list), but it matches a text's words whatever their case.

`--keep-words FILE` names one; a `keep-words.txt` in an input folder, or in a folder between
it and an input file, applies to the inputs below it (`default_files`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.text.syllables import to_official_tones

DEFAULT_NAME = "keep-words.txt"  # the user's file found next to the inputs
MAX_FILE_BYTES = 1_000_000  # a word list is small: anything larger is the wrong file
MAX_PHRASE_WORDS = 8  # a name or a term; a longer line is a sentence pasted by mistake


class KeepWordsError(ValueError):
    """The file cannot be read or has a line that is no word or phrase; the message names the
    file (and the line)."""


@dataclass(frozen=True)
class KeepWords:
    """The entries of one or more keep-words files, in file order, each once."""

    entries: tuple[str, ...] = ()

    def keys(self) -> list[str]:
        """Each entry as it is matched: lower case (official tones, NFC)."""
        return [match_key(entry) for entry in self.entries]

    def fingerprint(self) -> str | None:
        """A short hash of what the list matches (None for an empty list): recorded with the
        outputs, so that `run --incremental` redoes an input when its list changed. Case and
        order do not change what is matched, so they do not change the hash."""
        keys = sorted(set(self.keys()))
        if not keys:
            return None
        return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:16]

    def __bool__(self) -> bool:
        return bool(self.entries)


def match_key(text: str) -> str:
    """How an entry or a text's word is compared: NFC, official tones, lower case."""
    return to_official_tones(text).lower()


def merge(lists: Iterable[KeepWords]) -> KeepWords:
    """One list of several, each entry once (the first spelling of it kept)."""
    seen: set[str] = set()
    entries: list[str] = []
    for keep in lists:
        for entry in keep.entries:
            key = match_key(entry)
            if key not in seen:
                seen.add(key)
                entries.append(entry)
    return KeepWords(tuple(entries))


def parse_keep_words(text: str, source: str) -> KeepWords:
    """The entries of a keep-words file's text; `source` names it in errors."""
    entries: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        entry = _entry(raw, f"{source}: line {number}")
        if entry:
            entries.append(entry)
    return merge([KeepWords(tuple(entries))])


def _entry(raw: str, where: str) -> str:
    """A line's entry ("" for a blank or comment line); KeepWordsError when it is none."""
    line = raw.split("#", 1)[0].lstrip("\ufeff")
    if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in line):
        raise KeepWordsError(f"{where}: control character in {raw!r}: not a word list")
    words = unicodedata.normalize("NFC", line).split()
    if not words:
        return ""
    if not any(ch.isalpha() for ch in line):
        raise KeepWordsError(f"{where}: {line.strip()!r} has no letters: not a word")
    if len(words) > MAX_PHRASE_WORDS:
        raise KeepWordsError(f"{where}: {len(words)} words: a line holds one word or a phrase "
                             f"of at most {MAX_PHRASE_WORDS}")
    return to_official_tones(" ".join(words))


def read_keep_words(path: Path) -> KeepWords:
    """The entries of the keep-words file at `path`; KeepWordsError, saying why, when it
    cannot be read, is not UTF-8 text, or has a line that is no word or phrase."""
    try:
        if not path.is_file():
            raise KeepWordsError(f"{path}: no such file" if not path.exists()
                                 else f"{path}: not a regular file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise KeepWordsError(f"{path}: {size} bytes: too large for a word list "
                                 f"(at most {MAX_FILE_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise KeepWordsError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise KeepWordsError(f"{path}: line {line}: not UTF-8 text (byte {exc.start})") from exc
    return parse_keep_words(text, str(path))


def default_files(file: Path, root: Path) -> list[Path]:
    """The `keep-words.txt` files that apply to input `file` found under folder `root` (the
    folder named on the command line, or a named file's own folder): the one in `root`
    first, then those of the folders down to the file's own."""
    folders = [root]
    for part in file.parent.relative_to(root).parts:
        folders.append(folders[-1] / part)
    return [folder / DEFAULT_NAME for folder in folders if (folder / DEFAULT_NAME).exists()]

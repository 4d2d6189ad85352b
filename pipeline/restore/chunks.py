"""Long texts in pieces: a text is restored a chunk of lines at a time, a long line a piece at a
time, so that time grows with the text's length and memory with the chunk's (a plan has
20-100k characters)."""

from __future__ import annotations

from collections.abc import Sequence

import regex

CHUNK_CHARS = 100_000
PIECE_CHARS = 2_000
_PIECE_CUT = regex.compile(r"[.;:!?]\s+|\s+")


def fits_at_once(lines: Sequence[str]) -> bool:
    """Small enough to be restored in one block: no chunks, no pieces."""
    return sum(map(len, lines)) <= CHUNK_CHARS and all(len(line) <= PIECE_CHARS
                                                       for line in lines)


def pieces(line: str) -> list[str]:
    """A line cut into pieces of at most PIECE_CHARS characters that give it back joined:
    after the last clause stop and its spaces in each piece's reach, else after its last
    space, else (no space at all) anywhere."""
    out = []
    while len(line) > PIECE_CHARS:
        window = line[:PIECE_CHARS]
        ends = [m.end() for m in _PIECE_CUT.finditer(window) if m.end() < len(window)]
        stops = [m.end() for m in _PIECE_CUT.finditer(window)
                 if window[m.start()] in ".;:!?" and m.end() < len(window)]
        cut = (stops or ends or [PIECE_CHARS])[-1]
        if cut < PIECE_CHARS // 4 and ends:  # a stop only early on: a later space is better
            cut = max(cut, ends[-1])
        out.append(line[:cut])
        line = line[cut:]
    out.append(line)
    return out


def chunks(lines: Sequence[str]):
    """(line index, piece) lists of about CHUNK_CHARS characters, in order: each line in its
    pieces (`pieces`), a chunk ending at a line's or a piece's end."""
    chunk, size = [], 0
    for li, line in enumerate(lines):
        for piece in pieces(line) if len(line) > PIECE_CHARS else [line]:
            if chunk and size + len(piece) > CHUNK_CHARS:
                yield chunk
                chunk, size = [], 0
            chunk.append((li, piece))
            size += len(piece) + 1
    if chunk:
        yield chunk

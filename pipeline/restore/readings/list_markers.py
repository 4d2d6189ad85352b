"""Lettered lists run a) b) c) d) đ) e): English OCR reads đ) as a second d), so a "d)" right
after a "d)" marker is put back to "đ)" (typed text keeps what it has). Works on the output
after decoding."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.restore.positions import list_marker
from pipeline.restore.tokens import Token


def restore_list_markers(tokenized: Sequence[Sequence[Token]], outputs: list[list[str]],
                         doc_clean: bool) -> None:
    if doc_clean:
        return
    previous = None
    for li, toks in enumerate(tokenized):
        at = list_marker(toks)
        if at is None:
            continue
        letter = toks[at].text
        if letter in "dD" and previous in ("d", "D"):
            outputs[li][at] = "đ" if letter == "d" else "Đ"
        previous = letter

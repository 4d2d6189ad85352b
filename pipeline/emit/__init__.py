"""The emit stage: a finished Document -> NAME.json, .md, .ocr.txt, .restored.txt,
.changes.txt, .review.html, and with `run --pdf` NAME.pdf (`pipeline.emit.pdf`).

The files are written into a staging folder beside their place and moved into place only
when all of them exist, the JSON last (see `write_outputs`): an input that fails leaves the
outputs of an earlier run as they were, and a NAME.json always comes with its companions.
NAME may have folders in it ("2025/scan"): they are made under the output folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.emit.changes import render_changes
from pipeline.emit.markdown import render_markdown
from pipeline.emit.pdf import PDF_ERRORS, render_pdf
from pipeline.emit.review import render_review
from pipeline.emit.schema import validate
from pipeline.errors import OutputError
from pipeline.model import PAGE_BREAK, Document

log = logging.getLogger("pipeline")

SUFFIXES = (".json", ".md", ".ocr.txt", ".restored.txt", ".changes.txt", ".review.html")
PDF_SUFFIX = ".pdf"  # the searchable PDF, written when asked for (`run --pdf`) and possible


def output_paths(out_dir: Path, name: str, pdf: bool = False) -> list[Path]:
    """The files of `name` (which may be a relative path: "2025/scan"), JSON first; NAME.pdf
    last when `pdf`."""
    return [out_dir / f"{name}{suffix}" for suffix in SUFFIXES + ((PDF_SUFFIX,) if pdf else ())]


@dataclass(frozen=True)
class PdfSource:
    """The input NAME.pdf is made from: its pages are the PDF's pages (`pipeline.emit.pdf`)."""

    path: Path  # the input file itself
    kind: str  # "pdf" or "image"


def render_outputs(document: Document, name: str,
                   pdf: PdfSource | None = None) -> dict[str, str | bytes]:
    """The files' contents, by suffix (NAME.pdf's, bytes, when `pdf` is given). Validates the
    JSON against the published schema."""
    payload = document.to_public_json()
    validate(payload)
    breaks = page_break_lines(document)
    contents: dict[str, str | bytes] = {
        ".json": json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
        ".md": render_markdown(document),
        ".ocr.txt": _text_file(document.ocr_lines, breaks),
        ".restored.txt": _text_file(document.text_lines, breaks),
        ".changes.txt": render_changes(document, name),
        ".review.html": render_review(document, name),
    }
    if pdf is not None:
        made = _pdf_or_none(document, pdf)
        if made is not None:
            contents[PDF_SUFFIX] = made
    return contents


def _pdf_or_none(document: Document, pdf: PdfSource) -> bytes | None:
    """NAME.pdf, or None (with a warning) when the input's PDF structure or image cannot be
    carried over: the other outputs are the input's result all the same."""
    try:
        return render_pdf(document, pdf.path, pdf.kind)
    except PDF_ERRORS as error:
        log.warning("%s: no NAME.pdf: %s", pdf.path.name, error)
        return None


# A staging folder is named after the process writing it, so that a later run can tell one
# left behind by a killed run (its process is gone) from one another run is filling now.
STAGING_PREFIX = ".vn-plan-staging."


def write_outputs(document: Document, out_dir: Path, name: str,
                  pdf: PdfSource | None = None, keep_old_pdf: bool = False) -> list[Path]:
    """Write the files of `name`, replacing an earlier set only once all of them are made;
    NAME.pdf too when `pdf` says what it is made from.

    The JSON marks a complete set: the old one is removed just before the others are moved in
    and the new one is moved in last, so NAME.json never stands beside files of another run (a
    run killed in between leaves no NAME.json: the set is seen as not done). A NAME.pdf of an
    earlier run goes with the old JSON when this set has none (unless `keep_old_pdf`: it is
    not ours, an input has that name).
    """
    contents = render_outputs(document, name, pdf)
    targets = [out_dir / f"{name}{suffix}" for suffix in contents]  # the JSON first
    folder = targets[0].parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=f"{STAGING_PREFIX}{os.getpid()}."))
    except OSError as exc:
        raise OutputError(f"{folder}: {exc.strerror or exc}") from exc
    try:
        for target, content in zip(targets, contents.values(), strict=True):
            if isinstance(content, bytes):
                (staging / target.name).write_bytes(content)
            else:
                (staging / target.name).write_text(content, encoding="utf-8")
        targets[0].unlink(missing_ok=True)
        if PDF_SUFFIX not in contents and not keep_old_pdf:
            output_paths(out_dir, name, pdf=True)[-1].unlink(missing_ok=True)
        for target in [*targets[1:], targets[0]]:
            (staging / target.name).replace(target)
    except OSError as exc:
        raise OutputError(f"{folder}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets


def clean_staging(out_dir: Path) -> list[Path]:
    """Remove staging folders that runs killed while writing left under `out_dir`; those of
    runs still going are kept. Returns what was removed."""
    removed = []
    for top, dirs, _ in os.walk(out_dir):
        for name in list(dirs):
            if name.startswith(STAGING_PREFIX) and not _writer_alive(name):
                shutil.rmtree(Path(top, name), ignore_errors=True)
                removed.append(Path(top, name))
                dirs.remove(name)
    return removed


def _writer_alive(staging_name: str) -> bool:
    pid = staging_name[len(STAGING_PREFIX):].split(".")[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def page_break_lines(document: Document) -> set[int]:
    """Indices of the lines that stand between two pages: blank, on no page."""
    if len(document.page_lines) != len(document.ocr_lines):
        return set()  # a text input: its lines stand nowhere
    return {li for li, line in enumerate(document.page_lines)
            if line.page is None and not line.text and not document.ocr_lines[li]}


def _text_file(lines: list[str], breaks: set[int]) -> str:
    return "".join((PAGE_BREAK if li in breaks and not line else
                    unicodedata.normalize("NFC", line)) + "\n" for li, line in enumerate(lines))

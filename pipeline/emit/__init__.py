"""The emit stage: a finished Document -> NAME.json, .md, .ocr.txt, .restored.txt, .diff.

Files are written to a temporary folder inside the output folder and moved into place only
when all five exist, so an input that fails never leaves partial output behind.
"""

from __future__ import annotations

import glob
import json
import shutil
import tempfile
import unicodedata
from pathlib import Path

from pipeline.emit.diff import render_diff
from pipeline.emit.markdown import render_markdown
from pipeline.emit.schema import validate
from pipeline.errors import OutputError
from pipeline.model import Document

SUFFIXES = (".json", ".md", ".ocr.txt", ".restored.txt", ".diff")


def output_paths(out_dir: Path, name: str) -> list[Path]:
    return [out_dir / f"{name}{suffix}" for suffix in SUFFIXES]


def render_outputs(document: Document, name: str) -> dict[str, str]:
    """The five files' contents, by suffix. Validates the JSON against the published schema."""
    payload = document.to_public_json()
    validate(payload)
    restored = document.restored_lines if document.restored_lines is not None \
        else document.ocr_lines
    return {
        ".json": json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
        ".md": render_markdown(document),
        ".ocr.txt": _text_file(document.ocr_lines),
        ".restored.txt": _text_file(restored),
        ".diff": render_diff(document, name),
    }


def write_outputs(document: Document, out_dir: Path, name: str) -> list[Path]:
    contents = render_outputs(document, name)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=f".{name}.") as staging:
            for suffix, text in contents.items():
                (Path(staging) / f"{name}{suffix}").write_text(text, encoding="utf-8")
            targets = output_paths(out_dir, name)
            for target in targets:
                (Path(staging) / target.name).replace(target)
    except OSError as exc:
        remove_outputs(out_dir, name)
        raise OutputError(f"{out_dir}: {exc.strerror or exc}") from exc
    return targets


def remove_outputs(out_dir: Path, name: str) -> None:
    """Delete whatever outputs `name` has in `out_dir` (a failed input leaves none)."""
    if not out_dir.is_dir():
        return
    for path in output_paths(out_dir, name):
        path.unlink(missing_ok=True)
    for leftover in out_dir.glob(f".{glob.escape(name)}.*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _text_file(lines: list[str]) -> str:
    return "".join(unicodedata.normalize("NFC", line) + "\n" for line in lines)

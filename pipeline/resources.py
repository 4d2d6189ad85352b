"""Every file the pipeline reads at run time, found in the installed package
(`importlib.resources`): a wheel install reads the same files as a checkout, wherever the
current folder is. A file that is not there is an error (`MissingData`, E203, exit 6), never
an empty result: restore without its lexicon or model would quietly restore worse, segment
would fail every input.

The lexicon users edit stays `dictionaries/vi_admin_terms.txt` at the top of the repository;
`pipeline/data/vi_admin_terms.txt` is a symbolic link to it, which a built wheel holds as a
copy of its content (tests/test_resources.py builds one and runs it). Where each file comes
from: pipeline/data/PROVENANCE.md and dictionaries/README.md.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pipeline.errors import MissingData

PACKAGE = "pipeline"

# The files, by what they hold (names relative to the package).
LEXICON = "data/vi_admin_terms.txt"  # administrative terms: restore's phrases, segment's names
SYLLABLES = "data/vi_syllables.txt"  # the Vietnamese syllable inventory
LANGUAGE_MODEL = "data/syllable_lm.npz"  # restore's syllable trigram model
HAND_CHANNEL = "data/ocr_channel_costs.json"  # hand-set OCR confusion costs
PRECOMPUTED_CANDIDATES = "data/candidates_eng.npz"  # scored candidates of frequent tokens
RESTORE_CALIBRATION = "data/restore_calibration.json"  # restore's confidence -> share right
ABBREVIATIONS = "data/abbreviations_d.tsv"  # abbreviations the corpus writes with Đ
DIGIT_MODEL = "data/digits_mlp.npz"  # the handwritten-digit classifier of filled-in blanks
GLYPHLESS_FONT = "data/glyphless.ttf"  # NAME.pdf's invisible text (tools/make_glyphless_font)
SCHEMA = "schema/plan.schema.json"  # the published JSON Schema of the output
OCR_MODELS = ("eng", "vie")  # the Tesseract models a learned channel exists for


def channel(model: str) -> str:
    """The learned character channel of a Tesseract model ("eng", "vie")."""
    return f"data/channel_{model}.tsv"


def channel_tokens(model: str) -> str:
    """The whole-token readings seen with a Tesseract model."""
    return f"data/channel_{model}_tokens.tsv"


ARTIFACTS = (LEXICON, SYLLABLES, LANGUAGE_MODEL, HAND_CHANNEL, PRECOMPUTED_CANDIDATES,
             RESTORE_CALIBRATION, ABBREVIATIONS, DIGIT_MODEL, GLYPHLESS_FONT, SCHEMA,
             *(channel(m) for m in OCR_MODELS), *(channel_tokens(m) for m in OCR_MODELS))

# Files handed out as paths stay valid for the process (a no-op for an unpacked install; a
# zipped one would have them extracted to temporary files).
_KEPT = ExitStack()
atexit.register(_KEPT.close)


def location(name: str) -> Path:
    """Where the file belongs in the package, there or not: for the tools that write the
    committed files in a checkout."""
    return Path(str(resources.files(PACKAGE).joinpath(name)))


@cache
def path(name: str) -> Path:
    """The file's path in the installed package; MissingData when it is not there."""
    found = resources.files(PACKAGE).joinpath(name)
    if not found.is_file():
        raise MissingData(f"{name} is not in the installed package ({location(name)}); "
                          "reinstall vn-plan-pipeline")
    return _KEPT.enter_context(resources.as_file(found))


def read_text(name: str) -> str:
    return path(name).read_text(encoding="utf-8")


def check() -> None:
    """MissingData naming the first file the package lacks: a run checks before any OCR."""
    for name in ARTIFACTS:
        path(name)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    term: str  # as written in official documents ("Ủy ban nhân dân", "chuyển đổi số")
    category: str  # agency, title, doc_type, unit_type, deadline, abbrev, place, phrase


def lexicon(file: Path | None = None) -> tuple[LexiconEntry, ...]:
    """The entries of the administrative lexicon (`term<TAB>category` lines, # comments), the
    one loader restore and segment use; of `file` instead when given."""
    if file is not None:
        return parse_lexicon(Path(file).read_text(encoding="utf-8").splitlines())
    return _packaged_lexicon()


@cache
def _packaged_lexicon() -> tuple[LexiconEntry, ...]:
    entries = parse_lexicon(read_text(LEXICON).splitlines())
    if not entries:
        raise MissingData(f"{LEXICON} holds no terms ({location(LEXICON)})")
    return entries


def parse_lexicon(lines: Iterable[str]) -> tuple[LexiconEntry, ...]:
    """The entries of `term<TAB>category` lines; blank and # lines are skipped."""
    entries = []
    for raw in lines:
        line = raw.strip()
        if line and not line.startswith("#"):
            term, _, category = line.partition("\t")
            entries.append(LexiconEntry(term.strip(), category.strip()))
    return tuple(entries)

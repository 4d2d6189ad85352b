"""What every external program call shares: finding the program, its time limit, the first
line of what it said when it failed, and one thread for Tesseract.

Tesseract is always run with OMP_THREAD_LIMIT=1: its own threading is 2-8x slower on small
machines than one thread per page with pages run in parallel (see pipeline.ocr). It is set
when this module is imported, before any program runs or libtesseract is loaded (every
module of the package imports this one).

Time limits (seconds) can be set in the environment: VN_PLAN_TESSERACT_TIMEOUT (one Tesseract
call; `tesseract --list-langs` gets at most LIST_LANGS_TIMEOUT_S of it) and VN_PLAN_PDF_TIMEOUT
(one poppler call).
"""

from __future__ import annotations

import os
import shutil

from pipeline.errors import MissingDependency

os.environ["OMP_THREAD_LIMIT"] = "1"


def _seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


TESSERACT_TIMEOUT_S = _seconds("VN_PLAN_TESSERACT_TIMEOUT", 300)
LIST_LANGS_TIMEOUT_S = min(30.0, TESSERACT_TIMEOUT_S)
PDF_TIMEOUT_S = _seconds("VN_PLAN_PDF_TIMEOUT", 300)

INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils"


def require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MissingDependency(f"'{name}' is not on PATH; install it with: {INSTALL_HINT}")
    return path


def first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

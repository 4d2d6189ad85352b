"""The tesseract program (through pytesseract, always with a time limit): the language models
it has, and its word table and orientation of an image, one process each read. What plain
Tesseract costs, model load included; `pipeline.external.tesseract` uses it when libtesseract
cannot be loaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image

from pipeline.errors import ExternalToolFailed, MissingDependency
from pipeline.external.programs import (
    LIST_LANGS_TIMEOUT_S,
    TESSERACT_TIMEOUT_S,
    first_line,
    require_program,
)


@cache
def tesseract_languages() -> frozenset[str]:
    """The language models Tesseract has (`tesseract --list-langs`, run with a time limit:
    pytesseract's get_languages has none)."""
    import subprocess

    exe = require_program("tesseract")
    try:
        done = subprocess.run([exe, "--list-langs"], capture_output=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=LIST_LANGS_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(
            f"tesseract --list-langs timed out after {LIST_LANGS_TIMEOUT_S:g} s") from exc
    except OSError as exc:
        raise ExternalToolFailed(f"tesseract --list-langs failed: {exc}") from exc
    if done.returncode != 0:
        raise ExternalToolFailed(
            f"tesseract --list-langs failed (exit {done.returncode}): "
            f"{first_line(done.stderr.decode(errors='replace'))}")
    # One model a line, after a line saying where they are (on stderr in Tesseract 3).
    lines = (done.stdout + b"\n" + done.stderr).decode(errors="replace").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def require_languages(lang: str) -> None:
    """Fail early, once, when a requested Tesseract model ('vie', 'vie+eng') is missing."""
    missing = [code for code in lang.split("+") if code not in tesseract_languages()]
    if missing:
        raise MissingDependency(
            f"Tesseract language model(s) {', '.join(missing)} not installed; "
            f"install with: apt-get install -y "
            + " ".join(f"tesseract-ocr-{code}" for code in missing)
        )


def program_data(
    image: Image.Image, lang: str, psm: int = 3, config: str = ""
) -> dict[str, list]:
    """`pipeline.external.tesseract_data` by a run of the tesseract program (`tesseract IMAGE -
    -l LANG --psm N tsv`): what plain Tesseract costs, model load included, for benchmarks."""
    import tempfile

    import pytesseract

    require_program("tesseract")
    try:
        with tempfile.TemporaryDirectory(prefix="vnplan_") as folder:
            return pytesseract.image_to_data(
                _uncompressed_file(image, Path(folder)), lang=lang,
                config=f"--psm {psm} {config}".strip(), output_type=pytesseract.Output.DICT,
                timeout=TESSERACT_TIMEOUT_S,
            )
    except RuntimeError as exc:  # pytesseract's timeout
        raise ExternalToolFailed(f"tesseract timed out after {TESSERACT_TIMEOUT_S:g} s") from exc
    except pytesseract.TesseractError as exc:
        raise ExternalToolFailed(f"tesseract failed: {first_line(exc.message)}") from exc


def program_data_many(
    images: list[Image.Image], lang: str, psm: int, config: str
) -> list[dict[str, list]]:
    """Several images in one run of the tesseract program (an image list file)."""
    import tempfile

    import pytesseract

    require_program("tesseract")
    try:
        with tempfile.TemporaryDirectory(prefix="vnplan_") as folder:
            names = []
            for number, image in enumerate(images):
                sub = Path(folder) / str(number)
                sub.mkdir()
                names.append(_uncompressed_file(image, sub))
            listing = Path(folder) / "images.txt"
            listing.write_text("\n".join(names) + "\n", encoding="utf-8")
            data = pytesseract.image_to_data(
                str(listing), lang=lang, config=f"--psm {psm} {config}".strip(),
                output_type=pytesseract.Output.DICT, timeout=TESSERACT_TIMEOUT_S,
            )
    except RuntimeError as exc:  # pytesseract's timeout
        raise ExternalToolFailed(f"tesseract timed out after {TESSERACT_TIMEOUT_S:g} s") from exc
    except pytesseract.TesseractError as exc:
        raise ExternalToolFailed(f"tesseract failed: {first_line(exc.message)}") from exc
    out: list[dict[str, list]] = [{key: [] for key in data} for _ in images]
    for row in range(len(data["level"])):
        page = int(data["page_num"][row]) - 1
        if 0 <= page < len(images):
            for key, values in data.items():
                out[page][key].append(values[row])
    return out




def program_osd(image: Image.Image) -> dict | None:
    import tempfile

    import pytesseract

    require_program("tesseract")
    try:
        with tempfile.TemporaryDirectory(prefix="vnplan_") as folder:
            return pytesseract.image_to_osd(
                _uncompressed_file(image, Path(folder)), output_type=pytesseract.Output.DICT,
                timeout=TESSERACT_TIMEOUT_S,
            )
    except pytesseract.TesseractError:
        return None
    except RuntimeError as exc:
        raise ExternalToolFailed(f"tesseract OSD timed out after {TESSERACT_TIMEOUT_S:g} s") \
            from exc




def _uncompressed_file(image: Image.Image, folder: Path) -> str:
    """The image as a PGM (PPM for colour) file for Tesseract. pytesseract would write a PNG:
    the same pixels and, like PGM, no resolution, so Tesseract reads the same words; but zlib
    spends 0.5-1.3 s of CPU per 300-dpi page compressing it (measured), up to half of what
    Tesseract itself takes on a page."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    path = folder / ("page.pgm" if image.mode == "L" else "page.ppm")
    image.save(path)
    return str(path)

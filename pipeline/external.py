"""The one place that runs external programs: tesseract (via pytesseract) and poppler
(via pdf2image). Everything here sets time limits and turns failures into PipelineErrors.

Tesseract is always run with OMP_THREAD_LIMIT=1: its own threading is 2-8x slower on small
machines than one thread per page with pages run in parallel (see pipeline.ocr).
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from PIL import Image

from pipeline.errors import CorruptInput, ExternalToolFailed, MissingDependency

os.environ["OMP_THREAD_LIMIT"] = "1"

TESSERACT_TIMEOUT_S = 300
PDF_TIMEOUT_S = 300

INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils"


def require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MissingDependency(f"'{name}' is not on PATH; install it with: {INSTALL_HINT}")
    return path


@cache
def tesseract_languages() -> frozenset[str]:
    import pytesseract

    require_program("tesseract")
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception as exc:  # pytesseract raises several unrelated types
        raise ExternalToolFailed(f"tesseract --list-langs failed: {exc}") from exc


def require_languages(lang: str) -> None:
    """Fail early, once, when a requested Tesseract model ('vie', 'vie+eng') is missing."""
    missing = [code for code in lang.split("+") if code not in tesseract_languages()]
    if missing:
        raise MissingDependency(
            f"Tesseract language model(s) {', '.join(missing)} not installed; "
            f"install with: apt-get install -y "
            + " ".join(f"tesseract-ocr-{code}" for code in missing)
        )


def pdf_page_count(path: Path) -> int:
    from pdf2image import pdfinfo_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError

    require_program("pdfinfo")
    try:
        info = pdfinfo_from_path(str(path), timeout=PDF_TIMEOUT_S)
    except PDFInfoNotInstalledError as exc:
        raise MissingDependency(f"pdfinfo not installed; {INSTALL_HINT}") from exc
    except (PDFPageCountError, ValueError) as exc:
        raise CorruptInput(f"{path.name}: not a readable PDF ({_first_line(exc)})") from exc
    return int(info["Pages"])


def rasterize_pdf_page(path: Path, page: int, dpi: int) -> Image.Image:
    """Page `page` (1-based) of a PDF as a grayscale image at `dpi`."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    require_program("pdftoppm")
    try:
        images = convert_from_path(
            str(path), dpi=dpi, first_page=page, last_page=page, grayscale=True,
            timeout=PDF_TIMEOUT_S,
        )
    except (PDFPageCountError, PDFSyntaxError, ValueError) as exc:
        raise CorruptInput(f"{path.name}: page {page} cannot be rendered ({_first_line(exc)})") \
            from exc
    if not images:
        raise CorruptInput(f"{path.name}: page {page} rendered to nothing")
    return images[0]


def pdf_page_text(path: Path, page: int) -> str:
    """The text layer of one PDF page (pdftotext -layout); empty when there is none."""
    import subprocess

    exe = require_program("pdftotext")
    try:
        done = subprocess.run(
            [exe, "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True, timeout=PDF_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"pdftotext timed out on {path.name}") from exc
    if done.returncode != 0:
        raise CorruptInput(f"{path.name}: pdftotext failed ({_first_line(done.stderr.decode())})")
    return done.stdout.decode("utf-8", errors="replace")


def tesseract_data(
    image: Image.Image, lang: str, psm: int = 3, config: str = ""
) -> dict[str, list]:
    """Word-level TSV of `image_to_data` as a dict of columns (text, conf, left, ...).
    `config`: extra Tesseract options ("-c tessedit_char_whitelist=0123456789.")."""
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
        raise ExternalToolFailed(f"tesseract timed out after {TESSERACT_TIMEOUT_S} s") from exc
    except pytesseract.TesseractError as exc:
        raise ExternalToolFailed(f"tesseract failed: {_first_line(exc.message)}") from exc


def tesseract_data_many(
    images: list[Image.Image], lang: str, psm: int = 3, config: str = ""
) -> list[dict[str, list]]:
    """`tesseract_data` of several images in one Tesseract process (an image list file): each
    image is read as on its own, but the process start and model load are paid once.
    One dict per image, in order."""
    import tempfile

    import pytesseract

    if not images:
        return []
    if len(images) == 1:
        return [tesseract_data(images[0], lang, psm, config)]
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
        raise ExternalToolFailed(f"tesseract timed out after {TESSERACT_TIMEOUT_S} s") from exc
    except pytesseract.TesseractError as exc:
        raise ExternalToolFailed(f"tesseract failed: {_first_line(exc.message)}") from exc
    out: list[dict[str, list]] = [{key: [] for key in data} for _ in images]
    for row in range(len(data["level"])):
        page = int(data["page_num"][row]) - 1
        if 0 <= page < len(images):
            for key, values in data.items():
                out[page][key].append(values[row])
    return out


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


def tesseract_osd(image: Image.Image) -> dict | None:
    """Orientation and script detection; None when Tesseract cannot tell (too little text)."""
    import pytesseract

    require_program("tesseract")
    try:
        return pytesseract.image_to_osd(
            image, output_type=pytesseract.Output.DICT, timeout=TESSERACT_TIMEOUT_S
        )
    except pytesseract.TesseractError:
        return None
    except RuntimeError as exc:
        raise ExternalToolFailed("tesseract OSD timed out") from exc


def ocrmypdf_sidecar(pdf: Path, out_dir: Path, lang: str, timeout_s: float = 900) -> str:
    """The text `ocrmypdf --sidecar` finds in `pdf` (pages separated by form feeds), with OCR
    forced on every page, one job and one Tesseract thread; for benchmarks."""
    import subprocess
    import sys

    require_program("gs")
    sidecar = out_dir / f"{pdf.stem}.sidecar.txt"
    command = [
        sys.executable, "-m", "ocrmypdf", "-l", lang, "--force-ocr", "--jobs", "1",
        "--output-type", "pdf", "--optimize", "0", "--quiet", "--sidecar", str(sidecar),
        str(pdf), str(out_dir / f"{pdf.stem}.ocrmypdf.pdf"),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"ocrmypdf timed out on {pdf.name}") from exc
    if done.returncode != 0:
        raise ExternalToolFailed(
            f"ocrmypdf failed on {pdf.name} (exit {done.returncode}): "
            f"{_first_line(done.stderr.decode(errors='replace'))}"
        )
    return sidecar.read_text(encoding="utf-8")


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

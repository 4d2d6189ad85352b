"""Poppler's programs (pdfinfo, pdftoppm, pdfimages, pdftotext; pdfinfo also through
pdf2image): a PDF page's count, size, images, text and rendering, each call with a time limit,
failures as PipelineErrors."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from pipeline.errors import CorruptInput, ExternalToolFailed, MissingDependency
from pipeline.external.programs import INSTALL_HINT, PDF_TIMEOUT_S, first_line, require_program


def pdf_page_count(path: Path) -> int:
    from pdf2image import pdfinfo_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError

    require_program("pdfinfo")
    try:
        info = pdfinfo_from_path(str(path), timeout=PDF_TIMEOUT_S)
    except PDFInfoNotInstalledError as exc:
        raise MissingDependency(f"pdfinfo not installed; {INSTALL_HINT}") from exc
    except (PDFPageCountError, ValueError) as exc:
        raise CorruptInput(f"{path.name}: not a readable PDF ({first_line(exc)})") from exc
    return int(info["Pages"])


def pdf_page_size(path: Path, page: int) -> tuple[float, float] | None:
    """Width and height in points of a PDF page as poppler shows it (`pdfinfo -f N -l N`);
    None when pdfinfo cannot tell."""
    import re
    import subprocess

    exe = require_program("pdfinfo")
    try:
        done = subprocess.run([exe, "-f", str(page), "-l", str(page), str(path)],
                              capture_output=True, timeout=PDF_TIMEOUT_S, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"pdfinfo timed out on {path.name}") from exc
    found = re.search(rb"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", done.stdout, re.MULTILINE)
    return (float(found[1]), float(found[2])) if found else None


def rasterize_pdf_page(path: Path, page: int, dpi: float, grayscale: bool = True) -> Image.Image:
    """Page `page` (1-based) of a PDF as an image at `dpi`, grey or in colour (`pdftoppm`).
    What poppler said while drawing it (damaged image data: "Corrupt JPEG data: premature end
    of data segment", the page then partly grey) is in the image's info["poppler_warnings"]."""
    import io
    import subprocess

    exe = require_program("pdftoppm")
    command = [exe, "-r", str(dpi), "-f", str(page), "-l", str(page),
               *(["-gray"] if grayscale else []), str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"pdftoppm timed out on {path.name} page {page}") from exc
    warnings = poppler_warnings(done.stderr)
    if done.returncode != 0 or not done.stdout:
        reason = warnings[0] if warnings else f"pdftoppm exit {done.returncode}"
        raise CorruptInput(f"{path.name}: page {page} cannot be rendered ({reason})")
    try:
        with Image.open(io.BytesIO(done.stdout)) as image:  # one PPM (PGM with -gray)
            image.load()
    except (OSError, SyntaxError) as exc:
        raise CorruptInput(f"{path.name}: page {page} rendered to nothing") from exc
    image.info["poppler_warnings"] = warnings
    return image


# Poppler's messages on a page are told once each, at most this many (a damaged stream can
# repeat one for every block of the image)
MAX_POPPLER_WARNINGS = 5


def poppler_warnings(stderr: bytes) -> list[str]:
    """Poppler's stderr as distinct messages ("Syntax Error (1065): Bad ..." without the byte
    position), each with how often it came when more than once."""
    import re

    counts: dict[str, int] = {}
    for line in stderr.decode("utf-8", errors="replace").splitlines():
        message = re.sub(r"^(Syntax (?:Error|Warning)|Internal Error) \(\d+\)", r"\1",
                         line.strip())
        if message:
            counts[message] = counts.get(message, 0) + 1
    found = [message if count == 1 else f"{message} ({count} times)"
             for message, count in counts.items()]
    if len(found) > MAX_POPPLER_WARNINGS:
        found = [*found[:MAX_POPPLER_WARNINGS], f"{len(found) - MAX_POPPLER_WARNINGS} more"]
    return found


def pdf_page_images(path: Path, page: int) -> list[dict]:
    """The images drawn on a PDF page as `pdfimages -list` describes them: number, width,
    height (px), color ("gray", "rgb", "index", "icc", "cmyk"...), x_ppi, y_ppi (at the size
    drawn). Soft
    masks are left out. Empty when poppler cannot tell (the page is then rendered at 300 dpi)."""
    import subprocess

    exe = require_program("pdfimages")
    try:
        done = subprocess.run([exe, "-list", "-f", str(page), "-l", str(page), str(path)],
                              capture_output=True, timeout=PDF_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"pdfimages timed out on {path.name}") from exc
    images = []
    for row in done.stdout.decode(errors="replace").splitlines()[2:]:
        cells = row.split()
        if len(cells) < 14 or cells[2] not in ("image", "stencil"):
            continue
        try:
            images.append({"number": int(cells[1]), "width": int(cells[3]),
                           "height": int(cells[4]), "color": cells[5],
                           "x_ppi": float(cells[12]), "y_ppi": float(cells[13])})
        except ValueError:
            continue
    return images


def pdf_page_image(path: Path, page: int, number: int) -> Image.Image | None:
    """Image `number` (pdfimages' num) of a PDF page, as stored (`pdfimages`): a scan
    read without poppler's resampling, which blurs it even at its own resolution. None when
    poppler cannot extract it."""
    import subprocess
    import tempfile

    exe = require_program("pdfimages")
    with tempfile.TemporaryDirectory(prefix="vnplan_scan_") as folder:
        try:
            # JPEGs as they are (no decoding and PNG encoding: 2-5 s on a colour page), the
            # rest as uncompressed TIFF.
            done = subprocess.run([exe, "-j", "-tiff", "-f", str(page), "-l", str(page),
                                   str(path), f"{folder}/scan"], capture_output=True,
                                  timeout=PDF_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ExternalToolFailed(f"pdfimages timed out on {path.name}") from exc
        files = sorted(Path(folder).glob("scan-*"))  # one per image and soft mask, by num
        if number >= len(files):
            return None
        try:
            with Image.open(files[number]) as image:
                image.load()
        except OSError:  # damaged data Pillow will not decode: the page is rendered instead
            return None
        image.info["poppler_warnings"] = poppler_warnings(done.stderr)
        return image


def pdf_page_blocks(path: Path, page: int) -> tuple[tuple[float, float], list[list[dict]]]:
    """The page's size in points and its text as pdftotext's blocks of lines (`pdftotext
    -bbox-layout`): each line {"text", "box": (left, top, right, bottom) in points from the
    top-left corner}."""
    import subprocess
    import xml.etree.ElementTree as ElementTree

    exe = require_program("pdftotext")
    try:
        done = subprocess.run([exe, "-bbox-layout", "-f", str(page), "-l", str(page), str(path),
                               "-"], capture_output=True, timeout=PDF_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"pdftotext timed out on {path.name}") from exc
    try:
        root = ElementTree.fromstring(done.stdout.decode("utf-8", errors="replace"))
    except ElementTree.ParseError:
        return (0.0, 0.0), []
    space = "{http://www.w3.org/1999/xhtml}"
    sheet = root.find(f".//{space}page")
    if sheet is None:
        return (0.0, 0.0), []
    size = (float(sheet.get("width", 0)), float(sheet.get("height", 0)))
    blocks = []
    for block in sheet.iter(f"{space}block"):
        lines = []
        for line in block.iter(f"{space}line"):
            words = [word.text or "" for word in line.iter(f"{space}word")]
            box = tuple(float(line.get(key, 0)) for key in ("xMin", "yMin", "xMax", "yMax"))
            lines.append({"text": " ".join(w for w in words if w), "box": box})
        blocks.append(lines)
    return size, blocks


def pdf_page_text(path: Path, page: int | None, layout: bool = True) -> str:
    """The text layer of one PDF page (pdftotext -layout; without `layout`, in pdftotext's
    reading order), of every page when `page` is None (a form feed after each); empty when
    there is none."""
    import subprocess

    exe = require_program("pdftotext")
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    try:
        done = subprocess.run(
            [exe, *(["-layout"] if layout else []), "-enc", "UTF-8", *pages, str(path), "-"],
            capture_output=True, timeout=PDF_TIMEOUT_S, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExternalToolFailed(f"pdftotext timed out on {path.name}") from exc
    if done.returncode != 0:
        raise CorruptInput(f"{path.name}: pdftotext failed ({first_line(done.stderr.decode())})")
    return done.stdout.decode("utf-8", errors="replace")

"""The one place that runs external programs: tesseract (via pytesseract, or libtesseract in
this process when it can be loaded) and poppler (its programs; pdfinfo through pdf2image).
Everything here sets time limits and turns failures into PipelineErrors.

Tesseract is always run with OMP_THREAD_LIMIT=1: its own threading is 2-8x slower on small
machines than one thread per page with pages run in parallel (see pipeline.ocr).

Time limits (seconds) can be set in the environment: VN_PLAN_TESSERACT_TIMEOUT (one Tesseract
call; `tesseract --list-langs` gets at most LIST_LANGS_TIMEOUT_S of it) and VN_PLAN_PDF_TIMEOUT
(one poppler call). VN_PLAN_LIBTESSERACT=0 runs the tesseract program instead of the library.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from PIL import Image

from pipeline.errors import CorruptInput, ExternalToolFailed, MissingDependency

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
            f"{_first_line(done.stderr.decode(errors='replace'))}")
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
    `config`: extra Tesseract options ("-c tessedit_char_whitelist=0123456789.").
    Read in this process by libtesseract when it can be loaded (see `_engine`), else by the
    tesseract program."""
    engine = _engine(lang, config)
    if engine is None:
        return tesseract_program_data(image, lang, psm, config)
    return _engine_data(engine, image, psm)


def tesseract_data_many(
    images: list[Image.Image], lang: str, psm: int = 3, config: str = ""
) -> list[dict[str, list]]:
    """`tesseract_data` of several images, each read as on its own, one dict per image in
    order. Without libtesseract they share one run of the tesseract program (an image list),
    so that the process start and model load are paid once."""
    if _engine(lang, config) is not None or len(images) <= 1:
        return [tesseract_data(image, lang, psm, config) for image in images]
    return _program_data_many(images, lang, psm, config)


def tesseract_program_data(
    image: Image.Image, lang: str, psm: int = 3, config: str = ""
) -> dict[str, list]:
    """`tesseract_data` by a run of the tesseract program (`tesseract IMAGE - -l LANG --psm N
    tsv`): what plain Tesseract costs, model load included, for benchmarks."""
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
        raise ExternalToolFailed(f"tesseract failed: {_first_line(exc.message)}") from exc


def _program_data_many(
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
        raise ExternalToolFailed(f"tesseract failed: {_first_line(exc.message)}") from exc
    out: list[dict[str, list]] = [{key: [] for key in data} for _ in images]
    for row in range(len(data["level"])):
        page = int(data["page_num"][row]) - 1
        if 0 <= page < len(images):
            for key, values in data.items():
                out[page][key].append(values[row])
    return out


# -- libtesseract in this process ------------------------------------------------------------
#
# Every run of the tesseract program starts a process and loads the language model: ~0.1 s CPU,
# paid for the page and again for each table's cell stacks, second reads and digit reads (up to
# four times on a table page, where plain Tesseract pays it once). Through libtesseract's C API
# the model is loaded once per process (per language and options) and every image after that
# costs only its recognition. Same library, same settings, same pixels: the word table is the
# program's, row for row (checked on page, masked-page and cell-stack images).

TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top",
               "width", "height", "conf", "text")


@cache
def _library():
    """libtesseract's C API (ctypes), or None when the library cannot be loaded."""
    import ctypes
    import ctypes.util

    if os.environ.get("VN_PLAN_LIBTESSERACT") == "0":
        return None
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    signatures = {
        "TessBaseAPICreate": ([], handle),
        "TessBaseAPIInit3": ([handle, text, text], ctypes.c_int),
        "TessBaseAPISetVariable": ([handle, text, text], ctypes.c_int),
        "TessBaseAPISetPageSegMode": ([handle, ctypes.c_int], None),
        "TessBaseAPISetImage": ([handle, text, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                 ctypes.c_int], None),
        "TessBaseAPIRecognize": ([handle, handle], ctypes.c_int),
        "TessBaseAPIGetTsvText": ([handle, ctypes.c_int], handle),
        "TessDeleteText": ([handle], None),
        "TessBaseAPIClear": ([handle], None),
        "TessBaseAPIEnd": ([handle], None),
        "TessBaseAPIDelete": ([handle], None),
        "TessBaseAPIDetectOrientationScript": (
            [handle, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_float),
             ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_float)], ctypes.c_int),
        "TessMonitorCreate": ([], handle),
        "TessMonitorSetDeadlineMSecs": ([handle, ctypes.c_int], None),
        "TessMonitorDelete": ([handle], None),
    }
    try:
        for function, (arguments, result) in signatures.items():
            getattr(lib, function).argtypes = arguments
            getattr(lib, function).restype = result
    except AttributeError:  # not the C API this code was written for
        return None
    return lib


_ENGINES: dict[tuple[str, str], int] = {}  # (lang, config) -> a loaded TessBaseAPI


def _engine(lang: str, config: str) -> int | None:
    """A TessBaseAPI loaded with `lang` and `config`'s variables, one per process (a page
    worker keeps it for all its pages); None without libtesseract."""
    import atexit

    lib = _library()
    if lib is None:
        return None
    if (lang, config) in _ENGINES:
        return _ENGINES[(lang, config)]
    require_languages(lang)
    engine = lib.TessBaseAPICreate()
    if lib.TessBaseAPIInit3(engine, None, lang.encode()) != 0:
        lib.TessBaseAPIDelete(engine)
        raise ExternalToolFailed(f"libtesseract could not load the language model(s) {lang}")
    # Its progress notes ("Estimating resolution as …") went to the program's stderr, which
    # pytesseract hid; in this process they would fill ours.
    lib.TessBaseAPISetVariable(engine, b"debug_file", os.devnull.encode())
    for name, value in _variables(config):
        if not lib.TessBaseAPISetVariable(engine, name.encode(), value.encode()):
            lib.TessBaseAPIEnd(engine)
            lib.TessBaseAPIDelete(engine)
            raise ExternalToolFailed(f"libtesseract has no variable {name}")
    if not _ENGINES:
        atexit.register(release_engines)  # before the library's own exit-time clean-up
    _ENGINES[(lang, config)] = engine
    return engine


def release_engines() -> None:
    """Ends the loaded engines (the next read loads its model again); benchmarks use it to
    charge every page with its model loads, as a process reading one page would pay them."""
    lib = _library()
    for engine in _ENGINES.values():
        lib.TessBaseAPIEnd(engine)
        lib.TessBaseAPIDelete(engine)
    _ENGINES.clear()


def _variables(config: str) -> list[tuple[str, str]]:
    """The ("name", "value") pairs of "-c name=value" options."""
    words = config.split()
    pairs = []
    for index, word in enumerate(words):
        if word == "-c" and index + 1 < len(words) and "=" in words[index + 1]:
            name, value = words[index + 1].split("=", 1)
            pairs.append((name, value))
        elif word != "-c" and (index == 0 or words[index - 1] != "-c"):
            raise ValueError(f"unsupported Tesseract option {word!r}")
    return pairs


def _engine_data(engine: int, image: Image.Image, psm: int) -> dict[str, list]:
    """What `tesseract_program_data` gives for the image, read by the loaded engine. Like the
    program reading a PGM, the engine is told no resolution (it estimates one)."""
    import ctypes
    import time

    lib = _library()
    _set_image(engine, image, psm)
    monitor = lib.TessMonitorCreate()  # the time limit: recognition stops at its deadline
    lib.TessMonitorSetDeadlineMSecs(monitor, int(TESSERACT_TIMEOUT_S * 1000))
    started = time.monotonic()
    try:
        if lib.TessBaseAPIRecognize(engine, monitor) != 0:
            if time.monotonic() - started >= TESSERACT_TIMEOUT_S:
                raise ExternalToolFailed(f"tesseract timed out after {TESSERACT_TIMEOUT_S:g} s")
            raise ExternalToolFailed("libtesseract failed to read an image")
        pointer = lib.TessBaseAPIGetTsvText(engine, 0)
        tsv = ctypes.string_at(pointer).decode("utf-8", errors="replace") if pointer else ""
        if pointer:
            lib.TessDeleteText(pointer)
    finally:
        lib.TessMonitorDelete(monitor)
        lib.TessBaseAPIClear(engine)
    return _tsv_columns(tsv)


def _set_image(engine: int, image: Image.Image, psm: int) -> None:
    """Gives the engine the image (8-bit grey or RGB; Tesseract copies the pixels) and the page
    segmentation mode."""
    import numpy as np

    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    array = np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    depth = 1 if array.ndim == 2 else 3
    height, width = array.shape[:2]
    lib = _library()
    lib.TessBaseAPISetPageSegMode(engine, psm)
    lib.TessBaseAPISetImage(engine, array.tobytes(), width, height, depth, width * depth)


def _tsv_columns(tsv: str) -> dict[str, list]:
    """TSV rows (no header) as pytesseract's Output.DICT: numbers as ints (confidences cut to
    whole numbers, as pytesseract does), text as given."""
    out: dict[str, list] = {name: [] for name in TSV_COLUMNS}
    for row in tsv.split("\n"):
        cells = row.split("\t")
        if len(cells) < len(TSV_COLUMNS) - 1:
            continue
        cells += [""] * (len(TSV_COLUMNS) - len(cells))
        for name, value in zip(TSV_COLUMNS[:-1], cells, strict=False):
            out[name].append(int(float(value)))
        out["text"].append(cells[len(TSV_COLUMNS) - 1])
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
    """Orientation and script detection (pytesseract's keys: rotate, orientation,
    orientation_conf, script, script_conf); None when Tesseract cannot tell (too little text).
    In this process when libtesseract can be loaded: 0.3 s CPU for a page shrunk to 1240 px
    against 1.35 s through pytesseract (a process start, the 10 MB OSD model loaded, the page
    compressed to PNG), same answers."""
    engine = _engine("osd", "")
    if engine is None:
        return _program_osd(image)
    import ctypes

    lib = _library()
    _set_image(engine, image, psm=0)
    degrees, confidence = ctypes.c_int(), ctypes.c_float()
    script, script_confidence = ctypes.c_char_p(), ctypes.c_float()
    try:
        found = lib.TessBaseAPIDetectOrientationScript(
            engine, ctypes.byref(degrees), ctypes.byref(confidence), ctypes.byref(script),
            ctypes.byref(script_confidence))
    finally:
        lib.TessBaseAPIClear(engine)
    if not found:
        return None
    return {"orientation": degrees.value, "rotate": (360 - degrees.value) % 360,
            "orientation_conf": round(confidence.value, 2),
            "script": (script.value or b"").decode(),
            "script_conf": round(script_confidence.value, 2)}


def _program_osd(image: Image.Image) -> dict | None:
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

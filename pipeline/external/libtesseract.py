"""libtesseract in this process (its C API through ctypes), when it can be loaded.

Every run of the tesseract program starts a process and loads the language model: ~0.1 s CPU,
paid for the page and again for each table's cell stacks, second reads and digit reads (up to
four times on a table page, where plain Tesseract pays it once). Through libtesseract's C API
the model is loaded once per process (per language and options) and every image after that
costs only its recognition. Same library, same settings, same pixels: the word table is the
program's, row for row (checked on page, masked-page and cell-stack images).

VN_PLAN_LIBTESSERACT=0 turns it off (the tesseract program is run instead).
"""

from __future__ import annotations

import os
from functools import cache

from PIL import Image

from pipeline.errors import ExternalToolFailed
from pipeline.external.programs import TESSERACT_TIMEOUT_S
from pipeline.external.tesseract_program import require_languages

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


ENGINES: dict[tuple[str, str], int] = {}  # (lang, config) -> a loaded TessBaseAPI


def engine(lang: str, config: str) -> int | None:
    """A TessBaseAPI loaded with `lang` and `config`'s variables, one per process (a page
    worker keeps it for all its pages); None without libtesseract."""
    import atexit

    lib = _library()
    if lib is None:
        return None
    if (lang, config) in ENGINES:
        return ENGINES[(lang, config)]
    require_languages(lang)
    api = lib.TessBaseAPICreate()
    if lib.TessBaseAPIInit3(api, None, lang.encode()) != 0:
        lib.TessBaseAPIDelete(api)
        raise ExternalToolFailed(f"libtesseract could not load the language model(s) {lang}")
    # Its progress notes ("Estimating resolution as …") went to the program's stderr, which
    # pytesseract hid; in this process they would fill ours.
    lib.TessBaseAPISetVariable(api, b"debug_file", os.devnull.encode())
    for name, value in variables(config):
        if not lib.TessBaseAPISetVariable(api, name.encode(), value.encode()):
            lib.TessBaseAPIEnd(api)
            lib.TessBaseAPIDelete(api)
            raise ExternalToolFailed(f"libtesseract has no variable {name}")
    if not ENGINES:
        atexit.register(release_engines)  # before the library's own exit-time clean-up
    ENGINES[(lang, config)] = api
    return api


def release_engines() -> None:
    """Ends the loaded engines (the next read loads its model again); benchmarks use it to
    charge every page with its model loads, as a process reading one page would pay them."""
    lib = _library()
    for engine in ENGINES.values():
        lib.TessBaseAPIEnd(engine)
        lib.TessBaseAPIDelete(engine)
    ENGINES.clear()


def variables(config: str) -> list[tuple[str, str]]:
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


def read(engine: int, image: Image.Image, psm: int) -> dict[str, list]:
    """What `tesseract_program.program_data` gives for the image, read by the loaded
    engine. Like the program reading a PGM, the engine is told no resolution (it estimates
    one)."""
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
    return tsv_columns(tsv)


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


def tsv_columns(tsv: str) -> dict[str, list]:
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


def detect_orientation(engine: int, image: Image.Image) -> dict | None:
    """`tesseract_program.program_osd` by the loaded "osd" engine."""
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

"""Reading images with Tesseract: in this process by libtesseract when it can be loaded
(`libtesseract`), else by the tesseract program (`tesseract_program`); the same word table
either way."""

from __future__ import annotations

from PIL import Image

from pipeline.external import libtesseract
from pipeline.external.tesseract_program import program_data, program_data_many, program_osd


def tesseract_data(
    image: Image.Image, lang: str, psm: int = 3, config: str = ""
) -> dict[str, list]:
    """Word-level TSV of `image_to_data` as a dict of columns (text, conf, left, ...).
    `config`: extra Tesseract options ("-c tessedit_char_whitelist=0123456789.").
    Read in this process by libtesseract when it can be loaded (see `libtesseract.engine`),
    else by the tesseract program."""
    engine = libtesseract.engine(lang, config)
    if engine is None:
        return program_data(image, lang, psm, config)
    return libtesseract.read(engine, image, psm)


def tesseract_data_many(
    images: list[Image.Image], lang: str, psm: int = 3, config: str = ""
) -> list[dict[str, list]]:
    """`tesseract_data` of several images, each read as on its own, one dict per image in
    order. Without libtesseract they share one run of the tesseract program (an image list),
    so that the process start and model load are paid once."""
    if libtesseract.engine(lang, config) is not None or len(images) <= 1:
        return [tesseract_data(image, lang, psm, config) for image in images]
    return program_data_many(images, lang, psm, config)


def tesseract_osd(image: Image.Image) -> dict | None:
    """Orientation and script detection (pytesseract's keys: rotate, orientation,
    orientation_conf, script, script_conf); None when Tesseract cannot tell (too little text).
    In this process when libtesseract can be loaded: 0.3 s CPU for a page shrunk to 1240 px
    against 1.35 s through pytesseract (a process start, the 10 MB OSD model loaded, the page
    compressed to PNG), same answers."""
    engine = libtesseract.engine("osd", "")
    if engine is None:
        return program_osd(image)
    return libtesseract.detect_orientation(engine, image)

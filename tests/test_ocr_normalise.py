"""From decoded page to the grey page Tesseract reads: bit depth and transparency, resolution
measured from the text (not the dpi tag), seals taken out by colour, photos looked at straight.
All inputs are rendered by pipeline.synth and altered here."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline.ingest import ingest, sniff
from pipeline.model import Box
from pipeline.ocr import ocr_document, turned_box
from pipeline.ocr.colour import find_seals, to_grey
from pipeline.ocr.normalise import normalise
from pipeline.ocr.perspective import find_page_quad
from pipeline.ocr.rasterize import MAX_PAGE_PIXELS, PageImage, load_page
from pipeline.ocr.resolution import GOOD_TEXT_PX, ocr_scale, text_height
from pipeline.synth import render_text_page

LINES = [
    "Ủy ban nhân dân xã An Hòa ban hành Kế hoạch",
    "chuyển đổi số năm 2026 trên địa bàn xã.",
    "Các cơ quan, đơn vị phối hợp thực hiện.",
]


def render(dpi: int, seed: int = 1) -> tuple[Image.Image, str]:
    image, truth = render_text_page(LINES, dpi=dpi, page_size="A6", degrade="clean", seed=seed)
    return image.convert("L"), " ".join(line.text for line in truth)


def read(path) -> tuple[str, list[str]]:
    document = ocr_document(ingest(sniff(path)), sniff(path))
    return " ".join(t for t in document.ocr_lines if t), document.pages[0].preparation


def cer(expected: str, got: str) -> float:
    return Levenshtein.distance(expected, got) / max(len(expected), 1)


@pytest.fixture(scope="module")
def page_300():
    return render(300)


# -- resolution ----------------------------------------------------------------------------------

def test_text_height_follows_the_resolution(page_300):
    image, _ = page_300
    small, _ = render(100)
    at_300, at_100 = text_height(np.asarray(image)), text_height(np.asarray(small))
    assert GOOD_TEXT_PX[0] <= at_300 <= GOOD_TEXT_PX[1]
    assert at_100 < GOOD_TEXT_PX[0]
    assert 2.2 < at_300 / at_100 < 3.8
    assert text_height(np.full((400, 300), 255, np.uint8)) is None  # blank: nothing to measure


def test_small_text_is_upscaled_whatever_the_tag_says(tmp_path):
    small, truth = render(100)
    path = tmp_path / "web.png"
    small.save(path, dpi=(300, 300))  # the tag lies: the text is that of a 100 dpi page
    grey = normalise(load_page(path, "image", 1))
    assert grey.pixels.shape[1] > 2 * small.width
    assert any("dpi tag 300 ignored" in note for note in grey.notes)
    text, _ = read(path)
    assert cer(truth, text) < 0.08


def test_a_lying_low_tag_does_not_blow_the_page_up(tmp_path, page_300):
    image, truth = page_300
    path = tmp_path / "photo.png"
    image.save(path, dpi=(72, 72))  # phone photos say 72 dpi: the old rule upscaled 4.2x
    grey = normalise(load_page(path, "image", 1))
    assert grey.pixels.shape == (image.height, image.width)
    assert any("dpi tag 72 ignored" in note for note in grey.notes)
    assert 240 <= grey.dpi <= 360


def test_image_dpi_option_overrides_the_measure(tmp_path, page_300):
    image, _ = page_300
    path = tmp_path / "page.png"
    image.save(path)
    grey = normalise(load_page(path, "image", 1), forced_dpi=150)
    assert grey.pixels.shape[1] == 2 * image.width
    assert grey.notes == ["image dpi 150 given: resampled to 300"]


def test_no_page_is_worked_on_beyond_the_pixel_budget():
    scale, _, notes = ocr_scale(5.0, None, None, pixels=40_000_000, max_pixels=MAX_PAGE_PIXELS)
    assert 40_000_000 * scale**2 <= MAX_PAGE_PIXELS * 1.001
    assert any("held to" in note for note in notes)


def test_huge_images_are_reduced_while_decoding(tmp_path, monkeypatch, page_300):
    from pipeline.ocr import rasterize

    image, _ = page_300
    monkeypatch.setattr(rasterize, "MAX_PAGE_PIXELS", image.width * image.height // 5)
    path = tmp_path / "huge.png"
    image.save(path)
    page = load_page(path, "image", 1)
    assert page.pixels.size <= image.width * image.height // 5
    assert page.notes and page.notes[0].startswith("reduced 3x while decoding")


# -- bit depth and transparency --------------------------------------------------------------

def test_sixteen_bit_png_keeps_its_ink(tmp_path, page_300):
    image, truth = page_300
    deep = Image.fromarray(np.asarray(image).astype(np.uint16) * 257)
    path = tmp_path / "deep.png"
    deep.save(path)
    assert Image.open(path).mode.startswith("I")
    text, _ = read(path)
    assert cer(truth, text) < 0.05


def test_transparent_background_is_flattened_onto_white(tmp_path, page_300):
    image, truth = page_300
    ink = 255 - np.asarray(image)
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[:, :, 3] = ink  # black text on a fully transparent sheet
    path = tmp_path / "clear.png"
    Image.fromarray(rgba, "RGBA").save(path)
    text, _ = read(path)
    assert cer(truth, text) < 0.05


# -- seals -----------------------------------------------------------------------------------

def stamp_seal(rgb: np.ndarray, centre: tuple[int, int], radius: int) -> np.ndarray:
    """A red seal: a thick double rim and a bar of solid ink over the text; ink on ink
    multiplies, as stamped ink over print does."""
    ink = np.zeros(rgb.shape[:2], np.uint8)
    cv2.circle(ink, centre, radius, 1, thickness=max(3, radius // 25))
    cv2.circle(ink, centre, int(radius * 0.82), 1, thickness=max(2, radius // 40))
    x, y = centre
    cv2.rectangle(ink, (x - radius // 2, y - radius // 6), (x + radius // 2, y + radius // 6),
                  1, thickness=-1)
    red = np.array([215, 35, 45], np.float32) / 255
    stamped = rgb.astype(np.float32) * np.where(ink[:, :, None] == 1, red, 1.0)
    return stamped.round().astype(np.uint8)


def test_black_text_under_a_red_seal_is_read(tmp_path, page_300):
    image, truth = page_300
    rgb = np.stack([np.asarray(image)] * 3, axis=2)
    height, width = rgb.shape[:2]
    sealed = stamp_seal(rgb, (width // 2, height // 7), width // 7)
    found = find_seals(sealed)
    assert found and abs(found[0][0] - width // 2) < width * 0.03
    grey, boxes = to_grey(sealed)
    assert boxes and boxes[0].left < width // 2 < boxes[0].left + boxes[0].width
    path = tmp_path / "sealed.png"
    Image.fromarray(sealed).save(path)
    document = ocr_document(ingest(sniff(path)), sniff(path))
    assert document.pages[0].seals
    text = " ".join(t for t in document.ocr_lines if t)
    plain = cv2.cvtColor(sealed, cv2.COLOR_RGB2GRAY)
    plain_path = tmp_path / "sealed_plain.png"
    Image.fromarray(plain).save(plain_path)  # the same page without colour: the seal is ink
    assert cer(truth, text) < 0.05 < cer(truth, read(plain_path)[0])


def test_coloured_text_that_is_no_seal_is_kept(page_300):
    image, _ = page_300
    rgb = np.stack([np.asarray(image)] * 3, axis=2)
    red_text = rgb.copy()
    ink = np.asarray(image) < 128
    red_text[ink] = (200, 20, 60)  # the whole page printed in red: a stamp, no ring
    grey, boxes = to_grey(red_text)
    assert boxes == []
    assert np.mean(grey[ink] < 128) > 0.9


def test_seal_boxes_turn_with_the_page():
    box = Box(left=10, top=20, width=30, height=40)
    assert turned_box(box, (100, 200), 0) == box
    turned = turned_box(box, (100, 200), 90)
    assert turned == Box(left=100 - 20 - 40, top=10, width=40, height=30)
    assert turned_box(box, (100, 200), 180) == Box(left=200 - 10 - 30, top=100 - 20 - 40,
                                                   width=30, height=40)
    assert turned_box(turned, (200, 100), 270) == box  # a full turn in two


# -- photos ----------------------------------------------------------------------------------

def photograph(image: Image.Image, transparent: bool) -> np.ndarray:
    """The page seen at an angle, a third of its size, on a dark table or cut out."""
    grey = np.asarray(image)
    height, width = grey.shape
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    out_w, out_h = width // 3 + 80, height // 3 + 80
    seen = np.float32([[60, 30], [out_w - 20, 60], [out_w - 50, out_h - 10], [15, out_h - 40]])
    matrix = cv2.getPerspectiveTransform(corners, seen)
    page = cv2.warpPerspective(grey, matrix, (out_w, out_h), flags=cv2.INTER_AREA,
                               borderValue=0)
    inside = cv2.warpPerspective(np.full_like(grey, 255), matrix, (out_w, out_h),
                                 borderValue=0)
    if transparent:
        return np.dstack([page, page, page, inside])
    return np.where(inside > 128, page, 60).astype(np.uint8)  # a dark table around the sheet


@pytest.mark.parametrize("transparent", [False, True])
def test_a_photographed_page_is_looked_at_straight(tmp_path, transparent):
    image, truth = render(300)
    photo = photograph(image, transparent)
    path = tmp_path / "photo.png"
    Image.fromarray(photo).save(path)
    page = load_page(path, "image", 1)
    grey = page.pixels if page.pixels.ndim == 2 else page.pixels[:, :, 0]
    assert find_page_quad(grey, page.page_mask) is not None
    text, notes = read(path)
    assert "photo: perspective corrected" in notes
    assert cer(truth, text) < 0.1


def test_a_scan_is_no_photo(page_300):
    image, _ = page_300
    grey = np.asarray(image)
    assert find_page_quad(grey, None) is None
    page = PageImage(grey, 300.0)
    assert normalise(page).notes == []


# -- scans in PDFs -------------------------------------------------------------------------------

def image_pdf(pixels: np.ndarray, path, flip: bool = False, dpi: int = 300) -> None:
    """A one-page PDF drawing `pixels` over the whole page (upside down when `flip`)."""
    import pikepdf

    height, width = pixels.shape
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, pixels.tobytes(), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=width, Height=height,
                           ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    w, h = width * 72 / dpi, height * 72 / dpi
    placing = f"{w} 0 0 {-h} 0 {h} cm" if flip else f"{w} 0 0 {h} 0 0 cm"
    page = pdf.add_blank_page(page_size=(w, h))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(f"q {placing} /Im0 Do Q".encode())
    pdf.save(path)


def test_a_pdf_scan_is_read_as_stored(tmp_path, page_300):
    grey = np.asarray(page_300[0])
    image_pdf(grey, tmp_path / "scan.pdf")
    page = load_page(tmp_path / "scan.pdf", "pdf", 1)
    assert np.array_equal(page.pixels, grey)  # not resampled by rendering


def test_a_pdf_scan_drawn_upside_down_is_rendered_as_shown(tmp_path, page_300):
    grey = np.asarray(page_300[0])
    image_pdf(grey, tmp_path / "flipped.pdf", flip=True)
    page = load_page(tmp_path / "flipped.pdf", "pdf", 1)
    assert page.pixels.shape == grey.shape
    shown, stored = page.pixels.astype(int), grey.astype(int)
    assert np.abs(shown - stored[::-1]).mean() < np.abs(shown - stored).mean() / 3

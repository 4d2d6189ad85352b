"""Signature stamps: red title stamps beside a printed signature block are found by shape in
the coloured ink, read apart and kept as overlays, never as the page's lines; a round seal's
text is not read; segment takes the stamp's authority and position for the signature.
Pages are drawn here with PIL in the synthetic renderer's fonts."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ingest import ingest, sniff
from pipeline.model import Signature
from pipeline.ocr import ocr_document
from pipeline.ocr.colour import find_seals
from pipeline.ocr.stamps import find_stamps, signature_stamps, without_stamps
from pipeline.segment.signature import with_stamps
from pipeline.synth.typeset import get_font
from pipeline.text.fold import fold

BODY = [
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Điều 3. Các phòng, đơn vị liên quan chịu trách nhiệm thi hành.",
]
RED = (200, 30, 45)
STAMP_LINES = ("KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG")
STAMP_FRAME = (700, 1290, 1140, 1420)  # left, top, right, bottom (A4 at 150 dpi)
SEAL = ((520, 1360), 110)  # centre, radius


def stamped_page(with_stamp: bool = True, with_seal: bool = True) -> np.ndarray:
    """An A4 page at 150 dpi: two body lines, the recipients, a printed "HIỆU TRƯỞNG"; a red
    framed two-line title stamp under it and a round red seal with a word inside."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    body, bold = get_font("regular", 27), get_font("bold", 27)
    for index, line in enumerate(BODY):
        draw.text((150, 200 + 45 * index), line, font=body, fill="black")
    draw.text((150, 1200), "Nơi nhận:", font=get_font("bolditalic", 24), fill="black")
    draw.text((150, 1240), "- Như Điều 3;", font=get_font("regular", 22), fill="black")
    draw.text((760, 1200), "HIỆU TRƯỞNG", font=bold, fill="black")
    if with_stamp:
        left, top, right, bottom = STAMP_FRAME
        draw.rectangle(STAMP_FRAME, outline=RED, width=4)
        stamp_font = get_font("bold", 30)
        for index, line in enumerate(STAMP_LINES):
            draw.text((left + 25, top + 18 + 52 * index), line, font=stamp_font, fill=RED)
    if with_seal:
        (x, y), radius = SEAL
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=RED, width=6)
        draw.ellipse((x - radius * 0.8, y - radius * 0.8, x + radius * 0.8, y + radius * 0.8),
                     outline=RED, width=3)
        draw.text((x - 60, y - 15), "ỦY BAN", font=get_font("bold", 26), fill=RED)
    return np.asarray(image)


def folded(text: str) -> str:
    return " ".join(fold(text).upper().split())


def test_a_framed_title_stamp_is_found_and_read_and_the_seal_is_not():
    rgb = stamped_page()
    boxes = find_stamps(rgb, find_seals(rgb))
    assert len(boxes) == 1
    left, top, right, bottom = STAMP_FRAME
    box = boxes[0]
    assert left <= box.left and box.left + box.width <= right
    assert top <= box.top and box.top + box.height <= bottom
    (overlay,) = signature_stamps(rgb, boxes, 1, "vie")
    assert overlay.kind == "signature-stamp"
    lines = [folded(line) for line in overlay.text.split("\n")]
    assert lines == ["KT. HIEU TRUONG", "PHO HIEU TRUONG"]


def test_no_stamp_is_found_on_black_print_with_a_seal_alone():
    rgb = stamped_page(with_stamp=False)
    assert find_seals(rgb)
    assert find_stamps(rgb, find_seals(rgb)) == []


def test_a_page_printed_in_colour_has_no_stamps():
    rgb = stamped_page(with_seal=False).copy()
    ink = rgb.min(axis=2) < 128
    rgb[ink] = RED  # every line red: coloured print, not a stamp
    assert find_stamps(rgb, []) == []


def test_the_stamp_is_taken_out_of_the_grey_page_and_the_print_beside_it_stays():
    rgb = stamped_page(with_seal=False)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    boxes = find_stamps(rgb, [])
    cleared = without_stamps(grey, rgb, boxes)
    box = boxes[0]
    assert cleared[box.top:box.top + box.height, box.left:box.left + box.width].min() >= 200
    printed = (slice(1200, 1235), slice(760, 1000))  # "HIỆU TRƯỞNG" in black above it
    assert cleared[printed].min() < 80


@pytest.fixture(scope="module")
def read_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("stamps") / "stamped.png"
    Image.fromarray(stamped_page()).save(path)
    return ocr_document(ingest(sniff(path)), sniff(path))


def test_the_stamp_is_an_overlay_of_the_page_not_its_lines(read_page):
    stamps = [o for o in read_page.overlays if o.kind == "signature-stamp"]
    assert len(stamps) == 1 and stamps[0].page == 1
    assert "PHO HIEU TRUONG" in folded(stamps[0].text)
    text = folded(" ".join(read_page.ocr_lines))
    assert "PHO HIEU TRUONG" not in text and "KT." not in text
    assert "HIEU TRUONG" in text  # the printed line is still read
    assert "UY BAN" not in folded(stamps[0].text)  # the seal's word is not a stamp's


def test_a_deputy_stamp_over_the_heads_printed_title():
    printed = Signature(title="HIỆU TRƯỞNG")
    signed = with_stamps(printed, ["Kĩ.HIỆU TRƯỞNG\nPHÔ HIỆU TRƯỞNG"])
    assert signed.authority == "KT. HIỆU TRƯỞNG"
    assert signed.title == "PHÓ HIỆU TRƯỞNG"
    assert signed.name is None  # no name read: none invented


def test_a_stamp_fills_what_the_printed_block_lacks_and_keeps_what_it_has():
    signed = with_stamps(Signature(authority="TM. ỦY BAN NHÂN DÂN", title="CHỦ TỊCH"),
                         ["TS. Nguyễn Văn An"])
    assert signed.authority == "TM. ỦY BAN NHÂN DÂN"
    assert signed.title == "CHỦ TỊCH"
    assert (signed.name_prefix, signed.name) == ("TS.", "Nguyễn Văn An")
    named = with_stamps(Signature(title="GIÁM ĐỐC", name="Trần Thị Bình"), ["Lê Văn Cường"])
    assert named.name == "Trần Thị Bình"


def test_stamp_text_that_is_no_signature_changes_nothing():
    printed = Signature(title="CHỦ TỊCH", name="Nguyễn Văn An")
    assert with_stamps(printed, ["đàn", "342 21\n; -Z", "Kĩ.HIỆU TRƯỞNG"]) == printed
    # a position alone with a prefix read, and no deputy line under it, is not taken
    assert with_stamps(Signature(), ["Kĩ.HIỆU TRƯỞNG"]) == Signature()

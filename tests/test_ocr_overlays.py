"""Overlays (pipeline.ocr.overlays): a signed scan's signature box is taken from the PDF, kept
out of the document's own lines and listed in the JSON."""

from __future__ import annotations

import pytest
from test_textlayer import SIGNATURE, add_signature_overlay, cer, copier, scan  # noqa: F401

from pipeline.ingest import ingest, sniff
from pipeline.ocr import ocr_document
from pipeline.ocr.overlays import OVERLAY, overlay_kind
from pipeline.segment import segment_document


@pytest.mark.parametrize("where", ["content", "annotation"])
def test_a_signature_box_is_an_overlay_with_the_pdfs_own_text(scan, tmp_path, where):  # noqa: F811
    signed = tmp_path / "signed.pdf"
    add_signature_overlay(scan[0], signed, where)
    document = ocr_document(ingest(sniff(signed)), sniff(signed))
    page = document.pages[0]
    assert [o.kind for o in document.overlays] == ["digital-signature"]
    overlay = document.overlays[0]
    assert overlay.text.split("\n") == SIGNATURE and overlay.page == 1
    # The box is in the page's top right corner, in page pixels.
    assert overlay.box.left > page.width / 2 and overlay.box.top < page.height / 10
    # Its lines come first, marked, exactly as in the PDF; the scan's own text follows, read.
    assert document.ocr_lines[:len(SIGNATURE)] == SIGNATURE
    assert all(line.block == OVERLAY for line in page.lines[:len(SIGNATURE)])
    body = " ".join(line.text for line in page.lines if line.block != OVERLAY and line.text)
    assert cer(" ".join(scan[1]), body) < 0.05
    payload = segment_document(document).to_public_json()
    assert payload["overlays"][0]["text"] == "\n".join(SIGNATURE)
    assert "TRUNG TÂM" not in str(payload["header"])  # never taken for the issuer


def test_a_copiers_ocr_under_a_signature_box_stays_out_of_it(copier, tmp_path):  # noqa: F811
    signed = tmp_path / "signed_copier.pdf"
    add_signature_overlay(copier, signed, "annotation")
    document = ocr_document(ingest(sniff(signed)), sniff(signed))
    assert document.pages[0].text_layer.kind == "invisible"  # the copier's OCR is most text
    assert [o.text.split("\n") for o in document.overlays] == [SIGNATURE]


def test_overlay_kinds_by_their_words():
    assert overlay_kind("Ký bởi: Sở Tư pháp\nThời gian ký: 01.02.2025") == "digital-signature"
    assert overlay_kind("SAO Y BẢN CHÍNH") == "copy-stamp"
    assert overlay_kind("CÔNG VĂN ĐẾN\nSố: ...\nNgày: ...") == "received-stamp"


def stamped_page(tmp_path):
    """A letter's page with a received stamp (a frame holding "CÔNG VĂN ĐẾN", a number and a
    day written in) pressed at the left, above its first lines and over the margin."""
    import numpy as np
    from PIL import Image, ImageDraw

    from pipeline.synth import render_text_page

    body = ["Kính gửi: Ủy ban nhân dân các xã, phường.",
            "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện chuyển đổi số",
            "năm 2026 trên địa bàn tỉnh. Các cơ quan, đơn vị phối hợp thực hiện.",
            "Giao Văn phòng theo dõi, tổng hợp kết quả thực hiện."]
    # (margins: top, right, bottom, left in mm; the stamp goes in the top one)
    page, truth = render_text_page(body, dpi=300, page_size="A5", degrade="clean", seed=3,
                                   margins_mm=(45, 15, 15, 20))
    stamp, _ = render_text_page(["CÔNG VĂN ĐẾN", "Số: 2770", "Ngày: 04/4/2018"], dpi=300,
                                page_size=(60, 28), degrade="clean", seed=4,
                                margins_mm=(3, 3, 3, 4))
    stamp = stamp.convert("L")
    ImageDraw.Draw(stamp).rectangle([2, 2, stamp.width - 3, stamp.height - 3], outline=0,
                                    width=4)
    pixels = np.asarray(page.convert("L")).copy()
    top, left = truth[0].bbox[1] - stamp.height + 30, 40  # over the first line's top
    region = pixels[top:top + stamp.height, left:left + stamp.width]
    pixels[top:top + stamp.height, left:left + stamp.width] = np.minimum(region,
                                                                           np.asarray(stamp))
    path = tmp_path / "stamped.png"
    Image.fromarray(pixels).save(path, dpi=(300, 300))
    return path, [line.text for line in truth]


def test_a_received_stamp_on_the_scan_is_an_overlay(tmp_path):
    path, truth = stamped_page(tmp_path)
    document = ocr_document(ingest(sniff(path)), sniff(path))
    assert [o.kind for o in document.overlays] == ["received-stamp"]
    stamp = document.overlays[0]
    assert "ĐẾN" in stamp.text and "2770" in stamp.text
    own = [line.text for line in document.pages[0].lines if line.block != OVERLAY and line.text]
    assert not any("ĐẾN" in text or "2770" in text for text in own)
    # The lines the stamp does not cover are read as printed.
    assert cer(truth[-1], own[-1]) < 0.05

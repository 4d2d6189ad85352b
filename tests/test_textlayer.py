"""PDF text layers judged, not trusted (pipeline.ocr.textlayer): a copier's English OCR layer
and a signature overlay do not make a scan born-digital; legacy-encoded fonts are converted;
--ocr auto|force|skip-text. Every PDF is made here: rendered pages (pipeline.synth) through
img2pdf and ocrmypdf, born-digital pages written with pikepdf."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import img2pdf
import pikepdf
import pytest
from conftest import run_cli
from pikepdf import Array, Dictionary, Name
from rapidfuzz.distance import Levenshtein

from pipeline import legacy_encoding
from pipeline.ingest import ingest, sniff
from pipeline.model import PageRecord
from pipeline.ocr import ocr_document, plan_pages
from pipeline.ocr.pdfcontent import measure_page
from pipeline.ocr.textlayer import judge_text_layer
from pipeline.synth import render_text_page
from pipeline.text.vietnamese import count_words, reads_as_vietnamese

LINES = [
    "Ủy ban nhân dân xã An Hòa ban hành Kế hoạch",
    "phòng, chống thiên tai năm 2026 trên địa bàn xã.",
    "Các phòng, ban chuyên môn phối hợp thực hiện.",
]
ENGLISH_OCR = [  # what an English model reads on such a page
    "Uy ban nhan dan xa An Hoa ban hanh Ké hoach",
    "phong, chéng thién tai nam 2026 trén dia ban xa.",
    "Cac phong, ban chuyén mén phéi hop thuc hién.",
]
SIGNATURE = ["Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi", "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC",
             "ttcbth@quangngai.gov.vn", "05.02.2025 15:35:18 +07:00"]
A6 = (298.0, 420.0)  # points


def cer(expected: str, got: str) -> float:
    return Levenshtein.distance(expected, got) / max(len(expected), 1)


# -- PDFs of scans: rendered, then as a copier saves them ---------------------------------------

@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> tuple[Path, list[str]]:
    """A rendered page in a PDF, image only (img2pdf), and the lines printed on it."""
    folder = tmp_path_factory.mktemp("scan")
    image, truth = render_text_page(LINES, dpi=300, page_size="A6", degrade="clean", seed=5)
    png = folder / "page.png"
    image.save(png, dpi=(300, 300))
    pdf = folder / "scan.pdf"
    pdf.write_bytes(img2pdf.convert(str(png)))
    return pdf, [line.text for line in truth]


@pytest.fixture(scope="module")
def copier(scan, tmp_path_factory) -> Path:
    """The scan as an office copier saves it: an invisible English-model OCR layer."""
    out = tmp_path_factory.mktemp("copier") / "copier.pdf"
    subprocess.run(
        [sys.executable, "-m", "ocrmypdf", "-l", "eng", "--output-type", "pdf", "--optimize", "0",
         "--jobs", "1", "--quiet", str(scan[0]), str(out)],
        check=True, capture_output=True, timeout=300,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return out


def test_copier_scan_is_ocrd_and_reads_as_vietnamese(copier, scan):
    document = ocr_document(ingest(sniff(copier)), sniff(copier))
    page = document.pages[0]
    assert page.text_layer.kind == "invisible" and not page.text_layer.used
    assert "a scan with another program's OCR" in page.text_layer.reason
    assert PageRecord.of(page).text_source == "ocr" and document.source.kind == "scan"
    text = "\n".join(document.ocr_lines)
    assert reads_as_vietnamese(count_words(text))
    assert cer(" ".join(scan[1]), " ".join(line for line in document.ocr_lines if line)) < 0.05


def test_skip_text_keeps_the_copiers_english_layer(copier):
    document = ocr_document(ingest(sniff(copier)), sniff(copier), ocr_mode="skip-text")
    layer = document.pages[0].text_layer
    assert layer.kind == "invisible" and layer.used and "skip-text" in layer.reason
    assert document.source.kind == "pdf-text"
    counts = count_words("\n".join(document.ocr_lines))
    assert counts.words >= 15 and not reads_as_vietnamese(counts)  # English OCR, no marks


def test_an_image_only_page_has_no_text_layer(scan):
    judged = judge_text_layer(scan[0], 1)
    assert (judged.record.kind, judged.record.used, judged.record.encoding) == (
        "none", False, None)


@pytest.mark.parametrize("where", ["content", "annotation"])
def test_a_signature_overlay_does_not_make_a_scan_born_digital(scan, tmp_path, where):
    signed = tmp_path / "signed.pdf"
    add_signature_overlay(scan[0], signed, where)
    drawing = measure_page(signed, 1)
    assert drawing.visible_chars > 50 and drawing.image_share > 0.99
    assert drawing.visible_text_share < 0.02
    for mode in ("auto", "skip-text"):
        record = judge_text_layer(signed, 1, mode).record
        assert record.kind == "visible" and not record.used
        assert "an overlay" in record.reason


def test_an_overlay_on_a_scan_with_wide_margins_is_still_an_overlay(tmp_path):
    path = tmp_path / "small_scan.pdf"
    pdf = pikepdf.new()
    image = pdf.make_stream(b"\x80", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1,
                            ColorSpace=Name.DeviceGray, BitsPerComponent=8)
    scan = f"q {A6[0] * 0.75} 0 0 {A6[1] * 0.75} 30 40 cm /Im Do Q\n".encode()
    overlay = text_content([("Sig", line.encode("utf-16-be")) for line in SIGNATURE], size=4)
    write_page(pdf, scan + overlay, fonts={"Sig": unicode_font(pdf, "".join(SIGNATURE))},
               xobjects={"Im": image})
    pdf.save(path)
    assert 0.5 < measure_page(path, 1).image_share < 0.6
    record = judge_text_layer(path, 1).record
    assert not record.used and "an overlay" in record.reason


def test_text_under_an_opaque_full_page_image_is_hidden(tmp_path):
    path = tmp_path / "hidden.pdf"
    pdf = pikepdf.new()
    image = pdf.make_stream(b"\x80", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1,
                            ColorSpace=Name.DeviceGray, BitsPerComponent=8)
    text = text_content([("F1", b"Uy ban nhan dan")], size=11)
    content = text + f"\nq {A6[0]} 0 0 {A6[1]} 0 0 cm /Im Do Q".encode()
    write_page(pdf, content, fonts={"F1": simple_font(pdf, "Helvetica")},
               xobjects={"Im": image})
    pdf.save(path)
    drawing = measure_page(path, 1)
    assert drawing.visible_chars == 0 and drawing.invisible_chars == 15
    record = judge_text_layer(path, 1).record
    assert record.kind == "invisible" and not record.used


# -- born-digital pages -------------------------------------------------------------------------

def test_born_digital_vietnamese_page_is_used(tmp_path):
    path = tmp_path / "digital.pdf"
    write_text_pdf(path, [("U", line.encode("utf-16-be")) for line in LINES],
                   fonts={"U": lambda pdf: unicode_font(pdf, "".join(LINES))})
    document = ocr_document(ingest(sniff(path)), sniff(path))
    layer = document.pages[0].text_layer
    assert (layer.kind, layer.encoding, layer.used) == ("visible", "unicode", True)
    assert "reads as Vietnamese" in layer.reason
    assert document.ocr_lines == LINES and document.source.kind == "pdf-text"
    assert PageRecord.of(document.pages[0]).text_source == "text-layer"


@pytest.mark.parametrize(("text", "used"), [
    ("Nơi nhận: Như trên; Lưu VT.", True), ("PHỤ LỤC", False)])
def test_a_short_born_digital_page_is_used_unless_too_short_to_judge(tmp_path, text, used):
    path = tmp_path / "short.pdf"
    write_text_pdf(path, [("U", text.encode("utf-16-be"))],
                   fonts={"U": lambda pdf: unicode_font(pdf, text)})
    judged = judge_text_layer(path, 1)
    assert judged.record.used == used
    assert used or "too little visible text" in judged.record.reason


def test_force_ocrs_even_a_born_digital_page(tmp_path):
    path = tmp_path / "digital.pdf"
    write_text_pdf(path, [("U", line.encode("utf-16-be")) for line in LINES],
                   fonts={"U": lambda pdf: unicode_font(pdf, "".join(LINES))})
    record = judge_text_layer(path, 1, "force").record
    assert record.kind == "visible" and not record.used and "force" in record.reason
    assert [job.ocr_mode for job in plan_pages(sniff(path), "vie", "force")] == ["force"]


def test_a_visible_layer_of_english_ocr_is_ocrd(tmp_path):
    path = tmp_path / "garbage.pdf"
    write_text_pdf(path, [("F1", line.encode("cp1252")) for line in ENGLISH_OCR],
                   fonts={"F1": lambda pdf: simple_font(pdf, "Helvetica")})
    document = ocr_document(ingest(sniff(path)), sniff(path))
    layer = document.pages[0].text_layer
    assert layer.kind == "visible" and not layer.used
    assert "does not read as Vietnamese" in layer.reason
    assert document.source.kind == "scan" and document.pages[0].ocr_confidence is not None


LEGACY_CASES = {
    # encoding: (font of small letters, font of capitals, capitals' bytes written small)
    "tcvn3": (".VnTime", ".VnTimeH", True),
    "vni": ("VNI-Times", "VNI-Times", False),
}


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_font_pages_are_converted(tmp_path, encoding):
    small_font, capitals_font, capitals_small = LEGACY_CASES[encoding]
    heading = "KẾ HOẠCH PHÒNG, CHỐNG THIÊN TAI"
    lines = [("H", legacy_encoding.encode(heading, encoding, capitals=capitals_small))]
    lines += [("B", legacy_encoding.encode(line.replace("Ủy", "Uỷ"), encoding))
              for line in LINES]
    path = tmp_path / f"{encoding}.pdf"
    write_text_pdf(path, lines, fonts={"H": lambda pdf: simple_font(pdf, capitals_font),
                                       "B": lambda pdf: simple_font(pdf, small_font)})
    document = ocr_document(ingest(sniff(path)), sniff(path))
    layer = document.pages[0].text_layer
    assert (layer.kind, layer.encoding, layer.used) == ("visible", encoding, True)
    assert document.ocr_lines == [heading] + [line.replace("Ủy", "Uỷ") for line in LINES]


def test_tcvn3_in_a_font_without_its_name_is_found_by_its_characters(tmp_path):
    body = [line.replace("Ủy", "Uỷ").lower() for line in LINES] + [
        "người dân được hướng dẫn ứng phó với thiên tai, lũ lụt."]
    path = tmp_path / "renamed.pdf"
    write_text_pdf(path, [("F1", legacy_encoding.encode(line, "tcvn3")) for line in body],
                   fonts={"F1": lambda pdf: simple_font(pdf, "F1")})
    judged = judge_text_layer(path, 1)
    assert (judged.record.encoding, judged.record.used) == ("tcvn3", True)
    # pdftotext reads TCVN3's ư (0xAD) as a hyphen; mended where that makes a syllable.
    assert judged.text.split("\n")[:len(body)] == body


def test_cli_passes_the_ocr_mode_on(tmp_path):
    path = tmp_path / "digital.pdf"
    write_text_pdf(path, [("U", line.encode("utf-16-be")) for line in LINES],
                   fonts={"U": lambda pdf: unicode_font(pdf, "".join(LINES))})
    out = tmp_path / "out"
    done = run_cli("run", str(path), "--out", str(out), "--jobs", "1", "--ocr", "force")
    assert done.returncode == 0, done.stderr.decode()
    page = json.loads((out / "digital.json").read_text(encoding="utf-8"))["pages"][0]
    assert page["text_source"] == "ocr" and "force" in page["text_layer"]["reason"]
    assert run_cli("run", str(path), "--out", str(out), "--ocr", "never").returncode == 2


# -- writing PDFs ------------------------------------------------------------------------------

def text_content(lines: list[tuple[str, bytes]], size: float, left: float = 20.0,
                 top: float = 380.0) -> bytes:
    """Lines of text, each (font resource name, the bytes shown), one below the other."""
    out = [b"BT"]
    for index, (font, data) in enumerate(lines):
        out.append(f"/{font} {size} Tf 1 0 0 1 {left} {top - index * size * 1.4:.1f} Tm "
                   f"<{data.hex()}> Tj".encode())
    out.append(b"ET")
    return b"\n".join(out)


def write_page(pdf: pikepdf.Pdf, content: bytes, fonts: dict, xobjects: dict | None = None):
    resources = Dictionary(Font=Dictionary({f"/{k}": v for k, v in fonts.items()}))
    if xobjects:
        resources.XObject = Dictionary({f"/{k}": v for k, v in xobjects.items()})
    pdf.pages.append(pikepdf.Page(Dictionary(
        Type=Name.Page, MediaBox=[0, 0, *A6], Resources=resources,
        Contents=pdf.make_stream(content))))


def write_text_pdf(path: Path, lines: list[tuple[str, bytes]], fonts: dict) -> None:
    """A born-digital A6 page: `fonts` maps resource names to font makers."""
    pdf = pikepdf.new()
    write_page(pdf, text_content(lines, size=8),
               fonts={name: make(pdf) for name, make in fonts.items()})
    pdf.save(path)


def simple_font(pdf: pikepdf.Pdf, name: str) -> pikepdf.Dictionary:
    """A one-byte TrueType font, not embedded, as Word writes legacy fonts."""
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + name), FirstChar=32,
        LastChar=255, Widths=[500] * 224, Encoding=Name.WinAnsiEncoding))


def unicode_font(pdf: pikepdf.Pdf, text: str) -> pikepdf.Dictionary:
    """A composite font whose two-byte codes are the characters' code points, with the
    ToUnicode map that says so (not embedded: only its text is read)."""
    entries = "\n".join(f"<{ord(ch):04X}> <{ord(ch):04X}>" for ch in sorted(set(text)))
    count = len(set(text))
    cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            f"{count} beginbfchar\n{entries}\nendbfchar\n"
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    descendant = Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/Tinos"), DW=500,
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"),
                                 Ordering=pikepdf.String("Identity"), Supplement=0))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/Tinos"), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(descendant)]),
        ToUnicode=pdf.make_stream(cmap.encode("ascii"))))


def add_signature_overlay(scan: Path, out: Path, where: str) -> None:
    """The scan with a digital signature's text box in its top right corner, drawn in the page
    content or, as signing software does, as a signature field's appearance."""
    with pikepdf.open(scan) as pdf:
        page = pdf.pages[0]
        width, height = (float(v) for v in page.mediabox[2:])
        font = unicode_font(pdf, "".join(SIGNATURE))
        lines = [("Sig", line.encode("utf-16-be")) for line in SIGNATURE]
        if where == "content":
            page.obj.Resources.Font = Dictionary(Sig=font)
            page.contents_add(pdf.make_stream(
                text_content(lines, size=4, left=width - 90, top=height - 10)))
        else:
            box = [width - 92, height - 32, width - 2, height - 2]
            appearance = pdf.make_stream(
                text_content(lines, size=4, left=2, top=24), Type=Name.XObject,
                Subtype=Name.Form, BBox=[0, 0, 90, 30],
                Resources=Dictionary(Font=Dictionary(Sig=font)))
            widget = pdf.make_indirect(Dictionary(
                Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, Rect=box, F=4,
                AP=Dictionary(N=appearance)))
            page.obj.Annots = Array([widget])
            pdf.Root.AcroForm = Dictionary(Fields=Array([widget]), SigFlags=3)
        pdf.save(out)

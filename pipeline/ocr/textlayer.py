"""A PDF page's own text, judged before it is trusted (OCRmyPDF's skip-text/redo/force, for
Vietnamese).

Scanned PDFs from office copiers and scanners carry an invisible text layer (render mode 3)
made by their own OCR, usually an English model: "Uy ban nhan dan" for "Ủy ban nhân dân",
without word boxes or our reading order, and mostly worse than our own `vie` OCR even once
restored. Signed scans carry a few visible words over the scan ("Ký bởi: …", "TRUNG TÂM CÔNG
BÁO VÀ TIN HỌC", an e-mail, a time): not the page's text either.
Old born-digital documents were typed in legacy 8-bit font encodings (TCVN3, VNI): their
text layer is Vietnamese only once converted (`pipeline.legacy_encoding`).

So, per page, in the default mode (`auto`):
- no text drawn: OCR;
- mostly invisible text: a scan with another program's OCR: OCR;
- visible text covering little of a page that images cover (an overlay on a scan): OCR;
- other visible text: read (pdftotext; legacy-encoded fonts through a ToUnicode map of their
  table, or converted when its characters show the encoding), and used when it reads as
  Vietnamese (`pipeline.text.vietnamese`), else OCR.
`force` OCRs every page; `skip-text` keeps any text layer (invisible, or visible and not a
mere overlay) as it is. Every decision is recorded in the page's `text_layer`.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import regex

from pipeline import external, legacy_encoding
from pipeline.legacy_encoding import LegacyFont
from pipeline.model import OcrMode, TextLayer
from pipeline.ocr.pdfcontent import PageDrawing, fonts_in, measure, open_pdf
from pipeline.text.vietnamese import count_words, is_syllable, reads_as_vietnamese

# Images covering at least this share of a page make it a scan (scans fill their pages;
# taking a scan for a text page costs its whole text, the reverse only an OCR of the page)...
SCAN_IMAGE_SHARE = 0.5
# ... on which visible text covering less than this share is an overlay (the signature
# boxes of ../shared/realscans cover 0.2-0.9% of their pages; 25 full lines of 12-point text
# on A4, 26%).
OVERLAY_TEXT_SHARE = 0.05
# Simple (one byte a code) fonts: the ones legacy encodings come in.
_SIMPLE_FONTS = ("/Type1", "/TrueType", "/MMType1")
# Visible text of fewer words is too little to judge (a closing page's "Nơi nhận" list and
# signature has more).
MIN_LAYER_WORDS = 3
# Letters with hyphens in or at the ends of them ("ng-ời", "th-", "-ớc").
_HYPHENATED = regex.compile(r"(?:\p{L}|-)*(?:\p{L}-|-\p{L})(?:\p{L}|-)*")


@dataclass(frozen=True)
class PageText:
    """The judgement (`record.used`: take `text` instead of OCR) and the layer's text."""

    record: TextLayer
    text: str = ""
    # The visible text is an overlay on a scan (a digital signature's box): OCR'd pages take
    # it from the PDF instead (pipeline.ocr.overlays).
    overlay: bool = False
    invisible_text: bool = False  # (besides the overlay: a copier's OCR of the scan)


def judge_text_layer(path: Path, number: int, ocr_mode: OcrMode = "auto") -> PageText:
    """Judge page `number` (1-based) of a PDF: its text layer, and whether to use it."""
    with open_pdf(path) as pdf:
        page = pdf.pages[number - 1]
        try:
            drawing = measure(page)
        except (pikepdf.PdfError, ValueError, TypeError) as exc:  # malformed content
            return PageText(TextLayer(kind="none", reason=f"page content unreadable ({exc})"))
        if drawing.chars == 0:
            return PageText(TextLayer(kind="none", reason="no text on the page"))
        legacy = _legacy_fonts(page, drawing)
        text = _text_with_unicode_maps(pdf, page, legacy) if legacy else None
    if text is None:
        text, encoding = _converted(external.pdf_page_text(path, number))
    else:
        encoding = _main_encoding(legacy, drawing)
    kind = "invisible" if drawing.invisible_chars >= drawing.visible_chars else "visible"
    used, reason = decide(ocr_mode, kind, drawing, text)
    return PageText(TextLayer(kind=kind, encoding=encoding, used=used, reason=reason), text,
                    overlay=drawing.visible_chars > 0 and _is_overlay(drawing),
                    invisible_text=drawing.invisible_chars > 0)


def decide(ocr_mode: OcrMode, kind: str, drawing: PageDrawing, text: str) -> tuple[bool, str]:
    """(use the layer, why) for a page with text."""
    not_own = _not_the_pages_text(kind, drawing)
    if ocr_mode == "force":
        return False, "--ocr force: every page is OCR'd"
    if ocr_mode == "skip-text":
        if kind == "visible" and not_own:
            return False, f"--ocr skip-text, but no text layer: {not_own}"
        return True, "--ocr skip-text: the page's text layer is kept"
    if not_own:
        return False, not_own
    counts = count_words(text)
    if counts.words < MIN_LAYER_WORDS:
        return False, f"too little visible text to judge ({counts.words} words)"
    if reads_as_vietnamese(counts, min_words=MIN_LAYER_WORDS):
        return True, f"visible text that reads as Vietnamese ({counts.describe()})"
    return False, f"visible text that does not read as Vietnamese ({counts.describe()})"


def _not_the_pages_text(kind: str, drawing: PageDrawing) -> str | None:
    """Why the text drawn is not what the page shows, or None when it may be."""
    images = drawing.image_share
    if kind == "invisible":
        if images >= SCAN_IMAGE_SHARE:
            return (f"invisible text over images covering {images:.0%} of the page: a scan "
                    "with another program's OCR")
        return "invisible text: not what the page shows"
    if _is_overlay(drawing):
        return (f"visible text covering {drawing.visible_text_share:.1%} of the page over "
                f"images covering {images:.0%}: a scan with an overlay (a digital signature, "
                "a stamp)")
    return None


def _is_overlay(drawing: PageDrawing) -> bool:
    """Visible text covering little of a page that images cover: an overlay on a scan."""
    return (drawing.image_share >= SCAN_IMAGE_SHARE
            and drawing.visible_text_share < OVERLAY_TEXT_SHARE)


# A font of the page in a legacy encoding: (its name, its dictionary, what the name tells).
LegacyFontUse = tuple[str, pikepdf.Dictionary, LegacyFont]


def _legacy_fonts(page: pikepdf.Page, drawing: PageDrawing) -> list[LegacyFontUse]:
    """The simple fonts the page shows text in whose names tell a legacy encoding (.VnTime,
    VNI-Times)."""
    found = []
    for name, font in fonts_in(page):
        legacy = legacy_encoding.font_encoding(name)
        if legacy is not None and font.get("/Subtype") in _SIMPLE_FONTS \
                and drawing.fonts.get(name, 0) > 0:
            found.append((name, font, legacy))
    return found


def _main_encoding(legacy: list[LegacyFontUse], drawing: PageDrawing) -> str:
    """The legacy encoding most of the page's characters are shown in."""
    shown = {"tcvn3": 0, "vni": 0}
    for name, _, found in legacy:
        shown[found.encoding] += drawing.fonts[name]
    return max(shown, key=shown.get)


def _converted(text: str) -> tuple[str, str]:
    """A text layer from fonts that do not name their encoding: converted when its characters
    show a legacy one."""
    found = legacy_encoding.detect(text)
    if found is None:
        return text, "unicode"
    converted = legacy_encoding.convert(text, found)
    return (_hyphens_as_u_horn(converted) if found == "tcvn3" else converted), found


def _hyphens_as_u_horn(text: str) -> str:
    """TCVN3 writes ư as byte 0xAD, which Windows-1252 fonts name "hyphen": pdftotext gives
    "-" for it ("ng-ời"). A word with hyphens that is a syllable with ư for them was one."""
    def mend(match: regex.Match) -> str:
        word = match.group(0)
        mended = word.replace("-", "ư")
        return mended if is_syllable(mended) else word

    return _HYPHENATED.sub(mend, text)


def _text_with_unicode_maps(pdf: pikepdf.Pdf, page: pikepdf.Page,
                            legacy: list[LegacyFontUse]) -> str:
    """The page's text (pdftotext) once every legacy font has a ToUnicode map of its table.
    A font's own map, if any, is replaced: made from the glyphs' Latin-1 names, it is the
    garbage this undoes. pdftotext reads a one-page copy, the file itself is not changed."""
    for _, font, found in legacy:
        font[pikepdf.Name.ToUnicode] = pdf.make_stream(
            to_unicode_cmap(legacy_encoding.byte_map(found)))
    with tempfile.TemporaryDirectory(prefix="vnplan_") as folder:
        copy_path = Path(folder) / "page.pdf"
        with pikepdf.new() as copy, warnings.catch_warnings():
            # The copy's signature widgets lose their form: no matter to pdftotext.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            copy.pages.append(page)
            copy.save(copy_path)
        return external.pdf_page_text(copy_path, 1)


def to_unicode_cmap(shown: dict[int, str]) -> bytes:
    """A ToUnicode CMap for a simple font: byte -> the text it shows."""
    entries = [f"<{code:02X}> <{text.encode('utf-16-be').hex().upper()}>"
               for code, text in sorted(shown.items())]
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries a block
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
            + "\n".join(blocks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
            ).encode("ascii")

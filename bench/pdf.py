"""NAME.pdf checked against its input and NAME.restored.txt (issue 15, the searchable PDF).

For each PDF made by `run --pdf`:
- accuracy: `pdftotext` of the PDF against NAME.restored.txt, syllable accuracy as
  bench.scoring scores real pages: pdftotext's default mode (poppler's own reading order,
  which the text layer is drawn to agree with: pipeline.emit.pdf, "Reading order"; where it
  does not, the aligned score counts the words out of place as errors), the same order-free
  (the syllables as a multiset), and `pdftotext -raw` (the order the text is drawn in). The
  input's own text (a digital signature's box) is part of the PDF's text; pages whose text
  came from the input's own text layer are left out of both texts (their text is the
  input's);
- images: every image stream of the input, by page, has the same raw (still encoded) data in
  the PDF; an image input: the PDF's one image holds the file's JPEG data as they are, or
  (PNG, TIFF) the same decoded pixels;
- size: the PDF's bytes over the input's;
- qpdf: `pikepdf` (qpdf) finds no problem in the file's structure (`Pdf.check`);
- PDF/A: whether the file claims PDF/A-2b (XMP pdfaid) with an output intent.

    python -m bench.pdf OUT_DIR INPUT...   # outputs of `python -m pipeline run INPUT... --pdf`
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

from bench.scoring import score, score_tokens
from pipeline import external
from pipeline.ingest import output_stem


@dataclass
class PdfCheck:
    name: str
    accuracy: float  # pdftotext, default mode, aligned
    order_free: float  # pdftotext, default mode, as a multiset of syllables
    accuracy_raw: float  # pdftotext -raw, aligned
    gold_tokens: int
    images_identical: bool
    image_note: str
    size_growth: float  # PDF bytes / input bytes - 1
    qpdf_problems: list[str]
    pdfa: bool


def check_pdf(pdf_path: Path, input_path: Path, restored_path: Path,
              json_path: Path | None = None) -> PdfCheck:
    """All the checks of one NAME.pdf."""
    restored = restored_path.read_text(encoding="utf-8")
    layer_pages = _text_layer_pages(json_path)
    text = external.pdf_page_text(pdf_path, None, layout=False)
    raw = _pdftotext_raw(pdf_path)
    if layer_pages:
        restored = _without_pages(restored, layer_pages)
        text, raw = _without_pages(text, layer_pages), _without_pages(raw, layer_pages)
    page_score = score(restored, text)
    identical, note = images_identical(pdf_path, input_path)
    with pikepdf.open(pdf_path) as pdf:
        problems = [str(problem) for problem in pdf.check_pdf_syntax()]
        pdfa = claims_pdfa(pdf)
    growth = pdf_path.stat().st_size / input_path.stat().st_size - 1.0
    return PdfCheck(pdf_path.stem, page_score.syllable_acc, order_free_accuracy(restored, text),
                    score(restored, raw).syllable_acc, page_score.gold_tokens, identical,
                    note, growth, problems, pdfa)


def order_free_accuracy(gold: str, text: str) -> float:
    """1 - (syllables missing + syllables extra) / gold syllables, as multisets: whether every
    word is there, whatever the order."""
    want, got = Counter(score_tokens(gold)), Counter(score_tokens(text))
    return 1.0 - sum(((want - got) + (got - want)).values()) / max(1, sum(want.values()))


def _pdftotext_raw(path: Path) -> str:
    import subprocess

    exe = external.require_program("pdftotext")
    return subprocess.run([exe, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, timeout=300).stdout.decode("utf-8", errors="replace")


def claims_pdfa(pdf: pikepdf.Pdf) -> bool:
    meta = pdf.open_metadata()
    return meta.pdfa_status == "2B" and "/OutputIntents" in pdf.Root


def _text_layer_pages(json_path: Path | None) -> set[int]:
    if json_path is None or not json_path.is_file():
        return set()
    pages = json.loads(json_path.read_text(encoding="utf-8"))["pages"]
    return {page["number"] for page in pages if page["text_source"] == "text-layer"}


def _without_pages(text: str, numbers: set[int]) -> str:
    return "\f".join(part for k, part in enumerate(text.split("\f"), start=1)
                     if k not in numbers)


def images_identical(pdf_path: Path, input_path: Path) -> tuple[bool, str]:
    """Whether the PDF's page images are the input's (raw data for a PDF input)."""
    with pikepdf.open(pdf_path) as made:
        if input_path.suffix.lower() == ".pdf":
            with pikepdf.open(input_path) as given:
                return _same_streams(given, made)
        return _same_image(made, input_path)


def _page_images(pdf: pikepdf.Pdf) -> list[list[bytes]]:
    return [[image.read_raw_bytes() for _, image in sorted(page.get_images().items())]
            for page in pdf.pages]


def _same_streams(given: pikepdf.Pdf, made: pikepdf.Pdf) -> tuple[bool, str]:
    before, after = _page_images(given), _page_images(made)
    count = sum(map(len, before))
    if before != after:
        return False, f"raw image data differ ({count} image(s) in the input)"
    return True, f"{count} image stream(s), raw data byte-identical"


def _same_image(made: pikepdf.Pdf, input_path: Path) -> tuple[bool, str]:
    images = [image for page in made.pages for _, image in sorted(page.get_images().items())]
    with Image.open(input_path) as original:
        frames = getattr(original, "n_frames", 1)
        if len(images) != frames:
            return False, f"{len(images)} image(s) for {frames} frame(s)"
        for index, stream in enumerate(images):
            original.seek(index)
            if original.format == "JPEG":
                if stream.read_raw_bytes() != input_path.read_bytes():
                    return False, "JPEG data differ"
                continue
            decoded = pikepdf.PdfImage(stream).as_pil_image()
            if not np.array_equal(np.asarray(decoded), np.asarray(original.convert(decoded.mode))):
                return False, f"frame {index + 1}: decoded pixels differ"
        kind = "JPEG data byte-identical" if original.format == "JPEG" else \
            "decoded pixels identical"
    return True, f"{original.format}: {kind}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the output folder of `run --pdf`")
    parser.add_argument("inputs", nargs="+", type=Path, help="the inputs it was run on")
    args = parser.parse_args(argv)
    rows = []
    for input_path in args.inputs:
        stem = output_stem(input_path)
        made = args.out / f"{stem}.pdf"
        if not made.is_file():
            print(f"{stem}: no PDF", file=sys.stderr)
            continue
        rows.append(check_pdf(made, input_path, args.out / f"{stem}.restored.txt",
                              args.out / f"{stem}.json"))
    print("| input | pdftotext | same, order-free | pdftotext -raw | syllables | images "
          "| size growth | qpdf check | PDF/A-2b claimed |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row.name} | {row.accuracy:.4f} | {row.order_free:.4f} | "
              f"{row.accuracy_raw:.4f} | {row.gold_tokens} | {row.image_note} | "
              f"{row.size_growth:+.2%} | {'; '.join(row.qpdf_problems) or 'no problems'} | "
              f"{'yes' if row.pdfa else 'no'} |")
    print(json.dumps([asdict(row) for row in rows], ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the review page's picture of a page costs (pipeline.ocr.preview): CPU time and size of
`make_preview`, measured inside `recognize_page`, beside the CPU time of the whole page.

    python -m bench.preview [PAGE ...]   # default: the first pages of ../shared/realscans/
                                         # (held-out pages left out), one process
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pipeline.ocr as ocr
from bench.real import HELD_OUT, PAGE_SUFFIXES
from pipeline.ingest import sniff
from pipeline.model import Preview
from pipeline.ocr.preview import make_preview

REALSCANS = Path(__file__).resolve().parent.parent.parent / "shared" / "realscans"


def default_pages() -> list[Path]:
    return sorted(path for path in REALSCANS.iterdir()
                  if path.suffix.lower() in PAGE_SUFFIXES and path.stem not in HELD_OUT)


def measure(path: Path) -> tuple[tuple[int, int], float, Preview, float]:
    """Page 1 of `path`: its size as read, the preview's CPU seconds, the preview, and the
    page's CPU seconds in all."""
    timed: list[tuple[tuple[int, int], float, Preview]] = []

    def timed_preview(pixels, *args, **kwargs):
        start = time.process_time()
        preview = make_preview(pixels, *args, **kwargs)
        timed.append(((pixels.shape[1], pixels.shape[0]), time.process_time() - start, preview))
        return preview

    ocr.make_preview = timed_preview
    try:
        start = time.process_time()
        ocr.recognize_page(ocr.plan_pages(sniff(path), "vie")[0])
        page_cpu = time.process_time() - start
    finally:
        ocr.make_preview = make_preview
    if not timed:  # a PDF page's own text used: no image read, no preview
        return (0, 0), 0.0, Preview(jpeg=b"", width=0, height=0, scale=0.0), page_cpu
    size, cpu, preview = timed[-1]
    return size, cpu, preview, page_cpu


def main(argv: list[str]) -> None:
    pages = [Path(arg) for arg in argv] or default_pages()
    print("| page | read at (px) | preview (px) | preview CPU ms | kB | share of page CPU |")
    print("|---|---|---|---|---|---|")
    total_cpu = total_kb = 0.0
    for path in pages:
        size, cpu, preview, page_cpu = measure(path)
        kb = len(preview.jpeg) / 1024
        total_cpu, total_kb = total_cpu + cpu, total_kb + kb
        print(f"| {path.stem} | {size[0]}x{size[1]} | {preview.width}x{preview.height} "
              f"| {cpu * 1000:.0f} | {kb:.0f} | {100 * cpu / page_cpu:.1f} % |", flush=True)
    print(f"\nmean over {len(pages)} pages: {1000 * total_cpu / len(pages):.0f} ms CPU, "
          f"{total_kb / len(pages):.0f} kB a page")


if __name__ == "__main__":
    main(sys.argv[1:])

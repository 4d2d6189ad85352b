"""A screenshot of an input's review page (NAME.review.html), for the docs.

    .venv/bin/python -m tools.review_screenshot INPUT OUT.png [--select N] [--keep-html FILE]

Runs the pipeline on INPUT in this process (ocr, restore, segment, emit's review page), opens
the page in the system's chromium (headless, through playwright: no browser is downloaded)
and saves what a reviewer sees on a laptop screen. `--select N` presses "n" N times first, so
that the N-th mark is shown with its details (0: none).

docs/img/review_hy_kh288_p1.png is made with
    .venv/bin/python -m tools.review_screenshot ../shared/realscans/hy_kh288_p1.png \\
        docs/img/review_hy_kh288_p1.png --select 5
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from pipeline.emit.review import render_review
from pipeline.ingest import ingest, output_stem, sniff
from pipeline.model import Document
from pipeline.ocr import ocr_document
from pipeline.restore import restore_document
from pipeline.segment import segment_document

VIEWPORT = {"width": 1600, "height": 1000}  # a laptop screen, the page big enough to read
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def reviewed_document(path: Path) -> Document:
    """`path` through ocr (when a scan), restore and segment, as `run` does it."""
    item = sniff(path)
    document = ingest(item)
    if item.kind != "text":
        document = ocr_document(document, item)
    return segment_document(restore_document(document))


def screenshot(html: Path, out: Path, select: int) -> None:
    from playwright.sync_api import sync_playwright

    executable = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if executable is None:
        sys.exit("chromium is not installed: `make setup` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(html.as_uri())
        for _ in range(select):
            page.keyboard.press("n")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--select", type=int, default=1,
                        help="press 'n' this many times before the screenshot (default 1)")
    parser.add_argument("--keep-html", type=Path, help="also keep the review page here")
    args = parser.parse_args(argv)
    document = reviewed_document(args.input)
    name = output_stem(args.input)
    html = render_review(document, name)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / f"{name}.review.html"
        page.write_text(html, encoding="utf-8")
        screenshot(page, args.out, args.select)
    if args.keep_html:
        args.keep_html.write_text(html, encoding="utf-8")
    marks = len(document.quality.changes) + len(document.quality.doubts)
    boxed = sum(mark.box is not None
                for mark in [*document.quality.changes, *document.quality.doubts])
    print(f"{args.out}: {marks} marks, {boxed} with a box", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Benchmark of the filled-in blank reader (pipeline.ocr.blanks): what it reads in the number,
day and month blanks of a document's head against the truth.

    python -m bench.blanks [--jobs N] [--pages NAME,...] [--synthetic-only]

- real: the pages of ../shared/realscans/ whose truth (bench/data/real_fields.json) has a
  number or a date, read by our ocr stage (`recognize_page`); per page each blank's reading,
  confidence and handwriting against the truth, then counts right / wrong / empty, and wrong
  readings with confidence >= 0.5 (what a reader would take as read); held-out pages apart.
- synthetic: number and date lines rendered with digits in a script face (pipeline.synth.blanks),
  no realscans needed.
CPU seconds of the blank reading alone are measured per page. Figures on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from bench.real import HELD_OUT, PAGE_SUFFIXES
from pipeline.ocr import PageJob, recognize_page
from pipeline.ocr import blanks as blank_reader
from pipeline.ocr.original import OriginalPage
from pipeline.synth.blanks import date_line, number_line

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "bench" / "data" / "real_fields.json"
SHARED = ROOT.parent / "shared"
TRUSTED = 0.5
SYNTHETIC = [("number", "57", True), ("number", "04", True), ("number", "1135", False),
             ("number", "288", True), ("date", "16", True), ("date", "9", True),
             ("date", "28", False), ("date", "30", True)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wanted(truth: dict) -> dict[str, tuple[str, bool]]:
    date = truth.get("date") or {}
    number = truth.get("number")
    return {
        "number": ("" if number is None else str(number), bool(truth.get("number_handwritten"))),
        "day": ("" if date.get("day") is None else str(date["day"]),
                bool(truth.get("date_day_handwritten"))),
        "month": ("" if date.get("month") is None else str(date["month"]),
                  bool(truth.get("date_month_handwritten"))),
    }


def judge(field: str, got: str, want: str) -> str:
    same = got == want if field == "number" else got.lstrip("0") == want.lstrip("0")
    return "right" if same else ("empty" if not got else "wrong")


def read_page(path: Path) -> tuple[str, list, float]:
    """The page's blanks, and the CPU seconds of reading them (the page OCR'd first)."""
    cost = {"cpu": 0.0}
    inner = blank_reader.read_blanks

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            cost["cpu"] += time.process_time() - start

    import pipeline.ocr as stage
    stage.read_blanks = timed
    kind = "pdf" if path.suffix == ".pdf" else "image"
    page = recognize_page(PageJob(path, kind, 1, "vie"))
    return path.stem, page.blanks, cost["cpu"]


def report(rows: list[tuple[str, list, float]], truth: dict, title: str) -> None:
    counts = {"right": 0, "wrong": 0, "empty": 0, "missed": 0, "trusted wrong": 0,
              "handwriting right": 0}
    print(f"\n{title}")
    for name, blanks, cpu in sorted(rows):
        want = wanted(truth[name])
        print(f"{name}  (blank reading {cpu:.2f} s CPU)")
        seen = set()
        for blank in blanks:
            seen.add(blank.field)
            text, hand = want[blank.field]
            outcome = judge(blank.field, blank.text, text)
            counts[outcome] += 1
            counts["trusted wrong"] += outcome == "wrong" and (blank.confidence or 0) >= TRUSTED
            counts["handwriting right"] += blank.handwritten == hand
            print(f"   {blank.field:6} read {blank.text!r:7} conf {blank.confidence or 0:.2f} "
                  f"hand {blank.handwritten!s:5} | truth {text!r:7} hand {hand!s:5} {outcome}")
        for field, (text, _) in want.items():
            if field not in seen and text:
                counts["missed"] += 1
                print(f"   {field:6} not found | truth {text!r}")
    cpus = [cpu for _, _, cpu in rows]
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f"; blank reading CPU mean {np.mean(cpus) if cpus else 0:.2f} s/page")


def synthetic() -> None:
    print("\nsynthetic (pipeline.synth.blanks)")
    right = 0
    for seed, (kind, digits, hand) in enumerate(SYNTHETIC):
        rendered = (number_line if kind == "number" else date_line)(digits, hand, seed)
        page = OriginalPage(rendered.pixels, np.eye(3))
        blanks = blank_reader.read_blanks([rendered.line], page, 4 * rendered.pixels.shape[0])
        field = "number" if kind == "number" else "day"
        blank = next((b for b in blanks if b.field == field), None)
        got = blank.text if blank else None
        ok = blank is not None and judge(field, blank.text, digits) == "right" \
            and blank.handwritten == hand
        right += ok
        print(f"   {field:6} {digits!r:7} hand {hand!s:5} read {got!r} "
              f"hand {blank.handwritten if blank else None} {'right' if ok else 'WRONG'}")
    print(f"  {right}/{len(SYNTHETIC)} right")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--pages", default="")
    parser.add_argument("--synthetic-only", action="store_true")
    args = parser.parse_args(argv)
    synthetic()
    if args.synthetic_only:
        return 0
    truth = {k: v for k, v in json.loads(TRUTH.read_text()).items() if not k.startswith("_")}
    chosen = set(args.pages.split(",")) if args.pages else None
    paths = [p for p in sorted((SHARED / "realscans").iterdir())
             if p.suffix in PAGE_SUFFIXES and p.stem in truth
             and (truth[p.stem].get("number") or truth[p.stem].get("date"))
             and (chosen is None or p.stem in chosen)]
    log(f"reading {len(paths)} pages")
    with Pool(args.jobs) as pool:
        rows = pool.map(read_page, paths, chunksize=1)
    report([r for r in rows if r[0] not in HELD_OUT], truth, "dev pages")
    held = [r for r in rows if r[0] in HELD_OUT]
    if held:
        report(held, truth, "held-out pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

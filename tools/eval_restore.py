"""Accuracy and speed of the restore stage on the synthetic pair and held-out corpus text.

    .venv/bin/python tools/eval_restore.py [../shared] [--paragraphs 400]

- tan_phu: ../shared/samples/synthetic_tan_phu (English-model OCR vs its ground truth);
- corpus dev: paragraphs of the LM's *dev* split (`lm.corpus_split`), never trained on,
  with every mark stripped (a crude stand-in for OCR: marks only, no letter damage);
- "unchanged": restoring correct text must leave it as it is.
Syllable accuracy = 1 - token edit distance / truth syllables (`restore.metrics`).
Speeds are syllables per CPU second after loading, cold (empty caches) and warm.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

from pipeline.restore import Restorer, metrics
from pipeline.restore.lm import iter_corpus


def dev_paragraphs(shared: Path, count: int) -> str:
    lines = (line.strip() for line in iter_corpus(shared, "dev"))
    return "\n".join(itertools.islice((s for s in lines if 15 <= len(s.split()) <= 120), count))


def timed(restorer: Restorer, text: str) -> tuple[str, float]:
    start = time.process_time()
    out = restorer.restore_text(text)
    return out, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=Path("../shared"))
    parser.add_argument("--paragraphs", type=int, default=400)
    args = parser.parse_args()
    start = time.process_time()
    restorer = Restorer.load()
    print(f"load: {time.process_time() - start:.2f} s CPU")

    pair = args.shared / "samples" / "synthetic_tan_phu"
    gold = (pair / "tan_phu_plan.gold.txt").read_text(encoding="utf-8")
    ocr = (pair / "tan_phu_plan.eng-ocr.txt").read_text(encoding="utf-8")
    out, _ = timed(restorer, ocr)
    before, after = metrics.syllable_accuracy(gold, ocr), metrics.syllable_accuracy(gold, out)
    print(f"tan_phu OCR: {before.accuracy:.4f} -> {after.accuracy:.4f} "
          f"({after.errors} errors / {after.reference}; letters-only "
          f"{metrics.base_accuracy(gold, out).accuracy:.4f})")
    unchanged = metrics.unchanged_rate(gold, restorer.restore_text(gold))
    print(f"tan_phu truth unchanged: {unchanged:.4f}")
    stripped = metrics.strip_to_ocr_like(gold)
    print(f"tan_phu truth without marks: "
          f"{metrics.syllable_accuracy(gold, restorer.restore_text(stripped)).accuracy:.4f}")

    dev = dev_paragraphs(args.shared, args.paragraphs)
    n = len(metrics.syllables(dev))
    bare = metrics.strip_to_ocr_like(dev)
    fresh = Restorer.load()
    out, cold = timed(fresh, bare)
    _, warm = timed(fresh, bare)
    print(f"corpus dev ({args.paragraphs} paragraphs, {n} syllables) without marks: "
          f"{metrics.syllable_accuracy(dev, out).accuracy:.4f}; "
          f"{n / cold:.0f} syl/s cold, {n / warm:.0f} syl/s warm")
    same, clean = timed(fresh, dev)
    print(f"corpus dev unchanged: {metrics.unchanged_rate(dev, same):.4f}; {n / clean:.0f} syl/s")


if __name__ == "__main__":
    main()

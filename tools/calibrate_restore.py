"""Fit the restorer's confidence calibration on the dev OCR pairs; check it on another set.

    python tools/calibrate_restore.py [--fit dev] [--check test] [--limit N] \
        [--out pipeline/data/restore_calibration.json]

The pairs are tools/make_ocr_pairs.py's (`make bench-restore` makes .cache/ocr_pairs/dev.jsonl
and dev.vie.jsonl; the check set: `--split test --seed 3 --out .cache/ocr_pairs/test.jsonl`),
corpus text the LM never trained on (`pipeline.restore.lm.corpus_split`). Both Tesseract
models' lines are restored (each file as one text, as bench.restore does), every judged word
labelled right or wrong against its source word (`bench.calibration.label`), and one isotonic
curve fitted per kind (`pipeline.restore.calibration`). Prints the calibration table of the fit
set and, with --check, of the check set (raw and calibrated, ECE), then writes --out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.calibration import format_table, label, recalibrated, samples_by_kind  # noqa: E402
from pipeline import resources  # noqa: E402
from pipeline.restore import Restorer  # noqa: E402
from pipeline.restore.calibration import (  # noqa: E402
    KINDS,
    Calibration,
    calibration_json,
    dumps,
    fit_curve,
)

PAIRS_DIR = Path(".cache/ocr_pairs")


def log(msg: str) -> None:
    print(f"[calibrate_restore] {msg}", file=sys.stderr, flush=True)


def pair_files(set_name: str) -> list[Path]:
    files = [PAIRS_DIR / f"{set_name}.jsonl", PAIRS_DIR / f"{set_name}.vie.jsonl"]
    missing = [f for f in files if not f.exists()]
    if missing:
        sys.exit(f"no pairs file {missing[0]}: make it with tools/make_ocr_pairs.py "
                 "(see this script's help)")
    return files


def judged_words(restorer: Restorer, set_name: str, limit: int | None) -> list:
    out = []
    for path in pair_files(set_name):
        with path.open(encoding="utf-8") as fh:
            pairs = [json.loads(line) for line in fh][:limit]
        t0 = time.perf_counter()
        out.extend(label(restorer, [p["truth"] for p in pairs], [p["ocr"] for p in pairs]))
        log(f"{path}: {len(pairs)} lines, {len(out)} words so far "
            f"({time.perf_counter() - t0:.0f} s)")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fit", default="dev", choices=("dev", "test"))
    ap.add_argument("--check", default=None, choices=("dev", "test"))
    ap.add_argument("--limit", type=int, default=None, help="first N lines of each file")
    ap.add_argument("--out", type=Path, default=resources.location(resources.RESTORE_CALIBRATION))
    args = ap.parse_args(argv)
    restorer = Restorer.load(calibration=Calibration.identity())
    fit_words = judged_words(restorer, args.fit, args.limit)
    samples = samples_by_kind(fit_words)
    knots = {kind: fit_curve(*samples[kind]) for kind in KINDS if kind in samples}
    calibration = Calibration.from_knots(knots)
    print(format_table(recalibrated(fit_words, calibration),
                       f"calibration table, fit set {args.fit} (in-sample)"))
    if args.check:
        check_words = judged_words(restorer, args.check, args.limit)
        print()
        print(format_table(recalibrated(check_words, calibration),
                           f"calibration table, check set {args.check} (curves fitted on "
                           f"{args.fit})"))
    counts = {kind: (len(raw), sum(right)) for kind, (raw, right) in samples.items()}
    source = (f"tools/calibrate_restore.py --fit {args.fit}: .cache/ocr_pairs/{args.fit}.jsonl "
              f"+ {args.fit}.vie.jsonl" + (f", first {args.limit} lines" if args.limit else ""))
    args.out.write_text(dumps(calibration_json(knots, counts, source)), encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

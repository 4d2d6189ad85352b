"""Store the scored candidates of the most frequent English-OCR tokens.

    .venv/bin/python tools/precompute_candidates.py --pairs .cache/ocr_pairs/train.jsonl \
        [MORE.jsonl ...] --top 5000 --out pipeline/data/candidates_eng.npz
    .venv/bin/python tools/precompute_candidates.py --keys-from pipeline/data/candidates_eng.npz

The second form scores again the tokens a stored table holds (no pairs needed): after a
change that leaves the candidates as they are but not the fingerprint (a new settings field).

Scoring a token's candidates (`CandidateIndex._score_learned`) is most of a cold restore's
time, and English OCR of Vietnamese repeats a few thousand tokens ("cua", "va", "dinh",
"tinh") over and over. The TOP most frequent word tokens of the OCR side of the *train* pairs
(tools/make_ocr_pairs.py) are scored once here; the restorer takes them when the file's
fingerprint matches the inventory, channel, LM counts and constants it scores with, and
scores everything itself otherwise (the choices are the same either way).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.restore import Restorer  # noqa: E402
from pipeline.restore.candidates import PRECOMPUTED_PATH  # noqa: E402
from pipeline.restore.channel_data import fold  # noqa: E402


def frequent_keys(restorer: Restorer, pairs: list[Path], top: int) -> list[str]:
    counts: Counter = Counter()
    for path in pairs:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                for token in restorer.tokenize(json.loads(line)["ocr"]):
                    if token.kind == "word":
                        counts[fold(token.text)] += 1
    return sorted(key for key, _ in counts.most_common(top))


def stored_keys(path: Path) -> list[str]:
    """The tokens a table made by `CandidateIndex.save_precomputed` holds."""
    with np.load(path, allow_pickle=False) as z:
        return z["keys"].tobytes().decode("utf-8").split("\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--pairs", type=Path, nargs="+")
    source.add_argument("--keys-from", type=Path, help="the tokens of a stored table")
    ap.add_argument("--top", type=int, default=5000)
    ap.add_argument("--out", type=Path, default=PRECOMPUTED_PATH)
    args = ap.parse_args(argv)
    restorer = Restorer.load()
    keys = (stored_keys(args.keys_from) if args.keys_from
            else frequent_keys(restorer, args.pairs, args.top))
    restorer.index.save_precomputed(args.out, keys, restorer.scoring_fingerprint())
    print(f"{len(keys)} tokens -> {args.out} ({args.out.stat().st_size:,} bytes)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

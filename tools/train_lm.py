"""Train the packaged syllable language model from the shared corpus.

    python tools/train_lm.py --shared ../shared --out pipeline/data/syllable_lm.npz

Deterministic: the train/dev/test split and any --sample are fixed hashes of the lines, and
the vocabulary order breaks ties by string. Progress goes to stderr; a JSON summary (sizes,
dev perplexity, runtime, peak memory) goes to stdout.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.restore.lm import SyllableLM, iter_corpus  # noqa: E402
from pipeline.restore.lm_training import perplexity, train  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, default=Path("pipeline/data/syllable_lm.npz"))
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--sample", type=float, default=1.0, help="fraction of train lines")
    ap.add_argument("--min-count", type=int, default=2, help="least count of a vocab token")
    ap.add_argument("--prune", type=str, default=None, help="least raw count per order, e.g. 1,1,2")
    ap.add_argument("--dev-lines", type=int, default=0, help="dev lines to score (0: all)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    prune = [int(x) for x in args.prune.split(",")] if args.prune else None
    lm = train(
        iter_corpus(args.shared, "train", args.sample),
        order=args.order,
        min_count=args.min_count,
        prune=prune,
        verbose=True,
    )
    lm.save(args.out)
    train_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    lm = SyllableLM.load(args.out)
    load_s = time.perf_counter() - t1
    dev = list(itertools.islice(iter_corpus(args.shared, "dev"), args.dev_lines or None))
    summary = {
        "out": str(args.out),
        "bytes": args.out.stat().st_size,
        "order": lm.order,
        "vocab": lm.vocab_size,
        "train_tokens": lm.meta["tokens"],
        "stored": lm.meta["stored"],
        "discounts": lm.meta["discounts"],
        "train_seconds": round(train_s, 1),
        "load_seconds": round(load_s, 3),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "dev": perplexity(lm, dev),
        # the same model with its context cut to k-1 words: lower orders are KN
        # continuation distributions, so these are not standalone k-gram models
        "dev_ppl_truncated": {
            k: round(perplexity(lm, dev, order=k)["perplexity"], 2) for k in range(1, lm.order)
        },
    }
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

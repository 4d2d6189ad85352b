"""Learn the OCR channel (how Tesseract misreads Vietnamese) from (truth, OCR) line pairs.

    python tools/learn_channel.py --pairs .cache/ocr_pairs/train.jsonl [MORE.jsonl ...] \
        --model eng --out pipeline/data/channel_eng.tsv [--iterations 3] [--min-count 2]

Every pair is aligned at syllable level (`align_syllables`: merges and splits allowed), then
each aligned group at character level (`align_chars`), first with heuristic costs and then
again with the costs learned in the previous round (hard EM, --iterations rounds). The counts
of the last round give the tables described in `pipeline/restore/channel_data.py`:
OUT (character segments, with costs) and OUT_STEM_tokens.tsv (whole syllables). Progress and
a summary go to stderr; output depends only on the pairs file and the options.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.restore.channel_data import (  # noqa: E402
    EPS,
    FORMAT,
    SP,
    UNSEEN,
    align_chars,
    align_syllables,
    heuristic_cost,
    skeleton,
    table_cost,
    token_pair,
    units,
)

# An unseen OCR segment gets the Witten-Bell unseen mass of its truth segment shared among
# this many nominal outcomes (a letter can be misread as a few dozen plausible glyphs).
UNSEEN_OUTCOMES = 100
# Pairs the restorer must be able to score even when the train pairs never show them.
FALLBACK_COST = 12.0
# A group is garbled, and left out of the character counts, when its mark-blind edit distance
# exceeds both this many edits and this share of the truth's letters.
GARBLE_MIN_EDITS = 2
GARBLE_SHARE = 0.5


def log(msg: str) -> None:
    print(f"[learn_channel] {msg}", file=sys.stderr, flush=True)


def n_units(segment: str) -> int:
    return 0 if segment == EPS else len(segment.replace(SP, " "))


def pairs_origin(path: Path) -> str:
    """The make_ocr_pairs.py command behind a pairs file (from its .meta.json) and its hash."""
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
    meta_path = path.with_suffix(".meta.json")
    if not meta_path.exists():
        return f"  {path} (sha1 {digest})"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    a = meta["args"]
    sample = "" if a.get("sample") in (None, "None") else f" --sample {a['sample']}"
    style = f" --style {a['style']}" if a.get("style", "synthetic") != "synthetic" else ""
    faces = meta.get("jobs_by", {}).get("family")
    pages = f"; pages by face {faces}" if faces else ""
    return (f"  {path} (sha1 {digest}) = make_ocr_pairs.py --split {a['split']}{style} "
            f"--syllables {a['syllables']} --seed {a['seed']}{sample} --models {a['models']}"
            f"{pages}")


def read_pairs(path: Path, model: str) -> list[tuple[str, str]]:
    pairs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("model", model) == model:
                pairs.append((record["truth"], record["ocr"]))
    return pairs


def readable(truth: str, ocr: str) -> bool:
    """Whether an OCR token is a reading of its truth at all ("ctia" of "của", not "oe" of
    "thông"): garbled tokens (specks, broken lines) would teach the character table
    confusions like "ng" -> "e"; they still count in the tokens table."""
    truth_skeleton = skeleton(truth)
    limit = max(GARBLE_MIN_EDITS, GARBLE_SHARE * len(truth_skeleton))
    return Levenshtein.distance(truth_skeleton, skeleton(ocr)) <= limit


def group_pairs(pairs: list[tuple[str, str]]) -> tuple[Counter, Counter, Counter]:
    """Syllable alignment of every line: (char-level group counts, token-pair counts, shapes
    and the number of garbled groups)."""
    groups: Counter = Counter()
    tokens: Counter = Counter()
    shapes: Counter = Counter()
    for truth, ocr in pairs:
        for t, o in align_syllables(truth.split(), ocr.split()):
            shape = f"{len(t)}:{len(o)}"
            shapes[shape] += 1
            if t and o:
                truth_text, ocr_text = " ".join(t), " ".join(o)
                if readable(truth_text, ocr_text):
                    groups[(truth_text, ocr_text)] += 1
                else:
                    shapes["garbled"] += 1
            row = token_pair(t, o) if t else None
            if row:
                tokens[row] += 1
    return groups, tokens, shapes


def count_segments(groups: Counter, cost) -> tuple[Counter, Counter, int]:
    """(segment pair counts, truth substring occurrences, insertion slots) of one alignment
    round over all groups."""
    pairs: Counter = Counter()
    occurrences: Counter = Counter()
    slots = 0
    for (truth, ocr), weight in groups.items():
        seq = units(truth)
        slots += weight * (len(seq) + 1)
        for a, b in zip(seq, seq[1:], strict=False):
            if SP not in (a, b):
                occurrences[a + b] += weight
        for t, o in align_chars(truth, ocr, cost):
            pairs[(t, o)] += weight
    return pairs, occurrences, slots


def costs_from_counts(pairs: Counter, occurrences: Counter, slots: int) -> dict:
    """{truth: {ocr: (count, cost)}}: Witten-Bell P(o|t) for single units and insertions,
    relative frequency per occurrence for 2-unit truth segments (extra paths, no identity)."""
    by_truth: dict[str, Counter] = {}
    for (t, o), c in pairs.items():
        by_truth.setdefault(t, Counter())[o] += c
    inserted = sum(c for o, c in by_truth.get(EPS, Counter()).items())
    by_truth.setdefault(EPS, Counter())[EPS] = max(slots - inserted, 1)
    table: dict[str, dict[str, tuple[int, float]]] = {}
    for t, outcomes in by_truth.items():
        if n_units(t) > 1:
            occ = max(occurrences.get(t.replace(SP, " "), 0), sum(outcomes.values()))
            table[t] = {o: (c, -math.log(c / occ)) for o, c in outcomes.items()}
            continue
        total, types = sum(outcomes.values()), len(outcomes)
        row = {o: (c, -math.log(c / (total + types))) for o, c in outcomes.items()}
        row[UNSEEN] = (0, -math.log(types / (total + types) / UNSEEN_OUTCOMES))
        table[t] = row
    return table


def as_cost_table(table: dict) -> dict[str, dict[str, float]]:
    return {t: {o: cost for o, (_, cost) in row.items()} for t, row in table.items()}


def prune(table: dict, min_count: int) -> dict:
    """Rows seen fewer than `min_count` times go (they count as unseen); identity and
    `<unseen>` rows stay."""
    out = {}
    for t, row in table.items():
        kept = {o: v for o, v in row.items() if v[0] >= min_count or o in (t, UNSEEN)}
        if n_units(t) > 1 and not kept:
            continue
        out[t] = kept
    return out


def write_channel(path: Path, table: dict, header: list[str]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        for line in header:
            fh.write(f"# {line}\n")
        fh.write("truth_segment\tocr_segment\tcount\tcost\n")
        for t in sorted(table):
            row = table[t]
            for o in sorted(row, key=lambda o: (-row[o][0], o)):
                count, cost = row[o]
                fh.write(f"{t}\t{o}\t{count}\t{cost:.4f}\n")
                rows += 1
    return rows


def write_tokens(path: Path, tokens: Counter, header: list[str], min_count: int) -> int:
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        for line in header:
            fh.write(f"# {line}\n")
        fh.write("truth_syllable\tocr_token\tcount\n")
        for (t, o), c in sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0])):
            if c < min_count:
                break
            fh.write(f"{t}\t{o}\t{c}\n")
            rows += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=Path, nargs="+", default=[Path(".cache/ocr_pairs/train.jsonl")],
                    help="pairs files of make_ocr_pairs.py --split train (never dev/test)")
    ap.add_argument("--model", default="eng")
    ap.add_argument("--out", type=Path, default=None,
                    help="default pipeline/data/channel_MODEL.tsv")
    ap.add_argument("--iterations", type=int, default=3, help="alignment rounds (1 = heuristic)")
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args(argv)
    out = args.out or Path(f"pipeline/data/channel_{args.model}.tsv")

    t0 = time.perf_counter()
    pairs = [pair for path in args.pairs for pair in read_pairs(path, args.model)]
    syllables = sum(len(t.split()) for t, _ in pairs)
    log(f"{len(pairs)} {args.model} pairs, {syllables} truth syllables from "
        f"{' '.join(map(str, args.pairs))}")
    groups, tokens, shapes = group_pairs(pairs)
    log(f"syllable groups {dict(shapes.most_common())}; {len(groups)} distinct char-level "
        f"groups ({time.perf_counter() - t0:.0f} s)")

    cost = heuristic_cost
    table: dict = {}
    for round_no in range(1, args.iterations + 1):
        seg_pairs, occurrences, slots = count_segments(groups, cost)
        table = costs_from_counts(seg_pairs, occurrences, slots)
        cost = table_cost(as_cost_table(table), FALLBACK_COST)
        changed = sum(c for (t, o), c in seg_pairs.items() if t != o)
        log(f"round {round_no}: {len(seg_pairs)} segment pairs, {changed} non-identity "
            f"segments ({time.perf_counter() - t0:.0f} s)")

    provenance = [
        f"{FORMAT}: OCR channel of Tesseract '{args.model}' (tessdata fast, psm 3) on Vietnamese",
        f"learned by tools/learn_channel.py --pairs {' '.join(map(str, args.pairs))} "
        f"--model {args.model} --iterations {args.iterations} --min-count {args.min_count}",
        f"from {len(pairs)} line pairs ({syllables} syllables) of corpus train-split paragraphs "
        "of ../shared/corpus (legal texts, not copyrightable; see ../shared/README.md) rendered "
        "with pipeline.synth and OCR'd by tools/make_ocr_pairs.py:",
        *[pairs_origin(path) for path in args.pairs],
    ]
    char_header = provenance + [
        "columns: truth_segment, ocr_segment, count, cost = -ln P(ocr_segment | truth_segment)",
        "lower-cased NFC; <eps> = empty segment, <sp> = space; truth <eps> = insertion per slot",
        f"single-unit truths: Witten-Bell; <unseen> = cost of any unlisted ocr segment "
        f"(unseen mass / {UNSEEN_OUTCOMES}); 2-unit truths: count / occurrences of the pair",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = write_channel(out, prune(table, args.min_count), char_header)
    token_path = out.with_name(f"{out.stem}_tokens.tsv")
    token_header = provenance + [
        "columns: truth_syllable, ocr_token, count; lower-cased, edge punctuation removed;",
        "several truth syllables = a merge, several ocr tokens = a split, <eps> = lost syllable",
    ]
    token_rows = write_tokens(token_path, tokens, token_header, args.min_count)
    exact = sum(c for (t, o), c in tokens.items() if t == o)
    log(f"wrote {rows} rows to {out}, {token_rows} rows to {token_path}; "
        f"{exact / max(1, sum(tokens.values())):.1%} of syllables read exactly "
        f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

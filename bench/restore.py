"""Benchmark of the restore stage on rendered-and-OCR'd corpus text the LM never trained on.

    python -m bench.restore [--set dev|test] [--realistic] [--limit N] [--pairs FILE]

Input: the line pairs of tools/make_ocr_pairs.py (.cache/ocr_pairs/SET.jsonl, Tesseract eng;
SET.vie.jsonl, Tesseract vie, when present); with --realistic SET_real.jsonl and
SET_real.vie.jsonl, pages rendered as real ones come (`make_ocr_pairs.py --style realistic`:
many faces, 100-300 dpi, bitonal scans, read by the pipeline's ocr stage). Systems, on the
same lines in the same run:
- restorer: `pipeline.restore.restore_lines` on the OCR lines;
- pyvi: `ViUtils.add_accents` (a CRF that adds marks) on the OCR lines with marks stripped;
- raw OCR: the OCR lines as they are (identity baseline).
Figures (stdout; progress on stderr):
- syl acc: 1 - token edit distance / truth syllables (`pipeline.restore.metrics`: lower case,
  official tones, punctuation dropped), summed over all lines;
- CER: character edit distance / truth characters on the same normalised syllable strings;
- syl/s: truth syllables per second of the system's own work after loading, wall clock and
  process CPU time (the CPU figure is steadier on a shared machine); load s (wall);
- unchanged: the system run on the TRUTH lines (pyvi: on them with marks stripped, its only
  input), share of truth syllables it leaves as they were -- a restorer must not spoil
  correct text;
- RSS +MB: resident memory the system's loading added; peak RSS of the whole process last;
- calibration table (the restorer's judgements of the eng and vie lines together,
  `bench.calibration`): per kind (change/keep on English-model OCR or clean text, rule)
  and band of confidence, words and share right, banded by the decoder's raw confidence
  and by the calibrated one the output carries, with the ECE of each (the curves are
  fitted on the dev set: its table is in-sample, --set test's is not).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from pipeline.restore.metrics import syllable_accuracy, syllables
from pipeline.text.fold import strip_marks

PAIRS_DIR = Path(".cache/ocr_pairs")
MAKE_HINT = ("make it with: .venv/bin/python tools/make_ocr_pairs.py --shared ../shared "
             "--split {set} --syllables 20000 --seed {seed} --out .cache/ocr_pairs/{set}.jsonl "
             "--models eng,vie")
REALISTIC_HINT = ("make it with: .venv/bin/python tools/make_ocr_pairs.py --shared ../shared "
                  "--split {set} --style realistic --syllables 20000 --seed {seed} "
                  "--out .cache/ocr_pairs/{set}_real.jsonl --models eng,vie")
SEEDS = {"dev": 1, "test": 3}
REALISTIC_SEEDS = {"dev": 21, "test": 23}
IDENTITY = "raw OCR"

Restore = Callable[[Sequence[str]], list[str]]


def log(msg: str) -> None:
    print(f"[bench.restore] {msg}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    """Current resident set size (Linux /proc), MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def read_pairs(path: Path, limit: int | None) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh]
    return pairs[:limit] if limit else pairs


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    syllables: int = 0
    syl_errors: int = 0
    chars: int = 0
    char_errors: int = 0

    def add(self, truth: str, hypothesis: str) -> None:
        acc = syllable_accuracy(truth, hypothesis)
        self.syllables += acc.reference
        self.syl_errors += acc.errors
        ref, hyp = " ".join(syllables(truth)), " ".join(syllables(hypothesis))
        self.chars += len(ref)
        self.char_errors += Levenshtein.distance(ref, hyp)

    @property
    def accuracy(self) -> float:
        return 1.0 - self.syl_errors / self.syllables if self.syllables else 1.0

    @property
    def cer(self) -> float:
        return self.char_errors / self.chars if self.chars else 0.0


def score(truths: Sequence[str], outputs: Sequence[str]) -> Score:
    s = Score()
    for truth, out in zip(truths, outputs, strict=True):
        s.add(truth, out)
    return s


# --------------------------------------------------------------------------- systems


@dataclass
class System:
    name: str
    run: Restore  # OCR lines -> restored lines
    prepare_truth: Callable[[str], str]  # what the system gets when fed correct text
    load_s: float
    rss_mb: float


def use_learned_channel(path: Path, weight: float) -> None:
    """A/B experiment: score the restorer's candidates with another channel table
    (`ChannelTable.cost`, times `weight`, one syllable at a time) instead of the shipped
    learned tables (`candidates.LearnedChannel`; no token-table candidates then).
    Retrieval of candidate spellings and everything else stay the same. Patches the class,
    so call it before the restorer is loaded."""
    from pipeline.restore.candidates import Candidate, CandidateIndex
    from pipeline.restore.channel_data import ChannelTable

    channel = ChannelTable.load(path)

    def score_syllables(self, ocr: str, learned=None) -> tuple:
        scored: dict[str, float] = {}
        for spelling in self.spellings_near(ocr.lower()):
            for syllable, _ in self.marked_letters[spelling]:
                scored[syllable] = weight * channel.cost(syllable, ocr)
        ranked = sorted(scored.items(), key=lambda kv: (kv[1], kv[0]))[: self.max_candidates]
        return tuple(Candidate(s, c) for s, c in ranked)

    CandidateIndex._score_syllables = score_syllables


def load_restorer() -> System | str:
    """Our restorer, loaded and warmed up; a message when it cannot be imported."""
    before, t0 = rss_mb(), time.perf_counter()
    try:
        from pipeline.restore import restore_lines
    except Exception as exc:  # any import failure means "not built yet", not a crash
        return f"restorer not importable ({type(exc).__name__}: {exc})"
    try:
        restore_lines(["Tuyén truyén Nghi quyét s6 57"])  # loads the LM, lexicon and channel
    except Exception as exc:  # e.g. the trained LM is not there yet
        return f"restorer not loadable ({type(exc).__name__}: {exc})"

    def run(lines: Sequence[str]) -> list[str]:
        return list(restore_lines(list(lines))[0])

    return System("restorer", run, lambda s: s, time.perf_counter() - t0, rss_mb() - before)


def load_pyvi() -> System | str:
    before, t0 = rss_mb(), time.perf_counter()
    try:
        from pyvi import ViUtils
    except Exception as exc:
        return f"pyvi not importable ({type(exc).__name__}: {exc})"
    ViUtils.add_accents("khoi dong")

    def run(lines: Sequence[str]) -> list[str]:
        return [pyvi_add_accents(strip_marks(line)) for line in lines]

    return System("pyvi add_accents", run, strip_marks, time.perf_counter() - t0,
                  rss_mb() - before)


def pyvi_add_accents(text: str) -> str:
    """`ViUtils.add_accents` that survives its own impossible labels: pyvi 0.1.1 raises
    KeyError when its CRF tags a letter with a mark it cannot carry ("d" + tone); such a
    letter is left as it is instead (same model, same features, same other outputs)."""
    from pyvi.ViDiac import ViDiac

    chars = list(text.lower())
    labels = ViDiac.model.predict([ViDiac.sent2features(chars)])[0]
    out = []
    for char, label in zip(chars, labels, strict=True):
        if label == "L":
            out.append(char)
        elif label == "U":
            out.append(char.upper())
        else:
            unichar = char
            for mark in label:
                if mark == "m":
                    unichar += unichar
                elif mark not in "UL":
                    unichar += mark
            unichar = ViDiac.reversed_mapping.get(unichar, char)
            out.append(unichar.upper() if "U" in label else unichar)
    return "".join(out)


def identity() -> System:
    return System(IDENTITY, lambda lines: list(lines), lambda s: s, 0.0, 0.0)


def calibration_table(pairs: list[dict], vie_pairs: list[dict], path: Path) -> str:
    """The calibration table of the restorer's judgements on both models' lines (each
    file restored as one text, as above)."""
    from bench.calibration import format_table, label
    from pipeline.restore import default_restorer

    judged = []
    for got in (pairs, vie_pairs):
        if got:
            judged.extend(label(default_restorer(), [p["truth"] for p in got],
                                [p["ocr"] for p in got]))
    files = f"{path}" + (" + its .vie" if vie_pairs else "")
    return format_table(judged, f"calibration table: {files} (judged words, share right)")


# --------------------------------------------------------------------------- report


@dataclass
class Row:
    name: str
    score: Score
    seconds: float
    cpu_seconds: float
    unchanged: float | None
    load_s: float
    rss_mb: float
    by_subset: dict[str, Score]

    @property
    def rate(self) -> float:
        return self.score.syllables / self.seconds if self.seconds > 0 else float("inf")

    @property
    def cpu_rate(self) -> float:
        return self.score.syllables / self.cpu_seconds if self.cpu_seconds > 0 else float("inf")


def evaluate(system: System, pairs: list[dict], with_truth: bool) -> Row:
    truths = [p["truth"] for p in pairs]
    ocr = [p["ocr"] for p in pairs]
    t0, c0 = time.perf_counter(), time.process_time()
    outputs = system.run(ocr)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    result = score(truths, outputs)
    subsets: dict[str, Score] = {}
    for pair, out in zip(pairs, outputs, strict=True):
        keys = ["degraded" if pair.get("degraded") else "clean", pair.get("kind", "body")]
        if "print" in pair:  # realistic pages: web copy, grey scan, bitonal scan
            keys.append(pair["print"])
        for key in keys:
            subsets.setdefault(key, Score()).add(pair["truth"], out)
    unchanged = None
    if with_truth:
        kept = score(truths, system.run([system.prepare_truth(t) for t in truths]))
        unchanged = kept.accuracy
    log(f"{system.name}: {result.accuracy:.2%} syllable accuracy, {seconds:.1f} s")
    return Row(system.name, result, seconds, cpu, unchanged, system.load_s, system.rss_mb, subsets)


def format_table(rows: list[Row], title: str) -> str:
    head = (f"{'system':<22} {'syl acc':>8} {'CER':>7} {'syl/s':>7} {'CPU syl/s':>9} {'load s':>7} "
            f"{'unchanged':>9} {'RSS +MB':>8}")
    out = [title, head, "-" * len(head)]
    for r in rows:
        unchanged = f"{r.unchanged:.2%}" if r.unchanged is not None else "-"
        rate = f"{r.rate:,.0f}" if r.name != IDENTITY else "-"
        cpu_rate = f"{r.cpu_rate:,.0f}" if r.name != IDENTITY else "-"
        out.append(f"{r.name:<22} {r.score.accuracy:>8.2%} {r.score.cer:>7.2%} {rate:>7} "
                   f"{cpu_rate:>9} "
                   f"{r.load_s:>7.1f} {unchanged:>9} {r.rss_mb:>8.0f}")
    return "\n".join(out)


def format_subsets(rows: list[Row]) -> str:
    keys = sorted({k for r in rows for k in r.by_subset})
    head = f"{'syl acc by subset':<22} " + " ".join(f"{k:>10}" for k in keys)
    out = [head]
    for r in rows:
        cells = []
        for k in keys:
            s = r.by_subset.get(k)
            cells.append(f"{s.accuracy:>10.2%}" if s else f"{'-':>10}")
        out.append(f"{r.name:<22} " + " ".join(cells))
    sizes = {k: next(r.by_subset[k].syllables for r in rows if k in r.by_subset) for k in keys}
    out.append(f"{'(truth syllables)':<22} " + " ".join(f"{sizes[k]:>10}" for k in keys))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", dest="set_name", choices=("dev", "test"), default="dev")
    ap.add_argument("--pairs", type=Path, default=None, help="eng pairs file (default by --set)")
    ap.add_argument("--realistic", action="store_true",
                    help="the set's realistic pairs (SET_real.jsonl, make bench-restore-real)")
    ap.add_argument("--limit", type=int, default=None, help="first N lines only")
    ap.add_argument("--channel", type=Path, default=None,
                    help="experiment: restorer candidates scored with this learned table")
    ap.add_argument("--channel-weight", type=float, default=1.0)
    ap.add_argument("--no-peers", action="store_true", help="restorer and raw OCR only")
    args = ap.parse_args(argv)
    if args.channel:
        use_learned_channel(args.channel, args.channel_weight)
        log(f"experiment: candidates scored by {args.channel} x {args.channel_weight}")
    stem = f"{args.set_name}_real" if args.realistic else args.set_name
    path = args.pairs or PAIRS_DIR / f"{stem}.jsonl"
    if not path.exists():
        hint, seeds = (REALISTIC_HINT, REALISTIC_SEEDS) if args.realistic else (MAKE_HINT, SEEDS)
        print(f"no pairs file {path}; " + hint.format(set=args.set_name, seed=seeds[args.set_name]))
        return 2
    pairs = read_pairs(path, args.limit)
    n_syl = sum(len(syllables(p["truth"])) for p in pairs)
    log(f"{len(pairs)} lines, {n_syl} truth syllables from {path}")

    systems: list[System] = []
    notes: list[str] = []
    for loader in (load_restorer,) if args.no_peers else (load_restorer, load_pyvi):
        got = loader()
        if isinstance(got, str):
            notes.append(got)
            log(got)
        else:
            systems.append(got)
    systems.append(identity())
    rows = [evaluate(s, pairs, with_truth=True) for s in systems]

    print(format_table(rows, f"restore benchmark: {path} ({len(pairs)} lines, {n_syl} "
                             "syllables, Tesseract eng)"))
    print()
    print(format_subsets(rows))
    by_name = {r.name: r for r in rows}
    if "restorer" in by_name and "pyvi add_accents" in by_name:
        mine, peer = by_name["restorer"], by_name["pyvi add_accents"]
        print(f"\nspeed restorer / pyvi: {mine.rate / peer.rate:.2f}x wall, "
              f"{mine.cpu_rate / peer.cpu_rate:.2f}x CPU")

    vie_path = path.with_name(f"{path.stem}.vie.jsonl")
    vie_pairs = read_pairs(vie_path, args.limit) if vie_path.exists() else []
    if vie_path.exists() and "restorer" in by_name:
        restorer = next(s for s in systems if s.name == "restorer")
        vie_rows = [evaluate(restorer, vie_pairs, with_truth=False),
                    evaluate(identity(), vie_pairs, with_truth=False)]
        print()
        print(format_table(vie_rows, f"same text OCR'd by Tesseract vie: {vie_path} "
                                     f"({len(vie_pairs)} lines)"))
        if args.realistic:
            print()
            print(format_subsets(vie_rows))
    if "restorer" in by_name:
        print()
        print(calibration_table(pairs, vie_pairs if vie_path.exists() else [], path))
    for note in notes:
        print(f"note: {note}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

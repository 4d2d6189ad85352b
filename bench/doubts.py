"""Benchmark for the OCR doubt threshold (`pipeline.restore.locations.DOUBT_OCR_CONFIDENCE`):
on the dev real pages with gold text (../shared/realscans/, held-out pages never read), how
many kept words each threshold lists as doubts and how many of the output's errors they catch.

    python -m bench.doubts [--shared DIR] [--jobs N]     (= make bench-doubts)

Every dev page goes through our ocr stage (a fresh worker process per page, as bench.real) and
the restore stage. The restored text is scored against the gold with the realscans scorer's
tokens (`bench.scoring.score_tokens`), aligned by token Levenshtein: an output token is wrong
when it is not in an equal run of the alignment. A word the restorer kept (same as the OCR's)
is listed at threshold T when Tesseract read it below T.

Columns, per threshold: words listed (on all dev pages), the share of the listed words that are
wrong in the output, the share of the wrong kept words they catch, and the share of all wrong
output words a reviewer is shown (changed by the restorer, or listed).

Measured (commit of DOUBT_OCR_CONFIDENCE = 85; 2379 output words, 60 wrong, 53 of them kept):
    below  listed  wrong %  kept errors caught %
       75      64    54.7 %    66.0 %
       80      77    48.1 %    69.8 %
       85     104    41.3 %    81.1 %
       90     147    29.3 %    81.1 %
       95     338    14.2 %    90.6 %
85 lists 4.4 % of the words and catches 4 in 5 of the errors the restorer left; 90 lists 43
words more and catches none more.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.real import gold_of, group_of, read_ours, real_pages
from bench.scoring import score_tokens
from pipeline.restore.locations import DOUBT_OCR_CONFIDENCE

THRESHOLDS = range(60, 100, 5)


def log(message: str) -> None:
    print(f"[bench.doubts] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class OutputWord:
    """A token of the restored text as scored: right or wrong against the gold, kept as the
    OCR read it or changed, and Tesseract's confidence of the word when kept."""

    wrong: bool
    kept: bool
    ocr_confidence: float | None


def page_words(document, gold: str) -> list[OutputWord]:
    """The scored tokens of the restored document, each judged against the gold."""
    from pipeline.restore.engine import table_row_lines

    rows = table_row_lines(document)
    found: list[tuple[bool, float | None]] = []
    tokens: list[str] = []
    for li, restored in enumerate(document.restored_lines):
        line = document.page_lines[li]
        ocr_words = document.ocr_lines[li].split()
        confidences = _word_confidences(line, ocr_words) if li not in rows else {}
        for k, kept in _restored_words(ocr_words, restored.split()):
            scored = score_tokens(restored.split()[k])
            if scored:
                tokens.append(scored[0])
                found.append((kept is not None, confidences.get(kept)))
    gold_tokens = score_tokens(gold)
    right = [False] * len(tokens)
    for block in Levenshtein.opcodes(gold_tokens, tokens):
        if block.tag == "equal":
            for j in range(block.dest_start, block.dest_end):
                right[j] = True
    return [OutputWord(not ok, kept, conf) for ok, (kept, conf) in zip(right, found,
                                                                          strict=True)]


def _restored_words(ocr_words: list[str], restored_words: list[str]):
    """(index in the restored line, index of the same OCR word or None when changed)."""
    kept: dict[int, int] = {}
    matcher = SequenceMatcher(a=ocr_words, b=restored_words, autojunk=False)
    for block in matcher.get_matching_blocks():
        kept.update({block.b + n: block.a + n for n in range(block.size)})
    return [(k, kept.get(k)) for k in range(len(restored_words))]


def _word_confidences(line, ocr_words: list[str]) -> dict[int, float]:
    """Tesseract's confidence of each whitespace word of the OCR line, by its index."""
    words = [w for w in line.words if w.text]
    if [w.text for w in words] != ocr_words:
        return {}
    return {k: w.confidence for k, w in enumerate(words) if w.confidence is not None}


def report(words: list[OutputWord]) -> None:
    wrong = [w for w in words if w.wrong]
    wrong_kept = [w for w in wrong if w.kept]
    changed_wrong = len(wrong) - len(wrong_kept)
    print(f"{len(words)} output words, {len(wrong)} wrong ({len(wrong_kept)} kept as read, "
          f"{changed_wrong} changed by the restorer)")
    header = (f"{'below':>5} {'listed':>6} {'listed %':>8} {'wrong %':>8} "
              f"{'kept errors caught %':>20} {'all errors shown %':>18}")
    print(header)
    print("-" * len(header))
    for threshold in THRESHOLDS:
        listed = [w for w in words if w.kept and w.ocr_confidence is not None
                  and w.ocr_confidence < threshold]
        listed_wrong = sum(w.wrong for w in listed)
        share_wrong = listed_wrong / len(listed) if listed else 0.0
        caught = listed_wrong / len(wrong_kept) if wrong_kept else 0.0
        shown = (listed_wrong + changed_wrong) / len(wrong) if wrong else 0.0
        print(f"{threshold:>5} {len(listed):>6} {len(listed) / len(words):>8.1%} "
              f"{share_wrong:>8.1%} {caught:>20.1%} {shown:>18.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.doubts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    from pipeline.model import Document
    from pipeline.restore import default_restorer

    pages = [page for page in real_pages(args.shared) if group_of(page) == "dev"]
    log(f"{len(pages)} dev pages, {args.jobs} at a time")
    with tempfile.TemporaryDirectory(prefix="bench_doubts_") as tmp, \
            ThreadPoolExecutor(max_workers=args.jobs) as pool:
        read = list(pool.map(lambda page: read_ours(page, Path(tmp), []).document_json, pages))
    restorer = default_restorer()
    words: list[OutputWord] = []
    listed = changes = boxed = 0
    for page, document_json in zip(pages, read, strict=True):
        document = restorer.restore_document(Document.model_validate_json(document_json))
        found = page_words(document, gold_of(page))
        log(f"{page.name}: {len(found)} words, {sum(w.wrong for w in found)} wrong")
        words += found
        listed += len(document.quality.doubts)
        changes += len(document.quality.changes)
        boxed += sum(c.page is not None and c.box is not None for c in document.quality.changes)
    report(words)
    print(f"doubts the pipeline lists (below {DOUBT_OCR_CONFIDENCE:.0f}; digit-only words, "
          f"not scored above, included): {listed}")
    print(f"changes with their page and box: {boxed} of {changes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

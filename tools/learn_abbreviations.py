"""Learn which all-caps abbreviations are written with Đ (BLĐTBXH, ĐVQHNS, HĐTP ...).

    .venv/bin/python tools/learn_abbreviations.py --shared ../shared \
        --out pipeline/data/abbreviations_d.tsv

English-model OCR has no Đ: it reads "BLĐTBXH" as "BLDTBXH". An abbreviation or code
segment is put back to its Đ spelling (`pipeline.restore.tokens`) when the corpus train split
writes it with Đ at least MIN_COUNT times and its D spelling at most 1/RATIO as often.
Syllables in capitals ("ĐỊNH") are left out: the decoder restores those as words.
Output: one `D-form<TAB>Đ-form<TAB>count` line per abbreviation, most frequent first.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.restore.candidates import load_inventory  # noqa: E402
from pipeline.restore.lm import iter_corpus  # noqa: E402
from pipeline.text.fold import strip_marks  # noqa: E402

MIN_COUNT = 5
RATIO = 5
# capitals and digits standing alone (not inside a word): NĐ, BLĐTBXH, QĐ, HĐND, VN4ĐN001
_CAPS = regex.compile(r"(?<![\p{L}\p{N}])[\p{Lu}\p{N}]*[DĐ][\p{Lu}\p{N}]*(?![\p{L}\p{N}])")


def count_caps(lines) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for line in lines:
        for token in _CAPS.findall(line):
            if sum(ch.isalpha() for ch in token) >= 2:
                counts[token] += 1
    return counts


def abbreviations(counts: collections.Counter, spellings: set[str]) -> list[tuple[str, str, int]]:
    rows = []
    for token, n in counts.items():
        if "Đ" not in token or n < MIN_COUNT:
            continue
        if strip_marks(token).lower() in spellings:
            continue  # a syllable in capitals
        plain = token.replace("Đ", "D")
        if counts.get(plain, 0) * RATIO <= n:
            rows.append((plain, token, n))
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--out", type=Path, default=Path("pipeline/data/abbreviations_d.tsv"))
    args = ap.parse_args(argv)
    spellings = {strip_marks(s) for s in load_inventory()}
    rows = abbreviations(count_caps(iter_corpus(args.shared, "train")), spellings)
    header = ("# abbreviations written with Đ, learned by tools/learn_abbreviations.py from the "
              "corpus train split of ../shared/corpus (see pipeline/data/PROVENANCE.md)\n")
    args.out.write_text(header + "".join(f"{p}\t{t}\t{n}\n" for p, t, n in rows),
                        encoding="utf-8")
    print(f"{len(rows)} abbreviations -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

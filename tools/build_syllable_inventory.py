"""Write pipeline/data/vi_syllables.txt: generated syllables attested by hunspell or the corpus.

Run from the project root: .venv/bin/python tools/build_syllable_inventory.py [../shared]
Sources: ../shared/lexicon/hunspell_vi_VN_syllables.txt (MPL-2.0) and a 20% sample of the
train split of ../shared/corpus (legal texts); only the syllable list is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.restore.inventory import INVENTORY_PATH, build_inventory, generate_syllables
from pipeline.restore.lm import iter_corpus, split_clauses


def main(shared: Path) -> None:
    hunspell = (shared / "lexicon" / "hunspell_vi_VN_syllables.txt").read_text(encoding="utf-8")
    attested = set(hunspell.split())
    for line in iter_corpus(shared, "train", sample=0.2):
        for clause in split_clauses(line):
            attested.update(clause)
    inventory = build_inventory(attested)
    header = (
        "# Vietnamese syllables: onsets x rhymes x tones (pipeline.restore.inventory."
        "generate_syllables)\n# attested in hunspell-vi 1:7.5.0 syllables or a 20% sample of "
        f"../shared/corpus; {len(inventory)} of {len(generate_syllables())} generated.\n"
        "# Built by tools/build_syllable_inventory.py\n"
    )
    INVENTORY_PATH.write_text(header + "\n".join(inventory) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared"))

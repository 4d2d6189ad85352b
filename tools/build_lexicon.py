"""Build dictionaries/vi_admin_terms.txt: Vietnamese administrative terms for the restore stage.

Usage:
    .venv/bin/python tools/build_lexicon.py --shared ../shared --out dictionaries/vi_admin_terms.txt

Sources (see ../shared/README.md for licences):
  * ../shared/corpus/*.txt.xz          legal texts; mined for phrases and agency names
  * ../shared/lexicon/*.txt            syllable inventory (filters) and admin unit names (places)
  * the SEEDS section below            hand-written lists from general knowledge of Vietnamese
                                       administration (agencies defined by law, titles, doc types)

Mining works on syllable n-grams hashed into 64-bit integers with numpy, so the whole corpus
(~26 M syllables) is counted in a few hundred MB without sampling. The output is deterministic:
same inputs, same file.
"""

from __future__ import annotations

import argparse
import logging
import lzma
import pickle
import sys
import time
import unicodedata
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.text.syllables import to_official_tones  # noqa: E402

log = logging.getLogger("build_lexicon")

CATEGORIES = (
    "agency", "title", "doc_type", "unit_type", "deadline", "abbrev", "place", "phrase",
)  # fmt: skip
# When one term (case-insensitively) comes from two lists, the earlier category wins.
PRIORITY = {cat: i for i, cat in enumerate(CATEGORIES)}

# Special token ids. BOUNDARY ends a clause (sentence punctuation, brackets, line end); NUM,
# COMMA and HYPHEN are real tokens so that "Nghị định số <NUM>" shows "Nghị định số" as a
# fragment and "Văn hóa - Xã hội" keeps its dash.
BOUNDARY, NUM, COMMA, HYPHEN = 0, 1, 2, 3
SPECIAL = ("<b>", "<num>", ",", "-")
TOKEN = regex.compile(r"\p{L}[\p{L}\p{M}]*|\d+|[,\-–]|[^\s\p{L}\p{M}\d]")
MAX_N = 11  # longest agency name counted ("Bộ Lao động - Thương binh và Xã hội" is 9 tokens)
PHRASE_MAX_N = 6


# ----------------------------------------------------------------------------- corpus tokens


@dataclass
class Corpus:
    surface: np.ndarray  # token ids, case kept (vocabulary `vocab`)
    lower: np.ndarray  # token ids, lower case, official tones (vocabulary `lvocab`)
    vocab: list[str]
    lvocab: list[str]
    cap: np.ndarray  # per surface id: first letter upper case
    titled: np.ndarray  # per surface id: first letter upper case, not all upper case


def read_lines(paths: list[Path], every: int):
    for path in paths:
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i % every == 0:
                    yield line


def tokenize(paths: list[Path], every: int) -> Corpus:
    vocab: dict[str, int] = {s: i for i, s in enumerate(SPECIAL)}
    ids = array("i")
    for line in read_lines(paths, every):
        ids.extend([vocab.setdefault(tok, len(vocab)) for tok in TOKEN.findall(line)])
        ids.append(BOUNDARY)
    words = list(vocab)
    special = np.array([_special_id(w, i) for i, w in enumerate(words)], dtype=np.int32)
    surface = special[np.frombuffer(ids, dtype=np.int32)]
    lower_map, lvocab = _lower_vocabulary(words)
    cap = np.array([w[:1].isupper() for w in words], dtype=bool)
    titled = np.array([w[:1].isupper() and (len(w) == 1 or not w.isupper()) for w in words])
    return Corpus(surface, lower_map[surface], words, lvocab, cap, titled)


def _special_id(word: str, i: int) -> int:
    """Digits -> NUM, the en dash -> HYPHEN, other punctuation -> BOUNDARY; words keep their id."""
    if i < len(SPECIAL):
        return i
    if word.isdigit():
        return NUM
    if word == "–":
        return HYPHEN
    return i if word[0].isalpha() else BOUNDARY


def _lower_vocabulary(words: list[str]) -> tuple[np.ndarray, list[str]]:
    """Map every surface word to its lower-case, official-tone form (corpus mixes hoà/hòa)."""
    index: dict[str, int] = {}
    lvocab: list[str] = []
    out = np.empty(len(words), dtype=np.int32)
    for i, w in enumerate(words):
        key = w if i < len(SPECIAL) else to_official_tones(w.lower())
        if key not in index:
            index[key] = len(lvocab)
            lvocab.append(key)
        out[i] = index[key]
    return out, lvocab


# ----------------------------------------------------------------------------- n-gram tables

MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier: collisions are negligible here


def hash_at(ids: np.ndarray, pos: np.ndarray, n: int) -> np.ndarray:
    h = np.zeros(len(pos), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * MULT + ids[pos + k].astype(np.uint64) + np.uint64(1)
    return h


@dataclass
class Table:
    n: int
    hashes: np.ndarray  # sorted unique lower-case n-gram hashes
    counts: np.ndarray
    pos: np.ndarray  # one corpus position of each n-gram
    surface_pos: np.ndarray  # a position showing the most frequent casing

    def lookup(self, h: np.ndarray) -> np.ndarray:
        """Index of each hash in the table, -1 when absent."""
        i = np.searchsorted(self.hashes, h)
        i = np.minimum(i, len(self.hashes) - 1)
        return np.where(self.hashes[i] == h, i, -1)


def start_positions(corpus: Corpus, n: int, titled: bool) -> np.ndarray:
    """Positions where an n-gram without a clause boundary starts.

    titled: only where the first word is written "Bộ" (not "bộ", not "BỘ"); agency names are
    counted on these alone so that generic "sở y tế" does not hide "Sở Y tế".
    """
    total = len(corpus.lower) - n + 1
    is_b = corpus.lower == BOUNDARY
    # cumulative boundary count gives "no boundary inside [i, i+n)" in O(N)
    csum = np.concatenate(([0], np.cumsum(is_b, dtype=np.int64)))
    ok = (csum[n : n + total] - csum[:total]) == 0
    if titled:
        ok &= corpus.titled[corpus.surface[:total]]
    return np.flatnonzero(ok)


def count_table(corpus: Corpus, n: int, min_count: int, titled: bool = False) -> Table:
    pos = start_positions(corpus, n, titled)
    h = hash_at(corpus.lower, pos, n)
    uniq, first, inv, counts = np.unique(
        h, return_index=True, return_inverse=True, return_counts=True
    )
    keep = counts >= min_count
    surface_pos = _majority_surface(corpus, pos, inv, keep, n)
    return Table(n, uniq[keep], counts[keep], pos[first[keep]], surface_pos)


def _majority_surface(corpus, pos, inv, keep, n) -> np.ndarray:
    """For each kept n-gram, a position of its most frequent surface (cased) form."""
    sel = np.flatnonzero(keep[inv])
    group = np.cumsum(keep) - 1  # old table index -> kept index
    g = group[inv[sel]]
    hc = hash_at(corpus.surface, pos[sel], n)
    order = np.lexsort((hc, g))
    g, hc, p = g[order], hc[order], pos[sel][order]
    new_run = np.ones(len(g), dtype=bool)
    new_run[1:] = (g[1:] != g[:-1]) | (hc[1:] != hc[:-1])
    starts = np.flatnonzero(new_run)
    run_len = np.diff(np.append(starts, len(g)))
    run_g = g[starts]
    # per group, the longest run; ties go to the smaller cased hash (deterministic)
    best = np.lexsort((-run_len, run_g))
    first_of_group = np.ones(len(best), dtype=bool)
    first_of_group[1:] = run_g[best][1:] != run_g[best][:-1]
    chosen = best[first_of_group]
    out = np.empty(int(keep.sum()), dtype=np.int64)
    out[run_g[chosen]] = p[starts[chosen]]
    return out


def extension_stats(tables: dict[int, Table], n: int) -> dict[str, np.ndarray]:
    """Per n-gram, counts of its one-token extensions on each side.

    left1/left2 (right1/right2): the commonest and second commonest left (right) neighbour;
    left_word (right_word): all neighbours that make a dictionary word with the edge syllable,
    as in "dự|toán kinh phí" or "tổ chức kiểm|tra": such n-grams start or end inside a word.
    """
    size = len(tables[n].counts)
    out = {
        k: np.zeros(size, dtype=np.int64)
        for k in ("left1", "left2", "left_word", "right1", "right2", "right_word")
    }
    longer = tables.get(n + 1)
    if longer is None or len(longer.counts) == 0:
        return out
    ids = CORPUS.lower
    for side, offset, pair in (("right", 0, n - 1), ("left", 1, 0)):
        idx = tables[n].lookup(hash_at(ids, longer.pos + offset, n))
        hit = idx >= 0
        idx, counts, pos = idx[hit], longer.counts[hit], longer.pos[hit]
        order = np.lexsort((-counts, idx))
        idx, counts, pos = idx[order], counts[order], pos[order]
        first = np.r_[True, idx[1:] != idx[:-1]]
        second = np.r_[False, first[:-1]] & ~first
        out[side + "1"][idx[first]] = counts[first]
        out[side + "2"][idx[second]] = counts[second]
        codes = ids[pos + pair].astype(np.int64) * PAIR_BASE + ids[pos + pair + 1]
        word = np.isin(codes, WORD_PAIRS)
        np.add.at(out[side + "_word"], idx[word], counts[word])
    return out


PAIR_BASE = 1 << 20
WORD_PAIRS = np.zeros(0, dtype=np.int64)  # two-syllable dictionary words as id pairs (main())


def word_pairs(lexicon: Path, index: dict[str, int]) -> np.ndarray:
    """Two-syllable words of Viet74K as lower-case token id pairs."""
    pairs = set()
    text = (lexicon / "underthesea_Viet74K.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        syl = to_official_tones(line.lower()).split()
        if len(syl) == 2 and syl[0] in index and syl[1] in index:
            pairs.add(index[syl[0]] * PAIR_BASE + index[syl[1]])
    return np.array(sorted(pairs), dtype=np.int64)


CORPUS: Corpus  # set in main(); module-level so helpers stay small
DUMP = None  # --dump: a file receiving every selected candidate with its counts, for review


# ----------------------------------------------------------------------------- candidates


@dataclass
class Gram:
    lower: tuple[str, ...]
    surface: tuple[str, ...]
    count: int
    ext: dict[str, int]

    @property
    def right(self) -> int:
        return self.ext["right1"]


def grams_of(tables: dict[int, Table], n: int) -> list[Gram]:
    t = tables[n]
    stats = extension_stats(tables, n)
    out = []
    for i in range(len(t.counts)):
        p, sp = int(t.pos[i]), int(t.surface_pos[i])
        low = tuple(CORPUS.lvocab[j] for j in CORPUS.lower[p : p + n])
        surf = tuple(CORPUS.vocab[j] for j in CORPUS.surface[sp : sp + n])
        ext = {k: int(v[i]) for k, v in stats.items()}
        out.append(Gram(low, surf, int(t.counts[i]), ext))
    return out


def is_complete(g: Gram, ratio: float) -> bool:
    """Not a fragment: no one or two neighbours dominate a side, no side cuts through a word."""
    for side in ("left", "right"):
        top1, top2 = g.ext[side + "1"], g.ext[side + "2"]
        if top1 >= ratio * g.count or top1 + top2 >= 0.9 * g.count:
            return False
        if g.ext[side + "_word"] >= 0.5 * g.count:
            return False
    return True


def phrase_ok(g: Gram, syllables: set[str]) -> bool:
    toks = g.lower
    if any(t in SPECIAL[:3] for t in toks) or toks[0] == "-" or toks[-1] == "-":
        return False
    if toks[0] in EDGE_STOP or toks[-1] in EDGE_STOP:
        return False
    if toks[0] in LEFT_STOP or toks[-1] in RIGHT_STOP:
        return False
    if any(len(t) == 1 and t != "-" for t in (toks[0], toks[-1])):
        return False  # list letters: "quy định tại điểm a"
    if not all(t == "-" or t in syllables for t in toks):
        return False  # foreign words, abbreviations, OCR junk
    if len(set(toks)) < len(toks) - toks.count("-") and len(toks) <= 3:
        return False  # "ngày ngày", "từng từng"
    # a phrase is written in lower case; capitalised ones are names (handled as agencies)
    return not any(s[:1].isupper() for s in g.surface[1:])


def bound_shares(t: Table, uni_counts: np.ndarray, top: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per syllable, the share of its occurrences taken by its `top` commonest word neighbours.

    "tra" is nearly always preceded by "kiểm"/"thanh" and "giám" followed by "đốc"/"sát"/"định":
    such syllables sit inside a word, so a phrase must not start (resp. end) with them.
    """
    first = CORPUS.lower[t.pos]
    second = CORPUS.lower[t.pos + 1]
    words = (first > HYPHEN) & (second > HYPHEN)
    shares = []
    for key in (second, first):  # left share: group by the second token; right: by the first
        k, c = key[words], t.counts[words]
        order = np.lexsort((-c, k))
        k, c = k[order], c[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        rank = np.arange(len(k)) - np.repeat(starts, np.diff(np.r_[starts, len(k)]))
        top_sum = np.bincount(k[rank < top], weights=c[rank < top], minlength=len(uni_counts))
        shares.append(top_sum / np.maximum(uni_counts, 1))
    return shares[0], shares[1]


def inside_word(g: Gram, lex: dict, max_share: float) -> bool:
    left, right = lex["left_share"], lex["right_share"]
    first, last = lex["index"][g.lower[0]], lex["index"][g.lower[-1]]
    return left[first] > max_share or right[last] > max_share


def pmi_ok(g: Gram, uni: dict[str, int], total: int, min_pmi: float) -> bool:
    """Association of the edge syllables: frequent function-word chains score low."""
    words = [t for t in g.lower if t != "-"]
    expected = 1.0
    for w in words:
        expected *= uni.get(w, 1) / total
    pmi = np.log(g.count / total) - np.log(expected)
    return pmi / (len(words) - 1) >= min_pmi


def select_phrases(tables, syllables, lex, args) -> list[str]:
    by_length: dict[bool, list[tuple[int, str]]] = {True: [], False: []}
    for n in range(2, PHRASE_MAX_N + 1):
        for g in grams_of(tables, n):
            if g.count < args.phrase_min_count or not is_complete(g, args.fragment_ratio):
                continue
            if not phrase_ok(g, syllables) or inside_word(g, lex, args.max_bound_share):
                continue
            if pmi_ok(g, lex["uni"], lex["total"], args.min_pmi):
                by_length[n == 2].append((g.count, join(g.lower)))
                if DUMP:
                    DUMP.write(f"phrase\t{g.count}\t{g.ext['left1']}\t{g.right}\t{join(g.lower)}\n")
    # two-syllable words are mostly the language model's job: keep only the most frequent
    out = []
    for two, cap in ((True, args.max_bigrams), (False, args.max_phrases)):
        ranked = sorted(by_length[two], key=lambda x: (-x[0], x[1]))
        log.info("phrase candidates (%s): %d, keeping %d", "2" if two else "3-6", len(ranked), cap)
        out += [text for _, text in ranked[:cap] if text.casefold() not in BLOCKED]
    return out


def agency_ok(g: Gram, syllables: set[str]) -> bool:
    s = g.surface
    if not s[0][:1].isupper() or s[0] == s[0].upper() and len(s[0]) > 1:
        return False  # must look like "Bộ", not "bộ" or a shouted header "BỘ"
    if NUM_TOKEN in g.lower or g.lower[-1] in {",", "-"} or g.lower[-1] in EDGE_STOP:
        return False
    if any(t.isupper() and len(t) > 1 for t in s):
        return False  # all-caps header lines and abbreviations
    head = next((h for h in AGENCY_HEADS if g.lower[: len(h)] == h), None)
    if head is None or len(head) >= len(s):
        return False
    # after the head the name proper starts with a capital: "Bộ Tài chính", "Sở Nội vụ"
    return s[len(head)][:1].isupper() and all(t in syllables or t in ",-" for t in g.lower)


NUM_TOKEN = SPECIAL[NUM]


def select_agencies(tables, syllables, lex, args) -> list[str]:
    candidates: dict[tuple[str, ...], Gram] = {}
    complete: set[tuple[str, ...]] = set()
    for n in range(2, MAX_N):
        for g in grams_of(tables, n):
            if g.count < args.agency_min_count or not agency_ok(g, syllables):
                continue
            candidates[g.lower] = g
            # a name is complete when no one word usually follows it ("Bộ Công" -> an/Thương)
            right_share = lex["right_share"][lex["index"][g.lower[-1]]]
            if g.right < args.agency_fragment_ratio * g.count and right_share <= 0.85:
                complete.add(g.lower)
    kept = [
        g
        for key, g in candidates.items()
        if key in complete and not _extends_known(key, g, complete)
    ]
    kept.sort(key=lambda g: (-g.count, g.lower))
    if DUMP:
        for g in kept:
            DUMP.write(f"agency\t{g.count}\t{g.ext['left1']}\t{g.right}\t{join(g.surface)}\n")
    log.info("agency candidates: %d (keeping %d)", len(kept), args.max_agencies)
    names = [join(g.surface) for g in kept[: args.max_agencies]]
    return [name for name in names if name.casefold() not in BLOCKED]


def _extends_known(key: tuple[str, ...], g: Gram, complete: set) -> bool:
    """'Bộ Tài chính hướng dẫn' extends the complete name 'Bộ Tài chính' with a clause word."""
    for cut in range(2, len(key)):
        lower_tail = not g.surface[cut][:1].isupper()
        if key[:cut] in complete and lower_tail and " ".join(key[cut:]) not in AGENCY_SUFFIX:
            return True
    return False


def join(tokens) -> str:
    text = " ".join(tokens)
    return text.replace(" , ", ", ")


# ----------------------------------------------------------------------------- other sources


def load_syllables(lexicon: Path) -> set[str]:
    """Known Vietnamese syllables (lower case, official tones) from hunspell and Viet74K."""
    out: set[str] = set()
    for name in ("hunspell_vi_VN_syllables.txt", "underthesea_Viet74K.txt"):
        for line in (lexicon / name).read_text(encoding="utf-8").splitlines():
            for syl in line.split():
                if syl.isalpha():
                    out.add(to_official_tones(syl.lower()))
    return out


UNIT_PREFIX = regex.compile(
    r"^(xã|phường|thị trấn|thị xã|huyện|quận|thành phố|tỉnh|đặc khu) (.+)$", regex.IGNORECASE
)


ROMAN = regex.compile(r"[IVXL]+")


def place_names(lexicon: Path) -> list[str]:
    """Commune/ward/province names with the unit type stripped.

    The file also holds glued junk ("xãbatô"), bare numbers ("Phường 1") and one-syllable
    names; a bare "Vương" would match too much in a fuzzy window, so those keep their type.
    """
    out = []
    for line in (lexicon / "underthesea_admin_unit_names.txt").read_text("utf-8").splitlines():
        line = " ".join(line.split())
        m = UNIT_PREFIX.match(line)
        kind, name = (m.group(1).lower(), m.group(2)) if m else (None, line)
        if not name[:1].isupper() or " " not in line:
            continue  # "phườnghươngvân", lower-case junk
        if name.isdigit() or ROMAN.fullmatch(name):
            continue  # "Phường 1", "Phường IV"
        if " " in name or any(ch.isdigit() for ch in name):
            out.append(name)
        elif kind:
            out.append(f"{kind} {name}")
    return out


# ----------------------------------------------------------------------------- assembly


def assemble(sources: list[tuple[str, list[str]]]) -> list[tuple[str, str]]:
    best: dict[str, tuple[str, str]] = {}
    for category, terms in sources:
        for raw in terms:
            term = to_official_tones(unicodedata.normalize("NFC", " ".join(raw.split())))
            key = term.casefold()
            if not term:
                continue
            old = best.get(key)
            if old is None or PRIORITY[category] < PRIORITY[old[1]]:
                best[key] = (term, category)
    return sorted(best.values(), key=lambda tc: (tc[0].casefold(), tc[0]))


HEADER = """\
# vi_admin_terms.txt: Vietnamese administrative terms for OCR restoration and segmentation.
# Format: term<TAB>category, UTF-8 NFC, official tone placement (hòa, thủy, Ủy ban), one per
# line, sorted by casefold(term) then term, unique case-insensitively. See dictionaries/README.md.
# Built by tools/build_lexicon.py (deterministic) from:
#  - hand lists (SEEDS section of the script): agencies defined by law, titles, document types
#    (Decree 30/2020/ND-CP), unit types, deadlines, abbreviations, the 34 provinces of 2025;
#  - ../shared/corpus/*.txt.xz (legal texts; MIT repository / not copyrightable, Law on IP
#    art. 15): frequent, associated syllable n-grams (phrases) and capitalised agency names;
#  - ../shared/lexicon/underthesea_admin_unit_names.txt (Apache-2.0): commune/ward names;
#  - ../shared/lexicon hunspell (MPL-2.0) and Viet74K (Apache-2.0) syllables, as a filter only.
"""


def write(path: Path, entries: list[tuple[str, str]], stats: str) -> None:
    lines = [HEADER.rstrip("\n"), f"# {stats}"]
    lines += [f"{term}\t{cat}" for term, cat in entries]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def count_corpus(args, t0):
    """Tokens and n-gram tables; --cache keeps them in a pickle to re-tune selection quickly."""
    if args.cache and args.cache.exists():
        with args.cache.open("rb") as fh:
            return pickle.load(fh)
    paths = sorted((args.shared / "corpus").glob("*.txt.xz"))
    corpus = tokenize(paths, args.every)
    log.info(
        "tokens: %d, vocabulary %d (%.0fs)", len(corpus.lower), len(corpus.vocab), time.time() - t0
    )
    tables, atables = {}, {}
    for n in range(2, MAX_N + 1):
        if n <= PHRASE_MAX_N + 1:
            tables[n] = count_table(corpus, n, args.table_min_count)
        atables[n] = count_table(corpus, n, args.table_min_count, titled=True)
        kept = len(tables[n].counts) if n in tables else 0
        log.info(
            "%d-grams kept: %d, title-case %d (%.0fs)",
            n,
            kept,
            len(atables[n].counts),
            time.time() - t0,
        )
    if args.cache:
        with args.cache.open("wb") as fh:
            pickle.dump((corpus, tables, atables), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return corpus, tables, atables


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "dictionaries" / "vi_admin_terms.txt")
    ap.add_argument("--every", type=int, default=1, help="read every k-th corpus line (speed)")
    ap.add_argument("--table-min-count", type=int, default=20)
    ap.add_argument("--phrase-min-count", type=int, default=150)
    ap.add_argument("--agency-min-count", type=int, default=40)
    ap.add_argument("--fragment-ratio", type=float, default=0.7)
    ap.add_argument("--agency-fragment-ratio", type=float, default=0.45)
    ap.add_argument("--min-pmi", type=float, default=2.0)
    ap.add_argument("--max-bound-share", type=float, default=0.85)
    ap.add_argument("--max-phrases", type=int, default=1200, help="of 3-6 syllables")
    ap.add_argument("--max-bigrams", type=int, default=400)
    ap.add_argument("--max-agencies", type=int, default=500)
    ap.add_argument("--dump", type=Path, help="write selected candidates with counts here")
    ap.add_argument("--cache", type=Path, help="dev: pickle of the counts, reused if present")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    global CORPUS, DUMP, WORD_PAIRS
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args = parse_args(argv)
    t0 = time.time()
    if args.dump:
        DUMP = args.dump.open("w", encoding="utf-8")
    CORPUS, tables, atables = count_corpus(args, t0)
    uni_counts = np.bincount(CORPUS.lower, minlength=len(CORPUS.lvocab))
    left_share, right_share = bound_shares(tables[2], uni_counts)
    lex = {
        "uni": {w: int(c) for w, c in zip(CORPUS.lvocab, uni_counts, strict=True) if c},
        "total": int((CORPUS.lower > HYPHEN).sum()),
        "index": {w: i for i, w in enumerate(CORPUS.lvocab)},
        "left_share": left_share,
        "right_share": right_share,
    }
    syllables = load_syllables(args.shared / "lexicon")
    WORD_PAIRS = word_pairs(args.shared / "lexicon", lex["index"])
    phrases = select_phrases(tables, syllables, lex, args)
    agencies = select_agencies(atables, syllables, lex, args)
    places = place_names(args.shared / "lexicon")
    entries = assemble(
        [
            ("agency", AGENCIES + agencies),
            ("title", TITLES),
            ("doc_type", DOC_TYPES),
            ("unit_type", UNIT_TYPES),
            ("deadline", DEADLINES),
            ("abbrev", ABBREVIATIONS),
            ("place", PROVINCES_2025 + PROVINCES_ALIASES + places),
            ("phrase", PHRASES + phrases),
        ]
    )
    counts = {c: sum(1 for _, cat in entries if cat == c) for c in CATEGORIES}
    stats = "entries: " + ", ".join(f"{c} {k}" for c, k in counts.items())
    write(args.out, entries, stats)
    log.info("wrote %s: %d entries (%s) in %.0fs", args.out, len(entries), stats, time.time() - t0)
    return 0


# ----------------------------------------------------------------------------- SEEDS
# Hand-written lists from general knowledge of Vietnamese administration: names of bodies and
# titles defined by law (Constitution, Law on Organisation of Local Government 2025, Decree
# 30/2020/NĐ-CP), not taken from any user document.


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


AGENCIES = _lines("""
Quốc hội
Ủy ban Thường vụ Quốc hội
Hội đồng Dân tộc
Văn phòng Quốc hội
Chủ tịch nước
Văn phòng Chủ tịch nước
Chính phủ
Thủ tướng Chính phủ
Văn phòng Chính phủ
Thanh tra Chính phủ
Ngân hàng Nhà nước Việt Nam
Ngân hàng Nhà nước
Kiểm toán nhà nước
Tòa án nhân dân tối cao
Viện kiểm sát nhân dân tối cao
Tòa án nhân dân
Viện kiểm sát nhân dân
Bộ Quốc phòng
Bộ Công an
Bộ Ngoại giao
Bộ Nội vụ
Bộ Tư pháp
Bộ Tài chính
Bộ Công Thương
Bộ Nông nghiệp và Môi trường
Bộ Xây dựng
Bộ Văn hóa, Thể thao và Du lịch
Bộ Khoa học và Công nghệ
Bộ Giáo dục và Đào tạo
Bộ Y tế
Bộ Dân tộc và Tôn giáo
Bộ Kế hoạch và Đầu tư
Bộ Lao động - Thương binh và Xã hội
Bộ Tài nguyên và Môi trường
Bộ Thông tin và Truyền thông
Bộ Giao thông vận tải
Bộ Nông nghiệp và Phát triển nông thôn
Ủy ban Dân tộc
Bảo hiểm xã hội Việt Nam
Thông tấn xã Việt Nam
Đài Tiếng nói Việt Nam
Đài Truyền hình Việt Nam
Viện Hàn lâm Khoa học và Công nghệ Việt Nam
Viện Hàn lâm Khoa học xã hội Việt Nam
Đại học Quốc gia Hà Nội
Đại học Quốc gia Thành phố Hồ Chí Minh
Học viện Chính trị quốc gia Hồ Chí Minh
Ủy ban Quản lý vốn nhà nước tại doanh nghiệp
Tổng cục Thống kê
Cục Thống kê
Tổng cục Thuế
Cục Thuế
Chi cục Thuế
Thuế cơ sở
Tổng cục Hải quan
Cục Hải quan
Kho bạc Nhà nước
Kho bạc Nhà nước khu vực
Ngân hàng Chính sách xã hội
Ngân hàng Nông nghiệp và Phát triển nông thôn Việt Nam
Bộ Chính trị
Ban Bí thư
Ban Chấp hành Trung ương
Ban Chấp hành Trung ương Đảng
Ban Chấp hành Đảng bộ
Ban Thường vụ
Ban Thường vụ Tỉnh ủy
Ban Thường vụ Thành ủy
Ban Thường vụ Đảng ủy
Ban Thường vụ Huyện ủy
Ban Tổ chức Trung ương
Ban Tuyên giáo và Dân vận Trung ương
Ban Tuyên giáo Trung ương
Ban Dân vận Trung ương
Ban Kinh tế Trung ương
Ban Nội chính Trung ương
Ban Chính sách, chiến lược Trung ương
Ủy ban Kiểm tra Trung ương
Văn phòng Trung ương Đảng
Đảng ủy Chính phủ
Đảng ủy Quốc hội
Đảng ủy các cơ quan Đảng Trung ương
Quân ủy Trung ương
Đảng Cộng sản Việt Nam
Tỉnh ủy
Thành ủy
Huyện ủy
Quận ủy
Thị ủy
Đảng ủy
Đảng ủy xã
Đảng ủy phường
Đảng bộ
Đảng bộ xã
Đảng bộ phường
Chi bộ
Chi bộ thôn
Ban Tổ chức Tỉnh ủy
Ban Tuyên giáo và Dân vận Tỉnh ủy
Ban Tuyên giáo Tỉnh ủy
Ban Dân vận Tỉnh ủy
Ủy ban Kiểm tra Tỉnh ủy
Ủy ban Kiểm tra Đảng ủy
Văn phòng Tỉnh ủy
Văn phòng Đảng ủy
Ban Xây dựng Đảng
Ban Xây dựng Đảng Đảng ủy
Ban Chỉ đạo
Ban Chỉ đạo Trung ương
Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số
Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số
Ban Chỉ đạo chuyển đổi số
Ban Chỉ đạo cải cách hành chính
Tổ công tác
Tổ công nghệ số cộng đồng
Tổ chuyển đổi số cộng đồng
Mặt trận Tổ quốc Việt Nam
Mặt trận Tổ quốc
Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam
Ủy ban Mặt trận Tổ quốc Việt Nam
Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh
Ủy ban Mặt trận Tổ quốc Việt Nam xã
Ủy ban Mặt trận Tổ quốc Việt Nam phường
Ủy ban Mặt trận Tổ quốc
Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam
Ban Công tác Mặt trận
Tổng Liên đoàn Lao động Việt Nam
Liên đoàn Lao động
Liên đoàn Lao động tỉnh
Công đoàn
Công đoàn cơ sở
Đoàn Thanh niên Cộng sản Hồ Chí Minh
Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh
Đoàn Thanh niên
Đoàn xã
Đoàn phường
Hội Liên hiệp Thanh niên Việt Nam
Hội Liên hiệp Phụ nữ Việt Nam
Hội Liên hiệp Phụ nữ
Hội Phụ nữ
Hội Nông dân Việt Nam
Hội Nông dân
Hội Cựu chiến binh Việt Nam
Hội Cựu chiến binh
Hội Chữ thập đỏ
Hội Chữ thập đỏ Việt Nam
Hội Người cao tuổi
Hội Khuyến học
Hội Cựu thanh niên xung phong
Hội Luật gia Việt Nam
Hội Nhà báo Việt Nam
Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam
Liên minh Hợp tác xã Việt Nam
Liên đoàn Thương mại và Công nghiệp Việt Nam
Phòng Thương mại và Công nghiệp Việt Nam
Hiệp hội Doanh nghiệp
Hội Doanh nhân trẻ
Ủy ban nhân dân
Ủy ban nhân dân tỉnh
Ủy ban nhân dân thành phố
Ủy ban nhân dân huyện
Ủy ban nhân dân quận
Ủy ban nhân dân thị xã
Ủy ban nhân dân xã
Ủy ban nhân dân phường
Ủy ban nhân dân đặc khu
Ủy ban nhân dân cấp tỉnh
Ủy ban nhân dân cấp huyện
Ủy ban nhân dân cấp xã
Ủy ban nhân dân các cấp
Hội đồng nhân dân
Hội đồng nhân dân tỉnh
Hội đồng nhân dân thành phố
Hội đồng nhân dân huyện
Hội đồng nhân dân xã
Hội đồng nhân dân phường
Hội đồng nhân dân cấp tỉnh
Hội đồng nhân dân cấp xã
Hội đồng nhân dân các cấp
Thường trực Hội đồng nhân dân
Thường trực Ủy ban nhân dân
Ban Kinh tế - Ngân sách
Ban Văn hóa - Xã hội
Ban Pháp chế
Ban Dân tộc
Văn phòng Hội đồng nhân dân và Ủy ban nhân dân
Văn phòng HĐND và UBND
Văn phòng Ủy ban nhân dân
Văn phòng Ủy ban nhân dân tỉnh
Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân
Đoàn đại biểu Quốc hội
Sở Nội vụ
Sở Tư pháp
Sở Tài chính
Sở Công Thương
Sở Nông nghiệp và Môi trường
Sở Xây dựng
Sở Văn hóa, Thể thao và Du lịch
Sở Văn hóa và Thể thao
Sở Du lịch
Sở Khoa học và Công nghệ
Sở Giáo dục và Đào tạo
Sở Y tế
Sở Dân tộc và Tôn giáo
Sở Ngoại vụ
Sở Kế hoạch và Đầu tư
Sở Lao động - Thương binh và Xã hội
Sở Tài nguyên và Môi trường
Sở Thông tin và Truyền thông
Sở Giao thông vận tải
Sở Nông nghiệp và Phát triển nông thôn
Thanh tra tỉnh
Thanh tra thành phố
Công an tỉnh
Công an thành phố
Công an xã
Công an phường
Công an cấp xã
Công an nhân dân
Quân đội nhân dân Việt Nam
Bộ Chỉ huy Quân sự tỉnh
Bộ Chỉ huy Bộ đội Biên phòng tỉnh
Ban Chỉ huy Quân sự
Ban Chỉ huy Quân sự xã
Ban Chỉ huy Quân sự phường
Bộ Tư lệnh
Quân khu
Đồn Biên phòng
Phòng Kinh tế
Phòng Kinh tế, Hạ tầng và Đô thị
Phòng Văn hóa - Xã hội
Phòng Văn hóa và Thông tin
Phòng Nội vụ
Phòng Tư pháp
Phòng Tài chính - Kế hoạch
Phòng Tài nguyên và Môi trường
Phòng Giáo dục và Đào tạo
Phòng Y tế
Phòng Lao động - Thương binh và Xã hội
Phòng Nông nghiệp và Phát triển nông thôn
Phòng Kinh tế và Hạ tầng
Phòng Quản lý đô thị
Phòng Dân tộc
Trung tâm Phục vụ hành chính công
Trung tâm Phục vụ hành chính công tỉnh
Trung tâm Phục vụ hành chính công xã
Trung tâm Phục vụ hành chính công phường
Bộ phận Một cửa
Bộ phận tiếp nhận và trả kết quả
Trung tâm Dịch vụ tổng hợp
Trung tâm Y tế
Trạm Y tế
Trạm Y tế xã
Trung tâm Văn hóa, Thông tin và Thể thao
Trung tâm Văn hóa - Thể thao và Truyền thông
Trung tâm Chính trị
Trung tâm Bồi dưỡng chính trị
Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên
Trung tâm Phát triển quỹ đất
Trung tâm Khuyến nông
Trung tâm Công nghệ thông tin và Truyền thông
Trung tâm Giám sát, điều hành đô thị thông minh
Trung tâm Điều hành thông minh
Ban Quản lý dự án
Ban Quản lý dự án đầu tư xây dựng
Văn phòng Đăng ký đất đai
Chi nhánh Văn phòng Đăng ký đất đai
Bảo hiểm xã hội
Bảo hiểm xã hội tỉnh
Bảo hiểm xã hội cơ sở
Ngân hàng Chính sách xã hội
Phòng Giao dịch Ngân hàng Chính sách xã hội
Quỹ Phát triển khoa học và công nghệ
Quỹ Đổi mới công nghệ quốc gia
Quỹ Phát triển đất
Hợp tác xã
Trường Mầm non
Trường Tiểu học
Trường Trung học cơ sở
Trường Trung học phổ thông
Trường Phổ thông dân tộc bán trú
Trường Phổ thông dân tộc nội trú
Trường Tiểu học và Trung học cơ sở
Trường Chính trị tỉnh
Ban Chỉ đạo 35
Ban Quản lý các khu công nghiệp
Ban Quản lý Khu kinh tế
Tập đoàn Bưu chính Viễn thông Việt Nam
Tập đoàn Công nghiệp - Viễn thông Quân đội
Tổng công ty Bưu điện Việt Nam
Bưu điện
Bưu điện tỉnh
Bưu điện xã
Viễn thông
Viettel
VNPT
Điện lực
Công ty Điện lực
Đài Truyền thanh
Đài Truyền thanh xã
Đài Phát thanh và Truyền hình
Báo và Phát thanh, Truyền hình
Trung tâm Truyền thông
Trung tâm Văn hóa - Thể thao
Ban Chỉ huy Phòng thủ dân sự
Ban Chỉ huy phòng, chống thiên tai và tìm kiếm cứu nạn
Ban Chỉ đạo phòng, chống tham nhũng, lãng phí, tiêu cực
Ban Chỉ đạo 389
Ban Chỉ đạo xây dựng nông thôn mới
Ban Quản lý dự án đầu tư xây dựng khu vực
Ban Tiếp công dân
Ban Thanh tra nhân dân
Ban Giám sát đầu tư của cộng đồng
Ban Công tác Mặt trận khu dân cư
Hội Nạn nhân chất độc da cam/dioxin
Hội Người mù
Hội Bảo trợ người khuyết tật và trẻ mồ côi
Hội Sinh viên Việt Nam
Đội Thiếu niên Tiền phong Hồ Chí Minh
Hội đồng Đội
Hội đồng Thi đua - Khen thưởng
Hội đồng Phối hợp phổ biến, giáo dục pháp luật
Tổ hòa giải
Tổ An ninh trật tự cơ sở
Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở
Dân quân tự vệ
""")

TITLES = _lines("""
Chủ tịch
Phó Chủ tịch
Phó Chủ tịch Thường trực
Chủ tịch Ủy ban nhân dân
Phó Chủ tịch Ủy ban nhân dân
Chủ tịch Hội đồng nhân dân
Phó Chủ tịch Hội đồng nhân dân
Chủ tịch UBND
Phó Chủ tịch UBND
Chủ tịch HĐND
Phó Chủ tịch HĐND
Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam
Chủ tịch nước
Phó Chủ tịch nước
Chủ tịch Quốc hội
Phó Chủ tịch Quốc hội
Tổng Bí thư
Thường trực Ban Bí thư
Bí thư
Phó Bí thư
Phó Bí thư Thường trực
Bí thư Tỉnh ủy
Phó Bí thư Tỉnh ủy
Bí thư Đảng ủy
Phó Bí thư Đảng ủy
Bí thư Chi bộ
Bí thư Đoàn
Bí thư Đoàn xã
Ủy viên Bộ Chính trị
Ủy viên Ban Chấp hành Trung ương Đảng
Ủy viên Ban Thường vụ
Ủy viên Ban Chấp hành
Ủy viên
Thành viên
Thủ tướng
Thủ tướng Chính phủ
Phó Thủ tướng
Phó Thủ tướng Chính phủ
Phó Thủ tướng Thường trực
Bộ trưởng
Thứ trưởng
Thứ trưởng Thường trực
Bộ trưởng, Thủ trưởng cơ quan ngang bộ
Thủ trưởng cơ quan ngang bộ
Thủ trưởng cơ quan thuộc Chính phủ
Thủ trưởng
Thủ trưởng cơ quan
Thủ trưởng đơn vị
Thủ trưởng các cơ quan, đơn vị
Người đứng đầu
Người đứng đầu cơ quan
Giám đốc
Phó Giám đốc
Tổng Giám đốc
Phó Tổng Giám đốc
Giám đốc Sở
Phó Giám đốc Sở
Giám đốc sở, ngành
Cục trưởng
Phó Cục trưởng
Tổng cục trưởng
Vụ trưởng
Phó Vụ trưởng
Chi cục trưởng
Viện trưởng
Chánh án
Phó Chánh án
Kiểm sát viên
Thẩm phán
Trưởng phòng
Phó Trưởng phòng
Trưởng ban
Phó Trưởng ban
Trưởng Ban Chỉ đạo
Phó Trưởng Ban Chỉ đạo
Trưởng Ban Thường trực
Chánh Văn phòng
Phó Chánh Văn phòng
Chánh Thanh tra
Phó Chánh Thanh tra
Tổng Thanh tra Chính phủ
Tổng Kiểm toán nhà nước
Thống đốc Ngân hàng Nhà nước
Trưởng Công an xã
Phó Trưởng Công an xã
Trưởng Công an
Giám đốc Công an tỉnh
Chỉ huy trưởng
Chỉ huy phó
Chỉ huy trưởng Ban Chỉ huy Quân sự
Chính trị viên
Chủ nhiệm
Chủ nhiệm Ủy ban Kiểm tra
Phó Chủ nhiệm
Hiệu trưởng
Phó Hiệu trưởng
Trưởng trạm
Trạm trưởng
Kế toán trưởng
Trưởng thôn
Phó Trưởng thôn
Trưởng bản
Trưởng ấp
Tổ trưởng
Tổ phó
Tổ trưởng tổ dân phố
Trưởng khu phố
Thư ký
Chuyên viên
Chuyên viên chính
Cán bộ
Công chức
Viên chức
Công chức Văn phòng - Thống kê
Công chức Văn hóa - Xã hội
Công chức Tư pháp - Hộ tịch
Công chức Địa chính - Xây dựng
Công chức Tài chính - Kế toán
Người hoạt động không chuyên trách
Đại biểu Quốc hội
Đại biểu Hội đồng nhân dân
Báo cáo viên
Tuyên truyền viên
Chủ tịch Hội Nông dân
Chủ tịch Hội Liên hiệp Phụ nữ
Chủ tịch Hội Cựu chiến binh
Chủ tịch Công đoàn
Trưởng Ban Công tác Mặt trận
""")

DOC_TYPES = _lines("""
Hiến pháp
Bộ luật
Luật
Pháp lệnh
Lệnh
Nghị quyết
Nghị quyết liên tịch
Nghị định
Quyết định
Chỉ thị
Thông tư
Thông tư liên tịch
Kế hoạch
Chương trình
Chương trình hành động
Phương án
Đề án
Dự án
Quy chế
Quy định
Quy chế làm việc
Thông cáo
Thông báo
Thông báo kết luận
Kết luận
Hướng dẫn
Báo cáo
Biên bản
Tờ trình
Hợp đồng
Công văn
Công điện
Bản ghi nhớ
Bản thỏa thuận
Giấy ủy quyền
Giấy mời
Giấy giới thiệu
Giấy nghỉ phép
Phiếu gửi
Phiếu chuyển
Phiếu báo
Văn bản hợp nhất
Văn bản quy phạm pháp luật
Văn bản hành chính
Điều lệ
Phụ lục
Nơi nhận
Căn cứ
Kế hoạch hành động
Kế hoạch triển khai
Chiến lược
Quy hoạch
Nghị quyết số
Quyết định số
Kế hoạch số
Công văn số
""")

UNIT_TYPES = _lines("""
tỉnh
thành phố
thành phố trực thuộc trung ương
huyện
quận
thị xã
thị trấn
xã
phường
đặc khu
thôn
bản
ấp
buôn
làng
sóc
khu phố
tổ dân phố
khu dân cư
tổ dân cư
xóm
đơn vị hành chính
đơn vị hành chính cấp tỉnh
đơn vị hành chính cấp xã
đơn vị hành chính cấp huyện
cấp tỉnh
cấp huyện
cấp xã
cấp cơ sở
cấp trung ương
trung ương
địa phương
chính quyền địa phương hai cấp
chính quyền địa phương
""")

DEADLINES = _lines("""
Hằng năm
Hàng năm
Hằng quý
Hàng quý
Hằng tháng
Hàng tháng
Hằng tuần
Hàng tuần
Hằng ngày
Hàng ngày
Thường xuyên
Thường xuyên, liên tục
Định kỳ
Đột xuất
Liên tục
Quý I
Quý II
Quý III
Quý IV
6 tháng đầu năm
6 tháng cuối năm
Cả năm
Trong năm
Cuối năm
Đầu năm
Trước ngày
Chậm nhất
Trước ngày 31 tháng 12
Trước ngày 15 tháng 12
Giai đoạn 2021 - 2025
Giai đoạn 2025 - 2030
Giai đoạn 2026 - 2030
Giai đoạn 2026 - 2030 và các năm tiếp theo
Các năm tiếp theo
Đến năm 2025
Đến năm 2030
Đến năm 2035
Tầm nhìn đến năm 2045
Tầm nhìn đến năm 2050
Năm 2024
Năm 2025
Năm 2026
Năm 2027
Năm 2028
Năm 2029
Năm 2030
Tháng 01
Tháng 02
Tháng 03
Tháng 04
Tháng 05
Tháng 06
Tháng 07
Tháng 08
Tháng 09
Tháng 10
Tháng 11
Tháng 12
""") + [f"Quý {q}/{y}" for q in ("I", "II", "III", "IV") for y in range(2025, 2031)]

ABBREVIATIONS = _lines("""
UBND
HĐND
HĐND-UBND
MTTQ
MTTQVN
UBMTTQ
UBMTTQVN
TW
BCH
BTV
BCĐ
BQL
TTHCC
TTg
CP
VP
VPCP
HĐND và UBND
KT-XH
KH&CN
KHCN
CNTT
ĐMST
CĐS
KHCN, ĐMST và CĐS
CCHC
TTHC
DVC
DVCTT
BHXH
BHYT
BHTN
THCS
THPT
CSDL
ATTT
CSDLQG
VNeID
LĐTBXH
LĐ-TB&XH
VH-XH
VHXH
VH, TT&DL
TN&MT
NN&MT
NN&PTNT
GD&ĐT
KH&ĐT
TT&TT
GTVT
KT-HT&ĐT
QS
BCHQS
CAX
HLHPN
HND
HCCB
CCB
ĐTN
ĐTNCS
MN
TH
THCS
NSNN
ĐVHC
ĐBQH
TP
TP.
TP. Hồ Chí Minh
TP.HCM
TM.
KT.
TL.
TUQ.
Q.
Số:
Nơi nhận:
V/v
NQ
QĐ
CT
QC
QyĐ
TC
TB
HD
CTr
KH
PA
ĐA
DA
BC
BB
TTr
HĐ
CĐ
BGN
BTT
GUQ
GM
GGT
GNP
PG
PC
PB
NĐ-CP
NQ-CP
QĐ-TTg
CT-TTg
QĐ-UBND
KH-UBND
CV-UBND
TB-UBND
BC-UBND
TTr-UBND
CT-UBND
NQ-HĐND
QĐ-CT
NQ/TW
KH/TU
NQ/TU
CT/TW
KL/TW
QĐ/TW
HD/BTGTW
HD/BTGDVTW
NQ/ĐU
KH/ĐU
UBND-VP
VP-UBND
TT-BTC
TT-BNV
TT-BTTTT
TT-BKHCN
TT-BGDĐT
TT-BYT
TT-BCA
QH13
QH14
QH15
""")

PROVINCES_2025 = _lines("""
Hà Nội
Huế
Hải Phòng
Đà Nẵng
Cần Thơ
Hồ Chí Minh
Thành phố Hồ Chí Minh
Tuyên Quang
Cao Bằng
Lai Châu
Lào Cai
Thái Nguyên
Điện Biên
Lạng Sơn
Sơn La
Phú Thọ
Bắc Ninh
Quảng Ninh
Hưng Yên
Ninh Bình
Thanh Hóa
Nghệ An
Hà Tĩnh
Quảng Trị
Quảng Ngãi
Gia Lai
Đắk Lắk
Khánh Hòa
Lâm Đồng
Đồng Nai
Tây Ninh
Vĩnh Long
Đồng Tháp
Cà Mau
An Giang
""")

PROVINCES_ALIASES = _lines("""
Thủ đô Hà Nội
Thành phố Hà Nội
Thành phố Huế
Thành phố Hải Phòng
Thành phố Đà Nẵng
Thành phố Cần Thơ
Sài Gòn
Việt Nam
Cộng hòa xã hội chủ nghĩa Việt Nam
Nước Cộng hòa xã hội chủ nghĩa Việt Nam
Thanh Hoá
Đắk Nông
Kon Tum
Bà Rịa - Vũng Tàu
Thừa Thiên Huế
Thừa Thiên - Huế
""")

PHRASES = _lines("""
chuyển đổi số
đổi mới sáng tạo
khoa học công nghệ
khoa học và công nghệ
khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số
phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia
trên địa bàn
trên địa bàn tỉnh
trên địa bàn xã
trên địa bàn phường
tổ chức thực hiện
mục đích, yêu cầu
mục đích yêu cầu
nhiệm vụ chủ yếu
nhiệm vụ trọng tâm
nhiệm vụ và giải pháp
nhiệm vụ, giải pháp
kinh phí thực hiện
theo quy định của pháp luật
theo quy định
theo đúng quy định
theo chức năng, nhiệm vụ
theo chức năng, nhiệm vụ được giao
phát triển kinh tế - xã hội
kinh tế - xã hội
hệ thống chính trị
cả hệ thống chính trị
chính quyền số
chính quyền điện tử
chính phủ số
chính phủ điện tử
kinh tế số
xã hội số
công dân số
hạ tầng số
nền tảng số
dữ liệu số
kỹ năng số
chữ ký số
công nghệ số
văn hóa số
thanh toán không dùng tiền mặt
thương mại điện tử
dịch vụ công trực tuyến
dịch vụ công trực tuyến toàn trình
cải cách hành chính
thủ tục hành chính
an toàn thông tin
an ninh mạng
cơ sở dữ liệu
cơ sở dữ liệu quốc gia
cơ sở dữ liệu quốc gia về dân cư
trí tuệ nhân tạo
dữ liệu lớn
điện toán đám mây
Internet vạn vật
định danh điện tử
tài khoản định danh điện tử
chữ ký điện tử
hồ sơ điện tử
bình dân học vụ số
phong trào bình dân học vụ số
tuyên truyền, phổ biến
học tập, quán triệt
quán triệt, tuyên truyền
triển khai thực hiện
đột phá chiến lược
nguồn nhân lực chất lượng cao
ngân sách nhà nước
nguồn ngân sách nhà nước
nguồn vốn xã hội hóa
xã hội hóa
dự toán ngân sách
kinh phí chi thường xuyên
các nguồn kinh phí hợp pháp khác
nguồn kinh phí hợp pháp khác
cán bộ, công chức, viên chức
cán bộ, đảng viên
cán bộ, công chức, viên chức và người lao động
các tầng lớp nhân dân
Nhân dân
quần chúng nhân dân
doanh nghiệp
các cơ quan, đơn vị
các cơ quan, đơn vị có liên quan
các cơ quan, đơn vị liên quan
các ban, ngành, đoàn thể
ban, ngành, đoàn thể
các tổ chức chính trị - xã hội
tổ chức chính trị - xã hội
đoàn thể chính trị - xã hội
chủ trì, phối hợp
chủ trì
phối hợp
cơ quan chủ trì
cơ quan phối hợp
đơn vị chủ trì
đơn vị phối hợp
kết quả, sản phẩm
sản phẩm đầu ra
thời gian hoàn thành
thời gian thực hiện
tên nhiệm vụ
nội dung nhiệm vụ
kiểm tra, giám sát
sơ kết, tổng kết
báo cáo kết quả thực hiện
định kỳ báo cáo
khen thưởng, kỷ luật
tổng hợp, báo cáo
tham mưu
tham mưu cho Ủy ban nhân dân
chỉ đạo, điều hành
lãnh đạo, chỉ đạo
cấp ủy, chính quyền
cấp ủy, tổ chức đảng
phương tiện thông tin đại chúng
hệ thống thông tin cơ sở
đài truyền thanh
cổng thông tin điện tử
trang thông tin điện tử
mạng xã hội
trong quá trình tổ chức thực hiện
nếu có khó khăn, vướng mắc
khó khăn, vướng mắc
đề nghị các cơ quan, đơn vị
Độc lập - Tự do - Hạnh phúc
Cộng hòa xã hội chủ nghĩa Việt Nam
Ban hành kèm theo
ban hành kèm theo
Như trên
Lưu: VT
""")

# Lower-case tokens (corpus form) that open an agency name; the name proper follows capitalised.
AGENCY_HEADS = sorted(
    (
        tuple(h.split())
        for h in _lines("""
bộ
sở
ủy ban
phòng
ban
ban chỉ đạo
ban quản lý
ban chỉ huy
bộ chỉ huy
trung tâm
cục
tổng cục
vụ
viện
học viện
hội
hiệp hội
liên hiệp
văn phòng
chi cục
đài
hội đồng
ngân hàng
kho bạc
thanh tra
tòa án
công an
bảo hiểm
đoàn
liên đoàn
tổng liên đoàn
đảng ủy
trường
quỹ
tổng công ty
tập đoàn
mặt trận
kiểm toán
cảng vụ
""")
    ),
    key=lambda h: (-len(h), h),
)

# Lower-case tails that may extend a complete agency name: "Công an cấp xã", "... tỉnh".
AGENCY_SUFFIX = set(
    _lines("""
cấp tỉnh
cấp huyện
cấp xã
cấp cao
cấp trung ương
các cấp
tỉnh
huyện
xã
phường
quận
thành phố
thị xã
đặc khu
trung ương
tối cao
nhân dân
khu vực
""")
)

# Function words that never start or end a mined phrase (fragments such as "quy định của").
EDGE_STOP = set(
    _lines("""
của
và
các
được
cho
theo
để
là
có
những
một
với
tại
trong
về
từ
do
đã
sẽ
đang
thì
mà
nếu
khi
hoặc
hay
nhưng
này
đó
đến
vào
ra
bị
bởi
như
cũng
không
chưa
phải
rằng
nào
ở
trên
dưới
sau
trước
giữa
qua
nhằm
đối
mỗi
từng
mọi
tất
cả
đây
kia
ấy
nên
vì
còn
lại
đều
chỉ
hơn
rất
nhất
gồm
thuộc
tới
cùng
thêm
nơi
cần
hết
nhau
vẫn
luôn
vừa
ngay
thể
hoặc
tuy
song
nữa
gì
ai
sao
bao
đi
lên
xuống
""")
)

LEFT_STOP = set(
    _lines("""
việc
sự
cuộc
""")
)

RIGHT_STOP = set(
    _lines("""
cấp
việc
người
tính
đồng
sau
điểm
khoản
điều
tại
""")
)

# Mined strings judged wrong on review (case-insensitive); hand lists are not filtered.
BLOCKED = {
    t.casefold()
    for t in _lines("""
Văn phòng Quốc hội ban hành
Cục Quản lý
Chi cục Kiểm
Tòa án Việt Nam
Ủy ban Quốc gia
Đài Loan
Trường Sa
Liên hiệp Vương quốc Anh và Bắc Ai - len
Văn phòng Bộ, Cục trưởng Cục
""")
}


if __name__ == "__main__":
    sys.exit(main())

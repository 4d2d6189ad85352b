"""The learned OCR channel: aligning truth with OCR text, and the cost tables learned from it.

Alignment (used by tools/learn_channel.py to learn, by bench/restore.py to score):
- `align_syllables(truth_tokens, ocr_tokens)`: token-level edit alignment of whitespace tokens,
  compared without marks, that also allows a merge (2-3 truth syllables read as one token,
  "quốc gia" -> "quocgia") and a split (one syllable read as 2-3 tokens, "thực" -> "th ực").
- `align_chars(truth, ocr, costs)`: character alignment of one aligned group. Units are NFC
  characters, so a Vietnamese letter with its tone and modifier ("ố", "ự", "đ") is one unit; an
  OCR segment may be 0-2 characters ("ộ" -> "d6", "ủ" -> "ty", "ư" -> "") and a truth segment
  1-2 units ("ri" -> "n"); the cost of a pair is a heuristic at first, then the learned one.

Table files written by tools/learn_channel.py (UTF-8, `#` comment header with provenance):

`channel_MODEL.tsv` -- character channel, one row per (truth segment, OCR segment):
    truth_segment <TAB> ocr_segment <TAB> count <TAB> cost
  * cost = -ln P(ocr_segment | truth_segment), Witten-Bell smoothed, natural log;
  * both sides lower-cased NFC (case is not modelled: "Đ" -> "P" is counted as "đ" -> "p");
  * `<eps>` is the empty segment, `<sp>` a space (merges delete it, splits insert it);
  * truth `<eps>` rows are insertions: P(OCR inserts segment o at a slot), a slot being each
    position before a truth unit and the end of a syllable group; `<eps>\t<eps>` = no insertion;
  * `t\t<unseen>\t0\tcost` = the cost of any OCR segment not listed for truth segment t.
`channel_MODEL_tokens.tsv` -- whole syllables, most frequent pairs first:
    truth_syllable <TAB> ocr_token <TAB> count
  * lower-cased, edge punctuation removed; a merge has several truth syllables joined by a
    space, a split several OCR tokens; a lost syllable has ocr_token `<eps>`.
Load them with `load_channel` and `load_token_pairs`; `ChannelTable.load().cost(syllable,
ocr_token)` scores a candidate syllable (~ -ln P(token | syllable), best alignment, cached).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import regex
from rapidfuzz.distance import Levenshtein

from pipeline import resources
from pipeline.text.fold import strip_marks

EPS, SP, UNSEEN = "<eps>", "<sp>", "<unseen>"
FORMAT = "vn-ocr-channel/1"

_EDGE = regex.compile(r"^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$")
_LEAD = regex.compile(r"^[^\p{L}\p{N}]+")
_TRAIL = regex.compile(r"[^\p{L}\p{N}]+$")

# Token alignment costs are in characters of the mark-blind skeletons: a token pair costs its
# edit distance, a lost or inserted token its length, so long and short tokens weigh alike; a
# merge or split pays one character more so that it is chosen only when it explains the text.
TOKEN_REGROUP = 1.0
# A token without letters or digits ("—", "|", "_" from rules and specks) is inserted or lost
# cheaply, and never part of a merge or split, so that it does not glue onto a syllable.
TOKEN_JUNK = 0.5
MAX_GROUP = 3

Pair = tuple[tuple[str, ...], tuple[str, ...]]


def fold(text: str) -> str:
    """NFC lower case: the channel does not model case."""
    return unicodedata.normalize("NFC", text).lower()


def skeleton(text: str) -> str:
    """Marks stripped, lower case: how similar a truth syllable and an OCR token look."""
    return strip_marks(fold(text))


def core(token: str) -> str:
    """A token without its leading and trailing punctuation: 'Luật,' -> 'Luật'."""
    return _EDGE.sub("", token)


def token_cost(truth: str, ocr: str) -> float:
    """Mark-blind Levenshtein distance of two (possibly joined) tokens."""
    return float(Levenshtein.distance(skeleton(truth), skeleton(ocr)))


def indel_cost(token: str) -> float:
    """Cost of losing a truth token or inserting an OCR token."""
    return float(max(1, len(skeleton(token)))) if core(token) else TOKEN_JUNK


# --------------------------------------------------------------------------- syllable level


def align_syllables(truth: Sequence[str], ocr: Sequence[str]) -> list[Pair]:
    """Minimum-cost alignment of truth tokens with OCR tokens, as groups in reading order.

    Each group is (truth tokens, OCR tokens): 1:1, 1:0 (lost), 0:1 (inserted junk), k:1
    (merge, k <= 3) or 1:k (split, k <= 3). Tokens without letters or digits are never part of
    a merge or split.
    """
    n, m = len(truth), len(ocr)
    wordy = [bool(core(t)) for t in truth]
    ocr_wordy = [bool(core(o)) for o in ocr]
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            moves = []
            if i < n:
                moves.append((1, 0, indel_cost(truth[i])))
            if j < m:
                moves.append((0, 1, indel_cost(ocr[j])))
            if i < n and j < m:
                moves.append((1, 1, token_cost(truth[i], ocr[j])))
                for k in range(2, MAX_GROUP + 1):
                    if i + k <= n and all(wordy[i : i + k]):
                        joined = "".join(truth[i : i + k])
                        moves.append((k, 1, token_cost(joined, ocr[j]) + TOKEN_REGROUP))
                    if j + k <= m and all(ocr_wordy[j : j + k]):
                        joined = "".join(ocr[j : j + k])
                        moves.append((1, k, token_cost(truth[i], joined) + TOKEN_REGROUP))
            for di, dj, c in moves:
                ni, nj = i + di, j + dj
                if ni <= n and nj <= m and here + c < cost[ni][nj]:
                    cost[ni][nj] = here + c
                    back[ni][nj] = (di, dj)
    groups: list[Pair] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]  # type: ignore[misc]
        groups.append((tuple(truth[i - di : i]), tuple(ocr[j - dj : j])))
        i, j = i - di, j - dj
    groups.reverse()
    return groups


# --------------------------------------------------------------------------- character level

CostFn = Callable[[str, str], float]


def units(text: str) -> list[str]:
    """NFC characters of a folded string; a space becomes `<sp>`."""
    return [SP if ch == " " else ch for ch in fold(text)]


def heuristic_cost(t: str, o: str) -> float:
    """Starting costs before anything is learned: same letter without marks is cheap, any other
    substitution dear; a 2-character segment pays for its extra character."""
    if t == o:
        return 0.0
    if t == EPS or o == EPS:
        return 1.5
    t_plain = strip_marks(t.replace(SP, " "))
    o_plain = strip_marks(o.replace(SP, " "))
    if len(t) == 1 and len(o) == 1:
        return 0.5 if t_plain == o_plain else 2.0
    pieces_t = t if len(t) > 1 else [t]
    pieces_o = o if len(o) > 1 else [o]
    near = any(strip_marks(a) == strip_marks(b) for a in pieces_t for b in pieces_o)
    return 1.0 + (0.5 if near else 2.0) - (0.4 if t_plain == o_plain else 0.0)


def _char_dp(truth: str, ocr: str, cost: CostFn):
    """Edit-distance table over segment moves; see `align_chars`."""
    t, o = units(truth), [SP if ch == " " else ch for ch in fold(ocr)]
    n, m = len(t), len(o)
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    shapes = ((1, 0), (0, 1), (1, 1), (1, 2), (2, 1))
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == inf:
                continue
            for di, dj in shapes:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                ts = "".join(t[i:ni]) or EPS
                os_ = "".join(o[j:nj]) or EPS
                if (di > 1 and SP in ts) or (dj > 1 and SP in os_):
                    continue  # a space is its own unit: merges delete it, splits insert it
                c = here + cost(ts, os_)
                if c < best[ni][nj]:
                    best[ni][nj] = c
                    back[ni][nj] = (di, dj)
    return best, back, t, o


def align_chars(truth: str, ocr: str, cost: CostFn = heuristic_cost) -> list[tuple[str, str]]:
    """Minimum-cost segmentation of (truth, OCR) into segment pairs.

    Truth segments are 0-2 units, OCR segments 0-2 characters (both never empty together);
    `<eps>` marks the empty side, `<sp>` a space. Both strings are folded first.
    """
    _, back, t, o = _char_dp(truth, ocr, cost)
    pairs: list[tuple[str, str]] = []
    i, j = len(t), len(o)
    while i or j:
        di, dj = back[i][j]  # type: ignore[misc]
        pairs.append(("".join(t[i - di : i]) or EPS, "".join(o[j - dj : j]) or EPS))
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


def channel_cost(truth: str, ocr: str, cost: CostFn = heuristic_cost) -> float:
    """Cost of the best alignment, ~ -ln P(ocr | truth) (Viterbi approximation); with
    `table_cost(load_channel())` it scores a candidate syllable for an OCR token. Insertion
    slots are not charged their "no insertion" cost (a constant per truth length)."""
    best, _, t, o = _char_dp(truth, ocr, cost)
    return best[len(t)][len(o)]


def table_cost(table: Mapping[str, Mapping[str, float]], fallback: float = 12.0) -> CostFn:
    """A cost function over a loaded channel table, with its `<unseen>` rows for gaps; truth
    segments missing from the table cost `fallback` unless kept unchanged."""

    def cost(t: str, o: str) -> float:
        row = table.get(t)
        if row is None:
            return 0.0 if t == o else fallback
        got = row.get(o)
        return got if got is not None else row.get(UNSEEN, fallback)

    return cost


class ChannelTable:
    """A loaded `channel_MODEL.tsv` for decoding: `cost(syllable, ocr_token)` is
    `channel_cost(syllable, ocr_token, table_cost(table, fallback))`, computed by a leaner
    dynamic program (rows looked up once per position) and cached."""

    def __init__(self, table: Mapping[str, Mapping[str, float]], fallback: float = 12.0,
                 cache_size: int = 1 << 18):
        self.table = table
        self.fallback = fallback
        eps = table.get(EPS, {})
        self._insert_unseen = eps.get(UNSEEN, fallback)
        self._insert = eps
        self._cache: dict[tuple[str, str], float] = {}
        self._cache_size = cache_size
        self._contexts: dict[str, tuple] = {}

    @classmethod
    def load(cls, path: Path | str | None = None, fallback: float = 12.0) -> ChannelTable:
        return cls(load_channel(path), fallback)

    def segment_cost(self, t: str, o: str) -> float:
        row = self.table.get(t)
        if row is None:
            return 0.0 if t == o else self.fallback
        got = row.get(o)
        return got if got is not None else row.get(UNSEEN, self.fallback)

    def cost(self, truth: str, ocr: str) -> float:
        key = (truth, ocr)
        got = self._cache.get(key)
        if got is None:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            got = self._cache[key] = self._dp(truth, ocr)
        return got

    def _ocr_context(self, ocr: str) -> tuple:
        """Per OCR token: its characters, insertion costs, character pairs, and a cache of
        each truth unit's cost row against it (candidates of one token share most units)."""
        ctx = self._contexts.get(ocr)
        if ctx is None:
            o = [SP if ch == " " else ch for ch in fold(ocr)]
            ins = [self._insert.get(ch, self._insert_unseen) for ch in o]
            pairs = [o[j] + o[j + 1] if SP not in (o[j], o[j + 1]) else None
                     for j in range(len(o) - 1)]
            if len(self._contexts) >= 4096:
                self._contexts.clear()
            ctx = self._contexts[ocr] = (o, ins, pairs, {})
        return ctx

    def _unit_row(self, unit: str, ctx: tuple) -> tuple:
        """(deletion cost, [cost of unit -> o[j]], [cost of unit -> o[j]o[j+1]])."""
        o, _, pairs, rows = ctx
        row = rows.get(unit)
        if row is None:
            seg = self.segment_cost
            row = rows[unit] = (
                seg(unit, EPS),
                [seg(unit, ch) for ch in o],
                [seg(unit, pair) if pair is not None else math.inf for pair in pairs],
            )
        return row

    def _dp(self, truth: str, ocr: str) -> float:
        """The moves of `align_chars`: (1,0) (0,1) (1,1) (1,2) (2,1), no space in a pair."""
        ctx = self._ocr_context(ocr)
        o, ins, _, _ = ctx
        t = units(truth)
        m = len(o)
        seg = self.segment_cost
        prev2: list[float] = []
        prev = [0.0] * (m + 1)
        for j in range(1, m + 1):
            prev[j] = prev[j - 1] + ins[j - 1]
        for i, ti in enumerate(t):
            drop, subs, subs2 = self._unit_row(ti, ctx)
            pair = t[i - 1] + ti if i >= 1 and SP not in (t[i - 1], ti) else None
            cur = [prev[0] + drop]
            for j in range(1, m + 1):
                best = prev[j - 1] + subs[j - 1]
                c = prev[j] + drop
                if c < best:
                    best = c
                c = cur[j - 1] + ins[j - 1]
                if c < best:
                    best = c
                if j >= 2:
                    c = prev[j - 2] + subs2[j - 2]
                    if c < best:
                        best = c
                if pair is not None:
                    c = prev2[j - 1] + seg(pair, o[j - 1])
                    if c < best:
                        best = c
                cur.append(best)
            prev2, prev = prev, cur
        return prev[m]


# --------------------------------------------------------------------------- token pairs


def token_pair(truth: Sequence[str], ocr: Sequence[str]) -> tuple[str, str] | None:
    """The (truth syllables, OCR token) row of an aligned group for the tokens table: folded;
    the truth loses its edge punctuation, the OCR side loses it only where the truth had some
    ("Luật," / "Luat," -> "luật" / "luat", but "xã" / "x&" keeps "x&", an OCR reading of "ã").
    None when the truth side holds no word."""
    t = " ".join(c for c in (core(fold(x)) for x in truth) if c)
    if not t:
        return None
    if not ocr:
        return t, EPS
    first, last = fold(truth[0]), fold(truth[-1])
    lead = bool(_LEAD.match(first))
    trail = bool(_TRAIL.search(last))
    o = " ".join(fold(x) for x in ocr)
    if lead:
        o = _LEAD.sub("", o)
    if trail:
        o = _TRAIL.sub("", o)
    return t, o or EPS


# --------------------------------------------------------------------------- loading


def _rows(path: Path):
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[:2] == ["truth_segment", "ocr_segment"] or fields[0] == "truth_syllable":
                continue
            yield fields


def load_channel(path: Path | str | None = None) -> dict[str, dict[str, float]]:
    """{truth_segment: {ocr_segment: cost}} from a `channel_MODEL.tsv` (default: eng).

    Segments keep the file's spelling (`<eps>`, `<sp>`); every truth row has an `<unseen>`
    entry with the cost of an OCR segment it does not list.
    """
    path = Path(path) if path is not None else resources.path(resources.channel("eng"))
    table: dict[str, dict[str, float]] = {}
    for fields in _rows(path):
        truth, ocr, _count, cost = fields[:4]
        table.setdefault(truth, {})[ocr] = float(cost)
    return table


def load_token_pairs(path: Path | str | None = None) -> dict[str, dict[str, int]]:
    """{ocr_token: {truth_syllables: count}} from a `channel_MODEL_tokens.tsv` (default: eng)."""
    path = Path(path) if path is not None else resources.path(resources.channel_tokens("eng"))
    pairs: dict[str, dict[str, int]] = {}
    for fields in _rows(path):
        truth, ocr, count = fields[:3]
        pairs.setdefault(ocr, {})[truth] = int(count)
    return pairs


# --------------------------------------------------------------------------- fast scoring


class VectorChannel:
    """`ChannelTable.cost` for many candidate syllables of one OCR token at once.

    The truth side (the syllable inventory) is encoded once as unit ids; per OCR token the
    cost rows of the units it needs are looked up once, and the dynamic program runs as numpy
    operations over candidates x OCR positions, one truth position at a time (insertions,
    the only move within a row, are a running minimum). Same moves and costs as
    `ChannelTable._dp`, about 50x faster for a token's ~100 candidates.
    """

    def __init__(self, table: Mapping[str, Mapping[str, float]], syllables: Sequence[str],
                 fallback: float = 12.0):
        import numpy as np

        self.channel = ChannelTable(table, fallback)
        self.fallback = fallback
        self.index = {s: k for k, s in enumerate(syllables)}
        encoded = [units(s) for s in syllables]
        width = max((len(u) for u in encoded), default=1)
        vocab = sorted({u for us in encoded for u in us})
        self.units = vocab
        unit_id = {u: k for k, u in enumerate(vocab)}
        pad = len(vocab)  # a padding unit: deleted for free, never substituted
        pairs = sorted({us[i - 1] + us[i] for us in encoded for i in range(1, len(us))
                        if us[i - 1] + us[i] in table})
        self.pairs = pairs
        pair_id = {p: k for k, p in enumerate(pairs)}
        unknown_pair, no_pair = len(pairs), len(pairs) + 1  # fallback cost; no such move
        self.lengths = np.array([len(u) for u in encoded] or [0], dtype=np.int64)
        self.ids = np.full((len(syllables), width), pad, dtype=np.int64)
        self.pair_ids = np.full((len(syllables), width), no_pair, dtype=np.int64)
        for k, us in enumerate(encoded):
            self.ids[k, : len(us)] = [unit_id[u] for u in us]
            for i in range(1, len(us)):
                self.pair_ids[k, i] = pair_id.get(us[i - 1] + us[i], unknown_pair)
        seg = self.channel.segment_cost
        self.drop = np.array([seg(u, EPS) for u in vocab] + [0.0])
        self._columns: dict[str, np.ndarray] = {}
        self._pair_columns: dict[str, np.ndarray] = {}

    def _column(self, ocr_segment: str):
        """Cost of every unit (and the padding unit, inf) read as one OCR segment; cached,
        since OCR tokens share their characters."""
        col = self._columns.get(ocr_segment)
        if col is None:
            import numpy as np

            seg = self.channel.segment_cost
            col = np.array([seg(u, ocr_segment) for u in self.units] + [math.inf])
            if len(self._columns) >= 65536:
                self._columns.clear()
            self._columns[ocr_segment] = col
        return col

    def _pair_column(self, ocr_segment: str):
        """Cost of every table pair, unknown pair (fallback) and no pair (inf) read as one
        OCR segment; cached."""
        col = self._pair_columns.get(ocr_segment)
        if col is None:
            import numpy as np

            seg = self.channel.segment_cost
            col = np.array([seg(p, ocr_segment) for p in self.pairs] + [self.fallback, math.inf])
            if len(self._pair_columns) >= 4096:
                self._pair_columns.clear()
            self._pair_columns[ocr_segment] = col
        return col

    def costs(self, candidates: Sequence[str], ocr: str):
        """Channel costs (numpy array) of inventory syllables `candidates` for one token."""
        import numpy as np

        rows = np.array([self.index[s] for s in candidates], dtype=np.int64)
        width = int(self.lengths[rows].max())  # trailing padding would only be deleted free
        ids, pair_ids = self.ids[rows, :width], self.pair_ids[rows, :width]
        o = [SP if ch == " " else ch for ch in fold(ocr)]
        m = len(o)
        ins = self.channel._ocr_context(ocr)[1]
        if m == 0:
            return self.drop[ids].sum(axis=1)
        sub = np.stack([self._column(ch) for ch in o], axis=1)
        sub2 = (np.stack([self._column(o[j] + o[j + 1]) for j in range(m - 1)], axis=1)
                if m >= 2 else None)
        pair_cost = np.stack([self._pair_column(ch) for ch in o], axis=1)
        start = np.concatenate([[0.0], np.cumsum(ins)])
        prev = np.broadcast_to(start, (len(rows), m + 1))
        prev2 = None
        for i in range(ids.shape[1]):
            u = ids[:, i]
            drop = self.drop[u][:, None]
            base = np.empty_like(prev)
            base[:, :1] = prev[:, :1] + drop
            base[:, 1:] = np.minimum(prev[:, :-1] + sub[u], prev[:, 1:] + drop)
            if sub2 is not None:
                base[:, 2:] = np.minimum(base[:, 2:], prev[:, :-2] + sub2[u])
            if prev2 is not None:
                base[:, 1:] = np.minimum(base[:, 1:], prev2[:, :-1] + pair_cost[pair_ids[:, i]])
            prev2, prev = prev, start + np.minimum.accumulate(base - start, axis=1)
        return prev[:, m].copy()

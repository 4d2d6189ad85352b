"""Syllable n-gram language model for restoring Vietnamese text (noisy-channel decoding).

Tokenisation (shared with the decoder: use `tokenize`, `split_clauses`, `normalize_token`):
- text is NFC-normalised, lower-cased and put in official tone placement (hòa, thủy);
- a whitespace chunk is scanned for three kinds of token:
  * codes and numbers: a run of letters/digits holding at least one digit, with internal
    `. / , : -` joins ("2739/vpcp-đmdn", "20/6/2026", "1.000.000", "57-nq/tw") -> `<num>`;
  * words: runs of letters -> the syllable itself ("qđ", "ubnd" stay words);
  * clause stops `. ; : ! ? …` -> end of clause; every line end is one too.
  * the comma -> `,`: lists run on after it ("Chính phủ, Tỉnh ủy, ..."), and English OCR
    keeps commas well;
- everything else (hyphen, slash, brackets, quotes, bullets) is dropped: OCR garbles such
  marks so often that the decoder cannot rely on them, and dropping them keeps the syllable
  contexts of "Độc lập - Tự do" usable.
- each clause is scored as `<s> w1 ... wn </s>`; the model is trained with order-1 `<s>` pads,
  so a decoder starts every clause from the context (`bos`, `bos`).
- vocabulary: every token seen at least `min_count` times in the training split (foreign
  words and abbreviations included when frequent); rarer tokens become `<unk>`, whose
  probability is that of the whole class of rare tokens.

Model: interpolated modified Kneser-Ney (Chen & Goodman 1998; KenLM conventions: n-grams that
start with `<s>` keep raw counts, unigrams interpolate with a uniform distribution), optional
count pruning (default: none up to trigrams), then converted to backoff form so that pruned
mass is renormalised exactly: p(w|h) = stored p*(w|h), else alpha(h) * p(w|h[1:]).
`<unk>` and `<num>` are classes: a decoder should charge an unknown syllable its share of
the `<unk>` mass rather than the whole of it.

Storage: per order n >= 2 a sorted uint64 array of packed keys (16 bits per id, oldest word
in the high bits) with float16 natural-log probabilities and backoff weights (keys delta-coded
on disk). Scoring is vectorised: `np.searchsorted` in general, and for trigram models a
bitmap/Bloom-filter path (`_FastTrigram`) that does ~14 M lookups/s for a 24 x 80 batch.
Training and perplexity are in `lm_training`.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

from pipeline import resources
from pipeline.text.syllables import to_official_tone

UNK_TOKEN, BOS_TOKEN, EOS_TOKEN, NUM_TOKEN = "<unk>", "<s>", "</s>", "<num>"
COMMA_TOKEN = ","
SPECIALS = (UNK_TOKEN, BOS_TOKEN, EOS_TOKEN, NUM_TOKEN)
UNK, BOS, EOS, NUM = range(4)
BITS = 16  # bits per id in a packed key: vocabulary <= 65,536
MAX_VOCAB = 1 << BITS
NEVER = -99.0  # log-prob of events the model never predicts (<s> as a word)
DEFAULT_PATH = resources.location(resources.LANGUAGE_MODEL)  # where tools/train_lm.py writes
FORMAT = "vn-syllable-lm/1"

_ALNUM = r"[\p{L}\p{M}\p{N}]"
_TOKEN = regex.compile(
    rf"(?P<num>{_ALNUM}*\p{{N}}{_ALNUM}*(?:[./,:\-]{_ALNUM}+)*)"
    r"|(?P<word>\p{L}[\p{L}\p{M}]*)"  # stray leading marks are dropped
    r"|(?P<stop>[.;:!?…]+)"
    r"|(?P<comma>,)"
)
_STOP = EOS_TOKEN  # marker inside a chunk's token tuple for a clause stop


# --------------------------------------------------------------------------- tokenisation


def normalize_text(text: str) -> str:
    """NFC, lower case; tone placement is fixed per word in `normalize_token`."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())


@lru_cache(maxsize=1 << 18)
def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """Tokens of one lower-cased whitespace-free chunk, with `</s>` for clause stops."""
    out = []
    for m in _TOKEN.finditer(chunk):
        if m.lastgroup == "num":
            out.append(NUM_TOKEN)
        elif m.lastgroup == "word":
            out.append(to_official_tone(m.group()))
        elif m.lastgroup == "comma":
            out.append(COMMA_TOKEN)
        else:
            out.append(_STOP)
    return tuple(out)


def normalize_token(syllable: str) -> str:
    """One syllable as the LM sees it: 'Hoà' -> 'hòa', 'S6' -> '<num>', 'x&' -> 'x'.

    A string holding several tokens (a code with words, say) maps to its first token;
    a string with no token maps to '<unk>'.
    """
    if syllable in SPECIALS:
        return syllable
    toks = [t for t in _chunk_tokens(normalize_text(syllable).strip()) if t != _STOP]
    return toks[0] if toks else UNK_TOKEN


def split_clauses(text: str) -> list[list[str]]:
    """Clauses of LM tokens (without <s>/</s>); empty clauses dropped."""
    clauses: list[list[str]] = []
    for line in normalize_text(text).splitlines():
        cur: list[str] = []
        for chunk in line.split():
            for tok in _chunk_tokens(chunk):
                if tok == _STOP:
                    if cur:
                        clauses.append(cur)
                    cur = []
                else:
                    cur.append(tok)
        if cur:
            clauses.append(cur)
    return clauses


def tokenize(text: str) -> list[str]:
    """Flat LM token sequence: '<s>' w1 .. wn '</s>' for every clause of `text`."""
    out: list[str] = []
    for clause in split_clauses(text):
        out.append(BOS_TOKEN)
        out.extend(clause)
        out.append(EOS_TOKEN)
    return out


# --------------------------------------------------------------------------- corpus split


def _line_hash(line: str) -> int:
    digest = hashlib.blake2b(
        line.rstrip("\n").encode("utf-8"), digest_size=8, person=b"vn-lm-split"
    ).digest()
    return int.from_bytes(digest, "little")


def corpus_split(line: str) -> str:
    """'dev' (1%), 'test' (1%) or 'train' (98%), fixed by a keyed hash of the line."""
    bucket = _line_hash(line) % 100
    return "dev" if bucket == 0 else "test" if bucket == 1 else "train"


def in_sample(line: str, fraction: float) -> bool:
    """Deterministic subsample, independent of the split (uses other hash bits)."""
    return fraction >= 1.0 or (_line_hash(line) // 100) % 1_000_000 < fraction * 1_000_000


def iter_corpus(shared: Path, split: str = "train", sample: float = 1.0) -> Iterator[str]:
    """Lines of the chosen split from every corpus/*.xz file, in sorted file order."""
    import lzma

    for path in sorted((Path(shared) / "corpus").glob("*.xz")):
        with lzma.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if corpus_split(line) == split and in_sample(line, sample):
                    yield line


# --------------------------------------------------------------------------- packed keys


def _pack(cols: Sequence[np.ndarray]) -> np.ndarray:
    """Pack id columns (oldest first) into uint64 keys; broadcasts."""
    key = np.asarray(cols[0]).astype(np.uint64)
    for col in cols[1:]:
        key = (key << np.uint64(BITS)) | np.asarray(col).astype(np.uint64)
    return key


def _find(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index, hit) of each query in sorted `keys`; index is clipped when not found."""
    if len(keys) == 0:
        zero = np.zeros(np.shape(query), dtype=np.intp)
        return zero, zero.astype(bool)
    idx = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return idx, keys[idx] == query


class _Tables:
    """The numeric model: unigram arrays plus one sorted key table per order >= 2."""

    def __init__(self, order: int, uni_lp: np.ndarray, uni_bo: np.ndarray):
        self.order = order
        self.uni_lp = uni_lp
        self.uni_bo = uni_bo
        self.keys: dict[int, np.ndarray] = {}
        self.lp: dict[int, np.ndarray] = {}
        self.bo: dict[int, np.ndarray] = {}

    def backoff(self, ctx: Sequence[np.ndarray]) -> np.ndarray:
        """log alpha(ctx); 0 for contexts without stored extensions."""
        if len(ctx) == 1:
            return self.uni_bo[np.asarray(ctx[0])]
        n = len(ctx)
        idx, hit = _find(self.keys[n], _pack(ctx))
        return np.where(hit, self.bo[n][idx], 0.0)

    def score(self, ctx: Sequence[np.ndarray], word: np.ndarray) -> np.ndarray:
        """log p(word | ctx), ctx oldest first and at most order-1 long; broadcasts."""
        if len(ctx) == 0:
            return self.uni_lp[np.asarray(word)]
        n = len(ctx) + 1
        idx, hit = _find(self.keys[n], _pack([*ctx, word]))
        lower = self.score(ctx[1:], word)
        return np.where(hit, self.lp[n][idx], self.backoff(ctx) + lower)


_MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing
_BIT = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))  # 1 << k
_BELOW = _BIT - np.uint64(1)  # bits under k
_BYTE_POP = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per uint64: np.bitwise_count on numpy >= 2, a byte table before."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    x = np.ascontiguousarray(x, dtype=np.uint64)
    return _BYTE_POP[x.view(np.uint8)].reshape(*x.shape, 8).sum(-1, dtype=np.int64)


class _FastTrigram:
    """Trigram scoring without binary searches on the big tables (run-time only).

    A binary search over millions of keys is ~20 dependent cache misses per query, and the
    decoder asks ~2,000 queries per word. So:
    - bigrams (x, y) are bits x*V+y of a V*V bitmap with a rank index: membership and the
      row in the sorted bigram table cost a few O(1) gathers (needs V <= 16,384: <= 32 MB);
    - trigrams pass a one-hash Bloom filter (a byte per slot, 32 MB, ~5% false positives)
      first; only the survivors (true hits are a few % of decoder queries) are searched.
    """

    BLOOM_BITS = 25

    def __init__(self, t: _Tables, vsize: int):
        self.t, self.v = t, vsize
        big = _unpack(t.keys[2], 2)
        pos = big[0] * vsize + big[1]  # sorted, as the keys are
        self.bits = np.zeros((vsize * vsize >> 6) + 1, dtype=np.uint64)
        word_i = pos >> 6
        starts = np.flatnonzero(np.r_[True, word_i[1:] != word_i[:-1]])
        self.bits[word_i[starts]] = np.bitwise_or.reduceat(_BIT[pos & 63], starts)
        counts = _popcount(self.bits).astype(np.int64)
        self.rank = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32)
        self.shift = np.uint64(64 - self.BLOOM_BITS)
        self.bloom = np.zeros(1 << self.BLOOM_BITS, dtype=bool)
        self.bloom[(t.keys[3] * _MULT) >> self.shift] = True
        # one spare entry so that the rank of a miss past the last bigram is a valid index
        self.lp2 = np.r_[t.lp[2], 0.0].astype(np.float32)
        self.bo2 = np.r_[t.bo[2], 0.0].astype(np.float32)

    def _bigram(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row in the bigram table, hit) of (x, y); the row is meaningless on a miss."""
        pos = x * self.v + y
        word_i, off = pos >> 6, pos & 63
        word = self.bits[word_i]
        hit = (word & _BIT[off]) != 0
        row = self.rank[word_i] + _popcount(word & _BELOW[off])
        return row, hit

    def score(self, c1: np.ndarray, c2: np.ndarray, w: np.ndarray) -> np.ndarray:
        t = self.t
        c1, c2, w = (np.asarray(a, dtype=np.int64) for a in (c1, c2, w))
        # p(w | c2) in backoff form
        row, hit = self._bigram(c2, w)
        lp = np.where(hit, self.lp2[row], t.uni_bo[c2] + t.uni_lp[w])
        # + log alpha(c1, c2), on the context shape: the beam, usually small, where one
        # binary search costs fewer numpy calls than the bitmap
        ctx = c1 << BITS | c2
        if ctx.size <= 256:
            crow, chit = _find(t.keys[2], ctx.astype(np.uint64))
            lp = lp + np.where(chit, t.bo[2][crow], np.float32(0.0))
        else:
            crow, chit = self._bigram(c1, c2)
            lp = lp + np.where(chit, self.bo2[crow], np.float32(0.0))
        lp = np.asarray(lp)  # a 0-d sum is a numpy scalar, which has no writable view
        # stored trigrams replace the backed-off value; key has the full broadcast shape
        # (as an array: numpy warns when a scalar multiply wraps, as hashing means to)
        key = np.atleast_1d((ctx << BITS | w).astype(np.uint64))
        cand = np.flatnonzero(self.bloom[(key * _MULT) >> self.shift])
        if len(cand):
            idx, found = _find(t.keys[3], key.ravel()[cand])
            lp.reshape(-1)[cand[found]] = t.lp[3][idx[found]]  # lp: fresh, C-contiguous
        return lp


# --------------------------------------------------------------------------- the model


class SyllableLM:
    """Trained syllable n-gram model; see the module docstring for conventions."""

    unk = UNK
    bos = BOS
    eos = EOS
    num = NUM

    def __init__(self, vocab: list[str], counts: np.ndarray, tables: _Tables, meta: dict):
        self.vocab = vocab
        self._index = {w: i for i, w in enumerate(vocab)}
        self._other: dict[str, int] = {}
        self._counts = counts
        self._t = tables
        self.order = tables.order
        self.meta = meta
        # the fast path needs a trigram model (bigrams carry backoffs) and a small vocabulary
        small = len(vocab) <= 16_384 and len(tables.keys.get(3, ())) > 0
        self._fast = _FastTrigram(tables, len(vocab)) if self.order == 3 and small else None

    # vocabulary ----------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def __len__(self) -> int:
        return len(self.vocab)

    def id(self, syllable: str) -> int:
        """Id of a syllable (normalised if needed); `unk` when not in the vocabulary."""
        i = self._index.get(syllable)
        if i is None:
            i = self._other.get(syllable)
            if i is None:
                i = self._other_id(syllable)
        return i

    def _other_id(self, syllable: str) -> int:
        """Id of a string that is not a vocabulary entry as it stands; memoised, since the
        candidate generator asks for the same unknown spellings over and over."""
        if len(self._other) > 500_000:
            self._other.clear()
        i = self._other[syllable] = self._index.get(normalize_token(syllable), UNK)
        return i

    def ids(self, syllables: Sequence[str]) -> np.ndarray:
        return np.fromiter((self.id(s) for s in syllables), dtype=np.int64, count=len(syllables))

    def count(self, syllable: str) -> int:
        """Training frequency of the syllable; 0 if unknown or not a syllable ('s6' is a
        number to the tokeniser), unless the special token itself is asked ('<num>')."""
        i = self._index.get(syllable)
        if i is None:
            i = self.id(syllable)
            if i < len(SPECIALS):
                return 0
        return 0 if i == UNK else int(self._counts[i])

    def syllables(self) -> Iterator[str]:
        """Vocabulary entries, most frequent first, without the special tokens."""
        return iter(self.vocab[len(SPECIALS) :])

    # scoring ---------------------------------------------------------------------------
    def logprob(self, context: tuple[int, ...], word: int) -> float:
        """Natural log P(word | context); only the last order-1 ids of context matter."""
        ctx = tuple(context)[-(self.order - 1) :] if self.order > 1 else ()
        cols = [np.asarray(c, dtype=np.int64) for c in ctx]
        return float(self._t.score(cols, np.asarray(word, dtype=np.int64)))

    def logprob_batch(self, ctx1: np.ndarray, ctx2: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Trigram log-probs, arrays broadcast together; ctx1 = w_{i-2}, ctx2 = w_{i-1}.

        For a 4-gram model this uses its trigram and lower tables (a proper backoff model).
        """
        ctx1, ctx2, words = np.asarray(ctx1), np.asarray(ctx2), np.asarray(words)
        if self.order == 1:
            return self._t.score([], np.broadcast_arrays(ctx1, ctx2, words)[2]).astype(np.float32)
        if self.order == 2:
            out = self._t.score([ctx2], words)
            return np.broadcast_to(out, np.broadcast_shapes(ctx1.shape, out.shape)).astype(
                np.float32
            )
        if self._fast is None:
            return self._t.score([ctx1, ctx2], words).astype(np.float32)
        return self._fast.score(ctx1, ctx2, words).astype(np.float32)

    def logprob_ngrams(self, contexts: Sequence[np.ndarray], words: np.ndarray) -> np.ndarray:
        """Any-order scoring: contexts oldest first (at most order-1 arrays), broadcasting."""
        ctx = [np.asarray(c) for c in contexts][-(self.order - 1) :] if self.order > 1 else []
        return self._t.score(ctx, np.asarray(words)).astype(np.float32)

    def unigram_logprob(self, ids: np.ndarray) -> np.ndarray:
        return self._t.uni_lp[np.asarray(ids)].astype(np.float32)

    def score_text(self, text: str) -> float:
        """Total natural log-prob of `text` (all clauses, </s> included)."""
        total = 0.0
        for clause in split_clauses(text):
            seq = [BOS] * (self.order - 1) + [self.id(t) for t in clause] + [EOS]
            arr = np.asarray(seq, dtype=np.int64)
            k = self.order - 1
            ctx = [arr[j : len(arr) - k + j] for j in range(k)]
            total += float(self._t.score(ctx, arr[k:]).sum())
        return total

    # persistence -----------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """npz: vocab as UTF-8 bytes, keys delta-encoded (they compress ~3x better)."""
        t = self._t
        arrays = {
            "meta": np.frombuffer(json.dumps(self.meta).encode(), dtype=np.uint8),
            "vocab": np.frombuffer("\n".join(self.vocab).encode("utf-8"), dtype=np.uint8),
            "counts": self._counts.astype(np.uint32),
            "uni_lp": t.uni_lp.astype(np.float32),
            "uni_bo": t.uni_bo.astype(np.float32),
        }
        for n in range(2, t.order + 1):
            arrays[f"dkeys{n}"] = np.diff(t.keys[n], prepend=np.uint64(0))
            arrays[f"lp{n}"] = t.lp[n].astype(np.float16)
            if n < t.order:
                arrays[f"bo{n}"] = t.bo[n].astype(np.float16)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_npz_bytes(arrays))

    @classmethod
    def load(cls, path: Path | None = None) -> SyllableLM:
        path = Path(path) if path is not None else resources.path(resources.LANGUAGE_MODEL)
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: not a {FORMAT} model")
            order = int(meta["order"])
            vocab = z["vocab"].tobytes().decode("utf-8").split("\n")
            tables = _Tables(order, z["uni_lp"], z["uni_bo"])
            for n in range(2, order + 1):
                tables.keys[n] = np.cumsum(z[f"dkeys{n}"], dtype=np.uint64)
                # float32 at run time: float16 arithmetic in numpy is several times slower
                tables.lp[n] = z[f"lp{n}"].astype(np.float32)
                if n < order:
                    tables.bo[n] = z[f"bo{n}"].astype(np.float32)
            counts = z["counts"]
        return cls(vocab, counts, tables, meta)


def _unpack(keys: np.ndarray, n: int) -> list[np.ndarray]:
    mask = np.uint64(MAX_VOCAB - 1)
    return [((keys >> np.uint64(BITS * (n - 1 - j))) & mask).astype(np.int64) for j in range(n)]


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """np.savez_compressed, but with fixed zip timestamps so the artifact is reproducible."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.ascontiguousarray(arr), allow_pickle=False)
    return buf.getvalue()

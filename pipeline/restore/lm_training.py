"""Training and evaluating the syllable LM (`lm.SyllableLM`): interpolated modified Kneser-Ney
from raw corpus lines, pruned and put in backoff form; perplexity on held-out lines.

    train(lines, order=3) -> SyllableLM       (tools/train_lm.py, make model)
    perplexity(lm, lines) -> {"tokens", "oov_rate", "perplexity"}
"""

from __future__ import annotations

import sys
import time
from array import array
from collections.abc import Iterable, Sequence

import numpy as np

from pipeline.restore.lm import (
    BITS,
    BOS,
    EOS,
    FORMAT,
    MAX_VOCAB,
    NEVER,
    SPECIALS,
    UNK,
    SyllableLM,
    _chunk_tokens,
    _find,
    _Tables,
    _unpack,
    normalize_text,
    split_clauses,
)

# --------------------------------------------------------------------------- training


def _log(msg: str, t0: float) -> None:
    print(f"[lm {time.perf_counter() - t0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def _encode(lines: Iterable[str], pad: int, log) -> tuple[array, list[str], list[int]]:
    """Token stream of provisional ids (pad x <s> + clause + </s>), provisional vocab, counts."""
    index = {tok: i for i, tok in enumerate(SPECIALS)}
    vocab = list(SPECIALS)
    counts = [0] * len(SPECIALS)
    chunk_ids: dict[str, tuple[int, ...]] = {}
    stream = array("i")
    pads = [BOS] * pad
    for n_lines, line in enumerate(lines, 1):
        ids: list[int] = []
        for chunk in normalize_text(line).split():
            cid = chunk_ids.get(chunk)
            if cid is None:
                cid = tuple(_token_id(tok, index, vocab, counts) for tok in _chunk_tokens(chunk))
                if len(chunk_ids) < 2_000_000:  # bound memory on huge corpora
                    chunk_ids[chunk] = cid
            ids.extend(cid)
        ids.append(EOS)  # the line end closes the last clause
        _emit_clauses(ids, pads, stream, counts)
        if n_lines % 100_000 == 0:
            log(f"{n_lines:,} lines, {len(stream):,} stream tokens")
    return stream, vocab, counts


def _token_id(tok: str, index: dict[str, int], vocab: list[str], counts: list[int]) -> int:
    i = index.get(tok)
    if i is None:
        i = index[tok] = len(vocab)
        vocab.append(tok)
        counts.append(0)
    return i


def _emit_clauses(ids: list[int], pads: list[int], stream: array, counts: list[int]) -> None:
    start = 0
    for j, i in enumerate(ids):
        if i == EOS:
            if j > start:
                stream.extend(pads)
                stream.extend(ids[start:j])
                stream.append(EOS)
                for k in ids[start:j]:
                    counts[k] += 1
                counts[EOS] += 1
            start = j + 1


def _final_vocab(
    vocab: list[str], counts: list[int], min_count: int, max_vocab: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Keep frequent tokens, most frequent first; return vocab, counts, provisional->final."""
    cnt = np.asarray(counts, dtype=np.int64)
    words = [i for i in range(len(SPECIALS), len(vocab)) if cnt[i] >= min_count]
    words.sort(key=lambda i: (-cnt[i], vocab[i]))
    words = words[: max_vocab - len(SPECIALS)]
    remap = np.full(len(vocab), UNK, dtype=np.int64)
    remap[: len(SPECIALS)] = np.arange(len(SPECIALS))
    remap[words] = np.arange(len(SPECIALS), len(SPECIALS) + len(words))
    final_counts = np.zeros(len(SPECIALS) + len(words), dtype=np.int64)
    np.add.at(final_counts, remap, cnt)  # unk collects the dropped tokens' counts
    final_counts[BOS] = 0
    return [*SPECIALS, *(vocab[i] for i in words)], final_counts, remap


def _discounts(adjusted: np.ndarray) -> np.ndarray:
    """Modified KN discounts D(0)=0, D1, D2, D3+ from counts-of-counts (Chen & Goodman)."""
    n = [int(np.count_nonzero(adjusted == k)) for k in (1, 2, 3, 4)]
    if min(n) == 0:  # tiny corpora: fall back to a plain absolute discount
        return np.array([0.0, 0.5, 0.5, 0.5])
    y = n[0] / (n[0] + 2 * n[1])
    d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
    return np.array([0.0, *(min(max(x, 0.05), k + 1.0) for k, x in enumerate(d))])


def _ngram_counts(stream: np.ndarray, order: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """{n: (sorted unique keys, raw counts)} for the n-grams ending at every non-<s> token."""
    targets = np.flatnonzero(stream != BOS)
    key = np.zeros(len(targets), dtype=np.uint64)
    for j in range(order):
        key = (key << np.uint64(BITS)) | stream[targets - (order - 1) + j].astype(np.uint64)
    del targets
    keys, raw = np.unique(key, return_counts=True)
    del key
    out = {order: (keys, raw.astype(np.int64))}
    for n in range(order - 1, 0, -1):
        hi_keys, hi_raw = out[n + 1][:2]
        suffix = hi_keys & np.uint64((1 << (BITS * n)) - 1)
        keys, inv = np.unique(suffix, return_inverse=True)
        out[n] = (keys, np.bincount(inv, weights=hi_raw).astype(np.int64))
        # continuation count = number of distinct left extensions, kept for KN below
        out[n] = (*out[n], np.bincount(inv).astype(np.int64))
    return out


def _adjusted(n: int, order: int, entry: tuple) -> np.ndarray:
    """KN counts: raw for the top order and for n-grams starting with <s>, else N1+(. g)."""
    keys, raw = entry[0], entry[1]
    if n == order:
        return raw
    first = keys >> np.uint64(BITS * (n - 1))
    return np.where(first == BOS, raw, entry[2])


def _context_stats(keys: np.ndarray, adj: np.ndarray, disc: np.ndarray):
    """Per context (keys >> BITS): group index of each n-gram, sum of counts, gamma."""
    ctx = keys >> np.uint64(BITS)
    starts = np.flatnonzero(np.r_[True, ctx[1:] != ctx[:-1]])
    group = np.cumsum(np.r_[False, ctx[1:] != ctx[:-1]])
    denom = np.add.reduceat(adj, starts).astype(np.float64)
    mass = np.add.reduceat(disc[np.minimum(adj, 3)], starts)
    return ctx[starts], group, denom, mass / denom


def train(
    lines: Iterable[str],
    order: int = 3,
    min_count: int = 2,
    prune: Sequence[int] | None = None,
    max_vocab: int = MAX_VOCAB,
    verbose: bool = False,
) -> SyllableLM:
    """Train from raw text lines (one paragraph per line).

    prune[n-1] = the least raw count an n-gram needs to be stored (default: keep every
    n-gram up to trigrams, which fit in ~8 MB; drop singleton 4-grams and 5-grams).
    Thresholds must not decrease with n, so that every stored n-gram's context is stored.
    """
    t0 = time.perf_counter()
    log = (lambda m: _log(m, t0)) if verbose else (lambda m: None)
    prune = list(prune) if prune is not None else [1] * min(order, 3) + [2] * (order - 3)
    if len(prune) != order or any(a > b for a, b in zip(prune, prune[1:], strict=False)):
        raise ValueError(f"prune needs {order} non-decreasing counts, got {prune}")
    if not 1 <= order <= 4:
        raise ValueError("order must be 1..4 (16-bit ids packed in 64-bit keys)")
    pstream, pvocab, pcounts = _encode(lines, order - 1, log)
    vocab, counts, remap = _final_vocab(pvocab, pcounts, min_count, max_vocab)
    stream = remap[np.frombuffer(pstream, dtype=np.int32)]
    del pstream
    log(f"stream {len(stream):,} tokens, vocab {len(vocab):,} (of {len(pvocab):,} types)")
    grams = _ngram_counts(stream, order)
    del stream
    log("counted " + ", ".join(f"{n}-grams {len(grams[n][0]):,}" for n in sorted(grams)))
    tables, stats = _kneser_ney(grams, order, len(vocab), prune, log)
    meta = {
        "format": FORMAT,
        "order": order,
        "min_count": min_count,
        "prune": prune,
        "tokens": int(counts.sum()),
        "discounts": stats,
        "stored": {str(n): int(len(tables.keys[n])) for n in tables.keys},
    }
    log(f"done: {meta['stored']}")
    return SyllableLM(vocab, counts, tables, meta)


def _kneser_ney(grams: dict, order: int, vsize: int, prune: Sequence[int], log) -> tuple:
    """Interpolated modified KN, pruned, in backoff form; built bottom-up."""
    adj = {n: _adjusted(n, order, grams[n]) for n in grams}
    disc = {n: _discounts(adj[n]) for n in grams}
    tables = _Tables(order, *_unigrams(grams[1][0], adj[1], disc[1], vsize))
    for n in range(2, order + 1):
        _add_order(tables, n, grams[n][0], grams[n][1], adj[n], disc[n], prune[n - 1])
        log(f"order {n}: stored {len(tables.keys[n]):,} of {len(grams[n][0]):,}")
    return tables, {str(n): [round(float(d), 4) for d in disc[n][1:]] for n in disc}


def _unigrams(keys, adj, disc, vsize) -> tuple[np.ndarray, np.ndarray]:
    """p(w) = (a(w) - D) / sum a + gamma / |V| over the vocabulary without <s>."""
    a = np.zeros(vsize, dtype=np.int64)
    a[keys.astype(np.int64)] = adj
    total = float(a.sum())
    gamma = float(disc[np.minimum(a, 3)][a > 0].sum()) / total
    p = (a - disc[np.minimum(a, 3)]) / total + gamma / (vsize - 1)
    lp = np.log(np.maximum(p, 1e-300))
    lp[BOS] = NEVER
    return lp, np.zeros(vsize)


def _add_order(tables: _Tables, n, keys, raw, adj, disc, min_raw) -> None:
    """Store order-n n-grams with raw count >= min_raw and set backoffs of order n-1."""
    ctx_keys, group, denom, gamma = _context_stats(keys, adj, disc)
    keep = raw >= min_raw
    keys, adj, group = keys[keep], adj[keep], group[keep]
    cols = _unpack(keys, n)
    lower = tables.score(cols[1:-1], cols[-1])  # final (pruned) lower-order model
    p = (adj - disc[np.minimum(adj, 3)]) / denom[group] + gamma[group] * np.exp(lower)
    # alpha(h) = (1 - sum_stored p) / (1 - sum_stored p_lower): exact after pruning
    hi = np.bincount(group, weights=p, minlength=len(ctx_keys))
    lo = np.bincount(group, weights=np.exp(lower), minlength=len(ctx_keys))
    alpha = np.maximum(1.0 - hi, 1e-12) / np.maximum(1.0 - lo, 1e-12)
    has = np.bincount(group, minlength=len(ctx_keys)) > 0
    _set_backoffs(tables, n - 1, ctx_keys[has], np.log(alpha[has]))
    tables.keys[n] = keys
    tables.lp[n] = np.log(p)
    if n < tables.order:
        tables.bo[n] = np.zeros(len(keys))


def _set_backoffs(tables: _Tables, m: int, ctx: np.ndarray, log_alpha: np.ndarray) -> None:
    """Write backoff weights of order-m contexts, adding all-<s> contexts as entries."""
    if m == 1:
        tables.uni_bo[ctx.astype(np.int64)] = log_alpha
        return
    idx, hit = _find(tables.keys[m], ctx)
    if not hit.all():  # contexts that are never n-grams themselves: (<s>, <s>, ...)
        missing = ctx[~hit]
        assert all(all(c == BOS for c in _unpack(missing, m)[j]) for j in range(m))
        keys = np.concatenate([tables.keys[m], missing])
        order_ = np.argsort(keys, kind="stable")
        tables.keys[m] = keys[order_]
        tables.lp[m] = np.concatenate([tables.lp[m], np.full(len(missing), NEVER)])[order_]
        tables.bo[m] = np.concatenate([tables.bo[m], np.zeros(len(missing))])[order_]
        idx, hit = _find(tables.keys[m], ctx)
    tables.bo[m][idx] = log_alpha


def perplexity(lm: SyllableLM, lines: Iterable[str], order: int | None = None) -> dict:
    """Per-token perplexity over clauses (</s> counted, <unk> included), with OOV rate."""
    k = (order or lm.order) - 1
    total, n_tok, n_unk = 0.0, 0, 0
    for line in lines:
        for clause in split_clauses(line):
            arr = np.asarray([BOS] * k + [lm.id(t) for t in clause] + [EOS], dtype=np.int64)
            ctx = [arr[j : len(arr) - k + j] for j in range(k)]
            total += float(lm.logprob_ngrams(ctx, arr[k:]).astype(np.float64).sum())
            n_tok += len(arr) - k
            n_unk += int(np.count_nonzero(arr[k:] == UNK))
    return {
        "tokens": n_tok,
        "oov_rate": n_unk / max(n_tok, 1),
        "perplexity": float(np.exp(-total / max(n_tok, 1))),
    }

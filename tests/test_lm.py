"""Tests of the syllable language model: toy models trained in the test, plus the artifact."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.restore import lm as L
from pipeline.restore.lm_training import train

TOY = [
    "Ủy ban nhân dân xã Tân Phú ban hành kế hoạch số 12/KH-UBND ngày 20/6/2025.",
    "Ủy ban nhân dân huyện chỉ đạo các phòng, ban; Ủy ban nhân dân xã thực hiện.",
    "Kế hoạch tuyên truyền Nghị quyết số 57-NQ/TW của Bộ Chính trị",
    "Hòa bình, thủy lợi: nhân dân xã tham gia tuyên truyền",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
    "Các phòng ban thực hiện kế hoạch; báo cáo Ủy ban nhân dân huyện.",
    "Nhân dân xã Tân Phú tham gia xây dựng nông thôn mới",
    "Quyết định này có hiệu lực kể từ ngày ký ban hành.",
    "Ủy ban nhân dân tỉnh Thanh Hóa ban hành quyết định",
    "Tuyên truyền, phổ biến Nghị quyết đến cán bộ, đảng viên và nhân dân",
]


@pytest.fixture(scope="module", params=[(3, None), (3, [1, 1, 2]), (2, None), (4, None)])
def toy(request):
    order, prune = request.param
    return train(TOY * 2 + TOY[::2], order=order, min_count=1, prune=prune)


def _contexts(model):
    i = model.id
    return [
        (model.bos, model.bos),
        (model.bos, i("ủy")),
        (i("ủy"), i("ban")),
        (i("nhân"), i("dân")),
        (i("xã"), i("tân")),
        (i("hạnh"), i("của")),  # unseen pair
        (model.unk, model.num),
    ]


def test_distributions_normalise(toy):
    words = np.arange(toy.vocab_size)
    for c1, c2 in _contexts(toy):
        ctx = [np.full(toy.vocab_size, c) for c in (c1, c2)]
        for lp in (toy.logprob_ngrams(ctx, words), toy.logprob_batch(*ctx, words)):
            assert np.exp(lp.astype(np.float64)).sum() == pytest.approx(1.0, abs=1e-4)
        assert toy.logprob((c1, c2), toy.bos) < -50  # <s> is never predicted


def test_four_gram_contexts_normalise():
    model = train(TOY * 3, order=4, min_count=1, prune=[1, 1, 1, 2])
    words = np.arange(model.vocab_size)
    i = model.id
    for ctx in [(model.bos,) * 3, (model.bos, i("ủy"), i("ban")), (i("ủy"), i("ban"), i("nhân"))]:
        lp = model.logprob_ngrams([np.full(model.vocab_size, c) for c in ctx], words)
        assert np.exp(lp.astype(np.float64)).sum() == pytest.approx(1.0, abs=1e-4)


def test_seen_beats_unseen(toy):
    i = toy.id
    seen = toy.logprob((i("ủy"), i("ban")), i("nhân"))
    unseen = toy.logprob((i("ủy"), i("ban")), i("hạnh"))
    assert seen > unseen + 1.0
    assert toy.logprob((toy.bos, toy.bos), i("ủy")) > toy.logprob((toy.bos, toy.bos), i("dân"))


def test_batch_equals_scalar(toy):
    rng = np.random.default_rng(0)
    v = toy.vocab_size
    c1, c2, w = rng.integers(0, v, (3, 200))
    c1[:20], c2[:20] = toy.bos, toy.bos
    batch = toy.logprob_batch(c1, c2, w)
    scalar = [toy.logprob((a, b), c) for a, b, c in zip(c1, c2, w, strict=True)]
    np.testing.assert_allclose(batch, scalar, rtol=1e-6, atol=1e-6)
    # broadcasting: beam contexts x candidates
    grid = toy.logprob_batch(c1[:5, None], c2[:5, None], w[None, :7])
    assert grid.shape == (5, 7)
    np.testing.assert_allclose(grid[3, 4], toy.logprob((c1[3], c2[3]), w[4]), rtol=1e-6)
    # scalars, including a stored trigram
    i = toy.id
    seen = (i("ủy"), i("ban"), i("nhân"))
    assert toy.logprob_batch(*seen).shape == ()
    np.testing.assert_allclose(toy.logprob_batch(*seen), toy.logprob(seen[:2], seen[2]), rtol=1e-6)
    # the widest argument may be any of the three, and big context arrays take other paths
    odd = toy.logprob_batch(c1[:6, None], c2[0], w[None, :3])
    assert odd.shape == (6, 3)
    np.testing.assert_allclose(odd[5, 2], toy.logprob((c1[5], c2[0]), w[2]), rtol=1e-6)
    b1, b2 = np.r_[c1, c1][:, None], np.r_[c2, c2][:, None]
    big = toy.logprob_batch(b1, b2, w[None, :4])
    np.testing.assert_allclose(big[350, 3], toy.logprob((c1[150], c2[150]), w[3]), rtol=1e-6)


def test_fast_path_matches_generic():
    model = train(TOY * 2, order=3, min_count=1)
    assert model._fast is not None
    rng = np.random.default_rng(1)
    c1, c2, w = rng.integers(0, model.vocab_size, (3, 500))
    text = L.tokenize("\n".join(TOY))
    ids = model.ids(text)
    c1 = np.r_[c1, ids[:-2]]
    c2 = np.r_[c2, ids[1:-1]]
    w = np.r_[w, ids[2:]]
    np.testing.assert_allclose(
        model.logprob_batch(c1, c2, w), model._t.score([c1, c2], w), rtol=1e-6, atol=1e-6
    )


def test_save_load_round_trip(toy, tmp_path):
    path = tmp_path / "toy.npz"
    toy.save(path)
    back = L.SyllableLM.load(path)
    assert back.vocab == toy.vocab and back.order == toy.order
    assert back.count("ủy") == toy.count("ủy") > 0
    rng = np.random.default_rng(2)
    c1, c2, w = rng.integers(0, toy.vocab_size, (3, 300))
    # the artifact stores float16 log-probs: a quantisation error of ~0.01 nats
    np.testing.assert_allclose(
        back.logprob_batch(c1, c2, w), toy.logprob_batch(c1, c2, w), atol=0.05
    )
    back.save(tmp_path / "again.npz")
    again = L.SyllableLM.load(tmp_path / "again.npz")
    np.testing.assert_array_equal(again.logprob_batch(c1, c2, w), back.logprob_batch(c1, c2, w))


def test_vocabulary_and_ids(toy):
    assert toy.id("Ủy") == toy.id("ủy") == toy.id("uỷ") != toy.unk
    assert toy.id("Hoà") == toy.id("hòa")
    assert toy.id("zzzq") == toy.unk
    assert toy.id("2025") == toy.num
    assert toy.count("s6") == 0 and toy.count("zzzq") == 0
    assert toy.count("<num>") > 0
    assert "nhân" in set(toy.syllables())
    assert not set(L.SPECIALS) & set(toy.syllables())
    np.testing.assert_array_equal(toy.ids(["ủy", "ban"]), [toy.id("ủy"), toy.id("ban")])
    uni = toy.unigram_logprob(np.arange(toy.vocab_size)).astype(np.float64)
    assert np.exp(uni).sum() == pytest.approx(1.0, abs=1e-4)


def test_tokenize_examples():
    text = "Số: 1234/QĐ-UBND. Thuỷ lợi, hoà bình (xã) - Tuyên truyền!\nỦy ban"
    assert L.tokenize(text) == [
        "<s>", "số", "</s>",
        "<s>", "<num>", "</s>",
        "<s>", "thủy", "lợi", ",", "hòa", "bình", "xã", "tuyên", "truyền", "</s>",
        "<s>", "ủy", "ban", "</s>",
    ]  # fmt: skip
    assert L.split_clauses("ngày 20/6/2025 và 1.000.000 đồng") == [
        ["ngày", "<num>", "và", "<num>", "đồng"]
    ]
    assert L.split_clauses("QĐ-UBND NQ/TW") == [["qđ", "ubnd", "nq", "tw"]]
    assert L.normalize_token("Thuỷ") == "thủy"


_text = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƠÊ0123456789 .,;:-/()!?\n\t")
        + ["\u0301", "\u0300", "\u0309", "\u0303", "\u0323", "ố", "Ủ", "ỷ", "à"]
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(_text)
def test_tokens_are_clean(text):
    for clause in L.split_clauses(text):
        assert clause
        for tok in clause:
            assert tok
            if tok in L.SPECIALS:
                continue
            assert tok == tok.lower()
            assert unicodedata.is_normalized("NFC", tok)
            assert not any(ch.isspace() or ch.isdigit() for ch in tok)
    # re-tokenising the joined tokens of a clause gives the clause back
    for clause in L.split_clauses(text):
        words = [t for t in clause if t not in L.SPECIALS]
        assert L.split_clauses(" ".join(words)) == ([words] if words else [])


def test_corpus_split_is_stable_and_small():
    lines = [f"dòng số {i} của văn bản\n" for i in range(20_000)]
    splits = [L.corpus_split(line) for line in lines]
    assert splits == [L.corpus_split(line.rstrip("\n")) for line in lines]
    for name in ("dev", "test"):
        assert 0.006 < splits.count(name) / len(lines) < 0.014
    assert L.in_sample(lines[0], 1.0)
    assert 0.08 < np.mean([L.in_sample(line, 0.1) for line in lines]) < 0.12


def test_training_rejects_bad_pruning():
    with pytest.raises(ValueError):
        train(TOY, order=3, prune=[1, 2, 1])


@pytest.fixture(scope="module")
def packaged():
    if not L.DEFAULT_PATH.exists():
        pytest.skip("no trained artifact (run `make model`)")
    return L.SyllableLM.load()


def test_artifact_prefers_real_vietnamese(packaged):
    good = packaged.score_text("ủy ban nhân dân")
    bad = packaged.score_text("ủy bán nhân dần")
    assert good > bad + 10
    assert packaged.score_text("Tuyên truyền Nghị quyết số 57") > packaged.score_text(
        "Tuyên truyên Nghi quyêt sô 57"
    )
    assert packaged.vocab_size <= L.MAX_VOCAB
    assert packaged.count("của") > 100_000


def test_popcount_fallback_matches(monkeypatch):
    x = np.random.default_rng(3).integers(0, 2**63, (4, 9), dtype=np.uint64)
    expected = L._popcount(x).astype(np.int64)
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    np.testing.assert_array_equal(L._popcount(x), expected)

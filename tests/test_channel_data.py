"""Alignment helpers and table loaders of the learned OCR channel (no Tesseract needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.restore.channel_data import (
    EPS,
    SP,
    UNSEEN,
    ChannelTable,
    VectorChannel,
    align_chars,
    align_syllables,
    channel_cost,
    load_channel,
    load_token_pairs,
    table_cost,
    token_pair,
)


def _align(truth: str, ocr: str):
    return align_syllables(truth.split(), ocr.split())


def test_syllables_one_to_one_with_marks_lost():
    groups = _align("Tuyên truyền Nghị quyết", "Tuyén truyén Nghi quyét")
    assert groups == [(("Tuyên",), ("Tuyén",)), (("truyền",), ("truyén",)),
                      (("Nghị",), ("Nghi",)), (("quyết",), ("quyét",))]


def test_syllables_merge_glued_words():
    groups = _align("của quốc gia", "ciia quocgia")
    assert groups == [(("của",), ("ciia",)), (("quốc", "gia"), ("quocgia",))]


def test_syllables_split_word():
    groups = _align("thực hiện", "th ực hién")
    assert groups == [(("thực",), ("th", "ực")), (("hiện",), ("hién",))]


def test_syllables_junk_token_is_inserted_not_glued():
    groups = _align("bảo đảm", "— bao dam")
    assert groups == [((), ("—",)), (("bảo",), ("bao",)), (("đảm",), ("dam",))]


def test_syllables_lost_word():
    groups = _align("trường hợp pháp luật", "trudng luat")
    assert (("trường",), ("trudng",)) in groups
    assert (("luật",), ("luat",)) in groups
    assert sum(1 for t, o in groups if t and not o) == 2


def test_chars_marked_letter_is_one_unit():
    assert align_chars("ố", "é") == [("ố", "é")]
    assert align_chars("số", "s6") == [("s", "s"), ("ố", "6")]


def test_chars_one_unit_to_two_characters_and_case_folding():
    assert align_chars("hộ", "hd6") == [("h", "h"), ("ộ", "d6")]
    assert align_chars("Đảng", "Pang") == [("đ", "p"), ("ả", "a"), ("n", "n"), ("g", "g")]


def test_chars_merge_deletes_the_space():
    pairs = align_chars("quốc gia", "quocgia")
    assert (SP, EPS) in pairs
    assert ("ố", "o") in pairs


def test_token_pair_strips_edge_punctuation_but_keeps_ocr_readings():
    assert token_pair(("Luật,",), ("Luat,",)) == ("luật", "luat")
    assert token_pair(("xã",), ("x&",)) == ("xã", "x&")
    assert token_pair(("và",), ()) == ("và", EPS)
    assert token_pair(("–",), ("-",)) is None


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_channel_and_cost_function(tmp_path):
    path = _write(tmp_path / "channel_eng.tsv", (
        "# vn-ocr-channel/1 test table\n"
        "truth_segment\tocr_segment\tcount\tcost\n"
        "ố\té\t45\t0.9\n"
        "ố\t6\t26\t1.5\n"
        f"ố\t{UNSEEN}\t0\t7.2\n"
        f"{EPS}\t{EPS}\t1000\t0.01\n"
    ))
    table = load_channel(path)
    assert table["ố"] == {"é": 0.9, "6": 1.5, UNSEEN: 7.2}
    cost = table_cost(table, fallback=12.0)
    assert cost("ố", "é") == 0.9
    assert cost("ố", "x") == 7.2  # unseen outcome of a known truth
    assert cost("ỹ", "ỹ") == 0.0 and cost("ỹ", "y") == 12.0  # truth not in the table


def test_load_token_pairs_by_ocr_token(tmp_path):
    path = _write(tmp_path / "channel_eng_tokens.tsv", (
        "# test\ntruth_syllable\tocr_token\tcount\n"
        "số\ts6\t12\nsố\tsé\t5\nsẽ\tsé\t3\nquốc gia\tquocgia\t2\n"
    ))
    pairs = load_token_pairs(path)
    assert pairs["sé"] == {"số": 5, "sẽ": 3}
    assert pairs["quocgia"] == {"quốc gia": 2}


def test_channel_cost_ranks_candidates_by_the_table():
    table = {
        "s": {"s": 0.01, UNSEEN: 9.0},
        "ố": {"6": 1.5, "é": 0.9, UNSEEN: 7.0},
        "ẽ": {"e": 0.5, UNSEEN: 8.0},
        EPS: {EPS: 0.01, UNSEEN: 11.0},
    }
    cost = table_cost(table)
    assert channel_cost("số", "s6", cost) == pytest.approx(1.51)
    assert channel_cost("số", "s6", cost) < channel_cost("sẽ", "s6", cost)


def test_channel_table_matches_the_generic_alignment_cost():
    table = {
        "s": {"s": 0.01, UNSEEN: 9.0},
        "ố": {"6": 1.5, "é": 0.9, "d6": 2.0, UNSEEN: 7.0},
        "ư": {"u": 0.4, "u'": 3.0, UNSEEN: 7.0},
        "ực": {"u": 2.6},
        SP: {EPS: 1.1, UNSEEN: 7.6},
        EPS: {EPS: 0.01, "'": 9.0, UNSEEN: 11.0},
    }
    fast, slow = ChannelTable(table), table_cost(table)
    for truth, ocr in [("số", "s6"), ("sộ", "sd6"), ("thực", "thu"), ("thực", "thu'c"),
                       ("số sư", "s6su"), ("", "x"), ("số", ""), ("Đảng", "Pang")]:
        assert fast.cost(truth, ocr) == pytest.approx(channel_cost(truth, ocr, slow))


def test_shipped_eng_table_knows_the_common_confusions():
    table = load_channel()  # pipeline/data/channel_eng.tsv
    assert all(UNSEEN in row for t, row in table.items() if len(t) == 1)
    assert table["đ"]["d"] < 0.5
    assert {"é", "6", "o"} <= set(table["ố"])
    channel = ChannelTable(table)
    assert channel.cost("số", "s6") < channel.cost("sẽ", "s6")
    assert channel.cost("của", "cua") < channel.cost("cửa", "cua")
    pairs = load_token_pairs()
    assert "số" in pairs["s6"]


def test_vector_channel_equals_the_table_dp():
    """The vectorised scorer gives `ChannelTable.cost` for every candidate at once, also for
    truth pairs the table lacks (fallback) and candidates of different lengths."""
    table = load_channel()
    inventory = ["số", "sổ", "sẽ", "của", "cửa", "người", "nghiêng", "thực", "a", "đảng", "ủy"]
    vector, slow = VectorChannel(table, inventory), ChannelTable(table)
    for ocr in ("s6", "cua", "ngudi", "thu'c", "Pang", "ty", "x", "nghi?ng", "quocgia"):
        got = vector.costs(inventory, ocr)
        want = [slow.cost(s, ocr) for s in inventory]
        assert got.tolist() == pytest.approx(want), ocr

"""Calibrated confidence, alternatives and doubts of the restorer (issue 14 part 3).
Invented lines only."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline import resources
from pipeline.model import Document, Source
from pipeline.restore import default_restorer
from pipeline.restore.calibration import (
    FORMAT,
    KINDS,
    Calibration,
    calibration_json,
    dumps,
    fit_curve,
    pool_adjacent_violators,
)
from pipeline.restore.decoder import Slot, local_beliefs_batch
from pipeline.restore.engine import LOW_CONFIDENCE, MAX_ALTERNATIVES

GRID = np.linspace(0.0, 1.0, 501)


@pytest.fixture(scope="module")
def restorer():
    return default_restorer()


# ----------------------------------------------------------------- the curves


def test_pool_adjacent_violators_pools_what_goes_down():
    firsts, lasts, values = pool_adjacent_violators(np.array([0.0, 1.0, 0.0, 1.0, 1.0]),
                                                    np.ones(5))
    assert firsts.tolist() == [0, 1, 3] and lasts.tolist() == [0, 2, 4]
    assert values.tolist() == [0.0, 0.5, 1.0]


def test_fitted_curve_is_monotone_and_within_0_1():
    rng = np.random.default_rng(7)
    raw = rng.random(3000)
    right = rng.random(3000) < raw ** 3  # over-confident: right less often than raw says
    calibration = Calibration.fit({"change/english": (raw.tolist(), right.tolist())})
    got = calibration.many("change/english", GRID)
    assert np.all(np.diff(got) >= 0) and got.min() >= 0.0 and got.max() <= 1.0
    # and it learned the over-confidence: raw 0.8 is right about 0.8**3 of the time
    assert abs(calibration("change/english", 0.8) - 0.512) < 0.1


def test_shipped_curves_are_monotone_within_0_1_and_cover_every_kind():
    calibration = Calibration.load()
    assert set(calibration.curves) == set(KINDS)
    for kind in KINDS:
        got = calibration.many(kind, GRID)
        assert np.all(np.diff(got) >= 0), kind
        assert 0.0 <= got.min() <= got.max() <= 1.0, kind


def test_calibration_file_is_what_the_fitting_code_writes(tmp_path):
    shipped = resources.path(resources.RESTORE_CALIBRATION).read_text(encoding="utf-8")
    data = json.loads(shipped)
    assert data["format"] == FORMAT and set(data["curves"]) <= set(KINDS)
    assert dumps(data) == shipped  # written by `dumps`, not by hand
    for curve in data["curves"].values():
        assert 0 <= curve["right"] <= curve["words"] and len(curve["knots"]) >= 2
    # a fit written and read back gives the same curve
    raw, right = [0.1, 0.2, 0.6, 0.7, 0.9, 0.95], [False, True, False, True, True, True]
    knots = {"keep/clean": fit_curve(raw, right)}
    path = tmp_path / "calibration.json"
    path.write_text(dumps(calibration_json(knots, {"keep/clean": (6, 4)}, "test")),
                    encoding="utf-8")
    again = Calibration.load(path)
    assert np.allclose(again.many("keep/clean", GRID),
                       Calibration.from_knots(knots).many("keep/clean", GRID))


# ----------------------------------------------------------------- the decoder's beliefs


def test_beliefs_rank_a_slots_candidates_and_agree_with_confidences(restorer):
    lm = restorer.lm
    ids = np.array(lm.ids(["về", "và", "vé", "vè"]), dtype=np.int64)
    unit = [Slot(np.array(lm.ids(["báo"]), dtype=np.int64), np.zeros(1)),
            Slot(np.array(lm.ids(["cáo"]), dtype=np.int64), np.zeros(1)),
            Slot(ids, np.array([0.5, 0.2, 0.3, 0.0]))]
    choices = [[0, 0, 0]]
    belief = local_beliefs_batch(lm, [unit], choices, 1.0, top=3)[0][2]
    assert len(belief.top) == 3
    probs = [p for _, p in belief.top]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 1.0 + 1e-9
    without_top = local_beliefs_batch(lm, [unit], choices, 1.0, top=0)[0][2]
    assert belief.confidence == pytest.approx(without_top.confidence)
    assert dict(belief.top).get(0, belief.confidence) == pytest.approx(belief.confidence)


# ----------------------------------------------------------------- changes and doubts


def test_an_ambiguous_line_gives_changes_with_alternatives(restorer):
    # "mat" may be mặt, mật, mất, mắt: the decoder weighs them all
    restored = restorer.judge_lines(["Ve viec to chuc hop mat"])
    assert restored.lines == ["Về việc tổ chức họp mặt"]
    mat = next(c for c in restored.changes if c.ocr == "mat")
    assert mat.confidence < 0.9
    texts = [a.text for a in mat.alternatives]
    assert {"mật", "mất"} <= set(texts)
    for change in restored.changes:
        alternatives = change.alternatives
        assert 0 < len(alternatives) <= MAX_ALTERNATIVES
        assert all(a.text != change.restored for a in alternatives)
        assert len({a.text for a in alternatives}) == len(alternatives)
        confidences = [a.confidence for a in alternatives]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences)
        assert sum(confidences) <= 1.0 - change.confidence + 1e-3
    # cased like the output word: "Ve" -> "Về", its alternatives capitalised too
    ve = next(c for c in restored.changes if c.ocr == "Ve")
    assert all(a.text[0].isupper() for a in ve.alternatives)


def test_every_word_is_judged_and_confidences_are_calibrated(restorer):
    restored = restorer.judge_lines(["Ve viec to chuc hop mat", "Ủy ban nhân dân xã"])
    assert [j.ocr for j in restored.judgements] == [
        "Ve", "viec", "to", "chuc", "hop", "mat", "Ủy", "ban", "nhân", "dân", "xã"]
    calibration = restorer.calibration
    for j in restored.judgements:
        assert j.kind in KINDS and 0.0 <= j.raw <= 1.0
        assert j.confidence == pytest.approx(calibration(j.kind, j.raw))
        assert restored.lines[j.line][j.start:].startswith(j.output)
    by_word = {c.ocr: c.confidence for c in restored.changes}
    assert by_word == {j.ocr: round(j.confidence, 4) for j in restored.judgements
                       if j.output != j.ocr}


def test_judgements_of_a_line_restored_in_pieces_point_into_the_whole_line(restorer):
    line = "Ve viec to chuc hop mat cac co quan. " * 80  # longer than chunks.PIECE_CHARS
    restored = restorer.judge_lines(["Uy ban nhan dan", line])
    judged = [j for j in restored.judgements if j.line == 1]
    assert len(judged) == 9 * 80
    assert all(restored.lines[1][j.start:].startswith(j.output) for j in judged)
    assert {c.line for c in restored.changes} == {0, 1}


def test_a_garbled_word_kept_in_typed_text_is_a_doubt(restorer):
    doc = Document(source=Source(file="x.txt", sha256="0" * 64, kind="text", pages=1),
                   ocr_lines=["Ủy ban nhân dân tỉnh", "",
                              "Ủy ban nhân dân xã Tân Hòa thônq báo kết quả kiểm tra"])
    doc = restorer.restore_document(doc)
    assert "Hòa thônq báo" in doc.restored_lines[2]  # typed text keeps what it has
    doubts = doc.quality.doubts
    assert [(d.line, d.text) for d in doubts] == [(3, "thônq")]  # 1-based, as the text files
    assert doubts[0].confidence < LOW_CONFIDENCE
    assert doubts[0].alternatives[0].text == "thông"
    assert doubts[0].alternatives[0].confidence > doubts[0].confidence
    # doubts are kept words: none is a change too
    assert not {(c.line, c.ocr) for c in doc.quality.changes} & {(3, "thônq")}
    assert doc.quality.low_confidence_tokens == sum(
        c.confidence < LOW_CONFIDENCE for c in doc.quality.changes)


def test_clean_text_has_no_doubts(restorer):
    doc = Document(source=Source(file="x.txt", sha256="0" * 64, kind="text", pages=1),
                   ocr_lines=["Tổ chức hội nghị tổng kết công tác phòng chống dịch bệnh"])
    doc = restorer.restore_document(doc)
    assert doc.quality.doubts == [] and doc.quality.changes == []

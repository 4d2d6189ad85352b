"""bench/structure.py: how a page's JSON is read and judged against the field truth, on tiny
hand-made dicts (no OCR run); and the shape of bench/data/real_fields.json."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter

from bench.structure import (
    FIELDS,
    TRUTH,
    Value,
    judge,
    predicted_fields,
    right_share,
    score_page,
    tally,
)

TRUTH_PAGE = {
    "held_out": False,
    "issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "issuer_parent": None,
    "number": "01", "number_handwritten": True, "symbol": "TTr-UBND",
    "date": {"day": 6, "month": 1, "year": 2025}, "place": "Quảng Ngãi",
    "doc_type": "Tờ trình",
    "title": "Về việc miễn nhiệm chức danh Ủy viên Ủy ban nhân dân tỉnh Quảng Ngãi "
             "nhiệm kỳ 2021 - 2026",
    "subject": None, "addressees": ["Hội đồng nhân dân tỉnh"],
    "signer_authority": "KT. CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH",
    "signer_name": "Trần Hoàng Tuấn", "recipient_count": 3,
    "absent": [], "unsure": [],
}


HEADER_KEYS = ("issuer", "issuer_parent", "number", "symbol", "number_confidence", "flags",
               "type_code", "document_type", "place", "date")


def document(**overrides) -> dict:
    """Today's JSON shape (schema 1.3.0), the parts the scorer reads; header keys (and a few a
    later schema may add) go into the header."""
    doc = {
        "header": {"issuer": "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "issuer_parent": None,
                   "number": "01/TTr-UBND", "type_code": "TTr", "document_type": "TỜ TRÌNH",
                   "place": "Quảng Ngãi", "date": "2025-01-06"},
        "title": "Về việc miễn nhiệm chức danh Ủy viên Ủy ban nhân dân tỉnh Quảng Ngãi "
                 "nhiệm kỳ 2021 - 2026",
        "signature": {"authority": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH",
                      "name": "Trần Hoàng Tuấn"},
        "recipients": ["Như trên;", "TT Tỉnh ủy;", "Lưu: VT."],
        "appendices": [],
    }
    for key, value in overrides.items():
        if key in HEADER_KEYS:
            doc["header"][key] = value
        else:
            doc[key] = value
    return doc


def test_number_and_symbol_are_split_at_the_slash():
    fields = predicted_fields(document(number="288/KH-VP"))
    assert fields["number"].value == "288"
    assert fields["symbol"].value == "KH-VP"
    fields = predicted_fields(document(number="/NQ-HĐND"))  # a draft's blank number
    assert fields["number"].value is None
    assert fields["symbol"].value == "NQ-HĐND"
    fields = predicted_fields(document(number="288", symbol="KH-VP"))  # a schema with symbol
    assert (fields["number"].value, fields["symbol"].value) == ("288", "KH-VP")


def test_a_clean_page_is_all_right_but_the_fields_the_schema_lacks():
    result = score_page("p", TRUTH_PAGE, document())
    outcomes = result.outcomes
    assert outcomes["addressees"] == "missing"  # no such field in today's schema
    assert outcomes["subject"] == "empty"  # none expected, none given
    assert outcomes["issuer_parent"] == "empty"
    assert all(outcomes[name] == "right" for name in FIELDS
               if name not in ("addressees", "subject", "issuer_parent"))
    counts = tally([result])
    assert right_share(counts) == counts["right"] / (counts["right"] + 1)


def test_normalisation_case_tones_whitespace_zeros_prefixes():
    doc = document(issuer="Ủy  ban nhân dân\ntỉnh Quảng Ngãi", number="1/TTr-UBND",
                   signature={"authority": "KT.CHỦ TỊCH", "title": "Phó Chủ tịch",
                              "name": "TS. Trần Hoàng Tuấn"})
    outcomes = score_page("p", TRUTH_PAGE, doc).outcomes
    for name in ("issuer", "number", "signer_authority", "signer_title", "signer_name"):
        assert outcomes[name] == "right", name
    # tone placement: hoà (old style) = hòa (official)
    truth = {**TRUTH_PAGE, "title": "Về việc triển khai hóa đơn điện tử"}
    assert judge("title", truth, Value("Về việc triển khai hoá đơn điện tử")) == "right"
    # NFD input
    nfd = unicodedata.normalize("NFD", "Quảng Ngãi")
    assert judge("place", TRUTH_PAGE, Value(nfd)) == "right"


def test_long_text_needs_similarity_90_short_text_is_exact():
    title = TRUTH_PAGE["title"]
    assert judge("title", TRUTH_PAGE, Value(title.replace("miễn", "miên"))) == "right"
    assert judge("title", TRUTH_PAGE, Value("Về việc miễn nhiệm")) == "wrong"
    assert judge("place", TRUTH_PAGE, Value("Quảng Ngai")) == "wrong"
    letter = {**TRUTH_PAGE, "subject": "V/v tham gia ý kiến các dự thảo Nghị định"}
    assert judge("subject", letter, Value("tham gia ý kiến các dự thảo Nghị định")) == "right"


def test_missing_spurious_and_flags():
    assert judge("place", TRUTH_PAGE, Value(None)) == "missing"
    assert judge("subject", TRUTH_PAGE, Value("Kính gửi: Hội đồng nhân dân tỉnh")) == "spurious"
    assert judge("subject", TRUTH_PAGE, Value("x", flagged=True)) == "spurious_flagged"
    assert judge("number", TRUTH_PAGE, Value("04")) == "wrong"
    assert judge("number", TRUTH_PAGE, Value("04", flagged=True)) == "wrong_flagged"
    # flags as the JSON may carry them: on the value, or beside it in the header
    doc = document(number={"value": "04/TTr-UBND", "handwritten": True})
    assert score_page("p", TRUTH_PAGE, doc).outcomes["number"] == "wrong_flagged"
    doc = document(number="04/TTr-UBND", number_confidence=0.2)
    assert score_page("p", TRUTH_PAGE, doc).outcomes["number"] == "wrong_flagged"
    doc = document(number="04/TTr-UBND", flags={"number": ["unreadable"]})
    assert score_page("p", TRUTH_PAGE, doc).outcomes["number"] == "wrong_flagged"
    doc = document(number={"value": "01/TTr-UBND", "confidence": 95})
    result = score_page("p", TRUTH_PAGE, doc)
    assert result.outcomes["number"] == "right" and result.right_flagged == 0
    # schema 1.4.0: header.readings and the document's readings
    doc = document(number="04", symbol="TTr-UBND")
    doc["header"]["readings"] = {"number": {"handwritten": True}}
    assert score_page("p", TRUTH_PAGE, doc).outcomes["number"] == "wrong_flagged"
    doc = {**document(), "readings": {"signature.name": {"confidence": 0.3}}}
    doc["signature"] = {**doc.get("signature", {}), "name": "Trần Văn X"}
    assert score_page("p", TRUTH_PAGE, doc).outcomes["signer_name"] == "wrong_flagged"


def test_dates_full_partial_and_parts():
    assert judge("date", TRUTH_PAGE, Value((6, 1, 2025))) == "right"
    assert judge("date", TRUTH_PAGE, Value((16, 1, 2025))) == "wrong"
    draft = {**TRUTH_PAGE, "date": {"day": None, "month": None, "year": 2025}}
    doc = document(date={"day": None, "month": None, "year": 2025})
    assert score_page("p", draft, doc).outcomes["date"] == "right"
    doc = document(date="2025")  # a partial ISO date
    assert score_page("p", draft, doc).outcomes["date"] == "right"
    doc = document(date="2025-02-??")
    result = score_page("p", {**TRUTH_PAGE, "date": {"day": 4, "month": 2, "year": 2025}}, doc)
    assert result.outcomes["date"] == "wrong"
    assert result.date_parts == {"day": "missing", "month": "right", "year": "right"}


def test_recipients_addressees_alternatives_unsure_and_no_output():
    doc = document(recipients=[])
    assert score_page("p", TRUTH_PAGE, doc).outcomes["recipient_count"] == "missing"
    doc = document(addressees=["- Hội đồng nhân dân tỉnh."])
    assert score_page("p", TRUTH_PAGE, doc).outcomes["addressees"] == "right"
    doc = document(addressees=["Hội đồng nhân dân tỉnh", "Sở Tài chính"])
    assert score_page("p", TRUTH_PAGE, doc).outcomes["addressees"] == "wrong"
    alt = {**TRUTH_PAGE, "symbol": "VPCP-V.I", "alternatives": {"symbol": ["VPCP-V.1"]}}
    assert judge("symbol", alt, Value("VPCP-V.1")) == "right"
    assert judge("symbol", {**alt, "unsure": ["symbol"]}, Value("xyz")) is None
    result = score_page("p", TRUTH_PAGE, None)  # the page gave no JSON
    assert not result.output_found
    assert Counter(result.outcomes.values())["right"] == 0
    # an appendix page: the appendix's title stands for the page's title
    appendix = {**TRUTH_PAGE, "title": "DANH SÁCH CÁC CƠ QUAN"}
    doc = document(title=None, appendices=[{"title": "Danh sách các cơ quan"}])
    assert score_page("p", appendix, doc).outcomes["title"] == "right"


def test_truth_file_shape():
    data = json.loads(TRUTH.read_text(encoding="utf-8"))
    pages = {name: page for name, page in data.items() if not name.startswith("_")}
    assert len(pages) == 30
    assert sorted(n for n, p in pages.items() if p["held_out"]) == [
        "dl_kh243_web", "hy_kh288_p2", "ttg_cv464_p1_bw"]
    for name, page in pages.items():
        for key in (*FIELDS, "absent", "unsure"):
            assert key in page, (name, key)
        assert set(page["absent"]) <= set(FIELDS), name
        assert all(page[key] is None for key in page["absent"]), name
        if page["date"] is not None:
            assert set(page["date"]) == {"day", "month", "year"}, name
        text = json.dumps(page, ensure_ascii=False)
        assert unicodedata.normalize("NFC", text) == text, name

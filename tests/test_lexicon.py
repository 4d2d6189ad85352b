"""dictionaries/vi_admin_terms.txt: format, normalisation and must-have entries."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.text.syllables import to_official_tones

LEXICON = Path(__file__).resolve().parents[1] / "dictionaries" / "vi_admin_terms.txt"
CATEGORIES = {"agency", "title", "doc_type", "unit_type", "deadline", "abbrev", "place", "phrase"}
MUST_HAVE = {
    "Ủy ban nhân dân": "agency",
    "Mặt trận Tổ quốc Việt Nam": "agency",
    "Phòng Văn hóa - Xã hội": "agency",
    "chuyển đổi số": "phrase",
    "Kế hoạch": "doc_type",
    "Phó Chủ tịch": "title",
    "Hằng năm": "deadline",
    "Thanh Hóa": "place",
}


@pytest.fixture(scope="module")
def raw_lines() -> list[str]:
    assert LEXICON.is_file(), f"missing {LEXICON}; run tools/build_lexicon.py"
    return LEXICON.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def entries(raw_lines) -> list[tuple[str, str]]:
    out = []
    for line in raw_lines:
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        assert len(fields) == 2, f"not term<TAB>category: {line!r}"
        out.append((fields[0], fields[1]))
    return out


def test_header_comment_names_sources(raw_lines):
    header = [line for line in raw_lines if line.startswith("#")]
    assert header and raw_lines[0].startswith("#")
    text = "\n".join(header)
    assert "build_lexicon.py" in text and "corpus" in text


def test_size(entries):
    assert len(entries) >= 2000
    assert sum(cat != "place" for _, cat in entries) >= 1000  # not only place names


def test_nfc_and_official_tones(entries):
    for term, _ in entries:
        assert unicodedata.is_normalized("NFC", term), term
        assert to_official_tones(term) == term, term
        assert term == term.strip() and "  " not in term, repr(term)


def test_no_duplicates_and_sorted(entries):
    keys = [term.casefold() for term, _ in entries]
    assert len(keys) == len(set(keys))
    assert entries == sorted(entries, key=lambda tc: (tc[0].casefold(), tc[0]))


def test_categories_documented(entries):
    assert {cat for _, cat in entries} <= CATEGORIES
    readme = (LEXICON.parent / "README.md").read_text(encoding="utf-8")
    for cat in CATEGORIES:
        assert f"`{cat}`" in readme, cat


def test_must_have(entries):
    table = dict(entries)
    for term, cat in MUST_HAVE.items():
        assert table.get(term) == cat, term


def test_all_34_provinces_present(entries):
    places = {term for term, cat in entries if cat == "place"}
    provinces = [
        "Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Thành phố Hồ Chí Minh",
        "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên",
        "Lạng Sơn", "Sơn La", "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hưng Yên", "Ninh Bình",
        "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Đắk Lắk",
        "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
        "An Giang",
    ]  # fmt: skip
    assert len(provinces) == 34
    assert not [p for p in provinces if p not in places]


def test_phrases_do_not_start_or_end_with_function_words(entries):
    # "các" may open a phrase ("các tầng lớp nhân dân"); these never open or close one
    start_stop = {"của", "và", "được", "để", "là", "với"}
    end_stop = start_stop | {"các", "cho", "tại", "những"}  # "Ban hành kèm theo" is a set phrase
    bad = [
        term for term, cat in entries
        if cat == "phrase" and (term.split()[0] in start_stop or term.split()[-1] in end_stop)
    ]  # fmt: skip
    assert not bad, bad[:20]

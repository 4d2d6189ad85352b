"""Legacy Vietnamese font encodings (TCVN3, VNI): the tables, their detection, text inputs."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import ingest, legacy_encoding
from pipeline.legacy_encoding import LegacyFont, byte_view, convert, detect, encode, font_encoding
from pipeline.text.vietnamese import count_words, is_syllable, reads_as_vietnamese, syllables

# Every Vietnamese letter, small: each vowel with its five tones, and đ.
SMALL_LETTERS = "".join(
    unicodedata.normalize("NFC", vowel + tone)
    for vowel in "aăâeêioôơuưy" for tone in ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
) + "đ"
CAPITALS = SMALL_LETTERS.upper()
TEXT = ("Điều 1. Ủy ban nhân dân tỉnh ban hành Kế hoạch phòng, chống thiên tai và tìm kiếm "
        "cứu nạn năm 2026 trên địa bàn; giao Phòng Kinh tế chủ trì, phối hợp với các cơ quan "
        "liên quan tổ chức thực hiện, báo cáo kết quả trước ngày 15 tháng 12 năm 2026.")


def test_every_letter_round_trips_through_both_tables():
    assert len(SMALL_LETTERS) == 73 and len(set(SMALL_LETTERS)) == 73
    for letter in SMALL_LETTERS + "ĂÂÊÔƠƯĐ":  # TCVN3's own codes
        assert convert(byte_view(encode(letter, "tcvn3")), "tcvn3") == letter
    for letter in CAPITALS:  # capitals with a tone: the small codes, in a capitals font
        shown = byte_view(encode(letter, "tcvn3", capitals=True))
        assert convert(shown, "tcvn3", capitals=True) == letter
    for letter in SMALL_LETTERS + CAPITALS:
        assert convert(byte_view(encode(letter, "vni")), "vni") == letter


def test_tables_give_what_the_fonts_show():
    # Known renderings of the two encodings read as Windows-1252.
    assert convert("B¶o Th¾ng, M\xadêng Kh\xad¬ng", "tcvn3") == "Bảo Thắng, Mường Khương"
    assert convert("§iÒu 1. Quy ®Þnh chung", "tcvn3") == "Điều 1. Quy định chung"
    assert convert("Xin chaøo caùc baïn. Ñieàu 1. VIEÄT NAM, ngöôøi", "vni") == \
        "Xin chào các bạn. Điều 1. VIỆT NAM, người"
    # VNI: one mark byte for circumflex or breve and a tone; i, y with a tone are one byte.
    assert convert("aá aë æ î", "vni") == "ấ ặ ỉ ỵ"
    # TCVN3 has no capital with a tone: a capitals font draws the small codes as capitals.
    assert encode("KẾ HOẠCH", "tcvn3", capitals=True) == b"k\xd5 ho\xb9ch"
    with pytest.raises(ValueError):
        encode("KẾ", "tcvn3")


def test_tcvn3_lines_and_words_in_ascii_capitals_are_capitals():
    # Text from a capitals font lost its font: its ASCII letters tell.
    assert convert("KÕ HO¹CH\nPhßng CH¦¥NG tr×nh", "tcvn3") == "KẾ HOẠCH\nPhòng CHƯƠNG trình"


@pytest.mark.parametrize(("name", "font"), [
    ("/.VnTime", LegacyFont("tcvn3", capitals=False)),
    ("ABCDEF+.VnTimeH", LegacyFont("tcvn3", capitals=True)),
    (".VnArial,Bold", LegacyFont("tcvn3", capitals=False)),
    (".VnArialH-BoldItalic", LegacyFont("tcvn3", capitals=True)),
    ("VnTime", LegacyFont("tcvn3", capitals=False)),
    ("VNI-Times", LegacyFont("vni", capitals=False)),
    ("QWERTY+VNI-Helve-Bold", LegacyFont("vni", capitals=False)),
    ("TimesNewRomanPSMT", None),
    ("Verdana", None),
    ("NotoSans", None),
])
def test_font_names_tell_the_encoding(name, font):
    assert font_encoding(name) == font


def test_byte_maps_for_pdf_fonts():
    small = legacy_encoding.byte_map(LegacyFont("tcvn3", capitals=False))
    capitals = legacy_encoding.byte_map(LegacyFont("tcvn3", capitals=True))
    assert small[0xAD] == "ư" and capitals[0xAD] == "Ư" and capitals[ord("a")] == "A"
    assert small[0x93] == "\u201c"  # a code the table leaves free keeps its Windows character
    vni = legacy_encoding.byte_map(LegacyFont("vni", capitals=False))
    assert vni[0xF9] == "\u0301" and vni[0xD1] == "Đ"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_text_files_are_converted(tmp_path, encoding):
    raw = encode(TEXT.replace("Ủy", "Uy") if encoding == "tcvn3" else TEXT, encoding)
    path = tmp_path / "plan.txt"
    path.write_bytes(raw.replace(b"; ", b";\r\n"))
    expected = TEXT.replace("Ủy", "Uy") if encoding == "tcvn3" else TEXT
    assert ingest.read_text(path) == expected.replace("; ", ";\n")
    # Copied out of such a document into a UTF-8 file, it reads the same.
    assert ingest.decode_text(byte_view(raw).encode("utf-8"), "copied") == expected


def test_detection_needs_the_conversion_to_mend_words():
    view = byte_view(encode(TEXT.replace("Ủy", "Uy"), "tcvn3"))
    assert detect(view) == "tcvn3"
    assert detect(byte_view(encode(TEXT, "vni"))) == "vni"
    assert detect(TEXT) is None  # Vietnamese already
    assert detect("Café, naïve, señor: the résumé of a façade") is None  # other Latin-1 text
    assert detect("§iÒu 1") is None  # too little to tell


def _cp1258(text: str) -> bytes:
    """Windows' cp1258: letters precomposed where the code page has them, else the letter
    without its tone and the tone as a combining mark."""
    out = bytearray()
    for letter in unicodedata.normalize("NFC", text):
        try:
            out += letter.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", letter)
            tones = "".join(ch for ch in parts if ch in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in tones))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


_SYLLABLES = sorted(syllables())
_WORDS = st.builds(
    lambda syllable, style: {"lower": syllable, "title": syllable.capitalize(),
                             "upper": syllable.upper()}[style],
    st.sampled_from(_SYLLABLES), st.sampled_from(["lower", "lower", "title", "upper"]),
)
_TEXTS = st.lists(
    st.tuples(_WORDS, st.sampled_from([" ", " ", " ", ", ", ". ", "\n", " 12/KH-UBND "])),
    min_size=1, max_size=60,
).map(lambda pairs: "".join(word + gap for word, gap in pairs).strip())


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_vietnamese_in_utf8_or_cp1258_is_never_taken_for_a_legacy_encoding(text):
    text = unicodedata.normalize("NFC", text)
    assert ingest.decode_text(text.encode("utf-8"), "utf-8 text") == text
    assert ingest.decode_text(_cp1258(text), "cp1258 text") == text


def test_syllable_counts_tell_vietnamese_from_english_ocr():
    vietnamese = count_words(TEXT)
    english_ocr = count_words("Uy ban nhan dan tinh ban hanh Ké hoach phong, chéng thién tai va "
                              "tim kiém ctru nan nam 2026 trén dia ban; giao Phong Kinh té chu tri")
    assert reads_as_vietnamese(vietnamese) and not reads_as_vietnamese(english_ocr)
    assert is_syllable("Hoà") and is_syllable("THUỶ") and not is_syllable("chéng")

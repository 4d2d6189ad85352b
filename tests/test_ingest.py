"""The ingest stage alone: discovery, type sniffing, text decoding, hashing."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import ingest
from pipeline.errors import CorruptInput, InputNotFound, UnsupportedInput

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_discover_expands_folders_sorted_and_skips_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.pdf", "a.txt", "sub/c.PNG", "notes.docx", ".hidden.txt"):
        (tmp_path / name).write_bytes(b"x")
    found = ingest.discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.txt", "b.pdf", "sub/c.PNG"]


def test_discover_keeps_explicit_files_once_and_rejects_missing(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("x")
    assert ingest.discover([text, tmp_path]) == [text]
    with pytest.raises(InputNotFound):
        ingest.discover([tmp_path / "missing.pdf"])


def test_search_leaves_out_the_output_folder(tmp_path):
    for name in ("a.txt", "out/a.ocr.txt", "out/2025/b.restored.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found, errors = ingest.search(tmp_path, exclude=tmp_path / "out")
    assert found == [tmp_path / "a.txt"] and errors == []


def test_text_files_beginning_like_other_formats_stay_text(tmp_path):
    for word in ("BMW", "RIFF", "GIF89a"):  # magic numbers of formats refused, as plain words
        path = tmp_path / f"{word}.txt"
        path.write_text(f"{word} ở đầu dòng\n", encoding="utf-8")
        assert ingest.sniff(path).kind == "text"
    docx = tmp_path / "renamed.txt"
    docx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    with pytest.raises(UnsupportedInput, match="ZIP archive"):
        ingest.sniff(docx)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("scan.pdf", b"%PDF-1.7\n...", "pdf"),
        ("scan.png", PNG_MAGIC + b"rest", "image"),
        ("scan.jpg", b"\xff\xd8\xff\xe0rest", "image"),
        ("scan.tif", b"II*\x00rest", "image"),
        ("misnamed.png", b"%PDF-1.4", "pdf"),  # content decides, not the name
        ("plan.txt", "Ủy ban".encode(), "text"),
    ],
)
def test_sniff_by_content(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    assert ingest.sniff(path).kind == kind


def test_sniff_rejects_corrupt_and_unsupported(tmp_path):
    fake_pdf = tmp_path / "broken.pdf"
    fake_pdf.write_bytes(b"this is not a pdf")
    with pytest.raises(CorruptInput, match="broken.pdf"):
        ingest.sniff(fake_pdf)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(CorruptInput, match="empty"):
        ingest.sniff(empty)
    other = tmp_path / "x.docx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedInput):
        ingest.sniff(other)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_text_inputs_decode_to_nfc(tmp_path, encoding):
    text = "Ủy ban nhân dân xã\r\nKế hoạch số 05/KH-UBND\r\n"
    path = tmp_path / "plan.txt"
    path.write_bytes(_encode(text, encoding))
    decoded = ingest.read_text(path)
    assert decoded == unicodedata.normalize("NFC", text.replace("\r\n", "\n"))


def _encode(text: str, encoding: str) -> bytes:
    """cp1258 writes Vietnamese as base letter + combining tone mark, as Windows software does."""
    if encoding != "cp1258":
        return text.encode(encoding)
    out = []
    for char in text:
        try:
            out.append(char.encode(encoding))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            out.append(unicodedata.normalize("NFC", decomposed[:-1]).encode(encoding)
                       + decomposed[-1].encode(encoding))
    return b"".join(out)


def test_binary_text_file_is_corrupt(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(b"abc\x00\x01\x02")
    with pytest.raises(CorruptInput):
        ingest.read_text(path)


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=20),
                max_size=10))
def test_split_lines_round_trips_joined_lines(lines):
    assert ingest.split_lines("".join(line + "\n" for line in lines)) == lines


def test_ingest_text_document(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("dòng một\n\ndòng ba\n", encoding="utf-8")
    document = ingest.ingest(ingest.sniff(path))
    assert document.source.kind == "text"
    assert document.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.ocr_lines == ["dòng một", "", "dòng ba"]


def test_form_feed_lines_of_our_text_files_are_page_breaks_not_text(tmp_path):
    # NAME.ocr.txt / NAME.restored.txt put "\f" on the line between two pages; OCRmyPDF's
    # sidecar puts it before the next page's first line: both read back as the lines they are
    path = tmp_path / "plan.restored.txt"
    path.write_text("Trang một\n\f\nTrang hai\n\fTrang ba\n", encoding="utf-8")
    document = ingest.ingest(ingest.sniff(path))
    assert document.source.kind == "text"
    assert document.ocr_lines == ["Trang một", "", "Trang hai", "Trang ba"]

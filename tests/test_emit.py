"""The emit stage alone: schema, JSON, Markdown, the changes file, text files, and all-or-nothing
writing."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.emit import SUFFIXES, output_paths, render_outputs, write_outputs
from pipeline.emit.markdown import render_markdown
from pipeline.emit.schema import SCHEMA_PATH, build_schema, published_schema, validate
from pipeline.errors import OutputError, SchemaViolation
from pipeline.model import (
    Appendix,
    Box,
    Change,
    Document,
    Doubt,
    Group,
    Header,
    Item,
    Line,
    Quality,
    Reference,
    Row,
    Section,
    Signature,
    Source,
)


@pytest.fixture
def document() -> Document:
    return Document(
        source=Source(file="plan.txt", sha256="0" * 64, kind="text", pages=1),
        ocr_lines=["KE HOACH", "Can cu Luat s6 1", "", "I. MUC DICH"],
        restored_lines=["KẾ HOẠCH", "Căn cứ Luật số 1", "", "I. MỤC ĐÍCH"],
        header=Header(issuer="ỦY BAN NHÂN DÂN XÃ AN BÌNH", number="05/KH-UBND", type_code="KH",
                      document_type="KẾ HOẠCH", place="An Bình", date="2026-01-05"),
        title="Triển khai chuyển đổi số",
        legal_basis=["Căn cứ Luật số 1"],
        sections=[Section(number="I", title="MỤC ĐÍCH", subsections=[
            Section(number="1", title="Mục đích",
                    items=[Item(marker="-", text="Nâng cao *nhận* thức")])
        ])],
        signature=Signature(authority="TM.", title="CHỦ TỊCH", name="Lê Văn A"),
        recipients=["Như trên;", "Lưu: VT."],
        appendices=[Appendix(title="Phụ lục", columns=[], groups=[
            Group(number="1", title="Tuyên truyền", rows=[
                Row(tt="1.1", task="Viết | tin", lead="Phòng Văn hóa - Xã hội",
                    deadline="Hằng năm"),
            ])
        ])],
        references=[Reference(type="Luật", number="1", text="Luật số 1")],
        quality={"changed_tokens": 4, "low_confidence_tokens": 1, "changes": [
            Change(line=1, ocr="KE", restored="KẾ", confidence=0.9),
            Change(line=2, ocr="s6", restored="số", confidence=0.3),
        ]},
    )


def test_committed_schema_is_generated_from_the_model():
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == build_schema()
    jsonschema.Draft202012Validator.check_schema(published_schema())


def test_json_validates_and_has_every_contract_key(document):
    payload = json.loads(render_outputs(document, "plan")[".json"])
    validate(payload)
    assert list(payload) == ["schema", "source", "pages", "header", "title", "subject",
                             "addressees", "legal_basis", "sections", "closing", "signature",
                             "recipients", "appendices", "references", "overlays", "readings",
                             "quality"]
    assert payload["closing"] is None  # missing values are null
    assert payload["header"]["date"] == "2026-01-05"


def test_schema_rejects_malformed_documents(document):
    payload = document.to_public_json()
    payload["header"]["date"] = "05/01/2026"
    with pytest.raises(SchemaViolation, match="header/date"):
        validate(payload)
    payload = document.to_public_json()
    payload["surprise"] = 1
    with pytest.raises(SchemaViolation):
        validate(payload)


def test_markdown_has_headings_lists_and_even_tables(document):
    markdown = render_markdown(document)
    assert markdown.startswith("# KẾ HOẠCH 05/KH-UBND")
    assert "## I. MỤC ĐÍCH" in markdown and "### 1. Mục đích" in markdown
    assert "- Nâng cao \\*nhận\\* thức" in markdown
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    widths = {line.replace("\\|", "").count("|") for line in table}
    assert len(table) == 4 and widths == {7}
    assert "Viết \\| tin" in markdown


def test_markdown_without_structure_keeps_the_text(document):
    bare = Document(source=document.source, ocr_lines=["một", "", "hai"],
                    restored_lines=["một", "", "hai"])
    assert "một\n\nhai" in render_markdown(bare)


def test_changes_file_of_a_text_input_lists_lines_and_doubtful_repairs_first(document):
    changes = render_changes_text(document)
    lines = changes.splitlines()
    assert lines[0] == "# changes: plan.ocr.txt -> plan.restored.txt"
    assert "#   line 2: s6 -> số (0.30)" in lines  # a text input has no pages
    assert "@@ lines 1-2" in lines  # consecutive changed lines make one hunk
    assert "> [-KE-]{+KẾ+}(0.90) [-HOACH-]{+HOẠCH+}" in lines
    assert lines[lines.index("@@ lines 1-2") + 3] == ""  # the unchanged line after, as read
    assert "@@ line 4" in lines and lines[lines.index("@@ line 4") + 1] == ""


def render_changes_text(document):
    return render_outputs(document, "plan")[".changes.txt"]


@pytest.fixture
def scanned() -> Document:
    """Two pages read by OCR: page lines with their pages, the blank line between the pages
    on none; a repair and a doubt on each page."""
    box = Box(left=10, top=20, width=30, height=12)
    pages = [["Ủy ban nhân dân", "- Can cu Luat s6 1", "- Thực hiện tốt"],
             ["Tối thiếu 3 người", "Kế hoach năm"]]
    page_lines = [Line(text=text, page=1) for text in pages[0]] + [Line(text="")] + [
        Line(text=text, page=2) for text in pages[1]]
    ocr = [line.text for line in page_lines]
    restored = [*ocr[:1], "- Căn cứ Luật số 1", *ocr[2:5], "Kế hoạch năm"]
    return Document(
        source=Source(file="scan.png", sha256="0" * 64, kind="scan", pages=2),
        ocr_lines=ocr, page_lines=page_lines, restored_lines=restored,
        quality=Quality(changes=[
            Change(line=2, ocr="Can", restored="Căn", confidence=0.95, page=1, box=box),
            Change(line=2, ocr="cu", restored="cứ", confidence=0.9, page=1, box=box),
            Change(line=2, ocr="Luat", restored="Luật", confidence=0.9, page=1, box=box),
            Change(line=2, ocr="s6", restored="số", confidence=0.3, page=1, box=box),
            Change(line=6, ocr="hoach", restored="hoạch", confidence=0.45, page=2, box=box),
        ], doubts=[Doubt(line=5, text="thiếu", ocr_confidence=71.0, page=2, box=box)]))


def test_changes_file_gives_pages_context_and_least_certain_first(scanned):
    lines = render_changes_text(scanned).splitlines()
    listed = [line for line in lines if line.startswith("#   ")]
    assert listed == ["#   page 1, line 2: s6 -> số (0.30)",
                      "#   page 2, line 6: hoach -> hoạch (0.45)",
                      "#   page 2, line 5: thiếu kept (read at 71)"]
    hunk = lines.index("@@ page 1, line 2")
    assert lines[hunk:hunk + 4] == [
        "@@ page 1, line 2",
        "  Ủy ban nhân dân",
        "> - [-Can-]{+Căn+}(0.95) [-cu-]{+cứ+}(0.90) [-Luat-]{+Luật+}(0.90) "
        "[-s6-]{+số+}(0.30) 1",
        "  - Thực hiện tốt",
    ]
    second = lines.index("@@ page 2, line 6")
    assert lines[second:second + 3] == ["@@ page 2, line 6", "  Tối thiếu 3 người",
                                        "> Kế [-hoach-]{+hoạch+}(0.45) năm"]
    # list items must not look like a unified diff's removed and added lines to an editor
    assert not [line for line in lines if line.startswith(("- ", "+ "))]


def test_text_files_put_a_form_feed_between_pages(scanned):
    files = render_outputs(scanned, "scan")
    for suffix in (".ocr.txt", ".restored.txt"):
        lines = files[suffix].split("\n")
        assert lines[3] == "\f" and lines.count("\f") == 1
        assert lines[:-1] == [("\f" if k == 3 else line) for k, line in
                              enumerate(scanned.ocr_lines if suffix == ".ocr.txt"
                                        else scanned.restored_lines)]
    # line N of the files is line N of the JSON
    restored = files[".restored.txt"].split("\n")
    assert all(restored[c.line - 1].count(c.restored) for c in scanned.quality.changes)


def test_text_outputs_are_line_aligned(document):
    files = render_outputs(document, "plan")
    assert files[".ocr.txt"].count("\n") == files[".restored.txt"].count("\n") == 4


def test_write_outputs_writes_five_files(tmp_path, document):
    written = write_outputs(document, tmp_path, "plan")
    assert sorted(p.name for p in written) == sorted(f"plan{s}" for s in SUFFIXES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_failed_write_keeps_the_earlier_set(tmp_path, document, monkeypatch):
    for path in output_paths(tmp_path, "plan"):
        path.write_text("earlier")  # a complete set from an earlier run: kept (issue 11, 5)
    writes = []
    real_write = Path.write_text

    def failing_write(self, text, *args, **kwargs):
        writes.append(self)
        if len(writes) == 3:
            raise OSError(28, "No space left on device")
        return real_write(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(OutputError, match="No space left"):
        write_outputs(document, tmp_path, "plan")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"plan{s}" for s in SUFFIXES)
    assert all(p.read_text() == "earlier" for p in tmp_path.iterdir())


def test_write_failing_while_moving_leaves_no_json(tmp_path, document, monkeypatch):
    for path in output_paths(tmp_path, "plan"):
        path.write_text("earlier")
    moves = []
    real_replace = Path.replace

    def failing_replace(self, target):
        moves.append(target)
        if len(moves) == 3:
            raise OSError(5, "Input/output error")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(OutputError, match="Input/output error"):
        write_outputs(document, tmp_path, "plan")
    # half replaced: without its JSON the set reads as not done, and no staging folder is left
    assert not (tmp_path / "plan.json").exists()
    assert all(not p.name.startswith(".") for p in tmp_path.iterdir())


def test_unwritable_output_folder_is_an_output_error(tmp_path, document):
    blocker = tmp_path / "out"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(OutputError):
        write_outputs(document, blocker, "plan")

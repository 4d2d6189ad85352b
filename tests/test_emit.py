"""The emit stage alone: schema, JSON, Markdown, diff, and all-or-nothing writing."""

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
    Change,
    Document,
    Group,
    Header,
    Item,
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


def test_diff_lists_changed_lines_and_doubtful_repairs_first(document):
    diff = render_diff_text(document)
    lines = diff.splitlines()
    assert "line 2: s6 -> số (0.30)" in diff
    assert lines.index("@@ line 1") < lines.index("@@ line 2")
    assert "[-KE-]{+KẾ+}(0.90) [-HOACH-]{+HOẠCH+}\n" in diff
    assert "@@ line 3" not in diff  # unchanged lines are not listed


def render_diff_text(document):
    return render_outputs(document, "plan")[".diff"]


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

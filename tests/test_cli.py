"""The command line end to end, in subprocesses, as users and other programs call it."""

from __future__ import annotations

import json
import shutil
import unicodedata

from conftest import ROOT, SAMPLES, run_cli, sample_inputs

from pipeline.emit import SUFFIXES
from pipeline.emit.schema import validate
from pipeline.ingest import output_stem

GOOD_TEXT = (
    "ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: 07/KH-UBND\n\nKE HOACH\n"
    "Trién khai chuyén doi s6 nam 2026\n\nI. MUC DICH, YEU CAU\n"
    "- Nang cao nhan thirc cua can bé vé chuyén doi s6.\n"
)


def outputs_of(folder, name):
    return [folder / f"{name}{suffix}" for suffix in SUFFIXES]


def test_restore_prints_as_many_lines_as_it_reads():
    raw = (SAMPLES / "plan_ngoc_lien.ocr.txt").read_bytes()
    done = run_cli("restore", stdin=raw)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8")
    assert out.count("\n") == raw.decode("utf-8").count("\n")
    assert unicodedata.is_normalized("NFC", out)
    assert out != raw.decode("utf-8")  # it did restore something


def test_restore_reads_a_file_argument_and_rejects_a_missing_one(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Uy ban nhan dan xa\n\nKe hoach\n", encoding="utf-8")
    done = run_cli("restore", str(path))
    assert done.returncode == 0
    assert done.stdout.decode().count("\n") == 3
    missing = run_cli("restore", str(tmp_path / "missing.txt"))
    assert missing.returncode == 2 and b"missing.txt" in missing.stderr and not missing.stdout


def test_every_sample_gives_five_files_and_valid_json(samples_run):
    done, out = samples_run
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""  # progress and logs go to stderr only
    inputs = sample_inputs()
    assert len([p for p in inputs if p.suffix == ".pdf"]) >= 2
    assert any(p.suffix == ".png" for p in inputs)
    for path in inputs:
        files = outputs_of(out, output_stem(path))
        assert all(f.is_file() for f in files), path.name
        payload = json.loads(files[0].read_text(encoding="utf-8"))
        validate(payload)
        ocr = files[2].read_text(encoding="utf-8")
        restored = files[3].read_text(encoding="utf-8")
        assert ocr.count("\n") == restored.count("\n")
        assert unicodedata.is_normalized("NFC", restored)
    assert b"done" in done.stderr


def test_scan_json_records_its_pages_and_confidence(samples_run):
    _, out = samples_run
    pdf = next(p for p in sample_inputs() if p.suffix == ".pdf")
    payload = json.loads((out / f"{pdf.stem}.json").read_text(encoding="utf-8"))
    assert payload["source"]["kind"] == "scan"
    assert payload["source"]["pages"] >= 2
    assert 0 < payload["quality"]["ocr_confidence"] <= 100


def test_review_pages_embed_every_page_read_in_the_workers(samples_run):
    """The page pictures are made in the worker processes and reach emit with the pages."""
    _, out = samples_run
    for path in sample_inputs():
        payload = json.loads((out / f"{output_stem(path)}.json").read_text(encoding="utf-8"))
        review = (out / f"{output_stem(path)}.review.html").read_text(encoding="utf-8")
        pictures = review.count('src="data:image/jpeg;base64,')
        assert pictures == len(payload["pages"]), path.name  # none for the text input
        assert "preview" not in json.dumps(payload)


def test_corrupt_inputs_fail_alone(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    png = next(p for p in sample_inputs() if p.suffix == ".png")
    shutil.copy(png, inputs / "scan.png")
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4\n%truncated and useless\n")
    (inputs / "notapicture.png").write_bytes(b"GIF89a but named png")
    out = tmp_path / "out"
    done = run_cli("run", str(inputs), "--out", str(out), "--jobs", "2")
    stderr = done.stderr.decode()
    assert done.returncode == 5, stderr  # E103 corrupt input
    assert "broken.pdf" in stderr and "notapicture.png" in stderr
    for name in ("good", "scan"):
        assert all(f.is_file() for f in outputs_of(out, name)), name
    for name in ("broken", "notapicture"):
        assert not any(f.exists() for f in outputs_of(out, name)), name
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f.name for name in ("good", "scan") for f in outputs_of(out, name))


def test_missing_path_is_named_and_the_rest_still_runs(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", str(tmp_path / "nope.pdf"), str(good), "--out", str(out))
    assert done.returncode == 3
    assert "nope.pdf" in done.stderr.decode()
    assert (out / "good.json").is_file()


def test_incremental_run_skips_inputs_with_newer_outputs(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("run", str(good), "--out", str(out), "--incremental").returncode == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run_cli("run", str(good), "--out", str(out), "--incremental")
    assert again.returncode == 0 and b"up to date" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_text_input_json_is_restored_and_structured(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("run", str(good), "--out", str(out)).returncode == 0
    payload = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert payload["source"]["kind"] == "text"
    assert (payload["header"]["number"], payload["header"]["symbol"]) == ("07", "KH-UBND")
    assert payload["sections"] and payload["sections"][0]["number"] == "I"
    restored = (out / "good.restored.txt").read_text(encoding="utf-8")
    assert "chuyển đổi số" in restored


def test_schema_command_prints_the_published_schema():
    done = run_cli("schema")
    assert done.returncode == 0
    published = (ROOT / "pipeline" / "schema" / "plan.schema.json").read_text(encoding="utf-8")
    assert json.loads(done.stdout) == json.loads(published)

"""Keep-words: the file, the restorer pinning its words, and `run` with --keep-words and the
keep-words.txt files beside the inputs. Place names here are invented."""

from __future__ import annotations

import json
import shlex
import subprocess
import unicodedata

import pytest
from conftest import ROOT, run_cli

from pipeline.ingest import search
from pipeline.model import Box, Document, Line, Source, Word
from pipeline.restore import default_restorer
from pipeline.restore.inventory import generate_syllables, is_well_formed
from pipeline.text.keep_words import (
    KeepWords,
    KeepWordsError,
    default_files,
    parse_keep_words,
    read_keep_words,
)

# Typed text with an invented hamlet, "Bưởng Hạ": "bưởng" is a well-formed syllable that no
# word list attests; opening a list item, the restorer takes it for a slip of "hưởng".
PLACE = "Bưởng Hạ"
LINE = f"- {PLACE}: 35 hộ gia đình ở vùng trũng thấp, xã Tân Lập."
TEXT = (
    "ỦY BAN NHÂN DÂN\nXÃ TÂN LẬP\nSố: 12/KH-UBND\n\nKẾ HOẠCH\n"
    "Diễn tập phòng chống thiên tai năm 2026\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
    f"{LINE}\n"
)


# --- the file ----------------------------------------------------------------------------------

def test_comments_blank_lines_and_spaces_are_not_entries():
    keep = parse_keep_words("# hamlets the restorer gets wrong\n\n  Khe   Bưởng  \n"
                            "Nà Phưởng # fixed in review\n   # indented comment\n", "k.txt")
    assert keep.entries == ("Khe Bưởng", "Nà Phưởng")


def test_entries_are_nfc_with_official_tones_and_keep_their_case():
    decomposed = unicodedata.normalize("NFD", "Thuỷ Khê")
    keep = parse_keep_words(f"{decomposed}\nHOÀ XUÂN\n", "k.txt")
    assert keep.entries == ("Thủy Khê", "HÒA XUÂN")
    assert all(unicodedata.is_normalized("NFC", entry) for entry in keep.entries)


def test_an_entry_given_twice_in_other_case_or_tone_style_counts_once():
    keep = parse_keep_words("Thủy Khê\nthuỷ khê\nTHỦY KHÊ\n", "k.txt")
    assert keep.entries == ("Thủy Khê",)


@pytest.mark.parametrize(("text", "said"), [
    ("Khe Bưởng\n---\n", "line 2: '---' has no letters"),
    ("một hai ba bốn năm sáu bảy tám chín\n", "line 1: 9 words"),
    ("Khe\x00Bưởng\n", "line 1: control character"),
])
def test_a_line_that_is_no_word_is_an_error_naming_it(text, said):
    with pytest.raises(KeepWordsError, match=said):
        parse_keep_words(text, "k.txt")


def test_unreadable_files_are_errors_saying_why(tmp_path):
    latin = tmp_path / "latin.txt"
    cp1258 = unicodedata.normalize("NFD", "Hòa\n").encode("cp1258")  # a legacy Windows file
    latin.write_bytes("Khe Bưởng\n".encode() + cp1258)
    with pytest.raises(KeepWordsError, match=r"latin.txt: line 2: not UTF-8"):
        read_keep_words(latin)
    with pytest.raises(KeepWordsError, match="no such file"):
        read_keep_words(tmp_path / "missing.txt")
    with pytest.raises(KeepWordsError, match="not a regular file"):
        read_keep_words(tmp_path)


def test_fingerprint_follows_what_is_matched():
    one = parse_keep_words("Khe Bưởng\nNà Phưởng\n", "a")
    assert one.fingerprint() == parse_keep_words("nà phưởng\nKHE BƯỞNG\n", "b").fingerprint()
    assert one.fingerprint() != parse_keep_words("Khe Bưởng\n", "c").fingerprint()
    assert KeepWords().fingerprint() is None


def test_default_files_from_the_named_folder_down_to_the_input(tmp_path):
    (tmp_path / "2026" / "q1").mkdir(parents=True)
    scan = tmp_path / "2026" / "q1" / "scan.txt"
    scan.write_text(TEXT, encoding="utf-8")
    for folder in (tmp_path, tmp_path / "2026" / "q1"):
        (folder / "keep-words.txt").write_text(f"{PLACE}\n", encoding="utf-8")
    assert default_files(scan, tmp_path) == [tmp_path / "keep-words.txt",
                                             tmp_path / "2026" / "q1" / "keep-words.txt"]
    assert default_files(scan, scan.parent) == [scan.parent / "keep-words.txt"]
    found, _ = search(tmp_path)
    assert found == [scan]  # the lists are never inputs


# --- the restorer --------------------------------------------------------------------------------

def test_a_corrected_name_stays_as_corrected_only_with_keep_words():
    restorer = default_restorer()
    changed, changes = restorer.restore_lines([LINE])
    assert PLACE not in changed[0]  # what a reviewer corrected: the restorer breaks it again
    assert "Bưởng" in {change.ocr for change in changes}

    keep = parse_keep_words(f"# reviewed\n{PLACE.upper()}\n", "k.txt")
    caps = f"THÔN {PLACE.upper()}"
    kept, changes = restorer.restore_lines([LINE, caps], keep)
    assert kept == [LINE, caps]
    assert changes == []


def test_neighbours_of_a_pinned_word_are_still_restored():
    keep = parse_keep_words(f"{PLACE}\n", "k.txt")
    line = f"{PLACE} to chuc dien tap phong chong thien tai nam 2026"
    restored, changes = default_restorer().restore_lines([line], keep)
    assert restored == [f"{PLACE} tổ chức diễn tập phòng chống thiên tai năm 2026"]
    assert not {"Bưởng", "Hạ"} & {change.ocr for change in changes}


def test_a_pinned_word_is_no_doubt():
    """Every word of a scanned line read at Tesseract confidence 40 is a doubt (locations.py),
    except the words of a keep-words entry."""
    words = [Word(text=text, box=Box(left=40 * k, top=0, width=30, height=20), confidence=40.0)
             for k, text in enumerate(LINE.split())]
    document = Document(source=Source(file="x.png", sha256="0" * 64, kind="scan", pages=1),
                        ocr_lines=[LINE], page_lines=[Line(text=LINE, words=words, page=1)])
    unpinned = default_restorer().restore_document(document.model_copy(deep=True))
    assert [change.ocr for change in unpinned.quality.changes] == ["Bưởng"]
    assert "Hạ" in {doubt.text for doubt in unpinned.quality.doubts}
    keep = parse_keep_words(f"{PLACE}\n", "k.txt")
    document = default_restorer().restore_document(document, keep)
    assert document.restored_lines == [LINE]
    doubted = {doubt.text for doubt in document.quality.doubts}
    assert document.quality.changes == []
    assert "Lập" in doubted
    assert not {"Bưởng", "Hạ"} & doubted


# --- run and restore on the command line -----------------------------------------------------

def test_restore_command_takes_keep_words(tmp_path):
    keep = tmp_path / "keep.txt"
    keep.write_text(f"{PLACE}\n", encoding="utf-8")
    done = run_cli("restore", "--keep-words", str(keep), stdin=f"{LINE}\n".encode())
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == f"{LINE}\n"


def test_a_bad_keep_words_option_is_a_usage_error_before_any_input(tmp_path):
    plan = tmp_path / "in" / "plan.txt"
    plan.parent.mkdir()
    plan.write_text(TEXT, encoding="utf-8")
    bad = tmp_path / "keep.txt"
    bad.write_text("Khe Bưởng\n12/2026\n", encoding="utf-8")
    out = tmp_path / "out"
    missing = tmp_path / "missing.txt"
    for keep, why in ((bad, "line 2: '12/2026' has no letters"), (missing, "no such file")):
        done = run_cli("run", str(plan.parent), "--out", str(out), "--keep-words", str(keep))
        assert done.returncode == 2
        assert f"E002 usage: --keep-words {keep}: {why}" in done.stderr.decode()
    assert not list(out.glob("*.json"))


def test_a_bad_keep_words_file_beside_inputs_fails_only_those_inputs(tmp_path):
    bad_folder, good = tmp_path / "bad", tmp_path / "good.txt"
    bad_folder.mkdir()
    (bad_folder / "plan.txt").write_text(TEXT, encoding="utf-8")
    (bad_folder / "keep-words.txt").write_bytes(b"\xff\xfe Khe\n")
    good.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", str(bad_folder), str(good), "--out", str(out))
    assert done.returncode == 5
    stderr = done.stderr.decode()
    assert f"E103 bad keep-words file: {bad_folder / 'keep-words.txt'}: line 1: not UTF-8" \
        in stderr
    assert (out / "good.json").is_file() and not (out / "plan.json").exists()


def test_run_keeps_the_words_of_keep_words_txt_and_redoes_inputs_when_it_changes(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    (inputs / "2026").mkdir(parents=True)
    (inputs / "2026" / "plan.txt").write_text(TEXT, encoding="utf-8")
    restored = out / "2026" / "plan.restored.txt"

    assert run_cli("run", str(inputs), "--out", str(out), "--incremental").returncode == 0
    assert PLACE not in restored.read_text(encoding="utf-8")  # without the list: changed
    options = json.loads((out / "2026" / "plan.json").read_text(encoding="utf-8"))[
        "source"]["options"]
    assert options["keep_words"] is None

    (inputs / "keep-words.txt").write_text(f"# reviewed\n{PLACE}\n", encoding="utf-8")
    again = run_cli("run", str(inputs), "--out", str(out), "--incremental")
    assert again.returncode == 0 and b"up to date" not in again.stderr  # the list is new
    assert LINE in restored.read_text(encoding="utf-8")
    payload = json.loads((out / "2026" / "plan.json").read_text(encoding="utf-8"))
    assert payload["source"]["options"]["keep_words"] == parse_keep_words(
        PLACE, "k").fingerprint()
    assert not {"Bưởng", "Hạ"} & {change["ocr"] for change in payload["quality"]["changes"]}
    assert not (out / "keep-words.json").exists()  # the list is no input

    same = run_cli("run", str(inputs), "--out", str(out), "--incremental")
    assert same.returncode == 0 and b"up to date" in same.stderr
    (inputs / "keep-words.txt").write_text(f"{PLACE}\nNà Chuồi\n", encoding="utf-8")
    changed = run_cli("run", str(inputs), "--out", str(out), "--incremental")
    assert changed.returncode == 0 and b"up to date" not in changed.stderr


def test_keep_words_option_and_default_file_add_up(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    other = "Phưởng Thượng"
    (inputs / "plan.txt").write_text(f"{TEXT}- {other}: 20 hộ gia đình ven suối.\n",
                                     encoding="utf-8")
    (inputs / "keep-words.txt").write_text(f"{PLACE}\n", encoding="utf-8")
    option = tmp_path / "reviewed.txt"
    option.write_text(f"{other}\n", encoding="utf-8")
    done = run_cli("run", str(inputs), "--out", str(out), "--keep-words", str(option))
    assert done.returncode == 0, done.stderr.decode()
    restored = (out / "plan.restored.txt").read_text(encoding="utf-8")
    assert LINE in restored and f"- {other}: 20 hộ" in restored


# --- typed text keeps a name no word list knows ----------------------------------------------

def test_typed_text_keeps_an_unlisted_name_after_a_word_but_fixes_slips_in_strong_context():
    lines = ["Nhân dân thôn Khe Bưởng và thôn Nà Phưởng tham gia diễn tập.",
             "Người bệnh được chuyển lên Đệnh viện đa khoa tỉnh để điều trị."]
    restored, _ = default_restorer().restore_lines(lines)
    assert restored[0] == lines[0]  # "bưởng", "phưởng": no word list has them: names
    assert "Bệnh viện đa khoa" in restored[1]  # a slip the context is sure of still fixed


def test_well_formed_is_what_the_syllable_generator_makes():
    generated = generate_syllables()
    assert all(is_well_formed(syllable) for syllable in generated)
    near = {syllable[:-1] for syllable in generated} | {"nguời", "đuợc", "thoả", "kha", "ce"}
    assert all(is_well_formed(text) == (text in generated) for text in near)


def test_make_run_passes_keep_words():
    def run_line(*variables: str) -> list[str]:
        done = subprocess.run(["make", "-n", "run", *variables], cwd=ROOT, capture_output=True,
                              check=False, timeout=60)
        line = next(line for line in done.stdout.decode().splitlines()
                    if "-m pipeline run" in line)
        return shlex.split(line)

    words = run_line("KEEP_WORDS=reviewed names.txt")
    assert words[words.index("--keep-words") + 1] == "reviewed names.txt"
    assert "--keep-words" not in run_line()

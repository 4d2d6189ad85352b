"""Issue 11, the batch runner: output names, what a failure or a kill leaves behind, the
output folder, clear answers, --incremental, progress.

Each test is one bad input or fault, registered with `case` in CASES: (what was tried, what the
user gets). `python -m tools.reliability_doc` writes docs/reliability.md from every
tests/test_reliability_*.py module's CASES.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import termios
import textwrap
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, run_cli

from pipeline import __version__, cli
from pipeline.emit import STAGING_PREFIX, SUFFIXES
from pipeline.run import Options, run_inputs

CASES: list[tuple[str, str]] = []


def case(tried: str, answer: str):
    """Register a test's case for docs/reliability.md."""
    CASES.append((tried, answer))
    return lambda test: test


def plan_text(number: int) -> str:
    return (f"ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: {number:02d}/KH-UBND\n\nKE HOACH\n"
            "Trién khai chuyén doi s6 nam 2026\n\nI. MUC DICH, YEU CAU\n- Nang cao nhan thirc.\n")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def outputs_of(folder: Path, name: str) -> list[Path]:
    return [folder / f"{name}{suffix}" for suffix in SUFFIXES]


def number_in(json_path: Path) -> str:
    header = json.loads(json_path.read_text(encoding="utf-8"))["header"]
    return f"{header['number']}/{header['symbol']}"


@pytest.fixture
def pipeline_log_level():
    """cli.main run in this process sets the pipeline logger's level: put it back after."""
    logger = logging.getLogger("pipeline")
    level = logger.level
    yield
    logger.setLevel(level)


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --- 1: unique, stable output names ---------------------------------------------------------------

@case("two inputs `2025/scan.txt` and `2026/scan.txt` under the folder given",
      "outputs named after the path under that folder: `OUT/2025/scan.*`, `OUT/2026/scan.*`, "
      "the same in every run")
def test_same_file_name_in_two_subfolders_gets_two_output_sets(tmp_path):
    write(tmp_path / "in" / "2025" / "scan.txt", plan_text(1))
    write(tmp_path / "in" / "2026" / "scan.txt", plan_text(2))
    out = tmp_path / "out"
    for _ in range(2):  # stable: a second run writes the same names, nothing more
        done = run_cli("run", str(tmp_path / "in"), "--out", str(out))
        assert done.returncode == 0, done.stderr.decode()
        assert files_under(out) == sorted(f"{year}/scan{s}" for year in ("2025", "2026")
                                          for s in SUFFIXES)
    assert number_in(out / "2025" / "scan.json") == "01/KH-UBND"
    assert number_in(out / "2026" / "scan.json") == "02/KH-UBND"
    payload = json.loads((out / "2026" / "scan.json").read_text(encoding="utf-8"))
    assert payload["source"]["file"] == "2026/scan.txt"


@case("`scan.txt` at the top of two folders both named on the command line",
      "`scan.txt-HASH.*` for each, HASH from the input's full path: distinct and stable")
def test_same_name_in_two_folders_on_the_command_line_gets_two_output_sets(tmp_path):
    write(tmp_path / "a" / "scan.txt", plan_text(1))
    write(tmp_path / "b" / "scan.txt", plan_text(2))
    out = tmp_path / "out"
    args = ("run", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(out))
    assert run_cli(*args).returncode == 0
    first = files_under(out)
    assert run_cli(*args).returncode == 0
    assert files_under(out) == first and len(first) == 2 * len(SUFFIXES)
    numbers = {number_in(out / name) for name in first if name.endswith(".json")}
    assert numbers == {"01/KH-UBND", "02/KH-UBND"}


# --- 5: a failure keeps earlier outputs -----------------------------------------------------------

@case("an input that fails after an earlier run made its outputs",
      "the failure is named (E103 here) and the earlier outputs are kept as they were")
def test_failed_input_keeps_the_outputs_of_an_earlier_run(tmp_path):
    plan = write(tmp_path / "in" / "plan.txt", plan_text(1))
    out = tmp_path / "out"
    assert run_cli("run", str(plan), "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in outputs_of(out, "plan")}
    plan.write_bytes(b"\x00\x01binary garbage\x00")
    done = run_cli("run", str(plan), "--out", str(out))
    assert done.returncode == 5 and b"plan.txt" in done.stderr
    assert {p: p.read_bytes() for p in outputs_of(out, "plan")} == before


# --- 6: the output folder and the inputs ----------------------------------------------------------

@case("`--out` a folder inside the input folder, run again",
      "the output folder is never searched: one input, one set of outputs, every time")
def test_output_folder_inside_the_input_folder_is_not_read_back(tmp_path):
    folder = tmp_path / "in"
    write(folder / "plan.txt", plan_text(1))
    out = folder / "out"
    for _ in range(2):
        done = run_cli("run", str(folder), "--out", str(out))
        assert done.returncode == 0, done.stderr.decode()
        assert b"1 input(s)" in done.stderr
    assert files_under(out) == sorted(f"plan{s}" for s in SUFFIXES)


@case("`--out` the input folder itself",
      "E002 usage error before anything is read or written")
def test_output_folder_equal_to_the_input_folder_is_refused(tmp_path):
    folder = tmp_path / "in"
    write(folder / "plan.txt", plan_text(1))
    done = run_cli("run", str(folder), "--out", str(folder))
    assert done.returncode == 2 and b"input folder" in done.stderr
    assert files_under(folder) == ["plan.txt"]


@case("`NAME.ocr.txt` given with `--out` its own folder (its output NAME.ocr.txt is itself)",
      "E301 for that input, the input file untouched")
def test_outputs_never_overwrite_an_input(tmp_path):
    raw = plan_text(1).replace("\n", "\r\n").encode()  # the output would differ: \n, NFC
    source = tmp_path / "plan.ocr.txt"
    source.write_bytes(raw)
    done = run_cli("run", str(source), "--out", str(tmp_path))
    assert done.returncode == 8 and b"would overwrite an input" in done.stderr
    assert source.read_bytes() == raw
    assert files_under(tmp_path) == ["plan.ocr.txt"]


# --- 7: a set appears at once, staging folders cleaned --------------------------------------------

KILL_WHILE_MOVING = textwrap.dedent("""
    import os, signal, sys
    real_replace = os.replace
    moves = []

    def replace_then_die(source, target):
        moves.append(target)
        if len(moves) == 3:  # killed (as by SIGKILL) after two of its files moved
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(source, target)

    os.replace = replace_then_die
    from pipeline.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@case("the run killed (SIGKILL) while moving an input's files into place",
      "no NAME.json beside files of another run (the JSON is moved last and marks a complete "
      "set); the next run removes the staging folder left behind and makes the set again")
def test_killed_while_writing_leaves_no_mixed_set_and_the_next_run_cleans_up(tmp_path):
    plan = write(tmp_path / "plan.txt", plan_text(1))
    out = tmp_path / "out"
    assert run_cli("run", str(plan), "--out", str(out)).returncode == 0
    write(plan, plan_text(2))
    script = write(tmp_path / "kill_while_moving.py", KILL_WHILE_MOVING)
    killed = subprocess.run([sys.executable, str(script), "run", str(plan), "--out", str(out)],
                            capture_output=True, cwd=ROOT, timeout=120, check=False,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert killed.returncode == -9
    json_path, _, ocr_path, *_ = outputs_of(out, "plan")
    if json_path.exists():  # a JSON present must be the new run's, with the new run's text
        assert number_in(json_path) == "02/KH-UBND"
        assert "02/KH-UBND" in ocr_path.read_text(encoding="utf-8")
    assert any(p.name.startswith(".") for p in out.iterdir())  # the killed run's staging
    again = run_cli("run", str(plan), "--out", str(out), "--incremental")
    assert again.returncode == 0, again.stderr.decode()
    assert sorted(p.name for p in out.iterdir()) == sorted(f"plan{s}" for s in SUFFIXES)
    assert number_in(json_path) == "02/KH-UBND"


def test_a_staging_folder_of_a_running_writer_is_kept(tmp_path):
    out = tmp_path / "out"
    live = out / f"{STAGING_PREFIX}{os.getpid()}.abc"  # this test's process: alive
    write(live / "plan.json", "{}")
    plan = write(tmp_path / "plan.txt", plan_text(1))
    assert run_cli("run", str(plan), "--out", str(out)).returncode == 0
    assert live.is_dir()


# --- 9: output folder not writable ----------------------------------------------------------------

def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True, check=False)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs unshare -m and mount (root)")


def run_cli_with_mounts(mounts: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` in a private mount namespace after the shell `mounts`."""
    command = f"{mounts} && exec {shlex.quote(sys.executable)} -m pipeline " + shlex.join(args)
    return subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=False)


@needs_mount
@case("`--out` on a read-only file system",
      "E301 naming the folder, before any input is read or OCR'd")
def test_read_only_output_folder_fails_before_any_ocr(tmp_path):
    write(tmp_path / "in" / "plan.txt", plan_text(1))
    (tmp_path / "in" / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n not OCR'd")
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli_with_mounts(f"mount -t tmpfs -o ro tmpfs {shlex.quote(str(out))}",
                               "run", str(tmp_path / "in"), "--out", str(out))
    stderr = done.stderr.decode()
    assert done.returncode == 8, stderr
    assert "E301" in stderr and str(out) in stderr and "Read-only file system" in stderr
    assert "Traceback" not in stderr and "OCR" not in stderr and "input(s) ->" not in stderr


@needs_mount
@case("part of the output folder read-only (`OUT/2025` a read-only mount)",
      "E301 for each input written there, named; every later input still processed")
def test_read_only_part_of_the_output_fails_those_inputs_alone(tmp_path):
    for year in ("2025", "2026"):
        write(tmp_path / "in" / year / "scan.txt", plan_text(int(year) % 100))
    write(tmp_path / "in" / "zz.txt", plan_text(3))
    out = tmp_path / "out"
    mounts = (f"mount -t tmpfs tmpfs {shlex.quote(str(out))} && mkdir {shlex.quote(str(out))}/2025"
              f" && mount -t tmpfs -o ro tmpfs {shlex.quote(str(out))}/2025")
    out.mkdir()
    done = run_cli_with_mounts(mounts, "run", str(tmp_path / "in"), "--out", str(out))
    stderr = done.stderr.decode()
    assert done.returncode == 8, stderr
    assert "Traceback" not in stderr
    assert re.search(r"FAILED .*2025/scan\.txt: E301 .*Read-only file system", stderr), stderr
    assert "2026/scan.txt: done" in stderr and "zz.txt: done" in stderr
    assert "1 of 3 input(s) failed" in stderr


@case("a file where the output's subfolder should be (`OUT/2025` a file)",
      "E301 for the inputs that go there, named; the other inputs processed")
def test_output_subfolder_blocked_by_a_file_fails_those_inputs_alone(tmp_path):
    for year in ("2025", "2026"):
        write(tmp_path / "in" / year / "scan.txt", plan_text(int(year) % 100))
    out = tmp_path / "out"
    write(out / "2025", "a file where a folder should be")
    done = run_cli("run", str(tmp_path / "in"), "--out", str(out))
    stderr = done.stderr.decode()
    assert done.returncode == 8 and "Traceback" not in stderr
    assert re.search(r"FAILED .*2025/scan\.txt: E301", stderr), stderr
    assert (out / "2026" / "scan.json").is_file()


# --- 15: clear answers ----------------------------------------------------------------------------

@case("an empty folder, or one with no supported files",
      "E101 \"no inputs found\", exit 3 (not \"nothing to do\")")
def test_a_folder_without_inputs_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "other" / "notes.docx", "not searched")
    for folder in ("empty", "other"):
        done = run_cli("run", str(tmp_path / folder), "--out", str(tmp_path / "out"))
        assert done.returncode == 3 and b"no inputs found" in done.stderr


@case("a folder named on the command line that cannot be read (permission denied)",
      "E103 naming the folder; the other inputs processed")
def test_an_unreadable_folder_is_an_error(tmp_path, monkeypatch, caplog):
    locked = tmp_path / "locked"
    write(locked / "plan.txt", plan_text(1))
    good = write(tmp_path / "good.txt", plan_text(2))
    real_scandir = os.scandir

    def scandir(path="."):  # permission bits do not stop root: refuse as the kernel would
        if isinstance(path, str | os.PathLike) and Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    caplog.set_level("INFO")
    code = run_inputs([locked, good], tmp_path / "out", Options())
    assert code == 5
    assert re.search(r"E103 .*locked.*Permission denied", caplog.text), caplog.text
    assert (tmp_path / "out" / "good.json").is_file()


@case("a PDF that needs a password to open",
      "E103 \"password required\", before any OCR")
def test_password_protected_pdf_says_so(tmp_path):
    path = tmp_path / "locked.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    done = run_cli("run", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 5
    assert re.search(rb"E103 .*locked\.pdf: password required", done.stderr), done.stderr


@case("a GIF renamed `.png`, a DOCX renamed `.pdf`",
      "E102 unsupported input, saying what the file really is")
def test_renamed_gif_and_docx_are_unsupported(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00")
    (tmp_path / "report.pdf").write_bytes(b"PK\x03\x04\x14\x00\x06\x00word/document.xml")
    done = run_cli("run", str(tmp_path), "--out", str(tmp_path / "out"))
    stderr = done.stderr.decode()
    assert done.returncode == 4, stderr
    assert re.search(r"E102 .*photo\.png: a GIF image", stderr)
    assert re.search(r"E102 .*report\.pdf: a ZIP archive \(DOCX", stderr)


@case("a bug (an unexpected exception) while processing one input",
      "E900 internal error with its traceback, exit 10; the other inputs processed")
def test_internal_error_has_its_own_code(tmp_path, monkeypatch, caplog):
    import pipeline.restore

    real_restore = pipeline.restore.restore_document

    def restore_with_a_bug(document, keep=None):
        if document.source.file == "bug.txt":
            raise ZeroDivisionError("a bug")
        return real_restore(document, keep)

    monkeypatch.setattr(pipeline.restore, "restore_document", restore_with_a_bug)
    write(tmp_path / "in" / "bug.txt", plan_text(1))
    write(tmp_path / "in" / "good.txt", plan_text(2))
    caplog.set_level("INFO")
    code = run_inputs([tmp_path / "in"], tmp_path / "out", Options())
    assert code == 10
    assert "E900 internal error" in caplog.text and "E001" not in caplog.text
    assert "ZeroDivisionError" in caplog.text
    assert (tmp_path / "out" / "good.json").is_file()


@case("a data file of the pipeline itself missing (a broken install: say, its lexicon)",
      "E203 naming the file, exit 6, before any input is read; nothing written")
def test_a_missing_data_file_fails_the_run_before_any_input(tmp_path, monkeypatch, caplog,
                                                            pipeline_log_level):
    from pipeline import ingest, resources

    monkeypatch.setattr(resources, "ARTIFACTS", (*resources.ARTIFACTS, "data/gone.txt"))
    read = []
    monkeypatch.setattr(ingest, "sniff", lambda path: read.append(path))
    write(tmp_path / "in" / "plan.txt", plan_text(1))
    code = cli.main(["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert code == 6
    assert "E203 missing pipeline data file: data/gone.txt" in caplog.text
    assert not read and files_under(tmp_path / "out") == []


# --- 16: --incremental by content, version and options --------------------------------------------

@case("`--incremental` after an input changed but kept an old file time, or after "
      "`--ocr` changed",
      "redone: outputs are keyed by the input's sha256, the pipeline version and --lang, "
      "--ocr, --image-dpi, all in the JSON's `source`")
def test_incremental_redoes_changed_content_and_options(tmp_path):
    plan = write(tmp_path / "plan.txt", plan_text(1))
    out = tmp_path / "out"
    assert run_cli("run", str(plan), "--out", str(out), "--incremental").returncode == 0
    source = json.loads((out / "plan.json").read_text(encoding="utf-8"))["source"]
    assert source["pipeline_version"] == __version__
    assert source["options"] == {"lang": "vie", "ocr": "auto", "image_dpi": None,
                                 "keep_words": None}
    write(plan, plan_text(2))
    os.utime(plan, (946684800, 946684800))  # the year 2000: older than its outputs
    done = run_cli("run", str(plan), "--out", str(out), "--incremental")
    assert done.returncode == 0 and number_in(out / "plan.json") == "02/KH-UBND"
    forced = run_cli("run", str(plan), "--out", str(out), "--incremental", "--ocr", "force")
    assert forced.returncode == 0 and b"1 input(s)" in forced.stderr
    source = json.loads((out / "plan.json").read_text(encoding="utf-8"))["source"]
    assert source["options"]["ocr"] == "force"


@case("`--incremental` after an input was touched (newer time, same content)",
      "skipped: \"nothing to do: every output is up to date\"")
def test_incremental_skips_a_touched_input(tmp_path):
    plan = write(tmp_path / "plan.txt", plan_text(1))
    out = tmp_path / "out"
    assert run_cli("run", str(plan), "--out", str(out), "--incremental").returncode == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    future = plan.stat().st_mtime + 3600
    os.utime(plan, (future, future))
    again = run_cli("run", str(plan), "--out", str(out), "--incremental")
    assert again.returncode == 0 and b"up to date" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


# --- 17: progress and the command line ------------------------------------------------------------

def run_cli_on_a_terminal(*args: str) -> tuple[int, str]:
    """`python -m pipeline ARGS` with stderr a terminal (a pty); its return code and stderr."""
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    child = subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=secondary, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return child.wait(timeout=120), b"".join(chunks).decode(errors="replace")


@case("a run watched on a terminal",
      "a page-level progress bar with a time estimate on stderr (none with -q or when stderr "
      "is not a terminal)")
def test_progress_bar_on_a_terminal_only(tmp_path):
    for number in (1, 2):
        write(tmp_path / "in" / f"plan{number}.txt", plan_text(number))
    out = str(tmp_path / "out")
    code, stderr = run_cli_on_a_terminal("run", str(tmp_path / "in"), "--out", out)
    assert code == 0, stderr
    assert re.search(r"2/2 \[\d\d:\d\d<\d\d:\d\d", stderr), stderr  # done/total [spent<left
    code, stderr = run_cli_on_a_terminal("run", str(tmp_path / "in"), "--out", out, "-q")
    assert code == 0 and stderr == ""
    piped = run_cli("run", str(tmp_path / "in"), "--out", out)
    assert piped.returncode == 0 and b"\r" not in piped.stderr and b"page/s" not in piped.stderr


def test_verbosity_flags_before_or_after_the_command(tmp_path):
    plan = write(tmp_path / "plan.txt", plan_text(1))
    for args in (("-q", "run", str(plan)), ("run", str(plan), "-q")):
        done = run_cli(*args, "--out", str(tmp_path / "out"))
        assert done.returncode == 0 and done.stderr == b"", done.stderr
    done = run_cli("schema", "-v")
    assert done.returncode == 0 and json.loads(done.stdout)


def test_version_names_the_tool():
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"vn-plan-pipeline {__version__}"


@case("`make all IN='my scans' OUT='my outputs'` (folder names with spaces)",
      "each passed as one argument")
def test_makefile_quotes_in_and_out():
    done = subprocess.run(["make", "-n", "run", "IN=my scans", "OUT=my outputs"], cwd=ROOT,
                          capture_output=True, check=False, timeout=60)
    line = next(line for line in done.stdout.decode().splitlines() if "-m pipeline run" in line)
    words = shlex.split(line)
    assert words[words.index("run") + 1] == "my scans"
    assert words[words.index("--out") + 1] == "my outputs"

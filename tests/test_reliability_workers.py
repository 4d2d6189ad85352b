"""Issue 11, page execution: what a batch run does when pages or their workers go wrong.

Faults are injected as a user would meet them: a fake `tesseract` program first on PATH that
hangs, or kills the worker that ran it (as the out-of-memory killer would); signals sent to
the CLI's process; bad images and PDF pages generated here. Every process the CLI starts
carries a marker in its environment, so that the tests can tell that none is left behind.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.synth import render_text_page

# (input or fault, what the user gets): docs/reliability.md is generated from these.
CASES = [
    ("an image over Pillow's decompression-bomb limit (200 Mpx)",
     "that input fails alone: E103 'image too large to decode safely', exit 5"),
    ("an image over the 60 Mpx page budget but under twice Pillow's limit (even 1-bit)",
     "decoded reduced to the budget and read"),
    ("a 1 x 1 px image (any page under 16 px a side)",
     "that input fails alone: E103 'too small to hold text', exit 5"),
    ("an oversized PDF page (200 x 200 in)",
     "that page fails: E103 'too large to read', exit 5; never a traceback"),
    ("Ctrl-C (SIGINT) while pages are being read",
     "queued pages cancelled, workers and their tesseract programs killed, "
     "exit 130 within 2 s"),
    ("SIGTERM while pages are being read", "the same, exit 143 within 2 s"),
    ("the main process killed (SIGKILL)",
     "every worker notices within a second and ends with the programs it runs"),
    ("a page worker killed once (as the OOM killer would)",
     "the pages it held are read again by a fresh worker: nothing lost, exit 0"),
    ("a page that kills its worker every time",
     "that page fails after two workers died on it (E001 'page worker died'); other inputs "
     "are written"),
    ("`tesseract --list-langs` hangs",
     "stopped after its time limit: scans fail with E202, text inputs are written, exit 7"),
    ("a FIFO (or device, socket) given as input",
     "refused before it is opened: E102 'not a regular file', exit 4"),
    ("Tesseract hangs on one page of a document",
     "stopped at VN_PLAN_TESSERACT_TIMEOUT: that page is marked failed (quality.failed_pages, "
     "pages[].error, a warning in the Markdown), the other pages are written, exit 7"),
    ("a page runs past the time limit of a page (VN_PLAN_PAGE_TIMEOUT)",
     "its worker is killed, the page is marked failed, the rest is written, exit 7"),
]

PY = sys.executable
GOOD_TEXT = "ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: 07/KH-UBND\n\nKẾ HOẠCH\nChuyển đổi số năm 2026\n"
SMALL_LINES = ["Ủy ban nhân dân xã An Hòa", "Kế hoạch chuyển đổi số"]
# A fake tesseract's images: the small pages' are under this (bytes of PGM), the big page's
# over it (its OSD image alone has 2 MB).
BIG_IMAGE_BYTES = 1_500_000


# -- helpers ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """Small pages (fast to read) and a big one, rendered once."""
    folder = tmp_path_factory.mktemp("pages")
    small = []
    for seed in (1, 2, 3):
        image, _ = render_text_page(SMALL_LINES, dpi=200, page_size=(90, 40), degrade="clean",
                                    seed=seed)
        small.append(image)
    lines = [f"Dòng thứ {i} của kế hoạch phòng, chống thiên tai năm 2026" for i in range(40)]
    big, _ = render_text_page(lines, dpi=300, page_size="A4", degrade="clean", seed=4)
    return folder, small, big.convert("L")


def save_small(images, folder: Path, names: list[str]) -> list[Path]:
    _, small, _ = images
    paths = []
    for index, name in enumerate(names):
        path = folder / name
        small[index % len(small)].copy().save(path, dpi=(200, 200))
        paths.append(path)
    return paths


class Cli:
    """The CLI in its own session, every process it starts marked in its environment."""

    def __init__(self, tmp_path: Path, fake_tesseract: str | None = None, **env: str):
        self.marker = uuid.uuid4().hex
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "VN_PLAN_TEST_MARKER": self.marker,
                    **env}
        if fake_tesseract is not None:
            folder = tmp_path / "fakebin"
            folder.mkdir(exist_ok=True)
            script = folder / "tesseract"
            script.write_text(f"#!{PY}\n{fake_tesseract}", encoding="utf-8")
            script.chmod(0o755)
            self.env["PATH"] = f"{folder}{os.pathsep}{self.env['PATH']}"
            self.env["VN_PLAN_LIBTESSERACT"] = "0"  # the program, not the library
            self.env["REAL_TESSERACT"] = "/usr/bin/tesseract"
        self.process: subprocess.Popen | None = None

    def start(self, *args: str) -> subprocess.Popen:
        self.process = subprocess.Popen(
            [PY, "-m", "pipeline", *args], cwd=ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self.process

    def run(self, *args: str, timeout: float = 120) -> tuple[int, str, bytes]:
        process = self.start(*args)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.cleanup()
            pytest.fail(f"the CLI did not end within {timeout} s")
        return process.returncode, err.decode(errors="replace"), out

    def processes(self) -> list[int]:
        """Live processes carrying this run's marker (the CLI, its workers, their programs)."""
        return marked_processes(self.marker)

    def cleanup(self) -> None:
        for pid in self.processes():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(5)


def marked_processes(marker: str) -> list[int]:
    needle = f"VN_PLAN_TEST_MARKER={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def command_lines(pids: list[int]) -> list[str]:
    lines = []
    for pid in pids:
        try:
            lines.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return lines


@pytest.fixture
def cli(tmp_path):
    made: list[Cli] = []

    def make(fake_tesseract: str | None = None, **env: str) -> Cli:
        made.append(Cli(tmp_path, fake_tesseract, **env))
        return made[-1]

    yield make
    for one in made:
        one.cleanup()


# A tesseract that reads (the real program) but hangs on the OCR of every page: workers are
# busy in it when the signal comes.
HANGING_TESSERACT = """import os, sys, time
if "--list-langs" in sys.argv or "--version" in sys.argv:
    os.execv(os.environ["REAL_TESSERACT"], ["tesseract", *sys.argv[1:]])
time.sleep(120)
"""

# A tesseract that hangs on big images only (the A4 page), else the real program.
HANGING_ON_BIG_TESSERACT = f"""import os, sys, time
image = sys.argv[1] if len(sys.argv) > 1 else ""
if os.path.isfile(image) and os.path.getsize(image) > {BIG_IMAGE_BYTES}:
    time.sleep(120)
os.execv(os.environ["REAL_TESSERACT"], ["tesseract", *sys.argv[1:]])
"""


def outputs(folder: Path, name: str) -> list[Path]:
    from pipeline.emit import SUFFIXES

    return [folder / f"{name}{suffix}" for suffix in SUFFIXES]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


# -- item 8: images and pages too large or too small ------------------------------------------

def test_bomb_tiny_and_oversized_inputs_fail_alone_with_e103(tmp_path, cli):
    import pikepdf
    from PIL import Image

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    Image.new("1", (20000, 10000), 1).save(inputs / "bomb.png")  # 200 Mpx, 45 kB
    Image.new("L", (1, 1), 255).save(inputs / "dot.png")
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(14400, 14400))  # 200 x 200 in, the largest PDF page
        pdf.save(inputs / "huge_page.pdf")
    out = tmp_path / "out"
    code, stderr, stdout = cli().run("run", str(inputs), "--out", str(out), "--jobs", "2")
    assert code == 5, stderr
    assert "Traceback" not in stderr and stdout == b""
    for name, reason in (("bomb.png", "too large to decode safely"),
                         ("dot.png", "too small to hold text"),
                         ("huge_page.pdf", "too large to read")):
        line = next(line for line in stderr.splitlines() if f"FAILED {inputs / name}" in line)
        assert "E103" in line and reason in line, line
    assert all(path.is_file() for path in outputs(out, "good"))
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in outputs(out, "good"))


def test_a_large_1_bit_image_is_reduced_not_a_crash(tmp_path, monkeypatch):
    """Over the page budget, a 1-bit (or palette) image is reduced like any other (Pillow's
    reduce takes neither mode: ValueError, exit 10 before)."""
    from PIL import Image

    from pipeline.ocr import rasterize

    monkeypatch.setattr(rasterize, "MAX_PAGE_PIXELS", 10_000)
    for mode in ("1", "P"):
        path = tmp_path / f"page_{mode}.png"
        Image.new(mode, (400, 300), 1).save(path)
        page = rasterize.load_page(path, "image", 1)
        assert page.pixels.shape[0] * page.pixels.shape[1] <= 10_000
        assert any("reduced" in note for note in page.notes)


# -- item 10: signals ------------------------------------------------------------------------

def start_busy_run(cli, images, tmp_path, fake_tesseract: str | None = None) -> Cli:
    """A run of six full pages (about 3 s each), two workers, both reading one."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in "abcdef":
        images[2].copy().save(inputs / f"{name}.png", dpi=(300, 300))
    run = cli(fake_tesseract)
    run.start("run", str(inputs), "--out", str(tmp_path / "out"), "--jobs", "2")
    wait_for(lambda: len(workers_of(run)) >= 2, 60, "two page workers")
    time.sleep(0.8)  # into their first pages
    return run


def workers_of(run: Cli) -> list[int]:
    """The run's processes but its main one and the programs they run."""
    return [pid for pid in run.processes() if pid != run.process.pid
            and "pipeline" in " ".join(command_lines([pid]))]


@pytest.mark.parametrize(("signum", "whole_group", "code"), [
    (signal.SIGINT, True, 130),  # Ctrl-C: the terminal signals the foreground process group
    (signal.SIGTERM, False, 143),
])
def test_a_signal_stops_the_run_within_2_s_and_leaves_no_process(tmp_path, cli, images, signum,
                                                                   whole_group, code):
    run = start_busy_run(cli, images, tmp_path)
    started = time.monotonic()
    if whole_group:
        os.killpg(run.process.pid, signum)
    else:
        run.process.send_signal(signum)
    try:
        run.process.wait(timeout=2.0)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running 2 s after {signal.Signals(signum).name}")
    wait_for(lambda: not run.processes(), 2.0 - (time.monotonic() - started),
             "no process left")
    assert run.process.returncode == code
    stderr = run.process.stderr.read().decode(errors="replace")
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out" / "f.json").exists()  # queued pages were cancelled


def test_a_signal_whose_interrupt_python_dropped_in_a_del_still_stops_the_run():
    """Python prints and drops an exception raised inside a __del__: a SIGTERM landing while
    the garbage collector runs one (as regex patterns are compiled) must still stop the run."""
    from pipeline.workers import Interrupted, PagePool

    class SignalsWhenCollected:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)

    started = time.monotonic()
    with pytest.raises(Interrupted), PagePool(1):
        SignalsWhenCollected()  # collected at once: the handler's exception is dropped
        while time.monotonic() - started < 5:
            time.sleep(0.01)
    assert time.monotonic() - started < 1
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the pool put it back


def test_a_killed_main_process_leaves_no_worker(tmp_path, cli, images):
    run = start_busy_run(cli, images, tmp_path)
    os.kill(run.process.pid, signal.SIGKILL)
    run.process.wait(5)
    wait_for(lambda: not run.processes(), 2.0, "the workers to end")


def test_ctrl_c_and_a_killed_main_process_end_the_programs_workers_run(tmp_path, cli, images):
    """Workers stuck in the tesseract program (run instead of the library): the programs end
    with them, on Ctrl-C and when the main process is killed."""
    for signum in (signal.SIGINT, signal.SIGKILL):
        folder = tmp_path / signal.Signals(signum).name
        folder.mkdir()
        run = start_busy_run(cli, images, folder, HANGING_TESSERACT)
        wait_for(lambda run=run: sum("fakebin/tesseract" in line and "--list-langs" not in line
                                     for line in command_lines(run.processes())) >= 2,
                 30, "two workers in tesseract")
        started = time.monotonic()
        (os.killpg if signum == signal.SIGINT else os.kill)(run.process.pid, signum)
        run.process.wait(5)
        wait_for(lambda run=run: not run.processes(), 2.0 - (time.monotonic() - started),
                 f"no process left after {signal.Signals(signum).name}")


# -- item 11: a worker killed ----------------------------------------------------------------

def test_a_worker_killed_once_loses_no_page(tmp_path, cli, images):
    """A worker killed from outside in the middle of a page, as the OOM killer does."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    images[2].copy().save(inputs / "a.png", dpi=(300, 300))
    images[2].copy().save(inputs / "b.png", dpi=(300, 300))
    save_small(images, inputs, ["c.png", "d.png"])
    out = tmp_path / "out"
    run = cli()
    run.start("run", str(inputs), "--out", str(out), "--jobs", "2")
    wait_for(lambda: len(workers_of(run)) >= 2, 60, "two page workers")
    time.sleep(0.8)
    os.kill(workers_of(run)[0], signal.SIGKILL)
    stdout, stderr = run.process.communicate(timeout=120)
    stderr = stderr.decode(errors="replace")
    assert run.process.returncode == 0, stderr
    assert "BrokenProcessPool" not in stderr and "died" in stderr
    for name in "abcd":
        assert all(path.is_file() for path in outputs(out, name)), name
    assert "2026" in (out / "a.ocr.txt").read_text(encoding="utf-8")


def test_only_the_page_that_kills_its_worker_twice_fails(tmp_path, cli, images):
    inputs = tmp_path / "in"
    inputs.mkdir()
    save_small(images, inputs, ["a.png", "b.png", "c.png"])
    out = tmp_path / "out"
    code, stderr, _ = cli(VN_PLAN_TEST_FAULT="kill:b.png:1").run(
        "run", str(inputs), "--out", str(out), "--jobs", "2")
    assert code == 1, stderr
    failed = [line for line in stderr.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and "b.png" in failed[0] and "died 2 times" in failed[0], stderr
    assert "BrokenProcessPool" not in stderr
    for name in ("a", "c"):
        assert all(path.is_file() for path in outputs(out, name)), name
    assert not any(path.exists() for path in outputs(out, "b"))


def double(number: int) -> int:
    return 2 * number


def die_on_three(number: int) -> int:
    if number == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return number


def die_on_three_once(argument: tuple[int, str]) -> int:
    number, once = argument
    if number == 3:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            os.kill(os.getpid(), signal.SIGKILL)
        except FileExistsError:
            pass
    return number


def sleep_on_two(number: int) -> int:
    if number == 2:
        time.sleep(60)
    return number


def test_pool_reads_again_what_a_dead_worker_held(tmp_path):
    from pipeline.workers import PagePool, gather

    once = str(tmp_path / "once")
    with PagePool(2) as pool:
        tasks = [pool.submit(die_on_three_once, (n, once), f"page {n}") for n in range(8)]
        values, failures = gather(tasks)
    assert sorted(values) == list(range(8)) and not failures
    with PagePool(2) as pool:
        tasks = [pool.submit(die_on_three, n, f"page {n}") for n in range(8)]
        values, failures = gather(tasks)
    assert sorted(values) == [0, 1, 2, 4, 5, 6, 7]
    assert [(task.argument, type(error).__name__) for task, error in failures] == \
        [(3, "WorkerDied")]


def test_pool_stops_a_page_over_its_time_limit(tmp_path):
    from pipeline.errors import ExternalToolFailed
    from pipeline.workers import PagePool, gather

    started = time.monotonic()
    with PagePool(2, page_timeout=1.0) as pool:
        values, failures = gather([pool.submit(sleep_on_two, n) for n in range(5)])
        assert sorted(values) == [0, 1, 3, 4]
        assert [task.argument for task, _ in failures] == [2]
        assert isinstance(failures[0][1], ExternalToolFailed)
        assert [pool.submit(double, 4).result()] == [8]  # a fresh worker took its place
    assert time.monotonic() - started < 10


# -- item 12: time limits and non-regular files ------------------------------------------------

def test_a_stuck_tesseract_list_langs_times_out_and_text_inputs_are_written(tmp_path, cli,
                                                                           images):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    save_small(images, inputs, ["scan.png"])
    out = tmp_path / "out"
    stuck = "import time\ntime.sleep(120)\n"  # every call hangs, --list-langs too
    run = cli(stuck, VN_PLAN_TESSERACT_TIMEOUT="2")
    started = time.monotonic()
    code, stderr, _ = run.run("run", str(inputs), "--out", str(out), timeout=60)
    assert time.monotonic() - started < 30
    assert code == 7, stderr
    assert "--list-langs timed out" in stderr
    assert all(path.is_file() for path in outputs(out, "good"))
    assert not run.processes()


def test_every_external_call_has_a_time_limit():
    """In pipeline/external/ every call of subprocess, pytesseract and pdf2image passes a
    timeout (pytesseract.get_languages cannot: it must not be used)."""
    needing = {"run", "Popen", "check_output", "image_to_data", "image_to_osd", "image_to_string",
               "convert_from_path", "pdfinfo_from_path", "get_languages"}
    missing = []
    modules = sorted((ROOT / "pipeline" / "external").glob("*.py"))
    assert len(modules) > 1
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in needing and not any(k.arg == "timeout" for k in node.keywords):
                missing.append(f"{module.name} line {node.lineno}: {name}")
    assert not missing


def test_external_programs_are_run_from_pipeline_external_only():
    """No other module of the pipeline imports what runs a program."""
    runners = {"subprocess", "pytesseract", "pdf2image", "ctypes"}
    found = []
    for module in sorted((ROOT / "pipeline").rglob("*.py")):
        if "external" in module.relative_to(ROOT / "pipeline").parts:
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{module.name}: {name}" for name in names
                      if name.split(".")[0] in runners]
    assert not found


def test_a_fifo_input_is_refused_before_it_blocks(tmp_path, cli):
    inputs = tmp_path / "in"
    inputs.mkdir()
    fifo = inputs / "pipe.txt"
    os.mkfifo(fifo)
    good = inputs / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    code, stderr, _ = cli().run("run", str(fifo), str(good), "--out", str(out), timeout=60)
    assert code == 4, stderr
    assert "not a regular file (a FIFO)" in stderr
    assert all(path.is_file() for path in outputs(out, "good"))


# -- item 13: a page that times out ------------------------------------------------------------

def two_page_tiff(images, path: Path) -> Path:
    """Page 1 small (read), page 2 the big A4 page (the one made to hang)."""
    _, small, big = images
    # (copies: Pillow keeps a save's encoder settings on the image, and a TIFF's appended
    # frame would be written with the PNG's)
    small[0].convert("L").save(path, save_all=True, append_images=[big.copy()], dpi=(200, 200))
    return path


def check_page_two_failed(out: Path, stderr: str, reason: str) -> None:
    assert all(path.is_file() for path in outputs(out, "doc")), stderr
    payload = json.loads((out / "doc.json").read_text(encoding="utf-8"))
    assert payload["quality"]["failed_pages"] == [2]
    assert payload["source"]["pages"] == 2
    first, second = payload["pages"]
    assert first["error"] is None and first["text_source"] == "ocr"
    assert second["text_source"] == "none" and reason in second["error"]
    assert second["error"].startswith("E202")
    assert "Ủy ban" in (out / "doc.ocr.txt").read_text(encoding="utf-8")
    assert "Trang 2 không đọc được" in (out / "doc.md").read_text(encoding="utf-8")
    assert "written without a failed page: E202 external tool failed: page 2" in stderr


def test_a_page_that_times_out_in_tesseract_fails_alone(tmp_path, cli, images):
    inputs = tmp_path / "in"
    inputs.mkdir()
    two_page_tiff(images, inputs / "doc.tif")
    out = tmp_path / "out"
    run = cli(HANGING_ON_BIG_TESSERACT, VN_PLAN_TESSERACT_TIMEOUT="2")
    code, stderr, _ = run.run("run", str(inputs), "--out", str(out), "--jobs", "2")
    assert code == 7, stderr  # E202: not 0, though the document is written
    check_page_two_failed(out, stderr, "timed out after 2 s")


def test_a_page_over_the_page_time_limit_fails_alone(tmp_path, cli, images):
    inputs = tmp_path / "in"
    inputs.mkdir()
    two_page_tiff(images, inputs / "doc.tif")
    out = tmp_path / "out"
    run = cli(VN_PLAN_TEST_FAULT="hang:doc.tif:2", VN_PLAN_PAGE_TIMEOUT="3")
    code, stderr, _ = run.run("run", str(inputs), "--out", str(out), "--jobs", "2")
    assert code == 7, stderr
    check_page_two_failed(out, stderr, "time limit of a page")


def test_a_tesseract_timeout_on_one_page_keeps_the_others(tmp_path, monkeypatch, images):
    """The run in this process, Tesseract made to time out on the big page (the workers are
    forked from it, with the patched function)."""
    from pipeline import external
    from pipeline.errors import ExternalToolFailed
    from pipeline.run import Options, run_inputs

    read = external.tesseract_data

    def timing_out(image, *args, **kwargs):
        if image.height > 1500:
            raise ExternalToolFailed("tesseract timed out after 300 s")
        return read(image, *args, **kwargs)

    monkeypatch.setattr(external, "tesseract_data", timing_out)
    inputs = tmp_path / "in"
    inputs.mkdir()
    two_page_tiff(images, inputs / "doc.tif")
    out = tmp_path / "out"
    code = run_inputs([inputs], out, Options(jobs=2))
    assert code == 7
    assert all(path.is_file() for path in outputs(out, "doc"))
    payload = json.loads((out / "doc.json").read_text(encoding="utf-8"))
    assert payload["quality"]["failed_pages"] == [2]
    assert "timed out" in payload["pages"][1]["error"]
    assert "Ủy ban" in (out / "doc.ocr.txt").read_text(encoding="utf-8")

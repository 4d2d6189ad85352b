"""`run --executor dask`: the same outputs as local workers, byte for byte, and the same
failures (issue 15). Every run here starts real Dask worker processes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, run_cli

PNG = "plan_hoa_khanh_thuong_pctt.png"  # one page
PDF = "plan_dong_son_ha_tiem_chung.pdf"  # two pages


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _assert_same_outputs(got: Path, expected: Path, names: list[str] | None = None) -> None:
    """Every output file of `got` is in `expected` with the same bytes (of inputs `names`
    only, when given), and none is missing."""
    want = _files(expected)
    if names is not None:
        want = {name: data for name, data in want.items() if name.split(".")[0] in names}
    have = _files(got)
    assert sorted(have) == sorted(want)
    different = [name for name in want if have[name] != want[name]]
    assert not different, f"differ from the local executor's: {different}"


def _run_with_fault(tmp_path: Path, inputs: list[str], fault: str, once: bool, *options: str):
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    for name in inputs:
        shutil.copy(SAMPLES / name, folder / name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VN_PLAN_TEST_FAULT": fault}
    if once:
        env["VN_PLAN_TEST_FAULT_ONCE"] = str(tmp_path / "fault-happened")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(folder), "--out",
                           str(out), *options], capture_output=True, env=env, timeout=300,
                          check=False)
    return done, out


def test_samples_through_a_two_worker_local_cluster_are_byte_identical(samples_run, tmp_path):
    local, local_out = samples_run
    assert local.returncode == 0, local.stderr.decode()
    out = tmp_path / "dask"
    done = run_cli("run", str(SAMPLES), "--out", str(out), "--executor", "dask", "--jobs", "2",
                   "--pdf")  # as samples_run: NAME.pdf too
    assert done.returncode == 0, done.stderr.decode()
    _assert_same_outputs(out, local_out)
    source = json.loads((out / "plan_dong_son_ha_tiem_chung.json").read_text())["source"]
    assert "executor" not in source["options"]  # it changes nothing in the output


def test_a_lost_workers_page_is_read_again(samples_run, tmp_path):
    _, local_out = samples_run
    done, out = _run_with_fault(tmp_path, [PNG], f"kill:{PNG}:1", True,
                                "--executor", "dask", "--jobs", "2", "--pdf")
    assert (tmp_path / "fault-happened").exists()  # a worker was killed under the page
    assert done.returncode == 0, done.stderr.decode()
    _assert_same_outputs(out, local_out, [Path(PNG).stem])


def test_a_page_that_kills_every_worker_fails_alone_as_locally(tmp_path):
    fault = f"kill:{PDF}:2"
    dask, dask_out = _run_with_fault(tmp_path / "dask", [PDF], fault, False,
                                     "--executor", "dask", "--jobs", "2")
    local, local_out = _run_with_fault(tmp_path / "local", [PDF], fault, False, "--jobs", "2")
    assert local.returncode == dask.returncode == 1, dask.stderr.decode()
    assert b"page 2: the Dask workers reading it died 2 times" in dask.stderr
    stem = Path(PDF).stem
    for out in (dask_out, local_out):
        quality = json.loads((out / f"{stem}.json").read_text())["quality"]
        assert quality["failed_pages"] == [2]
    # page 1 as read by the other workers, the same either way
    assert ((dask_out / f"{stem}.ocr.txt").read_bytes()
            == (local_out / f"{stem}.ocr.txt").read_bytes())


def _cluster_env() -> dict[str, str]:
    """The environment the README gives the machines of a cluster."""
    return {**os.environ, "PYTHONPATH": str(ROOT),
            "DASK_CONFIG": str(ROOT / "pipeline" / "data" / "dask")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scheduler():
    """`dask scheduler` on a free port, as the README starts one; its address."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host",
                                "127.0.0.1", "--port", str(port), "--no-dashboard"],
                               env=_cluster_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    address = f"tcp://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield address
    _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Terminate a scheduler or worker started apart, killed if it lingers."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_scheduler_started_apart_with_no_worker_then_one(samples_run, scheduler, tmp_path):
    _, local_out = samples_run
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VN_PLAN_NO_WORKERS_TIMEOUT": "3"}
    command = [sys.executable, "-m", "pipeline", "run", str(SAMPLES / PNG), "--executor", "dask",
               "--scheduler", scheduler, "--pdf", "--out"]
    # no worker: the page fails after the wait allowed, the run does not hang
    alone = subprocess.run([*command, str(tmp_path / "none")], capture_output=True, env=env,
                           timeout=120, check=False)
    assert alone.returncode == 1, alone.stderr.decode()
    assert b"no Dask worker for 3 s" in alone.stderr
    worker_log = tmp_path / "worker.log"
    worker = subprocess.Popen([sys.executable, "-m", "dask", "worker", scheduler, "--nworkers",
                               "1", "--nthreads", "1", "--no-dashboard"], env=_cluster_env(),
                              stdout=subprocess.DEVNULL, stderr=worker_log.open("wb"))
    try:
        env["VN_PLAN_NO_WORKERS_TIMEOUT"] = "60"  # the worker is starting
        done = subprocess.run([*command, str(tmp_path / "out")], capture_output=True, env=env,
                              timeout=300, check=False)
    finally:
        _stop(worker)
    assert done.returncode == 0, done.stderr.decode()
    assert b"malloc settings" not in worker_log.read_bytes()  # the README's settings taken
    _assert_same_outputs(tmp_path / "out", local_out, [Path(PNG).stem])


def test_scheduler_needs_the_dask_executor(tmp_path):
    done = run_cli("run", str(SAMPLES / PNG), "--out", str(tmp_path), "--scheduler",
                   "tcp://127.0.0.1:8786")
    assert done.returncode == 2
    assert b"--scheduler needs --executor dask" in done.stderr


def _fails_naming_its_file(job):
    from pipeline.errors import CorruptInput

    raise CorruptInput(f"{job.path}: cannot be read")


def test_a_worker_names_the_clients_file_and_refuses_another_version(tmp_path, monkeypatch):
    from pipeline import __version__, dask_worker
    from pipeline.dask_worker import read_page
    from pipeline.ocr import PageJob

    monkeypatch.setattr(dask_worker, "_folder", tmp_path / "worker")  # its copies of inputs

    job = PageJob(tmp_path / "on-the-client" / "scan.png", "image", 1, "vie")
    kind, error = read_page(_fails_naming_its_file, job, b"not an image", "ab" * 32,
                            __version__)
    assert kind == "error" and error.exit_code == 5
    assert str(error) == f"E103 corrupt or unreadable input: {job.path}: cannot be read"
    kind, error = read_page(_fails_naming_its_file, job, b"", "cd" * 32, "0.0.0-other")
    assert kind == "error" and error.code == "E201" and "0.0.0-other" in str(error)

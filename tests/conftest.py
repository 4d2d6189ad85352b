"""Shared fixtures. Expensive results (OCR of the bundled samples) are made once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_INPUT_SUFFIXES = (".pdf", ".png", ".txt")


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` in a subprocess, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, cwd=cwd,
        env=env, timeout=900, check=False,
    )


def sample_inputs() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir()
                  if p.suffix in SAMPLE_INPUT_SUFFIXES and not p.name.startswith("."))


@pytest.fixture(scope="session")
def samples_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The pipeline run once over samples/ (what `make all` does), shared by several tests."""
    out = tmp_path_factory.mktemp("outputs")
    return run_cli("run", str(SAMPLES), "--out", str(out), "--jobs", "2"), out


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite tests/golden/ from the current output instead of comparing with it",
    )


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))

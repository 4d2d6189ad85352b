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
    """The pipeline run once over samples/ (what `make all` does, NAME.pdf too), shared by
    several tests."""
    out = tmp_path_factory.mktemp("outputs")
    return run_cli("run", str(SAMPLES), "--out", str(out), "--jobs", "2", "--pdf"), out


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", default=False,
        help="rewrite tests/golden/ from the current output instead of comparing with it",
    )


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


# An invented one-page plan (header, title, two sections) with two slips a typist could make,
# "quản ly" and "cán bo", for the restorer to repair: the review page's test input.
REVIEW_PAGE_LINES = [
    "ỦY BAN NHÂN DÂN XÃ AN HÒA",
    "Số: 12/KH-UBND",
    "An Hòa, ngày 5 tháng 3 năm 2026",
    "KẾ HOẠCH",
    "Chuyển đổi số trên địa bàn xã năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Nâng cao hiệu quả quản ly nhà nước trên địa bàn xã.",
    "- Tăng cường ứng dụng công nghệ thông tin trong cơ quan.",
    "II. NỘI DUNG",
    "- Hoàn thiện hạ tầng mạng và thiết bị cho cán bo.",
]


@pytest.fixture(scope="session")
def review_page_scan(tmp_path_factory) -> Path:
    """REVIEW_PAGE_LINES rendered as a mildly degraded A5 scan at 300 dpi (a PNG)."""
    from pipeline.synth import render_text_page

    image, _ = render_text_page(REVIEW_PAGE_LINES, dpi=300, page_size="A5", degrade="mild",
                                seed=3)
    path = tmp_path_factory.mktemp("review_scan") / "plan_an_hoa.png"
    image.save(path)
    return path

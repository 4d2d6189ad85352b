"""The pipeline as users install it (issue 12, item 1): a wheel built from this checkout,
installed into a fresh venv (not the editable install of development), run from a folder
outside the repository. Installed without `-e`, restore once got 0 lexicon terms and segment
failed every input (exit 10): the lexicon lived outside the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

LEXICON = "pipeline/data/vi_admin_terms.txt"
SAMPLE = SAMPLES / "plan_ngoc_lien.ocr.txt"
# In the fresh venv: where `pipeline` comes from, and what the restorer loaded.
PROBE = """
import json, pipeline
from pipeline.restore.lexicon import Lexicon
from pipeline.segment.vocabulary import lexicon_terms
print(json.dumps({"file": pipeline.__file__, "restore_terms": Lexicon.load().size,
                  "segment_agencies": len(lexicon_terms("agency"))}))
"""


def run(*command, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, timeout=timeout,
                          capture_output=True, check=False)


def build_wheel(folder: Path) -> Path:
    """`pip wheel` of a copy of the checkout (setuptools writes build/ and egg-info beside
    the sources); links kept as links, so the lexicon's link is followed by the build."""
    source = folder / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "pipeline", source / "pipeline", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "dictionaries", source / "dictionaries", symlinks=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    done = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder / "dist",
               source, cwd=folder, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    (wheel,) = (folder / "dist").glob("vn_plan_pipeline-*.whl")
    return wheel


def fresh_venv(folder: Path, wheel: Path) -> Path:
    """A venv with the wheel installed by pip; the other dependencies are the test's own
    (its site-packages as a plain path: no .pth in it is run, so no editable finder)."""
    venv = folder / "venv"
    done = run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=folder)
    assert done.returncode == 0, done.stderr.decode()
    python = venv / "bin" / "python"
    done = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
               "--no-index", "-q", wheel, cwd=folder)
    assert done.returncode == 0, done.stderr.decode()
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
               cwd=folder).stdout.decode().strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(the venv's python, the installed package folder, a folder outside the repository)."""
    folder = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(folder)
    with zipfile.ZipFile(wheel) as archive:
        lexicon = archive.getinfo(LEXICON)
        assert archive.read(lexicon) == (ROOT / "dictionaries" / "vi_admin_terms.txt").read_bytes()
        assert (lexicon.external_attr >> 16) & 0o170000 != 0o120000  # content, not a link
    python = fresh_venv(folder, wheel)
    work = folder / "work"
    work.mkdir()
    probe = run(python, "-c", PROBE, cwd=work)
    assert probe.returncode == 0, probe.stderr.decode()
    found = json.loads(probe.stdout)
    package = Path(found["file"]).parent
    assert package.is_relative_to(folder / "venv"), found  # not the checkout, not -e
    assert not (package / "data" / "vi_admin_terms.txt").is_symlink()
    assert found["restore_terms"] > 5_000 and found["segment_agencies"] > 100, found
    return python, package, work


def test_installed_wheel_restores_and_runs_a_sample(installed):
    python, _, work = installed
    restored = run(python, "-m", "pipeline", "restore", SAMPLE, cwd=work)
    assert restored.returncode == 0, restored.stderr.decode()
    text = restored.stdout.decode("utf-8")
    assert text.count("\n") == SAMPLE.read_text(encoding="utf-8").count("\n")
    assert text != SAMPLE.read_text(encoding="utf-8")

    shutil.copy(SAMPLE, work / SAMPLE.name)
    done = run(python, "-m", "pipeline", "run", SAMPLE.name, "--out", "out", "-q", cwd=work)
    assert done.returncode == 0, done.stderr.decode()
    (output,) = (work / "out").glob("*.json")
    payload = json.loads(output.read_text(encoding="utf-8"))
    assert payload["source"]["kind"] == "text"
    assert "chuyển đổi số" in payload["title"] and payload["sections"]
    # The review page's templates, styles and script are package data too.
    review = output.with_name(output.name.removesuffix(".json") + ".review.html")
    page = review.read_text(encoding="utf-8")
    assert "chuyển đổi số" in page and "<style>" in page and 'addEventListener("keydown"' in page


def test_installed_package_without_its_lexicon_fails_with_e203(installed):
    """A broken install says what is missing, before any work: never an empty result."""
    python, package, work = installed
    lexicon = package / "data" / "vi_admin_terms.txt"
    kept = lexicon.with_suffix(".kept")
    lexicon.rename(kept)
    try:
        done = run(python, "-m", "pipeline", "run", SAMPLE, "--out", "broken", cwd=work)
        restored = run(python, "-m", "pipeline", "restore", SAMPLE, cwd=work)
    finally:
        kept.rename(lexicon)
    for failed in (done, restored):
        stderr = failed.stderr.decode()
        assert failed.returncode == 6, stderr
        assert "E203 missing pipeline data file: data/vi_admin_terms.txt" in stderr
    assert not restored.stdout
    assert not list((work / "broken").glob("*.json"))

"""pipeline.resources: every file read at run time is found in the package, the lexicon users
edit is the one the package reads, and a missing file is an error, never an empty result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT

import pipeline
from pipeline import resources
from pipeline.errors import MissingData
from pipeline.restore.lexicon import Lexicon
from pipeline.segment import vocabulary

PACKAGE_DIR = Path(pipeline.__file__).parent


def test_every_artifact_is_a_file_inside_the_package():
    resources.check()
    for name in resources.ARTIFACTS:
        found = resources.path(name)
        assert found.is_file() and found.stat().st_size > 0, name
        assert found == PACKAGE_DIR / name


def test_package_data_covers_every_artifact():
    """pyproject's package-data globs match every artifact (so a wheel holds them)."""
    import tomllib
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pipeline"]
    for name in resources.ARTIFACTS:
        assert any(fnmatch(name, pattern) for pattern in patterns), name


def test_the_packaged_lexicon_is_the_file_users_edit():
    packaged = PACKAGE_DIR / resources.LEXICON
    edited = ROOT / "dictionaries" / "vi_admin_terms.txt"
    assert packaged.is_symlink()
    assert os.readlink(packaged) == "../../dictionaries/vi_admin_terms.txt"
    assert packaged.resolve() == edited.resolve()


def test_restore_and_segment_read_the_one_lexicon_loader():
    entries = resources.lexicon()
    assert len(entries) > 10_000
    agencies = {e.term for e in entries if e.category == "agency"}
    assert set(vocabulary.lexicon_terms("agency")) == agencies
    assert "Ủy ban nhân dân" in agencies
    restore = Lexicon.load()
    assert restore.size > 5_000
    assert ("ủy", "ban") in restore.by_pair


@pytest.fixture
def lexicon_missing(monkeypatch, tmp_path):
    """The package as a broken install has it: its lexicon gone (and nothing cached)."""
    monkeypatch.setattr(resources, "LEXICON", "data/no_such_lexicon.txt")
    monkeypatch.setattr(resources, "ARTIFACTS", (*resources.ARTIFACTS, resources.LEXICON))
    resources._packaged_lexicon.cache_clear()
    vocabulary.lexicon_terms.cache_clear()
    vocabulary._agency_heads.cache_clear()
    vocabulary._agency_index.cache_clear()
    yield
    resources._packaged_lexicon.cache_clear()
    vocabulary.lexicon_terms.cache_clear()
    vocabulary._agency_heads.cache_clear()
    vocabulary._agency_index.cache_clear()


def test_a_missing_lexicon_is_an_error_in_restore_and_segment(lexicon_missing):
    with pytest.raises(MissingData) as restore_error:
        Lexicon.load()
    with pytest.raises(MissingData):
        vocabulary.lexicon_terms("agency")
    error = restore_error.value
    assert error.exit_code == 6 and str(error).startswith("E203 missing pipeline data file")
    assert "data/no_such_lexicon.txt" in str(error)
    with pytest.raises(MissingData):
        resources.check()


def test_an_empty_lexicon_is_an_error(tmp_path, monkeypatch):
    empty = tmp_path / "pipeline" / "data" / "vi_admin_terms.txt"
    empty.parent.mkdir(parents=True)
    empty.write_text("# no terms\n", encoding="utf-8")
    monkeypatch.setattr(resources, "read_text", lambda name: empty.read_text(encoding="utf-8"))
    resources._packaged_lexicon.cache_clear()
    try:
        with pytest.raises(MissingData, match="holds no terms"):
            resources.lexicon()
    finally:
        resources._packaged_lexicon.cache_clear()
